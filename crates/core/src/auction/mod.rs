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
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct ScoredOffer {
    /// The brand.
    pub brand: String,
    /// The offer.
    pub offer: Offer,
    /// Its score, term by term.
    pub breakdown: ScoreBreakdown,
}

/// What happened with one brand.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, schemars::JsonSchema)]
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
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, schemars::JsonSchema)]
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

#[cfg(test)]
mod tests {
    //! The auction with bidders scripted in Rust: no wasm, no runtime.

    use std::collections::BTreeSet;

    use vitrine_types::{BidError, CallError, Offer, OfferRequest, Quantity};

    use super::*;
    use crate::testing::ScriptedBidder;

    fn request() -> OfferRequest {
        OfferRequest::new("food/dairy/yogurt", Quantity::pieces(8))
    }

    fn offer(sku: &str, price: u64) -> Offer {
        request().offer(sku, "Yogurt, 8 jars").price_minor(price)
    }

    fn entrant(brand: &str, bidder: &ScriptedBidder) -> (Entrant<ScriptedBidder>, OfferRequest) {
        let entrant = Entrant {
            brand: brand.to_owned(),
            bidder: bidder.clone(),
        };
        (entrant, request())
    }

    fn auction(
        bids: Vec<(Entrant<ScriptedBidder>, OfferRequest)>,
        prefs: &Preferences,
        blocked: &[&str],
    ) -> AuctionResult {
        let blocked: BTreeSet<String> = blocked.iter().map(|b| (*b).to_owned()).collect();
        futures_executor::block_on(run_auction(
            bids,
            prefs,
            &blocked,
            &AuctionTerms::unbounded(),
            &AuctionConfig::default(),
        ))
    }

    fn loss(result: &AuctionResult, brand: &str) -> Option<LossReason> {
        result
            .bidders
            .iter()
            .find(|b| b.brand == brand)
            .and_then(|b| b.loss.clone())
    }

    #[test]
    fn the_cheaper_of_equal_offers_wins_and_pays_what_the_runner_up_forces() {
        let cheap = ScriptedBidder::offering(&["food"], vec![offer("A", 400)]);
        let dear = ScriptedBidder::offering(&["food"], vec![offer("B", 500)]);
        let result = auction(
            vec![entrant("cheap", &cheap), entrant("dear", &dear)],
            &Preferences::default(),
            &[],
        );
        assert_eq!(result.winner().unwrap().brand, "cheap");
        assert_eq!(result.runner_up().unwrap().brand, "dear");
        let settlement = result.settlement.as_ref().unwrap();
        assert_eq!(settlement.offer_price_minor, 400);
        assert!(
            (400..=500).contains(&settlement.price_paid_minor),
            "paid {}",
            settlement.price_paid_minor
        );
        assert!(matches!(
            loss(&result, "dear"),
            Some(LossReason::Outbid { .. })
        ));
        assert_eq!(loss(&result, "cheap"), None);
    }

    #[test]
    fn every_loser_gets_its_reason_and_a_blocked_brand_is_never_asked() {
        let winner = ScriptedBidder::offering(&["food"], vec![offer("A", 400)]);
        let trapping = ScriptedBidder::new(&["food"], |_| {
            Err(CallError::Trap {
                message: "unreachable".into(),
                panic: None,
            })
        });
        let late = ScriptedBidder::new(&["food"], |_| Err(CallError::Timeout { deadline_ms: 50 }));
        let declining = ScriptedBidder::new(&["food"], |_| {
            Err(CallError::PluginError(BidError::OutOfStock))
        });
        let silent = ScriptedBidder::new(&["food"], |_| Ok(Vec::new()));
        let blocked = ScriptedBidder::offering(&["food"], vec![offer("X", 1)]);
        let result = auction(
            vec![
                entrant("winner", &winner),
                entrant("trapping", &trapping),
                entrant("late", &late),
                entrant("declining", &declining),
                entrant("silent", &silent),
                entrant("blocked", &blocked),
            ],
            &Preferences::default(),
            &["blocked"],
        );
        assert_eq!(result.winner().unwrap().brand, "winner");
        assert_eq!(
            loss(&result, "trapping"),
            Some(LossReason::PluginFailed {
                error: "trap".into()
            })
        );
        assert_eq!(loss(&result, "late"), Some(LossReason::Timeout));
        assert!(matches!(
            loss(&result, "declining"),
            Some(LossReason::NoBid { detail: Some(_) })
        ));
        assert_eq!(
            loss(&result, "silent"),
            Some(LossReason::NoBid { detail: None })
        );
        assert_eq!(loss(&result, "blocked"), Some(LossReason::Blocked));
        assert_eq!(blocked.asked(), 0, "a blocked brand never sees the request");
        assert_eq!(winner.asked(), 1);
    }

    #[test]
    fn an_offer_whose_sku_the_catalog_does_not_declare_is_rejected_and_never_scored() {
        let smuggler =
            ScriptedBidder::offering(&["food"], vec![offer("SECRET-DATA", 1)]).declaring(&["A"]);
        let honest = ScriptedBidder::offering(&["food"], vec![offer("A", 400)]).declaring(&["A"]);
        let result = auction(
            vec![entrant("smuggler", &smuggler), entrant("honest", &honest)],
            &Preferences::default(),
            &[],
        );
        assert_eq!(result.winner().unwrap().brand, "honest");
        assert!(result.scored.iter().all(|s| s.offer.sku != "SECRET-DATA"));
        assert!(matches!(
            loss(&result, "smuggler"),
            Some(LossReason::InvalidOffers { .. })
        ));
    }

    #[test]
    fn a_required_label_no_offer_carries_loses_the_brand_the_sale() {
        let plain = ScriptedBidder::offering(&["food"], vec![offer("A", 300)]);
        let organic = ScriptedBidder::offering(&["food"], vec![offer("B", 500).label("organic")]);
        let mut prefs = Preferences::default();
        prefs.required_labels.insert("organic".into());
        let result = auction(
            vec![entrant("plain", &plain), entrant("organic", &organic)],
            &prefs,
            &[],
        );
        assert_eq!(result.winner().unwrap().brand, "organic");
        assert_eq!(
            loss(&result, "plain"),
            Some(LossReason::MissingRequiredLabel {
                label: "organic".into()
            })
        );
    }
}
