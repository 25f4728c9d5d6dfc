//! What a household does with its own data: change it, see its needs and
//! decisions with their explanations, ask for a decision, approve, decline
//! or cancel orders, export everything, erase everything. Also the periodic
//! cycle that evaluates needs and decides them, and dispatches due orders.

use std::sync::Arc;
use std::time::Instant;

use serde::{Deserialize, Serialize};
use serde_json::json;

use super::{Platform, PlatformError};
use vitrine_core::decision::{Decision, DecisionError};
use vitrine_core::household::{Household, HouseholdError, HouseholdId};
use vitrine_core::mandate::{Order, OrderError};
use vitrine_core::needs::{Need, NeedHistory};
use vitrine_store::Backend;
use vitrine_store::audit::AuditRecord;
use vitrine_store::batch::{BatchError, PreparedDecision};
use vitrine_store::tokens::Principal;
use vitrine_types::time::Timestamp;

/// Which need to decide: a stored one, or one given in full.
#[derive(Debug, Clone, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(rename_all = "snake_case", deny_unknown_fields)]
pub enum NeedRef {
    /// A need the needs engine raised (see `GET .../needs`).
    NeedId(String),
    /// A need stated in full (its `household` is set from the path).
    Need(Box<Need>),
}

/// A need and where it stands.
#[derive(Debug, Clone, Serialize, Deserialize, schemars::JsonSchema)]
pub struct NeedView {
    /// The need, with why it was raised.
    pub need: Need,
    /// The latest decision's id, once decided.
    pub decision: Option<String>,
    /// Whether it may still be decided: never decided, decided without any
    /// acceptable offer, or its ask expired.
    #[serde(default)]
    pub open: bool,
    /// Decisions taken on it so far.
    #[serde(default)]
    pub attempts: u32,
}

/// Everything stored about a household.
#[derive(Debug, Clone, Serialize, Deserialize, schemars::JsonSchema)]
pub struct HouseholdExport {
    /// Its private model.
    pub household: Household,
    /// Its needs.
    pub needs: Vec<NeedView>,
    /// Its decisions, with explanations.
    pub decisions: Vec<Decision>,
    /// Its orders.
    pub orders: Vec<Order>,
    /// Its budget ledger.
    #[serde(default)]
    pub ledger: Vec<vitrine_store::decisions::LedgerEntry>,
    /// Its subscriptions.
    #[serde(default)]
    pub subscriptions: Vec<vitrine_core::mandate::subscription::Subscription>,
}

/// What a household does with an order.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum OrderAction {
    /// Approve an order that was asked.
    Approve,
    /// Decline an order that was asked.
    Decline,
    /// Cancel a placed order inside its window.
    Cancel,
}

fn household_error(e: HouseholdError) -> PlatformError {
    match e {
        HouseholdError::SignalWithoutConsent => {
            PlatformError::conflict("no_consent", e.to_string())
        }
        HouseholdError::Invalid { ref field, .. } => {
            PlatformError::invalid_field("invalid_field", field.clone(), e.to_string())
        }
    }
}

fn order_error(e: OrderError) -> PlatformError {
    match &e {
        OrderError::NotFound(id) => PlatformError::NotFound(format!("order {id}")),
        OrderError::DuplicateNeed { .. } => {
            PlatformError::conflict("duplicate_need", e.to_string())
        }
        OrderError::WrongStatus { .. } => PlatformError::conflict("wrong_status", e.to_string()),
        OrderError::TooLate { .. } => PlatformError::conflict("too_late", e.to_string()),
        OrderError::Expired { .. } => PlatformError::conflict("expired", e.to_string()),
    }
}

/// The needs cycle's name among shared jobs.
const CYCLE_JOB: &str = "needs-cycle";
/// How long a node's claim on a batch of households holds: a node that
/// died is taken over after it.
const CYCLE_LEASE_SECS: i64 = 60;
/// Households a node claims at once.
const CYCLE_BATCH: u32 = 8;

impl Platform {
    /// Changes a household's profile (preferences, consents, mandates,
    /// calendar, signals) with `change`, checks the result, and stores it;
    /// nothing changes if `change` or the check fails. Events, readings and
    /// purchases are added with [`Platform::add_events`]; `change` must not
    /// touch them.
    pub async fn update_household(
        &self,
        id: &str,
        actor: &Principal,
        action: &str,
        change: impl FnOnce(&mut Household) -> Result<(), HouseholdError>,
    ) -> Result<Arc<Household>, PlatformError> {
        let _writes = self.household_writes.lock().await;
        let _lock = self.lock_household(id).await?;
        let mut household = (*self.household(id)?).clone();
        let counts = (
            household.events.len(),
            household.inventory.len(),
            household.purchases.len(),
        );
        change(&mut household).map_err(household_error)?;
        debug_assert_eq!(
            counts,
            (
                household.events.len(),
                household.inventory.len(),
                household.purchases.len()
            ),
            "events go through add_events"
        );
        household.validate().map_err(household_error)?;
        let now = self.now();
        let mut tx = self.store.begin().await?;
        tx.update_household(&household, now).await?;
        tx.audit(
            now,
            &self.actor(actor),
            action,
            &self.audit_name(&household.id),
            &json!({}),
        )
        .await?;
        tx.commit().await?;
        self.household_changed(id);
        let household = Arc::new(household);
        self.households
            .write()
            .unwrap_or_else(|p| p.into_inner())
            .insert(id.to_owned(), household.clone());
        Ok(household)
    }

    /// Adds events, readings and purchases from the household's devices:
    /// each checked against its range, appended (the household's document
    /// is not rewritten), and whatever falls out of the history window is
    /// dropped. Nothing is added if any is refused.
    pub async fn add_events(
        &self,
        id: &str,
        actor: &Principal,
        events: vitrine_store::households::NewEvents<'_>,
    ) -> Result<usize, PlatformError> {
        let now = self.now();
        Household::check_events(events.consumption, events.inventory, events.purchases, now)
            .map_err(household_error)?;
        let _writes = self.household_writes.lock().await;
        let _lock = self.lock_household(id).await?;
        let mut household = (*self.household(id)?).clone();
        household.events.extend_from_slice(events.consumption);
        household.inventory.extend_from_slice(events.inventory);
        household.purchases.extend_from_slice(events.purchases);
        household.trim_history(now);
        let added = events.consumption.len() + events.inventory.len() + events.purchases.len();
        let oldest = now
            .day()
            .plus(-vitrine_core::household::HISTORY_DAYS)
            .start();
        let mut tx = self.store.begin().await?;
        tx.append_events(id, events, Some(oldest)).await?;
        tx.audit(
            now,
            &self.actor(actor),
            "household.events_added",
            &self.audit_name(&household.id),
            &json!({"added": added}),
        )
        .await?;
        tx.commit().await?;
        self.household_changed(id);
        self.households
            .write()
            .unwrap_or_else(|p| p.into_inner())
            .insert(id.to_owned(), Arc::new(household));
        Ok(added)
    }

    /// The household's needs, oldest first.
    pub async fn needs(&self, id: &str) -> Result<Vec<NeedView>, PlatformError> {
        self.household(id)?;
        Ok(self
            .store
            .needs(id)
            .await?
            .into_iter()
            .map(|(need, state)| NeedView {
                need,
                decision: state.latest,
                open: state.open,
                attempts: state.attempts,
            })
            .collect())
    }

    /// Runs the needs engine for the household now; stores and returns the
    /// needs it raised that were not already known.
    pub async fn evaluate_needs(
        &self,
        id: &str,
        actor: &Principal,
    ) -> Result<Vec<Need>, PlatformError> {
        let household = self.household(id)?;
        let now = self.now();
        let known = self.store.needs(id).await?;
        let mut history = NeedHistory::default();
        for (need, _) in &known {
            history.record(need);
        }
        let subscribed = self.subscribed_categories(id).await?;
        history.in_flight = self
            .engine
            .orders()
            .in_flight_categories(&household.id, now.day())
            .into_iter()
            .chain(
                known
                    .iter()
                    .filter(|(_, state)| state.open)
                    .map(|(n, _)| n.category.clone()),
            )
            .chain(subscribed)
            .collect();
        let fresh: Vec<Need> = self
            .needs
            .evaluate(&household, now, &history)
            .into_iter()
            .filter(|n| !known.iter().any(|(k, _)| k.id == n.id))
            .collect();
        if fresh.is_empty() {
            return Ok(fresh);
        }
        let mut tx = self.store.begin().await?;
        for need in &fresh {
            tx.insert_need(need).await?;
        }
        tx.audit(
            now,
            &self.actor(actor),
            "needs.evaluated",
            &self.audit_name(&household.id),
            &json!({"raised": fresh.len()}),
        )
        .await?;
        tx.commit().await?;
        Ok(fresh)
    }

    /// Takes and stores the decision for a need of the household.
    pub async fn decide(
        &self,
        id: &str,
        need: NeedRef,
        actor: &Principal,
    ) -> Result<Decision, PlatformError> {
        self.decide_with_json(id, need, actor).await.map(|(d, _)| d)
    }

    /// Same, with the decision's JSON as stored (the API answers with it,
    /// so a decision is serialised once).
    pub(crate) async fn decide_with_json(
        &self,
        id: &str,
        need: NeedRef,
        actor: &Principal,
    ) -> Result<(Decision, String), PlatformError> {
        let started = Instant::now();
        // Under the household's lock: a decision on another node for the
        // same household waits, then sees this one's order and spending.
        let result = match self.lock_household(id).await {
            Ok(lock) => {
                let result = self.decide_inner(id, need, actor).await;
                lock.release().await;
                result
            }
            Err(e) => Err(e),
        };
        match &result {
            Ok((d, _)) => {
                self.metrics.count(
                    "vitrine_decisions_total",
                    &[("outcome", d.outcome().as_str())],
                );
                for b in &d.auction.bidders {
                    self.metrics.count(
                        "vitrine_plugin_calls_total",
                        &[("brand", &b.brand), ("outcome", &b.call)],
                    );
                }
                self.metrics
                    .observe("vitrine_decision_seconds", &[], started.elapsed());
            }
            Err(e) => self
                .metrics
                .count("vitrine_decision_errors_total", &[("code", e.code())]),
        }
        result
    }

    async fn decide_inner(
        &self,
        id: &str,
        need: NeedRef,
        actor: &Principal,
    ) -> Result<(Decision, String), PlatformError> {
        let household = self.household(id)?;
        let need = match need {
            NeedRef::NeedId(need_id) => self
                .store
                .need(id, &need_id)
                .await?
                .ok_or_else(|| PlatformError::NotFound(format!("need {need_id}")))?,
            NeedRef::Need(mut need) => {
                need.household = household.id.clone();
                *need
            }
        };
        let state = self.store.need_state(id, &need.id).await?;
        if let Some(state) = &state
            && !state.open
        {
            return Err(PlatformError::conflict(
                "duplicate_need",
                format!(
                    "need {} was already decided ({})",
                    need.id,
                    state.latest.as_deref().unwrap_or("unknown")
                ),
            ));
        }
        let attempt = state.map_or(1, |s| s.attempts + 1);
        let now = self.now();
        let pending = self
            .engine
            .decide_attempt(&household, &need, now, attempt)
            .await
            .map_err(|e| match e {
                DecisionError::Household(e) => household_error(e),
                DecisionError::ForeignNeed { .. } => {
                    PlatformError::invalid("foreign_need", e.to_string())
                }
                DecisionError::InvalidNeed { .. } => {
                    PlatformError::invalid("invalid_need", e.to_string())
                }
                DecisionError::Order(e) => order_error(e),
            })?;
        let decision = &pending.decision;
        let record = AuditRecord {
            at: now,
            actor: self.actor(actor),
            action: "decision.taken".into(),
            subject: self.audit_name(&household.id),
            detail: json!({
                "decision": decision.id,
                "outcome": decision.outcome().as_str(),
                "winner": decision.auction.winner().map(|w| &w.brand),
                "order": decision.placement.order.as_ref().map(|o| &o.id),
                "price_paid_minor": decision.placement.order.as_ref().map(|o| o.price_paid_minor),
            }),
        };
        let sightings = pending.k_sightings();
        let (stored, json) = match PreparedDecision::new(decision, record) {
            Ok(prepared) => {
                let prepared = prepared.with_sightings(sightings);
                let json = prepared.json().to_owned();
                (self.store.commit_decision(prepared).await, json)
            }
            Err(e) => (Err(BatchError::Store(e.to_string())), String::new()),
        };
        if let Err(e) = stored {
            // Not stored, so not taken: dropping `pending` takes its order
            // out of the book again, and nothing else was applied.
            drop(pending);
            return Err(match e {
                BatchError::Duplicate => PlatformError::conflict(
                    "duplicate_need",
                    format!("need {} was decided concurrently", need.id),
                ),
                BatchError::Store(message) => {
                    PlatformError::Store(vitrine_store::StoreError::Write(message))
                }
            });
        }
        Ok((pending.confirm(), json))
    }

    /// The household's decisions, newest first.
    pub async fn decisions(&self, id: &str, limit: i64) -> Result<Vec<Decision>, PlatformError> {
        self.household(id)?;
        Ok(self.store.decisions(id, limit).await?)
    }

    /// One decision.
    pub async fn decision(&self, id: &str, decision_id: &str) -> Result<Decision, PlatformError> {
        self.household(id)?;
        self.store
            .decision(id, decision_id)
            .await?
            .ok_or_else(|| PlatformError::NotFound(format!("decision {decision_id}")))
    }

    /// The household's orders, oldest first (from the store: the in-memory
    /// book lets old settled orders go).
    pub async fn orders(&self, id: &str) -> Result<Vec<Order>, PlatformError> {
        self.household(id)?;
        Ok(self.store.household_orders(id).await?)
    }

    /// Approves, declines or cancels one of the household's orders.
    pub async fn order_action(
        &self,
        id: &str,
        order_id: &str,
        action: OrderAction,
        actor: &Principal,
    ) -> Result<Order, PlatformError> {
        let lock = self.lock_household(id).await?;
        let household = self.household(id)?;
        let now = self.now();
        let book = self.engine.orders();
        let (order, was_spending, name) = match action {
            OrderAction::Approve => (
                book.approve(&household.id, order_id, now),
                false,
                "order.approved",
            ),
            OrderAction::Decline => (
                book.decline(&household.id, order_id, now),
                false,
                "order.declined",
            ),
            OrderAction::Cancel => (
                book.cancel(&household.id, order_id, now),
                true,
                "order.cancelled",
            ),
        };
        let order = order.map_err(order_error)?;
        let mut tx = self.store.begin().await?;
        tx.upsert_order(&order, was_spending, now).await?;
        tx.audit(
            now,
            &self.actor(actor),
            name,
            &self.audit_name(&household.id),
            &json!({"order": order.id, "price_paid_minor": order.price_paid_minor}),
        )
        .await?;
        tx.commit().await?;
        lock.release().await;
        Ok(order)
    }

    /// Everything stored about the household.
    pub async fn export(&self, id: &str) -> Result<HouseholdExport, PlatformError> {
        let household = (*self.household(id)?).clone();
        Ok(HouseholdExport {
            needs: self.needs(id).await?,
            decisions: self.store.decisions(id, i64::MAX).await?,
            orders: self.store.household_orders(id).await?,
            ledger: self.store.household_ledger(id).await?,
            subscriptions: self.store.subscriptions(id).await?,
            household,
        })
    }

    /// Erases the household: its data, needs, decisions, orders, ledger and
    /// tokens. The audit log keeps its entries, which name it by pseudonym.
    pub async fn erase(&self, id: &str, actor: &Principal) -> Result<(), PlatformError> {
        let _writes = self.household_writes.lock().await;
        let _lock = self.lock_household(id).await?;
        let household = self.household(id)?;
        let now = self.now();
        let mut tx = self.store.begin().await?;
        tx.erase_household(id).await?;
        tx.audit(
            now,
            &self.actor(actor),
            "household.erased",
            &self.audit_name(&household.id),
            &json!({}),
        )
        .await?;
        tx.commit().await?;
        self.households
            .write()
            .unwrap_or_else(|p| p.into_inner())
            .remove(id);
        self.household_changed(id);
        self.engine.orders().forget(&household.id);
        Ok(())
    }

    /// Dispatches every placed order whose cancel window has closed (the
    /// winning brand learns of it now, and only now), and expires every ask
    /// nobody answered in time (its need is free again).
    pub async fn dispatch_due(&self) -> Result<usize, PlatformError> {
        self.dispatch_due_in(None).await
    }

    /// [`Platform::dispatch_due`] for one household (`None`: every one).
    pub(crate) async fn dispatch_due_in(
        &self,
        household: Option<&HouseholdId>,
    ) -> Result<usize, PlatformError> {
        let now = self.now();
        let mut dispatched =
            self.engine
                .orders()
                .dispatch_due_in(household, now, self.engine.config().accept_hours);
        // What the brand needs to deliver is released now, and recorded on
        // the order (the household reads it in its orders and its export).
        for order in &mut dispatched {
            if let Ok(household) = self.household(&order.household.0)
                && let Some(delivery) = &household.delivery
            {
                order.released = delivery.fields();
            }
        }
        let expired = self.engine.orders().expire_due_in(household, now);
        if dispatched.is_empty() && expired.is_empty() {
            return Ok(0);
        }
        let mut tx = self.store.begin().await?;
        for order in &dispatched {
            tx.upsert_order(order, true, now).await?;
        }
        for order in &expired {
            tx.upsert_order(order, false, now).await?;
        }
        if !dispatched.is_empty() {
            tx.audit(
                now,
                "system",
                "orders.final",
                "orders",
                &json!({"orders": dispatched.iter().map(|o| json!({"order": o.id, "released": o.released})).collect::<Vec<_>>()}),
            )
            .await?;
        }
        if !expired.is_empty() {
            tx.audit(
                now,
                "system",
                "orders.expired",
                "orders",
                &json!({"orders": expired.iter().map(|o| &o.id).collect::<Vec<_>>()}),
            )
            .await?;
        }
        tx.commit().await?;
        for order in &dispatched {
            if !order.released.is_empty() {
                self.engine.orders().replace(order.clone());
            }
            self.engine.reports().notify_final(order, now.day());
        }
        Ok(dispatched.len() + expired.len())
    }

    /// One cycle of the timer: dispatches due orders and expires asks,
    /// then for every household evaluates its needs and decides every open
    /// one. Each household runs apart: an error or a panic in one is
    /// logged and counted (`vitrine_panics_total{where="needs_cycle"}`) and
    /// the cycle goes on with the next. Returns the decisions taken.
    pub async fn run_cycle(self: &Arc<Self>) -> Result<Vec<Decision>, PlatformError> {
        self.cycle_started();
        if self.store.backend() == Backend::Postgres {
            let taken = self.run_shared_cycle().await?;
            self.cycle_finished();
            return Ok(taken);
        }
        self.dispatch_due().await?;
        self.refuse_unanswered().await?;
        self.run_subscriptions().await?;
        self.prune_k_anonymity().await?;
        let mut taken = Vec::new();
        for id in self.household_ids() {
            let platform = self.clone();
            let household = id.clone();
            let run = tokio::spawn(async move { platform.cycle_household(&household).await });
            match run.await {
                Ok(Ok(decisions)) => taken.extend(decisions),
                Ok(Err(e)) => tracing::warn!(
                    household = %self.audit_name(&HouseholdId(id.clone())),
                    error = %e,
                    "the needs cycle skipped a household"
                ),
                Err(join) => {
                    self.metrics
                        .count("vitrine_panics_total", &[("where", "needs_cycle")]);
                    tracing::error!(
                        household = %self.audit_name(&HouseholdId(id.clone())),
                        panicked = join.is_panic(),
                        "the needs cycle failed on a household; it goes on with the next"
                    );
                }
            }
        }
        self.cycle_finished();
        Ok(taken)
    }

    /// The cycle shared by every node on one database: the period's run
    /// lists every household once (whichever node starts it first), and
    /// each node claims batches of them until none is left; a household
    /// is done whole by the node that claimed it (its due orders, asks and
    /// subscriptions under its lock, then its needs). When only others'
    /// claims are left, a node waits, and takes over those whose lease
    /// runs out (their node died), for at most the lease and a little.
    async fn run_shared_cycle(self: &Arc<Self>) -> Result<Vec<Decision>, PlatformError> {
        let period = self
            .cycle
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .period
            .map_or(1, |p| i64::try_from(p.as_secs()).unwrap_or(i64::MAX).max(1));
        let run = self.now().0.div_euclid(period);
        self.store
            .add_work(CYCLE_JOB, run, &self.store.household_ids().await?)
            .await?;
        self.prune_k_anonymity().await?;
        self.sync_k_anonymity().await?;
        let mut taken = Vec::new();
        let waiting_since = Instant::now();
        loop {
            // Leases are wall-clock time (a node's life), whatever clock
            // the platform decides by.
            let now = Timestamp::now();
            let lease = vitrine_store::work::Lease {
                node: &self.node,
                now,
                until: Timestamp(now.0 + CYCLE_LEASE_SECS),
            };
            let claimed = self
                .store
                .claim_work(CYCLE_JOB, run, lease, CYCLE_BATCH)
                .await?;
            if claimed.is_empty() {
                let left = self.store.work_left(CYCLE_JOB, run).await?;
                let patience = std::time::Duration::from_secs(
                    u64::try_from(CYCLE_LEASE_SECS + 10).unwrap_or(0),
                );
                if left == 0 || waiting_since.elapsed() > patience {
                    break;
                }
                tokio::time::sleep(std::time::Duration::from_secs(1)).await;
                continue;
            }
            for id in claimed {
                match self.cycle_shared_household(&id).await {
                    Ok(decisions) => taken.extend(decisions),
                    Err(e) => tracing::warn!(
                        household = %self.audit_name(&HouseholdId(id.clone())),
                        error = %e,
                        "the needs cycle skipped a household"
                    ),
                }
                self.store
                    .finish_work(CYCLE_JOB, run, &id, Timestamp::now())
                    .await?;
            }
        }
        Ok(taken)
    }

    /// One household's whole part of a shared cycle.
    async fn cycle_shared_household(&self, id: &str) -> Result<Vec<Decision>, PlatformError> {
        {
            let _writes = self.household_writes.lock().await;
            let lock = self.lock_household(id).await?;
            let household = HouseholdId(id.to_owned());
            if self.household(id).is_err() {
                // Erased since the run was listed.
                return Ok(Vec::new());
            }
            self.dispatch_due_in(Some(&household)).await?;
            self.refuse_unanswered_in(Some(&household)).await?;
            let live = self
                .store
                .subscriptions(id)
                .await?
                .into_iter()
                .filter(|s| s.status.covers())
                .collect();
            self.run_subscriptions_of(live, false).await?;
            lock.release().await;
        }
        // Each decision takes the household's lock itself.
        self.cycle_household(id).await
    }

    /// One household's part of the cycle.
    async fn cycle_household(&self, id: &str) -> Result<Vec<Decision>, PlatformError> {
        let system = Principal::Operator;
        let mut taken = Vec::new();
        self.evaluate_needs(id, &system).await?;
        for view in self.needs(id).await? {
            if !view.open {
                continue;
            }
            match self
                .decide(id, NeedRef::NeedId(view.need.id.clone()), &system)
                .await
            {
                Ok(d) => taken.push(d),
                Err(e) => tracing::warn!(
                    household = %self.audit_name(&HouseholdId(id.to_owned())),
                    error = %e,
                    "a need could not be decided"
                ),
            }
        }
        Ok(taken)
    }

    /// Forgets k-anonymity sightings older than the window, in memory and
    /// in the store.
    async fn prune_k_anonymity(&self) -> Result<(), PlatformError> {
        let registry = self.engine.k_anonymity();
        let today = self.now().day();
        registry.prune(today);
        let mut tx = self.store.begin().await?;
        tx.prune_k_sightings(today.plus(-registry.window_days()))
            .await?;
        tx.commit().await?;
        Ok(())
    }
}
