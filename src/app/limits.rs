//! Limits against floods, per person: help requests waiting for an organization's answer at
//! once and new ones a day, open requests for trainers. (The relay's hourly limit is in
//! `relay`; failed invitations in `coordination`.) A refusal changes nothing; only counts
//! are kept, and /forget deletes them.

use super::{App, AppResult};
use crate::domain::ReferralStatus;
use crate::domain::expert::ExpertStatus;
use crate::storage::Subject;

/// Help requests waiting for an organization's answer at once (accepted ones do not count:
/// nobody is locked out by a referral nobody closed).
pub const MAX_PENDING_HELP: u32 = 3;
/// New help requests a day.
pub const MAX_HELP_PER_DAY: u32 = 5;
/// Open requests for trainers and experts at once.
pub const MAX_OPEN_EXPERT: u32 = 5;

const DAY: i64 = 24 * 3600;
const HELP_SENT: &str = "help-sent";

/// Which limit a person reached.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Limit {
    PendingHelp,
    HelpPerDay,
    OpenExpert,
}

impl Limit {
    /// The number the limit allows.
    pub fn max(self) -> u32 {
        match self {
            Limit::PendingHelp => MAX_PENDING_HELP,
            Limit::HelpPerDay => MAX_HELP_PER_DAY,
            Limit::OpenExpert => MAX_OPEN_EXPERT,
        }
    }
}

/// Whether `who` may send another help request now.
pub fn help_request(app: &App, who: i64) -> AppResult<Option<Limit>> {
    let mut pending = 0;
    for code in app.store.requests_of(who)? {
        let waiting = matches!(
            app.store.latest_referral(&code)?,
            Some((_, r)) if r.status == ReferralStatus::Pending
        );
        if waiting {
            pending += 1;
        }
    }
    if pending >= MAX_PENDING_HELP {
        return Ok(Some(Limit::PendingHelp));
    }
    let today = app
        .store
        .count_in_window(Subject::Person(who), HELP_SENT, DAY, app.now())?;
    Ok((today >= MAX_HELP_PER_DAY).then_some(Limit::HelpPerDay))
}

/// Counts a help request she sent (for the daily limit).
pub(super) fn count_help_request(app: &App, who: i64) -> AppResult<()> {
    app.store
        .count_event(Subject::Person(who), HELP_SENT, DAY, app.now())?;
    Ok(())
}

/// Whether `who` may send another request for a trainer or expert now.
pub fn expert_request(app: &App, who: i64) -> AppResult<Option<Limit>> {
    let mut open = 0;
    for code in app.store.expert_requests_of(who)? {
        if matches!(
            app.store.expert_request(&code)?,
            Some((_, ExpertStatus::Open))
        ) {
            open += 1;
        }
    }
    Ok((open >= MAX_OPEN_EXPERT).then_some(Limit::OpenExpert))
}
