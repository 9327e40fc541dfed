//! Retention: finished requests (closed, withdrawn, declined or expired everywhere) are
//! deleted with their referrals (and any question still waiting about them) once they have been finished for the retention period.

use sled::Transactional;
use sled::transaction::ConflictableTransactionError;

use super::records::RequestRecord;
use super::{Store, StoreError, index_key};
use crate::domain::Timestamp;

impl Store {
    /// Deletes every request whose referrals are all final and whose last change is older
    /// than `cutoff`. Returns how many were deleted. The caller flushes.
    pub fn purge_finished_requests(&self, cutoff: Timestamp) -> Result<usize, StoreError> {
        let _writing = self.gate.shared();
        let mut purged = 0;
        let codes: Vec<String> = self
            .refcode_request
            .iter()
            .keys()
            .map(|k| Ok(String::from_utf8_lossy(&k?).into_owned()))
            .collect::<Result<_, StoreError>>()?;
        for code in codes {
            let Some(bytes) = self.refcode_request.get(code.as_bytes())? else {
                continue;
            };
            // A record that cannot be read is moved aside; the others are still purged.
            let (Ok(record), Ok(referrals), Ok(times)) = (
                serde_json::from_slice::<RequestRecord>(&bytes),
                self.referrals(&code),
                self.referral_change_times(&code),
            ) else {
                self.quarantine(&self.refcode_request, "refcode_request", code.as_bytes())?;
                continue;
            };
            // Open, or waiting for her to say whether to pass it on: not finished.
            if referrals.iter().any(|(_, r)| r.status.is_open())
                || self.refcode_waiting.contains_key(code.as_bytes())?
            {
                continue;
            }
            let created = Timestamp::from_secs(record.created_at);
            let last_change = times.into_iter().chain([created]).max().unwrap_or(created);
            if last_change >= cutoff {
                continue;
            }
            let request = match self.help_request(&code) {
                Ok(Some(request)) => request,
                Ok(None) => continue,
                Err(_) => {
                    self.quarantine(&self.refcode_request, "refcode_request", code.as_bytes())?;
                    continue;
                }
            };
            let referral_keys: Vec<Vec<u8>> = self
                .refcode_referral
                .scan_prefix(index_key(&code, ""))
                .keys()
                .map(|k| Ok(k?.to_vec()))
                .collect::<Result<_, StoreError>>()?;
            let chat_key = self.chat_key(request.requester_chat, &code);
            let questions = self.feedback_keys(&code)?;
            (
                &*self.refcode_request,
                &*self.refcode_referral,
                &*self.chatblind_refcode,
                &*self.codeside_feedback,
            )
                .transaction(|(requests, referrals, mine, asks)| {
                    requests.remove(code.as_bytes())?;
                    for key in &referral_keys {
                        referrals.remove(key.as_slice())?;
                    }
                    mine.remove(chat_key.as_slice())?;
                    for key in &questions {
                        asks.remove(key.as_slice())?;
                    }
                    Ok::<(), ConflictableTransactionError<StoreError>>(())
                })?;
            purged += 1;
        }
        Ok(purged)
    }
}

#[cfg(test)]
mod tests {
    use crate::domain::{
        Action, ContactChoice, HelpKind, HelpRequest, Outcome, Referral, ReferralStatus, Timestamp,
    };
    use crate::storage::Store;

    #[test]
    fn finished_requests_go_after_the_retention_period_and_open_ones_stay()
    -> Result<(), Box<dyn std::error::Error>> {
        let store = Store::temporary()?;
        let request = HelpRequest {
            topic: "crsv".into(),
            region: "UA-12".into(),
            kind: HelpKind::Legal,
            description: Some("text".into()),
            contact: ContactChoice::ThroughBot,
            requester_chat: 5,
            created_at: Timestamp::from_secs(100),
            on_decline: crate::domain::OnDecline::PassOn,
            follow_up: true,
        };
        let referral = Referral {
            org: "a".into(),
            status: ReferralStatus::Pending,
            offered_at: Timestamp::from_secs(100),
            respond_by: Timestamp::from_secs(200),
        };
        store.submit_request(
            "R-AAAA",
            &request,
            Some(&referral),
            &[],
            Timestamp::default(),
            None,
        )?;
        store.submit_request(
            "R-CCCC",
            &request,
            Some(&referral),
            &[],
            Timestamp::default(),
            None,
        )?;
        store.submit_request("R-DDDD", &request, None, &[], Timestamp::default(), None)?;
        store.act_on_referral("R-AAAA", "a", Action::Accept)?;
        store.act_on_referral("R-AAAA", "a", Action::Close(Outcome::Helped))?;
        assert_eq!(
            store.purge_finished_requests(Timestamp::from_secs(100))?,
            0,
            "not yet old enough"
        );
        assert_eq!(store.purge_finished_requests(Timestamp::from_secs(101))?, 2);
        assert_eq!(store.help_request("R-AAAA")?, None);
        assert!(store.referrals("R-AAAA")?.is_empty());
        assert_eq!(
            store.help_request("R-DDDD")?,
            None,
            "placed nowhere: finished"
        );
        assert!(store.help_request("R-CCCC")?.is_some(), "still pending");
        assert_eq!(store.requests_of(5)?, vec!["R-CCCC".to_string()]);
        Ok(())
    }
}
