//! The webhook's secret token: Telegram sends it back in `X-Telegram-Bot-Api-Secret-Token`
//! with every update, so only Telegram can hand the bot updates. Made once at random, kept
//! sealed in `meta` under b"webhook_secret", so a restart registers the same one.

use super::{Store, StoreError, crypto};

const SECRET_KEY: &[u8] = b"webhook_secret";

impl Store {
    /// The webhook's secret token, made on first use.
    pub fn webhook_secret(&self) -> Result<String, StoreError> {
        if let Some(sealed) = self.meta.get(SECRET_KEY)? {
            let plain = self.sealer.open(&sealed, SECRET_KEY)?;
            return String::from_utf8(plain).map_err(|_| StoreError::Corrupt {
                tree: "meta",
                reason: "the webhook secret is not text".into(),
            });
        }
        let secret = crypto::Sealer::random_hex32();
        let sealed = self.sealer.seal(secret.as_bytes(), SECRET_KEY)?;
        // Two callers at once keep whichever was stored first.
        match self
            .meta
            .compare_and_swap(SECRET_KEY, None as Option<&[u8]>, Some(sealed))?
        {
            Ok(()) => {
                self.flush_blocking()?;
                Ok(secret)
            }
            Err(_) => self.webhook_secret(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_secret_is_made_once_kept_and_fits_telegrams_alphabet() -> Result<(), StoreError> {
        let store = Store::temporary()?;
        let secret = store.webhook_secret()?;
        assert_eq!(secret.len(), 64);
        assert!(secret.bytes().all(|b| b.is_ascii_hexdigit()));
        assert_eq!(store.webhook_secret()?, secret, "the same one each time");
        let raw = store.meta.get(SECRET_KEY)?.map(|v| v.to_vec());
        assert!(
            raw.is_some_and(|v| !v.windows(16).any(|w| w == &secret.as_bytes()[..16])),
            "not stored as written"
        );
        Ok(())
    }
}
