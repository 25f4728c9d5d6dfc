//! The state of one sandboxed call: what the plugin can reach (its catalog,
//! its log, denied WASI) and what the host measures (memory growth). A new
//! one is built for every call and dropped with the instance, so nothing a
//! plugin does survives the call.

use std::sync::Arc;

use wasmtime::component::{HasData, Linker};
use wasmtime::{Engine, ResourceLimiter};

use super::catalog::{self, Catalog, CatalogAccess, HasCatalog};
use super::clock::{CallClock, HasClock};
use super::contract::v0_1;
use super::limits::Limits;
use super::logging::{self, HasLog, LogBuffer};
use super::metering::{HostWork, Metered};
use super::wasi_denied::{self, DeniedWasi};

/// The store data of one call.
pub(crate) struct CallState {
    wasi: DeniedWasi,
    catalog: Arc<Catalog>,
    catalog_bytes: u64,
    log: LogBuffer,
    /// Host work done for the plugin in this call (see `runtime::metering`).
    pub host: HostWork,
    /// Memory and table accounting.
    pub limiter: CallLimiter,
    /// The call's deadline and CPU clock.
    pub clock: CallClock,
}

impl CallState {
    /// Fresh state for one call of a plugin with `catalog`, timed by `clock`.
    pub fn new(limits: &Limits, catalog: Arc<Catalog>, clock: CallClock) -> Self {
        CallState {
            wasi: DeniedWasi::new(limits.stdio_bytes),
            catalog,
            catalog_bytes: 0,
            log: LogBuffer::new(limits.log_entries, limits.log_bytes),
            host: HostWork::default(),
            limiter: CallLimiter::new(limits),
            clock,
        }
    }

    /// Takes the captured diagnostics out of the state.
    pub(crate) fn into_diagnostics(self) -> (LogBuffer, String, String) {
        let stdout = self.wasi.stdout();
        let stderr = self.wasi.stderr();
        (self.log, stdout, stderr)
    }

    /// What the plugin wrote to stderr so far.
    pub fn stderr(&self) -> String {
        self.wasi.stderr()
    }
}

impl wasmtime_wasi::WasiView for CallState {
    fn ctx(&mut self) -> wasmtime_wasi::WasiCtxView<'_> {
        self.wasi.view()
    }
}

impl HasCatalog for CallState {
    fn catalog_access(&mut self) -> CatalogAccess<'_> {
        CatalogAccess {
            catalog: &self.catalog,
            bytes: &mut self.catalog_bytes,
        }
    }
}

impl Metered for CallState {
    fn host_work(&mut self) -> &mut HostWork {
        &mut self.host
    }

    fn bytes_copied(&self) -> u64 {
        self.catalog_bytes
            + self.log.offered_bytes
            + self.wasi.stdio_bytes_written().saturating_mul(
                super::metering::FUEL_PER_STDIO_BYTE / super::metering::FUEL_PER_BYTE,
            )
    }
}

impl HasClock for CallState {
    fn clock(&mut self) -> &mut CallClock {
        &mut self.clock
    }
}

impl HasLog for CallState {
    fn log_buffer(&mut self) -> &mut LogBuffer {
        &mut self.log
    }
}

/// Caps memory and table growth per call, and remembers the peak and any
/// refused growth so that the call can report `memory-limit` rather than the
/// trap the guest's allocator raises afterwards.
pub(crate) struct CallLimiter {
    memory_limit: usize,
    table_limit: usize,
    /// Sum of the current sizes of the call's linear memories.
    current_bytes: usize,
    /// The largest `current_bytes` seen.
    pub peak_bytes: usize,
    /// The size a refused growth asked for, if any.
    pub refused_growth: Option<usize>,
}

impl CallLimiter {
    fn new(limits: &Limits) -> Self {
        CallLimiter {
            memory_limit: limits.memory_bytes,
            table_limit: limits.table_elements,
            current_bytes: 0,
            peak_bytes: 0,
            refused_growth: None,
        }
    }
}

impl ResourceLimiter for CallLimiter {
    fn memory_growing(
        &mut self,
        current: usize,
        desired: usize,
        _maximum: Option<usize>,
    ) -> wasmtime::Result<bool> {
        let total = self.current_bytes - current.min(self.current_bytes) + desired;
        if desired > self.memory_limit || total > self.memory_limit {
            self.refused_growth = Some(desired);
            return Ok(false);
        }
        self.current_bytes = total;
        self.peak_bytes = self.peak_bytes.max(total);
        Ok(true)
    }

    fn table_growing(
        &mut self,
        _current: usize,
        desired: usize,
        _maximum: Option<usize>,
    ) -> wasmtime::Result<bool> {
        Ok(desired <= self.table_limit)
    }
}

struct TypesData;

impl HasData for TypesData {
    type Data<'a> = &'a mut CallState;
}

impl v0_1::TypesHost for &mut CallState {}

/// The linker every plugin is instantiated with: the brand interfaces and
/// denied WASI, nothing else.
pub(crate) fn build_linker(engine: &Engine) -> wasmtime::Result<Linker<CallState>> {
    let mut linker = Linker::new(engine);
    wasi_denied::add_to_linker(&mut linker)?;
    catalog::add_to_linker(&mut linker)?;
    logging::add_to_linker(&mut linker)?;
    v0_1::add_types::<CallState, TypesData>(&mut linker, |state| state)?;
    Ok(linker)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn growth_past_the_cap_is_refused_and_remembered() {
        let limits = Limits {
            memory_bytes: 4 << 20,
            ..Limits::default()
        };
        let mut limiter = CallLimiter::new(&limits);
        assert!(limiter.memory_growing(0, 1 << 20, None).unwrap());
        assert!(limiter.memory_growing(1 << 20, 3 << 20, None).unwrap());
        assert!(!limiter.memory_growing(3 << 20, 5 << 20, None).unwrap());
        assert_eq!(limiter.peak_bytes, 3 << 20);
        assert_eq!(limiter.refused_growth, Some(5 << 20));
    }
}
