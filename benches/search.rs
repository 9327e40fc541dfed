//! Search benchmark: a generated 10,000-organization directory; measures start-up (loading
//! the store and building the index), topic+region search and free-text search, and prints
//! p50/p99 per query. Run with `cargo bench --bench search`.
#![allow(clippy::unwrap_used, clippy::expect_used)] // a test may stop at what it did not expect

use std::time::{Duration, Instant};

use chrono::NaiveDate;
use poruch::domain::{
    Audience, Contacts, Localized, Organization, RegionChoice, RegionScope, Service, Vetting,
    VettingStatus,
};
use poruch::storage::Store;
use poruch::{datafile, startup};

const ORGS: usize = 10_000;
const QUERIES: usize = 20_000;

/// A tiny deterministic generator, so every run measures the same directory.
struct Lcg(u64);

impl Lcg {
    fn next(&mut self, n: usize) -> usize {
        self.0 = self
            .0
            .wrapping_mul(6364136223846793005)
            .wrapping_add(1442695040888963407);
        ((self.0 >> 33) as usize) % n
    }
}

const WORDS_UK: &[&str] = &[
    "Рівність",
    "Надія",
    "Сила",
    "Поруч",
    "Захист",
    "Довіра",
    "Світанок",
    "Турбота",
    "Право",
    "Гідність",
    "Відновлення",
    "Підтримка",
    "Голос",
    "Крок",
    "Опора",
];
const WORDS_EN: &[&str] = &[
    "Equality",
    "Hope",
    "Strength",
    "Alongside",
    "Shield",
    "Trust",
    "Dawn",
    "Care",
    "Law",
    "Dignity",
    "Recovery",
    "Support",
    "Voice",
    "Step",
    "Pillar",
];

fn directory(rng: &mut Lcg) -> Vec<Organization> {
    let taxonomy = startup::taxonomy().expect("taxonomy");
    let day = |s| NaiveDate::parse_from_str(s, "%Y-%m-%d").expect("date");
    (0..ORGS)
        .map(|i| {
            let topics: Vec<String> = (0..1 + rng.next(3))
                .map(|_| taxonomy.topics[rng.next(taxonomy.topics.len())].code.clone())
                .collect();
            let regions = if rng.next(10) == 0 {
                RegionScope::National
            } else {
                RegionScope::Regions(
                    (0..1 + rng.next(2)).map(|_| taxonomy.regions[rng.next(27)].code.clone()).collect(),
                )
            };
            let w = rng.next(WORDS_UK.len());
            let v = rng.next(WORDS_UK.len());
            Organization {
                id: format!("org-{i:05}"),
                demo: true,
                name: Localized::new(format!("{} {} {i}", WORDS_UK[w], WORDS_UK[v]), format!("{} {} {i}", WORDS_EN[w], WORDS_EN[v])),
                description: Localized::new(
                    "Консультації юристок і психологинь для військовослужбовиць, які зазнали домагань або насильства.",
                    "Lawyers and psychologists for servicewomen who faced harassment or violence.",
                ),
                topics,
                services: vec![Service::ALL[rng.next(Service::ALL.len())], Service::Consultation],
                audiences: vec![Audience::ServiceMembers],
                regions,
                languages: vec!["uk".into()],
                contacts: Contacts { email: Some(format!("org-{i}@example.org")), ..Contacts::default() },
                hours: None,
                women_led: rng.next(2) == 0,
                accepts_referrals: true,
                response_hours: 24,
                works_online: false,
                vetting: Vetting {
                    vetted_by: "Bench".into(),
                    vetted_on: day("2026-01-01"),
                    expires_on: day("2027-12-31"),
                    status: VettingStatus::Active,
                },
            }
        })
        .collect()
}

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
