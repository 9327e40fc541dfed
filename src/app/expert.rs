//! Requests for trainers and experts: sending one (offered to every eligible organization),
//! staff's Offer (with a proposal) and Pass, the requester's Pick and Withdraw, and the
//! background check (no offer in time, dates passed). Every change is written with its
//! notices in one transaction; every action re-checks who may do it.

use super::access::{self, OfferedTo, Refusal};
use super::act::Act;
use super::limits::{self, Limit};
use super::notice::{Counted, Notice, NoticeAction, NoticeKind};
use super::{App, AppResult, Committed, notify};
use crate::domain::expert::{
    Answer, ExpertNeed, ExpertRefusal, ExpertRequest, ExpertStatus, MAX_BODY, MAX_PROPOSAL, Picked,
    may_answer, may_offer,
};
use crate::domain::feedback::{Side, ask_on};
use crate::domain::when::When;
use crate::domain::{ContactChoice, Lang, Timestamp};
use crate::storage::{ExpertChangeError, FeedbackAsk, StoreError};

/// What became of a Send.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Submitted {
    /// Stored and offered to `orgs` organizations.
    Sent { code: String, orgs: usize },
    /// Nobody eligible: nothing was stored; coordinators were given a count.
    NoOrganization,
    /// The draft was already sent (a second press).
    AlreadySent,
    /// A field the dialogue should never let through (a body over the limit).
    Invalid,
    /// She has the most open requests allowed: nothing was stored or sent.
    Limited(Limit),
}

/// A request as the adviser completed it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewExpertRequest {
    pub need: ExpertNeed,
    /// The requesting body, if she chose to name it.
    pub body: Option<String>,
    pub contact: ContactChoice,
    /// Sent from a draft kept as her chat's dialogue state: the draft is deleted in the same
    /// transaction, and if it is gone already (a second Send) nothing is stored.
    pub from_draft: bool,
}

/// Sends a request: stores it offered to every eligible organization, with their notices, in
/// one transaction.
pub async fn submit(
    app: &App,
    who: i64,
    lang: Lang,
    new: NewExpertRequest,
) -> AppResult<Committed<Submitted>> {
    if new
        .body
        .as_ref()
        .is_some_and(|b| b.chars().count() > MAX_BODY)
    {
        return Ok(app.unchanged(Submitted::Invalid));
    }
    if let Some(limit) = limits::expert_request(app, who)? {
        return Ok(app.unchanged(Submitted::Limited(limit)));
    }
    app.remember_language(who, lang)?;
    let from_draft = new.from_draft;
    let request = ExpertRequest {
        need: new.need,
        body: new.body,
        contact: new.contact,
        requester_chat: who,
        created_at: app.now(),
    };
    let paused = app.store.paused_orgs()?;
    let today = app.today();
    let orgs: Vec<String> = app
        .directory()
        .organizations()
        .iter()
        .filter(|o| may_offer(o, &request.need, paused.contains(&o.id), today))
        .map(|o| o.id.clone())
        .collect();
    if orgs.is_empty() {
        let notices =
            notify::count_for_coordinators(app, "expert_unplaced", Counted::ExpertUnplaced)?;
        app.store.enqueue(&notify::entries(&notices), app.now())?;
        if from_draft {
            app.store.remove_dialogue(who)?;
        }
        tracing::info!("an expert request found no eligible organization");
        return app.commit(Submitted::NoOrganization).await;
    }
    let code = app.store.new_expert_code()?;
    let kind = NoticeKind::NewExpertRequest {
        code: code.clone(),
        need: request.need.clone(),
        body: request.body.clone(),
    };
    let actions = [
        NoticeAction::Do(Act::Offer(code.clone())),
        NoticeAction::Do(Act::Pass(code.clone())),
    ];
    let mut notices = Vec::new();
    for org in &orgs {
        notices.extend(notify::to_staff(app, org, &kind, &actions)?);
    }
    match app.store.submit_expert(
        &code,
        &request,
        &orgs,
        &notify::entries(&notices),
        app.now(),
        from_draft.then_some(who),
    ) {
        Err(StoreError::Stale) => return Ok(app.unchanged(Submitted::AlreadySent)),
        other => other?,
    }
    tracing::info!(
        organizations = orgs.len(),
        staff_notices = notices.len(),
        "an expert request was offered"
    );
    app.commit(Submitted::Sent {
        code,
        orgs: orgs.len(),
    })
    .await
}

/// The status of a request as one organization sees it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum StaffStatus {
    /// Open, and this organization has not answered.
    Waiting,
    Offered,
    Passed,
    /// Its offer was picked.
    Filled,
    Withdrawn,
    /// Expired, or filled by another organization.
    Closed,
}

pub fn staff_status(status: &ExpertStatus, org: &str, earlier: Option<&Answer>) -> StaffStatus {
    match (status, earlier) {
        (ExpertStatus::Filled { org: o }, _) if o == org => StaffStatus::Filled,
        (ExpertStatus::Open, None) => StaffStatus::Waiting,
        (ExpertStatus::Open, Some(Answer::Offer)) => StaffStatus::Offered,
        (ExpertStatus::Open, Some(Answer::Pass)) => StaffStatus::Passed,
        (ExpertStatus::Withdrawn, _) => StaffStatus::Withdrawn,
        _ => StaffStatus::Closed,
    }
}

/// A request as an organization's staff see it: never the contact, unless their offer was
/// picked.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StaffView {
    pub code: String,
    pub need: ExpertNeed,
    pub body: Option<String>,
    pub status: StaffStatus,
    /// Whether it can still offer or pass.
    pub may_answer: bool,
    /// Her contact as she shared it, once this organization's offer was picked.
    pub contact: Option<ContactChoice>,
}

fn staff_view_of(code: &str, offered: OfferedTo) -> StaffView {
    let filled = offered.filled_by_us();
    StaffView {
        code: code.to_string(),
        status: staff_status(&offered.status, &offered.org, offered.earlier.as_ref()),
        may_answer: may_answer(&offered.status, offered.earlier.as_ref()).is_ok(),
        contact: filled.then(|| offered.request.contact.clone()),
        need: offered.request.need,
        body: offered.request.body,
    }
}

pub fn staff_view(app: &App, who: i64, code: &str) -> AppResult<Result<StaffView, Refusal>> {
    Ok(access::offered_to(app, who, code)?.map(|offered| staff_view_of(code, offered)))
}

/// Whether an organization may still answer (offer or pass).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Answered {
    Done,
    /// Not open any more, or this organization already answered.
    NotOpen,
    /// The proposal is longer than `MAX_PROPOSAL` characters.
    TooLong,
    Refused(Refusal),
}

/// Offer: whether the staff member may write a proposal now (nothing is stored until they
/// send it).
pub fn may_propose(app: &App, who: i64, code: &str) -> AppResult<Answered> {
    Ok(match access::offered_to(app, who, code)? {
        Err(refusal) => Answered::Refused(refusal),
        Ok(o) if may_answer(&o.status, o.earlier.as_ref()).is_ok() => Answered::Done,
        Ok(_) => Answered::NotOpen,
    })
}

/// The proposal a staff member wrote after Offer: stored with the requester's notice.
pub async fn propose(
    app: &App,
    who: i64,
    code: &str,
    text: &str,
) -> AppResult<Committed<Answered>> {
    let text = text.trim();
    if text.chars().count() > MAX_PROPOSAL {
        return Ok(app.unchanged(Answered::TooLong));
    }
    let offered = match access::offered_to(app, who, code)? {
        Ok(offered) => offered,
        Err(refusal) => return Ok(app.unchanged(Answered::Refused(refusal))),
    };
    // Still on this organization's list (open, offered to it)? Checked again at the store.
    if !offered.listed {
        return Ok(app.unchanged(Answered::NotOpen));
    }
    let notice = Notice::new(
        offered.request.requester_chat,
        NoticeKind::OfferMade {
            code: code.to_string(),
            org: offered.org.clone(),
            proposal: text.to_string(),
        },
    )
    .with(NoticeAction::Do(Act::Pick(
        code.to_string(),
        offered.org.clone(),
    )))
    .with(NoticeAction::OrgCard(offered.org.clone()));
    let stored = app.store.answer_expert(
        code,
        &offered.org,
        &Answer::Offer,
        Some(text),
        &notify::entries(&[notice]),
        app.now(),
    )?;
    match stored {
        Ok(()) => {
            tracing::info!("an organization made an offer");
            app.commit(Answered::Done).await
        }
        Err(_) => Ok(app.unchanged(Answered::NotOpen)),
    }
}

/// Pass: the organization will not offer.
pub async fn pass(app: &App, who: i64, code: &str) -> AppResult<Committed<Answered>> {
    let offered = match access::offered_to(app, who, code)? {
        Ok(offered) => offered,
        Err(refusal) => return Ok(app.unchanged(Answered::Refused(refusal))),
    };
    if may_answer(&offered.status, offered.earlier.as_ref()).is_err() {
        return Ok(app.unchanged(Answered::NotOpen));
    }
    match app
        .store
        .answer_expert(code, &offered.org, &Answer::Pass, None, &[], app.now())?
    {
        Ok(()) => {
            tracing::info!("an organization passed on an expert request");
            app.commit(Answered::Done).await
        }
        Err(_) => Ok(app.unchanged(Answered::NotOpen)),
    }
}

/// What became of a Pick.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum PickOutcome {
    /// This organization's offer is the chosen one (now, or already: a repeat sends nothing).
    Picked {
        org: String,
        contact: ContactChoice,
    },
    /// Another offer was picked before.
    Taken,
    /// Not open (withdrawn or expired), or that organization made no offer.
    NotOpen,
    Refused(Refusal),
}

/// The requester picks an offer: the chosen organization gets her contact as she shared it,
/// the others that offered are told; both sides will be asked afterwards.
pub async fn pick(app: &App, who: i64, code: &str, org: &str) -> AppResult<Committed<PickOutcome>> {
    let request = match access::expert_owner(app, who, code)? {
        Ok((request, _)) => request,
        Err(refusal) => return Ok(app.unchanged(PickOutcome::Refused(refusal))),
    };
    let mut notices = notify::to_staff(
        app,
        org,
        &NoticeKind::OfferPicked {
            code: code.to_string(),
            need: request.need.clone(),
            body: request.body.clone(),
            contact: request.contact.clone(),
        },
        &if request.contact == ContactChoice::ThroughBot {
            vec![NoticeAction::Do(Act::Reply(code.to_string()))]
        } else {
            Vec::new()
        },
    )?
    .into_iter()
    .map(|n| n.carrying(who))
    .collect::<Vec<_>>();
    for answer in app.store.expert_answers(code)? {
        if answer.answer == Answer::Offer && answer.org != org {
            notices.extend(notify::to_staff(
                app,
                &answer.org,
                &NoticeKind::FilledByOther {
                    code: code.to_string(),
                },
                &[],
            )?);
        }
    }
    let due = Timestamp::at(ask_on(&request.need.when, app.today()), 9);
    let ask = |side, chat| FeedbackAsk {
        code: code.to_string(),
        side,
        org: org.to_string(),
        chat,
        due,
        asked: 0,
    };
    let asks = [
        ask(Side::Requester, Some(request.requester_chat)),
        ask(Side::Organization, None),
    ];
    let picked = PickOutcome::Picked {
        org: org.to_string(),
        contact: request.contact.clone(),
    };
    match app
        .store
        .pick_expert_offer(code, org, &notify::entries(&notices), &asks, app.now())?
    {
        Ok(Picked::Filled) => {
            tracing::info!("an offer was picked");
            app.commit(picked).await
        }
        Ok(Picked::Again) => Ok(app.unchanged(picked)),
        Err(ExpertChangeError::Refused(ExpertRefusal::OtherPicked)) => {
            Ok(app.unchanged(PickOutcome::Taken))
        }
        Err(_) => Ok(app.unchanged(PickOutcome::NotOpen)),
    }
}

/// What became of a Withdraw.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Withdrawn {
    Done,
    NotOpen,
    Refused(Refusal),
}

/// The requester withdraws an open request; organizations that offered are told.
pub async fn withdraw(app: &App, who: i64, code: &str) -> AppResult<Committed<Withdrawn>> {
    if let Err(refusal) = access::expert_owner(app, who, code)? {
        return Ok(app.unchanged(Withdrawn::Refused(refusal)));
    }
    let mut notices = Vec::new();
    for answer in app.store.expert_answers(code)? {
        if answer.answer == Answer::Offer {
            notices.extend(notify::to_staff(
                app,
                &answer.org,
                &NoticeKind::ExpertWithdrawn {
                    code: code.to_string(),
                },
                &[],
            )?);
        }
    }
    match app.store.close_expert(
        code,
        &ExpertStatus::Withdrawn,
        &notify::entries(&notices),
        app.now(),
    )? {
        Ok(()) => {
            tracing::info!("an expert request was withdrawn");
            app.commit(Withdrawn::Done).await
        }
        Err(_) => Ok(app.unchanged(Withdrawn::NotOpen)),
    }
}

/// One organization's offer, as the requester sees it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Offer {
    pub org: String,
    pub proposal: String,
}

/// A request as the requester sees it, with every offer.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OwnerView {
    pub code: String,
    pub need: ExpertNeed,
    pub body: Option<String>,
    pub status: ExpertStatus,
    pub offers: Vec<Offer>,
}

pub fn owner_view(app: &App, who: i64, code: &str) -> AppResult<Result<OwnerView, Refusal>> {
    let (request, status) = match access::expert_owner(app, who, code)? {
        Ok(found) => found,
        Err(refusal) => return Ok(Err(refusal)),
    };
    let offers = app
        .store
        .expert_answers(code)?
        .into_iter()
        .filter(|a| a.answer == Answer::Offer)
        .map(|a| Offer {
            org: a.org,
            proposal: a.proposal.unwrap_or_default(),
        })
        .collect();
    Ok(Ok(OwnerView {
        code: code.to_string(),
        need: request.need,
        body: request.body,
        status,
        offers,
    }))
}

/// What the background check did.
#[derive(Debug, Default, Clone, Copy, PartialEq, Eq)]
pub struct Checked {
    /// Requests whose requester was told no offer came in time.
    pub reported: usize,
    /// Requests closed because their dates passed.
    pub expired: usize,
}

/// Open requests with no offer after the configured days are reported (once) to the
/// requester, with suggestions, and to coordinators as a count; open requests whose dates
/// passed close.
pub async fn check_open_requests(app: &App) -> AppResult<Committed<Checked>> {
    let mut checked = Checked::default();
    let now = app.now();
    let today = app.today();
    let offer_days = app.config.offer_days;
    for code in app.store.open_expert_codes()? {
        let Some((request, ExpertStatus::Open)) = app.store.expert_request(&code)? else {
            continue;
        };
        let her = request.requester_chat;
        if let When::Between(_, end) = request.need.when
            && end < today
        {
            let notice = Notice::new(her, NoticeKind::ExpertExpired { code: code.clone() });
            if app
                .store
                .close_expert(
                    &code,
                    &ExpertStatus::Expired,
                    &notify::entries(&[notice]),
                    now,
                )?
                .is_ok()
            {
                checked.expired += 1;
            }
            continue;
        }
        let waited = request.created_at.plus_days(i64::from(offer_days)) <= now;
        if !waited || app.store.expert_reported(&code)? {
            continue;
        }
        let offered = app
            .store
            .expert_answers(&code)?
            .iter()
            .any(|a| a.answer == Answer::Offer);
        if offered {
            continue;
        }
        let mut notices = vec![
            Notice::new(
                her,
                NoticeKind::NoOffers {
                    code: code.clone(),
                    days: offer_days,
                },
            )
            .with(NoticeAction::Find)
            .with(NoticeAction::Materials),
        ];
        notices.extend(notify::count_for_coordinators(
            app,
            "expert_no_offer",
            Counted::ExpertNoOffer,
        )?);
        app.store
            .report_expert(&code, &notify::entries(&notices), now)?;
        checked.reported += 1;
    }
    if checked == Checked::default() {
        return Ok(app.unchanged(checked));
    }
    tracing::info!(
        reported = checked.reported,
        expired = checked.expired,
        "expert requests checked"
    );
    app.commit(checked).await
}

/// Every one of `who`'s expert requests, with its status.
pub(crate) fn own_requests(app: &App, who: i64) -> AppResult<Vec<(String, ExpertStatus)>> {
    let mut out = Vec::new();
    for code in app.store.expert_requests_of(who)? {
        if let Some((_, status)) = app.store.expert_request(&code)? {
            out.push((code, status));
        }
    }
    Ok(out)
}

/// The open requests offered to an organization, at most `limit`, with its status for each.
pub(crate) fn offered_requests(
    app: &App,
    org: &str,
    limit: usize,
) -> AppResult<Vec<(String, StaffStatus)>> {
    let mut out = Vec::new();
    for code in app.store.expert_requests_for(org)?.into_iter().take(limit) {
        let Some((_, status)) = app.store.expert_request(&code)? else {
            continue;
        };
        let answers = app.store.expert_answers(&code)?;
        let earlier = answers.iter().find(|a| a.org == org).map(|a| &a.answer);
        out.push((code.clone(), staff_status(&status, org, earlier)));
    }
    Ok(out)
}
