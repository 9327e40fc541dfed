//! Routing a help request: which organizations may receive it, and which one does.
//!
//! Eligible: visible (active, vetting not expired), accepts referrals, not paused, has the
//! topic (or, for "not sure", gives direct help), serves the region or works nationwide, offers the kind of help, and has not already
//! been tried for this request. Chosen: the fewest open referrals; among equals, a rotation
//! counter (kept by the caller, one step per routing) picks in id order, so ties share the load.

use std::collections::{HashMap, HashSet};

use chrono::NaiveDate;

use super::request::NOT_SURE;
use super::{HelpKind, Organization};

/// What a request needs.
#[derive(Debug, Clone, Copy)]
pub struct Need<'a> {
    pub topic: &'a str,
    pub region: &'a str,
    pub kind: HelpKind,
}

/// The organizations' current state, as the store knows it.
#[derive(Debug, Default)]
pub struct Load {
    /// Open (pending or accepted) referrals per organization id.
    pub open: HashMap<String, usize>,
    /// Organizations whose staff paused new referrals.
    pub paused: HashSet<String>,
}

pub fn eligible(org: &Organization, need: &Need<'_>, load: &Load, today: NaiveDate) -> bool {
    let topic = if need.topic == NOT_SURE {
        // She is not sure what to call it: someone who helps people directly.
        org.services.iter().any(|s| s.is_direct_help())
    } else {
        org.has_topic(need.topic)
    };
    org.is_visible(today)
        && org.accepts_referrals
        && !load.paused.contains(&org.id)
        && topic
        && org.regions.serves(need.region)
        && need.kind.offered_by(org)
}

/// The organization a request goes to next, or `None` if nobody eligible is left.
pub fn choose<'a>(
    orgs: impl IntoIterator<Item = &'a Organization>,
    need: &Need<'_>,
    load: &Load,
    tried: &[String],
    rotation: u64,
    today: NaiveDate,
) -> Option<&'a Organization> {
    let mut candidates: Vec<&Organization> = orgs
        .into_iter()
        .filter(|o| eligible(o, need, load, today) && !tried.contains(&o.id))
        .collect();
    let least = candidates
        .iter()
        .map(|o| load.open.get(&o.id).copied().unwrap_or(0))
        .min()?;
    candidates.retain(|o| load.open.get(&o.id).copied().unwrap_or(0) == least);
    candidates.sort_by(|a, b| a.id.cmp(&b.id));
    let pick = (rotation % candidates.len() as u64) as usize;
    candidates.get(pick).copied()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::organization::fixtures::org;
    use crate::domain::{Service, VettingStatus};

    fn today() -> NaiveDate {
        NaiveDate::from_ymd_opt(2026, 11, 22).unwrap_or_default()
    }

    fn helper(id: &str, regions: &[&str]) -> Organization {
        let mut o = org(id, &["sexual-harassment"], regions);
        o.services.push(Service::LegalAid);
        o
    }

    const NEED: Need<'static> = Need {
        topic: "sexual-harassment",
        region: "UA-12",
        kind: HelpKind::Legal,
    };

    #[test]
    fn every_eligibility_rule_is_applied() {
        let load = Load {
            paused: HashSet::from(["paused".to_string()]),
            ..Load::default()
        };
        assert!(eligible(&helper("ok", &["UA-12"]), &NEED, &load, today()));
        assert!(eligible(
            &helper("national", &["national"]),
            &NEED,
            &load,
            today()
        ));
        assert!(!eligible(
            &helper("elsewhere", &["UA-46"]),
            &NEED,
            &load,
            today()
        ));
        assert!(!eligible(
            &helper("paused", &["UA-12"]),
            &NEED,
            &load,
            today()
        ));
        let mut o = helper("no-referrals", &["UA-12"]);
        o.accepts_referrals = false;
        assert!(!eligible(&o, &NEED, &load, today()));
        let mut o = helper("suspended", &["UA-12"]);
        o.vetting.status = VettingStatus::Suspended;
        assert!(!eligible(&o, &NEED, &load, today()));
        let mut o = helper("expired", &["UA-12"]);
        o.vetting.expires_on = NaiveDate::from_ymd_opt(2026, 1, 1).unwrap_or_default();
        assert!(!eligible(&o, &NEED, &load, today()));
        let o = org("no-lawyers", &["sexual-harassment"], &["UA-12"]);
        assert!(!eligible(&o, &NEED, &load, today()));
        let mut o = helper("other-topic", &["UA-12"]);
        o.topics = vec!["crsv".into()];
        assert!(!eligible(&o, &NEED, &load, today()));
        // "Not sure": any topic, but only someone who helps people directly.
        let not_sure = Need {
            topic: NOT_SURE,
            kind: HelpKind::Other,
            ..NEED
        };
        assert!(eligible(&o, &not_sure, &load, today()), "gives legal aid");
        let mut trainers = org("trainers", &["crsv"], &["UA-12"]);
        trainers.services = vec![Service::Training, Service::Research, Service::Materials];
        assert!(!eligible(&trainers, &not_sure, &load, today()));
        trainers.services.push(Service::Consultation);
        assert!(eligible(&trainers, &not_sure, &load, today()));
    }

    #[test]
    fn the_least_loaded_organization_is_chosen() {
        let orgs = [
            helper("a", &["UA-12"]),
            helper("b", &["UA-12"]),
            helper("c", &["national"]),
        ];
        let load = Load {
            open: HashMap::from([("a".into(), 3), ("b".into(), 1), ("c".into(), 2)]),
            ..Load::default()
        };
        assert_eq!(
            choose(&orgs, &NEED, &load, &[], 0, today()).map(|o| o.id.as_str()),
            Some("b")
        );
    }

    #[test]
    fn ties_are_rotated_and_tried_organizations_skipped() {
        let orgs = [
            helper("a", &["UA-12"]),
            helper("b", &["UA-12"]),
            helper("c", &["UA-12"]),
        ];
        let load = Load::default();
        let picks: Vec<&str> = (0..4)
            .filter_map(|r| choose(&orgs, &NEED, &load, &[], r, today()))
            .map(|o| o.id.as_str())
            .collect();
        assert_eq!(picks, vec!["a", "b", "c", "a"]);
        let tried = vec!["a".to_string(), "b".to_string()];
        assert_eq!(
            choose(&orgs, &NEED, &load, &tried, 0, today()).map(|o| o.id.as_str()),
            Some("c")
        );
        let all: Vec<String> = orgs.iter().map(|o| o.id.clone()).collect();
        assert!(choose(&orgs, &NEED, &load, &all, 0, today()).is_none());
    }
}
