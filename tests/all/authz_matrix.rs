//! The authorization matrix: every endpoint × every principal (nobody, the
//! operator, brand A, brand B, household X, household Y), each request aimed
//! at brand A's or household X's resources, so that "own" and "another
//! tenant's" are both tried. The expected statuses are written out here, by
//! hand, as one table; the test runs every cell on a fresh copy of the same
//! world (so a permitted call that changes things cannot mask the next
//! one), checks that the table covers every route the API serves, and that
//! `docs/SECURITY.md` shows this very table (`VITRINE_UPDATE_DOCS=1`
//! rewrites it there).

use std::path::Path;

use crate::kit::{OPERATOR, Service, json_body, milk_need, service_sharing, today};
use axum::body::Body;
use axum::http::StatusCode;
use serde_json::{Value, json};
use vitrine_service::api::routes::ROUTES;
use vitrine_sim::samples::Sample;
use vitrine_sim::scenario::{demo_start, family};

/// What a cell expects.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Expect {
    /// Any 2xx: the call is permitted and succeeds.
    Y,
    /// 401: no or an unknown token.
    U,
    /// 403: a valid token of the wrong role or tenant.
    F,
    /// 404: a valid token naming a resource that is not its own, which it
    /// is not told exists (another's token, for revocation).
    N,
}
use Expect::{F, N, U, Y};

/// Columns, in order.
const WHO: [&str; 6] = [
    "nobody",
    "operator",
    "brand A",
    "brand B",
    "household X",
    "household Y",
];

const PUBLIC: [Expect; 6] = [Y, Y, Y, Y, Y, Y];
const OPERATOR_ONLY: [Expect; 6] = [U, Y, F, F, F, F];
const OPERATOR_OR_A: [Expect; 6] = [U, Y, Y, F, F, F];
const BRAND_A_ONLY: [Expect; 6] = [U, F, Y, F, F, F];
const HOUSEHOLD_X_ONLY: [Expect; 6] = [U, F, F, F, Y, F];
const ANY_TOKEN: [Expect; 6] = [U, Y, Y, Y, Y, Y];
const OPERATOR_OR_OWNER_A: [Expect; 6] = [U, Y, Y, N, N, N];

/// The table: method, path (A's and X's resources), expected per column.
const MATRIX: &[(&str, &str, [Expect; 6])] = &[
    ("GET", "/healthz", PUBLIC),
    ("GET", "/metrics", OPERATOR_ONLY),
    ("GET", "/v1/openapi.json", PUBLIC),
    ("POST", "/v1/brands", OPERATOR_ONLY),
    ("GET", "/v1/brands", OPERATOR_ONLY),
    ("POST", "/v1/brands/{brand}/plugins", OPERATOR_OR_A),
    ("GET", "/v1/brands/{brand}/plugins", OPERATOR_OR_A),
    (
        "POST",
        "/v1/brands/{brand}/plugins/{version}/enable",
        OPERATOR_ONLY,
    ),
    (
        "PUT",
        "/v1/brands/{brand}/plugins/{version}/limits",
        OPERATOR_ONLY,
    ),
    (
        "PUT",
        "/v1/brands/{brand}/plugins/{version}/catalog",
        OPERATOR_OR_A,
    ),
    ("POST", "/v1/brands/{brand}/disable", OPERATOR_ONLY),
    ("POST", "/v1/brands/{brand}/rollback", OPERATOR_OR_A),
    ("GET", "/v1/brands/{brand}/orders", BRAND_A_ONLY),
    ("GET", "/v1/brands/{brand}/subscriptions", BRAND_A_ONLY),
    (
        "POST",
        "/v1/brands/{brand}/orders/{order}/accept",
        BRAND_A_ONLY,
    ),
    (
        "POST",
        "/v1/brands/{brand}/orders/{order}/refuse",
        BRAND_A_ONLY,
    ),
    (
        "POST",
        "/v1/brands/{brand}/orders/{order}/ship",
        BRAND_A_ONLY,
    ),
    (
        "POST",
        "/v1/brands/{brand}/orders/{order}/deliver",
        BRAND_A_ONLY,
    ),
    (
        "POST",
        "/v1/brands/{brand}/orders/{order}/fail",
        BRAND_A_ONLY,
    ),
    ("GET", "/v1/brands/{brand}/audit", OPERATOR_OR_A),
    ("GET", "/v1/brands/{brand}/reports/{day}", BRAND_A_ONLY),
    ("GET", "/v1/tokens", ANY_TOKEN),
    ("POST", "/v1/tokens", OPERATOR_ONLY),
    ("POST", "/v1/tokens/rotate", ANY_TOKEN),
    ("POST", "/v1/tokens/{token}/revoke", OPERATOR_OR_OWNER_A),
    ("GET", "/v1/policy", OPERATOR_ONLY),
    ("PUT", "/v1/policy", OPERATOR_ONLY),
    ("GET", "/v1/policy/bounds", OPERATOR_ONLY),
    ("PUT", "/v1/policy/bounds", OPERATOR_ONLY),
    ("GET", "/v1/audit", OPERATOR_ONLY),
    ("POST", "/v1/households", OPERATOR_ONLY),
    ("GET", "/v1/households/{household}", HOUSEHOLD_X_ONLY),
    ("DELETE", "/v1/households/{household}", HOUSEHOLD_X_ONLY),
    (
        "POST",
        "/v1/households/{household}/events",
        HOUSEHOLD_X_ONLY,
    ),
    (
        "PUT",
        "/v1/households/{household}/calendar",
        HOUSEHOLD_X_ONLY,
    ),
    (
        "POST",
        "/v1/households/{household}/signals",
        HOUSEHOLD_X_ONLY,
    ),
    (
        "PUT",
        "/v1/households/{household}/preferences",
        HOUSEHOLD_X_ONLY,
    ),
    (
        "PUT",
        "/v1/households/{household}/consents",
        HOUSEHOLD_X_ONLY,
    ),
    (
        "PUT",
        "/v1/households/{household}/mandates",
        HOUSEHOLD_X_ONLY,
    ),
    ("GET", "/v1/households/{household}/needs", HOUSEHOLD_X_ONLY),
    (
        "POST",
        "/v1/households/{household}/needs/evaluate",
        HOUSEHOLD_X_ONLY,
    ),
    (
        "GET",
        "/v1/households/{household}/decisions",
        HOUSEHOLD_X_ONLY,
    ),
    (
        "POST",
        "/v1/households/{household}/decisions",
        HOUSEHOLD_X_ONLY,
    ),
    (
        "GET",
        "/v1/households/{household}/decisions/{decision}",
        HOUSEHOLD_X_ONLY,
    ),
    ("GET", "/v1/households/{household}/inbox", HOUSEHOLD_X_ONLY),
    (
        "PUT",
        "/v1/households/{household}/delivery",
        HOUSEHOLD_X_ONLY,
    ),
    (
        "GET",
        "/v1/households/{household}/subscriptions",
        HOUSEHOLD_X_ONLY,
    ),
    (
        "POST",
        "/v1/households/{household}/subscriptions/{subscription}/skip",
        HOUSEHOLD_X_ONLY,
    ),
    (
        "POST",
        "/v1/households/{household}/subscriptions/{subscription}/pause",
        HOUSEHOLD_X_ONLY,
    ),
    (
        "POST",
        "/v1/households/{household}/subscriptions/{subscription}/resume",
        HOUSEHOLD_X_ONLY,
    ),
    (
        "POST",
        "/v1/households/{household}/subscriptions/{subscription}/stop",
        HOUSEHOLD_X_ONLY,
    ),
    (
        "PUT",
        "/v1/households/{household}/subscriptions/{subscription}/period",
        HOUSEHOLD_X_ONLY,
    ),
    (
        "PUT",
        "/v1/households/{household}/webhook",
        HOUSEHOLD_X_ONLY,
    ),
    (
        "GET",
        "/v1/households/{household}/webhook",
        HOUSEHOLD_X_ONLY,
    ),
    (
        "DELETE",
        "/v1/households/{household}/webhook",
        HOUSEHOLD_X_ONLY,
    ),
    ("GET", "/v1/households/{household}/orders", HOUSEHOLD_X_ONLY),
    (
        "POST",
        "/v1/households/{household}/orders/{order}/approve",
        HOUSEHOLD_X_ONLY,
    ),
    (
        "POST",
        "/v1/households/{household}/orders/{order}/decline",
        HOUSEHOLD_X_ONLY,
    ),
    (
        "POST",
        "/v1/households/{household}/orders/{order}/cancel",
        HOUSEHOLD_X_ONLY,
    ),
];

/// The world every cell starts from, and its principals' tokens.
struct World {
    service: Service,
    /// Tokens per column (`None` for nobody).
    tokens: [Option<String>; 6],
    decision: String,
    asked_order: String,
    placed_order: String,
    /// X's subscription (to brand A).
    subscription: String,
    policy: Value,
    bounds: Value,
    x: Value,
    /// Brand A's spare tokens, one per call that may revoke one.
    spares: Vec<String>,
    next_spare: std::cell::Cell<usize>,
}

async fn world(artifacts: &Path) -> World {
    let s = service_sharing(artifacts).await;
    let dairy = Sample::named("dairy").unwrap();
    let mut brand_tokens = Vec::new();
    // Brand B asks twice A's prices: A wins, so its orders are A's to act on.
    let mut dearer: serde_json::Map<String, Value> =
        serde_json::from_str(dairy.catalog_json).unwrap();
    for (key, value) in dearer.iter_mut() {
        if key.contains("price") {
            *value = json!(value.as_u64().unwrap() * 2);
        }
    }
    let dearer = serde_json::to_string(&dearer).unwrap();
    for (id, catalog) in [
        ("brand-a", dairy.catalog_json),
        ("brand-b", dearer.as_str()),
    ] {
        let created = s.platform.create_brand(id, id).await.unwrap();
        brand_tokens.push(created.token);
        for _version in 0..2 {
            s.platform
                .upload_plugin(
                    id,
                    vitrine_service::platform::Upload {
                        wasm: dairy.wasm,
                        catalog_json: Some(catalog),
                        enable: true,
                    },
                )
                .await
                .unwrap();
        }
    }
    let x = s.family("house-x").await;
    let y = s.family("house-y").await;
    // X: two orders asked (the family's mandate asks before a first order
    // from a new brand); the first approved, so it can be cancelled.
    let mut orders = Vec::new();
    for need in ["need-placed", "need-asked"] {
        let (status, decision, _) = s
            .call(
                "POST",
                "/v1/households/house-x/decisions",
                Some(&x),
                json_body(&milk_need("house-x", need)),
            )
            .await;
        assert_eq!(status, StatusCode::CREATED, "{decision}");
        assert_eq!(decision["placement"]["decision"], "awaiting_approval");
        orders.push(decision);
    }
    let placed = orders.remove(0);
    let asked = orders.remove(0);
    let placed_order = placed["placement"]["order"]["id"].as_str().unwrap();
    let (status, approved, _) = s
        .call(
            "POST",
            &format!("/v1/households/house-x/orders/{placed_order}/approve"),
            Some(&x),
            None,
        )
        .await;
    assert_eq!(status, StatusCode::OK, "{approved}");
    // X subscribes to brand A (as if A had accepted a subscription order).
    let mut won: vitrine_core::mandate::Order = serde_json::from_value(approved.clone()).unwrap();
    won.subscription = Some(vitrine_core::mandate::subscription::SubscriptionTerms {
        period_days: 7,
        cancel_anytime: true,
    });
    let subscription =
        vitrine_core::mandate::subscription::Subscription::start(&won, 90, s.platform.now())
            .unwrap();
    let mut tx = s.platform.store().begin().await.unwrap();
    tx.upsert_subscription(&subscription, s.platform.now())
        .await
        .unwrap();
    tx.commit().await.unwrap();
    // X has a webhook (so it can be removed).
    let (status, hook, _) = s
        .call(
            "PUT",
            "/v1/households/house-x/webhook",
            Some(&x),
            json_body(&json!({"url": "https://93.184.216.34/vitrine"})),
        )
        .await;
    assert_eq!(status, StatusCode::OK, "{hook}");
    let (_, policy, _) = s.call("GET", "/v1/policy", Some(OPERATOR), None).await;
    let (_, bounds, _) = s
        .call("GET", "/v1/policy/bounds", Some(OPERATOR), None)
        .await;
    let (_, x_export, _) = s
        .call("GET", "/v1/households/house-x", Some(&x), None)
        .await;
    let [a, b] = <[String; 2]>::try_from(brand_tokens).unwrap();
    let mut spares = Vec::new();
    for _ in 0..6 {
        let issued = s
            .platform
            .issue_token(&vitrine_store::tokens::Principal::Brand("brand-a".into()))
            .await
            .unwrap();
        spares.push(issued.token);
    }
    World {
        spares,
        next_spare: std::cell::Cell::new(0),
        tokens: [
            None,
            Some(OPERATOR.to_owned()),
            Some(a),
            Some(b),
            Some(x),
            Some(y),
        ],
        decision: placed["id"].as_str().unwrap().to_owned(),
        placed_order: placed["placement"]["order"]["id"]
            .as_str()
            .unwrap()
            .to_owned(),
        subscription: subscription.id.clone(),
        asked_order: asked["placement"]["order"]["id"]
            .as_str()
            .unwrap()
            .to_owned(),
        policy,
        bounds,
        x: x_export,
        service: {
            // The next morning: the day the brands were created is over
            // (its report can be issued), orders are still in their windows.
            s.clock
                .set(vitrine_types::time::Timestamp::at(today().plus(1), 9));
            s
        },
    }
}

/// Puts X's placed order (brand A's) where `action` applies: final (past
/// its cancel window), and accepted for shipping, delivering or failing.
async fn fulfilment_ready(w: &World, action: &str) {
    let s = &w.service;
    s.clock
        .set(vitrine_types::time::Timestamp::at(today().plus(2), 9));
    s.platform.dispatch_due().await.unwrap();
    if matches!(action, "ship" | "deliver" | "fail") {
        s.platform
            .fulfil(
                "brand-a",
                &w.placed_order,
                vitrine_core::mandate::fulfilment::Fulfil::Accept,
                &vitrine_store::tokens::Principal::Brand("brand-a".into()),
            )
            .await
            .unwrap();
    }
}

/// The concrete path and a body that succeeds for a permitted caller.
fn request(w: &World, method: &str, template: &str) -> (String, Option<Body>) {
    let order =
        if template.ends_with("/cancel") || template.starts_with("/v1/brands/{brand}/orders/") {
            &w.placed_order
        } else {
            &w.asked_order
        };
    let day = today().date().to_string();
    let spare = w.next_spare.get();
    let brand_a_token = if template.contains("{token}") {
        w.next_spare.set(spare + 1);
        vitrine_store::tokens::token_id(&w.spares[spare % w.spares.len()])
    } else {
        String::new()
    };
    let path = template
        .replace("{brand}", "brand-a")
        .replace("{household}", "house-x")
        .replace("{version}", "1")
        .replace("{day}", &day)
        .replace("{token}", &brand_a_token)
        .replace("{decision}", &w.decision)
        .replace("{subscription}", &w.subscription)
        .replace("{order}", order);
    let x = &w.x["household"];
    let body = match (method, template) {
        ("POST", "/v1/brands") => json_body(&json!({"id": "brand-new", "name": "New"})),
        ("POST", "/v1/brands/{brand}/plugins") => {
            // Stored for the operator to enable (a brand may not make it
            // live: a test in api.rs).
            Some(Body::from(Sample::named("dairy").unwrap().wasm.to_vec()))
        }
        ("PUT", "/v1/brands/{brand}/plugins/{version}/limits") => {
            json_body(&json!({"fuel": 1_000_000}))
        }
        ("PUT", "/v1/brands/{brand}/plugins/{version}/catalog") => {
            json_body(&serde_json::from_str(Sample::named("dairy").unwrap().catalog_json).unwrap())
        }
        ("PUT", "/v1/policy") => json_body(&w.policy),
        ("PUT", "/v1/policy/bounds") => json_body(&w.bounds),
        ("POST", "/v1/tokens") => json_body(&json!({"role": "brand", "id": "brand-a"})),
        ("POST", "/v1/households") => {
            let mut resident = family("house-new", 2);
            resident.warm_up(demo_start(), 3);
            json_body(&serde_json::to_value(&resident.household).unwrap())
        }
        ("POST", "/v1/households/{household}/events") => json_body(&json!({"consumption": []})),
        ("PUT", "/v1/households/{household}/calendar") => json_body(&x["calendar"]),
        ("POST", "/v1/households/{household}/signals") => json_body(&json!([])),
        ("PUT", "/v1/households/{household}/preferences") => json_body(&x["preferences"]),
        ("PUT", "/v1/households/{household}/consents") => json_body(&x["consents"]),
        ("PUT", "/v1/households/{household}/mandates") => json_body(&x["mandates"]),
        ("POST", "/v1/households/{household}/decisions") => {
            json_body(&milk_need("house-x", "need-new"))
        }
        (
            "POST",
            "/v1/brands/{brand}/orders/{order}/refuse" | "/v1/brands/{brand}/orders/{order}/fail",
        ) => json_body(&json!({"reason": "out_of_stock", "message": "none left"})),
        ("POST", "/v1/brands/{brand}/orders/{order}/ship") => {
            json_body(&json!({"carrier": "La Poste", "reference": "6A123"}))
        }
        ("POST", "/v1/brands/{brand}/orders/{order}/deliver") => json_body(&json!({})),
        // A public address literal: no name to resolve.
        ("PUT", "/v1/households/{household}/subscriptions/{subscription}/period") => {
            json_body(&json!({"period_days": 10}))
        }
        ("PUT", "/v1/households/{household}/webhook") => {
            json_body(&json!({"url": "https://93.184.216.34/vitrine"}))
        }
        ("PUT", "/v1/households/{household}/delivery") => json_body(
            &json!({"name": "Martin", "line": "3 rue Bossuet", "postal_code": "69006", "city": "Lyon"}),
        ),
        _ => None,
    };
    (path, body)
}

fn symbol(e: Expect) -> &'static str {
    match e {
        Y => "✓",
        U => "401",
        F => "403",
        N => "404",
    }
}

/// The table as it appears in docs/SECURITY.md.
fn rendered() -> String {
    let mut t = format!(
        "| endpoint | {} |\n| --- |{}\n",
        WHO.join(" | "),
        " :---: |".repeat(6)
    );
    for (method, path, row) in MATRIX {
        let cells: Vec<&str> = row.iter().copied().map(symbol).collect();
        t.push_str(&format!("| `{method} {path}` | {} |\n", cells.join(" | ")));
    }
    t
}

#[test]
fn the_matrix_covers_every_route_the_api_serves() {
    let mut served: Vec<(&str, &str)> = ROUTES.iter().map(|r| (r.method, r.path)).collect();
    let mut tested: Vec<(&str, &str)> = MATRIX.iter().map(|(m, p, _)| (*m, *p)).collect();
    served.sort();
    tested.sort();
    assert_eq!(tested, served, "every route needs one row in MATRIX");
}

#[test]
fn security_doc_shows_the_tested_matrix() {
    let doc_path = Path::new(env!("CARGO_MANIFEST_DIR")).join("../docs/SECURITY.md");
    let doc = std::fs::read_to_string(&doc_path).expect("docs/SECURITY.md");
    let (open, close) = ("<!-- authz-matrix -->", "<!-- /authz-matrix -->");
    let start = doc.find(open).expect("the matrix markers") + open.len();
    let end = doc.find(close).expect("the closing marker");
    let expected = format!("\n{}", rendered());
    if doc[start..end] != expected {
        if std::env::var_os("VITRINE_UPDATE_DOCS").is_some() {
            let updated = format!("{}{}{}", &doc[..start], expected, &doc[end..]);
            std::fs::write(&doc_path, updated).unwrap();
        } else {
            panic!(
                "docs/SECURITY.md's matrix differs from the tested one; run with VITRINE_UPDATE_DOCS=1 to rewrite it"
            );
        }
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn every_endpoint_answers_every_principal_as_the_matrix_says() {
    let artifacts = tempfile::tempdir().unwrap();
    let mut failures = Vec::new();
    for (method, template, row) in MATRIX {
        // Denied callers first: they must change nothing, so the permitted
        // ones that follow still find the world as it was set up; a fresh
        // world per route keeps routes from affecting one another.
        let w = world(artifacts.path()).await;
        if let Some(action) = template.strip_prefix("/v1/brands/{brand}/orders/{order}/") {
            fulfilment_ready(&w, action).await;
        }
        if template.ends_with("/resume") {
            // Only a paused subscription resumes.
            w.service
                .platform
                .subscription_action(
                    "house-x",
                    &w.subscription,
                    vitrine_core::mandate::subscription::SubscriptionAction::Pause,
                    &vitrine_store::tokens::Principal::Household("house-x".into()),
                )
                .await
                .unwrap();
        }
        let mut order: Vec<usize> = (0..6).collect();
        order.sort_by_key(|&i| row[i] == Y);
        for who in order {
            if template.ends_with("/rollback") {
                // Each permitted caller rolls back from version 2.
                let (status, _, _) = w
                    .service
                    .call(
                        "POST",
                        "/v1/brands/brand-a/plugins/2/enable",
                        Some(OPERATOR),
                        None,
                    )
                    .await;
                assert!(status.is_success());
            }
            let (path, body) = request(&w, method, template);
            let token = w.tokens[who].as_deref();
            let (status, answer, _) = w.service.call(method, &path, token, body).await;
            let ok = match row[who] {
                Y => status.is_success(),
                U => {
                    status == StatusCode::UNAUTHORIZED && answer["error"]["code"] == "unauthorized"
                }
                F => status == StatusCode::FORBIDDEN && answer["error"]["code"] == "forbidden",
                N => status == StatusCode::NOT_FOUND && answer["error"]["code"] == "not_found",
            };
            if !ok {
                failures.push(format!(
                    "{method} {template} as {}: expected {}, got {status} {answer}",
                    WHO[who],
                    symbol(row[who])
                ));
            }
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_caller_without_the_right_is_refused_before_its_body_is_read() {
    let artifacts = tempfile::tempdir().unwrap();
    let w = world(artifacts.path()).await;
    for (method, template, row) in MATRIX {
        if *method == "GET" {
            continue;
        }
        let (path, _) = request(&w, method, template);
        for who in 0..6 {
            if row[who] == Y {
                continue;
            }
            let garbage = Some(Body::from("{not json"));
            let token = w.tokens[who].as_deref();
            let (status, answer, _) = w.service.call(method, &path, token, garbage).await;
            let expected = match row[who] {
                U => StatusCode::UNAUTHORIZED,
                N => StatusCode::NOT_FOUND,
                _ => StatusCode::FORBIDDEN,
            };
            assert_eq!(
                status, expected,
                "{method} {template} as {} with a malformed body: {answer}",
                WHO[who]
            );
        }
    }
}
