//! The API's routes as data: method, path, who may call it, what it does.
//! The OpenAPI document is rendered from this table, and a test checks the
//! router answers every row (so the document cannot drift from the code).

use serde_json::{Value, json};

/// Who may call a route.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Access {
    /// Anyone (no token).
    Public,
    /// The operator.
    Operator,
    /// The operator, or the brand named in the path.
    OperatorOrOwnBrand,
    /// The brand named in the path.
    OwnBrand,
    /// The household named in the path.
    OwnHousehold,
    /// Any valid token, acting on what is its own.
    AnyToken,
}

impl Access {
    /// As written in the documentation.
    pub fn describe(self) -> &'static str {
        match self {
            Access::Public => "anyone",
            Access::Operator => "operator",
            Access::OperatorOrOwnBrand => "operator, or the brand itself",
            Access::OwnBrand => "the brand itself",
            Access::OwnHousehold => "the household itself",
            Access::AnyToken => "any token, on its own tokens (the operator on any)",
        }
    }
}

/// The JSON Schema of a body type, as a reference into the OpenAPI
/// document's components (its definitions are added to `generator`).
pub type SchemaOf = fn(&mut schemars::SchemaGenerator) -> schemars::Schema;

/// What a route takes as its body.
#[derive(Debug, Clone, Copy)]
pub enum Body {
    /// Nothing.
    None,
    /// JSON, described by the text, of the type whose schema is given.
    Json(&'static str, SchemaOf),
    /// A wasm component's bytes.
    Wasm,
}

impl Body {
    fn is_none(&self) -> bool {
        matches!(self, Body::None)
    }
}

fn schema<T: schemars::JsonSchema>(generator: &mut schemars::SchemaGenerator) -> schemars::Schema {
    generator.subschema_for::<T>()
}

/// One route.
#[derive(Debug, Clone, Copy)]
pub struct Route {
    /// `GET`, `POST`, `PUT`, `DELETE`.
    pub method: &'static str,
    /// The path, parameters in braces.
    pub path: &'static str,
    /// Who may call it.
    pub access: Access,
    /// What it does.
    pub summary: &'static str,
    /// Its body.
    pub body: Body,
    /// Whether it honours `Idempotency-Key`.
    pub idempotent: bool,
}

const fn r(
    method: &'static str,
    path: &'static str,
    access: Access,
    summary: &'static str,
    body: Body,
) -> Route {
    Route {
        method,
        path,
        access,
        summary,
        body,
        idempotent: false,
    }
}

const fn idem(route: Route) -> Route {
    Route {
        idempotent: true,
        ..route
    }
}

/// Every route.
pub const ROUTES: &[Route] = {
    use Access::*;
    use Body::{Json, None as NoBody, Wasm};
    &[
        r(
            "GET",
            "/healthz",
            Public,
            "Liveness and database check.",
            NoBody,
        ),
        r("GET", "/metrics", Operator, "Prometheus metrics.", NoBody),
        r("GET", "/v1/openapi.json", Public, "This document.", NoBody),
        r(
            "POST",
            "/v1/brands",
            Operator,
            "Create a brand; returns its token once.",
            Json(
                "{\"id\": string, \"name\": string}",
                schema::<crate::api::operator::NewBrand>,
            ),
        ),
        r("GET", "/v1/brands", Operator, "List brands.", NoBody),
        r(
            "POST",
            "/v1/brands/{brand}/plugins",
            Operator,
            "Upload a plugin version (checked like `vitrine plugin check`); `?enable=true` makes it live.",
            Wasm,
        ),
        r(
            "GET",
            "/v1/brands/{brand}/plugins",
            OperatorOrOwnBrand,
            "The brand's plugin versions and the live one's health in words (exact call counts: operator only).",
            NoBody,
        ),
        r(
            "POST",
            "/v1/brands/{brand}/plugins/{version}/enable",
            Operator,
            "Make this version live.",
            NoBody,
        ),
        r(
            "PUT",
            "/v1/brands/{brand}/plugins/{version}/limits",
            Operator,
            "Tighten this version's limits.",
            Json(
                "{\"fuel\"?: int, \"deadline_ms\"?: int, \"memory_bytes\"?: int}",
                schema::<vitrine_runtime::PluginLimits>,
            ),
        ),
        r(
            "PUT",
            "/v1/brands/{brand}/plugins/{version}/catalog",
            OperatorOrOwnBrand,
            "Replace this version's catalog (prices).",
            Json(
                "catalog: object of scalars",
                schema::<serde_json::Map<String, Value>>,
            ),
        ),
        r(
            "POST",
            "/v1/brands/{brand}/disable",
            Operator,
            "Take the brand out of auctions.",
            NoBody,
        ),
        r(
            "POST",
            "/v1/brands/{brand}/rollback",
            Operator,
            "Make the previous version live.",
            NoBody,
        ),
        r(
            "GET",
            "/v1/brands/{brand}/orders",
            OwnBrand,
            "Orders the brand won that are final (past their cancel window), households by pseudonym.",
            NoBody,
        ),
        r(
            "GET",
            "/v1/brands/{brand}/audit",
            OperatorOrOwnBrand,
            "The audit of the brand's own changes (uploads, catalog changes, reports issued).",
            NoBody,
        ),
        r(
            "GET",
            "/v1/brands/{brand}/reports/{day}",
            OwnBrand,
            "The brand's private daily report (YYYY-MM-DD, a day that has ended).",
            NoBody,
        ),
        r(
            "GET",
            "/v1/tokens",
            AnyToken,
            "Tokens by id (never the tokens): the caller's own, or every one for the operator.",
            NoBody,
        ),
        r(
            "POST",
            "/v1/tokens",
            Operator,
            "Issue a token for a brand or a household (shown once).",
            Json(
                "{\"role\": \"brand\"|\"household\"|\"operator\", \"id\"?: string}",
                schema::<crate::api::tokens::NewToken>,
            ),
        ),
        r(
            "POST",
            "/v1/tokens/rotate",
            AnyToken,
            "Replace the caller's token with a new one (shown once); the old one stops working.",
            NoBody,
        ),
        r(
            "POST",
            "/v1/tokens/{token}/revoke",
            AnyToken,
            "Revoke a token by id: the caller's own, or any for the operator.",
            NoBody,
        ),
        r(
            "GET",
            "/v1/policy",
            Operator,
            "The data-sharing policy.",
            NoBody,
        ),
        r(
            "PUT",
            "/v1/policy",
            Operator,
            "Replace the data-sharing policy.",
            Json(
                "SharingPolicy",
                schema::<vitrine_core::minimiser::SharingPolicy>,
            ),
        ),
        r(
            "GET",
            "/v1/policy/bounds",
            Operator,
            "The bounds on orders and claims per category: caps, reserves, what unverifiable qualities may be worth.",
            NoBody,
        ),
        r(
            "PUT",
            "/v1/policy/bounds",
            Operator,
            "Replace the bounds per category.",
            Json(
                "BoundsPolicy",
                schema::<vitrine_core::auction::BoundsPolicy>,
            ),
        ),
        r(
            "GET",
            "/v1/audit",
            Operator,
            "Audit entries (`?after=SEQ&limit=N`) and whether the chain verifies.",
            NoBody,
        ),
        r(
            "POST",
            "/v1/households",
            Operator,
            "Create a household from its data; returns its token once.",
            Json("Household", schema::<vitrine_core::household::Household>),
        ),
        r(
            "GET",
            "/v1/households/{household}",
            OwnHousehold,
            "Export everything stored about the household.",
            NoBody,
        ),
        r(
            "DELETE",
            "/v1/households/{household}",
            OwnHousehold,
            "Erase the household's data (the audit log keeps pseudonymous entries).",
            NoBody,
        ),
        r(
            "POST",
            "/v1/households/{household}/events",
            OwnHousehold,
            "Add consumption events, inventory readings, purchases.",
            Json(
                "{\"consumption\"?: [..], \"inventory\"?: [..], \"purchases\"?: [..]}",
                schema::<crate::api::household::Events>,
            ),
        ),
        r(
            "PUT",
            "/v1/households/{household}/calendar",
            OwnHousehold,
            "Replace calendar facts.",
            Json("Calendar", schema::<vitrine_core::household::Calendar>),
        ),
        r(
            "POST",
            "/v1/households/{household}/signals",
            OwnHousehold,
            "Add context signals (refused without consent).",
            Json(
                "[ContextSignal]",
                schema::<Vec<vitrine_core::household::ContextSignal>>,
            ),
        ),
        r(
            "PUT",
            "/v1/households/{household}/preferences",
            OwnHousehold,
            "Replace preferences.",
            Json(
                "Preferences",
                schema::<vitrine_core::household::Preferences>,
            ),
        ),
        r(
            "PUT",
            "/v1/households/{household}/consents",
            OwnHousehold,
            "Replace consents (withdrawing signals erases them).",
            Json("[DataField]", schema::<vitrine_core::household::Consents>),
        ),
        r(
            "PUT",
            "/v1/households/{household}/mandates",
            OwnHousehold,
            "Replace mandates.",
            Json("[Mandate]", schema::<Vec<vitrine_core::mandate::Mandate>>),
        ),
        r(
            "GET",
            "/v1/households/{household}/needs",
            OwnHousehold,
            "Needs raised, with reasons and decisions.",
            NoBody,
        ),
        r(
            "POST",
            "/v1/households/{household}/needs/evaluate",
            OwnHousehold,
            "Run the needs engine now; returns the needs raised.",
            NoBody,
        ),
        r(
            "GET",
            "/v1/households/{household}/decisions",
            OwnHousehold,
            "Decisions with explanations, newest first (`?limit=N`).",
            NoBody,
        ),
        idem(r(
            "POST",
            "/v1/households/{household}/decisions",
            OwnHousehold,
            "Decide a need now.",
            Json(
                "{\"need_id\": string} or {\"need\": Need}",
                schema::<crate::platform::NeedRef>,
            ),
        )),
        r(
            "GET",
            "/v1/households/{household}/decisions/{decision}",
            OwnHousehold,
            "One decision with its explanation.",
            NoBody,
        ),
        r(
            "GET",
            "/v1/households/{household}/orders",
            OwnHousehold,
            "Orders.",
            NoBody,
        ),
        idem(r(
            "POST",
            "/v1/households/{household}/orders/{order}/approve",
            OwnHousehold,
            "Approve an order that was asked.",
            NoBody,
        )),
        idem(r(
            "POST",
            "/v1/households/{household}/orders/{order}/decline",
            OwnHousehold,
            "Decline an order that was asked.",
            NoBody,
        )),
        idem(r(
            "POST",
            "/v1/households/{household}/orders/{order}/cancel",
            OwnHousehold,
            "Cancel a placed order inside its window.",
            NoBody,
        )),
    ]
};

fn error_response(description: &str) -> Value {
    json!({
        "description": description,
        "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Error"}}}
    })
}

/// The row for `method` on the route template `path` (as axum matched it).
pub fn find(method: &str, path: &str) -> Option<&'static Route> {
    ROUTES.iter().find(|r| r.method == method && r.path == path)
}

/// The statuses a route answers with, and why, in the OpenAPI document
/// (a test calls every route and checks each status it sees is listed,
/// and CI runs schemathesis against `vitrine serve` to check the same).
fn responses(route: &Route) -> serde_json::Map<String, Value> {
    let mut responses = serde_json::Map::new();
    let json_ok = |description: &str| {
        json!({"description": description,
               "content": {"application/json": {"schema": {}}}})
    };
    match (route.method, route.path) {
        ("GET", "/metrics") => {
            responses.insert(
                "200".into(),
                json!({"description": "Prometheus text format.",
                       "content": {"text/plain": {"schema": {"type": "string"}}}}),
            );
        }
        ("GET", "/healthz") => {
            responses.insert(
                "200".into(),
                json_ok("The database answers and the needs cycle runs."),
            );
            responses.insert(
                "503".into(),
                error_response("The database does not answer, or the needs cycle has stalled."),
            );
        }
        ("POST", _) => {
            responses.insert("200".into(), json_ok("Done."));
            responses.insert("201".into(), json_ok("Created."));
        }
        _ => {
            responses.insert("200".into(), json_ok("OK."));
        }
    }
    responses.insert(
        "400".into(),
        error_response("A malformed path, query or body (not JSON)."),
    );
    responses.insert(
        "404".into(),
        error_response("No such resource (or not the caller's)."),
    );
    responses.insert(
        "429".into(),
        error_response("The token is over its rate; see Retry-After."),
    );
    if route.access != Access::Public {
        responses.insert("401".into(), error_response("No valid token."));
        responses.insert(
            "403".into(),
            error_response("The token may not act on this resource."),
        );
    }
    if route.method != "GET" || route.path.contains("{day}") {
        responses.insert(
            "409".into(),
            error_response("The state does not allow it (already done, too late, not yet)."),
        );
        responses.insert(
            "422".into(),
            error_response("Well-formed but refused: a field out of its range (named in `field`), a bad plugin."),
        );
    }
    if !route.body.is_none() {
        responses.insert("413".into(), error_response("Body over the limit."));
    }
    responses
}

/// The OpenAPI 3.1 document. Request bodies' schemas are derived from the
/// same serde types the API reads (`schemars`), ranges included.
pub fn openapi() -> Value {
    let settings = schemars::generate::SchemaSettings::draft2020_12().with(|s| {
        s.definitions_path = "/components/schemas".into();
    });
    let mut generator = settings.into_generator();
    let mut paths = serde_json::Map::new();
    for route in ROUTES {
        let params: Vec<Value> = route
            .path
            .split('/')
            .filter_map(|seg| seg.strip_prefix('{').and_then(|s| s.strip_suffix('}')))
            .map(|name| json!({"name": name, "in": "path", "required": true, "schema": {"type": "string"}}))
            .chain(route.idempotent.then(|| {
                json!({"name": "Idempotency-Key", "in": "header", "required": false,
                       "description": "Retries with the same key and request get the first answer.",
                       "schema": {"type": "string", "minLength": 1, "maxLength": 255}})
            }))
            .collect();
        let mut op = json!({
            "summary": route.summary,
            "description": format!("Who may call it: {}.", route.access.describe()),
            "parameters": params,
            "responses": responses(route),
        });
        if route.access != Access::Public {
            op["security"] = json!([{"bearer": []}]);
        }
        match route.body {
            Body::None => {}
            Body::Json(shape, schema) => {
                let schema = schema(&mut generator);
                op["requestBody"] = json!({"required": true, "description": shape,
                    "content": {"application/json": {"schema": schema}}});
            }
            Body::Wasm => {
                op["requestBody"] = json!({"required": true, "description": "A wasm component for vitrine:brand (the bytes, whatever the content type).",
                "content": {
                    "application/wasm": {"schema": {"type": "string", "format": "binary"}},
                    "application/octet-stream": {"schema": {"type": "string", "format": "binary"}}
                }});
            }
        }
        let entry = paths
            .entry(route.path.to_owned())
            .or_insert_with(|| json!({}));
        entry[route.method.to_lowercase()] = op;
    }
    let mut schemas: serde_json::Map<String, Value> =
        generator.take_definitions(true).into_iter().collect();
    schemas.insert(
        "Error".into(),
        json!({"type": "object", "required": ["error"], "properties": {"error": {
            "type": "object", "required": ["code", "message"],
            "properties": {"code": {"type": "string"}, "message": {"type": "string"},
                           "field": {"type": "string"}}}}}),
    );
    json!({
        "openapi": "3.1.0",
        "info": {
            "title": "Vitrine",
            "version": env!("CARGO_PKG_VERSION"),
            "description": "A platform that buys on behalf of households; brands compete through sandboxed plugins. Every error is {\"error\": {\"code\", \"message\", \"field\"?}}."
        },
        "paths": paths,
        "components": {
            "securitySchemes": {"bearer": {"type": "http", "scheme": "bearer"}},
            "schemas": schemas,
        }
    })
}
