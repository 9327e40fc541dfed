//! The lists that gather both kinds of request: an organization's inbox (its open referrals
//! and the expert requests offered to it) and a person's own requests.

use super::access::{self, Refusal};
use super::expert::{self, StaffStatus};
use super::help::{self, OwnRequest};
use super::{App, AppResult};
use crate::domain::ReferralStatus;
use crate::domain::expert::ExpertStatus;

/// At most this many of each kind are listed (a screen of buttons).
pub const LISTED: usize = 40;

/// An organization's open work, as its staff see it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Inbox {
    pub org: String,
    /// It takes no new referrals until resumed.
    pub paused: bool,
    /// Open referrals: all of them are counted, the first `LISTED` listed.
    pub referral_count: usize,
    pub referrals: Vec<(String, ReferralStatus)>,
    pub expert: Vec<(String, StaffStatus)>,
}

pub fn inbox(app: &App, who: i64) -> AppResult<Result<Inbox, Refusal>> {
    let org = match access::staff_org(app, who)? {
        Ok(org) => org,
        Err(refusal) => return Ok(Err(refusal)),
    };
    let codes = app.store.open_referrals_of(&org)?;
    let mut referrals = Vec::new();
    for code in codes.iter().take(LISTED) {
        if let Some(assigned) = access::assigned_to(app, &org, code)? {
            referrals.push((code.clone(), assigned.referral.status));
        }
    }
    Ok(Ok(Inbox {
        paused: app.store.is_paused(&org)?,
        referral_count: codes.len(),
        referrals,
        expert: expert::offered_requests(app, &org, LISTED)?,
        org,
    }))
}

/// A person's requests of both kinds.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Mine {
    pub help: Vec<OwnRequest>,
    pub expert: Vec<(String, ExpertStatus)>,
}

pub fn mine(app: &App, who: i64) -> AppResult<Mine> {
    Ok(Mine {
        help: help::own_requests(app, who)?,
        expert: expert::own_requests(app, who)?,
    })
}
