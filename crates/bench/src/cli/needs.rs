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

#[derive(Debug, clap::Args)]
pub(super) struct WorldsArgs {
    /// Where to write `series.csv` and `points.csv` (for
    /// `scripts/forecast-baselines.py`).
    #[arg(long)]
    out: std::path::PathBuf,
    /// The generator's seed.
    #[arg(long, default_value_t = 11)]
    seed: u64,
    /// Series per world.
    #[arg(long, default_value_t = 30)]
    per_world: usize,
}

/// `vitrine-bench needs-worlds`: generates the worlds of
/// `vitrine_core::needs::worlds`, writes them with Vitrine's predictions,
/// and prints Vitrine's scores.
pub(super) fn worlds(args: WorldsArgs) -> ExitCode {
    use std::fmt::Write as _;
    use vitrine_core::needs::worlds::{generate_worlds, score};
    if args.per_world == 0 {
        eprintln!("error: at least one series per world");
        return ExitCode::from(2);
    }
    let series = generate_worlds(args.seed, args.per_world);
    let mut uses = String::from("world,series,day,use\n");
    let mut points = String::from("world,series,day,stock,truth,ours,ours_none\n");
    for s in &series {
        for (d, u) in s.uses.iter().enumerate() {
            let _ = writeln!(uses, "{},{},{d},{u}", s.world, s.id);
        }
        for p in &s.points {
            let _ = writeln!(
                points,
                "{},{},{},{},{},{},{}",
                s.world,
                s.id,
                p.day,
                p.stock,
                p.truth,
                p.ours,
                p.ours_none.as_deref().unwrap_or("")
            );
        }
    }
    let written = std::fs::create_dir_all(&args.out)
        .and_then(|()| std::fs::write(args.out.join("series.csv"), uses))
        .and_then(|()| std::fs::write(args.out.join("points.csv"), points));
    if let Err(e) = written {
        eprintln!("error: writing to {}: {e}", args.out.display());
        return ExitCode::FAILURE;
    }
    println!(
        "world                points  within ±1 day  mean error (days)  runs out first  no prediction"
    );
    for (world, n, within, mae, late, none) in score(&series) {
        println!(
            "{world:<20} {n:>6}  {:>12.1}%  {mae:>17.2}  {:>13.1}%  {:>12.1}%",
            within * 100.0,
            late * 100.0,
            none * 100.0
        );
    }
    ExitCode::SUCCESS
}
