//! End to end: the built binary against the strict fake Bot API server.
#![allow(clippy::unwrap_used, clippy::expect_used)] // a test may stop at what it did not expect

mod support;

use std::process::Stdio;

use serde_json::Value;
use support::fake_bot_api::{Call, FakeBotApi, RateLimits, button, press, text_update, user};
use support::process::{start_bot, start_bot_logging, start_bot_with, started};

/// The fake Bot API, holding the bot to Telegram's rate limits as Telegram does.
async fn telegram() -> FakeBotApi {
    let api = FakeBotApi::start().await;
    api.enforce_limits(RateLimits::TELEGRAM);
    api
}

fn text(call: &Call) -> &str {
    call.params["text"].as_str().unwrap_or_default()
}

/// Presses a button and returns the bot's next send or edit.
async fn tap(api: &FakeBotApi, from: &Value, id: &str, on: &Call, label: &str) -> Call {
    let data = button(on, label)
        .unwrap_or_else(|| panic!("no button {label:?} in {:#?}", on.params["reply_markup"]));
    let n = api.calls().len();
    api.push(press(from, id, &on.result, &data));
    let answered = api
        .wait_for(n, "the callback answer", |c| {
            c.method == "answerCallbackQuery" && c.params["callback_query_id"] == id
        })
        .await;
    assert!(answered.refused.is_none());
    // In the presser's chat: a notice to someone else may go out at the same moment.
    api.wait_for(n, "a reply to the button", |c| {
        (c.method == "sendMessage" || c.method == "editMessageText")
            && c.params["chat_id"] == from["id"]
    })
    .await
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_servicewoman_finds_an_organization_card_in_ukrainian() {
    let api = telegram().await;
    let dir = support::tempdir();
    let _bot = start_bot(&api, dir.path());
    started(&api).await;
    let commands: Vec<Call> = api
        .calls()
        .into_iter()
        .filter(|c| c.method == "setMyCommands")
        .collect();
    assert!(commands.iter().any(|c| c.params["language_code"] == "uk"));

    let me = user(501, "uk");
    let n = api.calls().len();
    api.push(text_update(&me, 1, "/start"));
    let welcome = api
        .wait_for(n, "the welcome", |c| c.method == "sendMessage")
        .await;
    assert!(text(&welcome).contains("Поруч"), "{}", text(&welcome));

    let topics = tap(&api, &me, "q1", &welcome, "🔎 Знайти підтримку").await;
    assert!(text(&topics).contains("Оберіть тему"));
    let regions = tap(&api, &me, "q2", &topics, "Домашнє насильство").await;
    assert!(text(&regions).contains("Оберіть область"));
    let results = tap(&api, &me, "q3", &regions, "Дніпропетровська").await;
    assert!(
        text(&results).contains("Рівність поруч"),
        "{}",
        text(&results)
    );
    assert!(text(&results).contains("Дніпропетровська область"));
    let card = tap(&api, &me, "q4", &results, "1.").await;
    assert!(
        text(&card).contains("Перевірено 01.10.2026"),
        "{}",
        text(&card)
    );
    assert!(text(&card).contains("example.org"));

    assert!(
        api.refusals().is_empty(),
        "Telegram would refuse: {:#?}",
        api.refusals()
    );
}

/// Telegram holds a quiet `getUpdates` open as long as asked. The bot's polls must end before
/// its HTTP client gives up on them (17 s), or every quiet poll fails and the pause after a
/// failure grows until a person's message waits half a minute before it is even fetched.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_quiet_bot_keeps_polling_and_answers_the_next_person_at_once() {
    let api = telegram().await;
    api.hold_polls_as_telegram();
    let dir = support::tempdir();
    let log_path = dir.path().join("bot.log");
    let log = std::fs::File::create(&log_path).expect("log file");
    let _bot = start_bot_logging(&api, &dir.path().join("store"), "warn", Stdio::from(log));
    started(&api).await;
    // Quiet for longer than the client's 17 seconds.
    tokio::time::sleep(std::time::Duration::from_secs(20)).await;
    let n = api.calls().len();
    let asked = std::time::Instant::now();
    api.push(text_update(&user(502, "en"), 1, "/start"));
    api.wait_for(n, "the welcome", |c| c.method == "sendMessage")
        .await;
    assert!(
        asked.elapsed() < std::time::Duration::from_secs(2),
        "the welcome took {:?}",
        asked.elapsed()
    );
    let log = std::fs::read_to_string(&log_path).unwrap_or_default();
    assert!(!log.contains("getUpdates failed"), "{log}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_step_survives_kill_9_and_bad_input_is_answered_politely() {
    let api = telegram().await;
    let dir = support::tempdir();
    let me = user(777, "en");
    {
        let _bot = start_bot(&api, dir.path());
        started(&api).await;
        let n = api.calls().len();
        api.push(text_update(&me, 1, "/find"));
        let topics = api
            .wait_for(n, "topics", |c| c.method == "sendMessage")
            .await;
        let regions = tap(&api, &me, "k1", &topics, "Legal aid").await;
        assert!(text(&regions).contains("Choose a region"));
        // _bot is dropped here: SIGKILL, no chance to clean up.
    }
    let before = api.calls().len();
    let _bot = start_bot(&api, dir.path());
    api.wait_for(before, "the restarted bot polling", |c| {
        c.method == "setMyCommands"
    })
    .await;

    let n = api.calls().len();
    api.push(text_update(&me, 2, "Dnipro"));
    let results = api
        .wait_for(n, "results for the typed place", |c| {
            c.method == "sendMessage" && text(c).contains("Dnipropetrovsk")
        })
        .await;
    assert!(text(&results).contains("Legal aid"), "{}", text(&results));

    let n = api.calls().len();
    api.push(serde_json::json!({"message": {
        "message_id": 3, "date": 1_760_000_000, "chat": {"id": 777, "type": "private", "first_name": "Test"},
        "from": me, "sticker": {"file_id": "s", "file_unique_id": "s", "type": "regular", "width": 512,
        "height": 512, "is_animated": false, "is_video": false}
    }}));
    let hint = api
        .wait_for(n, "a hint for the sticker", |c| c.method == "sendMessage")
        .await;
    assert!(
        text(&hint).contains("only text and buttons"),
        "{}",
        text(&hint)
    );

    let n = api.calls().len();
    api.push(press(&me, "forged", &results.result, "1:o:does-not-exist"));
    let answer = api
        .wait_for(n, "the forged button answer", |c| {
            c.method == "answerCallbackQuery"
        })
        .await;
    assert!(
        answer.params["text"]
            .as_str()
            .unwrap_or_default()
            .contains("expired")
    );
    let expired = api
        .wait_for(n, "the menu after the forged button", |c| {
            c.method == "sendMessage"
        })
        .await;
    assert!(
        text(&expired).contains("This button has expired"),
        "{}",
        text(&expired)
    );

    let n = api.calls().len();
    api.push(text_update(&me, 4, "/urgent"));
    let urgent = api
        .wait_for(n, "hotlines", |c| c.method == "sendMessage")
        .await;
    assert!(text(&urgent).contains("116 123"), "{}", text(&urgent));

    assert!(
        api.refusals().is_empty(),
        "Telegram would refuse: {:#?}",
        api.refusals()
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn logs_at_trace_level_carry_no_text_and_no_ids() {
    let api = telegram().await;
    let dir = support::tempdir();
    let log_path = dir.path().join("bot.log");
    let log = std::fs::File::create(&log_path).expect("log file");
    let store = dir.path().join("store");
    let bot = start_bot_logging(&api, &store, "trace", Stdio::from(log));
    started(&api).await;

    let canary_id = 918_273_645;
    let me = user(canary_id, "uk");
    let n = api.calls().len();
    api.push(text_update(&me, 1, "юрист CANARYTEXT у Львові"));
    let results = api
        .wait_for(n, "search results", |c| c.method == "sendMessage")
        .await;
    let n = api.calls().len();
    api.push(press(
        &me,
        "canary-press",
        &results.result,
        "1:o:does-not-exist",
    ));
    api.wait_for(n, "the answer", |c| c.method == "answerCallbackQuery")
        .await;
    // An update teloxide cannot parse (teloxide's own dispatcher would log it whole).
    api.push(serde_json::json!({"message": {
        "message_id": "not a number", "date": 1_760_000_000,
        "chat": {"id": canary_id, "type": "private", "first_name": "Test"},
        "from": me, "text": "CANARYTEXT unparseable"
    }}));
    let n = api.calls().len();
    api.push(text_update(&me, 2, "/start"));
    api.wait_for(n, "the welcome", |c| {
        c.method == "sendMessage" && text(c).contains("Вітаю")
    })
    .await;
    drop(bot);

    let log = std::fs::read_to_string(&log_path).expect("log written");
    assert!(
        log.contains("bot started"),
        "the log is being written: {log}"
    );
    assert!(
        log.contains("an unreadable update was skipped"),
        "an update that cannot be read is reported without its content: {log}"
    );
    for secret in [
        "CANARYTEXT",
        "canarytext",
        "юрист",
        &canary_id.to_string(),
        "TEST-TOKEN",
    ] {
        assert!(!log.contains(secret), "the log contains {secret:?}:\n{log}");
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn forget_deletes_the_recent_messages_from_the_chat() {
    let api = telegram().await;
    let dir = support::tempdir();
    let _bot = start_bot(&api, dir.path());
    started(&api).await;
    let me = user(31337, "en");
    let n = api.calls().len();
    api.push(text_update(&me, 71, "lawyer in Kyiv"));
    let results = api
        .wait_for(n, "results", |c| c.method == "sendMessage")
        .await;
    let n = api.calls().len();
    api.push(text_update(&me, 72, "/forget"));
    let ask = api
        .wait_for(n, "the question", |c| c.method == "sendMessage")
        .await;
    assert!(text(&ask).contains("Delete everything"), "{}", text(&ask));
    let done = tap(&api, &me, "f1", &ask, "🗑 Yes").await;
    assert!(
        text(&done).contains("everything was deleted"),
        "{}",
        text(&done)
    );

    let deleted = api
        .wait_for(0, "deleteMessages", |c| c.method == "deleteMessages")
        .await;
    assert_eq!(deleted.params["chat_id"], 31337);
    let ids: Vec<i64> = deleted.params["message_ids"]
        .as_array()
        .map(|a| a.iter().filter_map(|v| v.as_i64()).collect())
        .unwrap_or_default();
    let results_id = results.result["message_id"].as_i64().unwrap_or_default();
    let ask_id = ask.result["message_id"].as_i64().unwrap_or_default();
    for id in [71, 72, results_id, ask_id] {
        assert!(ids.contains(&id), "message {id} was not deleted: {ids:?}");
    }
    assert!(
        api.refusals().is_empty(),
        "Telegram would refuse: {:#?}",
        api.refusals()
    );
}

/// Presses a button by its data and waits for the bot's next screen in that chat: a new
/// message, or the one the button was on, edited (a dialogue's steps).
async fn press_data(api: &FakeBotApi, from: &Value, id: &str, on: &Call, data: &str) -> Call {
    let chat = from["id"].clone();
    let n = api.calls().len();
    api.push(press(from, id, &on.result, data));
    api.wait_for(n, data, |c| {
        matches!(c.method.as_str(), "sendMessage" | "editMessageText")
            && c.params["chat_id"] == chat
    })
    .await
}

/// Sends a text and waits for the bot's next message to that chat.
async fn say(api: &FakeBotApi, from: &Value, message_id: i64, words: &str) -> Call {
    let chat = from["id"].clone();
    let n = api.calls().len();
    api.push(text_update(from, message_id, words));
    api.wait_for(n, words, |c| {
        c.method == "sendMessage" && c.params["chat_id"] == chat
    })
    .await
}

/// Waits for a message to `chat` containing `needle`, after the first `after` calls.
async fn message_to(api: &FakeBotApi, after: usize, chat: i64, needle: &str) -> Call {
    api.wait_for(after, needle, |c| {
        c.method == "sendMessage" && c.params["chat_id"] == chat && text(c).contains(needle)
    })
    .await
}

/// Every file under a directory, with its bytes.
fn files_under(dir: &std::path::Path) -> Vec<(std::path::PathBuf, Vec<u8>)> {
    let mut out = Vec::new();
    let mut stack = vec![dir.to_path_buf()];
    while let Some(path) = stack.pop() {
        if path.is_dir() {
            stack.extend(
                std::fs::read_dir(&path)
                    .expect("readable dir")
                    .filter_map(|e| e.ok().map(|e| e.path())),
            );
        } else if let Ok(bytes) = std::fs::read(&path) {
            out.push((path, bytes));
        }
    }
    out
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_requester_and_an_organization_complete_the_whole_flow_on_the_binary() {
    const ADMIN: i64 = 424_242;
    const STAFF: i64 = 535_353;
    const HER: i64 = 918_273_646;
    const DESCRIPTION: &str = "CANARY-DESC мій командир";
    const PHONE: &str = "+380 67 000 11 22";
    const TO_ORG: &str = "CANARY-TO-ORG допоможіть";
    const TO_HER: &str = "CANARY-TO-HER we can help";
    let api = telegram().await;
    let dir = support::tempdir();
    let store = dir.path().join("store");
    let log_path = dir.path().join("bot.log");
    let log = std::fs::File::create(&log_path).expect("log file");
    let bot = start_bot_with(
        &api,
        &store,
        "trace",
        Stdio::from(log),
        &[("PORUCH_ADMINS", &ADMIN.to_string())],
    );
    started(&api).await;

    // A coordinator invites; the staff member joins (in English).
    let admin = user(ADMIN, "en");
    let invite = say(&api, &admin, 1, "/invite demo-rivnist-dnipro").await;
    let code = support::invite_code(text(&invite));
    let staff = user(STAFF, "en");
    say(&api, &staff, 1, &format!("/join {code}")).await;
    let joined = say(&api, &staff, 2, "Olena, lawyer").await;
    assert!(
        text(&joined).contains("you are on the team"),
        "{}",
        text(&joined)
    );

    // She asks for help (in Ukrainian), shares a phone number, and sends.
    let her = user(HER, "uk");
    let welcome = say(&api, &her, 1, "/start").await;
    let topics = press_data(&api, &her, "h1", &welcome, "1:a").await;
    assert!(text(&topics).contains("Крок 1 з 5"), "{}", text(&topics));
    let regions = press_data(&api, &her, "h2", &topics, "1:dt:sexual-harassment").await;
    assert!(text(&regions).contains("Крок 2 з 5"));
    let kinds = say(&api, &her, 2, "Дніпро").await;
    assert!(text(&kinds).contains("Крок 3 з 5"), "{}", text(&kinds));
    let describe = press_data(&api, &her, "h3", &kinds, "1:dk:legal").await;
    let contact = say(&api, &her, 3, DESCRIPTION).await;
    assert!(text(&contact).contains("Крок 5 з 5"));
    let typing = press_data(&api, &her, "h4", &contact, "1:dcs").await;
    let consent = say(&api, &her, 4, PHONE).await;
    assert!(text(&consent).contains(PHONE) && text(&consent).contains(DESCRIPTION));
    let n = api.calls().len();
    let sent = press_data(&api, &her, "h5", &consent, "1:ds").await;
    assert!(text(&sent).contains("Ваш код запиту"), "{}", text(&sent));
    let at = text(&sent).find("R-").expect("a code");
    let reference = text(&sent)[at..at + 6].to_string();
    drop(describe);
    drop(typing);

    // The organization is told, opens it, accepts.
    let notice = message_to(&api, n, STAFF, &reference).await;
    assert!(
        !text(&notice).contains("CANARY"),
        "no description in the notice"
    );
    assert_eq!(notice.params["protect_content"], true);
    let detail = tap(&api, &staff, "s1", &notice, "Open").await;
    // Before accepting: what she needs, not who she is or how to reach her.
    assert!(text(&detail).contains(DESCRIPTION), "{}", text(&detail));
    assert!(!text(&detail).contains(PHONE), "{}", text(&detail));
    assert_eq!(detail.params["protect_content"], true);
    let n = api.calls().len();
    let accepted = tap(&api, &staff, "s2", &detail, "✅ Accept").await;
    assert!(
        text(&accepted).contains("You accepted") && text(&accepted).contains(PHONE),
        "{}",
        text(&accepted)
    );
    assert_eq!(accepted.params["protect_content"], true);

    // She is told and writes; they answer; neither sees the other's account.
    // Discreetly: news on her request, and what it is only when she presses Show.
    let news = message_to(&api, n, HER, "Є новини щодо вашого запиту").await;
    assert!(!text(&news).contains("Рівність"), "{}", text(&news));
    let told = tap(&api, &her, "h6s", &news, "👁").await;
    assert_eq!(told.method, "editMessageText", "shown in place");
    assert!(
        text(&told).contains("прийняла ваш запит"),
        "{}",
        text(&told)
    );
    let prompt = tap(&api, &her, "h6", &told, "💬").await;
    assert!(
        text(&prompt).contains("приховані дані"),
        "{}",
        text(&prompt)
    );
    let n = api.calls().len();
    say(&api, &her, 5, TO_ORG).await;
    let relayed = message_to(&api, n, STAFF, TO_ORG).await;
    assert!(text(&relayed).contains(&reference));
    assert!(!text(&relayed).contains(&HER.to_string()));
    assert_eq!(relayed.params["protect_content"], true);
    let reply_prompt = tap(&api, &staff, "s3", &relayed, "💬 Reply").await;
    assert!(text(&reply_prompt).contains("Type your message"));
    let n = api.calls().len();
    say(&api, &staff, 2, TO_HER).await;
    let news = message_to(&api, n, HER, &reference).await;
    assert!(!text(&news).contains("CANARY"), "{}", text(&news));
    let answer = tap(&api, &her, "h6a", &news, "👁").await;
    assert!(text(&answer).contains(TO_HER), "{}", text(&answer));
    assert!(
        text(&answer).contains("Рівність поруч"),
        "{}",
        text(&answer)
    );
    assert!(!text(&answer).contains(&STAFF.to_string()));
    drop(bot);

    assert!(api.refusals().is_empty(), "{:#?}", api.refusals());
    // At rest: none of what she wrote, her phone or her id is in the data files in plain text;
    // the request itself is (its topic), so finding nothing proves something.
    let files = files_under(&store);
    assert!(
        files
            .iter()
            .any(|(_, b)| b.windows(17).any(|w| w == b"sexual-harassment")),
        "the scan reads the store"
    );
    for (path, bytes) in &files {
        for secret in [
            DESCRIPTION.as_bytes(),
            PHONE.as_bytes(),
            TO_ORG.as_bytes(),
            TO_HER.as_bytes(),
            HER.to_string().as_bytes(),
            &HER.to_be_bytes(),
            STAFF.to_string().as_bytes(),
        ] {
            assert!(
                !bytes.windows(secret.len()).any(|w| w == secret),
                "{} holds {:?} in plain text",
                path.display(),
                String::from_utf8_lossy(secret)
            );
        }
    }
    // In the trace-level log: no text, no phone, no ids.
    let log = std::fs::read_to_string(&log_path).expect("log written");
    assert!(log.contains("a help request was referred"), "{log}");
    for secret in [
        "CANARY",
        PHONE,
        "000 11 22",
        &HER.to_string(),
        &STAFF.to_string(),
        &ADMIN.to_string(),
        "TEST-TOKEN",
    ] {
        assert!(!log.contains(secret), "the log contains {secret:?}");
    }

    // After a restart she deletes everything; the organization is told it was withdrawn.
    let _bot = start_bot_with(
        &api,
        &store,
        "info",
        Stdio::null(),
        &[("PORUCH_ADMINS", &ADMIN.to_string())],
    );
    let ask = say(&api, &her, 6, "/forget").await;
    let n = api.calls().len();
    let yes = button(&ask, "🗑").expect("the delete button");
    api.push(press(&her, "h7", &ask.result, &yes));
    message_to(&api, n, HER, "усе видалено").await;
    let withdrawn = message_to(&api, n, STAFF, &reference).await;
    assert!(
        text(&withdrawn).contains("withdrawn"),
        "{}",
        text(&withdrawn)
    );
    drop(_bot);
    let store = poruch::storage::Store::open_waiting(&store, std::time::Duration::from_secs(10))
        .expect("the store opens");
    assert_eq!(store.help_request(&reference).expect("readable"), None);
    assert!(store.requests_of(HER).expect("readable").is_empty());
    assert_eq!(store.user_language(HER).expect("readable"), None);
    assert_eq!(store.dialogue(HER).expect("readable"), None);
    assert!(
        store
            .due(poruch::domain::Timestamp::NEVER, usize::MAX)
            .expect("readable")
            .iter()
            .all(|p| p.entry.chat_id != HER),
        "nothing left queued for her"
    );
}

/// Waits until a restarted bot is polling again (its calls after the first `after`).
async fn restarted(api: &FakeBotApi, after: usize) {
    api.wait_for(after, "the webhook check after a restart", |c| {
        c.method == "getWebhookInfo"
    })
    .await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_adviser_gets_a_trainer_and_both_sides_rate_it_on_the_binary() {
    const ADMIN: i64 = 424_243;
    const STAFF: i64 = 535_354;
    const HER: i64 = 918_273_647;
    const BODY: &str = "CANARY-BODY Військовий ліцей";
    const PROPOSAL: &str = "CANARY-PROPOSAL дводенний тренінг, безкоштовно";
    const COMMENT: &str = "CANARY-COMMENT чудові тренерки";
    let api = telegram().await;
    let dir = support::tempdir();
    let store_dir = dir.path().join("store");
    let admins = [("PORUCH_ADMINS", ADMIN.to_string())];
    let env: Vec<(&str, &str)> = admins.iter().map(|(k, v)| (*k, v.as_str())).collect();
    let log_path = dir.path().join("bot.log");
    let log = std::fs::File::create(&log_path).expect("log file");
    let bot = start_bot_with(&api, &store_dir, "trace", Stdio::from(log), &env);
    started(&api).await;

    // The trainer in Lviv joins (in Ukrainian).
    let admin = user(ADMIN, "en");
    let invite = say(&api, &admin, 1, "/invite demo-kurs-lviv").await;
    let staff = user(STAFF, "uk");
    say(
        &api,
        &staff,
        1,
        &format!("/join {}", support::invite_code(text(&invite))),
    )
    .await;
    say(&api, &staff, 2, "Тарас, тренер").await;

    // "I need a trainer on CRSV for 40 cadets in Lviv in March."
    let her = user(HER, "uk");
    let welcome = say(&api, &her, 1, "/start").await;
    // She wants notices in full (the settings screen): offers come with their text.
    let settings = say(&api, &her, 20, "/language").await;
    assert!(text(&settings).contains("стримані"), "{}", text(&settings));
    let set = tap(&api, &her, "e0", &settings, "Повні сповіщення").await;
    assert!(text(&set).contains("повністю"), "{}", text(&set));
    let need = press_data(&api, &her, "e1", &welcome, "1:e").await;
    assert!(text(&need).contains("Крок 1 з 8"), "{}", text(&need));
    let topic = press_data(&api, &her, "e2", &need, "1:en:training").await;
    let audience = press_data(&api, &her, "e3", &topic, "1:et:crsv").await;
    press_data(&api, &her, "e4", &audience, "1:ea:cadets").await;
    let format = say(&api, &her, 2, "40").await;
    press_data(&api, &her, "e5", &format, "1:ei").await;
    say(&api, &her, 3, "Львів").await;
    let understood = say(&api, &her, 4, "у березні").await;
    assert!(
        text(&understood).contains("01.03.2027 – 31.03.2027"),
        "{}",
        text(&understood)
    );
    press_data(&api, &her, "e6", &understood, "1:ew").await;
    let contact = say(&api, &her, 5, BODY).await;
    let confirm = press_data(&api, &her, "e7", &contact, "1:ecb").await;
    assert!(text(&confirm).contains(BODY), "{}", text(&confirm));
    let n = api.calls().len();
    let sent = press_data(&api, &her, "e8", &confirm, "1:esend").await;
    let at = text(&sent).find("E-").expect("a code");
    let code = text(&sent)[at..at + 6].to_string();

    // The organization offers; she picks; they get her contact choice.
    let notice = message_to(&api, n, STAFF, &code).await;
    assert_eq!(notice.params["protect_content"], true);
    let prompt = tap(&api, &staff, "s1", &notice, "Запропонувати").await;
    assert!(text(&prompt).contains("одним повідомленням"));
    let n = api.calls().len();
    say(&api, &staff, 2, PROPOSAL).await;
    let offer = message_to(&api, n, HER, PROPOSAL).await;
    let n = api.calls().len();
    let picked = tap(&api, &her, "e9", &offer, "Обрати").await;
    assert!(text(&picked).contains("Ви обрали"), "{}", text(&picked));
    let chosen = message_to(&api, n, STAFF, "обрано").await;
    assert!(text(&chosen).contains("через бот"), "{}", text(&chosen));
    drop(bot);

    // After the dates (April 2027): the background task asks both sides. The clock cannot be
    // moved in the binary, so this step runs in-process on the same store, with its context
    // set to 1 April 2027, and delivers through the same fake Bot API.
    {
        let store =
            poruch::storage::Store::open_waiting(&store_dir, std::time::Duration::from_secs(10))
                .expect("the store opens");
        let day = chrono::NaiveDate::from_ymd_opt(2027, 4, 1).expect("a date");
        let taxonomy = poruch::startup::taxonomy().expect("taxonomy");
        let materials = poruch::datafile::materials(&taxonomy).expect("materials");
        let index = poruch::startup::load_index(&store, taxonomy, day).expect("index");
        let config = poruch::app::Config {
            retention_days: 30,
            offer_days: 7,
            min_ratings: 1,
            admins: [ADMIN].into_iter().collect(),
        };
        let ctx = poruch::telegram::BotContext {
            app: poruch::app::App::new(
                store.clone(),
                index,
                materials,
                config,
                poruch::app::Clock::Fixed(day),
            ),
            i18n: std::sync::Arc::new(poruch::i18n::I18n::load().expect("locales")),
            hotlines: std::sync::Arc::new(poruch::datafile::hotlines().expect("hotlines")),
            dashboard: None,
            outgoing: poruch::telegram::outgoing::Outgoing::lifted(),
        };
        assert_eq!(
            poruch::app::feedback::ask_due(&ctx.app)
                .await
                .expect("asked")
                .into_inner(),
            2
        );
        let telegram = teloxide::Bot::new("123456:TEST-TOKEN")
            .set_api_url(url::Url::parse(&api.url).expect("url"));
        let n = api.calls().len();
        poruch::telegram::outbox_worker::deliver_due_at(&telegram, &ctx, ctx.app.now())
            .await
            .expect("delivered");
        message_to(&api, n, HER, "співпраця відбулася").await;
        message_to(&api, n, STAFF, "співпраця за цим запитом відбулася").await;
    }

    // Back on the binary (averages shown from one rating): she rates 5 with a comment that only
    // the coordinator gets; the organization answers too.
    let n = api.calls().len();
    let with_min = [
        ("PORUCH_ADMINS", ADMIN.to_string()),
        ("PORUCH_MIN_RATINGS", "1".to_string()),
    ];
    let env: Vec<(&str, &str)> = with_min.iter().map(|(k, v)| (*k, v.as_str())).collect();
    let log = std::fs::OpenOptions::new()
        .append(true)
        .open(&log_path)
        .expect("log file");
    let _bot = start_bot_with(&api, &store_dir, "trace", Stdio::from(log), &env);
    restarted(&api, n).await;
    let question = api
        .calls()
        .into_iter()
        .rev()
        .find(|c| {
            c.method == "sendMessage" && c.params["chat_id"] == HER && text(c).contains("відбулася")
        })
        .expect("her question");
    let stars = tap(&api, &her, "e10", &question, "Так").await;
    let thanks = tap(&api, &her, "e11", &stars, "5 ★").await;
    assert!(text(&thanks).contains("коментар"), "{}", text(&thanks));
    let n = api.calls().len();
    let comment_sent = say(&api, &her, 6, COMMENT).await;
    assert!(
        text(&comment_sent).contains("лише координатори"),
        "{}",
        text(&comment_sent)
    );
    let comment = message_to(&api, n, ADMIN, "CANARY-COMMENT").await;
    assert!(
        text(&comment).contains("5/5") && text(&comment).contains(&code),
        "{}",
        text(&comment)
    );
    let org_question = api
        .calls()
        .into_iter()
        .rev()
        .find(|c| {
            c.method == "sendMessage"
                && c.params["chat_id"] == STAFF
                && text(c).contains("відбулася")
        })
        .expect("the organization's question");
    let org_stars = tap(&api, &staff, "s2", &org_question, "Так").await;
    let org_thanks = tap(&api, &staff, "s3", &org_stars, "4 ★").await;
    assert!(text(&org_thanks).contains("Дякую"), "{}", text(&org_thanks));
    let card = press_data(&api, &her, "e12", &comment_sent, "1:o:demo-kurs-lviv").await;
    assert!(
        text(&card).contains("⭐ 5,0 з 5 (1 оцінка)"),
        "{}",
        text(&card)
    );
    drop(_bot);

    assert!(api.refusals().is_empty(), "{:#?}", api.refusals());
    let log = std::fs::read_to_string(&log_path).expect("log written");
    assert!(
        log.contains("an offer was picked") && log.contains("a feedback comment went"),
        "{log}"
    );
    for secret in [
        "CANARY",
        &HER.to_string(),
        &STAFF.to_string(),
        &ADMIN.to_string(),
        "TEST-TOKEN",
    ] {
        assert!(!log.contains(secret), "the log contains {secret:?}");
    }
    for (path, bytes) in files_under(&store_dir) {
        for secret in ["CANARY-BODY", "CANARY-PROPOSAL", "CANARY-COMMENT"] {
            assert!(
                !bytes.windows(secret.len()).any(|w| w == secret.as_bytes()),
                "{} holds {secret} in plain text",
                path.display()
            );
        }
    }
}

/// Everything issue 10 promised, on the built binary: a revoked member gets nothing; the
/// first organization declines; the second organization's staff see no contact before they
/// accept and see it after; her notices are discreet; /hide removes the delivered notices
/// and her messages and leaves her request in place.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn promises_to_the_requester_hold_on_the_binary() {
    const ADMIN: i64 = 424_300;
    const SVITANOK: i64 = 535_301;
    const SVITANOK_GONE: i64 = 535_302;
    const PSY: i64 = 535_303;
    const HER: i64 = 918_273_700;
    const DESCRIPTION: &str = "CANARY-DESC потрібна розмова";
    const PHONE: &str = "+380 67 000 33 44";
    let api = telegram().await;
    let dir = support::tempdir();
    let store = dir.path().join("store");
    let _bot = start_bot_with(
        &api,
        &store,
        "info",
        Stdio::null(),
        &[("PORUCH_ADMINS", &ADMIN.to_string())],
    );
    started(&api).await;

    // Two members of Svitanok and one of the psychological line join; one is removed.
    let admin = user(ADMIN, "en");
    let mut next_id = 10;
    for (org, who) in [
        ("demo-svitanok-kharkiv", SVITANOK),
        ("demo-svitanok-kharkiv", SVITANOK_GONE),
        ("demo-psy-liniya", PSY),
    ] {
        next_id += 1;
        let invite = say(&api, &admin, next_id, &format!("/invite {org}")).await;
        let member = user(who, "en");
        say(
            &api,
            &member,
            1,
            &format!("/join {}", support::invite_code(text(&invite))),
        )
        .await;
        say(&api, &member, 2, &format!("Member {who}")).await;
    }
    let team = say(&api, &admin, 50, "/staff demo-svitanok-kharkiv").await;
    let confirm = tap(
        &api,
        &admin,
        "a1",
        &team,
        &format!("✖ Remove: Member {SVITANOK_GONE}"),
    )
    .await;
    let n = api.calls().len();
    let removed = tap(&api, &admin, "a2", &confirm, "✖ Yes, remove").await;
    assert!(
        text(&removed).contains("no longer on the team"),
        "{}",
        text(&removed)
    );
    message_to(&api, n, SVITANOK, &format!("Member {SVITANOK_GONE}")).await;
    let after_removal = api.calls().len();

    // She asks for psychological help in Kharkiv oblast, with her phone, "pass it on".
    let her = user(HER, "uk");
    let welcome = say(&api, &her, 101, "/start").await;
    let topics = press_data(&api, &her, "h1", &welcome, "1:a").await;
    let region = press_data(&api, &her, "h2", &topics, "1:dt:crsv").await;
    let kinds = say(&api, &her, 102, "Харків").await;
    press_data(&api, &her, "h3", &kinds, "1:dk:psychological").await;
    let contact = say(&api, &her, 103, DESCRIPTION).await;
    press_data(&api, &her, "h4", &contact, "1:dcs").await;
    let consent = say(&api, &her, 104, PHONE).await;
    assert!(
        text(&consent).contains("не</b> ваш контакт"),
        "{}",
        text(&consent)
    );
    assert!(
        button(&consent, "✅ Передати наступній").is_some(),
        "the default"
    );
    let n = api.calls().len();
    let sent = press_data(&api, &her, "h5", &consent, "1:ds").await;
    let at = text(&sent).find("R-").expect("a code");
    let code = text(&sent)[at..at + 6].to_string();
    drop(region);

    // The first organization sees what she needs, not her phone, and declines.
    let first = api
        .wait_for(n, "the first organization's notice", |c| {
            c.method == "sendMessage"
                && (c.params["chat_id"] == SVITANOK || c.params["chat_id"] == PSY)
                && text(c).contains(&code)
        })
        .await;
    let (first_id, second_id) = if first.params["chat_id"] == SVITANOK {
        (SVITANOK, PSY)
    } else {
        (PSY, SVITANOK)
    };
    let first_staff = user(first_id, "en");
    let detail = tap(&api, &first_staff, "f1", &first, "Open").await;
    assert!(text(&detail).contains(DESCRIPTION), "{}", text(&detail));
    assert!(!text(&detail).contains(PHONE), "{}", text(&detail));
    let reasons = tap(&api, &first_staff, "f2", &detail, "✖ Decline").await;
    let n = api.calls().len();
    tap(&api, &first_staff, "f3", &reasons, "No capacity").await;

    // The second sees no contact before accepting, and sees it after.
    let second = message_to(&api, n, second_id, &code).await;
    let second_staff = user(second_id, "en");
    let detail = tap(&api, &second_staff, "g1", &second, "Open").await;
    assert!(text(&detail).contains(DESCRIPTION), "{}", text(&detail));
    assert!(!text(&detail).contains(PHONE), "{}", text(&detail));
    let n = api.calls().len();
    let accepted = tap(&api, &second_staff, "g2", &detail, "✅ Accept").await;
    assert!(text(&accepted).contains(PHONE), "{}", text(&accepted));

    // Her notices say only that there is news.
    let news = message_to(&api, n, HER, "Є новини щодо вашого запиту").await;
    for name in ["Світанок", "Психологічна лінія", "Svitanok"] {
        assert!(!text(&news).contains(name), "{}", text(&news));
    }
    // Two pieces of news (re-routed, accepted): paced at about one a second in her chat.
    let first_news = api
        .calls()
        .iter()
        .position(|c| c.result["message_id"] == news.result["message_id"])
        .expect("the news is among the calls");
    message_to(&api, first_news + 1, HER, "Є новини щодо вашого запиту").await;
    let notices_to_her: Vec<i64> = api
        .calls()
        .into_iter()
        .filter(|c| c.method == "sendMessage" && c.params["chat_id"] == HER)
        .filter(|c| c.refused.is_none() && text(c).contains("Є новини"))
        .filter_map(|c| c.result["message_id"].as_i64())
        .collect();
    assert!(
        notices_to_her.len() >= 2,
        "re-routed and accepted: {notices_to_her:?}"
    );

    // The removed member got nothing at all after the removal.
    assert!(
        api.calls()
            .into_iter()
            .skip(after_removal)
            .all(|c| c.params["chat_id"] != SVITANOK_GONE),
        "a removed member is sent nothing"
    );

    // /hide: asks, then deletes the delivered notices and her messages, keeps the request.
    let ask = say(&api, &her, 105, "/hide").await;
    assert!(text(&ask).contains("48 годин"), "{}", text(&ask));
    let n = api.calls().len();
    let done = tap(&api, &her, "h6", &ask, "🧹 Так").await;
    assert!(text(&done).contains("Видалено"), "{}", text(&done));
    let deleted: Vec<i64> = api
        .calls()
        .into_iter()
        .skip(n)
        .filter(|c| c.method == "deleteMessages" && c.params["chat_id"] == HER)
        .flat_map(|c| {
            c.params["message_ids"]
                .as_array()
                .cloned()
                .unwrap_or_default()
        })
        .filter_map(|v| v.as_i64())
        .collect();
    for id in notices_to_her.iter().chain(&[101, 103, 104]) {
        assert!(deleted.contains(id), "message {id} stays: {deleted:?}");
    }
    let mine = say(&api, &her, 106, "/my").await;
    assert!(
        button(&mine, &code).is_some(),
        "{:#?}",
        mine.params["reply_markup"]
    );
    assert!(api.refusals().is_empty(), "{:#?}", api.refusals());
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn added_to_a_group_the_bot_leaves_it() {
    let api = telegram().await;
    let dir = support::tempdir();
    let _bot = start_bot(&api, dir.path());
    started(&api).await;
    let someone = user(777, "uk");
    let bot_user = serde_json::json!({"id": 42, "is_bot": true, "first_name": "Poruch"});
    let n = api.calls().len();
    api.push(serde_json::json!({"my_chat_member": {
        "chat": {"id": -100_123, "type": "supergroup", "title": "Brigade chat"},
        "from": someone,
        "date": 1_760_000_000,
        "old_chat_member": {"status": "left", "user": bot_user},
        "new_chat_member": {"status": "member", "user": bot_user},
    }}));
    let left = api
        .wait_for(n, "leaveChat", |c| c.method == "leaveChat")
        .await;
    assert_eq!(left.params["chat_id"], -100_123);
    assert!(api.refusals().is_empty(), "{:#?}", api.refusals());
}
