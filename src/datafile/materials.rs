//! Reading the materials file that ships with the directory (`data/materials.toml`): links
//! with titles in both languages and topics. Checked against the taxonomy at start-up; a
//! test checks the shipped one.

use std::collections::HashSet;

use serde::Deserialize;

use super::problem::{Problem, Report, Severity};
use crate::domain::material::{MAX_TITLE, Material, Source, valid_id, valid_link};
use crate::domain::{Localized, Taxonomy};

const MATERIALS: &str = include_str!("../../data/materials.toml");
const FILE: &str = "data/materials.toml";

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawTitle {
    uk: String,
    en: String,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawMaterial {
    id: String,
    org: String,
    title: RawTitle,
    topics: Vec<String>,
    url: String,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct MaterialsFile {
    #[serde(default)]
    materials: Vec<RawMaterial>,
}

fn error(field: &str, message: impl Into<String>) -> Problem {
    Problem {
        severity: Severity::Error,
        file: FILE.to_string(),
        line: 1,
        field: field.to_string(),
        message: message.into(),
    }
}

/// Parses a materials file: ids unique and plain, links https, titles short, topics known.
pub fn parse_materials(text: &str, taxonomy: &Taxonomy) -> Result<Vec<Material>, Report> {
    let file: MaterialsFile = toml::from_str(text).map_err(|e| Report {
        problems: vec![error("", e.to_string())],
    })?;
    let mut problems = Vec::new();
    let mut seen = HashSet::new();
    let mut out = Vec::new();
    for (i, m) in file.materials.into_iter().enumerate() {
        let field = format!("materials[{i}]");
        if !valid_id(&m.id) || m.id.starts_with("m-") || !seen.insert(m.id.clone()) {
            problems.push(error(&field, format!("bad or repeated id {:?}", m.id)));
        }
        if !valid_link(&m.url) {
            problems.push(error(&field, "url must be an https:// link"));
        }
        for title in [&m.title.uk, &m.title.en] {
            if title.trim().is_empty() || title.chars().count() > MAX_TITLE {
                problems.push(error(
                    &field,
                    format!("titles need 1 to {MAX_TITLE} characters"),
                ));
            }
        }
        if m.topics.is_empty() || m.topics.iter().any(|t| taxonomy.topic(t).is_none()) {
            problems.push(error(&field, "topics must be known topic codes"));
        }
        out.push(Material {
            id: m.id,
            org: m.org,
            title: Localized::new(m.title.uk, m.title.en),
            topics: m.topics,
            source: Source::Link { url: m.url },
        });
    }
    if problems.is_empty() {
        Ok(out)
    } else {
        Err(Report { problems })
    }
}

/// The shipped materials.
pub fn materials(taxonomy: &Taxonomy) -> Result<Vec<Material>, Report> {
    parse_materials(MATERIALS, taxonomy)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_shipped_materials_are_valid_and_a_bad_file_is_refused()
    -> Result<(), Box<dyn std::error::Error>> {
        let taxonomy = super::super::taxonomy()?;
        let shipped = materials(&taxonomy)?;
        assert!(shipped.len() >= 3);
        let bad = r#"
[[materials]]
id = "Bad Id"
org = "x"
title.uk = ""
title.en = "ok"
topics = ["no-such-topic"]
url = "http://example.org"
"#;
        let report = parse_materials(bad, &taxonomy).err().ok_or("accepted")?;
        assert_eq!(report.problems.len(), 4, "{report}");
        Ok(())
    }
}
