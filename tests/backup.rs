//! Backup and restore on the built binary: `poruch backup` taken from the running bot in the
//! middle of a burst of requests, a /forget after it, `poruch restore` into an empty
//! directory — every request acknowledged before the backup is there, the person who used
//! /forget after it is still forgotten, and the bot runs on the restored store. Also: the
//! scheduled backup at start, and restore refusing what it must.
#![allow(clippy::unwrap_used, clippy::expect_used)] // a test may stop at what it did not expect

mod support;

use std::path::Path;
use std::process::{Command, Output, Stdio};

use support::LEGAL_HELP_IN_DNIPRO;
use support::fake_bot_api::{Call, FakeBotApi, bot_message, button, press, text_update, user};
use support::process::{staff_joins, start_bot_with};

const ADMIN: i64 = 900;
const STAFF: i64 = 800;
const ORG: &str = "demo-rivnist-dnipro";

fn text(call: &Call) -> &str {
    call.params["text"].as_str().unwrap_or_default()
}

fn poruch(data_dir: &Path, key: &Path, args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_poruch"))
        .args(args)
        .env("PORUCH_DATA_DIR", data_dir)
        .env("PORUCH_KEY_FILE", key)
        .env_remove("TELOXIDE_TOKEN")
        .stdin(Stdio::null())
        .output()
        .expect("the binary runs")
}

/// The reference codes given to people so far: code → chat.
fn codes_given(calls: &[Call]) -> Vec<(String, i64)> {
    calls
        .iter()
        .filter(|c| c.method == "sendMessage" || c.method == "editMessageText")
        .filter_map(|c| {
            let t = text(c);
            let at = t.find("reference code: <code>R-")? + "reference code: <code>".len();
            Some((
                t.get(at..at + 6)?.to_string(),
                c.params["chat_id"].as_i64()?,
            ))
        })
        .collect()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_backup_in_a_burst_restores_every_acknowledged_request_and_keeps_forget_promises() {
    let api = FakeBotApi::start().await;
    let dir = support::tempdir();
    let store = dir.path().join("store");
    let key = store.join("poruch.key");
    let backups = dir.path().join("backups");
    let backups_s = backups.to_str().unwrap().to_string();
    let env = [
        ("PORUCH_ADMINS", "900"),
        ("PORUCH_BACKUP_DIR", backups_s.as_str()),
    ];
    let bot = start_bot_with(&api, &store, "info", Stdio::null(), &env);
    api.wait_for(0, "long polling", |c| c.method == "getWebhookInfo")
        .await;

    // A staff member joins, so that requests can be routed.
    staff_joins(&api, ADMIN, STAFF, ORG).await;
    // `poruch check` while the bot holds the store: it answers over the control socket.
    let check = tokio::task::spawn_blocking({
        let (store, key, url) = (store.clone(), key.clone(), api.url.clone());
        move || {
            Command::new(env!("CARGO_BIN_EXE_poruch"))
                .arg("check")
                .env("PORUCH_DATA_DIR", &store)
                .env("PORUCH_KEY_FILE", &key)
                .env("TELOXIDE_TOKEN", "123456:TEST-TOKEN")
                .env("TELOXIDE_API_URL", url)
                .output()
                .expect("the binary runs")
        }
    })
    .await
    .unwrap();
    let said = String::from_utf8_lossy(&check.stdout).to_string();
    assert_eq!(check.status.code(), Some(0), "{said}");
    assert!(
        said.contains("store: ok") && said.contains("telegram: reachable"),
        "{said}"
    );
    assert!(!said.contains("TEST-TOKEN"), "the token is never printed");
    // The scheduled backup of the start is there.
    let scheduled: Vec<_> = std::fs::read_dir(&backups)
        .expect("the backup directory was made")
        .filter_map(|e| e.ok())
        .filter(|e| e.file_name().to_string_lossy().ends_with(".pbk"))
        .collect();
    assert_eq!(scheduled.len(), 1, "one scheduled backup at start");

    // A burst of requests; the backup is taken in the middle of it.
    let requesters: Vec<i64> = (10_000..10_012).collect();
    for id in &requesters {
        let me = user(*id, "en");
        api.push(text_update(&me, 1, "/request"));
        for (k, data) in LEGAL_HELP_IN_DNIPRO.iter().enumerate() {
            api.push(press(&me, &format!("{id}-{k}"), &bot_message(*id), data));
        }
    }
    api.wait_for(0, "the first codes", |c| {
        text(c).contains("reference code: <code>R-")
    })
    .await;
    let acknowledged = codes_given(&api.calls());
    let manual = backups.join("manual.pbk");
    let out = tokio::task::spawn_blocking({
        let (store, key, manual) = (store.clone(), key.clone(), manual.clone());
        move || poruch(&store, &key, &["backup", manual.to_str().unwrap()])
    })
    .await
    .unwrap();
    assert_eq!(out.status.code(), Some(0), "{out:?}");
    assert!(
        String::from_utf8_lossy(&out.stdout).contains("taken by the running bot"),
        "{out:?}"
    );
    for id in &requesters {
        api.wait_for(0, "every requester's code", |c| {
            c.params["chat_id"] == *id && text(c).contains("reference code: <code>R-")
        })
        .await;
    }

    // After the backup, one of those acknowledged before it deletes everything.
    let (forgotten_code, forgotten) = acknowledged[0].clone();
    let her = user(forgotten, "en");
    let n = api.calls().len();
    api.push(text_update(&her, 50, "/forget"));
    let ask = api
        .wait_for(n, "the /forget question", |c| {
            c.params["chat_id"] == forgotten && button(c, "🗑").is_some()
        })
        .await;
    let n = api.calls().len();
    let yes = button(&ask, "🗑").unwrap();
    api.push(press(&her, "forget-yes", &ask.result, &yes));
    api.wait_for(n, "deleted", |c| {
        c.params["chat_id"] == forgotten && text(c).contains("everything was deleted")
    })
    .await;
    drop(bot);

    let journal = std::fs::read_to_string(backups.join("forget.journal")).expect("journaled");
    assert_eq!(journal.lines().count(), 1);
    assert!(
        !journal.contains(&forgotten.to_string()),
        "no raw id in the journal"
    );

    // The disk is gone: restore into an empty directory with the key kept elsewhere.
    let kept_key = dir.path().join("kept.key");
    std::fs::copy(&key, &kept_key).unwrap();
    let restored = dir.path().join("restored");
    let out = poruch(&restored, &kept_key, &["restore", manual.to_str().unwrap()]);
    let said = String::from_utf8_lossy(&out.stdout).to_string();
    assert_eq!(out.status.code(), Some(0), "{out:?}");
    assert!(said.contains("1 later /forget replayed"), "{said}");

    {
        let opened = poruch::storage::Store::open_with_key(&restored, &kept_key).unwrap();
        for (code, chat) in &acknowledged {
            if *chat == forgotten {
                continue;
            }
            let request = opened.help_request(code).unwrap();
            assert!(
                request.is_some(),
                "{code} was acknowledged before the backup"
            );
            assert_eq!(opened.referrals(code).unwrap().len(), 1);
        }
        assert_eq!(opened.help_request(&forgotten_code).unwrap(), None);
        assert!(
            opened.requests_of(forgotten).unwrap().is_empty(),
            "still forgotten"
        );
        assert_eq!(opened.user_language(forgotten).unwrap(), None);
    }

    // And the bot runs on it.
    let restored_s = restored.to_str().unwrap().to_string();
    let key_s = kept_key.to_str().unwrap().to_string();
    let n = api.calls().len();
    let _bot = start_bot_with(
        &api,
        &restored,
        "info",
        Stdio::null(),
        &[
            ("PORUCH_KEY_FILE", key_s.as_str()),
            ("PORUCH_DATA_DIR", restored_s.as_str()),
        ],
    );
    api.wait_for(n, "long polling on the restored store", |c| {
        c.method == "getWebhookInfo"
    })
    .await;
    let n = api.calls().len();
    api.push(text_update(&user(20_000, "en"), 1, "/start"));
    api.wait_for(n, "an answer", |c| c.params["chat_id"] == 20_000)
        .await;
}

/// A store in `store` holding the shipped directory.
fn with_shipped_directory(store: &Path, key: &Path) {
    let file = concat!(env!("CARGO_MANIFEST_DIR"), "/data/organizations.toml");
    let out = poruch(store, key, &["directory", "import", file]);
    assert_eq!(out.status.code(), Some(0), "{out:?}");
}

#[test]
fn restore_refuses_a_used_directory_a_wrong_key_and_a_damaged_backup() {
    let dir = support::tempdir();
    let store = dir.path().join("store");
    let key = store.join("poruch.key");
    with_shipped_directory(&store, &key);
    let file = dir.path().join("b.pbk");
    let out = poruch(&store, &key, &["backup", file.to_str().unwrap()]);
    assert_eq!(out.status.code(), Some(0), "{out:?}");
    assert!(String::from_utf8_lossy(&out.stdout).contains("writes held"));

    // Into the store itself: not empty.
    let out = poruch(&store, &key, &["restore", file.to_str().unwrap()]);
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("not empty"));
    // With another key.
    let other = dir.path().join("other");
    let other_key = dir.path().join("other.key");
    poruch(
        &dir.path().join("scratch"),
        &other_key,
        &["backup", dir.path().join("x.pbk").to_str().unwrap()],
    );
    let out = poruch(&other, &other_key, &["restore", file.to_str().unwrap()]);
    assert_eq!(out.status.code(), Some(2), "{out:?}");
    assert!(String::from_utf8_lossy(&out.stderr).contains("another key"));
    // Without a key.
    let out = poruch(
        &other,
        &dir.path().join("none.key"),
        &["restore", file.to_str().unwrap()],
    );
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("needs the key file"));
    // Damaged.
    let mut bytes = std::fs::read(&file).unwrap();
    let middle = bytes.len() / 2;
    bytes[middle] ^= 0x20;
    let damaged = dir.path().join("damaged.pbk");
    std::fs::write(&damaged, bytes).unwrap();
    let fresh = dir.path().join("fresh");
    std::fs::create_dir(&fresh).unwrap();
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        std::fs::set_permissions(&fresh, std::fs::Permissions::from_mode(0o700)).unwrap();
    }
    std::fs::copy(&key, fresh.join("poruch.key")).unwrap();
    let out = poruch(
        &fresh,
        &fresh.join("poruch.key"),
        &["restore", damaged.to_str().unwrap()],
    );
    assert_eq!(out.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&out.stderr).contains("damaged"));
    // The good one restores, and the directory then exports what the store held.
    let out = poruch(
        &fresh,
        &fresh.join("poruch.key"),
        &["restore", file.to_str().unwrap()],
    );
    assert_eq!(out.status.code(), Some(0), "{out:?}");
    let a = dir.path().join("a.toml");
    let b = dir.path().join("b.toml");
    poruch(&store, &key, &["directory", "export", a.to_str().unwrap()]);
    poruch(
        &fresh,
        &fresh.join("poruch.key"),
        &["directory", "export", b.to_str().unwrap()],
    );
    assert_eq!(std::fs::read(a).unwrap(), std::fs::read(b).unwrap());
}

#[test]
fn a_damaged_store_is_refused_in_one_line_naming_the_restore_command() {
    let dir = support::tempdir();
    let store = dir.path().join("store");
    let key = store.join("poruch.key");
    with_shipped_directory(&store, &key);
    // Bytes of sled's file overwritten here and there, as a failing disk would.
    let db = store.join("db");
    let mut bytes = std::fs::read(&db).unwrap();
    for at in (4096..bytes.len()).step_by(8192) {
        let end = (at + 64).min(bytes.len());
        bytes[at..end].fill(0xff);
    }
    std::fs::write(&db, bytes).unwrap();
    let out = Command::new(env!("CARGO_BIN_EXE_poruch"))
        .env("PORUCH_DATA_DIR", &store)
        .env("TELOXIDE_TOKEN", "123456:TEST-TOKEN")
        .env("TELOXIDE_API_URL", "http://127.0.0.1:9/")
        .stdin(Stdio::null())
        .output()
        .unwrap();
    let err = String::from_utf8_lossy(&out.stderr).to_string();
    assert_eq!(out.status.code(), Some(2), "{err}");
    let lines: Vec<&str> = err.lines().filter(|l| l.starts_with("poruch:")).collect();
    assert_eq!(lines.len(), 1, "{err}");
    assert!(lines[0].contains("poruch restore"), "{err}");
}
