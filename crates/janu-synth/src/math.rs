//! Small f64 vector and rotation helpers for the kinematic model.
//!
//! The model works in f64 (so that angles set and angles measured agree to far
//! better than the 0.5 degree the tests allow), on janu-body's [`janu_body::DVec3`]
//!, and rounds to the f32 [`janu_body::Vec3`] only when it writes
//! landmarks.

use janu_body::DVec3;

/// The mat frame's forward axis: the way the person faces, along the extended leg.
pub(crate) const FORWARD: DVec3 = DVec3::new(1.0, 0.0, 0.0);
/// The mat frame's up axis (away from the floor).
pub(crate) const UP: DVec3 = DVec3::new(0.0, 1.0, 0.0);
/// The mat frame's right axis: the person's own right. `FORWARD x UP = RIGHT`.
pub(crate) const RIGHT: DVec3 = DVec3::new(0.0, 0.0, 1.0);

/// The model's unit vector, which differs from [`DVec3::normalized`] in its last
/// bits (it multiplies by the reciprocal of the length): generated sessions
/// depend on those bits, so the model keeps it.
pub(crate) trait Unit {
    /// Unit vector; a zero vector stays zero (callers never pass one on purpose).
    fn unit(self) -> Self;
}

impl Unit for DVec3 {
    fn unit(self) -> Self {
        let n = self.norm();
        if n > 1e-12 { self * (1.0 / n) } else { self }
    }
}

/// Rotate `v` about the unit vector `axis` by `angle_deg` (right-hand rule).
pub(crate) fn rotate(v: DVec3, axis: DVec3, angle_deg: f64) -> DVec3 {
    let (s, c) = angle_deg.to_radians().sin_cos();
    v * c + axis.cross(v) * s + axis * (axis.dot(v) * (1.0 - c))
}

/// Angle between two directions in degrees (0..=180).
pub(crate) fn angle_deg(a: DVec3, b: DVec3) -> f64 {
    let (a, b) = (a.unit(), b.unit());
    a.dot(b).clamp(-1.0, 1.0).acos().to_degrees()
}

/// Signed angle in degrees that turns `from` into `to` about the unit `axis`
/// (both are first made perpendicular to the axis).
pub(crate) fn signed_angle_deg(from: DVec3, to: DVec3, axis: DVec3) -> f64 {
    let (f, t) = (from.reject(axis), to.reject(axis));
    axis.dot(f.cross(t)).atan2(f.dot(t)).to_degrees()
}

/// A right-handed orthonormal frame: `f` forward, `u` up, `r` right (`f x u = r`).
#[derive(Debug, Clone, Copy, PartialEq)]
pub(crate) struct Basis {
    pub f: DVec3,
    pub u: DVec3,
    pub r: DVec3,
}

impl Basis {
    /// The mat frame itself.
    pub const MAT: Basis = Basis {
        f: FORWARD,
        u: UP,
        r: RIGHT,
    };

    /// Every axis rotated about `axis` by `angle_deg`.
    pub fn rotated(self, axis: DVec3, angle_deg: f64) -> Self {
        Self {
            f: rotate(self.f, axis, angle_deg),
            u: rotate(self.u, axis, angle_deg),
            r: rotate(self.r, axis, angle_deg),
        }
    }

    /// Bend forward (flexion) by `deg`: `u` tips towards `f`.
    pub fn flexed(self, deg: f64) -> Self {
        self.rotated(self.r, -deg)
    }

    /// Bend sideways by `deg`: positive tips `u` towards `r` (the person's right).
    pub fn side_bent(self, deg: f64) -> Self {
        self.rotated(self.f, deg)
    }

    /// Turn about the long axis by `deg`: positive turns `f` towards the person's left.
    pub fn twisted(self, deg: f64) -> Self {
        self.rotated(self.u, deg)
    }

    /// The point `origin + a*f + b*u + c*r`.
    pub fn at(self, origin: DVec3, fwd: f64, up: f64, right: f64) -> DVec3 {
        origin + self.f * fwd + self.u * up + self.r * right
    }
}

/// Hermite smoothstep of `x` clamped to 0..1: eases in and out of a movement.
pub(crate) fn smoothstep(x: f64) -> f64 {
    let x = x.clamp(0.0, 1.0);
    x * x * (3.0 - 2.0 * x)
}

/// Linear interpolation of two numbers.
pub(crate) fn lerp(a: f64, b: f64, w: f64) -> f64 {
    a + (b - a) * w
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn axes_are_right_handed_and_rotations_mean_what_they_say() {
        assert_eq!(FORWARD.cross(UP), RIGHT);
        let b = Basis::MAT.flexed(90.0);
        assert!(
            (b.u - FORWARD).norm() < 1e-12,
            "flexion tips up towards forward"
        );
        let b = Basis::MAT.side_bent(90.0);
        assert!(
            (b.u - RIGHT).norm() < 1e-12,
            "positive side bend goes right"
        );
        let b = Basis::MAT.twisted(90.0);
        assert!(
            (b.f + RIGHT).norm() < 1e-12,
            "positive twist turns to the left"
        );
        assert!((signed_angle_deg(FORWARD, -RIGHT, UP) - 90.0).abs() < 1e-9);
        assert!((angle_deg(FORWARD, UP) - 90.0).abs() < 1e-9);
    }
}
