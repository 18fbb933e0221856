//! `remsim metrics`: prints the metric catalog (`remsim_core::catalog`), every monthly
//! metric of `summary.csv` and every outcome column of `trials.csv` with its unit, kind and
//! description; as an aligned table, or with `--format csv` as `name,unit,kind,description`,
//! one row per concrete name.

use clap::{Args, ValueEnum};
use remsim_core::catalog;
use std::io::Write;
use std::process::ExitCode;

/// How `remsim metrics` prints the catalog.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, ValueEnum)]
pub enum Format {
    /// One aligned line per name: name, unit, kind, label.
    #[default]
    Table,
    /// CSV with the header `name,unit,kind,description`.
    Csv,
}

/// Options of `remsim metrics`.
#[derive(Debug, Args)]
pub struct MetricsArgs {
    /// Output format.
    #[arg(long, value_enum, default_value_t = Format::Table)]
    pub format: Format,
}

/// A CSV field, quoted when it holds a comma, a quote or a line break.
fn csv_field(text: &str) -> String {
    if text.contains([',', '"', '\n', '\r']) {
        format!("\"{}\"", text.replace('"', "\"\""))
    } else {
        text.to_string()
    }
}

/// The catalog in the chosen format.
pub fn render(format: Format) -> String {
    let mut out = String::new();
    match format {
        Format::Csv => {
            out.push_str("name,unit,kind,description\n");
            for m in catalog::all() {
                let fields = [m.name(), m.unit(), m.kind_words(), &m.description()].map(csv_field);
                out.push_str(&fields.join(","));
                out.push('\n');
            }
        }
        Format::Table => {
            let width = catalog::all()
                .iter()
                .map(|m| m.name().len())
                .max()
                .unwrap_or(0);
            out.push_str(&format!(
                "{:<width$}  {:<22}  {:<21}  label\n",
                "name", "unit", "kind"
            ));
            for m in catalog::all() {
                out.push_str(&format!(
                    "{:<width$}  {:<22}  {:<21}  {}\n",
                    m.name(),
                    m.unit(),
                    m.kind_words(),
                    m.label()
                ));
            }
        }
    }
    out
}

/// Prints the catalog.
pub fn run(args: MetricsArgs) -> anyhow::Result<ExitCode> {
    std::io::stdout()
        .lock()
        .write_all(render(args.format).as_bytes())?;
    Ok(ExitCode::SUCCESS)
}
