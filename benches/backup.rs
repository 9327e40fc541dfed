//! Backup benchmark: a store with a generated 10,000-organization directory and 100,000 help
//! requests (each with its referral, sealed description and contact), then `Store::backup`:
//! how long writes are held (the copy of every tree), the whole backup, the file's size, and
//! a restore into an empty directory. Run with `cargo bench --bench backup`.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::time::{Duration, Instant};

use poruch::domain::{ReferralStatus, Timestamp};
use poruch::storage::{Store, StoreLocation, backup};

#[path = "support/generated.rs"]
mod generated;
use generated::{Lcg, directory};

const REQUESTS: usize = 100_000;
const ROUNDS: usize = 5;

fn main() {
    let dir = tempfile::Builder::new().tempdir().unwrap();
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        std::fs::set_permissions(dir.path(), std::fs::Permissions::from_mode(0o700)).unwrap();
    }
    let data = dir.path().join("store");
    let store = Store::open(&data).unwrap();
    let mut rng = Lcg(7);
    let orgs = directory(&mut rng);
    store.replace_directory(&orgs, "2026-12-01").unwrap();
    let started = Instant::now();
    for i in 0..REQUESTS {
        submit(&store, &orgs, &mut rng, i);
    }
    store.flush_blocking().unwrap();
    println!(
        "store: {} organizations, {REQUESTS} requests, filled in {:.1} s",
        orgs.len(),
        started.elapsed().as_secs_f64()
    );
    let ms = |d: Duration| d.as_secs_f64() * 1000.0;
    for busy in [false, true] {
        // Busy: another thread writes requests as fast as it can during every backup.
        let stop = std::sync::Arc::new(std::sync::atomic::AtomicBool::new(false));
        let writer = busy.then(|| {
            let (store, orgs, stop) = (store.clone(), orgs.clone(), stop.clone());
            std::thread::spawn(move || {
                let mut rng = Lcg(11);
                let mut i = REQUESTS;
                while !stop.load(std::sync::atomic::Ordering::Relaxed) {
                    submit(&store, &orgs, &mut rng, i);
                    i += 1;
                }
                i - REQUESTS
            })
        });
        let mut held = Vec::new();
        let mut whole = Vec::new();
        let mut size = 0;
        for _ in 0..ROUNDS {
            let t = Instant::now();
            let b = store
                .backup(Timestamp::from_millis(1_800_000_000_000))
                .unwrap();
            whole.push(t.elapsed());
            held.push(b.writes_held);
            size = b.bytes.len();
        }
        stop.store(true, std::sync::atomic::Ordering::Relaxed);
        let written = writer.map(|w| w.join().unwrap()).unwrap_or(0);
        held.sort();
        whole.sort();
        println!(
            "backup ({}): {:.1} MB; writes held: median {:.1} ms, max {:.1} ms; whole backup: median {:.0} ms",
            if busy {
                format!("{written} requests written meanwhile")
            } else {
                "idle".into()
            },
            size as f64 / 1e6,
            ms(held[ROUNDS / 2]),
            ms(held[ROUNDS - 1]),
            ms(whole[ROUNDS / 2]),
        );
    }
    let b = store
        .backup(Timestamp::from_millis(1_800_000_000_000))
        .unwrap();
    let key = data.join("poruch.key");
    drop(store);
    let target = dir.path().join("restored");
    std::fs::create_dir(&target).unwrap();
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        std::fs::set_permissions(&target, std::fs::Permissions::from_mode(0o700)).unwrap();
    }
    std::fs::copy(&key, target.join("poruch.key")).unwrap();
    let at = StoreLocation::new(target.clone(), None);
    let t = Instant::now();
    backup::restore(&at, std::path::Path::new("bench.pbk"), &b.bytes).unwrap();
    println!(
        "restore of {} records into an empty directory: {:.0} ms",
        b.header.records,
        ms(t.elapsed())
    );
}

fn submit(store: &Store, orgs: &[poruch::domain::Organization], rng: &mut Lcg, i: usize) {
    let org = &orgs[rng.next(orgs.len())];
    let at = Timestamp::from_millis(1_764_000_000_000 + i as i64 * 1_000);
    let (code, request, referral) = generated::request(org, i, at, ReferralStatus::Pending);
    store
        .submit_request(&code, &request, Some(&referral), &[], at, None)
        .unwrap();
}
