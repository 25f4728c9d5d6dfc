//! Suspending a plugin whose calls keep failing (a circuit breaker).
//!
//! A plugin that loops burns a core up to its deadline in every auction it
//! enters; one that traps or runs out of memory does its damage before
//! failing. Either way the brands that answer pay for it in latency, and
//! the platform in CPU. So after `suspend_after_failures` failed calls in a
//! row (timeout, trap, out of fuel, memory, a denied capability, an answer
//! over the output limits) the plugin is suspended for `suspension`: its
//! calls are refused at once as [`CallError::Suspended`] and it loses as
//! `suspended`. When the suspension ends, one call is let through as a
//! probe while the others stay refused: if it answers, the plugin is back;
//! if it fails, the next suspension is twice as long, up to
//! `max_suspension`.
//!
//! A plugin's own bid error is an answer, not a failure. A call refused
//! before the plugin ran (an invalid request, no free sandbox slot) says
//! nothing about the plugin and counts neither way; nor does a timeout of a
//! call that had used under a quarter of its fuel: the plugin was starved
//! of CPU by the host's load, not at fault. A call that answers but burned
//! at least `heavy_fuel_percent` of its fuel counts like a failure: a
//! plugin that keeps running near its budget is suspended like one that
//! fails. The state belongs to
//! one loaded version of the plugin: a new upload starts clean, a catalog
//! or limits change keeps it.

use std::sync::Mutex;
use std::time::{Duration, Instant};

use serde::{Deserialize, Serialize};

use super::limits::Limits;
use super::plugin::Plugin;
use super::report::CallReport;
use vitrine_types::CallError;
use vitrine_types::OfferRequest;

/// What a call's outcome says about the plugin.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Verdict {
    /// It answered (offers, none, or its own bid error) within a
    /// reasonable share of its budget.
    Answered,
    /// It failed in a way that is its own doing, or answered only after
    /// burning a heavy share of its fuel.
    Failed,
    /// The call never tested it: refused before it ran, or starved of CPU
    /// by the host's load (timed out having used little fuel).
    Untested,
}

/// A timeout counts against the plugin only if it was working: it used at
/// least this share, in percent, of its fuel, or of its deadline in CPU
/// time. One that timed out having used less was starved of CPU by the
/// host's load (other plugins, other decisions), which is not its doing: a
/// well-behaved plugin that merely shares a loaded machine with a heavy one
/// is never suspended for it.
const TIMEOUT_BLAME_PERCENT: u64 = 25;

fn verdict(report: &CallReport, limits: &Limits) -> Verdict {
    // What the plugin surely used: a call's CPU time counts up to one tick
    // before its clock started (`runtime::clock`), which on a loaded
    // machine is the host's time as often as the plugin's. With a short
    // deadline that tick alone came close to the blame share, so a starved
    // honest plugin could be blamed for a few hundred microseconds of CPU.
    let cpu = report.cpu_time.saturating_sub(limits.epoch_tick);
    let share = |percent: u64| {
        report.fuel_used.saturating_mul(100) >= limits.fuel.saturating_mul(percent)
            || cpu.as_micros().saturating_mul(100)
                >= limits
                    .deadline
                    .as_micros()
                    .saturating_mul(u128::from(percent))
    };
    let heavy = limits.heavy_fuel_percent > 0 && share(u64::from(limits.heavy_fuel_percent));
    match &report.outcome {
        Ok(_) | Err(CallError::PluginError(_)) if heavy => Verdict::Failed,
        Ok(_) | Err(CallError::PluginError(_)) => Verdict::Answered,
        Err(
            CallError::InvalidInput { .. } | CallError::Overloaded | CallError::Suspended { .. },
        ) => Verdict::Untested,
        Err(CallError::Timeout { .. }) if !share(TIMEOUT_BLAME_PERCENT) => Verdict::Untested,
        Err(
            CallError::Timeout { .. }
            | CallError::OutOfFuel { .. }
            | CallError::MemoryLimit { .. }
            | CallError::Trap { .. }
            | CallError::Denied { .. }
            | CallError::InvalidOutput { .. }
            | CallError::Instantiation { .. },
        ) => Verdict::Failed,
    }
}

/// One plugin version's record of failures.
#[derive(Debug, Default)]
pub(super) struct Health {
    state: Mutex<State>,
}

#[derive(Debug, Default)]
struct State {
    /// Failed calls in a row.
    failures: u32,
    /// Suspensions in a row (the next lasts `suspension × 2^suspensions`).
    suspensions: u32,
    /// Suspended until then (a probe is let through after it).
    until: Option<Instant>,
    /// A probe call is under way.
    probing: bool,
}

/// A plugin's health as the platform shows it to its brand and operator.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct HealthStatus {
    /// Failed calls in a row.
    pub failures_in_a_row: u32,
    /// Whether calls are refused now.
    pub suspended: bool,
    /// When the next call will be let through, from now (0 when not
    /// suspended, or when the probe is due or under way).
    pub retry_in_ms: u64,
}

impl Health {
    fn lock(&self) -> std::sync::MutexGuard<'_, State> {
        self.state.lock().unwrap_or_else(|p| p.into_inner())
    }

    /// Whether a call may go ahead now; `Ok(true)` for a probe.
    fn admit(&self, limits: &Limits, now: Instant) -> Result<bool, CallError> {
        if limits.suspend_after_failures == 0 {
            return Ok(false);
        }
        let mut state = self.lock();
        match state.until {
            None => Ok(false),
            Some(until) if now < until || state.probing => Err(CallError::Suspended {
                failures: state.failures,
                retry_in_ms: until.saturating_duration_since(now).as_millis() as u64,
            }),
            Some(_) => {
                state.probing = true;
                Ok(true)
            }
        }
    }

    fn record(&self, limits: &Limits, probe: bool, verdict: Verdict, now: Instant) {
        if limits.suspend_after_failures == 0 {
            return;
        }
        let mut state = self.lock();
        match verdict {
            Verdict::Answered => *state = State::default(),
            Verdict::Untested => {
                if probe {
                    // The probe did not reach the plugin: the next call probes.
                    state.probing = false;
                }
            }
            Verdict::Failed => {
                state.failures = state.failures.saturating_add(1);
                let suspend = if probe {
                    state.probing = false;
                    true
                } else {
                    // Calls already under way when the plugin was suspended
                    // add to the count without extending the suspension.
                    state.until.is_none() && state.failures >= limits.suspend_after_failures
                };
                if suspend {
                    let doublings = state.suspensions.min(20);
                    state.suspensions = state.suspensions.saturating_add(1);
                    let length = limits
                        .suspension
                        .saturating_mul(1 << doublings)
                        .min(limits.max_suspension);
                    state.until = Some(now + length);
                }
            }
        }
    }

    /// Suspends the plugin until `until` at least (another node found it
    /// failing): calls are refused until then, then one probes as after a
    /// suspension of its own. A longer suspension already running stays.
    pub(super) fn suspend_until(&self, until: Instant, failures: u32) {
        let mut state = self.lock();
        if state.until.is_none_or(|u| u < until) {
            state.until = Some(until);
        }
        state.failures = state.failures.max(failures);
    }

    /// The status now.
    pub(super) fn status(&self, now: Instant) -> HealthStatus {
        let state = self.lock();
        HealthStatus {
            failures_in_a_row: state.failures,
            suspended: state.until.is_some_and(|u| now < u) || state.probing,
            retry_in_ms: state
                .until
                .map_or(Duration::ZERO, |u| u.saturating_duration_since(now))
                .as_millis() as u64,
        }
    }
}

/// A call the plugin's health let through. Running it records its outcome
/// (with the fuel it used, which tells a plugin that was working from one
/// starved by the host's load); dropped without running (the host task
/// failed), it records that the plugin was not tested, so a probe can never
/// be left hanging. A caller that stops waiting for the call records
/// nothing: the call ends within one epoch tick of its deadline and records
/// itself.
pub struct Admitted {
    plugin: Plugin,
    probe: bool,
    recorded: bool,
}

impl Admitted {
    /// Asks `plugin` whether it may be called now: a suspended plugin's call
    /// is refused with [`CallError::Suspended`] without running anything.
    pub fn ask(plugin: Plugin) -> Result<Admitted, CallError> {
        let probe = plugin.health().admit(plugin.limits(), Instant::now())?;
        Ok(Admitted {
            plugin,
            probe,
            recorded: false,
        })
    }

    fn finish(&mut self, verdict: Verdict) {
        if !std::mem::replace(&mut self.recorded, true) {
            let plugin = &self.plugin;
            plugin
                .health()
                .record(plugin.limits(), self.probe, verdict, Instant::now());
        }
    }

    /// Runs the call (see [`Plugin::call_until`]) and records its outcome.
    pub(crate) fn call_until(mut self, request: &OfferRequest, deadline: Instant) -> CallReport {
        let report = self.plugin.call_until(request, deadline);
        self.finish(verdict(&report, self.plugin.limits()));
        report
    }
}

impl Drop for Admitted {
    fn drop(&mut self) {
        self.finish(Verdict::Untested);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn limits() -> Limits {
        Limits {
            suspend_after_failures: 3,
            suspension: Duration::from_secs(1),
            max_suspension: Duration::from_secs(4),
            ..Limits::default()
        }
    }

    fn fail(health: &Health, limits: &Limits, now: Instant) {
        let probe = health.admit(limits, now).expect("admitted");
        health.record(limits, probe, Verdict::Failed, now);
    }

    #[test]
    fn plugin_is_suspended_after_the_stated_number_of_failures_in_a_row() {
        let (health, limits, t0) = (Health::default(), limits(), Instant::now());
        fail(&health, &limits, t0);
        fail(&health, &limits, t0);
        assert_eq!(
            health.admit(&limits, t0),
            Ok(false),
            "two failures are not enough"
        );
        fail(&health, &limits, t0);
        let refused = health.admit(&limits, t0 + Duration::from_millis(400));
        assert_eq!(
            refused,
            Err(CallError::Suspended {
                failures: 3,
                retry_in_ms: 600
            })
        );
        assert!(health.status(t0).suspended);
    }

    #[test]
    fn an_answer_between_failures_resets_the_count() {
        let (health, limits, t0) = (Health::default(), limits(), Instant::now());
        fail(&health, &limits, t0);
        fail(&health, &limits, t0);
        health.record(&limits, false, Verdict::Answered, t0);
        fail(&health, &limits, t0);
        fail(&health, &limits, t0);
        assert_eq!(health.admit(&limits, t0), Ok(false));
        assert_eq!(health.status(t0).failures_in_a_row, 2);
    }

    #[test]
    fn one_probe_is_let_through_after_the_suspension_and_its_answer_lifts_it() {
        let (health, limits, t0) = (Health::default(), limits(), Instant::now());
        for _ in 0..3 {
            fail(&health, &limits, t0);
        }
        let after = t0 + Duration::from_secs(1);
        assert_eq!(health.admit(&limits, after), Ok(true), "the probe");
        assert!(
            matches!(
                health.admit(&limits, after),
                Err(CallError::Suspended { .. })
            ),
            "only one probe at a time"
        );
        health.record(&limits, true, Verdict::Answered, after);
        assert_eq!(health.admit(&limits, after), Ok(false));
        assert_eq!(health.status(after).failures_in_a_row, 0);
    }

    #[test]
    fn each_failed_probe_doubles_the_suspension_up_to_the_longest() {
        let (health, limits, t0) = (Health::default(), limits(), Instant::now());
        for _ in 0..3 {
            fail(&health, &limits, t0);
        }
        let mut now = t0;
        for expected_ms in [1_000, 2_000, 4_000, 4_000] {
            assert_eq!(health.status(now).retry_in_ms, expected_ms);
            now += Duration::from_millis(expected_ms);
            assert_eq!(health.admit(&limits, now), Ok(true));
            health.record(&limits, true, Verdict::Failed, now);
        }
    }

    #[test]
    fn a_probe_that_never_reached_the_plugin_leaves_the_next_call_to_probe() {
        let (health, limits, t0) = (Health::default(), limits(), Instant::now());
        for _ in 0..3 {
            fail(&health, &limits, t0);
        }
        let after = t0 + Duration::from_secs(1);
        assert_eq!(health.admit(&limits, after), Ok(true));
        health.record(&limits, true, Verdict::Untested, after);
        assert_eq!(health.admit(&limits, after), Ok(true), "probes again");
    }

    #[test]
    fn failures_of_calls_already_under_way_do_not_extend_the_suspension() {
        let (health, limits, t0) = (Health::default(), limits(), Instant::now());
        for _ in 0..3 {
            fail(&health, &limits, t0);
        }
        let later = t0 + Duration::from_millis(500);
        health.record(&limits, false, Verdict::Failed, later);
        assert_eq!(health.status(later).retry_in_ms, 500);
        assert_eq!(health.status(later).failures_in_a_row, 4);
    }

    #[test]
    fn zero_failures_to_suspend_never_suspends() {
        let limits = Limits {
            suspend_after_failures: 0,
            ..limits()
        };
        let (health, t0) = (Health::default(), Instant::now());
        for _ in 0..100 {
            fail(&health, &limits, t0);
        }
        assert_eq!(health.admit(&limits, t0), Ok(false));
    }

    fn report(outcome: Result<Vec<vitrine_types::Offer>, CallError>, fuel_used: u64) -> CallReport {
        CallReport {
            fuel_used,
            outcome,
            ..CallReport::refused(CallError::Overloaded, Duration::ZERO)
        }
    }

    #[test]
    fn a_bid_error_is_an_answer_and_a_refused_request_tests_nothing() {
        use vitrine_types::BidError;
        let limits = Limits::default();
        let light = 20_000;
        assert_eq!(
            verdict(
                &report(Err(CallError::PluginError(BidError::OutOfStock)), light),
                &limits
            ),
            Verdict::Answered
        );
        assert_eq!(
            verdict(&report(Ok(Vec::new()), light), &limits),
            Verdict::Answered
        );
        assert_eq!(
            verdict(&report(Err(CallError::Overloaded), 0), &limits),
            Verdict::Untested
        );
    }

    #[test]
    fn a_timeout_blames_a_plugin_that_was_working_not_one_starved_by_the_host() {
        let limits = Limits::default();
        let timeout = || Err(CallError::Timeout { deadline_ms: 50 });
        assert_eq!(
            verdict(&report(timeout(), 30_000), &limits),
            Verdict::Untested,
            "an honest plugin that never got the CPU"
        );
        assert_eq!(
            verdict(&report(timeout(), limits.fuel / 2), &limits),
            Verdict::Failed
        );
    }

    #[test]
    fn a_starved_call_is_not_blamed_for_the_tick_before_its_clock_started() {
        // A 5 ms deadline: the blame share is 1.25 ms of CPU, and a call
        // counts up to one 1 ms tick before its clock starts.
        let limits = Limits {
            deadline: Duration::from_millis(5),
            ..Limits::default()
        };
        let timeout = |cpu_ms: f64| CallReport {
            cpu_time: Duration::from_secs_f64(cpu_ms / 1000.0),
            ..report(Err(CallError::Timeout { deadline_ms: 5 }), 30_000)
        };
        assert_eq!(
            verdict(&timeout(1.4), &limits),
            Verdict::Untested,
            "one tick of unknown time and 0.4 ms of measured CPU"
        );
        assert_eq!(
            verdict(&timeout(4.5), &limits),
            Verdict::Failed,
            "working through the deadline"
        );
    }

    #[test]
    fn an_answer_that_burns_half_the_fuel_counts_as_a_failure() {
        let limits = Limits::default();
        assert_eq!(
            verdict(&report(Ok(Vec::new()), limits.fuel / 2), &limits),
            Verdict::Failed
        );
        assert_eq!(
            verdict(&report(Ok(Vec::new()), limits.fuel / 2 - 1), &limits),
            Verdict::Answered
        );
        let off = Limits {
            heavy_fuel_percent: 0,
            ..Limits::default()
        };
        assert_eq!(
            verdict(&report(Ok(Vec::new()), off.fuel), &off),
            Verdict::Answered
        );
    }
}
