//! Materials: `/materials` to browse them by topic and receive one (a document, or a link);
//! `/material` for an organization's staff to publish one (document or link → titles →
//! topic); coordinators hide one with the button under it.

use teloxide::prelude::*;

use super::actions::Act;
use super::callback::Callback;
use super::referrals::{Pressed, show};
use super::render::{self, Screen, button, footer, rows};
use super::state::{MaterialDraft, MaterialStep};
use super::workflow::token_button;
use super::{BotContext, BotError, PoruchDialogue, State, html};
use crate::domain::Lang;
use crate::domain::material::{MAX_TITLE, Material, Source, valid_link};
use crate::i18n::{Arg, Msg};

/// What to send for a material.
pub enum Delivery {
    /// Send the document by its Telegram file id, with this caption (HTML).
    Document {
        file_id: String,
        caption: String,
        keyboard: Option<teloxide::types::InlineKeyboardMarkup>,
    },
    Text(Screen),
}

/// Every material anyone may receive: the directory's and those published in the bot,
/// minus hidden ones.
pub fn listed(ctx: &BotContext) -> Result<Vec<Material>, BotError> {
    let mut all: Vec<Material> = ctx.materials.iter().cloned().collect();
    all.extend(ctx.store.published_materials()?);
    let mut out = Vec::new();
    for m in all {
        if !ctx.store.is_material_hidden(&m.id)? {
            out.push(m);
        }
    }
    Ok(out)
}

/// `/materials`: the topics that have materials, with counts.
pub fn topics(ctx: &BotContext, lang: Lang) -> Result<Screen, BotError> {
    let i18n = &ctx.i18n;
    let all = listed(ctx)?;
    let mut grid = Vec::new();
    for topic in &ctx.index.taxonomy().topics {
        let count = all.iter().filter(|m| m.has_topic(&topic.code)).count();
        if count > 0 {
            let label = i18n.with(
                lang,
                Msg::MaterialsTopicItem,
                &[
                    ("topic", Arg::Str(topic.name.get(lang))),
                    ("count", Arg::Num(count as i64)),
                ],
            );
            grid.push(vec![button(
                label,
                &Callback::MaterialTopic(topic.code.clone()),
            )]);
        }
    }
    let text = if grid.is_empty() {
        i18n.text(lang, Msg::MaterialsNone)
    } else {
        i18n.text(lang, Msg::MaterialsChoose)
    };
    grid.push(footer(i18n, lang));
    Ok(Screen {
        text,
        keyboard: Some(rows(grid)),
    })
}

/// One topic's materials, one button each.
pub fn topic(ctx: &BotContext, lang: Lang, topic: &str) -> Result<Screen, BotError> {
    let i18n = &ctx.i18n;
    let found: Vec<Material> = listed(ctx)?
        .into_iter()
        .filter(|m| m.has_topic(topic))
        .collect();
    let mut grid: Vec<_> = found
        .iter()
        .map(|m| {
            vec![button(
                format!("📄 {}", html::truncate(m.title.get(lang), 60)),
                &Callback::Material(m.id.clone()),
            )]
        })
        .collect();
    grid.push(vec![button(
        i18n.text(lang, Msg::BtnMaterials),
        &Callback::Materials,
    )]);
    grid.push(footer(i18n, lang));
    let name = render::topic_name(ctx.index.taxonomy(), lang, topic);
    Ok(Screen {
        text: i18n.with(
            lang,
            Msg::MaterialsList,
            &[
                ("topic", Arg::Str(&html::escape(&name))),
                ("count", Arg::Num(found.len() as i64)),
            ],
        ),
        keyboard: Some(rows(grid)),
    })
}

/// One material, for `user`; coordinators also get a Hide button. `None` if it is gone.
pub fn delivery(
    ctx: &BotContext,
    user: i64,
    lang: Lang,
    id: &str,
) -> Result<Option<Delivery>, BotError> {
    let i18n = &ctx.i18n;
    let Some(m) = listed(ctx)?.into_iter().find(|m| m.id == id) else {
        return Ok(None);
    };
    let title = html::escape(m.title.get(lang));
    let org = html::escape(&ctx.org_name(&m.org, lang));
    let mut grid = Vec::new();
    if ctx.admins.contains(&user) {
        grid.push(vec![token_button(
            ctx,
            user,
            i18n.text(lang, Msg::BtnHide),
            &Act::HideMaterial(m.id.clone()),
        )?]);
    }
    grid.push(footer(i18n, lang));
    let keyboard = Some(rows(grid));
    Ok(Some(match m.source {
        Source::Document { file_id } => Delivery::Document {
            file_id,
            caption: i18n.with(
                lang,
                Msg::MaterialCaption,
                &[("title", Arg::Str(&title)), ("org", Arg::Str(&org))],
            ),
            keyboard,
        },
        Source::Link { url } => Delivery::Text(Screen {
            text: i18n.with(
                lang,
                Msg::MaterialLink,
                &[
                    ("title", Arg::Str(&title)),
                    ("org", Arg::Str(&org)),
                    ("url", Arg::Str(&html::escape(&url))),
                ],
            ),
            keyboard,
        }),
    }))
}

/// A coordinator hides a material (re-checked: only coordinators may).
pub async fn hide(ctx: &BotContext, user: i64, lang: Lang, id: &str) -> Result<Pressed, BotError> {
    if !ctx.admins.contains(&user) {
        return Ok(Pressed::Refused("not-admin"));
    }
    ctx.store.hide_material(id, ctx.now())?;
    ctx.store.flush().await?;
    tracing::info!("a coordinator hid a material");
    Ok(show(render::info(
        &ctx.i18n,
        lang,
        ctx.i18n.text(lang, Msg::MaterialHidden),
    )))
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

fn cancel_row(ctx: &BotContext, lang: Lang) -> Vec<Option<teloxide::types::InlineKeyboardButton>> {
    vec![button(
        ctx.i18n.text(lang, Msg::BtnCancel),
        &Callback::Draft(super::callback::DraftInput::Cancel),
    )]
}

fn step_screen(ctx: &BotContext, lang: Lang, step: MaterialStep) -> Screen {
    let i18n = &ctx.i18n;
    let (msg, mut grid) = match step {
        MaterialStep::File => (Msg::MaterialStart, Vec::new()),
        MaterialStep::TitleUk => (Msg::MaterialTitleUk, Vec::new()),
        MaterialStep::TitleEn => (
            Msg::MaterialTitleEn,
            vec![vec![button(
                i18n.text(lang, Msg::BtnSkip),
                &Callback::SkipText,
            )]],
        ),
        MaterialStep::Topic => (
            Msg::MaterialTopic,
            ctx.index
                .taxonomy()
                .topics
                .iter()
                .map(|t| {
                    vec![button(
                        t.name.get(lang).to_string(),
                        &Callback::PublishTopic(t.code.clone()),
                    )]
                })
                .collect(),
        ),
    };
    grid.push(cancel_row(ctx, lang));
    Screen {
        text: i18n.text(lang, msg),
        keyboard: Some(rows(grid)),
    }
}

async fn go(
    ctx: &BotContext,
    dialogue: &PoruchDialogue,
    lang: Lang,
    step: MaterialStep,
    draft: MaterialDraft,
) -> Result<Screen, BotError> {
    dialogue.update(State::Material { step, draft }).await?;
    Ok(step_screen(ctx, lang, step))
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
        _ => Ok(step_screen(ctx, lang, step)),
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
    user: i64,
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
    if ctx.index.taxonomy().topic(topic).is_none() {
        return Ok(None);
    }
    let Some(org) = ctx.store.staff_org(user)? else {
        dialogue.exit().await?;
        return Ok(Some(render::info(
            i18n,
            lang,
            i18n.text(lang, Msg::NotAllowed),
        )));
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
    let material = Material {
        id: ctx.store.new_material_id()?,
        org,
        title: crate::domain::Localized {
            uk: title_uk,
            en: draft.title_en.clone(),
        },
        topics: vec![topic.to_string()],
        source,
    };
    ctx.store.publish_material(&material, ctx.now())?;
    dialogue.exit().await?;
    ctx.store.flush().await?;
    tracing::info!("an organization published a material");
    let text = i18n.with(
        lang,
        Msg::MaterialPublished,
        &[("title", Arg::Str(&html::escape(material.title.get(lang))))],
    );
    Ok(Some(render::info(i18n, lang, text)))
}
