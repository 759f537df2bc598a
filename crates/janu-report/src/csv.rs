//! Per-frame metrics as CSV: a header row, then one row per frame. Empty cells
//! mean "not visible" (or, for the pose columns, nobody seen).

use janu_analysis::{FrameReport, SessionReport};

/// The columns, in order.
pub const COLUMNS: [&str; 20] = [
    "t",
    "pose",
    "confidence",
    "extended_leg",
    "extended_knee_flexion_deg",
    "bent_knee_flexion_deg",
    "thigh_angle_deg",
    "bent_foot",
    "bent_foot_along",
    "fold_angle_deg",
    "head_to_knee",
    "torso_shortening",
    "head_drop_deg",
    "pelvis_turn_deg",
    "shoulder_turn_deg",
    "shoulder_elevation",
    "hand_reach",
    "hand_reach_along",
    "extended_foot_roll_deg",
    "segment_pose",
];

fn num(v: Option<f32>) -> String {
    v.map(|v| v.to_string()).unwrap_or_default()
}

fn row(f: &FrameReport, segment_pose: &str) -> String {
    let m = &f.metrics;
    [
        f.t.to_string(),
        f.pose.as_str().to_string(),
        f.confidence.to_string(),
        m.extended_leg
            .map(|s| s.as_str().to_string())
            .unwrap_or_default(),
        num(m.extended_knee_flexion_deg),
        num(m.bent_knee_flexion_deg),
        num(m.thigh_angle_deg),
        m.bent_foot
            .map(|p| p.as_str().to_string())
            .unwrap_or_default(),
        num(m.bent_foot_along),
        num(m.fold_angle_deg),
        num(m.head_to_knee),
        num(m.torso_shortening),
        num(m.head_drop_deg),
        num(m.pelvis_turn_deg),
        num(m.shoulder_turn_deg),
        num(m.shoulder_elevation),
        m.hand_reach
            .map(|r| r.as_str().to_string())
            .unwrap_or_default(),
        num(m.hand_reach_along),
        num(m.extended_foot_roll_deg),
        segment_pose.to_string(),
    ]
    .join(",")
}

/// Render the per-frame metrics as CSV. The last column is the pose of the
/// stable segment the frame belongs to (for a photo, the photo's pose).
pub fn render(report: &SessionReport) -> String {
    let mut out = COLUMNS.join(",");
    out.push('\n');
    let segment_of = |t: f64| -> String {
        if let Some(p) = &report.pose {
            return p.name.as_str().to_string();
        }
        report
            .segments
            .iter()
            .flatten()
            .find(|s| t >= s.start_s && t <= s.end_s)
            .map(|s| s.pose.name.as_str().to_string())
            .unwrap_or_default()
    };
    for f in &report.frames {
        out.push_str(&row(f, &segment_of(f.t)));
        out.push('\n');
    }
    out
}
