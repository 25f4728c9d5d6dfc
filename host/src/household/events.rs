//! What the household's devices and history report: consumption, inventory
//! levels, purchases. Raw events never leave the household's model.

use serde::{Deserialize, Serialize};

use crate::model::Unit;
use crate::time::Timestamp;

/// Something was used up (a yogurt eaten, 250 ml of milk poured).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ConsumptionEvent {
    /// Taxonomy path, such as `food/dairy/yogurt`.
    pub category: String,
    /// How much, in `unit`.
    pub amount: u32,
    /// The unit of `amount`.
    pub unit: Unit,
    /// When.
    pub at: Timestamp,
}

/// A reading of how much is left (the fridge says two yogurts).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct InventorySnapshot {
    /// Taxonomy path.
    pub category: String,
    /// How much is left, in `unit`.
    pub amount: u32,
    /// The unit of `amount`.
    pub unit: Unit,
    /// When it was read.
    pub at: Timestamp,
}

/// Something the household bought (through Vitrine or elsewhere).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Purchase {
    /// Taxonomy path.
    pub category: String,
    /// How much, in `unit`.
    pub amount: u32,
    /// The unit of `amount`.
    pub unit: Unit,
    /// What was paid, in minor units.
    pub price_minor: u64,
    /// The brand, when known.
    #[serde(default)]
    pub brand: Option<String>,
    /// When it arrived (it counts towards inventory from then on).
    pub at: Timestamp,
}
