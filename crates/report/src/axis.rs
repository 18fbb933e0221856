//! Axes: when a value axis goes logarithmic, where its ticks fall, how tick labels read, and
//! which calendar years label the time axis. Pure functions of numbers, so the rules that
//! keep labels apart are tested without drawing anything.

/// How a value axis maps numbers to height.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Scale {
    /// Height proportional to the value.
    Linear,
    /// Height proportional to log10 of the value (every value > 0).
    Log,
}

/// When price axes go logarithmic.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum LogPolicy {
    /// Logarithmic when the values shown span more than [`AUTO_LOG_RATIO`] (max/min) and are
    /// all positive.
    #[default]
    Auto,
    /// Always logarithmic where every value is positive (linear otherwise).
    Always,
    /// Never logarithmic.
    Never,
}

/// Largest max/min ratio a linear price axis is kept for under [`LogPolicy::Auto`].
pub const AUTO_LOG_RATIO: f64 = 20.0;

/// The scale for values spanning `lo..=hi` under `policy`.
pub fn choose_scale(lo: f64, hi: f64, policy: LogPolicy) -> Scale {
    let positive = lo > 0.0 && hi > 0.0 && lo.is_finite() && hi.is_finite();
    match policy {
        LogPolicy::Never => Scale::Linear,
        LogPolicy::Always if positive => Scale::Log,
        LogPolicy::Auto if positive && hi / lo > AUTO_LOG_RATIO => Scale::Log,
        _ => Scale::Linear,
    }
}

/// A value axis: its scale and the range it shows (in data units).
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct ValueAxis {
    /// Linear or logarithmic.
    pub scale: Scale,
    /// Lowest value shown.
    pub lo: f64,
    /// Highest value shown.
    pub hi: f64,
}

impl ValueAxis {
    /// An axis showing `lo..=hi` with a little room around it: linear axes of non-negative
    /// data start at zero when the data come within 40% of it, log axes get a twentieth of
    /// their decades on each side. A degenerate range (all values equal) is widened.
    pub fn fit(lo: f64, hi: f64, scale: Scale) -> ValueAxis {
        let (lo, hi) = if lo.is_finite() && hi.is_finite() && lo <= hi {
            (lo, hi)
        } else {
            (0.0, 1.0)
        };
        match scale {
            Scale::Log if lo > 0.0 => {
                let (a, b) = (lo.log10(), hi.log10());
                let pad = ((b - a) * 0.05).max(0.05);
                ValueAxis {
                    scale,
                    lo: 10f64.powf(a - pad),
                    hi: 10f64.powf(b + pad),
                }
            }
            _ => {
                let span = hi - lo;
                let (mut lo2, mut hi2) = if span <= f64::EPSILON * hi.abs().max(1.0) {
                    let w = if hi == 0.0 { 1.0 } else { hi.abs() * 0.1 };
                    (lo - w, hi + w)
                } else {
                    (lo - span * 0.04, hi + span * 0.06)
                };
                if lo >= 0.0 && hi > 0.0 && (lo2 < 0.0 || lo < 0.4 * hi) {
                    lo2 = 0.0;
                }
                if hi <= 0.0 && lo < 0.0 && (hi2 > 0.0 || hi > 0.4 * lo) {
                    hi2 = 0.0;
                }
                ValueAxis {
                    scale: Scale::Linear,
                    lo: lo2,
                    hi: hi2,
                }
            }
        }
    }

    /// The coordinate a value is drawn at (log10 of it on a log axis).
    pub fn to_coord(&self, v: f64) -> f64 {
        match self.scale {
            Scale::Linear => v,
            Scale::Log => v.max(self.lo).log10(),
        }
    }

    /// The coordinate range, for the chart builder.
    pub fn coord_range(&self) -> std::ops::Range<f64> {
        self.to_coord(self.lo)..self.to_coord(self.hi)
    }

    /// The value at a coordinate.
    pub fn from_coord(&self, c: f64) -> f64 {
        match self.scale {
            Scale::Linear => c,
            Scale::Log => 10f64.powf(c),
        }
    }

    /// Tick values (data units) inside the axis, at most about `max_ticks` of them.
    pub fn ticks(&self, max_ticks: usize) -> Vec<f64> {
        match self.scale {
            Scale::Linear => linear_ticks(self.lo, self.hi, max_ticks),
            Scale::Log => log_ticks(self.lo, self.hi, max_ticks),
        }
    }
}

/// "Nice" ticks (1, 2, 2.5 or 5 times a power of ten) covering `lo..=hi`, at most
/// `max_ticks` of them (at least 2 where the range allows).
pub fn linear_ticks(lo: f64, hi: f64, max_ticks: usize) -> Vec<f64> {
    if !(lo.is_finite() && hi.is_finite()) || hi <= lo {
        return vec![lo];
    }
    let max_ticks = max_ticks.max(2);
    let raw = (hi - lo) / (max_ticks - 1) as f64;
    let magnitude = 10f64.powf(raw.log10().floor());
    let step = [1.0, 2.0, 2.5, 5.0, 10.0]
        .iter()
        .map(|m| m * magnitude)
        .find(|s| (((hi - lo) / s).floor() as usize) < max_ticks)
        .unwrap_or(10.0 * magnitude);
    let first = (lo / step).ceil() as i64;
    let last = (hi / step).floor() as i64;
    (first..=last)
        .map(|k| {
            // Snap away binary noise (0.6000000000000001) to the step's own decimals.
            let decimals = (1 - step.log10().floor() as i32).clamp(0, 12) as usize;
            let v = k as f64 * step;
            format!("{v:.decimals$}").parse().unwrap_or(v)
        })
        .collect()
}

/// Ticks for a log axis over `lo..=hi` (both > 0): powers of ten, with 2× and 5× between
/// them when few decades are shown, thinned to at most `max_ticks`.
pub fn log_ticks(lo: f64, hi: f64, max_ticks: usize) -> Vec<f64> {
    if !(lo > 0.0 && hi > lo && hi.is_finite()) {
        return vec![lo];
    }
    let max_ticks = max_ticks.max(2);
    let first = lo.log10().floor() as i32;
    let last = hi.log10().ceil() as i32;
    for multipliers in [&[1.0, 2.0, 5.0][..], &[1.0, 3.0][..], &[1.0][..]] {
        let ticks: Vec<f64> = (first..=last)
            .flat_map(|e| multipliers.iter().map(move |m| m * 10f64.powi(e)))
            .filter(|v| *v >= lo * (1.0 - 1e-12) && *v <= hi * (1.0 + 1e-12))
            .collect();
        if ticks.len() <= max_ticks && ticks.len() >= 2 {
            return ticks;
        }
    }
    // Many decades: every k-th power of ten.
    let decades = (last - first).max(1) as usize;
    let every = decades.div_ceil(max_ticks - 1).max(1);
    let ticks: Vec<f64> = (first..=last)
        .filter(|e| ((e - first) as usize).is_multiple_of(every))
        .map(|e| 10f64.powi(e))
        .filter(|v| *v >= lo * (1.0 - 1e-12) && *v <= hi * (1.0 + 1e-12))
        .collect();
    if ticks.is_empty() {
        vec![lo, hi]
    } else {
        ticks
    }
}

/// Calendar years to label on a time axis running from `x0` to `x1` (decimal years): whole
/// years, a step of 1, 2, 5, 10 or 20 years chosen so that at most `max_labels` appear.
pub fn year_ticks(x0: f64, x1: f64, max_labels: usize) -> Vec<f64> {
    if !(x0.is_finite() && x1.is_finite()) || x1 < x0 {
        return Vec::new();
    }
    let max_labels = max_labels.max(2);
    for step in [1i32, 2, 5, 10, 20, 50] {
        let first = (x0 / step as f64).ceil() as i32 * step;
        let years: Vec<f64> = (0..)
            .map(|k| (first + k * step) as f64)
            .take_while(|y| *y <= x1 + 1e-9)
            .collect();
        if years.len() <= max_labels {
            return years;
        }
    }
    vec![x0.ceil(), x1.floor()]
}

/// At most `n` x ticks: whole years on a time axis, round values on a lever's.
pub(crate) fn x_ticks(x: (f64, f64), n: usize, lever: bool) -> Vec<f64> {
    if lever {
        linear_ticks(x.0, x.1, n)
    } else {
        year_ticks(x.0, x.1, n)
    }
}

/// An x tick's label: a year, or a lever's value.
pub(crate) fn x_tick_label(v: f64, lever: bool) -> String {
    if lever {
        format_tick(v)
    } else {
        format!("{v:.0}")
    }
}

/// A tick label: thousands separated (`12,500`), small numbers with up to three
/// significant digits (`0.05`, `2.5`), no trailing zeros, `0` for zero.
pub fn format_tick(v: f64) -> String {
    if v == 0.0 || !v.is_finite() {
        return if v.is_nan() { "–".into() } else { "0".into() };
    }
    let a = v.abs();
    let text = if a >= 1e6 {
        format!("{}M", trim(&format!("{:.2}", v / 1e6)))
    } else if a >= 1000.0 {
        thousands(v.round() as i64)
    } else {
        let decimals = (2 - a.log10().floor() as i32).clamp(0, 6) as usize;
        trim(&format!("{v:.decimals$}"))
    };
    text.replace('-', "−")
}

/// How the tick labels of one axis read: linear axes share one number of decimals (and
/// switch to millions, `1.25M`, together), so a row of labels never mixes `750,000` with
/// `1M`; log axes label each power or multiple on its own.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct TickFormat {
    divisor: f64,
    suffix: &'static str,
    /// `None`: each label formatted on its own ([`format_tick`]).
    decimals: Option<usize>,
}

impl TickFormat {
    /// The format for these ticks on an axis of this scale.
    pub fn for_ticks(ticks: &[f64], scale: Scale) -> TickFormat {
        if scale == Scale::Log || ticks.is_empty() {
            return TickFormat {
                divisor: 1.0,
                suffix: "",
                decimals: None,
            };
        }
        let max = ticks.iter().map(|t| t.abs()).fold(0.0, f64::max);
        let (divisor, suffix) = if max >= 1e6 { (1e6, "M") } else { (1.0, "") };
        let decimals = (0..=6)
            .find(|d| {
                let f = 10f64.powi(*d as i32);
                ticks
                    .iter()
                    .all(|t| ((t / divisor) * f - ((t / divisor) * f).round()).abs() < 1e-6)
            })
            .unwrap_or(6);
        TickFormat {
            divisor,
            suffix,
            decimals: Some(decimals),
        }
    }

    /// The label of `v`.
    pub fn label(&self, v: f64) -> String {
        let Some(decimals) = self.decimals else {
            return format_tick(v);
        };
        let x = v / self.divisor;
        let text = format!("{x:.decimals$}");
        let (int, frac) = match text.split_once('.') {
            Some((i, f)) => (i, Some(f)),
            None => (text.as_str(), None),
        };
        let negative = int.starts_with('-');
        let digits = int.trim_start_matches('-');
        let mut out = String::new();
        for (i, c) in digits.chars().enumerate() {
            if i > 0 && (digits.len() - i).is_multiple_of(3) {
                out.push(',');
            }
            out.push(c);
        }
        if let Some(f) = frac {
            out.push('.');
            out.push_str(f);
        }
        let zero = out.chars().all(|c| c == '0' || c == '.' || c == ',');
        if zero {
            return "0".into();
        }
        if negative {
            out.insert(0, '−');
        }
        out.push_str(self.suffix);
        out
    }
}

/// A value in running text and tables: about four significant digits.
pub fn format_value(v: f64) -> String {
    if !v.is_finite() {
        return "–".into();
    }
    let a = v.abs();
    let text = if a >= 1e6 {
        format!("{}M", trim(&format!("{:.3}", v / 1e6)))
    } else if a >= 1000.0 {
        thousands(v.round() as i64)
    } else if a == 0.0 {
        "0".into()
    } else if a < 1e-3 {
        // Tiny but not zero (a trace of shortage): say so rather than print 0.
        let text = format!("{:.2e}", a);
        return if v < 0.0 { format!("−{text}") } else { text };
    } else {
        let decimals = (3 - a.log10().floor() as i32).clamp(0, 6) as usize;
        trim(&format!("{v:.decimals$}"))
    };
    text.replace('-', "−")
}

fn trim(text: &str) -> String {
    if text.contains('.') {
        text.trim_end_matches('0').trim_end_matches('.').to_string()
    } else {
        text.to_string()
    }
}

/// An integer with thousands separators: `-250,850`.
pub fn thousands(n: i64) -> String {
    let digits = n.unsigned_abs().to_string();
    let mut out = String::new();
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            out.push(',');
        }
        out.push(c);
    }
    if n < 0 { format!("-{out}") } else { out }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn log_only_when_positive_and_spanning_orders_of_magnitude() {
        let cases = [
            (1.0, 10.0, LogPolicy::Auto, Scale::Linear),
            (1.0, 21.0, LogPolicy::Auto, Scale::Log),
            (0.0, 1000.0, LogPolicy::Auto, Scale::Linear),
            (-5.0, 1000.0, LogPolicy::Always, Scale::Linear),
            (1.0, 2.0, LogPolicy::Always, Scale::Log),
            (0.5, 5600.0, LogPolicy::Never, Scale::Linear),
        ];
        for (lo, hi, policy, expected) in cases {
            assert_eq!(
                choose_scale(lo, hi, policy),
                expected,
                "{lo}..{hi} {policy:?}"
            );
        }
    }

    #[test]
    fn year_labels_are_whole_years_and_few() {
        let cases: [(f64, f64, usize, &[f64]); 4] = [
            (
                2025.0,
                2050.917,
                7,
                &[2025., 2030., 2035., 2040., 2045., 2050.],
            ),
            (2025.0, 2027.917, 7, &[2025., 2026., 2027.]),
            (2025.5, 2034.0, 5, &[2026., 2028., 2030., 2032., 2034.]),
            (2025.0, 2100.0, 6, &[2040., 2060., 2080., 2100.]),
        ];
        for (x0, x1, n, expected) in cases {
            assert_eq!(year_ticks(x0, x1, n), expected, "{x0}..{x1}");
        }
    }

    #[test]
    fn linear_ticks_are_nice_and_bounded() {
        let cases: [(f64, f64, usize, &[f64]); 4] = [
            (0.0, 100.0, 6, &[0., 20., 40., 60., 80., 100.]),
            (0.0, 1.0, 6, &[0., 0.2, 0.4, 0.6, 0.8, 1.0]),
            (-12.0, 31.0, 6, &[-10., 0., 10., 20., 30.]),
            (0.0, 5800.0, 6, &[0., 1000., 2000., 3000., 4000., 5000.]),
        ];
        for (lo, hi, n, expected) in cases {
            assert_eq!(linear_ticks(lo, hi, n), expected, "{lo}..{hi}");
        }
    }

    #[test]
    fn log_ticks_thin_out_over_many_decades() {
        assert_eq!(log_ticks(80.0, 1200.0, 8), [100., 200., 500., 1000.]);
        assert_eq!(log_ticks(0.4, 6000.0, 7), [1., 10., 100., 1000.]);
        assert_eq!(log_ticks(1e-3, 1e6, 6), [1e-3, 1e-1, 1e1, 1e3, 1e5]);
    }

    #[test]
    fn fitted_axes_contain_the_data() {
        for (lo, hi, scale) in [
            (3.0, 5.0, Scale::Linear),
            (0.5, 5600.0, Scale::Log),
            (-4.0, -1.0, Scale::Linear),
            (7.0, 7.0, Scale::Linear),
            (0.0, 0.0, Scale::Linear),
        ] {
            let axis = ValueAxis::fit(lo, hi, scale);
            assert!(
                axis.lo <= lo && axis.hi >= hi && axis.lo < axis.hi,
                "{axis:?}"
            );
        }
        assert_eq!(ValueAxis::fit(10.0, 90.0, Scale::Linear).lo, 0.0);
    }

    #[test]
    fn labels_read_cleanly() {
        let cases = [
            (0.0, "0"),
            (0.05, "0.05"),
            (2.5, "2.5"),
            (100.0, "100"),
            (12500.0, "12,500"),
            (-3000.0, "−3,000"),
            (2.5e6, "2.5M"),
            (0.30000000000000004, "0.3"),
        ];
        for (v, expected) in cases {
            assert_eq!(format_tick(v), expected);
        }
        assert_eq!(format_value(1234.5678), "1,235");
        let f = TickFormat::for_ticks(
            &[0.0, 250_000.0, 500_000.0, 1_000_000.0, 1_250_000.0],
            Scale::Linear,
        );
        let labels: Vec<String> = [0.0, 500_000.0, 1_250_000.0]
            .iter()
            .map(|v| f.label(*v))
            .collect();
        assert_eq!(labels, ["0", "0.50M", "1.25M"]);
        let f = TickFormat::for_ticks(&[0.0, 2.5, 5.0, 7.5], Scale::Linear);
        assert_eq!(
            (f.label(5.0), f.label(7.5)),
            ("5.0".to_string(), "7.5".to_string())
        );
        let f = TickFormat::for_ticks(&[-2000.0, 0.0, 2000.0], Scale::Linear);
        assert_eq!(
            (f.label(-2000.0), f.label(0.0)),
            ("−2,000".to_string(), "0".to_string())
        );
        let f = TickFormat::for_ticks(&[1.0, 10.0, 100.0], Scale::Log);
        assert_eq!(f.label(1000.0), "1,000");
        assert_eq!(format_value(95.46), "95.46");
        assert_eq!(format_value(0.012345), "0.01235");
        assert_eq!(format_value(1.234e-7), "1.23e-7");
    }
}
