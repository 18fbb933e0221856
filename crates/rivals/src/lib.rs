//! `remsim-rivals` holds the [`RivalProject`]: the life of an overseas mine, separation
//! plant or magnet plant outside China — permitting delay, environmental opposition,
//! construction, a ramp-up learning curve, possible failure — and the state support it
//! enjoys (subsidy, offtake, price floor) and the share Chinese investors own.
//!
//! It depends on `remsim-core` and `remsim-scenario` only; it knows no other agent kind. The
//! simulation pairs each project with an operating unit of its stage and scales that unit's
//! capacity by [`RivalProject::capacity_share`]. Invariant: the project's random events are
//! drawn once, at construction, from its own stream, so nothing else in the trial shifts them.

use rand::{Rng, RngExt};
use remsim_core::{Country, Month};
use remsim_scenario::{RivalConfig, Stage};

/// Output share reached at the end of the ramp: the learning curve is
/// `1 − exp(−k·t/ramp)` with `k` chosen so that it reaches 95% at `t = ramp`.
pub const RAMP_REACHED: f64 = 0.95;

/// Where a project stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Phase {
    /// Waiting for permits (including delay from opposition).
    Permitting,
    /// Being built.
    Construction,
    /// Producing on the learning curve.
    RampUp,
    /// At full capacity.
    Operating,
    /// Failed for good.
    Failed,
}

/// Why a rival could not be built.
#[derive(Debug, thiserror::Error)]
#[error("rival `{id}`: {message}")]
pub struct RivalError {
    /// Its id.
    pub id: String,
    /// What is wrong.
    pub message: String,
}

/// An overseas project and its timeline, drawn for one trial.
#[derive(Debug, Clone)]
pub struct RivalProject {
    /// Config id.
    pub id: String,
    /// Where it is.
    pub country: Country,
    /// Stage it competes in.
    pub stage: Stage,
    /// Share of capacity produced before the timeline starts (operations already running).
    pub initial_share: f64,
    /// First month of output (None = producing from the start).
    pub first_output: Option<Month>,
    /// Months from first output to 95% of capacity.
    pub ramp_months: f64,
    /// Month it fails, if it does in this trial.
    pub fails_at: Option<Month>,
    /// Whether opposition delayed it in this trial.
    pub opposed: bool,
    /// Subsidy, USD/kg of product.
    pub subsidy_usd_per_kg: f64,
    /// Offtake share under the price floor.
    pub offtake_share: f64,
    /// Floor for Nd/Pr oxide, USD/kg (0 = none).
    pub price_floor_usd_per_kg: f64,
    /// Share owned by Chinese investors.
    pub chinese_owned_share: f64,
}

impl RivalProject {
    /// Builds the project and draws its fate from `rng` (its own stream): whether
    /// opposition delays it, and whether and when during ramp-up it fails.
    pub fn from_config<R: Rng>(
        cfg: &RivalConfig,
        trial_start: Month,
        rng: &mut R,
    ) -> Result<RivalProject, RivalError> {
        let country = Country::parse(&cfg.country).map_err(|e| RivalError {
            id: cfg.id.clone(),
            message: e.to_string(),
        })?;
        // Draws happen in a fixed order whatever the config says, so switching one
        // feature off does not shift the others' draws (common random numbers).
        let u_opposition: f64 = rng.random();
        let u_failure: f64 = rng.random();
        let u_failure_time: f64 = rng.random();
        let opposed = u_opposition < cfg.opposition_probability;
        let months = |years: f64| (years.max(0.0) * 12.0).round() as i32;
        let first_output = cfg.decision.map(|decision| {
            let delay = cfg.permitting_delay_years
                + cfg.construction_years
                + if opposed {
                    cfg.opposition_delay_years
                } else {
                    0.0
                };
            decision.add_months(months(delay).max(1))
        });
        let ramp_months = (cfg.ramp_years.max(0.0) * 12.0).max(0.0);
        let fails_at = (u_failure < cfg.failure_probability).then(|| {
            // Failure strikes during the ramp (Mountain Pass closed in 2015 after its restart).
            let begin = first_output.unwrap_or(trial_start);
            begin.add_months((u_failure_time * ramp_months.max(12.0)).round() as i32)
        });
        Ok(RivalProject {
            id: cfg.id.clone(),
            country,
            stage: cfg.stage,
            initial_share: cfg.initial_utilisation.clamp(0.0, 1.0),
            first_output,
            ramp_months,
            fails_at,
            opposed,
            subsidy_usd_per_kg: cfg.subsidy_usd_per_kg.max(0.0),
            offtake_share: cfg.offtake_share.clamp(0.0, 1.0),
            price_floor_usd_per_kg: cfg.price_floor_usd_per_kg.max(0.0),
            chinese_owned_share: cfg.chinese_owned_share.clamp(0.0, 1.0),
        })
    }

    /// Phase in `month`, given the trial's start.
    pub fn phase(&self, month: Month, trial_start: Month) -> Phase {
        if self.fails_at.is_some_and(|f| month >= f) {
            return Phase::Failed;
        }
        let ramp_start = self.first_output.unwrap_or(trial_start);
        if month < ramp_start {
            return if self.first_output.is_some() && self.initial_share > 0.0 {
                Phase::RampUp
            } else {
                Phase::Permitting
            };
        }
        if self.ramp_months <= 0.0 || month.months_since(ramp_start) as f64 >= self.ramp_months {
            Phase::Operating
        } else {
            Phase::RampUp
        }
    }

    /// Share of full capacity available in `month`: the initial share until first output,
    /// then the learning curve from there (never below the initial share), zero once failed.
    #[inline]
    pub fn capacity_share(&self, month: Month, trial_start: Month) -> f64 {
        if self.fails_at.is_some_and(|f| month >= f) {
            return 0.0;
        }
        let ramp_start = self.first_output.unwrap_or(trial_start);
        if month < ramp_start {
            return self.initial_share;
        }
        let t = month.months_since(ramp_start) as f64;
        let curve = if self.ramp_months <= 0.0 {
            1.0
        } else {
            let k = -(1.0 - RAMP_REACHED).ln();
            1.0 - (-k * t / self.ramp_months).exp()
        };
        // An operation already producing ramps from where it stands.
        (self.initial_share + (1.0 - self.initial_share) * curve).clamp(0.0, 1.0)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use remsim_core::rng::stream_rng;

    fn config() -> RivalConfig {
        RivalConfig {
            id: "r".into(),
            name: "r".into(),
            country: "AU".into(),
            stage: Stage::Mine,
            deposit: Some("mount_weld".into()),
            capacity_t: 10000.0,
            initial_utilisation: 0.0,
            cash_cost_usd_per_kg: 9.0,
            recovery: 0.9,
            decision: Month::new(2025, 1),
            permitting_delay_years: 1.0,
            construction_years: 2.0,
            ramp_years: 3.0,
            opposition_probability: 0.0,
            opposition_delay_years: 2.0,
            failure_probability: 0.0,
            subsidy_usd_per_kg: 0.0,
            offtake_share: 0.0,
            price_floor_usd_per_kg: 0.0,
            chinese_owned_share: 0.0,
            sells_to: None,
        }
    }

    #[test]
    fn timeline_follows_permitting_construction_and_ramp() {
        let start = Month::new(2025, 1).unwrap();
        let p = RivalProject::from_config(
            &config(),
            Month::new(2025, 1).unwrap(),
            &mut stream_rng(1, 0, 0),
        )
        .unwrap();
        assert_eq!(p.first_output, Month::new(2028, 1));
        assert_eq!(p.capacity_share(Month::new(2027, 12).unwrap(), start), 0.0);
        assert_eq!(
            p.phase(Month::new(2027, 12).unwrap(), start),
            Phase::Permitting
        );
        let end_of_ramp = p.capacity_share(Month::new(2031, 1).unwrap(), start);
        assert!((end_of_ramp - RAMP_REACHED).abs() < 1e-12);
        assert_eq!(
            p.phase(Month::new(2031, 1).unwrap(), start),
            Phase::Operating
        );
    }

    #[test]
    fn opposition_delays_and_failure_stops() {
        let start = Month::new(2025, 1).unwrap();
        let mut cfg = config();
        cfg.opposition_probability = 1.0;
        cfg.failure_probability = 1.0;
        let p =
            RivalProject::from_config(&cfg, Month::new(2025, 1).unwrap(), &mut stream_rng(1, 0, 0))
                .unwrap();
        assert!(p.opposed);
        assert_eq!(p.first_output, Month::new(2030, 1));
        let fails = p.fails_at.unwrap();
        assert!(fails >= Month::new(2030, 1).unwrap() && fails <= Month::new(2033, 1).unwrap());
        assert_eq!(p.capacity_share(fails, start), 0.0);
        assert_eq!(p.phase(fails, start), Phase::Failed);
    }

    #[test]
    fn running_operations_ramp_from_where_they_stand() {
        let start = Month::new(2025, 1).unwrap();
        let mut cfg = config();
        cfg.decision = None;
        cfg.initial_utilisation = 0.4;
        let p =
            RivalProject::from_config(&cfg, Month::new(2025, 1).unwrap(), &mut stream_rng(1, 0, 0))
                .unwrap();
        assert_eq!(p.capacity_share(start, start), 0.4);
        assert!(p.capacity_share(start.add_months(36), start) > 0.96);
    }

    #[test]
    fn failure_frequency_matches_its_probability() {
        let mut cfg = config();
        cfg.failure_probability = 0.3;
        let failed = (0..4000)
            .filter(|&t| {
                RivalProject::from_config(
                    &cfg,
                    Month::new(2025, 1).unwrap(),
                    &mut stream_rng(5, t, 9),
                )
                .unwrap()
                .fails_at
                .is_some()
            })
            .count();
        assert!((failed as f64 / 4000.0 - 0.3).abs() < 0.03, "{failed}");
    }
}
