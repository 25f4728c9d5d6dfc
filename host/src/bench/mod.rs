//! Benchmarks of the sandbox, runnable as `vitrine bench` and reported in
//! `docs/BENCHMARKS.md`. Comparisons are measured in interleaved rounds of
//! one run, and reported as ratios, because the machines are noisy.

mod decision;
mod floor;
mod http;
mod isolated;
mod stats;
mod tunings;

pub use decision::{DecisionBench, DecisionReport, decision_bench};
pub use floor::{FLOOR_WAT, Floor};
pub use http::{HttpBench, HttpReport, http_bench};
pub use isolated::{ExtraPlugin, IsolatedCallReport, Phases, SampleCall, isolated_call};
pub use stats::{Interleaved, Measured, Stats, time};
pub use tunings::{TuningResult, compare_tunings};
