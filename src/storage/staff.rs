//! Organization staff and the one-time invitations that make them.
//!
//! Trees:
//! - `invite_org`:       blinded invite code (16 B)            → `InviteRecord` (JSON)
//! - `orgid_staff`:      org id, 0xFF, blinded user id (16 B)  → `StaffRecord` (JSON), sealed
//! - `userblind_orgid`:  blinded user id (16 B)                → org id (one organization per person)
//!
//! Staff chat ids are needed to deliver referrals, so they are kept, but only sealed, with the
//! label colleagues know the member by and the days they joined and were last active.
//! Invitation codes are kept only as a keyed hash: a copy of the store gives no usable code.

use chrono::NaiveDate;
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

#[derive(Serialize, Deserialize)]
struct StaffRecord {
    chat: i64,
    label: String,
    joined: NaiveDate,
    active: NaiveDate,
}

/// Why an invitation could not be used. Deliberately the same for unknown, used and expired
/// codes, so that guessing codes tells nothing.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("this invitation is not valid")]
pub struct InvalidInvite;

/// A member of an organization's staff.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Member {
    /// Who, as the hex of their blinded id: enough to act on the membership, never their
    /// Telegram id.
    pub id: String,
    pub chat: i64,
    /// How colleagues and coordinators know them ("Olena, lawyer").
    pub label: String,
    pub joined_on: NaiveDate,
    pub last_active: NaiveDate,
}

const CODE_ALPHABET: &[u8] = b"abcdefghjkmnpqrstuvwxyz23456789";

fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

fn unhex(text: &str) -> Option<Vec<u8>> {
    if text.len() != 32 {
        return None;
    }
    (0..text.len())
        .step_by(2)
        .map(|i| u8::from_str_radix(text.get(i..i + 2)?, 16).ok())
        .collect()
}

/// An invitation not yet used.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PendingInvite {
    pub id: String,
    pub expires_at: Timestamp,
}

fn staff_place(key: &[u8]) -> Vec<u8> {
    let mut place = b"orgid_staff/".to_vec();
    place.extend_from_slice(key);
    place
}

fn staff_key(org: &str, blind: &[u8]) -> Vec<u8> {
    let mut key = index_key(org, "");
    key.extend_from_slice(blind);
    key
}

impl Store {
    fn invite_key(&self, code: &str) -> [u8; 16] {
        self.sealer
            .blind(format!("invite/{}", code.trim()).as_bytes())
    }

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
            self.invite_key(&code),
            serde_json::to_vec(&record).map_err(corrupt("invite_org"))?,
        )?;
        Ok(code)
    }

    /// An organization's invitations that can still be used: their id (the hex of the keyed
    /// hash they are stored under — not the code, which is not kept) and when they expire.
    pub fn pending_invites(
        &self,
        org: &str,
        now: Timestamp,
    ) -> Result<Vec<PendingInvite>, StoreError> {
        let mut out = Vec::new();
        for item in self.invite_org.iter() {
            let (key, bytes) = item?;
            let record: InviteRecord =
                serde_json::from_slice(&bytes).map_err(corrupt("invite_org"))?;
            if record.org == org && record.expires_at >= now.secs() {
                out.push(PendingInvite {
                    id: hex(&key),
                    expires_at: Timestamp::from_secs(record.expires_at),
                });
            }
        }
        out.sort_by_key(|i| i.expires_at);
        Ok(out)
    }

    /// Cancels an invitation of `org` by its id; whether there was one.
    pub fn cancel_invite(&self, org: &str, id: &str) -> Result<bool, StoreError> {
        let Some(key) = unhex(id) else {
            return Ok(false);
        };
        let Some(bytes) = self.invite_org.get(&key)? else {
            return Ok(false);
        };
        let record: InviteRecord = serde_json::from_slice(&bytes).map_err(corrupt("invite_org"))?;
        if record.org != org {
            return Ok(false);
        }
        Ok(self
            .invite_org
            .compare_and_swap(&key, Some(bytes), None as Option<&[u8]>)?
            .is_ok())
    }

    /// The organization an invitation is for, if it can still be used (it is not used up).
    pub fn invite_for(&self, code: &str, now: Timestamp) -> Result<Option<String>, StoreError> {
        let Some(bytes) = self.invite_org.get(self.invite_key(code))? else {
            return Ok(None);
        };
        let record: InviteRecord = serde_json::from_slice(&bytes).map_err(corrupt("invite_org"))?;
        Ok((record.expires_at >= now.secs()).then_some(record.org))
    }

    /// Uses an invitation: the user becomes staff of its organization under `label`, and the
    /// invitation is gone — in one transaction. Returns the organization's id.
    pub fn accept_invite(
        &self,
        code: &str,
        user_id: i64,
        chat_id: i64,
        label: &str,
        now: Timestamp,
    ) -> Result<Result<String, InvalidInvite>, StoreError> {
        let _writing = self.gate.shared();
        let blind = self.sealer.blind(&user_id.to_be_bytes());
        let invite = self.invite_key(code);
        let today = now.date();
        let member = serde_json::to_vec(&StaffRecord {
            chat: chat_id,
            label: label.to_string(),
            joined: today,
            active: today,
        })
        .map_err(corrupt("orgid_staff"))?;
        let result = (
            &*self.invite_org,
            &*self.orgid_staff,
            &*self.userblind_orgid,
        )
            .transaction(|(invites, staff, membership)| {
                let Some(bytes) = invites.get(invite)? else {
                    return Ok(Err(InvalidInvite));
                };
                invites.remove(&invite)?;
                let record: InviteRecord = serde_json::from_slice(&bytes)
                    .map_err(|e| ConflictableTransactionError::Abort(corrupt("invite_org")(e)))?;
                if record.expires_at < now.secs() {
                    return Ok(Err(InvalidInvite));
                }
                let key = staff_key(&record.org, &blind);
                let sealed = self
                    .sealer
                    .seal(&member, &staff_place(&key))
                    .map_err(|e| ConflictableTransactionError::Abort(e.into()))?;
                // One organization per person: joining another replaces the old membership.
                if let Some(old) = membership.get(blind)? {
                    staff.remove(staff_key(&String::from_utf8_lossy(&old), &blind))?;
                }
                staff.insert(key, sealed)?;
                membership.insert(&blind, record.org.as_bytes())?;
                Ok(Ok(record.org))
            });
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

    fn read_member(&self, key: &[u8], sealed: &[u8], prefix: usize) -> Result<Member, StoreError> {
        let bytes = self.sealer.open(sealed, &staff_place(key))?;
        let record: StaffRecord = serde_json::from_slice(&bytes).map_err(corrupt("orgid_staff"))?;
        Ok(Member {
            id: hex(&key[prefix..]),
            chat: record.chat,
            label: record.label,
            joined_on: record.joined,
            last_active: record.active,
        })
    }

    /// An organization's staff, oldest member first.
    pub fn staff_members(&self, org: &str) -> Result<Vec<Member>, StoreError> {
        let prefix = index_key(org, "");
        let mut members = Vec::new();
        for item in self.orgid_staff.scan_prefix(&prefix) {
            let (key, sealed) = item?;
            match self.read_member(&key, &sealed, prefix.len()) {
                Ok(member) => members.push(member),
                Err(_) => self.quarantine(&self.orgid_staff, "orgid_staff", &key)?,
            }
        }
        members.sort_by(|a, b| (a.joined_on, &a.label).cmp(&(b.joined_on, &b.label)));
        Ok(members)
    }

    /// The chats of an organization's staff, to deliver its referrals to.
    pub fn staff_chats(&self, org: &str) -> Result<Vec<i64>, StoreError> {
        Ok(self
            .staff_members(org)?
            .into_iter()
            .map(|m| m.chat)
            .collect())
    }

    /// How many members an organization's team has (without opening their records).
    pub fn staff_count(&self, org: &str) -> Result<usize, StoreError> {
        let mut prefix = org.as_bytes().to_vec();
        prefix.push(super::SEP);
        let mut n = 0;
        for key in self.orgid_staff.scan_prefix(prefix).keys() {
            key?;
            n += 1;
        }
        Ok(n)
    }

    /// The member id (see `Member::id`) of a user.
    pub fn member_id(&self, user_id: i64) -> String {
        hex(&self.sealer.blind(&user_id.to_be_bytes()))
    }

    /// Records that a staff member acted today (written at most once a day).
    pub fn touch_staff(&self, user_id: i64, today: NaiveDate) -> Result<(), StoreError> {
        let blind = self.sealer.blind(&user_id.to_be_bytes());
        let Some(org) = self.userblind_orgid.get(blind)? else {
            return Ok(());
        };
        let key = staff_key(&String::from_utf8_lossy(&org), &blind);
        let Some(sealed) = self.orgid_staff.get(&key)? else {
            return Ok(());
        };
        let bytes = self.sealer.open(&sealed, &staff_place(&key))?;
        let mut record: StaffRecord =
            serde_json::from_slice(&bytes).map_err(corrupt("orgid_staff"))?;
        if record.active >= today {
            return Ok(());
        }
        record.active = today;
        let bytes = serde_json::to_vec(&record).map_err(corrupt("orgid_staff"))?;
        let sealed = self.sealer.seal(&bytes, &staff_place(&key))?;
        self.orgid_staff.insert(key, sealed)?;
        Ok(())
    }

    /// Ends a membership (revoked by a coordinator, or the member left). Returns who it was,
    /// `None` if they were not a member of `org`.
    pub fn remove_staff(&self, org: &str, member: &str) -> Result<Option<Member>, StoreError> {
        let _writing = self.gate.shared();
        let Some(blind) = from_hex(member) else {
            return Ok(None);
        };
        let key = staff_key(org, &blind);
        let Some(sealed) = self.orgid_staff.get(&key)? else {
            return Ok(None);
        };
        let removed = self
            .read_member(&key, &sealed, key.len() - blind.len())
            .ok();
        (&*self.orgid_staff, &*self.userblind_orgid).transaction(|(staff, membership)| {
            staff.remove(key.as_slice())?;
            if membership
                .get(blind)?
                .is_some_and(|o| o.as_ref() == org.as_bytes())
            {
                membership.remove(&blind)?;
            }
            Ok::<(), ConflictableTransactionError<StoreError>>(())
        })?;
        Ok(removed.or(Some(Member {
            id: member.to_string(),
            chat: 0,
            label: String::new(),
            joined_on: NaiveDate::default(),
            last_active: NaiveDate::default(),
        })))
    }

    /// Schema 3 → 4: invitation codes kept as keyed hashes; staff records with a label and
    /// the days joined and last active (unknown for existing members: the migration's day).
    pub(super) fn migrate_staff_3_to_4(&self, today: NaiveDate) -> Result<(), StoreError> {
        for item in self.invite_org.iter() {
            let (key, value) = item?;
            if key.len() == 10 {
                let code = String::from_utf8_lossy(&key).into_owned();
                self.invite_org.insert(self.invite_key(&code), value)?;
                self.invite_org.remove(key)?;
            }
        }
        for item in self.orgid_staff.iter() {
            let (key, sealed) = item?;
            let Ok(bytes) = self.sealer.open(&sealed, &staff_place(&key)) else {
                self.quarantine(&self.orgid_staff, "orgid_staff", &key)?;
                continue;
            };
            let Ok(chat) = <[u8; 8]>::try_from(bytes.as_slice()) else {
                continue;
            };
            let record = StaffRecord {
                chat: i64::from_be_bytes(chat),
                label: String::new(),
                joined: today,
                active: today,
            };
            let bytes = serde_json::to_vec(&record).map_err(corrupt("orgid_staff"))?;
            let sealed = self.sealer.seal(&bytes, &staff_place(&key))?;
            self.orgid_staff.insert(key, sealed)?;
        }
        Ok(())
    }

    /// Writes a membership as schema 3 did, for the migration test.
    #[cfg(test)]
    pub(super) fn join_as_schema_3(
        &self,
        org: &str,
        user_id: i64,
        chat_id: i64,
        code: &str,
    ) -> Result<(), StoreError> {
        let blind = self.sealer.blind(&user_id.to_be_bytes());
        let key = staff_key(org, &blind);
        let sealed = self
            .sealer
            .seal(&chat_id.to_be_bytes(), &staff_place(&key))?;
        self.orgid_staff.insert(key, sealed)?;
        self.userblind_orgid.insert(blind, org.as_bytes())?;
        let invite = InviteRecord {
            org: org.to_string(),
            expires_at: i64::MAX,
        };
        self.invite_org.insert(
            code.as_bytes(),
            serde_json::to_vec(&invite).map_err(corrupt("invite_org"))?,
        )?;
        Ok(())
    }
}

fn from_hex(text: &str) -> Option<[u8; 16]> {
    if text.len() != 32 {
        return None;
    }
    let mut out = [0u8; 16];
    for (i, byte) in out.iter_mut().enumerate() {
        *byte = u8::from_str_radix(text.get(2 * i..2 * i + 2)?, 16).ok()?;
    }
    Some(out)
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
            store.accept_invite(&code, 7, 70, "Olena, lawyer", Timestamp::from_secs(2_000))?,
            Ok("org-a".to_string())
        );
        assert_eq!(store.staff_org(7)?, Some("org-a".into()));
        assert_eq!(store.staff_chats("org-a")?, vec![70]);
        assert_eq!(
            store.accept_invite(&code, 8, 80, "x", Timestamp::from_secs(2_000))?,
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
            store.accept_invite(
                &code,
                7,
                70,
                "x",
                Timestamp::from_secs(INVITE_VALID_SECONDS + 1)
            )?,
            Err(InvalidInvite)
        );
        assert_eq!(
            store.accept_invite("nosuchcode", 7, 70, "x", Timestamp::from_secs(0))?,
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
            .accept_invite(&first, 7, 70, "x", Timestamp::from_secs(1))?
            .ok();
        store
            .accept_invite(&second, 7, 70, "x", Timestamp::from_secs(1))?
            .ok();
        assert_eq!(store.staff_org(7)?, Some("org-b".into()));
        assert!(store.staff_chats("org-a")?.is_empty());
        assert_eq!(store.staff_chats("org-b")?, vec![70]);
        Ok(())
    }

    #[test]
    fn members_have_a_label_and_days_and_can_be_removed() -> TestResult {
        let store = Store::temporary()?;
        let day = |d| NaiveDate::from_ymd_opt(2026, 12, d).unwrap_or_default();
        let at = |d| Timestamp::at(day(d), 12);
        let code = store.create_invite("org-a", at(1))?;
        assert_eq!(store.invite_for(&code, at(1))?, Some("org-a".into()));
        assert_eq!(
            store.invite_for(&code, at(1))?,
            Some("org-a".into()),
            "not used up"
        );
        store.accept_invite(&code, 7, 70, "Olena, lawyer", at(1))??;
        assert_eq!(store.invite_for(&code, at(1))?, None, "used up");
        let members = store.staff_members("org-a")?;
        assert_eq!(members.len(), 1);
        assert_eq!(
            (
                members[0].label.as_str(),
                members[0].joined_on,
                members[0].last_active
            ),
            ("Olena, lawyer", day(1), day(1))
        );
        assert_eq!(members[0].id, store.member_id(7));
        store.touch_staff(7, day(3))?;
        assert_eq!(store.staff_members("org-a")?[0].last_active, day(3));
        assert_eq!(
            store.remove_staff("org-b", &members[0].id)?,
            None,
            "not theirs"
        );
        let removed = store.remove_staff("org-a", &members[0].id)?;
        assert_eq!(removed.map(|m| m.label), Some("Olena, lawyer".into()));
        assert_eq!(store.staff_org(7)?, None);
        assert!(store.staff_chats("org-a")?.is_empty());
        assert_eq!(store.remove_staff("org-a", "not-hex")?, None);
        Ok(())
    }

    #[test]
    fn an_unused_invitation_code_is_not_on_disk() -> TestResult {
        let dir = crate::storage::private_tempdir()?;
        let code = {
            let store = Store::open(dir.path())?;
            let code = store.create_invite("org-invited", Timestamp::from_secs(0))?;
            store.flush_blocking()?;
            code
        };
        crate::storage::assert_not_on_disk(dir.path(), &[code.as_bytes()], Some(b"org-invited"));
        let store = Store::open_waiting(dir.path(), std::time::Duration::from_secs(5))?;
        assert_eq!(
            store.invite_for(&code, Timestamp::from_secs(1))?,
            Some("org-invited".into())
        );
        Ok(())
    }
}
