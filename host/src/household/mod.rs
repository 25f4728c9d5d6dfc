//! The household's private model: everything Vitrine knows about one
//! household. None of it is ever passed to a plugin; the minimiser derives
//! what brands may see.

mod calendar;
mod consent;
mod events;
mod preferences;
mod signals;

use serde::{Deserialize, Serialize};

pub use calendar::{Calendar, Child, SchoolLevel, SchoolYearStart};
pub use consent::{Consents, DataField};
pub use events::{ConsumptionEvent, InventorySnapshot, Purchase};
pub use preferences::{Preferences, ServiceValues};
pub use signals::{ContextSignal, SignalKind};

use crate::mandate::Mandate;
use crate::model::{is_category_path, is_currency_code, is_label};

/// A household's identifier. Never shared with a brand: brands see a
/// per-brand pseudonym of it (see `reports::pseudonym`).
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(transparent)]
pub struct HouseholdId(pub String);

impl std::fmt::Display for HouseholdId {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.0)
    }
}

/// Where the household lives, precisely. Only a coarse form (country and
/// postal prefix) can ever be shared.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Location {
    /// ISO 3166-1 alpha-2 country code.
    pub country: String,
    /// The full postal code.
    pub postal_code: String,
}

/// Everything Vitrine knows about one household.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Household {
    /// The identifier.
    pub id: HouseholdId,
    /// The currency the household pays in.
    pub currency: String,
    /// Where it lives.
    #[serde(default)]
    pub location: Option<Location>,
    /// Consumption events.
    #[serde(default)]
    pub events: Vec<ConsumptionEvent>,
    /// Inventory readings.
    #[serde(default)]
    pub inventory: Vec<InventorySnapshot>,
    /// Purchases.
    #[serde(default)]
    pub purchases: Vec<Purchase>,
    /// Calendar facts.
    #[serde(default)]
    pub calendar: Calendar,
    /// Context signals; present only with consent (see
    /// [`Household::record_signal`]).
    #[serde(default)]
    pub signals: Vec<ContextSignal>,
    /// Preferences.
    #[serde(default)]
    pub preferences: Preferences,
    /// Consents, field by field.
    #[serde(default)]
    pub consents: Consents,
    /// Standing consent rules for automated purchases.
    #[serde(default)]
    pub mandates: Vec<Mandate>,
}

/// Why household data was refused.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum HouseholdError {
    /// A context signal arrived without the household's consent; it was not
    /// stored.
    #[error("context signals are only stored with the household's consent")]
    SignalWithoutConsent,
    /// A value is malformed.
    #[error("{field}: {why}")]
    Invalid {
        /// Which field.
        field: &'static str,
        /// What is wrong.
        why: String,
    },
}

impl Household {
    /// A household with no data, default preferences and no consent.
    pub fn new(id: impl Into<String>, currency: impl Into<String>) -> Household {
        Household {
            id: HouseholdId(id.into()),
            currency: currency.into(),
            location: None,
            events: Vec::new(),
            inventory: Vec::new(),
            purchases: Vec::new(),
            calendar: Calendar::default(),
            signals: Vec::new(),
            preferences: Preferences::default(),
            consents: Consents::default(),
            mandates: Vec::new(),
        }
    }

    /// Stores a context signal if, and only if, the household consented.
    pub fn record_signal(&mut self, signal: ContextSignal) -> Result<(), HouseholdError> {
        if !self.consents.allows(DataField::ContextSignals) {
            return Err(HouseholdError::SignalWithoutConsent);
        }
        if signal.level > 100 {
            return Err(invalid("signals", "level must be 0-100"));
        }
        self.signals.push(signal);
        Ok(())
    }

    /// The household's usual price for `quantity` in `category`: the median
    /// unit price of its purchases there (at least two) times the amount,
    /// rounded to a minor unit. Purchases with a price over the contract's
    /// money range never reach here (they are refused at the API).
    pub fn usual_price(&self, category: &str, quantity: crate::model::Quantity) -> Option<u64> {
        let mut unit_prices: Vec<f64> = self
            .purchases
            .iter()
            .filter(|p| p.category == category && p.unit == quantity.unit && p.amount > 0)
            .map(|p| p.price_minor as f64 / f64::from(p.amount))
            .collect();
        if unit_prices.len() < 2 {
            return None;
        }
        unit_prices.sort_by(f64::total_cmp);
        let usual = unit_prices[unit_prices.len() / 2] * f64::from(quantity.amount);
        Some((usual.round().max(1.0) as u64).min(crate::model::MAX_MONEY_MINOR))
    }

    /// Withdraws consent to `field`; withdrawing context signals also erases
    /// the stored ones.
    pub fn withdraw_consent(&mut self, field: DataField) {
        self.consents.withdraw(field);
        if field == DataField::ContextSignals {
            self.signals.clear();
        }
    }

    /// Checks every field: categories, labels, currency, amounts, consent
    /// for stored signals, preferences in range.
    pub fn validate(&self) -> Result<(), HouseholdError> {
        if self.id.0.is_empty() || self.id.0.len() > 128 {
            return Err(invalid("id", "must be 1 to 128 characters"));
        }
        if !is_currency_code(&self.currency) {
            return Err(invalid("currency", "must be an ISO 4217 code"));
        }
        let categories = self
            .events
            .iter()
            .map(|e| &e.category)
            .chain(self.inventory.iter().map(|i| &i.category))
            .chain(self.purchases.iter().map(|p| &p.category));
        for category in categories {
            if !is_category_path(category) {
                return Err(invalid(
                    "category",
                    format!("{category:?} is not a taxonomy path"),
                ));
            }
        }
        if !self.signals.is_empty() && !self.consents.allows(DataField::ContextSignals) {
            return Err(HouseholdError::SignalWithoutConsent);
        }
        if self.signals.iter().any(|s| s.level > 100) {
            return Err(invalid("signals", "level must be 0-100"));
        }
        let p = &self.preferences;
        if !(0.1..=10.0).contains(&p.price_sensitivity) {
            return Err(invalid(
                "preferences.price_sensitivity",
                "must be between 0.1 and 10",
            ));
        }
        if p.services.take_back_credit_percent > 100 || p.services.loyalty_percent > 100 {
            return Err(invalid("preferences.services", "percentages must be 0-100"));
        }
        if let Some(bad) = p
            .labels
            .keys()
            .chain(p.required_labels.iter())
            .find(|l| !is_label(l))
        {
            return Err(invalid(
                "preferences.labels",
                format!("{bad:?} is not a label"),
            ));
        }
        for mandate in &self.mandates {
            mandate.validate().map_err(|why| invalid("mandates", why))?;
        }
        Ok(())
    }
}

fn invalid(field: &'static str, why: impl Into<String>) -> HouseholdError {
    HouseholdError::Invalid {
        field,
        why: why.into(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::time::Timestamp;

    fn stress(level: u8) -> ContextSignal {
        ContextSignal {
            kind: SignalKind::Stress,
            level,
            at: Timestamp(0),
        }
    }

    #[test]
    fn signals_are_refused_without_consent_and_erased_on_withdrawal() {
        let mut household = Household::new("h1", "EUR");
        assert_eq!(
            household.record_signal(stress(80)),
            Err(HouseholdError::SignalWithoutConsent)
        );
        assert!(household.signals.is_empty());
        household.consents.grant(DataField::ContextSignals);
        household.record_signal(stress(80)).unwrap();
        assert_eq!(household.signals.len(), 1);
        household.withdraw_consent(DataField::ContextSignals);
        assert!(household.signals.is_empty());
    }

    #[test]
    fn malformed_data_is_refused_with_the_field() {
        let mut household = Household::new("h1", "EUR");
        household.preferences.price_sensitivity = 0.0;
        assert!(matches!(
            household.validate(),
            Err(HouseholdError::Invalid {
                field: "preferences.price_sensitivity",
                ..
            })
        ));
        let mut household = Household::new("h1", "euro");
        assert!(household.validate().is_err());
        household.currency = "EUR".into();
        household.signals.push(stress(10));
        assert_eq!(
            household.validate(),
            Err(HouseholdError::SignalWithoutConsent)
        );
    }

    #[test]
    fn liked_labels_are_ordered_by_value() {
        let mut p = Preferences::default();
        p.labels.insert("local".into(), 30);
        p.labels.insert("organic".into(), 50);
        p.labels.insert("plastic".into(), -40);
        assert_eq!(
            p.liked_labels(),
            vec!["organic".to_owned(), "local".to_owned()]
        );
    }
}
