//! # vitrine-store
//!
//! The platform's store: embedded SQLite through sqlx (queries are plain
//! SQL with bound parameters, portable to PostgreSQL), in WAL mode, with the
//! migrations in `crates/store/migrations` embedded in the binary.
//!
//! One writer connection serialises every write transaction (SQLite allows
//! one writer at a time anyway; queueing in the pool avoids `SQLITE_BUSY`
//! and keeps the audit chain's "read the last hash, append" step atomic),
//! while a pool of readers serves queries concurrently from the WAL.
//!
//! One concept per file: [`audit`] (the hash-chained log), [`tokens`],
//! [`brands`] (brands and plugin versions), [`households`] (private data),
//! [`decisions`] (needs, decisions, orders, ledger), [`reports`] (brand
//! reports and the sharing policy), [`idempotency`].

pub mod artifacts;
pub mod audit;
pub mod batch;
pub mod brands;
pub mod decisions;
pub mod households;
pub mod idempotency;
pub mod reports;
pub mod subscriptions;
pub mod tokens;
pub mod webhooks;

use std::borrow::Cow;
use std::future::Future;
use std::path::{Path, PathBuf};
use std::pin::Pin;
use std::str::FromStr;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use sqlx::migrate::{Migration, MigrationSource, MigrationType, Migrator};
use sqlx::sqlite::{SqliteConnectOptions, SqliteJournalMode, SqlitePoolOptions, SqliteSynchronous};
use sqlx::{Row, Sqlite, SqlitePool};

/// The migrations, in order, embedded at build time.
const MIGRATIONS: &[(i64, &str, &str)] = &[
    (1, "init", include_str!("../migrations/0001_init.sql")),
    (2, "trust", include_str!("../migrations/0002_trust.sql")),
    (
        3,
        "fulfilment",
        include_str!("../migrations/0003_fulfilment.sql"),
    ),
    (
        4,
        "webhooks",
        include_str!("../migrations/0004_webhooks.sql"),
    ),
    (
        5,
        "subscriptions",
        include_str!("../migrations/0005_subscriptions.sql"),
    ),
    (
        6,
        "artifacts",
        include_str!("../migrations/0006_artifacts.sql"),
    ),
    (7, "startup", include_str!("../migrations/0007_startup.sql")),
];

/// Why the store failed.
#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    /// The database refused or failed.
    #[error("database: {0}")]
    Db(#[from] sqlx::Error),
    /// A migration failed (or the database is newer than this binary).
    #[error("migrating the database: {0}")]
    Migrate(#[from] sqlx::migrate::MigrateError),
    /// A batched write failed (the database's message).
    #[error("writing the batch: {0}")]
    Write(String),
    /// A stored document does not parse.
    #[error("stored data is corrupt: {0}")]
    Corrupt(String),
}

impl From<serde_json::Error> for StoreError {
    fn from(e: serde_json::Error) -> Self {
        StoreError::Corrupt(e.to_string())
    }
}

impl StoreError {}

/// An amount of money as stored: the contract keeps every amount within
/// `model::MAX_MONEY_MINOR`, so it always fits; anything else is refused
/// rather than stored negative.
pub(crate) fn money_column(minor: u64) -> Result<i64, StoreError> {
    i64::try_from(minor)
        .ok()
        .filter(|_| minor <= vitrine_types::MAX_MONEY_MINOR)
        .ok_or_else(|| StoreError::Write(format!("{minor} minor units is outside the money range")))
}

/// The embedded migrations up to version `up_to`, as a sqlx migration
/// source (tests build older schemas with a lower bound).
#[derive(Debug)]
struct Embedded {
    up_to: i64,
}

impl<'s> MigrationSource<'s> for Embedded {
    fn resolve(
        self,
    ) -> Pin<Box<dyn Future<Output = Result<Vec<Migration>, sqlx::error::BoxDynError>> + Send + 's>>
    {
        let up_to = self.up_to;
        Box::pin(async move {
            Ok(MIGRATIONS
                .iter()
                .filter(|(version, _, _)| *version <= up_to)
                .map(|&(version, name, sql)| {
                    Migration::new(
                        version,
                        Cow::Borrowed(name),
                        MigrationType::Simple,
                        Cow::Borrowed(sql),
                        false,
                    )
                })
                .collect())
        })
    }
}

/// The open store.
#[derive(Clone)]
pub struct Store {
    read: SqlitePool,
    write: SqlitePool,
    path: PathBuf,
    audit_head: AuditHead,
    writer: batch::Writer,
}

/// The last audit entry's number and hash, as committed (`None` until read
/// from the database). Only the single writer appends, so the cache spares
/// each transaction a query.
pub(crate) type AuditHead = Arc<Mutex<Option<(i64, String)>>>;

/// One write transaction; dropped without [`Tx::commit`], it rolls back.
pub struct Tx {
    pub(crate) tx: sqlx::Transaction<'static, Sqlite>,
    pub(crate) audit_head: AuditHead,
    /// The head after this transaction's audit entries, set on commit.
    pub(crate) pending_head: Option<(i64, String)>,
}

impl Store {
    /// Opens (creating if needed) the database at `path`, in WAL mode, and
    /// applies any pending migration.
    pub async fn open(path: &Path) -> Result<Store, StoreError> {
        let url = format!("sqlite://{}", path.display());
        let options = SqliteConnectOptions::from_str(&url)?
            .create_if_missing(true)
            .journal_mode(SqliteJournalMode::Wal)
            // NORMAL in WAL mode: a commit survives a process crash; only
            // an OS crash or power loss can lose the last transactions.
            .synchronous(SqliteSynchronous::Normal)
            .foreign_keys(true)
            // Checkpoints are left to a background task (see `open`): a
            // checkpoint inside a commit would stall every decision of the
            // batch behind it.
            .pragma("wal_autocheckpoint", "0")
            .busy_timeout(Duration::from_secs(5));
        let write = SqlitePoolOptions::new()
            .max_connections(1)
            .acquire_timeout(Duration::from_secs(30))
            .connect_with(options.clone())
            .await?;
        Migrator::new(Embedded { up_to: i64::MAX })
            .await?
            .run(&write)
            .await?;
        let read = SqlitePoolOptions::new()
            .max_connections(4)
            .connect_with(options.clone().read_only(true))
            .await?;
        // The group-commit writer holds a store whose own writer is a
        // closed channel: it writes through transactions, never through
        // itself.
        let (closed, _) = tokio::sync::mpsc::channel(1);
        let inner = Store {
            read,
            write,
            path: path.to_owned(),
            audit_head: Arc::default(),
            writer: closed,
        };
        let writer = batch::start(inner.clone());
        let checkpointer = SqlitePoolOptions::new()
            .max_connections(1)
            .connect_with(options)
            .await?;
        tokio::spawn(checkpoint(checkpointer, inner.write.clone()));
        Ok(Store { writer, ..inner })
    }

    /// Where the database lives.
    pub fn path(&self) -> &Path {
        &self.path
    }

    /// Starts a write transaction (waiting for the writer).
    pub async fn begin(&self) -> Result<Tx, StoreError> {
        Ok(Tx {
            tx: self.write.begin().await?,
            audit_head: self.audit_head.clone(),
            pending_head: None,
        })
    }

    /// The reader pool.
    pub(crate) fn reader(&self) -> &SqlitePool {
        &self.read
    }

    /// A setting, if set.
    pub async fn setting(&self, key: &str) -> Result<Option<String>, StoreError> {
        let row = sqlx::query("SELECT value FROM settings WHERE key = ?")
            .bind(key)
            .fetch_optional(&self.write)
            .await?;
        Ok(row.map(|r| r.get(0)))
    }

    /// The setting `key`, set to `make()` the first time it is asked for.
    pub async fn setting_or_init(
        &self,
        key: &str,
        make: impl FnOnce() -> String,
    ) -> Result<String, StoreError> {
        if let Some(value) = self.setting(key).await? {
            return Ok(value);
        }
        let mut tx = self.begin().await?;
        sqlx::query("INSERT OR IGNORE INTO settings (key, value) VALUES (?, ?)")
            .bind(key)
            .bind(make())
            .execute(&mut *tx.tx)
            .await?;
        tx.commit().await?;
        self.setting(key)
            .await?
            .ok_or_else(|| StoreError::Corrupt(format!("setting {key} vanished")))
    }

    /// Checks the database answers (for `/healthz`).
    pub async fn ping(&self) -> Result<(), StoreError> {
        sqlx::query("SELECT 1").execute(&self.read).await?;
        Ok(())
    }

    /// Closes both pools, waiting for their connections.
    pub async fn close(&self) {
        self.read.close().await;
        self.write.close().await;
    }
}

/// Copies the WAL back into the database every 250 ms, without blocking
/// readers or the writer (PASSIVE), until the store is closed.
async fn checkpoint(pool: SqlitePool, writer: SqlitePool) {
    let mut ticks = tokio::time::interval(Duration::from_millis(250));
    while !writer.is_closed() {
        ticks.tick().await;
        if let Err(e) = sqlx::query("PRAGMA wal_checkpoint(PASSIVE)")
            .execute(&pool)
            .await
        {
            tracing::warn!(error = %e, "WAL checkpoint failed");
        }
    }
    pool.close().await;
}

impl Tx {
    /// Sets a setting.
    pub async fn set_setting(&mut self, key: &str, value: &str) -> Result<(), StoreError> {
        sqlx::query(
            "INSERT INTO settings (key, value) VALUES (?, ?) \
             ON CONFLICT (key) DO UPDATE SET value = excluded.value",
        )
        .bind(key)
        .bind(value)
        .execute(&mut *self.tx)
        .await?;
        Ok(())
    }

    /// Commits.
    pub async fn commit(self) -> Result<(), StoreError> {
        self.tx.commit().await?;
        if let Some(head) = self.pending_head {
            *self.audit_head.lock().unwrap_or_else(|p| p.into_inner()) = Some(head);
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn opening_twice_migrates_once_and_keeps_settings() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("v.db");
        let store = Store::open(&path).await.unwrap();
        let secret = store.setting_or_init("s", || "one".into()).await.unwrap();
        assert_eq!(secret, "one");
        store.close().await;
        let store = Store::open(&path).await.unwrap();
        assert_eq!(
            store.setting_or_init("s", || "two".into()).await.unwrap(),
            "one"
        );
    }

    fn order_json(id: &str, brand: &str, status: &str, created_at: i64) -> String {
        serde_json::json!({
            "id": id, "household": "h", "need_id": format!("need-{id}"),
            "need_kind": "replenishment", "category": "food/dairy/milk",
            "brand": brand, "sku": "MILK", "offer_price_minor": 100,
            "price_paid_minor": 100, "mandate": null, "status": status,
            "approved_by_household": false, "created_at": created_at,
            "cancel_until": created_at + 86_400, "delivery_day": 1,
        })
        .to_string()
    }

    #[tokio::test]
    async fn upgrading_to_version_7_fills_order_ages_and_the_brands_each_household_bought_from() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("v.db");
        // A database as version 6 left it, with orders of every age.
        let options = SqliteConnectOptions::from_str(&format!("sqlite://{}", path.display()))
            .unwrap()
            .create_if_missing(true);
        let pool = SqlitePoolOptions::new()
            .max_connections(1)
            .connect_with(options)
            .await
            .unwrap();
        Migrator::new(Embedded { up_to: 6 })
            .await
            .unwrap()
            .run(&pool)
            .await
            .unwrap();
        sqlx::query(
            "INSERT INTO households (id, data, created_at, updated_at) VALUES ('h', '{}', 0, 0)",
        )
        .execute(&pool)
        .await
        .unwrap();
        for (id, brand, status, at) in [
            ("old-delivered", "dairy", "delivered", 10),
            ("old-placed", "farm", "placed", 20),
            ("new-declined", "choc", "declined", 5_000),
            ("new-delivered", "dairy", "delivered", 6_000),
        ] {
            sqlx::query(
                "INSERT INTO orders (id, household, need_id, brand, status, price_paid, data) \
                 VALUES (?, 'h', ?, ?, ?, 100, ?)",
            )
            .bind(id)
            .bind(format!("need-{id}"))
            .bind(brand)
            .bind(status)
            .bind(order_json(id, brand, status, at))
            .execute(&pool)
            .await
            .unwrap();
        }
        pool.close().await;

        let store = Store::open(&path).await.unwrap();
        let mut read: Vec<String> = store
            .book_orders(vitrine_types::time::Timestamp(1_000))
            .await
            .unwrap()
            .into_iter()
            .map(|o| o.id)
            .collect();
        read.sort();
        // The live order whatever its age, the settled ones since the cut.
        assert_eq!(read, ["new-declined", "new-delivered", "old-placed"]);
        // Brands bought from, however long ago; not one only declined.
        assert_eq!(
            store.household_brands().await.unwrap(),
            [
                ("h".to_owned(), "dairy".to_owned()),
                ("h".to_owned(), "farm".to_owned())
            ]
        );
    }

    #[tokio::test]
    async fn a_file_that_is_not_a_database_is_refused_with_an_error() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("v.db");
        std::fs::write(
            &path,
            b"this is not sqlite, just some text that is long enough",
        )
        .unwrap();
        assert!(Store::open(&path).await.is_err());
    }
}
