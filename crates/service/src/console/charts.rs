//! Charts drawn on the server as SVG (no script, nothing to download, and
//! readable by a screen reader through each chart's title and
//! description): a pantry item's stock line, the parts of two offers'
//! scores in money, and noisy counts with their error bars.

use maud::{Markup, html};

use vitrine_core::needs::pantry::PantryLine;

const WIDTH: f64 = 640.0;
const HEIGHT: f64 = 220.0;
const LEFT: f64 = 44.0;
const RIGHT: f64 = 12.0;
const TOP: f64 = 12.0;
const BOTTOM: f64 = 30.0;

fn fmt(x: f64) -> String {
    format!("{x:.1}")
}

/// A pantry item's stock over time: what it was (solid), what it is
/// forecast to be (dashed), deliveries as dots, the predicted stock-out day
/// as a red line.
pub(crate) fn stock(line: &PantryLine, id: &str) -> Markup {
    let points: Vec<(i32, f64)> = line
        .history
        .iter()
        .chain(&line.forecast)
        .map(|(d, v)| (d.0, *v))
        .collect();
    let first = points.iter().map(|p| p.0).min().unwrap_or(line.today.0);
    let last = points
        .iter()
        .map(|p| p.0)
        .max()
        .unwrap_or(line.today.0)
        .max(first + 1);
    let top = points
        .iter()
        .map(|p| p.1)
        .chain(line.deliveries.iter().map(|d| d.1))
        .fold(1.0_f64, f64::max)
        * 1.1;
    let x = |day: i32| {
        LEFT + (f64::from(day - first)) / f64::from(last - first) * (WIDTH - LEFT - RIGHT)
    };
    let y = |v: f64| TOP + (1.0 - v / top) * (HEIGHT - TOP - BOTTOM);
    let path = |series: &[(vitrine_types::time::Day, f64)]| {
        series
            .iter()
            .enumerate()
            .map(|(i, (d, v))| {
                format!(
                    "{}{},{}",
                    if i == 0 { "M" } else { "L" },
                    fmt(x(d.0)),
                    fmt(y(*v))
                )
            })
            .collect::<Vec<_>>()
            .join(" ")
    };
    let title_id = format!("{id}-title");
    let desc_id = format!("{id}-desc");
    html! {
        svg.chart viewBox={"0 0 " (WIDTH) " " (HEIGHT)} role="img"
            aria-labelledby={(title_id) " " (desc_id)} {
            title id=(title_id) { "Stock of " (line.category) }
            desc id=(desc_id) { (line.summary()) }
            line.axis x1=(LEFT) y1=(fmt(y(0.0))) x2=(WIDTH - RIGHT) y2=(fmt(y(0.0))) {}
            line.axis x1=(LEFT) y1=(TOP) x2=(LEFT) y2=(fmt(y(0.0))) {}
            text x="4" y=(fmt(y(top / 1.1) + 4.0)) { (fmt(top / 1.1)) }
            text x="4" y=(fmt(y(0.0) + 4.0)) { "0" }
            text x=(LEFT) y=(HEIGHT - 8.0) { (vitrine_types::time::Day(first)) }
            text x=(WIDTH - RIGHT) y=(HEIGHT - 8.0) text-anchor="end" { (vitrine_types::time::Day(last)) }
            @if !line.history.is_empty() {
                path.history d=(path(&line.history)) {}
            }
            @if !line.forecast.is_empty() {
                path.forecast d=(path(&line.forecast)) {}
            }
            @for (day, amount) in &line.deliveries {
                // On the stock line, at the day's stock after it arrived.
                @let at = line.history.iter().find(|(d, _)| d == day).map_or(*amount, |p| p.1);
                circle.delivery cx=(fmt(x(day.0))) cy=(fmt(y(at))) r="6" {
                    title { "Delivered " (fmt(*amount)) " on " (day) }
                }
            }
            @if let Some(day) = line.stockout_day {
                @if day.0 >= first && day.0 <= last {
                    line.stockout x1=(fmt(x(day.0))) y1=(TOP) x2=(fmt(x(day.0))) y2=(fmt(y(0.0))) {}
                    @let right = x(day.0) > WIDTH * 0.6;
                    text x=(fmt(if right { x(day.0) - 4.0 } else { x(day.0) + 4.0 })) y=(TOP + 14.0)
                        text-anchor=(if right { "end" } else { "start" }) { "runs out " (day) }
                }
            }
        }
    }
}

/// One horizontal bar chart of signed amounts in money (minor units):
/// gains right of zero in green, costs left in red.
pub(crate) fn money_parts(id: &str, title: &str, parts: &[(String, i64)]) -> Markup {
    let row = 28.0;
    let height = TOP + row * parts.len() as f64 + 8.0;
    let label_width = 250.0;
    let span = parts
        .iter()
        .map(|(_, v)| v.unsigned_abs())
        .max()
        .unwrap_or(1)
        .max(1) as f64;
    let has_negative = parts.iter().any(|(_, v)| *v < 0);
    let zero = if has_negative {
        label_width + (WIDTH - label_width - RIGHT) / 2.0
    } else {
        label_width
    };
    let scale = if has_negative {
        (WIDTH - label_width - RIGHT) / 2.0 - 60.0
    } else {
        WIDTH - label_width - RIGHT - 70.0
    } / span;
    let summary: Vec<String> = parts
        .iter()
        .map(|(label, v)| format!("{label}: {}", signed_money(*v)))
        .collect();
    html! {
        svg.chart viewBox={"0 0 " (WIDTH) " " (fmt(height))} role="img"
            aria-labelledby={(id) "-t " (id) "-d"} {
            title id={(id) "-t"} { (title) }
            desc id={(id) "-d"} { (summary.join("; ")) }
            line.axis x1=(fmt(zero)) y1="4" x2=(fmt(zero)) y2=(fmt(height - 4.0)) {}
            @for (i, (label, value)) in parts.iter().enumerate() {
                @let top = TOP + row * i as f64;
                @let w = (value.unsigned_abs() as f64 * scale).max(1.0);
                @let x0 = if *value < 0 { zero - w } else { zero };
                text x="4" y=(fmt(top + 14.0)) { (label) }
                rect class=(if *value < 0 { "loss" } else { "gain" })
                    x=(fmt(x0)) y=(fmt(top + 2.0)) width=(fmt(w)) height=(row - 8.0) {}
                text x=(fmt(if *value < 0 { x0 - 4.0 } else { x0 + w + 4.0 }))
                    y=(fmt(top + 14.0))
                    text-anchor=(if *value < 0 { "end" } else { "start" }) {
                    (signed_money(*value))
                }
            }
        }
    }
}

/// Noisy counts with their 95 % interval as error bars; a suppressed cell
/// is drawn as an empty slot.
pub(crate) fn noisy_counts(
    id: &str,
    title: &str,
    cells: &[(String, Option<u64>)],
    half_width: f64,
) -> Markup {
    let row = 26.0;
    let height = TOP + row * cells.len().max(1) as f64 + 8.0;
    let label_width = 170.0;
    let top_value = cells
        .iter()
        .filter_map(|(_, v)| *v)
        .map(|v| v as f64 + half_width)
        .fold(1.0_f64, f64::max);
    let scale = (WIDTH - label_width - RIGHT - 80.0) / top_value;
    let summary: Vec<String> = cells
        .iter()
        .map(|(label, v)| match v {
            Some(v) => format!("{label}: {v} ± {half_width:.0}"),
            None => format!("{label}: suppressed"),
        })
        .collect();
    html! {
        svg.chart viewBox={"0 0 " (WIDTH) " " (fmt(height))} role="img"
            aria-labelledby={(id) "-t " (id) "-d"} {
            title id={(id) "-t"} { (title) }
            desc id={(id) "-d"} { (summary.join("; ")) }
            @for (i, (label, value)) in cells.iter().enumerate() {
                @let top = TOP + row * i as f64;
                text x="4" y=(fmt(top + 14.0)) { (label) }
                @match value {
                    Some(v) => {
                        @let w = (*v as f64 * scale).max(1.0);
                        @let lo = label_width + ((*v as f64 - half_width).max(0.0) * scale);
                        @let hi = label_width + ((*v as f64 + half_width) * scale);
                        rect.bar x=(label_width) y=(fmt(top + 3.0)) width=(fmt(w)) height=(row - 10.0) {}
                        line.whisker x1=(fmt(lo)) y1=(fmt(top + 8.0)) x2=(fmt(hi)) y2=(fmt(top + 8.0)) {}
                        line.whisker x1=(fmt(lo)) y1=(fmt(top + 3.0)) x2=(fmt(lo)) y2=(fmt(top + 13.0)) {}
                        line.whisker x1=(fmt(hi)) y1=(fmt(top + 3.0)) x2=(fmt(hi)) y2=(fmt(top + 13.0)) {}
                        text x=(fmt(hi + 6.0)) y=(fmt(top + 14.0)) { (v) }
                    }
                    None => {
                        text x=(label_width) y=(fmt(top + 14.0)) { "suppressed (too few to show)" }
                    }
                }
            }
        }
    }
}

/// An amount of money with its sign (`+€1.20`, `−€0.40`).
pub(crate) fn signed_money(minor: i64) -> String {
    let words = super::layout::money(minor.unsigned_abs());
    if minor < 0 {
        format!("−{words}")
    } else {
        format!("+{words}")
    }
}
