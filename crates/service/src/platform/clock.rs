//! The platform's clock: the machine's, or a settable one for the demo and
//! tests (the decision core itself never reads a clock).

use std::sync::Arc;
use std::sync::atomic::{AtomicI64, Ordering};

use vitrine_types::time::Timestamp;

/// Where "now" comes from.
#[derive(Debug, Clone)]
pub enum Clock {
    /// The machine's clock.
    System,
    /// A clock that stands still until set.
    Manual(Arc<AtomicI64>),
}

impl Clock {
    /// A manual clock at `at`.
    pub fn manual(at: Timestamp) -> Clock {
        Clock::Manual(Arc::new(AtomicI64::new(at.0)))
    }

    /// Now.
    pub fn now(&self) -> Timestamp {
        match self {
            Clock::System => Timestamp::now(),
            Clock::Manual(t) => Timestamp(t.load(Ordering::Relaxed)),
        }
    }

    /// Sets a manual clock (ignored by the system clock).
    pub fn set(&self, at: Timestamp) {
        if let Clock::Manual(t) = self {
            t.store(at.0, Ordering::Relaxed);
        }
    }
}
