//! The dialogue state of one chat. Stored sealed (as JSON) so a restart resumes the step; a
//! state that no longer reads resets the chat to the menu. Field names and the codes of the
//! enums inside are the stored format.

use serde::{Deserialize, Serialize};

use crate::app::help::NewRequest;
use crate::domain::expert::{ExpertAudience, ExpertNeed, Format, NeedKind};
use crate::domain::feedback::Side;
use crate::domain::when::When;
use crate::domain::{ContactChoice, HelpKind, OnDecline};

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
    Commenting { code: String, side: Side, stars: u8 },
    /// Joining a team with a valid invitation: the next message is the member's label.
    Joining { code: String },
    /// A staff member publishing a material, at a step.
    Material {
        step: MaterialStep,
        draft: MaterialDraft,
    },
}

impl State {
    /// Whether Cancel would throw away something she typed (so it asks first).
    pub fn has_typed(&self) -> bool {
        match self {
            State::Requesting { draft, .. } => draft.has_typed(),
            State::Expert { draft, .. } => draft.has_typed(),
            State::Material { draft, .. } => *draft != MaterialDraft::default(),
            _ => false,
        }
    }

    /// Whether the chat's next messages go to someone else (a conversation through the bot,
    /// a proposal).
    pub fn is_writing(&self) -> bool {
        matches!(
            self,
            State::Writing { .. } | State::Replying { .. } | State::Proposing { .. }
        )
    }

    /// Whether the chat is in a dialogue with steps (Cancel and ‹ Back apply).
    pub fn in_dialogue(&self) -> bool {
        matches!(
            self,
            State::Requesting { .. } | State::Expert { .. } | State::Material { .. }
        )
    }

    /// Whether losing this state in a crash costs nothing a person was told: the pages of
    /// the last search (Next then answers "expired").
    pub fn is_ephemeral(&self) -> bool {
        matches!(self, State::TextResults { .. })
    }
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
    pub need: Option<NeedKind>,
    pub topic: Option<String>,
    pub audience: Option<ExpertAudience>,
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

impl ExpertStep {
    /// The step ‹ Back leads to (none from the first).
    pub fn back(self, draft: &ExpertDraft) -> Option<ExpertStep> {
        use ExpertStep as S;
        Some(match self {
            S::Need => return None,
            S::Topic => S::Need,
            S::Audience => S::Topic,
            S::Size => S::Audience,
            S::Format => S::Size,
            S::Region => S::Format,
            S::When if draft.online == Some(false) => S::Region,
            S::When => S::Format,
            S::WhenConfirm | S::Body => S::When,
            S::Contact => S::Body,
            S::ContactTyping | S::Confirm => S::Contact,
        })
    }
}

impl ExpertDraft {
    /// Whether she typed something that Cancel would throw away (so Cancel asks first).
    pub fn has_typed(&self) -> bool {
        self.body.is_some()
            || self.from.is_some()
            || matches!(
                self.contact,
                Some(DraftContact::Phone(_) | DraftContact::Telegram(_))
            )
    }

    /// The dates chosen so far, if any.
    pub fn when(&self) -> Option<When> {
        if self.flexible {
            return Some(When::Flexible);
        }
        let from = self.from.as_deref()?.parse().ok()?;
        let to = self.to.as_deref()?.parse().ok()?;
        Some(When::Between(from, to))
    }

    pub fn set_when(&mut self, when: &When) {
        match when {
            When::Flexible => {
                self.flexible = true;
                self.from = None;
                self.to = None;
            }
            When::Between(from, to) => {
                self.flexible = false;
                self.from = Some(from.to_string());
                self.to = Some(to.to_string());
            }
        }
    }

    /// The need, once every step up to the dates is done.
    pub fn need(&self) -> Option<ExpertNeed> {
        Some(ExpertNeed {
            kind: self.need?,
            topic: self.topic.clone()?,
            audience: self.audience?,
            size: self.size?,
            format: match self.online? {
                true => Format::Online,
                false => Format::InPerson {
                    region: self.region.clone()?,
                },
            },
            when: self.when()?,
        })
    }
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
    /// Type a place, or choose "all of Ukraine" or the list.
    Region,
    /// The list of regions.
    RegionList,
    Kind,
    /// Nobody can take this topic, region and kind of help now: her choices, before she
    /// writes anything.
    NoOrg,
    Description,
    Contact,
    /// She chose to share a contact and is typing it.
    ContactTyping,
    Consent,
    /// The organization she addressed can no longer take it: another one, or cancel.
    Unavailable,
}

impl Step {
    /// The step ‹ Back leads to (none from the first).
    pub fn back(self) -> Option<Step> {
        Some(match self {
            Step::Topic => return None,
            Step::Region | Step::RegionList => Step::Topic,
            Step::Kind => Step::Region,
            Step::NoOrg | Step::Description => Step::Kind,
            Step::Contact => Step::Description,
            Step::ContactTyping | Step::Consent => Step::Contact,
            Step::Unavailable => Step::Consent,
        })
    }
}

/// What the requester chose so far.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Draft {
    /// The organization she picked ("Ask this organization"), if any.
    pub org: Option<String>,
    pub topic: Option<String>,
    /// A region code, or "national" if she would rather not say.
    pub region: Option<String>,
    pub kind: Option<HelpKind>,
    pub description: Option<String>,
    pub contact: Option<DraftContact>,
    /// Her answer on the consent screen to "if the organization cannot take it": pass it on
    /// (`true`) or ask her first; `None` until she changes the default.
    #[serde(default)]
    pub pass_on: Option<bool>,
    /// Whether she may be asked once, a day after it is closed, if she got help; `None`
    /// until she changes the default (yes).
    #[serde(default)]
    pub follow_up: Option<bool>,
}

impl Draft {
    /// Whether she typed something that Cancel would throw away (so Cancel asks first).
    pub fn has_typed(&self) -> bool {
        self.description.is_some()
            || matches!(
                self.contact,
                Some(DraftContact::Phone(_) | DraftContact::Telegram(_))
            )
    }

    /// What happens if the organization cannot take it: by default, passed on if she did not
    /// address anyone, and she is asked first if she chose the organization from its card.
    pub fn on_decline(&self) -> OnDecline {
        if self.pass_on.unwrap_or(self.org.is_none()) {
            OnDecline::PassOn
        } else {
            OnDecline::AskFirst
        }
    }

    /// The request, once every step is done.
    pub fn request(&self) -> Option<NewRequest> {
        Some(NewRequest {
            topic: self.topic.clone()?,
            region: self.region.clone()?,
            kind: self.kind?,
            description: self.description.clone(),
            contact: self.contact.as_ref()?.into(),
            org: self.org.clone(),
            on_decline: self.on_decline(),
            follow_up: self.follow_up.unwrap_or(true),
            from_draft: true,
        })
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub enum DraftContact {
    ThroughBot,
    Phone(String),
    Telegram(String),
}

impl From<&DraftContact> for ContactChoice {
    fn from(contact: &DraftContact) -> Self {
        match contact {
            DraftContact::ThroughBot => ContactChoice::ThroughBot,
            DraftContact::Phone(p) => ContactChoice::Phone(p.clone()),
            DraftContact::Telegram(t) => ContactChoice::Telegram(t.clone()),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn states_stored_by_the_last_version_still_read() {
        // Codes stored as strings before the fields were typed.
        let old = r#"{"Requesting":{"step":"Consent","draft":{"org":null,"topic":"crsv","region":"UA-12","kind":"legal","description":null,"contact":"ThroughBot"}}}"#;
        let state: State = serde_json::from_str(old).unwrap_or_default();
        let State::Requesting { draft, .. } = state else {
            panic!("not read: {old}");
        };
        assert_eq!(draft.kind, Some(HelpKind::Legal));
        let old = r#"{"Commenting":{"code":"E-7K3Q","side":"r","stars":5}}"#;
        assert_eq!(
            serde_json::from_str::<State>(old).ok(),
            Some(State::Commenting {
                code: "E-7K3Q".into(),
                side: Side::Requester,
                stars: 5
            })
        );
        let old = r#"{"Expert":{"step":"Size","draft":{"need":"training","topic":"crsv","audience":"cadets","size":null,"online":null,"region":null,"from":null,"to":null,"flexible":false,"body":null,"contact":null}}}"#;
        let Ok(State::Expert { draft, .. }) = serde_json::from_str::<State>(old) else {
            panic!("not read: {old}");
        };
        assert_eq!(draft.need, Some(NeedKind::Training));
        assert_eq!(draft.audience, Some(ExpertAudience::Cadets));
    }
}
