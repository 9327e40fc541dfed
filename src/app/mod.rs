//! The use cases: everything that decides and changes state, free of Telegram. Each takes who
//! acts (a Telegram user id, which is also their private chat's id) and plain ids or domain
//! values, checks against the store that this person may do this, writes the change together
//! with the notices it causes in one transaction, and returns a typed outcome. Notices are
//! typed too (`notice::Notice`): the adapter renders them when it delivers them.
//!
//! A use case that writes returns its outcome wrapped in `Committed`, which only
//! `App::commit` makes — after the store is flushed and the outbox woken. So no caller can
//! tell anyone about a change that is not yet durable.

pub mod access;
pub mod act;
pub mod audit;
pub mod backups;
pub mod coordination;
pub mod directory;
pub mod discreet;
pub mod expert;
pub mod feedback;
pub mod help;
pub mod hide;
pub mod limits;
pub mod materials;
pub mod monitoring;
pub mod notice;
mod notify;
pub mod overview;
pub mod relay;
pub mod retention;
pub mod search;
pub mod timers;

use std::collections::HashSet;
use std::sync::{Arc, RwLock};

use chrono::NaiveDate;
use tokio::sync::Notify;

use crate::domain::material::Material;
use crate::domain::{Lang, SearchIndex, Timestamp};
use crate::storage::{Store, StoreError};

/// What an operator configures (README lists the variables).
#[derive(Debug, Clone)]
pub struct Config {
    /// Days a finished request is kept before it is deleted (`PORUCH_RETENTION_DAYS`).
    pub retention_days: u32,
    /// Days an expert request waits for an offer before the adviser is told
    /// (`PORUCH_OFFER_DAYS`).
    pub offer_days: u32,
    /// Ratings needed before an organization's average shows on its card; 0 = never
    /// (`PORUCH_MIN_RATINGS`).
    pub min_ratings: u32,
    /// Telegram user ids of the coordinators (`PORUCH_ADMINS`).
    pub admins: HashSet<i64>,
}

impl Default for Config {
    fn default() -> Self {
        Config {
            retention_days: crate::config::DEFAULT_RETENTION_DAYS,
            offer_days: crate::config::DEFAULT_OFFER_DAYS,
            min_ratings: crate::config::DEFAULT_MIN_RATINGS,
            admins: HashSet::new(),
        }
    }
}

/// Where "now" comes from: the system clock, or a fixed day (tests; noon UTC of that day).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Clock {
    System,
    Fixed(NaiveDate),
}

#[derive(Debug, thiserror::Error)]
pub enum AppError {
    #[error(transparent)]
    Store(#[from] StoreError),
}

impl AppError {
    /// What kind of failure this is, for logs: never content, a path or an id.
    pub fn kind(&self) -> &'static str {
        match self {
            AppError::Store(e) => e.kind(),
        }
    }
}

pub type AppResult<T> = Result<T, AppError>;

/// An outcome whose writes are durable and whose notices are on their way. Only
/// `App::commit` makes one (and, for outcomes that wrote nothing, `App::unchanged`).
#[must_use = "an outcome is for telling someone what happened"]
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Committed<T>(T);

impl<T> Committed<T> {
    pub fn into_inner(self) -> T {
        self.0
    }

    pub fn get(&self) -> &T {
        &self.0
    }
}

/// The application: the store, the directory, the clock and the configuration. Cheap to
/// clone; clones share everything but the clock.
#[derive(Clone)]
pub struct App {
    pub store: Store,
    directory: Arc<RwLock<Arc<SearchIndex>>>,
    /// The materials that ship with the directory (`data/materials.toml`).
    pub materials: Arc<Vec<Material>>,
    pub config: Arc<Config>,
    clock: Clock,
    wake: Arc<Notify>,
    /// Set when the process is asked to stop: background work ends between its steps.
    stopping: Arc<std::sync::atomic::AtomicBool>,
}

impl App {
    pub fn new(
        store: Store,
        directory: SearchIndex,
        materials: Vec<Material>,
        config: Config,
        clock: Clock,
    ) -> App {
        App {
            store,
            directory: Arc::new(RwLock::new(Arc::new(directory))),
            materials: Arc::new(materials),
            config: Arc::new(config),
            clock,
            wake: Arc::new(Notify::new()),
            stopping: Arc::default(),
        }
    }

    /// The directory as it is now.
    pub fn directory(&self) -> Arc<SearchIndex> {
        match self.directory.read() {
            Ok(d) => d.clone(),
            Err(poisoned) => poisoned.into_inner().clone(),
        }
    }

    /// Puts a new directory in place at once (an import, a coordinator's change): searches,
    /// routing and access use it from the next call on.
    pub fn replace_directory(&self, directory: SearchIndex) {
        let fresh = Arc::new(directory);
        match self.directory.write() {
            Ok(mut d) => *d = fresh,
            Err(poisoned) => *poisoned.into_inner() = fresh,
        }
    }

    /// Puts one organization into the directory in place (a coordinator's change): search,
    /// routing and access see it from the next call on, without building the index again.
    pub fn put_organization(&self, org: crate::domain::Organization) {
        let mut guard = match self.directory.write() {
            Ok(d) => d,
            Err(poisoned) => poisoned.into_inner(),
        };
        // Cloned only if a reader still holds the old one.
        Arc::make_mut(&mut guard).put(org);
    }

    /// The same application on another day (tests of deadlines, reminders and retention).
    pub fn on_day(&self, day: NaiveDate) -> App {
        App {
            clock: Clock::Fixed(day),
            ..self.clone()
        }
    }

    /// The same application with another configuration.
    pub fn with_config(&self, config: Config) -> App {
        App {
            config: Arc::new(config),
            ..self.clone()
        }
    }

    pub fn now(&self) -> Timestamp {
        match self.clock {
            Clock::Fixed(day) => Timestamp::at(day, 12),
            Clock::System => Timestamp::from_millis(chrono::Utc::now().timestamp_millis()),
        }
    }

    pub fn today(&self) -> NaiveDate {
        match self.clock {
            Clock::Fixed(day) => day,
            Clock::System => chrono::Utc::now().date_naive(),
        }
    }

    /// Asks the background work (the outbox, the timers) to stop between its steps.
    pub fn stop(&self) {
        self.stopping
            .store(true, std::sync::atomic::Ordering::SeqCst);
        self.wake.notify_waiters();
        self.wake.notify_one();
    }

    /// Whether the process is stopping.
    pub fn is_stopping(&self) -> bool {
        self.stopping.load(std::sync::atomic::Ordering::SeqCst)
    }

    /// What wakes the outbox worker when something was queued.
    pub fn outbox_signal(&self) -> Arc<Notify> {
        self.wake.clone()
    }

    pub fn is_coordinator(&self, who: i64) -> bool {
        self.config.admins.contains(&who)
    }

    /// Makes what was written durable and wakes the outbox for the notices it queued: the
    /// step between every change and telling anyone about it.
    pub async fn commit<T>(&self, outcome: T) -> AppResult<Committed<T>> {
        self.store.flush().await?;
        self.wake.notify_one();
        Ok(Committed(outcome))
    }

    /// An outcome that wrote nothing (a refusal, a repeat): nothing to make durable.
    pub(crate) fn unchanged<T>(&self, outcome: T) -> Committed<T> {
        Committed(outcome)
    }

    /// The language someone chose, if any.
    pub fn language(&self, who: i64) -> AppResult<Option<Lang>> {
        Ok(self.store.user_language(who)?)
    }

    /// The language to write to someone in on the bot's own initiative: the one they chose
    /// (or used last), else Ukrainian.
    pub fn language_or_default(&self, who: i64) -> Lang {
        self.store
            .user_language(who)
            .ok()
            .flatten()
            .unwrap_or(Lang::Uk)
    }

    /// Someone chose a language.
    pub async fn set_language(&self, who: i64, lang: Lang) -> AppResult<Committed<()>> {
        self.store.set_user_language(who, lang)?;
        self.commit(()).await
    }

    /// Keeps the language someone uses, if they never chose one, so that notices sent to
    /// them later (without a message of theirs to go by) match it.
    pub(crate) fn remember_language(&self, who: i64, lang: Lang) -> AppResult<()> {
        if self.store.user_language(who)?.is_none() {
            self.store.set_user_language(who, lang)?;
        }
        Ok(())
    }

    /// Counts a refused action (forged, replayed, stale, not this person's) and logs its
    /// kind — never who or what.
    pub fn security_event(&self, kind: &'static str) {
        let total = self
            .store
            .bump_counter("security_events")
            .unwrap_or_default();
        tracing::warn!(kind, total, "security event: an action was refused");
    }
}
