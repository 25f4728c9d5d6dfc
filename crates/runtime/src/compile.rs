//! Compiling a component, within bounds.
//!
//! Compiling runs the code generator over bytes a brand chose, and a
//! component can be built to make it work for minutes (deeply nested
//! blocks, branch tables with tens of thousands of targets) or to make it
//! allocate gigabytes. Cranelift cannot be interrupted, so the bound is put
//! on a process: with a [`CompileWorker::Subprocess`] each compilation runs
//! in a child process (the `vitrine` binary's hidden `compile-worker`
//! command) whose CPU time and data segment are capped with `setrlimit`
//! (`Limits::compile_cpu_secs`, `Limits::compile_memory_bytes`). A child
//! that passes the bound is killed by the kernel and the component is
//! refused with [`LoadError::CompileBudget`]; one that finishes writes the
//! machine code to a private temporary file, which the host maps. The child
//! reports the CPU time and peak memory it used, which `vitrine plugin
//! check` prints.
//!
//! Nothing precompiled ever comes from outside: the only artifacts loaded
//! are the ones this binary wrote, from bytes it validated.
//!
//! [`CompileWorker::InProcess`] compiles on the calling thread with no
//! bound, for embedders and tests that only load components they trust.

use std::io::Read as _;
use std::path::{Path, PathBuf};
use std::process::{Command, ExitCode, Stdio};
use std::time::{Duration, Instant};

use serde::{Deserialize, Serialize};
use wasmtime::Engine;
use wasmtime::component::Component;

use super::engine::{Tuning, build_compile_engine};
use super::error::LoadError;
use super::limits::Limits;

/// Where compilation happens.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub enum CompileWorker {
    /// On the calling thread, unbounded: only for trusted components.
    #[default]
    InProcess,
    /// In a child process running this executable's `compile-worker`
    /// command, under the compile bounds.
    Subprocess(PathBuf),
}

/// What compiling one component cost.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct CompileStats {
    /// The machine code came from the artifact cache: nothing was compiled.
    pub cached: bool,
    /// Wall time of the compilation (or of mapping the cached artifact).
    pub wall_ms: u64,
    /// CPU time the compile worker used, when it ran in one.
    pub cpu_ms: Option<u64>,
    /// The compile worker's peak resident memory, when it ran in one.
    pub peak_memory_bytes: Option<u64>,
}

/// The settings the worker needs to build an engine identical to the
/// host's (so its machine code loads there) and to bound itself.
#[derive(Debug, Serialize, Deserialize)]
struct WorkerSettings {
    limits: Limits,
    tuning: Tuning,
}

/// What the worker reports on its stdout, as one JSON line.
#[derive(Debug, Serialize, Deserialize)]
struct WorkerReport {
    ok: bool,
    #[serde(default)]
    error: Option<String>,
    cpu_ms: u64,
    peak_memory_bytes: u64,
}

/// Compiles `wasm` with `engine`, in a worker when one is configured.
/// Returns the component and the artifact's bytes (for the cache).
pub(super) fn compile(
    engine: &Engine,
    limits: &Limits,
    tuning: &Tuning,
    worker: &CompileWorker,
    wasm: &[u8],
) -> Result<(Component, Option<Vec<u8>>, CompileStats), LoadError> {
    let started = Instant::now();
    match worker {
        CompileWorker::InProcess => {
            let component = Component::new(engine, wasm).map_err(|e| engine_refusal(&e))?;
            let stats = CompileStats {
                wall_ms: started.elapsed().as_millis() as u64,
                ..CompileStats::default()
            };
            Ok((component, None, stats))
        }
        CompileWorker::Subprocess(exe) => {
            let (artifact, report) = run_worker(exe, limits, tuning, wasm)?;
            // SAFETY: `artifact` was written by our own compile worker (the
            // same executable, see `run_worker`) from these validated bytes,
            // with an engine built from the same settings; it never came
            // from outside. wasmtime also checks its header, version and
            // the engine's compatibility before using it.
            #[allow(unsafe_code)]
            let component = unsafe { Component::deserialize(engine, &artifact) }
                .map_err(|e| engine_refusal(&e))?;
            let stats = CompileStats {
                cached: false,
                wall_ms: started.elapsed().as_millis() as u64,
                cpu_ms: Some(report.cpu_ms),
                peak_memory_bytes: Some(report.peak_memory_bytes),
            };
            Ok((component, Some(artifact), stats))
        }
    }
}

/// Runs the worker on `wasm`; returns the artifact and the worker's report.
fn run_worker(
    exe: &Path,
    limits: &Limits,
    tuning: &Tuning,
    wasm: &[u8],
) -> Result<(Vec<u8>, WorkerReport), LoadError> {
    let engine_error = |what: &str, e: &dyn std::fmt::Display| LoadError::Engine {
        detail: format!("compile worker: {what}: {e}"),
    };
    let dir = tempfile::tempdir().map_err(|e| engine_error("temporary directory", &e))?;
    let input = dir.path().join("component.wasm");
    let output = dir.path().join("component.cwasm");
    let settings = dir.path().join("settings.json");
    std::fs::write(&input, wasm).map_err(|e| engine_error("writing the input", &e))?;
    let settings_json = serde_json::to_vec(&WorkerSettings {
        limits: limits.clone(),
        tuning: *tuning,
    })
    .map_err(|e| engine_error("settings", &e))?;
    std::fs::write(&settings, settings_json).map_err(|e| engine_error("writing settings", &e))?;
    let mut child = Command::new(exe)
        .arg("compile-worker")
        .arg("--settings")
        .arg(&settings)
        .arg("--input")
        .arg(&input)
        .arg("--output")
        .arg(&output)
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .env_remove("VITRINE_OPERATOR_TOKEN")
        .spawn()
        .map_err(|e| engine_error(&format!("starting {}", exe.display()), &e))?;
    // The kernel stops the worker at its CPU bound; the wall bound only
    // catches a worker that is starved or stuck (twice the CPU bound, as
    // the machine may be busy).
    let wall_bound = Duration::from_secs(u64::from(limits.compile_cpu_secs) * 2 + 10);
    let started = Instant::now();
    let status = loop {
        match child.try_wait() {
            Ok(Some(status)) => break status,
            Ok(None) if started.elapsed() > wall_bound => {
                let _ = child.kill();
                let _ = child.wait();
                return Err(cpu_budget(limits));
            }
            Ok(None) => std::thread::sleep(Duration::from_millis(5)),
            Err(e) => return Err(engine_error("waiting for the worker", &e)),
        }
    };
    let mut stdout = String::new();
    let mut stderr = String::new();
    if let Some(mut out) = child.stdout.take() {
        let _ = out.read_to_string(&mut stdout);
    }
    if let Some(mut err) = child.stderr.take() {
        let _ = err.read_to_string(&mut stderr);
    }
    let report: Option<WorkerReport> = stdout
        .lines()
        .rev()
        .find_map(|line| serde_json::from_str(line).ok());
    match report {
        Some(report) if report.ok && status.success() => {
            let artifact =
                std::fs::read(&output).map_err(|e| engine_error("reading the artifact", &e))?;
            Ok((artifact, report))
        }
        Some(report) => Err(match report.error {
            Some(message) => refusal_from_message(&message),
            None => engine_error("the worker failed", &"no reason given"),
        }),
        None => Err(killed(status, &stderr, limits)),
    }
}

/// Why a worker that did not report ended.
fn killed(status: std::process::ExitStatus, stderr: &str, limits: &Limits) -> LoadError {
    #[cfg(unix)]
    {
        use std::os::unix::process::ExitStatusExt as _;
        // SIGXCPU (24) at the soft CPU limit, SIGKILL (9) at the hard one.
        if matches!(status.signal(), Some(24 | 9)) {
            return cpu_budget(limits);
        }
    }
    if stderr.contains("memory allocation of") || stderr.contains("out of memory") {
        return memory_budget(limits);
    }
    #[cfg(unix)]
    {
        use std::os::unix::process::ExitStatusExt as _;
        // An allocation refused by the data-segment limit aborts (SIGABRT).
        if status.signal() == Some(6) {
            return memory_budget(limits);
        }
    }
    LoadError::Engine {
        detail: format!(
            "compile worker ended without a report ({status}): {}",
            vitrine_types::text::truncate_chars(&vitrine_types::text::normalise(stderr), 300)
        ),
    }
}

fn cpu_budget(limits: &Limits) -> LoadError {
    LoadError::CompileBudget {
        resource: "cpu".into(),
        bound: format!("{} s of CPU", limits.compile_cpu_secs),
    }
}

fn memory_budget(limits: &Limits) -> LoadError {
    LoadError::CompileBudget {
        resource: "memory".into(),
        bound: format!("{} MiB", limits.compile_memory_bytes >> 20),
    }
}

/// The typed refusal for an error wasmtime raised while compiling or
/// loading a component: a per-component limit of the pooling allocator is
/// reported as the limit it is, anything else as malformed.
pub(super) fn engine_refusal(error: &wasmtime::Error) -> LoadError {
    refusal_from_message(&format!("{error:#}"))
}

fn refusal_from_message(message: &str) -> LoadError {
    // wasmtime's wording (pinned by a test): "The component transitively
    // contains 38 core module instances, which exceeds the configured
    // maximum of 16 in the pooling allocator".
    for (needle, limit) in [
        ("core module instances", "core_instances_per_component"),
        ("Wasm linear memories", "memories_per_component"),
        ("tables, which exceeds", "tables_per_component"),
    ] {
        if let Some(at) = message.find(needle)
            && let Some(found) = last_number(&message[..at])
            && let Some(max) = message[at..]
                .split("maximum of ")
                .nth(1)
                .and_then(first_number)
        {
            return LoadError::LimitExceeded {
                limit: limit.into(),
                found,
                max,
            };
        }
    }
    LoadError::Malformed {
        detail: message.to_owned(),
    }
}

fn first_number(text: &str) -> Option<u64> {
    let digits: String = text
        .trim_start()
        .chars()
        .take_while(char::is_ascii_digit)
        .collect();
    digits.parse().ok()
}

fn last_number(text: &str) -> Option<u64> {
    let trimmed = text.trim_end();
    let start = trimmed
        .rfind(|c: char| !c.is_ascii_digit())
        .map_or(0, |i| i + 1);
    trimmed[start..].parse().ok()
}

/// The worker's entry point (`vitrine compile-worker`): bounds itself,
/// compiles, writes the artifact and prints its report. Never called by a
/// person.
pub fn worker_main(settings: &Path, input: &Path, output: &Path) -> ExitCode {
    let report = |ok: bool, error: Option<String>| {
        let (cpu_ms, peak_memory_bytes) = own_usage();
        let line = serde_json::to_string(&WorkerReport {
            ok,
            error,
            cpu_ms,
            peak_memory_bytes,
        })
        .unwrap_or_else(|_| "{}".into());
        println!("{line}");
        if ok {
            ExitCode::SUCCESS
        } else {
            ExitCode::from(1)
        }
    };
    let settings: WorkerSettings = match std::fs::read(settings)
        .map_err(|e| e.to_string())
        .and_then(|bytes| serde_json::from_slice(&bytes).map_err(|e| e.to_string()))
    {
        Ok(settings) => settings,
        Err(e) => return report(false, Some(format!("reading the settings: {e}"))),
    };
    let limits = &settings.limits;
    let cpu = u64::from(limits.compile_cpu_secs);
    if let Err(e) = rlimit::setrlimit(rlimit::Resource::CPU, cpu, cpu + 1).and_then(|()| {
        rlimit::setrlimit(
            rlimit::Resource::DATA,
            limits.compile_memory_bytes,
            limits.compile_memory_bytes,
        )
    }) {
        return report(false, Some(format!("setting the compile bounds: {e}")));
    }
    let wasm = match std::fs::read(input) {
        Ok(wasm) => wasm,
        Err(e) => return report(false, Some(format!("reading the component: {e}"))),
    };
    let engine = match build_compile_engine(limits, &settings.tuning) {
        Ok(engine) => engine,
        Err(e) => return report(false, Some(e.to_string())),
    };
    let artifact = Component::new(&engine, &wasm).and_then(|c| c.serialize());
    match artifact {
        Ok(bytes) => match std::fs::write(output, bytes) {
            Ok(()) => report(true, None),
            Err(e) => report(false, Some(format!("writing the artifact: {e}"))),
        },
        Err(e) => report(false, Some(format!("{e:#}"))),
    }
}

/// This process's CPU time (user + system) in milliseconds and its peak
/// resident memory in bytes, from `/proc/self` (0 where unreadable).
fn own_usage() -> (u64, u64) {
    // Fields 14 and 15 of /proc/self/stat are utime and stime in clock
    // ticks (100 per second on Linux); the command name (field 2) may hold
    // spaces, so fields are counted after its closing parenthesis.
    let cpu_ms = std::fs::read_to_string("/proc/self/stat")
        .ok()
        .and_then(|stat| {
            let after = stat.rsplit_once(')')?.1;
            let fields: Vec<&str> = after.split_whitespace().collect();
            let utime: u64 = fields.get(11)?.parse().ok()?;
            let stime: u64 = fields.get(12)?.parse().ok()?;
            Some((utime + stime) * 10)
        })
        .unwrap_or(0);
    let peak = std::fs::read_to_string("/proc/self/status")
        .ok()
        .and_then(|status| {
            let line = status.lines().find(|l| l.starts_with("VmHWM:"))?;
            let kib: u64 = line.split_whitespace().nth(1)?.parse().ok()?;
            Some(kib * 1024)
        })
        .unwrap_or(0);
    (cpu_ms, peak)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn pooling_limit_messages_are_reported_as_limits() {
        let message = "The component transitively contains 38 core module instances, \
                       which exceeds the configured maximum of 16 in the pooling allocator";
        assert_eq!(
            refusal_from_message(message),
            LoadError::LimitExceeded {
                limit: "core_instances_per_component".into(),
                found: 38,
                max: 16
            }
        );
        let message = "The component transitively contains 3 Wasm linear memories, which \
                       exceeds the configured maximum of 2 in the pooling allocator";
        assert!(matches!(
            refusal_from_message(message),
            LoadError::LimitExceeded {
                found: 3,
                max: 2,
                ..
            }
        ));
        assert!(matches!(
            refusal_from_message("unexpected end of file"),
            LoadError::Malformed { .. }
        ));
    }

    #[test]
    fn own_usage_reads_this_process() {
        let (_, peak) = own_usage();
        assert!(peak > 0);
    }
}
