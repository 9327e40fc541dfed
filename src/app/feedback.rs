//! Questions after a cooperation: whether it took place and a rating of 1–5 (both sides of an
//! expert request, once, with one reminder), an optional comment that goes to the
//! coordinators only, and the one anonymous "Did you get the help you needed?" after a help
//! request is closed. Answers are kept only as counts and an organization's rating total.

use super::access::{self, Refusal};
use super::act::Act;
use super::notice::{Notice, NoticeAction, NoticeKind};
use super::{App, AppResult, Committed, notify};
use crate::domain::expert::ExpertStatus;
use crate::domain::feedback::{HelpAnswer, MAX_COMMENT, REMINDER_DAYS, Rating, Side};
use crate::storage::FeedbackAsk;

/// Who is asked: the person's chat, or every reachable staff member of the organization.
fn recipients(app: &App, ask: &FeedbackAsk) -> AppResult<Vec<i64>> {
    match ask.chat {
        Some(chat) => Ok(vec![chat]),
        None => notify::staff_of(app, &ask.org),
    }
}

fn question(ask: &FeedbackAsk, to: i64) -> Notice {
    let code = ask.code.clone();
    let mut notice = Notice::new(
        to,
        NoticeKind::Question {
            code: code.clone(),
            side: ask.side,
            org: ask.org.clone(),
            reminder: ask.asked > 0,
        },
    );
    notice.actions = match ask.side {
        Side::Requester | Side::Organization => [true, false]
            .map(|held| NoticeAction::Do(Act::TookPlace(code.clone(), ask.side, held)))
            .to_vec(),
        Side::HelpRequester => HelpAnswer::ALL
            .map(|a| NoticeAction::Do(Act::HelpAnswered(code.clone(), a)))
            .to_vec(),
    };
    notice
}

/// Sends every question that is due (and schedules its one reminder). Returns how many.
pub async fn ask_due(app: &App) -> AppResult<Committed<usize>> {
    let now = app.now();
    let due = app.store.due_feedback(now)?;
    for ask in &due {
        let mut notices = Vec::new();
        for to in recipients(app, ask)? {
            notices.push(question(ask, to));
        }
        let remind =
            (ask.side.reminded() && ask.asked == 0).then(|| now.plus_days(REMINDER_DAYS as i64));
        app.store
            .feedback_asked(ask, remind, &notify::entries(&notices), now)?;
    }
    if due.is_empty() {
        return Ok(app.unchanged(0));
    }
    tracing::info!(questions = due.len(), "feedback questions sent");
    app.commit(due.len()).await
}

/// An answer to a question.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FeedbackAnswer {
    TookPlace(bool),
    Rate(u8),
    Help(HelpAnswer),
}

/// What became of an answer.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Answered {
    /// It took place: now the rating (nothing is stored yet).
    AskRating,
    /// Noted that it did not take place.
    NotHeld,
    /// Rated: an optional comment may follow.
    Rated,
    /// The help question was answered (counted anonymously).
    HelpCounted,
    /// Answered already (by a colleague, or a second press): nothing changed.
    AlreadyAnswered,
    Refused(Refusal),
}

/// Whether `who` is the one a question is for.
fn is_for(app: &App, ask: &FeedbackAsk, who: i64) -> AppResult<bool> {
    Ok(match ask.chat {
        Some(chat) => chat == who,
        None => access::staff_org(app, who)?.is_ok_and(|org| org == ask.org),
    })
}

/// An answer from `who` to the question about `code` for `side`.
pub async fn answer(
    app: &App,
    who: i64,
    code: &str,
    side: Side,
    answer: FeedbackAnswer,
) -> AppResult<Committed<Answered>> {
    let Some(ask) = app.store.pending_feedback(code, side)? else {
        return Ok(app.unchanged(Answered::AlreadyAnswered));
    };
    if !is_for(app, &ask, who)? {
        return Ok(app.unchanged(Answered::Refused(Refusal::NotOwner)));
    }
    let now = app.now();
    let (done, outcome) = match answer {
        FeedbackAnswer::TookPlace(true) => return Ok(app.unchanged(Answered::AskRating)),
        FeedbackAnswer::TookPlace(false) => (
            app.store
                .finish_feedback(code, side, None, Some("not_held"), &[], now)?,
            Answered::NotHeld,
        ),
        FeedbackAnswer::Rate(stars) => {
            let Some(rating) = Rating::new(stars) else {
                return Ok(app.unchanged(Answered::Refused(Refusal::Gone)));
            };
            // Only the requester's rating of the organization counts towards its average.
            let counted = (side == Side::Requester).then_some((ask.org.as_str(), rating));
            (
                app.store
                    .finish_feedback(code, side, counted, Some("held"), &[], now)?,
                Answered::Rated,
            )
        }
        FeedbackAnswer::Help(help) => {
            let counter = format!("help_{}", help.code());
            (
                app.store
                    .finish_feedback(code, side, None, Some(&counter), &[], now)?,
                Answered::HelpCounted,
            )
        }
    };
    if !done {
        return Ok(app.unchanged(Answered::AlreadyAnswered));
    }
    tracing::info!("a feedback question was answered");
    app.commit(outcome).await
}

/// Whether a comment went to the coordinators.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Commented {
    Sent,
    /// Longer than `MAX_COMMENT` characters: nothing was sent.
    TooLong,
}

/// The optional comment after a rating: to every coordinator, never stored.
pub async fn comment(
    app: &App,
    code: &str,
    side: Side,
    stars: u8,
    text: &str,
) -> AppResult<Committed<Commented>> {
    let text = text.trim();
    if text.chars().count() > MAX_COMMENT {
        return Ok(app.unchanged(Commented::TooLong));
    }
    let org = match app.store.expert_request(code)? {
        Some((_, ExpertStatus::Filled { org })) => Some(org),
        _ => None,
    };
    let notices = notify::to_coordinators(
        app,
        &NoticeKind::RatingComment {
            code: code.to_string(),
            org,
            side,
            stars,
            text: text.to_string(),
        },
    );
    app.store.enqueue(&notify::entries(&notices), app.now())?;
    tracing::info!(
        copies = notices.len(),
        "a feedback comment went to the coordinators"
    );
    app.commit(Commented::Sent).await
}
