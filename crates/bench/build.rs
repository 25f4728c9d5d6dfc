//! Builds the looping plugin of `tests/hostile`, which the auction benchmark
//! puts in auctions to measure how misbehaving brands are contained. It is
//! embedded in `vitrine-bench`, never in the shipped `vitrine` binary.

use vitrine_guest_build::{Guest, build_and_embed};

fn main() {
    build_and_embed(
        &[Guest::plugin("hostile-looper", "LOOPER")],
        &["tests/hostile/looper"],
        "fixtures.rs",
    );
}
