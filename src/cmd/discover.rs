//! `remsim discover`: scenario discovery on a finished batch — PRIM over the drawn inputs
//! (`inputs.csv`) against the trials whose outcomes (`trials.csv`) meet a condition.

use super::folder::{Folder, INPUTS, TRIALS};
use anyhow::{Context, bail};
use clap::Args;
use remsim_analysis::{PrimBox, PrimConfig, prim};
use remsim_io::{RowsWriter, TrialColumns, number};
use std::path::PathBuf;
use std::process::ExitCode;

/// `discover.csv`.
pub const DISCOVER: &str = "discover.csv";

/// Restrictions the summary sentence names; the rest are counted.
const SENTENCE_CLAUSES: usize = 3;

/// Options of `remsim discover`.
#[derive(Debug, Args)]
pub struct DiscoverArgs {
    /// Results folder of a batch (with inputs.csv and trials.csv).
    pub dir: PathBuf,
    /// The trials of interest: comparisons of trials.csv columns with numbers joined by
    /// `and`, e.g. "shortage_any.dy_tb.by_2035 > 0" (an empty field never matches).
    #[arg(long = "where", value_name = "EXPR")]
    pub condition: String,
    /// Density (share of trials of interest) the reported box should reach.
    #[arg(long, default_value_t = 0.8)]
    pub threshold: f64,
    /// Share of a box's trials one peel removes.
    #[arg(long, default_value_t = 0.05)]
    pub peel_alpha: f64,
    /// Share by which one paste widens a box.
    #[arg(long, default_value_t = 0.05)]
    pub paste_alpha: f64,
    /// Smallest share of all trials a box may keep.
    #[arg(long, default_value_t = 0.05)]
    pub mass_min: f64,
}

/// One comparison of a condition.
#[derive(Debug, Clone, PartialEq)]
struct Comparison {
    column: String,
    op: &'static str,
    value: f64,
}

impl Comparison {
    fn holds(&self, x: Option<f64>) -> bool {
        let Some(x) = x else {
            return false;
        };
        match self.op {
            ">=" => x >= self.value,
            "<=" => x <= self.value,
            "==" => x == self.value,
            "!=" => x != self.value,
            ">" => x > self.value,
            _ => x < self.value,
        }
    }
}

/// Parses `col OP number [and …]`.
fn parse(condition: &str) -> anyhow::Result<Vec<Comparison>> {
    let mut out = Vec::new();
    for part in condition.split(" and ").flat_map(|p| p.split("&&")) {
        let part = part.trim();
        let Some((at, op)) = ["<=", ">=", "==", "!=", "<", ">"]
            .iter()
            .find_map(|op| part.find(op).map(|at| (at, *op)))
        else {
            bail!("--where: `{part}` is not `column OP number` (OP one of < <= > >= == !=)");
        };
        let column = part[..at].trim().to_string();
        let text = part[at + op.len()..].trim();
        let value: f64 = text
            .parse()
            .with_context(|| format!("--where: `{text}` in `{part}` is not a number"))?;
        if column.is_empty() {
            bail!("--where: `{part}` names no column");
        }
        out.push(Comparison { column, op, value });
    }
    Ok(out)
}

/// `remsim discover`.
pub fn run(args: DiscoverArgs) -> anyhow::Result<ExitCode> {
    for (name, x) in [
        ("--peel-alpha", args.peel_alpha),
        ("--paste-alpha", args.paste_alpha),
    ] {
        if !(x > 0.0 && x < 0.5) {
            bail!("{name} must be in (0, 0.5)");
        }
    }
    if !(0.0..1.0).contains(&args.mass_min) {
        bail!("--mass-min must be in [0, 1)");
    }
    let condition = parse(&args.condition)?;
    let folder = Folder::new(&args.dir);
    let (params, columns) = read_inputs(&folder)?;
    let y = read_interest(&folder, &condition, columns.first().map_or(0, Vec::len))?;
    let config = PrimConfig {
        peel_alpha: args.peel_alpha,
        paste_alpha: args.paste_alpha,
        mass_min: args.mass_min,
        threshold: args.threshold,
    };
    let found = prim(&columns, &y, &config).context("no trials to analyse")?;
    if found.base_rate == 0.0 {
        bail!("no trial meets `{}`: nothing to discover", args.condition);
    }
    write_discover(&folder, &found, &params)?;
    println!("{}", sentence(&args.condition, &found, &params));
    eprintln!("wrote {}", folder.file(DISCOVER).display());
    Ok(ExitCode::SUCCESS)
}

/// inputs.csv: the parameter names and one column of values per parameter.
fn read_inputs(folder: &Folder) -> anyhow::Result<(Vec<String>, Vec<Vec<f64>>)> {
    let path = folder.file(INPUTS);
    let mut reader = TrialColumns::open(&path, &[])?;
    let params: Vec<String> = reader.header()[1..].to_vec();
    if params.is_empty() {
        bail!("{}: no uncertain parameter to search over", path.display());
    }
    let wanted: Vec<&str> = params.iter().map(String::as_str).collect();
    reader = TrialColumns::open(&path, &wanted)?;
    let mut columns = vec![Vec::new(); params.len()];
    while let Some(values) = reader.next_row()? {
        for (column, v) in columns.iter_mut().zip(values) {
            column.push(v.with_context(|| format!("{}: an empty field", path.display()))?);
        }
    }
    Ok((params, columns))
}

/// Whether each trial of trials.csv meets the condition.
fn read_interest(
    folder: &Folder,
    condition: &[Comparison],
    trials: usize,
) -> anyhow::Result<Vec<bool>> {
    let path = folder.file(TRIALS);
    let wanted: Vec<&str> = condition.iter().map(|c| c.column.as_str()).collect();
    let mut reader = TrialColumns::open(&path, &wanted)?;
    for c in condition {
        if !reader.names().contains(&c.column) {
            let hint = remsim_core::suggest::closest(
                &c.column,
                reader.header().iter().map(String::as_str),
            );
            bail!(
                "--where: {} has no column `{}`{}",
                path.display(),
                c.column,
                remsim_core::suggest::did_you_mean(&hint)
            );
        }
    }
    let mut y = Vec::with_capacity(trials);
    while let Some(values) = reader.next_row()? {
        y.push(condition.iter().zip(values).all(|(c, &v)| c.holds(v)));
    }
    if y.len() != trials {
        bail!(
            "{} has {} rows but inputs.csv {trials}: not the same batch",
            path.display(),
            y.len()
        );
    }
    Ok(y)
}

/// discover.csv: the peeling trajectory, one row per point and restricted parameter.
fn write_discover(folder: &Folder, found: &PrimBox, params: &[String]) -> anyhow::Result<()> {
    let header = [
        "box",
        "point",
        "selected",
        "coverage",
        "density",
        "mass",
        "n",
        "k",
        "parameter",
        "lower",
        "upper",
    ];
    let mut writer = RowsWriter::create(&folder.file(DISCOVER), &header)?;
    let selected = found.selected();
    for (i, p) in found.trajectory.iter().enumerate() {
        let head = [
            "1".to_string(),
            i.to_string(),
            u8::from(i == selected).to_string(),
            number(p.coverage),
            number(p.density),
            number(p.mass),
            p.n.to_string(),
            p.k.to_string(),
        ];
        if p.restricted.is_empty() {
            let mut row = head.to_vec();
            row.extend([String::new(), String::new(), String::new()]);
            writer.fields(&row)?;
        }
        for &j in &p.restricted {
            let mut row = head.to_vec();
            row.extend([
                params[j].clone(),
                number(p.limits[j].0),
                number(p.limits[j].1),
            ]);
            writer.fields(&row)?;
        }
    }
    writer.sync()?;
    Ok(())
}

/// The selected box in one sentence.
fn sentence(condition: &str, found: &PrimBox, params: &[String]) -> String {
    let p = &found.trajectory[found.selected()];
    let init = &found.trajectory[0].limits;
    // Strongest restriction first: the share of the input's range the box cuts away.
    let cut = |j: usize| {
        let width = init[j].1 - init[j].0;
        if width > 0.0 {
            1.0 - (p.limits[j].1 - p.limits[j].0) / width
        } else {
            0.0
        }
    };
    let mut order = p.restricted.clone();
    order.sort_by(|&a, &b| cut(b).total_cmp(&cut(a)));
    let shown = order.len().min(SENTENCE_CLAUSES);
    let mut clauses: Vec<String> = order[..shown]
        .iter()
        .map(|&j| {
            let (lo, hi) = p.limits[j];
            let name = &params[j];
            match (lo != init[j].0, hi != init[j].1) {
                (true, true) => format!("{} <= {name} <= {}", short(lo), short(hi)),
                (true, false) => format!("{name} >= {}", short(lo)),
                _ => format!("{name} <= {}", short(hi)),
            }
        })
        .collect();
    if order.len() > shown {
        clauses.push(format!(
            "{} lesser restrictions (discover.csv)",
            order.len() - shown
        ));
    }
    if clauses.is_empty() {
        return format!(
            "`{condition}` holds in {:.1}% of trials; PRIM found no box that concentrates it",
            100.0 * found.base_rate
        );
    }
    format!(
        "`{condition}` is {:.1}× as likely when {} ({:.1}% of those trials vs {:.1}% of all; the box holds {} of {} trials and {:.0}% of the cases)",
        p.density / found.base_rate,
        clauses.join(" and "),
        100.0 * p.density,
        100.0 * found.base_rate,
        p.n,
        found.trajectory[0].n,
        100.0 * p.coverage
    )
}

/// A bound with four significant digits.
fn short(x: f64) -> String {
    format!("{}", format!("{x:.4e}").parse::<f64>().unwrap_or(x))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn conditions_parse_and_hold() {
        let c =
            parse("shortage_any.dy_tb.by_2035 > 0 and price_mean.ndpr.cn.2030 <= 80.5").unwrap();
        assert_eq!(c.len(), 2);
        assert_eq!(c[0].column, "shortage_any.dy_tb.by_2035");
        assert_eq!((c[0].op, c[0].value), (">", 0.0));
        assert_eq!((c[1].op, c[1].value), ("<=", 80.5));
        assert!(c[0].holds(Some(1.0)) && !c[0].holds(Some(0.0)) && !c[0].holds(None));
        assert!(parse("x ~ 3").is_err());
        assert!(parse("x > abc").is_err());
        assert!(parse("> 3").is_err());
    }
}
