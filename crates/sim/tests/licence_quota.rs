//! An all-element export quota (China, 2009-14) is shared among elements by a licence
//! rent: every month the elements' exports fit the quota, a binding quota is used up, and
//! every element exported earns the same rent over its tariff and freight (licence holders
//! ship what pays most per tonne). Checked month by month on several trials of the 2009-14
//! history scenario.

// Tests may panic on a broken fixture: that is how they fail.
#![allow(clippy::expect_used, clippy::unwrap_used)]

use remsim_core::Element;
use remsim_scenario::Scenario;
use remsim_sim::World;
use std::path::Path;

#[test]
fn exports_fit_the_quota_and_earn_one_rent() {
    let path = Path::new(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/../../configs/history/2009-2014.toml"
    ));
    let scenario = Scenario::load(path).unwrap_or_else(|e| panic!("{e}"));
    let mut binding_months = 0;
    for trial in 0..4 {
        let config = scenario.draw(7, trial).unwrap();
        let mut world = World::new(&config, 7, trial).unwrap();
        let mut row = vec![0.0; world.metric_names().len()];
        let start = config.scenario.start;
        for tick in 0..world.n_ticks() {
            world.tick(&mut row).unwrap();
            let month = start.add_months(tick as i32);
            let quota_t = config
                .policy
                .china
                .export_quota_path
                .iter()
                .find(|q| q.year == month.year())
                .unwrap_or_else(|| panic!("no quota for {month}"))
                .t
                / 12.0;
            let exports = world.exports_t();
            let total: f64 = Element::ALL.iter().map(|&e| exports[e]).sum();
            assert!(
                total <= quota_t * (1.0 + 1e-9),
                "{month}: {total} t over {quota_t} t"
            );
            let rent = world.licence_rent_usd_per_kg();
            assert!(rent >= 0.0);
            if rent > 0.0 {
                binding_months += 1;
                // The rent is the smallest at which exports fit: the quota is used.
                assert!(
                    total >= 0.99 * quota_t,
                    "{month}: {total} t of {quota_t} t used"
                );
            }
            let prices = world.prices();
            let wedges = world.export_wedges_usd_per_kg();
            for e in Element::ALL.into_iter().filter(|&e| e != Element::Pm) {
                let spread = prices[1][e] - prices[0][e];
                let tolerance = 1e-6 * prices[1][e].max(1.0);
                if exports[e] > 1e-6 {
                    // Exported: it earns exactly the wedge, rent included.
                    assert!(
                        (spread - wedges[e]).abs() <= tolerance,
                        "{month} {e}: spread {spread} against wedge {} (rent {rent})",
                        wedges[e]
                    );
                } else {
                    // Not exported: it would not pay the wedge.
                    assert!(spread <= wedges[e] + tolerance, "{month} {e}: {spread}");
                }
            }
        }
    }
    // The quota binds in most months of 2010-14 in this scenario.
    assert!(binding_months >= 4 * 40, "{binding_months}");
}
