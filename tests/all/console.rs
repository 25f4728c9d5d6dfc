//! The console through its router, as a browser uses it: signing in puts
//! the token in an HttpOnly, SameSite=Strict cookie and nowhere else; every
//! page carries a strict Content-Security-Policy; each role opens only its
//! own pages (a household never another's); a form without its CSRF token,
//! or sent from another site, changes nothing; the household approves,
//! cancels and skips; the brand uploads a version for review; and what a
//! plugin wrote renders as text, never as markup. (The same scenarios in a
//! real browser: `tests/browser`.)

use axum::body::Body;
use axum::http::{HeaderMap, Request, StatusCode, header};
use http_body_util::BodyExt;
use tower::ServiceExt;

use crate::kit::{OPERATOR, Service, json_body, milk_need, service, today};
use vitrine_service::console::CONTENT_SECURITY_POLICY;
use vitrine_types::time::Timestamp;

/// A browser's view of the console: one session cookie, and the headers a
/// browser sends with a form from the page it is on.
struct Browser<'a> {
    service: &'a Service,
    cookie: Option<String>,
}

struct Page {
    status: StatusCode,
    headers: HeaderMap,
    body: String,
}

impl Page {
    /// The CSRF token of the page's forms.
    fn csrf(&self) -> String {
        let at = self
            .body
            .find("name=\"csrf\" value=\"")
            .unwrap_or_else(|| panic!("no form on the page: {}", self.body));
        let rest = &self.body[at + "name=\"csrf\" value=\"".len()..];
        rest[..rest.find('"').unwrap()].to_owned()
    }

    fn location(&self) -> &str {
        self.headers
            .get(header::LOCATION)
            .and_then(|v| v.to_str().ok())
            .unwrap_or_default()
    }
}

impl<'a> Browser<'a> {
    fn new(service: &'a Service) -> Self {
        Browser {
            service,
            cookie: None,
        }
    }

    async fn send(&mut self, request: Request<Body>) -> Page {
        let response = self
            .service
            .router
            .clone()
            .oneshot(request)
            .await
            .expect("router answers");
        let status = response.status();
        let headers = response.headers().clone();
        if let Some(set) = headers
            .get(header::SET_COOKIE)
            .and_then(|v| v.to_str().ok())
        {
            let pair = set.split(';').next().unwrap();
            let (_, value) = pair.split_once('=').unwrap();
            self.cookie = (!value.is_empty()).then(|| pair.to_owned());
        }
        let bytes = response.into_body().collect().await.unwrap().to_bytes();
        Page {
            status,
            headers,
            body: String::from_utf8_lossy(&bytes).into_owned(),
        }
    }

    async fn get(&mut self, path: &str) -> Page {
        let mut request = Request::get(path).header(header::HOST, "console.test");
        if let Some(cookie) = &self.cookie {
            request = request.header(header::COOKIE, cookie);
        }
        self.send(request.body(Body::empty()).unwrap()).await
    }

    /// Posts a form as the console's own page would (same origin).
    async fn post(&mut self, path: &str, form: &[(&str, &str)]) -> Page {
        self.post_from(path, form, "http://console.test").await
    }

    async fn post_from(&mut self, path: &str, form: &[(&str, &str)], origin: &str) -> Page {
        let body = url::form_urlencoded::Serializer::new(String::new())
            .extend_pairs(form)
            .finish();
        let mut request = Request::post(path)
            .header(header::HOST, "console.test")
            .header(header::ORIGIN, origin)
            .header(header::CONTENT_TYPE, "application/x-www-form-urlencoded");
        if let Some(cookie) = &self.cookie {
            request = request.header(header::COOKIE, cookie);
        }
        self.send(request.body(Body::from(body)).unwrap()).await
    }

    async fn sign_in(&mut self, token: &str) -> Page {
        let page = self.post("/signin", &[("token", token)]).await;
        assert_eq!(page.status, StatusCode::SEE_OTHER, "{}", page.body);
        page
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn signing_in_keeps_the_token_in_an_httponly_strict_cookie_and_nowhere_else() {
    let s = service().await;
    let fam = s.family("fam").await;
    let mut browser = Browser::new(&s);
    // Signed out: every page sends to the sign-in page.
    let page = browser.get("/household").await;
    assert_eq!(page.status, StatusCode::SEE_OTHER);
    assert_eq!(page.location(), "/signin");
    // A sign-in link shows a form to confirm; it signs nobody in by itself.
    let link = browser.get(&format!("/signin?token={fam}")).await;
    assert_eq!(link.status, StatusCode::OK);
    assert!(browser.cookie.is_none());
    assert!(link.body.contains("Continue"), "{}", link.body);
    let page = browser.sign_in(&fam).await;
    let set = page.headers[header::SET_COOKIE].to_str().unwrap();
    for attribute in ["HttpOnly", "SameSite=Strict", "Path=/"] {
        assert!(set.contains(attribute), "{set}");
    }
    assert_eq!(page.location(), "/");
    let home = browser.get("/").await;
    assert_eq!(home.location(), "/household");
    let home = browser.get("/household").await;
    assert_eq!(home.status, StatusCode::OK, "{}", home.body);
    assert!(!home.body.contains(&fam), "the token is in the page");
    // A wrong token is refused, and sets nothing.
    let mut stranger = Browser::new(&s);
    let refused = stranger.post("/signin", &[("token", "vt_nope")]).await;
    assert_eq!(refused.status, StatusCode::UNAUTHORIZED);
    assert!(stranger.cookie.is_none());
    // Signing out ends the session.
    let csrf = home.csrf();
    let out = browser.post("/signout", &[("csrf", &csrf)]).await;
    assert_eq!(out.status, StatusCode::SEE_OTHER);
    assert!(browser.cookie.is_none());
    assert_eq!(browser.get("/household").await.location(), "/signin");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn every_console_page_carries_a_strict_content_security_policy() {
    let s = service().await;
    let fam = s.family("fam").await;
    let dairy = s.sample_brand("dairy").await;
    for (token, pages) in [
        (
            fam.as_str(),
            &[
                "/household",
                "/household/budgets",
                "/household/pantry",
                "/household/control",
            ][..],
        ),
        (dairy.as_str(), &["/brand", "/brand/orders"][..]),
        (OPERATOR, &["/operator", "/operator/policy"][..]),
    ] {
        let mut browser = Browser::new(&s);
        browser.sign_in(token).await;
        for path in pages {
            let page = browser.get(path).await;
            assert_eq!(page.status, StatusCode::OK, "{path}: {}", page.body);
            assert_eq!(
                page.headers[header::CONTENT_SECURITY_POLICY],
                CONTENT_SECURITY_POLICY
            );
            assert_eq!(page.headers[header::CACHE_CONTROL], "no-store");
            assert_eq!(page.headers[header::X_FRAME_OPTIONS], "DENY");
            // No inline script or style for the policy to have to allow.
            assert!(!page.body.contains("<script>"), "{path}");
            assert!(!page.body.contains("style="), "{path}");
        }
    }
    assert!(CONTENT_SECURITY_POLICY.contains("script-src 'self'"));
    assert!(!CONTENT_SECURITY_POLICY.contains("unsafe"));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn each_role_opens_only_its_own_pages_and_a_household_never_anothers() {
    let s = service().await;
    let dairy = s.sample_brand("dairy").await;
    let fam = s.family("fam").await;
    let other = s.family("other").await;
    let (status, decision, _) = s
        .call(
            "POST",
            "/v1/households/fam/decisions",
            Some(&fam),
            json_body(&milk_need("fam", "need-1")),
        )
        .await;
    assert_eq!(status, StatusCode::CREATED, "{decision}");
    let order = decision["placement"]["order"]["id"].as_str().unwrap();
    let why = format!("/household/orders/{order}");

    let mut own = Browser::new(&s);
    own.sign_in(&fam).await;
    let page = own.get(&why).await;
    assert_eq!(page.status, StatusCode::OK, "{}", page.body);
    assert!(page.body.contains("Why this order?"));

    let mut neighbour = Browser::new(&s);
    neighbour.sign_in(&other).await;
    let page = neighbour.get(&why).await;
    assert_eq!(page.status, StatusCode::NOT_FOUND, "{}", page.body);
    assert!(!page.body.contains(order));
    // Nor can it act on the order.
    let csrf = neighbour.get("/household").await.csrf();
    let page = neighbour
        .post(&format!("{why}/cancel"), &[("csrf", &csrf)])
        .await;
    assert_eq!(page.status, StatusCode::NOT_FOUND, "{}", page.body);

    for (token, forbidden) in [
        (
            fam.as_str(),
            &["/brand", "/brand/orders", "/operator", "/operator/policy"][..],
        ),
        (
            dairy.as_str(),
            &["/household", "/household/pantry", "/operator"][..],
        ),
        (OPERATOR, &["/household", "/brand"][..]),
    ] {
        let mut browser = Browser::new(&s);
        browser.sign_in(token).await;
        for path in forbidden {
            let page = browser.get(path).await;
            assert_eq!(page.status, StatusCode::FORBIDDEN, "{path}");
        }
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_form_without_its_csrf_token_or_from_another_site_changes_nothing() {
    let s = service().await;
    s.sample_brand("dairy").await;
    let fam = s.family("fam").await;
    let (_, decision, _) = s
        .call(
            "POST",
            "/v1/households/fam/decisions",
            Some(&fam),
            json_body(&milk_need("fam", "need-1")),
        )
        .await;
    let order = decision["placement"]["order"]["id"].as_str().unwrap();
    let status_of = |orders: &serde_json::Value| {
        orders
            .as_array()
            .unwrap()
            .iter()
            .find(|o| o["id"] == order)
            .unwrap()["status"]
            .clone()
    };
    let before = status_of(
        &s.call("GET", "/v1/households/fam/orders", Some(&fam), None)
            .await
            .1,
    );
    let mut browser = Browser::new(&s);
    browser.sign_in(&fam).await;
    let csrf = browser.get("/household").await.csrf();
    let cancel = format!("/household/orders/{order}/cancel");
    let forged = browser.post(&cancel, &[("csrf", "0123456789abcdef")]).await;
    assert_eq!(forged.status, StatusCode::FORBIDDEN);
    let missing = browser.post(&cancel, &[]).await;
    assert!(missing.status.is_client_error(), "{}", missing.status);
    let cross_site = browser
        .post_from(&cancel, &[("csrf", &csrf)], "https://evil.example")
        .await;
    assert_eq!(cross_site.status, StatusCode::FORBIDDEN);
    let after = status_of(
        &s.call("GET", "/v1/households/fam/orders", Some(&fam), None)
            .await
            .1,
    );
    assert_eq!(before, after);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_household_approves_an_ask_cancels_within_the_window_and_reads_why() {
    let s = service().await;
    s.sample_brand("dairy").await;
    let fam = s.family("fam").await;
    let (_, decision, _) = s
        .call(
            "POST",
            "/v1/households/fam/decisions",
            Some(&fam),
            json_body(&milk_need("fam", "need-1")),
        )
        .await;
    let order = decision["placement"]["order"]["id"]
        .as_str()
        .unwrap()
        .to_owned();
    let mut browser = Browser::new(&s);
    browser.sign_in(&fam).await;
    let home = browser.get("/household").await;
    let csrf = home.csrf();
    if decision["placement"]["decision"] == "awaiting_approval" {
        assert!(home.body.contains("Waiting for you (1)"), "{}", home.body);
        assert!(home.body.contains("The ask expires in"), "{}", home.body);
        let done = browser
            .post(
                &format!("/household/orders/{order}/approve"),
                &[("csrf", &csrf)],
            )
            .await;
        assert_eq!(done.status, StatusCode::SEE_OTHER, "{}", done.body);
        assert_eq!(done.location(), "/household?done=approved");
    }
    let home = browser.get("/household?done=approved").await;
    assert!(home.body.contains("Cancel within"), "{}", home.body);
    let why = browser.get(&format!("/household/orders/{order}")).await;
    for part in [
        "The need",
        "What each brand was told",
        "The winner against the runner-up",
        "The price",
        "The rule that allowed it",
        "<svg",
    ] {
        assert!(why.body.contains(part), "{part}: {}", why.body);
    }
    let done = browser
        .post(
            &format!("/household/orders/{order}/cancel"),
            &[("csrf", &csrf)],
        )
        .await;
    assert_eq!(
        done.location(),
        "/household?done=cancelled",
        "{}",
        done.body
    );
    let (_, orders, _) = s
        .call("GET", "/v1/households/fam/orders", Some(&fam), None)
        .await;
    let cancelled = orders
        .as_array()
        .unwrap()
        .iter()
        .find(|o| o["id"] == order.as_str())
        .unwrap();
    assert_eq!(cancelled["status"], "cancelled");
    // After the window, the button is gone and the platform refuses.
    let (_, decision, _) = s
        .call(
            "POST",
            "/v1/households/fam/decisions",
            Some(&fam),
            json_body(&milk_need("fam", "need-2")),
        )
        .await;
    let second = decision["placement"]["order"]["id"]
        .as_str()
        .unwrap()
        .to_owned();
    if decision["placement"]["decision"] == "awaiting_approval" {
        browser
            .post(
                &format!("/household/orders/{second}/approve"),
                &[("csrf", &csrf)],
            )
            .await;
    }
    s.clock.set(Timestamp::at(today().plus(3), 9));
    let late = browser
        .post(
            &format!("/household/orders/{second}/cancel"),
            &[("csrf", &csrf)],
        )
        .await;
    assert_eq!(late.status, StatusCode::CONFLICT, "{}", late.body);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_household_skips_a_subscription_delivery_from_the_console() {
    let s = service().await;
    let (fam, _, subscription) = crate::subscriptions::subscribed(&s).await;
    let id = subscription["id"].as_str().unwrap();
    let next = subscription["next_delivery"].as_i64().unwrap();
    let mut browser = Browser::new(&s);
    browser.sign_in(&fam).await;
    let home = browser.get("/household").await;
    assert!(home.body.contains("Skip next delivery"), "{}", home.body);
    let done = browser
        .post(
            &format!("/household/subscriptions/{id}/skip"),
            &[("csrf", &home.csrf())],
        )
        .await;
    assert_eq!(done.location(), "/household?done=skipped", "{}", done.body);
    let (_, subs, _) = s
        .call("GET", "/v1/households/fam/subscriptions", Some(&fam), None)
        .await;
    assert!(subs[0]["next_delivery"].as_i64().unwrap() > next, "{subs}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_brand_uploads_a_version_that_waits_for_the_operator() {
    let s = service().await;
    let dairy = s.sample_brand("dairy").await;
    let mut browser = Browser::new(&s);
    browser.sign_in(&dairy).await;
    let page = browser.get("/brand").await;
    let csrf = page.csrf();
    let wasm = vitrine_sim::samples::Sample::named("dairy").unwrap().wasm;
    let boundary = "vitrine-test-boundary";
    let mut body = Vec::new();
    body.extend_from_slice(
        format!("--{boundary}\r\nContent-Disposition: form-data; name=\"csrf\"\r\n\r\n{csrf}\r\n")
            .as_bytes(),
    );
    body.extend_from_slice(format!("--{boundary}\r\nContent-Disposition: form-data; name=\"plugin\"; filename=\"dairy.wasm\"\r\nContent-Type: application/wasm\r\n\r\n").as_bytes());
    body.extend_from_slice(wasm);
    body.extend_from_slice(format!("\r\n--{boundary}--\r\n").as_bytes());
    let request = Request::post("/brand/plugins")
        .header(header::HOST, "console.test")
        .header(header::ORIGIN, "http://console.test")
        .header(header::COOKIE, browser.cookie.clone().unwrap())
        .header(
            header::CONTENT_TYPE,
            format!("multipart/form-data; boundary={boundary}"),
        )
        .body(Body::from(body))
        .unwrap();
    let done = browser.send(request).await;
    assert_eq!(done.location(), "/brand?done=uploaded", "{}", done.body);
    let page = browser.get("/brand?done=uploaded").await;
    assert!(
        page.body.contains("waits for the operator"),
        "{}",
        page.body
    );
    let (_, versions, _) = s
        .call("GET", "/v1/brands/dairy/plugins", Some(&dairy), None)
        .await;
    assert_eq!(versions["versions"].as_array().unwrap().len(), 2);
    assert_eq!(versions["versions"][1]["status"], "disabled");
    // The operator makes it live from its page.
    let mut operator = Browser::new(&s);
    operator.sign_in(OPERATOR).await;
    let csrf = operator.get("/operator").await.csrf();
    let done = operator
        .post(
            "/operator/brands/dairy/versions/2/enable",
            &[("csrf", &csrf)],
        )
        .await;
    assert_eq!(done.location(), "/operator?done=enabled", "{}", done.body);
    let (_, versions, _) = s
        .call("GET", "/v1/brands/dairy/plugins", Some(&dairy), None)
        .await;
    assert_eq!(versions["versions"][1]["status"], "enabled");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn what_a_plugin_wrote_renders_as_text_never_as_markup() {
    // The forger is the only brand: its offer wins, and the household
    // reads its title and message.
    let s = service().await;
    s.platform.create_brand("forger", "Forger").await.unwrap();
    let forged =
        "<script>alert('x')</script><img src=x onerror=alert(1)>\u{202E}Vitrine recommends";
    let catalog = serde_json::json!({
        "sku.FORGED-1": "forged",
        "title": forged,
        "message": forged,
    })
    .to_string();
    s.platform
        .upload_plugin(
            "forger",
            vitrine_service::platform::Upload {
                wasm: vitrine_testkit::hostile::TEXT_FORGER,
                catalog_json: Some(&catalog),
                enable: true,
            },
        )
        .await
        .unwrap();
    let fam = s.family("fam").await;
    let (_, decision, _) = s
        .call(
            "POST",
            "/v1/households/fam/decisions",
            Some(&fam),
            json_body(&crate::subscriptions::yogurt_need("need-1")),
        )
        .await;
    assert_eq!(
        decision["placement"]["order"]["brand"], "forger",
        "{decision}"
    );
    let order = decision["placement"]["order"]["id"]
        .as_str()
        .unwrap()
        .to_owned();
    let mut browser = Browser::new(&s);
    browser.sign_in(&fam).await;
    for path in [
        "/household".to_owned(),
        format!("/household/orders/{order}"),
    ] {
        let page = browser.get(&path).await;
        assert_eq!(page.status, StatusCode::OK, "{path}");
        assert!(
            !page.body.contains("<script>alert"),
            "{path}: {}",
            page.body
        );
        assert!(!page.body.contains("<img"), "{path}");
        assert!(!page.body.contains('\u{202E}'), "{path}");
    }
    // The title is there, as text.
    let why = browser.get(&format!("/household/orders/{order}")).await;
    assert!(why.body.contains("&lt;script&gt;alert("), "{}", why.body);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_household_creates_changes_and_expires_a_mandate_and_a_mistyped_amount_changes_nothing() {
    let s = service().await;
    let fam = s.family("fam").await;
    let mut browser = Browser::new(&s);
    browser.sign_in(&fam).await;
    let csrf = browser.get("/household/control").await.csrf();
    let mandates = |s: &Service| {
        let h = s.platform.household("fam").unwrap();
        h.mandates.clone()
    };
    let before = mandates(&s).len();
    let done = browser
        .post(
            "/household/control/mandates",
            &[
                ("csrf", &csrf),
                ("id", "treats"),
                ("categories", "food/treats, home/flowers"),
                ("cap", "12,50"),
                ("month", "40"),
            ],
        )
        .await;
    assert_eq!(
        done.location(),
        "/household/control?done=mandate_created",
        "{}",
        done.body
    );
    let created = mandates(&s).into_iter().find(|m| m.id == "treats").unwrap();
    assert_eq!(created.per_order_cap_minor, Some(1250));
    assert_eq!(created.categories, vec!["food/treats", "home/flowers"]);
    assert_eq!(created.budgets[0].limit_minor, 4000);
    let bad = browser
        .post(
            "/household/control/mandates/treats",
            &[
                ("csrf", &csrf),
                ("cap", "12.345"),
                ("week", ""),
                ("month", "40"),
            ],
        )
        .await;
    assert_eq!(bad.status, StatusCode::BAD_REQUEST);
    assert!(bad.body.contains("is not an amount"), "{}", bad.body);
    assert_eq!(
        mandates(&s)
            .into_iter()
            .find(|m| m.id == "treats")
            .unwrap()
            .per_order_cap_minor,
        Some(1250)
    );
    let done = browser
        .post(
            "/household/control/mandates/treats",
            &[("csrf", &csrf), ("cap", ""), ("week", "10"), ("month", "")],
        )
        .await;
    assert_eq!(done.location(), "/household/control?done=mandate_saved");
    let changed = mandates(&s).into_iter().find(|m| m.id == "treats").unwrap();
    assert_eq!(changed.per_order_cap_minor, None);
    assert_eq!(changed.budgets.len(), 1);
    assert_eq!(changed.budgets[0].limit_minor, 1000);
    let done = browser
        .post(
            "/household/control/mandates/treats/expire",
            &[("csrf", &csrf)],
        )
        .await;
    assert_eq!(done.location(), "/household/control?done=mandate_expired");
    let expired = mandates(&s).into_iter().find(|m| m.id == "treats").unwrap();
    assert_eq!(expired.expires, Some(s.platform.now()));
    assert_eq!(mandates(&s).len(), before + 1);
    let missing = browser
        .post(
            "/household/control/mandates/nope/expire",
            &[("csrf", &csrf)],
        )
        .await;
    assert_eq!(missing.status, StatusCode::NOT_FOUND);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn malformed_console_input_is_refused_in_words_and_changes_nothing() {
    let s = service().await;
    let dairy = s.sample_brand("dairy").await;
    let fam = s.family("fam").await;
    // Tokens that cannot be tokens: empty, huge, control and bidi characters.
    let huge = "v".repeat(10_000);
    for bad in ["", &huge, "vt_\u{1b}[31m", "vt_\u{202E}abc", "vt_a b"] {
        let mut stranger = Browser::new(&s);
        let page = stranger.post("/signin", &[("token", bad)]).await;
        assert!(page.status.is_client_error(), "{bad:?}: {}", page.status);
        assert!(stranger.cookie.is_none());
    }
    // A consent field that does not exist: nothing is saved.
    let mut browser = Browser::new(&s);
    browser.sign_in(&fam).await;
    let before = s.platform.household("fam").unwrap().consents.clone();
    let csrf = browser.get("/household/control").await.csrf();
    let page = browser
        .post(
            "/household/control/consents",
            &[
                ("csrf", &csrf),
                ("field", "region"),
                ("field", "everything\u{202E}"),
            ],
        )
        .await;
    assert_eq!(page.status, StatusCode::BAD_REQUEST, "{}", page.body);
    assert!(
        page.body.contains("there is no field called"),
        "{}",
        page.body
    );
    assert_eq!(s.platform.household("fam").unwrap().consents, before);
    // A brand uploading bytes that are not a component: refused, nothing stored.
    let mut brand = Browser::new(&s);
    let csrf = {
        brand.sign_in(&dairy).await;
        brand.get("/brand").await.csrf()
    };
    let boundary = "b";
    let body = format!(
        "--{boundary}\r\nContent-Disposition: form-data; name=\"csrf\"\r\n\r\n{csrf}\r\n--{boundary}\r\nContent-Disposition: form-data; name=\"plugin\"; filename=\"x.wasm\"\r\n\r\nnot a component\r\n--{boundary}--\r\n"
    );
    let request = Request::post("/brand/plugins")
        .header(header::HOST, "console.test")
        .header(header::ORIGIN, "http://console.test")
        .header(header::COOKIE, brand.cookie.clone().unwrap())
        .header(
            header::CONTENT_TYPE,
            format!("multipart/form-data; boundary={boundary}"),
        )
        .body(Body::from(body))
        .unwrap();
    let page = brand.send(request).await;
    assert_eq!(
        page.status,
        StatusCode::UNPROCESSABLE_ENTITY,
        "{}",
        page.body
    );
    let (_, versions, _) = s
        .call("GET", "/v1/brands/dairy/plugins", Some(&dairy), None)
        .await;
    assert_eq!(versions["versions"].as_array().unwrap().len(), 1);
    // The service is still up.
    assert_eq!(brand.get("/brand").await.status, StatusCode::OK);
}
