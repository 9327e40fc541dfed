//! The actions a person can take on a request, a referral, a question or a material. A
//! notice offers them (`NoticeAction::Do`); the adapter's buttons carry them behind opaque
//! tokens issued to the one person allowed to press them, and the use case each leads to
//! re-checks, against the store, that this person may still do this to this object.
//!
//! `encode` / `decode` is their text form (kept behind tokens and inside queued notices).

use crate::domain::feedback::{HelpAnswer, Side};
use crate::domain::request::{is_expert_code, is_reference_code};
use crate::domain::{DeclineReason, Outcome};

#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[serde(into = "String", try_from = "String")]
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
    /// Asks to confirm first: end the conversation and stop the requester's messages.
    Block(String),
    BlockConfirmed(String),
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
    /// The organization could not take it: pass it on to the next one.
    PassOn(String),
    // Expert requests. Staff of an organization it was offered to:
    OpenExpert(String),
    /// Asks for the proposal first.
    Offer(String),
    Pass(String),
    // The adviser who asked:
    MyExpert(String),
    /// Picks an organization's offer.
    Pick(String, String),
    /// Asks to confirm first.
    WithdrawExpert(String),
    WithdrawExpertConfirmed(String),
    // Questions afterwards, to the side asked (re-checked against the stored question):
    /// Whether the cooperation took place.
    TookPlace(String, Side, bool),
    Rate(String, Side, u8),
    /// "Did you get the help you needed?"
    HelpAnswered(String, HelpAnswer),
    // Anyone, on a discreet notice held for them:
    /// Shows the held notice (its id).
    Reveal(u64),
    // Coordinators:
    HideMaterial(String),
    /// Asks to confirm removing a member (org id, member id) from a team.
    Revoke(String, String),
    RevokeConfirmed(String, String),
    // Staff:
    /// Leaves their organization's team (after a confirmation).
    LeaveConfirmed,
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
            Act::Block(c) => format!("blk:{c}"),
            Act::BlockConfirmed(c) => format!("blky:{c}"),
            Act::PassOn(c) => format!("pass:{c}"),
            Act::OpenExpert(c) => format!("exp:{c}"),
            Act::Offer(c) => format!("off:{c}"),
            Act::Pass(c) => format!("pas:{c}"),
            Act::MyExpert(c) => format!("myx:{c}"),
            Act::Pick(c, org) => format!("pick:{c}:{org}"),
            Act::WithdrawExpert(c) => format!("wdx:{c}"),
            Act::WithdrawExpertConfirmed(c) => format!("wdxc:{c}"),
            Act::TookPlace(c, side, yes) => format!("held:{c}:{}:{}", side.code(), u8::from(*yes)),
            Act::Rate(c, side, n) => format!("rate:{c}:{}:{n}", side.code()),
            Act::HelpAnswered(c, a) => format!("help:{c}:{}", a.code()),
            Act::HideMaterial(id) => format!("hide:{id}"),
            Act::Reveal(id) => format!("show:{id}"),
            Act::Revoke(org, member) => format!("rvk:{org}:{member}"),
            Act::RevokeConfirmed(org, member) => format!("rvkc:{org}:{member}"),
            Act::LeaveConfirmed => "leave".into(),
        }
    }

    pub fn decode(text: &str) -> Option<Act> {
        let parts: Vec<&str> = text.split(':').collect();
        let code = |c: &str| is_reference_code(c).then(|| c.to_string());
        let ecode = |c: &str| is_expert_code(c).then(|| c.to_string());
        let any = |c: &str| (is_reference_code(c) || is_expert_code(c)).then(|| c.to_string());
        Some(match parts.as_slice() {
            ["ref", c] => Act::OpenReferral(code(c)?),
            ["acc", c] => Act::Accept(code(c)?),
            ["dec", c] => Act::Decline(code(c)?),
            ["decr", c, r] => Act::DeclineWith(code(c)?, DeclineReason::from_code(r)?),
            ["cls", c] => Act::Close(code(c)?),
            ["clso", c, o] => Act::CloseWith(code(c)?, Outcome::from_code(o)?),
            ["rpl", c] => Act::Reply(any(c)?),
            ["inbox"] => Act::Inbox,
            ["pause"] => Act::Pause,
            ["resume"] => Act::Resume,
            ["req", c] => Act::OpenRequest(code(c)?),
            ["wrt", c] => Act::Write(any(c)?),
            ["wdr", c] => Act::Withdraw(code(c)?),
            ["wdrc", c] => Act::WithdrawConfirmed(code(c)?),
            ["fin", c] => Act::Finish(code(c)?),
            ["blk", c] => Act::Block(code(c)?),
            ["blky", c] => Act::BlockConfirmed(code(c)?),
            ["pass", c] => Act::PassOn(code(c)?),
            ["exp", c] => Act::OpenExpert(ecode(c)?),
            ["off", c] => Act::Offer(ecode(c)?),
            ["pas", c] => Act::Pass(ecode(c)?),
            ["myx", c] => Act::MyExpert(ecode(c)?),
            ["pick", c, org] if !org.is_empty() => Act::Pick(ecode(c)?, org.to_string()),
            ["wdx", c] => Act::WithdrawExpert(ecode(c)?),
            ["wdxc", c] => Act::WithdrawExpertConfirmed(ecode(c)?),
            ["held", c, side, yes] => Act::TookPlace(
                any(c)?,
                Side::from_code(side)?,
                match *yes {
                    "1" => true,
                    "0" => false,
                    _ => return None,
                },
            ),
            ["rate", c, side, n] => {
                let n: u8 = n.parse().ok()?;
                crate::domain::feedback::Rating::new(n)?;
                Act::Rate(any(c)?, Side::from_code(side)?, n)
            }
            ["help", c, a] => Act::HelpAnswered(code(c)?, HelpAnswer::from_code(a)?),
            ["hide", id] if !id.is_empty() => Act::HideMaterial(id.to_string()),
            ["show", id] => Act::Reveal(id.parse().ok()?),
            ["rvk", org, member] if !org.is_empty() && !member.is_empty() => {
                Act::Revoke(org.to_string(), member.to_string())
            }
            ["rvkc", org, member] if !org.is_empty() && !member.is_empty() => {
                Act::RevokeConfirmed(org.to_string(), member.to_string())
            }
            ["leave"] => Act::LeaveConfirmed,
            _ => return None,
        })
    }
}

impl From<Act> for String {
    fn from(act: Act) -> String {
        act.encode()
    }
}

impl TryFrom<String> for Act {
    type Error = String;

    fn try_from(text: String) -> Result<Act, String> {
        Act::decode(&text).ok_or(text)
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
            Act::Block(c()),
            Act::BlockConfirmed(c()),
            Act::PassOn(c()),
            Act::Write("E-7K3Q".into()),
            Act::Reply("E-7K3Q".into()),
            Act::OpenExpert("E-7K3Q".into()),
            Act::Offer("E-7K3Q".into()),
            Act::Pass("E-7K3Q".into()),
            Act::MyExpert("E-7K3Q".into()),
            Act::Pick("E-7K3Q".into(), "demo-kurs-lviv".into()),
            Act::WithdrawExpert("E-7K3Q".into()),
            Act::WithdrawExpertConfirmed("E-7K3Q".into()),
            Act::TookPlace("E-7K3Q".into(), Side::Organization, true),
            Act::TookPlace("E-7K3Q".into(), Side::Requester, false),
            Act::Rate("E-7K3Q".into(), Side::Requester, 5),
            Act::HelpAnswered(c(), HelpAnswer::Partly),
            Act::HideMaterial("m-0a1b2c3d".into()),
            Act::Reveal(42),
            Act::Revoke("demo-kurs-lviv".into(), "0a".repeat(16)),
            Act::RevokeConfirmed("demo-kurs-lviv".into(), "0a".repeat(16)),
            Act::LeaveConfirmed,
        ] {
            assert_eq!(Act::decode(&act.encode()), Some(act));
        }
        for bad in [
            "",
            "acc",
            "acc:R-0000",
            "decr:R-7K3Q:tired",
            "acc:R-7K3Q:x",
            "acc:E-7K3Q",
            "off:R-7K3Q",
            "rate:E-7K3Q:r:6",
            "rate:E-7K3Q:r:0",
            "held:E-7K3Q:x:1",
            "help:R-7K3Q:maybe",
        ] {
            assert_eq!(Act::decode(bad), None, "{bad}");
        }
    }
}
