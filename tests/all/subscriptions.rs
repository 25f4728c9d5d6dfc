//! Subscriptions are standing orders, through the API: a won subscription
//! offer, once its brand accepts the order, becomes a subscription; each
//! delivery is ordered its lead time ahead at the settled price, within the
//! mandate; the household skips, pauses, resumes, re-times and stops it;
//! the brand sees it under its pseudonym; at the renewal point it ends and
//! the category is auctioned again; a refused delivery ends it too.

use crate::kit::{Service, json_body, service, today};
use axum::http::StatusCode;
use serde_json::{Value, json};
use vitrine_types::time::{Day, Timestamp};

pub(crate) fn yogurt_need(id: &str) -> Value {
    let day = today().0;
    json!({"need": {
        "id": id,
        "household": "fam",
        "kind": "seasonal",
        "category": "food/dairy/yogurt",
        "quantity": {"amount": 8, "unit": "piece"},
        "earliest_day": day + 1,
        "latest_day": day + 5,
        "raised_at": Timestamp::at(today(), 21).0,
        "reason": {"kind": "seasonal", "rule": "test", "description": "a test need", "child": null, "event_day": day + 2}
    }})
}

async fn get(s: &Service, token: &str, path: &str) -> Value {
    let (status, answer, _) = s.call("GET", path, Some(token), None).await;
    assert_eq!(status, StatusCode::OK, "{path}: {answer}");
    answer
}

async fn post(s: &Service, token: &str, path: &str, body: Option<Value>) -> (StatusCode, Value) {
    let (status, answer, _) = s
        .call("POST", path, Some(token), body.as_ref().and_then(json_body))
        .await;
    (status, answer)
}

/// The household `fam` subscribed to the dairy's weekly yogurt: decided,
/// approved, final, accepted. Returns (household token, brand token, the
/// subscription).
pub(crate) async fn subscribed(s: &Service) -> (String, String, Value) {
    let dairy = s.sample_brand("dairy").await;
    let fam = s.family("fam").await;
    let (status, decision, _) = s
        .call(
            "POST",
            "/v1/households/fam/decisions",
            Some(&fam),
            json_body(&yogurt_need("need-yogurt")),
        )
        .await;
    assert_eq!(status, StatusCode::CREATED, "{decision}");
    let order = decision["placement"]["order"].clone();
    assert_eq!(order["subscription"]["period_days"], 7, "{order}");
    let id = order["id"].as_str().unwrap();
    let (status, _) = post(
        s,
        &fam,
        &format!("/v1/households/fam/orders/{id}/approve"),
        None,
    )
    .await;
    assert_eq!(status, StatusCode::OK);
    // No subscription before the brand accepts.
    assert_eq!(
        get(s, &fam, "/v1/households/fam/subscriptions").await,
        json!([])
    );
    s.clock.set(Timestamp::at(today().plus(2), 9));
    s.platform.dispatch_due().await.unwrap();
    let (status, accepted) = post(
        s,
        &dairy,
        &format!("/v1/brands/dairy/orders/{id}/accept"),
        None,
    )
    .await;
    assert_eq!(status, StatusCode::OK, "{accepted}");
    let subscriptions = get(s, &fam, "/v1/households/fam/subscriptions").await;
    assert_eq!(
        subscriptions.as_array().unwrap().len(),
        1,
        "{subscriptions}"
    );
    (fam, dairy, subscriptions[0].clone())
}

fn day(v: &Value) -> Day {
    Day(v.as_i64().unwrap() as i32)
}

/// Runs the needs cycle on the morning of `d`.
async fn cycle_on(s: &Service, d: Day) {
    s.clock.set(Timestamp::at(d, 8));
    s.platform.run_cycle().await.unwrap();
}

async fn deliveries(s: &Service, token: &str, subscription: &str) -> Vec<Value> {
    get(s, token, "/v1/households/fam/orders")
        .await
        .as_array()
        .unwrap()
        .iter()
        .filter(|o| o["subscription_id"] == subscription)
        .cloned()
        .collect()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_subscription_orders_each_delivery_at_the_settled_price_and_the_household_steers_it() {
    let s = service().await;
    let (fam, dairy, sub) = subscribed(&s).await;
    let id = sub["id"].as_str().unwrap().to_owned();
    assert_eq!(sub["status"], "active");
    assert_eq!(sub["period_days"], 7);
    let price = sub["price_paid_minor"].as_u64().unwrap();
    let mut next = day(&sub["next_delivery"]);
    let lead = sub["lead_days"].as_i64().unwrap() as i32;

    // The brand sees it under its pseudonym, nothing more of the household.
    let theirs = get(&s, &dairy, "/v1/brands/dairy/subscriptions").await;
    assert_eq!(theirs[0]["id"], id.as_str());
    assert!(theirs[0]["household_pseudonym"].as_str().unwrap().len() >= 8);
    assert!(theirs[0].get("household").is_none(), "{theirs}");

    // Its lead time before the next delivery, the cycle orders it: placed
    // (the brand is known now), at the settled price, for that day.
    cycle_on(&s, next.plus(-lead - 1)).await;
    assert!(deliveries(&s, &fam, &id).await.is_empty(), "not yet due");
    // When the delivery falls due, the period is fitted to this family's
    // consumption first (a jar every nine days or so: the week won becomes
    // a fortnight, the most it can stretch), which moves the delivery.
    cycle_on(&s, next.plus(-lead)).await;
    assert!(
        deliveries(&s, &fam, &id).await.is_empty(),
        "moved a week on"
    );
    let fitted = &get(&s, &fam, "/v1/households/fam/subscriptions").await[0];
    assert_eq!(fitted["period_days"], 14, "{fitted}");
    assert_eq!(fitted["history"][1]["what"], "period_adjusted");
    next = day(&fitted["next_delivery"]);
    assert_eq!(next, day(&sub["next_delivery"]).plus(7));
    cycle_on(&s, next.plus(-lead)).await;
    let made = deliveries(&s, &fam, &id).await;
    assert_eq!(made.len(), 1, "{made:?}");
    assert_eq!(made[0]["status"], "placed");
    assert_eq!(made[0]["price_paid_minor"], price);
    assert_eq!(day(&made[0]["delivery_day"]), next);
    // Ordered once, however often the cycle runs.
    s.platform.run_cycle().await.unwrap();
    assert_eq!(deliveries(&s, &fam, &id).await.len(), 1);

    // Skip: the delivery already ordered is cancelled inside its window.
    let path = |action: &str| format!("/v1/households/fam/subscriptions/{id}/{action}");
    let (status, skipped) = post(&s, &fam, &path("skip"), None).await;
    assert_eq!(status, StatusCode::OK, "{skipped}");
    let made = deliveries(&s, &fam, &id).await;
    assert_eq!(made[0]["status"], "cancelled");
    let after_skip = day(&skipped["next_delivery"]);
    assert_eq!(after_skip, next.plus(14));

    // Pause: nothing is ordered, however long; resume: the next delivery
    // is no sooner than its lead time.
    let (status, paused) = post(&s, &fam, &path("pause"), None).await;
    assert_eq!(status, StatusCode::OK, "{paused}");
    cycle_on(&s, after_skip.plus(-lead)).await;
    assert_eq!(
        deliveries(&s, &fam, &id).await.len(),
        1,
        "paused: no new delivery"
    );
    let (status, again) = post(&s, &fam, &path("pause"), None).await;
    assert_eq!(status, StatusCode::CONFLICT, "{again}");
    let (status, resumed) = post(&s, &fam, &path("resume"), None).await;
    assert_eq!(status, StatusCode::OK, "{resumed}");
    assert!(day(&resumed["next_delivery"]) >= after_skip);

    // The period: set by the household, within 1 to 365 days.
    let (status, bad, _) = s
        .call(
            "PUT",
            &path("period"),
            Some(&fam),
            json_body(&json!({"period_days": 0})),
        )
        .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{bad}");
    let (status, retimed, _) = s
        .call(
            "PUT",
            &path("period"),
            Some(&fam),
            json_body(&json!({"period_days": 14})),
        )
        .await;
    assert_eq!(status, StatusCode::OK, "{retimed}");
    assert_eq!(retimed["period_days"], 14);
    assert_eq!(retimed["period_set_by_household"], true);

    // Stop: nothing more is ordered, and stopping twice is a conflict.
    let (status, stopped) = post(&s, &fam, &path("stop"), None).await;
    assert_eq!(status, StatusCode::OK, "{stopped}");
    assert_eq!(stopped["status"], "stopped");
    cycle_on(&s, day(&stopped["next_delivery"])).await;
    assert_eq!(deliveries(&s, &fam, &id).await.len(), 1);
    let (status, _) = post(&s, &fam, &path("stop"), None).await;
    assert_eq!(status, StatusCode::CONFLICT);
    let history: Vec<&str> = stopped["history"]
        .as_array()
        .unwrap()
        .iter()
        .map(|h| h["what"].as_str().unwrap())
        .collect();
    assert_eq!(
        history,
        [
            "started",
            "period_adjusted",
            "delivery_ordered",
            "skipped",
            "paused",
            "resumed",
            "period_set",
            "stopped"
        ]
    );
    // In the household's export too.
    let export = get(&s, &fam, "/v1/households/fam").await;
    assert_eq!(export["subscriptions"][0]["id"], id.as_str());
    // Unknown subscriptions are not found.
    let (status, _) = post(
        &s,
        &fam,
        "/v1/households/fam/subscriptions/sub-nope/skip",
        None,
    )
    .await;
    assert_eq!(status, StatusCode::NOT_FOUND);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_subscription_ends_at_its_renewal_point_or_when_its_brand_refuses_a_delivery() {
    let s = service().await;
    let (fam, dairy, sub) = subscribed(&s).await;
    let id = sub["id"].as_str().unwrap().to_owned();
    // The household sets the period: it no longer follows consumption.
    let (status, sub, _) = s
        .call(
            "PUT",
            &format!("/v1/households/fam/subscriptions/{id}/period"),
            Some(&fam),
            json_body(&json!({"period_days": 7})),
        )
        .await;
    assert_eq!(status, StatusCode::OK, "{sub}");
    let next = day(&sub["next_delivery"]);
    let lead = sub["lead_days"].as_i64().unwrap() as i32;
    cycle_on(&s, next.plus(-lead)).await;
    let delivery = deliveries(&s, &fam, &id).await[0]["id"]
        .as_str()
        .unwrap()
        .to_owned();
    // Final after its window; the brand refuses it: the subscription ends,
    // so the household is not left waiting on a brand that does not deliver.
    s.clock.set(Timestamp::at(next.plus(-lead + 2), 9));
    s.platform.dispatch_due().await.unwrap();
    let (status, refused) = post(
        &s,
        &dairy,
        &format!("/v1/brands/dairy/orders/{delivery}/refuse"),
        Some(json!({"reason": "out_of_stock"})),
    )
    .await;
    assert_eq!(status, StatusCode::OK, "{refused}");
    let now = get(&s, &fam, "/v1/households/fam/subscriptions").await;
    assert_eq!(now[0]["status"], "ended", "{now}");
    let last = now[0]["history"]
        .as_array()
        .unwrap()
        .last()
        .unwrap()
        .clone();
    assert!(last["note"].as_str().unwrap().contains("refused"), "{last}");

    // Another subscription, run to its renewal point.
    let s = service().await;
    let (fam, _, sub) = subscribed(&s).await;
    let renew_on = day(&sub["renew_on"]);
    cycle_on(&s, renew_on).await;
    let now = get(&s, &fam, "/v1/households/fam/subscriptions").await;
    assert_eq!(now[0]["status"], "ended", "{now}");
    assert_eq!(
        now[0]["history"].as_array().unwrap().last().unwrap()["what"],
        "ended"
    );
}
