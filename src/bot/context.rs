//! What every handler needs: the store, the search index, the texts and the hotlines.

use std::sync::Arc;

use chrono::NaiveDate;
use teloxide::types::User;

use crate::domain::{Hotline, Lang, SearchIndex};
use crate::i18n::I18n;
use crate::storage::Store;

pub struct BotContext {
    pub store: Store,
    pub index: Arc<SearchIndex>,
    pub i18n: Arc<I18n>,
    pub hotlines: Arc<Vec<Hotline>>,
    /// A fixed date for tests; `None` means the real date.
    pub fixed_today: Option<NaiveDate>,
}

impl BotContext {
    pub fn today(&self) -> NaiveDate {
        self.fixed_today
            .unwrap_or_else(|| chrono::Utc::now().date_naive())
    }

    /// The user's language: the one they chose, else their Telegram client's. A store that
    /// cannot be read falls back to the client's language instead of failing the reply.
    pub fn lang(&self, user: Option<&User>) -> Lang {
        let Some(user) = user else {
            return Lang::Uk;
        };
        let client = Lang::from_client(user.language_code.as_deref());
        match self.store.user_language(user.id.0 as i64) {
            Ok(Some(lang)) => lang,
            Ok(None) => client,
            Err(e) => {
                tracing::warn!(error = %e, "cannot read user settings; using the client language");
                client
            }
        }
    }
}
