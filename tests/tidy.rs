//! Tidy checks on the source tree itself: every library opens with its `//!` header, and
//! remsim crates depend on each other only in the allowed directions (ARCHITECTURE.md):
//! core ← market ← agent crates ← sim ← scheduler ← binary, scenario beside market, io and
//! report at the edge. No agent crate depends on another. Every number in the two history
//! configs carries a comment naming its source (issue #7).

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
        "analysis" => vec!["core"],
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

/// The history configs whose every input number must name its source (issue #7); not
/// `targets.toml`, whose entries carry their source as data.
const HISTORY_CONFIGS: [&str; 2] = ["2009-2014.toml", "2020-2024.toml"];

/// Keys whose values are identifiers or prose, never input numbers, even with digits in them
/// (`id = "crackdown-2010-11"`, `name = "history-2009-2014"`).
const IDENTIFIER_KEYS: [&str; 4] = ["id", "name", "description", "extends"];

/// Splits a TOML line into its code and whether an inline `#` comment follows it; a `#`
/// inside a basic (`"..."`) or literal (`'...'`) string is not a comment.
fn split_comment(line: &str) -> (&str, bool) {
    let (mut basic, mut literal, mut escaped) = (false, false, false);
    for (i, c) in line.char_indices() {
        if basic {
            match c {
                _ if escaped => escaped = false,
                '\\' => escaped = true,
                '"' => basic = false,
                _ => {}
            }
        } else if literal {
            if c == '\'' {
                literal = false;
            }
        } else {
            match c {
                '"' => basic = true,
                '\'' => literal = true,
                '#' => return (&line[..i], true),
                _ => {}
            }
        }
    }
    (line, false)
}

/// Whether a line of code (comment removed, trimmed) assigns a number: a `key = value` whose
/// value holds a digit (unless the key is an identifier or prose), or a line of a multi-line
/// array holding a digit. Table headers (`[[miners]]`, `[market.x]`) assign nothing.
fn assigns_a_number(code: &str) -> bool {
    let is_header = code.starts_with('[')
        && code.ends_with(']')
        && code.chars().any(|c| c.is_ascii_alphabetic())
        && code
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || "[]_-.\" ".contains(c));
    if is_header {
        return false;
    }
    let value = match code.split_once('=') {
        Some((key, value))
            if !key.trim().is_empty()
                && key
                    .trim()
                    .chars()
                    .all(|c| c.is_ascii_alphanumeric() || "_-.\"".contains(c)) =>
        {
            if IDENTIFIER_KEYS.contains(&key.trim()) {
                return false;
            }
            value
        }
        // No `key =` at the start: an element of a multi-line array.
        _ => code,
    };
    value.chars().any(|c| c.is_ascii_digit())
}

/// 1-based numbers of the lines of `text` that assign a number without naming a source:
/// neither an inline comment nor a comment line immediately above their group (a run of
/// non-blank, non-comment lines).
fn unsourced_number_lines(text: &str) -> Vec<usize> {
    let mut bad = Vec::new();
    // Whether the current group of code lines was opened right under a comment line.
    let mut group_covered = false;
    let mut previous = ""; // the previous line, trimmed
    for (i, line) in text.lines().enumerate() {
        let trimmed = line.trim();
        if trimmed.is_empty() || trimmed.starts_with('#') {
            previous = trimmed;
            continue;
        }
        let group_starts = previous.is_empty() || previous.starts_with('#');
        if group_starts {
            group_covered = previous.starts_with('#');
        }
        let (code, inline_comment) = split_comment(trimmed);
        if !inline_comment && !group_covered && assigns_a_number(code.trim()) {
            bad.push(i + 1);
        }
        previous = trimmed;
    }
    bad
}

#[test]
fn history_config_numbers_name_their_source() {
    let dir = Path::new(concat!(env!("CARGO_MANIFEST_DIR"), "/configs/history"));
    let mut problems = Vec::new();
    for file in HISTORY_CONFIGS {
        let path = dir.join(file);
        let text =
            std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
        for line in unsourced_number_lines(&text) {
            problems.push(format!("configs/history/{file}:{line}"));
        }
    }
    assert!(
        problems.is_empty(),
        "{} input numbers name no source (give each an inline `# source` or a comment line \
         right above its group of lines):\n  {}",
        problems.len(),
        problems.join("\n  ")
    );
}

#[test]
fn history_config_source_check_can_fail() {
    let text = "\
extends = \"../baseline.toml\"

[[miners]]
id = \"crackdown-2010-11\"
name = \"a name # not a comment\"
capacity_t = 0
note = \"# inside a string\"
utilisation = 0.9   # (approx.)

# Export quota, t (calibration.md §4).
export_quota_path = [
  { year = 2009, t = 50145 },
]
when = { start = \"2010-01\" }

quota_path = [
  { year = 2009, hard_rock_t = 70000 },
]
";
    // Unsourced: `capacity_t = 0` and the quota_path element; `when` is covered by the
    // comment above its group, `utilisation` by its own, `note` holds no digit.
    assert_eq!(unsourced_number_lines(text), vec![6, 17]);
    assert_eq!(split_comment("a = \"#1\" # x"), ("a = \"#1\" ", true));
    assert!(!assigns_a_number("[[magnet_makers]]"));
    assert!(assigns_a_number("start = \"2009-01\""));
}
