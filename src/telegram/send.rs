//! Sending screens to a chat: split at Telegram's limit (the keyboard on the last part),
//! HTML, no link previews, every message remembered for `/forget` — and paced (`pacing`).
//!
//! A reply goes at once when its chat has a free slot and nothing of it waits; otherwise it
//! waits in the chat's queue (`Outgoing`) and the handler returns: a reply that has to wait
//! never holds the handler, its chat's later updates or other chats. A waiting message is
//! first written to the persisted outbox (and flushed), so a crash or a stop cannot lose it:
//! the queue sends it and removes it from the outbox; after a restart the outbox worker sends
//! it. A 429 is waited out (`Slot::wait_out`) with the message first in its chat. While a
//! person's answer waits more than a second, the chat shows "typing".

use std::time::Duration;

use teloxide::prelude::*;
use teloxide::types::{ChatAction, InlineKeyboardMarkup, LinkPreviewOptions, MessageId, ParseMode};
use teloxide::{ApiError, RequestError};

use super::context::BotContext;
use super::html;
use super::outgoing::Job;
use super::pacing::{Class, Pacer, Slot};
use super::render::Screen;
use crate::storage::{OutboxBody, OutboxEntry, Rendered};

fn no_preview() -> LinkPreviewOptions {
    LinkPreviewOptions {
        is_disabled: true,
        url: None,
        prefer_small_media: false,
        prefer_large_media: false,
        show_above_text: false,
    }
}

/// Sends a screen; `protect` for one that shows a request's details (Telegram will not let
/// it be forwarded or saved).
pub async fn send(
    bot: &Bot,
    ctx: &BotContext,
    chat: ChatId,
    screen: Screen,
    protect: bool,
) -> Result<(), RequestError> {
    submit(bot, ctx, chat, text_job(screen, protect, true)).await
}

/// Sends a screen without remembering it for `/forget` (for the very last message of it).
pub async fn send_unrecorded(
    bot: &Bot,
    ctx: &BotContext,
    chat: ChatId,
    screen: Screen,
    protect: bool,
) -> Result<(), RequestError> {
    submit(bot, ctx, chat, text_job(screen, protect, false)).await
}

fn text_job(screen: Screen, protect: bool, record: bool) -> Job {
    Job::Text {
        parts: html::split(&screen.text).into(),
        keyboard: screen.keyboard,
        protect,
        record,
        kept: None,
    }
}

/// Replaces the message a button was pressed on; sends a new one (protected if `protect`)
/// if that is not possible. An edit keeps the message's protection as it was sent.
pub async fn edit_or_send(
    bot: &Bot,
    ctx: &BotContext,
    chat: ChatId,
    (message, protect): (Option<MessageId>, bool),
    screen: Screen,
) -> Result<(), RequestError> {
    let job = match message {
        Some(message) if html::fits(&screen.text) => Job::Edit {
            message,
            text: screen.text,
            keyboard: screen.keyboard,
            protect,
        },
        _ => text_job(screen, protect, true),
    };
    submit(bot, ctx, chat, job).await
}

/// Sends a document by its Telegram file id, with an HTML caption.
pub async fn send_document(
    bot: &Bot,
    ctx: &BotContext,
    chat: ChatId,
    file_id: String,
    caption: String,
    keyboard: Option<InlineKeyboardMarkup>,
) -> Result<(), RequestError> {
    let job = Job::Document {
        file_id,
        caption,
        keyboard,
    };
    submit(bot, ctx, chat, job).await
}

/// Sends a job now if the chat has a free slot and nothing waiting; else queues it.
async fn submit(bot: &Bot, ctx: &BotContext, chat: ChatId, job: Job) -> Result<(), RequestError> {
    let out = &ctx.outgoing;
    if !out.queued(chat.0)
        && let Some(slot) = out.pacer.try_slot(chat.0, Class::Reply)
    {
        match run(bot, ctx, chat, job, Some(slot), false).await {
            Ran::Done => return Ok(()),
            Ran::Failed(e) => return Err(e),
            Ran::Wait(rest) => return defer(bot, ctx, chat, rest).await,
        }
    }
    defer(bot, ctx, chat, job).await
}

/// What running a job came to.
enum Ran {
    Done,
    Failed(RequestError),
    /// What is left of it must wait (no free slot now, or a 429).
    Wait(Job),
}

/// Takes a slot: the one given, or (if `wait`) the next free one — showing "typing" while
/// it takes more than a second — or (if not) one free right now.
async fn take_slot(
    bot: &Bot,
    pacer: &Pacer,
    chat: ChatId,
    given: &mut Option<Slot>,
    wait: bool,
) -> Option<Slot> {
    if let Some(slot) = given.take() {
        return Some(slot);
    }
    if !wait {
        return pacer.try_slot(chat.0, Class::Reply);
    }
    let slot = pacer.slot(chat.0, Class::Reply, None);
    tokio::pin!(slot);
    let mut typing_at = Duration::from_secs(1);
    loop {
        tokio::select! {
            slot = &mut slot => return Some(slot),
            _ = tokio::time::sleep(typing_at) => {
                // Lasts 5 seconds or until the message arrives; not a message, not paced.
                let _ = bot.send_chat_action(chat, ChatAction::Typing).await;
                typing_at = Duration::from_millis(4_500);
            }
        }
    }
}

/// Sends one request under a slot, waiting out 429s (only if `wait`; else returns the 429).
async fn paced<T, F, Fut>(slot: &mut Slot, wait: bool, mut request: F) -> Result<T, RequestError>
where
    F: FnMut() -> Fut,
    Fut: std::future::Future<Output = Result<T, RequestError>>,
{
    loop {
        match request().await {
            Err(RequestError::RetryAfter(after)) if wait => {
                tracing::info!(
                    seconds = after.seconds(),
                    "Telegram asked to wait; the message waits"
                );
                slot.wait_out(after.duration()).await;
            }
            other => return other,
        }
    }
}

/// Runs a job. Not waiting (a handler's reply): stops at the first part that has no free slot
/// or meets a 429 and returns the rest. Waiting (the chat's queue): waits for slots and 429s.
async fn run(
    bot: &Bot,
    ctx: &BotContext,
    chat: ChatId,
    job: Job,
    mut slot: Option<Slot>,
    wait: bool,
) -> Ran {
    let pacer = ctx.outgoing.pacer.clone();
    match job {
        Job::Text {
            mut parts,
            mut keyboard,
            protect,
            record,
            kept,
        } => {
            while let Some(part) = parts.front().cloned() {
                let last = parts.len() == 1;
                let Some(mut held) = take_slot(bot, &pacer, chat, &mut slot, wait).await else {
                    return Ran::Wait(Job::Text {
                        parts,
                        keyboard,
                        protect,
                        record,
                        kept,
                    });
                };
                let markup = if last { keyboard.clone() } else { None };
                let sent = paced(&mut held, wait, || {
                    let mut request = bot
                        .send_message(chat, part.clone())
                        .parse_mode(ParseMode::Html)
                        .protect_content(protect)
                        .link_preview_options(no_preview());
                    if let Some(markup) = markup.clone() {
                        request = request.reply_markup(markup);
                    }
                    async move { request.await }
                })
                .await;
                match sent {
                    Ok(message) => {
                        drop(held);
                        if record {
                            ctx.remember_message(chat, message.id);
                        }
                        parts.pop_front();
                        if last {
                            keyboard = None;
                        }
                    }
                    Err(RequestError::RetryAfter(after)) => {
                        held.hold(after.duration());
                        return Ran::Wait(Job::Text {
                            parts,
                            keyboard,
                            protect,
                            record,
                            kept,
                        });
                    }
                    Err(e) => {
                        release(ctx, kept);
                        return Ran::Failed(e);
                    }
                }
            }
            release(ctx, kept);
            Ran::Done
        }
        Job::Edit { .. } | Job::Document { .. } => {
            // One request each: the job is handed back as it is if it must wait.
            let Some(mut held) = take_slot(bot, &pacer, chat, &mut slot, wait).await else {
                return Ran::Wait(job);
            };
            let result = paced(&mut held, wait, || one_request(bot, chat, &job)).await;
            match (result, job) {
                (Err(RequestError::RetryAfter(after)), job) => {
                    held.hold(after.duration());
                    Ran::Wait(job)
                }
                (Ok(Some(id)), Job::Document { .. }) => {
                    ctx.remember_message(chat, id);
                    Ran::Done
                }
                // Pressing the button of the page already shown changes nothing: not an error.
                (Ok(_), _)
                | (Err(RequestError::Api(ApiError::MessageNotModified)), Job::Edit { .. }) => {
                    Ran::Done
                }
                // Too old to edit, or gone: the screen comes as a new message.
                (
                    Err(_),
                    Job::Edit {
                        text,
                        keyboard,
                        protect,
                        ..
                    },
                ) => {
                    let job = text_job(Screen { text, keyboard }, protect, true);
                    Box::pin(run(bot, ctx, chat, job, Some(held), wait)).await
                }
                (Err(e), _) => Ran::Failed(e),
            }
        }
    }
}

/// The request of an edit or a document; a document's message id (to remember for /forget).
async fn one_request(
    bot: &Bot,
    chat: ChatId,
    job: &Job,
) -> Result<Option<MessageId>, RequestError> {
    match job {
        Job::Edit {
            message,
            text,
            keyboard,
            ..
        } => {
            let mut request = bot
                .edit_message_text(chat, *message, text.clone())
                .parse_mode(ParseMode::Html)
                .link_preview_options(no_preview());
            if let Some(keyboard) = keyboard {
                request = request.reply_markup(keyboard.clone());
            }
            request.await.map(|_| None)
        }
        Job::Document {
            file_id,
            caption,
            keyboard,
        } => {
            let file =
                teloxide::types::InputFile::file_id(teloxide::types::FileId(file_id.clone()));
            let mut request = bot
                .send_document(chat, file)
                .caption(caption.clone())
                .parse_mode(ParseMode::Html);
            if let Some(keyboard) = keyboard {
                request = request.reply_markup(keyboard.clone());
            }
            request.await.map(|m| Some(m.id))
        }
        Job::Text { .. } => Ok(None),
    }
}

/// The message a kept entry kept was sent (or can never be): it leaves the outbox.
fn release(ctx: &BotContext, kept: Option<u64>) {
    let Some(id) = kept else {
        return;
    };
    if let Err(e) = ctx.app.store.outbox_done(id) {
        tracing::warn!(
            error = e.kind(),
            "cannot remove a sent reply from the outbox"
        );
    }
    if let Ok(mut k) = ctx.outgoing.kept.lock() {
        k.remove(&id);
    }
}

/// Queues a job behind the chat's waiting ones — kept in the outbox first if it is text the
/// person should get even after a crash — and starts the chat's queue if it was idle.
async fn defer(
    bot: &Bot,
    ctx: &BotContext,
    chat: ChatId,
    mut job: Job,
) -> Result<(), RequestError> {
    if let Job::Text {
        parts,
        keyboard,
        protect,
        record: true,
        kept: kept @ None,
    } = &mut job
    {
        let entry = OutboxEntry {
            chat_id: chat.0,
            body: OutboxBody::Rendered(Rendered {
                parts: parts.iter().cloned().collect(),
                keyboard: keyboard
                    .as_ref()
                    .and_then(|k| serde_json::to_string(k).ok()),
                protect_content: *protect,
                copy_from: None,
                delivered: 0,
            }),
            // Sent to her chat: /forget drops it with everything else to her.
            from: None,
            reply: true,
        };
        match ctx.app.store.enqueue(&[entry], ctx.app.now()) {
            Ok(ids) => {
                if let Some(&id) = ids.first() {
                    if let Ok(mut k) = ctx.outgoing.kept.lock() {
                        k.insert(id);
                    }
                    *kept = Some(id);
                }
                if let Err(e) = ctx.app.store.flush().await {
                    tracing::warn!(error = e.kind(), "cannot flush a waiting reply");
                }
            }
            Err(e) => tracing::warn!(error = e.kind(), "cannot keep a waiting reply"),
        }
    }
    let start = {
        let mut queues = ctx
            .outgoing
            .queues
            .lock()
            .unwrap_or_else(|e| e.into_inner());
        let queue = queues.entry(chat.0).or_default();
        queue.push_back(job);
        queue.len() == 1
    };
    if start {
        tokio::spawn(drain(bot.clone(), ctx.clone(), chat));
    }
    Ok(())
}

/// Sends a chat's queue in order, waiting for its pace, until it is empty.
async fn drain(bot: Bot, ctx: BotContext, chat: ChatId) {
    loop {
        let job = {
            let queues = ctx
                .outgoing
                .queues
                .lock()
                .unwrap_or_else(|e| e.into_inner());
            queues.get(&chat.0).and_then(|q| q.front().cloned())
        };
        let Some(job) = job else {
            return;
        };
        match run(&bot, &ctx, chat, job, None, true).await {
            Ran::Done | Ran::Wait(_) => {}
            Ran::Failed(e) => {
                tracing::warn!(
                    error = request_error_kind(&e),
                    "a waiting reply could not be sent"
                );
            }
        }
        let mut queues = ctx
            .outgoing
            .queues
            .lock()
            .unwrap_or_else(|e| e.into_inner());
        let empty = queues.get_mut(&chat.0).is_none_or(|q| {
            q.pop_front();
            q.is_empty()
        });
        if empty {
            queues.remove(&chat.0);
            return;
        }
    }
}

/// What kind of failure a request met, for logs. Never its text: teloxide's errors can carry
/// Telegram's raw answer (names, messages).
pub fn request_error_kind(e: &RequestError) -> &'static str {
    match e {
        RequestError::Api(_) => "telegram refused a request",
        RequestError::MigrateToChatId(_) => "a chat moved",
        RequestError::RetryAfter(_) => "telegram asked to wait",
        RequestError::Network(_) => "network",
        RequestError::InvalidJson { .. } => "an answer from telegram did not read",
        RequestError::Io(_) => "input/output",
    }
}

/// Deletes messages from a chat, a hundred at a time; a batch Telegram refuses is tried one
/// by one; a 429 is waited out. Returns how many could not be deleted (gone already, or
/// older than 48 hours).
pub async fn delete_messages(bot: &Bot, chat: ChatId, ids: &[i32]) -> usize {
    async fn waiting<T, Fut: std::future::Future<Output = Result<T, RequestError>>>(
        mut request: impl FnMut() -> Fut,
    ) -> Result<T, RequestError> {
        for _ in 0..5 {
            match request().await {
                Err(RequestError::RetryAfter(after)) => tokio::time::sleep(after.duration()).await,
                other => return other,
            }
        }
        request().await
    }
    let mut failed = 0;
    for chunk in ids.chunks(100) {
        let batch: Vec<MessageId> = chunk.iter().map(|&id| MessageId(id)).collect();
        if waiting(|| {
            let request = bot.delete_messages(chat, batch.clone());
            async move { request.await }
        })
        .await
        .is_ok()
        {
            continue;
        }
        for &id in chunk {
            if waiting(|| {
                let request = bot.delete_message(chat, MessageId(id));
                async move { request.await }
            })
            .await
            .is_err()
            {
                failed += 1;
            }
        }
    }
    if failed > 0 {
        tracing::info!(failed, "some messages could not be deleted from a chat");
    }
    failed
}
