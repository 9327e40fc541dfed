//! Dashboard benchmark: a generated 10,000-organization directory behind the real router,
//! called in process (tower's oneshot; no network, no browser), with signed initData as the
//! page sends it. Prints p50/p99/max per API call and the sum of the calls a page load makes
//! (the page, its script and styles, the texts, who-am-I, the proposals and the first page of
//! the directory, in order). Run with `cargo bench --bench dashboard`.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::collections::HashSet;
use std::sync::Arc;
use std::time::{Duration, Instant};

use axum::body::Body;
use axum::http::Request;
use chrono::NaiveDate;
use poruch::app::{App, Clock, Config};
use poruch::i18n::I18n;
use poruch::storage::Store;
use poruch::web::auth::Secret;
use poruch::web::{WebState, router};
use poruch::{datafile, startup};
use serde_json::{Value, json};
use tower::ServiceExt;

#[path = "support/generated.rs"]
mod generated;
use generated::{Lcg, ORGS, directory};

const COORDINATOR: i64 = 42;
const TOKEN: &str = "123456:BENCH";
const ROUNDS: usize = 300;

struct Bench {
    router: axum::Router,
    auth: String,
}

impl Bench {
    async fn call(&self, method: &str, path: &str, body: Option<&Value>) -> (u16, Vec<u8>) {
        let req = Request::builder()
            .method(method)
            .uri(path)
            .header("authorization", &self.auth);
        let req = match body {
            Some(b) => req
                .header("content-type", "application/json")
                .body(Body::from(b.to_string())),
            None => req.body(Body::empty()),
        }
        .unwrap();
        let res = self.router.clone().oneshot(req).await.unwrap();
        let status = res.status().as_u16();
        let bytes = axum::body::to_bytes(res.into_body(), 64 << 20)
            .await
            .unwrap();
        (status, bytes.to_vec())
    }

    async fn timed(&self, method: &str, path: &str, body: Option<&Value>) -> Duration {
        let t = Instant::now();
        let (status, bytes) = self.call(method, path, body).await;
        let took = t.elapsed();
        assert!(
            (200..300).contains(&status),
            "{method} {path} → {status}: {}",
            String::from_utf8_lossy(&bytes[..bytes.len().min(300)])
        );
        took
    }
}

fn stats(name: &str, mut samples: Vec<Duration>) -> Duration {
    samples.sort();
    let at = |q: f64| samples[((samples.len() as f64 * q) as usize).min(samples.len() - 1)];
    let (p50, p99, max) = (at(0.5), at(0.99), samples[samples.len() - 1]);
    println!(
        "{name:<34} {:>5} calls  p50 {:>7.2} ms  p99 {:>7.2} ms  max {:>7.2} ms",
        samples.len(),
        p50.as_secs_f64() * 1e3,
        p99.as_secs_f64() * 1e3,
        max.as_secs_f64() * 1e3
    );
    p99
}

#[tokio::main]
async fn main() {
    let today = NaiveDate::from_ymd_opt(2026, 11, 22).unwrap();
    let orgs = directory(&mut Lcg(1325));
    let store = Store::temporary().unwrap();
    store.replace_directory(&orgs, "2026-11-22").unwrap();
    let taxonomy = startup::taxonomy().unwrap();
    let index = startup::load_index(&store, taxonomy.clone(), today).unwrap();
    assert_eq!(index.len(), ORGS);
    let config = Config {
        admins: HashSet::from([COORDINATOR]),
        ..Config::default()
    };
    let materials = datafile::materials(&taxonomy).unwrap();
    let app = App::new(store, index, materials, config, Clock::Fixed(today));
    let secret = Secret::from_token(TOKEN);
    let user = json!({ "id": COORDINATOR, "language_code": "uk" }).to_string();
    let init = secret.sign(&[
        ("user", &user),
        ("auth_date", &chrono::Utc::now().timestamp().to_string()),
    ]);
    let b = Bench {
        router: router(Arc::new(WebState {
            app: app.clone(),
            i18n: Arc::new(I18n::load().unwrap()),
            secret,
            bot_username: Some("poruch_bench_bot".into()),
        })),
        auth: format!("tma {init}"),
    };
    println!("dashboard with {ORGS} organizations, in process, {ROUNDS} rounds");

    let mut page = Vec::new();
    let mut per_call: Vec<(&str, Vec<Duration>)> = Vec::new();
    let mut record =
        |name: &'static str, d: Duration| match per_call.iter_mut().find(|(n, _)| *n == name) {
            Some((_, v)) => v.push(d),
            None => per_call.push((name, vec![d])),
        };
    let mut rng = Lcg(7);
    for round in 0..ROUNDS {
        let load = [
            b.timed("GET", "/", None).await,
            b.timed("GET", "/app.js", None).await,
            b.timed("GET", "/app.css", None).await,
            b.timed("GET", "/api/texts/uk", None).await,
            b.timed("GET", "/api/me", None).await,
            b.timed("GET", "/api/proposals", None).await,
            b.timed("GET", "/api/orgs", None).await,
        ];
        page.push(load.iter().sum());
        record("GET /api/me", load[4]);
        record("GET /api/orgs (first page)", load[6]);
        let p = rng.next(400);
        record(
            "GET /api/orgs?page=N",
            b.timed("GET", &format!("/api/orgs?page={p}"), None).await,
        );
        record(
            "GET /api/orgs?q=…&standing=…",
            b.timed(
                "GET",
                "/api/orgs?q=%D0%BD%D0%B0%D0%B4%D1%96%D1%8F&standing=active",
                None,
            )
            .await,
        );
        let id = format!("org-{:05}", rng.next(ORGS));
        let detail = b.call("GET", &format!("/api/orgs/{id}"), None).await;
        record(
            "GET /api/orgs/{id}",
            b.timed("GET", &format!("/api/orgs/{id}"), None).await,
        );
        let detail: Value = serde_json::from_slice(&detail.1).unwrap();
        let mut form = detail["form"].clone();
        form["contacts"]["phone"] =
            json!(format!("+380 44 000 {:02} {:02}", round / 100, round % 100));
        let body = json!({ "form": form, "version": detail["version"] });
        record(
            "PUT /api/orgs/{id} (edit)",
            b.timed("PUT", &format!("/api/orgs/{id}"), Some(&body))
                .await,
        );
        if round % 10 == 0 {
            record(
                "GET /api/monitoring (12 months)",
                b.timed("GET", "/api/monitoring?from=2026-01&to=2026-12", None)
                    .await,
            );
            record(
                "GET /api/charts/requests.svg",
                b.timed("GET", "/api/charts/requests.svg", None).await,
            );
            record("GET /api/audit", b.timed("GET", "/api/audit", None).await);
        }
    }
    let mut worst: f64 = 0.0;
    for (name, samples) in per_call {
        worst = worst.max(stats(name, samples).as_secs_f64());
    }
    let page_p99 = stats("page load (7 calls, in sequence)", page);
    println!(
        "worst API p99 {:.2} ms (bar: 100 ms); page load p99 {:.2} ms (bar: 1000 ms)",
        worst * 1e3,
        page_p99.as_secs_f64() * 1e3
    );
}
