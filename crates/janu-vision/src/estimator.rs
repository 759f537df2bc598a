//! The pose estimator: MediaPipe's pose pipeline around the two models.
//!
//! Per frame: the detector finds people (first frame, or after tracking was lost)
//! and the region of interest comes from the best one's hip and size keypoints;
//! otherwise it comes from the previous frame's two auxiliary landmarks. The
//! landmark model runs on that rotated crop; its landmarks are refined with the
//! heatmap, mapped back to the picture, and (on video) smoothed over time.

use image::RgbImage;
use janu_body::filter::{LowPass, OneEuro, OneEuroParams};
use janu_body::{Keypoint, LANDMARK_COUNT, Pose, Vec3};

use crate::VisionError;
use crate::backend::{BackendKind, InferenceBackend, InferenceSession};
use crate::geometry::{
    DETECTOR_COORDS, Detection, NUM_ANCHORS, NormRect, Padding, decode_detections,
    detector_anchors, remove_letterbox, roi_from_alignment, weighted_nms,
};
use crate::models::ModelSize;
#[cfg(feature = "native")]
use crate::models::{InstallStep, ModelKind, ModelStore};
use crate::preprocess::{Border, crop_to_tensor, fit_rect};

/// Side of the detector's square input, pixels.
pub const DETECTOR_INPUT: usize = 224;
/// Side of the landmark model's square input, pixels.
pub const LANDMARK_INPUT: usize = 256;
/// Points the landmark model gives: the 33 body landmarks and 6 more, of which
/// the first two (33 and 34) are the auxiliary points that place the next ROI.
const MODEL_LANDMARKS: usize = 39;
/// Values per model landmark: x, y, z, visibility logit, presence logit.
const LANDMARK_VALUES: usize = 5;
/// Auxiliary landmark at the hip centre (centre of the next ROI).
const AUX_CENTER: usize = 33;
/// Auxiliary landmark giving the body's size and direction.
const AUX_SCALE: usize = 34;
/// Side of the landmark heatmap, cells.
const HEATMAP_SIZE: usize = 64;
/// Heatmap refinement window (`RefineLandmarksFromHeatmapCalculator.kernel_size`).
const REFINE_KERNEL: usize = 7;
/// A landmark is refined only when the heatmap is this confident somewhere in
/// its window (the calculator's default `min_confidence_to_refine`).
const REFINE_MIN_CONFIDENCE: f32 = 0.5;
/// Detector value range: pixels 0..255 map to -1..1 (`pose_detection_cpu`).
const DETECTOR_RANGE: (f32, f32) = (-1.0, 1.0);
/// Landmark model value range: pixels 0..255 map to 0..1.
const LANDMARK_RANGE: (f32, f32) = (0.0, 1.0);

/// Landmark smoothing on video (`pose_landmark_filtering.pbtxt`): still points
/// are held steady, fast ones follow with little lag.
const LANDMARK_FILTER: OneEuroParams = OneEuroParams {
    min_cutoff: 0.1,
    beta: 40.0,
    derivative_cutoff: 1.0,
};
/// Auxiliary points are smoothed harder, so the crop stays steady.
const AUX_FILTER: OneEuroParams = OneEuroParams {
    min_cutoff: 0.01,
    beta: 1.0,
    derivative_cutoff: 1.0,
};
/// World landmarks use the landmark settings without scaling by body size.
const WORLD_FILTER: OneEuroParams = LANDMARK_FILTER;
/// Visibility is smoothed by a plain low-pass filter with this weight for the
/// new value.
const VISIBILITY_ALPHA: f32 = 0.1;

/// On video the tracker starts afresh (detector, empty filters) at the first
/// frame of every stretch of this many seconds, counted from 0 s.
///
/// Otherwise tracking never forgets: the crop follows its own smoothed
/// auxiliary points, whose filter holds a still point for about 16 s
/// (`AUX_FILTER`'s cutoff of 0.01 Hz), and nothing pulls two crops that
/// start a hair apart back together. A video read in pieces could then never
/// match one pass; with anchors, a piece that starts on one is the same as one
/// pass frame for frame, and a tracker that drifted onto the wrong region is
/// back on the person within this time. The cost is one detector run (a few
/// milliseconds) per stretch and one unsmoothed frame.
pub const TRACK_ANCHOR_S: f64 = 10.0;
/// Frame times a hair before an anchor (rounding in a frame-rate grid) count
/// as on it: well under a frame at 240 fps.
const ANCHOR_SLACK_S: f64 = 1e-4;

/// Which stretch of [`TRACK_ANCHOR_S`] a video frame at `t` seconds falls in:
/// the tracker starts afresh when this changes. Times before 0 and times that
/// are not numbers fall in stretch 0.
#[must_use]
pub fn track_anchor(t: f64) -> u64 {
    // `as` saturates: NaN and negative times give 0, absurd ones the last.
    ((t + ANCHOR_SLACK_S) / TRACK_ANCHOR_S).floor() as u64
}

/// How the estimator works.
#[derive(Debug, Clone, PartialEq)]
pub struct EstimatorOptions {
    /// Which landmark model to run.
    pub model: ModelSize,
    /// A detection needs at least this score (MediaPipe's
    /// `min_detection_confidence`, default 0.5).
    pub min_detection_confidence: f32,
    /// The landmark model's pose presence must reach this, or the frame has no
    /// pose and tracking restarts from the detector (`min_tracking_confidence`).
    pub min_presence: f32,
    /// Smooth landmarks across video frames in [`PoseEstimator::track`].
    pub smooth: bool,
    /// Threads for inference (1 keeps it on the caller's thread).
    pub threads: usize,
    /// The inference backend (janu-nn by default; tract as the cross-check).
    pub backend: BackendKind,
}

impl Default for EstimatorOptions {
    fn default() -> Self {
        Self {
            model: ModelSize::Full,
            min_detection_confidence: 0.5,
            min_presence: 0.5,
            smooth: true,
            threads: 1,
            backend: BackendKind::Nn,
        }
    }
}

/// Ways to look at a photo. MediaPipe's own way is [`PhotoView::Detector`];
/// the others suit bodies its crop handles badly (folded flat over the legs).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum PhotoView {
    /// The detector's crop, turned so the body stands upright in it (MediaPipe).
    Detector,
    /// The detector's crop, not turned: the picture's own up.
    Upright,
    /// [`PhotoView::Detector`] on the mirrored picture, mirrored back.
    Mirrored,
    /// [`PhotoView::Upright`] on the mirrored picture, mirrored back.
    MirroredUpright,
    /// The landmark model on the whole picture (squared), without the
    /// detector: for photos where the detector finds nobody.
    WholePicture,
}

impl PhotoView {
    /// Every view.
    pub const ALL: [PhotoView; 5] = [
        Self::Detector,
        Self::Upright,
        Self::Mirrored,
        Self::MirroredUpright,
        Self::WholePicture,
    ];

    const fn mirrored(self) -> bool {
        matches!(self, Self::Mirrored | Self::MirroredUpright)
    }
}

/// A photo shows at most this many people worth judging: a collage of a pose's
/// stages, or a teacher beside a student. More are a class photo, where the
/// most prominent people are the ones to look at.
pub const MAX_PEOPLE: usize = 3;

/// One way of looking at one person in a photo, and what it saw.
#[derive(Debug, Clone, PartialEq)]
pub struct Look {
    /// The person's rank among the detector's finds, most prominent first.
    pub person: usize,
    /// How the person was looked at.
    pub view: PhotoView,
    /// What was seen.
    pub estimate: Estimate,
}

/// What the estimator saw in one picture.
#[derive(Debug, Clone, PartialEq)]
pub struct Estimate {
    /// The pose of the most prominent person, or `None` when nobody was found.
    pub pose: Option<Pose>,
    /// People the detector found; when it did not run this frame (tracking),
    /// the count from its last run.
    pub people_detected: usize,
    /// True when the detector ran for this picture.
    pub detector_ran: bool,
    /// The region the landmark model looked at, when it ran.
    pub roi: Option<NormRect>,
}

impl Estimate {
    /// The detector ran and found nobody.
    const NOBODY_DETECTED: Estimate = Estimate {
        pose: None,
        people_detected: 0,
        detector_ran: true,
        roi: None,
    };
}

/// What the pipeline, the live coach and tests need of a pose estimator: the
/// I/O edge behind which the models sit. [`PoseEstimator`] is the real one; a
/// test can stand in a scripted one that needs no model.
///
/// The methods mean what [`PoseEstimator`]'s methods of the same names mean.
pub trait PoseEstimate {
    /// Estimate the pose in a photo (see [`PoseEstimator::estimate_image`]).
    ///
    /// # Errors
    /// When the picture is empty or a model fails.
    fn estimate_image(&mut self, image: &RgbImage) -> Result<Estimate, VisionError>;

    /// Look at a photo in several ways (see [`PoseEstimator::look`]). An
    /// estimator with one way of looking gives its
    /// [`estimate_image`](PoseEstimate::estimate_image) as
    /// [`PhotoView::Detector`]'s look (or nothing when that view is not
    /// asked for, or nobody was found).
    ///
    /// # Errors
    /// As [`PoseEstimate::estimate_image`].
    fn look(&mut self, image: &RgbImage, views: &[PhotoView]) -> Result<Vec<Look>, VisionError> {
        if !views.contains(&PhotoView::Detector) {
            return Ok(Vec::new());
        }
        let estimate = self.estimate_image(image)?;
        Ok(if estimate.pose.is_some() || estimate.people_detected > 0 {
            vec![Look {
                person: 0,
                view: PhotoView::Detector,
                estimate,
            }]
        } else {
            Vec::new()
        })
    }

    /// The next frame of a recorded video at `t` seconds (see
    /// [`PoseEstimator::track`]): the state starts afresh at every
    /// [`TRACK_ANCHOR_S`].
    ///
    /// # Errors
    /// As [`PoseEstimate::estimate_image`].
    fn track(&mut self, image: &RgbImage, t: f64) -> Result<Estimate, VisionError>;

    /// The next frame of a live camera at `t` seconds (see
    /// [`PoseEstimator::track_live`]): the state is never restarted on the
    /// clock.
    ///
    /// # Errors
    /// As [`PoseEstimate::estimate_image`].
    fn track_live(&mut self, image: &RgbImage, t: f64) -> Result<Estimate, VisionError>;

    /// Forget the video state: the next frame starts afresh.
    fn reset(&mut self);
}

impl PoseEstimate for PoseEstimator {
    fn estimate_image(&mut self, image: &RgbImage) -> Result<Estimate, VisionError> {
        PoseEstimator::estimate_image(self, image)
    }

    fn look(&mut self, image: &RgbImage, views: &[PhotoView]) -> Result<Vec<Look>, VisionError> {
        PoseEstimator::look(self, image, views)
    }

    fn track(&mut self, image: &RgbImage, t: f64) -> Result<Estimate, VisionError> {
        PoseEstimator::track(self, image, t)
    }

    fn track_live(&mut self, image: &RgbImage, t: f64) -> Result<Estimate, VisionError> {
        PoseEstimator::track_live(self, image, t)
    }

    fn reset(&mut self) {
        PoseEstimator::reset(self);
    }
}

/// Smoothing state for one set of points.
#[derive(Debug, Clone)]
struct PointFilter {
    coords: Vec<[OneEuro; 3]>,
    visibility: Vec<LowPass>,
    scale_by_size: bool,
}

impl PointFilter {
    fn new(n: usize, params: OneEuroParams, scale_by_size: bool) -> Self {
        Self {
            coords: (0..n)
                .map(|_| std::array::from_fn(|_| OneEuro::new(params)))
                .collect(),
            visibility: vec![LowPass::default(); n],
            scale_by_size,
        }
    }

    fn reset(&mut self) {
        for c in &mut self.coords {
            c.iter_mut().for_each(OneEuro::reset);
        }
        self.visibility.iter_mut().for_each(LowPass::reset);
    }

    /// Smooth points given in `unit` (pixels per coordinate unit for x, y, z),
    /// each `[x, y, z, visibility]`.
    fn apply(&mut self, points: &mut [[f32; 4]], t: f64, unit: [f32; 3]) {
        // Speed is measured relative to the body's size in pixels, so a near and
        // a far body are smoothed alike (MediaPipe's object scale).
        let scale = if self.scale_by_size {
            let (mut x0, mut y0, mut x1, mut y1) = (f32::MAX, f32::MAX, f32::MIN, f32::MIN);
            for p in points.iter() {
                x0 = x0.min(p[0] * unit[0]);
                x1 = x1.max(p[0] * unit[0]);
                y0 = y0.min(p[1] * unit[1]);
                y1 = y1.max(p[1] * unit[1]);
            }
            ((x1 - x0) + (y1 - y0)).max(1e-6) / 2.0
        } else {
            1.0
        };
        for ((p, f), vis) in points
            .iter_mut()
            .zip(&mut self.coords)
            .zip(&mut self.visibility)
        {
            for k in 0..3 {
                p[k] = f[k].apply(p[k] * unit[k], t, scale) / unit[k];
            }
            p[3] = vis.apply(p[3], VISIBILITY_ALPHA);
        }
    }
}

/// The video tracking state.
#[derive(Debug, Clone)]
struct Tracker {
    /// The stretch of [`TRACK_ANCHOR_S`] this state was built in.
    anchor: Option<u64>,
    next_roi: Option<NormRect>,
    people: usize,
    landmarks: PointFilter,
    aux: PointFilter,
    world: PointFilter,
}

impl Tracker {
    fn new() -> Self {
        Self {
            anchor: None,
            next_roi: None,
            people: 0,
            landmarks: PointFilter::new(LANDMARK_COUNT, LANDMARK_FILTER, true),
            aux: PointFilter::new(2, AUX_FILTER, true),
            world: PointFilter::new(LANDMARK_COUNT, WORLD_FILTER, false),
        }
    }

    fn lose(&mut self) {
        self.next_roi = None;
        self.landmarks.reset();
        self.aux.reset();
        self.world.reset();
    }
}

/// The landmark model's result for one crop, mapped to the picture.
#[derive(Debug, Clone)]
struct ModelPose {
    /// 33 body points, normalised to the picture: x, y, z, visibility.
    body: [[f32; 4]; LANDMARK_COUNT],
    /// The two auxiliary points, same form.
    aux: [[f32; 4]; 2],
    /// World points, metres: x, y, z (visibility slot unused).
    world: [[f32; 4]; LANDMARK_COUNT],
    presence: f32,
}

/// BlazePose in Rust: finds one person's 33 landmarks in photos or video frames.
///
/// ```no_run
/// use janu_vision::{EstimatorOptions, PoseEstimator};
/// let mut estimator = PoseEstimator::new(EstimatorOptions::default())?;
/// let picture = image::open("photo.jpg").unwrap().to_rgb8();
/// let estimate = estimator.estimate_image(&picture)?;
/// match estimate.pose {
///     Some(pose) => println!("{} landmarks", pose.known_count()),
///     None => println!("no person found"),
/// }
/// # Ok::<(), janu_vision::VisionError>(())
/// ```
pub struct PoseEstimator {
    options: EstimatorOptions,
    detector: Box<dyn InferenceSession>,
    landmark: Box<dyn InferenceSession>,
    anchors: Vec<(f32, f32)>,
    detector_input: Vec<f32>,
    landmark_input: Vec<f32>,
    outputs: Vec<Vec<f32>>,
    tracker: Tracker,
}

impl std::fmt::Debug for PoseEstimator {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("PoseEstimator")
            .field("options", &self.options)
            .finish_non_exhaustive()
    }
}

impl PoseEstimator {
    /// An estimator with the models from the default cache (installed on first
    /// use, silently) and the backend of [`EstimatorOptions::backend`].
    ///
    /// # Errors
    /// Installation errors (see [`ModelStore::install`]) or
    /// [`VisionError::Inference`] when a model cannot be loaded.
    #[cfg(feature = "native")]
    pub fn new(options: EstimatorOptions) -> Result<Self, VisionError> {
        Self::with_progress(options, &mut |_| {})
    }

    /// As [`PoseEstimator::new`], reporting installation steps to `progress`.
    ///
    /// # Errors
    /// As [`PoseEstimator::new`].
    #[cfg(feature = "native")]
    pub fn with_progress(
        options: EstimatorOptions,
        progress: &mut dyn FnMut(InstallStep),
    ) -> Result<Self, VisionError> {
        let store = ModelStore::from_env()?;
        let backend = options.backend.create(options.threads);
        Self::with_backend(options, &store, backend.as_ref(), progress)
    }

    /// An estimator with models from `store` run by `backend`.
    ///
    /// # Errors
    /// As [`PoseEstimator::new`].
    #[cfg(feature = "native")]
    pub fn with_backend(
        options: EstimatorOptions,
        store: &ModelStore,
        backend: &dyn InferenceBackend,
        progress: &mut dyn FnMut(InstallStep),
    ) -> Result<Self, VisionError> {
        let detector = store.load(ModelKind::Detector, progress)?;
        let landmark = store.load(ModelKind::Landmark(options.model), progress)?;
        Self::from_models(options, backend, &detector, &landmark)
    }

    /// An estimator with the prepared models given as bytes (the detector and
    /// the landmark model of [`EstimatorOptions::model`]) run by `backend`:
    /// how the browser build gets its models.
    ///
    /// # Errors
    /// [`VisionError::Inference`] (or [`VisionError::Tract`]) when a model
    /// cannot be loaded; [`VisionError::UnexpectedModel`] when it takes another
    /// input size.
    pub fn from_models(
        options: EstimatorOptions,
        backend: &dyn InferenceBackend,
        detector: &[u8],
        landmark: &[u8],
    ) -> Result<Self, VisionError> {
        let detector = backend
            .load(detector, [1, DETECTOR_INPUT, DETECTOR_INPUT, 3])
            .map_err(|e| e.during("loading the pose detector"))?;
        let landmark = backend
            .load(landmark, [1, LANDMARK_INPUT, LANDMARK_INPUT, 3])
            .map_err(|e| e.during("loading the landmark model"))?;
        Ok(Self {
            options,
            detector,
            landmark,
            anchors: detector_anchors(),
            detector_input: vec![0.0; DETECTOR_INPUT * DETECTOR_INPUT * 3],
            landmark_input: vec![0.0; LANDMARK_INPUT * LANDMARK_INPUT * 3],
            outputs: Vec::new(),
            tracker: Tracker::new(),
        })
    }

    /// The options this estimator runs with.
    pub fn options(&self) -> &EstimatorOptions {
        &self.options
    }

    /// Estimate the pose in a photo (MediaPipe's static image mode): the detector
    /// runs every time, nothing is smoothed, the video tracking state is left as
    /// it is.
    ///
    /// # Errors
    /// [`VisionError::BadImage`] for an empty picture; [`VisionError::Inference`]
    /// (or [`VisionError::Tract`]) when a model fails,
    /// [`VisionError::UnexpectedModel`] when its outputs are not the expected ones.
    pub fn estimate_image(&mut self, image: &RgbImage) -> Result<Estimate, VisionError> {
        check_image(image)?;
        let (people, roi) = self.detect_roi(image)?;
        let Some(roi) = roi else {
            return Ok(Estimate::NOBODY_DETECTED);
        };
        self.estimate_in(image, roi, people, true)
    }

    /// The regions of everyone the detector finds in a photo, most prominent
    /// first, at most [`MAX_PEOPLE`].
    ///
    /// # Errors
    /// As [`PoseEstimator::estimate_image`].
    pub fn people(&mut self, image: &RgbImage) -> Result<Vec<NormRect>, VisionError> {
        check_image(image)?;
        Ok(self
            .detect(image)?
            .iter()
            .take(MAX_PEOPLE)
            .map(|d| {
                roi_from_alignment(
                    d.keypoints[0],
                    d.keypoints[1],
                    image.width(),
                    image.height(),
                )
            })
            .collect())
    }

    /// Look at a photo in several ways (see [`PhotoView`]): every view of each
    /// person [`PoseEstimator::people`] finds, or, when it finds nobody, the
    /// whole picture once if `views` holds [`PhotoView::WholePicture`].
    /// Each look is tagged with its person's rank (0 for the whole picture).
    ///
    /// # Errors
    /// As [`PoseEstimator::estimate_image`].
    pub fn look(
        &mut self,
        image: &RgbImage,
        views: &[PhotoView],
    ) -> Result<Vec<Look>, VisionError> {
        let people = self.people(image)?;
        let mut looks = Vec::new();
        if people.is_empty() {
            if views.contains(&PhotoView::WholePicture) {
                let roi = whole_picture(image);
                looks.push(Look {
                    person: 0,
                    view: PhotoView::WholePicture,
                    estimate: self.estimate_in(image, roi, 0, false)?,
                });
            }
            return Ok(looks);
        }
        // The mirrored views run the detector again on the mirrored picture: it
        // is not symmetric, and its second opinion of the crop is worth having.
        let mirror = views.iter().any(|v| v.mirrored());
        let flipped = mirror.then(|| image::imageops::flip_horizontal(image));
        let flipped_people = match &flipped {
            Some(f) => self.people(f)?,
            None => Vec::new(),
        };
        for (person, roi) in people.iter().enumerate() {
            let mirrored =
                nearest(&flipped_people, 1.0 - roi.x_center, roi.y_center).unwrap_or(NormRect {
                    x_center: 1.0 - roi.x_center,
                    rotation: -roi.rotation,
                    ..*roi
                });
            for &view in views {
                let (picture, mut roi) = match (view, &flipped) {
                    (PhotoView::WholePicture, _) => continue,
                    (v, Some(f)) if v.mirrored() => (f, mirrored),
                    _ => (image, *roi),
                };
                if matches!(view, PhotoView::Upright | PhotoView::MirroredUpright) {
                    roi.rotation = 0.0;
                }
                let mut estimate = self.estimate_in(picture, roi, people.len(), true)?;
                if view.mirrored() {
                    estimate.pose = estimate.pose.map(|p| p.mirrored());
                    estimate.roi = Some(NormRect {
                        x_center: 1.0 - roi.x_center,
                        rotation: -roi.rotation,
                        ..roi
                    });
                }
                looks.push(Look {
                    person,
                    view,
                    estimate,
                });
            }
        }
        Ok(looks)
    }

    /// Run the landmark model in `roi` of a photo.
    fn estimate_in(
        &mut self,
        image: &RgbImage,
        roi: NormRect,
        people: usize,
        detector_ran: bool,
    ) -> Result<Estimate, VisionError> {
        let pose = self.landmarks(image, &roi)?;
        Ok(Estimate {
            pose: pose.map(|p| to_pose(&p)),
            people_detected: people,
            detector_ran,
            roi: Some(roi),
        })
    }

    /// Estimate the pose in the next frame of a recorded video, taken at `t`
    /// seconds from its start (MediaPipe's video mode): the region of interest
    /// follows the previous frame's landmarks, the detector runs only when
    /// there are none, and landmarks are smoothed (unless
    /// [`EstimatorOptions::smooth`] is off). Times should increase. The state
    /// starts afresh at every [`TRACK_ANCHOR_S`], so what a frame gives depends
    /// only on the frames since the last anchor and a video read in pieces
    /// equals one pass.
    ///
    /// # Errors
    /// As [`PoseEstimator::estimate_image`].
    pub fn track(&mut self, image: &RgbImage, t: f64) -> Result<Estimate, VisionError> {
        let anchor = track_anchor(t);
        if self.tracker.anchor != Some(anchor) {
            self.tracker = Tracker::new();
            self.tracker.anchor = Some(anchor);
        }
        self.track_frame(image, t)
    }

    /// [`PoseEstimator::track`] for a live camera: the state is never restarted
    /// on the clock (only by [`PoseEstimator::reset`]), so a held pose stays
    /// smoothly tracked however long it is held. Nothing live is ever cut in
    /// pieces, and a restart would jolt the coach's hold timer and breath
    /// trace.
    ///
    /// # Errors
    /// As [`PoseEstimator::estimate_image`].
    pub fn track_live(&mut self, image: &RgbImage, t: f64) -> Result<Estimate, VisionError> {
        self.track_frame(image, t)
    }

    fn track_frame(&mut self, image: &RgbImage, t: f64) -> Result<Estimate, VisionError> {
        check_image(image)?;
        let (roi, detector_ran) = match self.tracker.next_roi {
            Some(roi) => (roi, false),
            None => {
                let (people, roi) = self.detect_roi(image)?;
                self.tracker.people = people;
                let Some(roi) = roi else {
                    self.tracker.lose();
                    return Ok(Estimate::NOBODY_DETECTED);
                };
                (roi, true)
            }
        };
        let Some(mut found) = self.landmarks(image, &roi)? else {
            self.tracker.lose();
            return Ok(Estimate {
                pose: None,
                people_detected: self.tracker.people,
                detector_ran,
                roi: Some(roi),
            });
        };
        let (w, h) = (image.width() as f32, image.height() as f32);
        if self.options.smooth {
            let unit = [w, h, w];
            self.tracker.landmarks.apply(&mut found.body, t, unit);
            self.tracker.aux.apply(&mut found.aux, t, unit);
            self.tracker.world.apply(&mut found.world, t, [1.0; 3]);
        }
        self.tracker.next_roi = Some(roi_from_alignment(
            (found.aux[0][0], found.aux[0][1]),
            (found.aux[1][0], found.aux[1][1]),
            image.width(),
            image.height(),
        ));
        Ok(Estimate {
            pose: Some(to_pose(&found)),
            people_detected: self.tracker.people,
            detector_ran,
            roi: Some(roi),
        })
    }

    /// Forget the video state: the next [`PoseEstimator::track`] starts with the
    /// detector and fresh filters.
    pub fn reset(&mut self) {
        self.tracker = Tracker::new();
    }

    /// Run the detector: how many people it found, and the region of interest
    /// around the most prominent one.
    fn detect_roi(&mut self, image: &RgbImage) -> Result<(usize, Option<NormRect>), VisionError> {
        let detections = self.detect(image)?;
        let roi = detections.first().map(|best| {
            roi_from_alignment(
                best.keypoints[0],
                best.keypoints[1],
                image.width(),
                image.height(),
            )
        });
        Ok((detections.len(), roi))
    }

    fn detect(&mut self, image: &RgbImage) -> Result<Vec<Detection>, VisionError> {
        let (rect, pad) = fit_rect(
            &NormRect::FULL,
            image.width(),
            image.height(),
            DETECTOR_INPUT,
            DETECTOR_INPUT,
        );
        crop_to_tensor(
            image,
            &rect,
            DETECTOR_INPUT,
            DETECTOR_INPUT,
            Border::Zero,
            DETECTOR_RANGE,
            &mut self.detector_input,
        );
        self.detector
            .run(&self.detector_input, &mut self.outputs)
            .map_err(|e| e.during("running the pose detector"))?;
        let [boxes, scores] = self.outputs.as_slice() else {
            return Err(VisionError::UnexpectedModel(format!(
                "the detector gave {} outputs; expected 2",
                self.outputs.len()
            )));
        };
        if boxes.len() != NUM_ANCHORS * DETECTOR_COORDS || scores.len() != NUM_ANCHORS {
            return Err(VisionError::UnexpectedModel(
                "the detector's outputs have unexpected sizes".into(),
            ));
        }
        let raw = decode_detections(
            boxes,
            scores,
            &self.anchors,
            self.options.min_detection_confidence,
        );
        Ok(weighted_nms(raw)
            .iter()
            .map(|d| remove_letterbox(d, pad))
            .collect())
    }

    /// Run the landmark model on `roi`; `None` when its pose presence is too low.
    fn landmarks(
        &mut self,
        image: &RgbImage,
        roi: &NormRect,
    ) -> Result<Option<ModelPose>, VisionError> {
        let (rect, pad) = fit_rect(
            roi,
            image.width(),
            image.height(),
            LANDMARK_INPUT,
            LANDMARK_INPUT,
        );
        if !(rect.width > 0.0 && rect.height > 0.0) {
            return Ok(None);
        }
        crop_to_tensor(
            image,
            &rect,
            LANDMARK_INPUT,
            LANDMARK_INPUT,
            Border::Replicate,
            LANDMARK_RANGE,
            &mut self.landmark_input,
        );
        self.landmark
            .run(&self.landmark_input, &mut self.outputs)
            .map_err(|e| e.during("running the landmark model"))?;
        let [raw, presence, heatmap, world] = self.outputs.as_slice() else {
            return Err(VisionError::UnexpectedModel(format!(
                "the landmark model gave {} outputs; expected 4",
                self.outputs.len()
            )));
        };
        if raw.len() != MODEL_LANDMARKS * LANDMARK_VALUES
            || presence.len() != 1
            || heatmap.len() != HEATMAP_SIZE * HEATMAP_SIZE * MODEL_LANDMARKS
            || world.len() != MODEL_LANDMARKS * 3
        {
            return Err(VisionError::UnexpectedModel(
                "the landmark model's outputs have unexpected sizes".into(),
            ));
        }
        let presence = presence[0];
        if presence.is_nan() || presence < self.options.min_presence {
            return Ok(None);
        }
        Ok(Some(decode_landmarks(
            raw, heatmap, world, presence, roi, pad,
        )))
    }
}

/// The region in `rois` whose centre is nearest to (`x`, `y`).
fn nearest(rois: &[NormRect], x: f32, y: f32) -> Option<NormRect> {
    let d = |r: &NormRect| (r.x_center - x).powi(2) + (r.y_center - y).powi(2);
    rois.iter().min_by(|a, b| d(a).total_cmp(&d(b))).copied()
}

/// The whole picture as a square region, for the landmark model alone.
fn whole_picture(image: &RgbImage) -> NormRect {
    let (w, h) = (image.width() as f32, image.height() as f32);
    let long = w.max(h);
    NormRect {
        x_center: 0.5,
        y_center: 0.5,
        width: long / w,
        height: long / h,
        rotation: 0.0,
    }
}

fn check_image(image: &RgbImage) -> Result<(), VisionError> {
    if image.width() == 0 || image.height() == 0 {
        return Err(VisionError::BadImage(format!(
            "the picture is empty ({}x{})",
            image.width(),
            image.height()
        )));
    }
    Ok(())
}

fn sigmoid(v: f32) -> f32 {
    1.0 / (1.0 + (-v).exp())
}

/// Turn the landmark model's outputs into picture coordinates (MediaPipe's
/// `TensorsToLandmarks`, `RefineLandmarksFromHeatmap`, `LandmarkLetterboxRemoval`,
/// `LandmarkProjection`, `WorldLandmarkProjection`).
fn decode_landmarks(
    raw: &[f32],
    heatmap: &[f32],
    world: &[f32],
    presence: f32,
    roi: &NormRect,
    pad: Padding,
) -> ModelPose {
    let size = LANDMARK_INPUT as f32;
    let mut points = [[0.0f32; 4]; MODEL_LANDMARKS];
    for (i, p) in points.iter_mut().enumerate() {
        let r = &raw[i * LANDMARK_VALUES..(i + 1) * LANDMARK_VALUES];
        *p = [r[0] / size, r[1] / size, r[2] / size, sigmoid(r[3])];
    }
    refine_from_heatmap(&mut points, heatmap);

    let sx = 1.0 - pad[0] - pad[2];
    let sy = 1.0 - pad[1] - pad[3];
    let (sin, cos) = roi.rotation.sin_cos();
    for p in &mut points {
        // Letterbox removal, then rotation about the crop centre in normalised
        // units and scaling into the ROI, exactly as the calculators do.
        let x = (p[0] - pad[0]) / sx - 0.5;
        let y = (p[1] - pad[1]) / sy - 0.5;
        let z = p[2] / sx;
        p[0] = (cos * x - sin * y) * roi.width + roi.x_center;
        p[1] = (sin * x + cos * y) * roi.height + roi.y_center;
        p[2] = z * roi.width;
    }
    let mut world_points = [[0.0f32; 4]; LANDMARK_COUNT];
    for (i, w) in world_points.iter_mut().enumerate() {
        let (x, y, z) = (world[i * 3], world[i * 3 + 1], world[i * 3 + 2]);
        *w = [cos * x - sin * y, sin * x + cos * y, z, 0.0];
    }
    let mut body = [[0.0f32; 4]; LANDMARK_COUNT];
    body.copy_from_slice(&points[..LANDMARK_COUNT]);
    ModelPose {
        body,
        aux: [points[AUX_CENTER], points[AUX_SCALE]],
        world: world_points,
        presence,
    }
}

/// Move each landmark to the confidence-weighted mean cell of the heatmap in a
/// 7x7 window around it, when the heatmap is confident there. Coordinates are
/// normalised to the crop; the heatmap is 64x64 cells x 39 channels (HWC).
fn refine_from_heatmap(points: &mut [[f32; 4]; MODEL_LANDMARKS], heatmap: &[f32]) {
    let n = HEATMAP_SIZE as i64;
    let half = (REFINE_KERNEL as i64 - 1) / 2;
    for (i, p) in points.iter_mut().enumerate() {
        // Truncation toward zero, as the calculator's int conversion does.
        let col = (p[0] * HEATMAP_SIZE as f32) as i64;
        let row = (p[1] * HEATMAP_SIZE as f32) as i64;
        if col < 0 || col >= n || row < 0 || row >= n {
            continue;
        }
        let (mut sum, mut wc, mut wr, mut max) = (0.0f32, 0.0f32, 0.0f32, 0.0f32);
        for r in (row - half).max(0)..(row + half + 1).min(n) {
            for c in (col - half).max(0)..(col + half + 1).min(n) {
                let idx = ((r * n + c) as usize) * MODEL_LANDMARKS + i;
                let conf = sigmoid(heatmap[idx]);
                sum += conf;
                max = max.max(conf);
                wc += c as f32 * conf;
                wr += r as f32 * conf;
            }
        }
        if max >= REFINE_MIN_CONFIDENCE && sum > 0.0 {
            p[0] = wc / HEATMAP_SIZE as f32 / sum;
            p[1] = wr / HEATMAP_SIZE as f32 / sum;
        }
    }
}

fn to_pose(found: &ModelPose) -> Pose {
    let mut pose = Pose::empty();
    for (slot, p) in pose.landmarks.iter_mut().zip(&found.body) {
        *slot = Some(Keypoint {
            x: p[0],
            y: p[1],
            z: Some(p[2]),
            visibility: Some(p[3].clamp(0.0, 1.0)),
        });
    }
    let mut world = [Vec3::ZERO; LANDMARK_COUNT];
    for (w, p) in world.iter_mut().zip(&found.world) {
        *w = Vec3::new(p[0], p[1], p[2]);
    }
    pose.world = Some(world);
    pose.presence = Some(found.presence.clamp(0.0, 1.0));
    pose
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn heatmap_refinement_moves_to_the_confident_cell() {
        let mut points = [[0.5f32, 0.5, 0.0, 1.0]; MODEL_LANDMARKS];
        let mut heatmap = vec![-20.0f32; HEATMAP_SIZE * HEATMAP_SIZE * MODEL_LANDMARKS];
        // Landmark 3: one very confident cell at row 34, column 30.
        heatmap[(34 * HEATMAP_SIZE + 30) * MODEL_LANDMARKS + 3] = 20.0;
        // Landmark 5: confident but outside its 7x7 window.
        heatmap[(10 * HEATMAP_SIZE + 10) * MODEL_LANDMARKS + 5] = 20.0;
        refine_from_heatmap(&mut points, &heatmap);
        assert!((points[3][0] - 30.0 / 64.0).abs() < 1e-4);
        assert!((points[3][1] - 34.0 / 64.0).abs() < 1e-4);
        assert_eq!(points[5][0], 0.5);
    }

    #[test]
    fn projection_rotates_into_the_roi() {
        let mut raw = vec![0.0f32; MODEL_LANDMARKS * LANDMARK_VALUES];
        // Landmark 0 at the crop's top centre.
        raw[0] = 128.0;
        raw[1] = 0.0;
        let heatmap = vec![-20.0f32; HEATMAP_SIZE * HEATMAP_SIZE * MODEL_LANDMARKS];
        let world = vec![0.0f32; MODEL_LANDMARKS * 3];
        let roi = NormRect {
            x_center: 0.5,
            y_center: 0.5,
            width: 0.4,
            height: 0.4,
            rotation: std::f32::consts::FRAC_PI_2,
        };
        let out = decode_landmarks(&raw, &heatmap, &world, 0.9, &roi, [0.0; 4]);
        // A quarter turn clockwise puts the crop's top on the picture's right.
        assert!((out.body[0][0] - 0.7).abs() < 1e-5, "{:?}", out.body[0]);
        assert!((out.body[0][1] - 0.5).abs() < 1e-5);
        assert!((out.body[0][3] - 0.5).abs() < 1e-6, "sigmoid(0) visibility");
    }
}
