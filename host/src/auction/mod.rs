//! The scoring auction: fan the minimised request out to every eligible
//! plugin, validate each offer, drop those the household's hard filters
//! refuse, score the rest in money for this household, pick the winner and
//! set the price (see `pricing`). Every brand that did not win gets a
//! reason.

mod loss;
pub mod pricing;
pub mod scoring;

use std::time::{Duration, Instant};

use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};

pub use loss::LossReason;
pub use pricing::{Candidate, PricingRule, Settlement, settle};
pub use scoring::{ScoreBreakdown, score, service_value};

use crate::household::Preferences;
use crate::model::{Offer, OfferRequest, check_offer};
use crate::runtime::{CallError, FanOutCall, FanOutDeadlines, Plugin, fan_out};

/// A brand's registered plugin.
#[derive(Debug, Clone)]
pub struct Bidder {
    /// The brand's identifier.
    pub brand: String,
    /// Its plugin.
    pub plugin: Plugin,
}

/// Auction settings.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct AuctionConfig {
    /// The price rule.
    pub pricing: PricingRule,
    /// Each brand's deadline.
    pub per_brand: Duration,
    /// The whole auction's deadline.
    pub overall: Duration,
    /// The epoch tick (slack past the overall deadline).
    pub tick: Duration,
    /// Seed of the tie-breaker.
    pub seed: u64,
}

impl Default for AuctionConfig {
    fn default() -> Self {
        AuctionConfig {
            pricing: PricingRule::SecondScore,
            per_brand: Duration::from_millis(50),
            overall: Duration::from_millis(80),
            tick: Duration::from_millis(1),
            seed: 0,
        }
    }
}

/// An offer that passed validation and the hard filters, with its score.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ScoredOffer {
    /// The brand.
    pub brand: String,
    /// The offer.
    pub offer: Offer,
    /// Its score, term by term.
    pub breakdown: ScoreBreakdown,
}

/// What happened with one brand.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct BidderOutcome {
    /// The brand.
    pub brand: String,
    /// `offers`, or the plugin call's error code.
    pub call: String,
    /// Fuel its plugin used.
    pub fuel_used: u64,
    /// Its plugin's wall time, microseconds.
    pub wall_time_us: u64,
    /// Offers dropped as invalid, with reasons.
    pub rejected: Vec<(String, crate::model::OfferRejection)>,
    /// Why it lost (none for the winner).
    pub loss: Option<LossReason>,
}

/// The auction's result.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct AuctionResult {
    /// Every scored offer, best first.
    pub scored: Vec<ScoredOffer>,
    /// The settlement (indexes into `scored`), if any offer survived.
    pub settlement: Option<Settlement>,
    /// Every brand asked.
    pub bidders: Vec<BidderOutcome>,
    /// Wall time of the whole auction, microseconds.
    pub elapsed_us: u64,
}

impl AuctionResult {
    /// The winning offer.
    pub fn winner(&self) -> Option<&ScoredOffer> {
        self.settlement.as_ref().map(|s| &self.scored[s.winner])
    }

    /// The runner-up (best offer of another brand).
    pub fn runner_up(&self) -> Option<&ScoredOffer> {
        self.settlement
            .as_ref()
            .and_then(|s| s.runner_up)
            .map(|i| &self.scored[i])
    }
}

/// The `call` of a bidder that was not called (the household blocks it).
pub const NOT_CALLED: &str = "not_called";

/// A deterministic tie-breaker for an offer.
fn tiebreak(seed: u64, brand: &str, sku: &str) -> u64 {
    let digest = Sha256::new()
        .chain_update(seed.to_le_bytes())
        .chain_update(brand.as_bytes())
        .chain_update([0])
        .chain_update(sku.as_bytes())
        .finalize();
    u64::from_le_bytes(digest[..8].try_into().expect("8 bytes"))
}

/// Runs one auction: each bidder with the request minimised for it.
pub async fn run_auction(
    bids: Vec<(Bidder, OfferRequest)>,
    prefs: &Preferences,
    config: &AuctionConfig,
) -> AuctionResult {
    let started = Instant::now();
    // A brand the household blocks is never called: it would lose anyway,
    // and it must not even see the request.
    let (blocked, bids): (Vec<_>, Vec<_>) = bids
        .into_iter()
        .partition(|(bidder, _)| prefs.blocked_brands.contains(&bidder.brand));
    let calls = bids
        .iter()
        .map(|(bidder, request)| FanOutCall {
            plugin: bidder.plugin.clone(),
            request: request.clone(),
        })
        .collect();
    let reports = fan_out(
        calls,
        FanOutDeadlines {
            per_call: config.per_brand,
            overall: config.overall,
            tick: config.tick,
        },
    )
    .await;

    let cap = bids
        .first()
        .and_then(|(_, request)| prefs.budget_cap(&request.category));
    let mut scored = Vec::new();
    let mut bidders: Vec<BidderOutcome> = blocked
        .into_iter()
        .map(|(bidder, _)| BidderOutcome {
            brand: bidder.brand,
            call: NOT_CALLED.to_owned(),
            fuel_used: 0,
            wall_time_us: 0,
            rejected: Vec::new(),
            loss: Some(LossReason::Blocked),
        })
        .collect();
    for ((bidder, request), report) in bids.iter().zip(reports) {
        let brand = &bidder.brand;
        let mut outcome = BidderOutcome {
            brand: brand.clone(),
            call: report.outcome_code().to_owned(),
            fuel_used: report.fuel_used,
            wall_time_us: report.wall_time.as_micros() as u64,
            rejected: Vec::new(),
            loss: None,
        };
        let offers = match report.outcome {
            Ok(offers) => offers,
            Err(CallError::Timeout { .. }) => {
                outcome.loss = Some(LossReason::Timeout);
                bidders.push(outcome);
                continue;
            }
            Err(CallError::PluginError(e)) => {
                outcome.loss = Some(LossReason::NoBid {
                    detail: Some(e.to_string()),
                });
                bidders.push(outcome);
                continue;
            }
            Err(e) => {
                outcome.loss = Some(LossReason::PluginFailed {
                    error: e.code().to_owned(),
                });
                bidders.push(outcome);
                continue;
            }
        };
        if offers.is_empty() {
            outcome.loss = Some(LossReason::NoBid { detail: None });
            bidders.push(outcome);
            continue;
        }
        let mut valid = Vec::new();
        for offer in offers {
            match check_offer(request, &offer) {
                Ok(()) => valid.push(offer),
                Err(why) => outcome.rejected.push((offer.sku.clone(), why)),
            }
        }
        if valid.is_empty() {
            outcome.loss = Some(LossReason::InvalidOffers {
                rejected: outcome.rejected.clone(),
            });
            bidders.push(outcome);
            continue;
        }
        if let Some(label) = prefs
            .required_labels
            .iter()
            .find(|l| !valid.iter().any(|o| o.labels.contains(l)))
        {
            outcome.loss = Some(LossReason::MissingRequiredLabel {
                label: label.clone(),
            });
            bidders.push(outcome);
            continue;
        }
        let valid: Vec<Offer> = valid
            .into_iter()
            .filter(|o| prefs.required_labels.iter().all(|l| o.labels.contains(l)))
            .collect();
        let (affordable, too_dear): (Vec<Offer>, Vec<Offer>) = valid
            .into_iter()
            .partition(|o| cap.is_none_or(|cap| o.price_minor <= cap));
        if affordable.is_empty() {
            outcome.loss = Some(LossReason::OverBudget {
                cheapest_minor: too_dear.iter().map(|o| o.price_minor).min().unwrap_or(0),
                cap_minor: cap.unwrap_or(0),
            });
            bidders.push(outcome);
            continue;
        }
        for offer in affordable {
            let breakdown = score(&offer, brand, prefs, request);
            scored.push(ScoredOffer {
                brand: brand.clone(),
                offer,
                breakdown,
            });
        }
        bidders.push(outcome);
    }

    // Each offer's tie-breaker is hashed once, then the offers are sorted
    // best first together with their candidates.
    let mut ranked: Vec<(ScoredOffer, Candidate)> = scored
        .into_iter()
        .map(|s| {
            let candidate = Candidate {
                brand: s.brand.clone(),
                value: s.breakdown.value,
                price_minor: s.offer.price_minor,
                tiebreak: tiebreak(config.seed, &s.brand, &s.offer.sku),
            };
            (s, candidate)
        })
        .collect();
    ranked.sort_by(|(a, ca), (b, cb)| {
        b.breakdown
            .score
            .total_cmp(&a.breakdown.score)
            .then_with(|| ca.tiebreak.cmp(&cb.tiebreak))
    });
    let (scored, candidates): (Vec<ScoredOffer>, Vec<Candidate>) = ranked.into_iter().unzip();
    let settlement = settle(&candidates, prefs.price_sensitivity, config.pricing, cap);
    if let Some(s) = &settlement {
        let winner = &scored[s.winner];
        let winning_score = winner.breakdown.score;
        for outcome in bidders.iter_mut().filter(|o| o.loss.is_none()) {
            if outcome.brand != winner.brand {
                let best = scored
                    .iter()
                    .filter(|o| o.brand == outcome.brand)
                    .map(|o| o.breakdown.score)
                    .fold(f64::NEG_INFINITY, f64::max);
                outcome.loss = Some(LossReason::Outbid {
                    score: best,
                    winning_score,
                });
            }
        }
    }
    AuctionResult {
        scored,
        settlement,
        bidders,
        elapsed_us: started.elapsed().as_micros() as u64,
    }
}
