//! Auction latency against the number of plugins asked: the fan-out (each
//! plugin in a fresh sandbox on its own blocking thread), validation,
//! scoring and second-score pricing, as in a decision. Copies of the dairy
//! and farm-cooperative samples all bid on one milk request; in the
//! variants "with loopers", one plugin in ten is the looping plugin of
//! `tests/hostile/looper`, given fuel enough to run until its deadline.

use std::collections::BTreeMap;
use std::time::Instant;

use serde::Serialize;
use serde::ser::SerializeMap;

use super::stats::Stats;
use vitrine_core::auction::{AuctionConfig, Entrant, run_auction};
use vitrine_core::household::Preferences;
use vitrine_runtime::{Limits, Plugin, PluginLimits, Runtime};
use vitrine_service::platform::PluginBidder;
use vitrine_sim::samples::Sample;
use vitrine_types::{OfferRequest, Quantity, Unit};

use crate::LOOPER;

/// One auction size.
#[derive(Debug, Clone, Serialize)]
pub struct AuctionPoint {
    /// Plugins asked per auction.
    pub plugins: usize,
    /// Of which loop until their deadline.
    pub loopers: usize,
    /// Latency of a whole auction.
    #[serde(flatten)]
    pub stats: Stats,
    /// Offers that reached scoring, per auction (mean).
    pub offers_per_auction: f64,
    /// Calls that timed out, per auction (mean).
    pub timeouts_per_auction: f64,
    /// Well-behaved plugins whose offer did not arrive in time, per auction
    /// (mean): starved of CPU by the loopers.
    pub good_calls_lost_per_auction: f64,
    /// Well-behaved calls that did not answer with offers, by outcome code,
    /// over the whole run.
    pub good_call_errors: BTreeMap<String, u64>,
}

/// Every size measured, keyed `plugins_N` and `plugins_N_with_loopers`.
#[derive(Debug, Clone)]
pub struct AuctionReport {
    /// Each plugin's deadline, ms.
    pub deadline_ms: u64,
    /// The sizes, in the order measured.
    pub points: Vec<AuctionPoint>,
}

impl AuctionPoint {
    /// `plugins_50` or `plugins_50_with_loopers`.
    pub fn key(&self) -> String {
        if self.loopers == 0 {
            format!("plugins_{}", self.plugins)
        } else {
            format!("plugins_{}_with_loopers", self.plugins)
        }
    }
}

impl Serialize for AuctionReport {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        let mut map = serializer.serialize_map(Some(self.points.len() + 1))?;
        map.serialize_entry("deadline_ms", &self.deadline_ms)?;
        for point in &self.points {
            map.serialize_entry(&point.key(), point)?;
        }
        map.end()
    }
}

/// Sizes and iterations of a run.
#[derive(Debug, Clone)]
pub struct AuctionPlan {
    /// Plugin counts measured with every plugin well-behaved.
    pub sizes: Vec<usize>,
    /// Plugin counts measured with one looper in ten.
    pub sizes_with_loopers: Vec<usize>,
    /// Auctions per size (well-behaved).
    pub auctions: usize,
    /// Auctions per size with loopers (each lasts the deadline).
    pub auctions_with_loopers: usize,
}

impl AuctionPlan {
    /// The full run: 1, 10, 50, 200 plugins; loopers at 10, 50, 200.
    pub fn full() -> Self {
        AuctionPlan {
            sizes: vec![1, 10, 50, 200],
            sizes_with_loopers: vec![10, 50, 200],
            auctions: 2_000,
            auctions_with_loopers: 200,
        }
    }

    /// `--quick`: every size, fewer auctions; loopers at 50 only.
    pub fn quick() -> Self {
        AuctionPlan {
            sizes: vec![1, 10, 50, 200],
            sizes_with_loopers: vec![50],
            auctions: 200,
            auctions_with_loopers: 60,
        }
    }
}

/// The milk request every bidder gets (with its own request id).
fn milk_request() -> OfferRequest {
    let mut request = Sample::named("dairy").expect("dairy sample").request();
    request.category = "food/dairy/milk".into();
    request.quantity = Quantity {
        amount: 2_000,
        unit: Unit::Millilitre,
    };
    request.labels.clear();
    request
}

/// Runs the plan.
pub fn auction_bench(plan: &AuctionPlan) -> anyhow::Result<AuctionReport> {
    // Loopers get fuel for far longer than the deadline, so that the epoch
    // deadline is what stops them; the others keep the production fuel.
    // Loopers are never suspended here: the point is what a looper costs
    // the auctions it runs in, every time.
    let production = Limits::default();
    let runtime = Runtime::new(Limits {
        fuel: 1 << 40,
        suspend_after_failures: 0,
        ..production.clone()
    })?;
    let tight = PluginLimits {
        fuel: Some(production.fuel),
        ..PluginLimits::default()
    };
    let dairy = Sample::named("dairy").expect("dairy sample");
    let coop = Sample::named("farm-coop").expect("farm-coop sample");
    let good = [
        dairy.load(&runtime)?.with_limits(&tight)?,
        coop.load(&runtime)?.with_limits(&tight)?,
    ];
    let looper = runtime.load(LOOPER, Default::default())?;
    let tokio = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()?;
    let config = AuctionConfig::default();
    let request = milk_request();
    let mut points = Vec::new();
    let runs = plan.sizes.iter().map(|&n| (n, 0, plan.auctions)).chain(
        plan.sizes_with_loopers
            .iter()
            .map(|&n| (n, n.div_ceil(10), plan.auctions_with_loopers)),
    );
    for (plugins, loopers, auctions) in runs {
        let bidders: Vec<(Entrant<PluginBidder>, Plugin)> = (0..plugins)
            .map(|i| {
                // Loopers spread through the list, not bunched at one end.
                let plugin = if loopers > 0 && i % 10 == 9.min(plugins - 1) {
                    looper.clone()
                } else {
                    good[i % 2].clone()
                };
                let brand = format!("brand-{i:03}");
                (
                    Entrant {
                        brand,
                        bidder: PluginBidder::new(plugin.clone()),
                    },
                    plugin,
                )
            })
            .collect();
        let looper_brands: std::collections::HashSet<&str> = bidders
            .iter()
            .filter(|(_, p)| p.sha256() == looper.sha256())
            .map(|(b, _)| b.brand.as_str())
            .collect();
        anyhow::ensure!(looper_brands.len() == loopers, "looper placement");
        let warm = (auctions / 10).max(2);
        let mut times = Vec::with_capacity(auctions);
        let (mut offers, mut timeouts) = (0usize, 0usize);
        let mut call_errors = BTreeMap::new();
        for round in 0..warm + auctions {
            let bids = bidders
                .iter()
                .enumerate()
                .map(|(i, (bidder, _))| {
                    let mut r = request.clone();
                    r.request_id = format!("bench-{round}-{i}");
                    (bidder.clone(), r)
                })
                .collect();
            let started = Instant::now();
            let result = tokio.block_on(run_auction(
                bids,
                &Preferences::default(),
                &Default::default(),
                &vitrine_core::auction::AuctionTerms::unbounded(),
                &config,
            ));
            let elapsed = started.elapsed();
            if round >= warm {
                times.push(elapsed);
                offers += result.scored.len();
                timeouts += result
                    .bidders
                    .iter()
                    .filter(|b| b.call == "timeout")
                    .count();
                for bidder in &result.bidders {
                    if bidder.call != "offers" && !looper_brands.contains(bidder.brand.as_str()) {
                        *call_errors.entry(bidder.call.clone()).or_insert(0) += 1;
                    }
                }
            }
        }
        // Each well-behaved copy makes one milk offer; a missing one is
        // reported (with the calls' error codes), not hidden.
        let expected = (plugins - loopers) * auctions;
        points.push(AuctionPoint {
            plugins,
            loopers,
            stats: Stats::of(&mut times),
            offers_per_auction: offers as f64 / auctions as f64,
            timeouts_per_auction: timeouts as f64 / auctions as f64,
            good_calls_lost_per_auction: expected.saturating_sub(offers) as f64 / auctions as f64,
            good_call_errors: call_errors,
        });
    }
    Ok(AuctionReport {
        deadline_ms: config.per_brand.as_millis() as u64,
        points,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn looping_plugins_time_out_while_the_others_bid() {
        let report = auction_bench(&AuctionPlan {
            sizes: vec![3],
            sizes_with_loopers: vec![10],
            auctions: 3,
            auctions_with_loopers: 2,
        })
        .unwrap();
        let [plain, loopy] = &report.points[..] else {
            panic!("two points")
        };
        assert_eq!((plain.plugins, plain.loopers), (3, 0));
        assert_eq!(plain.timeouts_per_auction, 0.0);
        assert!(
            plain.good_call_errors.is_empty(),
            "{:?}",
            plain.good_call_errors
        );
        assert_eq!((loopy.plugins, loopy.loopers), (10, 1));
        assert_eq!(loopy.timeouts_per_auction, 1.0);
        assert!(loopy.offers_per_auction >= 9.0);
        assert_eq!(loopy.good_calls_lost_per_auction, 0.0);
        let json = serde_json::to_value(&report).unwrap();
        assert!(json["plugins_10_with_loopers"]["p99_us"].as_f64().unwrap() > 0.0);
        assert_eq!(json["deadline_ms"], 50);
    }
}
