//! The bodies of the fuzz targets (`tests/fuzz`, run by `scripts/fuzz.sh`
//! with cargo fuzz), kept here so that the checked-in corpus is replayed by
//! the ordinary test suite (`tests/fuzz_corpus.rs`): a crash the fuzzer
//! finds becomes a corpus file, and so a regression test.
//!
//! Each function panics only on a real fault: a panic inside the host's
//! code, or an invariant the host promises broken (an answer over the
//! limits accepted, a 5xx from the API).

use std::sync::OnceLock;

use axum::body::Body;
use vitrine_core::auction::{PriceLimits, score};
use vitrine_core::household::Preferences;
use vitrine_runtime::{Catalog, Limits, Plugin, Runtime};
use vitrine_types::{Offer, OfferRequest, check_offer};

use crate::hostile::FUZZ_OFFERS;
use crate::service::{Service, service};

/// The request the offer targets are checked against.
fn fixed_request() -> OfferRequest {
    crate::request("food/dairy/yogurt", 8)
}

/// `vitrine plugin run --request FILE` and the API's need format: any bytes
/// parse to a request or to an error; a parsed request validates or
/// refuses, and survives a JSON round trip.
pub fn request_json(data: &[u8]) {
    let Ok(request) = serde_json::from_slice::<OfferRequest>(data) else {
        return;
    };
    let _ = request.validate();
    let again: OfferRequest =
        serde_json::from_str(&serde_json::to_string(&request).expect("a request serialises"))
            .expect("a serialised request parses");
    assert_eq!(again, request, "the JSON round trip changed the request");
}

/// The offer format and its validation: a parsed offer is checked and, if
/// valid, scored, without panicking whatever its numbers.
pub fn offer_json(data: &[u8]) {
    let Ok(offer) = serde_json::from_slice::<Offer>(data) else {
        return;
    };
    let request = fixed_request();
    if check_offer(&request, &offer, &|_| true).is_ok() {
        let _ = score(
            &offer,
            "fuzz",
            &Preferences::default(),
            &request,
            &PriceLimits::unbounded(),
        );
    }
}

fn fuzz_plugin() -> &'static Plugin {
    static PLUGIN: OnceLock<Plugin> = OnceLock::new();
    PLUGIN.get_or_init(|| {
        let runtime = Runtime::new(Limits::default()).expect("runtime");
        runtime
            .load(FUZZ_OFFERS, Catalog::empty())
            .expect("the fuzzing plugin loads")
    })
}

/// The boundary between host and plugin: the fuzzing plugin answers
/// whatever `data` describes; the host must refuse or accept it without
/// panicking, never accept an answer over its limits, and validate and
/// score what it accepts.
pub fn plugin_answer(data: &[u8]) {
    let limits = Limits::default();
    let script = data.iter().map(|b| format!("{b:02x}")).collect::<String>();
    let Ok(catalog) = Catalog::from_pairs([("script".to_owned(), script)], limits.catalog_bytes)
    else {
        return;
    };
    let plugin = fuzz_plugin().with_catalog(catalog);
    let request = fixed_request();
    let report = plugin.call(&request);
    if let Ok(offers) = report.outcome {
        assert!(
            offers.len() <= usize::from(request.max_offers),
            "{} offers accepted, max_offers is {}",
            offers.len(),
            request.max_offers
        );
        for offer in &offers {
            assert!(offer.services.len() <= limits.services_per_offer);
            assert!(offer.labels.len() <= limits.labels_per_offer);
            for text in [&offer.sku, &offer.title, &offer.currency]
                .into_iter()
                .chain(offer.message.as_ref())
                .chain(&offer.labels)
            {
                assert!(
                    text.len() <= limits.string_bytes,
                    "a {} byte string was accepted",
                    text.len()
                );
            }
            // Accepted answers keep the contract's ranges and carry no
            // control characters in their texts.
            assert_eq!(vitrine_types::check_ranges(offer), Ok(()));
            assert!(vitrine_types::text::is_normal(&offer.title));
            if check_offer(&request, offer, &|_| true).is_ok() {
                let _ = score(
                    offer,
                    "fuzz",
                    &Preferences::default(),
                    &request,
                    &PriceLimits::unbounded(),
                );
            }
        }
    }
}

struct ApiWorld {
    runtime: tokio::runtime::Runtime,
    service: Service,
    household: String,
}

fn api_world() -> &'static ApiWorld {
    static WORLD: OnceLock<ApiWorld> = OnceLock::new();
    WORLD.get_or_init(|| {
        let runtime = tokio::runtime::Builder::new_multi_thread()
            .worker_threads(1)
            .enable_all()
            .build()
            .expect("tokio");
        let (service, household) = runtime.block_on(async {
            let s = service().await;
            s.sample_brand("dairy").await;
            let token = s.family("fam").await;
            (s, token)
        });
        ApiWorld {
            runtime,
            service,
            household,
        }
    })
}

/// The API's JSON bodies, through the real router: the first byte picks a
/// route, the rest is the body. Whatever the body, the answer is a 2xx or a
/// 4xx with a JSON error, never a 5xx.
pub fn api_body(data: &[u8]) {
    const ROUTES: &[(&str, &str, bool)] = &[
        ("POST", "/v1/households/fam/decisions", false),
        ("POST", "/v1/households/fam/events", false),
        ("PUT", "/v1/households/fam/preferences", false),
        ("PUT", "/v1/households/fam/calendar", false),
        ("PUT", "/v1/households/fam/mandates", false),
        ("PUT", "/v1/households/fam/consents", false),
        ("POST", "/v1/households/fam/signals", false),
        ("POST", "/v1/households", true),
        ("PUT", "/v1/policy", true),
        ("POST", "/v1/brands", true),
    ];
    let Some((&pick, body)) = data.split_first() else {
        return;
    };
    let (method, path, operator) = ROUTES[usize::from(pick) % ROUTES.len()];
    let world = api_world();
    let token = if operator {
        crate::service::OPERATOR
    } else {
        world.household.as_str()
    };
    let (status, answer, _) = world.runtime.block_on(world.service.call(
        method,
        path,
        Some(token),
        Some(Body::from(body.to_vec())),
    ));
    assert!(
        !status.is_server_error(),
        "{method} {path} answered {status}: {answer}"
    );
    if !status.is_success() {
        assert!(
            answer["error"]["code"].is_string(),
            "{method} {path} answered {status} without a JSON error: {answer}"
        );
    }
}
