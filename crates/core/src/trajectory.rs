//! [`Trajectory`]: what one trial produces — every metric at every tick — and the contract
//! between the simulation (which fills it) and the batch scheduler, reports and replay
//! (which read it). Metric names follow `docs`/README: `price.nd.cn`, `mine.cn_share`, ….

use crate::Month;
use std::sync::Arc;

/// The per-tick metrics of one trial, tick-major: `values[tick * n_metrics + metric]`.
#[derive(Debug, Clone, PartialEq)]
pub struct Trajectory {
    /// Month of tick 0.
    pub start: Month,
    /// Metric names, in column order; shared by every trial of a batch.
    pub metric_names: Arc<[String]>,
    /// Number of ticks.
    pub n_ticks: usize,
    /// Values, tick-major.
    pub values: Vec<f64>,
    /// Floor and cap of each price metric, USD/kg, by metric index (`NaN` where a metric
    /// has none); empty when the producer did not say (then bound counts are missing).
    pub price_bounds: Arc<[[f64; 2]]>,
}

impl Trajectory {
    /// An all-zero trajectory with the given shape.
    pub fn zeros(start: Month, metric_names: Arc<[String]>, n_ticks: usize) -> Trajectory {
        let n = metric_names.len() * n_ticks;
        Trajectory {
            start,
            metric_names,
            n_ticks,
            values: vec![0.0; n],
            price_bounds: Arc::new([]),
        }
    }

    /// This trajectory with the floor and cap of each price metric (see
    /// [`Trajectory::price_bounds`]).
    pub fn with_price_bounds(mut self, bounds: Arc<[[f64; 2]]>) -> Trajectory {
        self.price_bounds = bounds;
        self
    }

    /// Number of metrics per tick.
    pub fn n_metrics(&self) -> usize {
        self.metric_names.len()
    }

    /// Column index of a metric by name.
    pub fn metric_index(&self, name: &str) -> Option<usize> {
        self.metric_names.iter().position(|m| m == name)
    }

    /// The metrics of one tick.
    pub fn tick(&self, tick: usize) -> &[f64] {
        let n = self.n_metrics();
        self.values.get(tick * n..(tick + 1) * n).unwrap_or(&[])
    }

    /// Mutable metrics of one tick.
    pub fn tick_mut(&mut self, tick: usize) -> &mut [f64] {
        let n = self.n_metrics();
        self.values
            .get_mut(tick * n..(tick + 1) * n)
            .unwrap_or(&mut [])
    }

    /// One metric over all ticks.
    pub fn series(&self, metric: usize) -> impl Iterator<Item = f64> + '_ {
        let n = self.n_metrics();
        (0..self.n_ticks).map(move |t| self.values.get(t * n + metric).copied().unwrap_or(f64::NAN))
    }

    /// Month of a tick.
    pub fn month(&self, tick: usize) -> Month {
        self.start.add_months(tick as i32)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn indexes_tick_major() {
        let names: Arc<[String]> = vec!["a".to_string(), "b".to_string()].into();
        let mut t = Trajectory::zeros(Month::new(2025, 1).unwrap(), names, 3);
        t.tick_mut(1)[1] = 5.0;
        assert_eq!(t.values[3], 5.0);
        assert_eq!(t.series(1).collect::<Vec<_>>(), vec![0.0, 5.0, 0.0]);
        assert_eq!(t.metric_index("b"), Some(1));
        assert_eq!(t.month(2).to_string(), "2025-03");
    }
}
