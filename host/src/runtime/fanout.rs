//! Calling many plugins for one need at once.
//!
//! Each call runs on its own blocking thread (wasm execution is synchronous),
//! so a plugin that loops occupies one thread until the epoch interrupts it
//! and never holds up the others. The fan-out returns every outcome by the
//! per-call deadline (capped by the overall one) plus one epoch tick: a call
//! still running then is reported as a timeout, and its thread is reclaimed
//! when the epoch trap fires. A plugin suspended for failing call after call
//! is not called at all: its report says so at once (see `health`).

use std::time::{Duration, Instant};

use super::error::CallError;
use super::health::Admitted;
use super::plugin::Plugin;
use super::report::CallReport;
use crate::model::OfferRequest;

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
    /// The epoch tick (the slack allowed past `overall`).
    pub tick: Duration,
}

/// A call under way, or refused before it started (a suspended plugin).
enum Pending {
    Running(tokio::task::JoinHandle<CallReport>),
    Refused(Box<CallReport>),
}

/// Calls every plugin concurrently and returns one report per call, in the
/// order given.
pub async fn fan_out(calls: Vec<FanOutCall>, deadlines: FanOutDeadlines) -> Vec<CallReport> {
    let started = Instant::now();
    let overall = started + deadlines.overall;
    let call_deadline = (started + deadlines.per_call).min(overall);
    let handles: Vec<_> = calls
        .into_iter()
        .map(
            |FanOutCall { plugin, request }| match Admitted::ask(plugin) {
                Ok(admitted) => Pending::Running(tokio::task::spawn_blocking(move || {
                    admitted.call_until(&request, call_deadline)
                })),
                Err(suspended) => {
                    Pending::Refused(Box::new(CallReport::refused(suspended, started.elapsed())))
                }
            },
        )
        .collect();
    // Every call is interrupted at `call_deadline`; a call still running one
    // tick later (its thread starved, the epoch trap not yet fired) is
    // reported as a timeout without waiting for it.
    let give_up = tokio::time::Instant::from_std(call_deadline + deadlines.tick);
    let mut reports = Vec::with_capacity(handles.len());
    for handle in handles {
        let handle = match handle {
            Pending::Running(handle) => handle,
            Pending::Refused(refused) => {
                reports.push(*refused);
                continue;
            }
        };
        let report = match tokio::time::timeout_at(give_up, handle).await {
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
                    deadline_ms: deadlines.per_call.min(deadlines.overall).as_millis() as u64,
                },
                started.elapsed(),
            ),
        };
        reports.push(report);
    }
    reports
}
