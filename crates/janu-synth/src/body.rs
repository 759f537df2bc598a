//! The body model: segment proportions, a blendable set of joint angles
//! ([`Posture`]), forward kinematics to the 33 BlazePose landmarks, and the small
//! inverse-kinematics solves that put feet and hands where a pose wants them.
//!
//! Everything here is in the *mat frame*: metres, origin on the floor under the
//! midpoint of the sitting bones, x forward (the way the person faces, along an
//! extended leg), y up, z to the person's right. The person never moves their
//! sitting bones during a session, so a fixed camera sees both sides the same way.

use janu_body::{DVec3, Landmark, Side};
use serde::{Deserialize, Serialize};

use crate::math::{Basis, FORWARD, RIGHT, UP, Unit, angle_deg, lerp, signed_angle_deg};

// ---------------------------------------------------------------------------
// Proportions. Segment lengths are fractions of standing height H from Drillis
// and Contini (1966), as tabulated in D. A. Winter, "Biomechanics and Motor Control
// of Human Movement" (4th ed., 2009), Fig. 4.1, unless a comment says otherwise.
// ---------------------------------------------------------------------------

/// Hip joint centre to knee joint centre (Drillis-Contini: 0.530 H - 0.285 H).
const THIGH: f64 = 0.245;
/// Knee joint centre to ankle (Drillis-Contini: 0.285 H - 0.039 H).
const SHANK: f64 = 0.246;
/// Shoulder joint centre to elbow (Drillis-Contini).
const UPPER_ARM: f64 = 0.186;
/// Elbow to wrist (Drillis-Contini).
const FOREARM: f64 = 0.146;
/// Wrist to the finger tips (Drillis-Contini); the knuckle landmarks sit inside it.
const HAND: f64 = 0.108;
/// Ankle centre above the sole (Drillis-Contini: ankle height 0.039 H).
const ANKLE_HEIGHT: f64 = 0.039;
/// Heel to toe tip (Drillis-Contini: foot length 0.152 H); the ankle sits about a
/// fifth of the way from the heel, so the toe tip is 0.122 H ahead of it.
const TOE_AHEAD_OF_ANKLE: f64 = 0.122;
/// Back of the heel behind the ankle centre: the rest of the 0.152 H foot length.
const HEEL_BEHIND_ANKLE: f64 = 0.030;
/// Distance between the hip joint centres. Bell et al. (1990) and Harrington et al.
/// (2007) put each hip joint centre about 0.36 of the inter-ASIS width from the
/// midline; inter-ASIS width is about 0.14 H, so the joint centres are ~0.10 H apart.
const HIP_WIDTH: f64 = 0.10;
/// Distance between the shoulder joint centres: biacromial breadth (~0.23 H in
/// adult anthropometric surveys) less the ~0.015 H from each acromion to the joint.
const SHOULDER_WIDTH: f64 = 0.20;
/// Hip joint centres to the lumbosacral joint (L5/S1), upwards in the pelvis frame:
/// the sacral promontory lies roughly 10 cm above the hip joint centres.
const S1_ABOVE_HIPS: f64 = 0.06;
/// L5/S1 lies behind the line through the hip joint centres.
const S1_BEHIND_HIPS: f64 = 0.02;
/// Lumbar spine, L5/S1 to T12/L1 (chord of five vertebrae with their discs).
const LUMBAR_LENGTH: f64 = 0.11;
/// Thoracic spine, T12/L1 to C7/T1. With the pelvis and lumbar parts it puts the
/// shoulder joints 0.288 H above the hips, as the Drillis-Contini heights do
/// (0.818 H - 0.530 H).
const THORACIC_LENGTH: f64 = 0.145;
/// C7/T1 to the midpoint between the ears (Drillis-Contini: ear near 0.92 H,
/// C7 near 0.845 H standing).
const NECK_LENGTH: f64 = 0.075;
/// Shoulder joint centres below C7/T1.
const SHOULDER_BELOW_C7: f64 = 0.027;
/// Shoulder joint centres in front of the thoracic spine line.
const SHOULDER_AHEAD_OF_C7: f64 = 0.015;
/// Sternoclavicular joints: in front of and below C7, either side of the sternum.
const SC_AHEAD: f64 = 0.045;
const SC_BELOW: f64 = 0.030;
const SC_LATERAL: f64 = 0.012;
/// Sitting bones (ischial tuberosities) below the hip joint centres in the pelvis
/// frame; with the soft tissue below they set the seated hip height (~0.1 m).
const ISCHIA_BELOW_HIPS: f64 = 0.05;
/// Sitting bones slightly behind the hip joint centres.
const ISCHIA_BEHIND_HIPS: f64 = 0.005;
/// Half the distance between the two sitting bones (about 12 cm apart).
const ISCHIA_HALF_SPAN: f64 = 0.035;
/// Compressed buttock tissue under the sitting bones.
const SEAT_TISSUE: f64 = 0.008;
/// Height of the knee joint centre when the back of the knee rests on the floor.
pub(crate) const KNEE_REST_HEIGHT: f64 = 0.03;
/// Lowest point of the heel above the floor when it rests there (skin only).
const HEEL_REST_HEIGHT: f64 = 0.004;
/// Wrist height above the floor with the palm flat on it.
const WRIST_ON_FLOOR: f64 = 0.02;

/// Face points in the head frame, metres for a 1.70 m adult (scaled with height):
/// (forward, up, right) from the midpoint between the ears. From typical adult
/// craniofacial measurements (Farkas 1994: bitragion breadth ~0.145 m, outer canthal
/// width ~0.09 m, inner canthal ~0.032 m, mouth width ~0.05 m).
const FACE_REFERENCE_HEIGHT: f64 = 1.70;
const NOSE: (f64, f64, f64) = (0.100, -0.025, 0.0);
const EYE_INNER: (f64, f64, f64) = (0.085, 0.012, 0.016);
const EYE: (f64, f64, f64) = (0.080, 0.013, 0.032);
const EYE_OUTER: (f64, f64, f64) = (0.070, 0.012, 0.046);
const EAR: (f64, f64, f64) = (0.0, 0.0, 0.072);
const MOUTH: (f64, f64, f64) = (0.085, -0.055, 0.024);

/// Neutral curvature, degrees, spread evenly over the segments of each region.
/// The sacrum's top tips forward of the pelvis's vertical axis ...
const SACRAL_BASE_FORWARD: f64 = 10.0;
/// ... seated lumbar lordosis (smaller than standing lordosis, which is 40-60 deg) ...
const LUMBAR_NEUTRAL: f64 = -20.0;
/// ... thoracic kyphosis (20-45 deg in healthy adults) ...
const THORACIC_NEUTRAL: f64 = 30.0;
/// ... and the cervical lordosis that brings the head back upright.
const NECK_NEUTRAL: f64 = -20.0;
/// Vertebral segments the lumbar curve is spread over (L1-L5).
const LUMBAR_SEGMENTS: usize = 5;
/// Vertebral segments of the thoracic curve (T1-T12).
const THORACIC_SEGMENTS: usize = 12;
/// Cervical steps (a coarse chain is enough for the head's position).
const NECK_SEGMENTS: usize = 2;
/// Share of side bending done by the lumbar spine (the rest is thoracic).
const LUMBAR_SHARE_OF_SIDE_BEND: f64 = 0.4;
/// Share of axial twist done by the lumbar spine: its facet joints allow little
/// rotation (a few degrees per level), the thoracic spine most of it.
const LUMBAR_SHARE_OF_TWIST: f64 = 0.15;
/// Share of a head turn done in the neck before the head itself.
const NECK_SHARE_OF_HEAD_TURN: f64 = 0.6;
/// Fraction of full arm length a relaxed reach uses: the elbow stays soft
/// (about 20 deg of flexion) instead of locking.
pub(crate) const SOFT_REACH: f64 = 0.985;

/// The person: standing height sets every segment length.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct Body {
    /// Standing height in metres. Default 1.70 m: close to the mean adult height
    /// across sexes in Europe and North America.
    pub height_m: f64,
}

impl Default for Body {
    fn default() -> Self {
        Self { height_m: 1.70 }
    }
}

/// Segment lengths in metres for one body.
#[derive(Debug, Clone, Copy, PartialEq)]
pub(crate) struct Dims {
    pub h: f64,
    pub thigh: f64,
    pub shank: f64,
    pub upper_arm: f64,
    pub forearm: f64,
}

impl Dims {
    pub fn new(body: Body) -> Self {
        let h = body.height_m;
        Self {
            h,
            thigh: THIGH * h,
            shank: SHANK * h,
            upper_arm: UPPER_ARM * h,
            forearm: FOREARM * h,
        }
    }

    /// The arm from shoulder joint to wrist.
    pub fn arm(&self) -> f64 {
        self.upper_arm + self.forearm
    }
}

/// +1 for the person's right, -1 for the left: the sign of the mat's z.
pub(crate) fn sign(s: Side) -> f64 {
    match s {
        Side::Left => -1.0,
        Side::Right => 1.0,
    }
}

/// Array index of a side (left 0, right 1).
pub(crate) fn idx(s: Side) -> usize {
    match s {
        Side::Left => 0,
        Side::Right => 1,
    }
}

/// The joint angles of one leg, referred to the floor (the mat frame) because in
/// seated poses the legs rest on the floor while the pelvis tilts above them.
#[derive(Debug, Clone, Copy, PartialEq)]
pub(crate) struct LegAngles {
    /// Thigh direction in the floor plane, degrees from forward, positive away from
    /// the midline (abduction as seen from above).
    pub azimuth: f64,
    /// Thigh elevation above the floor plane, degrees.
    pub elevation: f64,
    /// Hip rotation about the thigh, degrees; positive is external rotation (a
    /// straight leg's toes turn out; a bent leg's foot swings towards the midline).
    pub rotation: f64,
    /// Knee flexion, degrees; 0 is straight, negative is hyperextension.
    pub knee: f64,
    /// Ankle dorsiflexion, degrees (toes towards the shin); negative is plantarflexion.
    pub dorsiflexion: f64,
    /// Foot inversion, degrees (sole turns towards the midline; "sickling");
    /// negative is eversion.
    pub inversion: f64,
    /// Whether the leg is bent (drawn in) rather than extended; used to route
    /// transitions between the two through a knee-up position.
    pub bent: bool,
}

impl LegAngles {
    fn blend(&self, o: &Self, w: f64) -> Self {
        Self {
            azimuth: lerp(self.azimuth, o.azimuth, w),
            elevation: lerp(self.elevation, o.elevation, w),
            rotation: lerp(self.rotation, o.rotation, w),
            knee: lerp(self.knee, o.knee, w),
            dorsiflexion: lerp(self.dorsiflexion, o.dorsiflexion, w),
            inversion: lerp(self.inversion, o.inversion, w),
            bent: if w < 0.5 { self.bent } else { o.bent },
        }
    }
}

/// How far along an extended leg the hands reach.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Reach {
    /// Hands either side of the middle of the shin.
    Shin,
    /// Hands either side of the ankle.
    Ankle,
    /// Hands hold the sides of the foot.
    Foot,
    /// Wrists clasped beyond the sole (the bind of the advanced variation).
    Bind,
}

/// Where one hand goes. Targets are computed from the current body, so a hand on
/// the foot stays on the foot while the leg moves.
#[derive(Debug, Clone, Copy, PartialEq)]
pub(crate) enum HandPlace {
    /// Palm on the floor beside the same-side hip (Dandasana, sitting up).
    FloorBesideHip,
    /// Palm on top of this leg's knee.
    OnKnee(Side),
    /// Along this (extended) leg, as far as `Reach` says.
    Reach(Side, Reach),
    /// Palm on the floor this far ahead of the hips, beside the midline.
    FloorAhead(f64),
    /// Holding this leg's foot at the toes.
    HoldFoot(Side),
    /// Palm on the floor behind the pelvis (the support hand of a twist).
    FloorBehind,
    /// Hooked round the outside of this leg's knee.
    OutsideKnee(Side),
}

/// A hand moving from one place to another (`w` = 0 at `from`, 1 at `to`).
#[derive(Debug, Clone, Copy, PartialEq)]
pub(crate) struct HandBlend {
    pub from: HandPlace,
    pub to: HandPlace,
    pub w: f64,
}

impl HandBlend {
    pub fn at(place: HandPlace) -> Self {
        Self {
            from: place,
            to: place,
            w: 0.0,
        }
    }
}

/// Every joint angle of the model at one instant; blendable so that movements are
/// interpolations between key postures. Angles in degrees.
#[derive(Debug, Clone, Copy, PartialEq)]
pub(crate) struct Posture {
    /// Anterior pelvic tilt from upright sitting on the sitting bones; negative is
    /// posterior tilt (slumping back).
    pub pelvis_tilt: f64,
    /// Pelvis turned about the vertical, positive towards the person's left.
    pub pelvis_yaw: f64,
    /// Pelvic obliquity, positive when the right hip is higher.
    pub pelvis_obliquity: f64,
    /// Lumbar flexion added to the neutral seated lordosis (positive rounds).
    pub lumbar_flex: f64,
    /// Thoracic flexion added to the neutral kyphosis (positive rounds).
    pub thoracic_flex: f64,
    /// Side bend of the trunk, positive towards the right.
    pub side_bend: f64,
    /// Axial twist of the trunk, positive turns the chest to the left.
    pub twist: f64,
    /// Neck flexion added to the neutral cervical curve.
    pub neck_flex: f64,
    /// Head nod at the skull base, positive chin down.
    pub head_nod: f64,
    /// Head turn, positive to the left.
    pub head_turn: f64,
    /// Shoulder girdle elevation (clavicle), per side [left, right].
    pub shoulder_elevation: [f64; 2],
    /// Shoulder girdle protraction (clavicle swings forward), per side.
    pub shoulder_protraction: [f64; 2],
    /// 0 = relaxed arm (soft elbow), 1 = elbow locked straight.
    pub elbow_lock: [f64; 2],
    /// Legs [left, right].
    pub legs: [LegAngles; 2],
    /// Hands [left, right].
    pub hands: [HandBlend; 2],
}

impl Posture {
    /// The posture `w` of the way from `self` to `o`.
    pub fn blend(&self, o: &Self, w: f64) -> Self {
        let l2 = |a: [f64; 2], b: [f64; 2]| [lerp(a[0], b[0], w), lerp(a[1], b[1], w)];
        let hand = |a: HandBlend, b: HandBlend| {
            // Key postures hold hands at rest (from == to); blend from where `a` is.
            let from = if a.w < 0.5 { a.from } else { a.to };
            let to = if b.w < 0.5 { b.from } else { b.to };
            HandBlend { from, to, w }
        };
        Self {
            pelvis_tilt: lerp(self.pelvis_tilt, o.pelvis_tilt, w),
            pelvis_yaw: lerp(self.pelvis_yaw, o.pelvis_yaw, w),
            pelvis_obliquity: lerp(self.pelvis_obliquity, o.pelvis_obliquity, w),
            lumbar_flex: lerp(self.lumbar_flex, o.lumbar_flex, w),
            thoracic_flex: lerp(self.thoracic_flex, o.thoracic_flex, w),
            side_bend: lerp(self.side_bend, o.side_bend, w),
            twist: lerp(self.twist, o.twist, w),
            neck_flex: lerp(self.neck_flex, o.neck_flex, w),
            head_nod: lerp(self.head_nod, o.head_nod, w),
            head_turn: lerp(self.head_turn, o.head_turn, w),
            shoulder_elevation: l2(self.shoulder_elevation, o.shoulder_elevation),
            shoulder_protraction: l2(self.shoulder_protraction, o.shoulder_protraction),
            elbow_lock: l2(self.elbow_lock, o.elbow_lock),
            legs: [
                self.legs[0].blend(&o.legs[0], w),
                self.legs[1].blend(&o.legs[1], w),
            ],
            hands: [
                hand(self.hands[0], o.hands[0]),
                hand(self.hands[1], o.hands[1]),
            ],
        }
    }
}

/// The pelvis placed on the floor: hip midpoint, its axes and both hip joints.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Pelvis {
    pub mid: DVec3,
    pub basis: Basis,
    pub hips: [DVec3; 2],
}

/// Place the pelvis so that it rests on its lower sitting bone above the mat origin.
pub(crate) fn pelvis(d: &Dims, p: &Posture) -> Pelvis {
    let basis = Basis::MAT
        .twisted(p.pelvis_yaw)
        .side_bent(-p.pelvis_obliquity)
        .flexed(p.pelvis_tilt);
    let h = d.h;
    let ischium = |s: f64| {
        basis.at(
            DVec3::ZERO,
            -ISCHIA_BEHIND_HIPS * h,
            -ISCHIA_BELOW_HIPS * h,
            s * ISCHIA_HALF_SPAN * h,
        )
    };
    let (il, ir) = (ischium(-1.0), ischium(1.0));
    let mid_ischia = il.lerp(ir, 0.5);
    let lowest = il.y.min(ir.y);
    let mid = DVec3::new(-mid_ischia.x, SEAT_TISSUE * h - lowest, -mid_ischia.z);
    let hip = |s: f64| basis.at(mid, 0.0, 0.0, s * HIP_WIDTH * h / 2.0);
    Pelvis {
        mid,
        basis,
        hips: [hip(-1.0), hip(1.0)],
    }
}

/// Direction of a thigh with these floor-referred angles.
fn thigh_dir(side: Side, a: &LegAngles) -> DVec3 {
    let out = RIGHT * sign(side);
    let (se, ce) = a.elevation.to_radians().sin_cos();
    let (sa, ca) = a.azimuth.to_radians().sin_cos();
    (FORWARD * ca + out * sa) * ce + UP * se
}

/// A leg's joints and foot axes.
#[derive(Debug, Clone, Copy)]
pub(crate) struct LegPoints {
    pub hip: DVec3,
    pub knee: DVec3,
    pub ankle: DVec3,
    pub heel: DVec3,
    pub toe: DVec3,
    /// Foot long axis (heel to toe).
    pub foot_f: DVec3,
    /// Sole normal, pointing out of the sole.
    pub foot_n: DVec3,
}

/// Forward kinematics of one leg from its hip.
pub(crate) fn leg_fk(d: &Dims, side: Side, hip: DVec3, a: &LegAngles) -> LegPoints {
    let s = sign(side);
    let dt = thigh_dir(side, a);
    let b0 = (-UP).reject(dt).unit();
    let b = crate::math::rotate(b0, dt, s * a.rotation);
    let (sk, ck) = a.knee.to_radians().sin_cos();
    let ds = dt * ck + b * sk;
    let anterior = dt * sk - b * ck;
    let (sd, cd) = a.dorsiflexion.to_radians().sin_cos();
    let f0 = anterior * cd - ds * sd;
    let n0 = anterior * sd + ds * cd;
    // Inversion turns the sole towards the midline about the foot's long axis.
    let foot_n = crate::math::rotate(n0, f0, s * a.inversion);
    let medial = (f0.cross(foot_n)) * s;
    let knee = hip + dt * d.thigh;
    let ankle = knee + ds * d.shank;
    let h = d.h;
    // BlazePose's heel is the back of the heel a little above the sole; its foot
    // index the tip of the toes, a little above the sole and towards the big toe.
    let heel = ankle + foot_n * (0.78 * ANKLE_HEIGHT * h) - f0 * (HEEL_BEHIND_ANKLE * h);
    let toe = ankle
        + f0 * (TOE_AHEAD_OF_ANKLE * h)
        + foot_n * (0.75 * ANKLE_HEIGHT * h)
        + medial * (0.008 * h);
    LegPoints {
        hip,
        knee,
        ankle,
        heel,
        toe,
        foot_f: f0,
        foot_n,
    }
}

/// Lowest point of a resting heel: the heel landmark sits a little inside the
/// heel pad, so the skin is a bit further along the sole normal and backwards.
fn heel_low_point(d: &Dims, l: &LegPoints) -> f64 {
    let h = d.h;
    let pad = l.heel + l.foot_n * (0.22 * ANKLE_HEIGHT * h) - l.foot_f * (0.005 * h);
    pad.y.min(l.heel.y)
}

/// Angles of an extended leg resting on the floor: with the knee flexed (>= 0) the
/// heel stays down and the knee rises; hyperextended (< 0), the back of the knee
/// presses the floor and the heel lifts.
/// `leg` gives every angle but the elevation, which is solved here.
pub(crate) fn extended_leg(d: &Dims, side: Side, hip: DVec3, leg: LegAngles) -> LegAngles {
    let mut a = LegAngles {
        elevation: 0.0,
        bent: false,
        ..leg
    };
    let knee = a.knee;
    let knee_floor = ((KNEE_REST_HEIGHT * d.h - hip.y) / d.thigh).clamp(-1.0, 1.0);
    let knee_floor = knee_floor.asin().to_degrees();
    if knee < 0.0 {
        a.elevation = knee_floor;
        return a;
    }
    // Bisection on thigh elevation for the heel to touch the floor.
    let target = HEEL_REST_HEIGHT * d.h;
    let (mut lo, mut hi) = (-30.0_f64, 60.0_f64);
    for _ in 0..60 {
        let mid = 0.5 * (lo + hi);
        a.elevation = mid;
        let l = leg_fk(d, side, hip, &a);
        if heel_low_point(d, &l) > target {
            hi = mid;
        } else {
            lo = mid;
        }
    }
    a.elevation = 0.5 * (lo + hi);
    // The thigh cannot sink into the floor either.
    a.elevation = a.elevation.max(knee_floor);
    a
}

/// Two-bone inverse kinematics: the middle joint for a chain `root -> mid -> end`
/// whose end must reach `target` (clamped to the reachable range), bending towards
/// `pole`. Returns (mid, end).
pub(crate) fn two_bone(
    root: DVec3,
    target: DVec3,
    l1: f64,
    l2: f64,
    pole: DVec3,
    max_reach: f64,
) -> (DVec3, DVec3) {
    let to = target - root;
    let min_reach = (l1 - l2).abs() + 1e-4;
    let dist = to.norm().clamp(min_reach, max_reach.min(l1 + l2 - 1e-6));
    let axis = to.unit();
    let end = root + axis * dist;
    let a = (l1 * l1 - l2 * l2 + dist * dist) / (2.0 * dist);
    let r = (l1 * l1 - a * a).max(0.0).sqrt();
    let mut e1 = pole.reject(axis);
    if e1.norm() < 1e-6 {
        e1 = UP.reject(axis);
    }
    let mid = root + axis * a + e1.unit() * r;
    (mid, end)
}

/// Angles of a bent leg whose ankle rests at `ankle_target`, with the knee
/// pointing as near to `pole` as the target allows and never below the floor.
pub(crate) fn bent_leg(
    d: &Dims,
    side: Side,
    hip: DVec3,
    ankle_target: DVec3,
    pole: DVec3,
    dorsiflexion: f64,
    inversion: f64,
) -> LegAngles {
    let (mut knee, ankle) = two_bone(hip, ankle_target, d.thigh, d.shank, pole, d.thigh + d.shank);
    let floor = KNEE_REST_HEIGHT * d.h;
    if knee.y < floor {
        // Swing the knee about the hip-ankle axis until it clears the floor.
        let axis = (ankle - hip).unit();
        let c = hip + axis * (knee - hip).dot(axis);
        let e1 = (knee - c).unit();
        let e2 = axis.cross(e1);
        let r = (knee - c).norm();
        let up_side = if e2.y >= 0.0 { 1.0 } else { -1.0 };
        for step in 1..=180 {
            let phi = f64::from(step).to_radians() * up_side;
            let k = c + e1 * (r * phi.cos()) + e2 * (r * phi.sin());
            if k.y >= floor {
                knee = k;
                break;
            }
        }
    }
    let dt = (knee - hip).unit();
    let ds = (ankle - knee).unit();
    let s = sign(side);
    let out = RIGHT * s;
    let elevation = dt.y.clamp(-1.0, 1.0).asin().to_degrees();
    let azimuth = dt.dot(out).atan2(dt.dot(FORWARD)).to_degrees();
    let knee_flex = angle_deg(dt, ds);
    let b0 = (-UP).reject(dt).unit();
    let b = ds.reject(dt).unit();
    let rotation = signed_angle_deg(b0, b, dt) * s;
    LegAngles {
        azimuth,
        elevation,
        rotation,
        knee: knee_flex,
        dorsiflexion,
        inversion,
        bent: true,
    }
}

/// All points the model produces for one instant, in the mat frame.
#[derive(Debug, Clone)]
pub(crate) struct Skeleton {
    /// The 33 BlazePose landmarks.
    pub lm: [DVec3; 33],
    pub pelvis: Pelvis,
    /// Spine chain from L5/S1 up to C7/T1 (used for the trunk's occluding volume).
    pub spine: Vec<DVec3>,
    pub head_origin: DVec3,
    pub legs: [LegPoints; 2],
    /// Elbow flexion per side as built (degrees).
    pub elbow_flexion: [f64; 2],
    /// Axes of the upper thorax (at C7/T1).
    pub thorax: Basis,
}

impl Skeleton {
    pub fn get(&self, l: Landmark) -> DVec3 {
        self.lm[l.index()]
    }
}

fn face_point(d: &Dims, head: Basis, origin: DVec3, p: (f64, f64, f64), side: f64) -> DVec3 {
    let k = d.h / FACE_REFERENCE_HEIGHT;
    head.at(origin, p.0 * k, p.1 * k, p.2 * k * side)
}

/// Where a hand goes: target wrist position, the hand's pointing direction and the
/// palm's facing direction. Offsets are fractions of height (0.01 H = 1.7 cm at
/// 1.70 m): a palm on the floor puts the wrist a few cm beside and behind the hip;
/// hands on a leg sit either side of it (0.028 H, half a shin's width plus the
/// hand) and a little above its axis.
fn hand_target(
    d: &Dims,
    hand: Side,
    place: HandPlace,
    pel: &Pelvis,
    legs: &[LegPoints; 2],
) -> (DVec3, DVec3, DVec3) {
    let s = sign(hand);
    let h = d.h;
    let down = -UP;
    match place {
        HandPlace::FloorBesideHip => {
            let hip = pel.hips[idx(hand)];
            (
                DVec3::new(hip.x - 0.01 * h, WRIST_ON_FLOOR * h, hip.z + s * 0.07 * h),
                FORWARD,
                down,
            )
        }
        HandPlace::OnKnee(leg) => {
            let k = legs[idx(leg)].knee;
            (
                k + UP * (0.045 * h) + RIGHT * (s * 0.015 * h),
                FORWARD,
                down,
            )
        }
        HandPlace::Reach(leg, reach) => {
            let l = legs[idx(leg)];
            let along = (l.ankle - l.knee).unit();
            let beside = RIGHT * (s * 0.028 * h) + UP * (0.012 * h);
            let palm = (down - RIGHT * (s * 0.6)).unit();
            let p = match reach {
                Reach::Shin => l.knee.lerp(l.ankle, 0.5) + beside,
                Reach::Ankle => l.ankle + beside,
                Reach::Foot => l.ankle.lerp(l.toe, 0.55) + beside,
                Reach::Bind => {
                    l.ankle.lerp(l.toe, 0.5) + (-l.foot_n) * (0.07 * h) + RIGHT * (s * 0.012 * h)
                }
            };
            (p, along, palm)
        }
        HandPlace::FloorAhead(fwd) => (
            DVec3::new(pel.mid.x + fwd, WRIST_ON_FLOOR * h, s * 0.08 * h),
            FORWARD,
            down,
        ),
        HandPlace::HoldFoot(leg) => {
            let l = legs[idx(leg)];
            (
                l.toe + UP * (0.03 * h) + RIGHT * (s * 0.01 * h),
                l.foot_f,
                down,
            )
        }
        HandPlace::FloorBehind => {
            let hip = pel.hips[idx(hand)];
            (
                DVec3::new(hip.x - 0.16 * h, WRIST_ON_FLOOR * h, hip.z + s * 0.02 * h),
                -FORWARD,
                down,
            )
        }
        HandPlace::OutsideKnee(leg) => {
            let k = legs[idx(leg)].knee;
            let out = RIGHT * sign(leg);
            (k + out * (0.05 * h) - UP * (0.04 * h), -out, -out)
        }
    }
}

/// Forward kinematics: every landmark of the posture.
pub(crate) fn skeleton(d: &Dims, p: &Posture) -> Skeleton {
    let h = d.h;
    let pel = pelvis(d, p);
    let mut spine = Vec::with_capacity(LUMBAR_SEGMENTS + THORACIC_SEGMENTS + 1);
    let mut pos = pel
        .basis
        .at(pel.mid, -S1_BEHIND_HIPS * h, S1_ABOVE_HIPS * h, 0.0);
    spine.push(pos);
    let mut b = pel.basis.flexed(SACRAL_BASE_FORWARD);
    let regions = [
        (
            LUMBAR_SEGMENTS,
            LUMBAR_LENGTH,
            LUMBAR_NEUTRAL + p.lumbar_flex,
            LUMBAR_SHARE_OF_SIDE_BEND,
            LUMBAR_SHARE_OF_TWIST,
        ),
        (
            THORACIC_SEGMENTS,
            THORACIC_LENGTH,
            THORACIC_NEUTRAL + p.thoracic_flex,
            1.0 - LUMBAR_SHARE_OF_SIDE_BEND,
            1.0 - LUMBAR_SHARE_OF_TWIST,
        ),
    ];
    for (n, len, flex, bend_share, twist_share) in regions {
        let n_f = n as f64;
        for _ in 0..n {
            b = b
                .flexed(flex / n_f)
                .side_bent(p.side_bend * bend_share / n_f)
                .twisted(p.twist * twist_share / n_f);
            pos = pos + b.u * (len * h / n_f);
            spine.push(pos);
        }
    }
    let c7 = pos;
    let thorax = b;
    // Neck and head.
    let mut nb = b;
    let mut npos = c7;
    let neck_flex = NECK_NEUTRAL + p.neck_flex;
    for _ in 0..NECK_SEGMENTS {
        let n_f = NECK_SEGMENTS as f64;
        nb = nb
            .flexed(neck_flex / n_f)
            .twisted(p.head_turn * NECK_SHARE_OF_HEAD_TURN / n_f);
        npos = npos + nb.u * (NECK_LENGTH * h / n_f);
    }
    let head = nb
        .flexed(p.head_nod)
        .twisted(p.head_turn * (1.0 - NECK_SHARE_OF_HEAD_TURN));
    let head_origin = npos;

    let mut lm = [DVec3::ZERO; 33];
    let set = |lm: &mut [DVec3; 33], l: Landmark, v: DVec3| lm[l.index()] = v;
    set(
        &mut lm,
        Landmark::Nose,
        face_point(d, head, head_origin, NOSE, 0.0),
    );
    for (side, s) in [(Side::Left, -1.0), (Side::Right, 1.0)] {
        let (inner, eye, outer, ear, mouth) = match side {
            Side::Left => (
                Landmark::LeftEyeInner,
                Landmark::LeftEye,
                Landmark::LeftEyeOuter,
                Landmark::LeftEar,
                Landmark::MouthLeft,
            ),
            Side::Right => (
                Landmark::RightEyeInner,
                Landmark::RightEye,
                Landmark::RightEyeOuter,
                Landmark::RightEar,
                Landmark::MouthRight,
            ),
        };
        set(
            &mut lm,
            inner,
            face_point(d, head, head_origin, EYE_INNER, s),
        );
        set(&mut lm, eye, face_point(d, head, head_origin, EYE, s));
        set(
            &mut lm,
            outer,
            face_point(d, head, head_origin, EYE_OUTER, s),
        );
        set(&mut lm, ear, face_point(d, head, head_origin, EAR, s));
        set(&mut lm, mouth, face_point(d, head, head_origin, MOUTH, s));
    }

    // Legs.
    let legs = [
        leg_fk(d, Side::Left, pel.hips[0], &p.legs[0]),
        leg_fk(d, Side::Right, pel.hips[1], &p.legs[1]),
    ];
    for side in Side::BOTH {
        let l = legs[idx(side)];
        set(&mut lm, side.hip(), l.hip);
        set(&mut lm, side.knee(), l.knee);
        set(&mut lm, side.ankle(), l.ankle);
        set(&mut lm, side.heel(), l.heel);
        set(&mut lm, side.foot_index(), l.toe);
    }

    // Shoulder girdle and arms.
    let mut elbow_flexion = [0.0; 2];
    for side in Side::BOTH {
        let s = sign(side);
        let i = idx(side);
        let sc = thorax.at(c7, SC_AHEAD * h, -SC_BELOW * h, s * SC_LATERAL * h);
        let neutral = thorax.at(
            c7,
            SHOULDER_AHEAD_OF_C7 * h,
            -SHOULDER_BELOW_C7 * h,
            s * SHOULDER_WIDTH * h / 2.0,
        );
        let clav = neutral - sc;
        let clav = crate::math::rotate(clav, thorax.f, -s * p.shoulder_elevation[i]);
        let clav = crate::math::rotate(clav, thorax.u, s * p.shoulder_protraction[i]);
        let shoulder = sc + clav;

        let hb = p.hands[i];
        let (t0, dir0, palm0) = hand_target(d, side, hb.from, &pel, &legs);
        let (t1, dir1, palm1) = hand_target(d, side, hb.to, &pel, &legs);
        let target = t0.lerp(t1, hb.w);
        let hand_dir = dir0.lerp(dir1, hb.w).unit();
        let palm = palm0.lerp(palm1, hb.w).unit();
        let reach = d.arm() * lerp(SOFT_REACH, 1.0, p.elbow_lock[i]);
        let locked = p.elbow_lock[i] >= 0.999;
        let target = if locked {
            // A locked arm is straight: the wrist lies at full length towards the target.
            shoulder + (target - shoulder).unit() * d.arm()
        } else {
            target
        };
        // Elbows bend outwards and a little up and back ("elbows bending outward",
        // reference A), the way arms hold a foot in a fold.
        let pole = (RIGHT * s + UP * 0.5 - FORWARD * 0.2).unit();
        let (elbow, wrist) = two_bone(shoulder, target, d.upper_arm, d.forearm, pole, reach);
        elbow_flexion[i] = angle_deg(elbow - shoulder, wrist - elbow);
        // Hand: its pointing direction follows the forearm towards the wanted one.
        let fore = (wrist - elbow).unit();
        let hd = fore.lerp(hand_dir, 0.6).unit();
        let palm = palm.reject(hd).unit();
        // Thumb side: for a right hand pointing forward palm down, the thumb is on
        // the left (medial); mirrored for the left hand.
        let thumb_side = hd.cross(palm) * s;
        let (pinky, index, thumb) = match side {
            Side::Left => (
                Landmark::LeftPinky,
                Landmark::LeftIndex,
                Landmark::LeftThumb,
            ),
            Side::Right => (
                Landmark::RightPinky,
                Landmark::RightIndex,
                Landmark::RightThumb,
            ),
        };
        set(&mut lm, side.shoulder(), shoulder);
        set(&mut lm, side.elbow(), elbow);
        set(&mut lm, side.wrist(), wrist);
        // The knuckle landmarks: index and pinky MCP joints about 40 % of the hand's
        // length from the wrist, either side of its midline; the thumb's MCP nearer
        // the wrist, on the thumb side and towards the palm.
        set(
            &mut lm,
            index,
            wrist + hd * (0.40 * HAND * h) + thumb_side * (0.012 * h),
        );
        set(
            &mut lm,
            pinky,
            wrist + hd * (0.36 * HAND * h) - thumb_side * (0.020 * h),
        );
        set(
            &mut lm,
            thumb,
            wrist + hd * (0.22 * HAND * h) + thumb_side * (0.024 * h) + palm * (0.008 * h),
        );
    }

    Skeleton {
        lm,
        pelvis: pel,
        spine,
        head_origin,
        legs,
        elbow_flexion,
        thorax,
    }
}

/// Torso length of this body in the neutral upright seat: hip midpoint to shoulder
/// midpoint. Head-to-knee distances are given as fractions of it.
pub(crate) fn reference_torso_length(d: &Dims) -> f64 {
    let p = Posture {
        pelvis_tilt: 0.0,
        pelvis_yaw: 0.0,
        pelvis_obliquity: 0.0,
        lumbar_flex: 0.0,
        thoracic_flex: 0.0,
        side_bend: 0.0,
        twist: 0.0,
        neck_flex: 0.0,
        head_nod: 0.0,
        head_turn: 0.0,
        shoulder_elevation: [0.0; 2],
        shoulder_protraction: [0.0; 2],
        elbow_lock: [0.0; 2],
        legs: [LegAngles {
            azimuth: 0.0,
            elevation: 0.0,
            rotation: 0.0,
            knee: 0.0,
            dorsiflexion: 0.0,
            inversion: 0.0,
            bent: false,
        }; 2],
        hands: [HandBlend::at(HandPlace::FloorBesideHip); 2],
    };
    let s = skeleton(d, &p);
    let hip_mid = s
        .get(Landmark::LeftHip)
        .lerp(s.get(Landmark::RightHip), 0.5);
    let sh_mid = s
        .get(Landmark::LeftShoulder)
        .lerp(s.get(Landmark::RightShoulder), 0.5);
    hip_mid.distance(sh_mid)
}
