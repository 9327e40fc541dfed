//! The screens of the help-request dialogue: one per step, and the consent screen that shows
//! exactly what the organization will see. Pure functions of the draft, the directory and
//! the texts.

use super::callback::{Callback, DraftInput};
use super::html::escape;
use super::render::{Screen, button, footer, region_rows, rows, stored_region_name, topic_name};
use super::state::Draft;
use crate::domain::{ContactChoice, HelpKind, Lang, Organization, RegionScope, Taxonomy};
use crate::i18n::{Arg, I18n, Msg};

fn cancel_row(i18n: &I18n, lang: Lang) -> Vec<Option<teloxide::types::InlineKeyboardButton>> {
    vec![button(
        i18n.text(lang, Msg::BtnCancel),
        &Callback::Draft(DraftInput::Cancel),
    )]
}

/// Step 1: the topic — the organization's topics if she picked one.
pub fn topic(i18n: &I18n, lang: Lang, taxonomy: &Taxonomy, org: Option<&Organization>) -> Screen {
    let mut grid: Vec<_> = taxonomy
        .topics
        .iter()
        .filter(|t| org.is_none_or(|o| o.has_topic(&t.code)))
        .map(|t| {
            vec![button(
                t.name.get(lang).to_string(),
                &Callback::Draft(DraftInput::Topic(t.code.clone())),
            )]
        })
        .collect();
    grid.push(cancel_row(i18n, lang));
    let text = match org {
        Some(o) => i18n.with(
            lang,
            Msg::AskOrgIntro,
            &[("org", Arg::Str(&escape(o.name.get(lang))))],
        ),
        None => i18n.text(lang, Msg::AskIntro),
    };
    Screen {
        text,
        keyboard: Some(rows(grid)),
    }
}

/// Step 2: the region — "rather not say" (nationwide organizations only) or a region the
/// picked organization serves.
pub fn region(i18n: &I18n, lang: Lang, taxonomy: &Taxonomy, org: Option<&Organization>) -> Screen {
    let pick = |code: &str| Callback::Draft(DraftInput::Region(code.to_string()));
    let mut grid = Vec::new();
    if org.is_none_or(|o| o.regions.is_national()) {
        grid.push(vec![button(
            i18n.text(lang, Msg::BtnRegionUnsaid),
            &pick("national"),
        )]);
    }
    let served = taxonomy.regions.iter().filter(|r| {
        org.is_none_or(|o| match &o.regions {
            RegionScope::National => true,
            RegionScope::Regions(codes) => codes.contains(&r.code),
        })
    });
    grid.extend(region_rows(lang, served, pick));
    grid.push(cancel_row(i18n, lang));
    Screen {
        text: i18n.text(lang, Msg::AskRegion),
        keyboard: Some(rows(grid)),
    }
}

/// Step 3: the kind of help — what the picked organization offers.
pub fn kind(i18n: &I18n, lang: Lang, org: Option<&Organization>) -> Screen {
    let mut grid: Vec<_> = HelpKind::ALL
        .into_iter()
        .filter(|k| org.is_none_or(|o| k.offered_by(o)))
        .map(|k| {
            vec![button(
                i18n.text(lang, Msg::kind(k)),
                &Callback::Draft(DraftInput::Kind(k.code().to_string())),
            )]
        })
        .collect();
    grid.push(cancel_row(i18n, lang));
    Screen {
        text: i18n.text(lang, Msg::AskKind),
        keyboard: Some(rows(grid)),
    }
}

/// Step 4: the optional description.
pub fn description(i18n: &I18n, lang: Lang) -> Screen {
    Screen {
        text: i18n.text(lang, Msg::AskDescription),
        keyboard: Some(rows(vec![
            vec![button(
                i18n.text(lang, Msg::BtnSkip),
                &Callback::Draft(DraftInput::SkipDescription),
            )],
            cancel_row(i18n, lang),
        ])),
    }
}

fn contact_buttons(i18n: &I18n, lang: Lang, share: bool) -> Screen {
    let mut grid = vec![vec![button(
        i18n.text(lang, Msg::BtnContactBot),
        &Callback::Draft(DraftInput::ContactThroughBot),
    )]];
    if share {
        grid.push(vec![button(
            i18n.text(lang, Msg::BtnContactShare),
            &Callback::Draft(DraftInput::ContactShare),
        )]);
    }
    grid.push(cancel_row(i18n, lang));
    Screen {
        text: String::new(),
        keyboard: Some(rows(grid)),
    }
}

/// Step 5: how to be contacted. Through the bot, anonymously, comes first.
pub fn contact(i18n: &I18n, lang: Lang) -> Screen {
    Screen {
        text: i18n.text(lang, Msg::AskContact),
        ..contact_buttons(i18n, lang, true)
    }
}

/// She chose to give a contact: type it (or go back to anonymous).
pub fn contact_typing(i18n: &I18n, lang: Lang, msg: Msg) -> Screen {
    Screen {
        text: i18n.text(lang, msg),
        ..contact_buttons(i18n, lang, false)
    }
}

/// Exactly what the organization will see, line by line.
pub fn summary(
    i18n: &I18n,
    lang: Lang,
    taxonomy: &Taxonomy,
    draft: &Draft,
    org: Option<&Organization>,
) -> String {
    let mut lines = Vec::new();
    if let Some(o) = org {
        lines.push(i18n.with(
            lang,
            Msg::SummaryOrg,
            &[("org", Arg::Str(&escape(o.name.get(lang))))],
        ));
    }
    if let Some(topic) = draft.topic.as_deref() {
        let name = topic_name(taxonomy, lang, topic);
        lines.push(i18n.with(
            lang,
            Msg::SummaryTopic,
            &[("topic", Arg::Str(&escape(&name)))],
        ));
    }
    let region = stored_region_name(
        i18n,
        lang,
        taxonomy,
        draft.region.as_deref().unwrap_or("national"),
    );
    lines.push(i18n.with(
        lang,
        Msg::SummaryRegion,
        &[("region", Arg::Str(&escape(&region)))],
    ));
    if let Some(k) = draft.kind.as_deref().and_then(HelpKind::from_code) {
        lines.push(i18n.with(
            lang,
            Msg::SummaryKind,
            &[("kind", Arg::Str(&i18n.text(lang, Msg::kind(k))))],
        ));
    }
    lines.push(description_line(i18n, lang, draft.description.as_deref()));
    let contact = draft
        .contact
        .as_ref()
        .map(ContactChoice::from)
        .unwrap_or_default();
    lines.push(contact_line(i18n, lang, &contact));
    lines.join("\n")
}

/// The description as the organization sees it (or that there is none).
pub fn description_line(i18n: &I18n, lang: Lang, description: Option<&str>) -> String {
    match description {
        Some(text) => i18n.with(
            lang,
            Msg::SummaryDescription,
            &[("text", Arg::Str(&escape(text)))],
        ),
        None => i18n.text(lang, Msg::SummaryNoDescription),
    }
}

/// How the requester may be reached, as the organization sees it.
pub fn contact_line(i18n: &I18n, lang: Lang, contact: &ContactChoice) -> String {
    match contact {
        ContactChoice::ThroughBot => i18n.text(lang, Msg::SummaryContactBot),
        ContactChoice::Phone(p) => i18n.with(
            lang,
            Msg::SummaryContactPhone,
            &[("value", Arg::Str(&escape(p)))],
        ),
        ContactChoice::Telegram(t) => i18n.with(
            lang,
            Msg::SummaryContactTelegram,
            &[("value", Arg::Str(&escape(t)))],
        ),
    }
}

/// The consent screen: what will be shared, that nothing goes to her command, and Send.
pub fn consent(
    i18n: &I18n,
    lang: Lang,
    taxonomy: &Taxonomy,
    draft: &Draft,
    org: Option<&Organization>,
    retention_days: u32,
) -> Screen {
    let summary = summary(i18n, lang, taxonomy, draft, org);
    let days = i18n.with(
        lang,
        Msg::Days,
        &[("count", Arg::Num(retention_days.into()))],
    );
    Screen {
        text: i18n.with(
            lang,
            Msg::Consent,
            &[("summary", Arg::Str(&summary)), ("days", Arg::Str(&days))],
        ),
        keyboard: Some(rows(vec![
            vec![button(
                i18n.text(lang, Msg::BtnSend),
                &Callback::Draft(DraftInput::Send),
            )],
            cancel_row(i18n, lang),
            footer(i18n, lang),
        ])),
    }
}
