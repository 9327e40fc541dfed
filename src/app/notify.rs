//! Whom a notice goes to: every reachable staff member of an organization, every
//! coordinator; and notices as outbox entries. A leaf: the use cases build their notices with
//! these, and nothing here decides anything else.

use super::notice::{Counted, Notice, NoticeAction, NoticeKind};
use super::{App, AppResult};
use crate::storage::OutboxEntry;

/// The chats of an organization's staff that the bot can reach (not marked unreachable
/// after Telegram refused a message with 403).
pub(crate) fn staff_of(app: &App, org: &str) -> AppResult<Vec<i64>> {
    let mut out = Vec::new();
    for chat in app.store.staff_chats(org)? {
        if !app.store.is_unreachable(chat)? {
            out.push(chat);
        }
    }
    Ok(out)
}

/// The same notice to every reachable staff member of an organization.
pub(crate) fn to_staff(
    app: &App,
    org: &str,
    kind: &NoticeKind,
    actions: &[NoticeAction],
) -> AppResult<Vec<Notice>> {
    Ok(staff_of(app, org)?
        .into_iter()
        .map(|chat| Notice {
            to: chat,
            kind: kind.clone(),
            actions: actions.to_vec(),
            staff_of: Some(org.to_string()),
            from: None,
        })
        .collect())
}

/// The same notice to every coordinator.
pub(crate) fn to_coordinators(app: &App, kind: &NoticeKind) -> Vec<Notice> {
    let mut admins: Vec<i64> = app.config.admins.iter().copied().collect();
    admins.sort_unstable();
    admins
        .into_iter()
        .map(|admin| Notice::new(admin, kind.clone()))
        .collect()
}

/// Bumps a named counter and tells every coordinator its new value — a count, never content.
pub(crate) fn count_for_coordinators(
    app: &App,
    counter: &str,
    counted: Counted,
) -> AppResult<Vec<Notice>> {
    let count = app.store.bump_counter(counter)?;
    Ok(to_coordinators(app, &NoticeKind::Count { counted, count }))
}

/// Notices as outbox entries, to write in the change's transaction.
pub(crate) fn entries(notices: &[Notice]) -> Vec<OutboxEntry> {
    notices
        .iter()
        .map(|n| OutboxEntry::notice(n.to, n.encode()).from(n.from))
        .collect()
}
