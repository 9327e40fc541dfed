//! What every handler needs: the application, the texts and the hotlines; and the few
//! Telegram-side chores done on every update (the person's language, the message log for
//! `/forget`, repeated updates).

use std::sync::Arc;

use teloxide::dispatching::dialogue::{Dialogue, ErasedStorage};
use teloxide::types::User;

use super::dialogue::state::State;
use crate::app::App;
use crate::domain::{Hotline, Lang};
use crate::i18n::I18n;

/// The error type of every handler.
pub type BotError = Box<dyn std::error::Error + Send + Sync + 'static>;
pub type HandlerResult = Result<(), BotError>;
/// A chat's dialogue state, stored in the store.
pub type PoruchDialogue = Dialogue<State, ErasedStorage<State>>;

#[derive(Clone)]
pub struct BotContext {
    pub app: App,
    pub i18n: Arc<I18n>,
    /// Compiled in: urgent help never depends on the store.
    pub hotlines: Arc<Vec<Hotline>>,
    /// The dashboard's public HTTPS address (`PORUCH_PUBLIC_URL`), if it is served.
    pub dashboard: Option<url::Url>,
    /// The pacing every message takes, and the replies waiting for it.
    pub outgoing: super::outgoing::Outgoing,
}

impl BotContext {
    /// Remembers a message of a chat for `/forget`. Best effort: a store that cannot be
    /// written must not stop a reply (urgent help above all).
    pub fn remember_message(&self, chat: teloxide::types::ChatId, id: teloxide::types::MessageId) {
        if let Err(e) = self
            .app
            .store
            .remember_message(chat.0, id.0, self.app.now())
        {
            tracing::warn!(error = e.kind(), "cannot remember a message for /forget");
        }
    }

    /// An organization's name in a language (its id if it left the directory).
    pub fn org_name(&self, org: &str, lang: Lang) -> String {
        self.app
            .directory()
            .find(org)
            .map(|o| o.name.get(lang).to_string())
            .unwrap_or_else(|| org.to_string())
    }

    /// Whether an update is handled at all: it comes from a private chat (in a group, a
    /// search or a card could be seen by the very people a user wants to keep it from). A
    /// message is remembered for /forget, and whoever writes can be reached again, even if
    /// they once blocked the bot. (Repeated updates are skipped before this, by the intake.)
    pub fn admit(&self, update: &teloxide::types::Update) -> bool {
        if update.chat().is_some_and(|c| !c.is_private()) {
            return false;
        }
        if let teloxide::types::UpdateKind::Message(m) = &update.kind {
            self.remember_message(m.chat.id, m.id);
            if let Err(e) = self.app.store.mark_reachable(m.chat.id.0) {
                tracing::warn!(error = e.kind(), "cannot update a chat's reachability");
            }
        }
        true
    }

    /// Whether an update was already handled (Telegram delivers one again after a crash). A
    /// store that cannot answer lets the update through: every action is also guarded by
    /// its own state checks.
    pub fn already_handled(&self, bot: u64, update: u32) -> bool {
        match self.app.store.handled_update(bot, update) {
            Ok(handled) => handled,
            Err(e) => {
                tracing::warn!(error = e.kind(), "cannot check for a repeated update");
                false
            }
        }
    }

    /// Records an update as handled, after its effects.
    pub fn mark_handled(&self, bot: u64, update: u32) {
        if let Err(e) = self
            .app
            .store
            .record_handled_update(bot, update, self.app.now())
        {
            tracing::warn!(error = e.kind(), "cannot record a handled update");
        }
    }

    /// The user's language: the one they chose, else their Telegram client's. A store that
    /// cannot be read falls back to the client's language instead of failing the reply.
    pub fn lang(&self, user: Option<&User>) -> Lang {
        let Some(user) = user else {
            return Lang::Uk;
        };
        let client = Lang::from_client(user.language_code.as_deref());
        match self.app.language(user.id.0 as i64) {
            Ok(Some(lang)) => lang,
            Ok(None) => client,
            Err(e) => {
                tracing::warn!(
                    error = e.kind(),
                    "cannot read user settings; using the client language"
                );
                client
            }
        }
    }
}
