//! An organization of the directory, with its vetting record.

use chrono::NaiveDate;

use super::Localized;

/// A form of help or cooperation an organization offers.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Service {
    Consultation,
    LegalAid,
    PsychologicalSupport,
    MedicalAid,
    Training,
    Lecture,
    Materials,
    Mentoring,
    Research,
    Documentation,
    Shelter,
    Advocacy,
    PeerSupport,
}

impl Service {
    pub const ALL: [Service; 13] = [
        Service::Consultation,
        Service::LegalAid,
        Service::PsychologicalSupport,
        Service::MedicalAid,
        Service::Training,
        Service::Lecture,
        Service::Materials,
        Service::Mentoring,
        Service::Research,
        Service::Documentation,
        Service::Shelter,
        Service::Advocacy,
        Service::PeerSupport,
    ];

    /// The code used in data files and in locale keys (`service-<code>`).
    pub fn code(self) -> &'static str {
        match self {
            Service::Consultation => "consultation",
            Service::LegalAid => "legal-aid",
            Service::PsychologicalSupport => "psychological-support",
            Service::MedicalAid => "medical-aid",
            Service::Training => "training",
            Service::Lecture => "lecture",
            Service::Materials => "materials",
            Service::Mentoring => "mentoring",
            Service::Research => "research",
            Service::Documentation => "documentation",
            Service::Shelter => "shelter",
            Service::Advocacy => "advocacy",
            Service::PeerSupport => "peer-support",
        }
    }

    pub fn from_code(code: &str) -> Option<Service> {
        Service::ALL.into_iter().find(|s| s.code() == code)
    }

    /// Help given to a person (a consultation, legal or psychological help, …), as opposed to
    /// training, lectures, research, materials or advocacy.
    pub fn is_direct_help(self) -> bool {
        matches!(
            self,
            Service::Consultation
                | Service::LegalAid
                | Service::PsychologicalSupport
                | Service::MedicalAid
                | Service::Documentation
                | Service::Shelter
                | Service::PeerSupport
        )
    }
}

/// Who an organization works with.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Audience {
    ServiceMembers,
    Commanders,
    Advisers,
    Cadets,
    Families,
    Veterans,
}

impl Audience {
    pub const ALL: [Audience; 6] = [
        Audience::ServiceMembers,
        Audience::Commanders,
        Audience::Advisers,
        Audience::Cadets,
        Audience::Families,
        Audience::Veterans,
    ];

    pub fn code(self) -> &'static str {
        match self {
            Audience::ServiceMembers => "service-members",
            Audience::Commanders => "commanders",
            Audience::Advisers => "advisers",
            Audience::Cadets => "cadets",
            Audience::Families => "families",
            Audience::Veterans => "veterans",
        }
    }

    pub fn from_code(code: &str) -> Option<Audience> {
        Audience::ALL.into_iter().find(|a| a.code() == code)
    }
}

/// Where an organization works.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum RegionScope {
    National,
    Regions(Vec<String>),
}

impl RegionScope {
    pub fn serves(&self, region: &str) -> bool {
        match self {
            RegionScope::National => true,
            RegionScope::Regions(codes) => codes.iter().any(|c| c == region),
        }
    }

    pub fn is_national(&self) -> bool {
        matches!(self, RegionScope::National)
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum VettingStatus {
    Active,
    Suspended,
}

/// Who vetted the organization, when, and until when the vetting holds.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Vetting {
    pub vetted_by: String,
    pub vetted_on: NaiveDate,
    pub expires_on: NaiveDate,
    pub status: VettingStatus,
}

#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Contacts {
    pub phone: Option<String>,
    pub email: Option<String>,
    pub website: Option<String>,
    pub telegram: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Organization {
    pub id: String,
    pub demo: bool,
    pub name: Localized,
    pub description: Localized,
    pub topics: Vec<String>,
    pub services: Vec<Service>,
    pub audiences: Vec<Audience>,
    pub regions: RegionScope,
    pub languages: Vec<String>,
    pub contacts: Contacts,
    pub hours: Option<Localized>,
    pub women_led: bool,
    pub accepts_referrals: bool,
    /// Hours a referral may wait for an answer before it goes to the next organization.
    pub response_hours: u32,
    /// Works online as well as in its regions (trainings, consultations by video).
    pub works_online: bool,
    pub vetting: Vetting,
}

/// How long an organization has to answer a referral unless its entry says otherwise.
pub const DEFAULT_RESPONSE_HOURS: u32 = 24;

impl Organization {
    /// Only active organizations whose vetting has not expired are ever shown to users.
    pub fn is_visible(&self, today: NaiveDate) -> bool {
        self.vetting.status == VettingStatus::Active && self.vetting.expires_on >= today
    }

    pub fn has_topic(&self, code: &str) -> bool {
        self.topics.iter().any(|t| t == code)
    }
}

/// The fields of an organization, by the names the directory file and the dashboard use.
pub const FIELDS: [&str; 17] = [
    "name",
    "description",
    "topics",
    "services",
    "audiences",
    "regions",
    "languages",
    "phone",
    "email",
    "website",
    "telegram",
    "hours",
    "women_led",
    "accepts_referrals",
    "response_hours",
    "online",
    "vetting",
];

/// Which fields differ between two versions of an organization (names only, in `FIELDS`
/// order): what an audit entry and a notice say changed.
pub fn changed_fields(a: &Organization, b: &Organization) -> Vec<&'static str> {
    let differs = [
        a.name != b.name,
        a.description != b.description,
        a.topics != b.topics,
        a.services != b.services,
        a.audiences != b.audiences,
        a.regions != b.regions,
        a.languages != b.languages,
        a.contacts.phone != b.contacts.phone,
        a.contacts.email != b.contacts.email,
        a.contacts.website != b.contacts.website,
        a.contacts.telegram != b.contacts.telegram,
        a.hours != b.hours,
        a.women_led != b.women_led,
        a.accepts_referrals != b.accepts_referrals,
        a.response_hours != b.response_hours,
        a.works_online != b.works_online,
        a.vetting != b.vetting,
    ];
    FIELDS
        .into_iter()
        .zip(differs)
        .filter_map(|(f, d)| d.then_some(f))
        .collect()
}

/// Copies the named fields (`FIELDS`) from `source` onto `target`: a proposed change applied
/// to the organization as it is now, keeping what others changed meanwhile.
pub fn apply_fields(target: &mut Organization, source: &Organization, fields: &[&str]) {
    for field in fields {
        match *field {
            "name" => target.name = source.name.clone(),
            "description" => target.description = source.description.clone(),
            "topics" => target.topics = source.topics.clone(),
            "services" => target.services = source.services.clone(),
            "audiences" => target.audiences = source.audiences.clone(),
            "regions" => target.regions = source.regions.clone(),
            "languages" => target.languages = source.languages.clone(),
            "phone" => target.contacts.phone = source.contacts.phone.clone(),
            "email" => target.contacts.email = source.contacts.email.clone(),
            "website" => target.contacts.website = source.contacts.website.clone(),
            "telegram" => target.contacts.telegram = source.contacts.telegram.clone(),
            "hours" => target.hours = source.hours.clone(),
            "women_led" => target.women_led = source.women_led,
            "accepts_referrals" => target.accepts_referrals = source.accepts_referrals,
            "response_hours" => target.response_hours = source.response_hours,
            "online" => target.works_online = source.works_online,
            // Vetting is never proposed: only coordinators vet.
            _ => {}
        }
    }
}

#[cfg(test)]
pub(crate) mod fixtures {
    use super::*;

    /// A visible organization for tests; adjust fields as the scenario needs.
    pub fn org(id: &str, topics: &[&str], regions: &[&str]) -> Organization {
        let date = |s: &str| NaiveDate::parse_from_str(s, "%Y-%m-%d").unwrap_or_default();
        Organization {
            id: id.to_string(),
            demo: true,
            name: Localized::new(format!("Організація {id}"), format!("Organization {id}")),
            description: Localized::new("Опис", "Description"),
            topics: topics.iter().map(|t| t.to_string()).collect(),
            services: vec![Service::Consultation],
            audiences: vec![Audience::ServiceMembers],
            regions: if regions == ["national"] {
                RegionScope::National
            } else {
                RegionScope::Regions(regions.iter().map(|r| r.to_string()).collect())
            },
            languages: vec!["uk".into()],
            contacts: Contacts {
                email: Some(format!("{id}@example.org")),
                ..Contacts::default()
            },
            hours: None,
            women_led: false,
            accepts_referrals: true,
            response_hours: DEFAULT_RESPONSE_HOURS,
            works_online: false,
            vetting: Vetting {
                vetted_by: "Test".into(),
                vetted_on: date("2026-01-01"),
                expires_on: date("2027-01-01"),
                status: VettingStatus::Active,
            },
        }
    }
}

#[cfg(test)]
mod tests {
    use super::fixtures::org;
    use super::*;

    fn day(s: &str) -> NaiveDate {
        NaiveDate::parse_from_str(s, "%Y-%m-%d").unwrap()
    }

    #[test]
    fn expired_or_suspended_organizations_are_not_visible() {
        let mut o = org("a", &["crsv"], &["UA-12"]);
        assert!(o.is_visible(day("2026-11-22")));
        assert!(o.is_visible(day("2027-01-01")));
        assert!(!o.is_visible(day("2027-01-02")));
        o.vetting.status = VettingStatus::Suspended;
        assert!(!o.is_visible(day("2026-11-22")));
    }

    #[test]
    fn changed_fields_name_what_differs_and_nothing_else() {
        let a = org("a", &["crsv"], &["UA-12"]);
        let mut b = a.clone();
        assert!(changed_fields(&a, &b).is_empty());
        b.contacts.phone = Some("+380441234567".into());
        b.hours = Some(Localized::new("Пн–Пт", "Mon–Fri"));
        b.vetting.status = VettingStatus::Suspended;
        assert_eq!(changed_fields(&a, &b), ["phone", "hours", "vetting"]);
    }

    #[test]
    fn applying_every_changed_field_gives_the_source_but_its_vetting() {
        let a = org("a", &["crsv"], &["UA-12"]);
        let mut b = org("a", &["legal"], &["national"]);
        b.contacts.phone = Some("+380441234567".into());
        b.response_hours = 48;
        b.vetting.status = VettingStatus::Suspended;
        let mut target = a.clone();
        apply_fields(&mut target, &b, &changed_fields(&a, &b));
        assert_eq!(changed_fields(&target, &b), ["vetting"]);
    }

    #[test]
    fn national_organizations_serve_every_region() {
        assert!(RegionScope::National.serves("UA-46"));
        assert!(!RegionScope::Regions(vec!["UA-12".into()]).serves("UA-46"));
    }
}
