//! Criterion benches of the hot paths of a decision, so that a change can be
//! compared before and after:
//!
//! ```sh
//! cargo bench -p vitrine-bench --bench hot_paths -- --save-baseline before
//! # … change …
//! cargo bench -p vitrine-bench --bench hot_paths -- --baseline before
//! ```
//!
//! The whole-system figures (ratios to the floor, auctions by size, HTTP,
//! cold start, memory) are `vitrine-bench` and `scripts/bench.sh`.

use std::hint::black_box;

use criterion::{Criterion, criterion_group, criterion_main};
use vitrine_bench::{Floor, dairy_offers};
use vitrine_core::auction::{AuctionConfig, Entrant, run_auction, score};
use vitrine_core::household::Preferences;
use vitrine_runtime::{Limits, Runtime};
use vitrine_service::platform::PluginBidder;
use vitrine_sim::samples::Sample;
use vitrine_store::audit::entry_hash;
use vitrine_types::time::Timestamp;
use vitrine_types::{OfferRequest, check_offer};

fn isolated_calls(c: &mut Criterion) {
    let runtime = Runtime::new(Limits::default()).expect("runtime");
    let dairy = Sample::named("dairy").expect("dairy");
    let plugin = dairy.load(&runtime).expect("dairy loads");
    let catalog = dairy.catalog(&runtime).expect("catalog");
    let request = dairy.request();
    let floor = Floor::new().expect("floor");
    let mut group = c.benchmark_group("isolated_call");
    group.bench_function("floor", |b| b.iter(|| black_box(floor.call())));
    group.bench_function("dairy_production", |b| {
        b.iter(|| black_box(plugin.call(&request)))
    });
    group.bench_function("dairy_native", |b| {
        b.iter(|| black_box(dairy_offers(&request, &catalog)))
    });
    group.finish();
}

fn auction(c: &mut Criterion) {
    let runtime = Runtime::new(Limits::default()).expect("runtime");
    let dairy = Sample::named("dairy").expect("dairy");
    let plugin = dairy.load(&runtime).expect("dairy loads");
    let request = dairy.request();
    let tokio = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .expect("tokio");
    let prefs = Preferences::default();
    let config = AuctionConfig::default();
    let bids: Vec<(Entrant<PluginBidder>, OfferRequest)> = (0..10)
        .map(|i| {
            let bidder = Entrant {
                brand: format!("brand-{i}"),
                bidder: PluginBidder::new(plugin.clone()),
            };
            (bidder, request.clone())
        })
        .collect();
    c.bench_function("auction/10_plugins", |b| {
        b.iter(|| {
            black_box(tokio.block_on(run_auction(
                bids.clone(),
                &prefs,
                &Default::default(),
                &vitrine_core::auction::AuctionTerms::unbounded(),
                &config,
            )))
        })
    });
}

fn offers_and_requests(c: &mut Criterion) {
    let runtime = Runtime::new(Limits::default()).expect("runtime");
    let dairy = Sample::named("dairy").expect("dairy");
    let request = dairy.request();
    let offers = dairy_offers(&request, &dairy.catalog(&runtime).expect("catalog")).expect("bids");
    let prefs = Preferences::default();
    c.bench_function("offer/check_and_score", |b| {
        b.iter(|| {
            for offer in &offers {
                black_box(check_offer(&request, offer, &|_| true).is_ok());
                black_box(score(
                    offer,
                    "dairy",
                    &prefs,
                    &request,
                    &vitrine_core::auction::PriceLimits::unbounded(),
                ));
            }
        })
    });
    c.bench_function("request/parse_json", |b| {
        b.iter(|| {
            black_box(serde_json::from_str::<OfferRequest>(dairy.request_json).expect("valid"))
        })
    });
    let detail = serde_json::to_string(&request).expect("json");
    c.bench_function("audit/entry_hash", |b| {
        b.iter(|| {
            black_box(entry_hash(
                42,
                Timestamp(1_700_000_000),
                "household:3f2a",
                "decision",
                "need-17",
                &detail,
                "9b74c9897bac770ffc029102a200c5de",
            ))
        })
    });
}

criterion_group!(benches, isolated_calls, auction, offers_and_requests);
criterion_main!(benches);
