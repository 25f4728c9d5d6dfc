//! WASI for plugins, with everything denied.
//!
//! A Rust `std` plugin imports a few WASI interfaces just to link (stdio for
//! panics, the environment, clocks, randomness for hash maps); an
//! interpreter built by componentize-py imports the file system and sockets
//! too, and StarlingMonkey's default build outgoing HTTP, whether or not the
//! plugin uses them. The host links them all, and grants nothing:
//!
//! | interface | what the plugin gets |
//! | --- | --- |
//! | `wasi:cli/environment` | no variables, no arguments, no working directory |
//! | `wasi:cli/stdin` | a closed stream |
//! | `wasi:cli/stdout`, `stderr` | captured, bounded, the rest dropped (never an error) |
//! | `wasi:cli/exit` | the call traps as `denied` |
//! | `wasi:clocks/*` | a fixed instant (the Unix epoch) that never advances |
//! | `wasi:clocks/monotonic-clock.subscribe-*` | the call traps as `denied`: a plugin may not wait |
//! | `wasi:random/*` | a fixed byte sequence, the same in every call, at most 4 KiB per call |
//! | `wasi:filesystem/*` | no preopened directory: no file or directory can be named, every call fails |
//! | `wasi:sockets/*` | TCP, UDP and name lookup disallowed: creating a socket or resolving a name fails with `access-denied` |
//! | `wasi:http/types`, `outgoing-handler` | every function traps as `denied` (see [`link_trapping`]) |
//! | anything else | not linked: refused at load (see `contract`) |
//!
//! With fixed clocks and fixed randomness a plugin can neither time anything
//! nor tell two calls or two machines apart.

use std::pin::Pin;
use std::sync::{Arc, Mutex};
use std::task::{Context, Poll};
use std::time::Duration;

use bytes::Bytes;
use wasmtime::component::{Linker, Resource};
use wasmtime_wasi::cli::{IsTerminal, StdoutStream, WasiCli, WasiCliView};
use wasmtime_wasi::clocks::{WasiClocks, WasiClocksView};
use wasmtime_wasi::filesystem::{WasiFilesystem, WasiFilesystemView};
use wasmtime_wasi::p2::bindings::sync as wasi_sync;
use wasmtime_wasi::p2::{DynPollable, OutputStream, Pollable, StreamResult};
use wasmtime_wasi::random::WasiRandom;
use wasmtime_wasi::sockets::{WasiSockets, WasiSocketsView};
use wasmtime_wasi::{
    Deterministic, HostMonotonicClock, HostWallClock, ResourceTable, WasiCtx, WasiCtxBuilder,
    WasiCtxView, WasiView,
};

/// The WASI state of one call.
pub(crate) struct DeniedWasi {
    ctx: WasiCtx,
    table: ResourceTable,
    stdout: BoundedPipe,
    stderr: BoundedPipe,
}

impl DeniedWasi {
    /// A fresh context whose stdout and stderr each keep `stdio_bytes`.
    pub fn new(stdio_bytes: usize) -> Self {
        let stdout = BoundedPipe::new(stdio_bytes);
        let stderr = BoundedPipe::new(stdio_bytes);
        let ctx = WasiCtxBuilder::new()
            .stdout(stdout.clone())
            .stderr(stderr.clone())
            .wall_clock(FixedClock)
            .monotonic_clock(FixedClock)
            .secure_random(Deterministic::new(FIXED_RANDOM.to_vec()))
            .insecure_random(Deterministic::new(FIXED_RANDOM.to_vec()))
            .insecure_random_seed(0)
            .max_random_size(MAX_RANDOM_BYTES)
            .allow_tcp(false)
            .allow_udp(false)
            .allow_ip_name_lookup(false)
            .build();
        DeniedWasi {
            ctx,
            table: ResourceTable::new(),
            stdout,
            stderr,
        }
    }

    /// What the plugin wrote to stdout (lossy UTF-8, bounded).
    pub fn stdout(&self) -> String {
        self.stdout.contents()
    }

    /// What the plugin wrote to stderr (lossy UTF-8, bounded).
    pub fn stderr(&self) -> String {
        self.stderr.contents()
    }

    /// Bytes written to stdout and stderr so far, kept or dropped (charged
    /// to the plugin's fuel as host work).
    pub(crate) fn stdio_bytes_written(&self) -> u64 {
        self.stdout.written() + self.stderr.written()
    }
}

/// The most random bytes one `get-random-bytes` call may ask for. Rust's
/// `std` asks for 16 to seed its hash maps; a plugin asking for gigabytes
/// would make the host allocate them.
const MAX_RANDOM_BYTES: u64 = 4 << 10;

impl DeniedWasi {
    /// The view the WASI bindings need; the call state's `WasiView`
    /// implementation returns it.
    pub fn view(&mut self) -> WasiCtxView<'_> {
        WasiCtxView {
            ctx: &mut self.ctx,
            table: &mut self.table,
        }
    }
}

/// The marker error a shadowed function traps with; `call` recognises it and
/// reports [`CallError::Denied`](super::CallError::Denied).
#[derive(Debug, thiserror::Error)]
#[error("{0}")]
pub(crate) struct DeniedCapability(pub std::borrow::Cow<'static, str>);

/// Adds the granted WASI interfaces to `linker`, and nothing else.
pub fn add_to_linker<T: WasiView + 'static>(linker: &mut Linker<T>) -> wasmtime::Result<()> {
    use wasmtime_wasi::p2::bindings::{cli, clocks, filesystem, random, sockets};

    let l = &mut *linker;
    wasmtime_wasi::p2::bindings::io::error::add_to_linker::<T, HasTable>(l, table_of)?;
    wasi_sync::io::poll::add_to_linker::<T, HasTable>(l, table_of)?;
    wasi_sync::io::streams::add_to_linker::<T, HasTable>(l, table_of)?;
    clocks::wall_clock::add_to_linker::<T, WasiClocks>(l, T::clocks)?;
    clocks::monotonic_clock::add_to_linker::<T, WasiClocks>(l, T::clocks)?;
    random::random::add_to_linker::<T, WasiRandom>(l, |t| t.ctx().ctx.random())?;
    random::insecure::add_to_linker::<T, WasiRandom>(l, |t| t.ctx().ctx.random())?;
    random::insecure_seed::add_to_linker::<T, WasiRandom>(l, |t| t.ctx().ctx.random())?;
    cli::exit::add_to_linker::<T, WasiCli>(l, T::cli)?;
    cli::environment::add_to_linker::<T, WasiCli>(l, T::cli)?;
    cli::stdin::add_to_linker::<T, WasiCli>(l, T::cli)?;
    cli::stdout::add_to_linker::<T, WasiCli>(l, T::cli)?;
    cli::stderr::add_to_linker::<T, WasiCli>(l, T::cli)?;
    cli::terminal_input::add_to_linker::<T, WasiCli>(l, T::cli)?;
    cli::terminal_output::add_to_linker::<T, WasiCli>(l, T::cli)?;
    cli::terminal_stdin::add_to_linker::<T, WasiCli>(l, T::cli)?;
    cli::terminal_stdout::add_to_linker::<T, WasiCli>(l, T::cli)?;
    cli::terminal_stderr::add_to_linker::<T, WasiCli>(l, T::cli)?;
    wasi_sync::filesystem::types::add_to_linker::<T, WasiFilesystem>(l, T::filesystem)?;
    filesystem::preopens::add_to_linker::<T, WasiFilesystem>(l, T::filesystem)?;
    wasi_sync::sockets::tcp::add_to_linker::<T, WasiSockets>(l, T::sockets)?;
    wasi_sync::sockets::udp::add_to_linker::<T, WasiSockets>(l, T::sockets)?;
    wasi_sync::sockets::udp_create_socket::add_to_linker::<T, WasiSockets>(l, T::sockets)?;
    sockets::tcp_create_socket::add_to_linker::<T, WasiSockets>(l, T::sockets)?;
    sockets::instance_network::add_to_linker::<T, WasiSockets>(l, T::sockets)?;
    sockets::network::add_to_linker::<T, WasiSockets>(l, &Default::default(), T::sockets)?;
    sockets::ip_name_lookup::add_to_linker::<T, WasiSockets>(l, T::sockets)?;

    // Waiting on a clock would block the host thread outside the reach of
    // the epoch deadline (the wait happens in the host, not in wasm), so both
    // ways to get a timer pollable trap instead.
    linker.allow_shadowing(true);
    let mut clock = linker.instance(MONOTONIC_CLOCK)?;
    clock.func_wrap(
        "subscribe-duration",
        |_store, (_when,): (u64,)| -> wasmtime::Result<(Resource<DynPollable>,)> {
            Err(DeniedCapability(
                "waiting: wasi:clocks/monotonic-clock.subscribe-duration (plugins may not sleep)"
                    .into(),
            )
            .into())
        },
    )?;
    clock.func_wrap(
        "subscribe-instant",
        |_store, (_when,): (u64,)| -> wasmtime::Result<(Resource<DynPollable>,)> {
            Err(DeniedCapability(
                "waiting: wasi:clocks/monotonic-clock.subscribe-instant (plugins may not sleep)"
                    .into(),
            )
            .into())
        },
    )?;
    linker.allow_shadowing(false);
    Ok(())
}

/// Links every function of the imported interfaces `names` of `component`
/// to one that traps as [`DeniedCapability`] with `why`, and each of their
/// resources to a host type no function ever creates: an interface a
/// toolchain imports by default (`wasi:http` in StarlingMonkey's default
/// build) links, and any use of it fails the call as `denied` at its first
/// step, before the host holds anything for it.
pub(crate) fn link_trapping<T: 'static>(
    linker: &mut Linker<T>,
    engine: &wasmtime::Engine,
    component: &wasmtime::component::Component,
    names: &[String],
    why: &'static str,
) -> wasmtime::Result<()> {
    use wasmtime::component::ResourceType;
    use wasmtime::component::types::ComponentItem;

    /// The host type behind a denied interface's own resources.
    struct NeverCreated;

    // A denied interface also names resources of interfaces that are
    // served (`wasi:http/types` uses `wasi:io`'s streams, pollable and
    // error): those must be linked as the very host types wasmtime-wasi
    // serves them with, found by comparing the component's resource types.
    let served_host_type = |instance: &str, resource: &str| {
        let path = instance.split_once('@').map_or(instance, |(p, _)| p);
        Some(match (path, resource) {
            ("wasi:io/streams", "input-stream") => {
                ResourceType::host::<wasmtime_wasi::p2::DynInputStream>()
            }
            ("wasi:io/streams", "output-stream") => {
                ResourceType::host::<wasmtime_wasi::p2::DynOutputStream>()
            }
            ("wasi:io/poll", "pollable") => ResourceType::host::<DynPollable>(),
            ("wasi:io/error", "error") => ResourceType::host::<wasmtime_wasi::p2::IoError>(),
            _ => return None,
        })
    };
    let mut served = Vec::new();
    for (name, item) in component.component_type().imports(engine) {
        if names.iter().any(|n| n == name) {
            continue;
        }
        if let ComponentItem::ComponentInstance(instance) = item.ty {
            for (export, ty) in instance.exports(engine) {
                if let (ComponentItem::Resource(component_type), Some(host)) =
                    (ty.ty, served_host_type(name, export))
                {
                    served.push((component_type, host));
                }
            }
        }
    }

    for (name, item) in component.component_type().imports(engine) {
        if !names.iter().any(|n| n == name) {
            continue;
        }
        let ComponentItem::ComponentInstance(instance) = item.ty else {
            continue;
        };
        let mut linked = linker.instance(name)?;
        for (export, ty) in instance.exports(engine) {
            match ty.ty {
                ComponentItem::ComponentFunc(_) => {
                    let message = format!("{name}.{export}: {why}");
                    linked.func_new(export, move |_store, _ty, _params, _results| {
                        Err(DeniedCapability(message.clone().into()).into())
                    })?;
                }
                ComponentItem::Resource(component_type) => {
                    let host = served
                        .iter()
                        .find(|(t, _)| *t == component_type)
                        .map(|(_, host)| *host)
                        .unwrap_or_else(ResourceType::host::<NeverCreated>);
                    linked.resource(export, host, |_, _| Ok(()))?;
                }
                _ => {}
            }
        }
    }
    Ok(())
}

/// The exact name under which wasmtime-wasi registers the monotonic clock.
const MONOTONIC_CLOCK: &str = "wasi:clocks/monotonic-clock@0.2.12";

struct HasTable;

impl wasmtime::component::HasData for HasTable {
    type Data<'a> = &'a mut ResourceTable;
}

fn table_of<T: WasiView>(t: &mut T) -> &mut ResourceTable {
    t.ctx().table
}

/// The bytes every plugin gets from `wasi:random`: fixed, so that randomness
/// can be used (hash maps seed from it) but not to tell calls apart.
const FIXED_RANDOM: [u8; 32] = *b"vitrine-fixed-randomness-0123456";

/// A clock frozen at the Unix epoch.
struct FixedClock;

impl HostWallClock for FixedClock {
    fn resolution(&self) -> Duration {
        Duration::from_secs(1)
    }
    fn now(&self) -> Duration {
        Duration::ZERO
    }
}

impl HostMonotonicClock for FixedClock {
    fn resolution(&self) -> u64 {
        1_000_000_000
    }
    fn now(&self) -> u64 {
        0
    }
}

/// An output stream that keeps its first `capacity` bytes and silently drops
/// the rest: a plugin that prints in a loop is stopped by its fuel, never by
/// an I/O error, and never makes the host buffer grow.
#[derive(Clone)]
pub(crate) struct BoundedPipe {
    inner: Arc<Mutex<BoundedBuffer>>,
}

struct BoundedBuffer {
    data: Vec<u8>,
    capacity: usize,
    dropped: usize,
}

impl BoundedBuffer {
    fn written(&self) -> u64 {
        (self.data.len() + self.dropped) as u64
    }
}

/// The most a guest may write in one `write` call; WASI requires a bound.
const WRITE_PERMIT: usize = 64 << 10;

impl BoundedPipe {
    fn new(capacity: usize) -> Self {
        BoundedPipe {
            inner: Arc::new(Mutex::new(BoundedBuffer {
                data: Vec::new(),
                capacity,
                dropped: 0,
            })),
        }
    }

    fn push(&self, bytes: &[u8]) {
        let mut buffer = self.inner.lock().unwrap_or_else(|p| p.into_inner());
        let room = buffer.capacity.saturating_sub(buffer.data.len());
        let kept = room.min(bytes.len());
        buffer.data.extend_from_slice(&bytes[..kept]);
        buffer.dropped += bytes.len() - kept;
    }

    fn written(&self) -> u64 {
        self.inner
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .written()
    }

    fn contents(&self) -> String {
        let buffer = self.inner.lock().unwrap_or_else(|p| p.into_inner());
        let mut text = String::from_utf8_lossy(&buffer.data).into_owned();
        if buffer.dropped > 0 {
            text.push_str(&format!("\n[{} more bytes dropped]", buffer.dropped));
        }
        text
    }
}

impl IsTerminal for BoundedPipe {
    fn is_terminal(&self) -> bool {
        false
    }
}

impl StdoutStream for BoundedPipe {
    fn p2_stream(&self) -> Box<dyn OutputStream> {
        Box::new(self.clone())
    }
    fn async_stream(&self) -> Box<dyn tokio::io::AsyncWrite + Send + Sync> {
        Box::new(self.clone())
    }
}

#[wasmtime_wasi::async_trait]
impl OutputStream for BoundedPipe {
    fn write(&mut self, bytes: Bytes) -> StreamResult<()> {
        self.push(&bytes);
        Ok(())
    }
    fn flush(&mut self) -> StreamResult<()> {
        Ok(())
    }
    fn check_write(&mut self) -> StreamResult<usize> {
        Ok(WRITE_PERMIT)
    }
}

#[wasmtime_wasi::async_trait]
impl Pollable for BoundedPipe {
    async fn ready(&mut self) {}
}

impl tokio::io::AsyncWrite for BoundedPipe {
    fn poll_write(
        self: Pin<&mut Self>,
        _cx: &mut Context<'_>,
        buf: &[u8],
    ) -> Poll<std::io::Result<usize>> {
        self.push(buf);
        Poll::Ready(Ok(buf.len()))
    }
    fn poll_flush(self: Pin<&mut Self>, _cx: &mut Context<'_>) -> Poll<std::io::Result<()>> {
        Poll::Ready(Ok(()))
    }
    fn poll_shutdown(self: Pin<&mut Self>, _cx: &mut Context<'_>) -> Poll<std::io::Result<()>> {
        Poll::Ready(Ok(()))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bounded_pipe_keeps_the_head_and_counts_the_rest() {
        let pipe = BoundedPipe::new(5);
        pipe.push(b"hello world");
        assert_eq!(pipe.contents(), "hello\n[6 more bytes dropped]");
    }
}
