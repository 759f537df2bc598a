//! Breathing traces for the report's charts: the body signal the analysis
//! counted the breath on, over each hold, detrended and smoothed with the
//! analysis' own windows ([`janu_analysis::breath`]), scaled to unit spread.

use janu_analysis::breath::{DETREND_WINDOW_S, RESAMPLE_HZ, SMOOTH_WINDOW_S, upper_body_height};
use janu_analysis::phases::PhaseName;
use janu_analysis::series::{mean_sd, moving_mean, resample};
use janu_analysis::{Body, SessionReport};
use janu_body::Frame;
use janu_report::media::BreathTrace;

/// Decimals kept per sample: a hundredth of a standard deviation is far below
/// what a chart shows, and keeps stored traces small and stable.
const DECIMALS: f32 = 100.0;

/// One trace per attempt whose breath was measured, in the report's order.
/// `frames` are the analysed frames (unmirrored or not: heights do not change).
pub fn traces(report: &SessionReport, frames: &[Frame]) -> Vec<BreathTrace> {
    let mut out = Vec::new();
    for s in &report.sides {
        let Some(breath) = &s.breath else { continue };
        let Some(hold) = s.phases.iter().find(|p| p.name == PhaseName::Hold) else {
            continue;
        };
        let idx: Vec<usize> = (0..frames.len().min(report.frames.len()))
            .filter(|&i| frames[i].t >= hold.start_s - 1e-9 && frames[i].t <= hold.end_s + 1e-9)
            .collect();
        let times: Vec<f64> = idx.iter().map(|&i| frames[i].t).collect();
        let values: Vec<Option<f32>> = idx
            .iter()
            .map(|&i| {
                let metrics = &report.frames[i].metrics;
                match breath.signal.as_str() {
                    "fold_angle" => metrics.fold_angle_deg,
                    "torso_length" => Body::from_frame(&frames[i])
                        .and_then(|b| Some(b.torso_length()? / b.scale()?)),
                    _ => Body::from_frame(&frames[i]).and_then(|b| upper_body_height(&b)),
                }
            })
            .collect();
        let (Some(&t0), Some(&t1)) = (times.first(), times.last()) else {
            continue;
        };
        let dt = 1.0 / RESAMPLE_HZ;
        let Some(raw) = resample(&times, &values, t0, t1, dt) else {
            continue;
        };
        let trend = moving_mean(&raw, (DETREND_WINDOW_S * RESAMPLE_HZ / 2.0) as usize);
        let detrended: Vec<f32> = raw.iter().zip(&trend).map(|(a, b)| a - b).collect();
        let x = moving_mean(&detrended, (SMOOTH_WINDOW_S * RESAMPLE_HZ / 2.0) as usize);
        let Some((mean, sd)) = mean_sd(&x).filter(|(_, sd)| *sd > f32::EPSILON) else {
            continue;
        };
        out.push(BreathTrace {
            side: s.side,
            signal: breath.signal.clone(),
            t: (0..x.len())
                .map(|i| ((t0 + i as f64 * dt) * 1000.0).round() / 1000.0)
                .collect(),
            value: x
                .iter()
                .map(|v| ((v - mean) / sd * DECIMALS).round() / DECIMALS)
                .collect(),
        });
    }
    out
}
