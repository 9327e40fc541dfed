//! The screens of materials: the topics that have some, one topic's list, one material (a
//! document or a link; coordinators also get Hide), and the steps of publishing one.

use teloxide::types::InlineKeyboardMarkup;

use super::{Buttons, Row, Screen, button, cancel_row, footer, rows, topic_name};
use crate::app::act::Act;
use crate::domain::material::{Material, Source};
use crate::domain::{Lang, Taxonomy};
use crate::i18n::{Arg, I18n, Msg};
use crate::storage::StoreError;
use crate::telegram::callback::Callback;
use crate::telegram::context::BotContext;
use crate::telegram::dialogue::state::MaterialStep;
use crate::telegram::html::{escape, truncate};

/// What to send for a material.
pub enum Delivery {
    /// Send the document by its Telegram file id, with this caption (HTML).
    Document {
        file_id: String,
        caption: String,
        keyboard: Option<InlineKeyboardMarkup>,
    },
    Text(Screen),
}

/// `/materials`: the topics that have materials, with counts.
pub fn topics(i18n: &I18n, lang: Lang, taxonomy: &Taxonomy, listed: &[Material]) -> Screen {
    let mut grid = Vec::new();
    for topic in &taxonomy.topics {
        let count = listed.iter().filter(|m| m.has_topic(&topic.code)).count();
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
    Screen {
        text,
        keyboard: Some(rows(grid)),
    }
}

/// One topic's materials, one button each.
pub fn topic(
    i18n: &I18n,
    lang: Lang,
    taxonomy: &Taxonomy,
    topic: &str,
    listed: &[Material],
) -> Screen {
    let found: Vec<&Material> = listed.iter().filter(|m| m.has_topic(topic)).collect();
    let mut grid: Vec<Row> = found
        .iter()
        .map(|m| {
            vec![button(
                format!("📄 {}", truncate(m.title.get(lang), 60)),
                &Callback::Material(m.id.clone()),
            )]
        })
        .collect();
    grid.push(vec![button(
        i18n.text(lang, Msg::BtnMaterials),
        &Callback::Materials,
    )]);
    grid.push(footer(i18n, lang));
    let name = topic_name(taxonomy, lang, topic);
    Screen {
        text: i18n.with(
            lang,
            Msg::MaterialsList,
            &[
                ("topic", Arg::Str(&escape(&name))),
                ("count", Arg::Num(found.len() as i64)),
            ],
        ),
        keyboard: Some(rows(grid)),
    }
}

/// One material for `who`; coordinators also get a Hide button.
pub fn delivery(
    ctx: &BotContext,
    who: i64,
    lang: Lang,
    m: Material,
) -> Result<Delivery, StoreError> {
    let i18n = &ctx.i18n;
    let title = escape(m.title.get(lang));
    let org = escape(&ctx.org_name(&m.org, lang));
    let mut buttons = Buttons::new(ctx, who, lang);
    if ctx.app.is_coordinator(who) {
        buttons.add(Msg::BtnHide, Act::HideMaterial(m.id.clone()))?;
    }
    let keyboard = Some(buttons.keyboard());
    Ok(match m.source {
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
                    ("url", Arg::Str(&escape(&url))),
                ],
            ),
            keyboard,
        }),
    })
}

/// A step of publishing a material.
pub fn publish_step(i18n: &I18n, lang: Lang, taxonomy: &Taxonomy, step: MaterialStep) -> Screen {
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
            taxonomy
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
    grid.push(cancel_row(i18n, lang));
    Screen {
        text: i18n.text(lang, msg),
        keyboard: Some(rows(grid)),
    }
}

pub fn published(i18n: &I18n, lang: Lang, material: &Material) -> Screen {
    let text = i18n.with(
        lang,
        Msg::MaterialPublished,
        &[("title", Arg::Str(&escape(material.title.get(lang))))],
    );
    super::info(i18n, lang, text)
}
