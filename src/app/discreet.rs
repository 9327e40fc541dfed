//! Discreet notices: a notice about a person's own request says, on her lock screen and in
//! the chat list, only that there is news on it — the notice itself is held (sealed) until
//! she presses Show. She can choose full notices in the settings.

use super::notice::Notice;
use super::{App, AppResult, Committed};

/// Whether this notice is to be delivered discreetly.
pub fn is_discreet(app: &App, notice: &Notice) -> AppResult<bool> {
    Ok(notice.kind.about_her_own_request() && !app.store.full_notices(notice.to)?)
}

/// Holds a notice until its recipient presses Show; the id for the button.
pub fn hold(app: &App, notice: &Notice) -> AppResult<u64> {
    Ok(app
        .store
        .hold_notice(notice.to, &notice.encode(), app.now())?)
}

/// Show: the held notice, once, to the person it was for (`None` if it is not hers, was
/// shown already, or was deleted with her data).
pub async fn reveal(app: &App, who: i64, id: u64) -> AppResult<Committed<Option<Notice>>> {
    let Some(encoded) = app.store.take_held_notice(who, id)? else {
        return Ok(app.unchanged(None));
    };
    let notice = Notice::decode(&encoded).filter(|n| n.to == who);
    app.commit(notice).await
}

/// Whether she chose full notices.
pub fn full_notices(app: &App, who: i64) -> AppResult<bool> {
    Ok(app.store.full_notices(who)?)
}

/// Full notices (`true`) or discreet ones (the default).
pub async fn set_full_notices(app: &App, who: i64, full: bool) -> AppResult<Committed<()>> {
    app.store.set_full_notices(who, full)?;
    app.commit(()).await
}
