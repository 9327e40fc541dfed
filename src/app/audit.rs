//! The audit log as coordinators read it: newest first, filtered by organization and action,
//! with each actor named as their team knows them ("coordinator" for coordinators). Only
//! coordinators read it.

use std::collections::HashMap;

use super::access::{self, Refusal};
use super::{App, AppResult};
use crate::domain::audit::{ActorRole, AuditEntry};
use crate::storage::AuditFilter;

/// An entry with the name its actor is shown by, if they are still on a team.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Logged {
    pub entry: AuditEntry,
    /// A staff member's label; `None` for coordinators and the operator, and for someone no
    /// longer on the organization's team.
    pub label: Option<String>,
}

/// One page of entries and whether more follow.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LogPage {
    pub entries: Vec<Logged>,
    pub more: bool,
}

/// Entries `skip..skip+limit` of the log as filtered (coordinators).
pub fn read(
    app: &App,
    who: i64,
    filter: &AuditFilter,
    skip: usize,
    limit: usize,
) -> AppResult<Result<LogPage, Refusal>> {
    if let Err(r) = access::coordinator(app, who) {
        return Ok(Err(r));
    }
    let (entries, more) = app.store.audit_entries(filter, skip, limit)?;
    let labels = labels(app, &entries)?;
    let entries = entries
        .into_iter()
        .map(|entry| Logged {
            label: match entry.role {
                ActorRole::Staff => labels.get(&entry.actor).cloned(),
                _ => None,
            },
            entry,
        })
        .collect();
    Ok(Ok(LogPage { entries, more }))
}

/// Current labels of the staff named in `entries`, by their keyed hash.
fn labels(app: &App, entries: &[AuditEntry]) -> AppResult<HashMap<String, String>> {
    let mut orgs: Vec<&str> = entries
        .iter()
        .filter(|e| e.role == ActorRole::Staff)
        .filter_map(|e| e.org.as_deref())
        .collect();
    orgs.sort_unstable();
    orgs.dedup();
    let mut names = HashMap::new();
    for org in orgs {
        for m in app.store.staff_members(org)? {
            names.insert(m.id, m.label);
        }
    }
    Ok(names)
}
