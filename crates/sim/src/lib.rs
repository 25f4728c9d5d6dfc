//! # vitrine-sim
//!
//! What lets Vitrine run without real households or brands: [`scenario`]
//! simulates households (a family, a student, an opted-in household) living
//! day by day; [`samples`] are the sample brands' plugins, built from
//! `plugins/` by `build.rs` and embedded with their catalogs and example
//! requests; [`demo`] runs a month of decisions for the simulated
//! households on the real platform over a temporary database (`vitrine
//! demo`). The tests, the benchmarks and the demo share them.

pub mod demo;
pub mod samples;
pub mod scenario;
