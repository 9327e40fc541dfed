//! The directory as coordinators keep it, at the use-case level: vetting reminders, vetting and
//! suspension, and what staff may change themselves.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod support;

use poruch::app::directory::{self, NotSaved};
use poruch::app::notice::NoticeKind;
use poruch::domain::VettingStatus;
use poruch::domain::audit::AuditAction;
use support::app::{COORDINATOR, app, joins, later, notices, today};

const ORG: &str = "demo-rivnist-dnipro";
const STAFF: i64 = 800_001;

/// Days from `today()` (2026-11-22) to the demo directory's vetting end (2027-10-01).
const DAYS_TO_EXPIRY: u64 = 313;

/// Runs the reminders; how many organizations were reminded.
async fn remind(app: &poruch::app::App) -> usize {
    directory::remind_vetting(app).await.unwrap().into_inner()
}

fn vetting_notices(app: &poruch::app::App) -> Vec<(i64, String, i64)> {
    notices(app)
        .into_iter()
        .filter_map(|n| match n.kind {
            NoticeKind::VettingEnds { org, days, .. } => Some((n.to, org, days)),
            _ => None,
        })
        .filter(|(_, org, _)| org == ORG)
        .collect()
}

#[tokio::test]
async fn staff_and_coordinators_are_reminded_30_and_7_days_before_vetting_ends_and_when_it_ended() {
    let app = app();
    joins(&app, ORG, STAFF).await;
    notices(&app);

    let quiet = later(&app, DAYS_TO_EXPIRY - 31);
    remind(&quiet).await;
    assert!(
        vetting_notices(&quiet).is_empty(),
        "31 days before: nothing yet"
    );

    let month = later(&app, DAYS_TO_EXPIRY - 30);
    remind(&month).await;
    let told = vetting_notices(&month);
    assert_eq!(told.len(), 2, "{told:?}");
    assert!(told.contains(&(STAFF, ORG.into(), 30)));
    assert!(told.contains(&(COORDINATOR, ORG.into(), 30)));
    remind(&later(&app, DAYS_TO_EXPIRY - 29)).await;
    assert!(vetting_notices(&app).is_empty(), "once per stage");

    let week = later(&app, DAYS_TO_EXPIRY - 6);
    remind(&week).await;
    assert_eq!(vetting_notices(&week).len(), 2);

    let after = later(&app, DAYS_TO_EXPIRY + 1);
    remind(&after).await;
    let ended = vetting_notices(&after);
    assert!(ended.contains(&(STAFF, ORG.into(), 0)), "{ended:?}");
    assert!(
        after.directory().visible(ORG, after.today()).is_none(),
        "out of search"
    );

    // Vetted again: a new date, so its reminders start afresh — and it is back in search.
    directory::vet(&after, COORDINATOR, ORG, None)
        .await
        .unwrap()
        .into_inner()
        .unwrap();
    assert!(after.directory().visible(ORG, after.today()).is_some());
    let org = after.directory().find(ORG).cloned().unwrap();
    assert_eq!(org.vetting.vetted_on, after.today());
    assert_eq!(
        org.vetting.expires_on,
        directory::default_expiry(after.today())
    );
    assert_eq!(org.vetting.status, VettingStatus::Active);
}

#[tokio::test]
async fn a_suspended_organization_gets_no_reminder_and_its_team_is_told() {
    let app = app();
    joins(&app, ORG, STAFF).await;
    notices(&app);
    directory::set_suspended(&app, COORDINATOR, ORG, true)
        .await
        .unwrap()
        .into_inner()
        .unwrap();
    let told = notices(&app);
    assert!(told.iter().any(|n| n.to == STAFF
        && matches!(
            &n.kind,
            NoticeKind::OrgChanged {
                action: AuditAction::OrgSuspended,
                ..
            }
        )));
    let month = later(&app, DAYS_TO_EXPIRY - 30);
    remind(&month).await;
    assert!(vetting_notices(&month).is_empty());
}

#[tokio::test]
async fn only_coordinators_vet_and_staff_change_only_their_own_card_and_only_some_fields() {
    let app = app();
    joins(&app, ORG, STAFF).await;
    let refused = directory::vet(&app, STAFF, ORG, None)
        .await
        .unwrap()
        .into_inner();
    assert!(matches!(refused, Err(NotSaved::Refused(_))));

    let stored = app.store.organization(ORG).unwrap().unwrap();
    let mut other = app.store.organization("demo-shchyt-kyiv").unwrap().unwrap();
    let read = other.clone();
    other.response_hours = 48;
    let refused = directory::edit_own(&app, STAFF, other, &read)
        .await
        .unwrap()
        .into_inner();
    assert!(
        matches!(refused, Err(NotSaved::Refused(_))),
        "not their organization"
    );

    let mut mine = stored.clone();
    mine.response_hours = 48;
    mine.contacts.website = Some("https://example.org/elsewhere".into());
    let refused = directory::edit_own(&app, STAFF, mine, &stored)
        .await
        .unwrap()
        .into_inner();
    assert_eq!(refused, Err(NotSaved::NotYours(vec!["website"])));
    assert_eq!(
        app.directory().find(ORG).unwrap().response_hours,
        stored.response_hours
    );

    let mut mine = stored.clone();
    mine.response_hours = 48;
    let saved = directory::edit_own(&app, STAFF, mine, &stored)
        .await
        .unwrap()
        .into_inner();
    assert_eq!(saved.unwrap().fields, ["response_hours"]);
    assert_eq!(app.directory().find(ORG).unwrap().response_hours, 48);
    assert_eq!(today(), app.today());
}
