//! Looks at everything a program could use to learn about its host and
//! returns what it saw as its bid error: environment variables, arguments,
//! the working directory, both clocks, randomness and stdin.

use std::io::Read;
use std::time::{Instant, SystemTime, UNIX_EPOCH};

use vitrine_sdk::{BidError, Brand, Offer, Request, export_brand};

/// The plugin.
pub struct Snooper;

impl Brand for Snooper {
    const CATEGORIES: &'static [&'static str] = &["food"];

    fn offers(_request: &Request) -> Result<Vec<Offer>, BidError> {
        let env = std::env::vars().count();
        let args = std::env::args().count();
        let cwd = std::env::current_dir()
            .map(|p| p.display().to_string())
            .unwrap_or_else(|e| format!("error:{}", e.kind()));
        let wall = SystemTime::now()
            .duration_since(UNIX_EPOCH)
            .map(|d| d.as_nanos())
            .unwrap_or(u128::MAX);
        let start = Instant::now();
        let mut spin = 0u64;
        for i in 0..100_000u64 {
            spin = std::hint::black_box(spin.wrapping_add(i));
        }
        let elapsed = start.elapsed().as_nanos();
        let mut stdin = Vec::new();
        let stdin_read = std::io::stdin()
            .read_to_end(&mut stdin)
            .map(|n| n.to_string())
            .unwrap_or_else(|e| format!("error:{}", e.kind()));
        let random: u64 = {
            use std::hash::{BuildHasher, RandomState};
            RandomState::new().hash_one(42u32)
        };
        Err(BidError::Internal(format!(
            "env={env};args={args};cwd={cwd};wall_ns={wall};elapsed_ns={elapsed};stdin={stdin_read};hash={random};spin={}",
            spin % 2
        )))
    }
}

export_brand!(Snooper);
