//! What the operator does: brands and their plugin versions (upload checked
//! exactly like `vitrine plugin check`, enable, disable, roll back, limits),
//! the data-sharing policy, and households' creation.

use serde::{Deserialize, Serialize};
use serde_json::json;

use super::PluginBidder;
use super::{Platform, PlatformError, is_identifier};
use vitrine_core::household::Household;
use vitrine_core::minimiser::SharingPolicy;
use vitrine_runtime::PluginLimits;
use vitrine_store::brands::{BrandRecord, PluginVersion, VersionStatus};
use vitrine_store::tokens::{Principal, new_token};

/// One call of `plugin` per category it declares, with a neutral request:
/// the number of offers, or the call's error.
fn trial_calls(
    plugin: &vitrine_runtime::Plugin,
) -> Vec<(String, Result<usize, vitrine_runtime::CallError>)> {
    use vitrine_types::{DeliveryWindow, NeedKind, OfferRequest, Quantity, Unit};
    plugin
        .info()
        .categories
        .iter()
        .map(|category| {
            let request = OfferRequest {
                request_id: vitrine_types::random_request_id(),
                need: NeedKind::Replenishment,
                category: category.clone(),
                quantity: Quantity {
                    amount: 1,
                    unit: Unit::Piece,
                },
                delivery: DeliveryWindow {
                    earliest_day: 0,
                    latest_day: 7,
                },
                region: None,
                budget: None,
                currency: "EUR".into(),
                labels: Vec::new(),
                max_offers: 3,
            };
            (
                category.clone(),
                plugin.call(&request).outcome.map(|o| o.len()),
            )
        })
        .collect()
}

/// Something created, with the token that speaks for it (shown once).
#[derive(Debug, Clone, Serialize, Deserialize, schemars::JsonSchema)]
pub struct Created<T> {
    /// What was created.
    #[serde(flatten)]
    pub record: T,
    /// Its bearer token; store it, it is not shown again.
    pub token: String,
}

/// A household just created (its data is what was posted).
#[derive(Debug, Clone, Serialize, Deserialize, schemars::JsonSchema)]
pub struct HouseholdCreated {
    /// The household's id.
    pub id: String,
}

/// A plugin upload.
#[derive(Debug, Clone, Default)]
pub struct Upload<'a> {
    /// The component.
    pub wasm: &'a [u8],
    /// Its catalog, JSON (`{}` when absent).
    pub catalog_json: Option<&'a str>,
    /// Enable it at once (the previous version is disabled).
    pub enable: bool,
}

impl Platform {
    /// Creates a brand and its first token.
    pub async fn create_brand(
        &self,
        id: &str,
        name: &str,
    ) -> Result<Created<BrandRecord>, PlatformError> {
        if !is_identifier(id) {
            return Err(PlatformError::invalid(
                "invalid_id",
                "a brand id is 1 to 64 of a-z, 0-9, '-', '_'",
            ));
        }
        if name.is_empty() || name.len() > 200 {
            return Err(PlatformError::invalid(
                "invalid_name",
                "a name is 1 to 200 bytes",
            ));
        }
        let now = self.now();
        let record = BrandRecord {
            id: id.to_owned(),
            name: name.to_owned(),
            created_at: now,
        };
        let token = new_token();
        let mut tx = self.store.begin().await?;
        if !tx.insert_brand(&record).await? {
            return Err(PlatformError::conflict(
                "exists",
                format!("brand {id} exists"),
            ));
        }
        tx.insert_token(&token, &Principal::Brand(id.to_owned()), now)
            .await?;
        tx.audit(
            now,
            "operator",
            "brand.created",
            &format!("brand:{id}"),
            &json!({"name": name}),
        )
        .await?;
        tx.commit().await?;
        Ok(Created { record, token })
    }

    /// The brand, or `NotFound`.
    pub(super) async fn require_brand(&self, id: &str) -> Result<BrandRecord, PlatformError> {
        self.store
            .brand(id)
            .await?
            .ok_or_else(|| PlatformError::NotFound(format!("brand {id}")))
    }

    /// Checks a plugin exactly as `vitrine plugin check` does (header,
    /// compile, contract, imports, `describe`, catalog) and stores it as the
    /// brand's next version. Nothing is stored when a check fails.
    pub async fn upload_plugin(
        &self,
        brand: &str,
        upload: Upload<'_>,
    ) -> Result<PluginVersion, PlatformError> {
        self.upload_plugin_by(brand, upload, &Principal::Operator)
            .await
    }

    /// [`Platform::upload_plugin`] by `actor`: the operator, or the brand
    /// itself, which may upload a version but not make it live (only the
    /// operator enables a version; a brand may roll back to one that was).
    pub async fn upload_plugin_by(
        &self,
        brand: &str,
        upload: Upload<'_>,
        actor: &Principal,
    ) -> Result<PluginVersion, PlatformError> {
        if upload.enable && *actor != Principal::Operator {
            return Err(PlatformError::conflict(
                "operator_enables",
                "only the operator makes a version live; it is stored for review",
            ));
        }
        self.require_brand(brand).await?;
        let catalog = upload.catalog_json.unwrap_or("{}");
        let limits = PluginLimits::default();
        let wasm = upload.wasm.to_vec();
        let plugin = self
            .load_blocking(wasm.clone(), catalog.as_bytes().to_vec(), limits)
            .await?;
        let now = self.now();
        let mut tx = self.store.begin().await?;
        let version = tx
            .insert_version(brand, &wasm, plugin.sha256(), catalog, plugin.info(), now)
            .await?;
        if upload.enable {
            tx.set_enabled(brand, Some(version)).await?;
        }
        tx.audit(
            now,
            &self.actor(actor),
            "plugin.uploaded",
            &format!("brand:{brand}"),
            &json!({"version": version, "sha256": plugin.sha256(), "enabled": upload.enable}),
        )
        .await?;
        tx.commit().await?;
        if upload.enable {
            self.engine.register(brand, PluginBidder::new(plugin));
        }
        self.version(brand, version).await
    }

    async fn version(&self, brand: &str, version: i64) -> Result<PluginVersion, PlatformError> {
        self.store
            .versions(brand)
            .await?
            .into_iter()
            .find(|v| v.version == version)
            .ok_or_else(|| PlatformError::NotFound(format!("version {version} of brand {brand}")))
    }

    /// A brand's versions.
    pub async fn versions(&self, brand: &str) -> Result<Vec<PluginVersion>, PlatformError> {
        self.require_brand(brand).await?;
        Ok(self.store.versions(brand).await?)
    }

    /// Makes `version` the brand's live plugin.
    pub(crate) async fn enable_version(
        &self,
        brand: &str,
        version: i64,
    ) -> Result<PluginVersion, PlatformError> {
        self.switch(brand, Some(version), "plugin.enabled", "operator")
            .await
    }

    /// Takes the brand out of auctions (its versions are kept).
    pub async fn disable_plugin(&self, brand: &str) -> Result<(), PlatformError> {
        self.switch(brand, None, "plugin.disabled", "operator")
            .await
            .map(|_| ())
    }

    /// Enables the version before the enabled one.
    pub async fn rollback(&self, brand: &str) -> Result<PluginVersion, PlatformError> {
        self.rollback_by(brand, &Principal::Operator).await
    }

    /// [`Platform::rollback`] by `actor` (the operator or the brand
    /// itself: the version it goes back to was live before).
    pub async fn rollback_by(
        &self,
        brand: &str,
        actor: &Principal,
    ) -> Result<PluginVersion, PlatformError> {
        let versions = self.versions(brand).await?;
        let current = versions
            .iter()
            .find(|v| v.status == VersionStatus::Enabled)
            .ok_or_else(|| {
                PlatformError::conflict(
                    "nothing_enabled",
                    format!("brand {brand} has no enabled version to roll back from"),
                )
            })?;
        let previous = versions
            .iter()
            .filter(|v| v.version < current.version)
            .max_by_key(|v| v.version)
            .ok_or_else(|| {
                PlatformError::conflict(
                    "no_previous_version",
                    format!("version {} is brand {brand}'s first", current.version),
                )
            })?;
        self.switch(
            brand,
            Some(previous.version),
            "plugin.rolled_back",
            &self.actor(actor),
        )
        .await
    }

    async fn switch(
        &self,
        brand: &str,
        version: Option<i64>,
        action: &str,
        actor: &str,
    ) -> Result<PluginVersion, PlatformError> {
        self.require_brand(brand).await?;
        let loaded = match version {
            Some(v) => {
                let (record, wasm, catalog) =
                    self.store.version_bytes(brand, v).await?.ok_or_else(|| {
                        PlatformError::NotFound(format!("version {v} of brand {brand}"))
                    })?;
                let plugin = self
                    .load_blocking(wasm, catalog.into_bytes(), record.limits)
                    .await?;
                Some((record, plugin))
            }
            None => None,
        };
        let now = self.now();
        let mut tx = self.store.begin().await?;
        tx.set_enabled(brand, version).await?;
        tx.audit(
            now,
            actor,
            action,
            &format!("brand:{brand}"),
            &json!({"version": version}),
        )
        .await?;
        tx.commit().await?;
        match loaded {
            Some((record, plugin)) => {
                self.engine.register(brand, PluginBidder::new(plugin));
                self.version(brand, record.version).await
            }
            None => {
                self.engine.unregister(brand);
                Ok(self
                    .store
                    .versions(brand)
                    .await?
                    .pop()
                    .ok_or_else(|| PlatformError::NotFound(format!("versions of brand {brand}")))?)
            }
        }
    }

    /// Tightens a version's limits (applied at once if it is enabled).
    pub async fn set_limits(
        &self,
        brand: &str,
        version: i64,
        limits: PluginLimits,
    ) -> Result<PluginVersion, PlatformError> {
        let current = self.version(brand, version).await?;
        self.runtime
            .limits()
            .tightened(&limits)
            .map_err(|e| PlatformError::invalid("invalid_limits", e.to_string()))?;
        let live = if current.status == VersionStatus::Enabled {
            self.engine
                .bidders()
                .into_iter()
                .find(|b| b.brand == brand)
                .map(|b| b.bidder.plugin)
        } else {
            None
        };
        let now = self.now();
        let mut tx = self.store.begin().await?;
        tx.set_limits(brand, version, &limits).await?;
        tx.audit(
            now,
            "operator",
            "plugin.limits_set",
            &format!("brand:{brand}"),
            &json!({"version": version, "limits": limits}),
        )
        .await?;
        tx.commit().await?;
        if let Some(plugin) = live {
            let tightened = plugin
                .with_limits(&limits)
                .map_err(|e| PlatformError::invalid("invalid_limits", e.to_string()))?;
            self.engine.register(brand, PluginBidder::new(tightened));
        }
        self.version(brand, version).await
    }

    /// Replaces the catalog of a version (prices change, code does not: no
    /// recompilation).
    ///
    /// The new catalog is tried first: the plugin, with it, is called once
    /// for each category it declares, and a catalog that makes it answer
    /// outside the contract's ranges (a price or a credit of `i64::MAX`, a
    /// delivery in 60,000 days) is refused with the plugin's own error. The
    /// change, by whom, the catalog's hash and what the trial answered go
    /// to the audit log, which the brand can read.
    pub async fn set_catalog(
        &self,
        brand: &str,
        version: i64,
        catalog_json: &str,
        actor: &Principal,
    ) -> Result<PluginVersion, PlatformError> {
        let current = self.version(brand, version).await?;
        let catalog = self
            .runtime
            .parse_catalog(catalog_json.as_bytes())
            .map_err(|e| PlatformError::invalid(e.code(), e.to_string()))?;
        let live = self.engine.bidders().into_iter().find(|b| b.brand == brand);
        let plugin = match (&live, current.status) {
            (Some(b), VersionStatus::Enabled) => b.bidder.plugin.with_catalog(catalog.clone()),
            _ => {
                let (record, wasm, _) = self
                    .store
                    .version_bytes(brand, version)
                    .await?
                    .ok_or_else(|| {
                        PlatformError::NotFound(format!("version {version} of brand {brand}"))
                    })?;
                self.load_blocking(wasm, catalog_json.as_bytes().to_vec(), record.limits)
                    .await?
            }
        };
        let trial = tokio::task::spawn_blocking(move || trial_calls(&plugin))
            .await
            .map_err(|e| PlatformError::invalid("trial_failed", e.to_string()))?;
        if let Some((category, reason)) = trial.iter().find_map(|(c, outcome)| match outcome {
            Err(vitrine_runtime::CallError::InvalidOutput { reason }) => Some((c, reason)),
            _ => None,
        }) {
            return Err(PlatformError::invalid(
                "catalog_breaks_contract",
                format!(
                    "with this catalog the plugin answers outside the contract for {category}: {reason}; nothing was changed"
                ),
            ));
        }
        let now = self.now();
        let outcomes: serde_json::Map<String, serde_json::Value> = trial
            .iter()
            .map(|(category, outcome)| {
                let code = match outcome {
                    Ok(n) => format!("{n} offer(s)"),
                    Err(e) => e.code().to_owned(),
                };
                (category.clone(), json!(code))
            })
            .collect();
        let mut tx = self.store.begin().await?;
        tx.set_catalog(brand, version, catalog_json).await?;
        tx.audit(
            now,
            &self.actor(actor),
            "plugin.catalog_set",
            &format!("brand:{brand}"),
            &json!({
                "version": version,
                "entries": catalog.len(),
                "declared_skus": catalog.declared_skus().count(),
                "sha256": vitrine_runtime::sha256_hex(catalog_json.as_bytes()),
                "trial": outcomes,
            }),
        )
        .await?;
        tx.commit().await?;
        if current.status == VersionStatus::Enabled
            && let Some(b) = live
        {
            self.engine.register(
                brand,
                PluginBidder::new(b.bidder.plugin.with_catalog(catalog)),
            );
        }
        self.version(brand, version).await
    }

    /// Replaces the data-sharing policy.
    pub async fn set_policy(&self, policy: SharingPolicy) -> Result<SharingPolicy, PlatformError> {
        policy
            .validate()
            .map_err(|e| PlatformError::invalid("invalid_policy", e))?;
        let now = self.now();
        let mut tx = self.store.begin().await?;
        tx.set_policy(&policy).await?;
        tx.audit(
            now,
            "operator",
            "policy.set",
            "policy",
            &serde_json::to_value(&policy).unwrap_or_default(),
        )
        .await?;
        tx.commit().await?;
        self.engine
            .set_policy(policy.clone())
            .map_err(|e| PlatformError::invalid("invalid_policy", e))?;
        Ok(policy)
    }

    /// Replaces the bounds on orders and claims per category.
    pub async fn set_bounds(
        &self,
        bounds: vitrine_core::auction::BoundsPolicy,
    ) -> Result<vitrine_core::auction::BoundsPolicy, PlatformError> {
        bounds
            .validate()
            .map_err(|e| PlatformError::invalid("invalid_bounds", e))?;
        let now = self.now();
        let json = serde_json::to_string(&bounds).map_err(vitrine_store::StoreError::from)?;
        let mut tx = self.store.begin().await?;
        tx.set_setting("bounds_policy", &json).await?;
        tx.audit(
            now,
            "operator",
            "policy.bounds_set",
            "policy",
            &serde_json::to_value(&bounds).unwrap_or_default(),
        )
        .await?;
        tx.commit().await?;
        self.engine
            .set_bounds(bounds.clone())
            .map_err(|e| PlatformError::invalid("invalid_bounds", e))?;
        Ok(bounds)
    }

    /// Creates a household from its initial data and returns its token.
    pub async fn create_household(
        &self,
        household: Household,
    ) -> Result<Created<HouseholdCreated>, PlatformError> {
        if !is_identifier(&household.id.0) {
            return Err(PlatformError::invalid(
                "invalid_id",
                "a household id is 1 to 64 of a-z, 0-9, '-', '_'",
            ));
        }
        household
            .validate()
            .map_err(|e| PlatformError::invalid("invalid_household", e.to_string()))?;
        let _writes = self.household_writes.lock().await;
        let now = self.now();
        let token = new_token();
        let mut tx = self.store.begin().await?;
        if !tx.insert_household(&household, now).await? {
            return Err(PlatformError::conflict(
                "exists",
                format!("household {} exists", household.id),
            ));
        }
        tx.insert_token(&token, &Principal::Household(household.id.0.clone()), now)
            .await?;
        tx.audit(
            now,
            "operator",
            "household.created",
            &self.audit_name(&household.id),
            &json!({}),
        )
        .await?;
        tx.commit().await?;
        let id = household.id.0.clone();
        self.households
            .write()
            .unwrap_or_else(|p| p.into_inner())
            .insert(id.clone(), std::sync::Arc::new(household));
        Ok(Created {
            record: HouseholdCreated { id },
            token,
        })
    }
}
