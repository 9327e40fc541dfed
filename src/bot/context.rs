//! What every handler needs: the store, the search index, the texts and the hotlines.

use std::sync::Arc;

use chrono::NaiveDate;
use teloxide::types::User;

use crate::domain::{Hotline, Lang, SearchIndex};
use crate::i18n::I18n;
use crate::storage::Store;

#[derive(Clone)]
pub struct BotContext {
    pub store: Store,
    pub index: Arc<SearchIndex>,
    pub i18n: Arc<I18n>,
    pub hotlines: Arc<Vec<Hotline>>,
    /// A fixed date for tests; `None` means the real date.
    pub fixed_today: Option<NaiveDate>,
    /// Telegram user ids of the coordinators (`PORUCH_ADMINS`).
    pub admins: std::collections::HashSet<i64>,
    /// Wakes the outbox worker after something was queued.
    pub outbox_wake: Arc<tokio::sync::Notify>,
    /// Days a finished request is kept before it is deleted (`PORUCH_RETENTION_DAYS`).
    pub retention_days: u32,
    /// Days an expert request waits for an offer before the adviser is told
    /// (`PORUCH_OFFER_DAYS`).
    pub offer_days: u32,
    /// Ratings needed before an organization's average shows on its card; 0 = never
    /// (`PORUCH_MIN_RATINGS`).
    pub min_ratings: u32,
    /// The materials that ship with the directory (`data/materials.toml`).
    pub materials: Arc<Vec<crate::domain::material::Material>>,
}

impl BotContext {
    pub fn today(&self) -> NaiveDate {
        self.fixed_today
            .unwrap_or_else(|| chrono::Utc::now().date_naive())
    }

    /// Makes what was written durable and wakes the outbox for the notices it queued: the
    /// step between every change and telling anyone about it.
    pub async fn commit(&self) -> Result<(), crate::storage::StoreError> {
        self.store.flush().await?;
        self.outbox_wake.notify_one();
        Ok(())
    }

    /// Remembers a message of a chat for `/forget`. Best effort: a store that cannot be
    /// written must not stop a reply (urgent help above all).
    pub fn remember_message(&self, chat: teloxide::types::ChatId, id: teloxide::types::MessageId) {
        if let Err(e) = self.store.remember_message(chat.0, id.0, self.now() * 1000) {
            tracing::warn!(error = %e, "cannot remember a message for /forget");
        }
    }

    /// The language of someone the bot writes to on its own (a notice): the one they chose,
    /// else Ukrainian. A private chat's id is its user's id.
    pub fn lang_of_chat(&self, chat: i64) -> Lang {
        self.store
            .user_language(chat)
            .ok()
            .flatten()
            .unwrap_or(Lang::Uk)
    }

    /// An organization's name in a language (its id if it left the directory).
    pub fn org_name(&self, org: &str, lang: Lang) -> String {
        self.index
            .find(org)
            .map(|o| o.name.get(lang).to_string())
            .unwrap_or_else(|| org.to_string())
    }

    /// Counts a refused button (forged, replayed, stale, not this person's) and logs its kind
    /// — never who pressed it or what it pointed at.
    pub fn security_event(&self, kind: &'static str) {
        let total = self
            .store
            .bump_counter("security_events")
            .unwrap_or_default();
        tracing::warn!(kind, total, "security event: a button was refused");
    }

    /// Whether an update is seen for the first time (Telegram may deliver one again after a
    /// crash). A store that cannot answer lets the update through: every action is also
    /// guarded by its own state checks.
    pub fn first_time(&self, bot: u64, update: u32) -> bool {
        match self.store.first_time_update(bot, update, self.now() * 1000) {
            Ok(first) => {
                if !first {
                    tracing::info!("a duplicate update was ignored");
                }
                first
            }
            Err(e) => {
                tracing::warn!(error = %e, "cannot check for a duplicate update");
                true
            }
        }
    }

    pub fn is_admin(&self, user: Option<&User>) -> bool {
        user.is_some_and(|u| self.admins.contains(&(u.id.0 as i64)))
    }

    /// Unix seconds now (or at the start of the fixed day, in tests).
    pub fn now(&self) -> i64 {
        match self.fixed_today {
            Some(day) => day
                .and_hms_opt(12, 0, 0)
                .map(|t| t.and_utc().timestamp())
                .unwrap_or_default(),
            None => chrono::Utc::now().timestamp(),
        }
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
