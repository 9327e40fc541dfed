//! The one time type: an instant as Unix milliseconds, UTC. Every time the store, the use
//! cases and the screens pass around is a `Timestamp`; stored records keep their own units
//! and convert at the storage boundary.

use chrono::{NaiveDate, NaiveTime};
use serde::{Deserialize, Serialize};

#[derive(
    Debug, Clone, Copy, Default, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize,
)]
#[serde(transparent)]
pub struct Timestamp(i64);

const SECOND: i64 = 1_000;
const HOUR: i64 = 3_600 * SECOND;
const DAY: i64 = 24 * HOUR;

impl Timestamp {
    /// Long after anything Poruch schedules: "never".
    pub const NEVER: Timestamp = Timestamp(i64::MAX);

    pub const fn from_millis(ms: i64) -> Timestamp {
        Timestamp(ms)
    }

    pub const fn from_secs(secs: i64) -> Timestamp {
        Timestamp(secs.saturating_mul(SECOND))
    }

    pub const fn millis(self) -> i64 {
        self.0
    }

    /// Whole seconds (rounded down).
    pub const fn secs(self) -> i64 {
        self.0.div_euclid(SECOND)
    }

    pub const fn plus_millis(self, ms: i64) -> Timestamp {
        Timestamp(self.0.saturating_add(ms))
    }

    pub const fn plus_secs(self, secs: i64) -> Timestamp {
        self.plus_millis(secs.saturating_mul(SECOND))
    }

    pub const fn plus_hours(self, hours: i64) -> Timestamp {
        self.plus_millis(hours.saturating_mul(HOUR))
    }

    /// `days` later (earlier if negative).
    pub const fn plus_days(self, days: i64) -> Timestamp {
        self.plus_millis(days.saturating_mul(DAY))
    }

    /// The time on a day (UTC).
    pub fn at(day: NaiveDate, hour: u32) -> Timestamp {
        let time = NaiveTime::from_hms_opt(hour.min(23), 0, 0).unwrap_or_default();
        Timestamp(day.and_time(time).and_utc().timestamp_millis())
    }

    /// The day (UTC) this instant falls on.
    pub fn date(self) -> NaiveDate {
        chrono::DateTime::from_timestamp_millis(self.0)
            .map(|t| t.date_naive())
            .unwrap_or_default()
    }

    /// The whole hours from `self` until `later` (0 if `later` is not later).
    pub fn hours_until(self, later: Timestamp) -> i64 {
        (later.0.saturating_sub(self.0) / HOUR).max(0)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn seconds_milliseconds_and_days_agree() {
        let t = Timestamp::from_secs(1_790_000_000);
        assert_eq!(t.millis(), 1_790_000_000_000);
        assert_eq!(t.secs(), 1_790_000_000);
        assert_eq!(Timestamp::from_millis(1_999).secs(), 1);
        assert_eq!(Timestamp::from_millis(-1).secs(), -1, "rounded down");
        assert_eq!(t.plus_days(1).secs() - t.secs(), 86_400);
        assert_eq!(t.plus_hours(2).secs() - t.secs(), 7_200);
        assert_eq!(t.hours_until(t.plus_hours(5).plus_secs(59)), 5);
        assert_eq!(t.hours_until(t.plus_hours(-1)), 0);
        let day = NaiveDate::from_ymd_opt(2027, 3, 16).unwrap_or_default();
        assert_eq!(Timestamp::at(day, 9).date(), day);
        assert_eq!(
            Timestamp::at(day, 9).secs() % 86_400,
            9 * 3_600,
            "09:00 UTC"
        );
        assert!(Timestamp::NEVER > t.plus_days(365 * 100));
        assert_eq!(Timestamp::NEVER.plus_days(1), Timestamp::NEVER, "saturates");
    }
}
