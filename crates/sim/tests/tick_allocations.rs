//! The tick loop allocates nothing once its buffers have grown (issue #8: no allocation in
//! the tick loop). `allocation-counter` counts the heap allocations made while trials tick
//! after their first year. What may allocate is the world growing: a greenfield project
//! decided in January is built as new agents (~31 allocations: its ids, its miner and
//! separator), and the next month's per-agent buffers grow once to hold it. A month that
//! adds nothing allocates nothing, so a regression in the monthly loop shows up in
//! hundreds of ticks, not a handful.

// Tests may panic on a broken fixture: that is how they fail.
#![allow(clippy::expect_used, clippy::unwrap_used)]

use remsim_scenario::Scenario;
use remsim_sim::World;
use std::path::Path;

/// (tick, allocations) of each tick after the first `warm_up` that allocated.
fn allocating_ticks(world: &mut World, warm_up: usize) -> Vec<(usize, u64)> {
    let mut row = vec![0.0; world.metric_names().len()];
    for _ in 0..warm_up {
        world.tick(&mut row).unwrap();
    }
    let mut allocating = Vec::new();
    for tick in warm_up..world.n_ticks() {
        let mut result = Ok(());
        let info = allocation_counter::measure(|| result = world.tick(&mut row));
        result.unwrap();
        if info.count_total > 0 {
            allocating.push((tick, info.count_total));
        }
    }
    allocating
}

#[test]
fn ticks_after_the_first_year_do_not_allocate() {
    let baseline = Scenario::baseline().unwrap();
    let path = Path::new(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/../../configs/history/2009-2014.toml"
    ));
    let history = Scenario::load(path).unwrap();
    for (name, scenario, trials) in [("baseline", &baseline, 3), ("2009-2014", &history, 1)] {
        for trial in 0..trials {
            let config = scenario.draw(5, trial).unwrap();
            let mut world = World::new(&config, 5, trial).unwrap();
            let allocating = allocating_ticks(&mut world, 12);
            eprintln!("{name} trial {trial}: allocating ticks {allocating:?}");
            // Januaries (investment, new projects): bounded by one project's build for
            // each greenfield project (light- and heavy-rich) that may launch in a year.
            let projects: u32 = [&config.entry, &config.heavy_entry]
                .iter()
                .filter_map(|entry| entry.as_ref().map(|e| e.max_per_year))
                .sum();
            for &(tick, n) in allocating.iter().filter(|(tick, _)| tick % 12 == 0) {
                assert!(
                    n <= 48 * u64::from(projects.max(1)),
                    "{name} trial {trial}: January tick {tick}: {n} allocations"
                );
            }
            // Other months: buffers growing after a project joined, or an agent's own list
            // growing past its capacity (a few two-allocation months a run).
            let other: Vec<_> = allocating
                .iter()
                .filter(|(tick, _)| tick % 12 != 0)
                .collect();
            let total: u64 = other.iter().map(|(_, n)| n).sum();
            assert!(
                other.len() <= 16 && total <= 64,
                "{name} trial {trial}: {} non-January ticks allocated ({total}): {other:?}",
                other.len()
            );
        }
    }
}
