//! The background work: response deadlines, expert requests' checks and feedback questions
//! every minute; retention and vetting reminders every hour.

use std::time::Duration;

use super::{App, directory, expert, feedback, help, retention};

/// What one minute's work did.
#[derive(Debug, Default, Clone, Copy, PartialEq, Eq)]
pub struct Tick {
    /// Referrals moved on after their response time.
    pub expired: usize,
    /// Referrals whose organization can no longer take part.
    pub lapsed: usize,
    /// Requests waiting for their requester: reminded, withdrawn.
    pub waited: help::Waited,
    pub expert: expert::Checked,
    /// Questions sent.
    pub asked: usize,
    /// Finished requests deleted (on the hourly run).
    pub purged: usize,
    /// Organizations reminded that their vetting ends or ended (on the hourly run).
    pub vetting: usize,
}

/// One round of the background work; `with_retention` adds the hourly retention run. A
/// failing part is logged and the others still run.
pub async fn tick(app: &App, with_retention: bool) -> Tick {
    let mut done = Tick::default();
    match help::expire_overdue(app).await {
        Ok(moved) => done.expired = moved.into_inner(),
        Err(e) => tracing::error!(error = e.kind(), "moving overdue referrals on failed"),
    }
    match help::lapse_inactive(app).await {
        Ok(lapsed) => done.lapsed = lapsed.into_inner(),
        Err(e) => tracing::error!(
            error = e.kind(),
            "lapsing inactive organizations' referrals failed"
        ),
    }
    match help::check_waiting(app).await {
        Ok(waited) => done.waited = waited.into_inner(),
        Err(e) => tracing::error!(
            error = e.kind(),
            "checking requests waiting for an answer failed"
        ),
    }
    match expert::check_open_requests(app).await {
        Ok(checked) => done.expert = checked.into_inner(),
        Err(e) => tracing::error!(error = e.kind(), "checking open expert requests failed"),
    }
    match feedback::ask_due(app).await {
        Ok(asked) => done.asked = asked.into_inner(),
        Err(e) => tracing::error!(error = e.kind(), "sending feedback questions failed"),
    }
    if with_retention {
        match retention::purge_expired(app).await {
            Ok(purged) => {
                done.purged = purged.into_inner();
                tracing::info!(
                    requests = done.purged,
                    "retention: finished requests deleted"
                );
            }
            Err(e) => tracing::error!(error = e.kind(), "retention failed"),
        }
        match directory::remind_vetting(app).await {
            Ok(n) => done.vetting = n.into_inner(),
            Err(e) => tracing::error!(error = e.kind(), "vetting reminders failed"),
        }
    }
    done
}

/// Runs the background work until the task is dropped.
pub async fn run(app: App) {
    let mut minutes: u64 = 0;
    while !app.is_stopping() {
        tick(&app, minutes.is_multiple_of(60)).await;
        minutes += 1;
        tokio::time::sleep(Duration::from_secs(60)).await;
    }
}
