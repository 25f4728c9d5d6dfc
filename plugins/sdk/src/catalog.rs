//! The brand's read-only catalog: the data uploaded with the plugin, so that
//! prices and stock change without recompiling.
//!
//! In a native build (a plugin's own `cargo test`) the catalog is the one
//! installed with [`testing::with_catalog`](crate::testing::with_catalog).

use vitrine_types::BidError;

/// The value stored under `key`, if any.
pub fn get(key: &str) -> Option<String> {
    backend::get(key)
}

/// The value under `key`, or a [`BidError::Catalog`] naming the missing key.
pub fn require(key: &str) -> Result<String, BidError> {
    get(key).ok_or_else(|| BidError::Catalog(format!("missing key `{key}`")))
}

/// An amount of money in minor units (`"450"` for 4.50), or a
/// [`BidError::Catalog`] when the key is missing or not a whole number.
pub fn minor(key: &str) -> Result<u64, BidError> {
    number(key)
}

/// A whole number stored under `key`, or a [`BidError::Catalog`] when the
/// key is missing or does not hold one.
pub fn number<N: std::str::FromStr>(key: &str) -> Result<N, BidError> {
    let raw = require(key)?;
    raw.trim()
        .parse()
        .map_err(|_| BidError::Catalog(format!("key `{key}` is not a number: `{raw}`")))
}

/// Whether `key` holds `true` (also `yes` or `1`); false when absent.
pub fn flag(key: &str) -> bool {
    matches!(
        get(key).as_deref().map(str::trim),
        Some("true" | "yes" | "1")
    )
}

#[cfg(target_family = "wasm")]
mod backend {
    pub fn get(key: &str) -> Option<String> {
        crate::__private::bindings::vitrine::brand::catalog::get(key)
    }
}

#[cfg(not(target_family = "wasm"))]
mod backend {
    pub fn get(key: &str) -> Option<String> {
        crate::testing::catalog_value(key)
    }
}
