//! The household's private model: everything Vitrine knows about one
//! household. None of it is ever passed to a plugin; the minimiser derives
//! what brands may see.

mod calendar;
mod consent;
mod delivery;
mod events;
mod preferences;
mod signals;

use serde::{Deserialize, Serialize};

pub use calendar::{Away, Calendar, Child, MAX_AWAY_PERIODS, SchoolLevel, SchoolYearStart};
pub use consent::{Consents, DataField};
pub use delivery::DeliveryAddress;
pub use events::{ConsumptionEvent, InventorySnapshot, Purchase};
pub use preferences::{Preferences, ServiceValues};
pub use signals::{ContextSignal, SignalKind};

use crate::mandate::Mandate;
use vitrine_types::time::Timestamp;
use vitrine_types::{is_category_path, is_currency_code, is_label};

/// A household's identifier. Never shared with a brand: brands see a
/// per-brand pseudonym of it (see `reports::pseudonym`).
#[derive(
    Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize, schemars::JsonSchema,
)]
#[serde(transparent)]
pub struct HouseholdId(pub String);

impl std::fmt::Display for HouseholdId {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.0)
    }
}

/// Where the household lives, precisely. Only a coarse form (country and
/// postal prefix) can ever be shared.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Location {
    /// ISO 3166-1 alpha-2 country code.
    #[schemars(length(min = 2, max = 2))]
    pub country: String,
    /// The full postal code.
    #[schemars(length(max = 16))]
    pub postal_code: String,
}

/// Everything Vitrine knows about one household.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Household {
    /// The identifier.
    pub id: HouseholdId,
    /// The currency the household pays in.
    #[schemars(length(min = 3, max = 3))]
    pub currency: String,
    /// Where it lives.
    #[serde(default)]
    pub location: Option<Location>,
    /// Consumption events.
    #[serde(default)]
    #[schemars(length(max = 50_000))]
    pub events: Vec<ConsumptionEvent>,
    /// Inventory readings.
    #[serde(default)]
    #[schemars(length(max = 50_000))]
    pub inventory: Vec<InventorySnapshot>,
    /// Purchases.
    #[serde(default)]
    #[schemars(length(max = 50_000))]
    pub purchases: Vec<Purchase>,
    /// Calendar facts.
    #[serde(default)]
    pub calendar: Calendar,
    /// Context signals; present only with consent (see
    /// [`Household::record_signal`]).
    #[serde(default)]
    #[schemars(length(max = 10_000))]
    pub signals: Vec<ContextSignal>,
    /// Preferences.
    #[serde(default)]
    pub preferences: Preferences,
    /// Consents, field by field.
    #[serde(default)]
    pub consents: Consents,
    /// Standing consent rules for automated purchases.
    #[serde(default)]
    #[schemars(length(max = 32))]
    pub mandates: Vec<Mandate>,
    /// Where orders are delivered. Released to an order's brand only once
    /// the order is final, and only these fields; never sent to a plugin.
    #[serde(default)]
    pub delivery: Option<DeliveryAddress>,
}

/// Days of events, readings and purchases a household keeps: older ones
/// are dropped as new ones arrive, and the needs engine never looks
/// further back. A year and a month: enough for a season to come round.
pub const HISTORY_DAYS: i32 = 400;
/// The most consumption events a household keeps (the newest), so that
/// neither its storage nor the needs engine's work grows without bound.
pub const MAX_EVENTS_KEPT: usize = 50_000;
/// The most inventory readings, and the most purchases, a household keeps.
pub const MAX_READINGS_KEPT: usize = 10_000;
/// How far ahead of the platform's clock an event may be dated (a
/// device's clock running fast); later ones are refused.
pub(crate) const FUTURE_SLACK_HOURS: i64 = 24;

/// Why household data was refused.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum HouseholdError {
    /// A context signal arrived without the household's consent; it was not
    /// stored.
    #[error("context signals are only stored with the household's consent")]
    SignalWithoutConsent,
    /// A value is malformed or out of its documented range.
    #[error("{field}: {why}")]
    Invalid {
        /// Which field, as a path (`events[3].at`).
        field: String,
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
            delivery: None,
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
    pub(crate) fn usual_price(
        &self,
        category: &str,
        quantity: vitrine_types::Quantity,
    ) -> Option<u64> {
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
        Some((usual.round().max(1.0) as u64).min(vitrine_types::MAX_MONEY_MINOR))
    }

    /// Withdraws consent to `field`; withdrawing context signals also erases
    /// the stored ones.
    pub fn withdraw_consent(&mut self, field: DataField) {
        self.consents.withdraw(field);
        if field == DataField::ContextSignals {
            self.signals.clear();
        }
    }

    /// Drops what falls out of the history: events, readings and
    /// purchases older than [`HISTORY_DAYS`] before `now`, and the oldest
    /// beyond [`MAX_EVENTS_KEPT`] and [`MAX_READINGS_KEPT`]. Each list is
    /// kept in time order.
    pub fn trim_history(&mut self, now: Timestamp) {
        let oldest = now.day().plus(-HISTORY_DAYS).start();
        fn trim<T>(list: &mut Vec<T>, at: impl Fn(&T) -> Timestamp, oldest: Timestamp, max: usize) {
            list.sort_by_key(&at);
            list.retain(|item| at(item) >= oldest);
            if list.len() > max {
                list.drain(..list.len() - max);
            }
        }
        trim(&mut self.events, |e| e.at, oldest, MAX_EVENTS_KEPT);
        trim(&mut self.inventory, |e| e.at, oldest, MAX_READINGS_KEPT);
        trim(&mut self.purchases, |e| e.at, oldest, MAX_READINGS_KEPT);
        trim(&mut self.signals, |e| e.at, oldest, MAX_READINGS_KEPT);
    }

    /// Checks new events, readings and purchases before they are added:
    /// each within its documented range (see `docs/FORMATS.md`), dated
    /// between 2000-01-01 and a day after `now`.
    pub fn check_events(
        consumption: &[ConsumptionEvent],
        inventory: &[InventorySnapshot],
        purchases: &[Purchase],
        now: Timestamp,
    ) -> Result<(), HouseholdError> {
        let latest = now.plus_hours(FUTURE_SLACK_HOURS);
        // The field is named (formatted) only when it is wrong.
        let check = |list: &str, i: usize, category: &str, amount: u32, at: Timestamp| {
            let field = || format!("{list}[{i}]");
            if !is_category_path(category) {
                return Err(invalid(
                    format!("{}.category", field()),
                    format!("{category:?} is not a taxonomy path"),
                ));
            }
            if amount > vitrine_types::MAX_AMOUNT {
                return Err(invalid(
                    format!("{}.amount", field()),
                    format!("must be at most {}", vitrine_types::MAX_AMOUNT),
                ));
            }
            if !at.in_range() || at > latest {
                return Err(invalid(
                    format!("{}.at", field()),
                    "must be between 2000-01-01 (946684800) and a day from now".to_owned(),
                ));
            }
            Ok(())
        };
        for (i, e) in consumption.iter().enumerate() {
            check("consumption", i, &e.category, e.amount, e.at)?;
        }
        for (i, e) in inventory.iter().enumerate() {
            check("inventory", i, &e.category, e.amount, e.at)?;
        }
        for (i, p) in purchases.iter().enumerate() {
            check("purchases", i, &p.category, p.amount, p.at)?;
            if p.price_minor > vitrine_types::MAX_MONEY_MINOR {
                return Err(invalid(
                    format!("purchases[{i}].price_minor"),
                    format!("must be at most {}", vitrine_types::MAX_MONEY_MINOR),
                ));
            }
            if p.brand
                .as_ref()
                .is_some_and(|b| b.is_empty() || b.len() > 64)
            {
                return Err(invalid(
                    format!("purchases[{i}].brand"),
                    "must be 1 to 64 characters".to_owned(),
                ));
            }
        }
        Ok(())
    }

    /// Checks every field: categories, labels, currency, amounts and dates
    /// in range, consent for stored signals, preferences in range.
    pub fn validate(&self) -> Result<(), HouseholdError> {
        if self.id.0.is_empty() || self.id.0.len() > 128 {
            return Err(invalid("id", "must be 1 to 128 characters"));
        }
        if !is_currency_code(&self.currency) {
            return Err(invalid("currency", "must be an ISO 4217 code"));
        }
        if let Some(location) = &self.location
            && (location.country.len() != 2 || location.postal_code.len() > 16)
        {
            return Err(invalid(
                "location",
                "a two-letter country and a postal code of at most 16 characters",
            ));
        }
        if let Some(delivery) = &self.delivery {
            delivery.validate()?;
        }
        Household::check_events(
            &self.events,
            &self.inventory,
            &self.purchases,
            vitrine_types::time::MAX_TIMESTAMP,
        )?;
        if !self.signals.is_empty() && !self.consents.allows(DataField::ContextSignals) {
            return Err(HouseholdError::SignalWithoutConsent);
        }
        if let Some(i) = self
            .signals
            .iter()
            .position(|s| s.level > 100 || !s.at.in_range())
        {
            return Err(invalid(
                format!("signals[{i}]"),
                "level must be 0-100 and at between 2000 and 2100",
            ));
        }
        let p = &self.preferences;
        let money = vitrine_types::MAX_MONEY_MINOR as i64;
        let v = &p.services;
        let named = [
            ("services.delivery_slot", v.delivery_slot),
            (
                "services.subscription_cancel_anytime",
                v.subscription_cancel_anytime,
            ),
            ("services.subscription_lock_in", v.subscription_lock_in),
            ("services.returnable_packaging", v.returnable_packaging),
            ("services.take_back", v.take_back),
            ("services.repair_per_month", v.repair_per_month),
            ("services.warranty_per_month", v.warranty_per_month),
            ("services.rental", v.rental),
            ("services.advice", v.advice),
            ("delay_penalty_per_day", p.delay_penalty_per_day),
            ("carbon_cost_per_kg", p.carbon_cost_per_kg),
        ]
        .into_iter()
        .map(|(field, value)| (field.to_owned(), value))
        .chain(p.labels.iter().map(|(k, v)| (format!("labels.{k}"), *v)))
        .chain(
            p.brand_affinity
                .iter()
                .map(|(k, v)| (format!("brand_affinity.{k}"), *v)),
        );
        for (field, value) in named {
            if !(-money..=money).contains(&value) {
                return Err(invalid(
                    format!("preferences.{field}"),
                    format!("must be within ±{money} minor units"),
                ));
            }
        }
        if p.delay_penalty_per_day < 0 || p.carbon_cost_per_kg < 0 {
            return Err(invalid(
                "preferences",
                "penalties and costs cannot be negative",
            ));
        }
        if let Some((category, _)) = p
            .budget_caps
            .iter()
            .find(|(_, cap)| **cap as i64 > money || **cap == 0)
        {
            return Err(invalid(
                format!("preferences.budget_caps.{category}"),
                format!("a cap is 1 to {money} minor units"),
            ));
        }
        if p.budget_caps.keys().any(|c| !is_category_path(c)) {
            return Err(invalid(
                "preferences.budget_caps",
                "keys must be taxonomy paths",
            ));
        }
        if p.labels.len() > 256 || p.brand_affinity.len() > 256 || p.blocked_brands.len() > 1_000 {
            return Err(invalid(
                "preferences",
                "at most 256 labels and affinities and 1000 blocked brands",
            ));
        }
        if self.calendar.children.len() > 16
            || self
                .calendar
                .children
                .iter()
                .any(|c| c.id.is_empty() || c.id.len() > 64)
        {
            return Err(invalid(
                "calendar.children",
                "at most 16, each with an id of 1 to 64 characters",
            ));
        }
        if self.calendar.away.len() > MAX_AWAY_PERIODS {
            return Err(invalid(
                "calendar.away",
                format!("at most {MAX_AWAY_PERIODS} periods"),
            ));
        }
        if let Some(i) = self
            .calendar
            .away
            .iter()
            .position(|a| a.to < a.from || a.to.since(a.from) > 366)
        {
            return Err(invalid(
                format!("calendar.away[{i}]"),
                "`to` must be on or after `from`, at most 366 days later",
            ));
        }
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

fn invalid(field: impl Into<String>, why: impl Into<String>) -> HouseholdError {
    HouseholdError::Invalid {
        field: field.into(),
        why: why.into(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

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
            Err(HouseholdError::Invalid { ref field, .. }) if field == "preferences.price_sensitivity"
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
