//! Search over the directory: by topic and region, and by free text in Ukrainian or English.
//!
//! Ranking (deterministic, the same input always gives the same order):
//! - Topic and region: organizations that name the region come first, then nationwide ones;
//!   within each group, by id. "Nationwide" as the choice lists nationwide organizations
//!   first, then the regional ones, each group by id.
//! - Free text: the query is reduced to stems (see `normalize`); a stem of 5 or more letters
//!   that is neither a known word nor a word of the directory is read as the nearest known word
//!   (`Vocabulary`: typos); phrases that name a topic
//!   (its synonyms and names) or a region (its aliases and names) are recognised, and the
//!   remaining stems are plain terms. Candidates are the organizations with a recognised
//!   topic; if none was recognised, those matching any term; if only a region was given, all
//!   organizations serving it. A region, when given, filters to organizations serving it or
//!   working nationwide. Score = 2000 if the query names a situation a person asks help with
//!   (a topic with `help = true`: harassment, violence, …) and the organization helps directly
//!   (`gives_direct_help`: consultations, legal, psychological or medical help, shelter, peer
//!   support, documenting) + 1000 if it names the region + 100 per recognised topic it has +
//!   10 per term in its name + 3 per term in its description or services. So, for a
//!   situation, every organization that helps comes before every one that only trains,
//!   researches or publishes — a nationwide one that helps before a regional one that does
//!   not — and within each, regional ones before nationwide ones. Ties are broken by id.
//!
//! Only organizations visible on the given day (active, vetting not expired) are returned.

use std::collections::HashMap;

use chrono::NaiveDate;

use super::normalize::stems;
use super::{Organization, Region, RegionScope, Taxonomy, VettingStatus};

/// The region a person chose at the region step.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum RegionChoice {
    Region(String),
    Nationwide,
}

/// What a free-text query was understood to ask for.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct TextQuery {
    pub topics: Vec<String>,
    pub region: Option<String>,
    pub terms: Vec<String>,
}

impl TextQuery {
    pub fn is_empty(&self) -> bool {
        self.topics.is_empty() && self.region.is_none() && self.terms.is_empty()
    }
}

/// A phrase (its stems) that names a topic or region, by that thing's index.
#[derive(Debug, Clone, PartialEq)]
struct Phrase {
    stems: Vec<String>,
    target: usize,
}

/// The in-memory index the bot and the CLI search. Built at start-up; one organization at a
/// time after that (`put`).
#[derive(Debug, Clone, PartialEq)]
pub struct SearchIndex {
    taxonomy: Taxonomy,
    /// All organizations, sorted by id; positions are the postings below.
    orgs: Vec<Organization>,
    by_topic: HashMap<String, Vec<u32>>,
    by_region: HashMap<String, Vec<u32>>,
    national: Vec<u32>,
    /// Per position: the last day the organization may be shown (`NaiveDate::MIN` if
    /// suspended) and whether it works nationwide. Dense, so a query that scores thousands of
    /// candidates does not touch each organization's record.
    shown_until: Vec<NaiveDate>,
    is_national: Vec<bool>,
    /// Per position: whether the organization helps people directly (`gives_direct_help`).
    helps: Vec<bool>,
    name_terms: HashMap<String, Vec<u32>>,
    text_terms: HashMap<String, Vec<u32>>,
    topic_phrases: Vec<Phrase>,
    region_phrases: Vec<Phrase>,
    /// Every stem of the topic and region phrases, by its first letter: what a misspelt word
    /// is corrected to (see `Vocabulary`).
    vocabulary: Vocabulary,
}

/// The words the search knows (stems of topic names, synonyms and place names), for
/// correcting typos: a word of 5 or more letters that is not one of them becomes the one
/// word within 1 edit (2 from 8 letters) that starts with the same letter, if there is
/// exactly one at the smallest distance. Descriptions are not corrected towards: only the
/// vocabulary, so a rare word is not bent into an organization's name.
#[derive(Debug, Clone, PartialEq, Default)]
struct Vocabulary {
    known: std::collections::HashSet<String>,
    by_first: HashMap<char, Vec<String>>,
}

impl Vocabulary {
    fn new<'a>(phrases: impl Iterator<Item = &'a Phrase>) -> Vocabulary {
        let mut v = Vocabulary::default();
        for stem in phrases.flat_map(|p| p.stems.iter()) {
            if v.known.insert(stem.clone())
                && let Some(first) = stem.chars().next()
            {
                v.by_first.entry(first).or_default().push(stem.clone());
            }
        }
        v
    }

    /// The known word a stem was probably meant as, if it is not one already.
    fn correct(&self, stem: &str) -> Option<&str> {
        let len = stem.chars().count();
        if len < 5 || self.known.contains(stem) {
            return None;
        }
        let most = if len >= 8 { 2 } else { 1 };
        let first = stem.chars().next()?;
        let mut best: Option<(&str, usize)> = None;
        let mut tied = false;
        for word in self.by_first.get(&first)? {
            if word.chars().count().abs_diff(len) > most {
                continue;
            }
            let d = strsim::levenshtein(stem, word);
            if d > most {
                continue;
            }
            match best {
                Some((_, b)) if d > b => {}
                Some((_, b)) if d == b => tied = true,
                _ => {
                    best = Some((word, d));
                    tied = false;
                }
            }
        }
        if tied { None } else { best.map(|(w, _)| w) }
    }
}

fn phrases<'a>(names: impl Iterator<Item = (usize, &'a str)>) -> Vec<Phrase> {
    let mut out: Vec<Phrase> = names
        .map(|(target, text)| Phrase {
            stems: stems(text),
            target,
        })
        .filter(|p| !p.stems.is_empty())
        .collect();
    // Longer phrases first, so "сексуальне насильство" wins over a one-word synonym.
    out.sort_by(|a, b| {
        b.stems
            .len()
            .cmp(&a.stems.len())
            .then(a.target.cmp(&b.target))
    });
    out
}

fn push_posting(map: &mut HashMap<String, Vec<u32>>, key: String, idx: u32) {
    let list = map.entry(key).or_default();
    if list.last() != Some(&idx) {
        list.push(idx);
    }
}

/// What one organization contributes to the index: its topics, its regions (empty if
/// nationwide), and the stems of its names and of its description and services.
struct Terms {
    topics: Vec<String>,
    regions: Option<Vec<String>>,
    names: Vec<String>,
    text: Vec<String>,
}

fn terms(org: &Organization) -> Terms {
    let mut names: Vec<String> = org.name.all().flat_map(stems).collect();
    names.sort();
    names.dedup();
    let services = org.services.iter().map(|s| s.code().replace('-', " "));
    let mut text: Vec<String> = org
        .description
        .all()
        .map(str::to_string)
        .chain(services)
        .flat_map(|t| stems(&t))
        .collect();
    text.sort();
    text.dedup();
    let mut topics = org.topics.clone();
    topics.sort();
    topics.dedup();
    Terms {
        topics,
        regions: match &org.regions {
            RegionScope::National => None,
            RegionScope::Regions(codes) => {
                let mut codes = codes.clone();
                codes.sort();
                codes.dedup();
                Some(codes)
            }
        },
        names,
        text,
    }
}

/// Whether an organization helps people directly — consultations, legal aid, psychological
/// or medical help, shelter, peer support, documenting what happened — rather than only
/// training, researching, publishing or advocating.
pub fn gives_direct_help(org: &Organization) -> bool {
    org.services.iter().any(|s| s.is_direct_help())
}

fn shown_until(org: &Organization) -> NaiveDate {
    match org.vetting.status {
        VettingStatus::Active => org.vetting.expires_on,
        VettingStatus::Suspended => NaiveDate::MIN,
    }
}

/// Puts `idx` into a sorted posting list (once).
fn add_sorted(map: &mut HashMap<String, Vec<u32>>, key: &str, idx: u32) {
    let list = map.entry(key.to_string()).or_default();
    if let Err(at) = list.binary_search(&idx) {
        list.insert(at, idx);
    }
}

fn remove_sorted(map: &mut HashMap<String, Vec<u32>>, key: &str, idx: u32) {
    if let Some(list) = map.get_mut(key) {
        if let Ok(at) = list.binary_search(&idx) {
            list.remove(at);
        }
        if list.is_empty() {
            map.remove(key);
        }
    }
}

impl SearchIndex {
    /// Puts one organization in (a coordinator's change, a new one) without building the
    /// whole index again: its old entries are taken out, its new ones put in; a new
    /// organization shifts the positions after it.
    pub fn put(&mut self, org: Organization) {
        let (idx, fresh) = match self.orgs.binary_search_by(|o| o.id.as_str().cmp(&org.id)) {
            Ok(i) => (i as u32, false),
            Err(i) => (i as u32, true),
        };
        if fresh {
            let shift = |list: &mut Vec<u32>| {
                for v in list.iter_mut() {
                    if *v >= idx {
                        *v += 1;
                    }
                }
            };
            for map in [
                &mut self.by_topic,
                &mut self.by_region,
                &mut self.name_terms,
                &mut self.text_terms,
            ] {
                map.values_mut().for_each(shift);
            }
            shift(&mut self.national);
            self.orgs.insert(idx as usize, org.clone());
            self.shown_until.insert(idx as usize, shown_until(&org));
            self.is_national
                .insert(idx as usize, org.regions.is_national());
            self.helps.insert(idx as usize, gives_direct_help(&org));
        } else {
            let old = terms(&self.orgs[idx as usize]);
            for t in &old.topics {
                remove_sorted(&mut self.by_topic, t, idx);
            }
            match &old.regions {
                None => {
                    if let Ok(at) = self.national.binary_search(&idx) {
                        self.national.remove(at);
                    }
                }
                Some(codes) => codes
                    .iter()
                    .for_each(|c| remove_sorted(&mut self.by_region, c, idx)),
            }
            old.names
                .iter()
                .for_each(|n| remove_sorted(&mut self.name_terms, n, idx));
            old.text
                .iter()
                .for_each(|t| remove_sorted(&mut self.text_terms, t, idx));
            self.shown_until[idx as usize] = shown_until(&org);
            self.is_national[idx as usize] = org.regions.is_national();
            self.helps[idx as usize] = gives_direct_help(&org);
            self.orgs[idx as usize] = org.clone();
        }
        let new = terms(&org);
        new.topics
            .iter()
            .for_each(|t| add_sorted(&mut self.by_topic, t, idx));
        match &new.regions {
            None => {
                if let Err(at) = self.national.binary_search(&idx) {
                    self.national.insert(at, idx);
                }
            }
            Some(codes) => codes
                .iter()
                .for_each(|c| add_sorted(&mut self.by_region, c, idx)),
        }
        new.names
            .iter()
            .for_each(|n| add_sorted(&mut self.name_terms, n, idx));
        new.text
            .iter()
            .for_each(|t| add_sorted(&mut self.text_terms, t, idx));
    }

    pub fn new(taxonomy: Taxonomy, mut orgs: Vec<Organization>) -> Self {
        orgs.sort_by(|a, b| a.id.cmp(&b.id));
        let mut by_topic: HashMap<String, Vec<u32>> = HashMap::new();
        let mut by_region: HashMap<String, Vec<u32>> = HashMap::new();
        let mut national = Vec::new();
        let mut name_terms: HashMap<String, Vec<u32>> = HashMap::new();
        let mut text_terms: HashMap<String, Vec<u32>> = HashMap::new();
        for (i, org) in orgs.iter().enumerate() {
            let idx = i as u32;
            let t = terms(org);
            for topic in t.topics {
                push_posting(&mut by_topic, topic, idx);
            }
            match t.regions {
                None => national.push(idx),
                Some(codes) => {
                    for code in codes {
                        push_posting(&mut by_region, code, idx);
                    }
                }
            }
            for s in t.names {
                push_posting(&mut name_terms, s, idx);
            }
            for s in t.text {
                push_posting(&mut text_terms, s, idx);
            }
        }
        let topic_phrases = phrases(taxonomy.topics.iter().enumerate().flat_map(|(i, t)| {
            t.synonyms
                .iter()
                .map(String::as_str)
                .chain(t.name.all())
                .map(move |s| (i, s))
        }));
        let region_phrases = phrases(taxonomy.regions.iter().enumerate().flat_map(|(i, r)| {
            r.aliases
                .iter()
                .map(String::as_str)
                .chain(r.name.all())
                .map(move |s| (i, s))
        }));
        let shown_until = orgs.iter().map(shown_until).collect();
        let is_national = orgs.iter().map(|o| o.regions.is_national()).collect();
        let helps = orgs.iter().map(gives_direct_help).collect();
        let vocabulary = Vocabulary::new(topic_phrases.iter().chain(&region_phrases));
        SearchIndex {
            taxonomy,
            orgs,
            shown_until,
            is_national,
            helps,
            by_topic,
            by_region,
            national,
            name_terms,
            text_terms,
            topic_phrases,
            region_phrases,
            vocabulary,
        }
    }

    pub fn taxonomy(&self) -> &Taxonomy {
        &self.taxonomy
    }

    pub fn len(&self) -> usize {
        self.orgs.len()
    }

    pub fn is_empty(&self) -> bool {
        self.orgs.is_empty()
    }

    pub fn organizations(&self) -> &[Organization] {
        &self.orgs
    }

    /// An organization by id, whether or not it is shown to users (for coordinators).
    pub fn find(&self, id: &str) -> Option<&Organization> {
        self.orgs
            .binary_search_by(|o| o.id.as_str().cmp(id))
            .ok()
            .map(|i| &self.orgs[i])
    }

    /// An organization by id, if it is visible on `today`.
    pub fn visible(&self, id: &str, today: NaiveDate) -> Option<&Organization> {
        self.orgs
            .binary_search_by(|o| o.id.as_str().cmp(id))
            .ok()
            .map(|i| &self.orgs[i])
            .filter(|o| o.is_visible(today))
    }

    fn collect<'a>(
        &'a self,
        ids: impl Iterator<Item = &'a u32>,
        today: NaiveDate,
    ) -> Vec<&'a Organization> {
        ids.filter(|&&i| self.shown_until[i as usize] >= today)
            .map(|&i| &self.orgs[i as usize])
            .collect()
    }

    /// Organizations with `topic` in the chosen region (regional first, then nationwide).
    pub fn by_topic_and_region(
        &self,
        topic: &str,
        region: &RegionChoice,
        today: NaiveDate,
    ) -> Vec<&Organization> {
        let Some(with_topic) = self.by_topic.get(topic) else {
            return Vec::new();
        };
        let has_topic = |i: &&u32| with_topic.binary_search(i).is_ok();
        match region {
            RegionChoice::Region(code) => {
                let regional = self
                    .by_region
                    .get(code)
                    .into_iter()
                    .flatten()
                    .filter(has_topic);
                let national = self.national.iter().filter(has_topic);
                self.collect(regional.chain(national), today)
            }
            RegionChoice::Nationwide => {
                let national = self.national.iter().filter(has_topic);
                let regional = with_topic
                    .iter()
                    .filter(|i| self.national.binary_search(i).is_err());
                self.collect(national.chain(regional), today)
            }
        }
    }

    /// Finds the phrases of `table` present in `stems` (not yet `used`), marking their stems.
    fn postings<'a>(map: &'a HashMap<String, Vec<u32>>, key: &str) -> &'a [u32] {
        map.get(key).map(Vec::as_slice).unwrap_or(&[])
    }

    /// Returns each recognised target with the query position where it was first named.
    fn recognise(table: &[Phrase], query: &[String], used: &mut [bool]) -> Vec<(usize, usize)> {
        let mut found: Vec<(usize, usize)> = Vec::new();
        // Phrases are a few words long; a fixed buffer avoids an allocation per phrase.
        let mut positions = [0usize; 8];
        for phrase in table {
            if phrase.stems.len() > positions.len()
                || found.iter().any(|&(t, _)| t == phrase.target)
            {
                continue;
            }
            let mut n = 0;
            for s in &phrase.stems {
                let taken = &positions[..n];
                match query
                    .iter()
                    .enumerate()
                    .position(|(i, q)| q == s && !used[i] && !taken.contains(&i))
                {
                    Some(p) => {
                        positions[n] = p;
                        n += 1;
                    }
                    None => break,
                }
            }
            if n == phrase.stems.len() {
                for &p in &positions[..n] {
                    used[p] = true;
                }
                let first = positions[..n].iter().copied().min().unwrap_or(0);
                found.push((phrase.target, first));
            }
        }
        found
    }

    /// Understands a free-text query: which topics and region it names, and what else.
    pub fn parse_query(&self, text: &str) -> TextQuery {
        let query: Vec<String> = stems(text)
            .into_iter()
            .map(|s| {
                // A word of some organization's name or description is a word, not a typo.
                if self.name_terms.contains_key(&s) || self.text_terms.contains_key(&s) {
                    return s;
                }
                match self.vocabulary.correct(&s) {
                    Some(known) => known.to_string(),
                    None => s,
                }
            })
            .collect();
        let mut used = vec![false; query.len()];
        let regions = Self::recognise(&self.region_phrases, &query, &mut used);
        let topics = Self::recognise(&self.topic_phrases, &query, &mut used);
        let mut topic_indexes: Vec<usize> = topics.into_iter().map(|(t, _)| t).collect();
        topic_indexes.sort_unstable();
        // The region named first in the text wins if several are named.
        let region = regions
            .iter()
            .min_by_key(|&&(_, position)| position)
            .map(|&(r, _)| self.taxonomy.regions[r].code.clone());
        let mut terms: Vec<String> = query
            .into_iter()
            .zip(used)
            .filter(|(_, u)| !u)
            .map(|(q, _)| q)
            .collect();
        terms.dedup();
        TextQuery {
            topics: topic_indexes
                .into_iter()
                .map(|t| self.taxonomy.topics[t].code.clone())
                .collect(),
            region,
            terms,
        }
    }

    /// A region named by what a person typed ("Дніпрі", "Kyiv"), if exactly one is recognised.
    pub fn resolve_region(&self, text: &str) -> Option<&Region> {
        let query = stems(text);
        let mut used = vec![false; query.len()];
        let found = Self::recognise(&self.region_phrases, &query, &mut used);
        match found.as_slice() {
            [(one, _)] => self.taxonomy.regions.get(*one),
            _ => None,
        }
    }

    /// Runs a parsed free-text query. See the module documentation for the ranking.
    pub fn search_text(&self, query: &TextQuery, today: NaiveDate) -> Vec<&Organization> {
        // Dense per-organization arrays rather than a map: a query touches thousands of
        // postings and this keeps it well under the 200 µs budget at 10,000 organizations.
        let n = self.orgs.len();
        let mut points = vec![0u32; n];
        let mut hit = vec![false; n];
        let mut candidates: Vec<u32> = Vec::new();
        let mut admit = |i: u32, hit: &mut Vec<bool>| {
            if !hit[i as usize] {
                hit[i as usize] = true;
                candidates.push(i);
            }
        };
        if !query.topics.is_empty() {
            for topic in &query.topics {
                for &i in Self::postings(&self.by_topic, topic) {
                    admit(i, &mut hit);
                    points[i as usize] += 100;
                }
            }
        } else if !query.terms.is_empty() {
            for term in &query.terms {
                for &i in Self::postings(&self.name_terms, term)
                    .iter()
                    .chain(Self::postings(&self.text_terms, term))
                {
                    admit(i, &mut hit);
                }
            }
        } else if let Some(region) = &query.region {
            for &i in Self::postings(&self.by_region, region)
                .iter()
                .chain(&self.national)
            {
                admit(i, &mut hit);
            }
        }
        for term in &query.terms {
            for &i in Self::postings(&self.name_terms, term) {
                if hit[i as usize] {
                    points[i as usize] += 10;
                }
            }
            for &i in Self::postings(&self.text_terms, term) {
                if hit[i as usize] {
                    points[i as usize] += 3;
                }
            }
        }
        let in_region = query
            .region
            .as_deref()
            .map(|r| Self::postings(&self.by_region, r));
        // A query that names a situation a person asks help with (not a training topic).
        let situation = query
            .topics
            .iter()
            .any(|t| self.taxonomy.topic(t).is_some_and(|t| t.help));
        // Sort keys: higher score first, then position (id order); packed into one u64.
        let mut ranked: Vec<u64> = Vec::with_capacity(candidates.len());
        for i in candidates {
            if self.shown_until[i as usize] < today {
                continue;
            }
            let mut score = points[i as usize];
            if situation && self.helps[i as usize] {
                score += 2000;
            }
            if let Some(regional) = in_region {
                if regional.binary_search(&i).is_ok() {
                    score += 1000;
                } else if !self.is_national[i as usize] {
                    continue;
                }
            }
            ranked.push((u64::from(u32::MAX - score) << 32) | u64::from(i));
        }
        ranked.sort_unstable();
        ranked
            .into_iter()
            .map(|key| &self.orgs[(key & 0xFFFF_FFFF) as usize])
            .collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::organization::fixtures::org;
    use crate::domain::{Localized, Region, Topic, VettingStatus};
    use proptest::prelude::*;

    fn today() -> NaiveDate {
        NaiveDate::from_ymd_opt(2026, 11, 22).unwrap_or_default()
    }

    fn taxonomy() -> Taxonomy {
        let topic = |code: &str, uk: &str, en: &str, syn: &[&str]| Topic {
            code: code.into(),
            name: Localized::new(uk, en),
            short: Localized::new(uk, en),
            help: true,
            synonyms: syn.iter().map(|s| s.to_string()).collect(),
        };
        let region = |code: &str, uk: &str, en: &str, aliases: &[&str]| Region {
            code: code.into(),
            name: Localized::new(uk, en),
            aliases: aliases.iter().map(|s| s.to_string()).collect(),
        };
        Taxonomy {
            topics: vec![
                topic(
                    "domestic-violence",
                    "Домашнє насильство",
                    "Domestic violence",
                    &["домашнього насильства"],
                ),
                topic(
                    "crsv",
                    "Сексуальне насильство, пов’язане з конфліктом",
                    "Conflict-related sexual violence",
                    &["сексуальне насильство", "СНПК"],
                ),
                topic(
                    "legal-aid",
                    "Правова допомога",
                    "Legal aid",
                    &["юрист", "lawyer"],
                ),
            ],
            regions: vec![
                region(
                    "UA-12",
                    "Дніпропетровська область",
                    "Dnipropetrovsk oblast",
                    &["Дніпро", "Дніпропетровщина"],
                ),
                region("UA-30", "Київ", "Kyiv city", &["Києві", "Kyiv"]),
                region(
                    "UA-46",
                    "Львівська область",
                    "Lviv oblast",
                    &["Львів", "Львові"],
                ),
            ],
        }
    }

    fn index() -> SearchIndex {
        let mut expired = org("e-expired", &["domestic-violence"], &["UA-12"]);
        expired.vetting.expires_on = NaiveDate::from_ymd_opt(2026, 1, 1).unwrap_or_default();
        let mut suspended = org("f-suspended", &["domestic-violence"], &["UA-12"]);
        suspended.vetting.status = VettingStatus::Suspended;
        let mut lawyers = org("d-lawyers", &["legal-aid"], &["UA-30"]);
        lawyers.name = Localized::new("Правничий щит", "Legal Shield");
        SearchIndex::new(
            taxonomy(),
            vec![
                org("c-national-dv", &["domestic-violence"], &["national"]),
                org(
                    "b-dnipro-dv",
                    &["domestic-violence", "legal-aid"],
                    &["UA-12"],
                ),
                org("a-lviv-dv", &["domestic-violence"], &["UA-46"]),
                lawyers,
                expired,
                suspended,
                org("g-dnipro-crsv", &["crsv"], &["UA-12"]),
            ],
        )
    }

    fn ids(orgs: Vec<&Organization>) -> Vec<&str> {
        orgs.into_iter().map(|o| o.id.as_str()).collect()
    }

    #[test]
    fn a_typo_in_a_known_word_is_read_as_that_word() {
        let idx = index();
        // One wrong letter in a word of 5–7 letters; Russian ы for и.
        assert_eq!(idx.parse_query("юрыст Львів").topics, vec!["legal-aid"]);
        assert_eq!(idx.parse_query("лоуер lawer").topics, vec!["legal-aid"]);
        // Two in a longer word.
        assert_eq!(
            idx.parse_query("домашнє насильсво").topics,
            vec!["domestic-violence"]
        );
    }

    #[test]
    fn short_words_known_words_and_ties_are_left_as_typed() {
        let v = Vocabulary::new(
            [
                Phrase {
                    stems: vec!["юрист".into(), "абвгде".into(), "абвгдж".into()],
                    target: 0,
                },
                Phrase {
                    stems: vec!["суд".into()],
                    target: 0,
                },
            ]
            .iter(),
        );
        assert_eq!(v.correct("юрист"), None, "already known");
        assert_eq!(v.correct("сут"), None, "too short to guess");
        assert_eq!(v.correct("абвгдз"), None, "as near to two words: no guess");
        assert_eq!(v.correct("юрыст"), Some("юрист"));
        assert_eq!(
            v.correct("юрыстк"),
            None,
            "two edits in six letters is too many"
        );
        assert_eq!(v.correct("арист"), None, "the first letter is kept");
    }

    #[test]
    fn regional_organizations_come_before_nationwide_ones() {
        let idx = index();
        let found = idx.by_topic_and_region(
            "domestic-violence",
            &RegionChoice::Region("UA-12".into()),
            today(),
        );
        assert_eq!(ids(found), vec!["b-dnipro-dv", "c-national-dv"]);
    }

    #[test]
    fn nationwide_choice_lists_nationwide_first_then_regional() {
        let idx = index();
        let found =
            idx.by_topic_and_region("domestic-violence", &RegionChoice::Nationwide, today());
        assert_eq!(
            ids(found),
            vec!["c-national-dv", "a-lviv-dv", "b-dnipro-dv"]
        );
    }

    #[test]
    fn expired_and_suspended_organizations_are_never_found() {
        let idx = index();
        let all = idx.search_text(&idx.parse_query("домашнє насильство"), today());
        assert!(!ids(all.clone()).contains(&"e-expired"));
        assert!(!ids(all).contains(&"f-suspended"));
        assert!(idx.visible("e-expired", today()).is_none());
        assert!(idx.visible("b-dnipro-dv", today()).is_some());
    }

    #[test]
    fn inflected_ukrainian_query_finds_topic_in_region() {
        let idx = index();
        let query = idx.parse_query("домашнього насильства у Дніпрі");
        assert_eq!(query.topics, vec!["domestic-violence"]);
        assert_eq!(query.region.as_deref(), Some("UA-12"));
        assert_eq!(
            ids(idx.search_text(&query, today())),
            vec!["b-dnipro-dv", "c-national-dv"]
        );
    }

    #[test]
    fn a_longer_topic_phrase_is_not_mistaken_for_another_topic() {
        let idx = index();
        let query = idx.parse_query("Сексуальне насильство Дніпро");
        assert_eq!(query.topics, vec!["crsv"]);
        assert_eq!(ids(idx.search_text(&query, today())), vec!["g-dnipro-crsv"]);
    }

    #[test]
    fn english_query_with_apostrophes_and_case() {
        let idx = index();
        let query = idx.parse_query("LAWYER in KYIV");
        assert_eq!(query.topics, vec!["legal-aid"]);
        assert_eq!(query.region.as_deref(), Some("UA-30"));
        assert_eq!(ids(idx.search_text(&query, today())), vec!["d-lawyers"]);
    }

    #[test]
    fn plain_terms_match_names() {
        let idx = index();
        let query = idx.parse_query("щит");
        assert!(query.topics.is_empty());
        assert_eq!(ids(idx.search_text(&query, today())), vec!["d-lawyers"]);
    }

    #[test]
    fn a_typed_place_name_resolves_to_its_region() {
        let idx = index();
        assert_eq!(
            idx.resolve_region("Львові").map(|r| r.code.as_str()),
            Some("UA-46")
        );
        assert_eq!(
            idx.resolve_region("в Дніпрі").map(|r| r.code.as_str()),
            Some("UA-12")
        );
        assert_eq!(
            idx.resolve_region("Атлантида").map(|r| r.code.as_str()),
            None
        );
    }

    #[test]
    fn for_a_situation_a_national_organization_that_helps_comes_before_a_regional_one_that_trains()
    {
        let mut trains = org("a-dnipro-trainings", &["domestic-violence"], &["UA-12"]);
        trains.services = vec![crate::domain::Service::Training];
        let helps = org("z-national-help", &["domestic-violence"], &["national"]);
        let index = SearchIndex::new(taxonomy(), vec![trains, helps]);
        let found = index.search_text(&index.parse_query("домашнє насильство Дніпро"), today());
        assert_eq!(ids(found), vec!["z-national-help", "a-dnipro-trainings"]);
    }

    proptest! {
        /// Whatever the directory: for a situation, every organization that helps directly
        /// comes before every one that does not, and within each, those naming the region
        /// come before nationwide ones.
        #[test]
        fn for_a_situation_help_comes_first_then_the_region(
            orgs in prop::collection::vec((any::<bool>(), 0usize..4), 1..12),
            region in prop::option::of(0usize..3),
        ) {
            let codes = ["UA-12", "UA-30", "UA-46", "national"];
            let places = ["Дніпро", "Київ", "Львів"];
            let directory: Vec<Organization> = orgs
                .iter()
                .enumerate()
                .map(|(i, &(helps, at))| {
                    let mut o = org(&format!("o{i:02}"), &["domestic-violence"], &[codes[at]]);
                    o.services = if helps {
                        vec![crate::domain::Service::LegalAid]
                    } else {
                        vec![crate::domain::Service::Training, crate::domain::Service::Research]
                    };
                    o
                })
                .collect();
            let index = SearchIndex::new(taxonomy(), directory);
            let text = match region {
                Some(r) => format!("домашнє насильство {}", places[r]),
                None => "домашнє насильство".to_string(),
            };
            let found = index.search_text(&index.parse_query(&text), today());
            let helps: Vec<bool> = found.iter().map(|o| gives_direct_help(o)).collect();
            prop_assert!(helps.windows(2).all(|w| w[0] >= w[1]), "{:?}", ids(found.clone()));
            if let Some(r) = region {
                let names = |o: &Organization| o.regions.serves(codes[r]) && !o.regions.is_national();
                for w in found.windows(2) {
                    if gives_direct_help(w[0]) == gives_direct_help(w[1]) {
                        prop_assert!(names(w[0]) || !names(w[1]), "{:?}", ids(found.clone()));
                    }
                }
            }
        }

        #[test]
        fn search_is_deterministic_and_never_panics(text in "\\PC{0,50}") {
            let idx = index();
            let q = idx.parse_query(&text);
            let first = ids(idx.search_text(&q, today()));
            let second = ids(idx.search_text(&idx.parse_query(&text), today()));
            prop_assert_eq!(first, second);
        }

        #[test]
        fn region_filter_holds_for_any_query(words in prop::collection::vec("(насильство|юрист|щит|Дніпро|Києві|Львів|домашнього)", 1..4)) {
            let idx = index();
            let q = idx.parse_query(&words.join(" "));
            for org in idx.search_text(&q, today()) {
                prop_assert!(org.is_visible(today()));
                if let Some(region) = &q.region {
                    prop_assert!(org.regions.serves(region));
                }
                if !q.topics.is_empty() {
                    prop_assert!(q.topics.iter().any(|t| org.has_topic(t)));
                }
            }
        }
    }

    #[test]
    fn putting_one_organization_gives_the_index_built_from_scratch() {
        let taxonomy = taxonomy();
        let orgs = vec![
            org("b-org", &["crsv"], &["UA-12"]),
            org("d-org", &["legal-aid"], &["national"]),
            org("f-org", &["crsv", "legal-aid"], &["UA-46", "UA-12"]),
        ];
        let mut index = SearchIndex::new(taxonomy.clone(), orgs.clone());
        // An edit: other topics, regions, name and status.
        let mut edited = orgs[0].clone();
        edited.topics = vec!["legal-aid".into()];
        edited.regions = RegionScope::National;
        edited.name = Localized::new("Інша назва", "Another name");
        edited.vetting.status = VettingStatus::Suspended;
        index.put(edited.clone());
        // A new one, sorted in between.
        let fresh = org("c-org", &["crsv"], &["UA-46"]);
        index.put(fresh.clone());
        let expected = SearchIndex::new(
            taxonomy,
            vec![edited, fresh, orgs[1].clone(), orgs[2].clone()],
        );
        assert_eq!(index, expected);
    }
}
