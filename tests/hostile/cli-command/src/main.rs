//! A component for another world: an ordinary `wasi:cli/command` program. The
//! host must refuse it at load, naming the missing `vitrine:brand/bidder`
//! export.

fn main() {
    println!("I am a command-line program, not a brand plugin.");
}
