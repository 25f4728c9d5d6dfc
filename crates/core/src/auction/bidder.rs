//! How the decision core sees a brand's plugin: something that can be asked
//! for offers with a deadline. The core does not know what runs it; the
//! service implements [`Bidder`] over the wasm sandbox (`vitrine-runtime`),
//! the core's own tests over plain closures.

use std::future::Future;
use std::pin::Pin;
use std::time::{Duration, Instant};

use vitrine_types::{CallError, Offer, OfferRequest};

/// A brand's answer to one request, however it was obtained.
#[derive(Debug, Clone, PartialEq)]
pub struct Bid {
    /// The offers, or why there are none.
    pub outcome: Result<Vec<Offer>, CallError>,
    /// What answering cost, in the runtime's fuel units (0 when unmetered).
    pub fuel_used: u64,
    /// How long answering took.
    pub wall_time: Duration,
}

impl Bid {
    /// `offers` when the bid has offers, else the error's stable code
    /// (`timeout`, `plugin_error`, ...): what decisions and reports record.
    pub fn outcome_code(&self) -> &'static str {
        match &self.outcome {
            Ok(_) => "offers",
            Err(e) => e.code(),
        }
    }
}

/// A bid under way: resolves to the brand's [`Bid`].
pub type BidFuture = Pin<Box<dyn Future<Output = Bid> + Send + 'static>>;

/// A brand's plugin as the auction sees it.
pub trait Bidder: Clone + Send + Sync + 'static {
    /// Whether the plugin serves `category` (only such plugins are asked).
    fn serves(&self, category: &str) -> bool;

    /// Whether the brand's catalog declares `sku`: an offer may only carry a
    /// declared SKU, so that a SKU names a product and cannot carry data.
    fn declares_sku(&self, sku: &str) -> bool;

    /// Starts asking for offers. The answer must come by `deadline`; the
    /// returned future resolves by `deadline + grace` at the latest (a
    /// bidder still working then is reported as a timeout). Asking starts
    /// when this is called, so that many bidders asked in turn work at the
    /// same time; awaiting only collects the answer.
    fn ask(&self, request: OfferRequest, deadline: Instant, grace: Duration) -> BidFuture;
}
