//! `vitrine plugin check`, `run` and `new`: what a brand uses to start and try
//! its plugin in exactly the sandbox production uses (in the spirit of
//! Shopify's function-runner).

use std::path::{Path, PathBuf};
use std::process::ExitCode;

use clap::Subcommand;
use serde_json::json;

use super::LimitArgs;
use vitrine_runtime::{Catalog, Plugin, Runtime, Tuning};
use vitrine_types::{OfferRequest, check_offer};

#[derive(Debug, Subcommand)]
pub(super) enum PluginCommand {
    /// Validate a component against the contract and the limits.
    ///
    /// Exit 0 with a short summary, or 1 with what is wrong.
    Check {
        /// The plugin component (`.wasm`).
        file: PathBuf,
        /// The catalog to load it with (JSON object of strings).
        #[arg(long, value_name = "FILE")]
        catalog: Option<PathBuf>,
        /// Print the summary as JSON.
        #[arg(long)]
        json: bool,
        #[command(flatten)]
        limits: LimitArgs,
    },
    /// Run one request in the production sandbox and print the result as JSON.
    ///
    /// Prints offers (and any offer the platform would drop, with the
    /// reason), fuel used, peak memory and wall time. Exit 0 on offers, 1 when
    /// the call failed (the typed error is printed), 2 when the inputs could
    /// not be read.
    Run {
        /// The plugin component (`.wasm`).
        file: PathBuf,
        /// The request (JSON, see docs/FORMATS.md and examples/requests).
        #[arg(long, value_name = "FILE")]
        request: PathBuf,
        /// The catalog (JSON, see examples/catalogs).
        #[arg(long, value_name = "FILE")]
        catalog: Option<PathBuf>,
        #[command(flatten)]
        limits: LimitArgs,
    },
    /// Create a ready-to-build plugin project in a new directory NAME: the
    /// brand's code, an example catalog and request, a test, and the build
    /// file of its language (Cargo, pyproject and componentize-py,
    /// package.json and componentize-js).
    New {
        /// The project's directory and the brand's name (lower case, digits
        /// and `-`).
        name: String,
        /// The language to write the plugin in.
        #[arg(long, value_enum, default_value = "rust")]
        lang: super::scaffold::Lang,
        /// Where to create the directory (default: here).
        #[arg(long, value_name = "DIR", default_value = ".")]
        dir: PathBuf,
    },
}

pub(super) fn run(command: PluginCommand) -> ExitCode {
    match command {
        PluginCommand::Check {
            file,
            catalog,
            json,
            limits,
        } => check(&file, catalog.as_deref(), json, &limits),
        PluginCommand::Run {
            file,
            request,
            catalog,
            limits,
        } => run_request(&file, &request, catalog.as_deref(), &limits),
        PluginCommand::New { name, lang, dir } => {
            match super::scaffold::create(&dir, &name, lang) {
                Ok(created) => {
                    println!("created {}", created.display());
                    println!("{}", super::scaffold::next_steps(&created, lang));
                    ExitCode::SUCCESS
                }
                Err(e) => {
                    eprintln!("error: {e}");
                    ExitCode::from(1)
                }
            }
        }
    }
}

/// Why a command could not even start.
fn input_error(code: &str, message: String) -> ExitCode {
    let body = json!({"status": "error", "error": {"error": code}, "message": message});
    println!("{}", serde_json::to_string_pretty(&body).expect("json"));
    ExitCode::from(2)
}

fn read(path: &Path) -> Result<Vec<u8>, String> {
    std::fs::read(path).map_err(|e| format!("reading {}: {e}", path.display()))
}

fn setup(
    file: &Path,
    catalog: Option<&Path>,
    limits: &LimitArgs,
) -> Result<(Runtime, Vec<u8>, Catalog), (&'static str, String)> {
    let limits = limits.load().map_err(|m| ("invalid_limits", m))?;
    let runtime = Runtime::build_with(limits, Tuning::default(), None, super::compile_worker())
        .map_err(|e| ("engine", e.to_string()))?;
    let wasm = read(file).map_err(|m| ("unreadable_file", m))?;
    let catalog = match catalog {
        None => Catalog::empty(),
        Some(path) => {
            let bytes = read(path).map_err(|m| ("unreadable_file", m))?;
            runtime
                .parse_catalog(&bytes)
                .map_err(|e| ("invalid_catalog", format!("{}: {e}", path.display())))?
        }
    };
    Ok((runtime, wasm, catalog))
}

fn check(file: &Path, catalog: Option<&Path>, as_json: bool, limits: &LimitArgs) -> ExitCode {
    let (runtime, wasm, catalog) = match setup(file, catalog, limits) {
        Ok(parts) => parts,
        Err((code, message)) if as_json => return input_error(code, message),
        Err((_, message)) => {
            eprintln!("error: {message}");
            return ExitCode::from(2);
        }
    };
    match runtime.load(&wasm, catalog) {
        Ok(plugin) => {
            if as_json {
                let body = summary_json(&plugin);
                println!("{}", serde_json::to_string_pretty(&body).expect("json"));
            } else {
                print_summary(file, &plugin, &runtime);
            }
            ExitCode::SUCCESS
        }
        Err(e) => {
            if as_json {
                let body = json!({"ok": false, "error": e, "message": e.to_string()});
                println!("{}", serde_json::to_string_pretty(&body).expect("json"));
            } else {
                eprintln!("error: {}: {e}", file.display());
            }
            ExitCode::from(1)
        }
    }
}

fn summary_json(plugin: &Plugin) -> serde_json::Value {
    json!({
        "ok": true,
        "contract": format!("vitrine:brand@{}", plugin.contract_version().as_str()),
        "brand": plugin.info(),
        "size_bytes": plugin.size_bytes(),
        "sha256": plugin.sha256(),
        "catalog_entries": plugin.catalog().len(),
        "declared_skus": plugin.catalog().declared_skus().count(),
        "compile": plugin.compile_stats(),
        "ignored_exports": plugin.ignored_exports(),
        "denied_imports": plugin.denied_imports(),
        "limits": plugin.limits(),
    })
}

fn print_summary(file: &Path, plugin: &Plugin, runtime: &Runtime) {
    let info = plugin.info();
    println!("ok: {}", file.display());
    println!(
        "  contract    vitrine:brand@{}",
        plugin.contract_version().as_str()
    );
    println!(
        "  brand       {} {} <{}>",
        info.name, info.version, info.contact
    );
    println!("  categories  {}", info.categories.join(", "));
    println!(
        "  size        {} bytes (limit {} MiB)",
        plugin.size_bytes(),
        runtime.limits().component_bytes >> 20
    );
    println!("  sha256      {}", plugin.sha256());
    println!(
        "  catalog     {} entries, {} declared SKUs",
        plugin.catalog().len(),
        plugin.catalog().declared_skus().count()
    );
    let compile = plugin.compile_stats();
    println!(
        "  compile     {} ms wall{}{}",
        compile.wall_ms,
        compile
            .cpu_ms
            .map(|ms| format!(", {ms} ms CPU"))
            .unwrap_or_default(),
        compile
            .peak_memory_bytes
            .map(|b| format!(", {} MiB peak memory", b >> 20))
            .unwrap_or_default()
    );
    for export in plugin.ignored_exports() {
        println!("  ignored     export `{export}`: the host never calls it");
    }
    for import in plugin.denied_imports() {
        println!("  denied      import `{import}`: linked, every call fails the call as `denied`");
    }
    println!("  runs under:");
    for (name, value, why) in runtime.limits().table() {
        println!("    {name:<15} {value:<22} {why}");
    }
}

fn run_request(
    file: &Path,
    request: &Path,
    catalog: Option<&Path>,
    limits: &LimitArgs,
) -> ExitCode {
    let (runtime, wasm, catalog) = match setup(file, catalog, limits) {
        Ok(parts) => parts,
        Err((code, message)) => return input_error(code, message),
    };
    let request: OfferRequest = match read(request).and_then(|bytes| {
        serde_json::from_slice(&bytes).map_err(|e| format!("{}: {e}", request.display()))
    }) {
        Ok(request) => request,
        Err(message) => return input_error("invalid_request", message),
    };
    let plugin = match runtime.load(&wasm, catalog) {
        Ok(plugin) => plugin,
        Err(e) => {
            let body = json!({"status": "error", "error": e, "message": e.to_string()});
            println!("{}", serde_json::to_string_pretty(&body).expect("json"));
            return ExitCode::from(1);
        }
    };
    let report = plugin.call(&request);
    let mut body = serde_json::to_value(&report).expect("reports serialise");
    if let Ok(offers) = &report.outcome {
        let rejected: Vec<_> = offers
            .iter()
            .filter_map(|offer| {
                check_offer(&request, offer, &|sku| plugin.catalog().declares_sku(sku))
                    .err()
                    .map(
                    |why| json!({"sku": offer.sku, "rejection": why, "message": why.to_string()}),
                )
            })
            .collect();
        body["rejected"] = serde_json::Value::Array(rejected);
    }
    println!("{}", serde_json::to_string_pretty(&body).expect("json"));
    if report.outcome.is_ok() {
        ExitCode::SUCCESS
    } else {
        ExitCode::from(1)
    }
}
