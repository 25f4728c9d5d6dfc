//! `vitrine plugin new --lang rust|python|js NAME`, as a brand's developer
//! uses it: the project it writes passes its own tests, builds with its
//! language's toolchain, and `plugin check` and `plugin run` accept the
//! component it builds. Outside CI, a language whose toolchain is missing is
//! skipped with a message; in CI that is a failure.

use std::path::Path;
use std::process::Command;

use crate::{json, vitrine};

fn in_ci() -> bool {
    std::env::var_os("CI").is_some_and(|v| !v.is_empty() && v != "0" && v != "false")
}

/// Whether `tool --version` runs; skips (or fails in CI) when it does not.
fn have(tool: &str) -> bool {
    let found = Command::new(tool)
        .arg("--version")
        .output()
        .is_ok_and(|o| o.status.success());
    if !found {
        assert!(!in_ci(), "{tool} is missing: CI installs every toolchain");
        eprintln!("skipped: {tool} is not installed");
    }
    found
}

fn run(dir: &Path, program: &str, args: &[&str]) {
    let out = Command::new(program)
        .args(args)
        .current_dir(dir)
        .env("PYTHONDONTWRITEBYTECODE", "1")
        .output()
        .unwrap_or_else(|e| panic!("{program}: {e}"));
    assert!(
        out.status.success(),
        "{program} {args:?} failed:\n{}\n{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
}

fn new_project(parent: &Path, lang: &str, name: &str) -> std::path::PathBuf {
    let out = vitrine(&[
        "plugin",
        "new",
        "--lang",
        lang,
        "--dir",
        parent.to_str().unwrap(),
        name,
    ]);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(stdout.contains("next:"), "{stdout}");
    parent.join(name)
}

/// `plugin check` and `plugin run` on the project's component, with its
/// example catalog and request: it loads and bids.
fn check_and_run(dir: &Path, wasm: &Path) {
    let (wasm, catalog, request) = (
        wasm.to_str().unwrap(),
        dir.join("catalog.json"),
        dir.join("request.json"),
    );
    let catalog = catalog.to_str().unwrap();
    let out = vitrine(&["plugin", "check", wasm, "--catalog", catalog]);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let out = vitrine(&[
        "plugin",
        "run",
        wasm,
        "--catalog",
        catalog,
        "--request",
        request.to_str().unwrap(),
    ]);
    let report = json(&out);
    assert_eq!(report["status"], "offers", "{report}");
    assert_eq!(report["offers"][0]["price_minor"], 900, "{report}");
    assert!(
        report["rejected"].as_array().unwrap().is_empty(),
        "{report}"
    );
}

#[test]
fn a_new_python_plugin_passes_its_tests_builds_and_bids() {
    if !have("componentize-py") {
        return;
    }
    let parent = tempfile::tempdir().unwrap();
    let dir = new_project(parent.path(), "python", "corner-shop");
    run(
        &dir,
        "python3",
        &["-m", "pytest", "-q", "-p", "no:cacheprovider"],
    );
    run(
        &dir,
        "componentize-py",
        &[
            "-d",
            "wit",
            "-w",
            "brand",
            "componentize",
            "-p",
            ".",
            "app",
            "-o",
            "corner-shop.wasm",
        ],
    );
    check_and_run(&dir, &dir.join("corner-shop.wasm"));
}

#[test]
fn a_new_javascript_plugin_passes_its_tests_builds_and_bids() {
    if !have("node") || !have("npm") {
        return;
    }
    let parent = tempfile::tempdir().unwrap();
    let dir = new_project(parent.path(), "js", "corner-shop");
    // The pinned packages are in npm's cache once `npm ci --prefix
    // plugins/js` ran (the README's setup): no network needed.
    run(
        &dir,
        "npm",
        &["install", "--prefer-offline", "--no-audit", "--no-fund"],
    );
    run(&dir, "npm", &["test"]);
    run(&dir, "npm", &["run", "build"]);
    check_and_run(&dir, &dir.join("corner-shop.wasm"));
}

#[test]
fn a_new_rust_plugin_passes_its_tests_builds_and_bids() {
    let parent = tempfile::tempdir().unwrap();
    let dir = new_project(parent.path(), "rust", "corner-shop");
    // One target directory for every run of this test on this checkout.
    let target = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../target/scaffold");
    let cargo = std::env::var("CARGO").unwrap_or_else(|_| "cargo".into());
    let build = |args: &[&str]| {
        let out = Command::new(&cargo)
            .args(args)
            .current_dir(&dir)
            .env("CARGO_TARGET_DIR", &target)
            .env_remove("RUSTFLAGS")
            .output()
            .unwrap();
        assert!(
            out.status.success(),
            "cargo {args:?}: {}",
            String::from_utf8_lossy(&out.stderr)
        );
    };
    build(&["test", "--quiet"]);
    build(&["build", "--release", "--target", "wasm32-wasip2", "--quiet"]);
    check_and_run(&dir, &target.join("wasm32-wasip2/release/corner_shop.wasm"));
}

#[test]
fn plugin_new_refuses_a_bad_name_and_an_existing_directory_writing_nothing() {
    let parent = tempfile::tempdir().unwrap();
    let out = vitrine(&[
        "plugin",
        "new",
        "--dir",
        parent.path().to_str().unwrap(),
        "../evil",
    ]);
    assert_eq!(out.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&out.stderr).contains("not a plugin name"));
    std::fs::create_dir(parent.path().join("taken")).unwrap();
    let out = vitrine(&[
        "plugin",
        "new",
        "--lang",
        "python",
        "--dir",
        parent.path().to_str().unwrap(),
        "taken",
    ]);
    assert_eq!(out.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&out.stderr).contains("already exists"));
    assert_eq!(
        std::fs::read_dir(parent.path().join("taken"))
            .unwrap()
            .count(),
        0
    );
}

#[test]
fn every_language_gets_code_a_test_a_catalog_a_request_and_the_contract_with_no_placeholder_left() {
    let parent = tempfile::tempdir().unwrap();
    for (lang, name, files) in [
        (
            "python",
            "py-shop",
            &[
                "py_shop.py",
                "test_py_shop.py",
                "app.py",
                "vitrine_brand/component.py",
            ][..],
        ),
        (
            "js",
            "js-shop",
            &[
                "js-shop.js",
                "js-shop.test.js",
                "package.json",
                "vendor/vitrine-brand/build.mjs",
            ][..],
        ),
        ("rust", "rs-shop", &["Cargo.toml", "src/lib.rs"][..]),
    ] {
        let dir = new_project(parent.path(), lang, name);
        for file in files.iter().chain(&[
            "catalog.json",
            "request.json",
            "wit/world.wit",
            ".gitignore",
        ]) {
            let text = std::fs::read_to_string(dir.join(file))
                .unwrap_or_else(|e| panic!("{lang}: {file}: {e}"));
            assert!(!text.contains("{{"), "{lang}: {file} keeps a placeholder");
        }
    }
}
