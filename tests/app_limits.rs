//! Limits against floods and the staff's block, at the use-case level: how many help
//! requests may wait at once and be sent a day, open expert requests, relayed messages an
//! hour; a blocked conversation; and /forget deleting the counts and her words still queued.
#![allow(clippy::unwrap_used, clippy::expect_used)] // a test may stop at what it did not expect

mod support;

use poruch::app::act::Act;
use poruch::app::help::{self, Acted, Decision, NewRequest, PassedOn, Submitted};
use poruch::app::limits::{self, Limit};
use poruch::app::notice::{CannotTakeWhy, Counted, NoticeAction, NoticeKind};
use poruch::app::relay::{self, Content, MayWrite, Relayed};
use poruch::app::{App, coordination, expert};
use poruch::domain::expert::{ExpertAudience, ExpertNeed, Format, NeedKind};
use poruch::domain::when::When;
use poruch::domain::{ContactChoice, HelpKind, Lang, OnDecline, ReferralStatus, Timestamp};
use poruch::storage::Subject;
use support::app::*;

const HER: i64 = 9_001;
const RIVNIST: i64 = 4_001;
const SVITANOK: i64 = 4_002;
const PSY_LINIYA: i64 = 4_003;

fn kharkiv() -> NewRequest {
    NewRequest {
        topic: "crsv".into(),
        region: "UA-63".into(),
        kind: HelpKind::Psychological,
        description: None,
        contact: ContactChoice::ThroughBot,
        org: None,
        on_decline: OnDecline::PassOn,
        follow_up: true,
        from_draft: false,
    }
}

fn dnipro() -> NewRequest {
    NewRequest {
        topic: "sexual-harassment".into(),
        region: "UA-12".into(),
        kind: HelpKind::Legal,
        ..kharkiv()
    }
}

async fn world() -> App {
    let app = app();
    joins(&app, "demo-svitanok-kharkiv", SVITANOK).await;
    joins(&app, "demo-psy-liniya", PSY_LINIYA).await;
    joins(&app, "demo-rivnist-dnipro", RIVNIST).await;
    notices(&app);
    app
}

async fn submit(app: &App, request: NewRequest) -> Submitted {
    help::submit(app, HER, Lang::Uk, request)
        .await
        .unwrap()
        .into_inner()
}

async fn sent(app: &App, request: NewRequest) -> String {
    match submit(app, request).await {
        Submitted::Sent { code, .. } => code,
        other => panic!("not sent: {other:?}"),
    }
}

async fn accepted(app: &App, staff: i64, code: &str) {
    assert_eq!(
        help::decide(app, staff, code, Decision::Accept)
            .await
            .unwrap()
            .into_inner(),
        Acted::Changed(ReferralStatus::Accepted)
    );
}

async fn her_text(app: &App, code: &str, text: &str) -> Relayed {
    relay::to_organization(app, HER, code, Content::Text(text.into()))
        .await
        .unwrap()
        .into_inner()
}

#[tokio::test]
async fn a_fourth_request_waiting_for_an_answer_is_refused_until_one_is_answered() {
    let app = world().await;
    let first = sent(&app, dnipro()).await;
    sent(&app, kharkiv()).await;
    sent(&app, kharkiv()).await;
    notices(&app);
    assert_eq!(
        limits::help_request(&app, HER).unwrap(),
        Some(Limit::PendingHelp)
    );
    assert_eq!(
        submit(&app, kharkiv()).await,
        Submitted::Limited(Limit::PendingHelp)
    );
    assert_eq!(
        app.store.requests_of(HER).unwrap().len(),
        3,
        "nothing stored"
    );
    assert!(notices(&app).is_empty(), "nobody told");
    // An accepted request no longer waits: nobody is locked out by one nobody closed.
    accepted(&app, RIVNIST, &first).await;
    assert_eq!(limits::help_request(&app, HER).unwrap(), None);
    sent(&app, dnipro()).await;
}

#[tokio::test]
async fn a_sixth_request_in_a_day_is_refused_and_allowed_again_the_next_day() {
    let app = world().await;
    for _ in 0..5 {
        let code = sent(&app, dnipro()).await;
        help::withdraw(&app, HER, &code).await.unwrap().into_inner();
    }
    assert_eq!(
        submit(&app, dnipro()).await,
        Submitted::Limited(Limit::HelpPerDay)
    );
    assert_eq!(app.store.requests_of(HER).unwrap().len(), 5);
    let tomorrow = later(&app, 1);
    assert!(matches!(
        submit(&tomorrow, dnipro()).await,
        Submitted::Sent { .. }
    ));
}

#[tokio::test]
async fn a_sixth_open_expert_request_is_refused() {
    let app = world().await;
    let need = ExpertNeed {
        kind: NeedKind::Training,
        topic: "crsv".into(),
        audience: ExpertAudience::Cadets,
        size: 30,
        format: Format::Online,
        when: When::Flexible,
    };
    let new = || expert::NewExpertRequest {
        need: need.clone(),
        body: None,
        contact: ContactChoice::ThroughBot,
        from_draft: false,
    };
    for _ in 0..5 {
        let outcome = expert::submit(&app, HER, Lang::En, new())
            .await
            .unwrap()
            .into_inner();
        assert!(
            matches!(outcome, expert::Submitted::Sent { .. }),
            "{outcome:?}"
        );
    }
    assert_eq!(
        expert::submit(&app, HER, Lang::En, new())
            .await
            .unwrap()
            .into_inner(),
        expert::Submitted::Limited(Limit::OpenExpert)
    );
    assert_eq!(app.store.expert_requests_of(HER).unwrap().len(), 5);
}

#[tokio::test]
async fn thirty_relayed_messages_an_hour_each_way_and_then_nothing_until_the_next_hour() {
    let app = world().await;
    let code = sent(&app, dnipro()).await;
    accepted(&app, RIVNIST, &code).await;
    notices(&app);
    for i in 0..relay::MAX_RELAYED_PER_HOUR {
        assert_eq!(
            her_text(&app, &code, &format!("message {i}")).await,
            Relayed::Sent {
                org: "demo-rivnist-dnipro".into()
            }
        );
    }
    assert_eq!(notices_to(&app, RIVNIST).len(), 30);
    assert_eq!(her_text(&app, &code, "one more").await, Relayed::TooMany);
    assert!(
        notices_to(&app, RIVNIST).is_empty(),
        "nothing more passed on"
    );
    // The other way is counted apart: the organization can still answer.
    assert!(matches!(
        relay::to_requester(&app, RIVNIST, &code, "we are here")
            .await
            .unwrap()
            .into_inner(),
        Ok(Relayed::Sent { .. })
    ));
    let next_day = later(&app, 1);
    assert!(matches!(
        her_text(&next_day, &code, "again").await,
        Relayed::Sent { .. }
    ));
}

#[tokio::test]
async fn staff_block_ends_the_conversation_both_ways_and_she_is_offered_another_organization() {
    let app = world().await;
    let code = sent(&app, kharkiv()).await;
    let first_org = app.store.latest_referral(&code).unwrap().unwrap().1.org;
    let (staff, other) = if first_org == "demo-svitanok-kharkiv" {
        (SVITANOK, PSY_LINIYA)
    } else {
        (PSY_LINIYA, SVITANOK)
    };
    // Nothing to block before a conversation.
    assert_eq!(
        help::decide(&app, staff, &code, Decision::Block)
            .await
            .unwrap()
            .into_inner(),
        Acted::Stale
    );
    accepted(&app, staff, &code).await;
    notices(&app);
    assert_eq!(
        help::decide(&app, staff, &code, Decision::Block)
            .await
            .unwrap()
            .into_inner(),
        Acted::Changed(ReferralStatus::Blocked)
    );
    let told = notices_to(&app, HER);
    assert!(matches!(
        told[0].kind,
        NoticeKind::CannotTake {
            why: CannotTakeWhy::Ended,
            ..
        }
    ));
    assert_eq!(
        told[0].actions,
        vec![
            NoticeAction::Do(Act::PassOn(code.clone())),
            NoticeAction::Do(Act::WithdrawConfirmed(code.clone())),
            NoticeAction::Urgent,
        ]
    );
    assert!(matches!(
        notices_to(&app, COORDINATOR)[0].kind,
        NoticeKind::Count {
            counted: Counted::Blocked,
            count: 1
        }
    ));
    // The relay stops both ways.
    assert_eq!(
        relay::may_write(&app, HER, &code).unwrap(),
        MayWrite::NotNow
    );
    assert_eq!(her_text(&app, &code, "hello?").await, Relayed::Closed);
    assert_eq!(
        relay::to_requester(&app, staff, &code, "bye")
            .await
            .unwrap()
            .into_inner(),
        Ok(Relayed::Closed)
    );
    assert!(notices_to(&app, staff).is_empty() && notices_to(&app, HER).is_empty());
    // Another organization, never the one that blocked.
    assert_eq!(
        help::pass_on(&app, HER, &code).await.unwrap().into_inner(),
        PassedOn::Sent {
            org: app.store.latest_referral(&code).unwrap().unwrap().1.org
        }
    );
    assert_ne!(
        app.store.latest_referral(&code).unwrap().unwrap().1.org,
        first_org
    );
    assert!(matches!(
        notices_to(&app, other)[0].kind,
        NoticeKind::NewReferral { .. }
    ));
}

#[tokio::test]
async fn forget_deletes_her_counts_and_her_words_still_queued_for_staff() {
    let app = world().await;
    let code = sent(&app, dnipro()).await;
    accepted(&app, RIVNIST, &code).await;
    notices(&app);
    her_text(&app, &code, "CANARY still queued").await;
    let queued_for_staff = || {
        app.store
            .due(Timestamp::NEVER, usize::MAX)
            .unwrap()
            .into_iter()
            .filter(|p| p.entry.chat_id == RIVNIST)
            .count()
    };
    assert_eq!(queued_for_staff(), 1);
    let day = 24 * 3600;
    assert_eq!(
        app.store
            .count_in_window(Subject::Person(HER), "help-sent", day, app.now())
            .unwrap(),
        1
    );
    coordination::forget(&app, HER, HER)
        .await
        .unwrap()
        .into_inner();
    // Her words never reach the organization; it is told the request was withdrawn.
    let left: Vec<_> = notices_to(&app, RIVNIST);
    assert!(
        left.iter()
            .all(|n| !matches!(n.kind, NoticeKind::RelayedToStaff { .. })),
        "{left:?}"
    );
    assert_eq!(
        app.store
            .count_in_window(Subject::Person(HER), "help-sent", day, app.now())
            .unwrap(),
        0
    );
    assert_eq!(
        app.store
            .count_in_window(Subject::Request(&code), "relay-in", 3600, app.now())
            .unwrap(),
        0
    );
}
