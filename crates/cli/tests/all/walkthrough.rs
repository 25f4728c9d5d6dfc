//! The README's walkthrough, against a real `vitrine serve`: the operator
//! creates a brand, uploads its plugin, gives the version its catalog and
//! enables it; creates a household from `examples/households/couple.json`;
//! the household posts a fortnight of events, has its needs evaluated,
//! decides one, reads the decision, its orders and its export; the brand
//! reads its plugins' health. Every answer is checked against the schema
//! the OpenAPI document gives for that route and status, so a client
//! generated from the document reads what the server sends.

use std::path::{Path, PathBuf};

use reqwest::Method;
use serde_json::{Value, json};
use vitrine_sim::samples::Sample;
use vitrine_testkit::server::{Server, TOKEN};
use vitrine_types::time::Timestamp;

fn repo() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../..")
}

fn example(path: &str) -> Value {
    let text = std::fs::read_to_string(repo().join(path)).unwrap();
    serde_json::from_str(&text).unwrap()
}

/// The OpenAPI document, and calls checked against it.
struct Client {
    http: reqwest::Client,
    base: String,
    doc: Value,
}

impl Client {
    /// The validator of what `method template` answers with `status`.
    fn validator(&self, method: &str, template: &str, status: u16) -> jsonschema::Validator {
        let operation = &self.doc["paths"][template][method.to_lowercase()];
        let schema =
            &operation["responses"][status.to_string()]["content"]["application/json"]["schema"];
        assert!(
            schema.is_object(),
            "{method} {template} documents no JSON schema for {status}"
        );
        let mut root = schema.clone();
        root["components"] = self.doc["components"].clone();
        jsonschema::draft202012::new(&root)
            .unwrap_or_else(|e| panic!("{method} {template}: the schema does not compile: {e}"))
    }

    /// Calls `method path` as `token` and checks the status is `expect` and
    /// the body conforms to the document's schema for that response.
    async fn call(
        &self,
        method: &str,
        template: &str,
        path: &str,
        token: &str,
        body: Option<Body>,
        expect: u16,
    ) -> Value {
        let mut request = self
            .http
            .request(
                Method::from_bytes(method.as_bytes()).unwrap(),
                format!("{}{path}", self.base),
            )
            .bearer_auth(token);
        match body {
            Some(Body::Json(value)) => request = request.json(&value),
            Some(Body::Bytes(bytes)) => request = request.body(bytes),
            None => {}
        }
        let response = request.send().await.unwrap();
        let status = response.status().as_u16();
        let value: Value = response.json().await.unwrap_or(Value::Null);
        assert_eq!(status, expect, "{method} {path}: {value}");
        let validator = self.validator(method, template, status);
        let errors: Vec<String> = validator
            .iter_errors(&value)
            .map(|e| format!("{} at {}", e, e.instance_path()))
            .collect();
        assert!(
            errors.is_empty(),
            "{method} {path} answered outside its documented schema:\n{}\n{value:#}",
            errors.join("\n")
        );
        value
    }
}

enum Body {
    Json(Value),
    Bytes(Vec<u8>),
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_readme_walkthrough_works_and_every_answer_matches_the_openapi_document() {
    let readme = std::fs::read_to_string(repo().join("README.md")).unwrap();
    for file in [
        "examples/catalogs/dairy.json",
        "examples/households/couple.json",
    ] {
        assert!(
            readme.contains(file),
            "the README's walkthrough uses {file}"
        );
    }
    let dir = tempfile::tempdir().unwrap();
    let server = Server::start(crate::exe(), dir.path().join("v.db"), &[]);
    let http = reqwest::Client::new();
    let doc: Value = http
        .get(format!("{}/v1/openapi.json", server.base))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let c = Client {
        http,
        base: server.base.clone(),
        doc,
    };

    // The check can fail: a decision's schema refuses what is not one.
    let decision_schema = c.validator(
        "GET",
        "/v1/households/{household}/decisions/{decision}",
        200,
    );
    assert!(!decision_schema.is_valid(&json!({})));
    assert!(!decision_schema.is_valid(&json!({"id": 1})));

    // The operator puts a brand live.
    let brand = c
        .call(
            "POST",
            "/v1/brands",
            "/v1/brands",
            TOKEN,
            Some(Body::Json(json!({"id": "dairy", "name": "Laiterie"}))),
            201,
        )
        .await;
    let brand_token = brand["token"].as_str().unwrap().to_owned();
    let wasm = Sample::named("dairy").unwrap().wasm.to_vec();
    let version = c
        .call(
            "POST",
            "/v1/brands/{brand}/plugins",
            "/v1/brands/dairy/plugins",
            TOKEN,
            Some(Body::Bytes(wasm)),
            201,
        )
        .await;
    assert_eq!(version["version"], 1, "{version}");
    c.call(
        "PUT",
        "/v1/brands/{brand}/plugins/{version}/catalog",
        "/v1/brands/dairy/plugins/1/catalog",
        TOKEN,
        Some(Body::Json(example("examples/catalogs/dairy.json"))),
        200,
    )
    .await;
    c.call(
        "POST",
        "/v1/brands/{brand}/plugins/{version}/enable",
        "/v1/brands/dairy/plugins/1/enable",
        TOKEN,
        None,
        200,
    )
    .await;
    c.call("GET", "/healthz", "/healthz", TOKEN, None, 200)
        .await;

    // The operator creates the household; it gets its own token.
    let household = c
        .call(
            "POST",
            "/v1/households",
            "/v1/households",
            TOKEN,
            Some(Body::Json(example("examples/households/couple.json"))),
            201,
        )
        .await;
    let token = household["token"].as_str().unwrap().to_owned();

    // A fortnight of milk, a litre a day, and half a litre left this morning.
    let now = Timestamp::now().0;
    let day = 86_400;
    let consumption: Vec<Value> = (1..=14)
        .map(|d| json!({"category": "food/dairy/milk", "amount": 1000, "unit": "millilitre", "at": now - d * day}))
        .collect();
    let events = json!({
        "consumption": consumption,
        "inventory": [{"category": "food/dairy/milk", "amount": 500, "unit": "millilitre", "at": now - 3600}],
    });
    let added = c
        .call(
            "POST",
            "/v1/households/{household}/events",
            "/v1/households/couple/events",
            &token,
            Some(Body::Json(events)),
            200,
        )
        .await;
    assert_eq!(added["added"], 15);

    let needs = c
        .call(
            "POST",
            "/v1/households/{household}/needs/evaluate",
            "/v1/households/couple/needs/evaluate",
            &token,
            None,
            200,
        )
        .await;
    let need = needs
        .as_array()
        .unwrap()
        .iter()
        .find(|n| n["category"] == "food/dairy/milk")
        .unwrap_or_else(|| panic!("no milk need raised: {needs}"));
    let decision = c
        .call(
            "POST",
            "/v1/households/{household}/decisions",
            "/v1/households/couple/decisions",
            &token,
            Some(Body::Json(json!({"need_id": need["id"]}))),
            201,
        )
        .await;
    assert_eq!(
        decision["explanation"]["winner"]["brand"], "dairy",
        "{decision:#}"
    );
    // The mandate asks before a first order from a new brand: the
    // household approves it.
    assert_eq!(
        decision["explanation"]["mandate"]["decision"], "awaiting_approval",
        "{decision:#}"
    );
    let order = decision["placement"]["order"]["id"].as_str().unwrap();
    let approved = c
        .call(
            "POST",
            "/v1/households/{household}/orders/{order}/approve",
            &format!("/v1/households/couple/orders/{order}/approve"),
            &token,
            None,
            200,
        )
        .await;
    assert_eq!(approved["status"], "placed", "{approved}");
    let id = decision["id"].as_str().unwrap();
    c.call(
        "GET",
        "/v1/households/{household}/decisions/{decision}",
        &format!("/v1/households/couple/decisions/{id}"),
        &token,
        None,
        200,
    )
    .await;
    c.call(
        "GET",
        "/v1/households/{household}/decisions",
        "/v1/households/couple/decisions",
        &token,
        None,
        200,
    )
    .await;
    c.call(
        "GET",
        "/v1/households/{household}/needs",
        "/v1/households/couple/needs",
        &token,
        None,
        200,
    )
    .await;
    let orders = c
        .call(
            "GET",
            "/v1/households/{household}/orders",
            "/v1/households/couple/orders",
            &token,
            None,
            200,
        )
        .await;
    assert_eq!(orders.as_array().unwrap().len(), 1, "{orders}");
    c.call(
        "GET",
        "/v1/households/{household}",
        "/v1/households/couple",
        &token,
        None,
        200,
    )
    .await;

    // The brand reads its plugin's health and its final orders.
    c.call(
        "GET",
        "/v1/brands/{brand}/plugins",
        "/v1/brands/dairy/plugins",
        &brand_token,
        None,
        200,
    )
    .await;
    c.call(
        "GET",
        "/v1/brands/{brand}/orders",
        "/v1/brands/dairy/orders",
        &brand_token,
        None,
        200,
    )
    .await;
    let audit = c
        .call("GET", "/v1/audit", "/v1/audit", TOKEN, None, 200)
        .await;
    assert_eq!(audit["chain"]["verified"], true, "{audit}");
    drop(server);
}
