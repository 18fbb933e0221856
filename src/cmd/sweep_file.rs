//! The sweep file of `remsim sweep`, read with the position of every value and checked
//! whole before anything runs or is written: the base scenario, the trial count and seed,
//! the design (`grid` or `latin_hypercube`), point counts, each parameter's path (against
//! the base config, with "did you mean"), values and ranges (finite, ordered), the outcome
//! columns, and finally every generated point against the scenario schema. Each problem is
//! one line `file:line:col: field: expected …`, like a scenario config's.

use anyhow::Context;
use rand::RngExt;
use remsim_core::rng::{stream_id, stream_rng};
use remsim_core::suggest::{closest, did_you_mean};
use remsim_scenario::Scenario;
use remsim_scenario::source::{decode_utf8, location_of_offset};
use serde::Deserialize;
use std::fmt::Write as _;
use std::path::Path;
use toml::Spanned;

/// The most points a sweep may have (grid product or hypercube points).
pub const MAX_POINTS: u64 = 10_000;
/// The most trials per point.
pub const MAX_TRIALS: u64 = 100_000_000;

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct RawSweep {
    base: Spanned<String>,
    trials: Spanned<i64>,
    #[serde(default)]
    seed: Option<Spanned<i64>>,
    design: Spanned<String>,
    #[serde(default)]
    points: Option<Spanned<i64>>,
    #[serde(default)]
    outcomes: Vec<Spanned<String>>,
    #[serde(default)]
    parameter: Vec<RawParameter>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct RawParameter {
    path: Spanned<String>,
    #[serde(default)]
    values: Option<Spanned<Vec<Spanned<f64>>>>,
    #[serde(default)]
    range: Option<Spanned<Vec<Spanned<f64>>>>,
}

/// A design.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Design {
    /// Every combination of the listed values.
    Grid,
    /// `points` points, one in each stratum of every range.
    LatinHypercube,
}

/// A sweep file that passed every check, with its points and their scenario files.
#[derive(Debug)]
pub struct Sweep {
    /// Trials per point.
    pub trials: u64,
    /// Master seed of every point.
    pub seed: u64,
    /// Parameter paths, in file order.
    pub paths: Vec<String>,
    /// Outcome columns to tabulate.
    pub outcomes: Vec<String>,
    /// One value per parameter, per point.
    pub points: Vec<Vec<f64>>,
    /// The scenario file of each point (checked to load).
    pub scenarios: Vec<String>,
}

/// Collects located problems.
struct Problems<'a> {
    name: &'a str,
    text: &'a str,
    lines: Vec<String>,
}

impl Problems<'_> {
    fn at(&mut self, span: std::ops::Range<usize>, field: &str, message: impl AsRef<str>) {
        let location = location_of_offset(self.name, self.text, span.start);
        self.lines
            .push(format!("{location}: {field}: {}", message.as_ref()));
    }
}

/// Reads and checks the sweep file at `path`; `trials` and `seed` override the file's.
/// `Err` holds one line per problem (nothing has been written or run).
pub fn load(path: &Path, trials: Option<u64>, seed: Option<u64>) -> Result<Sweep, Vec<String>> {
    let name = path.display().to_string();
    let bytes = std::fs::read(path).map_err(|e| vec![format!("{name}: cannot read: {e}")])?;
    let text = decode_utf8(&name, bytes).map_err(|e| e.lines())?;
    let raw: RawSweep = toml::from_str(&text).map_err(|e| {
        let at = e.span().map_or(0, |s| s.start);
        let location = location_of_offset(&name, &text, at);
        vec![format!(
            "{location}: {}",
            e.message().trim().replace('\n', " ")
        )]
    })?;
    let mut problems = Problems {
        name: &name,
        text: &text,
        lines: Vec::new(),
    };
    let checked = check_fields(&raw, trials, seed, &mut problems);
    let here = path.parent().unwrap_or(Path::new("."));
    let base_path = here.join(raw.base.get_ref());
    let base = match std::fs::canonicalize(&base_path) {
        Ok(b) => Some(b),
        Err(e) => {
            problems.at(
                raw.base.span(),
                "base",
                format!(
                    "expected a scenario file (relative to the sweep file): {}: {e}",
                    base_path.display()
                ),
            );
            None
        }
    };
    let scenario = base.as_ref().and_then(|b| match Scenario::load(b) {
        Ok(s) => Some(s),
        Err(e) => {
            problems.at(raw.base.span(), "base", "the base scenario does not load:");
            problems.lines.extend(e.lines());
            None
        }
    });
    let (Some((trials, seed, design)), Some(base), Some(scenario)) = (checked, base, scenario)
    else {
        return Err(problems.lines);
    };
    let outcomes = check_outcomes(&raw, &scenario, &mut problems);
    for p in &raw.parameter {
        check_path_exists(p, &scenario, &mut problems);
    }
    if !problems.lines.is_empty() {
        return Err(problems.lines);
    }
    let points = design_points(&raw, design, seed);
    let paths: Vec<String> = raw
        .parameter
        .iter()
        .map(|p| p.path.get_ref().clone())
        .collect();
    let mut scenarios = Vec::with_capacity(points.len());
    for (k, values) in points.iter().enumerate() {
        let text = point_scenario(&base, &paths, values);
        if let Err(e) = Scenario::from_text(&format!("{name} point {k}"), &text, None) {
            point_problem(&raw, &paths, k, values, &e, &mut problems);
            return Err(problems.lines);
        }
        scenarios.push(text);
    }
    Ok(Sweep {
        trials,
        seed,
        paths,
        outcomes,
        points,
        scenarios,
    })
}

/// Trials, seed, design, points and each parameter's values or range.
fn check_fields(
    raw: &RawSweep,
    trials: Option<u64>,
    seed: Option<u64>,
    problems: &mut Problems<'_>,
) -> Option<(u64, u64, Design)> {
    let before = problems.lines.len();
    let file_trials = *raw.trials.get_ref();
    if trials.is_none() && !(1..=MAX_TRIALS as i64).contains(&file_trials) {
        problems.at(
            raw.trials.span(),
            "trials",
            format!(
                "expected a whole number of trials from 1 to {MAX_TRIALS}, found {file_trials}"
            ),
        );
    }
    let file_seed = raw.seed.as_ref().map_or(0, |s| *s.get_ref());
    if let Some(s) = raw.seed.as_ref().filter(|s| *s.get_ref() < 0) {
        problems.at(
            s.span(),
            "seed",
            format!("expected a seed >= 0, found {file_seed}"),
        );
    }
    let design = match raw.design.get_ref().as_str() {
        "grid" => Some(Design::Grid),
        "latin_hypercube" => Some(Design::LatinHypercube),
        other => {
            let hint = did_you_mean(&closest(other, ["grid", "latin_hypercube"]));
            problems.at(
                raw.design.span(),
                "design",
                format!("expected `grid` or `latin_hypercube`, found `{other}`{hint}"),
            );
            None
        }
    };
    if raw.parameter.is_empty() {
        problems.at(
            raw.design.span(),
            "parameter",
            "expected at least one [[parameter]] with a `path`",
        );
    }
    let mut seen: Vec<&str> = Vec::new();
    for (i, p) in raw.parameter.iter().enumerate() {
        let path = p.path.get_ref().as_str();
        if seen.contains(&path) {
            problems.at(
                p.path.span(),
                &format!("parameter[{i}].path"),
                format!("`{path}` is swept twice; give each parameter once"),
            );
        }
        seen.push(path);
        check_path_syntax(i, p, problems);
        if let Some(design) = design {
            check_values(i, p, design, problems);
        }
    }
    if let Some(design) = design {
        check_point_count(raw, design, problems);
    }
    let trials = trials.unwrap_or(file_trials.max(0) as u64);
    let seed = seed.unwrap_or(file_seed.max(0) as u64);
    (problems.lines.len() == before)
        .then_some(design)
        .flatten()
        .map(|d| (trials, seed, d))
}

/// `a.b.c` or `list[id].field`, with plain names only.
fn check_path_syntax(i: usize, p: &RawParameter, problems: &mut Problems<'_>) {
    let path = p.path.get_ref();
    let plain = |s: &str| {
        !s.is_empty()
            && s.split('.').all(|k| {
                !k.is_empty()
                    && k.bytes()
                        .all(|b| b.is_ascii_alphanumeric() || b == b'_' || b == b'-')
            })
    };
    let ok = match path.split_once('[') {
        Some((list, rest)) => rest.split_once("].").is_some_and(|(id, field)| {
            plain(list) && !list.contains('.') && plain(field) && plain(id)
        }),
        None => plain(path),
    };
    if !ok {
        problems.at(
            p.path.span(),
            &format!("parameter[{i}].path"),
            format!("expected a dotted config path (`policy.china.x`) or `list[id].field`, found `{path}`"),
        );
    }
}

/// A grid's `values` or a hypercube's `range`: present, finite, ordered; not the other.
fn check_values(i: usize, p: &RawParameter, design: Design, problems: &mut Problems<'_>) {
    let (wanted, unwanted, wanted_name, unwanted_name) = match design {
        Design::Grid => (&p.values, &p.range, "values", "range"),
        Design::LatinHypercube => (&p.range, &p.values, "range", "values"),
    };
    if let Some(u) = unwanted {
        problems.at(
            u.span(),
            &format!("parameter[{i}].{unwanted_name}"),
            format!(
                "a {} design takes `{wanted_name}`, not `{unwanted_name}`",
                design_name(design)
            ),
        );
    }
    let Some(w) = wanted else {
        problems.at(
            p.path.span(),
            &format!("parameter[{i}].{wanted_name}"),
            match design {
                Design::Grid => "expected `values = [a, b, …]` for a grid",
                Design::LatinHypercube => "expected `range = [low, high]` for a Latin hypercube",
            },
        );
        return;
    };
    let field = format!("parameter[{i}].{wanted_name}");
    for v in w.get_ref() {
        if !v.get_ref().is_finite() {
            problems.at(
                v.span(),
                &field,
                format!("expected a finite number, found {}", v.get_ref()),
            );
        }
    }
    let values: Vec<f64> = w.get_ref().iter().map(|v| *v.get_ref()).collect();
    match design {
        Design::Grid if values.is_empty() => {
            problems.at(w.span(), &field, "expected at least one value")
        }
        Design::LatinHypercube if values.len() != 2 => problems.at(
            w.span(),
            &field,
            format!("expected [low, high], found {} numbers", values.len()),
        ),
        Design::LatinHypercube
            if values.iter().all(|v| v.is_finite()) && values[0] >= values[1] =>
        {
            problems.at(
                w.span(),
                &field,
                format!("expected low < high, found [{}, {}]", values[0], values[1]),
            )
        }
        _ => {}
    }
}

fn design_name(design: Design) -> &'static str {
    match design {
        Design::Grid => "grid",
        Design::LatinHypercube => "latin_hypercube",
    }
}

/// A grid's product of value counts, or a hypercube's `points`, within 1..=MAX_POINTS.
fn check_point_count(raw: &RawSweep, design: Design, problems: &mut Problems<'_>) {
    match (design, &raw.points) {
        (Design::Grid, Some(points)) => problems.at(
            points.span(),
            "points",
            "`points` is for a latin_hypercube; a grid has one point per combination of values",
        ),
        (Design::Grid, None) => {
            let product = raw.parameter.iter().fold(1u64, |n, p| {
                n.saturating_mul(p.values.as_ref().map_or(1, |v| v.get_ref().len() as u64))
            });
            if product > MAX_POINTS {
                problems.at(
                    raw.design.span(),
                    "design",
                    format!("the grid has {product} points; at most {MAX_POINTS} are allowed"),
                );
            }
        }
        (Design::LatinHypercube, None) => problems.at(
            raw.design.span(),
            "points",
            format!("expected `points = N` (1 to {MAX_POINTS}) for a latin_hypercube"),
        ),
        (Design::LatinHypercube, Some(points)) => {
            if !(1..=MAX_POINTS as i64).contains(points.get_ref()) {
                problems.at(
                    points.span(),
                    "points",
                    format!(
                        "expected 1 to {MAX_POINTS} points, found {}",
                        points.get_ref()
                    ),
                );
            }
        }
    }
}

/// The outcome columns asked for exist for the base's horizon; the headline set if none.
fn check_outcomes(raw: &RawSweep, scenario: &Scenario, problems: &mut Problems<'_>) -> Vec<String> {
    let meta = &scenario.central().scenario;
    let n_ticks = (meta.end.months_since(meta.start) + 1).max(0) as usize;
    let spec = remsim_scheduler::OutcomeSpec::new(&remsim_sim::metric_names(), meta.start, n_ticks);
    let known: Vec<&str> = spec.columns().iter().map(|c| c.name.as_str()).collect();
    if raw.outcomes.is_empty() {
        return crate::cmd::sweep::HEADLINE
            .iter()
            .filter(|h| known.contains(h))
            .map(|s| s.to_string())
            .collect();
    }
    for (i, o) in raw.outcomes.iter().enumerate() {
        let name = o.get_ref().as_str();
        if !known.contains(&name) {
            let hint = did_you_mean(&closest(name, known.iter().copied()));
            problems.at(
                o.span(),
                &format!("outcomes[{i}]"),
                format!("expected an outcome column of trials.csv, found `{name}`{hint}"),
            );
        }
    }
    raw.outcomes.iter().map(|o| o.get_ref().clone()).collect()
}

/// Whether the path names a value in the base's resolved config; if not, a problem with a
/// suggestion — unless setting it still gives a valid scenario (an optional field the base
/// leaves out), which the point check decides.
fn check_path_exists(p: &RawParameter, scenario: &Scenario, problems: &mut Problems<'_>) {
    let Ok(tree) = toml::from_str::<toml::Table>(&scenario.resolved_toml()) else {
        return;
    };
    let path = p.path.get_ref();
    let (mut table, rest, prefix) = match path.split_once('[') {
        Some((list, rest)) => {
            let Some((id, field)) = rest.split_once("].") else {
                return;
            };
            let items = tree.get(list).and_then(|v| v.as_array());
            let ids: Vec<&str> = items
                .map(|a| a.iter().filter_map(|t| t.get("id")?.as_str()).collect())
                .unwrap_or_default();
            let item = items.and_then(|a| {
                a.iter()
                    .find(|t| t.get("id").and_then(|v| v.as_str()) == Some(id))
            });
            let Some(item) = item.and_then(|t| t.as_table()) else {
                let what = if items.is_none() {
                    let hint = did_you_mean(&closest(list, tree.keys().map(String::as_str)));
                    format!(
                        "unknown parameter path `{path}`: the config has no list `{list}`{hint}"
                    )
                } else {
                    let hint = did_you_mean(&closest(id, ids.iter().copied()));
                    format!("unknown parameter path `{path}`: `{list}` has no id `{id}`{hint}")
                };
                problems.at(p.path.span(), "parameter.path", what);
                return;
            };
            (item, field, format!("{list}[{id}]"))
        }
        None => (&tree, path.as_str(), String::new()),
    };
    let keys: Vec<&str> = rest.split('.').collect();
    for (n, key) in keys.iter().enumerate() {
        match table.get(*key) {
            Some(toml::Value::Table(t)) if n + 1 < keys.len() => table = t,
            Some(_) if n + 1 == keys.len() => return,
            _ => {
                // Not in the base: fine if the schema has it (checked per point), so only a
                // near miss of an existing key is reported here.
                let Some(suggestion) = closest(key, table.keys().map(String::as_str)) else {
                    return;
                };
                let at = if prefix.is_empty() {
                    String::new()
                } else {
                    format!(" in {prefix}")
                };
                problems.at(
                    p.path.span(),
                    "parameter.path",
                    format!("unknown parameter path `{path}`: no `{key}`{at}; did you mean `{suggestion}`?"),
                );
                return;
            }
        }
    }
}

/// The first point that is not a valid scenario, reported at the parameter it concerns.
fn point_problem(
    raw: &RawSweep,
    paths: &[String],
    k: usize,
    values: &[f64],
    error: &remsim_scenario::ScenarioError,
    problems: &mut Problems<'_>,
) {
    let assignment: Vec<String> = paths
        .iter()
        .zip(values)
        .map(|(p, v)| format!("{p} = {v}"))
        .collect();
    let issues: Vec<(String, String)> = match error {
        remsim_scenario::ScenarioError::Invalid { issues } => issues
            .iter()
            .map(|i| (i.path.to_string(), i.message.clone()))
            .collect(),
        other => vec![(String::new(), other.to_string())],
    };
    for (field, message) in issues {
        let index = paths
            .iter()
            .position(|p| field.starts_with(p.as_str()) || p.starts_with(field.as_str()))
            .unwrap_or(0);
        let Some(param) = raw.parameter.get(index) else {
            continue;
        };
        problems.at(
            param.path.span(),
            &format!("parameter[{index}]"),
            format!(
                "point {k} ({}) is not a valid scenario: {field}: {message}",
                assignment.join(", ")
            ),
        );
    }
}

/// The design's points: one value per parameter each.
fn design_points(raw: &RawSweep, design: Design, seed: u64) -> Vec<Vec<f64>> {
    let numbers = |v: &Option<Spanned<Vec<Spanned<f64>>>>| -> Vec<f64> {
        v.as_ref()
            .map(|v| v.get_ref().iter().map(|x| *x.get_ref()).collect())
            .unwrap_or_default()
    };
    match design {
        Design::Grid => {
            let mut points = vec![Vec::new()];
            for p in &raw.parameter {
                let values = numbers(&p.values);
                points = points
                    .into_iter()
                    .flat_map(|point| {
                        values.iter().map(move |v| {
                            let mut next = point.clone();
                            next.push(*v);
                            next
                        })
                    })
                    .collect();
            }
            points
        }
        Design::LatinHypercube => {
            let n = raw.points.as_ref().map_or(0, |p| *p.get_ref()).max(0) as usize;
            let mut columns = Vec::new();
            for p in &raw.parameter {
                let range = numbers(&p.range);
                let (lo, hi) = (
                    range.first().copied().unwrap_or(0.0),
                    range.get(1).copied().unwrap_or(0.0),
                );
                // One value in each of n equal strata, strata shuffled: its own stream per
                // parameter, so adding a parameter leaves the others' columns alone.
                let path = p.path.get_ref();
                let mut rng = stream_rng(seed, 0, stream_id(&format!("sweep:{path}")));
                let mut strata: Vec<usize> = (0..n).collect();
                for i in (1..n).rev() {
                    let j = rng.random_range(0..=i);
                    strata.swap(i, j);
                }
                columns.push(
                    strata
                        .iter()
                        .map(|s| lo + (hi - lo) * (*s as f64 + rng.random::<f64>()) / n as f64)
                        .collect::<Vec<f64>>(),
                );
            }
            (0..n)
                .map(|i| columns.iter().map(|c| c[i]).collect())
                .collect()
        }
    }
}

/// A scenario file that extends `base` and sets each parameter.
pub fn point_scenario(base: &Path, paths: &[String], values: &[f64]) -> String {
    let mut plain = String::new();
    let mut agents = String::new();
    for (p, v) in paths.iter().zip(values) {
        match p.split_once('[').and_then(|(list, rest)| {
            let (id, field) = rest.split_once("].")?;
            Some((list, id, field))
        }) {
            Some((list, id, field)) => {
                let _ = writeln!(agents, "\n[[{list}]]\nid = \"{id}\"\n{field} = {v:?}");
            }
            None => {
                let _ = writeln!(plain, "{p} = {v:?}");
            }
        }
    }
    format!(
        "extends = {:?}\n{plain}{agents}",
        base.display().to_string()
    )
}

/// Writes a point's scenario file.
pub fn write_point(path: &Path, text: &str) -> anyhow::Result<()> {
    std::fs::write(path, text).with_context(|| format!("writing {}", path.display()))
}
