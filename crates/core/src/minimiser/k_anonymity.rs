//! k-anonymity for everything a request shares beyond the need: a
//! combination of category, region, budget band and labels is passed to
//! brands only if at least k distinct households (the one asking included)
//! asked to share that same combination within a recent window.
//! Households are remembered as salted hashes, never ids; the salt and the
//! sightings are kept in the store, so the counts survive a restart.

use std::collections::HashMap;
use std::sync::Mutex;

use sha2::{Digest, Sha256};

use crate::household::HouseholdId;
use vitrine_types::time::Day;

/// A household as the registry remembers it: a salted hash, hex encoded.
pub(crate) type HouseholdHash = String;

/// Who asked to share which combination, and when.
pub struct KAnonymity {
    k: usize,
    window_days: i32,
    salt: [u8; 16],
    seen: Mutex<HashMap<String, HashMap<HouseholdHash, Day>>>,
}

impl KAnonymity {
    /// A registry requiring `k` households within `window_days`, with a
    /// fresh random salt.
    pub fn new(k: usize, window_days: i32) -> KAnonymity {
        KAnonymity::with_salt(k, window_days, rand::random())
    }

    /// Same, with a persisted `salt` (so that stored sightings still match).
    pub(crate) fn with_salt(k: usize, window_days: i32, salt: [u8; 16]) -> KAnonymity {
        KAnonymity {
            k: k.max(1),
            window_days,
            salt,
            seen: Mutex::new(HashMap::new()),
        }
    }

    /// The k in use.
    pub fn k(&self) -> usize {
        self.k
    }

    /// The window, in days.
    pub fn window_days(&self) -> i32 {
        self.window_days
    }

    /// The canonical form of a label set (sorted, deduplicated).
    pub fn key(labels: &[String]) -> String {
        let mut sorted: Vec<&str> = labels.iter().map(String::as_str).collect();
        sorted.sort_unstable();
        sorted.dedup();
        sorted.join(",")
    }

    /// How the registry names `household`.
    pub(crate) fn household_hash(&self, household: &HouseholdId) -> HouseholdHash {
        let digest = Sha256::new()
            .chain_update(self.salt)
            .chain_update(household.0.as_bytes())
            .finalize();
        hex::encode(&digest[..16])
    }

    /// Records that the household `hash` asked to share `key` on `day`;
    /// returns whether this is news (not yet recorded for that day), which
    /// is what the store must persist.
    pub fn observe(&self, key: &str, hash: &HouseholdHash, day: Day) -> bool {
        let mut seen = self.seen.lock().unwrap_or_else(|p| p.into_inner());
        let households = seen.entry(key.to_owned()).or_default();
        match households.insert(hash.clone(), day) {
            Some(before) if before >= day => {
                households.insert(hash.clone(), before);
                false
            }
            _ => true,
        }
    }

    /// Whether recording `hash` asking to share `key` on `day` would be
    /// news (see [`KAnonymity::observe`]).
    pub(crate) fn is_news(&self, key: &str, hash: &HouseholdHash, day: Day) -> bool {
        let seen = self.seen.lock().unwrap_or_else(|p| p.into_inner());
        seen.get(key)
            .and_then(|households| households.get(hash))
            .is_none_or(|before| *before < day)
    }

    fn recent(&self, day: Day) -> impl Fn(&Day) -> bool + '_ {
        move |d: &Day| day.since(*d) <= self.window_days && *d <= day
    }

    /// Every sighting held (a household asking to share a combination, on
    /// its latest day), whatever its age: what the registry would persist.
    pub fn sightings(&self) -> usize {
        let seen = self.seen.lock().unwrap_or_else(|p| p.into_inner());
        seen.values().map(HashMap::len).sum()
    }

    /// Distinct households that asked to share `key` within the window
    /// ending on `day`.
    pub fn count(&self, key: &str, day: Day) -> usize {
        let seen = self.seen.lock().unwrap_or_else(|p| p.into_inner());
        let recent = self.recent(day);
        seen.get(key).map_or(0, |households| {
            households.values().filter(|d| recent(d)).count()
        })
    }

    /// Distinct households that asked to share `key` within the window,
    /// counting `hash` (the household asking now) once whether or not it
    /// was seen before.
    pub(crate) fn count_with(&self, key: &str, hash: &HouseholdHash, day: Day) -> usize {
        let seen = self.seen.lock().unwrap_or_else(|p| p.into_inner());
        let recent = self.recent(day);
        let others = seen.get(key).map_or(0, |households| {
            households
                .iter()
                .filter(|(h, d)| *h != hash && recent(d))
                .count()
        });
        others + 1
    }

    /// Whether `key` may be shared on `day` by the household `hash`.
    pub(crate) fn allows_with(&self, key: &str, hash: &HouseholdHash, day: Day) -> bool {
        if self.k <= 1 {
            return true;
        }
        // Stop counting at k: a popular combination has many more.
        let seen = self.seen.lock().unwrap_or_else(|p| p.into_inner());
        let recent = self.recent(day);
        seen.get(key).is_some_and(|households| {
            households
                .iter()
                .filter(|(h, d)| *h != hash && recent(d))
                .nth(self.k - 2)
                .is_some()
        })
    }

    /// Forgets sightings older than the window before `day`.
    pub fn prune(&self, day: Day) {
        let mut seen = self.seen.lock().unwrap_or_else(|p| p.into_inner());
        let recent = self.recent(day);
        seen.retain(|_, households| {
            households.retain(|_, d| recent(d));
            !households.is_empty()
        });
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_combination_is_shared_once_k_households_asked_for_it_recently() {
        let registry = KAnonymity::new(3, 30);
        let key = "food/dairy|FR/69|-|local,organic";
        let hash = |h: &str| registry.household_hash(&HouseholdId(h.into()));
        for h in ["a", "b"] {
            registry.observe(key, &hash(h), Day(100));
        }
        assert!(!registry.observe(key, &hash("a"), Day(100)), "not news");
        assert!(
            registry.observe(key, &hash("a"), Day(101)),
            "a later day is"
        );
        assert!(
            !registry.allows_with(key, &hash("a"), Day(101)),
            "the same household counts once"
        );
        assert!(
            registry.allows_with(key, &hash("c"), Day(101)),
            "a third household asking now makes three"
        );
        assert!(
            !registry.allows_with(key, &hash("c"), Day(140)),
            "old sightings expire"
        );
        registry.prune(Day(140));
        assert_eq!(registry.count(key, Day(101)), 0);
    }

    #[test]
    fn allowing_stops_counting_at_k_but_answers_as_the_count_does() {
        for k in 1..6 {
            let registry = KAnonymity::new(k, 30);
            let key = "food/dairy|-|-|";
            let hash = |h: usize| registry.household_hash(&HouseholdId(format!("h{h}")));
            for seen in 0..8 {
                for asker in [0, seen + 1] {
                    assert_eq!(
                        registry.allows_with(key, &hash(asker), Day(100)),
                        registry.count_with(key, &hash(asker), Day(100)) >= k,
                        "k={k}, {seen} seen, asker {asker}"
                    );
                }
                registry.observe(key, &hash(seen), Day(100 - (seen as i32 % 3)));
            }
        }
    }

    #[test]
    fn label_sets_are_canonical_and_the_salt_keeps_hashes_stable() {
        assert_eq!(
            KAnonymity::key(&["organic".into(), "local".into(), "organic".into()]),
            "local,organic"
        );
        let one = KAnonymity::with_salt(2, 30, [7; 16]);
        let two = KAnonymity::with_salt(2, 30, [7; 16]);
        let h = HouseholdId("h".into());
        assert_eq!(one.household_hash(&h), two.household_hash(&h));
        assert_ne!(
            one.household_hash(&h),
            KAnonymity::new(2, 30).household_hash(&h)
        );
    }
}
