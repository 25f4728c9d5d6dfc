//! Bidders scripted in Rust: the auction and the decision engine tested
//! without wasm, and a way for another host to try the core before it has
//! a sandbox.

use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::{Duration, Instant};

use vitrine_types::{CallError, Offer, OfferRequest, category_is_under};

use crate::auction::{Bid, BidFuture, Bidder};

type Answer = dyn Fn(&OfferRequest) -> Result<Vec<Offer>, CallError> + Send + Sync;

/// A bidder whose answers are a Rust function of the request. It answers at
/// once; a [`CallError`] it returns stands for any failure a sandbox would
/// report (a timeout, a trap, invalid output).
#[derive(Clone)]
pub struct ScriptedBidder {
    categories: Arc<[String]>,
    skus: Option<Arc<[String]>>,
    answer: Arc<Answer>,
    asked: Arc<AtomicUsize>,
}

impl std::fmt::Debug for ScriptedBidder {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("ScriptedBidder")
            .field("categories", &self.categories)
            .field("asked", &self.asked())
            .finish()
    }
}

impl ScriptedBidder {
    /// A bidder serving `categories` (taxonomy prefixes) that answers with
    /// `answer`, and declares every SKU it offers.
    pub fn new(
        categories: &[&str],
        answer: impl Fn(&OfferRequest) -> Result<Vec<Offer>, CallError> + Send + Sync + 'static,
    ) -> Self {
        ScriptedBidder {
            categories: categories.iter().map(|c| (*c).to_owned()).collect(),
            skus: None,
            answer: Arc::new(answer),
            asked: Arc::default(),
        }
    }

    /// A bidder that always offers `offers` (adjusted to each request's
    /// quantity and currency).
    pub fn offering(categories: &[&str], offers: Vec<Offer>) -> Self {
        ScriptedBidder::new(categories, move |request| {
            Ok(offers
                .iter()
                .map(|o| Offer {
                    quantity: request.quantity,
                    currency: request.currency.clone(),
                    ..o.clone()
                })
                .collect())
        })
    }

    /// The same bidder, declaring only `skus` in its catalog.
    pub fn declaring(mut self, skus: &[&str]) -> Self {
        self.skus = Some(skus.iter().map(|s| (*s).to_owned()).collect());
        self
    }

    /// How many times it was asked.
    pub fn asked(&self) -> usize {
        self.asked.load(Ordering::Relaxed)
    }
}

impl Bidder for ScriptedBidder {
    fn serves(&self, category: &str) -> bool {
        self.categories
            .iter()
            .any(|prefix| category_is_under(category, prefix))
    }

    fn declares_sku(&self, sku: &str) -> bool {
        self.skus
            .as_ref()
            .is_none_or(|skus| skus.iter().any(|s| s == sku))
    }

    fn ask(&self, request: OfferRequest, _deadline: Instant, _grace: Duration) -> BidFuture {
        self.asked.fetch_add(1, Ordering::Relaxed);
        let started = Instant::now();
        let outcome = (self.answer)(&request);
        let bid = Bid {
            outcome,
            fuel_used: 0,
            wall_time: started.elapsed(),
        };
        Box::pin(std::future::ready(bid))
    }
}
