//! Holding writes for a backup. sled has no snapshot of several trees, so every write to the
//! store takes the gate shared — recursively, so a write inside a write never waits — and a
//! backup takes it exclusively for the moment it copies every tree. Reads never wait.
//!
//! `Tree` is a sled tree whose writes take the gate; reads go straight to sled (through
//! `Deref`). A transaction over several trees takes the gate with `Gate::shared` around it.

use std::ops::Deref;
use std::sync::Arc;

use parking_lot::{RwLock, RwLockReadGuard, RwLockWriteGuard};
use sled::{CompareAndSwapError, IVec};

#[derive(Default)]
pub struct Gate(RwLock<()>);

impl Gate {
    /// Held while writing.
    pub fn shared(&self) -> RwLockReadGuard<'_, ()> {
        self.0.read_recursive()
    }

    /// Held while nothing may be written (a backup's copy).
    pub fn exclusive(&self) -> RwLockWriteGuard<'_, ()> {
        self.0.write()
    }
}

/// A tree whose writes wait while a backup copies the store.
#[derive(Clone)]
pub struct Tree {
    inner: sled::Tree,
    gate: Arc<Gate>,
}

impl Deref for Tree {
    type Target = sled::Tree;

    fn deref(&self) -> &sled::Tree {
        &self.inner
    }
}

impl Tree {
    pub fn new(inner: sled::Tree, gate: Arc<Gate>) -> Tree {
        Tree { inner, gate }
    }

    pub fn insert<K: AsRef<[u8]>, V: Into<IVec>>(
        &self,
        key: K,
        value: V,
    ) -> sled::Result<Option<IVec>> {
        let _writing = self.gate.shared();
        self.inner.insert(key, value)
    }

    pub fn remove<K: AsRef<[u8]>>(&self, key: K) -> sled::Result<Option<IVec>> {
        let _writing = self.gate.shared();
        self.inner.remove(key)
    }

    pub fn compare_and_swap<K, OV, NV>(
        &self,
        key: K,
        old: Option<OV>,
        new: Option<NV>,
    ) -> sled::Result<Result<(), CompareAndSwapError>>
    where
        K: AsRef<[u8]>,
        OV: AsRef<[u8]>,
        NV: Into<IVec>,
    {
        let _writing = self.gate.shared();
        self.inner.compare_and_swap(key, old, new)
    }

    pub fn clear(&self) -> sled::Result<()> {
        let _writing = self.gate.shared();
        self.inner.clear()
    }

    pub fn apply_batch(&self, batch: sled::Batch) -> sled::Result<()> {
        let _writing = self.gate.shared();
        self.inner.apply_batch(batch)
    }

    pub fn update_and_fetch<K, V, F>(&self, key: K, f: F) -> sled::Result<Option<IVec>>
    where
        K: AsRef<[u8]>,
        F: FnMut(Option<&[u8]>) -> Option<V>,
        V: Into<IVec>,
    {
        let _writing = self.gate.shared();
        self.inner.update_and_fetch(key, f)
    }
}
