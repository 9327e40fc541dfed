//! Expert requests (issue 4) and the organizations' answers to them. Each change is one
//! transaction with the notices it causes; the caller flushes before telling anyone.
//!
//! Trees:
//! - `ecode_expert`:       code ("E-7K3Q") → `ExpertRecord` (JSON; body, contact and requester
//!   chat sealed inside it)
//! - `ecode_orgid_answer`: code, 0xFF, org id → `AnswerRecord` (JSON; the proposal sealed)
//! - `orgid_ecode`:        org id, 0xFF, code → empty (open requests offered to the organization;
//!   the record lists the organizations, so a request finds its entries without a scan)
//! - `chatblind_ecode`:    blinded chat id (16 bytes), code → empty (her expert requests)

use serde::{Deserialize, Serialize};
use sled::Transactional;
use sled::transaction::ConflictableTransactionError;

use super::requests::{contact_code, contact_of};
use super::{FeedbackAsk, OutboxEntry, Store, StoreError, corrupt, index_key};
use crate::domain::Timestamp;
use crate::domain::expert::{
    Answer, ExpertAudience, ExpertNeed, ExpertRefusal, ExpertRequest, ExpertStatus, Format,
    NeedKind, Picked, may_answer, pick,
};
use crate::domain::when::When;

#[derive(Serialize, Deserialize)]
pub(super) struct ExpertRecord {
    kind: String,
    topic: String,
    audience: String,
    pub(super) size: u32,
    /// A region code, or empty for online.
    region: String,
    /// Both empty for "flexible"; ISO dates otherwise.
    from: String,
    to: String,
    created_at: i64,
    /// open, filled, withdrawn, expired.
    status: String,
    filled_org: Option<String>,
    #[serde(with = "super::bytes::text")]
    private: Vec<u8>,
    /// When it was filled, withdrawn or expired (unix seconds).
    #[serde(default)]
    closed_at: Option<i64>,
    /// Whether the requester was told that no offer came in time.
    #[serde(default)]
    reported: bool,
    /// The organizations it was offered to (their entries in `orgid_ecode` are found from
    /// here, without scanning that tree).
    #[serde(default)]
    offered_to: Vec<String>,
}

#[derive(Serialize, Deserialize)]
struct ExpertPrivate {
    chat: i64,
    body: Option<String>,
    contact: String,
}

#[derive(Serialize, Deserialize)]
struct AnswerRecord {
    /// offer or pass.
    answer: String,
    at: i64,
    /// The proposal (what, when, cost), sealed; empty for a pass.
    #[serde(with = "super::bytes::text")]
    proposal: Vec<u8>,
}

/// An organization's answer as read back.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OrgAnswer {
    pub org: String,
    pub answer: Answer,
    pub proposal: Option<String>,
    pub at: Timestamp,
}

type TxError = ConflictableTransactionError<StoreError>;

fn abort(e: StoreError) -> TxError {
    ConflictableTransactionError::Abort(e)
}

fn status_code(status: &ExpertStatus) -> (&'static str, Option<String>) {
    match status {
        ExpertStatus::Open => ("open", None),
        ExpertStatus::Filled { org } => ("filled", Some(org.clone())),
        ExpertStatus::Withdrawn => ("withdrawn", None),
        ExpertStatus::Expired => ("expired", None),
    }
}

fn status_of(record: &ExpertRecord) -> Result<ExpertStatus, StoreError> {
    Ok(match (record.status.as_str(), &record.filled_org) {
        ("open", _) => ExpertStatus::Open,
        ("filled", Some(org)) => ExpertStatus::Filled { org: org.clone() },
        ("withdrawn", _) => ExpertStatus::Withdrawn,
        ("expired", _) => ExpertStatus::Expired,
        _ => {
            return Err(StoreError::Corrupt {
                tree: "ecode_expert",
                reason: format!("status {:?}", record.status),
            });
        }
    })
}

fn record_place(code: &str) -> Vec<u8> {
    format!("ecode_expert/{code}").into_bytes()
}

fn answer_place(key: &[u8]) -> Vec<u8> {
    let mut place = b"ecode_orgid_answer/".to_vec();
    place.extend_from_slice(key);
    place
}

/// Why an answer or a pick was not stored.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum ExpertChangeError {
    #[error(transparent)]
    Refused(#[from] ExpertRefusal),
    #[error("no such expert request")]
    NotFound,
}

impl Store {
    /// An expert request's code no request has used.
    pub fn new_expert_code(&self) -> Result<String, StoreError> {
        Self::unused_code(&self.ecode_expert, crate::domain::request::expert_code)
    }

    /// Stores a new expert request, offered to `orgs`, with its notices — one transaction.
    /// With `consume_dialogue_of`, that chat's dialogue state (the draft) is removed in the
    /// same transaction, and if it is already gone nothing is stored (`StoreError::Stale`):
    /// Send pressed twice makes one request.
    pub fn submit_expert(
        &self,
        code: &str,
        request: &ExpertRequest,
        orgs: &[String],
        notify: &[OutboxEntry],
        now: Timestamp,
        consume_dialogue_of: Option<i64>,
    ) -> Result<(), StoreError> {
        let _writing = self.gate.shared();
        let draft_key = consume_dialogue_of.map(|chat| self.sealer.blind(&chat.to_be_bytes()));
        let outbox = self.outbox_records(notify, now)?;
        let private = ExpertPrivate {
            chat: request.requester_chat,
            body: request.body.clone(),
            contact: contact_code(&request.contact),
        };
        let private = serde_json::to_vec(&private).map_err(corrupt("ecode_expert"))?;
        let need = &request.need;
        let (from, to) = match need.when {
            When::Flexible => (String::new(), String::new()),
            When::Between(a, b) => (a.to_string(), b.to_string()),
        };
        let record = ExpertRecord {
            kind: need.kind.code().to_string(),
            topic: need.topic.clone(),
            audience: need.audience.code().to_string(),
            size: need.size,
            region: match &need.format {
                Format::Online => String::new(),
                Format::InPerson { region } => region.clone(),
            },
            from,
            to,
            created_at: request.created_at.secs(),
            status: "open".into(),
            filled_org: None,
            private: self.sealer.seal(&private, &record_place(code))?,
            closed_at: None,
            reported: false,
            offered_to: orgs.to_vec(),
        };
        let record = serde_json::to_vec(&record).map_err(corrupt("ecode_expert"))?;
        let mine = self.chat_key(request.requester_chat, code);
        let month = crate::domain::monitoring::month_of(request.created_at);
        let counted = crate::domain::monitoring::expert_submitted(
            &need.topic,
            need.kind.code(),
            need.audience.code(),
            !orgs.is_empty(),
        );
        (
            &*self.ecode_expert,
            &*self.orgid_ecode,
            &*self.chatblind_ecode,
            &*self.seq_outbox,
            &*self.chatblind_dialogue,
            &*self.month_metric_count,
        )
            .transaction(|(requests, offered, her, queue, dialogue, counts)| {
                if let Some(key) = &draft_key
                    && dialogue.remove(key)?.is_none()
                {
                    return Err(abort(StoreError::Stale));
                }
                if requests.get(code.as_bytes())?.is_some() {
                    return Err(abort(StoreError::Backend(
                        "expert code already used".into(),
                    )));
                }
                requests.insert(code.as_bytes(), record.as_slice())?;
                her.insert(mine.as_slice(), &[])?;
                for org in orgs {
                    offered.insert(index_key(org, code), &[])?;
                }
                super::outbox::queue_in(queue, &outbox)?;
                super::monitoring::tally(counts, &month, &counted, 1)?;
                Ok(())
            })
            .map_err(StoreError::from)
    }

    pub(super) fn expert_record(&self, code: &str) -> Result<Option<ExpertRecord>, StoreError> {
        self.ecode_expert
            .get(code.as_bytes())?
            .map(|b| serde_json::from_slice(&b).map_err(corrupt("ecode_expert")))
            .transpose()
    }

    /// An expert request and its status.
    pub fn expert_request(
        &self,
        code: &str,
    ) -> Result<Option<(ExpertRequest, ExpertStatus)>, StoreError> {
        let Some(record) = self.expert_record(code)? else {
            return Ok(None);
        };
        let bad = |what: &str| StoreError::Corrupt {
            tree: "ecode_expert",
            reason: what.to_string(),
        };
        let private = self.sealer.open(&record.private, &record_place(code))?;
        let private: ExpertPrivate =
            serde_json::from_slice(&private).map_err(corrupt("ecode_expert"))?;
        let date = |s: &str| s.parse::<chrono::NaiveDate>().map_err(|_| bad("date"));
        let when = if record.from.is_empty() {
            When::Flexible
        } else {
            When::Between(date(&record.from)?, date(&record.to)?)
        };
        let request = ExpertRequest {
            need: ExpertNeed {
                kind: NeedKind::from_code(&record.kind).ok_or_else(|| bad("kind"))?,
                topic: record.topic.clone(),
                audience: ExpertAudience::from_code(&record.audience)
                    .ok_or_else(|| bad("audience"))?,
                size: record.size,
                format: if record.region.is_empty() {
                    Format::Online
                } else {
                    Format::InPerson {
                        region: record.region.clone(),
                    }
                },
                when,
            },
            body: private.body,
            contact: contact_of(&private.contact),
            requester_chat: private.chat,
            created_at: Timestamp::from_secs(record.created_at),
        };
        Ok(Some((request, status_of(&record)?)))
    }

    /// Every organization's answer to a request, in organization id order.
    pub fn expert_answers(&self, code: &str) -> Result<Vec<OrgAnswer>, StoreError> {
        let prefix = index_key(code, "");
        self.ecode_orgid_answer
            .scan_prefix(&prefix)
            .map(|item| {
                let (key, value) = item?;
                let record: AnswerRecord =
                    serde_json::from_slice(&value).map_err(corrupt("ecode_orgid_answer"))?;
                let proposal = if record.proposal.is_empty() {
                    None
                } else {
                    let bytes = self.sealer.open(&record.proposal, &answer_place(&key))?;
                    Some(String::from_utf8_lossy(&bytes).into_owned())
                };
                Ok(OrgAnswer {
                    org: String::from_utf8_lossy(&key[prefix.len()..]).into_owned(),
                    answer: if record.answer == "offer" {
                        Answer::Offer
                    } else {
                        Answer::Pass
                    },
                    proposal,
                    at: Timestamp::from_secs(record.at),
                })
            })
            .collect()
    }

    /// Records an organization's Offer (with its proposal) or Pass, with the notices it
    /// causes; refused if the request is no longer open or the organization already answered.
    pub fn answer_expert(
        &self,
        code: &str,
        org: &str,
        answer: &Answer,
        proposal: Option<&str>,
        notify: &[OutboxEntry],
        now: Timestamp,
    ) -> Result<Result<(), ExpertChangeError>, StoreError> {
        let _writing = self.gate.shared();
        let key = index_key(code, org);
        let sealed = match proposal {
            Some(text) => self.sealer.seal(text.as_bytes(), &answer_place(&key))?,
            None => Vec::new(),
        };
        let record = AnswerRecord {
            answer: match answer {
                Answer::Offer => "offer".into(),
                Answer::Pass => "pass".into(),
            },
            at: now.secs(),
            proposal: sealed,
        };
        let record = serde_json::to_vec(&record).map_err(corrupt("ecode_orgid_answer"))?;
        let outbox = self.outbox_records(notify, now)?;
        let result = (
            &*self.ecode_expert,
            &*self.ecode_orgid_answer,
            &*self.seq_outbox,
        )
            .transaction(|(requests, answers, queue)| {
                let Some(bytes) = requests.get(code.as_bytes())? else {
                    return Ok(Err(ExpertChangeError::NotFound));
                };
                let request: ExpertRecord = serde_json::from_slice(&bytes)
                    .map_err(|e| abort(corrupt("ecode_expert")(e)))?;
                let status = status_of(&request).map_err(abort)?;
                let earlier = answers.get(key.as_slice())?.map(|_| Answer::Pass);
                if let Err(refusal) = may_answer(&status, earlier.as_ref()) {
                    return Ok(Err(refusal.into()));
                }
                answers.insert(key.as_slice(), record.as_slice())?;
                super::outbox::queue_in(queue, &outbox)?;
                Ok(Ok(()))
            })?;
        Ok(result)
    }

    /// The requester picks an organization's offer: the request is filled, and it leaves every
    /// organization's list — with the notices, in one transaction. Picking the same offer
    /// again changes nothing and sends nothing.
    pub fn pick_expert_offer(
        &self,
        code: &str,
        org: &str,
        notify: &[OutboxEntry],
        feedback: &[FeedbackAsk],
        now: Timestamp,
    ) -> Result<Result<Picked, ExpertChangeError>, StoreError> {
        let _writing = self.gate.shared();
        let answer_key = index_key(code, org);
        let offered = self.offered_keys(code)?;
        let outbox = self.outbox_records(notify, now)?;
        let questions = self.feedback_records(feedback)?;
        let month = crate::domain::monitoring::month_of(now);
        let result = (
            &*self.ecode_expert,
            &*self.ecode_orgid_answer,
            &*self.orgid_ecode,
            &*self.seq_outbox,
            &*self.codeside_feedback,
            &*self.month_metric_count,
        )
            .transaction(|(requests, answers, open, queue, asks, counts)| {
                let Some(bytes) = requests.get(code.as_bytes())? else {
                    return Ok(Err(ExpertChangeError::NotFound));
                };
                let mut request: ExpertRecord = serde_json::from_slice(&bytes)
                    .map_err(|e| abort(corrupt("ecode_expert")(e)))?;
                let status = status_of(&request).map_err(abort)?;
                let answer = match answers.get(answer_key.as_slice())? {
                    None => None,
                    Some(bytes) => {
                        let record: AnswerRecord = serde_json::from_slice(&bytes)
                            .map_err(|e| abort(corrupt("ecode_orgid_answer")(e)))?;
                        Some(if record.answer == "offer" {
                            Answer::Offer
                        } else {
                            Answer::Pass
                        })
                    }
                };
                match pick(&status, org, answer.as_ref()) {
                    Err(refusal) => Ok(Err(refusal.into())),
                    Ok(Picked::Again) => Ok(Ok(Picked::Again)),
                    Ok(Picked::Filled) => {
                        let (code_str, filled) = status_code(&ExpertStatus::Filled {
                            org: org.to_string(),
                        });
                        request.status = code_str.to_string();
                        request.filled_org = filled;
                        request.closed_at = Some(now.secs());
                        let bytes = serde_json::to_vec(&request)
                            .map_err(|e| abort(corrupt("ecode_expert")(e)))?;
                        requests.insert(code.as_bytes(), bytes)?;
                        for key in &offered {
                            open.remove(key.as_slice())?;
                        }
                        super::outbox::queue_in(queue, &outbox)?;
                        for (key, value) in &questions {
                            asks.insert(key.as_slice(), value.as_slice())?;
                        }
                        super::monitoring::tally(
                            counts,
                            &month,
                            &["expert.arranged".to_string()],
                            1,
                        )?;
                        super::monitoring::tally(
                            counts,
                            &month,
                            &["expert.people_planned".to_string()],
                            u64::from(request.size),
                        )?;
                        Ok(Ok(Picked::Filled))
                    }
                }
            })?;
        Ok(result)
    }

    /// The keys of a request's entries in the organizations' offer lists.
    pub(super) fn offered_keys(&self, code: &str) -> Result<Vec<Vec<u8>>, StoreError> {
        let orgs = self
            .expert_record(code)?
            .map(|r| r.offered_to)
            .unwrap_or_default();
        Ok(orgs.iter().map(|org| index_key(org, code)).collect())
    }

    /// Ends an open request without a pick (withdrawn by the requester, or expired), takes
    /// it off every organization's list, and queues the notices — one transaction.
    pub fn close_expert(
        &self,
        code: &str,
        to: &ExpertStatus,
        notify: &[OutboxEntry],
        now: Timestamp,
    ) -> Result<Result<(), ExpertChangeError>, StoreError> {
        let _writing = self.gate.shared();
        let offered = self.offered_keys(code)?;
        let outbox = self.outbox_records(notify, now)?;
        let (status_str, _) = status_code(to);
        let result = (&*self.ecode_expert, &*self.orgid_ecode, &*self.seq_outbox).transaction(
            |(requests, open, queue)| {
                let Some(bytes) = requests.get(code.as_bytes())? else {
                    return Ok(Err(ExpertChangeError::NotFound));
                };
                let mut request: ExpertRecord = serde_json::from_slice(&bytes)
                    .map_err(|e| abort(corrupt("ecode_expert")(e)))?;
                if status_of(&request).map_err(abort)? != ExpertStatus::Open {
                    return Ok(Err(ExpertRefusal::NotOpen.into()));
                }
                request.status = status_str.to_string();
                request.closed_at = Some(now.secs());
                let bytes =
                    serde_json::to_vec(&request).map_err(|e| abort(corrupt("ecode_expert")(e)))?;
                requests.insert(code.as_bytes(), bytes)?;
                for key in &offered {
                    open.remove(key.as_slice())?;
                }
                super::outbox::queue_in(queue, &outbox)?;
                Ok(Ok(()))
            },
        )?;
        Ok(result)
    }

    /// Every expert request's code.
    fn expert_codes(&self) -> Result<Vec<String>, StoreError> {
        self.ecode_expert
            .iter()
            .keys()
            .map(|k| Ok(String::from_utf8_lossy(&k?).into_owned()))
            .collect()
    }

    /// The codes of the requests still open (read without opening their sealed parts: the
    /// background check runs every minute).
    pub fn open_expert_codes(&self) -> Result<Vec<String>, StoreError> {
        let mut out = Vec::new();
        for item in self.ecode_expert.iter() {
            let (key, value) = item?;
            let record: ExpertRecord =
                serde_json::from_slice(&value).map_err(corrupt("ecode_expert"))?;
            if record.status == "open" {
                out.push(String::from_utf8_lossy(&key).into_owned());
            }
        }
        Ok(out)
    }

    /// Whether the requester was told no offer came in time.
    pub fn expert_reported(&self, code: &str) -> Result<bool, StoreError> {
        Ok(self.expert_record(code)?.is_some_and(|r| r.reported))
    }

    /// Records that the requester was told no offer came, with the notices — one transaction.
    pub fn report_expert(
        &self,
        code: &str,
        notify: &[OutboxEntry],
        now: Timestamp,
    ) -> Result<(), StoreError> {
        let _writing = self.gate.shared();
        let outbox = self.outbox_records(notify, now)?;
        (&*self.ecode_expert, &*self.seq_outbox)
            .transaction(|(requests, queue)| {
                let Some(bytes) = requests.get(code.as_bytes())? else {
                    return Ok(());
                };
                let mut request: ExpertRecord = serde_json::from_slice(&bytes)
                    .map_err(|e| abort(corrupt("ecode_expert")(e)))?;
                if request.reported {
                    return Ok(());
                }
                request.reported = true;
                let bytes =
                    serde_json::to_vec(&request).map_err(|e| abort(corrupt("ecode_expert")(e)))?;
                requests.insert(code.as_bytes(), bytes)?;
                super::outbox::queue_in(queue, &outbox)?;
                Ok(())
            })
            .map_err(StoreError::from)
    }

    /// Deletes expert requests that ended before `cutoff` (withdrawn, expired, or filled and
    /// past their dates) and have no question left to send, with their answers and questions.
    /// Returns how many.
    pub fn purge_finished_experts(&self, cutoff: Timestamp) -> Result<usize, StoreError> {
        let _writing = self.gate.shared();
        let mut purged = 0;
        for code in self.expert_codes()? {
            let record = match self.expert_record(&code) {
                Ok(Some(record)) => record,
                Ok(None) => continue,
                Err(_) => {
                    // Moved aside; the others are still purged.
                    self.quarantine(&self.ecode_expert, "ecode_expert", code.as_bytes())?;
                    continue;
                }
            };
            // A filled request ends with its dates, not with the pick.
            let dates_end = record
                .to
                .parse::<chrono::NaiveDate>()
                .ok()
                .and_then(|d| d.and_hms_opt(23, 59, 59))
                .map_or(0, |t| t.and_utc().timestamp());
            let ended = match record.status.as_str() {
                "filled" => record.closed_at.map(|at| at.max(dates_end)),
                _ => record.closed_at,
            };
            if ended.is_none_or(|at| at >= cutoff.secs()) || self.feedback_to_send(&code)? {
                continue;
            }
            let request = match self.expert_request(&code) {
                Ok(Some((request, _))) => request,
                Ok(None) => continue,
                Err(_) => {
                    self.quarantine(&self.ecode_expert, "ecode_expert", code.as_bytes())?;
                    continue;
                }
            };
            let answers: Vec<Vec<u8>> = self
                .ecode_orgid_answer
                .scan_prefix(index_key(&code, ""))
                .keys()
                .map(|k| Ok(k?.to_vec()))
                .collect::<Result<_, StoreError>>()?;
            let questions = self.feedback_keys(&code)?;
            let offered = self.offered_keys(&code)?;
            let mine = self.chat_key(request.requester_chat, &code);
            (
                &*self.ecode_expert,
                &*self.ecode_orgid_answer,
                &*self.orgid_ecode,
                &*self.chatblind_ecode,
                &*self.codeside_feedback,
            )
                .transaction(|(requests, answer, open, her, asks)| {
                    requests.remove(code.as_bytes())?;
                    for key in &answers {
                        answer.remove(key.as_slice())?;
                    }
                    for key in &offered {
                        open.remove(key.as_slice())?;
                    }
                    her.remove(mine.as_slice())?;
                    for key in &questions {
                        asks.remove(key.as_slice())?;
                    }
                    Ok::<_, ConflictableTransactionError<StoreError>>(())
                })?;
            purged += 1;
        }
        Ok(purged)
    }

    /// The open expert requests offered to an organization.
    pub fn expert_requests_for(&self, org: &str) -> Result<Vec<String>, StoreError> {
        Self::index_ids(&self.orgid_ecode, org)
    }

    /// The codes of one requester's expert requests.
    pub fn expert_requests_of(&self, chat: i64) -> Result<Vec<String>, StoreError> {
        self.expert_requests_of_blind(&self.sealer.blind(&chat.to_be_bytes()))
    }

    pub(super) fn expert_requests_of_blind(
        &self,
        prefix: &[u8; 16],
    ) -> Result<Vec<String>, StoreError> {
        self.chatblind_ecode
            .scan_prefix(prefix)
            .keys()
            .map(|k| Ok(String::from_utf8_lossy(&k?[prefix.len()..]).into_owned()))
            .collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::ContactChoice;

    type TestResult = Result<(), Box<dyn std::error::Error>>;

    const CHAT: i64 = 0x0066_6666_6666;
    const BODY: &str = "CANARY-BODY військовий ліцей";

    fn request() -> ExpertRequest {
        ExpertRequest {
            need: ExpertNeed {
                kind: NeedKind::Training,
                topic: "crsv".into(),
                audience: ExpertAudience::Cadets,
                size: 40,
                format: Format::InPerson {
                    region: "UA-46".into(),
                },
                when: When::Between(
                    chrono::NaiveDate::from_ymd_opt(2027, 3, 12).unwrap_or_default(),
                    chrono::NaiveDate::from_ymd_opt(2027, 3, 15).unwrap_or_default(),
                ),
            },
            body: Some(BODY.into()),
            contact: ContactChoice::Telegram("@adviser_lviv".into()),
            requester_chat: CHAT,
            created_at: Timestamp::from_secs(100),
        }
    }

    fn note() -> OutboxEntry {
        OutboxEntry::text(9, "x")
    }

    fn at(secs: i64) -> Timestamp {
        Timestamp::from_secs(secs)
    }

    #[test]
    fn a_request_is_offered_answered_once_and_filled_once() -> TestResult {
        let store = Store::temporary()?;
        let code = store.new_expert_code()?;
        assert!(code.starts_with("E-"));
        let orgs = vec!["a".to_string(), "b".to_string(), "c".to_string()];
        store.submit_expert(&code, &request(), &orgs, &[note()], at(0), None)?;
        assert_eq!(
            store.expert_request(&code)?,
            Some((request(), ExpertStatus::Open))
        );
        assert_eq!(store.expert_requests_for("b")?, vec![code.clone()]);
        assert_eq!(store.expert_requests_of(CHAT)?, vec![code.clone()]);

        // Two organizations offer "at once", a third passes; nobody answers twice.
        store.answer_expert(
            &code,
            "a",
            &Answer::Offer,
            Some("2-day training, free"),
            &[],
            at(5),
        )??;
        store.answer_expert(&code, "b", &Answer::Offer, Some("lecture"), &[], at(5))??;
        store.answer_expert(&code, "c", &Answer::Pass, None, &[], at(6))??;
        assert_eq!(
            store.answer_expert(&code, "a", &Answer::Pass, None, &[note()], at(7))?,
            Err(ExpertRefusal::AlreadyAnswered.into())
        );
        let answers = store.expert_answers(&code)?;
        assert_eq!(answers.len(), 3);
        assert_eq!(answers[0].proposal.as_deref(), Some("2-day training, free"));
        assert_eq!(answers[2].answer, Answer::Pass);

        // She picks a; pressing Pick again is a no-op; b cannot be picked any more.
        let before = store.outbox_len();
        assert_eq!(
            store.pick_expert_offer(&code, "a", &[note()], &[], at(0))?,
            Ok(Picked::Filled)
        );
        assert_eq!(store.outbox_len(), before + 1);
        assert_eq!(
            store.pick_expert_offer(&code, "a", &[note()], &[], at(0))?,
            Ok(Picked::Again)
        );
        assert_eq!(store.outbox_len(), before + 1, "a repeat sends nothing");
        assert_eq!(
            store.pick_expert_offer(&code, "b", &[note()], &[], at(0))?,
            Err(ExpertRefusal::OtherPicked.into())
        );
        assert!(
            store.expert_requests_for("b")?.is_empty(),
            "no longer open for others"
        );
        assert_eq!(
            store.answer_expert(&code, "d", &Answer::Offer, Some("late"), &[], at(9))?,
            Err(ExpertRefusal::NotOpen.into())
        );
        assert_eq!(
            store.expert_request(&code)?.map(|(_, s)| s),
            Some(ExpertStatus::Filled { org: "a".into() })
        );
        Ok(())
    }

    #[test]
    fn offers_at_once_are_all_kept_and_picks_at_once_fill_it_once() -> TestResult {
        for round in 0..20 {
            let store = Store::temporary()?;
            let code = store.new_expert_code()?;
            let orgs: Vec<String> = vec!["a".into(), "b".into()];
            store.submit_expert(&code, &request(), &orgs, &[], at(0), None)?;
            // Two organizations offer at the same moment.
            let answers: Vec<_> = std::thread::scope(|s| {
                let handles: Vec<_> = orgs
                    .iter()
                    .map(|org| {
                        let (store, code) = (&store, &code);
                        s.spawn(move || {
                            store.answer_expert(
                                code,
                                org,
                                &Answer::Offer,
                                Some("p"),
                                &[note()],
                                at(1),
                            )
                        })
                    })
                    .collect();
                handles.into_iter().map(|h| h.join().ok()).collect()
            });
            assert!(
                answers.iter().all(|a| matches!(a, Some(Ok(Ok(()))))),
                "round {round}"
            );
            assert_eq!(store.expert_answers(&code)?.len(), 2);
            // She taps both offers' Pick at once (or one twice, on odd rounds).
            let picks: Vec<&str> = if round % 2 == 0 {
                vec!["a", "b"]
            } else {
                vec!["a", "a"]
            };
            let before = store.outbox_len();
            let results: Vec<_> = std::thread::scope(|s| {
                let handles: Vec<_> = picks
                    .iter()
                    .map(|org| {
                        let (store, code) = (&store, &code);
                        s.spawn(move || store.pick_expert_offer(code, org, &[note()], &[], at(0)))
                    })
                    .collect();
                handles.into_iter().map(|h| h.join().ok()).collect()
            });
            let filled = results
                .iter()
                .filter(|r| matches!(r, Some(Ok(Ok(Picked::Filled)))))
                .count();
            assert_eq!(filled, 1, "round {round}: {results:?}");
            assert_eq!(store.outbox_len(), before + 1, "one set of notices");
            let ExpertStatus::Filled { org } = store.expert_request(&code)?.ok_or("gone")?.1 else {
                return Err("not filled".into());
            };
            assert!(picks.contains(&org.as_str()));
        }
        Ok(())
    }

    #[test]
    fn ended_requests_are_purged_after_the_retention_period_with_their_answers() -> TestResult {
        let store = Store::temporary()?;
        let code = store.new_expert_code()?;
        store.submit_expert(&code, &request(), &["a".into()], &[], at(0), None)?;
        store.answer_expert(&code, "a", &Answer::Offer, Some("p"), &[], at(1))??;
        assert_eq!(
            store.purge_finished_experts(at(1_000_000))?,
            0,
            "open requests stay"
        );
        store.close_expert(&code, &ExpertStatus::Withdrawn, &[], at(100))??;
        assert!(store.expert_requests_for("a")?.is_empty());
        assert_eq!(
            store.close_expert(&code, &ExpertStatus::Expired, &[], at(101))?,
            Err(ExpertRefusal::NotOpen.into())
        );
        assert_eq!(store.purge_finished_experts(at(100))?, 0, "not yet");
        assert_eq!(store.purge_finished_experts(at(101))?, 1);
        assert_eq!(store.expert_request(&code)?, None);
        assert!(store.expert_answers(&code)?.is_empty());
        assert!(store.expert_requests_of(CHAT)?.is_empty());

        // A filled request stays until its dates (12–15 March 2027) are past the cutoff.
        let code = store.new_expert_code()?;
        store.submit_expert(&code, &request(), &["a".into()], &[], at(0), None)?;
        store.answer_expert(&code, "a", &Answer::Offer, Some("p"), &[], at(1))??;
        store.pick_expert_offer(&code, "a", &[], &[], at(2_000))??;
        let march_16 = chrono::NaiveDate::from_ymd_opt(2027, 3, 16)
            .and_then(|d| d.and_hms_opt(0, 0, 0))
            .map_or(0, |t| t.and_utc().timestamp());
        assert_eq!(
            store.purge_finished_experts(at(1_000_000))?,
            0,
            "its dates are ahead"
        );
        assert_eq!(store.purge_finished_experts(at(march_16))?, 1);
        Ok(())
    }

    #[test]
    fn the_body_contact_and_proposal_are_sealed_on_disk() -> TestResult {
        let dir = crate::storage::private_tempdir()?;
        {
            let store = Store::open(dir.path())?;
            let code = store.new_expert_code()?;
            store.submit_expert(&code, &request(), &["a".into()], &[], at(0), None)?;
            store.answer_expert(
                &code,
                "a",
                &Answer::Offer,
                Some("CANARY-PROPOSAL"),
                &[],
                at(1),
            )??;
            store.flush_blocking()?;
        }
        super::super::assert_not_on_disk(
            dir.path(),
            &[
                BODY.as_bytes(),
                b"@adviser_lviv",
                b"CANARY-PROPOSAL",
                &CHAT.to_be_bytes(),
            ],
            Some(b"UA-46"),
        );
        Ok(())
    }
}
