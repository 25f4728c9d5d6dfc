//! Every limit a plugin runs under, with its default and the reason for it.
//! The README's limits table is generated from the same numbers (see
//! `Limits::table`), so the documentation cannot drift from the code.

use std::time::Duration;

use serde::{Deserialize, Serialize};
use vitrine_types::PluginLimits;

/// Limits applied to every plugin call, and the pool sizes they imply.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct Limits {
    /// Instruction budget per call (wasmtime fuel, about one unit per wasm
    /// instruction). Default 11,000,000, Shopify Functions' figure: ample for
    /// pricing logic (a sample plugin uses ~20,000), and deterministic, so a
    /// plugin that passes `vitrine plugin run` passes in production.
    pub fuel: u64,
    /// Wall-clock deadline per call. Default 50 ms, Protected Audience's
    /// per-buyer default: a household's decision must not wait on a brand.
    #[serde(with = "millis")]
    pub deadline: Duration,
    /// Wall-clock deadline of the one `describe` call made at load. Default
    /// 500 ms: it runs once per upload, never on the decision path, and the
    /// first instance of a large interpreted plugin takes longer to set up.
    #[serde(with = "millis")]
    pub describe_deadline: Duration,
    /// A call that answers but uses at least this share, in percent, of its
    /// fuel or of its deadline in CPU time counts like a failed call towards
    /// suspension (see `runtime::health`). Default 50: a pricing plugin uses
    /// well under 1%, an interpreted one under 30%; one that keeps burning
    /// half its budget slows every auction it enters. 0 turns it off.
    pub heavy_fuel_percent: u8,
    /// CPU time one compilation of an uploaded component may take, in
    /// seconds. Default 60: a Rust plugin compiles in well under a second,
    /// an 18 MB interpreted one in 10-30 s; a component built to make the
    /// compiler work for minutes is refused instead of taking a core.
    pub compile_cpu_secs: u32,
    /// Memory one compilation may use (the compile worker's data segment),
    /// in bytes. Default 2 GiB.
    pub compile_memory_bytes: u64,
    /// How often the epoch advances; a looping plugin is interrupted at most
    /// one tick after its deadline. Default 1 ms.
    #[serde(with = "millis")]
    pub epoch_tick: Duration,
    /// Linear memory per instance. Default 64 MiB: a plugin needs well under
    /// 2 MiB, and the cap bounds what a hostile one can make the host hold.
    pub memory_bytes: usize,
    /// Table elements per table. Default 10,000 (a Rust plugin uses a few
    /// hundred function pointers).
    pub table_elements: usize,
    /// Core instances per component. Default 64: a Rust plugin has 3-5, a
    /// Python one built by componentize-py 0.25 about 30 (38 with
    /// `--stub-wasi`: CPython, libc and every stubbed interface are each an
    /// instance), a JavaScript one 3-6. Each costs a slot's bookkeeping, not
    /// memory a plugin can fill.
    pub core_instances_per_component: u32,
    /// Linear memories defined per component. Default 4: Rust, Python and
    /// StarlingMonkey plugins define one; the QuickJS backend of
    /// componentize-js three. Each is capped by `memory_bytes` anyway.
    pub memories_per_component: u32,
    /// Tables defined per component. Default 32: a Rust plugin has two, a
    /// Python plugin up to a dozen (one per shared library it links).
    pub tables_per_component: u32,
    /// Wasm call-stack size. Default 512 KiB: deep recursion traps instead of
    /// taking the host thread with it.
    pub wasm_stack_bytes: usize,
    /// Largest component binary accepted. Default 32 MiB: a Rust plugin is
    /// ~80 KiB, but an interpreted one carries its interpreter and a
    /// pre-initialised heap: 18.4 MB from componentize-py (CPython 3.14),
    /// 12 MB from componentize-js (StarlingMonkey). The size bounds what an
    /// upload costs (it is compiled once, within `compile_cpu_secs` and
    /// `compile_memory_bytes`), not what a call costs.
    pub component_bytes: usize,
    /// Largest request, as encoded for the plugin. Default 128 KiB (Shopify).
    pub input_bytes: usize,
    /// Largest answer, summed over every string and record. Default 32 KiB
    /// (Shopify allows 20 KB; offers carry a few short texts).
    pub output_bytes: usize,
    /// Most bytes the host copies out of a plugin in one crossing (an
    /// answer, a log message, a catalog key), enforced by wasmtime's hostcall
    /// fuel while the data is lifted, before any of it is allocated on the
    /// host. Default 128 KiB. Strings in a component answer may alias each
    /// other, so without this cap a small guest could make the host allocate
    /// gigabytes.
    pub transfer_bytes: usize,
    /// Most offers accepted in one answer, whatever the request asks.
    /// Default 16.
    pub max_offers: u8,
    /// Longest single string in an answer, in bytes: the transport's bound.
    /// Default 2 KiB. The contract limits texts in characters (Unicode
    /// scalar values: a title 120, a message 280, see `model::validation`);
    /// this bound must be at least 4 bytes per character of the longest
    /// (1,120 bytes) so that a valid text is never refused for its
    /// encoding.
    pub string_bytes: usize,
    /// Most services per offer. Default 16.
    pub services_per_offer: usize,
    /// Most labels per offer. Default 16.
    pub labels_per_offer: usize,
    /// Log entries kept per call; later ones are counted and dropped.
    /// Default 32.
    pub log_entries: usize,
    /// Bytes of log messages kept per call. Default 4 KiB.
    pub log_bytes: usize,
    /// Bytes of stdout and of stderr kept per call (stderr carries panic
    /// messages). Default 4 KiB each.
    pub stdio_bytes: usize,
    /// Largest catalog, summed over keys and values. Default 1 MiB.
    pub catalog_bytes: usize,
    /// Plugin calls that may run at once across the process; further calls
    /// wait (within their deadline) for a slot. Default 1,000.
    pub concurrent_calls: u32,
    /// Failed calls in a row (timeout, trap, out of fuel, memory, denied
    /// capability, invalid output) after which a plugin is suspended: not
    /// called, losing as `suspended`, until one probe call succeeds. 0 never
    /// suspends. Default 5: a plugin that loops burns a core up to its
    /// deadline in every auction it enters, at the expense of the brands
    /// that answer (exchanges throttle bidders that time out for the same
    /// reason); five in a row is no accident.
    pub suspend_after_failures: u32,
    /// The first suspension; each failed probe doubles it. Default 1 s.
    #[serde(with = "millis")]
    pub suspension: Duration,
    /// The longest suspension. Default 60 s: a fixed plugin is back within
    /// a minute, and a broken one costs one call a minute.
    #[serde(with = "millis")]
    pub max_suspension: Duration,
}

impl Default for Limits {
    fn default() -> Self {
        Limits {
            fuel: 11_000_000,
            deadline: Duration::from_millis(50),
            describe_deadline: Duration::from_millis(500),
            heavy_fuel_percent: 50,
            compile_cpu_secs: 60,
            compile_memory_bytes: 2 << 30,
            epoch_tick: Duration::from_millis(1),
            memory_bytes: 64 << 20,
            table_elements: 10_000,
            core_instances_per_component: 64,
            memories_per_component: 4,
            tables_per_component: 32,
            wasm_stack_bytes: 512 << 10,
            component_bytes: 32 << 20,
            input_bytes: 128 << 10,
            output_bytes: 32 << 10,
            transfer_bytes: 128 << 10,
            max_offers: 16,
            string_bytes: 2 << 10,
            services_per_offer: 16,
            labels_per_offer: 16,
            log_entries: 32,
            log_bytes: 4 << 10,
            stdio_bytes: 4 << 10,
            catalog_bytes: 1 << 20,
            concurrent_calls: 1_000,
            suspend_after_failures: 5,
            suspension: Duration::from_secs(1),
            max_suspension: Duration::from_secs(60),
        }
    }
}

/// A limit that cannot work (zero, or a deadline shorter than a tick).
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("invalid limit `{name}`: {why}")]
pub struct LimitsError {
    /// The field.
    pub name: &'static str,
    /// What is wrong with it.
    pub why: &'static str,
}

impl Limits {
    /// These limits tightened by a plugin version's `overrides`; refused
    /// when one would loosen them or make them unusable.
    pub fn tightened(&self, overrides: &PluginLimits) -> Result<Limits, LimitsError> {
        let (base, this) = (self, overrides);
        let mut limits = base.clone();
        let looser = |name| LimitsError {
            name,
            why: "may only be lowered below the runtime's limit",
        };
        if let Some(fuel) = this.fuel {
            if fuel > base.fuel {
                return Err(looser("fuel"));
            }
            limits.fuel = fuel;
        }
        if let Some(ms) = this.deadline_ms {
            let deadline = Duration::from_millis(ms);
            if deadline > base.deadline {
                return Err(looser("deadline_ms"));
            }
            limits.deadline = deadline;
        }
        if let Some(bytes) = this.memory_bytes {
            if bytes > base.memory_bytes {
                return Err(looser("memory_bytes"));
            }
            limits.memory_bytes = bytes;
        }
        limits.validate()?;
        Ok(limits)
    }
}

impl Limits {
    /// Checks that the limits are usable.
    pub fn validate(&self) -> Result<(), LimitsError> {
        let fail = |name, why| Err(LimitsError { name, why });
        if self.fuel == 0 {
            return fail("fuel", "must be positive");
        }
        if self.epoch_tick.is_zero() {
            return fail("epoch_tick", "must be positive");
        }
        if self.deadline < self.epoch_tick {
            return fail("deadline", "must be at least one epoch tick");
        }
        if self.memory_bytes < (1 << 16) {
            return fail("memory_bytes", "must hold at least one 64 KiB page");
        }
        if self.transfer_bytes < self.output_bytes {
            return fail("transfer_bytes", "must be at least output_bytes");
        }
        if self.max_offers == 0 {
            return fail("max_offers", "must be at least 1");
        }
        if self.concurrent_calls == 0 {
            return fail("concurrent_calls", "must be at least 1");
        }
        if self.string_bytes < 4 * vitrine_types::MAX_MESSAGE_CHARS {
            return fail(
                "string_bytes",
                "must hold the longest text field at 4 bytes per character (1120 bytes)",
            );
        }
        if self.describe_deadline < self.epoch_tick {
            return fail("describe_deadline", "must be at least one epoch tick");
        }
        if self.heavy_fuel_percent > 100 {
            return fail("heavy_fuel_percent", "is a percentage (0-100)");
        }
        if self.compile_cpu_secs == 0 {
            return fail("compile_cpu_secs", "must be positive");
        }
        if self.compile_memory_bytes < (64 << 20) {
            return fail("compile_memory_bytes", "must be at least 64 MiB");
        }
        if self.memories_per_component == 0 {
            return fail("memories_per_component", "must be at least 1");
        }
        if self.wasm_stack_bytes < (64 << 10) {
            return fail("wasm_stack_bytes", "must be at least 64 KiB");
        }
        if self.suspend_after_failures > 0 && self.suspension.is_zero() {
            return fail(
                "suspension",
                "must be positive when plugins can be suspended",
            );
        }
        if self.max_suspension < self.suspension {
            return fail("max_suspension", "must be at least the first suspension");
        }
        Ok(())
    }

    /// The limits as `(name, value, why)` rows, for documentation and for
    /// `vitrine plugin check`.
    pub fn table(&self) -> Vec<(&'static str, String, &'static str)> {
        vec![
            ("fuel", self.fuel.to_string(), "instructions per call"),
            (
                "deadline",
                format!("{} ms", self.deadline.as_millis()),
                "wall clock per call",
            ),
            (
                "memory",
                format!("{} MiB", self.memory_bytes >> 20),
                "linear memory per instance",
            ),
            (
                "wasm stack",
                format!("{} KiB", self.wasm_stack_bytes >> 10),
                "call stack",
            ),
            (
                "table elements",
                self.table_elements.to_string(),
                "per table",
            ),
            (
                "core instances",
                self.core_instances_per_component.to_string(),
                "per component",
            ),
            (
                "memories",
                self.memories_per_component.to_string(),
                "linear memories per component",
            ),
            (
                "tables",
                self.tables_per_component.to_string(),
                "tables per component",
            ),
            (
                "compile",
                format!(
                    "{} s CPU / {} MiB",
                    self.compile_cpu_secs,
                    self.compile_memory_bytes >> 20
                ),
                "per upload, in a separate process",
            ),
            (
                "describe deadline",
                format!("{} ms", self.describe_deadline.as_millis()),
                "the one describe call at load",
            ),
            (
                "component size",
                format!("{} MiB", self.component_bytes >> 20),
                "binary",
            ),
            (
                "input",
                format!("{} KiB", self.input_bytes >> 10),
                "request size",
            ),
            (
                "output",
                format!("{} KiB", self.output_bytes >> 10),
                "answer size",
            ),
            (
                "transfer",
                format!("{} KiB", self.transfer_bytes >> 10),
                "copied out of the plugin per crossing",
            ),
            (
                "offers",
                self.max_offers.to_string(),
                "per answer (and at most the request's max_offers)",
            ),
            (
                "string",
                format!("{} B", self.string_bytes),
                "any one string in an answer",
            ),
            ("services", self.services_per_offer.to_string(), "per offer"),
            ("labels", self.labels_per_offer.to_string(), "per offer"),
            (
                "log",
                format!(
                    "{} entries / {} KiB",
                    self.log_entries,
                    self.log_bytes >> 10
                ),
                "per call, the rest dropped",
            ),
            (
                "stdout, stderr",
                format!("{} KiB each", self.stdio_bytes >> 10),
                "per call, the rest dropped",
            ),
            (
                "catalog",
                format!("{} MiB", self.catalog_bytes >> 20),
                "per plugin",
            ),
            (
                "suspension",
                if self.suspend_after_failures == 0 {
                    "never".to_owned()
                } else {
                    format!(
                        "after {} failed calls in a row: {} s, doubling to {} s",
                        self.suspend_after_failures,
                        self.suspension.as_secs_f64(),
                        self.max_suspension.as_secs_f64()
                    )
                },
                "not called until a probe call succeeds",
            ),
        ]
    }
}

mod millis {
    use serde::{Deserialize, Deserializer, Serializer};
    use std::time::Duration;

    pub fn serialize<S: Serializer>(d: &Duration, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_u64(d.as_millis() as u64)
    }

    pub(crate) fn deserialize<'de, D: Deserializer<'de>>(d: D) -> Result<Duration, D::Error> {
        Ok(Duration::from_millis(u64::deserialize(d)?))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn defaults_are_valid_and_match_the_documented_anchors() {
        let limits = Limits::default();
        assert_eq!(limits.validate(), Ok(()));
        assert_eq!(limits.fuel, 11_000_000);
        assert_eq!(limits.deadline, Duration::from_millis(50));
        assert_eq!(limits.memory_bytes, 64 << 20);
    }

    #[test]
    fn a_deadline_shorter_than_a_tick_is_refused() {
        let limits = Limits {
            deadline: Duration::from_micros(100),
            ..Limits::default()
        };
        assert_eq!(limits.validate().unwrap_err().name, "deadline");
    }
}

#[cfg(test)]
mod plugin_limit_tests {
    use super::*;

    #[test]
    fn plugin_limits_only_tighten() {
        let base = Limits::default();
        let tight = base
            .tightened(&PluginLimits {
                fuel: Some(1_000),
                deadline_ms: Some(10),
                memory_bytes: Some(1 << 20),
            })
            .unwrap();
        assert_eq!(tight.fuel, 1_000);
        assert_eq!(tight.deadline, Duration::from_millis(10));
        assert_eq!(tight.memory_bytes, 1 << 20);
        let loose = PluginLimits {
            fuel: Some(base.fuel + 1),
            ..PluginLimits::default()
        };
        assert_eq!(base.tightened(&loose).unwrap_err().name, "fuel");
        let zero = PluginLimits {
            deadline_ms: Some(0),
            ..PluginLimits::default()
        };
        assert_eq!(base.tightened(&zero).unwrap_err().name, "deadline");
    }
}
