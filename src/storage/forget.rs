//! `/forget`: deleting everything the store holds about one person, in one transaction.

use sled::Transactional;
use sled::transaction::ConflictableTransactionError;

use super::{SEP, Store, StoreError, index_key};
use crate::domain::Timestamp;

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
        now: Timestamp,
    ) -> Result<Forgotten, StoreError> {
        let user = self.sealer.blind(&user_id.to_be_bytes());
        let chat = self.sealer.blind(&chat_id.to_be_bytes());
        let forgotten = self.forget_blinded(&user, &chat, now)?;
        self.journal_forget(&user, &chat, now)?;
        Ok(forgotten)
    }

    /// `forget_person` by the blinded ids (as the /forget journal holds them).
    pub(super) fn forget_blinded(
        &self,
        user: &[u8; 16],
        chat: &[u8; 16],
        now: Timestamp,
    ) -> Result<Forgotten, StoreError> {
        // What is deleted is read first (sled's transactions cannot scan); if a referral was
        // added meanwhile (the deadline timer moved a request on), read again.
        let mut tries = 0;
        loop {
            match self.forget_once(*user, *chat, now) {
                Err(StoreError::Stale) if tries < 5 => tries += 1,
                other => return other,
            }
        }
    }

    fn forget_once(
        &self,
        user: [u8; 16],
        chat: [u8; 16],
        now: Timestamp,
    ) -> Result<Forgotten, StoreError> {
        let _writing = self.gate.shared();
        let codes = self.requests_of_blind(&chat)?;
        let mut referral_keys = Vec::new();
        let mut open_keys = Vec::new();
        let mut forgotten = Forgotten {
            requests: codes.len(),
            ..Forgotten::default()
        };
        // The key the next referral of each request would have: it must still be free when
        // the transaction runs.
        let mut next_referral_keys = Vec::new();
        for code in &codes {
            let prefix = index_key(code, "");
            let mut attempts: u16 = 0;
            for key in self.refcode_referral.scan_prefix(&prefix).keys() {
                referral_keys.push(key?.to_vec());
                attempts += 1;
            }
            let mut next = prefix.clone();
            next.extend_from_slice(&attempts.to_be_bytes());
            next_referral_keys.push(next);
            // A referral that cannot be read is deleted all the same; only its organization
            // is not told.
            for (_, referral) in self.referrals(code).unwrap_or_default() {
                if referral.status.is_open() {
                    open_keys.push((referral.org.clone(), code.clone()));
                    forgotten.open_referrals.push((code.clone(), referral.org));
                }
            }
        }
        let membership = self.userblind_orgid.get(user)?;
        forgotten.recent_messages = self.recent_messages_of(&chat, now)?;
        let message_keys = self.message_keys_of(&chat)?;
        let token_keys = self.token_keys_of(&user)?;
        let queued: Vec<u64> = self
            .due(Timestamp::NEVER, usize::MAX)?
            .into_iter()
            // To her, or carrying her words or contact to someone else.
            .filter(|p| {
                self.sealer.blind(&p.entry.chat_id.to_be_bytes()) == chat
                    || p.entry.from.map(|f| self.sealer.blind(&f.to_be_bytes())) == Some(user)
            })
            .map(|p| p.id)
            .collect();
        // Her expert requests, with every organization's answer and offer-list entry.
        let expert_codes = self.expert_requests_of_blind(&chat)?;
        let mut answer_keys = Vec::new();
        let mut offered_keys = Vec::new();
        for code in &expert_codes {
            for key in self
                .ecode_orgid_answer
                .scan_prefix(index_key(code, ""))
                .keys()
            {
                answer_keys.push(key?.to_vec());
            }
            offered_keys.extend(self.offered_keys(code).unwrap_or_default());
        }
        // Questions after a cooperation or a closed help request.
        let mut question_keys = Vec::new();
        for code in expert_codes.iter().chain(&codes) {
            question_keys.extend(self.feedback_keys(code)?);
        }
        // Her counts (requests a day, relayed messages an hour, failed invitations).
        let mut count_keys = self.count_keys_of(&user)?;
        for code in codes.iter().chain(&expert_codes) {
            count_keys.extend(self.count_keys(super::Subject::Request(code))?);
        }
        let held_keys = self.held_keys(&chat)?;
        let deadline_keys = self.deadline_keys_of(&codes)?;
        // More trees than sled's tuple transactions take: a slice, named back below.
        let trees: [&sled::Tree; 22] = [
            &*self.userblind_settings,
            &*self.chatblind_dialogue,
            &*self.refcode_request,
            &*self.refcode_referral,
            &*self.orgid_refcode,
            &*self.chatblind_refcode,
            &*self.userblind_orgid,
            &*self.orgid_staff,
            &*self.hour_chatblind_chunk,
            &*self.token_action,
            &*self.seq_outbox,
            &*self.chatblind_unreachableat,
            &*self.ecode_expert,
            &*self.ecode_orgid_answer,
            &*self.orgid_ecode,
            &*self.chatblind_ecode,
            &*self.codeside_feedback,
            &*self.subject_kind_count,
            &*self.refcode_waiting,
            &*self.chatblind_heldid_notice,
            &*self.orgid_opencount,
            &*self.respondby_refcode,
        ];
        trees[..].transaction(|t| {
            let [
                settings,
                dialogue,
                requests,
                referrals,
                open,
                mine,
                membership_of,
                staff,
                sent,
                tokens,
                outbox,
                unreachable,
                experts,
                answers,
                offered,
                my_experts,
                questions,
                counts,
                waiting,
                held,
                opened,
                deadlines,
            ] = t.as_slice()
            else {
                // The slice above has exactly these trees.
                return Err(ConflictableTransactionError::Abort(StoreError::Backend(
                    "forget: trees do not match".into(),
                )));
            };
            for key in &next_referral_keys {
                if referrals.get(key.as_slice())?.is_some() {
                    return Err(ConflictableTransactionError::Abort(StoreError::Stale));
                }
            }
            for key in &token_keys {
                tokens.remove(key.as_slice())?;
            }
            for id in &queued {
                outbox.remove(&id.to_be_bytes())?;
            }
            unreachable.remove(&chat)?;
            for key in &message_keys {
                sent.remove(key.as_slice())?;
            }
            settings.remove(&user)?;
            dialogue.remove(&chat)?;
            for code in &codes {
                requests.remove(code.as_bytes())?;
                waiting.remove(code.as_bytes())?;
                let mut key = chat.to_vec();
                key.extend_from_slice(code.as_bytes());
                mine.remove(key)?;
            }
            for key in &referral_keys {
                referrals.remove(key.as_slice())?;
            }
            for (org, code) in &open_keys {
                super::open::close(open, opened, org, code)?;
            }
            for key in &deadline_keys {
                deadlines.remove(key.as_slice())?;
            }
            if let Some(org) = &membership {
                let mut key = org.to_vec();
                key.push(SEP);
                key.extend_from_slice(&user);
                staff.remove(key)?;
                membership_of.remove(&user)?;
            }
            for code in &expert_codes {
                experts.remove(code.as_bytes())?;
                let mut key = chat.to_vec();
                key.extend_from_slice(code.as_bytes());
                my_experts.remove(key)?;
            }
            for key in &answer_keys {
                answers.remove(key.as_slice())?;
            }
            for key in &offered_keys {
                offered.remove(key.as_slice())?;
            }
            for key in &question_keys {
                questions.remove(key.as_slice())?;
            }
            for key in &count_keys {
                counts.remove(key.as_slice())?;
            }
            for key in &held_keys {
                held.remove(key.as_slice())?;
            }
            Ok::<(), ConflictableTransactionError<StoreError>>(())
        })?;
        Ok(forgotten)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::{
        ContactChoice, HelpKind, HelpRequest, Lang, Referral, ReferralStatus, Timestamp,
    };

    #[test]
    fn every_trace_of_a_person_is_deleted() -> Result<(), Box<dyn std::error::Error>> {
        let dir = crate::storage::private_tempdir()?;
        let (user, chat) = (0x0061_6161_6161_i64, 0x0062_6262_6262_i64);
        let store = Store::open(dir.path())?;
        store.set_user_language(user, Lang::En)?;
        store.set_dialogue(chat, b"\"Idle\"")?;
        let held = store.hold_notice(chat, "CANARY-HELD", Timestamp::default())?;
        let code = store.new_reference_code()?;
        let request = HelpRequest {
            topic: "crsv".into(),
            region: "UA-63".into(),
            kind: HelpKind::Psychological,
            description: Some("CANARY-FORGET".into()),
            contact: ContactChoice::Telegram("@canary_forget".into()),
            requester_chat: chat,
            created_at: Timestamp::default(),
            on_decline: crate::domain::OnDecline::PassOn,
            follow_up: true,
        };
        let referral = Referral {
            org: "org-a".into(),
            status: ReferralStatus::Pending,
            offered_at: Timestamp::default(),
            respond_by: Timestamp::from_secs(1),
        };
        let at = Timestamp::from_millis;
        store.submit_request(&code, &request, Some(&referral), &[], at(0), None)?;
        let invite = store.create_invite("org-b", at(0))?;
        store
            .accept_invite(&invite, user, chat, "x", at(1_000))?
            .ok();

        store.remember_message(chat, 77, at(1_000))?;
        // An expert request of hers, answered by an organization.
        let expert = crate::domain::expert::ExpertRequest {
            need: crate::domain::expert::ExpertNeed {
                kind: crate::domain::expert::NeedKind::Lecture,
                topic: "crsv".into(),
                audience: crate::domain::expert::ExpertAudience::Cadets,
                size: 30,
                format: crate::domain::expert::Format::Online,
                when: crate::domain::when::When::Flexible,
            },
            body: Some("CANARY-BODY".into()),
            contact: ContactChoice::ThroughBot,
            requester_chat: chat,
            created_at: at(0),
        };
        let ecode = store.new_expert_code()?;
        store.submit_expert(&ecode, &expert, &["org-c".into()], &[], at(0), None)?;
        store.answer_expert(
            &ecode,
            "org-c",
            &crate::domain::expert::Answer::Offer,
            Some("x"),
            &[],
            at(1_000),
        )??;
        let forgotten = store.forget_person(user, chat, at(2_000))?;
        assert_eq!(forgotten.recent_messages, vec![77]);
        assert!(store.recent_messages(chat, at(2_000))?.is_empty());
        store.flush_blocking()?;
        assert_eq!(forgotten.requests, 1);
        assert_eq!(
            forgotten.open_referrals,
            vec![(code.clone(), "org-a".to_string())]
        );
        assert_eq!(store.user_language(user)?, None);
        assert_eq!(store.dialogue(chat)?, None);
        assert_eq!(store.take_held_notice(chat, held)?, None);
        assert_eq!(store.help_request(&code)?, None);
        assert!(store.referrals(&code)?.is_empty());
        assert!(store.requests_of(chat)?.is_empty());
        assert!(store.open_referral_counts()?.is_empty());
        assert_eq!(store.staff_org(user)?, None);
        assert!(store.staff_chats("org-b")?.is_empty());
        assert_eq!(store.expert_request(&ecode)?, None);
        assert!(store.expert_requests_of(chat)?.is_empty());
        assert!(store.expert_requests_for("org-c")?.is_empty());
        assert!(store.expert_answers(&ecode)?.is_empty());
        for tree in store.db.tree_names() {
            let tree = store.db.open_tree(&tree)?;
            for item in tree.iter() {
                let (key, _) = item?;
                for named in [code.as_bytes(), ecode.as_bytes()] {
                    assert!(
                        !key.windows(named.len()).any(|w| w == named),
                        "a key still names a request"
                    );
                }
            }
        }
        Ok(())
    }
}
