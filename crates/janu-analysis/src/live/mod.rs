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

mod attempt;
mod camera;
mod cues;
mod labeler;

use std::collections::VecDeque;

use janu_body::{Frame, Side};
use janu_pose::other_side_words;
use serde::{Deserialize, Serialize};

use self::attempt::{Attempt, step_attempt};
use self::camera::CameraWatch;
use self::cues::{Cues, neighbour_cue};
use self::labeler::Labeler;
use crate::body::Body;
use crate::phases::PhaseName;
use crate::pose_name::PoseName;
use crate::recognize::recognize;
use crate::{AnalysisError, SessionReport};

pub use self::attempt::{
    ASSUMED_UPRIGHT_DEG, BREATH_UPDATE_S, FOLD_SMOOTH_S, FOLD_START_DEG, FORM_SHARE, FORM_WINDOW_S,
    HOLD_END_BAND_DEG, HOLD_END_LAG_S, KEEP_BREATHING_EVERY_S, MOVING_DEG_S, RELEASE_RISE_DEG,
    RELEASE_RISE_SD, SETTLE_LAG_S, SPEED_SPAN_S,
};
pub use self::camera::{CAMERA_HIDDEN_SHARE, CAMERA_WINDOW_S, UNSURE_SHARE, UNSURE_WINDOW_S};
pub use self::cues::{
    CAMERA_CUE_REPEAT_S, CUE_REPEAT_S, CUE_STALE_S, Cue, CuePriority, LOST_CUE_REPEAT_S,
    MIN_CUE_GAP_S,
};
pub use self::labeler::{LABEL_SWITCH_S, LABEL_WINDOW_S};
pub use janu_pose::CueId;

/// Nobody seen for this long ends the current pose and resets what is tracked:
/// the person has left, not just blinked out of a frame or two.
pub const LOST_RESET_S: f64 = 2.0;

/// Nobody seen for this long gets a "come back into view" cue, seconds.
pub const NOBODY_CUE_S: f64 = 1.0;
/// Hold, seconds, after which Janu invites the person to come up, when the
/// options give none: the knowledge's beginner hold.
pub const DEFAULT_TARGET_HOLD_S: f64 = 30.0;

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

/// (time, problem seen) over a trailing span: the share of a window's frames
/// that show something, and how much of the window is covered.
#[derive(Debug, Default)]
struct Trail {
    items: VecDeque<(f64, bool)>,
}

impl Trail {
    /// Add a frame's answer (`None`: it could not tell) and forget what is
    /// older than `span_s` before `t`.
    fn push(&mut self, t: f64, seen: Option<bool>, span_s: f64) {
        if let Some(seen) = seen {
            self.items.push_back((t, seen));
        }
        while self.items.front().is_some_and(|(t0, _)| t - t0 > span_s) {
            self.items.pop_front();
        }
    }

    /// Seconds from the oldest answer kept to `t`.
    fn age(&self, t: f64) -> Option<f64> {
        self.items.front().map(|(t0, _)| t - t0)
    }

    /// Seconds from the oldest answer kept to the newest.
    fn spread(&self) -> f64 {
        match (self.items.front(), self.items.back()) {
            (Some(a), Some(b)) => b.0 - a.0,
            _ => 0.0,
        }
    }

    /// Share of the answers kept that saw it.
    fn share(&self) -> f32 {
        let seen = self.items.iter().filter(|(_, s)| *s).count();
        seen as f32 / self.items.len().max(1) as f32
    }

    fn is_empty(&self) -> bool {
        self.items.is_empty()
    }

    fn clear(&mut self) {
        self.items.clear();
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
    /// Whether the view shows what Janu needs.
    camera: CameraWatch,
    /// What waits to be said.
    cues: Cues,
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
            camera: CameraWatch::default(),
            cues: Cues::default(),
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
            self.cues.withdraw(CueId::StepIntoView);
        } else {
            self.person_seconds += dt;
        }
        let call = recognize(&body);
        if let Some(((name, side), _since)) = self.labeler.push(t, &call) {
            self.on_label(name, side, t);
        }
        let stable = self.labeler.stable;
        self.camera.watch(t, &body, &call, stable, &mut self.cues);

        let mut fold_now = None;
        if let Some(a) = self.attempt.as_mut() {
            fold_now = step_attempt(a, &body, t, &mut self.cues, self.options.target_hold_s);
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
        let confidence = if stable.is_some() {
            (self.labeler.confidence * 1000.0).round() / 1000.0
        } else {
            0.0
        };
        LiveUpdate {
            person_visible: true,
            confidence,
            fold_angle_deg: fold_now.map(|f| (f * 10.0).round() / 10.0),
            camera_hint: self.camera.hint(),
            ..self.update(t)
        }
    }

    /// What is known at `t` without this frame's person: the stable pose, the
    /// attempt's phase, the hold and its breaths (or the last side's), the
    /// cue due now.
    fn update(&mut self, t: f64) -> LiveUpdate {
        let cue = self.cues.pick(t, self.attempt.as_ref().map(|a| a.phase));
        let attempt = self.attempt.as_ref();
        let last_done = self.sides_done.last();
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

    fn nobody(&mut self, t: f64) -> LiveUpdate {
        let since = *self.nobody_since.get_or_insert(t);
        if t - since >= LOST_RESET_S {
            if self.labeler.stable.is_some() || self.attempt.is_some() {
                self.labeler.reset();
                self.end_attempt(since);
            }
            self.camera.clear();
        }
        if t - since >= NOBODY_CUE_S {
            self.cues.raise(CueId::StepIntoView, t);
        }
        // A frame or two without the person (a blink of the estimator) keeps
        // what was seen; after LOST_RESET_S the label is gone and so is this.
        self.update(t)
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
            && let Some(id) = neighbour_cue(name)
        {
            self.cues.raise(id, t);
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
            self.cues.raise(CueId::SwitchSides, t);
        } else {
            self.cues
                .raise_text(CueId::SwitchSides, other_side_words(done), t);
        }
    }
}
