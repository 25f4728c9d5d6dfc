//! Builds the sample brand plugins for wasm32-wasip2 and embeds them, so that
//! `vitrine samples` and the demo run without any file on disk: the Rust
//! samples with cargo, the Python one with componentize-py and the
//! JavaScript one with componentize-js (left out, with a warning, where
//! their toolchain is not installed, except in CI).

use vitrine_guest_build::{Guest, Interpreted, build_and_embed, build_interpreted_and_embed};

fn main() {
    build_and_embed(
        &[
            Guest::plugin("vitrine-sample-dairy", "DAIRY"),
            Guest::plugin("vitrine-sample-school-supplies", "SCHOOL_SUPPLIES"),
            Guest::plugin("vitrine-sample-footwear", "FOOTWEAR"),
            Guest::plugin("vitrine-sample-farm-coop", "FARM_COOP"),
            Guest::plugin("vitrine-sample-bike-rental", "BIKE_RENTAL"),
            Guest::plugin("vitrine-sample-chocolatier", "CHOCOLATIER"),
        ],
        &[
            "plugins/dairy",
            "plugins/school-supplies",
            "plugins/footwear",
            "plugins/farm-coop",
            "plugins/bike-rental",
            "plugins/chocolatier",
        ],
        "samples.rs",
    );
    build_interpreted_and_embed(
        &[
            Interpreted::Python {
                dir: "plugins/python/bakery",
                module: "app",
                constant: "BAKERY",
            },
            Interpreted::Js {
                entry: "plugins/js/florist/florist.js",
                constant: "FLORIST",
                raw: false,
            },
        ],
        "interpreted.rs",
    );
}
