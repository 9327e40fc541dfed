//! A soak: the built `poruch` binary on a store with a generated 10,000-organization directory
//! and 100,000 live (accepted) help requests, driven through the fake Bot API with Telegram's
//! limits lifted by `BENCH_USERS` people at once (default 50) until `BENCH_UPDATES` updates
//! (default 1,000,000) were answered: three in four are free-text searches, one in five a help
//! request written step by step by a new person (/request and six presses, Send included) and
//! then carried through: a staff member of the organization it went to opens and accepts it,
//! the person is told, writes through the bot, the staff member answers and the person reads
//! the answer (relay both ways); the rest /start by a new person. Every 5 seconds it samples
//! the bot's resident memory, the data directory's size and what the disk wrote; before that,
//! it measures what a read-only update (a search) costs in disk writes (`BENCH_SEARCHES`,
//! default 20,000). It prints the curve; at the end, the plateau, the latencies (p50, p99,
//! p99.99, slowest) and the data directory against a fresh backup of the same live data. Then
//! that backup is restored and a fresh process runs the same mix on it (`BENCH_AFTER_RESTORE`
//! updates, default 200,000; 0 skips it): whether memory follows the process's age or the
//! live data. Run:
//!
//!     cargo bench --bench soak
#![allow(clippy::unwrap_used, clippy::expect_used)] // a bench may stop at what it did not expect

#[path = "../tests/support/mod.rs"]
mod support;

#[path = "support/generated.rs"]
mod generated;

use std::collections::VecDeque;
use std::process::{Command, Stdio};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use generated::{Lcg, directory};
use poruch::domain::routing::{Load, Need, eligible};
use poruch::domain::{HelpKind, ReferralStatus, Timestamp};
use poruch::storage::Store;
use serde_json::Value;
use support::LEGAL_HELP_IN_DNIPRO;
use support::fake_bot_api::{Call, FakeBotApi, bot_message, button, press, text_update, user};
use tokio::sync::mpsc::UnboundedReceiver;

/// The live requests the store starts with (`BENCH_LIVE_REQUESTS`; the run adds about one per
/// 19 updates, none expiring: retention counts days).
const LIVE_REQUESTS: usize = 100_000;
const QUERIES: [&str; 6] = [
    "юрист Дніпро",
    "psychologist Kharkiv",
    "домашнє насильство Київ",
    "чоловік б'є мене",
    "sexual harassment Lviv",
    "командир пристає",
];

fn env_number(name: &str, default: usize) -> usize {
    std::env::var(name)
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(default)
}

/// The staff members: one per organization a soak request may go to.
const STAFF_FROM: i64 = 900_000_000;
/// What a person writes to the organization, and what its staff member answers.
const TO_ORG: &str = "SOAK-RELAY: коли можна зателефонувати?";
const TO_HER: &str = "SOAK-ANSWER: we will call tomorrow at ten.";

/// A store with the generated directory and live requests, as an instance would hold after
/// weeks of use, and a staff member (who joined by invitation) for every organization the
/// soak's requests may be routed to. Returns the number of organizations and the staff ids.
fn fill(data: &std::path::Path, live_requests: usize) -> (usize, Vec<i64>) {
    let store = Store::open(data).unwrap();
    let mut rng = Lcg(7);
    let orgs = directory(&mut rng);
    store.replace_directory(&orgs, "2026-12-01").unwrap();
    let now = chrono::Utc::now().timestamp_millis();
    for i in 0..live_requests {
        let org = &orgs[rng.next(orgs.len())];
        // Within the last 20 days: retention keeps them, no timer is due.
        let at = Timestamp::from_millis(now - (i as i64 % 1_728_000) * 1_000);
        let (code, request, referral) = generated::request(org, i, at, ReferralStatus::Accepted);
        store
            .submit_request(&code, &request, Some(&referral), &[], at, None)
            .unwrap();
    }
    let need = Need {
        topic: "sexual-harassment",
        region: "UA-12",
        kind: HelpKind::Legal,
    };
    let today = chrono::Utc::now().date_naive();
    let joined = Timestamp::from_millis(now);
    let mut staff = Vec::new();
    for org in orgs
        .iter()
        .filter(|o| eligible(o, &need, &Load::default(), today))
    {
        let id = STAFF_FROM + staff.len() as i64;
        let code = store.create_invite(&org.id, joined).unwrap();
        store
            .accept_invite(&code, id, id, "Desk", joined)
            .unwrap()
            .unwrap();
        staff.push(id);
    }
    store.flush_blocking().unwrap();
    (orgs.len(), staff)
}

fn dir_bytes(dir: &std::path::Path) -> u64 {
    let mut total = 0;
    let mut stack = vec![dir.to_path_buf()];
    while let Some(path) = stack.pop() {
        let Ok(entries) = std::fs::read_dir(&path) else {
            continue;
        };
        for entry in entries.flatten() {
            match entry.metadata() {
                Ok(m) if m.is_dir() => stack.push(entry.path()),
                Ok(m) => total += m.len(),
                Err(_) => {}
            }
        }
    }
    total
}

fn proc_field(pid: u32, file: &str, field: &str) -> u64 {
    std::fs::read_to_string(format!("/proc/{pid}/{file}"))
        .unwrap_or_default()
        .lines()
        .find_map(|l| l.strip_prefix(field))
        .and_then(|v| v.split_whitespace().next().and_then(|n| n.parse().ok()))
        .unwrap_or(0)
}

/// What the disk holding the data directory has written so far: write requests and bytes
/// (/sys/dev/block/<device>/stat; the whole machine's, which during the soak is the bot's:
/// the bench and the fake Bot API keep everything in memory). Not the process's own
/// `write_bytes` (/proc/<pid>/io): on ext4 that charged a process hundreds of KB for a
/// 50-byte write and sync that the device saw as 4.6 KB.
fn writes(data: &std::path::Path) -> (u64, u64) {
    use std::os::unix::fs::MetadataExt;
    let dev = std::fs::metadata(data).map(|m| m.dev()).unwrap_or(0);
    let (major, minor) = (
        ((dev >> 8) & 0xfff) | ((dev >> 32) & !0xfff),
        (dev & 0xff) | ((dev >> 12) & !0xff),
    );
    let stat =
        std::fs::read_to_string(format!("/sys/dev/block/{major}:{minor}/stat")).unwrap_or_default();
    let field = |i: usize| {
        stat.split_whitespace()
            .nth(i)
            .and_then(|v| v.parse::<u64>().ok())
            .unwrap_or(0)
    };
    (field(4), field(6) * 512)
}

#[derive(Default)]
struct Counters {
    answered: AtomicUsize,
    lost: AtomicUsize,
    latencies: Mutex<Vec<Duration>>,
    /// Requests a staff member accepted, and answers the person read.
    accepted: AtomicUsize,
    answers_read: AtomicUsize,
    /// "New request" notices that came a second time for the same request.
    notices_twice: AtomicUsize,
    /// What was waited for in vain, by what it was.
    lost_at: Mutex<std::collections::BTreeMap<&'static str, usize>>,
}

impl Counters {
    fn lose(&self, what: &'static str) {
        self.lost.fetch_add(1, Ordering::Relaxed);
        *self.lost_at.lock().unwrap().entry(what).or_default() += 1;
    }
}

const PATIENCE: Duration = Duration::from_secs(30);

fn shown(c: &Call) -> bool {
    c.method == "sendMessage" || c.method == "editMessageText"
}

fn says(c: &Call, needle: &str) -> bool {
    c.params["text"]
        .as_str()
        .is_some_and(|t| t.contains(needle))
}

/// Pushes an update and waits for the bot's next message or edit in that chat.
async fn step(
    api: &FakeBotApi,
    rx: &mut UnboundedReceiver<Call>,
    counters: &Counters,
    update: Value,
    what: &'static str,
) -> Option<Call> {
    while rx.try_recv().is_ok() {}
    let started = Instant::now();
    api.push(update);
    loop {
        match tokio::time::timeout(PATIENCE.saturating_sub(started.elapsed()), rx.recv()).await {
            Ok(Some(c)) if shown(&c) => {
                counters.latencies.lock().unwrap().push(started.elapsed());
                counters.answered.fetch_add(1, Ordering::Relaxed);
                return Some(c);
            }
            Ok(Some(_)) => {}
            _ => {
                counters.lose(what);
                return None;
            }
        }
    }
}

/// Waits for a message nobody in this chat asked for (a notice), without pushing anything.
async fn arrives(
    rx: &mut UnboundedReceiver<Call>,
    counters: &Counters,
    what: &'static str,
    wanted: impl Fn(&Call) -> bool,
) -> Option<Call> {
    let started = Instant::now();
    loop {
        match tokio::time::timeout(PATIENCE.saturating_sub(started.elapsed()), rx.recv()).await {
            Ok(Some(c)) if shown(&c) && wanted(&c) => return Some(c),
            Ok(Some(_)) => {}
            _ => {
                counters.lose(what);
                return None;
            }
        }
    }
}

/// After Send: the organization accepts (see `desk`), she is told discreetly, shows the news,
/// writes to the organization, and reads its answer when that news comes.
async fn carried_through(
    api: &FakeBotApi,
    rx: &mut UnboundedReceiver<Call>,
    counters: &Counters,
    me: &Value,
    chat: i64,
) -> Option<()> {
    let news = id(chat, "s");
    let told = show_news(
        api,
        rx,
        counters,
        me,
        &news,
        "the news that it was accepted",
    )
    .await?;
    let write = button(&told, "💬")?;
    let update = press(me, &id(chat, "w"), &told.result, &write);
    step(api, rx, counters, update, "the prompt to write").await?;
    step(api, rx, counters, text_update(me, 2, TO_ORG), "passed on").await?;
    let read = show_news(
        api,
        rx,
        counters,
        me,
        &id(chat, "a"),
        "the news of an answer",
    )
    .await?;
    if says(&read, "SOAK-ANSWER") {
        counters.answers_read.fetch_add(1, Ordering::Relaxed);
    }
    Some(())
}

fn id(chat: i64, step: &str) -> String {
    format!("{chat}-{step}")
}

/// Waits for a discreet notice ("there is news…") and shows it in place with its 👁 button.
async fn show_news(
    api: &FakeBotApi,
    rx: &mut UnboundedReceiver<Call>,
    counters: &Counters,
    me: &Value,
    press_id: &str,
    waiting_for: &'static str,
) -> Option<Call> {
    let news = arrives(rx, counters, waiting_for, |c| button(c, "👁").is_some()).await?;
    let show = button(&news, "👁")?;
    let update = press(me, press_id, &news.result, &show);
    step(api, rx, counters, update, "the news shown").await
}

/// Something for a staff member to do: a new request (it has an Open button) or a message
/// relayed from a person.
fn is_work(c: &Call) -> bool {
    c.method == "sendMessage"
        && (says(c, "SOAK-RELAY")
            || button(c, "Open")
                .or_else(|| button(c, "Відкрити"))
                .is_some())
}

/// A staff member's chat as their desk sees it: what arrives, and the work seen meanwhile.
struct Desk {
    api: FakeBotApi,
    counters: Arc<Counters>,
    rx: UnboundedReceiver<Call>,
    work: VecDeque<Call>,
}

/// A staff member's action: pushed, then their chat read until `done` (new work seen meanwhile
/// is kept for later).
async fn act(
    desk: &mut Desk,
    update: Value,
    what: &'static str,
    done: fn(&Call) -> bool,
) -> Option<Call> {
    let Desk {
        api,
        counters,
        rx,
        work,
    } = desk;
    let started = Instant::now();
    api.push(update);
    loop {
        match tokio::time::timeout(PATIENCE.saturating_sub(started.elapsed()), rx.recv()).await {
            Ok(Some(c)) if shown(&c) && done(&c) => {
                counters.latencies.lock().unwrap().push(started.elapsed());
                counters.answered.fetch_add(1, Ordering::Relaxed);
                return Some(c);
            }
            Ok(Some(c)) if is_work(&c) => work.push_back(c),
            Ok(Some(_)) => {}
            _ => {
                counters.lose(what);
                return None;
            }
        }
    }
}

/// A staff member's desk: every new request is opened and accepted, every relayed message
/// answered, until the soak has its updates and nothing is left to do.
async fn desk(api: FakeBotApi, staff: i64, target: usize, counters: Arc<Counters>) {
    let me = user(staff, "en");
    let mut d = Desk {
        rx: api.watch_chat(staff),
        api,
        counters,
        work: VecDeque::new(),
    };
    let mut n = 0u64;
    // The reference codes this desk was told of: a notice must come once.
    let mut known = std::collections::HashSet::new();
    loop {
        let item = match d.work.pop_front() {
            Some(c) => c,
            None => match tokio::time::timeout(Duration::from_secs(1), d.rx.recv()).await {
                Ok(Some(c)) if is_work(&c) => c,
                Ok(Some(_)) => continue,
                Ok(None) => return,
                Err(_) if d.counters.answered.load(Ordering::Relaxed) >= target => return,
                Err(_) => continue,
            },
        };
        if !says(&item, "SOAK-RELAY") {
            let text = item.params["text"].as_str().unwrap_or("");
            let code: String = text
                .split("R-")
                .nth(1)
                .unwrap_or("")
                .chars()
                .take(4)
                .collect();
            if !known.insert(code) {
                d.counters.notices_twice.fetch_add(1, Ordering::Relaxed);
            }
        }
        n += 1;
        let id = |k: &str| format!("{staff}-{n}-{k}");
        if says(&item, "SOAK-RELAY") {
            let Some(reply) = button(&item, "💬") else {
                continue;
            };
            let update = press(&me, &id("r"), &item.result, &reply);
            let prompt = act(&mut d, update, "reply prompt", |c| {
                says(c, "Type your message") || says(c, "Напишіть повідомлення")
            });
            if prompt.await.is_some() {
                n += 1;
                let update = text_update(&me, n as i64, TO_HER);
                act(&mut d, update, "answer sent", |c| {
                    says(c, "Sent to the requester") || says(c, "Надіслано людині")
                })
                .await;
            }
        } else {
            let Some(open) = button(&item, "Open").or_else(|| button(&item, "Відкрити"))
            else {
                continue;
            };
            let update = press(&me, &id("o"), &item.result, &open);
            let detail = act(&mut d, update, "request opened", |c| {
                button(c, "✅").is_some()
            });
            let Some(detail) = detail.await else { continue };
            let Some(accept) = button(&detail, "✅") else {
                continue;
            };
            let update = press(&me, &id("a"), &detail.result, &accept);
            let accepted = act(&mut d, update, "accepted", |c| {
                says(c, "You accepted") || says(c, "Ви прийняли")
            });
            if accepted.await.is_some() {
                d.counters.accepted.fetch_add(1, Ordering::Relaxed);
            }
        }
    }
}

/// One person at a seat until `target` updates were answered: searches only when `read_only`
/// (message ids from `first_message`), or the mix.
async fn person(
    api: FakeBotApi,
    seat: usize,
    target: usize,
    counters: Arc<Counters>,
    read_only: bool,
    first_message: i64,
    round: i64,
) {
    let mut rng =
        Lcg(1_000 + seat as u64 + if read_only { 500 } else { 0 } + round as u64 * 100_000);
    let searcher = 1_000 + seat as i64;
    let mut message_id = first_message;
    // Each seat's new people have their own range of ids; a later round, its own half of it.
    let mut fresh = 10_000_000 + seat as i64 * 1_000_000 + round * 500_000;
    let mut rx = api.watch_chat(searcher);
    let me = user(searcher, if seat.is_multiple_of(2) { "uk" } else { "en" });
    while counters.answered.load(Ordering::Relaxed) < target {
        let roll = if read_only { 0 } else { rng.next(20) };
        if roll < 15 {
            message_id += 1;
            let query = QUERIES[rng.next(QUERIES.len())];
            step(
                &api,
                &mut rx,
                &counters,
                text_update(&me, message_id, query),
                "search results",
            )
            .await;
        } else {
            fresh += 1;
            let new = user(fresh, "uk");
            let mut own = api.watch_chat(fresh);
            if roll < 19 {
                let request = text_update(&new, 1, "/request");
                step(&api, &mut own, &counters, request, "/request").await;
                let mut sent = true;
                for (k, data) in LEGAL_HELP_IN_DNIPRO.iter().enumerate() {
                    let update = press(&new, &format!("{fresh}-{k}"), &bot_message(fresh), data);
                    let next = step(&api, &mut own, &counters, update, "a request step");
                    sent &= next.await.is_some();
                }
                if sent {
                    carried_through(&api, &mut own, &counters, &new, fresh).await;
                }
            } else {
                let start = text_update(&new, 1, "/start");
                step(&api, &mut own, &counters, start, "/start").await;
            }
            api.unwatch_chat(fresh);
        }
    }
}

/// A person at every seat, each a task.
fn everyone(
    api: &FakeBotApi,
    people: usize,
    target: usize,
    counters: &Arc<Counters>,
    read_only: bool,
    first_message: i64,
    round: i64,
) -> Vec<tokio::task::JoinHandle<()>> {
    (0..people)
        .map(|seat| {
            let person = person(
                api.clone(),
                seat,
                target,
                counters.clone(),
                read_only,
                first_message,
                round,
            );
            tokio::spawn(person)
        })
        .collect()
}

/// Starts the built bot on `data` against the fake Bot API (`SOAK_WRAP=heaptrack` runs it
/// under a memory profiler; its figures then include the profiler's own).
fn spawn_bot(api: &FakeBotApi, data: &std::path::Path) -> std::process::Child {
    let mut bot = match std::env::var("SOAK_WRAP") {
        Ok(wrap) if !wrap.is_empty() => {
            let mut c = Command::new(wrap);
            c.arg(env!("CARGO_BIN_EXE_poruch"));
            c
        }
        _ => Command::new(env!("CARGO_BIN_EXE_poruch")),
    };
    bot.env("TELOXIDE_TOKEN", "123456:SOAK-TOKEN")
        .env("TELOXIDE_API_URL", &api.url)
        .env("PORUCH_DATA_DIR", data)
        // `SOAK_BOT_LOG=info` shows the bot's retries (kinds and ids only, like every log).
        .env(
            "PORUCH_LOG",
            std::env::var("SOAK_BOT_LOG").unwrap_or_else(|_| "warn".into()),
        )
        .env("PORUCH_RATE_LIMITS", "off")
        .stdout(Stdio::null())
        .stderr(Stdio::inherit())
        .spawn()
        .expect("the poruch binary starts")
}

/// Waits until the bot answers /start.
async fn wait_until_up(api: &FakeBotApi, counters: &Counters, message_id: i64) {
    let mut probe = api.watch_chat(1);
    while step(
        api,
        &mut probe,
        counters,
        text_update(&user(1, "en"), message_id, "/start"),
        "up",
    )
    .await
    .is_none()
    {}
    api.unwatch_chat(1);
    counters.answered.store(0, Ordering::Relaxed);
    counters.latencies.lock().unwrap().clear();
}

/// One sample of the curve: seconds, updates answered, resident MB, data directory MB.
type Sample = (f64, usize, u64, u64);

/// The mixed traffic (everyone plus the staff desks) until `target` updates were answered,
/// printing the curve every 5 seconds.
async fn mix(
    api: &FakeBotApi,
    bot: u32,
    data: &std::path::Path,
    (people, staff): (usize, &[i64]),
    target: usize,
    counters: &Arc<Counters>,
    round: i64,
) -> Vec<Sample> {
    let start = Instant::now();
    let written_before = writes(data).1;
    let mut tasks = everyone(
        api,
        people,
        target,
        counters,
        false,
        1_000_000 * (round + 1),
        round,
    );
    tasks.extend(
        staff
            .iter()
            .map(|&s| tokio::spawn(desk(api.clone(), s, target, counters.clone()))),
    );
    println!(
        "      s    updates   resident MB   of it huge pages MB   data dir MB   written KB/update"
    );
    let mut samples = Vec::new();
    while counters.answered.load(Ordering::Relaxed) < target {
        tokio::time::sleep(Duration::from_secs(5)).await;
        let n = counters.answered.load(Ordering::Relaxed);
        let rss = proc_field(bot, "status", "VmRSS:") / 1024;
        // Transparent huge pages count whole (2 MiB) however little of them is in use.
        let huge = proc_field(bot, "smaps_rollup", "AnonHugePages:") / 1024;
        let disk = dir_bytes(data) / 1_000_000;
        let written = writes(data).1.saturating_sub(written_before);
        println!(
            "{:7.0} {n:10} {rss:13} {huge:21} {disk:13} {:19.2}",
            start.elapsed().as_secs_f64(),
            written as f64 / 1024.0 / n.max(1) as f64
        );
        samples.push((start.elapsed().as_secs_f64(), n, rss, disk));
    }
    for t in tasks {
        let _ = t.await;
    }
    samples
}

/// The last quarter's mean resident memory, and the peak (MB).
fn plateau(samples: &[Sample]) -> (u64, u64) {
    let last: Vec<_> = samples.iter().skip(samples.len() * 3 / 4).collect();
    let plateau = last.iter().map(|s| s.2).sum::<u64>() / last.len().max(1) as u64;
    (plateau, samples.iter().map(|s| s.2).max().unwrap_or(0))
}

fn main() {
    let people = env_number("BENCH_USERS", 50);
    let target = env_number("BENCH_UPDATES", 1_000_000);
    let after_restore = env_number("BENCH_AFTER_RESTORE", 200_000);
    let dir = support::tempdir();
    let data = dir.path().join("store");
    // `SOAK_KEEP=1` keeps the stores and the backup for a look afterwards.
    if std::env::var("SOAK_KEEP").is_ok_and(|v| v == "1") {
        println!("keeping {}", dir.path().display());
    }
    let t = Instant::now();
    let live_requests = env_number("BENCH_LIVE_REQUESTS", LIVE_REQUESTS);
    let (orgs, staff) = fill(&data, live_requests);
    println!(
        "store: {orgs} organizations, {live_requests} live requests, {} staff members, filled in {:.0} s; {} MB on disk",
        staff.len(),
        t.elapsed().as_secs_f64(),
        dir_bytes(&data) / 1_000_000
    );
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .unwrap();
    runtime.block_on(async {
        let api = FakeBotApi::start().await;
        api.forget_calls();
        let mut bot = spawn_bot(&api, &data);
        let pid = bot.id();
        let counters = Arc::new(Counters {
            latencies: Mutex::new(Vec::with_capacity(target + 1_000)),
            ..Counters::default()
        });
        wait_until_up(&api, &counters, 1).await;
        // Read-only updates first: what a search costs in writes.
        let searches = env_number("BENCH_SEARCHES", 20_000);
        let (calls_before, bytes_before) = writes(&data);
        let tasks = everyone(&api, people, searches, &counters, true, 1, 0);
        for t in tasks {
            let _ = t.await;
        }
        let (calls, bytes) = writes(&data);
        let n = counters.answered.load(Ordering::Relaxed).max(1) as f64;
        println!(
            "{n} searches (read-only updates): the disk wrote {:.2} times and {:.0} bytes per update",
            (calls - calls_before) as f64 / n,
            (bytes - bytes_before) as f64 / n
        );
        counters.answered.store(0, Ordering::Relaxed);
        counters.latencies.lock().unwrap().clear();
        let start = Instant::now();
        let (calls_before, written_before) = writes(&data);
        let samples = mix(&api, pid, &data, (people, &staff), target, &counters, 0).await;
        let elapsed = start.elapsed();
        let n = counters.answered.load(Ordering::Relaxed);
        let (calls, written) = writes(&data);
        let (calls, written) = (calls - calls_before, written - written_before);
        let (plateau_mb, peak) = plateau(&samples);
        let mut latencies = std::mem::take(&mut *counters.latencies.lock().unwrap());
        latencies.sort();
        let at = |q: f64| {
            latencies
                .get(((latencies.len() as f64 - 1.0) * q).round() as usize)
                .map_or(0.0, |d| d.as_secs_f64() * 1000.0)
        };
        println!(
            "{n} updates in {:.0} s ({:.0}/s); lost {}; latency ms p50 {:.1}, p99 {:.1}, p99.99 {:.0}, slowest {:.0}",
            elapsed.as_secs_f64(),
            n as f64 / elapsed.as_secs_f64(),
            counters.lost.load(Ordering::Relaxed),
            at(0.5),
            at(0.99),
            at(0.9999),
            latencies.last().map_or(0.0, |d| d.as_secs_f64() * 1000.0)
        );
        println!(
            "waited for in vain: {:?}; calls the fake Bot API refused: {}; notices of a new request that came twice: {}",
            counters.lost_at.lock().unwrap(),
            api.refusals().len(),
            counters.notices_twice.load(Ordering::Relaxed)
        );
        println!(
            "help requests accepted by their organization's staff: {}; answers relayed back and read: {}",
            counters.accepted.load(Ordering::Relaxed),
            counters.answers_read.load(Ordering::Relaxed)
        );
        println!(
            "resident memory: plateau (last quarter's mean) {plateau_mb} MB, peak {peak} MB; the disk wrote {:.2} times and {:.2} KB per update",
            calls as f64 / n.max(1) as f64,
            written as f64 / 1024.0 / n.max(1) as f64
        );
        let backup = dir.path().join("fresh.pbk");
        let peak_before = proc_field(pid, "status", "VmHWM:") / 1024;
        let out = Command::new(env!("CARGO_BIN_EXE_poruch"))
            .args(["backup", backup.to_str().unwrap()])
            .env("PORUCH_DATA_DIR", &data)
            .env_remove("TELOXIDE_TOKEN")
            .output()
            .expect("poruch backup runs");
        let backup_bytes = std::fs::metadata(&backup).map(|m| m.len()).unwrap_or(0);
        let disk = dir_bytes(&data);
        println!(
            "data directory {} MB, a fresh backup of its live data {} MB: {:.1}× ({})",
            disk / 1_000_000,
            backup_bytes / 1_000_000,
            disk as f64 / backup_bytes.max(1) as f64,
            if out.status.success() { "backup ok" } else { "backup failed" }
        );
        if out.status.success() {
            let bytes = std::fs::read(&backup).unwrap();
            let contents = poruch::storage::backup::read(&backup, &bytes).unwrap();
            let shown: Vec<String> = contents
                .sizes()
                .iter()
                .take(8)
                .map(|t| format!("{} {} records {} MB", t.name, t.records, t.bytes / 1_000_000))
                .collect();
            println!("the live data by tree, largest first: {}", shown.join("; "));
        }
        // The backup was taken by the running bot (over its control socket): its peak.
        println!(
            "the bot's peak resident memory: {peak_before} MB before the backup, {} MB after it",
            proc_field(pid, "status", "VmHWM:") / 1024
        );
        let _ = bot.kill();
        let _ = bot.wait();
        // The maintenance step: the backup restored into an empty directory holds only the
        // live records (sled's garbage stays behind).
        let compact = dir.path().join("compact");
        std::fs::create_dir(&compact).unwrap();
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            std::fs::set_permissions(&compact, std::fs::Permissions::from_mode(0o700)).unwrap();
        }
        std::fs::copy(data.join("poruch.key"), compact.join("poruch.key")).unwrap();
        let t = Instant::now();
        let out = Command::new(env!("CARGO_BIN_EXE_poruch"))
            .args(["restore", backup.to_str().unwrap()])
            .env("PORUCH_DATA_DIR", &compact)
            .env_remove("TELOXIDE_TOKEN")
            .output()
            .expect("poruch restore runs");
        println!(
            "restored into an empty directory in {:.0} s: {} MB ({})",
            t.elapsed().as_secs_f64(),
            dir_bytes(&compact) / 1_000_000,
            if out.status.success() { "restore ok" } else { "restore failed" }
        );
        // What memory follows: the same mix on the restored store, by a fresh process. If the
        // rise above came from the process's age (a leak, the allocator's fragments), this
        // starts low again; if from the live data the run left behind, it starts near there.
        if after_restore > 0 && out.status.success() {
            let mut bot = spawn_bot(&api, &compact);
            let counters = Arc::new(Counters {
                latencies: Mutex::new(Vec::with_capacity(after_restore + 1_000)),
                ..Counters::default()
            });
            wait_until_up(&api, &counters, 2).await;
            println!("the same mix by a fresh process on the restored store:");
            let samples =
                mix(&api, bot.id(), &compact, (people, &staff), after_restore, &counters, 1).await;
            let (plateau_mb, peak) = plateau(&samples);
            println!(
                "after the restore, {} updates: lost {}; resident memory plateau {plateau_mb} MB, peak {peak} MB",
                counters.answered.load(Ordering::Relaxed),
                counters.lost.load(Ordering::Relaxed)
            );
            let _ = bot.kill();
            let _ = bot.wait();
        }
    });
    if std::env::var("SOAK_KEEP").is_ok_and(|v| v == "1") {
        let _ = dir.keep();
    }
}
