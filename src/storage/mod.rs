//! The store: the only module that touches sled. A small typed API over named trees; no sled
//! type leaves this module, so another embedded store could replace it.
//!
//! Trees (named `key_value` after what maps to what) and their key grammar:
//! - `orgid_org`:         org id (UTF-8)                         → `OrgRecord` (JSON)
//! - `topic_orgid`:       topic code, 0xFF, org id               → empty (index)
//! - `region_orgid`:      region code or "national", 0xFF, org id → empty (index)
//! - `userblind_settings`: blinded user id (16 bytes)           → `SettingsRecord` (JSON)
//! - `chatblind_dialogue`: blinded chat id (16 bytes)           → dialogue state, sealed
//!
//! No tree is keyed by a raw Telegram id: ids are blinded with a keyed hash (`Sealer::blind`).
//! - `refcode_request`:   reference code ("R-7K3Q") → `RequestRecord` (JSON; description,
//!   contact and requester chat are sealed inside it)
//! - `refcode_referral`:  reference code, 0xFF, attempt (u16 big-endian) → `ReferralRecord`
//! - `refcode_waiting`:   reference code → `WaitingRecord` (JSON): a request whose organization
//!   could not take it, waiting for the requester to say whether to pass it on
//! - `orgid_refcode`:     org id, 0xFF, reference code           → empty (open referrals)
//! - `orgid_opencount`:   org id → how many open referrals (u64 big-endian; see open.rs)
//! - `respondby_refcode`: answer-by time, reference code, 0xFF, attempt → empty (pending
//!   referrals in time order; see deadlines.rs)
//! - `chatblind_refcode`: blinded chat id (16 bytes), reference code → empty (her requests)
//! - `seq_outbox`:        message id (u64 big-endian)            → outbox record (see outbox.rs)
//! - `invite_org`, `orgid_staff`, `userblind_orgid`: staff and invitations (see staff.rs)
//! - `hour_chatblind_chunk`: messages of the last 48 hours, per hour and chat (see sent.rs)
//! - `token_action`:      opaque callback ids (see tokens.rs)
//! - `orgid_pausedat`, `chatblind_unreachableat`: who can be reached (see availability.rs)
//! - `botid_updatewindow`: which update ids were handled, one window per bot (see updates.rs)
//! - `ecode_expert`, `ecode_orgid_answer`, `orgid_ecode`, `chatblind_ecode`: expert requests
//!   and organizations' answers (see expert.rs)
//! - `codeside_feedback`, `orgid_ratings`: questions after a cooperation and ratings (see
//!   feedback.rs)
//! - `materialid_material`, `materialid_hiddenat`: published materials (see materials.rs)
//! - `subject_kind_count`: counts for the limits against floods (see limits.rs)
//! - `chatblind_heldid_notice`: discreet notices held until shown (see held.rs)
//! - `seq_audit`:         the audit log, append-only (see audit.rs)
//! - `orgid_until_stage_reminded`: vetting reminders already sent (see directory.rs)
//! - `month_metric_count`: anonymous monthly counts for monitoring (see monitoring.rs)
//! - `orgid_proposal`:    staff's proposed changes waiting for a coordinator (see directory.rs)
//! - `staged_orgid_org`, `staged_topic_orgid`, `staged_region_orgid`: a directory being
//!   imported, only while an import runs (see import.rs)
//! - `treekey_quarantined`: tree name, 0xFF, the record's key → the record as it was (records
//!   that could not be read, moved aside so that scans go on; see `quarantine`)
//! - `meta`:              b"schema_version" → u32 big-endian; b"key_fingerprint" → 16 bytes
//!   (which key the store is sealed with); b"directory_loaded" → date;
//!   b"directory_staged" → date (an import to finish, see import.rs);
//!   b"webhook_secret" → the webhook's secret token, sealed (see webhook.rs);
//!   b"counter/<name>" → u64 big-endian (routing rotation, security events, unplaced requests)
//!
//! Sealed bytes and blinded ids inside a JSON record are base64 text; records written before
//! hold them as arrays of numbers, which still read (see bytes.rs).
//!
//! Every write a user is told about is followed by `flush()` before the reply is sent.

mod audit;
mod availability;
pub mod backup;
pub(crate) mod bytes;
pub mod crypto;
mod deadlines;
mod directory;
mod expert;
mod feedback;
mod files;
mod forget;
mod gate;
mod held;
mod import;
pub mod journal;
mod limits;
mod materials;
mod monitoring;
mod open;
mod outbox;
mod records;
mod referrals;
mod requests;
mod retention;
mod sent;
mod settings;
mod staff;
mod tokens;
mod updates;
mod webhook;

pub use audit::AuditFilter;
pub use directory::Proposal;
pub use expert::{ExpertChangeError, OrgAnswer};
pub use feedback::FeedbackAsk;
pub use forget::Forgotten;
pub use limits::Subject;
pub use outbox::{OutboxBody, OutboxEntry, Pending, Rendered};
pub use referrals::{ReferralChange, Waiting};
pub use staff::{INVITE_VALID_SECONDS, InvalidInvite, Member, PendingInvite};
pub use tokens::{TOKEN_VALID_SECONDS, TokenRefusal};

use std::path::{Path, PathBuf};

use gate::Tree;
use sled::Transactional;
use sled::transaction::{ConflictableTransactionError, TransactionError};

use crate::domain::Organization;
use records::OrgRecord;

/// The schema version this program writes. Older stores are migrated step by step.
pub const SCHEMA_VERSION: u32 = 8;

/// One step of the schema.
type Migration = fn(&Store) -> Result<(), StoreError>;

/// Migrations from version N to N+1 are at index N-1.
const MIGRATIONS: &[Migration] = &[
    migrate_1_to_2,
    migrate_2_to_3,
    migrate_3_to_4,
    migrate_4_to_5,
    migrate_5_to_6,
    migrate_6_to_7,
    migrate_7_to_8,
];

/// Version 7 looked for overdue referrals by reading every open one each minute; version 8
/// keeps the pending ones' answer-by times in order (`deadlines.rs`).
fn migrate_7_to_8(store: &Store) -> Result<(), StoreError> {
    store.migrate_deadlines_7_to_8()
}

/// Version 6 counted an organization's open referrals by reading its index entries; version
/// 7 keeps the counts beside the index (`open.rs`).
fn migrate_6_to_7(store: &Store) -> Result<(), StoreError> {
    store.migrate_open_counts_6_to_7()
}

/// Version 5 kept a key per message sent or received (for `/forget`, 48 hours); version 6
/// keeps them in chunks per hour and chat, expired an hour at a time (`sent.rs`).
fn migrate_5_to_6(store: &Store) -> Result<(), StoreError> {
    store.migrate_messages_5_to_6()
}

/// Version 4 kept a record per handled update id (and swept them hourly); version 5 keeps one
/// window per bot (`updates.rs`). The old records are dropped: an update handled just before
/// the upgrade and delivered again after it would be handled again, and its effects' own
/// guards (a consumed draft, a stale button) make that harmless.
fn migrate_4_to_5(store: &Store) -> Result<(), StoreError> {
    store.db.drop_tree("botid_updateid_seenat")?;
    Ok(())
}

/// Version 3 kept invitation codes as written and staff as a chat id; version 4 keeps codes
/// as keyed hashes and staff with a label and the days they joined and were last active.
fn migrate_3_to_4(store: &Store) -> Result<(), StoreError> {
    store.migrate_staff_3_to_4(chrono::Utc::now().date_naive())
}

/// Version 2 queued rendered messages; version 3 queues typed notices the adapter renders
/// when it delivers them, and keeps the rendering. Queued messages become renderings.
fn migrate_2_to_3(store: &Store) -> Result<(), StoreError> {
    store.migrate_outbox_2_to_3()
}

/// Version 1 keyed settings and dialogue by raw Telegram ids. Settings are re-keyed by the
/// blinded id; dialogue states are dropped (those users start again from the menu).
fn migrate_1_to_2(store: &Store) -> Result<(), StoreError> {
    let old_settings = store.db.open_tree("userid_settings")?;
    for item in old_settings.iter() {
        let (key, value) = item?;
        let id: [u8; 8] = key.as_ref().try_into().map_err(|_| StoreError::Corrupt {
            tree: "userid_settings",
            reason: "key is not an i64".into(),
        })?;
        store
            .userblind_settings
            .insert(store.sealer.blind(&id), value)?;
    }
    store.db.flush()?;
    store.db.drop_tree("userid_settings")?;
    store.db.drop_tree("chatid_dialogue")?;
    Ok(())
}

const SCHEMA_KEY: &[u8] = b"schema_version";
/// A file beside sled's, made once the store exists: a store that later opens empty beside it
/// was damaged, not new (see `StoreError::Lost`).
pub const STORE_MARKER: &str = "poruch.store";
const KEY_FINGERPRINT: &[u8] = b"key_fingerprint";
/// The key file's default name inside the data directory.
pub const KEY_FILE: &str = "poruch.key";
const DIRECTORY_KEY: &[u8] = b"directory_loaded";
const SEP: u8 = 0xFF;

#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    #[error("the data directory {0} is in use by another Poruch process (is the bot running?)")]
    Locked(PathBuf),
    #[error("{path} can be read by other users; run: chmod -R go-rwx {dir}")]
    Exposed { path: PathBuf, dir: PathBuf },
    #[error("the store in {0} was sealed with another key (check PORUCH_KEY_FILE)")]
    WrongKey(PathBuf),
    #[error(
        "the store in {0} lost its records (its files are damaged); restore the last backup into an empty directory: poruch restore <backup file>"
    )]
    Lost(PathBuf),
    #[error("the store was written by a newer Poruch (schema {found}, this one knows {supported})")]
    TooNew { found: u32, supported: u32 },
    #[error("a record in {tree} cannot be read: {reason}")]
    Corrupt { tree: &'static str, reason: String },
    #[error("storage failure: {0}")]
    Backend(String),
    #[error(transparent)]
    Crypto(#[from] crypto::CryptoError),
    #[error("no such request or referral")]
    NotFound,
    #[error("the record changed meanwhile")]
    Stale,
    #[error(transparent)]
    Illegal(#[from] crate::domain::referral::IllegalTransition),
}

impl StoreError {
    /// What kind of failure this is, for logs: never a record's content, a path or an id.
    pub fn kind(&self) -> &'static str {
        match self {
            StoreError::Locked(_) => "store locked",
            StoreError::Exposed { .. } => "store readable by others",
            StoreError::WrongKey(_) => "store sealed with another key",
            StoreError::Lost(_) => "store lost its records",
            StoreError::TooNew { .. } => "store from a newer version",
            StoreError::Corrupt { tree, .. } => tree,
            StoreError::Backend(_) => "storage failure",
            StoreError::Crypto(_) => "a record does not open",
            StoreError::NotFound => "not found",
            StoreError::Stale => "changed meanwhile",
            StoreError::Illegal(_) => "illegal transition",
        }
    }
}

/// Makes every file this process creates from now on readable by its user only (umask 077):
/// the store's files hold sealed data and metadata that must not leak to other local users.
pub fn private_files() {
    #[cfg(unix)]
    // SAFETY: umask only sets the process's file mode creation mask; it cannot fail.
    unsafe {
        libc::umask(0o077);
    }
}

/// Refuses a data directory that other users can read: the directory or anything in it with
/// a group or other permission bit.
#[cfg(unix)]
fn check_private(dir: &Path) -> Result<(), StoreError> {
    use std::os::unix::fs::PermissionsExt;
    let mut stack = vec![dir.to_path_buf()];
    while let Some(path) = stack.pop() {
        let meta = std::fs::symlink_metadata(&path)
            .map_err(|e| StoreError::Backend(format!("cannot read the data directory: {e}")))?;
        if meta.permissions().mode() & 0o077 != 0 {
            return Err(StoreError::Exposed {
                path,
                dir: dir.to_path_buf(),
            });
        }
        if meta.is_dir() {
            let entries = std::fs::read_dir(&path)
                .map_err(|e| StoreError::Backend(format!("cannot read the data directory: {e}")))?;
            for entry in entries.flatten() {
                stack.push(entry.path());
            }
        }
    }
    Ok(())
}

#[cfg(not(unix))]
fn check_private(_: &Path) -> Result<(), StoreError> {
    Ok(())
}

impl From<sled::Error> for StoreError {
    fn from(e: sled::Error) -> Self {
        StoreError::Backend(e.to_string())
    }
}

impl From<TransactionError<StoreError>> for StoreError {
    fn from(e: TransactionError<StoreError>) -> Self {
        match e {
            TransactionError::Abort(e) => e,
            TransactionError::Storage(e) => e.into(),
        }
    }
}

/// Where a store lives: its directory and its key file.
#[derive(Debug, Clone)]
pub struct StoreLocation {
    pub dir: PathBuf,
    pub key: PathBuf,
    /// The most memory sled's page cache may take, in bytes.
    pub cache_bytes: u64,
}

/// sled's page cache unless `PORUCH_CACHE_MB` says otherwise: sled's own default (1 GiB)
/// would let the cache grow past a small server's memory. sled counts the cache by the size
/// of pages on disk, and holds them in memory at about 2.5 times that (heaptrack), so 8 MB
/// is about 20 MB of memory; a page not cached is read from the kernel's file cache, which
/// resident memory does not count. The soak measured no slower replies at 16 than at 48,
/// nor at 8 than at 16 (the resident plateau 150 → 128 MB).
pub const DEFAULT_CACHE_MB: u64 = 8;

impl StoreLocation {
    /// The directory, with the key file inside it unless `key` names another place.
    pub fn new(dir: PathBuf, key: Option<PathBuf>) -> StoreLocation {
        let key = key.unwrap_or_else(|| dir.join(KEY_FILE));
        StoreLocation {
            dir,
            key,
            cache_bytes: DEFAULT_CACHE_MB * 1024 * 1024,
        }
    }

    /// The same with another cache size.
    pub fn with_cache_mb(mut self, mb: u64) -> StoreLocation {
        self.cache_bytes = mb.saturating_mul(1024 * 1024);
        self
    }
}

/// The persistent store of one Poruch instance.
#[derive(Clone)]
pub struct Store {
    db: sled::Db,
    orgid_org: Tree,
    topic_orgid: Tree,
    region_orgid: Tree,
    userblind_settings: Tree,
    chatblind_dialogue: Tree,
    refcode_request: Tree,
    refcode_referral: Tree,
    refcode_waiting: Tree,
    respondby_refcode: Tree,
    chatblind_heldid_notice: Tree,
    orgid_refcode: Tree,
    orgid_opencount: Tree,
    chatblind_refcode: Tree,
    seq_outbox: Tree,
    invite_org: Tree,
    orgid_staff: Tree,
    userblind_orgid: Tree,
    hour_chatblind_chunk: Tree,
    token_action: Tree,
    orgid_pausedat: Tree,
    chatblind_unreachableat: Tree,
    botid_updatewindow: Tree,
    ecode_expert: Tree,
    ecode_orgid_answer: Tree,
    orgid_ecode: Tree,
    chatblind_ecode: Tree,
    codeside_feedback: Tree,
    orgid_ratings: Tree,
    materialid_material: Tree,
    materialid_hiddenat: Tree,
    treekey_quarantined: Tree,
    subject_kind_count: Tree,
    seq_audit: Tree,
    orgid_until_stage_reminded: Tree,
    orgid_proposal: Tree,
    month_metric_count: Tree,
    meta: Tree,
    sealer: std::sync::Arc<crypto::Sealer>,
    gate: std::sync::Arc<gate::Gate>,
    /// Where /forget is journaled for restores (see journal.rs); none: not journaled.
    journal: Option<std::sync::Arc<PathBuf>>,
    flushes: std::sync::Arc<GroupCommit>,
}

/// The state of shared flushes: tickets drawn by callers, and the last ticket made durable.
#[derive(Default)]
struct GroupCommit {
    requested: std::sync::atomic::AtomicU64,
    durable: std::sync::atomic::AtomicU64,
    turn: tokio::sync::Mutex<()>,
}

/// Maps a record that does not (de)serialize to `StoreError::Corrupt` naming its tree.
fn corrupt(tree: &'static str) -> impl Fn(serde_json::Error) -> StoreError {
    move |e| StoreError::Corrupt {
        tree,
        reason: e.to_string(),
    }
}

fn index_key(prefix: &str, id: &str) -> Vec<u8> {
    let mut key = Vec::with_capacity(prefix.len() + 1 + id.len());
    key.extend_from_slice(prefix.as_bytes());
    key.push(SEP);
    key.extend_from_slice(id.as_bytes());
    key
}

fn is_lock_error(e: &sled::Error) -> bool {
    match e {
        sled::Error::Io(io) => {
            io.kind() == std::io::ErrorKind::WouldBlock
                || io.to_string().contains("could not acquire lock")
        }
        _ => false,
    }
}

impl Store {
    /// Opens (or creates) the store in `dir` with its key at `dir/poruch.key`.
    pub fn open(dir: &Path) -> Result<Store, StoreError> {
        Self::open_with_key(dir, &dir.join(KEY_FILE))
    }

    /// Like `open`, but waits up to `wait` for the lock: sled releases it from background
    /// threads a moment after the last handle in this process is dropped.
    pub fn open_waiting(dir: &Path, wait: std::time::Duration) -> Result<Store, StoreError> {
        let deadline = std::time::Instant::now() + wait;
        loop {
            match Self::open(dir) {
                Err(StoreError::Locked(_)) if std::time::Instant::now() < deadline => {
                    std::thread::sleep(std::time::Duration::from_millis(20));
                }
                other => return other,
            }
        }
    }

    pub fn open_at(at: &StoreLocation) -> Result<Store, StoreError> {
        Self::open_with_cache(&at.dir, &at.key, at.cache_bytes)
    }

    /// The same, waiting up to `wait` for a handle just dropped (in this process or one that
    /// is ending) to let go of the lock: sled's flusher thread may hold it a moment longer.
    pub fn open_at_waiting(
        at: &StoreLocation,
        wait: std::time::Duration,
    ) -> Result<Store, StoreError> {
        let deadline = std::time::Instant::now() + wait;
        loop {
            match Self::open_at(at) {
                Err(StoreError::Locked(_)) if std::time::Instant::now() < deadline => {
                    std::thread::sleep(std::time::Duration::from_millis(20));
                }
                other => return other,
            }
        }
    }

    /// Opens (or creates) the store in `dir`, migrating it to the current schema; the key
    /// that seals private fields is read from (or created at) `key`.
    ///
    /// The directory is created private (0700) and files in it are created 0600; a directory
    /// or file others can read is refused, as is a key other than the one the store was
    /// sealed with (and a missing key next to an existing store).
    pub fn open_with_key(dir: &Path, key: &Path) -> Result<Store, StoreError> {
        Self::open_with_cache(dir, key, DEFAULT_CACHE_MB * 1024 * 1024)
    }

    /// The same, with sled's page cache limited to `cache_bytes`.
    pub fn open_with_cache(dir: &Path, key: &Path, cache_bytes: u64) -> Result<Store, StoreError> {
        private_files();
        if dir.exists() {
            check_private(dir)?;
        }
        let config = sled::Config::new().path(dir).cache_capacity(cache_bytes);
        let db = config.open().map_err(|e| {
            if is_lock_error(&e) {
                StoreError::Locked(dir.to_path_buf())
            } else {
                StoreError::from(e)
            }
        })?;
        let existed = db.open_tree("meta")?.contains_key(SCHEMA_KEY)?;
        // A store that was made here before and now has no schema version was not emptied
        // by anyone: its files are damaged and sled recovered what it could — nothing.
        let marker = dir.join(STORE_MARKER);
        if !existed && marker.exists() {
            return Err(StoreError::Lost(dir.to_path_buf()));
        }
        let sealer = if existed {
            crypto::Sealer::load(key)?
        } else {
            crypto::Sealer::load_or_create(key)?
        };
        let store = Self::from_db(db, sealer).map_err(|e| match e {
            StoreError::WrongKey(_) => StoreError::WrongKey(dir.to_path_buf()),
            other => other,
        })?;
        if !marker.exists() {
            std::fs::write(&marker, b"a Poruch store lives here\n")
                .and_then(|()| std::fs::File::open(dir)?.sync_all())
                .map_err(|e| StoreError::Backend(format!("cannot mark the store: {e}")))?;
        }
        Ok(store)
    }

    /// A store that lives only in memory, for tests.
    pub fn temporary() -> Result<Store, StoreError> {
        Self::from_db(
            sled::Config::new().temporary(true).open()?,
            crypto::Sealer::ephemeral(),
        )
    }

    fn from_db(db: sled::Db, sealer: crypto::Sealer) -> Result<Store, StoreError> {
        let gate = std::sync::Arc::new(gate::Gate::default());
        let store = Store {
            orgid_org: Tree::new(db.open_tree("orgid_org")?, gate.clone()),
            topic_orgid: Tree::new(db.open_tree("topic_orgid")?, gate.clone()),
            region_orgid: Tree::new(db.open_tree("region_orgid")?, gate.clone()),
            userblind_settings: Tree::new(db.open_tree("userblind_settings")?, gate.clone()),
            chatblind_dialogue: Tree::new(db.open_tree("chatblind_dialogue")?, gate.clone()),
            refcode_request: Tree::new(db.open_tree("refcode_request")?, gate.clone()),
            refcode_referral: Tree::new(db.open_tree("refcode_referral")?, gate.clone()),
            refcode_waiting: Tree::new(db.open_tree("refcode_waiting")?, gate.clone()),
            respondby_refcode: Tree::new(db.open_tree("respondby_refcode")?, gate.clone()),
            chatblind_heldid_notice: Tree::new(
                db.open_tree("chatblind_heldid_notice")?,
                gate.clone(),
            ),
            orgid_refcode: Tree::new(db.open_tree("orgid_refcode")?, gate.clone()),
            orgid_opencount: Tree::new(db.open_tree("orgid_opencount")?, gate.clone()),
            chatblind_refcode: Tree::new(db.open_tree("chatblind_refcode")?, gate.clone()),
            seq_outbox: Tree::new(db.open_tree("seq_outbox")?, gate.clone()),
            invite_org: Tree::new(db.open_tree("invite_org")?, gate.clone()),
            orgid_staff: Tree::new(db.open_tree("orgid_staff")?, gate.clone()),
            userblind_orgid: Tree::new(db.open_tree("userblind_orgid")?, gate.clone()),
            hour_chatblind_chunk: Tree::new(db.open_tree("hour_chatblind_chunk")?, gate.clone()),
            token_action: Tree::new(db.open_tree("token_action")?, gate.clone()),
            orgid_pausedat: Tree::new(db.open_tree("orgid_pausedat")?, gate.clone()),
            chatblind_unreachableat: Tree::new(
                db.open_tree("chatblind_unreachableat")?,
                gate.clone(),
            ),
            botid_updatewindow: Tree::new(db.open_tree("botid_updatewindow")?, gate.clone()),
            ecode_expert: Tree::new(db.open_tree("ecode_expert")?, gate.clone()),
            ecode_orgid_answer: Tree::new(db.open_tree("ecode_orgid_answer")?, gate.clone()),
            orgid_ecode: Tree::new(db.open_tree("orgid_ecode")?, gate.clone()),
            chatblind_ecode: Tree::new(db.open_tree("chatblind_ecode")?, gate.clone()),
            codeside_feedback: Tree::new(db.open_tree("codeside_feedback")?, gate.clone()),
            orgid_ratings: Tree::new(db.open_tree("orgid_ratings")?, gate.clone()),
            materialid_material: Tree::new(db.open_tree("materialid_material")?, gate.clone()),
            materialid_hiddenat: Tree::new(db.open_tree("materialid_hiddenat")?, gate.clone()),
            treekey_quarantined: Tree::new(db.open_tree("treekey_quarantined")?, gate.clone()),
            subject_kind_count: Tree::new(db.open_tree("subject_kind_count")?, gate.clone()),
            seq_audit: Tree::new(db.open_tree("seq_audit")?, gate.clone()),
            orgid_until_stage_reminded: Tree::new(
                db.open_tree("orgid_until_stage_reminded")?,
                gate.clone(),
            ),
            orgid_proposal: Tree::new(db.open_tree("orgid_proposal")?, gate.clone()),
            month_metric_count: Tree::new(db.open_tree("month_metric_count")?, gate.clone()),
            meta: Tree::new(db.open_tree("meta")?, gate.clone()),
            sealer: std::sync::Arc::new(sealer),
            gate,
            journal: None,
            flushes: Default::default(),
            db,
        };
        store.check_key()?;
        store.migrate()?;
        store.finish_staged_import()?;
        Ok(store)
    }

    /// Refuses a key other than the one the store was sealed with; remembers the key of a
    /// store that has none yet (a new store, or one from before fingerprints).
    fn check_key(&self) -> Result<(), StoreError> {
        let fingerprint = self.sealer.fingerprint();
        match self.meta.get(KEY_FINGERPRINT)? {
            Some(stored) if stored.as_ref() == fingerprint.as_slice() => Ok(()),
            Some(_) => Err(StoreError::WrongKey(PathBuf::new())),
            None => {
                self.meta.insert(KEY_FINGERPRINT, fingerprint.as_slice())?;
                self.db.flush()?;
                Ok(())
            }
        }
    }

    pub fn schema_version(&self) -> Result<Option<u32>, StoreError> {
        match self.meta.get(SCHEMA_KEY)? {
            None => Ok(None),
            Some(bytes) => {
                let arr: [u8; 4] = bytes.as_ref().try_into().map_err(|_| StoreError::Corrupt {
                    tree: "meta",
                    reason: "schema version is not 4 bytes".into(),
                })?;
                Ok(Some(u32::from_be_bytes(arr)))
            }
        }
    }

    fn migrate(&self) -> Result<(), StoreError> {
        let mut version = match self.schema_version()? {
            None => {
                self.meta
                    .insert(SCHEMA_KEY, &SCHEMA_VERSION.to_be_bytes())?;
                self.db.flush()?;
                return Ok(());
            }
            Some(v) => v,
        };
        if version > SCHEMA_VERSION {
            return Err(StoreError::TooNew {
                found: version,
                supported: SCHEMA_VERSION,
            });
        }
        while version < SCHEMA_VERSION {
            let step = MIGRATIONS
                .get(version as usize - 1)
                .ok_or_else(|| StoreError::Corrupt {
                    tree: "meta",
                    reason: format!("no migration from schema {version}"),
                })?;
            step(self)?;
            version += 1;
            self.meta.insert(SCHEMA_KEY, &version.to_be_bytes())?;
            self.db.flush()?;
        }
        Ok(())
    }

    /// Makes every write so far durable. Blocking; see `flush` for async callers.
    pub fn flush_blocking(&self) -> Result<(), StoreError> {
        self.db.flush()?;
        Ok(())
    }

    /// Makes every write so far durable without blocking the async runtime. sled's own
    /// `flush_async` deadlocks when awaited concurrently (sled issue 1308), so `flush()` runs
    /// on a blocking thread. Concurrent callers share flushes (group commit): a caller whose
    /// writes were already covered by a flush that started after its request returns at once.
    pub async fn flush(&self) -> Result<(), StoreError> {
        use std::sync::atomic::Ordering;
        let group = &self.flushes;
        // Every write this caller made happened before this ticket was drawn.
        let ticket = group.requested.fetch_add(1, Ordering::SeqCst) + 1;
        let _turn = group.turn.lock().await;
        if group.durable.load(Ordering::SeqCst) >= ticket {
            return Ok(());
        }
        // Tickets drawn so far belong to writes made before this flush starts.
        let covered = group.requested.load(Ordering::SeqCst);
        let db = self.db.clone();
        tokio::task::spawn_blocking(move || db.flush())
            .await
            .map_err(|e| StoreError::Backend(format!("flush task failed: {e}")))??;
        group.durable.fetch_max(covered, Ordering::SeqCst);
        Ok(())
    }

    /// A code from four random bytes that is not yet a key of `tree`.
    fn unused_code(tree: &sled::Tree, make: fn([u8; 4]) -> String) -> Result<String, StoreError> {
        for _ in 0..64 {
            let code = make(crypto::Sealer::random4());
            if !tree.contains_key(code.as_bytes())? {
                return Ok(code);
            }
        }
        Err(StoreError::Backend("no free code after 64 draws".into()))
    }

    // --- records that cannot be read ---

    /// Moves a record that cannot be read (sealed with another key, damaged, from a format
    /// this version does not know) out of its tree, so that the scan that met it — delivery,
    /// retention, /forget — goes on; counted (`quarantined`) and logged by tree only.
    pub(crate) fn quarantine(
        &self,
        tree: &sled::Tree,
        name: &'static str,
        key: &[u8],
    ) -> Result<(), StoreError> {
        let _writing = self.gate.shared();
        let mut aside = name.as_bytes().to_vec();
        aside.push(SEP);
        aside.extend_from_slice(key);
        (tree, &*self.treekey_quarantined).transaction(|(from, to)| {
            if let Some(value) = from.remove(key)? {
                to.insert(aside.as_slice(), value)?;
            }
            Ok::<(), ConflictableTransactionError<StoreError>>(())
        })?;
        let total = self.bump_counter("quarantined")?;
        tracing::warn!(tree = name, total, "an unreadable record was moved aside");
        Ok(())
    }

    /// How many records were moved aside.
    pub fn quarantined(&self) -> Result<usize, StoreError> {
        Ok(self.treekey_quarantined.len())
    }

    // --- counters ---

    /// Adds one to a named counter and returns the new value.
    pub fn bump_counter(&self, name: &str) -> Result<u64, StoreError> {
        let key = format!("counter/{name}");
        let next = self.meta.update_and_fetch(key.as_bytes(), |old| {
            let n = old
                .and_then(|b| <[u8; 8]>::try_from(b).ok())
                .map(u64::from_be_bytes)
                .unwrap_or(0);
            Some((n + 1).to_be_bytes().to_vec())
        })?;
        Ok(next
            .and_then(|b| <[u8; 8]>::try_from(b.as_ref()).ok())
            .map(u64::from_be_bytes)
            .unwrap_or(0))
    }

    /// A named counter's value (0 if never bumped).
    pub fn counter(&self, name: &str) -> Result<u64, StoreError> {
        let key = format!("counter/{name}");
        Ok(self
            .meta
            .get(key.as_bytes())?
            .and_then(|b| <[u8; 8]>::try_from(b.as_ref()).ok())
            .map(u64::from_be_bytes)
            .unwrap_or(0))
    }

    // --- the directory ---

    /// Whether a directory was ever loaded into this store.
    pub fn has_directory(&self) -> Result<bool, StoreError> {
        Ok(self.meta.get(DIRECTORY_KEY)?.is_some())
    }

    /// Every organization of the directory, in id order.
    pub fn organizations(&self) -> Result<Vec<Organization>, StoreError> {
        self.orgid_org
            .iter()
            .values()
            .map(|v| {
                let bytes = v?;
                let record: OrgRecord =
                    serde_json::from_slice(&bytes).map_err(corrupt("orgid_org"))?;
                Ok(record.into())
            })
            .collect()
    }

    fn index_ids(tree: &sled::Tree, prefix: &str) -> Result<Vec<String>, StoreError> {
        let mut p = prefix.as_bytes().to_vec();
        p.push(SEP);
        tree.scan_prefix(&p)
            .keys()
            .map(|k| {
                let k = k?;
                Ok(String::from_utf8_lossy(&k[p.len()..]).into_owned())
            })
            .collect()
    }

    /// Ids of the organizations with a topic, from the topic index.
    pub fn organization_ids_with_topic(&self, topic: &str) -> Result<Vec<String>, StoreError> {
        Self::index_ids(&self.topic_orgid, topic)
    }

    /// Ids of the organizations naming a region (or "national"), from the region index.
    pub fn organization_ids_in_region(&self, region: &str) -> Result<Vec<String>, StoreError> {
        Self::index_ids(&self.region_orgid, region)
    }

    // --- dialogue state (opaque bytes; the bot layer owns their format) ---

    fn dialogue_key(&self, chat_id: i64) -> [u8; 16] {
        self.sealer.blind(&chat_id.to_be_bytes())
    }

    /// A chat's dialogue state. A state that does not open (another key, tampering) is an
    /// error; the dialogue storage treats it as "start from the menu".
    pub fn dialogue(&self, chat_id: i64) -> Result<Option<Vec<u8>>, StoreError> {
        let key = self.dialogue_key(chat_id);
        match self.chatblind_dialogue.get(key)? {
            None => Ok(None),
            Some(sealed) => Ok(Some(self.sealer.open(&sealed, &dialogue_place(&key))?)),
        }
    }

    /// Stores a chat's dialogue state, sealed: it may hold what a requester is typing.
    pub fn set_dialogue(&self, chat_id: i64, state: &[u8]) -> Result<(), StoreError> {
        let key = self.dialogue_key(chat_id);
        let sealed = self.sealer.seal(state, &dialogue_place(&key))?;
        self.chatblind_dialogue.insert(key, sealed)?;
        Ok(())
    }

    pub fn remove_dialogue(&self, chat_id: i64) -> Result<(), StoreError> {
        self.chatblind_dialogue.remove(self.dialogue_key(chat_id))?;
        Ok(())
    }
}

/// For tests: a temporary directory only its user can read, as a data directory must be.
#[cfg(test)]
pub(crate) fn private_tempdir() -> std::io::Result<tempfile::TempDir> {
    let mut builder = tempfile::Builder::new();
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        builder.permissions(std::fs::Permissions::from_mode(0o700));
    }
    builder.tempdir()
}

/// For tests: reads every file under `dir` and asserts that none holds any of `secrets`, and
/// that some file holds `plain` (if given) — proof that the scan reads the store at all.
#[cfg(test)]
pub(crate) fn assert_not_on_disk(dir: &Path, secrets: &[&[u8]], plain: Option<&[u8]>) {
    let mut plain_seen = plain.is_none();
    let mut stack = vec![dir.to_path_buf()];
    while let Some(path) = stack.pop() {
        if path.is_dir() {
            if let Ok(entries) = std::fs::read_dir(&path) {
                stack.extend(entries.filter_map(|e| e.ok().map(|e| e.path())));
            }
            continue;
        }
        let Ok(bytes) = std::fs::read(&path) else {
            continue;
        };
        let holds = |needle: &[u8]| bytes.windows(needle.len()).any(|w| w == needle);
        plain_seen |= plain.is_some_and(holds);
        for secret in secrets {
            assert!(!holds(secret), "{} holds a secret", path.display());
        }
    }
    assert!(
        plain_seen,
        "the store's plain fields were not found on disk"
    );
}

fn dialogue_place(key: &[u8; 16]) -> Vec<u8> {
    let mut place = b"chatblind_dialogue/".to_vec();
    place.extend_from_slice(key);
    place
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::Lang;
    use crate::domain::organization::fixtures::org;

    #[test]
    fn directory_replacement_is_total_and_indexed() -> Result<(), Box<dyn std::error::Error>> {
        let store = Store::temporary()?;
        assert!(!store.has_directory()?);
        store.replace_directory(
            &[
                org("a", &["crsv"], &["UA-12"]),
                org("b", &["crsv"], &["national"]),
            ],
            "2026-11-22",
        )?;
        store.replace_directory(&[org("c", &["legal-aid"], &["UA-46"])], "2026-11-22")?;
        let ids: Vec<String> = store.organizations()?.into_iter().map(|o| o.id).collect();
        assert_eq!(ids, vec!["c"]);
        assert!(store.organization_ids_with_topic("crsv")?.is_empty());
        assert_eq!(store.organization_ids_with_topic("legal-aid")?, vec!["c"]);
        assert_eq!(store.organization_ids_in_region("UA-46")?, vec!["c"]);
        assert!(store.has_directory()?);
        Ok(())
    }

    #[test]
    fn organizations_round_trip_through_their_records() -> Result<(), Box<dyn std::error::Error>> {
        let store = Store::temporary()?;
        let original = org("a", &["crsv", "legal-aid"], &["UA-12", "UA-30"]);
        store.replace_directory(std::slice::from_ref(&original), "2026-11-22")?;
        assert_eq!(store.organizations()?, vec![original]);
        Ok(())
    }

    #[test]
    fn language_and_dialogue_are_kept_per_user() -> Result<(), Box<dyn std::error::Error>> {
        let store = Store::temporary()?;
        assert_eq!(store.user_language(7)?, None);
        store.set_user_language(7, Lang::En)?;
        assert_eq!(store.user_language(7)?, Some(Lang::En));
        assert_eq!(store.user_language(8)?, None);
        store.set_dialogue(-5, b"state")?;
        assert_eq!(store.dialogue(-5)?.as_deref(), Some(&b"state"[..]));
        store.remove_dialogue(-5)?;
        assert_eq!(store.dialogue(-5)?, None);
        Ok(())
    }

    #[test]
    fn a_store_is_reopened_with_its_data_and_locked_while_open()
    -> Result<(), Box<dyn std::error::Error>> {
        let dir = crate::storage::private_tempdir()?;
        {
            let store = Store::open(dir.path())?;
            store.set_user_language(1, Lang::En)?;
            store.flush_blocking()?;
            assert!(matches!(
                Store::open(dir.path()),
                Err(StoreError::Locked(_))
            ));
        }
        let store = Store::open_waiting(dir.path(), std::time::Duration::from_secs(5))?;
        assert_eq!(store.user_language(1)?, Some(Lang::En));
        assert_eq!(store.schema_version()?, Some(SCHEMA_VERSION));
        Ok(())
    }

    #[test]
    fn a_version_1_store_is_migrated_to_blinded_keys() -> Result<(), Box<dyn std::error::Error>> {
        private_files();
        let dir = crate::storage::private_tempdir()?;
        {
            // What version 1 wrote: raw user ids as keys.
            let db = sled::open(dir.path())?;
            db.open_tree("meta")?
                .insert(SCHEMA_KEY, &1u32.to_be_bytes())?;
            db.open_tree("userid_settings")?
                .insert(42i64.to_be_bytes(), br#"{"lang":"en"}"#.as_slice())?;
            db.open_tree("chatid_dialogue")?
                .insert(42i64.to_be_bytes(), b"\"Idle\"".as_slice())?;
            db.flush()?;
            // Version 1 had its key file too.
            crypto::Sealer::load_or_create(&dir.path().join(KEY_FILE))?;
        }
        let store = Store::open_waiting(dir.path(), std::time::Duration::from_secs(5))?;
        assert_eq!(store.schema_version()?, Some(SCHEMA_VERSION));
        assert_eq!(store.user_language(42)?, Some(Lang::En));
        assert_eq!(store.dialogue(42)?, None);
        let names: Vec<Vec<u8>> = store
            .db
            .tree_names()
            .into_iter()
            .map(|n| n.to_vec())
            .collect();
        assert!(!names.contains(&b"userid_settings".to_vec()));
        assert!(!names.contains(&b"chatid_dialogue".to_vec()));
        Ok(())
    }

    #[test]
    fn a_version_2_outbox_is_migrated_to_renderings() -> Result<(), Box<dyn std::error::Error>> {
        let dir = crate::storage::private_tempdir()?;
        {
            let store = Store::open(dir.path())?;
            store.enqueue_legacy(42, "<b>queued by version 2</b>")?;
            store.meta.insert(SCHEMA_KEY, &2u32.to_be_bytes())?;
            store.flush_blocking()?;
        }
        let store = Store::open_waiting(dir.path(), std::time::Duration::from_secs(5))?;
        assert_eq!(store.schema_version()?, Some(SCHEMA_VERSION));
        let due = store.due(crate::domain::Timestamp::from_millis(0), 10)?;
        assert_eq!(due.len(), 1);
        assert_eq!(due[0].entry.chat_id, 42);
        let OutboxBody::Rendered(r) = &due[0].entry.body else {
            return Err("not a rendering".into());
        };
        assert_eq!(r.parts, vec!["<b>queued by version 2</b>".to_string()]);
        assert!(r.protect_content && r.keyboard.is_none() && r.delivered == 0);
        Ok(())
    }

    #[test]
    fn a_version_3_store_keeps_its_staff_and_invitations() -> Result<(), Box<dyn std::error::Error>>
    {
        let dir = crate::storage::private_tempdir()?;
        {
            let store = Store::open(dir.path())?;
            store.join_as_schema_3("org-a", 7, 70, "abcdefghjk")?;
            store.meta.insert(SCHEMA_KEY, &3u32.to_be_bytes())?;
            store.flush_blocking()?;
        }
        let store = Store::open_waiting(dir.path(), std::time::Duration::from_secs(5))?;
        assert_eq!(store.schema_version()?, Some(SCHEMA_VERSION));
        assert_eq!(store.staff_org(7)?, Some("org-a".into()));
        let members = store.staff_members("org-a")?;
        assert_eq!((members[0].chat, members[0].label.as_str()), (70, ""));
        assert_eq!(
            store.invite_for("abcdefghjk", crate::domain::Timestamp::from_secs(0))?,
            Some("org-a".into())
        );
        Ok(())
    }

    #[test]
    fn a_version_5_store_keeps_the_messages_forget_deletes()
    -> Result<(), Box<dyn std::error::Error>> {
        let dir = crate::storage::private_tempdir()?;
        let at = crate::domain::Timestamp::from_millis;
        {
            let store = Store::open(dir.path())?;
            let old = store.db.open_tree("chatblind_sentat_msgid")?;
            for (chat, ms, id) in [(1i64, 1_000u64, 10i32), (1, 4_000_000, 11), (2, 2_000, 20)] {
                let mut key = store.sealer.blind(&chat.to_be_bytes()).to_vec();
                key.extend_from_slice(&ms.to_be_bytes());
                key.extend_from_slice(&id.to_be_bytes());
                old.insert(key, &[])?;
            }
            store.meta.insert(SCHEMA_KEY, &5u32.to_be_bytes())?;
            store.flush_blocking()?;
        }
        let store = Store::open_waiting(dir.path(), std::time::Duration::from_secs(5))?;
        assert_eq!(store.schema_version()?, Some(SCHEMA_VERSION));
        assert_eq!(store.recent_messages(1, at(5_000_000))?, vec![10, 11]);
        assert_eq!(store.recent_messages(2, at(5_000_000))?, vec![20]);
        assert!(
            !store
                .db
                .tree_names()
                .contains(&b"chatblind_sentat_msgid".into())
        );
        Ok(())
    }

    #[cfg(unix)]
    #[test]
    fn a_store_is_private_on_disk_and_refused_when_others_can_read_it()
    -> Result<(), Box<dyn std::error::Error>> {
        use std::os::unix::fs::PermissionsExt;
        let parent = crate::storage::private_tempdir()?;
        let dir = parent.path().join("data");
        {
            let store = Store::open(&dir)?;
            store.set_user_language(1, Lang::En)?;
            store.flush_blocking()?;
        }
        let mut stack = vec![dir.clone()];
        while let Some(path) = stack.pop() {
            let mode = std::fs::metadata(&path)?.permissions().mode();
            assert_eq!(mode & 0o077, 0, "{} is {mode:o}", path.display());
            if path.is_dir() {
                stack.extend(std::fs::read_dir(&path)?.filter_map(|e| e.ok().map(|e| e.path())));
            }
        }
        let file = dir.join("conf");
        std::fs::set_permissions(&file, std::fs::Permissions::from_mode(0o644))?;
        let refused = Store::open_waiting(&dir, std::time::Duration::from_secs(5));
        assert!(
            matches!(&refused, Err(StoreError::Exposed { path, .. }) if *path == file),
            "{:?}",
            refused.err()
        );
        std::fs::set_permissions(&file, std::fs::Permissions::from_mode(0o600))?;
        std::fs::set_permissions(&dir, std::fs::Permissions::from_mode(0o755))?;
        assert!(matches!(
            Store::open_waiting(&dir, std::time::Duration::from_secs(5)),
            Err(StoreError::Exposed { .. })
        ));
        std::fs::set_permissions(&dir, std::fs::Permissions::from_mode(0o700))?;
        assert_eq!(
            Store::open_waiting(&dir, std::time::Duration::from_secs(5))?.user_language(1)?,
            Some(Lang::En)
        );
        Ok(())
    }

    #[test]
    fn a_store_opens_only_with_the_key_it_was_sealed_with() -> Result<(), Box<dyn std::error::Error>>
    {
        let dir = crate::storage::private_tempdir()?;
        let key = dir.path().join("poruch.key");
        {
            let store = Store::open(dir.path())?;
            store.set_user_language(1, Lang::En)?;
            store.flush_blocking()?;
        }
        let original = std::fs::read(&key)?;
        std::fs::remove_file(&key)?;
        assert!(
            matches!(
                Store::open_waiting(dir.path(), std::time::Duration::from_secs(5)),
                Err(StoreError::Crypto(crypto::CryptoError::KeyMissing(_)))
            ),
            "a missing key is not replaced by a new one"
        );
        assert!(!key.exists());
        let other = crate::storage::private_tempdir()?;
        let other_key = other.path().join("other.key");
        crypto::Sealer::load_or_create(&other_key)?;
        assert!(matches!(
            Store::open_with_key(dir.path(), &other_key),
            Err(StoreError::WrongKey(_))
        ));
        write_private(&key, &original)?;
        let store = Store::open_waiting(dir.path(), std::time::Duration::from_secs(5))?;
        assert_eq!(store.user_language(1)?, Some(Lang::En));
        Ok(())
    }

    fn write_private(path: &Path, bytes: &[u8]) -> std::io::Result<()> {
        use std::io::Write;
        #[cfg(unix)]
        use std::os::unix::fs::OpenOptionsExt;
        let mut options = std::fs::OpenOptions::new();
        options.write(true).create_new(true);
        #[cfg(unix)]
        options.mode(0o600);
        options.open(path)?.write_all(bytes)
    }

    #[test]
    fn concurrent_flushes_make_every_write_durable() -> Result<(), Box<dyn std::error::Error>> {
        let dir = crate::storage::private_tempdir()?;
        {
            let store = Store::open(dir.path())?;
            let runtime = tokio::runtime::Builder::new_multi_thread()
                .worker_threads(2)
                .enable_all()
                .build()?;
            runtime.block_on(async {
                let mut tasks = Vec::new();
                for user in 0..50i64 {
                    let store = store.clone();
                    tasks.push(tokio::spawn(async move {
                        store.set_user_language(user, Lang::En)?;
                        store.flush().await
                    }));
                }
                for task in tasks {
                    task.await
                        .map_err(|e| StoreError::Backend(e.to_string()))??;
                }
                Ok::<(), StoreError>(())
            })?;
            assert!(
                store
                    .flushes
                    .durable
                    .load(std::sync::atomic::Ordering::SeqCst)
                    >= 50,
                "every ticket is covered"
            );
        }
        let store = Store::open_waiting(dir.path(), std::time::Duration::from_secs(5))?;
        for user in 0..50i64 {
            assert_eq!(store.user_language(user)?, Some(Lang::En));
        }
        Ok(())
    }

    #[test]
    fn a_store_from_a_newer_program_is_refused() -> Result<(), Box<dyn std::error::Error>> {
        let dir = crate::storage::private_tempdir()?;
        {
            let store = Store::open(dir.path())?;
            store.meta.insert(SCHEMA_KEY, &99u32.to_be_bytes())?;
            store.flush_blocking()?;
        }
        assert!(matches!(
            Store::open_waiting(dir.path(), std::time::Duration::from_secs(5)),
            Err(StoreError::TooNew { found: 99, .. })
        ));
        Ok(())
    }
}
