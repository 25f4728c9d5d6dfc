//! Nothing survives a call, and a plugin can learn nothing about its host:
//! no environment, no arguments, no files, no network, no clock, no
//! randomness that differs between calls.

use std::collections::HashMap;

use vitrine_runtime::CallError;
use vitrine_testkit::hostile;
use vitrine_testkit::{load_hostile, request, runtime};

#[test]
fn a_global_counter_always_sees_one_call() {
    let runtime = runtime();
    let plugin = load_hostile(&runtime, hostile::COUNTER);
    for _ in 0..50 {
        let offers = plugin
            .call(&request("food/dairy/yogurt", 1))
            .outcome
            .unwrap();
        assert_eq!(offers[0].sku, "CALL-1");
    }
}

#[test]
fn concurrent_calls_never_share_an_instance() {
    let runtime = runtime();
    let plugin = load_hostile(&runtime, hostile::COUNTER);
    std::thread::scope(|scope| {
        let handles: Vec<_> = (0..8)
            .map(|_| {
                let plugin = plugin.clone();
                scope.spawn(move || {
                    (0..25)
                        .map(|_| {
                            plugin
                                .call(&request("food/dairy/yogurt", 1))
                                .outcome
                                .unwrap()[0]
                                .sku
                                .clone()
                        })
                        .collect::<Vec<_>>()
                })
            })
            .collect();
        for handle in handles {
            assert!(handle.join().unwrap().iter().all(|sku| sku == "CALL-1"));
        }
    });
}

fn snoop() -> HashMap<String, String> {
    let runtime = runtime();
    let plugin = load_hostile(&runtime, hostile::SNOOPER);
    let report = plugin.call(&request("food/dairy/yogurt", 1));
    let Err(CallError::PluginError(vitrine_types::BidError::Internal(seen))) = report.outcome
    else {
        panic!(
            "the snooper reports through its bid error: {:?}",
            report.outcome
        );
    };
    seen.split(';')
        .filter_map(|kv| kv.split_once('='))
        .map(|(k, v)| (k.to_owned(), v.to_owned()))
        .collect()
}

#[test]
fn environment_arguments_and_working_directory_are_empty() {
    let seen = snoop();
    assert_eq!(seen["env"], "0");
    assert_eq!(seen["args"], "0");
    assert!(
        seen["cwd"].starts_with("error:") || seen["cwd"] == "/",
        "cwd={}",
        seen["cwd"]
    );
    assert_eq!(seen["stdin"], "0", "stdin is closed: end of input at once");
}

#[test]
fn clocks_are_frozen_so_nothing_can_be_timed() {
    let seen = snoop();
    assert_eq!(seen["wall_ns"], "0", "the wall clock reads the Unix epoch");
    assert_eq!(
        seen["elapsed_ns"], "0",
        "no time passes on the monotonic clock"
    );
}

#[test]
fn randomness_is_the_same_in_every_call_and_every_runtime() {
    let first = snoop();
    let second = snoop();
    assert_eq!(first["hash"], second["hash"]);
}

#[test]
fn the_sdk_allocator_survives_every_allocation_pattern() {
    // Generous fuel: the stress itself runs a few million instructions.
    let runtime = vitrine_testkit::runtime_with_deadline(std::time::Duration::from_secs(5));
    let plugin = load_hostile(&runtime, hostile::ALLOC_STRESS);
    for _ in 0..3 {
        let report = plugin.call(&request("food/dairy/yogurt", 1));
        let offers = report.outcome.unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(offers[0].sku, "ALLOC-OK");
        // It spilled past the 256 KiB arena into memory it had to grow.
        assert!(
            report.peak_memory_bytes > 4 << 20,
            "{}",
            report.peak_memory_bytes
        );
    }
}
