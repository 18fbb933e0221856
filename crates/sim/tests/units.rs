//! A config entry with a `count` (issue 8: fragmented sectors written once) runs exactly
//! like that many copies of the entry written out one by one.

// Tests may panic on a broken fixture: that is how they fail.
#![allow(clippy::expect_used, clippy::unwrap_used)]

use remsim_core::Trajectory;
use remsim_scenario::{Scenario, ScenarioConfig};

/// Each entry written out `count` times with a count of 1, the copies after the first
/// renamed `<id>-copy-<k>`; `fields` gives an entry's count and id.
fn written_out<T: Clone>(entries: &[T], fields: fn(&mut T) -> (&mut u32, &mut String)) -> Vec<T> {
    let mut out = Vec::new();
    for entry in entries {
        let mut first = entry.clone();
        let n = std::mem::replace(fields(&mut first).0, 1);
        for k in 0..n {
            let mut one = first.clone();
            if k > 0 {
                let id = fields(&mut one).1;
                *id = format!("{id}-copy-{k}");
            }
            out.push(one);
        }
    }
    out
}

/// Runs `text` counted and written out, for two seeds, asserts the same bits, and returns
/// each seed's counted config and trajectory.
fn counted_equals_copies(text: &str) -> Vec<(u64, u64, ScenarioConfig, Trajectory)> {
    let scenario = Scenario::from_text("units.toml", text, None).unwrap();
    let mut runs = Vec::new();
    for (seed, trial) in [(1, 0), (7, 3)] {
        let counted = scenario.draw(seed, trial).unwrap();
        let mut copies = counted.clone();
        copies.miners = written_out(&counted.miners, |m| (&mut m.count, &mut m.id));
        copies.magnet_makers = written_out(&counted.magnet_makers, |m| (&mut m.count, &mut m.id));
        assert!(copies.miners.len() > counted.miners.len());
        let a = remsim_sim::run_trial(&counted, seed, trial).unwrap();
        let b = remsim_sim::run_trial(&copies, seed, trial).unwrap();
        assert!(
            a.values
                .iter()
                .zip(&b.values)
                .all(|(x, y)| x.to_bits() == y.to_bits()),
            "seed {seed}, trial {trial}: the counted entries and their copies differ"
        );
        runs.push((seed, trial, counted, a));
    }
    runs
}

/// The miner or maker of a counted entry decides once for all its units
/// (`Supply::miner_units`, `Supply::maker_units`):
/// that must stay exact where units share a quota (China's group quotas split by
/// capacity), where element-level extraction caps scale China's licensed mines together,
/// and where a disruption hits the entry's country (so every copy too); makers in both
/// regions.
#[test]
fn counted_units_in_a_quota_group_under_caps_and_shocks_run_like_copies() {
    let _ = counted_equals_copies(
        r#"
extends = "builtin:baseline"
[[miners]]
id = "fujian-clays"
capacity_t = 700.0
count = 3
[[miners]]
id = "shandong-weishan"
capacity_t = 1500.0
count = 2
[[magnet_makers]]
id = "cn-small-magnet-makers"
capacity_t = 36000.0
count = 5
[[magnet_makers]]
id = "shin-etsu"
capacity_t = 9000.0
count = 3
[[shocks]]
id = "ce-la-caps"
when = { start = "2026-01" }
element_quota = { t_per_year = { ce = 115000, la = 60000 } }
[[shocks]]
id = "clays-hit"
when = { start = "2027-06", duration_months = 12 }
supply_disruption = { countries = ["CN"], fraction = 0.2 }
"#,
    );
}

#[test]
fn an_entry_with_a_count_runs_like_that_many_copies() {
    let text = r#"
extends = "builtin:baseline"
[[miners]]
id = "southern-small-illegal"
capacity_t = 800.0
count = 3
[[magnet_makers]]
id = "cn-small-magnet-makers"
capacity_t = 45000.0
count = 4
"#;
    for (seed, trial, counted, a) in counted_equals_copies(text) {
        // And the units do act: three workings mine more than one would in the first
        // month (later, the lower prices they bring move every other miner, so the world's
        // total over the horizon need not be larger).
        let single = {
            let mut one = counted.clone();
            for m in &mut one.miners {
                m.count = 1;
            }
            remsim_sim::run_trial(&one, seed, trial).unwrap()
        };
        let mine = a.metric_index("mine.world_t").unwrap();
        let (many, one) = (a.series(mine).next(), single.series(mine).next());
        assert!(
            many > one,
            "seed {seed}, trial {trial}: three workings mined {many:?} t, one {one:?} t"
        );
    }
}
