//! k-anonymity for preference labels: a label set is passed to brands only
//! if at least k distinct households asked to share that same set within a
//! recent window. Households are remembered as salted hashes, never ids.

use std::collections::HashMap;
use std::sync::Mutex;

use sha2::{Digest, Sha256};

use crate::household::HouseholdId;
use crate::time::Day;

/// Who asked to share which label set, and when.
pub struct KAnonymity {
    k: usize,
    window_days: i32,
    salt: [u8; 16],
    seen: Mutex<HashMap<String, HashMap<[u8; 16], Day>>>,
}

impl KAnonymity {
    /// A registry requiring `k` households within `window_days`.
    pub fn new(k: usize, window_days: i32) -> KAnonymity {
        KAnonymity {
            k: k.max(1),
            window_days,
            salt: rand::random(),
            seen: Mutex::new(HashMap::new()),
        }
    }

    /// The k in use.
    pub fn k(&self) -> usize {
        self.k
    }

    /// The canonical key of a label set (sorted, deduplicated).
    pub fn key(labels: &[String]) -> String {
        let mut sorted: Vec<&str> = labels.iter().map(String::as_str).collect();
        sorted.sort_unstable();
        sorted.dedup();
        sorted.join(",")
    }

    fn household_hash(&self, household: &HouseholdId) -> [u8; 16] {
        let digest = Sha256::new()
            .chain_update(self.salt)
            .chain_update(household.0.as_bytes())
            .finalize();
        digest[..16].try_into().expect("16 bytes")
    }

    /// Records that `household` asked to share `labels` on `day`.
    pub fn observe(&self, household: &HouseholdId, labels: &[String], day: Day) {
        let hash = self.household_hash(household);
        let mut seen = self.seen.lock().unwrap_or_else(|p| p.into_inner());
        seen.entry(Self::key(labels)).or_default().insert(hash, day);
    }

    /// Distinct households that asked to share `labels` within the window
    /// ending on `day`.
    pub fn count(&self, labels: &[String], day: Day) -> usize {
        let seen = self.seen.lock().unwrap_or_else(|p| p.into_inner());
        seen.get(&Self::key(labels)).map_or(0, |households| {
            households
                .values()
                .filter(|d| day.since(**d) <= self.window_days && **d <= day)
                .count()
        })
    }

    /// Whether `labels` may be shared on `day`.
    pub fn allows(&self, labels: &[String], day: Day) -> bool {
        self.count(labels, day) >= self.k
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_set_is_shared_once_k_households_asked_for_it_recently() {
        let registry = KAnonymity::new(3, 30);
        let set = vec!["organic".to_owned(), "local".to_owned()];
        let reversed = vec!["local".to_owned(), "organic".to_owned()];
        for h in ["a", "b"] {
            registry.observe(&HouseholdId(h.into()), &set, Day(100));
        }
        registry.observe(&HouseholdId("a".into()), &set, Day(101));
        assert!(
            !registry.allows(&set, Day(101)),
            "the same household counts once"
        );
        registry.observe(&HouseholdId("c".into()), &reversed, Day(101));
        assert!(registry.allows(&set, Day(101)), "order does not matter");
        assert!(!registry.allows(&set, Day(140)), "old sightings expire");
    }
}
