//! Duplicate updates. Telegram delivers an update again when it was not confirmed (polling)
//! or not answered (webhook) — after a crash, say. An update id is recorded as handled only
//! *after* the update's effects, so a crash between the two re-runs the update (whose own
//! state checks make a repeat harmless: a draft is consumed with the request it makes, a
//! stale button is refused) rather than losing it.
//!
//! One small record per bot, overwritten in place — not a record per update, which grew with
//! traffic and needed an hourly sweep of the whole tree: the highest update id handled, and
//! which of the `WINDOW` ids just below it were handled. Ids arrive nearly in order (a
//! polling batch is at most 100 updates; a webhook has at most 40 requests open at once), so
//! an id older than the window was handled long ago; an id inside it that was not handled yet
//! (a webhook's updates finishing out of order) is still handled when it comes.
//!
//! Tree `botid_updatewindow`: bot id (u64 big-endian) → highest handled id (u32 big-endian),
//! then `WINDOW / 8` bytes: bit `i` (byte `i / 8`, bit `i % 8`) set when id `high - i` was
//! handled. Update ids are per bot, so a new token (another bot) starts afresh.

use super::{Store, StoreError};
use crate::domain::Timestamp;

/// How many ids below the highest one are told apart.
pub const WINDOW: u32 = 512;
const BYTES: usize = WINDOW as usize / 8;

/// The window as stored.
#[derive(Debug, Clone, PartialEq, Eq)]
struct Seen {
    high: u32,
    bits: [u8; BYTES],
}

impl Seen {
    fn read(bytes: &[u8]) -> Option<Seen> {
        let high = u32::from_be_bytes(bytes.get(..4)?.try_into().ok()?);
        let bits = bytes.get(4..4 + BYTES)?.try_into().ok()?;
        Some(Seen { high, bits })
    }

    fn bytes(&self) -> Vec<u8> {
        let mut out = Vec::with_capacity(4 + BYTES);
        out.extend_from_slice(&self.high.to_be_bytes());
        out.extend_from_slice(&self.bits);
        out
    }

    fn has(&self, id: u32) -> bool {
        if id > self.high {
            return false;
        }
        let back = self.high - id;
        back >= WINDOW || self.bits[back as usize / 8] & (1 << (back % 8)) != 0
    }

    fn set(&mut self, id: u32) {
        if id > self.high {
            let shift = id - self.high;
            let mut bits = [0u8; BYTES];
            if shift < WINDOW {
                for back in 0..WINDOW - shift {
                    if self.bits[back as usize / 8] & (1 << (back % 8)) != 0 {
                        let to = back + shift;
                        bits[to as usize / 8] |= 1 << (to % 8);
                    }
                }
            }
            self.bits = bits;
            self.high = id;
        }
        let back = self.high - id;
        if back < WINDOW {
            self.bits[back as usize / 8] |= 1 << (back % 8);
        }
    }
}

impl Store {
    /// Whether an update was already handled (a repeat to skip).
    pub fn handled_update(&self, bot: u64, update: u32) -> Result<bool, StoreError> {
        Ok(self
            .botid_updatewindow
            .get(bot.to_be_bytes())?
            .and_then(|v| Seen::read(&v))
            .is_some_and(|seen| seen.has(update)))
    }

    /// Records that an update was handled: call after its effects were written. One
    /// compare-and-swap of the bot's window (lanes of different chats record at once).
    pub fn record_handled_update(
        &self,
        bot: u64,
        update: u32,
        _now: Timestamp,
    ) -> Result<(), StoreError> {
        let key = bot.to_be_bytes();
        loop {
            let old = self.botid_updatewindow.get(key)?;
            let mut seen = match old.as_deref().and_then(Seen::read) {
                Some(seen) => seen,
                None => Seen {
                    high: update,
                    bits: [0; BYTES],
                },
            };
            if seen.has(update) && old.is_some() {
                return Ok(());
            }
            seen.set(update);
            if self
                .botid_updatewindow
                .compare_and_swap(key, old, Some(seen.bytes()))?
                .is_ok()
            {
                return Ok(());
            }
        }
    }

    /// Forgets every update id. For tests that start a new mock bot (its ids start again).
    pub fn clear_seen_updates(&self) -> Result<(), StoreError> {
        self.botid_updatewindow.clear()?;
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn an_update_counts_as_handled_once_recorded_per_bot() -> Result<(), StoreError> {
        let store = Store::temporary()?;
        let at = Timestamp::from_millis(0);
        assert!(!store.handled_update(1, 42)?);
        store.record_handled_update(1, 42, at)?;
        assert!(store.handled_update(1, 42)?);
        assert!(!store.handled_update(2, 42)?, "another bot's update 42");
        assert!(!store.handled_update(1, 43)?);
        Ok(())
    }

    #[test]
    fn updates_finishing_out_of_order_are_each_handled_once() -> Result<(), StoreError> {
        let store = Store::temporary()?;
        let at = Timestamp::from_millis(0);
        store.record_handled_update(1, 100, at)?;
        store.record_handled_update(1, 103, at)?;
        assert!(
            !store.handled_update(1, 101)?,
            "still under way: not skipped"
        );
        assert!(!store.handled_update(1, 102)?);
        store.record_handled_update(1, 101, at)?;
        assert!(store.handled_update(1, 101)?);
        assert!(!store.handled_update(1, 102)?);
        // Far below the window: handled long ago.
        store.record_handled_update(1, 103 + WINDOW + 5, at)?;
        assert!(store.handled_update(1, 102)?);
        Ok(())
    }

    #[test]
    fn the_record_stays_one_small_value_however_many_updates() -> Result<(), StoreError> {
        let store = Store::temporary()?;
        for id in 1..10_000 {
            store.record_handled_update(7, id, Timestamp::from_millis(0))?;
        }
        assert_eq!(store.botid_updatewindow.len(), 1);
        Ok(())
    }

    proptest! {
        /// Within the window, in any order: exactly the recorded ids count as handled.
        #[test]
        fn the_window_tells_exactly_what_was_handled(
            ids in proptest::collection::vec(1_000u32..1_400, 1..200)
        ) {
            let mut seen: Option<Seen> = None;
            for &id in &ids {
                let s = seen.get_or_insert(Seen { high: id, bits: [0; BYTES] });
                s.set(id);
            }
            let s = seen.unwrap_or(Seen { high: 0, bits: [0; BYTES] });
            for id in 1_000u32..1_400 {
                prop_assert_eq!(s.has(id), ids.contains(&id), "id {}", id);
            }
        }
    }
}
