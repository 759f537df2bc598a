//! The known answers that come with every generated sequence.
//!
//! Times are seconds from the first frame. Angles are degrees. Per-frame values
//! are measured on the noiseless model (in metres, before the camera), so they are
//! what a perfect estimator would let an analysis compute; values marked "set" are
//! the model's own joint parameters.

use janu_body::Side;
use serde::{Deserialize, Serialize};

use crate::camera::Camera;
use crate::scenario::{Mistake, Phase, PoseName};

/// One pose segment as it was generated.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct SegmentTruth {
    /// Index in the scenario's segments.
    pub index: usize,
    /// The pose.
    pub pose: PoseName,
    /// The extended leg (the head-to-knee poses only).
    pub extended_leg: Option<Side>,
    /// The side the trunk turns to (Ardha Matsyendrasana only).
    pub twist_side: Option<Side>,
    /// When the transition into this pose began.
    pub transition_start: f64,
    /// When the pose itself began (transition done).
    pub start: f64,
    /// When it ended (the next transition begins).
    pub end: f64,
}

/// One phase of one Janusirsasana side.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct PhaseTruth {
    /// Index of the segment.
    pub segment: usize,
    /// The extended leg.
    pub extended_leg: Side,
    /// The phase.
    pub phase: Phase,
    /// Start time.
    pub start: f64,
    /// End time.
    pub end: f64,
}

/// A hold: the hold phase of Janusirsasana, or the stay in a neighbour pose.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct HoldTruth {
    /// Index of the segment.
    pub segment: usize,
    /// The pose held.
    pub pose: PoseName,
    /// The extended leg, for the head-to-knee poses.
    pub extended_leg: Option<Side>,
    /// Start time.
    pub start: f64,
    /// End time.
    pub end: f64,
    /// `end - start`.
    pub duration_s: f64,
    /// Complete breaths (out, in, out) that start and end inside the hold.
    pub breaths: usize,
    /// The rate the scenario asked for, per minute.
    pub planted_rate_bpm: f64,
    /// 60 over the mean duration of those breaths, held seconds excluded; `None`
    /// without a complete breath.
    pub rate_bpm: Option<f64>,
}

/// One complete breath.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct BreathTruth {
    /// Start of the inhale (breathed out).
    pub start: f64,
    /// End of the inhale (breathed in).
    pub peak: f64,
    /// End of the exhale.
    pub end: f64,
    /// Seconds held at the top (0 for a normal breath).
    pub held_s: f64,
}

/// A time when the breath stopped.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct BreathHoldTruth {
    /// Index of the segment.
    pub segment: usize,
    /// When the torso's breathing motion stopped.
    pub start: f64,
    /// When it started again.
    pub end: f64,
}

/// A planted mistake.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct MistakeTruth {
    /// Which.
    pub mistake: Mistake,
    /// Index of the segment.
    pub segment: usize,
    /// The extended leg of that segment.
    pub extended_leg: Side,
    /// When the mistake reaches half its magnitude (it eases in over the fold, or
    /// over 2 s for a timed window; a misplaced foot is placed during the setup).
    pub start: f64,
    /// When it falls back below half.
    pub end: f64,
    /// Its magnitude.
    pub magnitude: f64,
    /// Unit of the magnitude (`deg`, `m`, `s`).
    pub unit: String,
}

/// Where the hands are along the extended leg.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum HandReach {
    /// Not past the knee.
    Knee,
    /// On the shin.
    Shin,
    /// At the ankle.
    Ankle,
    /// At the foot.
    Foot,
    /// Beyond the foot (bind).
    Beyond,
}

/// The true state of the body in one frame.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct FrameTruth {
    /// Time.
    pub t: f64,
    /// The segment this frame belongs to (a transition belongs to the segment it
    /// leads into; the lead-in to the first).
    pub segment: usize,
    /// Whether the pose is being held or moved into/through (false in transitions
    /// and the lead-in).
    pub in_pose: bool,
    /// The segment's pose.
    pub pose: PoseName,
    /// The extended leg, for the head-to-knee poses.
    pub extended_leg: Option<Side>,
    /// The Janusirsasana phase, if in one.
    pub phase: Option<Phase>,
    /// Whether the person was left out of this frame (a whole-frame dropout).
    pub dropped: bool,
    /// Knee flexion [left, right] between the hip, knee and ankle landmarks
    /// (180 minus the joint angle), negative when hyperextended.
    pub knee_flexion_deg: [f64; 2],
    /// The extended leg's knee flexion (signed, as above).
    pub extended_knee_flexion_deg: Option<f64>,
    /// The bent leg's knee flexion.
    pub bent_knee_flexion_deg: Option<f64>,
    /// Angle between the two thighs (hip-to-knee lines).
    pub thigh_angle_deg: f64,
    /// Trunk-to-thigh fold angle: between hip midpoint -> shoulder midpoint and the
    /// extended thigh (hip -> knee), or the mean thigh direction without an
    /// extended leg. About 90 sitting tall, small when folded.
    pub fold_angle_deg: f64,
    /// Nose to the extended knee, as a fraction of the neutral seated torso length.
    pub head_to_knee: Option<f64>,
    /// Hip flexion [left, right]: angle between the thigh and the pelvis's
    /// downward axis (90 sitting upright with legs forward).
    pub hip_flexion_deg: [f64; 2],
    /// Set: anterior pelvic tilt (negative = tucked under).
    pub pelvis_tilt_deg: f64,
    /// Set: lumbar flexion beyond the neutral seated curve (breath included).
    pub lumbar_flexion_deg: f64,
    /// Set: thoracic flexion beyond the neutral kyphosis (breath included).
    pub thoracic_flexion_deg: f64,
    /// Set: neck flexion beyond neutral.
    pub neck_flexion_deg: f64,
    /// Set: head nod (chin down).
    pub head_nod_deg: f64,
    /// Hip midpoint to shoulder midpoint over the neutral seated torso length
    /// (below 1 when the spine rounds).
    pub torso_length_ratio: f64,
    /// Turn of the hip line about the vertical, positive to the person's left
    /// (0 = square to a leg extended straight ahead).
    pub pelvis_yaw_deg: f64,
    /// Turn of the shoulder line about the vertical, positive to the left.
    pub shoulder_yaw_deg: f64,
    /// Right hip height minus left hip height, metres.
    pub hip_height_difference_m: f64,
    /// Set: shoulder girdle elevation [left, right] (breath included).
    pub shoulder_elevation_deg: [f64; 2],
    /// Elbow flexion [left, right] between the shoulder, elbow and wrist landmarks.
    pub elbow_flexion_deg: [f64; 2],
    /// Knee joint heights above the floor [left, right], metres.
    pub knee_height_m: [f64; 2],
    /// Gap from the bent foot's sole to the extended thigh's inner surface,
    /// metres (about 0 when the sole rests on it; negative when tucked under it).
    pub bent_foot_gap_m: Option<f64>,
    /// Where along the extended thigh the bent sole's centre lies (0 hip, 1 knee).
    pub bent_foot_along: Option<f64>,
    /// Set: sole inversion of the bent foot (sickling, degrees).
    pub bent_foot_inversion_deg: Option<f64>,
    /// Turn-out of the extended foot: heel-to-toe line away from straight up, in
    /// the plane across the leg, positive outwards.
    pub extended_foot_turn_out_deg: Option<f64>,
    /// Wrists' midpoint along the extended leg: 0 at the knee, 1 at the ankle.
    pub reach_along: Option<f64>,
    /// The same as a class.
    pub hand_reach: Option<HandReach>,
    /// Breath level, 0 breathed out to 1 breathed in.
    pub breath_level: f64,
    /// False while the breath is held.
    pub breathing: bool,
    /// Planted mistakes in effect (at half magnitude or more).
    pub mistakes: Vec<Mistake>,
}

/// Everything known about a generated sequence.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Truth {
    /// The scenario's name.
    pub scenario: String,
    /// Its seed.
    pub seed: u64,
    /// Frames per second.
    pub fps: f64,
    /// Seconds from the first frame to the end.
    pub duration_s: f64,
    /// The person's height, metres.
    pub height_m: f64,
    /// Neutral seated torso length (hip midpoint to shoulder midpoint), metres.
    pub torso_length_m: f64,
    /// The camera.
    pub camera: Camera,
    /// The segments.
    pub segments: Vec<SegmentTruth>,
    /// Janusirsasana phases, per side in time order.
    pub phases: Vec<PhaseTruth>,
    /// Holds of every segment.
    pub holds: Vec<HoldTruth>,
    /// Every complete breath.
    pub breaths: Vec<BreathTruth>,
    /// Breath-holding episodes.
    pub breath_holds: Vec<BreathHoldTruth>,
    /// Planted mistakes.
    pub mistakes: Vec<MistakeTruth>,
    /// One entry per frame.
    pub frames: Vec<FrameTruth>,
}

impl Truth {
    /// The holds of Janusirsasana with `extended_leg` extended.
    pub fn janu_holds(&self, extended_leg: Side) -> impl Iterator<Item = &HoldTruth> {
        self.holds.iter().filter(move |h| {
            h.pose == PoseName::Janusirsasana && h.extended_leg == Some(extended_leg)
        })
    }

    /// Whether `mistake` was planted anywhere.
    pub fn has_mistake(&self, mistake: Mistake) -> bool {
        self.mistakes.iter().any(|m| m.mistake == mistake)
    }
}
