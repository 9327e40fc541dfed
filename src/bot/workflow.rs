//! What happens to help requests, between the handlers and the store: routing a new request,
//! changing a referral and moving the request on, relaying messages, and the background tasks
//! (response deadlines, retention). Each change is written together with the notices it causes
//! in one transaction, flushed, and the outbox woken — only then may the caller tell anyone.

use std::sync::Arc;
use std::time::Duration;

use teloxide::types::{InlineKeyboardButton, InlineKeyboardMarkup};

use super::actions::Act;
use super::callback::Callback;
use super::state::Draft;
use super::{BotContext, BotError, html, render};
use crate::domain::referral::apply;
use crate::domain::routing::{self, Load, Need};
use crate::domain::{
    Action, DeclineReason, HelpKind, HelpRequest, Lang, Organization, Referral, ReferralStatus,
    Transition,
};
use crate::i18n::{Arg, Msg};
use crate::storage::{OutboxMessage, ReferralChange, StoreError};

/// What became of a Send.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Submitted {
    Sent {
        code: String,
        org: String,
        hours: u32,
    },
    /// Nobody eligible: nothing was stored; admins were given a count.
    NoOrganization,
    /// The draft was already sent (a second press) or is incomplete.
    AlreadySent,
}

/// Who changes a referral.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Actor {
    Staff,
    Requester,
    /// The response time passed.
    Deadline,
}

/// What became of an action on a referral.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Acted {
    Changed(ReferralStatus),
    /// Already in effect (a second Accept).
    Unchanged,
    /// Not allowed from the current status.
    Illegal,
    /// The referral moved on meanwhile; nothing was written.
    Stale,
}

/// Whether a relayed message went out.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Relayed {
    Sent,
    /// The referral is no longer accepted (or the request is gone).
    Closed,
}

/// What the requester relays.
#[derive(Debug, Clone)]
pub enum RelayContent {
    Text(String),
    /// A photo or document, copied (not forwarded: no link back to her account).
    File {
        chat: i64,
        message: i32,
    },
}

pub(super) fn keyboard(buttons: Vec<InlineKeyboardButton>) -> Option<String> {
    if buttons.is_empty() {
        return None;
    }
    serde_json::to_string(&InlineKeyboardMarkup::new(
        buttons.into_iter().map(|b| vec![b]),
    ))
    .ok()
}

/// A button carrying a fresh token for `act`, usable only by `user`.
pub fn token_button(
    ctx: &BotContext,
    user: i64,
    label: String,
    act: &Act,
) -> Result<Option<InlineKeyboardButton>, StoreError> {
    let token = ctx.store.issue_token(user, &act.encode(), ctx.now())?;
    Ok(Callback::Token(token)
        .encode()
        .ok()
        .map(|data| InlineKeyboardButton::callback(label, data)))
}

/// Notices to one chat: the text split to Telegram's limit, the keyboard on the last part.
pub(super) fn notices(
    chat: i64,
    text: &str,
    buttons: Vec<InlineKeyboardButton>,
) -> Vec<OutboxMessage> {
    let parts = html::split(text);
    let last = parts.len().saturating_sub(1);
    let keyboard = keyboard(buttons);
    parts
        .into_iter()
        .enumerate()
        .map(|(i, html)| OutboxMessage {
            keyboard_json: if i == last { keyboard.clone() } else { None },
            ..OutboxMessage::protected(chat, html)
        })
        .collect()
}

pub fn format_time(unix: i64) -> String {
    chrono::DateTime::from_timestamp(unix, 0)
        .map(|t| t.format("%d.%m.%Y %H:%M").to_string())
        .unwrap_or_default()
}

/// Keeps the language someone uses, if they never chose one, so that the notices the bot
/// sends them later (from the outbox, without a message of theirs to go by) match it.
pub fn remember_language(ctx: &BotContext, user: i64, lang: Lang) -> Result<(), StoreError> {
    if ctx.store.user_language(user)?.is_none() {
        ctx.store.set_user_language(user, lang)?;
    }
    Ok(())
}

fn load(ctx: &BotContext) -> Result<Load, StoreError> {
    Ok(Load {
        open: ctx.store.open_referral_counts()?,
        paused: ctx.store.paused_orgs()?,
    })
}

/// The organization a request goes to next: the one she picked if it can take it, else the
/// routing choice; `None` if nobody eligible is left.
fn next_org<'a>(
    ctx: &'a BotContext,
    need: &Need<'_>,
    tried: &[String],
    preferred: Option<&str>,
) -> Result<Option<&'a Organization>, StoreError> {
    let load = load(ctx)?;
    let today = ctx.today();
    if let Some(org) = preferred.and_then(|id| ctx.index.find(id))
        && routing::eligible(org, need, &load, today)
        && !tried.contains(&org.id)
    {
        return Ok(Some(org));
    }
    let rotation = ctx.store.bump_counter("rotation")?;
    Ok(routing::choose(
        ctx.index.organizations(),
        need,
        &load,
        tried,
        rotation,
        today,
    ))
}

fn new_referral(ctx: &BotContext, org: &Organization) -> Referral {
    let now = ctx.now();
    Referral {
        org: org.id.clone(),
        status: ReferralStatus::Pending,
        offered_at: now,
        respond_by: now + i64::from(org.response_hours) * 3600,
    }
}

/// Every staff member of an organization the bot can reach (not marked unreachable after a
/// 403), with the language notices to them are written in.
pub(super) fn reachable_staff(ctx: &BotContext, org: &str) -> Result<Vec<(i64, Lang)>, StoreError> {
    let mut out = Vec::new();
    for chat in ctx.store.staff_chats(org)? {
        if !ctx.store.is_unreachable(chat)? {
            out.push((chat, ctx.lang_of_chat(chat)));
        }
    }
    Ok(out)
}

/// "New request" notices to every reachable staff member of the organization: only the code,
/// topic, region and kind of help, and a button to open it.
fn staff_new_referral(
    ctx: &BotContext,
    code: &str,
    request: &HelpRequest,
    referral: &Referral,
) -> Result<Vec<OutboxMessage>, StoreError> {
    let taxonomy = ctx.index.taxonomy();
    let mut out = Vec::new();
    for (chat, lang) in reachable_staff(ctx, &referral.org)? {
        let text = ctx.i18n.with(
            lang,
            Msg::StaffNewReferral,
            &[
                ("code", Arg::Str(code)),
                (
                    "topic",
                    Arg::Str(&html::escape(&render::topic_name(
                        taxonomy,
                        lang,
                        &request.topic,
                    ))),
                ),
                (
                    "region",
                    Arg::Str(&html::escape(&render::stored_region_name(
                        &ctx.i18n,
                        lang,
                        taxonomy,
                        &request.region,
                    ))),
                ),
                (
                    "kind",
                    Arg::Str(&ctx.i18n.text(lang, Msg::kind(request.kind))),
                ),
                ("deadline", Arg::Str(&format_time(referral.respond_by))),
            ],
        );
        let open = token_button(
            ctx,
            chat,
            ctx.i18n.text(lang, Msg::BtnOpen),
            &Act::OpenReferral(code.to_string()),
        )?;
        out.extend(notices(chat, &text, open.into_iter().collect()));
    }
    Ok(out)
}

/// A notice to every reachable staff member of an organization.
pub(super) fn staff_notice(
    ctx: &BotContext,
    org: &str,
    msg: Msg,
    code: &str,
) -> Result<Vec<OutboxMessage>, StoreError> {
    let mut out = Vec::new();
    for (chat, lang) in reachable_staff(ctx, org)? {
        let text = ctx.i18n.with(lang, msg, &[("code", Arg::Str(code))]);
        out.extend(notices(chat, &text, Vec::new()));
    }
    Ok(out)
}

/// The count of requests nobody could take, to every admin. Never any content.
/// A count (never content) to every admin, with `counter` bumped.
pub(super) fn admin_count(
    ctx: &BotContext,
    counter: &str,
    msg: Msg,
) -> Result<Vec<OutboxMessage>, StoreError> {
    let count = ctx.store.bump_counter(counter)?;
    Ok(to_admins(ctx, |lang| {
        ctx.i18n
            .with(lang, msg, &[("count", Arg::Num(count as i64))])
    }))
}

/// A notice to every coordinator, written in each one's language.
pub(super) fn to_admins(ctx: &BotContext, text: impl Fn(Lang) -> String) -> Vec<OutboxMessage> {
    ctx.admins
        .iter()
        .flat_map(|&admin| notices(admin, &text(ctx.lang_of_chat(admin)), Vec::new()))
        .collect()
}

fn admin_unplaced(ctx: &BotContext) -> Result<Vec<OutboxMessage>, StoreError> {
    admin_count(ctx, "unplaced", Msg::AdminUnplaced)
}

fn request_from(draft: &Draft, chat: i64, now: i64) -> Option<HelpRequest> {
    Some(HelpRequest {
        topic: draft.topic.clone()?,
        region: draft.region.clone()?,
        kind: HelpKind::from_code(draft.kind.as_deref()?)?,
        description: draft.description.clone(),
        contact: draft.contact.as_ref()?.into(),
        requester_chat: chat,
        created_at: now,
    })
}

/// Sends a completed draft: routes it, stores the request, its referral and the staff notices
/// in one transaction (consuming the draft), flushes, and wakes the outbox.
pub async fn submit(
    ctx: &BotContext,
    chat: i64,
    lang: Lang,
    draft: &Draft,
) -> Result<Submitted, BotError> {
    let Some(request) = request_from(draft, chat, ctx.now()) else {
        return Ok(Submitted::AlreadySent);
    };
    // Notices about her request come in the language she wrote it in.
    remember_language(ctx, chat, lang)?;
    let need = Need {
        topic: &request.topic,
        region: &request.region,
        kind: request.kind,
    };
    let Some(org) = next_org(ctx, &need, &[], draft.org.as_deref())? else {
        ctx.store.enqueue(&admin_unplaced(ctx)?, ctx.now() * 1000)?;
        ctx.store.remove_dialogue(chat)?;
        ctx.commit().await?;
        tracing::info!("a help request found no eligible organization");
        return Ok(Submitted::NoOrganization);
    };
    let code = ctx.store.new_reference_code()?;
    let referral = new_referral(ctx, org);
    let notify = staff_new_referral(ctx, &code, &request, &referral)?;
    match ctx.store.submit_request(
        &code,
        &request,
        Some(&referral),
        &notify,
        ctx.now() * 1000,
        Some(chat),
    ) {
        Err(StoreError::Stale) => return Ok(Submitted::AlreadySent),
        other => other?,
    }
    ctx.commit().await?;
    tracing::info!(staff_notices = notify.len(), "a help request was referred");
    Ok(Submitted::Sent {
        code,
        org: org.id.clone(),
        hours: org.response_hours,
    })
}

/// Applies an action to a request's latest referral (attempt `attempt`, as read by the caller
/// who checked who may do it), with everything that follows: the requester and staff notices,
/// and when declined or expired, the next organization or — if none is left — the hotlines
/// for her and a count for admins.
pub async fn act(
    ctx: &BotContext,
    code: &str,
    attempt: u16,
    referral: &Referral,
    action: Action,
    reason: Option<DeclineReason>,
    actor: Actor,
) -> Result<Acted, BotError> {
    let to = match apply(referral.status, action) {
        Err(_) => return Ok(Acted::Illegal),
        Ok(Transition::Unchanged) => return Ok(Acted::Unchanged),
        Ok(Transition::Changed(to)) => to,
    };
    let Some(request) = ctx.store.help_request(code)? else {
        return Ok(Acted::Stale);
    };
    let requester = request.requester_chat;
    let her_lang = ctx.lang_of_chat(requester);
    let org_name = |org: &str| html::escape(&ctx.org_name(org, her_lang));
    let mut notify = Vec::new();
    let mut next = None;
    match to {
        ReferralStatus::Accepted => {
            let text = ctx.i18n.with(
                her_lang,
                Msg::NoticeAccepted,
                &[
                    ("org", Arg::Str(&org_name(&referral.org))),
                    ("code", Arg::Str(code)),
                ],
            );
            let write = token_button(
                ctx,
                requester,
                ctx.i18n.text(her_lang, Msg::BtnWrite),
                &Act::Write(code.to_string()),
            )?;
            notify.extend(notices(requester, &text, write.into_iter().collect()));
        }
        ReferralStatus::Declined | ReferralStatus::Expired => {
            if to == ReferralStatus::Expired {
                notify.extend(staff_notice(ctx, &referral.org, Msg::NoticeExpired, code)?);
            }
            let tried: Vec<String> = ctx
                .store
                .referrals(code)?
                .into_iter()
                .map(|(_, r)| r.org)
                .collect();
            let need = Need {
                topic: &request.topic,
                region: &request.region,
                kind: request.kind,
            };
            match next_org(ctx, &need, &tried, None)? {
                Some(org) => {
                    let referral = new_referral(ctx, org);
                    notify.extend(staff_new_referral(ctx, code, &request, &referral)?);
                    let text = ctx.i18n.with(
                        her_lang,
                        Msg::NoticeRerouted,
                        &[
                            ("org", Arg::Str(&org_name(&org.id))),
                            ("code", Arg::Str(code)),
                        ],
                    );
                    notify.extend(notices(requester, &text, Vec::new()));
                    next = Some(referral);
                }
                None => {
                    let text =
                        ctx.i18n
                            .with(her_lang, Msg::NoticeUnplaced, &[("code", Arg::Str(code))]);
                    notify.extend(notices(requester, &text, Vec::new()));
                    notify.extend(admin_unplaced(ctx)?);
                }
            }
        }
        ReferralStatus::Closed(outcome) if actor == Actor::Staff => {
            let text = ctx.i18n.with(
                her_lang,
                Msg::NoticeClosed,
                &[
                    ("org", Arg::Str(&org_name(&referral.org))),
                    ("code", Arg::Str(code)),
                    (
                        "outcome",
                        Arg::Str(&ctx.i18n.text(her_lang, Msg::outcome(outcome))),
                    ),
                ],
            );
            notify.extend(notices(requester, &text, Vec::new()));
        }
        ReferralStatus::Closed(_) => {
            notify.extend(staff_notice(ctx, &referral.org, Msg::NoticeFinished, code)?);
        }
        ReferralStatus::Withdrawn => {
            notify.extend(staff_notice(
                ctx,
                &referral.org,
                Msg::NoticeWithdrawn,
                code,
            )?);
        }
        ReferralStatus::Pending => {}
    }
    let change = ReferralChange {
        code,
        attempt,
        expected: referral.status,
        to,
        reason,
        next: next.as_ref(),
        notify: &notify,
        now: ctx.now(),
    };
    match ctx.store.change_referral(&change) {
        Err(StoreError::Stale | StoreError::NotFound) => return Ok(Acted::Stale),
        other => other?,
    }
    if matches!(to, ReferralStatus::Closed(_)) && actor == Actor::Staff {
        // One optional, anonymous question to her a day later. Not part of the change: a
        // crash here loses only the question, never the change she was told about.
        super::feedback::schedule_help_question(ctx, code, &referral.org, requester)?;
    }
    ctx.commit().await?;
    tracing::info!(?actor, to = ?to, "a referral changed");
    Ok(Acted::Changed(to))
}

/// The two sides of a conversation: the requester's chat and the organization.
pub struct Conversation {
    pub requester_chat: i64,
    pub org: String,
}

/// Who may write to whom about a request, if anyone: for a help request, while its latest
/// referral is accepted; for an expert request, once an offer was picked.
pub fn open_conversation(ctx: &BotContext, code: &str) -> Result<Option<Conversation>, StoreError> {
    if crate::domain::request::is_expert_code(code) {
        return Ok(ctx
            .store
            .expert_request(code)?
            .and_then(|(request, status)| match status {
                crate::domain::expert::ExpertStatus::Filled { org } => Some(Conversation {
                    requester_chat: request.requester_chat,
                    org,
                }),
                _ => None,
            }));
    }
    let Some(request) = ctx.store.help_request(code)? else {
        return Ok(None);
    };
    Ok(ctx
        .store
        .latest_referral(code)?
        .filter(|(_, r)| r.status == ReferralStatus::Accepted)
        .map(|(_, r)| Conversation {
            requester_chat: request.requester_chat,
            org: r.org,
        }))
}

/// Passes the requester's message to every staff member of the organization that accepted.
pub async fn relay_to_org(
    ctx: &BotContext,
    code: &str,
    requester_chat: i64,
    content: RelayContent,
) -> Result<Relayed, BotError> {
    let Some(talk) = open_conversation(ctx, code)? else {
        return Ok(Relayed::Closed);
    };
    if talk.requester_chat != requester_chat {
        return Ok(Relayed::Closed);
    }
    let mut out = Vec::new();
    for (chat, lang) in reachable_staff(ctx, &talk.org)? {
        let reply = token_button(
            ctx,
            chat,
            ctx.i18n.text(lang, Msg::BtnReply),
            &Act::Reply(code.to_string()),
        )?;
        match &content {
            RelayContent::Text(text) => {
                let text = ctx.i18n.with(
                    lang,
                    Msg::RelayToStaff,
                    &[
                        ("code", Arg::Str(code)),
                        ("text", Arg::Str(&html::escape(text))),
                    ],
                );
                out.extend(notices(chat, &text, reply.into_iter().collect()));
            }
            RelayContent::File {
                chat: from,
                message,
            } => {
                let caption =
                    ctx.i18n
                        .with(lang, Msg::RelayFileCaption, &[("code", Arg::Str(code))]);
                out.push(OutboxMessage {
                    keyboard_json: keyboard(reply.into_iter().collect()),
                    copy_from: Some((*from, *message)),
                    ..OutboxMessage::protected(chat, caption)
                });
            }
        }
    }
    ctx.store.enqueue(&out, ctx.now() * 1000)?;
    ctx.commit().await?;
    tracing::info!(
        copies = out.len(),
        "a message was relayed to an organization"
    );
    Ok(Relayed::Sent)
}

/// Passes a staff member's text to the requester, under the organization's name only.
pub async fn relay_to_requester(
    ctx: &BotContext,
    code: &str,
    staff_org: &str,
    text: &str,
) -> Result<Relayed, BotError> {
    let Some(talk) = open_conversation(ctx, code)? else {
        return Ok(Relayed::Closed);
    };
    if talk.org != staff_org {
        return Ok(Relayed::Closed);
    }
    let chat = talk.requester_chat;
    let lang = ctx.lang_of_chat(chat);
    let body = ctx.i18n.with(
        lang,
        Msg::RelayToRequester,
        &[
            (
                "org",
                Arg::Str(&html::escape(&ctx.org_name(staff_org, lang))),
            ),
            ("code", Arg::Str(code)),
            ("text", Arg::Str(&html::escape(text))),
        ],
    );
    let write = token_button(
        ctx,
        chat,
        ctx.i18n.text(lang, Msg::BtnWrite),
        &Act::Write(code.to_string()),
    )?;
    let out = notices(chat, &body, write.into_iter().collect());
    ctx.store.enqueue(&out, ctx.now() * 1000)?;
    ctx.commit().await?;
    tracing::info!("a message was relayed to a requester");
    Ok(Relayed::Sent)
}

/// Moves every overdue referral on. Returns how many.
pub async fn expire_overdue(ctx: &BotContext) -> Result<usize, BotError> {
    let mut moved = 0;
    for (code, attempt, referral) in ctx.store.overdue_referrals(ctx.now())? {
        if let Acted::Changed(_) = act(
            ctx,
            &code,
            attempt,
            &referral,
            Action::Expire,
            None,
            Actor::Deadline,
        )
        .await?
        {
            moved += 1;
        }
    }
    Ok(moved)
}

/// Deletes what is past its time: finished requests after the retention period, expired
/// buttons, update ids older than a day. Returns how many requests were deleted.
pub async fn purge_expired(ctx: &BotContext) -> Result<usize, BotError> {
    let now = ctx.now();
    let cutoff = now - i64::from(ctx.retention_days) * 24 * 3600;
    let purged =
        ctx.store.purge_finished_requests(cutoff)? + ctx.store.purge_finished_experts(cutoff)?;
    ctx.store.purge_tokens(now)?;
    ctx.store.purge_seen_updates(now * 1000)?;
    ctx.store.flush().await?;
    Ok(purged)
}

/// The background task behind response deadlines, expert requests' checks and feedback
/// questions (every minute) and retention (every hour).
pub async fn run_timers(ctx: Arc<BotContext>) {
    let mut minutes: u64 = 0;
    loop {
        if let Err(e) = expire_overdue(&ctx).await {
            tracing::error!(error = %e, "moving overdue referrals on failed");
        }
        if let Err(e) = super::experts::check_open_requests(&ctx).await {
            tracing::error!(error = %e, "checking open expert requests failed");
        }
        if let Err(e) = super::feedback::ask_due(&ctx).await {
            tracing::error!(error = %e, "sending feedback questions failed");
        }
        if minutes.is_multiple_of(60) {
            match purge_expired(&ctx).await {
                Ok(n) => tracing::info!(requests = n, "retention: finished requests deleted"),
                Err(e) => tracing::error!(error = %e, "retention failed"),
            }
        }
        minutes += 1;
        tokio::time::sleep(Duration::from_secs(60)).await;
    }
}
