//! The directory as coordinators keep it: list and filter, create and edit an organization,
//! vet, suspend and reactivate; and an organization's own staff keeping its card current.
//! Every change is written with its audit entry, reaches search at once (the in-memory index
//! is rebuilt and swapped), and is announced to the organization's staff.

use chrono::{Months, NaiveDate};

use super::access::{self, Refusal};
use super::notice::NoticeKind;
use super::{App, AppResult, Committed, notify};
use crate::domain::audit::{ActorRole, AuditAction, AuditEntry};
use crate::domain::organization::{apply_fields, changed_fields};
use crate::domain::{Organization, VettingStatus};
use crate::storage::{Proposal, StoreError};

/// Who is looking at the dashboard.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Role {
    Coordinator,
    /// A member of this organization's team.
    Staff(String),
    Nobody,
}

/// A coordinator first (a coordinator who is also on a team sees everything), then staff.
pub fn role(app: &App, who: i64) -> AppResult<Role> {
    if app.is_coordinator(who) {
        return Ok(Role::Coordinator);
    }
    Ok(match app.store.staff_org(who)? {
        Some(org) => Role::Staff(org),
        None => Role::Nobody,
    })
}

/// Days before expiry from which vetting is flagged and reminded of.
pub const EXPIRY_WARNING_DAYS: i64 = 30;
/// How long a vetting holds unless the coordinator says otherwise.
pub const VETTING_MONTHS: u32 = 12;

/// Where an organization stands with its vetting.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Standing {
    Active,
    /// Active, but the vetting ends within 30 days.
    ExpiringSoon,
    Expired,
    Suspended,
}

impl Standing {
    pub fn of(org: &Organization, today: NaiveDate) -> Standing {
        if org.vetting.status == VettingStatus::Suspended {
            Standing::Suspended
        } else if org.vetting.expires_on < today {
            Standing::Expired
        } else if (org.vetting.expires_on - today).num_days() <= EXPIRY_WARNING_DAYS {
            Standing::ExpiringSoon
        } else {
            Standing::Active
        }
    }

    pub fn code(self) -> &'static str {
        match self {
            Standing::Active => "active",
            Standing::ExpiringSoon => "expiring",
            Standing::Expired => "expired",
            Standing::Suspended => "suspended",
        }
    }

    pub fn from_code(code: &str) -> Option<Standing> {
        [
            Standing::Active,
            Standing::ExpiringSoon,
            Standing::Expired,
            Standing::Suspended,
        ]
        .into_iter()
        .find(|s| s.code() == code)
    }
}

/// An organization as the dashboard lists it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OrgRow {
    pub org: Organization,
    pub standing: Standing,
    pub staff: usize,
    pub open_referrals: usize,
    pub paused: bool,
}

/// What the directory list is narrowed to.
#[derive(Debug, Clone, Default)]
pub struct ListQuery {
    /// Words the id or either name must contain (case-insensitive).
    pub text: Option<String>,
    pub standing: Option<Standing>,
    pub topic: Option<String>,
    pub region: Option<String>,
    /// 0-based.
    pub page: usize,
}

pub const PAGE_SIZE: usize = 25;

/// One page of a list.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Page<T> {
    pub items: Vec<T>,
    pub total: usize,
    pub page: usize,
    pub pages: usize,
}

fn row(app: &App, org: &Organization) -> AppResult<OrgRow> {
    Ok(OrgRow {
        standing: Standing::of(org, app.today()),
        staff: app.store.staff_count(&org.id)?,
        open_referrals: app.store.open_referrals_of(&org.id)?.len(),
        paused: app.store.is_paused(&org.id)?,
        org: org.clone(),
    })
}

fn matches(org: &Organization, q: &ListQuery, today: NaiveDate) -> bool {
    if let Some(text) = q.text.as_deref().map(str::trim).filter(|t| !t.is_empty()) {
        let text = text.to_lowercase();
        let hit =
            org.id.contains(&text) || org.name.all().any(|n| n.to_lowercase().contains(&text));
        if !hit {
            return false;
        }
    }
    if q.standing.is_some_and(|s| Standing::of(org, today) != s) {
        return false;
    }
    if q.topic.as_deref().is_some_and(|t| !org.has_topic(t)) {
        return false;
    }
    if q.region.as_deref().is_some_and(|r| !org.regions.serves(r)) {
        return false;
    }
    true
}

/// The directory, filtered, a page at a time (coordinators).
pub fn list(app: &App, who: i64, q: &ListQuery) -> AppResult<Result<Page<OrgRow>, Refusal>> {
    if let Err(r) = access::coordinator(app, who) {
        return Ok(Err(r));
    }
    let directory = app.directory();
    let today = app.today();
    let hits: Vec<&Organization> = directory
        .organizations()
        .iter()
        .filter(|o| matches(o, q, today))
        .collect();
    let total = hits.len();
    let pages = total.div_ceil(PAGE_SIZE).max(1);
    let page = q.page.min(pages - 1);
    let items = hits
        .iter()
        .skip(page * PAGE_SIZE)
        .take(PAGE_SIZE)
        .map(|o| row(app, o))
        .collect::<AppResult<Vec<_>>>()?;
    Ok(Ok(Page {
        items,
        total,
        page,
        pages,
    }))
}

/// One organization: coordinators see any; staff only their own.
pub fn get(app: &App, who: i64, id: &str) -> AppResult<Result<OrgRow, Refusal>> {
    match role(app, who)? {
        Role::Coordinator => {}
        Role::Staff(org) if org == id => {}
        Role::Staff(_) => return Ok(Err(Refusal::NotAssigned)),
        Role::Nobody => return Ok(Err(Refusal::NotStaff)),
    }
    match app.directory().find(id) {
        Some(org) => Ok(Ok(row(app, org)?)),
        None => Ok(Err(Refusal::Gone)),
    }
}

/// Why a change was not saved.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum NotSaved {
    Refused(Refusal),
    /// Creating: the id is taken.
    IdTaken,
    /// Someone changed the organization since it was read; nothing was written.
    ChangedMeanwhile,
    /// Nothing differs from what is stored.
    NoChange,
    /// A staff member changed something only a coordinator may change.
    NotYours(Vec<&'static str>),
}

/// What a saved change did.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Saved {
    pub org: Organization,
    pub fields: Vec<&'static str>,
}

fn actor(app: &App, who: i64, role: ActorRole) -> String {
    match role {
        ActorRole::Operator => String::new(),
        _ => app.store.actor_id(who),
    }
}

/// Puts the organization into the search index, so search and routing see the change from
/// the next update on.
fn publish(app: &App, org: &Organization) {
    app.put_organization(org.clone());
}

async fn write(
    app: &App,
    who: i64,
    role: ActorRole,
    action: AuditAction,
    org: Organization,
    before: Option<&Organization>,
) -> AppResult<Committed<Result<Saved, NotSaved>>> {
    let fields = match before {
        Some(b) => changed_fields(b, &org),
        None => Vec::new(),
    };
    if before.is_some() && fields.is_empty() {
        return Ok(app.unchanged(Err(NotSaved::NoChange)));
    }
    let entry = AuditEntry {
        at: app.now(),
        role,
        actor: actor(app, who, role),
        action,
        org: Some(org.id.clone()),
        fields: fields.iter().map(|f| f.to_string()).collect(),
    };
    match app.store.save_organization(&org, before, &entry) {
        Ok(()) => {}
        Err(StoreError::Stale) => {
            return Ok(app.unchanged(Err(if before.is_none() {
                NotSaved::IdTaken
            } else {
                NotSaved::ChangedMeanwhile
            })));
        }
        Err(e) => return Err(e.into()),
    }
    let kind = NoticeKind::OrgChanged {
        org: org.id.clone(),
        action,
        fields: entry.fields.clone(),
    };
    let notices: Vec<_> = notify::to_staff(app, &org.id, &kind, &[])?
        .into_iter()
        .filter(|n| n.to != who)
        .collect();
    app.store.enqueue(&notify::entries(&notices), app.now())?;
    publish(app, &org);
    tracing::info!(action = action.code(), "an organization was changed");
    app.commit(Ok(Saved { org, fields })).await
}

/// The organization as stored, if `who` may change it as a coordinator.
fn for_coordinator(app: &App, who: i64, id: &str) -> AppResult<Result<Organization, NotSaved>> {
    if let Err(r) = access::coordinator(app, who) {
        return Ok(Err(NotSaved::Refused(r)));
    }
    match app.store.organization(id)? {
        Some(org) => Ok(Ok(org)),
        None => Ok(Err(NotSaved::Refused(Refusal::Gone))),
    }
}

/// A coordinator adds an organization (already checked by the directory file's rules). It
/// is recorded as vetted by this coordinator today unless the form says otherwise.
pub async fn create(
    app: &App,
    who: i64,
    org: Organization,
) -> AppResult<Committed<Result<Saved, NotSaved>>> {
    if let Err(r) = access::coordinator(app, who) {
        return Ok(app.unchanged(Err(NotSaved::Refused(r))));
    }
    if app.store.organization(&org.id)?.is_some() {
        return Ok(app.unchanged(Err(NotSaved::IdTaken)));
    }
    write(
        app,
        who,
        ActorRole::Coordinator,
        AuditAction::OrgCreated,
        org,
        None,
    )
    .await
}

/// A coordinator changes an organization. `read` is the version the form was filled from;
/// if the store holds another, nothing is written. Vetting is kept as stored (it changes
/// only by `vet`, `suspend`, `reactivate`).
pub async fn edit(
    app: &App,
    who: i64,
    mut org: Organization,
    read: &Organization,
) -> AppResult<Committed<Result<Saved, NotSaved>>> {
    let stored = match for_coordinator(app, who, &org.id)? {
        Ok(s) => s,
        Err(e) => return Ok(app.unchanged(Err(e))),
    };
    if &stored != read {
        return Ok(app.unchanged(Err(NotSaved::ChangedMeanwhile)));
    }
    org.vetting = stored.vetting.clone();
    write(
        app,
        who,
        ActorRole::Coordinator,
        AuditAction::OrgEdited,
        org,
        Some(&stored),
    )
    .await
}

/// The organization as stored, if `who` is on its team and it is still the version `read`.
fn for_own_staff(
    app: &App,
    who: i64,
    id: &str,
    read: &Organization,
) -> AppResult<Result<Organization, NotSaved>> {
    match role(app, who)? {
        Role::Staff(mine) if mine == id => {}
        Role::Staff(_) => return Ok(Err(NotSaved::Refused(Refusal::NotAssigned))),
        _ => return Ok(Err(NotSaved::Refused(Refusal::NotStaff))),
    }
    Ok(match app.store.organization(id)? {
        None => Err(NotSaved::Refused(Refusal::Gone)),
        Some(stored) if &stored != read => Err(NotSaved::ChangedMeanwhile),
        Some(stored) => Ok(stored),
    })
}

/// The fields a staff member changes at once; anything else waits for a coordinator.
pub const STAFF_FIELDS: [&str; 3] = ["hours", "description", "response_hours"];

/// A staff member keeps their organization's card current: hours, description and response
/// time change at once. Anything else is refused here (`NotYours`, naming the fields); the
/// adapter offers it as a proposal for a coordinator instead.
pub async fn edit_own(
    app: &App,
    who: i64,
    org: Organization,
    read: &Organization,
) -> AppResult<Committed<Result<Saved, NotSaved>>> {
    let stored = match for_own_staff(app, who, &org.id, read)? {
        Ok(s) => s,
        Err(e) => return Ok(app.unchanged(Err(e))),
    };
    let not_yours: Vec<&'static str> = changed_fields(&stored, &org)
        .into_iter()
        .filter(|f| !STAFF_FIELDS.contains(f))
        .collect();
    if !not_yours.is_empty() {
        return Ok(app.unchanged(Err(NotSaved::NotYours(not_yours))));
    }
    app.store.touch_staff(who, app.today())?;
    write(
        app,
        who,
        ActorRole::Staff,
        AuditAction::OrgEdited,
        org,
        Some(&stored),
    )
    .await
}

/// The date a vetting made today holds until by default: 12 months on.
pub fn default_expiry(today: NaiveDate) -> NaiveDate {
    today
        .checked_add_months(Months::new(VETTING_MONTHS))
        .unwrap_or(today)
}

/// A coordinator vets (or re-vets) an organization: recorded as by a coordinator, today,
/// until `until` (12 months on if not given), and active.
pub async fn vet(
    app: &App,
    who: i64,
    id: &str,
    until: Option<NaiveDate>,
) -> AppResult<Committed<Result<Saved, NotSaved>>> {
    let stored = match for_coordinator(app, who, id)? {
        Ok(s) => s,
        Err(e) => return Ok(app.unchanged(Err(e))),
    };
    let today = app.today();
    let mut org = stored.clone();
    org.vetting.vetted_by = "coordinator".into();
    org.vetting.vetted_on = today;
    org.vetting.expires_on = until
        .filter(|d| *d > today)
        .unwrap_or(default_expiry(today));
    org.vetting.status = VettingStatus::Active;
    write(
        app,
        who,
        ActorRole::Coordinator,
        AuditAction::OrgVetted,
        org,
        Some(&stored),
    )
    .await
}

/// A coordinator suspends an organization (it leaves search and routing at once) or
/// reactivates it.
pub async fn set_suspended(
    app: &App,
    who: i64,
    id: &str,
    suspended: bool,
) -> AppResult<Committed<Result<Saved, NotSaved>>> {
    let stored = match for_coordinator(app, who, id)? {
        Ok(s) => s,
        Err(e) => return Ok(app.unchanged(Err(e))),
    };
    let mut org = stored.clone();
    org.vetting.status = if suspended {
        VettingStatus::Suspended
    } else {
        VettingStatus::Active
    };
    let action = if suspended {
        AuditAction::OrgSuspended
    } else {
        AuditAction::OrgReactivated
    };
    write(app, who, ActorRole::Coordinator, action, org, Some(&stored)).await
}

/// The whole directory for a download (coordinators); the download is audited.
pub async fn export(app: &App, who: i64) -> AppResult<Result<Vec<Organization>, Refusal>> {
    if let Err(r) = access::coordinator(app, who) {
        return Ok(Err(r));
    }
    app.store.audit(&AuditEntry {
        at: app.now(),
        role: ActorRole::Coordinator,
        actor: app.store.actor_id(who),
        action: AuditAction::DirectoryExported,
        org: None,
        fields: Vec::new(),
    })?;
    let _ = app.commit(()).await?;
    Ok(Ok(app.directory().organizations().to_vec()))
}

/// Days before a vetting ends when its organization's staff and the coordinators are
/// reminded; 0 is the notice that it has ended.
pub const REMINDER_STAGES: [i64; 3] = [30, 7, 0];

/// The reminder due for an organization today, if any: the latest stage it has reached.
fn reminder_stage(org: &Organization, today: NaiveDate) -> Option<i64> {
    if org.vetting.status == VettingStatus::Suspended {
        return None;
    }
    let left = (org.vetting.expires_on - today).num_days();
    if left < 0 {
        return Some(0);
    }
    REMINDER_STAGES
        .into_iter()
        .filter(|stage| *stage > 0 && left <= *stage)
        .min()
}

/// Reminds of vetting that ends within 30 and 7 days, and says when it has ended (the
/// organization is then out of search): to the organization's staff and the coordinators,
/// once per stage and vetting. Returns how many organizations were reminded.
pub async fn remind_vetting(app: &App) -> AppResult<Committed<usize>> {
    let today = app.today();
    let directory = app.directory();
    let mut reminded = 0;
    for org in directory.organizations() {
        let Some(stage) = reminder_stage(org, today) else {
            continue;
        };
        let until = org.vetting.expires_on;
        if app.store.vetting_reminded(&org.id, until, stage as u8)? {
            continue;
        }
        let kind = NoticeKind::VettingEnds {
            org: org.id.clone(),
            until,
            days: (until - today).num_days().max(0),
        };
        let mut notices = notify::to_staff(app, &org.id, &kind, &[])?;
        notices.extend(notify::to_coordinators(app, &kind));
        // Queued first, then marked: a crash between the two repeats a reminder rather than
        // losing it.
        app.store.enqueue(&notify::entries(&notices), app.now())?;
        app.store
            .mark_vetting_reminded(&org.id, until, stage as u8)?;
        reminded += 1;
    }
    if reminded > 0 {
        tracing::info!(organizations = reminded, "vetting reminders queued");
    }
    app.commit(reminded).await
}

/// A staff member proposes a change a coordinator must approve (contacts, topics, regions,
/// kinds of help, …). One proposal per organization: a newer one replaces it. Coordinators
/// are told which fields; nothing changes in the directory until one approves.
pub async fn propose(
    app: &App,
    who: i64,
    org: Organization,
    read: &Organization,
) -> AppResult<Committed<Result<Vec<&'static str>, NotSaved>>> {
    let stored = match for_own_staff(app, who, &org.id, read)? {
        Ok(s) => s,
        Err(e) => return Ok(app.unchanged(Err(e))),
    };
    let mut proposed = org;
    proposed.vetting = stored.vetting.clone();
    let fields = changed_fields(&stored, &proposed);
    if fields.is_empty() {
        return Ok(app.unchanged(Err(NotSaved::NoChange)));
    }
    let by = app.store.actor_id(who);
    let entry = AuditEntry {
        at: app.now(),
        role: ActorRole::Staff,
        actor: by.clone(),
        action: AuditAction::ChangeProposed,
        org: Some(stored.id.clone()),
        fields: fields.iter().map(|f| f.to_string()).collect(),
    };
    app.store
        .save_proposal(&stored, &proposed, &by, app.now(), &entry)?;
    app.store.touch_staff(who, app.today())?;
    let kind = NoticeKind::OrgChanged {
        org: stored.id.clone(),
        action: AuditAction::ChangeProposed,
        fields: entry.fields.clone(),
    };
    app.store.enqueue(
        &notify::entries(&notify::to_coordinators(app, &kind)),
        app.now(),
    )?;
    tracing::info!("a change to an organization was proposed");
    app.commit(Ok(fields)).await
}

/// The proposed changes waiting for a coordinator.
pub fn proposals(app: &App, who: i64) -> AppResult<Result<Vec<Proposal>, Refusal>> {
    if let Err(r) = access::coordinator(app, who) {
        return Ok(Err(r));
    }
    Ok(Ok(app.store.proposals()?))
}

/// A coordinator approves an organization's proposed change (applied onto the organization
/// as it is now, so what others changed meanwhile stays) or rejects it; the team is told.
pub async fn decide_proposal(
    app: &App,
    who: i64,
    id: &str,
    approve: bool,
) -> AppResult<Committed<Result<Vec<&'static str>, NotSaved>>> {
    let stored = match for_coordinator(app, who, id)? {
        Ok(s) => s,
        Err(e) => return Ok(app.unchanged(Err(e))),
    };
    let Some(proposal) = app.store.proposal(id)? else {
        return Ok(app.unchanged(Err(NotSaved::Refused(Refusal::Gone))));
    };
    let fields = changed_fields(&proposal.base, &proposal.proposed);
    let action = if approve {
        AuditAction::ChangeApproved
    } else {
        AuditAction::ChangeRejected
    };
    let entry = AuditEntry {
        at: app.now(),
        role: ActorRole::Coordinator,
        actor: app.store.actor_id(who),
        action,
        org: Some(id.to_string()),
        fields: fields.iter().map(|f| f.to_string()).collect(),
    };
    if approve {
        let mut org = stored.clone();
        apply_fields(&mut org, &proposal.proposed, &fields);
        if org == stored {
            app.store.drop_proposal(id, Some(&entry))?;
        } else {
            match app.store.save_organization(&org, Some(&stored), &entry) {
                Ok(()) => publish(app, &org),
                Err(StoreError::Stale) => {
                    return Ok(app.unchanged(Err(NotSaved::ChangedMeanwhile)));
                }
                Err(e) => return Err(e.into()),
            }
            app.store.drop_proposal(id, None)?;
        }
    } else if !app.store.drop_proposal(id, Some(&entry))? {
        return Ok(app.unchanged(Err(NotSaved::Refused(Refusal::Gone))));
    }
    let kind = NoticeKind::OrgChanged {
        org: id.to_string(),
        action,
        fields: entry.fields.clone(),
    };
    let notices = notify::to_staff(app, id, &kind, &[])?;
    app.store.enqueue(&notify::entries(&notices), app.now())?;
    tracing::info!(approve, "a proposed change was decided");
    app.commit(Ok(fields)).await
}
