//! Changing a referral and everything that follows from it — the next organization's
//! referral, the notices to send — in one transaction, so that nobody is told of a change
//! that was not stored, and no change is stored without its notices.

use sled::Transactional;
use sled::transaction::{ConflictableTransactionError, TransactionError};

use super::records::{ReferralRecord, RequestRecord, WaitingRecord};
use super::requests::{referral_key, referral_record, status_code, status_of};
use super::{OutboxEntry, Store, StoreError, corrupt};
use crate::domain::monitoring;
use crate::domain::{DeclineReason, Referral, ReferralStatus, Timestamp};

/// A change of a request's latest referral.
#[derive(Debug, Clone)]
pub struct ReferralChange<'a> {
    pub code: &'a str,
    /// The attempt being changed: it must still be the latest, in status `expected`.
    pub attempt: u16,
    pub expected: ReferralStatus,
    pub to: ReferralStatus,
    pub reason: Option<DeclineReason>,
    /// The organization the request is offered to next, if it goes on.
    pub next: Option<&'a Referral>,
    pub notify: &'a [OutboxEntry],
    pub now: Timestamp,
    /// Nothing goes on: the request waits for the requester to say whether to pass it on.
    pub wait: bool,
}

/// A request waiting for its requester to say whether to pass it on.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Waiting {
    pub since: Timestamp,
    /// Whether she was reminded.
    pub reminded: bool,
}

type TxError = ConflictableTransactionError<StoreError>;

fn abort(e: StoreError) -> TxError {
    ConflictableTransactionError::Abort(e)
}

/// Whether an organization answered (accepted or declined) an earlier attempt of a request.
fn answered_before(
    referrals: &sled::transaction::TransactionalTree,
    code: &str,
    attempt: u16,
) -> Result<bool, TxError> {
    for earlier in 0..attempt {
        if let Some(bytes) = referrals.get(referral_key(code, earlier))?
            && let Ok(record) = serde_json::from_slice::<ReferralRecord>(&bytes)
            && !matches!(
                record.status.as_str(),
                "pending" | "expired" | "lapsed" | "withdrawn"
            )
        {
            return Ok(true);
        }
    }
    Ok(false)
}

impl Store {
    /// The latest referral of a request, with its attempt number.
    pub fn latest_referral(&self, code: &str) -> Result<Option<(u16, Referral)>, StoreError> {
        Ok(self.referrals(code)?.into_iter().next_back())
    }

    /// Applies a change. `StoreError::Stale` if the referral moved on meanwhile (another
    /// staff member acted, the requester withdrew): nothing is written then.
    pub fn change_referral(&self, change: &ReferralChange<'_>) -> Result<(), StoreError> {
        let _writing = self.gate.shared();
        let outbox = self.outbox_records(change.notify, change.now)?;
        let key = referral_key(change.code, change.attempt);
        let next_key = referral_key(change.code, change.attempt + 1);
        let next = change
            .next
            .map(|r| serde_json::to_vec(&referral_record(r)).map_err(corrupt("refcode_referral")))
            .transpose()?;
        let waiting = serde_json::to_vec(&WaitingRecord {
            since: change.now.secs(),
            reminded: false,
        })
        .map_err(corrupt("refcode_waiting"))?;
        // The request's age (it never changes) for the monitoring's time histograms.
        let created_at = match self.refcode_request.get(change.code.as_bytes())? {
            Some(bytes) => serde_json::from_slice::<RequestRecord>(&bytes)
                .map(|r| r.created_at)
                .unwrap_or(change.now.secs()),
            None => change.now.secs(),
        };
        let hours = (change.now.secs() - created_at).max(0) as f64 / 3600.0;
        let month = monitoring::month_of(change.now);
        (
            &*self.refcode_referral,
            &*self.orgid_refcode,
            &*self.orgid_opencount,
            &*self.seq_outbox,
            &*self.refcode_waiting,
            &*self.month_metric_count,
            &*self.respondby_refcode,
        )
            .transaction(|(referrals, open, opened, queue, wait, counts, due)| {
                let bytes = referrals.get(&key)?.ok_or(abort(StoreError::NotFound))?;
                if referrals.get(&next_key)?.is_some() {
                    return Err(abort(StoreError::Stale));
                }
                let mut record: ReferralRecord = serde_json::from_slice(&bytes)
                    .map_err(|e| abort(corrupt("refcode_referral")(e)))?;
                if status_of(&record).map_err(abort)? != change.expected {
                    return Err(abort(StoreError::Stale));
                }
                if change.expected == ReferralStatus::Pending
                    && change.to != ReferralStatus::Pending
                {
                    super::deadlines::answered(
                        due,
                        change.code,
                        change.attempt,
                        record.respond_by,
                    )?;
                }
                let (status, outcome) = status_code(change.to);
                record.status = status.to_string();
                record.outcome = outcome.map(str::to_string);
                record.reason = change.reason.map(|r| r.code().to_string());
                record.updated_at = change.now.secs();
                let bytes = serde_json::to_vec(&record)
                    .map_err(|e| abort(corrupt("refcode_referral")(e)))?;
                referrals.insert(key.as_slice(), bytes)?;
                if !change.to.is_open() {
                    super::open::close(open, opened, &record.org, change.code)?;
                }
                if let (Some(bytes), Some(next)) = (&next, change.next) {
                    referrals.insert(next_key.as_slice(), bytes.as_slice())?;
                    super::open::open(open, opened, &next.org, change.code)?;
                    super::deadlines::offered(due, change.code, change.attempt + 1, next)?;
                }
                if change.wait {
                    wait.insert(change.code.as_bytes(), waiting.as_slice())?;
                }
                super::outbox::queue_in(queue, &outbox)?;
                let mut counted = match change.to {
                    ReferralStatus::Accepted | ReferralStatus::Declined
                        if !answered_before(referrals, change.code, change.attempt)? =>
                    {
                        monitoring::help_first_answer(hours)
                    }
                    ReferralStatus::Closed(outcome) => {
                        monitoring::help_closed(outcome.code(), hours)
                    }
                    _ => Vec::new(),
                };
                counted.extend(monitoring::org_referral(&record.org, change.to));
                super::monitoring::tally(counts, &month, &counted, 1)?;
                Ok(())
            })
            .map_err(|e: TransactionError<StoreError>| e.into())
    }

    /// Applies an action to the organization's latest referral of a request, in one
    /// transaction; illegal moves are refused and change nothing. The bot goes through
    /// `change_referral` (with its notices and the next organization); this is for tests.
    #[cfg(test)]
    pub fn act_on_referral(
        &self,
        code: &str,
        org: &str,
        action: crate::domain::Action,
    ) -> Result<crate::domain::Transition, StoreError> {
        use crate::domain::Transition;
        use crate::domain::referral::apply;
        let (attempt, referral) = self
            .referrals(code)?
            .into_iter()
            .rev()
            .find(|(_, r)| r.org == org)
            .ok_or(StoreError::NotFound)?;
        let transition = apply(referral.status, action)?;
        if let Transition::Changed(to) = transition {
            self.change_referral(&ReferralChange {
                code,
                attempt,
                expected: referral.status,
                to,
                reason: None,
                next: None,
                notify: &[],
                now: referral.offered_at,
                wait: false,
            })?;
        }
        Ok(transition)
    }

    /// Whether a request waits for its requester's answer, and since when.
    pub fn waiting(&self, code: &str) -> Result<Option<Waiting>, StoreError> {
        self.refcode_waiting
            .get(code.as_bytes())?
            .map(|bytes| {
                let r: WaitingRecord =
                    serde_json::from_slice(&bytes).map_err(corrupt("refcode_waiting"))?;
                Ok(Waiting {
                    since: Timestamp::from_secs(r.since),
                    reminded: r.reminded,
                })
            })
            .transpose()
    }

    /// Every request waiting for its requester's answer.
    pub fn waiting_requests(&self) -> Result<Vec<(String, Waiting)>, StoreError> {
        let mut out = Vec::new();
        for key in self.refcode_waiting.iter().keys() {
            let code = String::from_utf8_lossy(&key?).into_owned();
            match self.waiting(&code) {
                Ok(Some(w)) => out.push((code, w)),
                Ok(None) => {}
                Err(_) => {
                    self.quarantine(&self.refcode_waiting, "refcode_waiting", code.as_bytes())?
                }
            }
        }
        Ok(out)
    }

    /// Records that she was reminded, with the reminder — one transaction; `false` if it no
    /// longer waits.
    pub fn remind_waiting(
        &self,
        code: &str,
        notify: &[OutboxEntry],
        now: Timestamp,
    ) -> Result<bool, StoreError> {
        let _writing = self.gate.shared();
        let outbox = self.outbox_records(notify, now)?;
        (&*self.refcode_waiting, &*self.seq_outbox)
            .transaction(|(wait, queue)| {
                let Some(bytes) = wait.get(code.as_bytes())? else {
                    return Ok(false);
                };
                let mut record: WaitingRecord = serde_json::from_slice(&bytes)
                    .map_err(|e| abort(corrupt("refcode_waiting")(e)))?;
                record.reminded = true;
                let bytes = serde_json::to_vec(&record)
                    .map_err(|e| abort(corrupt("refcode_waiting")(e)))?;
                wait.insert(code.as_bytes(), bytes)?;
                super::outbox::queue_in(queue, &outbox)?;
                Ok(true)
            })
            .map_err(|e: TransactionError<StoreError>| e.into())
    }

    /// She said to pass it on: the waiting ends and, if an organization was found, its
    /// referral (attempt `attempt`) is made — with the notices, one transaction. `false` if
    /// it no longer waits (answered already).
    pub fn resume_request(
        &self,
        code: &str,
        next: Option<(u16, &Referral)>,
        notify: &[OutboxEntry],
        now: Timestamp,
    ) -> Result<bool, StoreError> {
        let _writing = self.gate.shared();
        let outbox = self.outbox_records(notify, now)?;
        let next = next
            .map(|(attempt, r)| {
                Ok::<_, StoreError>((
                    referral_key(code, attempt),
                    attempt,
                    r,
                    serde_json::to_vec(&referral_record(r)).map_err(corrupt("refcode_referral"))?,
                ))
            })
            .transpose()?;
        (
            &*self.refcode_waiting,
            &*self.refcode_referral,
            &*self.orgid_refcode,
            &*self.orgid_opencount,
            &*self.seq_outbox,
            &*self.respondby_refcode,
        )
            .transaction(|(wait, referrals, open, opened, queue, due)| {
                if wait.remove(code.as_bytes())?.is_none() {
                    return Ok(false);
                }
                if let Some((key, attempt, referral, bytes)) = &next {
                    if referrals.get(key.as_slice())?.is_some() {
                        return Err(abort(StoreError::Stale));
                    }
                    referrals.insert(key.as_slice(), bytes.as_slice())?;
                    super::open::open(open, opened, &referral.org, code)?;
                    super::deadlines::offered(due, code, *attempt, referral)?;
                }
                super::outbox::queue_in(queue, &outbox)?;
                Ok(true)
            })
            .map_err(|e: TransactionError<StoreError>| e.into())
    }

    /// The waiting ends without passing it on: the request is withdrawn (she said so, or did
    /// not answer in time) — with the notices, one transaction. `false` if it no longer waits.
    pub fn end_waiting(
        &self,
        code: &str,
        notify: &[OutboxEntry],
        now: Timestamp,
    ) -> Result<bool, StoreError> {
        let _writing = self.gate.shared();
        let outbox = self.outbox_records(notify, now)?;
        (
            &*self.refcode_waiting,
            &*self.refcode_request,
            &*self.seq_outbox,
        )
            .transaction(|(wait, requests, queue)| {
                if wait.remove(code.as_bytes())?.is_none() {
                    return Ok(false);
                }
                if let Some(bytes) = requests.get(code.as_bytes())? {
                    let mut record: RequestRecord = serde_json::from_slice(&bytes)
                        .map_err(|e| abort(corrupt("refcode_request")(e)))?;
                    record.withdrawn = true;
                    let bytes = serde_json::to_vec(&record)
                        .map_err(|e| abort(corrupt("refcode_request")(e)))?;
                    requests.insert(code.as_bytes(), bytes)?;
                }
                super::outbox::queue_in(queue, &outbox)?;
                Ok(true)
            })
            .map_err(|e: TransactionError<StoreError>| e.into())
    }

    /// Whether she withdrew a request that no organization had.
    pub fn is_withdrawn(&self, code: &str) -> Result<bool, StoreError> {
        let Some(bytes) = self.refcode_request.get(code.as_bytes())? else {
            return Ok(false);
        };
        let record: RequestRecord =
            serde_json::from_slice(&bytes).map_err(corrupt("refcode_request"))?;
        Ok(record.withdrawn)
    }

    /// Moves a pending referral's answer-by time to `until` if that is later (never earlier),
    /// as one compare-and-swap: a change made meanwhile (she withdrew, staff accepted) wins.
    /// Returns the answer-by time now stored; `None` if the referral is no longer `org`'s
    /// pending one.
    pub fn postpone_answer_by(
        &self,
        code: &str,
        attempt: u16,
        org: &str,
        until: Timestamp,
    ) -> Result<Option<Timestamp>, StoreError> {
        let _writing = self.gate.shared();
        let key = referral_key(code, attempt);
        loop {
            let Some(old) = self.refcode_referral.get(&key)? else {
                return Ok(None);
            };
            let mut record: ReferralRecord =
                serde_json::from_slice(&old).map_err(corrupt("refcode_referral"))?;
            if record.org != org || status_of(&record)? != ReferralStatus::Pending {
                return Ok(None);
            }
            if record.respond_by >= until.secs() {
                return Ok(Some(Timestamp::from_secs(record.respond_by)));
            }
            let before = Timestamp::from_secs(record.respond_by);
            record.respond_by = until.secs();
            let new = serde_json::to_vec(&record).map_err(corrupt("refcode_referral"))?;
            if self
                .refcode_referral
                .compare_and_swap(&key, Some(old), Some(new))?
                .is_ok()
            {
                self.postponed(code, attempt, before, until)?;
                return Ok(Some(until));
            }
        }
    }
}

#[cfg(test)]
pub(super) mod tests {
    use super::*;
    use crate::domain::{ContactChoice, HelpKind, HelpRequest};

    type TestResult = Result<(), Box<dyn std::error::Error>>;

    /// A help request, for the store's tests.
    pub(in crate::storage) fn request() -> HelpRequest {
        HelpRequest {
            topic: "crsv".into(),
            region: "UA-12".into(),
            kind: HelpKind::Legal,
            description: None,
            contact: ContactChoice::ThroughBot,
            requester_chat: 5,
            created_at: Timestamp::from_secs(100),
            on_decline: crate::domain::OnDecline::PassOn,
            follow_up: true,
        }
    }

    /// A pending referral offered at `at` (seconds), for the store's tests.
    pub(in crate::storage) fn pending(org: &str, at: i64) -> Referral {
        Referral {
            org: org.into(),
            status: ReferralStatus::Pending,
            offered_at: Timestamp::from_secs(at),
            respond_by: Timestamp::from_secs(at + 86_400),
        }
    }

    fn note() -> OutboxEntry {
        OutboxEntry::text(9, "x")
    }

    #[test]
    fn a_decline_moves_the_request_on_with_its_notices_at_once() -> TestResult {
        let store = Store::temporary()?;
        store.submit_request(
            "R-AAAA",
            &request(),
            Some(&pending("a", 100)),
            &[],
            Timestamp::default(),
            None,
        )?;
        let next = pending("b", 200);
        store.change_referral(&ReferralChange {
            code: "R-AAAA",
            attempt: 0,
            expected: ReferralStatus::Pending,
            to: ReferralStatus::Declined,
            reason: Some(DeclineReason::NoCapacity),
            next: Some(&next),
            notify: &[note(), note()],
            now: Timestamp::from_secs(200),
            wait: false,
        })?;
        let all = store.referrals("R-AAAA")?;
        assert_eq!(all.len(), 2);
        assert_eq!(all[0].1.status, ReferralStatus::Declined);
        assert_eq!(all[1], (1, next));
        assert_eq!(store.open_referrals_of("a")?, Vec::<String>::new());
        assert_eq!(store.open_referrals_of("b")?, vec!["R-AAAA".to_string()]);
        assert_eq!(store.due(Timestamp::NEVER, 10)?.len(), 2);
        Ok(())
    }

    #[test]
    fn a_change_on_a_moved_referral_is_stale_and_writes_nothing() -> TestResult {
        let store = Store::temporary()?;
        store.submit_request(
            "R-AAAA",
            &request(),
            Some(&pending("a", 100)),
            &[],
            Timestamp::default(),
            None,
        )?;
        let accept = ReferralChange {
            code: "R-AAAA",
            attempt: 0,
            expected: ReferralStatus::Pending,
            to: ReferralStatus::Accepted,
            reason: None,
            next: None,
            notify: &[],
            now: Timestamp::from_secs(150),
            wait: false,
        };
        store.change_referral(&accept)?;
        let late_decline = ReferralChange {
            to: ReferralStatus::Declined,
            notify: &[note()],
            ..accept.clone()
        };
        assert!(matches!(
            store.change_referral(&late_decline),
            Err(StoreError::Stale)
        ));
        assert_eq!(
            store.outbox_len(),
            0,
            "no notice of a change that did not happen"
        );
        assert_eq!(
            store.latest_referral("R-AAAA")?.map(|(_, r)| r.status),
            Some(ReferralStatus::Accepted)
        );
        Ok(())
    }

    #[test]
    fn only_pending_referrals_past_their_time_are_overdue() -> TestResult {
        let store = Store::temporary()?;
        store.submit_request(
            "R-AAAA",
            &request(),
            Some(&pending("a", 100)),
            &[],
            Timestamp::default(),
            None,
        )?;
        store.submit_request(
            "R-CCCC",
            &request(),
            Some(&pending("a", 100_000)),
            &[],
            Timestamp::default(),
            None,
        )?;
        assert!(
            store
                .overdue_referrals(Timestamp::from_secs(100 + 86_399))?
                .is_empty()
        );
        let overdue = store.overdue_referrals(Timestamp::from_secs(100 + 86_400))?;
        assert_eq!(overdue.len(), 1);
        assert_eq!((overdue[0].0.as_str(), overdue[0].1), ("R-AAAA", 0));
        Ok(())
    }
}
