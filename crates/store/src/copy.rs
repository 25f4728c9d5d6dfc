//! Copying a whole installation from one database to another (`vitrine
//! migrate --from sqlite:vitrine.db --to postgres://…`): every table, in
//! one consistent read of the source and one transaction on the
//! destination, then the destination's audit chain verified against the
//! source's.

use sqlx::Row;
use sqlx::any::AnyRow;

use super::audit::BrokenChain;
use super::{Backend, Store, StoreError};

/// How a column is read and written.
#[derive(Debug, Clone, Copy)]
enum Kind {
    Text,
    OptText,
    Int,
    OptInt,
    Real,
    Bytes,
}

use Kind::{Bytes, Int, OptInt, OptText, Real, Text};

/// A table's name, its columns, and the order its rows are read in.
type Table = (&'static str, &'static [(&'static str, Kind)], &'static str);

/// Every table, parents first (insertion order where the store lists by
/// it).
const TABLES: &[Table] = &[
    ("settings", &[("key", Text), ("value", Text)], "key"),
    (
        "tokens",
        &[
            ("hash", Text),
            ("role", Text),
            ("subject", Text),
            ("created_at", Int),
            ("revoked_at", OptInt),
        ],
        "hash",
    ),
    (
        "brands",
        &[("id", Text), ("name", Text), ("created_at", Int)],
        "id",
    ),
    (
        "plugin_versions",
        &[
            ("brand", Text),
            ("version", Int),
            ("sha256", Text),
            ("wasm", Bytes),
            ("catalog", Text),
            ("info", Text),
            ("status", Text),
            ("limits", Text),
            ("uploaded_at", Int),
            ("revision", Int),
        ],
        "brand, version",
    ),
    (
        "households",
        &[
            ("id", Text),
            ("data", Text),
            ("created_at", Int),
            ("updated_at", Int),
            ("version", Int),
        ],
        "id",
    ),
    (
        "household_events",
        &[
            ("seq", Int),
            ("household", Text),
            ("kind", Text),
            ("at", Int),
            ("data", Text),
        ],
        "seq",
    ),
    (
        "needs",
        &[
            ("id", Text),
            ("household", Text),
            ("kind", Text),
            ("category", Text),
            ("data", Text),
            ("raised_at", Int),
            ("decision", OptText),
            ("open", Int),
            ("attempts", Int),
        ],
        "household, id",
    ),
    (
        "decisions",
        &[
            ("id", Text),
            ("household", Text),
            ("need_id", Text),
            ("at", Int),
            ("outcome", Text),
            ("data", Text),
        ],
        "household, id",
    ),
    (
        "orders",
        &[
            ("id", Text),
            ("household", Text),
            ("need_id", Text),
            ("brand", Text),
            ("status", Text),
            ("price_paid", Int),
            ("data", Text),
            ("created_at", Int),
        ],
        "rowid",
    ),
    (
        "ledger",
        &[
            ("seq", Int),
            ("household", Text),
            ("order_id", Text),
            ("mandate", OptText),
            ("amount", Int),
            ("at", Int),
        ],
        "seq",
    ),
    (
        "brand_reports",
        &[
            ("brand", Text),
            ("day", Int),
            ("epsilon", Real),
            ("data", Text),
        ],
        "brand, day",
    ),
    ("policy", &[("id", Int), ("data", Text)], "id"),
    (
        "idempotency",
        &[
            ("principal", Text),
            ("key", Text),
            ("route", Text),
            ("request_hash", Text),
            ("status", Int),
            ("body", Text),
            ("created_at", Int),
        ],
        "principal, key",
    ),
    (
        "audit",
        &[
            ("seq", Int),
            ("at", Int),
            ("actor", Text),
            ("action", Text),
            ("subject", Text),
            ("detail", Text),
            ("prev_hash", Text),
            ("hash", Text),
        ],
        "seq",
    ),
    (
        "k_anonymity",
        &[("key", Text), ("household", Text), ("day", Int)],
        "key, household",
    ),
    (
        "privacy_spend",
        &[
            ("brand", Text),
            ("household", Text),
            ("day", Int),
            ("epsilon", Real),
        ],
        "brand, household, day",
    ),
    (
        "webhooks",
        &[
            ("household", Text),
            ("url", Text),
            ("secret", Text),
            ("since", Int),
        ],
        "household",
    ),
    (
        "webhook_events",
        &[
            ("household", Text),
            ("id", Text),
            ("kind", Text),
            ("payload", Text),
            ("created_at", Int),
            ("attempts", Int),
            ("next_attempt_at", OptInt),
            ("delivered_at", OptInt),
        ],
        "household, id",
    ),
    (
        "webhook_attempts",
        &[
            ("household", Text),
            ("event_id", Text),
            ("attempt", Int),
            ("at", Int),
            ("status", OptInt),
            ("error", OptText),
            ("millis", Int),
        ],
        "household, event_id, attempt",
    ),
    (
        "subscriptions",
        &[
            ("id", Text),
            ("household", Text),
            ("brand", Text),
            ("category", Text),
            ("status", Text),
            ("data", Text),
            ("updated_at", Int),
        ],
        "rowid",
    ),
    (
        "artifacts",
        &[
            ("sha256", Text),
            ("fingerprint", Text),
            ("bytes", Bytes),
            ("created_at", Int),
        ],
        "sha256, fingerprint",
    ),
    (
        "household_brands",
        &[("household", Text), ("brand", Text)],
        "household, brand",
    ),
];

/// Rows read and written at once.
const PAGE: i64 = 500;

/// Why a copy was refused or failed; nothing was written unless it says
/// otherwise.
#[derive(Debug, thiserror::Error)]
pub enum CopyError {
    /// The two databases are at different schema versions.
    #[error("the source is at schema version {from}, the destination at {to}")]
    Versions {
        /// The source's.
        from: i64,
        /// The destination's.
        to: i64,
    },
    /// The destination already holds an installation.
    #[error("the destination is not empty ({0} rows in {1}): copy only into a new database")]
    NotEmpty(i64, &'static str),
    /// The source's audit chain does not verify: it is not copied.
    #[error("the source's audit chain is broken ({0}): nothing was copied")]
    SourceChain(BrokenChain),
    /// The copy's audit chain does not match the source's (the copy was
    /// written, and must not be used).
    #[error("the copy's audit chain differs from the source's: {0}")]
    CopyChain(String),
    /// The database failed.
    #[error(transparent)]
    Store(#[from] StoreError),
}

impl From<sqlx::Error> for CopyError {
    fn from(e: sqlx::Error) -> Self {
        CopyError::Store(e.into())
    }
}

/// What was copied.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CopyReport {
    /// Rows per table, in copy order.
    pub rows: Vec<(&'static str, u64)>,
    /// Audit entries, verified on the destination.
    pub audit_entries: u64,
}

impl Store {
    /// Copies every row of this store into `to`, a new database at the
    /// same schema version: the source is read in one transaction (a
    /// consistent snapshot, even while a node serves from it), the
    /// destination written in one (all or nothing), and the destination's
    /// audit chain then verified to the source's last entry.
    pub async fn copy_into(&self, to: &Store) -> Result<CopyReport, CopyError> {
        let (from_version, to_version) = (self.schema_version().await?, to.schema_version().await?);
        if from_version != to_version {
            return Err(CopyError::Versions {
                from: from_version,
                to: to_version,
            });
        }
        for table in ["households", "brands", "audit", "tokens"] {
            let row = sqlx::query(&format!("SELECT COUNT(*) FROM {table}"))
                .fetch_one(to.reader())
                .await?;
            let count: i64 = row.try_get(0)?;
            if count > 0 {
                return Err(CopyError::NotEmpty(count, table));
            }
        }
        let source_entries = self.verify_audit().await?.map_err(CopyError::SourceChain)?;
        let mut read = self.reader().begin().await?;
        let mut write = to.begin().await?;
        // Settings the destination made when it was opened (its own secrets)
        // give way to the source's.
        sqlx::query("DELETE FROM settings")
            .execute(&mut *write.tx)
            .await?;
        let mut report = CopyReport {
            rows: Vec::new(),
            audit_entries: 0,
        };
        for &(table, columns, order) in TABLES {
            let names: Vec<&str> = columns.iter().map(|(name, _)| *name).collect();
            let list = names.join(", ");
            let mut copied = 0;
            let mut offset = 0;
            loop {
                let rows = sqlx::query(&format!(
                    "SELECT {list} FROM {table} ORDER BY {order} LIMIT $1 OFFSET $2"
                ))
                .bind(PAGE)
                .bind(offset)
                .fetch_all(&mut *read)
                .await?;
                if rows.is_empty() {
                    break;
                }
                for chunk in rows.chunks(super::rows_per_statement(columns.len())) {
                    let sql = format!(
                        "INSERT INTO {table} ({list}) {}",
                        super::values_clause(chunk.len(), columns.len())
                    );
                    let mut q = sqlx::query(&sql);
                    for row in chunk {
                        for (i, &(_, kind)) in columns.iter().enumerate() {
                            q = bind(q, row, i, kind)?;
                        }
                    }
                    q.execute(&mut *write.tx).await?;
                }
                copied += rows.len() as u64;
                offset += PAGE;
            }
            report.rows.push((table, copied));
        }
        if to.backend() == Backend::Postgres {
            // Identities carry on after the copied numbers.
            for table in ["ledger", "household_events"] {
                sqlx::query(&format!(
                    "SELECT setval(pg_get_serial_sequence('{table}', 'seq'), \
                     GREATEST((SELECT COALESCE(MAX(seq), 0) FROM {table}), 1))"
                ))
                .execute(&mut *write.tx)
                .await?;
            }
        }
        write.commit().await?;
        read.rollback().await?;
        // The copy verifies, and its entry where the source's verified
        // chain ended is the same entry (the source may have gone on since).
        let copied = to
            .verify_audit()
            .await?
            .map_err(|broken| CopyError::CopyChain(broken.to_string()))?;
        if source_entries > 0 {
            let at = i64::try_from(source_entries - 1).unwrap_or(i64::MAX);
            let (source_last, copy_last) = (
                self.audit_entries(at, 1).await?,
                to.audit_entries(at, 1).await?,
            );
            if copy_last.first().map(|e| &e.hash) != source_last.first().map(|e| &e.hash) {
                return Err(CopyError::CopyChain(format!(
                    "entry {source_entries} differs (the copy has {copied} entries)"
                )));
            }
        }
        report.audit_entries = copied;
        Ok(report)
    }
}

/// Binds column `i` of `row`, read as `kind`.
fn bind<'q>(
    q: sqlx::query::Query<'q, sqlx::Any, sqlx::any::AnyArguments<'q>>,
    row: &AnyRow,
    i: usize,
    kind: Kind,
) -> Result<sqlx::query::Query<'q, sqlx::Any, sqlx::any::AnyArguments<'q>>, CopyError> {
    Ok(match kind {
        Text => q.bind(row.try_get::<String, _>(i)?),
        OptText => q.bind(row.try_get::<Option<String>, _>(i)?),
        Int => q.bind(row.try_get::<i64, _>(i)?),
        OptInt => q.bind(row.try_get::<Option<i64>, _>(i)?),
        Real => q.bind(row.try_get::<f64, _>(i)?),
        Bytes => q.bind(row.try_get::<Vec<u8>, _>(i)?),
    })
}
