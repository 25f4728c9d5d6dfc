//! Calendar facts: the household's children and their school level, and when
//! the school year starts where they live. Seasonal rules read these.

use serde::{Deserialize, Serialize};

use vitrine_types::time::Day;

/// A school level; seasonal rules turn it into a category such as
/// `school/supplies/primary`.
#[derive(
    Debug,
    Clone,
    Copy,
    PartialEq,
    Eq,
    Hash,
    PartialOrd,
    Ord,
    Serialize,
    Deserialize,
    schemars::JsonSchema,
)]
#[serde(rename_all = "snake_case")]
pub enum SchoolLevel {
    /// Nursery school.
    Nursery,
    /// Primary school.
    Primary,
    /// Middle school.
    Middle,
    /// High school.
    High,
}

impl SchoolLevel {
    /// The taxonomy segment for this level.
    pub fn as_str(self) -> &'static str {
        match self {
            SchoolLevel::Nursery => "nursery",
            SchoolLevel::Primary => "primary",
            SchoolLevel::Middle => "middle",
            SchoolLevel::High => "high",
        }
    }
}

/// A child of the household. Only the school level is kept: no name, no
/// birth date.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Child {
    /// A label local to the household (`child-1`), never shared.
    #[schemars(length(min = 1, max = 64))]
    pub id: String,
    /// The child's school level.
    pub school_level: SchoolLevel,
}

/// When the school year starts for the household's region and year.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct SchoolYearStart {
    /// The calendar year.
    pub year: i32,
    /// The first day of school.
    pub day: Day,
}

/// The household's calendar facts.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields, default)]
pub struct Calendar {
    /// The children.
    #[schemars(length(max = 16))]
    pub children: Vec<Child>,
    /// School-year start dates known for the household's region.
    pub school_year_starts: Vec<SchoolYearStart>,
    /// Periods the household is away (a holiday): nothing is used, the
    /// forecaster leaves those days out and projects no use on them.
    #[schemars(length(max = 32))]
    pub away: Vec<Away>,
}

/// A period away, both days included.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Away {
    /// The first day away.
    pub from: Day,
    /// The last day away (at most 366 days after `from`).
    pub to: Day,
}

/// Most away periods kept.
pub const MAX_AWAY_PERIODS: usize = 32;

impl Calendar {
    /// Whether the household declared itself away on `day`.
    pub fn is_away(&self, day: Day) -> bool {
        self.away.iter().any(|a| a.from <= day && day <= a.to)
    }

    /// The school start of `year`: the known date, or the region's usual one
    /// (1 September) when none was given.
    pub(crate) fn school_year_start(&self, year: i32) -> Day {
        self.school_year_starts
            .iter()
            .find(|s| s.year == year)
            .map(|s| s.day)
            .unwrap_or_else(|| Day::from_ymd(year, 9, 1).expect("1 September exists"))
    }
}
