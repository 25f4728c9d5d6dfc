//! Fulfilment on the platform: a brand accepts, refuses, ships, delivers or
//! fails its final orders; a delivery raises the household's stock; a final
//! order nobody answered counts as refused. Each change is computed on a
//! copy (`vitrine_core::mandate::fulfilment::step`), stored and audited in
//! one transaction, and only then put in the order book: a failed commit
//! changes nothing.

use std::sync::Arc;

use serde_json::json;

use super::{Platform, PlatformError};
use vitrine_core::household::{Household, HouseholdId, Purchase};
use vitrine_core::mandate::fulfilment::{self, Fulfil, FulfilError};
use vitrine_core::mandate::{Order, OrderError, OrderStatus};
use vitrine_store::households::NewEvents;
use vitrine_store::tokens::Principal;
use vitrine_types::time::Timestamp;

fn fulfil_error(e: FulfilError) -> PlatformError {
    match e {
        FulfilError::Order(OrderError::NotFound(id)) => {
            PlatformError::NotFound(format!("order {id}"))
        }
        FulfilError::Order(e) => PlatformError::conflict("wrong_status", e.to_string()),
        FulfilError::Invalid { field, why } => {
            PlatformError::invalid_field("invalid_field", field, format!("{field}: {why}"))
        }
    }
}

/// What a delivery adds to the household: a purchase of what arrived, at
/// the price paid, from the brand (the needs engine counts it as stock).
fn delivered_purchase(order: &Order, at: Timestamp) -> Option<Purchase> {
    let delivered = order.delivered?;
    Some(Purchase {
        category: order.category.clone(),
        amount: delivered.amount,
        unit: delivered.unit,
        price_minor: order.price_paid_minor,
        brand: Some(order.brand.clone()),
        at,
    })
}

impl Platform {
    /// `brand` acts on its order `order_id`. Another brand's order, or an
    /// unknown id, is not found; an order not in the status the action
    /// needs is a conflict; a delivery of more than was ordered, or a field
    /// out of range, is invalid. Nothing changes unless it is stored.
    pub async fn fulfil(
        &self,
        brand: &str,
        order_id: &str,
        action: Fulfil,
        actor: &Principal,
    ) -> Result<Order, PlatformError> {
        self.require_brand(brand).await?;
        let household = self
            .store
            .brand_order_household(brand, order_id)
            .await?
            .ok_or_else(|| PlatformError::NotFound(format!("order {order_id}")))?;
        let _writes = self.household_writes.lock().await;
        let _lock = self.lock_household(&household).await?;
        let now = self.now();
        let household_id = HouseholdId(household.clone());
        let current = match self.engine.orders().order(&household_id, order_id) {
            Some(order) => order,
            // Settled long ago and left the book: nothing more can happen
            // to it, but say what it is.
            None => self
                .store
                .order(&household, order_id)
                .await?
                .ok_or_else(|| PlatformError::NotFound(format!("order {order_id}")))?,
        };
        let next = fulfilment::step(&current, brand, &action, now).map_err(fulfil_error)?;
        let purchase = (next.status == OrderStatus::Delivered)
            .then(|| delivered_purchase(&next, now))
            .flatten();
        let mut updated: Option<Household> = None;
        if let Some(purchase) = &purchase
            && let Ok(h) = self.household(&household)
        {
            let mut h = (*h).clone();
            h.purchases.push(purchase.clone());
            h.trim_history(now);
            updated = Some(h);
        }
        let mut tx = self.store.begin().await?;
        tx.upsert_order(&next, current.status.spends(), now).await?;
        self.follow_subscription(&mut tx, &next, now).await?;
        if let Some(purchase) = &purchase {
            tx.append_events(
                &household,
                NewEvents {
                    consumption: &[],
                    inventory: &[],
                    purchases: std::slice::from_ref(purchase),
                },
                None,
            )
            .await?;
        }
        tx.audit(
            now,
            &self.actor(actor),
            &format!("order.{}", next.status.as_str()),
            &self.audit_name(&household_id),
            &json!({
                "order": next.id,
                "brand": brand,
                "refusal": next.refusal,
                "shipment": next.shipment,
                "delivered": next.delivered,
            }),
        )
        .await?;
        tx.commit().await?;
        self.engine.orders().replace(next.clone());
        if let Some(h) = updated {
            self.households
                .write()
                .unwrap_or_else(|p| p.into_inner())
                .insert(household, Arc::new(h));
        }
        self.metrics.count(
            "vitrine_order_steps_total",
            &[("status", next.status.as_str())],
        );
        Ok(next)
    }

    /// Refuses, for their brand, the final orders nobody accepted or
    /// refused by their deadline; their needs are free to be decided again
    /// without that brand. Returns how many.
    pub async fn refuse_unanswered(&self) -> Result<usize, PlatformError> {
        let _writes = self.household_writes.lock().await;
        self.refuse_unanswered_in(None).await
    }

    /// [`Platform::refuse_unanswered`] for one household (`None`: every
    /// one); the caller holds the household writes' lock.
    pub(crate) async fn refuse_unanswered_in(
        &self,
        household: Option<&HouseholdId>,
    ) -> Result<usize, PlatformError> {
        let now = self.now();
        let due = self.engine.orders().unanswered_due_in(household, now);
        if due.is_empty() {
            return Ok(0);
        }
        // Again under the lock: a brand may have answered meanwhile.
        let due: Vec<Order> = due
            .into_iter()
            .filter(|o| {
                self.engine
                    .orders()
                    .order(&o.household, &o.id)
                    .is_some_and(|now| now.status == OrderStatus::Final)
            })
            .collect();
        let mut tx = self.store.begin().await?;
        for order in &due {
            tx.upsert_order(order, true, now).await?;
            self.follow_subscription(&mut tx, order, now).await?;
        }
        tx.audit(
            now,
            "system",
            "orders.unanswered",
            "orders",
            &json!({"orders": due.iter().map(|o| &o.id).collect::<Vec<_>>()}),
        )
        .await?;
        tx.commit().await?;
        for order in &due {
            self.engine.orders().replace(order.clone());
        }
        Ok(due.len())
    }
}
