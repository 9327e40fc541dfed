//! Replacing the whole directory: an import. A sled transaction keeps every write, and every
//! version of every node it touches, in memory until it commits (a 10,000-organization import
//! in one transaction peaked at 337 MB), so an import is staged instead:
//!
//! 1. the new directory is written in batches to `staged_orgid_org`, `staged_topic_orgid` and
//!    `staged_region_orgid` (emptied first), and flushed;
//! 2. `meta` b"directory_staged" → the date is written with the import's audit entry, in one
//!    transaction, and flushed: from here on the import happens;
//! 3. the live trees are emptied and filled from the staged ones in batches; the date of the
//!    directory is set and the marker removed together; the staged trees are dropped.
//!
//! A stop before 2 leaves the directory as it was; a stop after 2 is finished when the store
//! next opens (`finish_staged_import`, which is idempotent). An import has the store to itself
//! (the command line, with the bot stopped, or the demo directory on first start), so nobody
//! reads the live trees while step 3 refills them.

use sled::Transactional;
use sled::transaction::ConflictableTransactionError;

use super::{DIRECTORY_KEY, Store, StoreError, corrupt, index_key};
use crate::domain::{Organization, RegionScope};

use super::records::OrgRecord;

const STAGED_KEY: &[u8] = b"directory_staged";
/// The staged trees, in the order of `live_trees`.
const STAGED: [&str; 3] = [
    "staged_orgid_org",
    "staged_topic_orgid",
    "staged_region_orgid",
];
/// Records per batch: small enough that no batch holds much in memory.
const BATCH: usize = 1_000;

impl Store {
    /// Replaces the whole directory and its indexes, with its audit entry (an import by the
    /// operator), then flushes. Either every organization is replaced or, when it stops before
    /// the commit point, nothing changes (see the module's comment).
    pub fn replace_directory(
        &self,
        orgs: &[Organization],
        loaded_on: &str,
    ) -> Result<(), StoreError> {
        self.stage_directory(orgs, loaded_on)?;
        self.finish_staged_import()
    }

    /// Steps 1 and 2: the new directory staged and the import committed.
    fn stage_directory(&self, orgs: &[Organization], loaded_on: &str) -> Result<(), StoreError> {
        let _writing = self.gate.shared();
        let staged = self.staged_trees()?;
        for tree in &staged {
            tree.clear()?;
        }
        let mut batches: [sled::Batch; 3] = Default::default();
        for (i, org) in orgs.iter().enumerate() {
            let bytes = serde_json::to_vec(&OrgRecord::from(org)).map_err(corrupt("orgid_org"))?;
            batches[0].insert(org.id.as_bytes(), bytes);
            for topic in &org.topics {
                batches[1].insert(index_key(topic, &org.id), &[]);
            }
            match &org.regions {
                RegionScope::National => batches[2].insert(index_key("national", &org.id), &[]),
                RegionScope::Regions(codes) => {
                    for code in codes {
                        batches[2].insert(index_key(code, &org.id), &[]);
                    }
                }
            }
            if (i + 1) % BATCH == 0 {
                for (tree, batch) in staged.iter().zip(&mut batches) {
                    tree.apply_batch(std::mem::take(batch))?;
                }
            }
        }
        for (tree, batch) in staged.iter().zip(batches) {
            tree.apply_batch(batch)?;
        }
        self.flush_blocking()?;
        let audit = self.audit_write(&crate::domain::audit::AuditEntry {
            at: crate::domain::Timestamp::from_millis(chrono::Utc::now().timestamp_millis()),
            role: crate::domain::audit::ActorRole::Operator,
            actor: String::new(),
            action: crate::domain::audit::AuditAction::DirectoryImported,
            org: None,
            fields: Vec::new(),
        })?;
        (&*self.meta, &*self.seq_audit).transaction(|(meta, log)| {
            meta.insert(STAGED_KEY, loaded_on.as_bytes())?;
            audit.insert(log)?;
            Ok::<(), ConflictableTransactionError<StoreError>>(())
        })?;
        self.flush_blocking()
    }

    /// Step 3: an import committed but not yet in the live trees is put there; the staged
    /// trees of one that never committed are dropped. Runs whenever the store opens.
    pub(super) fn finish_staged_import(&self) -> Result<(), StoreError> {
        let names = self.db.tree_names();
        let Some(loaded_on) = self.meta.get(STAGED_KEY)? else {
            for name in STAGED {
                if names.iter().any(|n| n.as_ref() == name.as_bytes()) {
                    self.db.drop_tree(name)?;
                }
            }
            return Ok(());
        };
        let _writing = self.gate.shared();
        let live = [&self.orgid_org, &self.topic_orgid, &self.region_orgid];
        for (live, staged) in live.into_iter().zip(self.staged_trees()?) {
            live.clear()?;
            let mut batch = sled::Batch::default();
            for (n, record) in staged.iter().enumerate() {
                let (key, value) = record?;
                batch.insert(key, value);
                if (n + 1) % BATCH == 0 {
                    live.apply_batch(std::mem::take(&mut batch))?;
                }
            }
            live.apply_batch(batch)?;
        }
        let mut done = sled::Batch::default();
        done.insert(DIRECTORY_KEY, loaded_on);
        done.remove(STAGED_KEY);
        self.meta.apply_batch(done)?;
        self.flush_blocking()?;
        for name in STAGED {
            self.db.drop_tree(name)?;
        }
        Ok(())
    }

    fn staged_trees(&self) -> Result<[sled::Tree; 3], StoreError> {
        Ok([
            self.db.open_tree(STAGED[0])?,
            self.db.open_tree(STAGED[1])?,
            self.db.open_tree(STAGED[2])?,
        ])
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::organization::fixtures::org;

    fn ids(store: &Store) -> Result<Vec<String>, StoreError> {
        Ok(store.organizations()?.into_iter().map(|o| o.id).collect())
    }

    fn staged_trees_left(store: &Store) -> usize {
        let names = store.db.tree_names();
        STAGED
            .iter()
            .filter(|s| names.iter().any(|n| n.as_ref() == s.as_bytes()))
            .count()
    }

    #[test]
    fn an_import_stopped_after_its_commit_point_is_finished_at_the_next_open()
    -> Result<(), Box<dyn std::error::Error>> {
        let dir = crate::storage::private_tempdir()?;
        {
            let store = Store::open(dir.path())?;
            store.replace_directory(&[org("old", &["crsv"], &["UA-12"])], "2026-11-01")?;
            store.stage_directory(&[org("new", &["legal-aid"], &["UA-46"])], "2026-12-01")?;
            // Stopped here: the live trees still hold the old directory.
            assert_eq!(ids(&store)?, vec!["old"]);
        }
        let store = Store::open_waiting(dir.path(), std::time::Duration::from_secs(5))?;
        assert_eq!(ids(&store)?, vec!["new"]);
        assert_eq!(store.organization_ids_with_topic("legal-aid")?, vec!["new"]);
        assert!(store.organization_ids_with_topic("crsv")?.is_empty());
        assert_eq!(store.organization_ids_in_region("UA-46")?, vec!["new"]);
        assert_eq!(
            store.meta.get(DIRECTORY_KEY)?.as_deref(),
            Some(&b"2026-12-01"[..])
        );
        assert_eq!(staged_trees_left(&store), 0);
        Ok(())
    }

    #[test]
    fn an_import_stopped_before_its_commit_point_changes_nothing()
    -> Result<(), Box<dyn std::error::Error>> {
        let dir = crate::storage::private_tempdir()?;
        {
            let store = Store::open(dir.path())?;
            store.replace_directory(&[org("old", &["crsv"], &["UA-12"])], "2026-11-01")?;
            // Half of a staging, and no commit.
            store.staged_trees()?[0].insert("new", b"{}".to_vec())?;
            store.flush_blocking()?;
        }
        let store = Store::open_waiting(dir.path(), std::time::Duration::from_secs(5))?;
        assert_eq!(ids(&store)?, vec!["old"]);
        assert_eq!(
            store.meta.get(DIRECTORY_KEY)?.as_deref(),
            Some(&b"2026-11-01"[..])
        );
        assert_eq!(staged_trees_left(&store), 0);
        Ok(())
    }

    #[test]
    fn a_large_import_goes_in_batches_and_replaces_everything() -> Result<(), StoreError> {
        let store = Store::temporary()?;
        store.replace_directory(&[org("gone", &["crsv"], &["national"])], "2026-11-01")?;
        let many: Vec<Organization> = (0..2 * BATCH + 7)
            .map(|i| org(&format!("org-{i:05}"), &["legal-aid"], &["UA-46"]))
            .collect();
        store.replace_directory(&many, "2026-12-01")?;
        assert_eq!(store.organizations()?, many);
        assert_eq!(store.organization_ids_in_region("UA-46")?.len(), many.len());
        assert!(store.organization_ids_in_region("national")?.is_empty());
        assert_eq!(staged_trees_left(&store), 0);
        Ok(())
    }
}
