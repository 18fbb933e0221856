//! A plain timing sanity check, not a benchmark: clears books of a given size many times
//! and prints the time per clearing (best batch).
//!
//! `cargo run --release -p remsim-market --example timing`

use remsim_market::{Bid, Clearing, CoupledMarket, Link, Offer, PriceBounds};
use std::time::Instant;

/// A small deterministic generator (64-bit LCG), enough to spread prices and quantities.
fn next(state: &mut u64) -> f64 {
    *state = state
        .wrapping_mul(6_364_136_223_846_793_005)
        .wrapping_add(1_442_695_040_888_963_407);
    (*state >> 11) as f64 / (1u64 << 53) as f64
}

/// Best-batch mean µs per clearing of a market with `offers` offers and `bids` bids per region.
fn time(offers: usize, bids: usize) -> Result<f64, remsim_market::MarketError> {
    let mut state = 42;
    let mut market = CoupledMarket::new();
    for book in &mut market.books {
        for _ in 0..offers {
            book.push_offer(Offer::new(
                1.0 + 99.0 * next(&mut state),
                20.0 + 80.0 * next(&mut state),
            ));
        }
        for _ in 0..bids {
            book.push_bid(Bid::new(
                1.0 + 199.0 * next(&mut state),
                30.0 + 90.0 * next(&mut state),
            ));
        }
    }
    let link = Link {
        capacity_t: 5_000.0,
        wedge_usd_per_kg: 4.0,
    };
    let bounds = PriceBounds {
        floor_usd_per_kg: 0.0,
        cap_usd_per_kg: 1_000.0,
    };
    let mut out = Clearing::new();
    market.clear(link, bounds, [50.0, 60.0], &mut out)?;
    // The best of 20 batches: the machine's noise only ever adds time.
    let rounds = 1_000;
    let mut best = f64::INFINITY;
    for _ in 0..20 {
        let start = Instant::now();
        for _ in 0..rounds {
            market.clear(link, bounds, [50.0, 60.0], &mut out)?;
        }
        best = best.min(start.elapsed().as_secs_f64() / f64::from(rounds) * 1e6);
    }
    Ok(best)
}

/// Best-batch mean µs to sort 1,000 random `u64` with `sort_unstable`: a yardstick for
/// this machine, since sorting is a large part of a clearing.
fn yardstick() -> f64 {
    let mut state = 7;
    let keys: Vec<u64> = (0..1000).map(|_| next(&mut state).to_bits()).collect();
    let mut work = keys.clone();
    let rounds = 1_000;
    let mut best = f64::INFINITY;
    for _ in 0..20 {
        let start = Instant::now();
        for _ in 0..rounds {
            work.copy_from_slice(&keys);
            work.sort_unstable();
            std::hint::black_box(&work);
        }
        best = best.min(start.elapsed().as_secs_f64() / f64::from(rounds) * 1e6);
    }
    best
}

fn main() -> Result<(), remsim_market::MarketError> {
    let sort = yardstick();
    println!("{sort:7.2} µs to sort 1000 u64 (yardstick)");
    for (offers, bids) in [(500, 100), (1000, 300)] {
        let t = time(offers, bids)?;
        println!(
            "{t:7.2} µs per clearing, {offers} offers and {bids} bids per region ({:.1} yardsticks)",
            t / sort
        );
    }
    Ok(())
}
