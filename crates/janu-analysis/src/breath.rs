//! Breathing from the small periodic motion of the torso while holding a fold.
//!
//! Each candidate signal (fold angle, torso length, shoulder height) is resampled
//! to [`RESAMPLE_HZ`], detrended with a long moving average, lightly smoothed,
//! and its period read from the first strong autocorrelation peak within a
//! plausible breathing range. The most periodic signal wins. Cycles are counted on
//! upward zero crossings with hysteresis; regularity is one minus the coefficient
//! of variation of cycle lengths; breath-holding is a stretch where the motion's
//! amplitude falls well below its usual level.

use janu_body::Landmark;
use serde::{Deserialize, Serialize};

use crate::body::{Body, UP};
use crate::series::{mean_sd, moving_mean, resample};

/// Landmarks whose height rises and falls with each breath in a fold: the
/// shoulders and the head ride on the chest and the upper back.
pub const BREATH_POINTS: [Landmark; 13] = Landmark::HEAD_AND_SHOULDERS;
/// Fewest visible breath points for a height sample.
pub const MIN_BREATH_POINTS: usize = 3;

/// Mean height of the visible head and shoulder points (averaging many points
/// keeps the breath's few millimetres above the landmark jitter): the
/// `upper_body_height` breathing signal. `None` with fewer than
/// [`MIN_BREATH_POINTS`] visible.
pub fn upper_body_height(b: &Body) -> Option<f32> {
    let v: Vec<f32> = BREATH_POINTS
        .iter()
        .filter_map(|l| b.point(*l))
        .map(|p| p.dot(UP))
        .collect();
    (v.len() >= MIN_BREATH_POINTS).then(|| v.iter().sum::<f32>() / v.len() as f32)
}

/// Resampling rate, Hz: ten samples per second resolve breaths up to 40 a minute.
pub const RESAMPLE_HZ: f64 = 10.0;
/// Shortest breathing period considered, seconds (40 breaths a minute).
pub const MIN_PERIOD_S: f64 = 1.5;
/// Longest breathing period considered, seconds (5 breaths a minute; slow yogic
/// breathing goes down to about 6).
pub const MAX_PERIOD_S: f64 = 12.0;
/// Detrending window, seconds: longer than the slowest breath, so the breath
/// survives and slow drifts of the fold do not.
pub const DETREND_WINDOW_S: f64 = 14.0;
/// Smoothing window, seconds: removes frame-to-frame landmark jitter.
pub const SMOOTH_WINDOW_S: f64 = 1.0;
/// Autocorrelation at the period below which no breathing rhythm is reported.
pub const MIN_PERIODICITY: f32 = 0.25;
/// A peak within this share of the highest one at a shorter lag is preferred
/// (the highest peak can be a multiple of the period).
pub const PEAK_PREFERENCE: f32 = 0.85;
/// Hysteresis of the cycle counter as a share of the signal's sd.
pub const COUNT_HYSTERESIS_SD: f32 = 0.3;
/// Local amplitude below this share of the usual amplitude means no breathing.
pub const HOLDING_AMPLITUDE_FRAC: f32 = 0.35;
/// A pause in breathing shorter than this many periods is a normal turn of the
/// breath; longer is holding it.
pub const HOLDING_MIN_PERIODS: f64 = 1.0;
/// ... and never shorter than this, seconds.
pub const HOLDING_MIN_S: f64 = 6.0;
/// Shortest hold on which breathing is measured, seconds: two slow breaths.
pub const MIN_HOLD_FOR_BREATH_S: f64 = 8.0;

/// A time range, seconds.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct TimeRange {
    /// Start, seconds.
    pub start_s: f64,
    /// End, seconds.
    pub end_s: f64,
}

/// Breathing measured during one hold.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Breath {
    /// Breaths counted in the hold.
    pub count: u32,
    /// Breaths per minute.
    pub rate_per_min: f32,
    /// Regularity, 0..1: one minus the coefficient of variation of the breath
    /// lengths (1 = every breath equally long).
    pub regularity: f32,
    /// How periodic the chosen signal is (autocorrelation at the period, 0..1).
    pub periodicity: f32,
    /// Which body signal carried the rhythm.
    pub signal: String,
    /// Stretches without breathing motion while folded.
    pub holding: Vec<TimeRange>,
}

/// A candidate signal: its name and one value per frame (`None` = not visible).
pub struct Signal<'a> {
    /// Name for the report.
    pub name: &'a str,
    /// Values per frame.
    pub values: Vec<Option<f32>>,
}

struct Analysed {
    period_s: f64,
    periodicity: f32,
    x: Vec<f32>,
}

fn analyse(times: &[f64], values: &[Option<f32>]) -> Option<Analysed> {
    let t0 = *times.first()?;
    let t1 = *times.last()?;
    let dt = 1.0 / RESAMPLE_HZ;
    let raw = resample(times, values, t0, t1, dt)?;
    let trend = moving_mean(&raw, (DETREND_WINDOW_S * RESAMPLE_HZ / 2.0) as usize);
    let detr: Vec<f32> = raw.iter().zip(&trend).map(|(a, b)| a - b).collect();
    let x = moving_mean(&detr, (SMOOTH_WINDOW_S * RESAMPLE_HZ / 2.0) as usize);
    let (mean, sd) = mean_sd(&x)?;
    if sd <= f32::EPSILON {
        return None;
    }
    let x: Vec<f32> = x.iter().map(|v| (v - mean) / sd).collect();
    let n = x.len();
    let min_lag = (MIN_PERIOD_S * RESAMPLE_HZ) as usize;
    let max_lag = ((MAX_PERIOD_S * RESAMPLE_HZ) as usize).min(n / 2);
    if max_lag <= min_lag + 2 {
        return None;
    }
    let ac: Vec<f32> = (0..=max_lag + 1)
        .map(|lag| {
            let s: f64 = (0..n - lag).map(|i| f64::from(x[i] * x[i + lag])).sum();
            (s / (n - lag) as f64) as f32
        })
        .collect();
    let peaks: Vec<usize> = (min_lag.max(1)..=max_lag)
        .filter(|&l| ac[l] > ac[l - 1] && ac[l] >= ac[l + 1] && ac[l] > 0.0)
        .collect();
    let best = peaks.iter().map(|&l| ac[l]).fold(f32::MIN, f32::max);
    let lag = peaks
        .iter()
        .copied()
        .find(|&l| ac[l] >= PEAK_PREFERENCE * best)?;
    // Parabolic refinement of the peak.
    let (a, b, c) = (ac[lag - 1], ac[lag], ac[lag + 1]);
    let denom = a - 2.0 * b + c;
    let shift = if denom.abs() > f32::EPSILON {
        (0.5 * (a - c) / denom).clamp(-0.5, 0.5)
    } else {
        0.0
    };
    Some(Analysed {
        period_s: (lag as f64 + f64::from(shift)) / RESAMPLE_HZ,
        periodicity: b.clamp(0.0, 1.0),
        x,
    })
}

/// Measure breathing over a hold from candidate signals. `None` when the hold is
/// too short or no signal shows a rhythm.
pub fn breathing(times: &[f64], signals: &[Signal<'_>]) -> Option<Breath> {
    let t0 = *times.first()?;
    let t1 = *times.last()?;
    if t1 - t0 < MIN_HOLD_FOR_BREATH_S {
        return None;
    }
    let (name, a) = signals
        .iter()
        .filter_map(|s| analyse(times, &s.values).map(|a| (s.name, a)))
        .max_by(|a, b| a.1.periodicity.total_cmp(&b.1.periodicity))?;
    if a.periodicity < MIN_PERIODICITY {
        return None;
    }
    let dt = 1.0 / RESAMPLE_HZ;
    // Upward crossings with hysteresis.
    let h = COUNT_HYSTERESIS_SD;
    let mut armed = a.x.first().is_some_and(|v| *v < -h);
    let mut ups: Vec<f64> = Vec::new();
    for (i, v) in a.x.iter().enumerate() {
        if *v < -h {
            armed = true;
        } else if armed && *v > h {
            armed = false;
            ups.push(t0 + i as f64 * dt);
        }
    }
    let cycles: Vec<f32> = ups.windows(2).map(|w| (w[1] - w[0]) as f32).collect();
    let regularity = mean_sd(&cycles)
        .filter(|(m, _)| *m > 0.0)
        .map_or(0.0, |(m, sd)| (1.0 - sd / m).clamp(0.0, 1.0));
    let rate = (60.0 / a.period_s) as f32;
    let holding = holding_episodes(&a.x, t0, dt, a.period_s);
    // Count: whole breaths that fit in the time spent breathing.
    let held: f64 = holding.iter().map(|r| r.end_s - r.start_s).sum();
    let breathing_time = (t1 - t0 - held).max(0.0);
    let count = (breathing_time / a.period_s).floor() as u32;
    Some(Breath {
        count,
        rate_per_min: rate,
        regularity,
        periodicity: a.periodicity,
        signal: name.to_string(),
        holding,
    })
}

fn holding_episodes(x: &[f32], t0: f64, dt: f64, period: f64) -> Vec<TimeRange> {
    // Local spread around the local mean over one period: a held breath stops the
    // motion wherever it stops (often at the top of an inhale), so the spread,
    // not the distance from the overall mean, shows it.
    let half = ((period / dt) / 2.0).round().max(1.0) as usize;
    let sq: Vec<f32> = x.iter().map(|v| v * v).collect();
    let m1 = moving_mean(x, half);
    let m2 = moving_mean(&sq, half);
    let rms: Vec<f32> = m1
        .iter()
        .zip(&m2)
        .map(|(a, b)| (b - a * a).max(0.0).sqrt())
        .collect();
    let mut sorted = rms.clone();
    let Some(usual) = crate::series::percentile_mut(&mut sorted, 0.75) else {
        return Vec::new();
    };
    let quiet: Vec<bool> = rms
        .iter()
        .map(|r| *r < HOLDING_AMPLITUDE_FRAC * usual)
        .collect();
    let min_s = (HOLDING_MIN_PERIODS * period).max(HOLDING_MIN_S);
    // The one-period window shrinks a quiet stretch by half a window at each end:
    // give that back before measuring it.
    crate::series::runs_where(&quiet, 0)
        .into_iter()
        .map(|(s, e)| (s.saturating_sub(half), (e + half).min(x.len())))
        .filter(|(s, e)| (e - s) as f64 * dt >= min_s)
        .map(|(s, e)| TimeRange {
            start_s: t0 + s as f64 * dt,
            end_s: t0 + (e - 1) as f64 * dt,
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn hold(rate: f64, pause: Option<(f64, f64)>) -> (Vec<f64>, Vec<Option<f32>>) {
        let fps = 30.0;
        let mut t = Vec::new();
        let mut v = Vec::new();
        let mut phase = 0.0f64;
        for i in 0..(40.0 * fps) as usize {
            let ti = i as f64 / fps;
            let paused = pause.is_some_and(|(a, b)| ti >= a && ti < b);
            if !paused {
                phase += rate / 60.0 / fps;
            }
            // A tiny deterministic jitter in place of landmark noise.
            let jitter = ((i * 7919) % 13) as f64 / 13.0 - 0.5;
            t.push(ti);
            v.push(Some(
                (0.01 * (2.0 * std::f64::consts::PI * phase).sin() + 0.002 * jitter) as f32,
            ));
        }
        (t, v)
    }

    /// The breath read from one torso signal.
    fn torso_breathing(t: &[f64], values: Vec<Option<f32>>) -> Breath {
        breathing(
            t,
            &[Signal {
                name: "torso",
                values,
            }],
        )
        .unwrap()
    }

    #[test]
    fn rate_and_count_of_a_steady_breath() {
        let (t, v) = hold(12.0, None);
        let b = torso_breathing(&t, v);
        assert!((b.rate_per_min - 12.0).abs() < 0.5, "{b:?}");
        assert!((7..=9).contains(&b.count), "{b:?}");
        assert!(b.regularity > 0.8, "{b:?}");
        assert!(b.holding.is_empty(), "{b:?}");
    }

    #[test]
    fn a_held_breath_is_found() {
        let (t, v) = hold(10.0, Some((15.0, 27.0)));
        let b = torso_breathing(&t, v);
        assert_eq!(b.holding.len(), 1, "{b:?}");
        let h = b.holding[0];
        assert!(h.start_s > 13.0 && h.end_s < 29.0, "{h:?}");
    }
}
