//! Storage records: what is written to disk, kept apart from the domain types so the domain
//! can change without silently changing the stored format. Field names are short and stable.

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

use crate::domain::{
    Audience, Contacts, Localized, Organization, RegionScope, Service, Vetting, VettingStatus,
};

#[derive(Serialize, Deserialize)]
pub struct TextRecord {
    uk: String,
    #[serde(default)]
    en: Option<String>,
}

impl From<&Localized> for TextRecord {
    fn from(t: &Localized) -> Self {
        TextRecord {
            uk: t.uk.clone(),
            en: t.en.clone(),
        }
    }
}

impl From<TextRecord> for Localized {
    fn from(t: TextRecord) -> Self {
        Localized { uk: t.uk, en: t.en }
    }
}

fn default_response_hours() -> u32 {
    crate::domain::organization::DEFAULT_RESPONSE_HOURS
}

/// An organization as stored in `orgid_org`, version 1.
#[derive(Serialize, Deserialize)]
pub struct OrgRecord {
    id: String,
    demo: bool,
    name: TextRecord,
    description: TextRecord,
    topics: Vec<String>,
    services: Vec<String>,
    audiences: Vec<String>,
    /// Empty means nationwide.
    regions: Vec<String>,
    languages: Vec<String>,
    phone: Option<String>,
    email: Option<String>,
    website: Option<String>,
    telegram: Option<String>,
    hours: Option<TextRecord>,
    women_led: bool,
    accepts_referrals: bool,
    #[serde(default = "default_response_hours")]
    response_hours: u32,
    #[serde(default)]
    works_online: bool,
    vetted_by: String,
    vetted_on: NaiveDate,
    expires_on: NaiveDate,
    active: bool,
}

impl From<&Organization> for OrgRecord {
    fn from(o: &Organization) -> Self {
        OrgRecord {
            id: o.id.clone(),
            demo: o.demo,
            name: (&o.name).into(),
            description: (&o.description).into(),
            topics: o.topics.clone(),
            services: o.services.iter().map(|s| s.code().to_string()).collect(),
            audiences: o.audiences.iter().map(|a| a.code().to_string()).collect(),
            regions: match &o.regions {
                RegionScope::National => Vec::new(),
                RegionScope::Regions(r) => r.clone(),
            },
            languages: o.languages.clone(),
            phone: o.contacts.phone.clone(),
            email: o.contacts.email.clone(),
            website: o.contacts.website.clone(),
            telegram: o.contacts.telegram.clone(),
            hours: o.hours.as_ref().map(Into::into),
            women_led: o.women_led,
            accepts_referrals: o.accepts_referrals,
            response_hours: o.response_hours,
            works_online: o.works_online,
            vetted_by: o.vetting.vetted_by.clone(),
            vetted_on: o.vetting.vetted_on,
            expires_on: o.vetting.expires_on,
            active: o.vetting.status == VettingStatus::Active,
        }
    }
}

impl From<OrgRecord> for Organization {
    fn from(r: OrgRecord) -> Self {
        Organization {
            id: r.id,
            demo: r.demo,
            name: r.name.into(),
            description: r.description.into(),
            topics: r.topics,
            // Codes unknown to this version are dropped rather than failing the whole load.
            services: r
                .services
                .iter()
                .filter_map(|s| Service::from_code(s))
                .collect(),
            audiences: r
                .audiences
                .iter()
                .filter_map(|a| Audience::from_code(a))
                .collect(),
            regions: if r.regions.is_empty() {
                RegionScope::National
            } else {
                RegionScope::Regions(r.regions)
            },
            languages: r.languages,
            contacts: Contacts {
                phone: r.phone,
                email: r.email,
                website: r.website,
                telegram: r.telegram,
            },
            hours: r.hours.map(Into::into),
            women_led: r.women_led,
            accepts_referrals: r.accepts_referrals,
            response_hours: r.response_hours,
            works_online: r.works_online,
            vetting: Vetting {
                vetted_by: r.vetted_by,
                vetted_on: r.vetted_on,
                expires_on: r.expires_on,
                status: if r.active {
                    VettingStatus::Active
                } else {
                    VettingStatus::Suspended
                },
            },
        }
    }
}

/// A user's settings in `userid_settings`.
#[derive(Serialize, Deserialize, Default)]
pub struct SettingsRecord {
    pub lang: String,
    /// Notices about her own requests in full on the lock screen (default: discreet).
    #[serde(default)]
    pub full_notices: bool,
}

/// A help request in `refcode_request`. What identifies or describes the requester is in
/// `private`, sealed with the record's place as associated data.
#[derive(Serialize, Deserialize)]
pub struct RequestRecord {
    pub topic: String,
    pub region: String,
    pub kind: String,
    pub created_at: i64,
    #[serde(with = "super::bytes::text")]
    pub private: Vec<u8>,
    /// Ask the requester before passing it on (else pass it on at once).
    #[serde(default)]
    pub ask_first: bool,
    /// She withdrew it while no organization had it (or did not answer in time).
    #[serde(default)]
    pub withdrawn: bool,
    /// She declined the one question a day after it is closed.
    #[serde(default)]
    pub no_follow_up: bool,
}

/// A request whose organization could not take it, waiting for the requester to say whether
/// to pass it on (`refcode_waiting`).
#[derive(Serialize, Deserialize)]
pub struct WaitingRecord {
    /// Unix seconds.
    pub since: i64,
    pub reminded: bool,
}

/// The sealed part of a request.
#[derive(Serialize, Deserialize)]
pub struct PrivateRecord {
    pub chat: i64,
    pub description: Option<String>,
    /// "bot", or "phone:<number>", or "telegram:<username>".
    pub contact: String,
}

/// A referral in `refcode_referral`.
#[derive(Serialize, Deserialize)]
pub struct ReferralRecord {
    pub org: String,
    /// pending, accepted, declined, expired, closed, withdrawn.
    pub status: String,
    pub outcome: Option<String>,
    pub offered_at: i64,
    pub respond_by: i64,
    /// Why it was declined (a `DeclineReason` code).
    #[serde(default)]
    pub reason: Option<String>,
    /// Unix seconds of the last change, for retention.
    #[serde(default)]
    pub updated_at: i64,
}
