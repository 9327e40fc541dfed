//! Notices: what the bot tells a person on its own — who, what happened (with its typed
//! data) and what they can do about it. A use case writes its notices into the outbox in the
//! same transaction as the change; the adapter renders each one when it delivers it (in the
//! recipient's language, escaped, with buttons issued to them then), so nothing here knows
//! of screens.
//!
//! A queued notice is kept as `encode`'s text (JSON with short, stable names). Changing a
//! name or a variant's fields changes what queued notices mean: the format is pinned by a
//! test, and a change to it needs a schema step.

use serde::{Deserialize, Serialize};

use chrono::NaiveDate;

use super::act::Act;
use crate::domain::audit::AuditAction;
use crate::domain::expert::ExpertNeed;
use crate::domain::feedback::Side;
use crate::domain::{ContactChoice, HelpKind, Outcome, Timestamp};

/// One notice to one person.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Notice {
    /// The recipient's private chat (their Telegram user id).
    pub to: i64,
    pub kind: NoticeKind,
    /// What they can do from the notice, in order.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub actions: Vec<NoticeAction>,
    /// Sent to them as staff of this organization: not delivered once they no longer are.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub staff_of: Option<String>,
    /// The person whose words or contact it carries (a relayed message, a picked offer's
    /// contact): if they use /forget before it is delivered, it never is.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub from: Option<i64>,
}

/// Something the recipient can do from a notice.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum NoticeAction {
    /// An action on a request, a question or a material, for this recipient only.
    Do(Act),
    /// An organization's card.
    OrgCard(String),
    /// Searching the directory.
    Find,
    /// The materials.
    Materials,
    /// The urgent hotlines (🆘).
    Urgent,
    /// A new help request ("ask for help").
    Ask,
}

/// What a notice says. Organization ids, topic and region codes are resolved to names when
/// it is rendered.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum NoticeKind {
    // --- help requests, to the staff of the organization they are referred to ---
    /// A request for the organization: never the description or the contact.
    NewReferral {
        code: String,
        topic: String,
        region: String,
        help: HelpKind,
        respond_by: Timestamp,
    },
    /// Not answered in time: it went to another organization.
    ReferralExpired {
        code: String,
    },
    /// The requester closed it: she got what she needed.
    ReferralFinished {
        code: String,
    },
    ReferralWithdrawn {
        code: String,
    },
    /// The requester deleted everything the bot kept about her.
    ReferralForgotten {
        code: String,
    },

    // --- help requests, to the requester ---
    Accepted {
        code: String,
        org: String,
    },
    /// Passed to another organization after a decline or a missed deadline.
    Rerouted {
        code: String,
        org: String,
    },
    /// No organization is left that could take it.
    Unplaced {
        code: String,
    },
    Closed {
        code: String,
        org: String,
        outcome: Outcome,
    },
    /// The organization cannot take it, and she chose to be asked first (or it had accepted
    /// and can no longer continue): pass it on, or withdraw? Nothing moves until she answers.
    CannotTake {
        code: String,
        org: String,
        why: CannotTakeWhy,
    },
    /// The reminder, a day later: `days` are left before it is withdrawn.
    StillWaiting {
        code: String,
        days: u32,
    },
    /// No answer in a week: withdrawn.
    WaitedOut {
        code: String,
    },

    // --- the relay ---
    RelayedToStaff {
        code: String,
        text: String,
    },
    /// A photo or document, copied from her chat (never forwarded).
    RelayedFileToStaff {
        code: String,
        from_chat: i64,
        message: i32,
    },
    RelayedToRequester {
        code: String,
        org: String,
        text: String,
    },

    // --- requests for trainers and experts ---
    /// To staff of every organization that may offer: never the contact.
    NewExpertRequest {
        code: String,
        need: ExpertNeed,
        body: Option<String>,
    },
    /// To the requester: an organization's offer.
    OfferMade {
        code: String,
        org: String,
        proposal: String,
    },
    /// To the chosen organization's staff: the request with her contact as she shared it.
    OfferPicked {
        code: String,
        need: ExpertNeed,
        body: Option<String>,
        contact: ContactChoice,
    },
    /// To organizations that offered and were not chosen.
    FilledByOther {
        code: String,
    },
    ExpertWithdrawn {
        code: String,
    },
    /// To the requester: its dates passed without a pick.
    ExpertExpired {
        code: String,
    },
    /// To the requester: no offer came in `days` days.
    NoOffers {
        code: String,
        days: u32,
    },

    // --- questions afterwards ---
    /// Whether a cooperation took place (expert requests), or whether she got the help she
    /// needed (help requests, `Side::HelpRequester`).
    Question {
        code: String,
        side: Side,
        org: String,
        reminder: bool,
    },

    // --- the organization's team ---
    /// To the organization's other staff and to coordinators.
    StaffJoined {
        org: String,
        label: String,
    },
    StaffLeft {
        org: String,
        label: String,
        how: Departure,
    },

    // --- the organization's card and vetting ---
    /// To the organization's staff (but the one who made it): its card was changed.
    OrgChanged {
        org: String,
        action: AuditAction,
        /// Names of the fields that changed (`organization::FIELDS`), never their values.
        fields: Vec<String>,
    },
    /// To the organization's staff and to coordinators: its vetting ends in `days` days
    /// (0 = it has ended and the organization is out of search).
    VettingEnds {
        org: String,
        until: NaiveDate,
        days: i64,
    },

    // --- coordinators: counts and comments, never a person ---
    Count {
        counted: Counted,
        count: u64,
    },
    RatingComment {
        code: String,
        org: Option<String>,
        side: Side,
        stars: u8,
        text: String,
    },
}

/// Why an organization cannot take a request.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum CannotTakeWhy {
    Declined,
    /// It did not answer in its response time.
    NoAnswer,
    /// It can no longer take part: suspended, past its vetting, or gone from the directory.
    Lapsed,
    /// It ended the conversation (and stopped her messages on this request).
    Ended,
}

/// How a member left a team.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Departure {
    /// A coordinator revoked the membership.
    Revoked,
    /// They left.
    Left,
}

/// What a coordinators' count is of.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Counted {
    /// Help requests no organization could take.
    Unplaced,
    /// Requests for trainers no organization could be offered.
    ExpertUnplaced,
    /// Requests for trainers without an offer in time.
    ExpertNoOffer,
    /// Conversations an organization ended by blocking the requester's messages.
    Blocked,
}

impl NoticeKind {
    /// Whether it tells a person about her own request (help or trainer): such notices are
    /// discreet unless she chose full ones — nothing on a lock screen but "news on your
    /// request". Notices to staff and coordinators are never about their own request.
    pub fn about_her_own_request(&self) -> bool {
        match self {
            NoticeKind::Accepted { .. }
            | NoticeKind::Rerouted { .. }
            | NoticeKind::Unplaced { .. }
            | NoticeKind::Closed { .. }
            | NoticeKind::CannotTake { .. }
            | NoticeKind::StillWaiting { .. }
            | NoticeKind::WaitedOut { .. }
            | NoticeKind::RelayedToRequester { .. }
            | NoticeKind::OfferMade { .. }
            | NoticeKind::ExpertExpired { .. }
            | NoticeKind::NoOffers { .. } => true,
            NoticeKind::Question { side, .. } => *side != Side::Organization,
            _ => false,
        }
    }

    /// The reference code it is about, if any.
    pub fn code(&self) -> Option<&str> {
        match self {
            NoticeKind::NewReferral { code, .. }
            | NoticeKind::ReferralExpired { code }
            | NoticeKind::ReferralFinished { code }
            | NoticeKind::ReferralWithdrawn { code }
            | NoticeKind::ReferralForgotten { code }
            | NoticeKind::Accepted { code, .. }
            | NoticeKind::Rerouted { code, .. }
            | NoticeKind::Unplaced { code }
            | NoticeKind::Closed { code, .. }
            | NoticeKind::CannotTake { code, .. }
            | NoticeKind::StillWaiting { code, .. }
            | NoticeKind::WaitedOut { code }
            | NoticeKind::RelayedToStaff { code, .. }
            | NoticeKind::RelayedFileToStaff { code, .. }
            | NoticeKind::RelayedToRequester { code, .. }
            | NoticeKind::NewExpertRequest { code, .. }
            | NoticeKind::OfferMade { code, .. }
            | NoticeKind::OfferPicked { code, .. }
            | NoticeKind::FilledByOther { code }
            | NoticeKind::ExpertWithdrawn { code }
            | NoticeKind::ExpertExpired { code }
            | NoticeKind::NoOffers { code, .. }
            | NoticeKind::Question { code, .. }
            | NoticeKind::RatingComment { code, .. } => Some(code),
            NoticeKind::StaffJoined { .. }
            | NoticeKind::StaffLeft { .. }
            | NoticeKind::OrgChanged { .. }
            | NoticeKind::VettingEnds { .. }
            | NoticeKind::Count { .. } => None,
        }
    }
}

impl Notice {
    pub fn new(to: i64, kind: NoticeKind) -> Notice {
        Notice {
            to,
            kind,
            actions: Vec::new(),
            staff_of: None,
            from: None,
        }
    }

    /// The same, carrying the words or contact of `person`.
    pub fn carrying(mut self, person: i64) -> Notice {
        self.from = Some(person);
        self
    }

    pub fn with(mut self, action: NoticeAction) -> Notice {
        self.actions.push(action);
        self
    }

    /// The text kept in the outbox.
    pub fn encode(&self) -> String {
        // Plain data of strings, numbers and enums: serializing cannot fail.
        serde_json::to_string(self).unwrap_or_default()
    }

    /// A notice from its text; `None` if it is not one this version understands.
    pub fn decode(text: &str) -> Option<Notice> {
        serde_json::from_str(text).ok()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::expert::{ExpertAudience, Format, NeedKind};
    use crate::domain::when::When;

    fn need() -> ExpertNeed {
        ExpertNeed {
            kind: NeedKind::Training,
            topic: "crsv".into(),
            audience: ExpertAudience::Cadets,
            size: 40,
            format: Format::InPerson {
                region: "UA-46".into(),
            },
            when: When::Flexible,
        }
    }

    #[test]
    fn the_stored_form_of_notices_stays_as_it_is() {
        // Queued notices outlive the program that wrote them: these strings are the format.
        let cases = [
            (
                Notice::new(
                    7,
                    NoticeKind::NewReferral {
                        code: "R-7K3Q".into(),
                        topic: "crsv".into(),
                        region: "UA-12".into(),
                        help: HelpKind::Legal,
                        respond_by: Timestamp::from_secs(100),
                    },
                )
                .with(NoticeAction::Do(Act::OpenReferral("R-7K3Q".into()))),
                r#"{"to":7,"kind":{"kind":"new_referral","code":"R-7K3Q","topic":"crsv","region":"UA-12","help":"legal","respond_by":100000},"actions":[{"do":"ref:R-7K3Q"}]}"#,
            ),
            (
                Notice::new(
                    8,
                    NoticeKind::OfferPicked {
                        code: "E-7K3Q".into(),
                        need: need(),
                        body: None,
                        contact: ContactChoice::Phone("+380 67 123 45 67".into()),
                    },
                ),
                r#"{"to":8,"kind":{"kind":"offer_picked","code":"E-7K3Q","need":{"kind":"training","topic":"crsv","audience":"cadets","size":40,"format":{"in_person":{"region":"UA-46"}},"when":"flexible"},"body":null,"contact":{"phone":"+380 67 123 45 67"}}}"#,
            ),
            (
                Notice::new(
                    9,
                    NoticeKind::Question {
                        code: "E-7K3Q".into(),
                        side: Side::Requester,
                        org: "demo-kurs-lviv".into(),
                        reminder: true,
                    },
                )
                .with(NoticeAction::OrgCard("demo-kurs-lviv".into()))
                .with(NoticeAction::Find),
                r#"{"to":9,"kind":{"kind":"question","code":"E-7K3Q","side":"r","org":"demo-kurs-lviv","reminder":true},"actions":[{"org_card":"demo-kurs-lviv"},"find"]}"#,
            ),
            (
                Notice::new(
                    10,
                    NoticeKind::Count {
                        counted: Counted::ExpertNoOffer,
                        count: 3,
                    },
                ),
                r#"{"to":10,"kind":{"kind":"count","counted":"expert_no_offer","count":3}}"#,
            ),
        ];
        for (notice, text) in cases {
            assert_eq!(notice.encode(), text);
            assert_eq!(Notice::decode(text), Some(notice));
        }
        assert_eq!(
            Notice::decode(r#"{"to":1,"kind":{"kind":"unknown"}}"#),
            None
        );
        assert_eq!(
            Notice::decode(
                r#"{"to":1,"kind":{"kind":"accepted","code":"R-7K3Q","org":"a"},"actions":[{"do":"nonsense"}]}"#
            ),
            None,
            "an action this version cannot read"
        );
    }
}
