//! A driver for instruction counts (valgrind's callgrind), not a benchmark: clears books
//! like the criterion benchmarks `market/{fresh,reshuffled,drifting}/N` of
//! `benches/performance.rs` (N/2 offers and N/2 bids per region), many times, so that
//! `CoupledMarket::clear` can be counted on its own — filling the books is outside it.
//! Wall time on a shared machine moves by ±30%; instruction counts do not.
//!
//! ```sh
//! cargo build --release -p remsim-market --example clearings
//! valgrind --tool=callgrind --toggle-collect='*CoupledMarket*clear*' \
//!     target/release/examples/clearings reshuffled 1000 200
//! ```
//!
//! Arguments: mode (`fresh`, `reshuffled`, `drifting`; default `reshuffled`), N (default
//! 1000), clearings (default 200). Prints a checksum of the results, so that two builds can
//! be compared for identical output, and the mean time per clearing of the best tenth of the
//! clearings' batches of ten (noise on a shared machine only ever adds time).

use remsim_core::Region;
use remsim_market::{Bid, Clearing, CoupledMarket, Link, Offer, PriceBounds};
use std::hint::black_box;
use std::time::{Duration, Instant};

/// The benchmarks' generator (64-bit LCG, uniform in `[0, 1)`).
struct Lcg(u64);

impl Lcg {
    fn next(&mut self) -> f64 {
        self.0 = self
            .0
            .wrapping_mul(6_364_136_223_846_793_005)
            .wrapping_add(1_442_695_040_888_963_407);
        (self.0 >> 11) as f64 / (1u64 << 53) as f64
    }
}

/// A book of `n / 2` offers and `n / 2` bids per region, every price times `level`, each
/// with a relative noise of `noise` drawn from `jitter`.
fn fill(market: &mut CoupledMarket, n: usize, level: f64, base: &mut Lcg, jitter: &mut Lcg) {
    market.clear_books();
    for region in Region::ALL {
        let book = market.book_mut(region);
        for _ in 0..n / 2 {
            let q = 1.0 + 99.0 * base.next();
            let p = 20.0 + 80.0 * base.next();
            book.push_offer(Offer::new(q, level * p * (0.995 + 0.01 * jitter.next())));
        }
        for _ in 0..n / 2 {
            let q = 1.0 + 199.0 * base.next();
            let p = 30.0 + 90.0 * base.next();
            book.push_bid(Bid::new(q, level * p * (0.995 + 0.01 * jitter.next())));
        }
    }
}

fn clear(market: &mut CoupledMarket, n: usize, out: &mut Clearing) {
    let link = Link {
        capacity_t: 5.0 * n as f64,
        wedge_usd_per_kg: 4.0,
    };
    let bounds = PriceBounds {
        floor_usd_per_kg: 0.0,
        cap_usd_per_kg: 1_000.0,
    };
    if let Err(e) = market.clear(link, bounds, [50.0, 60.0], out) {
        eprintln!("clearing refused: {e}");
        std::process::exit(1);
    }
}

/// Folds every bit of a clearing into a running hash (FNV-1a over the bit patterns).
fn digest(hash: &mut u64, out: &Clearing) {
    let mut add = |x: u64| {
        *hash ^= x;
        *hash = hash.wrapping_mul(0x0000_0100_0000_01B3);
    };
    for p in out.price_usd_per_kg {
        add(p.to_bits());
    }
    add(out.flow_t.to_bits());
    add(u64::from(out.link_binding));
    for r in 0..2 {
        for v in [
            out.sold_t[r],
            out.bought_t[r],
            out.unsold_t[r],
            out.unmet_t[r],
        ] {
            add(v.to_bits());
        }
        for v in out.offer_fill_t[r].iter().chain(&out.bid_fill_t[r]) {
            add(v.to_bits());
        }
    }
}

fn main() {
    let args: Vec<String> = std::env::args().collect();
    let mode = args.get(1).map_or("reshuffled", String::as_str);
    let n: usize = args.get(2).and_then(|s| s.parse().ok()).unwrap_or(1000);
    let rounds: u64 = args.get(3).and_then(|s| s.parse().ok()).unwrap_or(200);
    let mut out = Clearing::new();
    let mut market = CoupledMarket::new();
    let mut hash = 0xCBF2_9CE4_8422_2325;
    let (mut base, mut jitter) = (Lcg(7), Lcg(11));
    let mut batches = Vec::new();
    let mut batch = Duration::ZERO;
    for month in 0..rounds {
        match mode {
            "fresh" => {
                market = CoupledMarket::new();
                fill(&mut market, n, 1.0, &mut base, &mut jitter);
            }
            "reshuffled" => fill(&mut market, n, 1.0, &mut base, &mut jitter),
            "drifting" => {
                let level = 1.0 + 0.2 * ((month as f64) * 0.3).sin();
                fill(&mut market, n, level, &mut Lcg(7), &mut jitter);
            }
            _ => {
                eprintln!("mode: fresh, reshuffled or drifting");
                std::process::exit(2);
            }
        }
        let start = Instant::now();
        clear(black_box(&mut market), n, &mut out);
        batch += start.elapsed();
        if month % 10 == 9 {
            batches.push(batch);
            batch = Duration::ZERO;
        }
        digest(&mut hash, &out);
    }
    batches.sort();
    let best = &batches[..batches.len().div_ceil(10)];
    let micros = best.iter().sum::<Duration>().as_secs_f64() * 1e6 / (10 * best.len()) as f64;
    println!("{mode} {n} x{rounds}: digest {hash:016x}, {micros:.2} µs per clearing");
}
