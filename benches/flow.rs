//! End-to-end cost of the whole bot: simulated people talk to it through the fake Bot API
//! server over HTTP, the way Telegram would, and the bot runs in its own process — the built
//! `poruch` binary — so that its CPU time can be read apart from the fake server's and the
//! simulated people's.
//!
//! Two scenarios, each run against Poruch and against a bare teloxide echo bot (this bench
//! binary started again in the echo role, also in its own process) with the same people
//! sending the same updates:
//!
//! - **search**: each person types free-text searches ("юрист Дніпро", "psychologist Kharkiv",
//!   …) and waits for the results screen.
//! - **request**: each person sends `/request` and presses the six buttons to Send (seven
//!   updates, every write flushed to disk); one staff member opens, accepts and answers each
//!   request as its notice arrives (notices go through the outbox, under Telegram's limits).
//!
//! The echo bot answers every text with a message and every button press with an answer to the
//! callback query and a message. Its replies are made as large as Poruch's (the same mean
//! length and number of buttons, measured on the Poruch run just before), so the comparison is
//! of the work behind a reply, not of its size. Runs alternate Poruch, echo, Poruch, echo, …
//! and the medians are reported.
//!
//! Reported per run: updates answered per second, update→reply latency (p50, p99), and the
//! bot process's CPU time (user + system, from /proc) per handled update. Run:
//!
//!     cargo bench --bench flow
//!
//! `BENCH_SCENARIO=search|request` runs one scenario; `BENCH_USERS` (default 50),
//! `BENCH_ROUNDS` (default 10 for search, 4 for request) and `BENCH_RUNS` (default 3) change
//! the load.
#![allow(clippy::unwrap_used, clippy::expect_used)] // a test may stop at what it did not expect

#[path = "../tests/support/mod.rs"]
mod support;

use std::process::{Child, Command, Stdio};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use serde_json::Value;
use support::LEGAL_HELP_IN_DNIPRO;
use support::fake_bot_api::{Call, FakeBotApi, bot_message, press, text_update, user};
use teloxide::prelude::*;
use tokio::sync::mpsc::UnboundedReceiver;

const ADMIN: i64 = 900;
const STAFF: i64 = 800;

/// What people type in the search scenario: whole phrases, both languages, with and without
/// a place.
const QUERIES: [&str; 8] = [
    "юрист Дніпро",
    "психолог Харків",
    "домашнє насильство Київ",
    "legal aid Lviv",
    "sexual harassment",
    "CRSV Kharkiv",
    "тренінг з гендерної рівності",
    "psychological support Odesa",
];

/// Environment of a child started in the echo role.
const ROLE_VAR: &str = "FLOW_BENCH_ROLE";
const API_VAR: &str = "FLOW_BENCH_API";
const ECHO_LEN_VAR: &str = "FLOW_BENCH_ECHO_LEN";
const ECHO_BUTTONS_VAR: &str = "FLOW_BENCH_ECHO_BUTTONS";

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
    /// Characters and buttons of every reply, to size the echo bot's replies alike.
    reply_chars: usize,
    reply_buttons: usize,
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
    if let (Ok(mut m), Some(reply)) = (measured.lock(), &reply) {
        m.latencies.push(started.elapsed());
        m.reply_chars += text(reply).chars().count();
        m.reply_buttons += buttons_of(reply);
    }
    reply
}

fn buttons_of(call: &Call) -> usize {
    call.params["reply_markup"]["inline_keyboard"]
        .as_array()
        .map_or(0, |rows| {
            rows.iter().map(|r| r.as_array().map_or(0, Vec::len)).sum()
        })
}

/// A reply to her own update: a new message or the screen edited in place (the request's
/// steps edit one message), and not a protected notice.
fn is_reply(c: &Call) -> bool {
    (c.method == "sendMessage" || c.method == "editMessageText")
        && c.params["protect_content"] != true
}

#[derive(Clone, Copy, PartialEq, Eq, Debug)]
enum Scenario {
    Search,
    Request,
}

/// One person searching: per round, every query of `QUERIES`, each waiting for its reply.
async fn searcher(api: FakeBotApi, id: i64, rounds: usize, measured: Arc<Mutex<Measured>>) {
    let me = user(id, if id % 2 == 0 { "uk" } else { "en" });
    let mut rx = api.watch_chat(id);
    let mut stash = Vec::new();
    let mut message_id = 1;
    for _ in 0..rounds {
        for query in QUERIES {
            message_id += 1;
            let update = text_update(&me, message_id, query);
            if step(&api, &mut rx, &mut stash, &measured, update, is_reply)
                .await
                .is_none()
            {
                return;
            }
        }
        if let Ok(mut m) = measured.lock() {
            m.completed += 1;
        }
    }
}

/// One person asking for help: per round `/request` and the six buttons to Send, each waiting
/// for its reply. Against the echo bot the same updates get echoes; a round counts the same.
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

/// One run of one bot.
struct Report {
    updates: usize,
    completed: usize,
    updates_per_s: f64,
    p50: Duration,
    p99: Duration,
    /// The bot process's CPU time per handled update.
    cpu_per_update: Duration,
    /// Mean characters and buttons of a reply.
    reply_len: usize,
    reply_buttons: usize,
}

fn report(name: &str, measured: &Mutex<Measured>, elapsed: Duration, cpu: Duration) -> Report {
    let m = measured
        .lock()
        .map(|mut m| std::mem::take(&mut *m))
        .unwrap_or_default();
    let mut sorted = m.latencies;
    sorted.sort();
    let n = sorted.len().max(1);
    let r = Report {
        updates: sorted.len(),
        completed: m.completed,
        updates_per_s: sorted.len() as f64 / elapsed.as_secs_f64(),
        p50: percentile(&sorted, 0.50),
        p99: percentile(&sorted, 0.99),
        cpu_per_update: cpu / n as u32,
        reply_len: m.reply_chars / n,
        reply_buttons: m.reply_buttons / n,
    };
    println!(
        "{name:>6}: {} updates ({} rounds), {:.0} updates/s; update→reply p50 {:.1} ms, p99 {:.1} ms; \
         bot CPU {:.0} µs per update; replies {} chars, {} buttons",
        r.updates,
        r.completed,
        r.updates_per_s,
        r.p50.as_secs_f64() * 1000.0,
        r.p99.as_secs_f64() * 1000.0,
        r.cpu_per_update.as_secs_f64() * 1e6,
        r.reply_len,
        r.reply_buttons,
    );
    r
}

/// The bot process, killed when dropped.
struct BotProcess(Child);

impl Drop for BotProcess {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

impl BotProcess {
    /// The process's peak resident memory so far (VmHWM), in KiB.
    fn peak_rss_kb(&self) -> u64 {
        std::fs::read_to_string(format!("/proc/{}/status", self.0.id()))
            .ok()
            .and_then(|status| {
                status
                    .lines()
                    .find_map(|l| l.strip_prefix("VmHWM:"))
                    .and_then(|v| v.trim().trim_end_matches("kB").trim().parse().ok())
            })
            .unwrap_or(0)
    }

    /// User + system CPU time of the process so far (all its threads), from /proc.
    fn cpu(&self) -> Duration {
        let stat = std::fs::read_to_string(format!("/proc/{}/stat", self.0.id()))
            .expect("the bot process's /proc entry");
        // Fields after the command name (which is in parentheses and may hold spaces).
        let after = stat.rsplit_once(')').map_or("", |(_, rest)| rest);
        let fields: Vec<&str> = after.split_whitespace().collect();
        // utime and stime are fields 14 and 15 of the line, 12 and 13 after the name.
        let ticks: u64 =
            fields[11].parse::<u64>().unwrap_or(0) + fields[12].parse::<u64>().unwrap_or(0);
        Duration::from_secs_f64(ticks as f64 / clock_ticks() as f64)
    }
}

fn clock_ticks() -> u64 {
    Command::new("getconf")
        .arg("CLK_TCK")
        .output()
        .ok()
        .and_then(|o| String::from_utf8(o.stdout).ok())
        .and_then(|s| s.trim().parse().ok())
        .unwrap_or(100)
}

/// Starts the built `poruch` binary against the fake server, with a fresh store.
fn start_poruch(api: &FakeBotApi, dir: &std::path::Path) -> BotProcess {
    let child = Command::new(env!("CARGO_BIN_EXE_poruch"))
        .env("TELOXIDE_TOKEN", "123456:BENCH-TOKEN")
        .env("TELOXIDE_API_URL", &api.url)
        .env("PORUCH_DATA_DIR", dir)
        .env("PORUCH_ADMINS", ADMIN.to_string())
        .env("PORUCH_LOG", "warn")
        // Poruch's own cost: Telegram's limits lifted (the surge bench keeps them).
        .env("PORUCH_RATE_LIMITS", "off")
        .stdout(Stdio::null())
        .stderr(Stdio::inherit())
        .spawn()
        .expect("the poruch binary starts");
    BotProcess(child)
}

/// Starts this bench binary again in the echo role, replying with `len` characters and
/// `buttons` buttons.
fn start_echo(api: &FakeBotApi, len: usize, buttons: usize) -> BotProcess {
    let child = Command::new(std::env::current_exe().expect("this binary"))
        .env(ROLE_VAR, "echo")
        .env(API_VAR, &api.url)
        .env(ECHO_LEN_VAR, len.to_string())
        .env(ECHO_BUTTONS_VAR, buttons.to_string())
        .stdout(Stdio::null())
        .stderr(Stdio::inherit())
        .spawn()
        .expect("the echo bot starts");
    BotProcess(child)
}

/// Sends a text and waits for any reply to that chat.
async fn say(api: &FakeBotApi, from: &Value, message_id: i64, words: &str) -> Call {
    let id = from["id"].as_i64().unwrap_or_default();
    let n = api.calls().len();
    api.push(text_update(from, message_id, words));
    api.wait_for(n, words, |c| {
        c.method == "sendMessage" && c.params["chat_id"] == id
    })
    .await
}

/// A coordinator invites the staff member, who joins (for the request scenario).
async fn staff_joins(api: &FakeBotApi) {
    let admin = user(ADMIN, "en");
    let invite = say(api, &admin, 1, "/invite demo-rivnist-dnipro").await;
    let code = support::invite_code(text(&invite));
    let staff = user(STAFF, "en");
    say(api, &staff, 1, &format!("/join {code}")).await;
    let joined = say(api, &staff, 2, "Staff member").await;
    assert!(text(&joined).contains("team"), "{}", text(&joined));
}

/// Drives the people of a scenario against whatever bot polls `api`; returns the report.
async fn load(
    name: &str,
    api: &FakeBotApi,
    bot: &BotProcess,
    scenario: Scenario,
    users: usize,
    rounds: usize,
    with_staff: bool,
) -> Report {
    let measured = Arc::new(Mutex::new(Measured::default()));
    let staff_measured = Arc::new(Mutex::new(Measured::default()));
    let cpu_before = bot.cpu();
    let started = Instant::now();
    let mut tasks = Vec::new();
    for i in 0..users {
        let (api, measured) = (api.clone(), measured.clone());
        let id = 20_000 + i as i64;
        tasks.push(match scenario {
            Scenario::Search => tokio::spawn(searcher(api, id, rounds, measured)),
            Scenario::Request => tokio::spawn(requester(api, id, rounds, measured)),
        });
    }
    let staff_task = with_staff
        .then(|| tokio::spawn(staff(api.clone(), users * rounds, staff_measured.clone())));
    for t in tasks {
        let _ = t.await;
    }
    let elapsed = started.elapsed();
    let cpu = bot.cpu().saturating_sub(cpu_before);
    let r = report(name, &measured, elapsed, cpu);
    println!(
        "        bot peak resident memory {} MB",
        bot.peak_rss_kb() / 1024
    );
    // The staff side runs on under Telegram's per-chat limits (20 messages a minute to one
    // chat); it is stopped here and reported for what it did meanwhile.
    if let Some(task) = staff_task {
        task.abort();
        let m = staff_measured
            .lock()
            .map(|m| m.latencies.len())
            .unwrap_or(0);
        println!("        staff answered {m} updates meanwhile");
    }
    assert!(api.refusals().is_empty(), "{:#?}", api.refusals());
    r
}

async fn run_poruch(scenario: Scenario, users: usize, rounds: usize) -> Report {
    let api = FakeBotApi::start().await;
    let dir = support::tempdir();
    let bot = start_poruch(&api, dir.path());
    support::process::started(&api).await;
    let with_staff = scenario == Scenario::Request;
    if with_staff {
        staff_joins(&api).await;
    }
    load("poruch", &api, &bot, scenario, users, rounds, with_staff).await
}

async fn run_echo(scenario: Scenario, users: usize, rounds: usize, like: &Report) -> Report {
    let api = FakeBotApi::start().await;
    let bot = start_echo(&api, like.reply_len, like.reply_buttons);
    api.wait_for(0, "polling", |c| c.method == "getWebhookInfo")
        .await;
    load("echo", &api, &bot, scenario, users, rounds, false).await
}

/// The echo bot's reply: the text (or button data), padded to `len` characters, with
/// `buttons` buttons two to a row.
fn echo_reply(
    incoming: &str,
    len: usize,
    buttons: usize,
) -> (String, teloxide::types::InlineKeyboardMarkup) {
    let mut text = incoming.to_string();
    let pad = "Крок 2 з 5. Організація побачить саме це. ";
    while text.chars().count() < len {
        text.push_str(pad);
    }
    let text: String = text
        .chars()
        .take(len.max(incoming.chars().count()))
        .collect();
    let labels: Vec<_> = (0..buttons)
        .map(|i| {
            teloxide::types::InlineKeyboardButton::callback(
                format!("{}. Організація {i}", i + 1),
                format!("1:o:demo-organization-{i}"),
            )
        })
        .collect();
    let rows: Vec<Vec<_>> = labels.chunks(2).map(<[_]>::to_vec).collect();
    (text, teloxide::types::InlineKeyboardMarkup::new(rows))
}

/// The echo role: a bare teloxide bot, as small as a bot can be, replying like Poruch in size.
fn echo_main() {
    let api = std::env::var(API_VAR).expect("the fake server's URL");
    let len = env_number(ECHO_LEN_VAR, 0);
    let buttons = env_number(ECHO_BUTTONS_VAR, 0);
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .expect("runtime");
    runtime.block_on(async move {
        let url = url::Url::parse(&api).expect("a URL");
        let bot = Bot::new("123456:BENCH-TOKEN").set_api_url(url);
        let send = move |bot: Bot, chat: ChatId, incoming: String| async move {
            let (text, keyboard) = echo_reply(&incoming, len, buttons);
            bot.send_message(chat, text).reply_markup(keyboard).await?;
            Ok::<(), teloxide::RequestError>(())
        };
        let handler = dptree::entry()
            .branch(
                Update::filter_message().endpoint(move |bot: Bot, msg: Message| {
                    let text = msg.text().unwrap_or("…").to_string();
                    send(bot, msg.chat.id, text)
                }),
            )
            .branch(Update::filter_callback_query().endpoint(
                move |bot: Bot, q: CallbackQuery| async move {
                    bot.answer_callback_query(q.id.clone()).await?;
                    send(bot, ChatId(q.from.id.0 as i64), q.data.unwrap_or_default()).await
                },
            ));
        Dispatcher::builder(bot, handler)
            .default_handler(|_| async {})
            .build()
            .dispatch()
            .await
    });
}

fn median(mut values: Vec<f64>) -> f64 {
    values.sort_by(|a, b| a.total_cmp(b));
    values.get(values.len() / 2).copied().unwrap_or_default()
}

fn main() {
    if std::env::var(ROLE_VAR).as_deref() == Ok("echo") {
        echo_main();
        return;
    }
    let users = env_number("BENCH_USERS", 50);
    let runs = env_number("BENCH_RUNS", 3);
    let scenarios = match std::env::var("BENCH_SCENARIO").as_deref() {
        Ok("search") => vec![Scenario::Search],
        Ok("request") => vec![Scenario::Request],
        _ => vec![Scenario::Search, Scenario::Request],
    };
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .expect("runtime");
    for scenario in scenarios {
        let rounds = env_number(
            "BENCH_ROUNDS",
            if scenario == Scenario::Search { 10 } else { 4 },
        );
        println!(
            "\n{scenario:?}: {users} simulated users × {rounds} rounds, {runs} runs, each bot in its own process"
        );
        let mut poruch_cpu = Vec::new();
        let mut echo_cpu = Vec::new();
        let mut poruch_rate = Vec::new();
        let mut echo_rate = Vec::new();
        let mut poruch_p99 = Vec::new();
        for run in 1..=runs {
            println!("run {run}");
            let p = runtime.block_on(run_poruch(scenario, users, rounds));
            let e = runtime.block_on(run_echo(scenario, users, rounds, &p));
            poruch_cpu.push(p.cpu_per_update.as_secs_f64() * 1e6);
            echo_cpu.push(e.cpu_per_update.as_secs_f64() * 1e6);
            poruch_rate.push(p.updates_per_s);
            echo_rate.push(e.updates_per_s);
            poruch_p99.push(p.p99.as_secs_f64() * 1000.0);
            let _ = (p.updates, p.completed, e.updates, e.completed, e.p50, p.p50);
        }
        let (pc, ec) = (median(poruch_cpu.clone()), median(echo_cpu.clone()));
        println!(
            "{scenario:?} medians of {runs}: bot CPU per update poruch {pc:.0} µs, echo {ec:.0} µs, ratio {:.2} \
             (runs: poruch {poruch_cpu:.0?}, echo {echo_cpu:.0?}); updates/s poruch {:.0}, echo {:.0}; poruch p99 {:.1} ms",
            pc / ec.max(1e-9),
            median(poruch_rate),
            median(echo_rate),
            median(poruch_p99),
        );
    }
    runtime.shutdown_timeout(Duration::from_secs(1));
}
