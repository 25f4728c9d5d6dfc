//! `vitrine-bench`: Vitrine's benchmarks (see docs/BENCHMARKS.md).

fn main() -> std::process::ExitCode {
    vitrine_bench::cli::main()
}
