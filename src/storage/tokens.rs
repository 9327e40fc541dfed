//! Opaque callback ids. A button that acts on a request or referral carries only a token
//! that cannot be made without the store's key; the store maps it to the action and to the
//! one person it was issued to. A token that is unknown (forged), issued to someone else
//! (replayed) or expired (stale) is refused. The same button drawn again for the same person
//! is the same token, so a screen shown a hundred times keeps one record per button, not a
//! hundred; drawing it renews its time.
//!
//! Tree `token_action`: token (10 bytes of a keyed hash of person and action) → `TokenRecord`
//! (JSON); the action is sealed, so the tree does not tie a person's blinded id to a
//! reference code in plain sight.

use serde::{Deserialize, Serialize};

use super::{Store, StoreError, corrupt};
use crate::domain::Timestamp;

/// How long a button keeps working after it was last drawn: as long as a finished request
/// is kept.
pub const TOKEN_VALID_SECONDS: i64 = 30 * 24 * 3600;
/// A button drawn again is written again only when its time has run down by this much:
/// redrawing a screen within the day costs a read, not a write.
const RENEW_AFTER_SECONDS: i64 = 24 * 3600;
const TOKEN_BYTES: usize = 10;

#[derive(Serialize, Deserialize)]
struct TokenRecord {
    #[serde(with = "super::bytes::text16")]
    user: [u8; 16],
    expires_at: i64,
    #[serde(with = "super::bytes::text")]
    action: Vec<u8>,
}

/// Why a token was refused.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TokenRefusal {
    /// No such token: forged, or deleted.
    Unknown,
    /// Issued to another person: replayed.
    OtherUser,
    /// Too old: stale.
    Expired,
}

impl TokenRefusal {
    pub fn code(self) -> &'static str {
        match self {
            TokenRefusal::Unknown => "forged",
            TokenRefusal::OtherUser => "replayed",
            TokenRefusal::Expired => "stale",
        }
    }
}

fn place(token: &[u8]) -> Vec<u8> {
    let mut place = b"token_action/".to_vec();
    place.extend_from_slice(token);
    place
}

fn to_hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

fn from_hex(text: &str) -> Option<Vec<u8>> {
    if text.len() != TOKEN_BYTES * 2 {
        return None;
    }
    (0..text.len())
        .step_by(2)
        .map(|i| u8::from_str_radix(text.get(i..i + 2)?, 16).ok())
        .collect()
}

impl Store {
    /// The token (20 hex characters) for `action`, usable only by `user_id`: the same one
    /// each time this person is given this button, valid for `TOKEN_VALID_SECONDS` from now
    /// (give or take `RENEW_AFTER_SECONDS`).
    pub fn issue_token(
        &self,
        user_id: i64,
        action: &str,
        now: Timestamp,
    ) -> Result<String, StoreError> {
        let hash = self.sealer.button_token(user_id, action.as_bytes());
        let token = &hash[..TOKEN_BYTES];
        let user = self.sealer.blind(&user_id.to_be_bytes());
        let expires_at = now.secs() + TOKEN_VALID_SECONDS;
        if let Some(bytes) = self.token_action.get(token)? {
            let fresh = serde_json::from_slice::<TokenRecord>(&bytes).is_ok_and(|old| {
                old.user == user && old.expires_at > expires_at - RENEW_AFTER_SECONDS
            });
            if fresh {
                return Ok(to_hex(token));
            }
        }
        let record = TokenRecord {
            user,
            expires_at,
            action: self.sealer.seal(action.as_bytes(), &place(token))?,
        };
        self.token_action.insert(
            token,
            serde_json::to_vec(&record).map_err(corrupt("token_action"))?,
        )?;
        Ok(to_hex(token))
    }

    /// The action behind a token, if `user_id` may use it now.
    pub fn redeem_token(
        &self,
        token: &str,
        user_id: i64,
        now: Timestamp,
    ) -> Result<Result<String, TokenRefusal>, StoreError> {
        let Some(key) = from_hex(token) else {
            return Ok(Err(TokenRefusal::Unknown));
        };
        let Some(bytes) = self.token_action.get(&key)? else {
            return Ok(Err(TokenRefusal::Unknown));
        };
        let record: TokenRecord =
            serde_json::from_slice(&bytes).map_err(corrupt("token_action"))?;
        if record.user != self.sealer.blind(&user_id.to_be_bytes()) {
            return Ok(Err(TokenRefusal::OtherUser));
        }
        if record.expires_at < now.secs() {
            return Ok(Err(TokenRefusal::Expired));
        }
        let action = self.sealer.open(&record.action, &place(&key))?;
        Ok(Ok(String::from_utf8_lossy(&action).into_owned()))
    }

    /// Deletes expired tokens. Returns how many.
    pub fn purge_tokens(&self, now: Timestamp) -> Result<usize, StoreError> {
        let mut purged = 0;
        for item in self.token_action.iter() {
            let (key, bytes) = item?;
            match serde_json::from_slice::<TokenRecord>(&bytes) {
                Ok(record) if record.expires_at < now.secs() => {
                    self.token_action.remove(key)?;
                    purged += 1;
                }
                Ok(_) => {}
                Err(_) => self.quarantine(&self.token_action, "token_action", &key)?,
            }
        }
        Ok(purged)
    }

    /// The keys of every token issued to a user (for `/forget`).
    pub(super) fn token_keys_of(&self, blind: &[u8; 16]) -> Result<Vec<Vec<u8>>, StoreError> {
        let mut keys = Vec::new();
        for item in self.token_action.iter() {
            let (key, bytes) = item?;
            // One unreadable token must not stop /forget: it is moved aside.
            match serde_json::from_slice::<TokenRecord>(&bytes) {
                Ok(record) if record.user == *blind => keys.push(key.to_vec()),
                Ok(_) => {}
                Err(_) => self.quarantine(&self.token_action, "token_action", &key)?,
            }
        }
        Ok(keys)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_token_works_only_for_its_person_and_only_in_time() -> Result<(), StoreError> {
        let store = Store::temporary()?;
        let at = Timestamp::from_secs;
        let token = store.issue_token(7, "acc:R-7K3Q", at(1_000))?;
        assert_eq!(token.len(), 20);
        assert_eq!(
            store.redeem_token(&token, 7, at(1_000))?,
            Ok("acc:R-7K3Q".into())
        );
        assert_eq!(
            store.redeem_token(&token, 7, at(1_001))?,
            Ok("acc:R-7K3Q".into()),
            "a token can be pressed again; the action itself decides what a repeat means"
        );
        assert_eq!(
            store.redeem_token(&token, 8, at(1_000))?,
            Err(TokenRefusal::OtherUser)
        );
        assert_eq!(
            store.redeem_token(&token, 7, at(1_000 + TOKEN_VALID_SECONDS + 1))?,
            Err(TokenRefusal::Expired)
        );
        for forged in ["", "zz", "00000000000000000000", &token[..19], "ё"] {
            assert_eq!(
                store.redeem_token(forged, 7, at(1_000))?,
                Err(TokenRefusal::Unknown)
            );
        }
        assert_eq!(store.purge_tokens(at(1_000 + TOKEN_VALID_SECONDS + 1))?, 1);
        assert_eq!(
            store.redeem_token(&token, 7, at(1_000))?,
            Err(TokenRefusal::Unknown)
        );
        Ok(())
    }

    #[test]
    fn the_same_button_drawn_again_is_one_token_whose_time_is_renewed() -> Result<(), StoreError> {
        let store = Store::temporary()?;
        let at = Timestamp::from_secs;
        let day = 24 * 3600;
        let first = store.issue_token(7, "acc:R-7K3Q", at(0))?;
        assert_eq!(store.issue_token(7, "acc:R-7K3Q", at(3600))?, first);
        assert_eq!(
            store.token_action.len(),
            1,
            "one record, not one per drawing"
        );
        assert_ne!(
            store.issue_token(8, "acc:R-7K3Q", at(0))?,
            first,
            "another person"
        );
        assert_ne!(
            store.issue_token(7, "dec:R-7K3Q", at(0))?,
            first,
            "another action"
        );
        assert_eq!(store.token_action.len(), 3);

        // Drawn within the day: not rewritten, so it still runs out 30 days after the first.
        assert_eq!(
            store.redeem_token(&first, 7, at(TOKEN_VALID_SECONDS + 1))?,
            Err(TokenRefusal::Expired)
        );
        // Drawn again ten days on: it works for 30 days from then.
        assert_eq!(store.issue_token(7, "acc:R-7K3Q", at(10 * day))?, first);
        assert_eq!(
            store.redeem_token(&first, 7, at(10 * day + TOKEN_VALID_SECONDS))?,
            Ok("acc:R-7K3Q".into())
        );
        assert_eq!(
            store.redeem_token(&first, 8, at(10 * day))?,
            Err(TokenRefusal::OtherUser),
            "still only hers"
        );
        Ok(())
    }
}
