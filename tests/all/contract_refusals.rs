//! A component that is not a brand plugin, or asks for more than a plugin is
//! granted, is refused at load with a message that says what is wrong.

use vitrine_runtime::{CallError, Catalog, Limits, LoadError, Runtime};
use vitrine_sim::samples::Sample;
use vitrine_testkit::{hostile, runtime};

fn load(bytes: &[u8]) -> LoadError {
    runtime()
        .load(bytes, Catalog::empty())
        .expect_err("the component must be refused")
}

#[test]
fn reading_files_is_refused_at_load_naming_wasi_filesystem() {
    let error = load(hostile::FILE_READER);
    match &error {
        LoadError::ForbiddenImport { import, .. } => {
            assert!(import.starts_with("wasi:filesystem/"), "{import}")
        }
        other => panic!("expected a forbidden import, got {other:?}"),
    }
    assert!(error.to_string().contains("no file system"), "{error}");
}

#[test]
fn opening_sockets_is_refused_at_load_naming_wasi_sockets() {
    let error = load(hostile::SOCKET_OPENER);
    match &error {
        LoadError::ForbiddenImport { import, .. } => {
            assert!(import.starts_with("wasi:sockets/"), "{import}")
        }
        other => panic!("expected a forbidden import, got {other:?}"),
    }
    assert!(error.to_string().contains("no network"), "{error}");
}

#[test]
fn a_component_for_another_world_is_refused_naming_the_missing_export() {
    let error = load(hostile::CLI_COMMAND);
    assert!(
        matches!(error, LoadError::MissingExport { .. }),
        "{error:?}"
    );
    let message = error.to_string();
    assert!(message.contains("vitrine:brand/bidder@0.1.0"), "{message}");
    assert!(message.contains("wasi:cli/run"), "{message}");
    assert!(message.contains("vitrine:brand@0.1.0"), "{message}");
}

#[test]
fn a_core_module_is_refused_with_the_build_hint() {
    let error = load(b"\0asm\x01\0\0\0");
    assert_eq!(error, LoadError::CoreModule);
    assert!(error.to_string().contains("wasm32-wasip2"));
}

#[test]
fn empty_non_wasm_and_truncated_files_are_refused() {
    assert_eq!(load(b""), LoadError::Empty);
    assert_eq!(
        load(b"MZ\x90\0this is a windows executable"),
        LoadError::NotWasm
    );
    assert_eq!(
        load(b"\x7fELF\x02\x01\x01\0precompiled"),
        LoadError::NotWasm
    );
    let dairy = Sample::named("dairy").unwrap().wasm;
    let truncated = &dairy[..dairy.len() / 2];
    assert!(matches!(load(truncated), LoadError::Malformed { .. }));
}

#[test]
fn an_oversized_binary_is_refused_before_compiling() {
    let runtime = Runtime::new(Limits {
        component_bytes: 1024,
        ..Limits::default()
    })
    .unwrap();
    let dairy = Sample::named("dairy").unwrap().wasm;
    let error = runtime.load(dairy, Catalog::empty()).unwrap_err();
    assert_eq!(
        error,
        LoadError::TooLarge {
            size: dairy.len(),
            limit: 1024
        }
    );
}

#[test]
fn a_future_contract_version_is_refused_naming_the_served_versions() {
    let component = wat::parse_str(
        r#"(component
            (core module $m (func (export "f")))
            (core instance $i (instantiate $m))
            (func $f (canon lift (core func $i "f")))
            (instance $bidder (export "describe" (func $f)))
            (export "vitrine:brand/bidder@0.2.0" (instance $bidder)))"#,
    )
    .unwrap();
    let error = load(&component);
    assert_eq!(
        error,
        LoadError::UnsupportedVersion {
            found: "vitrine:brand/bidder@0.2.0".into(),
            served: "0.1.0".into()
        }
    );
}

#[test]
fn the_right_export_with_the_wrong_shape_is_a_mismatch() {
    let component = wat::parse_str(
        r#"(component
            (core module $m (func (export "f")))
            (core instance $i (instantiate $m))
            (func $f (canon lift (core func $i "f")))
            (instance $bidder (export "describe" (func $f)))
            (export "vitrine:brand/bidder@0.1.0" (instance $bidder)))"#,
    )
    .unwrap();
    let error = load(&component);
    assert!(matches!(error, LoadError::Mismatch { .. }), "{error:?}");
    assert!(error.to_string().contains("vitrine:brand@0.1.0"), "{error}");
}

#[test]
fn a_description_with_a_wildcard_category_is_refused() {
    let error = load(hostile::BAD_DESCRIPTION);
    assert!(
        matches!(&error, LoadError::BadDescription { detail: why } if why.contains("\"*\"")),
        "{error:?}"
    );
}

#[test]
fn a_describe_that_panics_is_refused_with_the_panic_message() {
    match load(hostile::DESCRIBE_PANICS) {
        LoadError::Describe { call } => match *call {
            CallError::Trap { panic, .. } => {
                assert_eq!(panic.as_deref(), Some("no description today"))
            }
            other => panic!("expected a trap, got {other:?}"),
        },
        other => panic!("expected describe to fail, got {other:?}"),
    }
}
