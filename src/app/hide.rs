//! The quick exit (`/hide`, 🧹): the messages of the last 48 hours in a person's chat — hers,
//! the bot's replies and the notices the outbox delivered — to delete from Telegram, without
//! touching her requests. Telegram lets a bot delete only the last 48 hours; older messages
//! stay, and the chat itself stays in her chat list (the screens say so).

use super::{App, AppResult, Committed};

/// What there is to delete.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Hidden {
    /// The chat's messages of the last 48 hours, oldest first.
    pub messages: Vec<i32>,
}

/// The chat's recent messages, forgotten here as they are handed to the adapter to delete.
pub async fn hide(app: &App, chat: i64) -> AppResult<Committed<Hidden>> {
    let messages = app.store.take_recent_messages(chat, app.now())?;
    tracing::info!(messages = messages.len(), "a chat is being cleared");
    app.commit(Hidden { messages }).await
}
