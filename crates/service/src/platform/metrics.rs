//! Counters and latency histograms, rendered in Prometheus' text format at
//! `/metrics`: decisions by outcome, plugin calls by brand and outcome,
//! decision and HTTP latencies.

use std::collections::BTreeMap;
use std::fmt::Write;
use std::sync::Mutex;
use std::time::Duration;

/// Upper bounds of the latency buckets, in seconds.
const BUCKETS: [f64; 14] = [
    0.0005, 0.001, 0.002, 0.005, 0.01, 0.02, 0.05, 0.1, 0.2, 0.5, 1.0, 2.0, 5.0, 10.0,
];

#[derive(Debug, Default, Clone)]
struct Histogram {
    counts: [u64; BUCKETS.len()],
    count: u64,
    sum: f64,
}

impl Histogram {
    fn observe(&mut self, seconds: f64) {
        for (i, bound) in BUCKETS.iter().enumerate() {
            if seconds <= *bound {
                self.counts[i] += 1;
            }
        }
        self.count += 1;
        self.sum += seconds;
    }
}

type Labels = Vec<(&'static str, String)>;

#[derive(Debug, Default)]
struct Inner {
    counters: BTreeMap<(&'static str, Labels), u64>,
    histograms: BTreeMap<(&'static str, Labels), Histogram>,
}

/// The platform's metrics.
#[derive(Debug)]
pub struct Metrics {
    inner: Mutex<Inner>,
    started: std::time::Instant,
}

impl Default for Metrics {
    fn default() -> Self {
        Metrics {
            inner: Mutex::default(),
            started: std::time::Instant::now(),
        }
    }
}

/// Help texts, by metric.
const HELP: &[(&str, &str, &str)] = &[
    (
        "vitrine_decisions_total",
        "counter",
        "Decisions taken, by mandate outcome.",
    ),
    (
        "vitrine_decision_errors_total",
        "counter",
        "Decisions refused, by error code.",
    ),
    (
        "vitrine_plugin_calls_total",
        "counter",
        "Plugin calls, by brand and outcome (offers or an error code).",
    ),
    (
        "vitrine_decision_seconds",
        "histogram",
        "Time to take one decision, auction and storage included.",
    ),
    (
        "vitrine_http_requests_total",
        "counter",
        "HTTP requests, by route and status.",
    ),
    (
        "vitrine_http_request_seconds",
        "histogram",
        "HTTP request latency, by route.",
    ),
    (
        "vitrine_panics_total",
        "counter",
        "Panics caught, by where (handler, needs_cycle): each a bug to fix; the service went on.",
    ),
];

fn labels(pairs: &[(&'static str, &str)]) -> Labels {
    pairs.iter().map(|(k, v)| (*k, (*v).to_owned())).collect()
}

impl Metrics {
    /// Time since these metrics started counting (the process's start).
    pub fn uptime(&self) -> Duration {
        self.started.elapsed()
    }

    /// Adds 1 to a counter.
    pub fn count(&self, name: &'static str, pairs: &[(&'static str, &str)]) {
        let mut inner = self.inner.lock().unwrap_or_else(|p| p.into_inner());
        *inner.counters.entry((name, labels(pairs))).or_default() += 1;
    }

    /// Records a duration.
    pub fn observe(&self, name: &'static str, pairs: &[(&'static str, &str)], d: Duration) {
        let mut inner = self.inner.lock().unwrap_or_else(|p| p.into_inner());
        inner
            .histograms
            .entry((name, labels(pairs)))
            .or_default()
            .observe(d.as_secs_f64());
    }

    /// A counter's value (0 if never counted).
    pub fn counter(&self, name: &'static str, pairs: &[(&'static str, &str)]) -> u64 {
        let inner = self.inner.lock().unwrap_or_else(|p| p.into_inner());
        inner
            .counters
            .get(&(name, labels(pairs)))
            .copied()
            .unwrap_or(0)
    }

    /// Every counter of `name` whose labels include `pairs`, with its labels.
    pub(crate) fn counters_matching(
        &self,
        name: &'static str,
        pairs: &[(&'static str, &str)],
    ) -> Vec<(Vec<(String, String)>, u64)> {
        let inner = self.inner.lock().unwrap_or_else(|p| p.into_inner());
        inner
            .counters
            .iter()
            .filter(|((n, l), _)| {
                *n == name
                    && pairs
                        .iter()
                        .all(|(k, v)| l.iter().any(|(lk, lv)| lk == k && lv == v))
            })
            .map(|((_, l), v)| {
                (
                    l.iter()
                        .map(|(k, v)| ((*k).to_owned(), v.clone()))
                        .collect(),
                    *v,
                )
            })
            .collect()
    }

    /// The Prometheus text exposition.
    pub fn render(&self) -> String {
        let inner = self.inner.lock().unwrap_or_else(|p| p.into_inner());
        let mut out = String::new();
        for (name, kind, help) in HELP {
            let _ = writeln!(out, "# HELP {name} {help}\n# TYPE {name} {kind}");
            for ((n, l), v) in &inner.counters {
                if n == name {
                    let _ = writeln!(out, "{name}{} {v}", render_labels(l, None));
                }
            }
            for ((n, l), h) in &inner.histograms {
                if n != name {
                    continue;
                }
                for (i, bound) in BUCKETS.iter().enumerate() {
                    let le = format!("{bound}");
                    let _ = writeln!(
                        out,
                        "{name}_bucket{} {}",
                        render_labels(l, Some(&le)),
                        h.counts[i]
                    );
                }
                let _ = writeln!(
                    out,
                    "{name}_bucket{} {}",
                    render_labels(l, Some("+Inf")),
                    h.count
                );
                let _ = writeln!(out, "{name}_sum{} {}", render_labels(l, None), h.sum);
                let _ = writeln!(out, "{name}_count{} {}", render_labels(l, None), h.count);
            }
        }
        out
    }
}

fn escape(v: &str) -> String {
    v.replace('\\', "\\\\")
        .replace('"', "\\\"")
        .replace('\n', "\\n")
}

fn render_labels(labels: &Labels, le: Option<&str>) -> String {
    let mut parts: Vec<String> = labels
        .iter()
        .map(|(k, v)| format!("{k}=\"{}\"", escape(v)))
        .collect();
    if let Some(le) = le {
        parts.push(format!("le=\"{le}\""));
    }
    if parts.is_empty() {
        String::new()
    } else {
        format!("{{{}}}", parts.join(","))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn counters_and_histograms_render_in_prometheus_text_format() {
        let m = Metrics::default();
        m.count("vitrine_decisions_total", &[("outcome", "ordered")]);
        m.count("vitrine_decisions_total", &[("outcome", "ordered")]);
        m.observe(
            "vitrine_decision_seconds",
            &[],
            Duration::from_micros(1_500),
        );
        let text = m.render();
        assert!(text.contains("# TYPE vitrine_decisions_total counter"));
        assert!(text.contains("vitrine_decisions_total{outcome=\"ordered\"} 2"));
        assert!(text.contains("vitrine_decision_seconds_bucket{le=\"0.001\"} 0"));
        assert!(text.contains("vitrine_decision_seconds_bucket{le=\"0.002\"} 1"));
        assert!(text.contains("vitrine_decision_seconds_bucket{le=\"+Inf\"} 1"));
        assert!(text.contains("vitrine_decision_seconds_count 1"));
    }

    #[test]
    fn label_values_are_escaped() {
        let m = Metrics::default();
        m.count(
            "vitrine_plugin_calls_total",
            &[("brand", "a\"b"), ("outcome", "x")],
        );
        assert!(m.render().contains("brand=\"a\\\"b\""));
    }
}
