//! `vitrine plugin new --lang rust|python|js NAME`: a ready-to-build plugin
//! project, as `spin new` makes one. The templates are embedded in the
//! binary (`crates/cli/templates`), with the contract's WIT and, for Python
//! and JavaScript, the SDK itself (vendored, so the project builds on its
//! own with only its language's toolchain); a Rust project depends on the
//! SDK crate by path.

use std::fmt;
use std::path::{Path, PathBuf};

/// A language a plugin can be written in.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub(crate) enum Lang {
    /// Rust with `vitrine-sdk`, built by cargo for wasm32-wasip2.
    Rust,
    /// Python with `vitrine_brand`, built by componentize-py.
    Python,
    /// JavaScript with `@vitrine/brand`, built by componentize-js.
    Js,
}

/// Why a project could not be created.
#[derive(Debug)]
pub(crate) enum ScaffoldError {
    /// The name is not lower-case letters, digits and `-`.
    BadName(String),
    /// The directory exists: nothing is overwritten.
    Exists(PathBuf),
    /// The Rust SDK is not where the project would point to.
    NoSdk(PathBuf),
    /// Writing a file failed.
    Io(PathBuf, std::io::Error),
}

impl fmt::Display for ScaffoldError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            ScaffoldError::BadName(name) => write!(
                f,
                "`{name}` is not a plugin name: use lower-case letters, digits and `-`, starting with a letter (at most 64)"
            ),
            ScaffoldError::Exists(dir) => {
                write!(f, "{} already exists; nothing was written", dir.display())
            }
            ScaffoldError::NoSdk(dir) => write!(
                f,
                "the Rust SDK is not at {}; set VITRINE_SDK to the `plugins` directory of a Vitrine checkout",
                dir.display()
            ),
            ScaffoldError::Io(path, e) => write!(f, "writing {}: {e}", path.display()),
        }
    }
}

impl std::error::Error for ScaffoldError {}

/// The contract, vendored into every project.
const WIT: &[(&str, &str)] = &[
    ("wit/world.wit", include_str!("../../../wit/v0.1/world.wit")),
    ("wit/types.wit", include_str!("../../../wit/v0.1/types.wit")),
    ("wit/host.wit", include_str!("../../../wit/v0.1/host.wit")),
];

const RUST: &[(&str, &str)] = &[
    ("Cargo.toml", include_str!("../templates/rust/Cargo.toml")),
    ("src/lib.rs", include_str!("../templates/rust/src/lib.rs")),
];

const PYTHON: &[(&str, &str)] = &[
    (
        "pyproject.toml",
        include_str!("../templates/python/pyproject.toml"),
    ),
    ("Makefile", include_str!("../templates/python/Makefile")),
    ("app.py", include_str!("../templates/python/app.py")),
    ("NAME.py", include_str!("../templates/python/NAME.py")),
    (
        "test_NAME.py",
        include_str!("../templates/python/test_NAME.py"),
    ),
    (
        "vitrine_brand/__init__.py",
        include_str!("../../../plugins/python/vitrine_brand/__init__.py"),
    ),
    (
        "vitrine_brand/brand.py",
        include_str!("../../../plugins/python/vitrine_brand/brand.py"),
    ),
    (
        "vitrine_brand/component.py",
        include_str!("../../../plugins/python/vitrine_brand/component.py"),
    ),
    (
        "vitrine_brand/host.py",
        include_str!("../../../plugins/python/vitrine_brand/host.py"),
    ),
    (
        "vitrine_brand/model.py",
        include_str!("../../../plugins/python/vitrine_brand/model.py"),
    ),
    (
        "vitrine_brand/testing.py",
        include_str!("../../../plugins/python/vitrine_brand/testing.py"),
    ),
];

const JS: &[(&str, &str)] = &[
    ("package.json", include_str!("../templates/js/package.json")),
    ("NAME.js", include_str!("../templates/js/NAME.js")),
    ("NAME.test.js", include_str!("../templates/js/NAME.test.js")),
    ("vendor/vitrine-brand/package.json", VENDORED_JS_PACKAGE),
    (
        "vendor/vitrine-brand/build.mjs",
        include_str!("../../../plugins/js/build.mjs"),
    ),
    (
        "vendor/vitrine-brand/src/index.js",
        include_str!("../../../plugins/js/src/index.js"),
    ),
    (
        "vendor/vitrine-brand/src/brand.js",
        include_str!("../../../plugins/js/src/brand.js"),
    ),
    (
        "vendor/vitrine-brand/src/host.js",
        include_str!("../../../plugins/js/src/host.js"),
    ),
    (
        "vendor/vitrine-brand/src/model.js",
        include_str!("../../../plugins/js/src/model.js"),
    ),
    (
        "vendor/vitrine-brand/src/testing.js",
        include_str!("../../../plugins/js/src/testing.js"),
    ),
    (
        "vendor/vitrine-brand/types/index.d.ts",
        include_str!("../../../plugins/js/types/index.d.ts"),
    ),
    (
        "vendor/vitrine-brand/types/testing.d.ts",
        include_str!("../../../plugins/js/types/testing.d.ts"),
    ),
    (
        "vendor/vitrine-brand/types/wit/brand.d.ts",
        include_str!("../../../plugins/js/types/wit/brand.d.ts"),
    ),
    (
        "vendor/vitrine-brand/types/wit/interfaces/vitrine-brand-types.d.ts",
        include_str!("../../../plugins/js/types/wit/interfaces/vitrine-brand-types.d.ts"),
    ),
    (
        "vendor/vitrine-brand/types/wit/interfaces/vitrine-brand-bidder.d.ts",
        include_str!("../../../plugins/js/types/wit/interfaces/vitrine-brand-bidder.d.ts"),
    ),
    (
        "vendor/vitrine-brand/types/wit/interfaces/vitrine-brand-catalog.d.ts",
        include_str!("../../../plugins/js/types/wit/interfaces/vitrine-brand-catalog.d.ts"),
    ),
    (
        "vendor/vitrine-brand/types/wit/interfaces/vitrine-brand-logging.d.ts",
        include_str!("../../../plugins/js/types/wit/interfaces/vitrine-brand-logging.d.ts"),
    ),
];

const VENDORED_JS_PACKAGE: &str = r#"{
  "name": "@vitrine/brand",
  "version": "0.1.0",
  "private": true,
  "type": "module",
  "exports": {
    ".": { "types": "./types/index.d.ts", "default": "./src/index.js" },
    "./testing": { "types": "./types/testing.d.ts", "default": "./src/testing.js" }
  }
}
"#;

const CATALOG: &str = r#"{
  "brand.name": "{{title}}",
  "item.price": 450,
  "delivery.days": 1,
  "sku.ITEM": "{{title}}: our first offer"
}
"#;

const REQUEST: &str = r#"{
  "need": "replenishment",
  "category": "{{category}}",
  "quantity": { "amount": 2, "unit": "piece" },
  "delivery": { "earliest_day": 0, "latest_day": 3 },
  "currency": "EUR",
  "max_offers": 3
}
"#;

/// Whether `name` can name a project, a crate and a Python module.
fn valid_name(name: &str) -> bool {
    (1..=64).contains(&name.len())
        && name.starts_with(|c: char| c.is_ascii_lowercase())
        && name
            .bytes()
            .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-')
}

/// Where the Rust SDK is: `VITRINE_SDK`, else the checkout this binary was
/// built from.
fn sdk_dir() -> PathBuf {
    std::env::var_os("VITRINE_SDK")
        .map(PathBuf::from)
        .unwrap_or_else(|| Path::new(env!("CARGO_MANIFEST_DIR")).join("../../plugins"))
}

/// Creates the project `name` of `lang` in `parent`; its directory.
pub(crate) fn create(parent: &Path, name: &str, lang: Lang) -> Result<PathBuf, ScaffoldError> {
    if !valid_name(name) {
        return Err(ScaffoldError::BadName(name.to_owned()));
    }
    let dir = parent.join(name);
    if dir.exists() {
        return Err(ScaffoldError::Exists(dir));
    }
    let module = name.replace('-', "_");
    let sdk = match lang {
        Lang::Rust => {
            let sdk = sdk_dir();
            let sdk = sdk
                .canonicalize()
                .map_err(|_| ScaffoldError::NoSdk(sdk.clone()))?;
            if !sdk.join("sdk/Cargo.toml").is_file() {
                return Err(ScaffoldError::NoSdk(sdk));
            }
            sdk.display().to_string()
        }
        _ => String::new(),
    };
    let title = name
        .split('-')
        .map(|w| {
            let mut c = w.chars();
            c.next()
                .map(|f| f.to_ascii_uppercase().to_string() + c.as_str())
                .unwrap_or_default()
        })
        .collect::<Vec<_>>()
        .join(" ");
    let fill = |text: &str| {
        text.replace("{{name}}", name)
            .replace("{{module}}", &module)
            .replace("{{title}}", &title)
            .replace("{{category}}", "home/misc")
            .replace("{{sdk}}", &sdk)
    };
    let files = match lang {
        Lang::Rust => RUST,
        Lang::Python => PYTHON,
        Lang::Js => JS,
    };
    let mut all: Vec<(String, String)> = files
        .iter()
        .chain(WIT)
        .map(|(path, text)| {
            let path = match lang {
                Lang::Python => path.replace("NAME", &module),
                _ => path.replace("NAME", name),
            };
            (path, fill(text))
        })
        .collect();
    all.push(("catalog.json".into(), fill(CATALOG)));
    all.push(("request.json".into(), fill(REQUEST)));
    all.push((".gitignore".into(), gitignore(lang).into()));
    // Written to a temporary sibling and renamed: a failure leaves nothing.
    let staging = parent.join(format!(".{name}.partial"));
    let _ = std::fs::remove_dir_all(&staging);
    let written = (|| {
        for (path, text) in &all {
            let file = staging.join(path);
            if let Some(folder) = file.parent() {
                std::fs::create_dir_all(folder).map_err(|e| ScaffoldError::Io(folder.into(), e))?;
            }
            std::fs::write(&file, text).map_err(|e| ScaffoldError::Io(file.clone(), e))?;
        }
        std::fs::rename(&staging, &dir).map_err(|e| ScaffoldError::Io(dir.clone(), e))
    })();
    if written.is_err() {
        let _ = std::fs::remove_dir_all(&staging);
    }
    written.map(|()| dir)
}

fn gitignore(lang: Lang) -> &'static str {
    match lang {
        Lang::Rust => "/target\n*.wasm\n",
        Lang::Python => "__pycache__/\n.pytest_cache/\n*.wasm\n",
        Lang::Js => "node_modules/\n*.wasm\n",
    }
}

/// What to run next, printed after the project is created.
pub(crate) fn next_steps(dir: &Path, lang: Lang) -> String {
    let d = dir.display();
    let name = dir
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    let module = name.replace('-', "_");
    match lang {
        Lang::Rust => format!(
            "next:\n  cd {d}\n  cargo test\n  cargo build --release --target wasm32-wasip2\n  vitrine plugin run target/wasm32-wasip2/release/{module}.wasm --catalog catalog.json --request request.json"
        ),
        Lang::Python => format!(
            "next:\n  cd {d}\n  python3 -m pytest -q\n  pip install componentize-py==0.25.1\n  componentize-py -d wit -w brand componentize -p . app -o {name}.wasm\n  vitrine plugin run {name}.wasm --catalog catalog.json --request request.json"
        ),
        Lang::Js => format!(
            "next:\n  cd {d}\n  npm install\n  npm test\n  npm run build\n  vitrine plugin run {name}.wasm --catalog catalog.json --request request.json"
        ),
    }
}
