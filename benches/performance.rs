//! Performance benchmarks of issue 8 (figures and method: `docs/performance.md`): one
//! baseline trial and its set-up, one tick of the 100,000-agent scale config, and one
//! coupled market clearing with 10, 1,000 and 100,000 offers (and as many bids), both from
//! a fresh market and as the simulation clears it, month after month with prices that
//! drift. The per-trial aggregation fold is in `benches/batch.rs` (`fold`).
//!
//! `cargo bench --bench performance`; one group: `cargo bench --bench performance -- market`.

#![allow(clippy::unwrap_used, clippy::expect_used)]

use criterion::{BatchSize, BenchmarkId, Criterion, Throughput, criterion_group, criterion_main};
use remsim_core::Region;
use remsim_market::{Bid, Clearing, CoupledMarket, Link, Offer, PriceBounds};
use remsim_scenario::Scenario;
use std::hint::black_box;
use std::path::Path;
use std::time::{Duration, Instant};

fn baseline(c: &mut Criterion) {
    let scenario = Scenario::baseline().unwrap();
    let mut group = c.benchmark_group("baseline");
    let mut trial = 0u64;
    group.bench_function("trial", |b| {
        b.iter(|| {
            trial += 1;
            let config = scenario.draw(42, trial).unwrap();
            black_box(remsim_sim::run_trial(&config, 42, trial).unwrap())
        })
    });
    group.bench_function("set-up", |b| {
        b.iter(|| {
            trial += 1;
            let config = scenario.draw(42, trial).unwrap();
            black_box(remsim_sim::World::new(&config, 42, trial).unwrap())
        })
    });
    group.finish();
}

fn scale_tick(c: &mut Criterion) {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("configs/scale/100k-agents.toml");
    let scenario = Scenario::load(&path).unwrap();
    let config = scenario.draw(1, 0).unwrap();
    let new_world = || {
        let mut world = remsim_sim::World::new(&config, 1, 0).unwrap();
        let mut row = vec![0.0; world.metric_names().len()];
        // Past the opening months, into the ordinary run of a trial.
        for _ in 0..12 {
            world.tick(&mut row).unwrap();
        }
        (world, row)
    };
    let (mut world, mut row) = new_world();
    let mut group = c.benchmark_group("scale");
    group.sample_size(20);
    group.measurement_time(Duration::from_secs(10));
    group.bench_function("tick-100k-agents", |b| {
        b.iter_custom(|iters| {
            let mut spent = Duration::ZERO;
            for _ in 0..iters {
                if world.ticks_done() == world.n_ticks() {
                    (world, row) = new_world();
                }
                let start = Instant::now();
                world.tick(&mut row).unwrap();
                spent += start.elapsed();
            }
            spent
        })
    });
    group.finish();
}

/// A small deterministic generator (64-bit LCG), enough to spread prices and quantities.
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

/// `n` offers and `n` bids, half in each region, prices scaled by `level`.
fn fill_books(market: &mut CoupledMarket, n: usize, level: f64, rng: &mut Lcg) {
    market.clear_books();
    for region in Region::ALL {
        let book = market.book_mut(region);
        for _ in 0..n / 2 {
            let q = 1.0 + 99.0 * rng.next();
            book.push_offer(Offer::new(q, level * (20.0 + 80.0 * rng.next())));
        }
        for _ in 0..n / 2 {
            let q = 1.0 + 199.0 * rng.next();
            book.push_bid(Bid::new(q, level * (30.0 + 90.0 * rng.next())));
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
    market.clear(link, bounds, [50.0, 60.0], out).unwrap();
}

fn market(c: &mut Criterion) {
    let mut group = c.benchmark_group("market");
    for n in [10usize, 1_000, 100_000] {
        group.throughput(Throughput::Elements(1));
        // A fresh market (its first clearing: buffers allocated, books sorted from scratch).
        group.bench_with_input(BenchmarkId::new("fresh", n), &n, |b, &n| {
            let mut rng = Lcg(42);
            let mut out = Clearing::new();
            b.iter_batched_ref(
                || {
                    let mut m = CoupledMarket::new();
                    fill_books(&mut m, n, 1.0, &mut rng);
                    m
                },
                |m| clear(m, n, &mut out),
                BatchSize::LargeInput,
            )
        });
        // The same market, a new random book of the same shape each time: last clearing's
        // order is of no use and the general sort takes over.
        group.bench_with_input(BenchmarkId::new("reshuffled", n), &n, |b, &n| {
            let mut market = CoupledMarket::new();
            let mut out = Clearing::new();
            let mut rng = Lcg(3);
            fill_books(&mut market, n, 1.0, &mut rng);
            clear(&mut market, n, &mut out);
            b.iter_custom(|iters| {
                let mut spent = Duration::ZERO;
                for _ in 0..iters {
                    fill_books(&mut market, n, 1.0, &mut rng);
                    let start = Instant::now();
                    clear(&mut market, n, &mut out);
                    spent += start.elapsed();
                }
                spent
            })
        });
        // Month after month: the same orders, all prices moved by one common drift and
        // 1% of noise each, as the simulation's books move between ticks.
        group.bench_with_input(BenchmarkId::new("drifting", n), &n, |b, &n| {
            let mut market = CoupledMarket::new();
            let mut out = Clearing::new();
            let mut month = 0u64;
            let mut base = Lcg(7);
            let mut noise = Lcg(11);
            fill_books(&mut market, n, 1.0, &mut base);
            clear(&mut market, n, &mut out);
            b.iter_custom(|iters| {
                let mut spent = Duration::ZERO;
                for _ in 0..iters {
                    month += 1;
                    let level = 1.0 + 0.2 * ((month as f64) * 0.3).sin();
                    drift_books(&mut market, n, level, &mut Lcg(7), &mut noise);
                    let start = Instant::now();
                    clear(&mut market, n, &mut out);
                    spent += start.elapsed();
                }
                spent
            })
        });
    }
    group.finish();
}

/// The books of `fill_books` with seed 7, every price times `level` and 1% noise.
fn drift_books(market: &mut CoupledMarket, n: usize, level: f64, base: &mut Lcg, noise: &mut Lcg) {
    market.clear_books();
    for region in Region::ALL {
        let book = market.book_mut(region);
        for _ in 0..n / 2 {
            let q = 1.0 + 99.0 * base.next();
            let p = 20.0 + 80.0 * base.next();
            book.push_offer(Offer::new(q, level * p * (0.995 + 0.01 * noise.next())));
        }
        for _ in 0..n / 2 {
            let q = 1.0 + 199.0 * base.next();
            let p = 30.0 + 90.0 * base.next();
            book.push_bid(Bid::new(q, level * p * (0.995 + 0.01 * noise.next())));
        }
    }
}

criterion_group!(benches, baseline, scale_tick, market);
criterion_main!(benches);
