//! Duplicate updates. Telegram delivers an update again when it was not confirmed (polling)
//! or not answered (webhook) — after a crash, say. An update id is recorded as handled only
//! *after* the update's effects, so a crash between the two re-runs the update (whose own
//! state checks make a repeat harmless: a draft is consumed with the request it makes, a
//! stale button is refused) rather than losing it.
//!
//! Tree `botid_updateid_seenat`: bot id (u64 big-endian), update id (u32 big-endian) → unix ms.
//! Update ids are per bot, so a new token (another bot) starts afresh.

use super::{Store, StoreError};
use crate::domain::Timestamp;

/// How long an update id is remembered: Telegram keeps undelivered updates for 24 hours.
pub const SEEN_UPDATE_MS: i64 = 24 * 3600 * 1000;

fn key(bot: u64, update: u32) -> [u8; 12] {
    let mut key = [0u8; 12];
    key[..8].copy_from_slice(&bot.to_be_bytes());
    key[8..].copy_from_slice(&update.to_be_bytes());
    key
}

impl Store {
    /// Whether an update was already handled (a repeat to skip).
    pub fn handled_update(&self, bot: u64, update: u32) -> Result<bool, StoreError> {
        Ok(self.botid_updateid_seenat.contains_key(key(bot, update))?)
    }

    /// Records that an update was handled: call after its effects were written.
    pub fn record_handled_update(
        &self,
        bot: u64,
        update: u32,
        now: Timestamp,
    ) -> Result<(), StoreError> {
        self.botid_updateid_seenat
            .insert(key(bot, update), &now.millis().to_be_bytes()[..])?;
        Ok(())
    }

    /// Forgets update ids older than a day. Returns how many.
    pub fn purge_seen_updates(&self, now: Timestamp) -> Result<usize, StoreError> {
        let now_ms = now.millis();
        let mut purged = 0;
        for item in self.botid_updateid_seenat.iter() {
            let (key, at) = item?;
            let at: [u8; 8] = at.as_ref().try_into().unwrap_or([0; 8]);
            if i64::from_be_bytes(at) < now_ms - SEEN_UPDATE_MS {
                self.botid_updateid_seenat.remove(key)?;
                purged += 1;
            }
        }
        Ok(purged)
    }

    /// Forgets every update id. For tests that start a new mock bot (its ids start again).
    pub fn clear_seen_updates(&self) -> Result<(), StoreError> {
        self.botid_updateid_seenat.clear()?;
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_update_counts_as_handled_once_recorded_per_bot() -> Result<(), StoreError> {
        let store = Store::temporary()?;
        let at = Timestamp::from_millis;
        assert!(!store.handled_update(1, 42)?);
        store.record_handled_update(1, 42, at(0))?;
        assert!(store.handled_update(1, 42)?);
        assert!(!store.handled_update(2, 42)?, "another bot's update 42");
        store.record_handled_update(2, 42, at(10))?;
        assert_eq!(store.purge_seen_updates(at(SEEN_UPDATE_MS + 11))?, 2);
        assert!(!store.handled_update(1, 42)?);
        Ok(())
    }
}
