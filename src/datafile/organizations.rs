//! Reading and writing the organizations file. Reading never stops at the first problem: it
//! returns every problem with its line and field, and the organizations only when there are
//! no errors (warnings, such as expired vetting, do not block).

use std::collections::{BTreeMap, HashMap};

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

use super::problem::{LineIndex, Problem, Report, Severity};
use super::tables::split_at_headers;
use crate::domain::validate::{
    is_valid_email, is_valid_phone, is_valid_slug, is_valid_telegram, is_valid_url,
};
use crate::domain::{
    Audience, Contacts, Localized, Organization, RegionScope, Service, Taxonomy, Vetting,
    VettingStatus,
};

#[derive(Debug, Default, Deserialize, Serialize)]
pub(super) struct RawText {
    #[serde(default)]
    pub(super) uk: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub(super) en: Option<String>,
}

#[derive(Debug, Default, Deserialize, Serialize)]
pub(super) struct RawContacts {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub(super) phone: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub(super) email: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub(super) website: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub(super) telegram: Option<String>,
}

#[derive(Debug, Default, Deserialize, Serialize)]
pub(super) struct RawVetting {
    #[serde(default)]
    pub(super) vetted_by: String,
    #[serde(default)]
    pub(super) vetted_on: String,
    #[serde(default)]
    pub(super) expires_on: String,
    #[serde(default)]
    pub(super) status: String,
}

/// One `[[organizations]]` table as written — and the dashboard's organization form, which
/// carries the same fields so that both are checked by the same rules. Everything is
/// optional here so that a missing field is reported with the others instead of failing
/// the whole file.
#[derive(Debug, Default, Deserialize, Serialize)]
pub struct RawOrganization {
    #[serde(default)]
    pub(super) id: String,
    #[serde(default)]
    pub(super) demo: bool,
    #[serde(default)]
    pub(super) name: RawText,
    #[serde(default)]
    pub(super) description: RawText,
    #[serde(default)]
    pub(super) topics: Vec<String>,
    #[serde(default)]
    pub(super) services: Vec<String>,
    #[serde(default)]
    pub(super) audiences: Vec<String>,
    #[serde(default)]
    pub(super) regions: Vec<String>,
    #[serde(default)]
    pub(super) languages: Vec<String>,
    #[serde(default)]
    pub(super) women_led: bool,
    #[serde(default)]
    pub(super) accepts_referrals: bool,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub(super) response_hours: Option<u32>,
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub(super) online: bool,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub(super) hours: Option<RawText>,
    #[serde(default)]
    pub(super) contacts: RawContacts,
    #[serde(default)]
    pub(super) vetting: RawVetting,
    #[serde(flatten, skip_serializing)]
    pub(super) unknown: BTreeMap<String, toml::Value>,
}

#[derive(Deserialize)]
struct ReadFile {
    #[serde(default)]
    organizations: Vec<toml::Spanned<RawOrganization>>,
    #[serde(flatten)]
    unknown: BTreeMap<String, toml::Value>,
}

#[derive(Serialize)]
struct WriteFile {
    organizations: Vec<RawOrganization>,
}

const NATIONAL: &str = "national";

/// Collects the problems of one organization while converting it.
struct Checker<'a> {
    file: &'a str,
    text: &'a str,
    lines: &'a LineIndex,
    span: std::ops::Range<usize>,
    label: String,
    problems: Vec<Problem>,
}

impl Checker<'_> {
    /// The line where `key` is written inside this organization's table, or the table's line.
    fn line(&self, key: &str) -> usize {
        let body =
            &self.text[self.span.start.min(self.text.len())..self.span.end.min(self.text.len())];
        let top = key.split('.').next().unwrap_or(key);
        let mut offset = self.span.start;
        for line in body.split_inclusive('\n') {
            let t = line.trim_start();
            let starts = |k: &str| {
                t.strip_prefix(k)
                    .is_some_and(|rest| rest.starts_with([' ', '=', '.', '\t']))
            };
            if starts(key) || starts(top) || t.starts_with(&format!("[organizations.{top}]")) {
                return self.lines.line(offset);
            }
            offset += line.len();
        }
        self.lines.line(self.span.start)
    }

    fn report(&mut self, severity: Severity, key: &str, message: impl Into<String>) {
        let line = self.line(key);
        self.problems.push(Problem {
            severity,
            file: self.file.to_string(),
            line,
            field: format!("{}.{key}", self.label),
            message: message.into(),
        });
    }

    fn error(&mut self, key: &str, message: impl Into<String>) {
        self.report(Severity::Error, key, message);
    }

    fn warn(&mut self, key: &str, message: impl Into<String>) {
        self.report(Severity::Warning, key, message);
    }

    fn date(&mut self, key: &str, value: &str) -> Option<NaiveDate> {
        match NaiveDate::parse_from_str(value, "%Y-%m-%d") {
            Ok(d) => Some(d),
            Err(_) => {
                self.error(key, format!("{value:?} is not a date like 2026-11-22"));
                None
            }
        }
    }

    fn text(&mut self, key: &str, raw: &RawText) -> Localized {
        if raw.uk.trim().is_empty() {
            self.error(&format!("{key}.uk"), "missing Ukrainian text");
        }
        match &raw.en {
            Some(en) if !en.trim().is_empty() => {}
            _ => self.warn(
                &format!("{key}.en"),
                "missing English text; Ukrainian will be shown",
            ),
        }
        Localized {
            uk: raw.uk.trim().to_string(),
            en: raw.en.as_ref().map(|s| s.trim().to_string()),
        }
    }
}

fn convert(
    raw: &RawOrganization,
    c: &mut Checker<'_>,
    taxonomy: &Taxonomy,
    today: NaiveDate,
) -> Option<Organization> {
    for key in raw.unknown.keys() {
        c.error(key, "unknown field");
    }
    if !is_valid_slug(&raw.id) {
        c.error(
            "id",
            format!(
                "{:?} is not a valid id (2–40 of a-z, 0-9, -; starts with a letter)",
                raw.id
            ),
        );
    }
    let name = c.text("name", &raw.name);
    let description = c.text("description", &raw.description);
    if raw.topics.is_empty() {
        c.error("topics", "at least one topic is needed");
    }
    for t in &raw.topics {
        if taxonomy.topic(t).is_none() {
            c.error("topics", format!("unknown topic code {t:?}"));
        }
    }
    let mut services = Vec::new();
    for s in &raw.services {
        match Service::from_code(s) {
            Some(s) => services.push(s),
            None => c.error("services", format!("unknown service {s:?}")),
        }
    }
    let mut audiences = Vec::new();
    for a in &raw.audiences {
        match Audience::from_code(a) {
            Some(a) => audiences.push(a),
            None => c.error("audiences", format!("unknown audience {a:?}")),
        }
    }
    let regions = if raw.regions.iter().any(|r| r == NATIONAL) {
        if raw.regions.len() > 1 {
            c.error(
                "regions",
                "\"national\" cannot be combined with region codes",
            );
        }
        RegionScope::National
    } else {
        if raw.regions.is_empty() {
            c.error(
                "regions",
                "at least one region code or \"national\" is needed",
            );
        }
        for r in &raw.regions {
            if taxonomy.region(r).is_none() {
                c.error("regions", format!("unknown region code {r:?}"));
            }
        }
        RegionScope::Regions(raw.regions.clone())
    };
    for l in &raw.languages {
        if !(2..=3).contains(&l.len()) || !l.chars().all(|c| c.is_ascii_lowercase()) {
            c.error(
                "languages",
                format!("{l:?} is not a language code like \"uk\""),
            );
        }
    }
    let contacts = &raw.contacts;
    if let Some(p) = &contacts.phone
        && !is_valid_phone(p)
    {
        c.error("contacts.phone", format!("bad phone number {p:?}"));
    }
    if let Some(e) = &contacts.email
        && !is_valid_email(e)
    {
        c.error("contacts.email", format!("bad email {e:?}"));
    }
    if let Some(w) = &contacts.website
        && !is_valid_url(w)
    {
        c.error(
            "contacts.website",
            format!("bad URL {w:?} (needs https://)"),
        );
    }
    if let Some(t) = &contacts.telegram
        && !is_valid_telegram(t)
    {
        c.error(
            "contacts.telegram",
            format!("bad Telegram username {t:?} (like @name)"),
        );
    }
    if contacts.phone.is_none()
        && contacts.email.is_none()
        && contacts.website.is_none()
        && contacts.telegram.is_none()
    {
        c.error("contacts", "at least one contact is needed");
    }
    if let Some(h) = raw.response_hours
        && !(1..=168).contains(&h)
    {
        c.error(
            "response_hours",
            format!("{h} is not between 1 and 168 hours (a week)"),
        );
    }
    let hours = raw.hours.as_ref().map(|h| c.text("hours", h));
    let v = &raw.vetting;
    if v.vetted_by.trim().is_empty() {
        c.error(
            "vetting.vetted_by",
            "who vetted the organization is required",
        );
    }
    let vetted_on = c.date("vetting.vetted_on", &v.vetted_on);
    let expires_on = c.date("vetting.expires_on", &v.expires_on);
    let status = match v.status.as_str() {
        "active" => Some(VettingStatus::Active),
        "suspended" => Some(VettingStatus::Suspended),
        other => {
            c.error(
                "vetting.status",
                format!("{other:?} is not \"active\" or \"suspended\""),
            );
            None
        }
    };
    if let (Some(on), Some(until)) = (vetted_on, expires_on) {
        if until < on {
            c.error("vetting.expires_on", "expires before it was vetted");
        } else if until < today {
            c.warn(
                "vetting.expires_on",
                format!("vetting expired on {until}; the organization will not be shown"),
            );
        }
    }
    Some(Organization {
        id: raw.id.clone(),
        demo: raw.demo,
        name,
        description,
        topics: raw.topics.clone(),
        services,
        audiences,
        regions,
        languages: raw.languages.clone(),
        contacts: Contacts {
            phone: contacts.phone.clone(),
            email: contacts.email.clone(),
            website: contacts.website.clone(),
            telegram: contacts.telegram.clone(),
        },
        hours,
        women_led: raw.women_led,
        accepts_referrals: raw.accepts_referrals,
        response_hours: raw
            .response_hours
            .unwrap_or(crate::domain::organization::DEFAULT_RESPONSE_HOURS),
        works_online: raw.online,
        vetting: Vetting {
            vetted_by: v.vetted_by.trim().to_string(),
            vetted_on: vetted_on?,
            expires_on: expires_on?,
            status: status?,
        },
    })
}

/// Parses an organizations file. Returns the organizations (only if there is no error) and
/// the report of every problem found.
pub fn parse_organizations(
    text: &str,
    file: &str,
    taxonomy: &Taxonomy,
    today: NaiveDate,
) -> (Option<Vec<Organization>>, Report) {
    let lines = LineIndex::new(text);
    let mut problems = Vec::new();
    let mut orgs = Vec::new();
    let mut first_line: HashMap<String, usize> = HashMap::new();
    let mut read = 0usize;
    // One organization at a time: the whole file's parse tree would hold ~20x its size.
    for part in split_at_headers(text, "organizations") {
        let parsed: ReadFile = match toml::from_str(&text[part.clone()]) {
            Ok(p) => p,
            Err(e) => {
                let at = part.start + e.span().map_or(0, |s| s.start);
                problems.push(Problem {
                    severity: Severity::Error,
                    file: file.to_string(),
                    line: lines.line(at),
                    field: "-".into(),
                    message: e.message().trim().to_string(),
                });
                continue;
            }
        };
        for key in parsed.unknown.keys() {
            problems.push(Problem {
                severity: Severity::Error,
                file: file.to_string(),
                line: 1,
                field: key.clone(),
                message: "unknown top-level key (expected [[organizations]])".into(),
            });
        }
        // An organization's lines run from its header to the next organization's.
        let starts: Vec<usize> = parsed
            .organizations
            .iter()
            .map(|o| o.span().start)
            .collect();
        for (i, spanned) in parsed.organizations.iter().enumerate() {
            let raw = spanned.get_ref();
            let label = if raw.id.is_empty() {
                format!("organizations[{read}]")
            } else {
                raw.id.clone()
            };
            read += 1;
            let end = starts.get(i + 1).map_or(part.end, |next| part.start + next);
            let mut checker = Checker {
                file,
                text,
                lines: &lines,
                span: part.start + spanned.span().start..end,
                label,
                problems: Vec::new(),
            };
            if !raw.id.is_empty() {
                let here = checker.line("id");
                if let Some(first) = first_line.get(&raw.id) {
                    checker.error("id", format!("duplicate id (first used on line {first})"));
                } else {
                    first_line.insert(raw.id.clone(), here);
                }
            }
            let org = convert(raw, &mut checker, taxonomy, today);
            problems.append(&mut checker.problems);
            if let Some(org) = org {
                orgs.push(org);
            }
        }
    }
    let syntax_error = problems.iter().any(|p| p.field == "-");
    if read == 0 && !syntax_error {
        problems.push(Problem {
            severity: Severity::Warning,
            file: file.to_string(),
            line: 1,
            field: "organizations".into(),
            message: "the file lists no organizations".into(),
        });
    }
    problems.sort_by_key(|p| (p.line, p.severity));
    let report = Report { problems };
    if report.has_errors() {
        (None, report)
    } else {
        (Some(orgs), report)
    }
}

fn raw_text(text: &Localized) -> RawText {
    RawText {
        uk: text.uk.clone(),
        en: text.en.clone(),
    }
}

/// Writes organizations in the same format `parse_organizations` reads.
pub fn export_organizations(orgs: &[Organization]) -> Result<String, toml::ser::Error> {
    let organizations = orgs.iter().map(organization_form).collect();
    toml::to_string(&WriteFile { organizations })
}

/// An organization as one table of the file (and as the dashboard's form).
pub fn organization_form(o: &Organization) -> RawOrganization {
    RawOrganization {
        id: o.id.clone(),
        demo: o.demo,
        name: raw_text(&o.name),
        description: raw_text(&o.description),
        topics: o.topics.clone(),
        services: o.services.iter().map(|s| s.code().to_string()).collect(),
        audiences: o.audiences.iter().map(|a| a.code().to_string()).collect(),
        regions: match &o.regions {
            RegionScope::National => vec![NATIONAL.to_string()],
            RegionScope::Regions(codes) => codes.clone(),
        },
        languages: o.languages.clone(),
        women_led: o.women_led,
        accepts_referrals: o.accepts_referrals,
        response_hours: (o.response_hours != crate::domain::organization::DEFAULT_RESPONSE_HOURS)
            .then_some(o.response_hours),
        online: o.works_online,
        hours: o.hours.as_ref().map(raw_text),
        contacts: RawContacts {
            phone: o.contacts.phone.clone(),
            email: o.contacts.email.clone(),
            website: o.contacts.website.clone(),
            telegram: o.contacts.telegram.clone(),
        },
        vetting: RawVetting {
            vetted_by: o.vetting.vetted_by.clone(),
            vetted_on: o.vetting.vetted_on.to_string(),
            expires_on: o.vetting.expires_on.to_string(),
            status: match o.vetting.status {
                VettingStatus::Active => "active".into(),
                VettingStatus::Suspended => "suspended".into(),
            },
        },
        unknown: BTreeMap::new(),
    }
}

impl RawOrganization {
    pub fn id(&self) -> &str {
        &self.id
    }

    /// The expiry date the form asks for, if it is a date.
    pub fn expires_on(&self) -> Option<NaiveDate> {
        NaiveDate::parse_from_str(self.vetting.expires_on.trim(), "%Y-%m-%d").ok()
    }

    /// Puts a vetting record in the form (vetting is not edited through it).
    pub fn set_vetting(&mut self, v: &Vetting) {
        self.vetting = RawVetting {
            vetted_by: v.vetted_by.clone(),
            vetted_on: v.vetted_on.to_string(),
            expires_on: v.expires_on.to_string(),
            status: match v.status {
                VettingStatus::Active => "active".into(),
                VettingStatus::Suspended => "suspended".into(),
            },
        };
    }

    /// Marks the form's organization as a real one (not demo data).
    pub fn set_demo(&mut self, demo: bool) {
        self.demo = demo;
    }
}

/// Checks one organization from the dashboard's form by the file's rules: the organization,
/// or every problem, each naming its field (`contacts.phone`, `name.uk`, …). Warnings (a
/// missing English text) do not block.
pub fn check_form(
    form: &RawOrganization,
    taxonomy: &Taxonomy,
    today: NaiveDate,
) -> (Option<Organization>, Vec<Problem>) {
    let lines = LineIndex::new("");
    let mut checker = Checker {
        file: "form",
        text: "",
        lines: &lines,
        span: 0..0,
        label: String::new(),
        problems: Vec::new(),
    };
    let org = convert(form, &mut checker, taxonomy, today);
    let problems: Vec<Problem> = checker
        .problems
        .into_iter()
        .map(|mut p| {
            p.field = p.field.trim_start_matches('.').to_string();
            p
        })
        .collect();
    let blocked = problems.iter().any(|p| p.severity == Severity::Error);
    (if blocked { None } else { org }, problems)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::datafile::{DEMO_ORGANIZATIONS, taxonomy};

    fn today() -> NaiveDate {
        NaiveDate::from_ymd_opt(2026, 11, 22).unwrap_or_default()
    }

    const GOOD: &str = r#"
[[organizations]]
id = "test-org"
name.uk = "Тест"
name.en = "Test"
description.uk = "Опис"
description.en = "Description"
topics = ["crsv"]
services = ["consultation"]
audiences = ["service-members"]
regions = ["UA-12"]
contacts.email = "a@example.org"
vetting.vetted_by = "Coordinator"
vetting.vetted_on = "2026-01-01"
vetting.expires_on = "2027-01-01"
vetting.status = "active"
"#;

    #[test]
    fn the_shipped_demo_directory_is_valid_and_broad() -> Result<(), Box<dyn std::error::Error>> {
        let tax = taxonomy()?;
        let (orgs, report) =
            parse_organizations(DEMO_ORGANIZATIONS, "data/organizations.toml", &tax, today());
        assert!(!report.has_errors(), "{:#?}", report.problems);
        let orgs = orgs.ok_or(report.clone())?;
        assert!(orgs.len() >= 30);
        assert!(orgs.iter().all(|o| {
            o.demo
                && o.contacts
                    .email
                    .as_deref()
                    .is_some_and(|e| e.ends_with("@example.org"))
        }));
        for topic in &tax.topics {
            assert!(
                orgs.iter().any(|o| o.has_topic(&topic.code)),
                "no demo organization for {}",
                topic.code
            );
        }
        let mut regions: Vec<&String> = orgs
            .iter()
            .filter_map(|o| match &o.regions {
                RegionScope::Regions(r) => Some(r),
                RegionScope::National => None,
            })
            .flatten()
            .collect();
        regions.sort();
        regions.dedup();
        assert!(
            regions.len() >= 10,
            "demo organizations cover only {} regions",
            regions.len()
        );
        Ok(())
    }

    #[test]
    fn a_good_file_parses() -> Result<(), Box<dyn std::error::Error>> {
        let (orgs, report) = parse_organizations(GOOD, "f.toml", &taxonomy()?, today());
        assert!(!report.has_errors(), "{:#?}", report.problems);
        assert_eq!(orgs.map(|o| o.len()), Some(1));
        Ok(())
    }

    #[test]
    fn every_problem_is_listed_with_line_and_field() -> Result<(), Box<dyn std::error::Error>> {
        let broken = GOOD
            .replace("topics = [\"crsv\"]", "topics = [\"crsv\", \"astrology\"]")
            .replace("regions = [\"UA-12\"]", "regions = [\"UA-99\"]")
            .replace("name.uk = \"Тест\"\n", "")
            .replace(
                "contacts.email = \"a@example.org\"",
                "contacts.phone = \"call me\"",
            )
            + GOOD;
        let (orgs, report) = parse_organizations(&broken, "f.toml", &taxonomy()?, today());
        assert!(orgs.is_none());
        let text: Vec<String> = report.problems.iter().map(ToString::to_string).collect();
        let has = |needle: &str| text.iter().any(|t| t.contains(needle));
        assert!(
            has("f.toml:7: error: test-org.topics: unknown topic code \"astrology\""),
            "{text:#?}"
        );
        assert!(
            has("test-org.regions: unknown region code \"UA-99\""),
            "{text:#?}"
        );
        assert!(has("test-org.name.uk: missing Ukrainian text"), "{text:#?}");
        assert!(
            has("test-org.contacts.phone: bad phone number"),
            "{text:#?}"
        );
        assert!(
            has("test-org.id: duplicate id (first used on line 3)"),
            "{text:#?}"
        );
        Ok(())
    }

    #[test]
    fn expired_vetting_is_a_warning_not_an_error() -> Result<(), Box<dyn std::error::Error>> {
        let expired = GOOD.replace("2027-01-01", "2026-06-01");
        let (orgs, report) = parse_organizations(&expired, "f.toml", &taxonomy()?, today());
        assert!(orgs.is_some());
        assert!(report.warnings().any(|w| w.message.contains("expired")));
        Ok(())
    }

    #[test]
    fn unknown_fields_and_syntax_errors_are_reported() -> Result<(), Box<dyn std::error::Error>> {
        let typo = GOOD.replace("topics =", "topiks = [\"crsv\"]\ntopics =");
        let (_, report) = parse_organizations(&typo, "f.toml", &taxonomy()?, today());
        assert!(
            report
                .errors()
                .any(|e| e.field == "test-org.topiks" && e.message == "unknown field")
        );
        let (orgs, report) =
            parse_organizations("[[organizations]\nid = ", "f.toml", &taxonomy()?, today());
        assert!(orgs.is_none());
        assert!(report.has_errors());
        Ok(())
    }

    #[test]
    fn a_syntax_error_in_one_organization_does_not_hide_the_others_problems()
    -> Result<(), Box<dyn std::error::Error>> {
        // Each copy of GOOD is 16 lines: the second's name.en is on 5 + 16, the third's
        // regions on 11 + 32.
        let second = GOOD
            .replace("id = \"test-org\"", "id = \"second\"")
            .replace("name.en = \"Test\"", "name.en = Test");
        let third = GOOD
            .replace("id = \"test-org\"", "id = \"third\"")
            .replace("regions = [\"UA-12\"]", "regions = [\"UA-99\"]");
        let file = format!("{GOOD}{second}{third}");
        let (orgs, report) = parse_organizations(&file, "f.toml", &taxonomy()?, today());
        assert!(orgs.is_none());
        let text: Vec<String> = report.problems.iter().map(ToString::to_string).collect();
        assert_eq!(report.errors().count(), 2, "{text:#?}");
        assert!(
            text.iter().any(|t| t.starts_with("f.toml:21: error: -:")),
            "{text:#?}"
        );
        assert!(
            text.iter()
                .any(|t| t == "f.toml:43: error: third.regions: unknown region code \"UA-99\""),
            "{text:#?}"
        );
        Ok(())
    }

    #[test]
    fn export_then_import_round_trips() -> Result<(), Box<dyn std::error::Error>> {
        let tax = taxonomy()?;
        let (orgs, first) = parse_organizations(DEMO_ORGANIZATIONS, "d", &tax, today());
        let orgs = orgs.ok_or(first)?;
        let written = export_organizations(&orgs)?;
        let (again, report) = parse_organizations(&written, "e", &tax, today());
        assert!(!report.has_errors(), "{:#?}", report.problems);
        assert_eq!(again.ok_or(report)?, orgs);
        Ok(())
    }
}
