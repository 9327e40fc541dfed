//! Which messages are in a person's chat, so `/forget` can delete the recent ones (Telegram
//! lets a bot delete messages of the last 48 hours in a private chat).
//!
//! Tree `chatblind_sentat_msgid`: blinded chat id (16 B), time in ms (u64 BE), message id
//! (i32 BE) → empty. Entries older than 48 hours are pruned as new ones arrive.

use super::{Store, StoreError};
use crate::domain::Timestamp;

/// How far back Telegram lets a bot delete messages.
pub const DELETABLE_MS: i64 = 48 * 3600 * 1000;

impl Store {
    /// Remembers a message in a chat (sent by the bot or by the person), and forgets that
    /// chat's entries older than 48 hours.
    pub fn remember_message(
        &self,
        chat_id: i64,
        message_id: i32,
        at: Timestamp,
    ) -> Result<(), StoreError> {
        let at_ms = at.millis();
        let prefix = self.sealer.blind(&chat_id.to_be_bytes());
        let mut key = prefix.to_vec();
        // Unsigned, so that byte order is time order.
        key.extend_from_slice(&(at_ms.max(0) as u64).to_be_bytes());
        key.extend_from_slice(&message_id.to_be_bytes());
        self.chatblind_sentat_msgid.insert(key, &[])?;
        let mut old_end = prefix.to_vec();
        old_end.extend_from_slice(&((at_ms - DELETABLE_MS).max(0) as u64).to_be_bytes());
        for old in self
            .chatblind_sentat_msgid
            .range(prefix.to_vec()..old_end)
            .keys()
        {
            self.chatblind_sentat_msgid.remove(old?)?;
        }
        Ok(())
    }

    /// The messages of a chat from the last 48 hours before `now`, oldest first.
    pub fn recent_messages(&self, chat_id: i64, now: Timestamp) -> Result<Vec<i32>, StoreError> {
        self.recent_messages_of(&self.sealer.blind(&chat_id.to_be_bytes()), now)
    }

    /// `recent_messages` of a blinded chat id.
    pub(super) fn recent_messages_of(
        &self,
        prefix: &[u8; 16],
        now: Timestamp,
    ) -> Result<Vec<i32>, StoreError> {
        let now_ms = now.millis();
        let mut ids = Vec::new();
        for key in self.chatblind_sentat_msgid.scan_prefix(prefix).keys() {
            let key = key?;
            let at = u64::from_be_bytes(key[16..24].try_into().unwrap_or_default()) as i64;
            let id = i32::from_be_bytes(key[24..28].try_into().unwrap_or_default());
            if at >= now_ms - DELETABLE_MS {
                ids.push(id);
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
        let ids = self.recent_messages(chat_id, now)?;
        let mut batch = sled::Batch::default();
        for key in self.message_keys(chat_id)? {
            batch.remove(key);
        }
        self.chatblind_sentat_msgid.apply_batch(batch)?;
        Ok(ids)
    }

    /// Forgets every chat's messages older than 48 hours (quiet chats are not pruned by new
    /// messages). Returns how many.
    pub fn purge_old_messages(&self, now: Timestamp) -> Result<usize, StoreError> {
        let cutoff = now.millis() - DELETABLE_MS;
        let mut purged = 0;
        for key in self.chatblind_sentat_msgid.iter().keys() {
            let key = key?;
            let at = key
                .get(16..24)
                .and_then(|b| b.try_into().ok())
                .map_or(0, |b| u64::from_be_bytes(b) as i64);
            if at < cutoff {
                self.chatblind_sentat_msgid.remove(key)?;
                purged += 1;
            }
        }
        Ok(purged)
    }

    /// Removes every entry of a chat.
    pub(super) fn message_keys(&self, chat_id: i64) -> Result<Vec<Vec<u8>>, StoreError> {
        self.message_keys_of(&self.sealer.blind(&chat_id.to_be_bytes()))
    }

    pub(super) fn message_keys_of(&self, prefix: &[u8; 16]) -> Result<Vec<Vec<u8>>, StoreError> {
        self.chatblind_sentat_msgid
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
    fn only_the_last_48_hours_are_kept_per_chat() -> Result<(), StoreError> {
        let store = Store::temporary()?;
        let at = Timestamp::from_millis;
        store.remember_message(1, 10, at(0))?;
        store.remember_message(1, 11, at(1_000))?;
        store.remember_message(2, 20, at(1_000))?;
        assert_eq!(store.recent_messages(1, at(2_000))?, vec![10, 11]);
        store.remember_message(1, 12, at(DELETABLE_MS + 500))?;
        assert_eq!(
            store.recent_messages(1, at(DELETABLE_MS + 500))?,
            vec![11, 12]
        );
        assert_eq!(store.message_keys(1)?.len(), 2, "the old entry was pruned");
        assert_eq!(store.recent_messages(2, at(2_000))?, vec![20]);
        // A quiet chat is pruned by retention.
        assert_eq!(store.purge_old_messages(at(DELETABLE_MS + 1_500))?, 2);
        assert!(store.message_keys(2)?.is_empty());
        assert_eq!(store.message_keys(1)?.len(), 1);
        Ok(())
    }

    #[test]
    fn hide_takes_the_recent_messages_and_forgets_them() -> Result<(), StoreError> {
        let store = Store::temporary()?;
        let at = Timestamp::from_millis;
        store.remember_message(1, 10, at(0))?;
        store.remember_message(1, 11, at(1_000))?;
        assert_eq!(store.take_recent_messages(1, at(2_000))?, vec![10, 11]);
        assert!(store.recent_messages(1, at(2_000))?.is_empty());
        Ok(())
    }
}
