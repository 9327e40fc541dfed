//! The anonymous relay: while a help request's referral is accepted (or once an expert
//! request's offer was picked), the requester's messages go to the organization's staff and a
//! staff member's replies go to her — each labeled with the reference code, through the
//! outbox, never forwarded (no link to either account).

use super::access::{self, Refusal};
use super::act::Act;
use super::notice::{Notice, NoticeAction, NoticeKind};
use super::{App, AppResult, Committed, notify};
use crate::domain::ReferralStatus;
use crate::domain::expert::ExpertStatus;
use crate::domain::request::is_expert_code;
use crate::storage::Subject;

/// The two sides of a conversation: the requester's chat and the organization.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Conversation {
    pub requester_chat: i64,
    pub org: String,
}

/// Who may write to whom about a request, if anyone: for a help request, while its latest
/// referral is accepted; for an expert request, once an offer was picked.
pub fn open_conversation(app: &App, code: &str) -> AppResult<Option<Conversation>> {
    if is_expert_code(code) {
        return Ok(app
            .store
            .expert_request(code)?
            .and_then(|(request, status)| match status {
                ExpertStatus::Filled { org } => Some(Conversation {
                    requester_chat: request.requester_chat,
                    org,
                }),
                _ => None,
            }));
    }
    let Some(request) = app.store.help_request(code)? else {
        return Ok(None);
    };
    Ok(app
        .store
        .latest_referral(code)?
        .filter(|(_, r)| r.status == ReferralStatus::Accepted)
        .map(|(_, r)| Conversation {
            requester_chat: request.requester_chat,
            org: r.org,
        }))
}

/// Whether someone may start writing about a request now.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum MayWrite {
    /// Yes, to (or for) this organization.
    Yes {
        org: String,
    },
    /// Theirs, but not open for messages now.
    NotNow,
    Refused(Refusal),
}

/// The requester's Write: her request, and open.
pub fn may_write(app: &App, who: i64, code: &str) -> AppResult<MayWrite> {
    let owner = if is_expert_code(code) {
        access::expert_owner(app, who, code)?.map(|_| ())
    } else {
        access::help_owner(app, who, code)?.map(|_| ())
    };
    if let Err(refusal) = owner {
        return Ok(MayWrite::Refused(refusal));
    }
    Ok(match open_conversation(app, code)? {
        Some(talk) => MayWrite::Yes { org: talk.org },
        None => MayWrite::NotNow,
    })
}

/// A staff member's Reply: their organization's conversation.
pub fn may_reply(app: &App, who: i64, code: &str) -> AppResult<MayWrite> {
    let org = match access::staff_org(app, who)? {
        Ok(org) => org,
        Err(refusal) => return Ok(MayWrite::Refused(refusal)),
    };
    Ok(match open_conversation(app, code)? {
        Some(talk) if talk.org == org => MayWrite::Yes { org },
        _ => {
            // Still theirs, only not open? Anyone else's request is refused.
            let theirs = if is_expert_code(code) {
                access::offered_to(app, who, code)?.is_ok()
            } else {
                access::assigned_to(app, &org, code)?.is_some()
            };
            if theirs {
                MayWrite::NotNow
            } else {
                MayWrite::Refused(Refusal::NotAssigned)
            }
        }
    })
}

/// What the requester relays.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Content {
    Text(String),
    /// A photo or document in her chat, to be copied (not forwarded).
    File {
        chat: i64,
        message: i32,
    },
}

/// Whether a relayed message went out.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Relayed {
    /// To (or from) this organization.
    Sent { org: String },
    /// The conversation is not open (any more) for this person.
    Closed,
    /// More than `MAX_RELAYED_PER_HOUR` this hour in this direction: nothing was sent.
    TooMany,
}

/// The most messages relayed in one direction of one request in an hour.
pub const MAX_RELAYED_PER_HOUR: u32 = 30;
const HOUR: i64 = 3600;

/// Counts one relayed message of a request in one direction; `false` if the hour's limit is
/// reached already (then nothing is counted).
fn within_limit(app: &App, code: &str, direction: &str) -> AppResult<bool> {
    let subject = Subject::Request(code);
    if app
        .store
        .count_in_window(subject, direction, HOUR, app.now())?
        >= MAX_RELAYED_PER_HOUR
    {
        tracing::info!("a relayed message was refused: the hour's limit");
        return Ok(false);
    }
    app.store.count_event(subject, direction, HOUR, app.now())?;
    Ok(true)
}

/// The requester's message, to every reachable staff member of the organization.
pub async fn to_organization(
    app: &App,
    who: i64,
    code: &str,
    content: Content,
) -> AppResult<Committed<Relayed>> {
    let Some(talk) = open_conversation(app, code)? else {
        return Ok(app.unchanged(Relayed::Closed));
    };
    if talk.requester_chat != who {
        return Ok(app.unchanged(Relayed::Closed));
    }
    if !within_limit(app, code, "relay-in")? {
        return Ok(app.unchanged(Relayed::TooMany));
    }
    let kind = match content {
        Content::Text(text) => NoticeKind::RelayedToStaff {
            code: code.to_string(),
            text,
        },
        Content::File { chat, message } => NoticeKind::RelayedFileToStaff {
            code: code.to_string(),
            from_chat: chat,
            message,
        },
    };
    let notices: Vec<Notice> = notify::to_staff(
        app,
        &talk.org,
        &kind,
        &[NoticeAction::Do(Act::Reply(code.to_string()))],
    )?
    .into_iter()
    .map(|n| n.carrying(who))
    .collect();
    app.store.enqueue(&notify::entries(&notices), app.now())?;
    tracing::info!(
        copies = notices.len(),
        "a message was relayed to an organization"
    );
    app.commit(Relayed::Sent { org: talk.org }).await
}

/// A staff member's text, to the requester, under the organization's name only. `Refused` if
/// they are not staff at all.
pub async fn to_requester(
    app: &App,
    who: i64,
    code: &str,
    text: &str,
) -> AppResult<Committed<Result<Relayed, Refusal>>> {
    let org = match access::staff_org(app, who)? {
        Ok(org) => org,
        Err(refusal) => return Ok(app.unchanged(Err(refusal))),
    };
    let Some(talk) = open_conversation(app, code)? else {
        return Ok(app.unchanged(Ok(Relayed::Closed)));
    };
    if talk.org != org {
        return Ok(app.unchanged(Ok(Relayed::Closed)));
    }
    if !within_limit(app, code, "relay-out")? {
        return Ok(app.unchanged(Ok(Relayed::TooMany)));
    }
    let notice = Notice::new(
        talk.requester_chat,
        NoticeKind::RelayedToRequester {
            code: code.to_string(),
            org: org.clone(),
            text: text.to_string(),
        },
    )
    .with(NoticeAction::Do(Act::Write(code.to_string())));
    app.store.enqueue(&notify::entries(&[notice]), app.now())?;
    tracing::info!("a message was relayed to a requester");
    app.commit(Ok(Relayed::Sent { org })).await
}
