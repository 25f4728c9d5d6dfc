//! Orders are fulfilled, through the API: a need → decision → approval →
//! final → accepted → shipped → delivered → the household's stock raised;
//! a refusal sends the need to the next eligible offer; a brand that does
//! not answer is refused for it; bad input changes nothing.

use crate::kit::{Service, json_body, milk_need, service, today};
use axum::http::StatusCode;
use serde_json::{Value, json};
use vitrine_service::platform::Upload;
use vitrine_sim::samples::Sample;
use vitrine_types::time::Timestamp;

/// Household `fam` with an approved (placed) milk order; returns its token,
/// the need and the order.
async fn placed(s: &Service, need: &str) -> (String, Value) {
    let token = s.family("fam").await;
    let order = decide_and_approve(s, &token, need).await;
    (token, order)
}

async fn decide_and_approve(s: &Service, token: &str, need: &str) -> Value {
    let (status, decision, _) = s
        .call(
            "POST",
            "/v1/households/fam/decisions",
            Some(token),
            json_body(&milk_need("fam", need)),
        )
        .await;
    assert_eq!(status, StatusCode::CREATED, "{decision}");
    let order = decision["placement"]["order"]["id"].as_str().unwrap();
    // The ask waits in the inbox, with its expiry.
    let (_, inbox, _) = s
        .call("GET", "/v1/households/fam/inbox", Some(token), None)
        .await;
    assert_eq!(inbox[0]["kind"], "approval_needed", "{inbox}");
    assert_eq!(inbox[0]["order"]["id"], order);
    assert!(inbox[0]["expires_at"].is_i64(), "{inbox}");
    let (status, approved, _) = s
        .call(
            "POST",
            &format!("/v1/households/fam/orders/{order}/approve"),
            Some(token),
            None,
        )
        .await;
    assert_eq!(status, StatusCode::OK, "{approved}");
    approved
}

/// The platform's clock a day and a half later, past the cancel window;
/// orders become final.
async fn make_final(s: &Service, days: i32) {
    s.clock.set(Timestamp::at(today().plus(days), 12));
    s.platform.dispatch_due().await.unwrap();
}

async fn act(
    s: &Service,
    token: &str,
    brand: &str,
    order: &str,
    action: &str,
    body: Value,
) -> (StatusCode, Value) {
    let (status, answer, _) = s
        .call(
            "POST",
            &format!("/v1/brands/{brand}/orders/{order}/{action}"),
            Some(token),
            json_body(&body),
        )
        .await;
    (status, answer)
}

fn purchases_from(export: &Value, brand: &str) -> Vec<Value> {
    export["household"]["purchases"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|p| p["brand"] == brand)
        .cloned()
        .collect()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_delivered_order_raises_the_households_stock_and_each_step_is_recorded() {
    let s = service().await;
    let dairy = s.sample_brand("dairy").await;
    let (household, order) = placed(&s, "need-1").await;
    let id = order["id"].as_str().unwrap();
    let ordered = order["quantity"]["amount"].as_u64().unwrap();
    let address = json!({"name": "Martin", "line": "3 rue Bossuet", "postal_code": "69006",
                         "city": "Lyon", "instructions": "code 1234"});
    let (status, stored, _) = s
        .call(
            "PUT",
            "/v1/households/fam/delivery",
            Some(&household),
            json_body(&address),
        )
        .await;
    assert_eq!(status, StatusCode::OK, "{stored}");

    // Still inside its cancel window: the brand cannot act on it yet, nor
    // does it see it (nor the address).
    let (status, answer) = act(&s, &dairy, "dairy", id, "accept", json!(null)).await;
    assert_eq!(status, StatusCode::CONFLICT, "{answer}");
    let (_, orders, _) = s
        .call("GET", "/v1/brands/dairy/orders", Some(&dairy), None)
        .await;
    assert_eq!(orders, json!([]));

    make_final(&s, 2).await;
    let (_, orders, _) = s
        .call("GET", "/v1/brands/dairy/orders", Some(&dairy), None)
        .await;
    let listed = &orders.as_array().unwrap()[0];
    assert_eq!(listed["order_id"], id);
    assert_eq!(listed["status"], "final");
    assert!(listed["accept_by"].is_i64(), "{listed}");
    // Final: the address is released to the winning brand, and the release
    // is recorded on the household's order.
    assert_eq!(listed["deliver_to"], address, "{listed}");
    let (_, mine, _) = s
        .call("GET", "/v1/households/fam/orders", Some(&household), None)
        .await;
    let released = &mine
        .as_array()
        .unwrap()
        .iter()
        .find(|o| o["id"] == id)
        .unwrap()["released"];
    assert_eq!(
        released,
        &json!([
            "delivery.name",
            "delivery.line",
            "delivery.postal_code",
            "delivery.city",
            "delivery.instructions"
        ])
    );

    let (status, accepted) = act(&s, &dairy, "dairy", id, "accept", json!(null)).await;
    assert_eq!(status, StatusCode::OK, "{accepted}");
    let (status, shipped) = act(
        &s,
        &dairy,
        "dairy",
        id,
        "ship",
        json!({"carrier": "La Poste", "reference": "6A123"}),
    )
    .await;
    assert_eq!(status, StatusCode::OK, "{shipped}");

    // More than was ordered: refused, and nothing changes.
    let (status, answer) = act(
        &s,
        &dairy,
        "dairy",
        id,
        "deliver",
        json!({"amount": ordered + 1}),
    )
    .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{answer}");
    assert_eq!(answer["error"]["field"], "amount");
    let (_, export, _) = s
        .call("GET", "/v1/households/fam", Some(&household), None)
        .await;
    assert!(purchases_from(&export, "dairy").is_empty());

    let (status, delivered) = act(&s, &dairy, "dairy", id, "deliver", json!({})).await;
    assert_eq!(status, StatusCode::OK, "{delivered}");
    assert_eq!(delivered["status"], "delivered");
    assert_eq!(delivered["delivered"]["amount"], ordered);

    // The household sees every step, and its pantry has what arrived.
    let (_, orders, _) = s
        .call("GET", "/v1/households/fam/orders", Some(&household), None)
        .await;
    let mine = orders
        .as_array()
        .unwrap()
        .iter()
        .find(|o| o["id"] == id)
        .unwrap();
    let steps: Vec<&str> = mine["history"]
        .as_array()
        .unwrap()
        .iter()
        .map(|s| s["status"].as_str().unwrap())
        .collect();
    assert_eq!(
        steps,
        [
            "awaiting_approval",
            "placed",
            "final",
            "accepted",
            "shipped",
            "delivered"
        ]
    );
    assert_eq!(mine["shipment"]["reference"], "6A123");
    let (_, export, _) = s
        .call("GET", "/v1/households/fam", Some(&household), None)
        .await;
    let bought = purchases_from(&export, "dairy");
    assert_eq!(bought.len(), 1, "{export}");
    assert_eq!(bought[0]["amount"], ordered);
    assert_eq!(bought[0]["category"], "food/dairy/milk");

    // Delivered: the brand no longer holds the address.
    let (_, orders, _) = s
        .call("GET", "/v1/brands/dairy/orders", Some(&dairy), None)
        .await;
    assert_eq!(orders[0]["deliver_to"], Value::Null, "{orders}");
    // Delivered is the end: nothing more can be done to it.
    let (status, _) = act(&s, &dairy, "dairy", id, "deliver", json!({})).await;
    assert_eq!(status, StatusCode::CONFLICT);
    // The audit log has each step.
    let (_, audit, _) = s
        .call(
            "GET",
            "/v1/audit?limit=1000",
            Some(crate::kit::OPERATOR),
            None,
        )
        .await;
    let actions: Vec<&str> = audit["entries"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["action"].as_str().unwrap())
        .collect();
    for step in ["order.accepted", "order.shipped", "order.delivered"] {
        assert!(actions.contains(&step), "{step} not audited: {actions:?}");
    }
    assert_eq!(audit["chain"]["verified"], true);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_brand_cannot_act_on_another_brands_order_and_a_refusal_sends_the_need_to_the_next_offer()
{
    let s = service().await;
    let dairy = s.sample_brand("dairy").await;
    // A second dairy, dearer: the runner-up.
    let sample = Sample::named("dairy").unwrap();
    let mut dearer: serde_json::Map<String, Value> =
        serde_json::from_str(sample.catalog_json).unwrap();
    for (key, value) in dearer.iter_mut() {
        if key.contains("price") {
            *value = json!(value.as_u64().unwrap() * 2);
        }
    }
    let dearer = serde_json::to_string(&dearer).unwrap();
    let runner_up = s
        .platform
        .create_brand("dairy-b", "Dairy B")
        .await
        .unwrap()
        .token;
    s.platform
        .upload_plugin(
            "dairy-b",
            Upload {
                wasm: sample.wasm,
                catalog_json: Some(&dearer),
                enable: true,
            },
        )
        .await
        .unwrap();
    let (household, order) = placed(&s, "need-1").await;
    let id = order["id"].as_str().unwrap().to_owned();
    let winner = order["brand"].as_str().unwrap().to_owned();
    assert_eq!(winner, "dairy", "{order}");
    let (winner_token, other, other_token) = (dairy, "dairy-b", runner_up);
    make_final(&s, 2).await;

    // The other brand, through its own path: not found (it is not told the
    // order exists); through the winner's path: forbidden.
    let (status, _) = act(&s, &other_token, other, &id, "accept", json!(null)).await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    let (status, _) = act(&s, &other_token, &winner, &id, "accept", json!(null)).await;
    assert_eq!(status, StatusCode::FORBIDDEN);
    // `no_answer` is the platform's reason, not the brand's.
    let (status, _) = act(
        &s,
        &winner_token,
        &winner,
        &id,
        "refuse",
        json!({"reason": "no_answer"}),
    )
    .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);

    let (status, refused) = act(
        &s,
        &winner_token,
        &winner,
        &id,
        "refuse",
        json!({"reason": "out_of_stock", "message": "no milk until Monday"}),
    )
    .await;
    assert_eq!(status, StatusCode::OK, "{refused}");
    assert_eq!(refused["refusal"]["reason"], "out_of_stock");
    // The household is told, in its inbox.
    let (_, inbox, _) = s
        .call("GET", "/v1/households/fam/inbox", Some(&household), None)
        .await;
    assert_eq!(inbox[0]["kind"], "refused_by_brand", "{inbox}");
    assert_eq!(inbox[0]["order"]["id"], id.as_str());
    assert!(
        inbox[0]["text"].as_str().unwrap().contains("out of stock"),
        "{inbox}"
    );

    // The need is open again; deciding it again goes to the other brand,
    // and the refusing one is not even asked.
    let (_, needs, _) = s
        .call("GET", "/v1/households/fam/needs", Some(&household), None)
        .await;
    let need = needs
        .as_array()
        .unwrap()
        .iter()
        .find(|n| n["need"]["id"] == "need-1")
        .unwrap();
    assert_eq!(need["open"], true, "{need}");
    let (status, again, _) = s
        .call(
            "POST",
            "/v1/households/fam/decisions",
            Some(&household),
            json_body(&json!({"need_id": "need-1"})),
        )
        .await;
    assert_eq!(status, StatusCode::CREATED, "{again}");
    assert_eq!(again["explanation"]["winner"]["brand"], other, "{again:#}");
    let refuser = again["auction"]["bidders"]
        .as_array()
        .unwrap()
        .iter()
        .find(|b| b["brand"] == winner.as_str())
        .unwrap();
    assert_eq!(refuser["call"], "not_called", "{refuser}");
    assert_eq!(refuser["loss"]["reason"], "blocked", "{refuser}");
    // The explanation names the refusal, not a block.
    assert_eq!(
        again["explanation"]["let_down"],
        json!([[winner, "refused it (out of stock)"]]),
        "{again:#}"
    );
    let text = again["explanation"]["text"].as_str().unwrap();
    assert!(
        text.contains(&format!(
            "Decided again without {winner}, which refused it (out of stock)."
        )),
        "{text}"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_final_order_nobody_answers_is_refused_for_its_brand_after_the_deadline() {
    let s = service().await;
    let _dairy = s.sample_brand("dairy").await;
    let (household, order) = placed(&s, "need-1").await;
    let id = order["id"].as_str().unwrap();
    make_final(&s, 2).await;
    // A day later, past the acceptance deadline.
    s.clock.set(Timestamp::at(today().plus(3), 13));
    s.platform.run_cycle().await.unwrap();
    let (_, orders, _) = s
        .call("GET", "/v1/households/fam/orders", Some(&household), None)
        .await;
    let mine = orders
        .as_array()
        .unwrap()
        .iter()
        .find(|o| o["id"] == id)
        .unwrap();
    assert_eq!(mine["status"], "refused", "{mine}");
    assert_eq!(mine["refusal"]["reason"], "no_answer");
    let (_, inbox, _) = s
        .call("GET", "/v1/households/fam/inbox", Some(&household), None)
        .await;
    assert_eq!(inbox[0]["kind"], "refused_by_brand", "{inbox}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_delivery_stops_the_need_until_consumption_uses_what_arrived() {
    let s = service().await;
    let dairy = s.sample_brand("dairy").await;
    let household = s.family("fam").await;
    let milk = "food/dairy/milk";
    let now = s.platform.now();
    // A litre a day for the last ten days; tonight the fridge says the milk
    // is gone.
    let days: Vec<Value> = (0..10)
        .map(|d| {
            json!({"category": milk, "amount": 1000, "unit": "millilitre",
                        "at": Timestamp::at(today().plus(-d), 8).0})
        })
        .collect();
    let (status, _, _) = s
        .call(
            "POST",
            "/v1/households/fam/events",
            Some(&household),
            json_body(&json!({
                "consumption": days,
                "inventory": [{"category": milk, "amount": 0, "unit": "millilitre", "at": now.0}],
            })),
        )
        .await;
    assert_eq!(status, StatusCode::OK);
    let evaluate = || async {
        let (status, raised, _) = s
            .call(
                "POST",
                "/v1/households/fam/needs/evaluate",
                Some(&household),
                None,
            )
            .await;
        assert_eq!(status, StatusCode::OK, "{raised}");
        raised
            .as_array()
            .unwrap()
            .iter()
            .filter(|n| n["category"] == milk)
            .cloned()
            .collect::<Vec<_>>()
    };
    let raised = evaluate().await;
    assert_eq!(raised.len(), 1, "{raised:?}");
    let need = raised[0]["id"].as_str().unwrap().to_owned();
    let (status, decision, _) = s
        .call(
            "POST",
            "/v1/households/fam/decisions",
            Some(&household),
            json_body(&json!({ "need_id": need })),
        )
        .await;
    assert_eq!(status, StatusCode::CREATED, "{decision}");
    let order = decision["placement"]["order"]["id"]
        .as_str()
        .unwrap()
        .to_owned();
    if decision["placement"]["order"]["status"] == "awaiting_approval" {
        let (status, _, _) = s
            .call(
                "POST",
                &format!("/v1/households/fam/orders/{order}/approve"),
                Some(&household),
                None,
            )
            .await;
        assert_eq!(status, StatusCode::OK);
    }
    // In flight: no second need for milk, however often the engine runs.
    assert!(evaluate().await.is_empty());
    make_final(&s, 2).await;
    let (status, _) = act(&s, &dairy, "dairy", &order, "accept", json!(null)).await;
    assert_eq!(status, StatusCode::OK);
    let (status, delivered) = act(&s, &dairy, "dairy", &order, "deliver", json!({})).await;
    assert_eq!(status, StatusCode::OK, "{delivered}");
    let arrived = delivered["delivered"]["amount"].as_u64().unwrap();
    // Delivered: the stock is what arrived, so no need is raised.
    assert!(evaluate().await.is_empty());
    // The household drinks it: a need again once the stock runs low.
    let at = s.platform.now();
    let (status, _, _) = s
        .call(
            "POST",
            "/v1/households/fam/events",
            Some(&household),
            json_body(&json!({
                "consumption": [{"category": milk, "amount": arrived, "unit": "millilitre", "at": at.0 + 60}],
                "inventory": [{"category": milk, "amount": 0, "unit": "millilitre", "at": at.0 + 120}],
            })),
        )
        .await;
    assert_eq!(status, StatusCode::OK);
    s.clock.set(Timestamp(at.0 + 180));
    assert_eq!(evaluate().await.len(), 1, "the milk is gone: a need again");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_restart_reads_live_and_recent_orders_only_and_still_knows_every_brand_bought_from() {
    let s = service().await;
    let dairy = s.sample_brand("dairy").await;
    let (household, order) = placed(&s, "need-1").await;
    let id = order["id"].as_str().unwrap().to_owned();
    make_final(&s, 2).await;
    assert_eq!(
        act(&s, &dairy, "dairy", &id, "accept", json!(null)).await.0,
        StatusCode::OK
    );
    assert_eq!(
        act(&s, &dairy, "dairy", &id, "deliver", json!({})).await.0,
        StatusCode::OK
    );
    // A hundred days on, the node restarts.
    let later = today().plus(100);
    s.clock.set(Timestamp::at(later, 9));
    let s = s.restart(&|_| {}).await;
    let fam = vitrine_core::household::HouseholdId("fam".into());
    assert!(
        s.platform.engine().orders().orders(&fam).is_empty(),
        "the settled order of a hundred days ago is not read back into the book"
    );
    // The store still has it, and the household reads it.
    let (_, orders, _) = s
        .call("GET", "/v1/households/fam/orders", Some(&household), None)
        .await;
    assert!(
        orders
            .as_array()
            .unwrap()
            .iter()
            .any(|o| o["id"] == id.as_str())
    );
    // The dairy is still a brand the family bought from: its next order is
    // not asked as a first order from a new brand.
    let day = later.0;
    let need = json!({"need": {
        "id": "need-2", "household": "fam", "kind": "seasonal",
        "category": "food/dairy/milk", "quantity": {"amount": 1000, "unit": "millilitre"},
        "earliest_day": day + 1, "latest_day": day + 5,
        "raised_at": Timestamp::at(later, 9).0,
        "reason": {"kind": "seasonal", "rule": "test", "description": "a test need", "child": null, "event_day": day + 2}
    }});
    let (status, decision, _) = s
        .call(
            "POST",
            "/v1/households/fam/decisions",
            Some(&household),
            json_body(&need),
        )
        .await;
    assert_eq!(status, StatusCode::CREATED, "{decision}");
    assert_eq!(decision["placement"]["decision"], "ordered", "{decision:#}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_unanswered_ask_expires_frees_its_need_and_the_next_decision_says_so() {
    let s = service().await;
    s.sample_brand("dairy").await;
    let household = s.family("fam").await;
    let (status, decision, _) = s
        .call(
            "POST",
            "/v1/households/fam/decisions",
            Some(&household),
            json_body(&milk_need("fam", "need-1")),
        )
        .await;
    assert_eq!(status, StatusCode::CREATED, "{decision}");
    let order = decision["placement"]["order"].clone();
    assert_eq!(order["status"], "awaiting_approval");
    let expires = order["ask_expires_at"].as_i64().unwrap();
    // A second before it expires: still waiting; at the expiry: expired.
    s.clock.set(Timestamp(expires - 1));
    s.platform.dispatch_due().await.unwrap();
    let (_, inbox, _) = s
        .call("GET", "/v1/households/fam/inbox", Some(&household), None)
        .await;
    assert_eq!(inbox[0]["kind"], "approval_needed", "{inbox}");
    s.clock.set(Timestamp(expires));
    s.platform.dispatch_due().await.unwrap();
    let (_, inbox, _) = s
        .call("GET", "/v1/households/fam/inbox", Some(&household), None)
        .await;
    assert_eq!(inbox[0]["kind"], "ask_expired", "{inbox}");
    // Approving it now is too late.
    let id = order["id"].as_str().unwrap();
    let (status, _, _) = s
        .call(
            "POST",
            &format!("/v1/households/fam/orders/{id}/approve"),
            Some(&household),
            None,
        )
        .await;
    assert_eq!(status, StatusCode::CONFLICT);
    // The need is free, and its next decision explains why it is decided again.
    let (status, again, _) = s
        .call(
            "POST",
            "/v1/households/fam/decisions",
            Some(&household),
            json_body(&json!({"need_id": "need-1"})),
        )
        .await;
    assert_eq!(status, StatusCode::CREATED, "{again}");
    let text = again["explanation"]["text"].as_str().unwrap();
    assert!(
        text.contains("Asked before: the ask to dairy expired unanswered on"),
        "{text}"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_restart_keeps_the_delivery_address_and_this_months_settled_orders_in_the_book() {
    let s = service().await;
    let dairy = s.sample_brand("dairy").await;
    let (household, order) = placed(&s, "need-1").await;
    let id = order["id"].as_str().unwrap().to_owned();
    let address = json!({"name": "Martin", "line": "3 rue Bossuet", "postal_code": "69006",
                         "city": "Lyon", "instructions": null});
    let (status, stored, _) = s
        .call(
            "PUT",
            "/v1/households/fam/delivery",
            Some(&household),
            json_body(&address),
        )
        .await;
    assert_eq!(status, StatusCode::OK, "{stored}");
    make_final(&s, 2).await;
    for action in ["accept", "deliver"] {
        let body = if action == "deliver" {
            json!({})
        } else {
            json!(null)
        };
        assert_eq!(
            act(&s, &dairy, "dairy", &id, action, body).await.0,
            StatusCode::OK
        );
    }
    s.clock.set(Timestamp::at(today().plus(3), 9));
    let s = s.restart(&|_| {}).await;
    let fam = vitrine_core::household::HouseholdId("fam".into());
    let kept = s.platform.household("fam").unwrap();
    assert_eq!(
        serde_json::to_value(&kept.delivery).unwrap()["city"],
        "Lyon",
        "the address outlives a restart"
    );
    assert!(
        s.platform
            .engine()
            .orders()
            .orders(&fam)
            .iter()
            .any(|o| o.id == id),
        "a delivered order of three days ago is back in the book (it counts in this month's budget)"
    );
}
