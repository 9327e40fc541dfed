//! The /forget journal: a backup taken before someone used /forget still holds them, so every
//! /forget is also written to a journal file — the blinded user and chat ids and the time,
//! nothing else — and a restore replays the entries made after its backup. The journal lives
//! beside the backups (`PORUCH_BACKUP_DIR/forget.journal`), on their disk, and is kept as
//! long as the oldest backup there.
//!
//! One line per /forget: `<unix ms> <blinded user id, hex> <blinded chat id, hex>`.

use std::io::Write;
use std::path::{Path, PathBuf};

use super::{Store, StoreError};
use crate::domain::Timestamp;

/// The journal's file name in the backup directory.
pub const JOURNAL_FILE: &str = "forget.journal";

fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

fn unhex16(text: &str) -> Option<[u8; 16]> {
    if text.len() != 32 {
        return None;
    }
    let mut out = [0u8; 16];
    for (i, byte) in out.iter_mut().enumerate() {
        *byte = u8::from_str_radix(text.get(2 * i..2 * i + 2)?, 16).ok()?;
    }
    Some(out)
}

/// One entry: when, whose user id, whose chat.
pub struct Entry {
    pub at: i64,
    user: [u8; 16],
    chat: [u8; 16],
}

/// The entries of a journal file (a missing file has none; a line that cannot be read is
/// skipped — it could only be a torn last line).
pub fn entries(path: &Path) -> std::io::Result<Vec<Entry>> {
    let text = match std::fs::read_to_string(path) {
        Ok(text) => text,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(Vec::new()),
        Err(e) => return Err(e),
    };
    Ok(text
        .lines()
        .filter_map(|line| {
            let mut parts = line.split(' ');
            Some(Entry {
                at: parts.next()?.parse().ok()?,
                user: unhex16(parts.next()?)?,
                chat: unhex16(parts.next()?)?,
            })
        })
        .collect())
}

/// Keeps only the entries made at or after `since` (the oldest backup kept).
pub fn prune(path: &Path, since: i64) -> std::io::Result<usize> {
    let all = entries(path)?;
    let kept: Vec<&Entry> = all.iter().filter(|e| e.at >= since).collect();
    let dropped = all.len() - kept.len();
    if dropped > 0 {
        let text: String = kept
            .iter()
            .map(|e| format!("{} {} {}\n", e.at, hex(&e.user), hex(&e.chat)))
            .collect();
        super::files::write_file(path, text.as_bytes())?;
    }
    Ok(dropped)
}

impl Store {
    /// Journals /forget to `path` from now on (the backup directory's journal).
    pub fn with_forget_journal(mut self, path: PathBuf) -> Store {
        self.journal = Some(std::sync::Arc::new(path));
        self
    }

    /// Appends a /forget to the journal, synced before the person is told.
    pub(super) fn journal_forget(
        &self,
        user: &[u8; 16],
        chat: &[u8; 16],
        now: Timestamp,
    ) -> Result<(), StoreError> {
        let Some(path) = &self.journal else {
            return Ok(());
        };
        let io = |e: std::io::Error| StoreError::Backend(format!("the /forget journal: {e}"));
        let mut file = std::fs::OpenOptions::new()
            .create(true)
            .append(true)
            .open(path.as_path())
            .map_err(io)?;
        file.write_all(format!("{} {} {}\n", now.millis(), hex(user), hex(chat)).as_bytes())
            .map_err(io)?;
        file.sync_all().map_err(io)
    }

    /// Replays the journal's entries made after `after` (a restored backup's time): each
    /// person is forgotten again. Returns how many entries were replayed.
    pub fn replay_forget_journal(
        &self,
        path: &Path,
        after: i64,
        now: Timestamp,
    ) -> Result<usize, StoreError> {
        let entries =
            entries(path).map_err(|e| StoreError::Backend(format!("the /forget journal: {e}")))?;
        let mut replayed = 0;
        for entry in entries.iter().filter(|e| e.at > after) {
            self.forget_blinded(&entry.user, &entry.chat, now)?;
            replayed += 1;
        }
        self.flush_blocking()?;
        Ok(replayed)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_forget_is_journaled_with_blinded_ids_only_and_replayed_after_a_time()
    -> Result<(), StoreError> {
        let dir = tempfile::tempdir().map_err(|e| StoreError::Backend(e.to_string()))?;
        let path = dir.path().join(JOURNAL_FILE);
        let store = Store::temporary()?.with_forget_journal(path.clone());
        store.remember_message(4242, 7, Timestamp::from_millis(1_000))?;
        store.forget_person(4242, 4242, Timestamp::from_millis(2_000))?;
        let text =
            std::fs::read_to_string(&path).map_err(|e| StoreError::Backend(e.to_string()))?;
        assert!(!text.contains("4242"), "no raw id: {text}");
        assert_eq!(text.lines().count(), 1);
        let entries = entries(&path).map_err(|e| StoreError::Backend(e.to_string()))?;
        assert_eq!(entries[0].at, 2_000);
        // A message remembered again (as if from an older backup) is gone after a replay.
        store.remember_message(4242, 8, Timestamp::from_millis(2_500))?;
        assert_eq!(
            store.replay_forget_journal(&path, 1_999, Timestamp::from_millis(3_000))?,
            1
        );
        assert!(
            store
                .recent_messages(4242, Timestamp::from_millis(3_000))?
                .is_empty()
        );
        assert_eq!(
            store.replay_forget_journal(&path, 2_000, Timestamp::from_millis(3_000))?,
            0
        );
        assert_eq!(
            prune(&path, 2_001).map_err(|e| StoreError::Backend(e.to_string()))?,
            1
        );
        Ok(())
    }
}
