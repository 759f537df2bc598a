//! Small 3-D vector maths for joint angles and distances.

use std::ops::{Add, Div, Mul, Neg, Sub};

/// A point or direction in 3-D. For image landmarks the units are pixels (x right,
/// y down, z towards the camera's far side); for world landmarks, metres.
#[derive(Debug, Clone, Copy, PartialEq, Default)]
pub struct Vec3 {
    /// x component.
    pub x: f32,
    /// y component.
    pub y: f32,
    /// z component.
    pub z: f32,
}

impl Vec3 {
    /// The zero vector.
    pub const ZERO: Vec3 = Vec3::new(0.0, 0.0, 0.0);

    /// A vector from its components.
    pub const fn new(x: f32, y: f32, z: f32) -> Self {
        Self { x, y, z }
    }

    /// The same vector with z set to 0 (its projection on the image plane).
    pub const fn flat(self) -> Self {
        Self::new(self.x, self.y, 0.0)
    }

    /// Dot product.
    pub fn dot(self, o: Self) -> f32 {
        self.x * o.x + self.y * o.y + self.z * o.z
    }

    /// Cross product.
    pub fn cross(self, o: Self) -> Self {
        Self::new(
            self.y * o.z - self.z * o.y,
            self.z * o.x - self.x * o.z,
            self.x * o.y - self.y * o.x,
        )
    }

    /// Euclidean length.
    pub fn norm(self) -> f32 {
        self.dot(self).sqrt()
    }

    /// Distance to another point.
    pub fn distance(self, o: Self) -> f32 {
        (self - o).norm()
    }

    /// Unit vector in the same direction, or `None` for a (near) zero vector.
    pub fn normalized(self) -> Option<Self> {
        let n = self.norm();
        (n > f32::EPSILON).then(|| self / n)
    }

    /// Midpoint between two points.
    pub fn midpoint(self, o: Self) -> Self {
        (self + o) * 0.5
    }

    /// True when every component is finite.
    pub fn is_finite(self) -> bool {
        self.x.is_finite() && self.y.is_finite() && self.z.is_finite()
    }
}

impl Add for Vec3 {
    type Output = Vec3;
    fn add(self, o: Vec3) -> Vec3 {
        Vec3::new(self.x + o.x, self.y + o.y, self.z + o.z)
    }
}
impl Sub for Vec3 {
    type Output = Vec3;
    fn sub(self, o: Vec3) -> Vec3 {
        Vec3::new(self.x - o.x, self.y - o.y, self.z - o.z)
    }
}
impl Mul<f32> for Vec3 {
    type Output = Vec3;
    fn mul(self, s: f32) -> Vec3 {
        Vec3::new(self.x * s, self.y * s, self.z * s)
    }
}
impl Div<f32> for Vec3 {
    type Output = Vec3;
    fn div(self, s: f32) -> Vec3 {
        Vec3::new(self.x / s, self.y / s, self.z / s)
    }
}
impl Neg for Vec3 {
    type Output = Vec3;
    fn neg(self) -> Vec3 {
        Vec3::new(-self.x, -self.y, -self.z)
    }
}

/// Angle between two directions in degrees (0..=180), or `None` if either is zero.
pub fn angle_between_deg(a: Vec3, b: Vec3) -> Option<f32> {
    let (a, b) = (a.normalized()?, b.normalized()?);
    Some(a.dot(b).clamp(-1.0, 1.0).acos().to_degrees())
}

/// The angle at `vertex` formed by the segments to `a` and `b`, in degrees (0..=180).
/// A straight limb (hip, knee, ankle in a line) measures 180.
pub fn joint_angle_deg(a: Vec3, vertex: Vec3, b: Vec3) -> Option<f32> {
    angle_between_deg(a - vertex, b - vertex)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn right_angle_and_straight_line() {
        let o = Vec3::ZERO;
        let x = Vec3::new(1.0, 0.0, 0.0);
        let y = Vec3::new(0.0, 2.0, 0.0);
        assert!((joint_angle_deg(x, o, y).unwrap() - 90.0).abs() < 1e-4);
        assert!((joint_angle_deg(x, o, -x).unwrap() - 180.0).abs() < 1e-3);
        assert_eq!(joint_angle_deg(o, o, x), None);
    }

    #[test]
    fn cross_follows_right_hand_rule() {
        let z = Vec3::new(1.0, 0.0, 0.0).cross(Vec3::new(0.0, 1.0, 0.0));
        assert_eq!(z, Vec3::new(0.0, 0.0, 1.0));
    }
}
