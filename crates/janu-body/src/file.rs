//! The landmark file format: JSON Lines, one object per frame.
//!
//! ```text
//! {"t": 1.25, "width": 1280, "height": 720, "schema": "blazepose33",
//!  "landmarks": [[x, y, z, visibility], ...]}
//! ```
//! `x`, `y` are normalised to the image; `z` (relative depth) and `visibility` may
//! be `null` or left out; a missing landmark is `null`; a frame with nobody in it
//! has `"landmarks": null`. `schema` is `blazepose33` (33 points) or `coco17`
//! (17 points in COCO / MoveNet order, mapped onto BlazePose on reading).
//!
//! Optional extensions that Janu writes and reads: `"world"`, 33 `[x, y, z]` world
//! coordinates in metres (origin between the hips), and `"presence"` (0..1).
//! Unknown keys are ignored.

use std::io::{BufRead, Write};

use serde::{Deserialize, Serialize};

use crate::geometry::Vec3;
use crate::landmark::LANDMARK_COUNT;
use crate::pose::{Frame, Keypoint, Pose};

/// Landmark orders a file may use.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Schema {
    /// The 33 BlazePose landmarks.
    Blazepose33,
    /// The 17 COCO keypoints (MoveNet, OpenPose-COCO, ...).
    Coco17,
}

impl Schema {
    /// Number of landmarks per frame in this schema.
    pub const fn len(self) -> usize {
        match self {
            Self::Blazepose33 => LANDMARK_COUNT,
            Self::Coco17 => crate::coco::COCO17_TO_BLAZEPOSE.len(),
        }
    }

    /// Always false: no schema is empty (here to pair with [`Schema::len`]).
    pub const fn is_empty(self) -> bool {
        false
    }
}

/// Why a landmark file could not be read.
#[derive(Debug, thiserror::Error)]
pub enum LandmarkFileError {
    /// A line is not a valid frame; `line` counts from 1.
    #[error("line {line}: {message}")]
    Invalid {
        /// Line number, from 1.
        line: usize,
        /// What is wrong with it.
        message: String,
    },
    /// The file holds no frame at all.
    #[error("the landmark file holds no frames")]
    Empty,
    /// Reading failed.
    #[error("cannot read the landmark file: {0}")]
    Io(#[from] std::io::Error),
}

#[derive(Serialize, Deserialize)]
struct Line {
    t: f64,
    width: u32,
    height: u32,
    schema: Schema,
    landmarks: Option<Vec<Option<Vec<Option<f64>>>>>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    world: Option<Vec<[f64; 3]>>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    presence: Option<f64>,
}

fn finite32(v: f64, what: &str) -> Result<f32, String> {
    let f = v as f32;
    if f.is_finite() {
        Ok(f)
    } else {
        Err(format!("{what} is not a finite number"))
    }
}

fn keypoint_from_raw(raw: &[Option<f64>], index: usize) -> Result<Keypoint, String> {
    if !(2..=4).contains(&raw.len()) {
        return Err(format!(
            "landmark {index} has {} values; expected [x, y, z, visibility]",
            raw.len()
        ));
    }
    let coord = |i: usize, name: &str| -> Result<Option<f32>, String> {
        raw.get(i)
            .copied()
            .flatten()
            .map(|v| finite32(v, &format!("landmark {index} {name}")))
            .transpose()
    };
    let x = coord(0, "x")?.ok_or_else(|| format!("landmark {index} has no x"))?;
    let y = coord(1, "y")?.ok_or_else(|| format!("landmark {index} has no y"))?;
    let visibility = coord(3, "visibility")?;
    if let Some(v) = visibility
        && !(0.0..=1.0).contains(&v)
    {
        return Err(format!("landmark {index} visibility {v} is outside 0..1"));
    }
    Ok(Keypoint {
        x,
        y,
        z: coord(2, "z")?,
        visibility,
    })
}

/// Parse one line of a landmark file into a [`Frame`] (coco17 is mapped onto
/// BlazePose order).
///
/// # Errors
/// A message saying what is wrong: bad JSON, a NaN, a wrong landmark count, a
/// zero image size, a negative time.
pub fn parse_line(text: &str) -> Result<Frame, String> {
    let line: Line = serde_json::from_str(text).map_err(|e| {
        let hint = if text.contains("NaN") || text.contains("Infinity") {
            " (NaN and Infinity are not numbers in JSON; write null for a missing value)"
        } else {
            ""
        };
        format!("not a landmark frame: {e}{hint}")
    })?;
    if !line.t.is_finite() || line.t < 0.0 {
        return Err(format!("time t = {} must be a number >= 0", line.t));
    }
    if line.width == 0 || line.height == 0 {
        return Err(format!(
            "image size {}x{} must not be zero",
            line.width, line.height
        ));
    }
    let pose = match line.landmarks {
        None => None,
        Some(points) => {
            let expected = line.schema.len();
            if points.len() != expected {
                return Err(format!(
                    "{} landmarks for schema {:?}; expected {expected}",
                    points.len(),
                    line.schema
                ));
            }
            let mut keypoints = Vec::with_capacity(points.len());
            for (i, p) in points.iter().enumerate() {
                keypoints.push(
                    p.as_deref()
                        .map(|raw| keypoint_from_raw(raw, i))
                        .transpose()?,
                );
            }
            let mut pose = Pose::empty();
            match line.schema {
                Schema::Blazepose33 => {
                    pose.landmarks.copy_from_slice(&keypoints);
                }
                Schema::Coco17 => {
                    for (k, lm) in keypoints.iter().zip(crate::coco::COCO17_TO_BLAZEPOSE) {
                        pose.landmarks[lm.index()] = *k;
                    }
                }
            }
            if let Some(world) = line.world {
                if world.len() != LANDMARK_COUNT {
                    return Err(format!(
                        "{} world landmarks; expected {LANDMARK_COUNT}",
                        world.len()
                    ));
                }
                let mut w = [Vec3::ZERO; LANDMARK_COUNT];
                for (i, p) in world.iter().enumerate() {
                    w[i] = Vec3::new(
                        finite32(p[0], &format!("world landmark {i} x"))?,
                        finite32(p[1], &format!("world landmark {i} y"))?,
                        finite32(p[2], &format!("world landmark {i} z"))?,
                    );
                }
                pose.world = Some(w);
            }
            pose.presence = line.presence.map(|p| finite32(p, "presence")).transpose()?;
            (pose.known_count() > 0 || pose.world.is_some()).then_some(pose)
        }
    };
    Ok(Frame {
        t: line.t,
        width: line.width,
        height: line.height,
        pose,
    })
}

/// Least time between two frames, seconds: 1,000 frames a second, four times
/// the fastest phone cameras. Closer frames are not a recording, and the
/// analysis sizes its smoothing windows by the frame rate.
pub const MIN_FRAME_GAP_S: f64 = 1e-3;
/// Longest span of one landmark file, seconds: three hours, far past any
/// practice of one pose.
pub const MAX_SPAN_S: f64 = 3.0 * 3600.0;

/// Read a whole landmark file. Blank lines are skipped; each frame must come
/// at least [`MIN_FRAME_GAP_S`] after the one before, and the file may span at
/// most [`MAX_SPAN_S`].
///
/// # Errors
/// [`LandmarkFileError::Invalid`] naming the first bad line,
/// [`LandmarkFileError::Empty`] when there is no frame, or an I/O error.
pub fn read_jsonl<R: BufRead>(reader: R) -> Result<Vec<Frame>, LandmarkFileError> {
    let mut frames: Vec<Frame> = Vec::new();
    for (i, line) in reader.lines().enumerate() {
        let line = line?;
        if line.trim().is_empty() {
            continue;
        }
        let frame = parse_line(&line).map_err(|message| LandmarkFileError::Invalid {
            line: i + 1,
            message,
        })?;
        if let Some(prev) = frames.last() {
            let message = if frame.t < prev.t {
                Some(format!(
                    "time goes back from {} s to {} s; frames must be in time order",
                    prev.t, frame.t
                ))
            } else if frame.t - prev.t < MIN_FRAME_GAP_S {
                Some(format!(
                    "time {:.3} s comes only {:.1e} s after the frame before; frames must be at least {} ms apart",
                    frame.t,
                    frame.t - prev.t,
                    MIN_FRAME_GAP_S * 1e3
                ))
            } else if frame.t - frames[0].t > MAX_SPAN_S {
                Some(format!(
                    "time {:.0} s is more than {} hours after the first frame; split the recording",
                    frame.t,
                    MAX_SPAN_S / 3600.0
                ))
            } else {
                None
            };
            if let Some(message) = message {
                return Err(LandmarkFileError::Invalid {
                    line: i + 1,
                    message,
                });
            }
        }
        frames.push(frame);
    }
    if frames.is_empty() {
        return Err(LandmarkFileError::Empty);
    }
    Ok(frames)
}

fn round6(v: f32) -> f64 {
    (f64::from(v) * 1e6).round() / 1e6
}

/// One frame as a single JSON line (no trailing newline), in `blazepose33` schema.
/// Numbers are rounded to 6 decimals so that the same frame gives the same bytes.
pub fn frame_to_json_line(frame: &Frame) -> String {
    json_line(frame, round6, |t| (t * 1e6).round() / 1e6)
}

/// As [`frame_to_json_line`] but unrounded: [`parse_line`] gives back the very
/// same frame, bit for bit (work handed between machines must join into what
/// one machine would have computed).
pub fn frame_to_exact_json_line(frame: &Frame) -> String {
    json_line(frame, f64::from, |t| t)
}

fn json_line(frame: &Frame, num: fn(f32) -> f64, time: fn(f64) -> f64) -> String {
    let line = Line {
        t: time(frame.t),
        width: frame.width,
        height: frame.height,
        schema: Schema::Blazepose33,
        landmarks: frame.pose.as_ref().map(|p| {
            p.landmarks
                .iter()
                .map(|k| {
                    k.map(|k| {
                        vec![
                            Some(num(k.x)),
                            Some(num(k.y)),
                            k.z.map(num),
                            k.visibility.map(num),
                        ]
                    })
                })
                .collect()
        }),
        world: frame
            .pose
            .as_ref()
            .and_then(|p| p.world)
            .map(|w| w.iter().map(|v| [num(v.x), num(v.y), num(v.z)]).collect()),
        presence: frame.pose.as_ref().and_then(|p| p.presence).map(num),
    };
    serde_json::to_string(&line).expect("a landmark frame always serialises")
}

/// Write frames as exact JSON Lines ([`frame_to_exact_json_line`]).
///
/// # Errors
/// Any error of the writer.
pub fn write_exact_jsonl<W: Write>(mut writer: W, frames: &[Frame]) -> std::io::Result<()> {
    for f in frames {
        writeln!(writer, "{}", frame_to_exact_json_line(f))?;
    }
    Ok(())
}

/// Write frames as JSON Lines.
///
/// # Errors
/// Any error of the writer.
pub fn write_jsonl<W: Write>(mut writer: W, frames: &[Frame]) -> std::io::Result<()> {
    for f in frames {
        writeln!(writer, "{}", frame_to_json_line(f))?;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::landmark::Landmark;

    fn blaze_line(n: usize) -> String {
        let pts: Vec<String> = (0..n).map(|i| format!("[0.{i:02},0.5,null,0.9]")).collect();
        format!(
            r#"{{"t":0.5,"width":640,"height":480,"schema":"blazepose33","landmarks":[{}]}}"#,
            pts.join(",")
        )
    }

    #[test]
    fn round_trip_keeps_every_value() {
        let frame = parse_line(&blaze_line(33)).unwrap();
        let again = parse_line(&frame_to_json_line(&frame)).unwrap();
        assert_eq!(frame, again);
        assert_eq!(frame.pose.unwrap().known_count(), 33);
    }

    #[test]
    fn exact_lines_give_back_the_same_bits() {
        let mut pose = Pose::empty();
        for (i, k) in pose.landmarks.iter_mut().enumerate() {
            let v = 1.0 / (i as f32 + 3.0);
            *k = Some(Keypoint {
                x: v,
                y: 1.0 - v / 7.0,
                z: (i % 2 == 0).then_some(-v * 1e-3),
                visibility: Some(v.sqrt()),
            });
        }
        pose.landmarks[5] = None;
        pose.world = Some([Vec3::new(0.1, -0.333_333_34, 1e-7); LANDMARK_COUNT]);
        pose.presence = Some(0.987_654_3);
        let frame = Frame {
            t: 10.0 / 3.0,
            width: 1280,
            height: 720,
            pose: Some(pose),
        };
        let back = parse_line(&frame_to_exact_json_line(&frame)).unwrap();
        assert_eq!(back, frame);
        assert_ne!(
            parse_line(&frame_to_json_line(&frame)).unwrap(),
            frame,
            "the rounded line does round"
        );
    }

    #[test]
    fn coco17_maps_onto_blazepose() {
        let pts: Vec<String> = (0..17)
            .map(|i| format!("[{}, 0.5]", i as f32 / 20.0))
            .collect();
        let text = format!(
            r#"{{"t":0,"width":10,"height":10,"schema":"coco17","landmarks":[{}]}}"#,
            pts.join(",")
        );
        let pose = parse_line(&text).unwrap().pose.unwrap();
        assert_eq!(pose.known_count(), 17);
        // COCO index 13 is the left knee.
        assert!((pose.get(Landmark::LeftKnee).unwrap().x - 13.0 / 20.0).abs() < 1e-6);
        assert!(pose.get(Landmark::LeftHeel).is_none());
    }

    fn frames_at(times: &[f64]) -> String {
        times
            .iter()
            .map(|t| {
                format!(
                    r#"{{"t":{t:e},"width":4,"height":4,"schema":"blazepose33","landmarks":null}}"#
                )
            })
            .collect::<Vec<_>>()
            .join("\n")
    }

    #[test]
    fn frames_closer_than_a_millisecond_are_refused_with_their_line() {
        for gap in [1e-13, 1e-300, 0.0] {
            let text = frames_at(&[0.0, 0.033, 0.033 + gap]);
            let err = read_jsonl(text.as_bytes()).unwrap_err().to_string();
            assert!(err.starts_with("line 3: "), "{err}");
            assert!(err.contains("at least 1 ms apart"), "{err}");
        }
        let ok = frames_at(&[0.0, 0.001, 0.034]);
        assert_eq!(read_jsonl(ok.as_bytes()).unwrap().len(), 3);
    }

    #[test]
    fn a_file_spanning_more_than_three_hours_is_refused() {
        let text = frames_at(&[0.0, 1.0, 1e9]);
        let err = read_jsonl(text.as_bytes()).unwrap_err().to_string();
        assert!(
            err.contains("line 3") && err.contains("split the recording"),
            "{err}"
        );
    }

    #[test]
    fn nobody_in_the_frame_is_none() {
        let f =
            parse_line(r#"{"t":1,"width":4,"height":4,"schema":"blazepose33","landmarks":null}"#)
                .unwrap();
        assert!(f.pose.is_none());
    }

    #[test]
    fn nan_gets_a_clear_message() {
        let text = blaze_line(33).replace("0.9]", "NaN]");
        let err = parse_line(&text).unwrap_err();
        assert!(err.contains("NaN"), "{err}");
    }

    #[test]
    fn bad_inputs_name_their_problem() {
        assert!(
            parse_line(&blaze_line(32))
                .unwrap_err()
                .contains("expected 33")
        );
        let zero = blaze_line(33).replace("\"width\":640", "\"width\":0");
        assert!(parse_line(&zero).unwrap_err().contains("must not be zero"));
        let vis = blaze_line(33).replacen("0.9]", "1.5]", 1);
        assert!(parse_line(&vis).unwrap_err().contains("outside 0..1"));
    }

    #[test]
    fn file_errors_carry_line_numbers() {
        let text = format!("{}\n\nnot json\n", blaze_line(33));
        match read_jsonl(text.as_bytes()) {
            Err(LandmarkFileError::Invalid { line, .. }) => assert_eq!(line, 3),
            other => panic!("unexpected {other:?}"),
        }
        assert!(matches!(
            read_jsonl(&b"\n"[..]),
            Err(LandmarkFileError::Empty)
        ));
        let back = format!(
            "{}\n{}\n",
            blaze_line(33),
            blaze_line(33).replace("0.5,\"width", "0.1,\"width")
        );
        assert!(matches!(
            read_jsonl(back.as_bytes()),
            Err(LandmarkFileError::Invalid { line: 2, .. })
        ));
    }
}
