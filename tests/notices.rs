//! Every kind of notice as the courier renders it at delivery, in both languages: accepted by
//! the Bot API rules (HTML, length, buttons), people's words escaped, protected, with its
//! actions as buttons whose tokens work only for the recipient.

#![allow(clippy::unwrap_used, clippy::expect_used)] // a test may stop at what it did not expect

mod support;

use poruch::app::act::Act;
use poruch::app::notice::{CannotTakeWhy, Counted, Departure, Notice, NoticeAction, NoticeKind};
use poruch::domain::audit::AuditAction;
use poruch::domain::expert::{ExpertAudience, ExpertNeed, Format, NeedKind};
use poruch::domain::feedback::{HelpAnswer, Side};
use poruch::domain::when::When;
use poruch::domain::{ContactChoice, HelpKind, Lang, Outcome, Timestamp};
use poruch::telegram::courier;
use support::handlers::*;
use support::telegram_rules::Spec;

const TO: i64 = 7_777;

fn need() -> ExpertNeed {
    ExpertNeed {
        kind: NeedKind::Training,
        topic: "crsv".into(),
        audience: ExpertAudience::Cadets,
        size: 40,
        format: Format::InPerson {
            region: "UA-46".into(),
        },
        when: When::Flexible,
    }
}

fn every_kind() -> Vec<NoticeKind> {
    let code = || "R-7K3Q".to_string();
    let ecode = || "E-7K3Q".to_string();
    let org = || "demo-rivnist-dnipro".to_string();
    let words = || "<b>мій</b> командир & co".to_string();
    vec![
        NoticeKind::NewReferral {
            code: code(),
            topic: "sexual-harassment".into(),
            region: "UA-12".into(),
            help: HelpKind::Legal,
            respond_by: Timestamp::from_secs(1_790_000_000),
        },
        NoticeKind::ReferralExpired { code: code() },
        NoticeKind::ReferralFinished { code: code() },
        NoticeKind::ReferralWithdrawn { code: code() },
        NoticeKind::ReferralForgotten { code: code() },
        NoticeKind::Accepted {
            code: code(),
            org: org(),
        },
        NoticeKind::Rerouted {
            code: code(),
            org: org(),
        },
        NoticeKind::Unplaced { code: code() },
        NoticeKind::CannotTake {
            code: code(),
            org: org(),
            why: CannotTakeWhy::Declined,
        },
        NoticeKind::CannotTake {
            code: code(),
            org: org(),
            why: CannotTakeWhy::NoAnswer,
        },
        NoticeKind::CannotTake {
            code: code(),
            org: org(),
            why: CannotTakeWhy::Lapsed,
        },
        NoticeKind::StillWaiting {
            code: code(),
            days: 6,
        },
        NoticeKind::WaitedOut { code: code() },
        NoticeKind::StaffJoined {
            org: org(),
            label: words(),
        },
        NoticeKind::StaffLeft {
            org: org(),
            label: words(),
            how: Departure::Revoked,
        },
        NoticeKind::StaffLeft {
            org: org(),
            label: words(),
            how: Departure::Left,
        },
        NoticeKind::Closed {
            code: code(),
            org: org(),
            outcome: Outcome::Helped,
        },
        NoticeKind::RelayedToStaff {
            code: code(),
            text: words(),
        },
        NoticeKind::RelayedFileToStaff {
            code: code(),
            from_chat: 1,
            message: 2,
        },
        NoticeKind::RelayedToRequester {
            code: code(),
            org: org(),
            text: words(),
        },
        NoticeKind::NewExpertRequest {
            code: ecode(),
            need: need(),
            body: Some(words()),
        },
        NoticeKind::OfferMade {
            code: ecode(),
            org: org(),
            proposal: words(),
        },
        NoticeKind::OfferPicked {
            code: ecode(),
            need: need(),
            body: None,
            contact: ContactChoice::ThroughBot,
        },
        NoticeKind::FilledByOther { code: ecode() },
        NoticeKind::ExpertWithdrawn { code: ecode() },
        NoticeKind::ExpertExpired { code: ecode() },
        NoticeKind::NoOffers {
            code: ecode(),
            days: 7,
        },
        NoticeKind::Question {
            code: ecode(),
            side: Side::Requester,
            org: org(),
            reminder: true,
        },
        NoticeKind::Question {
            code: code(),
            side: Side::HelpRequester,
            org: org(),
            reminder: false,
        },
        NoticeKind::Count {
            counted: Counted::ExpertNoOffer,
            count: 3,
        },
        NoticeKind::OrgChanged {
            org: org(),
            action: AuditAction::OrgEdited,
            fields: vec!["phone".into(), "hours".into()],
        },
        NoticeKind::OrgChanged {
            org: org(),
            action: AuditAction::OrgVetted,
            fields: vec!["vetting".into()],
        },
        NoticeKind::OrgChanged {
            org: org(),
            action: AuditAction::OrgSuspended,
            fields: vec!["vetting".into()],
        },
        NoticeKind::OrgChanged {
            org: org(),
            action: AuditAction::OrgReactivated,
            fields: vec!["vetting".into()],
        },
        NoticeKind::OrgChanged {
            org: org(),
            action: AuditAction::ChangeProposed,
            fields: vec!["phone".into()],
        },
        NoticeKind::OrgChanged {
            org: org(),
            action: AuditAction::ChangeApproved,
            fields: vec!["phone".into(), "regions".into()],
        },
        NoticeKind::OrgChanged {
            org: org(),
            action: AuditAction::ChangeRejected,
            fields: vec!["telegram".into()],
        },
        NoticeKind::VettingEnds {
            org: org(),
            until: chrono::NaiveDate::from_ymd_opt(2027, 10, 1).unwrap(),
            days: 7,
        },
        NoticeKind::VettingEnds {
            org: org(),
            until: chrono::NaiveDate::from_ymd_opt(2027, 10, 1).unwrap(),
            days: 0,
        },
        NoticeKind::RatingComment {
            code: ecode(),
            org: Some(org()),
            side: Side::Organization,
            stars: 4,
            text: words(),
        },
    ]
}

#[test]
fn every_notice_renders_in_both_languages_as_telegram_accepts_it() {
    let w = world();
    // In full, as for someone who chose full notices (discreet ones: below).
    w.store.set_full_notices(TO, true).unwrap();
    let spec = Spec::load();
    for lang in [Lang::Uk, Lang::En] {
        w.store.set_user_language(TO, lang).unwrap();
        let mut texts = std::collections::HashSet::new();
        for kind in every_kind() {
            let notice = Notice::new(TO, kind.clone())
                .with(NoticeAction::Do(Act::Write("R-7K3Q".into())))
                .with(NoticeAction::Do(Act::HelpAnswered(
                    "R-7K3Q".into(),
                    HelpAnswer::Partly,
                )))
                .with(NoticeAction::OrgCard("demo-rivnist-dnipro".into()))
                .with(NoticeAction::Find);
            let rendered = courier::render(&w.ctx, &notice).unwrap();
            assert!(rendered.protect_content);
            for (i, part) in rendered.parts.iter().enumerate() {
                let mut body =
                    serde_json::json!({"chat_id": TO, "text": part, "parse_mode": "HTML"});
                if i + 1 == rendered.parts.len() {
                    body["reply_markup"] =
                        serde_json::from_str(rendered.keyboard.as_deref().unwrap()).unwrap();
                }
                spec.check("sendMessage", &body)
                    .unwrap_or_else(|e| panic!("{kind:?} in {lang:?}: {e:?}: {part}"));
                assert!(
                    !part.contains("<b>мій</b>"),
                    "people's words are escaped: {part}"
                );
                assert!(
                    !part.contains("demo-rivnist-dnipro"),
                    "names, not ids: {part}"
                );
            }
            texts.insert(rendered.parts.concat());
            let buttons = notice_buttons_of(rendered.keyboard.as_deref().unwrap());
            assert_eq!(buttons.len(), 4, "{kind:?}");
            let labels: Vec<&str> = buttons.iter().map(|(l, _)| l.as_str()).collect();
            let expected = match lang {
                Lang::Uk => [
                    "💬 Написати",
                    "Частково",
                    "Про організацію",
                    "🔎 Знайти підтримку",
                ],
                Lang::En => [
                    "💬 Write",
                    "Partly",
                    "About the organization",
                    "🔎 Find support",
                ],
            };
            assert_eq!(labels, expected, "{kind:?}");
            // The Write token is the recipient's alone.
            let token = buttons[0].1.strip_prefix("1:x:").unwrap();
            assert!(
                w.store
                    .redeem_token(token, TO, w.ctx.app.now())
                    .unwrap()
                    .is_ok()
            );
            assert!(
                w.store
                    .redeem_token(token, TO + 1, w.ctx.app.now())
                    .unwrap()
                    .is_err()
            );
        }
        assert_eq!(
            texts.len(),
            every_kind().len(),
            "each kind says something of its own"
        );
    }
}

#[test]
fn a_long_relayed_text_is_split_and_the_buttons_go_with_the_last_part() {
    let w = world();
    w.store.set_full_notices(TO, true).unwrap();
    let notice = Notice::new(
        TO,
        NoticeKind::RelayedToRequester {
            code: "R-7K3Q".into(),
            org: "demo-rivnist-dnipro".into(),
            text: "слово ".repeat(1_500),
        },
    )
    .with(NoticeAction::Do(Act::Write("R-7K3Q".into())));
    let rendered = courier::render(&w.ctx, &notice).unwrap();
    assert!(rendered.parts.len() >= 2);
    assert!(
        rendered
            .parts
            .iter()
            .all(|p| p.encode_utf16().count() <= 4096)
    );
    assert!(rendered.keyboard.is_some());
}

#[test]
fn an_organization_that_cannot_take_it_asks_her_with_pass_on_withdraw_and_urgent_help() {
    let w = world();
    w.store.set_full_notices(TO, true).unwrap();
    for (lang, labels) in [
        (
            Lang::Uk,
            [
                "➡️ Передати іншій організації",
                "Так, відкликати",
                "🆘 Термінова допомога",
            ],
        ),
        (
            Lang::En,
            [
                "➡️ Pass it on to another organization",
                "Yes, withdraw",
                "🆘 Urgent help",
            ],
        ),
    ] {
        w.store.set_user_language(TO, lang).unwrap();
        let notice = Notice::new(
            TO,
            NoticeKind::CannotTake {
                code: "R-7K3Q".into(),
                org: "demo-rivnist-dnipro".into(),
                why: CannotTakeWhy::NoAnswer,
            },
        )
        .with(NoticeAction::Do(Act::PassOn("R-7K3Q".into())))
        .with(NoticeAction::Do(Act::WithdrawConfirmed("R-7K3Q".into())))
        .with(NoticeAction::Urgent);
        let rendered = courier::render(&w.ctx, &notice).unwrap();
        let buttons = notice_buttons_of(rendered.keyboard.as_deref().unwrap());
        let shown: Vec<&str> = buttons.iter().map(|(l, _)| l.as_str()).collect();
        assert_eq!(shown, labels);
        assert_eq!(buttons[2].1, "1:u", "urgent help needs no token");
        let text = rendered.parts.concat();
        assert!(text.contains("R-7K3Q"), "{text}");
    }
}

#[tokio::test]
async fn notices_about_her_own_request_are_discreet_until_she_presses_show() {
    let w = world();
    let spec = Spec::load();
    for (lang, news, show) in [
        (Lang::Uk, "Є новини щодо вашого запиту R-7K3Q", "👁 Показати"),
        (Lang::En, "There is news on your request R-7K3Q", "👁 Show"),
    ] {
        w.store.set_user_language(TO, lang).unwrap();
        let mut discreet = 0;
        for kind in every_kind() {
            let notice =
                Notice::new(TO, kind.clone()).with(NoticeAction::Do(Act::Write("R-7K3Q".into())));
            let rendered = courier::render(&w.ctx, &notice).unwrap();
            let full = courier::text(&w.ctx, lang, &kind);
            if !kind.about_her_own_request() {
                assert_eq!(
                    rendered.parts.concat(),
                    full,
                    "staff see it in full: {kind:?}"
                );
                continue;
            }
            discreet += 1;
            // On the lock screen: that there is news, and nothing of what it is.
            let code = kind.code().unwrap();
            let text = rendered.parts.concat();
            assert_eq!(
                text,
                format!("🔔 {}.", news.replace("R-7K3Q", code)),
                "{kind:?}"
            );
            assert!(!text.contains("Демо") && !text.contains("Demo") && !text.contains("мій"));
            assert!(rendered.protect_content);
            let body = serde_json::json!({
                "chat_id": TO, "text": text, "parse_mode": "HTML",
                "reply_markup": serde_json::from_str::<serde_json::Value>(
                    rendered.keyboard.as_deref().unwrap()).unwrap(),
            });
            spec.check("sendMessage", &body).unwrap();
            let buttons = notice_buttons_of(rendered.keyboard.as_deref().unwrap());
            assert_eq!(buttons.len(), 2);
            assert_eq!(buttons[0].0, show);
            assert_eq!(buttons[1].1, "1:u", "urgent help");
            // Show: the notice itself, once, for her alone.
            let token = buttons[0].1.strip_prefix("1:x:").unwrap();
            let encoded = w
                .store
                .redeem_token(token, TO, w.ctx.app.now())
                .unwrap()
                .unwrap();
            let Some(Act::Reveal(id)) = Act::decode(&encoded) else {
                panic!("{encoded}");
            };
            assert_eq!(
                poruch::app::discreet::reveal(&w.ctx.app, TO + 1, id)
                    .await
                    .unwrap()
                    .into_inner(),
                None,
                "not someone else's"
            );
            let revealed = poruch::app::discreet::reveal(&w.ctx.app, TO, id)
                .await
                .unwrap()
                .into_inner()
                .unwrap();
            assert_eq!(revealed.kind, kind);
            assert_eq!(courier::screen(&w.ctx, &revealed).unwrap().text, full);
            assert_eq!(
                poruch::app::discreet::reveal(&w.ctx.app, TO, id)
                    .await
                    .unwrap()
                    .into_inner(),
                None,
                "once"
            );
        }
        assert!(discreet >= 10, "{discreet}");
    }
}

fn notice_buttons_of(keyboard: &str) -> Vec<(String, String)> {
    let markup: teloxide::types::InlineKeyboardMarkup = serde_json::from_str(keyboard).unwrap();
    markup
        .inline_keyboard
        .into_iter()
        .flatten()
        .filter_map(|b| match b.kind {
            InlineKeyboardButtonKind::CallbackData(d) => Some((b.text, d)),
            _ => None,
        })
        .collect()
}
