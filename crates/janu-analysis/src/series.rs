//! Small time-series tools: resampling, moving filters, percentiles, runs.

/// Most points a resampling may make: three hours at 100 per second, with room.
/// A grid finer or longer than that comes from absurd times, not a recording.
pub const MAX_RESAMPLED_POINTS: f64 = 2e6;

/// Linear resampling of `(t, v)` samples (times ascending, `None` = missing) onto
/// a uniform grid of step `dt` from `t0` to `t1`. Gaps are bridged linearly; the
/// ends hold the nearest value. `None` when fewer than two samples are known,
/// or when the grid would pass [`MAX_RESAMPLED_POINTS`].
pub fn resample(
    times: &[f64],
    values: &[Option<f32>],
    t0: f64,
    t1: f64,
    dt: f64,
) -> Option<Vec<f32>> {
    let known: Vec<(f64, f32)> = times
        .iter()
        .zip(values)
        .filter_map(|(t, v)| v.map(|v| (*t, v)))
        .collect();
    let points = ((t1 - t0) / dt).floor() + 1.0;
    if known.len() < 2 || t1 <= t0 || dt <= 0.0 || points.is_nan() || points > MAX_RESAMPLED_POINTS
    {
        return None;
    }
    let n = points as usize;
    let mut out = Vec::with_capacity(n);
    let mut j = 0usize;
    for i in 0..n {
        let t = t0 + i as f64 * dt;
        while j + 1 < known.len() && known[j + 1].0 < t {
            j += 1;
        }
        let (ta, va) = known[j];
        let v = if t <= ta {
            va
        } else if let Some(&(tb, vb)) = known.get(j + 1) {
            if tb <= ta {
                vb
            } else {
                let w = ((t - ta) / (tb - ta)).clamp(0.0, 1.0) as f32;
                va + (vb - va) * w
            }
        } else {
            va
        };
        out.push(v);
    }
    Some(out)
}

/// Centred moving average with half-width `half` samples (shrinking at the ends).
pub fn moving_mean(x: &[f32], half: usize) -> Vec<f32> {
    let n = x.len();
    let mut prefix = Vec::with_capacity(n + 1);
    prefix.push(0.0f64);
    for v in x {
        prefix.push(prefix.last().copied().unwrap_or(0.0) + f64::from(*v));
    }
    (0..n)
        .map(|i| {
            let lo = i.saturating_sub(half);
            let hi = (i + half + 1).min(n);
            ((prefix[hi] - prefix[lo]) / (hi - lo) as f64) as f32
        })
        .collect()
}

/// Centred moving median with half-width `half` samples over optional values
/// (missing ones are skipped; a window with none stays missing).
pub fn moving_median(x: &[Option<f32>], half: usize) -> Vec<Option<f32>> {
    let n = x.len();
    let mut buf: Vec<f32> = Vec::with_capacity(2 * half + 1);
    (0..n)
        .map(|i| {
            buf.clear();
            let lo = i.saturating_sub(half);
            let hi = (i + half + 1).min(n);
            buf.extend(x[lo..hi].iter().flatten());
            median_mut(&mut buf)
        })
        .collect()
}

/// Median of a slice (reordered in place), `None` when empty.
pub fn median_mut(v: &mut [f32]) -> Option<f32> {
    percentile_mut(v, 0.5)
}

/// The `q` quantile (0..1, linear interpolation) of a slice, reordered in place.
pub fn percentile_mut(v: &mut [f32], q: f64) -> Option<f32> {
    if v.is_empty() {
        return None;
    }
    v.sort_by(f32::total_cmp);
    percentile_sorted(v, q)
}

/// The `q` quantile (0..1, linear interpolation) of a slice already in
/// ascending order, `None` when empty.
pub fn percentile_sorted(v: &[f32], q: f64) -> Option<f32> {
    if v.is_empty() {
        return None;
    }
    let pos = q.clamp(0.0, 1.0) * (v.len() - 1) as f64;
    let lo = pos.floor() as usize;
    let hi = pos.ceil() as usize;
    let w = (pos - lo as f64) as f32;
    Some(v[lo] + (v[hi] - v[lo]) * w)
}

/// The `q` quantile of the known values.
pub fn percentile(values: impl IntoIterator<Item = Option<f32>>, q: f64) -> Option<f32> {
    let mut v: Vec<f32> = values.into_iter().flatten().collect();
    percentile_mut(&mut v, q)
}

/// Median of the known values.
pub fn median(values: impl IntoIterator<Item = Option<f32>>) -> Option<f32> {
    percentile(values, 0.5)
}

/// Mean and population standard deviation.
pub fn mean_sd(x: &[f32]) -> Option<(f32, f32)> {
    if x.is_empty() {
        return None;
    }
    let n = x.len() as f64;
    let mean = x.iter().map(|v| f64::from(*v)).sum::<f64>() / n;
    let var = x
        .iter()
        .map(|v| (f64::from(*v) - mean).powi(2))
        .sum::<f64>()
        / n;
    Some((mean as f32, var.sqrt() as f32))
}

/// Index ranges `[start, end)` where `pred` holds, joining runs separated by at
/// most `max_gap` samples where it does not.
pub fn runs_where(mask: &[bool], max_gap: usize) -> Vec<(usize, usize)> {
    let mut runs: Vec<(usize, usize)> = Vec::new();
    let mut i = 0;
    while i < mask.len() {
        if mask[i] {
            let s = i;
            while i < mask.len() && mask[i] {
                i += 1;
            }
            match runs.last_mut() {
                Some(last) if s - last.1 <= max_gap => last.1 = i,
                _ => runs.push((s, i)),
            }
        } else {
            i += 1;
        }
    }
    runs
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_grid_too_fine_to_be_a_recording_is_refused() {
        let t = [0.0, 1.0];
        let v = [Some(1.0), Some(2.0)];
        assert!(resample(&t, &v, 0.0, 1.0, 1e-13).is_none());
        assert!(resample(&t, &v, 0.0, 1.0, f64::MIN_POSITIVE).is_none());
        assert_eq!(resample(&t, &v, 0.0, 1.0, 0.5).unwrap().len(), 3);
    }

    #[test]
    fn resampling_bridges_gaps() {
        let t = [0.0, 1.0, 3.0];
        let v = [Some(0.0), None, Some(3.0)];
        let r = resample(&t, &v, 0.0, 3.0, 1.0).unwrap();
        assert_eq!(r, vec![0.0, 1.0, 2.0, 3.0]);
    }

    #[test]
    fn filters_and_runs() {
        assert_eq!(moving_mean(&[0.0, 3.0, 0.0], 1), vec![1.5, 1.0, 1.5]);
        let m = moving_median(&[Some(1.0), Some(100.0), Some(2.0), Some(3.0), None], 1);
        assert_eq!(
            m,
            vec![Some(50.5), Some(2.0), Some(3.0), Some(2.5), Some(3.0)]
        );
        assert_eq!(percentile([Some(1.0), None, Some(3.0)], 0.5), Some(2.0));
        let runs = runs_where(&[true, false, true, false, false, false, true], 1);
        assert_eq!(runs, vec![(0, 3), (6, 7)]);
    }
}
