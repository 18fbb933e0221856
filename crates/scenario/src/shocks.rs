//! Shocks and policies that switch on during a run: each `[[shocks]]` entry has an `id`, a
//! timing (`when`) and exactly one effect table, named by its kind. Every number in them may
//! be a distribution, drawn once per trial like any other.
//!
//! ```toml
//! [[shocks]]
//! id = "myanmar-closure"
//! description = "Border closures as in 2021-22"
//! when = { start = "2027-01", ramp_months = 1, duration_months = 6 }
//! supply_disruption = { countries = ["MM"], fraction = 0.6 }
//!
//! [[shocks]]
//! id = "random-closures"
//! when = { hazard_per_year = 0.3, duration_months = { uniform = [2, 9] } }
//! supply_disruption = { countries = ["MM"], fraction = { uniform = [0.3, 0.9] } }
//! ```

use remsim_core::Month;
use serde::{Deserialize, Serialize};

use crate::schema::ElementMap;

/// When a shock acts.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ShockTiming {
    /// Scheduled onset (give this or `hazard_per_year`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub start: Option<Month>,
    /// Months over which the effect grows linearly from nothing to full.
    #[serde(default)]
    pub ramp_months: f64,
    /// How long it lasts once at full strength, months; absent = to the end.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub duration_months: Option<f64>,
    /// Stochastic instead: events arrive at this yearly rate (Poisson), each lasting
    /// `duration_months` at full strength.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub hazard_per_year: Option<f64>,
    /// First month in which stochastic events can start (default: the scenario start).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub from: Option<Month>,
    /// Last month in which stochastic events can start (default: the scenario end).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub until: Option<Month>,
}

/// One shock or policy change.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ShockConfig {
    /// Unique id (also names its random stream).
    pub id: String,
    /// What it represents and where its numbers come from.
    #[serde(default)]
    pub description: String,
    /// When it acts.
    pub when: ShockTiming,
    /// Rare-earth-free motors: a new adoption curve for the listed demand sectors.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub ree_free: Option<ReeFreeShock>,
    /// Ce replacing Nd+Pr in magnets.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub ce_substitution: Option<MagnetShareShock>,
    /// Dy/Tb reduction in magnets (beyond diffusion already in recipes).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub heavy_reduction: Option<MagnetShareShock>,
    /// Export quota by element.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub export_quota: Option<ElementTonnesShock>,
    /// Export licences (rationing; approval 0 = ban) by element.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub export_licence: Option<LicenceShock>,
    /// Tariff on trade from China to the rest of the world.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub tariff: Option<TariffShock>,
    /// Shipping or war disruption of the China → rest-of-world route.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub shipping: Option<ShippingShock>,
    /// Mine or country disruption.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub supply_disruption: Option<DisruptionShock>,
    /// Green-mining mandate: heap/pond leaching banned while active.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub green_mining: Option<GreenMiningShock>,
    /// Superconducting magnetic separation adopted by separators.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub magnetic_separation: Option<MagneticSeparationShock>,
    /// Element-level extraction quotas in China.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub element_quota: Option<ElementTonnesShock>,
    /// Consolidation of small and illegal miners into the state groups.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub consolidation: Option<ConsolidationShock>,
    /// Producer-responsibility recycling mandate.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub epr_recycling: Option<RecyclingShock>,
    /// Deep-processing push: more magnet capacity in China.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub deep_processing: Option<DeepProcessingShock>,
    /// Chinese investment in a mine abroad, selling its concentrate to China.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub outbound_investment: Option<OutboundShock>,
    /// Technology export to newcomer countries' miners.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub technology_export: Option<TechnologyExportShock>,
    /// A strategic stockpile programme.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub stockpile: Option<StockpileShock>,
    /// A price floor abroad for NdPr oxide.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub price_floor: Option<PriceFloorShock>,
    /// A demand surge or slump in end uses.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub demand: Option<DemandShock>,
}

impl ShockConfig {
    /// The effect kinds this entry sets, by config name.
    pub fn kinds(&self) -> Vec<&'static str> {
        let mut kinds = Vec::new();
        let mut add = |set: bool, name| {
            if set {
                kinds.push(name);
            }
        };
        add(self.ree_free.is_some(), "ree_free");
        add(self.ce_substitution.is_some(), "ce_substitution");
        add(self.heavy_reduction.is_some(), "heavy_reduction");
        add(self.export_quota.is_some(), "export_quota");
        add(self.export_licence.is_some(), "export_licence");
        add(self.tariff.is_some(), "tariff");
        add(self.shipping.is_some(), "shipping");
        add(self.supply_disruption.is_some(), "supply_disruption");
        add(self.green_mining.is_some(), "green_mining");
        add(self.magnetic_separation.is_some(), "magnetic_separation");
        add(self.element_quota.is_some(), "element_quota");
        add(self.consolidation.is_some(), "consolidation");
        add(self.epr_recycling.is_some(), "epr_recycling");
        add(self.deep_processing.is_some(), "deep_processing");
        add(self.outbound_investment.is_some(), "outbound_investment");
        add(self.technology_export.is_some(), "technology_export");
        add(self.stockpile.is_some(), "stockpile");
        add(self.price_floor.is_some(), "price_floor");
        add(self.demand.is_some(), "demand");
        kinds
    }
}

/// Every effect kind, for messages.
pub const SHOCK_KINDS: [&str; 19] = [
    "ree_free",
    "ce_substitution",
    "heavy_reduction",
    "export_quota",
    "export_licence",
    "tariff",
    "shipping",
    "supply_disruption",
    "green_mining",
    "magnetic_separation",
    "element_quota",
    "consolidation",
    "epr_recycling",
    "deep_processing",
    "outbound_investment",
    "technology_export",
    "stockpile",
    "price_floor",
    "demand",
];

/// A new logistic adoption curve for rare-earth-free motors.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ReeFreeShock {
    /// Demand sector ids (magnet sectors).
    pub sectors: Vec<String>,
    /// Year of half the ceiling.
    pub midpoint_year: f64,
    /// Steepness, per year.
    pub steepness: f64,
    /// Highest share.
    pub ceiling: f64,
}

/// A share applied to magnet makers (Ce substitution or a further Dy/Tb cut).
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct MagnetShareShock {
    /// The share at full strength.
    pub share: f64,
    /// Regions of the makers it applies to (`cn`, `row`); default both.
    #[serde(default)]
    pub regions: Vec<String>,
}

/// Tonnes per year by element.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ElementTonnesShock {
    /// t REO per year by element.
    pub t_per_year: ElementMap,
}

/// Export licences.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct LicenceShock {
    /// Elements that need a licence.
    pub elements: Vec<String>,
    /// Share of the rest of the world's need that licences approve (0 = ban).
    pub approval: f64,
    /// Months before the first approvals.
    #[serde(default)]
    pub delay_months: f64,
}

/// A tariff on trade from China to the rest of the world.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct TariffShock {
    /// Elements it covers; empty = all.
    #[serde(default)]
    pub elements: Vec<String>,
    /// Rate, fraction of value.
    pub rate: f64,
}

/// Disruption of the trade route.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ShippingShock {
    /// Share of link capacity lost at full strength.
    #[serde(default)]
    pub capacity_cut: f64,
    /// Extra freight and insurance, USD/kg.
    #[serde(default)]
    pub freight_add_usd_per_kg: f64,
}

/// Lost output at named mines or in named countries.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct DisruptionShock {
    /// Miner or rival ids.
    #[serde(default)]
    pub miners: Vec<String>,
    /// Country codes (every miner there).
    #[serde(default)]
    pub countries: Vec<String>,
    /// Share of output lost at full strength.
    pub fraction: f64,
}

/// Heap/pond leaching banned while active.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct GreenMiningShock {
    /// Whether small and illegal workings are forced too (enforcement); default no.
    #[serde(default)]
    pub enforce_on_illegal: bool,
    /// Share of heap/pond output lost while the ban ramps in (workings converting).
    #[serde(default)]
    pub conversion_outage: f64,
}

/// Superconducting magnetic separation: less ore reaches smelting.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct MagneticSeparationShock {
    /// Share of separation capacity that adopts it at full strength.
    pub adoption: f64,
    /// Share of acid waste and radioactive residue avoided where adopted.
    pub waste_cut: f64,
    /// Share of processing cost saved where adopted (less energy and reagent).
    pub cost_cut: f64,
}

/// Consolidation of small and illegal miners.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ConsolidationShock {
    /// Share of small and illegal capacity closed or brought under quota.
    pub share: f64,
}

/// Producer-responsibility recycling mandate.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RecyclingShock {
    /// End-of-life collection rate reached at full strength.
    pub collection_rate: f64,
    /// Regions (`cn`, `row`); default both.
    #[serde(default)]
    pub regions: Vec<String>,
    /// Recycling capacity added at full strength, share of current.
    #[serde(default)]
    pub capacity_growth: f64,
}

/// Deep-processing push in China.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct DeepProcessingShock {
    /// Magnet capacity added in China at full strength, share of current.
    pub magnet_capacity_growth: f64,
}

/// Chinese investment in a mine abroad.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct OutboundShock {
    /// Country code of the mine.
    pub country: String,
    /// Named element distribution.
    pub deposit: String,
    /// Capacity, t REO per year.
    pub capacity_t: f64,
    /// Cash cost, USD/kg REO.
    pub cash_cost_usd_per_kg: f64,
    /// Years from the shock's start to first output.
    pub lead_time_years: f64,
    /// Years of ramp-up.
    pub ramp_years: f64,
    /// Chance the project fails.
    #[serde(default)]
    pub failure_probability: f64,
}

/// Technology export to newcomer countries.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct TechnologyExportShock {
    /// Country codes receiving it.
    pub countries: Vec<String>,
    /// Share of cash cost saved at full strength.
    #[serde(default)]
    pub cost_cut: f64,
    /// Whether their clay miners move to in-situ leaching.
    #[serde(default)]
    pub in_situ: bool,
    /// Capacity added at full strength, share of current.
    #[serde(default)]
    pub capacity_growth: f64,
}

/// A stockpile programme.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct StockpileShock {
    /// `cn` or `row`.
    pub region: String,
    /// Target months of the region's demand, by element.
    pub target_months: ElementMap,
    /// Buys below this multiple of the opening price.
    pub buy_below: f64,
    /// Releases above this multiple (0 = never).
    #[serde(default)]
    pub release_above: f64,
}

/// A price floor abroad.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct PriceFloorShock {
    /// Floor for Nd and Pr oxide, USD/kg.
    pub usd_per_kg: f64,
    /// Share of rest-of-world separators' NdPr output it covers.
    pub share: f64,
}

/// Demand surge or slump.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct DemandShock {
    /// Demand sector ids.
    pub sectors: Vec<String>,
    /// Multiplier on their demand at full strength (1.3 = +30%).
    pub factor: f64,
}
