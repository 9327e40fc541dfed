//! A soak: the built `poruch` binary on a store with a generated 10,000-organization directory
//! and 100,000 live (accepted) help requests, driven through the fake Bot API with Telegram's
//! limits lifted by `BENCH_USERS` people at once (default 50) until `BENCH_UPDATES` updates
//! (default 1,000,000) were answered: three in four are free-text searches, one in five a help
//! request written step by step by a new person (/request and six presses, Send included),
//! the rest /start by a new person. Every 5 seconds it samples the bot's resident memory, the
//! data directory's size and what the disk wrote; before that, it measures what a read-only
//! update (a search) costs in disk writes (`BENCH_SEARCHES`, default 20,000). It prints the
//! curve; at the end, the plateau, the latencies (p50, p99, p99.99, slowest) and the data
//! directory against a fresh backup of the same live data. Run:
//!
//!     cargo bench --bench soak
#![allow(clippy::unwrap_used, clippy::expect_used)] // a bench may stop at what it did not expect

#[path = "../tests/support/mod.rs"]
mod support;

#[path = "support/generated.rs"]
mod generated;

use std::process::{Command, Stdio};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use generated::{Lcg, directory};
use poruch::domain::{ReferralStatus, Timestamp};
use poruch::storage::Store;
use serde_json::Value;
use support::LEGAL_HELP_IN_DNIPRO;
use support::fake_bot_api::{Call, FakeBotApi, bot_message, press, text_update, user};
use tokio::sync::mpsc::UnboundedReceiver;

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

/// A store with the generated directory and live requests, as an instance would hold after
/// weeks of use.
fn fill(data: &std::path::Path) -> usize {
    let store = Store::open(data).unwrap();
    let mut rng = Lcg(7);
    let orgs = directory(&mut rng);
    store.replace_directory(&orgs, "2026-12-01").unwrap();
    let now = chrono::Utc::now().timestamp_millis();
    for i in 0..LIVE_REQUESTS {
        let org = &orgs[rng.next(orgs.len())];
        // Within the last 20 days: retention keeps them, no timer is due.
        let at = Timestamp::from_millis(now - (i as i64 % 1_728_000) * 1_000);
        let (code, request, referral) = generated::request(org, i, at, ReferralStatus::Accepted);
        store
            .submit_request(&code, &request, Some(&referral), &[], at, None)
            .unwrap();
    }
    store.flush_blocking().unwrap();
    orgs.len()
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

struct Counters {
    answered: AtomicUsize,
    lost: AtomicUsize,
    latencies: Mutex<Vec<Duration>>,
}

/// Pushes an update and waits for the bot's next message or edit in that chat.
async fn step(
    api: &FakeBotApi,
    rx: &mut UnboundedReceiver<Call>,
    counters: &Counters,
    update: Value,
) -> bool {
    while rx.try_recv().is_ok() {}
    let started = Instant::now();
    api.push(update);
    let deadline = Duration::from_secs(30);
    loop {
        match tokio::time::timeout(deadline.saturating_sub(started.elapsed()), rx.recv()).await {
            Ok(Some(c)) if c.method == "sendMessage" || c.method == "editMessageText" => {
                counters.latencies.lock().unwrap().push(started.elapsed());
                counters.answered.fetch_add(1, Ordering::Relaxed);
                return true;
            }
            Ok(Some(_)) => {}
            _ => {
                counters.lost.fetch_add(1, Ordering::Relaxed);
                return false;
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
) {
    let mut rng = Lcg(1_000 + seat as u64 + if read_only { 500 } else { 0 });
    let searcher = 1_000 + seat as i64;
    let mut message_id = first_message;
    let mut fresh = 10_000_000 + seat as i64 * 1_000_000;
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
            )
            .await;
        } else {
            fresh += 1;
            let new = user(fresh, "uk");
            let mut own = api.watch_chat(fresh);
            if roll < 19 {
                step(&api, &mut own, &counters, text_update(&new, 1, "/request")).await;
                for (k, data) in LEGAL_HELP_IN_DNIPRO.iter().enumerate() {
                    let update = press(&new, &format!("{fresh}-{k}"), &bot_message(fresh), data);
                    step(&api, &mut own, &counters, update).await;
                }
            } else {
                step(&api, &mut own, &counters, text_update(&new, 1, "/start")).await;
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
            );
            tokio::spawn(person)
        })
        .collect()
}

fn main() {
    let people = env_number("BENCH_USERS", 50);
    let target = env_number("BENCH_UPDATES", 1_000_000);
    let dir = support::tempdir();
    let data = dir.path().join("store");
    let t = Instant::now();
    let orgs = fill(&data);
    println!(
        "store: {orgs} organizations, {LIVE_REQUESTS} live requests, filled in {:.0} s; {} MB on disk",
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
        // `SOAK_WRAP=heaptrack` runs the bot under a memory profiler (its figures then include
        // the profiler's own).
        let mut bot = match std::env::var("SOAK_WRAP") {
            Ok(wrap) if !wrap.is_empty() => {
                let mut c = Command::new(wrap);
                c.arg(env!("CARGO_BIN_EXE_poruch"));
                c
            }
            _ => Command::new(env!("CARGO_BIN_EXE_poruch")),
        };
        let mut bot = bot
            .env("TELOXIDE_TOKEN", "123456:SOAK-TOKEN")
            .env("TELOXIDE_API_URL", &api.url)
            .env("PORUCH_DATA_DIR", &data)
            .env("PORUCH_LOG", "warn")
            .env("PORUCH_RATE_LIMITS", "off")
            .stdout(Stdio::null())
            .stderr(Stdio::inherit())
            .spawn()
            .expect("the poruch binary starts");
        let pid = bot.id();
        let mut probe = api.watch_chat(1);
        let counters = Arc::new(Counters {
            answered: AtomicUsize::new(0),
            lost: AtomicUsize::new(0),
            latencies: Mutex::new(Vec::with_capacity(target + 1_000)),
        });
        // Started: /start answered.
        while !step(&api, &mut probe, &counters, text_update(&user(1, "en"), 1, "/start")).await {}
        api.unwatch_chat(1);
        // Read-only updates first: what a search costs in writes.
        let searches = env_number("BENCH_SEARCHES", 20_000);
        counters.answered.store(0, Ordering::Relaxed);
        let (calls_before, bytes_before) = writes(&data);
        let tasks = everyone(&api, people, searches, &counters, true, 1);
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
        let tasks = everyone(&api, people, target, &counters, false, 1_000_000);
        println!("      s    updates   resident MB   data dir MB   written KB/update");
        let mut samples: Vec<(f64, usize, u64, u64)> = Vec::new();
        while counters.answered.load(Ordering::Relaxed) < target {
            tokio::time::sleep(Duration::from_secs(5)).await;
            let n = counters.answered.load(Ordering::Relaxed);
            let rss = proc_field(pid, "status", "VmRSS:") / 1024;
            let disk = dir_bytes(&data) / 1_000_000;
            let written = writes(&data).1.saturating_sub(written_before);
            println!(
                "{:7.0} {n:10} {rss:13} {disk:13} {:19.2}",
                start.elapsed().as_secs_f64(),
                written as f64 / 1024.0 / n.max(1) as f64
            );
            samples.push((start.elapsed().as_secs_f64(), n, rss, disk));
        }
        for t in tasks {
            let _ = t.await;
        }
        let elapsed = start.elapsed();
        let n = counters.answered.load(Ordering::Relaxed);
        let (calls, written) = writes(&data);
        let (calls, written) = (calls - calls_before, written - written_before);
        let last: Vec<_> = samples.iter().skip(samples.len() * 3 / 4).collect();
        let plateau = last.iter().map(|s| s.2).sum::<u64>() / last.len().max(1) as u64;
        let peak = samples.iter().map(|s| s.2).max().unwrap_or(0);
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
            "resident memory: plateau (last quarter's mean) {plateau} MB, peak {peak} MB; the disk wrote {:.2} times and {:.2} KB per update",
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
    });
}
