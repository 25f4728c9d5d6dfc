//! A `vitrine serve` child process on a free port, and a JSON call over
//! HTTP: what the binary's tests (crash safety, schemathesis, the README's
//! walkthrough) share.

use std::io::{BufRead, BufReader};
use std::path::Path;
use std::process::{Child, Command, Stdio};

use serde_json::Value;

/// The operator token the servers start with.
pub const TOKEN: &str = "integration-test-operator-token-0001";

/// A running server; killed with SIGKILL when dropped.
pub struct Server {
    /// The child process.
    pub child: Child,
    /// `http://127.0.0.1:PORT`.
    pub base: String,
}

impl Server {
    /// Starts `vitrine serve` from the binary `exe` (in the binary's own
    /// tests, `env!("CARGO_BIN_EXE_vitrine")`) on `db`, with no needs cycle
    /// and `extra` arguments, and waits until it listens.
    pub fn start(exe: &Path, db: impl AsRef<std::ffi::OsStr>, extra: &[&str]) -> Server {
        let mut child = Command::new(exe)
            .args([
                "serve",
                "--listen",
                "127.0.0.1:0",
                "--needs-interval-secs",
                "0",
                "--db",
            ])
            .arg(db)
            .args(extra)
            .env("VITRINE_OPERATOR_TOKEN", TOKEN)
            .env_remove("VITRINE_CONFIG")
            .stdin(Stdio::null())
            .stdout(Stdio::piped())
            .stderr(Stdio::inherit())
            .spawn()
            .expect("vitrine serve starts");
        let mut line = String::new();
        BufReader::new(child.stdout.take().unwrap())
            .read_line(&mut line)
            .unwrap();
        let addr = line
            .split("http://")
            .nth(1)
            .and_then(|rest| rest.split_whitespace().next())
            .unwrap_or_else(|| panic!("no address in `{line}`"))
            .to_owned();
        Server {
            child,
            base: format!("http://{addr}"),
        }
    }

    /// SIGKILL (what `Child::kill` sends on Unix), then reap.
    pub fn kill(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        self.kill();
    }
}

/// One JSON call: the status and the body (`null` when not JSON).
pub async fn call(
    client: &reqwest::Client,
    method: reqwest::Method,
    url: String,
    token: &str,
    body: Option<Value>,
) -> Result<(u16, Value), reqwest::Error> {
    let mut request = client.request(method, url).bearer_auth(token);
    if let Some(body) = body {
        request = request.json(&body);
    }
    let response = request.send().await?;
    let status = response.status().as_u16();
    let value = response.json().await.unwrap_or(Value::Null);
    Ok((status, value))
}
