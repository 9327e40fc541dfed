//! The persisted outbox: every notice and relayed message is written here (in the same
//! transaction as the change that causes it) before anyone is told, and a worker delivers it.
//! An entry leaves the outbox only once Telegram accepted it or it can never be delivered,
//! so a crash or restart resumes where delivery stopped.
//!
//! An entry is queued as a notice the application encoded (opaque here); the adapter renders
//! it when it first tries to deliver it and writes the rendering back (`outbox_rendered`), so
//! a retry sends the very same message with the same buttons. The payload — recipient and
//! content — is sealed; only the schedule is plain.
//!
//! Tree `seq_outbox`: id (u64 big-endian, increasing) → `OutboxRecord` (JSON), whose `sealed`
//! field holds a `PayloadRecord` (JSON).

use serde::{Deserialize, Serialize};

use super::{Store, StoreError};
use crate::domain::Timestamp;

fn corrupt_outbox(e: serde_json::Error) -> StoreError {
    super::corrupt("seq_outbox")(e)
}

/// Something to deliver to one chat.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OutboxEntry {
    pub chat_id: i64,
    pub body: OutboxBody,
    /// The person whose words (or contact) it carries, if anyone's: /forget drops it.
    pub from: Option<i64>,
    /// A reply a person waits for (sent before notices), not a notice.
    pub reply: bool,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum OutboxBody {
    /// A notice as the application encoded it, rendered by the adapter when delivered.
    Notice(String),
    /// A message ready to send.
    Rendered(Rendered),
}

/// A message as the adapter rendered it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Rendered {
    /// The text (HTML) in parts that each fit one message; the reply markup goes with the last.
    pub parts: Vec<String>,
    /// The adapter's reply markup, serialized (opaque here).
    pub keyboard: Option<String>,
    /// Telegram will not let the recipient forward or save it.
    pub protect_content: bool,
    /// A message to copy (chat id, message id) instead of sending text; the first part is
    /// its caption. A photo or document the requester relays.
    pub copy_from: Option<(i64, i32)>,
    /// How many parts were delivered already.
    pub delivered: usize,
}

impl OutboxEntry {
    /// A notice to render at delivery.
    pub fn notice(chat_id: i64, encoded: String) -> OutboxEntry {
        OutboxEntry {
            chat_id,
            body: OutboxBody::Notice(encoded),
            from: None,
            reply: false,
        }
    }

    /// The same, as a reply a person waits for.
    pub fn reply(mut self) -> OutboxEntry {
        self.reply = true;
        self
    }

    /// The same, carrying the words of `person`.
    pub fn from(mut self, person: Option<i64>) -> OutboxEntry {
        self.from = person;
        self
    }

    /// A protected one-part text message, already rendered.
    pub fn text(chat_id: i64, html: impl Into<String>) -> OutboxEntry {
        OutboxEntry {
            chat_id,
            body: OutboxBody::Rendered(Rendered {
                parts: vec![html.into()],
                keyboard: None,
                protect_content: true,
                copy_from: None,
                delivered: 0,
            }),
            from: None,
            reply: false,
        }
    }
}

/// An entry waiting in the outbox.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Pending {
    pub id: u64,
    pub entry: OutboxEntry,
    pub attempts: u32,
    pub not_before: Timestamp,
}

#[derive(Serialize, Deserialize)]
struct OutboxRecord {
    attempts: u32,
    not_before_ms: i64,
    #[serde(with = "super::bytes::text")]
    sealed: Vec<u8>,
    /// A waiting reply (schema 3 records without it are notices).
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    reply: bool,
}

/// The sealed payload of an entry (schema 3).
#[derive(Serialize, Deserialize)]
enum PayloadRecord {
    #[serde(rename = "n")]
    Notice {
        chat: i64,
        notice: String,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        from: Option<i64>,
    },
    #[serde(rename = "r")]
    Rendered {
        chat: i64,
        parts: Vec<String>,
        keyboard: Option<String>,
        protect: bool,
        copy_from: Option<(i64, i32)>,
        delivered: usize,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        from: Option<i64>,
    },
}

impl From<&OutboxEntry> for PayloadRecord {
    fn from(e: &OutboxEntry) -> Self {
        match &e.body {
            OutboxBody::Notice(notice) => PayloadRecord::Notice {
                chat: e.chat_id,
                notice: notice.clone(),
                from: e.from,
            },
            OutboxBody::Rendered(r) => PayloadRecord::Rendered {
                chat: e.chat_id,
                parts: r.parts.clone(),
                keyboard: r.keyboard.clone(),
                protect: r.protect_content,
                copy_from: r.copy_from,
                delivered: r.delivered,
                from: e.from,
            },
        }
    }
}

impl From<PayloadRecord> for OutboxEntry {
    fn from(p: PayloadRecord) -> Self {
        match p {
            PayloadRecord::Notice { chat, notice, from } => {
                OutboxEntry::notice(chat, notice).from(from)
            }
            PayloadRecord::Rendered {
                chat,
                parts,
                keyboard,
                protect,
                copy_from,
                delivered,
                from,
            } => OutboxEntry {
                chat_id: chat,
                body: OutboxBody::Rendered(Rendered {
                    parts,
                    keyboard,
                    protect_content: protect,
                    copy_from,
                    delivered,
                }),
                from,
                reply: false,
            },
        }
    }
}

/// The payload schema 2 wrote: one rendered message.
#[derive(Deserialize)]
struct LegacyMessage {
    chat_id: i64,
    html: String,
    keyboard_json: Option<String>,
    protect_content: bool,
    #[serde(default)]
    copy_from: Option<(i64, i32)>,
}

fn place(id: u64) -> Vec<u8> {
    let mut place = b"seq_outbox/".to_vec();
    place.extend_from_slice(&id.to_be_bytes());
    place
}

fn id_of(key: &[u8]) -> Result<u64, StoreError> {
    Ok(u64::from_be_bytes(key.try_into().map_err(|_| {
        StoreError::Corrupt {
            tree: "seq_outbox",
            reason: "key is not a u64".into(),
        }
    })?))
}

/// Puts records made by `outbox_records` into the outbox, inside the change's transaction.
pub(crate) fn queue_in(
    queue: &sled::transaction::TransactionalTree,
    outbox: &[(u64, Vec<u8>)],
) -> Result<(), sled::transaction::ConflictableTransactionError<StoreError>> {
    for (id, bytes) in outbox {
        queue.insert(&id.to_be_bytes(), bytes.as_slice())?;
    }
    Ok(())
}

impl Store {
    fn seal_payload(&self, id: u64, payload: &PayloadRecord) -> Result<Vec<u8>, StoreError> {
        let bytes = serde_json::to_vec(payload).map_err(corrupt_outbox)?;
        Ok(self.sealer.seal(&bytes, &place(id))?)
    }

    /// Seals entries into outbox records under fresh ids, ready to insert in a transaction.
    pub(super) fn outbox_records(
        &self,
        entries: &[OutboxEntry],
        now: Timestamp,
    ) -> Result<Vec<(u64, Vec<u8>)>, StoreError> {
        entries
            .iter()
            .map(|e| {
                let id = self.db.generate_id()?;
                let record = OutboxRecord {
                    attempts: 0,
                    not_before_ms: now.millis(),
                    sealed: self.seal_payload(id, &e.into())?,
                    reply: e.reply,
                };
                Ok((id, serde_json::to_vec(&record).map_err(corrupt_outbox)?))
            })
            .collect()
    }

    /// Queues entries on their own (one batch). The caller flushes.
    pub fn enqueue(&self, entries: &[OutboxEntry], now: Timestamp) -> Result<Vec<u64>, StoreError> {
        let records = self.outbox_records(entries, now)?;
        let mut batch = sled::Batch::default();
        for (id, bytes) in &records {
            batch.insert(&id.to_be_bytes(), bytes.as_slice());
        }
        self.seq_outbox.apply_batch(batch)?;
        Ok(records.into_iter().map(|(id, _)| id).collect())
    }

    fn read_pending(&self, key: &[u8], value: &[u8]) -> Result<Pending, StoreError> {
        let id = id_of(key)?;
        let record: OutboxRecord = serde_json::from_slice(value).map_err(corrupt_outbox)?;
        let payload = self.sealer.open(&record.sealed, &place(id))?;
        let payload: PayloadRecord = serde_json::from_slice(&payload).map_err(corrupt_outbox)?;
        Ok(Pending {
            id,
            entry: payload.into(),
            attempts: record.attempts,
            not_before: Timestamp::from_millis(record.not_before_ms),
        })
        .map(|mut p: Pending| {
            p.entry.reply = record.reply;
            p
        })
    }

    /// Entries due at `now`, oldest first, at most `limit`, leaving out (without opening
    /// them) the ids `skip` names — those a delivery task already holds.
    ///
    /// An entry is read again after `skip` let it through: the iterator may hold a value read
    /// before a delivery task sent the entry, marked it done and let it go — and that stale
    /// copy would be sent a second time.
    pub fn due_except(
        &self,
        now: Timestamp,
        limit: usize,
        skip: impl Fn(u64) -> bool,
    ) -> Result<Vec<Pending>, StoreError> {
        let mut out = Vec::new();
        for key in self.seq_outbox.iter().keys() {
            let key = key?;
            let id = <[u8; 8]>::try_from(key.as_ref()).map(u64::from_be_bytes);
            if id.is_ok_and(&skip) {
                continue;
            }
            let Some(value) = self.seq_outbox.get(&key)? else {
                continue;
            };
            let Ok(record) = serde_json::from_slice::<OutboxRecord>(&value) else {
                self.quarantine(&self.seq_outbox, "seq_outbox", &key)?;
                continue;
            };
            if record.not_before_ms <= now.millis() {
                match self.read_pending(&key, &value) {
                    Ok(pending) => out.push(pending),
                    Err(_) => {
                        self.quarantine(&self.seq_outbox, "seq_outbox", &key)?;
                        continue;
                    }
                }
                if out.len() == limit {
                    break;
                }
            }
        }
        Ok(out)
    }

    /// Entries due at `now`, oldest first, at most `limit`.
    pub fn due(&self, now: Timestamp, limit: usize) -> Result<Vec<Pending>, StoreError> {
        self.due_except(now, limit, |_| false)
    }

    /// When the next entry is due, if any is waiting. (The worker works it out from what it
    /// reads anyway; this is for tests.)
    #[cfg(test)]
    pub fn next_due(&self) -> Result<Option<Timestamp>, StoreError> {
        let mut next: Option<i64> = None;
        for value in self.seq_outbox.iter().values() {
            let record: OutboxRecord = serde_json::from_slice(&value?).map_err(corrupt_outbox)?;
            next = Some(next.map_or(record.not_before_ms, |n| n.min(record.not_before_ms)));
        }
        Ok(next.map(Timestamp::from_millis))
    }

    /// Keeps an entry's rendering (or its progress through the parts) in place of what it
    /// held, so that a retry sends the same message. Nothing happens if it is gone.
    pub fn outbox_rendered(&self, id: u64, rendered: &Rendered) -> Result<(), StoreError> {
        let key = id.to_be_bytes();
        let Some(value) = self.seq_outbox.get(key)? else {
            return Ok(());
        };
        let pending = self.read_pending(&key, &value)?;
        let entry = OutboxEntry {
            chat_id: pending.entry.chat_id,
            body: OutboxBody::Rendered(rendered.clone()),
            from: pending.entry.from,
            reply: pending.entry.reply,
        };
        let record = OutboxRecord {
            attempts: pending.attempts,
            not_before_ms: pending.not_before.millis(),
            sealed: self.seal_payload(id, &(&entry).into())?,
            reply: entry.reply,
        };
        self.seq_outbox
            .insert(key, serde_json::to_vec(&record).map_err(corrupt_outbox)?)?;
        Ok(())
    }

    /// Removes an entry: delivered, or never deliverable.
    pub fn outbox_done(&self, id: u64) -> Result<(), StoreError> {
        self.seq_outbox.remove(id.to_be_bytes())?;
        Ok(())
    }

    /// Puts an entry back with another attempt counted, not before `not_before`.
    pub fn outbox_retry(
        &self,
        id: u64,
        attempts: u32,
        not_before: Timestamp,
    ) -> Result<(), StoreError> {
        let key = id.to_be_bytes();
        if let Some(value) = self.seq_outbox.get(key)? {
            let mut record: OutboxRecord =
                serde_json::from_slice(&value).map_err(corrupt_outbox)?;
            record.attempts = attempts;
            record.not_before_ms = not_before.millis();
            self.seq_outbox
                .insert(key, serde_json::to_vec(&record).map_err(corrupt_outbox)?)?;
        }
        Ok(())
    }

    pub fn outbox_len(&self) -> usize {
        self.seq_outbox.len()
    }

    /// Schema 2 → 3: each queued message (one rendered message) becomes a rendered entry of
    /// one part.
    pub(super) fn migrate_outbox_2_to_3(&self) -> Result<(), StoreError> {
        for item in self.seq_outbox.iter() {
            let (key, value) = item?;
            let id = id_of(&key)?;
            let mut record: OutboxRecord =
                serde_json::from_slice(&value).map_err(corrupt_outbox)?;
            let old = self.sealer.open(&record.sealed, &place(id))?;
            let old: LegacyMessage = serde_json::from_slice(&old).map_err(corrupt_outbox)?;
            let payload = PayloadRecord::Rendered {
                chat: old.chat_id,
                parts: vec![old.html],
                keyboard: old.keyboard_json,
                protect: old.protect_content,
                copy_from: old.copy_from,
                delivered: 0,
                from: None,
            };
            record.sealed = self.seal_payload(id, &payload)?;
            self.seq_outbox
                .insert(key, serde_json::to_vec(&record).map_err(corrupt_outbox)?)?;
        }
        Ok(())
    }

    /// Writes an entry as schema 2 did, for the migration test.
    #[cfg(test)]
    pub(super) fn enqueue_legacy(&self, chat: i64, html: &str) -> Result<(), StoreError> {
        let id = self.db.generate_id()?;
        let payload = serde_json::json!({
            "chat_id": chat, "html": html, "keyboard_json": null, "protect_content": true
        });
        let record = OutboxRecord {
            attempts: 0,
            not_before_ms: 0,
            sealed: self
                .sealer
                .seal(payload.to_string().as_bytes(), &place(id))?,
            reply: false,
        };
        self.seq_outbox.insert(
            id.to_be_bytes(),
            serde_json::to_vec(&record).map_err(corrupt_outbox)?,
        )?;
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    type TestResult = Result<(), Box<dyn std::error::Error>>;

    fn at(ms: i64) -> Timestamp {
        Timestamp::from_millis(ms)
    }

    fn first_part(p: &Pending) -> &str {
        match &p.entry.body {
            OutboxBody::Rendered(r) => r.parts[0].as_str(),
            OutboxBody::Notice(n) => n.as_str(),
        }
    }

    #[test]
    fn entries_wait_in_order_until_done() -> TestResult {
        let store = Store::temporary()?;
        let ids = store.enqueue(
            &[
                OutboxEntry::text(1, "first"),
                OutboxEntry::notice(2, "second".into()),
            ],
            at(1_000),
        )?;
        assert!(store.due(at(999), 10)?.is_empty());
        let due = store.due(at(1_000), 10)?;
        assert_eq!(
            due.iter().map(first_part).collect::<Vec<_>>(),
            vec!["first", "second"]
        );
        store.outbox_retry(ids[0], 1, at(5_000))?;
        assert_eq!(store.due(at(1_000), 10)?.len(), 1);
        assert_eq!(store.next_due()?, Some(at(1_000)));
        store.outbox_done(ids[1])?;
        assert_eq!(store.next_due()?, Some(at(5_000)));
        let again = store.due(at(5_000), 10)?;
        assert_eq!((again[0].attempts, again[0].entry.chat_id), (1, 1));
        store.outbox_done(ids[0])?;
        assert_eq!(store.outbox_len(), 0);
        Ok(())
    }

    /// The worker's race, replayed: while it reads the outbox, a delivery task sends an entry,
    /// marks it done and lets it go (here: inside the worker's own "is it held?" check, which
    /// is the moment the task's hold ends). The entry must not come back to be sent again.
    #[test]
    fn an_entry_delivered_while_the_outbox_is_read_is_not_handed_out_again() -> TestResult {
        let store = Store::temporary()?;
        let ids = store.enqueue(
            &[
                OutboxEntry::notice(7, "new request".into()),
                OutboxEntry::notice(8, "another".into()),
            ],
            at(10),
        )?;
        let due = store.due_except(at(10), 10, |id| {
            if id == ids[0] {
                let _ = store.outbox_done(id);
            }
            false
        })?;
        assert_eq!(
            due.iter().map(|p| p.id).collect::<Vec<_>>(),
            vec![ids[1]],
            "only the entry still waiting"
        );
        Ok(())
    }

    #[test]
    fn a_rendering_replaces_the_notice_and_keeps_the_schedule() -> TestResult {
        let store = Store::temporary()?;
        let ids = store.enqueue(&[OutboxEntry::notice(7, "{\"n\":1}".into())], at(10))?;
        store.outbox_retry(ids[0], 2, at(20))?;
        let rendered = Rendered {
            parts: vec!["a".into(), "b".into()],
            keyboard: Some("{}".into()),
            protect_content: true,
            copy_from: None,
            delivered: 1,
        };
        store.outbox_rendered(ids[0], &rendered)?;
        let due = store.due(at(20), 10)?;
        assert_eq!(due[0].entry.body, OutboxBody::Rendered(rendered.clone()));
        assert_eq!((due[0].attempts, due[0].not_before), (2, at(20)));
        store.outbox_done(ids[0])?;
        store.outbox_rendered(ids[0], &rendered)?;
        assert_eq!(
            store.outbox_len(),
            0,
            "a finished entry is not brought back"
        );
        Ok(())
    }

    #[test]
    fn an_entry_that_does_not_open_is_moved_aside_and_the_rest_is_delivered() -> TestResult {
        let store = Store::temporary()?;
        let ids = store.enqueue(
            &[
                OutboxEntry::text(1, "first"),
                OutboxEntry::text(2, "second"),
            ],
            at(0),
        )?;
        // Damage the first entry's sealed payload.
        let key = ids[0].to_be_bytes();
        let mut record: OutboxRecord =
            serde_json::from_slice(&store.seq_outbox.get(key)?.ok_or("gone")?)?;
        record.sealed[30] ^= 1;
        store.seq_outbox.insert(key, serde_json::to_vec(&record)?)?;
        let due = store.due(at(0), 10)?;
        assert_eq!(due.len(), 1);
        assert_eq!(first_part(&due[0]), "second");
        assert_eq!(store.quarantined()?, 1);
        assert_eq!(store.counter("quarantined")?, 1);
        assert_eq!(store.outbox_len(), 1);
        Ok(())
    }

    #[test]
    fn pending_entries_survive_a_restart_sealed() -> TestResult {
        let dir = crate::storage::private_tempdir()?;
        {
            let store = Store::open(dir.path())?;
            store.enqueue(
                &[
                    OutboxEntry::text(0x0077_7777_7777, "CANARY-OUTBOX-TEXT"),
                    OutboxEntry::notice(0x0077_7777_7777, "CANARY-OUTBOX-NOTICE".into()),
                ],
                at(0),
            )?;
            store.flush_blocking()?;
        }
        super::super::assert_not_on_disk(
            dir.path(),
            &[b"CANARY-OUTBOX-TEXT", b"CANARY-OUTBOX-NOTICE"],
            None,
        );
        let store = Store::open_waiting(dir.path(), std::time::Duration::from_secs(5))?;
        let due = store.due(at(0), 10)?;
        assert_eq!(first_part(&due[0]), "CANARY-OUTBOX-TEXT");
        assert_eq!(first_part(&due[1]), "CANARY-OUTBOX-NOTICE");
        Ok(())
    }
}
