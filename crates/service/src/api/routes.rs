//! The API's routes, written once: method, path, who may call it, what it
//! takes and answers, and the handler. The router is built from this table
//! (`api::router`) and the OpenAPI document is rendered from it, so neither
//! can drift from the other; a test checks every row is served and
//! schemathesis checks the answers conform to the document.

use std::sync::Arc;

use axum::routing::{MethodFilter, MethodRouter, on};
use serde_json::{Value, json};

use super::{AppState, answers};

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
pub(crate) type SchemaOf = fn(&mut schemars::SchemaGenerator) -> schemars::Schema;

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

/// What a route answers when it succeeds.
#[derive(Debug, Clone, Copy)]
pub enum Returns {
    /// JSON of the type whose schema is given, described by the text.
    Json(&'static str, SchemaOf),
    /// Plain text (Prometheus' format).
    Text(&'static str),
}

fn schema<T: schemars::JsonSchema>(generator: &mut schemars::SchemaGenerator) -> schemars::Schema {
    generator.subschema_for::<T>()
}

/// The handler of a route, given the method it answers (the method is
/// written once, in the table).
pub(crate) type Handler = fn(MethodFilter) -> MethodRouter<Arc<AppState>>;

/// One route: the router serves it with `handler`, the OpenAPI document
/// describes it, the access check reads `access`.
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
    /// What it answers on success.
    pub returns: Returns,
    /// The status of a success: 200, or 201 for what creates a resource.
    pub status: u16,
    /// Whether it honours `Idempotency-Key`.
    pub idempotent: bool,
    /// The code that serves it.
    pub handler: Handler,
}

const fn route(
    method: &'static str,
    path: &'static str,
    access: Access,
    summary: &'static str,
    handler: Handler,
) -> Route {
    Route {
        method,
        path,
        access,
        summary,
        body: Body::None,
        returns: Returns::Json("OK.", schema::<Value>),
        status: 200,
        idempotent: false,
        handler,
    }
}

impl Route {
    const fn takes(self, body: Body) -> Route {
        Route { body, ..self }
    }

    const fn returns(self, description: &'static str, schema: SchemaOf) -> Route {
        Route {
            returns: Returns::Json(description, schema),
            ..self
        }
    }

    const fn creates(self) -> Route {
        Route {
            status: 201,
            ..self
        }
    }

    const fn idempotent(self) -> Route {
        Route {
            idempotent: true,
            ..self
        }
    }
}

/// The axum method filter for a table method (`None` for a method the
/// table should not hold; a test checks every row is served).
pub(crate) fn method_filter(method: &str) -> Option<MethodFilter> {
    Some(match method {
        "GET" => MethodFilter::GET,
        "POST" => MethodFilter::POST,
        "PUT" => MethodFilter::PUT,
        "DELETE" => MethodFilter::DELETE,
        _ => return None,
    })
}

/// Every route.
pub const ROUTES: &[Route] = {
    use super::{brand, household as hh, operator, tokens};
    use crate::platform::{self as p, Created};
    use Access::*;
    use Body::{Json, Wasm};
    use vitrine_core::{
        auction::BoundsPolicy, household as h, mandate::Mandate, minimiser::SharingPolicy,
    };
    use vitrine_store::{
        audit::AuditEntry,
        brands::{BrandRecord, PluginVersion},
        tokens::TokenRecord,
    };
    &[
        route("GET", "/healthz", Public, "Liveness and database check.", |m| on(m, super::healthz))
            .returns("The database answers and the needs cycle runs.", schema::<answers::Health>),
        Route {
            returns: Returns::Text("Prometheus text format."),
            ..route("GET", "/metrics", Operator, "Prometheus metrics.", |m| on(m, super::metrics))
        },
        route("GET", "/v1/openapi.json", Public, "This document.", |m| on(m, super::openapi))
            .returns("An OpenAPI 3.1 document.", schema::<serde_json::Map<String, Value>>),
        route("POST", "/v1/brands", Operator, "Create a brand; returns its token once.", |m| on(m, operator::create_brand))
            .takes(Json("{\"id\": string, \"name\": string}", schema::<operator::NewBrand>))
            .returns("The brand and its token (not shown again).", schema::<Created<BrandRecord>>)
            .creates(),
        route("GET", "/v1/brands", Operator, "List brands.", |m| on(m, operator::list_brands))
            .returns("Every brand.", schema::<Vec<BrandRecord>>),
        route("POST", "/v1/brands/{brand}/plugins", OperatorOrOwnBrand,
            "Upload a plugin version (checked like `vitrine plugin check`); `?enable=true` (the operator only) makes it live, otherwise it waits for the operator to enable it.",
            |m| on(m, operator::upload_plugin))
            .takes(Wasm)
            .returns("The new version.", schema::<PluginVersion>)
            .creates(),
        route("GET", "/v1/brands/{brand}/plugins", OperatorOrOwnBrand,
            "The brand's plugin versions and the live one's health in words (exact call counts: operator only).",
            |m| on(m, brand::plugins))
            .returns("Versions and health.", schema::<p::PluginStatus>),
        route("POST", "/v1/brands/{brand}/plugins/{version}/enable", Operator, "Make this version live.",
            |m| on(m, operator::enable_version))
            .returns("The version, live.", schema::<PluginVersion>),
        route("PUT", "/v1/brands/{brand}/plugins/{version}/limits", Operator, "Tighten this version's limits.",
            |m| on(m, operator::set_limits))
            .takes(Json("{\"fuel\"?: int, \"deadline_ms\"?: int, \"memory_bytes\"?: int}", schema::<vitrine_runtime::PluginLimits>))
            .returns("The version with its limits.", schema::<PluginVersion>),
        route("PUT", "/v1/brands/{brand}/plugins/{version}/catalog", OperatorOrOwnBrand,
            "Replace this version's catalog (prices).", |m| on(m, operator::set_catalog))
            .takes(Json("catalog: object of scalars", schema::<serde_json::Map<String, Value>>))
            .returns("The version with its new catalog's hash.", schema::<PluginVersion>),
        route("POST", "/v1/brands/{brand}/disable", Operator, "Take the brand out of auctions.",
            |m| on(m, operator::disable))
            .returns("The brand, not live.", schema::<answers::BrandLive>),
        route("POST", "/v1/brands/{brand}/rollback", OperatorOrOwnBrand,
            "Make the previous version live (it was live before, so the brand may do it too).",
            |m| on(m, operator::rollback))
            .returns("The version now live.", schema::<PluginVersion>),
        route("GET", "/v1/brands/{brand}/orders", OwnBrand,
            "Orders the brand won that are final (past their cancel window), households by pseudonym.",
            |m| on(m, brand::orders))
            .returns("Final orders.", schema::<Vec<p::BrandOrder>>),
        route("GET", "/v1/brands/{brand}/subscriptions", OwnBrand,
            "The brand's subscriptions (standing orders it won), households by pseudonym.",
            |m| on(m, brand::subscriptions))
            .returns("Subscriptions, newest first.", schema::<Vec<p::subscriptions::BrandSubscription>>),
        route("POST", "/v1/brands/{brand}/orders/{order}/accept", OwnBrand,
            "Accept a final order: the brand will deliver it.", |m| on(m, brand::accept))
            .returns("The order, accepted.", schema::<vitrine_core::mandate::Order>),
        route("POST", "/v1/brands/{brand}/orders/{order}/refuse", OwnBrand,
            "Refuse a final order, with the reason; its need goes to the next eligible offer.",
            |m| on(m, brand::refuse))
            .takes(Json("{\"reason\": \"out_of_stock\"|\"cannot_deliver_in_window\"|\"cannot_deliver_to_area\"|\"other\", \"message\"?: string}", schema::<brand::Refusal>))
            .returns("The order, refused.", schema::<vitrine_core::mandate::Order>),
        route("POST", "/v1/brands/{brand}/orders/{order}/ship", OwnBrand,
            "Hand an accepted order to a carrier.", |m| on(m, brand::ship))
            .takes(Json("{\"carrier\": string, \"reference\": string}", schema::<vitrine_core::mandate::fulfilment::Shipment>))
            .returns("The order, shipped.", schema::<vitrine_core::mandate::Order>),
        route("POST", "/v1/brands/{brand}/orders/{order}/deliver", OwnBrand,
            "Mark an accepted or shipped order delivered (`amount`: what arrived, at most what was ordered); the household's stock is raised.",
            |m| on(m, brand::deliver))
            .takes(Json("{\"amount\"?: int}", schema::<brand::Delivery>))
            .returns("The order, delivered.", schema::<vitrine_core::mandate::Order>),
        route("POST", "/v1/brands/{brand}/orders/{order}/fail", OwnBrand,
            "Mark an accepted or shipped order's delivery failed; its need is decided again.",
            |m| on(m, brand::fail))
            .takes(Json("{\"reason\": string, \"message\"?: string}", schema::<brand::Refusal>))
            .returns("The order, failed.", schema::<vitrine_core::mandate::Order>),
        route("GET", "/v1/brands/{brand}/audit", OperatorOrOwnBrand,
            "The audit of the brand's own changes (uploads, catalog changes, reports issued).",
            |m| on(m, brand::audit))
            .returns("Audit entries.", schema::<Vec<AuditEntry>>),
        route("GET", "/v1/brands/{brand}/reports/{day}", OwnBrand,
            "The brand's private daily report (YYYY-MM-DD, a day that has ended).",
            |m| on(m, brand::report))
            .returns("Counts with differentially private noise.", schema::<vitrine_core::reports::BrandReport>),
        route("GET", "/v1/tokens", AnyToken,
            "Tokens by id (never the tokens): the caller's own, or every one for the operator.",
            |m| on(m, tokens::list))
            .returns("Tokens by id.", schema::<Vec<TokenRecord>>),
        route("POST", "/v1/tokens", Operator, "Issue a token for a brand or a household (shown once).",
            |m| on(m, tokens::issue))
            .takes(Json("{\"role\": \"brand\"|\"household\"|\"operator\", \"id\"?: string}", schema::<tokens::NewToken>))
            .returns("The token (not shown again).", schema::<Created<TokenRecord>>)
            .creates(),
        route("POST", "/v1/tokens/rotate", AnyToken,
            "Replace the caller's token with a new one (shown once); the old one stops working.",
            |m| on(m, tokens::rotate))
            .returns("The new token (not shown again).", schema::<Created<TokenRecord>>)
            .creates(),
        route("POST", "/v1/tokens/{token}/revoke", AnyToken,
            "Revoke a token by id: the caller's own, or any for the operator.", |m| on(m, tokens::revoke))
            .returns("The id revoked.", schema::<answers::Revoked>),
        route("GET", "/v1/policy", Operator, "The data-sharing policy.", |m| on(m, operator::get_policy))
            .returns("The policy.", schema::<SharingPolicy>),
        route("PUT", "/v1/policy", Operator, "Replace the data-sharing policy.", |m| on(m, operator::set_policy))
            .takes(Json("SharingPolicy", schema::<SharingPolicy>))
            .returns("The policy now in force.", schema::<SharingPolicy>),
        route("GET", "/v1/policy/bounds", Operator,
            "The bounds on orders and claims per category: caps, reserves, what unverifiable qualities may be worth.",
            |m| on(m, operator::get_bounds))
            .returns("The bounds.", schema::<BoundsPolicy>),
        route("PUT", "/v1/policy/bounds", Operator, "Replace the bounds per category.",
            |m| on(m, operator::set_bounds))
            .takes(Json("BoundsPolicy", schema::<BoundsPolicy>))
            .returns("The bounds now in force.", schema::<BoundsPolicy>),
        route("GET", "/v1/audit", Operator,
            "Audit entries (`?after=SEQ&limit=N`) and whether the chain verifies.", |m| on(m, operator::audit))
            .returns("A page of entries and the chain's state.", schema::<answers::AuditPage>),
        route("POST", "/v1/households", Operator, "Create a household from its data; returns its token once.",
            |m| on(m, operator::create_household))
            .takes(Json("Household", schema::<h::Household>))
            .returns("The household's id and token (not shown again).", schema::<Created<p::HouseholdCreated>>)
            .creates(),
        route("GET", "/v1/households/{household}", OwnHousehold, "Export everything stored about the household.",
            |m| on(m, hh::export))
            .returns("Everything stored about the household.", schema::<p::HouseholdExport>),
        route("DELETE", "/v1/households/{household}", OwnHousehold,
            "Erase the household's data (the audit log keeps pseudonymous entries).", |m| on(m, hh::erase))
            .returns("The id erased.", schema::<answers::Erased>),
        route("POST", "/v1/households/{household}/events", OwnHousehold,
            "Add consumption events, inventory readings, purchases.", |m| on(m, hh::add_events))
            .takes(Json("{\"consumption\"?: [..], \"inventory\"?: [..], \"purchases\"?: [..]}", schema::<hh::Events>))
            .returns("How many items were added.", schema::<answers::Added>),
        route("PUT", "/v1/households/{household}/calendar", OwnHousehold, "Replace calendar facts.",
            |m| on(m, hh::set_calendar))
            .takes(Json("Calendar", schema::<h::Calendar>))
            .returns("The calendar now stored.", schema::<h::Calendar>),
        route("POST", "/v1/households/{household}/signals", OwnHousehold,
            "Add context signals (refused without consent).", |m| on(m, hh::add_signals))
            .takes(Json("[ContextSignal]", schema::<Vec<h::ContextSignal>>))
            .returns("How many signals were added.", schema::<answers::Added>),
        route("PUT", "/v1/households/{household}/preferences", OwnHousehold, "Replace preferences.",
            |m| on(m, hh::set_preferences))
            .takes(Json("Preferences", schema::<h::Preferences>))
            .returns("The preferences now stored.", schema::<h::Preferences>),
        route("PUT", "/v1/households/{household}/consents", OwnHousehold,
            "Replace consents (withdrawing signals erases them).", |m| on(m, hh::set_consents))
            .takes(Json("[DataField]", schema::<h::Consents>))
            .returns("The consents now stored.", schema::<h::Consents>),
        route("PUT", "/v1/households/{household}/mandates", OwnHousehold, "Replace mandates.",
            |m| on(m, hh::set_mandates))
            .takes(Json("[Mandate]", schema::<Vec<Mandate>>))
            .returns("The mandates now stored.", schema::<Vec<Mandate>>),
        route("PUT", "/v1/households/{household}/delivery", OwnHousehold,
            "Replace where orders are delivered (`null` removes it); released to a brand only once its order is final.",
            |m| on(m, hh::set_delivery))
            .takes(Json("DeliveryAddress or null", schema::<Option<h::DeliveryAddress>>))
            .returns("The delivery address now stored.", schema::<Option<h::DeliveryAddress>>),
        route("GET", "/v1/households/{household}/needs", OwnHousehold, "Needs raised, with reasons and decisions.",
            |m| on(m, hh::needs))
            .returns("Needs, newest first.", schema::<Vec<p::NeedView>>),
        route("POST", "/v1/households/{household}/needs/evaluate", OwnHousehold,
            "Run the needs engine now; returns the needs raised.", |m| on(m, hh::evaluate))
            .returns("The needs raised now.", schema::<Vec<vitrine_core::needs::Need>>),
        route("GET", "/v1/households/{household}/decisions", OwnHousehold,
            "Decisions with explanations, newest first (`?limit=N`).", |m| on(m, hh::decisions))
            .returns("Decisions.", schema::<Vec<vitrine_core::decision::Decision>>),
        route("POST", "/v1/households/{household}/decisions", OwnHousehold, "Decide a need now.",
            |m| on(m, hh::decide))
            .takes(Json("{\"need_id\": string} or {\"need\": Need}", schema::<p::NeedRef>))
            .returns("The decision and its explanation.", schema::<vitrine_core::decision::Decision>)
            .creates()
            .idempotent(),
        route("GET", "/v1/households/{household}/decisions/{decision}", OwnHousehold,
            "One decision with its explanation.", |m| on(m, hh::decision))
            .returns("The decision.", schema::<vitrine_core::decision::Decision>),
        route("GET", "/v1/households/{household}/inbox", OwnHousehold,
            "What needs the household's attention: asks waiting (with their expiry), refusals, failed deliveries, expired asks.",
            |m| on(m, hh::inbox))
            .returns("Inbox items, newest first.", schema::<Vec<p::inbox::InboxItem>>),
        route("GET", "/v1/households/{household}/subscriptions", OwnHousehold,
            "Subscriptions (standing orders), newest first, with their schedule and history.",
            |m| on(m, hh::subscriptions))
            .returns("Subscriptions.", schema::<Vec<vitrine_core::mandate::subscription::Subscription>>),
        route("POST", "/v1/households/{household}/subscriptions/{subscription}/skip", OwnHousehold,
            "Skip the next delivery (cancels it if already ordered and inside its window).",
            |m| on(m, hh::skip_subscription))
            .returns("The subscription.", schema::<vitrine_core::mandate::subscription::Subscription>),
        route("POST", "/v1/households/{household}/subscriptions/{subscription}/pause", OwnHousehold,
            "Pause deliveries; the category stays covered.", |m| on(m, hh::pause_subscription))
            .returns("The subscription.", schema::<vitrine_core::mandate::subscription::Subscription>),
        route("POST", "/v1/households/{household}/subscriptions/{subscription}/resume", OwnHousehold,
            "Resume deliveries.", |m| on(m, hh::resume_subscription))
            .returns("The subscription.", schema::<vitrine_core::mandate::subscription::Subscription>),
        route("POST", "/v1/households/{household}/subscriptions/{subscription}/stop", OwnHousehold,
            "Stop it (a subscription without cancel-any-time stops only at renewal); the category is auctioned again.",
            |m| on(m, hh::stop_subscription))
            .returns("The subscription.", schema::<vitrine_core::mandate::subscription::Subscription>),
        route("PUT", "/v1/households/{household}/subscriptions/{subscription}/period", OwnHousehold,
            "Deliver every N days (1 to 365); the period then no longer follows consumption.",
            |m| on(m, hh::set_subscription_period))
            .takes(Json("{\"period_days\": integer}", schema::<p::subscriptions::SetPeriod>))
            .returns("The subscription.", schema::<vitrine_core::mandate::subscription::Subscription>),
        route("PUT", "/v1/households/{household}/webhook", OwnHousehold,
            "Set where inbox items are POSTed, signed (HMAC-SHA256 over `t.body`, header `Vitrine-Signature: t=UNIX,v1=HEX`); `https` on a public address unless the operator allows otherwise; a new secret each time.",
            |m| on(m, hh::set_webhook))
            .takes(Json("{\"url\": string}", schema::<hh::SetWebhook>))
            .returns("The webhook and its signing secret (shown this once).", schema::<p::webhook::WebhookSet>),
        route("GET", "/v1/households/{household}/webhook", OwnHousehold,
            "The webhook (without its secret), its recent events and the delivery log.", |m| on(m, hh::webhook_log))
            .returns("The webhook's state.", schema::<p::webhook::WebhookLog>),
        route("DELETE", "/v1/households/{household}/webhook", OwnHousehold,
            "Remove the webhook; events not yet delivered are given up.", |m| on(m, hh::remove_webhook))
            .returns("Removed.", schema::<answers::Removed>),
        route("GET", "/v1/households/{household}/orders", OwnHousehold, "Orders.", |m| on(m, hh::orders))
            .returns("Orders.", schema::<Vec<vitrine_core::mandate::Order>>),
        route("POST", "/v1/households/{household}/orders/{order}/approve", OwnHousehold,
            "Approve an order that was asked.", |m| on(m, hh::approve))
            .returns("The order, placed.", schema::<vitrine_core::mandate::Order>)
            .idempotent(),
        route("POST", "/v1/households/{household}/orders/{order}/decline", OwnHousehold,
            "Decline an order that was asked.", |m| on(m, hh::decline))
            .returns("The order, declined.", schema::<vitrine_core::mandate::Order>)
            .idempotent(),
        route("POST", "/v1/households/{household}/orders/{order}/cancel", OwnHousehold,
            "Cancel a placed order inside its window.", |m| on(m, hh::cancel))
            .returns("The order, cancelled.", schema::<vitrine_core::mandate::Order>)
            .idempotent(),
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
fn responses(
    route: &Route,
    generator: &mut schemars::SchemaGenerator,
) -> serde_json::Map<String, Value> {
    let mut responses = serde_json::Map::new();
    let success = match route.returns {
        Returns::Text(description) => json!({"description": description,
            "content": {"text/plain": {"schema": {"type": "string"}}}}),
        Returns::Json(description, schema) => json!({"description": description,
            "content": {"application/json": {"schema": schema(generator)}}}),
    };
    responses.insert(route.status.to_string(), success);
    if route.path == "/healthz" {
        responses.insert(
            "503".into(),
            error_response("The database does not answer, or the needs cycle has stalled."),
        );
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
            "responses": responses(route, &mut generator),
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
