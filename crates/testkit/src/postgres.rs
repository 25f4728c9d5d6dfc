//! The PostgreSQL the tests run on: `VITRINE_TEST_POSTGRES` (default
//! `postgres://postgres@127.0.0.1:5432/test`), one schema per test so that
//! tests run in parallel on one database, dropped when the test ends.
//!
//! Unreachable, it fails the test with a message saying what to start or
//! set. A machine without PostgreSQL sets `VITRINE_TEST_POSTGRES=off`: the
//! PostgreSQL tests then run on SQLite and say so (see the README's
//! "Tests").

use std::sync::atomic::{AtomicU32, Ordering};

use sqlx::Connection;
use vitrine_store::Location;

/// The default server (this machine's, and CI's).
pub const DEFAULT_URL: &str = "postgres://postgres@127.0.0.1:5432/test";

/// The server the tests use; `None` when `VITRINE_TEST_POSTGRES=off`.
pub fn url() -> Option<String> {
    match std::env::var("VITRINE_TEST_POSTGRES") {
        Ok(value) if value == "off" => None,
        Ok(value) => Some(value),
        Err(_) => Some(DEFAULT_URL.to_owned()),
    }
}

/// Schemas this process created, for unique names.
static NEXT: AtomicU32 = AtomicU32::new(0);

/// A schema of its own on the test server; dropped (with everything in it)
/// when this is dropped.
#[derive(Debug)]
pub struct Schema {
    name: String,
    server: String,
}

impl Schema {
    /// Creates a fresh schema; `None` (after saying so) when
    /// `VITRINE_TEST_POSTGRES=off`. Panics with the reason when the server
    /// is unreachable.
    pub async fn create() -> Option<Schema> {
        let Some(server) = url() else {
            eprintln!("VITRINE_TEST_POSTGRES=off: this PostgreSQL test runs on SQLite");
            return None;
        };
        let mut conn = match sqlx::PgConnection::connect(&server).await {
            Ok(conn) => conn,
            Err(e) => panic!(
                "PostgreSQL at {server} is unreachable ({e}); the PostgreSQL tests need it: \
                 start it, set VITRINE_TEST_POSTGRES to a server they may create schemas on, \
                 or set VITRINE_TEST_POSTGRES=off to run them on SQLite"
            ),
        };
        let now = std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map_or(0, |d| d.as_secs());
        let name = format!(
            "vt_{now}_{}_{}",
            std::process::id(),
            NEXT.fetch_add(1, Ordering::Relaxed)
        );
        // Schemas a killed test run left behind (over a day old) go first.
        let schemas: Vec<(String,)> =
            sqlx::query_as("SELECT nspname::text FROM pg_namespace WHERE nspname LIKE 'vt\\_%'")
                .fetch_all(&mut conn)
                .await
                .unwrap_or_default();
        for (schema,) in schemas {
            let created: Option<u64> = schema.split('_').nth(1).and_then(|t| t.parse().ok());
            if created.is_some_and(|t| t + 86_400 < now) {
                let _ = sqlx::query(&format!("DROP SCHEMA IF EXISTS \"{schema}\" CASCADE"))
                    .execute(&mut conn)
                    .await;
            }
        }
        sqlx::query(&format!("CREATE SCHEMA \"{name}\""))
            .execute(&mut conn)
            .await
            .unwrap_or_else(|e| panic!("creating schema {name} on {server}: {e}"));
        let _ = conn.close().await;
        Some(Schema { name, server })
    }

    /// The schema's name.
    pub fn name(&self) -> &str {
        &self.name
    }

    /// The store location of this schema: the server's URL with the
    /// schema as its search path.
    pub fn location(&self) -> Location {
        let mut url = url::Url::parse(&self.server).expect("VITRINE_TEST_POSTGRES is a URL");
        url.query_pairs_mut()
            .append_pair("options", &format!("-c search_path={}", self.name));
        Location::Postgres(url.to_string())
    }
}

impl Drop for Schema {
    fn drop(&mut self) {
        let name = self.name.clone();
        let server = self.server.clone();
        // Drop runs inside a test's runtime: the schema is dropped from a
        // thread of its own, with a runtime of its own.
        let done = std::thread::spawn(move || {
            let Ok(runtime) = tokio::runtime::Builder::new_current_thread()
                .enable_all()
                .build()
            else {
                return;
            };
            runtime.block_on(async {
                if let Ok(mut conn) = sqlx::PgConnection::connect(&server).await {
                    let _ = sqlx::query(&format!("DROP SCHEMA IF EXISTS \"{name}\" CASCADE"))
                        .execute(&mut conn)
                        .await;
                    let _ = conn.close().await;
                }
            });
        });
        let _ = done.join();
    }
}
