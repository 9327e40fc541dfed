//! teloxide's dialogue `Storage` on top of the store, so a restart resumes each chat's step.
//! A step is flushed before its screen is sent (a person who saw step 4 finds step 4 after a
//! crash); the state behind a results page is not (losing it costs an "expired" answer to
//! Next, never something a person was told). A stored state that no longer deserializes
//! (after an upgrade) resets that chat to the menu rather than failing, so the user's
//! message is still answered.

use std::sync::Arc;

use futures_util::future::BoxFuture;
use teloxide::dispatching::dialogue::Storage;
use teloxide::types::ChatId;

use super::state::State;
use crate::storage::{Store, StoreError};

pub struct SledDialogueStorage {
    store: Store,
}

impl SledDialogueStorage {
    pub fn new(store: Store) -> Arc<Self> {
        Arc::new(SledDialogueStorage { store })
    }
}

impl Storage<State> for SledDialogueStorage {
    type Error = StoreError;

    fn remove_dialogue(
        self: Arc<Self>,
        chat_id: ChatId,
    ) -> BoxFuture<'static, Result<(), StoreError>> {
        Box::pin(async move {
            self.store.remove_dialogue(chat_id.0)?;
            self.store.flush().await
        })
    }

    fn update_dialogue(
        self: Arc<Self>,
        chat_id: ChatId,
        dialogue: State,
    ) -> BoxFuture<'static, Result<(), StoreError>> {
        Box::pin(async move {
            let bytes = serde_json::to_vec(&dialogue).map_err(|e| StoreError::Corrupt {
                tree: "chatblind_dialogue",
                reason: e.to_string(),
            })?;
            self.store.set_dialogue(chat_id.0, &bytes)?;
            if dialogue.is_ephemeral() {
                return Ok(());
            }
            self.store.flush().await
        })
    }

    fn get_dialogue(
        self: Arc<Self>,
        chat_id: ChatId,
    ) -> BoxFuture<'static, Result<Option<State>, StoreError>> {
        Box::pin(async move {
            let bytes = match self.store.dialogue(chat_id.0) {
                Ok(Some(bytes)) => bytes,
                Ok(None) => return Ok(None),
                Err(e) => {
                    tracing::warn!(
                        error = e.kind(),
                        "cannot read dialogue state; starting from the menu"
                    );
                    return Ok(None);
                }
            };
            match serde_json::from_slice(&bytes) {
                Ok(state) => Ok(Some(state)),
                Err(_) => {
                    tracing::warn!(
                        "stored dialogue state is from another version; resetting to the menu"
                    );
                    Ok(None)
                }
            }
        })
    }
}

/// The storage as the handler tree and teloxide_tests expect it.
pub fn erased(
    store: Store,
) -> Arc<teloxide::dispatching::dialogue::ErasedStorage<super::state::State>> {
    <SledDialogueStorage as Storage<super::state::State>>::erase(SledDialogueStorage::new(store))
}
