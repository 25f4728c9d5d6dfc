//! Time as the decision core sees it: instants in whole seconds (UTC) and
//! calendar days. Every function that needs "now" takes it as an argument,
//! so simulations and tests replay days deterministically.

use std::fmt;

use chrono::{DateTime, Datelike, NaiveDate, Timelike};
use serde::{Deserialize, Serialize};

/// Seconds in a day.
pub(crate) const DAY_SECONDS: i64 = 86_400;

/// The earliest instant the platform accepts from outside:
/// 2000-01-01T00:00:00Z.
pub const MIN_TIMESTAMP: Timestamp = Timestamp(946_684_800);
/// The latest instant the platform accepts from outside:
/// 2100-01-01T00:00:00Z.
pub const MAX_TIMESTAMP: Timestamp = Timestamp(4_102_444_800);
/// [`MIN_TIMESTAMP`]'s day.
pub const MIN_DAY: Day = Day(10_957);
/// [`MAX_TIMESTAMP`]'s day.
pub const MAX_DAY: Day = Day(47_482);

/// An instant: seconds since the Unix epoch, UTC.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(transparent)]
pub struct Timestamp(pub i64);

/// A calendar day: days since 1970-01-01.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(transparent)]
pub struct Day(pub i32);

impl Timestamp {
    /// The instant at `hour` o'clock on `day`.
    pub fn at(day: Day, hour: u32) -> Timestamp {
        Timestamp(i64::from(day.0) * DAY_SECONDS + i64::from(hour.min(23)) * 3_600)
    }

    /// The day this instant falls on (saturating for instants beyond
    /// `i32` days).
    pub fn day(self) -> Day {
        Day(self
            .0
            .div_euclid(DAY_SECONDS)
            .clamp(i64::from(i32::MIN), i64::from(i32::MAX)) as i32)
    }

    /// Whether this instant is within what the platform accepts from
    /// outside ([`MIN_TIMESTAMP`] to [`MAX_TIMESTAMP`]).
    pub fn in_range(self) -> bool {
        (MIN_TIMESTAMP..=MAX_TIMESTAMP).contains(&self)
    }

    /// The hour of the day (0-23).
    pub fn hour(self) -> u32 {
        (self.0.rem_euclid(DAY_SECONDS) / 3_600) as u32
    }

    /// This instant plus `hours` (saturating).
    pub fn plus_hours(self, hours: i64) -> Timestamp {
        Timestamp(self.0.saturating_add(hours.saturating_mul(3_600)))
    }

    /// Hours from `earlier` to `self` (negative when `earlier` is later).
    pub fn hours_since(self, earlier: Timestamp) -> f64 {
        (self.0 - earlier.0) as f64 / 3_600.0
    }

    /// The current time of the machine, for the service and the command
    /// line (the decision core itself never reads the clock).
    pub fn now() -> Timestamp {
        Timestamp(chrono::Utc::now().timestamp())
    }
}

impl Day {
    /// The day of a calendar date.
    pub fn from_date(date: NaiveDate) -> Day {
        let epoch = NaiveDate::from_ymd_opt(1970, 1, 1).expect("valid date");
        Day((date - epoch).num_days() as i32)
    }

    /// The day of `year-month-day`, if it exists.
    pub fn from_ymd(year: i32, month: u32, day: u32) -> Option<Day> {
        NaiveDate::from_ymd_opt(year, month, day).map(Day::from_date)
    }

    /// The calendar date of this day; days beyond what a calendar can
    /// hold (hundreds of thousands of years away) saturate at its ends
    /// rather than panic.
    pub fn date(self) -> NaiveDate {
        let epoch = NaiveDate::from_ymd_opt(1970, 1, 1).expect("valid date");
        let days = chrono::Days::new(u64::from(self.0.unsigned_abs()));
        let date = if self.0 >= 0 {
            epoch.checked_add_days(days)
        } else {
            epoch.checked_sub_days(days)
        };
        date.unwrap_or(if self.0 >= 0 {
            NaiveDate::MAX
        } else {
            NaiveDate::MIN
        })
    }

    /// Whether this day is within what the platform accepts from outside
    /// ([`MIN_DAY`] to [`MAX_DAY`]).
    pub fn in_range(self) -> bool {
        (MIN_DAY..=MAX_DAY).contains(&self)
    }

    /// The year of this day.
    pub fn year(self) -> i32 {
        self.date().year()
    }

    /// Midnight at the start of this day.
    pub fn start(self) -> Timestamp {
        Timestamp(i64::from(self.0) * DAY_SECONDS)
    }

    /// This day plus `days` (saturating).
    pub fn plus(self, days: i32) -> Day {
        Day(self.0.saturating_add(days))
    }

    /// Days from `earlier` to `self` (saturating).
    pub fn since(self, earlier: Day) -> i32 {
        self.0.saturating_sub(earlier.0)
    }
}

#[cfg(feature = "schema")]
impl schemars::JsonSchema for Timestamp {
    fn schema_name() -> std::borrow::Cow<'static, str> {
        "Timestamp".into()
    }

    fn json_schema(_: &mut schemars::SchemaGenerator) -> schemars::Schema {
        schemars::json_schema!({
            "type": "integer",
            "description": "Seconds since the Unix epoch, UTC, from 2000-01-01 to 2100-01-01.",
            "minimum": MIN_TIMESTAMP.0,
            "maximum": MAX_TIMESTAMP.0,
        })
    }
}

#[cfg(feature = "schema")]
impl schemars::JsonSchema for Day {
    fn schema_name() -> std::borrow::Cow<'static, str> {
        "Day".into()
    }

    fn json_schema(_: &mut schemars::SchemaGenerator) -> schemars::Schema {
        schemars::json_schema!({
            "type": "integer",
            "description": "Days since 1970-01-01, from 2000-01-01 (10957) to 2100-01-01 (47482).",
            "minimum": MIN_DAY.0,
            "maximum": MAX_DAY.0,
        })
    }
}

impl fmt::Display for Day {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}", self.date())
    }
}

impl fmt::Display for Timestamp {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match DateTime::from_timestamp(self.0, 0) {
            Some(t) => write!(f, "{} {:02}:{:02}", t.date_naive(), t.hour(), t.minute()),
            None => write!(f, "@{}", self.0),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn days_and_hours_round_trip() {
        let day = Day::from_ymd(2026, 8, 25).unwrap();
        assert_eq!(day.date().to_string(), "2026-08-25");
        let t = Timestamp::at(day, 19);
        assert_eq!(t.day(), day);
        assert_eq!(t.hour(), 19);
        assert_eq!(t.plus_hours(6).day(), day.plus(1));
        assert_eq!(day.plus(7).since(day), 7);
        assert_eq!(t.to_string(), "2026-08-25 19:00");
    }

    #[test]
    fn days_and_instants_at_the_edges_of_their_types_never_panic() {
        for day in [
            Day(i32::MAX),
            Day(i32::MIN),
            Day(2_147_483_647),
            Day(-1_000_000_000),
        ] {
            let _ = day.to_string();
            let _ = day.year();
            let _ = day.plus(i32::MAX).since(Day(i32::MIN));
            assert!(!day.in_range());
        }
        for t in [
            Timestamp(i64::MAX),
            Timestamp(i64::MIN),
            Timestamp(-172_800_000_000_000),
        ] {
            let _ = t.day().to_string();
            let _ = t.plus_hours(i64::MAX);
            assert!(!t.in_range());
        }
        assert!(Timestamp::at(Day::from_ymd(2026, 8, 1).unwrap(), 9).in_range());
    }

    #[test]
    fn instants_before_the_epoch_fall_on_the_right_day() {
        let t = Timestamp(-1);
        assert_eq!(t.day(), Day(-1));
        assert_eq!(t.hour(), 23);
    }
}
