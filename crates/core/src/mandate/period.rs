//! Budget periods: ISO weeks (Monday to Sunday) and calendar months.

use chrono::Datelike;
use serde::{Deserialize, Serialize};

use vitrine_types::time::Day;

/// A budgeting period.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum Period {
    /// Monday to Sunday.
    Week,
    /// A calendar month.
    Month,
}

impl Period {
    /// The first and last day of the period containing `day`.
    pub fn bounds(self, day: Day) -> (Day, Day) {
        let date = day.date();
        match self {
            Period::Week => {
                let offset = date.weekday().num_days_from_monday() as i32;
                let start = day.plus(-offset);
                (start, start.plus(6))
            }
            Period::Month => {
                let start = Day::from_ymd(date.year(), date.month(), 1).expect("first of month");
                let (y, m) = if date.month() == 12 {
                    (date.year() + 1, 1)
                } else {
                    (date.year(), date.month() + 1)
                };
                let next = Day::from_ymd(y, m, 1).expect("first of month");
                (start, next.plus(-1))
            }
        }
    }

    /// Whether `other` falls in the same period as `day`.
    pub fn contains(self, day: Day, other: Day) -> bool {
        let (start, end) = self.bounds(day);
        other >= start && other <= end
    }

    /// The name used in explanations.
    pub fn as_str(self) -> &'static str {
        match self {
            Period::Week => "week",
            Period::Month => "month",
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn weeks_start_on_monday_and_months_on_the_first() {
        let wednesday = Day::from_ymd(2026, 11, 25).unwrap();
        let (start, end) = Period::Week.bounds(wednesday);
        assert_eq!(start.to_string(), "2026-11-23");
        assert_eq!(end.to_string(), "2026-11-29");
        let (start, end) = Period::Month.bounds(Day::from_ymd(2026, 12, 31).unwrap());
        assert_eq!(
            (start.to_string(), end.to_string()),
            ("2026-12-01".into(), "2026-12-31".into())
        );
        assert!(Period::Month.contains(wednesday, Day::from_ymd(2026, 11, 1).unwrap()));
        assert!(!Period::Week.contains(wednesday, Day::from_ymd(2026, 11, 22).unwrap()));
    }
}
