//! `poruch report` and `poruch audit export`: the monitoring figures and the audit log from
//! the command line, with the bot stopped (sled allows one process; while the bot runs, the
//! dashboard's downloads give the same).

use std::process::ExitCode;

use crate::app::monitoring::{self, BadPeriod};
use crate::app::{App, Clock, Config, audit};
use crate::config;
use crate::startup;
use crate::storage::{AuditFilter, Store, StoreError, StoreLocation};

/// Exit code for "cannot run as asked" (bad arguments, a store in use).
const CANNOT_RUN: u8 = 2;

/// The output of `report`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum Format {
    Csv,
    Json,
}

fn open(at: &StoreLocation) -> Result<App, ExitCode> {
    let store = match Store::open_at(at) {
        Ok(store) => store,
        Err(e @ StoreError::Locked(_)) => {
            eprintln!("poruch: {e}");
            return Err(ExitCode::from(CANNOT_RUN));
        }
        Err(e) => {
            eprintln!("poruch: cannot open the store in {}: {e}", at.dir.display());
            return Err(ExitCode::from(CANNOT_RUN));
        }
    };
    let today = config::today();
    let index = startup::taxonomy()
        .and_then(|t| startup::load_index(&store, t, today))
        .map_err(|e| {
            eprintln!("poruch: {e}");
            ExitCode::FAILURE
        })?;
    Ok(App::new(
        store,
        index,
        Vec::new(),
        Config::default(),
        Clock::System,
    ))
}

/// Prints the monitoring report for the months `from`..=`to` (`YYYY-MM`).
pub fn report(at: &StoreLocation, from: &str, to: &str, format: Format) -> ExitCode {
    let months = match monitoring::period(from, to) {
        Ok(m) => m,
        Err(BadPeriod::Month) => {
            eprintln!("poruch: --from and --to are months like 2026-12");
            return ExitCode::from(CANNOT_RUN);
        }
        Err(BadPeriod::Range) => {
            eprintln!(
                "poruch: --from must not be after --to, and a report covers at most 120 months"
            );
            return ExitCode::from(CANNOT_RUN);
        }
    };
    let app = match open(at) {
        Ok(app) => app,
        Err(code) => return code,
    };
    match monitoring::build(&app, &months) {
        Ok(report) => {
            match format {
                Format::Csv => print!("{}", monitoring::csv(&report)),
                Format::Json => println!("{}", monitoring::json(&report)),
            }
            ExitCode::SUCCESS
        }
        Err(e) => {
            eprintln!("poruch: cannot read the figures: {}", e.kind());
            ExitCode::FAILURE
        }
    }
}

/// Prints the whole audit log as CSV.
pub fn audit_export(at: &StoreLocation) -> ExitCode {
    let app = match open(at) {
        Ok(app) => app,
        Err(code) => return code,
    };
    match audit::all(&app, &AuditFilter::default()) {
        Ok(log) => {
            print!("{}", audit::csv(&log));
            ExitCode::SUCCESS
        }
        Err(e) => {
            eprintln!("poruch: cannot read the audit log: {}", e.kind());
            ExitCode::FAILURE
        }
    }
}
