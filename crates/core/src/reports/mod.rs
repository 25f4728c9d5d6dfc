//! What brands learn: a win notice for each order they won once it is
//! final, under a pairwise pseudonym of the household; and daily reports of
//! noisy, differentially private counts (requests seen, offers, wins, loss
//! reasons), each household's part bounded and budgeted (see `privacy`).
//! Nothing else.

mod privacy;
mod pseudonym;

use std::collections::{BTreeMap, HashMap};
use std::sync::Mutex;

use serde::{Deserialize, Serialize};

pub use privacy::{PrivacyConfig, discrete_laplace, epsilon_thousandths, noisy_count, os_rng};
pub use pseudonym::Pseudonymiser;

use crate::auction::{AuctionResult, LossReason};
use crate::household::HouseholdId;
use crate::mandate::{Order, OrderStatus};
use vitrine_types::time::Day;

/// What a brand is told when an order it won becomes final.
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
    /// Always `final`.
    pub status: OrderStatus,
    /// The day.
    pub day: Day,
}

/// A brand's noisy report for one day.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct BrandReport {
    /// The brand.
    pub brand: String,
    /// The day.
    pub day: Day,
    /// ε spent on this report.
    pub epsilon: f64,
    /// The discrete Laplace scale used (Δ/ε).
    pub noise_scale: f64,
    /// Δ: how much one household's day can change the cells.
    #[serde(default)]
    pub sensitivity: u64,
    /// Noisy counts; `null` when suppressed (below the threshold).
    pub cells: BTreeMap<String, Option<u64>>,
    /// The suppression threshold.
    pub suppressed_below: u64,
}

/// Why a report was refused.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, thiserror::Error)]
#[serde(rename_all = "snake_case", tag = "error")]
pub enum ReportError {
    /// ε must be positive.
    #[error("epsilon must be positive and finite")]
    BadEpsilon,
}

/// One brand's exact counts for one day, by household, each household's
/// part bounded to `max_auctions_per_household` auctions. Never shown: it
/// is what [`BrandReports::release`] adds noise to.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Tally {
    households: BTreeMap<HouseholdId, (u64, BTreeMap<String, u64>)>,
}

impl Tally {
    /// The households that count in it.
    pub fn households(&self) -> impl Iterator<Item = &HouseholdId> {
        self.households.keys()
    }

    /// Leaves `household` out (its privacy budget for the brand is spent).
    pub fn exclude(&mut self, household: &HouseholdId) {
        self.households.remove(household);
    }

    fn total(&self, cell: &str) -> u64 {
        self.households
            .values()
            .map(|(_, cells)| cells.get(cell).copied().unwrap_or(0))
            .sum()
    }
}

/// Win notices kept in memory per brand, the most recent ones. They serve
/// the demo's summary; brands read the orders they won from the store, so
/// nothing is lost when older ones are dropped, and a long-running service
/// does not grow by one notice per order for ever.
pub const NOTICES_KEPT_PER_BRAND: usize = 1_000;

/// Every brand's notices, and how reports are counted and noised.
pub struct BrandReports {
    pseudonyms: Pseudonymiser,
    config: PrivacyConfig,
    notices: Mutex<HashMap<String, std::collections::VecDeque<WinNotice>>>,
}

impl BrandReports {
    /// Reports with `pseudonyms` and `config`.
    pub fn new(pseudonyms: Pseudonymiser, config: PrivacyConfig) -> BrandReports {
        BrandReports {
            pseudonyms,
            config,
            notices: Mutex::new(HashMap::new()),
        }
    }

    /// The pseudonymiser.
    pub fn pseudonyms(&self) -> &Pseudonymiser {
        &self.pseudonyms
    }

    /// The privacy settings.
    pub fn config(&self) -> &PrivacyConfig {
        &self.config
    }

    /// `brand`'s exact counts over `auctions` (one day's, with their
    /// households), each household's first `max_auctions_per_household`
    /// only.
    pub fn tally<'a>(
        &self,
        brand: &str,
        auctions: impl IntoIterator<Item = (&'a HouseholdId, &'a AuctionResult)>,
    ) -> Tally {
        let mut tally = Tally::default();
        for (household, auction) in auctions {
            let Some(bidder) = auction.bidders.iter().find(|b| b.brand == brand) else {
                continue;
            };
            let (auctions, cells) = tally.households.entry(household.clone()).or_default();
            if *auctions >= self.config.max_auctions_per_household {
                continue;
            }
            *auctions += 1;
            // A blocked brand was not sent the request: only its loss counts.
            if bidder.call != crate::auction::NOT_CALLED {
                *cells.entry("requests".into()).or_default() += 1;
            }
            let offers = auction.scored.iter().filter(|s| s.brand == brand).count() as u64
                + bidder.rejected.len() as u64;
            *cells.entry("offers".into()).or_default() +=
                offers.min(self.config.max_offers_per_auction);
            let won = auction.winner().is_some_and(|w| w.brand == brand);
            let cell = match &bidder.loss {
                None if won => "wins".to_owned(),
                None => continue,
                Some(loss) => format!("loss:{}", loss.code()),
            };
            *cells.entry(cell).or_default() += 1;
        }
        tally
    }

    /// `brand`'s noisy report for `day` from `tally`, spending `epsilon`:
    /// every cell, present or not, with discrete Laplace noise from the
    /// operating system's CSPRNG.
    pub fn release(
        &self,
        brand: &str,
        day: Day,
        tally: &Tally,
        epsilon: f64,
    ) -> Result<BrandReport, ReportError> {
        if !(epsilon.is_finite() && epsilon > 0.0) {
            return Err(ReportError::BadEpsilon);
        }
        let sensitivity = self.config.sensitivity();
        let mut rng = os_rng();
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
                let count = tally.total(&name);
                let noisy = noisy_count(
                    &mut rng,
                    count,
                    sensitivity,
                    epsilon,
                    self.config.suppress_below,
                );
                (name, noisy)
            })
            .collect();
        Ok(BrandReport {
            brand: brand.to_owned(),
            day,
            epsilon,
            noise_scale: sensitivity as f64 / epsilon,
            sensitivity,
            cells,
            suppressed_below: self.config.suppress_below,
        })
    }

    /// Tells the winning brand of an order that has become final (placed
    /// and past its cancel window): the only orders a brand ever learns of.
    /// Asks, declines, cancellations and expired asks are never notified.
    pub fn notify_final(&self, order: &Order, day: Day) {
        if order.status != OrderStatus::Final {
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
        let mut notices = self.notices.lock().unwrap_or_else(|p| p.into_inner());
        let kept = notices.entry(order.brand.clone()).or_default();
        if kept.len() == NOTICES_KEPT_PER_BRAND {
            kept.pop_front();
        }
        kept.push_back(notice);
    }

    /// The win notices of `brand`, oldest first: the last
    /// [`NOTICES_KEPT_PER_BRAND`].
    pub fn notices(&self, brand: &str) -> Vec<WinNotice> {
        let notices = self.notices.lock().unwrap_or_else(|p| p.into_inner());
        notices
            .get(brand)
            .map(|kept| kept.iter().cloned().collect())
            .unwrap_or_default()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn order(n: usize, status: OrderStatus) -> Order {
        use vitrine_types::NeedKind;
        use vitrine_types::time::Timestamp;
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
            quantity: None,
            accept_by: None,
            history: Vec::new(),
            refusal: None,
            shipment: None,
            delivered: None,
            released: Vec::new(),
            subscription: None,
            subscription_id: None,
        }
    }

    #[test]
    fn only_the_most_recent_win_notices_are_kept_per_brand() {
        let reports = BrandReports::new(Pseudonymiser::new([1; 32]), PrivacyConfig::default());
        for n in 0..NOTICES_KEPT_PER_BRAND + 5 {
            reports.notify_final(&order(n, OrderStatus::Final), Day(101));
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
        let reports = BrandReports::new(Pseudonymiser::new([1; 32]), PrivacyConfig::default());
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
        let reports = BrandReports::new(Pseudonymiser::new([1; 32]), PrivacyConfig::default());
        let report = reports
            .release("dairy", Day(1), &Tally::default(), 1.0)
            .unwrap();
        assert_eq!(report.cells.len(), 3 + LossReason::CODES.len());
        assert!(report.cells.values().all(|v| v.is_none_or(|n| n >= 5)));
        assert_eq!(report.sensitivity, 20);
        assert!(
            reports
                .release("dairy", Day(1), &Tally::default(), -1.0)
                .is_err()
        );
    }
}
