//! Discreet notices held until she presses Show: the notice itself (organization, relayed
//! text…) never appears on her lock screen; only "news on your request" does.
//!
//! Tree `chatblind_heldid_notice`: blinded chat id (16 bytes), id (u64 big-endian) →
//! `HeldRecord` (JSON: when it was held, and the notice sealed with its place).

use serde::{Deserialize, Serialize};

use super::{Store, StoreError, corrupt};
use crate::domain::Timestamp;

#[derive(Serialize, Deserialize)]
struct HeldRecord {
    /// Unix seconds.
    at: i64,
    #[serde(with = "super::bytes::text")]
    sealed: Vec<u8>,
}

fn place(key: &[u8]) -> Vec<u8> {
    let mut place = b"chatblind_heldid_notice/".to_vec();
    place.extend_from_slice(key);
    place
}

impl Store {
    fn held_key(&self, chat: i64, id: u64) -> Vec<u8> {
        let mut key = self.sealer.blind(&chat.to_be_bytes()).to_vec();
        key.extend_from_slice(&id.to_be_bytes());
        key
    }

    /// Holds a notice (as the application encoded it) for a chat; its id for the Show button.
    pub fn hold_notice(&self, chat: i64, notice: &str, now: Timestamp) -> Result<u64, StoreError> {
        let id = self.db.generate_id()?;
        let key = self.held_key(chat, id);
        let record = HeldRecord {
            at: now.secs(),
            sealed: self.sealer.seal(notice.as_bytes(), &place(&key))?,
        };
        let bytes = serde_json::to_vec(&record).map_err(corrupt("chatblind_heldid_notice"))?;
        self.chatblind_heldid_notice.insert(key, bytes)?;
        Ok(id)
    }

    /// Takes a held notice of this chat out (it is shown once, then lives in the chat).
    pub fn take_held_notice(&self, chat: i64, id: u64) -> Result<Option<String>, StoreError> {
        let key = self.held_key(chat, id);
        let Some(bytes) = self.chatblind_heldid_notice.remove(&key)? else {
            return Ok(None);
        };
        let record: HeldRecord =
            serde_json::from_slice(&bytes).map_err(corrupt("chatblind_heldid_notice"))?;
        let notice = self.sealer.open(&record.sealed, &place(&key))?;
        Ok(Some(String::from_utf8_lossy(&notice).into_owned()))
    }

    /// The keys of a chat's held notices (for /forget).
    pub(super) fn held_keys(&self, prefix: &[u8; 16]) -> Result<Vec<Vec<u8>>, StoreError> {
        self.chatblind_heldid_notice
            .scan_prefix(prefix)
            .keys()
            .map(|k| Ok(k?.to_vec()))
            .collect()
    }

    /// Deletes held notices never shown, held before `cutoff`. Returns how many.
    pub fn purge_held_before(&self, cutoff: Timestamp) -> Result<usize, StoreError> {
        let mut purged = 0;
        for item in self.chatblind_heldid_notice.iter() {
            let (key, bytes) = item?;
            let old =
                serde_json::from_slice::<HeldRecord>(&bytes).map_or(true, |r| r.at < cutoff.secs());
            if old {
                self.chatblind_heldid_notice.remove(key)?;
                purged += 1;
            }
        }
        Ok(purged)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_held_notice_is_shown_once_and_only_in_its_chat() -> Result<(), StoreError> {
        let store = Store::temporary()?;
        let id = store.hold_notice(7, "{\"secret\":1}", Timestamp::from_secs(100))?;
        assert_eq!(store.take_held_notice(8, id)?, None, "another chat");
        assert_eq!(
            store.take_held_notice(7, id)?.as_deref(),
            Some("{\"secret\":1}")
        );
        assert_eq!(store.take_held_notice(7, id)?, None, "once");
        Ok(())
    }

    #[test]
    fn held_notices_never_shown_are_purged_and_never_stored_in_plain_text() -> Result<(), StoreError>
    {
        let store = Store::temporary()?;
        store.hold_notice(7, "CANARY-HELD", Timestamp::from_secs(100))?;
        let kept = store.hold_notice(7, "fresh", Timestamp::from_secs(1_000))?;
        for item in store.chatblind_heldid_notice.iter() {
            let (_, bytes) = item?;
            assert!(!bytes.windows(11).any(|w| w == b"CANARY-HELD"));
        }
        assert_eq!(store.purge_held_before(Timestamp::from_secs(500))?, 1);
        assert_eq!(store.take_held_notice(7, kept)?.as_deref(), Some("fresh"));
        Ok(())
    }
}
