//! Choosing the winner and the price paid.
//!
//! Offers compete on score = value − w × net price (`scoring`). The highest
//! score wins; ties are broken by a seeded hash, so they are deterministic
//! but not by name. Two price rules:
//!
//! - **Second score** (Che 1993; the default). The winner is paid the
//!   highest net price at which it would still have won: the lowest of
//!   - the price at which its offer scores exactly the runner-up's (the
//!     best offer of *another* brand): `p = (V_winner − S_runner_up) / w`;
//!   - the reserve (the household's usual price for this much, or the
//!     operator's reference, plus a margin: see `bounds`), when one is
//!     known;
//!   - the cap (the household's, the mandate's or the operator's default,
//!     and what is left of the budgets).
//!
//!   None of these depends on the winner's own price, and the winner wins
//!   exactly when its price is at most all three. So a brand's best
//!   strategy is to offer its true best terms: asking more can only lose
//!   the sale, never raise the payment. The payment is never below the
//!   winner's own net price, never above the cap or the reserve, and above
//!   the winner's net price by at most its *settled advantage*: its score's
//!   margin over the runner-up (or the reserve), in money, whose money part
//!   the platform settles and whose quality part the operator's bounds
//!   limit. A lone offer (no other brand's offer to price it against) is
//!   paid its own price, when that is at most the reserve: a reserve is a
//!   ceiling, never a price the platform offers on its own. (A lone seller
//!   could gain by asking more, up to the reserve; but brands bid blind and
//!   never know they are alone.)
//! - **Pay as offered** (first score): the household pays the offered net
//!   price. Simple, but a brand gains by asking more than its true price.
//!
//! An offer whose net price is above the reserve can still win, but is paid
//! its own price and the household is asked (`above_reserve`): the platform
//! never pays more than the usual price on its own.
//!
//! Why not "second score, never above the offered price"? With score =
//! value − price, the only way to bring the winner's score down to the
//! runner-up's is to *raise* its price; capping that at the offered price
//! makes the rule pay-as-offered, which is not truthful. No rule that pays a
//! seller at most its own ask can make truthful asks dominant (the truthful
//! payment is the highest ask that would still win, which is at least the
//! ask). The property tests below check what each rule does guarantee.

use serde::{Deserialize, Serialize};

/// How the price paid is set.
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize, schemars::JsonSchema,
)]
#[serde(rename_all = "snake_case")]
pub enum PricingRule {
    /// Che's second-score rule.
    #[default]
    SecondScore,
    /// The offered price.
    PayAsOffered,
}

impl PricingRule {
    /// The name used in JSON and explanations.
    pub fn as_str(self) -> &'static str {
        match self {
            PricingRule::SecondScore => "second_score",
            PricingRule::PayAsOffered => "pay_as_offered",
        }
    }
}

/// One offer in the running.
#[derive(Debug, Clone, PartialEq)]
pub struct Candidate {
    /// The brand (runner-ups come from other brands).
    pub brand: String,
    /// The household's value of the offer, without its price.
    pub value: i64,
    /// The offered net price (price less settled money claims).
    pub price_minor: u64,
    /// Deterministic tie-breaker (lower wins a tie).
    pub tiebreak: u64,
}

impl Candidate {
    /// value − w × price.
    pub fn score(&self, weight: f64) -> f64 {
        self.value as f64 - weight * self.price_minor as f64
    }
}

/// What limited the price paid.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum PriceBound {
    /// The runner-up's score (second score).
    RunnerUp,
    /// The reserve.
    Reserve,
    /// The cap.
    Cap,
    /// The winner's own price (pay as offered, a lone offer without a
    /// reserve, or an offer above the reserve).
    Ask,
}

/// The outcome: who won, who came second, what is paid.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct Settlement {
    /// Index of the winner among the candidates.
    pub winner: usize,
    /// Index of the runner-up (best offer of another brand), if any.
    pub runner_up: Option<usize>,
    /// The rule applied.
    pub rule: PricingRule,
    /// The winner's offered price, before its money claims.
    pub offer_price_minor: u64,
    /// The winner's money claims, settled: deducted from what it is paid.
    #[serde(default)]
    pub credits_minor: u64,
    /// What the household pays (and the brand is paid): net of the credits.
    pub price_paid_minor: u64,
    /// Whether the cap limited the price.
    pub capped: bool,
    /// What limited the price.
    #[serde(default = "ask_bound")]
    pub bound: PriceBound,
    /// The reserve that applied, if one was known.
    #[serde(default)]
    pub reserve_minor: Option<u64>,
    /// The winner's net price is above the reserve: it is paid its own
    /// price and the household is asked.
    #[serde(default)]
    pub above_reserve: bool,
}

fn ask_bound() -> PriceBound {
    PriceBound::Ask
}

impl Settlement {
    /// The winner's net price (offered price less credits).
    pub fn net_offer_minor(&self) -> u64 {
        self.offer_price_minor.saturating_sub(self.credits_minor)
    }
}

/// Picks the winner and sets the net price paid. Every candidate's net
/// price must be at most `cap` (the caller filters). `credits` gives the
/// winner's settled money claims (for the record; candidates' prices are
/// already net of them).
pub fn settle(
    candidates: &[Candidate],
    weight: f64,
    rule: PricingRule,
    cap: u64,
    reserve: Option<u64>,
) -> Option<Settlement> {
    let better = |a: &Candidate, b: &Candidate| {
        a.score(weight)
            .total_cmp(&b.score(weight))
            .then_with(|| b.tiebreak.cmp(&a.tiebreak))
    };
    let winner = (0..candidates.len()).max_by(|&a, &b| better(&candidates[a], &candidates[b]))?;
    let w = &candidates[winner];
    let runner_up = (0..candidates.len())
        .filter(|&i| candidates[i].brand != w.brand)
        .max_by(|&a, &b| better(&candidates[a], &candidates[b]));
    let above_reserve = reserve.is_some_and(|r| w.price_minor > r);
    let (price_paid_minor, bound) = match rule {
        PricingRule::PayAsOffered => (w.price_minor, PriceBound::Ask),
        PricingRule::SecondScore if above_reserve => (w.price_minor, PriceBound::Ask),
        PricingRule::SecondScore => {
            // The highest net price at which the winner still wins.
            let matching = runner_up.map(|r| {
                let p = (w.value as f64 - candidates[r].score(weight)) / weight;
                // Rounded down in the household's favour.
                if p.is_finite() {
                    p.floor().clamp(0.0, u64::MAX as f64) as u64
                } else {
                    u64::MAX
                }
            });
            let mut bounds = vec![(cap, PriceBound::Cap)];
            match matching {
                Some(m) => bounds.push((m, PriceBound::RunnerUp)),
                // A lone offer: nothing to price it against, its own price
                // (at most the reserve, or the household is asked).
                None => bounds.push((w.price_minor, PriceBound::Ask)),
            }
            if let Some(r) = reserve {
                bounds.push((r, PriceBound::Reserve));
            }
            let (threshold, bound) = bounds
                .into_iter()
                .min_by_key(|(price, bound)| (*price, *bound != PriceBound::RunnerUp))
                .expect("the cap is always there");
            if threshold <= w.price_minor {
                (w.price_minor, PriceBound::Ask)
            } else {
                (threshold, bound)
            }
        }
    };
    Some(Settlement {
        winner,
        runner_up,
        rule,
        offer_price_minor: w.price_minor,
        credits_minor: 0,
        price_paid_minor,
        capped: bound == PriceBound::Cap,
        bound,
        reserve_minor: reserve,
        above_reserve,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    const NO_CAP: u64 = vitrine_types::MAX_MONEY_MINOR;

    fn candidate(brand: &str, value: i64, price: u64) -> Candidate {
        Candidate {
            brand: brand.into(),
            value,
            price_minor: price,
            tiebreak: brand.len() as u64,
        }
    }

    #[test]
    fn the_winner_is_paid_up_to_the_runner_ups_score() {
        // A: value 300, price 400 → score −100. B: value 0, price 250 → −250.
        let c = [candidate("a", 300, 400), candidate("bb", 0, 250)];
        let s = settle(&c, 1.0, PricingRule::SecondScore, NO_CAP, None).unwrap();
        assert_eq!((s.winner, s.runner_up), (0, Some(1)));
        // 300 − p = −250 → p = 550.
        assert_eq!((s.price_paid_minor, s.bound), (550, PriceBound::RunnerUp));
        let s = settle(&c, 1.0, PricingRule::SecondScore, 500, None).unwrap();
        assert_eq!((s.price_paid_minor, s.capped), (500, true));
        let s = settle(&c, 1.0, PricingRule::PayAsOffered, NO_CAP, None).unwrap();
        assert_eq!(s.price_paid_minor, 400);
    }

    #[test]
    fn the_reserve_bounds_the_payment_and_a_lone_offer_is_paid_its_ask() {
        let c = [candidate("a", 300, 400), candidate("bb", 0, 250)];
        let s = settle(&c, 1.0, PricingRule::SecondScore, NO_CAP, Some(450)).unwrap();
        assert_eq!((s.price_paid_minor, s.bound), (450, PriceBound::Reserve));
        let lone = [candidate("a", 100, 400)];
        let s = settle(&lone, 1.0, PricingRule::SecondScore, NO_CAP, Some(450)).unwrap();
        assert_eq!((s.price_paid_minor, s.above_reserve), (400, false));
        let s = settle(&lone, 1.0, PricingRule::SecondScore, NO_CAP, Some(300)).unwrap();
        assert_eq!(
            (s.price_paid_minor, s.above_reserve, s.bound),
            (400, true, PriceBound::Ask),
            "above the reserve: its own price, and the household is asked"
        );
    }

    #[test]
    fn a_lone_offer_without_a_reserve_pays_its_own_price_and_own_decoys_do_not_count() {
        let lone = [candidate("a", 100, 400)];
        assert_eq!(
            settle(&lone, 1.0, PricingRule::SecondScore, NO_CAP, None)
                .unwrap()
                .price_paid_minor,
            400
        );
        let decoy = [candidate("a", 100, 400), candidate("a", 90, 420)];
        let s = settle(&decoy, 1.0, PricingRule::SecondScore, NO_CAP, None).unwrap();
        assert_eq!((s.runner_up, s.price_paid_minor), (None, 400));
        assert!(settle(&[], 1.0, PricingRule::SecondScore, NO_CAP, None).is_none());
    }

    /// Offers (value, net price), the household's weight, a cap and a
    /// reserve.
    #[allow(clippy::type_complexity)]
    fn instance() -> impl Strategy<Value = (Vec<(i64, u64)>, f64, u64, Option<u64>)> {
        (
            prop::collection::vec((-500i64..2_000, 50u64..5_000), 1..8),
            prop_oneof![Just(1.0), 0.1f64..10.0],
            prop_oneof![Just(NO_CAP), 500u64..20_000],
            prop::option::of(100u64..10_000),
        )
    }

    fn candidates(offers: &[(i64, u64)], cap: u64) -> Vec<Candidate> {
        offers
            .iter()
            .enumerate()
            .map(|(i, (value, price))| Candidate {
                brand: format!("brand-{i}"),
                value: *value,
                price_minor: *price,
                tiebreak: i as u64,
            })
            .filter(|c| c.price_minor <= cap)
            .collect()
    }

    proptest! {
        /// The household never pays more than its cap or the reserve, nor
        /// more than the winner's own price plus its settled advantage over
        /// the runner-up (or the reserve); and never less than the ask.
        #[test]
        fn the_price_paid_never_exceeds_the_cap_nor_the_ask_plus_the_settled_advantage(
            (offers, weight, cap, reserve) in instance()
        ) {
            let c = candidates(&offers, cap);
            prop_assume!(!c.is_empty());
            let s = settle(&c, weight, PricingRule::SecondScore, cap, reserve).unwrap();
            let w = &c[s.winner];
            prop_assert!(s.price_paid_minor >= w.price_minor);
            prop_assert!(s.price_paid_minor <= cap.max(w.price_minor));
            if let Some(r) = reserve && !s.above_reserve {
                prop_assert!(s.price_paid_minor <= r);
            }
            // The advantage over the best alternative: the runner-up, or
            // the reserve offered with the winner's own quality.
            let alternative = s
                .runner_up
                .map(|r| c[r].score(weight))
                .into_iter()
                .chain(reserve.map(|r| w.value as f64 - weight * r as f64))
                .fold(f64::NEG_INFINITY, f64::max);
            if s.runner_up.is_none() {
                prop_assert_eq!(s.price_paid_minor, w.price_minor, "a lone offer is paid its ask");
            }
            if alternative.is_finite() && !s.above_reserve {
                let advantage = (w.score(weight) - alternative) / weight;
                prop_assert!(
                    s.price_paid_minor as f64 <= w.price_minor as f64 + advantage.max(0.0) + 1.0,
                    "paid {} > ask {} + advantage {advantage}", s.price_paid_minor, w.price_minor
                );
            }
            if let Some(r) = s.runner_up && !s.capped && s.bound == PriceBound::RunnerUp {
                // The household is at least as well off as with the runner-up.
                let surplus = w.value as f64 - weight * s.price_paid_minor as f64;
                prop_assert!(surplus >= c[r].score(weight) - 1e-6);
            }
        }

        #[test]
        fn pay_as_offered_never_charges_more_than_the_offer((offers, weight, _cap, _r) in instance()) {
            let c = candidates(&offers, NO_CAP);
            let s = settle(&c, weight, PricingRule::PayAsOffered, NO_CAP, None).unwrap();
            prop_assert_eq!(s.price_paid_minor, c[s.winner].price_minor);
        }

        /// A brand whose true best offer costs it `cost` never does better by
        /// asking another price, whatever the others offer, as long as it
        /// faces another brand's offer and asks at most the reserve. (Alone
        /// it is paid its ask, which no rule that pays at most the ask can
        /// make truthful; above the reserve the household decides.)
        #[test]
        fn offering_the_true_best_offer_is_never_worse_than_misreporting(
            (others, weight, cap, reserve) in instance(),
            value in -500i64..2_000,
            cost in 50u64..5_000,
            deviation in -3_000i64..3_000,
        ) {
            let utility = |ask: u64| -> f64 {
                let mut c = candidates(&others, cap);
                c.push(Candidate { brand: "me".into(), value, price_minor: ask, tiebreak: 1_000 });
                let c: Vec<_> = c.into_iter().filter(|c| c.price_minor <= cap).collect();
                match settle(&c, weight, PricingRule::SecondScore, cap, reserve) {
                    Some(s) if c[s.winner].brand == "me" => s.price_paid_minor as f64 - cost as f64,
                    _ => 0.0,
                }
            };
            let others_left = candidates(&others, cap);
            prop_assume!(!others_left.is_empty());
            let ask = (cost as i64 + deviation).max(1) as u64;
            prop_assume!(reserve.is_none_or(|r| ask <= r && cost <= r));
            // One minor unit of tolerance for the rounding of the price.
            prop_assert!(utility(cost) >= utility(ask) - 1.0, "truthful {} < deviating {}", utility(cost), utility(ask));
        }
    }
}
