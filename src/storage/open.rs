//! Which referrals are open (pending or accepted), per organization: the index entries in
//! `orgid_refcode` and their count per organization in `orgid_opencount`, changed together
//! inside the transactions that open and close referrals. Routing reads the counts of its
//! candidates — a read per candidate, not a scan of their open referrals, which grew with
//! every request a busy organization had open (79% of the bot's CPU in a soak).
//!
//! Tree `orgid_opencount`: org id (UTF-8) → how many open referrals it has (u64 big-endian);
//! no entry when none.

use std::collections::HashMap;

use sled::transaction::{TransactionalTree, UnabortableTransactionError};

use super::{SEP, Store, StoreError, index_key};

type TxResult = Result<(), UnabortableTransactionError>;

/// Opens a referral of `org` for `code`, inside a transaction over both trees.
pub(super) fn open(
    index: &TransactionalTree,
    counts: &TransactionalTree,
    org: &str,
    code: &str,
) -> TxResult {
    if index.insert(index_key(org, code), &[])?.is_none() {
        add(counts, org, 1)?;
    }
    Ok(())
}

/// Closes a referral of `org` for `code` (no change if it was not open).
pub(super) fn close(
    index: &TransactionalTree,
    counts: &TransactionalTree,
    org: &str,
    code: &str,
) -> TxResult {
    if index.remove(index_key(org, code))?.is_some() {
        add(counts, org, -1)?;
    }
    Ok(())
}

fn add(counts: &TransactionalTree, org: &str, delta: i64) -> TxResult {
    let now = counts
        .get(org.as_bytes())?
        .and_then(|b| <[u8; 8]>::try_from(b.as_ref()).ok())
        .map_or(0, u64::from_be_bytes);
    let next = now.saturating_add_signed(delta);
    if next == 0 {
        counts.remove(org.as_bytes())?;
    } else {
        counts.insert(org.as_bytes(), &next.to_be_bytes())?;
    }
    Ok(())
}

fn count_of(bytes: &[u8]) -> usize {
    <[u8; 8]>::try_from(bytes).map_or(0, |b| u64::from_be_bytes(b) as usize)
}

impl Store {
    /// Open (pending or accepted) referrals of each of `orgs` that has any, for routing.
    pub fn open_referral_counts_of(
        &self,
        orgs: &[&str],
    ) -> Result<HashMap<String, usize>, StoreError> {
        let mut counts = HashMap::with_capacity(orgs.len());
        for org in orgs {
            if let Some(bytes) = self.orgid_opencount.get(org.as_bytes())? {
                counts.insert((*org).to_string(), count_of(&bytes));
            }
        }
        Ok(counts)
    }

    /// Open referrals per organization that has any.
    pub fn open_referral_counts(&self) -> Result<HashMap<String, usize>, StoreError> {
        self.orgid_opencount
            .iter()
            .map(|item| {
                let (org, bytes) = item?;
                Ok((String::from_utf8_lossy(&org).into_owned(), count_of(&bytes)))
            })
            .collect()
    }

    /// The counts as the index says, counted entry by entry: to build them (a migration)
    /// and to check them (tests).
    pub(super) fn recount_open_referrals(&self) -> Result<HashMap<String, usize>, StoreError> {
        let mut counts = HashMap::new();
        for key in self.orgid_refcode.iter().keys() {
            let key = key?;
            if let Some(end) = key.iter().position(|&b| b == SEP) {
                *counts
                    .entry(String::from_utf8_lossy(&key[..end]).into_owned())
                    .or_insert(0) += 1;
            }
        }
        Ok(counts)
    }

    /// Schema 6 had the index only; schema 7 keeps the counts beside it.
    pub(super) fn migrate_open_counts_6_to_7(&self) -> Result<(), StoreError> {
        self.orgid_opencount.clear()?;
        for (org, n) in self.recount_open_referrals()? {
            self.orgid_opencount
                .insert(org.as_bytes(), &(n as u64).to_be_bytes())?;
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::{DeclineReason, HelpRequest, Outcome, Referral, ReferralStatus, Timestamp};
    use crate::storage::{ReferralChange, referrals};

    type TestResult = Result<(), Box<dyn std::error::Error>>;

    fn request(chat: i64) -> HelpRequest {
        HelpRequest {
            requester_chat: chat,
            ..referrals::tests::request()
        }
    }

    fn pending(org: &str) -> Referral {
        referrals::tests::pending(org, 100)
    }

    fn change<'a>(
        code: &'a str,
        attempt: u16,
        expected: ReferralStatus,
        to: ReferralStatus,
        next: Option<&'a Referral>,
        wait: bool,
    ) -> ReferralChange<'a> {
        ReferralChange {
            code,
            attempt,
            expected,
            to,
            reason: matches!(to, ReferralStatus::Declined).then_some(DeclineReason::NoCapacity),
            next,
            notify: &[],
            now: Timestamp::from_secs(200),
            wait,
        }
    }

    /// Requests R-A and R-B offered to a, R-C to b; the time they were made.
    fn three_requests(store: &Store) -> Result<Timestamp, StoreError> {
        let now = Timestamp::from_secs(100);
        for (code, org, chat) in [("R-A", "a", 1), ("R-B", "a", 2), ("R-C", "b", 3)] {
            store.submit_request(code, &request(chat), Some(&pending(org)), &[], now, None)?;
        }
        Ok(now)
    }

    /// The kept counts, and that they are what the index says.
    fn counts(store: &Store) -> Result<HashMap<String, usize>, StoreError> {
        let kept = store.open_referral_counts()?;
        assert_eq!(kept, store.recount_open_referrals()?);
        Ok(kept)
    }

    #[test]
    fn the_counts_follow_every_way_a_referral_opens_and_closes() -> TestResult {
        let store = Store::temporary()?;
        let now = three_requests(&store)?;
        assert_eq!(
            counts(&store)?,
            HashMap::from([("a".into(), 2), ("b".into(), 1)])
        );
        assert_eq!(
            store.open_referral_counts_of(&["a", "c"])?,
            HashMap::from([("a".into(), 2)])
        );
        // Declined and passed on to b.
        let to_b = pending("b");
        store.change_referral(&change(
            "R-A",
            0,
            ReferralStatus::Pending,
            ReferralStatus::Declined,
            Some(&to_b),
            false,
        ))?;
        assert_eq!(
            counts(&store)?,
            HashMap::from([("a".into(), 1), ("b".into(), 2)])
        );
        // Accepted (still open), then closed.
        let accepted = ReferralStatus::Accepted;
        store.change_referral(&change(
            "R-C",
            0,
            ReferralStatus::Pending,
            accepted,
            None,
            false,
        ))?;
        assert_eq!(counts(&store)?["b"], 2);
        let closed = ReferralStatus::Closed(Outcome::Helped);
        store.change_referral(&change("R-C", 0, accepted, closed, None, false))?;
        assert_eq!(
            counts(&store)?,
            HashMap::from([("a".into(), 1), ("b".into(), 1)])
        );
        // Declined to wait for her answer, then passed on to c.
        store.change_referral(&change(
            "R-B",
            0,
            ReferralStatus::Pending,
            ReferralStatus::Declined,
            None,
            true,
        ))?;
        assert_eq!(counts(&store)?, HashMap::from([("b".into(), 1)]));
        assert!(store.resume_request("R-B", Some((1, &pending("c"))), &[], now)?);
        assert_eq!(
            counts(&store)?,
            HashMap::from([("b".into(), 1), ("c".into(), 1)])
        );
        // /forget of the person whose request is with b.
        store.forget_person(1, 1, now)?;
        assert_eq!(counts(&store)?, HashMap::from([("c".into(), 1)]));
        Ok(())
    }

    #[test]
    fn the_migration_counts_what_the_index_holds() -> TestResult {
        let store = Store::temporary()?;
        three_requests(&store)?;
        store.orgid_opencount.clear()?;
        store.migrate_open_counts_6_to_7()?;
        assert_eq!(
            counts(&store)?,
            HashMap::from([("a".into(), 2), ("b".into(), 1)])
        );
        Ok(())
    }
}
