//! The report of a sweep folder (`remsim sweep`): `sweep.csv` holds one row per point —
//! the swept parameters' values (the levers) and each outcome's p05 / p50 / p95 over the
//! point's trials. Each outcome is drawn against each lever: the median as a line and the
//! 90% band (p05–p95), with the fan chart of [`crate::draw`] on a value x axis.

use crate::axis::LogPolicy;
use crate::charts::{Drawer, axis_for, chart_id, fan_chart, note};
use crate::draw::{self, BLUE_OI, FanLayer, FanStyle, LegendEntry, SERIES};
use crate::error::ReportError;
use crate::fan::{self, Fan, FanPoint};
use crate::names;
use crate::page::{self, Chart, Section, escape};
use crate::report::{ReportOptions, ReportOutput, write_files};
use std::collections::BTreeMap;
use std::path::Path;

/// The table a sweep folder holds.
pub(crate) const SWEEP_TABLE: &str = "sweep.csv";
/// More groups than this on one chart are not told apart: the points are drawn as one.
const MAX_GROUPS: usize = 6;

/// Whether `dir` is a sweep folder: it has `sweep.csv` and is not itself a results folder.
pub(crate) fn is_sweep(dir: &Path) -> bool {
    dir.join(SWEEP_TABLE).exists() && !dir.join(crate::folder::MANIFEST).exists()
}

/// `sweep.csv`, read.
struct SweepTable {
    /// Swept parameters (dotted config paths), in column order.
    levers: Vec<String>,
    /// Outcomes tabulated, in column order.
    outcomes: Vec<String>,
    /// Per point: lever values, then per outcome `[p05, p50, p95]`.
    points: Vec<(Vec<f64>, Vec<[f64; 3]>)>,
}

fn bad(path: &Path, what: &str) -> ReportError {
    ReportError::Mismatch(format!("{}: {what}", path.display()))
}

/// Reads `sweep.csv` (written by `remsim sweep`: plain comma-separated numbers, no quoting).
fn read_table(path: &Path) -> Result<SweepTable, ReportError> {
    let text = std::fs::read_to_string(path).map_err(|e| bad(path, &e.to_string()))?;
    let mut lines = text.lines().filter(|l| !l.trim().is_empty());
    let header: Vec<&str> = lines.next().unwrap_or_default().split(',').collect();
    if header.first() != Some(&"point") {
        return Err(bad(path, "expected a header starting with `point`"));
    }
    let first_outcome = header
        .iter()
        .position(|h| h.ends_with(".p05"))
        .unwrap_or(header.len());
    let levers: Vec<String> = header[1..first_outcome]
        .iter()
        .map(|s| s.to_string())
        .collect();
    let outcomes: Vec<String> = header[first_outcome..]
        .chunks(3)
        .filter_map(|c| c[0].strip_suffix(".p05").map(str::to_string))
        .collect();
    if header.len() != 1 + levers.len() + 3 * outcomes.len() {
        return Err(bad(
            path,
            "expected columns point, levers, then p05,p50,p95 per outcome",
        ));
    }
    let mut points = Vec::new();
    for (i, line) in lines.enumerate() {
        let cells: Vec<f64> = line
            .split(',')
            .map(|c| c.trim().parse::<f64>().unwrap_or(f64::NAN))
            .collect();
        if cells.len() != header.len() {
            return Err(bad(path, &format!("row {}: {} cells", i + 1, cells.len())));
        }
        let values = cells[1..first_outcome].to_vec();
        let qs = cells[first_outcome..]
            .chunks(3)
            .map(|c| [c[0], c[1], c[2]])
            .collect();
        points.push((values, qs));
    }
    Ok(SweepTable {
        levers,
        outcomes,
        points,
    })
}

/// The fan of outcome `o` against lever `l` over `rows` (point indices), in display units.
fn lever_fan(t: &SweepTable, rows: &[usize], l: usize, o: usize, factor: f64) -> Fan {
    let mut points: Vec<FanPoint> = rows
        .iter()
        .filter_map(|&r| {
            let (values, qs) = &t.points[r];
            let mut q = qs[o].map(|v| v * factor);
            if !values[l].is_finite() || q.iter().any(|v| !v.is_finite()) {
                return None;
            }
            q.sort_by(f64::total_cmp);
            // No p25/p75 in sweep.csv: the 50% band collapses onto the median.
            Some(FanPoint {
                x: values[l],
                p05: q[0],
                p25: q[1],
                p50: q[1],
                p75: q[1],
                p95: q[2],
            })
        })
        .collect();
    points.sort_by(|a, b| a.x.total_cmp(&b.x));
    Fan { points }
}

/// Points grouped by the values of the levers other than `l` (one group when there are
/// none, or when the groups would be too many or too thin to draw as lines).
fn groups(t: &SweepTable, l: usize) -> (Vec<(String, Vec<usize>)>, bool) {
    let mut by: BTreeMap<String, Vec<usize>> = BTreeMap::new();
    for (r, (values, _)) in t.points.iter().enumerate() {
        let key: Vec<String> = t
            .levers
            .iter()
            .zip(values)
            .enumerate()
            .filter(|(i, _)| *i != l)
            .map(|(_, (name, v))| format!("{name} = {}", crate::axis::format_tick(*v)))
            .collect();
        by.entry(key.join(", ")).or_default().push(r);
    }
    if by.len() > 1 && by.len() <= MAX_GROUPS && by.values().all(|g| g.len() >= 2) {
        return (by.into_iter().collect(), true);
    }
    let mixed = by.len() > 1;
    (vec![(String::new(), (0..t.points.len()).collect())], !mixed)
}

/// The chart of outcome `o` against lever `l`.
fn outcome_chart(
    d: &mut Drawer,
    t: &SweepTable,
    o: usize,
    l: usize,
    policy: LogPolicy,
) -> Result<Option<Chart>, ReportError> {
    let (outcome, lever) = (&t.outcomes[o], &t.levers[l]);
    let label = names::outcome(outcome);
    let (groups, separate) = groups(t, l);
    let several = groups.len() > 1;
    let layers: Vec<FanLayer> = groups
        .iter()
        .enumerate()
        .map(|(i, (name, rows))| FanLayer {
            name: name.clone(),
            fan: lever_fan(t, rows, l, o, label.factor),
            color: if several {
                SERIES[i % SERIES.len()]
            } else {
                BLUE_OI
            },
            style: if several {
                FanStyle::Overlay
            } else {
                FanStyle::Full
            },
        })
        .filter(|layer| !layer.fan.is_empty())
        .collect();
    let fans: Vec<&Fan> = layers.iter().map(|l| &l.fan).collect();
    let (Some(axis), Some(x)) = (
        axis_for(&fans, &label, policy),
        fan::x_range(fans.iter().copied()),
    ) else {
        return Ok(None);
    };
    let mut legend: Vec<LegendEntry> = layers
        .iter()
        .filter(|l| several && !l.name.is_empty())
        .map(|l| LegendEntry::Line(l.color, 2.0, l.name.clone()))
        .collect();
    if several {
        legend.push(LegendEntry::Line(
            plotters::style::RGBColor(0x22, 0x22, 0x22),
            1.0,
            "thin lines: 90% of trials".into(),
        ));
    } else {
        legend = draw::fan_legend(BLUE_OI);
        legend.remove(1);
    }
    // The full lever path is on the x axis note; the title takes its last part so it fits.
    let title = format!(
        "{} against {}",
        label.title,
        lever.rsplit('.').next().unwrap_or(lever)
    );
    let subtitle = note(&label, &axis, &format!("x: {lever}"))
        .trim_start_matches(" · ")
        .to_string();
    let spec = fan_chart(title, subtitle, layers, axis, x, legend);
    let id = chart_id(&format!("sweep-{outcome}-vs-{lever}"));
    let svg = draw::lever_chart(&spec).map_err(|message| ReportError::Draw {
        chart: id.clone(),
        message,
    })?;
    d.charts.push(id.clone());
    let mut caption = format!(
        "{} at each point of the sweep against {lever}: median over the point's trials, \
         and the band holding 90% of them (p05–p95).",
        label.title
    );
    if !separate {
        caption.push_str(
            " The other levers change between points too, so the line mixes their effects.",
        );
    } else if several {
        caption.push_str(" One line per value of the other levers.");
    }
    Ok(Some(Chart {
        id,
        svg,
        caption,
        wide: false,
    }))
}

/// Writes `DIR/report.html` and `DIR/plots/` for a sweep folder.
pub(crate) fn write_sweep_report(
    dir: &Path,
    options: ReportOptions,
) -> Result<ReportOutput, ReportError> {
    let t = read_table(&dir.join(SWEEP_TABLE))?;
    let mut d = Drawer::default();
    let mut sections = Vec::new();
    for o in 0..t.outcomes.len() {
        let mut charts = Vec::new();
        for l in 0..t.levers.len() {
            charts.extend(outcome_chart(&mut d, &t, o, l, options.log)?);
        }
        sections.push(Section {
            id: chart_id(&format!("sweep-{}", t.outcomes[o])),
            title: names::outcome(&t.outcomes[o]).title,
            intro: format!("<p><code>{}</code></p>\n", escape(&t.outcomes[o])),
            charts,
            ..Section::default()
        });
    }
    if d.charts.is_empty() {
        d.notes
            .push("no outcome in sweep.csv has finite values to draw".into());
    }
    let lead = format!(
        "Sweep of {} point(s) over {}: each headline outcome against each lever. Every \
         point's results folder is under point-NNN/results. Written by remsim {}.",
        t.points.len(),
        t.levers.join(", "),
        env!("CARGO_PKG_VERSION")
    );
    let table = std::fs::read_to_string(dir.join(SWEEP_TABLE)).unwrap_or_default();
    let html = page::page("remsim sweep report", &escape(&lead), "", &sections, &table);
    let (html, plots) = write_files(dir, &sections, &html, options)?;
    Ok(ReportOutput {
        html,
        plots,
        charts: d.charts,
        notes: d.notes,
    })
}
