//! The session report: what `janu analyze` prints and what the HTML renderer and
//! the server build on. Its JSON form is stable: fields are only ever added, and a
//! change that renames, removes or re-types a field bumps [`SCHEMA_VERSION`].
//! `docs/report-schema.md` describes every field.

use janu_body::Side;
use serde::{Deserialize, Serialize};

use crate::body::Basis;
use crate::breath::Breath;
use crate::metrics::{FrameMetrics, HandReach};
use crate::phases::Phase;
use crate::pose_name::PoseName;

/// Version of the report's JSON schema.
pub const SCHEMA_VERSION: u32 = 1;

/// Whether the input was one picture or a sequence.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum SessionKind {
    /// One frame: a photo or a one-line landmark file.
    Photo,
    /// Several frames over time.
    Video,
}

/// The whole analysis of one input.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct SessionReport {
    /// [`SCHEMA_VERSION`] of this report.
    pub schema_version: u32,
    /// Photo or video.
    pub kind: SessionKind,
    /// Number of frames analysed.
    pub frame_count: usize,
    /// Time from the first to the last frame, seconds (0 for a photo).
    pub duration_s: f64,
    /// The coordinate space most frames were measured in (`null` if nobody was seen).
    pub basis: Option<Basis>,
    /// For a photo: the pose seen. Absent for a video.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub pose: Option<PoseCall>,
    /// For a video: the stable stretches of one pose, in time order. Absent for a
    /// photo.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub segments: Option<Vec<Segment>>,
    /// One entry per Janusirsasana attempt (a stretch on one side), in time order.
    pub sides: Vec<SideReport>,
    /// Left against right, when both sides were practised.
    pub comparison: Option<SideComparison>,
    /// What a teacher would point out, most important first.
    pub findings: Vec<Finding>,
    /// The practice level the session shows, with what to try next.
    pub level: Option<LevelEstimate>,
    /// How well the camera saw the pose, and where to put it.
    pub camera: CameraReport,
    /// Per-frame calls and metrics, in time order.
    pub frames: Vec<FrameReport>,
}

/// The pose of a photo or a segment.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct PoseCall {
    /// Which pose.
    pub name: PoseName,
    /// The extended leg (person's own side) for Janusirsasana and its revolved
    /// form; `null` otherwise.
    pub extended_leg: Option<Side>,
    /// How sure of the extended leg, 0.5 (a guess: both knees bend alike in
    /// the picture) to 1; `null` without an extended leg.
    #[serde(default)]
    pub extended_leg_confidence: Option<f32>,
    /// How sure, 0..1.
    pub confidence: f32,
    /// Whether the bent leg could be seen: `false` when a leg was hidden (the pose
    /// may then be Janusirsasana with that leg bent), `null` when the pose has no
    /// bent leg to see.
    pub bent_leg_visible: Option<bool>,
    /// The measures behind the call, in words.
    pub reasons: Vec<String>,
    /// A plain-words caveat (hidden leg, camera), if any; when the pose could
    /// not be told (`other`), why and what to change (camera, light, framing).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub note: Option<String>,
}

/// A stable stretch of one pose in a video.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Segment {
    /// Start, seconds.
    pub start_s: f64,
    /// End (time of the last frame), seconds.
    pub end_s: f64,
    /// Which pose, with the same fields as a photo's `pose`.
    #[serde(flatten)]
    pub pose: PoseCall,
}

/// One Janusirsasana attempt on one side.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct SideReport {
    /// The extended leg.
    pub side: Side,
    /// Start, seconds.
    pub start_s: f64,
    /// End, seconds.
    pub end_s: f64,
    /// Setup, lengthen, fold, hold, release with their times (those that were seen).
    pub phases: Vec<Phase>,
    /// Seconds held in the fold (`null` for a photo or when no fold was held).
    pub hold_s: Option<f64>,
    /// Breathing during the hold (`null` when too short or not measurable).
    pub breath: Option<Breath>,
    /// Typical form during the hold (or the whole attempt when there was no hold).
    pub summary: SideSummary,
}

/// Medians of the main metrics over a hold.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
pub struct SideSummary {
    /// Trunk-to-thigh angle, degrees (smaller = deeper).
    pub fold_angle_deg: Option<f32>,
    /// Head to knee, torso lengths.
    pub head_to_knee: Option<f32>,
    /// Extended-knee flexion, degrees (negative = hyperextended).
    pub extended_knee_flexion_deg: Option<f32>,
    /// Bent-knee flexion, degrees.
    pub bent_knee_flexion_deg: Option<f32>,
    /// Angle between the thighs (hip opening), degrees.
    pub thigh_angle_deg: Option<f32>,
    /// Torso shortening (spine rounding), fraction.
    pub torso_shortening: Option<f32>,
    /// Most frequent hand reach.
    pub hand_reach: Option<HandReach>,
    /// Share of the attempt's frames in which the bent leg was seen, 0..1.
    pub bent_leg_visible_share: f32,
}

/// Left against right.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct SideComparison {
    /// One row per compared measure.
    pub metrics: Vec<ComparedMetric>,
    /// Mean symmetry index over the measures, 0 = even (see
    /// [`ComparedMetric::symmetry_index`]).
    pub asymmetry_index: f32,
    /// The side whose fold is shallower (the tighter hamstrings), or `null` when
    /// the sides are even.
    pub tighter_side: Option<Side>,
    /// The comparison in words.
    pub summary: String,
}

/// One measure on both sides.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ComparedMetric {
    /// Measure name (`fold_angle_deg`, `head_to_knee`, `extended_knee_angle_deg`,
    /// `thigh_angle_deg`, `hold_s`).
    pub metric: String,
    /// Value with the left leg extended.
    pub left: f64,
    /// Value with the right leg extended.
    pub right: f64,
    /// Right minus left.
    pub difference: f64,
    /// Robinson symmetry index: |L - R| / mean(|L|, |R|); 0 = even.
    pub symmetry_index: f32,
}

/// How bad a finding is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Severity {
    /// Worth a word.
    Low,
    /// Worth correcting now.
    Medium,
    /// Risky: correct before going deeper.
    High,
}

/// One measurement behind a finding.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Evidence {
    /// Metric name, as in the per-frame metrics.
    pub metric: String,
    /// The measured value (median over the time range).
    pub value: f64,
    /// The threshold it crossed.
    pub threshold: f64,
    /// `above` or `below`: which side of the threshold is the problem.
    pub direction: String,
    /// Unit: `deg`, `fraction`, `s`, `per_min`.
    pub unit: String,
    /// Start of the time range, seconds.
    pub start_s: f64,
    /// End of the time range, seconds.
    pub end_s: f64,
}

/// A piece of advice from the pose knowledge.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Advice {
    /// Its id in the knowledge (janu-pose).
    pub id: String,
    /// What to do.
    pub text: String,
}

/// A prop and when it helps.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct PropAdvice {
    /// Prop id in the knowledge (janu-pose).
    pub id: String,
    /// Prop name.
    pub name: String,
    /// How it helps here.
    pub text: String,
}

/// Something a teacher would point out.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Finding {
    /// Stable id: one of the six mistakes of the references (`collapsed-spine`,
    /// `forcing-head-to-knee`, `uneven-pelvis`, `locked-knee`, `pulling-foot`,
    /// `forced-rotation`) or `foot-placement`, `foot-rolling-out`,
    /// `breath-holding`, `hold-outside-guidance`.
    pub id: String,
    /// Short title.
    pub title: String,
    /// The extended leg of the attempt it was seen in.
    pub side: Option<Side>,
    /// How bad.
    pub severity: Severity,
    /// How sure Janu is, 0..1 (visibility, persistence, and how well landmarks can
    /// show this mistake at all).
    pub certainty: f32,
    /// What was seen, in plain words.
    pub message: String,
    /// The measurements.
    pub evidence: Vec<Evidence>,
    /// Corrections from the references.
    pub corrections: Vec<Advice>,
    /// Props that help.
    pub props: Vec<PropAdvice>,
}

/// The practice level shown.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct LevelEstimate {
    /// `beginner`, `intermediate` or `advanced`.
    pub level: String,
    /// How sure, 0..1.
    pub confidence: f32,
    /// Why, in words.
    pub reasons: Vec<String>,
    /// The variation to try next.
    pub next_variation: Option<Advice>,
    /// The hold per side Janu suggests at this level, seconds `[min, max]`.
    pub hold_guidance_s: Option<[u32; 2]>,
}

/// Where the camera stood relative to the extended leg.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum CameraView {
    /// Looking at the soles: the extended leg points at the camera.
    Front,
    /// Between front and side, on the extended foot's end (recommended).
    FrontDiagonal,
    /// From the side: the extended leg runs across the picture.
    Side,
    /// Between side and back.
    BackDiagonal,
    /// From behind.
    Back,
    /// Not measurable (no depth, or no Janusirsasana seen).
    Unknown,
}

/// How well the camera saw the pose.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct CameraReport {
    /// The typical view during Janusirsasana.
    pub view: CameraView,
    /// Share of Janusirsasana-like frames in which the bent leg was hidden, 0..1.
    pub bent_leg_hidden_share: f32,
    /// Where to put the camera, when the view hid something.
    pub advice: Option<String>,
}

/// One frame: the call and the metrics.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct FrameReport {
    /// Time, seconds.
    pub t: f64,
    /// The pose seen in this frame alone.
    pub pose: PoseName,
    /// Its confidence, 0..1.
    pub confidence: f32,
    /// The metrics (measured against the segment's extended leg).
    #[serde(flatten)]
    pub metrics: FrameMetrics,
}
