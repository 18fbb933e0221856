//! The sections of a comparison report: base and shock overlaid, the paired-difference
//! fans, both shortage heat maps and the histograms of per-trial paired differences.

use crate::axis::{LogPolicy, Scale, ValueAxis};
use crate::charts::*;
use crate::draw::{self, BLUE_OI, FanChart, FanLayer, FanStyle, GREEN_OI, VERMILLION};
use crate::error::ReportError;
use crate::fan::{self};
use crate::folder::Comparison;
use crate::names::{self};
use crate::page::{Chart, Section, escape};
use crate::report::{COMPARED, PRICE_ELEMENTS, REGIONS, ReportOptions};
use crate::run_page::*;

/// "base: baseline", or just "base" when the side has no name of its own.
pub(crate) fn side_label(side: &str, name: &str) -> String {
    if side == name {
        side.to_string()
    } else {
        format!("{side}: {name}")
    }
}

/// An overlay of base and shock for `metric`, and the paired-difference fan.
pub(crate) fn compare_metric(
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
        let layers = vec![
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
        ];
        let subtitle = note(&label, &axis, "base and shock");
        let spec = fan_chart(label.title.clone(), subtitle, layers, axis, x, legend);
        let caption = format!(
            "{}: base and shock overlaid, {trials} trials each (median, 50% band shaded, 5% and 95% as thin lines).",
            label.title
        );
        charts.push(d.fan(&format!("cmp-{}", chart_id(metric)), &spec, caption, false)?);
    }
    if let Some(diff) = &cmp.diff {
        charts.extend(diff_fan(d, diff, metric, &label)?);
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

pub(crate) fn comparison_sections(
    cmp: &Comparison,
    options: ReportOptions,
    d: &mut Drawer,
) -> Result<Vec<Section>, ReportError> {
    let (base_name, shock_name) = comparison_names(cmp);
    if cmp.diff.is_none() {
        d.notes.push(format!(
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
    let base_title = format!("Probability of a shortage — base ({base_name})");
    let shock_title = format!("Probability of a shortage — shock ({shock_name})");
    let shortage = shortage_section(
        d,
        &[
            (&cmp.base, "shortage-probability-base", &base_title),
            (&cmp.shock, "shortage-probability-shock", &shock_title),
        ],
    )?;
    let mut sections = vec![prices, others, shortage];
    sections.extend(diff_outcomes_section(cmp, d)?);
    Ok(sections)
}

/// The paired-difference fan of `metric`, with zero inside the plot; `None` when absent.
fn diff_fan(
    d: &mut Drawer,
    diff: &remsim_io::SummaryTable,
    metric: &str,
    label: &crate::names::Label,
) -> Result<Option<Chart>, ReportError> {
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
        let title = format!("Δ {} (shock − base)", label.title);
        let subtitle = note(label, &axis, "paired difference, trial by trial");
        let layers = vec![FanLayer {
            name: "shock − base".into(),
            fan: f,
            color: GREEN_OI,
            style: FanStyle::Full,
        }];
        let legend = draw::fan_legend(GREEN_OI);
        let spec = FanChart {
            zero_line: true,
            ..fan_chart(title, subtitle, layers, axis, x, legend)
        };
        let caption = format!(
            "Paired difference shock − base of {}: trial i of both scenarios shares its random draws, so the fan shows the shock's effect, not Monte Carlo noise.",
            label.title
        );
        return d
            .fan(&format!("diff-{}", chart_id(metric)), &spec, caption, false)
            .map(Some);
    }
    Ok(None)
}

/// Histograms of the per-trial paired differences, or a note where there are none.
fn diff_outcomes_section(cmp: &Comparison, d: &mut Drawer) -> Result<Option<Section>, ReportError> {
    match cmp.diff_trials_path() {
        Some(path) => {
            let hists = all_histograms(&path, LogPolicy::Never, true)?;
            let charts = histogram_charts(d, &hists, "diff-hist-", true)?;
            if charts.is_empty() {
                d.notes.push(format!(
                    "{}: none of the usual outcome columns, so no histograms of paired differences",
                    path.display()
                ));
            }
            Ok(Some(Section {
                id: "outcomes".into(),
                title: "Per-trial paired differences".into(),
                intro:
                    "<p>Histograms of shock − base per trial from <code>diff_trials.csv</code>; \
                        the black line is the median difference, the grey line zero.</p>"
                        .into(),
                charts,
                outro: outcome_table(&hists),
            }))
        }
        None => {
            d.notes.push(format!(
                "{}: no diff_trials.csv, so per-trial paired differences are not shown",
                cmp.dir.display()
            ));
            Ok(None)
        }
    }
}
