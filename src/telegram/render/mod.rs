//! What the bot shows: message texts (HTML, escaped) and their inline keyboards, one module
//! per feature (named like the use cases in `crate::app`), and here what they share. Every
//! text from data or people is escaped here; every button's data comes from
//! `Callback::encode` or a token.

pub mod coordination;
pub mod expert;
pub mod feedback;
pub mod help;
pub mod materials;
pub mod overview;
pub mod search;

use teloxide::types::{InlineKeyboardButton, InlineKeyboardMarkup};

use super::callback::Callback;
use super::context::BotContext;
use super::html::escape;
use crate::app::act::Act;
use crate::domain::{Hotline, Lang, RegionChoice, Taxonomy, Timestamp};
use crate::i18n::{Arg, I18n, Msg};
use crate::storage::StoreError;

/// A row of buttons; a button whose data could not be encoded is `None` and left out.
pub type Row = Vec<Option<InlineKeyboardButton>>;

/// A message ready to send: HTML text and an optional keyboard.
#[derive(Debug, Clone)]
pub struct Screen {
    pub text: String,
    pub keyboard: Option<InlineKeyboardMarkup>,
}

pub fn button(label: String, cb: &Callback) -> Option<InlineKeyboardButton> {
    // A button whose data cannot be encoded is left out rather than sent and refused.
    cb.encode()
        .ok()
        .map(|data| InlineKeyboardButton::callback(label, data))
}

pub fn rows(rows: Vec<Row>) -> InlineKeyboardMarkup {
    InlineKeyboardMarkup::new(
        rows.into_iter()
            .map(|r| r.into_iter().flatten().collect::<Vec<_>>())
            .filter(|r| !r.is_empty()),
    )
}

/// The row at the bottom of every screen: urgent help is always one tap away.
pub fn footer(i18n: &I18n, lang: Lang) -> Row {
    vec![
        button(i18n.text(lang, Msg::BtnMenu), &Callback::Menu),
        button(i18n.text(lang, Msg::BtnUrgent), &Callback::Urgent),
    ]
}

pub fn menu_keyboard(i18n: &I18n, lang: Lang) -> InlineKeyboardMarkup {
    rows(vec![
        // Urgent help first, beside the search.
        vec![
            button(i18n.text(lang, Msg::BtnUrgent), &Callback::Urgent),
            button(i18n.text(lang, Msg::BtnFind), &Callback::Find),
        ],
        vec![button(i18n.text(lang, Msg::BtnAsk), &Callback::Ask)],
        vec![button(
            i18n.text(lang, Msg::BtnExpert),
            &Callback::ExpertStart,
        )],
        vec![button(
            i18n.text(lang, Msg::BtnMaterials),
            &Callback::Materials,
        )],
        vec![
            button(i18n.text(lang, Msg::BtnLanguage), &Callback::Language),
            button(i18n.text(lang, Msg::BtnPrivacy), &Callback::Privacy),
        ],
        hide_row(i18n, lang),
    ])
}

pub fn welcome(i18n: &I18n, lang: Lang) -> Screen {
    Screen {
        text: i18n.text(lang, Msg::Welcome),
        keyboard: Some(menu_keyboard(i18n, lang)),
    }
}

pub fn menu(i18n: &I18n, lang: Lang) -> Screen {
    Screen {
        text: i18n.text(lang, Msg::Menu),
        keyboard: Some(menu_keyboard(i18n, lang)),
    }
}

/// `msg` naming how long `text` is ("That is 1,002 characters…"), if it is longer than `max`
/// characters: the polite refusal of an overlong text.
pub fn too_long(i18n: &I18n, lang: Lang, msg: Msg, text: &str, max: usize) -> Option<String> {
    let length = text.chars().count();
    (length > max).then(|| {
        let chars = i18n.with(lang, Msg::Characters, &[("count", Arg::Num(length as i64))]);
        i18n.with(lang, msg, &[("length", Arg::Str(&chars))])
    })
}

/// A text followed by the menu and urgent buttons.
pub fn info(i18n: &I18n, lang: Lang, text: String) -> Screen {
    Screen {
        text,
        keyboard: Some(rows(vec![footer(i18n, lang)])),
    }
}

/// The bottom of every step of a dialogue: ‹ Back (except on the first step) and Cancel,
/// then urgent help.
pub fn step_rows(i18n: &I18n, lang: Lang, back: bool) -> Vec<Row> {
    use super::callback::DraftInput;
    let mut controls = Vec::new();
    if back {
        controls.push(button(
            i18n.text(lang, Msg::BtnBack),
            &Callback::Draft(DraftInput::Back),
        ));
    }
    controls.push(button(
        i18n.text(lang, Msg::BtnCancel),
        &Callback::Draft(DraftInput::Cancel),
    ));
    vec![controls, urgent_row(i18n, lang)]
}

/// Under a prompt whose next messages go to someone else: stop writing, urgent help.
pub fn writing_rows(i18n: &I18n, lang: Lang) -> Vec<Row> {
    vec![
        vec![button(
            i18n.text(lang, Msg::BtnStopWriting),
            &Callback::StopWriting,
        )],
        urgent_row(i18n, lang),
    ]
}

/// A prompt whose next messages go to someone else, with its buttons.
pub fn writing(i18n: &I18n, lang: Lang, text: String) -> Screen {
    Screen {
        text,
        keyboard: Some(rows(writing_rows(i18n, lang))),
    }
}

/// A limit against floods was reached: what it is, what she can do, urgent help.
pub fn limited(i18n: &I18n, lang: Lang, limit: crate::app::limits::Limit) -> Screen {
    use crate::app::limits::Limit;
    let msg = match limit {
        Limit::PendingHelp => Msg::LimitPendingHelp,
        Limit::HelpPerDay => Msg::LimitHelpPerDay,
        Limit::OpenExpert => Msg::LimitOpenExpert,
    };
    let count = i64::from(limit.max());
    info(
        i18n,
        lang,
        i18n.with(lang, msg, &[("count", Arg::Num(count))]),
    )
}

/// /start in the middle of a draft she typed in: continue it, or discard it.
pub fn draft_pending(i18n: &I18n, lang: Lang) -> Screen {
    use super::callback::DraftInput;
    Screen {
        text: i18n.text(lang, Msg::DraftPending),
        keyboard: Some(rows(vec![
            vec![button(
                i18n.text(lang, Msg::BtnContinue),
                &Callback::Draft(DraftInput::Stay),
            )],
            vec![button(
                i18n.text(lang, Msg::BtnDiscard),
                &Callback::Draft(DraftInput::CancelConfirmed),
            )],
            urgent_row(i18n, lang),
        ])),
    }
}

/// The quick exit, before: what it does and what it cannot do.
pub fn hide_confirm(i18n: &I18n, lang: Lang) -> Screen {
    Screen {
        text: i18n.text(lang, Msg::HideConfirm),
        keyboard: Some(rows(vec![
            vec![button(
                i18n.text(lang, Msg::BtnHideYes),
                &Callback::HideConfirmed,
            )],
            footer(i18n, lang),
        ])),
    }
}

/// The quick exit, after: one neutral line with what could not be done.
pub fn hide_done(i18n: &I18n, lang: Lang, deleted: usize, failed: usize) -> Screen {
    Screen {
        text: i18n.with(
            lang,
            Msg::HideDone,
            &[
                ("deleted", Arg::Num(deleted as i64)),
                ("failed", Arg::Num(failed as i64)),
            ],
        ),
        keyboard: Some(rows(vec![footer(i18n, lang)])),
    }
}

/// 🧹, on the menu and on every request screen.
pub fn hide_row(i18n: &I18n, lang: Lang) -> Row {
    vec![button(i18n.text(lang, Msg::BtnHideChat), &Callback::Hide)]
}

/// Urgent help alone, for screens whose other buttons leave no room for the menu.
pub fn urgent_row(i18n: &I18n, lang: Lang) -> Row {
    vec![button(i18n.text(lang, Msg::BtnUrgent), &Callback::Urgent)]
}

/// "Cancel? What you wrote will be deleted." — Yes / No, back to the step.
pub fn cancel_confirm(i18n: &I18n, lang: Lang) -> Screen {
    use super::callback::DraftInput;
    Screen {
        text: i18n.text(lang, Msg::CancelConfirm),
        keyboard: Some(rows(vec![
            vec![button(
                i18n.text(lang, Msg::BtnCancelYes),
                &Callback::Draft(DraftInput::CancelConfirmed),
            )],
            vec![button(
                i18n.text(lang, Msg::BtnCancelNo),
                &Callback::Draft(DraftInput::Stay),
            )],
            urgent_row(i18n, lang),
        ])),
    }
}

/// Cancel, on every step of a dialogue.
pub fn cancel_row(i18n: &I18n, lang: Lang) -> Row {
    vec![button(
        i18n.text(lang, Msg::BtnCancel),
        &Callback::Draft(super::callback::DraftInput::Cancel),
    )]
}

/// A message with the reference code as its one argument, with the menu and urgent buttons.
pub fn about(i18n: &I18n, lang: Lang, msg: Msg, code: &str) -> Screen {
    info(
        i18n,
        lang,
        i18n.with(lang, msg, &[("code", Arg::Str(code))]),
    )
}

/// A hint after something the bot could not use, with the menu's buttons.
pub fn hint(i18n: &I18n, lang: Lang, msg: Msg) -> Screen {
    Screen {
        text: i18n.text(lang, msg),
        keyboard: Some(menu_keyboard(i18n, lang)),
    }
}

/// Buttons one to a row, then the menu and urgent buttons.
pub fn keyboard(
    i18n: &I18n,
    lang: Lang,
    buttons: Vec<Option<InlineKeyboardButton>>,
) -> InlineKeyboardMarkup {
    let mut grid: Vec<Row> = buttons.into_iter().map(|b| vec![b]).collect();
    grid.push(footer(i18n, lang));
    rows(grid)
}

/// Token buttons for one person, one to a row.
pub struct Buttons<'a> {
    ctx: &'a BotContext,
    who: i64,
    lang: Lang,
    pub list: Vec<Option<teloxide::types::InlineKeyboardButton>>,
}

impl<'a> Buttons<'a> {
    pub fn new(ctx: &'a BotContext, who: i64, lang: Lang) -> Buttons<'a> {
        Buttons {
            ctx,
            who,
            lang,
            list: Vec::new(),
        }
    }

    /// A button labelled with `label`'s text.
    pub fn add(&mut self, label: Msg, act: Act) -> Result<(), StoreError> {
        let text = self.ctx.i18n.text(self.lang, label);
        self.add_text(text, act)
    }

    pub fn add_text(&mut self, label: String, act: Act) -> Result<(), StoreError> {
        self.list
            .push(super::tokens::button(self.ctx, self.who, label, &act)?);
        Ok(())
    }

    /// The buttons, then the menu and urgent buttons.
    pub fn keyboard(self) -> teloxide::types::InlineKeyboardMarkup {
        keyboard(&self.ctx.i18n, self.lang, self.list)
    }

    /// For a requester's screen: the buttons, 🧹 (clear the chat), then menu and urgent help.
    pub fn her_keyboard(self) -> teloxide::types::InlineKeyboardMarkup {
        let i18n = &self.ctx.i18n;
        let mut grid: Vec<Row> = self.list.into_iter().map(|b| vec![b]).collect();
        grid.push(hide_row(i18n, self.lang));
        grid.push(footer(i18n, self.lang));
        rows(grid)
    }
}

/// A time as shown in messages, in Kyiv time (summer time included, as the tz database
/// has it): "22.11.2026 16:05". Everyone who reads these times is in Ukraine.
pub fn format_time(at: Timestamp) -> String {
    chrono::DateTime::from_timestamp_millis(at.millis())
        .map(|t| {
            t.with_timezone(&chrono_tz::Europe::Kyiv)
                .format("%d.%m.%Y %H:%M")
                .to_string()
        })
        .unwrap_or_default()
}

/// A date as shown on cards: "22.11.2026" in Ukrainian, "22 Nov 2026" in English.
pub fn date(lang: Lang, d: chrono::NaiveDate) -> String {
    match lang {
        Lang::Uk => d.format("%d.%m.%Y").to_string(),
        Lang::En => d.format("%-d %b %Y").to_string(),
    }
}

/// "7 днів" / "7 days".
pub fn days(i18n: &I18n, lang: Lang, count: u32) -> String {
    i18n.with(lang, Msg::Days, &[("count", Arg::Num(count.into()))])
}

/// The Ukrainian alphabet in its order; code-point order would put І, Ї, Є and Ґ first.
const UKRAINIAN_ALPHABET: &str = "абвгґдеєжзиіїйклмнопрстуфхцчшщьюя";

/// A key that sorts names alphabetically in Ukrainian (and English) rather than by code point.
fn alphabetical_key(name: &str) -> Vec<u32> {
    name.to_lowercase()
        .chars()
        .map(|c| match UKRAINIAN_ALPHABET.chars().position(|u| u == c) {
            Some(i) => 0x10_0000 + i as u32,
            None => c as u32,
        })
        .collect()
}

/// Region buttons two to a row, sorted by name, without the word "oblast".
pub fn region_rows<'a>(
    lang: Lang,
    regions: impl Iterator<Item = &'a crate::domain::Region>,
    callback: impl Fn(&str) -> Callback,
) -> Vec<Row> {
    let mut sorted: Vec<_> = regions.collect();
    sorted.sort_by_cached_key(|r| alphabetical_key(r.name.get(lang)));
    sorted
        .chunks(2)
        .map(|pair| {
            pair.iter()
                .map(|r| {
                    let label = r
                        .name
                        .get(lang)
                        .replace(" область", "")
                        .replace(" oblast", "");
                    button(label, &callback(&r.code))
                })
                .collect()
        })
        .collect()
}

/// A topic's name in a language (its code, if the taxonomy no longer has it).
pub fn topic_name(taxonomy: &Taxonomy, lang: Lang, code: &str) -> String {
    taxonomy
        .topic(code)
        .map(|t| t.name.get(lang).to_string())
        .unwrap_or_else(|| code.to_string())
}

/// The name of a region as a request stores it: a region code, or "national".
pub fn stored_region_name(i18n: &I18n, lang: Lang, taxonomy: &Taxonomy, code: &str) -> String {
    let choice = match code {
        "national" => RegionChoice::Nationwide,
        code => RegionChoice::Region(code.to_string()),
    };
    region_name(i18n, lang, taxonomy, &choice)
}

pub fn region_name(i18n: &I18n, lang: Lang, taxonomy: &Taxonomy, region: &RegionChoice) -> String {
    match region {
        RegionChoice::Nationwide => i18n.text(lang, Msg::Nationwide),
        RegionChoice::Region(code) => taxonomy
            .region(code)
            .map(|r| r.name.get(lang).to_string())
            .unwrap_or_default(),
    }
}

/// The urgent hotlines. Needs nothing from the store.
pub fn hotlines(i18n: &I18n, lang: Lang, hotlines: &[Hotline]) -> Screen {
    let mut text = i18n.text(lang, Msg::UrgentHeader);
    text.push('\n');
    for h in hotlines {
        text.push_str(&format!(
            // A number in <code> is copied with one tap.
            "\n<code>{}</code> — <b>{}</b>\n{} <i>({})</i>\n",
            escape(&h.number),
            escape(h.name.get(lang)),
            escape(h.description.get(lang)),
            escape(h.hours.get(lang)),
        ));
    }
    text.push('\n');
    text.push_str(&i18n.text(lang, Msg::UrgentFooter));
    Screen {
        text,
        keyboard: Some(rows(vec![vec![button(
            i18n.text(lang, Msg::BtnMenu),
            &Callback::Menu,
        )]])),
    }
}

/// Settings: the language, and whether notices about her own requests are discreet.
pub fn language(i18n: &I18n, lang: Lang, full_notices: bool) -> Screen {
    let option = |msg, full: bool| {
        let label = i18n.text(lang, msg);
        let label = if full == full_notices {
            format!("✅ {label}")
        } else {
            label
        };
        button(label, &Callback::Notices(full))
    };
    let notices = i18n.text(
        lang,
        if full_notices {
            Msg::NoticesFull
        } else {
            Msg::NoticesDiscreet
        },
    );
    Screen {
        text: format!("{}\n\n{notices}", i18n.text(lang, Msg::LanguageChoose)),
        keyboard: Some(rows(vec![
            vec![
                button(
                    i18n.text(lang, Msg::BtnLangUk),
                    &Callback::SetLang(Lang::Uk),
                ),
                button(
                    i18n.text(lang, Msg::BtnLangEn),
                    &Callback::SetLang(Lang::En),
                ),
            ],
            vec![
                option(Msg::BtnNoticesDiscreet, false),
                option(Msg::BtnNoticesFull, true),
            ],
            footer(i18n, lang),
        ])),
    }
}

/// The confirmation of `/forget`.
pub fn forget_confirm(i18n: &I18n, lang: Lang) -> Screen {
    Screen {
        text: i18n.text(lang, Msg::ForgetConfirm),
        keyboard: Some(rows(vec![vec![
            button(
                i18n.text(lang, Msg::BtnForgetYes),
                &Callback::ForgetConfirmed,
            ),
            button(i18n.text(lang, Msg::BtnForgetNo), &Callback::Menu),
        ]])),
    }
}

#[cfg(test)]
mod tests {
    use super::{Timestamp, alphabetical_key, format_time};

    #[test]
    fn times_are_shown_in_kyiv_time_in_winter_and_in_summer() {
        // 1 December 2026, 12:00 UTC: 14:00 in Kyiv (UTC+2).
        assert_eq!(
            format_time(Timestamp::from_secs(1_796_126_400)),
            "01.12.2026 14:00"
        );
        // 1 July 2026, 12:00 UTC: 15:00 in Kyiv (summer time, UTC+3).
        assert_eq!(
            format_time(Timestamp::from_secs(1_782_907_200)),
            "01.07.2026 15:00"
        );
    }

    #[test]
    fn names_sort_in_the_order_of_the_ukrainian_alphabet() {
        let mut names = vec![
            "Івано-Франківська",
            "Вінницька",
            "Автономна Республіка Крим",
            "Їжакевичі",
            "Житомирська",
            "Ґорґани",
            "Гірська",
            "Єнакієве",
        ];
        names.sort_by_cached_key(|n| alphabetical_key(n));
        assert_eq!(
            names,
            vec![
                "Автономна Республіка Крим",
                "Вінницька",
                "Гірська",
                "Ґорґани",
                "Єнакієве",
                "Житомирська",
                "Івано-Франківська",
                "Їжакевичі"
            ]
        );
        let mut english = vec!["Zhytomyr", "Cherkasy", "Ivano-Frankivsk"];
        english.sort_by_cached_key(|n| alphabetical_key(n));
        assert_eq!(english, vec!["Cherkasy", "Ivano-Frankivsk", "Zhytomyr"]);
    }
}
