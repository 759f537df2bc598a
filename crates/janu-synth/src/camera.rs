//! The camera: a pinhole placed around the person, projection to BlazePose-style
//! image and world landmarks, and visibility from self-occlusion.
//!
//! # Conventions
//! * **Yaw** is where the camera stands around the person, seen from above, in
//!   degrees. With [`YawReference::Room`] (the default) 0 is the person's *left*
//!   side (a profile of their left), 90 straight in front of them (facing them,
//!   beyond their feet), 180 their right side, 270 behind. With
//!   [`YawReference::ExtendedLeg`] 0 is the side of the current extended leg (left
//!   for poses without one), 90 the front, 45 the front-diagonal of the extended
//!   foot, 180 the bent leg's side: the camera follows the side being practised.
//! * **Pitch** is how far the camera looks down at the person (positive = from
//!   above).
//! * **Image** landmarks: `x` right and `y` down, both normalised to the image
//!   (0..1 inside it); `z` is depth relative to the hip midpoint, positive away
//!   from the camera, in the units of `x` (metres times focal length over the
//!   hips' distance, divided by the image width), like BlazePose.
//! * **World** landmarks: metres, origin at the midpoint of the hip joints, axes
//!   aligned with the camera like BlazePose's: x to the image's right, y down,
//!   z away from the camera.
//! * `left_*`/`right_*` landmarks are always the person's own sides. A mirrored
//!   camera (a selfie webcam) flips the picture; like a landmark model run on the
//!   flipped picture, it then reports each side under the other side's name
//!   (exactly [`janu_body::Pose::mirrored`] of the unmirrored pose).

use janu_body::{DVec3, Keypoint, LANDMARK_COUNT, Landmark, Pose, Side, Vec3};
use serde::{Deserialize, Serialize};

use crate::SynthError;
use crate::body::{Dims, Skeleton};
use crate::math::{FORWARD, RIGHT, UP, Unit, smoothstep};

/// Visibility of a point the camera sees (the model's confidence is high but
/// rarely 1).
const VISIBLE: f64 = 0.97;
/// Visibility of a point fully hidden behind the body (a landmark model still
/// guesses it, with low confidence).
const HIDDEN: f64 = 0.12;
/// Visibility of a point outside the picture.
const OUT_OF_FRAME: f64 = 0.05;
/// Person presence reported with every frame in which somebody is found.
const PRESENCE: f32 = 0.99;
/// Extra depth, as a fraction of height, a point must lie behind another body
/// part's surface before it counts as hidden (keeps grazing rays visible).
const OCCLUSION_MARGIN: f64 = 0.01;
/// A ray counts as fully blocked once it passes this fraction of the occluder's
/// radius inside it; partial visibility before that.
const FULL_BLOCK_DEPTH: f64 = 0.5;

/// What camera yaw 0 refers to.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, Default)]
#[serde(rename_all = "snake_case")]
pub enum YawReference {
    /// Fixed in the room: 0 = the person's left side. One camera for the whole
    /// session, as at home.
    #[default]
    Room,
    /// Follows the practised side: 0 = the current extended leg's side.
    ExtendedLeg,
}

/// A pinhole camera looking at the person.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct Camera {
    /// Where the camera stands around the person, degrees (see module docs).
    /// Default 45: the front-left diagonal, which shows both legs.
    pub yaw_deg: f64,
    /// What yaw 0 refers to. Default [`YawReference::Room`].
    pub yaw_from: YawReference,
    /// Looking down at the person, degrees. Default 8: a laptop or phone on a low
    /// stool a few metres away.
    pub pitch_deg: f64,
    /// Distance from the point looked at, metres. Default 3.0: a seated person
    /// with legs extended fills about 40 % of the picture's width.
    pub distance_m: f64,
    /// Focal length in pixels. Default 1108: a 60 degree horizontal field of view
    /// at 1280 pixels, a typical webcam.
    pub focal_px: f64,
    /// Image width in pixels. Default 1280.
    pub width: u32,
    /// Image height in pixels. Default 720.
    pub height: u32,
    /// Whether the picture is mirrored (a selfie webcam). Default false.
    pub mirrored: bool,
    /// The point looked at, in the mat frame (metres: forward, up, right of the
    /// floor under the sitting bones). Default (0.4, 0.3, 0): between hips and
    /// feet, at chest height of a fold.
    pub look_at_m: [f64; 3],
}

impl Default for Camera {
    fn default() -> Self {
        Self {
            yaw_deg: 45.0,
            yaw_from: YawReference::Room,
            pitch_deg: 8.0,
            distance_m: 3.0,
            focal_px: 1108.0,
            width: 1280,
            height: 720,
            mirrored: false,
            look_at_m: [0.4, 0.3, 0.0],
        }
    }
}

impl Camera {
    /// A camera at `yaw_deg` from the extended leg's side (0 side, 90 front, 45
    /// front-diagonal of the extended foot); it follows the practised side.
    pub fn from_extended_leg(yaw_deg: f64) -> Self {
        Self {
            yaw_deg,
            yaw_from: YawReference::ExtendedLeg,
            ..Self::default()
        }
    }

    /// A fixed camera at `yaw_deg` in the room (0 = the person's left side).
    pub fn room(yaw_deg: f64) -> Self {
        Self {
            yaw_deg,
            ..Self::default()
        }
    }

    /// The same, mirrored like a selfie webcam.
    pub fn mirror(mut self) -> Self {
        self.mirrored = true;
        self
    }

    /// The room yaw for a segment whose extended leg is `extended` (if any).
    pub fn room_yaw(&self, extended: Option<Side>) -> f64 {
        match (self.yaw_from, extended) {
            (YawReference::ExtendedLeg, Some(Side::Right)) => 180.0 - self.yaw_deg,
            _ => self.yaw_deg,
        }
    }

    /// Check the parameters.
    ///
    /// # Errors
    /// [`SynthError::Invalid`] naming the bad parameter.
    pub fn validate(&self) -> Result<(), SynthError> {
        let bad = |m: String| Err(SynthError::Invalid(m));
        if !self.yaw_deg.is_finite() {
            return bad("camera yaw must be a number".into());
        }
        if !(self.pitch_deg.is_finite() && (-60.0..=80.0).contains(&self.pitch_deg)) {
            return bad(format!(
                "camera pitch {} must be -60..80 degrees",
                self.pitch_deg
            ));
        }
        if !(self.distance_m.is_finite() && (0.8..=50.0).contains(&self.distance_m)) {
            return bad(format!(
                "camera distance {} m must be 0.8..50",
                self.distance_m
            ));
        }
        if !(self.focal_px.is_finite() && self.focal_px > 1.0) {
            return bad(format!(
                "camera focal length {} px must be above 1",
                self.focal_px
            ));
        }
        if self.width < 16 || self.height < 16 || self.width > 16384 || self.height > 16384 {
            return bad(format!(
                "image size {}x{} must be 16..16384 pixels each way",
                self.width, self.height
            ));
        }
        if !self.look_at_m.iter().all(|v| v.is_finite()) {
            return bad("camera look_at_m must be numbers".into());
        }
        Ok(())
    }
}

/// The camera placed in the mat frame for one segment.
#[derive(Debug, Clone, Copy)]
pub(crate) struct View {
    pub eye: DVec3,
    /// Image right, image down, optical axis.
    pub right: DVec3,
    pub down: DVec3,
    pub ahead: DVec3,
    pub focal: f64,
    pub width: f64,
    pub height: f64,
    pub mirrored: bool,
}

impl View {
    pub fn new(cam: &Camera, extended: Option<Side>) -> Self {
        let yaw = cam.room_yaw(extended).to_radians();
        let pitch = cam.pitch_deg.to_radians();
        let horiz = -RIGHT * yaw.cos() + FORWARD * yaw.sin();
        let target = DVec3::new(cam.look_at_m[0], cam.look_at_m[1], cam.look_at_m[2]);
        let eye = target + (horiz * pitch.cos() + UP * pitch.sin()) * cam.distance_m;
        let ahead = (target - eye).unit();
        let right = ahead.cross(UP).unit();
        let down = ahead.cross(right).unit();
        Self {
            eye,
            right,
            down,
            ahead,
            focal: cam.focal_px,
            width: f64::from(cam.width),
            height: f64::from(cam.height),
            mirrored: cam.mirrored,
        }
    }

    /// Camera coordinates (right, down, depth) of a point.
    fn cam(&self, p: DVec3) -> DVec3 {
        let v = p - self.eye;
        DVec3::new(v.dot(self.right), v.dot(self.down), v.dot(self.ahead))
    }

    /// Pixel position of a point (x right, y down), if it is in front of the camera.
    pub fn pixel(&self, p: DVec3) -> Option<(f64, f64)> {
        let c = self.cam(p);
        (c.z > 0.05).then(|| {
            (
                self.width / 2.0 + self.focal * c.x / c.z,
                self.height / 2.0 + self.focal * c.y / c.z,
            )
        })
    }
}

/// A body part's volume for occlusion: a capsule round the segment `a`-`b`.
struct Capsule {
    a: DVec3,
    b: DVec3,
    r: f64,
    /// Landmarks inside this part, which it cannot hide.
    owners: Vec<Landmark>,
}

/// How deep under the skin each landmark lies, fraction of height.
fn depth_under_skin(l: Landmark) -> f64 {
    use Landmark::*;
    match l {
        LeftEar | RightEar => 0.012,
        Nose | LeftEyeInner | LeftEye | LeftEyeOuter | RightEyeInner | RightEye | RightEyeOuter
        | MouthLeft | MouthRight => 0.005,
        LeftShoulder | RightShoulder => 0.025,
        LeftElbow | RightElbow => 0.02,
        LeftWrist | RightWrist => 0.015,
        LeftPinky | RightPinky | LeftIndex | RightIndex | LeftThumb | RightThumb => 0.008,
        LeftHip | RightHip => 0.04,
        LeftKnee | RightKnee => 0.025,
        LeftAnkle | RightAnkle => 0.02,
        LeftHeel | RightHeel | LeftFootIndex | RightFootIndex => 0.005,
    }
}

/// The body's volumes, radii as fractions of height from typical adult girths
/// (trunk ~0.2 m deep, thigh ~0.14 m, calf ~0.1 m, upper arm ~0.09 m thick).
fn capsules(d: &Dims, s: &Skeleton) -> Vec<Capsule> {
    use Landmark::*;
    let h = d.h;
    let mut out = Vec::with_capacity(24);
    let mut cap = |a: DVec3, b: DVec3, r: f64, owners: &[Landmark]| {
        out.push(Capsule {
            a,
            b,
            r: r * h,
            owners: owners.to_vec(),
        });
    };
    // Trunk: the spine lies at the back, so the trunk's axis runs in front of it.
    let n = s.spine.len();
    let fwd = |i: usize| {
        let w = i as f64 / (n - 1) as f64;
        s.pelvis.basis.f.lerp(s.thorax.f, w).unit() * (0.04 * h)
    };
    let picks = [0, n / 4, n / 2, 3 * n / 4, n - 1];
    for w in picks.windows(2) {
        cap(
            s.spine[w[0]] + fwd(w[0]),
            s.spine[w[1]] + fwd(w[1]),
            0.055,
            &[],
        );
    }
    // The belly: in front of the lumbar spine, from just above the hip joints to
    // the lower ribs; in a fold it fills the space between trunk and thigh.
    let pel = s.pelvis.basis;
    let belly_low = pel.at(s.pelvis.mid, 0.035 * h, 0.03 * h, 0.0);
    let belly_high = s.spine[n / 2] + s.thorax.f.lerp(pel.f, 0.5).unit() * (0.07 * h);
    cap(belly_low, belly_high, 0.05, &[]);
    for side in Side::BOTH {
        cap(
            s.get(side.hip()),
            s.get(side.shoulder()),
            0.045,
            &[side.hip(), side.shoulder()],
        );
    }
    cap(s.get(LeftHip), s.get(RightHip), 0.05, &[LeftHip, RightHip]);
    cap(
        s.get(LeftShoulder),
        s.get(RightShoulder),
        0.03,
        &[LeftShoulder, RightShoulder],
    );
    cap(s.spine[n - 1], s.head_origin, 0.03, &[]);
    // Head: a sphere a little above and in front of the ear line.
    let ears = s.get(LeftEar).lerp(s.get(RightEar), 0.5);
    let nose = s.get(Nose);
    let head_f = (nose - ears).unit();
    let head_c = ears + head_f * (0.005 * h) + s.thorax.u * (0.0);
    cap(head_c, head_c, 0.045, &[]);
    for side in Side::BOTH {
        let (pinky, index, thumb) = match side {
            Side::Left => (LeftPinky, LeftIndex, LeftThumb),
            Side::Right => (RightPinky, RightIndex, RightThumb),
        };
        cap(
            s.get(side.hip()),
            s.get(side.knee()),
            0.04,
            &[side.hip(), side.knee()],
        );
        cap(
            s.get(side.knee()),
            s.get(side.ankle()),
            0.028,
            &[side.knee(), side.ankle()],
        );
        cap(
            s.get(side.heel()),
            s.get(side.foot_index()),
            0.02,
            &[side.ankle(), side.heel(), side.foot_index()],
        );
        cap(
            s.get(side.shoulder()),
            s.get(side.elbow()),
            0.025,
            &[side.shoulder(), side.elbow()],
        );
        cap(
            s.get(side.elbow()),
            s.get(side.wrist()),
            0.02,
            &[side.elbow(), side.wrist()],
        );
        let hand_mid = s.get(index).lerp(s.get(pinky), 0.5);
        cap(
            s.get(side.wrist()),
            hand_mid,
            0.015,
            &[side.wrist(), pinky, index, thumb],
        );
    }
    out
}

/// Closest distance between segments p1-q1 and p2-q2 (Ericson, Real-Time
/// Collision Detection, 5.1.9).
fn segment_distance(p1: DVec3, q1: DVec3, p2: DVec3, q2: DVec3) -> f64 {
    let d1 = q1 - p1;
    let d2 = q2 - p2;
    let r = p1 - p2;
    let a = d1.dot(d1);
    let e = d2.dot(d2);
    let f = d2.dot(r);
    let eps = 1e-12;
    let (s, t);
    if a <= eps && e <= eps {
        return p1.distance(p2);
    }
    if a <= eps {
        s = 0.0;
        t = (f / e).clamp(0.0, 1.0);
    } else {
        let c = d1.dot(r);
        if e <= eps {
            t = 0.0;
            s = (-c / a).clamp(0.0, 1.0);
        } else {
            let b = d1.dot(d2);
            let denom = a * e - b * b;
            let mut s0 = if denom > eps {
                ((b * f - c * e) / denom).clamp(0.0, 1.0)
            } else {
                0.0
            };
            let mut t0 = (b * s0 + f) / e;
            if t0 < 0.0 {
                t0 = 0.0;
                s0 = (-c / a).clamp(0.0, 1.0);
            } else if t0 > 1.0 {
                t0 = 1.0;
                s0 = ((b - c) / a).clamp(0.0, 1.0);
            }
            s = s0;
            t = t0;
        }
    }
    (p1 + d1 * s).distance(p2 + d2 * t)
}

/// Visibility (0..1) of every landmark from this view: hidden behind another body
/// part, out of the picture, or seen.
pub(crate) fn visibilities(d: &Dims, s: &Skeleton, view: &View) -> [f64; LANDMARK_COUNT] {
    let caps = capsules(d, s);
    let mut vis = [VISIBLE; LANDMARK_COUNT];
    for l in Landmark::ALL {
        let p = s.get(l);
        let to = p - view.eye;
        let len = to.norm();
        let stop = len - (depth_under_skin(l) + OCCLUSION_MARGIN) * d.h;
        let mut blocked: f64 = 0.0;
        if stop > 0.0 {
            let end = view.eye + to * (stop / len);
            for c in &caps {
                if c.owners.contains(&l) {
                    continue;
                }
                let dist = segment_distance(view.eye, end, c.a, c.b);
                let inside = (c.r - dist) / (FULL_BLOCK_DEPTH * c.r);
                if inside > 0.0 {
                    blocked = blocked.max(smoothstep(inside));
                }
            }
        }
        let mut v = VISIBLE - (VISIBLE - HIDDEN) * blocked;
        match view.pixel(p) {
            Some((x, y)) if (0.0..=view.width).contains(&x) && (0.0..=view.height).contains(&y) => {
            }
            _ => v = v.min(OUT_OF_FRAME),
        }
        vis[l.index()] = v;
    }
    vis
}

/// The noiseless pose this view records of the skeleton: image keypoints with
/// visibility, BlazePose-style world landmarks, presence. Points behind the camera
/// are left out. Mirroring is applied last.
pub(crate) fn observe(d: &Dims, s: &Skeleton, view: &View) -> Pose {
    let vis = visibilities(d, s, view);
    let hip_mid = s
        .get(Landmark::LeftHip)
        .lerp(s.get(Landmark::RightHip), 0.5);
    let hip_depth = (hip_mid - view.eye).dot(view.ahead);
    let mut pose = Pose::empty();
    let mut world = [Vec3::ZERO; LANDMARK_COUNT];
    for l in Landmark::ALL {
        let p = s.get(l);
        if let Some((px, py)) = view.pixel(p) {
            let depth = (p - view.eye).dot(view.ahead);
            let z = (depth - hip_depth) * view.focal / hip_depth / view.width;
            pose.landmarks[l.index()] = Some(Keypoint {
                x: (px / view.width) as f32,
                y: (py / view.height) as f32,
                z: Some(z as f32),
                visibility: Some(vis[l.index()] as f32),
            });
        }
        let w = p - hip_mid;
        world[l.index()] =
            DVec3::new(w.dot(view.right), w.dot(view.down), w.dot(view.ahead)).as_vec3();
    }
    pose.world = Some(world);
    pose.presence = Some(PRESENCE);
    if view.mirrored { pose.mirrored() } else { pose }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn segment_distance_cases() {
        let o = DVec3::ZERO;
        let x = DVec3::new(1.0, 0.0, 0.0);
        let y1 = DVec3::new(0.5, 1.0, -1.0);
        let y2 = DVec3::new(0.5, 1.0, 1.0);
        assert!((segment_distance(o, x, y1, y2) - 1.0).abs() < 1e-12);
        assert!(
            (segment_distance(o, x, DVec3::new(2.0, 0.0, 0.0), DVec3::new(3.0, 0.0, 0.0)) - 1.0)
                .abs()
                < 1e-12
        );
        assert!((segment_distance(o, o, y1, y1) - y1.norm()).abs() < 1e-12);
    }

    #[test]
    fn yaw_places_the_camera_around_the_person() {
        let front = View::new(&Camera::room(90.0), None);
        assert!(front.eye.x > 2.0, "front camera stands ahead of the person");
        let left = View::new(&Camera::room(0.0), None);
        assert!(left.eye.z < -2.0, "yaw 0 is on the person's left");
        let follow = Camera::from_extended_leg(0.0);
        assert!(View::new(&follow, Some(Side::Right)).eye.z > 2.0);
        // Facing the person, their left appears on the image's right.
        let (xl, _) = front.pixel(DVec3::new(0.0, 0.3, -0.2)).unwrap();
        let (xr, _) = front.pixel(DVec3::new(0.0, 0.3, 0.2)).unwrap();
        assert!(xl > xr);
    }
}
