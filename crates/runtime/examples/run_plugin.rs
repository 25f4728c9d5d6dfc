//! Runs one brand plugin in Vitrine's sandbox, as another host would use
//! `vitrine-runtime` on its own: load the component with its catalog, ask it
//! for offers on a request, print what it answered and what the call cost.
//!
//! ```text
//! cargo build -p vitrine-sim          # builds the sample plugins into target/guests
//! cargo run -p vitrine-runtime --example run_plugin -- \
//!     target/guests/wasm32-wasip2/guest/vitrine_sample_dairy.wasm \
//!     examples/requests/yogurt.json examples/catalogs/dairy.json
//! ```

use std::process::ExitCode;

use vitrine_runtime::{Limits, Runtime};
use vitrine_types::OfferRequest;

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let [component, request, catalog] = args.as_slice() else {
        eprintln!("usage: run_plugin COMPONENT.wasm REQUEST.json CATALOG.json");
        return ExitCode::from(2);
    };
    match run(component, request, catalog) {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("error: {e}");
            ExitCode::FAILURE
        }
    }
}

fn run(component: &str, request: &str, catalog: &str) -> Result<(), Box<dyn std::error::Error>> {
    // One runtime per process: the engine, its instance pool and the epoch
    // ticker that enforces deadlines. Every limit has a documented default.
    let runtime = Runtime::new(Limits::default())?;
    let catalog = runtime.parse_catalog(&std::fs::read(catalog)?)?;
    // Loading checks the component against the contract, compiles it and
    // calls its `describe`; a bad component is a typed `LoadError`.
    let plugin = runtime.load(&std::fs::read(component)?, catalog)?;
    println!(
        "{} {} serves {:?}",
        plugin.info().name,
        plugin.info().version,
        plugin.info().categories
    );
    let request: OfferRequest = serde_json::from_slice(&std::fs::read(request)?)?;
    // Each call runs in a fresh instance under fuel, a deadline and a
    // memory cap; its report says what it cost, and why it failed if it did.
    let report = plugin.call(&request);
    match &report.outcome {
        Ok(offers) => {
            for offer in offers {
                println!(
                    "{}: {} for {} minor units",
                    offer.sku, offer.title, offer.price_minor
                );
            }
        }
        Err(e) => println!("no offers: {e} ({})", e.code()),
    }
    println!(
        "fuel {} (host work {}), peak memory {} bytes, {} µs",
        report.fuel_used,
        report.host_fuel,
        report.peak_memory_bytes,
        report.wall_time.as_micros()
    );
    Ok(())
}
