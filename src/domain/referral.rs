//! A referral of a help request to one organization, and the rules of its life, after
//! Primero/GBVIMS+: pending → accepted | declined; accepted → closed with an outcome;
//! pending or accepted → withdrawn by the requester; pending → expired when the organization
//! did not answer in its response time (Poruch then offers the request to the next one);
//! pending or accepted → lapsed when the organization can no longer take part (suspended,
//! its vetting expired, or it left the directory).
//! Declined, expired, lapsed, closed and withdrawn are final. A second Accept is a no-op, not an error; every other move is refused.

use super::{Organization, Service};

/// The kind of help a requester asks for.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum HelpKind {
    Legal,
    Psychological,
    Medical,
    Documentation,
    Shelter,
    Other,
}

impl HelpKind {
    pub const ALL: [HelpKind; 6] = [
        HelpKind::Legal,
        HelpKind::Psychological,
        HelpKind::Medical,
        HelpKind::Documentation,
        HelpKind::Shelter,
        HelpKind::Other,
    ];

    pub fn code(self) -> &'static str {
        match self {
            HelpKind::Legal => "legal",
            HelpKind::Psychological => "psychological",
            HelpKind::Medical => "medical",
            HelpKind::Documentation => "documentation",
            HelpKind::Shelter => "shelter",
            HelpKind::Other => "other",
        }
    }

    pub fn from_code(code: &str) -> Option<HelpKind> {
        HelpKind::ALL.into_iter().find(|k| k.code() == code)
    }

    /// Whether an organization offers this kind of help. "Other" is anything it does.
    pub fn offered_by(self, org: &Organization) -> bool {
        let needed = match self {
            HelpKind::Legal => Service::LegalAid,
            HelpKind::Psychological => Service::PsychologicalSupport,
            HelpKind::Medical => Service::MedicalAid,
            HelpKind::Documentation => Service::Documentation,
            HelpKind::Shelter => Service::Shelter,
            HelpKind::Other => return !org.services.is_empty(),
        };
        org.services.contains(&needed)
    }
}

serde_as_code!(HelpKind);
serde_as_code!(DeclineReason);
serde_as_code!(Outcome);

/// Why an organization declined a referral.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum DeclineReason {
    NotOurProfile,
    NoCapacity,
    OutsideRegion,
    Other,
}

impl DeclineReason {
    pub const ALL: [DeclineReason; 4] = [
        DeclineReason::NotOurProfile,
        DeclineReason::NoCapacity,
        DeclineReason::OutsideRegion,
        DeclineReason::Other,
    ];

    pub fn code(self) -> &'static str {
        match self {
            DeclineReason::NotOurProfile => "not-our-profile",
            DeclineReason::NoCapacity => "no-capacity",
            DeclineReason::OutsideRegion => "outside-region",
            DeclineReason::Other => "other",
        }
    }

    pub fn from_code(code: &str) -> Option<DeclineReason> {
        DeclineReason::ALL.into_iter().find(|r| r.code() == code)
    }
}

/// How an accepted referral ended.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Outcome {
    Helped,
    ReferredElsewhere,
    CouldNotContact,
    NoLongerNeeded,
    Other,
}

impl Outcome {
    pub const ALL: [Outcome; 5] = [
        Outcome::Helped,
        Outcome::ReferredElsewhere,
        Outcome::CouldNotContact,
        Outcome::NoLongerNeeded,
        Outcome::Other,
    ];

    pub fn code(self) -> &'static str {
        match self {
            Outcome::Helped => "helped",
            Outcome::ReferredElsewhere => "referred-elsewhere",
            Outcome::CouldNotContact => "could-not-contact",
            Outcome::NoLongerNeeded => "no-longer-needed",
            Outcome::Other => "other",
        }
    }

    pub fn from_code(code: &str) -> Option<Outcome> {
        Outcome::ALL.into_iter().find(|o| o.code() == code)
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum ReferralStatus {
    Pending,
    Accepted,
    Declined,
    Closed(Outcome),
    Withdrawn,
    /// Not answered within the organization's response time.
    Expired,
    /// The organization can no longer take part: suspended, past its vetting, or gone.
    Lapsed,
    /// The organization ended the conversation and blocked the requester's messages on it.
    Blocked,
}

impl ReferralStatus {
    /// Whether the referral still needs someone to act (it counts towards an organization's load).
    pub fn is_open(self) -> bool {
        matches!(self, ReferralStatus::Pending | ReferralStatus::Accepted)
    }
}

/// What someone does to a referral. Who may do it is checked by the caller.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Action {
    Accept,
    Decline,
    Close(Outcome),
    Withdraw,
    /// The response time passed (done by Poruch, never by a person).
    Expire,
    /// The organization left the directory, was suspended or its vetting expired.
    Lapse,
    /// Staff end an accepted conversation and stop the requester's messages on it.
    Block,
}

/// What happens to a request when the organization it is with cannot take it (declines,
/// does not answer in time, can no longer take part): the requester's choice at consent.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
pub enum OnDecline {
    /// Offer it to the next vetted organization at once.
    #[default]
    PassOn,
    /// Ask her first; nothing moves until she answers.
    AskFirst,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Transition {
    Changed(ReferralStatus),
    /// The action was already in effect (a second Accept).
    Unchanged,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
#[error("a {from:?} referral cannot be {action:?}ed")]
pub struct IllegalTransition {
    pub from: ReferralStatus,
    pub action: Action,
}

/// Applies an action to a referral's status.
pub fn apply(from: ReferralStatus, action: Action) -> Result<Transition, IllegalTransition> {
    use ReferralStatus as S;
    let to = match (from, action) {
        (S::Pending, Action::Accept) => S::Accepted,
        (S::Accepted, Action::Accept) => return Ok(Transition::Unchanged),
        (S::Pending, Action::Decline) => S::Declined,
        (S::Accepted, Action::Close(outcome)) => S::Closed(outcome),
        (S::Pending | S::Accepted, Action::Withdraw) => S::Withdrawn,
        (S::Pending, Action::Expire) => S::Expired,
        (S::Pending | S::Accepted, Action::Lapse) => S::Lapsed,
        (S::Accepted, Action::Block) => S::Blocked,
        _ => return Err(IllegalTransition { from, action }),
    };
    Ok(Transition::Changed(to))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::organization::fixtures::org;
    use ReferralStatus as S;
    use proptest::prelude::*;

    #[test]
    fn the_happy_path() {
        assert_eq!(
            apply(S::Pending, Action::Accept),
            Ok(Transition::Changed(S::Accepted))
        );
        assert_eq!(
            apply(S::Accepted, Action::Close(Outcome::Helped)),
            Ok(Transition::Changed(S::Closed(Outcome::Helped)))
        );
    }

    #[test]
    fn a_second_accept_is_a_no_op() {
        assert_eq!(
            apply(S::Accepted, Action::Accept),
            Ok(Transition::Unchanged)
        );
    }

    #[test]
    fn illegal_moves_are_refused() {
        assert!(apply(S::Pending, Action::Close(Outcome::Helped)).is_err());
        assert!(apply(S::Accepted, Action::Decline).is_err());
        assert!(apply(S::Accepted, Action::Expire).is_err());
        assert!(
            apply(S::Pending, Action::Block).is_err(),
            "nothing to block before a conversation"
        );
        for terminal in [
            S::Declined,
            S::Closed(Outcome::Other),
            S::Withdrawn,
            S::Expired,
            S::Lapsed,
            S::Blocked,
        ] {
            for action in [
                Action::Accept,
                Action::Decline,
                Action::Close(Outcome::Helped),
                Action::Withdraw,
                Action::Expire,
                Action::Lapse,
                Action::Block,
            ] {
                assert!(
                    apply(terminal, action).is_err(),
                    "{terminal:?} + {action:?}"
                );
            }
        }
    }

    #[test]
    fn the_requester_can_withdraw_while_open() {
        assert_eq!(
            apply(S::Pending, Action::Withdraw),
            Ok(Transition::Changed(S::Withdrawn))
        );
        assert_eq!(
            apply(S::Accepted, Action::Withdraw),
            Ok(Transition::Changed(S::Withdrawn))
        );
    }

    #[test]
    fn kinds_of_help_map_to_services() {
        let lawyers = org("a", &["legal-aid"], &["UA-12"]);
        assert!(!HelpKind::Legal.offered_by(&lawyers));
        let mut lawyers = lawyers;
        lawyers.services.push(Service::LegalAid);
        assert!(HelpKind::Legal.offered_by(&lawyers));
        assert!(HelpKind::Other.offered_by(&lawyers));
        assert!(!HelpKind::Shelter.offered_by(&lawyers));
        for kind in HelpKind::ALL {
            assert_eq!(HelpKind::from_code(kind.code()), Some(kind));
        }
    }

    fn action() -> impl Strategy<Value = Action> {
        prop_oneof![
            Just(Action::Accept),
            Just(Action::Decline),
            Just(Action::Withdraw),
            Just(Action::Expire),
            Just(Action::Lapse),
            Just(Action::Block),
            Just(Action::Close(Outcome::Helped)),
            Just(Action::Close(Outcome::CouldNotContact)),
        ]
    }

    proptest! {
        /// Any sequence of actions, applied where legal, keeps the lifecycle's invariants.
        #[test]
        fn lifecycle_invariants_hold_for_any_sequence(actions in prop::collection::vec(action(), 0..20)) {
            let mut status = S::Pending;
            let mut history = vec![status];
            for a in actions {
                match apply(status, a) {
                    Ok(Transition::Changed(next)) => {
                        // Final states are never left.
                        prop_assert!(status.is_open());
                        // Closed only from accepted; accepted and declined only from pending.
                        match next {
                            S::Closed(_) | S::Blocked => prop_assert_eq!(status, S::Accepted),
                            S::Accepted | S::Declined | S::Expired => prop_assert_eq!(status, S::Pending),
                            S::Withdrawn | S::Lapsed => prop_assert!(status.is_open()),
                            S::Pending => prop_assert!(false, "nothing returns to pending"),
                        }
                        status = next;
                        history.push(status);
                    }
                    Ok(Transition::Unchanged) => prop_assert_eq!((status, a), (S::Accepted, Action::Accept)),
                    Err(e) => prop_assert_eq!(e.from, status),
                }
            }
            // At most: pending, accepted, and one final state.
            prop_assert!(history.len() <= 3);
        }
    }
}
