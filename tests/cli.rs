//! The command line: bad input, directory import/export/validate/search, the store lock.
#![allow(clippy::unwrap_used, clippy::expect_used)] // a test may stop at what it did not expect

use std::path::Path;
use std::process::{Command, Output};

fn poruch(data_dir: &Path, args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_poruch"))
        .args(args)
        .env("PORUCH_DATA_DIR", data_dir)
        .env_remove("TELOXIDE_TOKEN")
        .current_dir(env!("CARGO_MANIFEST_DIR"))
        .output()
        .expect("the binary runs")
}

fn stdout(o: &Output) -> String {
    String::from_utf8_lossy(&o.stdout).into_owned()
}

fn stderr(o: &Output) -> String {
    String::from_utf8_lossy(&o.stderr).into_owned()
}

#[test]
fn a_missing_token_is_one_line_and_exit_2() {
    let dir = private_tempdir();
    let out = poruch(dir.path(), &[]);
    assert_eq!(out.status.code(), Some(2));
    let err = stderr(&out);
    assert_eq!(err.trim().lines().count(), 1, "{err}");
    assert!(err.contains("@BotFather"));
}

#[test]
fn the_shipped_directory_validates() {
    let dir = private_tempdir();
    let out = poruch(dir.path(), &["directory", "validate"]);
    assert_eq!(out.status.code(), Some(0), "{}", stdout(&out));
    assert!(stdout(&out).contains("0 error(s)"));
}

const BROKEN: &str = r#"
[[organizations]]
id = "broken-one"
name.en = "No Ukrainian name"
description.uk = "Опис"
topics = ["astrology"]
regions = ["UA-99"]
contacts.website = "not a url"
vetting.vetted_by = "X"
vetting.vetted_on = "2026-01-01"
vetting.expires_on = "2027-01-01"
vetting.status = "active"
"#;

#[test]
fn a_broken_file_lists_every_error_and_changes_nothing() {
    let dir = private_tempdir();
    let files = private_tempdir();
    let broken = files.path().join("broken.toml");
    std::fs::write(&broken, BROKEN).unwrap();
    let broken = broken.to_str().unwrap();

    let out = poruch(dir.path(), &["directory", "validate", broken]);
    assert_eq!(out.status.code(), Some(1));
    let report = stdout(&out);
    for needle in [
        "broken.toml:4: error: broken-one.name.uk: missing Ukrainian text",
        "broken.toml:6: error: broken-one.topics: unknown topic code \"astrology\"",
        "broken.toml:7: error: broken-one.regions: unknown region code \"UA-99\"",
        "broken.toml:8: error: broken-one.contacts.website: bad URL",
    ] {
        assert!(report.contains(needle), "missing {needle:?} in\n{report}");
    }

    let before = files.path().join("before.toml");
    let after = files.path().join("after.toml");
    assert_eq!(
        poruch(
            dir.path(),
            &["directory", "export", before.to_str().unwrap()]
        )
        .status
        .code(),
        Some(0)
    );
    let out = poruch(dir.path(), &["directory", "import", broken]);
    assert_eq!(out.status.code(), Some(1));
    assert!(stdout(&out).contains("store is unchanged"));
    assert_eq!(
        poruch(
            dir.path(),
            &["directory", "export", after.to_str().unwrap()]
        )
        .status
        .code(),
        Some(0)
    );
    assert_eq!(
        std::fs::read_to_string(before).unwrap(),
        std::fs::read_to_string(after).unwrap()
    );
}

#[test]
fn import_then_export_round_trips() {
    let dir = private_tempdir();
    let files = private_tempdir();
    let first = files.path().join("first.toml");
    let second = files.path().join("second.toml");
    let out = poruch(
        dir.path(),
        &["directory", "import", "data/organizations.toml"],
    );
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}{}",
        stdout(&out),
        stderr(&out)
    );
    assert!(stdout(&out).contains("imported 33 organizations"));
    poruch(
        dir.path(),
        &["directory", "export", first.to_str().unwrap()],
    );
    let out = poruch(
        dir.path(),
        &["directory", "import", first.to_str().unwrap()],
    );
    assert_eq!(out.status.code(), Some(0));
    poruch(
        dir.path(),
        &["directory", "export", second.to_str().unwrap()],
    );
    let first = std::fs::read_to_string(first).unwrap();
    assert!(first.contains("demo-rivnist-dnipro"));
    assert_eq!(first, std::fs::read_to_string(second).unwrap());
}

#[test]
fn search_prints_json_with_ids_names_topics_and_regions() {
    let dir = private_tempdir();
    let out = poruch(
        dir.path(),
        &[
            "directory",
            "search",
            "--text",
            "домашнього насильства у Дніпрі",
            "--json",
        ],
    );
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let found: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    let found = found.as_array().unwrap();
    assert!(!found.is_empty());
    assert_eq!(found[0]["id"], "demo-rivnist-dnipro");
    for org in found {
        assert!(org["name"].is_string());
        assert!(
            org["topics"]
                .as_array()
                .unwrap()
                .iter()
                .any(|t| t == "domestic-violence")
        );
        let regions = org["regions"].as_array().unwrap();
        assert!(regions.iter().any(|r| r == "UA-12" || r == "national"));
    }
    let out = poruch(dir.path(), &["directory", "search", "--topic", "astrology"]);
    assert_eq!(out.status.code(), Some(2));
}

#[test]
fn a_store_in_use_is_reported_in_one_line_with_exit_2() {
    let dir = private_tempdir();
    let _held = poruch::storage::Store::open(dir.path()).unwrap();
    let out = poruch(dir.path(), &["directory", "search", "--topic", "crsv"]);
    assert_eq!(out.status.code(), Some(2));
    let err = stderr(&out);
    assert_eq!(err.trim().lines().count(), 1, "{err}");
    assert!(err.contains("in use"), "{err}");
}

#[test]
fn a_malformed_admin_list_is_one_line_and_exit_2() {
    let dir = private_tempdir();
    let out = Command::new(env!("CARGO_BIN_EXE_poruch"))
        .env("PORUCH_DATA_DIR", dir.path())
        .env("TELOXIDE_TOKEN", "123456:TEST")
        .env("TELOXIDE_API_URL", "http://127.0.0.1:9/")
        .env("PORUCH_ADMINS", "12345, coordinator")
        .output()
        .expect("the binary runs");
    assert_eq!(out.status.code(), Some(2));
    let err = stderr(&out);
    assert_eq!(err.trim().lines().count(), 1, "{err}");
    assert!(err.contains("\"coordinator\" is not one"), "{err}");
}

/// A temporary directory only its user can read: a data directory others can read is refused.
fn private_tempdir() -> tempfile::TempDir {
    let mut builder = tempfile::Builder::new();
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        builder.permissions(std::fs::Permissions::from_mode(0o700));
    }
    builder.tempdir().expect("a temporary directory")
}

/// The bot on a data directory, with a token and an API address nobody listens on: it stops
/// before talking to Telegram if the store cannot be opened.
fn run_bot(data_dir: &Path, key: Option<&Path>) -> Output {
    let mut command = Command::new(env!("CARGO_BIN_EXE_poruch"));
    command
        .env("PORUCH_DATA_DIR", data_dir)
        .env("TELOXIDE_TOKEN", "123456:TEST")
        .env("TELOXIDE_API_URL", "http://127.0.0.1:9/");
    if let Some(key) = key {
        command.env("PORUCH_KEY_FILE", key);
    }
    command.output().expect("the binary runs")
}

#[cfg(unix)]
#[test]
fn a_data_directory_others_can_read_is_refused_in_one_line_with_exit_2() {
    use std::os::unix::fs::PermissionsExt;
    let dir = private_tempdir();
    let data = dir.path().join("data");
    // The store is made by a directory import (private files, 0700 directory).
    let exported = dir.path().join("exported.toml");
    let out = poruch(&data, &["directory", "export", exported.to_str().unwrap()]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let mode = |p: &Path| std::fs::metadata(p).unwrap().permissions().mode() & 0o777;
    assert_eq!(mode(&data), 0o700);
    assert_eq!(mode(&data.join("poruch.key")), 0o600);
    assert_eq!(mode(&data.join("conf")), 0o600);
    std::fs::set_permissions(&data, std::fs::Permissions::from_mode(0o755)).unwrap();
    let out = run_bot(&data, None);
    assert_eq!(out.status.code(), Some(2));
    let err = stderr(&out);
    assert_eq!(err.trim().lines().count(), 1, "{err}");
    assert!(err.contains("chmod -R go-rwx"), "{err}");
}

#[test]
fn a_store_with_another_or_a_missing_key_is_refused_in_one_line_with_exit_2() {
    let dir = private_tempdir();
    let data = dir.path().join("data");
    let exported = dir.path().join("exported.toml");
    let out = poruch(&data, &["directory", "export", exported.to_str().unwrap()]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    // Another key: 32 bytes of its own, private.
    let other = dir.path().join("other.key");
    {
        use std::io::Write;
        let mut options = std::fs::OpenOptions::new();
        options.write(true).create_new(true);
        #[cfg(unix)]
        std::os::unix::fs::OpenOptionsExt::mode(&mut options, 0o600);
        options.open(&other).unwrap().write_all(&[7u8; 32]).unwrap();
    }
    let out = run_bot(&data, Some(&other));
    assert_eq!(out.status.code(), Some(2));
    let err = stderr(&out);
    assert_eq!(err.trim().lines().count(), 1, "{err}");
    assert!(err.contains("another key"), "{err}");
    // The key deleted: not replaced by a new one.
    std::fs::remove_file(data.join("poruch.key")).unwrap();
    let out = run_bot(&data, None);
    assert_eq!(out.status.code(), Some(2));
    let err = stderr(&out);
    assert_eq!(err.trim().lines().count(), 1, "{err}");
    assert!(err.contains("is missing"), "{err}");
    assert!(!data.join("poruch.key").exists());
}

#[test]
fn the_report_and_the_audit_log_come_from_the_command_line_with_the_bot_stopped() {
    let dir = private_tempdir();
    let data = dir.path().join("data");
    let out = poruch(&data, &["report", "--from", "2026-01", "--to", "2026-12"]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let csv = stdout(&out);
    assert!(csv.starts_with("metric,2026-01,"), "{csv}");
    assert!(csv.contains(",2026-12,total\n"));
    assert!(csv.contains("\norganizations,33\n"), "{csv}");

    let out = poruch(
        &data,
        &[
            "report", "--from", "2026-01", "--to", "2026-03", "--format", "json",
        ],
    );
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let json: serde_json::Value = serde_json::from_str(&stdout(&out)).unwrap();
    assert_eq!(
        json["months"],
        serde_json::json!(["2026-01", "2026-02", "2026-03"])
    );
    assert_eq!(json["organizations"]["total"], 33);

    for bad in [["2026-12", "2026-01"], ["2026-1x", "2026-02"]] {
        let out = poruch(&data, &["report", "--from", bad[0], "--to", bad[1]]);
        assert_eq!(out.status.code(), Some(2), "{bad:?}");
        assert_eq!(stderr(&out).trim().lines().count(), 1);
    }

    // The demo directory imported on first open is the log's first entry, by the operator.
    let out = poruch(&data, &["audit", "export"]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let log = stdout(&out);
    assert!(
        log.starts_with("time_utc,role,who,action,organization,fields\n"),
        "{log}"
    );
    assert!(
        log.contains(",operator,operator,directory-imported,,"),
        "{log}"
    );
}

#[cfg(unix)]
#[test]
fn export_to_something_that_is_not_a_file_writes_into_it_and_leaves_it_what_it_was() {
    // A named pipe stands for /dev/stdout or /dev/null: writing the directory there must not
    // replace it with a regular file (a rename over it would, even /dev/null as root).
    let dir = private_tempdir();
    let data = dir.path().join("data");
    let pipe = dir.path().join("pipe");
    let made = Command::new("mkfifo")
        .arg(&pipe)
        .status()
        .expect("mkfifo runs");
    assert!(made.success());
    let (tx, rx) = std::sync::mpsc::channel();
    {
        let pipe = pipe.clone();
        // Blocks until something opens the pipe to write (never, if it is renamed over).
        std::thread::spawn(move || tx.send(std::fs::read_to_string(pipe).unwrap()));
    }
    let out = poruch(&data, &["directory", "export", pipe.to_str().unwrap()]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let text = rx
        .recv_timeout(std::time::Duration::from_secs(10))
        .expect("the export was written into the pipe");
    assert!(text.contains("organizations"), "{text:.200}");
    use std::os::unix::fs::FileTypeExt;
    assert!(
        std::fs::metadata(&pipe).unwrap().file_type().is_fifo(),
        "still a pipe"
    );
}

#[test]
fn logs_can_be_one_json_object_a_line_for_collectors() {
    let dir = private_tempdir();
    let out = Command::new(env!("CARGO_BIN_EXE_poruch"))
        .env("PORUCH_DATA_DIR", dir.path().join("data"))
        .env("PORUCH_LOG_FORMAT", "json")
        .env("PORUCH_LOG", "info")
        .env("TELOXIDE_TOKEN", "123456:TEST")
        // Nothing listens there: the bot starts, logs, and stops at its first call to Telegram.
        .env("TELOXIDE_API_URL", "http://127.0.0.1:9/")
        .output()
        .expect("the binary runs");
    let err = stderr(&out);
    let json: Vec<serde_json::Value> = err
        .lines()
        .filter(|l| l.starts_with('{'))
        .map(|l| serde_json::from_str(l).expect("a JSON line"))
        .collect();
    assert!(!json.is_empty(), "{err}");
    assert!(
        json.iter()
            .all(|j| j["level"].is_string() && j["fields"].is_object()),
        "{err}"
    );
    assert!(
        json.iter()
            .any(|j| j["fields"]["message"] == "directory loaded"),
        "{err}"
    );
}
