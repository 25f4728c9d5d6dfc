//! Pairwise pseudonyms: a brand sees a household as
//! HMAC(key_brand, household id), where key_brand = HMAC(platform secret,
//! brand). Stable for one brand (it can recognise a returning customer),
//! unlinkable across brands (two brands cannot join their customers), and
//! not reversible without the platform secret.

use hmac::{Hmac, Mac};
use sha2::Sha256;

use crate::household::HouseholdId;

type HmacSha256 = Hmac<Sha256>;

/// Derives pseudonyms from the platform secret.
#[derive(Clone)]
pub struct Pseudonymiser {
    secret: [u8; 32],
}

impl std::fmt::Debug for Pseudonymiser {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("Pseudonymiser { secret: <hidden> }")
    }
}

impl Pseudonymiser {
    /// From a persisted secret.
    pub fn new(secret: [u8; 32]) -> Pseudonymiser {
        Pseudonymiser { secret }
    }

    /// With a fresh random secret.
    pub fn random() -> Pseudonymiser {
        Pseudonymiser::new(rand::random())
    }

    /// The secret (to persist it).
    pub fn secret(&self) -> [u8; 32] {
        self.secret
    }

    /// How `brand` sees `household`.
    pub fn pseudonym(&self, brand: &str, household: &HouseholdId) -> String {
        let mut brand_key = HmacSha256::new_from_slice(&self.secret).expect("any key length");
        brand_key.update(b"vitrine-brand-key\0");
        brand_key.update(brand.as_bytes());
        let key = brand_key.finalize().into_bytes();
        let mut mac = HmacSha256::new_from_slice(&key).expect("any key length");
        mac.update(household.0.as_bytes());
        format!("hh-{}", &hex::encode(mac.finalize().into_bytes())[..24])
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn stable_per_brand_unlinkable_across_brands_and_secrets() {
        let p = Pseudonymiser::new([7; 32]);
        let h = HouseholdId("family-martin".into());
        assert_eq!(p.pseudonym("dairy", &h), p.pseudonym("dairy", &h));
        assert_ne!(p.pseudonym("dairy", &h), p.pseudonym("farm", &h));
        assert_ne!(
            p.pseudonym("dairy", &h),
            Pseudonymiser::new([8; 32]).pseudonym("dairy", &h)
        );
        assert!(!p.pseudonym("dairy", &h).contains("martin"));
    }
}
