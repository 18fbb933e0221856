//! Uncertain parameters. Any number in a config may instead be a distribution, drawn once
//! per trial: `{ uniform = [a, b] }`, `{ normal = [mean, sd] }`, `{ lognormal = [median,
//! sigma] }`, `{ triangular = [min, mode, max] }`.
//!
//! Distributions are recognised in the merged TOML tree, before the typed structs see it, so
//! every numeric field of every struct accepts one without special code. Each draw uses its
//! own random stream, keyed by the parameter's path: trial i of a base scenario and of a
//! shock that changes other things draws the same value here (common random numbers).
//! Normal and lognormal draws are truncated at ±4 standard deviations, so the bounds that
//! validation checks are bounds every draw respects.

use crate::error::Issue;
use crate::path::{FieldPath, Segment};
use rand::{Rng, RngExt};
use rand_distr::StandardNormal;
use remsim_core::rng::{stream_id, stream_rng};
use toml::{Table, Value};

/// Truncation of normal and lognormal draws, in standard deviations.
pub const TRUNCATION_SD: f64 = 4.0;

/// The distribution kinds, by config key.
pub const KINDS: [&str; 4] = ["uniform", "normal", "lognormal", "triangular"];

/// A distribution over one number.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Dist {
    /// Uniform on [low, high].
    Uniform {
        /// Lower bound.
        low: f64,
        /// Upper bound.
        high: f64,
    },
    /// Normal, truncated at ±4 sd.
    Normal {
        /// Mean.
        mean: f64,
        /// Standard deviation.
        sd: f64,
    },
    /// Lognormal given by its median and the sd of its log, truncated at ±4 sigma.
    Lognormal {
        /// Median (> 0).
        median: f64,
        /// Standard deviation of ln(x).
        sigma: f64,
    },
    /// Triangular on [min, max] with the given mode.
    Triangular {
        /// Lower bound.
        min: f64,
        /// Most likely value.
        mode: f64,
        /// Upper bound.
        max: f64,
    },
}

impl Dist {
    /// The value `remsim check` shows and validates: mean, mode or median.
    pub fn central(&self) -> f64 {
        match *self {
            Dist::Uniform { low, high } => 0.5 * (low + high),
            Dist::Normal { mean, .. } => mean,
            Dist::Lognormal { median, .. } => median,
            Dist::Triangular { mode, .. } => mode,
        }
    }

    /// The smallest and largest values a draw can take.
    pub fn bounds(&self) -> (f64, f64) {
        match *self {
            Dist::Uniform { low, high } => (low, high),
            Dist::Normal { mean, sd } => (mean - TRUNCATION_SD * sd, mean + TRUNCATION_SD * sd),
            Dist::Lognormal { median, sigma } => (
                median * (-TRUNCATION_SD * sigma).exp(),
                median * (TRUNCATION_SD * sigma).exp(),
            ),
            Dist::Triangular { min, max, .. } => (min, max),
        }
    }

    /// One draw.
    pub fn sample<R: Rng>(&self, rng: &mut R) -> f64 {
        match *self {
            Dist::Uniform { low, high } => low + (high - low) * rng.random::<f64>(),
            Dist::Normal { mean, sd } => mean + sd * truncated_standard_normal(rng),
            Dist::Lognormal { median, sigma } => {
                median * (sigma * truncated_standard_normal(rng)).exp()
            }
            Dist::Triangular { min, mode, max } => {
                let u: f64 = rng.random();
                let width = max - min;
                if width <= 0.0 {
                    return mode;
                }
                let split = (mode - min) / width;
                if u < split {
                    min + (u * width * (mode - min)).sqrt()
                } else {
                    max - ((1.0 - u) * width * (max - mode)).sqrt()
                }
            }
        }
    }

    /// The value at cumulative probability `u` ∈ [0, 1] (the inverse of the distribution
    /// function, truncation included): maps a point of the unit cube — a sensitivity
    /// design's coordinate — onto this parameter. `u = 0` and `u = 1` give the bounds;
    /// results are clamped to [`Dist::bounds`].
    pub fn quantile(&self, u: f64) -> f64 {
        let u = u.clamp(0.0, 1.0);
        let (low, high) = self.bounds();
        if u == 0.0 || u == 1.0 {
            return if u == 0.0 { low } else { high };
        }
        let value = match *self {
            Dist::Uniform { low, high } => low + (high - low) * u,
            Dist::Normal { mean, sd } => mean + sd * truncated_normal_quantile(u),
            Dist::Lognormal { median, sigma } => {
                median * (sigma * truncated_normal_quantile(u)).exp()
            }
            Dist::Triangular { min, mode, max } => {
                let width = max - min;
                if width <= 0.0 {
                    return mode;
                }
                if u < (mode - min) / width {
                    min + (u * width * (mode - min)).sqrt()
                } else {
                    max - ((1.0 - u) * width * (max - mode)).sqrt()
                }
            }
        };
        value.clamp(low, high)
    }

    /// As written in a config.
    pub fn describe(&self) -> String {
        match *self {
            Dist::Uniform { low, high } => format!("uniform [{low}, {high}]"),
            Dist::Normal { mean, sd } => format!("normal [mean {mean}, sd {sd}]"),
            Dist::Lognormal { median, sigma } => {
                format!("lognormal [median {median}, sigma {sigma}]")
            }
            Dist::Triangular { min, mode, max } => format!("triangular [{min}, {mode}, {max}]"),
        }
    }
}

/// Φ(−4): the probability a standard normal falls below the truncation.
const PHI_BELOW_TRUNCATION: f64 = 3.167_124_183_311_986e-5;

/// The standard normal truncated at ±[`TRUNCATION_SD`]: its quantile at `u`.
fn truncated_normal_quantile(u: f64) -> f64 {
    let p = PHI_BELOW_TRUNCATION + u * (1.0 - 2.0 * PHI_BELOW_TRUNCATION);
    normal_quantile(p).clamp(-TRUNCATION_SD, TRUNCATION_SD)
}

/// The standard normal quantile Φ⁻¹(p), 0 < p < 1: Wichura's algorithm AS 241 (PPND16,
/// Applied Statistics 37, 1988), relative error about 1e-16.
pub fn normal_quantile(p: f64) -> f64 {
    let q = p - 0.5;
    if q.abs() <= 0.425 {
        let r = 0.180625 - q * q;
        return q * poly(&AS241_A, r) / poly(&AS241_B, r);
    }
    let r = if q < 0.0 { p } else { 1.0 - p };
    if r <= 0.0 {
        return if q < 0.0 {
            f64::NEG_INFINITY
        } else {
            f64::INFINITY
        };
    }
    let r = (-r.ln()).sqrt();
    let z = if r <= 5.0 {
        let r = r - 1.6;
        poly(&AS241_C, r) / poly(&AS241_D, r)
    } else {
        let r = r - 5.0;
        poly(&AS241_E, r) / poly(&AS241_F, r)
    };
    if q < 0.0 { -z } else { z }
}

/// c₀ + c₁x + … by Horner's rule.
fn poly(c: &[f64; 8], x: f64) -> f64 {
    c.iter().rev().fold(0.0, |acc, &k| acc * x + k)
}

#[rustfmt::skip]
const AS241_A: [f64; 8] = [3.387_132_872_796_366_5, 133.141_667_891_784_38, 1_971.590_950_306_551_3,
    13_731.693_765_509_46, 45_921.953_931_549_87, 67_265.770_927_008_7, 33_430.575_583_588_13,
    2_509.080_928_730_122_7];
#[rustfmt::skip]
const AS241_B: [f64; 8] = [1.0, 42.313_330_701_600_91, 687.187_007_492_057_9, 5_394.196_021_424_751,
    21_213.794_301_586_597, 39_307.895_800_092_71, 28_729.085_735_721_943, 5_226.495_278_852_545];
#[rustfmt::skip]
const AS241_C: [f64; 8] = [1.423_437_110_749_683_5, 4.630_337_846_156_546, 5.769_497_221_460_691,
    3.647_848_324_763_204_5, 1.270_458_252_452_368_4, 0.241_780_725_177_450_6,
    0.022_723_844_989_269_18, 7.745_450_142_783_414e-4];
#[rustfmt::skip]
const AS241_D: [f64; 8] = [1.0, 2.053_191_626_637_759, 1.676_384_830_183_803_8, 0.689_767_334_985_1,
    0.148_103_976_427_480_08, 0.015_198_666_563_616_457, 5.475_938_084_995_345e-4,
    1.050_750_071_644_416_9e-9];
#[rustfmt::skip]
const AS241_E: [f64; 8] = [6.657_904_643_501_103, 5.463_784_911_164_114, 1.784_826_539_917_291_3,
    0.296_560_571_828_504_9, 0.026_532_189_526_576_124, 0.001_242_660_947_388_078_4,
    2.711_555_568_743_487_6e-5, 2.010_334_399_292_288e-7];
#[rustfmt::skip]
const AS241_F: [f64; 8] = [1.0, 0.599_832_206_555_888, 0.136_929_880_922_735_8,
    0.014_875_361_290_850_615, 7.868_691_311_456_133e-4, 1.846_318_317_510_054_8e-5,
    1.421_511_758_316_446e-7, 2.044_263_103_389_939_7e-15];

fn truncated_standard_normal<R: Rng>(rng: &mut R) -> f64 {
    // Rejection keeps the shape inside the truncation; the chance of a retry is 6e-5.
    loop {
        let z: f64 = rng.sample(StandardNormal);
        if z.abs() <= TRUNCATION_SD {
            return z;
        }
    }
}

/// A parameter marked uncertain in a config.
#[derive(Debug, Clone, PartialEq)]
pub struct UncertainParam {
    /// Where it is.
    pub path: FieldPath,
    /// Its distribution.
    pub dist: Dist,
}

/// True if `table` is written as a distribution (one key, a distribution kind).
pub fn is_distribution(table: &Table) -> bool {
    table.len() == 1 && table.keys().all(|k| KINDS.contains(&k.as_str()))
}

/// Finds every distribution in `root`, in path order. Malformed ones become issues (without
/// a location; the caller locates them).
pub fn collect(root: &Table) -> (Vec<UncertainParam>, Vec<(FieldPath, String)>) {
    let mut params = Vec::new();
    let mut problems = Vec::new();
    walk_table(root, &FieldPath::root(), &mut params, &mut problems);
    (params, problems)
}

fn walk_table(
    table: &Table,
    path: &FieldPath,
    params: &mut Vec<UncertainParam>,
    problems: &mut Vec<(FieldPath, String)>,
) {
    for (key, value) in table {
        walk_value(value, &path.key(key), params, problems);
    }
}

fn walk_value(
    value: &Value,
    path: &FieldPath,
    params: &mut Vec<UncertainParam>,
    problems: &mut Vec<(FieldPath, String)>,
) {
    match value {
        Value::Table(t) if t.keys().any(|k| KINDS.contains(&k.as_str())) => match parse_dist(t) {
            Ok(dist) => params.push(UncertainParam {
                path: path.clone(),
                dist,
            }),
            Err(message) => problems.push((path.clone(), message)),
        },
        Value::Table(t) => walk_table(t, path, params, problems),
        Value::Array(items) => {
            for (i, item) in items.iter().enumerate() {
                let step = match item
                    .as_table()
                    .and_then(|t| t.get("id"))
                    .and_then(|v| v.as_str())
                {
                    Some(id) => path.id(id),
                    None => path.index(i),
                };
                walk_value(item, &step, params, problems);
            }
        }
        _ => {}
    }
}

fn parse_dist(table: &Table) -> Result<Dist, String> {
    if table.len() != 1 {
        let keys: Vec<&str> = table.keys().map(String::as_str).collect();
        return Err(format!(
            "a distribution has exactly one key ({}), found {}",
            KINDS.join(", "),
            keys.join(", ")
        ));
    }
    let Some((kind, args)) = table.iter().next() else {
        return Err("empty distribution".to_string());
    };
    let numbers: Option<Vec<f64>> = args.as_array().and_then(|a| {
        a.iter()
            .map(|v| v.as_float().or_else(|| v.as_integer().map(|i| i as f64)))
            .collect()
    });
    let arity = if kind == "triangular" { 3 } else { 2 };
    let shape = match kind.as_str() {
        "uniform" => "[low, high]",
        "normal" => "[mean, sd]",
        "lognormal" => "[median, sigma]",
        _ => "[min, mode, max]",
    };
    let n = match numbers {
        Some(n) if n.len() == arity && n.iter().all(|x| x.is_finite()) => n,
        _ => {
            return Err(format!(
                "expected {kind} = {shape} ({arity} finite numbers)"
            ));
        }
    };
    let dist = match kind.as_str() {
        "uniform" if n[0] <= n[1] => Dist::Uniform {
            low: n[0],
            high: n[1],
        },
        "uniform" => {
            return Err(format!(
                "uniform = [low, high] needs low ≤ high, found {n:?}"
            ));
        }
        "normal" if n[1] >= 0.0 => Dist::Normal {
            mean: n[0],
            sd: n[1],
        },
        "normal" => {
            return Err(format!(
                "normal = [mean, sd] needs sd ≥ 0, found sd {}",
                n[1]
            ));
        }
        "lognormal" if n[0] > 0.0 && n[1] >= 0.0 => Dist::Lognormal {
            median: n[0],
            sigma: n[1],
        },
        "lognormal" => {
            return Err(format!(
                "lognormal = [median, sigma] needs median > 0 and sigma ≥ 0, found {n:?}"
            ));
        }
        _ if n[0] <= n[1] && n[1] <= n[2] => Dist::Triangular {
            min: n[0],
            mode: n[1],
            max: n[2],
        },
        _ => {
            return Err(format!(
                "triangular = [min, mode, max] needs min ≤ mode ≤ max, found {n:?}"
            ));
        }
    };
    Ok(dist)
}

/// A copy of `root` with every distribution replaced by `value_of(param)`.
pub fn substitute(
    root: &Table,
    params: &[UncertainParam],
    mut value_of: impl FnMut(&UncertainParam) -> f64,
) -> Table {
    let mut out = root.clone();
    for param in params {
        if let Some(slot) = slot_mut(&mut out, &param.path.0) {
            *slot = Value::Float(value_of(param));
        }
    }
    out
}

fn slot_mut<'a>(table: &'a mut Table, path: &[Segment]) -> Option<&'a mut Value> {
    let (first, rest) = path.split_first()?;
    let Segment::Key(key) = first else {
        return None;
    };
    value_slot_mut(table.get_mut(key)?, rest)
}

/// The value at `path` below `value` (an `Id` segment is the first array element with that
/// `id`), as `substitute` finds a parameter's slot.
pub(crate) fn value_slot_mut<'a>(
    mut value: &'a mut Value,
    path: &[Segment],
) -> Option<&'a mut Value> {
    for segment in path {
        value = match (segment, value) {
            (Segment::Key(k), Value::Table(t)) => t.get_mut(k)?,
            (Segment::Id(id), Value::Array(items)) => items.iter_mut().find(|item| {
                item.as_table()
                    .and_then(|t| t.get("id"))
                    .and_then(|v| v.as_str())
                    == Some(id.as_str())
            })?,
            (Segment::Index(i), Value::Array(items)) => items.get_mut(*i)?,
            _ => return None,
        };
    }
    Some(value)
}

/// The trial's draw of `param`: its own stream, keyed by its path.
pub fn draw(param: &UncertainParam, master_seed: u64, trial: u64) -> f64 {
    let mut rng = stream_rng(master_seed, trial, stream_of(param));
    param.dist.sample(&mut rng)
}

/// The stream `param` draws from: keyed by its path, so a draw does not depend on which
/// other parameters a scenario has.
pub fn stream_of(param: &UncertainParam) -> u64 {
    stream_id(&format!("param:{}", param.path))
}

/// Every parameter's draw for one trial, in order: the same numbers as [`draw`] on each,
/// given `streams[i] == stream_of(&params[i])`, with the trial's key derived once instead of
/// once per parameter (a stream is the key's generator with another stream number).
pub fn draw_all(
    params: &[UncertainParam],
    streams: &[u64],
    master_seed: u64,
    trial: u64,
) -> Vec<f64> {
    let trial_rng = stream_rng(master_seed, trial, 0);
    params
        .iter()
        .zip(streams)
        .map(|(param, &stream)| {
            let mut rng = trial_rng.clone();
            rng.set_stream(stream);
            param.dist.sample(&mut rng)
        })
        .collect()
}

/// A copy of `root` with every distribution replaced by its value in `values` (one per
/// parameter, in order): [`substitute`] with the values drawn beforehand.
pub fn substitute_values(root: &Table, params: &[UncertainParam], values: &[f64]) -> Table {
    let mut next = values.iter();
    substitute(root, params, |_| next.next().copied().unwrap_or(f64::NAN))
}

/// Issues for malformed distributions, located by the caller.
pub type ParamProblems = Vec<Issue>;

#[cfg(test)]
mod tests {
    use super::*;

    fn table(text: &str) -> Table {
        toml::from_str(text).unwrap()
    }

    #[test]
    fn finds_distributions_by_path_and_rejects_bad_ones() {
        let root = table(
            "[market]\nx = { uniform = [1, 2] }\n[[miners]]\nid = \"m\"\ncap = { triangular = [1, 2, 3] }\nbad = { normal = [1, -1] }\n",
        );
        let (params, problems) = collect(&root);
        let paths: Vec<String> = params.iter().map(|p| p.path.to_string()).collect();
        assert_eq!(paths, ["market.x", "miners[m].cap"]);
        assert_eq!(problems.len(), 1);
        assert_eq!(problems[0].0.to_string(), "miners[m].bad");
        assert!(problems[0].1.contains("sd ≥ 0"), "{}", problems[0].1);
    }

    /// One distribution of each kind, for the tests below.
    fn sample_dists() -> [Dist; 4] {
        [
            Dist::Uniform {
                low: 1.0,
                high: 2.0,
            },
            Dist::Normal {
                mean: 10.0,
                sd: 3.0,
            },
            Dist::Lognormal {
                median: 5.0,
                sigma: 0.5,
            },
            Dist::Triangular {
                min: 0.0,
                mode: 1.0,
                max: 4.0,
            },
        ]
    }

    #[test]
    fn draws_stay_in_bounds_and_depend_on_path_not_order() {
        let dists = sample_dists();
        for dist in dists {
            let param = UncertainParam {
                path: FieldPath::keys(&["a"]),
                dist,
            };
            let (lo, hi) = dist.bounds();
            let mut sum = 0.0;
            for trial in 0..2000 {
                let x = draw(&param, 9, trial);
                assert!(x >= lo && x <= hi, "{dist:?} drew {x}");
                sum += x;
            }
            let mean = sum / 2000.0;
            let expected = match dist {
                Dist::Lognormal { median, sigma } => median * (0.5 * sigma * sigma).exp(),
                Dist::Triangular { min, mode, max } => (min + mode + max) / 3.0,
                d => d.central(),
            };
            assert!(
                (mean - expected).abs() < 0.05 * expected.abs().max(1.0),
                "{dist:?} mean {mean}"
            );
            assert_eq!(draw(&param, 9, 3), draw(&param, 9, 3));
        }
    }

    /// The quantile function inverts the distribution: Φ⁻¹ against known values, bounds at
    /// 0 and 1, the median at ½, and draws' empirical quantiles near it.
    #[test]
    fn quantiles_invert_the_distributions() {
        for (p, z) in [
            (0.5, 0.0),
            (0.975, 1.959_963_984_540_054),
            (0.001, -3.090_232_306_167_813),
        ] {
            assert!((normal_quantile(p) - z).abs() < 1e-12, "{p}");
        }
        let dists = sample_dists();
        for dist in dists {
            let (lo, hi) = dist.bounds();
            assert_eq!(dist.quantile(0.0), lo, "{dist:?}");
            assert_eq!(dist.quantile(1.0), hi, "{dist:?}");
            let param = UncertainParam {
                path: FieldPath::keys(&["a"]),
                dist,
            };
            let mut draws: Vec<f64> = (0..4000).map(|t| draw(&param, 1, t)).collect();
            draws.sort_by(f64::total_cmp);
            for u in [0.1, 0.5, 0.9] {
                let empirical = draws[(u * 4000.0) as usize];
                let width = hi - lo;
                assert!(
                    (dist.quantile(u) - empirical).abs() < 0.03 * width,
                    "{dist:?} {u}"
                );
            }
        }
    }

    #[test]
    fn substitutes_values_in_place() {
        let root = table("[[miners]]\nid = \"m\"\ncap = { uniform = [1, 3] }\n");
        let (params, _) = collect(&root);
        let out = substitute(&root, &params, |p| p.dist.central());
        assert_eq!(out["miners"][0]["cap"].as_float(), Some(2.0));
    }
}
