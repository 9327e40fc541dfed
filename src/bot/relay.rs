//! The anonymous relay: while a referral is accepted, the requester's messages go to the
//! organization's staff and a staff member's replies go to her — each labeled with the
//! reference code, through the outbox, never forwarded (no link to either account).

use teloxide::prelude::*;

use super::render::{self, Screen};
use super::workflow::{self, RelayContent, Relayed};
use super::{BotContext, BotError, PoruchDialogue};
use crate::domain::Lang;
use crate::i18n::Msg;

fn info(ctx: &BotContext, lang: Lang, msg: Msg) -> Screen {
    render::info(&ctx.i18n, lang, ctx.i18n.text(lang, msg))
}

async fn outcome(
    ctx: &BotContext,
    dialogue: &PoruchDialogue,
    lang: Lang,
    relayed: Relayed,
) -> Result<Screen, BotError> {
    Ok(match relayed {
        Relayed::Sent => Screen {
            text: ctx.i18n.text(lang, Msg::RelaySent),
            keyboard: None,
        },
        Relayed::Closed => {
            dialogue.exit().await?;
            info(ctx, lang, Msg::RelayClosed)
        }
    })
}

/// A message from the requester while writing to the organization: text, a photo or a
/// document (she was warned about file metadata when she started writing).
pub async fn from_requester(
    ctx: &BotContext,
    dialogue: &PoruchDialogue,
    msg: &Message,
    lang: Lang,
    code: &str,
) -> Result<Screen, BotError> {
    let content = if let Some(text) = msg.text() {
        RelayContent::Text(text.to_string())
    } else if msg.photo().is_some() || msg.document().is_some() {
        RelayContent::File {
            chat: msg.chat.id.0,
            message: msg.id.0,
        }
    } else {
        return Ok(info(ctx, lang, Msg::RelayUnsupported));
    };
    let relayed = workflow::relay_to_org(ctx, code, msg.chat.id.0, content).await?;
    outcome(ctx, dialogue, lang, relayed).await
}

/// A staff member's reply: text only, and only while they are staff of the organization the
/// request is assigned to and it is accepted.
pub async fn from_staff(
    ctx: &BotContext,
    dialogue: &PoruchDialogue,
    msg: &Message,
    lang: Lang,
    code: &str,
) -> Result<Screen, BotError> {
    let Some(user) = msg.from.as_ref() else {
        return Ok(info(ctx, lang, Msg::NotAllowed));
    };
    let Some(org) = ctx.store.staff_org(user.id.0 as i64)? else {
        dialogue.exit().await?;
        return Ok(info(ctx, lang, Msg::NotAllowed));
    };
    let Some(text) = msg.text() else {
        return Ok(info(ctx, lang, Msg::RelayTextOnly));
    };
    let relayed = workflow::relay_to_requester(ctx, code, &org, text).await?;
    outcome(ctx, dialogue, lang, relayed).await
}
