//! End-to-end throughput and latency: simulated people talk to the bot through the fake Bot
//! API server over HTTP, the way Telegram would. Two harnesses with the same load:
//!
//! - **poruch**: each requester sends `/request` and walks the six buttons to Send (seven
//!   updates, every write flushed to disk); one staff member opens, accepts and answers each
//!   request as it arrives (through the outbox, under Telegram's rate limits).
//! - **echo**: a bare teloxide bot that answers every text with the same text and every button
//!   press with an answer to the callback query and a message with its data — driven by the
//!   same people sending the same seven updates per round.
//!
//! Reported: updates answered per second, requests completed per second, and the latency from
//! pushing an update to the bot's reply (p50, p99). Run:
//!
//!     cargo bench --bench flow
//!
//! `BENCH_USERS` (default 50) and `BENCH_ROUNDS` (default 4) change the load; `BENCH_ONLY=poruch`
//! skips the echo bot; `BENCH_ECHO_SCREEN=1` makes the echo bot's replies as large as Poruch's.

#[path = "../tests/support/mod.rs"]
mod support;

use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use serde_json::Value;
use support::LEGAL_HELP_IN_DNIPRO;
use support::fake_bot_api::{Call, FakeBotApi, bot_message, press, text_update, user};
use teloxide::prelude::*;
use tokio::sync::mpsc::UnboundedReceiver;

const ADMIN: i64 = 900;
const STAFF: i64 = 800;

fn env_number(name: &str, default: usize) -> usize {
    std::env::var(name)
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(default)
}

fn text(call: &Call) -> &str {
    call.params["text"].as_str().unwrap_or_default()
}

/// The next call to a chat that satisfies `pred`; calls that do not are kept in `stash`.
async fn next_call(
    rx: &mut UnboundedReceiver<Call>,
    stash: &mut Vec<Call>,
    pred: impl Fn(&Call) -> bool,
) -> Option<Call> {
    if let Some(i) = stash.iter().position(&pred) {
        return Some(stash.remove(i));
    }
    loop {
        let call = tokio::time::timeout(Duration::from_secs(30), rx.recv())
            .await
            .ok()??;
        if pred(&call) {
            return Some(call);
        }
        stash.push(call);
    }
}

#[derive(Default)]
struct Measured {
    latencies: Vec<Duration>,
    completed: usize,
}

/// Pushes an update and waits for the reply that `pred` recognizes; records the latency.
async fn step(
    api: &FakeBotApi,
    rx: &mut UnboundedReceiver<Call>,
    stash: &mut Vec<Call>,
    measured: &Mutex<Measured>,
    update: Value,
    pred: impl Fn(&Call) -> bool,
) -> Option<Call> {
    let started = Instant::now();
    api.push(update);
    let reply = next_call(rx, stash, pred).await;
    if let Ok(mut m) = measured.lock() {
        m.latencies.push(started.elapsed());
    }
    reply
}

fn is_reply(c: &Call) -> bool {
    c.method == "sendMessage" && c.params["protect_content"] != true
}

/// One person: per round `/request` and the six buttons to Send, each waiting for its reply.
/// Against the echo bot the same updates get echoes; a round then counts as a request too.
async fn requester(api: FakeBotApi, id: i64, rounds: usize, measured: Arc<Mutex<Measured>>) {
    let me = user(id, "en");
    let mut rx = api.watch_chat(id);
    let mut stash = Vec::new();
    let mut message_id = 1;
    for round in 0..rounds {
        message_id += 1;
        let update = text_update(&me, message_id, "/request");
        if step(&api, &mut rx, &mut stash, &measured, update, is_reply)
            .await
            .is_none()
        {
            return;
        }
        for (k, data) in LEGAL_HELP_IN_DNIPRO.iter().enumerate() {
            let update = press(&me, &format!("{id}-{round}-{k}"), &bot_message(id), data);
            let Some(reply) = step(&api, &mut rx, &mut stash, &measured, update, is_reply).await
            else {
                return;
            };
            if *data == "1:ds"
                && (text(&reply).contains("<code>R-") || text(&reply).starts_with(*data))
                && let Ok(mut m) = measured.lock()
            {
                m.completed += 1;
            }
        }
        // Notices (accepted, the organization's answer) are not replies to her updates.
        stash.retain(is_reply);
    }
}

fn button(call: &Call, label: &str) -> Option<String> {
    support::fake_bot_api::button(call, label)
}

/// One staff member: for each new request, Open → Accept → Reply → a text.
async fn staff(api: FakeBotApi, expected: usize, measured: Arc<Mutex<Measured>>) {
    let me = user(STAFF, "en");
    let mut rx = api.watch_chat(STAFF);
    let mut stash = Vec::new();
    let mut message_id = 100;
    for n in 0..expected {
        let Some(notice) =
            next_call(&mut rx, &mut stash, |c| text(c).contains("New request")).await
        else {
            return;
        };
        let Some(open) = button(&notice, "Open") else {
            continue;
        };
        let press_on =
            |data: &str, k: usize| press(&me, &format!("s-{n}-{k}"), &notice.result, data);
        let detail = step(
            &api,
            &mut rx,
            &mut stash,
            &measured,
            press_on(&open, 0),
            |c| text(c).contains(" — "),
        )
        .await;
        let Some(accept) = detail.as_ref().and_then(|d| button(d, "✅ Accept")) else {
            continue;
        };
        let accepted = step(
            &api,
            &mut rx,
            &mut stash,
            &measured,
            press_on(&accept, 1),
            |c| text(c).contains("You accepted"),
        )
        .await;
        let Some(reply) = accepted.as_ref().and_then(|a| button(a, "💬 Reply")) else {
            continue;
        };
        step(
            &api,
            &mut rx,
            &mut stash,
            &measured,
            press_on(&reply, 2),
            |c| text(c).contains("Type your message"),
        )
        .await;
        message_id += 1;
        let answer = text_update(&me, message_id, "We can help; when can we call?");
        step(&api, &mut rx, &mut stash, &measured, answer, |c| {
            text(c).contains("Passed on")
        })
        .await;
    }
}

fn percentile(sorted: &[Duration], p: f64) -> Duration {
    if sorted.is_empty() {
        return Duration::ZERO;
    }
    let i = ((sorted.len() as f64 - 1.0) * p).round() as usize;
    sorted[i.min(sorted.len() - 1)]
}

struct Report {
    updates_per_s: f64,
    requests_per_s: f64,
    p50: Duration,
    p99: Duration,
    updates: usize,
    requests: usize,
}

fn report(name: &str, measured: &Mutex<Measured>, elapsed: Duration) -> Report {
    let m = measured
        .lock()
        .map(|mut m| std::mem::take(&mut *m))
        .unwrap_or_default();
    let mut sorted = m.latencies;
    sorted.sort();
    let r = Report {
        updates_per_s: sorted.len() as f64 / elapsed.as_secs_f64(),
        requests_per_s: m.completed as f64 / elapsed.as_secs_f64(),
        p50: percentile(&sorted, 0.50),
        p99: percentile(&sorted, 0.99),
        updates: sorted.len(),
        requests: m.completed,
    };
    println!(
        "{name:>6}: {} updates answered, {:.0} updates/s; {} requests, {:.1} requests/s; update→reply p50 {:.1} ms, p99 {:.1} ms",
        r.updates,
        r.updates_per_s,
        r.requests,
        r.requests_per_s,
        r.p50.as_secs_f64() * 1000.0,
        r.p99.as_secs_f64() * 1000.0,
    );
    r
}

fn telegram(api: &FakeBotApi) -> Bot {
    let url = url::Url::parse(&api.url).expect("the fake server's URL");
    Bot::new("123456:BENCH-TOKEN").set_api_url(url)
}

async fn run_poruch(users: usize, rounds: usize) -> Report {
    let api = FakeBotApi::start().await;
    let dir = tempfile::tempdir().expect("temp dir");
    let store = poruch::storage::Store::open(dir.path()).expect("store");
    let today = chrono::Utc::now().date_naive();
    let index = poruch::startup::load_index(
        &store,
        poruch::startup::taxonomy().expect("taxonomy"),
        today,
    )
    .expect("directory");
    let ctx = poruch::bot::BotContext {
        store: store.clone(),
        index: Arc::new(index),
        i18n: Arc::new(poruch::i18n::I18n::load().expect("locales")),
        hotlines: Arc::new(poruch::datafile::hotlines().expect("hotlines")),
        fixed_today: None,
        admins: [ADMIN].into_iter().collect(),
        outbox_wake: Default::default(),
        retention_days: 30,
        offer_days: 7,
        min_ratings: 3,
        materials: Default::default(),
    };
    // The staff member joins before the load starts.
    let code = store
        .create_invite("demo-rivnist-dnipro", chrono::Utc::now().timestamp())
        .expect("invite");
    store
        .accept_invite(&code, STAFF, STAFF, chrono::Utc::now().timestamp())
        .expect("join")
        .expect("valid invite");
    store
        .set_user_language(STAFF, poruch::domain::Lang::En)
        .expect("staff language");
    store.flush_blocking().expect("flush");
    tokio::spawn(poruch::bot::run(telegram(&api), ctx));
    api.wait_for(0, "polling", |c| c.method == "getWebhookInfo")
        .await;

    let measured = Arc::new(Mutex::new(Measured::default()));
    let staff_measured = Arc::new(Mutex::new(Measured::default()));
    let started = Instant::now();
    let mut tasks = Vec::new();
    for i in 0..users {
        tasks.push(tokio::spawn(requester(
            api.clone(),
            20_000 + i as i64,
            rounds,
            measured.clone(),
        )));
    }
    let staff_task = tokio::spawn(staff(api.clone(), users * rounds, staff_measured.clone()));
    for t in tasks {
        let _ = t.await;
    }
    let elapsed = started.elapsed();
    let r = report("poruch", &measured, elapsed);
    // The staff side runs on under Telegram's per-chat limits (20 messages a minute to one
    // chat); it is stopped here and reported for what it did meanwhile.
    staff_task.abort();
    report("staff", &staff_measured, elapsed);
    assert!(api.refusals().is_empty(), "{:#?}", api.refusals());
    r
}

/// With `BENCH_ECHO_SCREEN=1` the echo bot's replies are as large as Poruch's screens (600
/// characters and 30 buttons), to tell the cost of big messages from the cost of Poruch's work.
fn echo_screen() -> Option<(String, teloxide::types::InlineKeyboardMarkup)> {
    std::env::var("BENCH_ECHO_SCREEN").ok()?;
    let rows = (0..15).map(|i| {
        vec![
            teloxide::types::InlineKeyboardButton::callback(
                format!("Область {i}"),
                format!("1:dr:UA-{i}"),
            ),
            teloxide::types::InlineKeyboardButton::callback(
                format!("Region {i}"),
                format!("1:dr:UA-{}", i + 50),
            ),
        ]
    });
    Some((
        "Крок 2 з 5. ".repeat(50),
        teloxide::types::InlineKeyboardMarkup::new(rows),
    ))
}

/// The echo bot's reply: the text (or button data), as large as a Poruch screen if asked.
async fn echo(bot: Bot, chat: ChatId, text: String) -> Result<(), teloxide::RequestError> {
    match echo_screen() {
        Some((big, keyboard)) => {
            bot.send_message(chat, format!("{text} {big}"))
                .reply_markup(keyboard)
                .await?
        }
        None => bot.send_message(chat, text).await?,
    };
    Ok(())
}

async fn run_echo(users: usize, rounds: usize) -> Report {
    let api = FakeBotApi::start().await;
    let bot = telegram(&api);
    let handler = dptree::entry()
        .branch(
            Update::filter_message().endpoint(|bot: Bot, msg: Message| async move {
                echo(bot, msg.chat.id, msg.text().unwrap_or("…").to_string()).await
            }),
        )
        .branch(Update::filter_callback_query().endpoint(
            |bot: Bot, q: CallbackQuery| async move {
                bot.answer_callback_query(q.id.clone()).await?;
                echo(bot, ChatId(q.from.id.0 as i64), q.data.unwrap_or_default()).await
            },
        ));
    tokio::spawn(async move {
        Dispatcher::builder(bot, handler)
            .default_handler(|_| async {})
            .build()
            .dispatch()
            .await
    });
    api.wait_for(0, "polling", |c| c.method == "getWebhookInfo")
        .await;
    let measured = Arc::new(Mutex::new(Measured::default()));
    let started = Instant::now();
    let mut tasks = Vec::new();
    for i in 0..users {
        tasks.push(tokio::spawn(requester(
            api.clone(),
            30_000 + i as i64,
            rounds,
            measured.clone(),
        )));
    }
    for t in tasks {
        let _ = t.await;
    }
    report("echo", &measured, started.elapsed())
}

fn main() {
    let users = env_number("BENCH_USERS", 50);
    let rounds = env_number("BENCH_ROUNDS", 4);
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .expect("runtime");
    println!(
        "{users} simulated users, {rounds} rounds of 7 updates each, over HTTP to the fake Bot API"
    );
    // BENCH_ONLY=poruch skips the echo bot (for profiling one side).
    let only = std::env::var("BENCH_ONLY").unwrap_or_default();
    let echo = if only == "poruch" {
        None
    } else {
        Some(runtime.block_on(run_echo(users, rounds)))
    };
    let poruch = runtime.block_on(run_poruch(users, rounds));
    let Some(echo) = echo else {
        return;
    };
    println!(
        "ratio poruch/echo: {:.2} (updates/s); p99 {:.1} ms vs {:.1} ms",
        poruch.updates_per_s / echo.updates_per_s,
        poruch.p99.as_secs_f64() * 1000.0,
        echo.p99.as_secs_f64() * 1000.0,
    );
    runtime.shutdown_timeout(Duration::from_secs(1));
}
