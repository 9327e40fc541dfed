//! The outbox worker against the strict fake Bot API: 429 is honored, 403 drops the message,
//! and what was queued before a restart is delivered after it.
#![allow(clippy::unwrap_used, clippy::expect_used)] // a test may stop at what it did not expect

mod support;

use std::sync::Arc;

use poruch::app::{App, Clock, Config};
use poruch::domain::Timestamp;
use poruch::storage::{OutboxEntry, Store};
use poruch::telegram::BotContext;
use poruch::telegram::outbox_worker::deliver_due;
use support::fake_bot_api::FakeBotApi;
use teloxide::Bot;

type TestResult = Result<(), Box<dyn std::error::Error>>;

fn message(chat: i64, text: &str) -> OutboxEntry {
    OutboxEntry::text(chat, format!("<b>{text}</b>"))
}

/// The context the worker delivers with, on a store.
fn context(store: &Store) -> BotContext {
    let taxonomy = poruch::startup::taxonomy().expect("taxonomy");
    let index = poruch::domain::SearchIndex::new(taxonomy, Vec::new());
    BotContext {
        app: App::new(
            store.clone(),
            index,
            Vec::new(),
            Config::default(),
            Clock::System,
        ),
        i18n: Arc::new(poruch::i18n::I18n::load().expect("locales")),
        hotlines: Arc::new(Vec::new()),
        dashboard: None,
        // Telegram's limits, as the binary paces them.
        outgoing: poruch::telegram::outgoing::Outgoing::new(poruch::telegram::pacing::Pacer::new(
            Some(poruch::telegram::pacing::Limits::TELEGRAM),
        )),
    }
}

fn bot(api: &FakeBotApi) -> Result<Bot, Box<dyn std::error::Error>> {
    Ok(Bot::new("123456:TEST").set_api_url(api.url.parse()?))
}

fn sends_to(api: &FakeBotApi, chat: i64) -> Vec<Option<String>> {
    api.calls()
        .into_iter()
        .filter(|c| c.method == "sendMessage" && c.params["chat_id"] == chat)
        .map(|c| c.refused)
        .collect()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_429_is_waited_out_and_a_403_drops_the_message() -> TestResult {
    let api = FakeBotApi::start().await;
    let dir = support::tempdir();
    let store = Store::open(dir.path())?;
    api.fail_next_send(200, 429, "Too Many Requests: retry after 1", Some(1));
    api.fail_next_send(300, 403, "Forbidden: bot was blocked by the user", None);
    store.enqueue(
        &[
            message(100, "to A"),
            message(200, "to B"),
            message(300, "to C"),
        ],
        Timestamp::default(),
    )?;

    let bot = bot(&api)?;
    let finished = deliver_due(&bot, &context(&store)).await?;
    assert_eq!(finished, 3);
    assert_eq!(store.outbox_len(), 0);
    assert_eq!(sends_to(&api, 100), vec![None]);
    assert_eq!(sends_to(&api, 200).len(), 2, "sent again after retry_after");
    assert_eq!(sends_to(&api, 200)[1], None);
    assert_eq!(
        sends_to(&api, 300).len(),
        1,
        "a blocked chat is not retried"
    );
    assert!(store.is_unreachable(300)?, "and is marked unreachable");
    assert!(!store.is_unreachable(100)?);
    Ok(())
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_chat_held_back_by_telegrams_limit_does_not_hold_back_others() -> TestResult {
    let api = FakeBotApi::start().await;
    let dir = support::tempdir();
    let store = Store::open(dir.path())?;
    // Telegram allows about one message a second to one chat (after a short burst).
    let busy: Vec<OutboxEntry> = (0..25).map(|i| message(500, &format!("n{i:02}"))).collect();
    store.enqueue(&busy, Timestamp::default())?;
    store.enqueue(&[message(600, "queued last")], Timestamp::default())?;
    let bot = bot(&api)?;
    let worker = {
        let ctx = context(&store);
        tokio::spawn(async move { deliver_due(&bot, &ctx).await })
    };
    api.wait_for(0, "the other chat's message", |c| {
        c.method == "sendMessage" && c.params["chat_id"] == 600
    })
    .await;
    worker.abort();
    let texts: Vec<String> = api
        .calls()
        .into_iter()
        .filter(|c| c.method == "sendMessage" && c.params["chat_id"] == 500)
        .map(|c| c.params["text"].as_str().unwrap_or_default().to_string())
        .collect();
    let mut sorted = texts.clone();
    sorted.sort();
    assert_eq!(texts, sorted, "one chat's messages keep their order");
    assert!(texts.len() < 25, "the busy chat is still held back");
    Ok(())
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn what_was_queued_before_a_restart_is_delivered_after_it() -> TestResult {
    let api = FakeBotApi::start().await;
    let dir = support::tempdir();
    {
        let store = Store::open(dir.path())?;
        store.enqueue(
            &[message(400, "queued before the crash")],
            Timestamp::default(),
        )?;
        store.flush().await?;
    }
    let store = Store::open_waiting(dir.path(), std::time::Duration::from_secs(5))?;
    deliver_due(&bot(&api)?, &context(&store)).await?;
    let sent: Vec<_> = api
        .calls()
        .into_iter()
        .filter(|c| c.method == "sendMessage")
        .collect();
    assert_eq!(sent.len(), 1);
    assert_eq!(sent[0].params["text"], "<b>queued before the crash</b>");
    assert_eq!(sent[0].params["protect_content"], true);
    assert_eq!(store.outbox_len(), 0);
    Ok(())
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_message_queued_later_is_not_stuck_behind_a_held_back_chat() -> TestResult {
    let api = FakeBotApi::start().await;
    let dir = support::tempdir();
    let store = Store::open(dir.path())?;
    let ctx = Arc::new(context(&store));
    let wake = ctx.app.outbox_signal();
    let worker = tokio::spawn(poruch::telegram::outbox_worker::run(
        bot(&api)?,
        ctx.clone(),
    ));
    let busy: Vec<OutboxEntry> = (0..25).map(|i| message(700, &format!("n{i:02}"))).collect();
    store.enqueue(&busy, Timestamp::default())?;
    wake.notify_one();
    api.wait_for(0, "the busy chat's first messages", |c| {
        c.method == "sendMessage" && c.params["chat_id"] == 700
    })
    .await;
    // A relayed message to someone else, queued while that chat is held back.
    store.enqueue(&[message(800, "a reply to her")], Timestamp::default())?;
    wake.notify_one();
    api.wait_for(0, "the later message to another chat", |c| {
        c.method == "sendMessage" && c.params["chat_id"] == 800
    })
    .await;
    worker.abort();
    Ok(())
}
