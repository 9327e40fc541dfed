//! Notices as messages: the outbox worker renders each queued notice when it first delivers
//! it — in the recipient's language, escaped, split to Telegram's limit, with buttons whose
//! tokens are issued to the recipient then — and keeps the rendering in the outbox, so a
//! retry sends the very same message.

use teloxide::types::{InlineKeyboardButton, InlineKeyboardMarkup};

use super::callback::Callback;
use super::context::BotContext;
use super::html::{self, escape};
use super::render::coordination::label as member_label;
use super::render::expert::summary;
use super::render::help::contact_line;
use super::render::{Screen, button, days, format_time, rows, stored_region_name, topic_name};
use super::tokens;
use crate::app::act::Act;
use crate::app::help::WAIT_DAYS;
use crate::app::notice::{CannotTakeWhy, Counted, Departure, Notice, NoticeAction, NoticeKind};
use crate::app::{AppError, discreet};
use crate::domain::Lang;
use crate::domain::audit::AuditAction;
use crate::domain::feedback::Side;
use crate::i18n::{Arg, Msg};
use crate::storage::{Rendered, StoreError};

/// The label of a button that does `act`.
fn act_label(act: &Act) -> Msg {
    match act {
        Act::OpenReferral(_) | Act::OpenRequest(_) | Act::OpenExpert(_) | Act::MyExpert(_) => {
            Msg::BtnOpen
        }
        Act::Accept(_) => Msg::BtnAccept,
        Act::Decline(_) | Act::DeclineWith(..) => Msg::BtnDecline,
        Act::Close(_) | Act::CloseWith(..) => Msg::BtnClose,
        Act::Reply(_) => Msg::BtnReply,
        Act::Block(_) => Msg::BtnBlock,
        Act::BlockConfirmed(_) => Msg::BtnBlockYes,
        Act::Inbox => Msg::BtnInbox,
        Act::Pause => Msg::BtnPause,
        Act::Resume => Msg::BtnResume,
        Act::Write(_) => Msg::BtnWrite,
        Act::Withdraw(_) | Act::WithdrawExpert(_) => Msg::BtnWithdraw,
        Act::WithdrawConfirmed(_) | Act::WithdrawExpertConfirmed(_) => Msg::BtnWithdrawYes,
        Act::Finish(_) => Msg::BtnFinish,
        Act::PassOn(_) => Msg::BtnPassOn,
        Act::Offer(_) => Msg::BtnOffer,
        Act::Pass(_) => Msg::BtnPass,
        Act::Pick(..) => Msg::BtnPick,
        Act::TookPlace(_, _, true) => Msg::BtnHeldYes,
        Act::TookPlace(_, _, false) => Msg::BtnHeldNo,
        Act::Rate(..) => Msg::BtnStars,
        Act::HelpAnswered(_, answer) => Msg::help_answer(*answer),
        Act::HideMaterial(_) => Msg::BtnHide,
        Act::Revoke(..) | Act::RevokeConfirmed(..) => Msg::BtnRevokeYes,
        Act::LeaveConfirmed => Msg::BtnLeaveYes,
        Act::Reveal(_) => Msg::BtnShow,
    }
}

fn action_button(
    ctx: &BotContext,
    to: i64,
    lang: Lang,
    action: &NoticeAction,
) -> Result<Option<InlineKeyboardButton>, StoreError> {
    let text = |msg| ctx.i18n.text(lang, msg);
    Ok(match action {
        NoticeAction::Do(act) => tokens::button(ctx, to, text(act_label(act)), act)?,
        NoticeAction::OrgCard(org) => button(text(Msg::BtnAboutOrg), &Callback::Org(org.clone())),
        NoticeAction::Find => button(text(Msg::BtnFind), &Callback::Find),
        NoticeAction::Materials => button(text(Msg::BtnMaterials), &Callback::Materials),
        NoticeAction::Urgent => button(text(Msg::BtnUrgent), &Callback::Urgent),
        NoticeAction::Ask => button(text(Msg::BtnAsk), &Callback::Ask),
    })
}

/// The text of a notice (HTML) in a language.
pub fn text(ctx: &BotContext, lang: Lang, kind: &NoticeKind) -> String {
    let i18n = &ctx.i18n;
    let directory = ctx.app.directory();
    let taxonomy = directory.taxonomy();
    let org_name = |org: &str| escape(&ctx.org_name(org, lang));
    let with_code = |msg, code: &str| i18n.with(lang, msg, &[("code", Arg::Str(code))]);
    match kind {
        NoticeKind::NewReferral {
            code,
            topic,
            region,
            help,
            respond_by,
        } => i18n.with(
            lang,
            Msg::StaffNewReferral,
            &[
                ("code", Arg::Str(code)),
                (
                    "topic",
                    Arg::Str(&escape(&topic_name(taxonomy, lang, topic))),
                ),
                (
                    "region",
                    Arg::Str(&escape(&stored_region_name(i18n, lang, taxonomy, region))),
                ),
                ("kind", Arg::Str(&i18n.text(lang, Msg::kind(*help)))),
                ("deadline", Arg::Str(&format_time(*respond_by))),
            ],
        ),
        NoticeKind::ReferralExpired { code } => with_code(Msg::NoticeExpired, code),
        NoticeKind::ReferralFinished { code } => with_code(Msg::NoticeFinished, code),
        NoticeKind::ReferralWithdrawn { code } => with_code(Msg::NoticeWithdrawn, code),
        NoticeKind::ReferralForgotten { code } => with_code(Msg::ForgetWithdrawn, code),
        NoticeKind::Accepted { code, org } => i18n.with(
            lang,
            Msg::NoticeAccepted,
            &[("org", Arg::Str(&org_name(org))), ("code", Arg::Str(code))],
        ),
        NoticeKind::Rerouted { code, org } => i18n.with(
            lang,
            Msg::NoticeRerouted,
            &[("org", Arg::Str(&org_name(org))), ("code", Arg::Str(code))],
        ),
        NoticeKind::Unplaced { code } => with_code(Msg::NoticeUnplaced, code),
        NoticeKind::CannotTake { code, org, why } => i18n.with(
            lang,
            Msg::NoticeCannotTake,
            &[
                ("org", Arg::Str(&org_name(org))),
                ("code", Arg::Str(code)),
                (
                    "why",
                    Arg::Str(match why {
                        CannotTakeWhy::Declined => "declined",
                        CannotTakeWhy::NoAnswer => "no-answer",
                        CannotTakeWhy::Lapsed => "lapsed",
                        CannotTakeWhy::Ended => "ended",
                    }),
                ),
            ],
        ),
        NoticeKind::StillWaiting { code, days: d } => i18n.with(
            lang,
            Msg::NoticeStillWaiting,
            &[
                ("code", Arg::Str(code)),
                ("days", Arg::Str(&days(i18n, lang, *d))),
            ],
        ),
        NoticeKind::WaitedOut { code } => i18n.with(
            lang,
            Msg::NoticeWaitedOut,
            &[
                ("code", Arg::Str(code)),
                ("days", Arg::Str(&days(i18n, lang, WAIT_DAYS as u32))),
            ],
        ),
        // Said from her side ("it could not reach you"), never a staff label.
        NoticeKind::Closed { code, org, outcome } => i18n.with(
            lang,
            Msg::NoticeClosed,
            &[
                ("org", Arg::Str(&org_name(org))),
                ("code", Arg::Str(code)),
                ("outcome", Arg::Str(outcome.code())),
            ],
        ),
        NoticeKind::RelayedToStaff { code, text } => i18n.with(
            lang,
            Msg::RelayToStaff,
            &[("code", Arg::Str(code)), ("text", Arg::Str(&escape(text)))],
        ),
        NoticeKind::RelayedFileToStaff { code, .. } => with_code(Msg::RelayFileCaption, code),
        NoticeKind::RelayedToRequester { code, org, text } => i18n.with(
            lang,
            Msg::RelayToRequester,
            &[
                ("org", Arg::Str(&org_name(org))),
                ("code", Arg::Str(code)),
                ("text", Arg::Str(&escape(text))),
            ],
        ),
        NoticeKind::NewExpertRequest { code, need, body } => i18n.with(
            lang,
            Msg::StaffNewExpert,
            &[
                ("code", Arg::Str(code)),
                (
                    "summary",
                    Arg::Str(&summary(i18n, lang, taxonomy, need, body.as_deref())),
                ),
            ],
        ),
        NoticeKind::OfferMade {
            code,
            org,
            proposal,
        } => i18n.with(
            lang,
            Msg::NoticeOffer,
            &[
                ("code", Arg::Str(code)),
                ("org", Arg::Str(&org_name(org))),
                ("proposal", Arg::Str(&escape(proposal))),
            ],
        ),
        NoticeKind::OfferPicked {
            code,
            need,
            body,
            contact,
        } => {
            let mut contact_text = contact_line(i18n, lang, contact);
            if *contact == crate::domain::ContactChoice::ThroughBot {
                contact_text.push('\n');
                contact_text.push_str(&i18n.text(lang, Msg::NoticePickedBot));
            }
            i18n.with(
                lang,
                Msg::NoticePicked,
                &[
                    ("code", Arg::Str(code)),
                    (
                        "summary",
                        Arg::Str(&summary(i18n, lang, taxonomy, need, body.as_deref())),
                    ),
                    ("contact", Arg::Str(&contact_text)),
                ],
            )
        }
        NoticeKind::FilledByOther { code } => with_code(Msg::NoticeFilledOther, code),
        NoticeKind::ExpertWithdrawn { code } => with_code(Msg::NoticeExpertWithdrawn, code),
        NoticeKind::ExpertExpired { code } => with_code(Msg::NoticeExpertExpired, code),
        NoticeKind::NoOffers { code, days: d } => i18n.with(
            lang,
            Msg::NoticeNoOffers,
            &[
                ("code", Arg::Str(code)),
                ("days", Arg::Str(&days(i18n, lang, *d))),
            ],
        ),
        NoticeKind::Question {
            code,
            side,
            org,
            reminder,
        } => {
            let question = match side {
                Side::Requester => i18n.with(
                    lang,
                    Msg::AskHeldRequester,
                    &[("code", Arg::Str(code)), ("org", Arg::Str(&org_name(org)))],
                ),
                Side::Organization => with_code(Msg::AskHeldOrg, code),
                Side::HelpRequester => with_code(Msg::AskHelp, code),
            };
            if *reminder {
                format!("{}\n{question}", i18n.text(lang, Msg::AskReminder))
            } else {
                question
            }
        }
        NoticeKind::StaffJoined { org, label } => i18n.with(
            lang,
            Msg::NoticeStaffJoined,
            &[
                ("org", Arg::Str(&org_name(org))),
                ("label", Arg::Str(&escape(&member_label(i18n, lang, label)))),
            ],
        ),
        NoticeKind::StaffLeft { org, label, how } => i18n.with(
            lang,
            match how {
                Departure::Revoked => Msg::NoticeStaffRevoked,
                Departure::Left => Msg::NoticeStaffLeft,
            },
            &[
                ("org", Arg::Str(&org_name(org))),
                ("label", Arg::Str(&escape(&member_label(i18n, lang, label)))),
            ],
        ),
        NoticeKind::OrgChanged {
            org,
            action,
            fields,
        } => {
            let msg = match action {
                AuditAction::OrgVetted => Msg::NoticeOrgVetted,
                AuditAction::OrgSuspended => Msg::NoticeOrgSuspended,
                AuditAction::OrgReactivated => Msg::NoticeOrgReactivated,
                AuditAction::ChangeProposed => Msg::NoticeChangeProposed,
                AuditAction::ChangeApproved => Msg::NoticeChangeApproved,
                AuditAction::ChangeRejected => Msg::NoticeChangeRejected,
                _ => Msg::NoticeOrgEdited,
            };
            let names: Vec<String> = fields
                .iter()
                .filter_map(|f| Msg::field(f))
                .map(|m| i18n.text(lang, m))
                .collect();
            i18n.with(
                lang,
                msg,
                &[
                    ("org", Arg::Str(&org_name(org))),
                    ("fields", Arg::Str(&escape(&names.join(", ")))),
                ],
            )
        }
        NoticeKind::VettingEnds {
            org,
            until,
            days: left,
        } => {
            let msg = if *left > 0 {
                Msg::NoticeVettingEnds
            } else {
                Msg::NoticeVettingEnded
            };
            i18n.with(
                lang,
                msg,
                &[
                    ("org", Arg::Str(&org_name(org))),
                    ("until", Arg::Str(&super::render::date(lang, *until))),
                    ("days", Arg::Str(&days(i18n, lang, (*left).max(0) as u32))),
                ],
            )
        }
        NoticeKind::Count { counted, count } => {
            let msg = match counted {
                Counted::Unplaced => Msg::AdminUnplaced,
                Counted::ExpertUnplaced => Msg::AdminExpertUnplaced,
                Counted::ExpertNoOffer => Msg::AdminNoOffers,
                Counted::Blocked => Msg::AdminBlocked,
            };
            i18n.with(lang, msg, &[("count", Arg::Num(*count as i64))])
        }
        NoticeKind::RatingComment {
            code,
            org,
            side,
            stars,
            text,
        } => {
            let side = if *side == Side::Organization {
                Msg::SideOrganization
            } else {
                Msg::SideRequester
            };
            i18n.with(
                lang,
                Msg::AdminComment,
                &[
                    ("code", Arg::Str(code)),
                    (
                        "org",
                        Arg::Str(&org.as_deref().map(org_name).unwrap_or_default()),
                    ),
                    ("side", Arg::Str(&i18n.text(lang, side))),
                    ("stars", Arg::Num((*stars).into())),
                    ("text", Arg::Str(&escape(text))),
                ],
            )
        }
    }
}

/// Whether a notice may still go to its recipient: one sent to them as staff is dropped once
/// they are no longer on that organization's team (revoked, or they left).
pub fn still_for(ctx: &BotContext, notice: &Notice) -> Result<bool, StoreError> {
    Ok(match &notice.staff_of {
        Some(org) => ctx.app.store.staff_org(notice.to)?.as_deref() == Some(org.as_str()),
        None => true,
    })
}

fn store_error(e: AppError) -> StoreError {
    match e {
        AppError::Store(e) => e,
    }
}

/// A notice rendered for its recipient, with their buttons' tokens issued now: discreet
/// ("news on your request", Show) if it is about her own request and she did not choose
/// full notices — the notice itself is then held until she presses Show.
pub fn render(ctx: &BotContext, notice: &Notice) -> Result<Rendered, StoreError> {
    if discreet::is_discreet(&ctx.app, notice).map_err(store_error)? {
        let id = discreet::hold(&ctx.app, notice).map_err(store_error)?;
        let lang = ctx.app.language_or_default(notice.to);
        let text = ctx.i18n.with(
            lang,
            Msg::NoticeDiscreet,
            &[("code", Arg::Str(notice.kind.code().unwrap_or_default()))],
        );
        let buttons = vec![
            tokens::button(
                ctx,
                notice.to,
                ctx.i18n.text(lang, Msg::BtnShow),
                &Act::Reveal(id),
            )?,
            button(ctx.i18n.text(lang, Msg::BtnUrgent), &Callback::Urgent),
        ];
        return Ok(Rendered {
            parts: vec![text],
            keyboard: keyboard_json(buttons),
            protect_content: true,
            copy_from: None,
            delivered: 0,
        });
    }
    full(ctx, notice)
}

fn keyboard_json(buttons: Vec<Option<InlineKeyboardButton>>) -> Option<String> {
    let buttons: Vec<InlineKeyboardButton> = buttons.into_iter().flatten().collect();
    (!buttons.is_empty())
        .then(|| {
            serde_json::to_string(&InlineKeyboardMarkup::new(
                buttons.into_iter().map(|b| vec![b]),
            ))
            .ok()
        })
        .flatten()
}

/// A notice as a screen, in full (what Show reveals): its text and its buttons.
pub fn screen(ctx: &BotContext, notice: &Notice) -> Result<Screen, StoreError> {
    let lang = ctx.app.language_or_default(notice.to);
    let mut buttons = Vec::new();
    for action in &notice.actions {
        buttons.push(action_button(ctx, notice.to, lang, action)?);
    }
    Ok(Screen {
        text: text(ctx, lang, &notice.kind),
        keyboard: Some(rows(buttons.into_iter().map(|b| vec![b]).collect())),
    })
}

/// A notice rendered in full.
fn full(ctx: &BotContext, notice: &Notice) -> Result<Rendered, StoreError> {
    let lang = ctx.app.language_or_default(notice.to);
    let mut buttons = Vec::new();
    for action in &notice.actions {
        buttons.push(action_button(ctx, notice.to, lang, action)?);
    }
    let keyboard = keyboard_json(buttons);
    let text = text(ctx, lang, &notice.kind);
    let copy_from = match notice.kind {
        NoticeKind::RelayedFileToStaff {
            from_chat, message, ..
        } => Some((from_chat, message)),
        _ => None,
    };
    Ok(Rendered {
        // A copied file's caption is one part; a text is split to Telegram's limit.
        parts: if copy_from.is_some() {
            vec![text]
        } else {
            html::split(&text)
        },
        keyboard,
        protect_content: true,
        copy_from,
        delivered: 0,
    })
}
