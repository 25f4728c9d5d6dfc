//! The same bidding logic in JavaScript, each call in a fresh V8 context
//! (Node's `vm` module, the model of Protected Audience's bidding worklets),
//! run in a Node child process that times its own calls
//! (`dairy_v8.js`). Measured only where `node` is on the `PATH` (or named
//! by `VITRINE_NODE`).

use std::io::{BufRead, BufReader, Write};
use std::process::{Child, ChildStdin, ChildStdout, Command, Stdio};
use std::time::Duration;

use anyhow::Context as _;

use vitrine_types::{Offer, OfferRequest};

/// The contender's source.
pub const DAIRY_V8_JS: &str = include_str!("dairy_v8.js");

/// A running Node process serving the JavaScript dairy.
pub struct NodeBidder {
    child: Child,
    stdin: ChildStdin,
    stdout: BufReader<ChildStdout>,
    _script: tempfile::TempPath,
}

impl NodeBidder {
    /// Starts Node with `request` and the catalog (JSON); `Ok(None)` when
    /// Node cannot be started.
    pub fn start(request: &OfferRequest, catalog_json: &str) -> anyhow::Result<Option<NodeBidder>> {
        let node = std::env::var_os("VITRINE_NODE").unwrap_or_else(|| "node".into());
        let mut script = tempfile::Builder::new()
            .prefix("vitrine-dairy-v8-")
            .suffix(".js")
            .tempfile()?;
        script.write_all(DAIRY_V8_JS.as_bytes())?;
        let script = script.into_temp_path();
        let spawned = Command::new(&node)
            .arg(&script)
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::inherit())
            .spawn();
        let mut child = match spawned {
            Ok(child) => child,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(None),
            Err(e) => return Err(e).context("starting node"),
        };
        let stdin = child.stdin.take().context("node's stdin")?;
        let stdout = BufReader::new(child.stdout.take().context("node's stdout")?);
        let mut bidder = NodeBidder {
            child,
            stdin,
            stdout,
            _script: script,
        };
        let catalog: serde_json::Value =
            serde_json::from_str(catalog_json).context("parsing the catalog")?;
        let setup = serde_json::json!({ "request": request, "catalog": catalog });
        let ready = bidder.ask(&setup.to_string())?;
        anyhow::ensure!(
            ready == "ready",
            "node answered `{ready}` instead of `ready`"
        );
        Ok(Some(bidder))
    }

    fn ask(&mut self, line: &str) -> anyhow::Result<String> {
        writeln!(self.stdin, "{line}").context("writing to node")?;
        self.stdin.flush()?;
        let mut answer = String::new();
        let read = self
            .stdout
            .read_line(&mut answer)
            .context("reading from node")?;
        anyhow::ensure!(read > 0, "node exited");
        Ok(answer.trim_end().to_owned())
    }

    /// One call's answer: the offers, or the error the script threw (as JSON).
    pub fn check(&mut self) -> anyhow::Result<Result<Vec<Offer>, serde_json::Value>> {
        let answer: serde_json::Value = serde_json::from_str(&self.ask("check")?)?;
        match (answer.get("ok"), answer.get("err")) {
            (Some(ok), _) => Ok(Ok(serde_json::from_value(ok.clone())?)),
            (None, Some(err)) => Ok(Err(err.clone())),
            _ => anyhow::bail!("node answered neither ok nor err: {answer}"),
        }
    }

    /// `n` calls, each timed by Node.
    pub fn round(&mut self, n: usize) -> anyhow::Result<Vec<Duration>> {
        let nanos: Vec<u64> = serde_json::from_str(&self.ask(&format!("round {n}"))?)?;
        anyhow::ensure!(
            nanos.len() == n,
            "node timed {} calls, not {n}",
            nanos.len()
        );
        Ok(nanos.into_iter().map(Duration::from_nanos).collect())
    }
}

impl Drop for NodeBidder {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use vitrine_runtime::{Limits, Runtime};
    use vitrine_sim::samples::Sample;

    /// Node is on the development machines and in CI; where it is missing the
    /// benchmark leaves the contender out, and so does this test.
    #[test]
    fn javascript_dairy_answers_exactly_as_the_compiled_plugin() {
        let runtime = Runtime::new(Limits::default()).unwrap();
        let dairy = Sample::named("dairy").unwrap();
        let plugin = dairy.load(&runtime).unwrap();
        for request in super::super::native::dairy_test_requests() {
            let Some(mut node) = NodeBidder::start(&request, dairy.catalog_json).unwrap() else {
                eprintln!("node is not installed: the V8 contender is not checked");
                return;
            };
            let expected = plugin.call(&request).outcome.unwrap();
            assert_eq!(node.check().unwrap().unwrap(), expected);
            assert_eq!(node.round(3).unwrap().len(), 3);
        }
    }
}
