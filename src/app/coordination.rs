//! Running the network: coordinators invite staff, staff join and pause their organization,
//! coordinators read counts; and anyone deletes everything the bot keeps about them.

use super::access::{self, Refusal};
use super::notice::{Departure, Notice, NoticeKind};
use super::{App, AppResult, Committed, notify};
use crate::domain::audit::{ActorRole, AuditAction, AuditEntry};
use crate::domain::{Lang, Timestamp};
use crate::storage::{Member, OutboxBody, PendingInvite, Subject};

/// Writes an audit entry for an action on an organization's team or availability.
pub(crate) fn audit(
    app: &App,
    who: i64,
    role: ActorRole,
    action: AuditAction,
    org: &str,
) -> AppResult<()> {
    app.store.audit(&AuditEntry {
        at: app.now(),
        role,
        actor: app.store.actor_id(who),
        action,
        org: Some(org.to_string()),
        fields: Vec::new(),
    })?;
    Ok(())
}

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
    audit(
        app,
        who,
        ActorRole::Coordinator,
        AuditAction::StaffInvited,
        &org,
    )?;
    tracing::info!("invitation created");
    app.commit(Invited::Code { org, code }).await
}

/// Failed invitations a person may try in an hour; more are refused without checking.
pub const JOIN_FAILURES_PER_HOUR: u32 = 5;
/// The longest staff label accepted, in characters.
pub const MAX_LABEL: usize = 60;

/// What an invitation code leads to before the person is asked for their label.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum JoinStep {
    /// Valid: ask how colleagues should know them.
    AskLabel { org: String },
    /// Unknown, used or expired — deliberately the same.
    Invalid,
    /// Too many failed invitations in the last hour: not even checked.
    TooManyTries,
}

fn too_many_tries(app: &App, who: i64) -> AppResult<bool> {
    Ok(app
        .store
        .count_in_window(Subject::Person(who), "join-failed", 3600, app.now())?
        >= JOIN_FAILURES_PER_HOUR)
}

/// A failed invitation: counted for the person (the hourly limit) and as a security event.
fn failed_join(app: &App, who: i64) -> AppResult<()> {
    app.store
        .count_event(Subject::Person(who), "join-failed", 3600, app.now())?;
    app.security_event("invalid-invitation");
    Ok(())
}

/// Checks an invitation code without using it up.
pub async fn check_invitation(app: &App, who: i64, code: &str) -> AppResult<Committed<JoinStep>> {
    if too_many_tries(app, who)? {
        return Ok(app.unchanged(JoinStep::TooManyTries));
    }
    match app.store.invite_for(code, app.now())? {
        Some(org) => Ok(app.unchanged(JoinStep::AskLabel { org })),
        None => {
            failed_join(app, who)?;
            app.commit(JoinStep::Invalid).await
        }
    }
}

/// What became of using an invitation.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Joined {
    Member {
        org: String,
    },
    /// Unknown, used or expired — deliberately the same.
    Invalid,
    TooManyTries,
    /// The label is empty, too long, or more than one line: ask again.
    BadLabel,
}

/// Uses an invitation: `who` becomes staff of its organization, known to colleagues by
/// `label` (kept sealed); notices reach them in `lang` unless they chose another. The
/// organization's other staff and the coordinators are told.
pub async fn join(
    app: &App,
    who: i64,
    chat: i64,
    lang: Lang,
    code: &str,
    label: &str,
) -> AppResult<Committed<Joined>> {
    let label = label.trim();
    if label.is_empty() || label.chars().count() > MAX_LABEL || label.contains('\n') {
        return Ok(app.unchanged(Joined::BadLabel));
    }
    if too_many_tries(app, who)? {
        return Ok(app.unchanged(Joined::TooManyTries));
    }
    let outcome = match app
        .store
        .accept_invite(code.trim(), who, chat, label, app.now())?
    {
        Ok(org) => {
            app.remember_language(who, lang)?;
            let kind = NoticeKind::StaffJoined {
                org: org.clone(),
                label: label.to_string(),
            };
            let mut notices = notify::to_staff(app, &org, &kind, &[])?;
            notices.retain(|n| n.to != chat);
            notices.extend(notify::to_coordinators(app, &kind));
            app.store.enqueue(&notify::entries(&notices), app.now())?;
            audit(app, who, ActorRole::Staff, AuditAction::StaffJoined, &org)?;
            tracing::info!("a staff member joined an organization");
            Joined::Member { org }
        }
        Err(_) => {
            failed_join(app, who)?;
            tracing::info!("an invalid invitation was used");
            Joined::Invalid
        }
    };
    // A used-up code is written too (it is gone): flush either way.
    app.commit(outcome).await
}

/// An organization's staff, for a coordinator.
pub fn staff(app: &App, who: i64, org: &str) -> AppResult<Result<Vec<Member>, Refusal>> {
    if let Err(refusal) = access::coordinator(app, who) {
        return Ok(Err(refusal));
    }
    Ok(Ok(app.store.staff_members(org)?))
}

/// What became of ending a membership.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Removed {
    /// Done; the organization and the member's label, as the others were told.
    Done {
        org: String,
        label: String,
    },
    /// Not (or no longer) a member.
    NotMember,
    Refused(Refusal),
}

/// A coordinator revokes a member: from now on they get no notices, no button works for them
/// and nothing relayed reaches them; what was queued for them as staff is dropped.
pub async fn revoke(app: &App, who: i64, org: &str, member: &str) -> AppResult<Committed<Removed>> {
    if let Err(refusal) = access::coordinator(app, who) {
        return Ok(app.unchanged(Removed::Refused(refusal)));
    }
    remove(app, who, org, member, Departure::Revoked).await
}

/// An organization's invitations not yet used (coordinators).
pub fn invitations(
    app: &App,
    who: i64,
    org: &str,
) -> AppResult<Result<Vec<PendingInvite>, Refusal>> {
    if let Err(refusal) = access::coordinator(app, who) {
        return Ok(Err(refusal));
    }
    Ok(Ok(app.store.pending_invites(org, app.now())?))
}

/// A coordinator cancels an invitation before it is used; whether there was one.
pub async fn cancel_invitation(
    app: &App,
    who: i64,
    org: &str,
    id: &str,
) -> AppResult<Committed<Result<bool, Refusal>>> {
    if let Err(refusal) = access::coordinator(app, who) {
        return Ok(app.unchanged(Err(refusal)));
    }
    if !app.store.cancel_invite(org, id)? {
        return Ok(app.unchanged(Ok(false)));
    }
    audit(
        app,
        who,
        ActorRole::Coordinator,
        AuditAction::InviteCancelled,
        org,
    )?;
    app.commit(Ok(true)).await
}

/// A staff member leaves their organization.
pub async fn leave(app: &App, who: i64) -> AppResult<Committed<Removed>> {
    let Some(org) = app.store.staff_org(who)? else {
        return Ok(app.unchanged(Removed::NotMember));
    };
    let member = app.store.member_id(who);
    remove(app, who, &org, &member, Departure::Left).await
}

async fn remove(
    app: &App,
    who: i64,
    org: &str,
    member: &str,
    how: Departure,
) -> AppResult<Committed<Removed>> {
    let Some(gone) = app.store.remove_staff(org, member)? else {
        return Ok(app.unchanged(Removed::NotMember));
    };
    drop_staff_notices(app, gone.chat, org)?;
    let (role, action) = match how {
        Departure::Revoked => (ActorRole::Coordinator, AuditAction::StaffRemoved),
        Departure::Left => (ActorRole::Staff, AuditAction::StaffLeft),
    };
    audit(app, who, role, action, org)?;
    let kind = NoticeKind::StaffLeft {
        org: org.to_string(),
        label: gone.label.clone(),
        how,
    };
    let mut notices = notify::to_staff(app, org, &kind, &[])?;
    notices.extend(notify::to_coordinators(app, &kind));
    app.store.enqueue(&notify::entries(&notices), app.now())?;
    tracing::info!(?how, "a staff member left an organization");
    app.commit(Removed::Done {
        org: org.to_string(),
        label: gone.label,
    })
    .await
}

/// Drops what is queued for `chat` as staff of `org` (not what is queued for them as a
/// requester).
fn drop_staff_notices(app: &App, chat: i64, org: &str) -> AppResult<()> {
    for pending in app.store.due(Timestamp::NEVER, usize::MAX)? {
        if pending.entry.chat_id != chat {
            continue;
        }
        if let OutboxBody::Notice(encoded) = &pending.entry.body
            && Notice::decode(encoded).is_some_and(|n| n.staff_of.as_deref() == Some(org))
        {
            app.store.outbox_done(pending.id)?;
        }
    }
    Ok(())
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
    let action = if paused {
        AuditAction::OrgPaused
    } else {
        AuditAction::OrgResumed
    };
    audit(app, who, ActorRole::Staff, action, &org)?;
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
