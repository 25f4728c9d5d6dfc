//! Differentially private counts for brand reports.
//!
//! **What is protected.** The unit of privacy is one household's whole
//! participation in one brand's report for one day. Each household counts
//! for at most [`PrivacyConfig::max_auctions_per_household`] of that
//! brand's auctions that day (the rest are left out of the counts), and one
//! auction changes the brand's cells (requests seen, offers, one win or one
//! loss reason) by at most `max_offers_per_auction + 2` in L1. So the
//! sensitivity of a day's report to one household is
//! `Δ = max_auctions_per_household × (max_offers_per_auction + 2)`
//! (20 with the defaults).
//!
//! **The noise.** Each cell gets discrete Laplace noise of scale Δ/ε
//! (P[Z = z] ∝ exp(−ε·|z|/Δ)), which makes the whole report ε-DP for one
//! household's day. It is drawn with an exact integer sampler (Canonne,
//! Kamath and Steinke 2020, "The Discrete Gaussian for Differential
//! Privacy", algorithms 1 and 2: only integer arithmetic and uniform
//! integers, no floating-point inverse CDF whose rounding leaks) from the
//! operating system's CSPRNG, never from a seed: two servers never draw the
//! same noise, and a brand cannot subtract it. Noisy cells under
//! `suppress_below` are withheld.
//!
//! **The budgets.** A brand's report for a day is issued once, spending
//! `epsilon_per_brand_per_day`, then returned as stored. A household also
//! has a budget per brand over time: once the reports a household counted
//! in, for one brand, spent [`PrivacyConfig::epsilon_per_household`] within
//! [`PrivacyConfig::household_window_days`], it stops counting in that
//! brand's reports until the window moves on. The spend per household is
//! kept in the store.

use rand::{Rng, RngCore, TryRngCore};
use serde::{Deserialize, Serialize};

/// Privacy settings.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct PrivacyConfig {
    /// ε a brand's report for one day spends. Default 1.0.
    pub epsilon_per_brand_per_day: f64,
    /// Cells whose noisy count is below this are suppressed. Default 5.
    pub suppress_below: u64,
    /// Offers one auction can add to a brand's count. Default 3.
    pub max_offers_per_auction: u64,
    /// Auctions of one household counted in one brand's report for a day;
    /// the rest are left out. Default 4.
    pub max_auctions_per_household: u64,
    /// ε one household may spend in one brand's reports over the window;
    /// past it, it is left out of that brand's reports. Default 10.
    pub epsilon_per_household: f64,
    /// The window of that budget, in days. Default 30.
    pub household_window_days: i32,
}

impl Default for PrivacyConfig {
    fn default() -> Self {
        PrivacyConfig {
            epsilon_per_brand_per_day: 1.0,
            suppress_below: 5,
            max_offers_per_auction: 3,
            max_auctions_per_household: 4,
            epsilon_per_household: 10.0,
            household_window_days: 30,
        }
    }
}

impl PrivacyConfig {
    /// Δ: the L1 change one household's day can cause across a brand's
    /// cells.
    pub fn sensitivity(&self) -> u64 {
        self.max_auctions_per_household
            .max(1)
            .saturating_mul(self.max_offers_per_auction.saturating_add(2))
    }
}

/// ε as a rational `numerator / 1000` (ε is configured to a thousandth).
pub fn epsilon_thousandths(epsilon: f64) -> u64 {
    (epsilon * 1_000.0).round().clamp(1.0, 1.0e9) as u64
}

/// The operating system's CSPRNG.
pub fn os_rng() -> impl RngCore {
    rand::rngs::OsRng.unwrap_err()
}

/// An exact Bernoulli(`num / den`) draw.
fn bernoulli(rng: &mut impl Rng, num: u64, den: u64) -> bool {
    rng.random_range(0..den) < num
}

/// An exact Bernoulli(exp(−`num / den`)) draw (CKS algorithm 1).
fn bernoulli_exp(rng: &mut impl Rng, num: u64, den: u64) -> bool {
    if num <= den {
        // K is the first k with a failed Bernoulli(γ/k); exp(−γ) = P[K odd].
        let mut k: u64 = 1;
        loop {
            match den.checked_mul(k) {
                Some(d) if bernoulli(rng, num, d) => k += 1,
                _ => break,
            }
        }
        k % 2 == 1
    } else {
        for _ in 0..num / den {
            if !bernoulli_exp(rng, 1, 1) {
                return false;
            }
        }
        bernoulli_exp(rng, num % den, den)
    }
}

/// An exact draw of the discrete Laplace distribution of scale `t / s`:
/// P[Z = z] ∝ exp(−s·|z| / t) (CKS algorithm 2).
pub fn discrete_laplace(rng: &mut impl Rng, t: u64, s: u64) -> i64 {
    let (t, s) = (t.max(1), s.max(1));
    loop {
        let u = rng.random_range(0..t);
        if !bernoulli_exp(rng, u, t) {
            continue;
        }
        let mut v: u64 = 0;
        while bernoulli_exp(rng, 1, 1) {
            v += 1;
        }
        let x = u.saturating_add(t.saturating_mul(v));
        let y = (x / s) as i64;
        let negative = rng.random::<bool>();
        if negative && y == 0 {
            continue;
        }
        return if negative { -y } else { y };
    }
}

/// `count` with discrete Laplace noise of scale Δ/ε, clamped at 0, and
/// suppressed (None) below `threshold`.
pub fn noisy_count(
    rng: &mut impl Rng,
    count: u64,
    sensitivity: u64,
    epsilon: f64,
    threshold: u64,
) -> Option<u64> {
    let noise = discrete_laplace(
        rng,
        sensitivity.saturating_mul(1_000),
        epsilon_thousandths(epsilon),
    );
    let noisy = (count as i64).saturating_add(noise).max(0) as u64;
    (noisy >= threshold).then_some(noisy)
}

#[cfg(test)]
mod tests {
    use super::*;
    use rand::SeedableRng;
    use rand_chacha::ChaCha8Rng;

    #[test]
    fn the_exact_sampler_has_the_discrete_laplace_shape() {
        // Scale 5: P[Z = z] ∝ exp(−|z|/5); E|Z| = 2q/(1−q²) with q = e^(−1/5).
        let mut rng = ChaCha8Rng::seed_from_u64(1);
        let n = 40_000;
        let draws: Vec<i64> = (0..n).map(|_| discrete_laplace(&mut rng, 5, 1)).collect();
        let mean = draws.iter().sum::<i64>() as f64 / n as f64;
        let mean_abs = draws.iter().map(|x| x.abs()).sum::<i64>() as f64 / n as f64;
        let q = (-0.2f64).exp();
        let expected = 2.0 * q / (1.0 - q * q);
        assert!(mean.abs() < 0.15, "mean {mean}");
        assert!(
            (mean_abs - expected).abs() < 0.15,
            "{mean_abs} vs {expected}"
        );
        // Symmetric, and zero as likely as theory says: (1−q)/(1+q).
        let zeros = draws.iter().filter(|x| **x == 0).count() as f64 / n as f64;
        assert!((zeros - (1.0 - q) / (1.0 + q)).abs() < 0.01, "{zeros}");
    }

    #[test]
    fn bernoulli_exp_is_exact_in_the_mean() {
        let mut rng = ChaCha8Rng::seed_from_u64(2);
        for (num, den) in [(1, 2), (3, 2), (0, 1), (5, 1)] {
            let n = 20_000;
            let hits = (0..n).filter(|_| bernoulli_exp(&mut rng, num, den)).count() as f64;
            let p = (-(num as f64) / den as f64).exp();
            assert!((hits / n as f64 - p).abs() < 0.01, "{num}/{den}");
        }
    }

    #[test]
    fn the_noise_comes_from_the_os_and_differs_between_draws() {
        let draw = || {
            let mut rng = os_rng();
            (0..32)
                .map(|_| discrete_laplace(&mut rng, 5_000, 1_000))
                .collect::<Vec<_>>()
        };
        assert_ne!(draw(), draw(), "two independent draws of 32 noises");
    }

    #[test]
    fn small_cells_are_suppressed_and_sensitivity_counts_every_auction() {
        let mut rng = ChaCha8Rng::seed_from_u64(3);
        let suppressed = (0..1_000)
            .filter(|_| noisy_count(&mut rng, 1, 1, 1_000.0, 5).is_none())
            .count();
        assert_eq!(suppressed, 1_000);
        assert_eq!(PrivacyConfig::default().sensitivity(), 20);
    }
}
