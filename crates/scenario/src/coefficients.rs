//! The behavioural coefficients of the monthly tick (`[tick]` in a config): numbers that
//! shape how traders, makers, governments and new projects act, which used to be written
//! into the simulation's code. Each has a default (the value the model was calibrated
//! with, so a config without `[tick]` runs exactly as before), a unit, a valid range and a
//! source or reason; like every number in a config, each may be given as a distribution
//! (`tick.maker_contracted_share = { uniform = [0.3, 0.7] }`). `remsim check` lists them.
//!
//! One macro line per coefficient declares the field, its default, range, unit and source:
//! adding one is one line here plus its use in the tick.

use serde::{Deserialize, Serialize};

/// One behavioural coefficient, as `remsim check` lists it.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Coefficient {
    /// Key under `[tick]`.
    pub key: &'static str,
    /// Value in this config.
    pub value: f64,
    /// Built-in default.
    pub default: f64,
    /// Lowest valid value.
    pub min: f64,
    /// Highest valid value.
    pub max: f64,
    /// Unit.
    pub unit: &'static str,
    /// What it is, and where the number comes from.
    pub source: &'static str,
}

macro_rules! coefficients {
    ($( $(#[doc = $doc:literal])* $name:ident = $default:literal in [$min:literal, $max:literal] $unit:literal, $source:literal; )*) => {
        /// The behavioural coefficients of the tick (see the module documentation).
        #[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
        #[serde(deny_unknown_fields, default)]
        pub struct TickCoefficients {
            $( $(#[doc = $doc])* pub $name: f64, )*
        }

        impl Default for TickCoefficients {
            fn default() -> TickCoefficients {
                TickCoefficients { $( $name: $default, )* }
            }
        }

        impl TickCoefficients {
            /// Every coefficient with its value, default, range, unit and source, in
            /// declaration order.
            pub fn entries(&self) -> Vec<Coefficient> {
                vec![ $( Coefficient {
                    key: stringify!($name),
                    value: self.$name,
                    default: $default,
                    min: $min,
                    max: $max,
                    unit: $unit,
                    source: $source,
                }, )* ]
            }
        }
    };
}

coefficients! {
    /// How far ahead expectations extrapolate the price trend.
    trend_horizon_months = 3.0 in [0.0, 24.0] "months",
        "adaptive expectations with a quarter's trend extrapolation (assumed; a quarterly \
         contract cycle)";
    /// Largest log-price lift the trend adds to expectations, either way.
    trend_lift_limit = 0.5 in [0.0, 3.0] "log price",
        "bounds extrapolation to 0.61x-1.65x of the smoothed price (assumed)";
    /// Weight of the newest monthly log-price change in the smoothed trend.
    trend_smoothing = 0.25 in [0.0, 1.0] "per month",
        "a trend of about four months' memory (assumed)";
    /// Averaging time of the long-run price investors and fundamentalists plan on.
    long_run_months = 36.0 in [1.0, 240.0] "months",
        "three-year price averages of mine feasibility studies";
    /// Speculative hoarding: months of trend the holders' target grows by, per unit of
    /// trend-following.
    hoarding_trend_weight = 6.0 in [0.0, 60.0] "months",
        "chartist hoarding, Brock & Hommes 1998 (weight assumed)";
    /// Least multiple of the target stock hoarding can shrink it to.
    hoarding_min = 0.5 in [0.0, 1.0] "multiple of target stock", "assumed";
    /// Largest multiple of the target stock hoarding can grow it to.
    hoarding_max = 2.0 in [1.0, 10.0] "multiple of target stock",
        "2010-11 merchant stock building (assumed bound)";
    /// Least multiple of the target cover the fundamentalist anchor can set.
    anchor_min = 0.25 in [0.0, 1.0] "multiple of target stock", "assumed";
    /// Largest multiple of the target cover the fundamentalist anchor can set.
    anchor_max = 4.0 in [1.0, 20.0] "multiple of target stock", "assumed";
    /// Largest multiple of its demand at the expected price a sector buys when prices fall.
    sector_demand_cap = 2.0 in [1.0, 10.0] "multiple of demand at expected price",
        "bounds the isoelastic demand curve at low prices (assumed)";
    /// Share of the magnet makers' oxide need that is contracted and paid at any price.
    maker_contracted_share = 0.5 in [0.0, 1.0] "share",
        "assumed split of long-term contracts and spot buying";
    /// Price, as a multiple of the expected price, above which makers give up their
    /// discretionary purchases.
    maker_walkaway_multiple = 3.0 in [1.0, 20.0] "multiple of expected price",
        "where a magnet stops paying for its rare earths (assumed)";
    /// Months over which a government stockpile releases its holding above the trigger.
    stockpile_release_months = 6.0 in [1.0, 120.0] "months",
        "assumed; a half-year release programme";
    /// Demand destruction above `demand_destruction_from` times the incentive price: end
    /// users' and makers' demand falls as `(price / threshold)^-this` up to the cap, where
    /// the last of it walks away (the cap is the backstop price at which every use has
    /// switched to something else).
    demand_destruction_elasticity = 0.8 in [0.0, 5.0] "elasticity (absolute value)",
        "the top of calibration.md section 7's long-run prior (-0.3 to -0.8): at extreme \
         prices buyers switch technology fastest (2011: ~10% of demand a year, Sprecher et \
         al. 2017)";
    /// Multiple of the long-run incentive price above which demand destruction begins.
    demand_destruction_from = 4.0 in [1.0, 20.0] "multiple of the incentive price",
        "2010-11: substitution and thrifting took off once prices ran several times their \
         2009 level (Sprecher et al. 2017; threshold assumed)";
    /// How far above the release trigger, as a multiple of it, the smoothed price must
    /// stand for a government stockpile to tender its full monthly release: the tender
    /// grows in proportion from nothing at the trigger to the full rate at trigger x
    /// (1 + this).
    stockpile_release_span = 1.0 in [0.0, 10.0] "multiple of the trigger price",
        "assumed: releases scale with the spike (JOGMEC and DLA release by tender in \
         lots) rather than a wall at one price";
    /// Months over which a government stockpile builds toward its target.
    stockpile_build_months = 12.0 in [1.0, 120.0] "months",
        "assumed; one budget year";
    /// Recovery of a mine project decided during the run (greenfield entry, outbound
    /// investment).
    project_recovery = 0.92 in [0.0, 1.0] "share",
        "typical concentrator recovery of integrated projects (Lynas, MP Materials reports)";
    /// Reserves of an overseas mine unit, in years of its capacity.
    rival_reserve_years = 40.0 in [1.0, 200.0] "years of capacity",
        "overseas projects are sized on decades of reserves";
    /// Rise of a rival mine's cash cost as its reserves deplete.
    rival_depletion_cost_rise = 0.2 in [0.0, 5.0] "fraction of cash cost", "assumed";
    /// Utilisation of a rival magnet plant.
    rival_magnet_utilisation = 0.8 in [0.0, 1.0] "share", "assumed";
    /// Rare-earth content of a rival plant's magnets.
    rival_magnet_re_content = 0.31 in [0.0, 1.0] "share of magnet mass",
        "typical sintered NdFeB (about 31 % rare earths)";
    /// Share of a rival plant's output made by grain-boundary diffusion.
    rival_magnet_gbd_share = 0.6 in [0.0, 1.0] "share", "assumed";
    /// Cut in Dy/Tb that grain-boundary diffusion makes.
    rival_magnet_gbd_heavy_cut = 0.7 in [0.0, 1.0] "share",
        "grain-boundary diffusion literature (60-80 %)";
    /// Yield of a rival magnet plant (the rest is swarf).
    rival_magnet_yield = 0.7 in [0.0, 1.0] "share", "typical sintered NdFeB yield";
    /// Long-run elasticity of magnet makers' Dy and Tb content to the Dy price: the
    /// content makers move toward is `(smoothed Dy / opening Dy)^this` of their recipe's.
    heavy_thrift_elasticity = -0.5 in [-2.0, 0.0] "elasticity",
        "grain-boundary diffusion and Dy-lean grades are the technology switch of calibration.md \
         section 7's long-run prior for magnet rare earths (-0.3 to -0.8 over 5-10 years); the \
         middle of it (at -0.3 the 2035-50 median Dy path doubles, docs/model.md)";
    /// Years over which makers' Dy and Tb content closes its gap to the long-run content
    /// (a share 1/this of the gap a year; partial adjustment, as the demand sectors').
    heavy_thrift_adjustment_years = 1.0 in [1.0, 20.0] "years",
        "after 2011, substitution and thrift peaked within about two years (Sprecher et al. \
         2017, calibration.md section 7): each January's decision reads a price smoothed \
         over about ten months and is made whole; at 2 the demand surge's paired Dy effect \
         dipped to -6.6% (docs/model.md)";
    /// Largest cut of Dy and Tb content below the recipe that price-driven thrift reaches.
    heavy_thrift_max_cut = 0.4 in [0.0, 0.95] "share of the recipe's content",
        "Dy-lean and diffusion grades cut Dy from 4-6 wt% to about 1 wt% in the grades that \
         take them (calibration.md section 6); 40% across the mix (assumed)";
    /// Long-run elasticity of magnet makers' Dy/Tb split to their relative price: the
    /// monthly choice answers with the short-run 0.5 (`remsim-magnets`), the rest builds up
    /// over `heavy_pair_adjustment_years`; at least the short-run 0.5 (a long run that
    /// answers less than the month would undo the monthly choice, which is not a thing
    /// the slow part can do: it only adds).
    heavy_pair_long_run_elasticity = 2.0 in [0.5, 10.0] "elasticity",
        "assumed: Tb diffusion grades stand in for Dy at about half the mass, and a maker \
         qualifies them for a motor over years; with Tb at half its opening price and Dy \
         above it the split barely moved at 0.5 and Tb sat at its storage floor from 2035 \
         (docs/model.md)";
    /// Years over which the slow part of the Dy/Tb split closes its gap.
    heavy_pair_adjustment_years = 5.0 in [1.0, 30.0] "years",
        "assumed: grades take years to qualify; the 2020-22 episode bounds it (Tb/Dy doubled \
         while Tb use kept growing, calibration.md section 8: the history's Tb rise holds at 5 \
         years, docs/model.md)";
    /// Load (feed over capacity, or the feed expected at the lead time over capacity)
    /// above which a separation plant expands.
    separator_expansion_trigger = 0.95 in [0.1, 2.0] "feed / capacity",
        "the model's calibrated value (assumed: plants run near, not at, nameplate)";
    /// Least expansion of a separation plant, share of its capacity.
    separator_expansion_step = 0.15 in [0.0, 2.0] "share of capacity",
        "the model's calibrated value (assumed: a new solvent-extraction line)";
    /// Months from a separation plant's expansion decision to operation.
    separator_expansion_lead_months = 36.0 in [1.0, 120.0] "months",
        "separation plants take 2-4 years (DESIGN.md); the middle";
    /// Acid waste of a rival separation plant per tonne of oxide.
    rival_separation_acid_waste = 1.0 in [0.0, 100.0] "t/t oxide", "assumed";
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_coefficient_is_documented_and_its_default_valid() {
        let entries = TickCoefficients::default().entries();
        assert!(entries.len() >= 20);
        for k in &entries {
            assert!(!k.unit.is_empty() && !k.source.is_empty(), "{}", k.key);
            assert_eq!(k.value, k.default, "{}", k.key);
            assert!(k.min <= k.default && k.default <= k.max, "{}", k.key);
        }
    }

    #[test]
    fn a_config_without_tick_gets_the_defaults_and_one_key_overrides_one_field() {
        let t: TickCoefficients = toml::from_str("maker_contracted_share = 0.7").unwrap();
        let d = TickCoefficients::default();
        assert_eq!(t.maker_contracted_share, 0.7);
        assert_eq!(t.stockpile_release_months, d.stockpile_release_months);
        assert!(toml::from_str::<TickCoefficients>("maker_share = 0.7").is_err());
    }
}
