//! Delivers the outbox. Runs on a `Throttle`d bot (Telegram's rate limits; a 429 freezes the
//! bot for its `retry_after` and the request is retried), while handlers use a plain `Bot`.
//! Each message leaves the outbox only when Telegram accepted it or can never accept it;
//! anything else is retried with exponential backoff, also after a restart.

use std::sync::Arc;
use std::time::Duration;

use teloxide::adaptors::Throttle;
use teloxide::prelude::*;
use teloxide::types::{InlineKeyboardMarkup, MessageId, ParseMode};
use teloxide::{ApiError, RequestError};
use tokio::sync::Notify;

use crate::storage::{Pending, Store, StoreError};

/// What to do with a message after one delivery attempt.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Verdict {
    Delivered,
    /// Try again after this many milliseconds.
    Retry(i64),
    /// The person blocked the bot or the chat is gone (403): drop it and mark the chat
    /// unreachable, so nothing more is queued for it until the person writes again.
    Unreachable,
    /// Telegram refuses the message itself: drop it.
    Undeliverable,
}

/// The wait before attempt number `attempts + 1`: 1 s, 2 s, 4 s … at most 5 minutes.
pub fn backoff_ms(attempts: u32) -> i64 {
    1_000i64.saturating_mul(1 << attempts.min(9)).min(300_000)
}

pub fn classify(result: &Result<(), RequestError>, attempts: u32) -> Verdict {
    match result {
        Ok(()) => Verdict::Delivered,
        Err(RequestError::RetryAfter(after)) => Verdict::Retry(after.duration().as_millis() as i64),
        Err(RequestError::Api(
            ApiError::BotBlocked
            | ApiError::ChatNotFound
            | ApiError::UserDeactivated
            | ApiError::BotKicked
            | ApiError::BotKickedFromSupergroup
            | ApiError::CantInitiateConversation
            | ApiError::CantTalkWithBots,
        )) => Verdict::Unreachable,
        // A request Telegram refuses as malformed would be refused again.
        Err(RequestError::Api(_)) | Err(RequestError::MigrateToChatId(_)) => Verdict::Undeliverable,
        Err(_) => Verdict::Retry(backoff_ms(attempts)),
    }
}

async fn send(bot: &Throttle<Bot>, pending: &Pending) -> Result<(), RequestError> {
    let m = &pending.message;
    let keyboard = m
        .keyboard_json
        .as_deref()
        .and_then(|k| serde_json::from_str::<InlineKeyboardMarkup>(k).ok());
    if let Some((from_chat, message)) = m.copy_from {
        // A copy, not a forward: it carries no link to the sender's account.
        let mut request = bot
            .copy_message(ChatId(m.chat_id), ChatId(from_chat), MessageId(message))
            .caption(m.html.clone())
            .parse_mode(ParseMode::Html)
            .protect_content(m.protect_content);
        if let Some(keyboard) = keyboard {
            request = request.reply_markup(keyboard);
        }
        return request.await.map(|_| ());
    }
    let mut request = bot
        .send_message(ChatId(m.chat_id), m.html.clone())
        .parse_mode(ParseMode::Html)
        .protect_content(m.protect_content);
    if let Some(keyboard) = keyboard {
        request = request.reply_markup(keyboard);
    }
    request.await.map(|_| ())
}

fn now_ms() -> i64 {
    chrono::Utc::now().timestamp_millis()
}

/// Delivers the due messages of one chat in order. Stops at the first message that is not
/// due or must be retried, so that a chat's messages never overtake each other.
async fn deliver_chat(
    bot: &Throttle<Bot>,
    store: &Store,
    messages: Vec<Pending>,
    now: i64,
) -> Result<usize, StoreError> {
    let mut finished = 0;
    for pending in messages {
        if pending.not_before_ms > now {
            break;
        }
        let result = send(bot, &pending).await;
        let verdict = classify(&result, pending.attempts);
        match verdict {
            Verdict::Delivered => store.outbox_done(pending.id)?,
            Verdict::Unreachable => {
                tracing::warn!(message = pending.id, "recipient unreachable; dropped");
                store.mark_unreachable(pending.message.chat_id, now_ms() / 1000)?;
                store.outbox_done(pending.id)?;
            }
            Verdict::Undeliverable => {
                tracing::warn!(message = pending.id, "message refused by Telegram; dropped");
                store.outbox_done(pending.id)?;
            }
            Verdict::Retry(after) => {
                tracing::info!(
                    message = pending.id,
                    attempt = pending.attempts + 1,
                    "delivery will be retried"
                );
                store.outbox_retry(pending.id, pending.attempts + 1, now_ms() + after)?;
            }
        }
        store.flush().await?;
        if let Verdict::Retry(_) = verdict {
            break;
        }
        finished += 1;
    }
    Ok(finished)
}

/// The pending messages grouped by chat, each chat's in order, chats in order of their first.
fn by_chat(pending: Vec<Pending>) -> Vec<(i64, Vec<Pending>)> {
    let mut chats: Vec<(i64, Vec<Pending>)> = Vec::new();
    for p in pending {
        let chat = p.message.chat_id;
        match chats.iter_mut().find(|(c, _)| *c == chat) {
            Some((_, messages)) => messages.push(p),
            None => chats.push((chat, vec![p])),
        }
    }
    chats
}

/// Delivers every message due now, once, and waits until done; chats in parallel, each
/// chat's messages in order. Returns how many left the outbox.
pub async fn deliver_due(bot: &Throttle<Bot>, store: &Store) -> Result<usize, StoreError> {
    deliver_due_at(bot, store, now_ms()).await
}

/// The same, as if it were `now` (unix milliseconds): for a context whose clock is set to
/// another day (tests of reminders weeks ahead).
pub async fn deliver_due_at(
    bot: &Throttle<Bot>,
    store: &Store,
    now: i64,
) -> Result<usize, StoreError> {
    use futures_util::StreamExt;
    let results: Vec<Result<usize, StoreError>> =
        futures_util::stream::iter(by_chat(store.due(i64::MAX, 1_000)?))
            .map(|(_, messages)| deliver_chat(bot, store, messages, now))
            .buffer_unordered(32)
            .collect()
            .await;
    let mut finished = 0;
    for result in results {
        finished += result?;
    }
    Ok(finished)
}

/// What delivery tasks hold: the chats being delivered to and their messages' ids.
#[derive(Default)]
struct InFlight {
    chats: std::collections::HashSet<i64>,
    ids: std::collections::HashSet<u64>,
}

/// Runs delivery until the process ends. Each chat with due messages gets its own task, so a
/// chat held back by Telegram's per-chat limit (20 messages a minute) never delays another;
/// a chat already being delivered to is left to its task, which wakes the loop when it ends.
/// The loop also wakes when something is queued, when a retry is due, and every 30 seconds.
pub async fn run(bot: Throttle<Bot>, store: Store, wake: Arc<Notify>) {
    let in_flight: Arc<std::sync::Mutex<InFlight>> = Default::default();
    let held = |id: u64| {
        in_flight
            .lock()
            .map(|f| f.ids.contains(&id))
            .unwrap_or(true)
    };
    loop {
        // Messages a task holds are skipped without being opened.
        let pending = match store.due_except(i64::MAX, 1_000, held) {
            Ok(pending) => pending,
            Err(e) => {
                tracing::error!(error = %e, "cannot read the outbox");
                Vec::new()
            }
        };
        let now = now_ms();
        let mut next_due: Option<i64> = None;
        for (chat, messages) in by_chat(pending) {
            let busy = in_flight
                .lock()
                .map(|f| f.chats.contains(&chat))
                .unwrap_or(true);
            let first_due = messages.first().map_or(i64::MAX, |m| m.not_before_ms);
            if busy {
                continue;
            }
            if first_due > now {
                next_due = Some(next_due.map_or(first_due, |n| n.min(first_due)));
                continue;
            }
            if let Ok(mut f) = in_flight.lock() {
                f.chats.insert(chat);
                f.ids.extend(messages.iter().map(|m| m.id));
            }
            let ids: Vec<u64> = messages.iter().map(|m| m.id).collect();
            let (bot, store, in_flight, wake) =
                (bot.clone(), store.clone(), in_flight.clone(), wake.clone());
            tokio::spawn(async move {
                if let Err(e) = deliver_chat(&bot, &store, messages, now).await {
                    tracing::error!(error = %e, "outbox delivery failed");
                }
                if let Ok(mut f) = in_flight.lock() {
                    f.chats.remove(&chat);
                    for id in ids {
                        f.ids.remove(&id);
                    }
                }
                wake.notify_one();
            });
        }
        let wait = next_due.map_or(30_000, |due| (due - now_ms()).clamp(20, 30_000));
        let _ = tokio::time::timeout(Duration::from_millis(wait as u64), wake.notified()).await;
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use teloxide::types::Seconds;

    #[test]
    fn backoff_doubles_up_to_five_minutes() {
        assert_eq!(backoff_ms(0), 1_000);
        assert_eq!(backoff_ms(1), 2_000);
        assert_eq!(backoff_ms(8), 256_000);
        assert_eq!(backoff_ms(9), 300_000);
        assert_eq!(backoff_ms(u32::MAX), 300_000);
    }

    #[test]
    fn telegram_answers_decide_the_fate_of_a_message() {
        assert_eq!(classify(&Ok(()), 0), Verdict::Delivered);
        assert_eq!(
            classify(&Err(RequestError::RetryAfter(Seconds::from_seconds(7))), 0),
            Verdict::Retry(7_000)
        );
        assert_eq!(
            classify(&Err(RequestError::Api(ApiError::BotBlocked)), 0),
            Verdict::Unreachable
        );
        assert_eq!(
            classify(&Err(RequestError::Api(ApiError::ChatNotFound)), 3),
            Verdict::Unreachable
        );
        assert_eq!(
            classify(&Err(RequestError::Api(ApiError::MessageTextIsEmpty)), 0),
            Verdict::Undeliverable
        );
        let io = RequestError::Io(std::sync::Arc::new(std::io::Error::other("reset")));
        assert_eq!(classify(&Err(io), 2), Verdict::Retry(4_000));
    }
}
