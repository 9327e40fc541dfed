//! Feedback after a cooperation (issue 4): when to ask, what an answer is, and when an
//! organization's average rating may be shown. Comments are not part of the domain: they go
//! to the coordinators and are not kept.

use chrono::{Days, NaiveDate};

use super::when::When;

/// The longest comment on a rating accepted, in characters.
pub const MAX_COMMENT: usize = 1000;

/// Days after the first question before the one reminder.
pub const REMINDER_DAYS: u64 = 3;
/// Days after a pick before asking about a cooperation with flexible dates.
pub const FLEXIBLE_FEEDBACK_DAYS: u64 = 30;

/// Who is asked.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Side {
    /// The adviser who asked for the trainer or expert.
    Requester,
    /// The organization whose offer was picked (any of its staff may answer).
    Organization,
    /// The person whose help request was closed ("Did you get the help you needed?").
    HelpRequester,
}

impl Side {
    pub const ALL: [Side; 3] = [Side::Requester, Side::Organization, Side::HelpRequester];

    pub fn code(self) -> &'static str {
        match self {
            Side::Requester => "r",
            Side::Organization => "o",
            Side::HelpRequester => "h",
        }
    }

    pub fn from_code(code: &str) -> Option<Side> {
        Side::ALL.into_iter().find(|s| s.code() == code)
    }

    /// Whether a reminder follows an unanswered question (the help question is asked once).
    pub fn reminded(self) -> bool {
        self != Side::HelpRequester
    }
}

serde_as_code!(Side);
serde_as_code!(HelpAnswer);

/// The day both sides are asked about a cooperation: the day after it ended, or — for
/// flexible dates — a month after the pick.
pub fn ask_on(when: &When, picked: NaiveDate) -> NaiveDate {
    match when {
        When::Between(_, end) => end.checked_add_days(Days::new(1)).unwrap_or(*end),
        When::Flexible => picked
            .checked_add_days(Days::new(FLEXIBLE_FEEDBACK_DAYS))
            .unwrap_or(picked),
    }
}

/// A rating of 1 to 5.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub struct Rating(u8);

impl Rating {
    pub fn new(stars: u8) -> Option<Rating> {
        (1..=5).contains(&stars).then_some(Rating(stars))
    }

    pub fn stars(self) -> u8 {
        self.0
    }
}

/// The answer to "Did you get the help you needed?".
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum HelpAnswer {
    Yes,
    Partly,
    No,
}

impl HelpAnswer {
    pub const ALL: [HelpAnswer; 3] = [HelpAnswer::Yes, HelpAnswer::Partly, HelpAnswer::No];

    pub fn code(self) -> &'static str {
        match self {
            HelpAnswer::Yes => "yes",
            HelpAnswer::Partly => "partly",
            HelpAnswer::No => "no",
        }
    }

    pub fn from_code(code: &str) -> Option<HelpAnswer> {
        HelpAnswer::ALL.into_iter().find(|a| a.code() == code)
    }
}

/// The ratings an organization received from requesters.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Ratings {
    pub count: u32,
    pub sum: u32,
}

impl Ratings {
    pub fn with(self, rating: Rating) -> Ratings {
        Ratings {
            count: self.count + 1,
            sum: self.sum + u32::from(rating.stars()),
        }
    }

    /// The average to show on the card, to one decimal, if there are at least `min` ratings;
    /// `min` = 0 turns averages off.
    pub fn shown(self, min: u32) -> Option<f64> {
        (min > 0 && self.count >= min)
            .then(|| (f64::from(self.sum) * 10.0 / f64::from(self.count)).round() / 10.0)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn day(m: u32, d: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(2027, m, d).unwrap_or_default()
    }

    #[test]
    fn asked_the_day_after_the_end_or_a_month_after_a_flexible_pick() {
        assert_eq!(
            ask_on(&When::Between(day(3, 1), day(3, 31)), day(1, 5)),
            day(4, 1)
        );
        assert_eq!(ask_on(&When::Flexible, day(1, 5)), day(2, 4));
    }

    #[test]
    fn an_average_shows_only_from_the_minimum_and_never_when_off() {
        let two = Ratings::default()
            .with(Rating::new(5).unwrap_or(Rating(1)))
            .with(Rating::new(4).unwrap_or(Rating(1)));
        assert_eq!(two.shown(3), None);
        let three = two.with(Rating::new(4).unwrap_or(Rating(1)));
        assert_eq!(three.shown(3), Some(4.3));
        assert_eq!(three.shown(0), None, "0 turns it off");
        assert_eq!(Rating::new(0), None);
        assert_eq!(Rating::new(6), None);
        for s in Side::ALL {
            assert_eq!(Side::from_code(s.code()), Some(s));
        }
        for a in HelpAnswer::ALL {
            assert_eq!(HelpAnswer::from_code(a.code()), Some(a));
        }
    }
}
