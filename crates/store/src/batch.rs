//! Group commit for decisions, the hot write path. Each decision becomes a
//! prepared set of rows (serialised by the caller, off the writer); one
//! writer task takes every decision waiting, up to [`MAX_BATCH`], and
//! writes them in one transaction with one multi-row statement per table,
//! so a burst of N decisions costs a handful of round trips to SQLite
//! instead of several per decision. Each caller is answered only after the
//! commit: an acknowledged decision is stored.

use sqlx::{QueryBuilder, Row, Sqlite};
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
    let mut q = QueryBuilder::<Sqlite>::new(
        "INSERT OR IGNORE INTO decisions (id, household, need_id, at, outcome, data) ",
    );
    q.push_values(rows, |mut b, r| {
        b.push_bind(&r.id)
            .push_bind(&r.household)
            .push_bind(&r.need_id)
            .push_bind(r.at)
            .push_bind(r.outcome)
            .push_bind(&r.data);
    });
    q.push(" RETURNING household, id");
    let inserted: Vec<(String, String)> = q
        .build()
        .fetch_all(&mut *tx.tx)
        .await?
        .iter()
        .map(|row| (row.get(0), row.get(1)))
        .collect();
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
    let mut q = QueryBuilder::<Sqlite>::new(
        "INSERT INTO needs (id, household, kind, category, data, raised_at, decision, open, attempts) ",
    );
    q.push_values(&kept, |mut b, r| {
        b.push_bind(&r.need_id)
            .push_bind(&r.household)
            .push_bind(r.need_kind)
            .push_bind(&r.need_category)
            .push_bind(&r.need_data)
            .push_bind(r.need_raised_at)
            .push_bind(&r.id)
            .push_bind(r.need_open)
            .push_bind(1_i64);
    });
    q.push(
        " ON CONFLICT (household, id) DO UPDATE SET decision = excluded.decision, \
         open = excluded.open, attempts = needs.attempts + 1",
    );
    q.build().execute(&mut *tx.tx).await?;
    let with_orders: Vec<(&PreparedDecision, &PreparedOrder)> = kept
        .iter()
        .filter_map(|r| r.order.as_ref().map(|o| (*r, o)))
        .collect();
    if !with_orders.is_empty() {
        let mut q = QueryBuilder::<Sqlite>::new(
            "INSERT INTO orders (id, household, need_id, brand, status, price_paid, data) ",
        );
        q.push_values(&with_orders, |mut b, (r, o)| {
            b.push_bind(&o.id)
                .push_bind(&r.household)
                .push_bind(&r.need_id)
                .push_bind(&o.brand)
                .push_bind(&o.status)
                .push_bind(o.price_paid)
                .push_bind(&o.data);
        });
        q.build().execute(&mut *tx.tx).await?;
        let spending: Vec<_> = with_orders.iter().filter(|(_, o)| o.spends).collect();
        if !spending.is_empty() {
            let mut q = QueryBuilder::<Sqlite>::new(
                "INSERT INTO ledger (household, order_id, mandate, amount, at) ",
            );
            q.push_values(&spending, |mut b, (r, o)| {
                b.push_bind(&r.household)
                    .push_bind(&o.id)
                    .push_bind(&o.mandate)
                    .push_bind(o.price_paid)
                    .push_bind(r.at);
            });
            q.build().execute(&mut *tx.tx).await?;
        }
    }
    let sightings: Vec<&(String, String, i64)> = kept.iter().flat_map(|r| &r.sightings).collect();
    for chunk in sightings.chunks(200) {
        let mut q = QueryBuilder::<Sqlite>::new("INSERT INTO k_anonymity (key, household, day) ");
        q.push_values(chunk, |mut b, (key, household, day)| {
            b.push_bind(key).push_bind(household).push_bind(*day);
        });
        q.push(" ON CONFLICT (key, household) DO UPDATE SET day = max(day, excluded.day)");
        q.build().execute(&mut *tx.tx).await?;
    }
    let audits: Vec<&AuditRecord> = kept.iter().map(|r| &r.audit).collect();
    tx.audit_many(&audits).await?;
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
