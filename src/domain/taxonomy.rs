//! Topics, regions and hotlines: the fixed vocabulary the directory is described in.

use super::Localized;

/// What a person needs help with. `code` is stable: it is stored and put into buttons.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Topic {
    pub code: String,
    pub name: Localized,
    /// A label short enough for a button on a phone (the name if it is short already).
    pub short: Localized,
    /// Whether a person asks for help with it (offered in a help request's first step); not
    /// trainings or policy.
    pub help: bool,
    pub synonyms: Vec<String>,
}

/// An ISO 3166-2:UA region and the forms of its name that people type.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Region {
    pub code: String,
    pub name: Localized,
    pub aliases: Vec<String>,
}

/// A public hotline. Every one carries where its number was seen and when.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Hotline {
    pub number: String,
    pub name: Localized,
    pub description: Localized,
    pub hours: Localized,
    pub source: String,
    pub checked_on: chrono::NaiveDate,
}

/// The topics and regions, in the order they are shown.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Taxonomy {
    pub topics: Vec<Topic>,
    pub regions: Vec<Region>,
}

impl Taxonomy {
    pub fn topic(&self, code: &str) -> Option<&Topic> {
        self.topics.iter().find(|t| t.code == code)
    }

    pub fn region(&self, code: &str) -> Option<&Region> {
        self.regions.iter().find(|r| r.code == code)
    }

    pub fn topic_index(&self, code: &str) -> Option<usize> {
        self.topics.iter().position(|t| t.code == code)
    }

    pub fn region_index(&self, code: &str) -> Option<usize> {
        self.regions.iter().position(|r| r.code == code)
    }
}
