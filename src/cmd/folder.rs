//! The results folder: its file names, when it may be written, how a finished one is read
//! back, and the outputs every finished batch writes (`aggregates.bin`, `summary.csv`).

use super::records;
use anyhow::{Context, bail};
use remsim_io::{
    ContainerReader, ContainerWriter, FileKind, Manifest, SummaryLine, SummaryStats, SummaryWriter,
    ValuesFile,
};
use remsim_scenario::Scenario;
use remsim_scheduler::{BatchAggregates, QuantileMethod, cells_per_group, exact_quantiles};
use std::path::{Path, PathBuf};

pub use remsim_io::names::{
    AGGREGATES, CHECKPOINT, INPUTS, MANIFEST, SERIES, SUMMARY, TIMING, TRIALS, VALUES,
};

/// Every file a batch writes, in the order `--force` removes them.
const OWN_FILES: [&str; 9] = [
    CHECKPOINT, VALUES, AGGREGATES, SUMMARY, TRIALS, INPUTS, SERIES, TIMING, MANIFEST,
];

/// A results folder.
#[derive(Debug, Clone)]
pub struct Folder {
    /// Where it is.
    pub dir: PathBuf,
}

impl Folder {
    /// The folder at `dir`.
    pub fn new(dir: &Path) -> Folder {
        Folder {
            dir: dir.to_path_buf(),
        }
    }

    /// A file in it.
    pub fn file(&self, name: &str) -> PathBuf {
        self.dir.join(name)
    }

    /// Whether the folder is missing or holds nothing but temporary files of remsim's own
    /// (a batch killed while it wrote its first manifest leaves `manifest.json.tmp`).
    pub fn is_blank(&self) -> bool {
        match std::fs::read_dir(&self.dir) {
            Ok(entries) => entries.filter_map(Result::ok).all(|e| {
                let name = e.file_name().to_string_lossy().into_owned();
                name.strip_suffix(".tmp").is_some_and(is_own_or_data)
            }),
            Err(_) => true,
        }
    }

    /// The manifest of a finished batch, after every data file it lists is checked
    /// (`remsim_io::verify_finished`); a damaged or unfinished folder is refused.
    pub fn verified(&self) -> anyhow::Result<Manifest> {
        Ok(remsim_io::verify_finished(&self.dir)?)
    }

    /// The last write of a finished batch: the manifest, now listing every data file with
    /// its size and BLAKE3 and saying `"complete": true`. Call it once every data file is
    /// synced.
    pub fn mark_complete(&self, manifest: &Manifest) -> anyhow::Result<()> {
        let complete = Manifest {
            complete: true,
            files: remsim_io::data_files(&self.dir)?,
            ..manifest.clone()
        };
        complete.write(&self.file(MANIFEST))?;
        Ok(())
    }

    /// Removes the temporary files (`<name>.tmp`) of remsim's own files that a killed
    /// process left (SIGKILL runs no clean-up); a resume starts with this.
    pub fn remove_temporaries(&self) -> anyhow::Result<()> {
        let Ok(entries) = std::fs::read_dir(&self.dir) else {
            return Ok(());
        };
        for entry in entries.filter_map(Result::ok) {
            let name = entry.file_name().to_string_lossy().into_owned();
            let Some(stem) = name.strip_suffix(".tmp") else {
                continue;
            };
            if is_own_or_data(stem) {
                let path = entry.path();
                std::fs::remove_file(&path)
                    .with_context(|| format!("removing {}", path.display()))?;
            }
        }
        Ok(())
    }

    /// Removes a checkpoint left in the folder, if any.
    pub fn remove_checkpoint(&self) -> anyhow::Result<()> {
        let checkpoint = self.file(CHECKPOINT);
        if checkpoint.exists() {
            std::fs::remove_file(&checkpoint)
                .with_context(|| format!("removing {}", checkpoint.display()))?;
            remsim_io::sync_dir(&checkpoint)?;
        }
        Ok(())
    }

    /// Makes the folder ready for a new batch: creates it, or — if it already holds
    /// anything — refuses unless `force`, in which case remsim's own files are removed
    /// (nothing else is touched).
    pub fn prepare_fresh(&self, force: bool) -> anyhow::Result<()> {
        let occupied = match std::fs::read_dir(&self.dir) {
            Ok(mut entries) => entries.next().is_some(),
            Err(_) => false,
        };
        if occupied && !force {
            let what = if self.file(MANIFEST).exists() {
                "already holds results"
            } else {
                "exists and is not empty"
            };
            let hint = if self.file(CHECKPOINT).exists() {
                "; pass --resume to finish the interrupted batch, or --force to start over"
            } else {
                "; pass --force to overwrite it, or choose another --out"
            };
            bail!("{} {what}{hint}", self.dir.display());
        }
        if occupied {
            // remsim's fixed names, and the data files the old manifest lists (if it can
            // still be read): nothing else is touched.
            let listed: Vec<String> = Manifest::read(&self.file(MANIFEST))
                .map(|m| m.files.into_iter().map(|f| f.name).collect())
                .unwrap_or_default();
            let names = OWN_FILES.iter().map(|n| n.to_string()).chain(
                listed
                    .into_iter()
                    .filter(|n| !n.contains(['/', '\\']) && remsim_io::verify::is_data_file(n)),
            );
            for name in names {
                for path in [
                    self.file(&name),
                    remsim_io::files::temporary_path(&self.file(&name)),
                ] {
                    if path.exists() {
                        std::fs::remove_file(&path)
                            .with_context(|| format!("removing {}", path.display()))?;
                    }
                }
            }
        }
        std::fs::create_dir_all(&self.dir)
            .with_context(|| format!("creating {}", self.dir.display()))
    }

    /// The manifest.
    pub fn manifest(&self) -> anyhow::Result<Manifest> {
        let path = self.file(MANIFEST);
        if !path.exists() {
            bail!(
                "{} is not a remsim results folder: it has no {MANIFEST}",
                self.dir.display()
            );
        }
        Ok(Manifest::read(&path)?)
    }

    /// The aggregates of a finished batch, checked against its manifest.
    pub fn aggregates(&self, manifest: &Manifest) -> anyhow::Result<BatchAggregates> {
        let path = self.file(AGGREGATES);
        if !manifest.complete {
            bail!(
                "{} holds an unfinished batch (its {MANIFEST} does not say complete); finish it with `remsim run --resume --out {}`",
                self.dir.display(),
                self.dir.display()
            );
        }
        let mut reader = ContainerReader::open(&path, FileKind::Aggregates)?;
        if reader.config_hash() != manifest.config_hash {
            bail!(
                "{}: written for config {}, but its manifest says {}",
                path.display(),
                reader.config_hash(),
                manifest.config_hash
            );
        }
        let aggregates = records::read_aggregates(&mut reader)
            .with_context(|| format!("reading {}", path.display()))?;
        reader.finish()?;
        let expected = manifest.shard.end_trial - manifest.shard.first_trial;
        if aggregates.trials() != expected {
            bail!(
                "{}: holds {} trials, but its manifest says trials {}..{}",
                path.display(),
                aggregates.trials(),
                manifest.shard.first_trial,
                manifest.shard.end_trial
            );
        }
        Ok(aggregates)
    }

    /// Writes `aggregates.bin` and `summary.csv` for finished aggregates; the quantiles are
    /// exact, selected from `values` (the `values.bin` files of all its trials), when the
    /// manifest says so, else the sketch's.
    pub fn write_outputs(
        &self,
        manifest: &Manifest,
        aggregates: &BatchAggregates,
        values: &[PathBuf],
    ) -> anyhow::Result<()> {
        let mut writer = ContainerWriter::create(
            &self.file(AGGREGATES),
            FileKind::Aggregates,
            &manifest.config_hash,
        )?;
        records::write_aggregates(&mut writer, aggregates)?;
        writer.finish()?;
        let exact = if manifest.quantile_method == QuantileMethod::Exact.name() {
            Some(exact_quantiles_of(values, aggregates)?)
        } else {
            None
        };
        write_summary(
            &self.file(SUMMARY),
            aggregates,
            exact.as_deref(),
            &remsim_report::names::stored_unit,
        )
    }
}

/// One of remsim's fixed file names, or a data file name.
fn is_own_or_data(name: &str) -> bool {
    OWN_FILES.contains(&name) || remsim_io::verify::is_data_file(name)
}

/// The exact quantiles of every metric cell (tick-major), selected from the `values.bin`
/// files holding all of `aggregates`' trials, a bounded group of cells at a time.
fn exact_quantiles_of(
    files: &[PathBuf],
    aggregates: &BatchAggregates,
) -> anyhow::Result<Vec<Option<[f64; 7]>>> {
    let opened = files
        .iter()
        .map(|path| ValuesFile::open(path))
        .collect::<Result<Vec<_>, _>>()?;
    let held: u64 = opened.iter().map(ValuesFile::trials).sum();
    let n_cells = aggregates.shape().n_cells();
    if held != aggregates.trials() || opened.iter().any(|f| f.n_cells() != n_cells) {
        bail!(
            "the values files ({}) hold {held} trials of {} cells, not the {} trials of {n_cells} cells folded; rerun the batch",
            files
                .iter()
                .map(|p| p.display().to_string())
                .collect::<Vec<_>>()
                .join(", "),
            opened.first().map_or(0, ValuesFile::n_cells),
            aggregates.trials()
        );
    }
    let mut out = Vec::with_capacity(n_cells);
    remsim_io::cells_in_groups(&opened, cells_per_group(held), |_, values| {
        out.push(exact_quantiles(values));
    })?;
    Ok(out)
}

/// Writes the long-format summary of `aggregates` (also `remsim compare`'s diff_summary.csv):
/// quantiles from `exact` (one entry per metric cell, tick-major) where given, else from the
/// sketches; each metric's unit from `unit` (the binary passes
/// `remsim_report::names::stored_unit`).
pub fn write_summary(
    path: &Path,
    aggregates: &BatchAggregates,
    exact: Option<&[Option<[f64; 7]>]>,
    unit: &dyn Fn(&str) -> String,
) -> anyhow::Result<()> {
    let mut summary = SummaryWriter::create(path)?;
    let mut units: Option<(&str, String)> = None;
    // Every metric has the same months: each is written out once.
    let mut dates: Vec<(remsim_core::Month, String)> = Vec::new();
    for row in aggregates.summary_rows_with(exact.is_none()) {
        if dates
            .get(row.tick)
            .is_none_or(|(month, _)| *month != row.month)
        {
            if dates.len() <= row.tick {
                dates.resize_with(row.tick + 1, || (row.month, String::new()));
            }
            dates[row.tick] = (row.month, row.month.to_string());
        }
        let date = dates[row.tick].1.as_str();
        let s = row.summary;
        let quantiles = match exact {
            Some(cells) => cells.get(row.cell).copied().flatten(),
            None => s.quantiles,
        };
        if units.as_ref().is_none_or(|(m, _)| *m != row.metric) {
            units = Some((row.metric, unit(row.metric)));
        }
        let unit = units.as_ref().map_or("", |(_, u)| u.as_str());
        summary.write(&SummaryLine {
            metric: row.metric,
            tick: row.tick,
            date,
            stats: SummaryStats {
                n: s.n,
                mean: s.mean,
                sd: s.sd,
                min: s.min,
                quantiles,
                max: s.max,
            },
            se: s.sd.map(|sd| sd / (s.n as f64).sqrt()),
            unit,
        })?;
    }
    summary.finish()?;
    Ok(())
}

/// The scenario a manifest records, checked against its config hash.
pub fn scenario_from_manifest(dir: &Path, manifest: &Manifest) -> anyhow::Result<Scenario> {
    let name = dir.join(MANIFEST).display().to_string();
    let scenario = Scenario::from_text(&name, &manifest.resolved_config, None)
        .map_err(|e| anyhow::anyhow!("{}", e.lines().join("\n")))
        .with_context(|| format!("{name}: the recorded config no longer loads"))?;
    if scenario.config_hash() != manifest.config_hash {
        bail!(
            "{name}: the recorded config hashes to {}, not {} as recorded; was it edited?",
            scenario.config_hash(),
            manifest.config_hash
        );
    }
    Ok(scenario)
}

/// Peak resident memory of this process in MiB (Linux `VmHWM`), if the OS reports it.
pub fn peak_memory_mib() -> Option<f64> {
    let status = std::fs::read_to_string("/proc/self/status").ok()?;
    let line = status.lines().find(|l| l.starts_with("VmHWM:"))?;
    let kib: f64 = line.split_whitespace().nth(1)?.parse().ok()?;
    Some(kib / 1024.0)
}
