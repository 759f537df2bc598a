//! Small 3-D vector maths for joint angles and distances.

use std::ops::{Add, Div, Mul, Neg, Sub};

/// Declares a 3-D vector type over one float type, with the same operations for
/// each (as glam's `Vec3` and `DVec3`).
macro_rules! vec3_type {
    ($(#[$meta:meta])* $name:ident, $t:ty) => {
        $(#[$meta])*
        #[derive(Debug, Clone, Copy, PartialEq, Default)]
        pub struct $name {
            /// x component.
            pub x: $t,
            /// y component.
            pub y: $t,
            /// z component.
            pub z: $t,
        }

        impl $name {
            /// The zero vector.
            pub const ZERO: $name = $name::new(0.0, 0.0, 0.0);

            /// A vector from its components.
            pub const fn new(x: $t, y: $t, z: $t) -> Self {
                Self { x, y, z }
            }

            /// The same vector with z set to 0 (its projection on the image plane).
            pub const fn flat(self) -> Self {
                Self::new(self.x, self.y, 0.0)
            }

            /// Dot product.
            pub fn dot(self, o: Self) -> $t {
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
            pub fn norm(self) -> $t {
                self.dot(self).sqrt()
            }

            /// Distance to another point.
            pub fn distance(self, o: Self) -> $t {
                (self - o).norm()
            }

            /// Unit vector in the same direction, or `None` for a (near) zero vector.
            pub fn normalized(self) -> Option<Self> {
                let n = self.norm();
                (n > <$t>::EPSILON).then(|| self / n)
            }

            /// Midpoint between two points.
            pub fn midpoint(self, o: Self) -> Self {
                (self + o) * 0.5
            }

            /// The point a fraction `w` of the way from `self` to `o` (0 gives
            /// `self`, 1 gives `o`).
            pub fn lerp(self, o: Self, w: $t) -> Self {
                self + (o - self) * w
            }

            /// The part of `self` perpendicular to the unit vector `axis`.
            pub fn reject(self, axis: Self) -> Self {
                self - axis * self.dot(axis)
            }

            /// True when every component is finite.
            pub fn is_finite(self) -> bool {
                self.x.is_finite() && self.y.is_finite() && self.z.is_finite()
            }
        }

        impl Add for $name {
            type Output = $name;
            fn add(self, o: $name) -> $name {
                $name::new(self.x + o.x, self.y + o.y, self.z + o.z)
            }
        }
        impl Sub for $name {
            type Output = $name;
            fn sub(self, o: $name) -> $name {
                $name::new(self.x - o.x, self.y - o.y, self.z - o.z)
            }
        }
        impl Mul<$t> for $name {
            type Output = $name;
            fn mul(self, s: $t) -> $name {
                $name::new(self.x * s, self.y * s, self.z * s)
            }
        }
        impl Div<$t> for $name {
            type Output = $name;
            fn div(self, s: $t) -> $name {
                $name::new(self.x / s, self.y / s, self.z / s)
            }
        }
        impl Neg for $name {
            type Output = $name;
            fn neg(self) -> $name {
                $name::new(-self.x, -self.y, -self.z)
            }
        }
    };
}

vec3_type!(
    /// A point or direction in 3-D. For image landmarks the units are pixels (x right,
    /// y down, z towards the camera's far side); for world landmarks, metres.
    Vec3,
    f32
);

vec3_type!(
    /// A point or direction in 3-D in double precision, for models that must keep
    /// more digits than landmarks carry (the synthetic body); [`DVec3::as_vec3`]
    /// rounds it to a landmark's [`Vec3`].
    DVec3,
    f64
);

impl Vec3 {
    /// The same vector in double precision (exact).
    pub fn as_dvec3(self) -> DVec3 {
        DVec3::new(f64::from(self.x), f64::from(self.y), f64::from(self.z))
    }
}

impl DVec3 {
    /// The same vector rounded to single precision.
    pub fn as_vec3(self) -> Vec3 {
        Vec3::new(self.x as f32, self.y as f32, self.z as f32)
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
    fn both_precisions_share_the_operations() {
        let a = DVec3::new(1.0, 2.0, 2.0);
        assert_eq!(a.norm(), 3.0);
        assert_eq!(a.lerp(DVec3::ZERO, 0.5), a.midpoint(DVec3::ZERO));
        assert_eq!(
            a.reject(DVec3::new(1.0, 0.0, 0.0)),
            DVec3::new(0.0, 2.0, 2.0)
        );
        assert_eq!(a.as_vec3(), Vec3::new(1.0, 2.0, 2.0));
        assert_eq!(a.as_vec3().as_dvec3(), a);
    }

    #[test]
    fn cross_follows_right_hand_rule() {
        let z = Vec3::new(1.0, 0.0, 0.0).cross(Vec3::new(0.0, 1.0, 0.0));
        assert_eq!(z, Vec3::new(0.0, 0.0, 1.0));
    }
}
