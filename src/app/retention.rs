//! Retention: deleting what is past its time — finished requests after the retention period,
//! discreet notices never shown after the same period, expired buttons, limit counts older
//! than a day, message ids older than 48 hours. (Handled update ids need no sweep: one
//! window per bot, `storage/updates.rs`.)

use super::{App, AppResult, Committed};

/// Deletes what is past its time. Returns how many requests were deleted.
pub async fn purge_expired(app: &App) -> AppResult<Committed<usize>> {
    let now = app.now();
    let cutoff = now.plus_days(-i64::from(app.config.retention_days));
    let purged =
        app.store.purge_finished_requests(cutoff)? + app.store.purge_finished_experts(cutoff)?;
    app.store.purge_held_before(cutoff)?;
    app.store.purge_tokens(now)?;
    app.store.purge_counts_before(now.plus_days(-1))?;
    app.store.purge_old_messages(now)?;
    app.commit(purged).await
}
