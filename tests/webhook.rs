//! Webhook mode: the built binary against the fake Bot API, with the test posting updates as
//! Telegram would (and posting again until it is answered 200, as Telegram does). Only posts
//! with the registered secret token are taken; the token is kept across restarts; switching
//! back to long polling deletes the webhook; and a bot killed with SIGKILL while updates are
//! under way loses none and repeats none.
#![allow(clippy::unwrap_used, clippy::expect_used)] // a test may stop at what it did not expect

mod support;

use std::net::SocketAddr;
use std::process::Stdio;
use std::sync::Arc;
use std::sync::atomic::{AtomicI64, Ordering};
use std::time::Duration;

use serde_json::Value;
use support::LEGAL_HELP_IN_DNIPRO;
use support::fake_bot_api::{Call, FakeBotApi, bot_message, press, text_update, user};
use support::process::{Bot, start_bot_with};
use tokio::io::{AsyncReadExt, AsyncWriteExt};

const HOOK_URL: &str = "https://bot.example.org/telegram/hook";
const HOOK_PATH: &str = "/telegram/hook";
const ADMIN: i64 = 900;
const STAFF: i64 = 800;
const ORG: &str = "demo-rivnist-dnipro";

fn free_addr() -> SocketAddr {
    let listener = std::net::TcpListener::bind("127.0.0.1:0").expect("a free port");
    listener.local_addr().expect("its address")
}

fn start_webhook(api: &FakeBotApi, dir: &std::path::Path, addr: SocketAddr) -> Bot {
    let addr = addr.to_string();
    start_bot_with(
        api,
        dir,
        "info",
        Stdio::null(),
        &[
            ("PORUCH_ADMINS", "900"),
            ("PORUCH_WEB_ADDR", &addr),
            ("PORUCH_WEBHOOK_URL", HOOK_URL),
        ],
    )
}

/// Waits for the webhook's registration after the first `after` calls; its secret token.
async fn registered(api: &FakeBotApi, after: usize) -> String {
    let call = api
        .wait_for(after, "the webhook's registration", |c| {
            c.method == "setWebhook"
        })
        .await;
    assert_eq!(call.params["url"], HOOK_URL);
    call.params["secret_token"]
        .as_str()
        .expect("a secret token")
        .to_string()
}

/// One POST as Telegram makes it; the status, or `None` if the bot did not answer.
async fn post(addr: SocketAddr, secret: Option<&str>, body: &str) -> Option<u16> {
    let mut stream = tokio::net::TcpStream::connect(addr).await.ok()?;
    let secret = secret
        .map(|s| format!("X-Telegram-Bot-Api-Secret-Token: {s}\r\n"))
        .unwrap_or_default();
    let request = format!(
        "POST {HOOK_PATH} HTTP/1.1\r\nHost: bot.example.org\r\nContent-Type: application/json\r\nContent-Length: {}\r\nConnection: close\r\n{secret}\r\n{body}",
        body.len()
    );
    stream.write_all(request.as_bytes()).await.ok()?;
    let mut answer = Vec::new();
    tokio::time::timeout(Duration::from_secs(30), stream.read_to_end(&mut answer))
        .await
        .ok()?
        .ok()?;
    let answer = String::from_utf8_lossy(&answer);
    answer.split_whitespace().nth(1)?.parse().ok()
}

/// Telegram's side: posts an update until the bot answers 200.
async fn deliver(addr: SocketAddr, secret: &str, update: &Value) {
    let body = update.to_string();
    while post(addr, Some(secret), &body).await != Some(200) {
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
}

/// Update ids as Telegram numbers them: one sequence.
struct Ids(AtomicI64);

impl Ids {
    fn next(&self, mut update: Value) -> Value {
        update["update_id"] = serde_json::json!(self.0.fetch_add(1, Ordering::SeqCst));
        update
    }
}

fn text(call: &Call) -> &str {
    call.params["text"].as_str().unwrap_or_default()
}

fn sent_to(api: &FakeBotApi, chat: i64) -> usize {
    api.calls()
        .iter()
        .filter(|c| c.method == "sendMessage" && c.params["chat_id"] == chat)
        .count()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn only_telegrams_posts_are_taken_the_secret_is_kept_and_polling_deletes_the_webhook() {
    let api = FakeBotApi::start().await;
    let dir = support::tempdir();
    let addr = free_addr();
    let ids = Ids(AtomicI64::new(1));

    let bot = start_webhook(&api, dir.path(), addr);
    let secret = registered(&api, 0).await;
    assert_eq!(secret.len(), 64, "a long random token");
    assert_eq!(api.webhook().as_deref(), Some(HOOK_URL));
    // Wait until the server listens.
    while post(addr, None, "{}").await.is_none() {
        tokio::time::sleep(Duration::from_millis(50)).await;
    }

    // Without the token, with a wrong one, and with a body that is not even JSON: refused
    // before the body is read.
    let stranger = ids
        .next(text_update(&user(501, "en"), 1, "/start"))
        .to_string();
    assert_eq!(post(addr, None, &stranger).await, Some(401));
    let forger = ids
        .next(text_update(&user(502, "en"), 1, "/start"))
        .to_string();
    let wrong = format!("{}x", &secret[..63]);
    assert_eq!(post(addr, Some(&wrong), &forger).await, Some(401));
    assert_eq!(post(addr, Some("short"), &forger).await, Some(401));
    assert_eq!(post(addr, None, "not json at all").await, Some(401));

    // With it: answered after the update was handled, so the reply is already out.
    let her = ids.next(text_update(&user(503, "en"), 1, "/start"));
    assert_eq!(post(addr, Some(&secret), &her.to_string()).await, Some(200));
    assert!(sent_to(&api, 503) >= 1, "she got her answer before the 200");
    assert_eq!(
        sent_to(&api, 501) + sent_to(&api, 502),
        0,
        "no forged update was handled"
    );
    // Telegram posting the same update again (it never saw the 200): skipped.
    let before = sent_to(&api, 503);
    assert_eq!(post(addr, Some(&secret), &her.to_string()).await, Some(200));
    assert_eq!(
        sent_to(&api, 503),
        before,
        "a repeated update is not handled twice"
    );
    drop(bot);

    // Restarted: the same token is registered (kept, sealed, in the store).
    let n = api.calls().len();
    let bot = start_webhook(&api, dir.path(), addr);
    assert_eq!(registered(&api, n).await, secret);
    drop(bot);

    // Back to long polling: the webhook is deleted and updates come by getUpdates again.
    let n = api.calls().len();
    let _bot = start_bot_with(&api, dir.path(), "info", Stdio::null(), &[]);
    api.wait_for(n, "the webhook's deletion", |c| c.method == "deleteWebhook")
        .await;
    assert_eq!(api.webhook(), None);
    let n = api.calls().len();
    api.push(text_update(&user(504, "en"), 1, "/start"));
    api.wait_for(n, "an answer by long polling", |c| {
        c.method == "sendMessage" && c.params["chat_id"] == 504
    })
    .await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn requests_survive_kill_9_in_webhook_mode() {
    let mut rng = support::Lcg::seeded("WEBHOOK_SEED");
    let seed = rng.seed();
    let api = FakeBotApi::start().await;
    let dir = support::tempdir();
    let addr = free_addr();
    let ids = Arc::new(Ids(AtomicI64::new(1)));

    // A coordinator invites a staff member of the organization, who joins.
    let secret = {
        let _bot = start_webhook(&api, dir.path(), addr);
        let secret = registered(&api, 0).await;
        let admin = user(ADMIN, "en");
        deliver(
            addr,
            &secret,
            &ids.next(text_update(&admin, 1, &format!("/invite {ORG}"))),
        )
        .await;
        let invite = api
            .wait_for(0, "the invitation", |c| text(c).contains("<code>"))
            .await;
        let code = support::invite_code(text(&invite));
        let staff = user(STAFF, "en");
        deliver(
            addr,
            &secret,
            &ids.next(text_update(&staff, 1, &format!("/join {code}"))),
        )
        .await;
        deliver(
            addr,
            &secret,
            &ids.next(text_update(&staff, 2, "Staff member")),
        )
        .await;
        api.wait_for(0, "joined", |c| text(c).contains("you are on the team"))
            .await;
        secret
    };

    // Rounds of requesters, each round ended by SIGKILL at a random moment; Telegram keeps
    // posting what was not answered, to the next run.
    let rounds = 5;
    let per_round = 4;
    let mut requesters = Vec::new();
    let mut deliveries = Vec::new();
    for round in 0..rounds {
        let n = api.calls().len();
        let bot = start_webhook(&api, dir.path(), addr);
        registered(&api, n).await;
        let n = api.calls().len();
        for i in 0..per_round {
            let id = 10_000 + (round * per_round + i) as i64;
            requesters.push(id);
            let me = user(id, "en");
            let mut updates = vec![ids.next(text_update(&me, 1, "/request"))];
            for (k, data) in LEGAL_HELP_IN_DNIPRO.iter().enumerate() {
                updates.push(ids.next(press(&me, &format!("{id}-{k}"), &bot_message(id), data)));
            }
            let secret = secret.clone();
            deliveries.push(tokio::spawn(async move {
                for update in updates {
                    deliver(addr, &secret, &update).await;
                }
            }));
        }
        // In the middle of it: after a random number of the bot's calls to Telegram.
        let target = n + 1 + rng.next(30) as usize;
        let deadline = std::time::Instant::now() + Duration::from_secs(3);
        while api.calls().len() < target && std::time::Instant::now() < deadline {
            tokio::time::sleep(Duration::from_millis(1)).await;
        }
        drop(bot); // SIGKILL
    }

    // A last run: everything Telegram still holds is delivered.
    let n = api.calls().len();
    let bot = start_webhook(&api, dir.path(), addr);
    registered(&api, n).await;
    for delivery in deliveries {
        tokio::time::timeout(Duration::from_secs(60), delivery)
            .await
            .expect("every update is answered 200 in the end")
            .expect("the delivery task");
    }
    drop(bot);

    assert!(api.refusals().is_empty(), "{:#?}", api.refusals());
    let store = poruch::storage::Store::open_waiting(dir.path(), Duration::from_secs(10))
        .expect("the store opens after the last run");
    for id in &requesters {
        let mine = store.requests_of(*id).expect("readable");
        assert_eq!(
            mine.len(),
            1,
            "requester {id} has {} requests: none may be lost or doubled (seed {seed})",
            mine.len()
        );
        let referrals = store.referrals(&mine[0]).expect("readable");
        assert_eq!(referrals.len(), 1, "offered once (seed {seed})");
    }
    println!(
        "{} requesters, one request each (seed {seed})",
        requesters.len()
    );
}
