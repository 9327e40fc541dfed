//! The monitoring figures: anonymous monthly counts and time histograms, kept apart from the
//! requests so that they survive retention and /forget (they hold no person), and the rules
//! for showing them — months only (never finer, so that subtracting periods cannot single out
//! one request), any count under 5 shown as "<5", and no median or percentile of fewer than 5.
//!
//! A metric is a name such as `help.submitted`, `help.topic.crsv` or
//! `help.first_answer_h.3` (the fourth bucket of hours to a first answer); the store adds
//! them up by month (UTC) in the same transaction as the change they count.

use std::collections::BTreeMap;

use super::Timestamp;

/// The metrics that stand alone (the page names each), and the figures derived from the
/// histograms.
pub const METRICS: [&str; 22] = [
    "help.submitted",
    "help.helped_share",
    "feedback.help_yes_share",
    "help.unplaced",
    "help.answered",
    "help.closed",
    "help.first_answer_h.median",
    "help.first_answer_h.p90",
    "help.close_h.median",
    "help.close_h.p90",
    "feedback.help_yes",
    "feedback.help_partly",
    "feedback.help_no",
    "feedback.held",
    "feedback.not_held",
    "expert.submitted",
    "expert.unplaced",
    "expert.arranged",
    "expert.people_planned",
    "expert.held",
    "expert.people_reached",
    "search.empty",
];

/// The metrics followed by a code (a topic, a region, a kind, an outcome, an audience).
pub const BY_CODE: [&str; 7] = [
    "help.topic",
    "help.region",
    "help.kind",
    "help.outcome",
    "expert.topic",
    "expert.kind",
    "expert.audience",
];

/// Counts under this are shown as "<5".
pub const MIN_SHOWN: u64 = 5;

/// Upper bounds (hours) of the time histograms' buckets; the last bucket is open.
pub const HOUR_BUCKETS: [u32; 12] = [1, 2, 4, 8, 12, 24, 48, 72, 120, 168, 336, 720];

/// The month of a moment, `YYYY-MM` (UTC).
pub fn month_of(at: Timestamp) -> String {
    at.date().format("%Y-%m").to_string()
}

/// The bucket a duration falls in.
pub fn bucket(hours: f64) -> usize {
    HOUR_BUCKETS
        .iter()
        .position(|b| hours <= f64::from(*b))
        .unwrap_or(HOUR_BUCKETS.len())
}

/// What a free-text search that found nothing counts (not its words).
pub fn search_empty() -> Vec<String> {
    vec!["search.empty".to_string()]
}

/// What a new help request counts.
pub fn help_submitted(topic: &str, region: &str, kind: &str, placed: bool) -> Vec<String> {
    let mut m = vec![
        "help.submitted".to_string(),
        format!("help.topic.{topic}"),
        format!("help.region.{region}"),
        format!("help.kind.{kind}"),
    ];
    if !placed {
        m.push("help.unplaced".into());
    }
    m
}

/// What an organization's first answer to a request counts (accepted or declined), `hours`
/// after the request was made.
pub fn help_first_answer(hours: f64) -> Vec<String> {
    vec![
        "help.answered".to_string(),
        format!("help.first_answer_h.{}", bucket(hours)),
    ]
}

/// What closing a request counts, `hours` after it was made, with its outcome.
pub fn help_closed(outcome: &str, hours: f64) -> Vec<String> {
    vec![
        "help.closed".to_string(),
        format!("help.outcome.{outcome}"),
        format!("help.close_h.{}", bucket(hours)),
    ]
}

/// What a referral's change counts for its organization: request-level actions are counted
/// per organization and month, never logged one by one.
pub fn org_referral(org: &str, to: super::ReferralStatus) -> Vec<String> {
    use super::ReferralStatus as S;
    let what = match to {
        S::Accepted => "accepted",
        S::Declined => "declined",
        S::Expired => "no_answer",
        S::Closed(_) => "closed",
        _ => return Vec::new(),
    };
    vec![format!("{ORG_PREFIX}{org}.{what}")]
}

/// The prefix of an organization's own counts (`org.<id>.accepted`, …), kept out of the
/// report's table and shown on the organization's page.
pub const ORG_PREFIX: &str = "org.";

/// An organization's counts, in the order they are shown.
pub const ORG_METRICS: [&str; 4] = ["accepted", "declined", "no_answer", "closed"];

/// What a new request for a trainer counts.
pub fn expert_submitted(topic: &str, kind: &str, audience: &str, placed: bool) -> Vec<String> {
    let mut m = vec![
        "expert.submitted".to_string(),
        format!("expert.topic.{topic}"),
        format!("expert.kind.{kind}"),
        format!("expert.audience.{audience}"),
    ];
    if !placed {
        m.push("expert.unplaced".into());
    }
    m
}

/// A month's counts, by metric.
pub type Month = BTreeMap<String, u64>;

/// A count as it may be shown: exactly from 5 on, "<5" below (0 is shown as 0).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Shown {
    Exact(u64),
    UnderFive,
}

impl Shown {
    pub fn of(count: u64) -> Shown {
        if count == 0 || count >= MIN_SHOWN {
            Shown::Exact(count)
        } else {
            Shown::UnderFive
        }
    }

    pub fn text(self) -> String {
        match self {
            Shown::Exact(n) => n.to_string(),
            Shown::UnderFive => "<5".into(),
        }
    }
}

/// The `q` quantile (0.5: median) of a histogram, as its bucket's upper bound in hours
/// (`None` for the open last bucket: "over 720"), and only if it holds at least 5 values.
pub fn quantile(month: &Month, histogram: &str, q: f64) -> Option<Quantile> {
    let counts: Vec<u64> = (0..=HOUR_BUCKETS.len())
        .map(|i| month.get(&format!("{histogram}.{i}")).copied().unwrap_or(0))
        .collect();
    let total: u64 = counts.iter().sum();
    if total < MIN_SHOWN {
        return None;
    }
    let rank = (q * total as f64).ceil().max(1.0) as u64;
    let mut seen = 0;
    for (i, c) in counts.iter().enumerate() {
        seen += c;
        if seen >= rank {
            return Some(match HOUR_BUCKETS.get(i) {
                Some(h) => Quantile::AtMost(*h),
                None => Quantile::Over(HOUR_BUCKETS[HOUR_BUCKETS.len() - 1]),
            });
        }
    }
    None
}

/// A quantile of hours, as the histogram knows it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Quantile {
    AtMost(u32),
    Over(u32),
}

impl Quantile {
    pub fn text(self) -> String {
        match self {
            Quantile::AtMost(h) => format!("≤{h}"),
            Quantile::Over(h) => format!(">{h}"),
        }
    }
}

/// Adds up months into one (for a period's totals).
pub fn total(months: &BTreeMap<String, Month>) -> Month {
    let mut out = Month::new();
    for month in months.values() {
        for (k, v) in month {
            *out.entry(k.clone()).or_insert(0) += v;
        }
    }
    out
}

/// A month as `YYYY-MM`, checked.
pub fn parse_month(text: &str) -> Option<chrono::NaiveDate> {
    chrono::NaiveDate::parse_from_str(&format!("{}-01", text.trim()), "%Y-%m-%d").ok()
}

/// The months from `from` to `to`, inclusive (at most 120).
pub fn months_between(from: chrono::NaiveDate, to: chrono::NaiveDate) -> Vec<String> {
    let mut out = Vec::new();
    let mut m = from;
    while m <= to && out.len() < 120 {
        out.push(m.format("%Y-%m").to_string());
        m = match m.checked_add_months(chrono::Months::new(1)) {
            Some(next) => next,
            None => break,
        };
    }
    out
}

/// The `n` months up to and including the one of `today`.
pub fn last_months(today: chrono::NaiveDate, n: u32) -> Vec<String> {
    let first = today
        .checked_sub_months(chrono::Months::new(n.saturating_sub(1)))
        .unwrap_or(today);
    months_between(first, today)
}

/// One figure of the report: a metric, its value for each month and for the whole period,
/// already as it may be shown.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Figure {
    pub metric: String,
    pub months: Vec<String>,
    pub total: String,
}

/// The report's table: the months as columns, the figures as rows.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Table {
    pub months: Vec<String>,
    pub figures: Vec<Figure>,
}

/// The histograms the report gives a median and a 90th percentile of.
pub const HISTOGRAMS: [&str; 2] = ["help.first_answer_h", "help.close_h"];

fn is_bucket(metric: &str) -> bool {
    HISTOGRAMS.iter().any(|h| {
        metric
            .strip_prefix(h)
            .is_some_and(|rest| rest.starts_with('.'))
    })
}

/// The report for `months` from the stored counts: every counted metric (small counts shown
/// as "<5"), then the median and 90th percentile of each histogram (hidden under 5 values).
pub fn table(months: &[String], counts: &BTreeMap<String, Month>) -> Table {
    let empty = Month::new();
    let per_month: Vec<&Month> = months
        .iter()
        .map(|m| counts.get(m).unwrap_or(&empty))
        .collect();
    let in_period: BTreeMap<String, Month> = months
        .iter()
        .filter_map(|m| counts.get(m).map(|c| (m.clone(), c.clone())))
        .collect();
    let sum = total(&in_period);
    let mut figures: Vec<Figure> = sum
        .keys()
        .filter(|metric| !is_bucket(metric) && !metric.starts_with(ORG_PREFIX))
        .map(|metric| Figure {
            metric: metric.clone(),
            months: per_month
                .iter()
                .map(|m| Shown::of(m.get(metric).copied().unwrap_or(0)).text())
                .collect(),
            total: Shown::of(sum[metric]).text(),
        })
        .collect();
    // Shares: of the requests closed, those closed as helped; of the answers to "did you get
    // help?", the yes. Only of 5 or more.
    let share = |m: &Month, part: &[&str], whole: &[&str]| {
        let count = |keys: &[&str]| {
            keys.iter()
                .map(|k| m.get(*k).copied().unwrap_or(0))
                .sum::<u64>()
        };
        let (p, w) = (count(part), count(whole));
        if w < MIN_SHOWN {
            String::new()
        } else {
            format!("{}%", (100 * p + w / 2) / w)
        }
    };
    let answers = [
        "feedback.help_yes",
        "feedback.help_partly",
        "feedback.help_no",
    ];
    for (metric, part, whole) in [
        (
            "help.helped_share",
            &["help.outcome.helped"][..],
            &["help.closed"][..],
        ),
        (
            "feedback.help_yes_share",
            &["feedback.help_yes"][..],
            &answers[..],
        ),
    ] {
        figures.push(Figure {
            metric: metric.to_string(),
            months: per_month.iter().map(|m| share(m, part, whole)).collect(),
            total: share(&sum, part, whole),
        });
    }
    for histogram in HISTOGRAMS {
        for (name, q) in [("median", 0.5), ("p90", 0.9)] {
            let text = |m: &Month| {
                quantile(m, histogram, q)
                    .map(Quantile::text)
                    .unwrap_or_default()
            };
            figures.push(Figure {
                metric: format!("{histogram}.{name}"),
                months: per_month.iter().map(|m| text(m)).collect(),
                total: text(&sum),
            });
        }
    }
    Table {
        months: months.to_vec(),
        figures,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_table_hides_small_counts_and_buckets_and_adds_quantiles() {
        let mut counts = BTreeMap::new();
        let mut dec = Month::new();
        dec.insert("help.submitted".into(), 7);
        dec.insert("help.topic.crsv".into(), 2);
        dec.insert("help.first_answer_h.0".into(), 6);
        counts.insert("2026-12".to_string(), dec);
        let mut jan = Month::new();
        jan.insert("help.submitted".into(), 3);
        jan.insert("help.topic.crsv".into(), 3);
        counts.insert("2027-01".to_string(), jan);
        let months = months_between(
            parse_month("2026-11").unwrap(),
            parse_month("2027-01").unwrap(),
        );
        assert_eq!(months, ["2026-11", "2026-12", "2027-01"]);
        assert_eq!(
            last_months(chrono::NaiveDate::from_ymd_opt(2027, 1, 31).unwrap(), 3),
            months
        );
        let t = table(&months, &counts);
        let row = |m: &str| t.figures.iter().find(|f| f.metric == m).unwrap().clone();
        assert_eq!(row("help.submitted").months, ["0", "7", "<5"]);
        assert_eq!(row("help.submitted").total, "10");
        assert_eq!(row("help.topic.crsv").months, ["0", "<5", "<5"]);
        assert_eq!(row("help.topic.crsv").total, "5");
        assert!(
            t.figures
                .iter()
                .all(|f| !f.metric.starts_with("help.first_answer_h.0"))
        );
        assert_eq!(row("help.first_answer_h.median").months, ["", "≤1", ""]);
    }

    #[test]
    fn small_counts_are_hidden_and_zero_is_zero() {
        assert_eq!(Shown::of(0).text(), "0");
        assert_eq!(Shown::of(1).text(), "<5");
        assert_eq!(Shown::of(4).text(), "<5");
        assert_eq!(Shown::of(5).text(), "5");
    }

    #[test]
    fn durations_fall_in_the_first_bucket_that_holds_them() {
        assert_eq!(bucket(0.2), 0);
        assert_eq!(bucket(1.0), 0);
        assert_eq!(bucket(1.5), 1);
        assert_eq!(bucket(23.0), 5);
        assert_eq!(bucket(10_000.0), HOUR_BUCKETS.len());
    }

    #[test]
    fn quantiles_need_five_values_and_name_a_bucket() {
        let mut m = Month::new();
        m.insert("h.0".into(), 2);
        m.insert("h.5".into(), 2);
        assert_eq!(quantile(&m, "h", 0.5), None, "four values");
        m.insert("h.12".into(), 1);
        assert_eq!(quantile(&m, "h", 0.5), Some(Quantile::AtMost(24)));
        assert_eq!(quantile(&m, "h", 0.9), Some(Quantile::Over(720)));
        assert_eq!(quantile(&m, "h", 0.2), Some(Quantile::AtMost(1)));
    }
}
