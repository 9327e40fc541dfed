//! Sending screens to a chat: split at Telegram's limit (the keyboard on the last part),
//! HTML, no link previews, and every message remembered for `/forget`.

use teloxide::prelude::*;
use teloxide::types::{InlineKeyboardMarkup, LinkPreviewOptions, MessageId, ParseMode};

use super::context::BotContext;
use super::html;
use super::render::Screen;

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
) -> Result<(), teloxide::RequestError> {
    for id in send_unrecorded(bot, chat, screen, protect).await? {
        ctx.remember_message(chat, id);
    }
    Ok(())
}

/// Sends a screen without remembering it for `/forget` (for the very last message of it).
pub async fn send_unrecorded(
    bot: &Bot,
    chat: ChatId,
    screen: Screen,
    protect: bool,
) -> Result<Vec<MessageId>, teloxide::RequestError> {
    let mut ids = Vec::new();
    let parts = html::split(&screen.text);
    let last = parts.len().saturating_sub(1);
    let mut keyboard = screen.keyboard;
    for (i, part) in parts.into_iter().enumerate() {
        let mut request = bot
            .send_message(chat, part)
            .parse_mode(ParseMode::Html)
            .protect_content(protect)
            .link_preview_options(no_preview());
        if i == last
            && let Some(keyboard) = keyboard.take()
        {
            request = request.reply_markup(keyboard);
        }
        ids.push(request.await?.id);
    }
    Ok(ids)
}

/// Replaces the message a button was pressed on; sends a new one (protected if `protect`)
/// if that is not possible. An edit keeps the message's protection as it was sent.
pub async fn edit_or_send(
    bot: &Bot,
    ctx: &BotContext,
    chat: ChatId,
    (message, protect): (Option<MessageId>, bool),
    screen: Screen,
) -> Result<(), teloxide::RequestError> {
    if let Some(id) = message
        && html::fits(&screen.text)
    {
        let mut request = bot
            .edit_message_text(chat, id, screen.text.clone())
            .parse_mode(ParseMode::Html)
            .link_preview_options(no_preview());
        if let Some(keyboard) = &screen.keyboard {
            request = request.reply_markup(keyboard.clone());
        }
        match request.await {
            // Pressing the button of the page already shown changes nothing: not an error.
            Ok(_) | Err(teloxide::RequestError::Api(teloxide::ApiError::MessageNotModified)) => {
                return Ok(());
            }
            Err(_) => {}
        }
    }
    send(bot, ctx, chat, screen, protect).await
}

/// Sends a document by its Telegram file id, with an HTML caption.
pub async fn send_document(
    bot: &Bot,
    ctx: &BotContext,
    chat: ChatId,
    file_id: String,
    caption: String,
    keyboard: Option<InlineKeyboardMarkup>,
) -> Result<(), teloxide::RequestError> {
    let file = teloxide::types::InputFile::file_id(teloxide::types::FileId(file_id));
    let mut request = bot
        .send_document(chat, file)
        .caption(caption)
        .parse_mode(ParseMode::Html);
    if let Some(keyboard) = keyboard {
        request = request.reply_markup(keyboard);
    }
    let sent = request.await?;
    ctx.remember_message(chat, sent.id);
    Ok(())
}

/// Deletes messages from a chat, a hundred at a time; a batch Telegram refuses is tried one
/// by one. Returns how many could not be deleted (gone already, or older than 48 hours).
pub async fn delete_messages(bot: &Bot, chat: ChatId, ids: &[i32]) -> usize {
    let mut failed = 0;
    for chunk in ids.chunks(100) {
        let batch: Vec<MessageId> = chunk.iter().map(|&id| MessageId(id)).collect();
        if bot.delete_messages(chat, batch).await.is_ok() {
            continue;
        }
        for &id in chunk {
            if bot.delete_message(chat, MessageId(id)).await.is_err() {
                failed += 1;
            }
        }
    }
    if failed > 0 {
        tracing::info!(failed, "some messages could not be deleted from a chat");
    }
    failed
}
