//! What the household agreed to share or to let Vitrine use, field by field.
//! Every field is off until the household turns it on.

use std::collections::BTreeSet;

use serde::{Deserialize, Serialize};

/// A kind of household data that may be used or shared.
#[derive(
    Debug,
    Clone,
    Copy,
    PartialEq,
    Eq,
    Hash,
    PartialOrd,
    Ord,
    Serialize,
    Deserialize,
    schemars::JsonSchema,
)]
#[serde(rename_all = "snake_case")]
pub enum DataField {
    /// The coarse region (country and postal prefix) in requests.
    Region,
    /// A budget band derived from past spending, in requests.
    Budget,
    /// Preference labels (`organic`, `local`, ...) in requests.
    Labels,
    /// Context signals (stress) stored and used by desire rules. Never
    /// shared.
    ContextSignals,
    /// That a need is a desire (inferred from context), in requests.
    /// Without it a desire reaches brands as an ordinary need of its
    /// category.
    DesireKind,
    /// A child's school level in a category (`school/supplies/primary`), in
    /// requests. Without it the category stops before the level
    /// (`school/supplies`).
    SchoolLevel,
}

impl DataField {
    /// Every field.
    pub const ALL: [DataField; 6] = [
        DataField::Region,
        DataField::Budget,
        DataField::Labels,
        DataField::ContextSignals,
        DataField::DesireKind,
        DataField::SchoolLevel,
    ];

    /// The name used in JSON and explanations.
    pub fn as_str(self) -> &'static str {
        match self {
            DataField::Region => "region",
            DataField::Budget => "budget",
            DataField::Labels => "labels",
            DataField::ContextSignals => "context_signals",
            DataField::DesireKind => "desire_kind",
            DataField::SchoolLevel => "school_level",
        }
    }
}

/// The fields the household consented to.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(transparent)]
pub struct Consents(pub BTreeSet<DataField>);

impl Consents {
    /// Consent to every field.
    pub fn all() -> Consents {
        Consents(DataField::ALL.into_iter().collect())
    }

    /// Whether the household consented to `field`.
    pub fn allows(&self, field: DataField) -> bool {
        self.0.contains(&field)
    }

    /// Grants `field`.
    pub fn grant(&mut self, field: DataField) {
        self.0.insert(field);
    }

    /// Withdraws `field`.
    pub fn withdraw(&mut self, field: DataField) {
        self.0.remove(&field);
    }
}
