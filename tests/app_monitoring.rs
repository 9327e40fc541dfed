//! The monitoring figures against a known set of requests: counted by month as the requests
//! are made, answered and closed, small counts hidden, medians only of five or more — and
//! unchanged after retention deletes the requests and after /forget.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod support;

use poruch::app::help::{self, Decision, NewRequest, Submitted};
use poruch::app::monitoring::{self, Report};
use poruch::app::{App, coordination, retention};
use poruch::domain::{ContactChoice, HelpKind, Lang, OnDecline, Outcome};
use support::app::{COORDINATOR, app, joins, later};

const RIVNIST: i64 = 6_001;

fn request(topic: &str, region: &str, kind: HelpKind) -> NewRequest {
    NewRequest {
        topic: topic.into(),
        region: region.into(),
        kind,
        description: Some("потрібна порада".into()),
        contact: ContactChoice::ThroughBot,
        org: None,
        on_decline: OnDecline::PassOn,
        follow_up: false,
        from_draft: false,
    }
}

async fn sent(app: &App, who: i64, r: NewRequest) -> String {
    match help::submit(app, who, Lang::Uk, r)
        .await
        .unwrap()
        .into_inner()
    {
        Submitted::Sent { code, .. } => code,
        other => panic!("not sent: {other:?}"),
    }
}

fn report(app: &App) -> Report {
    let months = monitoring::period("2026-10", "2026-12").unwrap();
    monitoring::report(app, COORDINATOR, &months)
        .unwrap()
        .unwrap()
}

fn figure(r: &Report, metric: &str) -> (Vec<String>, String) {
    let f = r
        .table
        .figures
        .iter()
        .find(|f| f.metric == metric)
        .unwrap_or_else(|| panic!("no {metric} in {:#?}", r.table.figures));
    (f.months.clone(), f.total.clone())
}

#[tokio::test]
async fn the_figures_count_a_known_month_and_survive_retention_and_forget() {
    let app = app();
    joins(&app, "demo-rivnist-dnipro", RIVNIST).await;
    // Six people ask for legal help on harassment in Dnipropetrovsk oblast, one for
    // psychological help on CRSV in Kharkiv oblast.
    let mut codes = Vec::new();
    for who in 10..16 {
        codes.push(
            sent(
                &app,
                who,
                request("sexual-harassment", "UA-12", HelpKind::Legal),
            )
            .await,
        );
    }
    sent(&app, 16, request("crsv", "UA-63", HelpKind::Psychological)).await;
    // The organization answers all six at once and closes them: five helped, one not reached.
    for (i, code) in codes.iter().enumerate() {
        let _ = help::decide(&app, RIVNIST, code, Decision::Accept)
            .await
            .unwrap();
        let outcome = if i == 0 {
            Outcome::CouldNotContact
        } else {
            Outcome::Helped
        };
        let _ = help::decide(&app, RIVNIST, code, Decision::Close(outcome))
            .await
            .unwrap();
    }

    let before = report(&app);
    assert_eq!(before.table.months, ["2026-10", "2026-11", "2026-12"]);
    let n = |v: &[&str]| v.iter().map(|s| s.to_string()).collect::<Vec<_>>();
    assert_eq!(
        figure(&before, "help.submitted"),
        (n(&["0", "7", "0"]), "7".into())
    );
    assert_eq!(figure(&before, "help.topic.sexual-harassment").1, "6");
    assert_eq!(
        figure(&before, "help.topic.crsv").1,
        "<5",
        "one request is never shown as 1"
    );
    assert_eq!(figure(&before, "help.region.UA-12").1, "6");
    assert_eq!(figure(&before, "help.kind.legal").1, "6");
    assert_eq!(figure(&before, "help.answered").1, "6");
    assert_eq!(figure(&before, "help.first_answer_h.median").1, "≤1");
    assert_eq!(figure(&before, "help.closed").1, "6");
    assert_eq!(
        figure(&before, &format!("help.outcome.{}", Outcome::Helped.code())).1,
        "5"
    );
    assert_eq!(
        figure(
            &before,
            &format!("help.outcome.{}", Outcome::CouldNotContact.code())
        )
        .1,
        "<5"
    );
    assert_eq!(
        figure(&before, "help.helped_share").1,
        "83%",
        "5 of 6 closed as helped"
    );
    // The organization's own counts, by month: never one by one in a log.
    let months = monitoring::period("2026-10", "2026-12").unwrap();
    let own = monitoring::organization(&app, RIVNIST, "demo-rivnist-dnipro", &months)
        .unwrap()
        .unwrap();
    assert_eq!(own[0], ("accepted".to_string(), n(&["0", "6", "0"])));
    assert_eq!(own[3], ("closed".to_string(), n(&["0", "6", "0"])));
    assert!(
        monitoring::organization(&app, RIVNIST, "demo-shchyt-kyiv", &months)
            .unwrap()
            .is_err(),
        "another organization's counts are not theirs to see"
    );
    // The months around it hold nothing; no person, no code appears anywhere.
    let csv = monitoring::csv(&before);
    for code in &codes {
        assert!(!csv.contains(code.as_str()));
    }
    assert!(csv.starts_with("metric,2026-10,2026-11,2026-12,total\n"));
    assert!(csv.contains("\norganizations,33\n"), "{csv}");
    assert!(
        !csv.contains("org.demo-rivnist-dnipro"),
        "per organization only on its page"
    );

    // Retention deletes the closed requests a month on; the figures stay.
    let month_later = later(&app, 31);
    let purged = retention::purge_expired(&month_later)
        .await
        .unwrap()
        .into_inner();
    assert_eq!(purged, 6);
    assert_eq!(app.store.help_request(&codes[1]).unwrap(), None);
    assert_eq!(report(&month_later).table, before.table);

    // So does /forget of the one still open.
    let _ = coordination::forget(&app, 16, 16).await.unwrap();
    assert_eq!(report(&app).table, before.table);
}

#[tokio::test]
async fn only_coordinators_read_the_figures_and_periods_are_checked() {
    let app = app();
    let months = monitoring::period("2026-01", "2026-12").unwrap();
    assert_eq!(months.len(), 12);
    assert!(monitoring::report(&app, RIVNIST, &months).unwrap().is_err());
    assert_eq!(
        monitoring::period("2026-12", "2026-01"),
        Err(monitoring::BadPeriod::Range)
    );
    assert_eq!(
        monitoring::period("2026-13", "2027-01"),
        Err(monitoring::BadPeriod::Month)
    );
    assert_eq!(
        monitoring::period("2000-01", "2020-01"),
        Err(monitoring::BadPeriod::Range)
    );
}
