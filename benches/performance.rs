//! Performance benchmarks of issue 8 (figures and method: `docs/performance.md`): one
//! baseline trial and its set-up, one tick of the 100,000-agent scale config, and one
//! schedule clearing shaped like the simulation's books (27 breakpoints, six participants a
//! region: `schedule/sim-book`). (The order-book market these once also timed was retired;
//! its figures stay in `docs/performance.md` as history.) The per-trial aggregation fold is in
//! `benches/batch.rs` (`fold`).
//!
//! `cargo bench --bench performance`; one group: `cargo bench --bench performance -- schedule`.

#![allow(clippy::unwrap_used, clippy::expect_used)]

mod support;

use criterion::{Criterion, criterion_group, criterion_main};
use remsim_market::{Link, Participants, PriceBounds, ScheduleClearing, ScheduleMarket, Values};
use remsim_scenario::Scenario;
use std::hint::black_box;
use std::path::Path;
use std::time::{Duration, Instant};

fn baseline(c: &mut Criterion) {
    let scenario = Scenario::baseline().unwrap();
    let mut group = c.benchmark_group("baseline");
    let mut trial = 0u64;
    group.bench_function("trial", |b| support::time_trial(b, &scenario, &mut trial));
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

/// The grid's price multipliers and the holder's and end users' curves on it, tabulated
/// once as the simulation does (a tick does no `powf`).
struct Grid {
    price: [f64; 25],
    holder: [f64; 25],
    users: [f64; 25],
}

impl Grid {
    fn new() -> Grid {
        let price: [f64; 25] = std::array::from_fn(|k| (0.08 * (k as f64 - 12.0)).exp());
        Grid {
            price,
            holder: price.map(|m| m.powf(-2.0)),
            users: price.map(|m| m.powf(-0.1).min(2.0)),
        }
    }
}

/// One region's book as the simulation builds it: a holder selling above and buying below
/// its desired stock on a 25-level grid around `pe`, end users' demand curve on the same
/// levels, makers' contracted and discretionary halves, and the cap.
fn sim_book(
    parts: &mut Participants<4>,
    grid: &Grid,
    pe: f64,
    stock_t: f64,
    demand_t: f64,
    need_t: f64,
) {
    parts.clear();
    let cap = 1200.0; // the bounds' cap
    let mut top = 0.0;
    for k in 0..25 {
        let held = stock_t - 3.0 * demand_t * grid.holder[k];
        let row = parts.push_point(pe * grid.price[k]);
        row[0] = Values::jump(if k == 0 { held.min(0.0) } else { held }, held);
        row[1] = Values::flat(-demand_t * grid.users[k]);
        row[2] = Values::flat(-0.5 * need_t);
        row[3] = Values::flat(-0.5 * need_t);
        top = held;
    }
    let top_demand = demand_t * grid.users[24];
    let row = parts.push_point(3.0 * pe);
    *row = [
        Values::flat(top),
        Values::flat(-top_demand),
        Values::flat(-0.5 * need_t),
        Values::jump(-0.5 * need_t, 0.0),
    ];
    let row = parts.push_point(cap);
    *row = [
        Values::jump(top, stock_t.max(top)),
        Values::jump(-top_demand, 0.0),
        Values::jump(-0.5 * need_t, 0.0),
        Values::flat(0.0),
    ];
}

fn schedule(c: &mut Criterion) {
    let mut group = c.benchmark_group("schedule");
    let mut parts = [Participants::<4>::new(), Participants::new()];
    let mut market = ScheduleMarket::new();
    let mut out = ScheduleClearing::default();
    let link = Link {
        capacity_t: 400.0,
        wedge_usd_per_kg: 2.0,
    };
    let bounds = PriceBounds {
        floor_usd_per_kg: 0.1,
        cap_usd_per_kg: 1200.0,
    };
    let grid = Grid::new();
    let mut month = 0u32;
    group.bench_function("sim-book", |b| {
        b.iter(|| {
            // Stocks move a little month to month, as in a run.
            month = month.wrapping_add(1);
            let wobble = 1.0 + 0.05 * f64::from(month % 7);
            sim_book(
                &mut parts[0],
                &grid,
                60.0,
                12_000.0 * wobble,
                4_000.0,
                3_000.0,
            );
            sim_book(
                &mut parts[1],
                &grid,
                62.0,
                2_000.0,
                1_000.0,
                1_500.0 * wobble,
            );
            for (p, s) in parts.iter().zip(&mut market.schedules) {
                p.total_into(s);
            }
            market.clear(link, bounds, [60.0, 62.0], &mut out).unwrap();
            black_box((
                parts[0].fills(out.position[0]),
                parts[1].fills(out.position[1]),
            ))
        });
    });
    group.finish();
}

criterion_group!(benches, baseline, scale_tick, schedule);
criterion_main!(benches);
