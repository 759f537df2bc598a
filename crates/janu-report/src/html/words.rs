//! Numbers and names in the words a person reads.

use janu_analysis::{CameraView, PoseName};
use janu_body::Side;

/// `s` with `& < > " '` escaped, safe in element text and quoted attributes.
pub fn escape(s: &str) -> String {
    let mut o = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '&' => o.push_str("&amp;"),
            '<' => o.push_str("&lt;"),
            '>' => o.push_str("&gt;"),
            '"' => o.push_str("&quot;"),
            '\'' => o.push_str("&#39;"),
            c => o.push(c),
        }
    }
    o
}

pub use janu_body::clock::{clock, clock_with};

/// A time range as `m:ss–m:ss`.
pub fn span(a: f64, b: f64) -> String {
    format!("{}–{}", clock(a), clock(b))
}

/// "left" or "right".
pub fn side_word(s: Side) -> &'static str {
    match s {
        Side::Left => "left",
        Side::Right => "right",
    }
}

/// "Left leg extended".
pub fn side_title(s: Side) -> &'static str {
    match s {
        Side::Left => "Left leg extended",
        Side::Right => "Right leg extended",
    }
}

/// The pose's name as people write it.
pub fn pose_title(p: PoseName) -> &'static str {
    p.title()
}

/// Where the camera stood, in words.
pub fn view_words(v: CameraView) -> &'static str {
    match v {
        CameraView::Front => "from the front (facing the soles)",
        CameraView::FrontDiagonal => "from the front-diagonal",
        CameraView::Side => "from the side",
        CameraView::BackDiagonal => "from the back-diagonal",
        CameraView::Back => "from behind",
        CameraView::Unknown => "not measurable",
    }
}

/// A per-frame or finding metric: (words, unit suffix, decimals, shown as a
/// percentage).
pub fn metric_words(metric: &str) -> (&'static str, &'static str, usize, bool) {
    match metric {
        "fold_angle_deg" => ("fold angle (trunk to thigh)", "°", 0, false),
        "head_to_knee" => ("head to knee", " torso lengths", 2, false),
        "extended_knee_flexion_deg" => ("bend of the straight leg's knee", "°", 0, false),
        "extended_knee_angle_deg" => ("straight leg's knee angle", "°", 0, false),
        "bent_knee_flexion_deg" => ("bent knee flexion", "°", 0, false),
        "thigh_angle_deg" => ("angle between the thighs", "°", 0, false),
        "bent_foot_along" => (
            "bent foot along the straight leg (hip 0, knee 1)",
            "",
            2,
            false,
        ),
        "torso_shortening" => ("torso shortening (rounding)", "%", 0, true),
        "head_drop_deg" => ("head dropped towards the knee", "°", 0, false),
        "pelvis_turn_deg" => ("pelvis turned from square", "°", 0, false),
        "shoulder_turn_deg" => ("shoulders turned from square", "°", 0, false),
        "shoulder_elevation" => ("shoulders lifted towards the ears", "%", 0, true),
        "hand_reach_along" => ("hands along the leg (hip 0, ankle 1)", "", 2, false),
        "extended_foot_roll_deg" => ("straight leg's foot rolled out", "°", 0, false),
        "breath_pause_s" => ("breath held", " s", 0, false),
        "hold_s" => ("hold", " s", 0, false),
        _ => ("measure", "", 2, false),
    }
}

/// A value of `metric` with its unit.
pub fn metric_value(metric: &str, v: f64) -> String {
    let (_, unit, digits, percent) = metric_words(metric);
    if percent {
        format!("{:.0}%", v * 100.0)
    } else {
        format!("{v:.digits$}{unit}")
    }
}

/// A compared measure: (short words, unit, decimals).
pub fn compared_metric_words(metric: &str) -> (&'static str, &'static str, usize) {
    match metric {
        "fold_angle_deg" => ("fold angle", "°", 0),
        "head_to_knee" => ("head to knee (torso lengths)", "", 2),
        "extended_knee_angle_deg" => ("straight knee angle", "°", 0),
        "thigh_angle_deg" => ("hip opening", "°", 0),
        "hold_s" => ("hold", " s", 0),
        _ => ("measure", "", 2),
    }
}

/// "Above"/"below" as the reader's words for a threshold.
pub fn direction_words(direction: &str) -> &'static str {
    if direction == "below" {
        "a concern below"
    } else {
        "a concern above"
    }
}

/// A share as a whole percentage.
pub fn percent(v: f32) -> String {
    format!("{:.0}%", f64::from(v) * 100.0)
}

#[cfg(test)]
mod tests {
    use super::*;

    // The clock itself is tested in janu_body::clock.
    #[test]
    fn spans_read_as_two_clocks() {
        assert_eq!(span(5.0, 65.0), "0:05–1:05");
    }

    #[test]
    fn fractions_read_as_percentages() {
        assert_eq!(metric_value("torso_shortening", 0.123), "12%");
        assert_eq!(metric_value("fold_angle_deg", 43.6), "44°");
        assert_eq!(escape("<a&'\">"), "&lt;a&amp;&#39;&quot;&gt;");
    }
}
