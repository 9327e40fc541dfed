//! Requests for trainers and experts (issue 4), as the domain sees them: what is needed, for
//! whom, where and when; which organizations may offer; and the rules of offers and picking.
//!
//! A request is Open until the requester picks an offer (Filled), withdraws it, or it expires
//! without one. Each organization answers once: Offer or Pass. Picking is allowed only on an
//! offer of an Open request; picking the same offer again is a no-op (a double tap), picking
//! another after one was picked is refused.

use super::when::When;
use super::{Organization, Service};

/// The longest requesting body accepted, in characters.
pub const MAX_BODY: usize = 200;
/// The largest group accepted.
pub const MAX_SIZE: u32 = 10_000;
/// The longest proposal accepted, in characters (as long as a help request's description).
pub const MAX_PROPOSAL: usize = super::request::MAX_DESCRIPTION;

/// What the adviser needs.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum NeedKind {
    Training,
    Lecture,
    RegulationsConsultation,
    LegalExpertise,
    Materials,
    JointEvent,
    Mentoring,
}

impl NeedKind {
    pub const ALL: [NeedKind; 7] = [
        NeedKind::Training,
        NeedKind::Lecture,
        NeedKind::RegulationsConsultation,
        NeedKind::LegalExpertise,
        NeedKind::Materials,
        NeedKind::JointEvent,
        NeedKind::Mentoring,
    ];

    pub fn code(self) -> &'static str {
        match self {
            NeedKind::Training => "training",
            NeedKind::Lecture => "lecture",
            NeedKind::RegulationsConsultation => "regulations",
            NeedKind::LegalExpertise => "legal-expertise",
            NeedKind::Materials => "materials",
            NeedKind::JointEvent => "joint-event",
            NeedKind::Mentoring => "mentoring",
        }
    }

    pub fn from_code(code: &str) -> Option<NeedKind> {
        NeedKind::ALL.into_iter().find(|k| k.code() == code)
    }

    /// The services of the directory that answer this need (any one of them).
    pub fn services(self) -> &'static [Service] {
        match self {
            NeedKind::Training => &[Service::Training],
            NeedKind::Lecture => &[Service::Lecture, Service::Training],
            NeedKind::RegulationsConsultation => &[Service::Consultation, Service::Advocacy],
            NeedKind::LegalExpertise => &[Service::LegalAid, Service::Research],
            NeedKind::Materials => &[Service::Materials],
            NeedKind::JointEvent => &[Service::Training, Service::Lecture, Service::Advocacy],
            NeedKind::Mentoring => &[Service::Mentoring],
        }
    }

    pub fn offered_by(self, org: &Organization) -> bool {
        self.services().iter().any(|s| org.services.contains(s))
    }
}

/// Who the event is for.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum ExpertAudience {
    Commanders,
    Personnel,
    Cadets,
    Psychologists,
    PoliceOfficers,
    Advisers,
    Other,
}

impl ExpertAudience {
    pub const ALL: [ExpertAudience; 7] = [
        ExpertAudience::Commanders,
        ExpertAudience::Personnel,
        ExpertAudience::Cadets,
        ExpertAudience::Psychologists,
        ExpertAudience::PoliceOfficers,
        ExpertAudience::Advisers,
        ExpertAudience::Other,
    ];

    pub fn code(self) -> &'static str {
        match self {
            ExpertAudience::Commanders => "commanders",
            ExpertAudience::Personnel => "personnel",
            ExpertAudience::Cadets => "cadets",
            ExpertAudience::Psychologists => "psychologists",
            ExpertAudience::PoliceOfficers => "police",
            ExpertAudience::Advisers => "advisers",
            ExpertAudience::Other => "other",
        }
    }

    pub fn from_code(code: &str) -> Option<ExpertAudience> {
        ExpertAudience::ALL.into_iter().find(|a| a.code() == code)
    }
}

serde_as_code!(NeedKind);
serde_as_code!(ExpertAudience);

/// Online, or in person in a region.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Format {
    Online,
    InPerson { region: String },
}

/// What an expert request asks for (the requester's contact and body are kept apart, sealed).
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct ExpertNeed {
    pub kind: NeedKind,
    pub topic: String,
    pub audience: ExpertAudience,
    /// Approximate number of people.
    pub size: u32,
    pub format: Format,
    pub when: When,
}

/// An expert request. The requesting body and the contact are the requester's to share.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ExpertRequest {
    pub need: ExpertNeed,
    /// The requesting body, if she chose to name it.
    pub body: Option<String>,
    pub contact: super::ContactChoice,
    /// Never shown to an organization.
    pub requester_chat: i64,
    pub created_at: super::Timestamp,
}

/// Whether an organization may be offered the request: visible, not paused, offers the form
/// of cooperation on the topic, and serves the region (or nationwide) — or, for an online
/// event, works online or nationwide.
pub fn may_offer(
    org: &Organization,
    need: &ExpertNeed,
    paused: bool,
    today: chrono::NaiveDate,
) -> bool {
    org.is_visible(today)
        && !paused
        && org.has_topic(&need.topic)
        && need.kind.offered_by(org)
        && match &need.format {
            Format::Online => org.regions.is_national() || org.works_online,
            Format::InPerson { region } => org.regions.serves(region),
        }
}

/// The state of an expert request.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ExpertStatus {
    Open,
    /// The requester picked this organization's offer.
    Filled {
        org: String,
    },
    Withdrawn,
    /// No offer was picked in time.
    Expired,
}

/// One organization's answer.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Answer {
    Offer,
    Pass,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum ExpertRefusal {
    #[error("the request is no longer open")]
    NotOpen,
    #[error("this organization has already answered")]
    AlreadyAnswered,
    #[error("this organization made no offer")]
    NoSuchOffer,
    #[error("another offer was already picked")]
    OtherPicked,
}

/// What a pick did.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Picked {
    Filled,
    /// The same offer was picked before: nothing changes.
    Again,
}

/// Whether an organization may answer now, given its earlier answer if any.
pub fn may_answer(status: &ExpertStatus, earlier: Option<&Answer>) -> Result<(), ExpertRefusal> {
    match (status, earlier) {
        (ExpertStatus::Open, None) => Ok(()),
        (ExpertStatus::Open, Some(_)) => Err(ExpertRefusal::AlreadyAnswered),
        _ => Err(ExpertRefusal::NotOpen),
    }
}

/// Picking `org`'s offer, given the request's status and that organization's answer.
pub fn pick(
    status: &ExpertStatus,
    org: &str,
    answer: Option<&Answer>,
) -> Result<Picked, ExpertRefusal> {
    match status {
        ExpertStatus::Filled { org: picked } if picked == org => Ok(Picked::Again),
        ExpertStatus::Filled { .. } => Err(ExpertRefusal::OtherPicked),
        ExpertStatus::Withdrawn | ExpertStatus::Expired => Err(ExpertRefusal::NotOpen),
        ExpertStatus::Open => match answer {
            Some(Answer::Offer) => Ok(Picked::Filled),
            _ => Err(ExpertRefusal::NoSuchOffer),
        },
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::organization::fixtures::org;
    use proptest::prelude::*;

    fn today() -> chrono::NaiveDate {
        chrono::NaiveDate::from_ymd_opt(2026, 11, 23).unwrap_or_default()
    }

    fn need(format: Format) -> ExpertNeed {
        ExpertNeed {
            kind: NeedKind::Training,
            topic: "crsv".into(),
            audience: ExpertAudience::Cadets,
            size: 40,
            format,
            when: When::Flexible,
        }
    }

    fn trainer(id: &str, regions: &[&str]) -> Organization {
        let mut o = org(id, &["crsv"], regions);
        o.services.push(Service::Training);
        o
    }

    #[test]
    fn who_may_offer() {
        let lviv = Format::InPerson {
            region: "UA-46".into(),
        };
        assert!(may_offer(
            &trainer("a", &["UA-46"]),
            &need(lviv.clone()),
            false,
            today()
        ));
        assert!(may_offer(
            &trainer("n", &["national"]),
            &need(lviv.clone()),
            false,
            today()
        ));
        assert!(!may_offer(
            &trainer("k", &["UA-30"]),
            &need(lviv.clone()),
            false,
            today()
        ));
        assert!(
            !may_offer(
                &trainer("a", &["UA-46"]),
                &need(lviv.clone()),
                true,
                today()
            ),
            "paused"
        );
        let lawyers = org("l", &["crsv"], &["UA-46"]);
        assert!(
            !may_offer(&lawyers, &need(lviv), false, today()),
            "no training"
        );
        let mut remote = trainer("r", &["UA-30"]);
        assert!(!may_offer(&remote, &need(Format::Online), false, today()));
        remote.works_online = true;
        assert!(may_offer(&remote, &need(Format::Online), false, today()));
        for k in NeedKind::ALL {
            assert_eq!(NeedKind::from_code(k.code()), Some(k));
        }
        for a in ExpertAudience::ALL {
            assert_eq!(ExpertAudience::from_code(a.code()), Some(a));
        }
    }

    #[test]
    fn picking_twice_is_a_no_op_and_another_pick_is_refused() {
        let filled = ExpertStatus::Filled { org: "a".into() };
        assert_eq!(
            pick(&ExpertStatus::Open, "a", Some(&Answer::Offer)),
            Ok(Picked::Filled)
        );
        assert_eq!(pick(&filled, "a", Some(&Answer::Offer)), Ok(Picked::Again));
        assert_eq!(
            pick(&filled, "b", Some(&Answer::Offer)),
            Err(ExpertRefusal::OtherPicked)
        );
        assert_eq!(
            pick(&ExpertStatus::Open, "c", Some(&Answer::Pass)),
            Err(ExpertRefusal::NoSuchOffer)
        );
        assert_eq!(
            pick(&ExpertStatus::Open, "d", None),
            Err(ExpertRefusal::NoSuchOffer)
        );
        assert_eq!(
            pick(&ExpertStatus::Expired, "a", Some(&Answer::Offer)),
            Err(ExpertRefusal::NotOpen)
        );
        assert_eq!(may_answer(&ExpertStatus::Open, None), Ok(()));
        assert_eq!(
            may_answer(&ExpertStatus::Open, Some(&Answer::Pass)),
            Err(ExpertRefusal::AlreadyAnswered)
        );
        assert_eq!(may_answer(&filled, None), Err(ExpertRefusal::NotOpen));
    }

    proptest! {
        /// However offers and picks interleave, at most one organization is ever picked, and
        /// only one that offered.
        #[test]
        fn one_pick_at_most(events in prop::collection::vec((0usize..4, 0u8..3), 0..30)) {
            let orgs = ["a", "b", "c", "d"];
            let mut status = ExpertStatus::Open;
            let mut answers: std::collections::HashMap<&str, Answer> = Default::default();
            for (who, what) in events {
                let org = orgs[who];
                match what {
                    0 | 1 => {
                        if may_answer(&status, answers.get(org)).is_ok() {
                            answers.insert(org, if what == 0 { Answer::Offer } else { Answer::Pass });
                        }
                    }
                    _ => {
                        if let Ok(Picked::Filled) = pick(&status, org, answers.get(org)) {
                            prop_assert_eq!(&status, &ExpertStatus::Open);
                            status = ExpertStatus::Filled { org: org.to_string() };
                        }
                    }
                }
                if let ExpertStatus::Filled { org: picked } = &status {
                    prop_assert_eq!(answers.get(picked.as_str()), Some(&Answer::Offer));
                }
            }
        }
    }
}
