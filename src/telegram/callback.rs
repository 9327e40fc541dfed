//! The one codec for callback data. Every button's data is `1:<kind>[:<fields>]`, at most 64
//! bytes (Telegram's limit). The leading version lets a future format refuse old buttons.
//! Anything that does not decode is a stale or forged button and gets a polite answer.

use crate::domain::{Lang, RegionChoice};

const VERSION: &str = "1";
const NATIONWIDE: &str = "*";
/// Telegram's limit on callback data, in bytes.
pub const MAX_LEN: usize = 64;

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Callback {
    Menu,
    Find,
    Urgent,
    Language,
    Privacy,
    SetLang(Lang),
    /// A topic was chosen: ask for the region.
    Topic(String),
    /// Results for a topic and region, at a page (0-based).
    Results {
        topic: String,
        region: RegionChoice,
        page: u16,
    },
    /// A page of the last free-text search.
    TextPage(u16),
    /// The last free-text search again, in all of Ukraine.
    TextNationwide,
    /// An organization's card.
    Org(String),
    /// Confirms `/forget`.
    ForgetConfirmed,
    /// Starts a help request ("Ask for help").
    Ask,
    /// Starts a help request to one organization ("Ask this organization").
    AskOrg(String),
    /// A step of the help request being written; checked against the dialogue state.
    Draft(DraftInput),
    /// An opaque id of an action on a request or referral, mapped by the store.
    Token(String),
    /// Starts a request for a trainer or expert.
    ExpertStart,
    /// A step of the expert request being written; checked against the dialogue state.
    Expert(ExpertInput),
    /// Materials: the topics, one topic's list, or one material.
    Materials,
    MaterialTopic(String),
    Material(String),
    /// The topic of a material being published; checked against the dialogue state.
    PublishTopic(String),
    /// Skips an optional text (a comment on a rating, a material's English title).
    SkipText,
    /// Leaves writing mode (a conversation through the bot, a proposal).
    StopWriting,
    /// The quick exit: asks first, then clears the chat's last 48 hours.
    Hide,
    HideConfirmed,
    /// Notices about her own requests: in full (`true`) or discreet.
    Notices(bool),
    /// The whole privacy text.
    PrivacyMore,
}

/// A button of the expert-request dialogue.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ExpertInput {
    Need(String),
    Topic(String),
    Audience(String),
    Size(u32),
    Online,
    InPerson,
    Region(String),
    Flexible,
    DatesRight,
    SkipBody,
    ContactThroughBot,
    ContactShare,
    Send,
}

/// A button of the help-request dialogue.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum DraftInput {
    Topic(String),
    /// A region code, or "national".
    Region(String),
    Kind(String),
    /// The region step's full list of regions.
    RegionList,
    SkipDescription,
    ContactThroughBot,
    ContactShare,
    /// On the consent screen: pass it on (`true`) or ask her first if it cannot be taken.
    OnDecline(bool),
    /// On the consent screen: may she be asked once, after it is closed, if she got help.
    FollowUp(bool),
    Send,
    /// Back one step (any dialogue).
    Back,
    /// Cancel (any dialogue): asks first if something typed would be lost.
    Cancel,
    /// Send it to any vetted organization instead of the one she addressed.
    AnyOrg,
    /// Yes, cancel and delete what was typed.
    CancelConfirmed,
    /// No, back to the step.
    Stay,
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum CallbackError {
    #[error("callback data is not ours or from an older version")]
    Unknown,
    #[error("callback data would exceed 64 bytes")]
    TooLong,
}

fn plain(field: &str) -> bool {
    !field.is_empty()
        && field
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_')
}

impl Callback {
    /// The data for a button. Fails (rather than producing a button Telegram would refuse) if
    /// a field is not plain ASCII or the result is longer than 64 bytes.
    pub fn encode(&self) -> Result<String, CallbackError> {
        let data = match self {
            Callback::Menu => "m".to_string(),
            Callback::Find => "f".to_string(),
            Callback::Urgent => "u".to_string(),
            Callback::Language => "l".to_string(),
            Callback::Privacy => "p".to_string(),
            Callback::SetLang(lang) => format!("sl:{}", lang.code()),
            Callback::Topic(topic) if plain(topic) => format!("t:{topic}"),
            Callback::Results {
                topic,
                region,
                page,
            } if plain(topic) => {
                let region = match region {
                    RegionChoice::Nationwide => NATIONWIDE,
                    RegionChoice::Region(code) if plain(code) => code,
                    RegionChoice::Region(_) => return Err(CallbackError::Unknown),
                };
                format!("r:{topic}:{region}:{page}")
            }
            Callback::TextPage(page) => format!("q:{page}"),
            Callback::TextNationwide => "qn".to_string(),
            Callback::Org(id) if plain(id) => format!("o:{id}"),
            Callback::ForgetConfirmed => "fg".to_string(),
            Callback::Ask => "a".to_string(),
            Callback::AskOrg(id) if plain(id) => format!("ao:{id}"),
            Callback::Draft(input) => match input {
                DraftInput::Topic(t) if plain(t) => format!("dt:{t}"),
                DraftInput::Region(r) if plain(r) => format!("dr:{r}"),
                DraftInput::Kind(k) if plain(k) => format!("dk:{k}"),
                DraftInput::SkipDescription => "dd".to_string(),
                DraftInput::ContactThroughBot => "dcb".to_string(),
                DraftInput::ContactShare => "dcs".to_string(),
                DraftInput::Send => "ds".to_string(),
                DraftInput::Cancel => "dx".to_string(),
                DraftInput::RegionList => "drl".to_string(),
                DraftInput::OnDecline(true) => "dop".to_string(),
                DraftInput::OnDecline(false) => "doa".to_string(),
                DraftInput::FollowUp(true) => "dfy".to_string(),
                DraftInput::FollowUp(false) => "dfn".to_string(),
                DraftInput::Back => "db".to_string(),
                DraftInput::CancelConfirmed => "dxy".to_string(),
                DraftInput::Stay => "dxn".to_string(),
                DraftInput::AnyOrg => "dan".to_string(),
                _ => return Err(CallbackError::Unknown),
            },
            Callback::Token(token) if plain(token) => format!("x:{token}"),
            Callback::ExpertStart => "e".to_string(),
            Callback::Expert(input) => match input {
                ExpertInput::Need(n) if plain(n) => format!("en:{n}"),
                ExpertInput::Topic(t) if plain(t) => format!("et:{t}"),
                ExpertInput::Audience(a) if plain(a) => format!("ea:{a}"),
                ExpertInput::Size(n) => format!("es:{n}"),
                ExpertInput::Online => "eo".to_string(),
                ExpertInput::InPerson => "ei".to_string(),
                ExpertInput::Region(r) if plain(r) => format!("er:{r}"),
                ExpertInput::Flexible => "ef".to_string(),
                ExpertInput::DatesRight => "ew".to_string(),
                ExpertInput::SkipBody => "eb".to_string(),
                ExpertInput::ContactThroughBot => "ecb".to_string(),
                ExpertInput::ContactShare => "ecs".to_string(),
                ExpertInput::Send => "esend".to_string(),
                _ => return Err(CallbackError::Unknown),
            },
            Callback::Materials => "mt".to_string(),
            Callback::MaterialTopic(t) if plain(t) => format!("mt:{t}"),
            Callback::Material(id) if plain(id) => format!("mg:{id}"),
            Callback::PublishTopic(t) if plain(t) => format!("mp:{t}"),
            Callback::SkipText => "sk".to_string(),
            Callback::StopWriting => "sw".to_string(),
            Callback::Hide => "hd".to_string(),
            Callback::HideConfirmed => "hdy".to_string(),
            Callback::Notices(full) => format!("nt:{}", u8::from(*full)),
            Callback::PrivacyMore => "pm".to_string(),
            _ => return Err(CallbackError::Unknown),
        };
        let data = format!("{VERSION}:{data}");
        if data.len() > MAX_LEN {
            Err(CallbackError::TooLong)
        } else {
            Ok(data)
        }
    }

    pub fn decode(data: &str) -> Result<Callback, CallbackError> {
        if data.len() > MAX_LEN {
            return Err(CallbackError::TooLong);
        }
        let mut parts = data.split(':');
        if parts.next() != Some(VERSION) {
            return Err(CallbackError::Unknown);
        }
        let kind = parts.next().ok_or(CallbackError::Unknown)?;
        let fields: Vec<&str> = parts.collect();
        let callback = match (kind, fields.as_slice()) {
            ("m", []) => Callback::Menu,
            ("f", []) => Callback::Find,
            ("u", []) => Callback::Urgent,
            ("l", []) => Callback::Language,
            ("p", []) => Callback::Privacy,
            ("sl", [code]) => {
                Callback::SetLang(Lang::from_code(code).ok_or(CallbackError::Unknown)?)
            }
            ("t", [topic]) if plain(topic) => Callback::Topic(topic.to_string()),
            ("r", [topic, region, page]) if plain(topic) => Callback::Results {
                topic: topic.to_string(),
                region: match *region {
                    NATIONWIDE => RegionChoice::Nationwide,
                    code if plain(code) => RegionChoice::Region(code.to_string()),
                    _ => return Err(CallbackError::Unknown),
                },
                page: page.parse().map_err(|_| CallbackError::Unknown)?,
            },
            ("q", [page]) => Callback::TextPage(page.parse().map_err(|_| CallbackError::Unknown)?),
            ("qn", []) => Callback::TextNationwide,
            ("o", [id]) if plain(id) => Callback::Org(id.to_string()),
            ("fg", []) => Callback::ForgetConfirmed,
            ("a", []) => Callback::Ask,
            ("ao", [id]) if plain(id) => Callback::AskOrg(id.to_string()),
            ("dt", [t]) if plain(t) => Callback::Draft(DraftInput::Topic(t.to_string())),
            ("dr", [r]) if plain(r) => Callback::Draft(DraftInput::Region(r.to_string())),
            ("dk", [k]) if plain(k) => Callback::Draft(DraftInput::Kind(k.to_string())),
            ("dd", []) => Callback::Draft(DraftInput::SkipDescription),
            ("dcb", []) => Callback::Draft(DraftInput::ContactThroughBot),
            ("dcs", []) => Callback::Draft(DraftInput::ContactShare),
            ("ds", []) => Callback::Draft(DraftInput::Send),
            ("dx", []) => Callback::Draft(DraftInput::Cancel),
            ("drl", []) => Callback::Draft(DraftInput::RegionList),
            ("dop", []) => Callback::Draft(DraftInput::OnDecline(true)),
            ("doa", []) => Callback::Draft(DraftInput::OnDecline(false)),
            ("dfy", []) => Callback::Draft(DraftInput::FollowUp(true)),
            ("dfn", []) => Callback::Draft(DraftInput::FollowUp(false)),
            ("db", []) => Callback::Draft(DraftInput::Back),
            ("dxy", []) => Callback::Draft(DraftInput::CancelConfirmed),
            ("dxn", []) => Callback::Draft(DraftInput::Stay),
            ("dan", []) => Callback::Draft(DraftInput::AnyOrg),
            ("x", [token]) if plain(token) => Callback::Token(token.to_string()),
            ("e", []) => Callback::ExpertStart,
            ("en", [n]) if plain(n) => Callback::Expert(ExpertInput::Need(n.to_string())),
            ("et", [t]) if plain(t) => Callback::Expert(ExpertInput::Topic(t.to_string())),
            ("ea", [a]) if plain(a) => Callback::Expert(ExpertInput::Audience(a.to_string())),
            ("es", [n]) => Callback::Expert(ExpertInput::Size(
                n.parse().map_err(|_| CallbackError::Unknown)?,
            )),
            ("eo", []) => Callback::Expert(ExpertInput::Online),
            ("ei", []) => Callback::Expert(ExpertInput::InPerson),
            ("er", [r]) if plain(r) => Callback::Expert(ExpertInput::Region(r.to_string())),
            ("ef", []) => Callback::Expert(ExpertInput::Flexible),
            ("ew", []) => Callback::Expert(ExpertInput::DatesRight),
            ("eb", []) => Callback::Expert(ExpertInput::SkipBody),
            ("ecb", []) => Callback::Expert(ExpertInput::ContactThroughBot),
            ("ecs", []) => Callback::Expert(ExpertInput::ContactShare),
            ("esend", []) => Callback::Expert(ExpertInput::Send),
            ("mt", []) => Callback::Materials,
            ("mt", [t]) if plain(t) => Callback::MaterialTopic(t.to_string()),
            ("mg", [id]) if plain(id) => Callback::Material(id.to_string()),
            ("mp", [t]) if plain(t) => Callback::PublishTopic(t.to_string()),
            ("sk", []) => Callback::SkipText,
            ("sw", []) => Callback::StopWriting,
            ("hd", []) => Callback::Hide,
            ("hdy", []) => Callback::HideConfirmed,
            ("nt", ["1"]) => Callback::Notices(true),
            ("nt", ["0"]) => Callback::Notices(false),
            ("pm", []) => Callback::PrivacyMore,
            _ => return Err(CallbackError::Unknown),
        };
        Ok(callback)
    }
}

/// Whether raw callback data is the urgent-help button (served before the store is touched).
pub fn is_urgent(data: Option<&str>) -> bool {
    data.and_then(|d| Callback::decode(d).ok()) == Some(Callback::Urgent)
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn every_kind_round_trips() {
        let all = [
            Callback::Menu,
            Callback::StopWriting,
            Callback::Hide,
            Callback::HideConfirmed,
            Callback::Notices(true),
            Callback::Notices(false),
            Callback::PrivacyMore,
            Callback::Find,
            Callback::Urgent,
            Callback::Language,
            Callback::Privacy,
            Callback::SetLang(Lang::En),
            Callback::Topic("psychological-support".into()),
            Callback::Results {
                topic: "crsv".into(),
                region: RegionChoice::Region("UA-12".into()),
                page: 3,
            },
            Callback::Results {
                topic: "crsv".into(),
                region: RegionChoice::Nationwide,
                page: 0,
            },
            Callback::TextPage(7),
            Callback::TextNationwide,
            Callback::Org("demo-rivnist-dnipro".into()),
            Callback::ForgetConfirmed,
            Callback::Ask,
            Callback::AskOrg("demo-rivnist-dnipro".into()),
            Callback::Draft(DraftInput::Topic("crsv".into())),
            Callback::Draft(DraftInput::Region("national".into())),
            Callback::Draft(DraftInput::Kind("legal".into())),
            Callback::Draft(DraftInput::SkipDescription),
            Callback::Draft(DraftInput::ContactThroughBot),
            Callback::Draft(DraftInput::ContactShare),
            Callback::Draft(DraftInput::Send),
            Callback::Draft(DraftInput::Cancel),
            Callback::Draft(DraftInput::RegionList),
            Callback::Draft(DraftInput::OnDecline(true)),
            Callback::Draft(DraftInput::OnDecline(false)),
            Callback::Draft(DraftInput::FollowUp(true)),
            Callback::Draft(DraftInput::FollowUp(false)),
            Callback::Draft(DraftInput::Back),
            Callback::Draft(DraftInput::CancelConfirmed),
            Callback::Draft(DraftInput::Stay),
            Callback::Draft(DraftInput::AnyOrg),
            Callback::Token("0123456789abcdef0123".into()),
            Callback::ExpertStart,
            Callback::Expert(ExpertInput::Need("legal-expertise".into())),
            Callback::Expert(ExpertInput::Topic("crsv".into())),
            Callback::Expert(ExpertInput::Audience("cadets".into())),
            Callback::Expert(ExpertInput::Size(40)),
            Callback::Expert(ExpertInput::Online),
            Callback::Expert(ExpertInput::InPerson),
            Callback::Expert(ExpertInput::Region("UA-46".into())),
            Callback::Expert(ExpertInput::Flexible),
            Callback::Expert(ExpertInput::DatesRight),
            Callback::Expert(ExpertInput::SkipBody),
            Callback::Expert(ExpertInput::ContactThroughBot),
            Callback::Expert(ExpertInput::ContactShare),
            Callback::Expert(ExpertInput::Send),
            Callback::Materials,
            Callback::MaterialTopic("crsv".into()),
            Callback::Material("m-0a1b2c3d".into()),
            Callback::PublishTopic("crsv".into()),
            Callback::SkipText,
        ];
        for cb in all {
            let data = cb.encode().unwrap();
            assert!(data.len() <= MAX_LEN);
            assert_eq!(Callback::decode(&data).unwrap(), cb);
        }
    }

    #[test]
    fn forged_and_stale_data_is_refused() {
        for data in [
            "",
            "m",
            "0:m",
            "2:m",
            "1:",
            "1:x",
            "1:t",
            "1:t:a:b",
            "1:r:crsv:UA-12",
            "1:r:crsv:UA-12:-1",
            "1:r:crsv:UA-12:99999999",
            "1:sl:de",
            "1:es:-4",
            "1:es:forty",
            "1:mg:a b",
            "1:o:<b>",
            "1:o:a b",
            &"1:o:".repeat(20),
        ] {
            assert!(Callback::decode(data).is_err(), "{data:?} decoded");
        }
    }

    #[test]
    fn fields_that_would_break_the_format_are_not_encoded() {
        assert!(Callback::Org("a:b".into()).encode().is_err());
        assert!(Callback::Org("x".repeat(80)).encode().is_err());
    }

    proptest! {
        #[test]
        fn decode_never_panics(data in "\\PC{0,80}") {
            let _ = Callback::decode(&data);
        }

        #[test]
        fn encoded_data_always_fits_and_round_trips(id in "[a-z][a-z0-9-]{1,39}", page in any::<u16>()) {
            for cb in [Callback::Org(id.clone()), Callback::Topic(id.clone()), Callback::TextPage(page),
                Callback::Results { topic: id.clone(), region: RegionChoice::Region("UA-30".into()), page }] {
                if let Ok(data) = cb.encode() {
                    prop_assert!(data.len() <= MAX_LEN);
                    prop_assert_eq!(Callback::decode(&data), Ok(cb));
                }
            }
        }
    }
}
