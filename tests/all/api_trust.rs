//! The API under bad input, tried as an attacker would: every timestamp,
//! day, quantity and amount out of its documented range is a 422 naming the
//! field and changes nothing; arrays where objects are expected (and the
//! reverse) are refused; a far-past event neither exhausts memory nor stops
//! the needs cycle; posts of events append rows and the history stays
//! bounded; idempotent retries compare the parsed request; tokens rotate
//! and revoke; k-anonymity survives a restart; a household's privacy budget
//! per brand is kept; a panic in a handler is a JSON 500; every error,
//! a malformed path's included, is JSON.

use crate::kit::{OPERATOR, Service, json_body, milk_need, service, service_configured, today};
use axum::http::StatusCode;
use serde_json::{Value, json};
use vitrine_core::household::DataField;
use vitrine_types::time::Timestamp;

fn code(body: &Value) -> &str {
    body["error"]["code"].as_str().unwrap_or("<no code>")
}

async fn export(s: &Service, token: &str) -> Value {
    let (status, mut body, _) = s.call("GET", "/v1/households/fam", Some(token), None).await;
    assert_eq!(status, StatusCode::OK);
    // What changes with every call regardless of the household's data.
    body["household"]["signals"] = Value::Null;
    body
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn every_value_out_of_its_documented_range_is_a_422_naming_the_field_and_changes_nothing() {
    let s = service().await;
    let _dairy = s.sample_brand("dairy").await;
    let fam = s.family("fam").await;
    let before = export(&s, &fam).await;
    let now = s.platform.now().0;
    let event = |at: Value, amount: Value| json!({"consumption": [{"category": "food/dairy/milk", "amount": amount, "unit": "millilitre", "at": at}]});
    let mut need = milk_need("fam", "need-bad");
    let cases: Vec<(&str, &str, Value, &str)> = vec![
        (
            "POST",
            "events",
            event(json!(-172_800_000_000_000i64), json!(250)),
            "consumption[0].at",
        ),
        (
            "POST",
            "events",
            event(json!(0), json!(250)),
            "consumption[0].at",
        ),
        (
            "POST",
            "events",
            event(json!(4_102_444_801i64), json!(250)),
            "consumption[0].at",
        ),
        (
            "POST",
            "events",
            event(json!(now + 10 * 86_400), json!(250)),
            "consumption[0].at",
        ),
        (
            "POST",
            "events",
            event(json!(now), json!(4_294_967_295u64)),
            "consumption[0].amount",
        ),
        (
            "POST",
            "events",
            json!({"purchases": [{"category": "food/dairy/milk", "amount": 1, "unit": "piece", "price_minor": 9_223_372_036_854_775_807u64, "at": now}]}),
            "purchases[0].price_minor",
        ),
        (
            "POST",
            "events",
            json!({"inventory": [{"category": "Not A Path", "amount": 1, "unit": "piece", "at": now}]}),
            "inventory[0].category",
        ),
        (
            "POST",
            "events",
            json!({"consumption": {"category": "food/dairy/milk", "amount": 1, "unit": "piece", "at": now}}),
            "consumption",
        ),
        (
            "POST",
            "events",
            json!({"consumption": [["food/dairy/milk", 1, "piece", now]]}),
            "consumption[0]",
        ),
        ("POST", "events", json!(["consumption"]), "body"),
        (
            "POST",
            "signals",
            json!([{"kind": "stress", "level": 101, "at": now}]),
            "[0].level",
        ),
        (
            "POST",
            "signals",
            json!({"kind": "stress", "level": 1, "at": now}),
            "body",
        ),
        (
            "PUT",
            "preferences",
            json!({"price_sensitivity": 0.0}),
            "price_sensitivity",
        ),
        (
            "PUT",
            "preferences",
            json!({"labels": {"organic": 9_000_000_000_000i64}}),
            "labels.organic",
        ),
        ("PUT", "preferences", json!([]), "body"),
        (
            "PUT",
            "mandates",
            json!([{"id": "m", "categories": ["food"], "per_order_cap_minor": 0}]),
            "[0].per_order_cap_minor",
        ),
        (
            "PUT",
            "mandates",
            json!([{"id": "m", "categories": ["food"], "budgets": [{"period": "week", "limit_minor": 18_446_744_073_709_551_615u64}]}]),
            "[0].budgets[0].limit_minor",
        ),
        ("PUT", "mandates", json!({"id": "m"}), "body"),
        (
            "PUT",
            "calendar",
            json!({"children": [{"id": "", "school_level": "primary"}]}),
            "children[0].id",
        ),
    ];
    need["need"]["reason"]["event_day"] = json!(2_147_483_647u64);
    let mut needs = vec![(need.clone(), "need.reason")];
    let mut far = milk_need("fam", "need-far");
    far["need"]["quantity"]["amount"] = json!(4_294_967_295u64);
    needs.push((far, "need.quantity.amount"));
    let mut early = milk_need("fam", "need-early");
    early["need"]["earliest_day"] = json!(-5);
    needs.push((early, "need.earliest_day"));
    for (method, route, body, field) in cases {
        let path = format!("/v1/households/fam/{route}");
        let (status, answer, _) = s.call(method, &path, Some(&fam), json_body(&body)).await;
        assert_eq!(
            status,
            StatusCode::UNPROCESSABLE_ENTITY,
            "{route} {body}: {answer}"
        );
        assert_eq!(code(&answer), "invalid_field", "{answer}");
        let named = answer["error"]["field"].as_str().unwrap_or_default();
        let named = named.trim_start_matches("preferences.");
        assert!(
            named.starts_with(field) || field.starts_with(named),
            "{route} {body}: named {named:?}, expected {field:?}"
        );
    }
    for (need, field) in needs {
        let (status, answer, _) = s
            .call(
                "POST",
                "/v1/households/fam/decisions",
                Some(&fam),
                json_body(&need),
            )
            .await;
        assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{answer}");
        assert!(
            answer["error"]["field"]
                .as_str()
                .unwrap_or_default()
                .starts_with(field),
            "{answer}"
        );
    }
    // Arrays where the API takes objects, at the top of other routes too.
    let (status, answer, _) = s
        .call(
            "POST",
            "/v1/brands",
            Some(OPERATOR),
            json_body(&json!(["a", "b"])),
        )
        .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{answer}");
    let (status, brands, _) = s.call("GET", "/v1/brands", Some(OPERATOR), None).await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(brands.as_array().unwrap().len(), 1, "no brand was created");
    // Nothing changed; the platform still answers.
    assert_eq!(export(&s, &fam).await, before);
    let (status, _, _) = s.call("GET", "/healthz", None, None).await;
    assert_eq!(status, StatusCode::OK);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_far_past_event_neither_exhausts_memory_nor_stops_the_needs_cycle() {
    let s = service().await;
    let fam = s.family("fam").await;
    // Far past, but within the range: the needs engine looks at its history
    // window only, whatever an event claims.
    let body = json!({
        "consumption": [{"category": "food/dairy/milk", "amount": 250, "unit": "millilitre", "at": 946_684_800}],
        "inventory": [{"category": "food/dairy/milk", "amount": 0, "unit": "millilitre", "at": 946_684_800}]
    });
    let (status, answer, _) = s
        .call(
            "POST",
            "/v1/households/fam/events",
            Some(&fam),
            json_body(&body),
        )
        .await;
    assert_eq!(status, StatusCode::OK, "{answer}");
    let (status, _, _) = s
        .call(
            "POST",
            "/v1/households/fam/needs/evaluate",
            Some(&fam),
            None,
        )
        .await;
    assert_eq!(status, StatusCode::OK);
    s.platform.run_cycle().await.expect("the cycle runs");
    let (status, health, _) = s.call("GET", "/healthz", None, None).await;
    assert_eq!(status, StatusCode::OK, "{health}");
    // Out of the window, the event was not even kept.
    let household = s.platform.household("fam").unwrap();
    assert!(household.events.iter().all(|e| e.at.0 > 946_684_800));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn posts_of_events_append_rows_and_the_history_stays_bounded() {
    let s = service().await;
    let fam = s.family("fam").await;
    let rows_before = s.platform.store().event_rows("fam").await.unwrap();
    let now = s.platform.now().0;
    let post = |n: i64| {
        let events: Vec<Value> = (0..2_900)
            .map(|i| {
                json!({"category": "food/dairy/milk", "amount": 1, "unit": "millilitre",
                       "at": now - 86_400 * 30 + n * 2_900 + i})
            })
            .collect();
        json!({ "consumption": events })
    };
    for n in 0..60 {
        let (status, answer, _) = s
            .call(
                "POST",
                "/v1/households/fam/events",
                Some(&fam),
                json_body(&post(n)),
            )
            .await;
        assert_eq!(status, StatusCode::OK, "{answer}");
    }
    let rows = s.platform.store().event_rows("fam").await.unwrap();
    assert!(
        rows <= rows_before + vitrine_core::household::MAX_EVENTS_KEPT as i64,
        "{rows} rows"
    );
    let household = s.platform.household("fam").unwrap();
    assert!(household.events.len() <= vitrine_core::household::MAX_EVENTS_KEPT);
    assert_eq!(
        household.events.len() + household.inventory.len() + household.purchases.len(),
        rows as usize,
        "the platform's copy and the store agree"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_idempotent_retry_is_the_same_request_written_differently_and_releases_its_key() {
    let s = service().await;
    let _dairy = s.sample_brand("dairy").await;
    let fam = s.family("fam").await;
    let need = milk_need("fam", "need-idem");
    let compact = need.to_string();
    let spaced = serde_json::to_string_pretty(&need).unwrap();
    let key = [
        ("idempotency-key", "retry-1"),
        ("content-type", "application/json"),
    ];
    let (first, a, _) = s
        .call_with(
            "POST",
            "/v1/households/fam/decisions",
            Some(&fam),
            Some(compact.into()),
            &key,
        )
        .await;
    assert_eq!(first, StatusCode::CREATED, "{a}");
    let (again, b, headers) = s
        .call_with(
            "POST",
            "/v1/households/fam/decisions",
            Some(&fam),
            Some(spaced.into()),
            &key,
        )
        .await;
    assert_eq!(again, StatusCode::CREATED, "{b}");
    assert_eq!(headers["idempotent-replayed"], "true");
    assert_eq!(a["id"], b["id"]);
    // A refused reuse, then: the key's lock is released every time.
    let (reused, _, _) = s
        .call_with(
            "POST",
            "/v1/households/fam/decisions",
            Some(&fam),
            json_body(&milk_need("fam", "other")),
            &key,
        )
        .await;
    assert_eq!(reused, StatusCode::UNPROCESSABLE_ENTITY);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn tokens_rotate_and_revoke_and_a_revoked_operator_token_never_comes_back() {
    let s = service().await;
    let dairy = s.sample_brand("dairy").await;
    let fam = s.family("fam").await;
    // A household rotates its token: the old one stops working at once.
    let (status, rotated, _) = s.call("POST", "/v1/tokens/rotate", Some(&fam), None).await;
    assert_eq!(status, StatusCode::CREATED, "{rotated}");
    let fresh = rotated["token"].as_str().unwrap().to_owned();
    assert_eq!(
        s.call("GET", "/v1/households/fam", Some(&fam), None)
            .await
            .0,
        StatusCode::UNAUTHORIZED
    );
    assert_eq!(
        s.call("GET", "/v1/households/fam", Some(&fresh), None)
            .await
            .0,
        StatusCode::OK
    );
    // It lists its own tokens only, by id; a brand cannot revoke them.
    let (_, own, _) = s.call("GET", "/v1/tokens", Some(&fresh), None).await;
    assert!(
        own.as_array()
            .unwrap()
            .iter()
            .all(|t| t["subject"] == "fam")
    );
    assert!(!own.to_string().contains(&fresh));
    let fresh_id = vitrine_store::tokens::token_id(&fresh);
    let path = format!("/v1/tokens/{fresh_id}/revoke");
    assert_eq!(
        s.call("POST", &path, Some(&dairy), None).await.0,
        StatusCode::NOT_FOUND
    );
    // The operator revokes the brand's token, then issues it a new one.
    let dairy_id = vitrine_store::tokens::token_id(&dairy);
    let path = format!("/v1/tokens/{dairy_id}/revoke");
    assert_eq!(
        s.call("POST", &path, Some(OPERATOR), None).await.0,
        StatusCode::OK
    );
    assert_eq!(
        s.call("GET", "/v1/brands/dairy/plugins", Some(&dairy), None)
            .await
            .0,
        StatusCode::UNAUTHORIZED
    );
    let (status, issued, _) = s
        .call(
            "POST",
            "/v1/tokens",
            Some(OPERATOR),
            json_body(&json!({"role": "brand", "id": "dairy"})),
        )
        .await;
    assert_eq!(status, StatusCode::CREATED, "{issued}");
    // The operator token given in the environment, once revoked, is refused
    // at the next start instead of coming back.
    let operator_id = vitrine_store::tokens::token_id(OPERATOR);
    let new_operator = s
        .platform
        .issue_token(&vitrine_store::tokens::Principal::Operator)
        .await
        .unwrap()
        .token;
    let path = format!("/v1/tokens/{operator_id}/revoke");
    assert_eq!(
        s.call("POST", &path, Some(&new_operator), None).await.0,
        StatusCode::OK
    );
    let refused = s.platform.ensure_operator_token(Some(OPERATOR)).await;
    assert_eq!(refused.unwrap_err().code(), "revoked_token");
    assert_eq!(
        s.call("GET", "/v1/brands", Some(OPERATOR), None).await.0,
        StatusCode::UNAUTHORIZED
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn every_error_is_json_a_malformed_path_and_a_report_before_the_brand_existed_included() {
    let s = service().await;
    let dairy = s.sample_brand("dairy").await;
    let before = today().plus(-3).date().to_string();
    let (status, body, _) = s
        .call(
            "GET",
            &format!("/v1/brands/dairy/reports/{before}"),
            Some(&dairy),
            None,
        )
        .await;
    assert_eq!(status, StatusCode::CONFLICT, "{body}");
    assert_eq!(code(&body), "before_brand");
    for path in [
        "/v1/brands/dairy/reports/%FF%FE",
        "/v1/brands/dairy/reports/not-a-day",
        "/v1/brands/dairy/plugins/x/enable",
        "/v1/nothing/here",
    ] {
        let method = if path.ends_with("enable") {
            "POST"
        } else {
            "GET"
        };
        let (status, body, _) = s.call(method, path, Some(OPERATOR), None).await;
        assert!(status.is_client_error(), "{path}: {status}");
        assert!(body["error"]["code"].is_string(), "{path}: {body}");
    }
    // State names are written as the API spells them.
    let fam = s.family("fam").await;
    let (_, decision, _) = s
        .call(
            "POST",
            "/v1/households/fam/decisions",
            Some(&fam),
            json_body(&milk_need("fam", "n-1")),
        )
        .await;
    if let Some(order) = decision["placement"]["order"]["id"].as_str() {
        let path = format!("/v1/households/fam/orders/{order}/decline");
        let _ = s.call("POST", &path, Some(&fam), None).await;
        let (_, body, _) = s.call("POST", &path, Some(&fam), None).await;
        let message = body["error"]["message"].as_str().unwrap_or_default();
        assert!(
            !message.contains("Declined") && !message.contains("Placed"),
            "{message}"
        );
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_need_no_brand_could_serve_is_decided_again_the_same_day_and_the_export_carries_the_ledger()
 {
    let s = service().await;
    let fam = s.family("fam").await;
    // No brand yet: no offer, the need stays open.
    let need = milk_need("fam", "need-open");
    let (status, first, _) = s
        .call(
            "POST",
            "/v1/households/fam/decisions",
            Some(&fam),
            json_body(&need),
        )
        .await;
    assert_eq!(status, StatusCode::CREATED);
    assert!(first["placement"]["order"].is_null());
    let _dairy = s.sample_brand("dairy").await;
    let (status, second, _) = s
        .call(
            "POST",
            "/v1/households/fam/decisions",
            Some(&fam),
            json_body(&need),
        )
        .await;
    assert_eq!(status, StatusCode::CREATED, "{second}");
    assert_ne!(first["id"], second["id"]);
    assert!(second["placement"]["order"].is_object(), "{second}");
    if second["placement"]["decision"] == "awaiting_approval" {
        let order = second["placement"]["order"]["id"].as_str().unwrap();
        let path = format!("/v1/households/fam/orders/{order}/approve");
        assert_eq!(
            s.call("POST", &path, Some(&fam), None).await.0,
            StatusCode::OK
        );
    }
    let (_, export, _) = s.call("GET", "/v1/households/fam", Some(&fam), None).await;
    let ledger = export["ledger"].as_array().unwrap();
    assert_eq!(ledger.len(), 1, "{export}");
    // Erasure removes the ledger with the rest.
    assert_eq!(
        s.call("DELETE", "/v1/households/fam", Some(&fam), None)
            .await
            .0,
        StatusCode::OK
    );
    assert!(
        s.platform
            .store()
            .household_ledger("fam")
            .await
            .unwrap()
            .is_empty()
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn k_anonymity_counts_survive_a_restart() {
    let configure = |c: &mut vitrine_service::platform::PlatformConfig| c.decision.minimiser.k = 2;
    let s = service_configured(&configure).await;
    let _dairy = s.sample_brand("dairy").await;
    let labelled = |id: &str| {
        let mut resident = vitrine_sim::scenario::family(id, 1);
        resident.warm_up(vitrine_sim::scenario::demo_start(), 14);
        resident.household.consents.grant(DataField::Labels);
        resident.household.consents.withdraw(DataField::Region);
        resident.household.consents.withdraw(DataField::Budget);
        resident.household
    };
    s.platform
        .create_household(labelled("first"))
        .await
        .unwrap();
    let decision = s
        .platform
        .decide(
            "first",
            serde_json::from_value(milk_need("first", "n-first")).unwrap(),
            &vitrine_store::tokens::Principal::Operator,
        )
        .await
        .unwrap();
    // Alone: the labels were generalised away.
    assert!(
        decision
            .requests
            .iter()
            .all(|(_, m)| m.request.labels.is_empty())
    );
    let s = s.restart(&configure).await;
    s.platform
        .create_household(labelled("second"))
        .await
        .unwrap();
    let decision = s
        .platform
        .decide(
            "second",
            serde_json::from_value(milk_need("second", "n-second")).unwrap(),
            &vitrine_store::tokens::Principal::Operator,
        )
        .await
        .unwrap();
    // The first household's sighting, from before the restart, makes two.
    assert!(
        decision
            .requests
            .iter()
            .any(|(_, m)| !m.request.labels.is_empty()),
        "{:?}",
        decision.requests
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_household_stops_counting_in_a_brands_reports_once_its_budget_for_it_is_spent() {
    let configure = |c: &mut vitrine_service::platform::PlatformConfig| {
        c.decision.privacy.epsilon_per_household = 1.5;
    };
    let s = service_configured(&configure).await;
    let dairy = s.sample_brand("dairy").await;
    let fam = s.family("fam").await;
    for day in 0..2 {
        s.clock.set(Timestamp::at(today().plus(day), 21));
        let need = milk_need("fam", &format!("need-{day}"));
        let mut need = need;
        need["need"]["raised_at"] = json!(Timestamp::at(today().plus(day), 21).0);
        let (status, _, _) = s
            .call(
                "POST",
                "/v1/households/fam/decisions",
                Some(&fam),
                json_body(&need),
            )
            .await;
        assert_eq!(status, StatusCode::CREATED);
    }
    s.clock.set(Timestamp::at(today().plus(3), 9));
    for day in 0..2 {
        let date = today().plus(day).date().to_string();
        let (status, report, _) = s
            .call(
                "GET",
                &format!("/v1/brands/dairy/reports/{date}"),
                Some(&dairy),
                None,
            )
            .await;
        assert_eq!(status, StatusCode::OK, "{report}");
        assert_eq!(report["sensitivity"], 20);
    }
    let audit = s
        .platform
        .store()
        .audit_entries_about("brand:dairy")
        .await
        .unwrap();
    let issued: Vec<Value> = audit
        .iter()
        .filter(|e| e.action == "report.issued")
        .map(|e| serde_json::from_str(&e.detail).unwrap())
        .collect();
    assert_eq!(issued.len(), 2);
    assert_eq!(issued[0]["households"], 1);
    assert_eq!(issued[1]["households"], 0, "1.0 + 1.0 > 1.5: left out");
    assert_eq!(issued[1]["left_out"], 1);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_handler_that_panics_is_answered_in_json_and_counted() {
    use tower::ServiceExt as _;
    let s = service().await;
    let router = axum::Router::new().route(
        "/boom",
        axum::routing::get(|| async {
            if true {
                panic!("a bug");
            }
        }),
    );
    let app = vitrine_service::api::serve::wrap(router, s.platform.clone(), Default::default());
    let response = app
        .oneshot(
            axum::http::Request::get("/boom")
                .body(axum::body::Body::empty())
                .unwrap(),
        )
        .await
        .unwrap();
    assert_eq!(response.status(), StatusCode::INTERNAL_SERVER_ERROR);
    let bytes = http_body_util::BodyExt::collect(response.into_body())
        .await
        .unwrap()
        .to_bytes();
    let body: Value = serde_json::from_slice(&bytes).unwrap();
    assert_eq!(code(&body), "internal");
    assert!(
        s.platform
            .metrics()
            .render()
            .contains("vitrine_panics_total{where=\"handler\"} 1")
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_needs_cycle_that_stops_shows_in_healthz() {
    let s = service().await;
    s.platform
        .set_cycle_period(Some(std::time::Duration::from_millis(20)));
    tokio::time::sleep(std::time::Duration::from_millis(100)).await;
    let (status, body, _) = s.call("GET", "/healthz", None, None).await;
    assert_eq!(status, StatusCode::SERVICE_UNAVAILABLE, "{body}");
    assert_eq!(body["needs_cycle"]["state"], "stalled");
    s.platform.run_cycle().await.unwrap();
    let (status, body, _) = s.call("GET", "/healthz", None, None).await;
    assert_eq!(status, StatusCode::OK, "{body}");
}
