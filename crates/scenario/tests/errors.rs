//! Config mistakes, as data: each case is a scenario text extending the baseline and the
//! one error line it must produce.

// Tests may panic on a broken fixture: that is how they fail.
#![allow(clippy::expect_used, clippy::unwrap_used)]

use proptest::prelude::*;
use remsim_scenario::{BASELINE_TOML, Scenario};
use std::path::Path;

fn configs_dir() -> &'static Path {
    Path::new(concat!(env!("CARGO_MANIFEST_DIR"), "/../../configs"))
}

/// Loads `body` (which extends the baseline) and compares the error lines.
fn check(body: &str, expected: &[&str]) {
    let text = format!("extends = \"baseline.toml\"\n{body}");
    match Scenario::from_text("case.toml", &text, Some(configs_dir())) {
        Ok(_) => assert!(
            expected.is_empty(),
            "expected errors {expected:?}, got none"
        ),
        Err(e) => assert_eq!(e.lines(), expected, "for:\n{body}"),
    }
}

#[test]
fn valid_overrides_load() {
    check("[market]\nfreight_usd_per_kg = 0.5\n", &[]);
    check(
        "[market]\nfreight_usd_per_kg = { lognormal = [0.3, 0.2] }\n",
        &[],
    );
}

#[test]
fn names_that_do_not_exist_get_suggestions() {
    check(
        "[[miners]]\nid = \"bayan-obo\"\ncountry = \"CNN\"\n",
        &[
            "case.toml:4:1: miners[bayan-obo].country: unknown country `CNN`; did you mean `CN`?; expected one of CN, MM, AU, US, CA, VN, BR, MY, IN, RU, JP, EU, GL, LA, TH, KR, AFRICA, OTHER",
        ],
    );
    check(
        "[[miners]]\nid = \"bayan-obo\"\ndeposit = \"bayan_oboo\"\n",
        &[
            "case.toml:4:1: miners[bayan-obo].deposit: unknown deposit `bayan_oboo`; did you mean `bayan_obo`?; expected one of bayan_obo, mountain_pass, mount_weld, ion_clay_heavy, ion_clay_light, ndfeb_scrap",
        ],
    );
    check(
        "[[miners]]\nid = \"bayan-obo\"\nowner = \"stat_group\"\n",
        &[
            "case.toml:4:1: miners[bayan-obo].owner: unknown value `stat_group`; did you mean `state_group`?; expected one of state_group, private, small_illegal, foreign, chinese_owned_abroad",
        ],
    );
    check(
        "[policy.china]\nexport_licence_elements = [\"dy\", \"terbum\"]\n",
        &[
            "case.toml:3:34: policy.china.export_licence_elements[1]: unknown element `terbum`; did you mean `terbium`?",
        ],
    );
}

#[test]
fn dates_must_lie_inside_the_horizon() {
    check(
        "[policy.china]\nheap_pond_ban_from = \"2060-01\"\n",
        &[
            "case.toml:3:1: policy.china.heap_pond_ban_from: expected a month inside the horizon 2025-01 .. 2050-12, found 2060-01",
        ],
    );
    check(
        "[scenario]\nend = \"2024-12\"\n",
        &[
            "case.toml:3:1: scenario.end: expected the end (2024-12) on or after the start (2025-01)",
        ],
    );
    check(
        "[scenario]\nstart = \"2025-13\"\n",
        &[
            "case.toml:3:1: scenario.start: expected a month as YYYY-MM (e.g. 2025-01), found `2025-13`",
        ],
    );
}

#[test]
fn malformed_distributions_are_refused() {
    check(
        "[market]\nfreight_usd_per_kg = { uniform = [2, 1] }\n",
        &[
            "case.toml:3:1: market.freight_usd_per_kg: uniform = [low, high] needs low ≤ high, found [2.0, 1.0]",
        ],
    );
    check(
        "[market]\nfreight_usd_per_kg = { normal = [1] }\n",
        &[
            "case.toml:3:1: market.freight_usd_per_kg: expected normal = [mean, sd] (2 finite numbers)",
        ],
    );
    check(
        "[market]\nfreight_usd_per_kg = { uniform = [1, 2], normal = [1, 1] }\n",
        &[
            "case.toml:3:1: market.freight_usd_per_kg: a distribution has exactly one key (uniform, normal, lognormal, triangular), found normal, uniform",
        ],
    );
}

#[test]
fn a_distribution_whose_range_breaks_a_rule_is_refused() {
    check(
        "[[separators]]\nid = \"baotou-separation\"\ncapacity_t = { normal = [1000, 500] }\n",
        &[
            "case.toml:4:1: separators[baotou-separation].capacity_t: expected a number ≥ 0, found -1000 (when separators[baotou-separation].capacity_t = normal [mean 1000, sd 500] is at its lower bound -1000)",
        ],
    );
}

#[test]
fn duplicate_ids_and_wrong_types_are_refused() {
    check(
        "[[recyclers]]\nid = \"bayan-obo\"\nname = \"x\"\ncountry = \"CN\"\ncapacity_t = 1\ncollection_rate = 0.1\nrecovery = 0.9\ncost_usd_per_kg = 1\n",
        &[
            "case.toml:3:1: recyclers[bayan-obo].id: id `bayan-obo` is already used by miners[bayan-obo]",
        ],
    );
    check(
        "[market]\nfreight_usd_per_kg = \"cheap\"\n",
        &["case.toml:3:1: market.freight_usd_per_kg: invalid type: string \"cheap\", expected f64"],
    );
    check(
        "[[recyclers]]\nid = \"ganzhou-recyclers\"\nrecovery = 0.95\n",
        &[
            "case.toml:4:1: recyclers[ganzhou-recyclers].recovery: expected a recovery share (92 % is the best demonstrated, source paper §2.2) in [0, 0.92], found 0.95",
        ],
    );
}

#[test]
fn unit_counts_are_checked() {
    check(
        "[[miners]]\nid = \"southern-small-illegal\"\ncount = 1000\ncapacity_t = 2.5\n",
        &[],
    );
    check(
        "[[magnet_makers]]\nid = \"cn-small-magnet-makers\"\ncount = 0\n",
        &[
            "case.toml:4:1: magnet_makers[cn-small-magnet-makers].count: expected between 1 and 1000000 units, found 0",
        ],
    );
    check(
        "[[miners]]\nid = \"southern-small-illegal\"\ncount = 2000000\n",
        &[
            "case.toml:4:1: miners[southern-small-illegal].count: expected between 1 and 1000000 units, found 2000000",
        ],
    );
    check(
        "[[miners]]\nid = \"southern-small-illegal\"\ncount = -3\n",
        &[
            "case.toml:4:1: miners[southern-small-illegal].count: invalid value: integer `-3`, expected u32",
        ],
    );
}

#[test]
fn extends_cycles_are_named() {
    let dir = std::env::temp_dir().join(format!("remsim-cycle-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    std::fs::write(dir.join("a.toml"), "extends = \"b.toml\"\n").unwrap();
    std::fs::write(dir.join("b.toml"), "extends = \"a.toml\"\n").unwrap();
    let err = Scenario::load(&dir.join("a.toml")).unwrap_err().to_string();
    assert!(err.contains("`extends` cycle"), "{err}");
    std::fs::remove_dir_all(&dir).unwrap();
}

#[test]
fn syntax_errors_are_located() {
    let err = Scenario::from_text("bad.toml", "[market\nx = 1\n", None).unwrap_err();
    let line = err.to_string();
    assert!(line.starts_with("bad.toml:1:"), "{line}");
    assert_eq!(line.lines().count(), 1, "{line}");
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 200, ..ProptestConfig::default() })]

    /// Nothing a user writes can make loading panic: mutate the baseline line by line.
    #[test]
    fn mutated_baselines_never_panic(
        edits in proptest::collection::vec((0usize..2000, 0usize..6, any::<i32>(), "[a-z_=\\[\\]{}\" .0-9-]{0,12}"), 1..4)
    ) {
        let mut lines: Vec<String> = BASELINE_TOML.lines().map(str::to_string).collect();
        for (at, kind, number, junk) in edits {
            let i = at % lines.len();
            match kind {
                0 => { lines.remove(i); }
                1 => lines[i] = junk,
                2 => {
                    if let Some((key, _)) = lines[i].clone().split_once('=') {
                        lines[i] = format!("{key}= {number}");
                    }
                }
                3 => {
                    if let Some((key, _)) = lines[i].clone().split_once('=') {
                        lines[i] = format!("{key}= {}", f64::from(number) * 1e-3);
                    }
                }
                4 => lines.insert(i, junk),
                _ => {
                    if let Some((key, _)) = lines[i].clone().split_once('=') {
                        lines[i] = format!("{key}= {{ normal = [{number}, {}] }}", number.unsigned_abs() % 7);
                    }
                }
            }
        }
        let text = lines.join("\n");
        match Scenario::from_text("mutant.toml", &text, None) {
            Ok(s) => { let _ = s.draw(1, 2); }
            Err(e) => {
                for line in e.lines() {
                    prop_assert!(line.starts_with("mutant.toml:"), "{line}");
                    prop_assert!(!line.contains('\n'));
                }
            }
        }
    }
}

/// Element maps: a value above its map's bound (the unit from the map's name) and an
/// unknown key, as `remsim check` reported them before issue 18's fourth pass wrote the
/// map's name out only for values above the lowest bound.
#[test]
fn element_map_values_are_bounded_by_the_maps_unit() {
    check(
        "[market.initial_price_cn_usd_per_kg]\nnd = 2e6\n",
        &[
            "case.toml:3:1: market.initial_price_cn_usd_per_kg.nd: expected at most 1e6 USD/kg (a plausibility bound, see docs/reliability.md), found 2e6",
        ],
    );
    check(
        "[policy.china.export_quota_t]\nnd = 2e9\nxx = 3\n",
        &[
            "case.toml:3:1: policy.china.export_quota_t.nd: expected at most 1e9 t REO (a plausibility bound, see docs/reliability.md), found 2e9",
            "case.toml:4:1: policy.china.export_quota_t.xx: unknown element `xx`",
        ],
    );
}
