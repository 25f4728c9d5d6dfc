//! The `vitrine` binary's tests, in one test binary: its commands as a brand
//! and an operator use them, compile bounds, crash safety under SIGKILL,
//! schemathesis against `vitrine serve`.

mod commands;
mod compile_bounds;
mod crash_safety;
mod nodes;
mod scaffold;
mod schemathesis;
mod walkthrough;

use std::path::Path;
use std::process::{Command, Output};

/// The binary under test.
fn exe() -> &'static Path {
    Path::new(env!("CARGO_BIN_EXE_vitrine"))
}

/// Runs `vitrine` with `args` and waits for it.
fn vitrine(args: &[&str]) -> Output {
    Command::new(exe())
        .args(args)
        .output()
        .expect("the vitrine binary runs")
}

/// Its standard output as JSON (panics with both streams when it is not).
fn json(out: &Output) -> serde_json::Value {
    serde_json::from_slice(&out.stdout).unwrap_or_else(|e| {
        panic!(
            "stdout is not JSON ({e}): {}\nstderr: {}",
            String::from_utf8_lossy(&out.stdout),
            String::from_utf8_lossy(&out.stderr)
        )
    })
}
