//! What the report shows and where it is written: [`write_report`] turns a results folder
//! or a comparison folder into `DIR/report.html` and `DIR/plots/<chart>.svg|.png`.

use crate::axis::LogPolicy;
use crate::caveats::run_caveats;
use crate::charts::Drawer;
use crate::compare_page::comparison_sections;
pub(crate) use crate::compare_page::comparison_title;
use crate::error::ReportError;
use crate::findings::{comparison_summary, headline_outcomes, quantile_note, run_summary};
use crate::folder::{Comparison, Folder, RunFolder};
use crate::outcomes::{PairedOutcome, paired_outcomes};
use crate::page::{self, Section, escape};
use crate::png::{PNG_SCALE, Rasteriser};
use crate::run_page::{identity, run_sections, trials_in};
use remsim_io::atomic_write;
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
pub(crate) const REGIONS: [(&str, &str); 2] = [("cn", "China"), ("row", "rest of world")];
pub(crate) const STAGES: [(&str, &str); 4] = [
    ("mine", "mining"),
    ("separation", "separation"),
    ("magnet", "magnet making"),
    ("deep_processing", "deep processing"),
];
pub(crate) const RECYCLED: [&str; 4] = ["nd", "pr", "dy", "tb"];
/// Metrics compared base against shock beyond prices.
pub(crate) const COMPARED: [&str; 9] = [
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

/// Sentences as a list of paragraphs.
fn sentence_list(sentences: &[String]) -> String {
    let mut html = String::from("<ul class=\"findings\">\n");
    for s in sentences {
        html.push_str(&format!("<li>{}</li>\n", escape(s)));
    }
    html.push_str("</ul>\n");
    html
}

/// `<section id="summary">`: the executive summary of a run.
fn summary_section(run: &RunFolder) -> Result<Section, ReportError> {
    Ok(Section {
        id: "summary".into(),
        title: "Summary".into(),
        intro: sentence_list(&run_summary(run)?),
        ..Section::default()
    })
}

/// `<section id="caveats">`: what the batch hit; says so when nothing was.
fn caveats_section(run: &RunFolder) -> Result<Section, ReportError> {
    let caveats = run_caveats(run)?;
    let intro = if caveats.is_empty() {
        "<p>None: no price reached its cap or floor, no mass-balance residual above 1e-12, \
         and every trial gave a finite value for every metric and month.</p>"
            .to_string()
    } else {
        format!(
            "<p>What the model could not represent in this batch:</p>\n{}",
            sentence_list(&caveats)
        )
    };
    Ok(Section {
        id: "caveats".into(),
        title: "Caveats".into(),
        intro,
        ..Section::default()
    })
}

/// `<section id="summary">` of a comparison: what the shock changed, in sentences and in
/// the table of `diff_outcomes.csv`'s headline rows.
fn comparison_summary_section(cmp: &Comparison) -> Result<Section, ReportError> {
    let rows: Vec<PairedOutcome> = match (cmp.base.trials_path(), cmp.shock.trials_path()) {
        (Some(b), Some(s)) => paired_outcomes(&b, &s)?,
        _ => Vec::new(),
    };
    let mut sentences = comparison_summary(cmp, &rows)?;
    sentences.push(quantile_note(&cmp.base));
    let mut table = String::from(
        "<table class=\"grid\"><tr><th>outcome</th><th>unit</th><th class=\"num\">base \
         p50</th><th class=\"num\">shock p50</th><th class=\"num\">diff p50</th>\
         <th class=\"num\">diff 5%</th><th class=\"num\">diff 95%</th>\
         <th class=\"num\">P(increase)</th></tr>\n",
    );
    for name in headline_outcomes() {
        if let Some(r) = rows.iter().find(|r| r.diff.outcome == name) {
            let d = &r.diff;
            let cell = crate::outcomes::compact;
            table.push_str(&format!(
                "<tr><td><code>{}</code></td><td>{}</td><td class=\"num\">{}</td>\
                 <td class=\"num\">{}</td><td class=\"num\">{}</td><td class=\"num\">{}</td>\
                 <td class=\"num\">{}</td><td class=\"num\">{:.2}</td></tr>\n",
                escape(&d.outcome),
                escape(&d.unit),
                cell(d.base_p50),
                cell(d.shock_p50),
                cell(d.diff.p50),
                cell(d.diff.p05),
                cell(d.diff.p95),
                d.p_increase
            ));
        }
    }
    table.push_str("</table>\n<p>Every outcome is in <code>diff_outcomes.csv</code>.</p>\n");
    Ok(Section {
        id: "summary".into(),
        title: "Summary: what the shock changed".into(),
        intro: sentence_list(&sentences),
        outro: table,
        ..Section::default()
    })
}

/// Writes `DIR/report.html` and `DIR/plots/` for a results or comparison folder.
/// A sweep folder (`remsim sweep`: it has `sweep.csv`) gets the sweep page instead.
pub fn write_report(dir: &Path, options: ReportOptions) -> Result<ReportOutput, ReportError> {
    if crate::sweep_page::is_sweep(dir) {
        return crate::sweep_page::write_sweep_report(dir, options);
    }
    let folder = Folder::open(dir)?;
    let mut d = Drawer::default();
    let version = env!("CARGO_PKG_VERSION");
    let (title, lead, identity_html, sections, config) = match &folder {
        Folder::Run(run) => {
            let mut sections = run_sections(run, options, &mut d)?;
            sections.splice(0..0, [summary_section(run)?, caveats_section(run)?]);
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
            let mut sections = comparison_sections(cmp, options, &mut d)?;
            sections.insert(0, comparison_summary_section(cmp)?);
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
    for n in &d.notes {
        lead.push_str(&format!("</p>\n<p class=\"note\">{}", escape(n)));
    }
    let html = page::page(&title, &lead, &identity_html, &sections, &config);
    let (html, plots) = write_files(folder.dir(), &sections, &html, options)?;
    Ok(ReportOutput {
        html,
        plots,
        charts: d.charts,
        notes: d.notes,
    })
}

/// Writes every chart of `sections` to `DIR/plots/` (SVG, and PNG unless skipped) and the
/// page to `DIR/report.html`; returns the two paths.
pub(crate) fn write_files(
    dir: &Path,
    sections: &[Section],
    html: &str,
    options: ReportOptions,
) -> Result<(PathBuf, PathBuf), ReportError> {
    let plots = dir.join("plots");
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
    let html_path = dir.join("report.html");
    atomic_write(&html_path, html.as_bytes())?;
    Ok((html_path, plots))
}
