//! Where a household's orders are delivered. Kept with the household's
//! private data; released to an order's brand only once the order is final
//! (the order records which fields), never sent to a plugin.

use serde::{Deserialize, Serialize};

use super::{HouseholdError, invalid};

/// Where the household's orders are delivered: a door or a pickup point.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct DeliveryAddress {
    /// The name on the door or the parcel.
    #[schemars(length(min = 1, max = 100))]
    pub name: String,
    /// Street and number, or the pickup point's name and id.
    #[schemars(length(min = 1, max = 200))]
    pub line: String,
    /// The postal code.
    #[schemars(length(min = 1, max = 16))]
    pub postal_code: String,
    /// The town.
    #[schemars(length(min = 1, max = 100))]
    pub city: String,
    /// Instructions for the courier (a door code), if any.
    #[serde(default)]
    #[schemars(length(max = 200))]
    pub instructions: Option<String>,
}

impl DeliveryAddress {
    /// The names of the fields a brand receives, for the record of what
    /// was released.
    pub fn fields(&self) -> Vec<String> {
        let mut fields: Vec<String> = ["name", "line", "postal_code", "city"]
            .iter()
            .map(|f| format!("delivery.{f}"))
            .collect();
        if self.instructions.is_some() {
            fields.push("delivery.instructions".into());
        }
        fields
    }

    pub(super) fn validate(&self) -> Result<(), HouseholdError> {
        let texts = [
            ("delivery.name", Some(&self.name), 100),
            ("delivery.line", Some(&self.line), 200),
            ("delivery.postal_code", Some(&self.postal_code), 16),
            ("delivery.city", Some(&self.city), 100),
            ("delivery.instructions", self.instructions.as_ref(), 200),
        ];
        for (field, text, max) in texts {
            let Some(text) = text else { continue };
            let chars = text.chars().count();
            if (chars == 0 && field != "delivery.instructions")
                || chars > max
                || text.chars().any(char::is_control)
            {
                return Err(invalid(
                    field,
                    format!("1 to {max} characters, no control characters"),
                ));
            }
        }
        Ok(())
    }
}
