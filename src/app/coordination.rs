//! Running the network: coordinators invite staff, staff join and pause their organization,
//! coordinators read counts; and anyone deletes everything the bot keeps about them.

use super::access::{self, Refusal};
use super::notice::NoticeKind;
use super::{App, AppResult, Committed, notify};
use crate::domain::Lang;

/// What became of an invitation.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Invited {
    /// A single-use code for the organization.
    Code {
        org: String,
        code: String,
    },
    UnknownOrg,
    Refused(Refusal),
}

/// A coordinator's invitation for an organization's staff.
pub async fn invite(app: &App, who: i64, org_id: &str) -> AppResult<Committed<Invited>> {
    if let Err(refusal) = access::coordinator(app, who) {
        return Ok(app.unchanged(Invited::Refused(refusal)));
    }
    let Some(org) = app.directory().find(org_id).map(|o| o.id.clone()) else {
        return Ok(app.unchanged(Invited::UnknownOrg));
    };
    let code = app.store.create_invite(&org, app.now())?;
    tracing::info!("invitation created");
    app.commit(Invited::Code { org, code }).await
}

/// What became of using an invitation.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Joined {
    Member {
        org: String,
    },
    /// Unknown, used or expired — deliberately the same.
    Invalid,
}

/// Uses an invitation: `who` becomes staff of its organization; notices reach them in `lang`
/// unless they chose another.
pub async fn join(
    app: &App,
    who: i64,
    chat: i64,
    lang: Lang,
    code: &str,
) -> AppResult<Committed<Joined>> {
    let joined = app.store.accept_invite(code.trim(), who, chat, app.now())?;
    let outcome = match joined {
        Ok(org) => {
            app.remember_language(who, lang)?;
            tracing::info!("a staff member joined an organization");
            Joined::Member { org }
        }
        Err(_) => {
            tracing::info!("an invalid invitation was used");
            Joined::Invalid
        }
    };
    // A used-up code is written too (it is gone): flush either way.
    app.commit(outcome).await
}

/// Staff stop (or resume) new referrals to their organization. Returns the organization.
pub async fn set_paused(
    app: &App,
    who: i64,
    paused: bool,
) -> AppResult<Committed<Result<String, Refusal>>> {
    let org = match access::staff_org(app, who)? {
        Ok(org) => org,
        Err(refusal) => return Ok(app.unchanged(Err(refusal))),
    };
    app.store.set_paused(&org, paused, app.now())?;
    tracing::info!(
        paused,
        "an organization changed whether it takes new referrals"
    );
    app.commit(Ok(org)).await
}

/// Counts for coordinators — never content.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Stats {
    /// Refused buttons and actions (forged, replayed, stale, not the person's).
    pub security_events: u64,
    /// Help requests no organization could take.
    pub unplaced: u64,
    /// Referrals pending or accepted now.
    pub open_referrals: u64,
    /// Messages waiting to be delivered.
    pub outbox: u64,
    pub help_yes: u64,
    pub help_partly: u64,
    pub help_no: u64,
    pub held: u64,
    pub not_held: u64,
    pub expert_unplaced: u64,
    pub expert_no_offer: u64,
}

pub fn stats(app: &App, who: i64) -> AppResult<Result<Stats, Refusal>> {
    if let Err(refusal) = access::coordinator(app, who) {
        return Ok(Err(refusal));
    }
    let count = |name: &str| app.store.counter(name);
    Ok(Ok(Stats {
        security_events: count("security_events")?,
        unplaced: count("unplaced")?,
        open_referrals: app.store.open_referral_counts()?.values().sum::<usize>() as u64,
        outbox: app.store.outbox_len() as u64,
        help_yes: count("help_yes")?,
        help_partly: count("help_partly")?,
        help_no: count("help_no")?,
        held: count("held")?,
        not_held: count("not_held")?,
        expert_unplaced: count("expert_unplaced")?,
        expert_no_offer: count("expert_no_offer")?,
    }))
}

/// What /forget deleted.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Forgotten {
    pub requests: usize,
    /// The chat's messages of the last 48 hours, for the adapter to delete from the chat.
    pub recent_messages: Vec<i32>,
}

/// Deletes everything about `who` (in their private chat `chat`) and tells organizations
/// whose referral of theirs was open.
pub async fn forget(app: &App, who: i64, chat: i64) -> AppResult<Committed<Forgotten>> {
    let forgotten = app.store.forget_person(who, chat, app.now())?;
    let mut notices = Vec::new();
    for (code, org) in &forgotten.open_referrals {
        notices.extend(notify::to_staff(
            app,
            org,
            &NoticeKind::ReferralForgotten { code: code.clone() },
            &[],
        )?);
    }
    app.store.enqueue(&notify::entries(&notices), app.now())?;
    tracing::info!(
        requests = forgotten.requests,
        "a person's data was deleted on request"
    );
    app.commit(Forgotten {
        requests: forgotten.requests,
        recent_messages: forgotten.recent_messages,
    })
    .await
}
