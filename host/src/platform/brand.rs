//! What a brand may read: its own plugins' status and error counts, the
//! orders it won (households by this brand's pseudonym only), and its daily
//! private report. Nothing of another brand, nothing raw about a household.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};
use serde_json::json;

use super::{Platform, PlatformError};
use crate::mandate::OrderStatus;
use crate::reports::BrandReport;
use crate::store::brands::PluginVersion;
use crate::time::Day;

/// A brand's plugin versions with call counts since the platform started.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct PluginStatus {
    /// The brand.
    pub brand: String,
    /// Its versions.
    pub versions: Vec<PluginVersion>,
    /// Whether a version is live in auctions.
    pub live: bool,
    /// Calls by outcome (`offers` or an error code) since start.
    pub calls: BTreeMap<String, u64>,
    /// Calls that ended in an error since start.
    pub errors: u64,
    /// The live version's failures in a row and whether it is suspended
    /// for them (absent when no version is live).
    #[serde(default)]
    pub health: Option<crate::runtime::HealthStatus>,
}

/// An order a brand won, as the brand sees it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
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

    /// A brand's plugins and their call counts.
    pub async fn plugin_status(&self, brand: &str) -> Result<PluginStatus, PlatformError> {
        let versions = self.versions(brand).await?;
        let calls = self
            .plugin_calls(Some(brand))
            .remove(brand)
            .unwrap_or_default();
        let errors = calls
            .iter()
            .filter(|(k, _)| k.as_str() != "offers" && k.as_str() != crate::auction::NOT_CALLED)
            .map(|(_, n)| n)
            .sum();
        let live = self.engine.bidders().into_iter().find(|b| b.brand == brand);
        Ok(PluginStatus {
            brand: brand.to_owned(),
            health: live.as_ref().map(|b| b.plugin.health_status()),
            live: live.is_some(),
            versions,
            calls,
            errors,
        })
    }

    /// The orders `brand` won, oldest first.
    pub async fn brand_orders(&self, brand: &str) -> Result<Vec<BrandOrder>, PlatformError> {
        self.require_brand(brand).await?;
        let pseudonyms = self.engine.reports().pseudonyms();
        Ok(self
            .store
            .brand_orders(brand)
            .await?
            .into_iter()
            .map(|o| BrandOrder {
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
        self.require_brand(brand).await?;
        if day >= self.now().day() {
            return Err(PlatformError::conflict(
                "day_not_over",
                format!("the report for {day} is issued once the day is over"),
            ));
        }
        if let Some(report) = self.store.report(brand, day).await? {
            return Ok(report);
        }
        let epsilon = self.engine.config().privacy.epsilon_per_brand_per_day;
        let report = self
            .engine
            .reports()
            .report(brand, day, epsilon)
            .map_err(|e| PlatformError::conflict("budget_exhausted", e.to_string()))?;
        let now = self.now();
        let mut tx = self.store.begin().await?;
        tx.insert_report(&report).await?;
        tx.audit(
            now,
            &format!("brand:{brand}"),
            "report.issued",
            &format!("brand:{brand}"),
            &json!({"day": day, "epsilon": epsilon}),
        )
        .await?;
        tx.commit().await?;
        // Two concurrent first requests: the stored one wins.
        Ok(self.store.report(brand, day).await?.unwrap_or(report))
    }
}
