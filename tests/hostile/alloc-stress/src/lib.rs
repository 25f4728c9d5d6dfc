//! Not hostile to the host but to the SDK's arena allocator: mixes every
//! allocation pattern (growth in place, interleaved blocks, out-of-order
//! frees, hash maps, blocks larger than the arena, zeroed memory) and checks
//! its own results. Any corruption panics; success bids with `ALLOC-OK`.

use std::collections::HashMap;

use vitrine_sdk::{BidError, Brand, Offer, Request, export_brand};

/// The plugin.
pub struct AllocStress;

fn check(condition: bool, what: &str) {
    assert!(condition, "allocator corruption: {what}");
}

fn stress() {
    // Growth in place: the vector is the last block while it grows.
    let mut grow: Vec<u64> = Vec::new();
    for i in 0..20_000u64 {
        grow.push(i * 3);
    }
    check(
        grow.iter().enumerate().all(|(i, v)| *v == i as u64 * 3),
        "grown vector",
    );

    // Interleaved growth: two strings take turns, so neither stays last.
    let (mut a, mut b) = (String::new(), String::new());
    for i in 0..2_000 {
        a.push_str(&i.to_string());
        b.push((b'a' + (i % 26) as u8) as char);
    }
    check(
        b.len() == 2_000 && b.starts_with("abc"),
        "interleaved string",
    );
    check(a.starts_with("0123456789101112"), "interleaved digits");

    // Out-of-order frees between allocations.
    let mut boxes: Vec<Box<[u8; 100]>> = (0..500).map(|i| Box::new([i as u8; 100])).collect();
    for i in (0..500).step_by(3).rev() {
        boxes.remove(i);
    }
    check(boxes.iter().all(|b| b[0] == b[99]), "boxes survive frees");

    // A hash map rehashing several times.
    let map: HashMap<u32, String> = (0..5_000).map(|i| (i, format!("v{i}"))).collect();
    check((0..5_000).all(|i| map[&i] == format!("v{i}")), "hash map");

    // Larger than the arena: served by the system allocator.
    let big = vec![7u8; 3 << 20];
    check(
        big.iter().all(|b| *b == 7) && big.len() == 3 << 20,
        "large block",
    );

    // Zeroed memory must be zero even where the arena was used before.
    drop(grow);
    let zeroed = vec![0u64; 10_000];
    check(zeroed.iter().all(|v| *v == 0), "zeroed block");

    // Shrink, then grow again.
    let mut s = String::from("x").repeat(10_000);
    s.truncate(10);
    s.shrink_to_fit();
    s.push_str(&"y".repeat(50_000));
    check(
        s.len() == 50_010 && s.ends_with('y') && s.starts_with("xxxxxxxxxxy"),
        "shrink and regrow",
    );
}

impl Brand for AllocStress {
    const CATEGORIES: &'static [&'static str] = &["food"];

    fn offers(request: &Request) -> Result<Vec<Offer>, BidError> {
        stress();
        Ok(vec![
            request
                .offer("ALLOC-OK", "Allocator checked")
                .price_minor(100),
        ])
    }
}

export_brand!(AllocStress);
