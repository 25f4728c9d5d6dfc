//! Builds the hostile plugins in `tests/hostile/` for wasm32-wasip2 and embeds
//! them as constants (`vitrine_testkit::hostile::*`).

use vitrine_guest_build::{Guest, Interpreted, build_and_embed, build_interpreted_and_embed};

const GUESTS: &[Guest] = &[
    Guest::plugin("hostile-looper", "LOOPER"),
    Guest::plugin("hostile-memory-hog", "MEMORY_HOG"),
    Guest::plugin("hostile-deep-recursion", "DEEP_RECURSION"),
    Guest::plugin("hostile-panicker", "PANICKER"),
    Guest::plugin("hostile-flood", "FLOOD"),
    Guest::plugin("hostile-huge-string", "HUGE_STRING"),
    Guest::plugin("hostile-invalid-values", "INVALID_VALUES"),
    Guest::plugin("hostile-snooper", "SNOOPER"),
    Guest::plugin("hostile-sleeper", "SLEEPER"),
    Guest::plugin("hostile-file-reader", "FILE_READER"),
    Guest::plugin("hostile-socket-opener", "SOCKET_OPENER"),
    Guest::plugin("hostile-counter", "COUNTER"),
    Guest::plugin("hostile-exiter", "EXITER"),
    Guest::plugin("hostile-bad-description", "BAD_DESCRIPTION"),
    Guest::plugin("hostile-describe-panics", "DESCRIBE_PANICS"),
    Guest::plugin("hostile-alloc-stress", "ALLOC_STRESS"),
    Guest::plugin("hostile-recorder", "RECORDER"),
    Guest::plugin("hostile-fuzz-offers", "FUZZ_OFFERS"),
    Guest::plugin("hostile-money-claims", "MONEY_CLAIMS"),
    Guest::plugin("hostile-text-forger", "TEXT_FORGER"),
    Guest::plugin("hostile-sku-smuggler", "SKU_SMUGGLER"),
    Guest::plugin("hostile-host-burner", "HOST_BURNER"),
    Guest::plugin("hostile-edge-integers", "EDGE_INTEGERS"),
    Guest::binary("hostile-cli-command", "cli-command", "CLI_COMMAND"),
];

fn main() {
    build_and_embed(GUESTS, &["tests/hostile"], "hostile.rs");
    // The same attacks in Python and JavaScript, one component each (the
    // request's category picks the attack): see tests/hostile-python and
    // tests/hostile-js.
    build_interpreted_and_embed(
        &[
            Interpreted::Python {
                dir: "tests/hostile-python",
                module: "app",
                constant: "HOSTILE_PYTHON",
            },
            Interpreted::Js {
                entry: "tests/hostile-js/hostile.js",
                constant: "HOSTILE_JS",
                raw: true,
            },
        ],
        "hostile_interpreted.rs",
    );
}
