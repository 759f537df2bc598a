//! Camera watch: whether the view shows what Janu needs (the bent leg in
//! Janusirsasana) and whether Janu can tell the pose at all; when not, a hint
//! and a cue say what to change.

use janu_body::Side;
use janu_pose::CueId;

use super::Trail;
use super::cues::Cues;
use super::labeler::Label;
use crate::body::Body;
use crate::pose_name::PoseName;
use crate::recognize::Recognition;
use crate::session::CAMERA_ADVICE;

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

/// What the view lets Janu see, over trailing windows.
#[derive(Debug, Default)]
pub(super) struct CameraWatch {
    /// Whether the bent leg was hidden, over the last [`CAMERA_WINDOW_S`] of
    /// Janusirsasana.
    hidden: Trail,
    camera_hint: Option<String>,
    /// Whether Janu could not judge the frame, over the last
    /// [`UNSURE_WINDOW_S`] with a person in view.
    unsure: Trail,
    /// Why Janu last could not judge a frame.
    last_why: Option<String>,
    /// What to change so Janu can tell the pose, while it cannot.
    unsure_hint: Option<String>,
}

impl CameraWatch {
    /// Look at one frame with a person in it; `stable` is the pose shown.
    pub(super) fn watch(
        &mut self,
        t: f64,
        body: &Body,
        call: &Recognition,
        stable: Option<Label>,
        cues: &mut Cues,
    ) {
        // Janusirsasana, or what may be it with the bent leg hidden (it then
        // looks like a fold over both legs).
        let janu_side = match stable {
            Some((PoseName::Janusirsasana, Some(s))) => Some(s),
            Some((PoseName::Paschimottanasana, _)) => call.hidden_leg.map(Side::other),
            _ => None,
        };
        let hidden =
            janu_side.map(|ext| call.hidden_leg.is_some() || !body.thigh_visible(ext.other()));
        self.watch_hidden(t, hidden, cues);
        self.watch_unsure(t, call.unsure.clone(), cues);
    }

    /// `hidden`: whether this frame of Janusirsasana hides the bent leg
    /// (`None` outside the pose).
    fn watch_hidden(&mut self, t: f64, hidden: Option<bool>, cues: &mut Cues) {
        self.hidden.push(t, hidden, CAMERA_WINDOW_S);
        let covered = self.hidden.spread() >= 0.5 * CAMERA_WINDOW_S;
        if covered && self.hidden.share() > CAMERA_HIDDEN_SHARE {
            let text = format!("{} {CAMERA_ADVICE}", CueId::CameraFrontDiagonal.words());
            self.camera_hint = Some(text.clone());
            cues.raise_text(CueId::CameraFrontDiagonal, text, t);
        } else if covered || self.hidden.is_empty() {
            self.camera_hint = None;
        }
    }

    /// When Janu has not been able to tell the pose for a while, say why and
    /// what to change: a bare "other" helps nobody.
    fn watch_unsure(&mut self, t: f64, why: Option<String>, cues: &mut Cues) {
        self.unsure.push(t, Some(why.is_some()), UNSURE_WINDOW_S);
        if why.is_some() {
            self.last_why = why;
        }
        let covered = self
            .unsure
            .age(t)
            .is_some_and(|age| age >= 0.9 * UNSURE_WINDOW_S);
        if covered && self.unsure.share() > UNSURE_SHARE {
            let why = self
                .last_why
                .clone()
                .unwrap_or_else(|| CueId::CannotTell.words().to_owned());
            self.unsure_hint = Some(why.clone());
            cues.raise_text(CueId::CannotTell, why, t);
        } else if covered {
            self.unsure_hint = None;
        }
    }

    /// Where to put the camera or what to change, while the view is in the way.
    pub(super) fn hint(&self) -> Option<String> {
        self.camera_hint
            .clone()
            .or_else(|| self.unsure_hint.clone())
    }

    /// Forget everything: the person has left.
    pub(super) fn clear(&mut self) {
        *self = Self::default();
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_camera_is_blamed_only_once_the_leg_stays_hidden() {
        let mut w = CameraWatch::default();
        let mut cues = Cues::default();
        let mut t = 0.0;
        // Half a window of a hidden leg is not yet enough to ask for a move.
        while t < 0.4 * CAMERA_WINDOW_S {
            w.watch_hidden(t, Some(true), &mut cues);
            t += 0.1;
        }
        assert!(w.hint().is_none());
        while t < 0.6 * CAMERA_WINDOW_S {
            w.watch_hidden(t, Some(true), &mut cues);
            t += 0.1;
        }
        let hint = w.hint().expect("a hint once the window is covered");
        assert!(hint.ends_with(CAMERA_ADVICE), "{hint}");
        let cue = cues.pick(t, None).unwrap();
        assert_eq!(cue.id, CueId::CameraFrontDiagonal);
        // A view that shows the leg again takes the hint away.
        while t < 3.0 * CAMERA_WINDOW_S {
            w.watch_hidden(t, Some(false), &mut cues);
            t += 0.1;
        }
        assert!(w.hint().is_none());
    }

    #[test]
    fn janu_says_why_it_cannot_tell_after_most_of_a_window() {
        let mut w = CameraWatch::default();
        let mut cues = Cues::default();
        let why = "Too dark to see the legs.".to_string();
        let mut t = 0.0;
        while t < 0.8 * UNSURE_WINDOW_S {
            w.watch_unsure(t, Some(why.clone()), &mut cues);
            t += 0.1;
        }
        assert!(w.hint().is_none(), "moving between poses is not a bad view");
        while t < UNSURE_WINDOW_S {
            w.watch_unsure(t, Some(why.clone()), &mut cues);
            t += 0.1;
        }
        assert_eq!(w.hint(), Some(why.clone()));
        assert_eq!(cues.pick(t, None).unwrap().text, why);
    }
}
