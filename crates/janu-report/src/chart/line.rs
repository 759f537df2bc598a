//! A long series as lines a chart can draw: no more points than pixels, and a
//! break wherever nothing was measured.

/// Points drawn per line at most: about one per horizontal pixel of a plot;
/// more only makes the file larger.
pub const MAX_LINE_POINTS: usize = 700;

/// Split `(t, v)` samples into runs without gaps, averaged into at most
/// [`MAX_LINE_POINTS`] bins over `[t0, t1]` (a bin with samples but no finite
/// value breaks the line).
pub fn line_runs(points: &[(f64, Option<f32>)], t0: f64, t1: f64) -> Vec<Vec<(f64, f64)>> {
    let span = (t1 - t0).max(1e-9);
    let bins = MAX_LINE_POINTS;
    let mut sum = vec![(0.0f64, 0.0f64, 0usize); bins];
    let mut seen = vec![false; bins];
    for (t, v) in points {
        let i = (((t - t0) / span) * bins as f64)
            .floor()
            .clamp(0.0, (bins - 1) as f64) as usize;
        seen[i] = true;
        if let Some(v) = v.filter(|v| v.is_finite()) {
            sum[i].0 += t;
            sum[i].1 += f64::from(v);
            sum[i].2 += 1;
        }
    }
    let mut runs = Vec::new();
    let mut run: Vec<(f64, f64)> = Vec::new();
    for (i, (st, sv, n)) in sum.into_iter().enumerate() {
        if n > 0 {
            run.push((st / n as f64, sv / n as f64));
        } else if seen[i] && !run.is_empty() {
            runs.push(std::mem::take(&mut run));
        }
    }
    if !run.is_empty() {
        runs.push(run);
    }
    runs
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lines_break_at_gaps_and_stay_short() {
        let mut pts: Vec<(f64, Option<f32>)> = (0..10_000)
            .map(|i| (f64::from(i) / 100.0, Some(50.0)))
            .collect();
        for p in &mut pts[4000..5000] {
            p.1 = None;
        }
        let runs = line_runs(&pts, 0.0, 100.0);
        assert_eq!(runs.len(), 2);
        assert!(runs.iter().map(Vec::len).sum::<usize>() <= MAX_LINE_POINTS);
    }
}
