//! "When" of an expert request, typed in a forgiving way: a date (`12.03`, `12.03.2027`), a
//! range (`12.03–15.03`, `12.03 - 15.03.2027`, `12/03-15/03`), a month or months (`березень`,
//! `у березні`, `March`, `березень–квітень`), or "flexible" (`гнучко`, `будь-коли`, `any`).
//! A date without a year is the next such date from today. Nothing in the past, nothing
//! longer than a year; anything else is not understood, and the bot asks again.

use chrono::{Datelike, Days, Months, NaiveDate};

/// The longest range accepted, in days.
pub const MAX_DAYS: u64 = 366;

#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum When {
    Flexible,
    /// Inclusive.
    Between(NaiveDate, NaiveDate),
}

const FLEXIBLE: &[&str] = &[
    "гнучко",
    "будь-коли",
    "будь коли",
    "будьколи",
    "неважливо",
    "flexible",
    "any",
    "anytime",
    "any time",
];

/// Month stems: Ukrainian (nominative, genitive, locative share them) and English.
const MONTHS: [(&[&str], u32); 12] = [
    (&["січ", "jan"], 1),
    (&["лют", "feb"], 2),
    (&["берез", "mar"], 3),
    (&["квіт", "apr"], 4),
    (&["трав", "may"], 5),
    (&["черв", "jun"], 6),
    (&["лип", "jul"], 7),
    (&["серп", "aug"], 8),
    (&["верес", "sep"], 9),
    (&["жовт", "oct"], 10),
    (&["листопад", "nov"], 11),
    (&["груд", "dec"], 12),
];

fn month_of(word: &str) -> Option<u32> {
    let word = word.trim_matches(|c: char| !c.is_alphanumeric());
    let word = word
        .strip_prefix("у ")
        .or_else(|| word.strip_prefix("в "))
        .or_else(|| word.strip_prefix("in "))
        .unwrap_or(word)
        .trim();
    if word.chars().count() < 3 {
        return None;
    }
    MONTHS
        .iter()
        .find(|(stems, _)| stems.iter().any(|s| word.starts_with(s)))
        .map(|(_, m)| *m)
}

/// The first day of the next occurrence of `month` (this year's if it has not ended).
fn month_start(month: u32, today: NaiveDate) -> Option<NaiveDate> {
    let this_year = NaiveDate::from_ymd_opt(today.year(), month, 1)?;
    let end = this_year.checked_add_months(Months::new(1))?.pred_opt()?;
    if end >= today {
        Some(this_year)
    } else {
        NaiveDate::from_ymd_opt(today.year() + 1, month, 1)
    }
}

fn month_end(start: NaiveDate) -> Option<NaiveDate> {
    start.checked_add_months(Months::new(1))?.pred_opt()
}

/// `12.03`, `12/03`, `12.03.2027`, `12.03.27`: a day and month, with the year if given.
fn day_month(text: &str) -> Option<(u32, u32, Option<i32>)> {
    let parts: Vec<&str> = text.trim().split(['.', '/']).collect();
    let number = |s: &str| -> Option<u32> {
        (!s.is_empty() && s.len() <= 4 && s.chars().all(|c| c.is_ascii_digit()))
            .then(|| s.parse().ok())
            .flatten()
    };
    match parts.as_slice() {
        [d, m] => Some((number(d)?, number(m)?, None)),
        [d, m, y] => {
            let y = number(y)? as i32;
            let year = if y < 100 { 2000 + y } else { y };
            Some((number(d)?, number(m)?, Some(year)))
        }
        _ => None,
    }
}

/// A date from day, month and maybe year; without a year, the next one on or after `after`.
fn date(day: u32, month: u32, year: Option<i32>, after: NaiveDate) -> Option<NaiveDate> {
    match year {
        Some(y) => NaiveDate::from_ymd_opt(y, month, day),
        None => {
            let this = NaiveDate::from_ymd_opt(after.year(), month, day);
            match this {
                Some(d) if d >= after => Some(d),
                _ => NaiveDate::from_ymd_opt(after.year() + 1, month, day),
            }
        }
    }
}

fn checked(from: NaiveDate, to: NaiveDate, today: NaiveDate) -> Option<When> {
    let longest = from.checked_add_days(Days::new(MAX_DAYS))?;
    (from >= today && to >= from && to <= longest).then_some(When::Between(from, to))
}

/// Understands what was typed, relative to `today`.
pub fn parse(text: &str, today: NaiveDate) -> Option<When> {
    let text = text.trim().to_lowercase();
    if text.is_empty() || text.chars().count() > 60 {
        return None;
    }
    if FLEXIBLE.contains(&text.as_str()) {
        return Some(When::Flexible);
    }
    let dashes: &[char] = &['–', '—', '-', '−'];
    // A hyphen inside "будь-коли" is handled above; here a dash separates two ends.
    let ends: Vec<&str> = text
        .split(|c| dashes.contains(&c))
        .map(str::trim)
        .filter(|s| !s.is_empty())
        .collect();
    match ends.as_slice() {
        [one] => {
            if let Some((d, m, y)) = day_month(one) {
                let day = date(d, m, y, today)?;
                return checked(day, day, today);
            }
            let start = month_start(month_of(one)?, today)?;
            checked(start.max(today), month_end(start)?, today)
        }
        [a, b] => {
            if let (Some((d1, m1, y1)), Some((d2, m2, y2))) = (day_month(a), day_month(b)) {
                let from = match (y1, y2) {
                    (Some(_), _) | (None, None) => date(d1, m1, y1, today)?,
                    // "12.03–15.03.2027": the end's year serves the start too, or the year
                    // before if the range crosses New Year ("28.12–05.01.2027").
                    (None, Some(y)) => {
                        let end = NaiveDate::from_ymd_opt(y, m2, d2)?;
                        match date(d1, m1, Some(y), today)? {
                            start if start > end => date(d1, m1, Some(y - 1), today)?,
                            start => start,
                        }
                    }
                };
                let to = date(d2, m2, y2, from)?;
                return checked(from, to, today);
            }
            let first = month_start(month_of(a)?, today)?;
            let mut last = month_start(month_of(b)?, first)?;
            if last < first {
                last = last.with_year(last.year() + 1)?;
            }
            checked(first.max(today), month_end(last)?, today)
        }
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn day(s: &str) -> NaiveDate {
        NaiveDate::parse_from_str(s, "%Y-%m-%d").unwrap()
    }

    fn between(a: &str, b: &str) -> Option<When> {
        Some(When::Between(day(a), day(b)))
    }

    const TODAY: &str = "2026-11-23";

    #[test]
    fn dates_and_ranges_in_the_usual_shapes() {
        let t = day(TODAY);
        assert_eq!(parse("12.03–15.03", t), between("2027-03-12", "2027-03-15"));
        assert_eq!(
            parse("12.03 - 15.03", t),
            between("2027-03-12", "2027-03-15")
        );
        assert_eq!(parse("12/03-15/03", t), between("2027-03-12", "2027-03-15"));
        assert_eq!(parse("12.03.2027", t), between("2027-03-12", "2027-03-12"));
        assert_eq!(parse("1.12", t), between("2026-12-01", "2026-12-01"));
        assert_eq!(parse("28.12–05.01", t), between("2026-12-28", "2027-01-05"));
        assert_eq!(
            parse("12.03–15.03.27", t),
            between("2027-03-12", "2027-03-15")
        );
        assert_eq!(
            parse("12.03.2027–15.03", t),
            between("2027-03-12", "2027-03-15")
        );
        assert_eq!(
            parse("28.12–05.01.2027", t),
            between("2026-12-28", "2027-01-05")
        );
        assert_eq!(
            parse("23.11", t),
            between("2026-11-23", "2026-11-23"),
            "today counts"
        );
    }

    #[test]
    fn months_in_ukrainian_and_english() {
        let t = day(TODAY);
        for text in [
            "березень",
            "у березні",
            "березня",
            "March",
            "mar",
            "in March",
        ] {
            assert_eq!(
                parse(text, t),
                between("2027-03-01", "2027-03-31"),
                "{text}"
            );
        }
        assert_eq!(
            parse("березень–квітень", t),
            between("2027-03-01", "2027-04-30")
        );
        assert_eq!(
            parse("листопад", t),
            between("2026-11-23", "2026-11-30"),
            "the rest of this month"
        );
        assert_eq!(
            parse("грудень - лютий", t),
            between("2026-12-01", "2027-02-28")
        );
    }

    #[test]
    fn flexible_in_both_languages() {
        let t = day(TODAY);
        for text in ["гнучко", "Будь-коли", "flexible", " Any "] {
            assert_eq!(parse(text, t), Some(When::Flexible), "{text}");
        }
    }

    #[test]
    fn the_past_nonsense_and_overlong_are_not_understood() {
        let t = day(TODAY);
        for text in [
            "",
            "завтра",
            "32.01",
            "12.13",
            "01.01.2020",
            "15.03–12.03.2027",
            "1.1.2027–1.1.2029",
            "12.03–15.03–18.03",
            "ма",
            "qwerty",
            "12..03",
        ] {
            assert_eq!(parse(text, t), None, "{text:?}");
        }
    }

    proptest! {
        #[test]
        fn never_panics(text in "\\PC{0,40}") {
            let _ = parse(&text, day(TODAY));
        }

        /// Whatever is understood lies ahead, in order, and within a year.
        #[test]
        fn understood_ranges_are_sane(d1 in 1u32..32, m1 in 1u32..13, d2 in 1u32..32, m2 in 1u32..13,
                                      offset in 0u64..800) {
            let today = day(TODAY).checked_add_days(Days::new(offset)).unwrap();
            if let Some(When::Between(from, to)) = parse(&format!("{d1}.{m1}–{d2}.{m2}"), today) {
                prop_assert!(from >= today);
                prop_assert!(from <= to);
                prop_assert!(to <= from.checked_add_days(Days::new(MAX_DAYS)).unwrap());
            }
        }

        /// A range shown back as dd.mm.yyyy–dd.mm.yyyy is understood as the same range.
        #[test]
        fn shown_ranges_parse_back(start in 0u64..360, length in 0u64..60) {
            let today = day(TODAY);
            let from = today.checked_add_days(Days::new(start)).unwrap();
            let to = from.checked_add_days(Days::new(length)).unwrap();
            let shown = format!("{}–{}", from.format("%d.%m.%Y"), to.format("%d.%m.%Y"));
            prop_assert_eq!(parse(&shown, today), Some(When::Between(from, to)));
        }
    }
}
