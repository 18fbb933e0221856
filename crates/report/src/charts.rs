//! The charts of a report, drawn once as SVG: fans of one metric or of a band of metrics,
//! the shortage heat map, histograms of per-trial outcomes, and the tables under them.

use crate::axis::{LogPolicy, Scale, ValueAxis, choose_scale, format_value};
use crate::draw::{
    self, BLUE_OI, FanChart, FanLayer, FanStyle, GREEN_OI, HistogramChart, LegendEntry, SERIES,
};
use crate::error::ReportError;
use crate::fan::{self, Fan};
use crate::folder::RunFolder;
use crate::names::{self, Label};
use crate::page::{Chart, Section, escape};
use crate::report::histogram_columns;
use crate::stats::{self, HistogramRequest, SHORTAGE_DEFINITION};
use remsim_io::SummaryTable;
use std::path::Path;

pub(crate) const FAN_SIZE: (u32, u32) = (560, 340);
pub(crate) const WIDE_SIZE: (u32, u32) = (1140, 420);
pub(crate) const HIST_SIZE: (u32, u32) = (560, 300);

/// A chart's id, from the metric or outcome it shows: ASCII letters and digits lower-cased,
/// anything else `-`. The page anchors the chart as `chart-<id>` and writes it as
/// `plots/<id>.svg` (and `.png`).
pub fn chart_id(name: &str) -> String {
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

pub(crate) fn fan_of(summary: &SummaryTable, metric: &str, factor: f64) -> Fan {
    summary
        .metric(metric)
        .map(|rows| Fan::from_rows(rows, factor))
        .unwrap_or_default()
}

/// The value axis for `fans` (prices may go log under `policy`; shares run 0–100%).
pub(crate) fn axis_for(fans: &[&Fan], label: &Label, policy: LogPolicy) -> Option<ValueAxis> {
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

pub(crate) fn note(label: &Label, axis: &ValueAxis, extra: &str) -> String {
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

/// What a report has drawn, and what it could not show.
#[derive(Default)]
pub(crate) struct Drawer {
    /// Chart ids, in page order.
    pub(crate) charts: Vec<String>,
    /// Things the report could not show, one sentence each.
    pub(crate) notes: Vec<String>,
}

impl Drawer {
    /// Draws a fan chart and records its id.
    pub(crate) fn fan(
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
pub(crate) fn single_fan(
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
    let layers = vec![FanLayer {
        name: label.title.clone(),
        fan: f,
        color: BLUE_OI,
        style: FanStyle::Full,
    }];
    let legend = draw::fan_legend(BLUE_OI);
    let spec = fan_chart(
        label.title.clone(),
        note(&label, &axis, ""),
        layers,
        axis,
        x,
        legend,
    );
    let caption = format!(
        "{}, month by month: median and the bands holding the middle 50% and 90% of {trials} trials.",
        label.title
    );
    d.fan(&chart_id(metric), &spec, caption, false).map(Some)
}

/// A chart of several metrics, each a median with its 50% band.
pub(crate) fn band_chart(
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
    let spec = fan_chart(
        title.to_string(),
        note(&label, &axis, ""),
        layers,
        axis,
        x,
        legend,
    );
    let caption = format!("{title}: median and middle 50% of {trials} trials, month by month.");
    d.fan(id, &spec, caption, false).map(Some)
}

/// A fan chart of the standard size, with no zero line and no model limits.
pub(crate) fn fan_chart(
    title: String,
    note: String,
    layers: Vec<FanLayer>,
    axis: ValueAxis,
    x: (f64, f64),
    legend: Vec<LegendEntry>,
) -> FanChart {
    FanChart {
        title,
        note,
        layers,
        axis,
        x,
        zero_line: false,
        limits: Vec::new(),
        legend,
        size: FAN_SIZE,
    }
}

/// The "Shortage probability" section: one heat map per (folder, chart id, title).
pub(crate) fn shortage_section(
    d: &mut Drawer,
    maps: &[(&RunFolder, &str, &str)],
) -> Result<Section, ReportError> {
    let mut section = Section {
        id: "shortages".into(),
        title: "Shortage probability".into(),
        intro: format!("<p>{}</p>", escape(SHORTAGE_DEFINITION)),
        ..Section::default()
    };
    for &(run, id, title) in maps {
        section.charts.extend(heatmap_chart(d, run, id, title)?);
    }
    Ok(section)
}

pub(crate) fn heatmap_chart(
    d: &mut Drawer,
    run: &RunFolder,
    id: &str,
    title: &str,
) -> Result<Option<Chart>, ReportError> {
    let Some(signs) = run.sign_counts()? else {
        d.notes.push(format!(
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
pub(crate) fn any_shortage_table(hists: &[stats::Histogram]) -> String {
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
pub(crate) fn outcome_table(hists: &[stats::Histogram]) -> String {
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
pub(crate) fn all_histograms(
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

pub(crate) fn histogram_charts(
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
