//! Fixtures for the service tests: a platform over a temporary database
//! with a manual clock, the router over it, and a one-call HTTP helper.

use std::sync::Arc;

use axum::Router;
use axum::body::Body;
use axum::http::{HeaderMap, Request, StatusCode};
use http_body_util::BodyExt;
use serde_json::{Value, json};
use std::path::Path;
use tower::ServiceExt;
use vitrine_service::api::{ApiConfig, router};
use vitrine_service::platform::{Clock, Platform, PlatformConfig, Upload};

use crate::postgres::Schema;
use vitrine_sim::samples::Sample;
use vitrine_sim::scenario::{demo_start, family};
use vitrine_store::Location;
use vitrine_types::time::{Day, Timestamp};

/// The operator token every test service accepts.
pub const OPERATOR: &str = "operator-token-for-tests-0001";

/// A platform, its router and its clock, over a temporary database.
pub struct Service {
    /// Holds the SQLite database (and compiled plugins); removed when
    /// dropped.
    pub dir: tempfile::TempDir,
    /// The platform.
    pub platform: Arc<Platform>,
    /// The router over it.
    pub router: Router,
    /// Its clock (manual, starting at [`today`] 21:00).
    pub clock: Clock,
    /// Where its database is.
    pub db: Location,
    /// The PostgreSQL schema, for a service on PostgreSQL (dropped last).
    pub schema: Option<Arc<Schema>>,
}

/// Which database a test service runs on.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TestBackend {
    /// A SQLite file in the service's temporary directory.
    Sqlite,
    /// A schema of its own on the test PostgreSQL (see [`crate::postgres`]).
    Postgres,
}

/// The day the test services start on.
pub fn today() -> Day {
    demo_start().plus(14)
}

/// A database for a test service on `backend`, in `dir` for SQLite (or
/// when PostgreSQL tests are turned off).
async fn database(backend: TestBackend, dir: &Path) -> (Location, Option<Arc<Schema>>) {
    if backend == TestBackend::Postgres
        && let Some(schema) = Schema::create().await
    {
        return (schema.location(), Some(Arc::new(schema)));
    }
    (dir.join("vitrine.db").into(), None)
}

/// Opens a platform on `db` (another node on the same database, for
/// PostgreSQL), its compiled plugins cached in `dir`, with the operator
/// token.
pub async fn open_node(db: &Location, dir: &Path, clock: Clock) -> Arc<Platform> {
    open_configured(db, dir, None, clock, &|_| {}).await
}

/// Opens a platform at `dir/vitrine.db` with the operator token.
pub async fn open_platform(dir: &Path, clock: Clock) -> Arc<Platform> {
    open_configured(&dir.join("vitrine.db").into(), dir, None, clock, &|_| {}).await
}

async fn open_configured(
    db: &Location,
    dir: &Path,
    artifacts: Option<&Path>,
    clock: Clock,
    configure: &dyn Fn(&mut PlatformConfig),
) -> Arc<Platform> {
    let mut config = PlatformConfig {
        db: db.clone(),
        artifact_dir: Some(artifacts.map_or_else(|| dir.join("vitrine.artifacts"), Path::to_owned)),
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
    service_on(TestBackend::Sqlite, None, &|_| {}).await
}

/// A fresh service whose platform settings `configure` changes.
pub async fn service_configured(configure: &dyn Fn(&mut PlatformConfig)) -> Service {
    service_on(TestBackend::Sqlite, None, configure).await
}

/// A fresh service whose compiled plugins are cached in `artifacts`.
pub async fn service_sharing(artifacts: &Path) -> Service {
    service_on(TestBackend::Sqlite, Some(artifacts), &|_| {}).await
}

/// A fresh service on `backend`, its compiled plugins cached in
/// `artifacts` (default: its own directory), its settings changed by
/// `configure`.
pub async fn service_on(
    backend: TestBackend,
    artifacts: Option<&Path>,
    configure: &dyn Fn(&mut PlatformConfig),
) -> Service {
    let dir = tempfile::tempdir().expect("tempdir");
    let (db, schema) = database(backend, dir.path()).await;
    let clock = Clock::manual(Timestamp::at(today(), 21));
    let platform = open_configured(&db, dir.path(), artifacts, clock.clone(), configure).await;
    let router = router(platform.clone(), ApiConfig::default());
    Service {
        dir,
        platform,
        router,
        clock,
        db,
        schema,
    }
}

/// The same fixtures, on PostgreSQL: the PostgreSQL test binary
/// (`tests/postgres`) runs the API suite with these in place of the
/// SQLite ones.
pub mod on_postgres {
    use super::*;

    /// [`super::service`], on PostgreSQL.
    pub async fn service() -> Service {
        service_on(TestBackend::Postgres, None, &|_| {}).await
    }

    /// [`super::service_configured`], on PostgreSQL.
    pub async fn service_configured(configure: &dyn Fn(&mut PlatformConfig)) -> Service {
        service_on(TestBackend::Postgres, None, configure).await
    }

    /// [`super::service_sharing`], on PostgreSQL.
    pub async fn service_sharing(artifacts: &Path) -> Service {
        service_on(TestBackend::Postgres, Some(artifacts), &|_| {}).await
    }

    /// [`super::open_platform`], on PostgreSQL: a platform on the schema
    /// of `dir` (created the first time; opening `dir` again is a restart
    /// on the same database). The schema lives as long as the process and
    /// is left for a later run's clean-up (a day later).
    pub async fn open_platform(dir: &Path, clock: Clock) -> Arc<Platform> {
        static SCHEMAS: std::sync::Mutex<Vec<(std::path::PathBuf, Location)>> =
            std::sync::Mutex::new(Vec::new());
        let known = SCHEMAS
            .lock()
            .expect("schemas")
            .iter()
            .find(|(d, _)| d == dir)
            .map(|(_, db)| db.clone());
        let db = match known {
            Some(db) => db,
            None => {
                let (db, schema) = database(TestBackend::Postgres, dir).await;
                std::mem::forget(schema);
                SCHEMAS
                    .lock()
                    .expect("schemas")
                    .push((dir.to_owned(), db.clone()));
                db
            }
        };
        open_configured(&db, dir, None, clock, &|_| {}).await
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
            db,
            schema,
            ..
        } = self;
        drop(platform);
        let platform = open_configured(&db, dir.path(), None, clock.clone(), configure).await;
        let router = router(platform.clone(), ApiConfig::default());
        Service {
            dir,
            platform,
            router,
            clock,
            db,
            schema,
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
