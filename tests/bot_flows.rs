//! Handler tests: every flow of the bot, in both languages, driven through the handler tree
//! with teloxide_tests. Every message and edit the bot makes is also checked against the
//! rules the real Bot API enforces (HTML, 4096 characters, 64-byte callback data).
#![allow(clippy::unwrap_used, clippy::expect_used)] // a test may stop at what it did not expect

mod support;

use poruch::domain::Timestamp;
use support::handlers::*;
use support::invite_code;
use support::people::*;

// --- /start ---

#[tokio::test]
async fn start_greets_in_ukrainian_by_default_with_the_menu() {
    let w = world();
    let mut bot = bot_with(&w, text("uk", "/start"));
    bot.dispatch().await;
    let r = bot.get_responses();
    assert!(last_text(&r).contains("Вітаю! Я — бот <b>«Поруч»</b>"));
    for data in ["1:f", "1:u", "1:l", "1:p"] {
        assert!(has_button(&r, data), "menu lacks {data}");
    }
}

#[tokio::test]
async fn start_greets_english_clients_in_english() {
    let w = world();
    let mut bot = bot_with(&w, text("en-US", "/start"));
    bot.dispatch().await;
    let r = bot.get_responses();
    assert!(last_text(&r).contains("Hello! I am the <b>Poruch</b> bot"));
    assert!(
        buttons(&r)
            .iter()
            .any(|(label, _)| label.contains("Find support"))
    );
}

// --- /find: topic → region → results → card ---

#[tokio::test]
async fn find_walks_topic_region_results_and_card_in_ukrainian() {
    let w = world();
    let mut bot = bot_with(&w, text("uk", "/find"));
    bot.dispatch().await;
    let r = bot.get_responses();
    assert!(last_text(&r).contains("Оберіть тему"));
    assert!(has_button(&r, "1:t:domestic-violence"));

    bot.update(press("uk", "1:t:domestic-violence"));
    bot.dispatch().await;
    let r = bot.get_responses();
    assert_eq!(r.answered_callback_queries.len(), 1);
    assert!(last_text(&r).contains("Тема: <b>Домашнє насильство</b>"));
    assert!(has_button(&r, "1:r:domestic-violence:UA-12:0"));
    assert!(has_button(&r, "1:r:domestic-violence:*:0"));
    bot.assert_state(State::ChoosingRegion {
        topic: "domestic-violence".into(),
    })
    .await;

    bot.update(press("uk", "1:r:domestic-violence:UA-12:0"));
    bot.dispatch().await;
    let r = bot.get_responses();
    assert_eq!(r.answered_callback_queries.len(), 1);
    let results = last_text(&r);
    assert!(
        results.contains("<b>Домашнє насильство</b> · Дніпропетровська область"),
        "{results}"
    );
    assert!(results.contains("Знайдено: 3 організації"), "{results}");
    // Regional organizations first, nationwide after.
    let regional = results.find("Рівність поруч").unwrap();
    let national = results.find("Видавництво пам’яток").unwrap();
    assert!(regional < national);
    bot.assert_state(State::Idle).await;

    bot.update(press("uk", "1:o:demo-rivnist-dnipro"));
    bot.dispatch().await;
    let r = bot.get_responses();
    let card = last_text(&r);
    assert!(
        card.contains("<b>Допомога:</b> консультації, правова допомога"),
        "{card}"
    );
    assert!(card.contains("demo-rivnist-dnipro@example.org"));
    assert!(card.contains("✅ Перевірено 01.10.2026 (Demo coordinator)"));
    assert!(card.contains("Демонстраційний запис"));
    assert!(
        has_button(&r, "1:u"),
        "urgent help is one tap away on the card"
    );
}

#[tokio::test]
async fn find_works_in_english_with_pages_of_five() {
    let w = world();
    let mut bot = bot_with(&w, press("en", "1:r:legal-aid:*:0"));
    bot.dispatch().await;
    let r = bot.get_responses();
    let page = last_text(&r);
    assert!(page.contains("<b>Legal aid</b> · all of Ukraine"), "{page}");
    assert!(page.contains("Page 1 of 3"), "{page}");
    assert_eq!(
        buttons(&r)
            .iter()
            .filter(|(_, d)| d.starts_with("1:o:"))
            .count(),
        5
    );
    assert!(has_button(&r, "1:r:legal-aid:*:1"));

    bot.update(press("en", "1:r:legal-aid:*:2"));
    bot.dispatch().await;
    let r = bot.get_responses();
    assert!(last_text(&r).contains("Page 3 of 3"));
    assert!(has_button(&r, "1:r:legal-aid:*:1"), "a Back button");
    assert!(
        !has_button(&r, "1:r:legal-aid:*:3"),
        "no Next on the last page"
    );
}

#[tokio::test]
async fn a_typed_place_name_chooses_the_region() {
    let w = world();
    let mut bot = bot_with(&w, text("uk", "у Дніпрі"));
    bot.set_state(State::ChoosingRegion {
        topic: "domestic-violence".into(),
    })
    .await;
    bot.dispatch().await;
    let r = bot.get_responses();
    assert!(last_text(&r).contains("Дніпропетровська область"));
    assert!(last_text(&r).contains("Рівність поруч"));
    bot.assert_state(State::Idle).await;
}

#[tokio::test]
async fn an_unknown_place_is_explained_and_the_step_kept() {
    let w = world();
    let mut bot = bot_with(&w, text("en", "Atlantis <b>"));
    bot.set_state(State::ChoosingRegion {
        topic: "crsv".into(),
    })
    .await;
    bot.dispatch().await;
    let r = bot.get_responses();
    assert!(last_text(&r).contains("I could not recognize the place “Atlantis &lt;b&gt;”"));
    bot.assert_state(State::ChoosingRegion {
        topic: "crsv".into(),
    })
    .await;
}

// --- free text ---

#[tokio::test]
async fn free_text_in_ukrainian_finds_topic_and_region() {
    let w = world();
    let mut bot = bot_with(&w, text("uk", "домашнього насильства у Дніпрі"));
    bot.dispatch().await;
    let r = bot.get_responses();
    let page = last_text(&r);
    assert!(
        page.contains("Я зрозумів так: <i>Домашнє насильство · Дніпропетровська область</i>"),
        "{page}"
    );
    assert!(page.contains("Рівність поруч"));
    assert!(
        !page.contains("домашнього"),
        "the typed text is not echoed or kept"
    );
    let state = bot.get_state::<State>().await;
    assert_eq!(
        state,
        State::TextResults {
            topics: vec!["domestic-violence".into()],
            region: Some("UA-12".into()),
            terms: vec![]
        }
    );
}

#[tokio::test]
async fn what_people_write_leads_straight_to_the_right_kind_of_help() {
    let w = world();
    for (said, understood) in [
        ("чоловік б'є мене", "Домашнє насильство"),
        ("командир пристає", "Сексуальні домагання"),
        ("юрыст Київ", "Правова допомога · Київ"),
        ("домашнее насилие", "Домашнє насильство"),
    ] {
        let mut bot = bot_with(&w, text("uk", said));
        bot.dispatch().await;
        let r = bot.get_responses();
        let page = last_text(&r);
        assert!(
            page.contains(&format!("Я зрозумів так: <i>{understood}")),
            "{said}: {page}"
        );
        assert!(!page.contains("Нічого не знайдено"), "{said}: {page}");
        // A misunderstanding is corrected in one tap.
        assert!(
            has_button(&r, "1:f"),
            "{said}: no way to choose a topic instead"
        );
    }
}

#[tokio::test]
async fn a_search_that_finds_nothing_offers_the_next_steps_and_is_counted_without_its_words() {
    let w = world();
    let mut bot = bot_with(&w, text("en", "zqxwv Kharkiv"));
    bot.dispatch().await;
    let r = bot.get_responses();
    let page = last_text(&r);
    assert!(
        page.contains("Nothing was found. What is it about?"),
        "{page}"
    );
    assert!(page.contains("search all of Ukraine"), "{page}");
    assert!(page.contains("If you are in danger now"), "{page}");
    assert!(page.contains("<code>"), "the urgent lines' numbers: {page}");
    assert!(
        page.contains("I understood: <i>Kharkiv oblast · zqxwv</i>"),
        "{page}"
    );
    for data in [
        "1:qn",
        "1:a",
        "1:t:domestic-violence",
        "1:t:sexual-harassment",
    ] {
        assert!(has_button(&r, data), "no {data} in {:?}", buttons(&r));
    }
    // The coordinators see that a search found nothing; its words are nowhere.
    let month = poruch::domain::monitoring::month_of(w.ctx.app.now());
    let counts = w.store.monthly(&month, &month).unwrap();
    assert_eq!(counts[&month].get("search.empty"), Some(&1));
    assert!(!format!("{counts:?}").contains("zqxwv"));

    // "All of Ukraine": the same search without the region it was narrowed to.
    bot.update(press("en", "1:qn"));
    bot.dispatch().await;
    bot.assert_state(State::TextResults {
        topics: vec![],
        region: None,
        terms: vec!["zqxwv".into()],
    })
    .await;
    let page = last_text(&bot.get_responses());
    assert!(page.contains("I understood: <i>zqxwv</i>"), "{page}");
    assert!(!page.contains("search all of Ukraine"), "{page}");
}

#[tokio::test]
async fn all_of_ukraine_from_a_search_without_one_is_an_expired_button() {
    let w = world();
    let mut bot = bot_with(&w, press("en", "1:qn"));
    bot.dispatch().await;
    assert!(last_text(&bot.get_responses()).contains("expired"));
}

#[tokio::test]
async fn free_text_in_english_pages_through_its_results() {
    let w = world();
    let mut bot = bot_with(&w, text("en", "psychologist"));
    bot.dispatch().await;
    let r = bot.get_responses();
    assert!(last_text(&r).contains("Psychological support"));
    assert!(has_button(&r, "1:q:1"));
    bot.update(press("en", "1:q:1"));
    bot.dispatch().await;
    let r = bot.get_responses();
    assert!(last_text(&r).contains("Page 2 of"));
}

#[tokio::test]
async fn a_text_page_button_without_its_search_has_expired() {
    let w = world();
    let mut bot = bot_with(&w, press("uk", "1:q:1"));
    bot.dispatch().await;
    let r = bot.get_responses();
    assert_eq!(r.answered_callback_queries.len(), 1);
    assert_eq!(
        r.answered_callback_queries[0].text.as_deref(),
        Some("Ця кнопка вже не діє. Ось меню.")
    );
    assert!(has_button(&r, "1:f"), "the menu follows");
}

#[tokio::test]
async fn a_query_of_only_stop_words_asks_for_more() {
    let w = world();
    let mut bot = bot_with(&w, text("uk", "мені треба допомога"));
    bot.dispatch().await;
    assert!(last_text(&bot.get_responses()).contains("Напишіть, що шукаєте"));
}

// --- urgent help ---

#[tokio::test]
async fn urgent_lists_sourced_hotlines_in_both_languages() {
    for (lang, expect) in [("uk", "Екстрена допомога"), ("en", "Emergency")] {
        let w = world();
        let mut bot = bot_with(&w, text(lang, "/urgent"));
        bot.dispatch().await;
        let page = last_text(&bot.get_responses());
        assert!(page.contains(expect), "{page}");
        for number in ["112", "102", "116 123", "1547", "0 800 213 103", "7333"] {
            assert!(
                page.contains(&format!("<code>{number}</code>")),
                "{number} missing in {lang}"
            );
        }
    }
}

/// A dialogue store whose disk is gone: every read and write fails.
struct BrokenStorage;

impl Storage<State> for BrokenStorage {
    type Error = std::io::Error;

    fn remove_dialogue(self: Arc<Self>, _: ChatId) -> BoxFuture<'static, Result<(), Self::Error>> {
        Box::pin(async { Err(std::io::Error::other("disk gone")) })
    }

    fn update_dialogue(
        self: Arc<Self>,
        _: ChatId,
        _: State,
    ) -> BoxFuture<'static, Result<(), Self::Error>> {
        Box::pin(async { Err(std::io::Error::other("disk gone")) })
    }

    fn get_dialogue(
        self: Arc<Self>,
        _: ChatId,
    ) -> BoxFuture<'static, Result<Option<State>, Self::Error>> {
        Box::pin(async { Err(std::io::Error::other("disk gone")) })
    }
}

#[tokio::test]
async fn urgent_answers_even_when_the_store_cannot_be_read() {
    let w = world();
    let broken: Arc<ErasedStorage<State>> = Arc::new(BrokenStorage).erase();
    let mut bot = MockBot::new(text("uk", "/urgent"), schema());
    bot.dependencies(deps![w.ctx.clone(), broken.clone()]);
    bot.dispatch().await;
    assert!(last_text(&bot.get_responses()).contains("116 123"));

    bot.update(press("en", "1:u"));
    bot.dispatch().await;
    let r = bot.get_responses();
    assert_eq!(r.answered_callback_queries.len(), 1);
    assert!(last_text(&r).contains("7333"));
}

// --- language, privacy, help, cancel ---

#[tokio::test]
async fn language_is_switched_and_remembered() {
    let w = world();
    let mut bot = bot_with(&w, text("uk", "/language"));
    bot.dispatch().await;
    assert!(has_button(&bot.get_responses(), "1:sl:en"));

    bot.update(press("uk", "1:sl:en"));
    bot.dispatch().await;
    let r = bot.get_responses();
    assert_eq!(r.answered_callback_queries.len(), 1);
    assert!(last_text(&r).contains("I will speak English now"));
    assert_eq!(
        w.store.user_language(MockUser::ID as i64).unwrap(),
        Some(Lang::En)
    );

    // A Ukrainian client is now answered in English.
    bot.update(text("uk", "/start"));
    bot.dispatch().await;
    assert!(last_text(&bot.get_responses()).contains("Hello!"));

    bot.update(press("en", "1:sl:uk"));
    bot.dispatch().await;
    assert!(last_text(&bot.get_responses()).contains("тепер я говорю українською"));
}

#[tokio::test]
async fn privacy_says_what_is_kept_and_that_bot_chats_are_not_end_to_end_encrypted() {
    for (lang, short, expect) in [
        (
            "uk",
            "не шифрує чати з ботами наскрізно",
            "не мають наскрізного шифрування",
        ),
        (
            "en",
            "does not end-to-end encrypt",
            "not end-to-end encrypted",
        ),
    ] {
        let w = world();
        // In short first, then the whole of it behind "More".
        let mut bot = bot_with(&w, text(lang, "/privacy"));
        bot.dispatch().await;
        let r = bot.get_responses();
        assert!(last_text(&r).contains(short), "{lang}: {}", last_text(&r));
        assert!(has_button(&r, "1:pm"));
        bot.update(press(lang, "1:pm"));
        bot.dispatch().await;
        assert!(last_text(&bot.get_responses()).contains(expect), "{lang}");
        // teloxide_tests allows one MockBot at a time.
        drop(bot);
        let mut bot = bot_with(&w, press(lang, "1:p"));
        bot.dispatch().await;
        assert!(
            last_text(&bot.get_responses()).contains(short),
            "{lang} button"
        );
    }
}

#[tokio::test]
async fn help_lists_the_commands_in_both_languages() {
    for (lang, expect) in [("uk", "/find — знайти"), ("en", "/find — find")] {
        let w = world();
        let mut bot = bot_with(&w, text(lang, "/help"));
        bot.dispatch().await;
        let help = last_text(&bot.get_responses());
        assert!(help.contains(expect));
        assert!(help.contains("/hide"), "the quick exit is listed");
        assert!(
            !help.contains("/inbox") && !help.contains("/invite"),
            "staff and coordinators' commands only to them: {help}"
        );
    }
}

#[tokio::test]
async fn staff_see_their_commands_in_help() {
    let w = world();
    join(&w, "demo-rivnist-dnipro", MockUser::ID as i64, "en").await;
    let mut bot = bot_with(&w, text("en", "/help"));
    bot.dispatch().await;
    let help = last_text(&bot.get_responses());
    assert!(help.contains("/inbox") && help.contains("/leave"), "{help}");
    assert!(!help.contains("/invite"), "{help}");
}

#[tokio::test]
async fn start_in_the_middle_of_a_typed_draft_asks_before_throwing_it_away() {
    let w = world();
    let mut bot = bot_with(&w, text("en", "/start"));
    let draft = poruch::telegram::dialogue::state::Draft {
        topic: Some("crsv".into()),
        description: Some("what I wrote".into()),
        ..Default::default()
    };
    let writing = State::Requesting {
        step: poruch::telegram::dialogue::state::Step::Contact,
        draft,
    };
    bot.set_state(writing.clone()).await;
    bot.dispatch().await;
    let r = bot.get_responses();
    assert!(
        last_text(&r).contains("unfinished request"),
        "{}",
        last_text(&r)
    );
    assert!(has_button(&r, "1:dxn") && has_button(&r, "1:dxy"));
    assert_eq!(bot.get_state::<State>().await, writing, "nothing lost yet");
    bot.update(press("en", "1:dxn"));
    bot.dispatch().await;
    assert!(last_text(&bot.get_responses()).contains("Step 5 of 5"));
}

#[tokio::test]
async fn cancel_leaves_any_step() {
    for (lang, expect) in [("uk", "Скасовано"), ("en", "Cancelled")] {
        let w = world();
        let mut bot = bot_with(&w, text(lang, "/cancel"));
        bot.set_state(State::ChoosingRegion {
            topic: "crsv".into(),
        })
        .await;
        bot.dispatch().await;
        assert!(last_text(&bot.get_responses()).contains(expect));
        assert_eq!(bot.try_get_state::<State>().await, None);
    }
}

// --- bad input ---

#[tokio::test]
async fn stickers_photos_and_voice_get_a_hint() {
    let w = world();
    let mut bot = bot_with(&w, MockMessageSticker::new().from(user("uk")));
    bot.dispatch().await;
    assert!(last_text(&bot.get_responses()).contains("Я розумію лише текст і кнопки"));
    bot.update(MockMessagePhoto::new().from(user("en")));
    bot.dispatch().await;
    assert!(last_text(&bot.get_responses()).contains("I understand only text and buttons"));
    bot.update(MockMessageVoice::new().from(user("uk")));
    bot.set_state(State::ChoosingRegion {
        topic: "crsv".into(),
    })
    .await;
    bot.dispatch().await;
    assert!(last_text(&bot.get_responses()).contains("Я розумію лише текст"));
    bot.assert_state(State::ChoosingRegion {
        topic: "crsv".into(),
    })
    .await;
}

#[tokio::test]
async fn an_unknown_command_points_to_help() {
    for (lang, expect) in [("uk", "/help"), ("en", "See /help")] {
        let w = world();
        let mut bot = bot_with(&w, text(lang, "/frobnicate"));
        bot.dispatch().await;
        assert!(last_text(&bot.get_responses()).contains(expect));
    }
}

#[tokio::test]
async fn forged_stale_and_malformed_buttons_are_answered_and_change_nothing() {
    for data in [
        "garbage",
        "1:o:no-such-org",
        "1:t:astrology",
        "1:r:crsv:UA-99:0",
        "0:f",
        "1:r:crsv:UA-12:x",
        "",
    ] {
        let w = world();
        let mut bot = bot_with(&w, press("en", data));
        bot.set_state(State::ChoosingRegion {
            topic: "crsv".into(),
        })
        .await;
        bot.dispatch().await;
        let r = bot.get_responses();
        assert_eq!(
            r.answered_callback_queries.len(),
            1,
            "{data:?} not answered exactly once"
        );
        assert_eq!(
            r.answered_callback_queries[0].text.as_deref(),
            Some("This button has expired. Here is the menu.")
        );
        assert!(last_text(&r).contains("This button has expired"));
        assert!(has_button(&r, "1:f"));
        bot.assert_state(State::ChoosingRegion {
            topic: "crsv".into(),
        })
        .await;
    }
}

#[tokio::test]
async fn an_organization_that_lost_its_vetting_is_not_shown() {
    let w = world();
    let ctx = on_day(&w, NaiveDate::from_ymd_opt(2027, 10, 2).unwrap());
    let mut bot = MockBot::new(press("uk", "1:o:demo-rivnist-dnipro"), schema());
    bot.dependencies(deps![Arc::new(ctx), w.storage.clone()]);
    bot.dispatch().await;
    assert!(last_text(&bot.get_responses()).contains("Ця кнопка вже не діє"));
}

#[tokio::test]
async fn group_chats_are_ignored() {
    let w = world();
    let mut bot = bot_with(&w, text("uk", "/start").chat(MockGroupChat::new().build()));
    bot.dispatch().await;
    assert!(bot.get_responses().sent_messages.is_empty());
}

// --- persistence of the dialogue ---

#[tokio::test]
async fn a_state_from_an_older_version_resets_to_the_menu_and_the_message_is_answered() {
    let w = world();
    w.store
        .set_dialogue(MockUser::ID as i64, br#"{"RemovedVariant":{"x":1}}"#)
        .unwrap();
    let mut bot = bot_with(&w, text("uk", "юрист у Львові"));
    bot.dispatch().await;
    let r = bot.get_responses();
    assert!(
        last_text(&r).contains("Правова допомога"),
        "{}",
        last_text(&r)
    );
}

#[tokio::test]
async fn the_step_is_kept_in_the_store_across_a_restart() {
    let w = world();
    let mut bot = bot_with(&w, press("uk", "1:t:crsv"));
    bot.dispatch().await;
    drop(bot);
    // A new context over the same store, as after a restart.
    let restarted = World {
        store: w.store.clone(),
        ctx: w.ctx.clone(),
        storage: dialogue_storage::erased(w.store.clone()),
    };
    let mut bot = bot_with(&restarted, text("uk", "Харків"));
    bot.dispatch().await;
    let page = last_text(&bot.get_responses());
    assert!(page.contains("Сексуальне насильство"), "{page}");
    assert!(page.contains("Світанок"), "{page}");
}

// --- coordinators invite staff ---

fn admin(lang: &str) -> User {
    MockUser::new().id(ADMIN as u64).language_code(lang).build()
}

#[tokio::test]
async fn a_coordinator_invites_and_staff_join_with_the_code_once() {
    for (lang, created, joined, ask_label) in [
        (
            "uk",
            "Запрошення до «Демо: «Рівність поруч» (Дніпро)»",
            "Готово: ви в команді",
            "Як вас знатимуть колеги й координатори",
        ),
        (
            "en",
            "Invitation to “Demo: Equality Alongside (Dnipro)”",
            "Done: you are on the team",
            "How should colleagues and coordinators know you",
        ),
    ] {
        let w = world();
        let mut bot = bot_with(
            &w,
            MockMessageText::new()
                .text("/invite demo-rivnist-dnipro")
                .from(admin(lang)),
        );
        bot.dispatch().await;
        let page = last_text(&bot.get_responses());
        assert!(page.contains(created), "{page}");
        let code = invite_code(&page);
        assert_eq!(code.len(), 10, "{page}");
        assert!(page.contains(&format!("?start=join-{code}")), "{page}");

        bot.update(text(lang, &format!("/join {code}")));
        bot.dispatch().await;
        assert!(
            last_text(&bot.get_responses()).contains(ask_label),
            "{}",
            last_text(&bot.get_responses())
        );
        assert_eq!(
            w.store.staff_org(MockUser::ID as i64).unwrap(),
            None,
            "not yet"
        );
        // Two lines is not a label: asked again.
        bot.update(text(lang, "Olena\nlawyer"));
        bot.dispatch().await;
        assert!(last_text(&bot.get_responses()).contains("60"));
        bot.update(text(lang, "Olena <lawyer>"));
        bot.dispatch().await;
        let done = last_text(&bot.get_responses());
        assert!(done.contains(joined), "{done}");
        assert!(done.contains("Olena &lt;lawyer&gt;"), "{done}");
        assert_eq!(
            w.store.staff_org(MockUser::ID as i64).unwrap().as_deref(),
            Some("demo-rivnist-dnipro")
        );

        // Single use: the same code again is refused.
        bot.update(
            MockMessageText::new()
                .text(format!("/join {code}"))
                .from(MockUser::new().id(99).language_code(lang).build()),
        );
        bot.dispatch().await;
        assert!(last_text(&bot.get_responses()).contains(if lang == "uk" {
            "недійсне"
        } else {
            "not valid"
        }));
        assert_eq!(w.store.staff_org(99).unwrap(), None);
    }
}

#[tokio::test]
async fn the_start_link_joins_too() {
    let w = world();
    let code = w
        .store
        .create_invite("demo-svitanok-kharkiv", w.ctx.app.now())
        .unwrap();
    let mut bot = bot_with(&w, text("en", &format!("/start join-{code}")));
    bot.dispatch().await;
    assert!(last_text(&bot.get_responses()).contains("Demo: Svitanok (Kharkiv)"));
    bot.update(text("en", "Mykola, psychologist"));
    bot.dispatch().await;
    assert_eq!(
        w.store.staff_org(MockUser::ID as i64).unwrap().as_deref(),
        Some("demo-svitanok-kharkiv")
    );
}

#[tokio::test]
async fn invite_is_not_for_everyone_and_needs_a_real_organization() {
    let w = world();
    let mut bot = bot_with(&w, text("uk", "/invite demo-rivnist-dnipro"));
    bot.dispatch().await;
    assert!(last_text(&bot.get_responses()).contains("Я не знаю такої команди"));

    bot.update(
        MockMessageText::new()
            .text("/invite no-such-<org>")
            .from(admin("en")),
    );
    bot.dispatch().await;
    assert!(
        last_text(&bot.get_responses())
            .contains("no organization with the id “no-such-&lt;org&gt;”")
    );
}

// --- /forget ---

#[tokio::test]
async fn forget_asks_first_then_deletes_everything_and_tells_the_organization() {
    for (lang, ask, done) in [
        ("uk", "Видалити все", "Готово: усе видалено"),
        ("en", "Delete everything", "Done: everything was deleted"),
    ] {
        let w = world();
        let me = MockUser::ID as i64;
        w.store
            .set_user_language(me, if lang == "uk" { Lang::Uk } else { Lang::En })
            .unwrap();
        // Her request has an open referral with an organization that has one staff member.
        let code = w.store.new_reference_code().unwrap();
        let request = poruch::domain::HelpRequest {
            topic: "sexual-harassment".into(),
            region: "UA-12".into(),
            kind: poruch::domain::HelpKind::Legal,
            description: Some("опис".into()),
            contact: poruch::domain::ContactChoice::ThroughBot,
            requester_chat: me,
            created_at: poruch::domain::Timestamp::default(),
            on_decline: poruch::domain::OnDecline::PassOn,
            follow_up: true,
        };
        let referral = poruch::domain::Referral {
            org: "demo-rivnist-dnipro".into(),
            status: poruch::domain::ReferralStatus::Pending,
            offered_at: poruch::domain::Timestamp::default(),
            respond_by: poruch::domain::Timestamp::from_secs(1),
        };
        w.store
            .submit_request(
                &code,
                &request,
                Some(&referral),
                &[],
                poruch::domain::Timestamp::default(),
                None,
            )
            .unwrap();
        let invite = w
            .store
            .create_invite("demo-rivnist-dnipro", w.ctx.app.now())
            .unwrap();
        w.store
            .accept_invite(&invite, 4242, 4242, "Staff", w.ctx.app.now())
            .unwrap()
            .unwrap();

        let mut bot = bot_with(&w, text(lang, "/forget"));
        bot.dispatch().await;
        let r = bot.get_responses();
        assert!(last_text(&r).contains(ask));
        assert!(has_button(&r, "1:fg") && has_button(&r, "1:m"));
        assert_eq!(
            w.store.requests_of(me).unwrap().len(),
            1,
            "nothing is deleted before the confirmation"
        );

        bot.update(press(lang, "1:fg"));
        bot.dispatch().await;
        let r = bot.get_responses();
        assert_eq!(r.answered_callback_queries.len(), 1);
        assert!(last_text(&r).contains(done));
        assert_eq!(w.store.user_language(me).unwrap(), None);
        assert!(w.store.requests_of(me).unwrap().is_empty());
        assert_eq!(w.store.help_request(&code).unwrap(), None);
        let told = take_queued(&w, 4242);
        assert_eq!(told.len(), 1);
        assert!(told[0].html.contains(&code), "{}", told[0].html);
        assert!(w.store.due(Timestamp::NEVER, 10).unwrap().is_empty());
    }
}
