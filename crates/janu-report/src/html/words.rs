//! Numbers and names in the words a person reads.

use janu_analysis::{CameraView, FrameMetrics, HandReach, PoseName, SideReport};
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
        "extended_knee_flexion_deg" => ("straight leg's knee", "°", 0, false),
        "extended_knee_angle_deg" => ("straight leg's knee angle", "°", 0, false),
        "bent_knee_flexion_deg" => ("bent leg's knee", "°", 0, false),
        "thigh_angle_deg" => ("angle between the thighs", "°", 0, false),
        "bent_foot_along" => (
            "bent foot along the straight leg (hip 0, knee 1)",
            "",
            2,
            false,
        ),
        "torso_shortening" => ("torso shortening (rounding)", "%", 0, true),
        "head_drop_deg" => ("head dropped towards the knee", "°", 0, false),
        "pelvis_turn_deg" => (
            "pelvis turned from square to the straight leg",
            "°",
            0,
            false,
        ),
        "shoulder_turn_deg" => (
            "shoulders turned from square to the straight leg",
            "°",
            0,
            false,
        ),
        "shoulder_elevation" => ("shoulders lifted towards the ears", "%", 0, true),
        "hand_reach_along" => ("hands along the leg (hip 0, ankle 1)", "", 2, false),
        "extended_foot_roll_deg" => ("straight leg's foot", "°", 0, false),
        "breath_pause_s" => ("breath held", " s", 0, false),
        "hold_s" => ("hold", " s", 0, false),
        _ => ("measure", "", 2, false),
    }
}

/// A value of `metric` with its unit, in words where a bare signed number
/// would mislead: a knee past straight is never a negative bend, and a turn or
/// roll says which way.
pub fn metric_value(metric: &str, v: f64) -> String {
    let (_, unit, digits, percent) = metric_words(metric);
    match metric {
        "extended_knee_flexion_deg" => straight_knee_words(v),
        "bent_knee_flexion_deg" => format!("bent {v:.0}°"),
        "pelvis_turn_deg" | "shoulder_turn_deg" => turn_words(v),
        "extended_foot_roll_deg" => roll_words(v),
        // Longer than sitting tall is no rounding at all, not a negative one.
        "torso_shortening" if v * 100.0 < 0.5 => "none".into(),
        _ if percent => format!("{:.0}%", v * 100.0),
        _ => format!("{v:.digits$}{unit}"),
    }
}

/// The straight leg's knee from its signed flexion (negative past straight).
pub fn straight_knee_words(flexion_deg: f64) -> String {
    which_way(
        flexion_deg,
        "straight",
        ("bent ", "°"),
        ("straight (", "° past straight)"),
    )
}

/// A turn from square (positive: the bent-leg hip or shoulder comes forward).
fn turn_words(deg: f64) -> String {
    which_way(
        deg,
        "square",
        ("", "°, the bent-leg side forward"),
        ("", "°, the bent-leg side back"),
    )
}

/// The straight leg's foot roll from toes-up (positive: outwards).
fn roll_words(deg: f64) -> String {
    which_way(
        deg,
        "toes straight up",
        ("rolled ", "° outwards"),
        ("rolled ", "° inwards"),
    )
}

/// A signed angle in words: `level` when it rounds to under a degree, else its
/// size in whole degrees between the words of its direction, `(before, after)`
/// for a positive angle, then for a negative one.
fn which_way(deg: f64, level: &str, positive: (&str, &str), negative: (&str, &str)) -> String {
    let size = deg.abs().round();
    if size < 1.0 {
        return level.into();
    }
    let (before, after) = if deg > 0.0 { positive } else { negative };
    format!("{before}{size:.0}{after}")
}

/// The threshold of a finding's measure, as the reader's words: where the
/// concern starts.
pub fn threshold_words(metric: &str, direction: &str, threshold: f64) -> String {
    match metric {
        "extended_knee_flexion_deg" if direction == "below" => {
            format!("a concern beyond {:.0}° past straight", -threshold)
        }
        "pelvis_turn_deg" | "shoulder_turn_deg" => {
            format!("a concern beyond {:.0}° either way", threshold.abs())
        }
        "extended_foot_roll_deg" => format!("a concern beyond {threshold:.0}° outwards"),
        _ => format!(
            "{} {}",
            direction_words(direction),
            metric_value(metric, threshold)
        ),
    }
}

/// A finding's measured value. A turn is judged by its size either way, so a
/// finding holds it without its sign.
pub fn evidence_value(metric: &str, v: f64) -> String {
    match metric {
        "pelvis_turn_deg" | "shoulder_turn_deg" => format!("{:.0}°", v.abs()),
        _ => metric_value(metric, v),
    }
}

/// A compared measure's value on one side: the straight knee reads as a knee,
/// never as an angle past 180°.
pub fn compared_value(metric: &str, v: f64) -> String {
    if metric == "extended_knee_angle_deg" {
        return straight_knee_words(180.0 - v);
    }
    let (_, unit, digits) = compared_metric_words(metric);
    format!("{v:.digits$}{unit}")
}

/// What a measure reads when it could not be seen.
pub const NOT_VISIBLE: &str = "not visible";

/// The form measures of one frame as (words, value) rows, each measure once.
pub fn frame_rows(m: &FrameMetrics) -> Vec<(String, String)> {
    let mut rows = Vec::new();
    let mut push = |metric: &str, v: Option<f32>| {
        rows.push((
            metric_words(metric).0.to_string(),
            v.map_or_else(
                || NOT_VISIBLE.into(),
                |v| metric_value(metric, f64::from(v)),
            ),
        ));
    };
    push("fold_angle_deg", m.fold_angle_deg);
    push("head_to_knee", m.head_to_knee);
    push("extended_knee_flexion_deg", m.extended_knee_flexion_deg);
    push("bent_knee_flexion_deg", m.bent_knee_flexion_deg);
    push("thigh_angle_deg", m.thigh_angle_deg);
    push("torso_shortening", m.torso_shortening);
    push("pelvis_turn_deg", m.pelvis_turn_deg);
    push("extended_foot_roll_deg", m.extended_foot_roll_deg);
    rows.push((
        "bent foot rests".into(),
        m.bent_foot.map_or(NOT_VISIBLE, |p| p.words()).into(),
    ));
    rows.push((
        "hands".into(),
        m.hand_reach.map_or(NOT_VISIBLE, HandReach::words).into(),
    ));
    rows
}

/// An attempt's typical form as (words, value) rows, each measure once.
pub fn side_rows(s: &SideReport) -> Vec<(String, String)> {
    let m = &s.summary;
    let nv = |metric: &str, v: Option<f32>| {
        (
            metric_words(metric).0.to_string(),
            v.map_or_else(
                || NOT_VISIBLE.into(),
                |v| metric_value(metric, f64::from(v)),
            ),
        )
    };
    vec![
        (
            "hold".to_string(),
            s.hold_s
                .map_or_else(|| "no fold was held".into(), |h| format!("{h:.1} s")),
        ),
        nv("fold_angle_deg", m.fold_angle_deg),
        nv("head_to_knee", m.head_to_knee),
        nv("extended_knee_flexion_deg", m.extended_knee_flexion_deg),
        nv("bent_knee_flexion_deg", m.bent_knee_flexion_deg),
        nv("thigh_angle_deg", m.thigh_angle_deg),
        nv("torso_shortening", m.torso_shortening),
        (
            "hands".into(),
            m.hand_reach.map_or(NOT_VISIBLE, HandReach::words).into(),
        ),
        (
            "bent leg seen".into(),
            if m.bent_leg_visible_share < super::BENT_LEG_SEEN_MIN {
                format!(
                    "in only {} of the frames, so its measures are unsure",
                    percent(m.bent_leg_visible_share)
                )
            } else {
                format!("in {} of the frames", percent(m.bent_leg_visible_share))
            },
        ),
        (
            "breath".into(),
            s.breath.as_ref().map_or_else(
                || "not measured (hold too short or no steady rhythm seen)".into(),
                |b| {
                    let held = match b.holding.len() {
                        0 => String::new(),
                        n => format!("; held {}", times(n)),
                    };
                    format!(
                        "{} breaths at {:.1} a minute, {} regular{held}",
                        b.count,
                        b.rate_per_min,
                        percent(b.regularity)
                    )
                },
            ),
        ),
    ]
}

/// "once", "twice", "3 times".
pub fn times(n: usize) -> String {
    match n {
        1 => "once".into(),
        2 => "twice".into(),
        n => format!("{n} times"),
    }
}

/// A compared measure: (short words, unit, decimals).
pub fn compared_metric_words(metric: &str) -> (&'static str, &'static str, usize) {
    match metric {
        "fold_angle_deg" => ("fold angle", "°", 0),
        "head_to_knee" => ("head to knee (torso lengths)", "", 2),
        "extended_knee_angle_deg" => ("straight leg's knee", "°", 0),
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

    #[test]
    fn a_knee_past_straight_is_never_a_negative_bend() {
        assert_eq!(
            metric_value("extended_knee_flexion_deg", -18.2),
            "straight (18° past straight)"
        );
        assert_eq!(metric_value("extended_knee_flexion_deg", 0.3), "straight");
        assert_eq!(metric_value("extended_knee_flexion_deg", 15.0), "bent 15°");
        assert_eq!(
            threshold_words("extended_knee_flexion_deg", "below", -5.0),
            "a concern beyond 5° past straight"
        );
        assert_eq!(
            threshold_words("thigh_angle_deg", "above", 115.0),
            "a concern above 115°"
        );
    }

    #[test]
    fn turns_and_rolls_say_which_way() {
        assert_eq!(
            metric_value("pelvis_turn_deg", -13.0),
            "13°, the bent-leg side back"
        );
        assert_eq!(
            metric_value("extended_foot_roll_deg", 26.0),
            "rolled 26° outwards"
        );
        assert_eq!(
            metric_value("extended_foot_roll_deg", -21.0),
            "rolled 21° inwards"
        );
    }
}
