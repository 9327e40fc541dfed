//! Stopping: SIGTERM (what systemd sends) in the middle of a burst of requests ends the
//! process with exit code 0 within 10 seconds, and every request whose reference code was
//! sent to its requester is in the store afterwards.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod support;

use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use poruch::storage::Store;
use support::LEGAL_HELP_IN_DNIPRO;
use support::fake_bot_api::{FakeBotApi, bot_message, press, text_update, user};
use support::process::{start_bot_logging, started};

/// The reference codes ("R-" and four characters) in a text.
fn codes(text: &str) -> Vec<String> {
    text.match_indices("R-")
        .filter_map(|(i, _)| text.get(i..i + 6))
        .filter(|c| c[2..].chars().all(|ch| ch.is_ascii_alphanumeric()))
        .map(str::to_string)
        .collect()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn sigterm_in_a_burst_exits_0_within_10_seconds_and_loses_nothing_acknowledged() {
    let api = FakeBotApi::start().await;
    let dir = support::tempdir();
    let log = dir.path().join("bot.log");
    let mut bot = start_bot_logging(
        &api,
        &dir.path().join("data"),
        "info",
        Stdio::from(std::fs::File::create(&log).unwrap()),
    );
    started(&api).await;

    let people: Vec<i64> = (30_001..30_013).collect();
    for &id in &people {
        let me = user(id, "uk");
        api.push(text_update(&me, 1, "/request"));
        for (k, data) in LEGAL_HELP_IN_DNIPRO.iter().enumerate() {
            api.push(press(&me, &format!("{id}-{k}"), &bot_message(id), data));
        }
    }
    // Some requests are through (their codes were sent), others are under way.
    api.wait_for(0, "a first reference code", |c| {
        c.params["text"]
            .as_str()
            .is_some_and(|t| !codes(t).is_empty())
    })
    .await;

    let signalled = Instant::now();
    let killed = Command::new("kill")
        .args(["-TERM", &bot.0.id().to_string()])
        .status()
        .unwrap();
    assert!(killed.success());
    let status = loop {
        if let Some(status) = bot.0.try_wait().unwrap() {
            break status;
        }
        assert!(
            signalled.elapsed() < Duration::from_secs(10),
            "still running 10 seconds after SIGTERM"
        );
        tokio::time::sleep(Duration::from_millis(50)).await;
    };
    assert_eq!(status.code(), Some(0), "exit code after SIGTERM");
    let logged = std::fs::read_to_string(&log).unwrap();
    assert!(logged.contains("bot stopped"), "{logged}");

    // Every code a requester was told is stored.
    let told: Vec<String> = api
        .calls()
        .iter()
        .filter(|c| {
            c.params["chat_id"]
                .as_i64()
                .is_some_and(|chat| people.contains(&chat))
        })
        .flat_map(|c| codes(c.params["text"].as_str().unwrap_or_default()))
        .collect();
    assert!(!told.is_empty());
    let store = Store::open(&dir.path().join("data")).unwrap();
    for code in &told {
        assert!(
            store.help_request(code).unwrap().is_some(),
            "{code} was told to its requester but is not stored"
        );
    }
}
