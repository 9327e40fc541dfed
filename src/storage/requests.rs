//! Help requests and their referrals in the store. Each change is one sled transaction over
//! every tree it touches; the caller flushes (`Store::flush`) before telling anyone.

use sled::Transactional;
use sled::transaction::ConflictableTransactionError;

use super::records::{PrivateRecord, ReferralRecord, RequestRecord};
use super::{OutboxEntry, Store, StoreError, corrupt, index_key};
use crate::domain::monitoring;
use crate::domain::referral::{Outcome, ReferralStatus};
use crate::domain::request::reference_code;
use crate::domain::{ContactChoice, HelpKind, HelpRequest, OnDecline, Referral, Timestamp};

pub(super) fn status_code(status: ReferralStatus) -> (&'static str, Option<&'static str>) {
    match status {
        ReferralStatus::Pending => ("pending", None),
        ReferralStatus::Accepted => ("accepted", None),
        ReferralStatus::Declined => ("declined", None),
        ReferralStatus::Withdrawn => ("withdrawn", None),
        ReferralStatus::Expired => ("expired", None),
        ReferralStatus::Lapsed => ("lapsed", None),
        ReferralStatus::Blocked => ("blocked", None),
        ReferralStatus::Closed(outcome) => ("closed", Some(outcome.code())),
    }
}

pub(super) fn status_of(record: &ReferralRecord) -> Result<ReferralStatus, StoreError> {
    let bad = || StoreError::Corrupt {
        tree: "refcode_referral",
        reason: format!("status {:?}", record.status),
    };
    Ok(match record.status.as_str() {
        "pending" => ReferralStatus::Pending,
        "accepted" => ReferralStatus::Accepted,
        "declined" => ReferralStatus::Declined,
        "withdrawn" => ReferralStatus::Withdrawn,
        "expired" => ReferralStatus::Expired,
        "lapsed" => ReferralStatus::Lapsed,
        "blocked" => ReferralStatus::Blocked,
        "closed" => ReferralStatus::Closed(
            record
                .outcome
                .as_deref()
                .and_then(Outcome::from_code)
                .ok_or_else(bad)?,
        ),
        _ => return Err(bad()),
    })
}

pub(super) fn referral_record(r: &Referral) -> ReferralRecord {
    let (status, outcome) = status_code(r.status);
    ReferralRecord {
        org: r.org.clone(),
        status: status.to_string(),
        outcome: outcome.map(str::to_string),
        offered_at: r.offered_at.secs(),
        respond_by: r.respond_by.secs(),
        reason: None,
        updated_at: r.offered_at.secs(),
    }
}

pub(super) fn referral_key(code: &str, attempt: u16) -> Vec<u8> {
    let mut key = index_key(code, "");
    key.extend_from_slice(&attempt.to_be_bytes());
    key
}

pub(super) fn contact_code(contact: &ContactChoice) -> String {
    match contact {
        ContactChoice::ThroughBot => "bot".into(),
        ContactChoice::Phone(p) => format!("phone:{p}"),
        ContactChoice::Telegram(t) => format!("telegram:{t}"),
    }
}

pub(super) fn contact_of(code: &str) -> ContactChoice {
    match code.split_once(':') {
        Some(("phone", p)) => ContactChoice::Phone(p.to_string()),
        Some(("telegram", t)) => ContactChoice::Telegram(t.to_string()),
        _ => ContactChoice::ThroughBot,
    }
}

type TxResult<T> = Result<T, ConflictableTransactionError<StoreError>>;

impl Store {
    fn request_place(code: &str) -> Vec<u8> {
        format!("refcode_request/{code}").into_bytes()
    }

    pub(super) fn chat_key(&self, chat: i64, code: &str) -> Vec<u8> {
        let mut key = self.sealer.blind(&chat.to_be_bytes()).to_vec();
        key.extend_from_slice(code.as_bytes());
        key
    }

    /// A reference code no request has used.
    pub fn new_reference_code(&self) -> Result<String, StoreError> {
        Self::unused_code(&self.refcode_request, reference_code)
    }

    /// Stores a new request, its first referral (if an organization was chosen) and the
    /// notifications it causes — in one transaction. The caller flushes before giving the
    /// requester the code. With `consume_dialogue_of`, that chat's dialogue state (the draft
    /// being sent) must exist and is deleted in the same transaction: a second press of Send
    /// finds no draft and stores nothing (`StoreError::Stale`).
    pub fn submit_request(
        &self,
        code: &str,
        request: &HelpRequest,
        first: Option<&Referral>,
        notify: &[OutboxEntry],
        now: Timestamp,
        consume_dialogue_of: Option<i64>,
    ) -> Result<(), StoreError> {
        let _writing = self.gate.shared();
        let outbox = self.outbox_records(notify, now)?;
        let private = PrivateRecord {
            chat: request.requester_chat,
            description: request.description.clone(),
            contact: contact_code(&request.contact),
        };
        let private = serde_json::to_vec(&private).map_err(corrupt("refcode_request"))?;
        let record = RequestRecord {
            topic: request.topic.clone(),
            region: request.region.clone(),
            kind: request.kind.code().to_string(),
            created_at: request.created_at.secs(),
            private: self.sealer.seal(&private, &Self::request_place(code))?,
            ask_first: request.on_decline == OnDecline::AskFirst,
            withdrawn: false,
            no_follow_up: !request.follow_up,
        };
        let record = serde_json::to_vec(&record).map_err(corrupt("refcode_request"))?;
        let referral = first
            .map(|r| serde_json::to_vec(&referral_record(r)).map_err(corrupt("refcode_referral")))
            .transpose()?;
        let chat_key = self.chat_key(request.requester_chat, code);
        let draft_key = consume_dialogue_of.map(|chat| self.sealer.blind(&chat.to_be_bytes()));
        let month = monitoring::month_of(request.created_at);
        let counted = monitoring::help_submitted(
            &request.topic,
            &request.region,
            request.kind.code(),
            first.is_some(),
        );
        (
            &*self.refcode_request,
            &*self.refcode_referral,
            &*self.orgid_refcode,
            &*self.orgid_opencount,
            &*self.chatblind_refcode,
            &*self.seq_outbox,
            &*self.chatblind_dialogue,
            &*self.month_metric_count,
            &*self.respondby_refcode,
        )
            .transaction(
                |(requests, referrals, open, opened, mine, queue, dialogue, counts, due)| -> TxResult<()> {
                    if let Some(key) = &draft_key
                        && dialogue.remove(key)?.is_none()
                    {
                        return Err(ConflictableTransactionError::Abort(StoreError::Stale));
                    }
                    if requests.get(code.as_bytes())?.is_some() {
                        return Err(ConflictableTransactionError::Abort(StoreError::Backend(
                            "reference code already used".into(),
                        )));
                    }
                    requests.insert(code.as_bytes(), record.as_slice())?;
                    mine.insert(chat_key.as_slice(), &[])?;
                    if let (Some(bytes), Some(first)) = (&referral, first) {
                        referrals.insert(referral_key(code, 0), bytes.as_slice())?;
                        super::open::open(open, opened, &first.org, code)?;
                        super::deadlines::offered(due, code, 0, first)?;
                    }
                    super::outbox::queue_in(queue, &outbox)?;
                    super::monitoring::tally(counts, &month, &counted, 1)?;
                    Ok(())
                },
            )
            .map_err(StoreError::from)
    }

    /// A request by its reference code.
    pub fn help_request(&self, code: &str) -> Result<Option<HelpRequest>, StoreError> {
        let Some(bytes) = self.refcode_request.get(code.as_bytes())? else {
            return Ok(None);
        };
        let record: RequestRecord =
            serde_json::from_slice(&bytes).map_err(corrupt("refcode_request"))?;
        let private = self
            .sealer
            .open(&record.private, &Self::request_place(code))?;
        let private: PrivateRecord =
            serde_json::from_slice(&private).map_err(corrupt("refcode_request"))?;
        let kind = HelpKind::from_code(&record.kind).ok_or_else(|| StoreError::Corrupt {
            tree: "refcode_request",
            reason: format!("kind {:?}", record.kind),
        })?;
        Ok(Some(HelpRequest {
            topic: record.topic,
            region: record.region,
            kind,
            description: private.description,
            contact: contact_of(&private.contact),
            requester_chat: private.chat,
            created_at: Timestamp::from_secs(record.created_at),
            on_decline: if record.ask_first {
                OnDecline::AskFirst
            } else {
                OnDecline::PassOn
            },
            follow_up: !record.no_follow_up,
        }))
    }

    /// Every referral of a request, oldest first, with its attempt number.
    pub fn referrals(&self, code: &str) -> Result<Vec<(u16, Referral)>, StoreError> {
        let prefix = index_key(code, "");
        self.refcode_referral
            .scan_prefix(&prefix)
            .map(|item| {
                let (key, value) = item?;
                let attempt = u16::from_be_bytes([key[prefix.len()], key[prefix.len() + 1]]);
                let record: ReferralRecord =
                    serde_json::from_slice(&value).map_err(corrupt("refcode_referral"))?;
                let referral = Referral {
                    status: status_of(&record)?,
                    org: record.org,
                    offered_at: Timestamp::from_secs(record.offered_at),
                    respond_by: Timestamp::from_secs(record.respond_by),
                };
                Ok((attempt, referral))
            })
            .collect()
    }

    /// When each referral of a request last changed, for retention.
    pub(super) fn referral_change_times(&self, code: &str) -> Result<Vec<Timestamp>, StoreError> {
        self.refcode_referral
            .scan_prefix(index_key(code, ""))
            .values()
            .map(|v| {
                let record: ReferralRecord =
                    serde_json::from_slice(&v?).map_err(corrupt("refcode_referral"))?;
                Ok(Timestamp::from_secs(
                    record.updated_at.max(record.offered_at),
                ))
            })
            .collect()
    }

    /// The reference codes of one requester's requests.
    pub fn requests_of(&self, chat: i64) -> Result<Vec<String>, StoreError> {
        self.requests_of_blind(&self.sealer.blind(&chat.to_be_bytes()))
    }

    pub(super) fn requests_of_blind(&self, prefix: &[u8; 16]) -> Result<Vec<String>, StoreError> {
        self.chatblind_refcode
            .scan_prefix(prefix)
            .keys()
            .map(|k| Ok(String::from_utf8_lossy(&k?[prefix.len()..]).into_owned()))
            .collect()
    }

    /// The reference codes of an organization's open referrals.
    pub fn open_referrals_of(&self, org: &str) -> Result<Vec<String>, StoreError> {
        Self::index_ids(&self.orgid_refcode, org)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::{Action, Transition};

    type TestResult = Result<(), Box<dyn std::error::Error>>;

    const CANARY: &str = "командир CANARY-DESCRIPTION-7731";
    const PHONE: &str = "+380 67 123 45 99";
    const CHAT: i64 = 0x005A_5A5A_5A5A;

    fn request() -> HelpRequest {
        HelpRequest {
            topic: "sexual-harassment".into(),
            region: "UA-12".into(),
            kind: HelpKind::Legal,
            description: Some(CANARY.into()),
            contact: ContactChoice::Phone(PHONE.into()),
            requester_chat: CHAT,
            created_at: Timestamp::from_secs(1_790_000_000),
            on_decline: OnDecline::AskFirst,
            follow_up: true,
        }
    }

    fn referral(org: &str) -> Referral {
        Referral {
            org: org.into(),
            status: ReferralStatus::Pending,
            offered_at: Timestamp::from_secs(1_790_000_000),
            respond_by: Timestamp::from_secs(1_790_086_400),
        }
    }

    #[test]
    fn a_request_is_stored_and_read_back_with_its_referral() -> TestResult {
        let store = Store::temporary()?;
        let code = store.new_reference_code()?;
        let note = OutboxEntry::text(99, "R-code");
        store.submit_request(
            &code,
            &request(),
            Some(&referral("org-a")),
            &[note],
            Timestamp::default(),
            None,
        )?;
        assert_eq!(store.help_request(&code)?, Some(request()));
        assert_eq!(
            store.due(Timestamp::default(), 10)?.len(),
            1,
            "the notification is queued with the request"
        );
        assert_eq!(store.referrals(&code)?, vec![(0, referral("org-a"))]);
        assert_eq!(store.requests_of(CHAT)?, vec![code.clone()]);
        assert!(store.requests_of(CHAT + 1)?.is_empty());
        assert_eq!(store.open_referral_counts()?.get("org-a"), Some(&1));
        assert_eq!(store.open_referrals_of("org-a")?, vec![code.clone()]);
        assert!(
            store
                .submit_request(&code, &request(), None, &[], Timestamp::default(), None)
                .is_err(),
            "a code is used once"
        );
        assert_eq!(
            store.due(Timestamp::default(), 10)?.len(),
            1,
            "a refused submission queues nothing"
        );
        Ok(())
    }

    #[test]
    fn the_lifecycle_is_enforced_in_the_store() -> TestResult {
        let store = Store::temporary()?;
        let code = store.new_reference_code()?;
        store.submit_request(
            &code,
            &request(),
            Some(&referral("org-a")),
            &[],
            Timestamp::default(),
            None,
        )?;
        assert_eq!(
            store.act_on_referral(&code, "org-a", Action::Accept)?,
            Transition::Changed(ReferralStatus::Accepted)
        );
        assert_eq!(
            store.act_on_referral(&code, "org-a", Action::Accept)?,
            Transition::Unchanged
        );
        assert!(matches!(
            store.act_on_referral(&code, "org-a", Action::Decline),
            Err(StoreError::Illegal(_))
        ));
        assert!(matches!(
            store.act_on_referral(&code, "org-b", Action::Accept),
            Err(StoreError::NotFound)
        ));
        store.act_on_referral(&code, "org-a", Action::Close(Outcome::Helped))?;
        assert_eq!(
            store.referrals(&code)?[0].1.status,
            ReferralStatus::Closed(Outcome::Helped)
        );
        assert!(
            store.open_referral_counts()?.is_empty(),
            "a closed referral is no longer open"
        );
        Ok(())
    }

    #[test]
    fn private_fields_never_reach_the_disk_in_plain_text() -> TestResult {
        let dir = crate::storage::private_tempdir()?;
        {
            let store = Store::open(dir.path())?;
            let code = store.new_reference_code()?;
            store.submit_request(
                &code,
                &request(),
                Some(&referral("org-a")),
                &[],
                Timestamp::default(),
                None,
            )?;
            store.flush_blocking()?;
        }
        // The scan must see the request itself, or finding nothing would prove nothing.
        crate::storage::assert_not_on_disk(
            dir.path(),
            &[
                CANARY.as_bytes(),
                PHONE.as_bytes(),
                &CHAT.to_be_bytes(),
                CHAT.to_string().as_bytes(),
            ],
            Some(b"sexual-harassment"),
        );
        let store = Store::open_waiting(dir.path(), std::time::Duration::from_secs(5))?;
        let codes = store.requests_of(CHAT)?;
        assert_eq!(
            store
                .help_request(&codes[0])?
                .and_then(|r| r.description)
                .as_deref(),
            Some(CANARY)
        );
        Ok(())
    }
}
