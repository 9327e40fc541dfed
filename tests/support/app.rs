//! The use cases without Telegram: an application on a temporary store with the demo
//! directory and a fixed clock, people who join organizations through the use cases, and
//! the notices it queued, read back as the typed notices they are (a recording notice port).

use std::collections::HashSet;

use chrono::NaiveDate;
use poruch::app::coordination::{self, Invited, Joined};
use poruch::app::notice::Notice;
use poruch::app::{App, Clock, Config};
use poruch::domain::{Lang, Timestamp};
use poruch::storage::{OutboxBody, Store};
use poruch::{datafile, startup};

/// The coordinator of these tests.
pub const COORDINATOR: i64 = 555_000_111;

pub fn today() -> NaiveDate {
    NaiveDate::from_ymd_opt(2026, 11, 22).expect("a date")
}

/// An application on a fresh temporary store, on `today()`.
pub fn app() -> App {
    let store = Store::temporary().expect("a temporary store");
    let taxonomy = startup::taxonomy().expect("the shipped taxonomy");
    let materials = datafile::materials(&taxonomy).expect("the shipped materials");
    let index = startup::load_index(&store, taxonomy, today()).expect("the demo directory");
    let config = Config {
        retention_days: 30,
        offer_days: 7,
        min_ratings: 3,
        admins: HashSet::from([COORDINATOR]),
    };
    App::new(store, index, materials, config, Clock::Fixed(today()))
}

/// The same application `days` later.
pub fn later(app: &App, days: u64) -> App {
    app.on_day(
        today()
            .checked_add_days(chrono::Days::new(days))
            .expect("a date"),
    )
}

/// `who` joins `org` with an invitation from the coordinator.
pub async fn joins(app: &App, org: &str, who: i64) {
    let Invited::Code { code, .. } = coordination::invite(app, COORDINATOR, org)
        .await
        .expect("invited")
        .into_inner()
    else {
        panic!("no invitation for {org}");
    };
    let joined = coordination::join(app, who, who, Lang::En, &code, &format!("Member {who}"))
        .await
        .expect("joined")
        .into_inner();
    assert_eq!(joined, Joined::Member { org: org.into() });
}

/// Every notice queued so far, taken out of the outbox (as typed notices).
pub fn notices(app: &App) -> Vec<Notice> {
    let mut out = Vec::new();
    for pending in app.store.due(Timestamp::NEVER, usize::MAX).expect("outbox") {
        if let OutboxBody::Notice(encoded) = &pending.entry.body {
            out.push(Notice::decode(encoded).expect("a notice this version reads"));
        }
        app.store.outbox_done(pending.id).expect("outbox");
    }
    out
}

/// The notices queued for one person, taken out (the others stay).
pub fn notices_to(app: &App, to: i64) -> Vec<Notice> {
    let mut out = Vec::new();
    for pending in app.store.due(Timestamp::NEVER, usize::MAX).expect("outbox") {
        if pending.entry.chat_id != to {
            continue;
        }
        if let OutboxBody::Notice(encoded) = &pending.entry.body {
            out.push(Notice::decode(encoded).expect("a notice this version reads"));
        }
        app.store.outbox_done(pending.id).expect("outbox");
    }
    out
}
