//! The cost of one full decision in-process: the needs engine on a
//! simulated family's month of history, the minimiser, the auction over the
//! registered sample plugins (each in a fresh sandbox), scoring and pricing,
//! the mandate check against the ledger, brand reports and the explanation.
//!
//! Two registries of 20 brands are measured:
//! - **20 eligible**: ten copies of the dairy sample and ten of the farm
//!   cooperative, all declaring milk, and a milk need: all 20 plugins bid.
//! - **20 mixed**: the six samples registered under 20 brand ids (as an
//!   operator would), and the family's needs of the day: only the brands
//!   declaring the category are asked.

use std::time::Instant;

use serde::Serialize;

use super::stats::Stats;
use vitrine_core::decision::{DecisionConfig, DecisionEngine};
use vitrine_core::household::{Household, HouseholdId};
use vitrine_core::needs::{Need, NeedsEngine};
use vitrine_core::reports::Pseudonymiser;
use vitrine_runtime::{Limits, Runtime};
use vitrine_service::platform::PluginBidder;
use vitrine_sim::samples::{SAMPLES, Sample};
use vitrine_sim::scenario::{demo_start, family};
use vitrine_types::time::Timestamp;

/// One registry's figures.
#[derive(Debug, Clone, Serialize)]
pub struct DecisionBench {
    /// What was measured.
    pub name: &'static str,
    /// Brands registered.
    pub brands: usize,
    /// Mean plugins asked per decision.
    pub plugins_called: f64,
    /// Latency of a whole decision (needs evaluation included).
    pub stats: Stats,
    /// Of which the needs engine, p50.
    pub needs_p50_us: f64,
    /// Of which the auction (fan-out, validation, scoring, pricing), p50.
    pub auction_p50_us: f64,
}

/// The decision benchmarks.
#[derive(Debug, Clone, Serialize)]
pub struct DecisionReport {
    /// 20 brands, all bidding.
    pub all_eligible: DecisionBench,
    /// 20 brands, only those declaring the category bidding.
    pub mixed: DecisionBench,
}

/// Households cycled through so that no order book grows long.
const HOUSEHOLDS: usize = 256;

struct World {
    households: Vec<Household>,
    now: Timestamp,
}

/// The family after three weeks of history, cloned under `HOUSEHOLDS` ids,
/// evaluated on an evening when it needs milk.
fn world() -> anyhow::Result<World> {
    let mut resident = family("bench-family", 1);
    resident.warm_up(demo_start(), 21);
    let engine = NeedsEngine::default();
    for offset in 0..28 {
        let day = demo_start().plus(offset);
        resident.live(day);
        let now = Timestamp::at(day, 21);
        let needs = engine.evaluate(&resident.household, now, &Default::default());
        if needs.iter().any(|n| n.category == "food/dairy/milk") {
            let households = (0..HOUSEHOLDS)
                .map(|i| {
                    let mut h = resident.household.clone();
                    h.id = HouseholdId(format!("bench-{i:03}"));
                    h
                })
                .collect();
            return Ok(World { households, now });
        }
    }
    anyhow::bail!("the simulated family never needed milk")
}

fn engine(
    runtime: &Runtime,
    brands: &[(String, &Sample)],
) -> anyhow::Result<DecisionEngine<PluginBidder>> {
    let engine = DecisionEngine::new(DecisionConfig::default(), Pseudonymiser::new([1; 32]));
    for (brand, sample) in brands {
        engine.register(brand, PluginBidder::new(sample.load(runtime)?));
    }
    Ok(engine)
}

fn measure(
    name: &'static str,
    engine: &DecisionEngine<PluginBidder>,
    world: &World,
    brands: usize,
    iterations: usize,
    only_milk: bool,
) -> anyhow::Result<DecisionBench> {
    let tokio = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()?;
    let needs_engine = NeedsEngine::default();
    let mut totals = Vec::with_capacity(iterations);
    let mut needs_times = Vec::with_capacity(iterations);
    let mut auction_times = Vec::with_capacity(iterations);
    let mut called = 0usize;
    let mut decisions = 0usize;
    for i in 0..iterations {
        let household = &world.households[i % HOUSEHOLDS];
        let started = Instant::now();
        let needs: Vec<Need> = needs_engine
            .evaluate(household, world.now, &Default::default())
            .into_iter()
            .filter(|n| !only_milk || n.category == "food/dairy/milk")
            .collect();
        let needs_done = started.elapsed();
        let need = Need {
            id: format!("bench-{i}"),
            ..needs
                .into_iter()
                .next()
                .ok_or_else(|| anyhow::anyhow!("no need"))?
        };
        let decision = tokio.block_on(engine.decide(household, &need, world.now))?;
        totals.push(started.elapsed());
        needs_times.push(needs_done);
        auction_times.push(std::time::Duration::from_micros(
            decision.auction.elapsed_us,
        ));
        called += decision.auction.bidders.len();
        decisions += 1;
    }
    let warm = iterations / 10;
    Ok(DecisionBench {
        name,
        brands,
        plugins_called: called as f64 / decisions as f64,
        stats: Stats::of(&mut totals[warm..]),
        needs_p50_us: Stats::of(&mut needs_times[warm..]).p50_us,
        auction_p50_us: Stats::of(&mut auction_times[warm..]).p50_us,
    })
}

/// Measures `iterations` decisions on each registry.
pub fn decision_bench(iterations: usize) -> anyhow::Result<DecisionReport> {
    let runtime = Runtime::new(Limits::default())?;
    let world = world()?;
    let dairy = Sample::named("dairy").expect("dairy sample");
    let coop = Sample::named("farm-coop").expect("farm-coop sample");
    let eligible: Vec<(String, &Sample)> = (0..10)
        .flat_map(|i| {
            [
                (format!("dairy-{i:02}"), dairy),
                (format!("farm-coop-{i:02}"), coop),
            ]
        })
        .collect();
    let mixed: Vec<(String, &Sample)> = (0..20)
        .map(|i| {
            let sample = &SAMPLES[i % SAMPLES.len()];
            (format!("{}-{i:02}", sample.name), sample)
        })
        .collect();
    let all_eligible = measure(
        "20 brands, all bidding (milk)",
        &engine(&runtime, &eligible)?,
        &world,
        eligible.len(),
        iterations,
        true,
    )?;
    let mixed = measure(
        "20 brands, 6 samples (family's need)",
        &engine(&runtime, &mixed)?,
        &world,
        mixed.len(),
        iterations,
        false,
    )?;
    Ok(DecisionReport {
        all_eligible,
        mixed,
    })
}
