//! The dialogue state of one chat. Stored (as JSON) so a restart resumes the step.

use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub enum State {
    /// At the menu: plain text is a free-text search.
    #[default]
    Idle,
    /// A topic was chosen; the next text names a place.
    ChoosingRegion { topic: String },
    /// The last free-text search, kept as recognised topics, region and keyword stems (never
    /// the typed text) so that its result pages can be turned.
    TextResults {
        topics: Vec<String>,
        region: Option<String>,
        terms: Vec<String>,
    },
}
