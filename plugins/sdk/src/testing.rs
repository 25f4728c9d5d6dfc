//! Helpers for testing a plugin natively with `cargo test`, without a host.
//!
//! Only available when the crate is built for a non-wasm target: the bidding
//! logic of a brand is plain Rust, so it can be unit-tested like any other.
//!
//! ```
//! use vitrine_sdk::testing;
//! use vitrine_sdk::catalog;
//!
//! let price = testing::with_catalog(&[("yogurt.price", "450")], || catalog::minor("yogurt.price"));
//! assert_eq!(price, Ok(450));
//! ```

use std::cell::RefCell;
use std::collections::HashMap;

use crate::log::Level;

thread_local! {
    static CATALOG: RefCell<HashMap<String, String>> = RefCell::new(HashMap::new());
    static LOGS: RefCell<Vec<(Level, String)>> = const { RefCell::new(Vec::new()) };
}

/// Run `f` with `entries` as the catalog of the current thread, then restore
/// the previous catalog.
pub fn with_catalog<R>(entries: &[(&str, &str)], f: impl FnOnce() -> R) -> R {
    let installed: HashMap<String, String> = entries
        .iter()
        .map(|(k, v)| ((*k).to_owned(), (*v).to_owned()))
        .collect();
    let previous = CATALOG.with(|c| std::mem::replace(&mut *c.borrow_mut(), installed));
    let result = f();
    CATALOG.with(|c| *c.borrow_mut() = previous);
    result
}

/// The log entries recorded on this thread since the last call.
pub fn take_logs() -> Vec<(Level, String)> {
    LOGS.with(|l| std::mem::take(&mut *l.borrow_mut()))
}

pub(crate) fn catalog_value(key: &str) -> Option<String> {
    CATALOG.with(|c| c.borrow().get(key).cloned())
}

pub(crate) fn record_log(level: Level, message: &str) {
    LOGS.with(|l| l.borrow_mut().push((level, message.to_owned())));
}
