//! Live coaching: an incremental coach over a growing stream of frames.
//!
//! [`LiveCoach::push`] takes one frame at a time (from a webcam, about 15 a
//! second) and answers at once with a [`LiveUpdate`]: the pose and side, the
//! phase of Janusirsasana, the hold timer, the breaths counted so far, and now
//! and then a spoken-length [`Cue`]. [`LiveCoach::finish`] runs the batch
//! analysis over everything pushed, for the session's report.
//!
//! Each push costs a few microseconds of recognition and metrics plus small
//! trailing windows; the breath count is refreshed every [`BREATH_UPDATE_S`]
//! over the current hold only, so the work per frame stays bounded however
//! long the practice lasts. Everything is causal: a push looks only at frames
//! already pushed, and the same frames give the same updates.
//!
//! ```
//! use janu_analysis::live::{LiveCoach, LiveOptions};
//!
//! let synth = nobody_in_view();
//! let mut coach = LiveCoach::new(LiveOptions::default());
//! for frame in &synth {
//!     let update = coach.push(frame);
//!     if let Some(cue) = &update.cue {
//!         println!("{:6.1} s  {}", update.t, cue.text);
//!     }
//! }
//! let report = coach.finish().unwrap();
//! assert_eq!(report.frame_count, synth.len());
//! # fn nobody_in_view() -> Vec<janu_body::Frame> {
//! #     (0..30).map(|i| janu_body::Frame { t: i as f64 / 15.0, width: 640, height: 480, pose: None }).collect()
//! # }
//! ```

use std::collections::VecDeque;

use janu_body::{Frame, Side};
use serde::{Deserialize, Serialize};

use crate::body::Body;
use crate::breath::upper_body_height;
use crate::breath::{Signal, breathing};
use crate::findings::{
    COLLAPSE_MIN_FOLD_DEG, COLLAPSE_SHORTENING, FORCED_ROTATION_THIGH_DEG, FORCING_HEAD_DROP_DEG,
    FORCING_MIN_SHORTENING, LOCKED_KNEE_DEG, PULLING_SHOULDER_ELEVATION, UNEVEN_PELVIS_DEG,
};
use crate::metrics::{
    Baseline, Calibration, FrameMetrics, ear_shoulder, fold_angle, measure, neck_flexion_deg,
};
use crate::phases::{LENGTHEN_MIN_RISE, MIN_FOLD_RANGE_DEG, PhaseName, UPRIGHT_MIN_DEG};
use crate::pose_name::PoseName;
use crate::recognize::{Recognition, recognize};
use crate::segments::MIN_VOTE_WEIGHT;
use crate::series::median;
use crate::session::CAMERA_ADVICE;
use crate::{AnalysisError, SessionReport};

// ---------------------------------------------------------------------------
// Recognition over time.

/// Trailing window of per-frame calls that vote on the pose, seconds: long
/// enough to outvote a few bad frames, short enough to follow a change.
pub const LABEL_WINDOW_S: f64 = 1.0;
/// A new pose must win the vote this long before it is shown: moving from one
/// pose to the next passes through look-alikes (a knee drawn up on the way into
/// Janusirsasana looks like a twist for a moment).
pub const LABEL_SWITCH_S: f64 = 1.2;
/// Nobody seen for this long ends the current pose and resets what is tracked:
/// the person has left, not just blinked out of a frame or two.
pub const LOST_RESET_S: f64 = 2.0;

// ---------------------------------------------------------------------------
// Phases.

/// Window of the trailing median on the fold angle, seconds: removes single bad
/// frames (as the batch analysis's 0.2 s half-window does) with a 0.2 s lag.
pub const FOLD_SMOOTH_S: f64 = 0.4;
/// Time span of the least-squares line whose slope is the fold's speed,
/// seconds: a line through a second of frames is not thrown by one bad frame or
/// a short gap, as a difference of two frames is.
pub const SPEED_SPAN_S: f64 = 1.0;
/// Delay between the fold settling and the speed showing it, seconds; the
/// hold's start is moved back by it. Measured on generated sessions (fold
/// ends known to the frame): the slope falls below [`MOVING_DEG_S`] a median
/// 0.15 s after the trunk stops.
pub const SETTLE_LAG_S: f64 = 0.15;
/// Delay between the release starting and the smoothed fold last sitting in
/// the hold band, seconds: the median filter's half window plus the time the
/// release takes to leave the band (median 0.6 s on generated sessions).
pub const HOLD_END_LAG_S: f64 = 0.6;
/// The fold has started once the trunk is this far (degrees) below its upright
/// level and moving down.
pub const FOLD_START_DEG: f32 = 6.0;
/// Speed (degrees a second) that counts as moving: a 5 s fold of 40 degrees
/// averages 8 and peaks at 12; breathing moves a held fold by under 2.
pub const MOVING_DEG_S: f32 = 3.0;
/// A rise this far (degrees) over the held level, moving up, starts the release;
/// breathing and landmark jitter move a hold by 1-3 degrees.
pub const RELEASE_RISE_DEG: f32 = 6.0;
/// ... or this many standard deviations of the held fold, if that is more.
pub const RELEASE_RISE_SD: f32 = 3.0;
/// The hold ended when the fold last sat within this band (degrees) of its held
/// level before the release.
pub const HOLD_END_BAND_DEG: f32 = 2.0;
/// Upright trunk-to-thigh angle assumed when a pose starts already folded:
/// sitting tall puts the trunk about square to the thigh.
pub const ASSUMED_UPRIGHT_DEG: f32 = 90.0;
/// Seconds of smoothed fold kept to find where a hold ended.
const FOLD_HISTORY_S: f64 = 4.0;
/// Upright samples kept for the baseline (at 15 frames a second, 20 s).
const MAX_BASELINE_SAMPLES: usize = 300;

// ---------------------------------------------------------------------------
// Breath and form.

/// The breath count is refreshed this often during a hold, seconds: a breath
/// takes 4-10 s, so nothing is missed, and the work per frame stays small.
pub const BREATH_UPDATE_S: f64 = 2.0;
/// Window over which each form problem is judged, seconds: single measures
/// are noisy (a few degrees of landmark jitter), and a passing shape on the way
/// down is no mistake.
pub const FORM_WINDOW_S: f64 = 3.0;
/// Share of the window's measured frames that must show the problem (the
/// batch analysis judges the median, i.e. half; a little more here, because
/// a live cue cannot be taken back).
pub const FORM_SHARE: f32 = 0.6;
/// Window over which the bent leg's visibility is judged, seconds.
pub const CAMERA_WINDOW_S: f64 = 5.0;
/// Share of Janusirsasana frames in that window with the bent leg hidden above
/// which Janu asks for another camera position (the batch report's threshold
/// is lower, 0.2, because it judges a whole session at once).
pub const CAMERA_HIDDEN_SHARE: f32 = 0.5;
/// Window over which Janu judges whether it can tell the pose at all, seconds:
/// long enough that moving between poses (a few seconds of unsure frames) does
/// not count.
pub const UNSURE_WINDOW_S: f64 = 8.0;
/// Share of that window's frames Janu could not judge above which it says
/// what to change (camera, light, framing).
pub const UNSURE_SHARE: f32 = 0.8;

// ---------------------------------------------------------------------------
// Cues.

/// Least time between two cues, seconds: a spoken cue takes 2-4 s to say, and
/// one must never talk over the last.
pub const MIN_CUE_GAP_S: f64 = 4.0;
/// Least time before the same correction is said again, seconds: repeating it
/// sooner nags, and the person needs time to act on it.
pub const CUE_REPEAT_S: f64 = 30.0;
/// Least time before the camera advice is repeated, seconds: moving a camera
/// takes a while.
pub const CAMERA_CUE_REPEAT_S: f64 = 60.0;
/// Least time before "come back into view" is repeated, seconds.
pub const LOST_CUE_REPEAT_S: f64 = 15.0;
/// A cue that could not be said within this many seconds of its moment is
/// dropped: guidance about a movement is useless once the movement is over.
pub const CUE_STALE_S: f64 = 3.0;
/// Nobody seen for this long gets a "come back into view" cue, seconds.
pub const NOBODY_CUE_S: f64 = 1.0;
/// During a long hold, a breathing reminder at most this often, seconds (the
/// references ask for slow, continuous breathing throughout the stay).
pub const KEEP_BREATHING_EVERY_S: f64 = 30.0;
/// Hold, seconds, after which Janu invites the person to come up, when the
/// options give none: the knowledge's beginner hold.
pub const DEFAULT_TARGET_HOLD_S: f64 = 30.0;

/// How urgent a cue is; when several wait, the most urgent is said first.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum CuePriority {
    /// Guidance through the pose: breathe, fold, switch sides.
    Low,
    /// A correction of form, or the camera.
    Medium,
    /// Safety, or Janu cannot see the person at all.
    High,
}

/// One thing to say now.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Cue {
    /// Stable id (`lengthen-inhale`, `fold-exhale`, `keep-breathing`,
    /// `relax-shoulders`, `soften-knee`, `switch-sides`, `camera-front-diagonal`,
    /// ...; see [`CUE_IDS`]).
    pub id: String,
    /// What to say, in plain words.
    pub text: String,
    /// How urgent.
    pub priority: CuePriority,
}

/// Every cue id the coach can give, in the order of a practice.
pub const CUE_IDS: [&str; 22] = [
    "step-into-view",
    "camera-front-diagonal",
    "cannot-tell",
    "from-staff",
    "from-bound-angle",
    "bend-one-knee",
    "from-wide-legs",
    "from-twist",
    "face-the-leg",
    "lengthen-inhale",
    "fold-exhale",
    "hold-breathe",
    "keep-breathing",
    "breath-held",
    "soften-knee",
    "relax-shoulders",
    "hinge-from-hips",
    "ease-head",
    "square-pelvis",
    "support-bent-knee",
    "come-up",
    "switch-sides",
];

/// How the coach reads the frames.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct LiveOptions {
    /// The pictures are mirrored (some webcams flip them): left and right are
    /// swapped back before anything is measured.
    pub mirrored: bool,
    /// Hold, seconds, after which the coach invites the person to come up
    /// (`None`: never).
    pub target_hold_s: Option<f64>,
}

impl Default for LiveOptions {
    fn default() -> Self {
        let base = janu_pose::knowledge()
            .level_hold(janu_pose::Level::Beginner)
            .map_or(DEFAULT_TARGET_HOLD_S, |h| f64::from(h.seconds.base));
        Self {
            mirrored: false,
            target_hold_s: Some(base),
        }
    }
}

/// What the coach says after one frame.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct LiveUpdate {
    /// The frame's time, seconds (never before the previous frame's).
    pub t: f64,
    /// Whether a person is in this frame.
    pub person_visible: bool,
    /// The pose, steady over the last second; `null` when nobody has been
    /// seen for [`LOST_RESET_S`] (or nothing is recognised yet).
    pub pose: Option<PoseName>,
    /// How sure, 0..1.
    pub confidence: f32,
    /// The extended leg (person's own side) in Janusirsasana and its revolved
    /// form.
    pub extended_leg: Option<Side>,
    /// The phase of Janusirsasana (setup, lengthen, fold, hold, release).
    pub phase: Option<PhaseName>,
    /// Trunk-to-thigh angle of the extended leg, degrees, smoothed.
    pub fold_angle_deg: Option<f32>,
    /// Seconds held in the current (or just finished) fold.
    pub hold_s: Option<f64>,
    /// Breaths counted in the current (or just finished) hold.
    pub breaths: Option<u32>,
    /// Something to say now, at most one per [`MIN_CUE_GAP_S`].
    pub cue: Option<Cue>,
    /// Where to put the camera, while the view hides what Janu needs.
    pub camera_hint: Option<String>,
    /// The sides held so far, in order.
    pub sides_done: Vec<SideDone>,
}

/// A side of Janusirsasana that was held.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct SideDone {
    /// The extended leg.
    pub side: Side,
    /// When the hold began, seconds.
    pub start_s: f64,
    /// When it ended, seconds.
    pub end_s: f64,
    /// Seconds held.
    pub hold_s: f64,
    /// Breaths counted in the hold.
    pub breaths: Option<u32>,
}

type Label = (PoseName, Option<Side>);

/// The pose over time: a vote over a trailing window, with hysteresis.
#[derive(Debug, Default)]
struct Labeler {
    window: VecDeque<(f64, Label, f32)>,
    stable: Option<Label>,
    confidence: f32,
    candidate: Option<(Label, f64)>,
}

/// Whether an ambiguous call (part of the legs hidden) may stand for `label`:
/// a hidden leg may be the bent leg of Janusirsasana, legs too hidden to tell
/// any seated pose apart, a partly hidden call keeps its pose.
fn explains(c: &Recognition, label: Label) -> bool {
    if !c.ambiguous {
        return false;
    }
    if let Some(h) = c.hidden_leg {
        return label == (PoseName::Janusirsasana, Some(h.other())) || c.name == label.0;
    }
    match c.name {
        PoseName::Other => !matches!(label.0, PoseName::Other | PoseName::Nobody),
        name => name == label.0,
    }
}

impl Labeler {
    /// Vote with one call; returns the new stable label and the time it began
    /// when it changed.
    fn push(&mut self, t: f64, c: &Recognition) -> Option<(Label, f64)> {
        let own = (c.name, c.extended_leg);
        let label = match self.stable {
            Some(s) if own != s && explains(c, s) => s,
            _ => own,
        };
        self.window
            .push_back((t, label, c.confidence.max(MIN_VOTE_WEIGHT)));
        while self
            .window
            .front()
            .is_some_and(|(t0, _, _)| t - t0 > LABEL_WINDOW_S)
        {
            self.window.pop_front();
        }
        let mut votes: Vec<(Label, f32, usize)> = Vec::new();
        for (_, l, w) in &self.window {
            match votes.iter_mut().find(|(k, _, _)| k == l) {
                Some((_, v, n)) => {
                    *v += w;
                    *n += 1;
                }
                None => votes.push((*l, *w, 1)),
            }
        }
        // Ties go to the stable label, then to the fixed label order.
        let (winner, weight, _) = votes.iter().copied().max_by(|a, b| {
            a.1.total_cmp(&b.1)
                .then_with(|| (Some(a.0) == self.stable).cmp(&(Some(b.0) == self.stable)))
                .then_with(|| b.0.cmp(&a.0))
        })?;
        let n = self.window.len().max(1) as f32;
        if Some(winner) == self.stable {
            self.candidate = None;
            self.confidence = (weight / n).min(1.0);
            return None;
        }
        let since = match self.candidate {
            Some((l, since)) if l == winner => since,
            _ => {
                self.candidate = Some((winner, t));
                t
            }
        };
        if t - since >= LABEL_SWITCH_S {
            self.stable = Some(winner);
            self.candidate = None;
            self.confidence = (weight / n).min(1.0);
            return Some((winner, since));
        }
        None
    }

    fn reset(&mut self) {
        *self = Self::default();
    }
}

/// Running mean and spread (Welford).
#[derive(Debug, Default, Clone, Copy)]
struct Running {
    n: u32,
    mean: f64,
    m2: f64,
}

impl Running {
    fn add(&mut self, x: f32) {
        self.n += 1;
        let x = f64::from(x);
        let d = x - self.mean;
        self.mean += d / f64::from(self.n);
        self.m2 += d * (x - self.mean);
    }
    fn sd(&self) -> f32 {
        if self.n < 2 {
            0.0
        } else {
            (self.m2 / f64::from(self.n)).sqrt() as f32
        }
    }
}

/// Form checks, each with a persistence timer.
#[derive(Debug, Clone, Copy)]
enum Check {
    LockedKnee,
    Shoulders,
    CollapsedSpine,
    ForcingHead,
    UnevenPelvis,
    ForcedRotation,
}

impl Check {
    const ALL: [Check; 6] = [
        Check::LockedKnee,
        Check::Shoulders,
        Check::CollapsedSpine,
        Check::ForcingHead,
        Check::UnevenPelvis,
        Check::ForcedRotation,
    ];

    /// `Some(true)` when the frame shows the problem, `None` when it cannot tell.
    fn seen(self, m: &FrameMetrics) -> Option<bool> {
        match self {
            Check::LockedKnee => m.extended_knee_flexion_deg.map(|k| k < LOCKED_KNEE_DEG),
            Check::Shoulders => m.shoulder_elevation.map(|e| e > PULLING_SHOULDER_ELEVATION),
            Check::CollapsedSpine => match (m.torso_shortening, m.fold_angle_deg) {
                (Some(s), Some(f)) => Some(s > COLLAPSE_SHORTENING && f >= COLLAPSE_MIN_FOLD_DEG),
                _ => None,
            },
            Check::ForcingHead => match (m.head_drop_deg, m.torso_shortening) {
                (Some(h), Some(s)) => Some(h > FORCING_HEAD_DROP_DEG && s > FORCING_MIN_SHORTENING),
                _ => None,
            },
            Check::UnevenPelvis => m.pelvis_turn_deg.map(|p| p.abs() > UNEVEN_PELVIS_DEG),
            Check::ForcedRotation => m.thigh_angle_deg.map(|a| a >= FORCED_ROTATION_THIGH_DEG),
        }
    }

    fn cue(self) -> (&'static str, &'static str, CuePriority) {
        match self {
            Check::LockedKnee => (
                "soften-knee",
                "Soften the straight knee a little; it should not be pressed stiff.",
                CuePriority::Medium,
            ),
            Check::Shoulders => (
                "relax-shoulders",
                "Let your shoulders drop away from your ears. If your hands strain to reach, loop a strap around the foot.",
                CuePriority::Medium,
            ),
            Check::CollapsedSpine => (
                "hinge-from-hips",
                "Keep the back long: fold from the hips with the chest leading, rather than rounding.",
                CuePriority::Medium,
            ),
            Check::ForcingHead => (
                "ease-head",
                "Don't push your head down to the knee. Come up a little, to where breathing is easy.",
                CuePriority::High,
            ),
            Check::UnevenPelvis => (
                "square-pelvis",
                "Even out your hips so that both face the straight leg.",
                CuePriority::Medium,
            ),
            Check::ForcedRotation => (
                "support-bent-knee",
                "Let the bent knee open only as far as it likes; rest it on a block rather than pressing it down.",
                CuePriority::High,
            ),
        }
    }
}

/// Breath signals of one frame: time, upper-body height, relative torso
/// length, fold angle.
type BreathSample = (f64, Option<f32>, Option<f32>, Option<f32>);

/// One stay in Janusirsasana on one side.
#[derive(Debug)]
struct Attempt {
    side: Side,
    phase: PhaseName,
    /// Raw fold angles of the last [`SPEED_SPAN_S`].
    raw: VecDeque<(f64, f32)>,
    /// Smoothed fold angles of the last [`FOLD_HISTORY_S`].
    smooth: VecDeque<(f64, f32)>,
    /// Raw torso lengths of the last [`FOLD_SMOOTH_S`].
    torso_raw: VecDeque<(f64, f32)>,
    upright: Option<f32>,
    setup_torso: Vec<f32>,
    setup_neck: Vec<f32>,
    setup_ear: Vec<f32>,
    baseline: Option<Baseline>,
    hold_start: Option<f64>,
    hold_end: Option<f64>,
    held: Running,
    /// Breath signals since the attempt began: time, upper-body height, torso
    /// length relative to the body, fold angle.
    series: Vec<BreathSample>,
    breaths: Option<u32>,
    next_breath_at: f64,
    /// Per form check: (time, problem seen) over the last [`FORM_WINDOW_S`].
    form: [VecDeque<(f64, bool)>; 6],
    cued_setup: bool,
    cued_fold: bool,
    cued_come_up: bool,
    last_breath_reminder: f64,
}

impl Attempt {
    fn new(side: Side) -> Self {
        Self {
            side,
            phase: PhaseName::Setup,
            raw: VecDeque::new(),
            smooth: VecDeque::new(),
            torso_raw: VecDeque::new(),
            upright: None,
            setup_torso: Vec::new(),
            setup_neck: Vec::new(),
            setup_ear: Vec::new(),
            baseline: None,
            hold_start: None,
            hold_end: None,
            held: Running::default(),
            series: Vec::new(),
            breaths: None,
            next_breath_at: 0.0,
            form: Default::default(),
            cued_setup: false,
            cued_fold: false,
            cued_come_up: false,
            last_breath_reminder: f64::NEG_INFINITY,
        }
    }

    fn hold_s(&self, now: f64) -> Option<f64> {
        let start = self.hold_start?;
        Some((self.hold_end.unwrap_or(now) - start).max(0.0))
    }

    fn smoothed(&self) -> Option<f32> {
        self.smooth.back().map(|(_, v)| *v)
    }

    /// Fold speed, degrees a second (negative folding down): the slope of the
    /// least-squares line through the last [`SPEED_SPAN_S`] of raw angles.
    fn speed(&self) -> Option<f32> {
        let (t_last, _) = *self.raw.back()?;
        let (t_first, _) = *self.raw.front()?;
        if self.raw.len() < 4 || t_last - t_first < 0.5 * SPEED_SPAN_S {
            return None;
        }
        let n = self.raw.len() as f64;
        let mt = self.raw.iter().map(|(t, _)| t - t_last).sum::<f64>() / n;
        let mv = self.raw.iter().map(|(_, v)| f64::from(*v)).sum::<f64>() / n;
        let (mut sxy, mut sxx) = (0.0, 0.0);
        for (t, v) in &self.raw {
            let dt = t - t_last - mt;
            sxy += dt * (f64::from(*v) - mv);
            sxx += dt * dt;
        }
        (sxx > 1e-9).then(|| (sxy / sxx) as f32)
    }

    fn upright_level(&self) -> f32 {
        self.upright.unwrap_or(ASSUMED_UPRIGHT_DEG)
    }

    /// The held level and the band beyond which a rise is a release.
    fn release_threshold(&self) -> f32 {
        self.held.mean as f32 + RELEASE_RISE_DEG.max(RELEASE_RISE_SD * self.held.sd())
    }

    fn setup_baseline(&self) -> Option<Baseline> {
        Some(Baseline {
            torso_length: median(self.setup_torso.iter().copied().map(Some))?,
            neck_flexion_deg: median(self.setup_neck.iter().copied().map(Some)),
            ear_shoulder: median(self.setup_ear.iter().copied().map(Some)),
            measured: true,
        })
    }

    fn breath_over(&self, from: f64, to: f64) -> Option<crate::breath::Breath> {
        let rows: Vec<_> = self
            .series
            .iter()
            .filter(|r| r.0 >= from && r.0 <= to)
            .collect();
        let times: Vec<f64> = rows.iter().map(|r| r.0).collect();
        let signals = [
            Signal {
                name: "upper_body_height",
                values: rows.iter().map(|r| r.1).collect(),
            },
            Signal {
                name: "torso_length",
                values: rows.iter().map(|r| r.2).collect(),
            },
            Signal {
                name: "fold_angle",
                values: rows.iter().map(|r| r.3).collect(),
            },
        ];
        breathing(&times, &signals)
    }
}

fn push_trim(q: &mut VecDeque<(f64, f32)>, t: f64, v: f32, keep_s: f64) {
    q.push_back((t, v));
    while q.front().is_some_and(|(t0, _)| t - t0 > keep_s) {
        q.pop_front();
    }
}

fn window_median(q: &VecDeque<(f64, f32)>) -> Option<f32> {
    median(q.iter().map(|(_, v)| Some(*v)))
}

fn push_capped(v: &mut Vec<f32>, x: Option<f32>) {
    if let Some(x) = x.filter(|x| x.is_finite())
        && v.len() < MAX_BASELINE_SAMPLES
    {
        v.push(x);
    }
}

/// The live coach. See the [module documentation](self).
#[derive(Debug)]
pub struct LiveCoach {
    options: LiveOptions,
    frames: Vec<Frame>,
    last_t: Option<f64>,
    labeler: Labeler,
    attempt: Option<Attempt>,
    sides_done: Vec<SideDone>,
    /// Since when nobody has been seen.
    nobody_since: Option<f64>,
    /// Frames with a person, for [`LiveCoach::person_seconds`].
    person_frames: usize,
    person_seconds: f64,
    /// (time, bent leg hidden) over the last [`CAMERA_WINDOW_S`] of
    /// Janusirsasana.
    camera: VecDeque<(f64, bool)>,
    camera_hint: Option<String>,
    /// (time, why Janu could not judge the frame) over the last
    /// [`UNSURE_WINDOW_S`] with a person in view.
    unsure: VecDeque<(f64, Option<String>)>,
    /// What to change so Janu can tell the pose, while it cannot.
    unsure_hint: Option<String>,
    pending: Vec<(Cue, f64)>,
    last_cue_t: Option<f64>,
    said: Vec<(String, f64)>,
    /// A side was just finished: say "switch sides" once the person sits up.
    switch_due: Option<Side>,
}

impl LiveCoach {
    /// A coach with nothing seen yet.
    pub fn new(options: LiveOptions) -> Self {
        Self {
            options,
            frames: Vec::new(),
            last_t: None,
            labeler: Labeler::default(),
            attempt: None,
            sides_done: Vec::new(),
            nobody_since: None,
            person_frames: 0,
            person_seconds: 0.0,
            camera: VecDeque::new(),
            camera_hint: None,
            unsure: VecDeque::new(),
            unsure_hint: None,
            pending: Vec::new(),
            last_cue_t: None,
            said: Vec::new(),
            switch_due: None,
        }
    }

    /// The options in force.
    pub fn options(&self) -> &LiveOptions {
        &self.options
    }

    /// Say whether the pictures from now on are mirrored. A change restarts
    /// the pose vote (left and right swap).
    pub fn set_mirrored(&mut self, mirrored: bool) {
        if mirrored != self.options.mirrored {
            self.options.mirrored = mirrored;
            self.labeler.reset();
            self.end_attempt(self.last_t.unwrap_or(0.0));
        }
    }

    /// The frames pushed so far, unmirrored, with the times used.
    pub fn frames(&self) -> &[Frame] {
        &self.frames
    }

    /// Seconds of frames in which a person was seen.
    pub fn person_seconds(&self) -> f64 {
        self.person_seconds
    }

    /// The sides held so far.
    pub fn sides_done(&self) -> &[SideDone] {
        &self.sides_done
    }

    /// The batch analysis of every frame pushed: the session's report.
    ///
    /// # Errors
    /// [`AnalysisError::NoFrames`] when nothing was pushed.
    pub fn finish(&self) -> Result<SessionReport, AnalysisError> {
        crate::analyze(&self.frames)
    }

    /// Take one frame and say what is seen now. A frame whose time is before
    /// the previous one's (or not finite) is taken at the previous time.
    pub fn push(&mut self, frame: &Frame) -> LiveUpdate {
        let t = match self.last_t {
            Some(last) if frame.t.is_nan() || frame.t < last => last,
            None if !frame.t.is_finite() => 0.0,
            _ => frame.t,
        };
        let dt = self.last_t.map_or(0.0, |last| t - last);
        self.last_t = Some(t);
        let pose = frame.pose.as_ref().map(|p| {
            if self.options.mirrored {
                p.mirrored()
            } else {
                p.clone()
            }
        });
        let frame = Frame {
            t,
            width: frame.width,
            height: frame.height,
            pose,
        };
        let body = Body::from_frame(&frame);
        self.frames.push(frame);

        let Some(body) = body else {
            return self.nobody(t);
        };
        self.person_frames += 1;
        if self.nobody_since.take().is_some() {
            // Back in view: the "come back" cue is no longer needed.
            self.pending.retain(|(c, _)| c.id != "step-into-view");
        } else {
            self.person_seconds += dt;
        }
        let call = recognize(&body);
        if let Some(((name, side), _since)) = self.labeler.push(t, &call) {
            self.on_label(name, side, t);
        }
        let stable = self.labeler.stable;
        self.watch_camera(t, &body, &call, stable);
        self.watch_unsure(t, &call);

        let mut fold_now = None;
        if let Some(a) = self.attempt.as_mut() {
            fold_now = step_attempt(a, &body, t, &mut self.pending, &self.options);
        }
        if let Some(side) = self.switch_due {
            let sitting = self.attempt.as_ref().is_none_or(|a| {
                matches!(a.phase, PhaseName::Setup | PhaseName::Lengthen) && a.side != side
            });
            if sitting {
                self.switch_due = None;
                self.raise_switch(side, t);
            }
        }
        let (pose, leg) = stable.map_or((None, None), |(p, s)| (Some(p), s));
        let cue = self.pick_cue(t);
        let attempt = self.attempt.as_ref();
        let last_done = self.sides_done.last();
        LiveUpdate {
            t,
            person_visible: true,
            pose,
            confidence: if stable.is_some() {
                (self.labeler.confidence * 1000.0).round() / 1000.0
            } else {
                0.0
            },
            extended_leg: leg,
            phase: attempt.map(|a| a.phase),
            fold_angle_deg: fold_now.map(|f| (f * 10.0).round() / 10.0),
            hold_s: attempt
                .and_then(|a| a.hold_s(t))
                .or_else(|| last_done.map(|d| d.hold_s))
                .map(|h| (h * 10.0).round() / 10.0),
            breaths: attempt
                .and_then(|a| a.breaths)
                .or_else(|| last_done.and_then(|d| d.breaths)),
            cue,
            camera_hint: self
                .camera_hint
                .clone()
                .or_else(|| self.unsure_hint.clone()),
            sides_done: self.sides_done.clone(),
        }
    }

    fn nobody(&mut self, t: f64) -> LiveUpdate {
        let since = *self.nobody_since.get_or_insert(t);
        if t - since >= LOST_RESET_S {
            if self.labeler.stable.is_some() || self.attempt.is_some() {
                self.labeler.reset();
                self.end_attempt(since);
            }
            self.camera.clear();
            self.camera_hint = None;
            self.unsure.clear();
            self.unsure_hint = None;
        }
        if t - since >= NOBODY_CUE_S {
            self.raise(
                "step-into-view",
                "I can't see you. Come back into the picture, the whole body from head to feet."
                    .into(),
                CuePriority::High,
                t,
            );
        }
        let cue = self.pick_cue(t);
        let attempt = self.attempt.as_ref();
        let last_done = self.sides_done.last();
        // A frame or two without the person (a blink of the estimator) keeps
        // what was seen; after LOST_RESET_S the label is gone and so is this.
        let (pose, leg) = self
            .labeler
            .stable
            .map_or((None, None), |(p, s)| (Some(p), s));
        LiveUpdate {
            t,
            person_visible: false,
            pose,
            confidence: 0.0,
            extended_leg: leg,
            phase: attempt.map(|a| a.phase),
            fold_angle_deg: None,
            hold_s: attempt
                .and_then(|a| a.hold_s(t))
                .or_else(|| last_done.map(|d| d.hold_s))
                .map(|h| (h * 10.0).round() / 10.0),
            breaths: attempt
                .and_then(|a| a.breaths)
                .or_else(|| last_done.and_then(|d| d.breaths)),
            cue,
            camera_hint: None,
            sides_done: self.sides_done.clone(),
        }
    }

    fn on_label(&mut self, name: PoseName, side: Option<Side>, t: f64) {
        let same = self
            .attempt
            .as_ref()
            .is_some_and(|a| name == PoseName::Janusirsasana && side == Some(a.side));
        if same {
            return;
        }
        // Leaving a side of the pose, the person passes through other poses on
        // the way to the next: the switch cue, not their names, says what next.
        if self.attempt.is_none()
            && let Some((id, text)) = neighbour_cue(name)
        {
            self.raise(id, text.into(), CuePriority::Low, t);
        }
        self.end_attempt(t);
        if let (PoseName::Janusirsasana, Some(side)) = (name, side) {
            self.attempt = Some(Attempt::new(side));
        }
    }

    /// Close the current attempt: a hold still running ends at `t`.
    fn end_attempt(&mut self, t: f64) {
        let Some(mut a) = self.attempt.take() else {
            return;
        };
        let Some(start) = a.hold_start else {
            return;
        };
        let end = *a.hold_end.get_or_insert(t.max(start));
        if (a.breaths.is_none() || a.phase == PhaseName::Hold)
            && let Some(b) = a.breath_over(start, end)
        {
            a.breaths = Some(a.breaths.unwrap_or(0).max(b.count));
        }
        self.sides_done.push(SideDone {
            side: a.side,
            start_s: start,
            end_s: end,
            hold_s: (end - start).max(0.0),
            breaths: a.breaths,
        });
        self.switch_due = Some(a.side);
    }

    fn raise_switch(&mut self, done: Side, t: f64) {
        let other_done = self.sides_done.iter().any(|d| d.side == done.other());
        if other_done {
            self.raise(
                "switch-sides",
                "Both sides done. Sit tall for a few easy breaths before you move on.".into(),
                CuePriority::Low,
                t,
            );
        } else {
            let next = done.other();
            self.raise(
                "switch-sides",
                format!(
                    "Now the other side: stretch your {next} leg out and bend the {done} knee, sole to the inner thigh."
                ),
                CuePriority::Low,
                t,
            );
        }
    }

    fn watch_camera(&mut self, t: f64, body: &Body, call: &Recognition, stable: Option<Label>) {
        // Janusirsasana, or what may be it with the bent leg hidden (it then
        // looks like a fold over both legs).
        let janu_side = match stable {
            Some((PoseName::Janusirsasana, Some(s))) => Some(s),
            Some((PoseName::Paschimottanasana, _)) => call.hidden_leg.map(Side::other),
            _ => None,
        };
        if let Some(ext) = janu_side {
            let hidden = call.hidden_leg.is_some() || !body.thigh_visible(ext.other());
            self.camera.push_back((t, hidden));
        }
        while self
            .camera
            .front()
            .is_some_and(|(t0, _)| t - t0 > CAMERA_WINDOW_S)
        {
            self.camera.pop_front();
        }
        let covered = match (self.camera.front(), self.camera.back()) {
            (Some(a), Some(b)) => b.0 - a.0 >= 0.5 * CAMERA_WINDOW_S,
            _ => false,
        };
        let n = self.camera.len().max(1) as f32;
        let share = self.camera.iter().filter(|(_, h)| *h).count() as f32 / n;
        if covered && share > CAMERA_HIDDEN_SHARE {
            let text = format!("Your bent leg is hidden from the camera. {CAMERA_ADVICE}");
            self.camera_hint = Some(text.clone());
            self.raise("camera-front-diagonal", text, CuePriority::Medium, t);
        } else if covered || self.camera.is_empty() {
            self.camera_hint = None;
        }
    }

    /// When Janu has not been able to tell the pose for a while, say why and
    /// what to change: a bare "other" helps nobody.
    fn watch_unsure(&mut self, t: f64, call: &Recognition) {
        self.unsure.push_back((t, call.unsure.clone()));
        while self
            .unsure
            .front()
            .is_some_and(|(t0, _)| t - t0 > UNSURE_WINDOW_S)
        {
            self.unsure.pop_front();
        }
        let covered = self
            .unsure
            .front()
            .is_some_and(|(t0, _)| t - t0 >= 0.9 * UNSURE_WINDOW_S);
        let n = self.unsure.len().max(1) as f32;
        let share = self.unsure.iter().filter(|(_, u)| u.is_some()).count() as f32 / n;
        if covered && share > UNSURE_SHARE {
            if let Some(why) = self.unsure.iter().rev().find_map(|(_, u)| u.clone()) {
                self.unsure_hint = Some(why.clone());
                self.raise("cannot-tell", why, CuePriority::Medium, t);
            }
        } else if covered {
            self.unsure_hint = None;
        }
    }

    fn raise(&mut self, id: &str, text: String, priority: CuePriority, t: f64) {
        raise(&mut self.pending, id, text, priority, t);
    }

    /// The cue to say now, if any: the most urgent pending one whose repeat
    /// gap has passed, at most one per [`MIN_CUE_GAP_S`].
    fn pick_cue(&mut self, t: f64) -> Option<Cue> {
        // The fold's and the hold's cues are about the phase under way: each
        // stays due while its phase lasts, even when a quick setup left no gap
        // to say it in.
        let phase = self.attempt.as_ref().map(|a| a.phase);
        let still_due = |id: &str| match phase {
            Some(PhaseName::Fold) => id == "fold-exhale",
            Some(PhaseName::Hold) => id == "hold-breathe",
            _ => false,
        };
        self.pending
            .retain(|(c, at)| t - at <= CUE_STALE_S || still_due(&c.id));
        if self.last_cue_t.is_some_and(|last| t - last < MIN_CUE_GAP_S) {
            return None;
        }
        let said = &self.said;
        let ready = |c: &Cue| {
            let repeat = match c.id.as_str() {
                "camera-front-diagonal" | "cannot-tell" => CAMERA_CUE_REPEAT_S,
                "step-into-view" => LOST_CUE_REPEAT_S,
                _ => CUE_REPEAT_S,
            };
            said.iter()
                .find(|(id, _)| *id == c.id)
                .is_none_or(|(_, at)| t - at >= repeat)
        };
        let best = self
            .pending
            .iter()
            .enumerate()
            .filter(|(_, (c, _))| ready(c))
            .max_by(|(i, a), (j, b)| a.0.priority.cmp(&b.0.priority).then(j.cmp(i)))
            .map(|(i, _)| i)?;
        let (cue, _) = self.pending.remove(best);
        match self.said.iter_mut().find(|(id, _)| *id == cue.id) {
            Some(entry) => entry.1 = t,
            None => self.said.push((cue.id.clone(), t)),
        }
        self.last_cue_t = Some(t);
        Some(cue)
    }
}

/// What to say when a neighbour pose is recognised: how to come from it into
/// Janusirsasana.
fn neighbour_cue(name: PoseName) -> Option<(&'static str, &'static str)> {
    Some(match name {
        PoseName::Dandasana => (
            "from-staff",
            "Staff pose. When you are ready, bend one knee and rest its sole against the inner thigh of the straight leg.",
        ),
        PoseName::BaddhaKonasana => (
            "from-bound-angle",
            "Bound angle warms the hips. Then stretch one leg out and keep the other foot at its inner thigh.",
        ),
        PoseName::Paschimottanasana => (
            "bend-one-knee",
            "Both legs are straight: that is the seated forward bend. For head-to-knee, bend one knee out to the side.",
        ),
        PoseName::UpavisthaKonasana => (
            "from-wide-legs",
            "Legs wide apart. Bring one leg in and rest its sole against the inner thigh of the other.",
        ),
        PoseName::ArdhaMatsyendrasana => (
            "from-twist",
            "That is a seated twist. Come back to face forward, one leg straight, for Janusirsasana.",
        ),
        PoseName::ParivrttaJanusirsasana => (
            "face-the-leg",
            "That is the revolved variation. For Janusirsasana, turn your chest to face the straight leg.",
        ),
        PoseName::Janusirsasana | PoseName::Other | PoseName::Nobody => return None,
    })
}

fn raise(pending: &mut Vec<(Cue, f64)>, id: &str, text: String, priority: CuePriority, t: f64) {
    if pending.iter().any(|(c, _)| c.id == id) {
        return;
    }
    pending.push((
        Cue {
            id: id.to_owned(),
            text,
            priority,
        },
        t,
    ));
}

/// Advance one attempt by one frame; returns the smoothed fold angle.
fn step_attempt(
    a: &mut Attempt,
    body: &Body,
    t: f64,
    pending: &mut Vec<(Cue, f64)>,
    options: &LiveOptions,
) -> Option<f32> {
    let side = a.side;
    let fold = fold_angle(body, side);
    if let Some(f) = fold {
        push_trim(&mut a.raw, t, f, SPEED_SPAN_S);
    }
    let torso = body.torso_length();
    if let Some(x) = torso {
        push_trim(&mut a.torso_raw, t, x, FOLD_SMOOTH_S);
    }
    let rel_torso = torso.zip(body.scale()).map(|(x, s)| x / s);
    a.series
        .push((t, upper_body_height(body), rel_torso.or(torso), fold));
    let s = if fold.is_some() {
        median(
            a.raw
                .iter()
                .filter(|(ti, _)| t - ti <= FOLD_SMOOTH_S)
                .map(|(_, v)| Some(*v)),
        )
    } else {
        None
    };
    if let Some(s) = s {
        push_trim(&mut a.smooth, t, s, FOLD_HISTORY_S);
    }
    let s = s.or_else(|| a.smoothed());
    let speed = a.speed();

    if !a.cued_setup && matches!(a.phase, PhaseName::Setup) {
        a.cued_setup = true;
        raise(
            pending,
            "lengthen-inhale",
            "Sit tall on your sitting bones. Breathe in and lengthen your spine upward.".into(),
            CuePriority::Low,
            t,
        );
    }

    let (Some(s), Some(v)) = (s, speed) else {
        return s;
    };
    match a.phase {
        PhaseName::Setup | PhaseName::Lengthen => {
            if a.upright.is_none() && s < UPRIGHT_MIN_DEG && v.abs() < MOVING_DEG_S {
                // Already folded when the pose was recognised: a hold.
                a.phase = PhaseName::Hold;
                a.hold_start = Some(t);
                a.hold_end = None;
                a.held = Running::default();
                a.next_breath_at = t + BREATH_UPDATE_S;
                hold_cue(pending, t);
                return Some(s);
            }
            if s >= UPRIGHT_MIN_DEG.min(a.upright_level() - FOLD_START_DEG) {
                a.upright = Some(a.upright.map_or(s, |u| u.max(s)));
                push_capped(&mut a.setup_torso, torso);
                push_capped(&mut a.setup_neck, neck_flexion_deg(body));
                push_capped(&mut a.setup_ear, ear_shoulder(body));
            }
            if s < a.upright_level() - FOLD_START_DEG && v < -MOVING_DEG_S {
                a.phase = PhaseName::Fold;
                a.baseline = a
                    .setup_baseline()
                    .or_else(|| Baseline::estimate(body, Some(side)));
                if !a.cued_fold {
                    a.cued_fold = true;
                    fold_cue(pending, t);
                }
            } else if a.phase == PhaseName::Setup {
                let base = median(a.setup_torso.iter().copied().map(Some));
                let now = window_median(&a.torso_raw);
                if let (Some(base), Some(now)) = (base, now)
                    && a.setup_torso.len() >= 5
                    && now >= base * (1.0 + LENGTHEN_MIN_RISE)
                {
                    a.phase = PhaseName::Lengthen;
                    if !a.cued_fold {
                        a.cued_fold = true;
                        fold_cue(pending, t);
                    }
                }
            }
        }
        PhaseName::Fold => {
            let deep = s <= a.upright_level() - MIN_FOLD_RANGE_DEG;
            if deep && v.abs() < MOVING_DEG_S {
                a.phase = PhaseName::Hold;
                a.hold_start = Some(t - SETTLE_LAG_S);
                a.hold_end = None;
                a.held = Running::default();
                a.breaths = None;
                a.next_breath_at = t + BREATH_UPDATE_S;
                a.last_breath_reminder = t;
                hold_cue(pending, t);
            } else if s >= a.upright_level() - 0.5 * FOLD_START_DEG {
                a.phase = PhaseName::Setup;
            }
        }
        PhaseName::Hold => {
            let start = a.hold_start.unwrap_or(t);
            if a.held.n >= 3 && s > a.release_threshold() && v > MOVING_DEG_S {
                let band = a.held.mean as f32 + HOLD_END_BAND_DEG.max(1.5 * a.held.sd());
                let last_in = a
                    .smooth
                    .iter()
                    .rev()
                    .find(|(_, x)| *x <= band)
                    .map_or(t, |(ti, _)| *ti);
                let end = (last_in - HOLD_END_LAG_S).max(start);
                a.hold_end = Some(end);
                a.phase = PhaseName::Release;
                if let Some(b) = a.breath_over(start, end) {
                    a.breaths = Some(a.breaths.unwrap_or(0).max(b.count));
                }
            } else {
                a.held.add(s);
                if t >= a.next_breath_at {
                    a.next_breath_at = t + BREATH_UPDATE_S;
                    if let Some(b) = a.breath_over(start, t) {
                        a.breaths = Some(a.breaths.unwrap_or(0).max(b.count));
                        let holding_now = b
                            .holding
                            .iter()
                            .any(|h| h.end_s >= t - BREATH_UPDATE_S - 1.0);
                        if holding_now {
                            raise(
                                pending,
                                "breath-held",
                                "Keep breathing: let the breath flow slowly in and out, never held."
                                    .into(),
                                CuePriority::Medium,
                                t,
                            );
                        }
                    }
                }
                let held_s = t - start;
                if let Some(target) = options.target_hold_s
                    && !a.cued_come_up
                    && held_s >= target
                {
                    a.cued_come_up = true;
                    raise(
                        pending,
                        "come-up",
                        "Well held. On your next breath in, come up slowly with a long back."
                            .into(),
                        CuePriority::Low,
                        t,
                    );
                }
                if t - a.last_breath_reminder >= KEEP_BREATHING_EVERY_S {
                    a.last_breath_reminder = t;
                    raise(
                        pending,
                        "keep-breathing",
                        "Keep the breath slow and even; let each breath out soften the fold."
                            .into(),
                        CuePriority::Low,
                        t,
                    );
                }
            }
        }
        PhaseName::Release => {
            if s >= a.upright_level() - FOLD_START_DEG {
                a.phase = PhaseName::Setup;
            } else if v < -MOVING_DEG_S && s < a.release_threshold() {
                // Folding again on the same side: a new hold will be timed.
                a.phase = PhaseName::Fold;
            }
        }
    }

    // Form: checked while folding and holding, said once it persists.
    if matches!(a.phase, PhaseName::Fold | PhaseName::Hold) {
        let m = measure(body, side, a.baseline.as_ref(), &Calibration::default());
        for (i, check) in Check::ALL.iter().enumerate() {
            let w = &mut a.form[i];
            if let Some(seen) = check.seen(&m) {
                w.push_back((t, seen));
            }
            while w.front().is_some_and(|(t0, _)| t - t0 > FORM_WINDOW_S) {
                w.pop_front();
            }
            let covered = w
                .front()
                .is_some_and(|(t0, _)| t - t0 >= 0.5 * FORM_WINDOW_S);
            let share = w.iter().filter(|(_, b)| *b).count() as f32 / w.len().max(1) as f32;
            if covered && share >= FORM_SHARE {
                let (id, text, priority) = check.cue();
                raise(pending, id, text.into(), priority, t);
            }
        }
    } else {
        a.form.iter_mut().for_each(VecDeque::clear);
    }
    Some(s)
}

fn fold_cue(pending: &mut Vec<(Cue, f64)>, t: f64) {
    raise(
        pending,
        "fold-exhale",
        "Now breathe out and fold forward from the hips, chest leading toward the foot.".into(),
        CuePriority::Low,
        t,
    );
}

fn hold_cue(pending: &mut Vec<(Cue, f64)>, t: f64) {
    raise(
        pending,
        "hold-breathe",
        "Stay here. Relax your shoulders and neck, and keep breathing slowly.".into(),
        CuePriority::Low,
        t,
    );
}
