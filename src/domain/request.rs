//! A confidential help request and the referrals it makes, as the domain sees them.

use serde::{Deserialize, Serialize};

use super::referral::OnDecline;
use super::{HelpKind, ReferralStatus, Timestamp};

/// The topic of a help request whose requester is not sure what to call it: it goes to an
/// organization that gives direct help (consultations, legal or psychological help, …), not
/// one that only trains, researches or publishes.
pub const NOT_SURE: &str = "not-sure";

/// The longest description a requester may write, in characters.
pub const MAX_DESCRIPTION: usize = 1000;

/// How the requester wants to be contacted. Anonymous, through the bot, unless she chooses.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ContactChoice {
    #[default]
    ThroughBot,
    Phone(String),
    Telegram(String),
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct HelpRequest {
    pub topic: String,
    pub region: String,
    pub kind: HelpKind,
    pub description: Option<String>,
    pub contact: ContactChoice,
    /// The requester's private chat, for answers. Never shown to an organization.
    pub requester_chat: i64,
    pub created_at: Timestamp,
    /// What happens if the organization it is with cannot take it.
    pub on_decline: OnDecline,
    /// She agreed to be asked once, a day after it is closed, whether she got help.
    pub follow_up: bool,
}

/// One offer of a request to one organization.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Referral {
    pub org: String,
    pub status: ReferralStatus,
    pub offered_at: Timestamp,
    /// If still pending then, it is offered to the next organization.
    pub respond_by: Timestamp,
}

/// Reads a contact the requester typed: a phone number (9 to 15 digits, with the usual
/// `+ ( ) -` and spaces) or a Telegram username (`@name`, `t.me/name`). Anything else is
/// `None`, and the bot asks again rather than passing on something that cannot be used.
pub fn parse_contact(text: &str) -> Option<ContactChoice> {
    let text = text.trim();
    let username = text
        .strip_prefix("https://t.me/")
        .or_else(|| text.strip_prefix("t.me/"))
        .or_else(|| text.strip_prefix('@'));
    if let Some(name) = username {
        let ok = (5..=32).contains(&name.len())
            && name.starts_with(|c: char| c.is_ascii_alphabetic())
            && name.chars().all(|c| c.is_ascii_alphanumeric() || c == '_');
        return ok.then(|| ContactChoice::Telegram(format!("@{name}")));
    }
    let allowed = |c: char| c.is_ascii_digit() || " +-()".contains(c);
    let digits = text.chars().filter(char::is_ascii_digit).count();
    let plus_only_first = text.rfind('+').is_none_or(|i| i == 0);
    (text.chars().all(allowed) && (9..=15).contains(&digits) && plus_only_first)
        .then(|| ContactChoice::Phone(text.split_whitespace().collect::<Vec<_>>().join(" ")))
}

/// Letters and digits that cannot be mistaken for each other (no 0/O, 1/I/L, 5/S, 2/Z, 8/B).
const CODE_ALPHABET: &[u8] = b"34679ACDEFGHJKMNPQRTUVWXY";

/// A reference code like `R-7K3Q` from four random bytes (the caller draws them from the
/// OS and checks the code is unused). Not a sequence: nothing about other requests can be
/// guessed from one code.
pub fn reference_code(random: [u8; 4]) -> String {
    code_with_prefix('R', random)
}

/// The same for an expert request: `E-7K3Q`.
pub fn expert_code(random: [u8; 4]) -> String {
    code_with_prefix('E', random)
}

fn code_with_prefix(prefix: char, random: [u8; 4]) -> String {
    let letters: String = random
        .iter()
        .map(|b| CODE_ALPHABET[*b as usize % CODE_ALPHABET.len()] as char)
        .collect();
    format!("{prefix}-{letters}")
}

/// Whether text has the shape of a reference code (as typed back by a person).
pub fn is_reference_code(text: &str) -> bool {
    has_code_shape(text, "R-")
}

/// Whether text has the shape of an expert request's code.
pub fn is_expert_code(text: &str) -> bool {
    has_code_shape(text, "E-")
}

fn has_code_shape(text: &str, prefix: &str) -> bool {
    text.len() == 6
        && text.starts_with(prefix)
        && text[2..].bytes().all(|b| CODE_ALPHABET.contains(&b))
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn codes_look_like_the_example() {
        assert_eq!(reference_code([0, 1, 2, 3]), "R-3467");
        assert!(is_reference_code("R-7K3Q"));
        assert!(!is_reference_code("R-0O1I"));
        assert!(!is_reference_code("R-7K3"));
        assert_eq!(expert_code([0, 1, 2, 3]), "E-3467");
        assert!(is_expert_code("E-7K3Q") && !is_expert_code("R-7K3Q"));
    }

    #[test]
    fn contacts_are_phone_numbers_or_usernames() {
        assert_eq!(
            parse_contact(" +380 67  123 45 67 "),
            Some(ContactChoice::Phone("+380 67 123 45 67".into()))
        );
        assert_eq!(
            parse_contact("(067) 123-45-67"),
            Some(ContactChoice::Phone("(067) 123-45-67".into()))
        );
        assert_eq!(
            parse_contact("@olena_k"),
            Some(ContactChoice::Telegram("@olena_k".into()))
        );
        assert_eq!(
            parse_contact("https://t.me/olena_k"),
            Some(ContactChoice::Telegram("@olena_k".into()))
        );
        for bad in [
            "",
            "call me",
            "12345",
            "@abc",
            "@ім'я",
            "+380+67 123 45 67",
            "1234567890123456",
        ] {
            assert_eq!(parse_contact(bad), None, "{bad:?}");
        }
    }

    proptest! {
        #[test]
        fn parsing_a_contact_never_panics(text in "\\PC{0,60}") {
            let _ = parse_contact(&text);
        }

        #[test]
        fn every_code_is_well_formed(random in any::<[u8; 4]>()) {
            prop_assert!(is_reference_code(&reference_code(random)));
        }
    }
}
