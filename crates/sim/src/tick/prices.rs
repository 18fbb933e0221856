//! Phase 10, prices: the month's clearing prices become the prices; the trend (smoothed
//! monthly log change), the smoothed price and the long-run average move toward them.
//!
//! Reads: `Flows::new_price`, params (smoothing, coefficients).
//! Writes: `PriceState::{price, trend, smoothed, long_run}`.
//! Invariant: prices stay within [floor, cap] (the clearing keeps them there); the trend
//! reads last month's price before it is replaced.

use crate::state::{Params, PriceState};
use crate::tick::Flows;
use remsim_core::Element;

/// Runs the prices phase.
pub(crate) fn run(prices: &mut PriceState, params: &Params, f: &Flows) {
    let c = &params.coef;
    for r in 0..2 {
        for e in Element::ALL {
            let old = prices.price[r][e].max(1e-9);
            let new = f.new_price[r][e].max(1e-9);
            prices.trend[r][e] += c.trend_smoothing * ((new / old).ln() - prices.trend[r][e]);
            prices.smoothed[r][e] += params.smoothing * (new - prices.smoothed[r][e]);
            prices.long_run[r][e] += (new - prices.long_run[r][e]) / c.long_run_months;
        }
    }
    prices.price = f.new_price;
}
