//! Backups: every tree of the store as it was at one moment, in one checksummed file, and
//! restoring one into an empty data directory. sled has no snapshot of several trees, so the
//! trees are copied while writes go on and the keys written meanwhile are read again, the last
//! time with writes held (`gate.rs`). The copy waits in an unnamed spool file, not in memory
//! (a backup of a busy store held it all in memory: 433 MB at its peak for a 140 MB backup).
//! Records are copied as stored: sealed fields stay sealed, and the key is never in a backup
//! (only its fingerprint, so a restore can tell whether it has the right key).
//!
//! Format, version 1 (integers big-endian):
//! `PORUCH-BACKUP\n`, u32 format version, u32 header length, the header (JSON: schema
//! version, key fingerprint, taken at, trees, records); then per tree: u16 name length, the
//! name, u64 record count, and per record u32 key length, key, u32 value length, value;
//! last, 32 bytes: BLAKE3 of everything before them.

use std::collections::{BTreeMap, HashSet};
use std::io::{Read, Seek, SeekFrom, Write};
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use serde::{Deserialize, Serialize};

pub use super::files::{write_file, write_file_with};
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

/// A tree's changes read again after it was copied: key → its value at the end (None: gone).
type Patches = BTreeMap<sled::IVec, Option<sled::IVec>>;

fn spool_error(e: std::io::Error) -> StoreError {
    StoreError::Backend(format!("the backup's spool file: {}", e.kind()))
}

fn put_record(out: &mut impl Write, key: &[u8], value: &[u8]) -> std::io::Result<()> {
    out.write_all(&(key.len() as u32).to_be_bytes())?;
    out.write_all(key)?;
    out.write_all(&(value.len() as u32).to_be_bytes())?;
    out.write_all(value)
}

fn get_record(from: &mut impl Read) -> std::io::Result<(Vec<u8>, Vec<u8>)> {
    let mut len = [0u8; 4];
    from.read_exact(&mut len)?;
    let mut key = vec![0u8; u32::from_be_bytes(len) as usize];
    from.read_exact(&mut key)?;
    from.read_exact(&mut len)?;
    let mut value = vec![0u8; u32::from_be_bytes(len) as usize];
    from.read_exact(&mut value)?;
    Ok((key, value))
}

/// Where a merged tree's records go, one (key, value) at a time.
type Emit<'a> = dyn FnMut(&[u8], &[u8]) -> std::io::Result<()> + 'a;

/// A tree as it was at the backup's moment: its `count` copied records (read from the
/// spool, in key order) with its patches laid over them, each given to `emit` in key order.
fn merged(
    spool: &mut impl Read,
    count: u64,
    patches: &Patches,
    emit: &mut Emit<'_>,
) -> std::io::Result<()> {
    let mut changed = patches.iter().peekable();
    for _ in 0..count {
        let (key, value) = get_record(spool)?;
        while let Some((k, v)) = changed.next_if(|(k, _)| k.as_ref() < key.as_slice()) {
            if let Some(v) = v {
                emit(k, v)?;
            }
        }
        match changed.next_if(|(k, _)| k.as_ref() == key.as_slice()) {
            Some((k, Some(v))) => emit(k, v)?,
            Some((_, None)) => {}
            None => emit(&key, &value)?,
        }
    }
    for (k, v) in changed {
        if let Some(v) = v {
            emit(k, v)?;
        }
    }
    Ok(())
}

/// Writes through to `inner` and hashes what it wrote.
struct Hashing<W> {
    inner: W,
    hasher: blake3::Hasher,
}

impl<W: Write> Write for Hashing<W> {
    fn write(&mut self, bytes: &[u8]) -> std::io::Result<usize> {
        let n = self.inner.write(bytes)?;
        self.hasher.update(&bytes[..n]);
        Ok(n)
    }

    fn flush(&mut self) -> std::io::Result<()> {
        self.inner.flush()
    }
}

impl Store {
    /// Takes a backup of every tree as it was at one moment, in memory. For tests and
    /// benches; the bot and the command line stream one with `backup_to`.
    pub fn backup(&self, now: Timestamp) -> Result<Backup, StoreError> {
        let mut bytes = Vec::new();
        let (header, writes_held) = self.backup_to(now, &mut bytes, &std::env::temp_dir())?;
        Ok(Backup {
            bytes,
            header,
            writes_held,
        })
    }

    /// Writes a backup of every tree as it was at one moment to `out`. The trees are copied
    /// while writes go on, with sled telling which keys were written meanwhile; then writes
    /// are held only while those keys are read again, so the copy is the store at that moment.
    /// The copy waits in an unnamed file in `spool_dir` (gone when closed, even by a crash),
    /// not in memory: memory holds only the keys read again.
    pub fn backup_to(
        &self,
        now: Timestamp,
        out: &mut dyn Write,
        spool_dir: &Path,
    ) -> Result<(BackupHeader, Duration), StoreError> {
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
        let mut spool =
            std::io::BufWriter::new(tempfile::tempfile_in(spool_dir).map_err(spool_error)?);
        let mut counts = Vec::with_capacity(trees.len());
        for (_, tree) in &trees {
            let mut count = 0u64;
            for record in tree.iter() {
                let (key, value) = record?;
                put_record(&mut spool, &key, &value).map_err(spool_error)?;
                count += 1;
            }
            counts.push(count);
        }
        let mut spool = spool
            .into_inner()
            .map_err(|e| spool_error(e.into_error()))?;
        let mut patches: Vec<Patches> = vec![Patches::new(); trees.len()];
        let take = || std::mem::take(&mut *written.lock().unwrap_or_else(|e| e.into_inner()));
        let patch = |patches: &mut Vec<Patches>,
                     keys: HashSet<(usize, sled::IVec)>|
         -> Result<(), StoreError> {
            for (i, key) in keys {
                let value = trees[i].1.get(&key)?;
                patches[i].insert(key, value);
            }
            Ok(())
        };
        // Catch up while writes go on: each round reads again what was written during the
        // one before, so the last, held round is short even on a busy store.
        for _ in 0..CATCH_UP_ROUNDS {
            let keys = take();
            let few = keys.len() <= HELD_KEYS;
            patch(&mut patches, keys)?;
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
            patch(&mut patches, take())?;
            started.elapsed()
        };
        // Two passes over the spool: the counts first (the file gives each tree's before its
        // records), then the records.
        let mut merged_counts = Vec::with_capacity(trees.len());
        spool.seek(SeekFrom::Start(0)).map_err(spool_error)?;
        let mut reader = std::io::BufReader::new(&mut spool);
        for (count, changed) in counts.iter().zip(&patches) {
            let mut n = 0u64;
            merged(&mut reader, *count, changed, &mut |_, _| {
                n += 1;
                Ok(())
            })
            .map_err(spool_error)?;
            merged_counts.push(n);
        }
        drop(reader);
        let header = BackupHeader {
            schema_version: self.schema_version()?.unwrap_or(0),
            key_fingerprint: hex(&self.sealer.fingerprint()),
            taken_at: now.millis(),
            trees: trees.len() as u32,
            records: merged_counts.iter().sum(),
        };
        let header_json = serde_json::to_vec(&header).map_err(|e| StoreError::Corrupt {
            tree: "meta",
            reason: e.to_string(),
        })?;
        let written_out =
            |e: std::io::Error| StoreError::Backend(format!("writing the backup: {}", e.kind()));
        let mut file = Hashing {
            inner: std::io::BufWriter::new(out),
            hasher: blake3::Hasher::new(),
        };
        file.write_all(MAGIC).map_err(written_out)?;
        file.write_all(&FORMAT.to_be_bytes()).map_err(written_out)?;
        file.write_all(&(header_json.len() as u32).to_be_bytes())
            .map_err(written_out)?;
        file.write_all(&header_json).map_err(written_out)?;
        spool.seek(SeekFrom::Start(0)).map_err(spool_error)?;
        let mut reader = std::io::BufReader::new(&mut spool);
        for (((name, _), count), (changed, merged_count)) in trees
            .iter()
            .zip(&counts)
            .zip(patches.iter().zip(&merged_counts))
        {
            file.write_all(&(name.len() as u16).to_be_bytes())
                .map_err(written_out)?;
            file.write_all(name).map_err(written_out)?;
            file.write_all(&merged_count.to_be_bytes())
                .map_err(written_out)?;
            merged(&mut reader, *count, changed, &mut |key, value| {
                put_record(&mut file, key, value)
            })
            .map_err(written_out)?;
        }
        let checksum = file.hasher.finalize();
        let mut out = file.inner;
        out.write_all(checksum.as_bytes()).map_err(written_out)?;
        out.flush().map_err(written_out)?;
        Ok((header, writes_held))
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

/// One tree of a backup: its name, how many records, and the bytes of their keys and values.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TreeSize {
    pub name: String,
    pub records: u64,
    pub bytes: u64,
}

impl Contents {
    /// What each tree holds, largest first (what the live data is made of).
    pub fn sizes(&self) -> Vec<TreeSize> {
        let mut sizes: Vec<TreeSize> = self
            .trees
            .iter()
            .map(|(name, records)| TreeSize {
                name: String::from_utf8_lossy(name).into_owned(),
                records: records.len() as u64,
                bytes: records
                    .iter()
                    .map(|(k, v)| (k.len() + v.len()) as u64)
                    .sum(),
            })
            .collect();
        sizes.sort_by(|a, b| b.bytes.cmp(&a.bytes).then_with(|| a.name.cmp(&b.name)));
        sizes
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
        let path = dir.join(scheduled_name(now));
        let mut taken = None;
        write_file_with(&path, |file| {
            let backup = self
                .backup_to(now, file, dir)
                .map_err(|e| std::io::Error::other(e.kind()))?;
            taken = Some(backup);
            Ok(())
        })
        .map_err(io)?;
        let (header, writes_held) = taken.ok_or_else(|| {
            BackupError::Store(StoreError::Backend("the backup was not taken".into()))
        })?;
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
            header,
            writes_held,
            deleted,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_copied_tree_with_its_changes_laid_over_is_the_tree_at_the_end() -> std::io::Result<()> {
        let mut spool = Vec::new();
        for (k, v) in [("b", "1"), ("d", "2"), ("f", "3")] {
            put_record(&mut spool, k.as_bytes(), v.as_bytes())?;
        }
        let mut changes = Patches::new();
        changes.insert("a".into(), Some("new".into())); // before the first
        changes.insert("d".into(), Some("changed".into()));
        changes.insert("f".into(), None); // removed
        changes.insert("c".into(), None); // written and removed meanwhile
        changes.insert("g".into(), Some("last".into())); // after the last
        let mut got = Vec::new();
        merged(&mut spool.as_slice(), 3, &changes, &mut |k, v| {
            got.push((
                String::from_utf8_lossy(k).into_owned(),
                String::from_utf8_lossy(v).into_owned(),
            ));
            Ok(())
        })?;
        let want = [("a", "new"), ("b", "1"), ("d", "changed"), ("g", "last")];
        assert_eq!(
            got,
            want.map(|(k, v)| (k.to_string(), v.to_string())).to_vec()
        );
        Ok(())
    }

    #[test]
    fn a_backup_reads_back_and_a_changed_byte_is_caught() -> Result<(), StoreError> {
        let store = Store::temporary()?;
        store.record_handled_update(1, 2, Timestamp::from_millis(3))?;
        let backup = store.backup(Timestamp::from_millis(10))?;
        let path = Path::new("test.pbk");
        let contents = read(path, &backup.bytes).map_err(|e| StoreError::Backend(e.to_string()))?;
        assert_eq!(contents.header, backup.header);
        assert!(contents.header.records >= 3, "meta and the update at least");
        let sizes = contents.sizes();
        assert_eq!(
            sizes.iter().map(|t| t.records).sum::<u64>(),
            contents.header.records
        );
        let window = sizes.iter().find(|t| t.name == "botid_updatewindow");
        assert_eq!(window.map(|t| t.records), Some(1), "{sizes:?}");
        assert!(sizes.windows(2).all(|w| w[0].bytes >= w[1].bytes));
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
