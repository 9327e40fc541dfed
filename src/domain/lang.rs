//! The two interface languages and text given in both.

use serde::{Deserialize, Serialize};

/// An interface language. Ukrainian first, English second.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, Default)]
#[serde(rename_all = "lowercase")]
pub enum Lang {
    #[default]
    Uk,
    En,
}

impl Lang {
    pub const ALL: [Lang; 2] = [Lang::Uk, Lang::En];

    pub fn code(self) -> &'static str {
        match self {
            Lang::Uk => "uk",
            Lang::En => "en",
        }
    }

    pub fn from_code(code: &str) -> Option<Lang> {
        match code {
            "uk" => Some(Lang::Uk),
            "en" => Some(Lang::En),
            _ => None,
        }
    }

    /// The language for a Telegram client's `language_code`: English clients get English,
    /// everyone else (Ukrainian, Russian, unknown) gets Ukrainian.
    pub fn from_client(language_code: Option<&str>) -> Lang {
        match language_code {
            Some(code) if code.to_ascii_lowercase().starts_with("en") => Lang::En,
            _ => Lang::Uk,
        }
    }
}

/// Text in Ukrainian and, optionally, English (Ukrainian is shown when English is missing).
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Localized {
    pub uk: String,
    pub en: Option<String>,
}

impl Localized {
    pub fn new(uk: impl Into<String>, en: impl Into<String>) -> Self {
        Localized {
            uk: uk.into(),
            en: Some(en.into()),
        }
    }

    pub fn get(&self, lang: Lang) -> &str {
        match (lang, &self.en) {
            (Lang::En, Some(en)) if !en.is_empty() => en,
            _ => &self.uk,
        }
    }

    /// Both texts, for search indexing.
    pub fn all(&self) -> impl Iterator<Item = &str> {
        std::iter::once(self.uk.as_str()).chain(self.en.as_deref())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn english_clients_get_english_and_everyone_else_ukrainian() {
        assert_eq!(Lang::from_client(Some("en")), Lang::En);
        assert_eq!(Lang::from_client(Some("en-GB")), Lang::En);
        assert_eq!(Lang::from_client(Some("uk")), Lang::Uk);
        assert_eq!(Lang::from_client(Some("ru")), Lang::Uk);
        assert_eq!(Lang::from_client(None), Lang::Uk);
    }

    #[test]
    fn missing_english_falls_back_to_ukrainian() {
        let text = Localized {
            uk: "Привіт".into(),
            en: None,
        };
        assert_eq!(text.get(Lang::En), "Привіт");
    }
}
