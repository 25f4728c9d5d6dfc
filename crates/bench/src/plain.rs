//! A brand's component on plain wasmtime: the default pooling engine (no
//! fuel, no epochs, no memory limiter, no pool tuning), stock `wasmtime-wasi`
//! with an empty context (nothing granted, nothing captured) in place of
//! Vitrine's denied WASI, and the same catalog and logging interfaces. Set
//! against the production call it splits what the host adds from what the
//! guest itself costs.

use std::sync::Arc;

use wasmtime::component::{Component, HasData, Linker, ResourceTable};
use wasmtime::{Config, Engine, InstanceAllocationStrategy, PoolingAllocationConfig, Store};
use wasmtime_wasi::{WasiCtx, WasiCtxView, WasiView};

use vitrine_runtime::catalog::{self, HasCatalog};
use vitrine_runtime::contract::v0_1;
use vitrine_runtime::logging::{self, HasLog};
use vitrine_runtime::{Catalog, LogBuffer};
use vitrine_types::{Offer, OfferRequest};

/// A component pre-linked on a plain engine.
pub struct PlainPlugin {
    engine: Engine,
    pre: v0_1::BrandPre<PlainState>,
    catalog: Arc<Catalog>,
}

/// The per-call state: stock WASI, the catalog, an unbounded log.
struct PlainState {
    wasi: WasiCtx,
    table: ResourceTable,
    catalog: Arc<Catalog>,
    catalog_bytes: u64,
    log: LogBuffer,
}

impl WasiView for PlainState {
    fn ctx(&mut self) -> WasiCtxView<'_> {
        WasiCtxView {
            ctx: &mut self.wasi,
            table: &mut self.table,
        }
    }
}

impl HasCatalog for PlainState {
    fn catalog_access(&mut self) -> catalog::CatalogAccess<'_> {
        catalog::CatalogAccess {
            catalog: &self.catalog,
            bytes: &mut self.catalog_bytes,
        }
    }
}

impl HasLog for PlainState {
    fn log_buffer(&mut self) -> &mut LogBuffer {
        &mut self.log
    }
}

struct TypesData;

impl HasData for TypesData {
    type Data<'a> = &'a mut PlainState;
}

impl v0_1::TypesHost for &mut PlainState {}

impl PlainPlugin {
    /// Compiles `wasm` on its own plain engine.
    pub fn new(wasm: &[u8], catalog: Catalog) -> wasmtime::Result<PlainPlugin> {
        let mut config = Config::new();
        config.allocation_strategy(InstanceAllocationStrategy::Pooling(
            PoolingAllocationConfig::new(),
        ));
        let engine = Engine::new(&config)?;
        let mut linker = Linker::new(&engine);
        wasmtime_wasi::p2::add_to_linker_sync(&mut linker)?;
        catalog::add_to_linker(&mut linker)?;
        logging::add_to_linker(&mut linker)?;
        v0_1::add_types::<PlainState, TypesData>(&mut linker, |state| state)?;
        let component = Component::new(&engine, wasm)?;
        let pre = v0_1::BrandPre::new(linker.instantiate_pre(&component)?)?;
        Ok(PlainPlugin {
            engine,
            pre,
            catalog: Arc::new(catalog),
        })
    }

    /// One fresh instance, one call, the answer converted to the host's
    /// model as on the production path.
    pub fn call(&self, request: &OfferRequest) -> wasmtime::Result<Vec<Offer>> {
        let state = PlainState {
            wasi: WasiCtx::builder().build(),
            table: ResourceTable::new(),
            catalog: self.catalog.clone(),
            catalog_bytes: 0,
            log: LogBuffer::new(usize::MAX, usize::MAX),
        };
        let mut store = Store::new(&self.engine, state);
        let brand = self.pre.instantiate(&mut store)?;
        let answer = brand
            .vitrine_brand_bidder()
            .call_offers(&mut store, &v0_1::request_to_wit(request))?;
        match answer {
            Ok(offers) => Ok(offers.into_iter().map(v0_1::offer_from_wit).collect()),
            Err(e) => Err(wasmtime::format_err!(
                "the plugin did not bid: {}",
                v0_1::bid_error_from_wit(e)
            )),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use vitrine_runtime::{Limits, Runtime};
    use vitrine_sim::samples::Sample;

    #[test]
    fn plain_wasmtime_runs_the_same_component_to_the_same_answer() {
        let runtime = Runtime::new(Limits::default()).unwrap();
        let dairy = Sample::named("dairy").unwrap();
        let plain = PlainPlugin::new(dairy.wasm, dairy.catalog(&runtime).unwrap()).unwrap();
        let request = dairy.request();
        let production = dairy.load(&runtime).unwrap().call(&request);
        assert_eq!(plain.call(&request).unwrap(), production.outcome.unwrap());
    }
}
