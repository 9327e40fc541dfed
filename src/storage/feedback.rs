//! Questions after a cooperation, and the ratings organizations received. An entry lives
//! from when the question is scheduled until it is answered (or its request is deleted);
//! the answer itself is kept only as a count or as the organization's rating total.
//! Comments are never stored: they go to the coordinators through the outbox.
//!
//! Trees:
//! - `codeside_feedback`: code ("E-7K3Q" / "R-7K3Q"), 0xFF, side ("r", "o", "h") →
//!   `FeedbackRecord` (JSON; the chat to ask sealed inside it)
//! - `orgid_ratings`:     org id → `RatingsRecord` (JSON: count and sum of requesters' ratings)

use serde::{Deserialize, Serialize};
use sled::Transactional;

use super::{Store, StoreError, corrupt, index_key};
use crate::domain::Timestamp;
use crate::domain::feedback::{Rating, Ratings, Side};

/// A record ready to insert: key and value.
type KeyValue = (Vec<u8>, Vec<u8>);

#[derive(Serialize, Deserialize)]
struct FeedbackRecord {
    org: String,
    /// The chat to ask (sealed); empty for the organization's side (its staff are asked).
    #[serde(with = "super::bytes::text")]
    chat: Vec<u8>,
    due_ms: i64,
    /// How many times the question was sent.
    asked: u8,
}

#[derive(Serialize, Deserialize, Default)]
struct RatingsRecord {
    count: u32,
    sum: u32,
}

/// A question to schedule.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FeedbackAsk {
    pub code: String,
    pub side: Side,
    pub org: String,
    /// The person to ask; `None` for the organization's side.
    pub chat: Option<i64>,
    pub due: Timestamp,
    /// How many times it was asked already.
    pub asked: u8,
}

fn key(code: &str, side: Side) -> Vec<u8> {
    index_key(code, side.code())
}

fn place(key: &[u8]) -> Vec<u8> {
    let mut place = b"codeside_feedback/".to_vec();
    place.extend_from_slice(key);
    place
}

impl Store {
    /// The records for questions, ready to insert in a transaction.
    pub(super) fn feedback_records(
        &self,
        asks: &[FeedbackAsk],
    ) -> Result<Vec<KeyValue>, StoreError> {
        asks.iter()
            .map(|ask| {
                let key = key(&ask.code, ask.side);
                let chat = match ask.chat {
                    Some(chat) => self.sealer.seal(&chat.to_be_bytes(), &place(&key))?,
                    None => Vec::new(),
                };
                let record = FeedbackRecord {
                    org: ask.org.clone(),
                    chat,
                    due_ms: ask.due.millis(),
                    asked: ask.asked,
                };
                let bytes = serde_json::to_vec(&record).map_err(corrupt("codeside_feedback"))?;
                Ok((key, bytes))
            })
            .collect()
    }

    /// Schedules questions on their own (a help request that was closed). The caller flushes.
    pub fn schedule_feedback(&self, asks: &[FeedbackAsk]) -> Result<(), StoreError> {
        let mut batch = sled::Batch::default();
        for (key, value) in self.feedback_records(asks)? {
            batch.insert(key, value);
        }
        self.codeside_feedback.apply_batch(batch)?;
        Ok(())
    }

    fn read_ask(&self, key: &[u8], value: &[u8]) -> Result<FeedbackAsk, StoreError> {
        let record: FeedbackRecord =
            serde_json::from_slice(value).map_err(corrupt("codeside_feedback"))?;
        let bad = || StoreError::Corrupt {
            tree: "codeside_feedback",
            reason: "key".into(),
        };
        let split = key.iter().position(|b| *b == super::SEP).ok_or_else(bad)?;
        let code = String::from_utf8_lossy(&key[..split]).into_owned();
        let side = Side::from_code(&String::from_utf8_lossy(&key[split + 1..])).ok_or_else(bad)?;
        let chat = if record.chat.is_empty() {
            None
        } else {
            let bytes = self.sealer.open(&record.chat, &place(key))?;
            let bytes: [u8; 8] = bytes.as_slice().try_into().map_err(|_| bad())?;
            Some(i64::from_be_bytes(bytes))
        };
        Ok(FeedbackAsk {
            code,
            side,
            org: record.org,
            chat,
            due: Timestamp::from_millis(record.due_ms),
            asked: record.asked,
        })
    }

    /// The question still open for one side of a request, if any.
    pub fn pending_feedback(
        &self,
        code: &str,
        side: Side,
    ) -> Result<Option<FeedbackAsk>, StoreError> {
        let key = key(code, side);
        self.codeside_feedback
            .get(&key)?
            .map(|value| self.read_ask(&key, &value))
            .transpose()
    }

    /// Every question due by `now`.
    pub fn due_feedback(&self, now: Timestamp) -> Result<Vec<FeedbackAsk>, StoreError> {
        let mut out = Vec::new();
        for item in self.codeside_feedback.iter() {
            let (key, value) = item?;
            // Runs every minute: open the sealed chat only of the questions that are due.
            let due =
                serde_json::from_slice::<FeedbackRecord>(&value).map(|r| r.due_ms <= now.millis());
            match due.map(|due| due.then(|| self.read_ask(&key, &value))) {
                Ok(None) => {}
                Ok(Some(Ok(ask))) => out.push(ask),
                Ok(Some(Err(_))) | Err(_) => {
                    self.quarantine(&self.codeside_feedback, "codeside_feedback", &key)?;
                }
            }
        }
        Ok(out)
    }

    /// Records that a question was sent, with the notices that carry it; `remind_at` is
    /// when to ask once more (`None`: never). One transaction, so a question is sent once.
    pub fn feedback_asked(
        &self,
        ask: &FeedbackAsk,
        remind_at: Option<Timestamp>,
        notify: &[super::OutboxEntry],
        now: Timestamp,
    ) -> Result<(), StoreError> {
        let _writing = self.gate.shared();
        let next = FeedbackAsk {
            asked: ask.asked.saturating_add(1),
            due: remind_at.unwrap_or(Timestamp::NEVER),
            ..ask.clone()
        };
        let records = self.feedback_records(std::slice::from_ref(&next))?;
        let outbox = self.outbox_records(notify, now)?;
        (&*self.codeside_feedback, &*self.seq_outbox)
            .transaction(|(questions, queue)| {
                for (key, value) in &records {
                    // Answered meanwhile: nothing to ask.
                    if questions.get(key)?.is_none() {
                        return Ok(());
                    }
                    questions.insert(key.as_slice(), value.as_slice())?;
                }
                super::outbox::queue_in(queue, &outbox)?;
                Ok(())
            })
            .map_err(StoreError::from)
    }

    /// Closes a question with its answer: a requester's rating is added to the
    /// organization's total, `counter` (if any) is counted, and `notify` (a comment's
    /// forwarding, say) queued — one transaction. `false` if it was answered already.
    pub fn finish_feedback(
        &self,
        code: &str,
        side: Side,
        rating: Option<(&str, Rating)>,
        counter: Option<&str>,
        notify: &[super::OutboxEntry],
        now: Timestamp,
    ) -> Result<bool, StoreError> {
        let _writing = self.gate.shared();
        let key = key(code, side);
        let counter = counter.map(|c| format!("counter/{c}"));
        let outbox = self.outbox_records(notify, now)?;
        // Monitoring: the answer by month; a training held also counts the people it reached
        // (as the requester gave the audience's size), once — from her side.
        let month = crate::domain::monitoring::month_of(now);
        let mut counted: Vec<(String, u64)> = counter
            .as_deref()
            .and_then(|c| c.strip_prefix("counter/"))
            .map(|c| vec![(format!("feedback.{c}"), 1)])
            .unwrap_or_default();
        if counter.as_deref() == Some("counter/held")
            && side == Side::Requester
            && let Some(record) = self.expert_record(code)?
        {
            counted.push(("expert.held".into(), 1));
            counted.push(("expert.people_reached".into(), u64::from(record.size)));
        }
        let done = (
            &*self.codeside_feedback,
            &*self.orgid_ratings,
            &*self.meta,
            &*self.seq_outbox,
            &*self.month_metric_count,
        )
            .transaction(|(questions, ratings, meta, queue, counts)| {
                if questions.remove(key.as_slice())?.is_none() {
                    return Ok(false);
                }
                if let Some((org, rating)) = rating {
                    let old: RatingsRecord = match ratings.get(org.as_bytes())? {
                        Some(bytes) => serde_json::from_slice(&bytes).unwrap_or_default(),
                        None => RatingsRecord::default(),
                    };
                    let new = Ratings {
                        count: old.count,
                        sum: old.sum,
                    }
                    .with(rating);
                    let record = RatingsRecord {
                        count: new.count,
                        sum: new.sum,
                    };
                    let bytes = serde_json::to_vec(&record).unwrap_or_default();
                    ratings.insert(org.as_bytes(), bytes)?;
                }
                if let Some(name) = &counter {
                    let old = meta
                        .get(name.as_bytes())?
                        .and_then(|v| v.as_ref().try_into().ok().map(u64::from_be_bytes))
                        .unwrap_or(0);
                    meta.insert(name.as_bytes(), &(old + 1).to_be_bytes())?;
                }
                super::outbox::queue_in(queue, &outbox)?;
                for (metric, by) in &counted {
                    super::monitoring::tally(counts, &month, std::slice::from_ref(metric), *by)?;
                }
                Ok(true)
            })?;
        Ok(done)
    }

    /// The ratings requesters gave an organization.
    pub fn ratings(&self, org: &str) -> Result<Ratings, StoreError> {
        let record: RatingsRecord = match self.orgid_ratings.get(org.as_bytes())? {
            Some(bytes) => serde_json::from_slice(&bytes).map_err(corrupt("orgid_ratings"))?,
            None => RatingsRecord::default(),
        };
        Ok(Ratings {
            count: record.count,
            sum: record.sum,
        })
    }

    /// The keys of a request's questions (for deleting them with the request).
    pub(super) fn feedback_keys(&self, code: &str) -> Result<Vec<Vec<u8>>, StoreError> {
        self.codeside_feedback
            .scan_prefix(index_key(code, ""))
            .keys()
            .map(|k| Ok(k?.to_vec()))
            .collect()
    }

    /// Whether a request still has a question to send (so it is not deleted yet).
    pub(super) fn feedback_to_send(&self, code: &str) -> Result<bool, StoreError> {
        for item in self.codeside_feedback.scan_prefix(index_key(code, "")) {
            let (key, value) = item?;
            if self.read_ask(&key, &value)?.due != Timestamp::NEVER {
                return Ok(true);
            }
        }
        Ok(false)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    type TestResult = Result<(), Box<dyn std::error::Error>>;

    fn ask(side: Side, chat: Option<i64>) -> FeedbackAsk {
        FeedbackAsk {
            code: "E-7K3Q".into(),
            side,
            org: "org-a".into(),
            chat,
            due: Timestamp::from_millis(1_000),
            asked: 0,
        }
    }

    #[test]
    fn a_question_is_due_asked_reminded_and_answered_once() -> TestResult {
        let store = Store::temporary()?;
        store.schedule_feedback(&[
            ask(Side::Requester, Some(77)),
            ask(Side::Organization, None),
        ])?;
        assert!(store.due_feedback(Timestamp::from_millis(999))?.is_empty());
        let due = store.due_feedback(Timestamp::from_millis(1_000))?;
        assert_eq!(due.len(), 2);
        let hers = due.iter().find(|a| a.side == Side::Requester).cloned();
        let hers = hers.ok_or("no question for her")?;
        assert_eq!(hers.chat, Some(77));
        store.feedback_asked(
            &hers,
            Some(Timestamp::from_millis(5_000)),
            &[],
            Timestamp::default(),
        )?;
        assert_eq!(
            store.due_feedback(Timestamp::from_millis(4_999))?.len(),
            1,
            "only the organization's"
        );
        let again = store.pending_feedback("E-7K3Q", Side::Requester)?;
        store.feedback_asked(&again.ok_or("gone")?, None, &[], Timestamp::default())?;
        assert!(
            store.feedback_to_send("E-7K3Q")?,
            "the organization's is still due"
        );

        let rating = Rating::new(4).ok_or("rating")?;
        assert!(store.finish_feedback(
            "E-7K3Q",
            Side::Requester,
            Some(("org-a", rating)),
            None,
            &[],
            Timestamp::default()
        )?);
        assert!(
            !store.finish_feedback(
                "E-7K3Q",
                Side::Requester,
                Some(("org-a", rating)),
                None,
                &[],
                Timestamp::default()
            )?,
            "a second answer changes nothing"
        );
        assert_eq!(store.ratings("org-a")?, Ratings { count: 1, sum: 4 });
        assert!(store.finish_feedback(
            "E-7K3Q",
            Side::Organization,
            None,
            Some("held"),
            &[],
            Timestamp::default()
        )?);
        assert_eq!(store.counter("held")?, 1);
        assert!(store.feedback_keys("E-7K3Q")?.is_empty());
        Ok(())
    }
}
