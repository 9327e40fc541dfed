//! The audit log: append-only, written in the same transaction as the change it records.
//!
//! Tree `seq_audit`: sequence number (u64 big-endian, sled's monotonic ids) → `AuditRecord`
//! (JSON). Nothing here removes an entry: not retention, not /forget (an entry holds no
//! content and names its actor only by a keyed hash).

use serde::{Deserialize, Serialize};
use sled::transaction::{ConflictableTransactionError, TransactionalTree};

use super::{Store, StoreError, corrupt};
use crate::domain::Timestamp;
use crate::domain::audit::{ActorRole, AuditAction, AuditEntry};

#[derive(Serialize, Deserialize)]
struct AuditRecord {
    at: i64,
    role: String,
    who: String,
    action: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    org: Option<String>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    fields: Vec<String>,
}

/// An entry ready to be written: its key and bytes, made before the transaction.
pub(crate) struct AuditWrite {
    key: [u8; 8],
    bytes: Vec<u8>,
}

impl AuditWrite {
    pub(crate) fn insert(
        &self,
        tree: &TransactionalTree,
    ) -> Result<(), ConflictableTransactionError<StoreError>> {
        tree.insert(&self.key, self.bytes.as_slice())?;
        Ok(())
    }
}

/// Which entries to read, newest first.
#[derive(Debug, Clone, Default)]
pub struct AuditFilter {
    pub org: Option<String>,
    pub action: Option<AuditAction>,
}

impl Store {
    /// The keyed hash the audit log names a person by (the same as a staff member's id).
    pub fn actor_id(&self, user_id: i64) -> String {
        self.member_id(user_id)
    }

    pub(crate) fn audit_write(&self, entry: &AuditEntry) -> Result<AuditWrite, StoreError> {
        let record = AuditRecord {
            at: entry.at.millis(),
            role: entry.role.code().to_string(),
            who: entry.actor.clone(),
            action: entry.action.code().to_string(),
            org: entry.org.clone(),
            fields: entry.fields.clone(),
        };
        Ok(AuditWrite {
            key: self.db.generate_id()?.to_be_bytes(),
            bytes: serde_json::to_vec(&record).map_err(corrupt("seq_audit"))?,
        })
    }

    /// Appends an entry on its own (an action whose change is written elsewhere).
    pub fn audit(&self, entry: &AuditEntry) -> Result<(), StoreError> {
        let write = self.audit_write(entry)?;
        self.seq_audit.insert(write.key, write.bytes)?;
        Ok(())
    }

    /// Entries matching `filter`, newest first, skipping `skip` and returning at most `limit`;
    /// also whether more follow.
    pub fn audit_entries(
        &self,
        filter: &AuditFilter,
        skip: usize,
        limit: usize,
    ) -> Result<(Vec<AuditEntry>, bool), StoreError> {
        let mut out = Vec::new();
        let mut matched = 0usize;
        for item in self.seq_audit.iter().rev() {
            let (_, bytes) = item?;
            let record: AuditRecord =
                serde_json::from_slice(&bytes).map_err(corrupt("seq_audit"))?;
            let Some(entry) = entry_of(record) else {
                continue;
            };
            if filter
                .org
                .as_ref()
                .is_some_and(|o| entry.org.as_ref() != Some(o))
            {
                continue;
            }
            if filter.action.is_some_and(|a| a != entry.action) {
                continue;
            }
            matched += 1;
            if matched <= skip {
                continue;
            }
            if out.len() == limit {
                return Ok((out, true));
            }
            out.push(entry);
        }
        Ok((out, false))
    }
}

fn entry_of(r: AuditRecord) -> Option<AuditEntry> {
    Some(AuditEntry {
        at: Timestamp::from_millis(r.at),
        role: ActorRole::from_code(&r.role)?,
        actor: r.who,
        action: AuditAction::from_code(&r.action)?,
        org: r.org,
        fields: r.fields,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn entry(action: AuditAction, org: &str, at: i64) -> AuditEntry {
        AuditEntry {
            at: Timestamp::from_millis(at),
            role: ActorRole::Coordinator,
            actor: "ab".into(),
            action,
            org: Some(org.into()),
            fields: vec!["phone".into()],
        }
    }

    #[test]
    fn entries_read_newest_first_filtered_and_paged() -> Result<(), StoreError> {
        let store = Store::temporary()?;
        store.audit(&entry(AuditAction::OrgEdited, "a", 1))?;
        store.audit(&entry(AuditAction::OrgVetted, "b", 2))?;
        store.audit(&entry(AuditAction::OrgEdited, "b", 3))?;
        let (all, more) = store.audit_entries(&AuditFilter::default(), 0, 10)?;
        assert_eq!(
            all.iter().map(|e| e.at.millis()).collect::<Vec<_>>(),
            [3, 2, 1]
        );
        assert!(!more);
        let only_b = AuditFilter {
            org: Some("b".into()),
            action: None,
        };
        let (page, more) = store.audit_entries(&only_b, 0, 1)?;
        assert_eq!(page[0].at.millis(), 3);
        assert!(more);
        let (page, more) = store.audit_entries(&only_b, 1, 1)?;
        assert_eq!(page[0].action, AuditAction::OrgVetted);
        assert!(!more);
        Ok(())
    }
}
