//! Questions after a cooperation: whether it took place and a rating of 1–5 (both sides of an
//! expert request, once, with one reminder), an optional comment that goes to the
//! coordinators only, and the one anonymous "Did you get the help you needed?" after a help
//! request is closed. Answers are kept only as counts and an organization's rating total.

use super::actions::Act;
use super::callback::Callback;
use super::referrals::{Pressed, keyboard, show};
use super::render::{self, Screen};
use super::workflow::{notices, token_button};
use super::{BotContext, BotError, PoruchDialogue, State, html};
use crate::domain::Lang;
use crate::domain::expert::ExpertStatus;
use crate::domain::feedback::{HelpAnswer, REMINDER_DAYS, Rating, Side};
use crate::i18n::{Arg, Msg};
use crate::storage::{FeedbackAsk, OutboxMessage, StoreError};

/// The longest comment accepted, in characters.
pub const MAX_COMMENT: usize = 1000;

/// Who is asked: the person's chat, or every reachable staff member of the organization.
fn recipients(ctx: &BotContext, ask: &FeedbackAsk) -> Result<Vec<i64>, StoreError> {
    match ask.chat {
        Some(chat) => Ok(vec![chat]),
        None => Ok(super::workflow::reachable_staff(ctx, &ask.org)?
            .into_iter()
            .map(|(chat, _)| chat)
            .collect()),
    }
}

fn question(
    ctx: &BotContext,
    ask: &FeedbackAsk,
    chat: i64,
) -> Result<Vec<OutboxMessage>, StoreError> {
    let i18n = &ctx.i18n;
    let lang = ctx.lang_of_chat(chat);
    let code = ask.code.as_str();
    let org = html::escape(&ctx.org_name(&ask.org, lang));
    let (mut text, choices) = match ask.side {
        Side::Requester => (
            i18n.with(
                lang,
                Msg::AskHeldRequester,
                &[("code", Arg::Str(code)), ("org", Arg::Str(&org))],
            ),
            vec![
                (
                    Msg::BtnHeldYes,
                    Act::TookPlace(code.to_string(), ask.side, true),
                ),
                (
                    Msg::BtnHeldNo,
                    Act::TookPlace(code.to_string(), ask.side, false),
                ),
            ],
        ),
        Side::Organization => (
            i18n.with(lang, Msg::AskHeldOrg, &[("code", Arg::Str(code))]),
            vec![
                (
                    Msg::BtnHeldYes,
                    Act::TookPlace(code.to_string(), ask.side, true),
                ),
                (
                    Msg::BtnHeldNo,
                    Act::TookPlace(code.to_string(), ask.side, false),
                ),
            ],
        ),
        Side::HelpRequester => (
            i18n.with(lang, Msg::AskHelp, &[("code", Arg::Str(code))]),
            HelpAnswer::ALL
                .into_iter()
                .map(|a| (Msg::help_answer(a), Act::HelpAnswered(code.to_string(), a)))
                .collect(),
        ),
    };
    if ask.asked > 0 {
        text = format!("{}\n{}", i18n.text(lang, Msg::AskReminder), text);
    }
    let mut buttons = Vec::new();
    for (label, act) in choices {
        buttons.extend(token_button(ctx, chat, i18n.text(lang, label), &act)?);
    }
    Ok(notices(chat, &text, buttons))
}

/// Sends every question that is due (and schedules its one reminder). Returns how many.
pub async fn ask_due(ctx: &BotContext) -> Result<usize, BotError> {
    let now_ms = ctx.now() * 1000;
    let due = ctx.store.due_feedback(now_ms)?;
    for ask in &due {
        let mut notify = Vec::new();
        for chat in recipients(ctx, ask)? {
            notify.extend(question(ctx, ask, chat)?);
        }
        let remind = (ask.side.reminded() && ask.asked == 0)
            .then(|| now_ms + (REMINDER_DAYS as i64) * 24 * 3600 * 1000);
        ctx.store.feedback_asked(ask, remind, &notify, now_ms)?;
    }
    if !due.is_empty() {
        ctx.commit().await?;
        tracing::info!(questions = due.len(), "feedback questions sent");
    }
    Ok(due.len())
}

/// Whether `user` is the one a question is for.
fn is_for(ctx: &BotContext, ask: &FeedbackAsk, user: i64) -> Result<bool, StoreError> {
    Ok(match ask.chat {
        Some(chat) => chat == user,
        None => ctx.store.staff_org(user)?.is_some_and(|org| org == ask.org),
    })
}

fn done(ctx: &BotContext, lang: Lang, msg: Msg) -> Pressed {
    show(render::info(&ctx.i18n, lang, ctx.i18n.text(lang, msg)))
}

/// An answer button.
pub async fn press(
    ctx: &BotContext,
    dialogue: &PoruchDialogue,
    user: i64,
    lang: Lang,
    act: Act,
) -> Result<Pressed, BotError> {
    let (code, side) = match &act {
        Act::TookPlace(c, s, _) | Act::Rate(c, s, _) => (c.clone(), *s),
        Act::HelpAnswered(c, _) => (c.clone(), Side::HelpRequester),
        _ => return Ok(Pressed::Refused("unknown")),
    };
    let Some(ask) = ctx.store.pending_feedback(&code, side)? else {
        // Answered already (by a colleague, or a second press): nothing to do.
        return Ok(done(ctx, lang, Msg::FeedbackDone));
    };
    if !is_for(ctx, &ask, user)? {
        return Ok(Pressed::Refused("not-owner"));
    }
    let now_ms = ctx.now() * 1000;
    let finished = match act {
        Act::TookPlace(_, _, true) => {
            let mut buttons = Vec::new();
            for n in 1..=5u8 {
                let label = ctx
                    .i18n
                    .with(lang, Msg::BtnStars, &[("n", Arg::Num(n.into()))]);
                buttons.extend(token_button(
                    ctx,
                    user,
                    label,
                    &Act::Rate(code.clone(), side, n),
                )?);
            }
            let markup = render::rows(vec![buttons.into_iter().map(Some).collect()]);
            return Ok(show(Screen {
                text: ctx.i18n.text(lang, Msg::AskRate),
                keyboard: Some(markup),
            }));
        }
        Act::TookPlace(_, _, false) => {
            let done =
                ctx.store
                    .finish_feedback(&code, side, None, Some("not_held"), &[], now_ms)?;
            done.then_some(Msg::NotHeldNoted)
        }
        Act::Rate(_, _, stars) => {
            let Some(rating) = Rating::new(stars) else {
                return Ok(Pressed::Refused("unknown"));
            };
            // Only the adviser's rating of the organization counts towards its average.
            let counted = (side == Side::Requester).then_some((ask.org.as_str(), rating));
            let done =
                ctx.store
                    .finish_feedback(&code, side, counted, Some("held"), &[], now_ms)?;
            if done {
                ctx.store.flush().await?;
                dialogue
                    .update(State::Commenting {
                        code: code.clone(),
                        side: side.code().to_string(),
                        stars,
                    })
                    .await?;
                let skip = render::button(
                    ctx.i18n.text(lang, Msg::BtnSkipComment),
                    &Callback::SkipText,
                );
                return Ok(show(Screen {
                    text: ctx.i18n.text(lang, Msg::Rated),
                    keyboard: Some(keyboard(ctx, lang, vec![skip])),
                }));
            }
            None
        }
        Act::HelpAnswered(_, answer) => {
            let counter = format!("help_{}", answer.code());
            let done = ctx
                .store
                .finish_feedback(&code, side, None, Some(&counter), &[], now_ms)?;
            done.then_some(Msg::HelpAnswered)
        }
        _ => None,
    };
    match finished {
        Some(msg) => {
            ctx.store.flush().await?;
            tracing::info!("a feedback question was answered");
            Ok(done(ctx, lang, msg))
        }
        None => Ok(done(ctx, lang, Msg::FeedbackDone)),
    }
}

/// The optional comment after a rating: to every coordinator, never stored.
pub async fn comment(
    ctx: &BotContext,
    dialogue: &PoruchDialogue,
    lang: Lang,
    (code, side, stars): (&str, &str, u8),
    text: &str,
) -> Result<Screen, BotError> {
    let i18n = &ctx.i18n;
    if let Some(refusal) = render::too_long(i18n, lang, Msg::CommentTooLong, text, MAX_COMMENT) {
        return Ok(render::info(i18n, lang, refusal));
    }
    dialogue.exit().await?;
    let org = match ctx.store.expert_request(code)? {
        Some((_, ExpertStatus::Filled { org })) => org,
        _ => String::new(),
    };
    let side_msg = if side == Side::Organization.code() {
        Msg::SideOrganization
    } else {
        Msg::SideRequester
    };
    let notify = super::workflow::to_admins(ctx, |admin_lang| {
        i18n.with(
            admin_lang,
            Msg::AdminComment,
            &[
                ("code", Arg::Str(code)),
                (
                    "org",
                    Arg::Str(&html::escape(&ctx.org_name(&org, admin_lang))),
                ),
                ("side", Arg::Str(&i18n.text(admin_lang, side_msg))),
                ("stars", Arg::Num(stars.into())),
                ("text", Arg::Str(&html::escape(text.trim()))),
            ],
        )
    });
    ctx.store.enqueue(&notify, ctx.now() * 1000)?;
    ctx.commit().await?;
    tracing::info!(
        copies = notify.len(),
        "a feedback comment went to the coordinators"
    );
    Ok(render::info(i18n, lang, i18n.text(lang, Msg::CommentSent)))
}

/// Schedules the anonymous question to the requester of a help request closed by staff.
pub fn schedule_help_question(
    ctx: &BotContext,
    code: &str,
    org: &str,
    requester_chat: i64,
) -> Result<(), StoreError> {
    ctx.store.schedule_feedback(&[FeedbackAsk {
        code: code.to_string(),
        side: Side::HelpRequester,
        org: org.to_string(),
        chat: Some(requester_chat),
        due_ms: (ctx.now() + 24 * 3600) * 1000,
        asked: 0,
    }])
}
