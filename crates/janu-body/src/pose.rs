//! One person's landmarks in one frame.

use crate::geometry::Vec3;
use crate::landmark::{LANDMARK_COUNT, Landmark};

/// A landmark in the image. `x` and `y` are normalised to the image width and
/// height (0..1 inside the picture, a little outside is allowed); `z` is relative
/// depth on roughly the scale of `x` (smaller is nearer the camera); `visibility`
/// is the model's confidence (0..1) that the point is in view and not hidden.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Keypoint {
    /// Horizontal position, fraction of the image width.
    pub x: f32,
    /// Vertical position, fraction of the image height (down is positive).
    pub y: f32,
    /// Relative depth, if the estimator gives one.
    pub z: Option<f32>,
    /// Confidence that the point is visible (0..1), if the estimator gives one.
    pub visibility: Option<f32>,
}

impl Keypoint {
    /// A keypoint with only image coordinates.
    pub const fn xy(x: f32, y: f32) -> Self {
        Self {
            x,
            y,
            z: None,
            visibility: None,
        }
    }

    /// Visibility, counting "not given" as fully visible.
    pub fn visibility_or_one(&self) -> f32 {
        self.visibility.unwrap_or(1.0)
    }
}

/// The landmarks of one person: image keypoints (any may be missing), and world
/// coordinates in metres (origin between the hips, y down) when the estimator
/// gives them.
#[derive(Debug, Clone, PartialEq)]
pub struct Pose {
    /// Image keypoints in BlazePose order; `None` where the point is unknown.
    pub landmarks: [Option<Keypoint>; LANDMARK_COUNT],
    /// World coordinates in metres, BlazePose order, when available.
    pub world: Option<[Vec3; LANDMARK_COUNT]>,
    /// The estimator's confidence that a person is present (0..1), if given.
    pub presence: Option<f32>,
}

impl Pose {
    /// A pose with every landmark missing.
    pub const fn empty() -> Self {
        Self {
            landmarks: [None; LANDMARK_COUNT],
            world: None,
            presence: None,
        }
    }

    /// The keypoint of `lm`, if known.
    pub fn get(&self, lm: Landmark) -> Option<&Keypoint> {
        self.landmarks[lm.index()].as_ref()
    }

    /// The keypoint of `lm` if known and at least `min_visibility` visible
    /// (a keypoint without a visibility counts as visible).
    pub fn visible(&self, lm: Landmark, min_visibility: f32) -> Option<&Keypoint> {
        self.get(lm)
            .filter(|k| k.visibility_or_one() >= min_visibility)
    }

    /// The keypoint of `lm` in pixels of a `width` x `height` image: x and y in
    /// pixels, z scaled like x (so that distances and angles are not distorted by
    /// the image's aspect ratio).
    pub fn pixel(&self, lm: Landmark, width: u32, height: u32) -> Option<Vec3> {
        let k = self.get(lm)?;
        let (w, h) = (width as f32, height as f32);
        Some(Vec3::new(k.x * w, k.y * h, k.z.unwrap_or(0.0) * w))
    }

    /// The world coordinate of `lm` in metres, if the pose has world landmarks.
    pub fn world_point(&self, lm: Landmark) -> Option<Vec3> {
        self.world.as_ref().map(|w| w[lm.index()])
    }

    /// Number of landmarks that are known.
    pub fn known_count(&self) -> usize {
        self.landmarks.iter().flatten().count()
    }

    /// The pose as it would be seen in a mirror: x flipped and left and right
    /// swapped. Used to undo a mirrored webcam picture.
    pub fn mirrored(&self) -> Self {
        let mut out = Self::empty();
        for lm in Landmark::ALL {
            out.landmarks[lm.mirrored().index()] =
                self.get(lm).map(|k| Keypoint { x: 1.0 - k.x, ..*k });
        }
        out.world = self.world.map(|w| {
            let mut m = [Vec3::ZERO; LANDMARK_COUNT];
            for lm in Landmark::ALL {
                let p = w[lm.index()];
                m[lm.mirrored().index()] = Vec3::new(-p.x, p.y, p.z);
            }
            m
        });
        out.presence = self.presence;
        out
    }
}

/// One frame of a landmark sequence: its time, the image size and the person seen
/// (or `None` when nobody is).
#[derive(Debug, Clone, PartialEq)]
pub struct Frame {
    /// Time in seconds from the start of the video (0 for a photo).
    pub t: f64,
    /// Image width in pixels.
    pub width: u32,
    /// Image height in pixels.
    pub height: u32,
    /// The person's landmarks, or `None` when nobody was found.
    pub pose: Option<Pose>,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn mirroring_swaps_sides_and_flips_x() {
        let mut p = Pose::empty();
        p.landmarks[Landmark::LeftKnee.index()] = Some(Keypoint::xy(0.25, 0.5));
        let m = p.mirrored();
        assert_eq!(m.get(Landmark::LeftKnee), None);
        let k = m.get(Landmark::RightKnee).unwrap();
        assert!((k.x - 0.75).abs() < 1e-6 && (k.y - 0.5).abs() < 1e-6);
        assert_eq!(m.mirrored(), p);
    }

    #[test]
    fn pixels_use_the_image_aspect() {
        let mut p = Pose::empty();
        p.landmarks[0] = Some(Keypoint {
            x: 0.5,
            y: 0.5,
            z: Some(0.1),
            visibility: Some(0.2),
        });
        let v = p.pixel(Landmark::Nose, 200, 100).unwrap();
        assert_eq!(v, Vec3::new(100.0, 50.0, 20.0));
        assert!(p.visible(Landmark::Nose, 0.5).is_none());
        assert!(p.visible(Landmark::Nose, 0.1).is_some());
    }
}
