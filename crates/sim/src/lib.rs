//! `remsim-sim` runs one trial: it builds the world from a scenario's drawn config — every
//! agent of every kind, the market for each element, the policy state — and ticks it month
//! by month: policy → demand → production decisions → market clearing → settlement and
//! investment → observation, writing a fixed set of metrics ([`metrics`]) every tick.
//!
//! It owns the world state where agents meet: regional oxide stocks, concentrate pools,
//! scrap, magnets in use, prices and expectations. It depends on `remsim-core`,
//! `remsim-market`, `remsim-scenario` and every agent crate; nothing below depends on it,
//! and it runs no threads (parallelism lives in the scheduler). Invariants, checked every
//! tick and written as `balance.max_rel_error`: mined + collected scrap = consumed + losses
//! plus the change in stocks, element by element; no stock, price or capacity goes
//! negative; a trial depends only on (config, master seed, trial index).

// Regions are indexed 0 (China) and 1 (rest of world) across several parallel arrays; an
// index loop says that more plainly than zipped iterators.
#![allow(clippy::needless_range_loop)]

mod build;
pub mod metrics;
pub mod policy;
mod projects;
pub mod shocks;
mod state;
mod tick;
mod world;

use remsim_core::Trajectory;
use remsim_scenario::ScenarioConfig;
use std::sync::Arc;

pub use world::World;

/// Why a trial could not run.
#[derive(Debug, thiserror::Error)]
pub enum SimError {
    /// The config could not be turned into a world (validation normally catches this).
    #[error("building the world: {0}")]
    Build(String),
    /// The market refused a book: a bug, reported rather than hidden.
    #[error("market clearing failed: {0}")]
    Market(String),
    /// An invariant broke (mass balance, a negative stock, price or capacity): a bug in
    /// the model, reported with the month and what broke rather than written as output.
    #[error("invariant broken in {month}: {what}")]
    Invariant {
        /// The month, `YYYY-MM`.
        month: String,
        /// What broke.
        what: String,
    },
}

/// Largest mass-balance residual accepted in any tick, relative to the tonnes in play.
pub const MAX_BALANCE_ERROR: f64 = 1e-9;

/// Runs trial `trial` of a drawn config (see `remsim_scenario::Scenario::draw`).
pub fn run_trial(
    config: &ScenarioConfig,
    master_seed: u64,
    trial: u64,
) -> Result<Trajectory, SimError> {
    World::new(config, master_seed, trial)?.run()
}

/// The metric names every trial writes, in column order.
pub fn metric_names() -> Arc<[String]> {
    metrics::MetricIndex::new().names
}
