//! Confidential help requests: sending one (routed to one organization), the organization's
//! decisions (accept, decline, close), the requester's (withdraw, "I got help"), the response
//! deadline — and re-routing after a decline or a missed deadline. A referral changes state in
//! one place, `change`; every change is written with its notices in one transaction.

use super::access::{self, Assigned, Refusal};
use super::act::Act;
use super::limits::{self, Limit};
use super::notice::{CannotTakeWhy, Counted, Notice, NoticeAction, NoticeKind};
use super::{App, AppResult, Committed, notify};
use crate::domain::feedback::Side;
use crate::domain::referral::apply;
use crate::domain::request::MAX_DESCRIPTION;
use crate::domain::routing::{self, Load, Need};
use crate::domain::{
    Action, ContactChoice, DeclineReason, HelpKind, HelpRequest, Lang, OnDecline, Organization,
    Outcome, Referral, ReferralStatus, Timestamp, Transition,
};
use crate::storage::{FeedbackAsk, ReferralChange, StoreError};

/// A request as the requester completed it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewRequest {
    pub topic: String,
    /// A region code, or "national" if she would rather not say.
    pub region: String,
    pub kind: HelpKind,
    pub description: Option<String>,
    pub contact: ContactChoice,
    /// The organization she chose from its card, if any.
    pub org: Option<String>,
    /// What happens if the organization it is with cannot take it.
    pub on_decline: OnDecline,
    /// Ask her once, a day after it is closed, whether she got help.
    pub follow_up: bool,
    /// Sent from a draft kept as her chat's dialogue state: the draft is deleted in the same
    /// transaction, and if it is gone already (a second Send) nothing is stored.
    pub from_draft: bool,
}

/// What became of a Send.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Submitted {
    /// Stored and referred; `hours` is the organization's response time.
    Sent {
        code: String,
        org: String,
        hours: u32,
    },
    /// Nobody eligible: nothing was stored or sent (her draft is kept); coordinators were
    /// given a count.
    NoOrganization,
    /// The organization she addressed cannot take requests now (paused, suspended, gone):
    /// nothing was stored or sent to anyone else, and her draft is kept.
    ChosenUnavailable,
    /// The draft was already sent (a second press).
    AlreadySent,
    /// A field the dialogue should never let through (a description over the limit).
    Invalid,
    /// She reached a limit against floods: nothing was stored or sent.
    Limited(Limit),
}

/// What became of an action on a referral.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Acted {
    Changed(ReferralStatus),
    /// Already in effect (a second Accept, or a colleague's).
    Unchanged,
    /// The referral moved on meanwhile, or the action does not apply to it now; nothing was
    /// written.
    Stale,
    Refused(Refusal),
}

/// What staff decide about a referral assigned to their organization.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Decision {
    Accept,
    Decline(DeclineReason),
    Close(Outcome),
    /// End the conversation and stop the requester's messages on this request.
    Block,
}

/// Who changes a referral.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Actor {
    Staff,
    Requester,
    /// The response time passed.
    Deadline,
    /// The organization can no longer take part.
    Lapse,
}

/// How long a request waits for her answer before it is withdrawn, and when she is reminded.
pub const WAIT_DAYS: i64 = 7;
pub const REMIND_AFTER_HOURS: i64 = 24;

/// What routing `need` must know: which organizations paused, and how many open referrals
/// each *eligible* one has — read for the candidates only, so routing costs what they hold,
/// not every open referral of the instance (100,000 made each step of a request slow).
fn load(app: &App, need: &Need<'_>) -> AppResult<Load> {
    let mut load = Load {
        open: Default::default(),
        paused: app.store.paused_orgs()?,
    };
    let today = app.today();
    let directory = app.directory();
    let candidates: Vec<&str> = directory
        .organizations()
        .iter()
        .filter(|o| routing::eligible(o, need, &load, today))
        .map(|o| o.id.as_str())
        .collect();
    load.open = app.store.open_referral_counts_of(&candidates)?;
    Ok(load)
}

/// The organization a request goes to next: the one she picked if it can take it, else the
/// routing choice; `None` if nobody eligible is left.
fn next_org(
    app: &App,
    need: &Need<'_>,
    tried: &[String],
    preferred: Option<&str>,
) -> AppResult<Option<Organization>> {
    let load = load(app, need)?;
    let today = app.today();
    let directory = app.directory();
    if let Some(org) = preferred.and_then(|id| directory.find(id))
        && routing::eligible(org, need, &load, today)
        && !tried.contains(&org.id)
    {
        return Ok(Some(org.clone()));
    }
    let rotation = app.store.bump_counter("rotation")?;
    Ok(routing::choose(
        directory.organizations(),
        need,
        &load,
        tried,
        rotation,
        today,
    )
    .cloned())
}

/// Whether a request with this need could be placed now — with the organization she chose,
/// if she chose one. Asked right after the kind-of-help step, before she writes anything.
pub fn placeable(app: &App, need: &Need<'_>, chosen: Option<&str>) -> AppResult<bool> {
    // Whether anyone can take it: the counts of open referrals do not matter here.
    let load = Load {
        open: Default::default(),
        paused: app.store.paused_orgs()?,
    };
    let today = app.today();
    let directory = app.directory();
    Ok(match chosen {
        Some(id) => directory
            .find(id)
            .is_some_and(|o| routing::eligible(o, need, &load, today)),
        None => directory
            .organizations()
            .iter()
            .any(|o| routing::eligible(o, need, &load, today)),
    })
}

/// She learned, before writing anything, that nobody can take her request now: the
/// coordinators get the count of unmet requests (nothing about her or the request is kept).
pub async fn unplaceable(app: &App) -> AppResult<Committed<()>> {
    let notices = notify::count_for_coordinators(app, "unplaced", Counted::Unplaced)?;
    app.store.enqueue(&notify::entries(&notices), app.now())?;
    tracing::info!("a help request found no eligible organization before it was written");
    app.commit(()).await
}

fn new_referral(app: &App, org: &Organization) -> Referral {
    let now = app.now();
    Referral {
        org: org.id.clone(),
        status: ReferralStatus::Pending,
        offered_at: now,
        respond_by: now.plus_hours(i64::from(org.response_hours)),
    }
}

/// "New request" to every reachable staff member of the organization: the code, topic,
/// region, kind of help and the answer-by time, with a button to open it.
fn new_referral_notices(
    app: &App,
    code: &str,
    request: &HelpRequest,
    referral: &Referral,
) -> AppResult<Vec<Notice>> {
    let kind = NoticeKind::NewReferral {
        code: code.to_string(),
        topic: request.topic.clone(),
        region: request.region.clone(),
        help: request.kind,
        respond_by: referral.respond_by,
    };
    notify::to_staff(
        app,
        &referral.org,
        &kind,
        &[NoticeAction::Do(Act::OpenReferral(code.to_string()))],
    )
}

/// An organization's answer-by time counts from when its notice of the request is delivered,
/// not from when it was queued: a queue of notices (a surge, Telegram's limits) never makes it
/// miss the deadline and lose the request to the next organization. Called as the notice goes
/// out; returns the answer-by time to show — moved only ever later, and not at all once the
/// referral was answered or moved on (`None`).
pub fn answer_by_from(app: &App, code: &str, delivered: Timestamp) -> AppResult<Option<Timestamp>> {
    let Some((attempt, referral)) = app.store.latest_referral(code)? else {
        return Ok(None);
    };
    if referral.status != ReferralStatus::Pending {
        return Ok(None);
    }
    let window = app
        .directory()
        .find(&referral.org)
        .map(|o| i64::from(o.response_hours) * 3_600)
        .unwrap_or_else(|| (referral.respond_by.secs() - referral.offered_at.secs()).max(0));
    let until = Timestamp::from_secs(delivered.secs() + window);
    Ok(app
        .store
        .postpone_answer_by(code, attempt, &referral.org, until)?)
}

/// Sends a completed request: routes it, and stores the request, its referral and the staff
/// notices in one transaction that also consumes her draft (so a second Send stores nothing).
pub async fn submit(
    app: &App,
    who: i64,
    lang: Lang,
    new: NewRequest,
) -> AppResult<Committed<Submitted>> {
    if new
        .description
        .as_ref()
        .is_some_and(|d| d.chars().count() > MAX_DESCRIPTION)
    {
        return Ok(app.unchanged(Submitted::Invalid));
    }
    if let Some(limit) = limits::help_request(app, who)? {
        return Ok(app.unchanged(Submitted::Limited(limit)));
    }
    let request = HelpRequest {
        topic: new.topic,
        region: new.region,
        kind: new.kind,
        description: new.description,
        contact: new.contact,
        requester_chat: who,
        created_at: app.now(),
        on_decline: new.on_decline,
        follow_up: new.follow_up,
    };
    let preferred = new.org;
    // Notices about her request come in the language she wrote it in.
    app.remember_language(who, lang)?;
    let need = Need {
        topic: &request.topic,
        region: &request.region,
        kind: request.kind,
    };
    // A request addressed to one organization goes to that one or nowhere.
    if let Some(id) = preferred.as_deref()
        && !placeable(app, &need, Some(id))?
    {
        return Ok(app.unchanged(Submitted::ChosenUnavailable));
    }
    let Some(org) = next_org(app, &need, &[], preferred.as_deref())? else {
        // Her draft stays: she may send it elsewhere (all of Ukraine, another kind of help).
        let notices = notify::count_for_coordinators(app, "unplaced", Counted::Unplaced)?;
        app.store.enqueue(&notify::entries(&notices), app.now())?;
        tracing::info!("a help request found no eligible organization");
        return app.commit(Submitted::NoOrganization).await;
    };
    let code = app.store.new_reference_code()?;
    let referral = new_referral(app, &org);
    let notices = new_referral_notices(app, &code, &request, &referral)?;
    match app.store.submit_request(
        &code,
        &request,
        Some(&referral),
        &notify::entries(&notices),
        app.now(),
        new.from_draft.then_some(who),
    ) {
        Err(StoreError::Stale) => return Ok(app.unchanged(Submitted::AlreadySent)),
        other => other?,
    }
    limits::count_help_request(app, who)?;
    tracing::info!(staff_notices = notices.len(), "a help request was referred");
    app.commit(Submitted::Sent {
        code,
        org: org.id.clone(),
        hours: org.response_hours,
    })
    .await
}

/// Staff decide about a referral assigned to their organization now.
pub async fn decide(
    app: &App,
    who: i64,
    code: &str,
    decision: Decision,
) -> AppResult<Committed<Acted>> {
    let Assigned {
        org,
        attempt,
        referral,
    } = match access::assigned(app, who, code)? {
        Ok(assigned) => assigned,
        Err(refusal) => return Ok(app.unchanged(Acted::Refused(refusal))),
    };
    let (action, reason) = match decision {
        Decision::Accept => (Action::Accept, None),
        Decision::Decline(reason) => (Action::Decline, Some(reason)),
        Decision::Close(outcome) => (Action::Close(outcome), None),
        Decision::Block => (Action::Block, None),
    };
    let acted = change(app, code, attempt, &referral, action, reason, Actor::Staff)?;
    // Two colleagues pressing Accept at once: the second finds it accepted, which is what
    // they wanted — a no-op, not an error.
    let acted = match acted {
        Acted::Stale
            if decision == Decision::Accept
                && access::assigned_to(app, &org, code)?
                    .is_some_and(|a| a.referral.status == ReferralStatus::Accepted) =>
        {
            Acted::Unchanged
        }
        other => other,
    };
    finish_change(app, acted).await
}

/// The requester withdraws her request (pending or accepted).
pub async fn withdraw(app: &App, who: i64, code: &str) -> AppResult<Committed<Acted>> {
    requester_change(app, who, code, Action::Withdraw).await
}

/// The requester got what she needed: she closes an accepted referral.
pub async fn finish(app: &App, who: i64, code: &str) -> AppResult<Committed<Acted>> {
    requester_change(app, who, code, Action::Close(Outcome::Helped)).await
}

async fn requester_change(
    app: &App,
    who: i64,
    code: &str,
    action: Action,
) -> AppResult<Committed<Acted>> {
    if let Err(refusal) = access::help_owner(app, who, code)? {
        return Ok(app.unchanged(Acted::Refused(refusal)));
    }
    // Waiting for her answer (no organization has it): withdrawing ends the wait.
    if action == Action::Withdraw && app.store.waiting(code)?.is_some() {
        if app.store.end_waiting(code, &[], app.now())? {
            tracing::info!("a waiting request was withdrawn");
            return app.commit(Acted::Changed(ReferralStatus::Withdrawn)).await;
        }
        return Ok(app.unchanged(Acted::Stale));
    }
    let Some((attempt, referral)) = app.store.latest_referral(code)? else {
        return Ok(app.unchanged(Acted::Stale));
    };
    let acted = change(
        app,
        code,
        attempt,
        &referral,
        action,
        None,
        Actor::Requester,
    )?;
    finish_change(app, acted).await
}

async fn finish_change(app: &App, acted: Acted) -> AppResult<Committed<Acted>> {
    match acted {
        Acted::Changed(_) => app.commit(acted).await,
        other => Ok(app.unchanged(other)),
    }
}

/// Moves every overdue referral on. Returns how many.
pub async fn expire_overdue(app: &App) -> AppResult<Committed<usize>> {
    // The look for overdue referrals reads every open one: on a blocking thread, so that
    // replies are not held behind it.
    let (store, now) = (app.store.clone(), app.now());
    let overdue = tokio::task::spawn_blocking(move || store.overdue_referrals(now))
        .await
        .map_err(|_| StoreError::Backend("the look for overdue referrals stopped".into()))??;
    let mut moved = 0;
    for (code, attempt, referral) in overdue {
        if let Acted::Changed(_) = change(
            app,
            &code,
            attempt,
            &referral,
            Action::Expire,
            None,
            Actor::Deadline,
        )? {
            moved += 1;
        }
    }
    if moved == 0 {
        return Ok(app.unchanged(0));
    }
    app.commit(moved).await
}

/// Applies an action to a request's latest referral (attempt `attempt`, as read by the caller
/// who checked who may do it), with everything that follows: the requester's and staff's
/// notices, and when declined or expired, the next organization or — if none is left — a
/// notice to her and a count for coordinators. Written in one transaction, only if the
/// referral is still as it was read; the caller commits.
fn change(
    app: &App,
    code: &str,
    attempt: u16,
    referral: &Referral,
    action: Action,
    reason: Option<DeclineReason>,
    actor: Actor,
) -> AppResult<Acted> {
    let to = match apply(referral.status, action) {
        Err(_) => return Ok(Acted::Stale),
        Ok(Transition::Unchanged) => return Ok(Acted::Unchanged),
        Ok(Transition::Changed(to)) => to,
    };
    let Some(request) = app.store.help_request(code)? else {
        return Ok(Acted::Stale);
    };
    let her = request.requester_chat;
    let code_s = code.to_string();
    let mut notices = Vec::new();
    let mut next = None;
    let mut wait = false;
    match to {
        ReferralStatus::Accepted => {
            notices.push(
                Notice::new(
                    her,
                    NoticeKind::Accepted {
                        code: code_s.clone(),
                        org: referral.org.clone(),
                    },
                )
                .with(NoticeAction::Do(Act::Write(code_s.clone()))),
            );
        }
        ReferralStatus::Blocked => {
            // She is told politely and asked: another organization, or withdraw.
            wait = true;
            notices.push(cannot_take(her, code, &referral.org, to));
            notices.extend(notify::count_for_coordinators(
                app,
                "blocked",
                Counted::Blocked,
            )?);
        }
        ReferralStatus::Declined | ReferralStatus::Expired | ReferralStatus::Lapsed => {
            if to == ReferralStatus::Expired {
                notices.extend(notify::to_staff(
                    app,
                    &referral.org,
                    &NoticeKind::ReferralExpired {
                        code: code_s.clone(),
                    },
                    &[],
                )?);
            }
            // A conversation under way is never moved without her; otherwise her choice.
            let ask = request.on_decline == OnDecline::AskFirst
                || referral.status == ReferralStatus::Accepted;
            if ask {
                wait = true;
                notices.push(cannot_take(her, code, &referral.org, to));
            } else {
                let tried: Vec<String> = app
                    .store
                    .referrals(code)?
                    .into_iter()
                    .map(|(_, r)| r.org)
                    .collect();
                match route_on(app, code, &request, &tried)? {
                    (Some(referral), routed) => {
                        notices.extend(routed);
                        next = Some(referral);
                    }
                    (None, routed) => notices.extend(routed),
                }
            }
        }
        ReferralStatus::Closed(outcome) if actor == Actor::Staff => {
            notices.push(
                Notice::new(
                    her,
                    NoticeKind::Closed {
                        code: code_s.clone(),
                        org: referral.org.clone(),
                        outcome,
                    },
                )
                .with(NoticeAction::Ask)
                .with(NoticeAction::Urgent),
            );
        }
        ReferralStatus::Closed(_) => {
            notices.extend(notify::to_staff(
                app,
                &referral.org,
                &NoticeKind::ReferralFinished {
                    code: code_s.clone(),
                },
                &[],
            )?);
        }
        ReferralStatus::Withdrawn => {
            notices.extend(notify::to_staff(
                app,
                &referral.org,
                &NoticeKind::ReferralWithdrawn {
                    code: code_s.clone(),
                },
                &[],
            )?);
        }
        ReferralStatus::Pending => {}
    }
    let entries = notify::entries(&notices);
    let written = app.store.change_referral(&ReferralChange {
        code,
        attempt,
        expected: referral.status,
        to,
        reason,
        next: next.as_ref(),
        notify: &entries,
        now: app.now(),
        wait,
    });
    match written {
        Err(StoreError::Stale | StoreError::NotFound) => return Ok(Acted::Stale),
        other => other?,
    }
    if matches!(to, ReferralStatus::Closed(_)) && actor == Actor::Staff {
        // One optional, anonymous question to her a day later. Not part of the change: a
        // crash here loses only the question, never the change she was told about.
        if request.follow_up {
            schedule_help_question(app, code, &referral.org, her)?;
        }
    }
    tracing::info!(?actor, to = ?to, "a referral changed");
    Ok(Acted::Changed(to))
}

/// "The organization cannot take it: pass it on, or withdraw?" — nothing moves until she
/// answers.
fn cannot_take(her: i64, code: &str, org: &str, status: ReferralStatus) -> Notice {
    let why = match status {
        ReferralStatus::Declined => CannotTakeWhy::Declined,
        ReferralStatus::Expired => CannotTakeWhy::NoAnswer,
        ReferralStatus::Blocked => CannotTakeWhy::Ended,
        _ => CannotTakeWhy::Lapsed,
    };
    Notice::new(
        her,
        NoticeKind::CannotTake {
            code: code.to_string(),
            org: org.to_string(),
            why,
        },
    )
    .with(NoticeAction::Do(Act::PassOn(code.to_string())))
    .with(NoticeAction::Do(Act::WithdrawConfirmed(code.to_string())))
    .with(NoticeAction::Urgent)
}

/// The next organization for a request, with the notices that go with it: the new
/// organization's staff and her (re-routed), or — if nobody is left — her and a count for
/// coordinators.
fn route_on(
    app: &App,
    code: &str,
    request: &HelpRequest,
    tried: &[String],
) -> AppResult<(Option<Referral>, Vec<Notice>)> {
    let need = Need {
        topic: &request.topic,
        region: &request.region,
        kind: request.kind,
    };
    let her = request.requester_chat;
    let mut notices = Vec::new();
    match next_org(app, &need, tried, None)? {
        Some(org) => {
            let referral = new_referral(app, &org);
            notices.extend(new_referral_notices(app, code, request, &referral)?);
            notices.push(
                Notice::new(
                    her,
                    NoticeKind::Rerouted {
                        code: code.to_string(),
                        org: org.id.clone(),
                    },
                )
                .with(NoticeAction::Urgent),
            );
            Ok((Some(referral), notices))
        }
        None => {
            notices.push(
                Notice::new(
                    her,
                    NoticeKind::Unplaced {
                        code: code.to_string(),
                    },
                )
                .with(NoticeAction::Urgent),
            );
            notices.extend(notify::count_for_coordinators(
                app,
                "unplaced",
                Counted::Unplaced,
            )?);
            Ok((None, notices))
        }
    }
}

/// What became of "pass it on".
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum PassedOn {
    /// To this organization.
    Sent {
        org: String,
    },
    /// Nobody else can take it: she is told, with the urgent lines.
    NoOrganization,
    /// It is not waiting for her (already answered, or never asked).
    NotWaiting,
    Refused(Refusal),
}

/// She says to pass a request that waits for her to the next vetted organization.
pub async fn pass_on(app: &App, who: i64, code: &str) -> AppResult<Committed<PassedOn>> {
    let request = match access::help_owner(app, who, code)? {
        Ok(request) => request,
        Err(refusal) => return Ok(app.unchanged(PassedOn::Refused(refusal))),
    };
    if app.store.waiting(code)?.is_none() {
        return Ok(app.unchanged(PassedOn::NotWaiting));
    }
    let referrals = app.store.referrals(code)?;
    let tried: Vec<String> = referrals.iter().map(|(_, r)| r.org.clone()).collect();
    let attempt = referrals.last().map_or(0, |(a, _)| a + 1);
    let (next, notices) = route_on(app, code, &request, &tried)?;
    // Her own "re-routed" notice is this screen: she is told here, not twice.
    let notices: Vec<Notice> = notices.into_iter().filter(|n| n.to != who).collect();
    let outcome = match &next {
        Some(referral) => PassedOn::Sent {
            org: referral.org.clone(),
        },
        None => PassedOn::NoOrganization,
    };
    let resumed = app.store.resume_request(
        code,
        next.as_ref().map(|r| (attempt, r)),
        &notify::entries(&notices),
        app.now(),
    );
    match resumed {
        Ok(true) => {}
        Ok(false) | Err(StoreError::Stale) => return Ok(app.unchanged(PassedOn::NotWaiting)),
        Err(e) => return Err(e.into()),
    }
    tracing::info!("a waiting request was passed on");
    app.commit(outcome).await
}

/// What the background check of waiting requests did.
#[derive(Debug, Default, Clone, Copy, PartialEq, Eq)]
pub struct Waited {
    pub reminded: usize,
    pub withdrawn: usize,
}

/// Requests waiting for her answer: one reminder after a day, withdrawn after a week (she is
/// told, with the urgent lines).
pub async fn check_waiting(app: &App) -> AppResult<Committed<Waited>> {
    let now = app.now();
    let mut done = Waited::default();
    for (code, waiting) in app.store.waiting_requests()? {
        let Some(request) = app.store.help_request(&code)? else {
            continue;
        };
        let her = request.requester_chat;
        if waiting.since.plus_days(WAIT_DAYS) <= now {
            let notice = Notice::new(her, NoticeKind::WaitedOut { code: code.clone() })
                .with(NoticeAction::Urgent);
            if app
                .store
                .end_waiting(&code, &notify::entries(&[notice]), now)?
            {
                done.withdrawn += 1;
            }
        } else if !waiting.reminded && waiting.since.plus_hours(REMIND_AFTER_HOURS) <= now {
            let notice = Notice::new(
                her,
                NoticeKind::StillWaiting {
                    code: code.clone(),
                    days: (WAIT_DAYS - 1) as u32,
                },
            )
            .with(NoticeAction::Do(Act::PassOn(code.clone())))
            .with(NoticeAction::Do(Act::WithdrawConfirmed(code.clone())))
            .with(NoticeAction::Urgent);
            if app
                .store
                .remind_waiting(&code, &notify::entries(&[notice]), now)?
            {
                done.reminded += 1;
            }
        }
    }
    if done == Waited::default() {
        return Ok(app.unchanged(done));
    }
    tracing::info!(
        reminded = done.reminded,
        withdrawn = done.withdrawn,
        "requests waiting for their requesters checked"
    );
    app.commit(done).await
}

/// Referrals with an organization that can no longer take part (suspended, past its vetting,
/// gone from the directory) lapse: a pending one follows her choice, an accepted one waits
/// for her. Returns how many.
pub async fn lapse_inactive(app: &App) -> AppResult<Committed<usize>> {
    let mut lapsed = 0;
    for org in app.store.open_referral_counts()?.into_keys() {
        if access::org_active(app, &org) {
            continue;
        }
        for code in app.store.open_referrals_of(&org)? {
            let Some(assigned) = access::assigned_to(app, &org, &code)? else {
                continue;
            };
            if let Acted::Changed(_) = change(
                app,
                &code,
                assigned.attempt,
                &assigned.referral,
                Action::Lapse,
                None,
                Actor::Lapse,
            )? {
                lapsed += 1;
            }
        }
    }
    if lapsed == 0 {
        return Ok(app.unchanged(0));
    }
    app.commit(lapsed).await
}

/// Schedules the anonymous question to the requester of a help request closed by staff.
fn schedule_help_question(app: &App, code: &str, org: &str, her: i64) -> AppResult<()> {
    app.store.schedule_feedback(&[FeedbackAsk {
        code: code.to_string(),
        side: Side::HelpRequester,
        org: org.to_string(),
        chat: Some(her),
        due: app.now().plus_days(1),
        asked: 0,
    }])?;
    Ok(())
}

/// A referral as its organization's staff see it: the request's details and contact choice,
/// never who sent it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ReferralView {
    pub code: String,
    pub topic: String,
    pub region: String,
    pub kind: HelpKind,
    pub description: Option<String>,
    /// Her contact as she chose it — only once the organization accepted.
    pub contact: Option<ContactChoice>,
    /// Until when it may accept or decline (while pending).
    pub respond_by: Timestamp,
    pub status: ReferralStatus,
    pub received: Timestamp,
}

/// A referral assigned to `who`'s organization now.
pub fn staff_view(app: &App, who: i64, code: &str) -> AppResult<Result<ReferralView, Refusal>> {
    let assigned = match access::assigned(app, who, code)? {
        Ok(assigned) => assigned,
        Err(refusal) => return Ok(Err(refusal)),
    };
    let Some(request) = app.store.help_request(code)? else {
        return Ok(Err(Refusal::Gone));
    };
    Ok(Ok(ReferralView {
        code: code.to_string(),
        topic: request.topic,
        region: request.region,
        kind: request.kind,
        description: request.description,
        contact: matches!(
            assigned.referral.status,
            ReferralStatus::Accepted | ReferralStatus::Closed(_)
        )
        .then_some(request.contact),
        respond_by: assigned.referral.respond_by,
        status: assigned.referral.status,
        received: assigned.referral.offered_at,
    }))
}

/// One of her requests as she sees it: when she sent it and where it is now.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OwnRequest {
    pub code: String,
    pub created_at: Timestamp,
    /// The latest referral; `None` if it was never placed.
    pub latest: Option<Referral>,
    /// Waiting for her to say whether to pass it on.
    pub waiting: bool,
    /// She withdrew it while it waited.
    pub withdrawn: bool,
}

impl OwnRequest {
    pub fn status(&self) -> Option<ReferralStatus> {
        self.latest.as_ref().map(|r| r.status)
    }

    /// With an organization (pending or accepted), or waiting for her answer: she may still
    /// withdraw it.
    pub fn is_open(&self) -> bool {
        self.waiting || self.status().is_some_and(ReferralStatus::is_open)
    }
}

/// One of `who`'s requests.
pub fn own_view(app: &App, who: i64, code: &str) -> AppResult<Result<OwnRequest, Refusal>> {
    let request = match access::help_owner(app, who, code)? {
        Ok(request) => request,
        Err(refusal) => return Ok(Err(refusal)),
    };
    Ok(Ok(OwnRequest {
        code: code.to_string(),
        created_at: request.created_at,
        latest: app.store.latest_referral(code)?.map(|(_, r)| r),
        waiting: app.store.waiting(code)?.is_some(),
        withdrawn: app.store.is_withdrawn(code)?,
    }))
}

/// Every one of `who`'s requests.
pub(crate) fn own_requests(app: &App, who: i64) -> AppResult<Vec<OwnRequest>> {
    let mut out = Vec::new();
    for code in app.store.requests_of(who)? {
        if let Ok(request) = own_view(app, who, &code)? {
            out.push(request);
        }
    }
    Ok(out)
}
