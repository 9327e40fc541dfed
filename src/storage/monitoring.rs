//! The monitoring counts: anonymous, by month, added up in the same transaction as the change
//! they count (a request made, answered, closed; a question answered; a trainer found). They
//! hold no person and no request's code, so retention and /forget leave them.
//!
//! Tree `month_metric_count`: month `YYYY-MM`, 0xFF, metric name → u64 big-endian.

use std::collections::BTreeMap;

use sled::transaction::{ConflictableTransactionError, TransactionalTree};

use super::{SEP, Store, StoreError};
use crate::domain::monitoring::Month;

fn key(month: &str, metric: &str) -> Vec<u8> {
    let mut k = Vec::with_capacity(month.len() + 1 + metric.len());
    k.extend_from_slice(month.as_bytes());
    k.push(SEP);
    k.extend_from_slice(metric.as_bytes());
    k
}

/// Adds `by` to each metric of a month, inside a transaction.
pub(crate) fn tally(
    tree: &TransactionalTree,
    month: &str,
    metrics: &[String],
    by: u64,
) -> Result<(), ConflictableTransactionError<StoreError>> {
    for metric in metrics {
        let k = key(month, metric);
        let old = tree
            .get(&k)?
            .and_then(|v| <[u8; 8]>::try_from(v.as_ref()).ok())
            .map(u64::from_be_bytes)
            .unwrap_or(0);
        tree.insert(k, &old.saturating_add(by).to_be_bytes())?;
    }
    Ok(())
}

impl Store {
    /// Adds one to each metric of a month, on its own (a count no change carries: a search
    /// that found nothing). Each key is updated atomically.
    pub fn count_metrics(&self, month: &str, metrics: &[String]) -> Result<(), StoreError> {
        let _writing = self.gate.shared();
        for metric in metrics {
            self.month_metric_count
                .update_and_fetch(key(month, metric), |old| {
                    let n = old
                        .and_then(|v| <[u8; 8]>::try_from(v).ok())
                        .map(u64::from_be_bytes)
                        .unwrap_or(0);
                    Some(n.saturating_add(1).to_be_bytes().to_vec())
                })?;
        }
        Ok(())
    }

    /// The counts of the months from `from` to `to` (inclusive, `YYYY-MM`), by month.
    pub fn monthly(&self, from: &str, to: &str) -> Result<BTreeMap<String, Month>, StoreError> {
        let mut out: BTreeMap<String, Month> = BTreeMap::new();
        let start = key(from, "");
        let mut end = key(to, "");
        end.push(0xFF);
        for item in self.month_metric_count.range(start..end) {
            let (k, v) = item?;
            let Some(sep) = k.iter().position(|b| *b == SEP) else {
                continue;
            };
            let month = String::from_utf8_lossy(&k[..sep]).into_owned();
            let metric = String::from_utf8_lossy(&k[sep + 1..]).into_owned();
            let count = <[u8; 8]>::try_from(v.as_ref())
                .map(u64::from_be_bytes)
                .unwrap_or(0);
            out.entry(month).or_default().insert(metric, count);
        }
        Ok(out)
    }
}
