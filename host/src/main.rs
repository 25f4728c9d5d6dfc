//! The `vitrine` command: see `vitrine --help` and the README.

fn main() -> std::process::ExitCode {
    vitrine::cli::main()
}
