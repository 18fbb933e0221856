//! Rival projects and the operating units they run: a project life cycle (permitting,
//! construction, ramp-up, failure) paired with a miner, separator or magnet maker carrying
//! its state support; and mine projects decided during a run (greenfield entry, Chinese
//! outbound investment), added to the supply as new rivals.

use crate::SimError;
use crate::state::Supply;
use rand_chacha::ChaCha8Rng;
use remsim_core::{Month, Region};
use remsim_magnets::MagnetMaker;
use remsim_miners::Miner;
use remsim_rivals::RivalProject;
use remsim_scenario::{
    MagnetMakerConfig, MinerConfig, Owner, RivalConfig, SeparatorConfig, Stage, TickCoefficients,
};
use remsim_smelters::Separator;

/// A new mine decided during a run.
pub(crate) struct MineProject {
    /// Id (also names the project's random stream).
    pub id: String,
    /// Country code.
    pub country: String,
    /// Deposit profile name.
    pub deposit: String,
    /// Capacity, t REO per year.
    pub capacity_t: f64,
    /// Cash cost, USD/kg REO.
    pub cash_cost_usd_per_kg: f64,
    /// Years from decision to first output.
    pub lead_time_years: f64,
    /// Years from first output to full capacity.
    pub ramp_years: f64,
    /// Probability the project fails.
    pub failure_probability: f64,
    /// Region it sells concentrate to.
    pub sells_to: Region,
    /// Whether Chinese-owned.
    pub chinese_owned: bool,
    /// Builds its own separation plant at this cost, if set.
    pub separation_cost_usd_per_kg: Option<f64>,
}

/// The config of the agent that runs rival project `cfg`: the project's id, name, country
/// and capacity, `owner`, and the stage's own fields.
macro_rules! rival_agent {
    ($config:ident, $cfg:expr, $owner:expr, { $($field:ident: $value:expr),* $(,)? }) => {
        $config {
            id: $cfg.id.clone(),
            name: $cfg.name.clone(),
            country: $cfg.country.clone(),
            owner: $owner,
            capacity_t: $cfg.capacity_t,
            $($field: $value),*
        }
    };
}

/// The operating unit a rival project runs, by stage.
// Built a handful of times per trial, never stored: the size difference does not matter.
#[allow(clippy::large_enum_variant)]
pub(crate) enum RivalUnit {
    /// A mine.
    Mine(Miner),
    /// A separation plant.
    Separation(Separator),
    /// A magnet plant.
    Magnet(MagnetMaker),
}

impl Supply {
    /// Adds a new mine (and, if asked, its own separation plant) that comes online through
    /// the rival life cycle: greenfield entry and Chinese outbound investment.
    pub(crate) fn add_mine_project(
        &mut self,
        start: Month,
        month: Month,
        p: &MineProject,
        coef: &TickCoefficients,
        rng: &mut ChaCha8Rng,
    ) -> Result<(), SimError> {
        let rival = RivalConfig {
            id: p.id.clone(),
            name: format!("new project {}", p.id),
            country: p.country.clone(),
            stage: Stage::Mine,
            deposit: Some(p.deposit.clone()),
            capacity_t: p.capacity_t,
            initial_utilisation: 0.0,
            cash_cost_usd_per_kg: p.cash_cost_usd_per_kg,
            recovery: coef.project_recovery,
            decision: Some(month),
            permitting_delay_years: 0.0,
            construction_years: p.lead_time_years,
            ramp_years: p.ramp_years,
            opposition_probability: 0.0,
            opposition_delay_years: 0.0,
            failure_probability: p.failure_probability,
            subsidy_usd_per_kg: 0.0,
            offtake_share: 0.0,
            price_floor_usd_per_kg: 0.0,
            chinese_owned_share: if p.chinese_owned { 1.0 } else { 0.0 },
            sells_to: Some(p.sells_to.key().to_string()),
        };
        let project = RivalProject::from_config(&rival, start, rng).map_err(build_error)?;
        let index = self.rivals.len();
        let no_recipe = remsim_scenario::ElementMap::new();
        if let RivalUnit::Mine(miner) = rival_unit(&rival, &project, &no_recipe, coef)? {
            if miner.quota_group.is_some() {
                self.quota_miners.push(self.miners.len());
            }
            self.miner_cost_owner_region.push(miner.region());
            self.miners.push(miner);
            self.miner_rival.push(Some(index));
            self.miner_units.push(1);
        }
        if let Some(cost) = p.separation_cost_usd_per_kg {
            let plant = RivalConfig {
                stage: Stage::Separation,
                cash_cost_usd_per_kg: cost,
                ..rival
            };
            if let RivalUnit::Separation(separator) =
                rival_unit(&plant, &project, &no_recipe, coef)?
            {
                self.separator_base_floor
                    .push((separator.price_floor_usd_per_kg, separator.floor_share));
                self.separators.push(separator);
                self.separator_rival.push(Some(index));
            }
        }
        self.rivals.push(project);
        Ok(())
    }
}

/// A building error of any agent crate, as a [`SimError::Build`].
pub(crate) fn build_error(e: impl std::fmt::Display) -> SimError {
    SimError::Build(e.to_string())
}

/// Builds the operating unit of a rival project: a miner, separator or magnet maker
/// carrying the project's state support.
pub(crate) fn rival_unit(
    cfg: &RivalConfig,
    project: &RivalProject,
    reference_recipe: &remsim_scenario::ElementMap,
    coef: &TickCoefficients,
) -> Result<RivalUnit, SimError> {
    let owner = if cfg.chinese_owned_share > 0.5 {
        Owner::ChineseOwnedAbroad
    } else {
        Owner::Foreign
    };
    match cfg.stage {
        Stage::Mine => {
            let mut miner =
                Miner::from_config(&rival_mine(cfg, owner, coef)).map_err(build_error)?;
            miner.subsidy_usd_per_kg = project.subsidy_usd_per_kg;
            Ok(RivalUnit::Mine(miner))
        }
        Stage::Separation => {
            let unit = rival_agent!(SeparatorConfig, cfg, owner, {
                utilisation: 1.0,
                recovery: cfg.recovery,
                cost_usd_per_kg: cfg.cash_cost_usd_per_kg,
                purity: "high".into(),
                acid_waste_t_per_t: coef.rival_separation_acid_waste,
                start: None,
            });
            let mut sep = Separator::from_config(&unit).map_err(build_error)?;
            sep.subsidy_usd_per_kg = project.subsidy_usd_per_kg;
            sep.price_floor_usd_per_kg = project.price_floor_usd_per_kg;
            sep.floor_share = project.offtake_share;
            Ok(RivalUnit::Separation(sep))
        }
        Stage::Magnet => {
            let unit = rival_agent!(MagnetMakerConfig, cfg, owner, {
                utilisation: coef.rival_magnet_utilisation,
                re_content: coef.rival_magnet_re_content,
                recipe_pct: reference_recipe.clone(),
                gbd_share: coef.rival_magnet_gbd_share,
                gbd_heavy_cut: coef.rival_magnet_gbd_heavy_cut,
                ce_substitution: 0.0,
                yield_share: coef.rival_magnet_yield,
                cost_usd_per_kg: cfg.cash_cost_usd_per_kg,
                expansion_lead_time_years: 0.0,
                count: 1,
            });
            let mut maker = MagnetMaker::from_config(&unit).map_err(build_error)?;
            maker.subsidy_usd_per_kg = project.subsidy_usd_per_kg;
            Ok(RivalUnit::Magnet(maker))
        }
    }
}

/// The miner config of a rival mine project.
fn rival_mine(cfg: &RivalConfig, owner: Owner, coef: &TickCoefficients) -> MinerConfig {
    let deposit = cfg.deposit.clone().unwrap_or_default();
    let leached =
        remsim_core::DepositProfile::named(&deposit).is_ok_and(|d| d.deposit_type.is_leached());
    rival_agent!(MinerConfig, cfg, owner, {
        deposit: deposit,
        distribution_pct: None,
        utilisation: 1.0,
        // Overseas projects are sized on decades of reserves.
        reserves_t: cfg.capacity_t * coef.rival_reserve_years,
        grade_pct: 1.0,
        cash_cost_usd_per_kg: cfg.cash_cost_usd_per_kg,
        depletion_cost_rise: coef.rival_depletion_cost_rise,
        leaching: leached.then_some(remsim_scenario::Leaching::InSitu),
        quota_group: None,
        sells_to: cfg.sells_to.clone(),
        start: None,
        expansion_capex_usd_per_t: 0.0,
        expansion_lead_time_years: 0.0,
        expansion_step: 0.0,
        count: 1,
    })
}
