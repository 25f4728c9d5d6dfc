//! `vitrine-bench needs-accuracy`: run the needs engine on synthetic households
//! with known consumption and report how well it predicts stock-outs.

use std::process::ExitCode;

use vitrine_core::needs::ReplenishmentConfig;
use vitrine_core::needs::synthetic::{SyntheticConfig, run_accuracy};

#[derive(Debug, clap::Args)]
pub(super) struct AccuracyArgs {
    /// The generator's seed.
    #[arg(long, default_value_t = SyntheticConfig::default().seed)]
    seed: u64,
    /// Households simulated.
    #[arg(long, default_value_t = SyntheticConfig::default().households)]
    households: usize,
    /// Days simulated.
    #[arg(long, default_value_t = SyntheticConfig::default().days)]
    days: i32,
    /// Print JSON.
    #[arg(long)]
    json: bool,
}

pub(super) fn run(args: AccuracyArgs) -> ExitCode {
    if args.days < 14 || args.households == 0 {
        eprintln!("error: at least one household and 14 days");
        return ExitCode::from(2);
    }
    let config = SyntheticConfig {
        seed: args.seed,
        households: args.households,
        days: args.days,
        ..SyntheticConfig::default()
    };
    let r = run_accuracy(config, ReplenishmentConfig::default());
    if args.json {
        println!("{}", serde_json::to_string_pretty(&r).expect("json"));
        return ExitCode::SUCCESS;
    }
    println!(
        "seed {} · {} households · {} days · noise {:.0}% · skipped days {:.0}% · {} stops",
        r.config.seed,
        r.config.households,
        r.config.days,
        r.config.noise * 100.0,
        r.config.skip_probability * 100.0,
        r.stops
    );
    println!(
        "replenishment needs: {}; stock-out predicted within ±1 day: {} ({:.1}%); mean absolute error {:.2} days",
        r.needs,
        r.within_one_day,
        r.share_within_one_day * 100.0,
        r.mean_absolute_error_days
    );
    println!(
        "needs whose stock never ran out (consumption stopped soon after): {}",
        r.never_ran_out
    );
    println!(
        "needs raised after consumption stopped: {} (and {} within the usual interval of the stop)",
        r.after_stop, r.during_stop_detection
    );
    for (category, (needs, within)) in &r.per_category {
        println!(
            "  {category:<20} {needs:>5} needs, {:.1}% within ±1 day",
            *within as f64 * 100.0 / (*needs).max(1) as f64
        );
    }
    println!("  error (predicted − true, days): {:?}", r.error_histogram);
    ExitCode::SUCCESS
}
