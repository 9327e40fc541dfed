//! Messages that are not commands: what they mean depends on the chat's dialogue state — a
//! step of a dialogue, a message to relay, a proposal, a comment, or (at the menu) a
//! free-text search. One handler matches the state, instead of one branch of the handler
//! tree per state.

use std::sync::Arc;

use teloxide::prelude::*;
use teloxide::types::Me;
use teloxide::utils::command::BotCommands;

use super::{answer_message, hint, typed_text, typed_within, user_id};
use crate::app::relay::{self, Content, Relayed};
use crate::app::{coordination, expert as app_expert, feedback};
use crate::domain::expert::MAX_PROPOSAL;
use crate::domain::feedback::{MAX_COMMENT, Side};
use crate::domain::{Lang, RegionChoice};
use crate::i18n::{Arg, Msg};
use crate::telegram::dialogue::{expert, help, materials};
use crate::telegram::render::{self, Screen};
use crate::telegram::{BotContext, BotError, Command, HandlerResult, PoruchDialogue, State, html};

/// Any message: a command (parsed here, once, from the text or a document's caption) or
/// what the chat's state makes of it.
pub async fn route(
    bot: Bot,
    ctx: Arc<BotContext>,
    dialogue: PoruchDialogue,
    msg: Message,
    me: Me,
    state: State,
) -> HandlerResult {
    let command = msg
        .text()
        .or_else(|| msg.caption())
        .filter(|t| t.starts_with('/'))
        .and_then(|t| Command::parse(t, me.username()).ok());
    match command {
        Some(cmd) => super::commands::command(bot, ctx, dialogue, msg, cmd, me, state).await,
        None => message(bot, ctx, dialogue, msg, state).await,
    }
}

pub async fn message(
    bot: Bot,
    ctx: Arc<BotContext>,
    dialogue: PoruchDialogue,
    msg: Message,
    // The chat's state as the dialogue layer already loaded it: read once per message.
    state: State,
) -> HandlerResult {
    let lang = ctx.lang(msg.from.as_ref());
    let work = async {
        let ctx: &BotContext = &ctx;
        match state {
            State::ChoosingRegion { topic } => {
                region_text(ctx, &dialogue, &msg, lang, &topic).await
            }
            State::Requesting { step, draft } => {
                help::on_message(ctx, &dialogue, &msg, lang, step, draft).await
            }
            State::Writing { code } => from_requester(ctx, &dialogue, &msg, lang, &code).await,
            State::Replying { code } => from_staff(ctx, &dialogue, &msg, lang, &code).await,
            State::Expert { step, draft } => {
                expert::on_message(ctx, &dialogue, &msg, lang, step, draft).await
            }
            State::Proposing { code } => proposal(ctx, &dialogue, &msg, lang, &code).await,
            State::Commenting { code, side, stars } => {
                comment(ctx, &dialogue, &msg, lang, (&code, side, stars)).await
            }
            State::Material { step, draft } => {
                materials::on_message(ctx, &dialogue, &msg, lang, step, draft).await
            }
            State::Joining { code } => label(ctx, &dialogue, &msg, lang, &code).await,
            State::Idle | State::TextResults { .. } => free_text(ctx, &dialogue, &msg, lang).await,
        }
    };
    answer_message(&bot, &ctx, &msg, lang, work).await
}

/// The label a new member gave: they join the team with it.
async fn label(
    ctx: &BotContext,
    dialogue: &PoruchDialogue,
    msg: &Message,
    lang: Lang,
    code: &str,
) -> Result<Screen, BotError> {
    let text = match typed_text(ctx, lang, msg) {
        Err(hint) => return Ok(hint),
        Ok(text) => text,
    };
    let joined = coordination::join(&ctx.app, user_id(msg), msg.chat.id.0, lang, code, text)
        .await?
        .into_inner();
    if joined != coordination::Joined::BadLabel {
        dialogue.exit().await?;
    }
    Ok(render::coordination::joined(ctx, lang, &joined, text))
}

/// Text while choosing a region: a place name, resolved to a region.
async fn region_text(
    ctx: &BotContext,
    dialogue: &PoruchDialogue,
    msg: &Message,
    lang: Lang,
    topic: &str,
) -> Result<Screen, BotError> {
    let text = match typed_text(ctx, lang, msg) {
        Err(hint) => return Ok(hint),
        Ok(text) => text,
    };
    let directory = ctx.app.directory();
    Ok(match directory.resolve_region(text) {
        Some(region) => {
            let region = RegionChoice::Region(region.code.clone());
            dialogue.exit().await?;
            render::search::topic_results(
                &ctx.i18n,
                lang,
                (&directory, &ctx.hotlines),
                ctx.app.today(),
                (topic, &region, 0),
            )
        }
        // Not recognised: said, with the regions' buttons (and 🆘) again.
        None => {
            let shown = html::escape(&html::truncate(text, 60));
            let regions = render::search::regions(&ctx.i18n, lang, directory.taxonomy(), topic);
            Screen {
                text: ctx.i18n.with(
                    lang,
                    Msg::RegionNotRecognised,
                    &[("text", Arg::Str(&shown))],
                ),
                keyboard: regions.keyboard,
            }
        }
    })
}

/// Any other text is a free-text search; anything else gets a hint.
async fn free_text(
    ctx: &BotContext,
    dialogue: &PoruchDialogue,
    msg: &Message,
    lang: Lang,
) -> Result<Screen, BotError> {
    let text = match typed_text(ctx, lang, msg) {
        Err(hint) => return Ok(hint),
        Ok(text) => text,
    };
    let directory = ctx.app.directory();
    let query = directory.parse_query(text);
    if query.is_empty() {
        return Ok(hint(ctx, lang, Msg::EmptyQuery));
    }
    let (screen, found) = render::search::text_results(
        &ctx.i18n,
        lang,
        (&directory, &ctx.hotlines),
        ctx.app.today(),
        &query,
        0,
    );
    if found == 0 {
        // Counted for the coordinators, by month; the words are never kept.
        crate::app::search::nothing_found(&ctx.app)?;
    }
    dialogue
        .update(State::TextResults {
            topics: query.topics,
            region: query.region,
            terms: query.terms,
        })
        .await?;
    Ok(screen)
}

/// The outcome of a relayed message: "passed on", the hour's limit, or the conversation is
/// closed (and the chat leaves writing mode).
async fn relayed(
    ctx: &BotContext,
    dialogue: &PoruchDialogue,
    lang: Lang,
    (outcome, code, to_org): (Relayed, &str, bool),
) -> Result<Screen, BotError> {
    let i18n = &ctx.i18n;
    Ok(match outcome {
        Relayed::Sent { org } => {
            let text = if to_org {
                let org = html::escape(&ctx.org_name(&org, lang));
                i18n.with(lang, Msg::RelaySent, &[("org", Arg::Str(&org))])
            } else {
                i18n.with(lang, Msg::ReplySent, &[("code", Arg::Str(code))])
            };
            render::writing(i18n, lang, text)
        }
        Relayed::TooMany => {
            let limit = i64::from(relay::MAX_RELAYED_PER_HOUR);
            render::writing(
                i18n,
                lang,
                i18n.with(lang, Msg::RelayTooMany, &[("count", Arg::Num(limit))]),
            )
        }
        Relayed::Closed => {
            dialogue.exit().await?;
            render::info(&ctx.i18n, lang, ctx.i18n.text(lang, Msg::RelayClosed))
        }
    })
}

/// A message from the requester while writing to the organization: text, a photo or a
/// document (she was warned about file metadata when she started writing).
async fn from_requester(
    ctx: &BotContext,
    dialogue: &PoruchDialogue,
    msg: &Message,
    lang: Lang,
    code: &str,
) -> Result<Screen, BotError> {
    let content = match msg.text() {
        Some(text) if text.starts_with('/') => return Ok(hint(ctx, lang, Msg::UnknownCommand)),
        Some(text) => Content::Text(text.to_string()),
        None if msg.photo().is_some() || msg.document().is_some() => Content::File {
            chat: msg.chat.id.0,
            message: msg.id.0,
        },
        None => {
            return Ok(render::info(
                &ctx.i18n,
                lang,
                ctx.i18n.text(lang, Msg::RelayUnsupported),
            ));
        }
    };
    let outcome = relay::to_organization(&ctx.app, msg.chat.id.0, code, content)
        .await?
        .into_inner();
    relayed(ctx, dialogue, lang, (outcome, code, true)).await
}

/// A staff member's reply: text only, and only while they are staff of the organization the
/// request is with and it is open.
async fn from_staff(
    ctx: &BotContext,
    dialogue: &PoruchDialogue,
    msg: &Message,
    lang: Lang,
    code: &str,
) -> Result<Screen, BotError> {
    let info = |m| render::info(&ctx.i18n, lang, ctx.i18n.text(lang, m));
    let text = match msg.text() {
        Some(text) if text.starts_with('/') => return Ok(hint(ctx, lang, Msg::UnknownCommand)),
        Some(text) => text,
        None if ctx.app.store.staff_org(user_id(msg))?.is_some() => {
            return Ok(info(Msg::RelayTextOnly));
        }
        None => {
            dialogue.exit().await?;
            return Ok(info(Msg::NotAllowed));
        }
    };
    match relay::to_requester(&ctx.app, user_id(msg), code, text)
        .await?
        .into_inner()
    {
        Ok(outcome) => relayed(ctx, dialogue, lang, (outcome, code, false)).await,
        Err(_) => {
            dialogue.exit().await?;
            Ok(info(Msg::NotAllowed))
        }
    }
}

/// A staff member's proposal after Offer.
async fn proposal(
    ctx: &BotContext,
    dialogue: &PoruchDialogue,
    msg: &Message,
    lang: Lang,
    code: &str,
) -> Result<Screen, BotError> {
    let i18n = &ctx.i18n;
    let text = match typed_within(ctx, lang, msg, Msg::OfferTooLong, MAX_PROPOSAL) {
        Err(screen) => return Ok(screen),
        Ok(text) => text,
    };
    dialogue.exit().await?;
    Ok(
        match app_expert::propose(&ctx.app, user_id(msg), code, text)
            .await?
            .into_inner()
        {
            app_expert::Answered::Done => render::about(i18n, lang, Msg::OfferSent, code),
            app_expert::Answered::Refused(_) => {
                render::info(i18n, lang, i18n.text(lang, Msg::NotAllowed))
            }
            _ => render::about(i18n, lang, Msg::ExpertNotOpen, code),
        },
    )
}

/// An optional comment after a rating: to the coordinators only.
async fn comment(
    ctx: &BotContext,
    dialogue: &PoruchDialogue,
    msg: &Message,
    lang: Lang,
    (code, side, stars): (&str, Side, u8),
) -> Result<Screen, BotError> {
    let i18n = &ctx.i18n;
    let text = match typed_within(ctx, lang, msg, Msg::CommentTooLong, MAX_COMMENT) {
        Err(screen) => return Ok(screen),
        Ok(text) => text,
    };
    dialogue.exit().await?;
    feedback::comment(&ctx.app, code, side, stars, text)
        .await?
        .into_inner();
    Ok(render::info(i18n, lang, i18n.text(lang, Msg::CommentSent)))
}
