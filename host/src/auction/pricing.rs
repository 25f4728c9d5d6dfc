//! Choosing the winner and the price paid.
//!
//! Offers compete on score = value − w × price (`scoring`). The highest score
//! wins; ties are broken by a seeded hash, so they are deterministic but not
//! by name. Two price rules:
//!
//! - **Second score** (Che 1993; the default). The runner-up is the best
//!   offer from *another* brand. The winner is paid the price at which its
//!   offer would score exactly the runner-up's score:
//!   `p = (V_winner − S_runner_up) / w`. That price is never below the
//!   winner's own offer (it won, so its score was at least the runner-up's),
//!   and it does not depend on the winner's own price. So a brand's best
//!   strategy is to offer its true best terms: asking more can only lose the
//!   sale, never raise the payment. The household is charged exactly what
//!   makes the winner as good *for it* as the runner-up's offer at the
//!   runner-up's own price: it never ends up worse off than with the next
//!   best real offer. The payment is capped by the household's budget cap for
//!   the category. A lone offer pays its own price.
//! - **Pay as offered** (first score): the household pays the offered price.
//!   Simple, but a brand gains by asking more than its true price.
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
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
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
    /// The offered price.
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

/// The outcome: who won, who came second, what is paid.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Settlement {
    /// Index of the winner among the candidates.
    pub winner: usize,
    /// Index of the runner-up (best offer of another brand), if any.
    pub runner_up: Option<usize>,
    /// The rule applied.
    pub rule: PricingRule,
    /// The winner's offered price.
    pub offer_price_minor: u64,
    /// What the household pays.
    pub price_paid_minor: u64,
    /// Whether the household's budget cap limited the price.
    pub capped: bool,
}

/// Picks the winner and sets the price. `cap` is the household's budget cap
/// for the category (candidates above it must already be filtered out).
pub fn settle(
    candidates: &[Candidate],
    weight: f64,
    rule: PricingRule,
    cap: Option<u64>,
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
    let (price_paid_minor, capped) = match (rule, runner_up) {
        (PricingRule::SecondScore, Some(r)) => {
            let matching = (w.value as f64 - candidates[r].score(weight)) / weight;
            // Rounded down in the household's favour, never below the offer.
            let price = (matching.floor().max(0.0) as u64).max(w.price_minor);
            match cap {
                Some(cap) if price > cap => (cap.max(w.price_minor), true),
                _ => (price, false),
            }
        }
        _ => (w.price_minor, false),
    };
    Some(Settlement {
        winner,
        runner_up,
        rule,
        offer_price_minor: w.price_minor,
        price_paid_minor,
        capped,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

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
        let s = settle(&c, 1.0, PricingRule::SecondScore, None).unwrap();
        assert_eq!((s.winner, s.runner_up), (0, Some(1)));
        // 300 − p = −250 → p = 550.
        assert_eq!(s.price_paid_minor, 550);
        let s = settle(&c, 1.0, PricingRule::SecondScore, Some(500)).unwrap();
        assert_eq!((s.price_paid_minor, s.capped), (500, true));
        let s = settle(&c, 1.0, PricingRule::PayAsOffered, None).unwrap();
        assert_eq!(s.price_paid_minor, 400);
    }

    #[test]
    fn a_lone_offer_pays_its_own_price_and_own_decoys_do_not_count() {
        let lone = [candidate("a", 100, 400)];
        assert_eq!(
            settle(&lone, 1.0, PricingRule::SecondScore, None)
                .unwrap()
                .price_paid_minor,
            400
        );
        let decoy = [candidate("a", 100, 400), candidate("a", 90, 420)];
        let s = settle(&decoy, 1.0, PricingRule::SecondScore, None).unwrap();
        assert_eq!((s.runner_up, s.price_paid_minor), (None, 400));
        assert!(settle(&[], 1.0, PricingRule::SecondScore, None).is_none());
    }

    fn instance() -> impl Strategy<Value = (Vec<(i64, u64)>, f64, Option<u64>)> {
        (
            prop::collection::vec((0i64..2_000, 50u64..5_000), 1..8),
            prop_oneof![Just(1.0), 0.5f64..3.0],
            prop::option::of(2_000u64..20_000),
        )
    }

    fn candidates(offers: &[(i64, u64)]) -> Vec<Candidate> {
        offers
            .iter()
            .enumerate()
            .map(|(i, (value, price))| Candidate {
                brand: format!("brand-{i}"),
                value: *value,
                price_minor: *price,
                tiebreak: i as u64,
            })
            .collect()
    }

    proptest! {
        #[test]
        fn second_score_pays_at_least_the_offer_at_most_the_cap_and_leaves_the_household_as_well_off_as_the_runner_up(
            (offers, weight, cap) in instance()
        ) {
            let c: Vec<_> = candidates(&offers).into_iter().filter(|c| cap.is_none_or(|cap| c.price_minor <= cap)).collect();
            prop_assume!(!c.is_empty());
            let s = settle(&c, weight, PricingRule::SecondScore, cap).unwrap();
            prop_assert!(s.price_paid_minor >= s.offer_price_minor);
            if let Some(cap) = cap { prop_assert!(s.price_paid_minor <= cap); }
            let winner = &c[s.winner];
            let surplus = winner.value as f64 - weight * s.price_paid_minor as f64;
            match s.runner_up {
                // Rounded down to a whole minor unit: at most one unit (× w) better.
                Some(r) if !s.capped => {
                    let runner_up = c[r].score(weight);
                    prop_assert!(surplus >= runner_up - 1e-6, "{surplus} < {runner_up}");
                    prop_assert!(surplus <= runner_up + weight + 1e-6 || s.price_paid_minor == s.offer_price_minor);
                }
                Some(r) => prop_assert!(surplus >= c[r].score(weight) - 1e-6),
                None => prop_assert_eq!(s.price_paid_minor, s.offer_price_minor),
            }
        }

        #[test]
        fn pay_as_offered_never_charges_more_than_the_offer((offers, weight, _cap) in instance()) {
            let c = candidates(&offers);
            let s = settle(&c, weight, PricingRule::PayAsOffered, None).unwrap();
            prop_assert_eq!(s.price_paid_minor, c[s.winner].price_minor);
        }

        /// A brand whose true best offer costs it `cost` never does better by
        /// asking another price, whatever the others offer, as long as it
        /// faces at least one other eligible offer. (Alone, the contract's
        /// "a lone offer pays its own price" is pay-as-offered, which no
        /// rule without a reserve price can make truthful.)
        #[test]
        fn offering_the_true_best_offer_is_never_worse_than_misreporting(
            (others, weight, cap) in instance(),
            value in 0i64..2_000,
            cost in 50u64..5_000,
            deviation in -3_000i64..3_000,
        ) {
            let utility = |ask: u64| -> f64 {
                let mut c = candidates(&others);
                c.push(Candidate { brand: "me".into(), value, price_minor: ask, tiebreak: 1_000 });
                let c: Vec<_> = c.into_iter().filter(|c| cap.is_none_or(|cap| c.price_minor <= cap)).collect();
                match settle(&c, weight, PricingRule::SecondScore, cap) {
                    Some(s) if c[s.winner].brand == "me" => s.price_paid_minor as f64 - cost as f64,
                    _ => 0.0,
                }
            };
            prop_assume!(others.iter().any(|(_, price)| cap.is_none_or(|cap| *price <= cap)));
            let ask = (cost as i64 + deviation).max(1) as u64;
            // One minor unit of tolerance for the rounding of the price.
            prop_assert!(utility(cost) >= utility(ask) - 1.0, "truthful {} < deviating {}", utility(cost), utility(ask));
        }
    }
}
