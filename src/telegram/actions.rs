//! The one router for token buttons: a pressed token is redeemed (issued to this person,
//! not expired), its action handed to the use case it names — which checks again, against
//! the store, that this person may do it now — and the outcome turned into a screen and,
//! where the next message means something, a new dialogue state.

use super::context::BotContext;
use super::dialogue::state::State;
use super::render::{self, Screen, expert as render_expert, help as render_help};
use super::{courier, tokens};
use crate::app::access::Refusal;
use crate::app::act::Act;
use crate::app::coordination::Removed;
use crate::app::feedback::{self, Answered as FeedbackAnswered, FeedbackAnswer};
use crate::app::help::{self, Acted, Decision};
use crate::app::relay::{self, MayWrite};
use crate::app::{AppError, coordination, discreet, expert, materials, overview};
use crate::domain::feedback::Side;
use crate::domain::request::is_expert_code;
use crate::domain::{Lang, ReferralStatus};
use crate::i18n::{Arg, Msg};
use crate::storage::StoreError;

/// What a pressed token turned out to be: a screen to show, or refused — forged, replayed,
/// stale, or not this person's to act on (the kind, for the security-event count).
pub type Pressed = std::result::Result<Shown, &'static str>;

/// A screen to show: `protect` if it shows a request's details (sent with protect_content),
/// and what the chat's next message means now.
pub struct Shown {
    pub screen: Screen,
    pub protect: bool,
    pub next: Next,
    /// In place of the message the button was on (a discreet notice shown in full).
    pub in_place: bool,
}

/// What the chat's dialogue state becomes.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Next {
    Keep,
    Set(State),
    /// Back to the menu if the chat was writing about this request (it was withdrawn or
    /// closed).
    LeaveWriting(String),
}

#[derive(Debug, thiserror::Error)]
pub enum PressError {
    #[error(transparent)]
    App(#[from] AppError),
    #[error(transparent)]
    Store(#[from] StoreError),
}

type Result<T> = std::result::Result<T, PressError>;

fn show(screen: Screen) -> Pressed {
    Ok(Shown {
        screen,
        protect: false,
        next: Next::Keep,
        in_place: false,
    })
}

fn protected(screen: Screen) -> Pressed {
    Ok(Shown {
        screen,
        protect: true,
        next: Next::Keep,
        in_place: false,
    })
}

fn then(screen: Screen, next: Next) -> Pressed {
    Ok(Shown {
        screen,
        protect: false,
        next,
        in_place: false,
    })
}

fn refused(refusal: Refusal) -> Pressed {
    Err(refusal.code())
}

/// Resolves and performs a pressed token.
pub async fn press(ctx: &BotContext, who: i64, lang: Lang, token: &str) -> Result<Pressed> {
    let act = match tokens::redeem(ctx, who, token)? {
        Ok(act) => act,
        Err(kind) => return Ok(Err(kind)),
    };
    let i18n = &ctx.i18n;
    let app = &ctx.app;
    Ok(match act {
        // --- staff on a help request's referral ---
        Act::OpenReferral(code) => match help::staff_view(app, who, &code)? {
            Ok(view) => protected(render_help::referral_detail(ctx, who, lang, &view)?),
            Err(refusal) => refused(refusal),
        },
        Act::Accept(code) => {
            let acted = help::decide(app, who, &code, Decision::Accept)
                .await?
                .into_inner();
            match acted {
                // Accepted: now her contact is theirs to see.
                Acted::Changed(_) | Acted::Unchanged => match help::staff_view(app, who, &code)? {
                    Ok(view) => protected(render_help::accepted(
                        ctx,
                        who,
                        lang,
                        &view,
                        acted == Acted::Unchanged,
                    )?),
                    Err(refusal) => refused(refusal),
                },
                other => after_decision(ctx, who, lang, &code, other)?,
            }
        }
        Act::Decline(code) => match help::staff_view(app, who, &code)? {
            Ok(view) if view.status == ReferralStatus::Pending => {
                show(render_help::decline_reasons(ctx, who, lang, &code)?)
            }
            Ok(view) => changed_meanwhile(ctx, who, lang, Some(&view))?,
            Err(refusal) => refused(refusal),
        },
        Act::DeclineWith(code, reason) => {
            let acted = help::decide(app, who, &code, Decision::Decline(reason))
                .await?
                .into_inner();
            match acted {
                Acted::Changed(_) => show(render_help::declined(i18n, lang, &code)),
                other => after_decision(ctx, who, lang, &code, other)?,
            }
        }
        Act::Close(code) => match help::staff_view(app, who, &code)? {
            Ok(view) if view.status == ReferralStatus::Accepted => {
                show(render_help::outcomes(ctx, who, lang, &code)?)
            }
            Ok(view) => changed_meanwhile(ctx, who, lang, Some(&view))?,
            Err(refusal) => refused(refusal),
        },
        Act::CloseWith(code, outcome) => {
            let acted = help::decide(app, who, &code, Decision::Close(outcome))
                .await?
                .into_inner();
            match acted {
                Acted::Changed(_) => show(render_help::closed(i18n, lang, &code, outcome)),
                other => after_decision(ctx, who, lang, &code, other)?,
            }
        }
        Act::Reply(code) => match relay::may_reply(app, who, &code)? {
            MayWrite::Yes { .. } => then(
                render::writing(
                    i18n,
                    lang,
                    i18n.with(lang, Msg::ReplyPrompt, &[("code", Arg::Str(&code))]),
                ),
                Next::Set(State::Replying { code }),
            ),
            MayWrite::NotNow if is_expert_code(&code) => {
                show(render_expert::not_open(i18n, lang, &code))
            }
            MayWrite::NotNow => {
                let now = help::staff_view(app, who, &code)?.ok();
                changed_meanwhile(ctx, who, lang, now.as_ref())?
            }
            MayWrite::Refused(refusal) => refused(refusal),
        },
        Act::Block(code) => match help::staff_view(app, who, &code)? {
            Ok(view) if view.status == ReferralStatus::Accepted => show(render_help::confirm(
                ctx,
                who,
                lang,
                Msg::BlockConfirm,
                (Msg::BtnBlockYes, Act::BlockConfirmed(code.clone())),
                &code,
            )?),
            Ok(view) => changed_meanwhile(ctx, who, lang, Some(&view))?,
            Err(refusal) => refused(refusal),
        },
        Act::BlockConfirmed(code) => {
            let acted = help::decide(app, who, &code, Decision::Block)
                .await?
                .into_inner();
            match acted {
                Acted::Changed(_) => show(render::about(i18n, lang, Msg::BlockDone, &code)),
                other => after_decision(ctx, who, lang, &code, other)?,
            }
        }
        Act::Inbox => match overview::inbox(app, who)? {
            Ok(inbox) => show(render::overview::inbox(ctx, who, lang, &inbox)?),
            Err(refusal) => refused(refusal),
        },
        Act::Pause | Act::Resume => {
            let paused = act == Act::Pause;
            match coordination::set_paused(app, who, paused)
                .await?
                .into_inner()
            {
                Ok(org) => show(render::coordination::paused(ctx, lang, &org, paused)),
                Err(refusal) => refused(refusal),
            }
        }

        // --- the requester on her help request ---
        Act::OpenRequest(code) => own_request(ctx, who, lang, &code)?,
        Act::Write(code) => match relay::may_write(app, who, &code)? {
            MayWrite::Yes { org } => then(
                render_help::write_prompt(ctx, lang, &code, &org),
                Next::Set(State::Writing { code }),
            ),
            MayWrite::NotNow if is_expert_code(&code) => own_expert(ctx, who, lang, &code)?,
            MayWrite::NotNow => own_request(ctx, who, lang, &code)?,
            MayWrite::Refused(refusal) => refused(refusal),
        },
        Act::Withdraw(code) => match help::own_view(app, who, &code)? {
            Ok(request) if request.is_open() => show(render_help::confirm(
                ctx,
                who,
                lang,
                Msg::WithdrawConfirm,
                (Msg::BtnWithdrawYes, Act::WithdrawConfirmed(code.clone())),
                &code,
            )?),
            Ok(request) => protected(render_help::request_detail(ctx, who, lang, &request)?),
            Err(refusal) => refused(refusal),
        },
        Act::WithdrawConfirmed(code) => {
            let acted = help::withdraw(app, who, &code).await?.into_inner();
            after_her_change(ctx, who, lang, &code, acted, Msg::WithdrawnDone)?
        }
        Act::PassOn(code) => match help::pass_on(app, who, &code).await?.into_inner() {
            help::PassedOn::Sent { org } => then(
                render_help::passed_on(ctx, lang, &code, &org),
                Next::LeaveWriting(code.clone()),
            ),
            help::PassedOn::NoOrganization => then(
                render_help::passed_on_none(ctx, lang, &code),
                Next::LeaveWriting(code.clone()),
            ),
            help::PassedOn::NotWaiting => own_request(ctx, who, lang, &code)?,
            help::PassedOn::Refused(refusal) => refused(refusal),
        },
        Act::Finish(code) => {
            let acted = help::finish(app, who, &code).await?.into_inner();
            after_her_change(ctx, who, lang, &code, acted, Msg::FinishedDone)?
        }

        // --- staff on an expert request ---
        Act::OpenExpert(code) => match expert::staff_view(app, who, &code)? {
            Ok(view) => protected(render_expert::staff_detail(ctx, who, lang, &view)?),
            Err(refusal) => refused(refusal),
        },
        Act::Offer(code) => match expert::may_propose(app, who, &code)? {
            expert::Answered::Done => then(
                render::writing(
                    i18n,
                    lang,
                    i18n.with(lang, Msg::OfferPrompt, &[("code", Arg::Str(&code))]),
                ),
                Next::Set(State::Proposing { code }),
            ),
            expert::Answered::Refused(refusal) => refused(refusal),
            _ => show(render_expert::not_open(i18n, lang, &code)),
        },
        Act::Pass(code) => match expert::pass(app, who, &code).await?.into_inner() {
            expert::Answered::Done => show(render::about(i18n, lang, Msg::Passed, &code)),
            expert::Answered::Refused(refusal) => refused(refusal),
            _ => show(render_expert::not_open(i18n, lang, &code)),
        },

        // --- the adviser on her expert request ---
        Act::MyExpert(code) => own_expert(ctx, who, lang, &code)?,
        Act::Pick(code, org) => match expert::pick(app, who, &code, &org).await?.into_inner() {
            expert::PickOutcome::Picked { org, contact } => show(render_expert::picked(
                ctx, who, lang, &code, &org, &contact,
            )?),
            expert::PickOutcome::Taken => show(render::about(i18n, lang, Msg::PickTaken, &code)),
            expert::PickOutcome::NotOpen => own_expert(ctx, who, lang, &code)?,
            expert::PickOutcome::Refused(refusal) => refused(refusal),
        },
        Act::WithdrawExpert(code) => match expert::owner_view(app, who, &code)? {
            Ok(view) if view.status == crate::domain::expert::ExpertStatus::Open => {
                show(render_help::confirm(
                    ctx,
                    who,
                    lang,
                    Msg::WithdrawExpertConfirm,
                    (
                        Msg::BtnWithdrawYes,
                        Act::WithdrawExpertConfirmed(code.clone()),
                    ),
                    &code,
                )?)
            }
            Ok(view) => protected(render_expert::owner_detail(ctx, who, lang, &view)?),
            Err(refusal) => refused(refusal),
        },
        Act::WithdrawExpertConfirmed(code) => {
            match expert::withdraw(app, who, &code).await?.into_inner() {
                expert::Withdrawn::Done => {
                    show(render::about(i18n, lang, Msg::ExpertWithdrawnDone, &code))
                }
                expert::Withdrawn::NotOpen => own_expert(ctx, who, lang, &code)?,
                expert::Withdrawn::Refused(refusal) => refused(refusal),
            }
        }

        // --- questions afterwards ---
        Act::TookPlace(code, side, held) => {
            answer(ctx, who, lang, &code, side, FeedbackAnswer::TookPlace(held)).await?
        }
        Act::Rate(code, side, stars) => {
            answer(ctx, who, lang, &code, side, FeedbackAnswer::Rate(stars)).await?
        }
        Act::HelpAnswered(code, help) => {
            let side = Side::HelpRequester;
            answer(ctx, who, lang, &code, side, FeedbackAnswer::Help(help)).await?
        }

        // --- a discreet notice, shown in full where it was ---
        Act::Reveal(id) => match discreet::reveal(app, who, id).await?.into_inner() {
            Some(notice) => Ok(Shown {
                screen: courier::screen(ctx, &notice)?,
                protect: true,
                next: Next::Keep,
                in_place: true,
            }),
            None => show(render::info(i18n, lang, i18n.text(lang, Msg::NoticeGone))),
        },

        // --- coordinators ---
        Act::HideMaterial(id) => match materials::hide(app, who, &id).await?.into_inner() {
            Ok(()) => show(render::info(
                i18n,
                lang,
                i18n.text(lang, Msg::MaterialHidden),
            )),
            Err(refusal) => refused(refusal),
        },
        Act::Revoke(org, member) => match coordination::staff(app, who, &org)? {
            Ok(members) => match members.iter().find(|m| m.id == member) {
                Some(m) => show(render::coordination::revoke_confirm(
                    ctx, who, lang, &org, m,
                )?),
                None => show(render::coordination::staff(ctx, who, lang, &org, &members)?),
            },
            Err(refusal) => refused(refusal),
        },
        Act::RevokeConfirmed(org, member) => {
            match coordination::revoke(app, who, &org, &member)
                .await?
                .into_inner()
            {
                Removed::Done { org, label } => show(render::coordination::removed(
                    ctx,
                    lang,
                    Msg::RevokeDone,
                    &org,
                    &label,
                )),
                Removed::NotMember => match coordination::staff(app, who, &org)? {
                    Ok(members) => {
                        show(render::coordination::staff(ctx, who, lang, &org, &members)?)
                    }
                    Err(refusal) => refused(refusal),
                },
                Removed::Refused(refusal) => refused(refusal),
            }
        }

        // --- staff ---
        Act::LeaveConfirmed => match coordination::leave(app, who).await?.into_inner() {
            Removed::Done { org, label } => show(render::coordination::removed(
                ctx,
                lang,
                Msg::LeaveDone,
                &org,
                &label,
            )),
            _ => show(render::info(
                i18n,
                lang,
                i18n.text(lang, Msg::StaffNotMember),
            )),
        },
    })
}

/// A staff decision that did not change anything this time.
fn after_decision(
    ctx: &BotContext,
    who: i64,
    lang: Lang,
    code: &str,
    acted: Acted,
) -> Result<Pressed> {
    Ok(match acted {
        Acted::Refused(refusal) => refused(refusal),
        Acted::Unchanged => show(render::about(
            &ctx.i18n,
            lang,
            Msg::StaffAlreadyAccepted,
            code,
        )),
        Acted::Changed(_) | Acted::Stale => {
            let now = help::staff_view(&ctx.app, who, code)?.ok();
            changed_meanwhile(ctx, who, lang, now.as_ref())?
        }
    })
}

fn changed_meanwhile(
    ctx: &BotContext,
    who: i64,
    lang: Lang,
    now: Option<&help::ReferralView>,
) -> Result<Pressed> {
    Ok(protected(render_help::changed_meanwhile(
        ctx, who, lang, now,
    )?))
}

/// Her Withdraw or "I got help": done, or her request as it is now.
fn after_her_change(
    ctx: &BotContext,
    who: i64,
    lang: Lang,
    code: &str,
    acted: Acted,
    done: Msg,
) -> Result<Pressed> {
    Ok(match acted {
        Acted::Changed(_) => then(
            render::about(&ctx.i18n, lang, done, code),
            Next::LeaveWriting(code.to_string()),
        ),
        Acted::Refused(refusal) => refused(refusal),
        Acted::Unchanged | Acted::Stale => own_request(ctx, who, lang, code)?,
    })
}

/// One of her help requests, as it is now.
fn own_request(ctx: &BotContext, who: i64, lang: Lang, code: &str) -> Result<Pressed> {
    Ok(match help::own_view(&ctx.app, who, code)? {
        Ok(request) => protected(render_help::request_detail(ctx, who, lang, &request)?),
        Err(refusal) => refused(refusal),
    })
}

/// One of her expert requests, as it is now.
fn own_expert(ctx: &BotContext, who: i64, lang: Lang, code: &str) -> Result<Pressed> {
    Ok(match expert::owner_view(&ctx.app, who, code)? {
        Ok(view) => protected(render_expert::owner_detail(ctx, who, lang, &view)?),
        Err(refusal) => refused(refusal),
    })
}

async fn answer(
    ctx: &BotContext,
    who: i64,
    lang: Lang,
    code: &str,
    side: Side,
    answer: FeedbackAnswer,
) -> Result<Pressed> {
    let done = |msg| show(render::feedback::done(ctx, lang, msg));
    Ok(
        match feedback::answer(&ctx.app, who, code, side, answer)
            .await?
            .into_inner()
        {
            FeedbackAnswered::AskRating => {
                show(render::feedback::stars(ctx, who, lang, code, side)?)
            }
            FeedbackAnswered::NotHeld => done(Msg::NotHeldNoted),
            FeedbackAnswered::Rated => {
                let FeedbackAnswer::Rate(stars) = answer else {
                    return Ok(done(Msg::FeedbackDone));
                };
                then(
                    render::feedback::rated(ctx, lang),
                    Next::Set(State::Commenting {
                        code: code.to_string(),
                        side,
                        stars,
                    }),
                )
            }
            FeedbackAnswered::HelpCounted => done(Msg::HelpAnswered),
            FeedbackAnswered::AlreadyAnswered => done(Msg::FeedbackDone),
            FeedbackAnswered::Refused(refusal) => refused(refusal),
        },
    )
}
