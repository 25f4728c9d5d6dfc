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
    /// Linked: a brand interface, or a WASI interface served denied.
    Granted,
    /// Refused at load, with the reason given to the brand.
    Refused(&'static str),
}

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
    );
    if granted_wasi {
        return if version.starts_with("0.2.") {
            ImportPolicy::Granted
        } else {
            ImportPolicy::Refused("only WASI 0.2.x (preview 2) is served")
        };
    }
    if path.starts_with("wasi:filesystem/") {
        ImportPolicy::Refused("plugins have no file system; put data in the catalog")
    } else if path.starts_with("wasi:sockets/") || path.starts_with("wasi:http/") {
        ImportPolicy::Refused("plugins have no network; the platform sends requests to the plugin")
    } else {
        ImportPolicy::Refused("it is not part of world `brand`")
    }
}

/// Checks a compiled component's exports and imports against the contract and
/// returns the version it targets.
pub(crate) fn check_shape(
    engine: &Engine,
    component: &Component,
) -> Result<ContractVersion, LoadError> {
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
    if let Some((name, _)) = ty
        .exports(engine)
        .find(|(name, _)| !name.starts_with("vitrine:brand/bidder@"))
    {
        return Err(LoadError::Mismatch {
            world_version: version.as_str().to_owned(),
            detail: format!(
                "unexpected export `{name}`; world `brand` exports only `vitrine:brand/bidder`"
            ),
        });
    }
    for (name, item) in ty.imports(engine) {
        if let ImportPolicy::Refused(why) = import_policy(name) {
            return Err(LoadError::ForbiddenImport {
                import: name.to_owned(),
                why: why.to_owned(),
            });
        }
        if !matches!(item.ty, ComponentItem::ComponentInstance(_)) {
            return Err(LoadError::Mismatch {
                world_version: version.as_str().to_owned(),
                detail: format!("import `{name}` must be an interface"),
            });
        }
    }
    Ok(version)
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
    fn files_network_and_unknown_imports_are_refused() {
        for name in [
            "wasi:filesystem/types@0.2.6",
            "wasi:filesystem/preopens@0.2.6",
            "wasi:sockets/tcp@0.2.6",
            "wasi:http/outgoing-handler@0.2.6",
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
