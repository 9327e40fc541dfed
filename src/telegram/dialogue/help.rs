//! The requester's dialogue: topic → region → kind of help → (nobody can take it? say so
//! now) → description → contact → consent → Send, with ‹ Back on every step but the first.
//! Every step lives in the (sealed) dialogue state; nothing is stored as a request until
//! Send, and `/cancel` or Cancel (which asks first once she has typed something) leaves
//! nothing behind.

use teloxide::prelude::*;

use super::state::{Draft, DraftContact, State, Step};
use crate::app::{help, limits};
use crate::domain::request::{MAX_DESCRIPTION, NOT_SURE};
use crate::domain::routing::Need;
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

/// What the draft needs, once topic, region and kind are chosen.
fn need(draft: &Draft) -> Option<Need<'_>> {
    Some(Need {
        topic: draft.topic.as_deref()?,
        region: draft.region.as_deref()?,
        kind: draft.kind?,
    })
}

/// Whether the draft could be placed now, and whether it could if sent nationwide.
fn placeable(ctx: &BotContext, draft: &Draft) -> Result<(bool, bool), BotError> {
    let Some(need) = need(draft) else {
        return Ok((false, false));
    };
    let here = help::placeable(&ctx.app, &need, draft.org.as_deref())?;
    let nationwide = need.region != "national"
        && draft.org.is_none()
        && help::placeable(
            &ctx.app,
            &Need {
                region: "national",
                ..need
            },
            None,
        )?;
    Ok((here, nationwide))
}

/// The screen of a step, for the draft as it is.
pub fn screen(ctx: &BotContext, lang: Lang, step: Step, draft: &Draft) -> Result<Screen, BotError> {
    let directory = ctx.app.directory();
    let (i18n, taxonomy) = (&ctx.i18n, directory.taxonomy());
    let org = picked(ctx, draft);
    let org = org.as_ref();
    Ok(match step {
        Step::Topic => render_help::topic(i18n, lang, taxonomy, org),
        Step::Region => render_help::region(i18n, lang, org),
        Step::RegionList => render_help::region_list(i18n, lang, taxonomy, org),
        Step::Kind => render_help::kind(i18n, lang, org),
        Step::NoOrg => {
            let (_, nationwide) = placeable(ctx, draft)?;
            render_help::no_org(i18n, lang, taxonomy, draft, org, nationwide, false)
        }
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
        Step::Unavailable => {
            let name = draft
                .org
                .as_deref()
                .map(|id| ctx.org_name(id, lang))
                .unwrap_or_default();
            render_help::unavailable(i18n, lang, &name)
        }
    })
}

/// Starts a request, to one organization if `org` is given. `None` if that organization can
/// no longer be asked (it left the directory or stopped taking referrals).
pub async fn start(
    ctx: &BotContext,
    dialogue: &PoruchDialogue,
    (chat, lang): (ChatId, Lang),
    org: Option<String>,
) -> Result<Option<Screen>, BotError> {
    if let Some(id) = &org {
        let directory = ctx.app.directory();
        let askable = directory.visible(id, ctx.app.today()).is_some_and(|o| {
            o.accepts_referrals && render_help::offers_help(directory.taxonomy(), o)
        });
        if !askable {
            return Ok(None);
        }
    }
    // A limit reached is said before she writes anything.
    if let Some(limit) = limits::help_request(&ctx.app, chat.0)? {
        return Ok(Some(render::limited(&ctx.i18n, lang, limit)));
    }
    let draft = Draft {
        org,
        ..Draft::default()
    };
    let screen = screen(ctx, lang, Step::Topic, &draft)?;
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
    let screen = screen(ctx, lang, step, &draft)?;
    dialogue.update(State::Requesting { step, draft }).await?;
    Ok(screen)
}

/// After the kind of help (or a new region from the no-organization step): on to the
/// description if someone can take it, else say so now, before she writes anything.
async fn after_kind(
    ctx: &BotContext,
    dialogue: &PoruchDialogue,
    lang: Lang,
    draft: Draft,
) -> Result<Screen, BotError> {
    let step = if placeable(ctx, &draft)?.0 {
        Step::Description
    } else {
        help::unplaceable(&ctx.app).await?.into_inner();
        Step::NoOrg
    };
    go(ctx, dialogue, lang, step, draft).await
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
/// forged button): the caller shows where she is now and nothing changes.
pub async fn on_button(
    ctx: &BotContext,
    dialogue: &PoruchDialogue,
    state: State,
    chat: ChatId,
    lang: Lang,
    input: DraftInput,
) -> Result<Option<Screen>, BotError> {
    let State::Requesting { step, mut draft } = state else {
        return Ok(None);
    };
    let org = picked(ctx, &draft);
    let taxonomy_has = |topic: &str| {
        topic == NOT_SURE
            || ctx
                .app
                .directory()
                .taxonomy()
                .topic(topic)
                .is_some_and(|t| t.help)
    };
    let screen = match (step, input) {
        (_, DraftInput::Back) => match step.back() {
            Some(previous) => go(ctx, dialogue, lang, previous, draft).await?,
            None => return Ok(None),
        },
        (Step::Topic, DraftInput::Topic(topic))
            if taxonomy_has(&topic)
                && org.as_ref().is_none_or(|o| {
                    if topic == NOT_SURE {
                        o.services.iter().any(|s| s.is_direct_help())
                    } else {
                        o.has_topic(&topic)
                    }
                }) =>
        {
            draft.topic = Some(topic);
            go(ctx, dialogue, lang, Step::Region, draft).await?
        }
        (Step::Region, DraftInput::RegionList) => {
            go(ctx, dialogue, lang, Step::RegionList, draft).await?
        }
        (Step::Region | Step::RegionList, DraftInput::Region(region))
            if region_allowed(ctx, &draft, &region) =>
        {
            draft.region = Some(region);
            go(ctx, dialogue, lang, Step::Kind, draft).await?
        }
        (Step::Kind, DraftInput::Kind(kind))
            if HelpKind::from_code(&kind)
                .is_some_and(|k| org.as_ref().is_none_or(|o| k.offered_by(o))) =>
        {
            draft.kind = HelpKind::from_code(&kind);
            after_kind(ctx, dialogue, lang, draft).await?
        }
        (Step::NoOrg, DraftInput::Region(region))
            if region == "national" && region_allowed(ctx, &draft, &region) =>
        {
            draft.region = Some(region);
            after_kind(ctx, dialogue, lang, draft).await?
        }
        (Step::NoOrg, DraftInput::AnyOrg) if draft.org.is_some() => {
            draft.org = None;
            after_kind(ctx, dialogue, lang, draft).await?
        }
        (Step::Unavailable, DraftInput::AnyOrg) => {
            draft.org = None;
            go(ctx, dialogue, lang, Step::Consent, draft).await?
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
        (Step::Consent, DraftInput::OnDecline(pass_on)) => {
            draft.pass_on = Some(pass_on);
            go(ctx, dialogue, lang, Step::Consent, draft).await?
        }
        (Step::Consent, DraftInput::FollowUp(ask)) => {
            draft.follow_up = Some(ask);
            go(ctx, dialogue, lang, Step::Consent, draft).await?
        }
        (Step::Consent, DraftInput::Send) => send(ctx, dialogue, chat, lang, draft).await?,
        _ => return Ok(None),
    };
    Ok(Some(screen))
}

/// Send: only after the request is durably stored does she get the code. If it cannot be
/// placed, nothing is sent and her draft stays, at the step that says so.
async fn send(
    ctx: &BotContext,
    dialogue: &PoruchDialogue,
    chat: ChatId,
    lang: Lang,
    draft: Draft,
) -> Result<Screen, BotError> {
    let outcome = match draft.request() {
        Some(request) => help::submit(&ctx.app, chat.0, lang, request)
            .await?
            .into_inner(),
        None => help::Submitted::AlreadySent,
    };
    let i18n = &ctx.i18n;
    match &outcome {
        help::Submitted::NoOrganization => {
            let directory = ctx.app.directory();
            let org = picked(ctx, &draft);
            let (_, nationwide) = placeable(ctx, &draft)?;
            let screen = render_help::no_org(
                i18n,
                lang,
                directory.taxonomy(),
                &draft,
                org.as_ref(),
                nationwide,
                true,
            );
            dialogue
                .update(State::Requesting {
                    step: Step::NoOrg,
                    draft,
                })
                .await?;
            Ok(screen)
        }
        help::Submitted::ChosenUnavailable => {
            go(ctx, dialogue, lang, Step::Unavailable, draft).await
        }
        _ => {
            let org = match &outcome {
                help::Submitted::Sent { org, .. } => ctx.org_name(org, lang),
                _ => String::new(),
            };
            Ok(render_help::submitted(
                i18n,
                lang,
                &outcome,
                (&org, draft.on_decline()),
                &ctx.hotlines,
            ))
        }
    }
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
        (Step::Region | Step::RegionList, Some(text)) => {
            match ctx.app.directory().resolve_region(text) {
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
                        ..screen(ctx, lang, step, &draft)?
                    })
                }
            }
        }
        (Step::Description, Some(text)) => {
            let length = text.chars().count();
            if length > MAX_DESCRIPTION {
                return Ok(Screen {
                    text: i18n.with(
                        lang,
                        Msg::DescriptionTooLong,
                        &[("length", Arg::Num(length as i64))],
                    ),
                    ..screen(ctx, lang, Step::Description, &draft)?
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
        // Typed on a step that takes a button: say so, and show the step again.
        _ => {
            let now = screen(ctx, lang, step, &draft)?;
            Ok(Screen {
                text: format!("{}\n\n{}", i18n.text(lang, Msg::UseButtons), now.text),
                ..now
            })
        }
    }
}
