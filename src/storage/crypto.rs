//! Encryption at rest for what must never sit on disk in plain text (request descriptions,
//! contact details, relayed messages): XChaCha20-Poly1305 with a random 24-byte nonce per
//! record, and the record's place in the store as associated data, so a sealed value cannot
//! be moved to another record unnoticed. The key is a 32-byte file created on first start
//! with mode 0600; a key file others can read is refused.

use std::io::Write;
use std::path::{Path, PathBuf};

use chacha20poly1305::aead::{Aead, AeadCore, KeyInit, OsRng, Payload};
use chacha20poly1305::{XChaCha20Poly1305, XNonce};

const KEY_LEN: usize = 32;
const NONCE_LEN: usize = 24;

#[derive(Debug, thiserror::Error)]
pub enum CryptoError {
    #[error("cannot read or create the key file {path}: {source}")]
    KeyFile {
        path: PathBuf,
        source: std::io::Error,
    },
    #[error("the key file {0} is not a 32-byte key")]
    BadKey(PathBuf),
    #[error("the key file {0} can be read by other users; run: chmod 600 {0}")]
    KeyExposed(PathBuf),
    #[error(
        "the key file {0} is missing: this store was sealed with it (restore the file, or point PORUCH_KEY_FILE at it)"
    )]
    KeyMissing(PathBuf),
    #[error("a sealed record does not open (wrong key, tampered, or moved)")]
    Unreadable,
    #[error("a record is too long to seal")]
    TooLong,
}

/// Seals and opens records with the store's key, and blinds ids used as index keys.
pub struct Sealer {
    cipher: XChaCha20Poly1305,
    blinding: [u8; 32],
    buttons: [u8; 32],
    fingerprint: [u8; 16],
}

impl Sealer {
    /// Loads the key at `path`, which must exist (a store sealed with it exists already).
    pub fn load(path: &Path) -> Result<Sealer, CryptoError> {
        match std::fs::metadata(path) {
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
                Err(CryptoError::KeyMissing(path.to_path_buf()))
            }
            _ => Self::load_or_create(path),
        }
    }

    /// Loads the key at `path`, creating it (mode 0600) if it does not exist.
    pub fn load_or_create(path: &Path) -> Result<Sealer, CryptoError> {
        let io = |source| CryptoError::KeyFile {
            path: path.to_path_buf(),
            source,
        };
        match std::fs::read(path) {
            Ok(bytes) => {
                check_private(path)?;
                let key: [u8; KEY_LEN] = bytes
                    .try_into()
                    .map_err(|_| CryptoError::BadKey(path.to_path_buf()))?;
                Ok(Sealer::from_key(&key))
            }
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
                if let Some(dir) = path.parent().filter(|d| !d.as_os_str().is_empty()) {
                    std::fs::create_dir_all(dir).map_err(io)?;
                }
                let key: [u8; KEY_LEN] = XChaCha20Poly1305::generate_key(&mut OsRng).into();
                let mut file = create_private(path).map_err(io)?;
                file.write_all(&key).map_err(io)?;
                file.sync_all().map_err(io)?;
                // The new file's name is durable only once its directory is synced: a crash
                // must not leave a store sealed with a key whose file is gone.
                #[cfg(unix)]
                if let Some(dir) = path.parent().filter(|d| !d.as_os_str().is_empty()) {
                    std::fs::File::open(dir)
                        .and_then(|d| d.sync_all())
                        .map_err(io)?;
                }
                Ok(Sealer::from_key(&key))
            }
            Err(e) => Err(io(e)),
        }
    }

    /// Separate keys for sealing and for blinding, derived from the one key in the file.
    fn from_key(key: &[u8; KEY_LEN]) -> Sealer {
        let seal = blake3::derive_key("poruch 2026 seal records", key);
        let blinding = blake3::derive_key("poruch 2026 blind index keys", key);
        let buttons = blake3::derive_key("poruch 2026 button tokens", key);
        let full = blake3::derive_key("poruch 2026 key fingerprint", key);
        let mut fingerprint = [0u8; 16];
        fingerprint.copy_from_slice(&full[..16]);
        Sealer {
            cipher: XChaCha20Poly1305::new(&seal.into()),
            blinding,
            buttons,
            fingerprint,
        }
    }

    /// What identifies the key without revealing it: kept in the store, so that a store is
    /// never opened with another key (every blinded id would change).
    pub fn fingerprint(&self) -> [u8; 16] {
        self.fingerprint
    }

    /// A sealer with a fresh key that lives only in memory, for tests.
    pub fn ephemeral() -> Sealer {
        Sealer::from_key(&XChaCha20Poly1305::generate_key(&mut OsRng).into())
    }

    /// A keyed hash of an id (such as a Telegram chat id), for index keys and log
    /// correlation: the same id always gives the same value, and it cannot be reversed
    /// without the key.
    pub fn blind(&self, id: &[u8]) -> [u8; 16] {
        let hash = blake3::keyed_hash(&self.blinding, id);
        let mut out = [0u8; 16];
        out.copy_from_slice(&hash.as_bytes()[..16]);
        out
    }

    /// A keyed hash of a person and an action, for the token of the button that lets this
    /// person take this action: the same button drawn again is the same token (one record,
    /// not one per drawing), another person's or another action's is another, and none can be
    /// made without the key.
    pub fn button_token(&self, user_id: i64, action: &[u8]) -> [u8; 16] {
        let mut hasher = blake3::Hasher::new_keyed(&self.buttons);
        hasher.update(&user_id.to_be_bytes());
        hasher.update(action);
        let mut out = [0u8; 16];
        out.copy_from_slice(&hasher.finalize().as_bytes()[..16]);
        out
    }

    /// Four random bytes from the operating system (for reference codes).
    pub fn random4() -> [u8; 4] {
        use chacha20poly1305::aead::rand_core::RngCore;
        let mut out = [0u8; 4];
        OsRng.fill_bytes(&mut out);
        out
    }

    /// 32 random bytes from the operating system as 64 hex digits (for secrets shared with
    /// Telegram, whose alphabet is letters, digits, `_` and `-`).
    pub fn random_hex32() -> String {
        use chacha20poly1305::aead::rand_core::RngCore;
        let mut bytes = [0u8; 32];
        OsRng.fill_bytes(&mut bytes);
        bytes.iter().map(|b| format!("{b:02x}")).collect()
    }

    /// Encrypts `plain`, bound to `place` (e.g. the tree and key it is stored under).
    pub fn seal(&self, plain: &[u8], place: &[u8]) -> Result<Vec<u8>, CryptoError> {
        let nonce = XChaCha20Poly1305::generate_nonce(&mut OsRng);
        // Encryption only fails for inputs longer than the cipher allows (2^38 bytes).
        let sealed = self
            .cipher
            .encrypt(
                &nonce,
                Payload {
                    msg: plain,
                    aad: place,
                },
            )
            .map_err(|_| CryptoError::TooLong)?;
        let mut out = Vec::with_capacity(NONCE_LEN + sealed.len());
        out.extend_from_slice(&nonce);
        out.extend_from_slice(&sealed);
        Ok(out)
    }

    /// Decrypts what `seal` produced for the same `place`.
    pub fn open(&self, sealed: &[u8], place: &[u8]) -> Result<Vec<u8>, CryptoError> {
        if sealed.len() < NONCE_LEN {
            return Err(CryptoError::Unreadable);
        }
        let (nonce, body) = sealed.split_at(NONCE_LEN);
        self.cipher
            .decrypt(
                XNonce::from_slice(nonce),
                Payload {
                    msg: body,
                    aad: place,
                },
            )
            .map_err(|_| CryptoError::Unreadable)
    }
}

#[cfg(unix)]
fn create_private(path: &Path) -> std::io::Result<std::fs::File> {
    use std::os::unix::fs::OpenOptionsExt;
    std::fs::OpenOptions::new()
        .write(true)
        .create_new(true)
        .mode(0o600)
        .open(path)
}

#[cfg(not(unix))]
fn create_private(path: &Path) -> std::io::Result<std::fs::File> {
    std::fs::OpenOptions::new()
        .write(true)
        .create_new(true)
        .open(path)
}

#[cfg(unix)]
fn check_private(path: &Path) -> Result<(), CryptoError> {
    use std::os::unix::fs::PermissionsExt;
    let mode = std::fs::metadata(path)
        .map_err(|source| CryptoError::KeyFile {
            path: path.to_path_buf(),
            source,
        })?
        .permissions()
        .mode();
    if mode & 0o077 != 0 {
        Err(CryptoError::KeyExposed(path.to_path_buf()))
    } else {
        Ok(())
    }
}

#[cfg(not(unix))]
fn check_private(_: &Path) -> Result<(), CryptoError> {
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    const CANARY: &[u8] = "мене домагається командир CANARY-4242".as_bytes();

    #[test]
    fn a_sealed_record_opens_only_in_its_place() -> Result<(), CryptoError> {
        let sealer = Sealer::ephemeral();
        let sealed = sealer.seal(CANARY, b"request_body/R-7K3Q")?;
        assert!(!sealed.windows(CANARY.len()).any(|w| w == CANARY));
        assert_eq!(sealer.open(&sealed, b"request_body/R-7K3Q")?, CANARY);
        assert!(
            sealer.open(&sealed, b"request_body/R-AAAA").is_err(),
            "moved to another record"
        );
        let mut tampered = sealed.clone();
        let last = tampered.len() - 1;
        tampered[last] ^= 1;
        assert!(sealer.open(&tampered, b"request_body/R-7K3Q").is_err());
        assert!(
            Sealer::ephemeral()
                .open(&sealed, b"request_body/R-7K3Q")
                .is_err(),
            "another key"
        );
        assert!(sealer.open(b"short", b"x").is_err());
        Ok(())
    }

    #[test]
    fn blinding_is_stable_per_key_and_differs_between_keys() {
        let a = Sealer::ephemeral();
        assert_eq!(a.blind(b"12345"), a.blind(b"12345"));
        assert_ne!(a.blind(b"12345"), a.blind(b"12346"));
        assert_ne!(a.blind(b"12345"), Sealer::ephemeral().blind(b"12345"));
    }

    #[test]
    fn a_button_token_is_the_same_only_for_the_same_person_action_and_key() {
        let a = Sealer::ephemeral();
        assert_eq!(
            a.button_token(7, b"acc:R-7K3Q"),
            a.button_token(7, b"acc:R-7K3Q")
        );
        assert_ne!(
            a.button_token(7, b"acc:R-7K3Q"),
            a.button_token(8, b"acc:R-7K3Q")
        );
        assert_ne!(
            a.button_token(7, b"acc:R-7K3Q"),
            a.button_token(7, b"acc:R-7K3R")
        );
        assert_ne!(
            a.button_token(7, b"acc:R-7K3Q"),
            a.blind(&7i64.to_be_bytes())
        );
        assert_ne!(
            a.button_token(7, b"acc:R-7K3Q"),
            Sealer::ephemeral().button_token(7, b"acc:R-7K3Q")
        );
    }

    #[test]
    fn the_same_text_seals_differently_each_time() -> Result<(), CryptoError> {
        let sealer = Sealer::ephemeral();
        assert_ne!(sealer.seal(CANARY, b"p")?, sealer.seal(CANARY, b"p")?);
        Ok(())
    }

    #[cfg(unix)]
    #[test]
    fn the_key_file_is_created_private_and_reused() -> Result<(), Box<dyn std::error::Error>> {
        use std::os::unix::fs::PermissionsExt;
        let dir = crate::storage::private_tempdir()?;
        let path = dir.path().join("keys").join("poruch.key");
        let sealed = Sealer::load_or_create(&path)?.seal(CANARY, b"p")?;
        assert_eq!(
            std::fs::metadata(&path)?.permissions().mode() & 0o777,
            0o600
        );
        assert_eq!(std::fs::read(&path)?.len(), KEY_LEN);
        assert_eq!(Sealer::load_or_create(&path)?.open(&sealed, b"p")?, CANARY);
        Ok(())
    }

    #[cfg(unix)]
    #[test]
    fn an_exposed_or_broken_key_file_is_refused() -> Result<(), Box<dyn std::error::Error>> {
        use std::os::unix::fs::PermissionsExt;
        let dir = crate::storage::private_tempdir()?;
        let path = dir.path().join("poruch.key");
        Sealer::load_or_create(&path)?;
        std::fs::set_permissions(&path, std::fs::Permissions::from_mode(0o644))?;
        assert!(matches!(
            Sealer::load_or_create(&path),
            Err(CryptoError::KeyExposed(_))
        ));
        std::fs::set_permissions(&path, std::fs::Permissions::from_mode(0o600))?;
        std::fs::write(&path, b"too short")?;
        assert!(matches!(
            Sealer::load_or_create(&path),
            Err(CryptoError::BadKey(_))
        ));
        Ok(())
    }
}
