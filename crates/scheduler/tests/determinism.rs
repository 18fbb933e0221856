//! The scheduler's determinism promises, checked on the toy model: the same aggregates and
//! rows for any thread count and block size, for shards merged in any order, and for a
//! batch stopped and resumed at any block.

// Test helpers outside `#[test]` functions unwrap on purpose: a failed step fails the test.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use remsim_core::Month;
use remsim_scheduler::toy::{ToyShape, toy_metric_names, toy_trial};
use remsim_scheduler::*;
use std::convert::Infallible;

fn shape() -> ToyShape {
    ToyShape {
        names: toy_metric_names(),
        start: Month::new(2025, 1).unwrap(),
        n_ticks: 36,
        work: 0,
    }
}

/// Collects rows; stops after `stop_after` blocks if set.
struct Collect {
    rows: Vec<TrialRow>,
    blocks: usize,
    stop_after: Option<usize>,
}

impl Collect {
    fn new(stop_after: Option<usize>) -> Collect {
        Collect {
            rows: Vec::new(),
            blocks: 0,
            stop_after,
        }
    }
}

impl BlockSink for Collect {
    fn block_done(
        &mut self,
        rows: &[TrialRow],
        _spec: &OutcomeSpec,
        _state: &BatchState,
    ) -> Result<Flow, BoxError> {
        self.rows.extend_from_slice(rows);
        self.blocks += 1;
        Ok(match self.stop_after {
            Some(n) if self.blocks >= n => Flow::Stop,
            _ => Flow::Continue,
        })
    }
}

struct Run {
    aggregates: AggregatesParts,
    rows: Vec<TrialRow>,
}

fn run(seed: u64, range: std::ops::Range<u64>, threads: usize, block_size: u64) -> Run {
    let shape = shape();
    let mut sink = Collect::new(None);
    let end = run_batch(
        range.clone(),
        BatchState::start(range.start),
        &BatchConfig {
            threads,
            block_size,
        },
        |trial| Ok::<_, Infallible>(toy_trial(&shape, seed, trial)),
        &|| {},
        &mut sink,
    )
    .unwrap();
    let BatchEnd::Finished(state) = end else {
        panic!("stopped")
    };
    Run {
        aggregates: state.aggregates.unwrap().to_parts(),
        rows: sink.rows,
    }
}

#[test]
fn threads_and_block_sizes_do_not_change_anything() {
    let reference = run(7, 0..150, 1, 32);
    for (threads, block) in [(2, 32), (3, 7), (1, 1), (4, 150)] {
        let other = run(7, 0..150, threads, block);
        assert!(
            other.aggregates == reference.aggregates,
            "threads {threads}, block {block}"
        );
        assert_eq!(
            other.rows, reference.rows,
            "threads {threads}, block {block}"
        );
    }
}

#[test]
fn shards_merged_in_any_order_equal_the_whole() {
    let whole = run(3, 0..100, 2, 16);
    let shards: Vec<Run> = (0..4)
        .map(|k| run(3, Shard { index: k, count: 4 }.range(100), 2, 16))
        .collect();
    for order in [[0, 1, 2, 3], [3, 1, 0, 2]] {
        let mut merged = BatchAggregates::from_parts(&shards[order[0]].aggregates).unwrap();
        for &k in &order[1..] {
            merged
                .merge(&BatchAggregates::from_parts(&shards[k].aggregates).unwrap())
                .unwrap();
        }
        assert!(merged.to_parts() == whole.aggregates, "order {order:?}");
    }
    let rows: Vec<TrialRow> = shards.iter().flat_map(|s| s.rows.clone()).collect();
    assert_eq!(rows, whole.rows);
}

#[test]
fn stop_and_resume_equals_one_run() {
    let whole = run(11, 0..90, 2, 10);
    let shape = shape();
    for stop_after in [1, 4, 8] {
        let mut sink = Collect::new(Some(stop_after));
        let runner = |trial| Ok::<_, Infallible>(toy_trial(&shape, 11, trial));
        let config = BatchConfig {
            threads: 2,
            block_size: 10,
        };
        let BatchEnd::Stopped(state) = run_batch(
            0..90,
            BatchState::start(0),
            &config,
            runner,
            &|| {},
            &mut sink,
        )
        .unwrap() else {
            panic!("did not stop")
        };
        // What a checkpoint keeps: the storage form.
        let stored = state.aggregates.as_ref().unwrap().to_parts();
        let resumed_state = BatchState {
            next_trial: state.next_trial,
            aggregates: Some(BatchAggregates::from_parts(&stored).unwrap()),
        };
        let mut rest = Collect::new(None);
        let BatchEnd::Finished(done) =
            run_batch(0..90, resumed_state, &config, runner, &|| {}, &mut rest).unwrap()
        else {
            panic!("stopped again")
        };
        assert!(
            done.aggregates.unwrap().to_parts() == whole.aggregates,
            "stop after {stop_after}"
        );
        sink.rows.extend(rest.rows);
        assert_eq!(sink.rows, whole.rows);
    }
}

#[test]
fn a_failing_trial_is_named() {
    let shape = shape();
    let mut sink = Collect::new(None);
    let err = run_batch(
        0..50,
        BatchState::start(0),
        &BatchConfig::with_threads(2),
        |trial| {
            if trial == 37 {
                Err("the market did not clear".to_string())
            } else {
                Ok(toy_trial(&shape, 1, trial))
            }
        },
        &|| {},
        &mut sink,
    )
    .unwrap_err();
    assert_eq!(err.to_string(), "trial 37 failed: the market did not clear");
}

#[test]
fn summary_rows_are_metric_major_and_sane() {
    let r = run(5, 0..64, 2, 16);
    let a = BatchAggregates::from_parts(&r.aggregates).unwrap();
    let rows: Vec<SummaryRow> = a.summary_rows().collect();
    assert_eq!(rows.len(), a.shape().n_cells());
    assert_eq!((rows[0].metric, rows[0].tick), ("price.nd.cn", 0));
    assert_eq!((rows[1].metric, rows[1].tick), ("price.nd.cn", 1));
    for row in rows {
        let s = row.summary;
        assert_eq!(s.n, 64);
        let q = s.quantiles.unwrap();
        let (min, max, mean) = (s.min.unwrap(), s.max.unwrap(), s.mean.unwrap());
        assert!(
            min <= q[0] && q[6] <= max && min <= mean && mean <= max,
            "{row:?}"
        );
        assert!(q.windows(2).all(|w| w[0] <= w[1]), "{row:?}");
    }
}
