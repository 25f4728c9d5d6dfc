//! # vitrine-bench
//!
//! Benchmarks of the sandbox and the service, in their own binary
//! (`vitrine-bench run`, `http`, `cold-start`, `memory`, `soak`,
//! `needs-accuracy`, `report`), run together by `scripts/bench.sh` and
//! reported in `docs/BENCHMARKS.md` (`report` writes the tables).
//! Comparisons are measured in interleaved rounds of one run, and reported
//! as ratios, because the machines are noisy. Nothing here ships in the
//! `vitrine` binary: not the load generator, not the V8 and native
//! contenders, not the looping plugin.

mod auction;
pub mod cli;
mod cold_start;
mod copies;
mod decision;
mod floor;
mod http;
mod isolated;
mod languages;
mod memory;
mod native;
mod pages;
mod plain;
pub mod report;
mod soak;
mod stats;
mod tunings;
mod v8;

pub use auction::{AuctionPlan, AuctionPoint, AuctionReport, auction_bench};
pub use cold_start::{ColdStartReport, cold_start_bench, cold_start_bench_on};
pub use copies::distinct_copy;
pub use decision::{DecisionBench, DecisionReport, decision_bench};
pub use floor::{FLOOR_WAT, Floor};
pub use http::{HttpBench, HttpReport, http_bench, http_bench_on};
pub use isolated::{ExtraPlugin, IsolatedCallReport, Phases, SampleCall, isolated_call};
pub use languages::{
    LanguageRow, LanguagesExtras, LanguagesReport, languages_bench, print_languages,
};
pub use memory::{MemoryReport, memory_bench, resident_bytes};
pub use native::dairy_offers;
pub use pages::{PageRow, PagesBench, PagesReport, pages_bench, print_pages};
pub use plain::PlainPlugin;
pub use soak::{SoakConfig, SoakReport, SoakWindow, soak};
pub use stats::{Interleaved, Measured, Stats, time};
pub use tunings::{TuningResult, compare_tunings};
pub use v8::{DAIRY_V8_JS, NodeBidder};

/// A plugin that loops forever when asked for offers (`tests/hostile/looper`),
/// built by `build.rs`: what the auction benchmark puts in auctions to
/// measure how a misbehaving brand is contained.
pub const LOOPER: &[u8] = fixtures::LOOPER;

mod fixtures {
    include!(concat!(env!("OUT_DIR"), "/fixtures.rs"));
}
