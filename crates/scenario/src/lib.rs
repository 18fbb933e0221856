//! `remsim-scenario` turns config files into a [`Scenario`]: it reads TOML, follows
//! `extends`, merges, finds the uncertain parameters, checks types and meaning, and draws a
//! trial's concrete [`ScenarioConfig`]. It owns the config schema ([`schema`]) and every
//! message a user sees about a config.
//!
//! It depends only on `remsim-core` among remsim crates; it knows nothing of how agents act
//! or markets clear. Invariants: nothing written in a config can make it panic; every error
//! names file, line, column and field path; a trial's parameter draws depend only on
//! (master seed, trial, parameter path).

pub mod bounds;
pub mod coefficients;
mod draw;
pub mod error;
pub mod param;
pub mod path;
pub mod schema;
pub mod shocks;
pub mod source;
pub mod validate;

pub use coefficients::{Coefficient, TickCoefficients};
pub use error::{Issue, Location, ScenarioError};
pub use param::{Dist, UncertainParam};
pub use path::{FieldPath, Segment};
pub use schema::*;
pub use shocks::*;
pub use source::{BASELINE_TOML, BUILTIN_BASELINE};

use draw::DrawPlan;
use source::Source;
use std::path::{Path, PathBuf};
use toml::{Table, Value};

/// The scenario files (`*.toml`) of a folder, sorted by path: e.g. the ready shocks in
/// `configs/shocks/`.
pub fn scenario_files(dir: &Path) -> Result<Vec<PathBuf>, ScenarioError> {
    let unreadable = |source| ScenarioError::Read {
        path: dir.to_path_buf(),
        source,
    };
    let mut files = Vec::new();
    for entry in std::fs::read_dir(dir).map_err(unreadable)? {
        let path = entry.map_err(unreadable)?.path();
        if path.extension().is_some_and(|e| e == "toml") {
            files.push(path);
        }
    }
    files.sort();
    Ok(files)
}

/// A loaded, validated scenario: the merged config with its distributions still in place.
#[derive(Debug, Clone)]
pub struct Scenario {
    chain: Vec<Source>,
    merged: Table,
    params: Vec<UncertainParam>,
    /// Each parameter's random stream ([`param::stream_of`]), computed once.
    streams: Vec<u64>,
    central: ScenarioConfig,
    /// How draws are written into `central`; `None`: by substituting into `merged` and
    /// deserializing it all (see `draw.rs`).
    plan: Option<DrawPlan>,
}

impl Scenario {
    /// Loads and validates the scenario in `path` (and every file it extends).
    pub fn load(path: &Path) -> Result<Scenario, ScenarioError> {
        Scenario::from_chain(source::load_chain(path)?)
    }

    /// The baseline embedded in the binary.
    pub fn baseline() -> Result<Scenario, ScenarioError> {
        Scenario::from_text(BUILTIN_BASELINE, BASELINE_TOML, None)
    }

    /// A scenario from text; `dir` resolves a relative `extends`.
    pub fn from_text(
        name: &str,
        text: &str,
        dir: Option<&Path>,
    ) -> Result<Scenario, ScenarioError> {
        Scenario::from_chain(source::text_chain(name, text, dir)?)
    }

    fn from_chain(chain: Vec<Source>) -> Result<Scenario, ScenarioError> {
        let merged = source::merge_chain(&chain);
        let (params, problems) = param::collect(&merged);
        if !problems.is_empty() {
            return Err(invalid(&chain, problems));
        }
        let central_table = param::substitute(&merged, &params, |p| p.dist.central());
        let central = typed(&chain, central_table)?;
        let problems = validate::validate(&central);
        if !problems.is_empty() {
            return Err(invalid(&chain, problems));
        }
        // Each uncertain parameter must stay valid over its whole range: check both ends,
        // one parameter at a time, so a draw can never produce an invalid world.
        // The config at a bound is the central one with the unit that holds the parameter
        // deserialized again (the draw plan), or, where the plan cannot follow or the unit
        // does not deserialize, the whole merged tree with the value substituted (which
        // gives the same config, or the located error).
        // By the plan, the unit is written into one working copy of the central config
        // and put back after the check (`DrawPlan::write_one`, `restore`): the config
        // checked is `apply_one`'s without a clone of the whole config per bound.
        let plan = DrawPlan::new(&merged, &params);
        let mut work = plan.as_ref().map(|_| central.clone());
        let mut values: Vec<f64> = params.iter().map(|p| p.dist.central()).collect();
        for (index, param) in params.iter().enumerate() {
            let (low, high) = param.dist.bounds();
            for (end, value) in [("lower", low), ("upper", high)] {
                values[index] = value;
                let by_plan = match (&plan, &mut work) {
                    (Some(plan), Some(work)) => {
                        plan.write_one(work, &values, index).map(|written| {
                            let problem = validate::validate(work).into_iter().next();
                            plan.restore(work, &central, written);
                            problem
                        })
                    }
                    _ => None,
                };
                let problem = match by_plan {
                    Some(problem) => problem,
                    None => validate::validate(&typed(
                        &chain,
                        param::substitute(&merged, &params, |p| {
                            if p.path == param.path {
                                value
                            } else {
                                p.dist.central()
                            }
                        }),
                    )?)
                    .into_iter()
                    .next(),
                };
                if let Some((path, message)) = problem {
                    let message = format!(
                        "{message} (when {} = {} is at its {end} bound {value})",
                        param.path,
                        param.dist.describe()
                    );
                    return Err(invalid(&chain, vec![(path, message)]));
                }
            }
            values[index] = param.dist.central();
        }
        let streams = params.iter().map(param::stream_of).collect();
        Ok(Scenario {
            chain,
            merged,
            params,
            streams,
            central,
            plan,
        })
    }

    /// The scenario with every uncertain parameter at its central value.
    pub fn central(&self) -> &ScenarioConfig {
        &self.central
    }

    /// The parameters marked uncertain, in path order.
    pub fn uncertain(&self) -> &[UncertainParam] {
        &self.params
    }

    /// The files this scenario was built from, base first.
    pub fn files(&self) -> Vec<&str> {
        self.chain.iter().map(|s| s.name.as_str()).collect()
    }

    /// The merged config as TOML, distributions included: what a manifest records.
    pub fn resolved_toml(&self) -> String {
        toml::to_string(&self.merged).unwrap_or_default()
    }

    /// A hash of the resolved config (BLAKE3, hex), identifying the world simulated.
    pub fn config_hash(&self) -> String {
        Scenario::config_hash_of(&self.resolved_toml())
    }

    /// [`Scenario::config_hash`] of a scenario whose [`Scenario::resolved_toml`] is
    /// `resolved` (for a caller that needs both, without laying out the TOML twice).
    pub fn config_hash_of(resolved: &str) -> String {
        blake3::hash(resolved.as_bytes()).to_hex().to_string()
    }

    /// The concrete world of trial `trial`: each uncertain parameter drawn from its own
    /// stream. Draws stay inside the bounds validated at load, so this does not fail for a
    /// loaded scenario; the `Result` guards against a schema change that breaks that.
    ///
    /// The draws are written into a copy of the central config unit by unit (`draw.rs`);
    /// where that is not possible, or a unit fails, the drawn values are substituted into
    /// the merged tree and all of it is deserialized, which gives the same config (or the
    /// located error).
    pub fn draw(&self, master_seed: u64, trial: u64) -> Result<ScenarioConfig, ScenarioError> {
        if self.params.is_empty() {
            return Ok(self.central.clone());
        }
        self.apply_values(&self.draw_values(master_seed, trial))
    }

    /// The values trial `trial` draws for [`Scenario::uncertain`], in that order: exactly
    /// the numbers [`Scenario::draw`] writes into the trial's config (what `inputs.csv`
    /// records).
    pub fn draw_values(&self, master_seed: u64, trial: u64) -> Vec<f64> {
        param::draw_all(&self.params, &self.streams, master_seed, trial)
    }

    /// The config with `values` (one per [`Scenario::uncertain`] parameter, in order)
    /// written in place of the distributions: [`Scenario::draw`] with values chosen by the
    /// caller, e.g. a row of a sensitivity design. A value outside a parameter's bounds is
    /// refused, naming the parameter.
    pub fn with_values(&self, values: &[f64]) -> Result<ScenarioConfig, ScenarioError> {
        if values.len() != self.params.len() {
            return Err(invalid(
                &self.chain,
                vec![(
                    FieldPath::root(),
                    format!(
                        "expected {} uncertain values, got {}",
                        self.params.len(),
                        values.len()
                    ),
                )],
            ));
        }
        let outside: Vec<(FieldPath, String)> = self
            .params
            .iter()
            .zip(values)
            .filter_map(|(p, &v)| {
                let (low, high) = p.dist.bounds();
                (!(v >= low && v <= high)).then(|| {
                    (
                        p.path.clone(),
                        format!("expected a value in [{low}, {high}], got {v}"),
                    )
                })
            })
            .collect();
        if !outside.is_empty() {
            return Err(invalid(&self.chain, outside));
        }
        self.apply_values(values)
    }

    /// `values` written into the config: by the draw plan, else by substitution.
    fn apply_values(&self, values: &[f64]) -> Result<ScenarioConfig, ScenarioError> {
        if self.params.is_empty() {
            return Ok(self.central.clone());
        }
        if let Some(config) = self
            .plan
            .as_ref()
            .and_then(|plan| plan.apply(&self.central, values))
        {
            return Ok(config);
        }
        typed(
            &self.chain,
            param::substitute_values(&self.merged, &self.params, values),
        )
    }

    /// The reference way to draw a trial, as [`Scenario::draw`] did before issue 8: each
    /// parameter drawn on its own, substituted into the merged tree, all of it
    /// deserialized. Kept for the tests that check `draw` against it.
    #[cfg(test)]
    fn draw_by_substitution(
        &self,
        master_seed: u64,
        trial: u64,
    ) -> Result<ScenarioConfig, ScenarioError> {
        if self.params.is_empty() {
            return Ok(self.central.clone());
        }
        let table = param::substitute(&self.merged, &self.params, |p| {
            param::draw(p, master_seed, trial)
        });
        typed(&self.chain, table)
    }
}

fn typed(chain: &[Source], table: Table) -> Result<ScenarioConfig, ScenarioError> {
    let value = Value::Table(table);
    serde_path_to_error::deserialize::<_, ScenarioConfig>(value.clone()).map_err(|err| {
        let path = field_path(err.path(), &value);
        let message = friendly_serde_message(&err.inner().to_string());
        let (path, message) = match unknown_field(&message) {
            // serde_path_to_error may or may not already end the path with the key.
            Some((name, better)) if path.0.last() == Some(&Segment::Key(name.clone())) => {
                (path, better)
            }
            Some((name, better)) => (path.key(&name), better),
            None => {
                let message = unknown_agent(&path, &value, &message).unwrap_or(message);
                (path, message)
            }
        };
        invalid(chain, vec![(path, message)])
    })
}

/// For a field missing from an agent whose id no other entry of its list has — in an
/// overriding file, a misspelt id adds a new, incomplete agent instead of changing one —
/// names the id and the closest existing one.
fn unknown_agent(path: &FieldPath, root: &Value, message: &str) -> Option<String> {
    if !message.starts_with("missing field") {
        return None;
    }
    let at = path.0.iter().rposition(|s| matches!(s, Segment::Id(_)))?;
    let (Some(Segment::Key(list)), Some(Segment::Id(id))) = (
        at.checked_sub(1).and_then(|i| path.0.get(i)),
        path.0.get(at),
    ) else {
        return None;
    };
    let mut node = root;
    for segment in path.0.get(..at.saturating_sub(1))? {
        if let Segment::Key(k) = segment {
            node = node.get(k.as_str())?;
        }
    }
    let others: Vec<&str> = node
        .get(list.as_str())?
        .as_array()?
        .iter()
        .filter_map(|agent| agent.get("id")?.as_str())
        .filter(|other| other != id)
        .collect();
    let hint = remsim_core::suggest::closest(id, others.iter().copied())?;
    Some(format!(
        "no agent `{id}` in `{list}` to change ({message}: an entry with a new id adds an \
         agent, which needs every field){}",
        remsim_core::suggest::did_you_mean(&Some(hint))
    ))
}

/// Converts serde's path (with array indices) into ours (with agent ids).
fn field_path(serde_path: &serde_path_to_error::Path, root: &Value) -> FieldPath {
    let mut path = FieldPath::root();
    let mut node = Some(root);
    for segment in serde_path.iter() {
        match segment {
            serde_path_to_error::Segment::Map { key } => {
                node = node.and_then(|n| n.get(key.as_str()));
                path = path.key(key);
            }
            serde_path_to_error::Segment::Seq { index } => {
                let item = node.and_then(|n| n.get(*index));
                match item.and_then(|i| i.get("id")).and_then(|v| v.as_str()) {
                    Some(id) => path = path.id(id),
                    None => path = path.index(*index),
                }
                node = item;
            }
            serde_path_to_error::Segment::Enum { .. } | serde_path_to_error::Segment::Unknown => {}
        }
    }
    path
}

fn invalid(chain: &[Source], problems: Vec<(FieldPath, String)>) -> ScenarioError {
    let issues = problems
        .into_iter()
        .map(|(path, message)| Issue {
            location: source::locate(chain, &path),
            path,
            message,
        })
        .collect();
    ScenarioError::Invalid { issues }
}

/// serde's messages, one line, with "did you mean" for unknown variants.
fn friendly_serde_message(message: &str) -> String {
    // toml appends "\nin `path`"; our own path replaces it.
    let one_line = message
        .trim()
        .lines()
        .next()
        .unwrap_or_default()
        .to_string();
    if let Some(rest) = one_line.strip_prefix("unknown variant `")
        && let Some((given, tail)) = rest.split_once('`')
    {
        let expected = backticked(tail);
        let hint = remsim_core::suggest::closest(given, expected.iter().map(String::as_str));
        return format!(
            "unknown value `{given}`{}; expected one of {}",
            remsim_core::suggest::did_you_mean(&hint),
            expected.join(", ")
        );
    }
    one_line
}

/// For "unknown field `x`, expected one of …": the field name and a better message.
fn unknown_field(message: &str) -> Option<(String, String)> {
    let rest = message.strip_prefix("unknown field `")?;
    let (given, tail) = rest.split_once('`')?;
    let expected = backticked(tail);
    let hint = remsim_core::suggest::closest(given, expected.iter().map(String::as_str));
    let better = match hint {
        Some(h) => format!("unknown field; did you mean `{h}`?"),
        None => format!("unknown field; expected one of {}", expected.join(", ")),
    };
    Some((given.to_string(), better))
}

fn backticked(text: &str) -> Vec<String> {
    text.split('`')
        .skip(1)
        .step_by(2)
        .map(str::to_string)
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Every scenario in `configs/` (the baseline, shocks, history and scale configs; the
    /// sweep files describe points around a base, not scenarios of their own).
    fn configs() -> Vec<std::path::PathBuf> {
        let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../configs");
        let mut paths = vec![root.join("baseline.toml")];
        for dir in ["shocks", "history", "scale"] {
            let files = scenario_files(&root.join(dir)).unwrap();
            paths.extend(files.into_iter().filter(|p| !p.ends_with("targets.toml")));
        }
        paths
    }

    /// The fast draw gives exactly the reference draw's config, for every config in
    /// `configs/` and many (seed, trial) pairs. `ScenarioConfig`'s `Debug` prints every f64
    /// in its shortest round-trip form, so equal text is equal bits.
    #[test]
    fn draw_equals_the_reference_draw_for_every_config() {
        let paths = configs();
        assert!(paths.len() >= 20, "{paths:?}");
        for path in paths {
            let scenario = Scenario::load(&path).unwrap();
            assert!(
                scenario.plan.is_some() || scenario.params.is_empty(),
                "{}: no draw plan",
                path.display()
            );
            for seed in [0, 5, 42, u64::MAX] {
                for trial in (0..25).chain([1_000, 999_999, u64::from(u32::MAX)]) {
                    let fast = scenario.draw(seed, trial).unwrap();
                    let reference = scenario.draw_by_substitution(seed, trial).unwrap();
                    assert_eq!(
                        format!("{fast:?}"),
                        format!("{reference:?}"),
                        "{} seed {seed} trial {trial}",
                        path.display()
                    );
                }
            }
        }
    }

    /// Writing a bound in place (`write_one`) gives `apply_one`'s config, and `restore`
    /// gives back the central config, for every parameter of every config in `configs/`
    /// at both bounds, with one working copy throughout (as load uses them).
    #[test]
    fn bounds_written_in_place_equal_apply_one_and_restore() {
        for path in configs() {
            let scenario = Scenario::load(&path).unwrap();
            let Some(plan) = &scenario.plan else {
                continue;
            };
            let central = format!("{:?}", scenario.central);
            let mut work = scenario.central.clone();
            let mut values: Vec<f64> = scenario.params.iter().map(|p| p.dist.central()).collect();
            for (index, param) in scenario.params.iter().enumerate() {
                let (low, high) = param.dist.bounds();
                for value in [low, high] {
                    values[index] = value;
                    let want = plan.apply_one(&scenario.central, &values, index);
                    let written = plan.write_one(&mut work, &values, index);
                    assert_eq!(want.is_some(), written.is_some(), "{}", path.display());
                    if let (Some(want), Some(written)) = (want, written) {
                        assert_eq!(
                            format!("{work:?}"),
                            format!("{want:?}"),
                            "{}",
                            path.display()
                        );
                        plan.restore(&mut work, &scenario.central, written);
                    }
                    assert_eq!(format!("{work:?}"), central, "{}", path.display());
                }
                values[index] = param.dist.central();
            }
        }
    }

    /// Parameters in every kind of unit the plan knows (sections, agents by id, shocks by
    /// position, nested lists by index), including ones the baseline leaves fixed.
    #[test]
    fn draw_equals_the_reference_draw_in_every_unit() {
        let text = r#"
extends = "builtin:baseline"
[environment]
monazite_residue_t_per_t = { uniform = [1.5, 2.5] }
[[separators]]
id = "baotou-separation"
recovery = { triangular = [0.9, 0.92, 0.95] }
[[magnet_makers]]
id = "jl-mag"
gbd_share = { uniform = [0.6, 0.9] }
[[recyclers]]
id = "ganzhou-recyclers"
collection_rate = { lognormal = [0.1, 0.2] }
[[shocks]]
id = "probe"
when = { start = "2030-01", duration_months = { normal = [12, 2] } }
tariff = { rate = { uniform = [0.1, 0.3] } }
"#;
        let scenario = match Scenario::from_text("probe.toml", text, None) {
            Ok(s) => s,
            Err(e) => panic!("{e}"),
        };
        assert!(scenario.plan.is_some());
        for trial in 0..50 {
            assert_eq!(
                format!("{:?}", scenario.draw(9, trial).unwrap()),
                format!("{:?}", scenario.draw_by_substitution(9, trial).unwrap()),
                "trial {trial}"
            );
        }
    }

    /// The values `draw_values` exposes are the ones `draw` uses, and `with_values` refuses
    /// a value outside a parameter's bounds, naming it.
    #[test]
    fn drawn_values_are_the_ones_the_draw_uses() {
        let scenario = Scenario::baseline().unwrap();
        assert!(!scenario.uncertain().is_empty());
        for trial in [0, 7, 123_456] {
            let values = scenario.draw_values(3, trial);
            assert_eq!(values.len(), scenario.uncertain().len());
            let direct = format!("{:?}", scenario.draw(3, trial).unwrap());
            let given = format!("{:?}", scenario.with_values(&values).unwrap());
            assert_eq!(direct, given);
        }
        let mut values = scenario.draw_values(3, 0);
        let (_, high) = scenario.uncertain()[0].dist.bounds();
        values[0] = high + 1.0;
        let message = scenario.with_values(&values).unwrap_err().to_string();
        let name = scenario.uncertain()[0].path.to_string();
        assert!(message.contains(&name), "{message}");
        assert!(scenario.with_values(&values[1..]).is_err());
    }

    /// Issue 17: a misspelt agent id in an overriding file names the id and the nearest
    /// existing one instead of only "missing field `name`".
    #[test]
    fn a_misspelt_agent_id_gets_a_suggestion() {
        let text = "extends = \"builtin:baseline\"\n[[recyclers]]\nid = \"ganzhou-recycler\"\n\
                    collection_rate = 0.5\n";
        let err = match Scenario::from_text("typo.toml", text, None) {
            Ok(_) => panic!("a misspelt id must be refused"),
            Err(e) => e.to_string(),
        };
        assert!(err.contains("typo.toml:2:1"), "{err}");
        assert!(err.contains("no agent `ganzhou-recycler`"), "{err}");
        assert!(err.contains("did you mean `ganzhou-recyclers`?"), "{err}");
    }
}
