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
//!
//! Each smoothed quantity (the level, TSB's probability and size) uses the
//! smoothing constant that best predicts the household's own history one
//! day ahead, as ETS fits its own: a small one (or the plain mean) on
//! steady use, a larger one when use moves. TSB's probability is never the
//! plain mean, so it still falls on its own when use stops.
//!
//! Real households are not the generator this was first tuned on, so three
//! patterns are handled explicitly:
//! - **Gaps.** A run of days without use that would happen by chance less
//!   than once in a hundred times (given how often the household uses the
//!   thing), followed by use again, was an absence (a holiday, a week at
//!   the grandparents'): those days are left out, as censored days are, so
//!   the rate does not collapse and recovers at once on return. Days the
//!   household declared away are left out the same way.
//! - **Stops.** Consumption has stopped only once the current run without
//!   use is that unlikely ([`RateEstimate::stop_after_days`]): bread eaten
//!   on two days in five is not "stopped" after four days without it.
//! - **The week.** Daily use often peaks at weekends: a weekday profile
//!   (each weekday's mean use over the overall mean, shrunk towards 1 when
//!   there are few weeks) is estimated, the level is smoothed on
//!   de-seasonalised use, and stock is projected day by day with the
//!   profile.

use serde::{Deserialize, Serialize};

use vitrine_types::time::Day;

/// Smoothing constant when a history is too short to choose one.
const ALPHA: f64 = 0.1;
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
    /// Use on each weekday relative to the mean (index: [`weekday`]); all 1
    /// for intermittent use or too little history.
    pub weekday_factors: [f64; 7],
    /// Days without use after which consumption counts as stopped: a run
    /// that long happens by chance less than once in a hundred times.
    pub stop_after_days: u32,
    /// Days left out as an absence (a long gap, then use again).
    pub absent_days: u32,
}

/// A day's index in the week (0 to 6; the same weekday, the same index).
pub fn weekday(day: Day) -> usize {
    day.0.rem_euclid(7) as usize
}

/// Chance that a run of days without use is accepted as ordinary.
const GAP_CHANCE: f64 = 0.002;
/// Weeks of history a weekday needs before its factor counts fully; fewer
/// shrink it towards 1.
const PROFILE_PRIOR_WEEKS: f64 = 0.0;
/// Least observed days before a weekday profile is estimated.
const PROFILE_MIN_DAYS: usize = 21;
/// The F statistic (weekday means against the noise within weekdays) above
/// which the weekly pattern is real: about the 1% critical value of
/// F(6, 30).
const PROFILE_MIN_F: f64 = 2.5;
/// The smoothing constants tried for the level; the one with the least
/// one-step-ahead squared error on the history is used (as ETS fits its
/// own): small on steady use, larger when use moves.
const ALPHAS: [f64; 7] = [0.01, 0.03, 0.05, 0.1, 0.15, 0.2, 0.3];

/// How the level is smoothed: a constant of [`ALPHAS`], or the mean of
/// every day so far (best on use that does not move).
#[derive(Debug, Clone, Copy, PartialEq)]
enum Smoothing {
    Alpha(f64),
    Mean,
}

impl Smoothing {
    /// The level after each value, from `start`.
    fn levels(self, start: f64, values: &[f64]) -> impl Iterator<Item = f64> + '_ {
        let mut level = start;
        values.iter().enumerate().map(move |(k, x)| {
            let weight = match self {
                Smoothing::Alpha(alpha) => alpha,
                Smoothing::Mean => 1.0 / (k + 1) as f64,
            };
            level += weight * (x - level);
            level
        })
    }
}

/// The smoothing constants tried for TSB's probability that a day has
/// use: never the plain mean, nor so small, that the probability would not
/// fall on its own when use stops.
const PROBABILITY_ALPHAS: [f64; 5] = [0.05, 0.1, 0.15, 0.2, 0.3];

/// The smoothings tried for a level: every constant of [`ALPHAS`] and the
/// mean.
fn level_smoothings() -> impl Iterator<Item = Smoothing> {
    ALPHAS
        .into_iter()
        .map(Smoothing::Alpha)
        .chain([Smoothing::Mean])
}

/// The smoothing of `candidates` that best predicts each observed day from
/// the days before (after a week's warm-up), and the level it ends on.
fn smoothed_level(values: &[f64], candidates: impl Iterator<Item = Smoothing>) -> (Smoothing, f64) {
    let warm = values.len().min(7);
    let start = values[..warm].iter().sum::<f64>() / warm.max(1) as f64;
    let fit = |smoothing: Smoothing| {
        let mut sse = 0.0;
        let mut before = start;
        let mut last = start;
        for (k, (x, level)) in values
            .iter()
            .zip(smoothing.levels(start, values))
            .enumerate()
        {
            if k >= warm {
                sse += (x - before).powi(2);
            }
            before = level;
            last = level;
        }
        (sse, last)
    };
    candidates
        .map(|s| (s, fit(s)))
        .min_by(|a, b| a.1.0.total_cmp(&b.1.0))
        .map_or((Smoothing::Alpha(ALPHA), start), |(s, (_, level))| {
            (s, level)
        })
}

/// The longest run of days without use that happens by chance more than
/// once in a hundred times when a day has use with probability `p`.
fn unlikely_gap(p: f64) -> u32 {
    let p = p.clamp(0.01, 0.999);
    (GAP_CHANCE.ln() / (1.0 - p).ln()).ceil().max(1.0) as u32
}

/// Leaves out (as `None`) every run of observed days without use longer
/// than what chance explains, when use resumed after it. Returns how many
/// days were left out.
fn drop_absences(series: &mut [Option<f64>], threshold: u32) -> u32 {
    let mut dropped = 0;
    let mut run: Vec<usize> = Vec::new();
    let mut seen_use = false;
    for i in 0..series.len() {
        match series[i] {
            Some(x) if x > 0.0 => {
                if seen_use && run.len() as u32 > threshold {
                    for &j in &run {
                        series[j] = None;
                    }
                    dropped += run.len() as u32;
                }
                run.clear();
                seen_use = true;
            }
            Some(_) => run.push(i),
            None => {}
        }
    }
    dropped
}

/// Each weekday's mean use over the overall mean, shrunk towards 1.
fn weekday_profile(series: &[Option<f64>], first_day: Day) -> [f64; 7] {
    let mut sums = [0.0; 7];
    let mut counts = [0usize; 7];
    for (i, x) in series.iter().enumerate() {
        if let Some(x) = x {
            let w = weekday(first_day.plus(i as i32));
            sums[w] += x;
            counts[w] += 1;
        }
    }
    let total: usize = counts.iter().sum();
    let mean = sums.iter().sum::<f64>() / total.max(1) as f64;
    if total < PROFILE_MIN_DAYS || mean <= 0.0 {
        return [1.0; 7];
    }
    // Only a weekly pattern that noise does not explain (a one-way
    // analysis of variance by weekday) shapes the forecast.
    let mut within = 0.0;
    for (i, x) in series.iter().enumerate() {
        if let Some(x) = x {
            let w = weekday(first_day.plus(i as i32));
            within += (x - sums[w] / counts[w] as f64).powi(2);
        }
    }
    let between: f64 = (0..7)
        .filter(|w| counts[*w] > 0)
        .map(|w| counts[w] as f64 * (sums[w] / counts[w] as f64 - mean).powi(2))
        .sum();
    let groups = counts.iter().filter(|c| **c > 0).count();
    let f = (between / (groups.saturating_sub(1)).max(1) as f64)
        / (within / (total.saturating_sub(groups)).max(1) as f64).max(f64::EPSILON);
    if f < PROFILE_MIN_F {
        return [1.0; 7];
    }
    let mut factors = [1.0; 7];
    for w in 0..7 {
        if counts[w] == 0 {
            continue;
        }
        let raw = sums[w] / counts[w] as f64 / mean;
        let n = counts[w] as f64;
        factors[w] = (n * raw + PROFILE_PRIOR_WEEKS) / (n + PROFILE_PRIOR_WEEKS);
    }
    // Normalised so that a week's use is unchanged.
    let average = factors.iter().sum::<f64>() / 7.0;
    factors.map(|f| f / average)
}

/// Estimates the rate from daily demand `series`, whose first element is
/// `first_day` and last is today; `None` marks a censored day (the shelf was
/// empty, so use was capped) that is skipped. `None` when no day has demand.
pub(crate) fn estimate(series: &[Option<f64>], first_day: Day) -> Option<RateEstimate> {
    let mut series = series.to_vec();
    let use_probability = |series: &[Option<f64>]| {
        let observed = series.iter().flatten().count().max(1) as f64;
        series.iter().flatten().filter(|x| **x > 0.0).count() as f64 / observed
    };
    let threshold = unlikely_gap(use_probability(&series));
    let absent_days = drop_absences(&mut series, threshold);
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
    let intermittent = adi > INTERMITTENT_ADI;
    let factors = if intermittent {
        [1.0; 7]
    } else {
        weekday_profile(&series[first..], first_day.plus(first as i32))
    };
    let at = |i: usize| weekday(first_day.plus(i as i32));

    let level;
    let size;
    let probability;

    let deseasonalised: Vec<f64> = series[first..]
        .iter()
        .enumerate()
        .filter_map(|(k, x)| x.map(|x| x / factors[at(first + k)]))
        .collect();
    (_, level) = smoothed_level(&deseasonalised, level_smoothings());
    // TSB's two parts, each smoothed as the level is (the constant that
    // best predicts the history): whether a day has use, and how much.
    let used: Vec<f64> = series[first..]
        .iter()
        .flatten()
        .map(|x| if *x > 0.0 { 1.0 } else { 0.0 })
        .collect();
    let sizes: Vec<f64> = series[first..]
        .iter()
        .flatten()
        .copied()
        .filter(|x| *x > 0.0)
        .collect();
    (_, probability) = smoothed_level(&used, PROBABILITY_ALPHAS.into_iter().map(Smoothing::Alpha));
    (_, size) = smoothed_level(&sizes, level_smoothings());
    let ses_per_day = level.max(0.0);
    let tsb_per_day = (probability * size).max(0.0);
    let method = if intermittent {
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
        weekday_factors: factors,
        // How often a day has use is judged up to the last use: the run
        // since is what is being judged.
        stop_after_days: unlikely_gap(
            demand_days.len() as f64 / series[first..=last].iter().flatten().count().max(1) as f64,
        )
        .max(adi.round() as u32),
        absent_days,
    })
}

/// Days (fractional) until use per day `per_day`, shaped by the weekday
/// `factors` and nothing used on `away` days, consumes `stock`, counting
/// from the day after `today`; `None` beyond `horizon` days.
pub(crate) fn days_to_empty(
    stock: f64,
    per_day: f64,
    factors: &[f64; 7],
    today: Day,
    away: &dyn Fn(Day) -> bool,
    horizon: i32,
) -> Option<f64> {
    if stock <= 0.0 {
        return Some(0.0);
    }
    if per_day <= 0.0 {
        return None;
    }
    let mut left = stock;
    for k in 1..=horizon {
        let day = today.plus(k);
        if away(day) {
            continue;
        }
        let used = per_day * factors[weekday(day)];
        if used >= left {
            return Some(f64::from(k - 1) + left / used);
        }
        left -= used;
    }
    None
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
        series.extend(std::iter::repeat_n(Some(0.0), 20));
        let after = estimate(&series, Day(0)).unwrap();
        // The probability falls on its own (it is never smoothed as a plain
        // mean), and the run without use is past the stop threshold.
        assert!(after.tsb_per_day < before.tsb_per_day * 0.25, "{after:?}");
        assert!(20 > after.stop_after_days, "{after:?}");
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
    fn a_long_gap_followed_by_use_is_an_absence_and_does_not_collapse_the_rate() {
        let mut series = vec![Some(2.0); 30];
        series.extend(vec![Some(0.0); 14]);
        series.extend(vec![Some(2.0); 2]);
        let r = estimate(&series, Day(0)).unwrap();
        assert_eq!(r.absent_days, 14);
        assert!((r.per_day - 2.0).abs() < 1e-9, "{}", r.per_day);
        assert_eq!(r.method, RateMethod::ExponentialSmoothing);
    }

    #[test]
    fn intermittent_use_is_not_stopped_by_an_ordinary_run_without_it() {
        // Bread on two days in five: four days without it happen often.
        let series: Vec<Option<f64>> = (0..60)
            .map(|d| Some(if d % 5 == 0 || d % 5 == 2 { 1.0 } else { 0.0 }))
            .collect();
        let r = estimate(&series, Day(0)).unwrap();
        assert!(r.stop_after_days >= 9, "{}", r.stop_after_days);
        // Daily use: two days without is already unlikely.
        let daily = estimate(&[Some(1.0); 30], Day(0)).unwrap();
        assert!(daily.stop_after_days <= 2, "{}", daily.stop_after_days);
    }

    #[test]
    fn weekend_peaks_give_a_weekday_profile_and_the_projection_follows_it() {
        // Twice the use on two days of the week.
        let peak = |d: i32| weekday(Day(d)) >= 5;
        let series: Vec<Option<f64>> = (0..56)
            .map(|d| Some(if peak(d) { 4.0 } else { 2.0 }))
            .collect();
        let r = estimate(&series, Day(0)).unwrap();
        let (hi, lo) = (r.weekday_factors[5], r.weekday_factors[0]);
        assert!(hi > 1.4 * lo, "{:?}", r.weekday_factors);
        // Stock for the next peak days only: it runs out on the peak, not after.
        let today = (0..7).map(Day).find(|d| weekday(*d) == 4).unwrap();
        let need = r.per_day * (r.weekday_factors[5] + r.weekday_factors[6]);
        let days =
            days_to_empty(need, r.per_day, &r.weekday_factors, today, &|_| false, 30).unwrap();
        assert!((days - 2.0).abs() < 0.05, "{days}");
        // Away days use nothing.
        let away = |d: Day| d == today.plus(1);
        let days = days_to_empty(need, r.per_day, &r.weekday_factors, today, &away, 30).unwrap();
        assert!(days > 2.0, "{days}");
    }

    #[test]
    fn no_demand_gives_no_estimate() {
        assert!(estimate(&[Some(0.0); 10], Day(0)).is_none());
        assert!(estimate(&[], Day(0)).is_none());
    }
}
