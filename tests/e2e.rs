//! End to end: the built binary against the strict fake Bot API server.

mod support;

use std::process::Stdio;

use serde_json::Value;
use support::fake_bot_api::{Call, FakeBotApi, button, press, text_update, user};
use support::process::{start_bot, start_bot_logging, started};

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
    api.wait_for(n, "a reply to the button", |c| {
        c.method == "sendMessage" || c.method == "editMessageText"
    })
    .await
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_servicewoman_finds_an_organization_card_in_ukrainian() {
    let api = FakeBotApi::start().await;
    let dir = tempfile::tempdir().expect("temp dir");
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

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_step_survives_kill_9_and_bad_input_is_answered_politely() {
    let api = FakeBotApi::start().await;
    let dir = tempfile::tempdir().expect("temp dir");
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
    let api = FakeBotApi::start().await;
    let dir = tempfile::tempdir().expect("temp dir");
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
    // An update teloxide cannot parse: teloxide logs it whole, with its text and ids.
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
        log.contains("Cannot parse an update. (details withheld)"),
        "teloxide's error is reported without its content: {log}"
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
    let api = FakeBotApi::start().await;
    let dir = tempfile::tempdir().expect("temp dir");
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
