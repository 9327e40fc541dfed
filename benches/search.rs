//! Search benchmark: a generated 10,000-organization directory; measures start-up (loading
//! the store and building the index), topic+region search and free-text search, and prints
//! p50/p99 per query. Run with `cargo bench --bench search`.
#![allow(clippy::unwrap_used, clippy::expect_used)] // a test may stop at what it did not expect

use std::time::{Duration, Instant};

use chrono::NaiveDate;
use poruch::domain::RegionChoice;
use poruch::storage::Store;

#[path = "support/generated.rs"]
mod generated;
use generated::{Lcg, ORGS, directory};
use poruch::{datafile, startup};

const QUERIES: usize = 20_000;

fn percentiles(mut samples: Vec<Duration>) -> (Duration, Duration, Duration) {
    samples.sort();
    let at = |q: f64| samples[((samples.len() as f64 * q) as usize).min(samples.len() - 1)];
    (at(0.50), at(0.99), samples[samples.len() - 1])
}

fn report(name: &str, samples: Vec<Duration>, hits: usize) {
    let n = samples.len();
    let (p50, p99, max) = percentiles(samples);
    println!(
        "{name:<28} {n:>6} queries  p50 {:>7.1} µs  p99 {:>7.1} µs  max {:>8.1} µs  ({:.0} results/query)",
        p50.as_secs_f64() * 1e6,
        p99.as_secs_f64() * 1e6,
        max.as_secs_f64() * 1e6,
        hits as f64 / n as f64
    );
}

fn main() {
    let today = NaiveDate::from_ymd_opt(2026, 11, 22).expect("date");
    let mut rng = Lcg(1325);
    let orgs = directory(&mut rng);
    // A data directory must be private to its user (the store refuses one others can read).
    poruch::storage::private_files();
    let dir = tempfile::tempdir().expect("temp dir");

    // First start: validate-free import of the generated directory into a fresh store.
    let text = datafile::export_organizations(&orgs).expect("export");
    let taxonomy = startup::taxonomy().expect("taxonomy");
    let started = Instant::now();
    let (parsed, report_) = datafile::parse_organizations(&text, "bench.toml", &taxonomy, today);
    let parsed = parsed.unwrap_or_else(|| panic!("{:?}", report_.problems.first()));
    let parse_time = started.elapsed();
    {
        let store = Store::open(dir.path()).expect("store");
        let started = Instant::now();
        store
            .replace_directory(&parsed, "2026-11-22")
            .expect("import");
        println!(
            "first start: parse+validate {ORGS} organizations {:.0} ms, store them (one transaction, flushed) {:.0} ms",
            parse_time.as_secs_f64() * 1e3,
            started.elapsed().as_secs_f64() * 1e3
        );
    }

    // Every later start: open the store, read the directory, build the index.
    let started = Instant::now();
    let store = Store::open(dir.path()).expect("store");
    let index = startup::load_index(&store, taxonomy.clone(), today).expect("index");
    let startup_time = started.elapsed();
    assert_eq!(index.len(), ORGS);
    println!(
        "start-up with {ORGS} organizations: {:.0} ms (open store + load + index)",
        startup_time.as_secs_f64() * 1e3
    );

    let mut samples = Vec::with_capacity(QUERIES);
    let mut hits = 0;
    for i in 0..QUERIES {
        let topic = &taxonomy.topics[rng.next(taxonomy.topics.len())].code;
        let region = if i % 10 == 0 {
            RegionChoice::Nationwide
        } else {
            RegionChoice::Region(taxonomy.regions[rng.next(27)].code.clone())
        };
        let t = Instant::now();
        let found = index.by_topic_and_region(topic, &region, today);
        samples.push(t.elapsed());
        hits += found.len();
    }
    report("topic + region", samples, hits);

    let queries = [
        "домашнього насильства у Дніпрі",
        "юрист Львів",
        "психолог для ветеранів у Києві",
        "сексуальні домагання на службі",
        "lawyer in Kyiv",
        "psychological support Kharkiv",
        "Надія",
        "тренінг з гендерної рівності Одеса",
        "торгівля людьми",
        "mental health veterans",
    ];
    let mut samples = Vec::with_capacity(QUERIES);
    let mut hits = 0;
    for i in 0..QUERIES {
        let text = queries[i % queries.len()];
        let t = Instant::now();
        let query = index.parse_query(text);
        let found = index.search_text(&query, today);
        samples.push(t.elapsed());
        hits += found.len();
    }
    report("free text (parse + search)", samples, hits);

    // An expert request: read the typed dates, then every organization that may offer.
    use poruch::domain::expert::{ExpertAudience, ExpertNeed, Format, NeedKind, may_offer};
    let typed = [
        "12.03–15.03",
        "у березні",
        "березень–квітень",
        "March",
        "28.12–05.01.2027",
    ];
    let mut samples = Vec::with_capacity(QUERIES / 10);
    let mut hits = 0;
    for i in 0..QUERIES / 10 {
        let t = Instant::now();
        let when = poruch::domain::when::parse(typed[i % typed.len()], today).expect("dates");
        let need = ExpertNeed {
            kind: NeedKind::ALL[i % NeedKind::ALL.len()],
            topic: index.taxonomy().topics[i % index.taxonomy().topics.len()]
                .code
                .clone(),
            audience: ExpertAudience::Cadets,
            size: 40,
            format: if i % 3 == 0 {
                Format::Online
            } else {
                Format::InPerson {
                    region: index.taxonomy().regions[i % 27].code.clone(),
                }
            },
            when,
        };
        let eligible = index
            .organizations()
            .iter()
            .filter(|o| may_offer(o, &need, false, today))
            .count();
        samples.push(t.elapsed());
        hits += eligible;
    }
    report("expert request: dates + who may offer", samples, hits);
    if std::env::var_os("BENCH_PER_QUERY").is_some() {
        for (q, text) in queries.iter().enumerate() {
            let mut samples = Vec::new();
            let mut hits = 0;
            for _ in 0..2000 {
                let t = Instant::now();
                let found = index.search_text(&index.parse_query(text), today);
                samples.push(t.elapsed());
                hits += found.len();
            }
            report(&format!("  q{q}"), samples, hits);
        }
    }
}
