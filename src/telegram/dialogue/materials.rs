//! Publishing a material (staff): a document or a link → the Ukrainian title → the English
//! one (or Skip) → the topic, which publishes it. Steps live in the dialogue state.

use teloxide::prelude::*;

use super::state::{MaterialDraft, MaterialStep, State};
use crate::app::materials::{self, NewMaterial, Published};
use crate::domain::Lang;
use crate::domain::Localized;
use crate::domain::material::{MAX_TITLE, Source, valid_link};
use crate::i18n::Msg;
use crate::telegram::render::materials as render_materials;
use crate::telegram::render::{self, Screen};
use crate::telegram::{BotContext, BotError, PoruchDialogue};

/// The screen of a step.
pub fn screen(ctx: &BotContext, lang: Lang, step: MaterialStep) -> Screen {
    render_materials::publish_step(&ctx.i18n, lang, ctx.app.directory().taxonomy(), step)
}

async fn go(
    ctx: &BotContext,
    dialogue: &PoruchDialogue,
    lang: Lang,
    step: MaterialStep,
    draft: MaterialDraft,
) -> Result<Screen, BotError> {
    dialogue.update(State::Material { step, draft }).await?;
    Ok(screen(ctx, lang, step))
}

/// `/material`: staff only (anyone else gets "unknown command" from the caller). Sent as the
/// caption of a document, publishing starts with that file.
pub async fn start(
    ctx: &BotContext,
    dialogue: &PoruchDialogue,
    lang: Lang,
    msg: &Message,
) -> Result<Screen, BotError> {
    let draft = MaterialDraft {
        file_id: msg.document().map(|d| d.file.id.0.clone()),
        ..MaterialDraft::default()
    };
    let step = if draft.file_id.is_some() {
        MaterialStep::TitleUk
    } else {
        MaterialStep::File
    };
    go(ctx, dialogue, lang, step, draft).await
}

/// A message while publishing: the document or link, then the titles.
pub async fn on_message(
    ctx: &BotContext,
    dialogue: &PoruchDialogue,
    msg: &Message,
    lang: Lang,
    step: MaterialStep,
    mut draft: MaterialDraft,
) -> Result<Screen, BotError> {
    let i18n = &ctx.i18n;
    let text = msg.text().map(str::trim).filter(|t| !t.starts_with('/'));
    match (step, text) {
        (MaterialStep::File, _) => {
            if let Some(doc) = msg.document() {
                draft.file_id = Some(doc.file.id.0.clone());
            } else if let Some(url) = text.filter(|t| valid_link(t)) {
                draft.url = Some(url.to_string());
            } else {
                return Ok(render::info(
                    i18n,
                    lang,
                    i18n.text(lang, Msg::MaterialNotFile),
                ));
            }
            go(ctx, dialogue, lang, MaterialStep::TitleUk, draft).await
        }
        (MaterialStep::TitleUk | MaterialStep::TitleEn, Some(title)) if !title.is_empty() => {
            if let Some(refusal) =
                render::too_long(i18n, lang, Msg::MaterialTitleTooLong, title, MAX_TITLE)
            {
                return Ok(render::info(i18n, lang, refusal));
            }
            if step == MaterialStep::TitleUk {
                draft.title_uk = Some(title.to_string());
                go(ctx, dialogue, lang, MaterialStep::TitleEn, draft).await
            } else {
                draft.title_en = Some(title.to_string());
                go(ctx, dialogue, lang, MaterialStep::Topic, draft).await
            }
        }
        _ => Ok(screen(ctx, lang, step)),
    }
}

/// Skip (the English title); `None` if the chat is not at that step.
pub async fn skip_title(
    ctx: &BotContext,
    dialogue: &PoruchDialogue,
    lang: Lang,
    state: &State,
) -> Result<Option<Screen>, BotError> {
    match state {
        State::Material {
            step: MaterialStep::TitleEn,
            draft,
        } => Ok(Some(
            go(ctx, dialogue, lang, MaterialStep::Topic, draft.clone()).await?,
        )),
        _ => Ok(None),
    }
}

/// The topic button: publishes the material, if the person is still staff. `None` if the
/// chat is not at that step.
pub async fn publish(
    ctx: &BotContext,
    dialogue: &PoruchDialogue,
    who: i64,
    lang: Lang,
    state: &State,
    topic: &str,
) -> Result<Option<Screen>, BotError> {
    let i18n = &ctx.i18n;
    let State::Material {
        step: MaterialStep::Topic,
        draft,
    } = state
    else {
        return Ok(None);
    };
    let source = match (&draft.file_id, &draft.url) {
        (Some(file_id), _) => Source::Document {
            file_id: file_id.clone(),
        },
        (None, Some(url)) => Source::Link { url: url.clone() },
        _ => return Ok(None),
    };
    let Some(title_uk) = draft.title_uk.clone() else {
        return Ok(None);
    };
    let new = NewMaterial {
        source,
        title: Localized {
            uk: title_uk,
            en: draft.title_en.clone(),
        },
        topic: topic.to_string(),
    };
    Ok(
        match materials::publish(&ctx.app, who, new).await?.into_inner() {
            Published::Done(material) => {
                dialogue.exit().await?;
                Some(render_materials::published(i18n, lang, &material))
            }
            Published::Refused(_) => {
                dialogue.exit().await?;
                Some(render::info(i18n, lang, i18n.text(lang, Msg::NotAllowed)))
            }
            Published::Invalid => None,
        },
    )
}
