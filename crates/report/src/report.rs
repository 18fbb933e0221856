//! What the report shows and where it is written: [`write_report`] turns a results folder
//! or a comparison folder into `DIR/report.html` and `DIR/plots/<chart>.svg|.png`.

use crate::axis::{LogPolicy, Scale, ValueAxis, choose_scale, format_value};
use crate::draw::{
    self, BLUE_OI, FanChart, FanLayer, FanStyle, GREEN_OI, HistogramChart, SERIES, VERMILLION,
};
use crate::error::ReportError;
use crate::fan::{self, Fan};
use crate::folder::{Comparison, Folder, RunFolder};
use crate::names::{self, Label};
use crate::page::{self, Chart, Section, escape};
use crate::png::{PNG_SCALE, Rasteriser};
use crate::stats::{self, HistogramRequest, SHORTAGE_DEFINITION};
use remsim_io::{SummaryTable, atomic_write};
use std::path::{Path, PathBuf};

/// Choices for a report.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct ReportOptions {
    /// When price axes go logarithmic.
    pub log: LogPolicy,
    /// Skip the PNG copies (the SVGs and the page are still written).
    pub skip_png: bool,
}

/// What [`write_report`] wrote.
#[derive(Debug, Clone, PartialEq)]
pub struct ReportOutput {
    /// The page.
    pub html: PathBuf,
    /// The folder of plot files.
    pub plots: PathBuf,
    /// Chart ids, in page order.
    pub charts: Vec<String>,
    /// Things the report could not show, one sentence each.
    pub notes: Vec<String>,
}

/// The elements whose prices are charted, in page order.
pub const PRICE_ELEMENTS: [&str; 6] = ["nd", "pr", "dy", "tb", "la", "ce"];
const REGIONS: [(&str, &str); 2] = [("cn", "China"), ("row", "rest of world")];
const STAGES: [(&str, &str); 4] = [
    ("mine", "mining"),
    ("separation", "separation"),
    ("magnet", "magnet making"),
    ("deep_processing", "deep processing"),
];
const RECYCLED: [&str; 4] = ["nd", "pr", "dy", "tb"];
/// Metrics compared base against shock beyond prices.
const COMPARED: [&str; 9] = [
    "mine.cn_share",
    "separation.cn_share",
    "magnet.cn_share",
    "recycled_share.nd",
    "recycled_share.dy",
    "ev.ree_free_share",
    "wastewater.cn_t",
    "radioactive_residue.cn_t",
    "radioactive_residue.row_t",
];

/// Outcome columns drawn as histograms (the table lists every numeric column).
pub fn histogram_columns() -> Vec<String> {
    let mut cols = Vec::new();
    for el in ["nd", "pr", "dy", "tb"] {
        for (reg, _) in REGIONS {
            cols.push(format!("peak_price.{el}.{reg}_usd_per_kg"));
        }
    }
    for el in ["nd", "pr", "dy", "tb"] {
        cols.push(format!("shortage_months.{el}"));
    }
    for stage in ["mine", "separation", "magnet"] {
        cols.push(format!("{stage}.cn_share.2035"));
    }
    cols.push("ev.ree_free_share.2035".into());
    for reg in ["cn", "row"] {
        cols.push(format!("profit_cum.{reg}_musd"));
    }
    cols.push("wastewater_cum.cn_t".into());
    cols.push("radioactive_residue_cum.cn_t".into());
    cols.push("radioactive_residue_cum.row_t".into());
    cols
}

const FAN_SIZE: (u32, u32) = (560, 340);
const WIDE_SIZE: (u32, u32) = (1140, 420);
const HIST_SIZE: (u32, u32) = (560, 300);

fn chart_id(name: &str) -> String {
    name.chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() {
                c.to_ascii_lowercase()
            } else {
                '-'
            }
        })
        .collect()
}

fn fan_of(summary: &SummaryTable, metric: &str, factor: f64) -> Fan {
    summary
        .metric(metric)
        .map(|rows| Fan::from_rows(rows, factor))
        .unwrap_or_default()
}

/// The value axis for `fans` (prices may go log under `policy`; shares run 0–100%).
fn axis_for(fans: &[&Fan], label: &Label, policy: LogPolicy) -> Option<ValueAxis> {
    let (lo, hi) = fan::value_range(fans.iter().copied())?;
    if label.unit == "%" && lo >= 0.0 && hi <= 100.0 {
        return Some(ValueAxis {
            scale: Scale::Linear,
            lo: 0.0,
            hi: if hi <= 50.0 {
                ValueAxis::fit(0.0, hi, Scale::Linear).hi
            } else {
                100.0
            },
        });
    }
    let positive_lo = fans
        .iter()
        .filter_map(|f| f.positive_min())
        .reduce(f64::min)
        .unwrap_or(lo);
    let scale = if label.is_price && lo > 0.0 {
        choose_scale(positive_lo, hi, policy)
    } else {
        Scale::Linear
    };
    Some(ValueAxis::fit(lo, hi, scale))
}

fn note(label: &Label, axis: &ValueAxis, extra: &str) -> String {
    let mut n = label.unit.clone();
    if label.unit == "USD/kg" {
        n.push_str(" oxide");
    }
    if axis.scale == Scale::Log {
        n.push_str(" · log scale (values span more than 20×)");
    }
    if !extra.is_empty() {
        n.push_str(" · ");
        n.push_str(extra);
    }
    n
}

struct Drawer {
    charts: Vec<String>,
}

impl Drawer {
    fn fan(
        &mut self,
        id: &str,
        spec: &FanChart,
        caption: String,
        wide: bool,
    ) -> Result<Chart, ReportError> {
        let svg = draw::fan_chart(spec).map_err(|message| ReportError::Draw {
            chart: id.to_string(),
            message,
        })?;
        self.charts.push(id.to_string());
        Ok(Chart {
            id: id.to_string(),
            svg,
            caption,
            wide,
        })
    }
}

/// A single-fan chart of `metric`, or `None` when the metric is absent.
fn single_fan(
    d: &mut Drawer,
    summary: &SummaryTable,
    metric: &str,
    policy: LogPolicy,
    trials: u64,
) -> Result<Option<Chart>, ReportError> {
    let label = names::metric(metric);
    let f = fan_of(summary, metric, label.factor);
    let Some(axis) = axis_for(&[&f], &label, policy) else {
        return Ok(None);
    };
    let Some(x) = f.x_range() else {
        return Ok(None);
    };
    let spec = FanChart {
        title: label.title.clone(),
        note: note(&label, &axis, ""),
        layers: vec![FanLayer {
            name: label.title.clone(),
            fan: f,
            color: BLUE_OI,
            style: FanStyle::Full,
        }],
        axis,
        x,
        zero_line: false,
        legend: draw::fan_legend(BLUE_OI),
        size: FAN_SIZE,
    };
    let caption = format!(
        "{}, month by month: median and the bands holding the middle 50% and 90% of {trials} trials.",
        label.title
    );
    d.fan(&chart_id(metric), &spec, caption, false).map(Some)
}

/// A chart of several metrics, each a median with its 50% band.
fn band_chart(
    d: &mut Drawer,
    summary: &SummaryTable,
    id: &str,
    title: &str,
    series: &[(String, String)],
    trials: u64,
) -> Result<Option<Chart>, ReportError> {
    let mut layers = Vec::new();
    let mut label = None;
    for (i, (metric, name)) in series.iter().enumerate() {
        let l = names::metric(metric);
        let f = fan_of(summary, metric, l.factor);
        if f.is_empty() {
            continue;
        }
        layers.push(FanLayer {
            name: name.clone(),
            fan: f,
            color: SERIES[i % SERIES.len()],
            style: FanStyle::Band50,
        });
        label = Some(l);
    }
    let Some(label) = label else { return Ok(None) };
    let fans: Vec<&Fan> = layers.iter().map(|l| &l.fan).collect();
    let (Some(axis), Some(x)) = (
        axis_for(&fans, &label, LogPolicy::Never),
        fan::x_range(fans.iter().copied()),
    ) else {
        return Ok(None);
    };
    let legend = draw::band50_legend(
        &layers
            .iter()
            .map(|l| (l.name.clone(), l.color))
            .collect::<Vec<_>>(),
    );
    let spec = FanChart {
        title: title.to_string(),
        note: note(&label, &axis, ""),
        layers,
        axis,
        x,
        zero_line: false,
        legend,
        size: FAN_SIZE,
    };
    let caption = format!("{title}: median and middle 50% of {trials} trials, month by month.");
    d.fan(id, &spec, caption, false).map(Some)
}

/// The run-identity table.
fn identity(run: &RunFolder) -> String {
    let m = &run.manifest;
    let mut rows = vec![
        ("Scenario", escape(&m.scenario)),
        ("Seed", m.seed.to_string()),
        ("Trials", m.trials.to_string()),
        (
            "Horizon",
            format!("{} to {}", escape(&m.start), escape(&m.end)),
        ),
        ("remsim version", escape(&m.remsim_version)),
        (
            "Config hash",
            format!("<code>{}</code>", escape(&m.config_hash)),
        ),
        (
            "Folder",
            format!("<code>{}</code>", escape(&run.dir.display().to_string())),
        ),
    ];
    if m.shard.count > 1 {
        rows.push((
            "Shard",
            format!(
                "{} of {} (trials {}..{})",
                m.shard.index, m.shard.count, m.shard.first_trial, m.shard.end_trial
            ),
        ));
    }
    if let Some(t) = &run.timing {
        rows.push((
            "Run time",
            format!(
                "{:.1} s, {:.1} trials/s on {} threads",
                t.wall_s, t.trials_per_s, t.threads
            ),
        ));
    }
    let mut html = String::from("<table class=\"identity\">\n");
    for (k, v) in rows {
        html.push_str(&format!("<tr><th>{k}</th><td>{v}</td></tr>\n"));
    }
    html.push_str("</table>\n");
    html
}

fn trials_in(run: &RunFolder) -> u64 {
    run.manifest.shard.end_trial - run.manifest.shard.first_trial
}

const FAN_HOW_TO: &str = "<p>Each fan chart shows one quantity month by month across all trials: the \
line is the median, the dark band holds the middle 50% of trials (p25–p75) and the light band 90% \
(p05–p95). Quantiles are taken month by month, so a band is not one trial's path. Prices are oxide \
prices in USD/kg; China and the rest of the world share one scale per element; an axis is \
logarithmic where the values shown span more than 20× (it says so above the chart).</p>";

/// Prices: two fans per element, on a shared axis.
fn price_section(
    d: &mut Drawer,
    run: &RunFolder,
    policy: LogPolicy,
) -> Result<Section, ReportError> {
    let trials = trials_in(run);
    let mut charts = Vec::new();
    for el in PRICE_ELEMENTS {
        let metrics: Vec<String> = REGIONS
            .iter()
            .map(|(r, _)| format!("price.{el}.{r}"))
            .collect();
        let fans: Vec<Fan> = metrics
            .iter()
            .map(|m| fan_of(&run.summary, m, 1.0))
            .collect();
        let label = names::metric(&metrics[0]);
        let Some(axis) = axis_for(&fans.iter().collect::<Vec<_>>(), &label, policy) else {
            continue;
        };
        for ((metric, f), (_, region)) in metrics.iter().zip(fans).zip(REGIONS) {
            let Some(x) = f.x_range() else { continue };
            let label = names::metric(metric);
            let spec = FanChart {
                title: label.title.clone(),
                note: note(&label, &axis, ""),
                layers: vec![FanLayer {
                    name: region.to_string(),
                    fan: f,
                    color: BLUE_OI,
                    style: FanStyle::Full,
                }],
                axis,
                x,
                zero_line: false,
                legend: draw::fan_legend(BLUE_OI),
                size: FAN_SIZE,
            };
            let caption = format!(
                "{}: median, 50% and 90% bands of {trials} trials, month by month; same scale as the other region.",
                label.title
            );
            charts.push(d.fan(&chart_id(metric), &spec, caption, false)?);
        }
    }
    Ok(Section {
        id: "prices".into(),
        title: "Oxide prices".into(),
        intro: FAN_HOW_TO.into(),
        charts,
        outro: String::new(),
    })
}

fn shares_section(d: &mut Drawer, run: &RunFolder) -> Result<Section, ReportError> {
    let trials = trials_in(run);
    let series: Vec<(String, String)> = STAGES
        .iter()
        .map(|(s, name)| (format!("{s}.cn_share"), name.to_string()))
        .collect();
    let mut charts = Vec::new();
    charts.extend(band_chart(
        d,
        &run.summary,
        "china-share-by-stage",
        "China's share by stage",
        &series,
        trials,
    )?);
    charts.extend(single_fan(
        d,
        &run.summary,
        "row_supply_share",
        LogPolicy::Never,
        trials,
    )?);
    Ok(Section {
        id: "shares".into(),
        title: "China's share by stage".into(),
        intro: "<p>China's share of world mining, separation and magnet output, and the share of \
                its separated output that its own deep processing uses; beside it, ex-China mine \
                output over world demand.</p>"
            .into(),
        charts,
        outro: String::new(),
    })
}

fn heatmap_chart(
    d: &mut Drawer,
    run: &RunFolder,
    id: &str,
    title: &str,
    notes: &mut Vec<String>,
) -> Result<Option<Chart>, ReportError> {
    let Some(signs) = run.sign_counts()? else {
        notes.push(format!(
            "{}: no aggregates.bin, so shortage probabilities are not shown",
            run.dir.display()
        ));
        return Ok(None);
    };
    let Some(grid) = stats::shortage_grid(&signs) else {
        return Ok(None);
    };
    let height = (100 + 22 * grid.elements.len() as u32).max(260);
    let spec = draw::Heatmap {
        title: title.to_string(),
        note: "share of trials in shortage in a month, averaged over the year's months; cells in %"
            .into(),
        rows: grid.elements.clone(),
        years: grid.years.clone(),
        values: grid.probability.clone(),
        size: (WIDE_SIZE.0, height),
    };
    let svg = draw::heatmap(&spec).map_err(|message| ReportError::Draw {
        chart: id.to_string(),
        message,
    })?;
    d.charts.push(id.to_string());
    Ok(Some(Chart {
        id: id.to_string(),
        svg,
        caption: format!("{title}. {SHORTAGE_DEFINITION}"),
        wide: true,
    }))
}

/// The per-element "any shortage over the horizon" table, from `shortage_months.<el>`.
fn any_shortage_table(hists: &[stats::Histogram]) -> String {
    let rows: Vec<&stats::Histogram> = hists
        .iter()
        .filter(|h| h.column.starts_with("shortage_months."))
        .collect();
    if rows.is_empty() {
        return String::new();
    }
    let mut html = String::from(
        "<p>Over the whole horizon, per element: the share of trials with at least one month of \
         shortage, and the months in shortage (median and 90% interval), from \
         <code>trials.csv</code>.</p>\n<table class=\"grid\"><tr><th>element</th>\
         <th class=\"num\">trials with any shortage</th><th class=\"num\">months in shortage, \
         median</th><th class=\"num\">5%</th><th class=\"num\">95%</th></tr>\n",
    );
    for h in rows {
        let el = h.column.trim_start_matches("shortage_months.");
        let symbol = remsim_core::Element::parse(el)
            .map(|e| e.symbol().to_string())
            .unwrap_or_else(|_| el.to_string());
        let (p05, p95) = h.p05_p95.unwrap_or((f64::NAN, f64::NAN));
        html.push_str(&format!(
            "<tr><td>{}</td><td class=\"num\">{:.1}%</td><td class=\"num\">{}</td><td class=\"num\">{}</td><td class=\"num\">{}</td></tr>\n",
            escape(&symbol),
            if h.n > 0 { 100.0 * h.positive as f64 / h.n as f64 } else { f64::NAN },
            format_value(h.median.unwrap_or(f64::NAN)),
            format_value(p05),
            format_value(p95),
        ));
    }
    html.push_str("</table>\n");
    html
}

/// Every numeric outcome column, with its median and 90% interval.
fn outcome_table(hists: &[stats::Histogram]) -> String {
    let mut html = String::from(
        "<table class=\"grid\"><tr><th>outcome (column of trials.csv)</th><th>unit</th>\
         <th class=\"num\">median</th><th class=\"num\">5%</th><th class=\"num\">95%</th>\
         <th class=\"num\">trials</th></tr>\n",
    );
    for h in hists {
        let label = names::outcome(&h.column);
        let (p05, p95) = h.p05_p95.unwrap_or((f64::NAN, f64::NAN));
        html.push_str(&format!(
            "<tr><td>{} <code>{}</code></td><td>{}</td><td class=\"num\">{}</td><td class=\"num\">{}</td><td class=\"num\">{}</td><td class=\"num\">{}</td></tr>\n",
            escape(&label.title),
            escape(&h.column),
            escape(&label.unit),
            format_value(h.median.unwrap_or(f64::NAN)),
            format_value(p05),
            format_value(p95),
            h.n,
        ));
    }
    html.push_str("</table>\n");
    html
}

/// Histograms of every numeric column of a trials file (for the table), in file order.
fn all_histograms(
    path: &Path,
    policy: LogPolicy,
    delta: bool,
) -> Result<Vec<stats::Histogram>, ReportError> {
    let reader = remsim_io::TrialColumns::open(path, &[])?;
    let columns: Vec<String> = reader
        .header()
        .iter()
        .filter(|c| *c != "trial" && *c != "seed" && !c.starts_with("peak_month."))
        .cloned()
        .collect();
    drop(reader);
    let labels: Vec<Label> = columns.iter().map(|c| names::outcome(c)).collect();
    let requests: Vec<HistogramRequest<'_>> = columns
        .iter()
        .zip(&labels)
        .map(|(c, l)| HistogramRequest {
            column: c,
            factor: l.factor,
            allow_log: l.is_price && !delta,
        })
        .collect();
    stats::histograms(path, &requests, policy)
}

fn histogram_charts(
    d: &mut Drawer,
    hists: &[stats::Histogram],
    prefix: &str,
    delta: bool,
) -> Result<Vec<Chart>, ReportError> {
    let mut charts = Vec::new();
    for column in histogram_columns() {
        let Some(h) = hists.iter().find(|h| h.column == column) else {
            continue;
        };
        let label = names::outcome(&column);
        let id = format!("{prefix}{}", chart_id(&column));
        let title = if delta {
            format!("Δ {} (shock − base)", label.title)
        } else {
            label.title.clone()
        };
        let mut note = label.unit.clone();
        if h.axis.scale == Scale::Log {
            note.push_str(" · log scale, bins equal in ratio");
        }
        if h.missing > 0 {
            note.push_str(&format!(" · {} trials without a value", h.missing));
        }
        let spec = HistogramChart {
            title: title.clone(),
            note,
            bars: h.bars.clone(),
            axis: h.axis,
            median: h.median,
            median_suffix: if label.unit == "%" {
                "%".into()
            } else {
                String::new()
            },
            color: if delta { GREEN_OI } else { BLUE_OI },
            zero_line: delta,
            size: HIST_SIZE,
        };
        let svg = draw::histogram(&spec).map_err(|message| ReportError::Draw {
            chart: id.clone(),
            message,
        })?;
        d.charts.push(id.clone());
        charts.push(Chart {
            id,
            svg,
            caption: format!("{title}: one value per trial, {} trials.", h.n),
            wide: false,
        });
    }
    Ok(charts)
}

fn run_sections(
    run: &RunFolder,
    options: ReportOptions,
    notes: &mut Vec<String>,
    d: &mut Drawer,
) -> Result<Vec<Section>, ReportError> {
    let trials = trials_in(run);
    let mut sections = vec![price_section(d, run, options.log)?, shares_section(d, run)?];

    let hists = match run.trials_path() {
        Some(path) => all_histograms(&path, options.log, false)?,
        None => {
            notes.push(format!(
                "{}: no trials.csv, so per-trial outcomes are not shown",
                run.dir.display()
            ));
            Vec::new()
        }
    };

    let mut shortage = Section {
        id: "shortages".into(),
        title: "Shortage probability".into(),
        intro: format!("<p>{}</p>", escape(SHORTAGE_DEFINITION)),
        ..Section::default()
    };
    shortage.charts.extend(heatmap_chart(
        d,
        run,
        "shortage-probability",
        "Probability of a shortage, by element and year",
        notes,
    )?);
    shortage.outro = any_shortage_table(&hists);
    sections.push(shortage);

    let mut recycling = Section {
        id: "recycling".into(),
        title: "Recycling and substitution".into(),
        intro: "<p>Recycled oxide as a share of each magnet element's supply, and the share of \
                new electric vehicles with rare-earth-free motors.</p>"
            .into(),
        ..Section::default()
    };
    let series: Vec<(String, String)> = RECYCLED
        .iter()
        .map(|el| {
            let symbol = remsim_core::Element::parse(el)
                .map(|e| e.symbol().to_string())
                .unwrap_or_else(|_| el.to_string());
            (format!("recycled_share.{el}"), symbol)
        })
        .collect();
    recycling.charts.extend(band_chart(
        d,
        &run.summary,
        "recycled-share",
        "Recycled share of supply",
        &series,
        trials,
    )?);
    recycling.charts.extend(single_fan(
        d,
        &run.summary,
        "ev.ree_free_share",
        LogPolicy::Never,
        trials,
    )?);
    sections.push(recycling);

    let mut env = Section {
        id: "environment".into(),
        title: "Wastewater and radioactive residue".into(),
        intro: "<p>Ammonia-nitrogen wastewater of ion-clay leaching in China, and thorium-bearing \
                residue of cracking hard-rock concentrate, per month.</p>"
            .into(),
        ..Section::default()
    };
    for metric in [
        "wastewater.cn_t",
        "radioactive_residue.cn_t",
        "radioactive_residue.row_t",
    ] {
        env.charts.extend(single_fan(
            d,
            &run.summary,
            metric,
            LogPolicy::Never,
            trials,
        )?);
    }
    sections.push(env);

    if !hists.is_empty() {
        let charts = histogram_charts(d, &hists, "hist-", false)?;
        sections.push(Section {
            id: "outcomes".into(),
            title: "Per-trial outcomes".into(),
            intro: "<p>Histograms of one number per trial from <code>trials.csv</code>: peaks, \
                    months in shortage, shares in 2035, cumulative profits and wastes. The line \
                    marks the median. The table below lists every outcome column.</p>"
                .into(),
            charts,
            outro: outcome_table(&hists),
        });
    }
    Ok(sections)
}

/// "base: baseline", or just "base" when the side has no name of its own.
fn side_label(side: &str, name: &str) -> String {
    if side == name {
        side.to_string()
    } else {
        format!("{side}: {name}")
    }
}

/// An overlay of base and shock for `metric`, and the paired-difference fan.
fn compare_metric(
    d: &mut Drawer,
    cmp: &Comparison,
    metric: &str,
    policy: LogPolicy,
    base_name: &str,
    shock_name: &str,
) -> Result<Vec<Chart>, ReportError> {
    let mut charts = Vec::new();
    let label = names::metric(metric);
    let base = fan_of(&cmp.base.summary, metric, label.factor);
    let shock = fan_of(&cmp.shock.summary, metric, label.factor);
    let trials = trials_in(&cmp.base);
    if let (Some(axis), Some(x)) = (
        axis_for(&[&base, &shock], &label, policy),
        fan::x_range([&base, &shock]),
    ) {
        let legend = draw::overlay_legend(&[
            (side_label("base", base_name), BLUE_OI),
            (side_label("shock", shock_name), VERMILLION),
        ]);
        let spec = FanChart {
            title: label.title.clone(),
            note: note(&label, &axis, "base and shock"),
            layers: vec![
                FanLayer {
                    name: base_name.into(),
                    fan: base,
                    color: BLUE_OI,
                    style: FanStyle::Overlay,
                },
                FanLayer {
                    name: shock_name.into(),
                    fan: shock,
                    color: VERMILLION,
                    style: FanStyle::Overlay,
                },
            ],
            axis,
            x,
            zero_line: false,
            legend,
            size: FAN_SIZE,
        };
        let caption = format!(
            "{}: base and shock overlaid, {trials} trials each (median, 50% band shaded, 5% and 95% as thin lines).",
            label.title
        );
        charts.push(d.fan(&format!("cmp-{}", chart_id(metric)), &spec, caption, false)?);
    }
    if let Some(diff) = &cmp.diff {
        let f = fan_of(diff, metric, label.factor);
        if let (Some((lo, hi)), Some(x)) = (f.value_range(), f.x_range()) {
            let mut axis = ValueAxis::fit(lo.min(0.0), hi.max(0.0), Scale::Linear);
            // Zero inside the plot, never on its edge: the zero line must be seen.
            let pad = (axis.hi - axis.lo) * 0.05;
            if axis.hi <= 0.0 {
                axis.hi = pad;
            }
            if axis.lo >= 0.0 {
                axis.lo = -pad;
            }
            let spec = FanChart {
                title: format!("Δ {} (shock − base)", label.title),
                note: note(&label, &axis, "paired difference, trial by trial"),
                layers: vec![FanLayer {
                    name: "shock − base".into(),
                    fan: f,
                    color: GREEN_OI,
                    style: FanStyle::Full,
                }],
                axis,
                x,
                zero_line: true,
                legend: draw::fan_legend(GREEN_OI),
                size: FAN_SIZE,
            };
            let caption = format!(
                "Paired difference shock − base of {}: trial i of both scenarios shares its random draws, so the fan shows the shock's effect, not Monte Carlo noise.",
                label.title
            );
            charts.push(d.fan(&format!("diff-{}", chart_id(metric)), &spec, caption, false)?);
        }
    }
    Ok(charts)
}

/// "shock against base" in words, naming the scenarios.
pub(crate) fn comparison_title(cmp: &Comparison) -> String {
    let (b, s) = comparison_names(cmp);
    if b == "base" && s == "shock" {
        format!(
            "shock against base (both named {})",
            cmp.base.manifest.scenario
        )
    } else {
        format!("{s} against {b}")
    }
}

/// Names for the two sides of a comparison: the scenario names, or "base" and "shock" when
/// both carry the same name (a shock file that `extends` the baseline without renaming it).
pub(crate) fn comparison_names(cmp: &Comparison) -> (String, String) {
    let (b, s) = (&cmp.base.manifest.scenario, &cmp.shock.manifest.scenario);
    if b == s {
        ("base".into(), "shock".into())
    } else {
        (b.clone(), s.clone())
    }
}

fn comparison_sections(
    cmp: &Comparison,
    options: ReportOptions,
    notes: &mut Vec<String>,
    d: &mut Drawer,
) -> Result<Vec<Section>, ReportError> {
    let (base_name, shock_name) = comparison_names(cmp);
    if cmp.diff.is_none() {
        notes.push(format!(
            "{}: no diff_summary.csv, so paired-difference fans are not shown",
            cmp.dir.display()
        ));
    }
    let intro = format!(
        "{FAN_HOW_TO}<p>Here base (<strong>{}</strong>, blue) and shock (<strong>{}</strong>, \
         vermillion) are overlaid; under each pair, the green fan is the paired difference \
         shock − base computed trial by trial (<code>diff_summary.csv</code>).</p>",
        escape(&base_name),
        escape(&shock_name)
    );
    let mut prices = Section {
        id: "prices".into(),
        title: "Oxide prices: base against shock".into(),
        intro,
        ..Section::default()
    };
    for el in PRICE_ELEMENTS {
        let mut overlays = Vec::new();
        let mut diffs = Vec::new();
        for (reg, _) in REGIONS {
            let mut charts = compare_metric(
                d,
                cmp,
                &format!("price.{el}.{reg}"),
                options.log,
                &base_name,
                &shock_name,
            )?;
            if charts.len() == 2 {
                diffs.push(charts.remove(1));
            }
            overlays.extend(charts);
        }
        prices.charts.extend(overlays);
        prices.charts.extend(diffs);
    }
    let mut others = Section {
        id: "other-metrics".into(),
        title: "Shares, recycling, substitution and environment: base against shock".into(),
        ..Section::default()
    };
    for metric in COMPARED {
        others.charts.extend(compare_metric(
            d,
            cmp,
            metric,
            LogPolicy::Never,
            &base_name,
            &shock_name,
        )?);
    }
    let mut shortage = Section {
        id: "shortages".into(),
        title: "Shortage probability".into(),
        intro: format!("<p>{}</p>", escape(SHORTAGE_DEFINITION)),
        ..Section::default()
    };
    shortage.charts.extend(heatmap_chart(
        d,
        &cmp.base,
        "shortage-probability-base",
        &format!("Probability of a shortage — base ({base_name})"),
        notes,
    )?);
    shortage.charts.extend(heatmap_chart(
        d,
        &cmp.shock,
        "shortage-probability-shock",
        &format!("Probability of a shortage — shock ({shock_name})"),
        notes,
    )?);
    let mut sections = vec![prices, others, shortage];
    match cmp.diff_trials_path() {
        Some(path) => {
            let hists = all_histograms(&path, LogPolicy::Never, true)?;
            let charts = histogram_charts(d, &hists, "diff-hist-", true)?;
            if charts.is_empty() {
                notes.push(format!(
                    "{}: none of the usual outcome columns, so no histograms of paired differences",
                    path.display()
                ));
            }
            sections.push(Section {
                id: "outcomes".into(),
                title: "Per-trial paired differences".into(),
                intro:
                    "<p>Histograms of shock − base per trial from <code>diff_trials.csv</code>; \
                        the black line is the median difference, the grey line zero.</p>"
                        .into(),
                charts,
                outro: outcome_table(&hists),
            });
        }
        None => notes.push(format!(
            "{}: no diff_trials.csv, so per-trial paired differences are not shown",
            cmp.dir.display()
        )),
    }
    Ok(sections)
}

/// Writes `DIR/report.html` and `DIR/plots/` for a results or comparison folder.
pub fn write_report(dir: &Path, options: ReportOptions) -> Result<ReportOutput, ReportError> {
    let folder = Folder::open(dir)?;
    let mut notes = Vec::new();
    let mut d = Drawer { charts: Vec::new() };
    let version = env!("CARGO_PKG_VERSION");
    let (title, lead, identity_html, sections, config) = match &folder {
        Folder::Run(run) => {
            let sections = run_sections(run, options, &mut notes, &mut d)?;
            (
                format!("remsim report — {}", run.manifest.scenario),
                format!(
                    "Monte Carlo results of {} trials, seed {}. Written by remsim {version}.",
                    trials_in(run),
                    run.manifest.seed
                ),
                identity(run),
                sections,
                run.manifest.resolved_config.clone(),
            )
        }
        Folder::Comparison(cmp) => {
            let sections = comparison_sections(cmp, options, &mut notes, &mut d)?;
            let identity_html = format!(
                "<h3>Base</h3>\n{}<h3>Shock</h3>\n{}",
                identity(&cmp.base),
                identity(&cmp.shock)
            );
            let config = format!(
                "# ---- base: {} ----\n{}\n# ---- shock: {} ----\n{}",
                cmp.base.manifest.scenario,
                cmp.base.manifest.resolved_config,
                cmp.shock.manifest.scenario,
                cmp.shock.manifest.resolved_config
            );
            (
                format!("remsim comparison — {}", comparison_title(cmp)),
                format!(
                    "Paired comparison with common random numbers, {} trials, seed {}. Written by remsim {version}.",
                    trials_in(&cmp.base),
                    cmp.base.manifest.seed
                ),
                identity_html,
                sections,
                config,
            )
        }
    };
    let mut lead = escape(&lead);
    for n in &notes {
        lead.push_str(&format!("</p>\n<p class=\"note\">{}", escape(n)));
    }
    let html = page::page(&title, &lead, &identity_html, &sections, &config);

    let plots = folder.dir().join("plots");
    std::fs::create_dir_all(&plots).map_err(|source| ReportError::Write {
        path: plots.clone(),
        source,
    })?;
    let raster = (!options.skip_png).then(Rasteriser::new);
    for chart in sections.iter().flat_map(|s| &s.charts) {
        let svg_path = plots.join(format!("{}.svg", chart.id));
        atomic_write(&svg_path, chart.svg.as_bytes())?;
        if let Some(r) = &raster {
            let png = r
                .png(&chart.svg, PNG_SCALE)
                .map_err(|message| ReportError::Draw {
                    chart: chart.id.clone(),
                    message: format!("PNG: {message}"),
                })?;
            atomic_write(&plots.join(format!("{}.png", chart.id)), &png)?;
        }
    }
    let html_path = folder.dir().join("report.html");
    atomic_write(&html_path, html.as_bytes())?;
    Ok(ReportOutput {
        html: html_path,
        plots,
        charts: d.charts,
        notes,
    })
}
