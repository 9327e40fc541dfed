//! Requests for trainers and experts, and the questions afterwards, at the use-case level:
//! on a temporary store with the demo directory and a fixed clock, reading the typed notices
//! the use cases queue. Offers and picks at once, the background checks, who may do what.

#![allow(clippy::unwrap_used, clippy::expect_used)] // a test may stop at what it did not expect

mod support;

use chrono::NaiveDate;
use poruch::app::access::Refusal;
use poruch::app::act::Act;
use poruch::app::expert::{self, Answered, NewExpertRequest, PickOutcome, Submitted, Withdrawn};
use poruch::app::feedback::{self, Answered as FeedbackAnswered, FeedbackAnswer};
use poruch::app::notice::{Counted, NoticeAction, NoticeKind};
use poruch::domain::expert::{ExpertAudience, ExpertNeed, ExpertStatus, Format, NeedKind};
use poruch::domain::feedback::Side;
use poruch::domain::when::When;
use poruch::domain::{ContactChoice, Lang};
use support::app::*;

const HER: i64 = 9_101;
const KURS: i64 = 5_001;
const AKADEMIYA: i64 = 5_002;
const RIVNIST: i64 = 5_003;

fn day(m: u32, d: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(2027, m, d).expect("a date")
}

/// A training on CRSV for 40 cadets in Lviv, 12–15 March 2027: demo-kurs-lviv (there) and
/// demo-akademiya-1325 (nationwide) may offer.
fn training_in_lviv(contact: ContactChoice) -> NewExpertRequest {
    NewExpertRequest {
        need: ExpertNeed {
            kind: NeedKind::Training,
            topic: "crsv".into(),
            audience: ExpertAudience::Cadets,
            size: 40,
            format: Format::InPerson {
                region: "UA-46".into(),
            },
            when: When::Between(day(3, 12), day(3, 15)),
        },
        body: Some("Військовий ліцей".into()),
        contact,
        from_draft: false,
    }
}

async fn world() -> poruch::app::App {
    let app = app();
    joins(&app, "demo-kurs-lviv", KURS).await;
    joins(&app, "demo-akademiya-1325", AKADEMIYA).await;
    joins(&app, "demo-rivnist-dnipro", RIVNIST).await;
    notices(&app); // the announcements of the joins
    app
}

async fn sent(app: &poruch::app::App, request: NewExpertRequest) -> String {
    match expert::submit(app, HER, Lang::En, request)
        .await
        .expect("stored")
        .into_inner()
    {
        Submitted::Sent { code, orgs } => {
            assert_eq!(orgs, 2);
            code
        }
        other => panic!("not sent: {other:?}"),
    }
}

async fn offers(app: &poruch::app::App, who: i64, code: &str, text: &str) {
    assert_eq!(
        expert::propose(app, who, code, text)
            .await
            .unwrap()
            .into_inner(),
        Answered::Done
    );
}

#[tokio::test]
async fn every_eligible_organization_is_asked_without_her_contact() {
    let app = world().await;
    let code = sent(
        &app,
        training_in_lviv(ContactChoice::Telegram("@adviser".into())),
    )
    .await;
    for staff in [KURS, AKADEMIYA] {
        let told = notices_to(&app, staff);
        assert_eq!(told.len(), 1);
        assert!(
            matches!(&told[0].kind, NoticeKind::NewExpertRequest { code: c, .. } if *c == code)
        );
        assert_eq!(
            told[0].actions,
            vec![
                NoticeAction::Do(Act::Offer(code.clone())),
                NoticeAction::Do(Act::Pass(code.clone()))
            ]
        );
        assert!(!told[0].encode().contains("@adviser"));
    }
    assert!(notices_to(&app, RIVNIST).is_empty(), "not a trainer");
}

#[tokio::test]
async fn nobody_eligible_stores_nothing_and_coordinators_get_a_count() {
    let app = world().await;
    let mut online_lecture = training_in_lviv(ContactChoice::ThroughBot);
    online_lecture.need.topic = "uniform-equipment".into();
    assert_eq!(
        expert::submit(&app, HER, Lang::En, online_lecture)
            .await
            .unwrap()
            .into_inner(),
        Submitted::NoOrganization
    );
    assert!(app.store.expert_requests_of(HER).unwrap().is_empty());
    assert!(matches!(
        notices_to(&app, COORDINATOR)[0].kind,
        NoticeKind::Count {
            counted: Counted::ExpertUnplaced,
            count: 1
        }
    ));
}

#[tokio::test]
async fn offers_at_once_are_kept_and_picks_at_once_fill_it_once() {
    for round in 0..10 {
        let app = world().await;
        let code = sent(&app, training_in_lviv(ContactChoice::ThroughBot)).await;
        let (a, b) = tokio::join!(
            expert::propose(&app, KURS, &code, "Тренінг, 2 дні"),
            expert::propose(&app, AKADEMIYA, &code, "A lecture")
        );
        assert_eq!(
            (a.unwrap().into_inner(), b.unwrap().into_inner()),
            (Answered::Done, Answered::Done)
        );
        let offered = notices_to(&app, HER);
        assert_eq!(offered.len(), 2, "she is told of each offer");
        assert!(
            offered
                .iter()
                .all(|n| matches!(n.kind, NoticeKind::OfferMade { .. }))
        );
        notices(&app);
        // She taps both Picks at once (or one twice, on odd rounds).
        let (first, second) = if round % 2 == 0 {
            ("demo-kurs-lviv", "demo-akademiya-1325")
        } else {
            ("demo-kurs-lviv", "demo-kurs-lviv")
        };
        let (x, y) = tokio::join!(
            expert::pick(&app, HER, &code, first),
            expert::pick(&app, HER, &code, second)
        );
        let outcomes = [x.unwrap().into_inner(), y.unwrap().into_inner()];
        let picked = outcomes
            .iter()
            .filter(|o| matches!(o, PickOutcome::Picked { .. }))
            .count();
        if first == second {
            assert_eq!(picked, 2, "a double tap is the same pick: {outcomes:?}");
        } else {
            assert_eq!(picked, 1, "{outcomes:?}");
            assert!(outcomes.contains(&PickOutcome::Taken));
        }
        let told = notices(&app);
        let chosen: Vec<_> = told
            .iter()
            .filter(|n| matches!(n.kind, NoticeKind::OfferPicked { .. }))
            .collect();
        assert_eq!(chosen.len(), 1, "one set of notices: {told:?}");
        let ExpertStatus::Filled { org } = app.store.expert_request(&code).unwrap().unwrap().1
        else {
            panic!("not filled");
        };
        assert!([first, second].contains(&org.as_str()));
    }
}

#[tokio::test]
async fn the_chosen_organization_gets_her_contact_and_the_other_is_told() {
    let app = world().await;
    let code = sent(
        &app,
        training_in_lviv(ContactChoice::Phone("+380 67 000 11 22".into())),
    )
    .await;
    offers(&app, KURS, &code, "Тренінг").await;
    offers(&app, AKADEMIYA, &code, "Lecture").await;
    notices(&app);
    assert_eq!(
        expert::pick(&app, HER, &code, "demo-kurs-lviv")
            .await
            .unwrap()
            .into_inner(),
        PickOutcome::Picked {
            org: "demo-kurs-lviv".into(),
            contact: ContactChoice::Phone("+380 67 000 11 22".into())
        }
    );
    let kurs = notices_to(&app, KURS);
    assert!(matches!(
        &kurs[0].kind,
        NoticeKind::OfferPicked { contact: ContactChoice::Phone(p), .. } if p == "+380 67 000 11 22"
    ));
    assert!(kurs[0].actions.is_empty(), "a shared phone: no relay");
    assert_eq!(
        notices_to(&app, AKADEMIYA)[0].kind,
        NoticeKind::FilledByOther { code: code.clone() }
    );
    assert_eq!(
        expert::propose(&app, AKADEMIYA, &code, "late")
            .await
            .unwrap()
            .into_inner(),
        Answered::NotOpen
    );
}

#[tokio::test]
async fn only_the_organizations_asked_and_only_she_may_act() {
    let app = world().await;
    let code = sent(&app, training_in_lviv(ContactChoice::ThroughBot)).await;
    assert_eq!(
        expert::propose(&app, RIVNIST, &code, "x")
            .await
            .unwrap()
            .into_inner(),
        Answered::Refused(Refusal::NotAssigned)
    );
    assert_eq!(
        expert::pass(&app, HER, &code).await.unwrap().into_inner(),
        Answered::Refused(Refusal::NotStaff)
    );
    assert_eq!(
        expert::pick(&app, KURS, &code, "demo-kurs-lviv")
            .await
            .unwrap()
            .into_inner(),
        PickOutcome::Refused(Refusal::NotOwner)
    );
    assert_eq!(
        expert::withdraw(&app, KURS, &code)
            .await
            .unwrap()
            .into_inner(),
        Withdrawn::Refused(Refusal::NotOwner)
    );
    assert_eq!(
        expert::pick(&app, HER, &code, "demo-kurs-lviv")
            .await
            .unwrap()
            .into_inner(),
        PickOutcome::NotOpen,
        "no offer to pick"
    );
    assert_eq!(
        expert::pass(&app, KURS, &code).await.unwrap().into_inner(),
        Answered::Done
    );
    assert_eq!(
        expert::propose(&app, KURS, &code, "changed my mind")
            .await
            .unwrap()
            .into_inner(),
        Answered::NotOpen,
        "an organization answers once"
    );
    assert_eq!(
        expert::propose(&app, AKADEMIYA, &code, &"x".repeat(1001))
            .await
            .unwrap()
            .into_inner(),
        Answered::TooLong
    );
    assert_eq!(
        app.store.expert_request(&code).unwrap().unwrap().1,
        ExpertStatus::Open
    );
}

#[tokio::test]
async fn withdrawing_tells_those_who_offered() {
    let app = world().await;
    let code = sent(&app, training_in_lviv(ContactChoice::ThroughBot)).await;
    offers(&app, KURS, &code, "Тренінг").await;
    notices(&app);
    assert_eq!(
        expert::withdraw(&app, HER, &code)
            .await
            .unwrap()
            .into_inner(),
        Withdrawn::Done
    );
    assert_eq!(
        notices_to(&app, KURS)[0].kind,
        NoticeKind::ExpertWithdrawn { code: code.clone() }
    );
    assert!(notices_to(&app, AKADEMIYA).is_empty(), "it did not offer");
    assert_eq!(
        expert::withdraw(&app, HER, &code)
            .await
            .unwrap()
            .into_inner(),
        Withdrawn::NotOpen
    );
}

#[tokio::test]
async fn no_offer_in_seven_days_is_reported_once_and_passed_dates_close_it() {
    let app = world().await;
    let code = sent(&app, training_in_lviv(ContactChoice::ThroughBot)).await;
    notices(&app);
    let checked = |app: poruch::app::App| async move {
        expert::check_open_requests(&app)
            .await
            .unwrap()
            .into_inner()
    };
    assert_eq!(checked(later(&app, 6)).await.reported, 0);
    assert_eq!(checked(later(&app, 7)).await.reported, 1);
    assert_eq!(checked(later(&app, 7)).await.reported, 0, "once");
    let told = notices_to(&app, HER);
    assert_eq!(
        told[0].kind,
        NoticeKind::NoOffers {
            code: code.clone(),
            days: 7
        }
    );
    assert_eq!(
        told[0].actions,
        vec![NoticeAction::Find, NoticeAction::Materials]
    );
    assert!(matches!(
        notices_to(&app, COORDINATOR)[0].kind,
        NoticeKind::Count {
            counted: Counted::ExpertNoOffer,
            count: 1
        }
    ));
    assert_eq!(checked(app.on_day(day(3, 16))).await.expired, 1);
    assert_eq!(
        app.store.expert_request(&code).unwrap().unwrap().1,
        ExpertStatus::Expired
    );
    assert_eq!(
        notices_to(&app, HER)[0].kind,
        NoticeKind::ExpertExpired { code: code.clone() }
    );
    assert!(
        app.store
            .expert_requests_for("demo-kurs-lviv")
            .unwrap()
            .is_empty()
    );
}

#[tokio::test]
async fn both_sides_are_asked_after_the_dates_with_one_reminder_and_a_rating_counts_once() {
    let app = world().await;
    let code = sent(&app, training_in_lviv(ContactChoice::ThroughBot)).await;
    offers(&app, KURS, &code, "Тренінг").await;
    assert!(matches!(
        expert::pick(&app, HER, &code, "demo-kurs-lviv")
            .await
            .unwrap()
            .into_inner(),
        PickOutcome::Picked { .. }
    ));
    notices(&app);
    let asked =
        |app: poruch::app::App| async move { feedback::ask_due(&app).await.unwrap().into_inner() };
    assert_eq!(asked(app.on_day(day(3, 15))).await, 0, "during the dates");
    assert_eq!(asked(app.on_day(day(3, 16))).await, 2);
    let hers = notices_to(&app, HER);
    assert_eq!(
        hers[0].kind,
        NoticeKind::Question {
            code: code.clone(),
            side: Side::Requester,
            org: "demo-kurs-lviv".into(),
            reminder: false
        }
    );
    assert_eq!(
        hers[0].actions,
        vec![
            NoticeAction::Do(Act::TookPlace(code.clone(), Side::Requester, true)),
            NoticeAction::Do(Act::TookPlace(code.clone(), Side::Requester, false)),
        ]
    );
    assert!(matches!(
        notices_to(&app, KURS)[0].kind,
        NoticeKind::Question {
            side: Side::Organization,
            ..
        }
    ));

    // She: it took place, 5 stars; a second 5 changes nothing; a comment reaches coordinators.
    let answer = |who, side, a| {
        let (app, code) = (app.clone(), code.clone());
        async move {
            feedback::answer(&app, who, &code, side, a)
                .await
                .unwrap()
                .into_inner()
        }
    };
    assert_eq!(
        answer(HER, Side::Requester, FeedbackAnswer::TookPlace(true)).await,
        FeedbackAnswered::AskRating
    );
    assert_eq!(
        answer(AKADEMIYA, Side::Requester, FeedbackAnswer::Rate(1)).await,
        FeedbackAnswered::Refused(Refusal::NotOwner),
        "not hers to answer"
    );
    assert_eq!(
        answer(HER, Side::Requester, FeedbackAnswer::Rate(5)).await,
        FeedbackAnswered::Rated
    );
    assert_eq!(
        answer(HER, Side::Requester, FeedbackAnswer::Rate(5)).await,
        FeedbackAnswered::AlreadyAnswered
    );
    assert_eq!(app.store.ratings("demo-kurs-lviv").unwrap().count, 1);
    let _ = feedback::comment(&app, &code, Side::Requester, 5, "Great <3")
        .await
        .unwrap();
    assert!(matches!(
        &notices_to(&app, COORDINATOR)[0].kind,
        NoticeKind::RatingComment { stars: 5, text, org: Some(org), .. }
            if text == "Great <3" && org == "demo-kurs-lviv"
    ));

    // The organization did not answer: one reminder three days later, then no more.
    assert_eq!(asked(app.on_day(day(3, 19))).await, 1);
    assert!(matches!(
        notices_to(&app, KURS)[0].kind,
        NoticeKind::Question { reminder: true, .. }
    ));
    assert_eq!(asked(app.on_day(day(4, 30))).await, 0);
    assert_eq!(
        answer(KURS, Side::Organization, FeedbackAnswer::TookPlace(false)).await,
        FeedbackAnswered::NotHeld
    );
    assert_eq!(app.store.counter("not_held").unwrap(), 1);
}
