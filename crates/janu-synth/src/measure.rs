//! Per-frame truth measured on the noiseless model.

use janu_body::{DVec3, Landmark, Side};

use crate::body::{Dims, Posture, Skeleton, idx, sign};
use crate::math::{UP, Unit, angle_deg, signed_angle_deg};
use crate::scenario::{Mistake, PoseName, Segment};
use crate::timeline::Span;
use crate::truth::{FrameTruth, HandReach};

/// Radius of the extended thigh where the bent sole rests (same value the pose
/// model uses to place the foot), fraction of height.
const THIGH_RADIUS: f64 = 0.04;
/// Reach classes along the extended leg (0 = knee, 1 = ankle): the hands are past
/// the knee from here ...
const REACH_SHIN_FROM: f64 = 0.25;
/// ... at the ankle from here ...
const REACH_ANKLE_FROM: f64 = 0.8;
/// ... on the foot from here ...
const REACH_FOOT_FROM: f64 = 1.12;
/// ... and beyond the foot past this many foot lengths beyond the ankle.
const REACH_BEYOND_TOE: f64 = 0.95;

/// Where a frame stands in the session, for its truth.
pub(crate) struct Context<'a> {
    /// The frame's time.
    pub t: f64,
    /// The timeline's span at `t`.
    pub span: Span,
    /// The scenario's segment of that span.
    pub seg: &'a Segment,
    /// Breath level at `t`, 0 breathed out to 1 breathed in.
    pub breath_level: f64,
    /// False while the breath is held.
    pub breathing: bool,
    /// Planted mistakes in effect at `t`.
    pub mistakes: Vec<Mistake>,
}

fn signed_knee(s: &Skeleton, p: &Posture, side: Side) -> f64 {
    let (h, k, a) = (s.get(side.hip()), s.get(side.knee()), s.get(side.ankle()));
    let flex = 180.0 - angle_deg(h - k, a - k);
    if p.legs[idx(side)].knee < 0.0 {
        -flex
    } else {
        flex
    }
}

fn point_segment(p: DVec3, a: DVec3, b: DVec3) -> (f64, f64) {
    let ab = b - a;
    let u = ((p - a).dot(ab) / ab.dot(ab)).clamp(-0.5, 1.5);
    let q = a + ab * u.clamp(0.0, 1.0);
    (p.distance(q), u)
}

/// Measure the truth of one frame.
pub(crate) fn frame_truth(
    d: &Dims,
    s: &Skeleton,
    p: &Posture,
    torso_ref: f64,
    c: Context<'_>,
) -> FrameTruth {
    let get = |l: Landmark| s.get(l);
    let hip_mid = get(Landmark::LeftHip).lerp(get(Landmark::RightHip), 0.5);
    let sh_mid = get(Landmark::LeftShoulder).lerp(get(Landmark::RightShoulder), 0.5);
    let trunk = sh_mid - hip_mid;
    let thigh = |side: Side| get(side.knee()) - get(side.hip());
    let knee_flexion_deg = [
        signed_knee(s, p, Side::Left),
        signed_knee(s, p, Side::Right),
    ];
    let ext = c.seg.pose.has_extended_leg().then_some(c.seg.side);
    let ref_thigh = match ext {
        Some(e) => thigh(e),
        None => thigh(Side::Left).unit() + thigh(Side::Right).unit(),
    };
    let pelvis_down = -s.pelvis.basis.u;
    let hip_flexion_deg = [
        angle_deg(thigh(Side::Left), pelvis_down),
        angle_deg(thigh(Side::Right), pelvis_down),
    ];
    let yaw_of = |l: DVec3, r: DVec3| signed_angle_deg(crate::math::RIGHT, r - l, UP);
    let h = d.h;

    let mut t = FrameTruth {
        t: c.t,
        segment: c.span.segment,
        in_pose: c.span.in_pose,
        pose: c.seg.pose,
        extended_leg: ext,
        phase: c.span.phase,
        dropped: false,
        knee_flexion_deg,
        extended_knee_flexion_deg: ext.map(|e| knee_flexion_deg[idx(e)]),
        bent_knee_flexion_deg: ext.map(|e| knee_flexion_deg[idx(e.other())]),
        thigh_angle_deg: angle_deg(thigh(Side::Left), thigh(Side::Right)),
        fold_angle_deg: angle_deg(trunk, ref_thigh),
        head_to_knee: ext.map(|e| get(Landmark::Nose).distance(get(e.knee())) / torso_ref),
        hip_flexion_deg,
        pelvis_tilt_deg: p.pelvis_tilt,
        lumbar_flexion_deg: p.lumbar_flex,
        thoracic_flexion_deg: p.thoracic_flex,
        neck_flexion_deg: p.neck_flex,
        head_nod_deg: p.head_nod,
        torso_length_ratio: trunk.norm() / torso_ref,
        pelvis_yaw_deg: yaw_of(get(Landmark::LeftHip), get(Landmark::RightHip)),
        shoulder_yaw_deg: yaw_of(get(Landmark::LeftShoulder), get(Landmark::RightShoulder)),
        hip_height_difference_m: get(Landmark::RightHip).y - get(Landmark::LeftHip).y,
        shoulder_elevation_deg: p.shoulder_elevation,
        elbow_flexion_deg: s.elbow_flexion,
        knee_height_m: [get(Landmark::LeftKnee).y, get(Landmark::RightKnee).y],
        bent_foot_gap_m: None,
        bent_foot_along: None,
        bent_foot_inversion_deg: None,
        extended_foot_turn_out_deg: None,
        reach_along: None,
        hand_reach: None,
        breath_level: c.breath_level,
        breathing: c.breathing,
        mistakes: c.mistakes,
    };
    if let Some(e) = ext {
        let b = e.other();
        let el = s.legs[idx(e)];
        let bl = s.legs[idx(b)];
        // The bent sole's centre: between heel and toe, on the sole's surface.
        let sole = bl.heel.lerp(bl.toe, 0.5) + bl.foot_n * (0.01 * h);
        let (dist, along) = point_segment(sole, el.hip, el.knee);
        t.bent_foot_gap_m = Some(dist - THIGH_RADIUS * h);
        t.bent_foot_along = Some(along);
        t.bent_foot_inversion_deg = Some(p.legs[idx(b)].inversion);
        let axis = (el.ankle - el.knee).unit();
        t.extended_foot_turn_out_deg =
            Some(signed_angle_deg(UP.reject(axis), el.foot_f.reject(axis), axis) * sign(e));
        if c.seg.pose == PoseName::Janusirsasana || c.seg.pose == PoseName::ParivrttaJanusirsasana {
            let wrists = get(Landmark::LeftWrist).lerp(get(Landmark::RightWrist), 0.5);
            let shank = el.ankle - el.knee;
            let along = (wrists - el.knee).dot(shank) / shank.dot(shank);
            let toe_along = (el.toe - el.knee).dot(shank) / shank.dot(shank);
            t.reach_along = Some(along);
            t.hand_reach = Some(if along < REACH_SHIN_FROM {
                HandReach::Knee
            } else if along < REACH_ANKLE_FROM {
                HandReach::Shin
            } else if along < REACH_FOOT_FROM {
                HandReach::Ankle
            } else if along < 1.0 + (toe_along - 1.0) * REACH_BEYOND_TOE {
                HandReach::Foot
            } else {
                HandReach::Beyond
            });
        }
    }
    t
}
