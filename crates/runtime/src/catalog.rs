//! `vitrine:brand/catalog`: the read-only data a brand uploads with its
//! plugin, so that prices and stock change without recompiling.
//!
//! The catalog is a flat map of string keys to string values, parsed once at
//! load and shared by every call of the plugin; a call can only read it.
//! JSON form (`--catalog FILE`, documented in `docs/FORMATS.md`): one object
//! whose values are strings, numbers or booleans (numbers and booleans are
//! stored as their JSON text). Keys `sku.<SKU>` declare the SKUs the
//! brand's offers may carry.

use std::collections::HashMap;

use wasmtime::component::{HasData, Linker};

use super::contract::v0_1;

/// Longest catalog key, in bytes.
pub(crate) const MAX_KEY_BYTES: usize = 128;

/// A brand's catalog.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Catalog {
    entries: HashMap<String, String>,
    bytes: usize,
}

/// Why a catalog was refused.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum CatalogError {
    /// Not valid JSON.
    #[error("not valid JSON: {0}")]
    Json(String),
    /// Valid JSON but not an object of scalars.
    #[error("must be a JSON object whose values are strings, numbers or booleans; `{0}` is not")]
    NotFlat(String),
    /// A key is empty or too long.
    #[error("key `{0}` is empty or longer than {MAX_KEY_BYTES} bytes")]
    BadKey(String),
    /// The whole catalog is too large.
    #[error("catalog is {size} bytes; the limit is {limit}")]
    TooLarge {
        /// Keys plus values, in bytes.
        size: usize,
        /// The limit.
        limit: usize,
    },
}

impl Catalog {
    /// An empty catalog.
    pub fn empty() -> Self {
        Catalog::default()
    }

    /// Parses the JSON form, refusing anything over `limit_bytes`.
    pub fn from_json(json: &[u8], limit_bytes: usize) -> Result<Self, CatalogError> {
        if json.len() > limit_bytes.saturating_mul(2) {
            // Cheap early refusal before parsing a huge document.
            return Err(CatalogError::TooLarge {
                size: json.len(),
                limit: limit_bytes,
            });
        }
        let value: serde_json::Value =
            serde_json::from_slice(json).map_err(|e| CatalogError::Json(e.to_string()))?;
        let serde_json::Value::Object(map) = value else {
            return Err(CatalogError::NotFlat("<document>".into()));
        };
        let pairs = map.into_iter().map(|(key, value)| {
            let text = match value {
                serde_json::Value::String(s) => s,
                serde_json::Value::Number(n) => n.to_string(),
                serde_json::Value::Bool(b) => b.to_string(),
                _ => return Err(CatalogError::NotFlat(key)),
            };
            Ok((key, text))
        });
        Catalog::from_pairs(pairs.collect::<Result<Vec<_>, _>>()?, limit_bytes)
    }

    /// Builds a catalog from key-value pairs, refusing anything over
    /// `limit_bytes`.
    pub fn from_pairs(
        pairs: impl IntoIterator<Item = (String, String)>,
        limit_bytes: usize,
    ) -> Result<Self, CatalogError> {
        let mut catalog = Catalog::default();
        for (key, value) in pairs {
            if key.is_empty() || key.len() > MAX_KEY_BYTES {
                return Err(CatalogError::BadKey(key));
            }
            if let Some(sku) = key.strip_prefix(SKU_PREFIX)
                && !vitrine_types::is_sku(sku)
            {
                return Err(CatalogError::BadKey(key));
            }
            catalog.bytes += key.len() + value.len();
            if catalog.bytes > limit_bytes {
                return Err(CatalogError::TooLarge {
                    size: catalog.bytes,
                    limit: limit_bytes,
                });
            }
            catalog.entries.insert(key, value);
        }
        Ok(catalog)
    }

    /// The value under `key`.
    pub fn get(&self, key: &str) -> Option<&str> {
        self.entries.get(key).map(String::as_str)
    }

    /// Number of entries.
    pub fn len(&self) -> usize {
        self.entries.len()
    }

    /// Whether the catalog has no entries.
    pub fn is_empty(&self) -> bool {
        self.entries.is_empty()
    }

    /// Keys plus values, in bytes.
    pub fn size_bytes(&self) -> usize {
        self.bytes
    }

    /// Whether the catalog declares `sku` (a key `sku.<SKU>`). An offer may
    /// only carry a SKU its brand's catalog declares, so that a SKU names a
    /// product and cannot smuggle data (see `model::check_offer`).
    pub fn declares_sku(&self, sku: &str) -> bool {
        self.entries.contains_key(&format!("{SKU_PREFIX}{sku}"))
    }

    /// The SKUs the catalog declares.
    pub fn declared_skus(&self) -> impl Iterator<Item = &str> {
        self.entries
            .keys()
            .filter_map(|k| k.strip_prefix(SKU_PREFIX))
    }
}

/// The prefix of catalog keys that declare a SKU: `"sku.YOG-JAR": "..."`
/// (the value is free, a description for the brand's own use).
pub(crate) const SKU_PREFIX: &str = "sku.";

/// A call's access to its plugin's catalog: the catalog, and the count of
/// bytes copied through `catalog.get` (the key in, the value out), which
/// the call's host-work meter charges to the plugin's fuel.
pub struct CatalogAccess<'a> {
    /// The plugin's catalog.
    pub catalog: &'a Catalog,
    /// Bytes copied so far in this call.
    pub bytes: &'a mut u64,
}

/// What a call's store needs to serve the catalog.
pub trait HasCatalog {
    /// The plugin's catalog and the call's byte counter.
    fn catalog_access(&mut self) -> CatalogAccess<'_>;
}

struct CatalogData;

impl HasData for CatalogData {
    type Data<'a> = CatalogAccess<'a>;
}

impl v0_1::CatalogHost for CatalogAccess<'_> {
    fn get(&mut self, key: String) -> Option<String> {
        let value = self.catalog.get(&key);
        *self.bytes += (key.len() + value.map_or(0, str::len)) as u64;
        value.map(str::to_owned)
    }
}

/// Adds `vitrine:brand/catalog` to `linker`.
pub fn add_to_linker<T: HasCatalog + 'static>(linker: &mut Linker<T>) -> wasmtime::Result<()> {
    v0_1::add_catalog::<T, CatalogData>(linker, |state| state.catalog_access())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn scalars_are_stored_as_text() {
        let catalog =
            Catalog::from_json(br#"{"price": 450, "name": "Jar", "bio": true}"#, 1024).unwrap();
        assert_eq!(catalog.get("price"), Some("450"));
        assert_eq!(catalog.get("name"), Some("Jar"));
        assert_eq!(catalog.get("bio"), Some("true"));
        assert_eq!(catalog.get("missing"), None);
    }

    #[test]
    fn nested_values_malformed_json_and_oversize_are_refused() {
        assert!(matches!(
            Catalog::from_json(br#"{"a": {"b": 1}}"#, 1024),
            Err(CatalogError::NotFlat(k)) if k == "a"
        ));
        assert!(matches!(
            Catalog::from_json(b"[1,2]", 1024),
            Err(CatalogError::NotFlat(_))
        ));
        assert!(matches!(
            Catalog::from_json(b"{not json", 1024),
            Err(CatalogError::Json(_))
        ));
        assert!(matches!(
            Catalog::from_json(br#"{"k": "0123456789"}"#, 8),
            Err(CatalogError::TooLarge { .. })
        ));
    }
}
