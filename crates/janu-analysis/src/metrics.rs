//! Per-frame form metrics of Janusirsasana, measured against the extended leg.
//!
//! Every metric is `None` ("not visible") when a landmark it needs is missing or
//! below [`crate::body::MIN_VISIBILITY`]; none is guessed. Lengths are fractions
//! of the upright torso length (shoulder midpoint to hip midpoint) so that they
//! mean the same in metres and in pixels. Measures that need depth (pelvis and
//! shoulder turn, foot roll) are left out on a flat image without depth.

use janu_body::geometry::{angle_between_deg, joint_angle_deg};
use janu_body::{Landmark, Side, Vec3};
use serde::{Deserialize, Serialize};

use crate::body::{Basis, Body, TORSO_PER_THIGH, UP, project_on_segment};

/// Along the straight leg's thigh (0 at the hip, 1 at the knee) beyond which the
/// bent foot no longer rests on the inner thigh but at the knee joint, where
/// pressure hurts (references: sole to the inner thigh).
pub const FOOT_AT_KNEE_FROM: f32 = 0.85;
/// Along the straight leg's thigh beyond which the bent foot is on the calf.
pub const FOOT_ON_CALF_FROM: f32 = 1.15;
/// Distance of the bent ankle from the straight leg (torso lengths) beyond which
/// the foot is not against it at all.
pub const FOOT_AWAY_FROM: f32 = 0.6;
/// A hand further than this (torso lengths) from the straight leg's line is not
/// reaching along it (it rests on the floor beside it, or is lifted).
pub const HAND_OFF_LEG: f32 = 0.5;
/// Half-width of the "ankle" band around the ankle, as a fraction of shin length.
pub const ANKLE_BAND: f32 = 0.12;
/// Foot length (heel to toe tip) per shin length when the toe landmark is not
/// seen; anthropometric tables give about 0.6 of the shin.
pub const FOOT_PER_SHIN: f32 = 0.6;
/// A leg within this angle of vertical has no "up" side to tell a bent knee from
/// a hyperextended one; its flexion is then reported unsigned.
pub const SIGN_NEEDS_TILT_DEG: f32 = 30.0;

/// Where the bent leg's foot rests.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum FootPlacement {
    /// Against the inner thigh of the straight leg, as taught.
    InnerThigh,
    /// At the straight leg's knee joint.
    AtKnee,
    /// Against the straight leg's calf or shin.
    Calf,
    /// Not against the straight leg.
    Away,
}

impl FootPlacement {
    /// The snake_case name used in JSON and CSV.
    pub const fn as_str(self) -> &'static str {
        match self {
            Self::InnerThigh => "inner_thigh",
            Self::AtKnee => "at_knee",
            Self::Calf => "calf",
            Self::Away => "away",
        }
    }

    /// Where the bent foot rests, in words for people ("the bent foot rests
    /// {words}").
    pub const fn words(self) -> &'static str {
        match self {
            Self::InnerThigh => "against the inner thigh of the straight leg",
            Self::AtKnee => "at the straight leg's knee",
            Self::Calf => "against the straight leg's calf",
            Self::Away => "away from the straight leg",
        }
    }
}

/// How far along the straight leg the hands reach.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum HandReach {
    /// Not along the leg (on the floor beside it, or lifted).
    NotOnLeg,
    /// On the thigh, short of the knee.
    Thigh,
    /// Knee to above the ankle.
    Shin,
    /// At the ankle.
    Ankle,
    /// On the foot.
    Foot,
    /// Past the toes (a bind around the foot).
    Beyond,
}

impl HandReach {
    /// The snake_case name used in JSON and CSV.
    pub const fn as_str(self) -> &'static str {
        match self {
            Self::NotOnLeg => "not_on_leg",
            Self::Thigh => "thigh",
            Self::Shin => "shin",
            Self::Ankle => "ankle",
            Self::Foot => "foot",
            Self::Beyond => "beyond",
        }
    }

    /// Where the hands are, in words for people ("the hands are {words}").
    pub const fn words(self) -> &'static str {
        match self {
            Self::NotOnLeg => "not on the straight leg",
            Self::Thigh => "on the thigh",
            Self::Shin => "on the shin",
            Self::Ankle => "at the ankle",
            Self::Foot => "on the foot",
            Self::Beyond => "past the foot",
        }
    }
}

/// Form metrics of one frame. `None` means "not visible" (or, for the turn and
/// roll measures, not measurable without depth).
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct FrameMetrics {
    /// The leg measured as the extended one.
    pub extended_leg: Option<Side>,
    /// Extended-knee flexion, degrees: 0 straight, positive bent, negative
    /// hyperextended (the knee sinks below the hip-ankle line).
    pub extended_knee_flexion_deg: Option<f32>,
    /// Bent-knee flexion, degrees (0 straight, about 150 fully folded).
    pub bent_knee_flexion_deg: Option<f32>,
    /// Angle between the thighs, degrees (how far the bent knee opens).
    pub thigh_angle_deg: Option<f32>,
    /// Where the bent foot rests.
    pub bent_foot: Option<FootPlacement>,
    /// Position of the bent ankle along the straight leg: 0 at the hip, 1 at the
    /// knee, more on the calf.
    pub bent_foot_along: Option<f32>,
    /// Trunk-to-thigh angle of the extended leg, degrees: about 90 sitting
    /// upright, smaller as the trunk folds.
    pub fold_angle_deg: Option<f32>,
    /// Head centre to extended knee, fraction of the upright torso length.
    pub head_to_knee: Option<f32>,
    /// Spine rounding: how much shorter the torso chord is than upright (0.1 =
    /// 10 % shorter).
    pub torso_shortening: Option<f32>,
    /// Spine rounding at the neck: extra neck flexion against upright, degrees
    /// (positive = head dropped).
    pub head_drop_deg: Option<f32>,
    /// Pelvis turn from square to the extended leg, degrees; positive when the
    /// bent-leg hip comes forward, negative when it draws back.
    pub pelvis_turn_deg: Option<f32>,
    /// Shoulder-line turn from square to the extended leg, degrees (same sign).
    pub shoulder_turn_deg: Option<f32>,
    /// Shoulders lifted towards the ears: fraction of the upright ear-to-shoulder
    /// gap that is lost (0 relaxed, 0.3 = a third shorter).
    pub shoulder_elevation: Option<f32>,
    /// How far the hands reach along the extended leg.
    pub hand_reach: Option<HandReach>,
    /// Furthest hand position along the extended leg, in leg lengths (hip to
    /// ankle = 1).
    pub hand_reach_along: Option<f32>,
    /// Extended foot roll from toes-up, degrees; positive = rolling outwards.
    pub extended_foot_roll_deg: Option<f32>,
}

/// The upright references that rounding and shoulder lift are measured against.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Baseline {
    /// Upright torso length (basis units).
    pub torso_length: f32,
    /// Upright neck flexion (180 minus the hip-shoulder-head angle), degrees.
    pub neck_flexion_deg: Option<f32>,
    /// Upright ear-to-shoulder distance (basis units).
    pub ear_shoulder: Option<f32>,
    /// True when measured on upright frames, false when estimated from the
    /// thigh length of the frame itself.
    pub measured: bool,
}

/// Typical upright neck flexion, degrees (180 - hip/shoulder/head angle): the
/// MediaPipe world landmarks of 55 upright real photos give 165 +- 6 degrees.
pub const TYPICAL_NECK_FLEXION_DEG: f32 = 15.0;
/// Typical upright ear-to-shoulder distance per torso length: 0.43 +- 0.06 on the
/// same photos.
pub const TYPICAL_EAR_SHOULDER: f32 = 0.43;

/// Neck flexion of a body, degrees: 180 minus the hip-shoulder-head angle.
pub fn neck_flexion_deg(body: &Body) -> Option<f32> {
    joint_angle_deg(body.hip_mid()?, body.shoulder_mid()?, body.head()?).map(|a| 180.0 - a)
}

/// Mean ear-to-shoulder distance over the sides where both are seen.
pub fn ear_shoulder(body: &Body) -> Option<f32> {
    let d: Vec<f32> = Side::BOTH
        .iter()
        .filter_map(|s| Some(body.point(s.ear())?.distance(body.point(s.shoulder())?)))
        .collect();
    (!d.is_empty()).then(|| d.iter().sum::<f32>() / d.len() as f32)
}

impl Baseline {
    /// A baseline estimated from one frame alone (a photo, or no upright frame):
    /// torso from the thigh, neck and shoulders from typical values.
    pub fn estimate(body: &Body, extended: Option<Side>) -> Option<Self> {
        let thigh = extended.and_then(|s| body.thigh_length(s)).or_else(|| {
            Side::BOTH
                .iter()
                .filter_map(|s| body.thigh_length(*s))
                .reduce(f32::max)
        });
        let torso = thigh
            .map(|t| t * TORSO_PER_THIGH)
            .or_else(|| body.torso_length())?;
        Some(Self {
            torso_length: torso,
            neck_flexion_deg: Some(TYPICAL_NECK_FLEXION_DEG),
            ear_shoulder: Some(TYPICAL_EAR_SHOULDER * torso),
            measured: false,
        })
    }
}

/// The trunk-to-thigh angle of the `extended` leg.
pub fn fold_angle(body: &Body, extended: Side) -> Option<f32> {
    let trunk = body.shoulder_mid()? - body.hip_mid()?;
    let thigh = body.point(extended.knee())? - body.point(extended.hip())?;
    angle_between_deg(trunk, thigh)
}

/// Per-attempt corrections measured on the attempt's own frames.
#[derive(Debug, Clone, Copy, PartialEq, Default)]
pub struct Calibration {
    /// Signed extended-knee flexion measured to the heel minus that measured to
    /// the ankle, degrees, on frames where both were seen. With it the knee is still
    /// measured when hands cover the ankle in the fold (the heel sits below the
    /// shin's line, so the heel angle reads a few degrees more bent).
    pub heel_knee_offset_deg: Option<f32>,
}

impl Calibration {
    /// Measure the calibration over a set of bodies with `extended` as the
    /// straight leg.
    pub fn over<'a>(bodies: impl IntoIterator<Item = &'a Body>, extended: Side) -> Self {
        Self {
            heel_knee_offset_deg: crate::series::median(
                bodies
                    .into_iter()
                    .map(|b| Self::heel_knee_offset(b, extended)),
            ),
        }
    }

    /// One body's sample of [`Calibration::heel_knee_offset_deg`]: the
    /// extended knee's signed flexion to the heel minus that to the ankle,
    /// when both are seen.
    pub fn heel_knee_offset(body: &Body, extended: Side) -> Option<f32> {
        let (h, k) = (body.point(extended.hip())?, body.point(extended.knee())?);
        let to_heel = signed_flexion_to(h, k, body.point(extended.heel())?)?;
        Some(to_heel - signed_flexion_to(h, k, body.point(extended.ankle())?)?)
    }
}

/// Measure one body with `extended` as the straight leg.
pub fn measure(
    body: &Body,
    extended: Side,
    baseline: Option<&Baseline>,
    calib: &Calibration,
) -> FrameMetrics {
    let bent = extended.other();
    let depth = body.basis != Basis::ImageFlat;
    let torso = baseline.map(|b| b.torso_length).or_else(|| body.scale());
    let p = |lm: Landmark| body.point(lm);
    let (e_hip, e_knee) = (p(extended.hip()), p(extended.knee()));
    let e_ankle = body.distal(extended).map(|(_, p)| p);
    let leg_dir = match (e_hip, e_ankle) {
        (Some(h), Some(a)) => (a - h).normalized(),
        _ => None,
    };

    let mut m = FrameMetrics {
        extended_leg: Some(extended),
        ..FrameMetrics::default()
    };
    if body.leg_visible(extended) {
        m.extended_knee_flexion_deg = signed_knee_flexion(body, extended, calib);
    }
    if body.leg_visible(bent) {
        m.bent_knee_flexion_deg = body.knee_angle(bent).map(|a| 180.0 - a);
    }
    if body.thigh_visible(bent)
        && let (Some(eh), Some(ek), Some(bh), Some(bk)) =
            (e_hip, e_knee, p(bent.hip()), p(bent.knee()))
    {
        m.thigh_angle_deg = angle_between_deg(ek - eh, bk - bh);
    }
    if let (Some(foot), Some(eh), Some(ek), Some(ea), Some(t)) = (
        body.distal(bent).map(|(_, p)| p),
        e_hip,
        e_knee,
        e_ankle,
        torso,
    ) && body.leg_visible(bent)
        && body.leg_visible(extended)
    {
        let thigh = eh.distance(ek);
        let (along_thigh, d1) = project_on_segment(foot, eh, ek).unwrap_or((0.0, f32::MAX));
        let (_, d2) = project_on_segment(foot, ek, ea).unwrap_or((0.0, f32::MAX));
        let along = if along_thigh <= 1.0 {
            along_thigh
        } else {
            1.0 + (foot - ek).dot((ea - ek).normalized().unwrap_or(Vec3::ZERO))
                / thigh.max(f32::EPSILON)
        };
        let dist = d1.min(d2) / t;
        m.bent_foot_along = Some(along);
        m.bent_foot = Some(if dist > FOOT_AWAY_FROM {
            FootPlacement::Away
        } else if along < FOOT_AT_KNEE_FROM {
            FootPlacement::InnerThigh
        } else if along < FOOT_ON_CALF_FROM {
            FootPlacement::AtKnee
        } else {
            FootPlacement::Calf
        });
    }
    m.fold_angle_deg = fold_angle(body, extended);
    if let (Some(head), Some(knee), Some(t)) = (body.head(), e_knee, torso) {
        m.head_to_knee = Some(head.distance(knee) / t);
    }
    if let Some(b) = baseline {
        if let Some(len) = body.torso_length() {
            m.torso_shortening = Some(1.0 - len / b.torso_length);
        }
        if let (Some(now), Some(up)) = (neck_flexion_deg(body), b.neck_flexion_deg) {
            m.head_drop_deg = Some(now - up);
        }
        if let (Some(now), Some(up)) = (ear_shoulder(body), b.ear_shoulder)
            && up > f32::EPSILON
        {
            m.shoulder_elevation = Some(1.0 - now / up);
        }
    }
    if depth && let Some(d) = leg_dir {
        m.pelvis_turn_deg = line_turn(p(bent.hip()), e_hip, d);
        m.shoulder_turn_deg = line_turn(p(bent.shoulder()), p(extended.shoulder()), d);
        m.extended_foot_roll_deg = foot_roll(body, extended, d);
    }
    if let (Some(eh), Some(ek), Some(ea), Some(t)) = (e_hip, e_knee, e_ankle, torso)
        && body.leg_visible(extended)
    {
        reach(body, extended, (eh, ek, ea), t, &mut m);
    }
    m
}

/// Turn of the line from `back` (bent side) to `front` (extended side) away from
/// square to the leg direction `d`, degrees; positive when the bent side comes
/// forward along the leg.
fn line_turn(bent_side: Option<Vec3>, ext_side: Option<Vec3>, d: Vec3) -> Option<f32> {
    let line = (ext_side? - bent_side?).normalized()?;
    Some((-line.dot(d)).clamp(-1.0, 1.0).asin().to_degrees())
}

/// Signed flexion of a straight-ish leg: positive when the knee rises off the
/// hip-ankle line, negative when it sinks below it (hyperextension). Measured to
/// the ankle, or to the heel corrected by the attempt's calibration.
fn signed_knee_flexion(body: &Body, side: Side, calib: &Calibration) -> Option<f32> {
    let (h, k) = (body.point(side.hip())?, body.point(side.knee())?);
    let flexion = match body.point(side.ankle()) {
        Some(a) => signed_flexion_to(h, k, a)?,
        None => signed_flexion_to(h, k, body.point(side.heel())?)? - calib.heel_knee_offset_deg?,
    };
    // Past this the landmarks are wrong, not the knee: not measurable.
    (flexion >= -MAX_HYPEREXTENSION_DEG).then_some(flexion)
}

/// The most a knee can be pressed past straight, degrees. Marked
/// hyperextension (genu recurvatum) is 10-20 degrees; real photos of straight
/// legs (the shared Paschimottanasana and Dandasana photos) measure down to
/// -86 degrees from BlazePose's world landmarks when the depth is misjudged.
pub const MAX_HYPEREXTENSION_DEG: f32 = 20.0;

/// Signed flexion at knee `k` between hip `h` and a shin point `a`.
pub fn signed_flexion_to(h: Vec3, k: Vec3, a: Vec3) -> Option<f32> {
    let flex = 180.0 - joint_angle_deg(h, k, a)?;
    let axis = (a - h).normalized()?;
    let up = UP.reject(axis);
    let tilt_from_vertical = angle_between_deg(axis, UP)?.min(angle_between_deg(axis, -UP)?);
    if tilt_from_vertical < SIGN_NEEDS_TILT_DEG || up.norm() < 1e-3 {
        return Some(flex);
    }
    let (t, _) = project_on_segment(k, h, a)?;
    let on_line = h + (a - h) * t;
    let offset = (k - on_line).dot(up.normalized()?);
    Some(if offset < 0.0 { -flex } else { flex })
}

/// Extended foot roll: angle of the heel-to-toe direction away from "up" around
/// the leg axis, positive towards the outside (away from the other hip).
fn foot_roll(body: &Body, side: Side, axis: Vec3) -> Option<f32> {
    let toe = body.point(side.foot_index())?;
    let back = body
        .point(side.heel())
        .or_else(|| body.point(side.ankle()))?;
    let foot = (toe - back).reject(axis);
    let up = UP.reject(axis).normalized()?;
    let outward = (body.point(side.hip())? - body.point(side.other().hip())?)
        .reject(axis)
        .reject(up)
        .normalized()?;
    if foot.norm() < 1e-6 {
        return None;
    }
    Some(foot.dot(outward).atan2(foot.dot(up)).to_degrees())
}

fn reach(
    body: &Body,
    ext: Side,
    (hip, knee, ankle): (Vec3, Vec3, Vec3),
    torso: f32,
    m: &mut FrameMetrics,
) {
    let leg = ankle - hip;
    let len = leg.norm();
    if len <= f32::EPSILON {
        return;
    }
    let dir = leg / len;
    let shin = knee.distance(ankle);
    let a_knee = (knee - hip).dot(dir);
    let toe_along = body
        .point(ext.foot_index())
        .map(|t| (t - hip).dot(dir))
        .filter(|t| *t > len)
        .unwrap_or(len + FOOT_PER_SHIN * shin * 0.5);
    let mut best: Option<(f32, HandReach)> = None;
    let mut any_hand = false;
    for s in Side::BOTH {
        for lm in [s.wrist(), hand_tip(s)] {
            let Some(h) = body.point(lm) else { continue };
            any_hand = true;
            let along = (h - hip).dot(dir);
            let off = (h - hip).reject(dir).norm() / torso;
            if off > HAND_OFF_LEG {
                continue;
            }
            let band = ANKLE_BAND * shin;
            let class = if along < a_knee {
                HandReach::Thigh
            } else if along < len - band {
                HandReach::Shin
            } else if along <= len + band {
                HandReach::Ankle
            } else if along <= toe_along + band {
                HandReach::Foot
            } else {
                HandReach::Beyond
            };
            if best.is_none_or(|(b, _)| along > b) {
                best = Some((along, class));
            }
        }
    }
    match best {
        Some((along, class)) => {
            m.hand_reach = Some(class);
            m.hand_reach_along = Some(along / len);
        }
        None if any_hand => m.hand_reach = Some(HandReach::NotOnLeg),
        None => {}
    }
}

/// The index-finger landmark of a side (the furthest point of the hand).
const fn hand_tip(side: Side) -> Landmark {
    match side {
        Side::Left => Landmark::LeftIndex,
        Side::Right => Landmark::RightIndex,
    }
}
