//! `vitrine samples`: run every embedded sample brand on its example request
//! in the production sandbox and print what each offered and what it cost;
//! or write the sample components to a folder to try `vitrine plugin run`.

use std::path::PathBuf;
use std::process::ExitCode;

use super::LimitArgs;
use vitrine_runtime::Runtime;
use vitrine_sim::samples::SAMPLES;

#[derive(Debug, clap::Args)]
pub(super) struct SamplesArgs {
    /// Write each sample's component and catalog into this folder instead.
    #[arg(long, value_name = "DIR")]
    export: Option<PathBuf>,
    /// Print JSON instead of a table.
    #[arg(long)]
    json: bool,
    #[command(flatten)]
    limits: LimitArgs,
}

pub(super) fn run(args: SamplesArgs) -> ExitCode {
    if let Some(dir) = &args.export {
        return export(dir);
    }
    let runtime = match args
        .limits
        .load()
        .and_then(|l| Runtime::new(l).map_err(|e| e.to_string()))
    {
        Ok(runtime) => runtime,
        Err(message) => {
            eprintln!("error: {message}");
            return ExitCode::from(2);
        }
    };
    let mut all = Vec::new();
    let mut failed = false;
    for sample in SAMPLES {
        let plugin = match sample.load(&runtime) {
            Ok(plugin) => plugin,
            Err(e) => {
                eprintln!("error: sample {} did not load: {e}", sample.name);
                failed = true;
                continue;
            }
        };
        let request = sample.request();
        let report = plugin.call(&request);
        if args.json {
            all.push(serde_json::json!({"sample": sample.name, "brand": plugin.info(), "request": request, "report": report}));
            continue;
        }
        println!(
            "{} ({}) asked for {} x{} ({:?}):",
            plugin.info().name,
            sample.name,
            request.category,
            request.quantity.amount,
            request.quantity.unit
        );
        match &report.outcome {
            Ok(offers) => {
                for offer in offers {
                    println!(
                        "  {:<14} {:>8.2} {}  {} ({} services{})",
                        offer.sku,
                        offer.price_minor as f64 / 100.0,
                        offer.currency,
                        offer.title,
                        offer.services.len(),
                        if offer.labels.is_empty() {
                            String::new()
                        } else {
                            format!(", {}", offer.labels.join(", "))
                        }
                    );
                }
            }
            Err(e) => {
                println!("  no offers: {e}");
                failed = true;
            }
        }
        println!(
            "  fuel {}  peak memory {} KiB  wall {} us",
            report.fuel_used,
            report.peak_memory_bytes >> 10,
            report.wall_time.as_micros()
        );
    }
    if args.json {
        println!("{}", serde_json::to_string_pretty(&all).expect("json"));
    }
    if failed {
        ExitCode::from(1)
    } else {
        ExitCode::SUCCESS
    }
}

fn export(dir: &PathBuf) -> ExitCode {
    let write = || -> std::io::Result<()> {
        std::fs::create_dir_all(dir)?;
        for sample in SAMPLES {
            std::fs::write(dir.join(format!("{}.wasm", sample.name)), sample.wasm)?;
            std::fs::write(
                dir.join(format!("{}.catalog.json", sample.name)),
                sample.catalog_json,
            )?;
            std::fs::write(
                dir.join(format!("{}.request.json", sample.name)),
                sample.request_json,
            )?;
        }
        Ok(())
    };
    match write() {
        Ok(()) => {
            println!("wrote {} samples to {}", SAMPLES.len(), dir.display());
            ExitCode::SUCCESS
        }
        Err(e) => {
            eprintln!("error: writing to {}: {e}", dir.display());
            ExitCode::from(2)
        }
    }
}
