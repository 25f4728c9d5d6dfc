//! Distinct copies of one component: the same code with a custom section
//! carrying a number appended, so that each copy has its own hash (its own
//! artifact in the cache, its own compiled code in memory), as distinct
//! brands' plugins would.

/// `wasm` with a custom section `vitrine-bench-copy` holding `index`.
pub fn distinct_copy(wasm: &[u8], index: u64) -> Vec<u8> {
    const NAME: &[u8] = b"vitrine-bench-copy";
    let mut payload = Vec::new();
    leb128(&mut payload, NAME.len() as u64);
    payload.extend_from_slice(NAME);
    payload.extend_from_slice(&index.to_le_bytes());
    let mut out = wasm.to_vec();
    out.push(0); // custom section id
    leb128(&mut out, payload.len() as u64);
    out.extend_from_slice(&payload);
    out
}

fn leb128(out: &mut Vec<u8>, mut value: u64) {
    loop {
        let byte = (value & 0x7f) as u8;
        value >>= 7;
        if value == 0 {
            out.push(byte);
            return;
        }
        out.push(byte | 0x80);
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use vitrine_runtime::{Limits, Runtime, sha256_hex};
    use vitrine_sim::samples::Sample;

    #[test]
    fn copies_load_and_bid_with_their_own_hashes() {
        let runtime = Runtime::new(Limits::default()).unwrap();
        let dairy = Sample::named("dairy").unwrap();
        let catalog = dairy.catalog(&runtime).unwrap();
        let a = runtime
            .load(&distinct_copy(dairy.wasm, 1), catalog.clone())
            .unwrap();
        let b = runtime
            .load(&distinct_copy(dairy.wasm, 2), catalog)
            .unwrap();
        assert_ne!(a.sha256(), b.sha256());
        assert_ne!(a.sha256(), sha256_hex(dairy.wasm));
        assert!(a.call(&dairy.request()).outcome.is_ok());
    }
}
