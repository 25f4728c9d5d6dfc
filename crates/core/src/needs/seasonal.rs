//! Seasonal needs from calendar rules. Rules are data (`crates/core/rules/
//! seasonal.json` by default, or an operator's file), not code: each names an
//! anchor date (the household's school-year start, or a fixed day of the
//! year), a window before it, whether it applies per child (and to which
//! school levels), and the category and quantity to ask for.

use serde::{Deserialize, Serialize};

use super::need::{Need, NeedReason, need_id};
use crate::household::{Household, SchoolLevel};
use vitrine_types::time::{Day, Timestamp};
use vitrine_types::{NeedKind, Quantity, is_category_path};

/// The default rules.
pub(crate) const DEFAULT_RULES: &str = include_str!("../../rules/seasonal.json");

/// A set of seasonal rules.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SeasonalRules {
    /// The rules.
    pub rules: Vec<SeasonalRule>,
}

/// What a rule's dates are counted from.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Anchor {
    /// The household's school-year start (calendar facts).
    SchoolYearStart,
    /// A fixed day of every year.
    Date {
        /// Month, 1-12.
        month: u32,
        /// Day of the month.
        day: u32,
    },
}

/// One calendar rule.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SeasonalRule {
    /// Identifier.
    pub id: String,
    /// What it is for.
    pub description: String,
    /// The anchor date.
    pub anchor: Anchor,
    /// The need is raised from this many days before the anchor...
    pub raise_days_before: u16,
    /// ...and delivery is wanted by this many days before it.
    pub deliver_days_before: u16,
    /// One need per child (else one per household).
    #[serde(default)]
    pub per_child: bool,
    /// Only for children at these levels (all when empty).
    #[serde(default)]
    pub school_levels: Vec<SchoolLevel>,
    /// The category; `{school_level}` is replaced per child.
    pub category: String,
    /// How much.
    pub quantity: Quantity,
}

impl SeasonalRules {
    /// Parses and checks rules.
    pub fn from_json(json: &str) -> Result<SeasonalRules, String> {
        let rules: SeasonalRules = serde_json::from_str(json).map_err(|e| e.to_string())?;
        for rule in &rules.rules {
            let sample = rule.category.replace("{school_level}", "primary");
            if !is_category_path(&sample) {
                return Err(format!(
                    "rule {}: {:?} is not a taxonomy path",
                    rule.id, rule.category
                ));
            }
            if rule.deliver_days_before > rule.raise_days_before {
                return Err(format!(
                    "rule {}: delivery must come after raising",
                    rule.id
                ));
            }
            if let Anchor::Date { month, day } = rule.anchor
                && Day::from_ymd(2024, month, day).is_none()
            {
                return Err(format!("rule {}: no such date {month}-{day}", rule.id));
            }
        }
        Ok(rules)
    }

    /// The default rules.
    pub fn defaults() -> SeasonalRules {
        SeasonalRules::from_json(DEFAULT_RULES).expect("the default rules are valid")
    }

    /// Needs due at `now` that are not in `already` (keys of needs raised
    /// before: `rule:child:year`).
    pub fn evaluate(
        &self,
        household: &Household,
        now: Timestamp,
        already: &dyn Fn(&str) -> bool,
    ) -> Vec<Need> {
        let today = now.day();
        let mut needs = Vec::new();
        for rule in &self.rules {
            // This year's anchor, or next year's when this year's is past.
            for year in [today.year(), today.year() + 1] {
                let event_day = match rule.anchor {
                    Anchor::SchoolYearStart => household.calendar.school_year_start(year),
                    Anchor::Date { month, day } => match Day::from_ymd(year, month, day) {
                        Some(d) => d,
                        None => continue,
                    },
                };
                let opens = event_day.plus(-i32::from(rule.raise_days_before));
                let deliver_by = event_day.plus(-i32::from(rule.deliver_days_before));
                if today < opens || today > deliver_by {
                    continue;
                }
                let targets: Vec<(Option<&str>, Option<SchoolLevel>)> = if rule.per_child {
                    household
                        .calendar
                        .children
                        .iter()
                        .filter(|c| {
                            rule.school_levels.is_empty()
                                || rule.school_levels.contains(&c.school_level)
                        })
                        .map(|c| (Some(c.id.as_str()), Some(c.school_level)))
                        .collect()
                } else {
                    vec![(None, None)]
                };
                for (child, level) in targets {
                    let key = format!("{}:{}:{}", rule.id, child.unwrap_or("household"), year);
                    if already(&key) {
                        continue;
                    }
                    let category = match level {
                        Some(level) => rule.category.replace("{school_level}", level.as_str()),
                        None => rule.category.clone(),
                    };
                    // Without the household's consent brands get the
                    // category without the child's level.
                    let coarse_category = (level.is_some()
                        && rule.category.contains("{school_level}"))
                    .then(|| {
                        rule.category
                            .split('/')
                            .filter(|segment| !segment.contains("{school_level}"))
                            .collect::<Vec<_>>()
                            .join("/")
                    })
                    .filter(|c| !c.is_empty() && is_category_path(c));
                    needs.push(Need {
                        id: need_id(&household.id, NeedKind::Seasonal, &category, &key),
                        household: household.id.clone(),
                        kind: NeedKind::Seasonal,
                        category,
                        coarse_category,
                        quantity: rule.quantity,
                        earliest_day: today,
                        latest_day: deliver_by.max(today),
                        raised_at: now,
                        reason: NeedReason::Seasonal {
                            rule: key,
                            description: rule.description.clone(),
                            child: child.map(str::to_owned),
                            event_day,
                        },
                    });
                }
            }
        }
        needs
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::household::{Child, SchoolYearStart};

    fn family() -> Household {
        let mut h = Household::new("h", "EUR");
        h.calendar.children = vec![
            Child {
                id: "child-1".into(),
                school_level: SchoolLevel::Primary,
            },
            Child {
                id: "child-2".into(),
                school_level: SchoolLevel::Middle,
            },
        ];
        h.calendar.school_year_starts = vec![SchoolYearStart {
            year: 2026,
            day: Day::from_ymd(2026, 9, 1).unwrap(),
        }];
        h
    }

    #[test]
    fn back_to_school_is_raised_per_child_in_late_august_only() {
        let rules = SeasonalRules::defaults();
        let h = family();
        let none = |_: &str| false;
        let early = Timestamp::at(Day::from_ymd(2026, 8, 1).unwrap(), 9);
        assert!(rules.evaluate(&h, early, &none).is_empty());
        let due = Timestamp::at(Day::from_ymd(2026, 8, 15).unwrap(), 9);
        let needs = rules.evaluate(&h, due, &none);
        let categories: Vec<_> = needs.iter().map(|n| n.category.as_str()).collect();
        assert_eq!(
            categories,
            ["school/supplies/primary", "school/supplies/middle"]
        );
        assert_eq!(needs[0].latest_day.to_string(), "2026-08-29");
        // Raised once: the keys are remembered.
        let keys: Vec<String> = needs
            .iter()
            .map(|n| match &n.reason {
                NeedReason::Seasonal { rule, .. } => rule.clone(),
                _ => unreachable!(),
            })
            .collect();
        assert!(
            rules
                .evaluate(&h, due, &|k| keys.iter().any(|x| x == k))
                .is_empty()
        );
    }

    #[test]
    fn level_filters_apply_and_bad_rules_are_refused() {
        let rules = SeasonalRules::defaults();
        let spring = Timestamp::at(Day::from_ymd(2026, 3, 25).unwrap(), 9);
        let needs = rules.evaluate(&family(), spring, &|_| false);
        assert_eq!(needs.len(), 1, "only the primary-school child gets a bike");
        let bad = DEFAULT_RULES.replace("\"month\": 10, \"day\": 15", "\"month\": 2, \"day\": 30");
        assert!(
            SeasonalRules::from_json(&bad)
                .unwrap_err()
                .contains("no such date")
        );
        assert!(SeasonalRules::from_json("{\"rules\": [{}]}").is_err());
    }
}
