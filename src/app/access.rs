//! Who may do what, checked against the store every time, whatever a button said: staff of
//! the organization a referral is assigned to now, staff of an organization an expert request
//! was offered to, the person who made a request, a coordinator. Every use case that acts for
//! a person goes through one of these.

use super::{App, AppResult};
use crate::domain::expert::{Answer, ExpertRequest, ExpertStatus};
use crate::domain::{HelpRequest, Referral};

/// Why an action was refused. Refusals change nothing, are answered politely, and are counted
/// as security events (by kind only).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Refusal {
    /// Not staff of any organization.
    NotStaff,
    /// Staff, but the request is not (or no longer) with their organization.
    NotAssigned,
    /// Not the person who made the request.
    NotOwner,
    NotCoordinator,
    /// The request no longer exists.
    Gone,
    /// Staff of an organization that is suspended, past its vetting, or out of the directory.
    OrgInactive,
}

impl Refusal {
    /// The kind, for logs and the security-event count.
    pub fn code(self) -> &'static str {
        match self {
            Refusal::NotStaff => "not-staff",
            Refusal::NotAssigned => "not-assigned",
            Refusal::NotOwner => "not-owner",
            Refusal::NotCoordinator => "not-admin",
            Refusal::Gone => "gone",
            Refusal::OrgInactive => "org-inactive",
        }
    }
}

/// The organization `who` is staff of, if it may act now: in the directory, vetted, not
/// suspended. Counts as the member being active today.
pub fn staff_org(app: &App, who: i64) -> AppResult<Result<String, Refusal>> {
    let Some(org) = app.store.staff_org(who)? else {
        return Ok(Err(Refusal::NotStaff));
    };
    if !org_active(app, &org) {
        return Ok(Err(Refusal::OrgInactive));
    }
    app.store.touch_staff(who, app.today())?;
    Ok(Ok(org))
}

/// Whether an organization may act in the bot: in the directory, vetted and not suspended.
pub fn org_active(app: &App, org: &str) -> bool {
    app.directory().visible(org, app.today()).is_some()
}

pub fn coordinator(app: &App, who: i64) -> Result<(), Refusal> {
    if app.is_coordinator(who) {
        Ok(())
    } else {
        Err(Refusal::NotCoordinator)
    }
}

/// A help request of `who`'s.
pub fn help_owner(app: &App, who: i64, code: &str) -> AppResult<Result<HelpRequest, Refusal>> {
    let Some(request) = app.store.help_request(code)? else {
        return Ok(Err(Refusal::Gone));
    };
    // A private chat's id is its user's id: only the person who asked may act.
    Ok(if request.requester_chat == who {
        Ok(request)
    } else {
        Err(Refusal::NotOwner)
    })
}

/// A referral assigned now to `who`'s organization: the latest referral of the request.
#[derive(Debug, Clone)]
pub struct Assigned {
    pub org: String,
    pub attempt: u16,
    pub referral: Referral,
}

pub fn assigned(app: &App, who: i64, code: &str) -> AppResult<Result<Assigned, Refusal>> {
    let org = match staff_org(app, who)? {
        Ok(org) => org,
        Err(refusal) => return Ok(Err(refusal)),
    };
    Ok(assigned_to(app, &org, code)?.ok_or(Refusal::NotAssigned))
}

/// The latest referral of a request, if it is with `org`.
pub(crate) fn assigned_to(app: &App, org: &str, code: &str) -> AppResult<Option<Assigned>> {
    Ok(app
        .store
        .latest_referral(code)?
        .filter(|(_, r)| r.org == org)
        .map(|(attempt, referral)| Assigned {
            org: org.to_string(),
            attempt,
            referral,
        }))
}

/// An expert request of `who`'s, with its status.
pub fn expert_owner(
    app: &App,
    who: i64,
    code: &str,
) -> AppResult<Result<(ExpertRequest, ExpertStatus), Refusal>> {
    let Some((request, status)) = app.store.expert_request(code)? else {
        return Ok(Err(Refusal::Gone));
    };
    Ok(if request.requester_chat == who {
        Ok((request, status))
    } else {
        Err(Refusal::NotOwner)
    })
}

/// An expert request as one organization's staff member may see it.
#[derive(Debug, Clone)]
pub struct OfferedTo {
    pub org: String,
    pub request: ExpertRequest,
    pub status: ExpertStatus,
    /// The organization's answer, if it gave one.
    pub earlier: Option<Answer>,
    /// Whether the request is still on the organization's list (open, offered to it).
    pub listed: bool,
}

impl OfferedTo {
    pub fn filled_by_us(&self) -> bool {
        matches!(&self.status, ExpertStatus::Filled { org } if *org == self.org)
    }
}

/// An expert request offered to `who`'s organization (now, or before: it answered, or its
/// offer was picked).
pub fn offered_to(app: &App, who: i64, code: &str) -> AppResult<Result<OfferedTo, Refusal>> {
    let org = match staff_org(app, who)? {
        Ok(org) => org,
        Err(refusal) => return Ok(Err(refusal)),
    };
    let Some((request, status)) = app.store.expert_request(code)? else {
        return Ok(Err(Refusal::Gone));
    };
    let earlier = app
        .store
        .expert_answers(code)?
        .into_iter()
        .find(|a| a.org == org)
        .map(|a| a.answer);
    let listed = app
        .store
        .expert_requests_for(&org)?
        .iter()
        .any(|c| c == code);
    let offered = OfferedTo {
        org,
        request,
        status,
        earlier,
        listed,
    };
    Ok(
        if offered.listed || offered.earlier.is_some() || offered.filled_by_us() {
            Ok(offered)
        } else {
            Err(Refusal::NotAssigned)
        },
    )
}
