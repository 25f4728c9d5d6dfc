//! Fixtures for the service tests: a platform over a temporary database
//! with a manual clock, the router over it, and a one-call HTTP helper.

use std::sync::Arc;

use axum::Router;
use axum::body::Body;
use axum::http::{HeaderMap, Request, StatusCode};
use http_body_util::BodyExt;
use serde_json::{Value, json};
use tower::ServiceExt;
use vitrine_service::api::{ApiConfig, router};
use vitrine_service::platform::{Clock, Platform, PlatformConfig, Upload};
use vitrine_sim::samples::Sample;
use vitrine_sim::scenario::{demo_start, family};
use vitrine_types::time::{Day, Timestamp};

/// The operator token every test service accepts.
pub const OPERATOR: &str = "operator-token-for-tests-0001";

/// A platform, its router and its clock, over a temporary database.
pub struct Service {
    /// Holds the database; removed when dropped.
    pub dir: tempfile::TempDir,
    /// The platform.
    pub platform: Arc<Platform>,
    /// The router over it.
    pub router: Router,
    /// Its clock (manual, starting at [`today`] 21:00).
    pub clock: Clock,
}

/// The day the test services start on.
pub fn today() -> Day {
    demo_start().plus(14)
}

/// Opens a platform at `dir/vitrine.db` with the operator token.
pub async fn open_platform(dir: &std::path::Path, clock: Clock) -> Arc<Platform> {
    open_platform_with(dir, None, clock).await
}

/// Same, with compiled plugins cached in `artifacts` (shared between
/// services, so that each one does not compile the same plugins again).
async fn open_platform_with(
    dir: &std::path::Path,
    artifacts: Option<&std::path::Path>,
    clock: Clock,
) -> Arc<Platform> {
    open_configured(dir, artifacts, clock, &|_| {}).await
}

async fn open_configured(
    dir: &std::path::Path,
    artifacts: Option<&std::path::Path>,
    clock: Clock,
    configure: &dyn Fn(&mut PlatformConfig),
) -> Arc<Platform> {
    let mut config = PlatformConfig {
        db: dir.join("vitrine.db"),
        artifact_dir: artifacts.map(std::path::Path::to_owned),
        ..PlatformConfig::default()
    };
    configure(&mut config);
    let platform = Platform::open(config, clock).await.expect("platform opens");
    platform
        .ensure_operator_token(Some(OPERATOR))
        .await
        .expect("operator token");
    Arc::new(platform)
}

/// A fresh service with no brand and no household.
pub async fn service() -> Service {
    fresh_service(None).await
}

/// A fresh service whose platform settings `configure` changes.
pub async fn service_configured(configure: &dyn Fn(&mut PlatformConfig)) -> Service {
    let dir = tempfile::tempdir().expect("tempdir");
    let clock = Clock::manual(Timestamp::at(today(), 21));
    let platform = open_configured(dir.path(), None, clock.clone(), configure).await;
    let router = router(platform.clone(), ApiConfig::default());
    Service {
        dir,
        platform,
        router,
        clock,
    }
}

/// A fresh service whose compiled plugins are cached in `artifacts`.
pub async fn service_sharing(artifacts: &std::path::Path) -> Service {
    fresh_service(Some(artifacts)).await
}

async fn fresh_service(artifacts: Option<&std::path::Path>) -> Service {
    let dir = tempfile::tempdir().expect("tempdir");
    let clock = Clock::manual(Timestamp::at(today(), 21));
    let platform = open_platform_with(dir.path(), artifacts, clock.clone()).await;
    let router = router(platform.clone(), ApiConfig::default());
    Service {
        dir,
        platform,
        router,
        clock,
    }
}

impl Service {
    /// Closes the platform and opens it again on the same database (a
    /// restart), with the same settings changes and the same clock.
    pub async fn restart(self, configure: &dyn Fn(&mut PlatformConfig)) -> Service {
        self.platform.close().await;
        let Service {
            dir,
            platform,
            clock,
            ..
        } = self;
        drop(platform);
        let platform = open_configured(dir.path(), None, clock.clone(), configure).await;
        let router = router(platform.clone(), ApiConfig::default());
        Service {
            dir,
            platform,
            router,
            clock,
        }
    }

    /// Creates brand `name` with its sample plugin enabled; returns its token.
    pub async fn sample_brand(&self, name: &str) -> String {
        let sample = Sample::named(name).expect("a sample");
        let created = self
            .platform
            .create_brand(name, name)
            .await
            .expect("brand created");
        self.platform
            .upload_plugin(
                name,
                Upload {
                    wasm: sample.wasm,
                    catalog_json: Some(sample.catalog_json),
                    enable: true,
                },
            )
            .await
            .expect("sample uploads");
        created.token
    }

    /// Creates household `id` as the demo's family (two weeks of history);
    /// returns its token.
    pub async fn family(&self, id: &str) -> String {
        let mut resident = family(id, 1);
        resident.warm_up(demo_start(), 14);
        self.platform
            .create_household(resident.household)
            .await
            .expect("household created")
            .token
    }

    /// One request through the router: status, JSON body (or `null`), headers.
    pub async fn call(
        &self,
        method: &str,
        path: &str,
        token: Option<&str>,
        body: Option<Body>,
    ) -> (StatusCode, Value, HeaderMap) {
        self.call_with(method, path, token, body, &[]).await
    }

    /// Same, with extra headers.
    pub async fn call_with(
        &self,
        method: &str,
        path: &str,
        token: Option<&str>,
        body: Option<Body>,
        headers: &[(&str, &str)],
    ) -> (StatusCode, Value, HeaderMap) {
        let mut request = Request::builder().method(method).uri(path);
        if let Some(token) = token {
            request = request.header("authorization", format!("Bearer {token}"));
        }
        for (k, v) in headers {
            request = request.header(*k, *v);
        }
        let request = request
            .body(body.unwrap_or_else(Body::empty))
            .expect("request");
        let response = self
            .router
            .clone()
            .oneshot(request)
            .await
            .expect("router answers");
        let status = response.status();
        let headers = response.headers().clone();
        let bytes = response
            .into_body()
            .collect()
            .await
            .expect("body")
            .to_bytes();
        let value = serde_json::from_slice(&bytes).unwrap_or(Value::Null);
        (status, value, headers)
    }
}

/// A JSON body.
pub fn json_body(value: &Value) -> Option<Body> {
    Some(Body::from(value.to_string()))
}

/// A milk need of `household` (a seasonal need stated in full), for
/// `POST /v1/households/{id}/decisions`.
pub fn milk_need(household: &str, id: &str) -> Value {
    let day = today().0;
    json!({"need": {
        "id": id,
        "household": household,
        "kind": "seasonal",
        "category": "food/dairy/milk",
        "quantity": {"amount": 1000, "unit": "millilitre"},
        "earliest_day": day + 1,
        "latest_day": day + 5,
        "raised_at": Timestamp::at(today(), 21).0,
        "reason": {"kind": "seasonal", "rule": "test", "description": "a test need", "child": null, "event_day": day + 2}
    }})
}
