//! A photo, a video or a landmark file through decoding (janu-media), the pose
//! engine (janu-vision) and the analysis (janu-analysis), to a report with key
//! frames and breathing traces for the HTML page (janu-report). The one place
//! where a file becomes a report: `janu analyze` and the web app's uploads both
//! call it.
//!
//! The work is in two steps so a server can refuse a bad file while the upload
//! request is still open: [`Input::open`] is fast (sniff the content, decode a
//! photo, open a video's container, read a landmark file) and [`Input::run`] is
//! slow (the pose model, the analysis, the key frames). [`analyze_file`] does
//! both. The pose estimator is the caller's ([`EstimatorSource`]): a worker keeps
//! one for its life, and it is loaded only when a picture needs it. Anything
//! that implements [`janu_vision::PoseEstimate`] will do, so a test can run the
//! pipeline on a scripted estimator without a model.
//!
//! ```
//! use janu_pipeline::{Input, InputKind, LazyEstimator, PipelineOptions};
//!
//! let dir = tempfile::tempdir().unwrap();
//! let path = dir.path().join("practice.jsonl");
//! let synth = janu_synth::generate(&janu_synth::scenarios::clean_session(1)).unwrap();
//! janu_body::file::write_jsonl(std::fs::File::create(&path).unwrap(), &synth.frames).unwrap();
//!
//! let input = Input::open(&path, &PipelineOptions::default()).unwrap();
//! assert_eq!(input.kind(), InputKind::Landmarks);
//! // A landmark file never loads the model.
//! let mut estimator = LazyEstimator::new(Default::default());
//! let analysis = input.run(&mut estimator, &mut |_| {}).unwrap();
//! assert_eq!(analysis.report.sides.len(), 2);
//! assert!(!analysis.media.key_frames.is_empty());
//! let html = janu_report::html::document(&analysis.report, &analysis.media, "practice").unwrap();
//! assert!(html.contains("<svg"));
//! ```

mod breath;
mod error;
mod estimator;
pub mod key_frames;
mod photo;
pub mod segments;
pub mod tracking;

use std::path::{Path, PathBuf};

use janu_analysis::{AnalysisError, AnalysisOptions, SessionReport};
use janu_body::{Frame, LandmarkFileError};
use janu_media::{MediaError, MediaKind, RgbImage, VideoOptions, VideoSource};
use janu_report::media::{KeyFrame, ReportMedia};
use janu_vision::{PoseEstimate, VisionError};

pub use error::PipelineError;
pub use estimator::{EstimatorSource, InstallProgress, LazyEstimator};
pub use key_frames::{KEY_FRAME_MAX_SIDE, MAX_KEY_FRAMES};
pub use photo::{PHOTO_VIEWS, photo_looks};

/// Frames decoded ahead of the pose model: keeps the decoder thread and the
/// model busy on two cores and bounds memory (a 1080p frame is 6 MB).
pub const DECODE_AHEAD: usize = 4;

/// Cores of this machine: how many pieces a long video is tracked in at once
/// by default (see [`PipelineOptions::segments`]).
pub fn cores() -> usize {
    std::thread::available_parallelism().map_or(1, std::num::NonZero::get)
}

/// What the input was.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum InputKind {
    /// A photo (JPEG, PNG, WebP).
    Photo,
    /// A video.
    Video,
    /// A landmark file (JSON Lines) made elsewhere.
    Landmarks,
}

impl InputKind {
    /// `photo`, `video` or `landmarks`.
    pub const fn as_str(self) -> &'static str {
        match self {
            Self::Photo => "photo",
            Self::Video => "video",
            Self::Landmarks => "landmarks",
        }
    }
}

/// How to read and analyse the input.
#[derive(Debug, Clone, Copy, PartialEq, Default)]
pub struct PipelineOptions {
    /// For a video: analyse about this many frames a second (`None`: every frame).
    pub fps: Option<f64>,
    /// The pictures are mirrored (a selfie webcam): left and right are swapped
    /// back before the analysis.
    pub mirrored: bool,
    /// Skip the key frames (and the second decoding pass of a video they need).
    pub no_key_frames: bool,
    /// Look at a photo only MediaPipe's way (one detector crop), not the
    /// several ways of [`PHOTO_VIEWS`].
    pub mediapipe_only: bool,
    /// For a video: track up to this many pieces of it at once, one core and
    /// one single-threaded estimator each (see [`segments`]); 0 or 1 reads it
    /// in one pass with the caller's estimator.
    pub segments: usize,
}

/// Where the work is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Stage {
    /// Loading (on first use installing) the pose model.
    LoadingModel,
    /// Finding the body landmarks in the pictures.
    Landmarks,
    /// Measuring the form.
    Analysing,
    /// Drawing the key frames.
    KeyFrames,
}

impl Stage {
    /// What it does, in words ("finding the body landmarks").
    pub const fn words(self) -> &'static str {
        match self {
            Self::LoadingModel => "loading the pose model",
            Self::Landmarks => "finding the body landmarks",
            Self::Analysing => "analysing the form",
            Self::KeyFrames => "drawing the key frames",
        }
    }
}

/// A progress report: the stage, and steps done of a total when known.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Progress {
    /// Where the work is.
    pub stage: Stage,
    /// Steps done in this stage (frames for [`Stage::Landmarks`]).
    pub done: u64,
    /// Steps expected, when known (for a video, an estimate from its duration).
    pub total: Option<u64>,
}

/// Everything made from one input.
#[derive(Debug, Clone)]
pub struct Analysis {
    /// What the input was.
    pub input: InputKind,
    /// The landmark frames, as the pictures show them (not unmirrored).
    pub frames: Vec<Frame>,
    /// The analysis.
    pub report: SessionReport,
    /// Key frames and breathing traces for the HTML report.
    pub media: ReportMedia,
}

impl Analysis {
    /// The key frames.
    pub fn key_frames(&self) -> &[KeyFrame] {
        &self.media.key_frames
    }
}

enum Source {
    Photo(RgbImage),
    Video(VideoSource),
    /// A video whose landmarks were tracked elsewhere (in pieces, by several
    /// workers): analysed as the video, key frames read from it.
    Tracked(Vec<Frame>),
    Landmarks(Vec<Frame>),
}

/// An input that passed the fast checks, ready for [`Input::run`].
pub struct Input {
    path: PathBuf,
    name: String,
    options: PipelineOptions,
    source: Source,
}

impl std::fmt::Debug for Input {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Input")
            .field("name", &self.name)
            .field("kind", &self.kind())
            .finish_non_exhaustive()
    }
}

/// A media error about the file the user knows as `name`.
fn media_error(e: MediaError, name: &str) -> PipelineError {
    let file = name.to_string();
    match e {
        MediaError::Empty { .. } => PipelineError::Empty { file },
        MediaError::Unsupported { .. }
        | MediaError::WrongKind { .. }
        | MediaError::NeedsFfmpeg { .. }
        | MediaError::NoVideoTrack { .. } => PipelineError::NotMedia { file, source: e },
        MediaError::Read { cause, .. } => PipelineError::Unreadable {
            file,
            source: cause,
        },
        MediaError::NoFrames { .. } => PipelineError::NoFrames {
            file,
            what: "the video",
        },
        MediaError::Write { .. } | MediaError::Encode { .. } | MediaError::InvalidInput { .. } => {
            PipelineError::Output { file, source: e }
        }
        _ => PipelineError::BadMedia { file, source: e },
    }
}

impl Input {
    /// Sniff `path` by its content and get it ready; errors name the file by its
    /// path.
    ///
    /// # Errors
    /// As [`Input::open_named`].
    pub fn open(path: &Path, options: &PipelineOptions) -> Result<Self, PipelineError> {
        Self::open_named(path, &path.display().to_string(), options)
    }

    /// As [`Input::open`], naming the file `name` in every message (a server's
    /// upload lives under a temporary name the user never saw).
    ///
    /// # Errors
    /// [`PipelineError::Empty`], [`PipelineError::NotMedia`] (not a photo, video
    /// or landmark file), [`PipelineError::Unreadable`], [`PipelineError::BadMedia`]
    /// (a damaged photo or video container), [`PipelineError::BadLandmarks`] and
    /// [`PipelineError::NoFrames`] for a landmark file that cannot be used.
    pub fn open_named(
        path: &Path,
        name: &str,
        options: &PipelineOptions,
    ) -> Result<Self, PipelineError> {
        let kind = janu_media::probe(path).map_err(|e| media_error(e, name))?;
        let source = match kind {
            MediaKind::Image => {
                Source::Photo(janu_media::read_image(path).map_err(|e| media_error(e, name))?)
            }
            MediaKind::Video => {
                let video = VideoOptions {
                    target_fps: options.fps,
                    ..Default::default()
                };
                Source::Video(
                    janu_media::open_video(path, &video).map_err(|e| media_error(e, name))?,
                )
            }
            MediaKind::LandmarkFile => Source::Landmarks(read_landmarks(path, name)?),
        };
        Ok(Self {
            path: path.to_path_buf(),
            name: name.to_string(),
            options: *options,
            source,
        })
    }

    /// What the input is.
    pub fn kind(&self) -> InputKind {
        match self.source {
            Source::Photo(_) => InputKind::Photo,
            Source::Video(_) | Source::Tracked(_) => InputKind::Video,
            Source::Landmarks(_) => InputKind::Landmarks,
        }
    }

    /// Whether [`Input::run`] needs the pose model.
    pub fn needs_model(&self) -> bool {
        matches!(self.source, Source::Photo(_) | Source::Video(_))
    }

    /// A video's length in seconds as its container tells it (`None` for
    /// other inputs, or when the container does not say).
    pub fn video_duration_s(&self) -> Option<f64> {
        match &self.source {
            Source::Video(v) => Some(v.info().duration_s).filter(|d| d.is_finite() && *d > 0.0),
            _ => None,
        }
    }

    /// A video whose landmarks were tracked already, piece by piece with
    /// [`segments::track_segment`] on any machines and joined in order:
    /// [`Input::run`] analyses `frames` instead of tracking the video again
    /// (and still reads its key frames from it). Pieces cut by
    /// [`segments::plan_every`] give the frames one pass would.
    ///
    /// # Errors
    /// [`PipelineError::Internal`] when the input is not a video.
    pub fn with_tracked_frames(self, frames: Vec<Frame>) -> Result<Self, PipelineError> {
        if !matches!(self.source, Source::Video(_)) {
            return Err(PipelineError::Internal {
                file: self.name,
                message: "landmarks tracked elsewhere belong to a video".into(),
            });
        }
        Ok(Self {
            source: Source::Tracked(frames),
            ..self
        })
    }

    /// The name errors use.
    pub fn name(&self) -> &str {
        &self.name
    }

    /// Landmarks, analysis, key frames. `estimator` is asked for the model only
    /// for a photo or a video; `progress` hears of each stage and frame.
    ///
    /// # Errors
    /// [`PipelineError::BadMedia`] when a video frame cannot be decoded (a cut
    /// video), [`PipelineError::NoFrames`] for a video without frames,
    /// [`PipelineError::BadLandmarks`] when a landmark file's times go back,
    /// [`PipelineError::Model`] when the model cannot be loaded or run,
    /// [`PipelineError::Analysis`] when the analysis refuses the landmarks,
    /// [`PipelineError::KeyFrame`] when a key frame cannot be encoded.
    pub fn run(
        self,
        estimator: &mut dyn EstimatorSource,
        progress: &mut dyn FnMut(Progress),
    ) -> Result<Analysis, PipelineError> {
        let Input {
            path,
            name,
            options,
            source,
        } = self;
        let kind;
        let mut photo = None;
        let mut looks = None;
        let model_error = |source: VisionError| PipelineError::Model {
            file: name.clone(),
            source,
        };
        let frames = match source {
            Source::Landmarks(frames) => {
                kind = InputKind::Landmarks;
                let n = frames.len() as u64;
                progress(Progress {
                    stage: Stage::Landmarks,
                    done: n,
                    total: Some(n),
                });
                frames
            }
            Source::Photo(image) => {
                kind = InputKind::Photo;
                let est = load(estimator, progress).map_err(model_error)?;
                progress(Progress {
                    stage: Stage::Landmarks,
                    done: 0,
                    total: Some(1),
                });
                let found =
                    photo_looks(est, &image, options.mediapipe_only).map_err(model_error)?;
                progress(Progress {
                    stage: Stage::Landmarks,
                    done: 1,
                    total: Some(1),
                });
                photo = Some(image);
                looks = Some(found);
                Vec::new()
            }
            Source::Video(video) => {
                kind = InputKind::Video;
                let frames = video_landmarks(video, &options, &path, &name, estimator, progress)?;
                if frames.is_empty() {
                    return Err(PipelineError::NoFrames {
                        file: name,
                        what: "the video",
                    });
                }
                frames
            }
            Source::Tracked(frames) => {
                kind = InputKind::Video;
                if frames.is_empty() {
                    return Err(PipelineError::NoFrames {
                        file: name,
                        what: "the video",
                    });
                }
                frames
            }
        };
        progress(Progress {
            stage: Stage::Analysing,
            done: 0,
            total: None,
        });
        let analysis_options = AnalysisOptions {
            mirrored: options.mirrored,
        };
        let analysis_error = |e: AnalysisError| match e {
            AnalysisError::NoFrames => PipelineError::NoFrames {
                file: name.clone(),
                what: if kind == InputKind::Landmarks {
                    "the landmark file"
                } else {
                    "the input"
                },
            },
            AnalysisError::BadTime { .. } if kind == InputKind::Landmarks => {
                PipelineError::BadLandmarks {
                    file: name.clone(),
                    message: e.to_string(),
                }
            }
            source => PipelineError::Analysis {
                file: name.clone(),
                source,
            },
        };
        let (frames, report) = match looks {
            Some(looks) => {
                let (chosen, report) = janu_analysis::analyze_photo(&looks, &analysis_options)
                    .map_err(analysis_error)?;
                let frame = looks.into_iter().nth(chosen).map(|(_, f)| f);
                (frame.into_iter().collect(), report)
            }
            None => {
                let report = janu_analysis::analyze_with(&frames, &analysis_options)
                    .map_err(analysis_error)?;
                (frames, report)
            }
        };
        let breath = breath::traces(&report, &frames);
        let key_frames = if options.no_key_frames {
            Vec::new()
        } else {
            capture_key_frames(
                &report,
                &frames,
                photo.as_ref(),
                kind,
                &path,
                &name,
                &options,
                progress,
            )?
        };
        Ok(Analysis {
            input: kind,
            frames,
            report,
            media: ReportMedia { key_frames, breath },
        })
    }
}

/// Open `path` and run it through: [`Input::open`] then [`Input::run`].
///
/// # Errors
/// As [`Input::open_named`] and [`Input::run`].
pub fn analyze_file(
    path: &Path,
    options: &PipelineOptions,
    estimator: &mut dyn EstimatorSource,
    progress: &mut dyn FnMut(Progress),
) -> Result<Analysis, PipelineError> {
    Input::open(path, options)?.run(estimator, progress)
}

fn load<'a>(
    estimator: &'a mut dyn EstimatorSource,
    progress: &mut dyn FnMut(Progress),
) -> Result<&'a mut dyn PoseEstimate, VisionError> {
    if !estimator.is_loaded() {
        progress(Progress {
            stage: Stage::LoadingModel,
            done: 0,
            total: None,
        });
    }
    estimator.estimator()
}

fn read_landmarks(path: &Path, name: &str) -> Result<Vec<Frame>, PipelineError> {
    let file = std::fs::File::open(path).map_err(|source| PipelineError::Unreadable {
        file: name.to_string(),
        source,
    })?;
    janu_body::file::read_jsonl(std::io::BufReader::new(file)).map_err(|e| match e {
        LandmarkFileError::Invalid { line, message } => PipelineError::BadLandmarks {
            file: name.to_string(),
            message: format!("line {line}: {message}"),
        },
        LandmarkFileError::Empty => PipelineError::NoFrames {
            file: name.to_string(),
            what: "the landmark file",
        },
        LandmarkFileError::Io(source) => PipelineError::Unreadable {
            file: name.to_string(),
            source,
        },
    })
}

fn video_landmarks(
    video: VideoSource,
    options: &PipelineOptions,
    path: &Path,
    name: &str,
    estimator: &mut dyn EstimatorSource,
    progress: &mut dyn FnMut(Progress),
) -> Result<Vec<Frame>, PipelineError> {
    let target_fps = options.fps;
    let info = video.info().clone();
    let piece_options = estimator.piece_options();
    let est = load(estimator, progress).map_err(|source| PipelineError::Model {
        file: name.to_string(),
        source,
    })?;
    let total = expected_frames(&info, target_fps);
    progress(Progress {
        stage: Stage::Landmarks,
        done: 0,
        total,
    });
    let mut frames_done = |done| {
        progress(Progress {
            stage: Stage::Landmarks,
            done,
            total: total.map(|t| t.max(done)),
        });
    };
    let pieces = segments::plan(info.duration_s, options.segments);
    if pieces.len() > 1
        && let Some(one_thread) = piece_options
    {
        drop(video);
        let read = VideoOptions {
            target_fps,
            ..Default::default()
        };
        return segments::landmarks_in_parallel(
            path,
            &read,
            &one_thread,
            &pieces,
            &mut frames_done,
        )
        .map_err(|e| segment_error(e, name));
    }
    let mut frames = Vec::new();
    for tracked in tracking::track_video(est, video) {
        frames.push(tracked.map_err(|e| segment_error(e, name))?.frame);
        frames_done(frames.len() as u64);
    }
    Ok(frames)
}

/// A tracking error about the file the user knows as `name`.
fn segment_error(e: segments::SegmentError, name: &str) -> PipelineError {
    match e {
        segments::SegmentError::Media(m) => media_error(m, name),
        segments::SegmentError::Vision(source) => PipelineError::Model {
            file: name.to_string(),
            source,
        },
        segments::SegmentError::Thread(message) => PipelineError::Internal {
            file: name.to_string(),
            message: format!("a piece of the video could not be analysed: {message}"),
        },
    }
}

/// Frames a video is expected to give at `target_fps` (every frame when
/// `None`): the container's count, or its duration times the rate; `None`
/// when the container tells neither.
pub fn expected_frames(info: &janu_media::VideoInfo, target_fps: Option<f64>) -> Option<u64> {
    let fps = target_fps.map_or(info.fps, |f| f.min(info.fps));
    let n = info
        .frame_count
        .filter(|_| target_fps.is_none())
        .map_or_else(|| (info.duration_s * fps).ceil(), |n| n as f64);
    (n.is_finite() && n >= 1.0).then_some(n as u64)
}

#[allow(clippy::too_many_arguments)]
fn capture_key_frames(
    report: &SessionReport,
    frames: &[Frame],
    photo: Option<&RgbImage>,
    kind: InputKind,
    path: &Path,
    name: &str,
    options: &PipelineOptions,
    progress: &mut dyn FnMut(Progress),
) -> Result<Vec<KeyFrame>, PipelineError> {
    let picks = key_frames::pick(report);
    let total = Some(picks.len() as u64);
    progress(Progress {
        stage: Stage::KeyFrames,
        done: 0,
        total,
    });
    // The pictures, one per pick (None: draw on a plain canvas).
    let mut thumbs: Vec<Option<RgbImage>> = vec![None; picks.len()];
    match kind {
        InputKind::Photo => {
            if let Some(image) = photo {
                let small = key_frames::downscale(image);
                for t in &mut thumbs {
                    *t = Some(small.clone());
                }
            }
        }
        InputKind::Video => {
            thumbs = video_thumbs(&picks, path, name, options)?;
        }
        InputKind::Landmarks => {}
    }
    let mut out = Vec::with_capacity(picks.len());
    for (i, (p, thumb)) in picks.iter().zip(thumbs).enumerate() {
        let frame = &frames[p.index];
        let key_frame = match thumb {
            Some(t) => key_frames::draw(p, frame.pose.as_ref(), t, true, name)?,
            None => {
                let (canvas, pose) = key_frames::canvas_for(frame);
                key_frames::draw(p, pose.as_ref(), canvas, false, name)?
            }
        };
        out.push(key_frame);
        progress(Progress {
            stage: Stage::KeyFrames,
            done: i as u64 + 1,
            total,
        });
    }
    out.sort_by(|a, b| a.t.total_cmp(&b.t));
    Ok(out)
}

/// A second, cheap pass over the video (decoding only, at the same rate, so the
/// n-th frame decoded is the n-th frame analysed) that keeps a scaled-down copy
/// of the picked frames.
fn video_thumbs(
    picks: &[key_frames::Pick],
    path: &Path,
    name: &str,
    options: &PipelineOptions,
) -> Result<Vec<Option<RgbImage>>, PipelineError> {
    let mut thumbs: Vec<Option<RgbImage>> = vec![None; picks.len()];
    let Some(last) = picks.iter().map(|p| p.index).max() else {
        return Ok(thumbs);
    };
    let video = VideoOptions {
        target_fps: options.fps,
        ..Default::default()
    };
    let source = janu_media::open_video(path, &video).map_err(|e| media_error(e, name))?;
    for (n, item) in source.spawn(DECODE_AHEAD).enumerate() {
        let frame = item.map_err(|e| media_error(e, name))?;
        let mut small = None;
        for (p, thumb) in picks.iter().zip(thumbs.iter_mut()) {
            if p.index == n {
                *thumb = Some(
                    small
                        .get_or_insert_with(|| key_frames::downscale(&frame.image))
                        .clone(),
                );
            }
        }
        if n >= last {
            break;
        }
    }
    Ok(thumbs)
}
