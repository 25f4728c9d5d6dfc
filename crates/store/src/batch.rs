//! Group commit for decisions, the hot write path. Each decision becomes a
//! prepared set of rows (serialised by the caller, off the writer); one
//! writer task takes every decision waiting, up to [`MAX_BATCH`], and
//! writes them in one transaction with one multi-row statement per table,
//! so a burst of N decisions costs a handful of round trips to the database
//! instead of several per decision. Each caller is answered only after the
//! commit: an acknowledged decision is stored.

use sqlx::Row;
use tokio::sync::{mpsc, oneshot};

use super::audit::AuditRecord;
use super::{Store, StoreError, Tx};
use vitrine_core::decision::Decision;

/// Most decisions written in one transaction.
pub const MAX_BATCH: usize = 64;

/// A decision's rows, ready to insert.
#[derive(Debug)]
pub struct PreparedDecision {
    household: String,
    id: String,
    need_id: String,
    at: i64,
    outcome: &'static str,
    data: String,
    need_kind: &'static str,
    need_category: String,
    need_data: String,
    need_raised_at: i64,
    /// The need stays open after this decision (no offer was found).
    need_open: bool,
    order: Option<PreparedOrder>,
    /// New k-anonymity sightings: (combination, household hash, day).
    sightings: Vec<(String, String, i64)>,
    audit: AuditRecord,
}

#[derive(Debug)]
struct PreparedOrder {
    id: String,
    brand: String,
    status: String,
    price_paid: i64,
    mandate: Option<String>,
    spends: bool,
    data: String,
    created_at: i64,
}

impl PreparedDecision {
    /// The decision's JSON, as stored.
    pub fn json(&self) -> &str {
        &self.data
    }

    /// The k-anonymity sightings to store with the decision.
    pub fn with_sightings(
        mut self,
        sightings: Vec<(String, String, vitrine_types::time::Day)>,
    ) -> Self {
        self.sightings = sightings
            .into_iter()
            .map(|(key, hash, day)| (key, hash, i64::from(day.0)))
            .collect();
        self
    }

    /// Serialises `decision` and its audit record.
    pub fn new(decision: &Decision, audit: AuditRecord) -> Result<PreparedDecision, StoreError> {
        let order = match &decision.placement.order {
            None => None,
            Some(o) => Some(PreparedOrder {
                id: o.id.clone(),
                brand: o.brand.clone(),
                status: o.status.as_str().to_owned(),
                price_paid: super::money_column(o.price_paid_minor)?,
                mandate: o.mandate.clone(),
                spends: o.status.spends(),
                data: serde_json::to_string(o)?,
                created_at: o.created_at.0,
            }),
        };
        Ok(PreparedDecision {
            household: decision.household.0.clone(),
            id: decision.id.clone(),
            need_id: decision.need.id.clone(),
            at: decision.at.0,
            outcome: decision.outcome().as_str(),
            data: serde_json::to_string(decision)?,
            need_kind: decision.need.kind.as_str(),
            need_category: decision.need.category.clone(),
            need_data: serde_json::to_string(&decision.need)?,
            need_raised_at: decision.need.raised_at.0,
            need_open: decision.placement.order.is_none()
                && decision.placement.rule == vitrine_core::mandate::MandateRule::NoOffer,
            order,
            sightings: Vec::new(),
            audit,
        })
    }
}

/// Why one decision of a batch was not written.
#[derive(Debug, thiserror::Error)]
pub enum BatchError {
    /// The need already has a decision.
    #[error("the need already has a decision")]
    Duplicate,
    /// The whole batch failed.
    #[error("{0}")]
    Store(String),
}

type Job = (PreparedDecision, oneshot::Sender<Result<(), BatchError>>);

/// The sending side of the writer task.
pub(crate) type Writer = mpsc::Sender<Job>;

/// Starts the writer task for `store`.
pub(crate) fn start(store: Store) -> Writer {
    let (tx, mut rx) = mpsc::channel::<Job>(4 * MAX_BATCH);
    tokio::spawn(async move {
        while let Some(first) = rx.recv().await {
            let mut batch = vec![first];
            while batch.len() < MAX_BATCH {
                match rx.try_recv() {
                    Ok(job) => batch.push(job),
                    Err(_) => break,
                }
            }
            let (rows, answers): (Vec<_>, Vec<_>) = batch.into_iter().unzip();
            match write(&store, &rows).await {
                Ok(written) => {
                    for (answer, ok) in answers.into_iter().zip(written) {
                        let _ = answer.send(if ok {
                            Ok(())
                        } else {
                            Err(BatchError::Duplicate)
                        });
                    }
                }
                Err(e) => {
                    let message = e.to_string();
                    for answer in answers {
                        let _ = answer.send(Err(BatchError::Store(message.clone())));
                    }
                }
            }
        }
    });
    tx
}

/// Writes a batch; returns, per decision, whether it was written (false:
/// its need already had a decision).
async fn write(store: &Store, rows: &[PreparedDecision]) -> Result<Vec<bool>, StoreError> {
    let mut tx: Tx = store.begin().await?;
    let mut inserted: Vec<(String, String)> = Vec::with_capacity(rows.len());
    for chunk in rows.chunks(super::rows_per_statement(6)) {
        let sql = format!(
            "INSERT INTO decisions (id, household, need_id, at, outcome, data) {} \
             ON CONFLICT DO NOTHING RETURNING household, id",
            super::values_clause(chunk.len(), 6)
        );
        let mut q = sqlx::query(&sql);
        for r in chunk {
            q = q
                .bind(&r.id)
                .bind(&r.household)
                .bind(&r.need_id)
                .bind(r.at)
                .bind(r.outcome)
                .bind(&r.data);
        }
        for row in q.fetch_all(&mut *tx.tx).await? {
            inserted.push((row.try_get(0)?, row.try_get(1)?));
        }
    }
    // Two decisions of one need in one batch: the first row inserted wins.
    let mut seen = std::collections::HashSet::new();
    let written: Vec<bool> = rows
        .iter()
        .map(|r| {
            inserted
                .iter()
                .any(|(h, id)| *h == r.household && *id == r.id)
                && seen.insert((r.household.as_str(), r.id.as_str()))
        })
        .collect();
    let kept: Vec<&PreparedDecision> = rows
        .iter()
        .zip(&written)
        .filter_map(|(r, w)| w.then_some(r))
        .collect();
    if kept.is_empty() {
        return Ok(written);
    }
    for chunk in kept.chunks(super::rows_per_statement(9)) {
        let sql = format!(
            "INSERT INTO needs (id, household, kind, category, data, raised_at, decision, open, attempts) \
             {} ON CONFLICT (household, id) DO UPDATE SET decision = excluded.decision, \
             open = excluded.open, attempts = needs.attempts + 1",
            super::values_clause(chunk.len(), 9)
        );
        let mut q = sqlx::query(&sql);
        for r in chunk {
            q = q
                .bind(&r.need_id)
                .bind(&r.household)
                .bind(r.need_kind)
                .bind(&r.need_category)
                .bind(&r.need_data)
                .bind(r.need_raised_at)
                .bind(&r.id)
                .bind(i64::from(r.need_open))
                .bind(1_i64);
        }
        q.execute(&mut *tx.tx).await?;
    }
    let with_orders: Vec<(&PreparedDecision, &PreparedOrder)> = kept
        .iter()
        .filter_map(|r| r.order.as_ref().map(|o| (*r, o)))
        .collect();
    for chunk in with_orders.chunks(super::rows_per_statement(8)) {
        let sql = format!(
            "INSERT INTO orders (id, household, need_id, brand, status, price_paid, data, created_at) {}",
            super::values_clause(chunk.len(), 8)
        );
        let mut q = sqlx::query(&sql);
        for (r, o) in chunk {
            q = q
                .bind(&o.id)
                .bind(&r.household)
                .bind(&r.need_id)
                .bind(&o.brand)
                .bind(&o.status)
                .bind(o.price_paid)
                .bind(&o.data)
                .bind(o.created_at);
        }
        q.execute(&mut *tx.tx).await?;
    }
    let spending: Vec<_> = with_orders.iter().filter(|(_, o)| o.spends).collect();
    for chunk in spending.chunks(super::rows_per_statement(5)) {
        let sql = format!(
            "INSERT INTO ledger (household, order_id, mandate, amount, at) {}",
            super::values_clause(chunk.len(), 5)
        );
        let mut q = sqlx::query(&sql);
        for (r, o) in chunk {
            q = q
                .bind(&r.household)
                .bind(&o.id)
                .bind(&o.mandate)
                .bind(o.price_paid)
                .bind(r.at);
        }
        q.execute(&mut *tx.tx).await?;
    }
    let brands: Vec<(&str, &str)> = spending
        .iter()
        .map(|(r, o)| (r.household.as_str(), o.brand.as_str()))
        .collect();
    for chunk in brands.chunks(super::rows_per_statement(2)) {
        let sql = format!(
            "INSERT INTO household_brands (household, brand) {} ON CONFLICT DO NOTHING",
            super::values_clause(chunk.len(), 2)
        );
        let mut q = sqlx::query(&sql);
        for (household, brand) in chunk {
            q = q.bind(*household).bind(*brand);
        }
        q.execute(&mut *tx.tx).await?;
    }
    // A combination seen twice in one batch would be one row twice in one
    // statement, which PostgreSQL refuses: keep the latest day of each.
    let mut sightings: std::collections::BTreeMap<(&str, &str), i64> =
        std::collections::BTreeMap::new();
    for (key, household, day) in kept.iter().flat_map(|r| &r.sightings) {
        let latest = sightings.entry((key, household)).or_insert(*day);
        *latest = (*latest).max(*day);
    }
    let sightings: Vec<_> = sightings.into_iter().collect();
    for chunk in sightings.chunks(super::rows_per_statement(3)) {
        let sql = format!(
            "INSERT INTO k_anonymity (key, household, day) {} \
             ON CONFLICT (key, household) DO UPDATE SET day = \
             CASE WHEN excluded.day > k_anonymity.day THEN excluded.day ELSE k_anonymity.day END",
            super::values_clause(chunk.len(), 3)
        );
        let mut q = sqlx::query(&sql);
        for ((key, household), day) in chunk {
            q = q.bind(*key).bind(*household).bind(*day);
        }
        q.execute(&mut *tx.tx).await?;
    }
    tx.audit_many(kept.iter().map(|r| r.audit.clone()).collect());
    tx.commit().await?;
    Ok(written)
}

impl Store {
    /// Stores a decision (with its need, order, ledger entry and audit
    /// entry) through the group-commit writer; returns once committed.
    pub async fn commit_decision(&self, decision: PreparedDecision) -> Result<(), BatchError> {
        let (answer, answered) = oneshot::channel();
        self.writer
            .send((decision, answer))
            .await
            .map_err(|_| BatchError::Store("the writer has stopped".into()))?;
        answered
            .await
            .map_err(|_| BatchError::Store("the writer has stopped".into()))?
    }
}
