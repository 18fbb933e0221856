//! Throughput benchmarks of Monte Carlo batches (issue 4): one baseline trial, the fold of
//! one block of baseline trajectories into the batch aggregates, and a 1000-trial baseline
//! batch on all cores (criterion reports trials/s as elements/s).
//!
//! `cargo bench --bench batch`; a single group: `cargo bench --bench batch -- trial`.

#![allow(clippy::unwrap_used, clippy::expect_used)]

mod support;

use criterion::{Criterion, Throughput, criterion_group, criterion_main};
use remsim_scenario::Scenario;
use remsim_scheduler::{
    BatchAggregates, BatchConfig, BatchEnd, BatchState, BoxError, DiscardRows, Shape, run_batch,
};
use std::hint::black_box;

fn baseline_trial(c: &mut Criterion) {
    let scenario = Scenario::baseline().unwrap();
    let mut trial = 0u64;
    c.bench_function("trial/baseline", |b| {
        support::time_trial(b, &scenario, &mut trial)
    });
}

fn fold_block(c: &mut Criterion) {
    let (block, rows) = support::baseline_block();
    let pairs = support::pairs(&block, &rows);
    let mut group = c.benchmark_group("fold");
    group.throughput(Throughput::Elements(block.len() as u64));
    group.bench_function("32-baseline-trajectories", |b| {
        let mut aggregates = BatchAggregates::new(Shape::of(&block[0]));
        b.iter(|| aggregates.fold_block(black_box(&pairs)))
    });
    group.finish();
}

fn batch_of_1000(c: &mut Criterion) {
    let scenario = Scenario::baseline().unwrap();
    let mut group = c.benchmark_group("batch");
    group.sample_size(10);
    group.throughput(Throughput::Elements(1000));
    group.bench_function("1000-baseline-trials-all-cores", |b| {
        b.iter(|| {
            let end = run_batch(
                0..1000,
                BatchState::start(0),
                &BatchConfig::with_threads(0),
                |t| -> Result<_, BoxError> {
                    Ok(remsim_sim::run_trial(&scenario.draw(7, t)?, 7, t)?)
                },
                &|| {},
                &mut DiscardRows,
            )
            .unwrap();
            assert!(matches!(end, BatchEnd::Finished(_)));
        })
    });
    group.finish();
}

criterion_group!(benches, baseline_trial, fold_block, batch_of_1000);
criterion_main!(benches);
