//! Organization staff and the one-time invitations that make them.
//!
//! Trees:
//! - `invite_org`:       invite code                           → `InviteRecord` (JSON)
//! - `orgid_staff`:      org id, 0xFF, blinded user id (16 B)  → the user's chat id, sealed
//! - `userblind_orgid`:  blinded user id (16 B)                → org id (one organization per person)
//!
//! Staff chat ids are needed to deliver referrals, so they are kept, but only sealed.

use serde::{Deserialize, Serialize};
use sled::Transactional;
use sled::transaction::ConflictableTransactionError;

use super::crypto::Sealer;
use super::{Store, StoreError, corrupt, index_key};
use crate::domain::Timestamp;

/// How long an invitation can be used: 72 hours.
pub const INVITE_VALID_SECONDS: i64 = 72 * 3600;

#[derive(Serialize, Deserialize)]
struct InviteRecord {
    org: String,
    expires_at: i64,
}

/// Why an invitation could not be used. Deliberately the same for unknown, used and expired
/// codes, so that guessing codes tells nothing.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("this invitation is not valid")]
pub struct InvalidInvite;

const CODE_ALPHABET: &[u8] = b"abcdefghjkmnpqrstuvwxyz23456789";

impl Store {
    /// A single-use invitation to join `org` as staff, valid for 72 hours from `now`.
    /// Ten random characters (about 50 bits): short enough to type, too many to guess.
    pub fn create_invite(&self, org: &str, now: Timestamp) -> Result<String, StoreError> {
        let mut code = String::with_capacity(10);
        while code.len() < 10 {
            for b in Sealer::random4() {
                if code.len() < 10 {
                    code.push(CODE_ALPHABET[b as usize % CODE_ALPHABET.len()] as char);
                }
            }
        }
        let record = InviteRecord {
            org: org.to_string(),
            expires_at: now.secs() + INVITE_VALID_SECONDS,
        };
        self.invite_org.insert(
            code.as_bytes(),
            serde_json::to_vec(&record).map_err(corrupt("invite_org"))?,
        )?;
        Ok(code)
    }

    /// Uses an invitation: the user becomes staff of its organization, and the invitation is
    /// gone — in one transaction. Returns the organization's id.
    pub fn accept_invite(
        &self,
        code: &str,
        user_id: i64,
        chat_id: i64,
        now: Timestamp,
    ) -> Result<Result<String, InvalidInvite>, StoreError> {
        let blind = self.sealer.blind(&user_id.to_be_bytes());
        let result = (&self.invite_org, &self.orgid_staff, &self.userblind_orgid).transaction(
            |(invites, staff, membership)| {
                let Some(bytes) = invites.get(code.as_bytes())? else {
                    return Ok(Err(InvalidInvite));
                };
                invites.remove(code.as_bytes())?;
                let record: InviteRecord = serde_json::from_slice(&bytes)
                    .map_err(|e| ConflictableTransactionError::Abort(corrupt("invite_org")(e)))?;
                if record.expires_at < now.secs() {
                    return Ok(Err(InvalidInvite));
                }
                let mut key = index_key(&record.org, "");
                key.extend_from_slice(&blind);
                let mut place = b"orgid_staff/".to_vec();
                place.extend_from_slice(&key);
                let sealed = self
                    .sealer
                    .seal(&chat_id.to_be_bytes(), &place)
                    .map_err(|e| ConflictableTransactionError::Abort(e.into()))?;
                // One organization per person: joining another replaces the old membership.
                if let Some(old) = membership.get(blind)? {
                    let mut old_key = old.to_vec();
                    old_key.push(super::SEP);
                    old_key.extend_from_slice(&blind);
                    staff.remove(old_key)?;
                }
                staff.insert(key, sealed)?;
                membership.insert(&blind, record.org.as_bytes())?;
                Ok(Ok(record.org))
            },
        );
        result.map_err(StoreError::from)
    }

    /// The organization a user is staff of, if any.
    pub fn staff_org(&self, user_id: i64) -> Result<Option<String>, StoreError> {
        let blind = self.sealer.blind(&user_id.to_be_bytes());
        Ok(self
            .userblind_orgid
            .get(blind)?
            .map(|v| String::from_utf8_lossy(&v).into_owned()))
    }

    /// The chats of an organization's staff, to deliver its referrals to.
    pub fn staff_chats(&self, org: &str) -> Result<Vec<i64>, StoreError> {
        let prefix = index_key(org, "");
        self.orgid_staff
            .scan_prefix(&prefix)
            .map(|item| {
                let (key, sealed) = item?;
                let mut place = b"orgid_staff/".to_vec();
                place.extend_from_slice(&key);
                let bytes = self.sealer.open(&sealed, &place)?;
                let chat: [u8; 8] =
                    bytes
                        .as_slice()
                        .try_into()
                        .map_err(|_| StoreError::Corrupt {
                            tree: "orgid_staff",
                            reason: "chat id is not 8 bytes".into(),
                        })?;
                Ok(i64::from_be_bytes(chat))
            })
            .collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    type TestResult = Result<(), Box<dyn std::error::Error>>;

    #[test]
    fn an_invitation_makes_staff_once() -> TestResult {
        let store = Store::temporary()?;
        let code = store.create_invite("org-a", Timestamp::from_secs(1_000))?;
        assert_eq!(code.len(), 10);
        assert_eq!(
            store.accept_invite(&code, 7, 70, Timestamp::from_secs(2_000))?,
            Ok("org-a".to_string())
        );
        assert_eq!(store.staff_org(7)?, Some("org-a".into()));
        assert_eq!(store.staff_chats("org-a")?, vec![70]);
        assert_eq!(
            store.accept_invite(&code, 8, 80, Timestamp::from_secs(2_000))?,
            Err(InvalidInvite),
            "single use"
        );
        assert_eq!(store.staff_org(8)?, None);
        Ok(())
    }

    #[test]
    fn an_expired_or_unknown_invitation_is_refused_alike() -> TestResult {
        let store = Store::temporary()?;
        let code = store.create_invite("org-a", Timestamp::from_secs(0))?;
        assert_eq!(
            store.accept_invite(&code, 7, 70, Timestamp::from_secs(INVITE_VALID_SECONDS + 1))?,
            Err(InvalidInvite)
        );
        assert_eq!(
            store.accept_invite("nosuchcode", 7, 70, Timestamp::from_secs(0))?,
            Err(InvalidInvite)
        );
        assert!(store.staff_chats("org-a")?.is_empty());
        Ok(())
    }

    #[test]
    fn joining_another_organization_moves_the_person() -> TestResult {
        let store = Store::temporary()?;
        let first = store.create_invite("org-a", Timestamp::from_secs(0))?;
        let second = store.create_invite("org-b", Timestamp::from_secs(0))?;
        store
            .accept_invite(&first, 7, 70, Timestamp::from_secs(1))?
            .ok();
        store
            .accept_invite(&second, 7, 70, Timestamp::from_secs(1))?
            .ok();
        assert_eq!(store.staff_org(7)?, Some("org-b".into()));
        assert!(store.staff_chats("org-a")?.is_empty());
        assert_eq!(store.staff_chats("org-b")?, vec![70]);
        Ok(())
    }
}
