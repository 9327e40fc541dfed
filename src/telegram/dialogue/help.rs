//! The requester's dialogue: topic → region → kind of help → description → contact → consent
//! → Send. Every step lives in the (sealed) dialogue state; nothing is stored as a request
//! until Send, and `/cancel` or the Cancel button at any step leaves nothing behind.

use teloxide::prelude::*;

use super::state::{Draft, DraftContact, State, Step};
use crate::app::help;
use crate::domain::request::MAX_DESCRIPTION;
use crate::domain::{ContactChoice, HelpKind, Lang, Organization, parse_contact};
use crate::i18n::{Arg, Msg};
use crate::telegram::callback::DraftInput;
use crate::telegram::render::help as render_help;
use crate::telegram::render::{self, Screen};
use crate::telegram::{BotContext, BotError, PoruchDialogue, html};

/// The organization she picked, if it is still in the directory.
fn picked(ctx: &BotContext, draft: &Draft) -> Option<Organization> {
    let id = draft.org.as_deref()?;
    ctx.app.directory().visible(id, ctx.app.today()).cloned()
}

/// The screen of a step, for the draft as it is.
pub fn screen(ctx: &BotContext, lang: Lang, step: Step, draft: &Draft) -> Screen {
    let directory = ctx.app.directory();
    let (i18n, taxonomy) = (&ctx.i18n, directory.taxonomy());
    let org = picked(ctx, draft);
    let org = org.as_ref();
    match step {
        Step::Topic => render_help::topic(i18n, lang, taxonomy, org),
        Step::Region => render_help::region(i18n, lang, taxonomy, org),
        Step::Kind => render_help::kind(i18n, lang, org),
        Step::Description => render_help::description(i18n, lang),
        Step::Contact => render_help::contact(i18n, lang),
        Step::ContactTyping => render_help::contact_typing(i18n, lang, Msg::AskContactTyping),
        Step::Consent => render_help::consent(
            i18n,
            lang,
            taxonomy,
            draft,
            org,
            ctx.app.config.retention_days,
        ),
    }
}

/// Starts a request, to one organization if `org` is given. `None` if that organization can
/// no longer be asked (it left the directory or stopped taking referrals).
pub async fn start(
    ctx: &BotContext,
    dialogue: &PoruchDialogue,
    lang: Lang,
    org: Option<String>,
) -> Result<Option<Screen>, BotError> {
    if let Some(id) = &org
        && !ctx
            .app
            .directory()
            .visible(id, ctx.app.today())
            .is_some_and(|o| o.accepts_referrals)
    {
        return Ok(None);
    }
    let draft = Draft {
        org,
        ..Draft::default()
    };
    let screen = screen(ctx, lang, Step::Topic, &draft);
    dialogue
        .update(State::Requesting {
            step: Step::Topic,
            draft,
        })
        .await?;
    Ok(Some(screen))
}

/// Moves the dialogue to `step` and returns its screen.
async fn go(
    ctx: &BotContext,
    dialogue: &PoruchDialogue,
    lang: Lang,
    step: Step,
    draft: Draft,
) -> Result<Screen, BotError> {
    let screen = screen(ctx, lang, step, &draft);
    dialogue.update(State::Requesting { step, draft }).await?;
    Ok(screen)
}

fn region_allowed(ctx: &BotContext, draft: &Draft, region: &str) -> bool {
    let org = picked(ctx, draft);
    if region == "national" {
        return org.is_none_or(|o| o.regions.is_national());
    }
    ctx.app.directory().taxonomy().region(region).is_some()
        && org.is_none_or(|o| o.regions.serves(region))
}

/// A button of the dialogue. `None` if it does not belong to the current step (an old or
/// forged button): the caller answers "expired" and nothing changes.
pub async fn on_button(
    ctx: &BotContext,
    dialogue: &PoruchDialogue,
    state: State,
    chat: ChatId,
    lang: Lang,
    input: DraftInput,
) -> Result<Option<Screen>, BotError> {
    if input == DraftInput::Cancel {
        dialogue.exit().await?;
        return Ok(Some(render::info(
            &ctx.i18n,
            lang,
            ctx.i18n.text(lang, Msg::Cancelled),
        )));
    }
    let State::Requesting { step, mut draft } = state else {
        return Ok(None);
    };
    let org = picked(ctx, &draft);
    let screen = match (step, input) {
        (Step::Topic, DraftInput::Topic(topic))
            if ctx.app.directory().taxonomy().topic(&topic).is_some()
                && org.as_ref().is_none_or(|o| o.has_topic(&topic)) =>
        {
            draft.topic = Some(topic);
            go(ctx, dialogue, lang, Step::Region, draft).await?
        }
        (Step::Region, DraftInput::Region(region)) if region_allowed(ctx, &draft, &region) => {
            draft.region = Some(region);
            go(ctx, dialogue, lang, Step::Kind, draft).await?
        }
        (Step::Kind, DraftInput::Kind(kind))
            if HelpKind::from_code(&kind)
                .is_some_and(|k| org.as_ref().is_none_or(|o| k.offered_by(o))) =>
        {
            draft.kind = HelpKind::from_code(&kind);
            go(ctx, dialogue, lang, Step::Description, draft).await?
        }
        (Step::Description, DraftInput::SkipDescription) => {
            draft.description = None;
            go(ctx, dialogue, lang, Step::Contact, draft).await?
        }
        (Step::Contact | Step::ContactTyping, DraftInput::ContactThroughBot) => {
            draft.contact = Some(DraftContact::ThroughBot);
            go(ctx, dialogue, lang, Step::Consent, draft).await?
        }
        (Step::Contact, DraftInput::ContactShare) => {
            go(ctx, dialogue, lang, Step::ContactTyping, draft).await?
        }
        (Step::Consent, DraftInput::Send) => send(ctx, chat, lang, &draft).await?,
        _ => return Ok(None),
    };
    Ok(Some(screen))
}

/// Send: only after the request is durably stored does she get the code.
async fn send(
    ctx: &BotContext,
    chat: ChatId,
    lang: Lang,
    draft: &Draft,
) -> Result<Screen, BotError> {
    let outcome = match draft.request() {
        Some(request) => help::submit(&ctx.app, chat.0, lang, request)
            .await?
            .into_inner(),
        None => help::Submitted::AlreadySent,
    };
    let org = match &outcome {
        help::Submitted::Sent { org, .. } => ctx.org_name(org, lang),
        _ => String::new(),
    };
    Ok(render_help::submitted(
        &ctx.i18n,
        lang,
        &outcome,
        &org,
        &ctx.hotlines,
    ))
}

/// A message during the dialogue: a typed place, description or contact where the step takes
/// one; anything else shows the step again.
pub async fn on_message(
    ctx: &BotContext,
    dialogue: &PoruchDialogue,
    msg: &Message,
    lang: Lang,
    step: Step,
    mut draft: Draft,
) -> Result<Screen, BotError> {
    let i18n = &ctx.i18n;
    let text = msg.text().filter(|t| !t.starts_with('/'));
    match (step, text) {
        (Step::Region, Some(text)) => match ctx.app.directory().resolve_region(text) {
            Some(region) if region_allowed(ctx, &draft, &region.code) => {
                draft.region = Some(region.code.clone());
                go(ctx, dialogue, lang, Step::Kind, draft).await
            }
            _ => {
                let shown = html::escape(&html::truncate(text, 60));
                Ok(Screen {
                    text: i18n.with(
                        lang,
                        Msg::RegionNotRecognised,
                        &[("text", Arg::Str(&shown))],
                    ),
                    ..screen(ctx, lang, Step::Region, &draft)
                })
            }
        },
        (Step::Description, Some(text)) => {
            let length = text.chars().count();
            if length > MAX_DESCRIPTION {
                return Ok(Screen {
                    text: i18n.with(
                        lang,
                        Msg::DescriptionTooLong,
                        &[("length", Arg::Num(length as i64))],
                    ),
                    ..screen(ctx, lang, Step::Description, &draft)
                });
            }
            draft.description = Some(text.trim().to_string()).filter(|t| !t.is_empty());
            go(ctx, dialogue, lang, Step::Contact, draft).await
        }
        (Step::ContactTyping, _) => {
            let shared = msg
                .contact()
                .map(|c| ContactChoice::Phone(c.phone_number.clone()))
                .or_else(|| text.and_then(parse_contact));
            match shared {
                Some(ContactChoice::Phone(p)) => {
                    draft.contact = Some(DraftContact::Phone(p));
                    go(ctx, dialogue, lang, Step::Consent, draft).await
                }
                Some(ContactChoice::Telegram(t)) => {
                    draft.contact = Some(DraftContact::Telegram(t));
                    go(ctx, dialogue, lang, Step::Consent, draft).await
                }
                _ => Ok(render_help::contact_typing(
                    i18n,
                    lang,
                    Msg::ContactNotRecognised,
                )),
            }
        }
        _ => Ok(screen(ctx, lang, step, &draft)),
    }
}
