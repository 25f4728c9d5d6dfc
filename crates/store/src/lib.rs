//! # vitrine-store
//!
//! The platform's store, on one of two backends behind the same API:
//! embedded SQLite (the default, for one node and the demo) or PostgreSQL
//! (for several nodes on one database). Both go through sqlx's `Any`
//! driver with one set of queries, written in the SQL both understand
//! (`$1` placeholders, `ON CONFLICT`, no backend functions); each backend
//! has its own migrations, embedded in the binary.
//!
//! On SQLite (WAL mode) one writer connection serialises every write
//! transaction (SQLite allows one writer at a time anyway; queueing in the
//! pool avoids `SQLITE_BUSY`), while a pool of readers serves queries
//! concurrently from the WAL. On PostgreSQL one pool serves both, and the
//! audit chain's "read the last hash, append" step holds a
//! transaction-scoped advisory lock, so that the nodes append to one chain.
//!
//! One concept per file: [`audit`] (the hash-chained log), [`tokens`],
//! [`brands`] (brands and plugin versions), [`households`] (private data),
//! [`decisions`] (needs, decisions, orders, ledger), [`reports`] (brand
//! reports and the sharing policy), [`idempotency`], [`subscriptions`],
//! [`webhooks`], [`artifacts`] (compiled plugins), [`location`] (where the
//! database is), [`batch`] (group commit), [`work`] (periodic work shared
//! between nodes).

pub mod artifacts;
pub mod audit;
pub mod batch;
pub mod brands;
pub mod copy;
pub mod decisions;
pub mod households;
pub mod idempotency;
pub mod location;
pub mod reports;
pub mod subscriptions;
pub mod tokens;
pub mod webhooks;
pub mod work;

use std::borrow::Cow;
use std::future::Future;
use std::pin::Pin;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use sqlx::any::{AnyPoolOptions, AnyRow};
use sqlx::migrate::{Migration, MigrationSource, MigrationType, Migrator};
use sqlx::{Any, AnyPool, Connection as _, Executor, Row};

pub use location::{Backend, Location};

/// SQLite's migrations, in order, embedded at build time.
const SQLITE_MIGRATIONS: &[(i64, &str, &str)] = &[
    (
        1,
        "init",
        include_str!("../migrations/sqlite/0001_init.sql"),
    ),
    (
        2,
        "trust",
        include_str!("../migrations/sqlite/0002_trust.sql"),
    ),
    (
        3,
        "fulfilment",
        include_str!("../migrations/sqlite/0003_fulfilment.sql"),
    ),
    (
        4,
        "webhooks",
        include_str!("../migrations/sqlite/0004_webhooks.sql"),
    ),
    (
        5,
        "subscriptions",
        include_str!("../migrations/sqlite/0005_subscriptions.sql"),
    ),
    (
        6,
        "artifacts",
        include_str!("../migrations/sqlite/0006_artifacts.sql"),
    ),
    (
        7,
        "startup",
        include_str!("../migrations/sqlite/0007_startup.sql"),
    ),
    (
        8,
        "nodes",
        include_str!("../migrations/sqlite/0008_nodes.sql"),
    ),
];

/// PostgreSQL's migrations: the schema as SQLite's version 7 left it, in
/// one file (PostgreSQL support began there); later versions have a file
/// per backend, with the same number.
const POSTGRES_MIGRATIONS: &[(i64, &str, &str)] = &[
    (
        7,
        "schema",
        include_str!("../migrations/postgres/0007_schema.sql"),
    ),
    (
        8,
        "nodes",
        include_str!("../migrations/postgres/0008_nodes.sql"),
    ),
];

/// The version of the schema this binary writes (both backends).
pub const SCHEMA_VERSION: i64 = 8;

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

/// The embedded migrations of `backend` up to version `up_to`, as a sqlx
/// migration source (tests build older schemas with a lower bound).
#[derive(Debug)]
struct Embedded {
    backend: Backend,
    up_to: i64,
}

impl<'s> MigrationSource<'s> for Embedded {
    fn resolve(
        self,
    ) -> Pin<Box<dyn Future<Output = Result<Vec<Migration>, sqlx::error::BoxDynError>> + Send + 's>>
    {
        let up_to = self.up_to;
        let migrations = match self.backend {
            Backend::Sqlite => SQLITE_MIGRATIONS,
            Backend::Postgres => POSTGRES_MIGRATIONS,
        };
        Box::pin(async move {
            Ok(migrations
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

/// Connections each node keeps to PostgreSQL at most for reads and writes.
pub const POSTGRES_POOL_SIZE: u32 = 8;

/// Connections each node keeps at most for the household and job locks it
/// holds (one per household being changed at once; a change waits for one
/// when all are taken).
pub const POSTGRES_LOCK_POOL_SIZE: u32 = 8;

/// Connections each node keeps at most for request locks (an
/// `Idempotency-Key` being answered), which are taken before a household's.
/// Each kind of lock has its own pool, and locks are always taken in the
/// order request, household, audit, so a node holding every lock of one
/// kind can still take the next kind, read and write: no pool waits on
/// itself. Three nodes use 60 of PostgreSQL's default 100 connections
/// (and one each to listen for plugin changes).
pub const POSTGRES_REQUEST_LOCK_POOL_SIZE: u32 = 4;

/// The key of the advisory lock that serialises appends to the audit chain
/// on PostgreSQL: negative, where other keys never are (see [`lock_key`]).
const AUDIT_LOCK: i64 = -0x5649_5452_494e_4541; // "VITRINEA"

/// Each SQLite writer connection's settings. WAL mode; synchronous NORMAL
/// (in WAL mode a commit survives a process crash; only an OS crash or
/// power loss can lose the last transactions); checkpoints left to a
/// background task (one inside a commit would stall every decision of the
/// batch behind it); foreign keys enforced.
const SQLITE_PRAGMAS: &str = "PRAGMA journal_mode = WAL; PRAGMA synchronous = NORMAL; \
     PRAGMA wal_autocheckpoint = 0; PRAGMA foreign_keys = ON; PRAGMA busy_timeout = 5000;";

/// The open store.
#[derive(Clone)]
pub struct Store {
    read: AnyPool,
    write: AnyPool,
    location: Location,
    /// PostgreSQL only: the connections that hold household and job locks,
    /// and those that hold request locks.
    locks: Option<(AnyPool, AnyPool)>,
    audit_head: AuditHead,
    writer: batch::Writer,
}

/// A named lock held in the database until released or dropped
/// ([`Store::lock`]). On SQLite, where one node owns the database, it holds
/// nothing.
#[must_use = "the lock is released when dropped"]
pub struct StoreLock(Option<sqlx::Transaction<'static, Any>>);

impl StoreLock {
    /// Releases the lock now (dropping it releases it too, a little later:
    /// the connection rolls back when the pool takes it back).
    pub async fn release(self) {
        if let Some(tx) = self.0
            && let Err(e) = tx.rollback().await
        {
            tracing::warn!(error = %e, "releasing a lock failed (its connection is dropped)");
        }
    }
}

/// The last audit entry's number and hash, as committed (`None` until read
/// from the database). On SQLite only the single writer appends, so the
/// cache spares each transaction a query; on PostgreSQL other nodes append
/// too, and the head is read under the audit lock instead.
pub(crate) type AuditHead = Arc<Mutex<Option<(i64, String)>>>;

/// One write transaction; dropped without [`Tx::commit`], it rolls back.
/// Its audit entries are appended when it commits, as its last statement,
/// so that the audit lock (PostgreSQL) is the last lock a transaction
/// takes and held for the shortest time.
pub struct Tx {
    pub(crate) tx: sqlx::Transaction<'static, Any>,
    pub(crate) backend: Backend,
    pub(crate) audit_head: AuditHead,
    /// Entries to append when committing.
    pub(crate) pending_audit: Vec<audit::AuditRecord>,
}

impl Store {
    /// Opens (creating if needed) the SQLite database at `path`.
    pub async fn open(path: &std::path::Path) -> Result<Store, StoreError> {
        Store::connect(&Location::Sqlite(path.to_owned())).await
    }

    /// Connects to the database at `location` and applies any pending
    /// migration: SQLite is created if missing and put in WAL mode;
    /// PostgreSQL must exist (the schema is created in it, in the schema
    /// the URL's `search_path` names, `public` by default).
    pub async fn connect(location: &Location) -> Result<Store, StoreError> {
        sqlx::any::install_default_drivers();
        let backend = location.backend();
        let mut locks = None;
        let (read, write) = match location {
            Location::Sqlite(_) => {
                // One connection first, so that a file that is not a
                // database is refused at once (the pool would retry until
                // its acquire timeout).
                let url = location.sqlx_url(false)?;
                let mut probe = sqlx::AnyConnection::connect(&url).await?;
                probe.execute(SQLITE_PRAGMAS).await?;
                sqlx::Connection::close(probe).await?;
                let write = AnyPoolOptions::new()
                    .max_connections(1)
                    .acquire_timeout(Duration::from_secs(30))
                    .after_connect(|conn, _| {
                        Box::pin(async move {
                            conn.execute(SQLITE_PRAGMAS).await?;
                            Ok(())
                        })
                    })
                    .connect(&url)
                    .await?;
                let read = AnyPoolOptions::new()
                    .max_connections(4)
                    .after_connect(|conn, _| {
                        Box::pin(async move {
                            conn.execute("PRAGMA busy_timeout = 5000;").await?;
                            Ok(())
                        })
                    })
                    .connect_lazy(&location.sqlx_url(true)?)?;
                (read, write)
            }
            Location::Postgres(_) => {
                // One connection first: an unreachable server or a refused
                // login is said at once (the pool would retry until its
                // acquire timeout); a supervisor restarts the node.
                let probe = sqlx::AnyConnection::connect(&location.sqlx_url(false)?).await?;
                sqlx::Connection::close(probe).await?;
                let pool = AnyPoolOptions::new()
                    .max_connections(POSTGRES_POOL_SIZE)
                    .acquire_timeout(Duration::from_secs(30))
                    .connect(&location.sqlx_url(false)?)
                    .await?;
                let lock_pool = |size| {
                    AnyPoolOptions::new()
                        .max_connections(size)
                        .acquire_timeout(Duration::from_secs(60))
                        .connect_lazy(&location.sqlx_url(false)?)
                        .map_err(StoreError::from)
                };
                locks = Some((
                    lock_pool(POSTGRES_LOCK_POOL_SIZE)?,
                    lock_pool(POSTGRES_REQUEST_LOCK_POOL_SIZE)?,
                ));
                (pool.clone(), pool)
            }
        };
        Migrator::new(Embedded {
            backend,
            up_to: i64::MAX,
        })
        .await?
        .run(&write)
        .await?;
        // The group-commit writer holds a store whose own writer is a
        // closed channel: it writes through transactions, never through
        // itself.
        let (closed, _) = tokio::sync::mpsc::channel(1);
        let inner = Store {
            read,
            write,
            location: location.clone(),
            locks,
            audit_head: Arc::default(),
            writer: closed,
        };
        let writer = batch::start(inner.clone());
        if backend == Backend::Sqlite {
            let checkpointer = AnyPoolOptions::new()
                .max_connections(1)
                .connect(&location.sqlx_url(false)?)
                .await?;
            tokio::spawn(checkpoint(checkpointer, inner.write.clone()));
        }
        Ok(Store { writer, ..inner })
    }

    /// Where the database is.
    pub fn location(&self) -> &Location {
        &self.location
    }

    /// Which database it is.
    pub fn backend(&self) -> Backend {
        self.location.backend()
    }

    /// Starts a write transaction (waiting for the writer).
    pub async fn begin(&self) -> Result<Tx, StoreError> {
        Ok(Tx {
            tx: self.write.begin().await?,
            backend: self.backend(),
            audit_head: self.audit_head.clone(),
            pending_audit: Vec::new(),
        })
    }

    /// Holds the lock `name` (`household:ID`, …) across every node on the
    /// database until the returned lock is released: PostgreSQL's
    /// transaction-scoped advisory lock, held by a transaction of its own
    /// (so it goes with the node's connection if the node dies). On SQLite
    /// there is one node, whose own locks suffice: nothing is held.
    pub async fn lock(&self, name: &str) -> Result<StoreLock, StoreError> {
        match &self.locks {
            Some((pool, _)) => advisory_lock(pool, name).await,
            None => Ok(StoreLock(None)),
        }
    }

    /// [`Store::lock`] for a request (`idempotency:…`): from a pool of its
    /// own, taken before any household's lock.
    pub async fn request_lock(&self, name: &str) -> Result<StoreLock, StoreError> {
        match &self.locks {
            Some((_, pool)) => advisory_lock(pool, name).await,
            None => Ok(StoreLock(None)),
        }
    }

    /// The reader pool.
    pub(crate) fn reader(&self) -> &AnyPool {
        &self.read
    }

    /// A setting, if set.
    pub async fn setting(&self, key: &str) -> Result<Option<String>, StoreError> {
        let row = sqlx::query("SELECT value FROM settings WHERE key = $1")
            .bind(key)
            .fetch_optional(&self.write)
            .await?;
        Ok(row.map(|r| r.get(0)))
    }

    /// The setting `key`, set to `make()` the first time it is asked for
    /// (by whichever node asks first: the others read what it set).
    pub async fn setting_or_init(
        &self,
        key: &str,
        make: impl FnOnce() -> String,
    ) -> Result<String, StoreError> {
        if let Some(value) = self.setting(key).await? {
            return Ok(value);
        }
        let mut tx = self.begin().await?;
        sqlx::query("INSERT INTO settings (key, value) VALUES ($1, $2) ON CONFLICT DO NOTHING")
            .bind(key)
            .bind(make())
            .execute(&mut *tx.tx)
            .await?;
        tx.commit().await?;
        self.setting(key)
            .await?
            .ok_or_else(|| StoreError::Corrupt(format!("setting {key} vanished")))
    }

    /// The schema version the database is at (the highest migration
    /// applied).
    pub async fn schema_version(&self) -> Result<i64, StoreError> {
        let row = sqlx::query(
            "SELECT CAST(COALESCE(MAX(version), 0) AS BIGINT) FROM _sqlx_migrations \
             WHERE success = TRUE",
        )
        .fetch_one(&self.read)
        .await?;
        Ok(row.get(0))
    }

    /// Checks the database answers (for `/healthz`).
    pub async fn ping(&self) -> Result<(), StoreError> {
        sqlx::query("SELECT 1").execute(&self.read).await?;
        Ok(())
    }

    /// Closes both pools, waiting for their connections.
    pub async fn close(&self) {
        if let Some((households, requests)) = &self.locks {
            households.close().await;
            requests.close().await;
        }
        self.read.close().await;
        self.write.close().await;
    }
}

/// Copies the WAL back into the database every 250 ms, without blocking
/// readers or the writer (PASSIVE), until the store is closed.
async fn checkpoint(pool: AnyPool, writer: AnyPool) {
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

/// `VALUES ($1, $2, …), (…), …` for `rows` rows of `columns` values, for a
/// multi-row statement whose values are then bound row by row.
pub(crate) fn values_clause(rows: usize, columns: usize) -> String {
    let mut sql = String::from("VALUES ");
    for row in 0..rows {
        if row > 0 {
            sql.push_str(", ");
        }
        sql.push('(');
        for column in 0..columns {
            if column > 0 {
                sql.push_str(", ");
            }
            sql.push_str(&format!("${}", row * columns + column + 1));
        }
        sql.push(')');
    }
    sql
}

/// Rows of a multi-row statement per statement at most, whatever the
/// number of columns: both backends bind at most 32,766 values.
pub(crate) fn rows_per_statement(columns: usize) -> usize {
    (32_000 / columns.max(1)).clamp(1, 500)
}

/// The first column of each row, parsed as JSON.
pub(crate) fn parse_json<T: serde::de::DeserializeOwned>(
    rows: &[AnyRow],
) -> Result<Vec<T>, StoreError> {
    rows.iter()
        .map(|r| Ok(serde_json::from_str(&r.try_get::<String, _>(0)?)?))
        .collect()
}

impl Tx {
    /// Sets a setting.
    pub async fn set_setting(&mut self, key: &str, value: &str) -> Result<(), StoreError> {
        sqlx::query(
            "INSERT INTO settings (key, value) VALUES ($1, $2) \
             ON CONFLICT (key) DO UPDATE SET value = excluded.value",
        )
        .bind(key)
        .bind(value)
        .execute(&mut *self.tx)
        .await?;
        Ok(())
    }

    /// Commits, appending the transaction's audit entries first.
    pub async fn commit(mut self) -> Result<(), StoreError> {
        let head = self.flush_audit().await?;
        self.tx.commit().await?;
        if let Some(head) = head {
            *self.audit_head.lock().unwrap_or_else(|p| p.into_inner()) = Some(head);
        }
        Ok(())
    }
}

/// Takes advisory lock `name` in a transaction of its own from `pool`.
async fn advisory_lock(pool: &AnyPool, name: &str) -> Result<StoreLock, StoreError> {
    let mut tx = pool.begin().await?;
    sqlx::query("SELECT pg_advisory_xact_lock($1)")
        .bind(lock_key(name))
        .execute(&mut *tx)
        .await?;
    Ok(StoreLock(Some(tx)))
}

/// The advisory-lock key of a name: the first 8 bytes of its SHA-256 with
/// the sign bit cleared, so never [`AUDIT_LOCK`] (two names sharing a key
/// would only take turns when they need not).
pub(crate) fn lock_key(name: &str) -> i64 {
    use sha2::Digest;
    let digest = sha2::Sha256::digest(name.as_bytes());
    let mut bytes = [0u8; 8];
    bytes.copy_from_slice(&digest[..8]);
    i64::from_le_bytes(bytes) & i64::MAX
}

#[cfg(test)]
mod tests {
    use super::*;
    use sqlx::sqlite::{SqliteConnectOptions, SqlitePoolOptions};
    use std::str::FromStr;

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
        Migrator::new(Embedded {
            backend: Backend::Sqlite,
            up_to: 6,
        })
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
                 VALUES ($1, 'h', $2, $3, $4, 100, $5)",
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
