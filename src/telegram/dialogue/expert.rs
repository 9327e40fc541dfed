//! The adviser's dialogue for a trainer or expert: need → topic → audience → size → format
//! (→ region) → dates (shown back as understood) → requesting body → contact → confirm →
//! Send. Every step lives in the sealed dialogue state; nothing is stored until Send.

use teloxide::prelude::*;

use super::state::{DraftContact, ExpertDraft, ExpertStep, State};
use crate::app::{expert, limits};
use crate::domain::expert::{ExpertAudience, MAX_BODY, MAX_SIZE, NeedKind};
use crate::domain::{ContactChoice, Lang, parse_contact, when};
use crate::i18n::{Arg, Msg};
use crate::telegram::callback::ExpertInput;
use crate::telegram::render::expert as render_expert;
use crate::telegram::render::{self, Screen};
use crate::telegram::{BotContext, BotError, PoruchDialogue, html};

/// The screen of a step, for the draft as it is.
pub fn screen(ctx: &BotContext, lang: Lang, step: ExpertStep, draft: &ExpertDraft) -> Screen {
    let directory = ctx.app.directory();
    let (i18n, taxonomy) = (&ctx.i18n, directory.taxonomy());
    match step {
        ExpertStep::Need => render_expert::need(i18n, lang),
        ExpertStep::Topic => render_expert::topic(i18n, lang, taxonomy),
        ExpertStep::Audience => render_expert::audience(i18n, lang),
        ExpertStep::Size => render_expert::size(i18n, lang, Msg::ExpertSize),
        ExpertStep::Format => render_expert::format(i18n, lang),
        ExpertStep::Region => {
            render_expert::region(i18n, lang, taxonomy, i18n.text(lang, Msg::ExpertRegion))
        }
        ExpertStep::When => render_expert::when(i18n, lang, i18n.text(lang, Msg::ExpertWhen)),
        ExpertStep::WhenConfirm => match draft.when() {
            Some(w) => render_expert::when_confirm(i18n, lang, &w),
            None => render_expert::when(i18n, lang, i18n.text(lang, Msg::ExpertWhen)),
        },
        ExpertStep::Body => render_expert::body(i18n, lang, i18n.text(lang, Msg::ExpertBody)),
        ExpertStep::Contact => {
            render_expert::contact(i18n, lang, i18n.text(lang, Msg::ExpertContact), true)
        }
        ExpertStep::ContactTyping => {
            render_expert::contact(i18n, lang, i18n.text(lang, Msg::AskContactTyping), false)
        }
        ExpertStep::Confirm => match (draft.need(), &draft.contact) {
            (Some(need), Some(contact)) => render_expert::confirm(
                i18n,
                lang,
                taxonomy,
                &need,
                draft.body.as_deref(),
                &ContactChoice::from(contact),
            ),
            _ => render_expert::need(i18n, lang),
        },
    }
}

/// Starts a request.
pub async fn start(
    ctx: &BotContext,
    dialogue: &PoruchDialogue,
    (chat, lang): (ChatId, Lang),
) -> Result<Screen, BotError> {
    // A limit reached is said before she writes anything.
    if let Some(limit) = limits::expert_request(&ctx.app, chat.0)? {
        return Ok(render::limited(&ctx.i18n, lang, limit));
    }
    go(
        ctx,
        dialogue,
        lang,
        ExpertStep::Need,
        ExpertDraft::default(),
    )
    .await
}

async fn go(
    ctx: &BotContext,
    dialogue: &PoruchDialogue,
    lang: Lang,
    step: ExpertStep,
    draft: ExpertDraft,
) -> Result<Screen, BotError> {
    let screen = screen(ctx, lang, step, &draft);
    dialogue.update(State::Expert { step, draft }).await?;
    Ok(screen)
}

/// ‹ Back: the previous step, with what was chosen there kept. `None` on the first step.
pub async fn back(
    ctx: &BotContext,
    dialogue: &PoruchDialogue,
    lang: Lang,
    step: ExpertStep,
    draft: ExpertDraft,
) -> Result<Option<Screen>, BotError> {
    match step.back(&draft) {
        Some(previous) => Ok(Some(go(ctx, dialogue, lang, previous, draft).await?)),
        None => Ok(None),
    }
}

/// A button of the dialogue. `None` if it does not belong to the current step (an old or
/// forged button): the caller shows where she is now and nothing changes.
pub async fn on_button(
    ctx: &BotContext,
    dialogue: &PoruchDialogue,
    state: State,
    chat: ChatId,
    lang: Lang,
    input: ExpertInput,
) -> Result<Option<Screen>, BotError> {
    let State::Expert { step, mut draft } = state else {
        return Ok(None);
    };
    use ExpertStep as S;
    let next = match (step, input) {
        (S::Need, ExpertInput::Need(n)) if NeedKind::from_code(&n).is_some() => {
            draft.need = NeedKind::from_code(&n);
            S::Topic
        }
        (S::Topic, ExpertInput::Topic(t)) if ctx.app.directory().taxonomy().topic(&t).is_some() => {
            draft.topic = Some(t);
            S::Audience
        }
        (S::Audience, ExpertInput::Audience(a)) if ExpertAudience::from_code(&a).is_some() => {
            draft.audience = ExpertAudience::from_code(&a);
            S::Size
        }
        (S::Size, ExpertInput::Size(n)) if (1..=MAX_SIZE).contains(&n) => {
            draft.size = Some(n);
            S::Format
        }
        (S::Format, ExpertInput::Online) => {
            draft.online = Some(true);
            draft.region = None;
            S::When
        }
        (S::Format, ExpertInput::InPerson) => {
            draft.online = Some(false);
            S::Region
        }
        (S::Region, ExpertInput::Region(r))
            if ctx.app.directory().taxonomy().region(&r).is_some() =>
        {
            draft.region = Some(r);
            S::When
        }
        (S::When | S::WhenConfirm, ExpertInput::Flexible) => {
            draft.set_when(&when::When::Flexible);
            S::Body
        }
        (S::WhenConfirm, ExpertInput::DatesRight) if draft.when().is_some() => S::Body,
        (S::Body, ExpertInput::SkipBody) => {
            draft.body = None;
            S::Contact
        }
        (S::Contact | S::ContactTyping, ExpertInput::ContactThroughBot) => {
            draft.contact = Some(DraftContact::ThroughBot);
            S::Confirm
        }
        (S::Contact, ExpertInput::ContactShare) => S::ContactTyping,
        (S::Confirm, ExpertInput::Send) => {
            let outcome = match (draft.need(), &draft.contact) {
                (Some(need), Some(contact)) => {
                    let new = expert::NewExpertRequest {
                        need,
                        body: draft.body.clone(),
                        contact: contact.into(),
                        from_draft: true,
                    };
                    expert::submit(&ctx.app, chat.0, lang, new)
                        .await?
                        .into_inner()
                }
                _ => expert::Submitted::AlreadySent,
            };
            return Ok(Some(render_expert::submitted(&ctx.i18n, lang, &outcome)));
        }
        _ => return Ok(None),
    };
    Ok(Some(go(ctx, dialogue, lang, next, draft).await?))
}

/// A message during the dialogue: a typed size, place, dates, body or contact where the step
/// takes one; anything else shows the step again.
pub async fn on_message(
    ctx: &BotContext,
    dialogue: &PoruchDialogue,
    msg: &Message,
    lang: Lang,
    step: ExpertStep,
    mut draft: ExpertDraft,
) -> Result<Screen, BotError> {
    let i18n = &ctx.i18n;
    let text = msg.text().filter(|t| !t.starts_with('/'));
    let shown = |t: &str| html::escape(&html::truncate(t, 60));
    use ExpertStep as S;
    match (step, text) {
        (S::Size, Some(text)) => match text.trim().parse::<u32>() {
            Ok(n) if (1..=MAX_SIZE).contains(&n) => {
                draft.size = Some(n);
                go(ctx, dialogue, lang, S::Format, draft).await
            }
            _ => Ok(render_expert::size(i18n, lang, Msg::SizeNotUnderstood)),
        },
        (S::Region, Some(text)) => match ctx.app.directory().resolve_region(text) {
            Some(region) => {
                draft.region = Some(region.code.clone());
                go(ctx, dialogue, lang, S::When, draft).await
            }
            None => Ok(render_expert::region(
                i18n,
                lang,
                ctx.app.directory().taxonomy(),
                i18n.with(
                    lang,
                    Msg::RegionNotRecognised,
                    &[("text", Arg::Str(&shown(text)))],
                ),
            )),
        },
        (S::When | S::WhenConfirm, Some(text)) => match when::parse(text, ctx.app.today()) {
            Some(w) => {
                draft.set_when(&w);
                go(ctx, dialogue, lang, S::WhenConfirm, draft).await
            }
            None => Ok(render_expert::when(
                i18n,
                lang,
                i18n.with(
                    lang,
                    Msg::WhenNotUnderstood,
                    &[("text", Arg::Str(&shown(text)))],
                ),
            )),
        },
        (S::Body, Some(text)) => {
            if let Some(refusal) = render::too_long(i18n, lang, Msg::BodyTooLong, text, MAX_BODY) {
                return Ok(render_expert::body(i18n, lang, refusal));
            }
            draft.body = Some(text.trim().to_string()).filter(|t| !t.is_empty());
            go(ctx, dialogue, lang, S::Contact, draft).await
        }
        (S::ContactTyping, _) => {
            let shared = msg
                .contact()
                .map(|c| ContactChoice::Phone(c.phone_number.clone()))
                .or_else(|| text.and_then(parse_contact));
            let contact = match shared {
                Some(ContactChoice::Phone(p)) => DraftContact::Phone(p),
                Some(ContactChoice::Telegram(t)) => DraftContact::Telegram(t),
                _ => {
                    return Ok(render_expert::contact(
                        i18n,
                        lang,
                        i18n.text(lang, Msg::ContactNotRecognised),
                        false,
                    ));
                }
            };
            draft.contact = Some(contact);
            go(ctx, dialogue, lang, S::Confirm, draft).await
        }
        // Typed on a step that takes a button: say so, and show the step again.
        _ => {
            let now = screen(ctx, lang, step, &draft);
            Ok(Screen {
                text: format!("{}\n\n{}", i18n.text(lang, Msg::UseButtons), now.text),
                ..now
            })
        }
    }
}
