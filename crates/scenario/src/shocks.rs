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

/// Declares the shock kinds: for each, its config key, its [`ShockEffect`] variant and its
/// effect table's type. From this one list come the optional effect tables of
/// [`ShockConfig`] (so a config error names file, line and the nearest valid key), the
/// effect enum the simulation and validation `match` on exhaustively, and the kinds' names
/// for messages. Adding a kind is one line here plus its table's type; the compiler then
/// points at every `match` that must handle it.
macro_rules! shock_kinds {
    ($( $(#[doc = $doc:literal])* $key:ident => $variant:ident($ty:ty); )*) => {
        /// One shock or policy change: an id, a timing and exactly one effect table, named
        /// by its kind (checked by validation; see [`ShockConfig::effects`]).
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
            $(
                $(#[doc = $doc])*
                #[serde(default, skip_serializing_if = "Option::is_none")]
                pub $key: Option<$ty>,
            )*
        }

        /// What a shock does: one variant per kind, holding its effect table.
        #[derive(Debug, Clone, Copy)]
        pub enum ShockEffect<'a> {
            $( $(#[doc = $doc])* $variant(&'a $ty), )*
        }

        impl ShockEffect<'_> {
            /// The kind's config key.
            pub fn kind(&self) -> &'static str {
                match self {
                    $( ShockEffect::$variant(_) => stringify!($key), )*
                }
            }
        }

        impl ShockConfig {
            /// Every kind's config key, in declaration order (for messages).
            pub const KINDS: &'static [&'static str] = &[ $( stringify!($key), )* ];

            /// The effect tables this entry sets, in declaration order (a valid entry sets
            /// exactly one). Allocates nothing.
            pub fn effects(&self) -> impl Iterator<Item = ShockEffect<'_>> {
                [ $( self.$key.as_ref().map(ShockEffect::$variant), )* ].into_iter().flatten()
            }

            /// A shock that sets `effect` and nothing else (for tests and tools).
            pub fn with_effect(id: &str, when: ShockTiming, effect: ShockEffect<'_>) -> ShockConfig {
                let mut config = ShockConfig {
                    id: id.to_string(),
                    description: String::new(),
                    when,
                    $( $key: None, )*
                };
                match effect {
                    $( ShockEffect::$variant(x) => config.$key = Some(x.clone()), )*
                }
                config
            }
        }
    };
}

shock_kinds! {
    /// Rare-earth-free motors: a new adoption curve for the listed demand sectors.
    ree_free => ReeFree(ReeFreeShock);
    /// Ce replacing Nd+Pr in magnets.
    ce_substitution => CeSubstitution(MagnetShareShock);
    /// Dy/Tb reduction in magnets (beyond diffusion already in recipes).
    heavy_reduction => HeavyReduction(MagnetShareShock);
    /// Export quota by element.
    export_quota => ExportQuota(ElementTonnesShock);
    /// Export licences (rationing; approval 0 = ban) by element.
    export_licence => ExportLicence(LicenceShock);
    /// Tariff on trade from China to the rest of the world.
    tariff => Tariff(TariffShock);
    /// Shipping or war disruption of the China → rest-of-world route.
    shipping => Shipping(ShippingShock);
    /// Mine or country disruption.
    supply_disruption => SupplyDisruption(DisruptionShock);
    /// Green-mining mandate: heap/pond leaching banned while active.
    green_mining => GreenMining(GreenMiningShock);
    /// Superconducting magnetic separation adopted by separators.
    magnetic_separation => MagneticSeparation(MagneticSeparationShock);
    /// Element-level extraction quotas in China.
    element_quota => ElementQuota(ElementTonnesShock);
    /// Consolidation of small and illegal miners into the state groups.
    consolidation => Consolidation(ConsolidationShock);
    /// Producer-responsibility recycling mandate.
    epr_recycling => EprRecycling(RecyclingShock);
    /// Deep-processing push: more magnet capacity in China.
    deep_processing => DeepProcessing(DeepProcessingShock);
    /// Chinese investment in a mine abroad, selling its concentrate to China.
    outbound_investment => OutboundInvestment(OutboundShock);
    /// Technology export to newcomer countries' miners.
    technology_export => TechnologyExport(TechnologyExportShock);
    /// A strategic stockpile programme.
    stockpile => Stockpile(StockpileShock);
    /// A price floor abroad for NdPr oxide.
    price_floor => PriceFloor(PriceFloorShock);
    /// A demand surge or slump in end uses.
    demand => Demand(DemandShock);
}

impl ShockConfig {
    /// The effect kinds this entry sets, by config name.
    pub fn kinds(&self) -> Vec<&'static str> {
        self.effects().map(|e| e.kind()).collect()
    }
}

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
    /// Years the midpoint moves earlier per year spent at twice the opening price; absent =
    /// the sector's own (its baseline curve's). 0 when the curve is a stated adoption path
    /// that already includes the market's response.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub price_pull_years: Option<f64>,
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
