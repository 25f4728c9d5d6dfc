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
fn a_plugin_importing_the_file_system_loads_and_finds_nothing_to_read() {
    // Interpreters import wasi:filesystem whether or not they use it: it is
    // linked with no preopened directory, so no path names anything.
    let plugin = runtime()
        .load(hostile::FILE_READER, Catalog::empty())
        .expect("wasi:filesystem is linked, denied");
    match plugin.call(&vitrine_testkit::request("food", 1)).outcome {
        Err(CallError::PluginError(vitrine_types::BidError::Internal(seen))) => {
            assert!(seen.starts_with("error:"), "the read must fail: {seen}")
        }
        other => panic!("expected the plugin's report of a failed read, got {other:?}"),
    }
}

#[test]
fn a_plugin_importing_sockets_loads_and_cannot_connect() {
    let plugin = runtime()
        .load(hostile::SOCKET_OPENER, Catalog::empty())
        .expect("wasi:sockets is linked, denied");
    match plugin.call(&vitrine_testkit::request("food", 1)).outcome {
        Err(CallError::PluginError(vitrine_types::BidError::Internal(seen))) => {
            assert!(
                seen.starts_with("error:"),
                "the connection must fail: {seen}"
            )
        }
        other => panic!("expected the plugin's report of a failed connection, got {other:?}"),
    }
}

#[test]
fn unknown_interfaces_and_other_wasi_versions_are_refused_at_load_naming_them() {
    for (import, why) in [
        ("acme:spy/phone-home@1.0.0", "not part of world `brand`"),
        ("wasi:keyvalue/store@0.2.0", "not served to plugins"),
        ("wasi:filesystem/types@0.3.0", "0.2.x"),
    ] {
        let error = load(&vitrine_testkit::component_importing(import));
        match &error {
            LoadError::ForbiddenImport { import: named, .. } => assert_eq!(named, import),
            other => panic!("{import}: expected a forbidden import, got {other:?}"),
        }
        assert!(error.to_string().contains(why), "{import}: {error}");
    }
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
