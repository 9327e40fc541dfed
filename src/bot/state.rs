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
    /// A request for a trainer or expert being written, at a step. Nothing is stored until
    /// Send.
    Expert {
        step: ExpertStep,
        draft: ExpertDraft,
    },
    /// A staff member's next message is their organization's proposal for this request.
    Proposing { code: String },
    /// The next message is an optional comment on a rating, for the coordinators only.
    Commenting {
        code: String,
        side: String,
        stars: u8,
    },
    /// A staff member publishing a material, at a step.
    Material {
        step: MaterialStep,
        draft: MaterialDraft,
    },
}

/// The steps of a request for a trainer or expert, in order.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum ExpertStep {
    Need,
    Topic,
    Audience,
    Size,
    Format,
    Region,
    When,
    /// The dates as understood, shown back to confirm (or typed again).
    WhenConfirm,
    Body,
    Contact,
    ContactTyping,
    Confirm,
}

/// What the adviser chose so far.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct ExpertDraft {
    /// A `NeedKind` code.
    pub need: Option<String>,
    pub topic: Option<String>,
    /// An `ExpertAudience` code.
    pub audience: Option<String>,
    pub size: Option<u32>,
    /// `Some(true)` online; `Some(false)` in person in `region`.
    pub online: Option<bool>,
    pub region: Option<String>,
    /// ISO dates, or both `None` with `flexible`.
    pub from: Option<String>,
    pub to: Option<String>,
    pub flexible: bool,
    pub body: Option<String>,
    pub contact: Option<DraftContact>,
}

/// The steps of publishing a material.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum MaterialStep {
    /// Waiting for a document or a link.
    File,
    TitleUk,
    TitleEn,
    Topic,
}

#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct MaterialDraft {
    pub file_id: Option<String>,
    pub url: Option<String>,
    pub title_uk: Option<String>,
    pub title_en: Option<String>,
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
