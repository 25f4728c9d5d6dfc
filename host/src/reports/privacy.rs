//! Differentially private counts for brand reports.
//!
//! Each report cell (requests seen, offers, wins, each loss reason) is a
//! count released with Laplace noise of scale Δ/ε, where Δ bounds how much
//! one auction can change the whole vector of cells (one request, at most
//! `max_offers` offers, one win or one loss reason). Each report spends its ε
//! from the brand's daily budget; when the budget is spent, no more reports
//! for that day. Cells whose noisy value is under a threshold are suppressed.
//! The unit of privacy is one auction (event-level).

use rand::Rng;
use serde::{Deserialize, Serialize};

/// Privacy settings.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct PrivacyConfig {
    /// ε a brand may spend per day. Default 1.0.
    pub epsilon_per_brand_per_day: f64,
    /// Cells whose noisy count is below this are suppressed. Default 5.
    pub suppress_below: u64,
    /// Offers one auction can add to a brand's count (Δ = this + 2).
    pub max_offers_per_auction: u64,
}

impl Default for PrivacyConfig {
    fn default() -> Self {
        PrivacyConfig {
            epsilon_per_brand_per_day: 1.0,
            suppress_below: 5,
            max_offers_per_auction: 3,
        }
    }
}

impl PrivacyConfig {
    /// Δ: the L1 change one auction can cause across a brand's cells.
    pub fn sensitivity(&self) -> f64 {
        (self.max_offers_per_auction + 2) as f64
    }
}

/// A Laplace(0, scale) draw.
pub fn laplace(rng: &mut impl Rng, scale: f64) -> f64 {
    let u: f64 = rng.random_range(-0.5..0.5);
    -scale * u.signum() * (1.0 - 2.0 * u.abs()).max(f64::MIN_POSITIVE).ln()
}

/// A count with noise of scale `scale`, rounded, clamped at 0, and
/// suppressed (None) below `threshold`.
pub fn noisy_count(rng: &mut impl Rng, count: u64, scale: f64, threshold: u64) -> Option<u64> {
    let noisy = (count as f64 + laplace(rng, scale)).round().max(0.0) as u64;
    (noisy >= threshold).then_some(noisy)
}

#[cfg(test)]
mod tests {
    use super::*;
    use rand::SeedableRng;
    use rand_chacha::ChaCha8Rng;

    #[test]
    fn laplace_noise_has_the_expected_spread() {
        let mut rng = ChaCha8Rng::seed_from_u64(1);
        let n = 20_000;
        let draws: Vec<f64> = (0..n).map(|_| laplace(&mut rng, 5.0)).collect();
        let mean = draws.iter().sum::<f64>() / n as f64;
        let mean_abs = draws.iter().map(|x| x.abs()).sum::<f64>() / n as f64;
        assert!(mean.abs() < 0.2, "mean {mean}");
        // E|X| = scale for Laplace.
        assert!((mean_abs - 5.0).abs() < 0.2, "mean |x| {mean_abs}");
    }

    #[test]
    fn small_cells_are_suppressed() {
        let mut rng = ChaCha8Rng::seed_from_u64(2);
        let suppressed = (0..1_000)
            .filter(|_| noisy_count(&mut rng, 1, 0.01, 5).is_none())
            .count();
        assert_eq!(suppressed, 1_000);
        assert_eq!(noisy_count(&mut rng, 100, 0.01, 5), Some(100));
    }
}
