//! The plugin contract as the host enforces it: which contract versions are
//! served, what a component must export, and which imports it may have.
//!
//! A component is checked before it is linked, so that a wrong one gets an
//! error naming the missing export or the refused import and the WIT version,
//! rather than a linker message about an unresolved name.

pub mod v0_1;

use wasmtime::Engine;
use wasmtime::component::Component;
use wasmtime::component::types::ComponentItem;

use super::error::LoadError;

/// The contract versions this host serves, newest first.
pub const SERVED_VERSIONS: &[&str] = &[v0_1::VERSION];

/// The contract version a component targets.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ContractVersion {
    /// `vitrine:brand@0.1.x`.
    V0_1,
}

impl ContractVersion {
    /// The package version, such as `0.1.0`.
    pub fn as_str(self) -> &'static str {
        match self {
            ContractVersion::V0_1 => v0_1::VERSION,
        }
    }
}

/// What the host decided about one import.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum ImportPolicy {
    /// Linked: a brand interface, or a WASI interface the host serves with
    /// nothing to reach (see `wasi_denied`).
    Granted,
    /// Linked to functions that all trap as `denied`: an interface a
    /// toolchain imports by default that no plugin may use (outgoing HTTP).
    /// The reason is what the plugin's developer is told.
    Denied(&'static str),
    /// Refused at load, with the reason given to the brand.
    Refused(&'static str),
}

/// Why every `wasi:http` function traps: said in the call's error.
pub(crate) const NO_HTTP: &str =
    "plugins have no network; the platform sends requests to the plugin";

/// The policy for an import named like `wasi:cli/stdout@0.2.6`.
pub(crate) fn import_policy(name: &str) -> ImportPolicy {
    let (path, version) = name.split_once('@').unwrap_or((name, ""));
    let granted_brand = matches!(
        path,
        "vitrine:brand/catalog" | "vitrine:brand/logging" | "vitrine:brand/types"
    );
    if granted_brand {
        return if version.starts_with("0.1.") {
            ImportPolicy::Granted
        } else {
            ImportPolicy::Refused("this host serves vitrine:brand@0.1.x")
        };
    }
    // Served by wasmtime-wasi's own implementations over a context that
    // grants nothing: no preopened directory (so no file can be named),
    // TCP, UDP and name lookup disallowed (so every socket call fails with
    // `access-denied`). Interpreters built by componentize-py import them
    // whether or not the plugin uses them.
    let granted_wasi = matches!(
        path,
        "wasi:io/poll"
            | "wasi:io/error"
            | "wasi:io/streams"
            | "wasi:cli/environment"
            | "wasi:cli/exit"
            | "wasi:cli/stdin"
            | "wasi:cli/stdout"
            | "wasi:cli/stderr"
            | "wasi:cli/terminal-input"
            | "wasi:cli/terminal-output"
            | "wasi:cli/terminal-stdin"
            | "wasi:cli/terminal-stdout"
            | "wasi:cli/terminal-stderr"
            | "wasi:clocks/wall-clock"
            | "wasi:clocks/monotonic-clock"
            | "wasi:random/random"
            | "wasi:random/insecure"
            | "wasi:random/insecure-seed"
            | "wasi:filesystem/types"
            | "wasi:filesystem/preopens"
            | "wasi:sockets/network"
            | "wasi:sockets/instance-network"
            | "wasi:sockets/tcp"
            | "wasi:sockets/tcp-create-socket"
            | "wasi:sockets/udp"
            | "wasi:sockets/udp-create-socket"
            | "wasi:sockets/ip-name-lookup"
    );
    let denied_wasi = matches!(path, "wasi:http/types" | "wasi:http/outgoing-handler");
    if granted_wasi || denied_wasi {
        return if !version.starts_with("0.2.") {
            ImportPolicy::Refused("only WASI 0.2.x (preview 2) is served")
        } else if denied_wasi {
            ImportPolicy::Denied(NO_HTTP)
        } else {
            ImportPolicy::Granted
        };
    }
    if path.starts_with("wasi:") {
        ImportPolicy::Refused("this WASI interface is not served to plugins")
    } else {
        ImportPolicy::Refused("it is not part of world `brand`")
    }
}

/// What the contract check found in a component.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Shape {
    /// The contract version it targets.
    pub version: ContractVersion,
    /// Exports the host never calls (such as componentize-py's `exports`),
    /// left alone and listed by `vitrine plugin check`.
    pub ignored_exports: Vec<String>,
    /// Imports linked to functions that trap as `denied`.
    pub denied_imports: Vec<String>,
}

/// Checks a compiled component's exports and imports against the contract.
pub(crate) fn check_shape(engine: &Engine, component: &Component) -> Result<Shape, LoadError> {
    let ty = component.component_type();
    let exports: Vec<String> = ty
        .exports(engine)
        .map(|(name, _)| name.to_owned())
        .collect();
    let version = match exports
        .iter()
        .find(|name| name.starts_with("vitrine:brand/bidder@"))
    {
        Some(name) if name.starts_with("vitrine:brand/bidder@0.1.") => ContractVersion::V0_1,
        Some(name) => {
            return Err(LoadError::UnsupportedVersion {
                found: name.clone(),
                served: SERVED_VERSIONS.join(", "),
            });
        }
        None => {
            return Err(LoadError::MissingExport {
                expected: v0_1::BIDDER_EXPORT.to_owned(),
                world_version: v0_1::VERSION.to_owned(),
                found: if exports.is_empty() {
                    "nothing".to_owned()
                } else {
                    exports.join(", ")
                },
            });
        }
    };
    let ignored_exports = exports
        .into_iter()
        .filter(|name| !name.starts_with("vitrine:brand/bidder@"))
        .collect();
    let mut denied_imports = Vec::new();
    for (name, item) in ty.imports(engine) {
        match import_policy(name) {
            ImportPolicy::Refused(why) => {
                return Err(LoadError::ForbiddenImport {
                    import: name.to_owned(),
                    why: why.to_owned(),
                });
            }
            ImportPolicy::Denied(_) => denied_imports.push(name.to_owned()),
            ImportPolicy::Granted => {}
        }
        if !matches!(item.ty, ComponentItem::ComponentInstance(_)) {
            return Err(LoadError::Mismatch {
                world_version: version.as_str().to_owned(),
                detail: format!("import `{name}` must be an interface"),
            });
        }
    }
    Ok(Shape {
        version,
        ignored_exports,
        denied_imports,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn brand_and_preview2_wasi_imports_are_granted() {
        assert_eq!(
            import_policy("vitrine:brand/catalog@0.1.0"),
            ImportPolicy::Granted
        );
        assert_eq!(
            import_policy("vitrine:brand/logging@0.1.3"),
            ImportPolicy::Granted
        );
        assert_eq!(
            import_policy("wasi:cli/stdout@0.2.6"),
            ImportPolicy::Granted
        );
        assert_eq!(
            import_policy("wasi:random/random@0.2.0"),
            ImportPolicy::Granted
        );
    }

    #[test]
    fn files_and_sockets_are_served_with_nothing_to_reach_and_http_traps() {
        for name in [
            "wasi:filesystem/types@0.2.6",
            "wasi:filesystem/preopens@0.2.9",
            "wasi:sockets/tcp@0.2.6",
            "wasi:sockets/ip-name-lookup@0.2.0",
        ] {
            assert_eq!(import_policy(name), ImportPolicy::Granted, "{name}");
        }
        for name in ["wasi:http/outgoing-handler@0.2.6", "wasi:http/types@0.2.3"] {
            assert_eq!(import_policy(name), ImportPolicy::Denied(NO_HTTP), "{name}");
        }
    }

    #[test]
    fn unknown_imports_and_other_versions_are_refused() {
        for name in [
            "wasi:filesystem/types@0.3.0",
            "wasi:http/types@0.3.0-rc-2025-09-16",
            "wasi:keyvalue/store@0.2.0",
            "acme:spy/phone-home@1.0.0",
            "vitrine:brand/catalog@0.2.0",
            "wasi:cli/stdout@0.3.0",
        ] {
            assert!(
                matches!(import_policy(name), ImportPolicy::Refused(_)),
                "{name} should be refused"
            );
        }
    }
}
