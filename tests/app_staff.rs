//! Organizations' teams at the use-case level: joining with a label (announced), failed
//! invitations counted and limited, a coordinator's /staff and Remove, leaving, and an
//! organization that is suspended losing access at once.

#![allow(clippy::unwrap_used, clippy::expect_used)] // a test may stop at what it did not expect

mod support;

use poruch::app::access::Refusal;
use poruch::app::coordination::{self, Invited, JoinStep, Joined, Removed};
use poruch::app::help::{self, Acted, Decision, NewRequest, Submitted};
use poruch::app::notice::{Departure, NoticeKind};
use poruch::app::relay;
use poruch::app::{App, overview};
use poruch::domain::{ContactChoice, HelpKind, Lang, SearchIndex, VettingStatus};
use support::app::*;

const HER: i64 = 9_201;
const OLENA: i64 = 6_001;
const TARAS: i64 = 6_002;
const STRANGER: i64 = 6_003;

async fn invitation(app: &App, org: &str) -> String {
    match coordination::invite(app, COORDINATOR, org)
        .await
        .unwrap()
        .into_inner()
    {
        Invited::Code { code, .. } => code,
        other => panic!("{other:?}"),
    }
}

async fn legal_request(app: &App) -> String {
    let request = NewRequest {
        topic: "sexual-harassment".into(),
        region: "UA-12".into(),
        kind: HelpKind::Legal,
        description: None,
        contact: ContactChoice::ThroughBot,
        org: None,
        on_decline: poruch::domain::OnDecline::PassOn,
        follow_up: true,
        from_draft: false,
    };
    match help::submit(app, HER, Lang::Uk, request)
        .await
        .unwrap()
        .into_inner()
    {
        Submitted::Sent { code, .. } => code,
        other => panic!("{other:?}"),
    }
}

#[tokio::test]
async fn a_join_asks_for_a_label_and_is_announced_to_colleagues_and_coordinators() {
    let app = app();
    joins(&app, "demo-rivnist-dnipro", OLENA).await;
    notices(&app);
    let code = invitation(&app, "demo-rivnist-dnipro").await;
    assert_eq!(
        coordination::check_invitation(&app, TARAS, &code)
            .await
            .unwrap()
            .into_inner(),
        JoinStep::AskLabel {
            org: "demo-rivnist-dnipro".into()
        }
    );
    for bad in ["", "  ", "two\nlines", &"x".repeat(61)] {
        assert_eq!(
            coordination::join(&app, TARAS, TARAS, Lang::En, &code, bad)
                .await
                .unwrap()
                .into_inner(),
            Joined::BadLabel
        );
    }
    assert_eq!(
        app.store.staff_org(TARAS).unwrap(),
        None,
        "the code is not used up"
    );
    let joined = coordination::join(&app, TARAS, TARAS, Lang::En, &code, "Taras, psychologist")
        .await
        .unwrap()
        .into_inner();
    assert_eq!(
        joined,
        Joined::Member {
            org: "demo-rivnist-dnipro".into()
        }
    );
    let announced = NoticeKind::StaffJoined {
        org: "demo-rivnist-dnipro".into(),
        label: "Taras, psychologist".into(),
    };
    assert_eq!(notices_to(&app, OLENA)[0].kind, announced);
    assert_eq!(notices_to(&app, COORDINATOR)[0].kind, announced);
    assert!(notices_to(&app, TARAS).is_empty(), "not to themselves");
    let members = coordination::staff(&app, COORDINATOR, "demo-rivnist-dnipro")
        .unwrap()
        .unwrap();
    let labels: Vec<&str> = members.iter().map(|m| m.label.as_str()).collect();
    assert_eq!(labels, vec!["Member 6001", "Taras, psychologist"]);
    assert_eq!(members[1].joined_on, today());
    assert_eq!(
        coordination::staff(&app, OLENA, "demo-rivnist-dnipro")
            .unwrap()
            .err(),
        Some(Refusal::NotCoordinator)
    );
}

#[tokio::test]
async fn failed_invitations_are_counted_and_after_five_an_hour_nothing_is_checked() {
    let app = app();
    let valid = invitation(&app, "demo-rivnist-dnipro").await;
    let before = app.store.counter("security_events").unwrap();
    for n in 0..5 {
        assert_eq!(
            coordination::check_invitation(&app, STRANGER, &format!("guess{n:05}"))
                .await
                .unwrap()
                .into_inner(),
            JoinStep::Invalid
        );
    }
    assert_eq!(app.store.counter("security_events").unwrap(), before + 5);
    assert_eq!(
        coordination::check_invitation(&app, STRANGER, &valid)
            .await
            .unwrap()
            .into_inner(),
        JoinStep::TooManyTries,
        "refused without checking, even a valid code"
    );
    assert_eq!(
        coordination::join(&app, STRANGER, STRANGER, Lang::En, &valid, "Me")
            .await
            .unwrap()
            .into_inner(),
        Joined::TooManyTries
    );
    assert_eq!(app.store.staff_org(STRANGER).unwrap(), None);
    // Someone else may meanwhile.
    assert!(matches!(
        coordination::check_invitation(&app, OLENA, &valid)
            .await
            .unwrap()
            .into_inner(),
        JoinStep::AskLabel { .. }
    ));
}

#[tokio::test]
async fn a_removed_member_gets_nothing_more_and_no_button_works_for_them() {
    let app = app();
    joins(&app, "demo-rivnist-dnipro", OLENA).await;
    joins(&app, "demo-rivnist-dnipro", TARAS).await;
    let accepted = legal_request(&app).await;
    assert_eq!(
        help::decide(&app, TARAS, &accepted, Decision::Accept)
            .await
            .unwrap()
            .into_inner(),
        Acted::Changed(poruch::domain::ReferralStatus::Accepted)
    );
    let pending = legal_request(&app).await;
    notices(&app);
    // A message from her is queued for both, then Taras is removed before it is delivered.
    let _ = relay::to_organization(&app, HER, &accepted, relay::Content::Text("hello".into()))
        .await
        .unwrap();
    let taras = app.store.member_id(TARAS);
    assert_eq!(
        coordination::revoke(&app, OLENA, "demo-rivnist-dnipro", &taras)
            .await
            .unwrap()
            .into_inner(),
        Removed::Refused(Refusal::NotCoordinator),
        "only coordinators remove"
    );
    assert_eq!(
        coordination::revoke(&app, COORDINATOR, "demo-rivnist-dnipro", &taras)
            .await
            .unwrap()
            .into_inner(),
        Removed::Done {
            org: "demo-rivnist-dnipro".into(),
            label: "Member 6002".into()
        }
    );
    assert!(
        notices_to(&app, TARAS).is_empty(),
        "what was queued for them is dropped"
    );
    let told = NoticeKind::StaffLeft {
        org: "demo-rivnist-dnipro".into(),
        label: "Member 6002".into(),
        how: Departure::Revoked,
    };
    let to_olena = notices_to(&app, OLENA);
    assert!(to_olena.iter().any(|n| n.kind == told), "{to_olena:?}");
    assert!(
        to_olena
            .iter()
            .any(|n| matches!(n.kind, NoticeKind::RelayedToStaff { .. })),
        "the colleague still gets her message"
    );
    assert_eq!(notices_to(&app, COORDINATOR)[0].kind, told);
    // Nothing works for them any more.
    assert_eq!(
        help::decide(&app, TARAS, &pending, Decision::Accept)
            .await
            .unwrap()
            .into_inner(),
        Acted::Refused(Refusal::NotStaff)
    );
    assert_eq!(
        help::staff_view(&app, TARAS, &accepted).unwrap().err(),
        Some(Refusal::NotStaff)
    );
    assert_eq!(
        relay::to_requester(&app, TARAS, &accepted, "still here")
            .await
            .unwrap()
            .into_inner(),
        Err(Refusal::NotStaff)
    );
    assert!(overview::inbox(&app, TARAS).unwrap().is_err());
    // New requests reach only the colleague.
    legal_request(&app).await;
    assert!(notices_to(&app, TARAS).is_empty());
    assert_eq!(notices_to(&app, OLENA).len(), 1);
}

#[tokio::test]
async fn a_member_leaves_and_the_team_is_told() {
    let app = app();
    joins(&app, "demo-rivnist-dnipro", OLENA).await;
    joins(&app, "demo-rivnist-dnipro", TARAS).await;
    notices(&app);
    assert_eq!(
        coordination::leave(&app, TARAS).await.unwrap().into_inner(),
        Removed::Done {
            org: "demo-rivnist-dnipro".into(),
            label: "Member 6002".into()
        }
    );
    assert_eq!(app.store.staff_org(TARAS).unwrap(), None);
    assert!(matches!(
        notices_to(&app, OLENA)[0].kind,
        NoticeKind::StaffLeft {
            how: Departure::Left,
            ..
        }
    ));
    assert_eq!(
        coordination::leave(&app, TARAS).await.unwrap().into_inner(),
        Removed::NotMember
    );
}

#[tokio::test]
async fn a_suspended_organization_loses_access_at_once() {
    let app = app();
    joins(&app, "demo-rivnist-dnipro", OLENA).await;
    let code = legal_request(&app).await;
    assert!(help::staff_view(&app, OLENA, &code).unwrap().is_ok());
    let mut orgs = app.directory().organizations().to_vec();
    for org in orgs.iter_mut().filter(|o| o.id == "demo-rivnist-dnipro") {
        org.vetting.status = VettingStatus::Suspended;
    }
    app.replace_directory(SearchIndex::new(app.directory().taxonomy().clone(), orgs));
    assert_eq!(
        help::staff_view(&app, OLENA, &code).unwrap().err(),
        Some(Refusal::OrgInactive)
    );
    assert_eq!(
        help::decide(&app, OLENA, &code, Decision::Accept)
            .await
            .unwrap()
            .into_inner(),
        Acted::Refused(Refusal::OrgInactive)
    );
    assert_eq!(
        overview::inbox(&app, OLENA).unwrap().err(),
        Some(Refusal::OrgInactive)
    );
}
