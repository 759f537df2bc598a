//! Skeleton overlays: anti-aliased bones and joints drawn straight into the pixels.

use image::RgbImage;
use janu_body::{Landmark, Pose, SKELETON};

/// Line width as a fraction of the image diagonal. Reason: 0.4% gives about
/// 6 px at 720p and 9 px at 1080p, visible on a phone screen without hiding
/// the limb under it.
pub const LINE_WIDTH_OF_DIAGONAL: f32 = 0.004;

/// Thinnest line drawn, in pixels, so tiny pictures still show the skeleton.
pub const MIN_LINE_WIDTH: f32 = 1.5;

/// How an overlay looks.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct SkeletonStyle {
    /// Colour of bones and joints on the person's left side.
    pub left: [u8; 3],
    /// Colour of bones and joints on the person's right side.
    pub right: [u8; 3],
    /// Colour of bones across the body (shoulders, hips) and of the nose.
    pub center: [u8; 3],
    /// Line width in pixels; `None` scales it with the image
    /// ([`LINE_WIDTH_OF_DIAGONAL`], at least [`MIN_LINE_WIDTH`]).
    pub line_width: Option<f32>,
    /// Joint disc radius as a multiple of the line width.
    pub joint_scale: f32,
    /// Points (and bones touching them) below this visibility are not drawn.
    pub min_visibility: f32,
    /// Opacity of a fully visible point; less visible points fade towards
    /// `faded_opacity`.
    pub opacity: f32,
    /// Opacity of a point whose visibility is just `min_visibility`.
    pub faded_opacity: f32,
}

impl Default for SkeletonStyle {
    /// Left in orange and right in blue (the colours MediaPipe's own drawings use
    /// for the two sides), the middle in white.
    fn default() -> Self {
        Self {
            left: [255, 138, 0],
            right: [0, 170, 255],
            center: [255, 255, 255],
            line_width: None,
            joint_scale: 1.3,
            min_visibility: 0.2,
            opacity: 0.95,
            faded_opacity: 0.25,
        }
    }
}

impl SkeletonStyle {
    /// The line width used on a `width` x `height` picture.
    pub fn line_width_for(&self, width: u32, height: u32) -> f32 {
        self.line_width.unwrap_or_else(|| {
            let diag = (width as f32).hypot(height as f32);
            (diag * LINE_WIDTH_OF_DIAGONAL).max(MIN_LINE_WIDTH)
        })
    }

    fn colour(&self, lm: Landmark) -> [u8; 3] {
        match side_of(lm) {
            Some(true) => self.left,
            Some(false) => self.right,
            None => self.center,
        }
    }

    /// Opacity for a visibility, or `None` when the point is not drawn.
    fn alpha(&self, visibility: f32) -> Option<f32> {
        if visibility < self.min_visibility {
            return None;
        }
        let span = (1.0 - self.min_visibility).max(1e-6);
        let f = ((visibility - self.min_visibility) / span).clamp(0.0, 1.0);
        Some(self.faded_opacity + (self.opacity - self.faded_opacity) * f)
    }
}

/// `Some(true)` for the person's left, `Some(false)` for the right, `None` for the nose.
fn side_of(lm: Landmark) -> Option<bool> {
    let name = lm.name();
    if name.starts_with("left") || name.ends_with("_left") {
        Some(true)
    } else if name.starts_with("right") || name.ends_with("_right") {
        Some(false)
    } else {
        None
    }
}

/// Draw the skeleton of `pose` ([`janu_body::SKELETON`] bones, then the joints on
/// top) onto `img`. Bones with both ends on one side take that side's colour,
/// the others the centre colour; points fade with their visibility.
pub fn draw_skeleton(img: &mut RgbImage, pose: &Pose, style: &SkeletonStyle) {
    let (w, h) = img.dimensions();
    let width = style.line_width_for(w, h);
    let point = |lm: Landmark| {
        pose.get(lm).and_then(|k| {
            let a = style.alpha(k.visibility_or_one())?;
            (k.x.is_finite() && k.y.is_finite()).then_some((k.x * w as f32, k.y * h as f32, a))
        })
    };
    for (a, b) in SKELETON {
        let (Some(pa), Some(pb)) = (point(a), point(b)) else {
            continue;
        };
        let colour = match (side_of(a), side_of(b)) {
            (Some(x), Some(y)) if x == y => style.colour(a),
            (Some(x), None) | (None, Some(x)) => {
                if x {
                    style.left
                } else {
                    style.right
                }
            }
            _ => style.center,
        };
        draw_line(
            img,
            (pa.0, pa.1),
            (pb.0, pb.1),
            width,
            colour,
            pa.2.min(pb.2),
        );
    }
    for lm in Landmark::ALL {
        // The face points other than the nose are too small to help; skip them.
        if (1..=10).contains(&lm.index()) {
            continue;
        }
        if let Some((x, y, a)) = point(lm) {
            let r = width * style.joint_scale / 2.0 + 1.0;
            draw_disc(img, (x, y), r + width * 0.35, [20, 20, 20], a);
            draw_disc(img, (x, y), r, style.colour(lm), a);
        }
    }
}

/// Draw an anti-aliased line of `width` pixels with round ends.
pub fn draw_line(
    img: &mut RgbImage,
    a: (f32, f32),
    b: (f32, f32),
    width: f32,
    colour: [u8; 3],
    opacity: f32,
) {
    let r = width / 2.0;
    let (w, h) = img.dimensions();
    if w == 0
        || h == 0
        || !(a.0.is_finite() && a.1.is_finite() && b.0.is_finite() && b.1.is_finite())
    {
        return;
    }
    let x0 = (a.0.min(b.0) - r - 1.0).floor().max(0.0) as u32;
    let y0 = (a.1.min(b.1) - r - 1.0).floor().max(0.0) as u32;
    let x1 = ((a.0.max(b.0) + r + 1.0).ceil().max(0.0) as u32).min(w - 1);
    let y1 = ((a.1.max(b.1) + r + 1.0).ceil().max(0.0) as u32).min(h - 1);
    let (dx, dy) = (b.0 - a.0, b.1 - a.1);
    let len2 = dx * dx + dy * dy;
    let reach = r + 0.5;
    for y in y0..=y1 {
        let py = y as f32 + 0.5;
        // Only the pixels of this row near the (convex) capsule are measured.
        let Some((lo, hi)) = capsule_row(a, b, reach, py) else {
            continue;
        };
        let xs = ((lo - 1.0).floor().max(x0 as f32)) as u32;
        let xe = ((hi + 1.0).ceil().min(x1 as f32)).max(0.0) as u32;
        for x in xs..=xe.min(x1) {
            let px = x as f32 + 0.5;
            let t = if len2 > 0.0 {
                (((px - a.0) * dx + (py - a.1) * dy) / len2).clamp(0.0, 1.0)
            } else {
                0.0
            };
            let d = (px - (a.0 + t * dx)).hypot(py - (a.1 + t * dy));
            let coverage = (reach - d).clamp(0.0, 1.0);
            if coverage > 0.0 {
                blend(img, x, y, colour, coverage * opacity);
            }
        }
    }
}

/// The x range where the row `py` meets the capsule of radius `r` around the
/// segment a-b: the union of the two end discs and the band between them.
fn capsule_row(a: (f32, f32), b: (f32, f32), r: f32, py: f32) -> Option<(f32, f32)> {
    let mut lo = f32::INFINITY;
    let mut hi = f32::NEG_INFINITY;
    for c in [a, b] {
        let dy = py - c.1;
        if dy.abs() <= r {
            let half = (r * r - dy * dy).sqrt();
            lo = lo.min(c.0 - half);
            hi = hi.max(c.0 + half);
        }
    }
    let (dx, dy) = (b.0 - a.0, b.1 - a.1);
    let len = dx.hypot(dy);
    if len > 0.0 {
        let (nx, ny) = (-dy / len * r, dx / len * r);
        let quad = [
            (a.0 + nx, a.1 + ny),
            (b.0 + nx, b.1 + ny),
            (b.0 - nx, b.1 - ny),
            (a.0 - nx, a.1 - ny),
        ];
        for i in 0..4 {
            let (p, q) = (quad[i], quad[(i + 1) % 4]);
            if (p.1 - py) * (q.1 - py) > 0.0 {
                continue; // the edge is entirely above or below the row
            }
            if (q.1 - p.1).abs() < 1e-6 {
                lo = lo.min(p.0.min(q.0));
                hi = hi.max(p.0.max(q.0));
            } else {
                let x = p.0 + (py - p.1) * (q.0 - p.0) / (q.1 - p.1);
                lo = lo.min(x);
                hi = hi.max(x);
            }
        }
    }
    (lo <= hi).then_some((lo, hi))
}

/// Draw an anti-aliased filled disc of radius `r` pixels.
pub fn draw_disc(img: &mut RgbImage, c: (f32, f32), r: f32, colour: [u8; 3], opacity: f32) {
    draw_line(img, c, c, 2.0 * r, colour, opacity);
}

fn blend(img: &mut RgbImage, x: u32, y: u32, colour: [u8; 3], alpha: f32) {
    let p = img.get_pixel_mut(x, y);
    for c in 0..3 {
        let v = f32::from(p[c]) + (f32::from(colour[c]) - f32::from(p[c])) * alpha;
        p[c] = v.round().clamp(0.0, 255.0) as u8;
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use janu_body::Keypoint;

    fn pose_with(points: &[(Landmark, f32, f32, f32)]) -> Pose {
        let mut p = Pose::empty();
        for &(lm, x, y, v) in points {
            p.landmarks[lm.index()] = Some(Keypoint {
                x,
                y,
                z: None,
                visibility: Some(v),
            });
        }
        p
    }

    #[test]
    fn sides_get_their_colours() {
        let mut img = RgbImage::new(200, 200);
        let pose = pose_with(&[
            (Landmark::LeftHip, 0.25, 0.2, 1.0),
            (Landmark::LeftKnee, 0.25, 0.8, 1.0),
            (Landmark::RightHip, 0.75, 0.2, 1.0),
            (Landmark::RightKnee, 0.75, 0.8, 1.0),
        ]);
        let style = SkeletonStyle {
            line_width: Some(6.0),
            ..SkeletonStyle::default()
        };
        draw_skeleton(&mut img, &pose, &style);
        // Middle of each thigh.
        let l = img.get_pixel(50, 100).0;
        let r = img.get_pixel(150, 100).0;
        assert!(l[0] > 200 && l[2] < 60, "left {l:?}");
        assert!(r[2] > 200 && r[0] < 60, "right {r:?}");
        // The hip-to-hip bone is white, and the background stays black.
        let mid = img.get_pixel(100, 40).0;
        assert!(mid.iter().all(|&c| c > 200), "centre {mid:?}");
        assert_eq!(img.get_pixel(100, 150).0, [0, 0, 0]);
    }

    #[test]
    fn low_visibility_fades_and_hides() {
        let style = SkeletonStyle::default();
        let mut strong = RgbImage::new(100, 100);
        let mut weak = RgbImage::new(100, 100);
        let mut hidden = RgbImage::new(100, 100);
        let seg = |v| {
            pose_with(&[
                (Landmark::LeftHip, 0.2, 0.5, v),
                (Landmark::LeftKnee, 0.8, 0.5, v),
            ])
        };
        draw_skeleton(&mut strong, &seg(1.0), &style);
        draw_skeleton(&mut weak, &seg(0.4), &style);
        draw_skeleton(&mut hidden, &seg(0.1), &style);
        let (s, w) = (strong.get_pixel(50, 50)[0], weak.get_pixel(50, 50)[0]);
        assert!(s > w && w > 0, "strong {s} weak {w}");
        assert!(hidden.pixels().all(|p| p.0 == [0, 0, 0]));
    }

    #[test]
    fn width_scales_with_the_picture() {
        let s = SkeletonStyle::default();
        assert!(s.line_width_for(1920, 1080) > 1.4 * s.line_width_for(1280, 720));
        assert_eq!(s.line_width_for(10, 10), MIN_LINE_WIDTH);
    }

    #[test]
    fn points_outside_the_picture_are_clipped() {
        let mut img = RgbImage::new(50, 50);
        let pose = pose_with(&[
            (Landmark::LeftHip, -3.0, -3.0, 1.0),
            (Landmark::LeftKnee, 4.0, 5.0, 1.0),
        ]);
        draw_skeleton(&mut img, &pose, &SkeletonStyle::default());
        assert!(img.pixels().any(|p| p.0 != [0, 0, 0]));
    }
}
