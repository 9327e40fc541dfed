//! The dialogue state of one chat. Stored sealed (as JSON) so a restart resumes the step.

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
    /// A help request being written, at a step. Nothing is stored as a request until Send.
    Requesting { step: Step, draft: Draft },
    /// The requester's next messages go to the organization handling this request.
    Writing { code: String },
    /// A staff member's next message goes to the requester of this request.
    Replying { code: String },
}

/// The steps of a help request, in order.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum Step {
    Topic,
    Region,
    Kind,
    Description,
    Contact,
    /// She chose to share a contact and is typing it.
    ContactTyping,
    Consent,
}

/// What the requester chose so far.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Draft {
    /// The organization she picked ("Ask this organization"), if any.
    pub org: Option<String>,
    pub topic: Option<String>,
    /// A region code, or "national" if she would rather not say.
    pub region: Option<String>,
    /// A `HelpKind` code.
    pub kind: Option<String>,
    pub description: Option<String>,
    pub contact: Option<DraftContact>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub enum DraftContact {
    ThroughBot,
    Phone(String),
    Telegram(String),
}

impl From<&DraftContact> for crate::domain::ContactChoice {
    fn from(contact: &DraftContact) -> Self {
        match contact {
            DraftContact::ThroughBot => crate::domain::ContactChoice::ThroughBot,
            DraftContact::Phone(p) => crate::domain::ContactChoice::Phone(p.clone()),
            DraftContact::Telegram(t) => crate::domain::ContactChoice::Telegram(t.clone()),
        }
    }
}
