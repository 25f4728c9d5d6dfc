//! Synthetic households with known consumption, to measure the needs
//! engine: every day each household consumes (with noise, skipped days, and
//! in some categories a stop), its fridge reports the stock in the evening,
//! the engine runs, and a need is delivered after the lead time.
//!
//! For each need raised, the predicted stock-out day is compared with the
//! true one: the first day on which the household's actual future demand
//! (generated in advance, so known to the generator) exceeds the stock it had
//! when the need was raised. Needs raised after consumption stopped are
//! counted separately. `vitrine-bench needs-accuracy --seed N` prints the report.

use std::collections::BTreeMap;

use rand::{Rng, SeedableRng};
use rand_chacha::ChaCha8Rng;
use serde::Serialize;

use super::replenishment::ReplenishmentConfig;
use super::{NeedHistory, NeedReason, NeedsEngine};
use crate::household::{ConsumptionEvent, Household, InventorySnapshot, Purchase};
use vitrine_types::Unit;
use vitrine_types::time::{Day, Timestamp};

/// How the synthetic world is generated.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct SyntheticConfig {
    /// The generator's seed.
    pub seed: u64,
    /// Households simulated.
    pub households: usize,
    /// Days simulated.
    pub days: i32,
    /// Relative standard deviation of a day's demand. Default 0.15.
    pub noise: f64,
    /// Probability that a day has no use at all. Default 0.1.
    pub skip_probability: f64,
    /// Probability that a category stops being used during the run.
    /// Default 0.3.
    pub stop_probability: f64,
}

impl Default for SyntheticConfig {
    fn default() -> Self {
        SyntheticConfig {
            seed: 7,
            households: 50,
            days: 120,
            noise: 0.15,
            skip_probability: 0.1,
            stop_probability: 0.3,
        }
    }
}

/// A category's true consumption pattern.
#[derive(Debug, Clone, Copy)]
struct Pattern {
    category: &'static str,
    unit: Unit,
    /// Mean use on a day with use.
    amount: f64,
    /// Probability a day has use (before skips).
    use_probability: f64,
}

const PATTERNS: [Pattern; 3] = [
    Pattern {
        category: "food/dairy/yogurt",
        unit: Unit::Piece,
        amount: 2.0,
        use_probability: 1.0,
    },
    Pattern {
        category: "food/dairy/milk",
        unit: Unit::Millilitre,
        amount: 350.0,
        use_probability: 1.0,
    },
    Pattern {
        category: "food/bakery/bread",
        unit: Unit::Piece,
        amount: 1.0,
        use_probability: 0.4,
    },
];

/// The accuracy figures.
#[derive(Debug, Clone, Serialize)]
pub struct AccuracyReport {
    /// The world's parameters, seed included.
    pub config: SyntheticConfig,
    /// Replenishment needs raised.
    pub needs: usize,
    /// Needs whose predicted stock-out was within ±1 day of the truth.
    pub within_one_day: usize,
    /// `within_one_day / needs`.
    pub share_within_one_day: f64,
    /// Mean absolute error, days (needs whose stock never ran out are
    /// excluded).
    pub mean_absolute_error_days: f64,
    /// Needs raised while the stock would never run out (the household
    /// stopped soon after).
    pub never_ran_out: usize,
    /// Needs raised after consumption had stopped for longer than the
    /// category's usual interval: must be 0.
    pub after_stop: usize,
    /// Needs raised between the stop and the end of the usual interval
    /// (indistinguishable from an ordinary day without use).
    pub during_stop_detection: usize,
    /// Categories that stopped during the run.
    pub stops: usize,
    /// Signed error (predicted − true, days) → number of needs.
    pub error_histogram: BTreeMap<i32, usize>,
    /// Per category: (needs, within ±1 day).
    pub per_category: BTreeMap<String, (usize, usize)>,
}

/// Runs the simulation and measures the engine.
pub fn run_accuracy(config: SyntheticConfig, replenishment: ReplenishmentConfig) -> AccuracyReport {
    let mut rng = ChaCha8Rng::seed_from_u64(config.seed);
    let engine = NeedsEngine {
        replenishment,
        ..NeedsEngine::default()
    };
    let start = Day::from_ymd(2026, 1, 5).expect("valid date");
    let mut report = AccuracyReport {
        config,
        needs: 0,
        within_one_day: 0,
        share_within_one_day: 0.0,
        mean_absolute_error_days: 0.0,
        never_ran_out: 0,
        after_stop: 0,
        during_stop_detection: 0,
        stops: 0,
        error_histogram: BTreeMap::new(),
        per_category: BTreeMap::new(),
    };
    let mut total_error = 0.0;
    let mut measured = 0usize;

    for h in 0..config.households {
        let mut household = Household::new(format!("synthetic-{h}"), "EUR");
        let mut history = NeedHistory::default();
        // Per category: true demand for every day, stop day, stock.
        let mut worlds: Vec<(Pattern, Vec<u32>, Option<i32>, u64)> = PATTERNS
            .iter()
            .map(|p| {
                let scale = rng.random_range(0.6..1.6);
                let stop = rng
                    .random_bool(config.stop_probability)
                    .then(|| rng.random_range(config.days * 2 / 5..config.days * 4 / 5));
                let demand = (0..config.days)
                    .map(|d| {
                        let stopped = stop.is_some_and(|s| d >= s);
                        if stopped
                            || rng.random_bool(config.skip_probability)
                            || !rng.random_bool(p.use_probability)
                        {
                            return 0;
                        }
                        let z: f64 = normal(&mut rng);
                        (p.amount * scale * (1.0 + config.noise * z))
                            .round()
                            .max(1.0) as u32
                    })
                    .collect();
                let stock =
                    (p.amount * scale * p.use_probability * rng.random_range(4.0..12.0)) as u64;
                (*p, demand, stop, stock)
            })
            .collect();
        report.stops += worlds.iter().filter(|w| w.2.is_some()).count();
        // Deliveries: (arrival day, category index, amount).
        let mut deliveries: Vec<(i32, usize, u32)> = Vec::new();

        for d in 0..config.days {
            let day = start.plus(d);
            for (i, (pattern, demand, _, stock)) in worlds.iter_mut().enumerate() {
                for &(arrival, _, amount) in deliveries.iter().filter(|x| x.0 == d && x.1 == i) {
                    *stock += u64::from(amount);
                    household.purchases.push(Purchase {
                        category: pattern.category.into(),
                        amount,
                        unit: pattern.unit,
                        price_minor: 100,
                        brand: None,
                        at: Timestamp::at(start.plus(arrival), 7),
                    });
                    history.in_flight.remove(pattern.category);
                }
                let used = u64::from(demand[d as usize]).min(*stock);
                if used > 0 {
                    *stock -= used;
                    household.events.push(ConsumptionEvent {
                        category: pattern.category.into(),
                        amount: used as u32,
                        unit: pattern.unit,
                        at: Timestamp::at(day, 12),
                    });
                }
                household.inventory.push(InventorySnapshot {
                    category: pattern.category.into(),
                    amount: *stock as u32,
                    unit: pattern.unit,
                    at: Timestamp::at(day, 21),
                });
            }
            let now = Timestamp::at(day, 22);
            for need in engine.evaluate(&household, now, &history) {
                let NeedReason::Replenishment { stockout_day, .. } = need.reason else {
                    continue;
                };
                let i = PATTERNS
                    .iter()
                    .position(|p| p.category == need.category)
                    .expect("known");
                let (pattern, demand, stop, stock) = &worlds[i];
                report.needs += 1;
                let entry = report
                    .per_category
                    .entry(need.category.clone())
                    .or_default();
                entry.0 += 1;
                if let Some(s) = stop {
                    let usual = (1.0 / pattern.use_probability).round() as i32;
                    if d > s + usual {
                        report.after_stop += 1;
                    } else if d >= *s {
                        report.during_stop_detection += 1;
                    }
                }
                match true_stockout(demand, d, *stock) {
                    Some(t) => {
                        let error = stockout_day.since(start) - t;
                        total_error += f64::from(error.abs());
                        *report
                            .error_histogram
                            .entry(error.clamp(-5, 5))
                            .or_default() += 1;
                        measured += 1;
                        if error.abs() <= 1 {
                            report.within_one_day += 1;
                            entry.1 += 1;
                        }
                    }
                    None => report.never_ran_out += 1,
                }
                let arrival = d + i32::from(engine.replenishment.lead_time_days);
                deliveries.push((arrival, i, need.quantity.amount));
                history.in_flight.insert(need.category.clone());
                history.record(&need);
            }
        }
    }
    report.share_within_one_day = report.within_one_day as f64 / report.needs.max(1) as f64;
    report.mean_absolute_error_days = total_error / measured.max(1) as f64;
    report
}

/// The first day after `today` on which cumulative true demand reaches
/// `stock` (counterfactual: no delivery arrives).
fn true_stockout(demand: &[u32], today: i32, stock: u64) -> Option<i32> {
    let mut used = 0u64;
    if stock == 0 {
        return Some(today);
    }
    for (d, amount) in demand.iter().enumerate().skip(today as usize + 1) {
        used += u64::from(*amount);
        if used >= stock {
            return Some(d as i32);
        }
    }
    None
}

/// A standard normal draw (Box-Muller), clamped to ±3.
fn normal(rng: &mut impl Rng) -> f64 {
    let u1: f64 = rng.random_range(f64::EPSILON..1.0);
    let u2: f64 = rng.random();
    ((-2.0 * u1.ln()).sqrt() * (2.0 * std::f64::consts::PI * u2).cos()).clamp(-3.0, 3.0)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_true_stockout_is_the_day_cumulative_demand_reaches_the_stock() {
        assert_eq!(true_stockout(&[2, 2, 2, 2, 2], 0, 4), Some(2));
        assert_eq!(true_stockout(&[2, 2, 0, 0, 0], 0, 4), None);
        assert_eq!(true_stockout(&[2, 2], 0, 0), Some(0));
    }
}

#[cfg(test)]
mod accuracy {
    use super::*;

    #[test]
    fn stockouts_are_predicted_within_a_day_for_nine_needs_in_ten_and_none_after_a_stop() {
        let r = run_accuracy(SyntheticConfig::default(), ReplenishmentConfig::default());
        assert!(r.needs > 500, "{}", r.needs);
        assert!(r.share_within_one_day >= 0.90, "{r:#?}");
        assert_eq!(r.after_stop, 0, "{r:#?}");
        assert!(r.stops > 0, "the world includes stops");
    }

    #[test]
    fn the_accuracy_holds_across_seeds_not_only_the_documented_one() {
        let (mut needs, mut within) = (0, 0);
        for seed in 1..=8 {
            let r = run_accuracy(
                SyntheticConfig {
                    seed,
                    households: 25,
                    ..SyntheticConfig::default()
                },
                ReplenishmentConfig::default(),
            );
            assert_eq!(r.after_stop, 0, "seed {seed}");
            needs += r.needs;
            within += r.within_one_day;
        }
        assert!(within as f64 / needs as f64 >= 0.90, "{within} of {needs}");
    }
}
