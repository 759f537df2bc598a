//! Axes: where values land on the drawing, and which values get a tick.

/// Ticks drawn at most on one axis, whatever the step (a guard against a
/// degenerate range).
const MAX_TICKS: usize = 50;

/// Clock steps for a time axis, seconds: ticks land on whole seconds, tens,
/// quarter and half minutes, minutes and their multiples.
const TIME_STEPS_S: [f64; 13] = [
    1.0, 2.0, 5.0, 10.0, 15.0, 30.0, 60.0, 120.0, 300.0, 600.0, 900.0, 1800.0, 3600.0,
];

/// A "nice" step (1, 2 or 5 times a power of ten) for about `ticks` ticks over
/// `span`.
pub fn nice_step(span: f64, ticks: f64) -> f64 {
    let raw = (span / ticks).max(1e-9);
    let magnitude = 10f64.powf(raw.log10().floor());
    let nice = match raw / magnitude {
        f if f <= 1.0 => 1.0,
        f if f <= 2.0 => 2.0,
        f if f <= 5.0 => 5.0,
        _ => 10.0,
    };
    nice * magnitude
}

/// A step of a clock for about `ticks` ticks over `span` seconds.
pub fn time_step(span: f64, ticks: f64) -> f64 {
    let raw = span / ticks;
    TIME_STEPS_S
        .into_iter()
        .find(|s| *s >= raw)
        .unwrap_or_else(|| nice_step(span, ticks))
}

/// The multiples of `step` inside `[lo, hi]`, lowest first.
pub fn ticks_within(lo: f64, hi: f64, step: f64) -> Vec<f64> {
    let first = (lo / step - 1e-9).ceil();
    (0..MAX_TICKS)
        .map(|i| (first + i as f64) * step)
        .take_while(|v| *v <= hi + step * 1e-6)
        .collect()
}

/// A value axis on nice steps that covers some values.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct NiceRange {
    /// The bottom of the axis, a multiple of `step`.
    pub lo: f64,
    /// The top of the axis, a multiple of `step`.
    pub hi: f64,
    /// The distance between ticks.
    pub step: f64,
}

impl NiceRange {
    /// About four steps covering `values` (non-finite ones ignored) and, when
    /// given, `floor` too (0 for a bar chart). No values: 0 to 1.
    pub fn covering(values: &[f64], floor: Option<f64>) -> Self {
        let (mut lo, mut hi) = values
            .iter()
            .filter(|v| v.is_finite())
            .fold((f64::INFINITY, f64::NEG_INFINITY), |(a, b), v| {
                (a.min(*v), b.max(*v))
            });
        if lo > hi {
            (lo, hi) = (0.0, 1.0);
        }
        if let Some(f) = floor {
            lo = lo.min(f);
        }
        if hi - lo < 1e-9 {
            hi = lo + 1.0;
        }
        let step = nice_step(hi - lo, 4.0);
        NiceRange {
            lo: (lo / step).floor() * step,
            hi: (hi / step).ceil() * step,
            step,
        }
    }

    /// The tick values from `lo` to `hi`.
    pub fn ticks(&self) -> Vec<f64> {
        ticks_within(self.lo, self.hi, self.step)
    }
}

/// A number as short as it reads: at most two decimals, no trailing zeros,
/// never `-0`.
pub fn number(v: f64) -> String {
    let s = format!("{v:.2}");
    let s = s.trim_end_matches('0').trim_end_matches('.');
    if s == "-0" { "0".into() } else { s.into() }
}

/// A straight map from values to drawing units; the ends may be given either
/// way round (a y axis grows downwards on the drawing).
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Scale {
    /// The values at the two ends.
    pub values: (f64, f64),
    /// Where those two values land, drawing units.
    pub at_ends: (f64, f64),
}

impl Scale {
    /// `values.0` lands on `at_ends.0`, `values.1` on `at_ends.1`.
    pub fn new(values: (f64, f64), at_ends: (f64, f64)) -> Self {
        Scale { values, at_ends }
    }

    /// Where `v` lands.
    pub fn at(&self, v: f64) -> f64 {
        let (v0, v1) = self.values;
        let (p0, p1) = self.at_ends;
        let span = if (v1 - v0).abs() < 1e-12 {
            1.0
        } else {
            v1 - v0
        };
        p0 + (v - v0) / span * (p1 - p0)
    }

    /// Drawing units per value unit (negative when the axis runs backwards).
    pub fn per_unit(&self) -> f64 {
        self.at(1.0) - self.at(0.0)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ranges_are_nice() {
        let r = NiceRange::covering(&[43.0, 61.0], None);
        assert_eq!((r.lo, r.hi, r.step), (40.0, 65.0, 5.0));
        let r = NiceRange::covering(&[12.0, 30.0], Some(0.0));
        assert_eq!((r.lo, r.hi, r.step), (0.0, 30.0, 10.0));
        assert_eq!(r.ticks(), [0.0, 10.0, 20.0, 30.0]);
        let r = NiceRange::covering(&[], None);
        assert_eq!((r.lo, r.hi), (0.0, 1.0));
    }

    #[test]
    fn time_ticks_land_on_the_clock() {
        assert_eq!(time_step(65.0, 8.0), 10.0);
        assert_eq!(time_step(400.0, 8.0), 60.0);
        assert_eq!(ticks_within(3.0, 31.0, 10.0), [10.0, 20.0, 30.0]);
        assert_eq!(ticks_within(0.0, 20.0, 10.0), [0.0, 10.0, 20.0]);
    }

    #[test]
    fn numbers_are_short() {
        assert_eq!(number(0.100_000_01), "0.1");
        assert_eq!(number(-0.001), "0");
        assert_eq!(number(40.0), "40");
    }

    #[test]
    fn scales_map_either_way_round() {
        let y = Scale::new((0.0, 10.0), (200.0, 0.0));
        assert_eq!(y.at(5.0), 100.0);
        assert_eq!(y.per_unit(), -20.0);
    }
}
