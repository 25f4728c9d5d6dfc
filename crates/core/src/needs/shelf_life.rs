//! How long what a household buys keeps once delivered, by category. A
//! replenishment order covers at most that many days of use: bread is
//! bought for its two or three days, not for the week a yogurt order
//! covers, or most of it is thrown away (a student eating 0.68 loaves a day
//! was sent six at a time).
//!
//! The longest matching prefix of the category decides; a category not in
//! the table keeps the engine's horizon (`ReplenishmentConfig::horizon_days`).

/// Days each category keeps, by taxonomy prefix. Sources: the usual
/// best-before spans printed on the packs (fresh bread 2–3 days, produce
/// about 5, fresh milk about a week once delivered, yogurt two weeks).
pub const SHELF_LIFE_DAYS: &[(&str, u16)] = &[
    ("food/bakery", 3),
    ("food/produce", 5),
    ("food/dairy/milk", 7),
    ("food/dairy/yogurt", 14),
];

/// The days `category` keeps, if the table knows it.
pub fn shelf_life_days(category: &str) -> Option<u16> {
    SHELF_LIFE_DAYS
        .iter()
        .filter(|(prefix, _)| {
            category == *prefix
                || category
                    .strip_prefix(prefix)
                    .is_some_and(|rest| rest.starts_with('/'))
        })
        .max_by_key(|(prefix, _)| prefix.len())
        .map(|(_, days)| *days)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_longest_prefix_decides_and_a_prefix_must_end_at_a_segment() {
        assert_eq!(shelf_life_days("food/bakery/bread"), Some(3));
        assert_eq!(shelf_life_days("food/bakery"), Some(3));
        assert_eq!(shelf_life_days("food/dairy/yogurt"), Some(14));
        assert_eq!(shelf_life_days("food/dairy/milk"), Some(7));
        assert_eq!(shelf_life_days("food/bakeryware"), None);
        assert_eq!(shelf_life_days("school/supplies"), None);
    }
}
