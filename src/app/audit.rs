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
    Ok(Ok(named(app, entries, more)?))
}

/// The whole log for the operator at the command line (the bot stopped; no role to check).
pub fn all(app: &App, filter: &AuditFilter) -> AppResult<LogPage> {
    let (entries, more) = app.store.audit_entries(filter, 0, usize::MAX)?;
    named(app, entries, more)
}

/// Entries with their actors' labels.
fn named(app: &App, entries: Vec<AuditEntry>, more: bool) -> AppResult<LogPage> {
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
    Ok(LogPage { entries, more })
}

fn csv_cell(text: &str) -> String {
    // A cell a spreadsheet would run as a formula is kept as text.
    let text = if text.starts_with(['=', '+', '-', '@']) {
        format!("'{text}")
    } else {
        text.to_string()
    };
    if text.contains([',', '"', '\n']) {
        format!("\"{}\"", text.replace('"', "\"\""))
    } else {
        text
    }
}

/// The log as CSV: time (UTC), role, who (a member's label, or the role), action,
/// organization, the fields changed.
pub fn csv(page: &LogPage) -> String {
    let mut out = String::from("time_utc,role,who,action,organization,fields\n");
    for l in &page.entries {
        let e = &l.entry;
        let when = chrono::DateTime::from_timestamp(e.at.secs(), 0)
            .map(|t| t.format("%Y-%m-%d %H:%M").to_string())
            .unwrap_or_default();
        let who = match e.role {
            ActorRole::Staff => l.label.clone().unwrap_or_default(),
            _ => e.role.code().to_string(),
        };
        let row = [
            when,
            e.role.code().to_string(),
            who,
            e.action.code().to_string(),
            e.org.clone().unwrap_or_default(),
            e.fields.join(" "),
        ];
        let cells: Vec<String> = row.iter().map(|c| csv_cell(c)).collect();
        out.push_str(&cells.join(","));
        out.push('\n');
    }
    out
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
