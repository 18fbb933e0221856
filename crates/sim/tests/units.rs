//! A config entry with a `count` (issue 8: fragmented sectors written once) runs exactly
//! like that many copies of the entry written out one by one.

// Tests may panic on a broken fixture: that is how they fail.
#![allow(clippy::expect_used, clippy::unwrap_used)]

use remsim_scenario::Scenario;

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
    let scenario = Scenario::from_text("units.toml", text, None).unwrap();
    for (seed, trial) in [(1, 0), (7, 3)] {
        let counted = scenario.draw(seed, trial).unwrap();
        let mut copies = counted.clone();
        copies.miners = written_out(&counted.miners, |m| (&mut m.count, &mut m.id));
        copies.magnet_makers = written_out(&counted.magnet_makers, |m| (&mut m.count, &mut m.id));
        assert_eq!(copies.miners.len(), counted.miners.len() + 2);
        assert_eq!(copies.magnet_makers.len(), counted.magnet_makers.len() + 3);
        let a = remsim_sim::run_trial(&counted, seed, trial).unwrap();
        let b = remsim_sim::run_trial(&copies, seed, trial).unwrap();
        assert!(
            a.values
                .iter()
                .zip(&b.values)
                .all(|(x, y)| x.to_bits() == y.to_bits()),
            "seed {seed}, trial {trial}: the counted entry and its copies differ"
        );
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
