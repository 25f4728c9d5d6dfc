//! What a brand may read: its own plugins' versions and health in words,
//! the orders it won once they are final (households by this brand's
//! pseudonym only), its daily private report (noisy counts), and the audit
//! of its own changes. Nothing of another brand, nothing raw about a
//! household, never an exact count of its plugin's outcomes (a plugin could
//! answer differently for one kind of household and its brand read the
//! count back): those are the operator's.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};
use serde_json::json;

use super::{Platform, PlatformError};
use vitrine_core::mandate::OrderStatus;
use vitrine_core::reports::BrandReport;
use vitrine_store::brands::PluginVersion;
use vitrine_types::time::Day;

/// A brand's plugin versions and the live one's health. Exact call counts
/// are shown to the operator only.
#[derive(Debug, Clone, Serialize, Deserialize, schemars::JsonSchema)]
pub struct PluginStatus {
    /// The brand.
    pub brand: String,
    /// Its versions.
    pub versions: Vec<PluginVersion>,
    /// Whether a version is live in auctions.
    pub live: bool,
    /// The live version's health, in words (absent when none is live).
    #[serde(default)]
    pub health: Option<PluginHealth>,
    /// Calls by outcome (`offers` or an error code) since start: the
    /// operator's view only.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub calls: Option<BTreeMap<String, u64>>,
    /// Calls that ended in an error since start: the operator's view only.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub errors: Option<u64>,
}

/// A live plugin's health as its brand sees it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct PluginHealth {
    /// `healthy`, `failing` (its last calls failed) or `suspended`.
    pub state: String,
    /// What that means, and what to do, in words.
    pub words: String,
    /// When the next call will be let through, for a suspended plugin, in
    /// milliseconds from now.
    pub retry_in_ms: u64,
}

impl PluginHealth {
    fn from_status(status: vitrine_runtime::HealthStatus) -> PluginHealth {
        let (state, words) = if status.suspended {
            (
                "suspended",
                "its last calls failed or burned most of their budget in a row, so it is not called for now (it loses as `suspended`); one call is let through when the time is up, and it is back if that call answers. Try it with `vitrine plugin run` on your own requests.".to_owned(),
            )
        } else if status.failures_in_a_row > 0 {
            (
                "failing",
                "its latest calls failed (a trap, a timeout while working, running out of fuel or memory, or an answer over the limits); a few more in a row and it is suspended. `vitrine plugin run` shows why.".to_owned(),
            )
        } else {
            (
                "healthy",
                "its latest call answered within its budget.".to_owned(),
            )
        };
        PluginHealth {
            state: state.to_owned(),
            words,
            retry_in_ms: status.retry_in_ms,
        }
    }
}

/// An order a brand won, as the brand sees it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct BrandOrder {
    /// The order.
    pub order_id: String,
    /// The household, as this brand's pseudonym.
    pub household_pseudonym: String,
    /// The category.
    pub category: String,
    /// The SKU.
    pub sku: String,
    /// The price the household pays.
    pub price_paid_minor: u64,
    /// Its status now.
    pub status: OrderStatus,
    /// The delivery day.
    pub delivery_day: Day,
    /// How much was ordered.
    pub quantity: Option<vitrine_types::Quantity>,
    /// The brand must accept or refuse it by this instant.
    pub accept_by: Option<vitrine_types::time::Timestamp>,
    /// Its steps since it became final.
    pub history: Vec<vitrine_core::mandate::fulfilment::OrderStep>,
    /// The price the brand offered, before its money claims.
    pub offer_price_minor: u64,
    /// Its money claims (credits, deposits) the platform settled: deducted
    /// from what the brand is paid.
    pub credits_minor: u64,
    /// Where to deliver: the household's released fields, while the order
    /// is final, accepted or shipped (never before it is final, nor after).
    pub deliver_to: Option<vitrine_core::household::DeliveryAddress>,
}

impl Platform {
    /// Plugin calls since start by brand, then by outcome (`offers`, the
    /// call's error code, or `not_called`): `brand`'s only, or every brand's.
    pub fn plugin_calls(&self, brand: Option<&str>) -> BTreeMap<String, BTreeMap<String, u64>> {
        let only: Vec<(&'static str, &str)> = brand.map(|b| ("brand", b)).into_iter().collect();
        let mut calls: BTreeMap<String, BTreeMap<String, u64>> = BTreeMap::new();
        for (labels, n) in self
            .metrics
            .counters_matching("vitrine_plugin_calls_total", &only)
        {
            let label = |key: &str| {
                labels
                    .iter()
                    .find(|(k, _)| k == key)
                    .map(|(_, v)| v.clone())
            };
            if let (Some(brand), Some(outcome)) = (label("brand"), label("outcome")) {
                *calls.entry(brand).or_default().entry(outcome).or_default() += n;
            }
        }
        calls
    }

    /// A brand's plugins and the live one's health; with `exact`, the
    /// exact call counts too (the operator's view).
    pub(crate) async fn plugin_status(
        &self,
        brand: &str,
        exact: bool,
    ) -> Result<PluginStatus, PlatformError> {
        let versions = self.versions(brand).await?;
        let live = self.engine.bidders().into_iter().find(|b| b.brand == brand);
        let (calls, errors) = if exact {
            let calls = self
                .plugin_calls(Some(brand))
                .remove(brand)
                .unwrap_or_default();
            let errors = calls
                .iter()
                .filter(|(k, _)| {
                    k.as_str() != "offers" && k.as_str() != vitrine_core::auction::NOT_CALLED
                })
                .map(|(_, n)| n)
                .sum();
            (Some(calls), Some(errors))
        } else {
            (None, None)
        };
        Ok(PluginStatus {
            brand: brand.to_owned(),
            health: live
                .as_ref()
                .map(|b| PluginHealth::from_status(b.bidder.plugin.health_status())),
            live: live.is_some(),
            versions,
            calls,
            errors,
        })
    }

    /// The audit of `brand`'s own changes (uploads, catalog changes,
    /// enabling, reports issued), oldest first.
    pub(crate) async fn brand_audit(
        &self,
        brand: &str,
    ) -> Result<Vec<vitrine_store::audit::AuditEntry>, PlatformError> {
        self.require_brand(brand).await?;
        Ok(self
            .store
            .audit_entries_about(&format!("brand:{brand}"))
            .await?)
    }

    /// The orders `brand` won that are final (placed and past their cancel
    /// window) and what became of them since, oldest first: never an ask, a
    /// declined, cancelled or expired order, nor one still inside its
    /// cancel window.
    pub async fn brand_orders(&self, brand: &str) -> Result<Vec<BrandOrder>, PlatformError> {
        self.require_brand(brand).await?;
        let pseudonyms = self.engine.reports().pseudonyms();
        Ok(self
            .store
            .brand_orders(brand)
            .await?
            .into_iter()
            .filter(|o| {
                matches!(
                    o.status,
                    OrderStatus::Final
                        | OrderStatus::Accepted
                        | OrderStatus::Refused
                        | OrderStatus::Shipped
                        | OrderStatus::Delivered
                        | OrderStatus::Failed
                )
            })
            .map(|o| BrandOrder {
                deliver_to: (!o.released.is_empty()
                    && matches!(
                        o.status,
                        OrderStatus::Final | OrderStatus::Accepted | OrderStatus::Shipped
                    ))
                .then(|| self.household(&o.household.0).ok())
                .flatten()
                .and_then(|h| h.delivery.clone()),
                offer_price_minor: o.offer_price_minor,
                credits_minor: o.credits_minor,
                quantity: o.quantity,
                accept_by: o.accept_by,
                history: o
                    .history
                    .into_iter()
                    .filter(|s| {
                        !matches!(
                            s.status,
                            OrderStatus::AwaitingApproval | OrderStatus::Placed
                        )
                    })
                    .collect(),
                household_pseudonym: pseudonyms.pseudonym(brand, &o.household),
                order_id: o.id,
                category: o.category,
                sku: o.sku,
                price_paid_minor: o.price_paid_minor,
                status: o.status,
                delivery_day: o.delivery_day,
            })
            .collect())
    }

    /// `brand`'s private report for a day that has ended: issued once with
    /// the brand's whole daily privacy budget, then returned as stored.
    pub async fn brand_report(&self, brand: &str, day: Day) -> Result<BrandReport, PlatformError> {
        let record = self.require_brand(brand).await?;
        if day < record.created_at.day() {
            return Err(PlatformError::conflict(
                "before_brand",
                format!(
                    "brand {brand} was created on {}; there is no report for {day}",
                    record.created_at.day()
                ),
            ));
        }
        if day >= self.now().day() {
            return Err(PlatformError::conflict(
                "day_not_over",
                format!("the report for {day} is issued once the day is over"),
            ));
        }
        if let Some(report) = self.store.report(brand, day).await? {
            return Ok(report);
        }
        let privacy = self.engine.config().privacy;
        let epsilon = privacy.epsilon_per_brand_per_day;
        let reports = self.engine.reports();
        // The day's auctions, from the stored decisions: what the brand's
        // counts are made of.
        let auctions = self.store.auctions_of_day(day).await?;
        let mut tally = reports.tally(brand, auctions.iter().map(|(h, a)| (h, a)));
        // A household whose budget for this brand is spent is left out.
        let spent = self
            .store
            .privacy_spent(brand, day.plus(-privacy.household_window_days))
            .await?;
        let over: Vec<_> = tally
            .households()
            .filter(|h| {
                spent.get(&h.0).copied().unwrap_or(0.0) + epsilon
                    > privacy.epsilon_per_household + 1e-9
            })
            .cloned()
            .collect();
        for household in &over {
            tally.exclude(household);
        }
        let report = reports
            .release(brand, day, &tally, epsilon)
            .map_err(|e| PlatformError::invalid("bad_epsilon", e.to_string()))?;
        let now = self.now();
        let mut tx = self.store.begin().await?;
        if !tx.insert_report(&report).await? {
            // Issued concurrently: the stored one stands, nothing more is
            // spent.
            drop(tx);
            return self
                .store
                .report(brand, day)
                .await?
                .ok_or_else(|| PlatformError::NotFound(format!("report {day} of {brand}")));
        }
        let counted: Vec<&vitrine_core::household::HouseholdId> = tally.households().collect();
        tx.record_privacy_spend(brand, &counted, day, epsilon)
            .await?;
        tx.audit(
            now,
            &format!("brand:{brand}"),
            "report.issued",
            &format!("brand:{brand}"),
            &json!({"day": day, "epsilon": epsilon, "households": counted.len(), "left_out": over.len()}),
        )
        .await?;
        tx.commit().await?;
        Ok(report)
    }
}
