//! The actions behind opaque buttons. A button that acts on a request or referral carries a
//! token; the store maps the token to one of these (as text) and to the one person allowed
//! to press it. The handler then re-checks, against the store, that this person may still do
//! this to this object.

use crate::domain::request::is_reference_code;
use crate::domain::{DeclineReason, Outcome};

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Act {
    // Staff of the organization the referral is assigned to.
    OpenReferral(String),
    Accept(String),
    /// Asks for the reason first.
    Decline(String),
    DeclineWith(String, DeclineReason),
    /// Asks for the outcome first.
    Close(String),
    CloseWith(String, Outcome),
    Reply(String),
    Inbox,
    Pause,
    Resume,
    // The requester who owns the request.
    OpenRequest(String),
    Write(String),
    /// Asks to confirm first.
    Withdraw(String),
    WithdrawConfirmed(String),
    /// She got what she needed: closes an accepted referral.
    Finish(String),
}

impl Act {
    pub fn encode(&self) -> String {
        match self {
            Act::OpenReferral(c) => format!("ref:{c}"),
            Act::Accept(c) => format!("acc:{c}"),
            Act::Decline(c) => format!("dec:{c}"),
            Act::DeclineWith(c, r) => format!("decr:{c}:{}", r.code()),
            Act::Close(c) => format!("cls:{c}"),
            Act::CloseWith(c, o) => format!("clso:{c}:{}", o.code()),
            Act::Reply(c) => format!("rpl:{c}"),
            Act::Inbox => "inbox".into(),
            Act::Pause => "pause".into(),
            Act::Resume => "resume".into(),
            Act::OpenRequest(c) => format!("req:{c}"),
            Act::Write(c) => format!("wrt:{c}"),
            Act::Withdraw(c) => format!("wdr:{c}"),
            Act::WithdrawConfirmed(c) => format!("wdrc:{c}"),
            Act::Finish(c) => format!("fin:{c}"),
        }
    }

    pub fn decode(text: &str) -> Option<Act> {
        let parts: Vec<&str> = text.split(':').collect();
        let code = |c: &str| is_reference_code(c).then(|| c.to_string());
        Some(match parts.as_slice() {
            ["ref", c] => Act::OpenReferral(code(c)?),
            ["acc", c] => Act::Accept(code(c)?),
            ["dec", c] => Act::Decline(code(c)?),
            ["decr", c, r] => Act::DeclineWith(code(c)?, DeclineReason::from_code(r)?),
            ["cls", c] => Act::Close(code(c)?),
            ["clso", c, o] => Act::CloseWith(code(c)?, Outcome::from_code(o)?),
            ["rpl", c] => Act::Reply(code(c)?),
            ["inbox"] => Act::Inbox,
            ["pause"] => Act::Pause,
            ["resume"] => Act::Resume,
            ["req", c] => Act::OpenRequest(code(c)?),
            ["wrt", c] => Act::Write(code(c)?),
            ["wdr", c] => Act::Withdraw(code(c)?),
            ["wdrc", c] => Act::WithdrawConfirmed(code(c)?),
            ["fin", c] => Act::Finish(code(c)?),
            _ => return None,
        })
    }

    /// Whether only staff may do this (otherwise only the requester).
    pub fn is_staff(&self) -> bool {
        matches!(
            self,
            Act::OpenReferral(_)
                | Act::Accept(_)
                | Act::Decline(_)
                | Act::DeclineWith(..)
                | Act::Close(_)
                | Act::CloseWith(..)
                | Act::Reply(_)
                | Act::Inbox
                | Act::Pause
                | Act::Resume
        )
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_action_round_trips() {
        let c = || "R-7K3Q".to_string();
        for act in [
            Act::OpenReferral(c()),
            Act::Accept(c()),
            Act::Decline(c()),
            Act::DeclineWith(c(), DeclineReason::NoCapacity),
            Act::Close(c()),
            Act::CloseWith(c(), Outcome::CouldNotContact),
            Act::Reply(c()),
            Act::Inbox,
            Act::Pause,
            Act::Resume,
            Act::OpenRequest(c()),
            Act::Write(c()),
            Act::Withdraw(c()),
            Act::WithdrawConfirmed(c()),
            Act::Finish(c()),
        ] {
            assert_eq!(Act::decode(&act.encode()), Some(act));
        }
        for bad in ["", "acc", "acc:R-0000", "decr:R-7K3Q:tired", "acc:R-7K3Q:x"] {
            assert_eq!(Act::decode(bad), None, "{bad}");
        }
    }
}
