//! One video on every core: cut into consecutive pieces that are decoded and
//! tracked at once, one thread and one estimator each, then joined in order.
//!
//! The pose model in video mode carries state from frame to frame (the region
//! it tracks, the smoothing filters), but starts afresh at every
//! [`TRACK_ANCHOR_S`]. Pieces are cut on those anchors, so each piece's frames
//! are exactly the ones a single pass gives, and the joined frames analyse
//! into the same report. Decoding starts at the key frame before a piece (see
//! [`janu_media::VideoOptions::start_s`]).
//!
//! One model thread per piece keeps every core on its own work: two pieces on
//! two cores run faster than one piece with a model on two threads, which
//! waits on its threads at every layer.

use std::path::Path;

use janu_body::Frame;
use janu_media::VideoOptions;
use janu_vision::{
    EstimatorOptions, PoseEstimate, PoseEstimator, TRACK_ANCHOR_S, VisionError, track_anchor,
};

use crate::tracking;

/// Shortest piece worth its own thread: below this the model loading (a few
/// hundred milliseconds) eats what the split gains. One tracking stretch.
pub const MIN_SEGMENT_S: f64 = TRACK_ANCHOR_S;
/// Extra video decoded on each side of a piece, so frames whose times round
/// across a cut are read by both pieces and kept by the one whose stretch
/// they fall in ([`track_anchor`] decides).
const DECODE_MARGIN_S: f64 = 0.5;

/// One piece of a video: the tracking stretches from `start_s` up to `end_s`
/// (to the end when `None`); both are multiples of [`TRACK_ANCHOR_S`].
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Segment {
    /// First time kept, seconds.
    pub start_s: f64,
    /// Time kept up to (not included); `None` for the last piece.
    pub end_s: Option<f64>,
}

impl Segment {
    /// Whether the frame at `t` seconds is this piece's to keep.
    fn keeps(&self, t: f64) -> bool {
        let k = track_anchor(t);
        k >= track_anchor(self.start_s) && self.end_s.is_none_or(|e| k < track_anchor(e))
    }
}

/// Cut `duration_s` into at most `parts` pieces of about equal length, each
/// starting on a tracking anchor and at least [`MIN_SEGMENT_S`] long (one
/// piece for a short or unknown duration).
pub fn plan(duration_s: f64, parts: usize) -> Vec<Segment> {
    let fits = if duration_s.is_finite() && duration_s > 0.0 {
        (duration_s / MIN_SEGMENT_S).floor() as usize
    } else {
        1
    };
    let n = parts.min(fits).max(1);
    // Each cut on the anchor nearest its share of the video.
    let mut cuts: Vec<f64> = (1..n)
        .map(|i| (duration_s * i as f64 / n as f64 / TRACK_ANCHOR_S).round() * TRACK_ANCHOR_S)
        .filter(|&c| c > 0.0 && c < duration_s)
        .collect();
    cuts.dedup();
    between(&cuts)
}

/// Cut `duration_s` into pieces of about `piece_s` each (a whole number of
/// tracking stretches, at least one), for work shared between machines: one
/// piece for a short or unknown duration.
pub fn plan_every(duration_s: f64, piece_s: f64) -> Vec<Segment> {
    let stretches = (piece_s / TRACK_ANCHOR_S).round().max(1.0);
    let step = stretches * TRACK_ANCHOR_S;
    if !(duration_s.is_finite() && duration_s > step) {
        return vec![Segment {
            start_s: 0.0,
            end_s: None,
        }];
    }
    // The last piece takes the rest, so none is shorter than half a step.
    let n = ((duration_s / step).round() as usize).max(1);
    let cuts: Vec<f64> = (1..n).map(|i| step * i as f64).collect();
    between(&cuts)
}

/// The pieces between `cuts` (increasing, inside the video): from 0 to the
/// first cut, ..., from the last cut to the end.
fn between(cuts: &[f64]) -> Vec<Segment> {
    let starts = std::iter::once(0.0).chain(cuts.iter().copied());
    let ends = cuts.iter().copied().map(Some).chain(std::iter::once(None));
    starts
        .zip(ends)
        .map(|(start_s, end_s)| Segment { start_s, end_s })
        .collect()
}

/// Why tracking a video, or a piece of it, failed.
#[derive(Debug, thiserror::Error)]
pub enum SegmentError {
    /// The video could not be read.
    #[error(transparent)]
    Media(#[from] janu_media::MediaError),
    /// The model could not be loaded or run.
    #[error(transparent)]
    Vision(#[from] VisionError),
    /// A piece's thread could not run.
    #[error("a piece of the video could not be analysed: {0}")]
    Thread(String),
}

/// Track one piece of the video at `path` with `estimator` (reset first):
/// [`tracking::track`] on the frames the piece keeps. `done` hears of each
/// kept frame.
///
/// # Errors
/// [`SegmentError::Media`] when the video cannot be opened or a frame cannot
/// be decoded; [`SegmentError::Vision`] when the model fails.
pub fn track_segment(
    estimator: &mut dyn PoseEstimate,
    path: &Path,
    video: &VideoOptions,
    segment: Segment,
    done: &mut dyn FnMut(&Frame),
) -> Result<Vec<Frame>, SegmentError> {
    let options = VideoOptions {
        start_s: (segment.start_s - DECODE_MARGIN_S).max(0.0),
        end_s: segment.end_s.map(|e| e + DECODE_MARGIN_S),
        ..*video
    };
    let source = janu_media::open_video(path, &options)?;
    let info = source.info().clone();
    // Errors pass, so a damaged frame inside the piece still stops it.
    let kept = source.filter(|item| !matches!(item, Ok(f) if !segment.keeps(f.t)));
    let mut out = Vec::new();
    for tracked in tracking::track(estimator, kept, &info) {
        let frame = tracked?.frame;
        done(&frame);
        out.push(frame);
    }
    Ok(out)
}

/// The landmarks of the video at `path`, the pieces of `segments` tracked at
/// once, each on its own thread with its own estimator made from `options`
/// (give `threads: 1`). `progress` hears the number of frames done so far; it
/// is called on the calling thread.
///
/// # Errors
/// The first error of any piece, as [`track_segment`]; a model that cannot be
/// loaded.
pub fn landmarks_in_parallel(
    path: &Path,
    video: &VideoOptions,
    options: &EstimatorOptions,
    segments: &[Segment],
    progress: &mut dyn FnMut(u64),
) -> Result<Vec<Frame>, SegmentError> {
    let pieces: Vec<Result<Vec<Frame>, SegmentError>> = std::thread::scope(|scope| {
        let (tx, rx) = std::sync::mpsc::channel::<()>();
        let handles: Vec<_> = segments
            .iter()
            .map(|&segment| {
                let tx = tx.clone();
                scope.spawn(move || {
                    let mut estimator = PoseEstimator::new(options.clone())?;
                    track_segment(&mut estimator, path, video, segment, &mut |_| {
                        let _ = tx.send(());
                    })
                })
            })
            .collect();
        drop(tx);
        // Ends when every piece has ended (and dropped its sender).
        let mut done = 0;
        for () in rx {
            done += 1;
            progress(done);
        }
        handles
            .into_iter()
            .map(|h| {
                h.join()
                    .unwrap_or_else(|_| Err(SegmentError::Thread("its thread panicked".into())))
            })
            .collect()
    });
    let mut frames = Vec::new();
    for piece in pieces {
        frames.extend(piece?);
    }
    Ok(frames)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn pieces_cover_the_video_without_gaps() {
        assert_eq!(plan(5.0, 4).len(), 1, "too short to split");
        assert_eq!(plan(f64::NAN, 4).len(), 1);
        let p = plan(60.0, 4);
        assert_eq!(p.len(), 4);
        assert_eq!(p[0].start_s, 0.0);
        assert_eq!(p[3].end_s, None);
        for w in p.windows(2) {
            assert_eq!(w[0].end_s, Some(w[1].start_s));
        }
        assert_eq!(plan(25.0, 4).len(), 2, "each piece at least MIN_SEGMENT_S");
        for p in [plan(24.0, 2), plan(3600.0, 7), plan(61.3, 3)] {
            for s in &p {
                assert_eq!(s.start_s % TRACK_ANCHOR_S, 0.0, "{p:?}");
                assert!(s.end_s.is_none_or(|e| e > s.start_s), "{p:?}");
            }
        }
    }

    #[test]
    fn every_frame_is_kept_by_exactly_one_piece() {
        for p in [plan(95.0, 4), plan_every(95.0, 30.0), plan_every(95.0, 1.0)] {
            for i in 0..(95 * 30) {
                let t = f64::from(i) / 30.0;
                assert_eq!(p.iter().filter(|s| s.keeps(t)).count(), 1, "{t}");
            }
        }
    }

    #[test]
    fn pieces_of_a_length_fall_on_anchors() {
        assert_eq!(plan_every(50.0, 60.0).len(), 1);
        assert_eq!(plan_every(f64::NAN, 60.0).len(), 1);
        let p = plan_every(3600.0, 60.0);
        assert_eq!(p.len(), 60);
        assert_eq!(p[59].start_s, 3540.0);
        assert_eq!(p[59].end_s, None);
        // A 64 s video in 30 s pieces: 0-30, 30-end (no 4 s piece).
        let p = plan_every(64.0, 30.0);
        assert_eq!(p.len(), 2, "{p:?}");
        // 25 s pieces are rounded to 20 s or 30 s: whole stretches.
        for s in plan_every(300.0, 25.0) {
            assert_eq!(s.start_s % TRACK_ANCHOR_S, 0.0);
        }
    }
}
