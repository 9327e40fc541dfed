//! Backups: every tree of the store as it was at one moment, in one checksummed file, and
//! restoring one into an empty data directory. sled has no snapshot of several trees, so
//! writes are held (`gate.rs`) while the trees are copied; the file is written after.
//! Records are copied as stored: sealed fields stay sealed, and the key is never in a backup
//! (only its fingerprint, so a restore can tell whether it has the right key).
//!
//! Format, version 1 (integers big-endian):
//! `PORUCH-BACKUP\n`, u32 format version, u32 header length, the header (JSON: schema
//! version, key fingerprint, taken at, trees, records); then per tree: u16 name length, the
//! name, u64 record count, and per record u32 key length, key, u32 value length, value;
//! last, 32 bytes: BLAKE3 of everything before them.

use std::collections::{BTreeMap, HashSet};
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use serde::{Deserialize, Serialize};

pub use super::files::write_file;
use super::{KEY_FINGERPRINT, SCHEMA_KEY, Store, StoreError, StoreLocation, crypto};
use crate::domain::Timestamp;

const MAGIC: &[u8] = b"PORUCH-BACKUP\n";
const FORMAT: u32 = 1;

/// What a backup says about itself.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct BackupHeader {
    pub schema_version: u32,
    /// Hex of the key's fingerprint (not the key).
    pub key_fingerprint: String,
    /// Unix milliseconds.
    pub taken_at: i64,
    pub trees: u32,
    pub records: u64,
}

/// A backup taken: its bytes, what it holds, and how long writes were held for it.
pub struct Backup {
    pub bytes: Vec<u8>,
    pub header: BackupHeader,
    pub writes_held: Duration,
}

#[derive(Debug, thiserror::Error)]
pub enum BackupError {
    #[error("{0} is not a Poruch backup")]
    NotABackup(PathBuf),
    #[error("{path} is a backup of format {found}; this Poruch reads format {FORMAT}")]
    Format { path: PathBuf, found: u32 },
    #[error("{0} is damaged (its checksum does not match); use another backup")]
    Damaged(PathBuf),
    #[error(
        "{0} is not empty: restore only into an empty data directory (a key file may be in it)"
    )]
    NotEmpty(PathBuf),
    #[error(
        "the backup was sealed with another key than {0}: put the key file of the store it came from there (or set PORUCH_KEY_FILE)"
    )]
    WrongKey(PathBuf),
    #[error(
        "restoring needs the key file of the store the backup came from, at {0} (or set PORUCH_KEY_FILE)"
    )]
    KeyMissing(PathBuf),
    #[error("{path}: {source}")]
    Io {
        path: PathBuf,
        source: std::io::Error,
    },
    #[error(transparent)]
    Store(#[from] StoreError),
}

/// Rounds of catching up without holding writes, at most.
const CATCH_UP_ROUNDS: usize = 8;
/// Few enough keys written meanwhile to read again with writes held.
const HELD_KEYS: usize = 500;

/// Collects the keys written in each tree (by index) into `written` until `stop` is set and
/// nothing more comes.
fn watch_writes(
    mut subscribers: Vec<sled::Subscriber>,
    stop: &std::sync::atomic::AtomicBool,
    written: &std::sync::Mutex<HashSet<(usize, sled::IVec)>>,
) {
    loop {
        // Read before draining: once set, no write is under way (writes are held), so one
        // more pass that finds nothing has seen every key.
        let stopping = stop.load(std::sync::atomic::Ordering::SeqCst);
        let mut found = Vec::new();
        for (i, subscriber) in subscribers.iter_mut().enumerate() {
            while let Ok(event) = subscriber.next_timeout(Duration::ZERO) {
                let key = match event {
                    sled::Event::Insert { key, .. } | sled::Event::Remove { key } => key,
                };
                found.push((i, key));
            }
        }
        if stopping && found.is_empty() {
            return;
        }
        if found.is_empty() {
            std::thread::sleep(Duration::from_millis(1));
        } else {
            written
                .lock()
                .unwrap_or_else(|e| e.into_inner())
                .extend(found);
        }
    }
}

fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

type TreeCopy = (Vec<u8>, Vec<(sled::IVec, sled::IVec)>);

impl Store {
    /// Takes a backup of every tree as it was at one moment. The trees are copied while
    /// writes go on, with sled telling which keys were written meanwhile; then writes are held
    /// only while those keys are read again, so the copy is the store at that moment.
    pub fn backup(&self, now: Timestamp) -> Result<Backup, StoreError> {
        let mut trees = Vec::new();
        for name in self.db.tree_names() {
            trees.push((name.to_vec(), self.db.open_tree(&name)?));
        }
        let subscribers: Vec<sled::Subscriber> =
            trees.iter().map(|(_, t)| t.watch_prefix(vec![])).collect();
        // A write that began before the watchers did is finished before the copy starts.
        drop(self.gate.exclusive());
        let stop = std::sync::Arc::new(std::sync::atomic::AtomicBool::new(false));
        let written = std::sync::Arc::new(std::sync::Mutex::new(HashSet::new()));
        let drainer = {
            let (stop, written) = (stop.clone(), written.clone());
            std::thread::spawn(move || watch_writes(subscribers, &stop, &written))
        };
        let mut copies: Vec<BTreeMap<sled::IVec, sled::IVec>> = Vec::new();
        for (_, tree) in &trees {
            copies.push(tree.iter().collect::<Result<_, _>>()?);
        }
        let take = || std::mem::take(&mut *written.lock().unwrap_or_else(|e| e.into_inner()));
        let patch = |copies: &mut Vec<BTreeMap<sled::IVec, sled::IVec>>,
                     keys: HashSet<(usize, sled::IVec)>|
         -> Result<(), StoreError> {
            for (i, key) in keys {
                match trees[i].1.get(&key)? {
                    Some(value) => copies[i].insert(key, value),
                    None => copies[i].remove(&key),
                };
            }
            Ok(())
        };
        // Catch up while writes go on: each round reads again what was written during the
        // one before, so the last, held round is short even on a busy store.
        for _ in 0..CATCH_UP_ROUNDS {
            let keys = take();
            let few = keys.len() <= HELD_KEYS;
            patch(&mut copies, keys)?;
            if few {
                break;
            }
        }
        let writes_held = {
            let _hold = self.gate.exclusive();
            let started = Instant::now();
            stop.store(true, std::sync::atomic::Ordering::SeqCst);
            drainer
                .join()
                .map_err(|_| StoreError::Backend("the backup's watcher stopped".into()))?;
            patch(&mut copies, take())?;
            started.elapsed()
        };
        let trees: Vec<TreeCopy> = trees
            .into_iter()
            .zip(copies)
            .map(|((name, _), records)| (name, records.into_iter().collect()))
            .collect();
        let header = BackupHeader {
            schema_version: self.schema_version()?.unwrap_or(0),
            key_fingerprint: hex(&self.sealer.fingerprint()),
            taken_at: now.millis(),
            trees: trees.len() as u32,
            records: trees.iter().map(|(_, r)| r.len() as u64).sum(),
        };
        let header_json = serde_json::to_vec(&header).map_err(|e| StoreError::Corrupt {
            tree: "meta",
            reason: e.to_string(),
        })?;
        let mut out = Vec::new();
        out.extend_from_slice(MAGIC);
        out.extend_from_slice(&FORMAT.to_be_bytes());
        out.extend_from_slice(&(header_json.len() as u32).to_be_bytes());
        out.extend_from_slice(&header_json);
        for (name, records) in &trees {
            out.extend_from_slice(&(name.len() as u16).to_be_bytes());
            out.extend_from_slice(name);
            out.extend_from_slice(&(records.len() as u64).to_be_bytes());
            for (key, value) in records {
                out.extend_from_slice(&(key.len() as u32).to_be_bytes());
                out.extend_from_slice(key);
                out.extend_from_slice(&(value.len() as u32).to_be_bytes());
                out.extend_from_slice(value);
            }
        }
        let checksum = blake3::hash(&out);
        out.extend_from_slice(checksum.as_bytes());
        Ok(Backup {
            bytes: out,
            header,
            writes_held,
        })
    }

    /// Reads every record of every tree: an error names the first tree that cannot be read.
    /// For the start-up check.
    pub fn check_every_tree(&self) -> Result<u64, (String, StoreError)> {
        let mut records = 0;
        for name in self.db.tree_names() {
            let label = String::from_utf8_lossy(&name).into_owned();
            let tree = self
                .db
                .open_tree(&name)
                .map_err(|e| (label.clone(), e.into()))?;
            for item in tree.iter() {
                item.map_err(|e| (label.clone(), e.into()))?;
                records += 1;
            }
        }
        Ok(records)
    }
}

/// A tree's records as read from a file: (key, value).
type Records = Vec<(Vec<u8>, Vec<u8>)>;

/// A backup read and checked: its header and trees.
pub struct Contents {
    pub header: BackupHeader,
    trees: Vec<(Vec<u8>, Records)>,
}

struct Cursor<'a> {
    bytes: &'a [u8],
    at: usize,
}

impl<'a> Cursor<'a> {
    fn take(&mut self, n: usize) -> Option<&'a [u8]> {
        let end = self.at.checked_add(n)?;
        let slice = self.bytes.get(self.at..end)?;
        self.at = end;
        Some(slice)
    }

    fn u16(&mut self) -> Option<u16> {
        Some(u16::from_be_bytes(self.take(2)?.try_into().ok()?))
    }

    fn u32(&mut self) -> Option<u32> {
        Some(u32::from_be_bytes(self.take(4)?.try_into().ok()?))
    }

    fn u64(&mut self) -> Option<u64> {
        Some(u64::from_be_bytes(self.take(8)?.try_into().ok()?))
    }
}

/// Reads a backup's bytes, checking its format and checksum.
pub fn read(path: &Path, bytes: &[u8]) -> Result<Contents, BackupError> {
    if !bytes.starts_with(MAGIC) || bytes.len() < MAGIC.len() + 8 + 32 {
        return Err(BackupError::NotABackup(path.to_path_buf()));
    }
    let (body, checksum) = bytes.split_at(bytes.len() - 32);
    let mut c = Cursor {
        bytes: body,
        at: MAGIC.len(),
    };
    let format = c
        .u32()
        .ok_or_else(|| BackupError::NotABackup(path.to_path_buf()))?;
    if format != FORMAT {
        return Err(BackupError::Format {
            path: path.to_path_buf(),
            found: format,
        });
    }
    if blake3::hash(body).as_bytes() != checksum {
        return Err(BackupError::Damaged(path.to_path_buf()));
    }
    let damaged = || BackupError::Damaged(path.to_path_buf());
    let header_len = c.u32().ok_or_else(damaged)? as usize;
    let header: BackupHeader =
        serde_json::from_slice(c.take(header_len).ok_or_else(damaged)?).map_err(|_| damaged())?;
    let mut trees = Vec::new();
    for _ in 0..header.trees {
        let name_len = c.u16().ok_or_else(damaged)? as usize;
        let name = c.take(name_len).ok_or_else(damaged)?.to_vec();
        let count = c.u64().ok_or_else(damaged)?;
        let mut records = Vec::new();
        for _ in 0..count {
            let key_len = c.u32().ok_or_else(damaged)? as usize;
            let key = c.take(key_len).ok_or_else(damaged)?.to_vec();
            let value_len = c.u32().ok_or_else(damaged)? as usize;
            let value = c.take(value_len).ok_or_else(damaged)?.to_vec();
            records.push((key, value));
        }
        trees.push((name, records));
    }
    if c.at != body.len() {
        return Err(damaged());
    }
    Ok(Contents { header, trees })
}

/// Whether a data directory holds nothing but (perhaps) the key file.
fn empty_but_key(dir: &Path, key: &Path) -> Result<bool, BackupError> {
    let io = |source| BackupError::Io {
        path: dir.to_path_buf(),
        source,
    };
    if !dir.exists() {
        return Ok(true);
    }
    for entry in std::fs::read_dir(dir).map_err(io)? {
        let entry = entry.map_err(io)?;
        if entry.path() != key {
            return Ok(false);
        }
    }
    Ok(true)
}

/// Fills an empty data directory from a backup, with the key file the backup was sealed
/// with. Returns the backup's header; the store is flushed and closed.
pub fn restore(at: &StoreLocation, path: &Path, bytes: &[u8]) -> Result<BackupHeader, BackupError> {
    let contents = read(path, bytes)?;
    if !empty_but_key(&at.dir, &at.key)? {
        return Err(BackupError::NotEmpty(at.dir.clone()));
    }
    let sealer = match crypto::Sealer::load(&at.key) {
        Ok(sealer) => sealer,
        Err(crypto::CryptoError::KeyMissing(_)) => {
            return Err(BackupError::KeyMissing(at.key.clone()));
        }
        Err(e) => return Err(StoreError::from(e).into()),
    };
    if hex(&sealer.fingerprint()) != contents.header.key_fingerprint {
        return Err(BackupError::WrongKey(at.key.clone()));
    }
    super::private_files();
    std::fs::create_dir_all(&at.dir).map_err(|source| BackupError::Io {
        path: at.dir.clone(),
        source,
    })?;
    let db = sled::Config::new()
        .path(&at.dir)
        .open()
        .map_err(StoreError::from)?;
    for (name, records) in &contents.trees {
        let tree = db.open_tree(name).map_err(StoreError::from)?;
        let mut batch = sled::Batch::default();
        for (key, value) in records {
            batch.insert(key.as_slice(), value.as_slice());
        }
        tree.apply_batch(batch).map_err(StoreError::from)?;
    }
    // The schema version and key fingerprint came with the trees (`meta`); check them.
    let meta = db.open_tree("meta").map_err(StoreError::from)?;
    if !meta.contains_key(SCHEMA_KEY).map_err(StoreError::from)?
        || !meta
            .contains_key(KEY_FINGERPRINT)
            .map_err(StoreError::from)?
    {
        return Err(BackupError::Damaged(path.to_path_buf()));
    }
    db.flush().map_err(StoreError::from)?;
    Ok(contents.header)
}

/// What a scheduled backup did.
#[derive(Debug)]
pub struct Scheduled {
    pub path: PathBuf,
    pub header: BackupHeader,
    pub writes_held: Duration,
    /// Older backups deleted (beyond the number kept, or older than the retention period).
    pub deleted: usize,
}

/// A scheduled backup's file name: `poruch-<UTC date and time>.pbk`, so names sort by time.
fn scheduled_name(now: Timestamp) -> String {
    let at = chrono::DateTime::from_timestamp_millis(now.millis()).unwrap_or_default();
    format!("poruch-{}.pbk", at.format("%Y%m%d-%H%M%S"))
}

/// The scheduled backups in `dir`, oldest first, with the time each was taken.
pub fn scheduled_in(dir: &Path) -> std::io::Result<Vec<(PathBuf, i64)>> {
    let mut found = Vec::new();
    for entry in std::fs::read_dir(dir)? {
        let path = entry?.path();
        let name = path
            .file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_default();
        let Some(stamp) = name
            .strip_prefix("poruch-")
            .and_then(|n| n.strip_suffix(".pbk"))
        else {
            continue;
        };
        if let Ok(at) = chrono::NaiveDateTime::parse_from_str(stamp, "%Y%m%d-%H%M%S") {
            found.push((path, at.and_utc().timestamp_millis()));
        }
    }
    found.sort_by_key(|(_, at)| *at);
    Ok(found)
}

impl Store {
    /// Takes a backup into `dir`, keeps the newest `keep` (none older than `max_age_ms`), and
    /// drops journal entries older than the oldest backup kept.
    pub fn scheduled_backup(
        &self,
        dir: &Path,
        keep: usize,
        max_age_ms: i64,
        now: Timestamp,
    ) -> Result<Scheduled, BackupError> {
        let io = |source| BackupError::Io {
            path: dir.to_path_buf(),
            source,
        };
        std::fs::create_dir_all(dir).map_err(io)?;
        let backup = self.backup(now)?;
        let path = dir.join(scheduled_name(now));
        write_file(&path, &backup.bytes).map_err(io)?;
        let mut deleted = 0;
        let all = scheduled_in(dir).map_err(io)?;
        let beyond = all.len().saturating_sub(keep.max(1));
        for (i, (old, at)) in all.iter().enumerate() {
            if *old != path && (i < beyond || *at < now.millis() - max_age_ms) {
                std::fs::remove_file(old).map_err(io)?;
                deleted += 1;
            }
        }
        if let Some((_, oldest)) = scheduled_in(dir).map_err(io)?.first() {
            super::journal::prune(&dir.join(super::journal::JOURNAL_FILE), *oldest).map_err(io)?;
        }
        Ok(Scheduled {
            path,
            header: backup.header,
            writes_held: backup.writes_held,
            deleted,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_backup_reads_back_and_a_changed_byte_is_caught() -> Result<(), StoreError> {
        let store = Store::temporary()?;
        store.record_handled_update(1, 2, Timestamp::from_millis(3))?;
        let backup = store.backup(Timestamp::from_millis(10))?;
        let path = Path::new("test.pbk");
        let contents = read(path, &backup.bytes).map_err(|e| StoreError::Backend(e.to_string()))?;
        assert_eq!(contents.header, backup.header);
        assert!(contents.header.records >= 3, "meta and the update at least");
        let mut bytes = backup.bytes.clone();
        assert!(backup.writes_held < Duration::from_millis(200));
        let middle = bytes.len() / 2;
        bytes[middle] ^= 1;
        assert!(matches!(read(path, &bytes), Err(BackupError::Damaged(_))));
        assert!(matches!(
            read(path, b"not a backup"),
            Err(BackupError::NotABackup(_))
        ));
        Ok(())
    }

    #[test]
    fn a_backup_taken_while_requests_are_written_is_one_moment_of_every_tree()
    -> Result<(), StoreError> {
        use crate::domain::{
            ContactChoice, HelpKind, HelpRequest, OnDecline, Referral, ReferralStatus,
        };
        let dir = tempfile::tempdir().map_err(|e| StoreError::Backend(e.to_string()))?;
        let store = Store::open(&dir.path().join("s"))?;
        let writer = {
            let store = store.clone();
            std::thread::spawn(move || -> Result<(), StoreError> {
                for i in 0..3_000i64 {
                    let at = Timestamp::from_millis(i);
                    let request = HelpRequest {
                        topic: "legal-aid".into(),
                        region: "UA-12".into(),
                        kind: HelpKind::Legal,
                        description: Some("опис".into()),
                        contact: ContactChoice::ThroughBot,
                        requester_chat: i,
                        created_at: at,
                        on_decline: OnDecline::PassOn,
                        follow_up: false,
                    };
                    let referral = Referral {
                        org: "org".into(),
                        status: ReferralStatus::Pending,
                        offered_at: at,
                        respond_by: at,
                    };
                    store.submit_request(
                        &format!("R-{i:05}"),
                        &request,
                        Some(&referral),
                        &[],
                        at,
                        None,
                    )?;
                }
                Ok(())
            })
        };
        let mut checked = 0;
        while !writer.is_finished() || checked == 0 {
            let backup = store.backup(Timestamp::from_millis(0))?;
            let contents = read(Path::new("t"), &backup.bytes)
                .map_err(|e| StoreError::Backend(e.to_string()))?;
            let count = |name: &str| {
                contents
                    .trees
                    .iter()
                    .find(|(n, _)| n == name.as_bytes())
                    .map(|(_, r)| r.len())
                    .unwrap_or(0)
            };
            // Each request is written with its referral and her index entry, together.
            assert_eq!(count("refcode_request"), count("refcode_referral"));
            assert_eq!(count("refcode_request"), count("chatblind_refcode"));
            checked += 1;
        }
        writer
            .join()
            .map_err(|_| StoreError::Backend("writer".into()))??;
        assert!(
            checked > 1,
            "backups were taken while requests were written"
        );
        Ok(())
    }
}
