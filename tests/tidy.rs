//! Tidy checks on the source tree itself: every library opens with its `//!` header, and
//! the remsim crates depend on each other exactly as the dependency table of
//! ARCHITECTURE.md draws (parsed from the page: one table for the document and the test),
//! which keeps its rules (no agent crate depends on another, the scheduler only on core). Every number in the two history
//! configs carries a comment naming its source (issue #7).

// Tests may panic on a broken fixture: that is how they fail.
#![allow(clippy::expect_used, clippy::unwrap_used)]

use std::collections::{BTreeMap, BTreeSet};
use std::path::Path;

const AGENTS: [&str; 6] = [
    "miners",
    "smelters",
    "magnets",
    "rivals",
    "recyclers",
    "demand",
];

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

/// The `[dependencies]` on remsim crates of a manifest, without the `remsim-` prefix.
fn remsim_dependencies(manifest: &Path) -> BTreeSet<String> {
    let text = std::fs::read_to_string(manifest).unwrap();
    let table: toml::Table = toml::from_str(&text).unwrap();
    table
        .get("dependencies")
        .and_then(|d| d.as_table())
        .map(|deps| {
            deps.keys()
                .filter_map(|k| k.strip_prefix("remsim-"))
                .map(str::to_string)
                .collect()
        })
        .unwrap_or_default()
}

/// Every crate's remsim dependencies as its manifest declares them; the binary is `remsim`.
fn actual_graph() -> Graph {
    let mut graph: Graph = crate_names()
        .into_iter()
        .map(|name| {
            let deps = remsim_dependencies(&crates_dir().join(&name).join("Cargo.toml"));
            (name, deps)
        })
        .collect();
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("Cargo.toml");
    graph.insert("remsim".to_string(), remsim_dependencies(&root));
    graph
}

/// Crate → the remsim crates it depends on (folder names; `remsim` is the binary).
type Graph = BTreeMap<String, BTreeSet<String>>;

/// The dependency table of ARCHITECTURE.md (the rows after its `<!-- tidy: ` marker).
fn documented_graph(architecture: &str) -> Graph {
    let start = architecture
        .find("<!-- tidy: the dependency table")
        .expect("ARCHITECTURE.md holds the dependency table marker");
    let mut graph = Graph::new();
    let rows = architecture[start..]
        .lines()
        .skip(1)
        .skip_while(|l| !l.starts_with('|'))
        .take_while(|l| l.starts_with('|'));
    for row in rows {
        let cells: Vec<&str> = row.trim_matches('|').split('|').map(str::trim).collect();
        if cells[0] == "crate" || cells[0].starts_with("---") {
            continue;
        }
        let name = cells[0]
            .split('`')
            .nth(1)
            .expect("a crate name in backticks");
        let key = name.strip_prefix("remsim-").unwrap_or(name).to_string();
        let deps = cells[1]
            .split(',')
            .map(str::trim)
            .filter(|d| !d.is_empty() && *d != "—")
            .map(str::to_string)
            .collect();
        assert!(graph.insert(key, deps).is_none(), "{name} listed twice");
    }
    graph
}

fn architecture() -> String {
    std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/ARCHITECTURE.md")).unwrap()
}

#[test]
fn crate_dependencies_are_exactly_the_documented_graph() {
    let (documented, actual) = (documented_graph(&architecture()), actual_graph());
    let mut problems = Vec::new();
    for name in documented
        .keys()
        .chain(actual.keys())
        .collect::<BTreeSet<_>>()
    {
        let (d, a) = (documented.get(name), actual.get(name));
        match (d, a) {
            (None, _) => problems.push(format!("{name}: not in ARCHITECTURE.md's table")),
            (_, None) => problems.push(format!("{name}: in the table but not a crate")),
            (Some(d), Some(a)) => {
                for extra in a.difference(d) {
                    problems.push(format!("{name} -> {extra}: not drawn in ARCHITECTURE.md"));
                }
                for missing in d.difference(a) {
                    problems.push(format!("{name} -> {missing}: drawn but not a dependency"));
                }
            }
        }
    }
    assert!(problems.is_empty(), "{problems:#?}");
}

#[test]
fn the_documented_graph_keeps_its_rules() {
    let graph = documented_graph(&architecture());
    for agent in AGENTS {
        let deps = &graph[agent];
        assert!(
            deps.iter().all(|d| !AGENTS.contains(&d.as_str())),
            "agent crate {agent} depends on another agent crate: {deps:?}"
        );
    }
    assert!(graph["core"].is_empty() && graph["io"].is_empty());
    assert_eq!(graph["scheduler"], BTreeSet::from(["core".to_string()]));
    assert!(!graph["sim"].contains("scheduler"));
    // And the parser sees a change: a drawn arrow that a manifest lacks is a difference.
    let edited = architecture().replace("| `remsim-io` | — |", "| `remsim-io` | core |");
    assert_ne!(documented_graph(&edited), actual_graph());
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
