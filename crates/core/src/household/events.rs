//! What the household's devices and history report: consumption, inventory
//! levels, purchases. Raw events never leave the household's model.

use serde::{Deserialize, Serialize};

use vitrine_types::Unit;
use vitrine_types::time::Timestamp;

/// Something was used up (a yogurt eaten, 250 ml of milk poured).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct ConsumptionEvent {
    /// Taxonomy path, such as `food/dairy/yogurt`.
    #[schemars(length(min = 1, max = 128))]
    pub category: String,
    /// How much, in `unit`.
    #[schemars(range(max = vitrine_types::MAX_AMOUNT))]
    pub amount: u32,
    /// The unit of `amount`.
    pub unit: Unit,
    /// When.
    pub at: Timestamp,
}

/// A reading of how much is left (the fridge says two yogurts).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct InventorySnapshot {
    /// Taxonomy path.
    #[schemars(length(min = 1, max = 128))]
    pub category: String,
    /// How much is left, in `unit`.
    #[schemars(range(max = vitrine_types::MAX_AMOUNT))]
    pub amount: u32,
    /// The unit of `amount`.
    pub unit: Unit,
    /// When it was read.
    pub at: Timestamp,
}

/// Something the household bought (through Vitrine or elsewhere).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Purchase {
    /// Taxonomy path.
    #[schemars(length(min = 1, max = 128))]
    pub category: String,
    /// How much, in `unit`.
    #[schemars(range(max = vitrine_types::MAX_AMOUNT))]
    pub amount: u32,
    /// The unit of `amount`.
    pub unit: Unit,
    /// What was paid, in minor units.
    #[schemars(range(max = vitrine_types::MAX_MONEY_MINOR))]
    pub price_minor: u64,
    /// The brand, when known.
    #[serde(default)]
    #[schemars(length(max = 64))]
    pub brand: Option<String>,
    /// When it arrived (it counts towards inventory from then on).
    pub at: Timestamp,
}
