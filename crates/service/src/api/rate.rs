//! A rate limit per token (governor's keyed GCRA limiter): each token may
//! make `rate_per_token` requests a second, with bursts of `rate_burst`;
//! beyond, it gets a JSON 429 with `Retry-After`. Tokens are keyed by a
//! hash, so the limiter never holds a token; tokens not seen for a while
//! are forgotten, so it does not grow with the number of tokens ever seen.

use std::num::NonZeroU32;
use std::sync::atomic::{AtomicU64, Ordering};

use governor::clock::{Clock, DefaultClock};
use governor::{DefaultKeyedRateLimiter, Quota};
use sha2::{Digest, Sha256};

use super::error::ApiError;

/// The limiter, or none when the rate is 0.
pub(crate) struct TokenRate {
    limiter: Option<DefaultKeyedRateLimiter<[u8; 16]>>,
    checks: AtomicU64,
}

impl TokenRate {
    pub(crate) fn new(per_second: u32, burst: u32) -> TokenRate {
        let limiter = NonZeroU32::new(per_second).map(|rate| {
            let burst = NonZeroU32::new(burst.max(per_second)).unwrap_or(rate);
            DefaultKeyedRateLimiter::keyed(Quota::per_second(rate).allow_burst(burst))
        });
        TokenRate {
            limiter,
            checks: AtomicU64::new(0),
        }
    }

    /// Counts one request of `token`; a 429 when it is over its rate.
    pub(crate) fn check(&self, token: &str) -> Result<(), ApiError> {
        let Some(limiter) = &self.limiter else {
            return Ok(());
        };
        let key: [u8; 16] = Sha256::digest(token.as_bytes())[..16]
            .try_into()
            .expect("16 bytes");
        // Every 10,000 checks, forget the tokens whose state is back to
        // idle.
        if self.checks.fetch_add(1, Ordering::Relaxed) % 10_000 == 9_999 {
            limiter.retain_recent();
        }
        limiter.check_key(&key).map_err(|not_until| {
            let wait = not_until.wait_time_from(DefaultClock::default().now());
            ApiError::too_many_requests(wait.as_secs().max(1))
        })
    }
}
