//! How fast a household uses something, estimated from its consumption
//! events.
//!
//! Two estimators run on the daily demand series:
//! - simple exponential smoothing (SES) of daily demand, for things used
//!   almost every day (yogurt, milk);
//! - TSB (Teunter, Syntetos & Babai 2011) for intermittent use (bread every
//!   two or three days): it smooths the probability that a day has demand
//!   and the size of a demand separately, and the probability decays on every
//!   day without demand, so the rate falls by itself when consumption stops
//!   (Croston's method does not).
//!
//! The method is chosen by the average demand interval (ADI): above 1.32 days
//! the series is intermittent (the Syntetos-Boylan cut-off) and TSB is used.

use serde::{Deserialize, Serialize};

use vitrine_types::time::Day;

/// Smoothing constant for demand levels and sizes.
pub(crate) const ALPHA: f64 = 0.1;
/// Smoothing constant for TSB's demand probability.
pub(crate) const BETA: f64 = 0.15;
/// Average demand interval above which a series counts as intermittent.
pub(crate) const INTERMITTENT_ADI: f64 = 1.32;

/// Which estimator produced a rate.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum RateMethod {
    /// Simple exponential smoothing of daily demand.
    ExponentialSmoothing,
    /// Teunter-Syntetos-Babai, for intermittent demand.
    Tsb,
}

/// A consumption rate with the numbers behind it.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct RateEstimate {
    /// Units per day.
    pub per_day: f64,
    /// The estimator used.
    pub method: RateMethod,
    /// SES's estimate, units per day.
    pub ses_per_day: f64,
    /// TSB's estimate, units per day.
    pub tsb_per_day: f64,
    /// TSB's smoothed probability that a day has demand.
    pub tsb_probability: f64,
    /// TSB's smoothed size of a demand.
    pub tsb_size: f64,
    /// Average days between days with demand.
    pub adi: f64,
    /// The longest run of days without demand between two demands.
    pub longest_gap_days: u32,
    /// Days of history.
    pub history_days: u32,
    /// Days with demand.
    pub demand_days: u32,
    /// The last day with demand.
    pub last_demand_day: Day,
}

/// Estimates the rate from daily demand `series`, whose first element is
/// `first_day` and last is today; `None` marks a censored day (the shelf was
/// empty, so use was capped) that is skipped. `None` when no day has demand.
pub(crate) fn estimate(series: &[Option<f64>], first_day: Day) -> Option<RateEstimate> {
    let demand_days: Vec<usize> = series
        .iter()
        .enumerate()
        .filter(|(_, x)| x.is_some_and(|x| x > 0.0))
        .map(|(i, _)| i)
        .collect();
    let last = *demand_days.last()?;
    let first = demand_days[0];
    // The interval is measured over the observed (uncensored) span.
    let span = series[first..].iter().filter(|x| x.is_some()).count() as f64;
    let adi = span / demand_days.len() as f64;
    let longest_gap_days = demand_days
        .windows(2)
        .map(|w| (w[1] - w[0] - 1) as u32)
        .max()
        .unwrap_or(0);

    // Initialise both estimators on the first week of observed use.
    let warmup: Vec<f64> = series[first..].iter().flatten().take(7).copied().collect();
    let mut level = warmup.iter().sum::<f64>() / warmup.len() as f64;
    let nonzero: Vec<f64> = warmup.iter().copied().filter(|x| *x > 0.0).collect();
    let mut size = nonzero.iter().sum::<f64>() / nonzero.len().max(1) as f64;
    let mut probability = nonzero.len() as f64 / warmup.len() as f64;

    for &x in series[first..].iter().flatten() {
        level += ALPHA * (x - level);
        if x > 0.0 {
            size += ALPHA * (x - size);
            probability += BETA * (1.0 - probability);
        } else {
            probability += BETA * (0.0 - probability);
        }
    }
    let ses_per_day = level.max(0.0);
    let tsb_per_day = (probability * size).max(0.0);
    let method = if adi > INTERMITTENT_ADI {
        RateMethod::Tsb
    } else {
        RateMethod::ExponentialSmoothing
    };
    Some(RateEstimate {
        per_day: match method {
            RateMethod::Tsb => tsb_per_day,
            RateMethod::ExponentialSmoothing => ses_per_day,
        },
        method,
        ses_per_day,
        tsb_per_day,
        tsb_probability: probability,
        tsb_size: size,
        adi,
        longest_gap_days,
        history_days: (series.len() - first) as u32,
        demand_days: demand_days.len() as u32,
        last_demand_day: first_day.plus(last as i32),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn steady_daily_use_is_smoothed() {
        let series = vec![Some(2.0); 30];
        let r = estimate(&series, Day(0)).unwrap();
        assert_eq!(r.method, RateMethod::ExponentialSmoothing);
        assert!((r.per_day - 2.0).abs() < 1e-9);
        assert_eq!(r.last_demand_day, Day(29));
        assert_eq!(r.longest_gap_days, 0);
    }

    #[test]
    fn intermittent_use_is_tsb_and_decays_after_a_stop() {
        let mut series: Vec<Option<f64>> = (0..30)
            .map(|d| Some(if d % 3 == 0 { 1.0 } else { 0.0 }))
            .collect();
        let before = estimate(&series, Day(0)).unwrap();
        assert_eq!(before.method, RateMethod::Tsb);
        assert!(
            (before.per_day - 1.0 / 3.0).abs() < 0.1,
            "{}",
            before.per_day
        );
        series.extend(std::iter::repeat_n(Some(0.0), 15));
        let after = estimate(&series, Day(0)).unwrap();
        assert!(after.tsb_per_day < before.tsb_per_day * 0.2, "{after:?}");
    }

    #[test]
    fn censored_days_do_not_drag_the_rate_down() {
        let mut series = vec![Some(2.0); 20];
        series.extend([None, None, None]);
        series.extend(vec![Some(2.0); 3]);
        let r = estimate(&series, Day(0)).unwrap();
        assert!((r.per_day - 2.0).abs() < 1e-9, "{}", r.per_day);
    }

    #[test]
    fn no_demand_gives_no_estimate() {
        assert!(estimate(&[Some(0.0); 10], Day(0)).is_none());
        assert!(estimate(&[], Day(0)).is_none());
    }
}
