//! A person's settings: the language and whether notices about her own requests come in
//! full or discreetly.
//!
//! Tree `userblind_settings`: blinded user id (16 bytes) → `SettingsRecord` (JSON).

use super::records::SettingsRecord;
use super::{Store, StoreError, corrupt};
use crate::domain::Lang;

impl Store {
    fn settings(&self, user_id: i64) -> Result<Option<SettingsRecord>, StoreError> {
        let key = self.sealer.blind(&user_id.to_be_bytes());
        self.userblind_settings
            .get(key)?
            .map(|bytes| serde_json::from_slice(&bytes).map_err(corrupt("userblind_settings")))
            .transpose()
    }

    fn update_settings(
        &self,
        user_id: i64,
        change: impl Fn(&mut SettingsRecord),
    ) -> Result<(), StoreError> {
        let mut record = self.settings(user_id)?.unwrap_or_default();
        change(&mut record);
        let bytes = serde_json::to_vec(&record).map_err(corrupt("userblind_settings"))?;
        let key = self.sealer.blind(&user_id.to_be_bytes());
        self.userblind_settings.insert(key, bytes)?;
        Ok(())
    }

    /// The language a user chose, if they chose one.
    pub fn user_language(&self, user_id: i64) -> Result<Option<Lang>, StoreError> {
        Ok(self
            .settings(user_id)?
            .and_then(|record| Lang::from_code(&record.lang)))
    }

    /// Remembers a user's language. The caller flushes before confirming.
    pub fn set_user_language(&self, user_id: i64, lang: Lang) -> Result<(), StoreError> {
        self.update_settings(user_id, |record| record.lang = lang.code().to_string())
    }

    /// Whether she chose full notices about her own requests (default: discreet).
    pub fn full_notices(&self, user_id: i64) -> Result<bool, StoreError> {
        Ok(self.settings(user_id)?.is_some_and(|r| r.full_notices))
    }

    /// Full notices (`true`) or discreet ones. The caller flushes before confirming.
    pub fn set_full_notices(&self, user_id: i64, full: bool) -> Result<(), StoreError> {
        self.update_settings(user_id, |record| record.full_notices = full)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_language_and_the_notices_setting_are_kept_apart() -> Result<(), StoreError> {
        let store = Store::temporary()?;
        assert_eq!(store.user_language(7)?, None);
        assert!(!store.full_notices(7)?, "discreet by default");
        store.set_full_notices(7, true)?;
        store.set_user_language(7, Lang::En)?;
        assert!(store.full_notices(7)?, "setting the language keeps it");
        assert_eq!(store.user_language(7)?, Some(Lang::En));
        store.set_full_notices(7, false)?;
        assert_eq!(store.user_language(7)?, Some(Lang::En));
        assert!(!store.full_notices(7)?);
        Ok(())
    }
}
