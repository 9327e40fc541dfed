//! The monitoring figures coordinators report (the National Action Plan 1325's indicators of
//! the sector's cooperation with civil society): requests, trainings and how fast they are
//! answered, by month, from the anonymous counts the use cases keep; and the organizations by
//! topic and region, from the directory as it is now.

use chrono::NaiveDate;

use super::access::{self, Refusal};
use super::{App, AppResult};
use crate::domain::monitoring::{self, Table};
use crate::domain::{Organization, RegionScope};

/// Why a period was not accepted.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum BadPeriod {
    /// A month that is not `YYYY-MM`.
    Month,
    /// `from` after `to`, or longer than ten years.
    Range,
}

/// The period of a report, checked.
pub fn period(from: &str, to: &str) -> Result<Vec<String>, BadPeriod> {
    let (Some(a), Some(b)) = (monitoring::parse_month(from), monitoring::parse_month(to)) else {
        return Err(BadPeriod::Month);
    };
    use chrono::Datelike;
    let span = (b.year() - a.year()) * 12 + b.month() as i32 - a.month() as i32 + 1;
    if !(1..=120).contains(&span) {
        return Err(BadPeriod::Range);
    }
    Ok(monitoring::months_between(a, b))
}

/// The directory as counted for the report: organizations by topic and region, and how many
/// are led by women (visible ones only: vetted, not suspended).
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Organizations {
    pub total: usize,
    pub women_led: usize,
    pub by_topic: Vec<(String, usize)>,
    pub by_region: Vec<(String, usize)>,
}

pub fn organizations(orgs: &[Organization], today: NaiveDate) -> Organizations {
    let visible: Vec<&Organization> = orgs.iter().filter(|o| o.is_visible(today)).collect();
    let mut topics = std::collections::BTreeMap::<String, usize>::new();
    let mut regions = std::collections::BTreeMap::<String, usize>::new();
    for o in &visible {
        for t in &o.topics {
            *topics.entry(t.clone()).or_default() += 1;
        }
        match &o.regions {
            RegionScope::National => *regions.entry("national".into()).or_default() += 1,
            RegionScope::Regions(r) => {
                for code in r {
                    *regions.entry(code.clone()).or_default() += 1;
                }
            }
        }
    }
    Organizations {
        total: visible.len(),
        women_led: visible.iter().filter(|o| o.women_led).count(),
        by_topic: topics.into_iter().collect(),
        by_region: regions.into_iter().collect(),
    }
}

/// A report for coordinators.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Report {
    pub table: Table,
    pub organizations: Organizations,
}

/// The report for the months from `from` to `to` (coordinators).
pub fn report(app: &App, who: i64, months: &[String]) -> AppResult<Result<Report, Refusal>> {
    if let Err(r) = access::coordinator(app, who) {
        return Ok(Err(r));
    }
    Ok(Ok(build(app, months)?))
}

/// A row of an organization's own counts: what (`accepted`, …) and its value each month.
pub type OrgRow = (String, Vec<String>);

/// An organization's own counts by month — referrals accepted, declined, left without an
/// answer, closed — for coordinators and the organization's staff; under 5 shown as "<5".
pub fn organization(
    app: &App,
    who: i64,
    org: &str,
    months: &[String],
) -> AppResult<Result<Vec<OrgRow>, Refusal>> {
    match super::directory::role(app, who)? {
        super::directory::Role::Coordinator => {}
        super::directory::Role::Staff(mine) if mine == org => {}
        _ => return Ok(Err(Refusal::NotAssigned)),
    }
    let (Some(first), Some(last)) = (months.first(), months.last()) else {
        return Ok(Ok(Vec::new()));
    };
    let counts = app.store.monthly(first, last)?;
    let rows = monitoring::ORG_METRICS
        .iter()
        .map(|what| {
            let metric = format!("{}{org}.{what}", monitoring::ORG_PREFIX);
            let cells = months
                .iter()
                .map(|m| {
                    let n = counts
                        .get(m)
                        .and_then(|c| c.get(&metric))
                        .copied()
                        .unwrap_or(0);
                    monitoring::Shown::of(n).text()
                })
                .collect();
            (what.to_string(), cells)
        })
        .collect();
    Ok(Ok(rows))
}

/// Records that a coordinator downloaded the figures (an audited action).
pub async fn exported(app: &App, who: i64) -> AppResult<()> {
    app.store.audit(&crate::domain::audit::AuditEntry {
        at: app.now(),
        role: crate::domain::audit::ActorRole::Coordinator,
        actor: app.store.actor_id(who),
        action: crate::domain::audit::AuditAction::ReportExported,
        org: None,
        fields: Vec::new(),
    })?;
    let _ = app.commit(()).await?;
    Ok(())
}

/// The report without the role check: for the command line, run by the operator with the
/// bot stopped.
pub fn build(app: &App, months: &[String]) -> AppResult<Report> {
    let (first, last) = match (months.first(), months.last()) {
        (Some(a), Some(b)) => (a.clone(), b.clone()),
        _ => {
            return Ok(Report {
                table: monitoring::table(&[], &Default::default()),
                organizations: Organizations::default(),
            });
        }
    };
    let counts = app.store.monthly(&first, &last)?;
    Ok(Report {
        table: monitoring::table(months, &counts),
        organizations: organizations(app.directory().organizations(), app.today()),
    })
}

fn cell(text: &str) -> String {
    if text.contains([',', '"', '\n']) {
        format!("\"{}\"", text.replace('"', "\"\""))
    } else {
        text.to_string()
    }
}

/// The report's table as CSV: one row per figure, one column per month, then the total; the
/// organizations' counts after it.
pub fn csv(report: &Report) -> String {
    let mut out = String::from("metric");
    for m in &report.table.months {
        out.push(',');
        out.push_str(m);
    }
    out.push_str(",total\n");
    for f in &report.table.figures {
        out.push_str(&cell(&f.metric));
        for v in &f.months {
            out.push(',');
            out.push_str(&cell(v));
        }
        out.push(',');
        out.push_str(&cell(&f.total));
        out.push('\n');
    }
    let o = &report.organizations;
    out.push_str(&format!(
        "\norganizations,{}\norganizations.women_led,{}\n",
        o.total, o.women_led
    ));
    for (t, n) in &o.by_topic {
        out.push_str(&format!("organizations.topic.{},{n}\n", cell(t)));
    }
    for (r, n) in &o.by_region {
        out.push_str(&format!("organizations.region.{},{n}\n", cell(r)));
    }
    out
}

/// The report as JSON (the same figures as the CSV).
pub fn json(report: &Report) -> serde_json::Value {
    let figures: Vec<serde_json::Value> = report
        .table
        .figures
        .iter()
        .map(|f| serde_json::json!({ "metric": f.metric, "months": f.months, "total": f.total }))
        .collect();
    let o = &report.organizations;
    serde_json::json!({
        "months": report.table.months,
        "figures": figures,
        "organizations": {
            "total": o.total,
            "women_led": o.women_led,
            "by_topic": o.by_topic,
            "by_region": o.by_region,
        },
    })
}
