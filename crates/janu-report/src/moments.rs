//! Moments of a report worth pointing at, shared by the HTML charts and the
//! key-frame picker so the marked point and the picture agree.

use janu_analysis::phases::PhaseName;
use janu_analysis::series::moving_median;
use janu_analysis::{SessionReport, SideReport};

/// Half-width of the smoothing window for the deepest moment, seconds: a
/// single jittery frame is not the deepest moment, the deepest half second is.
pub const DEEPEST_SMOOTH_HALF_S: f64 = 0.25;

/// The deepest moment of one attempt.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Deepest {
    /// Index of the frame in the report.
    pub index: usize,
    /// Its time, seconds.
    pub t: f64,
    /// The fold angle there, smoothed over [`DEEPEST_SMOOTH_HALF_S`], degrees.
    pub fold_deg: f32,
    /// Whether it lies in a held fold (else no fold was held and the whole
    /// attempt was searched).
    pub in_hold: bool,
}

/// The fold angle of the frames between `a` and `b` seconds (indices into the
/// report's frames, and values), smoothed by a moving median of
/// [`DEEPEST_SMOOTH_HALF_S`] each side: what the chart draws and where the
/// deepest moment is read.
pub fn smoothed_fold(report: &SessionReport, a: f64, b: f64) -> Vec<(usize, Option<f32>)> {
    let idx: Vec<usize> = (0..report.frames.len())
        .filter(|&i| {
            let t = report.frames[i].t;
            t >= a - 1e-9 && t <= b + 1e-9
        })
        .collect();
    let (Some(&first), Some(&last)) = (idx.first(), idx.last()) else {
        return Vec::new();
    };
    let span = report.frames[last].t - report.frames[first].t;
    let dt = if idx.len() > 1 {
        span / (idx.len() - 1) as f64
    } else {
        0.0
    };
    let half = if dt > 0.0 {
        (DEEPEST_SMOOTH_HALF_S / dt).round() as usize
    } else {
        0
    };
    let values: Vec<Option<f32>> = idx
        .iter()
        .map(|&i| report.frames[i].metrics.fold_angle_deg)
        .collect();
    idx.into_iter().zip(moving_median(&values, half)).collect()
}

/// The smallest smoothed fold angle of the attempt `side`: within its hold, or
/// over the whole attempt when no fold was held. `None` when the fold angle was
/// never visible.
pub fn deepest(report: &SessionReport, side: &SideReport) -> Option<Deepest> {
    let (a, b, in_hold) = side
        .phases
        .iter()
        .find(|p| p.name == PhaseName::Hold)
        .filter(|_| report.frames.len() > 1)
        .map_or((side.start_s, side.end_s, false), |h| {
            (h.start_s, h.end_s, true)
        });
    let (index, v) = smoothed_fold(report, a, b)
        .into_iter()
        .filter_map(|(i, v)| v.map(|v| (i, v)))
        .min_by(|x, y| x.1.total_cmp(&y.1).then(x.0.cmp(&y.0)))?;
    Some(Deepest {
        index,
        t: report.frames[index].t,
        fold_deg: v,
        in_hold,
    })
}
