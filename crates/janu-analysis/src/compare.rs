//! Left against right: depth, knee, hip opening and hold, with a symmetry index.

use janu_body::Side;

use crate::report::{ComparedMetric, SideComparison, SideReport};

/// Fold angles closer than this (degrees) are the same depth: a few degrees is
/// within landmark noise and day-to-day variation.
pub const EVEN_FOLD_DEG: f32 = 4.0;
/// Head-to-knee distances closer than this (torso lengths) are the same depth.
pub const EVEN_HEAD_TO_KNEE: f32 = 0.05;

/// Robinson's symmetry index |L - R| / mean(|L|, |R|), 0 when both are zero.
pub fn symmetry_index(l: f64, r: f64) -> f32 {
    let m = (l.abs() + r.abs()) / 2.0;
    if m <= f64::EPSILON {
        0.0
    } else {
        ((l - r).abs() / m) as f32
    }
}

/// The attempt of a side that held longest (or the last one, without holds).
fn best(sides: &[SideReport], side: Side) -> Option<&SideReport> {
    sides
        .iter()
        .filter(|s| s.side == side)
        .max_by(|a, b| a.hold_s.unwrap_or(0.0).total_cmp(&b.hold_s.unwrap_or(0.0)))
}

/// Compare the sides, when both were practised.
pub fn compare(sides: &[SideReport]) -> Option<SideComparison> {
    let l = best(sides, Side::Left)?;
    let r = best(sides, Side::Right)?;
    let mut metrics = Vec::new();
    let mut row = |name: &str, a: Option<f64>, b: Option<f64>| {
        if let (Some(a), Some(b)) = (a, b) {
            metrics.push(ComparedMetric {
                metric: name.to_string(),
                left: a,
                right: b,
                difference: b - a,
                symmetry_index: symmetry_index(a, b),
            });
        }
    };
    let f = |v: Option<f32>| v.map(f64::from);
    row(
        "fold_angle_deg",
        f(l.summary.fold_angle_deg),
        f(r.summary.fold_angle_deg),
    );
    row(
        "head_to_knee",
        f(l.summary.head_to_knee),
        f(r.summary.head_to_knee),
    );
    // The knee as an angle (180 = straight) so the index is not inflated near 0.
    let knee = |s: &SideReport| {
        s.summary
            .extended_knee_flexion_deg
            .map(|v| 180.0 - f64::from(v))
    };
    row("extended_knee_angle_deg", knee(l), knee(r));
    row(
        "thigh_angle_deg",
        f(l.summary.thigh_angle_deg),
        f(r.summary.thigh_angle_deg),
    );
    row("hold_s", l.hold_s, r.hold_s);
    if metrics.is_empty() {
        return None;
    }
    let asymmetry_index =
        metrics.iter().map(|m| m.symmetry_index).sum::<f32>() / metrics.len() as f32;
    let tighter_side = match (l.summary.fold_angle_deg, r.summary.fold_angle_deg) {
        (Some(a), Some(b)) if (a - b).abs() >= EVEN_FOLD_DEG => {
            Some(if a > b { Side::Left } else { Side::Right })
        }
        _ => match (l.summary.head_to_knee, r.summary.head_to_knee) {
            (Some(a), Some(b)) if (a - b).abs() >= EVEN_HEAD_TO_KNEE => {
                Some(if a > b { Side::Left } else { Side::Right })
            }
            _ => None,
        },
    };
    let summary = match tighter_side {
        // The measures themselves follow in the comparison's table: the
        // summary says only what they mean.
        Some(s) => format!(
            "With the {s} leg extended the fold is shallower: the {s} hamstrings are the tighter side. Asymmetry index {asymmetry_index:.2}."
        ),
        None => {
            format!("Both sides fold about equally deep. Asymmetry index {asymmetry_index:.2}.")
        }
    };
    Some(SideComparison {
        metrics,
        asymmetry_index,
        tighter_side,
        summary,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn index_is_zero_when_even_and_grows_with_difference() {
        assert_eq!(symmetry_index(40.0, 40.0), 0.0);
        assert!((symmetry_index(30.0, 50.0) - 0.5).abs() < 1e-6);
        assert_eq!(symmetry_index(0.0, 0.0), 0.0);
    }
}
