//! Searching keeps nothing of what was searched: the search itself runs in the domain's index.
//! Only how many free-text searches found nothing is counted, by month, for the coordinators
//! (a sign that the directory or the search's words miss something) — never the words.

use super::{App, AppResult};
use crate::domain::monitoring;

/// A free-text search found nothing: counted for this month.
pub fn nothing_found(app: &App) -> AppResult<()> {
    let month = monitoring::month_of(app.now());
    app.store
        .count_metrics(&month, &monitoring::search_empty())?;
    Ok(())
}
