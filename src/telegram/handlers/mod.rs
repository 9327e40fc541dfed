//! Handlers: each turns one kind of update into use-case calls and screens. Every message is
//! answered (with the error text if something failed); every callback query is answered
//! exactly once; a button that does not decode or points at something that no longer exists
//! gets "this button has expired" and the menu.

pub mod callbacks;
pub mod commands;
pub mod messages;

use std::sync::Arc;

use futures_util::future::BoxFuture;
use teloxide::dispatching::dialogue::GetChatId;
use teloxide::error_handlers::ErrorHandler;
use teloxide::prelude::*;

use super::render::{self, Screen};
use super::send::send;
use super::{BotContext, BotError, HandlerResult};
use crate::domain::Lang;
use crate::i18n::Msg;

/// Logs handler errors without any content of the update.
pub struct LogErrors;

impl ErrorHandler<BotError> for LogErrors {
    fn handle_error(self: Arc<Self>, error: BotError) -> BoxFuture<'static, ()> {
        Box::pin(async move {
            tracing::error!(error = error_kind(error.as_ref()), "update handling failed");
        })
    }
}

/// What kind of failure a handler's error is, for logs. Never its text: teloxide's errors can
/// carry Telegram's raw answer (names, messages), and a store's the text of a record.
pub fn error_kind(error: &(dyn std::error::Error + 'static)) -> &'static str {
    use teloxide::RequestError;
    if let Some(e) = error.downcast_ref::<RequestError>() {
        return super::send::request_error_kind(e);
    }
    if let Some(e) = error.downcast_ref::<crate::storage::StoreError>() {
        return e.kind();
    }
    if let Some(e) = error.downcast_ref::<crate::app::AppError>() {
        return e.kind();
    }
    if let Some(e) = error.downcast_ref::<crate::telegram::actions::PressError>() {
        return match e {
            crate::telegram::actions::PressError::App(e) => e.kind(),
            crate::telegram::actions::PressError::Store(e) => e.kind(),
        };
    }
    "other"
}

/// Logs a failed handler and tells the user, so nobody is left without an answer.
async fn apologize_on_error(
    bot: &Bot,
    ctx: &BotContext,
    chat: ChatId,
    lang: Lang,
    result: HandlerResult,
) -> HandlerResult {
    if let Err(error) = result {
        tracing::error!(error = error_kind(error.as_ref()), "handler failed");
        let screen = render::info(&ctx.i18n, lang, ctx.i18n.text(lang, Msg::ErrorGeneric));
        send(bot, ctx, chat, screen, false).await?;
    }
    Ok(())
}

/// Runs a message handler's work and sends its screen, apologizing if it fails.
async fn answer_message<F>(
    bot: &Bot,
    ctx: &BotContext,
    msg: &Message,
    lang: Lang,
    work: F,
) -> HandlerResult
where
    F: std::future::Future<Output = Result<Screen, BotError>>,
{
    let result = async {
        let screen = work.await?;
        send(bot, ctx, msg.chat.id, screen, false).await?;
        Ok(())
    }
    .await;
    apologize_on_error(bot, ctx, msg.chat.id, lang, result).await
}

fn hint(ctx: &BotContext, lang: Lang, msg: Msg) -> Screen {
    render::hint(&ctx.i18n, lang, msg)
}

/// The sender's Telegram id (0, nobody's, for the rare message without a sender).
fn user_id(msg: &Message) -> i64 {
    msg.from.as_ref().map_or(0, |u| u.id.0 as i64)
}

/// The text a person typed, or the hint to send instead: for a sticker, photo or voice
/// message, and for a command that is not ours (ours are handled before this).
fn typed_text<'m>(ctx: &BotContext, lang: Lang, msg: &'m Message) -> Result<&'m str, Screen> {
    match msg.text() {
        None => Err(hint(ctx, lang, Msg::TextExpected)),
        Some(text) if text.starts_with('/') => Err(hint(ctx, lang, Msg::UnknownCommand)),
        Some(text) => Ok(text),
    }
}

/// Typed text of at most `max` characters, or the screen to send instead (a hint, or `msg`
/// naming how long the text is).
fn typed_within<'m>(
    ctx: &BotContext,
    lang: Lang,
    msg: &'m Message,
    too_long: Msg,
    max: usize,
) -> Result<&'m str, Screen> {
    let text = typed_text(ctx, lang, msg)?;
    match render::too_long(&ctx.i18n, lang, too_long, text, max) {
        Some(refusal) => Err(render::info(&ctx.i18n, lang, refusal)),
        None => Ok(text),
    }
}

// --- urgent help: no dialogue, no store needed ---

pub async fn urgent_message(bot: Bot, ctx: Arc<BotContext>, msg: Message) -> HandlerResult {
    let lang = ctx.lang(msg.from.as_ref());
    send(
        &bot,
        &ctx,
        msg.chat.id,
        render::hotlines(&ctx.i18n, lang, &ctx.hotlines),
        false,
    )
    .await?;
    Ok(())
}

pub async fn urgent_callback(bot: Bot, ctx: Arc<BotContext>, q: CallbackQuery) -> HandlerResult {
    bot.answer_callback_query(q.id.clone()).await?;
    let lang = ctx.lang(Some(&q.from));
    let chat = q.chat_id().unwrap_or(ChatId(q.from.id.0 as i64));
    send(
        &bot,
        &ctx,
        chat,
        render::hotlines(&ctx.i18n, lang, &ctx.hotlines),
        false,
    )
    .await?;
    Ok(())
}

/// The bot was added to a group or a channel: it leaves at once.
pub async fn leave_group(bot: Bot, update: teloxide::types::ChatMemberUpdated) -> HandlerResult {
    bot.leave_chat(update.chat.id).await?;
    tracing::info!("added to a group or channel; left it");
    Ok(())
}
