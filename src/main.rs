//! The `remsim` command line.
fn main() {}
