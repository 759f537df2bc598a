//! The cue scheduler: what waits to be said, and when it may be said.
//!
//! Cues are raised by the parts that see something (the attempt, the camera
//! watch, the coach) and wait here; at most one is said per
//! [`MIN_CUE_GAP_S`], the most urgent first, the same one not again within
//! its repeat gap, and a cue that waited past [`CUE_STALE_S`] is dropped.

use janu_pose::CueId;
use serde::{Deserialize, Serialize};

use crate::phases::PhaseName;
use crate::pose_name::PoseName;

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

impl CuePriority {
    /// The urgency of a cue.
    pub const fn of(id: CueId) -> Self {
        match id {
            CueId::StepIntoView | CueId::EaseHead | CueId::SupportBentKnee => Self::High,
            CueId::CameraFrontDiagonal
            | CueId::CannotTell
            | CueId::BreathHeld
            | CueId::SoftenKnee
            | CueId::RelaxShoulders
            | CueId::HingeFromHips
            | CueId::SquarePelvis => Self::Medium,
            CueId::FromStaff
            | CueId::FromBoundAngle
            | CueId::BendOneKnee
            | CueId::FromWideLegs
            | CueId::FromTwist
            | CueId::FaceTheLeg
            | CueId::LengthenInhale
            | CueId::FoldExhale
            | CueId::HoldBreathe
            | CueId::KeepBreathing
            | CueId::ComeUp
            | CueId::SwitchSides => Self::Low,
        }
    }
}

/// One thing to say now.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Cue {
    /// Stable id, serialised kebab-case (`lengthen-inhale`, `fold-exhale`,
    /// `soften-knee`, `switch-sides`, `camera-front-diagonal`, ...; every id in
    /// practice order is [`CueId::ALL`]).
    pub id: CueId,
    /// What to say, in plain words.
    pub text: String,
    /// How urgent.
    pub priority: CuePriority,
}

/// Least time before `id` is said again, seconds.
fn repeat_gap(id: CueId) -> f64 {
    match id {
        CueId::CameraFrontDiagonal | CueId::CannotTell => CAMERA_CUE_REPEAT_S,
        CueId::StepIntoView => LOST_CUE_REPEAT_S,
        _ => CUE_REPEAT_S,
    }
}

/// The cue that says how to come from a neighbour pose into Janusirsasana.
pub(super) fn neighbour_cue(name: PoseName) -> Option<CueId> {
    Some(match name {
        PoseName::Dandasana => CueId::FromStaff,
        PoseName::BaddhaKonasana => CueId::FromBoundAngle,
        PoseName::Paschimottanasana => CueId::BendOneKnee,
        PoseName::UpavisthaKonasana => CueId::FromWideLegs,
        PoseName::ArdhaMatsyendrasana => CueId::FromTwist,
        PoseName::ParivrttaJanusirsasana => CueId::FaceTheLeg,
        PoseName::Janusirsasana | PoseName::Other | PoseName::Nobody => return None,
    })
}

/// Cues waiting to be said, and when each was last said.
#[derive(Debug, Default)]
pub(super) struct Cues {
    /// Raised and not yet said, with the time raised; one per id.
    pending: Vec<(Cue, f64)>,
    last_cue_t: Option<f64>,
    said: Vec<(CueId, f64)>,
}

impl Cues {
    /// Raise `id` with its own words.
    pub(super) fn raise(&mut self, id: CueId, t: f64) {
        self.raise_text(id, id.words().to_owned(), t);
    }

    /// Raise `id` saying `text`; nothing when `id` is already waiting.
    pub(super) fn raise_text(&mut self, id: CueId, text: String, t: f64) {
        if self.pending.iter().any(|(c, _)| c.id == id) {
            return;
        }
        let priority = CuePriority::of(id);
        self.pending.push((Cue { id, text, priority }, t));
    }

    /// Forget a waiting cue that is no longer true.
    pub(super) fn withdraw(&mut self, id: CueId) {
        self.pending.retain(|(c, _)| c.id != id);
    }

    /// The cue to say now, if any: the most urgent pending one whose repeat
    /// gap has passed, at most one per [`MIN_CUE_GAP_S`]. `phase` is the
    /// attempt's phase: the fold's and the hold's cues stay due while their
    /// phase lasts, even when a quick setup left no gap to say them in.
    pub(super) fn pick(&mut self, t: f64, phase: Option<PhaseName>) -> Option<Cue> {
        let still_due = |id: CueId| match phase {
            Some(PhaseName::Fold) => id == CueId::FoldExhale,
            Some(PhaseName::Hold) => id == CueId::HoldBreathe,
            _ => false,
        };
        self.pending
            .retain(|(c, at)| t - at <= CUE_STALE_S || still_due(c.id));
        if self.last_cue_t.is_some_and(|last| t - last < MIN_CUE_GAP_S) {
            return None;
        }
        let said = &self.said;
        let ready = |c: &Cue| {
            said.iter()
                .find(|(id, _)| *id == c.id)
                .is_none_or(|(_, at)| t - at >= repeat_gap(c.id))
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
            None => self.said.push((cue.id, t)),
        }
        self.last_cue_t = Some(t);
        Some(cue)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The cues said when `pick` is asked every 0.1 s from `from` to `to`.
    fn said(cues: &mut Cues, from: f64, to: f64) -> Vec<(f64, CueId)> {
        let mut out = Vec::new();
        let mut t = from;
        while t <= to {
            if let Some(c) = cues.pick(t, None) {
                out.push((t, c.id));
            }
            t += 0.1;
        }
        out
    }

    #[test]
    fn two_cues_are_never_closer_than_the_gap() {
        let mut cues = Cues::default();
        cues.raise(CueId::SoftenKnee, 0.0);
        cues.raise(CueId::RelaxShoulders, 0.0);
        let out = said(&mut cues, 0.0, 3.0);
        assert_eq!(out.len(), 1, "{out:?}");
        // The second waited too long and is dropped; a new one waits for the gap.
        cues.raise(CueId::HingeFromHips, 3.5);
        let out = said(&mut cues, 3.1, 8.0);
        assert_eq!(out.len(), 1, "{out:?}");
        assert_eq!(out[0].1, CueId::HingeFromHips);
        assert!(out[0].0 >= MIN_CUE_GAP_S - 1e-9, "{out:?}");
    }

    #[test]
    fn a_correction_is_not_repeated_within_its_repeat_gap() {
        let mut cues = Cues::default();
        let mut times = Vec::new();
        let mut t = 0.0;
        while t < 2.0 * CUE_REPEAT_S {
            cues.raise(CueId::SoftenKnee, t);
            if let Some(c) = cues.pick(t, None) {
                times.push((t, c.id));
            }
            t += 0.5;
        }
        assert_eq!(times.len(), 2, "{times:?}");
        assert!(times[1].0 - times[0].0 >= CUE_REPEAT_S, "{times:?}");
    }

    #[test]
    fn the_most_urgent_cue_goes_first() {
        let mut cues = Cues::default();
        cues.raise(CueId::KeepBreathing, 0.0);
        cues.raise(CueId::EaseHead, 0.0);
        let c = cues.pick(0.0, None).unwrap();
        assert_eq!(c.id, CueId::EaseHead);
        assert_eq!(c.priority, CuePriority::High);
        assert_eq!(c.text, CueId::EaseHead.words());
    }

    #[test]
    fn a_stale_cue_is_dropped_but_the_hold_cue_waits_for_its_phase() {
        let mut cues = Cues::default();
        cues.raise(CueId::ComeUp, 0.0);
        assert!(cues.pick(0.0, None).is_some());
        cues.raise(CueId::SoftenKnee, 0.5);
        cues.raise(CueId::HoldBreathe, 0.5);
        // Said after the gap: the correction is stale by then, the hold cue is
        // not while the hold lasts.
        assert!(
            cues.pick(MIN_CUE_GAP_S, Some(PhaseName::Hold))
                .is_some_and(|c| c.id == CueId::HoldBreathe)
        );
        assert!(
            cues.pick(2.0 * MIN_CUE_GAP_S, Some(PhaseName::Hold))
                .is_none()
        );
    }

    #[test]
    fn a_withdrawn_cue_is_not_said() {
        let mut cues = Cues::default();
        cues.raise(CueId::StepIntoView, 0.0);
        cues.withdraw(CueId::StepIntoView);
        assert!(cues.pick(0.0, None).is_none());
    }
}
