//! Numbers and names in the words a person reads.

use janu_analysis::{
    Basis, CAMERA_ADVICE, CameraView, FrameMetrics, HandReach, PoseCall, PoseName, SessionReport,
    Severity, SideReport,
};
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

/// " with the left leg extended" when the call names the leg, else nothing.
pub fn leg_extended(p: &PoseCall) -> String {
    p.extended_leg
        .map(|s| format!(" with the {} leg extended", side_word(s)))
        .unwrap_or_default()
}

/// " (99% sure of the leg)" when the call names the leg and how sure it is.
pub fn leg_sure(p: &PoseCall) -> String {
    p.extended_leg
        .and(p.extended_leg_confidence)
        .map(|c| format!(" ({} sure of the leg)", percent(c)))
        .unwrap_or_default()
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

/// A measure as a (words, value) row; "not visible" when it could not be seen.
fn metric_row(metric: &str, v: Option<f32>) -> (String, String) {
    (
        metric_words(metric).0.to_string(),
        v.map_or_else(
            || NOT_VISIBLE.into(),
            |v| metric_value(metric, f64::from(v)),
        ),
    )
}

/// The measures of the fold that a frame and an attempt's summary both hold,
/// in the order the report lists them.
const FOLD_MEASURES: [&str; 6] = [
    "fold_angle_deg",
    "head_to_knee",
    "extended_knee_flexion_deg",
    "bent_knee_flexion_deg",
    "thigh_angle_deg",
    "torso_shortening",
];

/// The values of [`FOLD_MEASURES`] in a frame's metrics or an attempt's
/// summary (two types whose fields are named alike).
macro_rules! fold_values {
    ($m:expr) => {
        [
            $m.fold_angle_deg,
            $m.head_to_knee,
            $m.extended_knee_flexion_deg,
            $m.bent_knee_flexion_deg,
            $m.thigh_angle_deg,
            $m.torso_shortening,
        ]
    };
}

/// The rows of [`FOLD_MEASURES`], given their values in that order.
fn fold_rows(values: [Option<f32>; 6]) -> impl Iterator<Item = (String, String)> {
    FOLD_MEASURES
        .into_iter()
        .zip(values)
        .map(|(metric, v)| metric_row(metric, v))
}

/// Where the hands reach, as a row.
fn hands_row(reach: Option<HandReach>) -> (String, String) {
    (
        "hands".into(),
        reach.map_or(NOT_VISIBLE, HandReach::words).into(),
    )
}

/// The form measures of one frame as (words, value) rows, each measure once.
pub fn frame_rows(m: &FrameMetrics) -> Vec<(String, String)> {
    let mut rows: Vec<_> = fold_rows(fold_values!(m)).collect();
    rows.extend([
        metric_row("pelvis_turn_deg", m.pelvis_turn_deg),
        metric_row("extended_foot_roll_deg", m.extended_foot_roll_deg),
        (
            "bent foot rests".into(),
            m.bent_foot.map_or(NOT_VISIBLE, |p| p.words()).into(),
        ),
        hands_row(m.hand_reach),
    ]);
    rows
}

/// Share of an attempt's frames with the bent leg seen below which the report
/// warns that its measures are unsure (half: most of the time it was hidden).
pub const BENT_LEG_SEEN_MIN: f32 = 0.5;

/// True when an attempt's bent leg was hidden so often that its measures are
/// unsure.
pub fn bent_leg_unsure(s: &SideReport) -> bool {
    s.summary.bent_leg_visible_share < BENT_LEG_SEEN_MIN
}

/// How often an attempt's bent leg was seen: "in 99% of the frames", or "in
/// only 36% of the frames" when that leaves its measures unsure.
pub fn bent_leg_seen(s: &SideReport) -> String {
    let only = if bent_leg_unsure(s) { "only " } else { "" };
    format!(
        "in {only}{} of the frames",
        percent(s.summary.bent_leg_visible_share)
    )
}

/// An attempt's typical form as (words, value) rows, each measure once.
pub fn side_rows(s: &SideReport) -> Vec<(String, String)> {
    let m = &s.summary;
    let seen = if bent_leg_unsure(s) {
        format!("{}, so its measures are unsure", bent_leg_seen(s))
    } else {
        bent_leg_seen(s)
    };
    let hold = (
        "hold".to_string(),
        s.hold_s
            .map_or_else(|| "no fold was held".into(), |h| format!("{h:.1} s")),
    );
    let mut rows = vec![hold];
    rows.extend(fold_rows(fold_values!(m)));
    rows.extend([
        hands_row(m.hand_reach),
        ("bent leg seen".into(), seen),
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
    ]);
    rows
}

/// Where the camera stood, as the report's sentences. Advice, when the view
/// hid something, says what it hid and where to put the camera instead, so it
/// stands alone. The view is judged only on Janusirsasana: with none seen, the
/// section says so and gives no advice.
pub fn camera_sentences(r: &SessionReport) -> Vec<String> {
    let c = &r.camera;
    if let Some(a) = &c.advice {
        return vec![a.clone()];
    }
    let hidden = Some(percent(c.bent_leg_hidden_share)).filter(|p| p != "0%");
    match (c.view, hidden) {
        (CameraView::Unknown, None) if r.sides.is_empty() => {
            vec!["Not judged, as no Janusirsasana was seen.".to_string()]
        }
        (CameraView::Unknown, hidden) => {
            let why = if r.basis == Some(Basis::ImageFlat) {
                ": the landmarks have no depth"
            } else {
                ""
            };
            let mut s = vec![format!("Janu could not tell where the camera stood{why}.")];
            s.extend(
                hidden.map(|h| format!("The bent leg was hidden in {h} of the pose's frames.")),
            );
            s.push(format!("For the next photo or video: {CAMERA_ADVICE}"));
            s
        }
        (v, None) => vec![format!(
            "The camera was well placed: it saw the pose {}, and both legs stayed in view.",
            view_words(v)
        )],
        (v, Some(h)) => vec![format!(
            "The camera was well placed: it saw the pose {}, and the bent leg was hidden in only {h} of the pose's frames.",
            view_words(v)
        )],
    }
}

/// What the measures were taken on.
pub fn basis_words(b: Option<Basis>) -> &'static str {
    match b {
        Some(Basis::World) => "measured on 3-D body landmarks",
        Some(Basis::Image) => "measured on picture landmarks with depth",
        Some(Basis::ImageFlat) => {
            "measured on flat picture landmarks (angles as the camera sees them)"
        }
        None => "no body seen",
    }
}

/// "low", "medium" or "high".
pub fn severity_word(s: Severity) -> &'static str {
    match s {
        Severity::Low => "low",
        Severity::Medium => "medium",
        Severity::High => "high",
    }
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
    fn the_camera_is_said_in_sentences() {
        let synth = janu_synth::generate(&janu_synth::scenarios::clean_session(5)).unwrap();
        let seen = janu_analysis::analyze(&synth.frames).unwrap();
        let with = |view, bent_leg_hidden_share, advice: Option<&str>| {
            let mut r = seen.clone();
            r.camera = janu_analysis::CameraReport {
                view,
                bent_leg_hidden_share,
                advice: advice.map(String::from),
            };
            r
        };
        assert_eq!(
            camera_sentences(&with(CameraView::Side, 0.4, Some("Move it."))),
            ["Move it."],
            "advice stands alone"
        );
        assert_eq!(
            camera_sentences(&with(CameraView::FrontDiagonal, 0.0, None)),
            [
                "The camera was well placed: it saw the pose from the front-diagonal, and both legs stayed in view."
            ]
        );
        assert!(
            camera_sentences(&with(CameraView::FrontDiagonal, 0.1, None))[0]
                .ends_with("the bent leg was hidden in only 10% of the pose's frames.")
        );

        let mut flat = with(CameraView::Unknown, 0.0, None);
        flat.basis = Some(Basis::ImageFlat);
        assert_eq!(
            camera_sentences(&flat),
            [
                "Janu could not tell where the camera stood: the landmarks have no depth."
                    .to_string(),
                format!("For the next photo or video: {CAMERA_ADVICE}")
            ],
            "with the pose seen, the reader learns why and where to stand"
        );

        let mut other_pose = with(CameraView::Unknown, 0.0, None);
        other_pose.sides.clear();
        let said = camera_sentences(&other_pose);
        assert_eq!(said.len(), 1, "{said:?}");
        assert!(said[0].starts_with("Not judged"), "{said:?}");
        assert!(
            !said[0].contains(CAMERA_ADVICE),
            "no camera advice for a pose Janu does not coach"
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
