//! The floor: the cheapest isolated call wasmtime can make. A minimal
//! hand-written component (one exported function, 1 MiB of memory, one small
//! data segment) instantiated fresh from an `InstancePre` with the pooling
//! allocator and called, with no fuel, no epochs, no limiter and no WASI.
//! Every other isolated call is compared against it.

use wasmtime::component::{Component, InstancePre, Linker, TypedFunc};
use wasmtime::{Config, Engine, InstanceAllocationStrategy, PoolingAllocationConfig, Store};

/// The floor component, in the component-model text format.
pub const FLOOR_WAT: &str = r#"
(component
  (core module $m
    (memory (export "memory") 16)
    (data (i32.const 1024) "vitrine floor: one function, 1 MiB, one segment")
    (func (export "run") (result i32)
      (i32.load (i32.const 1024))))
  (core instance $i (instantiate $m))
  (func (export "run") (result u32) (canon lift (core func $i "run"))))
"#;

/// The floor, compiled and pre-linked on a plain pooling engine.
pub struct Floor {
    engine: Engine,
    pre: InstancePre<()>,
}

impl Floor {
    /// Compiles the floor component on its own plain engine.
    pub fn new() -> wasmtime::Result<Floor> {
        let mut config = Config::new();
        config.allocation_strategy(InstanceAllocationStrategy::Pooling(
            PoolingAllocationConfig::new(),
        ));
        let engine = Engine::new(&config)?;
        let component = Component::new(&engine, FLOOR_WAT)?;
        let pre = Linker::new(&engine).instantiate_pre(&component)?;
        Ok(Floor { engine, pre })
    }

    /// The floor compiled on another engine (such as the production one, to
    /// see what fuel, epochs and the pool settings cost by themselves).
    pub(crate) fn on_engine(engine: &Engine) -> wasmtime::Result<Floor> {
        let component = Component::new(engine, FLOOR_WAT)?;
        let pre = Linker::new(engine).instantiate_pre(&component)?;
        Ok(Floor {
            engine: engine.clone(),
            pre,
        })
    }

    /// One fresh instance, one call.
    pub fn call(&self) -> u32 {
        let mut store = Store::new(&self.engine, ());
        // Harmless on a plain engine; required on one that meters fuel.
        let _ = store.set_fuel(u64::MAX);
        store.set_epoch_deadline(1 << 40);
        let instance = self
            .pre
            .instantiate(&mut store)
            .expect("floor instantiates");
        let run: TypedFunc<(), (u32,)> = instance
            .get_typed_func(&mut store, "run")
            .expect("floor exports run");
        run.call(&mut store, ()).expect("floor runs").0
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_floor_reads_its_data_segment() {
        let floor = Floor::new().unwrap();
        // "vitr" as a little-endian u32.
        assert_eq!(floor.call(), u32::from_le_bytes(*b"vitr"));
    }
}
