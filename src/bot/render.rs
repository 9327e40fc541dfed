//! What the bot shows: message texts (HTML, escaped) and their inline keyboards.
//! Pure functions of the domain data, the language and the texts.

use teloxide::types::{InlineKeyboardButton, InlineKeyboardMarkup};

use super::callback::Callback;
use super::html::{escape, truncate};
use crate::domain::{Hotline, Lang, Organization, RegionChoice, RegionScope, Taxonomy};
use crate::i18n::{Arg, I18n, Msg};

/// Organizations per results page.
pub const PAGE_SIZE: usize = 5;

/// A message ready to send: HTML text and an optional keyboard.
#[derive(Debug, Clone)]
pub struct Screen {
    pub text: String,
    pub keyboard: Option<InlineKeyboardMarkup>,
}

pub(super) fn button(label: String, cb: &Callback) -> Option<InlineKeyboardButton> {
    // A button whose data cannot be encoded is left out rather than sent and refused.
    cb.encode()
        .ok()
        .map(|data| InlineKeyboardButton::callback(label, data))
}

pub(super) fn rows(rows: Vec<Vec<Option<InlineKeyboardButton>>>) -> InlineKeyboardMarkup {
    InlineKeyboardMarkup::new(
        rows.into_iter()
            .map(|r| r.into_iter().flatten().collect::<Vec<_>>())
            .filter(|r| !r.is_empty()),
    )
}

/// The row at the bottom of every screen: urgent help is always one tap away.
pub(super) fn footer(i18n: &I18n, lang: Lang) -> Vec<Option<InlineKeyboardButton>> {
    vec![
        button(i18n.text(lang, Msg::BtnMenu), &Callback::Menu),
        button(i18n.text(lang, Msg::BtnUrgent), &Callback::Urgent),
    ]
}

pub fn menu_keyboard(i18n: &I18n, lang: Lang) -> InlineKeyboardMarkup {
    rows(vec![
        vec![button(i18n.text(lang, Msg::BtnFind), &Callback::Find)],
        vec![button(i18n.text(lang, Msg::BtnAsk), &Callback::Ask)],
        vec![button(
            i18n.text(lang, Msg::BtnExpert),
            &Callback::ExpertStart,
        )],
        vec![button(
            i18n.text(lang, Msg::BtnMaterials),
            &Callback::Materials,
        )],
        vec![button(i18n.text(lang, Msg::BtnUrgent), &Callback::Urgent)],
        vec![
            button(i18n.text(lang, Msg::BtnLanguage), &Callback::Language),
            button(i18n.text(lang, Msg::BtnPrivacy), &Callback::Privacy),
        ],
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

pub fn topics(i18n: &I18n, lang: Lang, taxonomy: &Taxonomy) -> Screen {
    let mut grid: Vec<Vec<Option<InlineKeyboardButton>>> = taxonomy
        .topics
        .iter()
        .map(|t| {
            vec![button(
                t.name.get(lang).to_string(),
                &Callback::Topic(t.code.clone()),
            )]
        })
        .collect();
    grid.push(footer(i18n, lang));
    Screen {
        text: i18n.text(lang, Msg::ChooseTopic),
        keyboard: Some(rows(grid)),
    }
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
pub(super) fn region_rows<'a>(
    lang: Lang,
    regions: impl Iterator<Item = &'a crate::domain::Region>,
    callback: impl Fn(&str) -> Callback,
) -> Vec<Vec<Option<InlineKeyboardButton>>> {
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

pub fn regions(i18n: &I18n, lang: Lang, taxonomy: &Taxonomy, topic: &str) -> Screen {
    let topic_name = topic_name(taxonomy, lang, topic);
    let results = |region| Callback::Results {
        topic: topic.to_string(),
        region,
        page: 0,
    };
    let mut grid = vec![vec![button(
        i18n.text(lang, Msg::BtnNationwide),
        &results(RegionChoice::Nationwide),
    )]];
    grid.extend(region_rows(lang, taxonomy.regions.iter(), |code| {
        results(RegionChoice::Region(code.to_string()))
    }));
    grid.push(vec![button(
        i18n.text(lang, Msg::BtnTopics),
        &Callback::Find,
    )]);
    grid.push(footer(i18n, lang));
    let text = i18n.with(
        lang,
        Msg::ChooseRegion,
        &[("topic", Arg::Str(&escape(&topic_name)))],
    );
    Screen {
        text,
        keyboard: Some(rows(grid)),
    }
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

/// One page of results. `page_cb` makes the callback for another page of the same results;
/// `extra` buttons go above the footer.
pub fn results(
    i18n: &I18n,
    lang: Lang,
    header: String,
    found: &[&Organization],
    page: usize,
    page_cb: impl Fn(u16) -> Callback,
    extra: Vec<Option<InlineKeyboardButton>>,
) -> Screen {
    let pages = found.len().div_ceil(PAGE_SIZE).max(1);
    let page = page.min(pages - 1);
    let shown = found.iter().skip(page * PAGE_SIZE).take(PAGE_SIZE);
    let mut text = header;
    let mut grid = Vec::new();
    if found.is_empty() {
        text.push_str("\n\n");
        text.push_str(&i18n.text(lang, Msg::NoResults));
    } else {
        text.push('\n');
        for (n, org) in shown.enumerate() {
            let number = page * PAGE_SIZE + n + 1;
            let name = org.name.get(lang);
            let about = truncate(org.description.get(lang), 140);
            text.push_str(&format!(
                "\n{number}. <b>{}</b>\n{}\n",
                escape(name),
                escape(&about)
            ));
            grid.push(vec![button(
                format!("{number}. {}", truncate(name, 48)),
                &Callback::Org(org.id.clone()),
            )]);
        }
        text.push('\n');
        text.push_str(&i18n.with(
            lang,
            Msg::ResultsPage,
            &[
                ("page", Arg::Num(page as i64 + 1)),
                ("pages", Arg::Num(pages as i64)),
            ],
        ));
        let mut nav = Vec::new();
        if page > 0 {
            nav.push(button(
                i18n.text(lang, Msg::BtnBack),
                &page_cb(page as u16 - 1),
            ));
        }
        if page + 1 < pages {
            nav.push(button(
                i18n.text(lang, Msg::BtnNext),
                &page_cb(page as u16 + 1),
            ));
        }
        grid.push(nav);
    }
    grid.push(extra);
    grid.push(footer(i18n, lang));
    Screen {
        text,
        keyboard: Some(rows(grid)),
    }
}

/// The results header for a topic and region.
pub fn topic_region_header(
    i18n: &I18n,
    lang: Lang,
    taxonomy: &Taxonomy,
    topic: &str,
    region: &RegionChoice,
    count: usize,
) -> String {
    let topic_name = topic_name(taxonomy, lang, topic);
    let region = region_name(i18n, lang, taxonomy, region);
    i18n.with(
        lang,
        Msg::ResultsHeader,
        &[
            ("topic", Arg::Str(&escape(&topic_name))),
            ("region", Arg::Str(&escape(&region))),
            ("count", Arg::Str(&i18n.organizations(lang, count))),
        ],
    )
}

/// The results header for a free-text search: what was understood, never the typed text.
pub fn text_header(
    i18n: &I18n,
    lang: Lang,
    taxonomy: &Taxonomy,
    topics: &[String],
    region: Option<&str>,
    terms: &[String],
    count: usize,
) -> String {
    let mut understood: Vec<String> = topics
        .iter()
        .filter_map(|t| taxonomy.topic(t))
        .map(|t| t.name.get(lang).to_string())
        .collect();
    if let Some(r) = region.and_then(|r| taxonomy.region(r)) {
        understood.push(r.name.get(lang).to_string());
    }
    understood.extend(terms.iter().cloned());
    let query = truncate(&understood.join(" · "), 200);
    i18n.with(
        lang,
        Msg::TextResultsHeader,
        &[
            ("query", Arg::Str(&escape(&query))),
            ("count", Arg::Str(&i18n.organizations(lang, count))),
        ],
    )
}

fn date(lang: Lang, d: chrono::NaiveDate) -> String {
    match lang {
        Lang::Uk => d.format("%d.%m.%Y").to_string(),
        Lang::En => d.format("%-d %b %Y").to_string(),
    }
}

/// An organization's card.
/// An organization's card. `rating` is its average and count, when there are enough ratings
/// to show one.
pub fn card(
    i18n: &I18n,
    lang: Lang,
    taxonomy: &Taxonomy,
    org: &Organization,
    rating: Option<(f64, u32)>,
) -> Screen {
    let list = |items: Vec<String>| escape(&items.join(", "));
    let mut lines = vec![
        format!("<b>{}</b>", escape(org.name.get(lang))),
        escape(org.description.get(lang)),
        String::new(),
    ];
    if !org.services.is_empty() {
        let services = org
            .services
            .iter()
            .map(|s| i18n.text(lang, Msg::service(*s)))
            .collect();
        lines.push(i18n.with(
            lang,
            Msg::CardServices,
            &[("list", Arg::Str(&list(services)))],
        ));
    }
    if !org.audiences.is_empty() {
        let audiences = org
            .audiences
            .iter()
            .map(|a| i18n.text(lang, Msg::audience(*a)))
            .collect();
        lines.push(i18n.with(
            lang,
            Msg::CardAudiences,
            &[("list", Arg::Str(&list(audiences)))],
        ));
    }
    let regions = match &org.regions {
        RegionScope::National => vec![i18n.text(lang, Msg::Nationwide)],
        RegionScope::Regions(codes) => codes
            .iter()
            .filter_map(|c| taxonomy.region(c))
            .map(|r| r.name.get(lang).to_string())
            .collect(),
    };
    lines.push(i18n.with(
        lang,
        Msg::CardRegions,
        &[("list", Arg::Str(&list(regions)))],
    ));
    if !org.languages.is_empty() {
        lines.push(i18n.with(
            lang,
            Msg::CardLanguages,
            &[("list", Arg::Str(&list(org.languages.clone())))],
        ));
    }
    lines.push(i18n.text(lang, Msg::CardContacts));
    let c = &org.contacts;
    if let Some(phone) = &c.phone {
        lines.push(format!("📞 {}", escape(phone)));
    }
    if let Some(email) = &c.email {
        lines.push(format!("✉️ {}", escape(email)));
    }
    if let Some(site) = &c.website {
        lines.push(format!("🌐 {}", escape(site)));
    }
    if let Some(tg) = &c.telegram {
        lines.push(format!("💬 {}", escape(tg)));
    }
    if let Some(hours) = &org.hours {
        lines.push(i18n.with(
            lang,
            Msg::CardHours,
            &[("hours", Arg::Str(&escape(hours.get(lang))))],
        ));
    }
    if org.women_led {
        lines.push(i18n.text(lang, Msg::CardWomenLed));
    }
    lines.push(String::new());
    lines.push(i18n.with(
        lang,
        Msg::CardVetted,
        &[
            ("date", Arg::Str(&date(lang, org.vetting.vetted_on))),
            ("by", Arg::Str(&escape(&org.vetting.vetted_by))),
        ],
    ));
    if let Some((avg, count)) = rating {
        let avg = format!("{avg:.1}");
        let avg = if lang == Lang::Uk {
            avg.replace('.', ",")
        } else {
            avg
        };
        lines.push(i18n.with(
            lang,
            Msg::CardRating,
            &[("avg", Arg::Str(&avg)), ("count", Arg::Num(count.into()))],
        ));
    }
    if org.demo {
        lines.push(i18n.text(lang, Msg::CardDemo));
    }
    let mut grid = Vec::new();
    if org.accepts_referrals {
        grid.push(vec![button(
            i18n.text(lang, Msg::BtnAskOrg),
            &Callback::AskOrg(org.id.clone()),
        )]);
    }
    grid.push(footer(i18n, lang));
    Screen {
        text: lines.join("\n"),
        keyboard: Some(rows(grid)),
    }
}

/// The urgent hotlines. Needs nothing from the store.
pub fn hotlines(i18n: &I18n, lang: Lang, hotlines: &[Hotline]) -> Screen {
    let mut text = i18n.text(lang, Msg::UrgentHeader);
    text.push('\n');
    for h in hotlines {
        text.push_str(&format!(
            "\n<b>{}</b> — {}\n{} <i>({})</i>\n",
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

pub fn language(i18n: &I18n, lang: Lang) -> Screen {
    Screen {
        text: i18n.text(lang, Msg::LanguageChoose),
        keyboard: Some(rows(vec![vec![
            button(
                i18n.text(lang, Msg::BtnLangUk),
                &Callback::SetLang(Lang::Uk),
            ),
            button(
                i18n.text(lang, Msg::BtnLangEn),
                &Callback::SetLang(Lang::En),
            ),
        ]])),
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
    use super::alphabetical_key;

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
