//! Drawing charts as SVG with plotters: fan charts (one or several fans, or base and shock
//! overlaid), a heat map of probabilities and histograms.
//!
//! Every chart has the same frame: a title and a line saying the unit (and "log scale"
//! where it is one) at the top left, a legend row under them that wraps instead of running
//! into the plot, then the plot with few enough tick labels that they never touch. Text is
//! `sans-serif`: the browser's own face in the HTML report, the bundled Roboto in the PNGs.
//! Colours are Okabe and Ito's palette, which reads the same for the common forms of
//! colour blindness.

use crate::axis::{TickFormat, ValueAxis, x_tick_label, x_ticks, year_ticks};
use crate::fan::Fan;
use plotters::coord::ranged1d::{DefaultFormatting, KeyPointHint};
use plotters::prelude::*;
use plotters::style::text_anchor::{HPos, Pos, VPos};

/// Okabe–Ito blue.
pub const BLUE_OI: RGBColor = RGBColor(0x00, 0x72, 0xB2);
/// Okabe–Ito vermillion.
pub const VERMILLION: RGBColor = RGBColor(0xD5, 0x5E, 0x00);
/// Okabe–Ito bluish green.
pub const GREEN_OI: RGBColor = RGBColor(0x00, 0x9E, 0x73);
/// Okabe–Ito reddish purple.
pub const PURPLE_OI: RGBColor = RGBColor(0xCC, 0x79, 0xA7);
/// Okabe–Ito orange.
pub const ORANGE_OI: RGBColor = RGBColor(0xE6, 0x9F, 0x00);
/// Okabe–Ito sky blue.
pub const SKY_OI: RGBColor = RGBColor(0x56, 0xB4, 0xE9);
/// Series colours in order of use (yellow is left out: it vanishes on white).
pub const SERIES: [RGBColor; 6] = [BLUE_OI, VERMILLION, GREEN_OI, PURPLE_OI, ORANGE_OI, SKY_OI];

const INK: RGBColor = RGBColor(0x22, 0x22, 0x22);
const MUTED: RGBColor = RGBColor(0x55, 0x55, 0x55);
const GRID: RGBColor = RGBColor(0xE4, 0xE4, 0xE4);
const AXIS: RGBColor = RGBColor(0x88, 0x88, 0x88);

/// Opacity of a 90% band fill.
const ALPHA_90: f64 = 0.18;
/// Opacity of a 50% band fill (drawn over the 90% band).
const ALPHA_50: f64 = 0.38;

const TITLE_PX: f64 = 16.0;
const NOTE_PX: f64 = 12.0;
const TICK_PX: f64 = 11.5;
const LEGEND_PX: f64 = 11.5;
const LEFT: i32 = 14;

/// Why a chart could not be drawn.
pub type DrawResult<T> = Result<T, String>;

/// plotters' SVG backend writes `font-size` as the requested size / 1.24; ask for pixels.
fn font(px: f64) -> TextStyle<'static> {
    FontDesc::new(FontFamily::SansSerif, px * 1.24, FontStyle::Normal).into()
}

/// A rough width of `text` at `px`, generous so that laid-out items never touch.
pub fn text_width(text: &str, px: f64) -> f64 {
    text.chars().count() as f64 * px * 0.58
}

fn err<E: std::fmt::Display>(e: E) -> String {
    e.to_string()
}

/// How a fan is drawn.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FanStyle {
    /// 90% and 50% bands filled, median line.
    Full,
    /// 50% band filled, 90% band edges as thin lines, median line: two of these overlay
    /// without the fills turning to mud.
    Overlay,
    /// 50% band filled and median line, for several series on one chart.
    Band50,
}

/// One fan on a chart.
#[derive(Debug, Clone)]
pub struct FanLayer {
    /// What it is, for the legend.
    pub name: String,
    /// The data, in display units.
    pub fan: Fan,
    /// Its colour.
    pub color: RGBColor,
    /// How it is drawn.
    pub style: FanStyle,
}

/// One entry of a legend row.
#[derive(Debug, Clone)]
pub enum LegendEntry {
    /// A filled swatch; several alphas are stacked (a 50% band over a 90% band).
    Swatch(RGBColor, Vec<f64>, String),
    /// A line sample of a width.
    Line(RGBColor, f64, String),
}

/// A fan chart.
#[derive(Debug, Clone)]
pub struct FanChart {
    /// Title.
    pub title: String,
    /// Unit line under the title, e.g. "USD/kg, log scale".
    pub note: String,
    /// The fans, drawn in order.
    pub layers: Vec<FanLayer>,
    /// The value axis.
    pub axis: ValueAxis,
    /// First and last decimal year shown.
    pub x: (f64, f64),
    /// A black line at zero (paired differences).
    pub zero_line: bool,
    /// Model limits (price cap and floor) drawn as dashed lines where inside the axis.
    pub limits: Vec<f64>,
    /// Legend entries.
    pub legend: Vec<LegendEntry>,
    /// Width and height in pixels.
    pub size: (u32, u32),
}

/// The standard legend of a single full fan.
pub fn fan_legend(color: RGBColor) -> Vec<LegendEntry> {
    vec![
        LegendEntry::Swatch(color, vec![ALPHA_90], "90% of trials (p05–p95)".into()),
        LegendEntry::Swatch(color, vec![ALPHA_90, ALPHA_50], "50% (p25–p75)".into()),
        LegendEntry::Line(color, 2.5, "median".into()),
    ]
}

/// The legend of overlaid fans: one entry per layer, then what the marks mean.
pub fn overlay_legend(layers: &[(String, RGBColor)]) -> Vec<LegendEntry> {
    swatch_legend(layers, "median; shading p25–p75; thin lines p05 and p95")
}

/// The legend of several 50%-band fans: one entry per series.
pub fn band50_legend(layers: &[(String, RGBColor)]) -> Vec<LegendEntry> {
    swatch_legend(layers, "median; shading p25–p75")
}

/// One swatch per layer, then a muted line saying what the `marks` are.
fn swatch_legend(layers: &[(String, RGBColor)], marks: &str) -> Vec<LegendEntry> {
    let mut legend: Vec<LegendEntry> = layers
        .iter()
        .map(|(name, color)| LegendEntry::Swatch(*color, vec![ALPHA_50], name.clone()))
        .collect();
    legend.push(LegendEntry::Line(MUTED, 2.5, marks.into()));
    legend
}

/// Where each legend entry goes: rows of (x, entry index), wrapped to `width`.
pub fn legend_rows(legend: &[LegendEntry], width: f64) -> Vec<Vec<(f64, usize)>> {
    let mut rows: Vec<Vec<(f64, usize)>> = vec![Vec::new()];
    let mut x = LEFT as f64;
    for (i, entry) in legend.iter().enumerate() {
        let label = match entry {
            LegendEntry::Swatch(_, _, l) | LegendEntry::Line(_, _, l) => l,
        };
        let w = 22.0 + text_width(label, LEGEND_PX) + 14.0;
        if x + w > width - 8.0 && rows.last().is_some_and(|r| !r.is_empty()) {
            rows.push(Vec::new());
            x = LEFT as f64;
        }
        if let Some(row) = rows.last_mut() {
            row.push((x, i));
        }
        x += w;
    }
    rows
}

type Area<'a> = DrawingArea<SVGBackend<'a>, plotters::coord::Shift>;

/// Draws the title, note and legend; returns the height they take.
fn header(root: &Area<'_>, title: &str, note: &str, legend: &[LegendEntry]) -> DrawResult<i32> {
    let (width, _) = root.dim_in_pixel();
    root.draw(&Text::new(
        title.to_string(),
        (LEFT, 8),
        font(TITLE_PX).color(&INK),
    ))
    .map_err(err)?;
    root.draw(&Text::new(
        note.to_string(),
        (LEFT, 31),
        font(NOTE_PX).color(&MUTED),
    ))
    .map_err(err)?;
    let rows = legend_rows(legend, f64::from(width));
    let mut y = 52;
    for row in &rows {
        for &(x, i) in row {
            let x = x as i32;
            let Some(entry) = legend.get(i) else { continue };
            let label = match entry {
                LegendEntry::Swatch(color, alphas, label) => {
                    for alpha in alphas {
                        root.draw(&Rectangle::new(
                            [(x, y + 1), (x + 16, y + 11)],
                            color.mix(*alpha).filled(),
                        ))
                        .map_err(err)?;
                    }
                    label
                }
                LegendEntry::Line(color, w, label) => {
                    root.draw(&PathElement::new(
                        vec![(x, y + 6), (x + 16, y + 6)],
                        color.stroke_width(*w as u32),
                    ))
                    .map_err(err)?;
                    label
                }
            };
            root.draw(&Text::new(
                label.clone(),
                (x + 22, y + 6),
                font(LEGEND_PX)
                    .color(&INK)
                    .pos(Pos::new(HPos::Left, VPos::Center)),
            ))
            .map_err(err)?;
        }
        if !row.is_empty() {
            y += 18;
        }
    }
    Ok(y + 4)
}

/// A linear plotters axis over `lo..hi` whose only grid lines and labels are `ticks`
/// (plotters' own `WithKeyPoints` over `f64` cannot take a label formatter).
#[derive(Debug, Clone)]
struct TickedAxis {
    lo: f64,
    hi: f64,
    ticks: Vec<f64>,
}

impl Ranged for TickedAxis {
    type FormatOption = DefaultFormatting;
    type ValueType = f64;

    fn map(&self, value: &f64, limit: (i32, i32)) -> i32 {
        if self.hi == self.lo {
            return (limit.0 + limit.1) / 2;
        }
        let t = (value - self.lo) / (self.hi - self.lo);
        let px = f64::from(limit.0) + t * f64::from(limit.1 - limit.0);
        px.round().clamp(-1e6, 1e6) as i32
    }

    fn key_points<H: KeyPointHint>(&self, hint: H) -> Vec<f64> {
        if hint.weight().allow_light_points() {
            Vec::new()
        } else {
            self.ticks.clone()
        }
    }

    fn range(&self) -> std::ops::Range<f64> {
        self.lo..self.hi
    }
}

type Chart2d<'a, 'b> = ChartContext<'a, SVGBackend<'b>, Cartesian2d<TickedAxis, TickedAxis>>;

/// Most value-axis ticks for a plot `height` pixels tall (labels at least 28 px apart).
pub fn max_value_ticks(height: u32) -> usize {
    ((height / 28) as usize).clamp(3, 8)
}

/// Most year labels for a plot `width` pixels wide (a label `2030` is ~30 px; keep 2× that).
pub fn max_year_labels(width: u32) -> usize {
    ((width / 64) as usize).clamp(2, 12)
}

/// Builds the frame of a chart with years across and `axis` up.
fn frame<'a, 'b>(
    area: &'a Area<'b>,
    x: (f64, f64),
    x_ticks: Vec<f64>,
    axis: ValueAxis,
    y_ticks: Vec<f64>,
    y_label: &'a dyn Fn(&f64) -> String,
    x_label: &'a dyn Fn(&f64) -> String,
) -> DrawResult<Chart2d<'a, 'b>> {
    let y_coords: Vec<f64> = y_ticks.iter().map(|v| axis.to_coord(*v)).collect();
    let mut chart = ChartBuilder::on(area)
        .x_label_area_size(26)
        .y_label_area_size(56)
        .build_cartesian_2d(
            TickedAxis {
                lo: x.0,
                hi: x.1,
                ticks: x_ticks,
            },
            TickedAxis {
                lo: axis.coord_range().start,
                hi: axis.coord_range().end,
                ticks: y_coords,
            },
        )
        .map_err(err)?;
    chart
        .configure_mesh()
        .bold_line_style(GRID.stroke_width(1))
        .light_line_style(TRANSPARENT)
        .axis_style(AXIS.stroke_width(1))
        .label_style(font(TICK_PX).color(&INK))
        .x_label_formatter(x_label)
        .y_label_formatter(y_label)
        .draw()
        .map_err(err)?;
    Ok(chart)
}

/// The x range of a time chart: whole months shown, a little room at the right.
fn time_range(x: (f64, f64)) -> (f64, f64) {
    if x.1 > x.0 {
        (x.0, x.1 + 1.0 / 12.0)
    } else {
        (x.0 - 0.5, x.0 + 0.5)
    }
}

/// The x range of a chart: [`time_range`], or a lever's values padded by 2% each side.
fn lever_range(x: (f64, f64), lever: bool) -> (f64, f64) {
    let pad = ((x.1 - x.0) * 0.02).max(1e-9);
    if lever {
        (x.0 - pad, x.1 + pad)
    } else {
        time_range(x)
    }
}

/// A fan chart as an SVG document.
pub fn fan_chart(spec: &FanChart) -> DrawResult<String> {
    fan_chart_over(spec, false)
}

/// A fan chart whose x axis is a swept parameter's value, not calendar years.
pub fn lever_chart(spec: &FanChart) -> DrawResult<String> {
    fan_chart_over(spec, true)
}

fn fan_chart_over(spec: &FanChart, lever: bool) -> DrawResult<String> {
    let mut svg = String::new();
    {
        let root = SVGBackend::with_string(&mut svg, spec.size).into_drawing_area();
        root.fill(&WHITE).map_err(err)?;
        let top = header(&root, &spec.title, &spec.note, &spec.legend)?;
        let area = root.margin(top as u32, 16, 6, 4);
        let (w, h) = area.dim_in_pixel();
        let (x, axis) = (lever_range(spec.x, lever), spec.axis);
        let y_ticks = axis.ticks(max_value_ticks(h.saturating_sub(26)));
        let fmt = TickFormat::for_ticks(&y_ticks, axis.scale);
        let y_label = move |c: &f64| fmt.label(axis.from_coord(*c));
        let x_label = move |v: &f64| x_tick_label(*v, lever);
        let x_ticks = x_ticks(x, max_year_labels(w.saturating_sub(56)), lever);
        let mut chart = frame(&area, x, x_ticks, axis, y_ticks, &y_label, &x_label)?;
        let to = |pts: Vec<(f64, f64)>| -> Vec<(f64, f64)> {
            pts.into_iter()
                .map(|(x, y)| (x, axis.to_coord(y)))
                .collect()
        };
        for layer in &spec.layers {
            let c = layer.color;
            let fan = &layer.fan;
            if fan.is_empty() {
                continue;
            }
            match layer.style {
                FanStyle::Full => {
                    let band90 = to(fan.band(|p| p.p05, |p| p.p95));
                    chart
                        .draw_series(std::iter::once(Polygon::new(
                            band90,
                            c.mix(ALPHA_90).filled(),
                        )))
                        .map_err(err)?;
                }
                FanStyle::Overlay => {
                    for edge in [
                        fan.points.iter().map(|p| (p.x, p.p05)).collect::<Vec<_>>(),
                        fan.points.iter().map(|p| (p.x, p.p95)).collect(),
                    ] {
                        chart
                            .draw_series(LineSeries::new(to(edge), c.mix(0.85).stroke_width(1)))
                            .map_err(err)?;
                    }
                }
                FanStyle::Band50 => {}
            }
            let band50 = to(fan.band(|p| p.p25, |p| p.p75));
            let alpha = if layer.style == FanStyle::Full {
                ALPHA_50
            } else {
                ALPHA_50 * 0.8
            };
            chart
                .draw_series(std::iter::once(Polygon::new(band50, c.mix(alpha).filled())))
                .map_err(err)?;
        }
        if spec.zero_line && axis.lo < 0.0 && axis.hi > 0.0 {
            chart
                .draw_series(LineSeries::new(
                    vec![(x.0, 0.0), (x.1, 0.0)],
                    INK.stroke_width(1),
                ))
                .map_err(err)?;
        }
        for &limit in spec
            .limits
            .iter()
            .filter(|v| **v > axis.lo && **v < axis.hi)
        {
            chart
                .draw_series(DashedLineSeries::new(
                    to(vec![(x.0, limit), (x.1, limit)]),
                    6,
                    4,
                    INK.mix(0.6).stroke_width(1),
                ))
                .map_err(err)?;
        }
        // Medians last, so no band covers a line.
        for layer in &spec.layers {
            if !layer.fan.is_empty() {
                chart
                    .draw_series(LineSeries::new(
                        to(layer.fan.median()),
                        layer.color.stroke_width(2),
                    ))
                    .map_err(err)?;
            }
        }
        root.present().map_err(err)?;
    }
    Ok(svg)
}

/// A heat map: rows (e.g. elements) × calendar years, values 0..1 (probabilities).
#[derive(Debug, Clone)]
pub struct Heatmap {
    /// Title.
    pub title: String,
    /// Line under the title.
    pub note: String,
    /// Row labels, top to bottom.
    pub rows: Vec<String>,
    /// Years, left to right (consecutive).
    pub years: Vec<i32>,
    /// `values[row][year]`, in 0..=1; `None` where undefined.
    pub values: Vec<Vec<Option<f64>>>,
    /// Width and height in pixels.
    pub size: (u32, u32),
}

/// The colour of probability `p`: white at exactly 0, then a light-to-dark orange–red ramp
/// (ColorBrewer OrRd, readable with colour blindness since it runs in lightness).
pub fn heat_color(p: f64) -> RGBColor {
    if p <= 0.0 || !p.is_finite() {
        return WHITE;
    }
    const STOPS: [(f64, (u8, u8, u8)); 6] = [
        (0.0, (0xFE, 0xF0, 0xD9)),
        (0.1, (0xFD, 0xD4, 0x9E)),
        (0.25, (0xFC, 0x8D, 0x59)),
        (0.5, (0xE3, 0x4A, 0x33)),
        (0.75, (0xB3, 0x00, 0x00)),
        (1.0, (0x7F, 0x00, 0x00)),
    ];
    let p = p.min(1.0);
    let mut lower = STOPS[0];
    for stop in STOPS {
        if p <= stop.0 {
            let span = (stop.0 - lower.0).max(1e-12);
            let t = ((p - lower.0) / span).clamp(0.0, 1.0);
            let mix =
                |a: u8, b: u8| (f64::from(a) + t * (f64::from(b) - f64::from(a))).round() as u8;
            return RGBColor(
                mix(lower.1.0, stop.1.0),
                mix(lower.1.1, stop.1.1),
                mix(lower.1.2, stop.1.2),
            );
        }
        lower = stop;
    }
    let last = STOPS[STOPS.len() - 1].1;
    RGBColor(last.0, last.1, last.2)
}

/// A heat map as an SVG document.
pub fn heatmap(spec: &Heatmap) -> DrawResult<String> {
    let (Some(&first), Some(&last)) = (spec.years.first(), spec.years.last()) else {
        return Err("no years to show".into());
    };
    let mut svg = String::new();
    {
        let root = SVGBackend::with_string(&mut svg, spec.size).into_drawing_area();
        root.fill(&WHITE).map_err(err)?;
        let legend = vec![
            LegendEntry::Swatch(WHITE, vec![], "white: no trial in shortage".into()),
            LegendEntry::Swatch(heat_color(0.01), vec![1.0], "under 10%".into()),
            LegendEntry::Swatch(heat_color(0.25), vec![1.0], "25%".into()),
            LegendEntry::Swatch(heat_color(0.5), vec![1.0], "50%".into()),
            LegendEntry::Swatch(heat_color(1.0), vec![1.0], "100%".into()),
        ];
        let top = header(&root, &spec.title, &spec.note, &legend)?;
        // The white swatch needs an outline to be seen.
        if let Some(row) = legend_rows(&legend, f64::from(spec.size.0)).first()
            && let Some(&(x, _)) = row.first()
        {
            root.draw(&Rectangle::new(
                [(x as i32, 53), (x as i32 + 16, 63)],
                AXIS.stroke_width(1),
            ))
            .map_err(err)?;
        }
        let area = root.margin(top as u32, 16, 6, 4);
        let (w, _) = area.dim_in_pixel();
        let n = spec.rows.len();
        let x = (f64::from(first) - 0.5, f64::from(last) + 0.5);
        let axis = ValueAxis {
            scale: crate::axis::Scale::Linear,
            lo: 0.0,
            hi: n as f64,
        };
        let rows = spec.rows.clone();
        let y_label = move |c: &f64| {
            let i = n as f64 - c - 0.5;
            rows.get(i.round().max(0.0) as usize)
                .cloned()
                .unwrap_or_default()
        };
        let x_label = |v: &f64| format!("{v:.0}");
        let y_ticks: Vec<f64> = (0..n).map(|i| i as f64 + 0.5).collect();
        let mut chart = frame(
            &area,
            x,
            year_ticks(x.0, x.1, max_year_labels(w.saturating_sub(56))),
            axis,
            y_ticks,
            &y_label,
            &x_label,
        )?;
        let cell_px = f64::from(w.saturating_sub(60)) / spec.years.len().max(1) as f64;
        for (r, row) in spec.values.iter().enumerate() {
            let y0 = (n - 1 - r) as f64;
            for (c, value) in row.iter().enumerate() {
                let Some(p) = value else { continue };
                let Some(&year) = spec.years.get(c) else {
                    continue;
                };
                let xc = f64::from(year);
                chart
                    .draw_series(std::iter::once(Rectangle::new(
                        [(xc - 0.5, y0), (xc + 0.5, y0 + 1.0)],
                        heat_color(*p).filled(),
                    )))
                    .map_err(err)?;
                if *p > 0.0 && cell_px >= 24.0 {
                    let pct = 100.0 * p;
                    let text = if pct < 1.0 {
                        "<1".to_string()
                    } else {
                        format!("{pct:.0}")
                    };
                    let ink = if *p >= 0.45 { WHITE } else { INK };
                    chart
                        .draw_series(std::iter::once(Text::new(
                            text,
                            (xc, y0 + 0.5),
                            font(10.0)
                                .color(&ink)
                                .pos(Pos::new(HPos::Center, VPos::Center)),
                        )))
                        .map_err(err)?;
                }
            }
        }
        root.present().map_err(err)?;
    }
    Ok(svg)
}

/// A histogram of per-trial values.
#[derive(Debug, Clone)]
pub struct HistogramChart {
    /// Title.
    pub title: String,
    /// Line under the title.
    pub note: String,
    /// Bars: (lower edge, upper edge, share of trials in percent), display units.
    pub bars: Vec<(f64, f64, f64)>,
    /// The x axis (its scale says whether bins are logarithmic).
    pub axis: ValueAxis,
    /// Median, marked with a line.
    pub median: Option<f64>,
    /// Written after the median in the legend (`%` for shares).
    pub median_suffix: String,
    /// Bar colour.
    pub color: RGBColor,
    /// A line at zero (paired differences).
    pub zero_line: bool,
    /// Width and height in pixels.
    pub size: (u32, u32),
}

/// A histogram as an SVG document.
pub fn histogram(spec: &HistogramChart) -> DrawResult<String> {
    let mut svg = String::new();
    {
        let root = SVGBackend::with_string(&mut svg, spec.size).into_drawing_area();
        root.fill(&WHITE).map_err(err)?;
        let mut legend = vec![LegendEntry::Swatch(
            spec.color,
            vec![0.85],
            "share of trials, %".into(),
        )];
        if let Some(m) = spec.median {
            legend.push(LegendEntry::Line(
                INK,
                2.0,
                format!(
                    "median {}{}",
                    crate::axis::format_value(m),
                    spec.median_suffix
                ),
            ));
        }
        let top = header(&root, &spec.title, &spec.note, &legend)?;
        let area = root.margin(top as u32, 16, 6, 4);
        let (w, h) = area.dim_in_pixel();
        let top_share = spec.bars.iter().map(|b| b.2).fold(0.0, f64::max);
        let y_axis = ValueAxis::fit(0.0, top_share.max(1.0), crate::axis::Scale::Linear);
        let x_axis = spec.axis;
        let x_values = x_axis.ticks(((w.saturating_sub(56)) / 70).clamp(2, 8) as usize);
        let x_fmt = TickFormat::for_ticks(&x_values, x_axis.scale);
        let x_ticks: Vec<f64> = x_values.iter().map(|v| x_axis.to_coord(*v)).collect();
        let x_label = move |c: &f64| x_fmt.label(x_axis.from_coord(*c));
        let y_values = y_axis.ticks(max_value_ticks(h.saturating_sub(26)));
        let y_fmt = TickFormat::for_ticks(&y_values, y_axis.scale);
        let y_label = move |v: &f64| y_fmt.label(*v);
        let x = (x_axis.to_coord(x_axis.lo), x_axis.to_coord(x_axis.hi));
        let mut chart = frame(&area, x, x_ticks, y_axis, y_values, &y_label, &x_label)?;
        for &(lo, hi, share) in &spec.bars {
            if share <= 0.0 {
                continue;
            }
            chart
                .draw_series(std::iter::once(Rectangle::new(
                    [(x_axis.to_coord(lo), 0.0), (x_axis.to_coord(hi), share)],
                    spec.color.mix(0.85).filled(),
                )))
                .map_err(err)?;
        }
        if spec.zero_line && x_axis.lo < 0.0 && x_axis.hi > 0.0 {
            chart
                .draw_series(LineSeries::new(
                    vec![(0.0, 0.0), (0.0, y_axis.hi)],
                    AXIS.stroke_width(1),
                ))
                .map_err(err)?;
        }
        if let Some(m) = spec.median {
            let c = x_axis.to_coord(m);
            chart
                .draw_series(LineSeries::new(
                    vec![(c, 0.0), (c, y_axis.hi)],
                    INK.stroke_width(2),
                ))
                .map_err(err)?;
        }
        root.present().map_err(err)?;
    }
    Ok(svg)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::axis::Scale;
    use crate::fan::FanPoint;

    fn fan() -> Fan {
        Fan {
            points: (0..36)
                .map(|m| {
                    let x = 2025.0 + m as f64 / 12.0;
                    let c = 100.0 + m as f64;
                    FanPoint {
                        x,
                        p05: c * 0.5,
                        p25: c * 0.8,
                        p50: c,
                        p75: c * 1.3,
                        p95: c * 2.0,
                    }
                })
                .collect(),
        }
    }

    #[test]
    fn a_fan_chart_has_bands_median_and_year_labels() {
        let spec = FanChart {
            title: "Dy oxide price, China".into(),
            note: "USD/kg".into(),
            layers: vec![FanLayer {
                name: "baseline".into(),
                fan: fan(),
                color: BLUE_OI,
                style: FanStyle::Full,
            }],
            axis: ValueAxis::fit(50.0, 300.0, Scale::Linear),
            x: (2025.0, 2027.917),
            zero_line: false,
            limits: vec![5.0],
            legend: fan_legend(BLUE_OI),
            size: (560, 340),
        };
        let svg = fan_chart(&spec).unwrap();
        assert!(svg.starts_with("<svg"));
        assert_eq!(svg.matches("<polygon").count(), 2, "two bands");
        assert_eq!(
            svg.matches("stroke=\"#0072B2\" stroke-width=\"2\"").count(),
            2,
            "the median and its legend sample"
        );
        for year in ["2025", "2026", "2027"] {
            assert!(
                svg.contains(&format!(">\n{year}\n</text>"))
                    || svg.contains(&format!(">{year}</text>")),
                "{year}"
            );
        }
        assert!(svg.contains("Dy oxide price, China"));
    }

    #[test]
    fn legends_wrap_instead_of_overflowing() {
        let legend: Vec<LegendEntry> = (0..6)
            .map(|i| LegendEntry::Line(INK, 2.0, format!("a rather long legend entry {i}")))
            .collect();
        let rows = legend_rows(&legend, 560.0);
        assert!(rows.len() > 1);
        for row in &rows {
            let mut right = 0.0;
            for &(x, i) in row {
                assert!(x >= right, "entries overlap");
                let LegendEntry::Line(_, _, label) = &legend[i] else {
                    unreachable!()
                };
                right = x + 22.0 + text_width(label, LEGEND_PX);
                assert!(right <= 560.0);
            }
        }
    }

    #[test]
    fn heat_colours_darken_with_probability() {
        let lum = |c: RGBColor| {
            0.2126 * f64::from(c.0) + 0.7152 * f64::from(c.1) + 0.0722 * f64::from(c.2)
        };
        assert_eq!(heat_color(0.0), WHITE);
        let mut last = lum(WHITE);
        for p in [0.001, 0.1, 0.3, 0.5, 0.8, 1.0] {
            let l = lum(heat_color(p));
            assert!(l < last, "{p}");
            last = l;
        }
    }

    #[test]
    fn tick_budgets_keep_labels_apart() {
        // 26 years on a 500-px plot: at most 7 labels, so >= 70 px between them.
        let years = year_ticks(2025.0, 2050.92, max_year_labels(500));
        assert!(years.len() >= 2 && 500.0 / years.len() as f64 >= 64.0);
        assert!(max_value_ticks(250) <= 8 && 250 / max_value_ticks(250) as u32 >= 28);
    }
}
