//! The pantry as a household sees it: for each category it tracks, the
//! stock day by day over the last weeks (rebuilt from its inventory
//! readings, its use and its deliveries), the stock now, the stock the
//! forecaster expects in the days ahead, and the day it runs out. The same
//! rate and the same projection as replenishment (`replenishment`), so the
//! line drawn is the one needs are raised from.

use serde::Serialize;

use super::forecast::{days_to_empty, estimate, weekday};
use super::replenishment::{daily_use, tracked_categories};
use crate::household::Household;
use vitrine_types::time::{Day, Timestamp};
use vitrine_types::{Quantity, Unit};

/// One tracked category's stock line.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct PantryLine {
    /// The category.
    pub category: String,
    /// The unit its amounts are in.
    pub unit: Unit,
    /// The day the line is drawn on.
    pub today: Day,
    /// The stock now, when an inventory reading allows knowing it.
    pub stock_now: Option<f64>,
    /// Use per day as the forecaster estimates it, when there is enough use.
    pub per_day: Option<f64>,
    /// End-of-day stock on each past day since the first reading in the
    /// window, ending today.
    pub history: Vec<(Day, f64)>,
    /// Expected end-of-day stock from today until it reaches zero (or the
    /// look-ahead ends).
    pub forecast: Vec<(Day, f64)>,
    /// Deliveries in the window: the day and the amount.
    pub deliveries: Vec<(Day, f64)>,
    /// The day the stock is expected to run out, inside the look-ahead.
    pub stockout_day: Option<Day>,
}

impl PantryLine {
    /// The line in one sentence (a chart's description for a screen reader).
    pub fn summary(&self) -> String {
        let amount = |x: f64| {
            crate::explain::quantity_in_words(
                Quantity {
                    amount: x.round().max(0.0) as u32,
                    unit: self.unit,
                },
                &self.category,
            )
        };
        let mut words = match self.stock_now {
            Some(stock) => format!("{} left now", amount(stock)),
            None => "No inventory reading yet".to_owned(),
        };
        if let Some(rate) = self.per_day {
            let unit = match self.unit {
                Unit::Piece => "",
                Unit::Gram => " g",
                Unit::Millilitre => " ml",
            };
            if rate < 0.1 {
                words.push_str(&format!("; hardly used lately (under 0.1{unit} a day)"));
            } else if self.unit == Unit::Piece {
                words.push_str(&format!("; about {rate:.1} used a day"));
            } else {
                words.push_str(&format!("; about {rate:.0}{unit} used a day"));
            }
        }
        match self.stockout_day {
            Some(day) => words.push_str(&format!("; expected to run out on {day}")),
            None if self.stock_now.is_some() && self.per_day.is_some() => {
                words.push_str("; enough for the weeks ahead")
            }
            None => {}
        }
        if !self.deliveries.is_empty() {
            let n = self.deliveries.len();
            words.push_str(&format!(
                "; {n} deliver{} in the period shown",
                if n == 1 { "y" } else { "ies" }
            ));
        }
        words.push('.');
        words
    }
}

/// The household's pantry at `now`: `past_days` of history and up to
/// `ahead_days` of forecast for every category it tracks.
pub fn pantry(
    household: &Household,
    now: Timestamp,
    past_days: i32,
    ahead_days: i32,
) -> Vec<PantryLine> {
    tracked_categories(household)
        .into_iter()
        .map(|(category, unit)| line(household, &category, unit, now, past_days, ahead_days))
        .collect()
}

fn line(
    household: &Household,
    category: &str,
    unit: Unit,
    now: Timestamp,
    past_days: i32,
    ahead_days: i32,
) -> PantryLine {
    let today = now.day();
    let start = today.plus(-past_days.max(1));
    let same = |c: &str, u: Unit| c == category && u == unit;
    let readings: Vec<_> = household
        .inventory
        .iter()
        .filter(|r| same(&r.category, r.unit) && r.at <= now)
        .collect();
    let purchases: Vec<_> = household
        .purchases
        .iter()
        .filter(|p| same(&p.category, p.unit) && p.at <= now)
        .collect();
    let events: Vec<_> = household
        .events
        .iter()
        .filter(|e| same(&e.category, e.unit) && e.at <= now)
        .collect();
    // The history starts from the last reading at or before the window's
    // first day, or else the first reading inside it.
    let anchor = readings
        .iter()
        .filter(|r| r.at.day() <= start)
        .max_by_key(|r| r.at)
        .or_else(|| readings.iter().min_by_key(|r| r.at))
        .copied();
    let mut history = Vec::new();
    let mut stock_now = None;
    if let Some(anchor) = anchor {
        // Replay, in time order, what changed the stock after the anchor:
        // use, deliveries, and readings (which set it).
        let mut changes: Vec<(Timestamp, Change)> = Vec::new();
        changes.extend(
            events
                .iter()
                .filter(|e| e.at > anchor.at)
                .map(|e| (e.at, Change::Used(f64::from(e.amount)))),
        );
        changes.extend(
            purchases
                .iter()
                .filter(|p| p.at > anchor.at)
                .map(|p| (p.at, Change::Delivered(f64::from(p.amount)))),
        );
        changes.extend(
            readings
                .iter()
                .filter(|r| r.at > anchor.at)
                .map(|r| (r.at, Change::Read(f64::from(r.amount)))),
        );
        changes.sort_by_key(|(at, _)| *at);
        let mut stock = f64::from(anchor.amount);
        let mut next = changes.iter().peekable();
        let mut day = anchor.at.day().max(start);
        // Changes before the first day drawn still move the stock.
        while let Some((_, change)) = next.next_if(|(at, _)| at.day() < day) {
            stock = change.apply(stock);
        }
        while day <= today {
            while let Some((_, change)) = next.next_if(|(at, _)| at.day() == day) {
                stock = change.apply(stock);
            }
            history.push((day, stock));
            day = day.plus(1);
        }
        stock_now = Some(stock);
    }
    let rate = daily_use(household, category, now)
        .filter(|d| d.unit == unit)
        .and_then(|d| estimate(&d.series, d.first_day))
        .filter(|r| r.per_day > f64::EPSILON);
    let mut forecast = Vec::new();
    let mut stockout_day = None;
    if let (Some(stock), Some(rate)) = (stock_now, rate) {
        let away = |day: Day| household.calendar.is_away(day);
        let mut left = stock;
        forecast.push((today, left));
        for k in 1..=ahead_days {
            let day = today.plus(k);
            if !away(day) {
                left = (left - rate.per_day * rate.weekday_factors[weekday(day)]).max(0.0);
            }
            forecast.push((day, left));
            if left <= 0.0 {
                break;
            }
        }
        stockout_day = days_to_empty(
            stock,
            rate.per_day,
            &rate.weekday_factors,
            today,
            &away,
            ahead_days,
        )
        .map(|days| today.plus(days.ceil() as i32));
    }
    let deliveries = purchases
        .iter()
        .filter(|p| p.at.day() >= start)
        .map(|p| (p.at.day(), f64::from(p.amount)))
        .collect();
    PantryLine {
        category: category.to_owned(),
        unit,
        today,
        stock_now,
        per_day: rate.map(|r| r.per_day),
        history,
        forecast,
        deliveries,
        stockout_day,
    }
}

/// Something that changed the stock.
enum Change {
    Used(f64),
    Delivered(f64),
    Read(f64),
}

impl Change {
    fn apply(&self, stock: f64) -> f64 {
        match self {
            Change::Used(x) => (stock - x).max(0.0),
            Change::Delivered(x) => stock + x,
            Change::Read(x) => *x,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::household::{ConsumptionEvent, InventorySnapshot, Purchase};

    const BREAD: &str = "food/bakery/bread";

    fn at(day: i32, hour: u32) -> Timestamp {
        Timestamp::at(Day(20_000 + day), hour)
    }

    /// Two loaves a day for three weeks, a reading of 10 on day 0, a
    /// delivery of 6 on day 3.
    fn household() -> Household {
        let mut h = Household::new("h", "EUR");
        for d in 0..21 {
            h.events.push(ConsumptionEvent {
                category: BREAD.into(),
                amount: 2,
                unit: Unit::Piece,
                at: at(d, 8),
            });
        }
        h.inventory.push(InventorySnapshot {
            category: BREAD.into(),
            amount: 40,
            unit: Unit::Piece,
            at: at(14, 6),
        });
        h.purchases.push(Purchase {
            category: BREAD.into(),
            amount: 6,
            unit: Unit::Piece,
            price_minor: 900,
            brand: None,
            at: at(17, 12),
        });
        h
    }

    #[test]
    fn the_stock_line_replays_use_and_deliveries_from_the_last_reading() {
        let h = household();
        let now = at(20, 20);
        let lines = pantry(&h, now, 30, 60);
        assert_eq!(lines.len(), 1);
        let line = &lines[0];
        // From the reading of 40 on day 14: 2 a day over days 14..=20 (14
        // loaves), 6 delivered: 32 now.
        assert_eq!(line.stock_now, Some(32.0));
        assert_eq!(line.history.first(), Some(&(Day(20_014), 38.0)));
        assert_eq!(line.history.last(), Some(&(Day(20_020), 32.0)));
        assert_eq!(line.deliveries, vec![(Day(20_017), 6.0)]);
        let rate = line.per_day.expect("a rate");
        assert!((rate - 2.0).abs() < 0.2, "{rate}");
        // The forecast starts at the stock now and falls to zero on the
        // stock-out day, about 16 days ahead.
        assert_eq!(line.forecast.first(), Some(&(Day(20_020), 32.0)));
        assert_eq!(line.forecast.last().map(|p| p.1), Some(0.0));
        let out = line.stockout_day.expect("a stock-out day");
        assert!((out.since(Day(20_020)) - 16).abs() <= 1, "{out}");
        assert!(
            line.summary().contains("32 loaves left now"),
            "{}",
            line.summary()
        );
    }

    #[test]
    fn without_a_reading_there_is_no_line_to_draw_but_the_item_is_listed() {
        let mut h = household();
        h.inventory.clear();
        let line = &pantry(&h, at(20, 20), 30, 60)[0];
        assert_eq!(line.stock_now, None);
        assert!(line.history.is_empty() && line.forecast.is_empty());
        assert!(line.summary().starts_with("No inventory reading yet"));
    }
}
