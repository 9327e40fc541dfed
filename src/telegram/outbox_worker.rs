//! Delivers the outbox. Every message takes a slot of the one pacing (`pacing`) first:
//! notices as `Class::Notice`, oldest first, after every reply a person waits for; a waiting
//! reply kept here after a restart as `Class::Reply`. A queued notice is rendered (`courier`)
//! when its first slot is granted — so the answer-by time it names starts at delivery, not
//! when it was queued — and the rendering kept, so a retry sends the same message. Each entry
//! leaves the outbox only when Telegram accepted it or can never accept it; a 429 holds the
//! chat for its `retry_after` and the entry waits at the head of its chat; anything else is
//! retried with exponential backoff, also after a restart.

use std::sync::Arc;
use std::time::Duration;

use teloxide::prelude::*;
use teloxide::types::{InlineKeyboardMarkup, MessageId, ParseMode};
use teloxide::{ApiError, RequestError};

use super::context::BotContext;
use super::courier;
use super::pacing::{Class, Slot};
use crate::app::notice::{Notice, NoticeKind};
use crate::domain::Timestamp;
use crate::storage::{OutboxBody, Pending, Rendered, StoreError};

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

/// Sends one part of a rendering (the keyboard with the last part); the id of the message
/// it became.
async fn send_part(
    bot: &Bot,
    chat: i64,
    m: &Rendered,
    part: usize,
) -> Result<MessageId, RequestError> {
    let html = m.parts.get(part).cloned().unwrap_or_default();
    let keyboard = (part + 1 == m.parts.len())
        .then(|| {
            m.keyboard
                .as_deref()
                .and_then(|k| serde_json::from_str::<InlineKeyboardMarkup>(k).ok())
        })
        .flatten();
    if let Some((from_chat, message)) = m.copy_from {
        // A copy, not a forward: it carries no link to the sender's account.
        let mut request = bot
            .copy_message(ChatId(chat), ChatId(from_chat), MessageId(message))
            .caption(html)
            .parse_mode(ParseMode::Html)
            .protect_content(m.protect_content);
        if let Some(keyboard) = keyboard {
            request = request.reply_markup(keyboard);
        }
        return request.await;
    }
    let mut request = bot
        .send_message(ChatId(chat), html)
        .parse_mode(ParseMode::Html)
        .protect_content(m.protect_content);
    if let Some(keyboard) = keyboard {
        request = request.reply_markup(keyboard);
    }
    request.await.map(|m| m.id)
}

/// The entry as a rendering: a notice is rendered now and the rendering kept in the outbox
/// (`None`: a notice this version cannot read, or one for a member who left the team — it
/// is never delivered).
fn rendering(ctx: &BotContext, pending: &Pending) -> Result<Option<Rendered>, StoreError> {
    match &pending.entry.body {
        OutboxBody::Rendered(r) => Ok(Some(r.clone())),
        OutboxBody::Notice(encoded) => {
            let Some(mut notice) = Notice::decode(encoded) else {
                return Ok(None);
            };
            if !courier::still_for(ctx, &notice)? {
                return Ok(None);
            }
            // Its answer-by time counts from now, when it goes out (never earlier).
            if let NoticeKind::NewReferral {
                code, respond_by, ..
            } = &mut notice.kind
            {
                match crate::app::help::answer_by_from(&ctx.app, code, ctx.app.now()) {
                    Ok(Some(at)) => *respond_by = at,
                    Ok(None) => {}
                    Err(e) => tracing::warn!(error = e.kind(), "cannot move an answer-by time"),
                }
            }
            let rendered = courier::render(ctx, &notice)?;
            ctx.app.store.outbox_rendered(pending.id, &rendered)?;
            Ok(Some(rendered))
        }
    }
}

fn class_of(pending: &Pending) -> Class {
    if pending.entry.reply {
        Class::Reply
    } else {
        Class::Notice
    }
}

/// Sends the parts of an entry not yet delivered, recording progress between parts, each
/// part under a slot (the first is given). Each message is remembered for /hide and /forget,
/// which delete a chat's last 48 hours. A 429 is waited out with the part first in its chat
/// (the entry stays in the outbox meanwhile, so a crash cannot lose it).
async fn send(
    bot: &Bot,
    ctx: &BotContext,
    pending: &Pending,
    rendered: &mut Rendered,
    first: Slot,
) -> Result<(), RequestError> {
    let chat = pending.entry.chat_id;
    let mut slot = Some(first);
    while rendered.delivered < rendered.parts.len() {
        let mut held = match slot.take() {
            Some(slot) => slot,
            None => {
                ctx.outgoing
                    .pacer
                    .slot(chat, class_of(pending), Some(pending.id))
                    .await
            }
        };
        let id = loop {
            match send_part(bot, chat, rendered, rendered.delivered).await {
                Err(RequestError::RetryAfter(after)) => {
                    tracing::info!(
                        message = pending.id,
                        seconds = after.seconds(),
                        "Telegram asked to wait; the message waits"
                    );
                    held.wait_out(after.duration()).await;
                }
                other => break other?,
            }
        };
        drop(held);
        ctx.remember_message(ChatId(chat), id);
        rendered.delivered += 1;
        if rendered.delivered < rendered.parts.len()
            && let Err(e) = ctx.app.store.outbox_rendered(pending.id, rendered)
        {
            tracing::warn!(error = e.kind(), "cannot record a delivered part");
        }
    }
    Ok(())
}

fn now() -> Timestamp {
    Timestamp::from_millis(chrono::Utc::now().timestamp_millis())
}

/// Delivers the due entries of one chat in order. Stops at the first entry that is not due
/// or must be retried, so that a chat's messages never overtake each other.
async fn deliver_chat(
    bot: &Bot,
    ctx: &BotContext,
    entries: Vec<Pending>,
    at: Timestamp,
) -> Result<usize, StoreError> {
    let store = &ctx.app.store;
    let mut finished = 0;
    for pending in entries {
        // Stopping: the rest waits in the outbox for the next start.
        if pending.not_before > at || ctx.app.is_stopping() {
            break;
        }
        let chat = pending.entry.chat_id;
        let slot = tokio::select! {
            slot = ctx.outgoing.pacer.slot(chat, class_of(&pending), Some(pending.id)) => slot,
            _ = super::intake::stopping(&ctx.app) => break,
        };
        let verdict = match rendering(ctx, &pending)? {
            None => Verdict::Undeliverable,
            Some(mut rendered) => {
                if matches!(pending.entry.body, OutboxBody::Notice(_)) {
                    // Durable before sending: the tokens its buttons carry must outlive a crash.
                    store.flush().await?;
                }
                let result = send(bot, ctx, &pending, &mut rendered, slot).await;
                classify(&result, pending.attempts)
            }
        };
        match verdict {
            Verdict::Delivered => store.outbox_done(pending.id)?,
            Verdict::Unreachable => {
                tracing::warn!(message = pending.id, "recipient unreachable; dropped");
                store.mark_unreachable(pending.entry.chat_id, now())?;
                store.outbox_done(pending.id)?;
            }
            Verdict::Undeliverable => {
                tracing::warn!(
                    message = pending.id,
                    "message refused or unreadable; dropped"
                );
                store.outbox_done(pending.id)?;
            }
            Verdict::Retry(after) => {
                tracing::info!(
                    message = pending.id,
                    attempt = pending.attempts + 1,
                    "delivery will be retried"
                );
                store.outbox_retry(pending.id, pending.attempts + 1, now().plus_millis(after))?;
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

/// The pending entries grouped by chat, each chat's in order, chats in order of their first.
fn by_chat(pending: Vec<Pending>) -> Vec<(i64, Vec<Pending>)> {
    let mut chats: Vec<(i64, Vec<Pending>)> = Vec::new();
    for p in pending {
        let chat = p.entry.chat_id;
        match chats.iter_mut().find(|(c, _)| *c == chat) {
            Some((_, entries)) => entries.push(p),
            None => chats.push((chat, vec![p])),
        }
    }
    chats
}

/// Delivers every entry due now, once, and waits until done; chats in parallel, each chat's
/// entries in order. Returns how many left the outbox.
pub async fn deliver_due(bot: &Bot, ctx: &BotContext) -> Result<usize, StoreError> {
    deliver_due_at(bot, ctx, now()).await
}

/// The same, as if it were `at`: for a context whose clock is set to another day (tests of
/// reminders weeks ahead).
pub async fn deliver_due_at(
    bot: &Bot,
    ctx: &BotContext,
    at: Timestamp,
) -> Result<usize, StoreError> {
    use futures_util::StreamExt;
    let results: Vec<Result<usize, StoreError>> =
        futures_util::stream::iter(by_chat(ctx.app.store.due(Timestamp::NEVER, 1_000)?))
            .map(|(_, entries)| deliver_chat(bot, ctx, entries, at))
            .buffer_unordered(32)
            .collect()
            .await;
    let mut finished = 0;
    for result in results {
        finished += result?;
    }
    Ok(finished)
}

/// What delivery tasks hold: the chats being delivered to and their entries' ids.
#[derive(Default)]
struct InFlight {
    chats: std::collections::HashSet<i64>,
    ids: std::collections::HashSet<u64>,
}

/// Runs delivery until the process stops (`App::stop`): then it starts nothing new and waits
/// up to 5 seconds for the messages being sent.
///
/// Each chat with due entries gets its own task, which waits for the chat's pace, so a chat
/// held back never delays another; a chat already being delivered to is left to its task,
/// which wakes the loop when it ends. Replies this process keeps waiting itself are left to
/// it (`Outgoing::keeps`). The loop also wakes when something is queued, when a retry is
/// due, and every 30 seconds.
pub async fn run(bot: Bot, ctx: Arc<BotContext>) {
    let wake = ctx.app.outbox_signal();
    let in_flight: Arc<std::sync::Mutex<InFlight>> = Default::default();
    let held = |id: u64| {
        ctx.outgoing.keeps(id)
            || in_flight
                .lock()
                .map(|f| f.ids.contains(&id))
                .unwrap_or(true)
    };
    loop {
        if ctx.app.is_stopping() {
            break;
        }
        // Entries a task holds are skipped without being opened.
        let pending = match ctx.app.store.due_except(Timestamp::NEVER, 1_000, held) {
            Ok(pending) => pending,
            Err(e) => {
                tracing::error!(error = e.kind(), "cannot read the outbox");
                Vec::new()
            }
        };
        let at = now();
        let mut next_due: Option<Timestamp> = None;
        for (chat, entries) in by_chat(pending) {
            let busy = in_flight
                .lock()
                .map(|f| f.chats.contains(&chat))
                .unwrap_or(true);
            let first_due = entries.first().map_or(Timestamp::NEVER, |m| m.not_before);
            if busy {
                continue;
            }
            if first_due > at {
                next_due = Some(next_due.map_or(first_due, |n| n.min(first_due)));
                continue;
            }
            if let Ok(mut f) = in_flight.lock() {
                f.chats.insert(chat);
                f.ids.extend(entries.iter().map(|m| m.id));
            }
            let ids: Vec<u64> = entries.iter().map(|m| m.id).collect();
            let (bot, ctx, in_flight, wake) =
                (bot.clone(), ctx.clone(), in_flight.clone(), wake.clone());
            tokio::spawn(async move {
                if let Err(e) = deliver_chat(&bot, &ctx, entries, at).await {
                    tracing::error!(error = e.kind(), "outbox delivery failed");
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
        let wait = next_due.map_or(30_000, |due| {
            (due.millis() - now().millis()).clamp(20, 30_000)
        });
        let _ = tokio::time::timeout(Duration::from_millis(wait as u64), wake.notified()).await;
    }
    // Let the chats' tasks finish the message each is sending (they stop before the next).
    for _ in 0..50 {
        let busy = in_flight
            .lock()
            .map(|f| !f.chats.is_empty())
            .unwrap_or(false);
        if !busy {
            break;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
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
