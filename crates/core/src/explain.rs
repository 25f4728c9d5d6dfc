//! The explanation of one decision, for the household: why the need, what
//! was shared with whom (and what was withheld, and why), how every offer
//! scored, which price rule applied, and which mandate rule decided. Both
//! structured (serde) and as short text.

use serde::{Deserialize, Serialize};

use crate::auction::{AuctionResult, LossReason, PricingRule, ScoreBreakdown, ScoredOffer};
use crate::household::DataField;
use crate::mandate::{MandateDecision, MandateRule};
use crate::minimiser::{Minimised, Withheld};
use crate::needs::{Need, NeedReason};
use vitrine_types::{NeedKind, Quantity, Unit};

/// Why the need was raised.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct NeedPart {
    /// The need's id.
    pub id: String,
    /// Its kind.
    pub kind: NeedKind,
    /// Its category.
    pub category: String,
    /// How much.
    pub quantity: Quantity,
    /// The reason, with its numbers.
    pub reason: NeedReason,
}

/// What one brand was sent.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct SharedPart {
    /// The brand.
    pub brand: String,
    /// Fields beyond the need itself.
    pub fields: Vec<DataField>,
    /// The labels passed.
    pub labels: Vec<String>,
    /// Fields withheld, and why.
    pub withheld: Vec<Withheld>,
}

/// One offer, scored.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct OfferPart {
    /// The brand.
    pub brand: String,
    /// The SKU.
    pub sku: String,
    /// The title.
    pub title: String,
    /// The score, term by term.
    pub score: ScoreBreakdown,
}

/// The price rule applied.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct PricePart {
    /// The rule.
    pub rule: PricingRule,
    /// The winner's offered price, before its money claims.
    pub offer_price_minor: u64,
    /// The money it claimed (credits, deposits, loyalty), settled: the
    /// household pays that much less.
    #[serde(default)]
    pub credits_minor: u64,
    /// What is paid.
    pub price_paid_minor: u64,
    /// The runner-up's score, when there was one.
    pub runner_up_score: Option<f64>,
    /// Whether the budget cap limited the price.
    pub capped: bool,
    /// What set the price: the runner-up, the reserve, the cap or the ask.
    #[serde(default = "ask")]
    pub bound: crate::auction::PriceBound,
    /// The reserve (the most paid on the household's behalf), if known.
    #[serde(default)]
    pub reserve_minor: Option<u64>,
}

fn ask() -> crate::auction::PriceBound {
    crate::auction::PriceBound::Ask
}

/// The mandate check.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct MandatePart {
    /// The outcome.
    pub decision: MandateDecision,
    /// The rule that decided.
    pub rule: MandateRule,
}

/// The full explanation.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct Explanation {
    /// Why the need.
    pub need: NeedPart,
    /// What each brand was sent.
    pub shared: Vec<SharedPart>,
    /// Every scored offer, best first (at most ten).
    pub offers: Vec<OfferPart>,
    /// The winner.
    pub winner: Option<OfferPart>,
    /// The runner-up.
    pub runner_up: Option<OfferPart>,
    /// The price rule.
    pub price: Option<PricePart>,
    /// Why each other brand lost.
    pub losses: Vec<(String, LossReason)>,
    /// The mandate check.
    pub mandate: MandatePart,
    /// Brands not asked because they refused this need's earlier order or
    /// failed to deliver it, each with what it did in words.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub let_down: Vec<(String, String)>,
    /// All of the above, briefly, in words.
    pub text: String,
}

impl Explanation {
    /// Records the brands this need was decided again without, and says so
    /// after the need's line ("Decided again without farm-coop, which
    /// refused it (out of stock).").
    pub fn let_down(&mut self, brands: Vec<(String, String)>) {
        if brands.is_empty() {
            return;
        }
        let said: Vec<String> = brands
            .iter()
            .map(|(brand, what)| format!("{brand}, which {what}"))
            .collect();
        let line = format!("\nDecided again without {}.", said.join("; "));
        match self.text.find('\n') {
            Some(at) => self.text.insert_str(at, &line),
            None => self.text.push_str(&line),
        }
        self.let_down = brands;
    }

    /// Says, after the need's line, that earlier asks for this need
    /// expired unanswered ((brand, when)), so it is decided again.
    pub fn expired_asks(&mut self, asks: &[(String, vitrine_types::time::Timestamp)]) {
        if asks.is_empty() {
            return;
        }
        let said: Vec<String> = asks
            .iter()
            .map(|(brand, at)| format!("to {brand} expired unanswered on {}", at.day().date()))
            .collect();
        let line = format!(
            "\nAsked before: the ask {}; decided again.",
            said.join(", the ask ")
        );
        match self.text.find('\n') {
            Some(at) => self.text.insert_str(at, &line),
            None => self.text.push_str(&line),
        }
    }
}

fn offer_part(s: &ScoredOffer) -> OfferPart {
    OfferPart {
        brand: s.brand.clone(),
        sku: s.offer.sku.clone(),
        title: s.offer.title.clone(),
        score: s.breakdown.clone(),
    }
}

/// Money in minor units as `12.34`.
pub fn money(minor: u64) -> String {
    format!("{}.{:02}", minor / 100, minor % 100)
}

fn signed_money(minor: f64) -> String {
    let sign = if minor < 0.0 { "−" } else { "+" };
    let abs = minor.abs().round() as u64;
    format!("{sign}{}", money(abs))
}

/// A quantity as a household says it: "2 loaves", "8 yogurts", "6.3 L",
/// "750 g" (litres and kilograms from a thousand up; what a piece is
/// called, by the category's last segment, where we know it).
pub fn quantity_in_words(q: Quantity, category: &str) -> String {
    fn metric(amount: u32, small: &str, large: &str) -> String {
        if amount < 1000 {
            return format!("{amount} {small}");
        }
        let whole = format!("{:.1}", f64::from(amount) / 1000.0);
        format!("{} {large}", whole.trim_end_matches(".0"))
    }
    match q.unit {
        Unit::Gram => metric(q.amount, "g", "kg"),
        Unit::Millilitre => metric(q.amount, "ml", "L"),
        Unit::Piece => {
            const NAMES: &[(&str, &str, &str)] = &[
                ("bread", "loaf", "loaves"),
                ("yogurt", "yogurt", "yogurts"),
                ("eggs", "egg", "eggs"),
                ("chocolate", "bar", "bars"),
            ];
            let last = category.rsplit('/').next().unwrap_or(category);
            let (one, many) = NAMES
                .iter()
                .find(|(segment, _, _)| *segment == last)
                .map_or(("item", "items"), |(_, one, many)| (*one, *many));
            format!("{} {}", q.amount, if q.amount == 1 { one } else { many })
        }
    }
}

/// Builds the explanation of a decision.
pub fn explain(
    need: &Need,
    requests: &[(String, Minimised)],
    auction: &AuctionResult,
    decision: MandateDecision,
    rule: &MandateRule,
    currency: &str,
) -> Explanation {
    let shared: Vec<SharedPart> = requests
        .iter()
        .map(|(brand, m)| SharedPart {
            brand: brand.clone(),
            fields: m.shared.clone(),
            labels: m.request.labels.clone(),
            withheld: m.withheld.clone(),
        })
        .collect();
    let winner = auction.winner().map(offer_part);
    let runner_up = auction.runner_up().map(offer_part);
    let price = auction.settlement.as_ref().map(|s| PricePart {
        rule: s.rule,
        offer_price_minor: s.offer_price_minor,
        credits_minor: s.credits_minor,
        price_paid_minor: s.price_paid_minor,
        runner_up_score: auction.runner_up().map(|r| r.breakdown.score),
        capped: s.capped,
        bound: s.bound,
        reserve_minor: s.reserve_minor,
    });
    let losses = auction
        .bidders
        .iter()
        .filter_map(|b| b.loss.clone().map(|l| (b.brand.clone(), l)))
        .collect();

    let mut text = format!(
        "Need: {} of {} ({}), because {}.",
        quantity_in_words(need.quantity, &need.category),
        need.category,
        need.kind.as_str(),
        need.reason.summary()
    );
    if let Some((_, first)) = requests.first() {
        let fields: Vec<&str> = first.shared.iter().map(|f| f.as_str()).collect();
        text.push_str(&format!(
            "\nShared with {} brand{}: the category, a bucketed quantity, the delivery window{}{}.",
            requests.len(),
            if requests.len() == 1 { "" } else { "s" },
            if fields.is_empty() {
                String::new()
            } else {
                format!(", {}", fields.join(", "))
            },
            if first.request.labels.is_empty() {
                String::new()
            } else {
                format!(" ({})", first.request.labels.join(", "))
            }
        ));
    } else {
        text.push_str("\nNo brand serves this category: nothing was shared.");
    }
    // Everything a plugin wrote appears only inside quotes, normalised:
    // no plugin string can make a line that reads as the platform's.
    let line = |label: &str, s: &OfferPart| {
        let b = &s.score;
        let credits = if b.money_claims_minor > 0 {
            format!(" less {} of settled credits", money(b.money_claims_minor))
        } else {
            String::new()
        };
        format!(
            "\n{label}: {} — {} at {} {currency}{credits}, score {} (services {}, labels {}, affinity {}, delay {}, carbon {}).",
            s.brand,
            vitrine_types::text::quoted(&s.title),
            money(b.price_minor),
            signed_money(b.score),
            signed_money(b.services.values().sum::<i64>() as f64),
            signed_money(b.labels.values().sum::<i64>() as f64),
            signed_money(b.affinity as f64),
            signed_money(-(b.delay_penalty as f64)),
            signed_money(-(b.carbon_cost as f64)),
        )
    };
    match (&winner, &runner_up) {
        (Some(w), r) => {
            text.push_str(&line("Winner", w));
            if let Some(r) = r {
                text.push_str(&line("Runner-up", r));
            }
        }
        (None, _) => text.push_str("\nNo acceptable offer."),
    }
    if let Some(p) = &price {
        use crate::auction::PriceBound;
        let offered = money(p.offer_price_minor.saturating_sub(p.credits_minor));
        let paid = money(p.price_paid_minor);
        text.push_str(&match (p.rule, p.bound) {
            (PricingRule::PayAsOffered, _) => {
                format!("\nPrice: {paid} {currency}, as offered.")
            }
            (PricingRule::SecondScore, PriceBound::RunnerUp) => format!(
                "\nPrice: second score — {paid} {currency} (offered {offered}), the price at which this offer is exactly as good for you as the runner-up's."
            ),
            (PricingRule::SecondScore, PriceBound::Reserve) => format!(
                "\nPrice: {paid} {currency} (offered {offered}): your usual price for this much plus a margin, the most paid on your behalf, below what the runner-up would have allowed."
            ),
            (PricingRule::SecondScore, PriceBound::Cap) => format!(
                "\nPrice: {paid} {currency} (offered {offered}), limited by your cap."
            ),
            (PricingRule::SecondScore, PriceBound::Ask) => match p.reserve_minor {
                Some(reserve) if p.price_paid_minor > reserve => format!(
                    "\nPrice: {paid} {currency}, the offered price, above the most paid on your behalf ({}).",
                    money(reserve)
                ),
                _ if p.runner_up_score.is_none() => format!(
                    "\nPrice: {paid} {currency}, the offered price (no competing offer)."
                ),
                _ => format!("\nPrice: {paid} {currency}, the offered price."),
            },
        });
        if p.credits_minor > 0 {
            text.push_str(&format!(
                " Its credits ({} {currency}) are settled by the platform: deducted from what the brand is paid, they are already out of the {paid} you pay.",
                money(p.credits_minor)
            ));
        }
    }
    text.push_str(&format!(
        "\nDecision: {} — {rule}.",
        match decision {
            MandateDecision::Ordered => "ordered automatically",
            MandateDecision::AwaitingApproval => "waiting for your approval",
            MandateDecision::Declined => "declined",
        }
    ));

    Explanation {
        need: NeedPart {
            id: need.id.clone(),
            kind: need.kind,
            category: need.category.clone(),
            quantity: need.quantity,
            reason: need.reason.clone(),
        },
        shared,
        offers: auction.scored.iter().take(10).map(offer_part).collect(),
        winner,
        runner_up,
        price,
        losses,
        mandate: MandatePart {
            decision,
            rule: rule.clone(),
        },
        let_down: Vec::new(),
        text,
    }
}

#[cfg(test)]
mod quantity_tests {
    use super::*;

    #[test]
    fn quantities_are_said_in_the_households_words() {
        let q = |amount, unit| Quantity { amount, unit };
        assert_eq!(
            quantity_in_words(q(2, Unit::Piece), "food/bakery/bread"),
            "2 loaves"
        );
        assert_eq!(
            quantity_in_words(q(1, Unit::Piece), "food/bakery/bread"),
            "1 loaf"
        );
        assert_eq!(
            quantity_in_words(q(8, Unit::Piece), "food/dairy/yogurt"),
            "8 yogurts"
        );
        assert_eq!(
            quantity_in_words(q(6300, Unit::Millilitre), "food/dairy/milk"),
            "6.3 L"
        );
        assert_eq!(
            quantity_in_words(q(4000, Unit::Millilitre), "food/dairy/milk"),
            "4 L"
        );
        assert_eq!(
            quantity_in_words(q(750, Unit::Gram), "food/produce"),
            "750 g"
        );
        assert_eq!(
            quantity_in_words(q(3, Unit::Piece), "school/supplies"),
            "3 items"
        );
    }
}
