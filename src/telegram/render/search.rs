//! Finding organizations: topics, regions, a page of results, the header saying what was
//! understood, and an organization's card.

use super::{Row, Screen, button, date, footer, region_name, region_rows, rows, topic_name};
use crate::domain::{
    Hotline, Lang, Organization, RegionChoice, RegionScope, SearchIndex, Taxonomy, TextQuery,
};
use crate::i18n::{Arg, I18n, Msg};
use crate::telegram::callback::Callback;
use crate::telegram::html::{escape, truncate};

/// Organizations per results page.
pub const PAGE_SIZE: usize = 5;

pub fn topics(i18n: &I18n, lang: Lang, taxonomy: &Taxonomy) -> Screen {
    let mut grid: Vec<Row> = taxonomy
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

/// What a results screen offers beside its results: `extra` buttons above the footer, and
/// when nothing was found, a next step — the topics to choose from ("What is it about?"),
/// all of Ukraine when a region narrowed the search (`nationwide`), asking for help
/// confidentially (a request needs no search) and the urgent lines.
pub struct Around<'a> {
    pub extra: Row,
    pub nationwide: Option<Callback>,
    pub taxonomy: &'a Taxonomy,
    pub hotlines: &'a [Hotline],
}

/// One page of results. `page_cb` makes the callback for another page of the same results.
pub fn results(
    i18n: &I18n,
    lang: Lang,
    header: String,
    found: &[&Organization],
    page: usize,
    page_cb: impl Fn(u16) -> Callback,
    around: Around<'_>,
) -> Screen {
    let pages = found.len().div_ceil(PAGE_SIZE).max(1);
    let page = page.min(pages - 1);
    let shown = found.iter().skip(page * PAGE_SIZE).take(PAGE_SIZE);
    let mut text = header;
    let mut grid = Vec::new();
    let mut extra = around.extra;
    if found.is_empty() {
        text.push_str("\n\n");
        text.push_str(&i18n.text(lang, Msg::NoResults));
        if around.nationwide.is_some() {
            text.push(' ');
            text.push_str(&i18n.text(lang, Msg::NoResultsRegion));
        }
        text.push_str("\n\n");
        text.push_str(&i18n.text(lang, Msg::UrgentHeader));
        for h in around.hotlines {
            text.push_str(&format!(
                // A number in <code> is copied with one tap.
                "\n<code>{}</code> — {}",
                escape(&h.number),
                escape(h.name.get(lang)),
            ));
        }
        for t in around.taxonomy.topics.iter().filter(|t| t.help) {
            grid.push(vec![button(
                t.short.get(lang).to_string(),
                &Callback::Topic(t.code.clone()),
            )]);
        }
        // The topics are right here: no second way to them.
        extra.clear();
        grid.push(vec![button(i18n.text(lang, Msg::BtnAsk), &Callback::Ask)]);
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
    if let Some(all) = &around.nationwide {
        extra.insert(0, button(i18n.text(lang, Msg::BtnNationwide), all));
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
        lines.push(
            i18n.with(
                lang,
                Msg::CardLanguages,
                &[(
                    "list",
                    Arg::Str(&list(
                        org.languages
                            .iter()
                            .map(|code| {
                                i18n.with(lang, Msg::LanguageName, &[("code", Arg::Str(code))])
                            })
                            .collect(),
                    )),
                )],
            ),
        );
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

/// Results for a topic and a region, at a page, with "all of Ukraine" when a region narrowed
/// them down.
pub fn topic_results(
    i18n: &I18n,
    lang: Lang,
    (directory, hotlines): (&SearchIndex, &[Hotline]),
    today: chrono::NaiveDate,
    (topic, region, page): (&str, &RegionChoice, u16),
) -> Screen {
    let taxonomy = directory.taxonomy();
    let found = directory.by_topic_and_region(topic, region, today);
    let header = topic_region_header(i18n, lang, taxonomy, topic, region, found.len());
    let nationwide = (*region != RegionChoice::Nationwide).then(|| Callback::Results {
        topic: topic.to_string(),
        region: RegionChoice::Nationwide,
        page: 0,
    });
    let page_cb = |p| Callback::Results {
        topic: topic.to_string(),
        region: region.clone(),
        page: p,
    };
    let around = Around {
        extra: vec![button(i18n.text(lang, Msg::BtnTopics), &Callback::Find)],
        nationwide,
        taxonomy,
        hotlines,
    };
    results(i18n, lang, header, &found, page as usize, page_cb, around)
}

/// A page of a free-text search's results, with what was understood, a button to choose a
/// topic instead (a misunderstanding corrected in one tap) and "all of Ukraine" when a region
/// narrowed it down; and how many were found.
pub fn text_results(
    i18n: &I18n,
    lang: Lang,
    (directory, hotlines): (&SearchIndex, &[Hotline]),
    today: chrono::NaiveDate,
    query: &TextQuery,
    page: u16,
) -> (Screen, usize) {
    let found = directory.search_text(query, today);
    let header = text_header(
        i18n,
        lang,
        directory.taxonomy(),
        &query.topics,
        query.region.as_deref(),
        &query.terms,
        found.len(),
    );
    let around = Around {
        extra: vec![button(i18n.text(lang, Msg::BtnNotThis), &Callback::Find)],
        nationwide: query.region.is_some().then_some(Callback::TextNationwide),
        taxonomy: directory.taxonomy(),
        hotlines,
    };
    let count = found.len();
    let screen = results(
        i18n,
        lang,
        header,
        &found,
        page as usize,
        Callback::TextPage,
        around,
    );
    (screen, count)
}
