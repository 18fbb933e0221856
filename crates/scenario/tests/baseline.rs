//! The embedded baseline loads, validates and draws.

// Tests may panic on a broken fixture: that is how they fail.
#![allow(clippy::expect_used, clippy::unwrap_used)]

use remsim_scenario::Scenario;

#[test]
fn embedded_baseline_is_valid() {
    let s = match Scenario::baseline() {
        Ok(s) => s,
        Err(e) => panic!("{e}"),
    };
    let c = s.central();
    let agents = c.miners.len()
        + c.separators.len()
        + c.magnet_makers.len()
        + c.rivals.len()
        + c.recyclers.len()
        + c.demand.len();
    assert!(agents >= 40, "{agents} agents");
    assert!(!s.uncertain().is_empty());
    let a = s.draw(1, 0).unwrap();
    let b = s.draw(1, 0).unwrap();
    assert_eq!(format!("{a:?}"), format!("{b:?}"));
}
