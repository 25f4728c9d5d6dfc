//! A call's deadline and the CPU time it used.
//!
//! The wall-clock deadline is enforced with wasmtime's epochs: a ticker
//! thread advances the engine's epoch every `epoch_tick`, and compiled
//! plugin code checks it at function entries and loop headers. Each call
//! arms its store to be called back at the first tick after it starts;
//! from then on the callback extends the deadline to the call's own
//! deadline instant, and interrupts the call (`timeout`) once it is past.
//!
//! The callback is also where the call's CPU clock starts. The health
//! record needs CPU time to tell a plugin that worked through its deadline
//! (blamed) from one starved of CPU by the host's load (never blamed; see
//! `runtime::health`). Reading a thread's CPU clock is a system call (about
//! 0.4 µs here, a few percent of a whole call), so it is read only by calls
//! that outlive a tick, which are the only ones whose CPU time can matter:
//! a call that ends within its first tick used at most its wall time. For
//! the rest, the CPU time before the first tick is counted as at most one
//! tick (the epoch advanced within a tick of the start, and running code
//! notices it at its next check), and measured exactly after it.

use super::metering::Metered;
use std::time::{Duration, Instant};

use cpu_time::ThreadTime;
use wasmtime::{StoreContextMut, UpdateDeadline};

/// The clock of one call (kept in its store).
#[derive(Debug)]
pub(crate) struct CallClock {
    started: Instant,
    deadline: Instant,
    tick: Duration,
    /// When the first tick was noticed, and the thread's CPU clock then
    /// (the time the thread has run since it started).
    first_tick: Option<(Instant, Option<Duration>)>,
}

impl CallClock {
    /// A clock for a call starting now that must end by `deadline`, on an
    /// engine whose epoch advances every `tick`.
    pub fn new(deadline: Instant, tick: Duration) -> Self {
        CallClock {
            started: Instant::now(),
            deadline,
            tick: tick.max(Duration::from_micros(1)),
            first_tick: None,
        }
    }

    /// The CPU time the call has used so far: its wall time if it has not
    /// yet seen a tick; otherwise at most one tick before the first tick it
    /// saw plus the thread's CPU time since. Read it on the thread that ran
    /// the call (a call runs on one thread, from start to end).
    pub fn cpu_time(&self) -> Duration {
        match self.first_tick {
            None => self.started.elapsed(),
            Some((at, cpu)) => {
                let before = at.duration_since(self.started).min(self.tick);
                let since = match (cpu, thread_cpu()) {
                    (Some(then), Some(now)) => now.saturating_sub(then),
                    _ => Duration::ZERO,
                };
                before + since
            }
        }
    }

    /// Epoch ticks from now to the deadline (at least one).
    fn ticks_left(&self, now: Instant) -> u64 {
        let left = self.deadline.saturating_duration_since(now).as_nanos();
        left.div_ceil(self.tick.as_nanos()).max(1) as u64
    }
}

/// The CPU time the current thread has run, if the system tells it.
fn thread_cpu() -> Option<Duration> {
    ThreadTime::try_now().ok().map(|t| t.as_duration())
}

/// A store whose data carries a call clock.
pub(crate) trait HasClock {
    /// The call's clock.
    fn clock(&mut self) -> &mut CallClock;
}

/// Arms `store` to be interrupted at its clock's deadline (see the module
/// documentation): the first callback comes at the next tick.
pub(crate) fn arm<T: HasClock + Metered + 'static>(store: &mut wasmtime::Store<T>) {
    store.set_epoch_deadline(1);
    store.epoch_deadline_callback(on_tick::<T>);
}

/// The epoch callback: starts the CPU clock at the first tick, interrupts
/// the call once its deadline has passed, and otherwise sleeps until the
/// tick that reaches it.
fn on_tick<T: HasClock + Metered>(
    mut store: StoreContextMut<'_, T>,
) -> wasmtime::Result<UpdateDeadline> {
    // wasmtime runs the call hooks around this callback as around a host
    // call, so the meter (`runtime::metering`) counted it as a crossing. It
    // is the platform's timekeeping, not work the plugin asked for, and
    // whether a tick lands inside a call is chance: uncounted, a call's fuel
    // stays the same from run to run.
    let work = store.data_mut().host_work();
    work.crossings = work.crossings.saturating_sub(1);
    let clock = store.data_mut().clock();
    let now = Instant::now();
    if clock.first_tick.is_none() {
        clock.first_tick = Some((now, thread_cpu()));
    }
    if now >= clock.deadline {
        return Ok(UpdateDeadline::Interrupt);
    }
    Ok(UpdateDeadline::Continue(clock.ticks_left(now)))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_call_that_never_saw_a_tick_used_at_most_its_wall_time() {
        let clock = CallClock::new(
            Instant::now() + Duration::from_secs(1),
            Duration::from_millis(1),
        );
        let cpu = clock.cpu_time();
        assert!(cpu <= clock.started.elapsed());
    }

    #[test]
    fn time_before_the_first_tick_counts_at_most_one_tick() {
        let mut clock = CallClock::new(
            Instant::now() + Duration::from_secs(1),
            Duration::from_millis(1),
        );
        // A thread starved for 40 ms before it noticed the first tick.
        let noticed = clock.started + Duration::from_millis(40);
        clock.first_tick = Some((noticed, thread_cpu()));
        assert!(clock.cpu_time() < Duration::from_millis(40));
    }

    #[test]
    fn ticks_left_round_up_and_are_at_least_one() {
        let start = Instant::now();
        let clock = CallClock::new(
            start + Duration::from_micros(2_500),
            Duration::from_millis(1),
        );
        assert_eq!(clock.ticks_left(start), 3);
        assert_eq!(clock.ticks_left(start + Duration::from_secs(1)), 1);
    }
}
