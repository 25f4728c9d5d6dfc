//! The scoring auction: fan the minimised request out to every eligible
//! plugin, validate each offer, drop those the household's hard filters
//! refuse, score the rest in money for this household within the
//! operator's bounds (see `bounds`), pick the winner among the offers the
//! household's mandate would accept automatically (its brands, its caps,
//! what is left of its budgets) and set the price (see `pricing`). Only
//! when no such offer exists is the best of the others chosen, to be asked
//! about. Every brand that did not win gets a reason.

mod bidder;
pub mod bounds;
mod loss;
pub mod pricing;
pub mod scoring;

use std::time::{Duration, Instant};

use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};

pub use bidder::{Bid, BidFuture, Bidder};
pub use bounds::{BoundsPolicy, CategoryBounds, PriceLimits, Reference, ReferenceSource};
pub use loss::LossReason;
pub use pricing::{Candidate, PriceBound, PricingRule, Settlement, settle};
pub use scoring::{ScoreBreakdown, money_claims, score, service_value};

use crate::household::Preferences;
use vitrine_types::{CallError, Offer, OfferRequest, check_offer};

/// A brand entered in auctions: its identifier and its bidder.
#[derive(Debug, Clone)]
pub struct Entrant<B> {
    /// The brand's identifier.
    pub brand: String,
    /// How it is asked for offers.
    pub bidder: B,
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
    /// How long past its deadline a bidder's answer is still awaited (the
    /// sandbox's epoch tick: a call is interrupted within one tick of its
    /// deadline).
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
    pub rejected: Vec<(String, vitrine_types::OfferRejection)>,
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
    /// The price limits it was held under.
    #[serde(default)]
    pub limits: Option<PriceLimits>,
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

/// What one auction is held under: the price limits for this need and which
/// brands the covering mandate lets win automatically.
#[derive(Debug, Clone, PartialEq)]
pub struct AuctionTerms {
    /// Caps, reserve and quality bounds.
    pub limits: PriceLimits,
    /// When set, only these brands may win automatically (the covering
    /// mandate's allowed brands); the others are asked about only when no
    /// allowed brand offers anything acceptable.
    pub allowed_brands: Option<std::collections::BTreeSet<String>>,
}

impl AuctionTerms {
    /// Terms that bound nothing but the contract's ranges.
    pub fn unbounded() -> AuctionTerms {
        AuctionTerms {
            limits: PriceLimits::unbounded(),
            allowed_brands: None,
        }
    }

    fn auto_eligible(&self, s: &ScoredOffer) -> bool {
        s.breakdown.net_price_minor <= self.limits.auto_cap_minor
            && self
                .allowed_brands
                .as_ref()
                .is_none_or(|allowed| allowed.contains(&s.brand))
    }
}

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

/// Runs one auction: each bidder with the request minimised for it. Brands
/// in `blocked` (the household's, and the covering mandate's) are not
/// called.
pub async fn run_auction<B: Bidder>(
    bids: Vec<(Entrant<B>, OfferRequest)>,
    prefs: &Preferences,
    blocked: &std::collections::BTreeSet<String>,
    terms: &AuctionTerms,
    config: &AuctionConfig,
) -> AuctionResult {
    let started = Instant::now();
    // A brand the household blocks is never called: it would lose anyway,
    // and it must not even see the request.
    let (blocked, bids): (Vec<_>, Vec<_>) = bids
        .into_iter()
        .partition(|(entrant, _)| blocked.contains(&entrant.brand));
    // Every bidder is asked at once (asking starts the work), then the
    // answers are collected in turn.
    let deadline = started + config.per_brand.min(config.overall);
    let pending: Vec<BidFuture> = bids
        .iter()
        .map(|(entrant, request)| entrant.bidder.ask(request.clone(), deadline, config.tick))
        .collect();
    let mut reports = Vec::with_capacity(pending.len());
    for bid in pending {
        reports.push(bid.await);
    }

    let cap = terms.limits.hard_cap_minor;
    let mut scored = Vec::new();
    let mut bidders: Vec<BidderOutcome> = blocked
        .into_iter()
        .map(|(entrant, _)| BidderOutcome {
            brand: entrant.brand,
            call: NOT_CALLED.to_owned(),
            fuel_used: 0,
            wall_time_us: 0,
            rejected: Vec::new(),
            loss: Some(LossReason::Blocked),
        })
        .collect();
    for ((entrant, request), report) in bids.iter().zip(reports) {
        let brand = &entrant.brand;
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
            match check_offer(request, &offer, &|sku| entrant.bidder.declares_sku(sku)) {
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
        let net = |o: &Offer| o.price_minor - money_claims(o);
        let (affordable, too_dear): (Vec<Offer>, Vec<Offer>) = valid
            .into_iter()
            .partition(|o| cap.is_none_or(|cap| net(o) <= cap));
        if affordable.is_empty() {
            outcome.loss = Some(LossReason::OverBudget {
                cheapest_minor: too_dear.iter().map(net).min().unwrap_or(0),
                cap_minor: cap.unwrap_or(0),
            });
            bidders.push(outcome);
            continue;
        }
        for offer in affordable {
            let breakdown = score(&offer, brand, prefs, request, &terms.limits);
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
                price_minor: s.breakdown.net_price_minor,
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
    // The winner is chosen among the offers the mandate would accept
    // automatically, and priced against them; only when there is none is
    // the best of the rest chosen, to be asked about.
    let eligible: Vec<usize> = (0..scored.len())
        .filter(|&i| terms.auto_eligible(&scored[i]))
        .collect();
    let (pool, pool_cap): (Vec<usize>, u64) = if eligible.is_empty() {
        (
            (0..scored.len()).collect(),
            cap.unwrap_or(vitrine_types::MAX_MONEY_MINOR),
        )
    } else {
        (eligible, terms.limits.auto_cap_minor)
    };
    let pool_candidates: Vec<Candidate> = pool.iter().map(|&i| candidates[i].clone()).collect();
    let settlement = settle(
        &pool_candidates,
        prefs.price_sensitivity,
        config.pricing,
        pool_cap,
        terms.limits.reserve_minor,
    )
    .map(|s| {
        let winner = pool[s.winner];
        Settlement {
            winner,
            runner_up: s.runner_up.map(|r| pool[r]),
            offer_price_minor: scored[winner].offer.price_minor,
            credits_minor: scored[winner].breakdown.money_claims_minor,
            ..s
        }
    });
    if let Some(s) = &settlement {
        let winner = &scored[s.winner];
        let winning_score = winner.breakdown.score;
        for outcome in bidders.iter_mut().filter(|o| o.loss.is_none()) {
            if outcome.brand != winner.brand {
                let in_pool = pool.iter().any(|&i| scored[i].brand == outcome.brand);
                if !in_pool {
                    let allowed = terms
                        .allowed_brands
                        .as_ref()
                        .is_none_or(|a| a.contains(&outcome.brand));
                    outcome.loss = Some(LossReason::NotEligible {
                        why: if allowed {
                            format!(
                                "every offer was above what may be ordered automatically ({})",
                                crate::explain::money(terms.limits.auto_cap_minor)
                            )
                        } else {
                            "the household's mandate does not list this brand".to_owned()
                        },
                    });
                    continue;
                }
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
        limits: Some(terms.limits.clone()),
    }
}
