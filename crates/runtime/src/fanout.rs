//! Asking plugins for offers from async code, one or many at once.
//!
//! Each call runs on its own blocking thread (wasm execution is synchronous),
//! so a plugin that loops occupies one thread until the epoch interrupts it
//! and never holds up the others. [`ask`] starts its call at once and
//! returns a future that resolves by the call's deadline plus one epoch
//! tick: a call still running then is reported as a timeout, and its thread
//! is reclaimed when the epoch trap fires. A plugin suspended for failing
//! call after call is not called at all: its report says so at once (see
//! `health`). [`fan_out`] asks many.

use std::future::Future;
use std::time::{Duration, Instant};

use vitrine_types::{CallError, OfferRequest};

use super::health::Admitted;
use super::plugin::Plugin;
use super::report::CallReport;

/// One plugin and the request it gets (request ids differ per brand).
#[derive(Debug, Clone)]
pub struct FanOutCall {
    /// The plugin.
    pub plugin: Plugin,
    /// Its request.
    pub request: OfferRequest,
}

/// Deadlines of a fan-out.
#[derive(Debug, Clone, Copy)]
pub struct FanOutDeadlines {
    /// Each plugin's own deadline.
    pub per_call: Duration,
    /// The whole fan-out's deadline (caps the per-call one); the fan-out
    /// returns by the earlier of the two plus one tick.
    pub overall: Duration,
    /// The epoch tick (the slack allowed past the deadline).
    pub tick: Duration,
}

/// Starts asking `plugin` for offers, to be interrupted at `deadline`, and
/// returns the call's report: by `deadline + grace` at the latest (a call
/// still running then, its thread starved, is reported as a timeout without
/// waiting for it). The call starts before this returns, on a blocking
/// thread of the current Tokio runtime; awaiting only collects it.
pub fn ask(
    plugin: Plugin,
    request: OfferRequest,
    deadline: Instant,
    grace: Duration,
) -> impl Future<Output = CallReport> + Send + 'static {
    let started = Instant::now();
    let nominal = deadline.saturating_duration_since(started);
    let running = Admitted::ask(plugin).map(|admitted| {
        tokio::task::spawn_blocking(move || admitted.call_until(&request, deadline))
    });
    async move {
        let handle = match running {
            Ok(handle) => handle,
            Err(suspended) => return CallReport::refused(suspended, started.elapsed()),
        };
        let give_up = tokio::time::Instant::from_std(deadline + grace);
        match tokio::time::timeout_at(give_up, handle).await {
            Ok(Ok(report)) => report,
            Ok(Err(join_error)) => CallReport::refused(
                CallError::Trap {
                    message: format!("the host task running the plugin failed: {join_error}"),
                    panic: None,
                },
                started.elapsed(),
            ),
            // The call records its own verdict when it ends, within a tick.
            Err(_) => CallReport::refused(
                CallError::Timeout {
                    deadline_ms: nominal.as_micros().div_ceil(1000) as u64,
                },
                started.elapsed(),
            ),
        }
    }
}

/// Calls every plugin concurrently and returns one report per call, in the
/// order given, by the earlier of the per-call and overall deadlines plus
/// one tick.
pub async fn fan_out(calls: Vec<FanOutCall>, deadlines: FanOutDeadlines) -> Vec<CallReport> {
    let started = Instant::now();
    let call_deadline = started + deadlines.per_call.min(deadlines.overall);
    let pending: Vec<_> = calls
        .into_iter()
        .map(|FanOutCall { plugin, request }| ask(plugin, request, call_deadline, deadlines.tick))
        .collect();
    let mut reports = Vec::with_capacity(pending.len());
    for call in pending {
        reports.push(call.await);
    }
    reports
}
