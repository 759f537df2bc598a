//! Rectangles, detections and the conversions between them, as MediaPipe's pose
//! graphs do them (`pose_detection_cpu`, `pose_detection_to_roi`,
//! `pose_landmarks_to_roi`).

use std::f32::consts::PI;

/// A rotated rectangle in normalised image coordinates (0..1 across the image),
/// like MediaPipe's `NormalizedRect`: its centre, its size before rotation, and
/// its rotation in radians (clockwise on screen, since y points down).
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct NormRect {
    /// Centre, fraction of the image width.
    pub x_center: f32,
    /// Centre, fraction of the image height.
    pub y_center: f32,
    /// Width, fraction of the image width.
    pub width: f32,
    /// Height, fraction of the image height.
    pub height: f32,
    /// Rotation in radians.
    pub rotation: f32,
}

impl NormRect {
    /// The whole image, unrotated.
    pub const FULL: NormRect = NormRect {
        x_center: 0.5,
        y_center: 0.5,
        width: 1.0,
        height: 1.0,
        rotation: 0.0,
    };
}

/// A person found by the detector, in normalised image coordinates: a box
/// around the face and four keypoints (hip centre, a point giving body size
/// and rotation, shoulder centre, a point for the upper body).
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Detection {
    /// Confidence, 0..1.
    pub score: f32,
    /// Left edge of the box.
    pub xmin: f32,
    /// Top edge of the box.
    pub ymin: f32,
    /// Box width.
    pub width: f32,
    /// Box height.
    pub height: f32,
    /// The four keypoints, (x, y).
    pub keypoints: [(f32, f32); 4],
}

/// Anchor layout of the pose detector (MediaPipe `SsdAnchorsCalculator` options
/// in `pose_detection_cpu.pbtxt`).
mod anchor_spec {
    /// Square input side of the detector, pixels.
    pub const INPUT_SIZE: usize = 224;
    /// Feature-map strides of the five anchor layers.
    pub const STRIDES: [usize; 5] = [8, 16, 32, 32, 32];
    /// Anchors per location and layer: aspect ratio 1.0 plus the interpolated scale.
    pub const ANCHORS_PER_LAYER: usize = 2;
    /// Anchor centre offset within a feature cell.
    pub const OFFSET: f32 = 0.5;
}

/// Number of detector anchors (and of detector output rows).
pub const NUM_ANCHORS: usize = 2254;

/// Values per anchor in the detector's box output: box (4) + 4 keypoints x 2.
pub const DETECTOR_COORDS: usize = 12;

/// Decoding scale of box and keypoint offsets: the detector input size.
const DECODE_SCALE: f32 = 224.0;

/// Raw scores are clipped to +-this before the sigmoid (`score_clipping_thresh`).
const SCORE_CLIP: f32 = 100.0;

/// Boxes overlapping more than this (intersection over union) are merged by the
/// weighted non-maximum suppression (`min_suppression_threshold`).
const NMS_IOU_THRESHOLD: f32 = 0.3;

/// Anchor centres (x, y), normalised, in the detector's output order. All anchors
/// have unit size (`fixed_anchor_size`), so only the centres matter.
pub fn detector_anchors() -> Vec<(f32, f32)> {
    use anchor_spec::*;
    let mut anchors = Vec::with_capacity(NUM_ANCHORS);
    let mut layer = 0;
    while layer < STRIDES.len() {
        // Consecutive layers with the same stride share one feature map.
        let stride = STRIDES[layer];
        let mut same = 0;
        while layer < STRIDES.len() && STRIDES[layer] == stride {
            same += 1;
            layer += 1;
        }
        let side = INPUT_SIZE.div_ceil(stride);
        for y in 0..side {
            for x in 0..side {
                let c = (
                    (x as f32 + OFFSET) / side as f32,
                    (y as f32 + OFFSET) / side as f32,
                );
                for _ in 0..same * ANCHORS_PER_LAYER {
                    anchors.push(c);
                }
            }
        }
    }
    anchors
}

fn sigmoid(v: f32) -> f32 {
    1.0 / (1.0 + (-v).exp())
}

/// Decode the detector's raw outputs (`boxes`: anchors x 12, `scores`: anchors
/// logits) into detections scoring at least `min_score`, in tensor coordinates
/// (0..1 over the letterboxed 224x224 input).
pub fn decode_detections(
    boxes: &[f32],
    scores: &[f32],
    anchors: &[(f32, f32)],
    min_score: f32,
) -> Vec<Detection> {
    let mut out = Vec::new();
    for (i, &(ax, ay)) in anchors.iter().enumerate() {
        let Some(&raw_score) = scores.get(i) else {
            break;
        };
        let score = sigmoid(raw_score.clamp(-SCORE_CLIP, SCORE_CLIP));
        if score < min_score {
            continue;
        }
        let Some(r) = boxes.get(i * DETECTOR_COORDS..(i + 1) * DETECTOR_COORDS) else {
            break;
        };
        // The model writes x before y (`reverse_output_order`).
        let xc = r[0] / DECODE_SCALE + ax;
        let yc = r[1] / DECODE_SCALE + ay;
        let w = r[2] / DECODE_SCALE;
        let h = r[3] / DECODE_SCALE;
        let mut keypoints = [(0.0, 0.0); 4];
        for (k, kp) in keypoints.iter_mut().enumerate() {
            *kp = (
                r[4 + 2 * k] / DECODE_SCALE + ax,
                r[5 + 2 * k] / DECODE_SCALE + ay,
            );
        }
        out.push(Detection {
            score,
            xmin: xc - w / 2.0,
            ymin: yc - h / 2.0,
            width: w,
            height: h,
            keypoints,
        });
    }
    out
}

fn iou(a: &Detection, b: &Detection) -> f32 {
    let ix = (a.xmin + a.width).min(b.xmin + b.width) - a.xmin.max(b.xmin);
    let iy = (a.ymin + a.height).min(b.ymin + b.height) - a.ymin.max(b.ymin);
    if ix <= 0.0 || iy <= 0.0 {
        return 0.0;
    }
    let inter = ix * iy;
    let union = a.width * a.height + b.width * b.height - inter;
    if union > 0.0 { inter / union } else { 0.0 }
}

/// MediaPipe's weighted non-maximum suppression: take the best remaining
/// detection, merge every remaining one overlapping it (IoU above the threshold,
/// itself included) into a score-weighted average of boxes and keypoints that
/// keeps the best score, repeat. The result is sorted by score, best first.
pub fn weighted_nms(mut detections: Vec<Detection>) -> Vec<Detection> {
    // Stable sort by descending score, as MediaPipe sorts its indexed scores.
    detections.sort_by(|a, b| b.score.total_cmp(&a.score));
    let mut out = Vec::new();
    let mut remaining = detections;
    while let Some(best) = remaining.first().copied() {
        let (cluster, rest): (Vec<Detection>, Vec<Detection>) = remaining
            .into_iter()
            .partition(|d| iou(d, &best) > NMS_IOU_THRESHOLD);
        if cluster.is_empty() {
            // Only a degenerate box (no area) fails to overlap itself; stop there.
            break;
        }
        let total: f32 = cluster.iter().map(|d| d.score).sum();
        let mut merged = best;
        if total > 0.0 {
            let (mut x0, mut y0, mut x1, mut y1) = (0.0, 0.0, 0.0, 0.0);
            let mut kps = [(0.0f32, 0.0f32); 4];
            for d in &cluster {
                x0 += d.xmin * d.score;
                y0 += d.ymin * d.score;
                x1 += (d.xmin + d.width) * d.score;
                y1 += (d.ymin + d.height) * d.score;
                for (acc, kp) in kps.iter_mut().zip(d.keypoints) {
                    acc.0 += kp.0 * d.score;
                    acc.1 += kp.1 * d.score;
                }
            }
            merged.xmin = x0 / total;
            merged.ymin = y0 / total;
            merged.width = (x1 - x0) / total;
            merged.height = (y1 - y0) / total;
            for (m, acc) in merged.keypoints.iter_mut().zip(kps) {
                *m = (acc.0 / total, acc.1 / total);
            }
        }
        out.push(merged);
        remaining = rest;
    }
    out
}

/// Letterbox padding of a fitted image inside a square model input, as
/// fractions of the input: (left, top, right, bottom).
pub type Padding = [f32; 4];

/// Map a detection from letterboxed tensor coordinates back to the image.
pub fn remove_letterbox(d: &Detection, pad: Padding) -> Detection {
    let sx = 1.0 - pad[0] - pad[2];
    let sy = 1.0 - pad[1] - pad[3];
    let mut out = *d;
    out.xmin = (d.xmin - pad[0]) / sx;
    out.ymin = (d.ymin - pad[1]) / sy;
    out.width = d.width / sx;
    out.height = d.height / sy;
    for (o, k) in out.keypoints.iter_mut().zip(d.keypoints) {
        *o = ((k.0 - pad[0]) / sx, (k.1 - pad[1]) / sy);
    }
    out
}

/// An angle brought into [-pi, pi).
pub fn normalize_radians(angle: f32) -> f32 {
    angle - 2.0 * PI * ((angle + PI) / (2.0 * PI)).floor()
}

/// The body is upright in the crop when the hip-to-size vector points up:
/// the rotation target of `AlignmentPointsRectsCalculator`, 90 degrees.
const TARGET_ANGLE: f32 = PI / 2.0;

/// Enlargement of the alignment square around the body (`RectTransformation`
/// scale in both `pose_detection_to_roi` and `pose_landmarks_to_roi`).
const ROI_SCALE: f32 = 1.25;

/// The region of interest from two alignment points (normalised): a square
/// centred on `center`, twice as wide as the distance to `scale_point`, rotated so
/// that the body stands upright, then squared on its long side in pixels and
/// enlarged by 1.25. `width`/`height` are the image size in pixels.
pub fn roi_from_alignment(
    center: (f32, f32),
    scale_point: (f32, f32),
    width: u32,
    height: u32,
) -> NormRect {
    let (w, h) = (width as f32, height as f32);
    let (x0, y0) = (center.0 * w, center.1 * h);
    let (x1, y1) = (scale_point.0 * w, scale_point.1 * h);
    let size = 2.0 * ((x1 - x0).powi(2) + (y1 - y0).powi(2)).sqrt();
    let rotation = normalize_radians(TARGET_ANGLE - (-(y1 - y0)).atan2(x1 - x0));
    let rect = NormRect {
        x_center: x0 / w,
        y_center: y0 / h,
        width: size / w,
        height: size / h,
        rotation,
    };
    transform_rect(rect, width, height)
}

/// `RectTransformationCalculator` with `square_long` and the ROI scale.
fn transform_rect(rect: NormRect, width: u32, height: u32) -> NormRect {
    let (w, h) = (width as f32, height as f32);
    let long = (rect.width * w).max(rect.height * h);
    NormRect {
        width: long / w * ROI_SCALE,
        height: long / h * ROI_SCALE,
        ..rect
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn anchors_cover_the_three_feature_maps() {
        let a = detector_anchors();
        assert_eq!(a.len(), NUM_ANCHORS);
        // First anchor: centre of the top-left cell of the 28x28 map.
        assert_eq!(a[0], (0.5 / 28.0, 0.5 / 28.0));
        assert_eq!(a[1], a[0]);
        // The 7x7 map starts after 28*28*2 + 14*14*2 anchors, 6 per cell.
        let start = 28 * 28 * 2 + 14 * 14 * 2;
        assert_eq!(a[start], (0.5 / 7.0, 0.5 / 7.0));
        assert_eq!(a[start + 5], a[start]);
        assert_eq!(a[start + 6], (1.5 / 7.0, 0.5 / 7.0));
    }

    fn det(score: f32, x: f32) -> Detection {
        Detection {
            score,
            xmin: x,
            ymin: 0.1,
            width: 0.2,
            height: 0.2,
            keypoints: [(x, 0.5); 4],
        }
    }

    #[test]
    fn weighted_nms_merges_overlaps_and_keeps_the_best_score() {
        let out = weighted_nms(vec![det(0.6, 0.12), det(0.9, 0.1), det(0.8, 0.6)]);
        assert_eq!(out.len(), 2);
        assert_eq!(out[0].score, 0.9);
        let want = (0.1 * 0.9 + 0.12 * 0.6) / 1.5;
        assert!((out[0].xmin - want).abs() < 1e-6);
        assert!((out[0].keypoints[0].0 - want).abs() < 1e-6);
        assert_eq!(out[1].score, 0.8);
    }

    #[test]
    fn decoding_applies_anchor_offsets_and_sigmoid() {
        let anchors = vec![(0.5, 0.5), (0.25, 0.75)];
        let mut boxes = vec![0.0; 2 * DETECTOR_COORDS];
        boxes[DETECTOR_COORDS] = 22.4; // x centre + 0.1
        boxes[DETECTOR_COORDS + 2] = 44.8; // width 0.2
        boxes[DETECTOR_COORDS + 3] = 44.8;
        boxes[DETECTOR_COORDS + 4] = -22.4; // keypoint 0 x - 0.1
        let out = decode_detections(&boxes, &[-5.0, 5.0], &anchors, 0.5);
        assert_eq!(out.len(), 1);
        let d = out[0];
        assert!((d.score - sigmoid(5.0)).abs() < 1e-6);
        assert!((d.xmin - 0.25).abs() < 1e-6 && (d.width - 0.2).abs() < 1e-6);
        assert!((d.keypoints[0].0 - 0.15).abs() < 1e-6);
        assert!((d.keypoints[0].1 - 0.75).abs() < 1e-6);
    }

    #[test]
    fn upright_body_gives_no_rotation_and_a_square_roi() {
        // Hips at the centre, the size point straight above: upright.
        let r = roi_from_alignment((0.5, 0.5), (0.5, 0.3), 200, 100);
        assert!(r.rotation.abs() < 1e-6, "{}", r.rotation);
        // Distance 20 px, square side 40 px, times 1.25 = 50 px.
        assert!((r.width * 200.0 - 50.0).abs() < 1e-4);
        assert!((r.height * 100.0 - 50.0).abs() < 1e-4);
        // Size point to the right: the body lies along +x and needs a quarter turn.
        let r = roi_from_alignment((0.5, 0.5), (0.7, 0.5), 100, 100);
        assert!((r.rotation - PI / 2.0).abs() < 1e-6, "{}", r.rotation);
    }

    #[test]
    fn letterbox_removal_undoes_padding() {
        let d = det(0.9, 0.5);
        let out = remove_letterbox(&d, [0.0, 0.25, 0.0, 0.25]);
        assert!((out.ymin - (0.1 - 0.25) / 0.5).abs() < 1e-6);
        assert!((out.height - 0.4).abs() < 1e-6);
        assert!((out.keypoints[0].1 - 0.5).abs() < 1e-6);
        assert!((normalize_radians(3.0 * PI) + PI).abs() < 1e-5);
    }
}
