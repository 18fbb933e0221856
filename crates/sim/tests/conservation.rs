//! Conservation and non-negativity as properties: over random (seed, trial) pairs and
//! randomly perturbed worlds — capacities, costs, demand, opening prices, quotas, export
//! rules, mandates, horizons and any mix of the ready shocks all shaken — every tick closes
//! its mass balance to 1e-9
//! and no stock, price or capacity goes negative. `run_trial` checks the invariants every
//! tick and fails with `SimError::Invariant`; the test also reads the written metrics.

// Tests may panic on a broken fixture: that is how they fail.
#![allow(clippy::expect_used, clippy::unwrap_used)]

use proptest::prelude::*;
use remsim_core::{Element, Month};
use remsim_scenario::{Scenario, ScenarioConfig};
use std::sync::OnceLock;

/// Every ready shock file, loaded once.
fn shock_scenarios() -> &'static Vec<Scenario> {
    static SHOCKS: OnceLock<Vec<Scenario>> = OnceLock::new();
    SHOCKS.get_or_init(|| {
        let dir =
            std::path::Path::new(concat!(env!("CARGO_MANIFEST_DIR"), "/../../configs/shocks"));
        remsim_scenario::scenario_files(dir)
            .expect("configs/shocks reads")
            .iter()
            .map(|f| Scenario::load(f).unwrap_or_else(|e| panic!("{e}")))
            .collect()
    })
}

fn baseline() -> &'static Scenario {
    static BASELINE: OnceLock<Scenario> = OnceLock::new();
    BASELINE.get_or_init(|| Scenario::baseline().expect("the embedded baseline loads"))
}

/// A perturbation, as plain numbers proptest can shrink.
#[derive(Debug, Clone)]
struct Shake {
    seed: u64,
    trial: u64,
    months: i32,
    capacity: Vec<f64>,
    cost: Vec<f64>,
    demand: Vec<f64>,
    price: f64,
    quota: f64,
    element_quota: Option<(usize, f64)>,
    export_quota: Option<(usize, f64)>,
    tariff: f64,
    approval: f64,
    ban_month: Option<i32>,
    trend: f64,
    shocks: Vec<usize>,
}

fn shake() -> impl Strategy<Value = Shake> {
    (
        (any::<u64>(), 0u64..1_000_000, 13i32..72),
        (
            proptest::collection::vec(0.0f64..3.0, 64),
            proptest::collection::vec(0.3f64..3.0, 64),
            proptest::collection::vec(0.0f64..3.0, 16),
        ),
        (
            0.2f64..5.0,
            0.3f64..3.0,
            proptest::option::of((0usize..17, 0.0f64..50_000.0)),
        ),
        (
            proptest::option::of((0usize..17, 0.0f64..20_000.0)),
            0.0f64..1.0,
            0.0f64..1.0,
        ),
        (
            proptest::option::of(0i32..60),
            0.0f64..1.0,
            proptest::collection::vec(0usize..64, 0..4),
        ),
    )
        .prop_map(
            |(
                (seed, trial, months),
                (capacity, cost, demand),
                (price, quota, element_quota),
                (export_quota, tariff, approval),
                (ban_month, trend, shocks),
            )| Shake {
                seed,
                trial,
                months,
                capacity,
                cost,
                demand,
                price,
                quota,
                element_quota,
                export_quota,
                tariff,
                approval,
                ban_month,
                trend,
                shocks,
            },
        )
}

fn perturbed(s: &Shake) -> ScenarioConfig {
    let mut c = baseline().draw(s.seed, s.trial).expect("baseline draws");
    c.scenario.end = c.scenario.start.add_months(s.months - 1);
    let mut k = 0;
    let mut next = |v: &[f64]| {
        k += 1;
        v[k % v.len()]
    };
    for m in &mut c.miners {
        m.capacity_t *= next(&s.capacity);
        m.cash_cost_usd_per_kg *= next(&s.cost);
    }
    for x in &mut c.separators {
        x.capacity_t *= next(&s.capacity);
        x.cost_usd_per_kg *= next(&s.cost);
    }
    for x in &mut c.magnet_makers {
        x.capacity_t *= next(&s.capacity);
    }
    for x in &mut c.rivals {
        x.capacity_t *= next(&s.capacity);
        x.cash_cost_usd_per_kg *= next(&s.cost);
    }
    for x in &mut c.recyclers {
        x.capacity_t *= next(&s.capacity);
    }
    for d in &mut c.demand {
        d.base_t *= next(&s.demand);
    }
    for p in c.market.initial_price_cn_usd_per_kg.values_mut() {
        *p *= s.price;
    }
    c.market.trend_following = s.trend;
    let china = &mut c.policy.china;
    china.hard_rock_quota_t *= s.quota;
    china.ion_clay_quota_t *= s.quota;
    if let Some((e, q)) = s.element_quota {
        china.element_quota_t.insert(Element::ALL[e].key(), q);
    }
    if let Some((e, q)) = s.export_quota {
        china.export_quota_t.insert(Element::ALL[e].key(), q);
    }
    for e in [Element::Dy, Element::Tb, Element::Nd] {
        china.export_tariff.insert(e.key(), s.tariff);
    }
    china.export_licence_approval = s.approval;
    china.heap_pond_ban_from = s.ban_month.map(|m| c.scenario.start.add_months(m));
    // Any mix of the ready shocks, drawn for this trial.
    let library = shock_scenarios();
    for pick in &s.shocks {
        let shocked = library[pick % library.len()]
            .draw(s.seed, s.trial)
            .expect("shock draws");
        for shock in shocked.shocks {
            if !c.shocks.iter().any(|x| x.id == shock.id) {
                c.shocks.push(shock);
            }
        }
    }
    c
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 500, ..ProptestConfig::default() })]

    #[test]
    fn every_tick_conserves_mass_and_stays_non_negative(s in shake()) {
        let config = perturbed(&s);
        let t = match remsim_sim::run_trial(&config, s.seed, s.trial) {
            Ok(t) => t,
            Err(e) => return Err(TestCaseError::fail(format!("{e}"))),
        };
        prop_assert_eq!(t.n_ticks as i32, s.months);
        let balance = t.metric_index("balance.max_rel_error").unwrap();
        for tick in 0..t.n_ticks {
            let row = t.tick(tick);
            prop_assert!(row[balance] <= remsim_sim::MAX_BALANCE_ERROR, "tick {tick}: {}", row[balance]);
            for (name, value) in t.metric_names.iter().zip(row) {
                prop_assert!(value.is_finite(), "{name} = {value} at tick {tick}");
                // China's exports are net of its imports, the one signed tonnage.
                let signed = name == "exports.cn_t";
                if !signed
                    && (name.starts_with("price.") || name.starts_with("stock.") || name.ends_with("_t"))
                {
                    prop_assert!(*value >= 0.0, "{name} = {value} at tick {tick}");
                }
            }
        }
    }
}

#[test]
fn the_same_trial_gives_the_same_numbers() {
    let config = baseline().draw(7, 11).unwrap();
    let a = remsim_sim::run_trial(&config, 7, 11).unwrap();
    let b = remsim_sim::run_trial(&config, 7, 11).unwrap();
    let bits =
        |t: &remsim_core::Trajectory| t.values.iter().map(|v| v.to_bits()).collect::<Vec<_>>();
    assert_eq!(bits(&a), bits(&b));
    let other = remsim_sim::run_trial(&baseline().draw(7, 12).unwrap(), 7, 12).unwrap();
    assert_ne!(bits(&a), bits(&other), "trials differ");
    assert_eq!(a.start, Month::new(2025, 1).unwrap());
}
