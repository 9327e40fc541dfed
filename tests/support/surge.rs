//! A surge: many people open the bot at the same moment and each searches at once — the
//! built binary with Telegram's pacing (its default) against the fake Bot API enforcing
//! Telegram's limits — while a requester sends a help request whose notice goes to an
//! organization's staff through the outbox. Shared by the surge test (everyone answered, in
//! order) and its benchmark (how long it takes).

use std::collections::HashMap;
use std::process::Stdio;
use std::time::{Duration, Instant};

use super::LEGAL_HELP_IN_DNIPRO;
use super::fake_bot_api::{Call, FakeBotApi, RateLimits, bot_message, press, text_update, user};
use super::process::{Bot, staff_joins, start_bot_with, started};

pub const ADMIN: i64 = 900;
pub const STAFF: i64 = 800;
pub const REQUESTER: i64 = 700;
const ORG: &str = "demo-rivnist-dnipro";
/// The first person of the surge; the others follow.
pub const FIRST: i64 = 100_000;

/// What one person of the surge got.
#[derive(Debug, Clone)]
pub struct Person {
    pub id: i64,
    /// The texts of the messages Telegram accepted for them, in order.
    pub replies: Vec<String>,
    /// From the surge's start until their search results arrived.
    pub answered_after: Option<Duration>,
}

/// How the surge went.
#[derive(Debug)]
pub struct Surge {
    pub people: Vec<Person>,
    /// From the surge's start until the last person's results (or the deadline).
    pub elapsed: Duration,
    /// Messages Telegram accepted during the surge (all chats).
    pub messages: usize,
    /// Calls answered 429 during the surge.
    pub rate_limited: usize,
    /// Whether the organization's staff got the notice of the new request.
    pub notice_delivered: bool,
    /// Calls Telegram would have refused as wrong.
    pub refusals: Vec<Call>,
    /// "typing…" shown to people whose answer waited.
    pub typing: usize,
}

fn text(call: &Call) -> &str {
    call.params["text"].as_str().unwrap_or_default()
}

fn is_message(call: &Call) -> bool {
    call.refused.is_none() && matches!(call.method.as_str(), "sendMessage" | "editMessageText")
}

/// Whether a reply is the welcome of /start, in either language.
pub fn is_welcome(text: &str) -> bool {
    text.contains("I am the <b>Poruch</b> bot") || text.contains("Я — бот <b>«Поруч»</b>")
}

/// Whether a reply is a free-text search's results screen, in either language.
pub fn is_results(text: &str) -> bool {
    (text.contains("I understood:") && text.contains("Found:"))
        || (text.contains("Я зрозумів так:") && text.contains("Знайдено:"))
}

/// Starts the bot on a fresh store and has a coordinator invite a staff member of ORG, who
/// joins (before the surge, at a person's pace).
pub async fn prepare(api: &FakeBotApi, dir: &std::path::Path) -> Bot {
    let bot = start_bot_with(
        api,
        dir,
        "warn",
        Stdio::inherit(),
        &[("PORUCH_ADMINS", "900")],
    );
    started(api).await;
    staff_joins(api, ADMIN, STAFF, ORG).await;
    bot
}

/// `people` people each send /start and a search at the same moment; a requester sends a
/// help request among them. Waits until everyone has their results and the staff their
/// notice, or `deadline` passed.
pub async fn surge(api: &FakeBotApi, people: usize, deadline: Duration) -> Surge {
    api.enforce_limits(RateLimits::TELEGRAM);
    let before = api.calls().len();
    let start = Instant::now();
    let requester = user(REQUESTER, "en");
    api.push(text_update(&requester, 1, "/request"));
    for (k, data) in LEGAL_HELP_IN_DNIPRO.iter().enumerate() {
        api.push(press(
            &requester,
            &format!("r-{k}"),
            &bot_message(REQUESTER),
            data,
        ));
    }
    for i in 0..people {
        let id = FIRST + i as i64;
        let (lang, query) = if i % 2 == 0 {
            ("uk", "юрист Дніпро")
        } else {
            ("en", "psychologist Kharkiv")
        };
        let me = user(id, lang);
        api.push(text_update(&me, 1, "/start"));
        api.push(text_update(&me, 2, query));
    }
    let mut answered: HashMap<i64, Duration> = HashMap::new();
    let mut notice_delivered = false;
    let mut seen = before;
    let mut last = start.elapsed();
    while (answered.len() < people || !notice_delivered) && start.elapsed() < deadline {
        tokio::time::sleep(Duration::from_millis(20)).await;
        let calls = api.calls();
        for call in calls.iter().skip(seen).filter(|c| is_message(c)) {
            let chat = call.params["chat_id"].as_i64().unwrap_or_default();
            if chat == STAFF && text(call).contains("R-") {
                notice_delivered = true;
            }
            if chat >= FIRST && is_results(text(call)) {
                let after = start.elapsed();
                answered.entry(chat).or_insert(after);
                last = last.max(after);
            }
        }
        seen = calls.len();
    }
    let calls: Vec<Call> = api.calls().into_iter().skip(before).collect();
    let mut replies: HashMap<i64, Vec<String>> = HashMap::new();
    for call in calls.iter().filter(|c| is_message(c)) {
        let chat = call.params["chat_id"].as_i64().unwrap_or_default();
        replies
            .entry(chat)
            .or_default()
            .push(text(call).to_string());
    }
    let people = (0..people)
        .map(|i| {
            let id = FIRST + i as i64;
            Person {
                id,
                replies: replies.remove(&id).unwrap_or_default(),
                answered_after: answered.get(&id).copied(),
            }
        })
        .collect();
    Surge {
        people,
        elapsed: if answered.is_empty() {
            start.elapsed()
        } else {
            last
        },
        messages: calls.iter().filter(|c| is_message(c)).count(),
        rate_limited: calls
            .iter()
            .filter(|c| {
                c.refused
                    .as_deref()
                    .is_some_and(|r| r.starts_with("Too Many Requests"))
            })
            .count(),
        notice_delivered,
        refusals: api.refusals(),
        typing: calls
            .iter()
            .filter(|c| c.method == "sendChatAction" && c.params["action"] == "typing")
            .count(),
    }
}
