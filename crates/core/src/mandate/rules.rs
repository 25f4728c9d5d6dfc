//! Standing consent rules ("mandates", in the spirit of AP2's open
//! mandates): what may be bought automatically, from whom, for how much, how
//! often, until when. Anything outside them goes back to the household.

use std::collections::BTreeSet;
use std::fmt;

use serde::{Deserialize, Serialize};

use super::period::Period;
use vitrine_types::time::Timestamp;
use vitrine_types::{NeedKind, category_is_under, is_category_path};

/// A budget over a period.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Budget {
    /// The period.
    pub period: Period,
    /// The most that may be spent in it, in minor units.
    #[schemars(range(min = 1, max = vitrine_types::MAX_MONEY_MINOR))]
    pub limit_minor: u64,
}

/// A limit on how many orders a mandate may place per period.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Recurrence {
    /// The period.
    pub period: Period,
    /// The most orders in it.
    #[schemars(range(min = 1, max = 10_000))]
    pub max_orders: u32,
}

/// One standing consent rule.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Mandate {
    /// Its identifier, local to the household.
    #[schemars(length(min = 1, max = 64))]
    pub id: String,
    /// Category prefixes it covers (`food/dairy`).
    #[schemars(length(min = 1, max = 64))]
    pub categories: Vec<String>,
    /// The most one order may cost, in minor units.
    #[serde(default)]
    #[schemars(range(min = 1, max = vitrine_types::MAX_MONEY_MINOR))]
    pub per_order_cap_minor: Option<u64>,
    /// Cumulative budgets, kept in the ledger.
    #[serde(default)]
    #[schemars(length(max = 8))]
    pub budgets: Vec<Budget>,
    /// When set, only these brands may be ordered from automatically.
    #[serde(default)]
    pub allowed_brands: Option<BTreeSet<String>>,
    /// Brands never ordered from.
    #[serde(default)]
    pub blocked_brands: BTreeSet<String>,
    /// Need kinds that may be ordered automatically (desire never is).
    #[serde(default = "default_need_kinds")]
    pub need_kinds: BTreeSet<NeedKind>,
    /// How many orders it may place per period.
    #[serde(default)]
    pub recurrence: Option<Recurrence>,
    /// After this instant the mandate no longer orders anything.
    #[serde(default)]
    pub expires: Option<Timestamp>,
    /// Whether the first order from a brand the household never bought from
    /// is asked rather than placed. Default true.
    #[serde(default = "yes")]
    pub new_brand_asks: bool,
    /// Days a subscription won under this mandate runs before its category
    /// is auctioned again (7 to 365; default 90).
    #[serde(default)]
    #[schemars(range(min = 7, max = 365))]
    pub subscription_renewal_days: Option<u16>,
}

fn default_need_kinds() -> BTreeSet<NeedKind> {
    [NeedKind::Replenishment, NeedKind::Seasonal]
        .into_iter()
        .collect()
}

fn yes() -> bool {
    true
}

impl Mandate {
    /// A mandate for `categories` with no caps: every need kind but desire,
    /// new brands ask.
    pub fn new(id: impl Into<String>, categories: &[&str]) -> Mandate {
        Mandate {
            id: id.into(),
            categories: categories.iter().map(|c| (*c).to_owned()).collect(),
            per_order_cap_minor: None,
            budgets: Vec::new(),
            allowed_brands: None,
            blocked_brands: BTreeSet::new(),
            need_kinds: default_need_kinds(),
            recurrence: None,
            expires: None,
            new_brand_asks: true,
            subscription_renewal_days: None,
        }
    }

    /// Whether this mandate covers `category`.
    pub fn covers(&self, category: &str) -> bool {
        self.coverage(category).is_some()
    }

    /// Checks the rule makes sense; desire can never be automatic.
    pub fn validate(&self) -> Result<(), String> {
        if self.id.is_empty() || self.id.len() > 64 {
            return Err("a mandate id must be 1 to 64 characters".into());
        }
        if self.categories.is_empty() {
            return Err(format!("mandate {}: at least one category", self.id));
        }
        if let Some(bad) = self.categories.iter().find(|c| !is_category_path(c)) {
            return Err(format!(
                "mandate {}: {bad:?} is not a taxonomy path",
                self.id
            ));
        }
        if self.need_kinds.contains(&NeedKind::Desire) {
            return Err(format!(
                "mandate {}: desire needs are never ordered automatically",
                self.id
            ));
        }
        let money = vitrine_types::MAX_MONEY_MINOR;
        if self
            .budgets
            .iter()
            .map(|b| b.limit_minor)
            .chain(self.per_order_cap_minor)
            .any(|limit| limit == 0 || limit > money)
        {
            return Err(format!(
                "mandate {}: caps and budgets must be 1 to {money} minor units",
                self.id
            ));
        }
        if self.categories.len() > 64 || self.budgets.len() > 8 {
            return Err(format!(
                "mandate {}: at most 64 categories and 8 budgets",
                self.id
            ));
        }
        if self.recurrence.as_ref().is_some_and(|r| r.max_orders == 0) {
            return Err(format!("mandate {}: max_orders must be positive", self.id));
        }
        if self
            .subscription_renewal_days
            .is_some_and(|d| !(7..=365).contains(&d))
        {
            return Err(format!(
                "mandate {}: subscription_renewal_days must be 7 to 365",
                self.id
            ));
        }
        Ok(())
    }

    /// The length of the longest category prefix covering `category`.
    pub(crate) fn coverage(&self, category: &str) -> Option<usize> {
        self.categories
            .iter()
            .filter(|prefix| category_is_under(category, prefix))
            .map(String::len)
            .max()
    }
}

/// What the mandate check decided.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum MandateDecision {
    /// Ordered automatically.
    Ordered,
    /// Asked: the household approves or declines.
    AwaitingApproval,
    /// Not ordered.
    Declined,
}

impl MandateDecision {
    /// The name used in JSON and reports.
    pub fn as_str(self) -> &'static str {
        match self {
            MandateDecision::Ordered => "ordered",
            MandateDecision::AwaitingApproval => "awaiting_approval",
            MandateDecision::Declined => "declined",
        }
    }
}

/// The rule that decided, with its numbers.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(rename_all = "snake_case", tag = "rule")]
pub enum MandateRule {
    /// No acceptable offer to order.
    NoOffer,
    /// Desire needs always ask.
    DesireAlwaysAsks,
    /// No mandate covers the category.
    NoMandate {
        /// The category.
        category: String,
    },
    /// The covering mandate has expired.
    Expired {
        /// The mandate.
        mandate: String,
    },
    /// The mandate does not allow this need kind.
    NeedKindNotAllowed {
        /// The mandate.
        mandate: String,
        /// The need kind.
        kind: NeedKind,
    },
    /// The brand is blocked by the mandate.
    BrandBlocked {
        /// The mandate.
        mandate: String,
        /// The brand.
        brand: String,
    },
    /// The brand is not among the mandate's allowed brands.
    BrandNotAllowed {
        /// The mandate.
        mandate: String,
        /// The brand.
        brand: String,
    },
    /// The price is above the reserve: more than the household's usual
    /// price (or the operator's reference) for this much.
    AboveReserve {
        /// The price to pay.
        price_minor: u64,
        /// The reserve.
        reserve_minor: u64,
    },
    /// The price is above the per-order cap (the mandate's, or the
    /// operator's default for the category when the mandate sets none).
    OverOrderCap {
        /// The mandate.
        mandate: String,
        /// The price to pay.
        price_minor: u64,
        /// The cap.
        cap_minor: u64,
    },
    /// The order would exceed a budget.
    OverBudget {
        /// The mandate.
        mandate: String,
        /// The budget's period.
        period: Period,
        /// Already spent in the period.
        spent_minor: u64,
        /// The price to pay.
        price_minor: u64,
        /// The budget.
        limit_minor: u64,
    },
    /// The mandate's recurrence limit is reached.
    RecurrenceReached {
        /// The mandate.
        mandate: String,
        /// The period.
        period: Period,
        /// The limit.
        max_orders: u32,
    },
    /// First order from this brand.
    NewBrand {
        /// The mandate.
        mandate: String,
        /// The brand.
        brand: String,
    },
    /// Everything is within the mandate.
    Within {
        /// The mandate.
        mandate: String,
    },
}

impl fmt::Display for MandateRule {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let money = |m: &u64| crate::explain::money(*m);
        match self {
            MandateRule::NoOffer => write!(f, "no acceptable offer"),
            MandateRule::DesireAlwaysAsks => {
                write!(f, "a desire is never ordered automatically: you are asked")
            }
            MandateRule::NoMandate { category } => {
                write!(f, "no standing mandate covers {category}: you are asked")
            }
            MandateRule::Expired { mandate } => write!(f, "mandate {mandate} has expired"),
            MandateRule::NeedKindNotAllowed { mandate, kind } => write!(
                f,
                "mandate {mandate} does not cover {} needs",
                kind.as_str()
            ),
            MandateRule::BrandBlocked { mandate, brand } => {
                write!(f, "mandate {mandate} blocks {brand}")
            }
            MandateRule::BrandNotAllowed { mandate, brand } => {
                write!(f, "{brand} is not among mandate {mandate}'s brands")
            }
            MandateRule::AboveReserve {
                price_minor,
                reserve_minor,
            } => write!(
                f,
                "{} is above the most the platform pays on its own for this ({}, your usual price plus a margin): you are asked",
                money(price_minor),
                money(reserve_minor)
            ),
            MandateRule::OverOrderCap {
                mandate,
                price_minor,
                cap_minor,
            } => write!(
                f,
                "{} is above mandate {mandate}'s per-order cap of {}",
                money(price_minor),
                money(cap_minor)
            ),
            MandateRule::OverBudget {
                mandate,
                period,
                spent_minor,
                price_minor,
                limit_minor,
            } => write!(
                f,
                "{} would take this {}'s spending to {} over mandate {mandate}'s budget of {}",
                money(price_minor),
                period.as_str(),
                money(&spent_minor.saturating_add(*price_minor)),
                money(limit_minor)
            ),
            MandateRule::RecurrenceReached {
                mandate,
                period,
                max_orders,
            } => write!(
                f,
                "mandate {mandate} allows {max_orders} orders per {}",
                period.as_str()
            ),
            MandateRule::NewBrand { mandate, brand } => write!(
                f,
                "first order from {brand}: mandate {mandate} asks for new brands"
            ),
            MandateRule::Within { mandate } => write!(f, "within mandate {mandate}"),
        }
    }
}

/// The facts the mandate check needs besides the mandates themselves.
#[derive(Clone)]
pub struct MandateContext<'a> {
    /// The need's kind.
    pub need_kind: NeedKind,
    /// The need's category.
    pub category: &'a str,
    /// The winning brand, if any.
    pub brand: Option<&'a str>,
    /// What would be paid.
    pub price_minor: u64,
    /// The reserve, when the price is above it (see `auction::pricing`).
    pub above_reserve: Option<u64>,
    /// The operator's default per-order cap for the category, which applies
    /// when the covering mandate sets none.
    pub default_order_cap_minor: u64,
    /// Now.
    pub now: Timestamp,
    /// Whether the household has bought from this brand before.
    pub known_brand: bool,
    /// Spent on the categories a mandate covers in a budget's period.
    pub spent: &'a dyn Fn(&Mandate, Period) -> u64,
    /// Orders in the categories a mandate covers in a period.
    pub orders: &'a dyn Fn(&Mandate, Period) -> u32,
}

/// The most specific mandate covering `category` (ties: the first by id).
pub fn covering<'a>(mandates: &'a [Mandate], category: &str) -> Option<&'a Mandate> {
    mandates
        .iter()
        .filter_map(|m| m.coverage(category).map(|len| (len, m)))
        .max_by(|(a, ma), (b, mb)| a.cmp(b).then_with(|| mb.id.cmp(&ma.id)))
        .map(|(_, m)| m)
}

/// Decides, with the rule that decided. The most specific mandate covering
/// the category decides (ties: the first by id); the budgets of every
/// mandate covering the category must hold (a `food` budget counts the
/// dairy bought under a `food/dairy` mandate).
pub fn evaluate(mandates: &[Mandate], ctx: &MandateContext<'_>) -> (MandateDecision, MandateRule) {
    use MandateDecision::{AwaitingApproval, Declined, Ordered};
    let Some(brand) = ctx.brand else {
        return (Declined, MandateRule::NoOffer);
    };
    if ctx.need_kind == NeedKind::Desire {
        return (AwaitingApproval, MandateRule::DesireAlwaysAsks);
    }
    let Some(m) = covering(mandates, ctx.category) else {
        return (
            AwaitingApproval,
            MandateRule::NoMandate {
                category: ctx.category.to_owned(),
            },
        );
    };
    let id = || m.id.clone();
    if m.blocked_brands.contains(brand) {
        return (
            Declined,
            MandateRule::BrandBlocked {
                mandate: id(),
                brand: brand.to_owned(),
            },
        );
    }
    if m.expires.is_some_and(|at| ctx.now >= at) {
        return (AwaitingApproval, MandateRule::Expired { mandate: id() });
    }
    if !m.need_kinds.contains(&ctx.need_kind) {
        return (
            AwaitingApproval,
            MandateRule::NeedKindNotAllowed {
                mandate: id(),
                kind: ctx.need_kind,
            },
        );
    }
    if m.allowed_brands
        .as_ref()
        .is_some_and(|allowed| !allowed.contains(brand))
    {
        return (
            AwaitingApproval,
            MandateRule::BrandNotAllowed {
                mandate: id(),
                brand: brand.to_owned(),
            },
        );
    }
    let cap = m.per_order_cap_minor.unwrap_or(ctx.default_order_cap_minor);
    if ctx.price_minor > cap {
        return (
            AwaitingApproval,
            MandateRule::OverOrderCap {
                mandate: id(),
                price_minor: ctx.price_minor,
                cap_minor: cap,
            },
        );
    }
    if let Some(reserve) = ctx.above_reserve {
        return (
            AwaitingApproval,
            MandateRule::AboveReserve {
                price_minor: ctx.price_minor,
                reserve_minor: reserve,
            },
        );
    }
    for covering in mandates.iter().filter(|c| c.covers(ctx.category)) {
        for budget in &covering.budgets {
            let spent = (ctx.spent)(covering, budget.period);
            if spent.saturating_add(ctx.price_minor) > budget.limit_minor {
                return (
                    AwaitingApproval,
                    MandateRule::OverBudget {
                        mandate: covering.id.clone(),
                        period: budget.period,
                        spent_minor: spent,
                        price_minor: ctx.price_minor,
                        limit_minor: budget.limit_minor,
                    },
                );
            }
        }
    }
    if let Some(r) = &m.recurrence
        && (ctx.orders)(m, r.period) >= r.max_orders
    {
        return (
            AwaitingApproval,
            MandateRule::RecurrenceReached {
                mandate: id(),
                period: r.period,
                max_orders: r.max_orders,
            },
        );
    }
    if m.new_brand_asks && !ctx.known_brand {
        return (
            AwaitingApproval,
            MandateRule::NewBrand {
                mandate: id(),
                brand: brand.to_owned(),
            },
        );
    }
    (Ordered, MandateRule::Within { mandate: id() })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ctx<'a>(
        kind: NeedKind,
        brand: Option<&'a str>,
        price: u64,
        known: bool,
        spent: &'a dyn Fn(&Mandate, Period) -> u64,
    ) -> MandateContext<'a> {
        MandateContext {
            need_kind: kind,
            category: "food/dairy/yogurt",
            brand,
            price_minor: price,
            above_reserve: None,
            default_order_cap_minor: 10_000,
            now: Timestamp(1_000),
            known_brand: known,
            spent,
            orders: &|_, _| 0,
        }
    }

    fn dairy() -> Mandate {
        Mandate {
            per_order_cap_minor: Some(1_000),
            budgets: vec![Budget {
                period: Period::Week,
                limit_minor: 2_000,
            }],
            ..Mandate::new("dairy", &["food/dairy"])
        }
    }

    #[test]
    fn within_every_limit_orders_automatically() {
        let (d, rule) = evaluate(
            &[dairy()],
            &ctx(NeedKind::Replenishment, Some("b"), 500, true, &|_, _| 0),
        );
        assert_eq!(d, MandateDecision::Ordered);
        assert_eq!(
            rule,
            MandateRule::Within {
                mandate: "dairy".into()
            }
        );
    }

    #[test]
    fn each_limit_sends_the_order_back_to_the_household_naming_the_rule() {
        let m = [dairy()];
        let cases: Vec<(MandateContext<'_>, &str)> = vec![
            (
                ctx(NeedKind::Desire, Some("b"), 500, true, &|_, _| 0),
                "desire_always_asks",
            ),
            (
                ctx(NeedKind::Replenishment, Some("b"), 1_500, true, &|_, _| 0),
                "over_order_cap",
            ),
            (
                ctx(NeedKind::Replenishment, Some("b"), 600, true, &|_, _| 1_500),
                "over_budget",
            ),
            (
                ctx(NeedKind::Replenishment, Some("b"), 500, false, &|_, _| 0),
                "new_brand",
            ),
        ];
        for (c, expected) in cases {
            let (d, rule) = evaluate(&m, &c);
            assert_eq!(d, MandateDecision::AwaitingApproval, "{expected}");
            let json = serde_json::to_value(&rule).unwrap();
            assert_eq!(json["rule"], expected);
        }
        let (d, rule) = evaluate(
            &[],
            &ctx(NeedKind::Replenishment, Some("b"), 500, true, &|_, _| 0),
        );
        assert_eq!(
            (d, rule.to_string().contains("no standing mandate")),
            (MandateDecision::AwaitingApproval, true)
        );
    }

    #[test]
    fn blocked_brands_and_missing_offers_are_declined() {
        let mut m = dairy();
        m.blocked_brands.insert("bad".into());
        let (d, _) = evaluate(
            &[m],
            &ctx(NeedKind::Replenishment, Some("bad"), 100, true, &|_, _| 0),
        );
        assert_eq!(d, MandateDecision::Declined);
        let (d, rule) = evaluate(
            &[dairy()],
            &ctx(NeedKind::Replenishment, None, 0, true, &|_, _| 0),
        );
        assert_eq!((d, rule), (MandateDecision::Declined, MandateRule::NoOffer));
    }

    #[test]
    fn expired_and_most_specific_mandates() {
        let mut expired = dairy();
        expired.expires = Some(Timestamp(500));
        let (d, rule) = evaluate(
            &[expired],
            &ctx(NeedKind::Replenishment, Some("b"), 100, true, &|_, _| 0),
        );
        assert_eq!(
            (d, rule),
            (
                MandateDecision::AwaitingApproval,
                MandateRule::Expired {
                    mandate: "dairy".into()
                }
            )
        );
        let broad = Mandate {
            per_order_cap_minor: Some(50),
            ..Mandate::new("food", &["food"])
        };
        let (d, _) = evaluate(
            &[broad, dairy()],
            &ctx(NeedKind::Replenishment, Some("b"), 500, true, &|_, _| 0),
        );
        assert_eq!(
            d,
            MandateDecision::Ordered,
            "the dairy mandate is more specific"
        );
    }

    #[test]
    fn a_mandate_for_desire_is_refused() {
        let mut m = dairy();
        m.need_kinds.insert(NeedKind::Desire);
        assert!(
            m.validate()
                .unwrap_err()
                .contains("never ordered automatically")
        );
    }
}
