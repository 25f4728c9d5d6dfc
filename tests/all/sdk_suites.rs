//! The Python and JavaScript SDKs' own test suites (pytest in
//! `plugins/python`, `node --test` in `plugins/js`: the SDK helpers and the
//! samples' logic, without wasm), run as part of `cargo test`. Outside CI a
//! missing interpreter skips its suite with a message; in CI it fails.

use std::path::Path;
use std::process::Command;

fn in_ci() -> bool {
    std::env::var_os("CI").is_some_and(|v| !v.is_empty() && v != "0" && v != "false")
}

fn suite(dir: &str, program: &str, args: &[&str]) {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("..").join(dir);
    let out = match Command::new(program)
        .args(args)
        .current_dir(&dir)
        .env("PYTHONDONTWRITEBYTECODE", "1")
        .output()
    {
        Ok(out) => out,
        Err(e) => {
            assert!(!in_ci(), "{program} is missing in CI: {e}");
            eprintln!("skipped: {program} is not installed ({e})");
            return;
        }
    };
    assert!(
        out.status.success(),
        "{program} {args:?} in {} failed:\n{}\n{}",
        dir.display(),
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
}

#[test]
fn the_python_sdk_and_sample_pass_their_pytest_suite() {
    suite(
        "plugins/python",
        "python3",
        &["-m", "pytest", "-q", "-p", "no:cacheprovider"],
    );
}

#[test]
fn the_javascript_sdk_and_sample_pass_their_node_test_suite() {
    suite("plugins/js", "node", &["--test"]);
}
