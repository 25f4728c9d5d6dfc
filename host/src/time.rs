//! Time as the decision core sees it: instants in whole seconds (UTC) and
//! calendar days. Every function that needs "now" takes it as an argument,
//! so simulations and tests replay days deterministically.

use std::fmt;

use chrono::{DateTime, Datelike, NaiveDate, Timelike};
use serde::{Deserialize, Serialize};

/// Seconds in a day.
pub const DAY_SECONDS: i64 = 86_400;

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

    /// The day this instant falls on.
    pub fn day(self) -> Day {
        Day(self.0.div_euclid(DAY_SECONDS) as i32)
    }

    /// The hour of the day (0-23).
    pub fn hour(self) -> u32 {
        (self.0.rem_euclid(DAY_SECONDS) / 3_600) as u32
    }

    /// This instant plus `hours`.
    pub fn plus_hours(self, hours: i64) -> Timestamp {
        Timestamp(self.0 + hours * 3_600)
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

    /// The calendar date of this day.
    pub fn date(self) -> NaiveDate {
        NaiveDate::from_ymd_opt(1970, 1, 1).expect("valid date")
            + chrono::Duration::days(i64::from(self.0))
    }

    /// The year of this day.
    pub fn year(self) -> i32 {
        self.date().year()
    }

    /// Midnight at the start of this day.
    pub fn start(self) -> Timestamp {
        Timestamp(i64::from(self.0) * DAY_SECONDS)
    }

    /// This day plus `days`.
    pub fn plus(self, days: i32) -> Day {
        Day(self.0 + days)
    }

    /// Days from `earlier` to `self`.
    pub fn since(self, earlier: Day) -> i32 {
        self.0 - earlier.0
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
    fn instants_before_the_epoch_fall_on_the_right_day() {
        let t = Timestamp(-1);
        assert_eq!(t.day(), Day(-1));
        assert_eq!(t.hour(), 23);
    }
}
