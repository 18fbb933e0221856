//! [`Fan`]: one metric's distribution over time, as drawn — the median and the 50% and 90%
//! bands at every month, on a calendar-year axis — built from the rows of `summary.csv`.

use remsim_core::Month;
use remsim_io::SummaryRecord;

/// One month of a fan, in display units.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct FanPoint {
    /// Decimal calendar year of the month (2025-07 → 2025.5).
    pub x: f64,
    /// 5th percentile across trials.
    pub p05: f64,
    /// 25th percentile.
    pub p25: f64,
    /// Median.
    pub p50: f64,
    /// 75th percentile.
    pub p75: f64,
    /// 95th percentile.
    pub p95: f64,
}

/// A metric's fan: points in time order.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Fan {
    /// Months with all five quantiles defined.
    pub points: Vec<FanPoint>,
}

impl Fan {
    /// The fan of a metric's summary rows, every value multiplied by `factor` (100 turns a
    /// share into percent). Months without quantiles (no trial folded), with a malformed
    /// date or with a non-finite quantile are left out. The five values of a month are put
    /// in ascending order, so the bands are nested even if the rows were not (they are,
    /// from remsim's sketches; a hand-edited file might not be).
    pub fn from_rows(rows: &[SummaryRecord], factor: f64) -> Fan {
        let mut points: Vec<FanPoint> = rows
            .iter()
            .filter_map(|row| {
                let q = row.stats.quantiles?;
                let month = Month::parse(&row.date).ok()?;
                let mut v = [q[1], q[2], q[3], q[4], q[5]].map(|x| x * factor);
                if v.iter().any(|x| !x.is_finite()) {
                    return None;
                }
                v.sort_by(f64::total_cmp);
                Some(FanPoint {
                    x: month.decimal_year(),
                    p05: v[0],
                    p25: v[1],
                    p50: v[2],
                    p75: v[3],
                    p95: v[4],
                })
            })
            .collect();
        points.sort_by(|a, b| a.x.total_cmp(&b.x));
        Fan { points }
    }

    /// Whether there is nothing to draw.
    pub fn is_empty(&self) -> bool {
        self.points.is_empty()
    }

    /// First and last decimal year.
    pub fn x_range(&self) -> Option<(f64, f64)> {
        Some((self.points.first()?.x, self.points.last()?.x))
    }

    /// Smallest p05 and largest p95: the values the chart must show.
    pub fn value_range(&self) -> Option<(f64, f64)> {
        let lo = self.points.iter().map(|p| p.p05).reduce(f64::min)?;
        let hi = self.points.iter().map(|p| p.p95).reduce(f64::max)?;
        Some((lo, hi))
    }

    /// Smallest strictly positive p05, for a log axis (zeros are drawn at its bottom).
    pub fn positive_min(&self) -> Option<f64> {
        self.points
            .iter()
            .map(|p| p.p05)
            .filter(|v| *v > 0.0)
            .reduce(f64::min)
    }

    /// The outline of the band between two quantiles: the upper edge left to right, then
    /// the lower edge right to left — a closed polygon.
    pub fn band(
        &self,
        lower: fn(&FanPoint) -> f64,
        upper: fn(&FanPoint) -> f64,
    ) -> Vec<(f64, f64)> {
        let mut outline: Vec<(f64, f64)> = self.points.iter().map(|p| (p.x, upper(p))).collect();
        outline.extend(self.points.iter().rev().map(|p| (p.x, lower(p))));
        outline
    }

    /// The median line.
    pub fn median(&self) -> Vec<(f64, f64)> {
        self.points.iter().map(|p| (p.x, p.p50)).collect()
    }
}

/// Lowest and highest value over several fans (`None` if all are empty).
pub fn value_range<'a>(fans: impl IntoIterator<Item = &'a Fan>) -> Option<(f64, f64)> {
    fans.into_iter()
        .filter_map(Fan::value_range)
        .reduce(|(a, b), (c, d)| (a.min(c), b.max(d)))
}

/// First and last decimal year over several fans.
pub fn x_range<'a>(fans: impl IntoIterator<Item = &'a Fan>) -> Option<(f64, f64)> {
    fans.into_iter()
        .filter_map(Fan::x_range)
        .reduce(|(a, b), (c, d)| (a.min(c), b.max(d)))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn row(tick: usize, date: &str, q: Option<[f64; 7]>) -> SummaryRecord {
        SummaryRecord {
            tick,
            date: date.to_string(),
            stats: remsim_io::SummaryStats {
                n: 10,
                mean: None,
                sd: None,
                min: None,
                quantiles: q,
                max: None,
            },
        }
    }

    #[test]
    fn months_become_decimal_years_in_order() {
        let q = Some([0.0, 1.0, 2.0, 3.0, 4.0, 5.0, 6.0]);
        let rows = [
            row(0, "2025-01", q),
            row(1, "2025-07", q),
            row(2, "2026-01", q),
        ];
        let fan = Fan::from_rows(&rows, 1.0);
        let xs: Vec<f64> = fan.points.iter().map(|p| p.x).collect();
        assert_eq!(xs, [2025.0, 2025.5, 2026.0]);
        assert_eq!(fan.x_range(), Some((2025.0, 2026.0)));
        assert_eq!(fan.value_range(), Some((1.0, 5.0)));
    }

    #[test]
    fn bands_are_nested_whatever_the_input() {
        let rows = [
            row(0, "2025-01", Some([0.0, 5.0, 2.0, 4.0, 3.0, 1.0, 9.0])),
            row(1, "2025-02", Some([0.0, 1.0, 2.0, 3.0, 4.0, 5.0, 6.0])),
        ];
        for p in Fan::from_rows(&rows, 100.0).points {
            assert!(p.p05 <= p.p25 && p.p25 <= p.p50 && p.p50 <= p.p75 && p.p75 <= p.p95);
            assert_eq!((p.p05, p.p95), (100.0, 500.0));
        }
    }

    #[test]
    fn undefined_months_are_left_out() {
        let rows = [
            row(0, "2025-01", None),
            row(1, "2025-13", Some([1.0; 7])),
            row(2, "2025-03", Some([0.0, 1.0, f64::NAN, 3.0, 4.0, 5.0, 6.0])),
            row(3, "2025-04", Some([1.0; 7])),
        ];
        let fan = Fan::from_rows(&rows, 1.0);
        assert_eq!(fan.points.len(), 1);
        assert_eq!(fan.points[0].x, 2025.25);
    }

    #[test]
    fn a_band_is_a_closed_outline() {
        let q = Some([0.0, 1.0, 2.0, 3.0, 4.0, 5.0, 6.0]);
        let fan = Fan::from_rows(&[row(0, "2025-01", q), row(1, "2026-01", q)], 1.0);
        let outline = fan.band(|p| p.p05, |p| p.p95);
        assert_eq!(
            outline,
            [(2025.0, 5.0), (2026.0, 5.0), (2026.0, 1.0), (2025.0, 1.0)]
        );
    }
}
