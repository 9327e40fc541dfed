//! Handler tests of confidential help requests, in both languages: the requester's dialogue,
//! staff's inbox and decisions, re-routing, the anonymous relay, /my, pause and resume, and
//! the refusals of forged, replayed and other people's buttons. Notices go through the outbox,
//! which these tests read (and check against the Bot API rules) instead of a worker.
#![allow(clippy::unwrap_used, clippy::expect_used)] // a test may stop at what it did not expect

mod support;

use poruch::app::help::{self, Decision};
use poruch::domain::{HelpKind, ReferralStatus};
use poruch::telegram::dialogue::state::{Draft, Step};
use support::handlers::*;
use support::people::*;
use teloxide_tests::MockPrivateChat;

/// The requester: the mock library's default user, in her own private chat.
const HER: i64 = MockUser::ID as i64;
/// Staff of demo-rivnist-dnipro (the only organization taking legal help on sexual
/// harassment in Dnipropetrovsk oblast).
const RIVNIST_STAFF: i64 = 4001;
/// Staff of the two organizations taking psychological help on CRSV in Kharkiv oblast.
const SVITANOK_STAFF: i64 = 4002;
const PSY_LINIYA_STAFF: i64 = 4003;
/// Staff of an unrelated organization.
const OTHER_STAFF: i64 = 4004;

fn code_in(text: &str) -> String {
    let at = text
        .find("R-")
        .unwrap_or_else(|| panic!("no code in {text}"));
    text[at..at + 6].to_string()
}

struct Texts {
    topic: &'static str,
    region_step: &'static str,
    kind_step: &'static str,
    description_step: &'static str,
    contact_step: &'static str,
    consent: &'static str,
    nothing_to_command: &'static str,
    sent: &'static str,
    staff_notice: &'static str,
}

const UK: Texts = Texts {
    topic: "Крок 1 з 5",
    region_step: "Крок 2 з 5",
    kind_step: "Крок 3 з 5",
    description_step: "Крок 4 з 5",
    contact_step: "Крок 5 з 5",
    consent: "Запит отримає спершу",
    nothing_to_command: "«Поруч» нічого не надсилає вашому командуванню чи підрозділу",
    sent: "Надіслано. Ваш код запиту: <code>R-",
    staff_notice: "Новий запит",
};

const EN: Texts = Texts {
    topic: "Step 1 of 5",
    region_step: "Step 2 of 5",
    kind_step: "Step 3 of 5",
    description_step: "Step 4 of 5",
    contact_step: "Step 5 of 5",
    consent: "The request goes first to",
    nothing_to_command: "Poruch sends nothing to your command or unit",
    sent: "Sent. Your reference code: <code>R-",
    staff_notice: "New request",
};

const CANARY: &str = "CANARY-командир-7731 <script>";

/// Walks the requester from /request to the consent screen (legal help on sexual harassment
/// in Dnipropetrovsk oblast, described, anonymous), checking each step's screen.
async fn walk_to_consent(
    bot: &mut MockBot<
        Box<dyn std::error::Error + Send + Sync>,
        teloxide_tests::mock_bot::DistributionKey,
    >,
    lang: &str,
    t: &Texts,
) -> String {
    bot.update(says(HER, lang, "/request"));
    bot.dispatch().await;
    let r = bot.get_responses();
    assert!(last_text(&r).contains(t.topic), "{}", last_text(&r));
    assert!(has_button(&r, "1:dt:sexual-harassment"));
    assert!(
        has_button(&r, "1:dt:not-sure"),
        "not sure / other is offered"
    );
    assert!(
        !has_button(&r, "1:dt:training"),
        "no trainings in a request for help"
    );
    assert!(has_button(&r, "1:dx"), "cancel is offered at every step");
    assert!(has_button(&r, "1:u"), "urgent help at every step");
    assert!(
        !has_button(&r, "1:db"),
        "nothing to go back to on the first step"
    );

    bot.update(presses(HER, lang, "1:dt:sexual-harassment"));
    bot.dispatch().await;
    let r = bot.get_responses();
    assert_eq!(r.answered_callback_queries.len(), 1);
    assert!(last_text(&r).contains(t.region_step));
    // Type a place, or all of Ukraine, or the list — not a 17-row grid.
    assert!(has_button(&r, "1:dr:national") && has_button(&r, "1:drl"));
    assert!(!has_button(&r, "1:dr:UA-12"));
    assert!(has_button(&r, "1:db") && has_button(&r, "1:u"));

    // A place can be typed, as in search.
    bot.update(says(HER, lang, "Дніпро"));
    bot.dispatch().await;
    let r = bot.get_responses();
    assert!(last_text(&r).contains(t.kind_step), "{}", last_text(&r));
    assert!(has_button(&r, "1:dk:legal") && has_button(&r, "1:dk:shelter"));
    assert!(has_button(&r, "1:db") && has_button(&r, "1:u"));

    bot.update(presses(HER, lang, "1:dk:legal"));
    bot.dispatch().await;
    let r = bot.get_responses();
    assert!(last_text(&r).contains(t.description_step));
    assert!(has_button(&r, "1:dd"), "the description can be skipped");
    assert!(has_button(&r, "1:db") && has_button(&r, "1:u"));

    bot.update(says(HER, lang, CANARY));
    bot.dispatch().await;
    let r = bot.get_responses();
    assert!(last_text(&r).contains(t.contact_step));
    assert!(has_button(&r, "1:dcb") && has_button(&r, "1:dcs"));
    assert!(has_button(&r, "1:db") && has_button(&r, "1:u"));

    bot.update(presses(HER, lang, "1:dcb"));
    bot.dispatch().await;
    let r = bot.get_responses();
    let consent = last_text(&r);
    assert!(consent.contains(t.consent), "{consent}");
    assert!(consent.contains(t.nothing_to_command), "{consent}");
    assert!(has_button(&r, "1:ds"));
    assert!(has_button(&r, "1:dop") && has_button(&r, "1:doa"));
    assert!(has_button(&r, "1:db") && has_button(&r, "1:u"));
    consent
}

#[tokio::test]
async fn a_requester_walks_every_step_and_gets_a_code_only_once_it_is_stored() {
    for (lang, t) in [("uk", &UK), ("en", &EN)] {
        let w = world();
        join(&w, "demo-rivnist-dnipro", RIVNIST_STAFF, lang).await;
        let mut bot = bot_with(&w, says(HER, lang, "/start"));
        bot.dispatch().await;
        let consent = walk_to_consent(&mut bot, lang, t).await;
        // The consent screen shows exactly what the organization will see, escaped.
        assert!(
            consent.contains("CANARY-командир-7731 &lt;script&gt;"),
            "{consent}"
        );
        assert!(
            w.store.requests_of(HER).unwrap().is_empty(),
            "nothing stored before Send"
        );

        bot.update(presses(HER, lang, "1:ds"));
        bot.dispatch().await;
        let r = bot.get_responses();
        let sent = last_text(&r);
        assert!(sent.contains(t.sent), "{sent}");
        let code = code_in(&sent);
        assert_eq!(w.store.requests_of(HER).unwrap(), vec![code.clone()]);
        let request = w.store.help_request(&code).unwrap().unwrap();
        assert_eq!(request.description.as_deref(), Some(CANARY));
        assert_eq!(request.kind, HelpKind::Legal);
        assert_eq!(request.region, "UA-12");
        bot.assert_state(State::Idle).await;

        // Staff get only the code, topic, region and kind — and a button to open it.
        let notices = take_queued(&w, RIVNIST_STAFF);
        assert_eq!(notices.len(), 1);
        assert!(notices[0].html.contains(t.staff_notice));
        assert!(notices[0].html.contains(&code));
        assert!(
            !notices[0].html.contains("CANARY"),
            "no description in a notice"
        );
        assert!(notices[0].protect_content);
        let open = &notice_buttons(&notices[0])[0].1;
        assert!(open.starts_with("1:x:") && open.len() <= 64, "{open}");

        // Send pressed again: nothing more is stored or sent.
        bot.update(presses(HER, lang, "1:ds"));
        bot.dispatch().await;
        assert_eq!(w.store.requests_of(HER).unwrap().len(), 1);
        assert!(take_queued(&w, RIVNIST_STAFF).is_empty());
    }
}

#[tokio::test]
async fn cancel_at_any_step_stores_nothing() {
    let w = world();
    join(&w, "demo-rivnist-dnipro", RIVNIST_STAFF, "uk").await;
    let mut bot = bot_with(&w, says(HER, "uk", "/request"));
    bot.dispatch().await;
    bot.update(presses(HER, "uk", "1:dt:sexual-harassment"));
    bot.dispatch().await;
    bot.update(presses(HER, "uk", "1:dr:UA-12"));
    bot.dispatch().await;
    bot.update(presses(HER, "uk", "1:dk:legal"));
    bot.dispatch().await;
    bot.update(says(HER, "uk", "/cancel"));
    bot.dispatch().await;
    assert!(last_text(&bot.get_responses()).contains("Скасовано"));
    bot.assert_state(State::Idle).await;
    assert!(w.store.requests_of(HER).unwrap().is_empty());

    // The Cancel button at the consent screen, in English.
    // The Cancel button at the consent screen, in English: she typed a description, so it
    // asks first; "No" goes back to the step, "Yes" deletes it.
    walk_to_consent(&mut bot, "en", &EN).await;
    bot.update(presses(HER, "en", "1:dx"));
    bot.dispatch().await;
    let r = bot.get_responses();
    assert!(last_text(&r).contains("Cancel the request? What you wrote will be deleted."));
    assert!(has_button(&r, "1:dxy") && has_button(&r, "1:dxn"));
    bot.update(presses(HER, "en", "1:dxn"));
    bot.dispatch().await;
    assert!(last_text(&bot.get_responses()).contains(EN.consent));
    assert!(matches!(
        bot.get_state::<State>().await,
        State::Requesting {
            step: Step::Consent,
            ..
        }
    ));
    bot.update(presses(HER, "en", "1:dx"));
    bot.dispatch().await;
    bot.update(presses(HER, "en", "1:dxy"));
    bot.dispatch().await;
    assert!(last_text(&bot.get_responses()).contains("Cancelled. Nothing was kept."));
    bot.assert_state(State::Idle).await;
    assert!(w.store.requests_of(HER).unwrap().is_empty());
    assert!(take_queued(&w, RIVNIST_STAFF).is_empty());
}

#[tokio::test]
async fn a_description_over_1000_characters_is_refused_with_the_right_plural() {
    for (lang, expect) in [
        ("uk", "У вашому тексті 1001 символ,"),
        ("en", "Your text is 1001 characters;"),
    ] {
        let w = world();
        let mut bot = bot_with(&w, says(HER, lang, "/request"));
        bot.set_state(State::Requesting {
            step: Step::Description,
            draft: Default::default(),
        })
        .await;
        bot.update(says(HER, lang, &"я".repeat(1001)));
        bot.dispatch().await;
        let r = bot.get_responses();
        assert!(last_text(&r).contains(expect), "{}", last_text(&r));
        assert!(has_button(&r, "1:dd"));
        let state = bot.get_state::<State>().await;
        assert!(
            matches!(
                state,
                State::Requesting {
                    step: Step::Description,
                    ..
                }
            ),
            "{state:?}"
        );
    }
}

#[tokio::test]
async fn a_shared_contact_is_checked_and_shown_before_sending() {
    let w = world();
    let mut bot = bot_with(&w, says(HER, "en", "/request"));
    bot.set_state(State::Requesting {
        step: Step::Contact,
        draft: Draft {
            topic: Some("sexual-harassment".into()),
            region: Some("UA-12".into()),
            kind: Some(HelpKind::Legal),
            ..Default::default()
        },
    })
    .await;
    bot.update(presses(HER, "en", "1:dcs"));
    bot.dispatch().await;
    assert!(last_text(&bot.get_responses()).contains("Type a phone number"));
    bot.update(says(HER, "en", "call me maybe"));
    bot.dispatch().await;
    assert!(last_text(&bot.get_responses()).contains("does not look like a phone number"));
    bot.update(says(HER, "en", "+380 67 123 45 67"));
    bot.dispatch().await;
    let consent = last_text(&bot.get_responses());
    assert!(
        consent.contains("Contact: phone +380 67 123 45 67"),
        "{consent}"
    );
    assert!(consent.contains("Description: none"), "{consent}");
}

#[tokio::test]
async fn ask_this_organization_sends_the_request_to_it() {
    let w = world();
    join(&w, "demo-svitanok-kharkiv", SVITANOK_STAFF, "uk").await;
    join(&w, "demo-psy-liniya", PSY_LINIYA_STAFF, "uk").await;
    let mut bot = bot_with(&w, presses(HER, "uk", "1:o:demo-psy-liniya"));
    bot.dispatch().await;
    let r = bot.get_responses();
    assert!(
        has_button(&r, "1:ao:demo-psy-liniya"),
        "the card offers to ask it"
    );

    bot.update(presses(HER, "uk", "1:ao:demo-psy-liniya"));
    bot.dispatch().await;
    let r = bot.get_responses();
    assert!(
        last_text(&r).contains("Конфіденційний запит до організації «Демо"),
        "{}",
        last_text(&r)
    );
    assert!(has_button(&r, "1:dt:crsv"));
    assert!(!has_button(&r, "1:dt:human-trafficking"), "only its topics");
    for data in [
        "1:dt:crsv",
        "1:dr:UA-63",
        "1:dk:psychological",
        "1:dd",
        "1:dcb",
        "1:ds",
    ] {
        bot.update(presses(HER, "uk", data));
        bot.dispatch().await;
    }
    let sent = last_text(&bot.get_responses());
    let code = code_in(&sent);
    let (_, referral) = w.store.latest_referral(&code).unwrap().unwrap();
    assert_eq!(referral.org, "demo-psy-liniya");
    assert_eq!(take_queued(&w, PSY_LINIYA_STAFF).len(), 1);
    assert!(take_queued(&w, SVITANOK_STAFF).is_empty());
}

/// Sends a request through the dialogue and returns its code.
async fn submitted(
    bot: &mut MockBot<
        Box<dyn std::error::Error + Send + Sync>,
        teloxide_tests::mock_bot::DistributionKey,
    >,
    lang: &str,
    steps: &[&str],
) -> String {
    bot.update(says(HER, lang, "/request"));
    bot.dispatch().await;
    for data in steps {
        bot.update(presses(HER, lang, data));
        bot.dispatch().await;
    }
    code_in(&last_text(&bot.get_responses()))
}

const RIVNIST_STEPS: &[&str] = &support::LEGAL_HELP_IN_DNIPRO;
const KHARKIV_STEPS: &[&str] = &[
    "1:dt:crsv",
    "1:dr:UA-63",
    "1:dk:psychological",
    "1:dd",
    "1:dcb",
    "1:ds",
];

#[tokio::test]
async fn staff_accept_and_both_sides_write_through_the_bot_anonymously() {
    for (lang, accepted, prompt, warning, from_org) in [
        (
            "uk",
            "Ви прийняли",
            "Напишіть повідомлення для",
            "файли можуть містити приховані дані",
            "Демо: «Рівність поруч»",
        ),
        (
            "en",
            "You accepted",
            "Write your message to",
            "files can carry hidden details",
            "Demo: Equality Alongside",
        ),
    ] {
        let w = world();
        join(&w, "demo-rivnist-dnipro", RIVNIST_STAFF, lang).await;
        let mut bot = bot_with(&w, says(HER, lang, "/start"));
        bot.dispatch().await;
        let code = submitted(&mut bot, lang, RIVNIST_STEPS).await;
        let notice = take_queued(&w, RIVNIST_STAFF).remove(0);
        let open = notice_buttons(&notice)[0].1.clone();

        // Staff open it: the details, the contact choice, Accept and Decline.
        bot.update(presses(RIVNIST_STAFF, lang, &open));
        bot.dispatch().await;
        let r = bot.get_responses();
        let detail = last_text(&r);
        assert!(detail.contains(&code), "{detail}");
        assert!(
            r.sent_messages_text
                .last()
                .unwrap()
                .bot_request
                .protect_content
                == Some(true),
            "request details cannot be forwarded"
        );
        let accept = button_with(
            &buttons(&r),
            if lang == "uk" {
                "Прийняти"
            } else {
                "Accept"
            },
        );

        bot.update(presses(RIVNIST_STAFF, lang, &accept));
        bot.dispatch().await;
        let r = bot.get_responses();
        assert!(last_text(&r).contains(accepted), "{}", last_text(&r));
        assert_eq!(
            w.store.latest_referral(&code).unwrap().unwrap().1.status,
            ReferralStatus::Accepted
        );
        let reply = buttons(&r)[0].1.clone();

        // She is told discreetly: news on her request, nothing of what it is, until Show.
        let told = take_queued(&w, HER);
        assert_eq!(told.len(), 1);
        assert!(
            told[0].html.contains(&code) && !told[0].html.contains(from_org),
            "{}",
            told[0].html
        );
        let show = notice_buttons(&told[0])[0].1.clone();
        bot.update(presses(HER, lang, &show));
        bot.dispatch().await;
        let r = bot.get_responses();
        assert_eq!(r.edited_messages_text.len(), 1, "shown in place");
        assert!(last_text(&r).contains(from_org), "{}", last_text(&r));
        // With a Write button that only she can use.
        let write = buttons(&r)[0].1.clone();
        bot.update(presses(HER, lang, &write));
        bot.dispatch().await;
        let r = bot.get_responses();
        assert!(last_text(&r).contains(prompt) && last_text(&r).contains(warning));

        bot.update(says(HER, lang, "Мені потрібна консультація <b>"));
        bot.dispatch().await;
        let relayed = take_queued(&w, RIVNIST_STAFF);
        assert_eq!(relayed.len(), 1);
        let m = &relayed[0];
        assert!(
            m.html.contains(&code) && m.html.contains("консультація &lt;b&gt;"),
            "{}",
            m.html
        );
        assert!(!m.html.contains(&HER.to_string()), "never her id");
        assert!(m.protect_content);

        // A staff member replies under the organization's name.
        bot.update(presses(RIVNIST_STAFF, lang, &reply));
        bot.dispatch().await;
        bot.update(says(RIVNIST_STAFF, lang, "Ми на зв'язку"));
        bot.dispatch().await;
        let answers = take_queued(&w, HER);
        assert_eq!(answers.len(), 1);
        assert!(
            !answers[0].html.contains("Ми на зв'язку"),
            "not on her lock screen: {}",
            answers[0].html
        );
        bot.update(presses(HER, lang, &notice_buttons(&answers[0])[0].1));
        bot.dispatch().await;
        let shown = last_text(&bot.get_responses());
        assert!(
            shown.contains(from_org) && shown.contains("Ми на зв&#39;язку")
                || shown.contains(from_org) && shown.contains("Ми на зв'язку"),
            "{shown}"
        );
        assert!(
            !shown.contains(&RIVNIST_STAFF.to_string()),
            "never the staff member's account"
        );

        // A second Accept is a no-op: nothing more is sent to her.
        bot.update(presses(RIVNIST_STAFF, lang, &accept));
        bot.dispatch().await;
        assert!(take_queued(&w, HER).is_empty());
    }
}

/// The texts of the decline path in one language.
struct DeclineTexts {
    decline: &'static str,
    why: &'static str,
    no_capacity: &'static str,
    declined: &'static str,
    passed_on: &'static str,
    nobody: &'static str,
}

#[tokio::test]
async fn a_declined_request_moves_on_and_when_nobody_is_left_she_gets_the_hotlines() {
    for (lang, t) in [
        (
            "uk",
            DeclineTexts {
                decline: "Відхилити",
                why: "Чому ви відхиляєте",
                no_capacity: "Зараз немає ресурсу",
                declined: "Ви відхилили",
                passed_on: "Як ви обрали, я передав його організації",
                nobody: "Зараз жодна організація не може взятися за ваш запит",
            },
        ),
        (
            "en",
            DeclineTexts {
                decline: "Decline",
                why: "Why are you declining",
                no_capacity: "No capacity",
                declined: "You declined",
                passed_on: "As you chose, I passed it to",
                nobody: "No organization can take your request",
            },
        ),
    ] {
        declined_everywhere(lang, &t).await;
    }
}

async fn declined_everywhere(lang: &str, t: &DeclineTexts) {
    let w = world();
    w.store.set_full_notices(HER, true).unwrap(); // read in full here
    join(&w, "demo-svitanok-kharkiv", SVITANOK_STAFF, lang).await;
    join(&w, "demo-psy-liniya", PSY_LINIYA_STAFF, lang).await;
    let mut bot = bot_with(&w, says(HER, lang, "/start"));
    bot.dispatch().await;
    let code = submitted(&mut bot, lang, KHARKIV_STEPS).await;
    let first = w.store.latest_referral(&code).unwrap().unwrap().1.org;
    let (first_staff, second_staff) = if first == "demo-svitanok-kharkiv" {
        (SVITANOK_STAFF, PSY_LINIYA_STAFF)
    } else {
        (PSY_LINIYA_STAFF, SVITANOK_STAFF)
    };

    for (staff, last) in [(first_staff, false), (second_staff, true)] {
        let notice = take_queued(&w, staff);
        assert_eq!(notice.len(), 1, "the organization was offered the request");
        bot.update(presses(staff, lang, &notice_buttons(&notice[0])[0].1));
        bot.dispatch().await;
        let decline = button_with(&buttons(&bot.get_responses()), t.decline);
        bot.update(presses(staff, lang, &decline));
        bot.dispatch().await;
        let r = bot.get_responses();
        assert!(last_text(&r).contains(t.why));
        let no_capacity = button_with(&buttons(&r), t.no_capacity);
        bot.update(presses(staff, lang, &no_capacity));
        bot.dispatch().await;
        assert!(last_text(&bot.get_responses()).contains(t.declined));
        let told = take_queued(&w, HER);
        assert_eq!(told.len(), 1);
        if last {
            assert!(told[0].html.contains(t.nobody), "{}", told[0].html);
            assert!(told[0].html.contains("116 123"));
            assert!(
                notice_buttons(&told[0]).iter().any(|(_, d)| d == "1:u"),
                "urgent help with it"
            );
            let admin = take_queued(&w, ADMIN);
            assert_eq!(admin.len(), 1);
            assert!(admin[0].html.ends_with(": 1."), "{}", admin[0].html);
            assert!(
                !admin[0].html.contains(&code),
                "admins get a count, never content"
            );
        } else {
            assert!(told[0].html.contains(t.passed_on), "{}", told[0].html);
        }
    }
    let statuses: Vec<_> = w
        .store
        .referrals(&code)
        .unwrap()
        .into_iter()
        .map(|(_, r)| r.status)
        .collect();
    assert_eq!(
        statuses,
        vec![ReferralStatus::Declined, ReferralStatus::Declined]
    );
}

#[tokio::test]
async fn forged_replayed_and_other_peoples_buttons_are_refused_and_counted() {
    let w = world();
    join(&w, "demo-rivnist-dnipro", RIVNIST_STAFF, "uk").await;
    join(&w, "demo-shchyt-kyiv", OTHER_STAFF, "uk").await;
    let mut bot = bot_with(&w, says(HER, "uk", "/start"));
    bot.dispatch().await;
    let code = submitted(&mut bot, "uk", RIVNIST_STEPS).await;
    let open = notice_buttons(&take_queued(&w, RIVNIST_STAFF)[0])[0]
        .1
        .clone();
    bot.update(presses(RIVNIST_STAFF, "uk", &open));
    bot.dispatch().await;
    let accept = button_with(&buttons(&bot.get_responses()), "Прийняти");
    let before = w.store.counter("security_events").unwrap();

    // Staff of another organization replays the button; so does the requester herself;
    // someone forges a token.
    for (who, data) in [
        (OTHER_STAFF, accept.as_str()),
        (HER, accept.as_str()),
        (OTHER_STAFF, "1:x:00000000000000000000"),
        (OTHER_STAFF, "1:x:zz"),
    ] {
        bot.update(presses(who, "uk", data));
        bot.dispatch().await;
        let r = bot.get_responses();
        assert_eq!(
            r.answered_callback_queries.len(),
            1,
            "every press is answered"
        );
        let reply = last_text(&r);
        assert!(
            reply.contains("Ця дія вам недоступна") || reply.contains("не діє"),
            "{reply}"
        );
    }
    assert_eq!(w.store.counter("security_events").unwrap(), before + 4);
    // Coordinators see the count, and nothing else of it.
    bot.update(says(ADMIN, "en", "/stats"));
    bot.dispatch().await;
    let stats = last_text(&bot.get_responses());
    assert!(
        stats.contains(&format!("(security events), in all: {}", before + 4)),
        "{stats}"
    );
    assert!(!stats.contains(&code), "{stats}");
    bot.update(says(HER, "en", "/stats"));
    bot.dispatch().await;
    assert!(last_text(&bot.get_responses()).contains("Я не знаю такої команди"));
    assert_eq!(
        w.store.latest_referral(&code).unwrap().unwrap().1.status,
        ReferralStatus::Pending,
        "nothing changed"
    );
    assert!(take_queued(&w, HER).is_empty());

    // A staff member who left the organization can no longer use their old buttons.
    let moved = w
        .store
        .create_invite("demo-shchyt-kyiv", w.ctx.app.now())
        .unwrap();
    w.store
        .accept_invite(
            &moved,
            RIVNIST_STAFF,
            RIVNIST_STAFF,
            "Moved",
            w.ctx.app.now(),
        )
        .unwrap()
        .unwrap();
    bot.update(presses(RIVNIST_STAFF, "uk", &accept));
    bot.dispatch().await;
    assert!(last_text(&bot.get_responses()).contains("Ця дія вам недоступна"));
    assert_eq!(
        w.store.latest_referral(&code).unwrap().unwrap().1.status,
        ReferralStatus::Pending
    );
}

#[tokio::test]
async fn my_requests_show_status_and_withdrawing_tells_the_organization() {
    for (lang, header, withdrawn, staff_told) in [
        ("uk", "Ваші запити</b>: 1", "відкликано", "відкликала запит"),
        (
            "en",
            "Your requests</b>: 1",
            "was withdrawn",
            "withdrew request",
        ),
    ] {
        let w = world();
        join(&w, "demo-rivnist-dnipro", RIVNIST_STAFF, lang).await;
        let mut bot = bot_with(&w, says(HER, lang, "/my"));
        bot.dispatch().await;
        assert!(
            last_text(&bot.get_responses()).contains("/request"),
            "no requests yet"
        );
        let code = submitted(&mut bot, lang, RIVNIST_STEPS).await;
        take_queued(&w, RIVNIST_STAFF);

        bot.update(says(HER, lang, "/my"));
        bot.dispatch().await;
        let r = bot.get_responses();
        assert!(last_text(&r).contains(header), "{}", last_text(&r));
        let open = button_with(&buttons(&r), &code);
        bot.update(presses(HER, lang, &open));
        bot.dispatch().await;
        let r = bot.get_responses();
        assert!(last_text(&r).contains(&code));
        let withdraw = button_with(&buttons(&r), "↩");
        bot.update(presses(HER, lang, &withdraw));
        bot.dispatch().await;
        let confirm = buttons(&bot.get_responses())[0].1.clone();
        assert!(
            w.store
                .latest_referral(&code)
                .unwrap()
                .unwrap()
                .1
                .status
                .is_open(),
            "asked first"
        );
        bot.update(presses(HER, lang, &confirm));
        bot.dispatch().await;
        assert!(last_text(&bot.get_responses()).contains(withdrawn));
        assert_eq!(
            w.store.latest_referral(&code).unwrap().unwrap().1.status,
            ReferralStatus::Withdrawn
        );
        let told = take_queued(&w, RIVNIST_STAFF);
        assert!(
            told[0].html.contains(staff_told) && told[0].html.contains(&code),
            "{}",
            told[0].html
        );

        // The staff's old buttons now show that it changed; nothing can be accepted.
        assert!(
            w.store
                .open_referrals_of("demo-rivnist-dnipro")
                .unwrap()
                .is_empty()
        );
    }
}

#[tokio::test]
async fn pausing_stops_new_requests_until_resumed() {
    for (lang, paused, inbox_paused, nobody, resumed) in [
        (
            "uk",
            "призупинено",
            "Нові запити призупинено",
            "Зараз жодна організація, що працює з темою «Сексуальні домагання»",
            "знову отримує нові запити",
        ),
        (
            "en",
            "are paused",
            "New requests are paused",
            "No organization that works on “Sexual harassment”",
            "receives new requests again",
        ),
    ] {
        let w = world();
        join(&w, "demo-rivnist-dnipro", RIVNIST_STAFF, lang).await;
        let mut bot = bot_with(&w, says(RIVNIST_STAFF, lang, "/pause"));
        bot.dispatch().await;
        assert!(last_text(&bot.get_responses()).contains(paused));
        bot.update(says(RIVNIST_STAFF, lang, "/inbox"));
        bot.dispatch().await;
        assert!(last_text(&bot.get_responses()).contains(inbox_paused));

        bot.update(says(HER, lang, "/request"));
        bot.dispatch().await;
        for data in RIVNIST_STEPS {
            bot.update(presses(HER, lang, data));
            bot.dispatch().await;
        }
        // She learns it right after the kind of help, before writing anything.
        let reply = last_text(&bot.get_responses());
        assert!(reply.contains(nobody), "{reply}");
        assert!(reply.contains("116 123"), "a line to call: {reply}");
        assert!(has_button(&bot.get_responses(), "1:u"));
        assert!(
            matches!(
                bot.get_state::<State>().await,
                State::Requesting {
                    step: Step::NoOrg,
                    ..
                }
            ),
            "her choices are kept"
        );
        assert!(
            w.store.requests_of(HER).unwrap().is_empty(),
            "nothing stored"
        );
        assert_eq!(take_queued(&w, ADMIN).len(), 1, "admins get a count");
        bot.update(says(HER, lang, "/cancel"));
        bot.dispatch().await;

        bot.update(says(RIVNIST_STAFF, lang, "/resume"));
        bot.dispatch().await;
        assert!(last_text(&bot.get_responses()).contains(resumed));
        let code = submitted(&mut bot, lang, RIVNIST_STEPS).await;
        assert!(w.store.help_request(&code).unwrap().is_some());
    }
}

#[tokio::test]
async fn staff_commands_are_unknown_to_everyone_else() {
    let w = world();
    let mut bot = bot_with(&w, says(HER, "uk", "/inbox"));
    bot.dispatch().await;
    assert!(last_text(&bot.get_responses()).contains("Я не знаю такої команди"));
    bot.update(says(HER, "uk", "/pause"));
    bot.dispatch().await;
    assert!(last_text(&bot.get_responses()).contains("Я не знаю такої команди"));
}

#[tokio::test]
async fn an_unanswered_request_goes_to_the_next_organization_after_its_response_time() {
    let w = world();
    w.store.set_full_notices(HER, true).unwrap(); // read in full here
    join(&w, "demo-svitanok-kharkiv", SVITANOK_STAFF, "uk").await;
    join(&w, "demo-psy-liniya", PSY_LINIYA_STAFF, "uk").await;
    let mut bot = bot_with(&w, says(HER, "uk", "/start"));
    bot.dispatch().await;
    let code = submitted(&mut bot, "uk", KHARKIV_STEPS).await;
    drop(bot);
    take_queued(&w, SVITANOK_STAFF);
    take_queued(&w, PSY_LINIYA_STAFF);

    assert_eq!(
        help::expire_overdue(&w.ctx.app).await.unwrap().into_inner(),
        0,
        "not yet"
    );
    let later = on_day(&w, (today().succ_opt()).unwrap());
    assert_eq!(
        help::expire_overdue(&later.app).await.unwrap().into_inner(),
        1
    );
    let all = w.store.referrals(&code).unwrap();
    assert_eq!(all[0].1.status, ReferralStatus::Expired);
    assert_eq!(all[1].1.status, ReferralStatus::Pending);
    assert_ne!(all[0].1.org, all[1].1.org);
    let told = take_queued(&w, HER);
    assert!(
        told[0].html.contains("я передав його організації"),
        "{}",
        told[0].html
    );
}

#[tokio::test]
async fn files_go_only_from_the_requester_as_copies_and_stickers_are_explained() {
    let w = world();
    join(&w, "demo-rivnist-dnipro", RIVNIST_STAFF, "en").await;
    let mut bot = bot_with(&w, says(HER, "en", "/start"));
    bot.dispatch().await;
    let code = submitted(&mut bot, "en", RIVNIST_STEPS).await;
    let _ = help::decide(&w.ctx.app, RIVNIST_STAFF, &code, Decision::Accept)
        .await
        .unwrap();
    take_queued(&w, RIVNIST_STAFF);
    take_queued(&w, HER);

    bot.set_state(State::Writing { code: code.clone() }).await;
    bot.update(
        MockMessagePhoto::new()
            .from(person(HER, "en"))
            .chat(MockPrivateChat::new().id(HER).build()),
    );
    bot.dispatch().await;
    assert!(last_text(&bot.get_responses()).contains("Passed on"));
    let copies = take_queued(&w, RIVNIST_STAFF);
    assert_eq!(copies.len(), 1);
    let (from_chat, _) = copies[0].copy_from.expect("a copy, not a forward");
    assert_eq!(from_chat, HER);
    assert!(copies[0].html.contains(&code), "labeled with the code");
    assert!(copies[0].protect_content);

    bot.update(
        MockMessageSticker::new()
            .from(person(HER, "en"))
            .chat(MockPrivateChat::new().id(HER).build()),
    );
    bot.dispatch().await;
    assert!(last_text(&bot.get_responses()).contains("Only text, photos and documents"));
    assert!(take_queued(&w, RIVNIST_STAFF).is_empty());

    // Staff can send only text.
    drop(bot);
    let mut bot = bot_with(
        &w,
        MockMessagePhoto::new()
            .from(person(RIVNIST_STAFF, "en"))
            .chat(MockPrivateChat::new().id(RIVNIST_STAFF).build()),
    );
    bot.set_state(State::Replying { code: code.clone() }).await;
    bot.dispatch().await;
    assert!(last_text(&bot.get_responses()).contains("Only text can be passed on"));
    assert!(take_queued(&w, HER).is_empty());
}

#[tokio::test]
async fn staff_close_with_an_outcome_and_she_can_close_hers_too() {
    for (lang, close_label, outcome_label, her_notice, finish_label, finished, staff_told) in [
        (
            "uk",
            "Закрити",
            "Допомогли",
            "закрила ваш запит",
            "Допомогу отримано",
            "закрито",
            "допомога більше не потрібна",
        ),
        (
            "en",
            "Close",
            "Helped",
            "closed your request",
            "I got help",
            "is closed",
            "help is no longer needed",
        ),
    ] {
        let w = world();
        w.store.set_full_notices(HER, true).unwrap(); // read in full here
        join(&w, "demo-rivnist-dnipro", RIVNIST_STAFF, lang).await;
        let mut bot = bot_with(&w, says(HER, lang, "/start"));
        bot.dispatch().await;
        let accept_and_open = async |bot: &mut MockBot<_, _>, code: &str| {
            let _ = help::decide(&w.ctx.app, RIVNIST_STAFF, code, Decision::Accept)
                .await
                .unwrap();
            take_queued(&w, HER);
            let open = notice_buttons(&take_queued(&w, RIVNIST_STAFF)[0])[0]
                .1
                .clone();
            bot.update(presses(RIVNIST_STAFF, lang, &open));
            bot.dispatch().await;
            buttons(&bot.get_responses())
        };

        // Staff close an accepted request with an outcome; she is told.
        let first = submitted(&mut bot, lang, RIVNIST_STEPS).await;
        let detail = accept_and_open(&mut bot, &first).await;
        bot.update(presses(
            RIVNIST_STAFF,
            lang,
            &button_with(&detail, close_label),
        ));
        bot.dispatch().await;
        let outcomes = buttons(&bot.get_responses());
        assert_eq!(
            outcomes
                .iter()
                .filter(|(_, d)| d.starts_with("1:x:"))
                .count(),
            5,
            "five outcomes"
        );
        bot.update(presses(
            RIVNIST_STAFF,
            lang,
            &button_with(&outcomes, outcome_label),
        ));
        bot.dispatch().await;
        assert_eq!(
            w.store.latest_referral(&first).unwrap().unwrap().1.status,
            ReferralStatus::Closed(poruch::domain::Outcome::Helped)
        );
        let told = take_queued(&w, HER);
        assert!(
            told[0].html.contains(her_notice) && told[0].html.contains(&first),
            "{}",
            told[0].html
        );

        // She closes an accepted request herself from /my; the organization is told.
        let second = submitted(&mut bot, lang, RIVNIST_STEPS).await;
        accept_and_open(&mut bot, &second).await;
        bot.update(says(HER, lang, "/my"));
        bot.dispatch().await;
        let open = button_with(&buttons(&bot.get_responses()), &second);
        bot.update(presses(HER, lang, &open));
        bot.dispatch().await;
        let finish = button_with(&buttons(&bot.get_responses()), finish_label);
        bot.update(presses(HER, lang, &finish));
        bot.dispatch().await;
        assert!(last_text(&bot.get_responses()).contains(finished));
        assert!(matches!(
            w.store.latest_referral(&second).unwrap().unwrap().1.status,
            ReferralStatus::Closed(_)
        ));
        let staff = take_queued(&w, RIVNIST_STAFF);
        assert!(
            staff
                .iter()
                .any(|m| m.html.contains(staff_told) && m.html.contains(&second))
        );
    }
}

#[tokio::test]
async fn back_returns_to_the_previous_step_and_keeps_what_was_chosen() {
    for (lang, region_step, kind_step, step_moved) in [
        (
            "uk",
            "Крок 2 з 5",
            "Крок 3 з 5",
            "Ця кнопка — з попереднього кроку",
        ),
        (
            "en",
            "Step 2 of 5",
            "Step 3 of 5",
            "That button belongs to an earlier step",
        ),
    ] {
        let w = world();
        let mut bot = bot_with(&w, says(HER, lang, "/request"));
        bot.dispatch().await;
        for data in ["1:dt:sexual-harassment", "1:dr:UA-12", "1:dk:legal"] {
            bot.update(presses(HER, lang, data));
            bot.dispatch().await;
        }
        // Description → kind → region, each in place of the step it left.
        bot.update(presses(HER, lang, "1:db"));
        bot.dispatch().await;
        let r = bot.get_responses();
        assert!(last_text(&r).contains(kind_step), "{}", last_text(&r));
        assert_eq!(r.edited_messages_text.len(), 1, "edited in place");
        bot.update(presses(HER, lang, "1:db"));
        bot.dispatch().await;
        assert!(last_text(&bot.get_responses()).contains(region_step));
        let State::Requesting { step, draft } = bot.get_state::<State>().await else {
            panic!("left the dialogue");
        };
        assert_eq!(step, Step::Region);
        assert_eq!(draft.topic.as_deref(), Some("sexual-harassment"));
        assert_eq!(draft.kind, Some(HelpKind::Legal), "what she chose stays");

        // A button of a later step, pressed now: where she is, and no security event.
        let before = w.store.counter("security_events").unwrap();
        bot.update(presses(HER, lang, "1:dcb"));
        bot.dispatch().await;
        let r = bot.get_responses();
        assert!(last_text(&r).contains(step_moved), "{}", last_text(&r));
        assert!(last_text(&r).contains(region_step));
        assert_eq!(w.store.counter("security_events").unwrap(), before);

        // The list of regions, on request.
        bot.update(presses(HER, lang, "1:drl"));
        bot.dispatch().await;
        let r = bot.get_responses();
        assert!(has_button(&r, "1:dr:UA-12") && has_button(&r, "1:dr:UA-63"));
        bot.update(presses(HER, lang, "1:dr:UA-63"));
        bot.dispatch().await;
        assert!(last_text(&bot.get_responses()).contains(kind_step));
    }
}

#[tokio::test]
async fn nobody_for_this_kind_of_help_is_said_before_she_writes_with_her_choices() {
    for (lang, nobody, description_step) in [
        ("uk", "Ви ще нічого не написали", "Крок 4 з 5"),
        ("en", "You have not written anything yet", "Step 4 of 5"),
    ] {
        let w = world();
        let mut bot = bot_with(&w, says(HER, lang, "/request"));
        bot.dispatch().await;
        // Legal help on sexual harassment in Kharkiv oblast: nobody takes it there, and no
        // nationwide organization gives legal help on it either.
        for data in ["1:dt:sexual-harassment", "1:dr:UA-63", "1:dk:legal"] {
            bot.update(presses(HER, lang, data));
            bot.dispatch().await;
        }
        let r = bot.get_responses();
        let text = last_text(&r);
        assert!(text.contains(nobody), "{text}");
        assert!(text.contains("116 123"), "{text}");
        assert!(has_button(&r, "1:db"), "another kind of help");
        assert!(has_button(&r, "1:u"), "urgent help");
        assert!(
            !has_button(&r, "1:dr:national"),
            "all of Ukraine only where it would find someone"
        );
        assert!(w.store.requests_of(HER).unwrap().is_empty());
        assert_eq!(take_queued(&w, ADMIN).len(), 1, "coordinators get a count");

        // Another kind of help: a nationwide organization consults on it.
        bot.update(presses(HER, lang, "1:db"));
        bot.dispatch().await;
        bot.update(presses(HER, lang, "1:dk:other"));
        bot.dispatch().await;
        assert!(last_text(&bot.get_responses()).contains(description_step));
    }
}

#[tokio::test]
async fn the_menu_and_stop_writing_leave_writing_mode_so_later_text_never_reaches_the_organization()
{
    for (lang, passed, left) in [
        (
            "uk",
            "Передано організації <b>Демо",
            "Ви вийшли з листування",
        ),
        ("en", "Passed on to <b>Demo", "You left the conversation"),
    ] {
        let w = world();
        join(&w, "demo-rivnist-dnipro", RIVNIST_STAFF, lang).await;
        let mut bot = bot_with(&w, says(HER, lang, "/start"));
        bot.dispatch().await;
        let code = submitted(&mut bot, lang, RIVNIST_STEPS).await;
        help::decide(&w.ctx.app, RIVNIST_STAFF, &code, Decision::Accept)
            .await
            .unwrap()
            .into_inner();
        take_queued(&w, HER);
        take_queued(&w, RIVNIST_STAFF);
        let writing = State::Writing { code: code.clone() };

        bot.set_state(writing.clone()).await;
        bot.update(says(HER, lang, "перше повідомлення"));
        bot.dispatch().await;
        let r = bot.get_responses();
        assert!(last_text(&r).contains(passed), "{}", last_text(&r));
        assert!(has_button(&r, "1:sw") && has_button(&r, "1:u"));
        assert_eq!(take_queued(&w, RIVNIST_STAFF).len(), 1);

        // ☰ Menu, then a search typed: it stays a search.
        bot.update(presses(HER, lang, "1:m"));
        bot.dispatch().await;
        bot.assert_state(State::Idle).await;
        bot.update(says(HER, lang, "психолог Київ"));
        bot.dispatch().await;
        assert!(take_queued(&w, RIVNIST_STAFF).is_empty(), "not relayed");

        // ✖ Stop writing, and /cancel, say what happened to what was sent.
        bot.set_state(writing.clone()).await;
        bot.update(presses(HER, lang, "1:sw"));
        bot.dispatch().await;
        assert!(last_text(&bot.get_responses()).contains(left));
        bot.assert_state(State::Idle).await;
        bot.set_state(writing).await;
        bot.update(says(HER, lang, "/cancel"));
        bot.dispatch().await;
        assert!(last_text(&bot.get_responses()).contains(left));
        bot.assert_state(State::Idle).await;
    }
}

#[tokio::test]
async fn staff_can_end_a_conversation_and_block_its_messages_after_a_confirmation() {
    for (lang, block, confirm, done, told) in [
        (
            "uk",
            "Завершити й заблокувати",
            "Так, завершити",
            "Листування щодо запиту",
            "завершила листування",
        ),
        (
            "en",
            "End and block",
            "Yes, end and block",
            "The conversation on request",
            "ended the conversation",
        ),
    ] {
        let w = world();
        w.store.set_full_notices(HER, true).unwrap(); // read in full here
        join(&w, "demo-rivnist-dnipro", RIVNIST_STAFF, lang).await;
        let mut bot = bot_with(&w, says(HER, lang, "/start"));
        bot.dispatch().await;
        let code = submitted(&mut bot, lang, RIVNIST_STEPS).await;
        help::decide(&w.ctx.app, RIVNIST_STAFF, &code, Decision::Accept)
            .await
            .unwrap()
            .into_inner();
        take_queued(&w, HER);
        let open = notice_buttons(&take_queued(&w, RIVNIST_STAFF)[0])[0]
            .1
            .clone();
        bot.update(presses(RIVNIST_STAFF, lang, &open));
        bot.dispatch().await;
        let blocking = button_with(&buttons(&bot.get_responses()), block);
        bot.update(presses(RIVNIST_STAFF, lang, &blocking));
        bot.dispatch().await;
        let yes = button_with(&buttons(&bot.get_responses()), confirm);
        assert_eq!(
            w.store.latest_referral(&code).unwrap().unwrap().1.status,
            ReferralStatus::Accepted,
            "nothing before the confirmation"
        );
        bot.update(presses(RIVNIST_STAFF, lang, &yes));
        bot.dispatch().await;
        assert!(last_text(&bot.get_responses()).contains(done));
        assert_eq!(
            w.store.latest_referral(&code).unwrap().unwrap().1.status,
            ReferralStatus::Blocked
        );
        let notice = &take_queued(&w, HER)[0];
        assert!(notice.html.contains(told), "{}", notice.html);
        assert!(notice_buttons(notice).iter().any(|(_, d)| d == "1:u"));
    }
}
