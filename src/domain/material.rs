//! Materials organizations publish (a memo, a card, a leaflet): a document sent through the
//! bot or a link from the directory file, with titles in both languages and topics.

use super::Localized;

/// Where a material is.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Source {
    /// A document the bot has (Telegram's file id).
    Document { file_id: String },
    /// A web address (https only).
    Link { url: String },
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Material {
    /// Plain ASCII (letters, digits, `-`), short enough for a button.
    pub id: String,
    /// The organization that published it.
    pub org: String,
    pub title: Localized,
    pub topics: Vec<String>,
    pub source: Source,
}

/// The longest title accepted, in characters.
pub const MAX_TITLE: usize = 120;

impl Material {
    pub fn has_topic(&self, topic: &str) -> bool {
        self.topics.iter().any(|t| t == topic)
    }
}

/// Whether an id can be used in a button (and so in a directory file).
pub fn valid_id(id: &str) -> bool {
    !id.is_empty()
        && id.len() <= 40
        && id
            .chars()
            .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-')
}

/// Whether a link may be given out: https, with a host, no spaces.
pub fn valid_link(url: &str) -> bool {
    url.strip_prefix("https://")
        .is_some_and(|rest| !rest.is_empty() && !rest.starts_with('/'))
        && !url.chars().any(char::is_whitespace)
        && url.len() <= 500
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ids_and_links() {
        assert!(valid_id("memo-crsv-2026"));
        assert!(!valid_id("Memo"));
        assert!(!valid_id("a:b"));
        assert!(!valid_id(&"a".repeat(41)));
        assert!(valid_link("https://example.org/memo.pdf"));
        assert!(!valid_link("http://example.org"));
        assert!(!valid_link("https://"));
        assert!(!valid_link("https://exa mple.org"));
        assert!(!valid_link("javascript:alert(1)"));
    }
}
