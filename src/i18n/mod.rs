//! Every user-visible string, looked up by a typed key in `locales/<lang>/main.ftl`.
//! The locale files are compiled in; a test fails if a key is missing in either language,
//! if a file has a key no code asks for, or if a file does not parse.

use std::collections::HashMap;

use fluent_bundle::concurrent::FluentBundle;
use fluent_bundle::{FluentArgs, FluentResource, FluentValue};
use unic_langid::LanguageIdentifier;

use crate::domain::Lang;

mod messages;
pub use messages::Msg;

pub const UK_FTL: &str = include_str!("../../locales/uk/main.ftl");
pub const EN_FTL: &str = include_str!("../../locales/en/main.ftl");

#[derive(Debug, thiserror::Error)]
pub enum I18nError {
    #[error("locale {lang} does not parse: {detail}")]
    Parse { lang: &'static str, detail: String },
    #[error("locale {lang} lacks message {key}")]
    Missing {
        lang: &'static str,
        key: &'static str,
    },
}

/// The loaded bundles for both languages.
pub struct I18n {
    bundles: HashMap<Lang, FluentBundle<FluentResource>>,
}

fn bundle(lang: Lang, source: &str) -> Result<FluentBundle<FluentResource>, I18nError> {
    let resource =
        FluentResource::try_new(source.to_string()).map_err(|(_, errors)| I18nError::Parse {
            lang: lang.code(),
            detail: format!("{errors:?}"),
        })?;
    let id: LanguageIdentifier = match lang {
        Lang::Uk => unic_langid::langid!("uk"),
        Lang::En => unic_langid::langid!("en"),
    };
    let mut bundle = FluentBundle::new_concurrent(vec![id]);
    // Isolation marks (U+2068/U+2069) would show up as stray characters in Telegram.
    bundle.set_use_isolating(false);
    bundle
        .add_resource(resource)
        .map_err(|errors| I18nError::Parse {
            lang: lang.code(),
            detail: format!("{errors:?}"),
        })?;
    Ok(bundle)
}

impl I18n {
    /// Loads both locales and checks that every key the code uses exists in each.
    pub fn load() -> Result<I18n, I18nError> {
        let mut bundles = HashMap::new();
        bundles.insert(Lang::Uk, bundle(Lang::Uk, UK_FTL)?);
        bundles.insert(Lang::En, bundle(Lang::En, EN_FTL)?);
        let i18n = I18n { bundles };
        for lang in Lang::ALL {
            for msg in Msg::ALL {
                if !i18n.bundle(lang).has_message(msg.key()) {
                    return Err(I18nError::Missing {
                        lang: lang.code(),
                        key: msg.key(),
                    });
                }
            }
        }
        Ok(i18n)
    }

    fn bundle(&self, lang: Lang) -> &FluentBundle<FluentResource> {
        // Both languages are inserted in `load`, the only constructor.
        &self.bundles[&lang]
    }

    /// The text of a message without arguments.
    pub fn text(&self, lang: Lang, msg: Msg) -> String {
        self.format(lang, msg, None)
    }

    /// The text of a message with named arguments. Strings passed here must already be
    /// escaped for HTML by the caller if the message is sent as HTML.
    pub fn with(&self, lang: Lang, msg: Msg, args: &[(&str, Arg<'_>)]) -> String {
        let mut fargs = FluentArgs::new();
        for (name, value) in args {
            let v: FluentValue = match value {
                Arg::Str(s) => FluentValue::from(s.to_string()),
                Arg::Num(n) => FluentValue::from(*n),
            };
            fargs.set(name.to_string(), v);
        }
        self.format(lang, msg, Some(&fargs))
    }

    fn format(&self, lang: Lang, msg: Msg, args: Option<&FluentArgs>) -> String {
        let bundle = self.bundle(lang);
        let Some(pattern) = bundle.get_message(msg.key()).and_then(|m| m.value()) else {
            // `load` proved every key exists; this is unreachable in a loaded I18n.
            return msg.key().to_string();
        };
        let mut errors = Vec::new();
        let text = bundle.format_pattern(pattern, args, &mut errors);
        if !errors.is_empty() {
            tracing::warn!(key = msg.key(), "locale message formatted with errors");
        }
        text.into_owned()
    }

    /// The dashboard page's texts: every message whose key starts with `dash-`, and the
    /// names of an organization's fields (`field-`), formatted without arguments. The page
    /// asks for them by key; a test checks that both languages have each one and that the
    /// page uses each.
    pub fn page_texts(&self, lang: Lang) -> std::collections::BTreeMap<&'static str, String> {
        let bundle = self.bundle(lang);
        page_keys()
            .into_iter()
            .filter_map(|key| {
                let pattern = bundle.get_message(key)?.value()?;
                let mut errors = Vec::new();
                let text = bundle.format_pattern(pattern, None, &mut errors);
                Some((key, text.into_owned()))
            })
            .collect()
    }

    /// "5 організацій" / "5 organizations" with the right plural form.
    pub fn organizations(&self, lang: Lang, count: usize) -> String {
        self.with(lang, Msg::OrgCount, &[("count", Arg::Num(count as i64))])
    }
}

/// The keys of the dashboard page's texts, as written in the Ukrainian file.
pub fn page_keys() -> Vec<&'static str> {
    UK_FTL
        .lines()
        .filter_map(|line| line.split_once(" =").map(|(key, _)| key))
        .filter(|key| key.starts_with("dash-") || key.starts_with("field-"))
        .collect()
}

/// A message argument.
pub enum Arg<'a> {
    Str(&'a str),
    Num(i64),
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::BTreeSet;

    fn keys(source: &str) -> BTreeSet<String> {
        let resource = FluentResource::try_new(source.to_string()).unwrap();
        resource
            .entries()
            .filter_map(|e| match e {
                fluent_syntax::ast::Entry::Message(m) => Some(m.id.name.to_string()),
                _ => None,
            })
            .collect()
    }

    #[test]
    fn both_locales_load_and_have_every_key_the_code_uses() -> Result<(), Box<dyn std::error::Error>>
    {
        I18n::load()?;
        Ok(())
    }

    #[test]
    fn both_locales_have_the_same_keys_and_none_unused() -> Result<(), Box<dyn std::error::Error>> {
        let uk = keys(UK_FTL);
        let en = keys(EN_FTL);
        assert_eq!(
            uk.difference(&en).collect::<Vec<_>>(),
            Vec::<&String>::new(),
            "keys only in uk"
        );
        assert_eq!(
            en.difference(&uk).collect::<Vec<_>>(),
            Vec::<&String>::new(),
            "keys only in en"
        );
        // The dashboard page's texts are asked for by key from the page (web/page.rs tests).
        let used: BTreeSet<String> = Msg::ALL
            .iter()
            .map(|m| m.key().to_string())
            .chain(page_keys().into_iter().map(str::to_string))
            .collect();
        assert_eq!(
            uk.difference(&used).collect::<Vec<_>>(),
            Vec::<&String>::new(),
            "keys no code asks for"
        );
        Ok(())
    }

    #[test]
    fn ukrainian_plurals_are_right() -> Result<(), Box<dyn std::error::Error>> {
        let i18n = I18n::load()?;
        let uk = |n| i18n.organizations(Lang::Uk, n);
        assert_eq!(uk(1), "1 організація");
        assert_eq!(uk(2), "2 організації");
        assert_eq!(uk(4), "4 організації");
        assert_eq!(uk(5), "5 організацій");
        assert_eq!(uk(11), "11 організацій");
        assert_eq!(uk(12), "12 організацій");
        assert_eq!(uk(21), "21 організація");
        assert_eq!(uk(22), "22 організації");
        assert_eq!(uk(25), "25 організацій");
        assert_eq!(uk(0), "0 організацій");
        assert_eq!(i18n.organizations(Lang::En, 1), "1 organization");
        assert_eq!(i18n.organizations(Lang::En, 21), "21 organizations");
        let count = |lang, msg, n: i64| i18n.with(lang, msg, &[("count", Arg::Num(n))]);
        assert_eq!(count(Lang::Uk, Msg::Hours, 1), "1 годину");
        assert_eq!(count(Lang::Uk, Msg::Hours, 24), "24 години");
        assert_eq!(count(Lang::Uk, Msg::Hours, 48), "48 годин");
        assert_eq!(count(Lang::Uk, Msg::Days, 1), "1 день");
        assert_eq!(count(Lang::Uk, Msg::Days, 3), "3 дні");
        assert_eq!(count(Lang::Uk, Msg::Days, 30), "30 днів");
        assert_eq!(count(Lang::Uk, Msg::Days, 31), "31 день");
        assert_eq!(count(Lang::En, Msg::Days, 1), "1 day");
        assert_eq!(count(Lang::En, Msg::Hours, 24), "24 hours");
        let long =
            |lang, n: i64| i18n.with(lang, Msg::DescriptionTooLong, &[("length", Arg::Num(n))]);
        assert!(long(Lang::Uk, 1001).contains("1001 символ,"));
        assert!(long(Lang::Uk, 1002).contains("1002 символи,"));
        assert!(long(Lang::Uk, 1005).contains("1005 символів,"));
        assert_eq!(count(Lang::Uk, Msg::People, 1), "1 особа");
        assert_eq!(count(Lang::Uk, Msg::People, 3), "3 особи");
        assert_eq!(count(Lang::Uk, Msg::People, 40), "40 осіб");
        assert_eq!(count(Lang::Uk, Msg::People, 21), "21 особа");
        assert_eq!(count(Lang::En, Msg::People, 1), "1 person");
        assert_eq!(count(Lang::En, Msg::People, 40), "40 people");
        assert_eq!(count(Lang::Uk, Msg::Characters, 201), "201 символ");
        assert_eq!(count(Lang::Uk, Msg::Characters, 203), "203 символи");
        assert_eq!(count(Lang::Uk, Msg::Characters, 1005), "1005 символів");
        let rating = |lang, n: i64| {
            i18n.with(
                lang,
                Msg::CardRating,
                &[("avg", Arg::Str("4,5")), ("count", Arg::Num(n))],
            )
        };
        assert!(rating(Lang::Uk, 3).ends_with("(3 оцінки)"));
        assert!(rating(Lang::Uk, 5).ends_with("(5 оцінок)"));
        assert!(rating(Lang::Uk, 21).ends_with("(21 оцінка)"));
        assert!(rating(Lang::En, 3).ends_with("(3 ratings)"));
        let listed = |lang, n: i64| {
            i18n.with(
                lang,
                Msg::MaterialsList,
                &[("topic", Arg::Str("t")), ("count", Arg::Num(n))],
            )
        };
        assert!(listed(Lang::Uk, 1).contains("1 матеріал."));
        assert!(listed(Lang::Uk, 2).contains("2 матеріали."));
        assert!(listed(Lang::Uk, 11).contains("11 матеріалів."));
        Ok(())
    }

    #[test]
    fn no_isolation_marks_in_formatted_text() -> Result<(), Box<dyn std::error::Error>> {
        let i18n = I18n::load()?;
        let text = i18n.organizations(Lang::Uk, 3);
        assert!(!text.contains('\u{2068}') && !text.contains('\u{2069}'));
        Ok(())
    }

    #[test]
    fn command_descriptions_fit_telegram_limits() -> Result<(), Box<dyn std::error::Error>> {
        let i18n = I18n::load()?;
        for lang in Lang::ALL {
            for msg in Msg::COMMAND_DESCRIPTIONS {
                let text = i18n.text(lang, msg);
                assert!(
                    !text.is_empty() && text.len() <= 256,
                    "{} in {:?} is {} bytes",
                    msg.key(),
                    lang,
                    text.len()
                );
            }
        }
        Ok(())
    }
}
