//! Phases of one side of Janusirsasana over time: setup, lengthen, fold, hold,
//! release, found on the trunk-to-thigh (fold) angle and the torso length.

use serde::{Deserialize, Serialize};

use crate::series::{mean_sd, median, moving_mean, moving_median, percentile};

/// Half-width of the median filter on the fold angle, seconds: removes single
/// bad frames without moving the edges of a 2-4 s fold.
pub const FOLD_MEDIAN_HALF_S: f64 = 0.2;
/// Half-width of the mean filter after the median, seconds.
pub const FOLD_MEAN_HALF_S: f64 = 0.2;
/// A fold smaller than this (degrees between upright and deepest) is no fold: the
/// person sat in the pose's upright position.
pub const MIN_FOLD_RANGE_DEG: f32 = 12.0;
/// The narrowest band (degrees) above the deepest level that still counts as
/// holding; breathing and landmark jitter move a held fold by 1-3 degrees.
pub const HOLD_BAND_MIN_DEG: f32 = 2.5;
/// Hold band as a multiple of the fold angle's spread (sd) inside the hold core.
pub const HOLD_BAND_SD: f32 = 2.5;
/// Hold band at most this share of the fold's range, so a hold is never mostly
/// transition.
pub const HOLD_BAND_MAX_FRAC: f32 = 0.15;
/// Dips out of the hold band shorter than this (seconds) do not end a hold.
pub const HOLD_MAX_GAP_S: f64 = 1.0;
/// Within this share of the fold's range from upright, the trunk is upright
/// (before the fold starts and after the release ends).
pub const UPRIGHT_BAND_FRAC: f32 = 0.1;
/// Torso length rise over the setup level that counts as lengthening the spine
/// before folding (fraction of torso length); smaller rises are jitter.
pub const LENGTHEN_MIN_RISE: f32 = 0.015;
/// A lengthening shorter than this (seconds) is not reported.
pub const LENGTHEN_MIN_S: f64 = 0.5;
/// Above this fold angle (degrees) the trunk is upright: used for baselines.
pub const UPRIGHT_MIN_DEG: f32 = 75.0;

/// Longest fold or release considered by the S-curve fit, seconds.
pub const MAX_TRANSITION_S: f64 = 15.0;
/// Shortest fold or release considered by the S-curve fit, seconds.
pub const MIN_TRANSITION_S: f64 = 0.3;
/// Time step of the coarse S-curve search, seconds.
pub const FIT_STEP_S: f64 = 0.1;
/// Seconds of data kept on each side of a transition for the fit.
pub const FIT_MARGIN_S: f64 = 4.0;
/// Largest sampling rate used by the fit, Hz (denser series are thinned).
pub const FIT_MAX_HZ: f64 = 15.0;

/// Smooth S-curve (cubic ease, "smoothstep") from 0 at `x <= 0` to 1 at `x >= 1`.
/// Smooth point-to-point body movements start and end with zero speed; this is
/// the simplest curve that does.
pub fn smoothstep(x: f64) -> f64 {
    let x = x.clamp(0.0, 1.0);
    x * x * (3.0 - 2.0 * x)
}

/// A transition fitted by least squares: level `a` before `t0`, level `b` after
/// `t0 + duration`, an S-curve between.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Transition {
    /// Start, seconds.
    pub t0: f64,
    /// Duration, seconds.
    pub duration: f64,
    /// Level before.
    pub a: f64,
    /// Level after.
    pub b: f64,
}

/// Fit a transition to `(t, v)` samples whose start lies in `t0_range`.
pub fn fit_transition(samples: &[(f64, f64)], t0_range: (f64, f64)) -> Option<Transition> {
    if samples.len() < 6 {
        return None;
    }
    let eval = |t0: f64, d: f64| -> Option<(f64, f64, f64)> {
        // For fixed t0 and d the model a + (b - a) s(t) is linear in a and b.
        let (mut s00, mut s01, mut s11, mut sv0, mut sv1) = (0.0, 0.0, 0.0, 0.0, 0.0);
        for (t, v) in samples {
            let s = smoothstep((t - t0) / d);
            let (w0, w1) = (1.0 - s, s);
            s00 += w0 * w0;
            s01 += w0 * w1;
            s11 += w1 * w1;
            sv0 += v * w0;
            sv1 += v * w1;
        }
        let det = s00 * s11 - s01 * s01;
        if det.abs() < 1e-9 {
            return None;
        }
        let a = (sv0 * s11 - sv1 * s01) / det;
        let b = (sv1 * s00 - sv0 * s01) / det;
        let sse: f64 = samples
            .iter()
            .map(|(t, v)| {
                let m = a + (b - a) * smoothstep((t - t0) / d);
                (v - m) * (v - m)
            })
            .sum();
        Some((sse, a, b))
    };
    let steps = |lo: f64, hi: f64, step: f64| -> Vec<f64> {
        let n = ((hi - lo) / step).floor().max(0.0) as usize;
        (0..=n).map(|i| lo + i as f64 * step).collect()
    };
    let grid = |t0s: &[f64], ds: &[f64], best: &mut Option<(f64, f64, f64, f64, f64)>| {
        for &t0 in t0s {
            for &d in ds {
                if let Some((sse, a, b)) = eval(t0, d)
                    && best.is_none_or(|x| sse < x.0)
                {
                    *best = Some((sse, t0, d, a, b));
                }
            }
        }
    };
    let mut best = None;
    grid(
        &steps(t0_range.0, t0_range.1, FIT_STEP_S),
        &steps(MIN_TRANSITION_S, MAX_TRANSITION_S, FIT_STEP_S),
        &mut best,
    );
    let (_, t0c, dc, _, _) = best?;
    let fine = FIT_STEP_S / 10.0;
    grid(
        &steps(t0c - FIT_STEP_S, t0c + FIT_STEP_S, fine),
        &steps(
            (dc - FIT_STEP_S).max(MIN_TRANSITION_S),
            dc + FIT_STEP_S,
            fine,
        ),
        &mut best,
    );
    let (_, t0, duration, a, b) = best?;
    Some(Transition { t0, duration, a, b })
}

/// The samples of a series within `[t_lo, t_hi]`, averaged into bins of
/// `1 / FIT_MAX_HZ` seconds.
fn window(times: &[f64], values: &[Option<f32>], t_lo: f64, t_hi: f64) -> Vec<(f64, f64)> {
    let bin = 1.0 / FIT_MAX_HZ;
    let mut out: Vec<(f64, f64)> = Vec::new();
    let mut acc: Option<(i64, f64, f64, usize)> = None;
    for (t, v) in times.iter().zip(values) {
        if *t < t_lo || *t > t_hi {
            continue;
        }
        let Some(v) = v else { continue };
        let k = ((t - t_lo) / bin).floor() as i64;
        match &mut acc {
            Some((kk, st, sv, c)) if *kk == k => {
                *st += t;
                *sv += f64::from(*v);
                *c += 1;
            }
            _ => {
                if let Some((_, st, sv, c)) = acc.take() {
                    out.push((st / c as f64, sv / c as f64));
                }
                acc = Some((k, *t, f64::from(*v), 1));
            }
        }
    }
    if let Some((_, st, sv, c)) = acc {
        out.push((st / c as f64, sv / c as f64));
    }
    out
}

/// A phase name.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum PhaseName {
    /// Seated with the leg placed, before lengthening or folding.
    Setup,
    /// Spine lengthening upwards before the fold.
    Lengthen,
    /// Folding forward.
    Fold,
    /// Holding the fold.
    Hold,
    /// Coming back up.
    Release,
}

impl PhaseName {
    /// The snake_case name.
    pub const fn as_str(self) -> &'static str {
        match self {
            Self::Setup => "setup",
            Self::Lengthen => "lengthen",
            Self::Fold => "fold",
            Self::Hold => "hold",
            Self::Release => "release",
        }
    }
}

/// One phase with its times.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Phase {
    /// Which phase.
    pub name: PhaseName,
    /// Start, seconds.
    pub start_s: f64,
    /// End, seconds.
    pub end_s: f64,
}

/// The phases found in one segment, with the hold's frame range.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Phases {
    /// The phases in time order.
    pub phases: Vec<Phase>,
    /// Frame index range `[start, end)` of the hold, within the segment.
    pub hold: Option<(usize, usize)>,
    /// Fold angle at the upright level and in the hold, degrees.
    pub upright_deg: Option<f32>,
    /// Median fold angle during the hold, degrees.
    pub hold_deg: Option<f32>,
    /// Length of the hold, seconds (between the fitted fold end and release start).
    pub hold_s: Option<f64>,
}

fn samples(times: &[f64], secs: f64) -> usize {
    if times.len() < 2 {
        return 0;
    }
    let span = times[times.len() - 1] - times[0];
    let dt = span / (times.len() - 1) as f64;
    if dt <= 0.0 || !dt.is_finite() {
        0
    } else {
        // A window never needs more samples than the series has, however
        // close the frames are.
        (secs / dt).round().min(times.len() as f64) as usize
    }
}

/// Smooth a fold-angle series (median, then mean); missing values are bridged.
pub fn smooth_fold(times: &[f64], fold: &[Option<f32>]) -> Vec<Option<f32>> {
    let med = moving_median(fold, samples(times, FOLD_MEDIAN_HALF_S));
    let Some(first) = med.iter().flatten().next().copied() else {
        return med;
    };
    let mut last = first;
    let filled: Vec<f32> = med
        .iter()
        .map(|v| {
            if let Some(v) = v {
                last = *v;
            }
            last
        })
        .collect();
    let mean = moving_mean(&filled, samples(times, FOLD_MEAN_HALF_S));
    mean.into_iter().map(Some).collect()
}

/// Find the phases of one side's segment from its frame times, fold angles and
/// torso lengths (`None` = not visible).
///
/// A first pass finds the hold as the longest stretch within a band of the
/// deepest level, and the fold's start as the last upright frame before it. The
/// fold and the release are then fitted as S-curves ([`fit_transition`]): the
/// hold runs from the end of the fold's curve to the start of the release's,
/// which does not depend on how much breathing and landmark noise widen the band.
pub fn find_phases(times: &[f64], fold: &[Option<f32>], torso: &[Option<f32>]) -> Phases {
    let n = times.len();
    let mut out = Phases::default();
    if n == 0 {
        return out;
    }
    let s = smooth_fold(times, fold);
    let start_t = times[0];
    let end_t = times[n - 1];
    let (Some(top), Some(deep)) = (
        percentile(s.iter().copied(), 0.98),
        percentile(s.iter().copied(), 0.02),
    ) else {
        out.phases.push(phase(PhaseName::Setup, start_t, end_t));
        return out;
    };
    let range = top - deep;
    if range < MIN_FOLD_RANGE_DEG {
        let folded = median(s.iter().copied()).is_some_and(|m| m < UPRIGHT_MIN_DEG);
        if folded {
            // Already folded for the whole segment: all of it is hold.
            out.hold = Some((0, n));
            out.hold_s = Some(end_t - start_t);
            out.hold_deg = median(s.iter().copied());
            out.phases.push(phase(PhaseName::Hold, start_t, end_t));
        } else {
            out.upright_deg = median(s.iter().copied());
            out.phases.push(phase(PhaseName::Setup, start_t, end_t));
        }
        return out;
    }
    // Hold core: frames in the deepest quarter of the range; the band around the
    // core level adapts to how much the held fold moves.
    let core: Vec<f32> = s
        .iter()
        .flatten()
        .copied()
        .filter(|v| *v <= deep + 0.25 * range)
        .collect();
    let (core_level, core_sd) = mean_sd(&core).unwrap_or((deep, 0.0));
    let band = (HOLD_BAND_SD * core_sd)
        .max(HOLD_BAND_MIN_DEG)
        .min(HOLD_BAND_MAX_FRAC * range);
    let level = core_level.min(deep + 0.1 * range);
    let mask: Vec<bool> = s
        .iter()
        .map(|v| v.is_some_and(|v| v <= level + band))
        .collect();
    let runs = crate::series::runs_where(&mask, samples(times, HOLD_MAX_GAP_S));
    let Some(&(h0, h1)) = runs
        .iter()
        .max_by(|a, b| (times[a.1 - 1] - times[a.0]).total_cmp(&(times[b.1 - 1] - times[b.0])))
    else {
        out.phases.push(phase(PhaseName::Setup, start_t, end_t));
        return out;
    };
    let up_before = percentile(s[..h0].iter().copied(), 0.9);
    let up_after = percentile(s[h1..].iter().copied(), 0.9);
    out.upright_deg = up_before.or(up_after);
    let up_tol = UPRIGHT_BAND_FRAC * range;
    let folds_in = up_before.is_some_and(|up| up - level > MIN_FOLD_RANGE_DEG * 0.5);
    let releases = up_after.is_some_and(|up| up - level > MIN_FOLD_RANGE_DEG * 0.5);

    // Rough edges, then the S-curve fits.
    let mut hold_start = times[h0];
    let mut hold_end = times[h1 - 1];
    let mut fold_start = start_t;
    if folds_in {
        let up = up_before.unwrap_or(top);
        let i = (0..h0)
            .rev()
            .find(|i| s[*i].is_some_and(|v| v >= up - up_tol))
            .unwrap_or(0);
        fold_start = times[i];
        let mid = 0.5 * (hold_start + hold_end);
        let w = window(
            times,
            fold,
            (fold_start - FIT_MARGIN_S).max(start_t),
            (hold_start + FIT_MARGIN_S).min(mid),
        );
        if let Some(tr) = fit_transition(&w, ((fold_start - FIT_MARGIN_S).max(start_t), hold_start))
            && tr.a > tr.b
            && tr.t0 + tr.duration < mid
        {
            fold_start = tr.t0.max(start_t);
            hold_start = tr.t0 + tr.duration;
        }
    }
    if releases {
        let mid = 0.5 * (hold_start + hold_end);
        let up = up_after.unwrap_or(top);
        let i = (h1..n)
            .find(|i| s[*i].is_some_and(|v| v >= up - up_tol))
            .unwrap_or(n - 1);
        let up_time = times[i];
        let w = window(
            times,
            fold,
            (hold_end - FIT_MARGIN_S).max(mid),
            (up_time + FIT_MARGIN_S).min(end_t),
        );
        if let Some(tr) = fit_transition(&w, ((hold_end - FIT_MARGIN_S).max(mid), up_time))
            && tr.b > tr.a
            && tr.t0 > mid
        {
            hold_end = tr.t0;
        }
    }
    let first_at = |t: f64| times.iter().position(|x| *x >= t).unwrap_or(n);
    let (h0, h1) = (
        first_at(hold_start).min(n - 1),
        first_at(hold_end + 1e-9)
            .max(first_at(hold_start) + 1)
            .min(n),
    );
    out.hold = Some((h0, h1));
    out.hold_s = Some((hold_end - hold_start).max(0.0));
    out.hold_deg = median(s[h0..h1].iter().copied());

    // Lengthening: the torso grows over its setup length just before the fold.
    let fs = first_at(fold_start).min(n - 1);
    if folds_in && fs > 0 {
        let setup_len = median(torso[..fs].iter().copied());
        let lengthen_from = setup_len.and_then(|base| {
            let thr = base * (1.0 + LENGTHEN_MIN_RISE);
            let tm = moving_median(&torso[..=fs], samples(times, 0.5));
            let mut i = fs;
            while i > 0 && tm[i - 1].is_some_and(|v| v >= thr) {
                i -= 1;
            }
            (i < fs && times[fs] - times[i] >= LENGTHEN_MIN_S && i > 0).then_some(i)
        });
        match lengthen_from {
            Some(l) => {
                out.phases.push(phase(PhaseName::Setup, start_t, times[l]));
                out.phases
                    .push(phase(PhaseName::Lengthen, times[l], fold_start));
            }
            None => out
                .phases
                .push(phase(PhaseName::Setup, start_t, fold_start)),
        }
    }
    if folds_in {
        out.phases
            .push(phase(PhaseName::Fold, fold_start, hold_start));
    }
    out.phases
        .push(phase(PhaseName::Hold, hold_start, hold_end));
    if releases {
        // The release runs until the leg is straightened: the segment's end.
        out.phases.push(phase(PhaseName::Release, hold_end, end_t));
    }
    out.phases.retain(|p| p.end_s > p.start_s || n == 1);
    out
}

fn phase(name: PhaseName, start_s: f64, end_s: f64) -> Phase {
    Phase {
        name,
        start_s,
        end_s,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn absurdly_close_frames_do_not_blow_up_the_smoothing() {
        // Frames 1e-13 s and 1e-300 s apart once sized a window of 10^13
        // samples and aborted the process.
        for gap in [1e-13, 1e-300] {
            let times: Vec<f64> = (0..300).map(|i| f64::from(i) * gap).collect();
            let fold = vec![Some(40.0f32); 300];
            let torso = vec![Some(1.0f32); 300];
            assert_eq!(smooth_fold(&times, &fold).len(), 300);
            let _ = find_phases(&times, &fold, &torso);
        }
    }

    #[test]
    fn a_clean_fold_has_all_phases_and_the_right_hold() {
        // 30 fps: 4 s upright, 3 s fold (cosine), 20 s hold at 35, 3 s release, 3 s up.
        let fps = 30.0;
        let mut t = Vec::new();
        let mut f = Vec::new();
        let mut torso = Vec::new();
        let total = 33.0;
        let n = (total * fps) as usize;
        for i in 0..n {
            let ti = i as f64 / fps;
            let ease = |x: f64| 0.5 - 0.5 * (std::f64::consts::PI * x.clamp(0.0, 1.0)).cos();
            let v = if ti < 4.0 {
                90.0
            } else if ti < 7.0 {
                90.0 - 55.0 * ease((ti - 4.0) / 3.0)
            } else if ti < 27.0 {
                35.0 + 1.0 * (ti * 1.3).sin()
            } else if ti < 30.0 {
                35.0 + 55.0 * ease((ti - 27.0) / 3.0)
            } else {
                90.0
            };
            t.push(ti);
            f.push(Some(v as f32));
            torso.push(Some(if (2.5..4.0).contains(&ti) { 0.51 } else { 0.5 }));
        }
        let p = find_phases(&t, &f, &torso);
        let names: Vec<PhaseName> = p.phases.iter().map(|p| p.name).collect();
        assert_eq!(
            names,
            vec![
                PhaseName::Setup,
                PhaseName::Lengthen,
                PhaseName::Fold,
                PhaseName::Hold,
                PhaseName::Release,
            ]
        );
        let hold = p.phases.iter().find(|p| p.name == PhaseName::Hold).unwrap();
        let dur = hold.end_s - hold.start_s;
        assert!((dur - 20.0).abs() < 0.3, "hold {dur}");
        assert!((hold.start_s - 7.0).abs() < 0.2, "{hold:?}");
        assert_eq!(p.hold_s, Some(dur));
    }
}
