//! What brands learn: a win notice for each order they won, under a
//! pairwise pseudonym of the household; and periodic reports of noisy,
//! differentially private counts (requests seen, offers, wins, loss reasons)
//! under a daily ε budget per brand. Nothing else.

mod privacy;
mod pseudonym;

use std::collections::{BTreeMap, HashMap};
use std::sync::Mutex;

use rand::SeedableRng;
use rand_chacha::ChaCha8Rng;
use serde::{Deserialize, Serialize};

pub use privacy::{PrivacyConfig, laplace, noisy_count};
pub use pseudonym::Pseudonymiser;

use crate::auction::{AuctionResult, LossReason};
use crate::household::HouseholdId;
use crate::mandate::{Order, OrderStatus};
use crate::time::Day;

/// What a brand is told when it wins an order.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct WinNotice {
    /// The brand.
    pub brand: String,
    /// The household as this brand sees it.
    pub household_pseudonym: String,
    /// The order.
    pub order_id: String,
    /// The category.
    pub category: String,
    /// The SKU won.
    pub sku: String,
    /// The price paid.
    pub price_paid_minor: u64,
    /// Placed, or awaiting the household's approval.
    pub status: OrderStatus,
    /// The day.
    pub day: Day,
}

/// A brand's noisy report for one day.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct BrandReport {
    /// The brand.
    pub brand: String,
    /// The day.
    pub day: Day,
    /// ε spent on this report.
    pub epsilon: f64,
    /// Laplace scale used.
    pub noise_scale: f64,
    /// Noisy counts; `null` when suppressed (below the threshold).
    pub cells: BTreeMap<String, Option<u64>>,
    /// The suppression threshold.
    pub suppressed_below: u64,
}

/// Why a report was refused.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, thiserror::Error)]
#[serde(rename_all = "snake_case", tag = "error")]
pub enum ReportError {
    /// The brand's daily privacy budget would be exceeded.
    #[error("privacy budget for {brand} on {day}: {spent} of {limit} spent, {asked} asked")]
    BudgetExhausted {
        /// The brand.
        brand: String,
        /// The day.
        day: Day,
        /// Already spent.
        spent: f64,
        /// Asked now.
        asked: f64,
        /// The daily budget.
        limit: f64,
    },
    /// ε must be positive.
    #[error("epsilon must be positive and finite")]
    BadEpsilon,
}

#[derive(Debug, Default, Clone)]
struct Counts {
    cells: BTreeMap<String, u64>,
}

/// Win notices kept in memory per brand, the most recent ones. They serve
/// the demo's summary; brands read the orders they won from the store, so
/// nothing is lost when older ones are dropped, and a long-running service
/// does not grow by one notice per order for ever.
pub const NOTICES_KEPT_PER_BRAND: usize = 1_000;

#[derive(Default)]
struct State {
    counts: HashMap<(String, Day), Counts>,
    notices: HashMap<String, std::collections::VecDeque<WinNotice>>,
    spent: HashMap<(String, Day), f64>,
}

/// Every brand's notices and counts.
pub struct BrandReports {
    pseudonyms: Pseudonymiser,
    config: PrivacyConfig,
    state: Mutex<State>,
    rng: Mutex<ChaCha8Rng>,
}

impl BrandReports {
    /// Reports with `pseudonyms` and `config`; noise from a random seed.
    pub fn new(pseudonyms: Pseudonymiser, config: PrivacyConfig) -> BrandReports {
        BrandReports::with_seed(pseudonyms, config, rand::random())
    }

    /// Same, with a fixed noise seed (simulations, tests).
    pub fn with_seed(pseudonyms: Pseudonymiser, config: PrivacyConfig, seed: u64) -> BrandReports {
        BrandReports {
            pseudonyms,
            config,
            state: Mutex::new(State::default()),
            rng: Mutex::new(ChaCha8Rng::seed_from_u64(seed)),
        }
    }

    /// The pseudonymiser.
    pub fn pseudonyms(&self) -> &Pseudonymiser {
        &self.pseudonyms
    }

    /// Counts an auction in its brands' reports.
    pub fn record(&self, day: Day, household: &HouseholdId, auction: &AuctionResult) {
        let _ = household;
        let mut state = self.state.lock().unwrap_or_else(|p| p.into_inner());
        let winner = auction.winner().map(|w| w.brand.clone());
        for bidder in &auction.bidders {
            let counts = state.counts.entry((bidder.brand.clone(), day)).or_default();
            // A blocked brand was not sent the request: only its loss counts.
            if bidder.call != crate::auction::NOT_CALLED {
                *counts.cells.entry("requests".into()).or_default() += 1;
            }
            let offers = auction
                .scored
                .iter()
                .filter(|s| s.brand == bidder.brand)
                .count() as u64
                + bidder.rejected.len() as u64;
            *counts.cells.entry("offers".into()).or_default() +=
                offers.min(self.config.max_offers_per_auction);
            let cell = match &bidder.loss {
                None if winner.as_deref() == Some(bidder.brand.as_str()) => "wins".to_owned(),
                None => continue,
                Some(loss) => format!("loss:{}", loss.code()),
            };
            *counts.cells.entry(cell).or_default() += 1;
        }
    }

    /// Tells the winning brand of an order that has become final (placed
    /// and past its cancel window): the only orders a brand ever learns of.
    /// Asks, declines, cancellations and expired asks are never notified.
    pub fn notify_final(&self, order: &Order, day: Day) {
        if order.status != OrderStatus::Dispatched {
            return;
        }
        let notice = WinNotice {
            brand: order.brand.clone(),
            household_pseudonym: self.pseudonyms.pseudonym(&order.brand, &order.household),
            order_id: order.id.clone(),
            category: order.category.clone(),
            sku: order.sku.clone(),
            price_paid_minor: order.price_paid_minor,
            status: order.status,
            day,
        };
        let mut state = self.state.lock().unwrap_or_else(|p| p.into_inner());
        let kept = state.notices.entry(order.brand.clone()).or_default();
        if kept.len() == NOTICES_KEPT_PER_BRAND {
            kept.pop_front();
        }
        kept.push_back(notice);
    }

    /// The win notices of `brand`, oldest first: the last
    /// [`NOTICES_KEPT_PER_BRAND`].
    pub fn notices(&self, brand: &str) -> Vec<WinNotice> {
        let state = self.state.lock().unwrap_or_else(|p| p.into_inner());
        state
            .notices
            .get(brand)
            .map(|kept| kept.iter().cloned().collect())
            .unwrap_or_default()
    }

    /// `brand`'s noisy report for `day`, spending `epsilon` of its budget.
    pub fn report(&self, brand: &str, day: Day, epsilon: f64) -> Result<BrandReport, ReportError> {
        if !(epsilon.is_finite() && epsilon > 0.0) {
            return Err(ReportError::BadEpsilon);
        }
        let mut state = self.state.lock().unwrap_or_else(|p| p.into_inner());
        let limit = self.config.epsilon_per_brand_per_day;
        let spent = state
            .spent
            .get(&(brand.to_owned(), day))
            .copied()
            .unwrap_or(0.0);
        if spent + epsilon > limit + 1e-12 {
            return Err(ReportError::BudgetExhausted {
                brand: brand.to_owned(),
                day,
                spent,
                asked: epsilon,
                limit,
            });
        }
        state.spent.insert((brand.to_owned(), day), spent + epsilon);
        let counts = state
            .counts
            .get(&(brand.to_owned(), day))
            .cloned()
            .unwrap_or_default();
        let scale = self.config.sensitivity() / epsilon;
        let mut rng = self.rng.lock().unwrap_or_else(|p| p.into_inner());
        // Every cell is released, present or not, so that absence of a cell
        // reveals nothing.
        let mut names: Vec<String> = ["requests", "offers", "wins"]
            .iter()
            .map(|s| (*s).to_owned())
            .collect();
        names.extend(LossReason::CODES.iter().map(|c| format!("loss:{c}")));
        let cells = names
            .into_iter()
            .map(|name| {
                let count = counts.cells.get(&name).copied().unwrap_or(0);
                let noisy = noisy_count(&mut *rng, count, scale, self.config.suppress_below);
                (name, noisy)
            })
            .collect();
        Ok(BrandReport {
            brand: brand.to_owned(),
            day,
            epsilon,
            noise_scale: scale,
            cells,
            suppressed_below: self.config.suppress_below,
        })
    }

    /// Records ε spent on a report issued before a restart.
    pub fn restore_spent(&self, brand: &str, day: Day, epsilon: f64) {
        let mut state = self.state.lock().unwrap_or_else(|p| p.into_inner());
        *state.spent.entry((brand.to_owned(), day)).or_default() += epsilon;
    }

    /// ε already spent by `brand` on `day`.
    pub fn epsilon_spent(&self, brand: &str, day: Day) -> f64 {
        let state = self.state.lock().unwrap_or_else(|p| p.into_inner());
        state
            .spent
            .get(&(brand.to_owned(), day))
            .copied()
            .unwrap_or(0.0)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_daily_epsilon_budget_is_enforced_per_brand() {
        let reports =
            BrandReports::with_seed(Pseudonymiser::new([1; 32]), PrivacyConfig::default(), 3);
        let day = Day(100);
        reports.report("dairy", day, 0.6).unwrap();
        let refused = reports.report("dairy", day, 0.5).unwrap_err();
        assert!(matches!(refused, ReportError::BudgetExhausted { .. }));
        reports.report("dairy", day, 0.4).unwrap();
        reports.report("farm", day, 1.0).unwrap();
        reports.report("dairy", day.plus(1), 1.0).unwrap();
        assert!(reports.report("dairy", day, -1.0).is_err());
    }

    fn order(n: usize, status: OrderStatus) -> Order {
        use crate::model::NeedKind;
        use crate::time::Timestamp;
        let day = Day(100);
        Order {
            id: format!("ord-{n}"),
            household: HouseholdId("hh".into()),
            need_id: format!("need-{n}"),
            need_kind: NeedKind::Replenishment,
            category: "food/dairy/yogurt".into(),
            brand: "dairy".into(),
            sku: "YOG".into(),
            offer_price_minor: 400,
            credits_minor: 0,
            price_paid_minor: 400,
            mandate: None,
            status,
            approved_by_household: false,
            created_at: Timestamp::at(day, 9),
            cancel_until: Timestamp::at(day, 9),
            ask_expires_at: None,
            delivery_day: day.plus(1),
        }
    }

    #[test]
    fn only_the_most_recent_win_notices_are_kept_per_brand() {
        let reports =
            BrandReports::with_seed(Pseudonymiser::new([1; 32]), PrivacyConfig::default(), 5);
        for n in 0..NOTICES_KEPT_PER_BRAND + 5 {
            reports.notify_final(&order(n, OrderStatus::Dispatched), Day(101));
        }
        let notices = reports.notices("dairy");
        assert_eq!(notices.len(), NOTICES_KEPT_PER_BRAND);
        assert_eq!(notices[0].order_id, "ord-5", "the oldest were dropped");
        assert_eq!(
            notices.last().unwrap().order_id,
            format!("ord-{}", NOTICES_KEPT_PER_BRAND + 4)
        );
    }

    #[test]
    fn a_brand_is_never_told_of_an_order_that_is_not_final() {
        let reports =
            BrandReports::with_seed(Pseudonymiser::new([1; 32]), PrivacyConfig::default(), 5);
        for (n, status) in [
            OrderStatus::AwaitingApproval,
            OrderStatus::Placed,
            OrderStatus::Declined,
            OrderStatus::Cancelled,
            OrderStatus::Expired,
        ]
        .into_iter()
        .enumerate()
        {
            reports.notify_final(&order(n, status), Day(101));
        }
        assert!(reports.notices("dairy").is_empty());
    }

    #[test]
    fn an_empty_day_reports_every_cell_suppressed_or_small() {
        let reports =
            BrandReports::with_seed(Pseudonymiser::new([1; 32]), PrivacyConfig::default(), 4);
        let report = reports.report("dairy", Day(1), 1.0).unwrap();
        assert_eq!(report.cells.len(), 3 + LossReason::CODES.len());
        assert!(report.cells.values().all(|v| v.is_none_or(|n| n >= 5)));
    }
}
