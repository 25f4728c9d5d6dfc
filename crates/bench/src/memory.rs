//! Resident memory: what each loaded plugin costs, and whether calls leak
//! (resident memory after many isolated calls against after a few).

use serde::Serialize;

use super::copies::distinct_copy;
use vitrine_runtime::{Limits, Runtime};
use vitrine_sim::samples::Sample;

/// The process's resident memory, bytes (`VmRSS` of `/proc/self/status`).
pub fn resident_bytes() -> anyhow::Result<u64> {
    resident_of("self")
}

/// Resident memory of the process `pid` (`self` for this one), bytes.
pub(crate) fn resident_of(pid: &str) -> anyhow::Result<u64> {
    let status = std::fs::read_to_string(format!("/proc/{pid}/status"))?;
    let kib: u64 = status
        .lines()
        .find_map(|line| line.strip_prefix("VmRSS:"))
        .and_then(|rest| rest.trim().strip_suffix("kB"))
        .ok_or_else(|| anyhow::anyhow!("/proc/{pid}/status has no VmRSS line"))?
        .trim()
        .parse()?;
    Ok(kib * 1024)
}

/// The memory benchmark's results.
#[derive(Debug, Clone, Serialize)]
pub struct MemoryReport {
    /// Distinct plugins loaded to measure the per-plugin cost.
    pub plugins_loaded: usize,
    /// Resident memory added per loaded plugin (compiled code, metadata,
    /// catalog, pre-linked instance), bytes.
    pub resident_per_plugin_bytes: u64,
    /// Resident memory at each checkpoint of the call run: (calls, bytes).
    pub resident_after_calls: Vec<(u64, u64)>,
    /// Resident after the last checkpoint divided by after the first.
    pub growth_ratio: f64,
    /// Calls that did not answer (on a shared machine a thread descheduled
    /// past the 50 ms deadline times out; a handful in a million is noise,
    /// more is a finding). Counted rather than fatal, so that one hiccup
    /// does not discard the run.
    pub failed_calls: u64,
}

/// Loads `plugins` distinct copies of the dairy, then makes `calls`
/// isolated calls on two threads, recording resident memory at each
/// checkpoint in `checkpoints` (call counts, ascending).
pub fn memory_bench(plugins: usize, checkpoints: &[u64]) -> anyhow::Result<MemoryReport> {
    anyhow::ensure!(plugins > 0 && !checkpoints.is_empty(), "nothing to measure");
    let runtime = Runtime::new(Limits::default())?;
    let dairy = Sample::named("dairy").expect("dairy sample");
    let catalog = dairy.catalog(&runtime)?;
    let request = dairy.request();
    // One load first, so that the engine's one-off allocations are not
    // counted against the plugins.
    let first = runtime.load(dairy.wasm, catalog.clone())?;
    assert!(first.call(&request).outcome.is_ok());
    let before = resident_bytes()?;
    let mut loaded = Vec::with_capacity(plugins);
    for i in 0..plugins {
        let plugin = runtime.load(&distinct_copy(dairy.wasm, i as u64), catalog.clone())?;
        loaded.push(plugin);
    }
    let after_load = resident_bytes()?;
    let per_plugin = after_load.saturating_sub(before) / plugins as u64;

    let mut resident_after_calls = Vec::new();
    let mut done = 0u64;
    let failed = std::sync::atomic::AtomicU64::new(0);
    for &checkpoint in checkpoints {
        let todo = checkpoint.saturating_sub(done);
        std::thread::scope(|scope| {
            for lane in 0..2u64 {
                let (loaded, request, failed) = (&loaded, &request, &failed);
                scope.spawn(move || {
                    let share = todo / 2 + if lane == 0 { todo % 2 } else { 0 };
                    for i in 0..share {
                        let plugin = &loaded[((done + i * 2 + lane) as usize) % loaded.len()];
                        let report = plugin.call(request);
                        if report.outcome.is_err() {
                            failed.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
                        }
                    }
                });
            }
        });
        done = checkpoint.max(done);
        resident_after_calls.push((done, resident_bytes()?));
    }
    let first = resident_after_calls[0].1 as f64;
    let last = resident_after_calls[resident_after_calls.len() - 1].1 as f64;
    Ok(MemoryReport {
        plugins_loaded: plugins,
        resident_per_plugin_bytes: per_plugin,
        resident_after_calls,
        growth_ratio: last / first,
        failed_calls: failed.into_inner(),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn resident_memory_is_read_and_checkpoints_are_reached() {
        let report = memory_bench(2, &[10, 30]).unwrap();
        assert_eq!(report.plugins_loaded, 2);
        let calls: Vec<u64> = report.resident_after_calls.iter().map(|c| c.0).collect();
        assert_eq!(calls, [10, 30]);
        assert!(report.resident_after_calls.iter().all(|c| c.1 > 1 << 20));
        assert!(report.growth_ratio > 0.5 && report.growth_ratio < 2.0);
        assert_eq!(report.failed_calls, 0);
    }
}
