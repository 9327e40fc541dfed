//! The directory as an Open Referral HSDS 3.0 tabular data package ("Human Services Data
//! Specification: an Open Referral resource", https://openreferral.org/, CC BY-SA 4.0): a
//! `datapackage.json` and nine CSV files, with the columns and order of the specification.
//!
//! Mapping (README, "Open Referral HSDS"):
//! - each organization is one `organization` and one `service` (its help, as Poruch lists it);
//!   ids are UUIDv5 of Poruch's ids in Poruch's namespace, so they are stable across exports;
//! - topics are terms of the `poruch-topics` taxonomy, linked to the service by `attribute`;
//! - regions are `service_area` rows (`extent` = ISO 3166-2 code, `UA` for all of Ukraine);
//! - phone, languages: `phone`, `language`;
//! - vetting: the date in the service's `assured_date`; who vetted, until when and the status
//!   in `attribute` rows of the `poruch-fields` taxonomy (never a made-up `assurer_email`), and
//!   one `metadata` row per organization recording the vetting;
//! - everything else HSDS has no column for (English texts, kinds of service, audiences, hours,
//!   Telegram, flags, response time, Poruch's id) in `poruch-fields` attributes.
//!
//! Reading goes back through the directory file's own form and rules (`check_form`), so a
//! package is held to exactly what `directory import` of a TOML file is.

use std::collections::{BTreeMap, BTreeSet, HashMap};

use chrono::NaiveDate;
use uuid::Uuid;

use super::organizations::{RawContacts, RawOrganization, RawText, RawVetting};
use super::{Problem, Report, Severity, check_form, organization_form};
use crate::domain::{Organization, Taxonomy};

/// Poruch's namespace for the UUIDs it derives (UUIDv5 of "<kind>/<key>").
const NAMESPACE: Uuid = Uuid::from_u128(0x6b1f_4d2e_9c3a_4f5b_8e7d_2a1c_0b9f_5e3d);

fn uuid(kind: &str, key: &str) -> String {
    Uuid::new_v5(&NAMESPACE, format!("{kind}/{key}").as_bytes()).to_string()
}

pub const TOPICS_TAXONOMY: &str = "poruch-topics";
pub const FIELDS_TAXONOMY: &str = "poruch-fields";

/// The terms of the `poruch-fields` taxonomy: (code, what the attribute's value is).
pub const FIELD_TERMS: [(&str, &str); 16] = [
    ("poruch-id", "Poruch's id of the organization"),
    (
        "demo",
        "true for demonstration data, not a real organization",
    ),
    (
        "description-en",
        "the organization's description in English",
    ),
    (
        "service-kind",
        "a kind of help it gives, by Poruch's code (consultation, legal-aid, training, …)",
    ),
    (
        "audience",
        "whom it serves, by Poruch's code (service-members, commanders, advisers, cadets, families, veterans)",
    ),
    ("women-led", "true if the organization is led by women"),
    (
        "accepts-referrals",
        "true if it takes confidential help requests through Poruch",
    ),
    (
        "response-hours",
        "hours it has to answer a request before it is offered elsewhere",
    ),
    ("online", "true if it also works online"),
    ("telegram", "its Telegram username or link"),
    ("hours-uk", "opening hours, in Ukrainian"),
    ("hours-en", "opening hours, in English"),
    (
        "vetted-by",
        "who vetted the organization for Poruch (a name, not an address)",
    ),
    (
        "vetted-on",
        "the day it was vetted (also the service's assured_date)",
    ),
    ("vetted-until", "the last day the vetting holds"),
    ("vetting-status", "active or suspended"),
];

/// One column of an HSDS table: name, Table Schema type, format, required.
type Column = (&'static str, &'static str, &'static str, bool);

/// The nine tables written, in the specification's column order.
pub const TABLES: [(&str, &str, &[Column]); 9] = [
    (
        "organization",
        "organizations.csv",
        &[
            ("id", "string", "uuid", true),
            ("name", "string", "", true),
            ("alternate_name", "string", "", false),
            ("description", "string", "", true),
            ("email", "string", "email", false),
            ("website", "string", "uri", false),
            ("tax_status", "string", "", false),
            ("tax_id", "string", "", false),
            ("year_incorporated", "number", "", false),
            ("legal_status", "string", "", false),
            ("logo", "string", "", false),
            ("uri", "string", "uri", false),
            ("parent_organization_id", "string", "uuid", false),
        ],
    ),
    (
        "service",
        "services.csv",
        &[
            ("id", "string", "uuid", true),
            ("organization_id", "string", "uuid", true),
            ("program_id", "string", "uuid", false),
            ("name", "string", "", true),
            ("alternate_name", "string", "", false),
            ("description", "string", "", false),
            ("url", "string", "uri", false),
            ("email", "string", "email", false),
            ("status", "string", "", true),
            ("interpretation_services", "string", "", false),
            ("application_process", "string", "", false),
            ("fees_description", "string", "", false),
            ("wait_time", "string", "", false),
            ("fees", "string", "", false),
            ("accreditations", "string", "", false),
            ("eligibility_description", "string", "", false),
            ("minimum_age", "number", "", false),
            ("maximum_age", "number", "", false),
            ("assured_date", "date", "", false),
            ("assurer_email", "string", "email", false),
            ("licenses", "string", "", false),
            ("alert", "string", "", false),
            ("last_modified", "datetime", "", false),
        ],
    ),
    (
        "service_area",
        "service_areas.csv",
        &[
            ("id", "string", "uuid", true),
            ("service_id", "string", "uuid", false),
            ("name", "string", "", false),
            ("description", "string", "", false),
            ("extent", "string", "", false),
            ("extent_type", "string", "", false),
            ("uri", "string", "", false),
        ],
    ),
    (
        "phone",
        "phones.csv",
        &[
            ("id", "string", "uuid", true),
            ("location_id", "string", "uuid", false),
            ("service_id", "string", "uuid", false),
            ("organization_id", "string", "uuid", false),
            ("contact_id", "string", "uuid", false),
            ("service_at_location_id", "string", "uuid", false),
            ("number", "string", "", true),
            ("extension", "number", "", false),
            ("type", "string", "", false),
            ("description", "string", "", false),
        ],
    ),
    (
        "language",
        "languages.csv",
        &[
            ("id", "string", "uuid", true),
            ("service_id", "string", "uuid", false),
            ("location_id", "string", "uuid", false),
            ("phone_id", "string", "uuid", false),
            ("name", "string", "", false),
            ("code", "string", "", false),
            ("note", "string", "", false),
        ],
    ),
    (
        "taxonomy",
        "taxonomies.csv",
        &[
            ("id", "string", "uuid", true),
            ("name", "string", "", true),
            ("description", "string", "", true),
            ("uri", "string", "uri", false),
            ("version", "string", "", false),
        ],
    ),
    (
        "taxonomy_term",
        "taxonomy_terms.csv",
        &[
            ("id", "string", "uuid", true),
            ("code", "string", "", false),
            ("name", "string", "", true),
            ("description", "string", "", true),
            ("parent_id", "string", "uuid", false),
            ("taxonomy", "string", "", false),
            ("language", "string", "", false),
            ("taxonomy_id", "string", "uuid", false),
            ("term_uri", "string", "uri", false),
        ],
    ),
    (
        "attribute",
        "attributes.csv",
        &[
            ("id", "string", "uuid", true),
            ("link_id", "string", "uuid", true),
            ("taxonomy_term_id", "string", "uuid", true),
            ("link_type", "string", "", false),
            ("link_entity", "string", "", true),
            ("value", "string", "", false),
        ],
    ),
    (
        "metadata",
        "metadata.csv",
        &[
            ("id", "string", "uuid", true),
            ("resource_id", "string", "uuid", true),
            ("resource_type", "string", "", true),
            ("last_action_date", "date", "", true),
            ("last_action_type", "string", "", true),
            ("field_name", "string", "", true),
            ("previous_value", "string", "", true),
            ("replacement_value", "string", "", true),
            ("updated_by", "string", "", true),
        ],
    ),
];

/// Foreign keys between the tables written: (table, column, referenced table).
const FOREIGN_KEYS: [(&str, &str, &str); 8] = [
    ("service", "organization_id", "organization"),
    ("service_area", "service_id", "service"),
    ("phone", "organization_id", "organization"),
    ("phone", "service_id", "service"),
    ("language", "service_id", "service"),
    ("taxonomy_term", "taxonomy_id", "taxonomy"),
    ("taxonomy_term", "parent_id", "taxonomy_term"),
    ("attribute", "taxonomy_term_id", "taxonomy_term"),
];

#[derive(Debug, thiserror::Error)]
pub enum HsdsError {
    #[error("cannot write CSV: {0}")]
    Csv(#[from] csv::Error),
    #[error("cannot write CSV: {0}")]
    Text(#[from] std::string::FromUtf8Error),
    #[error("cannot write datapackage.json: {0}")]
    Json(#[from] serde_json::Error),
    #[error("CSV writer: {0}")]
    Inner(String),
}

/// Rows of one table, each a map from column to value (missing columns are empty).
#[derive(Default)]
struct Rows(Vec<BTreeMap<&'static str, String>>);

impl Rows {
    fn push(&mut self, cells: &[(&'static str, &str)]) {
        self.0.push(
            cells
                .iter()
                .filter(|(_, v)| !v.is_empty())
                .map(|(k, v)| (*k, v.to_string()))
                .collect(),
        );
    }
}

fn yes(b: bool) -> &'static str {
    if b { "true" } else { "false" }
}

/// The package's files: (file name, contents), `datapackage.json` first.
pub fn export(
    orgs: &[Organization],
    taxonomy: &Taxonomy,
) -> Result<Vec<(String, String)>, HsdsError> {
    let mut tables: HashMap<&str, Rows> = HashMap::new();
    let fields_tax = uuid("taxonomy", FIELDS_TAXONOMY);
    let topics_tax = uuid("taxonomy", TOPICS_TAXONOMY);
    {
        let t = tables.entry("taxonomy").or_default();
        t.push(&[
            ("id", &topics_tax),
            ("name", TOPICS_TAXONOMY),
            (
                "description",
                "Poruch's topics: what an organization works on",
            ),
            ("version", "1"),
        ]);
        t.push(&[
            ("id", &fields_tax),
            ("name", FIELDS_TAXONOMY),
            (
                "description",
                "Poruch's fields that HSDS has no column for (attribute values)",
            ),
            ("version", "1"),
        ]);
    }
    {
        let t = tables.entry("taxonomy_term").or_default();
        for topic in &taxonomy.topics {
            let description = topic
                .name
                .en
                .clone()
                .unwrap_or_else(|| topic.name.uk.clone());
            t.push(&[
                (
                    "id",
                    &uuid("term", &format!("{TOPICS_TAXONOMY}/{}", topic.code)),
                ),
                ("code", &topic.code),
                ("name", &topic.name.uk),
                ("description", &description),
                ("taxonomy", TOPICS_TAXONOMY),
                ("language", "uk"),
                ("taxonomy_id", &topics_tax),
            ]);
        }
        for (code, description) in FIELD_TERMS {
            t.push(&[
                ("id", &uuid("term", &format!("{FIELDS_TAXONOMY}/{code}"))),
                ("code", code),
                ("name", code),
                ("description", description),
                ("taxonomy", FIELDS_TAXONOMY),
                ("language", "en"),
                ("taxonomy_id", &fields_tax),
            ]);
        }
    }
    for org in orgs {
        let form = organization_form(org);
        let org_id = uuid("organization", &org.id);
        let service_id = uuid("service", &org.id);
        let email = form.contacts.email.clone().unwrap_or_default();
        let website = form.contacts.website.clone().unwrap_or_default();
        let name_en = form.name.en.clone().unwrap_or_default();
        tables.entry("organization").or_default().push(&[
            ("id", &org_id),
            ("name", &form.name.uk),
            ("alternate_name", &name_en),
            ("description", &form.description.uk),
            ("email", &email),
            ("website", &website),
        ]);
        let status = if form.vetting.status == "active" {
            "active"
        } else {
            "inactive"
        };
        tables.entry("service").or_default().push(&[
            ("id", &service_id),
            ("organization_id", &org_id),
            ("name", &form.name.uk),
            ("alternate_name", &name_en),
            ("description", &form.description.uk),
            ("url", &website),
            ("email", &email),
            ("status", status),
            ("assured_date", &form.vetting.vetted_on),
        ]);
        for code in &form.regions {
            let (extent, name) = if code == "national" {
                ("UA".to_string(), "Україна".to_string())
            } else {
                let name = taxonomy
                    .region(code)
                    .map(|r| r.name.uk.clone())
                    .unwrap_or_default();
                (code.clone(), name)
            };
            tables.entry("service_area").or_default().push(&[
                ("id", &uuid("service_area", &format!("{}/{code}", org.id))),
                ("service_id", &service_id),
                ("name", &name),
                ("extent", &extent),
                ("extent_type", "text"),
            ]);
        }
        if let Some(phone) = &form.contacts.phone {
            tables.entry("phone").or_default().push(&[
                ("id", &uuid("phone", &org.id)),
                ("organization_id", &org_id),
                ("number", phone),
            ]);
        }
        for code in &form.languages {
            tables.entry("language").or_default().push(&[
                ("id", &uuid("language", &format!("{}/{code}", org.id))),
                ("service_id", &service_id),
                ("code", code),
            ]);
        }
        let attributes = tables.entry("attribute").or_default();
        let mut attr = |entity: &'static str, link: &str, term: String, value: &str| {
            let id = uuid("attribute", &format!("{}/{entity}/{term}/{value}", org.id));
            attributes.push(&[
                ("id", &id),
                ("link_id", link),
                ("taxonomy_term_id", &uuid("term", &term)),
                ("link_entity", entity),
                ("value", value),
            ]);
        };
        let field = |code: &str| format!("{FIELDS_TAXONOMY}/{code}");
        attr("organization", &org_id, field("poruch-id"), &org.id);
        attr("organization", &org_id, field("demo"), yes(form.demo));
        if let Some(en) = &form.description.en {
            attr("organization", &org_id, field("description-en"), en);
        }
        attr(
            "organization",
            &org_id,
            field("women-led"),
            yes(form.women_led),
        );
        if let Some(telegram) = &form.contacts.telegram {
            attr("organization", &org_id, field("telegram"), telegram);
        }
        for topic in &form.topics {
            attr(
                "service",
                &service_id,
                format!("{TOPICS_TAXONOMY}/{topic}"),
                "",
            );
        }
        for kind in &form.services {
            attr("service", &service_id, field("service-kind"), kind);
        }
        for audience in &form.audiences {
            attr("service", &service_id, field("audience"), audience);
        }
        let accepts = yes(form.accepts_referrals);
        attr("service", &service_id, field("accepts-referrals"), accepts);
        let hours = org.response_hours.to_string();
        attr("service", &service_id, field("response-hours"), &hours);
        attr("service", &service_id, field("online"), yes(form.online));
        if let Some(h) = &form.hours {
            attr("service", &service_id, field("hours-uk"), &h.uk);
            if let Some(en) = &h.en {
                attr("service", &service_id, field("hours-en"), en);
            }
        }
        let v = &form.vetting;
        attr("service", &service_id, field("vetted-by"), &v.vetted_by);
        attr("service", &service_id, field("vetted-on"), &v.vetted_on);
        attr("service", &service_id, field("vetted-until"), &v.expires_on);
        attr("service", &service_id, field("vetting-status"), &v.status);
        tables.entry("metadata").or_default().push(&[
            ("id", &uuid("metadata", &format!("{}/vetting", org.id))),
            ("resource_id", &org_id),
            ("resource_type", "organization"),
            ("last_action_date", &v.vetted_on),
            ("last_action_type", "vetted"),
            ("field_name", "vetting-status"),
            ("previous_value", "unvetted"),
            ("replacement_value", &v.status),
            ("updated_by", &v.vetted_by),
        ]);
    }
    let mut files = vec![(
        "datapackage.json".to_string(),
        serde_json::to_string_pretty(&descriptor())?,
    )];
    for (table, path, columns) in TABLES {
        let mut writer = csv::Writer::from_writer(Vec::new());
        writer.write_record(columns.iter().map(|c| c.0))?;
        for row in tables.remove(table).unwrap_or_default().0 {
            writer.write_record(
                columns
                    .iter()
                    .map(|c| row.get(c.0).map(String::as_str).unwrap_or("")),
            )?;
        }
        let bytes = writer
            .into_inner()
            .map_err(|e| HsdsError::Inner(e.error().to_string()))?;
        files.push((path.to_string(), String::from_utf8(bytes)?));
    }
    Ok(files)
}

/// `datapackage.json`: a Frictionless tabular data package describing the nine files.
fn descriptor() -> serde_json::Value {
    use serde_json::json;
    let resources: Vec<serde_json::Value> = TABLES
        .iter()
        .map(|(table, path, columns)| {
            let fields: Vec<serde_json::Value> = columns
                .iter()
                .map(|(name, kind, format, required)| {
                    let mut field = json!({"name": name, "type": kind});
                    if !format.is_empty() {
                        field["format"] = json!(format);
                    }
                    if *required {
                        field["constraints"] = json!({"required": true});
                    }
                    field
                })
                .collect();
            let foreign: Vec<serde_json::Value> = FOREIGN_KEYS
                .iter()
                .filter(|(t, _, _)| t == table)
                .map(|(_, column, to)| {
                    json!({"fields": column, "reference": {"resource": to, "fields": "id"}})
                })
                .collect();
            json!({
                "name": table,
                "path": path,
                "profile": "tabular-data-resource",
                "format": "csv",
                "mediatype": "text/csv",
                "encoding": "utf-8",
                "schema": {"fields": fields, "primaryKey": "id", "foreignKeys": foreign},
            })
        })
        .collect();
    json!({
        "name": "poruch-directory",
        "title": "Poruch: vetted civil society organizations",
        "profile": "tabular-data-package",
        "version": "3.0.0",
        "sources": [{
            "title": "Human Services Data Specification 3.0: an Open Referral resource",
            "path": "https://openreferral.org/"
        }],
        "licenses": [{
            "name": "CC-BY-SA-4.0",
            "path": "https://creativecommons.org/licenses/by-sa/4.0/",
            "title": "The HSDS schema this package follows: Creative Commons Attribution Share-Alike 4.0"
        }],
        "resources": resources,
    })
}

/// One table read back: its rows (column → value, empty cells left out) with their line.
struct Table {
    file: &'static str,
    rows: Vec<(usize, HashMap<String, String>)>,
}

impl Table {
    fn where_eq<'a>(
        &'a self,
        column: &'a str,
        value: &'a str,
    ) -> impl Iterator<Item = &'a HashMap<String, String>> + 'a {
        self.rows
            .iter()
            .map(|(_, r)| r)
            .filter(move |r| r.get(column).map(String::as_str) == Some(value))
    }
}

fn error(file: &str, line: usize, field: &str, message: impl Into<String>) -> Problem {
    Problem {
        severity: Severity::Error,
        file: file.to_string(),
        line,
        field: field.to_string(),
        message: message.into(),
    }
}

/// What reading a package found: the organizations (only if there is no error), every
/// problem, and what the package holds that Poruch has no place for.
pub struct Read {
    pub organizations: Option<Vec<Organization>>,
    pub report: Report,
    pub unmapped: Vec<String>,
}

/// Reads a package from its files (file name → contents). Files Poruch does not read are
/// listed as unmapped, as are columns with values and attributes of unknown terms.
pub fn import(files: &BTreeMap<String, String>, taxonomy: &Taxonomy, today: NaiveDate) -> Read {
    let mut problems = Vec::new();
    let mut unmapped = BTreeSet::new();
    let known: BTreeSet<&str> = TABLES.iter().map(|t| t.1).collect();
    for name in files.keys() {
        if name != "datapackage.json" && !known.contains(name.as_str()) {
            unmapped.insert(format!("{name}: not read (Poruch has no such records)"));
        }
    }
    let mut tables: HashMap<&str, Table> = HashMap::new();
    for (table, path, columns) in TABLES {
        let mut rows = Vec::new();
        if let Some(text) = files.get(path) {
            let mut reader = csv::Reader::from_reader(text.as_bytes());
            let headers = match reader.headers() {
                Ok(h) => h.clone(),
                Err(e) => {
                    problems.push(error(path, 1, "-", format!("unreadable CSV: {e}")));
                    continue;
                }
            };
            for (i, record) in reader.records().enumerate() {
                let line = i + 2;
                match record {
                    Ok(record) => {
                        let mut row = HashMap::new();
                        for (name, value) in headers.iter().zip(record.iter()) {
                            if value.trim().is_empty() {
                                continue;
                            }
                            if !columns.iter().any(|c| c.0 == name) {
                                unmapped
                                    .insert(format!("{path}: column {name} is not an HSDS column"));
                            }
                            row.insert(name.to_string(), value.to_string());
                        }
                        rows.push((line, row));
                    }
                    Err(e) => problems.push(error(path, line, "-", format!("unreadable row: {e}"))),
                }
            }
        } else if table == "organization" {
            problems.push(error(path, 1, "-", "the package has no organizations.csv"));
        }
        tables.insert(table, Table { file: path, rows });
    }
    let get = |t: &str| tables.get(t);
    let (
        Some(organizations),
        Some(services),
        Some(areas),
        Some(phones),
        Some(languages),
        Some(terms),
        Some(attributes),
    ) = (
        get("organization"),
        get("service"),
        get("service_area"),
        get("phone"),
        get("language"),
        get("taxonomy_term"),
        get("attribute"),
    )
    else {
        return Read {
            organizations: None,
            report: Report { problems },
            unmapped: unmapped.into_iter().collect(),
        };
    };
    // Which term a term id is: (taxonomy, code).
    let mut term_of: HashMap<String, (String, String)> = HashMap::new();
    for (_, t) in &terms.rows {
        if let (Some(id), Some(code)) = (t.get("id"), t.get("code")) {
            let taxonomy = t.get("taxonomy").cloned().unwrap_or_default();
            term_of.insert(id.clone(), (taxonomy, code.clone()));
        }
    }
    // Attributes by the row they describe: (taxonomy, code, value), in file order.
    let mut attrs_of: HashMap<String, Vec<(String, String, String)>> = HashMap::new();
    for (line, a) in &attributes.rows {
        let (Some(link), Some(term)) = (a.get("link_id"), a.get("taxonomy_term_id")) else {
            problems.push(error(
                attributes.file,
                *line,
                "link_id",
                "an attribute needs link_id and taxonomy_term_id",
            ));
            continue;
        };
        match term_of.get(term) {
            Some((taxonomy, code))
                if taxonomy == FIELDS_TAXONOMY || taxonomy == TOPICS_TAXONOMY =>
            {
                let value = a.get("value").cloned().unwrap_or_default();
                attrs_of.entry(link.clone()).or_default().push((
                    taxonomy.clone(),
                    code.clone(),
                    value,
                ));
            }
            Some((taxonomy, code)) => {
                unmapped.insert(format!(
                    "attributes.csv: terms of taxonomy {taxonomy:?} (e.g. {code:?})"
                ));
            }
            None => problems.push(error(
                attributes.file,
                *line,
                "taxonomy_term_id",
                "no such term in taxonomy_terms.csv",
            )),
        }
    }
    for (path, columns) in [
        (
            &organizations,
            &[
                "tax_status",
                "tax_id",
                "year_incorporated",
                "legal_status",
                "logo",
                "uri",
                "parent_organization_id",
            ][..],
        ),
        (
            &services,
            &[
                "program_id",
                "interpretation_services",
                "application_process",
                "fees_description",
                "wait_time",
                "fees",
                "accreditations",
                "eligibility_description",
                "minimum_age",
                "maximum_age",
                "assurer_email",
                "licenses",
                "alert",
                "last_modified",
            ][..],
        ),
    ] {
        for column in columns {
            if path.rows.iter().any(|(_, r)| r.contains_key(*column)) {
                unmapped.insert(format!("{}: {column}", path.file));
            }
        }
    }
    let mut orgs = Vec::new();
    let mut first_line: HashMap<String, usize> = HashMap::new();
    for (line, o) in &organizations.rows {
        let line = *line;
        let Some(org_uuid) = o.get("id") else {
            problems.push(error(
                organizations.file,
                line,
                "id",
                "an organization needs an id",
            ));
            continue;
        };
        let service = services.where_eq("organization_id", org_uuid).next();
        let service_uuid = service
            .and_then(|s| s.get("id"))
            .cloned()
            .unwrap_or_default();
        let mut attrs: Vec<(String, String, String)> =
            attrs_of.get(org_uuid).cloned().unwrap_or_default();
        attrs.extend(attrs_of.get(&service_uuid).cloned().unwrap_or_default());
        let field = |code: &str| {
            attrs
                .iter()
                .find(|(t, c, _)| t == FIELDS_TAXONOMY && c == code)
                .map(|(_, _, v)| v.clone())
        };
        let fields = |code: &str| -> Vec<String> {
            attrs
                .iter()
                .filter(|(t, c, _)| t == FIELDS_TAXONOMY && c == code)
                .map(|(_, _, v)| v.clone())
                .collect()
        };
        let flag = |code: &str| field(code).is_some_and(|v| v == "true");
        // A package from another directory has no Poruch id: one is made from its UUID.
        let id = field("poruch-id").unwrap_or_else(|| {
            format!(
                "hsds-{}",
                &org_uuid
                    .chars()
                    .filter(char::is_ascii_hexdigit)
                    .take(12)
                    .collect::<String>()
            )
        });
        if let Some(first) = first_line.get(&id) {
            problems.push(error(
                organizations.file,
                line,
                "id",
                format!("duplicate organization (first on line {first})"),
            ));
            continue;
        }
        first_line.insert(id.clone(), line);
        let text = |v: Option<&String>| v.cloned().unwrap_or_default();
        let regions: Vec<String> = areas
            .where_eq("service_id", &service_uuid)
            .filter_map(|a| a.get("extent"))
            .map(|e| {
                if e == "UA" {
                    "national".to_string()
                } else {
                    e.clone()
                }
            })
            .collect();
        let hours_uk = field("hours-uk");
        let raw = RawOrganization {
            id: id.clone(),
            demo: flag("demo"),
            name: RawText {
                uk: text(o.get("name")),
                en: o.get("alternate_name").cloned(),
            },
            description: RawText {
                uk: text(o.get("description")),
                en: field("description-en"),
            },
            topics: attrs
                .iter()
                .filter(|(t, _, _)| t == TOPICS_TAXONOMY)
                .map(|(_, c, _)| c.clone())
                .collect(),
            services: fields("service-kind"),
            audiences: fields("audience"),
            regions,
            languages: languages
                .where_eq("service_id", &service_uuid)
                .filter_map(|l| l.get("code").cloned())
                .collect(),
            women_led: flag("women-led"),
            accepts_referrals: flag("accepts-referrals"),
            response_hours: field("response-hours")
                .and_then(|h| h.parse().ok())
                .filter(|h| *h != crate::domain::organization::DEFAULT_RESPONSE_HOURS),
            online: flag("online"),
            hours: hours_uk.map(|uk| RawText {
                uk,
                en: field("hours-en"),
            }),
            contacts: RawContacts {
                phone: phones
                    .where_eq("organization_id", org_uuid)
                    .find_map(|p| p.get("number").cloned()),
                email: o.get("email").cloned(),
                website: o.get("website").cloned(),
                telegram: field("telegram"),
            },
            vetting: RawVetting {
                vetted_by: field("vetted-by").unwrap_or_default(),
                vetted_on: field("vetted-on")
                    .or_else(|| service.and_then(|s| s.get("assured_date").cloned()))
                    .unwrap_or_default(),
                expires_on: field("vetted-until").unwrap_or_default(),
                status: field("vetting-status").unwrap_or_else(|| {
                    match service.and_then(|s| s.get("status")).map(String::as_str) {
                        Some("active") => "active".into(),
                        _ => "suspended".into(),
                    }
                }),
            },
            unknown: BTreeMap::new(),
        };
        let (org, found) = check_form(&raw, taxonomy, today);
        for p in found {
            problems.push(Problem {
                file: organizations.file.to_string(),
                line,
                field: format!("{id}.{}", p.field),
                ..p
            });
        }
        if let Some(org) = org {
            orgs.push(org);
        }
    }
    problems.sort_by_key(|p| (p.file.clone(), p.line, p.severity));
    let report = Report { problems };
    Read {
        organizations: (!report.has_errors()).then_some(orgs),
        report,
        unmapped: unmapped.into_iter().collect(),
    }
}
