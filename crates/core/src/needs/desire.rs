//! Desire needs from context rules (sustained high stress in the evening →
//! a small treat). Only for households that opted in to context signals;
//! never ordered automatically (the mandate check always asks); at most one
//! per cool-down (default 72 h) and a daily cap. The signal never leaves the
//! household: the need carries only the rule and a count of readings.

use serde::{Deserialize, Serialize};

use super::need::{Need, NeedReason, need_id};
use crate::household::{DataField, Household, SignalKind};
use vitrine_types::time::Timestamp;
use vitrine_types::{NeedKind, Quantity, is_category_path};

/// The default rules.
pub(crate) const DEFAULT_RULES: &str = include_str!("../../rules/desire.json");

/// A set of desire rules.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct DesireRules {
    /// The rules.
    pub rules: Vec<DesireRule>,
}

/// One context rule.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct DesireRule {
    /// Identifier.
    pub id: String,
    /// What it is for.
    pub description: String,
    /// The signal read.
    pub signal: SignalKind,
    /// Level at or above which a reading counts.
    pub threshold: u8,
    /// Readings needed within the window.
    pub min_readings: u32,
    /// The window, in hours before now.
    pub window_hours: u32,
    /// The rule only fires from this hour...
    pub from_hour: u32,
    /// ...to this hour of the day.
    pub to_hour: u32,
    /// The category to ask for.
    pub category: String,
    /// How much.
    pub quantity: Quantity,
}

/// Limits that keep desire needs rare.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct DesireLimits {
    /// Hours after a desire need before another. Default 72.
    pub cooldown_hours: u32,
    /// Desire needs per day at most. Default 1.
    pub daily_cap: u32,
}

impl Default for DesireLimits {
    fn default() -> Self {
        DesireLimits {
            cooldown_hours: 72,
            daily_cap: 1,
        }
    }
}

impl DesireRules {
    /// Parses and checks rules.
    pub fn from_json(json: &str) -> Result<DesireRules, String> {
        let rules: DesireRules = serde_json::from_str(json).map_err(|e| e.to_string())?;
        for rule in &rules.rules {
            if !is_category_path(&rule.category) {
                return Err(format!(
                    "rule {}: {:?} is not a taxonomy path",
                    rule.id, rule.category
                ));
            }
            if rule.threshold > 100
                || rule.from_hour > 23
                || rule.to_hour > 23
                || rule.min_readings == 0
            {
                return Err(format!(
                    "rule {}: threshold 0-100, hours 0-23, at least one reading",
                    rule.id
                ));
            }
        }
        Ok(rules)
    }

    /// The default rules.
    pub fn defaults() -> DesireRules {
        DesireRules::from_json(DEFAULT_RULES).expect("the default rules are valid")
    }

    /// A desire need due at `now`, if the household opted in, no desire need
    /// was raised within the cool-down, the daily cap is not reached, and a
    /// rule's readings are met. `previous` are the instants of earlier desire
    /// needs.
    pub fn evaluate(
        &self,
        household: &Household,
        now: Timestamp,
        limits: &DesireLimits,
        previous: &[Timestamp],
    ) -> Option<Need> {
        if !household.consents.allows(DataField::ContextSignals) {
            return None;
        }
        let in_cooldown = previous
            .iter()
            .any(|t| now.hours_since(*t) < f64::from(limits.cooldown_hours) && *t <= now);
        let today_count = previous.iter().filter(|t| t.day() == now.day()).count() as u32;
        if in_cooldown || today_count >= limits.daily_cap {
            return None;
        }
        self.rules.iter().find_map(|rule| {
            let hour = now.hour();
            if hour < rule.from_hour || hour > rule.to_hour {
                return None;
            }
            let readings = household
                .signals
                .iter()
                .filter(|s| {
                    s.kind == rule.signal
                        && s.level >= rule.threshold
                        && s.at <= now
                        && now.hours_since(s.at) <= f64::from(rule.window_hours)
                })
                .count() as u32;
            (readings >= rule.min_readings).then(|| Need {
                id: need_id(
                    &household.id,
                    NeedKind::Desire,
                    &rule.category,
                    &now.0.to_string(),
                ),
                household: household.id.clone(),
                kind: NeedKind::Desire,
                category: rule.category.clone(),
                coarse_category: None,
                quantity: rule.quantity,
                earliest_day: now.day(),
                latest_day: now.day().plus(2),
                raised_at: now,
                reason: NeedReason::Desire {
                    rule: rule.id.clone(),
                    description: rule.description.clone(),
                    readings,
                    cooldown_hours: limits.cooldown_hours,
                },
            })
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::household::ContextSignal;
    use vitrine_types::time::Day;

    fn stressed(consent: bool) -> (Household, Timestamp) {
        let mut h = Household::new("h", "EUR");
        h.consents.grant(DataField::ContextSignals);
        let evening = Timestamp::at(Day(20_000), 20);
        for hours_ago in [3, 2, 1] {
            h.record_signal(ContextSignal {
                kind: SignalKind::Stress,
                level: 85,
                at: evening.plus_hours(-hours_ago),
            })
            .unwrap();
        }
        if !consent {
            h.consents.withdraw(DataField::ContextSignals);
        }
        (h, evening)
    }

    #[test]
    fn sustained_evening_stress_raises_one_desire_with_no_signal_values() {
        let (h, evening) = stressed(true);
        let rules = DesireRules::defaults();
        let need = rules
            .evaluate(&h, evening, &DesireLimits::default(), &[])
            .unwrap();
        assert_eq!(need.kind, NeedKind::Desire);
        let json = serde_json::to_string(&need).unwrap();
        assert!(!json.contains("85"), "no signal level in the need: {json}");
    }

    #[test]
    fn no_consent_cooldown_cap_and_daytime_raise_nothing() {
        let rules = DesireRules::defaults();
        let limits = DesireLimits::default();
        let (h, evening) = stressed(false);
        assert!(rules.evaluate(&h, evening, &limits, &[]).is_none());
        let (h, evening) = stressed(true);
        assert!(
            rules
                .evaluate(&h, evening, &limits, &[evening.plus_hours(-48)])
                .is_none()
        );
        assert!(
            rules
                .evaluate(&h, evening, &limits, &[evening.plus_hours(-80)])
                .is_some()
        );
        let capped = DesireLimits {
            cooldown_hours: 0,
            daily_cap: 1,
        };
        assert!(
            rules
                .evaluate(&h, evening, &capped, &[evening.plus_hours(-1)])
                .is_none()
        );
        assert!(
            rules
                .evaluate(&h, evening.plus_hours(-8), &limits, &[])
                .is_none(),
            "noon is not evening"
        );
    }
}
