//! Fixtures for the integration tests: the hostile plugins (built from
//! `tests/hostile/` by `build.rs`) and helpers to build runtimes and requests.

use std::time::Duration;

use vitrine::model::{DeliveryWindow, NeedKind, OfferRequest, Quantity, Unit, random_request_id};
use vitrine::runtime::{Catalog, Limits, Plugin, Runtime};
use vitrine::samples::SAMPLES;

/// The hostile plugins, one constant per crate in `tests/hostile/`.
pub mod hostile {
    include!(concat!(env!("OUT_DIR"), "/hostile.rs"));
}

/// A runtime with the production defaults.
pub fn runtime() -> Runtime {
    Runtime::new(Limits::default()).expect("default limits build a runtime")
}

/// A runtime whose deadline is `deadline` (fuel raised so that the deadline,
/// not the fuel, is what stops a loop).
pub fn runtime_with_deadline(deadline: Duration) -> Runtime {
    Runtime::new(Limits {
        deadline,
        fuel: u64::MAX / 2,
        ..Limits::default()
    })
    .expect("limits build a runtime")
}

/// Loads a hostile plugin with an empty catalog.
pub fn load_hostile(runtime: &Runtime, wasm: &[u8]) -> Plugin {
    runtime
        .load(wasm, Catalog::empty())
        .expect("hostile plugin loads")
}

/// Every sample brand, loaded with its default catalog.
pub fn load_samples(runtime: &Runtime) -> Vec<(&'static str, Plugin)> {
    SAMPLES
        .iter()
        .map(|s| (s.name, s.load(runtime).expect("sample loads")))
        .collect()
}

/// A replenishment request for `amount` pieces of `category`, in EUR.
pub fn request(category: &str, amount: u32) -> OfferRequest {
    OfferRequest {
        request_id: random_request_id(),
        need: NeedKind::Replenishment,
        category: category.to_owned(),
        quantity: Quantity {
            amount,
            unit: Unit::Piece,
        },
        delivery: DeliveryWindow {
            earliest_day: 0,
            latest_day: 5,
        },
        region: None,
        budget: None,
        currency: "EUR".to_owned(),
        labels: Vec::new(),
        max_offers: 3,
    }
}
