//! Brands and their plugin versions (the wasm bytes, their hash, the
//! catalog, what `describe` said, the status and the operator's limits).

use serde::{Deserialize, Serialize};
use sqlx::Row;

use super::{Store, StoreError, Tx};
use vitrine_types::BrandInfo;
use vitrine_types::PluginLimits;
use vitrine_types::time::Timestamp;

/// A brand.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct BrandRecord {
    /// Identifier (lowercase letters, digits, `-`).
    pub id: String,
    /// Display name.
    pub name: String,
    /// When it was created.
    pub created_at: Timestamp,
}

/// Whether a version takes part in auctions.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum VersionStatus {
    /// The brand's live version (at most one).
    Enabled,
    /// Kept, not called.
    Disabled,
}

impl VersionStatus {
    fn as_str(self) -> &'static str {
        match self {
            VersionStatus::Enabled => "enabled",
            VersionStatus::Disabled => "disabled",
        }
    }
}

/// A plugin version, without its bytes.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct PluginVersion {
    /// The brand.
    pub brand: String,
    /// 1, 2, ... per brand.
    pub version: i64,
    /// SHA-256 of the component.
    pub sha256: String,
    /// Size in bytes.
    pub size_bytes: i64,
    /// What the plugin said about itself.
    pub info: BrandInfo,
    /// Enabled or disabled.
    pub status: VersionStatus,
    /// The operator's limits for it.
    pub limits: PluginLimits,
    /// When it was uploaded.
    pub uploaded_at: Timestamp,
}

const VERSION_COLUMNS: &str =
    "brand, version, sha256, length(wasm) AS size, info, status, limits, uploaded_at";

fn version(row: &sqlx::any::AnyRow) -> Result<PluginVersion, StoreError> {
    Ok(PluginVersion {
        brand: row.get("brand"),
        version: row.get("version"),
        sha256: row.get("sha256"),
        size_bytes: row.get("size"),
        info: serde_json::from_str(row.get("info"))?,
        status: match row.get::<&str, _>("status") {
            "enabled" => VersionStatus::Enabled,
            _ => VersionStatus::Disabled,
        },
        limits: serde_json::from_str(row.get("limits"))?,
        uploaded_at: Timestamp(row.get("uploaded_at")),
    })
}

impl Tx {
    /// Creates a brand; `false` if the id is taken.
    pub async fn insert_brand(&mut self, brand: &BrandRecord) -> Result<bool, StoreError> {
        let done = sqlx::query(
            "INSERT INTO brands (id, name, created_at) VALUES ($1, $2, $3) ON CONFLICT DO NOTHING",
        )
        .bind(&brand.id)
        .bind(&brand.name)
        .bind(brand.created_at.0)
        .execute(&mut *self.tx)
        .await?;
        Ok(done.rows_affected() == 1)
    }

    /// Stores a new version of `brand`'s plugin, numbered after the last
    /// one, disabled; returns its number.
    pub async fn insert_version(
        &mut self,
        brand: &str,
        wasm: &[u8],
        sha256: &str,
        catalog_json: &str,
        info: &BrandInfo,
        at: Timestamp,
    ) -> Result<i64, StoreError> {
        let row = sqlx::query(
            "SELECT COALESCE(MAX(version), 0) + 1 FROM plugin_versions WHERE brand = $1",
        )
        .bind(brand)
        .fetch_one(&mut *self.tx)
        .await?;
        let version: i64 = row.get(0);
        sqlx::query(
            "INSERT INTO plugin_versions (brand, version, sha256, wasm, catalog, info, status, limits, uploaded_at) \
             VALUES ($1, $2, $3, $4, $5, $6, 'disabled', '{}', $7)",
        )
        .bind(brand)
        .bind(version)
        .bind(sha256)
        .bind(wasm)
        .bind(catalog_json)
        .bind(serde_json::to_string(info)?)
        .bind(at.0)
        .execute(&mut *self.tx)
        .await?;
        Ok(version)
    }

    /// Makes `version` the brand's only enabled one (`None`: none enabled).
    pub async fn set_enabled(
        &mut self,
        brand: &str,
        version: Option<i64>,
    ) -> Result<(), StoreError> {
        sqlx::query(
            "UPDATE plugin_versions SET status = 'disabled' WHERE brand = $1 AND status = 'enabled'",
        )
        .bind(brand)
        .execute(&mut *self.tx)
        .await?;
        if let Some(version) = version {
            sqlx::query("UPDATE plugin_versions SET status = $1 WHERE brand = $2 AND version = $3")
                .bind(VersionStatus::Enabled.as_str())
                .bind(brand)
                .bind(version)
                .execute(&mut *self.tx)
                .await?;
        }
        self.plugins_changed().await
    }

    /// Sets a version's limits.
    pub async fn set_limits(
        &mut self,
        brand: &str,
        version: i64,
        limits: &PluginLimits,
    ) -> Result<(), StoreError> {
        sqlx::query(
            "UPDATE plugin_versions SET limits = $1, revision = revision + 1 \
             WHERE brand = $2 AND version = $3",
        )
        .bind(serde_json::to_string(limits)?)
        .bind(brand)
        .bind(version)
        .execute(&mut *self.tx)
        .await?;
        self.plugins_changed().await
    }
}

impl Store {
    /// Every brand, by id.
    pub async fn brands(&self) -> Result<Vec<BrandRecord>, StoreError> {
        let rows = sqlx::query("SELECT id, name, created_at FROM brands ORDER BY id")
            .fetch_all(self.reader())
            .await?;
        Ok(rows
            .iter()
            .map(|r| BrandRecord {
                id: r.get(0),
                name: r.get(1),
                created_at: Timestamp(r.get(2)),
            })
            .collect())
    }

    /// One brand.
    pub async fn brand(&self, id: &str) -> Result<Option<BrandRecord>, StoreError> {
        let row = sqlx::query("SELECT id, name, created_at FROM brands WHERE id = $1")
            .bind(id)
            .fetch_optional(self.reader())
            .await?;
        Ok(row.map(|r| BrandRecord {
            id: r.get(0),
            name: r.get(1),
            created_at: Timestamp(r.get(2)),
        }))
    }

    /// A brand's versions, oldest first.
    pub async fn versions(&self, brand: &str) -> Result<Vec<PluginVersion>, StoreError> {
        let rows = sqlx::query(&format!(
            "SELECT {VERSION_COLUMNS} FROM plugin_versions WHERE brand = $1 ORDER BY version"
        ))
        .bind(brand)
        .fetch_all(self.reader())
        .await?;
        rows.iter().map(version).collect()
    }

    /// Every enabled version with its catalog, to load at start: without
    /// the components' bytes, since a node loads a version from its
    /// compiled artifact by its hash, and reads the bytes
    /// ([`Store::version_bytes`]) only for what it must compile.
    pub async fn enabled_versions(&self) -> Result<Vec<(PluginVersion, String)>, StoreError> {
        let rows = sqlx::query(&format!(
            "SELECT {VERSION_COLUMNS}, catalog FROM plugin_versions WHERE status = 'enabled' ORDER BY brand"
        ))
        .fetch_all(self.reader())
        .await?;
        rows.iter()
            .map(|r| Ok((version(r)?, r.get("catalog"))))
            .collect()
    }

    /// One version's bytes and catalog.
    pub async fn version_bytes(
        &self,
        brand: &str,
        number: i64,
    ) -> Result<Option<(PluginVersion, Vec<u8>, String)>, StoreError> {
        let row = sqlx::query(&format!(
            "SELECT {VERSION_COLUMNS}, wasm, catalog FROM plugin_versions WHERE brand = $1 AND version = $2"
        ))
        .bind(brand)
        .bind(number)
        .fetch_optional(self.reader())
        .await?;
        row.map(|r| Ok((version(&r)?, r.get("wasm"), r.get("catalog"))))
            .transpose()
    }
}

impl Tx {
    /// Replaces a version's catalog.
    pub async fn set_catalog(
        &mut self,
        brand: &str,
        version: i64,
        catalog_json: &str,
    ) -> Result<(), StoreError> {
        sqlx::query(
            "UPDATE plugin_versions SET catalog = $1, revision = revision + 1 \
             WHERE brand = $2 AND version = $3",
        )
        .bind(catalog_json)
        .bind(brand)
        .bind(version)
        .execute(&mut *self.tx)
        .await?;
        self.plugins_changed().await
    }
}

/// The PostgreSQL channel on which every change to the enabled plugins is
/// announced (its payload is empty: listeners read what changed).
pub const PLUGINS_CHANNEL: &str = "vitrine_plugins";

impl Tx {
    /// Records that what is enabled changed (a version enabled, disabled,
    /// rolled back, or its limits or catalog changed): raises
    /// `plugins_generation` and, on PostgreSQL, notifies
    /// [`PLUGINS_CHANNEL`] when the transaction commits.
    async fn plugins_changed(&mut self) -> Result<(), StoreError> {
        sqlx::query(
            "INSERT INTO settings (key, value) VALUES ('plugins_generation', '1') \
             ON CONFLICT (key) DO UPDATE SET value = \
             CAST(CAST(settings.value AS BIGINT) + 1 AS TEXT)",
        )
        .execute(&mut *self.tx)
        .await?;
        if self.backend == super::Backend::Postgres {
            sqlx::query("SELECT pg_notify($1, '')")
                .bind(PLUGINS_CHANNEL)
                .execute(&mut *self.tx)
                .await?;
        }
        Ok(())
    }
}

impl Store {
    /// How many times what is enabled has changed (0: never).
    pub async fn plugins_generation(&self) -> Result<i64, StoreError> {
        Ok(self
            .setting("plugins_generation")
            .await?
            .and_then(|v| v.parse().ok())
            .unwrap_or(0))
    }

    /// What is enabled: (brand, version, revision) of each enabled version,
    /// by brand.
    pub async fn enabled_revisions(&self) -> Result<Vec<(String, i64, i64)>, StoreError> {
        let rows = sqlx::query(
            "SELECT brand, version, revision FROM plugin_versions WHERE status = 'enabled' \
             ORDER BY brand",
        )
        .fetch_all(self.reader())
        .await?;
        rows.iter()
            .map(|r| Ok((r.try_get(0)?, r.try_get(1)?, r.try_get(2)?)))
            .collect()
    }
}

/// Notifications that the enabled plugins changed, from another node
/// (PostgreSQL's `LISTEN`).
pub struct PluginChanges(sqlx::postgres::PgListener);

impl PluginChanges {
    /// Waits for the next notification. After the connection drops, the
    /// next call reconnects (what was sent meanwhile is lost: poll too).
    pub async fn next(&mut self) -> Result<(), StoreError> {
        self.0.recv().await?;
        Ok(())
    }
}

impl Store {
    /// Listens for plugin changes on PostgreSQL; `None` on SQLite (one node:
    /// nothing to hear).
    pub async fn listen_plugins(&self) -> Result<Option<PluginChanges>, StoreError> {
        let super::Location::Postgres(url) = self.location() else {
            return Ok(None);
        };
        let mut listener = sqlx::postgres::PgListener::connect(url).await?;
        listener.listen(PLUGINS_CHANNEL).await?;
        Ok(Some(PluginChanges(listener)))
    }
}

/// A plugin version a node suspended: until when (Unix milliseconds), after
/// how many failures in a row.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Suspension {
    /// The brand.
    pub brand: String,
    /// The version's component hash.
    pub sha256: String,
    /// Suspended until then (Unix milliseconds).
    pub until_ms: i64,
    /// Failed calls in a row that led to it.
    pub failures: i64,
}

impl Store {
    /// Records that a node suspended `suspension.brand`'s version until
    /// `until_ms` (a later end already recorded stays).
    pub async fn record_suspension(&self, suspension: &Suspension) -> Result<(), StoreError> {
        let mut tx = self.begin().await?;
        sqlx::query(
            "INSERT INTO plugin_suspensions (brand, sha256, until_ms, failures) \
             VALUES ($1, $2, $3, $4) ON CONFLICT (brand, sha256) DO UPDATE SET \
             until_ms = CASE WHEN excluded.until_ms > plugin_suspensions.until_ms \
             THEN excluded.until_ms ELSE plugin_suspensions.until_ms END, \
             failures = excluded.failures",
        )
        .bind(&suspension.brand)
        .bind(&suspension.sha256)
        .bind(suspension.until_ms)
        .bind(suspension.failures)
        .execute(&mut *tx.tx)
        .await?;
        tx.commit().await
    }

    /// The suspensions still running at `now_ms`.
    pub async fn suspensions(&self, now_ms: i64) -> Result<Vec<Suspension>, StoreError> {
        let rows = sqlx::query(
            "SELECT brand, sha256, until_ms, failures FROM plugin_suspensions \
             WHERE until_ms > $1 ORDER BY brand",
        )
        .bind(now_ms)
        .fetch_all(self.reader())
        .await?;
        rows.iter()
            .map(|r| {
                Ok(Suspension {
                    brand: r.try_get(0)?,
                    sha256: r.try_get(1)?,
                    until_ms: r.try_get(2)?,
                    failures: r.try_get(3)?,
                })
            })
            .collect()
    }
}
