//! Search quality: the queries of `tests/search_quality/queries.toml` (Ukrainian, English,
//! Russian, surzhyk; typos; with and without a place — written before the search was tuned
//! on them) run through the bot's free-text path (`parse_query`, then `search_text`) against
//! the shipped directory and a generated 10,000-organization one. Relevant: visible, has one
//! of the query's topics, and serves its region (or all of Ukraine). Prints hit@1, hit@3 and
//! precision@3 (relevant among the first three, over min(3, relevant ones)), and every query
//! whose first result is not relevant; fails below hit@1 0.9 on either directory. Run with
//! `cargo test --test search_quality -- --nocapture` to see the figures.
#![allow(clippy::unwrap_used, clippy::expect_used)] // a test may stop at what it did not expect

use chrono::NaiveDate;
use poruch::datafile;
use poruch::domain::{Organization, SearchIndex};
use serde::Deserialize;

#[path = "../benches/support/generated.rs"]
mod generated;
use generated::{Lcg, directory};

#[derive(Deserialize)]
struct File {
    query: Vec<Query>,
}

#[derive(Deserialize)]
struct Query {
    text: String,
    topics: Vec<String>,
    region: Option<String>,
}

fn relevant(org: &Organization, q: &Query, today: NaiveDate) -> bool {
    org.is_visible(today)
        && q.topics.iter().any(|t| org.has_topic(t))
        && q.region.as_deref().is_none_or(|r| org.regions.serves(r))
}

/// hit@1, hit@3, precision@3 over the queries that have a relevant organization.
fn measure(
    name: &str,
    index: &SearchIndex,
    queries: &[Query],
    today: NaiveDate,
) -> (f64, f64, f64) {
    let (mut asked, mut hit1, mut hit3, mut precision) = (0usize, 0usize, 0usize, 0f64);
    let mut misses = Vec::new();
    for q in queries {
        let wanted = index
            .organizations()
            .iter()
            .filter(|o| relevant(o, q, today))
            .count();
        if wanted == 0 {
            continue;
        }
        asked += 1;
        let parsed = index.parse_query(&q.text);
        let found = index.search_text(&parsed, today);
        let top: Vec<bool> = found
            .iter()
            .take(3)
            .map(|o| relevant(o, q, today))
            .collect();
        if top.first() == Some(&true) {
            hit1 += 1;
        } else {
            misses.push(format!(
                "{:?} → topics {:?}, region {:?}, {} found",
                q.text,
                parsed.topics,
                parsed.region,
                found.len()
            ));
        }
        if top.contains(&true) {
            hit3 += 1;
        }
        precision += top.iter().filter(|r| **r).count() as f64 / wanted.min(3) as f64;
    }
    let n = asked.max(1) as f64;
    println!(
        "{name}: {asked} queries with a relevant organization; hit@1 {:.2}, hit@3 {:.2}, precision@3 {:.2}",
        hit1 as f64 / n,
        hit3 as f64 / n,
        precision / n
    );
    for miss in misses {
        println!("  miss: {miss}");
    }
    (hit1 as f64 / n, hit3 as f64 / n, precision / n)
}

/// The figures of one query file on the shipped directory and a generated one.
fn figures(file: &str) -> [(f64, f64, f64); 2] {
    let today = NaiveDate::from_ymd_opt(2026, 12, 1).unwrap();
    let text = std::fs::read_to_string(format!(
        "{}/tests/search_quality/{file}",
        env!("CARGO_MANIFEST_DIR")
    ))
    .unwrap();
    let queries: File = toml::from_str(&text).unwrap();
    let taxonomy = datafile::taxonomy().unwrap();
    let shipped = std::fs::read_to_string(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/data/organizations.toml"
    ))
    .unwrap();
    let (orgs, _) = datafile::parse_organizations(&shipped, "organizations.toml", &taxonomy, today);
    let index = SearchIndex::new(taxonomy.clone(), orgs.unwrap());
    println!("{file}: {} queries", queries.query.len());
    let shipped = measure("shipped directory", &index, &queries.query, today);
    let generated = SearchIndex::new(taxonomy, directory(&mut Lcg(7)));
    let generated = measure("generated 10,000", &generated, &queries.query, today);
    [shipped, generated]
}

#[test]
fn free_text_search_finds_the_right_help_for_how_people_write() {
    let file = include_str!("search_quality/queries.toml");
    assert!(file.matches("[[query]]").count() >= 80);
    for (hit1, _, _) in figures("queries.toml") {
        assert!(hit1 >= 0.9, "hit@1 {hit1:.2} is below 0.9");
    }
}

/// Queries the search was never tuned on (see the file's header): the tuning carries over.
#[test]
fn held_out_queries_find_the_right_help_too() {
    for (hit1, _, _) in figures("held_out.toml") {
        assert!(hit1 >= 0.8, "held-out hit@1 {hit1:.2} is below 0.8");
    }
}
