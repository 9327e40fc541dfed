//! What she consented to, at the use-case level: who sees her contact and when, what happens
//! when an organization cannot take her request (pass it on, or ask her first), the wait for
//! her answer, organizations that stop taking part, and a request addressed to one
//! organization that goes to that one or nowhere.
#![allow(clippy::unwrap_used, clippy::expect_used)] // a test may stop at what it did not expect

mod support;

use poruch::app::access::Refusal;
use poruch::app::act::Act;
use poruch::app::help::{self, Acted, Decision, NewRequest, PassedOn, Submitted, Waited};
use poruch::app::notice::{CannotTakeWhy, NoticeAction, NoticeKind};
use poruch::app::relay::{self, MayWrite};
use poruch::app::{App, coordination};
use poruch::domain::request::NOT_SURE;
use poruch::domain::{
    ContactChoice, DeclineReason, HelpKind, Lang, OnDecline, ReferralStatus, SearchIndex,
    VettingStatus,
};
use support::app::*;

const HER: i64 = 9_001;
const RIVNIST: i64 = 4_001;
const SVITANOK: i64 = 4_002;
const PSY_LINIYA: i64 = 4_003;
const PHONE: &str = "+380 67 000 11 22";

/// Psychological help on CRSV in Kharkiv oblast (demo-svitanok-kharkiv and demo-psy-liniya
/// can take it), with her phone number.
fn kharkiv(on_decline: OnDecline) -> NewRequest {
    NewRequest {
        topic: "crsv".into(),
        region: "UA-63".into(),
        kind: HelpKind::Psychological,
        description: Some("потрібна розмова".into()),
        contact: ContactChoice::Phone(PHONE.into()),
        org: None,
        on_decline,
        follow_up: true,
        from_draft: false,
    }
}

/// Legal help on sexual harassment in Dnipropetrovsk oblast: only demo-rivnist-dnipro.
fn dnipro(on_decline: OnDecline) -> NewRequest {
    NewRequest {
        topic: "sexual-harassment".into(),
        region: "UA-12".into(),
        kind: HelpKind::Legal,
        ..kharkiv(on_decline)
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

async fn sent(app: &App, request: NewRequest) -> String {
    match help::submit(app, HER, Lang::Uk, request)
        .await
        .unwrap()
        .into_inner()
    {
        Submitted::Sent { code, .. } => code,
        other => panic!("not sent: {other:?}"),
    }
}

/// The staff member of the organization a request is with now, and of the other one in
/// Kharkiv.
fn staff_of(app: &App, code: &str) -> (i64, i64) {
    let org = app.store.latest_referral(code).unwrap().unwrap().1.org;
    if org == "demo-svitanok-kharkiv" {
        (SVITANOK, PSY_LINIYA)
    } else {
        (PSY_LINIYA, SVITANOK)
    }
}

async fn decline(app: &App, staff: i64, code: &str) {
    let acted = help::decide(
        app,
        staff,
        code,
        Decision::Decline(DeclineReason::NoCapacity),
    )
    .await
    .unwrap()
    .into_inner();
    assert_eq!(acted, Acted::Changed(ReferralStatus::Declined));
}

/// The directory with one organization suspended by the coordinators.
fn suspend(app: &App, org: &str) {
    let directory = app.directory();
    let mut orgs = directory.organizations().to_vec();
    for o in orgs.iter_mut().filter(|o| o.id == org) {
        o.vetting.status = VettingStatus::Suspended;
    }
    app.replace_directory(SearchIndex::new(directory.taxonomy().clone(), orgs));
}

#[tokio::test]
async fn before_accepting_staff_see_what_she_needs_but_not_her_contact() {
    let app = world().await;
    let code = sent(&app, dnipro(OnDecline::PassOn)).await;
    let before = help::staff_view(&app, RIVNIST, &code).unwrap().unwrap();
    assert_eq!(before.description.as_deref(), Some("потрібна розмова"));
    assert_eq!(before.contact, None, "no contact before accepting");
    assert!(before.respond_by > before.received);
    assert_eq!(
        help::decide(&app, RIVNIST, &code, Decision::Accept)
            .await
            .unwrap()
            .into_inner(),
        Acted::Changed(ReferralStatus::Accepted)
    );
    let after = help::staff_view(&app, RIVNIST, &code).unwrap().unwrap();
    assert_eq!(after.contact, Some(ContactChoice::Phone(PHONE.into())));
}

#[tokio::test]
async fn pass_it_on_offers_a_declined_request_to_the_next_organization_without_her_contact() {
    let app = world().await;
    let code = sent(&app, kharkiv(OnDecline::PassOn)).await;
    let (first, second) = staff_of(&app, &code);
    notices(&app);
    decline(&app, first, &code).await;
    assert!(matches!(
        notices_to(&app, second)[0].kind,
        NoticeKind::NewReferral { .. }
    ));
    let told = notices_to(&app, HER);
    assert!(matches!(told[0].kind, NoticeKind::Rerouted { .. }));
    assert!(
        told[0].actions.contains(&NoticeAction::Urgent),
        "urgent help comes with it"
    );
    let view = help::staff_view(&app, second, &code).unwrap().unwrap();
    assert_eq!(view.contact, None, "the next one sees no contact either");
    assert_eq!(
        help::decide(&app, second, &code, Decision::Accept)
            .await
            .unwrap()
            .into_inner(),
        Acted::Changed(ReferralStatus::Accepted)
    );
    let view = help::staff_view(&app, second, &code).unwrap().unwrap();
    assert_eq!(view.contact, Some(ContactChoice::Phone(PHONE.into())));
}

#[tokio::test]
async fn ask_me_first_holds_a_declined_request_until_she_says_pass_it_on() {
    let app = world().await;
    let code = sent(&app, kharkiv(OnDecline::AskFirst)).await;
    let (first, second) = staff_of(&app, &code);
    notices(&app);
    decline(&app, first, &code).await;

    let told = notices_to(&app, HER);
    assert_eq!(told.len(), 1);
    let NoticeKind::CannotTake { why, org, .. } = &told[0].kind else {
        panic!("{told:?}");
    };
    assert_eq!(*why, CannotTakeWhy::Declined);
    assert_ne!(org, "");
    assert_eq!(
        told[0].actions,
        vec![
            NoticeAction::Do(Act::PassOn(code.clone())),
            NoticeAction::Do(Act::WithdrawConfirmed(code.clone())),
            NoticeAction::Urgent,
        ]
    );
    assert!(notices_to(&app, second).is_empty(), "nothing moved");
    let own = help::own_view(&app, HER, &code).unwrap().unwrap();
    assert!(own.waiting && own.is_open());

    // Someone else cannot pass it on; she can, once.
    assert_eq!(
        help::pass_on(&app, second, &code)
            .await
            .unwrap()
            .into_inner(),
        PassedOn::Refused(Refusal::NotOwner)
    );
    let passed = help::pass_on(&app, HER, &code).await.unwrap().into_inner();
    let PassedOn::Sent { org } = passed else {
        panic!("{passed:?}");
    };
    assert_eq!(
        app.store.latest_referral(&code).unwrap().unwrap().1.org,
        org
    );
    assert!(matches!(
        notices_to(&app, second)[0].kind,
        NoticeKind::NewReferral { .. }
    ));
    assert!(
        notices_to(&app, HER).is_empty(),
        "she is told on the screen, not twice"
    );
    assert_eq!(
        help::pass_on(&app, HER, &code).await.unwrap().into_inner(),
        PassedOn::NotWaiting
    );
    assert!(!help::own_view(&app, HER, &code).unwrap().unwrap().waiting);
}

#[tokio::test]
async fn a_request_she_addressed_to_an_organization_is_never_passed_on_without_asking() {
    // The default of the dialogue for a request from an organization's card.
    let draft = poruch::telegram::dialogue::state::Draft {
        org: Some("demo-psy-liniya".into()),
        ..Default::default()
    };
    assert_eq!(draft.on_decline(), OnDecline::AskFirst);
    let to_anyone = poruch::telegram::dialogue::state::Draft::default();
    assert_eq!(to_anyone.on_decline(), OnDecline::PassOn);

    let app = world().await;
    let code = sent(
        &app,
        NewRequest {
            org: Some("demo-psy-liniya".into()),
            ..kharkiv(draft.on_decline())
        },
    )
    .await;
    notices(&app);
    decline(&app, PSY_LINIYA, &code).await;
    assert!(matches!(
        notices_to(&app, HER)[0].kind,
        NoticeKind::CannotTake { .. }
    ));
    assert!(notices_to(&app, SVITANOK).is_empty());
}

#[tokio::test]
async fn a_waiting_request_is_recalled_once_and_withdrawn_after_a_week() {
    let app = world().await;
    let code = sent(&app, kharkiv(OnDecline::AskFirst)).await;
    let (_, second) = staff_of(&app, &code);
    notices(&app);
    // Nobody answers in time: she is asked.
    let day1 = later(&app, 1);
    assert_eq!(help::expire_overdue(&day1).await.unwrap().into_inner(), 1);
    let told = notices_to(&app, HER);
    assert!(matches!(
        told[0].kind,
        NoticeKind::CannotTake {
            why: CannotTakeWhy::NoAnswer,
            ..
        }
    ));
    assert_eq!(
        help::check_waiting(&day1).await.unwrap().into_inner(),
        Waited::default(),
        "not yet"
    );

    let day2 = later(&app, 2);
    assert_eq!(
        help::check_waiting(&day2).await.unwrap().into_inner(),
        Waited {
            reminded: 1,
            withdrawn: 0
        }
    );
    let reminder = notices_to(&app, HER);
    assert!(matches!(
        reminder[0].kind,
        NoticeKind::StillWaiting { days: 6, .. }
    ));
    assert!(reminder[0].actions.contains(&NoticeAction::Urgent));
    assert_eq!(
        help::check_waiting(&later(&app, 3))
            .await
            .unwrap()
            .into_inner(),
        Waited::default(),
        "one reminder"
    );

    let day8 = later(&app, 8);
    assert_eq!(
        help::check_waiting(&day8).await.unwrap().into_inner(),
        Waited {
            reminded: 0,
            withdrawn: 1
        }
    );
    let out = notices_to(&app, HER);
    assert_eq!(out[0].kind, NoticeKind::WaitedOut { code: code.clone() });
    assert!(out[0].actions.contains(&NoticeAction::Urgent));
    let own = help::own_view(&day8, HER, &code).unwrap().unwrap();
    assert!(own.withdrawn && !own.waiting && !own.is_open());
    assert_eq!(
        help::pass_on(&day8, HER, &code).await.unwrap().into_inner(),
        PassedOn::NotWaiting
    );
    assert!(notices_to(&app, second).is_empty(), "nothing ever moved");
}

#[tokio::test]
async fn she_may_withdraw_a_request_that_waits_for_her() {
    let app = world().await;
    let code = sent(&app, kharkiv(OnDecline::AskFirst)).await;
    let (first, second) = staff_of(&app, &code);
    decline(&app, first, &code).await;
    notices(&app);
    assert_eq!(
        help::withdraw(&app, HER, &code).await.unwrap().into_inner(),
        Acted::Changed(ReferralStatus::Withdrawn)
    );
    let own = help::own_view(&app, HER, &code).unwrap().unwrap();
    assert!(own.withdrawn && !own.is_open());
    assert_eq!(
        help::pass_on(&app, HER, &code).await.unwrap().into_inner(),
        PassedOn::NotWaiting
    );
    assert!(notices_to(&app, second).is_empty());
}

#[tokio::test]
async fn a_suspended_organization_loses_a_conversation_under_way_and_she_is_asked() {
    let app = world().await;
    // Even with "pass it on": a conversation is never moved without her.
    let code = sent(&app, dnipro(OnDecline::PassOn)).await;
    assert_eq!(
        help::decide(&app, RIVNIST, &code, Decision::Accept)
            .await
            .unwrap()
            .into_inner(),
        Acted::Changed(ReferralStatus::Accepted)
    );
    notices(&app);
    suspend(&app, "demo-rivnist-dnipro");
    assert_eq!(help::lapse_inactive(&app).await.unwrap().into_inner(), 1);
    let told = notices_to(&app, HER);
    assert!(matches!(
        told[0].kind,
        NoticeKind::CannotTake {
            why: CannotTakeWhy::Lapsed,
            ..
        }
    ));
    assert!(told[0].actions.contains(&NoticeAction::Urgent));
    assert_eq!(
        relay::may_write(&app, HER, &code).unwrap(),
        MayWrite::NotNow,
        "the relay stops"
    );
    assert_eq!(
        help::decide(
            &app,
            RIVNIST,
            &code,
            Decision::Close(poruch::domain::Outcome::Helped)
        )
        .await
        .unwrap()
        .into_inner(),
        Acted::Refused(Refusal::OrgInactive),
        "its staff's buttons refuse"
    );
    assert_eq!(
        help::lapse_inactive(&app).await.unwrap().into_inner(),
        0,
        "once"
    );
}

#[tokio::test]
async fn a_pending_request_of_a_suspended_organization_follows_her_choice() {
    let app = world().await;
    let code = sent(&app, kharkiv(OnDecline::PassOn)).await;
    let (first, second) = staff_of(&app, &code);
    let first_org = app.store.latest_referral(&code).unwrap().unwrap().1.org;
    notices(&app);
    suspend(&app, &first_org);
    assert_eq!(help::lapse_inactive(&app).await.unwrap().into_inner(), 1);
    assert!(matches!(
        notices_to(&app, second)[0].kind,
        NoticeKind::NewReferral { .. }
    ));
    assert!(matches!(
        notices_to(&app, HER)[0].kind,
        NoticeKind::Rerouted { .. }
    ));
    assert_eq!(
        help::staff_view(&app, first, &code).unwrap().err(),
        Some(Refusal::OrgInactive)
    );
}

#[tokio::test]
async fn a_request_addressed_to_an_organization_that_cannot_take_it_goes_nowhere() {
    let app = world().await;
    coordination::set_paused(&app, PSY_LINIYA, true)
        .await
        .unwrap()
        .into_inner()
        .unwrap();
    notices(&app);
    let addressed = NewRequest {
        org: Some("demo-psy-liniya".into()),
        ..kharkiv(OnDecline::AskFirst)
    };
    assert_eq!(
        help::submit(&app, HER, Lang::Uk, addressed)
            .await
            .unwrap()
            .into_inner(),
        Submitted::ChosenUnavailable
    );
    assert!(app.store.requests_of(HER).unwrap().is_empty());
    assert!(notices(&app).is_empty(), "nobody was told anything");
}

#[tokio::test]
async fn not_sure_goes_only_to_an_organization_that_helps_people_directly() {
    let app = world().await;
    let code = sent(
        &app,
        NewRequest {
            topic: NOT_SURE.into(),
            ..kharkiv(OnDecline::PassOn)
        },
    )
    .await;
    let org = app.store.latest_referral(&code).unwrap().unwrap().1.org;
    let directory = app.directory();
    let chosen = directory.find(&org).unwrap();
    assert!(chosen.services.iter().any(|s| s.is_direct_help()), "{org}");
    let mut excluded = 0;
    for o in directory.organizations() {
        let need = poruch::domain::routing::Need {
            topic: NOT_SURE,
            region: "UA-63",
            kind: HelpKind::Psychological,
        };
        if !o.services.iter().any(|s| s.is_direct_help()) {
            assert!(
                !poruch::domain::routing::eligible(o, &need, &Default::default(), today()),
                "{} only trains or publishes",
                o.id
            );
            excluded += 1;
        }
    }
    assert!(
        excluded > 0,
        "the demo directory has organizations that only train"
    );
}
