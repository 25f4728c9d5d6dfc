//! Makes the host work for it, in a loop, for as long as it is let: with
//! `mode` = `log` it passes `bytes`-long messages to `logging.log`,
//! `catalog` reads its longest catalog value again and again, `stdout` and
//! `stderr` write `bytes`-long lines. Each crossing costs it a few
//! instructions and the host a copy; the host charges the copy to its fuel.

use std::io::Write as _;

use vitrine_sdk::{BidError, Brand, Offer, Request, catalog, export_brand, log};

/// The plugin.
pub struct HostBurner;

impl Brand for HostBurner {
    const CATEGORIES: &'static [&'static str] = &["food"];

    fn offers(_request: &Request) -> Result<Vec<Offer>, BidError> {
        let mode = catalog::get("mode").unwrap_or_else(|| "log".into());
        let bytes: usize = catalog::number("bytes").unwrap_or(128 << 10);
        let text = "x".repeat(bytes);
        loop {
            match mode.as_str() {
                "catalog" => {
                    std::hint::black_box(catalog::get("payload"));
                }
                "stdout" => {
                    let _ = std::io::stdout().write_all(text.as_bytes());
                }
                "stderr" => {
                    let _ = std::io::stderr().write_all(text.as_bytes());
                }
                _ => log::info(&text),
            }
        }
    }
}

export_brand!(HostBurner);
