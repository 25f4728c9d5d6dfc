//! The runtime's typed errors: why a plugin could not be loaded, and why one
//! call produced no offers. A caller can always tell a timeout from a trap from
//! invalid output; every variant serialises to a JSON object with a stable
//! `error` code beside its fields (no variant carries a bare string, so every
//! one of them can be serialised that way: a test serialises each).

use serde::{Deserialize, Serialize};

use vitrine_types::CallError;

/// Why a component was refused at load. Each message says what is wrong and,
/// where there is one, what to do about it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, thiserror::Error)]
#[serde(rename_all = "snake_case", tag = "error")]
pub enum LoadError {
    /// The binary is larger than the limit.
    #[error("the component is {size} bytes; the limit is {limit} bytes")]
    TooLarge {
        /// Size of the upload.
        size: usize,
        /// The limit.
        limit: usize,
    },
    /// The file is empty.
    #[error("the file is empty")]
    Empty,
    /// The bytes are not WebAssembly at all.
    #[error("not a WebAssembly binary (no `\\0asm` header)")]
    NotWasm,
    /// A core module was given where a component is expected.
    #[error(
        "this is a core WebAssembly module, not a component; build the plugin with \
         `cargo build --target wasm32-wasip2` (or wrap a module with `wasm-tools component new`)"
    )]
    CoreModule,
    /// The component failed to validate or compile.
    #[error("the component is malformed: {detail}")]
    Malformed {
        /// wasmtime's explanation.
        detail: String,
    },
    /// The component is well formed but needs more than a per-component
    /// limit allows (core instances, memories, tables).
    #[error(
        "the component needs {found} {limit}; the limit is {max} (an operator limit: see `vitrine plugin check` for all of them)"
    )]
    LimitExceeded {
        /// Which limit, as named in the limits table.
        limit: String,
        /// What the component needs.
        found: u64,
        /// The limit.
        max: u64,
    },
    /// Compiling the component took more CPU time or memory than the
    /// compile bounds allow.
    #[error(
        "compiling the component exceeded its {resource} bound of {bound}; the component is refused"
    )]
    CompileBudget {
        /// `cpu` or `memory`.
        resource: String,
        /// The bound, in words (`60 s of CPU`, `2048 MiB`).
        bound: String,
    },
    /// The component does not export the brand interface.
    #[error(
        "missing export `{expected}`: a plugin must target world `brand` of package \
         `vitrine:brand@{world_version}`; this component exports [{found}]"
    )]
    MissingExport {
        /// The export that was looked for.
        expected: String,
        /// The version of the contract the host serves.
        world_version: String,
        /// What the component exports instead.
        found: String,
    },
    /// The component targets a contract version this host does not serve.
    #[error(
        "the component exports `{found}`, a version of the contract this host does not \
         serve; served versions: {served}"
    )]
    UnsupportedVersion {
        /// The brand export found.
        found: String,
        /// The versions served.
        served: String,
    },
    /// The component imports an interface plugins are never granted.
    #[error("the component imports `{import}`, which plugins are not granted: {why}")]
    ForbiddenImport {
        /// The import name.
        import: String,
        /// Why it is refused.
        why: String,
    },
    /// An import or export has the right name but the wrong shape.
    #[error(
        "the component does not match world `brand` of `vitrine:brand@{world_version}`: {detail}"
    )]
    Mismatch {
        /// The contract version.
        world_version: String,
        /// wasmtime's explanation.
        detail: String,
    },
    /// `describe` failed when the host called it at load.
    #[error("calling `describe` failed: {call}")]
    Describe {
        /// How the call failed.
        call: Box<CallError>,
    },
    /// `describe` answered something unusable.
    #[error("`describe` answered an invalid description: {detail}")]
    BadDescription {
        /// What is wrong with it.
        detail: String,
    },
    /// The catalog could not be used.
    #[error("catalog: {detail}")]
    Catalog {
        /// What is wrong with it.
        detail: String,
    },
    /// The engine could not be built (an invalid configuration), or the
    /// compile worker could not run.
    #[error("engine configuration: {detail}")]
    Engine {
        /// What failed.
        detail: String,
    },
}

impl LoadError {
    /// A short stable code (`not_wasm`, `missing_export`, ...).
    pub fn code(&self) -> &'static str {
        match self {
            LoadError::TooLarge { .. } => "too_large",
            LoadError::Empty => "empty",
            LoadError::NotWasm => "not_wasm",
            LoadError::CoreModule => "core_module",
            LoadError::Malformed { .. } => "malformed",
            LoadError::LimitExceeded { .. } => "limit_exceeded",
            LoadError::CompileBudget { .. } => "compile_budget",
            LoadError::MissingExport { .. } => "missing_export",
            LoadError::UnsupportedVersion { .. } => "unsupported_version",
            LoadError::ForbiddenImport { .. } => "forbidden_import",
            LoadError::Mismatch { .. } => "mismatch",
            LoadError::Describe { .. } => "describe_failed",
            LoadError::BadDescription { .. } => "bad_description",
            LoadError::Catalog { .. } => "catalog",
            LoadError::Engine { .. } => "engine",
        }
    }
}
