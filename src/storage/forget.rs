//! `/forget`: deleting everything the store holds about one person, in one transaction.

use sled::Transactional;
use sled::transaction::ConflictableTransactionError;

use super::{SEP, Store, StoreError, index_key};

/// What was deleted, so the bot can tell organizations about their open referrals.
#[derive(Debug, Default, PartialEq, Eq)]
pub struct Forgotten {
    /// (reference code, organization) of every referral that was still open.
    pub open_referrals: Vec<(String, String)>,
    pub requests: usize,
    /// Messages of the chat from the last 48 hours, for the bot to delete from Telegram.
    pub recent_messages: Vec<i32>,
}

impl Store {
    /// Deletes a person's settings, dialogue state, requests (with their referrals and index
    /// entries), staff membership, buttons issued to them, messages still queued for them and
    /// the mark that their chat was unreachable. The caller flushes before confirming.
    pub fn forget_person(
        &self,
        user_id: i64,
        chat_id: i64,
        now_ms: i64,
    ) -> Result<Forgotten, StoreError> {
        let user = self.sealer.blind(&user_id.to_be_bytes());
        let chat = self.sealer.blind(&chat_id.to_be_bytes());
        let codes = self.requests_of(chat_id)?;
        let mut referral_keys = Vec::new();
        let mut open_keys = Vec::new();
        let mut forgotten = Forgotten {
            requests: codes.len(),
            ..Forgotten::default()
        };
        for code in &codes {
            let prefix = index_key(code, "");
            for key in self.refcode_referral.scan_prefix(&prefix).keys() {
                referral_keys.push(key?.to_vec());
            }
            for (_, referral) in self.referrals(code)? {
                if referral.status.is_open() {
                    open_keys.push(index_key(&referral.org, code));
                    forgotten.open_referrals.push((code.clone(), referral.org));
                }
            }
        }
        let membership = self.userblind_orgid.get(user)?;
        forgotten.recent_messages = self.recent_messages(chat_id, now_ms)?;
        let message_keys = self.message_keys(chat_id)?;
        let token_keys = self.token_keys_of(user_id)?;
        let queued: Vec<u64> = self
            .due(i64::MAX, usize::MAX)?
            .into_iter()
            .filter(|p| p.message.chat_id == chat_id)
            .map(|p| p.id)
            .collect();
        (
            &self.userblind_settings,
            &self.chatblind_dialogue,
            &self.refcode_request,
            &self.refcode_referral,
            &self.orgid_refcode,
            &self.chatblind_refcode,
            &self.userblind_orgid,
            &self.orgid_staff,
            &self.chatblind_sentat_msgid,
            &self.token_action,
            &self.seq_outbox,
            &self.chatblind_unreachableat,
        )
            .transaction(
                |(
                    settings,
                    dialogue,
                    requests,
                    referrals,
                    open,
                    mine,
                    member,
                    staff,
                    sent,
                    tokens,
                    queue,
                    unreachable,
                )| {
                    for key in &token_keys {
                        tokens.remove(key.as_slice())?;
                    }
                    for id in &queued {
                        queue.remove(&id.to_be_bytes())?;
                    }
                    unreachable.remove(&chat)?;
                    for key in &message_keys {
                        sent.remove(key.as_slice())?;
                    }
                    settings.remove(&user)?;
                    dialogue.remove(&chat)?;
                    for code in &codes {
                        requests.remove(code.as_bytes())?;
                        let mut key = chat.to_vec();
                        key.extend_from_slice(code.as_bytes());
                        mine.remove(key)?;
                    }
                    for key in &referral_keys {
                        referrals.remove(key.as_slice())?;
                    }
                    for key in &open_keys {
                        open.remove(key.as_slice())?;
                    }
                    if let Some(org) = &membership {
                        let mut key = org.to_vec();
                        key.push(SEP);
                        key.extend_from_slice(&user);
                        staff.remove(key)?;
                        member.remove(&user)?;
                    }
                    Ok::<(), ConflictableTransactionError<StoreError>>(())
                },
            )?;
        Ok(forgotten)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::{ContactChoice, HelpKind, HelpRequest, Lang, Referral, ReferralStatus};

    #[test]
    fn every_trace_of_a_person_is_deleted() -> Result<(), Box<dyn std::error::Error>> {
        let dir = tempfile::tempdir()?;
        let (user, chat) = (0x0061_6161_6161_i64, 0x0062_6262_6262_i64);
        let store = Store::open(dir.path())?;
        store.set_user_language(user, Lang::En)?;
        store.set_dialogue(chat, b"\"Idle\"")?;
        let code = store.new_reference_code()?;
        let request = HelpRequest {
            topic: "crsv".into(),
            region: "UA-63".into(),
            kind: HelpKind::Psychological,
            description: Some("CANARY-FORGET".into()),
            contact: ContactChoice::Telegram("@canary_forget".into()),
            requester_chat: chat,
            created_at: 0,
        };
        let referral = Referral {
            org: "org-a".into(),
            status: ReferralStatus::Pending,
            offered_at: 0,
            respond_by: 1,
        };
        store.submit_request(&code, &request, Some(&referral), &[], 0, None)?;
        let invite = store.create_invite("org-b", 0)?;
        store.accept_invite(&invite, user, chat, 1)?.ok();

        store.remember_message(chat, 77, 1_000)?;
        let forgotten = store.forget_person(user, chat, 2_000)?;
        assert_eq!(forgotten.recent_messages, vec![77]);
        assert!(store.recent_messages(chat, 2_000)?.is_empty());
        store.flush_blocking()?;
        assert_eq!(forgotten.requests, 1);
        assert_eq!(
            forgotten.open_referrals,
            vec![(code.clone(), "org-a".to_string())]
        );
        assert_eq!(store.user_language(user)?, None);
        assert_eq!(store.dialogue(chat)?, None);
        assert_eq!(store.help_request(&code)?, None);
        assert!(store.referrals(&code)?.is_empty());
        assert!(store.requests_of(chat)?.is_empty());
        assert!(store.open_referral_counts()?.is_empty());
        assert_eq!(store.staff_org(user)?, None);
        assert!(store.staff_chats("org-b")?.is_empty());
        for tree in store.db.tree_names() {
            let tree = store.db.open_tree(&tree)?;
            for item in tree.iter() {
                let (key, _) = item?;
                assert!(
                    !key.windows(code.len()).any(|w| w == code.as_bytes()),
                    "a key still names the request"
                );
            }
        }
        Ok(())
    }
}
