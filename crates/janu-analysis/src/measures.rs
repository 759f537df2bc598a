//! The body measures recognition reads, taken in the picture's plane.
//!
//! Recognition is fitted on real people (see [`mod@crate::recognize`]), and the real
//! data comes from three estimators (BlazePose, MediaPipe's 13-point tables,
//! MoveNet) that share only 13 points and agree only in the picture: depth is
//! missing or unreliable, and a folded body's world landmarks are not to be
//! trusted. So every measure here is a 2-D angle or a distance in the picture
//! (pixels, the aspect ratio undone), from the 13 shared points, whatever their
//! visibility: a leg the model marks as barely visible is still where the model
//! put it, and whether that place is right is for the measures to show.
//!
//! Legs are named by role, not by side: the *straight* leg is the one whose knee
//! is the more open in the picture (the extended leg of Janusirsasana), the other
//! is the *bent* leg. Lengths are fractions of [`PlaneMeasures::scale`].

use janu_body::geometry::{angle_between_deg, joint_angle_deg};
use janu_body::{Landmark, Pose, Side, Vec3};

/// Upright torso length per thigh length, as [`crate::body::TORSO_PER_THIGH`]:
/// the body's length unit comes from the thighs when the torso is foreshortened.
const TORSO_PER_THIGH: f32 = crate::body::TORSO_PER_THIGH;

/// "Up" in the picture (y grows downwards). Photos of seated poses are taken
/// with a level camera; a tilted one shifts only the measures that say so.
const PICTURE_UP: Vec3 = Vec3::new(0.0, -1.0, 0.0);

/// The measures, in a fixed order: the names recognition's weights are keyed by.
pub const MEASURE_NAMES: [&str; MEASURE_COUNT] = [
    "straight_knee_deg",
    "bent_knee_deg",
    "straight_hip_deg",
    "bent_hip_deg",
    "thighs_deg",
    "shins_deg",
    "feet_spread_deg",
    "ankle_gap",
    "bent_foot_to_straight_leg",
    "bent_foot_to_hips",
    "straight_foot_to_hips",
    "trunk_from_vertical_deg",
    "straight_leg_from_level_deg",
    "bent_knee_rise",
    "straight_knee_rise",
    "head_to_straight_knee",
    "head_to_straight_foot",
    "hand_to_straight_foot",
    "hand_rise",
    "hand_beyond_head",
    "shoulder_width",
    "hip_width",
    "torso",
    "bent_thigh_per_straight",
    "straight_leg_length",
    "elbow_min_deg",
    "elbow_max_deg",
    "shoulders_to_straight_leg_deg",
    "arm_to_trunk_min_deg",
    "head_to_trunk_deg",
    "bent_knee_to_straight_leg",
    "feet_below_hips",
    // Where each point lies, from the hip midpoint in body units, turned so the
    // straight leg points to +x (y down, as in the picture). The front arm is
    // the one whose hand is nearer the straight foot.
    "nose_x",
    "nose_y",
    "front_shoulder_x",
    "front_shoulder_y",
    "front_elbow_x",
    "front_elbow_y",
    "front_wrist_x",
    "front_wrist_y",
    "back_shoulder_x",
    "back_shoulder_y",
    "back_elbow_x",
    "back_elbow_y",
    "back_wrist_x",
    "back_wrist_y",
    "straight_hip_x",
    "straight_hip_y",
    "straight_knee_x",
    "straight_knee_y",
    "straight_ankle_x",
    "straight_ankle_y",
    "bent_hip_x",
    "bent_hip_y",
    "bent_knee_x",
    "bent_knee_y",
    "bent_ankle_x",
    "bent_ankle_y",
];

/// How many measures there are.
pub const MEASURE_COUNT: usize = 58;

/// How many of them are the named measures before the point positions.
const SHAPE_COUNT: usize = 32;

/// One picture's measures; `None` where a point they need is missing.
#[derive(Debug, Clone, PartialEq)]
pub struct PlaneMeasures {
    /// The leg taken as straight (the more open knee).
    pub straight_leg: Side,
    /// The length unit, pixels: the torso, or the longer thigh scaled to a torso
    /// when that is longer (a torso folded towards the camera looks short).
    pub scale: f32,
    /// The values, in [`MEASURE_NAMES`] order.
    pub values: [Option<f32>; MEASURE_COUNT],
}

/// The 13 points every source has, in pixels on the picture plane.
struct Points {
    p: [Option<Vec3>; janu_body::LANDMARK_COUNT],
}

impl Points {
    fn of(pose: &Pose, width: u32, height: u32) -> Self {
        let mut p = [None; janu_body::LANDMARK_COUNT];
        for lm in Landmark::ALL {
            p[lm.index()] = pose
                .pixel(lm, width, height)
                .map(Vec3::flat)
                .filter(|v| v.is_finite());
        }
        Self { p }
    }
    fn get(&self, lm: Landmark) -> Option<Vec3> {
        self.p[lm.index()]
    }
    fn mid(&self, a: Landmark, b: Landmark) -> Option<Vec3> {
        match (self.get(a), self.get(b)) {
            (Some(a), Some(b)) => Some(a.midpoint(b)),
            (a, b) => a.or(b),
        }
    }
    fn dist(&self, a: Landmark, b: Landmark) -> Option<f32> {
        Some(self.get(a)?.distance(self.get(b)?))
    }
    fn knee_deg(&self, s: Side) -> Option<f32> {
        joint_angle_deg(
            self.get(s.hip())?,
            self.get(s.knee())?,
            self.get(s.ankle())?,
        )
    }
    fn thigh(&self, s: Side) -> Option<Vec3> {
        Some(self.get(s.knee())? - self.get(s.hip())?)
    }
    fn shin(&self, s: Side) -> Option<Vec3> {
        Some(self.get(s.ankle())? - self.get(s.knee())?)
    }
    fn leg(&self, s: Side) -> Option<Vec3> {
        Some(self.get(s.ankle())? - self.get(s.hip())?)
    }
}

/// Distance from `p` to the segment `a`-`b`.
fn to_segment(p: Vec3, a: Vec3, b: Vec3) -> Option<f32> {
    crate::body::project_on_segment(p, a, b).map(|(_, d)| d)
}

/// Angle (0..90 degrees) between two lines, whichever way they point.
fn line_angle(a: Vec3, b: Vec3) -> Option<f32> {
    let d = angle_between_deg(a, b)?;
    Some(d.min(180.0 - d))
}

impl PlaneMeasures {
    /// Measure a pose seen in a `width` x `height` picture; `None` when the hips
    /// or both thighs are missing (nothing seated can be told without them).
    pub fn of(pose: &Pose, width: u32, height: u32) -> Option<Self> {
        let pts = Points::of(pose, width, height);
        let hip_mid = pts.mid(Landmark::LeftHip, Landmark::RightHip)?;
        let thigh_len = |s: Side| pts.thigh(s).map(Vec3::norm);
        let longest_thigh = Side::BOTH
            .into_iter()
            .filter_map(thigh_len)
            .reduce(f32::max)?;
        let shoulder_mid = pts.mid(Landmark::LeftShoulder, Landmark::RightShoulder);
        let torso = shoulder_mid.map(|s| s.distance(hip_mid));
        let scale = torso.unwrap_or(0.0).max(TORSO_PER_THIGH * longest_thigh);
        // NaN and zero both fail this test: no body to scale by.
        if scale.is_nan() || scale <= f32::EPSILON {
            return None;
        }
        let straight = match (pts.knee_deg(Side::Left), pts.knee_deg(Side::Right)) {
            (Some(l), Some(r)) if r > l => Side::Right,
            (None, Some(_)) => Side::Right,
            _ => Side::Left,
        };
        let bent = straight.other();
        let unit = |v: Option<f32>| v.map(|v| v / scale);
        let trunk = shoulder_mid.map(|s| s - hip_mid);
        let straight_foot = pts.get(straight.ankle());
        let bent_foot = pts.get(bent.ankle());
        let nose = pts.get(Landmark::Nose);
        let wrists: Vec<Vec3> = Side::BOTH
            .iter()
            .filter_map(|s| pts.get(s.wrist()))
            .collect();
        // Height above in the picture: y grows downwards.
        let rise = |s: Side| Some(pts.get(s.hip())?.y - pts.get(s.knee())?.y);
        let elbows: Vec<f32> = Side::BOTH
            .iter()
            .filter_map(|s| {
                joint_angle_deg(
                    pts.get(s.shoulder())?,
                    pts.get(s.elbow())?,
                    pts.get(s.wrist())?,
                )
            })
            .collect();
        let arm_to_trunk = Side::BOTH
            .iter()
            .filter_map(|s| angle_between_deg(pts.get(s.wrist())? - pts.get(s.shoulder())?, trunk?))
            .reduce(f32::min);
        let feet_low = [straight_foot, bent_foot]
            .into_iter()
            .flatten()
            .map(|f| f.y)
            .reduce(f32::max);

        let shape = [
            pts.knee_deg(straight),
            pts.knee_deg(bent),
            trunk.and_then(|t| angle_between_deg(t, pts.thigh(straight)?)),
            trunk.and_then(|t| angle_between_deg(t, pts.thigh(bent)?)),
            pts.thigh(straight)
                .zip(pts.thigh(bent))
                .and_then(|(a, b)| angle_between_deg(a, b)),
            pts.shin(straight)
                .zip(pts.shin(bent))
                .and_then(|(a, b)| angle_between_deg(a, b)),
            pts.leg(straight)
                .zip(pts.leg(bent))
                .and_then(|(a, b)| angle_between_deg(a, b)),
            unit(straight_foot.zip(bent_foot).map(|(a, b)| a.distance(b))),
            unit(bent_foot.and_then(|f| {
                let (h, k, a) = (
                    pts.get(straight.hip())?,
                    pts.get(straight.knee())?,
                    pts.get(straight.ankle())?,
                );
                Some(to_segment(f, h, k)?.min(to_segment(f, k, a)?))
            })),
            unit(bent_foot.map(|f| f.distance(hip_mid))),
            unit(straight_foot.map(|f| f.distance(hip_mid))),
            trunk.and_then(|t| angle_between_deg(t, PICTURE_UP)),
            pts.leg(straight)
                .and_then(|l| line_angle(l, Vec3::new(1.0, 0.0, 0.0))),
            unit(rise(bent)),
            unit(rise(straight)),
            unit(
                nose.zip(pts.get(straight.knee()))
                    .map(|(a, b)| a.distance(b)),
            ),
            unit(nose.zip(straight_foot).map(|(a, b)| a.distance(b))),
            unit(straight_foot.and_then(|f| wrists.iter().map(|w| w.distance(f)).reduce(f32::min))),
            unit(shoulder_mid.and_then(|s| wrists.iter().map(|w| s.y - w.y).reduce(f32::max))),
            unit(trunk.zip(nose).and_then(|(t, n)| {
                let dir = t.normalized()?;
                let head = (n - hip_mid).dot(dir);
                wrists
                    .iter()
                    .map(|w| (*w - hip_mid).dot(dir) - head)
                    .reduce(f32::max)
            })),
            unit(pts.dist(Landmark::LeftShoulder, Landmark::RightShoulder)),
            unit(pts.dist(Landmark::LeftHip, Landmark::RightHip)),
            unit(torso),
            thigh_len(bent)
                .zip(thigh_len(straight))
                .filter(|(_, s)| *s > f32::EPSILON)
                .map(|(b, s)| b / s),
            unit(
                pts.dist(straight.hip(), straight.knee())
                    .zip(pts.dist(straight.knee(), straight.ankle()))
                    .map(|(a, b)| a + b),
            ),
            elbows.iter().copied().reduce(f32::min),
            elbows.iter().copied().reduce(f32::max),
            pts.get(Landmark::LeftShoulder)
                .zip(pts.get(Landmark::RightShoulder))
                .zip(pts.leg(straight))
                .and_then(|((l, r), leg)| line_angle(r - l, leg)),
            arm_to_trunk,
            trunk
                .zip(nose.zip(shoulder_mid))
                .and_then(|(t, (n, s))| angle_between_deg(n - s, t)),
            unit(
                pts.get(bent.knee()).and_then(|k| {
                    to_segment(k, pts.get(straight.hip())?, pts.get(straight.ankle())?)
                }),
            ),
            unit(feet_low.map(|y| y - hip_mid.y)),
        ];
        let mut values = [None; MEASURE_COUNT];
        values[..SHAPE_COUNT].copy_from_slice(&shape);
        let positions = positions(&pts, hip_mid, scale, straight);
        values[SHAPE_COUNT..].copy_from_slice(&positions);
        Some(Self {
            straight_leg: straight,
            scale,
            values,
        })
    }

    /// The value of the measure called `name`, if measured.
    pub fn get(&self, name: &str) -> Option<f32> {
        let i = MEASURE_NAMES.iter().position(|n| *n == name)?;
        self.values[i]
    }
}

/// The 13 points' places in the body's own frame (see [`MEASURE_NAMES`]).
fn positions(
    pts: &Points,
    hip_mid: Vec3,
    scale: f32,
    straight: Side,
) -> [Option<f32>; MEASURE_COUNT - SHAPE_COUNT] {
    let bent = straight.other();
    let far = pts
        .get(straight.ankle())
        .or_else(|| pts.get(straight.knee()));
    // Flip the picture so the straight leg points right; a leg straight under
    // the hips (seen end on) leaves the picture as it is.
    let flip = if far.is_some_and(|f| f.x < hip_mid.x) {
        -1.0
    } else {
        1.0
    };
    let reach = |s: Side| {
        far.zip(pts.get(s.wrist()))
            .map_or(f32::INFINITY, |(f, w)| f.distance(w))
    };
    // Ties (no hands seen) go to the straight leg's side, so that a mirrored
    // picture measures the same.
    let front = if reach(bent) < reach(straight) {
        bent
    } else {
        straight
    };
    let back = front.other();
    let order = [
        Landmark::Nose,
        front.shoulder(),
        front.elbow(),
        front.wrist(),
        back.shoulder(),
        back.elbow(),
        back.wrist(),
        straight.hip(),
        straight.knee(),
        straight.ankle(),
        bent.hip(),
        bent.knee(),
        bent.ankle(),
    ];
    let mut out = [None; MEASURE_COUNT - SHAPE_COUNT];
    for (i, lm) in order.into_iter().enumerate() {
        if let Some(p) = pts.get(lm) {
            out[2 * i] = Some(flip * (p.x - hip_mid.x) / scale);
            out[2 * i + 1] = Some((p.y - hip_mid.y) / scale);
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use janu_body::Keypoint;

    fn pose(points: &[(Landmark, f32, f32)]) -> Pose {
        let mut p = Pose::empty();
        for (lm, x, y) in points {
            p.landmarks[lm.index()] = Some(Keypoint::xy(*x, *y));
        }
        p
    }

    #[test]
    fn a_side_view_of_one_straight_and_one_bent_leg() {
        use Landmark::*;
        // Seen from the left: hips at (0.3, 0.6), the left leg straight along
        // the floor, the right knee folded back under the hip.
        let p = pose(&[
            (LeftShoulder, 0.32, 0.3),
            (RightShoulder, 0.3, 0.3),
            (LeftHip, 0.31, 0.6),
            (RightHip, 0.3, 0.6),
            (LeftKnee, 0.5, 0.6),
            (LeftAnkle, 0.7, 0.6),
            (RightKnee, 0.45, 0.62),
            (RightAnkle, 0.33, 0.63),
            (Nose, 0.33, 0.22),
        ]);
        let m = PlaneMeasures::of(&p, 1000, 1000).unwrap();
        assert_eq!(m.straight_leg, Side::Left);
        assert!(m.get("straight_knee_deg").unwrap() > 175.0);
        assert!(m.get("bent_knee_deg").unwrap() < 30.0);
        let hip = m.get("straight_hip_deg").unwrap();
        assert!((hip - 90.0).abs() < 5.0, "{hip}");
        assert!(m.get("trunk_from_vertical_deg").unwrap() < 5.0);
        // A mirrored picture measures the same.
        let mm = PlaneMeasures::of(&p.mirrored(), 1000, 1000).unwrap();
        assert_eq!(mm.straight_leg, Side::Right);
        for (a, b) in m.values.iter().zip(&mm.values) {
            match (a, b) {
                (Some(a), Some(b)) => assert!((a - b).abs() < 1e-3),
                _ => assert_eq!(a.is_some(), b.is_some()),
            }
        }
    }

    #[test]
    fn no_hips_no_measures() {
        let p = pose(&[(Landmark::Nose, 0.5, 0.5)]);
        assert!(PlaneMeasures::of(&p, 100, 100).is_none());
    }
}
