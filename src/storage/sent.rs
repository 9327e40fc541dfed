//! Which messages are in a person's chat, so `/forget` and `/hide` can delete the recent ones
//! (Telegram lets a bot delete messages of the last 48 hours in a private chat).
//!
//! Tree `hour_chatblind_chunk`: hour since the epoch (u32 BE) · blinded chat id (16 B) · chunk
//! number (u16 BE) → up to `CHUNK` entries of (milliseconds into the hour u32 BE, message id
//! i32 BE), oldest first.
//!
//! The hour comes first so that expiry removes whole past hours from the start of the tree
//! and never reads a live entry; a chat's hour is a few chunks appended to in place, so a
//! message costs 8 bytes, not a key of its own. A chat's hour has as many chunks as it needs:
//! nothing is dropped while Telegram still lets the bot delete it.

use super::{Store, StoreError};
use crate::domain::Timestamp;

/// How far back Telegram lets a bot delete messages.
pub const DELETABLE_MS: i64 = 48 * 3600 * 1000;

const HOUR_MS: i64 = 3600 * 1000;
/// Entries per chunk: small enough that appending (which rewrites the chunk) stays cheap.
const CHUNK: usize = 32;
const ENTRY: usize = 8;
const PREFIX: usize = 4 + 16;

/// The hour a time falls in (times before the epoch count as its first hour).
fn hour_of(at_ms: i64) -> u32 {
    u32::try_from(at_ms.max(0) / HOUR_MS).unwrap_or(u32::MAX)
}

fn prefix(hour: u32, chat: &[u8; 16]) -> [u8; PREFIX] {
    let mut key = [0u8; PREFIX];
    key[..4].copy_from_slice(&hour.to_be_bytes());
    key[4..].copy_from_slice(chat);
    key
}

/// The hours that may hold a message sent after `cutoff_ms`, up to `now_ms`.
fn hours_since(cutoff_ms: i64, now_ms: i64) -> std::ops::RangeInclusive<u32> {
    hour_of(cutoff_ms)..=hour_of(now_ms)
}

/// The (time in ms, message id) entries of one chunk.
fn entries(hour: u32, chunk: &[u8]) -> impl Iterator<Item = (i64, i32)> + '_ {
    let start = i64::from(hour) * HOUR_MS;
    chunk.chunks_exact(ENTRY).map(move |e| {
        let offset = u32::from_be_bytes([e[0], e[1], e[2], e[3]]);
        let id = i32::from_be_bytes([e[4], e[5], e[6], e[7]]);
        (start + i64::from(offset), id)
    })
}

impl Store {
    /// Remembers a message in a chat (sent by the bot or by the person).
    pub fn remember_message(
        &self,
        chat_id: i64,
        message_id: i32,
        at: Timestamp,
    ) -> Result<(), StoreError> {
        self.remember_message_of(
            &self.sealer.blind(&chat_id.to_be_bytes()),
            message_id,
            at.millis(),
        )
    }

    /// `remember_message` of a blinded chat id.
    fn remember_message_of(
        &self,
        chat: &[u8; 16],
        message_id: i32,
        at_ms: i64,
    ) -> Result<(), StoreError> {
        let at_ms = at_ms.max(0);
        let hour = hour_of(at_ms);
        let prefix = prefix(hour, chat);
        let mut entry = [0u8; ENTRY];
        entry[..4].copy_from_slice(&((at_ms - i64::from(hour) * HOUR_MS) as u32).to_be_bytes());
        entry[4..].copy_from_slice(&message_id.to_be_bytes());
        // Two writers to one chat (a reply and an outbox notice) may race: compare-and-swap,
        // and try again on the chunk as the other left it.
        loop {
            let last = self.hour_chatblind_chunk.scan_prefix(prefix).next_back();
            let swapped = match last.transpose()? {
                Some((key, chunk)) if chunk.len() < CHUNK * ENTRY => {
                    let mut longer = chunk.to_vec();
                    longer.extend_from_slice(&entry);
                    self.hour_chatblind_chunk
                        .compare_and_swap(&key, Some(&chunk), Some(longer))?
                }
                last => {
                    let next = match last {
                        Some((key, _)) => key
                            .get(PREFIX..PREFIX + 2)
                            .map_or(0, |b| u16::from_be_bytes([b[0], b[1]]))
                            .checked_add(1)
                            .ok_or_else(|| StoreError::Backend("a chat's hour is full".into()))?,
                        None => 0,
                    };
                    let mut key = prefix.to_vec();
                    key.extend_from_slice(&next.to_be_bytes());
                    self.hour_chatblind_chunk.compare_and_swap(
                        key,
                        None as Option<&[u8]>,
                        Some(&entry[..]),
                    )?
                }
            };
            if swapped.is_ok() {
                return Ok(());
            }
        }
    }

    /// Schema 5 kept a key per message (`chatblind_sentat_msgid`: blinded chat, time in ms u64
    /// BE, message id i32 BE); schema 6 keeps chunks per chat and hour. Entries move over in
    /// key order, which is each chat's time order.
    pub(super) fn migrate_messages_5_to_6(&self) -> Result<(), StoreError> {
        let old = self.db.open_tree("chatblind_sentat_msgid")?;
        for key in old.iter().keys() {
            let key = key?;
            let (Some(chat), Some(at), Some(id)) = (
                key.get(..16).and_then(|b| <[u8; 16]>::try_from(b).ok()),
                key.get(16..24).and_then(|b| <[u8; 8]>::try_from(b).ok()),
                key.get(24..28).and_then(|b| <[u8; 4]>::try_from(b).ok()),
            ) else {
                continue;
            };
            let at = i64::try_from(u64::from_be_bytes(at)).unwrap_or(i64::MAX);
            self.remember_message_of(&chat, i32::from_be_bytes(id), at)?;
        }
        self.db.flush()?;
        self.db.drop_tree("chatblind_sentat_msgid")?;
        Ok(())
    }

    /// The messages of a chat from the last 48 hours before `now`, oldest first.
    pub fn recent_messages(&self, chat_id: i64, now: Timestamp) -> Result<Vec<i32>, StoreError> {
        self.recent_messages_of(&self.sealer.blind(&chat_id.to_be_bytes()), now)
    }

    /// `recent_messages` of a blinded chat id.
    pub(super) fn recent_messages_of(
        &self,
        chat: &[u8; 16],
        now: Timestamp,
    ) -> Result<Vec<i32>, StoreError> {
        let cutoff = now.millis() - DELETABLE_MS;
        let mut ids = Vec::new();
        for hour in hours_since(cutoff, now.millis()) {
            for chunk in self
                .hour_chatblind_chunk
                .scan_prefix(prefix(hour, chat))
                .values()
            {
                let chunk = chunk?;
                ids.extend(
                    entries(hour, &chunk)
                        .filter(|&(at, _)| at >= cutoff)
                        .map(|(_, id)| id),
                );
            }
        }
        Ok(ids)
    }

    /// The messages of a chat from the last 48 hours, oldest first, forgotten as they are
    /// returned (the caller deletes them from the chat).
    pub fn take_recent_messages(
        &self,
        chat_id: i64,
        now: Timestamp,
    ) -> Result<Vec<i32>, StoreError> {
        let chat = self.sealer.blind(&chat_id.to_be_bytes());
        let ids = self.recent_messages_of(&chat, now)?;
        let mut batch = sled::Batch::default();
        for key in self.message_keys_of(&chat)? {
            batch.remove(key);
        }
        self.hour_chatblind_chunk.apply_batch(batch)?;
        Ok(ids)
    }

    /// Forgets every chat's messages older than 48 hours, a whole hour at a time: only expired
    /// entries are read. Returns how many chunks went.
    pub fn purge_old_messages(&self, now: Timestamp) -> Result<usize, StoreError> {
        // An hour goes once its last millisecond is more than 48 hours old.
        let first_kept = hour_of(now.millis() - DELETABLE_MS);
        let mut purged = 0;
        let mut batch = sled::Batch::default();
        for key in self
            .hour_chatblind_chunk
            .range(..first_kept.to_be_bytes().to_vec())
            .keys()
        {
            batch.remove(key?);
            purged += 1;
        }
        self.hour_chatblind_chunk.apply_batch(batch)?;
        Ok(purged)
    }

    /// The keys of every entry of a chat, for erasing it: the chat's chunks in every hour the
    /// tree holds (hours are visited by seeking, not by reading other chats' entries).
    pub(super) fn message_keys_of(&self, chat: &[u8; 16]) -> Result<Vec<Vec<u8>>, StoreError> {
        let hour_in = |key: &[u8]| {
            key.get(..4)
                .map_or(u32::MAX, |b| u32::from_be_bytes([b[0], b[1], b[2], b[3]]))
        };
        let mut keys = Vec::new();
        let mut next = self.hour_chatblind_chunk.first()?;
        while let Some((key, _)) = next {
            let hour = hour_in(&key);
            for key in self
                .hour_chatblind_chunk
                .scan_prefix(prefix(hour, chat))
                .keys()
            {
                keys.push(key?.to_vec());
            }
            let Some(following) = hour.checked_add(1) else {
                break;
            };
            next = self
                .hour_chatblind_chunk
                .range(following.to_be_bytes().to_vec()..)
                .next()
                .transpose()?;
        }
        Ok(keys)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn at(ms: i64) -> Timestamp {
        Timestamp::from_millis(ms)
    }

    fn keys(store: &Store, chat: i64) -> usize {
        let chat = store.sealer.blind(&chat.to_be_bytes());
        store.message_keys_of(&chat).map_or(0, |k| k.len())
    }

    #[test]
    fn only_the_last_48_hours_are_given_per_chat() -> Result<(), StoreError> {
        let store = Store::temporary()?;
        store.remember_message(1, 10, at(0))?;
        store.remember_message(1, 11, at(1_000))?;
        store.remember_message(2, 20, at(1_000))?;
        assert_eq!(store.recent_messages(1, at(2_000))?, vec![10, 11]);
        store.remember_message(1, 12, at(DELETABLE_MS + 500))?;
        assert_eq!(
            store.recent_messages(1, at(DELETABLE_MS + 500))?,
            vec![11, 12]
        );
        assert_eq!(store.recent_messages(2, at(2_000))?, vec![20]);
        Ok(())
    }

    #[test]
    fn expiry_removes_whole_past_hours_and_nothing_deletable() -> Result<(), StoreError> {
        let store = Store::temporary()?;
        store.remember_message(1, 10, at(0))?;
        store.remember_message(2, 20, at(HOUR_MS - 1))?;
        store.remember_message(1, 11, at(HOUR_MS))?;
        // Message 20 can still be deleted for a millisecond: its hour stays.
        assert_eq!(store.purge_old_messages(at(DELETABLE_MS + HOUR_MS - 1))?, 0);
        assert_eq!(
            store.recent_messages(2, at(DELETABLE_MS + HOUR_MS - 1))?,
            vec![20]
        );
        assert_eq!(store.purge_old_messages(at(DELETABLE_MS + HOUR_MS))?, 2);
        let now = at(DELETABLE_MS + HOUR_MS);
        assert_eq!(keys(&store, 2), 0);
        assert_eq!(keys(&store, 1), 1);
        assert_eq!(store.recent_messages(1, now)?, vec![11]);
        Ok(())
    }

    #[test]
    fn a_busy_hour_keeps_every_message_in_order() -> Result<(), StoreError> {
        let store = Store::temporary()?;
        // More than a chunk, every millisecond of one second.
        let ids: Vec<i32> = (0..(3 * CHUNK as i32 + 5)).collect();
        for &id in &ids {
            store.remember_message(7, id, at(5_000 + i64::from(id)))?;
        }
        assert_eq!(store.recent_messages(7, at(10_000))?, ids);
        assert_eq!(keys(&store, 7), 4, "chunks of {CHUNK}");
        Ok(())
    }

    #[test]
    fn writers_racing_on_one_chat_lose_nothing() -> Result<(), StoreError> {
        let store = std::sync::Arc::new(Store::temporary()?);
        let threads: Vec<_> = (0..4)
            .map(|t| {
                let store = store.clone();
                std::thread::spawn(move || {
                    for i in 0..50 {
                        store.remember_message(9, t * 1000 + i, at(1_000))?;
                    }
                    Ok::<(), StoreError>(())
                })
            })
            .collect();
        for thread in threads {
            thread
                .join()
                .map_err(|_| StoreError::Backend("writer panicked".into()))??;
        }
        let mut got = store.recent_messages(9, at(2_000))?;
        got.sort_unstable();
        let mut want: Vec<i32> = (0..4)
            .flat_map(|t| (0..50).map(move |i| t * 1000 + i))
            .collect();
        want.sort_unstable();
        assert_eq!(got, want);
        Ok(())
    }

    #[test]
    fn hide_takes_the_recent_messages_and_forgets_them() -> Result<(), StoreError> {
        let store = Store::temporary()?;
        store.remember_message(1, 10, at(0))?;
        store.remember_message(1, 11, at(1_000))?;
        store.remember_message(2, 20, at(1_000))?;
        assert_eq!(store.take_recent_messages(1, at(2_000))?, vec![10, 11]);
        assert!(store.recent_messages(1, at(2_000))?.is_empty());
        assert_eq!(store.recent_messages(2, at(2_000))?, vec![20]);
        Ok(())
    }
}
