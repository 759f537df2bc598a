//! A video's frames through a pose estimator in video mode: the one tracking
//! loop that [`Input::run`](crate::Input::run), the pieces of
//! [`segments`](crate::segments) and `janu landmarks` share.
//!
//! [`track_video`] decodes on its own thread, [`DECODE_AHEAD`] frames ahead,
//! while the calling thread runs the model; [`track`] takes frames from any
//! source on the calling thread. Both hand out each frame's landmarks with its
//! picture, for a caller that draws on it.
//!
//! ```no_run
//! use janu_pipeline::tracking::track_video;
//! use janu_vision::{EstimatorOptions, PoseEstimator};
//!
//! let mut estimator = PoseEstimator::new(EstimatorOptions::default())?;
//! let video = janu_media::open_video("practice.mp4".as_ref(), &Default::default())?;
//! for tracked in track_video(&mut estimator, video) {
//!     let tracked = tracked?;
//!     println!("{:.3} s: {}", tracked.frame.t, tracked.frame.pose.is_some());
//! }
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```

use janu_body::Frame;
use janu_media::{FrameReceiver, MediaError, RgbImage, VideoFrame, VideoInfo, VideoSource};
use janu_vision::PoseEstimate;

use crate::DECODE_AHEAD;
use crate::segments::SegmentError;

/// One video frame through the estimator.
#[derive(Debug, Clone)]
pub struct Tracked {
    /// Its landmarks (`pose: None` where nobody was found).
    pub frame: Frame,
    /// People the detector found (from its last run when it did not run for
    /// this frame).
    pub people_detected: usize,
    /// The decoded picture, the caller's to keep or draw on.
    pub picture: RgbImage,
}

/// The frames of a video through a pose estimator, in order: see [`track`].
pub struct Tracking<'a, I> {
    estimator: &'a mut dyn PoseEstimate,
    frames: I,
    width: u32,
    height: u32,
}

impl<I> std::fmt::Debug for Tracking<'_, I> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Tracking")
            .field("width", &self.width)
            .field("height", &self.height)
            .finish_non_exhaustive()
    }
}

impl<I> Iterator for Tracking<'_, I>
where
    I: Iterator<Item = Result<VideoFrame, MediaError>>,
{
    type Item = Result<Tracked, SegmentError>;

    fn next(&mut self) -> Option<Self::Item> {
        let decoded = match self.frames.next()? {
            Ok(decoded) => decoded,
            Err(e) => return Some(Err(e.into())),
        };
        let estimate = match self.estimator.track(&decoded.image, decoded.t) {
            Ok(estimate) => estimate,
            Err(e) => return Some(Err(e.into())),
        };
        Some(Ok(Tracked {
            frame: Frame {
                t: decoded.t,
                width: self.width,
                height: self.height,
                pose: estimate.pose,
            },
            people_detected: estimate.people_detected,
            picture: decoded.image,
        }))
    }
}

/// Track `frames` of the video described by `info` with `estimator` (reset
/// first), on the calling thread. Each item is one frame, or the error of
/// one: a frame that cannot be decoded ([`SegmentError::Media`]) or a model
/// that fails ([`SegmentError::Vision`]); a caller that stops at the first
/// error reads the video as one pass does.
pub fn track<'a, I>(
    estimator: &'a mut dyn PoseEstimate,
    frames: I,
    info: &VideoInfo,
) -> Tracking<'a, I::IntoIter>
where
    I: IntoIterator<Item = Result<VideoFrame, MediaError>>,
{
    estimator.reset();
    Tracking {
        estimator,
        frames: frames.into_iter(),
        width: info.width,
        height: info.height,
    }
}

/// Track all of `video` with `estimator` (reset first): [`track`] with the
/// decoding on its own thread, [`DECODE_AHEAD`] frames ahead, so decoder and
/// model keep two cores busy and memory stays bounded.
pub fn track_video(
    estimator: &mut dyn PoseEstimate,
    video: VideoSource,
) -> Tracking<'_, FrameReceiver> {
    let info = video.info().clone();
    track(estimator, video.spawn(DECODE_AHEAD), &info)
}
