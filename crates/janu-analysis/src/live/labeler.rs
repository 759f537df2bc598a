//! The pose over time: a weighted vote of the per-frame calls over a trailing
//! window, with hysteresis so the label does not flicker between look-alikes.

use std::collections::VecDeque;

use janu_body::Side;

use crate::pose_name::PoseName;
use crate::recognize::Recognition;
use crate::segments::MIN_VOTE_WEIGHT;

/// Trailing window of per-frame calls that vote on the pose, seconds: long
/// enough to outvote a few bad frames, short enough to follow a change.
pub const LABEL_WINDOW_S: f64 = 1.0;
/// A new pose must win the vote this long before it is shown: moving from one
/// pose to the next passes through look-alikes (a knee drawn up on the way into
/// Janusirsasana looks like a twist for a moment).
pub const LABEL_SWITCH_S: f64 = 1.2;
pub(super) type Label = (PoseName, Option<Side>);

/// The pose over time: a vote over a trailing window, with hysteresis.
#[derive(Debug, Default)]
pub(super) struct Labeler {
    window: VecDeque<(f64, Label, f32)>,
    pub(super) stable: Option<Label>,
    pub(super) confidence: f32,
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
    pub(super) fn push(&mut self, t: f64, c: &Recognition) -> Option<(Label, f64)> {
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

    pub(super) fn reset(&mut self) {
        *self = Self::default();
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn call(name: PoseName, leg: Option<Side>) -> Recognition {
        Recognition {
            name,
            extended_leg: leg,
            confidence: 0.9,
            ..Recognition::nobody()
        }
    }

    /// Feed `c` every 1/15 s from `from` to `to`; the changes of label.
    fn feed(l: &mut Labeler, c: &Recognition, from: f64, to: f64) -> Vec<(Label, f64)> {
        let mut out = Vec::new();
        let mut i = 0;
        loop {
            let t = from + f64::from(i) / 15.0;
            if t > to {
                return out;
            }
            out.extend(l.push(t, c));
            i += 1;
        }
    }

    #[test]
    fn the_label_does_not_flip_before_the_switch_time() {
        let mut l = Labeler::default();
        let janu = call(PoseName::Janusirsasana, Some(Side::Left));
        let staff = call(PoseName::Dandasana, None);
        let first = feed(&mut l, &janu, 0.0, 3.0);
        assert_eq!(first.len(), 1);
        // A new pose wins the vote within a second but is shown only after
        // LABEL_SWITCH_S more.
        let before = feed(&mut l, &staff, 3.05, 3.0 + LABEL_SWITCH_S);
        assert!(before.is_empty(), "{before:?}");
        assert_eq!(l.stable, Some((PoseName::Janusirsasana, Some(Side::Left))));
        let after = feed(&mut l, &staff, 3.1 + LABEL_SWITCH_S, 8.0);
        assert_eq!(after.len(), 1, "{after:?}");
        assert_eq!(after[0].0, (PoseName::Dandasana, None));
    }

    #[test]
    fn a_few_odd_frames_do_not_change_the_label() {
        let mut l = Labeler::default();
        let janu = call(PoseName::Janusirsasana, Some(Side::Right));
        feed(&mut l, &janu, 0.0, 3.0);
        let odd = call(PoseName::ArdhaMatsyendrasana, None);
        assert!(feed(&mut l, &odd, 3.05, 3.3).is_empty());
        assert!(feed(&mut l, &janu, 3.35, 6.0).is_empty());
        assert_eq!(l.stable, Some((PoseName::Janusirsasana, Some(Side::Right))));
    }
}
