//! Handler tests of requests for trainers and experts (issue 4), in both languages: the
//! adviser's dialogue, offers from two organizations at once, picking (twice), the chosen
//! organization getting the contact, the relay for E-codes, the no-offer report and expiry,
//! feedback with its reminder and ratings on the card, the anonymous help question,
//! materials, and refusals of other people's buttons.
#![allow(clippy::unwrap_used, clippy::expect_used)] // a test may stop at what it did not expect

mod support;

use poruch::app::help::{self, Decision};
use poruch::app::{expert, feedback};
use poruch::domain::expert::ExpertStatus;
use support::handlers::*;
use support::people::*;

/// The adviser: the mock library's default user, in her own private chat.
const HER: i64 = MockUser::ID as i64;
/// Staff of the two organizations that train on CRSV in Lviv oblast: one there, one nationwide.
const KURS_STAFF: i64 = 5001;
const AKADEMIYA_STAFF: i64 = 5002;
/// Staff of an organization the request never went to.
const OTHER_STAFF: i64 = 5003;

type Bot =
    MockBot<Box<dyn std::error::Error + Send + Sync>, teloxide_tests::mock_bot::DistributionKey>;

fn code_in(text: &str) -> String {
    let at = text
        .find("E-")
        .unwrap_or_else(|| panic!("no code in {text}"));
    text[at..at + 6].to_string()
}

struct Walk {
    lang: &'static str,
    size: &'static str,
    place: &'static str,
    dates: &'static str,
    understood: &'static str,
    body: Option<&'static str>,
    confirm: &'static str,
    sent: &'static str,
}

const UK: Walk = Walk {
    lang: "uk",
    size: "40",
    place: "Львів",
    dates: "у березні",
    understood: "Я розумію так: <b>01.03.2027 – 31.03.2027</b>",
    body: Some("Військовий ліцей <Львів>"),
    confirm: "Перевірте запит",
    sent: "Надіслано. Ваш код: <code>E-",
};

const EN: Walk = Walk {
    lang: "en",
    size: "40",
    place: "Lviv",
    dates: "12.03-15.03",
    understood: "I understood: <b>12.03.2027 – 15.03.2027</b>",
    body: None,
    confirm: "Check your request",
    sent: "Sent. Your code: <code>E-",
};

async fn step(bot: &mut Bot, update: impl teloxide_tests::IntoUpdate) -> String {
    bot.update(update);
    bot.dispatch().await;
    last_text(&bot.get_responses())
}

/// "A trainer on CRSV for 40 cadets in Lviv", step by step, checking each screen; returns the
/// code.
async fn walk(bot: &mut Bot, t: &Walk) -> String {
    let l = t.lang;
    let first = step(bot, says(HER, l, "/expert")).await;
    assert!(
        first.contains(if l == "uk" {
            "Крок 1 з 8"
        } else {
            "Step 1 of 8"
        }),
        "{first}"
    );
    let s = step(bot, presses(HER, l, "1:en:training")).await;
    assert!(
        s.contains(if l == "uk" {
            "Крок 2 з 8"
        } else {
            "Step 2 of 8"
        }),
        "{s}"
    );
    step(bot, presses(HER, l, "1:et:crsv")).await;
    let s = step(bot, presses(HER, l, "1:ea:cadets")).await;
    assert!(
        s.contains(if l == "uk" {
            "Крок 4 з 8"
        } else {
            "Step 4 of 8"
        }),
        "{s}"
    );
    // A word where a number is expected is explained, and the step stays.
    let s = step(bot, says(HER, l, "сорок")).await;
    assert!(
        s.contains(if l == "uk" {
            "від 1 до 10 000"
        } else {
            "from 1 to 10,000"
        }),
        "{s}"
    );
    step(bot, says(HER, l, t.size)).await;
    step(bot, presses(HER, l, "1:ei")).await;
    let s = step(bot, says(HER, l, t.place)).await;
    assert!(
        s.contains(if l == "uk" {
            "Крок 6 з 8"
        } else {
            "Step 6 of 8"
        }),
        "{s}"
    );
    // Dates in the past are not accepted; a sticker shows the step again.
    let s = step(bot, says(HER, l, "01.01.2020")).await;
    assert!(s.contains("01.01.2020"), "{s}");
    step(bot, MockMessageSticker::new().from(person(HER, l))).await;
    let s = step(bot, says(HER, l, t.dates)).await;
    assert!(s.contains(t.understood), "{s}");
    step(bot, presses(HER, l, "1:ew")).await;
    match t.body {
        Some(body) => step(bot, says(HER, l, body)).await,
        None => step(bot, presses(HER, l, "1:eb")).await,
    };
    let confirm = step(bot, presses(HER, l, "1:ecb")).await;
    assert!(confirm.contains(t.confirm), "{confirm}");
    if let Some(body) = t.body {
        assert!(
            confirm.contains(&body.replace('<', "&lt;").replace('>', "&gt;")),
            "{confirm}"
        );
    }
    let sent = step(bot, presses(HER, l, "1:esend")).await;
    assert!(sent.contains(t.sent), "{sent}");
    code_in(&sent)
}

async fn adviser_and_two_organizations(t: &Walk) -> (World, Bot, String) {
    let w = world();
    // She chose full notices, so these tests read them as sent (discreet ones are tested in
    // notices.rs and referral_flows.rs).
    w.store.set_full_notices(HER, true).unwrap();
    join(&w, "demo-kurs-lviv", KURS_STAFF, "uk").await;
    join(&w, "demo-akademiya-1325", AKADEMIYA_STAFF, "en").await;
    join(&w, "demo-rivnist-dnipro", OTHER_STAFF, "uk").await;
    let mut bot = bot_with(&w, says(HER, t.lang, "/start"));
    bot.dispatch().await;
    let code = walk(&mut bot, t).await;
    (w, bot, code)
}

#[tokio::test]
async fn an_adviser_walks_every_step_and_every_eligible_organization_is_asked() {
    for t in [&UK, &EN] {
        let (w, mut bot, code) = adviser_and_two_organizations(t).await;
        assert!(matches!(
            w.store.expert_request(&code).unwrap(),
            Some((_, ExpertStatus::Open))
        ));
        // Both trainers got the request (without her contact), with Offer and Pass.
        let kurs = take_queued(&w, KURS_STAFF);
        assert_eq!(kurs.len(), 1);
        assert!(kurs[0].html.contains("Новий запит на тренера") && kurs[0].html.contains(&code));
        assert!(kurs[0].protect_content);
        assert_eq!(notice_buttons(&kurs[0]).len(), 2);
        let akademiya = take_queued(&w, AKADEMIYA_STAFF);
        assert!(
            akademiya[0].html.contains("New request for a trainer"),
            "{}",
            akademiya[0].html
        );
        assert!(take_queued(&w, OTHER_STAFF).is_empty(), "not a trainer");
        // Send again: nothing more is stored.
        let again = step(&mut bot, presses(HER, t.lang, "1:esend")).await;
        assert!(
            again.contains(if t.lang == "uk" {
                "не діє"
            } else {
                "expired"
            }),
            "{again}"
        );
        assert_eq!(w.store.expert_requests_of(HER).unwrap().len(), 1);
    }
}

#[tokio::test]
async fn nobody_eligible_stores_nothing_and_coordinators_get_a_count() {
    let w = world();
    let mut bot = bot_with(&w, says(HER, "en", "/expert"));
    bot.dispatch().await;
    for data in [
        "1:en:mentoring",
        "1:et:human-trafficking",
        "1:ea:police",
        "1:es:20",
        "1:ei",
        "1:er:UA-74",
        "1:ef",
        "1:eb",
        "1:ecb",
    ] {
        step(&mut bot, presses(HER, "en", data)).await;
    }
    let s = step(&mut bot, presses(HER, "en", "1:esend")).await;
    assert!(s.contains("nothing was sent or stored"), "{s}");
    assert!(w.store.expert_requests_of(HER).unwrap().is_empty());
    let admin = take_queued(&w, ADMIN);
    assert!(
        admin[0].html.contains("не знайшов організації"),
        "{}",
        admin[0].html
    );
}

/// Staff offer with a proposal; returns the notice she got.
async fn offer(w: &World, bot: &mut Bot, staff: i64, lang: &str, proposal: &str) -> Delivered {
    let notice = take_queued(w, staff).remove(0);
    let offer = notice_buttons(&notice)[0].1.clone();
    let s = step(bot, presses(staff, lang, &offer)).await;
    assert!(
        s.contains(if lang == "uk" {
            "одним повідомленням"
        } else {
            "in one message"
        }),
        "{s}"
    );
    let s = step(bot, says(staff, lang, proposal)).await;
    assert!(
        s.contains(if lang == "uk" {
            "надіслано"
        } else {
            "was sent"
        }),
        "{s}"
    );
    let mut told = take_queued(w, HER);
    assert_eq!(told.len(), 1);
    told.remove(0)
}

#[tokio::test]
async fn two_offers_one_pick_pressed_twice_and_the_chosen_one_gets_the_contact() {
    let (w, mut bot, code) = adviser_and_two_organizations(&UK).await;
    let from_kurs = offer(
        &w,
        &mut bot,
        KURS_STAFF,
        "uk",
        "Дводенний тренінг, 12–13 березня, безкоштовно",
    )
    .await;
    assert!(
        from_kurs.html.contains("Нова пропозиція") && from_kurs.html.contains("Курс"),
        "{}",
        from_kurs.html
    );
    let from_akademiya = offer(
        &w,
        &mut bot,
        AKADEMIYA_STAFF,
        "en",
        "Online lecture <2h>, free",
    )
    .await;
    assert!(
        from_akademiya.html.contains("&lt;2h&gt;"),
        "escaped: {}",
        from_akademiya.html
    );
    // The offer carries the organization's card.
    let card = button_with(&notice_buttons(&from_kurs), "Про організацію");
    let s = step(&mut bot, presses(HER, "uk", &card)).await;
    assert!(s.contains("Навчальний центр"), "{s}");

    // /my shows both offers with Pick buttons.
    step(&mut bot, says(HER, "uk", "/my")).await;
    let mine = button_with(&buttons(&bot.get_responses()), &code);
    let detail = step(&mut bot, presses(HER, "uk", &mine)).await;
    assert!(
        detail.contains("Пропозицій: 2") && detail.contains("безкоштовно"),
        "{detail}"
    );

    // She picks Kurs — twice (a double tap): one change, one set of notices.
    let pick = button_with(&notice_buttons(&from_kurs), "Обрати");
    let s = step(&mut bot, presses(HER, "uk", &pick)).await;
    assert!(s.contains("Ви обрали") && s.contains(&code), "{s}");
    let chosen = take_queued(&w, KURS_STAFF);
    assert_eq!(chosen.len(), 1);
    assert!(
        chosen[0].html.contains("обрано") && chosen[0].html.contains("через бот"),
        "{}",
        chosen[0].html
    );
    let thanked = take_queued(&w, AKADEMIYA_STAFF);
    assert!(
        thanked[0].html.contains("filled by another organization"),
        "{}",
        thanked[0].html
    );
    step(&mut bot, presses(HER, "uk", &pick)).await;
    assert!(
        take_queued(&w, KURS_STAFF).is_empty(),
        "a second pick sends nothing"
    );
    // The other offer can no longer be picked.
    let other = button_with(&notice_buttons(&from_akademiya), "Обрати");
    let s = step(&mut bot, presses(HER, "uk", &other)).await;
    assert!(s.contains("вже обрали іншу"), "{s}");
    assert_eq!(
        w.store.expert_request(&code).unwrap().unwrap().1,
        ExpertStatus::Filled {
            org: "demo-kurs-lviv".into()
        }
    );

    // Through the bot: she writes, they reply — by code and the organization's name only.
    let s = step(&mut bot, presses(HER, "uk", &pick)).await;
    let write = button_with(&buttons(&bot.get_responses()), "Написати");
    assert!(s.contains("Ви обрали"));
    step(&mut bot, presses(HER, "uk", &write)).await;
    step(&mut bot, says(HER, "uk", "Чи можна 14 березня?")).await;
    let relayed = take_queued(&w, KURS_STAFF);
    assert!(relayed[0].html.contains(&code) && relayed[0].html.contains("14 березня"));
    assert!(!relayed[0].html.contains(&HER.to_string()));
    let reply = notice_buttons(&relayed[0])[0].1.clone();
    step(&mut bot, presses(KURS_STAFF, "uk", &reply)).await;
    step(&mut bot, says(KURS_STAFF, "uk", "Так, підходить")).await;
    let back = take_queued(&w, HER);
    assert!(
        back[0].html.contains("Курс") && back[0].html.contains("Так, підходить"),
        "{}",
        back[0].html
    );
}

#[tokio::test]
async fn other_peoples_and_stale_buttons_change_nothing_and_are_counted() {
    let (w, mut bot, code) = adviser_and_two_organizations(&EN).await;
    let notice = take_queued(&w, KURS_STAFF).remove(0);
    let offer_button = notice_buttons(&notice)[0].1.clone();
    let pass_button = notice_buttons(&notice)[1].1.clone();
    let before = w.store.counter("security_events").unwrap();
    // Another organization's staff member presses Kurs's Offer.
    let s = step(&mut bot, presses(OTHER_STAFF, "uk", &offer_button)).await;
    assert!(s.contains("недоступна"), "{s}");
    // Kurs passes; then Offer is refused politely.
    step(&mut bot, presses(KURS_STAFF, "uk", &pass_button)).await;
    let s = step(&mut bot, presses(KURS_STAFF, "uk", &offer_button)).await;
    assert!(s.contains("більше не приймає"), "{s}");
    // A forged Pick.
    let s = step(&mut bot, presses(HER, "en", "1:x:00000000000000000000")).await;
    assert!(s.contains("not available to you"), "{s}");
    assert!(w.store.counter("security_events").unwrap() >= before + 2);
    assert_eq!(
        w.store.expert_request(&code).unwrap().unwrap().1,
        ExpertStatus::Open
    );
}

#[tokio::test]
async fn no_offer_in_seven_days_is_reported_and_passed_dates_close_it() {
    let (w, _bot, code) = adviser_and_two_organizations(&EN).await;
    take_queued(&w, HER);
    let later = on_day(&w, today().checked_add_days(chrono::Days::new(6)).unwrap());
    assert_eq!(
        expert::check_open_requests(&later.app)
            .await
            .unwrap()
            .into_inner()
            .reported,
        0
    );
    let week = on_day(&w, today().checked_add_days(chrono::Days::new(7)).unwrap());
    assert_eq!(
        expert::check_open_requests(&week.app)
            .await
            .unwrap()
            .into_inner()
            .reported,
        1
    );
    assert_eq!(
        expert::check_open_requests(&week.app)
            .await
            .unwrap()
            .into_inner()
            .reported,
        0,
        "once"
    );
    let told = take_queued(&w, HER);
    assert!(
        told[0].html.contains("in 7 days") && told[0].html.contains("/materials"),
        "{}",
        told[0].html
    );
    let suggested = notice_buttons(&told[0]);
    assert!(
        suggested.iter().any(|(_, d)| d == "1:mt") && suggested.iter().any(|(_, d)| d == "1:f")
    );
    assert!(
        take_queued(&w, ADMIN)[0]
            .html
            .contains("не отримав пропозицій вчасно")
    );
    let after = on_day(&w, chrono::NaiveDate::from_ymd_opt(2027, 3, 16).unwrap());
    assert_eq!(
        expert::check_open_requests(&after.app)
            .await
            .unwrap()
            .into_inner()
            .expired,
        1
    );
    assert_eq!(
        w.store.expert_request(&code).unwrap().unwrap().1,
        ExpertStatus::Expired
    );
    assert!(
        w.store
            .expert_requests_for("demo-kurs-lviv")
            .unwrap()
            .is_empty()
    );
}

#[tokio::test]
async fn after_the_dates_both_sides_rate_with_one_reminder_and_the_card_shows_the_average() {
    let (w, mut bot, code) = adviser_and_two_organizations(&EN).await;
    let from_kurs = offer(&w, &mut bot, KURS_STAFF, "uk", "Тренінг").await;
    let pick = button_with(&notice_buttons(&from_kurs), "Choose");
    step(&mut bot, presses(HER, "en", &pick)).await;
    take_queued(&w, KURS_STAFF);
    take_queued(&w, AKADEMIYA_STAFF);

    // Nothing before the day after the dates (12–15 March).
    let during = on_day(&w, chrono::NaiveDate::from_ymd_opt(2027, 3, 15).unwrap());
    assert_eq!(
        feedback::ask_due(&during.app).await.unwrap().into_inner(),
        0
    );
    let after = on_day(&w, chrono::NaiveDate::from_ymd_opt(2027, 3, 16).unwrap());
    assert_eq!(feedback::ask_due(&after.app).await.unwrap().into_inner(), 2);
    let asked = take_queued(&w, HER);
    assert!(
        asked[0].html.contains("did the cooperation take place") && asked[0].html.contains("Kurs"),
        "{}",
        asked[0].html
    );
    let org_asked = take_queued(&w, KURS_STAFF);
    assert!(
        org_asked[0]
            .html
            .contains("співпраця за цим запитом відбулася"),
        "{}",
        org_asked[0].html
    );

    // She answers: yes, 5, and a comment that goes to the coordinators only.
    let yes = button_with(&notice_buttons(&asked[0]), "Yes");
    step(&mut bot, presses(HER, "en", &yes)).await;
    let five = button_with(&buttons(&bot.get_responses()), "5");
    let s = step(&mut bot, presses(HER, "en", &five)).await;
    assert!(s.contains("comment for the coordinators"), "{s}");
    let s = step(&mut bot, says(HER, "en", "Great trainers <3")).await;
    assert!(s.contains("went to the coordinators only"), "{s}");
    let comment = take_queued(&w, ADMIN);
    assert!(
        comment[0].html.contains("Great trainers &lt;3") && comment[0].html.contains("5/5"),
        "{}",
        comment[0].html
    );
    // Pressing 5 again changes nothing.
    let s = step(&mut bot, presses(HER, "en", &five)).await;
    assert!(s.contains("already been answered"), "{s}");
    assert_eq!(w.store.ratings("demo-kurs-lviv").unwrap().count, 1);

    // The organization did not answer: one reminder three days later, then no more.
    let three_days = on_day(&w, chrono::NaiveDate::from_ymd_opt(2027, 3, 19).unwrap());
    assert_eq!(
        feedback::ask_due(&three_days.app)
            .await
            .unwrap()
            .into_inner(),
        1
    );
    let reminded = take_queued(&w, KURS_STAFF);
    assert!(
        reminded[0].html.contains("Нагадування"),
        "{}",
        reminded[0].html
    );
    let later = on_day(&w, chrono::NaiveDate::from_ymd_opt(2027, 4, 30).unwrap());
    assert_eq!(feedback::ask_due(&later.app).await.unwrap().into_inner(), 0);
    let no = button_with(&notice_buttons(&reminded[0]), "Ні");
    let s = step(&mut bot, presses(KURS_STAFF, "uk", &no)).await;
    assert!(s.contains("записано"), "{s}");
    assert_eq!(w.store.counter("not_held").unwrap(), 1);

    // One rating: no average yet (3 needed); with the minimum at 1 it shows.
    let s = step(&mut bot, presses(HER, "en", "1:o:demo-kurs-lviv")).await;
    assert!(!s.contains("of 5"), "{s}");
    drop(bot);
    let one = BotContext {
        app: w.ctx.app.with_config(Config {
            min_ratings: 1,
            ..(*w.ctx.app.config).clone()
        }),
        ..(*w.ctx).clone()
    };
    let mut bot = MockBot::new(presses(HER, "uk", "1:o:demo-kurs-lviv"), schema());
    w.store.clear_seen_updates().unwrap();
    bot.dependencies(deps![Arc::new(one), w.storage.clone()]);
    bot.dispatch().await;
    let card = last_text(&bot.get_responses());
    assert!(card.contains("⭐ 5.0 out of 5 (1 rating)"), "{card}");
    let _ = code;
}

#[tokio::test]
async fn a_closed_help_request_asks_her_once_anonymously() {
    for (lang, question, answer, thanks) in [
        (
            "uk",
            "чи отримали ви потрібну допомогу",
            "Частково",
            "враховано анонімно",
        ),
        (
            "en",
            "did you get the help you needed",
            "Partly",
            "counted anonymously",
        ),
    ] {
        let w = world();
        w.store.set_full_notices(HER, true).unwrap();
        join(&w, "demo-rivnist-dnipro", OTHER_STAFF, lang).await;
        let mut bot = bot_with(&w, says(HER, lang, "/start"));
        bot.dispatch().await;
        step(&mut bot, says(HER, lang, "/request")).await;
        for data in support::LEGAL_HELP_IN_DNIPRO {
            step(&mut bot, presses(HER, lang, data)).await;
        }
        let rcode = w.store.requests_of(HER).unwrap().remove(0);
        let accepted = help::decide(&w.ctx.app, OTHER_STAFF, &rcode, Decision::Accept)
            .await
            .unwrap()
            .into_inner();
        assert!(matches!(accepted, help::Acted::Changed(_)));
        let _ = help::decide(
            &w.ctx.app,
            OTHER_STAFF,
            &rcode,
            Decision::Close(poruch::domain::Outcome::Helped),
        )
        .await
        .unwrap();
        take_queued(&w, HER);
        take_queued(&w, OTHER_STAFF);
        assert_eq!(
            feedback::ask_due(&w.ctx.app).await.unwrap().into_inner(),
            0,
            "a day later"
        );
        let next_day = on_day(&w, today().succ_opt().unwrap());
        assert_eq!(
            feedback::ask_due(&next_day.app).await.unwrap().into_inner(),
            1
        );
        let asked = take_queued(&w, HER);
        assert!(asked[0].html.contains(question), "{}", asked[0].html);
        assert!(
            take_queued(&w, OTHER_STAFF).is_empty(),
            "the organization is not asked or told"
        );
        let partly = button_with(&notice_buttons(&asked[0]), answer);
        let s = step(&mut bot, presses(HER, lang, &partly)).await;
        assert!(s.contains(thanks), "{s}");
        assert_eq!(w.store.counter("help_partly").unwrap(), 1);
        let stats = step(&mut bot, says(ADMIN, "en", "/stats")).await;
        assert!(stats.contains("yes 0, partly 1, no 0"), "{stats}");
        let week = on_day(&w, today().checked_add_days(chrono::Days::new(8)).unwrap());
        assert_eq!(
            feedback::ask_due(&week.app).await.unwrap().into_inner(),
            0,
            "asked once, no reminder"
        );
    }
}

#[tokio::test]
async fn materials_are_browsed_by_topic_published_by_staff_and_hidden_by_coordinators() {
    let w = world();
    join(&w, "demo-kurs-lviv", KURS_STAFF, "uk").await;
    let mut bot = bot_with(&w, says(HER, "en", "/materials"));
    bot.dispatch().await;
    let r = bot.get_responses();
    assert!(last_text(&r).contains("Materials"), "{}", last_text(&r));
    let crsv = button_with(&buttons(&r), "Conflict-related");
    let s = step(&mut bot, presses(HER, "en", &crsv)).await;
    assert!(s.contains("1 material."), "{s}");
    let memo = button_with(&buttons(&bot.get_responses()), "memo");
    let s = step(&mut bot, presses(HER, "en", &memo)).await;
    assert!(
        s.contains("https://example.org/demo-svitanok-kharkiv/memo-crsv.pdf"),
        "{s}"
    );

    // /material is unknown to anyone but staff.
    let s = step(&mut bot, says(HER, "en", "/material")).await;
    assert!(s.contains("I do not know that command"), "{s}");

    // Staff publish a document: file → titles → topic.
    let s = step(&mut bot, says(KURS_STAFF, "uk", "/material")).await;
    assert!(s.contains("Надішліть документ"), "{s}");
    let s = step(&mut bot, says(KURS_STAFF, "uk", "не посилання")).await;
    assert!(s.contains("https://"), "{s}");
    bot.update(
        teloxide_tests::MockMessageDocument::new()
            .from(person(KURS_STAFF, "uk"))
            .chat(
                teloxide_tests::MockPrivateChat::new()
                    .id(KURS_STAFF)
                    .build(),
            ),
    );
    bot.dispatch().await;
    assert!(last_text(&bot.get_responses()).contains("Назва українською"));
    step(
        &mut bot,
        says(KURS_STAFF, "uk", "Картка: домагання на службі"),
    )
    .await;
    step(&mut bot, presses(KURS_STAFF, "uk", "1:sk")).await;
    let s = step(
        &mut bot,
        presses(KURS_STAFF, "uk", "1:mp:sexual-harassment"),
    )
    .await;
    assert!(s.contains("Опубліковано"), "{s}");

    // Anyone receives it as a document; a coordinator also sees Hide.
    step(&mut bot, presses(HER, "uk", "1:mt:sexual-harassment")).await;
    let card = button_with(&buttons(&bot.get_responses()), "Картка: домагання");
    bot.update(presses(ADMIN, "uk", &card));
    bot.dispatch().await;
    let r = bot.get_responses();
    let doc = r.sent_messages_document.last().expect("a document");
    let caption = doc.bot_request.caption.clone().unwrap_or_default();
    let body = json!({
        "chat_id": ADMIN, "document": "BQACAgIAAxkBAAI", "caption": caption, "parse_mode": "HTML",
        "reply_markup": serde_json::to_value(&doc.bot_request.reply_markup).unwrap(),
    });
    support::telegram_rules::Spec::load()
        .check("sendDocument", &body)
        .unwrap_or_else(|e| panic!("{e:?}"));
    assert!(
        caption.contains("Картка: домагання на службі — Демо: Навчальний центр"),
        "{caption}"
    );
    let hide = match &doc.bot_request.reply_markup {
        Some(ReplyMarkup::InlineKeyboard(k)) => k.inline_keyboard[0][0].clone(),
        other => panic!("no keyboard: {other:?}"),
    };
    let InlineKeyboardButtonKind::CallbackData(hide) = hide.kind else {
        panic!("not a button")
    };
    // Not a coordinator: refused.
    let s = step(&mut bot, presses(HER, "uk", &hide)).await;
    assert!(s.contains("недоступна"), "{s}");
    let s = step(&mut bot, presses(ADMIN, "uk", &hide)).await;
    assert!(s.contains("Приховано"), "{s}");

    // A document sent with the caption /material starts publishing with the file given.
    bot.update(
        teloxide_tests::MockMessageDocument::new()
            .caption("/material")
            .from(person(KURS_STAFF, "uk"))
            .chat(
                teloxide_tests::MockPrivateChat::new()
                    .id(KURS_STAFF)
                    .build(),
            ),
    );
    bot.dispatch().await;
    let t = last_text(&bot.get_responses());
    assert!(t.contains("Назва українською"), "{t}");
    step(&mut bot, says(KURS_STAFF, "uk", "/cancel")).await;
    // From anyone else it is just a document where text is expected.
    bot.update(
        teloxide_tests::MockMessageDocument::new()
            .caption("/material")
            .from(person(HER, "uk")),
    );
    bot.dispatch().await;
    assert!(!last_text(&bot.get_responses()).contains("Назва українською"));
    let s = step(&mut bot, presses(HER, "uk", "1:mt:sexual-harassment")).await;
    assert!(
        s.contains("1 матеріал."),
        "only the directory's card is left: {s}"
    );
}

#[tokio::test]
async fn forget_deletes_her_expert_requests_and_questions() {
    let (w, mut bot, code) = adviser_and_two_organizations(&UK).await;
    step(&mut bot, says(HER, "uk", "/forget")).await;
    step(&mut bot, presses(HER, "uk", "1:fg")).await;
    assert_eq!(w.store.expert_request(&code).unwrap(), None);
    assert!(
        w.store
            .expert_requests_for("demo-kurs-lviv")
            .unwrap()
            .is_empty()
    );
}

#[tokio::test]
async fn staff_find_it_in_the_inbox_and_a_withdrawal_tells_those_who_offered() {
    let (w, mut bot, code) = adviser_and_two_organizations(&UK).await;
    // The trainer's /inbox lists it, waiting for an answer; opening it shows Offer and Pass.
    let s = step(&mut bot, says(KURS_STAFF, "uk", "/inbox")).await;
    assert!(s.contains("Запити на тренерів і експертів</b>: 1"), "{s}");
    let open = button_with(&buttons(&bot.get_responses()), &code);
    let s = step(&mut bot, presses(KURS_STAFF, "uk", &open)).await;
    assert!(
        s.contains("чекає на вашу відповідь") && s.contains("Курсанти"),
        "{s}"
    );
    let r = bot.get_responses();
    assert!(buttons(&r).iter().any(|(l, _)| l.contains("Запропонувати")));
    offer(&w, &mut bot, KURS_STAFF, "uk", "Тренінг").await;
    take_queued(&w, AKADEMIYA_STAFF);

    // She withdraws it from /my; the organization that offered is told, the other is not.
    step(&mut bot, says(HER, "uk", "/my")).await;
    let mine = button_with(&buttons(&bot.get_responses()), &code);
    step(&mut bot, presses(HER, "uk", &mine)).await;
    let withdraw = button_with(&buttons(&bot.get_responses()), "Відкликати");
    let s = step(&mut bot, presses(HER, "uk", &withdraw)).await;
    assert!(s.contains("Відкликати"), "{s}");
    let yes = buttons(&bot.get_responses())[0].1.clone();
    let s = step(&mut bot, presses(HER, "uk", &yes)).await;
    assert!(s.contains("відкликано"), "{s}");
    let told = take_queued(&w, KURS_STAFF);
    assert!(
        told[0].html.contains("відкликано") && told[0].html.contains(&code),
        "{}",
        told[0].html
    );
    assert!(take_queued(&w, AKADEMIYA_STAFF).is_empty());
    assert_eq!(
        w.store.expert_request(&code).unwrap().unwrap().1,
        ExpertStatus::Withdrawn
    );
    // An offer arriving now is refused politely.
    let s = step(&mut bot, presses(KURS_STAFF, "uk", &open)).await;
    assert!(s.contains("відкликаний"), "{s}");
}

#[tokio::test]
async fn text_typed_after_leaving_the_comment_step_is_never_sent_to_coordinators() {
    let (w, mut bot, _code) = adviser_and_two_organizations(&EN).await;
    let from_kurs = offer(&w, &mut bot, KURS_STAFF, "uk", "Тренінг").await;
    step(
        &mut bot,
        presses(
            HER,
            "en",
            &button_with(&notice_buttons(&from_kurs), "Choose"),
        ),
    )
    .await;
    let after = on_day(&w, chrono::NaiveDate::from_ymd_opt(2027, 3, 16).unwrap());
    feedback::ask_due(&after.app).await.unwrap().into_inner();
    let asked = take_queued(&w, HER);
    step(
        &mut bot,
        presses(HER, "en", &button_with(&notice_buttons(&asked[0]), "Yes")),
    )
    .await;
    let four = button_with(&buttons(&bot.get_responses()), "4");
    step(&mut bot, presses(HER, "en", &four)).await;
    take_queued(&w, ADMIN);
    // She goes to the menu instead of commenting, then searches.
    step(&mut bot, presses(HER, "en", "1:m")).await;
    let s = step(&mut bot, says(HER, "en", "lawyer Dnipro")).await;
    assert!(!s.contains("coordinators"), "{s}");
    assert!(
        take_queued(&w, ADMIN).is_empty(),
        "nothing went to the coordinators"
    );
    assert_eq!(w.store.ratings("demo-kurs-lviv").unwrap().count, 1);
}
