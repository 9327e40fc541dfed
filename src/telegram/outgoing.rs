//! What waits to be sent: the pacing every message takes (`pacing`), each chat's queue of
//! replies that had to wait, and the outbox entries that keep those replies until they are
//! sent. The sending itself is `send`'s.

use std::collections::{HashMap, HashSet, VecDeque};
use std::sync::{Arc, Mutex};

use teloxide::types::{InlineKeyboardMarkup, MessageId};

use super::pacing::Pacer;

/// Something to send to a chat.
#[derive(Debug, Clone)]
pub enum Job {
    /// Text messages; the keyboard goes with the last part.
    Text {
        parts: VecDeque<String>,
        keyboard: Option<InlineKeyboardMarkup>,
        protect: bool,
        /// Remembered for `/forget` (not the very last message /forget sends).
        record: bool,
        /// The outbox entry that keeps it until it is sent.
        kept: Option<u64>,
    },
    /// A new text for a message a button was on; sent anew if it cannot be edited.
    Edit {
        message: MessageId,
        text: String,
        keyboard: Option<InlineKeyboardMarkup>,
        protect: bool,
    },
    /// A document by its Telegram file id.
    Document {
        file_id: String,
        caption: String,
        keyboard: Option<InlineKeyboardMarkup>,
    },
}

/// Replies waiting for their chat's pace, and the outbox entries that keep them.
#[derive(Clone)]
pub struct Outgoing {
    pub pacer: Pacer,
    pub(super) queues: Arc<Mutex<HashMap<i64, VecDeque<Job>>>>,
    pub(super) kept: Arc<Mutex<HashSet<u64>>>,
}

impl Outgoing {
    pub fn new(pacer: Pacer) -> Outgoing {
        Outgoing {
            pacer,
            queues: Arc::default(),
            kept: Arc::default(),
        }
    }

    /// Telegram's limits lifted (handler tests, benchmarks of Poruch's own cost).
    pub fn lifted() -> Outgoing {
        Outgoing::new(Pacer::lifted())
    }

    /// Whether an outbox entry is a waiting reply this process sends itself (the outbox worker
    /// leaves it alone).
    pub fn keeps(&self, id: u64) -> bool {
        self.kept.lock().map(|k| k.contains(&id)).unwrap_or(true)
    }

    /// How many chats have replies waiting.
    pub fn chats_waiting(&self) -> usize {
        self.queues.lock().map(|q| q.len()).unwrap_or(0)
    }

    pub(super) fn queued(&self, chat: i64) -> bool {
        self.queues
            .lock()
            .map(|q| q.contains_key(&chat))
            .unwrap_or(true)
    }
}
