//! One organization of the directory written at a time (the dashboard's edits, vetting,
//! suspension), with its topic and region index entries and its audit entry, in one
//! transaction. The whole-directory replacement of an import is in import.rs.

use sled::Transactional;
use sled::transaction::ConflictableTransactionError;

use super::records::OrgRecord;
use super::{Store, StoreError, corrupt, index_key};
use crate::domain::audit::AuditEntry;
use crate::domain::{Organization, RegionScope};

fn region_keys(org: &Organization) -> Vec<Vec<u8>> {
    match &org.regions {
        RegionScope::National => vec![index_key("national", &org.id)],
        RegionScope::Regions(codes) => codes.iter().map(|c| index_key(c, &org.id)).collect(),
    }
}

fn topic_keys(org: &Organization) -> Vec<Vec<u8>> {
    org.topics.iter().map(|t| index_key(t, &org.id)).collect()
}

/// Key of `orgid_until_stage_reminded`: org id, 0xFF, the expiry date, 0xFF, the stage.
fn reminder_key(org: &str, until: chrono::NaiveDate, stage: u8) -> Vec<u8> {
    let mut key = index_key(org, &until.to_string());
    key.push(super::SEP);
    key.push(stage);
    key
}

/// A staff member's proposed change to their organization, waiting for a coordinator.
#[derive(serde::Serialize, serde::Deserialize)]
struct ProposalRecord {
    /// The organization as it was when the change was proposed.
    base: OrgRecord,
    proposed: OrgRecord,
    /// Who proposed it (keyed hash).
    by: String,
    at: i64,
}

/// A proposed change as the store gives it back.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Proposal {
    pub base: Organization,
    pub proposed: Organization,
    pub by: String,
    pub at: crate::domain::Timestamp,
}

impl Store {
    /// Keeps a proposed change (one per organization: a newer one replaces it), with its
    /// audit entry, in one transaction.
    pub fn save_proposal(
        &self,
        base: &Organization,
        proposed: &Organization,
        by: &str,
        at: crate::domain::Timestamp,
        entry: &AuditEntry,
    ) -> Result<(), StoreError> {
        let _writing = self.gate.shared();
        let record = ProposalRecord {
            base: base.into(),
            proposed: proposed.into(),
            by: by.to_string(),
            at: at.millis(),
        };
        let bytes = serde_json::to_vec(&record).map_err(corrupt("orgid_proposal"))?;
        let audit = self.audit_write(entry)?;
        (&*self.orgid_proposal, &*self.seq_audit).transaction(|(proposals, log)| {
            proposals.insert(base.id.as_bytes(), bytes.as_slice())?;
            audit.insert(log)?;
            Ok(())
        })?;
        Ok(())
    }

    /// Every organization's proposed change, by organization id.
    pub fn proposals(&self) -> Result<Vec<Proposal>, StoreError> {
        let mut out = Vec::new();
        for item in self.orgid_proposal.iter() {
            let (key, bytes) = item?;
            match serde_json::from_slice::<ProposalRecord>(&bytes) {
                Ok(r) => out.push(Proposal {
                    base: r.base.into(),
                    proposed: r.proposed.into(),
                    by: r.by,
                    at: crate::domain::Timestamp::from_millis(r.at),
                }),
                Err(_) => self.quarantine(&self.orgid_proposal, "orgid_proposal", &key)?,
            }
        }
        Ok(out)
    }

    /// An organization's proposed change, if there is one.
    pub fn proposal(&self, org: &str) -> Result<Option<Proposal>, StoreError> {
        Ok(self.proposals()?.into_iter().find(|p| p.base.id == org))
    }

    /// Drops an organization's proposed change (rejected, or applied), with its audit entry
    /// if the change itself did not write one; whether there was one.
    pub fn drop_proposal(&self, org: &str, entry: Option<&AuditEntry>) -> Result<bool, StoreError> {
        let _writing = self.gate.shared();
        let audit = entry.map(|e| self.audit_write(e)).transpose()?;
        let dropped =
            (&*self.orgid_proposal, &*self.seq_audit).transaction(|(proposals, log)| {
                let was = proposals.remove(org.as_bytes())?.is_some();
                if was && let Some(audit) = &audit {
                    audit.insert(log)?;
                }
                Ok(was)
            })?;
        Ok(dropped)
    }

    /// Whether an organization was already reminded of this vetting's end at this stage
    /// (days before: 30, 7, or 0 for "it ended"). A new vetting has a new date, so its
    /// reminders start afresh.
    pub fn vetting_reminded(
        &self,
        org: &str,
        until: chrono::NaiveDate,
        stage: u8,
    ) -> Result<bool, StoreError> {
        Ok(self
            .orgid_until_stage_reminded
            .contains_key(reminder_key(org, until, stage))?)
    }

    /// Records that the reminder was queued.
    pub fn mark_vetting_reminded(
        &self,
        org: &str,
        until: chrono::NaiveDate,
        stage: u8,
    ) -> Result<(), StoreError> {
        self.orgid_until_stage_reminded
            .insert(reminder_key(org, until, stage), &[])?;
        Ok(())
    }

    /// One organization, if the directory has it.
    pub fn organization(&self, id: &str) -> Result<Option<Organization>, StoreError> {
        match self.orgid_org.get(id.as_bytes())? {
            None => Ok(None),
            Some(bytes) => {
                let record: OrgRecord =
                    serde_json::from_slice(&bytes).map_err(corrupt("orgid_org"))?;
                Ok(Some(record.into()))
            }
        }
    }

    /// Writes an organization (new or changed) with its indexes and its audit entry, in one
    /// transaction. With `expected` set, the write happens only if the stored organization
    /// is still exactly that one (`StoreError::Stale` otherwise): two coordinators editing
    /// at once do not overwrite each other unseen. Not flushed: the use case commits.
    pub fn save_organization(
        &self,
        org: &Organization,
        expected: Option<&Organization>,
        entry: &AuditEntry,
    ) -> Result<(), StoreError> {
        let _writing = self.gate.shared();
        let bytes = serde_json::to_vec(&OrgRecord::from(org)).map_err(corrupt("orgid_org"))?;
        let expected_bytes = match expected {
            Some(e) => Some(serde_json::to_vec(&OrgRecord::from(e)).map_err(corrupt("orgid_org"))?),
            None => None,
        };
        let old_topics = expected.map(topic_keys).unwrap_or_default();
        let old_regions = expected.map(region_keys).unwrap_or_default();
        let new_topics = topic_keys(org);
        let new_regions = region_keys(org);
        let audit = self.audit_write(entry)?;
        (
            &*self.orgid_org,
            &*self.topic_orgid,
            &*self.region_orgid,
            &*self.seq_audit,
        )
            .transaction(|(orgs, topics, regions, log)| {
                let now = orgs.get(org.id.as_bytes())?;
                if now.as_deref() != expected_bytes.as_deref() {
                    return Err(ConflictableTransactionError::Abort(StoreError::Stale));
                }
                for k in &old_topics {
                    topics.remove(k.as_slice())?;
                }
                for k in &old_regions {
                    regions.remove(k.as_slice())?;
                }
                for k in &new_topics {
                    topics.insert(k.as_slice(), &[])?;
                }
                for k in &new_regions {
                    regions.insert(k.as_slice(), &[])?;
                }
                orgs.insert(org.id.as_bytes(), bytes.as_slice())?;
                audit.insert(log)?;
                Ok(())
            })?;
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::Timestamp;
    use crate::domain::audit::{ActorRole, AuditAction};
    use crate::domain::organization::fixtures::org;

    fn entry() -> AuditEntry {
        AuditEntry {
            at: Timestamp::from_millis(1),
            role: ActorRole::Coordinator,
            actor: "ab".into(),
            action: AuditAction::OrgEdited,
            org: Some("a".into()),
            fields: vec![],
        }
    }

    #[test]
    fn an_edit_moves_the_index_entries_and_is_audited() -> Result<(), StoreError> {
        let store = Store::temporary()?;
        let first = org("a", &["crsv"], &["UA-12"]);
        store.save_organization(&first, None, &entry())?;
        let mut second = first.clone();
        second.topics = vec!["legal".into()];
        second.regions = RegionScope::National;
        store.save_organization(&second, Some(&first), &entry())?;
        assert_eq!(store.organization("a")?, Some(second.clone()));
        assert!(store.organization_ids_with_topic("crsv")?.is_empty());
        assert_eq!(store.organization_ids_with_topic("legal")?, ["a"]);
        assert!(store.organization_ids_in_region("UA-12")?.is_empty());
        assert_eq!(store.organization_ids_in_region("national")?, ["a"]);
        let (log, _) = store.audit_entries(&Default::default(), 0, 10)?;
        assert_eq!(log.len(), 2);
        Ok(())
    }

    #[test]
    fn an_edit_of_a_version_someone_else_changed_is_stale() -> Result<(), StoreError> {
        let store = Store::temporary()?;
        let first = org("a", &["crsv"], &["UA-12"]);
        store.save_organization(&first, None, &entry())?;
        let mut theirs = first.clone();
        theirs.hours = None;
        theirs.response_hours = 48;
        store.save_organization(&theirs, Some(&first), &entry())?;
        let mut mine = first.clone();
        mine.response_hours = 12;
        assert!(matches!(
            store.save_organization(&mine, Some(&first), &entry()),
            Err(StoreError::Stale)
        ));
        assert!(matches!(
            store.save_organization(&first, None, &entry()),
            Err(StoreError::Stale)
        ));
        assert_eq!(store.organization("a")?, Some(theirs));
        Ok(())
    }
}
