//! The sections of a one-batch report: the run's identity, prices, shares, shortages,
//! recycling, environment and per-trial outcomes.

use crate::axis::LogPolicy;
use crate::charts::*;
use crate::draw::{self, BLUE_OI, FanChart, FanLayer, FanStyle};
use crate::error::ReportError;
use crate::fan::Fan;
use crate::folder::RunFolder;
use crate::names::{self};
use crate::page::{Section, escape};
use crate::report::{PRICE_ELEMENTS, RECYCLED, REGIONS, ReportOptions, STAGES};

/// The run-identity table.
pub(crate) fn identity(run: &RunFolder) -> String {
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

pub(crate) fn trials_in(run: &RunFolder) -> u64 {
    run.manifest.shard.end_trial - run.manifest.shard.first_trial
}

pub(crate) const FAN_HOW_TO: &str = "<p>Each fan chart shows one quantity month by month across all trials: the \
line is the median, the dark band holds the middle 50% of trials (p25–p75) and the light band 90% \
(p05–p95). Quantiles are taken month by month, so a band is not one trial's path. Prices are oxide \
prices in USD/kg; China and the rest of the world share one scale per element; an axis is \
logarithmic where the values shown span more than 20× (it says so above the chart).</p>";

/// Prices: two fans per element, on a shared axis.
pub(crate) fn price_section(
    d: &mut Drawer,
    run: &RunFolder,
    policy: LogPolicy,
) -> Result<Section, ReportError> {
    let trials = trials_in(run);
    let mut charts = Vec::new();
    let limits = crate::caveats::limits(&run.manifest.resolved_config);
    for el in PRICE_ELEMENTS {
        // The price cap of this element and the floor, where they are single numbers.
        let lines: Vec<f64> = limits.as_ref().map_or(Vec::new(), |l| {
            let cap = l.caps.iter().find(|(e, _)| e == el).and_then(|(_, c)| *c);
            cap.into_iter().chain(l.floor).collect()
        });
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
            let layers = vec![FanLayer {
                name: region.to_string(),
                fan: f,
                color: BLUE_OI,
                style: FanStyle::Full,
            }];
            let legend = draw::fan_legend(BLUE_OI);
            let subtitle = note(&label, &axis, "");
            let spec = FanChart {
                limits: lines.clone(),
                ..fan_chart(label.title.clone(), subtitle, layers, axis, x, legend)
            };
            let caption = format!(
                "{}: median, 50% and 90% bands of {trials} trials, month by month; same scale as the other region; dashed: the model's price cap or floor where in view.",
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

pub(crate) fn shares_section(d: &mut Drawer, run: &RunFolder) -> Result<Section, ReportError> {
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

pub(crate) fn run_sections(
    run: &RunFolder,
    options: ReportOptions,
    d: &mut Drawer,
) -> Result<Vec<Section>, ReportError> {
    let trials = trials_in(run);
    let mut sections = vec![price_section(d, run, options.log)?, shares_section(d, run)?];

    let hists = match run.trials_path() {
        Some(path) => all_histograms(&path, options.log, false)?,
        None => {
            d.notes.push(format!(
                "{}: no trials.csv, so per-trial outcomes are not shown",
                run.dir.display()
            ));
            Vec::new()
        }
    };

    let title = "Probability of a shortage, by element and year";
    let mut shortage = shortage_section(d, &[(run, "shortage-probability", title)])?;
    shortage.outro = any_shortage_table(&hists);
    sections.push(shortage);

    sections.push(recycling_section(d, run, trials)?);
    sections.push(environment_section(d, run, trials)?);

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

/// Recycled shares of the magnet elements and the rare-earth-free share of new EVs.
fn recycling_section(d: &mut Drawer, run: &RunFolder, trials: u64) -> Result<Section, ReportError> {
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
    Ok(recycling)
}

/// Wastewater and radioactive residue, per month.
fn environment_section(
    d: &mut Drawer,
    run: &RunFolder,
    trials: u64,
) -> Result<Section, ReportError> {
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
    Ok(env)
}
