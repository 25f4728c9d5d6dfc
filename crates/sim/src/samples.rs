//! The sample brand plugins (`plugins/`), built from source by `build.rs` and
//! embedded in the binary with their default catalogs (`examples/catalogs`)
//! and one example request each (`examples/requests`).

use vitrine_runtime::{Catalog, LoadError, Plugin, Runtime};
use vitrine_types::OfferRequest;

mod built {
    include!(concat!(env!("OUT_DIR"), "/samples.rs"));
}

mod interpreted {
    include!(concat!(env!("OUT_DIR"), "/interpreted.rs"));
}

/// One sample brand.
#[derive(Debug, Clone, Copy)]
pub struct Sample {
    /// Short name, as in `examples/catalogs/<name>.json`.
    pub name: &'static str,
    /// The compiled component.
    pub wasm: &'static [u8],
    /// Its default catalog, JSON.
    pub catalog_json: &'static str,
    /// A request it bids on, JSON.
    pub request_json: &'static str,
}

/// Every sample brand.
pub const SAMPLES: &[Sample] = &[
    Sample {
        name: "dairy",
        wasm: built::DAIRY,
        catalog_json: include_str!("../../../examples/catalogs/dairy.json"),
        request_json: include_str!("../../../examples/requests/yogurt.json"),
    },
    Sample {
        name: "school-supplies",
        wasm: built::SCHOOL_SUPPLIES,
        catalog_json: include_str!("../../../examples/catalogs/school-supplies.json"),
        request_json: include_str!("../../../examples/requests/school-kit.json"),
    },
    Sample {
        name: "footwear",
        wasm: built::FOOTWEAR,
        catalog_json: include_str!("../../../examples/catalogs/footwear.json"),
        request_json: include_str!("../../../examples/requests/shoes.json"),
    },
    Sample {
        name: "farm-coop",
        wasm: built::FARM_COOP,
        catalog_json: include_str!("../../../examples/catalogs/farm-coop.json"),
        request_json: include_str!("../../../examples/requests/bread.json"),
    },
    Sample {
        name: "bike-rental",
        wasm: built::BIKE_RENTAL,
        catalog_json: include_str!("../../../examples/catalogs/bike-rental.json"),
        request_json: include_str!("../../../examples/requests/bike.json"),
    },
    Sample {
        name: "chocolatier",
        wasm: built::CHOCOLATIER,
        catalog_json: include_str!("../../../examples/catalogs/chocolatier.json"),
        request_json: include_str!("../../../examples/requests/chocolate.json"),
    },
];

/// The sample brands written in Python (`plugins/python/bakery`, built by
/// componentize-py) and JavaScript (`plugins/js/florist`, built by
/// componentize-js), as far as their toolchains were installed at build
/// time (see [`other_languages_missing`]). They bid beside the Rust
/// samples in the demo; [`SAMPLES`] stays Rust-only because each of these
/// compiles for about ten seconds (once per machine with an artifact cache).
pub fn other_languages() -> Vec<Sample> {
    let mut samples = Vec::new();
    if let Some(wasm) = interpreted::BAKERY {
        samples.push(Sample {
            name: "bakery",
            wasm,
            catalog_json: include_str!("../../../plugins/python/bakery/catalog.json"),
            request_json: include_str!("../../../examples/requests/bread.json"),
        });
    }
    if let Some(wasm) = interpreted::FLORIST {
        samples.push(Sample {
            name: "florist",
            wasm,
            catalog_json: include_str!("../../../plugins/js/florist/catalog.json"),
            request_json: include_str!("../../../examples/requests/flowers.json"),
        });
    }
    samples
}

/// What [`other_languages`] leaves out, and how to install its toolchain
/// (empty when every sample was built; never in CI).
pub fn other_languages_missing() -> &'static [&'static str] {
    interpreted::MISSING
}

impl Sample {
    /// The sample named `name`, in any language.
    pub fn named(name: &str) -> Option<&'static Sample> {
        SAMPLES.iter().find(|s| s.name == name).or_else(|| {
            static OTHERS: std::sync::OnceLock<Vec<Sample>> = std::sync::OnceLock::new();
            OTHERS
                .get_or_init(other_languages)
                .iter()
                .find(|s| s.name == name)
        })
    }

    /// Loads the sample with its default catalog.
    pub fn load(&self, runtime: &Runtime) -> Result<Plugin, LoadError> {
        let catalog = runtime.parse_catalog(self.catalog_json.as_bytes())?;
        runtime.load(self.wasm, catalog)
    }

    /// Its default catalog.
    pub fn catalog(&self, runtime: &Runtime) -> Result<Catalog, LoadError> {
        runtime.parse_catalog(self.catalog_json.as_bytes())
    }

    /// Its example request.
    pub fn request(&self) -> OfferRequest {
        serde_json::from_str(self.request_json).expect("example requests are valid")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_example_request_parses_and_is_valid() {
        for sample in SAMPLES.iter().chain(&other_languages()) {
            assert_eq!(sample.request().validate(), Ok(()), "{}", sample.name);
        }
    }
}
