//! The operator's data-sharing policy: which request fields each brand may
//! receive (in the spirit of Prebid's activity controls). Context signals can
//! never be shared, whatever the policy says.

use std::collections::{BTreeMap, BTreeSet};

use serde::{Deserialize, Serialize};

use crate::household::DataField;

/// Fields each brand may receive.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(default, deny_unknown_fields)]
pub struct SharingPolicy {
    /// Fields every brand may receive unless overridden.
    pub default_fields: BTreeSet<DataField>,
    /// Per-brand overrides (the full set of fields for that brand).
    pub per_brand: BTreeMap<String, BTreeSet<DataField>>,
}

impl Default for SharingPolicy {
    /// Region, budget, labels, a desire's kind and a school level for every
    /// brand (each still needs the household's consent, and region, budget
    /// and labels k-anonymity).
    fn default() -> Self {
        SharingPolicy {
            default_fields: [
                DataField::Region,
                DataField::Budget,
                DataField::Labels,
                DataField::DesireKind,
                DataField::SchoolLevel,
            ]
            .into_iter()
            .collect(),
            per_brand: BTreeMap::new(),
        }
    }
}

impl SharingPolicy {
    /// Whether `brand` may receive `field`.
    pub fn allows(&self, brand: &str, field: DataField) -> bool {
        field != DataField::ContextSignals
            && self
                .per_brand
                .get(brand)
                .unwrap_or(&self.default_fields)
                .contains(&field)
    }

    /// Refuses a policy that would share context signals.
    pub fn validate(&self) -> Result<(), String> {
        let shares_signals = self.default_fields.contains(&DataField::ContextSignals)
            || self
                .per_brand
                .values()
                .any(|f| f.contains(&DataField::ContextSignals));
        if shares_signals {
            Err("context signals are never shared with brands".into())
        } else {
            Ok(())
        }
    }
}
