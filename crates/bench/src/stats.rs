//! Latency samples and their percentiles.

use std::time::{Duration, Instant};

use serde::Serialize;

/// Percentiles of a set of latency samples, in microseconds.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct Stats {
    /// Median.
    pub p50_us: f64,
    /// 90th percentile.
    pub p90_us: f64,
    /// 99th percentile.
    pub p99_us: f64,
    /// Mean.
    pub mean_us: f64,
    /// Number of samples.
    pub samples: usize,
}

impl Stats {
    /// Percentiles of `samples` (nearest-rank).
    pub fn of(samples: &mut [Duration]) -> Stats {
        assert!(!samples.is_empty(), "no samples");
        samples.sort_unstable();
        let rank = |q: f64| {
            let index = ((q * samples.len() as f64).ceil() as usize).clamp(1, samples.len()) - 1;
            micros(samples[index])
        };
        let total: Duration = samples.iter().sum();
        Stats {
            p50_us: rank(0.50),
            p90_us: rank(0.90),
            p99_us: rank(0.99),
            mean_us: micros(total) / samples.len() as f64,
            samples: samples.len(),
        }
    }
}

fn micros(d: Duration) -> f64 {
    d.as_nanos() as f64 / 1_000.0
}

/// Times `f` once.
pub fn time<R>(f: impl FnOnce() -> R) -> (R, Duration) {
    let started = Instant::now();
    let result = f();
    (result, started.elapsed())
}

/// One contender's results from an [`Interleaved`] run.
#[derive(Debug, Clone)]
pub struct Measured {
    /// The contender's name.
    pub name: &'static str,
    /// Percentiles over every sample.
    pub stats: Stats,
    /// The median of each round, in microseconds.
    pub round_p50_us: Vec<f64>,
}

impl Measured {
    /// The median, over rounds, of this contender's round median divided by
    /// `baseline`'s: robust to the machine speeding up or slowing down
    /// between rounds.
    pub(crate) fn ratio_to(&self, baseline: &Measured) -> f64 {
        let mut ratios: Vec<f64> = self
            .round_p50_us
            .iter()
            .zip(&baseline.round_p50_us)
            .map(|(a, b)| a / b)
            .collect();
        ratios.sort_by(f64::total_cmp);
        ratios[ratios.len() / 2]
    }
}

/// A set of named contenders measured in interleaved rounds, so that noise
/// from the machine hits all of them alike and their ratios stay meaningful.
pub struct Interleaved<'a> {
    contenders: Vec<Contender<'a>>,
}

/// How a contender is run for one round.
enum Body<'a> {
    /// Called once per sample and timed here.
    Call(Box<dyn FnMut() + 'a>),
    /// Runs a whole round itself and returns its own timings (a contender in
    /// another process, such as Node, which times itself).
    Round(Box<dyn FnMut(usize) -> Vec<Duration> + 'a>),
}

/// A contender's name, body and samples so far.
type Contender<'a> = (&'static str, Body<'a>, Vec<Duration>);

impl<'a> Interleaved<'a> {
    /// No contenders yet.
    pub fn new() -> Self {
        Interleaved {
            contenders: Vec::new(),
        }
    }

    /// Adds a contender.
    pub fn add(&mut self, name: &'static str, f: impl FnMut() + 'a) -> &mut Self {
        self.contenders
            .push((name, Body::Call(Box::new(f)), Vec::new()));
        self
    }

    /// Adds a contender that runs a round of `n` calls itself and returns
    /// their `n` timings.
    pub(crate) fn add_timed(
        &mut self,
        name: &'static str,
        round: impl FnMut(usize) -> Vec<Duration> + 'a,
    ) -> &mut Self {
        self.contenders
            .push((name, Body::Round(Box::new(round)), Vec::new()));
        self
    }

    /// Runs `warmup` untimed calls of each, then `rounds` rounds of
    /// `per_round` timed calls of each, and returns each one's results in the
    /// order added.
    pub fn run(mut self, warmup: usize, rounds: usize, per_round: usize) -> Vec<Measured> {
        for (_, body, _) in &mut self.contenders {
            body.round(warmup);
        }
        let mut round_medians = vec![Vec::with_capacity(rounds); self.contenders.len()];
        for _ in 0..rounds {
            for ((_, body, samples), medians) in self.contenders.iter_mut().zip(&mut round_medians)
            {
                let mut round = body.round(per_round);
                samples.extend_from_slice(&round);
                medians.push(Stats::of(&mut round).p50_us);
            }
        }
        self.contenders
            .into_iter()
            .zip(round_medians)
            .map(|((name, _, mut samples), round_p50_us)| Measured {
                name,
                stats: Stats::of(&mut samples),
                round_p50_us,
            })
            .collect()
    }
}

impl Body<'_> {
    fn round(&mut self, n: usize) -> Vec<Duration> {
        match self {
            Body::Call(f) => (0..n)
                .map(|_| {
                    let started = Instant::now();
                    f();
                    started.elapsed()
                })
                .collect(),
            Body::Round(round) => {
                let timings = round(n);
                assert_eq!(
                    timings.len(),
                    n,
                    "a self-timed round returned the wrong count"
                );
                timings
            }
        }
    }
}

impl Default for Interleaved<'_> {
    fn default() -> Self {
        Self::new()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn percentiles_use_nearest_rank() {
        let mut samples: Vec<Duration> = (1..=100).map(Duration::from_micros).collect();
        let stats = Stats::of(&mut samples);
        assert_eq!(stats.p50_us, 50.0);
        assert_eq!(stats.p99_us, 99.0);
        assert_eq!(stats.samples, 100);
        assert!((stats.mean_us - 50.5).abs() < 1e-9);
    }

    #[test]
    fn ratios_are_the_median_of_per_round_ratios() {
        let baseline = Measured {
            name: "a",
            stats: Stats::of(&mut [Duration::from_micros(1)]),
            round_p50_us: vec![10.0, 20.0, 10.0],
        };
        let other = Measured {
            name: "b",
            stats: baseline.stats,
            round_p50_us: vec![15.0, 30.0, 100.0],
        };
        assert_eq!(other.ratio_to(&baseline), 1.5);
    }
}
