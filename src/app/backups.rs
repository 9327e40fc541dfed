//! Scheduled backups (`PORUCH_BACKUP_DIR`): one at start-up if the newest is more than a day
//! old, then one every 24 hours; the newest `keep` are kept, none older than the retention
//! period (a backup must not keep what retention or /forget deleted for longer than that).

use std::path::PathBuf;
use std::time::Duration;

use super::App;
use crate::storage::backup;

/// Where scheduled backups go, and how many are kept.
#[derive(Debug, Clone)]
pub struct Plan {
    pub dir: PathBuf,
    pub keep: usize,
}

const DAY_MS: i64 = 24 * 3600 * 1000;

/// Whether a backup is due: none in the directory, or the newest is a day old.
fn due(plan: &Plan, now_ms: i64) -> bool {
    match backup::scheduled_in(&plan.dir) {
        Ok(found) => found.last().is_none_or(|(_, at)| now_ms - at >= DAY_MS),
        Err(_) => true,
    }
}

/// Takes one scheduled backup now (on a blocking thread: it reads the whole store).
pub async fn take(app: &App, plan: &Plan) {
    let (store, dir, keep) = (app.store.clone(), plan.dir.clone(), plan.keep);
    let max_age = i64::from(app.config.retention_days) * DAY_MS;
    let now = app.now();
    let done =
        tokio::task::spawn_blocking(move || store.scheduled_backup(&dir, keep, max_age, now)).await;
    match done {
        Ok(Ok(made)) => tracing::info!(
            records = made.header.records,
            writes_held_ms = made.writes_held.as_millis() as u64,
            deleted = made.deleted,
            "scheduled backup written"
        ),
        Ok(Err(e)) => {
            tracing::error!(error = %backup_error_kind(&e), "the scheduled backup failed")
        }
        Err(_) => tracing::error!("the scheduled backup stopped"),
    }
}

/// What kind of failure, without paths or record text.
fn backup_error_kind(e: &backup::BackupError) -> &'static str {
    match e {
        backup::BackupError::Io { .. } => "cannot write in the backup directory",
        backup::BackupError::Store(e) => e.kind(),
        _ => "backup",
    }
}

/// Runs until the application stops.
pub async fn run(app: App, plan: Plan) {
    while !app.is_stopping() {
        if due(&plan, app.now().millis()) {
            take(&app, &plan).await;
        }
        for _ in 0..600 {
            if app.is_stopping() {
                return;
            }
            tokio::time::sleep(Duration::from_secs(1)).await;
        }
    }
}
