//! Key frames: which moments of a report are worth a picture ([`pick`], pure),
//! and the pictures themselves, with the skeleton drawn on them ([`draw`]).
//!
//! Picked, in this order, up to [`MAX_KEY_FRAMES`]: for a photo, the photo; for
//! each attempt, the deepest moment of its hold (of the whole attempt when no
//! fold was held); for each finding measured frame by frame, the frame within
//! its time range furthest past the threshold.

use image::imageops::FilterType;
use janu_analysis::{FrameMetrics, SessionKind, SessionReport};
use janu_body::clock::clock_with;
use janu_body::{Frame, Pose, Side};
use janu_media::{RgbImage, SkeletonStyle};
use janu_report::media::{KeyFrame, KeyFrameKind};

use crate::PipelineError;

/// Longest side of a key frame, pixels: sharp in a report column (about 640 CSS
/// px wide) and small in a self-contained file (40-80 kB as JPEG).
pub const KEY_FRAME_MAX_SIDE: u32 = 640;
/// JPEG quality of key frames: no visible blocking on skin and mats at this
/// size, about a third of the bytes of quality 95.
pub const KEY_FRAME_JPEG_QUALITY: u8 = 80;
/// Most key frames per report: one or two per side and one per finding keep a
/// report readable and its file under a megabyte.
pub const MAX_KEY_FRAMES: usize = 8;
/// Background of a skeleton drawn without its picture (a landmark file): the
/// report's dark ink, so the white middle bones show.
pub const CANVAS: [u8; 3] = [26, 32, 44];
/// Canvas size when a landmark file gives no picture size.
pub const DEFAULT_CANVAS: (u32, u32) = (640, 480);

/// One moment to show.
#[derive(Debug, Clone, PartialEq)]
pub struct Pick {
    /// Index of the frame in the report (and in the analysed frames).
    pub index: usize,
    /// Its time, seconds.
    pub t: f64,
    /// The attempt's extended leg.
    pub side: Option<Side>,
    /// Why.
    pub kind: KeyFrameKind,
    /// The finding's id, for a finding.
    pub finding: Option<String>,
    /// What it shows.
    pub caption: String,
}

/// Skeleton colours of the report: the left side in the report's left colour,
/// the right in its right colour, so pictures and charts agree.
pub fn skeleton_style() -> SkeletonStyle {
    let (l, r) = (janu_report::html::LEFT, janu_report::html::RIGHT);
    SkeletonStyle {
        left: [l.0, l.1, l.2],
        right: [r.0, r.1, r.2],
        ..SkeletonStyle::default()
    }
}

/// A per-frame metric by its report name.
fn metric_of(m: &FrameMetrics, name: &str) -> Option<f32> {
    match name {
        "extended_knee_flexion_deg" => m.extended_knee_flexion_deg,
        "bent_knee_flexion_deg" => m.bent_knee_flexion_deg,
        "thigh_angle_deg" => m.thigh_angle_deg,
        "bent_foot_along" => m.bent_foot_along,
        "fold_angle_deg" => m.fold_angle_deg,
        "head_to_knee" => m.head_to_knee,
        "torso_shortening" => m.torso_shortening,
        "head_drop_deg" => m.head_drop_deg,
        "pelvis_turn_deg" => m.pelvis_turn_deg.map(f32::abs),
        "shoulder_turn_deg" => m.shoulder_turn_deg.map(f32::abs),
        "shoulder_elevation" => m.shoulder_elevation,
        "hand_reach_along" => m.hand_reach_along,
        "extended_foot_roll_deg" => m.extended_foot_roll_deg,
        _ => None,
    }
}

/// The moments of `report` worth a picture, at most [`MAX_KEY_FRAMES`], in the
/// order above (not time order).
pub fn pick(report: &SessionReport) -> Vec<Pick> {
    let frames = &report.frames;
    let mut out: Vec<Pick> = Vec::new();
    if report.kind == SessionKind::Photo {
        if frames.is_empty() {
            return out;
        }
        let caption = match &report.pose {
            Some(p) if p.name != janu_analysis::PoseName::Nobody => {
                let side = p
                    .extended_leg
                    .map(|s| format!(", {s} leg extended"))
                    .unwrap_or_default();
                format!("{}{side}, as Janu sees it", p.name.title())
            }
            _ => "Nobody was found in the picture".to_string(),
        };
        out.push(Pick {
            index: 0,
            t: frames[0].t,
            side: report.pose.as_ref().and_then(|p| p.extended_leg),
            kind: KeyFrameKind::Photo,
            finding: None,
            caption,
        });
        return out;
    }
    let in_range = |a: f64, b: f64| {
        frames
            .iter()
            .enumerate()
            .filter(move |(_, f)| f.t >= a - 1e-9 && f.t <= b + 1e-9)
    };
    for s in &report.sides {
        let (index, caption) = match janu_report::moments::deepest(report, s) {
            Some(d) => (
                d.index,
                format!(
                    "{} leg extended: the deepest moment {}, fold {:.0}°, at {}",
                    capital(s.side.as_str()),
                    if d.in_hold {
                        "of the hold"
                    } else {
                        "(no fold was held)"
                    },
                    d.fold_deg,
                    clock_with(d.t, true)
                ),
            ),
            None => {
                let Some((i, _)) =
                    in_range(s.start_s, s.end_s).nth(in_range(s.start_s, s.end_s).count() / 2)
                else {
                    continue;
                };
                (
                    i,
                    format!(
                        "{} leg extended, at {} (the fold angle was not visible)",
                        capital(s.side.as_str()),
                        clock_with(frames[i].t, true)
                    ),
                )
            }
        };
        out.push(Pick {
            index,
            t: frames[index].t,
            side: Some(s.side),
            kind: KeyFrameKind::Deepest,
            finding: None,
            caption,
        });
    }
    for f in &report.findings {
        if out.len() >= MAX_KEY_FRAMES {
            break;
        }
        if out
            .iter()
            .any(|p| p.finding.as_deref() == Some(&f.id) && p.side == f.side)
        {
            continue;
        }
        let Some(e) = f.evidence.iter().find(|e| known(&e.metric)) else {
            continue;
        };
        let above = e.direction != "below";
        let worst = in_range(e.start_s, e.end_s)
            .filter_map(|(i, fr)| metric_of(&fr.metrics, &e.metric).map(|v| (i, v)))
            .max_by(|x, y| {
                let o = if above {
                    x.1.total_cmp(&y.1)
                } else {
                    y.1.total_cmp(&x.1)
                };
                o.then(y.0.cmp(&x.0))
            });
        let Some((index, _)) = worst else { continue };
        let side = f
            .side
            .map(|s| format!(" ({s} leg extended)"))
            .unwrap_or_default();
        out.push(Pick {
            index,
            t: frames[index].t,
            side: f.side,
            kind: KeyFrameKind::Finding,
            finding: Some(f.id.clone()),
            caption: format!(
                "{}{side}: the clearest moment, at {}",
                f.title,
                clock_with(frames[index].t, true)
            ),
        });
    }
    out.truncate(MAX_KEY_FRAMES);
    out
}

/// Whether `metric` is measured per frame (so a worst frame exists).
fn known(metric: &str) -> bool {
    let probe = FrameMetrics {
        extended_knee_flexion_deg: Some(0.0),
        bent_knee_flexion_deg: Some(0.0),
        thigh_angle_deg: Some(0.0),
        bent_foot_along: Some(0.0),
        fold_angle_deg: Some(0.0),
        head_to_knee: Some(0.0),
        torso_shortening: Some(0.0),
        head_drop_deg: Some(0.0),
        pelvis_turn_deg: Some(0.0),
        shoulder_turn_deg: Some(0.0),
        shoulder_elevation: Some(0.0),
        hand_reach_along: Some(0.0),
        extended_foot_roll_deg: Some(0.0),
        ..FrameMetrics::default()
    };
    metric_of(&probe, metric).is_some()
}

fn capital(s: &str) -> String {
    let mut c = s.chars();
    c.next()
        .map(|f| f.to_uppercase().collect::<String>() + c.as_str())
        .unwrap_or_default()
}

/// `image` scaled down so its longer side is at most [`KEY_FRAME_MAX_SIDE`].
pub fn downscale(image: &RgbImage) -> RgbImage {
    let (w, h) = image.dimensions();
    let long = w.max(h);
    if long <= KEY_FRAME_MAX_SIDE || long == 0 {
        return image.clone();
    }
    let s = f64::from(KEY_FRAME_MAX_SIDE) / f64::from(long);
    let nw = ((f64::from(w) * s).round() as u32).max(1);
    let nh = ((f64::from(h) * s).round() as u32).max(1);
    image::imageops::resize(image, nw, nh, FilterType::Triangle)
}

/// Margin around the body on a skeleton-only canvas, as a share of the body's
/// larger extent: room for the joints' discs and a little air.
pub const CANVAS_MARGIN: f32 = 0.12;

/// Line width on a skeleton-only canvas against a picture's: the skeleton is
/// all there is to see.
pub const CANVAS_LINE_SCALE: f32 = 2.0;

/// A plain canvas for `frame`'s skeleton and the pose mapped onto it: cropped
/// to the body (a landmark file has no picture, so the rest of the frame would
/// only be empty), in the picture's proportions, long side
/// [`KEY_FRAME_MAX_SIDE`].
pub fn canvas_for(frame: &Frame) -> (RgbImage, Option<Pose>) {
    let (w, h) = if frame.width > 0 && frame.height > 0 {
        (frame.width as f32, frame.height as f32)
    } else {
        (DEFAULT_CANVAS.0 as f32, DEFAULT_CANVAS.1 as f32)
    };
    // The body's box in pixels of the source.
    let pts: Vec<(f32, f32)> = frame
        .pose
        .iter()
        .flat_map(|p| p.landmarks.iter().flatten())
        .filter(|k| k.x.is_finite() && k.y.is_finite())
        .map(|k| (k.x * w, k.y * h))
        .collect();
    let (x0, y0, x1, y1) = pts.iter().fold(
        (f32::MAX, f32::MAX, f32::MIN, f32::MIN),
        |(a, b, c, d), (x, y)| (a.min(*x), b.min(*y), c.max(*x), d.max(*y)),
    );
    let (x0, y0, bw, bh) = if pts.len() >= 2 && x1 > x0 && y1 > y0 {
        let m = CANVAS_MARGIN * (x1 - x0).max(y1 - y0);
        (x0 - m, y0 - m, x1 - x0 + 2.0 * m, y1 - y0 + 2.0 * m)
    } else {
        (0.0, 0.0, w, h)
    };
    let s = KEY_FRAME_MAX_SIDE as f32 / bw.max(bh);
    let nw = ((bw * s).round() as u32).max(1);
    let nh = ((bh * s).round() as u32).max(1);
    let canvas = RgbImage::from_pixel(nw, nh, image::Rgb(CANVAS));
    let pose = frame.pose.as_ref().map(|p| {
        let mut q = p.clone();
        for k in q.landmarks.iter_mut().flatten() {
            k.x = (k.x * w - x0) / bw;
            k.y = (k.y * h - y0) / bh;
        }
        q
    });
    (canvas, pose)
}

/// The key frame of `pick` in the input the user knows as `file`: `thumb`
/// (already scaled down, or a plain canvas when `picture` is false) with
/// `pose` drawn on it, as JPEG.
///
/// # Errors
/// [`PipelineError::KeyFrame`] holding the JPEG encoder's error (not expected
/// for an in-memory RGB picture).
pub fn draw(
    pick: &Pick,
    pose: Option<&Pose>,
    mut thumb: RgbImage,
    picture: bool,
    file: &str,
) -> Result<KeyFrame, PipelineError> {
    if let Some(pose) = pose {
        let mut style = skeleton_style();
        if !picture {
            // Nothing under the lines to hide: draw them bolder.
            style.line_width =
                Some(style.line_width_for(thumb.width(), thumb.height()) * CANVAS_LINE_SCALE);
        }
        janu_media::draw_skeleton(&mut thumb, pose, &style);
    }
    let mut jpeg = Vec::new();
    image::codecs::jpeg::JpegEncoder::new_with_quality(&mut jpeg, KEY_FRAME_JPEG_QUALITY)
        .encode_image(&thumb)
        .map_err(|source| PipelineError::KeyFrame {
            file: file.to_string(),
            source,
        })?;
    let caption = if picture {
        pick.caption.clone()
    } else {
        format!("{} (skeleton only: no picture)", pick.caption)
    };
    Ok(KeyFrame {
        t: pick.t,
        side: pick.side,
        kind: pick.kind,
        finding: pick.finding.clone(),
        caption,
        picture,
        width: thumb.width(),
        height: thumb.height(),
        jpeg,
    })
}
