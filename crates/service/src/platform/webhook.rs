//! Webhooks: the household is told of its inbox items (an ask waiting, a
//! refusal, a failed delivery, an expired ask) by a POST to a URL it sets,
//! as payment processors tell merchants.
//!
//! - **Signed.** Each request carries `Vitrine-Signature: t=T,v1=HEX`, where
//!   `HEX` is HMAC-SHA256, keyed by the household's secret, of `T.BODY` (the
//!   Unix time of sending, a dot, the exact body). A receiver recomputes it
//!   and refuses a `T` more than [`SIGNATURE_TOLERANCE_SECS`] from its own
//!   clock, so a captured request cannot be replayed later ([`verify`] does
//!   both). The secret is shown once, when the webhook is set.
//! - **At least once, deduplicable.** An event's id (`Vitrine-Event-Id`, and
//!   `id` in the body) is stable: the order and the kind of item. A retry
//!   sends the same bytes under a fresh signature.
//! - **Retried with backoff.** Anything but a 2xx answer within
//!   [`TIMEOUT_SECS`] is retried after [`RETRY_AFTER_SECS`] (10 s, 1 min,
//!   5 min, 30 min, 2 h, 6 h, 12 h): eight attempts over about 21 hours,
//!   then it is given up. Every attempt is in the delivery log the
//!   household reads (`GET /v1/households/{id}/webhook`).
//! - **Only public addresses.** The URL must be `https` and its host must
//!   not be, nor resolve to, a loopback, private, link-local, shared,
//!   multicast or reserved address (IPv4 and IPv6, IPv4 mapped into IPv6
//!   included), so a household cannot make the platform call into the
//!   operator's own network. The check is made when the URL is set and
//!   again on every connection (so a name re-pointed after it was set, DNS
//!   rebinding, is refused too); redirects are not followed. An operator
//!   can allow private addresses and plain `http` (`webhooks` settings), for
//!   a receiver on its own network or in tests.
//!
//! Events are derived from the inbox, as the inbox is from the orders: each
//! round queues the items the household's webhook has not seen, so every
//! path that gives the household something to know is told, with nothing
//! to call at each of them.

use std::net::{IpAddr, Ipv4Addr, SocketAddr};
use std::sync::Arc;
use std::time::{Duration, Instant};

use hmac::{Hmac, Mac};
use serde::{Deserialize, Serialize};
use serde_json::json;
use sha2::Sha256;

use super::{Platform, PlatformError};
use vitrine_core::household::HouseholdId;
use vitrine_store::tokens::Principal;
use vitrine_store::webhooks::{Webhook, WebhookAttempt, WebhookEvent};
use vitrine_types::time::Timestamp;

/// The header carrying the signature.
pub const SIGNATURE_HEADER: &str = "Vitrine-Signature";
/// The header carrying the event's id.
pub const EVENT_ID_HEADER: &str = "Vitrine-Event-Id";
/// How far a signature's time may be from the receiver's clock.
pub const SIGNATURE_TOLERANCE_SECS: i64 = 300;
/// How long a receiver has to answer.
pub const TIMEOUT_SECS: u64 = 10;
/// The wait before each retry: the n-th failed attempt waits
/// `RETRY_AFTER_SECS[n - 1]`; after the last, the event is given up.
pub const RETRY_AFTER_SECS: [i64; 7] = [10, 60, 300, 1_800, 7_200, 21_600, 43_200];
/// Attempts made before an event is given up.
pub const MAX_ATTEMPTS: u32 = RETRY_AFTER_SECS.len() as u32 + 1;
/// Longest URL accepted.
const MAX_URL_BYTES: usize = 2_048;
/// Events sent at once per round.
const ROUND_EVENTS: u32 = 64;

/// What the operator allows webhooks to reach.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct WebhookPolicy {
    /// Allow URLs whose host is (or resolves to) a loopback, private,
    /// link-local or otherwise non-public address. Off by default: a
    /// household's URL must not reach into the operator's network.
    pub allow_private_addresses: bool,
    /// Allow plain `http` URLs. Off by default: events carry the
    /// household's orders.
    pub allow_http: bool,
}

/// A webhook just set: the secret is shown this once.
#[derive(Debug, Clone, Serialize, schemars::JsonSchema)]
pub struct WebhookSet {
    /// Where events are POSTed.
    pub url: String,
    /// The signing secret; setting the webhook again replaces it.
    pub secret: String,
    /// Inbox items from this moment on are sent.
    pub since: Timestamp,
    /// The header that carries the signature (`t=UNIX,v1=HEX`).
    pub signature_header: &'static str,
}

/// Where an event stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, schemars::JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum EventState {
    /// Not yet taken; another attempt is due.
    Pending,
    /// The receiver answered 2xx.
    Delivered,
    /// Every attempt failed, or the webhook was removed first.
    GivenUp,
}

/// One event, for the household.
#[derive(Debug, Clone, Serialize, schemars::JsonSchema)]
pub struct EventView {
    /// Stable id.
    pub id: String,
    /// The inbox item's kind.
    pub kind: String,
    /// Where it stands.
    pub state: EventState,
    /// Attempts made.
    pub attempts: u32,
    /// When it was queued.
    pub created_at: Timestamp,
    /// When the next attempt is due.
    pub next_attempt_at: Option<Timestamp>,
    /// When it was delivered.
    pub delivered_at: Option<Timestamp>,
}

/// One attempt, for the household's delivery log.
#[derive(Debug, Clone, Serialize, schemars::JsonSchema)]
pub struct AttemptView {
    /// The event.
    pub event_id: String,
    /// The event's kind.
    pub kind: String,
    /// 1 for the first attempt.
    pub attempt: u32,
    /// When.
    pub at: Timestamp,
    /// The receiver's status, when it answered.
    pub status: Option<u16>,
    /// Why it failed, when it did.
    pub error: Option<String>,
    /// How long it took.
    pub millis: u64,
}

/// `GET /v1/households/{id}/webhook`: the webhook (without its secret),
/// its recent events and the delivery log.
#[derive(Debug, Clone, Serialize, schemars::JsonSchema)]
pub struct WebhookLog {
    /// The URL, when one is set.
    pub url: Option<String>,
    /// Since when items are sent.
    pub since: Option<Timestamp>,
    /// Recent events, newest first.
    pub events: Vec<EventView>,
    /// Recent attempts, newest first.
    pub attempts: Vec<AttemptView>,
}

/// What one delivery round did.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize)]
pub struct Round {
    /// Events newly queued.
    pub queued: usize,
    /// Events the receivers took.
    pub delivered: usize,
    /// Attempts that failed (retried later, or given up).
    pub failed: usize,
}

/// Why a signature does not verify.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum SignatureError {
    /// The header is not `t=UNIX,v1=HEX[,v1=HEX…]`.
    #[error("the signature header is malformed")]
    Malformed,
    /// The time signed is outside the tolerance: a replay, or a clock off.
    #[error("the signature is {0} s away from now, outside the replay window")]
    OutsideWindow(i64),
    /// No `v1` matches the body.
    #[error("no signature matches the body")]
    Mismatch,
}

fn mac(secret: &str, t: i64, body: &[u8]) -> Hmac<Sha256> {
    // HMAC takes a key of any length.
    let mut mac = Hmac::<Sha256>::new_from_slice(secret.as_bytes())
        .unwrap_or_else(|_| unreachable!("HMAC accepts any key length"));
    mac.update(t.to_string().as_bytes());
    mac.update(b".");
    mac.update(body);
    mac
}

/// The `Vitrine-Signature` value for `body` sent at Unix time `t`.
pub fn signature(secret: &str, t: i64, body: &[u8]) -> String {
    format!(
        "t={t},v1={}",
        hex::encode(mac(secret, t, body).finalize().into_bytes())
    )
}

/// Checks a `Vitrine-Signature` header as a receiver should: the time is
/// within `tolerance_secs` of `now_unix` and one `v1` is the HMAC of
/// `t.body` (compared in constant time).
pub fn verify(
    secret: &str,
    header: &str,
    body: &[u8],
    now_unix: i64,
    tolerance_secs: i64,
) -> Result<(), SignatureError> {
    let mut t = None;
    let mut candidates = Vec::new();
    for part in header.split(',') {
        match part.trim().split_once('=') {
            Some(("t", value)) => {
                t = Some(
                    value
                        .parse::<i64>()
                        .map_err(|_| SignatureError::Malformed)?,
                )
            }
            Some(("v1", value)) => {
                candidates.push(hex::decode(value).map_err(|_| SignatureError::Malformed)?);
            }
            Some(_) => {}
            None => return Err(SignatureError::Malformed),
        }
    }
    let t = t.ok_or(SignatureError::Malformed)?;
    if candidates.is_empty() {
        return Err(SignatureError::Malformed);
    }
    let skew = now_unix.saturating_sub(t);
    if skew.abs() > tolerance_secs {
        return Err(SignatureError::OutsideWindow(skew));
    }
    if candidates
        .iter()
        .any(|c| mac(secret, t, body).verify_slice(c).is_ok())
    {
        Ok(())
    } else {
        Err(SignatureError::Mismatch)
    }
}

/// Whether `ip` is a public unicast address a webhook may reach.
pub fn is_public(ip: IpAddr) -> bool {
    match ip {
        IpAddr::V4(v4) => is_public_v4(v4),
        IpAddr::V6(v6) => {
            if let Some(v4) = v6.to_ipv4_mapped() {
                return is_public_v4(v4);
            }
            let s = v6.segments();
            // 64:ff9b::/96 (NAT64) carries an IPv4 address in its last 32 bits.
            if s[..6] == [0x64, 0xff9b, 0, 0, 0, 0] {
                let o = v6.octets();
                return is_public_v4(Ipv4Addr::new(o[12], o[13], o[14], o[15]));
            }
            !(v6.is_loopback()
                || v6.is_unspecified()
                || v6.is_multicast()
                || (s[0] & 0xfe00) == 0xfc00 // unique local
                || (s[0] & 0xffc0) == 0xfe80 // link-local
                || (s[0] & 0xffc0) == 0xfec0 // site-local (deprecated)
                || (s[0] == 0x2001 && s[1] == 0x0db8) // documentation
                || s[..6] == [0, 0, 0, 0, 0, 0]) // IPv4-compatible, ::/96
        }
    }
}

fn is_public_v4(ip: Ipv4Addr) -> bool {
    let [a, b, c, _] = ip.octets();
    !(ip.is_private()
        || ip.is_loopback()
        || ip.is_link_local()
        || ip.is_broadcast()
        || ip.is_documentation()
        || ip.is_unspecified()
        || ip.is_multicast()
        || a == 0 // "this network"
        || (a == 100 && (b & 0xc0) == 64) // shared address space, 100.64/10
        || (a == 192 && b == 0 && c == 0) // IETF protocol assignments
        || (a == 198 && (b & 0xfe) == 18) // benchmarking, 198.18/15
        || a >= 240) // reserved
}

/// Resolves names for the webhook client, refusing any that resolves to an
/// address that is not public: checked on every connection, so a name
/// re-pointed after it was set is refused too.
struct PublicOnly;

impl reqwest::dns::Resolve for PublicOnly {
    fn resolve(&self, name: reqwest::dns::Name) -> reqwest::dns::Resolving {
        let host = name.as_str().to_owned();
        Box::pin(async move {
            let addrs: Vec<SocketAddr> =
                tokio::net::lookup_host((host.as_str(), 0)).await?.collect();
            if let Some(bad) = addrs.iter().find(|a| !is_public(a.ip())) {
                return Err(format!("{host} resolves to {}, which is not public", bad.ip()).into());
            }
            Ok(Box::new(addrs.into_iter()) as reqwest::dns::Addrs)
        })
    }
}

/// The HTTP client webhooks are sent with, under the operator's policy.
pub(crate) fn client(policy: &WebhookPolicy) -> Result<reqwest::Client, PlatformError> {
    let mut builder = reqwest::Client::builder()
        .timeout(Duration::from_secs(TIMEOUT_SECS))
        .connect_timeout(Duration::from_secs(5))
        .redirect(reqwest::redirect::Policy::none())
        .user_agent(concat!("Vitrine-Webhooks/", env!("CARGO_PKG_VERSION")));
    if !policy.allow_private_addresses {
        builder = builder.dns_resolver(Arc::new(PublicOnly));
    }
    builder
        .build()
        .map_err(|e| PlatformError::invalid("webhook_client", e.to_string()))
}

fn refused(why: impl Into<String>) -> PlatformError {
    PlatformError::invalid_field("webhook_url_refused", "url", why)
}

/// Checks `url` against the policy, without resolving names: the scheme,
/// no credentials, and a host that is not a non-public IP literal.
fn check_url(url: &str, policy: &WebhookPolicy) -> Result<reqwest::Url, PlatformError> {
    if url.len() > MAX_URL_BYTES {
        return Err(refused(format!(
            "the URL is longer than {MAX_URL_BYTES} bytes"
        )));
    }
    // A URL the household cannot read as it is (control, invisible or bidi
    // characters, spaces) is refused rather than percent-encoded.
    if !vitrine_types::text::is_normal(url) || url.contains(' ') {
        return Err(refused(
            "the URL has control, invisible or space characters",
        ));
    }
    let parsed = reqwest::Url::parse(url).map_err(|e| refused(format!("not a URL: {e}")))?;
    match parsed.scheme() {
        "https" => {}
        "http" if policy.allow_http => {}
        "http" => return Err(refused("the URL must use https")),
        other => return Err(refused(format!("the scheme {other} is not https"))),
    }
    if !parsed.username().is_empty() || parsed.password().is_some() {
        return Err(refused("the URL must not carry credentials"));
    }
    if parsed.fragment().is_some() {
        return Err(refused("the URL must not have a fragment"));
    }
    let ip = match parsed.host() {
        None => return Err(refused("the URL has no host")),
        Some(url::Host::Domain(_)) => None,
        Some(url::Host::Ipv4(ip)) => Some(IpAddr::V4(ip)),
        Some(url::Host::Ipv6(ip)) => Some(IpAddr::V6(ip)),
    };
    if let Some(ip) = ip
        && !policy.allow_private_addresses
        && !is_public(ip)
    {
        return Err(refused(format!(
            "{ip} is not a public address (the operator does not allow private ones)"
        )));
    }
    Ok(parsed)
}

/// As [`check_url`], and a host name must not resolve to a non-public
/// address now (a name that does not resolve is accepted: it is checked
/// again at each delivery).
async fn check_url_resolving(
    url: &str,
    policy: &WebhookPolicy,
) -> Result<reqwest::Url, PlatformError> {
    let parsed = check_url(url, policy)?;
    if let (false, Some(url::Host::Domain(host))) = (policy.allow_private_addresses, parsed.host())
    {
        let lookup =
            tokio::time::timeout(Duration::from_secs(2), tokio::net::lookup_host((host, 0))).await;
        if let Ok(Ok(addrs)) = lookup {
            for addr in addrs {
                if !is_public(addr.ip()) {
                    return Err(refused(format!(
                        "{host} resolves to {}, which is not public (the operator does not allow private addresses)",
                        addr.ip()
                    )));
                }
            }
        }
    }
    Ok(parsed)
}

fn unix_now() -> i64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| i64::try_from(d.as_secs()).unwrap_or(i64::MAX))
}

/// The outcome of one attempt.
struct Sent {
    event: WebhookEvent,
    status: Option<u16>,
    error: Option<String>,
    millis: u64,
}

async fn send(
    client: reqwest::Client,
    policy: WebhookPolicy,
    url: String,
    secret: String,
    event: WebhookEvent,
) -> Sent {
    let started = Instant::now();
    let attempt = event.attempts + 1;
    let result = async {
        // The policy again: the URL was checked when set, but the operator
        // may have tightened it since.
        let url = check_url(&url, &policy).map_err(|e| e.to_string())?;
        let body = event.payload.clone().into_bytes();
        let response = client
            .post(url)
            .header("Content-Type", "application/json")
            .header(SIGNATURE_HEADER, signature(&secret, unix_now(), &body))
            .header(EVENT_ID_HEADER, &event.id)
            .header("Vitrine-Attempt", attempt.to_string())
            .body(body)
            .send()
            .await
            .map_err(|e| describe(&e))?;
        Ok::<u16, String>(response.status().as_u16())
    }
    .await;
    let millis = u64::try_from(started.elapsed().as_millis()).unwrap_or(u64::MAX);
    match result {
        Ok(status) if (200..300).contains(&status) => Sent {
            event,
            status: Some(status),
            error: None,
            millis,
        },
        Ok(status) => Sent {
            event,
            status: Some(status),
            error: Some(format!("the receiver answered {status}")),
            millis,
        },
        Err(error) => Sent {
            event,
            status: None,
            error: Some(error),
            millis,
        },
    }
}

/// A reqwest error in a sentence, with its causes (the refusal of a
/// private address is a cause of a connect error).
fn describe(e: &reqwest::Error) -> String {
    let mut text = if e.is_timeout() {
        format!("no answer within {TIMEOUT_SECS} s")
    } else if e.is_connect() {
        "could not connect".to_owned()
    } else {
        "the request failed".to_owned()
    };
    let mut source = std::error::Error::source(e);
    while let Some(cause) = source {
        text.push_str(": ");
        text.push_str(&cause.to_string());
        source = cause.source();
    }
    text
}

impl Platform {
    /// Sets `household`'s webhook to `url` (checked against the operator's
    /// policy) with a new secret, returned this once. Items already in the
    /// inbox are not sent; new ones are.
    pub async fn set_webhook(
        &self,
        household: &str,
        url: &str,
        actor: &Principal,
    ) -> Result<WebhookSet, PlatformError> {
        self.household(household)?;
        let parsed = check_url_resolving(url, &self.webhook_policy).await?;
        let now = self.now();
        let secret = format!("whsec_{}", hex::encode(rand::random::<[u8; 32]>()));
        let webhook = Webhook {
            household: household.to_owned(),
            url: parsed.to_string(),
            secret: secret.clone(),
            since: now,
        };
        let mut tx = self.store.begin().await?;
        tx.set_webhook(&webhook).await?;
        tx.audit(
            now,
            &self.actor(actor),
            "household.webhook_set",
            &self.audit_name(&HouseholdId(household.to_owned())),
            &json!({"host": parsed.host_str()}),
        )
        .await?;
        tx.commit().await?;
        Ok(WebhookSet {
            url: webhook.url,
            secret,
            since: now,
            signature_header: SIGNATURE_HEADER,
        })
    }

    /// Removes `household`'s webhook; events not yet delivered are given
    /// up. Not found when there was none.
    pub async fn remove_webhook(
        &self,
        household: &str,
        actor: &Principal,
    ) -> Result<(), PlatformError> {
        self.household(household)?;
        let now = self.now();
        let mut tx = self.store.begin().await?;
        if !tx.delete_webhook(household).await? {
            return Err(PlatformError::NotFound(format!(
                "webhook of household {household}"
            )));
        }
        tx.audit(
            now,
            &self.actor(actor),
            "household.webhook_removed",
            &self.audit_name(&HouseholdId(household.to_owned())),
            &json!({}),
        )
        .await?;
        tx.commit().await?;
        Ok(())
    }

    /// `household`'s webhook, its recent events and delivery log.
    pub async fn webhook_log(&self, household: &str) -> Result<WebhookLog, PlatformError> {
        self.household(household)?;
        let webhook = self.store.webhook(household).await?;
        let events = self
            .store
            .webhook_events(household, 100)
            .await?
            .into_iter()
            .map(|e| EventView {
                state: match (e.delivered_at, e.next_attempt_at) {
                    (Some(_), _) => EventState::Delivered,
                    (None, Some(_)) => EventState::Pending,
                    (None, None) => EventState::GivenUp,
                },
                id: e.id,
                kind: e.kind,
                attempts: e.attempts,
                created_at: e.created_at,
                next_attempt_at: e.next_attempt_at,
                delivered_at: e.delivered_at,
            })
            .collect();
        let attempts = self
            .store
            .webhook_attempts(household, 200)
            .await?
            .into_iter()
            .map(|a| AttemptView {
                event_id: a.event_id,
                kind: a.kind,
                attempt: a.attempt,
                at: a.at,
                status: a.status,
                error: a.error,
                millis: a.millis,
            })
            .collect();
        Ok(WebhookLog {
            url: webhook.as_ref().map(|w| w.url.clone()),
            since: webhook.map(|w| w.since),
            events,
            attempts,
        })
    }

    /// One delivery round: queues each webhook's new inbox items, then
    /// sends the events due (up to 64 at once) and logs each attempt.
    /// `vitrine serve` runs one every two seconds.
    pub async fn deliver_webhooks(&self) -> Result<Round, PlatformError> {
        // One round at a time across the nodes: each sees what the one
        // before it sent.
        let round_lock = self.store.lock("job:webhooks").await?;
        let now = self.now();
        let mut round = Round::default();
        let webhooks = self.store.webhooks().await?;
        for webhook in &webhooks {
            if self.sync_household(&webhook.household).await.is_err() {
                continue;
            }
            let Ok(items) = self.inbox(&webhook.household).await else {
                continue;
            };
            let fresh: Vec<_> = items
                .into_iter()
                .filter(|i| i.since >= webhook.since)
                .collect();
            if fresh.is_empty() {
                continue;
            }
            let mut tx = self.store.begin().await?;
            for item in fresh {
                let kind = item.kind.as_str();
                let id = format!("{}.{kind}", item.order.id);
                let payload = json!({
                    "id": id,
                    "type": kind,
                    "household": webhook.household,
                    "at": item.since,
                    "expires_at": item.expires_at,
                    "text": item.text,
                    "order": item.order,
                });
                let event = WebhookEvent {
                    household: webhook.household.clone(),
                    id,
                    kind: kind.to_owned(),
                    payload: payload.to_string(),
                    created_at: now,
                    attempts: 0,
                    next_attempt_at: Some(now),
                    delivered_at: None,
                };
                if tx.insert_webhook_event(&event).await? {
                    round.queued += 1;
                }
            }
            tx.commit().await?;
        }
        let due = self.store.due_webhook_events(now, ROUND_EVENTS).await?;
        let mut sending = tokio::task::JoinSet::new();
        for event in due {
            let Some(webhook) = webhooks.iter().find(|w| w.household == event.household) else {
                continue;
            };
            sending.spawn(send(
                self.webhook_client.clone(),
                self.webhook_policy.clone(),
                webhook.url.clone(),
                webhook.secret.clone(),
                event,
            ));
        }
        let mut sent = Vec::new();
        while let Some(done) = sending.join_next().await {
            if let Ok(done) = done {
                sent.push(done);
            }
        }
        if sent.is_empty() {
            return Ok(round);
        }
        let mut tx = self.store.begin().await?;
        for s in sent {
            let attempt = s.event.attempts + 1;
            let delivered = s.error.is_none();
            let next = (!delivered)
                .then(|| RETRY_AFTER_SECS.get(usize::try_from(attempt - 1).unwrap_or(usize::MAX)))
                .flatten()
                .map(|wait| Timestamp(now.0 + wait));
            if delivered {
                round.delivered += 1;
            } else {
                round.failed += 1;
            }
            self.metrics.count(
                "vitrine_webhook_attempts_total",
                &[("outcome", if delivered { "delivered" } else { "failed" })],
            );
            tx.record_webhook_attempt(
                &s.event.household,
                &WebhookAttempt {
                    event_id: s.event.id.clone(),
                    kind: s.event.kind.clone(),
                    attempt,
                    at: now,
                    status: s.status,
                    error: s.error,
                    millis: s.millis,
                },
                next,
                delivered,
            )
            .await?;
        }
        tx.commit().await?;
        round_lock.release().await;
        Ok(round)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_signature_verifies_only_for_its_body_its_secret_and_within_the_window() {
        let body = br#"{"id":"o-1.approval_needed"}"#;
        let header = signature("whsec_a", 1_700_000_000, body);
        assert_eq!(verify("whsec_a", &header, body, 1_700_000_100, 300), Ok(()));
        assert_eq!(
            verify("whsec_a", &header, b"{}", 1_700_000_100, 300),
            Err(SignatureError::Mismatch)
        );
        assert_eq!(
            verify("whsec_b", &header, body, 1_700_000_100, 300),
            Err(SignatureError::Mismatch)
        );
        assert_eq!(
            verify("whsec_a", &header, body, 1_700_000_301, 300),
            Err(SignatureError::OutsideWindow(301))
        );
        for bad in ["", "t=x,v1=00", "v1=00", "t=1", "t=1,v1=zz", "nonsense"] {
            assert_eq!(
                verify("whsec_a", bad, body, 1, 300),
                Err(SignatureError::Malformed),
                "{bad}"
            );
        }
    }

    #[test]
    fn only_public_unicast_addresses_are_public() {
        for private in [
            "127.0.0.1",
            "10.1.2.3",
            "172.16.0.1",
            "192.168.1.1",
            "169.254.169.254",
            "100.64.0.1",
            "0.0.0.0",
            "255.255.255.255",
            "224.0.0.1",
            "198.18.0.1",
            "192.0.0.8",
            "240.0.0.1",
            "::1",
            "::",
            "fc00::1",
            "fd12::1",
            "fe80::1",
            "ff02::1",
            "::ffff:127.0.0.1",
            "::ffff:10.0.0.1",
            "64:ff9b::a00:1",
            "2001:db8::1",
            "::127.0.0.1",
        ] {
            assert!(!is_public(private.parse().unwrap()), "{private}");
        }
        for public in [
            "93.184.216.34",
            "1.1.1.1",
            "2606:4700::1111",
            "::ffff:1.1.1.1",
            "64:ff9b::101:101",
        ] {
            assert!(is_public(public.parse().unwrap()), "{public}");
        }
    }

    #[test]
    fn a_url_is_refused_for_its_scheme_credentials_or_a_private_literal_address() {
        let strict = WebhookPolicy::default();
        assert!(check_url("https://hooks.example.com/vitrine", &strict).is_ok());
        for bad in [
            "http://hooks.example.com/",
            "ftp://hooks.example.com/",
            "https://user:pw@hooks.example.com/",
            "https://hooks.example.com/#x",
            "https://127.0.0.1/",
            "https://[::1]:8443/",
            "https://[::ffff:192.168.0.1]/",
            "https://169.254.169.254/latest/meta-data",
            "https://0x7f.1/",
            "not a url",
        ] {
            let e = check_url(bad, &strict).unwrap_err();
            assert_eq!(e.code(), "webhook_url_refused", "{bad}");
            assert_eq!(e.field(), Some("url"));
        }
        let open = WebhookPolicy {
            allow_private_addresses: true,
            allow_http: true,
        };
        assert!(check_url("http://127.0.0.1:9/", &open).is_ok());
    }

    #[tokio::test]
    async fn a_name_that_resolves_to_a_private_address_is_refused_at_every_connection() {
        let strict = WebhookPolicy::default();
        let e = check_url_resolving("https://localhost:9/", &strict)
            .await
            .unwrap_err();
        assert_eq!(e.code(), "webhook_url_refused");
        // And at connection time, whatever was checked before.
        let name: reqwest::dns::Name = "localhost".parse().unwrap();
        let refused = reqwest::dns::Resolve::resolve(&PublicOnly, name).await;
        assert!(refused.is_err());
    }
}
