//! Tidy checks on the source tree itself: every library opens with its `//!` header, and
//! remsim crates depend on each other only in the allowed directions (ARCHITECTURE.md):
//! core ← market ← agent crates ← sim ← scheduler ← binary, scenario beside market, io and
//! report at the edge. No agent crate depends on another.

// Tests may panic on a broken fixture: that is how they fail.
#![allow(clippy::expect_used, clippy::unwrap_used)]

use std::collections::BTreeMap;
use std::path::Path;

const AGENTS: [&str; 6] = [
    "miners",
    "smelters",
    "magnets",
    "rivals",
    "recyclers",
    "demand",
];

/// remsim crates each crate may depend on (normal dependencies).
fn allowed(krate: &str) -> Vec<&'static str> {
    match krate {
        "core" => vec![],
        "market" | "scenario" | "io" => vec!["core"],
        k if AGENTS.contains(&k) => vec!["core", "market", "scenario"],
        "sim" => {
            let mut v = vec!["core", "market", "scenario"];
            v.extend(AGENTS);
            v
        }
        "scheduler" => vec!["core", "scenario", "sim", "io"],
        "report" => vec!["core", "io"],
        _ => vec![],
    }
}

fn crates_dir() -> &'static Path {
    Path::new(concat!(env!("CARGO_MANIFEST_DIR"), "/crates"))
}

fn crate_names() -> Vec<String> {
    let mut names: Vec<String> = std::fs::read_dir(crates_dir())
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    names.sort();
    names
}

#[test]
fn every_library_opens_with_its_header() {
    for name in crate_names() {
        let lib = crates_dir().join(&name).join("src/lib.rs");
        let text =
            std::fs::read_to_string(&lib).unwrap_or_else(|e| panic!("{}: {e}", lib.display()));
        assert!(
            text.starts_with("//! `remsim-"),
            "{} must open with a `//!` paragraph naming the crate and what it owns",
            lib.display()
        );
        assert!(
            text.contains("depend"),
            "{}'s header must say what it may or must not depend on",
            lib.display()
        );
    }
}

#[test]
fn crate_dependencies_point_one_way() {
    let mut problems = BTreeMap::new();
    for name in crate_names() {
        let manifest = crates_dir().join(&name).join("Cargo.toml");
        let text = std::fs::read_to_string(&manifest).unwrap();
        let table: toml::Table = toml::from_str(&text).unwrap();
        let deps = table
            .get("dependencies")
            .and_then(|d| d.as_table())
            .cloned()
            .unwrap_or_default();
        let ok = allowed(&name);
        for dep in deps.keys() {
            if let Some(other) = dep.strip_prefix("remsim-")
                && !ok.contains(&other)
            {
                problems.insert(format!("{name} -> {other}"), ok.join(", "));
            }
        }
    }
    assert!(
        problems.is_empty(),
        "forbidden dependencies (allowed in brackets): {problems:?}"
    );
}

#[test]
fn the_check_can_fail() {
    // The rules are not vacuous: an agent crate may not use another, nor sim the scheduler.
    assert!(!allowed("miners").contains(&"demand"));
    assert!(!allowed("sim").contains(&"scheduler"));
    assert!(!allowed("core").contains(&"market"));
}
