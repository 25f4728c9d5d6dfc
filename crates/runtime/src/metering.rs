//! Host work charged to the plugin's fuel.
//!
//! Fuel counts the instructions a plugin runs, but a plugin can also make
//! the host work for it: every import it calls is a crossing into host code,
//! and some crossings copy data (a 128 KiB string passed to `logging.log`
//! costs the plugin a handful of instructions and the host a 128 KiB
//! allocation and copy). Left uncharged, a plugin could make the host copy
//! hundreds of megabytes for a few percent of its budget.
//!
//! So every crossing is charged, when it returns to the plugin, from the
//! same fuel budget its instructions use:
//!
//! - [`FUEL_PER_CROSSING`] for each call into the host (an import, or one
//!   of wasmtime's own runtime calls such as growing memory);
//! - [`FUEL_PER_BYTE`] for each byte the host copied for it: catalog keys in
//!   and values out, log messages (kept or dropped); [`FUEL_PER_STDIO_BYTE`]
//!   for each byte written to stdout and stderr (kept or dropped).
//!
//! A call whose charge is more than its remaining fuel traps as
//! `out-of-fuel`. The bound, documented in `docs/SECURITY.md`: with a fuel
//! budget `F`, a call makes at most `F / FUEL_PER_CROSSING` crossings and the
//! host copies at most `F / FUEL_PER_BYTE` bytes for it, plus one crossing's
//! worth before the charge that ends it (at most the transfer limit, 128
//! KiB, or one catalog value, at most the catalog's 1 MiB). At
//! the default budget that is 11 MB: a few milliseconds of copying, the
//! same order as the plugin's own instructions at full budget; and at most
//! 11,000 crossings.
//!
//! The charge is made in wasmtime's call hook, which runs on every
//! transition between the plugin and the host, so no import (present or
//! future, WASI or ours) escapes it.
//!
//! It is made only when control returns from the outermost host frame.
//! Compiled plugin code keeps its fuel counter in a register and writes it
//! back to the store around calls to imports, but not around wasmtime's
//! runtime calls (memory growth, the epoch check, bulk memory): a charge
//! made inside one of those would be overwritten when the plugin's code
//! writes its register back. Runtime calls can happen *inside* an import
//! (lowering an import's result calls the plugin's allocator, which may grow
//! memory or notice an epoch tick), after the import counted its bytes; so
//! nested crossings are only counted, and the outermost return charges
//! everything. A runtime call made directly by plugin code is counted as a
//! crossing, but its fee cannot be deducted: what such calls cost the host
//! (growing memory, filling or copying it in bulk, one fuel each) is bounded
//! by the memory limit and the wall-clock deadline, and a call that spends
//! its deadline working is blamed by its CPU time (see `runtime::health`).

use wasmtime::{CallHook, StoreContextMut};

/// Fuel charged for each call from the plugin into the host. A crossing
/// (saving and restoring state, the import's lookup, lifting its arguments
/// into host values and allocating them, the call hook itself) costs the
/// host a few hundred nanoseconds, as much as several hundred wasm
/// instructions cost the plugin; 1,000 keeps a plugin that does nothing
/// but cross (a one-byte log message in a loop) inside its wall-clock
/// deadline, out of fuel long before (measured in `docs/BENCHMARKS.md`).
pub const FUEL_PER_CROSSING: u64 = 1_000;

/// Fuel charged for each byte the host copies for the plugin through its
/// own interfaces (catalog keys and values, log messages). Copying a byte
/// (with UTF-8 validation and allocation) costs the host about as much as
/// one wasm instruction costs the plugin.
pub const FUEL_PER_BYTE: u64 = 1;

/// Fuel charged for each byte written to stdout or stderr. WASI streams
/// cost the host several times more per byte than our interfaces (each
/// write goes through the stream's readiness checks and an async runtime):
/// measured at 5 ns per byte-of-fuel at 1 fuel a byte, against 0.5 ns for
/// a log message.
pub const FUEL_PER_STDIO_BYTE: u64 = 8;

/// What the host has done for one call so far, and what was charged.
#[derive(Debug, Default, Clone, Copy, PartialEq, Eq)]
pub(crate) struct HostWork {
    /// Calls into the host.
    pub crossings: u64,
    /// Fuel charged so far for host work.
    pub charged: u64,
    /// Host frames entered and not yet left.
    depth: u32,
}

impl HostWork {
    /// The fuel owed for `crossings` crossings and `bytes` bytes copied.
    pub fn due(crossings: u64, bytes: u64) -> u64 {
        crossings
            .saturating_mul(FUEL_PER_CROSSING)
            .saturating_add(bytes.saturating_mul(FUEL_PER_BYTE))
    }
}

/// What the call state must tell the meter.
pub(crate) trait Metered {
    /// The call's host-work record.
    fn host_work(&mut self) -> &mut HostWork;
    /// Bytes the host has copied for the plugin so far in this call.
    fn bytes_copied(&self) -> u64;
}

/// The marker error a call traps with when its host work outruns its fuel;
/// reported as `out-of-fuel`.
#[derive(Debug, thiserror::Error)]
#[error("the plugin's fuel ran out paying for host work ({charged} fuel charged)")]
pub(crate) struct HostWorkExhausted {
    /// Fuel charged for host work in the call.
    pub charged: u64,
}

/// The call hook: counts crossings into the host and, on the way back,
/// charges what is owed.
pub(crate) fn hook<T: Metered>(
    mut store: StoreContextMut<'_, T>,
    hook: CallHook,
) -> wasmtime::Result<()> {
    match hook {
        CallHook::CallingHost => {
            let work = store.data_mut().host_work();
            work.crossings += 1;
            work.depth += 1;
            Ok(())
        }
        CallHook::ReturningFromHost => {
            let work = store.data_mut().host_work();
            work.depth = work.depth.saturating_sub(1);
            if work.depth > 0 {
                return Ok(());
            }
            let bytes = store.data().bytes_copied();
            let work = *store.data_mut().host_work();
            let due = HostWork::due(work.crossings, bytes);
            let owed = due.saturating_sub(work.charged);
            if owed == 0 {
                return Ok(());
            }
            store.data_mut().host_work().charged = due;
            let fuel = store.get_fuel()?;
            if owed > fuel {
                store.set_fuel(0)?;
                return Err(HostWorkExhausted { charged: due }.into());
            }
            store.set_fuel(fuel - owed)?;
            Ok(())
        }
        CallHook::CallingWasm | CallHook::ReturningFromWasm => Ok(()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn host_work_is_priced_per_crossing_and_per_byte_without_overflow() {
        assert_eq!(HostWork::due(0, 0), 0);
        assert_eq!(HostWork::due(3, 1_000), 3 * FUEL_PER_CROSSING + 1_000);
        assert_eq!(HostWork::due(u64::MAX, u64::MAX), u64::MAX);
    }
}
