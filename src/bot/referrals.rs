//! The opaque buttons and commands that act on requests and referrals: staff's `/inbox`,
//! a referral's details, Accept / Decline / Close, Reply, pause and resume; the requester's
//! `/my`, Write, Withdraw and "I got help". Every action re-checks against the store that
//! this person may do this to this object, whatever the button said.

use teloxide::types::InlineKeyboardButton;

use super::actions::Act;
use super::render::{self, Screen};
use super::workflow::{self, Acted, Actor, format_time, token_button};
use super::{BotContext, BotError, PoruchDialogue, State, html, render_request};
use crate::domain::{Action, DeclineReason, Lang, Outcome, Referral, ReferralStatus};
use crate::i18n::{Arg, Msg};
use crate::storage::TokenRefusal;

/// What a pressed token turned out to be.
pub enum Pressed {
    /// A screen to show, and whether it carries request details (sent with protect_content).
    Show { screen: Screen, protect: bool },
    /// Refused: forged, replayed, stale, or not this person's to act on.
    Refused(&'static str),
}

pub(super) fn show(screen: Screen) -> Pressed {
    Pressed::Show {
        screen,
        protect: false,
    }
}

pub(super) fn protected(screen: Screen) -> Pressed {
    Pressed::Show {
        screen,
        protect: true,
    }
}

pub(super) fn keyboard(
    ctx: &BotContext,
    lang: Lang,
    buttons: Vec<Option<InlineKeyboardButton>>,
) -> teloxide::types::InlineKeyboardMarkup {
    let mut grid: Vec<Vec<Option<InlineKeyboardButton>>> =
        buttons.into_iter().map(|b| vec![b]).collect();
    grid.push(render::footer(&ctx.i18n, lang));
    render::rows(grid)
}

pub(super) fn info(ctx: &BotContext, lang: Lang, msg: Msg, code: &str) -> Screen {
    render::info(
        &ctx.i18n,
        lang,
        ctx.i18n.with(lang, msg, &[("code", Arg::Str(code))]),
    )
}

/// Resolves and performs a pressed token.
pub async fn press(
    ctx: &BotContext,
    dialogue: &PoruchDialogue,
    user: i64,
    lang: Lang,
    token: &str,
) -> Result<Pressed, BotError> {
    let act = match ctx.store.redeem_token(token, user, ctx.now())? {
        Err(refusal) => return Ok(Pressed::Refused(refusal.code())),
        Ok(text) => match Act::decode(&text) {
            Some(act) => act,
            None => return Ok(Pressed::Refused(TokenRefusal::Unknown.code())),
        },
    };
    if act.is_expert() {
        super::experts::press(ctx, dialogue, user, lang, act).await
    } else if act.is_feedback() {
        super::feedback::press(ctx, dialogue, user, lang, act).await
    } else if let Act::HideMaterial(id) = &act {
        super::materials::hide(ctx, user, lang, id).await
    } else if act.is_staff() {
        staff_act(ctx, dialogue, user, lang, act).await
    } else {
        requester_act(ctx, dialogue, user, lang, act).await
    }
}

// --- staff ---

/// The staff member's organization, and the request's latest referral if it is assigned to it.
fn assigned(ctx: &BotContext, org: &str, code: &str) -> Result<Option<(u16, Referral)>, BotError> {
    Ok(ctx
        .store
        .latest_referral(code)?
        .filter(|(_, r)| r.org == org))
}

async fn staff_act(
    ctx: &BotContext,
    dialogue: &PoruchDialogue,
    user: i64,
    lang: Lang,
    act: Act,
) -> Result<Pressed, BotError> {
    let Some(org) = ctx.store.staff_org(user)? else {
        return Ok(Pressed::Refused("not-staff"));
    };
    let code = match &act {
        Act::Inbox => return Ok(show(inbox(ctx, user, lang)?)),
        Act::Pause | Act::Resume => {
            return Ok(show(set_paused(ctx, user, lang, act == Act::Pause).await?));
        }
        Act::OpenReferral(c)
        | Act::Accept(c)
        | Act::Decline(c)
        | Act::DeclineWith(c, _)
        | Act::Close(c)
        | Act::CloseWith(c, _)
        | Act::Reply(c) => c.clone(),
        _ => return Ok(Pressed::Refused("not-staff")),
    };
    let Some((attempt, referral)) = assigned(ctx, &org, &code)? else {
        // It went to another organization, was deleted, or was never this organization's.
        return Ok(Pressed::Refused("not-assigned"));
    };
    let staff_change = async |action: Action, reason: Option<DeclineReason>| {
        workflow::act(ctx, &code, attempt, &referral, action, reason, Actor::Staff).await
    };
    let acted = |acted: Acted, done: Msg| -> Result<Pressed, BotError> {
        Ok(match acted {
            Acted::Changed(_) => show(info(ctx, lang, done, &code)),
            Acted::Unchanged => show(info(ctx, lang, Msg::StaffAlreadyAccepted, &code)),
            Acted::Illegal | Acted::Stale => changed_meanwhile(ctx, user, lang, &code)?,
        })
    };
    match act {
        Act::OpenReferral(_) => Ok(protected(referral_detail(ctx, user, lang, &code)?)),
        Act::Accept(_) => {
            let result = staff_change(Action::Accept, None).await?;
            // Two colleagues pressing Accept at once: the second finds it accepted, which is
            // what they wanted — a no-op, not an error.
            let result = match result {
                Acted::Stale
                    if assigned(ctx, &org, &code)?
                        .is_some_and(|(_, r)| r.status == ReferralStatus::Accepted) =>
                {
                    Acted::Unchanged
                }
                other => other,
            };
            if matches!(result, Acted::Changed(_) | Acted::Unchanged) {
                let reply = token_button(
                    ctx,
                    user,
                    ctx.i18n.text(lang, Msg::BtnReply),
                    &Act::Reply(code.clone()),
                )?;
                let msg = if result == Acted::Unchanged {
                    Msg::StaffAlreadyAccepted
                } else {
                    Msg::StaffAccepted
                };
                let text = ctx.i18n.with(lang, msg, &[("code", Arg::Str(&code))]);
                return Ok(show(Screen {
                    text,
                    keyboard: Some(keyboard(ctx, lang, vec![reply])),
                }));
            }
            acted(result, Msg::StaffAccepted)
        }
        Act::Decline(_) if referral.status == ReferralStatus::Pending => {
            let choices =
                DeclineReason::ALL.map(|r| (Msg::reason(r), Act::DeclineWith(code.clone(), r)));
            Ok(show(choice_screen(
                ctx,
                user,
                lang,
                Msg::DeclineAsk,
                &code,
                choices,
            )?))
        }
        Act::DeclineWith(_, reason) => {
            let result = staff_change(Action::Decline, Some(reason)).await?;
            acted(result, Msg::StaffDeclined)
        }
        Act::Close(_) if referral.status == ReferralStatus::Accepted => {
            let choices = Outcome::ALL.map(|o| (Msg::outcome(o), Act::CloseWith(code.clone(), o)));
            Ok(show(choice_screen(
                ctx,
                user,
                lang,
                Msg::CloseAsk,
                &code,
                choices,
            )?))
        }
        Act::CloseWith(_, outcome) => {
            let result = staff_change(Action::Close(outcome), None).await?;
            if let Acted::Changed(_) = result {
                let text = ctx.i18n.with(
                    lang,
                    Msg::StaffClosed,
                    &[
                        ("code", Arg::Str(&code)),
                        (
                            "outcome",
                            Arg::Str(&ctx.i18n.text(lang, Msg::outcome(outcome))),
                        ),
                    ],
                );
                return Ok(show(render::info(&ctx.i18n, lang, text)));
            }
            acted(result, Msg::StaffClosed)
        }
        Act::Reply(_) if referral.status == ReferralStatus::Accepted => {
            dialogue
                .update(State::Replying { code: code.clone() })
                .await?;
            Ok(show(info(ctx, lang, Msg::ReplyPrompt, &code)))
        }
        _ => changed_meanwhile(ctx, user, lang, &code),
    }
}

/// A question about a request with one token button per answer.
fn choice_screen(
    ctx: &BotContext,
    user: i64,
    lang: Lang,
    question: Msg,
    code: &str,
    choices: impl IntoIterator<Item = (Msg, Act)>,
) -> Result<Screen, BotError> {
    let mut buttons = Vec::new();
    for (label, act) in choices {
        buttons.push(token_button(ctx, user, ctx.i18n.text(lang, label), &act)?);
    }
    Ok(Screen {
        text: ctx.i18n.with(lang, question, &[("code", Arg::Str(code))]),
        keyboard: Some(keyboard(ctx, lang, buttons)),
    })
}

fn changed_meanwhile(
    ctx: &BotContext,
    user: i64,
    lang: Lang,
    code: &str,
) -> Result<Pressed, BotError> {
    let detail = referral_detail(ctx, user, lang, code)?;
    Ok(protected(Screen {
        text: format!(
            "{}\n\n{}",
            ctx.i18n.text(lang, Msg::ChangedMeanwhile),
            detail.text
        ),
        keyboard: detail.keyboard,
    }))
}

/// A referral as its organization's staff see it: the request's details and contact choice,
/// never who sent it; with the buttons its status allows.
pub fn referral_detail(
    ctx: &BotContext,
    user: i64,
    lang: Lang,
    code: &str,
) -> Result<Screen, BotError> {
    let i18n = &ctx.i18n;
    let (Some(request), Some((_, referral))) = (
        ctx.store.help_request(code)?,
        ctx.store.latest_referral(code)?,
    ) else {
        return Ok(render::info(i18n, lang, i18n.text(lang, Msg::NotAllowed)));
    };
    let taxonomy = ctx.index.taxonomy();
    let topic = render::topic_name(taxonomy, lang, &request.topic);
    let description = render_request::description_line(i18n, lang, request.description.as_deref());
    let contact = render_request::contact_line(i18n, lang, &request.contact);
    let text = i18n.with(
        lang,
        Msg::ReferralDetail,
        &[
            ("code", Arg::Str(code)),
            (
                "status",
                Arg::Str(&i18n.text(lang, Msg::status(referral.status))),
            ),
            ("topic", Arg::Str(&html::escape(&topic))),
            (
                "region",
                Arg::Str(&html::escape(&render::stored_region_name(
                    i18n,
                    lang,
                    taxonomy,
                    &request.region,
                ))),
            ),
            ("kind", Arg::Str(&i18n.text(lang, Msg::kind(request.kind)))),
            ("received", Arg::Str(&format_time(referral.offered_at))),
            ("description", Arg::Str(&description)),
            ("contact", Arg::Str(&contact)),
        ],
    );
    let code = code.to_string();
    let mut buttons = Vec::new();
    let mut add = |msg: Msg, act: Act| -> Result<(), BotError> {
        buttons.push(token_button(ctx, user, i18n.text(lang, msg), &act)?);
        Ok(())
    };
    match referral.status {
        ReferralStatus::Pending => {
            add(Msg::BtnAccept, Act::Accept(code.clone()))?;
            add(Msg::BtnDecline, Act::Decline(code.clone()))?;
        }
        ReferralStatus::Accepted => {
            add(Msg::BtnReply, Act::Reply(code.clone()))?;
            add(Msg::BtnClose, Act::Close(code.clone()))?;
        }
        _ => {}
    }
    add(Msg::BtnInbox, Act::Inbox)?;
    Ok(Screen {
        text,
        keyboard: Some(keyboard(ctx, lang, buttons)),
    })
}

/// `/inbox`: the organization's open referrals, newest state first.
pub fn inbox(ctx: &BotContext, user: i64, lang: Lang) -> Result<Screen, BotError> {
    let i18n = &ctx.i18n;
    let Some(org) = ctx.store.staff_org(user)? else {
        return Ok(render::info(
            i18n,
            lang,
            i18n.text(lang, Msg::UnknownCommand),
        ));
    };
    let codes = ctx.store.open_referrals_of(&org)?;
    let expert_buttons = super::experts::inbox_buttons(ctx, user, lang, &org)?;
    let mut text = i18n.with(
        lang,
        Msg::InboxHeader,
        &[
            ("org", Arg::Str(&html::escape(&ctx.org_name(&org, lang)))),
            ("count", Arg::Num(codes.len() as i64)),
        ],
    );
    let paused = ctx.store.is_paused(&org)?;
    if paused {
        text.push_str("\n\n");
        text.push_str(&i18n.text(lang, Msg::InboxPaused));
    }
    if codes.is_empty() {
        text.push_str("\n\n");
        text.push_str(&i18n.text(lang, Msg::InboxEmpty));
    }
    if !expert_buttons.is_empty() {
        text.push_str("\n\n");
        text.push_str(&i18n.with(
            lang,
            Msg::InboxExperts,
            &[("count", Arg::Num(expert_buttons.len() as i64))],
        ));
    }
    let mut buttons = Vec::new();
    for code in codes.iter().take(40) {
        let Some((_, referral)) = assigned(ctx, &org, code)? else {
            continue;
        };
        let label = i18n.with(
            lang,
            Msg::InboxItem,
            &[
                ("code", Arg::Str(code)),
                (
                    "status",
                    Arg::Str(&i18n.text(lang, Msg::status(referral.status))),
                ),
            ],
        );
        buttons.push(token_button(
            ctx,
            user,
            label,
            &Act::OpenReferral(code.clone()),
        )?);
    }
    buttons.extend(expert_buttons);
    let (msg, act) = if paused {
        (Msg::BtnResume, Act::Resume)
    } else {
        (Msg::BtnPause, Act::Pause)
    };
    buttons.push(token_button(ctx, user, i18n.text(lang, msg), &act)?);
    Ok(Screen {
        text,
        keyboard: Some(keyboard(ctx, lang, buttons)),
    })
}

/// `/pause` and `/resume` (and their buttons): no new referrals for the organization, or again.
pub async fn set_paused(
    ctx: &BotContext,
    user: i64,
    lang: Lang,
    paused: bool,
) -> Result<Screen, BotError> {
    let i18n = &ctx.i18n;
    let Some(org) = ctx.store.staff_org(user)? else {
        return Ok(render::info(
            i18n,
            lang,
            i18n.text(lang, Msg::UnknownCommand),
        ));
    };
    ctx.store.set_paused(&org, paused, ctx.now())?;
    ctx.store.flush().await?;
    tracing::info!(
        paused,
        "an organization changed whether it takes new referrals"
    );
    let msg = if paused {
        Msg::PauseDone
    } else {
        Msg::ResumeDone
    };
    let name = html::escape(&ctx.org_name(&org, lang));
    Ok(render::info(
        i18n,
        lang,
        i18n.with(lang, msg, &[("org", Arg::Str(&name))]),
    ))
}

// --- the requester ---

async fn requester_act(
    ctx: &BotContext,
    dialogue: &PoruchDialogue,
    user: i64,
    lang: Lang,
    act: Act,
) -> Result<Pressed, BotError> {
    let code = match &act {
        Act::OpenRequest(c)
        | Act::Write(c)
        | Act::Withdraw(c)
        | Act::WithdrawConfirmed(c)
        | Act::Finish(c) => c.clone(),
        _ => return Ok(Pressed::Refused("not-owner")),
    };
    let Some(request) = ctx.store.help_request(&code)? else {
        return Ok(Pressed::Refused("gone"));
    };
    // A private chat's id is its user's id: only the person who asked may act.
    if request.requester_chat != user {
        return Ok(Pressed::Refused("not-owner"));
    }
    let latest = ctx.store.latest_referral(&code)?;
    let status = latest.as_ref().map(|(_, r)| r.status);
    match act {
        Act::Write(_) if status == Some(ReferralStatus::Accepted) => {
            let org = latest.map(|(_, r)| r.org).unwrap_or_default();
            dialogue
                .update(State::Writing { code: code.clone() })
                .await?;
            let text = ctx.i18n.with(
                lang,
                Msg::WritePrompt,
                &[
                    ("org", Arg::Str(&html::escape(&ctx.org_name(&org, lang)))),
                    ("code", Arg::Str(&code)),
                ],
            );
            Ok(show(render::info(&ctx.i18n, lang, text)))
        }
        Act::Withdraw(_) if status.is_some_and(ReferralStatus::is_open) => {
            let yes = token_button(
                ctx,
                user,
                ctx.i18n.text(lang, Msg::BtnWithdrawYes),
                &Act::WithdrawConfirmed(code.clone()),
            )?;
            Ok(show(Screen {
                text: ctx
                    .i18n
                    .with(lang, Msg::WithdrawConfirm, &[("code", Arg::Str(&code))]),
                keyboard: Some(keyboard(ctx, lang, vec![yes])),
            }))
        }
        Act::WithdrawConfirmed(_) | Act::Finish(_) => {
            let Some((attempt, referral)) = latest else {
                return Ok(protected(request_detail(ctx, user, lang, &code)?));
            };
            let (action, done) = if matches!(act, Act::Finish(_)) {
                (Action::Close(Outcome::Helped), Msg::FinishedDone)
            } else {
                (Action::Withdraw, Msg::WithdrawnDone)
            };
            let result = workflow::act(
                ctx,
                &code,
                attempt,
                &referral,
                action,
                None,
                Actor::Requester,
            )
            .await?;
            if let Acted::Changed(_) = result {
                if let Ok(Some(State::Writing { code: writing })) = dialogue.get().await
                    && writing == code
                {
                    dialogue.exit().await?;
                }
                return Ok(show(info(ctx, lang, done, &code)));
            }
            Ok(protected(request_detail(ctx, user, lang, &code)?))
        }
        _ => Ok(protected(request_detail(ctx, user, lang, &code)?)),
    }
}

/// Her request's status as she sees it: the organization's name, never a staff member.
/// `for_html` escapes the name for a message; button labels are plain text.
fn her_status(ctx: &BotContext, lang: Lang, latest: Option<&Referral>, for_html: bool) -> String {
    let i18n = &ctx.i18n;
    let Some(referral) = latest else {
        return i18n.text(lang, Msg::RstatusUnplaced);
    };
    let name = ctx.org_name(&referral.org, lang);
    let org = if for_html { html::escape(&name) } else { name };
    let with_org = |msg| i18n.with(lang, msg, &[("org", Arg::Str(&org))]);
    match referral.status {
        ReferralStatus::Pending => with_org(Msg::RstatusPending),
        ReferralStatus::Accepted => with_org(Msg::RstatusAccepted),
        ReferralStatus::Closed(_) => with_org(Msg::RstatusClosed),
        ReferralStatus::Withdrawn => i18n.text(lang, Msg::RstatusWithdrawn),
        ReferralStatus::Declined | ReferralStatus::Expired => i18n.text(lang, Msg::RstatusUnplaced),
    }
}

/// One of her requests, with what she can do now.
pub fn request_detail(
    ctx: &BotContext,
    user: i64,
    lang: Lang,
    code: &str,
) -> Result<Screen, BotError> {
    let i18n = &ctx.i18n;
    let Some(request) = ctx.store.help_request(code)? else {
        return Ok(render::info(i18n, lang, i18n.text(lang, Msg::NotAllowed)));
    };
    let latest = ctx.store.latest_referral(code)?.map(|(_, r)| r);
    let text = i18n.with(
        lang,
        Msg::MyDetail,
        &[
            ("code", Arg::Str(code)),
            ("date", Arg::Str(&format_time(request.created_at))),
            (
                "status",
                Arg::Str(&her_status(ctx, lang, latest.as_ref(), true)),
            ),
        ],
    );
    let code = code.to_string();
    let mut buttons = Vec::new();
    let mut add = |msg: Msg, act: Act| -> Result<(), BotError> {
        buttons.push(token_button(ctx, user, i18n.text(lang, msg), &act)?);
        Ok(())
    };
    match latest.map(|r| r.status) {
        Some(ReferralStatus::Accepted) => {
            add(Msg::BtnWrite, Act::Write(code.clone()))?;
            add(Msg::BtnFinish, Act::Finish(code.clone()))?;
            add(Msg::BtnWithdraw, Act::Withdraw(code.clone()))?;
        }
        Some(ReferralStatus::Pending) => add(Msg::BtnWithdraw, Act::Withdraw(code.clone()))?,
        _ => {}
    }
    Ok(Screen {
        text,
        keyboard: Some(keyboard(ctx, lang, buttons)),
    })
}

/// `/my`: her requests with their status.
pub fn my_requests(ctx: &BotContext, user: i64, lang: Lang) -> Result<Screen, BotError> {
    let i18n = &ctx.i18n;
    let codes = ctx.store.requests_of(user)?;
    let expert_buttons = super::experts::my_buttons(ctx, user, lang)?;
    if codes.is_empty() && expert_buttons.is_empty() {
        return Ok(render::info(i18n, lang, i18n.text(lang, Msg::MyEmpty)));
    }
    let mut buttons = Vec::new();
    for code in &codes {
        let latest = ctx.store.latest_referral(code)?.map(|(_, r)| r);
        let status = her_status(ctx, lang, latest.as_ref(), false);
        let label = i18n.with(
            lang,
            Msg::MyItem,
            &[("code", Arg::Str(code)), ("status", Arg::Str(&status))],
        );
        buttons.push(token_button(
            ctx,
            user,
            html::truncate(&label, 60),
            &Act::OpenRequest(code.clone()),
        )?);
    }
    let mut text = if codes.is_empty() {
        String::new()
    } else {
        i18n.with(
            lang,
            Msg::MyHeader,
            &[("count", Arg::Num(codes.len() as i64))],
        )
    };
    if !expert_buttons.is_empty() {
        if !text.is_empty() {
            text.push('\n');
        }
        text.push_str(&i18n.with(
            lang,
            Msg::MyExpertHeader,
            &[("count", Arg::Num(expert_buttons.len() as i64))],
        ));
    }
    buttons.extend(expert_buttons);
    Ok(Screen {
        text,
        keyboard: Some(keyboard(ctx, lang, buttons)),
    })
}
