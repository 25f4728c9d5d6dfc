//! Replenishment: estimate how fast a category is used, project when the
//! stock runs out from the last inventory reading, and raise a need when
//! that falls inside the delivery lead time plus a safety margin.
//!
//! No need is raised on too little history, when consumption has stopped
//! (no use for longer than the household's usual interval, and the rate
//! decays), or while an order for the category is in flight.

use serde::{Deserialize, Serialize};

use super::forecast::{RateMethod, days_to_empty, estimate};

/// Days ahead stock is projected; beyond, it is enough.
const PROJECTION_DAYS: i32 = 366;
use super::need::{Need, NeedReason, need_id};
use crate::household::Household;
use vitrine_types::time::{Day, Timestamp};
use vitrine_types::{NeedKind, Quantity, Unit};

/// Parameters of replenishment.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct ReplenishmentConfig {
    /// Days an order takes to arrive. Default 2.
    pub lead_time_days: u16,
    /// Extra days of margin. Default 1.
    pub safety_days: u16,
    /// Days of use the ordered quantity covers. Default 7.
    pub horizon_days: u16,
    /// Least span of history, in days. Default 7.
    pub min_history_days: u32,
    /// Least number of days with use. Default 3.
    pub min_demand_days: u32,
}

impl Default for ReplenishmentConfig {
    fn default() -> Self {
        ReplenishmentConfig {
            lead_time_days: 2,
            safety_days: 1,
            horizon_days: 7,
            min_history_days: 7,
            min_demand_days: 3,
        }
    }
}

/// Why no replenishment need was raised (for tests and diagnostics).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case", tag = "why")]
pub enum NoNeed {
    /// Not enough history yet.
    TooLittleHistory {
        /// Days of history.
        days: u32,
        /// Days with use.
        demand_days: u32,
    },
    /// No use for longer than usual: consumption stopped.
    ConsumptionStopped {
        /// Days since the last use.
        days_since_use: i32,
    },
    /// No inventory reading to project from.
    NoInventoryReading,
    /// Stock lasts beyond lead time plus margin.
    EnoughStock {
        /// Days to empty.
        days_to_empty: f64,
    },
    /// An order for the category is in flight.
    OrderInFlight,
}

/// Evaluates replenishment for `category` at `now`.
pub fn evaluate(
    household: &Household,
    category: &str,
    config: &ReplenishmentConfig,
    now: Timestamp,
    in_flight: bool,
) -> Result<Need, NoNeed> {
    if in_flight {
        return Err(NoNeed::OrderInFlight);
    }
    let today = now.day();
    let Some(DailyUse {
        unit,
        first_day,
        series,
        events,
    }) = daily_use(household, category, now)
    else {
        return Err(NoNeed::TooLittleHistory {
            days: 0,
            demand_days: 0,
        });
    };
    let Some(rate) = estimate(&series, first_day) else {
        // Every day with use was censored: nothing usable yet.
        return Err(NoNeed::TooLittleHistory {
            days: series.len() as u32,
            demand_days: 0,
        });
    };
    if rate.history_days < config.min_history_days || rate.demand_days < config.min_demand_days {
        return Err(NoNeed::TooLittleHistory {
            days: rate.history_days,
            demand_days: rate.demand_days,
        });
    }
    // Consumption stopped once the run without use is longer than chance
    // explains for this household's frequency of use. Days on an empty
    // shelf or away do not count: the household could not use what it did
    // not have, or was not there.
    let days_since_use = (rate.last_demand_day.since(first_day) + 1..=today.since(first_day))
        .filter(|d| series.get(*d as usize).is_some_and(Option::is_some))
        .count() as i32;
    if days_since_use > rate.stop_after_days as i32 || rate.per_day <= f64::EPSILON {
        return Err(NoNeed::ConsumptionStopped { days_since_use });
    }
    let Some(reading) = household
        .inventory
        .iter()
        .filter(|r| r.category == category && r.unit == unit && r.at <= now)
        .max_by_key(|r| r.at)
    else {
        return Err(NoNeed::NoInventoryReading);
    };
    let used_since: u64 = events
        .iter()
        .filter(|e| e.at > reading.at)
        .map(|e| u64::from(e.amount))
        .sum();
    let bought_since: u64 = household
        .purchases
        .iter()
        .filter(|p| p.category == category && p.unit == unit && p.at > reading.at && p.at <= now)
        .map(|p| u64::from(p.amount))
        .sum();
    let stock_now = (f64::from(reading.amount) + bought_since as f64 - used_since as f64).max(0.0);
    // Day by day: the weekday profile shapes use, declared absences use
    // nothing.
    let away = |day: Day| household.calendar.is_away(day);
    // Daily use comes in whole units, so the stock is gone once what is
    // used reaches it less half a unit (a continuity correction: without
    // it the prediction is a day late more often than a day early).
    // Intermittent use is projected by its median instead (below).
    let correction = match rate.method {
        RateMethod::ExponentialSmoothing => 0.5,
        RateMethod::Tsb => 0.0,
    };
    let Some(days_to_empty) = days_to_empty(
        (stock_now - correction).max(0.0),
        rate.per_day,
        &rate.weekday_factors,
        today,
        &away,
        PROJECTION_DAYS,
    ) else {
        return Err(NoNeed::EnoughStock {
            days_to_empty: f64::from(PROJECTION_DAYS),
        });
    };
    let window = f64::from(config.lead_time_days + config.safety_days);
    if days_to_empty > window {
        return Err(NoNeed::EnoughStock { days_to_empty });
    }
    let stockout_day = today.plus(match rate.method {
        RateMethod::ExponentialSmoothing => days_to_empty.ceil() as i32,
        RateMethod::Tsb => median_days_to_empty(stock_now, rate.tsb_probability, rate.tsb_size),
    });
    // An order covers the horizon, but never more days than what it buys
    // keeps (`shelf_life`).
    let horizon_days = super::shelf_life::shelf_life_days(category)
        .map_or(config.horizon_days, |days| days.min(config.horizon_days));
    let amount = (rate.per_day * f64::from(horizon_days)).ceil().max(1.0) as u32;
    Ok(Need {
        id: need_id(
            &household.id,
            NeedKind::Replenishment,
            category,
            &today.0.to_string(),
        ),
        household: household.id.clone(),
        kind: NeedKind::Replenishment,
        category: category.to_owned(),
        coarse_category: None,
        quantity: Quantity { amount, unit },
        earliest_day: today,
        latest_day: stockout_day.max(today.plus(1)),
        raised_at: now,
        reason: NeedReason::Replenishment {
            method: rate.method,
            rate_per_day: rate.per_day,
            average_interval_days: rate.adi,
            stock_now,
            last_reading: reading.amount,
            last_reading_day: reading.at.day(),
            days_to_empty,
            stockout_day,
            lead_time_days: config.lead_time_days,
            safety_days: config.safety_days,
            horizon_days,
            history_days: rate.history_days,
        },
    })
}

/// The median number of days until demand (a day has demand with
/// probability `p`, of size `size`) uses up `stock`: the day the
/// negative-binomial count of demand days reaches `ceil(stock / size)`.
/// Intermittent stock-outs are skewed, so the median, not the mean (`stock /
/// rate`), minimises the error in days. (For daily use the mean is better:
/// measured with `vitrine-bench needs-accuracy`.)
pub(crate) fn median_days_to_empty(stock: f64, p: f64, size: f64) -> i32 {
    if stock <= 0.0 {
        return 0;
    }
    let p = p.clamp(1e-6, 1.0);
    let needed = (stock / size.max(1e-9)).ceil().max(1.0) as u32;
    // P(at least `needed` demand days within n days) ≥ 0.5, smallest n.
    // The binomial is accumulated directly (n stays small in practice).
    let mut n = needed;
    loop {
        let at_least = 1.0 - binomial_cdf(needed - 1, n, p);
        if at_least >= 0.5 || n > 3_650 {
            return n as i32;
        }
        n += 1;
    }
}

/// P(X ≤ k) for X ~ Binomial(n, p).
fn binomial_cdf(k: u32, n: u32, p: f64) -> f64 {
    let mut term = (1.0 - p).powi(n as i32);
    let mut sum = term;
    for i in 0..k.min(n) {
        term *= f64::from(n - i) / f64::from(i + 1) * p / (1.0 - p).max(1e-12);
        sum += term;
    }
    sum.min(1.0)
}

/// The categories a household has used with `unit` information.
pub(crate) fn tracked_categories(household: &Household) -> Vec<(String, Unit)> {
    let mut seen: Vec<(String, Unit)> = Vec::new();
    for e in &household.events {
        if !seen.iter().any(|(c, _)| *c == e.category) {
            seen.push((e.category.clone(), e.unit));
        }
    }
    seen.sort();
    seen
}

/// A category's daily use over the history window: the unit of its latest
/// event, the first day with an event, use per day from then to today
/// (`None` for a day that ended with an empty shelf: its demand is
/// censored), and the events counted.
pub(crate) struct DailyUse<'a> {
    pub(crate) unit: Unit,
    pub(crate) first_day: Day,
    pub(crate) series: Vec<Option<f64>>,
    pub(crate) events: Vec<&'a crate::household::ConsumptionEvent>,
}

/// `category`'s daily use in `household` at `now`; `None` without events.
pub(crate) fn daily_use<'a>(
    household: &'a Household,
    category: &str,
    now: Timestamp,
) -> Option<DailyUse<'a>> {
    let today = now.day();
    // Only the history window counts: the work and memory of an evaluation
    // are bounded by it, never by how far back an event claims to be.
    let oldest = today.plus(-crate::household::HISTORY_DAYS).start();
    let events: Vec<_> = household
        .events
        .iter()
        .filter(|e| e.category == category && e.at <= now && e.at >= oldest)
        .collect();
    let unit = events.iter().max_by_key(|e| e.at).map(|e| e.unit)?;
    let events: Vec<_> = events.into_iter().filter(|e| e.unit == unit).collect();
    let first_day = events.iter().map(|e| e.at.day()).min()?;
    let mut series = vec![Some(0.0); (today.since(first_day) + 1) as usize];
    for event in &events {
        if let Some(x) = &mut series[event.at.day().since(first_day) as usize] {
            *x += f64::from(event.amount);
        }
    }
    // A day that ended with an empty shelf shows what was available, not
    // what was wanted: its demand is censored, so it is left out of the
    // estimate instead of counting as (too little) use.
    for reading in household.inventory.iter().filter(|r| {
        r.category == category && r.unit == unit && r.amount == 0 && r.at <= now && r.at >= oldest
    }) {
        let d = reading.at.day().since(first_day);
        if d >= 0 && (d as usize) < series.len() {
            series[d as usize] = None;
        }
    }
    // Days the household declared away: nothing could be used, so they
    // tell nothing about the rate.
    for (d, x) in series.iter_mut().enumerate() {
        if household.calendar.is_away(first_day.plus(d as i32)) {
            *x = None;
        }
    }
    Some(DailyUse {
        unit,
        first_day,
        series,
        events,
    })
}

/// How much of `category` the household uses a day, in `unit`, as the
/// forecaster estimates it now; `None` without enough use in that unit.
pub fn consumption_rate(
    household: &Household,
    category: &str,
    unit: Unit,
    now: Timestamp,
) -> Option<f64> {
    let daily = daily_use(household, category, now)?;
    if daily.unit != unit {
        return None;
    }
    estimate(&daily.series, daily.first_day).map(|r| r.per_day)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::household::{ConsumptionEvent, InventorySnapshot};
    use vitrine_types::time::Day;

    const YOGURT: &str = "food/dairy/yogurt";

    fn household(days: i32, per_day: u32, stock: u32) -> Household {
        let mut h = Household::new("h", "EUR");
        for d in 0..days {
            h.events.push(ConsumptionEvent {
                category: YOGURT.into(),
                amount: per_day,
                unit: Unit::Piece,
                at: Timestamp::at(Day(d), 8),
            });
        }
        h.inventory.push(InventorySnapshot {
            category: YOGURT.into(),
            amount: stock,
            unit: Unit::Piece,
            at: Timestamp::at(Day(days - 1), 20),
        });
        h
    }

    fn at_end_of(day: i32) -> Timestamp {
        Timestamp::at(Day(day), 21)
    }

    #[test]
    fn days_declared_away_are_neither_a_stop_nor_use_and_use_nothing_ahead() {
        // Two jars a day for 20 days, then ten days away with 4 jars left.
        let mut h = household(20, 2, 4);
        h.calendar.away.push(crate::household::Away {
            from: Day(20),
            to: Day(29),
        });
        let config = ReplenishmentConfig::default();
        // At the end of the absence: not stopped, the rate is intact.
        match evaluate(&h, YOGURT, &config, at_end_of(29), false) {
            Ok(need) => match need.reason {
                NeedReason::Replenishment { rate_per_day, .. } => {
                    assert!((rate_per_day - 2.0).abs() < 1e-6, "{rate_per_day}");
                }
                other => panic!("{other:?}"),
            },
            other => panic!("{other:?}"),
        }
        // Before leaving, with the absence ahead: the 4 jars last past it.
        let mut h = household(20, 2, 4);
        h.calendar.away.push(crate::household::Away {
            from: Day(20),
            to: Day(26),
        });
        match evaluate(&h, YOGURT, &config, at_end_of(19), false) {
            Err(NoNeed::EnoughStock { days_to_empty }) => {
                assert!(days_to_empty > 7.0, "{days_to_empty}");
            }
            other => panic!("{other:?}"),
        }
    }

    #[test]
    fn bread_is_ordered_for_its_shelf_life_not_for_a_week() {
        // A student eating about 0.68 loaves a day (two loaves every three
        // days), one left.
        let bread = "food/bakery/bread";
        let mut h = Household::new("h", "EUR");
        for d in 0..30 {
            if d % 3 != 2 {
                h.events.push(ConsumptionEvent {
                    category: bread.into(),
                    amount: 1,
                    unit: Unit::Piece,
                    at: Timestamp::at(Day(d), 8),
                });
            }
        }
        h.inventory.push(InventorySnapshot {
            category: bread.into(),
            amount: 1,
            unit: Unit::Piece,
            at: Timestamp::at(Day(29), 20),
        });
        let need = evaluate(
            &h,
            bread,
            &ReplenishmentConfig::default(),
            at_end_of(29),
            false,
        )
        .unwrap();
        assert!(need.quantity.amount <= 3, "{:?}", need.quantity);
        let NeedReason::Replenishment { horizon_days, .. } = need.reason else {
            panic!("{:?}", need.reason)
        };
        assert_eq!(horizon_days, 3);
    }

    #[test]
    fn low_stock_raises_a_need_with_its_numbers() {
        let h = household(20, 2, 4);
        let need = evaluate(
            &h,
            YOGURT,
            &ReplenishmentConfig::default(),
            at_end_of(19),
            false,
        )
        .unwrap();
        assert_eq!(
            need.quantity,
            Quantity {
                amount: 14,
                unit: Unit::Piece
            }
        );
        match need.reason {
            NeedReason::Replenishment {
                days_to_empty,
                stockout_day,
                rate_per_day,
                ..
            } => {
                assert!((rate_per_day - 2.0).abs() < 1e-6);
                // Four jars at two a day: the last is taken on the second
                // day (3.5 of 4 used by its end, with the half-unit
                // continuity correction).
                assert!((days_to_empty - 1.75).abs() < 1e-6, "{days_to_empty}");
                assert_eq!(stockout_day, Day(21));
            }
            other => panic!("{other:?}"),
        }
    }

    #[test]
    fn intermittent_stockouts_use_the_median_day() {
        // One loaf left, bread on 40% of days: half the time it is gone
        // within two days (the mean, 2.5 days, would say three).
        assert_eq!(median_days_to_empty(1.0, 0.4, 1.0), 2);
        assert_eq!(median_days_to_empty(0.0, 0.4, 1.0), 0);
        assert_eq!(median_days_to_empty(3.0, 1.0, 1.0), 3);
    }

    #[test]
    fn enough_stock_short_history_in_flight_and_stopped_raise_nothing() {
        let config = ReplenishmentConfig::default();
        let h = household(20, 2, 40);
        assert!(matches!(
            evaluate(&h, YOGURT, &config, at_end_of(19), false),
            Err(NoNeed::EnoughStock { .. })
        ));
        let h = household(4, 2, 1);
        assert!(matches!(
            evaluate(&h, YOGURT, &config, at_end_of(3), false),
            Err(NoNeed::TooLittleHistory { .. })
        ));
        let h = household(20, 2, 1);
        assert_eq!(
            evaluate(&h, YOGURT, &config, at_end_of(19), true),
            Err(NoNeed::OrderInFlight)
        );
        // Three days later, with no use since: consumption stopped.
        assert!(matches!(
            evaluate(&h, YOGURT, &config, at_end_of(22), false),
            Err(NoNeed::ConsumptionStopped { days_since_use: 3 })
        ));
    }
}
