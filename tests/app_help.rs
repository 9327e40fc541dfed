//! Help requests at the use-case level, without Telegram: on a temporary store with the demo
//! directory and a fixed clock, reading the typed notices the use cases queue. Races,
//! re-routing, deadlines, retention and who may do what.
#![allow(clippy::unwrap_used, clippy::expect_used)] // a test may stop at what it did not expect

mod support;

use poruch::app::access::Refusal;
use poruch::app::act::Act;
use poruch::app::help::{self, Acted, Decision, NewRequest, Submitted};
use poruch::app::notice::{Counted, NoticeAction, NoticeKind};
use poruch::app::{coordination, retention};
use poruch::domain::{
    ContactChoice, DeclineReason, HelpKind, Lang, OnDecline, Outcome, ReferralStatus,
};
use support::app::*;

const HER: i64 = 9_001;
const RIVNIST: i64 = 4_001;
const RIVNIST_COLLEAGUE: i64 = 4_011;
const SVITANOK: i64 = 4_002;
const PSY_LINIYA: i64 = 4_003;
const STRANGER: i64 = 4_004;

/// Legal help on sexual harassment in Dnipropetrovsk oblast: only demo-rivnist-dnipro.
fn legal_in_dnipro() -> NewRequest {
    NewRequest {
        topic: "sexual-harassment".into(),
        region: "UA-12".into(),
        kind: HelpKind::Legal,
        description: Some("мій командир".into()),
        contact: ContactChoice::Phone("+380 67 000 11 22".into()),
        org: None,
        on_decline: OnDecline::PassOn,
        follow_up: true,
        from_draft: false,
    }
}

/// Psychological help on CRSV in Kharkiv oblast: demo-svitanok-kharkiv and demo-psy-liniya.
fn psychological_in_kharkiv() -> NewRequest {
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

async fn sent(app: &poruch::app::App, request: NewRequest) -> String {
    match help::submit(app, HER, Lang::Uk, request)
        .await
        .expect("stored")
        .into_inner()
    {
        Submitted::Sent { code, .. } => code,
        other => panic!("not sent: {other:?}"),
    }
}

#[tokio::test]
async fn a_request_goes_to_the_one_organization_whose_staff_are_told_without_her_words() {
    let app = app();
    joins(&app, "demo-rivnist-dnipro", RIVNIST).await;
    let code = sent(&app, legal_in_dnipro()).await;
    let told = notices_to(&app, RIVNIST);
    assert_eq!(told.len(), 1);
    let NoticeKind::NewReferral {
        code: about,
        topic,
        region,
        help,
        ..
    } = &told[0].kind
    else {
        panic!("{told:?}");
    };
    assert_eq!(
        (about.as_str(), topic.as_str(), region.as_str(), *help),
        (code.as_str(), "sexual-harassment", "UA-12", HelpKind::Legal)
    );
    assert_eq!(
        told[0].actions,
        vec![NoticeAction::Do(Act::OpenReferral(code.clone()))]
    );
    assert!(
        !told[0].encode().contains("командир") && !told[0].encode().contains("+380"),
        "no description or contact in the notice"
    );
    let stored = app.store.help_request(&code).unwrap().unwrap();
    assert_eq!(stored.requester_chat, HER);
    assert_eq!(
        app.language(HER).unwrap(),
        Some(Lang::Uk),
        "notices in her language"
    );
}

#[tokio::test]
async fn a_second_send_of_the_same_draft_stores_nothing() {
    let app = app();
    app.store.set_dialogue(HER, b"\"draft\"").unwrap();
    let from_draft = || NewRequest {
        from_draft: true,
        ..legal_in_dnipro()
    };
    assert!(matches!(
        help::submit(&app, HER, Lang::En, from_draft())
            .await
            .unwrap()
            .into_inner(),
        Submitted::Sent { .. }
    ));
    assert_eq!(
        help::submit(&app, HER, Lang::En, from_draft())
            .await
            .unwrap()
            .into_inner(),
        Submitted::AlreadySent
    );
    assert_eq!(app.store.requests_of(HER).unwrap().len(), 1);
    assert_eq!(
        app.store.dialogue(HER).unwrap(),
        None,
        "the draft is consumed"
    );
}

#[tokio::test]
async fn a_description_over_the_limit_is_refused_and_nothing_is_stored() {
    let app = app();
    let long = NewRequest {
        description: Some("я".repeat(1001)),
        ..legal_in_dnipro()
    };
    assert_eq!(
        help::submit(&app, HER, Lang::Uk, long)
            .await
            .unwrap()
            .into_inner(),
        Submitted::Invalid
    );
    assert!(app.store.requests_of(HER).unwrap().is_empty());
}

#[tokio::test]
async fn nobody_eligible_stores_nothing_and_counts_for_coordinators() {
    let app = app();
    let nowhere = NewRequest {
        topic: "crsv".into(),
        region: "UA-07".into(),
        kind: HelpKind::Shelter,
        ..legal_in_dnipro()
    };
    assert_eq!(
        help::submit(&app, HER, Lang::Uk, nowhere)
            .await
            .unwrap()
            .into_inner(),
        Submitted::NoOrganization
    );
    assert!(app.store.requests_of(HER).unwrap().is_empty());
    let counted = notices_to(&app, COORDINATOR);
    assert_eq!(
        counted[0].kind,
        NoticeKind::Count {
            counted: Counted::Unplaced,
            count: 1
        }
    );
}

#[tokio::test]
async fn two_colleagues_accepting_at_once_change_it_once_and_she_is_told_once() {
    for _ in 0..10 {
        let app = app();
        joins(&app, "demo-rivnist-dnipro", RIVNIST).await;
        joins(&app, "demo-rivnist-dnipro", RIVNIST_COLLEAGUE).await;
        let code = sent(&app, legal_in_dnipro()).await;
        notices(&app);
        let (a, b) = tokio::join!(
            help::decide(&app, RIVNIST, &code, Decision::Accept),
            help::decide(&app, RIVNIST_COLLEAGUE, &code, Decision::Accept)
        );
        let mut results = [a.unwrap().into_inner(), b.unwrap().into_inner()];
        results.sort_by_key(|r| format!("{r:?}"));
        assert_eq!(
            results,
            [Acted::Changed(ReferralStatus::Accepted), Acted::Unchanged],
            "the second finds it accepted: what they wanted"
        );
        let told = notices_to(&app, HER);
        assert_eq!(told.len(), 1, "she is told once");
        assert!(
            matches!(&told[0].kind, NoticeKind::Accepted { org, .. } if org == "demo-rivnist-dnipro")
        );
        assert_eq!(
            told[0].actions,
            vec![NoticeAction::Do(Act::Write(code.clone()))]
        );
    }
}

#[tokio::test]
async fn only_staff_of_the_organization_it_is_with_may_decide() {
    let app = app();
    joins(&app, "demo-rivnist-dnipro", RIVNIST).await;
    joins(&app, "demo-svitanok-kharkiv", SVITANOK).await;
    let code = sent(&app, legal_in_dnipro()).await;
    for (who, refusal) in [
        (SVITANOK, Refusal::NotAssigned),
        (STRANGER, Refusal::NotStaff),
        (HER, Refusal::NotStaff),
    ] {
        assert_eq!(
            help::decide(&app, who, &code, Decision::Accept)
                .await
                .unwrap()
                .into_inner(),
            Acted::Refused(refusal)
        );
        assert_eq!(
            help::staff_view(&app, who, &code).unwrap().err(),
            Some(refusal),
            "and may not see it"
        );
    }
    assert_eq!(
        help::withdraw(&app, RIVNIST, &code)
            .await
            .unwrap()
            .into_inner(),
        Acted::Refused(Refusal::NotOwner),
        "only she withdraws"
    );
    assert_eq!(
        app.store.latest_referral(&code).unwrap().unwrap().1.status,
        ReferralStatus::Pending,
        "nothing changed"
    );
}

#[tokio::test]
async fn a_decline_moves_it_on_and_when_nobody_is_left_she_and_coordinators_are_told() {
    let app = app();
    joins(&app, "demo-svitanok-kharkiv", SVITANOK).await;
    joins(&app, "demo-psy-liniya", PSY_LINIYA).await;
    let code = sent(&app, psychological_in_kharkiv()).await;
    notices(&app);
    let first = app.store.latest_referral(&code).unwrap().unwrap().1.org;
    let (first_staff, second_staff) = if first == "demo-svitanok-kharkiv" {
        (SVITANOK, PSY_LINIYA)
    } else {
        (PSY_LINIYA, SVITANOK)
    };
    let declined = help::decide(
        &app,
        first_staff,
        &code,
        Decision::Decline(DeclineReason::NoCapacity),
    )
    .await
    .unwrap()
    .into_inner();
    assert_eq!(declined, Acted::Changed(ReferralStatus::Declined));
    let next = app.store.latest_referral(&code).unwrap().unwrap().1.org;
    assert_ne!(next, first);
    assert!(
        matches!(&notices_to(&app, HER)[0].kind, NoticeKind::Rerouted { org, .. } if *org == next)
    );
    assert!(matches!(
        notices_to(&app, second_staff)[0].kind,
        NoticeKind::NewReferral { .. }
    ));
    assert!(
        notices_to(&app, first_staff).is_empty(),
        "the decliner is not told"
    );

    // The first may not act on it any more.
    assert_eq!(
        help::decide(&app, first_staff, &code, Decision::Accept)
            .await
            .unwrap()
            .into_inner(),
        Acted::Refused(Refusal::NotAssigned)
    );
    assert_eq!(
        help::decide(
            &app,
            second_staff,
            &code,
            Decision::Decline(DeclineReason::NotOurProfile)
        )
        .await
        .unwrap()
        .into_inner(),
        Acted::Changed(ReferralStatus::Declined)
    );
    assert_eq!(
        notices_to(&app, HER)[0].kind,
        NoticeKind::Unplaced { code: code.clone() }
    );
    assert!(matches!(
        notices_to(&app, COORDINATOR)[0].kind,
        NoticeKind::Count {
            counted: Counted::Unplaced,
            count: 1
        }
    ));
}

#[tokio::test]
async fn an_unanswered_referral_goes_on_after_its_response_time_and_its_staff_are_told() {
    let app = app();
    joins(&app, "demo-svitanok-kharkiv", SVITANOK).await;
    joins(&app, "demo-psy-liniya", PSY_LINIYA).await;
    let code = sent(&app, psychological_in_kharkiv()).await;
    notices(&app);
    assert_eq!(
        help::expire_overdue(&app).await.unwrap().into_inner(),
        0,
        "not yet"
    );
    let tomorrow = later(&app, 1);
    assert_eq!(
        help::expire_overdue(&tomorrow).await.unwrap().into_inner(),
        1
    );
    let all = app.store.referrals(&code).unwrap();
    assert_eq!(all[0].1.status, ReferralStatus::Expired);
    assert_eq!(all[1].1.status, ReferralStatus::Pending);
    let (first_staff, second_staff) = if all[0].1.org == "demo-svitanok-kharkiv" {
        (SVITANOK, PSY_LINIYA)
    } else {
        (PSY_LINIYA, SVITANOK)
    };
    assert_eq!(
        notices_to(&app, first_staff)[0].kind,
        NoticeKind::ReferralExpired { code: code.clone() }
    );
    assert!(matches!(
        notices_to(&app, second_staff)[0].kind,
        NoticeKind::NewReferral { .. }
    ));
    assert!(matches!(
        notices_to(&app, HER)[0].kind,
        NoticeKind::Rerouted { .. }
    ));
    assert_eq!(
        help::expire_overdue(&tomorrow).await.unwrap().into_inner(),
        0,
        "once"
    );
}

#[tokio::test]
async fn closing_tells_her_and_asks_her_one_question_a_day_later() {
    let app = app();
    joins(&app, "demo-rivnist-dnipro", RIVNIST).await;
    let code = sent(&app, legal_in_dnipro()).await;
    assert_eq!(
        help::decide(&app, RIVNIST, &code, Decision::Accept)
            .await
            .unwrap()
            .into_inner(),
        Acted::Changed(ReferralStatus::Accepted)
    );
    assert_eq!(
        help::decide(
            &app,
            RIVNIST,
            &code,
            Decision::Decline(DeclineReason::Other)
        )
        .await
        .unwrap()
        .into_inner(),
        Acted::Stale,
        "an accepted referral cannot be declined"
    );
    notices(&app);
    assert_eq!(
        help::decide(&app, RIVNIST, &code, Decision::Close(Outcome::Helped))
            .await
            .unwrap()
            .into_inner(),
        Acted::Changed(ReferralStatus::Closed(Outcome::Helped))
    );
    assert_eq!(
        notices_to(&app, HER)[0].kind,
        NoticeKind::Closed {
            code: code.clone(),
            org: "demo-rivnist-dnipro".into(),
            outcome: Outcome::Helped
        }
    );
    assert_eq!(
        poruch::app::feedback::ask_due(&app)
            .await
            .unwrap()
            .into_inner(),
        0
    );
    let tomorrow = later(&app, 1);
    assert_eq!(
        poruch::app::feedback::ask_due(&tomorrow)
            .await
            .unwrap()
            .into_inner(),
        1
    );
    let asked = notices_to(&app, HER);
    assert!(matches!(
        asked[0].kind,
        NoticeKind::Question {
            reminder: false,
            ..
        }
    ));
    assert_eq!(asked[0].actions.len(), 3, "yes, partly, no");
    assert!(
        notices_to(&app, RIVNIST).is_empty(),
        "the organization is not asked"
    );
}

#[tokio::test]
async fn she_withdraws_or_finishes_and_the_organization_is_told() {
    let app = app();
    joins(&app, "demo-rivnist-dnipro", RIVNIST).await;
    let withdrawn = sent(&app, legal_in_dnipro()).await;
    let finished = sent(&app, legal_in_dnipro()).await;
    assert_eq!(
        help::decide(&app, RIVNIST, &finished, Decision::Accept)
            .await
            .unwrap()
            .into_inner(),
        Acted::Changed(ReferralStatus::Accepted)
    );
    notices(&app);
    assert_eq!(
        help::withdraw(&app, HER, &withdrawn)
            .await
            .unwrap()
            .into_inner(),
        Acted::Changed(ReferralStatus::Withdrawn)
    );
    assert_eq!(
        help::finish(&app, HER, &finished)
            .await
            .unwrap()
            .into_inner(),
        Acted::Changed(ReferralStatus::Closed(Outcome::Helped))
    );
    let told: Vec<_> = notices_to(&app, RIVNIST)
        .into_iter()
        .map(|n| n.kind)
        .collect();
    assert_eq!(
        told,
        vec![
            NoticeKind::ReferralWithdrawn {
                code: withdrawn.clone()
            },
            NoticeKind::ReferralFinished {
                code: finished.clone()
            },
        ]
    );
    assert_eq!(
        help::withdraw(&app, HER, &withdrawn)
            .await
            .unwrap()
            .into_inner(),
        Acted::Stale,
        "a second withdrawal changes nothing"
    );
}

#[tokio::test]
async fn finished_requests_are_deleted_after_the_retention_period_and_open_ones_stay() {
    let app = app();
    joins(&app, "demo-rivnist-dnipro", RIVNIST).await;
    let done = sent(&app, legal_in_dnipro()).await;
    let open = sent(&app, legal_in_dnipro()).await;
    assert_eq!(
        help::withdraw(&app, HER, &done).await.unwrap().into_inner(),
        Acted::Changed(ReferralStatus::Withdrawn)
    );
    assert_eq!(
        retention::purge_expired(&app).await.unwrap().into_inner(),
        0,
        "kept 30 days"
    );
    let month = later(&app, 31);
    assert_eq!(
        retention::purge_expired(&month).await.unwrap().into_inner(),
        1
    );
    assert_eq!(app.store.help_request(&done).unwrap(), None);
    assert_eq!(app.store.requests_of(HER).unwrap(), vec![open]);
}

#[tokio::test]
async fn forget_deletes_her_requests_and_tells_the_organization() {
    let app = app();
    joins(&app, "demo-rivnist-dnipro", RIVNIST).await;
    let code = sent(&app, legal_in_dnipro()).await;
    notices(&app);
    app.store.remember_message(HER, 77, app.now()).unwrap();
    let forgotten = coordination::forget(&app, HER, HER)
        .await
        .unwrap()
        .into_inner();
    assert_eq!(forgotten.requests, 1);
    assert_eq!(forgotten.recent_messages, vec![77]);
    assert_eq!(app.store.help_request(&code).unwrap(), None);
    assert_eq!(app.language(HER).unwrap(), None);
    assert_eq!(
        notices_to(&app, RIVNIST)[0].kind,
        NoticeKind::ReferralForgotten { code }
    );
}

#[tokio::test]
async fn the_answer_by_time_counts_from_when_the_notice_goes_out() {
    let app = app();
    joins(&app, "demo-rivnist-dnipro", RIVNIST).await;
    let code = sent(&app, legal_in_dnipro()).await;
    let (_, queued) = app.store.latest_referral(&code).unwrap().unwrap();
    // The notice waited three hours in a queue before Telegram took it.
    let delivered = queued.offered_at.plus_hours(3);
    let shown = help::answer_by_from(&app, &code, delivered).unwrap();
    assert_eq!(shown, Some(queued.respond_by.plus_hours(3)));
    let stored = app.store.latest_referral(&code).unwrap().unwrap().1;
    assert_eq!(
        Some(stored.respond_by),
        shown,
        "the timers use the same time"
    );
    // A colleague's copy that went out earlier moves nothing back.
    assert_eq!(
        help::answer_by_from(&app, &code, queued.offered_at).unwrap(),
        shown
    );
    // Once the organization answered, nothing moves any more.
    let accepted = help::decide(&app, RIVNIST, &code, Decision::Accept)
        .await
        .unwrap()
        .into_inner();
    assert!(matches!(accepted, Acted::Changed(_)), "{accepted:?}");
    assert_eq!(
        help::answer_by_from(&app, &code, delivered.plus_hours(5)).unwrap(),
        None
    );
    let after = app.store.latest_referral(&code).unwrap().unwrap().1;
    assert_eq!(after.respond_by, stored.respond_by);
}
