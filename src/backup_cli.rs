//! `poruch backup`, `poruch restore` and `poruch check`. Each returns the process exit code:
//! 0 success, 1 it failed (a damaged backup, a failed check), 2 it could not run.

use std::path::Path;
use std::process::ExitCode;

use crate::control;
use crate::domain::Timestamp;
use crate::storage::backup::{self, BackupError};
use crate::storage::journal::JOURNAL_FILE;
use crate::storage::{Store, StoreError, StoreLocation};

const CANNOT_RUN: u8 = 2;

fn now() -> Timestamp {
    Timestamp::from_millis(chrono::Utc::now().timestamp_millis())
}

/// Writes a backup of the store to `path`: taken by the running bot over the control socket
/// when the store is in use, by this process otherwise.
pub fn backup(at: &StoreLocation, path: &Path) -> ExitCode {
    // (the backup's bytes, how it was taken, whether it is already at `path`)
    let (bytes, how, in_place) = match Store::open_at(at) {
        Ok(store) => {
            // Streamed to the file; read back below to check it.
            let spool = path
                .parent()
                .filter(|d| !d.as_os_str().is_empty())
                .unwrap_or(Path::new("."));
            let mut held = None;
            let written = backup::write_file_with(path, |file| {
                let (_, writes_held) = store
                    .backup_to(now(), file, spool)
                    .map_err(|e| std::io::Error::other(e.to_string()))?;
                held = Some(writes_held);
                Ok(())
            });
            if let Err(e) = written {
                eprintln!("poruch: the backup failed: {e}");
                return ExitCode::FAILURE;
            }
            match std::fs::read(path) {
                Ok(bytes) => (
                    bytes,
                    format!("writes held {} ms", held.unwrap_or_default().as_millis()),
                    true,
                ),
                Err(e) => {
                    eprintln!("poruch: cannot read {} back: {e}", path.display());
                    return ExitCode::FAILURE;
                }
            }
        }
        Err(StoreError::Locked(_)) => match control::ask(&control::socket_in(&at.dir), "backup") {
            Ok(bytes) => (bytes, "taken by the running bot".to_string(), false),
            Err(e) => {
                eprintln!("poruch: {e}");
                return ExitCode::from(CANNOT_RUN);
            }
        },
        Err(e) => {
            eprintln!("poruch: cannot open the store in {}: {e}", at.dir.display());
            return ExitCode::from(CANNOT_RUN);
        }
    };
    let header = match backup::read(path, &bytes) {
        Ok(contents) => contents.header,
        Err(e) => {
            eprintln!("poruch: the backup is not usable: {e}");
            if in_place {
                let _ = std::fs::remove_file(path);
            }
            return ExitCode::FAILURE;
        }
    };
    // A backup taken here was written (and synced) as it was streamed.
    if !in_place && let Err(e) = backup::write_file(path, &bytes) {
        eprintln!("poruch: cannot write {}: {e}", path.display());
        return ExitCode::FAILURE;
    }
    println!(
        "backup written to {}: {} records in {} trees, schema {} ({how})",
        path.display(),
        header.records,
        header.trees,
        header.schema_version
    );
    ExitCode::SUCCESS
}

/// Fills an empty data directory from a backup, then replays the /forget journal (`journal`,
/// or `forget.journal` beside the backup) for everything after the backup.
pub fn restore(at: &StoreLocation, path: &Path, journal: Option<&Path>) -> ExitCode {
    let bytes = match std::fs::read(path) {
        Ok(bytes) => bytes,
        Err(e) => {
            eprintln!("poruch: cannot read {}: {e}", path.display());
            return ExitCode::from(CANNOT_RUN);
        }
    };
    let header = match backup::restore(at, path, &bytes) {
        Ok(header) => header,
        Err(
            e @ (BackupError::NotEmpty(_) | BackupError::KeyMissing(_) | BackupError::WrongKey(_)),
        ) => {
            eprintln!("poruch: {e}");
            return ExitCode::from(CANNOT_RUN);
        }
        Err(e) => {
            eprintln!("poruch: cannot restore: {e}");
            return ExitCode::FAILURE;
        }
    };
    // The restore's own handle was just dropped; its flusher may hold the lock a moment.
    let store = match Store::open_at_waiting(at, std::time::Duration::from_secs(5)) {
        Ok(store) => store,
        Err(e) => {
            eprintln!("poruch: the restored store does not open: {e}");
            return ExitCode::FAILURE;
        }
    };
    let beside = path
        .parent()
        .map(|dir| dir.join(JOURNAL_FILE))
        .filter(|p| p.exists());
    let journal = journal.map(Path::to_path_buf).or(beside);
    let replayed = match &journal {
        Some(journal) => match store.replay_forget_journal(journal, header.taken_at, now()) {
            Ok(n) => n,
            Err(e) => {
                eprintln!("poruch: replaying the /forget journal failed: {e}");
                return ExitCode::FAILURE;
            }
        },
        None => 0,
    };
    let taken = chrono::DateTime::from_timestamp_millis(header.taken_at)
        .map(|t| t.format("%Y-%m-%d %H:%M UTC").to_string())
        .unwrap_or_default();
    println!(
        "restored {} records from the backup of {taken} into {}",
        header.records,
        at.dir.display()
    );
    match journal {
        Some(j) => println!(
            "/forget journal {}: {replayed} later /forget replayed",
            j.display()
        ),
        None => println!(
            "no /forget journal found beside the backup: if anyone used /forget after it, \
             restore with --journal PORUCH_BACKUP_DIR/{JOURNAL_FILE}"
        ),
    }
    ExitCode::SUCCESS
}

/// For monitoring: the store opens (or the running bot answers for it), its key matches,
/// every tree reads; Telegram answers the token. Says nothing private.
pub fn check(at: &StoreLocation, token: Option<&str>, api_url: Option<url::Url>) -> ExitCode {
    let mut failed = false;
    let store = match Store::open_at(at) {
        Ok(store) => control::check_store(&store).map_err(String::from),
        Err(StoreError::Locked(_)) => control::ask(&control::socket_in(&at.dir), "check")
            .and_then(|bytes| serde_json::from_slice(&bytes).map_err(|e| e.to_string())),
        Err(e) => Err(e.to_string()),
    };
    match store {
        Ok(check) => println!(
            "store: ok (schema {}, {} records readable; the key matches)",
            check.schema_version, check.records
        ),
        Err(e) => {
            println!("store: FAILED: {e}");
            failed = true;
        }
    }
    match token {
        None => {
            println!("telegram: not checked (no TELOXIDE_TOKEN)");
            failed = true;
        }
        Some(token) => {
            let mut bot = teloxide::Bot::new(token);
            if let Some(url) = api_url {
                bot = bot.set_api_url(url);
            }
            let reached = tokio::runtime::Runtime::new().map(|rt| {
                rt.block_on(async {
                    use teloxide::prelude::Requester;
                    tokio::time::timeout(std::time::Duration::from_secs(15), bot.get_me()).await
                })
            });
            match reached {
                Ok(Ok(Ok(_))) => println!("telegram: reachable, the token is accepted"),
                Ok(Ok(Err(teloxide::RequestError::Api(_)))) => {
                    println!("telegram: FAILED: the token is refused");
                    failed = true;
                }
                _ => {
                    println!("telegram: FAILED: not reachable");
                    failed = true;
                }
            }
        }
    }
    if failed {
        ExitCode::FAILURE
    } else {
        ExitCode::SUCCESS
    }
}
