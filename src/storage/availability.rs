//! Who can be reached: organizations that paused new referrals, and chats Telegram refused
//! (the person blocked the bot or deleted the account).
//!
//! Trees:
//! - `orgid_pausedat`:          org id                      → unix seconds (i64 big-endian)
//! - `chatblind_unreachableat`: blinded chat id (16 bytes)  → unix seconds (i64 big-endian)

use std::collections::HashSet;

use super::{Store, StoreError};
use crate::domain::Timestamp;

impl Store {
    /// Pauses (`true`) or resumes an organization's new referrals. The caller flushes.
    pub fn set_paused(&self, org: &str, paused: bool, now: Timestamp) -> Result<(), StoreError> {
        if paused {
            self.orgid_pausedat
                .insert(org.as_bytes(), &now.secs().to_be_bytes())?;
        } else {
            self.orgid_pausedat.remove(org.as_bytes())?;
        }
        Ok(())
    }

    pub fn is_paused(&self, org: &str) -> Result<bool, StoreError> {
        Ok(self.orgid_pausedat.contains_key(org.as_bytes())?)
    }

    /// Every paused organization, for routing.
    pub fn paused_orgs(&self) -> Result<HashSet<String>, StoreError> {
        self.orgid_pausedat
            .iter()
            .keys()
            .map(|k| Ok(String::from_utf8_lossy(&k?).into_owned()))
            .collect()
    }

    /// Remembers that Telegram refuses messages to a chat (403): nothing more is queued for it.
    pub fn mark_unreachable(&self, chat: i64, now: Timestamp) -> Result<(), StoreError> {
        let key = self.sealer.blind(&chat.to_be_bytes());
        self.chatblind_unreachableat
            .insert(key, &now.secs().to_be_bytes())?;
        Ok(())
    }

    /// A chat wrote to the bot again: it can be reached. Called for every message, so it
    /// writes only when there is a mark to clear.
    pub fn mark_reachable(&self, chat: i64) -> Result<(), StoreError> {
        let key = self.sealer.blind(&chat.to_be_bytes());
        if self.chatblind_unreachableat.contains_key(key)? {
            self.chatblind_unreachableat.remove(key)?;
        }
        Ok(())
    }

    pub fn is_unreachable(&self, chat: i64) -> Result<bool, StoreError> {
        let key = self.sealer.blind(&chat.to_be_bytes());
        Ok(self.chatblind_unreachableat.contains_key(key)?)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn pausing_and_reachability_are_remembered() -> Result<(), StoreError> {
        let store = Store::temporary()?;
        store.set_paused("org-a", true, Timestamp::from_secs(5))?;
        assert!(store.is_paused("org-a")?);
        assert_eq!(store.paused_orgs()?, HashSet::from(["org-a".to_string()]));
        store.set_paused("org-a", false, Timestamp::from_secs(6))?;
        assert!(store.paused_orgs()?.is_empty());

        store.mark_unreachable(42, Timestamp::from_secs(1))?;
        assert!(store.is_unreachable(42)?);
        assert!(!store.is_unreachable(43)?);
        store.mark_reachable(42)?;
        assert!(!store.is_unreachable(42)?);
        Ok(())
    }
}
