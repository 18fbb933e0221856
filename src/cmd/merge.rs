//! `remsim merge`: combines the results folders of a batch's shards into the folder the
//! unsharded batch would have written, byte for byte (timing.json aside).
//!
//! It refuses, naming the folders concerned: shards of another config, seed, trial count,
//! shard count or remsim version; a shard given twice; a missing shard; an unfinished one.

use super::columnar::Format;
use super::folder::{Folder, INPUTS, MANIFEST, SERIES, TIMING, TRIALS, VALUES, peak_memory_mib};
use super::report;
use anyhow::bail;
use clap::Args;
use remsim_io::{Manifest, RowsWriter, ShardRecord, Timing, TrialsReader, TrialsWriter};
use remsim_scheduler::{QuantileMethod, Shard};
use std::path::PathBuf;
use std::process::ExitCode;
use std::time::Instant;

/// Options of `remsim merge`.
#[derive(Debug, Args)]
pub struct MergeArgs {
    /// The shards' results folders, in any order.
    #[arg(required = true, num_args = 1..)]
    pub dirs: Vec<PathBuf>,
    /// Folder for the merged results.
    #[arg(long)]
    pub out: PathBuf,
    /// Overwrite the results in --out.
    #[arg(long)]
    pub force: bool,
    /// No summary on stdout.
    #[arg(long)]
    pub quiet: bool,
    /// Table files of the merged folder [default: both when the shards hold Parquet
    /// files, else csv]. The Parquet files equal an unsharded batch's, byte for byte.
    #[arg(long, value_enum)]
    pub format: Option<Format>,
}

/// Refuses to write the merged folder over one of its shards.
fn check_out_is_not_a_shard(shards: &[(Folder, Manifest)], out: &Folder) -> anyhow::Result<()> {
    for (folder, _) in shards {
        if same_dir(&folder.dir, &out.dir) {
            bail!(
                "--out {} is one of the shards being merged; choose another folder",
                out.dir.display()
            );
        }
    }
    Ok(())
}

/// Writes the merged `trials.csv`: every shard's rows in trial order, checked to be the
/// shard's own trials, complete and with the same columns.
fn concat_trials(
    out: &Folder,
    shards: &[(Folder, Manifest)],
    columns: &[String],
) -> anyhow::Result<()> {
    let mut writer = TrialsWriter::create(&out.file(TRIALS), columns)?;
    for (folder, m) in shards {
        let path = folder.file(TRIALS);
        let (mut reader, _) = TrialsReader::open(&path)?;
        if reader.header() != TrialsWriter::header(columns).as_slice() {
            bail!(
                "{}: its columns differ from the other shards'",
                path.display()
            );
        }
        let mut expected = m.shard.first_trial;
        while let Some((trial, record)) = reader.next_row()? {
            if trial != expected || trial >= m.shard.end_trial {
                bail!(
                    "{}: row for trial {trial} where trial {expected} was expected (the shard holds trials {}..{})",
                    path.display(),
                    m.shard.first_trial,
                    m.shard.end_trial
                );
            }
            writer.write_raw(&record)?;
            expected += 1;
        }
        check_ends(&path, m, expected)?;
    }
    writer.sync()?;
    Ok(())
}

/// `remsim merge`.
pub fn run(args: MergeArgs) -> anyhow::Result<ExitCode> {
    if let Some(format) = args.format {
        format.ensure_available()?;
    }
    let started = Instant::now();
    let mut shards: Vec<(Folder, Manifest)> = Vec::new();
    for dir in &args.dirs {
        let folder = Folder::new(dir);
        let manifest = folder.verified()?;
        shards.push((folder, manifest));
    }
    check_compatible(&shards)?;
    shards.sort_by_key(|(_, m)| m.shard.index);
    check_complete(&shards)?;
    let out = Folder::new(&args.out);
    check_out_is_not_a_shard(&shards, &out)?;

    // Every shard must be finished and its aggregates readable before anything is written.
    let mut merged = None;
    let mut parts = Vec::new();
    for (folder, manifest) in &shards {
        let aggregates = folder.aggregates(manifest)?;
        match &mut merged {
            None => merged = Some(aggregates),
            Some(m) => m.merge(&aggregates)?,
        }
        parts.push(Timing {
            blake3: String::new(),
            ..Timing::read(&folder.file(TIMING))?
        });
    }
    let Some(merged) = merged else {
        bail!("no shard to merge");
    };
    let first = &shards[0].1;
    // Exact quantiles need every shard's values; shards written without them (by a remsim
    // before exact quantiles) merge with the sketch's, and the manifest says so.
    let values: Vec<PathBuf> = shards.iter().map(|(f, _)| f.file(VALUES)).collect();
    let have_values = values.iter().all(|p| p.is_file());
    let method = if have_values {
        QuantileMethod::for_trials(first.trials)
    } else {
        QuantileMethod::Sketch
    };
    let manifest = Manifest {
        shard: ShardRecord {
            index: 0,
            count: 1,
            first_trial: 0,
            end_trial: first.trials,
        },
        complete: false,
        files: Vec::new(),
        quantile_method: method.name().to_string(),
        quantile_rel_error: method.rel_error(),
        ..first.clone()
    };

    out.prepare_fresh(args.force)?;
    manifest.write(&out.file(MANIFEST))?;
    let columns: Vec<String> = merged
        .outcome_spec()
        .columns()
        .iter()
        .map(|c| c.name.clone())
        .collect();
    concat_trials(&out, &shards, &columns)?;
    concat_rows(&out, &shards, INPUTS, true)?;
    if shards.iter().all(|(f, _)| f.file(SERIES).exists()) {
        concat_rows(&out, &shards, SERIES, false)?;
    }
    out.write_outputs(&manifest, &merged, &values)?;
    let wall = started.elapsed().as_secs_f64();
    let timing = Timing {
        kind: "merge".to_string(),
        wall_s: wall,
        trials_run: 0,
        trials_per_s: 0.0,
        threads: 1,
        resumed_at_trial: None,
        peak_memory_mib: peak_memory_mib(),
        parts,
        blake3: String::new(),
    };
    timing.write(&out.file(TIMING))?;
    out.mark_complete(&manifest)?;
    let parquet_shards = shards
        .iter()
        .any(|(f, _)| f.file("summary.parquet").exists());
    let format = args.format.unwrap_or(if parquet_shards {
        Format::Both
    } else {
        Format::Csv
    });
    super::columnar::apply(&out.dir, format)?;
    if !args.quiet {
        println!(
            "merged {} shards into {}\n",
            shards.len(),
            out.dir.display()
        );
        print!("{}", report::summary(&out, &manifest, &merged, None));
    }
    Ok(ExitCode::SUCCESS)
}

/// Concatenates the shards' `name` (`inputs.csv`, `series.csv`) into `out`'s, checking
/// the headers agree and the rows are the shard's trials in order (`one_per_trial`: each
/// trial exactly once).
fn concat_rows(
    out: &Folder,
    shards: &[(Folder, Manifest)],
    name: &str,
    one_per_trial: bool,
) -> anyhow::Result<()> {
    let mut writer: Option<RowsWriter> = None;
    let mut header: Vec<String> = Vec::new();
    for (folder, m) in shards {
        let path = folder.file(name);
        let (mut reader, _) = TrialsReader::open(&path)?;
        let writer = match writer.as_mut() {
            Some(w) => {
                if reader.header() != header.as_slice() {
                    bail!(
                        "{}: its columns differ from the other shards'",
                        path.display()
                    );
                }
                w
            }
            None => {
                header = reader.header().to_vec();
                let names: Vec<&str> = header.iter().map(String::as_str).collect();
                writer.insert(RowsWriter::create(&out.file(name), &names)?)
            }
        };
        let mut expected = m.shard.first_trial;
        while let Some((trial, record)) = reader.next_row()? {
            // series.csv has several rows per trial, in a run: the same trial again or the next.
            let in_order = trial == expected || (!one_per_trial && trial + 1 == expected);
            if !in_order
                || trial >= m.shard.end_trial
                || (trial + 1 == expected && trial < m.shard.first_trial)
            {
                bail!(
                    "{}: row for trial {trial} out of order (the shard holds trials {}..{})",
                    path.display(),
                    m.shard.first_trial,
                    m.shard.end_trial
                );
            }
            writer.raw(&record)?;
            expected = trial + 1;
        }
        check_ends(&path, m, expected)?;
    }
    if let Some(w) = writer.as_mut() {
        w.sync()?;
    }
    Ok(())
}

/// Refuses a shard's file at `path` whose rows end before trial `expected` when the shard
/// (`m`) holds trials up to its end.
fn check_ends(path: &std::path::Path, m: &Manifest, expected: u64) -> anyhow::Result<()> {
    if expected != m.shard.end_trial {
        bail!(
            "{}: ends at trial {expected}, but the shard holds trials {}..{}",
            path.display(),
            m.shard.first_trial,
            m.shard.end_trial
        );
    }
    Ok(())
}

/// Every shard belongs to the same batch as the first one.
fn check_compatible(shards: &[(Folder, Manifest)]) -> anyhow::Result<()> {
    let Some((first_folder, first)) = shards.first() else {
        bail!("no folder to merge");
    };
    let ours = env!("CARGO_PKG_VERSION");
    for (folder, m) in shards {
        if m.remsim_version != ours {
            bail!(
                "{} was written by remsim {}, but this is remsim {ours}; merge shards with the remsim that ran them",
                folder.dir.display(),
                m.remsim_version
            );
        }
        let differences = [
            (
                "config",
                m.config_hash != first.config_hash,
                format!("{} ({})", m.scenario, short(&m.config_hash)),
                format!("{} ({})", first.scenario, short(&first.config_hash)),
            ),
            (
                "seed",
                m.seed != first.seed,
                m.seed.to_string(),
                first.seed.to_string(),
            ),
            (
                "trial count",
                m.trials != first.trials,
                m.trials.to_string(),
                first.trials.to_string(),
            ),
            (
                "shard count",
                m.shard.count != first.shard.count,
                m.shard.count.to_string(),
                first.shard.count.to_string(),
            ),
        ];
        for (what, differs, theirs, firsts) in differences {
            if differs {
                bail!(
                    "{} and {} are not shards of one batch: different {what} ({theirs} vs {firsts})",
                    folder.dir.display(),
                    first_folder.dir.display()
                );
            }
        }
        let shard = Shard {
            index: m.shard.index,
            count: m.shard.count,
        };
        let range = shard.range(m.trials);
        if m.shard.index >= m.shard.count
            || (m.shard.first_trial, m.shard.end_trial) != (range.start, range.end)
        {
            bail!(
                "{}: its manifest's shard {}/{} does not hold trials {}..{}",
                folder.dir.display(),
                m.shard.index,
                m.shard.count,
                m.shard.first_trial,
                m.shard.end_trial
            );
        }
    }
    Ok(())
}

/// Each shard exactly once (`shards` sorted by index).
fn check_complete(shards: &[(Folder, Manifest)]) -> anyhow::Result<()> {
    for pair in shards.windows(2) {
        if pair[0].1.shard.index == pair[1].1.shard.index {
            bail!(
                "shard {}/{} is given twice: {} and {} overlap (trials {}..{})",
                pair[0].1.shard.index,
                pair[0].1.shard.count,
                pair[0].0.dir.display(),
                pair[1].0.dir.display(),
                pair[0].1.shard.first_trial,
                pair[0].1.shard.end_trial
            );
        }
    }
    let Some((_, first)) = shards.first() else {
        bail!("no folder to merge");
    };
    let count = first.shard.count;
    let missing: Vec<String> = (0..count)
        .filter(|k| !shards.iter().any(|(_, m)| m.shard.index == *k))
        .map(|k| {
            let r = Shard { index: k, count }.range(first.trials);
            format!("{k}/{count} (trials {}..{})", r.start, r.end)
        })
        .collect();
    if !missing.is_empty() {
        bail!(
            "missing shard{} {}: a merge needs all {count} shards of the batch",
            if missing.len() > 1 { "s" } else { "" },
            missing.join(", ")
        );
    }
    Ok(())
}

fn short(hash: &str) -> &str {
    hash.get(..12).unwrap_or(hash)
}

fn same_dir(a: &std::path::Path, b: &std::path::Path) -> bool {
    match (a.canonicalize(), b.canonicalize()) {
        (Ok(x), Ok(y)) => x == y,
        _ => a == b,
    }
}
