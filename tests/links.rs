//! Every relative link in `README.md` and `docs/*.md` resolves to a file in the repository
//! (issue 17): inline links `[text](target)`, images `![alt](target)` and reference
//! definitions `[name]: target`, outside fenced code blocks. Links with a scheme
//! (`https:`, `mailto:`) and in-page anchors (`#…`) are not files and are skipped.

// Test helpers outside `#[test]` functions unwrap on purpose: a failed step fails the test.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::path::{Path, PathBuf};

fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

/// The link targets of a Markdown text, with their line numbers.
fn targets(text: &str) -> Vec<(usize, String)> {
    let mut out = Vec::new();
    let mut fenced = false;
    for (i, line) in text.lines().enumerate() {
        if line.trim_start().starts_with("```") {
            fenced = !fenced;
            continue;
        }
        if fenced {
            continue;
        }
        // Reference definitions: `[name]: target`.
        if let Some(rest) = line.trim_start().strip_prefix('[')
            && let Some((_, after)) = rest.split_once("]:")
            && let Some(target) = after.split_whitespace().next()
        {
            out.push((i + 1, target.to_string()));
        }
        // Inline links and images: `](target)` or `](target "title")`.
        let mut rest = line;
        while let Some(at) = rest.find("](") {
            let after = &rest[at + 2..];
            let end = after.find(')').unwrap_or(after.len());
            let target = after[..end].split_whitespace().next().unwrap_or("");
            out.push((i + 1, target.trim_matches(['<', '>']).to_string()));
            rest = &after[end..];
        }
    }
    out
}

fn is_external(target: &str) -> bool {
    target.is_empty()
        || target.starts_with('#')
        || target
            .split_once(':')
            .is_some_and(|(scheme, _)| scheme.chars().all(|c| c.is_ascii_alphabetic()))
}

fn broken_links(file: &Path) -> Vec<String> {
    let text = std::fs::read_to_string(file).unwrap();
    let dir = file.parent().unwrap();
    targets(&text)
        .into_iter()
        .filter(|(_, t)| !is_external(t))
        .filter(|(_, t)| {
            let path = t.split('#').next().unwrap_or("");
            !dir.join(path).exists()
        })
        .map(|(line, t)| format!("{}:{line}: {t}", file.display()))
        .collect()
}

#[test]
fn every_relative_link_in_the_readme_and_docs_resolves() {
    let mut files = vec![root().join("README.md")];
    let mut docs: Vec<PathBuf> = std::fs::read_dir(root().join("docs"))
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|e| e == "md"))
        .collect();
    docs.sort();
    files.extend(docs);
    let broken: Vec<String> = files.iter().flat_map(|f| broken_links(f)).collect();
    assert!(broken.is_empty(), "broken links:\n{}", broken.join("\n"));
    let checked: usize = files
        .iter()
        .map(|f| targets(&std::fs::read_to_string(f).unwrap()).len())
        .sum();
    assert!(checked > 0, "no links found: the scanner is broken");
}

#[test]
fn the_scanner_finds_links_and_skips_code_and_urls() {
    let text = "see [a](docs/a.md) and ![img](b.png \"t\")\n```\n[x](nope.md)\n```\n\
                [ref]: c.md\n[web](https://x.org) [top](#top)\n";
    let found: Vec<String> = targets(text).into_iter().map(|(_, t)| t).collect();
    assert_eq!(
        found,
        ["docs/a.md", "b.png", "c.md", "https://x.org", "#top"]
    );
    assert!(is_external("https://x.org") && is_external("#top") && !is_external("c.md"));
    let dir = std::env::temp_dir().join(format!("remsim-links-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let file = dir.join("x.md");
    std::fs::write(&file, "[gone](missing.md) [here](x.md)\n").unwrap();
    let broken = broken_links(&file);
    assert_eq!(broken.len(), 1, "{broken:?}");
    assert!(broken[0].ends_with(":1: missing.md"), "{broken:?}");
    std::fs::remove_dir_all(&dir).unwrap();
}
