//! Counts of what a person (or a request) did in a window of time, for the limits against
//! floods: requests a day, relayed messages an hour, failed invitations an hour. A count is
//! all that is kept — never what was done.
//!
//! Tree `subject_kind_count`: subject (a blinded person id, 16 bytes, or a reference code),
//! 0xFF, kind (ASCII) → `CountRecord` (JSON: the window's start and the count in it).

use serde::{Deserialize, Serialize};

use super::{SEP, Store, StoreError, corrupt};
use crate::domain::Timestamp;

#[derive(Serialize, Deserialize)]
struct CountRecord {
    /// Unix seconds.
    start: i64,
    count: u32,
}

/// Whose count it is.
#[derive(Debug, Clone, Copy)]
pub enum Subject<'a> {
    Person(i64),
    Request(&'a str),
}

impl Store {
    fn count_key(&self, subject: Subject<'_>, kind: &str) -> Vec<u8> {
        let mut key = match subject {
            Subject::Person(id) => self.sealer.blind(&id.to_be_bytes()).to_vec(),
            Subject::Request(code) => code.as_bytes().to_vec(),
        };
        key.push(SEP);
        key.extend_from_slice(kind.as_bytes());
        key
    }

    /// How many times `kind` happened for `subject` in the window of `window_secs` that
    /// `now` falls in (windows start when the first event of one happens).
    pub fn count_in_window(
        &self,
        subject: Subject<'_>,
        kind: &str,
        window_secs: i64,
        now: Timestamp,
    ) -> Result<u32, StoreError> {
        let Some(bytes) = self.subject_kind_count.get(self.count_key(subject, kind))? else {
            return Ok(0);
        };
        let record: CountRecord =
            serde_json::from_slice(&bytes).map_err(corrupt("subject_kind_count"))?;
        Ok(if now.secs() - record.start < window_secs {
            record.count
        } else {
            0
        })
    }

    /// Counts one more `kind` for `subject`, and returns the count in the current window.
    pub fn count_event(
        &self,
        subject: Subject<'_>,
        kind: &str,
        window_secs: i64,
        now: Timestamp,
    ) -> Result<u32, StoreError> {
        let key = self.count_key(subject, kind);
        let mut counted = 0;
        self.subject_kind_count.update_and_fetch(&key, |old| {
            let old = old.and_then(|b| serde_json::from_slice::<CountRecord>(b).ok());
            let record = match old {
                Some(r) if now.secs() - r.start < window_secs => CountRecord {
                    start: r.start,
                    count: r.count.saturating_add(1),
                },
                _ => CountRecord {
                    start: now.secs(),
                    count: 1,
                },
            };
            counted = record.count;
            serde_json::to_vec(&record).ok()
        })?;
        Ok(counted)
    }

    /// Deletes counts whose window started before `cutoff` (every window is a day or
    /// shorter, so a count older than a day counts nothing any more). Returns how many.
    pub fn purge_counts_before(&self, cutoff: Timestamp) -> Result<usize, StoreError> {
        let mut purged = 0;
        for item in self.subject_kind_count.iter() {
            let (key, bytes) = item?;
            let stale = serde_json::from_slice::<CountRecord>(&bytes)
                .map_or(true, |r| r.start < cutoff.secs());
            if stale {
                self.subject_kind_count.remove(key)?;
                purged += 1;
            }
        }
        Ok(purged)
    }

    /// The keys of every count kept for a subject (for /forget).
    pub(super) fn count_keys(&self, subject: Subject<'_>) -> Result<Vec<Vec<u8>>, StoreError> {
        match subject {
            Subject::Person(id) => self.count_keys_of(&self.sealer.blind(&id.to_be_bytes())),
            Subject::Request(code) => self.count_keys_of(code.as_bytes()),
        }
    }

    /// The counts of a subject by its key (a blinded person id, or a request's code).
    pub(super) fn count_keys_of(&self, subject: &[u8]) -> Result<Vec<Vec<u8>>, StoreError> {
        let mut prefix = subject.to_vec();
        prefix.push(SEP);
        self.subject_kind_count
            .scan_prefix(prefix)
            .keys()
            .map(|k| Ok(k?.to_vec()))
            .collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn counts_start_again_in_the_next_window_and_are_kept_per_subject() -> Result<(), StoreError> {
        let store = Store::temporary()?;
        let at = Timestamp::from_secs;
        let me = Subject::Person(7);
        assert_eq!(store.count_event(me, "join-failed", 3600, at(0))?, 1);
        assert_eq!(store.count_event(me, "join-failed", 3600, at(10))?, 2);
        assert_eq!(store.count_in_window(me, "join-failed", 3600, at(20))?, 2);
        assert_eq!(
            store.count_in_window(Subject::Person(8), "join-failed", 3600, at(20))?,
            0
        );
        assert_eq!(store.count_in_window(me, "other", 3600, at(20))?, 0);
        assert_eq!(store.count_in_window(me, "join-failed", 3600, at(3600))?, 0);
        assert_eq!(store.count_event(me, "join-failed", 3600, at(3601))?, 1);
        store.count_event(Subject::Request("R-AAAA"), "relay-in", 3600, at(10))?;
        assert_eq!(
            store.purge_counts_before(at(3000))?,
            1,
            "the request's, from 10"
        );
        assert_eq!(store.count_in_window(me, "join-failed", 3600, at(3602))?, 1);
        let request = Subject::Request("R-7K3Q");
        assert_eq!(store.count_event(request, "relay", 3600, at(0))?, 1);
        assert_eq!(store.count_keys(me)?.len(), 1);
        assert_eq!(store.count_keys(request)?.len(), 1);
        Ok(())
    }
}
