//! Which pose a frame shows: explainable fuzzy rules over a few body measures.
//!
//! Every measure becomes a degree of truth between 0 and 1 through a linear ramp
//! between two named constants ("the knee is straight" is 0 at 135 degrees and 1
//! at 155 degrees). Each pose's rule multiplies the degrees of its conditions; the
//! best-scoring pose wins, and its confidence is its score less half the
//! runner-up's, times how visible the legs and trunk are. When no rule reaches
//! [`MIN_POSE_SCORE`] the frame is `other`.
//!
//! A leg whose knee is hidden (visibility below [`crate::body::MIN_VISIBILITY`])
//! is never guessed: with one straight leg seen and the other hidden, the frame is
//! called the straight-legged pose it could be (Paschimottanasana or Dandasana),
//! with the hidden leg named so that a video can still join it to the
//! Janusirsasana around it and the report can tell where to put the camera.

use janu_body::geometry::angle_between_deg;
use janu_body::{Landmark, Side, Vec3};

use crate::body::{Body, UP, project_on_segment};
use crate::pose_name::PoseName;

/// A knee at or above this angle (hip-knee-ankle, degrees) is fully "straight";
/// real straight legs in the shared photos measure 150-180.
pub const STRAIGHT_KNEE_FULL_DEG: f32 = 155.0;
/// A knee at or below this angle is not straight at all.
pub const STRAIGHT_KNEE_NONE_DEG: f32 = 135.0;
/// A knee at or below this angle is fully "bent"; the folded leg of Janusirsasana
/// and Baddha Konasana measures 10-60 in the shared photos.
pub const BENT_KNEE_FULL_DEG: f32 = 110.0;
/// A knee at or above this angle is not bent at all.
pub const BENT_KNEE_NONE_DEG: f32 = 130.0;
/// Trunk-to-thigh angle at or below which the trunk is fully "folded" (an upright
/// seat measures about 90, a deep fold 20-40).
pub const FOLDED_FULL_DEG: f32 = 55.0;
/// Trunk-to-thigh angle at or above which the trunk is upright, not folded.
pub const FOLDED_NONE_DEG: f32 = 70.0;
/// Angle between the thighs at or above which the legs are fully "wide"
/// (Upavistha Konasana measures 100-140, Paschimottanasana under 25).
pub const WIDE_FULL_DEG: f32 = 65.0;
/// Angle between the thighs at or below which the legs are together.
pub const WIDE_NONE_DEG: f32 = 45.0;
/// Distance (torso lengths) from the bent foot's ankle to the straight leg at or
/// below which the foot fully "rests against" it: the ankle sits a thigh's
/// half-width plus a foot's depth from the straight leg's axis.
pub const FOOT_NEAR_FULL: f32 = 0.45;
/// Distance at or above which the bent foot is not at the straight leg.
pub const FOOT_NEAR_NONE: f32 = 0.75;
/// Ankle-to-ankle distance (torso lengths) at or below which the feet are fully
/// "together", as the soles are in Baddha Konasana: the ankle landmarks sit on
/// the outer ankle bones, so joined soles still measure 0.56-0.66 on the real
/// Baddha Konasana photos (MediaPipe world landmarks).
pub const FEET_TOGETHER_FULL: f32 = 0.7;
/// Ankle gap at or above which the feet are apart (Janusirsasana: 1.1 and more).
pub const FEET_TOGETHER_NONE: f32 = 1.0;
/// Distance of a bent leg's ankle from the hip midpoint (torso lengths) at or
/// below which the foot is fully "drawn in" to the groin (Baddha Konasana seen
/// with one leg hidden).
pub const FOOT_DRAWN_IN_FULL: f32 = 0.6;
/// Ankle-to-hip-midpoint distance at or above which the foot is not drawn in.
pub const FOOT_DRAWN_IN_NONE: f32 = 0.9;
/// Trunk lean from vertical (degrees) at or below which the trunk is fully
/// "upright", as in a seated twist.
pub const UPRIGHT_TRUNK_FULL_DEG: f32 = 30.0;
/// Trunk lean at or above which the trunk is not upright.
pub const UPRIGHT_TRUNK_NONE_DEG: f32 = 50.0;
/// Knee height above its hip (thigh lengths) at or above which the knee is fully
/// "raised", as the top knee of Ardha Matsyendrasana (nearly vertical thigh).
pub const KNEE_RAISED_FULL: f32 = 0.7;
/// Knee height above the hip at or below which the knee is not raised; a bent knee
/// lying open on the floor sits at or below the hip joint's height.
pub const KNEE_RAISED_NONE: f32 = 0.45;
/// Knee depth below its hip (thigh lengths) at or below which the person fully
/// "sits"; standing or kneeling puts the knee a whole thigh below the hip.
pub const SEATED_KNEE_DROP_FULL: f32 = 0.55;
/// Knee depth below the hip at or above which the person is not seated.
pub const SEATED_KNEE_DROP_NONE: f32 = 0.85;
/// Trunk-to-thigh angle at or below which the hip is fully flexed as in sitting;
/// lying or standing straight opens it towards 180.
pub const SEATED_HIP_FULL_DEG: f32 = 125.0;
/// Trunk-to-thigh angle at or above which the hip is open (not sitting).
pub const SEATED_HIP_NONE_DEG: f32 = 150.0;
/// Angle (degrees) between the shoulder line and the normal of the vertical
/// plane through the straight leg at or above which the trunk is fully
/// "revolved" as in Parivrtta Janusirsasana: the trunk side-bends over the leg
/// with the shoulder line in the leg's plane. Real photos: 61-87 for the revolved
/// pose, under 35 for 47 of 52 Paschimottanasana photos.
pub const REVOLVED_FULL_DEG: f32 = 60.0;
/// Angle at or below which the shoulders lie across the straight leg, as they do
/// in Janusirsasana (the common uneven twist stays under this).
pub const REVOLVED_NONE_DEG: f32 = 40.0;
/// Confidence of an `other` call when neither leg could be seen: the legs decide
/// every seated pose, so nothing is known.
pub const LEGS_HIDDEN_CONFIDENCE: f32 = 0.1;
/// Knees-apart angle between the thighs at or above which the knees are fully
/// "open" as in Baddha Konasana (real photos: 85-155).
pub const KNEES_OPEN_FULL_DEG: f32 = 80.0;
/// Angle between the thighs at or below which the knees are not open.
pub const KNEES_OPEN_NONE_DEG: f32 = 50.0;
/// Angle between the thighs at or above which the bent knee is fully "open" to
/// the side, as Janusirsasana asks (the clean pose opens about 60-90).
pub const OPEN_KNEE_FULL_DEG: f32 = 35.0;
/// Angle between the thighs at or below which the legs are together.
pub const OPEN_KNEE_NONE_DEG: f32 = 20.0;
/// Angle seen from above between trunk and leg at or below which a fold goes
/// fully "along" that leg (Janusirsasana); folding between wide legs
/// (Upavistha Konasana) puts the trunk half the legs' opening away from each.
pub const ALONG_LEG_FULL_DEG: f32 = 20.0;
/// Trunk-to-leg angle from above at or above which the fold is not along the leg.
pub const ALONG_LEG_NONE_DEG: f32 = 40.0;
/// Turn of the hip line from square to the extended leg (degrees) at or above
/// which the leg fully goes "out to the side" of a forward-facing pelvis, as in
/// Parivrtta Janusirsasana (the leg about 50 degrees out). Janusirsasana squares
/// the pelvis to the leg; its common uneven twist stays within about 20.
pub const LEG_OUT_FULL_DEG: f32 = 42.0;
/// Hip-line turn at or below which the pelvis faces along the leg.
pub const LEG_OUT_NONE_DEG: f32 = 30.0;
/// Shoulder line turned against the hip line (seen from above, degrees) at or
/// above which the trunk is fully "twisted" as in Ardha Matsyendrasana (the
/// references' seated twist turns the trunk about 55 degrees).
pub const TWIST_FULL_DEG: f32 = 30.0;
/// Twist at or below which the trunk is square over the hips.
pub const TWIST_NONE_DEG: f32 = 15.0;
/// Thigh opening at or above which the legs are fully "wide" when one shin is
/// hidden: Upavistha Konasana opens 100 degrees and more, Janusirsasana's bent
/// thigh 60-90, so the plain [`WIDE_FULL_DEG`] cannot tell them apart.
pub const WIDE_UNSEEN_SHIN_FULL_DEG: f32 = 95.0;
/// Thigh opening at or below which the legs are not wide, one shin hidden.
pub const WIDE_UNSEEN_SHIN_NONE_DEG: f32 = 80.0;
/// How much of the Janusirsasana score is kept when the bent foot is away from
/// the straight leg: the pose is still there, with a placement to correct.
pub const FOOT_AWAY_WEIGHT: f32 = 0.5;
/// Confidence cap when one shin is hidden but both thighs are seen.
pub const PARTLY_HIDDEN_CONFIDENCE_CAP: f32 = 0.75;
/// Below this best rule score the frame is `other`: no rule is more true than not.
pub const MIN_POSE_SCORE: f32 = 0.4;
/// Confidence cap when a leg is hidden: the call then rests on half the legs.
pub const HIDDEN_LEG_CONFIDENCE_CAP: f32 = 0.6;

/// A linear degree of truth: 0 at `none`, 1 at `full` (either order), clamped.
pub fn ramp(x: f32, none: f32, full: f32) -> f32 {
    if (full - none).abs() < f32::EPSILON {
        return if x >= full { 1.0 } else { 0.0 };
    }
    ((x - none) / (full - none)).clamp(0.0, 1.0)
}

/// The recognition of one frame.
#[derive(Debug, Clone, PartialEq)]
pub struct Recognition {
    /// The pose.
    pub name: PoseName,
    /// The extended leg, for Janusirsasana and its revolved form.
    pub extended_leg: Option<Side>,
    /// How sure, 0..1.
    pub confidence: f32,
    /// A leg that could not be seen, if any.
    pub hidden_leg: Option<Side>,
    /// True when part of the legs was hidden, so the call rests on less than it
    /// needs; a video may join such frames to the pose around them.
    pub ambiguous: bool,
    /// The measures behind the call, in words.
    pub reasons: Vec<String>,
}

impl Recognition {
    /// The recognition of an empty frame.
    pub fn nobody() -> Self {
        Self {
            name: PoseName::Nobody,
            extended_leg: None,
            confidence: 1.0,
            hidden_leg: None,
            ambiguous: false,
            reasons: vec!["no person in the frame".into()],
        }
    }
}

/// What the rules look at in one frame.
#[derive(Debug, Clone, Default)]
pub struct Features {
    /// Knee angle per side (left, right) when that leg is visible.
    pub knee_deg: [Option<f32>; 2],
    /// Knee height above the hip in thigh lengths, per side.
    pub knee_rise: [Option<f32>; 2],
    /// Trunk-to-thigh angle per side.
    pub trunk_thigh_deg: [Option<f32>; 2],
    /// Angle between the thighs.
    pub thighs_deg: Option<f32>,
    /// Ankle gap in torso lengths.
    pub ankle_gap: Option<f32>,
    /// Distance of each side's ankle to the other leg, torso lengths.
    pub foot_to_other_leg: [Option<f32>; 2],
    /// Angle of the shoulder line out of square across each side's leg, degrees
    /// (see [`REVOLVED_FULL_DEG`]).
    pub revolve_deg: [Option<f32>; 2],
    /// Trunk lean from vertical, degrees.
    pub trunk_tilt_deg: Option<f32>,
    /// Twist of the shoulder line against the hip line seen from above, degrees.
    pub twist_deg: Option<f32>,
    /// How far the hip line is turned from square to each side's leg, degrees
    /// (0 when the leg points straight ahead of the pelvis).
    pub leg_out_deg: [Option<f32>; 2],
    /// Each side's ankle distance from the hip midpoint, torso lengths.
    pub foot_to_pelvis: [Option<f32>; 2],
    /// Whether each side's thigh (hip and knee) is seen.
    pub thigh_seen: [bool; 2],
    /// Angle seen from above between the trunk and each side's leg, degrees:
    /// small when the trunk folds along that leg.
    pub trunk_over_leg_deg: [Option<f32>; 2],
    /// Torso (or substitute) length used as the unit.
    pub scale: Option<f32>,
}

const fn idx(side: Side) -> usize {
    match side {
        Side::Left => 0,
        Side::Right => 1,
    }
}

impl Features {
    /// Measure a body.
    pub fn of(body: &Body) -> Self {
        let mut f = Self {
            scale: body.scale(),
            ..Self::default()
        };
        let shoulder_mid = body.shoulder_mid();
        let hip_mid = body.hip_mid();
        for side in Side::BOTH {
            let i = idx(side);
            if !body.thigh_visible(side) {
                continue;
            }
            f.thigh_seen[i] = true;
            f.knee_deg[i] = body.knee_angle(side);
            let (hip, knee) = (body.point(side.hip()), body.point(side.knee()));
            if let (Some(sh), Some(hm), Some(h), Some(k)) = (shoulder_mid, hip_mid, hip, knee) {
                let far = body.distal(side).map_or(k, |(_, p)| p);
                let flat = |v: Vec3| v - UP * v.dot(UP);
                f.trunk_over_leg_deg[i] = angle_between_deg(flat(sh - hm), flat(far - h));
            }
            if let (Some(hip), Some(knee), Some(thigh)) = (hip, knee, body.thigh_length(side)) {
                f.knee_rise[i] = Some((knee - hip).dot(UP) / thigh);
                if let (Some(sh), Some(hm)) = (shoulder_mid, hip_mid) {
                    f.trunk_thigh_deg[i] = angle_between_deg(sh - hm, knee - hip);
                }
            }
        }
        let (l, r) = (Side::Left, Side::Right);
        if let (Some(lh), Some(lk), Some(rh), Some(rk)) = (
            body.point(l.hip()),
            body.point(l.knee()),
            body.point(r.hip()),
            body.point(r.knee()),
        ) {
            f.thighs_deg = angle_between_deg(lk - lh, rk - rh);
        }
        if body.leg_visible(l) && body.leg_visible(r) {
            if let (Some((_, la)), Some((_, ra)), Some(s)) =
                (body.distal(l), body.distal(r), f.scale)
            {
                f.ankle_gap = Some(la.distance(ra) / s);
            }
            for side in Side::BOTH {
                f.foot_to_other_leg[idx(side)] = foot_to_leg(body, side, side.other());
            }
        }
        for side in Side::BOTH {
            f.revolve_deg[idx(side)] = revolve(body, side);
            if let (Some((_, a)), Some(h), Some(s)) = (body.distal(side), hip_mid, f.scale) {
                if body.leg_visible(side) {
                    f.foot_to_pelvis[idx(side)] = Some(a.distance(h) / s);
                }
            }
        }
        if let (Some(sh), Some(hm)) = (shoulder_mid, hip_mid) {
            f.trunk_tilt_deg = angle_between_deg(sh - hm, UP);
        }
        if body.basis != crate::body::Basis::ImageFlat {
            for side in Side::BOTH {
                let hips = body
                    .point(Landmark::LeftHip)
                    .zip(body.point(Landmark::RightHip));
                if let (Some((lh, rh)), Some((_, d)), Some(h)) =
                    (hips, body.distal(side), body.point(side.hip()))
                {
                    f.leg_out_deg[idx(side)] =
                        angle_between_deg(lh - rh, d - h).map(|a| (90.0 - a).abs());
                }
            }
            let line = |a: Landmark, b: Landmark| Some(body.point(b)? - body.point(a)?);
            if let (Some(s), Some(h)) = (
                line(Landmark::LeftShoulder, Landmark::RightShoulder),
                line(Landmark::LeftHip, Landmark::RightHip),
            ) {
                let flat = |v: Vec3| v - UP * v.dot(UP);
                f.twist_deg = angle_between_deg(flat(s), flat(h));
            }
        }
        f
    }
}

/// Distance (torso lengths) from the ankle of `foot_side` to the leg of
/// `leg_side` (hip to knee to ankle).
fn foot_to_leg(body: &Body, foot_side: Side, leg_side: Side) -> Option<f32> {
    let (_, ankle) = body.distal(foot_side)?;
    let hip = body.point(leg_side.hip())?;
    let knee = body.point(leg_side.knee())?;
    let (_, leg_ankle) = body.distal(leg_side)?;
    let scale = body.scale()?;
    let (_, d1) = project_on_segment(ankle, hip, knee)?;
    let (_, d2) = project_on_segment(ankle, knee, leg_ankle)?;
    Some(d1.min(d2) / scale)
}

/// Angle (degrees, 0..90) between the shoulder line and the normal of the
/// vertical plane through the leg of `leg_side`: 0 when the shoulders lie square
/// across the leg, 90 when the shoulder line lies in the leg's plane.
pub fn revolve(body: &Body, leg_side: Side) -> Option<f32> {
    if body.basis == crate::body::Basis::ImageFlat {
        return None;
    }
    let line = body.point(Landmark::RightShoulder)? - body.point(Landmark::LeftShoulder)?;
    let leg = body.distal(leg_side)?.1 - body.point(leg_side.hip())?;
    let normal = leg.cross(UP);
    let a = angle_between_deg(line, normal)?;
    Some(a.min(180.0 - a))
}

struct Candidate {
    name: PoseName,
    extended_leg: Option<Side>,
    score: f32,
}

/// Recognise the pose of one body.
pub fn recognize(body: &Body) -> Recognition {
    let f = Features::of(body);
    recognize_features(body, &f)
}

fn fmt_deg(v: Option<f32>) -> String {
    v.map_or_else(|| "not visible".to_string(), |v| format!("{v:.0}°"))
}

/// Recognise from measured features (the body gives visibility).
pub fn recognize_features(body: &Body, f: &Features) -> Recognition {
    let has_trunk = body.shoulder_mid().is_some() && body.hip_mid().is_some();
    let visible: Vec<Side> = Side::BOTH
        .into_iter()
        .filter(|s| f.thigh_seen[idx(*s)])
        .collect();
    if !has_trunk && visible.is_empty() {
        return Recognition {
            name: PoseName::Other,
            extended_leg: None,
            confidence: 0.0,
            hidden_leg: None,
            ambiguous: true,
            reasons: vec!["neither the trunk nor a leg is visible".into()],
        };
    }
    let mut reasons = Vec::new();
    // Said as flexion (0° = straight), as the report's metrics are.
    for side in Side::BOTH {
        let bend = f.knee_deg[idx(side)].map(|k| (180.0 - k).max(0.0));
        reasons.push(format!("{side} knee bent {}", fmt_deg(bend)));
    }
    if let Some(t) = f.thighs_deg {
        reasons.push(format!("thighs {t:.0}° apart"));
    }
    if let Some(g) = f.ankle_gap {
        reasons.push(format!("ankles {g:.2} torso lengths apart"));
    }
    for side in Side::BOTH {
        if let Some(d) = f.foot_to_other_leg[idx(side)] {
            reasons.push(format!(
                "{side} ankle {d:.2} torso lengths from the {} leg",
                side.other()
            ));
        }
        if let Some(r) = f.knee_rise[idx(side)] {
            let (amount, way) = if r < 0.0 { (-r, "below") } else { (r, "above") };
            reasons.push(format!(
                "{side} knee {amount:.2} thigh lengths {way} the hip"
            ));
        }
        if let Some(t) = f.revolve_deg[idx(side)] {
            reasons.push(format!(
                "shoulders turned {t:.0}° from square to the {side} leg"
            ));
        }
    }

    let straight = |s: Side| {
        f.knee_deg[idx(s)].map(|k| ramp(k, STRAIGHT_KNEE_NONE_DEG, STRAIGHT_KNEE_FULL_DEG))
    };
    let bent =
        |s: Side| f.knee_deg[idx(s)].map(|k| ramp(k, BENT_KNEE_NONE_DEG, BENT_KNEE_FULL_DEG));
    let raised =
        |s: Side| f.knee_rise[idx(s)].map_or(0.0, |r| ramp(r, KNEE_RAISED_NONE, KNEE_RAISED_FULL));
    // Seated: every visible knee near hip height and the hip flexed.
    let seated = visible
        .iter()
        .map(|s| {
            let drop = f.knee_rise[idx(*s)].map_or(1.0, |r| {
                ramp(-r, SEATED_KNEE_DROP_NONE, SEATED_KNEE_DROP_FULL)
            });
            let hip = f.trunk_thigh_deg[idx(*s)]
                .map_or(1.0, |a| ramp(a, SEATED_HIP_NONE_DEG, SEATED_HIP_FULL_DEG));
            drop.min(hip)
        })
        .fold(1.0f32, f32::min);
    // Fold: the smallest trunk-to-thigh angle of a visible leg.
    let fold = f.trunk_thigh_deg.iter().flatten().copied().reduce(f32::min);
    let folded = fold.map_or(0.0, |a| ramp(a, FOLDED_NONE_DEG, FOLDED_FULL_DEG));
    if let Some(a) = fold {
        reasons.push(format!("trunk-to-thigh {a:.0}°"));
    }
    // A seated twist turns the shoulders well away from the hips; an untwisted
    // trunk with a knee drawn up is only passing through.
    let twisted = f
        .twist_deg
        .map_or(0.5, |t| ramp(t, TWIST_NONE_DEG, TWIST_FULL_DEG));
    let upright = f.trunk_tilt_deg.map_or(0.0, |t| {
        ramp(t, UPRIGHT_TRUNK_NONE_DEG, UPRIGHT_TRUNK_FULL_DEG)
    });
    let wide = f.thighs_deg.map(|t| ramp(t, WIDE_NONE_DEG, WIDE_FULL_DEG));
    let knees_open = f
        .thighs_deg
        .map_or(0.0, |t| ramp(t, KNEES_OPEN_NONE_DEG, KNEES_OPEN_FULL_DEG));
    let feet_together = f
        .ankle_gap
        .map_or(0.0, |g| ramp(g, FEET_TOGETHER_NONE, FEET_TOGETHER_FULL));

    let mut cands: Vec<Candidate> = Vec::new();
    let mut hidden_leg = None;
    let mut push = |name, extended_leg, score: f32| {
        cands.push(Candidate {
            name,
            extended_leg,
            score: score.clamp(0.0, 1.0),
        });
    };
    let open = f
        .thighs_deg
        .map_or(0.0, |t| ramp(t, OPEN_KNEE_NONE_DEG, OPEN_KNEE_FULL_DEG));
    // Revolved: the shoulder line lies in the leg's plane, or (when a shoulder
    // is hidden, as the lower one often is) the leg goes out to the side of a
    // pelvis that faces forward, which is how the revolved pose is set up.
    let revolved = |ext: Side| {
        let by_shoulders =
            f.revolve_deg[idx(ext)].map_or(0.0, |t| ramp(t, REVOLVED_NONE_DEG, REVOLVED_FULL_DEG));
        let by_leg =
            f.leg_out_deg[idx(ext)].map_or(0.0, |a| ramp(a, LEG_OUT_NONE_DEG, LEG_OUT_FULL_DEG));
        by_shoulders.max(by_leg)
    };
    // Folding along a leg (not between the legs); an upright trunk says nothing.
    let along = |s: Side| {
        let a = f.trunk_over_leg_deg[idx(s)]
            .map_or(1.0, |a| ramp(a, ALONG_LEG_NONE_DEG, ALONG_LEG_FULL_DEG));
        folded * a + (1.0 - folded)
    };
    let full = |s: Side| f.knee_deg[idx(s)].is_some();
    let thigh = |s: Side| f.thigh_seen[idx(s)];
    let (l, r) = (Side::Left, Side::Right);
    let mut ambiguous = false;
    let mut cap = 1.0f32;

    if full(l) && full(r) {
        let (sl, sr) = (straight(l).unwrap_or(0.0), straight(r).unwrap_or(0.0));
        let (bl, br) = (bent(l).unwrap_or(0.0), bent(r).unwrap_or(0.0));
        let wide = wide.unwrap_or(0.0);
        push(
            PoseName::Paschimottanasana,
            None,
            seated * sl * sr * (1.0 - wide) * folded,
        );
        push(
            PoseName::Dandasana,
            None,
            seated * sl * sr * (1.0 - wide) * (1.0 - folded),
        );
        push(PoseName::UpavisthaKonasana, None, seated * sl * sr * wide);
        push(
            PoseName::BaddhaKonasana,
            None,
            seated * bl * br * knees_open * feet_together,
        );
        for ext in Side::BOTH {
            let b = ext.other();
            let s_ext = straight(ext).unwrap_or(0.0);
            let b_b = bent(b).unwrap_or(0.0);
            let near = f.foot_to_other_leg[idx(b)]
                .map_or(0.0, |d| ramp(d, FOOT_NEAR_NONE, FOOT_NEAR_FULL));
            let base = seated * s_ext * b_b * (1.0 - raised(b)) * open;
            // A foot away from the thigh is still this pose, placed badly (the
            // findings say so); a foot at the thigh makes it sure.
            let near = FOOT_AWAY_WEIGHT + (1.0 - FOOT_AWAY_WEIGHT) * near;
            push(
                PoseName::Janusirsasana,
                Some(ext),
                base * near * (1.0 - revolved(ext)),
            );
            push(
                PoseName::ParivrttaJanusirsasana,
                Some(ext),
                base * revolved(ext),
            );
            push(
                PoseName::ArdhaMatsyendrasana,
                None,
                seated * b_b * raised(b) * upright * twisted,
            );
        }
    } else if let Some(seen) = [l, r].into_iter().find(|s| full(*s) && thigh(s.other())) {
        // One leg whole, the other's thigh seen but its shin hidden (covered by the
        // straight leg or the folded trunk): the thighs' opening still tells.
        let t = seen.other();
        ambiguous = true;
        cap = PARTLY_HIDDEN_CONFIDENCE_CAP;
        reasons.push(format!("{t} shin hidden"));
        let s = straight(seen).unwrap_or(0.0);
        // Without the other shin, only a clearly wide opening says Upavistha.
        let wide_v = f.thighs_deg.map_or(0.0, |a| {
            ramp(a, WIDE_UNSEEN_SHIN_NONE_DEG, WIDE_UNSEEN_SHIN_FULL_DEG)
        });
        let base = seated * s * open * (1.0 - raised(t));
        push(
            PoseName::Janusirsasana,
            Some(seen),
            base * (1.0 - revolved(seen)) * (0.5 + 0.5 * along(seen)),
        );
        push(
            PoseName::ParivrttaJanusirsasana,
            Some(seen),
            base * revolved(seen),
        );
        push(
            PoseName::UpavisthaKonasana,
            None,
            seated * s * wide_v * (1.0 - along(seen)),
        );
        push(
            PoseName::Paschimottanasana,
            None,
            seated * s * (1.0 - open) * folded,
        );
        push(
            PoseName::Dandasana,
            None,
            seated * s * (1.0 - open) * (1.0 - folded),
        );
        push(
            PoseName::ArdhaMatsyendrasana,
            None,
            seated * raised(t) * upright * twisted,
        );
    } else if let Some(b) = [l, r]
        .into_iter()
        .find(|s| full(*s) && thigh(s.other()) && bent(*s).unwrap_or(0.0) > 0.5)
    {
        // One leg bent and seen, the other's thigh seen but its shin and foot
        // covered (the hands on the extended foot in a fold).
        let t = b.other();
        ambiguous = true;
        cap = PARTLY_HIDDEN_CONFIDENCE_CAP;
        reasons.push(format!("{t} shin hidden"));
        let bb = bent(b).unwrap_or(0.0);
        let wide_v = f.thighs_deg.map_or(0.0, |a| {
            ramp(a, WIDE_UNSEEN_SHIN_NONE_DEG, WIDE_UNSEEN_SHIN_FULL_DEG)
        });
        let base = seated * bb * open * (1.0 - raised(b)) * (1.0 - raised(t));
        push(
            PoseName::Janusirsasana,
            Some(t),
            base * (1.0 - wide_v) * (1.0 - revolved(t)),
        );
        push(
            PoseName::ParivrttaJanusirsasana,
            Some(t),
            base * (1.0 - wide_v) * revolved(t),
        );
        push(
            PoseName::BaddhaKonasana,
            None,
            seated * bb * wide_v * upright,
        );
        push(
            PoseName::ArdhaMatsyendrasana,
            None,
            seated * bb * raised(b) * upright * twisted,
        );
    } else if let Some(seen) = [l, r].into_iter().find(|s| full(*s)) {
        let other = seen.other();
        hidden_leg = Some(other);
        ambiguous = true;
        cap = HIDDEN_LEG_CONFIDENCE_CAP;
        reasons.push(format!(
            "{other} leg hidden (knee visibility {:.2})",
            body.visibility(other.knee())
        ));
        let s = straight(seen).unwrap_or(0.0);
        let b = bent(seen).unwrap_or(0.0);
        push(PoseName::Paschimottanasana, None, seated * s * folded);
        push(PoseName::Dandasana, None, seated * s * (1.0 - folded));
        push(
            PoseName::ArdhaMatsyendrasana,
            None,
            seated * b * raised(seen) * upright * twisted,
        );
        let drawn_in = f.foot_to_pelvis[idx(seen)]
            .map_or(0.0, |d| ramp(d, FOOT_DRAWN_IN_NONE, FOOT_DRAWN_IN_FULL));
        push(
            PoseName::BaddhaKonasana,
            None,
            seated * b * drawn_in * (1.0 - raised(seen)) * upright,
        );
    } else {
        ambiguous = true;
        reasons.push("both shins hidden".into());
    }

    cands.sort_by(|a, b| b.score.total_cmp(&a.score));
    let best = cands.first();
    let second = cands
        .iter()
        .skip(1)
        .find(|c| best.is_some_and(|b| c.name != b.name))
        .map_or(0.0, |c| c.score);
    let legs: Vec<Side> = [l, r].into_iter().filter(|s| thigh(*s)).collect();
    let vis = visibility_factor(body, &legs);
    match best {
        Some(best) if best.score >= MIN_POSE_SCORE => Recognition {
            name: best.name,
            extended_leg: best.extended_leg,
            confidence: ((best.score - 0.5 * second) * vis).clamp(0.0, cap),
            hidden_leg,
            ambiguous,
            reasons,
        },
        best => Recognition {
            name: PoseName::Other,
            extended_leg: None,
            confidence: if cands.is_empty() {
                LEGS_HIDDEN_CONFIDENCE
            } else {
                ((1.0 - best.map_or(0.0, |b| b.score)) * vis).clamp(0.0, cap)
            },
            hidden_leg,
            ambiguous,
            reasons,
        },
    }
}

/// Mean visibility of the landmarks the rules rest on (shoulders, and the seen
/// legs' knees and shin points; the hips are anchors, see [`crate::body::ANCHORS`]).
fn visibility_factor(body: &Body, legs: &[Side]) -> f32 {
    let mut lms = vec![Landmark::LeftShoulder, Landmark::RightShoulder];
    for s in legs {
        lms.push(s.knee());
        if let Some((lm, _)) = body.distal(*s) {
            lms.push(lm);
        }
    }
    let sum: f32 = lms.iter().map(|l| body.visibility(*l)).sum();
    sum / lms.len() as f32
}

/// The straighter of the visible legs, the natural "extended" leg of a frame.
pub fn straighter_leg(body: &Body) -> Option<Side> {
    let l = body
        .knee_angle(Side::Left)
        .filter(|_| body.leg_visible(Side::Left));
    let r = body
        .knee_angle(Side::Right)
        .filter(|_| body.leg_visible(Side::Right));
    match (l, r) {
        (Some(l), Some(r)) => Some(if l >= r { Side::Left } else { Side::Right }),
        (Some(_), None) => Some(Side::Left),
        (None, Some(_)) => Some(Side::Right),
        (None, None) => None,
    }
}
