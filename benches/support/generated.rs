//! A generated directory for the benchmarks: deterministic, so every run measures the same
//! organizations.

use chrono::NaiveDate;
use poruch::domain::{
    Audience, Contacts, Localized, Organization, RegionScope, Service, Vetting, VettingStatus,
};
use poruch::startup;

pub const ORGS: usize = 10_000;

/// A tiny deterministic generator, so every run measures the same directory.
pub struct Lcg(pub u64);

impl Lcg {
    pub fn next(&mut self, n: usize) -> usize {
        self.0 = self
            .0
            .wrapping_mul(6364136223846793005)
            .wrapping_add(1442695040888963407);
        ((self.0 >> 33) as usize) % n
    }
}

const WORDS_UK: &[&str] = &[
    "Рівність",
    "Надія",
    "Сила",
    "Поруч",
    "Захист",
    "Довіра",
    "Світанок",
    "Турбота",
    "Право",
    "Гідність",
    "Відновлення",
    "Підтримка",
    "Голос",
    "Крок",
    "Опора",
];
const WORDS_EN: &[&str] = &[
    "Equality",
    "Hope",
    "Strength",
    "Alongside",
    "Shield",
    "Trust",
    "Dawn",
    "Care",
    "Law",
    "Dignity",
    "Recovery",
    "Support",
    "Voice",
    "Step",
    "Pillar",
];

pub fn directory(rng: &mut Lcg) -> Vec<Organization> {
    let taxonomy = startup::taxonomy().expect("taxonomy");
    let day = |s| NaiveDate::parse_from_str(s, "%Y-%m-%d").expect("date");
    (0..ORGS)
        .map(|i| {
            let topics: Vec<String> = (0..1 + rng.next(3))
                .map(|_| taxonomy.topics[rng.next(taxonomy.topics.len())].code.clone())
                .collect();
            let regions = if rng.next(10) == 0 {
                RegionScope::National
            } else {
                RegionScope::Regions(
                    (0..1 + rng.next(2)).map(|_| taxonomy.regions[rng.next(27)].code.clone()).collect(),
                )
            };
            let w = rng.next(WORDS_UK.len());
            let v = rng.next(WORDS_UK.len());
            Organization {
                id: format!("org-{i:05}"),
                demo: true,
                name: Localized::new(format!("{} {} {i}", WORDS_UK[w], WORDS_UK[v]), format!("{} {} {i}", WORDS_EN[w], WORDS_EN[v])),
                description: Localized::new(
                    "Консультації юристок і психологинь для військовослужбовиць, які зазнали домагань або насильства.",
                    "Lawyers and psychologists for servicewomen who faced harassment or violence.",
                ),
                topics,
                services: vec![Service::ALL[rng.next(Service::ALL.len())], Service::Consultation],
                audiences: vec![Audience::ServiceMembers],
                regions,
                languages: vec!["uk".into()],
                contacts: Contacts { email: Some(format!("org-{i}@example.org")), ..Contacts::default() },
                hours: None,
                women_led: rng.next(2) == 0,
                accepts_referrals: true,
                response_hours: 24,
                works_online: false,
                vetting: Vetting {
                    vetted_by: "Bench".into(),
                    vetted_on: day("2026-01-01"),
                    expires_on: day("2027-12-31"),
                    status: VettingStatus::Active,
                },
            }
        })
        .collect()
}

// Used by the backup and soak benches; the others include this file too.
#[allow(dead_code)]
/// The `i`-th generated help request to `org`, made at `at`, with its referral in `status`
/// and its reference code: a sealed description and contact like a real one.
pub fn request(
    org: &Organization,
    i: usize,
    at: poruch::domain::Timestamp,
    status: poruch::domain::ReferralStatus,
) -> (
    String,
    poruch::domain::HelpRequest,
    poruch::domain::Referral,
) {
    use poruch::domain::{ContactChoice, HelpKind, HelpRequest, OnDecline, Referral, Timestamp};
    let request = HelpRequest {
        topic: org.topics[0].clone(),
        region: "UA-12".into(),
        kind: HelpKind::Legal,
        description: Some(format!(
            "Опис запиту номер {i}: що сталося і яка допомога потрібна."
        )),
        contact: ContactChoice::Phone("+380 50 000 00 00".into()),
        requester_chat: 1_000_000 + i as i64,
        created_at: at,
        on_decline: OnDecline::PassOn,
        follow_up: true,
    };
    let referral = Referral {
        org: org.id.clone(),
        status,
        offered_at: at,
        respond_by: Timestamp::from_millis(at.millis() + 86_400_000),
    };
    let code = format!("R-{:04X}{}", i % 65_536, i / 65_536);
    (code, request, referral)
}
