//! `vitrine demo`: a month of automated purchases for three households, told
//! as a story, or printed as one JSON document with `--json`.

use std::process::ExitCode;

use vitrine_core::explain::money;
use vitrine_sim::demo::{DemoConfig, DemoReport, run_demo_platform};

#[derive(Debug, clap::Args)]
pub(super) struct DemoArgs {
    /// Seed of the households' lives; the same seed tells the same story.
    #[arg(long, default_value_t = 1)]
    seed: u64,
    /// Days to simulate.
    #[arg(long, default_value_t = 30)]
    days: i32,
    /// Print one JSON document instead of the story.
    #[arg(long)]
    json: bool,
    /// Afterwards, serve the console and the API on ADDR over the same data
    /// (until Ctrl-C), printing a sign-in link per household, brand and the
    /// operator.
    #[arg(long, value_name = "ADDR")]
    serve: Option<std::net::SocketAddr>,
}

pub(super) fn run(args: DemoArgs) -> ExitCode {
    let config = DemoConfig {
        seed: args.seed,
        days: args.days,
    };
    let runtime = match tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
    {
        Ok(r) => r,
        Err(e) => {
            eprintln!("error: {e}");
            return ExitCode::FAILURE;
        }
    };
    let run = match runtime.block_on(run_demo_platform(config)) {
        Ok(run) => run,
        Err(e) => {
            eprintln!("error: {e:#}");
            return ExitCode::FAILURE;
        }
    };
    if args.json {
        println!(
            "{}",
            serde_json::to_string_pretty(&run.report).expect("json")
        );
    } else {
        tell(&run.report);
    }
    let Some(addr) = args.serve else {
        runtime.block_on(run.platform.close());
        return ExitCode::SUCCESS;
    };
    let served = runtime.block_on(async {
        let listener = super::serve::bind(addr).await?;
        let addr = listener.local_addr()?;
        // The demo's operator: a fresh token, shown as a sign-in link.
        let operator = vitrine_store::tokens::new_token();
        run.platform.ensure_operator_token(Some(&operator)).await?;
        eprintln!("\nServing the demo's data (the clock stays at the end of the month).");
        eprintln!("Open a sign-in link in a browser (the console), or use the token with the API:");
        let link = |token: &str| format!("http://{addr}/signin?token={token}");
        for (who, tokens) in [
            ("household", &run.household_tokens),
            ("brand", &run.brand_tokens),
        ] {
            for (id, token) in tokens {
                eprintln!("  {who:<9} {id:<16} {}", link(token));
            }
        }
        eprintln!("  {:<9} {:<16} {}", "operator", "", link(&operator));
        super::serve::serve_until_signal(
            run.platform.clone(),
            listener,
            vitrine_service::api::ApiConfig::default(),
            None,
        )
        .await
    });
    drop(run);
    match served {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("error: {e:#}");
            ExitCode::FAILURE
        }
    }
}

fn tell(report: &DemoReport) {
    println!(
        "A month from {} for three households (seed {}): the Martin family (two children),",
        report.start, report.config.seed
    );
    println!("Léa the student, and the Durands, who opted in to context signals.");
    println!(
        "Six sample brands bid in the sandbox; labels need k = 2 households here (50 in production).\n"
    );
    for d in &report.decisions {
        println!(
            "{} · {} · {:?} need: {} of {}",
            d.day,
            d.household,
            d.need_kind,
            vitrine_core::explain::quantity_in_words(d.quantity, &d.category),
            d.category,
        );
        println!("    why: {}", d.reason);
        match (&d.winner_brand, d.offer_price, d.price_paid) {
            (Some(winner), Some(offer), Some(paid)) => {
                let runner = d
                    .runner_up_brand
                    .as_deref()
                    .map_or("no other brand bid".to_owned(), |r| {
                        format!("runner-up {r}")
                    });
                println!(
                    "    {} brand(s) asked, {} offer(s) scored; winner {winner} ({runner})",
                    d.brands_asked, d.offers_scored
                );
                println!(
                    "    offered {} EUR, pays {} EUR under {}",
                    money(offer),
                    money(paid),
                    d.price_rule.as_deref().unwrap_or("-").replace('_', " ")
                );
            }
            _ => println!("    {} brand(s) asked, no acceptable offer", d.brands_asked),
        }
        let answer = match d.household_answer.as_deref() {
            None => String::new(),
            Some("left unanswered") => {
                " → the household left it unanswered: the ask expired two days later".to_owned()
            }
            Some(a) => format!(" → the household {a} it the next morning"),
        };
        println!(
            "    mandate: {}{answer}\n",
            d.explanation
                .text
                .lines()
                .last()
                .unwrap_or("")
                .trim_start_matches("Decision: ")
        );
    }
    tell_loop(report);
    println!("What each household spent (orders placed, and on their way or delivered):");
    for (household, spent) in &report.spent {
        println!("    {household:<16} {} EUR", money(*spent));
    }
    println!(
        "\nWhat each brand learnt (win notices name a per-brand pseudonym; counts are noisy, ε = 1 a day, cells under 5 suppressed):"
    );
    for b in &report.brands {
        let mut released = 0;
        let mut suppressed = 0;
        for r in &b.daily_reports {
            for cell in r.cells.values() {
                match cell {
                    Some(_) => released += 1,
                    None => suppressed += 1,
                }
            }
        }
        println!(
            "    {:<16} {} win notice(s) about {} pseudonymous household(s); {} daily report(s): {} cell(s) released, {} suppressed",
            b.brand,
            b.win_notices,
            b.pseudonyms_seen,
            b.daily_reports.len(),
            released,
            suppressed
        );
    }
}

/// The purchase loop: deliveries, the refusal and who served instead, the
/// subscriptions, the expired ask, the webhook.
fn tell_loop(report: &DemoReport) {
    use vitrine_core::mandate::OrderStatus;
    let date = |t: vitrine_types::time::Timestamp| t.day().date().to_string();
    let delivered: Vec<_> = report
        .orders
        .iter()
        .filter(|o| o.status == OrderStatus::Delivered)
        .collect();
    println!(
        "Deliveries: {} order(s) delivered, each refilling the pantry by what arrived:",
        delivered.len()
    );
    for o in delivered.iter().take(6) {
        let when = o.history.last().map(|s| date(s.at)).unwrap_or_default();
        let what = o.delivered.map_or_else(String::new, |q| {
            vitrine_core::explain::quantity_in_words(q, &o.category)
        });
        println!(
            "    {when} · {} · {what} of {} from {}",
            o.household, o.category, o.brand
        );
    }
    if delivered.len() > 6 {
        println!("    … and {} more", delivered.len() - 6);
    }
    for o in report
        .orders
        .iter()
        .filter(|o| o.status == OrderStatus::Refused)
    {
        let why = o
            .refusal
            .as_ref()
            .map_or("no reason given", |r| r.reason.words());
        let Some(when) = o.history.last().map(|s| s.at) else {
            continue;
        };
        let next = report.orders.iter().find(|n| {
            n.household == o.household
                && n.category == o.category
                && n.brand != o.brand
                && n.history.first().is_some_and(|s| s.at >= when)
        });
        println!(
            "\nRefused: {} refused {}'s order of {} on {} ({why}); {}",
            o.brand,
            o.household,
            o.category,
            date(when),
            next.map_or("nothing else has been ordered for it yet.".to_owned(), |n| {
                format!(
                    "the need was decided again without it, and the runner-up {} serves it ({}).",
                    n.brand,
                    n.status.as_str()
                )
            })
        );
    }
    for o in report
        .orders
        .iter()
        .filter(|o| o.status == OrderStatus::Expired)
    {
        let when = o.history.last().map(|s| date(s.at)).unwrap_or_default();
        println!(
            "\nExpired: {}'s ask for {} from {} was left unanswered and expired on {when}; the need was free again (and said so in the inbox).",
            o.household, o.category, o.brand
        );
    }
    for sub in &report.subscriptions {
        println!(
            "\nSubscription {} · {} · {} from {}, {} EUR a delivery, now {}:",
            sub.id,
            sub.household,
            sub.category,
            sub.brand,
            money(sub.price_paid_minor),
            sub.status.as_str()
        );
        for step in &sub.history {
            println!(
                "    {} · {} by the {}{}",
                date(step.at),
                step.what.replace('_', " "),
                step.by,
                step.note
                    .as_deref()
                    .map_or(String::new(), |n| format!(": {n}"))
            );
        }
    }
    let w = &report.webhook;
    let kinds: Vec<String> = w.kinds.iter().map(|(k, n)| format!("{n} × {k}")).collect();
    println!(
        "\nWebhook: the Martins' receiver at {} got {} request(s), {} with a valid signature ({}).\n",
        w.url,
        w.received,
        w.verified,
        if kinds.is_empty() {
            "none".to_owned()
        } else {
            kinds.join(", ")
        }
    );
}
