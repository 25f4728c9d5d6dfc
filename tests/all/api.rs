//! The HTTP API through its router (tower `oneshot`, no socket): every
//! route, tokens missing or wrong, other tenants' resources, malformed and
//! oversized bodies, bad plugins, idempotent retries.

use crate::kit::{OPERATOR, json_body, milk_need, service};
use axum::body::Body;
use axum::http::StatusCode;
use serde_json::{Value, json};
use vitrine_service::api::routes::{Access, ROUTES};
use vitrine_testkit::hostile;

fn concrete(path: &str) -> String {
    path.replace("{brand}", "dairy")
        .replace("{version}", "1")
        .replace("{household}", "fam")
        .replace("{decision}", "dec-x")
        .replace("{order}", "ord-x")
        .replace("{day}", "2026-08-01")
}

fn error_code(body: &Value) -> &str {
    body["error"]["code"].as_str().unwrap_or("<no error code>")
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn every_route_in_the_table_is_served_and_asks_for_a_token_unless_public() {
    let s = service().await;
    for route in ROUTES {
        let (status, body, headers) = s
            .call(route.method, &concrete(route.path), None, None)
            .await;
        if route.access == Access::Public {
            assert_eq!(status, StatusCode::OK, "{} {}", route.method, route.path);
        } else {
            assert_eq!(
                status,
                StatusCode::UNAUTHORIZED,
                "{} {}",
                route.method,
                route.path
            );
            assert_eq!(error_code(&body), "unauthorized");
            assert_eq!(headers["www-authenticate"], "Bearer");
        }
    }
    let (_, doc, _) = s.call("GET", "/v1/openapi.json", None, None).await;
    for route in ROUTES {
        assert!(
            doc["paths"][route.path][route.method.to_lowercase()].is_object(),
            "{} {} missing from the OpenAPI document",
            route.method,
            route.path
        );
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_wrong_or_malformed_token_is_401_and_unknown_routes_are_json_404() {
    let s = service().await;
    let (status, body, _) = s
        .call("GET", "/v1/brands", Some("vt_not-a-real-token"), None)
        .await;
    assert_eq!(status, StatusCode::UNAUTHORIZED);
    assert!(
        body["error"]["message"]
            .as_str()
            .unwrap()
            .contains("unknown")
    );
    let (status, _, _) = s
        .call_with(
            "GET",
            "/v1/brands",
            None,
            None,
            &[("authorization", "Basic abc")],
        )
        .await;
    assert_eq!(status, StatusCode::UNAUTHORIZED);
    let (status, body, _) = s.call("GET", "/v1/nowhere", Some(OPERATOR), None).await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    assert_eq!(error_code(&body), "not_found");
    let (status, body, _) = s.call("DELETE", "/v1/brands", Some(OPERATOR), None).await;
    assert_eq!(status, StatusCode::METHOD_NOT_ALLOWED);
    assert_eq!(error_code(&body), "method_not_allowed");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_household_can_neither_read_nor_act_on_another_households_data() {
    let s = service().await;
    let _dairy = s.sample_brand("dairy").await;
    let x = s.family("fam-x").await;
    let y = s.family("fam-y").await;
    let (status, decision, _) = s
        .call(
            "POST",
            "/v1/households/fam-y/decisions",
            Some(&y),
            json_body(&milk_need("fam-y", "need-y1")),
        )
        .await;
    assert_eq!(status, StatusCode::CREATED, "{decision}");
    let order = decision["placement"]["order"]["id"]
        .as_str()
        .unwrap()
        .to_owned();
    let probes = [
        ("GET", "/v1/households/fam-y".to_owned()),
        ("DELETE", "/v1/households/fam-y".to_owned()),
        ("GET", "/v1/households/fam-y/decisions".to_owned()),
        ("GET", "/v1/households/fam-y/needs".to_owned()),
        ("GET", "/v1/households/fam-y/orders".to_owned()),
        (
            "POST",
            format!("/v1/households/fam-y/orders/{order}/cancel"),
        ),
        // Whether it exists or not, another household's id is forbidden.
        ("GET", "/v1/households/nobody".to_owned()),
    ];
    for (method, path) in &probes {
        let (status, body, _) = s.call(method, path, Some(&x), None).await;
        assert_eq!(status, StatusCode::FORBIDDEN, "{method} {path}");
        assert_eq!(error_code(&body), "forbidden");
    }
    let (status, _, _) = s
        .call(
            "POST",
            "/v1/households/fam-y/decisions",
            Some(&x),
            json_body(&milk_need("fam-y", "need-y2")),
        )
        .await;
    assert_eq!(status, StatusCode::FORBIDDEN);
    // Nothing changed for Y: its order is still placed.
    let (_, orders, _) = s
        .call("GET", "/v1/households/fam-y/orders", Some(&y), None)
        .await;
    assert_eq!(orders.as_array().unwrap().len(), 1);
    assert_ne!(orders[0]["status"], "cancelled");
    // Households and brands cannot use operator routes.
    for token in [&x, &_dairy] {
        let (status, _, _) = s.call("GET", "/v1/brands", Some(token), None).await;
        assert_eq!(status, StatusCode::FORBIDDEN);
        let (status, _, _) = s.call("GET", "/metrics", Some(token), None).await;
        assert_eq!(status, StatusCode::FORBIDDEN);
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_brand_reads_only_its_own_plugins_orders_and_reports() {
    let s = service().await;
    let dairy = s.sample_brand("dairy").await;
    let farm = s.sample_brand("farm-coop").await;
    let fam = s.family("fam").await;
    let (status, decision, _) = s
        .call(
            "POST",
            "/v1/households/fam/decisions",
            Some(&fam),
            json_body(&milk_need("fam", "need-1")),
        )
        .await;
    assert_eq!(status, StatusCode::CREATED);
    let order = decision["placement"]["order"]["id"]
        .as_str()
        .expect("an order")
        .to_owned();
    let winning_brand = decision["placement"]["order"]["brand"]
        .as_str()
        .unwrap()
        .to_owned();
    let winning_token = if winning_brand == "dairy" {
        &dairy
    } else {
        &farm
    };
    let orders_path = format!("/v1/brands/{winning_brand}/orders");
    // An ask is never shown to the brand, nor an order inside its cancel
    // window.
    let (_, seen, _) = s.call("GET", &orders_path, Some(winning_token), None).await;
    assert_eq!(seen, json!([]));
    if decision["placement"]["decision"] == "awaiting_approval" {
        let path = format!("/v1/households/fam/orders/{order}/approve");
        assert_eq!(
            s.call("POST", &path, Some(&fam), None).await.0,
            StatusCode::OK
        );
        let (_, seen, _) = s.call("GET", &orders_path, Some(winning_token), None).await;
        assert_eq!(seen, json!([]));
    }
    let decided_at = s.platform.now();
    s.clock.set(decided_at.plus_hours(25));
    s.platform.dispatch_due().await.unwrap();
    s.clock.set(decided_at);
    let (status, own, _) = s
        .call("GET", "/v1/brands/dairy/plugins", Some(&dairy), None)
        .await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(own["live"], true);
    assert_eq!(own["health"]["state"], "healthy");
    // A brand never sees exact call counts (its plugin could answer
    // differently for some households and read the counts back); the
    // operator does.
    assert!(
        own.get("calls").is_none() && own.get("errors").is_none(),
        "{own}"
    );
    let (_, seen_by_operator, _) = s
        .call("GET", "/v1/brands/dairy/plugins", Some(OPERATOR), None)
        .await;
    assert_eq!(seen_by_operator["calls"]["offers"], 1);
    for path in [
        "/v1/brands/farm-coop/plugins",
        "/v1/brands/farm-coop/orders",
        "/v1/brands/farm-coop/reports/2026-08-01",
    ] {
        let (status, _, _) = s.call("GET", path, Some(&dairy), None).await;
        assert_eq!(status, StatusCode::FORBIDDEN, "{path}");
    }
    // A brand cannot change another brand's catalog, nor upload plugins.
    let (status, _, _) = s
        .call(
            "PUT",
            "/v1/brands/farm-coop/plugins/1/catalog",
            Some(&dairy),
            json_body(&json!({})),
        )
        .await;
    assert_eq!(status, StatusCode::FORBIDDEN);
    let (status, _, _) = s
        .call(
            "POST",
            "/v1/brands/dairy/plugins",
            Some(&dairy),
            Some(Body::from(vec![0u8; 8])),
        )
        .await;
    // A brand may upload its own versions (for the operator to enable):
    // garbage is refused for what it is; another brand's path is not its.
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    let (status, _, _) = s
        .call(
            "POST",
            "/v1/brands/farm-coop/plugins",
            Some(&dairy),
            Some(Body::from(vec![0u8; 8])),
        )
        .await;
    assert_eq!(status, StatusCode::FORBIDDEN);
    // Won orders name households by this brand's pseudonym only.
    let winner = if s
        .call("GET", "/v1/brands/dairy/orders", Some(&dairy), None)
        .await
        .1
        .as_array()
        .unwrap()
        .is_empty()
    {
        (&farm, "farm-coop")
    } else {
        (&dairy, "dairy")
    };
    let (_, orders, _) = s
        .call(
            "GET",
            &format!("/v1/brands/{}/orders", winner.1),
            Some(winner.0),
            None,
        )
        .await;
    let text = orders.to_string();
    assert_eq!(orders.as_array().unwrap().len(), 1);
    assert!(
        !text.contains("fam"),
        "a raw household id reached a brand: {text}"
    );
    // The report is issued once the day is over, then returned as stored.
    let today = crate::kit::today().date().to_string();
    let (status, body, _) = s
        .call(
            "GET",
            &format!("/v1/brands/dairy/reports/{today}"),
            Some(&dairy),
            None,
        )
        .await;
    assert_eq!(status, StatusCode::CONFLICT);
    assert_eq!(error_code(&body), "day_not_over");
    s.clock.set(vitrine_types::time::Timestamp::at(
        crate::kit::today().plus(1),
        9,
    ));
    let (status, first, _) = s
        .call(
            "GET",
            &format!("/v1/brands/dairy/reports/{today}"),
            Some(&dairy),
            None,
        )
        .await;
    assert_eq!(status, StatusCode::OK, "{first}");
    let (_, again, _) = s
        .call(
            "GET",
            &format!("/v1/brands/dairy/reports/{today}"),
            Some(&dairy),
            None,
        )
        .await;
    assert_eq!(first, again, "a second read spends no more privacy budget");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn malformed_json_is_400_the_wrong_shape_422_and_an_oversized_body_413() {
    let s = service().await;
    let (status, body, _) = s
        .call(
            "POST",
            "/v1/brands",
            Some(OPERATOR),
            Some(Body::from("{\"id\": ")),
        )
        .await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    assert_eq!(error_code(&body), "malformed_json");
    let (status, body, _) = s
        .call(
            "POST",
            "/v1/brands",
            Some(OPERATOR),
            json_body(&json!({"id": 3})),
        )
        .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(error_code(&body), "invalid_field");
    let (status, body, _) = s
        .call(
            "POST",
            "/v1/brands",
            Some(OPERATOR),
            json_body(&json!({"id": "Bad Id!", "name": "x"})),
        )
        .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(error_code(&body), "invalid_field");
    assert_eq!(body["error"]["field"], "id", "{body}");
    let big = format!("{{\"id\": \"x\", \"name\": \"{}\"}}", "a".repeat(300 << 10));
    let (status, body, _) = s
        .call("POST", "/v1/brands", Some(OPERATOR), Some(Body::from(big)))
        .await;
    assert_eq!(status, StatusCode::PAYLOAD_TOO_LARGE);
    assert_eq!(error_code(&body), "body_too_large");
    assert!(s.platform.store().brands().await.unwrap().is_empty());
    // A household's malformed data is refused field by field and not stored.
    let fam = s.family("fam").await;
    let bad =
        json!({"consumption": [{"category": "NOT A PATH", "amount": 1, "unit": "piece", "at": 0}]});
    let (status, body, _) = s
        .call(
            "POST",
            "/v1/households/fam/events",
            Some(&fam),
            json_body(&bad),
        )
        .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{body}");
    let (_, export, _) = s.call("GET", "/v1/households/fam", Some(&fam), None).await;
    assert!(!export.to_string().contains("NOT A PATH"));
    // A context signal without consent is refused and not stored.
    let signal = json!([{"kind": "stress", "level": 80, "at": 1_786_000_000}]);
    let (status, body, _) = s
        .call(
            "POST",
            "/v1/households/fam/signals",
            Some(&fam),
            json_body(&signal),
        )
        .await;
    assert_eq!(status, StatusCode::CONFLICT, "{body}");
    assert_eq!(error_code(&body), "no_consent");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn bad_plugins_are_refused_with_a_clear_4xx_and_nothing_is_half_registered() {
    let s = service().await;
    let (status, _, _) = s
        .call(
            "POST",
            "/v1/brands",
            Some(OPERATOR),
            json_body(&json!({"id": "acme", "name": "Acme"})),
        )
        .await;
    assert_eq!(status, StatusCode::CREATED);
    let core_module = b"\0asm\x01\0\0\0".to_vec();
    let cases: Vec<(&str, Vec<u8>, &str)> = vec![
        ("not wasm", b"hello".to_vec(), "not_wasm"),
        ("empty", Vec::new(), "empty"),
        ("core module", core_module, "core_module"),
        (
            "an unknown interface",
            vitrine_testkit::component_importing("acme:spy/phone-home@1.0.0"),
            "forbidden_import",
        ),
        ("another world", hostile::CLI_COMMAND.to_vec(), ""),
        ("lying describe", hostile::BAD_DESCRIPTION.to_vec(), ""),
        (
            "trapping describe",
            hostile::DESCRIBE_PANICS.to_vec(),
            "describe_failed",
        ),
    ];
    for (what, wasm, code) in cases {
        let (status, body, _) = s
            .call(
                "POST",
                "/v1/brands/acme/plugins?enable=true",
                Some(OPERATOR),
                Some(Body::from(wasm)),
            )
            .await;
        assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{what}: {body}");
        if !code.is_empty() {
            assert_eq!(error_code(&body), code, "{what}");
        }
        assert!(!body["error"]["message"].as_str().unwrap().is_empty());
    }
    let (status, body, _) = s
        .call(
            "POST",
            "/v1/brands/acme/plugins",
            Some(OPERATOR),
            Some(Body::from(vec![0u8; (32 << 20) + 1])),
        )
        .await;
    assert_eq!(status, StatusCode::PAYLOAD_TOO_LARGE, "{body}");
    let (_, status_body, _) = s
        .call("GET", "/v1/brands/acme/plugins", Some(OPERATOR), None)
        .await;
    assert_eq!(status_body["versions"], json!([]));
    assert_eq!(status_body["live"], false);
    assert!(s.platform.engine().bidders().is_empty());
    // Uploading to a brand that does not exist is a 404.
    let (status, _, _) = s
        .call(
            "POST",
            "/v1/brands/ghost/plugins",
            Some(OPERATOR),
            Some(Body::from(hostile::COUNTER.to_vec())),
        )
        .await;
    assert_eq!(status, StatusCode::NOT_FOUND);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_brand_uploads_versions_for_review_and_may_roll_back_but_never_makes_one_live() {
    let s = service().await;
    let dairy = s.sample_brand("dairy").await;
    let wasm = vitrine_sim::samples::Sample::named("dairy").unwrap().wasm;
    let (status, body, _) = s
        .call(
            "POST",
            "/v1/brands/dairy/plugins?enable=true",
            Some(&dairy),
            Some(Body::from(wasm.to_vec())),
        )
        .await;
    assert_eq!(status, StatusCode::FORBIDDEN, "{body}");
    let (status, v2, _) = s
        .call(
            "POST",
            "/v1/brands/dairy/plugins",
            Some(&dairy),
            Some(Body::from(wasm.to_vec())),
        )
        .await;
    assert_eq!(status, StatusCode::CREATED, "{v2}");
    assert_eq!(v2["version"], 2);
    assert_eq!(v2["status"], "disabled");
    // The operator reviews and enables it; the brand can go back.
    let (status, _, _) = s
        .call(
            "POST",
            "/v1/brands/dairy/plugins/2/enable",
            Some(OPERATOR),
            None,
        )
        .await;
    assert_eq!(status, StatusCode::OK);
    let (status, back, _) = s
        .call("POST", "/v1/brands/dairy/rollback", Some(&dairy), None)
        .await;
    assert_eq!(status, StatusCode::OK, "{back}");
    assert_eq!(back["version"], 1);
    let (_, audit, _) = s
        .call("GET", "/v1/brands/dairy/audit", Some(&dairy), None)
        .await;
    let by_brand = |action: &str| {
        audit
            .as_array()
            .unwrap()
            .iter()
            .any(|e| e["action"] == action && e["actor"] == "brand:dairy")
    };
    assert!(by_brand("plugin.uploaded"), "{audit}");
    assert!(by_brand("plugin.rolled_back"), "{audit}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn versions_are_enabled_rolled_back_limited_and_disabled() {
    let s = service().await;
    s.call(
        "POST",
        "/v1/brands",
        Some(OPERATOR),
        json_body(&json!({"id": "dairy", "name": "Dairy"})),
    )
    .await;
    let wasm = vitrine_sim::samples::Sample::named("dairy").unwrap().wasm;
    let upload = |enable: bool| {
        let path = format!("/v1/brands/dairy/plugins?enable={enable}");
        let s = &s;
        async move {
            s.call(
                "POST",
                &path,
                Some(OPERATOR),
                Some(Body::from(wasm.to_vec())),
            )
            .await
        }
    };
    let (status, v1, _) = upload(true).await;
    assert_eq!(status, StatusCode::CREATED, "{v1}");
    assert_eq!(v1["version"], 1);
    assert_eq!(v1["status"], "enabled");
    let (_, v2, _) = upload(false).await;
    assert_eq!(v2["version"], 2);
    assert_eq!(v2["status"], "disabled");
    let (status, _, _) = s
        .call(
            "POST",
            "/v1/brands/dairy/plugins/2/enable",
            Some(OPERATOR),
            None,
        )
        .await;
    assert_eq!(status, StatusCode::OK);
    let (status, back, _) = s
        .call("POST", "/v1/brands/dairy/rollback", Some(OPERATOR), None)
        .await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(back["version"], 1);
    assert_eq!(back["status"], "enabled");
    let (status, body, _) = s
        .call("POST", "/v1/brands/dairy/rollback", Some(OPERATOR), None)
        .await;
    assert_eq!(status, StatusCode::CONFLICT);
    assert_eq!(error_code(&body), "no_previous_version");
    let (status, limited, _) = s
        .call(
            "PUT",
            "/v1/brands/dairy/plugins/1/limits",
            Some(OPERATOR),
            json_body(&json!({"fuel": 1000})),
        )
        .await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(limited["limits"]["fuel"], 1000);
    assert_eq!(
        s.platform.engine().bidders()[0].bidder.plugin.limits().fuel,
        1000
    );
    let (status, body, _) = s
        .call(
            "PUT",
            "/v1/brands/dairy/plugins/1/limits",
            Some(OPERATOR),
            json_body(&json!({"fuel": u64::MAX})),
        )
        .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(error_code(&body), "invalid_limits");
    let (status, _, _) = s
        .call("POST", "/v1/brands/dairy/disable", Some(OPERATOR), None)
        .await;
    assert_eq!(status, StatusCode::OK);
    assert!(s.platform.engine().bidders().is_empty());
    let (status, _, _) = s
        .call(
            "POST",
            "/v1/brands/dairy/plugins/9/enable",
            Some(OPERATOR),
            None,
        )
        .await;
    assert_eq!(status, StatusCode::NOT_FOUND);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_household_posts_data_gets_needs_and_decisions_answers_and_erases() {
    let s = service().await;
    s.sample_brand("dairy").await;
    s.sample_brand("farm-coop").await;
    let fam = s.family("fam").await;
    let events = json!({"inventory": [{"category": "food/dairy/milk", "amount": 0, "unit": "millilitre", "at": vitrine_types::time::Timestamp::at(crate::kit::today(), 20).0}]});
    let (status, body, _) = s
        .call(
            "POST",
            "/v1/households/fam/events",
            Some(&fam),
            json_body(&events),
        )
        .await;
    assert_eq!(status, StatusCode::OK, "{body}");
    let (status, raised, _) = s
        .call(
            "POST",
            "/v1/households/fam/needs/evaluate",
            Some(&fam),
            None,
        )
        .await;
    assert_eq!(status, StatusCode::OK);
    let raised = raised.as_array().unwrap().clone();
    assert!(!raised.is_empty(), "an empty fridge raises a need");
    let need_id = raised[0]["id"].as_str().unwrap();
    let (status, decision, _) = s
        .call(
            "POST",
            "/v1/households/fam/decisions",
            Some(&fam),
            json_body(&json!({"need_id": need_id})),
        )
        .await;
    assert_eq!(status, StatusCode::CREATED, "{decision}");
    assert!(decision["explanation"].is_object());
    let id = decision["id"].as_str().unwrap();
    let (status, again, _) = s
        .call(
            "GET",
            &format!("/v1/households/fam/decisions/{id}"),
            Some(&fam),
            None,
        )
        .await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(again["id"], decision["id"]);
    let (status, body, _) = s
        .call(
            "POST",
            "/v1/households/fam/decisions",
            Some(&fam),
            json_body(&json!({"need_id": need_id})),
        )
        .await;
    if decision["placement"]["order"].is_object() {
        assert_eq!(status, StatusCode::CONFLICT, "a need gets one order");
        assert_eq!(error_code(&body), "duplicate_need");
    } else {
        // No acceptable offer: the need was not consumed and is decided
        // again, as its second attempt.
        assert_eq!(status, StatusCode::CREATED, "{body}");
        assert_eq!(body["id"], format!("{id}-2"));
    }
    if let Some(order) = decision["placement"]["order"]["id"].as_str() {
        let path = format!("/v1/households/fam/orders/{order}/cancel");
        let status = s.call("POST", &path, Some(&fam), None).await.0;
        let asked = decision["placement"]["decision"] == "awaiting_approval";
        assert_eq!(
            status,
            if asked {
                StatusCode::CONFLICT
            } else {
                StatusCode::OK
            }
        );
    }
    let (status, export, _) = s.call("GET", "/v1/households/fam", Some(&fam), None).await;
    assert_eq!(status, StatusCode::OK);
    assert!(!export["decisions"].as_array().unwrap().is_empty());
    assert!(!export["needs"].as_array().unwrap().is_empty());
    let (status, _, _) = s
        .call("DELETE", "/v1/households/fam", Some(&fam), None)
        .await;
    assert_eq!(status, StatusCode::OK);
    let (status, _, _) = s.call("GET", "/v1/households/fam", Some(&fam), None).await;
    assert_eq!(
        status,
        StatusCode::UNAUTHORIZED,
        "an erased household's token is revoked"
    );
    assert!(
        s.platform
            .store()
            .decisions("fam", 10)
            .await
            .unwrap()
            .is_empty()
    );
    let entries = s.platform.store().audit_entries(0, 1_000).await.unwrap();
    assert!(entries.iter().any(|e| e.action == "household.erased"));
    assert!(
        entries
            .iter()
            .all(|e| !e.subject.contains("fam") && !e.actor.contains("fam")),
        "the audit log names households by pseudonym only"
    );
    assert_eq!(
        s.platform.store().verify_audit().await.unwrap(),
        Ok(entries.len() as u64)
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_idempotency_key_replays_the_first_answer_and_refuses_another_body() {
    let s = service().await;
    s.sample_brand("dairy").await;
    let fam = s.family("fam").await;
    let key = [("idempotency-key", "k-1")];
    let body = milk_need("fam", "need-i1");
    let (first_status, first, _) = s
        .call_with(
            "POST",
            "/v1/households/fam/decisions",
            Some(&fam),
            json_body(&body),
            &key,
        )
        .await;
    assert_eq!(first_status, StatusCode::CREATED);
    let (status, replay, headers) = s
        .call_with(
            "POST",
            "/v1/households/fam/decisions",
            Some(&fam),
            json_body(&body),
            &key,
        )
        .await;
    assert_eq!(status, StatusCode::CREATED);
    assert_eq!(replay, first);
    assert_eq!(headers["idempotent-replayed"], "true");
    assert_eq!(
        s.platform.orders("fam").await.unwrap().len(),
        1,
        "the retry ordered nothing more"
    );
    let (status, err, _) = s
        .call_with(
            "POST",
            "/v1/households/fam/decisions",
            Some(&fam),
            json_body(&milk_need("fam", "need-i2")),
            &key,
        )
        .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(error_code(&err), "idempotency_key_reused");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn metrics_count_decisions_and_plugin_calls_for_the_operator() {
    let s = service().await;
    s.sample_brand("dairy").await;
    let fam = s.family("fam").await;
    s.call(
        "POST",
        "/v1/households/fam/decisions",
        Some(&fam),
        json_body(&milk_need("fam", "n-1")),
    )
    .await;
    let request = axum::http::Request::builder()
        .uri("/metrics")
        .header("authorization", format!("Bearer {OPERATOR}"))
        .body(Body::empty())
        .unwrap();
    let response = tower::ServiceExt::oneshot(s.router.clone(), request)
        .await
        .unwrap();
    assert_eq!(response.status(), StatusCode::OK);
    let bytes = http_body_util::BodyExt::collect(response.into_body())
        .await
        .unwrap()
        .to_bytes();
    let text = String::from_utf8(bytes.to_vec()).unwrap();
    assert!(text.contains("vitrine_decisions_total{outcome="), "{text}");
    assert!(text.contains("vitrine_plugin_calls_total{brand=\"dairy\",outcome=\"offers\"} 1"));
    assert!(text.contains("vitrine_decision_seconds_count 1"));
    assert!(text.contains("vitrine_http_requests_total{method=\"POST\",route=\"/v1/households/{household}/decisions\",status=\"201\"} 1"));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_remaining_household_and_operator_routes_change_what_they_say() {
    let s = service().await;
    s.sample_brand("dairy").await;
    let fam = s.family("fam").await;
    let (_, export, _) = s.call("GET", "/v1/households/fam", Some(&fam), None).await;
    let household = &export["household"];

    // Consent, then a signal, then withdrawal erases it.
    let (status, _, _) = s
        .call(
            "PUT",
            "/v1/households/fam/consents",
            Some(&fam),
            json_body(&json!(["region", "context_signals"])),
        )
        .await;
    assert_eq!(status, StatusCode::OK);
    let signal = json!([{"kind": "stress", "level": 70, "at": 1_786_000_000}]);
    let (status, _, _) = s
        .call(
            "POST",
            "/v1/households/fam/signals",
            Some(&fam),
            json_body(&signal),
        )
        .await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(s.platform.household("fam").unwrap().signals.len(), 1);
    let (status, consents, _) = s
        .call(
            "PUT",
            "/v1/households/fam/consents",
            Some(&fam),
            json_body(&json!(["region"])),
        )
        .await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(consents, json!(["region"]));
    assert!(
        s.platform.household("fam").unwrap().signals.is_empty(),
        "withdrawal erases signals"
    );

    // Preferences and calendar round-trip.
    let mut preferences = household["preferences"].clone();
    preferences["price_sensitivity"] = json!(2.0);
    let (status, body, _) = s
        .call(
            "PUT",
            "/v1/households/fam/preferences",
            Some(&fam),
            json_body(&preferences),
        )
        .await;
    assert_eq!(status, StatusCode::OK, "{body}");
    assert_eq!(
        s.platform
            .household("fam")
            .unwrap()
            .preferences
            .price_sensitivity,
        2.0
    );
    let (status, _, _) = s
        .call(
            "PUT",
            "/v1/households/fam/calendar",
            Some(&fam),
            json_body(&json!({"children": []})),
        )
        .await;
    assert_eq!(status, StatusCode::OK);
    assert!(
        s.platform
            .household("fam")
            .unwrap()
            .calendar
            .children
            .is_empty()
    );

    // Without a mandate every order is asked; declining it spends nothing.
    let (status, _, _) = s
        .call(
            "PUT",
            "/v1/households/fam/mandates",
            Some(&fam),
            json_body(&json!([])),
        )
        .await;
    assert_eq!(status, StatusCode::OK);
    let (_, decision, _) = s
        .call(
            "POST",
            "/v1/households/fam/decisions",
            Some(&fam),
            json_body(&milk_need("fam", "need-d")),
        )
        .await;
    assert_eq!(
        decision["placement"]["decision"], "awaiting_approval",
        "{decision}"
    );
    let order = decision["placement"]["order"]["id"].as_str().unwrap();
    let (status, declined, _) = s
        .call(
            "POST",
            &format!("/v1/households/fam/orders/{order}/decline"),
            Some(&fam),
            None,
        )
        .await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(declined["status"], "declined");
    let (status, body, _) = s
        .call(
            "POST",
            &format!("/v1/households/fam/orders/{order}/approve"),
            Some(&fam),
            None,
        )
        .await;
    assert_eq!(status, StatusCode::CONFLICT);
    assert_eq!(error_code(&body), "wrong_status");
    assert!(
        s.platform
            .store()
            .ledger_mismatches()
            .await
            .unwrap()
            .is_empty()
    );

    // The operator's policy and audit routes.
    let (status, policy, _) = s.call("GET", "/v1/policy", Some(OPERATOR), None).await;
    assert_eq!(status, StatusCode::OK);
    let (status, _, _) = s
        .call("PUT", "/v1/policy", Some(OPERATOR), json_body(&policy))
        .await;
    assert_eq!(status, StatusCode::OK);
    let (status, audit, _) = s
        .call("GET", "/v1/audit?limit=500", Some(OPERATOR), None)
        .await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(audit["chain"]["verified"], true);
    let actions: Vec<&str> = audit["entries"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["action"].as_str().unwrap())
        .collect();
    for action in [
        "household.consents_set",
        "household.signals_added",
        "order.declined",
        "policy.set",
    ] {
        assert!(
            actions.contains(&action),
            "{action} not audited: {actions:?}"
        );
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_plugin_that_keeps_failing_is_suspended_and_its_brand_can_see_why() {
    let s = service().await;
    let _dairy = s.sample_brand("dairy").await;
    let panicky = s
        .platform
        .create_brand("panicky", "Panicky")
        .await
        .unwrap()
        .token;
    s.platform
        .upload_plugin(
            "panicky",
            vitrine_service::platform::Upload {
                wasm: hostile::PANICKER,
                catalog_json: None,
                enable: true,
            },
        )
        .await
        .unwrap();
    let fam = s.family("fam").await;
    let after = vitrine_runtime::Limits::default().suspend_after_failures;
    let mut calls = Vec::new();
    for n in 0..=after {
        let (status, decision, _) = s
            .call(
                "POST",
                "/v1/households/fam/decisions",
                Some(&fam),
                json_body(&milk_need("fam", &format!("need-{n}"))),
            )
            .await;
        // The household's decisions go on regardless: dairy wins each.
        assert_eq!(status, StatusCode::CREATED, "{decision}");
        let bidders = decision["auction"]["bidders"].as_array().unwrap();
        let panicky_call = bidders
            .iter()
            .find(|b| b["brand"] == "panicky")
            .expect("panicky took part");
        calls.push(panicky_call["call"].as_str().unwrap().to_owned());
        assert_eq!(panicky_call["loss"]["reason"], "plugin_failed");
        assert_eq!(panicky_call["loss"]["error"], panicky_call["call"]);
    }
    let mut expected = vec!["trap"; after as usize];
    expected.push("suspended");
    assert_eq!(calls, expected);
    let (status, own, _) = s
        .call("GET", "/v1/brands/panicky/plugins", Some(&panicky), None)
        .await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(own["health"]["state"], "suspended", "{own}");
    assert!(
        own["health"]["words"]
            .as_str()
            .unwrap()
            .contains("plugin run")
    );
    assert!(own.get("calls").is_none(), "no exact counts for a brand");
    let (_, seen_by_operator, _) = s
        .call("GET", "/v1/brands/panicky/plugins", Some(OPERATOR), None)
        .await;
    assert_eq!(seen_by_operator["calls"]["trap"], after);
    assert_eq!(seen_by_operator["calls"]["suspended"], 1);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn away_periods_are_stored_and_a_bad_one_is_refused_with_its_field() {
    let s = service().await;
    let token = s.family("fam").await;
    let put = |calendar: Value| {
        let s = &s;
        let token = token.clone();
        async move {
            s.call(
                "PUT",
                "/v1/households/fam/calendar",
                Some(&token),
                json_body(&calendar),
            )
            .await
        }
    };
    let (status, stored, _) = put(json!({"away": [{"from": 20700, "to": 20713}]})).await;
    assert_eq!(status, StatusCode::OK, "{stored}");
    assert_eq!(stored["away"][0]["to"], 20713);
    for (bad, field) in [
        (
            json!({"away": [{"from": 20713, "to": 20700}]}),
            "calendar.away[0]",
        ),
        (
            json!({"away": [{"from": 20000, "to": 20400}]}),
            "calendar.away[0]",
        ),
        (
            json!({"away": vec![json!({"from": 20700, "to": 20701}); 33]}),
            // Refused by the body's schema, which names the body's field.
            "away",
        ),
    ] {
        let (status, answer, _) = put(bad).await;
        assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{answer}");
        assert_eq!(answer["error"]["field"], field, "{answer}");
    }
    // Nothing of the refused ones was kept.
    let (_, export, _) = s
        .call("GET", "/v1/households/fam", Some(&token), None)
        .await;
    assert_eq!(
        export["household"]["calendar"]["away"],
        json!([{"from": 20700, "to": 20713}])
    );
}
