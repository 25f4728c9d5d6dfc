//! The household is told through a webhook: a local receiver gets each
//! inbox item signed, retried with backoff until it answers 2xx, under a
//! stable event id; the household reads the delivery log; URLs that could
//! reach into the operator's network are refused unless the operator
//! allows them.

use std::sync::{Arc, Mutex};

use crate::kit::{Service, json_body, milk_need, service, service_configured};
use axum::http::{HeaderMap, StatusCode};
use serde_json::{Value, json};
use vitrine_service::platform::webhook::{self, SignatureError};
use vitrine_types::time::Timestamp;

/// What the receiver got: the event id, the signature header, the body.
type Received = Arc<Mutex<Vec<(String, String, Vec<u8>)>>>;

/// A receiver on 127.0.0.1 answering the statuses of `script` in turn
/// (then 200), recording every request.
async fn receiver(script: Vec<u16>) -> (String, Received) {
    let received: Received = Arc::default();
    let script = Arc::new(Mutex::new(script.into_iter()));
    let app = axum::Router::new().route(
        "/hook",
        axum::routing::post({
            let received = received.clone();
            move |headers: HeaderMap, body: axum::body::Bytes| {
                let received = received.clone();
                let script = script.clone();
                async move {
                    let header = |name: &str| {
                        headers
                            .get(name)
                            .and_then(|v| v.to_str().ok())
                            .unwrap_or_default()
                            .to_owned()
                    };
                    received.lock().unwrap().push((
                        header(webhook::EVENT_ID_HEADER),
                        header(webhook::SIGNATURE_HEADER),
                        body.to_vec(),
                    ));
                    let status = script.lock().unwrap().next().unwrap_or(200);
                    StatusCode::from_u16(status).unwrap()
                }
            }
        }),
    );
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    tokio::spawn(async move { axum::serve(listener, app).await });
    (format!("http://{addr}/hook"), received)
}

async fn set_webhook(s: &Service, token: &str, url: &str) -> (StatusCode, Value) {
    let (status, answer, _) = s
        .call(
            "PUT",
            "/v1/households/fam/webhook",
            Some(token),
            json_body(&json!({ "url": url })),
        )
        .await;
    (status, answer)
}

fn unix_now() -> i64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap()
        .as_secs() as i64
}

async fn local_service() -> Service {
    service_configured(&|c| {
        c.webhooks.allow_private_addresses = true;
        c.webhooks.allow_http = true;
    })
    .await
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_ask_reaches_the_households_receiver_signed_and_retried_until_it_is_taken() {
    let s = local_service().await;
    s.sample_brand("dairy").await;
    let token = s.family("fam").await;
    let (url, received) = receiver(vec![500]).await;
    let (status, set) = set_webhook(&s, &token, &url).await;
    assert_eq!(status, StatusCode::OK, "{set}");
    let secret = set["secret"].as_str().unwrap().to_owned();
    assert!(secret.starts_with("whsec_"), "{set}");

    let (status, decision, _) = s
        .call(
            "POST",
            "/v1/households/fam/decisions",
            Some(&token),
            json_body(&milk_need("fam", "need-1")),
        )
        .await;
    assert_eq!(status, StatusCode::CREATED, "{decision}");
    let order = decision["placement"]["order"]["id"]
        .as_str()
        .unwrap()
        .to_owned();

    // First attempt: the receiver fails; the next is due 10 s later, not before.
    let round = s.platform.deliver_webhooks().await.unwrap();
    assert_eq!((round.queued, round.delivered, round.failed), (1, 0, 1));
    let round = s.platform.deliver_webhooks().await.unwrap();
    assert_eq!((round.queued, round.delivered, round.failed), (0, 0, 0));
    let now = s.platform.now();
    s.clock.set(Timestamp(now.0 + webhook::RETRY_AFTER_SECS[0]));
    let round = s.platform.deliver_webhooks().await.unwrap();
    assert_eq!((round.queued, round.delivered, round.failed), (0, 1, 0));
    // Taken: never sent again.
    s.clock.set(Timestamp(now.0 + 3_600));
    let round = s.platform.deliver_webhooks().await.unwrap();
    assert_eq!((round.queued, round.delivered, round.failed), (0, 0, 0));

    let received = received.lock().unwrap().clone();
    assert_eq!(received.len(), 2);
    let id = format!("{order}.approval_needed");
    for (event_id, signature, body) in &received {
        // The same event, the same bytes: the receiver can deduplicate.
        assert_eq!(event_id, &id);
        assert_eq!(body, &received[0].2);
        assert_eq!(
            webhook::verify(&secret, signature, body, unix_now(), 300),
            Ok(())
        );
        // Not with another secret, not for another body, not replayed later.
        assert_eq!(
            webhook::verify("whsec_other", signature, body, unix_now(), 300),
            Err(SignatureError::Mismatch)
        );
        assert_eq!(
            webhook::verify(&secret, signature, b"{\"id\":\"forged\"}", unix_now(), 300),
            Err(SignatureError::Mismatch)
        );
        assert!(matches!(
            webhook::verify(&secret, signature, body, unix_now() + 3_600, 300),
            Err(SignatureError::OutsideWindow(_))
        ));
    }
    let event: Value = serde_json::from_slice(&received[0].2).unwrap();
    assert_eq!(event["id"], id);
    assert_eq!(event["type"], "approval_needed");
    assert_eq!(event["order"]["id"], order.as_str());
    assert!(event["expires_at"].is_i64(), "{event}");
    assert!(
        event["text"].as_str().unwrap().starts_with("Approve"),
        "{event}"
    );

    // The household reads the log: one event delivered after two attempts.
    let (status, log, _) = s
        .call("GET", "/v1/households/fam/webhook", Some(&token), None)
        .await;
    assert_eq!(status, StatusCode::OK, "{log}");
    assert_eq!(log["url"], url.as_str());
    assert!(
        log.get("secret").is_none(),
        "the secret is shown once: {log}"
    );
    assert_eq!(log["events"][0]["id"], id);
    assert_eq!(log["events"][0]["state"], "delivered");
    assert_eq!(log["events"][0]["attempts"], 2);
    let attempts = log["attempts"].as_array().unwrap();
    assert_eq!(attempts.len(), 2, "{log}");
    assert_eq!(attempts[0]["attempt"], 2);
    assert_eq!(attempts[0]["status"], 200);
    assert_eq!(attempts[1]["status"], 500);
    assert_eq!(attempts[1]["error"], "the receiver answered 500");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_unreachable_receiver_is_retried_with_backoff_then_given_up() {
    let s = local_service().await;
    s.sample_brand("dairy").await;
    let token = s.family("fam").await;
    // Nothing listens on this port once the listener is dropped.
    let port = {
        let l = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
        l.local_addr().unwrap().port()
    };
    let (status, _) = set_webhook(&s, &token, &format!("http://127.0.0.1:{port}/hook")).await;
    assert_eq!(status, StatusCode::OK);
    let (status, _, _) = s
        .call(
            "POST",
            "/v1/households/fam/decisions",
            Some(&token),
            json_body(&milk_need("fam", "need-1")),
        )
        .await;
    assert_eq!(status, StatusCode::CREATED);
    let start = s.platform.now();
    let mut waited = 0;
    for (n, wait) in std::iter::once(0)
        .chain(webhook::RETRY_AFTER_SECS)
        .enumerate()
    {
        waited += wait;
        // A second short of the wait: nothing is due yet.
        if wait > 0 {
            s.clock.set(Timestamp(start.0 + waited - 1));
            let early = s.platform.deliver_webhooks().await.unwrap();
            assert_eq!(early.failed, 0, "attempt {} came early", n + 1);
        }
        s.clock.set(Timestamp(start.0 + waited));
        let round = s.platform.deliver_webhooks().await.unwrap();
        assert_eq!(round.failed, 1, "attempt {}", n + 1);
    }
    s.clock.set(Timestamp(start.0 + waited + 86_400));
    let round = s.platform.deliver_webhooks().await.unwrap();
    assert_eq!(
        round.failed,
        0,
        "given up after {} attempts",
        webhook::MAX_ATTEMPTS
    );
    let (_, log, _) = s
        .call("GET", "/v1/households/fam/webhook", Some(&token), None)
        .await;
    assert_eq!(log["events"][0]["state"], "given_up", "{log}");
    assert_eq!(log["events"][0]["attempts"], webhook::MAX_ATTEMPTS);
    let error = log["attempts"][0]["error"].as_str().unwrap();
    assert!(error.starts_with("could not connect"), "{error}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_webhook_url_that_could_reach_the_operators_network_is_refused() {
    let s = service().await;
    let token = s.family("fam").await;
    for url in [
        "http://hooks.example.com/vitrine",
        "https://127.0.0.1/hook",
        "https://localhost:8443/hook",
        "https://10.0.0.7/hook",
        "https://[::1]/hook",
        "https://[::ffff:169.254.169.254]/latest",
        "https://[fd00::1]/hook",
        "https://user:secret@hooks.example.com/",
        "file:///etc/passwd",
        "hooks.example.com",
    ] {
        let (status, answer) = set_webhook(&s, &token, url).await;
        assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{url}: {answer}");
        assert_eq!(
            answer["error"]["code"], "webhook_url_refused",
            "{url}: {answer}"
        );
        assert_eq!(answer["error"]["field"], "url", "{answer}");
    }
    let (status, log, _) = s
        .call("GET", "/v1/households/fam/webhook", Some(&token), None)
        .await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(log["url"], Value::Null, "nothing was set: {log}");
    // Extremes: a URL over 2,048 bytes, control and bidi characters, an
    // empty one, a port out of range: each refused with a 4xx, nothing set.
    for url in [
        format!("https://hooks.example.com/{}", "a".repeat(3_000)),
        "https://hooks.example.com/\u{0}x".to_owned(),
        "https://hooks.exa\u{202e}mple.com/".to_owned(),
        "https://hooks.example.com\r\nX-Injected: 1/".to_owned(),
        String::new(),
        "https://hooks.example.com:99999/".to_owned(),
    ] {
        let (status, answer) = set_webhook(&s, &token, &url).await;
        assert!(
            status == StatusCode::UNPROCESSABLE_ENTITY || status == StatusCode::BAD_REQUEST,
            "{status} {answer}"
        );
    }
    let (_, log, _) = s
        .call("GET", "/v1/households/fam/webhook", Some(&token), None)
        .await;
    assert_eq!(log["url"], Value::Null, "{log}");
    // A field the API does not take: refused as any bad body is.
    let (status, _, _) = s
        .call(
            "PUT",
            "/v1/households/fam/webhook",
            Some(&token),
            json_body(&json!({"url": "https://hooks.example.com/", "secret": "mine"})),
        )
        .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    // Removing what is not there is not found.
    let (status, _, _) = s
        .call("DELETE", "/v1/households/fam/webhook", Some(&token), None)
        .await;
    assert_eq!(status, StatusCode::NOT_FOUND);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_removed_webhook_gives_up_its_pending_events_and_a_new_one_starts_afresh() {
    let s = local_service().await;
    s.sample_brand("dairy").await;
    let token = s.family("fam").await;
    let (url, received) = receiver(vec![503]).await;
    let (_, first) = set_webhook(&s, &token, &url).await;
    let (status, _, _) = s
        .call(
            "POST",
            "/v1/households/fam/decisions",
            Some(&token),
            json_body(&milk_need("fam", "need-1")),
        )
        .await;
    assert_eq!(status, StatusCode::CREATED);
    assert_eq!(s.platform.deliver_webhooks().await.unwrap().failed, 1);
    let (status, _, _) = s
        .call("DELETE", "/v1/households/fam/webhook", Some(&token), None)
        .await;
    assert_eq!(status, StatusCode::OK);
    let now = s.platform.now();
    s.clock.set(Timestamp(now.0 + 60));
    assert_eq!(
        s.platform.deliver_webhooks().await.unwrap(),
        Default::default()
    );
    let (_, log, _) = s
        .call("GET", "/v1/households/fam/webhook", Some(&token), None)
        .await;
    assert_eq!(log["url"], Value::Null);
    assert_eq!(log["events"][0]["state"], "given_up", "{log}");
    // Set again: a new secret, and the ask from before is not re-sent.
    let (_, second) = set_webhook(&s, &token, &url).await;
    assert_ne!(first["secret"], second["secret"]);
    assert_eq!(
        s.platform.deliver_webhooks().await.unwrap(),
        Default::default()
    );
    assert_eq!(received.lock().unwrap().len(), 1);
}
