//! One frame's body resolved into a single coordinate space, with every landmark
//! gated on visibility.
//!
//! World landmarks (metres, origin between the hips) are preferred when the frame
//! has them; otherwise image landmarks are turned into pixels with
//! [`Pose::pixel`] so that the image's aspect ratio does not distort angles. The
//! image depth `z` is used only when every known landmark has one; otherwise the
//! body is flattened onto the image plane and angles are 2-D projections.

use janu_body::{Frame, LANDMARK_COUNT, Landmark, Pose, Side, Vec3};
use serde::{Deserialize, Serialize};

use crate::measures::PlaneMeasures;

/// A landmark below this visibility counts as not seen. MediaPipe draws landmarks
/// only above 0.5 by default; on the shared real photos the hidden far leg of a
/// side view scores 0.02-0.45 and the near leg 0.6-1.0.
pub const MIN_VISIBILITY: f32 = 0.5;

/// The coordinate space a frame's metrics were measured in.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Basis {
    /// World landmarks in metres (3-D).
    World,
    /// Image landmarks in pixels with the estimator's relative depth (3-D).
    Image,
    /// Image landmarks in pixels without depth: angles are projections on the
    /// picture and depend on where the camera stands.
    ImageFlat,
}

/// Landmarks used whatever their visibility: the hips. BlazePose anchors its
/// whole body model at them (the detector's first keypoint is the hip midpoint,
/// the crop and the world origin are built around it), so they stay well placed
/// when a folded trunk covers them, as it does in most views of a deep fold.
pub const ANCHORS: [Landmark; 2] = [Landmark::LeftHip, Landmark::RightHip];

/// One frame's body: points in one coordinate space, `None` where a landmark is
/// missing or not visible enough.
#[derive(Debug, Clone)]
pub struct Body {
    /// The coordinate space of [`Body::point`].
    pub basis: Basis,
    points: [Option<Vec3>; LANDMARK_COUNT],
    /// Every known point, whatever its visibility.
    all_points: [Option<Vec3>; LANDMARK_COUNT],
    visibility: [f32; LANDMARK_COUNT],
    /// The landmarks' span (bounding box diagonal) as a share of the picture's
    /// diagonal.
    picture_share: Option<f32>,
    /// The picture-plane measures recognition reads (every point, whatever its
    /// visibility), or `None` when the hips or thighs are missing.
    pub plane: Option<PlaneMeasures>,
}

/// The direction "up" (against gravity) in both world and image coordinates, whose
/// y axis points down. This assumes a roughly level camera.
pub const UP: Vec3 = Vec3::new(0.0, -1.0, 0.0);

impl Body {
    /// Resolve a frame's pose, or `None` when nobody is in the frame.
    pub fn from_frame(frame: &Frame) -> Option<Self> {
        let pose = frame.pose.as_ref()?;
        Some(Self::from_pose(pose, frame.width, frame.height))
    }

    /// Resolve a pose seen in a `width` x `height` image.
    pub fn from_pose(pose: &Pose, width: u32, height: u32) -> Self {
        let mut visibility = [0.0f32; LANDMARK_COUNT];
        for lm in Landmark::ALL {
            if let Some(k) = pose.get(lm) {
                visibility[lm.index()] = k.visibility_or_one();
            }
        }
        let known = pose.landmarks.iter().flatten();
        let has_depth = pose.known_count() > 0 && known.clone().all(|k| k.z.is_some());
        let basis = if pose.world.is_some() {
            Basis::World
        } else if has_depth {
            Basis::Image
        } else {
            Basis::ImageFlat
        };
        let mut points = [None; LANDMARK_COUNT];
        let mut all_points = [None; LANDMARK_COUNT];
        for lm in Landmark::ALL {
            let i = lm.index();
            if pose.get(lm).is_none() {
                continue;
            }
            let p = match basis {
                Basis::World => pose.world_point(lm),
                Basis::Image => pose.pixel(lm, width, height),
                Basis::ImageFlat => pose.pixel(lm, width, height).map(Vec3::flat),
            };
            all_points[i] = p.filter(|p| p.is_finite());
            let gated = !ANCHORS.contains(&lm) && visibility[i] < MIN_VISIBILITY;
            if !gated {
                points[i] = all_points[i];
            }
        }
        Self {
            basis,
            points,
            all_points,
            visibility,
            picture_share: picture_share(pose, width, height),
            plane: PlaneMeasures::of(pose, width, height),
        }
    }

    /// The point of `lm` if it is known and visible.
    pub fn point(&self, lm: Landmark) -> Option<Vec3> {
        self.points[lm.index()]
    }

    /// The point of `lm` if it is known, however poorly visible.
    pub fn any_point(&self, lm: Landmark) -> Option<Vec3> {
        self.all_points[lm.index()]
    }

    /// True when the estimator placed `lm` at all.
    pub fn has_landmark(&self, lm: Landmark) -> bool {
        self.all_points[lm.index()].is_some()
    }

    /// How large the person is in the picture: the span of the landmarks as a
    /// share of the picture's diagonal.
    pub fn picture_share(&self) -> Option<f32> {
        self.picture_share
    }

    /// The visibility of `lm` (0 when missing).
    pub fn visibility(&self, lm: Landmark) -> f32 {
        self.visibility[lm.index()]
    }

    /// The lowest visible point of a leg's shin: the ankle, or when hands or the
    /// other leg cover it, the heel, else the toe landmark.
    pub fn distal(&self, side: Side) -> Option<(Landmark, Vec3)> {
        [side.ankle(), side.heel(), side.foot_index()]
            .into_iter()
            .find_map(|lm| self.point(lm).map(|p| (lm, p)))
    }

    /// True when the hip, the knee and a point of the shin of `side` are visible.
    pub fn leg_visible(&self, side: Side) -> bool {
        self.thigh_visible(side) && self.distal(side).is_some()
    }

    /// True when the hip and the knee of `side` are visible.
    pub fn thigh_visible(&self, side: Side) -> bool {
        self.point(side.hip()).is_some() && self.point(side.knee()).is_some()
    }

    /// Mean visibility of a leg's hip, knee and ankle.
    pub fn leg_visibility(&self, side: Side) -> f32 {
        (self.visibility(side.hip()) + self.visibility(side.knee()) + self.visibility(side.ankle()))
            / 3.0
    }

    /// Midpoint of two landmarks when both are visible, else the one that is.
    pub fn mid_or_one(&self, a: Landmark, b: Landmark) -> Option<Vec3> {
        match (self.point(a), self.point(b)) {
            (Some(a), Some(b)) => Some(a.midpoint(b)),
            (a, b) => a.or(b),
        }
    }

    /// Midpoint of the hips.
    pub fn hip_mid(&self) -> Option<Vec3> {
        self.mid_or_one(Landmark::LeftHip, Landmark::RightHip)
    }

    /// Midpoint of the shoulders.
    pub fn shoulder_mid(&self) -> Option<Vec3> {
        self.mid_or_one(Landmark::LeftShoulder, Landmark::RightShoulder)
    }

    /// The head point: the nose, else between the ears, else one ear. The same
    /// point is used in every frame it can be, so that head measures compare.
    pub fn head(&self) -> Option<Vec3> {
        self.point(Landmark::Nose)
            .or_else(|| self.mid_or_one(Landmark::LeftEar, Landmark::RightEar))
    }

    /// Torso length: shoulder midpoint to hip midpoint (the chord of the spine).
    pub fn torso_length(&self) -> Option<f32> {
        let len = self.shoulder_mid()?.distance(self.hip_mid()?);
        (len > f32::EPSILON).then_some(len)
    }

    /// Thigh length of `side` (hip to knee), if visible.
    pub fn thigh_length(&self, side: Side) -> Option<f32> {
        let len = self.point(side.hip())?.distance(self.point(side.knee())?);
        (len > f32::EPSILON).then_some(len)
    }

    /// The knee angle (hip-knee-shin point, see [`Body::distal`]) of `side` in
    /// degrees, 180 = straight, if the leg is visible.
    pub fn knee_angle(&self, side: Side) -> Option<f32> {
        janu_body::geometry::joint_angle_deg(
            self.point(side.hip())?,
            self.point(side.knee())?,
            self.distal(side)?.1,
        )
    }

    /// The typical length unit of this body: torso length, or when the torso is
    /// not seen, a thigh length scaled to a torso by [`TORSO_PER_THIGH`].
    pub fn scale(&self) -> Option<f32> {
        self.torso_length().or_else(|| {
            Side::BOTH
                .iter()
                .filter_map(|s| self.thigh_length(*s))
                .reduce(f32::max)
                .map(|t| t * TORSO_PER_THIGH)
        })
    }
}

/// The landmarks' bounding box diagonal over the picture's diagonal.
fn picture_share(pose: &Pose, width: u32, height: u32) -> Option<f32> {
    let (w, h) = (width as f32, height as f32);
    let mut xs = pose.landmarks.iter().flatten().map(|k| k.x * w);
    let first = xs.next()?;
    let (mut x0, mut x1) = (first, first);
    for x in xs {
        x0 = x0.min(x);
        x1 = x1.max(x);
    }
    let ys: Vec<f32> = pose.landmarks.iter().flatten().map(|k| k.y * h).collect();
    let y0 = ys.iter().copied().fold(f32::INFINITY, f32::min);
    let y1 = ys.iter().copied().fold(f32::NEG_INFINITY, f32::max);
    let diag = (w * w + h * h).sqrt();
    let span = ((x1 - x0).powi(2) + (y1 - y0).powi(2)).sqrt();
    (diag > 0.0 && span.is_finite()).then(|| span / diag)
}

/// Upright torso length (shoulder midpoint to hip midpoint) per thigh length
/// (hip to knee). Measured on the MediaPipe world landmarks of the 55 upright real
/// photos in the shared data (Baddha Konasana, Dandasana): mean 1.29, sd 0.08;
/// rounded down a little because a rounded back shortens it.
pub const TORSO_PER_THIGH: f32 = 1.25;

/// Signed angle in degrees of the line `a -> b` out of the plane perpendicular to
/// `axis` (0 when `a -> b` is perpendicular to `axis`, positive when it leans
/// along `axis`).
pub fn lean_deg(a: Vec3, b: Vec3, axis: Vec3) -> Option<f32> {
    let d = (b - a).normalized()?;
    let axis = axis.normalized()?;
    Some(d.dot(axis).clamp(-1.0, 1.0).asin().to_degrees())
}

/// Closest point parameter of `p` on the segment `a -> b`: 0 at `a`, 1 at `b`,
/// unclamped, and the distance from `p` to the (clamped) segment.
pub fn project_on_segment(p: Vec3, a: Vec3, b: Vec3) -> Option<(f32, f32)> {
    let ab = b - a;
    let len2 = ab.dot(ab);
    if len2 <= f32::EPSILON {
        return None;
    }
    let t = (p - a).dot(ab) / len2;
    let closest = a + ab * t.clamp(0.0, 1.0);
    Some((t, p.distance(closest)))
}

#[cfg(test)]
mod tests {
    use super::*;
    use janu_body::Keypoint;

    #[test]
    fn hidden_points_are_gated_and_image_uses_pixels() {
        let mut pose = Pose::empty();
        pose.landmarks[Landmark::LeftHip.index()] = Some(Keypoint {
            x: 0.5,
            y: 0.5,
            z: None,
            visibility: Some(0.9),
        });
        pose.landmarks[Landmark::LeftKnee.index()] = Some(Keypoint {
            x: 0.75,
            y: 0.5,
            z: None,
            visibility: Some(0.2),
        });
        let body = Body::from_pose(&pose, 200, 100);
        assert_eq!(body.basis, Basis::ImageFlat);
        assert_eq!(
            body.point(Landmark::LeftHip),
            Some(Vec3::new(100.0, 50.0, 0.0))
        );
        assert_eq!(body.point(Landmark::LeftKnee), None);
        assert!((body.visibility(Landmark::LeftKnee) - 0.2).abs() < 1e-6);
    }

    #[test]
    fn segment_projection() {
        let (t, d) = project_on_segment(
            Vec3::new(0.5, 1.0, 0.0),
            Vec3::ZERO,
            Vec3::new(1.0, 0.0, 0.0),
        )
        .unwrap();
        assert!((t - 0.5).abs() < 1e-6 && (d - 1.0).abs() < 1e-6);
        let lean = lean_deg(Vec3::ZERO, Vec3::new(1.0, 1.0, 0.0), UP).unwrap();
        assert!((lean + 45.0).abs() < 1e-3);
    }
}
