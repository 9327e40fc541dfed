//! Start-up: open the store, import the shipped demo directory on first start, and build the
//! in-memory search index from the store.

use chrono::NaiveDate;

use crate::datafile::{self, DEMO_ORGANIZATIONS, DEMO_ORGANIZATIONS_NAME};
use crate::domain::{SearchIndex, Taxonomy};
use crate::storage::{Store, StoreError};

#[derive(Debug, thiserror::Error)]
pub enum StartupError {
    #[error(transparent)]
    Store(#[from] StoreError),
    #[error("the shipped data is invalid: {0}")]
    ShippedData(String),
}

fn report_text(report: &datafile::Report) -> String {
    report
        .errors()
        .map(ToString::to_string)
        .collect::<Vec<_>>()
        .join("; ")
}

/// The shipped taxonomy (compiled in).
pub fn taxonomy() -> Result<Taxonomy, StartupError> {
    datafile::taxonomy().map_err(|r| StartupError::ShippedData(report_text(&r)))
}

/// Loads the directory from the store into a search index, importing the demo directory
/// if this store never had one.
pub fn load_index(
    store: &Store,
    taxonomy: Taxonomy,
    today: NaiveDate,
) -> Result<SearchIndex, StartupError> {
    if !store.has_directory()? {
        let (orgs, report) = datafile::parse_organizations(
            DEMO_ORGANIZATIONS,
            DEMO_ORGANIZATIONS_NAME,
            &taxonomy,
            today,
        );
        let orgs = orgs.ok_or_else(|| StartupError::ShippedData(report_text(&report)))?;
        store.replace_directory(&orgs, &today.to_string())?;
        tracing::info!(
            organizations = orgs.len(),
            "imported the demo directory on first start"
        );
    }
    let orgs = store.organizations()?;
    Ok(SearchIndex::new(taxonomy, orgs))
}
