//! The screens of a request for a trainer or expert: one per step, the summary that
//! organizations see, and the confirmation. Pure functions of the draft, the directory and
//! the texts.

use super::callback::{Callback, DraftInput, ExpertInput};
use super::html::escape;
use super::render::{Screen, button, footer, region_rows, rows, stored_region_name, topic_name};
use super::render_request::contact_line;
use super::state::ExpertDraft;
use crate::domain::expert::{ExpertAudience, ExpertNeed, Format, NeedKind};
use crate::domain::when::When;
use crate::domain::{ContactChoice, Lang, Taxonomy};
use crate::i18n::{Arg, I18n, Msg};

type Row = Vec<Option<teloxide::types::InlineKeyboardButton>>;

/// Group sizes offered as buttons (any other number can be typed).
pub const SIZES: [u32; 6] = [10, 20, 30, 50, 100, 200];

fn input(label: String, input: ExpertInput) -> Option<teloxide::types::InlineKeyboardButton> {
    button(label, &Callback::Expert(input))
}

fn cancel_row(i18n: &I18n, lang: Lang) -> Row {
    vec![button(
        i18n.text(lang, Msg::BtnCancel),
        &Callback::Draft(DraftInput::Cancel),
    )]
}

fn screen(i18n: &I18n, lang: Lang, text: String, mut grid: Vec<Row>) -> Screen {
    grid.push(cancel_row(i18n, lang));
    Screen {
        text,
        keyboard: Some(rows(grid)),
    }
}

pub fn need(i18n: &I18n, lang: Lang) -> Screen {
    let grid = NeedKind::ALL
        .into_iter()
        .map(|k| {
            vec![input(
                i18n.text(lang, Msg::need(k)),
                ExpertInput::Need(k.code().to_string()),
            )]
        })
        .collect();
    screen(i18n, lang, i18n.text(lang, Msg::ExpertNeed), grid)
}

pub fn topic(i18n: &I18n, lang: Lang, taxonomy: &Taxonomy) -> Screen {
    let grid = taxonomy
        .topics
        .iter()
        .map(|t| {
            vec![input(
                t.name.get(lang).to_string(),
                ExpertInput::Topic(t.code.clone()),
            )]
        })
        .collect();
    screen(i18n, lang, i18n.text(lang, Msg::ExpertTopic), grid)
}

pub fn audience(i18n: &I18n, lang: Lang) -> Screen {
    let buttons: Vec<_> = ExpertAudience::ALL
        .into_iter()
        .map(|a| {
            input(
                i18n.text(lang, Msg::expert_audience(a)),
                ExpertInput::Audience(a.code().to_string()),
            )
        })
        .collect();
    let grid = buttons.chunks(2).map(<[_]>::to_vec).collect();
    screen(i18n, lang, i18n.text(lang, Msg::ExpertAudience), grid)
}

pub fn size(i18n: &I18n, lang: Lang, text: Msg) -> Screen {
    let row: Row = SIZES
        .into_iter()
        .map(|n| input(n.to_string(), ExpertInput::Size(n)))
        .collect();
    screen(i18n, lang, i18n.text(lang, text), vec![row])
}

pub fn format(i18n: &I18n, lang: Lang) -> Screen {
    let row = vec![
        input(i18n.text(lang, Msg::BtnOnline), ExpertInput::Online),
        input(i18n.text(lang, Msg::BtnInPerson), ExpertInput::InPerson),
    ];
    screen(i18n, lang, i18n.text(lang, Msg::ExpertFormat), vec![row])
}

pub fn region(i18n: &I18n, lang: Lang, taxonomy: &Taxonomy, text: String) -> Screen {
    let grid = region_rows(lang, taxonomy.regions.iter(), |code| {
        Callback::Expert(ExpertInput::Region(code.to_string()))
    });
    screen(i18n, lang, text, grid)
}

pub fn when(i18n: &I18n, lang: Lang, text: String) -> Screen {
    let row = vec![input(
        i18n.text(lang, Msg::BtnFlexible),
        ExpertInput::Flexible,
    )];
    screen(i18n, lang, text, vec![row])
}

/// The dates as understood, to confirm or type again.
pub fn when_confirm(i18n: &I18n, lang: Lang, when: &When) -> Screen {
    let text = i18n.with(
        lang,
        Msg::WhenUnderstood,
        &[("when", Arg::Str(&when_text(i18n, lang, when)))],
    );
    let rows = vec![
        vec![input(
            i18n.text(lang, Msg::BtnDatesRight),
            ExpertInput::DatesRight,
        )],
        vec![input(
            i18n.text(lang, Msg::BtnFlexible),
            ExpertInput::Flexible,
        )],
    ];
    screen(i18n, lang, text, rows)
}

pub fn body(i18n: &I18n, lang: Lang, text: String) -> Screen {
    let row = vec![input(i18n.text(lang, Msg::BtnSkip), ExpertInput::SkipBody)];
    screen(i18n, lang, text, vec![row])
}

pub fn contact(i18n: &I18n, lang: Lang, text: String, share: bool) -> Screen {
    let mut grid = vec![vec![input(
        i18n.text(lang, Msg::BtnContactBot),
        ExpertInput::ContactThroughBot,
    )]];
    if share {
        grid.push(vec![input(
            i18n.text(lang, Msg::BtnContactShare),
            ExpertInput::ContactShare,
        )]);
    }
    screen(i18n, lang, text, grid)
}

pub fn confirm(
    i18n: &I18n,
    lang: Lang,
    taxonomy: &Taxonomy,
    need: &ExpertNeed,
    body: Option<&str>,
    contact: &ContactChoice,
) -> Screen {
    let text = i18n.with(
        lang,
        Msg::ExpertConfirm,
        &[
            (
                "summary",
                Arg::Str(&summary(i18n, lang, taxonomy, need, body)),
            ),
            ("contact", Arg::Str(&contact_line(i18n, lang, contact))),
        ],
    );
    Screen {
        text,
        keyboard: Some(rows(vec![
            vec![input(i18n.text(lang, Msg::BtnSend), ExpertInput::Send)],
            cancel_row(i18n, lang),
            footer(i18n, lang),
        ])),
    }
}

/// "01.03.2027 – 31.03.2027", or "flexible dates".
pub fn when_text(i18n: &I18n, lang: Lang, when: &When) -> String {
    match when {
        When::Flexible => i18n.text(lang, Msg::WhenFlexible),
        When::Between(from, to) => i18n.with(
            lang,
            Msg::WhenRange,
            &[
                ("from", Arg::Str(&from.format("%d.%m.%Y").to_string())),
                ("to", Arg::Str(&to.format("%d.%m.%Y").to_string())),
            ],
        ),
    }
}

/// What organizations see of a request (HTML, escaped): never the contact.
pub fn summary(
    i18n: &I18n,
    lang: Lang,
    taxonomy: &Taxonomy,
    need: &ExpertNeed,
    body: Option<&str>,
) -> String {
    let format = match &need.format {
        Format::Online => i18n.text(lang, Msg::FormatOnline),
        Format::InPerson { region } => i18n.with(
            lang,
            Msg::FormatInPerson,
            &[(
                "region",
                Arg::Str(&stored_region_name(i18n, lang, taxonomy, region)),
            )],
        ),
    };
    let body = match body {
        Some(b) => escape(b),
        None => i18n.text(lang, Msg::BodyUnnamed),
    };
    i18n.with(
        lang,
        Msg::ExpertSummary,
        &[
            ("need", Arg::Str(&i18n.text(lang, Msg::need(need.kind)))),
            (
                "topic",
                Arg::Str(&escape(&topic_name(taxonomy, lang, &need.topic))),
            ),
            (
                "audience",
                Arg::Str(&i18n.text(lang, Msg::expert_audience(need.audience))),
            ),
            (
                "size",
                Arg::Str(&i18n.with(lang, Msg::People, &[("count", Arg::Num(need.size.into()))])),
            ),
            ("format", Arg::Str(&escape(&format))),
            ("when", Arg::Str(&when_text(i18n, lang, &need.when))),
            ("body", Arg::Str(&body)),
        ],
    )
}

impl ExpertDraft {
    /// The dates chosen so far, if any.
    pub fn when(&self) -> Option<When> {
        if self.flexible {
            return Some(When::Flexible);
        }
        let from = self.from.as_deref()?.parse().ok()?;
        let to = self.to.as_deref()?.parse().ok()?;
        Some(When::Between(from, to))
    }

    pub fn set_when(&mut self, when: &When) {
        match when {
            When::Flexible => {
                self.flexible = true;
                self.from = None;
                self.to = None;
            }
            When::Between(from, to) => {
                self.flexible = false;
                self.from = Some(from.to_string());
                self.to = Some(to.to_string());
            }
        }
    }

    /// The need, once every step up to the dates is done.
    pub fn need(&self) -> Option<ExpertNeed> {
        Some(ExpertNeed {
            kind: NeedKind::from_code(self.need.as_deref()?)?,
            topic: self.topic.clone()?,
            audience: ExpertAudience::from_code(self.audience.as_deref()?)?,
            size: self.size?,
            format: match self.online? {
                true => Format::Online,
                false => Format::InPerson {
                    region: self.region.clone()?,
                },
            },
            when: self.when()?,
        })
    }
}
