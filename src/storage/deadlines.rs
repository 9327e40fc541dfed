//! When each pending referral must be answered by, in time order, so that the minute's look
//! for overdue referrals reads only those due — not every open referral, which it did before
//! (a read of each of them every minute, and with them most of the store's pages kept warm).
//!
//! An entry is written in the same transaction that offers the referral, and removed in the
//! one that answers, passes on or withdraws it; a postponed referral's entry moves to its new
//! time. The entry is a reminder, not the truth: when it comes due the referral itself is
//! read, and the entry is dropped if the referral is no longer pending (an entry a crash left
//! behind) or moved if its time is later. So a pending referral always has an entry, and a
//! stale one costs a read when it comes due.
//!
//! Tree `respondby_refcode`: answer-by time (Unix seconds, u64 big-endian), reference code,
//! 0xFF, attempt (u16 big-endian) → empty.

use sled::transaction::{TransactionalTree, UnabortableTransactionError};

use super::{SEP, Store, StoreError};
use crate::domain::{Referral, ReferralStatus, Timestamp};

fn key(at: Timestamp, code: &str, attempt: u16) -> Vec<u8> {
    let mut key = (at.secs().max(0) as u64).to_be_bytes().to_vec();
    key.extend_from_slice(code.as_bytes());
    key.push(SEP);
    key.extend_from_slice(&attempt.to_be_bytes());
    key
}

/// The reference code and attempt of an entry.
fn parse(key: &[u8]) -> Option<(String, u16)> {
    let rest = key.get(8..)?;
    let sep = rest.iter().position(|&b| b == SEP)?;
    let attempt: [u8; 2] = rest.get(sep + 1..)?.try_into().ok()?;
    let code = std::str::from_utf8(rest.get(..sep)?).ok()?;
    Some((code.to_string(), u16::from_be_bytes(attempt)))
}

/// Notes that attempt `attempt` of `code` must be answered by `referral.respond_by`, inside
/// the transaction that offers it.
pub(super) fn offered(
    tree: &TransactionalTree,
    code: &str,
    attempt: u16,
    referral: &Referral,
) -> Result<(), UnabortableTransactionError> {
    tree.insert(key(referral.respond_by, code, attempt), &[])?;
    Ok(())
}

/// Removes the entry of attempt `attempt` of `code`, due at `respond_by` (Unix seconds),
/// inside the transaction that moves the referral on from pending.
pub(super) fn answered(
    tree: &TransactionalTree,
    code: &str,
    attempt: u16,
    respond_by: i64,
) -> Result<(), UnabortableTransactionError> {
    tree.remove(key(Timestamp::from_secs(respond_by), code, attempt))?;
    Ok(())
}

impl Store {
    /// Moves the entry of a postponed referral from `from` to `to` (outside a transaction:
    /// if only the first step is done, the old entry, when due, moves itself).
    pub(super) fn postponed(
        &self,
        code: &str,
        attempt: u16,
        from: Timestamp,
        to: Timestamp,
    ) -> Result<(), StoreError> {
        self.respondby_refcode.insert(key(to, code, attempt), &[])?;
        self.respondby_refcode.remove(key(from, code, attempt))?;
        Ok(())
    }

    /// Pending referrals whose answer-by time has passed: (reference code, attempt,
    /// referral), earliest first. Reads the entries due and their referrals only; tidies the
    /// entries whose referral moved on or was postponed.
    pub fn overdue_referrals(
        &self,
        now: Timestamp,
    ) -> Result<Vec<(String, u16, Referral)>, StoreError> {
        let until = ((now.secs().max(0) as u64) + 1).to_be_bytes();
        let due: Vec<Vec<u8>> = self
            .respondby_refcode
            .range(..until.as_slice())
            .keys()
            .map(|k| Ok(k?.to_vec()))
            .collect::<Result<_, StoreError>>()?;
        let mut overdue = Vec::new();
        for entry in due {
            let Some((code, attempt)) = parse(&entry) else {
                self.respondby_refcode.remove(&entry)?;
                continue;
            };
            // A referral that cannot be read is left for retention to move aside.
            let Ok(latest) = self.latest_referral(&code) else {
                continue;
            };
            match latest {
                Some((a, referral))
                    if a == attempt && referral.status == ReferralStatus::Pending =>
                {
                    if referral.respond_by <= now {
                        // Kept until the referral itself has moved on: if moving it on fails
                        // now, the next look finds it again.
                        overdue.push((code, attempt, referral));
                    } else {
                        self.respondby_refcode
                            .insert(key(referral.respond_by, &code, attempt), &[])?;
                        self.respondby_refcode.remove(&entry)?;
                    }
                }
                _ => {
                    self.respondby_refcode.remove(&entry)?;
                }
            }
        }
        Ok(overdue)
    }

    /// The entries of these requests (for `/forget`: none may stay to name them). Reads every
    /// entry — pending referrals only, a few days' worth.
    pub(super) fn deadline_keys_of(&self, codes: &[String]) -> Result<Vec<Vec<u8>>, StoreError> {
        let mut keys = Vec::new();
        for key in self.respondby_refcode.iter().keys() {
            let key = key?;
            if parse(&key).is_some_and(|(code, _)| codes.contains(&code)) {
                keys.push(key.to_vec());
            }
        }
        Ok(keys)
    }

    /// Version 7 found overdue referrals by reading every open one; version 8 keeps their
    /// answer-by times in order. Every pending referral gets its entry.
    pub(super) fn migrate_deadlines_7_to_8(&self) -> Result<(), StoreError> {
        let mut codes: Vec<String> = Vec::new();
        for key in self.orgid_refcode.iter().keys() {
            let key = key?;
            if let Some(end) = key.iter().position(|&b| b == SEP) {
                codes.push(String::from_utf8_lossy(&key[end + 1..]).into_owned());
            }
        }
        codes.sort();
        codes.dedup();
        for code in codes {
            if let Ok(Some((attempt, referral))) = self.latest_referral(&code)
                && referral.status == ReferralStatus::Pending
            {
                self.respondby_refcode
                    .insert(key(referral.respond_by, &code, attempt), &[])?;
            }
        }
        Ok(())
    }

    #[cfg(test)]
    pub(super) fn deadline_entries(&self) -> usize {
        self.respondby_refcode.len()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::DeclineReason;
    use crate::storage::referrals::tests::{pending, request};
    use crate::storage::{ReferralChange, SCHEMA_KEY};

    type TestResult = Result<(), Box<dyn std::error::Error>>;

    fn at(secs: i64) -> Timestamp {
        Timestamp::from_secs(secs)
    }

    fn submit(store: &Store, code: &str, offered: i64) -> Result<(), StoreError> {
        store.submit_request(
            code,
            &request(),
            Some(&pending("a", offered)),
            &[],
            Timestamp::default(),
            None,
        )
    }

    /// R-AAAA's first referral moves on from pending (to `next`, if any).
    fn move_on(
        store: &Store,
        to: ReferralStatus,
        next: Option<&Referral>,
        now: Timestamp,
        wait: bool,
    ) -> Result<(), StoreError> {
        store.change_referral(&ReferralChange {
            code: "R-AAAA",
            attempt: 0,
            expected: ReferralStatus::Pending,
            to,
            reason: (to == ReferralStatus::Declined).then_some(DeclineReason::NoCapacity),
            next,
            notify: &[],
            now,
            wait,
        })
    }

    fn codes(found: &[(String, u16, Referral)]) -> Vec<(&str, u16)> {
        found.iter().map(|(c, a, _)| (c.as_str(), *a)).collect()
    }

    #[test]
    fn an_entry_names_its_request_and_attempt_and_sorts_by_time() {
        let early = key(at(1_000), "R-ZZZZ", 3);
        let late = key(at(2_000), "R-AAAA", 0);
        assert!(early < late, "time first, whatever the code");
        assert_eq!(parse(&early), Some(("R-ZZZZ".to_string(), 3)));
        let attempt_with_sep_byte = key(at(1_000), "R-ZZZZ", 0x00FF);
        assert_eq!(
            parse(&attempt_with_sep_byte),
            Some(("R-ZZZZ".to_string(), 255))
        );
        assert_eq!(parse(b"short"), None);
    }

    #[test]
    fn a_pending_referral_is_overdue_from_its_answer_by_time_until_it_moves_on() -> TestResult {
        let store = Store::temporary()?;
        submit(&store, "R-AAAA", 100)?;
        submit(&store, "R-BBBB", 100_000)?;
        assert!(store.overdue_referrals(at(100 + 86_399))?.is_empty());
        assert_eq!(
            codes(&store.overdue_referrals(at(100 + 86_400))?),
            vec![("R-AAAA", 0)]
        );
        assert_eq!(
            codes(&store.overdue_referrals(at(100 + 86_401))?),
            vec![("R-AAAA", 0)],
            "found again while it is still pending (moving it on may have failed)"
        );
        // Passed on to the next organization: the first attempt's entry goes at the next
        // look, and the second attempt comes due at its own time.
        let next = pending("b", 100 + 86_400);
        move_on(
            &store,
            ReferralStatus::Expired,
            Some(&next),
            at(100 + 86_400),
            false,
        )?;
        assert!(store.overdue_referrals(at(100 + 86_400))?.is_empty());
        assert_eq!(
            store.deadline_entries(),
            2,
            "R-AAAA's second attempt and R-BBBB"
        );
        assert_eq!(
            codes(&store.overdue_referrals(at(100 + 2 * 86_400))?),
            vec![("R-AAAA", 1)]
        );
        assert_eq!(
            codes(&store.overdue_referrals(at(100_000 + 86_400))?),
            vec![("R-AAAA", 1), ("R-BBBB", 0)],
            "earliest first"
        );
        Ok(())
    }

    #[test]
    fn an_answered_referral_is_never_overdue_and_its_entry_is_tidied() -> TestResult {
        let store = Store::temporary()?;
        submit(&store, "R-AAAA", 100)?;
        move_on(&store, ReferralStatus::Declined, None, at(200), false)?;
        assert_eq!(store.deadline_entries(), 0, "removed with the answer");
        assert!(store.overdue_referrals(at(1_000_000))?.is_empty());
        Ok(())
    }

    #[test]
    fn an_entry_left_behind_is_dropped_when_due() -> TestResult {
        let store = Store::temporary()?;
        submit(&store, "R-AAAA", 100)?;
        // As if a crash had kept an entry whose referral was answered meanwhile.
        store
            .respondby_refcode
            .insert(key(at(150), "R-AAAA", 7), &[])?;
        assert_eq!(store.deadline_entries(), 2);
        assert!(store.overdue_referrals(at(200))?.is_empty());
        assert_eq!(
            store.deadline_entries(),
            1,
            "only the pending referral's own"
        );
        Ok(())
    }

    #[test]
    fn a_postponed_referral_comes_due_at_its_new_time_not_the_old_one() -> TestResult {
        let store = Store::temporary()?;
        submit(&store, "R-AAAA", 100)?;
        let later = at(100 + 3 * 86_400);
        assert_eq!(
            store.postpone_answer_by("R-AAAA", 0, "a", later)?,
            Some(later)
        );
        assert!(store.overdue_referrals(at(100 + 86_400))?.is_empty());
        assert!(store.overdue_referrals(later.plus_secs(-1))?.is_empty());
        assert_eq!(codes(&store.overdue_referrals(later)?), vec![("R-AAAA", 0)]);
        assert_eq!(store.deadline_entries(), 1, "moved, not doubled");
        Ok(())
    }

    #[test]
    fn a_request_passed_on_after_waiting_for_her_comes_due_too() -> TestResult {
        let store = Store::temporary()?;
        submit(&store, "R-AAAA", 100)?;
        move_on(&store, ReferralStatus::Declined, None, at(200), true)?;
        let next = pending("b", 300);
        assert!(store.resume_request("R-AAAA", Some((1, &next)), &[], at(300))?);
        assert_eq!(
            codes(&store.overdue_referrals(at(300 + 86_400))?),
            vec![("R-AAAA", 1)]
        );
        Ok(())
    }

    #[test]
    fn a_store_of_version_7_gets_an_entry_for_every_pending_referral() -> TestResult {
        crate::storage::private_files();
        let dir = crate::storage::private_tempdir()?;
        {
            let store = Store::open(dir.path())?;
            submit(&store, "R-AAAA", 100)?;
            submit(&store, "R-BBBB", 200)?;
            store.respondby_refcode.clear()?;
            store.meta.insert(SCHEMA_KEY, &7u32.to_be_bytes())?;
            store.db.flush()?;
        }
        let store = Store::open_waiting(dir.path(), std::time::Duration::from_secs(5))?;
        assert_eq!(store.deadline_entries(), 2);
        assert_eq!(
            codes(&store.overdue_referrals(at(200 + 86_400))?),
            vec![("R-AAAA", 0), ("R-BBBB", 0)]
        );
        Ok(())
    }
}
