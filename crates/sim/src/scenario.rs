//! Simulated households for the demo, the integration tests and the
//! decision benchmark: a family with two children, a student, and a
//! household that opted in to context signals. Each lives day by day with
//! its own habits (with noise and days without use), its fridge reports the
//! stock every evening, and deliveries refill it. Everything is drawn from
//! one seed, so a run is reproducible.

use std::collections::BTreeMap;

use chrono::Datelike;
use rand::{Rng, SeedableRng};
use rand_chacha::ChaCha8Rng;

use vitrine_core::household::{
    Child, ConsumptionEvent, ContextSignal, DataField, Household, InventorySnapshot, Location,
    Purchase, SchoolLevel, SignalKind,
};
use vitrine_core::mandate::{Budget, Mandate, Period};
use vitrine_types::Unit;
use vitrine_types::time::{Day, Timestamp};

/// How much of a category a household uses.
#[derive(Debug, Clone, PartialEq)]
pub struct Habit {
    /// Taxonomy path.
    pub category: String,
    /// The unit counted.
    pub unit: Unit,
    /// Mean use on a day with use.
    pub per_use: f64,
    /// Probability that a day has use.
    pub use_probability: f64,
    /// What one unit costs at the shop round the corner, in minor units.
    pub shop_price_per_unit: f64,
}

impl Habit {
    fn new(
        category: &str,
        unit: Unit,
        per_use: f64,
        use_probability: f64,
        shop_price_per_unit: f64,
    ) -> Habit {
        Habit {
            category: category.to_owned(),
            unit,
            per_use,
            use_probability,
            shop_price_per_unit,
        }
    }
}

/// A simulated household: its private data and the true habits behind it.
#[derive(Debug, Clone)]
pub struct Resident {
    /// What Vitrine knows.
    pub household: Household,
    /// How it really consumes (known to the simulation only).
    pub habits: Vec<Habit>,
    /// Evenings on which its stress is high (for the opted-in household).
    pub stressful_weekdays: Vec<u32>,
    stock: BTreeMap<String, f64>,
    rng: ChaCha8Rng,
}

/// The first day of the demo month (1 August 2026): the back-to-school rule
/// fires in it.
pub fn demo_start() -> Day {
    Day::from_ymd(2026, 8, 1).expect("a valid date")
}

impl Resident {
    fn new(household: Household, habits: Vec<Habit>, seed: u64) -> Resident {
        let stock = habits
            .iter()
            .map(|h| (h.category.clone(), (h.per_use * 6.0).round()))
            .collect();
        Resident {
            household,
            habits,
            stressful_weekdays: Vec::new(),
            stock,
            rng: ChaCha8Rng::seed_from_u64(seed),
        }
    }

    /// The stock of `category` now.
    pub fn stock(&self, category: &str) -> f64 {
        self.stock.get(category).copied().unwrap_or(0.0)
    }

    /// Lives one day: a shop run in the morning for whatever ran out (a
    /// week's worth, bought outside Vitrine), then uses each category
    /// (noise, days without use, never more than the stock), reads the
    /// fridge at 20:00, and on stressful evenings records three stress
    /// readings (only stored with consent).
    pub fn live(&mut self, day: Day) {
        for habit in &self.habits {
            let stock = self.stock.entry(habit.category.clone()).or_insert(0.0);
            if *stock < habit.per_use * 0.5 {
                let bought = (habit.per_use * habit.use_probability * 7.0).ceil();
                *stock += bought;
                self.household.purchases.push(Purchase {
                    category: habit.category.clone(),
                    amount: bought as u32,
                    unit: habit.unit,
                    price_minor: (bought * habit.shop_price_per_unit).round() as u64,
                    brand: None,
                    at: Timestamp::at(day, 7),
                });
            }
            if self.rng.random::<f64>() < habit.use_probability {
                let noisy = habit.per_use * (1.0 + 0.15 * (self.rng.random::<f64>() * 2.0 - 1.0));
                let used = noisy.round().clamp(0.0, *stock);
                if used > 0.0 {
                    *stock -= used;
                    self.household.events.push(ConsumptionEvent {
                        category: habit.category.clone(),
                        amount: used as u32,
                        unit: habit.unit,
                        at: Timestamp::at(day, 8 + self.rng.random_range(0..10)),
                    });
                }
            }
            self.household.inventory.push(InventorySnapshot {
                category: habit.category.clone(),
                amount: *stock as u32,
                unit: habit.unit,
                at: Timestamp::at(day, 20),
            });
        }
        let weekday = day.date().weekday().number_from_monday();
        if self.stressful_weekdays.contains(&weekday) {
            for (hour, level) in [(18, 74), (19, 81), (21, 77)] {
                // Refused without consent, which is the point: nothing kept.
                let _ = self.household.record_signal(ContextSignal {
                    kind: SignalKind::Stress,
                    level,
                    at: Timestamp::at(day, hour),
                });
            }
        }
    }

    /// A delivery arrives: the stock goes up and the purchase is recorded.
    pub fn deliver(
        &mut self,
        category: &str,
        amount: u32,
        unit: Unit,
        price_minor: u64,
        brand: &str,
        at: Timestamp,
    ) {
        if self.habits.iter().any(|h| h.category == category) {
            *self.stock.entry(category.to_owned()).or_insert(0.0) += f64::from(amount);
        }
        self.household.purchases.push(Purchase {
            category: category.to_owned(),
            amount,
            unit,
            price_minor,
            brand: Some(brand.to_owned()),
            at,
        });
    }

    /// Lives `days` days before `start`, so the engine has history.
    pub fn warm_up(&mut self, start: Day, days: i32) {
        for offset in (1..=days).rev() {
            self.live(start.plus(-offset));
        }
    }
}

fn lyon(postal_code: &str) -> Option<Location> {
    Some(Location {
        country: "FR".into(),
        postal_code: postal_code.into(),
    })
}

fn food_mandate(weekly_limit: u64, per_order: u64) -> Mandate {
    let mut mandate = Mandate::new("groceries", &["food/dairy", "food/bakery"]);
    mandate.per_order_cap_minor = Some(per_order);
    mandate.budgets = vec![Budget {
        period: Period::Week,
        limit_minor: weekly_limit,
    }];
    mandate
}

/// A family of four in Lyon: two children (primary and middle school),
/// yogurt, milk and bread; likes organic; a grocery mandate and a school
/// mandate (which asks, being above its cap).
pub fn family(id: &str, seed: u64) -> Resident {
    let mut household = Household::new(id, "EUR");
    household.location = lyon("69003");
    household.consents.grant(DataField::Region);
    household.consents.grant(DataField::Budget);
    household.consents.grant(DataField::Labels);
    // The school kit is priced per level: the family lets brands see it.
    household.consents.grant(DataField::SchoolLevel);
    household.calendar.children = vec![
        Child {
            id: "child-1".into(),
            school_level: SchoolLevel::Primary,
        },
        Child {
            id: "child-2".into(),
            school_level: SchoolLevel::Middle,
        },
    ];
    household.preferences.labels.insert("organic".into(), 40);
    household.preferences.labels.insert("local".into(), 25);
    household
        .preferences
        .brand_affinity
        .insert("dairy".into(), 30);
    household.mandates = vec![food_mandate(6_000, 3_000), {
        let mut school = Mandate::new("school", &["school/supplies"]);
        school.per_order_cap_minor = Some(5_000);
        school
    }];
    let habits = vec![
        Habit::new("food/dairy/yogurt", Unit::Piece, 4.0, 0.95, 65.0),
        Habit::new("food/dairy/milk", Unit::Millilitre, 700.0, 1.0, 0.14),
        Habit::new("food/bakery/bread", Unit::Piece, 1.0, 0.8, 420.0),
    ];
    Resident::new(household, habits, seed)
}

/// A student in a shared flat: milk and bread, price-sensitive, shares
/// nothing but the region, a small weekly budget, and orders only from the
/// cooperative without asking.
pub fn student(id: &str, seed: u64) -> Resident {
    let mut household = Household::new(id, "EUR");
    household.location = lyon("69007");
    household.consents.grant(DataField::Region);
    household.preferences.price_sensitivity = 1.6;
    let mut mandate = food_mandate(1_200, 600);
    mandate.new_brand_asks = false;
    household.mandates = vec![mandate];
    let habits = vec![
        Habit::new("food/dairy/milk", Unit::Millilitre, 250.0, 0.9, 0.14),
        Habit::new("food/bakery/bread", Unit::Piece, 1.0, 0.5, 420.0),
    ];
    Resident::new(household, habits, seed)
}

/// A couple who opted in to context signals: stressful Tuesday and
/// Thursday evenings raise a desire for chocolate, which is always asked.
pub fn opted_in(id: &str, seed: u64) -> Resident {
    let mut household = Household::new(id, "EUR");
    household.location = lyon("69001");
    household.consents = vitrine_core::household::Consents::all();
    // Opted in to context signals for its own needs, not to telling brands
    // which of them are desires.
    household.consents.withdraw(DataField::DesireKind);
    household.preferences.labels.insert("fair-trade".into(), 60);
    household.mandates = vec![food_mandate(3_000, 1_000)];
    let habits = vec![
        Habit::new("food/dairy/yogurt", Unit::Piece, 2.0, 0.9, 65.0),
        Habit::new("food/dairy/milk", Unit::Millilitre, 400.0, 1.0, 0.14),
    ];
    let mut resident = Resident::new(household, habits, seed);
    resident.stressful_weekdays = vec![2, 4];
    resident
}

/// The demo's three households, their seeds derived from `seed`.
pub(crate) fn demo_households(seed: u64) -> Vec<Resident> {
    vec![
        family("family-martin", seed.wrapping_mul(3).wrapping_add(1)),
        student("student-lea", seed.wrapping_mul(3).wrapping_add(2)),
        opted_in("couple-durand", seed.wrapping_mul(3).wrapping_add(3)),
    ]
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_same_seed_lives_the_same_days() {
        let run = |seed| {
            let mut r = family("f", seed);
            r.warm_up(demo_start(), 14);
            r.household
        };
        assert_eq!(run(5), run(5));
        assert_ne!(run(5).events, run(6).events);
    }

    #[test]
    fn use_never_exceeds_the_stock_and_deliveries_refill_it() {
        let mut r = student("s", 1);
        for d in 0..30 {
            r.live(demo_start().plus(d));
            assert!(r.stock("food/dairy/milk") >= 0.0);
        }
        // It ran out at least once and went to the shop itself.
        assert!(
            r.household
                .purchases
                .iter()
                .any(|p| p.brand.is_none() && p.price_minor > 0)
        );
        let before = r.stock("food/dairy/milk");
        r.deliver(
            "food/dairy/milk",
            2000,
            Unit::Millilitre,
            258,
            "dairy",
            Timestamp::at(demo_start().plus(30), 9),
        );
        assert_eq!(r.stock("food/dairy/milk"), before + 2000.0);
        assert_eq!(
            r.household.purchases.last().unwrap().brand.as_deref(),
            Some("dairy")
        );
    }

    #[test]
    fn stress_is_kept_only_with_consent() {
        let mut with = opted_in("o", 1);
        let mut without = family("f", 1);
        without.stressful_weekdays = vec![1, 2, 3, 4, 5, 6, 7];
        for d in 0..7 {
            with.live(demo_start().plus(d));
            without.live(demo_start().plus(d));
        }
        assert_eq!(with.household.signals.len(), 6);
        assert!(without.household.signals.is_empty());
        assert_eq!(with.household.validate(), Ok(()));
    }
}
