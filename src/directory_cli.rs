//! The `poruch directory …` commands: validate, import, export and search the directory.
//! Each returns the process exit code: 0 success, 1 the file or data has errors,
//! 2 the command could not run (bad arguments, store locked by a running bot).

use std::io::Write;
use std::path::Path;
use std::process::ExitCode;

use chrono::NaiveDate;
use serde::Serialize;

use crate::datafile::{self, Report};
use crate::domain::{Organization, RegionChoice, RegionScope, SearchIndex, TextQuery};
use crate::startup;
use crate::storage::{Store, StoreError, StoreLocation};

pub const DEFAULT_FILE: &str = "data/organizations.toml";

/// The directory's file formats.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum Format {
    /// Poruch's own TOML file (data/organizations.toml).
    Toml,
    /// An Open Referral HSDS 3.0 tabular data package (a directory of CSV files).
    Hsds,
}

/// Exit code for a command that could not run.
const CANNOT_RUN: u8 = 2;

fn print_report(report: &Report, file: &str) {
    for p in &report.problems {
        println!("{p}");
    }
    let errors = report.errors().count();
    let warnings = report.warnings().count();
    println!("{file}: {errors} error(s), {warnings} warning(s)");
}

fn open_store(at: &StoreLocation) -> Result<Store, ExitCode> {
    let dir = &at.dir;
    match Store::open_at(at) {
        Ok(store) => Ok(store),
        Err(e @ StoreError::Locked(_)) => {
            eprintln!("poruch: {e}");
            Err(ExitCode::from(CANNOT_RUN))
        }
        Err(e) => {
            eprintln!("poruch: cannot open the store in {}: {e}", dir.display());
            Err(ExitCode::from(CANNOT_RUN))
        }
    }
}

/// The shipped topics and regions (compiled in; an error means a broken build).
fn taxonomy() -> Result<crate::domain::Taxonomy, ExitCode> {
    startup::taxonomy().map_err(|e| {
        eprintln!("poruch: {e}");
        ExitCode::from(CANNOT_RUN)
    })
}

fn read(path: &Path) -> Result<String, ExitCode> {
    std::fs::read_to_string(path).map_err(|e| {
        eprintln!("poruch: cannot read {}: {e}", path.display());
        ExitCode::from(CANNOT_RUN)
    })
}

fn check(path: &Path, today: NaiveDate) -> Result<(Option<Vec<Organization>>, Report), ExitCode> {
    let text = read(path)?;
    let taxonomy = taxonomy()?;
    Ok(datafile::parse_organizations(
        &text,
        &path.display().to_string(),
        &taxonomy,
        today,
    ))
}

/// Lists every problem of a directory file; fails if there is any error.
pub fn validate(path: &Path, today: NaiveDate) -> ExitCode {
    let (_, report) = match check(path, today) {
        Ok(r) => r,
        Err(code) => return code,
    };
    print_report(&report, &path.display().to_string());
    if report.has_errors() {
        ExitCode::FAILURE
    } else {
        ExitCode::SUCCESS
    }
}

/// Replaces the stored directory with a file's, atomically; a file with errors changes nothing.
pub fn import(data_dir: &StoreLocation, path: &Path, today: NaiveDate) -> ExitCode {
    let (orgs, report) = match check(path, today) {
        Ok(r) => r,
        Err(code) => return code,
    };
    let Some(orgs) = orgs else {
        print_report(&report, &path.display().to_string());
        println!("nothing was imported; the store is unchanged");
        return ExitCode::FAILURE;
    };
    for w in report.warnings() {
        println!("{w}");
    }
    replace(data_dir, &orgs, today, &path.display().to_string())
}

/// Replaces the stored directory with checked organizations, in one transaction.
fn replace(
    data_dir: &StoreLocation,
    orgs: &[Organization],
    today: NaiveDate,
    from: &str,
) -> ExitCode {
    let store = match open_store(data_dir) {
        Ok(s) => s,
        Err(code) => return code,
    };
    match store.replace_directory(orgs, &today.to_string()) {
        Ok(()) => {
            println!("imported {} organizations from {from}", orgs.len());
            ExitCode::SUCCESS
        }
        Err(e) => {
            eprintln!("poruch: import failed, the store is unchanged: {e}");
            ExitCode::FAILURE
        }
    }
}

/// Writes the stored directory in the file format.
pub fn export(data_dir: &StoreLocation, path: &Path) -> ExitCode {
    let store = match open_store(data_dir) {
        Ok(s) => s,
        Err(code) => return code,
    };
    let written = store
        .organizations()
        .map_err(|e| e.to_string())
        .and_then(|orgs| {
            datafile::export_organizations(&orgs)
                .map(|t| (orgs.len(), t))
                .map_err(|e| e.to_string())
        });
    match written {
        Ok((count, text)) => {
            // Write beside the target and rename, so a crash never leaves half a file — unless
            // the target is not a regular file (/dev/stdout, a pipe): written into, never
            // replaced.
            let special = std::fs::metadata(path).is_ok_and(|m| !m.is_file());
            let result = if special {
                std::fs::write(path, text)
            } else {
                let tmp = path.with_extension("toml.tmp");
                std::fs::write(&tmp, text).and_then(|()| std::fs::rename(&tmp, path))
            };
            match result {
                Ok(()) => {
                    println!("exported {count} organizations to {}", path.display());
                    ExitCode::SUCCESS
                }
                Err(e) => {
                    eprintln!("poruch: cannot write {}: {e}", path.display());
                    ExitCode::FAILURE
                }
            }
        }
        Err(e) => {
            eprintln!("poruch: export failed: {e}");
            ExitCode::FAILURE
        }
    }
}

/// Writes the stored directory as an HSDS 3.0 package into `dir` (created if missing; the
/// package's files in it are replaced, each written beside and renamed).
pub fn export_hsds(data_dir: &StoreLocation, dir: &Path) -> ExitCode {
    let store = match open_store(data_dir) {
        Ok(s) => s,
        Err(code) => return code,
    };
    let taxonomy = match taxonomy() {
        Ok(t) => t,
        Err(code) => return code,
    };
    let orgs = match store.organizations() {
        Ok(orgs) => orgs,
        Err(e) => {
            eprintln!("poruch: export failed: {e}");
            return ExitCode::FAILURE;
        }
    };
    let files = match datafile::hsds::export(&orgs, &taxonomy) {
        Ok(files) => files,
        Err(e) => {
            eprintln!("poruch: export failed: {e}");
            return ExitCode::FAILURE;
        }
    };
    let written = std::fs::create_dir_all(dir).and_then(|()| {
        for (name, text) in &files {
            let target = dir.join(name);
            let tmp = dir.join(format!(".{name}.tmp"));
            std::fs::write(&tmp, text)?;
            std::fs::rename(&tmp, &target)?;
        }
        Ok(())
    });
    match written {
        Ok(()) => {
            println!(
                "exported {} organizations as an HSDS 3.0 package to {}",
                orgs.len(),
                dir.display()
            );
            ExitCode::SUCCESS
        }
        Err(e) => {
            eprintln!("poruch: cannot write into {}: {e}", dir.display());
            ExitCode::FAILURE
        }
    }
}

/// Replaces the stored directory with an HSDS 3.0 package's, atomically; a package with
/// errors changes nothing. What the package holds that Poruch has no place for is listed.
pub fn import_hsds(data_dir: &StoreLocation, dir: &Path, today: NaiveDate) -> ExitCode {
    let mut files = std::collections::BTreeMap::new();
    let entries = match std::fs::read_dir(dir) {
        Ok(entries) => entries,
        Err(e) => {
            eprintln!("poruch: cannot read {}: {e}", dir.display());
            return ExitCode::from(CANNOT_RUN);
        }
    };
    for entry in entries.flatten() {
        let name = entry.file_name().to_string_lossy().to_string();
        if name.ends_with(".csv") || name == "datapackage.json" {
            match read(&entry.path()) {
                Ok(text) => {
                    files.insert(name, text);
                }
                Err(code) => return code,
            }
        }
    }
    let taxonomy = match taxonomy() {
        Ok(t) => t,
        Err(code) => return code,
    };
    let read = datafile::hsds::import(&files, &taxonomy, today);
    for line in &read.unmapped {
        println!("not imported: {line}");
    }
    let Some(orgs) = read.organizations else {
        print_report(&read.report, &dir.display().to_string());
        println!("nothing was imported; the store is unchanged");
        return ExitCode::FAILURE;
    };
    for w in read.report.warnings() {
        println!("{w}");
    }
    replace(
        data_dir,
        &orgs,
        today,
        &format!("the HSDS package in {}", dir.display()),
    )
}

#[derive(Serialize)]
struct FoundJson<'a> {
    id: &'a str,
    name: &'a str,
    name_en: Option<&'a str>,
    topics: &'a [String],
    regions: Vec<&'a str>,
    services: Vec<&'a str>,
    women_led: bool,
    accepts_referrals: bool,
    vetted_on: String,
    demo: bool,
}

fn regions_of(org: &Organization) -> Vec<&str> {
    match &org.regions {
        RegionScope::National => vec!["national"],
        RegionScope::Regions(codes) => codes.iter().map(String::as_str).collect(),
    }
}

/// What `directory search` was asked for.
pub struct SearchArgs {
    pub topic: Option<String>,
    pub region: Option<String>,
    pub text: Option<String>,
    pub json: bool,
}

fn run_search<'a>(
    index: &'a SearchIndex,
    args: &SearchArgs,
    today: NaiveDate,
) -> Vec<&'a Organization> {
    match (&args.topic, &args.region, &args.text) {
        (Some(topic), region, None) => {
            let choice = region
                .clone()
                .map(RegionChoice::Region)
                .unwrap_or(RegionChoice::Nationwide);
            index.by_topic_and_region(topic, &choice, today)
        }
        (topic, region, text) => {
            let mut query = text
                .as_deref()
                .map(|t| index.parse_query(t))
                .unwrap_or_default();
            if let Some(topic) = topic {
                query.topics = vec![topic.clone()];
            }
            if let Some(region) = region {
                query.region = Some(region.clone());
            }
            if query == TextQuery::default() {
                return index
                    .organizations()
                    .iter()
                    .filter(|o| o.is_visible(today))
                    .collect();
            }
            index.search_text(&query, today)
        }
    }
}

/// Searches the stored directory as the bot would and prints the results.
pub fn search(data_dir: &StoreLocation, args: &SearchArgs, today: NaiveDate) -> ExitCode {
    let store = match open_store(data_dir) {
        Ok(s) => s,
        Err(code) => return code,
    };
    let index = match startup::taxonomy().and_then(|t| startup::load_index(&store, t, today)) {
        Ok(i) => i,
        Err(e) => {
            eprintln!("poruch: {e}");
            return ExitCode::FAILURE;
        }
    };
    if let Some(topic) = &args.topic
        && index.taxonomy().topic(topic).is_none()
    {
        let known: Vec<&str> = index
            .taxonomy()
            .topics
            .iter()
            .map(|t| t.code.as_str())
            .collect();
        eprintln!(
            "poruch: unknown topic {topic:?}; known topics: {}",
            known.join(", ")
        );
        return ExitCode::from(CANNOT_RUN);
    }
    if let Some(region) = &args.region
        && index.taxonomy().region(region).is_none()
    {
        eprintln!("poruch: unknown region {region:?}; use an ISO 3166-2:UA code such as UA-12");
        return ExitCode::from(CANNOT_RUN);
    }
    let found = run_search(&index, args, today);
    let mut out = std::io::stdout().lock();
    let written = if args.json {
        let rows: Vec<FoundJson> = found
            .iter()
            .map(|o| FoundJson {
                id: &o.id,
                name: &o.name.uk,
                name_en: o.name.en.as_deref(),
                topics: &o.topics,
                regions: regions_of(o),
                services: o.services.iter().map(|s| s.code()).collect(),
                women_led: o.women_led,
                accepts_referrals: o.accepts_referrals,
                vetted_on: o.vetting.vetted_on.to_string(),
                demo: o.demo,
            })
            .collect();
        serde_json::to_writer_pretty(&mut out, &rows)
            .map_err(std::io::Error::other)
            .and_then(|()| writeln!(out))
    } else {
        let mut result = Ok(());
        for o in &found {
            result = result.and_then(|()| {
                writeln!(
                    out,
                    "{}\t{}\t{}\t{}",
                    o.id,
                    o.name.uk,
                    o.topics.join(","),
                    regions_of(o).join(",")
                )
            });
        }
        result.and_then(|()| writeln!(out, "{} found", found.len()))
    };
    match written {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) if e.kind() == std::io::ErrorKind::BrokenPipe => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("poruch: {e}");
            ExitCode::FAILURE
        }
    }
}
