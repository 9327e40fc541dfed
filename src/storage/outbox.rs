//! The persisted outbox: every notification and relayed message is written here (in the same
//! transaction as the change that causes it) before anyone is told, and a worker delivers it.
//! A message leaves the outbox only once Telegram accepted it or it can never be delivered,
//! so a crash or restart resumes where delivery stopped. The payload — recipient and text —
//! is sealed; only the schedule is plain.
//!
//! Tree `seq_outbox`: id (u64 big-endian, increasing) → `OutboxRecord` (JSON).

use serde::{Deserialize, Serialize};

use super::{Store, StoreError};

fn corrupt_outbox(e: serde_json::Error) -> StoreError {
    super::corrupt("seq_outbox")(e)
}

/// A message to deliver. `keyboard_json` is the bot layer's serialized reply markup.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct OutboxMessage {
    pub chat_id: i64,
    pub html: String,
    pub keyboard_json: Option<String>,
    pub protect_content: bool,
    /// A message to copy (chat id, message id) instead of sending `html`, which then becomes
    /// its caption: a photo or document the requester relays.
    #[serde(default)]
    pub copy_from: Option<(i64, i32)>,
}

impl OutboxMessage {
    /// A text message that Telegram will not let the recipient forward or save — what every
    /// notice and relayed message is.
    pub fn protected(chat_id: i64, html: impl Into<String>) -> OutboxMessage {
        OutboxMessage {
            chat_id,
            html: html.into(),
            keyboard_json: None,
            protect_content: true,
            copy_from: None,
        }
    }
}

/// A message waiting in the outbox.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Pending {
    pub id: u64,
    pub message: OutboxMessage,
    pub attempts: u32,
    pub not_before_ms: i64,
}

#[derive(Serialize, Deserialize)]
struct OutboxRecord {
    attempts: u32,
    not_before_ms: i64,
    sealed: Vec<u8>,
}

fn place(id: u64) -> Vec<u8> {
    let mut place = b"seq_outbox/".to_vec();
    place.extend_from_slice(&id.to_be_bytes());
    place
}

impl Store {
    /// Seals messages into outbox records under fresh ids, ready to insert in a transaction.
    pub(super) fn outbox_records(
        &self,
        messages: &[OutboxMessage],
        now_ms: i64,
    ) -> Result<Vec<(u64, Vec<u8>)>, StoreError> {
        messages
            .iter()
            .map(|m| {
                let id = self.db.generate_id()?;
                let payload = serde_json::to_vec(m).map_err(corrupt_outbox)?;
                let record = OutboxRecord {
                    attempts: 0,
                    not_before_ms: now_ms,
                    sealed: self.sealer.seal(&payload, &place(id))?,
                };
                Ok((id, serde_json::to_vec(&record).map_err(corrupt_outbox)?))
            })
            .collect()
    }

    /// Queues messages on their own (one transaction). The caller flushes.
    pub fn enqueue(&self, messages: &[OutboxMessage], now_ms: i64) -> Result<Vec<u64>, StoreError> {
        let records = self.outbox_records(messages, now_ms)?;
        let mut batch = sled::Batch::default();
        for (id, bytes) in &records {
            batch.insert(&id.to_be_bytes(), bytes.as_slice());
        }
        self.seq_outbox.apply_batch(batch)?;
        Ok(records.into_iter().map(|(id, _)| id).collect())
    }

    fn read_pending(&self, key: &[u8], value: &[u8]) -> Result<Pending, StoreError> {
        let id = u64::from_be_bytes(key.try_into().map_err(|_| StoreError::Corrupt {
            tree: "seq_outbox",
            reason: "key is not a u64".into(),
        })?);
        let record: OutboxRecord = serde_json::from_slice(value).map_err(corrupt_outbox)?;
        let payload = self.sealer.open(&record.sealed, &place(id))?;
        let message = serde_json::from_slice(&payload).map_err(corrupt_outbox)?;
        Ok(Pending {
            id,
            message,
            attempts: record.attempts,
            not_before_ms: record.not_before_ms,
        })
    }

    /// Messages due at `now_ms`, oldest first, at most `limit`, leaving out (without opening
    /// them) the ids `skip` names — those a delivery task already holds.
    pub fn due_except(
        &self,
        now_ms: i64,
        limit: usize,
        skip: impl Fn(u64) -> bool,
    ) -> Result<Vec<Pending>, StoreError> {
        let mut out = Vec::new();
        for item in self.seq_outbox.iter() {
            let (key, value) = item?;
            let id = <[u8; 8]>::try_from(key.as_ref()).map(u64::from_be_bytes);
            if id.is_ok_and(&skip) {
                continue;
            }
            let record: OutboxRecord = serde_json::from_slice(&value).map_err(corrupt_outbox)?;
            if record.not_before_ms <= now_ms {
                out.push(self.read_pending(&key, &value)?);
                if out.len() == limit {
                    break;
                }
            }
        }
        Ok(out)
    }

    /// Messages due at `now_ms`, oldest first, at most `limit`.
    pub fn due(&self, now_ms: i64, limit: usize) -> Result<Vec<Pending>, StoreError> {
        self.due_except(now_ms, limit, |_| false)
    }

    /// When the next message is due, if any is waiting. (The worker works it out from what it
    /// reads anyway; this is for tests.)
    #[cfg(test)]
    pub fn next_due_ms(&self) -> Result<Option<i64>, StoreError> {
        let mut next: Option<i64> = None;
        for value in self.seq_outbox.iter().values() {
            let record: OutboxRecord = serde_json::from_slice(&value?).map_err(corrupt_outbox)?;
            next = Some(next.map_or(record.not_before_ms, |n| n.min(record.not_before_ms)));
        }
        Ok(next)
    }

    /// Removes a message: delivered, or never deliverable.
    pub fn outbox_done(&self, id: u64) -> Result<(), StoreError> {
        self.seq_outbox.remove(id.to_be_bytes())?;
        Ok(())
    }

    /// Puts a message back with another attempt counted, not before `not_before_ms`.
    pub fn outbox_retry(
        &self,
        id: u64,
        attempts: u32,
        not_before_ms: i64,
    ) -> Result<(), StoreError> {
        let key = id.to_be_bytes();
        if let Some(value) = self.seq_outbox.get(key)? {
            let mut record: OutboxRecord =
                serde_json::from_slice(&value).map_err(corrupt_outbox)?;
            record.attempts = attempts;
            record.not_before_ms = not_before_ms;
            self.seq_outbox
                .insert(key, serde_json::to_vec(&record).map_err(corrupt_outbox)?)?;
        }
        Ok(())
    }

    pub fn outbox_len(&self) -> usize {
        self.seq_outbox.len()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    type TestResult = Result<(), Box<dyn std::error::Error>>;

    fn message(chat: i64, text: &str) -> OutboxMessage {
        OutboxMessage::protected(chat, text)
    }

    #[test]
    fn messages_wait_in_order_until_done() -> TestResult {
        let store = Store::temporary()?;
        let ids = store.enqueue(&[message(1, "first"), message(2, "second")], 1_000)?;
        assert!(store.due(999, 10)?.is_empty());
        let due = store.due(1_000, 10)?;
        assert_eq!(
            due.iter()
                .map(|p| p.message.html.as_str())
                .collect::<Vec<_>>(),
            vec!["first", "second"]
        );
        store.outbox_retry(ids[0], 1, 5_000)?;
        assert_eq!(store.due(1_000, 10)?.len(), 1);
        assert_eq!(store.next_due_ms()?, Some(1_000));
        store.outbox_done(ids[1])?;
        assert_eq!(store.next_due_ms()?, Some(5_000));
        let again = store.due(5_000, 10)?;
        assert_eq!((again[0].attempts, again[0].message.chat_id), (1, 1));
        store.outbox_done(ids[0])?;
        assert_eq!(store.outbox_len(), 0);
        Ok(())
    }

    #[test]
    fn pending_messages_survive_a_restart_sealed() -> TestResult {
        let dir = tempfile::tempdir()?;
        {
            let store = Store::open(dir.path())?;
            store.enqueue(&[message(0x0077_7777_7777, "CANARY-OUTBOX-TEXT")], 0)?;
            store.flush_blocking()?;
        }
        super::super::assert_not_on_disk(dir.path(), &[b"CANARY-OUTBOX-TEXT"], None);
        let store = Store::open_waiting(dir.path(), std::time::Duration::from_secs(5))?;
        assert_eq!(store.due(0, 10)?[0].message.html, "CANARY-OUTBOX-TEXT");
        Ok(())
    }
}
