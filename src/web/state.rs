//! What every part of the web server needs: the application, the texts, the key `initData`
//! is checked with, and the bot's username.

use std::sync::Arc;

use super::auth;
use crate::app::App;
use crate::i18n::I18n;

/// What the web server needs.
pub struct WebState {
    pub app: App,
    pub i18n: Arc<I18n>,
    /// The key `initData` is signed with, derived from the bot token.
    pub secret: auth::Secret,
    /// The bot's username, for invitation links (`t.me/<bot>?start=join-…`).
    pub bot_username: Option<String>,
}

impl WebState {
    /// Now, in Unix seconds, for `initData`'s age.
    pub(super) fn now_secs(&self) -> i64 {
        chrono::Utc::now().timestamp()
    }
}
