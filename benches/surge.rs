//! A surge under Telegram's limits: `BENCH_USERS` people (default 200) open the bot at the
//! same moment and each searches at once, while a help request's notice goes to an
//! organization — the built `poruch` binary with its default pacing against the fake Bot API
//! enforcing Telegram's limits (30 messages a second overall, a private chat's burst of 3 and
//! then one a second, 429 with `retry_after` beyond them). Unlike `flow`, which lifts the
//! limits to measure Poruch's own cost, this measures what people wait for.
//!
//! Reported per run: time until the last person had their results, against the floor
//! (messages ÷ 30 a second); p50 and p99 of a person's wait for their results; people left
//! without results; messages answered 429. Run:
//!
//!     cargo bench --bench surge
//!
//! `BENCH_USERS` and `BENCH_RUNS` (default 3) change the load.
#![allow(clippy::unwrap_used, clippy::expect_used)] // a bench may stop at what it did not expect

#[path = "../tests/support/mod.rs"]
mod support;

use std::time::Duration;

use support::fake_bot_api::FakeBotApi;
use support::surge::{prepare, surge};

fn env_number(name: &str, default: usize) -> usize {
    std::env::var(name)
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(default)
}

fn percentile(sorted: &[Duration], p: f64) -> Duration {
    if sorted.is_empty() {
        return Duration::ZERO;
    }
    let rank = ((p / 100.0) * (sorted.len() - 1) as f64).round() as usize;
    sorted[rank.min(sorted.len() - 1)]
}

fn main() {
    let people = env_number("BENCH_USERS", 200);
    let runs = env_number("BENCH_RUNS", 3);
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .expect("a runtime");
    println!(
        "surge: {people} people at once, /start and a search each, Telegram's limits enforced"
    );
    for run in 1..=runs {
        let result = runtime.block_on(async {
            let api = FakeBotApi::start().await;
            let dir = support::tempdir();
            let bot = prepare(&api, dir.path()).await;
            let result = surge(&api, people, Duration::from_secs(300)).await;
            drop(bot);
            result
        });
        let mut waits: Vec<Duration> = result
            .people
            .iter()
            .filter_map(|p| p.answered_after)
            .collect();
        waits.sort();
        let lost = result.people.len() - waits.len();
        let floor = result.messages as f64 / 30.0;
        println!(
            "run {run}: last results after {:.1} s (floor {floor:.1} s for {} messages at 30/s); \
             per person p50 {:.1} s, p99 {:.1} s; without results {lost}; answered 429: {}; \
             notice delivered: {}",
            result.elapsed.as_secs_f64(),
            result.messages,
            percentile(&waits, 50.0).as_secs_f64(),
            percentile(&waits, 99.0).as_secs_f64(),
            result.rate_limited,
            result.notice_delivered,
        );
    }
}
