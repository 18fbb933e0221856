//! PRIM, the Patient Rule Induction Method (Friedman and Fisher 1999), for scenario
//! discovery: the box of input space in which the cases of interest are concentrated.
//!
//! It follows the EMA Workbench's `Prim.find_box` for real-valued inputs, so the two find
//! the same box: starting from the box of all data, *peel* — of all candidate boxes that
//! cut one input at its `peel_alpha` (lower side) or `1 − peel_alpha` (upper side)
//! quantile of the points still inside, take the best by the "lenient 1" objective (gain
//! in share of cases of interest per point removed; ties to the box restricting fewer
//! inputs, then to the first input, upper side first) while it keeps at least `mass_min` of
//! the data; then *paste* — widen a restricted input back towards its full range by the
//! `paste_alpha` quantile of the points outside while that raises the share. Quantiles are
//! the Workbench's `get_quantile` (midpoint of the neighbouring distinct order statistics).
//! Every step is a point of the peeling trajectory (coverage, density, mass); the
//! Workbench's threshold then picks the point reported ([`PrimBox::selected`]).

/// Options of [`prim`]; the defaults are the Workbench's.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct PrimConfig {
    /// Share of a box's points one peel removes.
    pub peel_alpha: f64,
    /// Share by which one paste widens a box.
    pub paste_alpha: f64,
    /// Smallest share of all points a box may keep.
    pub mass_min: f64,
    /// Density the reported box should reach (see [`PrimBox::selected`]).
    pub threshold: f64,
}

impl Default for PrimConfig {
    fn default() -> PrimConfig {
        PrimConfig {
            peel_alpha: 0.05,
            paste_alpha: 0.05,
            mass_min: 0.05,
            threshold: 0.8,
        }
    }
}

/// One point of the peeling trajectory.
#[derive(Debug, Clone, PartialEq)]
pub struct PrimPoint {
    /// Cases of interest inside / all cases of interest.
    pub coverage: f64,
    /// Cases of interest inside / points inside.
    pub density: f64,
    /// Points inside / all points.
    pub mass: f64,
    /// Points inside.
    pub n: usize,
    /// Cases of interest inside.
    pub k: usize,
    /// Per input, the box's (lower, upper) limits, inclusive.
    pub limits: Vec<(f64, f64)>,
    /// The inputs whose limits differ from the range of the data, in input order.
    pub restricted: Vec<usize>,
}

/// The first box PRIM finds: its peeling (and pasting) trajectory.
#[derive(Debug, Clone, PartialEq)]
pub struct PrimBox {
    /// The box of all data first, then one point per peel or paste.
    pub trajectory: Vec<PrimPoint>,
    /// Share of cases of interest among all points.
    pub base_rate: f64,
    /// The threshold the box was found with.
    pub threshold: f64,
}

impl PrimBox {
    /// Index of the reported point: the first on the trajectory whose density reaches the
    /// threshold (the box with the most coverage that does), or, if none does, the densest
    /// (first of equals).
    pub fn selected(&self) -> usize {
        if let Some(i) = self
            .trajectory
            .iter()
            .position(|p| p.density >= self.threshold)
        {
            return i;
        }
        let mut best = 0;
        for (i, p) in self.trajectory.iter().enumerate() {
            if p.density > self.trajectory[best].density {
                best = i;
            }
        }
        best
    }
}

/// The Workbench's `get_quantile`: with the data sorted and `i = (n − 1) q`, the midpoint
/// of the order statistics around `i`, moved outwards past equal values.
pub fn quantile(data: &[f64], q: f64) -> f64 {
    let mut sorted = data.to_vec();
    sorted.sort_by(f64::total_cmp);
    let i = (sorted.len() - 1) as f64 * q;
    let (mut lo, mut hi) = (i.floor() as usize, i.ceil() as usize);
    if q > 0.5 {
        while sorted[lo] == sorted[hi] && lo > 0 {
            lo -= 1;
        }
    } else {
        while sorted[lo] == sorted[hi] && hi < sorted.len() - 1 {
            hi += 1;
        }
    }
    (sorted[lo] + sorted[hi]) / 2.0
}

/// Finds the first box over `columns` (one vector of values per input, all of the same
/// length) for the cases of interest `y`; `None` without data or with ragged columns.
pub fn prim(columns: &[Vec<f64>], y: &[bool], config: &PrimConfig) -> Option<PrimBox> {
    let n = y.len();
    if n == 0 || columns.iter().any(|c| c.len() != n) {
        return None;
    }
    let init: Vec<(f64, f64)> = columns
        .iter()
        .map(|c| {
            let lo = c.iter().copied().fold(f64::INFINITY, f64::min);
            let hi = c.iter().copied().fold(f64::NEG_INFINITY, f64::max);
            (lo, hi)
        })
        .collect();
    let total = y.iter().filter(|&&b| b).count();
    let search = Search {
        columns,
        y,
        init: &init,
        total,
        config,
    };
    let mut inside: Vec<usize> = (0..n).collect();
    let mut limits = init.clone();
    let mut trajectory = vec![search.point(&inside, &limits)];
    while let Some((next, lims)) = search.peel(&inside, &limits) {
        inside = next;
        limits = lims;
        trajectory.push(search.point(&inside, &limits));
    }
    while let Some((next, lims)) = search.paste(&inside, &limits) {
        inside = next;
        limits = lims;
        trajectory.push(search.point(&inside, &limits));
    }
    Some(PrimBox {
        trajectory,
        base_rate: total as f64 / n as f64,
        threshold: config.threshold,
    })
}

/// The data and settings of one search.
struct Search<'a> {
    columns: &'a [Vec<f64>],
    y: &'a [bool],
    init: &'a [(f64, f64)],
    total: usize,
    config: &'a PrimConfig,
}

type Candidate = (Vec<usize>, Vec<(f64, f64)>);

impl Search<'_> {
    fn point(&self, inside: &[usize], limits: &[(f64, f64)]) -> PrimPoint {
        let k = inside.iter().filter(|&&i| self.y[i]).count();
        let n = inside.len();
        PrimPoint {
            coverage: if self.total > 0 {
                k as f64 / self.total as f64
            } else {
                0.0
            },
            density: if n > 0 { k as f64 / n as f64 } else { 0.0 },
            mass: n as f64 / self.y.len() as f64,
            n,
            k,
            limits: limits.to_vec(),
            restricted: self.restricted(limits),
        }
    }

    fn restricted(&self, limits: &[(f64, f64)]) -> Vec<usize> {
        (0..limits.len())
            .filter(|&j| limits[j] != self.init[j])
            .collect()
    }

    fn mean(&self, points: &[usize]) -> f64 {
        if points.is_empty() {
            return 0.0;
        }
        points.iter().filter(|&&i| self.y[i]).count() as f64 / points.len() as f64
    }

    /// The Workbench's "lenient 1" objective: change in mean per point changed.
    fn objective(&self, old: &[usize], new: &[usize]) -> f64 {
        let (m_old, m_new) = (self.mean(old), self.mean(new));
        if m_old == m_new || old.len() == new.len() {
            return 0.0;
        }
        (m_new - m_old) / old.len().abs_diff(new.len()) as f64
    }

    /// The best candidate by (objective, unrestricted inputs), first on ties.
    fn best(&self, inside: &[usize], candidates: Vec<Candidate>) -> Option<(f64, Candidate)> {
        let mut best: Option<(f64, usize, Candidate)> = None;
        for candidate in candidates {
            let obj = self.objective(inside, &candidate.0);
            let free = self.init.len() - self.restricted(&candidate.1).len();
            if best
                .as_ref()
                .is_none_or(|(o, f, _)| obj > *o || (obj == *o && free > *f))
            {
                best = Some((obj, free, candidate));
            }
        }
        best.map(|(obj, _, c)| (obj, c))
    }

    fn peel(&self, inside: &[usize], limits: &[(f64, f64)]) -> Option<Candidate> {
        let alpha = self.config.peel_alpha;
        let mut candidates = Vec::with_capacity(2 * self.columns.len());
        for (j, column) in self.columns.iter().enumerate() {
            let values: Vec<f64> = inside.iter().map(|&i| column[i]).collect();
            let upper = quantile(&values, 1.0 - alpha);
            let mut lims = limits.to_vec();
            lims[j].1 = upper;
            let kept = inside
                .iter()
                .copied()
                .filter(|&i| column[i] <= upper)
                .collect();
            candidates.push((kept, lims));
            let lower = quantile(&values, alpha);
            let mut lims = limits.to_vec();
            lims[j].0 = lower;
            let kept = inside
                .iter()
                .copied()
                .filter(|&i| column[i] >= lower)
                .collect();
            candidates.push((kept, lims));
        }
        let (obj, (next, lims)) = self.best(inside, candidates)?;
        let n = self.y.len() as f64;
        let (mass_old, mass_new) = (inside.len() as f64 / n, next.len() as f64 / n);
        (mass_new >= self.config.mass_min && mass_new < mass_old && obj > 0.0)
            .then_some((next, lims))
    }

    /// Points of all data inside `limits` on the inputs `dims`.
    fn in_box(&self, limits: &[(f64, f64)], dims: &[usize]) -> Vec<usize> {
        (0..self.y.len())
            .filter(|&i| {
                dims.iter().all(|&j| {
                    let x = self.columns[j][i];
                    limits[j].0 <= x && x <= limits[j].1
                })
            })
            .collect()
    }

    fn paste(&self, inside: &[usize], limits: &[(f64, f64)]) -> Option<Candidate> {
        let alpha = self.config.paste_alpha;
        let dims = self.restricted(limits);
        let mut candidates = Vec::with_capacity(2 * dims.len());
        for &u in &dims {
            let (minimum, maximum) = self.init[u];
            for lower in [true, false] {
                let mut strip = limits.to_vec();
                strip[u] = if lower {
                    (minimum, limits[u].0)
                } else {
                    (limits[u].1, maximum)
                };
                let data: Vec<f64> = self
                    .in_box(&strip, &dims)
                    .iter()
                    .map(|&i| self.columns[u][i])
                    .collect();
                let mut lims = limits.to_vec();
                if lower {
                    lims[u].0 = if data.is_empty() {
                        minimum
                    } else {
                        quantile(&data, 1.0 - alpha)
                    };
                } else {
                    lims[u].1 = if data.is_empty() {
                        maximum
                    } else {
                        quantile(&data, alpha)
                    };
                }
                candidates.push((self.in_box(&lims, &dims), lims));
            }
        }
        let (obj, (next, lims)) = self.best(inside, candidates)?;
        let n = self.y.len() as f64;
        let (mass_old, mass_new) = (inside.len() as f64 / n, next.len() as f64 / n);
        let better = self.mean(&next) > self.mean(inside);
        (mass_new >= self.config.mass_min && mass_new > mass_old && obj > 0.0 && better)
            .then_some((next, lims))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn quantile_is_the_workbench_one() {
        let data = [3.0, 1.0, 2.0, 4.0, 5.0];
        assert_eq!(quantile(&data, 0.05), 1.5);
        assert_eq!(quantile(&data, 0.95), 4.5);
        assert_eq!(quantile(&[1.0, 1.0, 1.0, 2.0], 0.05), 1.5);
    }

    /// Cases of interest where x₀ > 0.7 and x₁ < 0.4: the box restricts those two inputs,
    /// near those limits, and is dense; x₂ (noise) stays free.
    #[test]
    fn finds_a_planted_box() {
        let n = 2000;
        let u = |i: usize, k: u64| {
            let h = (i as u64 + 1)
                .wrapping_mul(0x9E37_79B9_7F4A_7C15)
                .wrapping_add(k * 0xBF58_476D_1CE4_E5B9);
            ((h ^ (h >> 29)).wrapping_mul(0x94D0_49BB_1331_11EB) >> 11) as f64 / (1u64 << 53) as f64
        };
        let columns: Vec<Vec<f64>> = (0..3).map(|k| (0..n).map(|i| u(i, k)).collect()).collect();
        let y: Vec<bool> = (0..n)
            .map(|i| columns[0][i] > 0.7 && columns[1][i] < 0.4)
            .collect();
        let found = prim(&columns, &y, &PrimConfig::default()).unwrap();
        let point = &found.trajectory[found.selected()];
        assert_eq!(point.restricted, [0, 1], "{point:?}");
        assert!(point.density >= 0.8 && point.coverage > 0.7, "{point:?}");
        assert!((point.limits[0].0 - 0.7).abs() < 0.06, "{point:?}");
        assert!((point.limits[1].1 - 0.4).abs() < 0.1, "{point:?}");
        assert_eq!(found.trajectory[0].n, n);
        assert!(found.trajectory.windows(2).all(|w| w[1].mass >= 0.05));
    }
}
