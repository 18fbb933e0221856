//! `remsim._remsim`, the native half of the `remsim` Python package: it runs remsim's
//! commands (`run`, `compare`, `sweep`, `sensitivity`, `trial`) through the same library
//! code as the command line, each batch on a thread of its own with the GIL released, and
//! hands Python a [`Job`] to poll, stop and wait for. The Python half (`remsim/`) draws the
//! progress bar, turns KeyboardInterrupt into a clean stop and reads the results folder
//! into DataFrames.
//!
//! No signal handler is installed: the module takes remsim's stop flag at import
//! (`embedded_stop_flag`), so Ctrl-C stays Python's and `Job.stop` does what Ctrl-C does
//! on the command line — the batch stops after its current block and keeps its checkpoint.

use pyo3::exceptions::{PyException, PyValueError};
use pyo3::prelude::*;
use pyo3::types::{PyBool, PyDict, PyFloat, PyInt, PyList, PyString, PyTuple};
use remsim::cmd;
use remsim::cmd::columnar::Format;
use std::path::PathBuf;
use std::process::ExitCode;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};
use std::thread::JoinHandle;

pyo3::create_exception!(
    _remsim,
    ConfigError,
    PyValueError,
    "A scenario or sweep file with mistakes: one `file:line:col: field: expected …` line per problem."
);
pyo3::create_exception!(
    _remsim,
    RemsimError,
    PyException,
    "A command that failed for another reason than its config (a folder, a file, a resume)."
);

/// What a command's thread hands back: its exit status, or its error message.
type Outcome = Result<u8, String>;

/// A command running on a thread of its own.
#[pyclass(module = "remsim._remsim")]
struct Job {
    handle: Mutex<Option<JoinHandle<Outcome>>>,
    stop: Arc<AtomicBool>,
}

#[pymethods]
impl Job {
    /// Whether the command has ended.
    fn finished(&self) -> bool {
        self.handle
            .lock()
            .map(|h| h.as_ref().is_none_or(JoinHandle::is_finished))
            .unwrap_or(true)
    }

    /// Asks the command to stop after the current block of trials, keeping the checkpoint.
    fn stop(&self) {
        self.stop.store(true, Ordering::SeqCst);
    }

    /// Waits for the end (without the GIL) and returns the exit status: 0 finished, 130
    /// stopped; raises `RemsimError` on a failure.
    fn wait(&self, py: Python<'_>) -> PyResult<u8> {
        let handle = self
            .handle
            .lock()
            .map_err(|_| RemsimError::new_err("the job's lock is poisoned"))?
            .take();
        let Some(handle) = handle else {
            return Err(RemsimError::new_err("the job was already waited for"));
        };
        let outcome = py.detach(|| handle.join());
        match outcome {
            Ok(Ok(code)) => Ok(code),
            Ok(Err(message)) => Err(RemsimError::new_err(message)),
            Err(_) => Err(RemsimError::new_err("the command panicked")),
        }
    }
}

/// The number an exit status stands for (the statuses remsim uses).
fn status(code: ExitCode) -> u8 {
    [0u8, 1, 2, 3, 130]
        .into_iter()
        .find(|c| ExitCode::from(*c) == code)
        .unwrap_or(1)
}

/// Starts `command` on a thread, with the stop flag cleared.
fn spawn(command: impl FnOnce() -> anyhow::Result<ExitCode> + Send + 'static) -> Job {
    let stop = cmd::run::embedded_stop_flag();
    stop.store(false, Ordering::SeqCst);
    let handle = std::thread::spawn(move || command().map(status).map_err(|e| format!("{e:#}")));
    Job {
        handle: Mutex::new(Some(handle)),
        stop,
    }
}

fn format(name: &str) -> PyResult<Format> {
    match name {
        "csv" => Ok(Format::Csv),
        "parquet" => Ok(Format::Parquet),
        "both" => Ok(Format::Both),
        other => Err(PyValueError::new_err(format!(
            "format must be 'csv', 'parquet' or 'both', not {other:?}"
        ))),
    }
}

/// Loads a scenario (`None`: the embedded baseline) and returns its name; raises
/// `ConfigError` with every problem, one `file:line:col: field: …` line each.
#[pyfunction]
#[pyo3(signature = (path=None))]
fn check_config(path: Option<PathBuf>) -> PyResult<String> {
    let loaded = match &path {
        Some(p) => remsim_scenario::Scenario::load(p),
        None => remsim_scenario::Scenario::baseline(),
    };
    match loaded {
        Ok(s) => Ok(s.central().scenario.name.clone()),
        Err(err) => Err(ConfigError::new_err(err.lines().join("\n"))),
    }
}

/// Loads a sweep file; raises `ConfigError` with its problems.
#[pyfunction]
fn check_sweep(path: PathBuf) -> PyResult<usize> {
    cmd::sweep_file::load(&path, None, None)
        .map(|s| s.points.len())
        .map_err(|problems| ConfigError::new_err(problems.join("\n")))
}

/// Trials run by every batch of this process so far.
#[pyfunction]
fn trials_done() -> u64 {
    cmd::run::TRIALS_DONE.load(Ordering::Relaxed)
}

/// The metric catalog as CSV: `name,unit,kind,description`.
#[pyfunction]
fn metrics_csv() -> String {
    cmd::metrics::render(cmd::metrics::Format::Csv)
}

/// A scenario file's text that extends `base` and sets each config path to its value.
#[pyfunction]
fn point_config(base: PathBuf, paths: Vec<String>, values: Vec<f64>) -> PyResult<String> {
    if paths.len() != values.len() {
        return Err(PyValueError::new_err(format!(
            "{} paths but {} values",
            paths.len(),
            values.len()
        )));
    }
    Ok(cmd::sweep_file::point_scenario(&base, &paths, &values))
}

/// A Python value as TOML: dicts, lists, str, int, float, bool.
fn toml_value(value: &Bound<'_, PyAny>, at: &str) -> PyResult<toml::Value> {
    if value.is_instance_of::<PyBool>() {
        return Ok(toml::Value::Boolean(value.extract()?));
    }
    if value.is_instance_of::<PyInt>() {
        return Ok(toml::Value::Integer(value.extract()?));
    }
    if value.is_instance_of::<PyFloat>() {
        return Ok(toml::Value::Float(value.extract()?));
    }
    if value.is_instance_of::<PyString>() {
        return Ok(toml::Value::String(value.extract()?));
    }
    if let Ok(dict) = value.cast::<PyDict>() {
        let mut table = toml::Table::new();
        for (k, v) in dict.iter() {
            let key: String = k.extract()?;
            let path = if at.is_empty() {
                key.clone()
            } else {
                format!("{at}.{key}")
            };
            table.insert(key, toml_value(&v, &path)?);
        }
        return Ok(toml::Value::Table(table));
    }
    if value.is_instance_of::<PyList>() || value.is_instance_of::<PyTuple>() {
        let items: Vec<Bound<'_, PyAny>> = value.extract()?;
        return items
            .iter()
            .enumerate()
            .map(|(i, v)| toml_value(v, &format!("{at}[{i}]")))
            .collect::<PyResult<Vec<_>>>()
            .map(toml::Value::Array);
    }
    Err(PyValueError::new_err(format!(
        "config {at}: a {} cannot be written to TOML (use dict, list, str, int, float or bool)",
        value.get_type().name()?
    )))
}

/// A config given as a dict, as TOML text.
#[pyfunction]
fn dict_to_toml(config: &Bound<'_, PyDict>) -> PyResult<String> {
    match toml_value(config.as_any(), "")? {
        toml::Value::Table(table) => {
            toml::to_string(&table).map_err(|e| PyValueError::new_err(e.to_string()))
        }
        _ => Err(PyValueError::new_err("a config must be a dict")),
    }
}

/// Starts `remsim run`.
#[pyfunction]
#[pyo3(signature = (config, out, trials, seed, threads, series, every, format_name, resume, force))]
#[allow(clippy::too_many_arguments)]
fn start_run(
    config: Option<PathBuf>,
    out: PathBuf,
    trials: Option<u64>,
    seed: Option<u64>,
    threads: Option<usize>,
    series: Vec<String>,
    every: &str,
    format_name: &str,
    resume: bool,
    force: bool,
) -> PyResult<Job> {
    let every = match every {
        "month" => cmd::run::Every::Month,
        "year" => cmd::run::Every::Year,
        other => {
            return Err(PyValueError::new_err(format!(
                "every must be 'month' or 'year', not {other:?}"
            )));
        }
    };
    let args = cmd::run::RunArgs {
        config,
        trials,
        seed,
        out: Some(out),
        exec: cmd::Execution {
            threads,
            force,
            quiet: true,
        },
        shard: None,
        resume,
        checkpoint_secs: 3.0,
        series,
        every,
        format: format(format_name)?,
    };
    Ok(spawn(move || cmd::run::run(args)))
}

/// Starts `remsim compare`.
#[pyfunction]
#[allow(clippy::too_many_arguments)]
fn start_compare(
    base: PathBuf,
    shock: PathBuf,
    out: PathBuf,
    trials: u64,
    seed: u64,
    threads: Option<usize>,
    format_name: &str,
    force: bool,
) -> PyResult<Job> {
    let args = cmd::compare::CompareArgs {
        base,
        shock,
        trials,
        seed,
        out: Some(out),
        exec: cmd::Execution {
            threads,
            force,
            quiet: true,
        },
        format: format(format_name)?,
    };
    Ok(spawn(move || cmd::compare::run(args)))
}

/// Starts `remsim sweep`.
#[pyfunction]
#[allow(clippy::too_many_arguments)]
fn start_sweep(
    sweep: PathBuf,
    out: PathBuf,
    trials: Option<u64>,
    seed: Option<u64>,
    threads: Option<usize>,
    format_name: &str,
    force: bool,
) -> PyResult<Job> {
    let args = cmd::sweep::SweepArgs {
        sweep,
        out: Some(out),
        exec: cmd::Execution {
            threads,
            force,
            quiet: true,
        },
        trials,
        seed,
        format: format(format_name)?,
    };
    Ok(spawn(move || cmd::sweep::run(args)))
}

/// Starts `remsim sensitivity`.
#[pyfunction]
#[allow(clippy::too_many_arguments)]
fn start_sensitivity(
    config: PathBuf,
    method: &str,
    samples: usize,
    outcomes: Vec<String>,
    seed: u64,
    out: PathBuf,
    levels: usize,
    threads: Option<usize>,
    format_name: &str,
    force: bool,
) -> PyResult<Job> {
    let method = match method {
        "sobol" => cmd::sensitivity::Method::Sobol,
        "morris" => cmd::sensitivity::Method::Morris,
        other => {
            return Err(PyValueError::new_err(format!(
                "method must be 'sobol' or 'morris', not {other:?}"
            )));
        }
    };
    let args = cmd::sensitivity::SensitivityArgs {
        config,
        method,
        samples,
        seed,
        outcome: outcomes,
        out: Some(out),
        levels,
        exec: cmd::Execution {
            threads,
            force,
            quiet: true,
        },
        format: format(format_name)?,
    };
    Ok(spawn(move || cmd::sensitivity::run(args)))
}

/// Writes trial `trial` of (config, seed) as a wide CSV at `out` (without the GIL).
#[pyfunction]
#[pyo3(signature = (config, seed, trial, out))]
fn write_trial(
    py: Python<'_>,
    config: Option<PathBuf>,
    seed: u64,
    trial: u64,
    out: PathBuf,
) -> PyResult<()> {
    let code = py.detach(|| {
        cmd::trial::run(cmd::trial::TrialArgs {
            config: config.as_deref(),
            seed,
            trial,
            out: &out,
            force: true,
        })
        .map(status)
        .map_err(|e| format!("{e:#}"))
    });
    match code {
        Ok(0) => Ok(()),
        Ok(c) => Err(RemsimError::new_err(format!(
            "remsim trial exited with {c}"
        ))),
        Err(message) => Err(RemsimError::new_err(message)),
    }
}

/// Converts one CSV table of a results folder to Parquet, typed as `--format parquet`
/// writes it (how `remsim.load` reads a CSV folder with the same types as a Parquet one).
#[pyfunction]
fn csv_to_parquet(
    py: Python<'_>,
    table: &str,
    csv: PathBuf,
    out: PathBuf,
    config_hash: String,
    seed: u64,
    version: String,
) -> PyResult<u64> {
    let table = remsim_columnar::Table::ALL
        .into_iter()
        .find(|t| t.name() == table)
        .ok_or_else(|| PyValueError::new_err(format!("no table {table:?}")))?;
    let meta = remsim_columnar::FileMeta {
        config_hash,
        seed,
        remsim_version: version,
    };
    py.detach(|| remsim_columnar::csv_to_parquet(table, &csv, &out, &meta))
        .map_err(|e| RemsimError::new_err(e.to_string()))
}

/// The module: remsim's stop flag is taken at import, so no signal handler is installed.
#[pymodule]
fn _remsim(m: &Bound<'_, PyModule>) -> PyResult<()> {
    let _ = cmd::run::embedded_stop_flag();
    m.add("ConfigError", m.py().get_type::<ConfigError>())?;
    m.add("RemsimError", m.py().get_type::<RemsimError>())?;
    m.add("__version__", env!("CARGO_PKG_VERSION"))?;
    m.add_class::<Job>()?;
    m.add_function(wrap_pyfunction!(check_config, m)?)?;
    m.add_function(wrap_pyfunction!(check_sweep, m)?)?;
    m.add_function(wrap_pyfunction!(trials_done, m)?)?;
    m.add_function(wrap_pyfunction!(metrics_csv, m)?)?;
    m.add_function(wrap_pyfunction!(point_config, m)?)?;
    m.add_function(wrap_pyfunction!(dict_to_toml, m)?)?;
    m.add_function(wrap_pyfunction!(start_run, m)?)?;
    m.add_function(wrap_pyfunction!(start_compare, m)?)?;
    m.add_function(wrap_pyfunction!(start_sweep, m)?)?;
    m.add_function(wrap_pyfunction!(start_sensitivity, m)?)?;
    m.add_function(wrap_pyfunction!(write_trial, m)?)?;
    m.add_function(wrap_pyfunction!(csv_to_parquet, m)?)?;
    Ok(())
}
