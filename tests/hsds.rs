//! Open Referral HSDS 3.0: the export validated against the official tabular datapackage
//! (tests/fixtures/hsds-3.0, CC BY-SA 4.0 — see its README), Poruch → HSDS → Poruch unchanged,
//! and `directory import --format hsds` refusing a package with errors without changing the
//! store, listing what it cannot map.
#![allow(clippy::unwrap_used, clippy::expect_used)] // a test may stop at what it did not expect

mod support;

use support::process::poruch;

use std::collections::{BTreeMap, HashMap, HashSet};

use chrono::NaiveDate;
use poruch::datafile::{self, hsds};
use poruch::domain::{Organization, VettingStatus};
use serde_json::Value;

fn today() -> NaiveDate {
    NaiveDate::from_ymd_opt(2026, 12, 1).unwrap()
}

fn shipped() -> Vec<Organization> {
    let taxonomy = datafile::taxonomy().unwrap();
    let text = std::fs::read_to_string(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/data/organizations.toml"
    ))
    .unwrap();
    let (orgs, report) =
        datafile::parse_organizations(&text, "organizations.toml", &taxonomy, today());
    orgs.unwrap_or_else(|| panic!("{:?}", report.problems))
}

/// The shipped directory, plus organizations that use what it does not: no English texts, an
/// email only, a suspended vetting, its own response time, hours, Telegram, text with commas,
/// quotes and new lines.
fn varied() -> Vec<Organization> {
    let mut orgs = shipped();
    let mut bare = orgs[0].clone();
    bare.id = "bare-organization".into();
    bare.name.en = None;
    bare.description.en = None;
    bare.description.uk = "Юристки, психологині; \"лапки\", кома,\nі новий рядок".into();
    bare.contacts = poruch::domain::Contacts {
        email: Some("bare@example.org".into()),
        ..Default::default()
    };
    bare.hours = None;
    bare.vetting.status = VettingStatus::Suspended;
    bare.response_hours = 48;
    bare.women_led = false;
    bare.accepts_referrals = false;
    orgs.push(bare);
    let mut full = orgs[1].clone();
    full.id = "full-organization".into();
    full.contacts.telegram = Some("@full_org".into());
    full.hours = Some(poruch::domain::Localized::new("Пн–Пт 9–18", "Mon–Fri 9–18"));
    full.works_online = true;
    orgs.push(full);
    orgs
}

fn package(orgs: &[Organization]) -> BTreeMap<String, String> {
    let taxonomy = datafile::taxonomy().unwrap();
    hsds::export(orgs, &taxonomy).unwrap().into_iter().collect()
}

fn sorted(mut orgs: Vec<Organization>) -> Vec<Organization> {
    orgs.sort_by(|a, b| a.id.cmp(&b.id));
    orgs
}

#[test]
fn poruch_to_hsds_to_poruch_is_identical() {
    let orgs = varied();
    let files = package(&orgs);
    let read = hsds::import(&files, &datafile::taxonomy().unwrap(), today());
    assert!(
        read.unmapped.is_empty(),
        "our own package maps fully: {:?}",
        read.unmapped
    );
    let back = read
        .organizations
        .unwrap_or_else(|| panic!("{:#?}", read.report.problems));
    assert_eq!(sorted(back), sorted(orgs));
}

#[test]
fn the_same_directory_gets_the_same_uuids_each_time() {
    assert_eq!(package(&shipped()), package(&shipped()));
}

/// One CSV file as rows of column → value (empty cells left out), with the header.
fn rows(text: &str) -> (Vec<String>, Vec<HashMap<String, String>>) {
    let mut reader = csv::Reader::from_reader(text.as_bytes());
    let header: Vec<String> = reader.headers().unwrap().iter().map(String::from).collect();
    let rows = reader
        .records()
        .map(|r| {
            let r = r.unwrap();
            header
                .iter()
                .zip(r.iter())
                .filter(|(_, v)| !v.is_empty())
                .map(|(k, v)| (k.clone(), v.to_string()))
                .collect()
        })
        .collect();
    (header, rows)
}

fn is_uuid(v: &str) -> bool {
    let parts: Vec<&str> = v.split('-').collect();
    parts.iter().map(|p| p.len()).collect::<Vec<_>>() == [8, 4, 4, 4, 12]
        && parts.iter().all(|p| {
            p.chars()
                .all(|c| c.is_ascii_hexdigit() && !c.is_ascii_uppercase())
        })
}

#[test]
fn the_export_is_valid_against_the_official_hsds_3_datapackage() {
    let official: Value = serde_json::from_str(
        &std::fs::read_to_string(concat!(
            env!("CARGO_MANIFEST_DIR"),
            "/tests/fixtures/hsds-3.0/datapackage.json"
        ))
        .unwrap(),
    )
    .unwrap();
    let resources: HashMap<&str, &Value> = official["resources"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| (r["path"].as_str().unwrap(), r))
        .collect();
    let files = package(&varied());
    let mut problems = Vec::new();
    let mut ids: HashMap<String, HashSet<String>> = HashMap::new();
    let mut references: Vec<(String, String, String, String)> = Vec::new();
    let ours: Value = serde_json::from_str(&files["datapackage.json"]).unwrap();
    for resource in ours["resources"].as_array().unwrap() {
        let path = resource["path"].as_str().unwrap();
        let Some(spec) = resources.get(path) else {
            problems.push(format!("{path}: not a resource of HSDS 3.0"));
            continue;
        };
        assert_eq!(
            resource["name"], spec["name"],
            "{path}: the resource's name"
        );
        let fields: HashMap<&str, &Value> = spec["schema"]["fields"]
            .as_array()
            .unwrap()
            .iter()
            .map(|f| (f["name"].as_str().unwrap(), f))
            .collect();
        let (header, table) = rows(files.get(path).unwrap_or_else(|| panic!("{path} written")));
        let official_order: Vec<&str> = spec["schema"]["fields"]
            .as_array()
            .unwrap()
            .iter()
            .map(|f| f["name"].as_str().unwrap())
            .collect();
        assert_eq!(
            header, official_order,
            "{path}: HSDS's columns, in its order"
        );
        for field in resource["schema"]["fields"].as_array().unwrap() {
            let name = field["name"].as_str().unwrap();
            let spec_field = fields[name];
            assert_eq!(field["type"], spec_field["type"], "{path}.{name}: type");
            assert_eq!(
                field.get("format").unwrap_or(&Value::Null),
                spec_field.get("format").unwrap_or(&Value::Null),
                "{path}.{name}: format"
            );
        }
        let table_name = spec["name"].as_str().unwrap().to_string();
        for (i, row) in table.iter().enumerate() {
            let line = i + 2;
            for (name, spec_field) in &fields {
                let value = row.get(*name);
                let constraints = &spec_field["constraints"];
                if constraints["required"] == true && value.is_none() {
                    problems.push(format!("{path}:{line}: {name} is required"));
                }
                let Some(value) = value else { continue };
                if let Some(allowed) = constraints["enum"].as_array()
                    && !allowed.iter().any(|a| a == value.as_str())
                {
                    problems.push(format!(
                        "{path}:{line}: {name} {value:?} not in {allowed:?}"
                    ));
                }
                let ok = match (spec_field["type"].as_str(), spec_field["format"].as_str()) {
                    (Some("string"), Some("uuid")) => is_uuid(value),
                    (Some("string"), Some("email")) => value
                        .split_once('@')
                        .is_some_and(|(a, b)| !a.is_empty() && b.contains('.')),
                    (Some("string"), Some("uri")) => url::Url::parse(value).is_ok(),
                    (Some("date"), _) => NaiveDate::parse_from_str(value, "%Y-%m-%d").is_ok(),
                    (Some("number"), _) => value.parse::<f64>().is_ok(),
                    (Some("datetime"), _) => chrono::DateTime::parse_from_rfc3339(value).is_ok(),
                    _ => true,
                };
                if !ok {
                    problems.push(format!(
                        "{path}:{line}: {name} {value:?} is not a valid {}",
                        spec_field["format"]
                    ));
                }
            }
            let id = row.get("id").cloned().unwrap_or_default();
            assert!(
                ids.entry(table_name.clone())
                    .or_default()
                    .insert(id.clone()),
                "{path}:{line}: the primary key {id} is used twice"
            );
        }
        for fk in spec["schema"]["foreignKeys"]
            .as_array()
            .into_iter()
            .flatten()
        {
            let column = fk["fields"].as_str().unwrap();
            let target = fk["reference"]["resource"].as_str().unwrap();
            let target = if target.is_empty() {
                table_name.as_str()
            } else {
                target
            };
            for row in &table {
                if let Some(value) = row.get(column) {
                    references.push((
                        path.to_string(),
                        column.to_string(),
                        target.to_string(),
                        value.clone(),
                    ));
                }
            }
        }
    }
    for (path, column, target, value) in references {
        if !ids.get(&target).is_some_and(|set| set.contains(&value)) {
            problems.push(format!("{path}: {column} {value} names no {target}"));
        }
    }
    // Attributes point at what their link_entity says.
    let (_, attributes) = rows(&files["attributes.csv"]);
    for a in &attributes {
        let entity = &a["link_entity"];
        assert!(
            ids.get(entity.as_str())
                .is_some_and(|set| set.contains(&a["link_id"])),
            "attribute {} links to no {entity}",
            a["id"]
        );
    }
    assert!(problems.is_empty(), "{problems:#?}");
    assert_eq!(ids["organization"].len(), varied().len());
}

#[test]
fn vetting_is_in_assured_date_and_attributes_never_a_made_up_email() {
    let files = package(&shipped());
    let (_, services) = rows(&files["services.csv"]);
    let first = &shipped()[0];
    assert!(services.iter().all(|s| !s.contains_key("assurer_email")));
    assert!(
        services
            .iter()
            .any(|s| s.get("assured_date") == Some(&first.vetting.vetted_on.to_string()))
    );
    let (_, terms) = rows(&files["taxonomy_terms.csv"]);
    let term = |code: &str| {
        terms
            .iter()
            .find(|t| {
                t.get("code").map(String::as_str) == Some(code)
                    && t["taxonomy"] == hsds::FIELDS_TAXONOMY
            })
            .map(|t| t["id"].clone())
            .unwrap()
    };
    let (_, attributes) = rows(&files["attributes.csv"]);
    for code in ["vetted-by", "vetted-until", "vetting-status"] {
        let id = term(code);
        assert_eq!(
            attributes
                .iter()
                .filter(|a| a["taxonomy_term_id"] == id)
                .count(),
            shipped().len(),
            "one {code} per organization"
        );
    }
}

#[test]
fn the_command_line_exports_and_imports_a_package_and_refuses_a_broken_one() {
    let dir = support::tempdir();
    let store = dir.path().join("store");
    let pkg = dir.path().join("pkg");
    let out = poruch(&store, &["directory", "import", "data/organizations.toml"]);
    assert_eq!(out.status.code(), Some(0), "{out:?}");
    let out = poruch(
        &store,
        &[
            "directory",
            "export",
            "--format",
            "hsds",
            pkg.to_str().unwrap(),
        ],
    );
    assert_eq!(out.status.code(), Some(0), "{out:?}");
    assert!(pkg.join("datapackage.json").is_file());

    // Into another store and back out as TOML: the same file as the original's export.
    let other = dir.path().join("other");
    let out = poruch(
        &other,
        &[
            "directory",
            "import",
            "--format",
            "hsds",
            pkg.to_str().unwrap(),
        ],
    );
    assert_eq!(out.status.code(), Some(0), "{out:?}");
    let a = dir.path().join("a.toml");
    let b = dir.path().join("b.toml");
    poruch(&store, &["directory", "export", a.to_str().unwrap()]);
    poruch(&other, &["directory", "export", b.to_str().unwrap()]);
    assert_eq!(
        std::fs::read_to_string(&a).unwrap(),
        std::fs::read_to_string(&b).unwrap()
    );

    // Broken: an organization without a name, a column and a file Poruch has no place for.
    let orgs = std::fs::read_to_string(pkg.join("organizations.csv")).unwrap();
    let mut lines: Vec<String> = orgs.lines().map(String::from).collect();
    let cells: Vec<&str> = lines[1].split(',').collect();
    let mut broken: Vec<String> = cells.iter().map(|c| c.to_string()).collect();
    broken[1] = String::new(); // name
    broken[7] = "12345678".into(); // tax_id
    lines[1] = broken.join(",");
    std::fs::write(pkg.join("organizations.csv"), lines.join("\n") + "\n").unwrap();
    std::fs::write(pkg.join("locations.csv"), "id,name\n").unwrap();
    let out = poruch(
        &other,
        &[
            "directory",
            "import",
            "--format",
            "hsds",
            pkg.to_str().unwrap(),
        ],
    );
    let text = String::from_utf8_lossy(&out.stdout);
    assert_eq!(out.status.code(), Some(1), "{text}");
    assert!(
        text.contains("organizations.csv:2"),
        "the row is named: {text}"
    );
    assert!(text.contains("name"), "the field is named: {text}");
    assert!(
        text.contains("not imported: organizations.csv: tax_id"),
        "{text}"
    );
    assert!(text.contains("not imported: locations.csv"), "{text}");
    assert!(text.contains("the store is unchanged"), "{text}");
    let c = dir.path().join("c.toml");
    poruch(&other, &["directory", "export", c.to_str().unwrap()]);
    assert_eq!(
        std::fs::read_to_string(&c).unwrap(),
        std::fs::read_to_string(&b).unwrap(),
        "nothing changed"
    );
}
