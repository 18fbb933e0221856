//! Reading config files, following `extends`, merging, and mapping a [`FieldPath`] back to
//! the file, line and column where it was written.
//!
//! Merging is a deep merge by key; arrays of tables whose elements all carry an `id` (the
//! agent lists) merge element by element by `id`, new ids appended in order; any other value
//! is replaced. Location works backwards: for a path, each file of the chain (child first) is
//! searched with toml's span-preserving parser, and the file that wrote the longest prefix of
//! the path wins. So an error always points at the file that said the offending thing.

use crate::error::{Issue, Location, ScenarioError};
use crate::path::{FieldPath, Segment};
use std::path::{Path, PathBuf};
use toml::de::{DeTable, DeValue};
use toml::{Table, Value};

/// The baseline scenario, embedded in the binary.
pub const BASELINE_TOML: &str = include_str!("../../../configs/baseline.toml");
/// How a config names the embedded baseline in `extends`, and how errors name it.
pub const BUILTIN_BASELINE: &str = "builtin:baseline";

/// The deepest `extends` chain accepted; deeper is almost surely a cycle.
const MAX_EXTENDS_DEPTH: usize = 16;

/// One file of an `extends` chain.
#[derive(Debug, Clone)]
pub struct Source {
    /// The name errors use: the path as given, or `builtin:baseline`.
    pub name: String,
    /// The file's text.
    pub text: String,
    /// Parsed contents.
    pub table: Table,
}

/// Reads `path` and every file it extends; returns the chain base first.
pub fn load_chain(path: &Path) -> Result<Vec<Source>, ScenarioError> {
    let bytes = std::fs::read(path).map_err(|source| ScenarioError::Read {
        path: path.to_path_buf(),
        source,
    })?;
    let text = decode_utf8(&path.display().to_string(), bytes)?;
    let dir = path.parent().map(Path::to_path_buf);
    chain_from(path.display().to_string(), text, dir, Vec::new())
}

/// The chain for text that did not come from a file (e.g. the embedded baseline).
pub fn text_chain(
    name: &str,
    text: &str,
    dir: Option<&Path>,
) -> Result<Vec<Source>, ScenarioError> {
    chain_from(
        name.to_string(),
        text.to_string(),
        dir.map(Path::to_path_buf),
        Vec::new(),
    )
}

fn chain_from(
    name: String,
    text: String,
    dir: Option<PathBuf>,
    mut seen: Vec<String>,
) -> Result<Vec<Source>, ScenarioError> {
    let table: Table = toml::from_str(&text).map_err(|e| ScenarioError::Syntax {
        location: location_of_offset(&name, &text, e.span().map_or(0, |s| s.start)),
        message: e.message().trim().replace('\n', " "),
    })?;
    seen.push(name.clone());
    let source = Source { name, text, table };
    let Some(extends) = source.table.get("extends") else {
        return Ok(vec![source]);
    };
    let path = FieldPath::keys(&["extends"]);
    let issue = |message: String| ScenarioError::Invalid {
        issues: vec![Issue {
            location: locate_in(&source, &path).unwrap_or_else(|| start_of(&source.name)),
            path: path.clone(),
            message,
        }],
    };
    let Some(target) = extends.as_str() else {
        return Err(issue(format!(
            "expected a file name (string), found {}",
            kind_of(extends)
        )));
    };
    if seen.len() > MAX_EXTENDS_DEPTH {
        return Err(issue(format!(
            "`extends` chain deeper than {MAX_EXTENDS_DEPTH} files: {}",
            seen.join(" -> ")
        )));
    }
    let mut chain = if target == BUILTIN_BASELINE {
        if seen.iter().any(|s| s == BUILTIN_BASELINE) {
            return Err(issue(format!(
                "`extends` cycle: {} -> {target}",
                seen.join(" -> ")
            )));
        }
        chain_from(
            BUILTIN_BASELINE.to_string(),
            BASELINE_TOML.to_string(),
            None,
            seen,
        )?
    } else {
        let resolved = match &dir {
            Some(d) => d.join(target),
            None => PathBuf::from(target),
        };
        let shown = resolved.display().to_string();
        if seen.contains(&shown) {
            return Err(issue(format!(
                "`extends` cycle: {} -> {shown}",
                seen.join(" -> ")
            )));
        }
        let bytes = std::fs::read(&resolved).map_err(|e| {
            issue(format!(
                "cannot read the extended file {shown}: {e} (paths are relative to the extending file; `{BUILTIN_BASELINE}` names the embedded baseline)"
            ))
        })?;
        let text = decode_utf8(&shown, bytes)?;
        let parent = resolved.parent().map(Path::to_path_buf);
        chain_from(shown, text, parent, seen)?
    };
    chain.push(source);
    Ok(chain)
}

/// Merges the chain, base first, into one table. The `extends` key is dropped.
pub fn merge_chain(chain: &[Source]) -> Table {
    let mut merged = Table::new();
    for source in chain {
        merge_table(&mut merged, &source.table);
    }
    merged.remove("extends");
    merged
}

fn merge_table(base: &mut Table, over: &Table) {
    for (key, value) in over {
        match (base.get_mut(key), value) {
            (Some(Value::Table(b)), Value::Table(o)) if !crate::param::is_distribution(o) => {
                merge_table(b, o)
            }
            (Some(Value::Array(b)), Value::Array(o)) if all_have_ids(b) && all_have_ids(o) => {
                merge_by_id(b, o)
            }
            _ => {
                base.insert(key.clone(), value.clone());
            }
        }
    }
}

fn id_of(value: &Value) -> Option<&str> {
    value.as_table()?.get("id")?.as_str()
}

fn all_have_ids(values: &[Value]) -> bool {
    values.iter().all(|v| id_of(v).is_some())
}

fn merge_by_id(base: &mut Vec<Value>, over: &[Value]) {
    for item in over {
        let id = id_of(item);
        match base.iter_mut().find(|b| id_of(b) == id) {
            Some(Value::Table(existing)) => {
                if let Value::Table(o) = item {
                    merge_table(existing, o);
                }
            }
            _ => base.push(item.clone()),
        }
    }
}

/// A short name for the TOML type of `value`, for messages.
pub fn kind_of(value: &Value) -> &'static str {
    match value {
        Value::String(_) => "a string",
        Value::Integer(_) => "an integer",
        Value::Float(_) => "a number",
        Value::Boolean(_) => "a boolean",
        Value::Datetime(_) => "a date-time",
        Value::Array(_) => "an array",
        Value::Table(_) => "a table",
    }
}

/// Where `path` was written in the chain: the file (child first) that holds the longest
/// prefix of it. Falls back to the start of the last file.
pub fn locate(chain: &[Source], path: &FieldPath) -> Location {
    let mut best: Option<(usize, Location)> = None;
    for source in chain.iter().rev() {
        let Ok(doc) = DeTable::parse(&source.text) else {
            continue;
        };
        let (depth, offset) = deepest(doc.get_ref(), &path.0);
        if depth > 0 && best.as_ref().is_none_or(|(d, _)| depth > *d) {
            best = Some((
                depth,
                location_of_offset(&source.name, &source.text, offset),
            ));
        }
    }
    match best {
        Some((_, location)) => location,
        None => start_of(chain.last().map_or("config", |s| s.name.as_str())),
    }
}

fn locate_in(source: &Source, path: &FieldPath) -> Option<Location> {
    let doc = DeTable::parse(&source.text).ok()?;
    let (depth, offset) = deepest(doc.get_ref(), &path.0);
    (depth > 0).then(|| location_of_offset(&source.name, &source.text, offset))
}

/// How many segments of `path` this document holds, and the byte offset of the deepest
/// one (the key's position for keys, the element's for array items).
fn deepest(table: &DeTable<'_>, path: &[Segment]) -> (usize, usize) {
    let mut depth = 0;
    let mut offset = 0;
    let mut current: Option<&DeValue<'_>> = None;
    let mut current_table = Some(table);
    for segment in path {
        let next = match (segment, current_table, current) {
            (Segment::Key(k), Some(t), _) => t
                .iter()
                .find(|(key, _)| key.get_ref().as_ref() == k.as_str())
                .map(|(key, value)| (key.span().start, value.get_ref())),
            (Segment::Id(id), _, Some(DeValue::Array(items))) => items
                .iter()
                .find(|item| match item.get_ref() {
                    DeValue::Table(t) => t.iter().any(|(k, v)| {
                        k.get_ref().as_ref() == "id"
                            && matches!(v.get_ref(), DeValue::String(s) if s.as_ref() == id.as_str())
                    }),
                    _ => false,
                })
                .map(|item| (item.span().start, item.get_ref())),
            (Segment::Index(i), _, Some(DeValue::Array(items))) => {
                items.get(*i).map(|item| (item.span().start, item.get_ref()))
            }
            _ => None,
        };
        let Some((at, value)) = next else { break };
        depth += 1;
        offset = at;
        current = Some(value);
        current_table = match value {
            DeValue::Table(t) => Some(t),
            _ => None,
        };
    }
    (depth, offset)
}

fn start_of(name: &str) -> Location {
    Location {
        file: name.to_string(),
        line: 1,
        col: 1,
    }
}

/// The text of a config file named `name`; bytes that are not UTF-8 are a syntax error
/// located at the first of them (line and column counted in the valid text before it).
pub fn decode_utf8(name: &str, bytes: Vec<u8>) -> Result<String, ScenarioError> {
    String::from_utf8(bytes).map_err(|e| {
        let at = e.utf8_error().valid_up_to();
        let bytes = e.as_bytes();
        let before = String::from_utf8_lossy(bytes.get(..at).unwrap_or_default());
        let byte = bytes.get(at).copied().unwrap_or_default();
        ScenarioError::Syntax {
            location: location_of_offset(name, &before, before.len()),
            message: format!("invalid UTF-8 (byte 0x{byte:02x}): a config must be UTF-8 text"),
        }
    })
}

/// 1-based line and column of a byte offset.
pub fn location_of_offset(name: &str, text: &str, offset: usize) -> Location {
    let offset = offset.min(text.len());
    let before = text.get(..offset).unwrap_or(text);
    let line = before.matches('\n').count() + 1;
    let line_start = before.rfind('\n').map_or(0, |i| i + 1);
    let col = before.get(line_start..).map_or(0, |s| s.chars().count()) + 1;
    Location {
        file: name.to_string(),
        line,
        col,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn src(name: &str, text: &str) -> Source {
        Source {
            name: name.into(),
            text: text.into(),
            table: toml::from_str(text).unwrap(),
        }
    }

    #[test]
    fn merges_tables_by_key_and_agents_by_id() {
        let base = src(
            "base.toml",
            "[market]\na = 1\nb = 2\n[[miners]]\nid = \"x\"\ncap = 1\n[[miners]]\nid = \"y\"\ncap = 2\n",
        );
        let child = src(
            "child.toml",
            "extends = \"base.toml\"\n[market]\nb = 3\n[[miners]]\nid = \"y\"\ncap = 5\n[[miners]]\nid = \"z\"\ncap = 9\n",
        );
        let merged = merge_chain(&[base, child]);
        assert_eq!(merged["market"]["a"].as_integer(), Some(1));
        assert_eq!(merged["market"]["b"].as_integer(), Some(3));
        let miners = merged["miners"].as_array().unwrap();
        let caps: Vec<_> = miners
            .iter()
            .map(|m| m["cap"].as_integer().unwrap())
            .collect();
        assert_eq!(caps, vec![1, 5, 9]);
        assert!(!merged.contains_key("extends"));
    }

    #[test]
    fn non_utf8_is_located_by_line_and_column() {
        let err = decode_utf8("x.toml", b"a = 1\nname = \"M\xfcnchen\"\n".to_vec())
            .unwrap_err()
            .to_string();
        assert_eq!(
            err,
            "x.toml:2:10: invalid UTF-8 (byte 0xfc): a config must be UTF-8 text"
        );
    }

    #[test]
    fn locates_the_file_that_wrote_the_path() {
        let base = src("base.toml", "[[miners]]\nid = \"x\"\ncap = 1\n");
        let child = src("child.toml", "\n\n[[miners]]\nid = \"x\"\n  cap = -1\n");
        let path = FieldPath::root().key("miners").id("x").key("cap");
        let loc = locate(&[base.clone(), child], &path);
        assert_eq!(loc.to_string(), "child.toml:5:3");
        let only_base = locate(&[base], &path);
        assert_eq!(only_base.to_string(), "base.toml:3:1");
    }
}
