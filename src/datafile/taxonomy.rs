//! Reading the topics, regions and hotlines files. These ship inside the binary, so that the
//! hotlines answer even when the store cannot be read; a test checks the shipped ones load.

use std::collections::HashSet;

use chrono::NaiveDate;
use serde::Deserialize;

use super::problem::{Problem, Report, Severity, line_of};
use crate::domain::{Hotline, Localized, Region, Taxonomy, Topic};

const TOPICS: &str = include_str!("../../data/topics.toml");
const REGIONS: &str = include_str!("../../data/regions.toml");
const HOTLINES: &str = include_str!("../../data/hotlines.toml");

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawText {
    uk: String,
    en: String,
}

impl From<RawText> for Localized {
    fn from(raw: RawText) -> Self {
        Localized::new(raw.uk, raw.en)
    }
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawTopic {
    code: String,
    name: RawText,
    #[serde(default)]
    short: Option<RawText>,
    #[serde(default)]
    help: bool,
    #[serde(default)]
    synonyms: Vec<String>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawRegion {
    code: String,
    name: RawText,
    #[serde(default)]
    aliases: Vec<String>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawHotline {
    number: String,
    name: RawText,
    description: RawText,
    hours: RawText,
    source: String,
    checked_on: String,
}

#[derive(Deserialize)]
struct TopicsFile {
    topics: Vec<RawTopic>,
}

#[derive(Deserialize)]
struct RegionsFile {
    regions: Vec<RawRegion>,
}

#[derive(Deserialize)]
struct HotlinesFile {
    hotlines: Vec<RawHotline>,
}

fn error(file: &str, line: usize, field: &str, message: impl Into<String>) -> Problem {
    Problem {
        severity: Severity::Error,
        file: file.into(),
        line,
        field: field.into(),
        message: message.into(),
    }
}

fn parse<T: for<'de> Deserialize<'de>>(text: &str, file: &str) -> Result<T, Report> {
    toml::from_str(text).map_err(|e| {
        let line = e.span().map(|s| line_of(text, s.start)).unwrap_or(1);
        Report {
            problems: vec![error(file, line, "-", e.message().to_string())],
        }
    })
}

fn check_unique<'a>(
    codes: impl Iterator<Item = &'a str>,
    file: &str,
    what: &str,
) -> Result<(), Report> {
    let mut seen = HashSet::new();
    let problems: Vec<Problem> = codes
        .filter(|c| !seen.insert(*c))
        .map(|c| error(file, 1, what, format!("duplicate code {c:?}")))
        .collect();
    if problems.is_empty() {
        Ok(())
    } else {
        Err(Report { problems })
    }
}

/// Parses topics and regions files.
pub fn parse_taxonomy(topics: &str, regions: &str) -> Result<Taxonomy, Report> {
    let topics: TopicsFile = parse(topics, "data/topics.toml")?;
    let regions: RegionsFile = parse(regions, "data/regions.toml")?;
    check_unique(
        topics.topics.iter().map(|t| t.code.as_str()),
        "data/topics.toml",
        "code",
    )?;
    check_unique(
        regions.regions.iter().map(|r| r.code.as_str()),
        "data/regions.toml",
        "code",
    )?;
    Ok(Taxonomy {
        topics: topics
            .topics
            .into_iter()
            .map(|t| {
                let name: Localized = t.name.into();
                Topic {
                    code: t.code,
                    short: t.short.map(Into::into).unwrap_or_else(|| name.clone()),
                    name,
                    help: t.help,
                    synonyms: t.synonyms,
                }
            })
            .collect(),
        regions: regions
            .regions
            .into_iter()
            .map(|r| Region {
                code: r.code,
                name: r.name.into(),
                aliases: r.aliases,
            })
            .collect(),
    })
}

/// Parses a hotlines file; every hotline needs a source and the date it was checked.
pub fn parse_hotlines(text: &str) -> Result<Vec<Hotline>, Report> {
    const FILE: &str = "data/hotlines.toml";
    let file: HotlinesFile = parse(text, FILE)?;
    let mut problems = Vec::new();
    let mut out = Vec::new();
    for (i, h) in file.hotlines.into_iter().enumerate() {
        let field = format!("hotlines[{i}]");
        if h.source.trim().is_empty() {
            problems.push(error(
                FILE,
                1,
                &field,
                "a hotline without a source does not ship",
            ));
        }
        if !crate::domain::validate::is_valid_phone(&h.number) {
            problems.push(error(FILE, 1, &field, format!("bad number {:?}", h.number)));
        }
        match NaiveDate::parse_from_str(&h.checked_on, "%Y-%m-%d") {
            Ok(checked_on) => out.push(Hotline {
                number: h.number,
                name: h.name.into(),
                description: h.description.into(),
                hours: h.hours.into(),
                source: h.source,
                checked_on,
            }),
            Err(_) => problems.push(error(
                FILE,
                1,
                &field,
                "checked_on must be a date like 2026-11-22",
            )),
        }
    }
    if problems.is_empty() {
        Ok(out)
    } else {
        Err(Report { problems })
    }
}

/// The shipped taxonomy.
pub fn taxonomy() -> Result<Taxonomy, Report> {
    parse_taxonomy(TOPICS, REGIONS)
}

/// The shipped hotlines.
pub fn hotlines() -> Result<Vec<Hotline>, Report> {
    parse_hotlines(HOTLINES)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn shipped_taxonomy_has_every_topic_and_all_27_regions()
    -> Result<(), Box<dyn std::error::Error>> {
        let tax = taxonomy()?;
        for code in [
            "crsv",
            "sexual-harassment",
            "domestic-violence",
            "human-trafficking",
            "discrimination",
            "legal-aid",
            "psychological-support",
            "medical-aid",
            "training",
            "wps-1325",
            "women-in-service",
            "veterans",
        ] {
            assert!(tax.topic(code).is_some(), "missing topic {code}");
        }
        assert_eq!(tax.regions.len(), 27);
        assert!(tax.regions.iter().all(|r| r.code.starts_with("UA-")));
        assert_eq!(
            tax.region("UA-12")
                .map(|r| r.name.get(crate::domain::Lang::En)),
            Some("Dnipropetrovsk oblast")
        );
        Ok(())
    }

    #[test]
    fn shipped_hotlines_all_have_a_source_and_a_check_date()
    -> Result<(), Box<dyn std::error::Error>> {
        let lines = hotlines()?;
        assert!(lines.iter().any(|h| h.number == "116 123"));
        assert!(lines.iter().all(|h| !h.source.is_empty()));
        Ok(())
    }

    #[test]
    fn a_hotline_without_source_is_refused() -> Result<(), Box<dyn std::error::Error>> {
        let text = r#"
[[hotlines]]
number = "102"
name = { uk = "Поліція", en = "Police" }
description = { uk = "a", en = "a" }
hours = { uk = "a", en = "a" }
source = ""
checked_on = "2026-11-22"
"#;
        assert!(parse_hotlines(text).is_err());
        Ok(())
    }
}
