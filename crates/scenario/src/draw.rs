//! [`DrawPlan`]: how a trial's draws are written into the typed config without
//! deserializing the whole scenario again (issue 8).
//!
//! The reference way to draw a trial substitutes the drawn numbers into the merged TOML
//! tree and deserializes all of it: ~0.65 ms for the baseline, mostly cloning the tree and
//! allocating its strings. But a draw changes only the few sections that hold a
//! distribution. The plan, made once at load, groups the uncertain parameters by the unit
//! that holds them — a top-level section (`market`, `policy`, …) or one element of a
//! top-level list (`miners[bayan-obo]`, `shocks[2]`, …) — and keeps each unit's merged
//! subtree. A draw clones the central config and, per unit, substitutes into that small
//! subtree and deserializes it into the unit's own type. serde's derived code deserializes a
//! field the same way wherever it sits, so the result is the config the reference way gives,
//! field for field (`tests` checks every config in `configs/` against it).
//!
//! Anything the plan does not know — a top-level key it has no unit for, a list element it
//! cannot find — makes the scenario fall back to the reference way for every draw, and a
//! unit that fails to deserialize makes that draw fall back, so errors keep their located
//! messages. (A loaded scenario's draws do not fail: load checks every parameter's bounds.)

use crate::param::UncertainParam;
use crate::path::Segment;
use crate::schema::{
    DemandSectorConfig, EntryConfig, EnvironmentConfig, MagnetMakerConfig, MarketConfig,
    MinerConfig, PolicyConfig, RecyclerConfig, RivalConfig, ScenarioConfig, ScenarioMeta,
    SeparatorConfig,
};
use crate::shocks::ShockConfig;
use serde::Deserialize;
use toml::{Table, Value};

/// The precomputed way to write a trial's draws into the central config; see the module
/// docs.
#[derive(Debug, Clone)]
pub(crate) struct DrawPlan {
    units: Vec<Unit>,
}

/// One typed unit of the config that holds uncertain parameters.
#[derive(Debug, Clone)]
struct Unit {
    /// Which field of [`ScenarioConfig`] (and which element, for lists).
    place: Place,
    /// The unit's merged subtree, distributions in place.
    template: Value,
    /// The parameters inside it: index into the scenario's parameters, and the path below
    /// the unit.
    params: Vec<(usize, Vec<Segment>)>,
}

/// A field of [`ScenarioConfig`] that holds distributions, with the element for lists.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Place {
    Meta,
    Market,
    Policy,
    Environment,
    Entry,
    HeavyEntry,
    Miner(usize),
    Separator(usize),
    MagnetMaker(usize),
    Rival(usize),
    Recycler(usize),
    Demand(usize),
    Shock(usize),
}

impl Place {
    /// The unit a parameter path starts with, and how many of its segments name the unit;
    /// `None` for a path the plan does not handle.
    fn of(merged: &Table, path: &[Segment]) -> Option<(Place, usize)> {
        let Some(Segment::Key(key)) = path.first() else {
            return None;
        };
        let section = match key.as_str() {
            "scenario" => Some(Place::Meta),
            "market" => Some(Place::Market),
            "policy" => Some(Place::Policy),
            "environment" => Some(Place::Environment),
            "entry" => Some(Place::Entry),
            "heavy_entry" => Some(Place::HeavyEntry),
            _ => None,
        };
        if let Some(place) = section {
            return Some((place, 1));
        }
        let items = merged.get(key)?.as_array()?;
        let index = match path.get(1)? {
            Segment::Index(i) => *i,
            // The first element with that id, as `param::substitute` finds it.
            Segment::Id(id) => items.iter().position(|item| {
                item.as_table()
                    .and_then(|t| t.get("id"))
                    .and_then(|v| v.as_str())
                    == Some(id.as_str())
            })?,
            Segment::Key(_) => return None,
        };
        let place = match key.as_str() {
            "miners" => Place::Miner(index),
            "separators" => Place::Separator(index),
            "magnet_makers" => Place::MagnetMaker(index),
            "rivals" => Place::Rival(index),
            "recyclers" => Place::Recycler(index),
            "demand" => Place::Demand(index),
            "shocks" => Place::Shock(index),
            _ => return None,
        };
        Some((place, 2))
    }

    /// The unit's subtree in the merged tree.
    fn template<'a>(&self, merged: &'a Table) -> Option<&'a Value> {
        let (key, index) = match *self {
            Place::Meta => ("scenario", None),
            Place::Market => ("market", None),
            Place::Policy => ("policy", None),
            Place::Environment => ("environment", None),
            Place::Entry => ("entry", None),
            Place::HeavyEntry => ("heavy_entry", None),
            Place::Miner(i) => ("miners", Some(i)),
            Place::Separator(i) => ("separators", Some(i)),
            Place::MagnetMaker(i) => ("magnet_makers", Some(i)),
            Place::Rival(i) => ("rivals", Some(i)),
            Place::Recycler(i) => ("recyclers", Some(i)),
            Place::Demand(i) => ("demand", Some(i)),
            Place::Shock(i) => ("shocks", Some(i)),
        };
        let value = merged.get(key)?;
        match index {
            None => Some(value),
            Some(i) => value.as_array()?.get(i),
        }
    }

    /// Deserializes `value` as this unit and puts it in place in `config`; `None` if it does
    /// not deserialize or the element is missing.
    fn put(&self, config: &mut ScenarioConfig, value: Value) -> Option<()> {
        fn item<T>(list: &mut [T], i: usize, value: Value) -> Option<()>
        where
            T: for<'de> Deserialize<'de>,
        {
            *list.get_mut(i)? = T::deserialize(value).ok()?;
            Some(())
        }
        match *self {
            Place::Meta => config.scenario = ScenarioMeta::deserialize(value).ok()?,
            Place::Market => config.market = MarketConfig::deserialize(value).ok()?,
            Place::Policy => config.policy = PolicyConfig::deserialize(value).ok()?,
            Place::Environment => {
                config.environment = EnvironmentConfig::deserialize(value).ok()?;
            }
            Place::Entry => config.entry = Some(EntryConfig::deserialize(value).ok()?),
            Place::HeavyEntry => {
                config.heavy_entry = Some(EntryConfig::deserialize(value).ok()?);
            }
            Place::Miner(i) => item::<MinerConfig>(&mut config.miners, i, value)?,
            Place::Separator(i) => item::<SeparatorConfig>(&mut config.separators, i, value)?,
            Place::MagnetMaker(i) => {
                item::<MagnetMakerConfig>(&mut config.magnet_makers, i, value)?;
            }
            Place::Rival(i) => item::<RivalConfig>(&mut config.rivals, i, value)?,
            Place::Recycler(i) => item::<RecyclerConfig>(&mut config.recyclers, i, value)?,
            Place::Demand(i) => item::<DemandSectorConfig>(&mut config.demand, i, value)?,
            Place::Shock(i) => item::<ShockConfig>(&mut config.shocks, i, value)?,
        }
        Some(())
    }
}

impl DrawPlan {
    /// The plan for `params` of the merged tree `merged`; `None` if some parameter lies
    /// where the plan cannot follow (the scenario then draws the reference way).
    pub(crate) fn new(merged: &Table, params: &[UncertainParam]) -> Option<DrawPlan> {
        let mut units: Vec<Unit> = Vec::new();
        for (index, param) in params.iter().enumerate() {
            let (place, depth) = Place::of(merged, &param.path.0)?;
            let below = param.path.0.get(depth..)?.to_vec();
            match units.iter_mut().find(|u| u.place == place) {
                Some(unit) => unit.params.push((index, below)),
                None => units.push(Unit {
                    place,
                    template: place.template(merged)?.clone(),
                    params: vec![(index, below)],
                }),
            }
        }
        Some(DrawPlan { units })
    }

    /// `central` with the drawn `values` (one per parameter, in order) written in; `None`
    /// if a unit does not deserialize (the caller then draws the reference way, which
    /// locates the error).
    pub(crate) fn apply(&self, central: &ScenarioConfig, values: &[f64]) -> Option<ScenarioConfig> {
        let mut config = central.clone();
        for unit in &self.units {
            unit.write(&mut config, values)?;
        }
        Some(config)
    }

    /// `central` with the `values` of the unit that holds parameter `changed` written in,
    /// for `values` that differ from the central ones in that parameter only: the other
    /// units would be deserialized from the central values, which gives the central
    /// config's units, so this is [`DrawPlan::apply`] without them (what load's check of
    /// each parameter's bounds needs). `None` as for [`DrawPlan::apply`], or if no unit
    /// holds `changed`. Load now writes the unit in place ([`DrawPlan::write_one`]); this
    /// is the reference its test compares with.
    #[cfg(test)]
    pub(crate) fn apply_one(
        &self,
        central: &ScenarioConfig,
        values: &[f64],
        changed: usize,
    ) -> Option<ScenarioConfig> {
        let unit = self.unit_holding(changed)?;
        let mut config = central.clone();
        unit.write(&mut config, values)?;
        Some(config)
    }
}

/// Which unit [`DrawPlan::write_one`] wrote into a working config, for
/// [`DrawPlan::restore`] to put the central one back.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Written(Place);

impl DrawPlan {
    /// The unit that holds parameter `changed`, if any.
    fn unit_holding(&self, changed: usize) -> Option<&Unit> {
        self.units
            .iter()
            .find(|unit| unit.params.iter().any(|(param, _)| *param == changed))
    }

    /// [`DrawPlan::apply_one`] in place: writes the unit that holds parameter `changed`
    /// into `work` (which must equal the central config), making it the config
    /// `apply_one` returns without cloning the whole config; `None` (and `work` unchanged:
    /// a unit is put in place only once it deserialized) as for `apply_one`. Call
    /// [`DrawPlan::restore`] with the result before the next write.
    pub(crate) fn write_one(
        &self,
        work: &mut ScenarioConfig,
        values: &[f64],
        changed: usize,
    ) -> Option<Written> {
        let unit = self.unit_holding(changed)?;
        unit.write(work, values)?;
        Some(Written(unit.place))
    }

    /// Puts `central`'s unit back where [`DrawPlan::write_one`] wrote one, so `work`
    /// equals `central` again.
    pub(crate) fn restore(
        &self,
        work: &mut ScenarioConfig,
        central: &ScenarioConfig,
        written: Written,
    ) {
        fn item<T: Clone>(work: &mut [T], central: &[T], i: usize) {
            if let (Some(slot), Some(original)) = (work.get_mut(i), central.get(i)) {
                slot.clone_from(original);
            }
        }
        match written.0 {
            Place::Meta => work.scenario.clone_from(&central.scenario),
            Place::Market => work.market.clone_from(&central.market),
            Place::Policy => work.policy.clone_from(&central.policy),
            Place::Environment => work.environment.clone_from(&central.environment),
            Place::Entry => work.entry.clone_from(&central.entry),
            Place::HeavyEntry => work.heavy_entry.clone_from(&central.heavy_entry),
            Place::Miner(i) => item(&mut work.miners, &central.miners, i),
            Place::Separator(i) => item(&mut work.separators, &central.separators, i),
            Place::MagnetMaker(i) => item(&mut work.magnet_makers, &central.magnet_makers, i),
            Place::Rival(i) => item(&mut work.rivals, &central.rivals, i),
            Place::Recycler(i) => item(&mut work.recyclers, &central.recyclers, i),
            Place::Demand(i) => item(&mut work.demand, &central.demand, i),
            Place::Shock(i) => item(&mut work.shocks, &central.shocks, i),
        }
    }
}

impl Unit {
    /// Substitutes the unit's parameters from `values` into its template, deserializes it
    /// and puts it in place in `config`; `None` if it does not deserialize.
    fn write(&self, config: &mut ScenarioConfig, values: &[f64]) -> Option<()> {
        let mut value = self.template.clone();
        for (param, below) in &self.params {
            if let Some(slot) = crate::param::value_slot_mut(&mut value, below) {
                *slot = Value::Float(*values.get(*param)?);
            }
        }
        self.place.put(config, value)
    }
}
