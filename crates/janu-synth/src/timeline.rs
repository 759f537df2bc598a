//! From a scenario to key postures over time, the breath track, and the timing
//! part of the truth.

use janu_body::Side;

use crate::body::{Dims, Posture, idx, leg_fk, pelvis};
use crate::breath::BreathTrack;
use crate::math::smoothstep;
use crate::poses::{Active, JanuStage, dandasana, janusirsasana, knee_up, neighbour};
use crate::rng::{Rng, Stream};
use crate::scenario::{Breath, Mistake, Phase, PoseName, Scenario, Segment};
use crate::truth::{BreathHoldTruth, HoldTruth, MistakeTruth, PhaseTruth, SegmentTruth};

/// Seconds over which a mistake with a timed window eases in and out (centred on
/// the window's edges).
pub(crate) const MISTAKE_RAMP_S: f64 = 2.0;
/// When no window is given, a held breath starts this long into the hold.
const DEFAULT_BREATH_HOLD_START_S: f64 = 10.0;
/// Shortest gap between two keys that gets a knee-up key in between when a leg
/// changes between extended and bent.
const MIN_KNEE_UP_GAP_S: f64 = 0.2;

/// A posture the body passes through at time `t`.
#[derive(Debug, Clone)]
pub(crate) struct Key {
    pub t: f64,
    pub posture: Posture,
}

/// A stretch of time and what the person is doing in it.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Span {
    pub start: f64,
    pub segment: usize,
    pub in_pose: bool,
    pub phase: Option<Phase>,
}

/// The scenario laid out in time.
#[derive(Debug, Clone)]
pub(crate) struct Timeline {
    d: Dims,
    pub keys: Vec<Key>,
    pub spans: Vec<Span>,
    pub breath: BreathTrack,
    pub breath_of_segment: Vec<Breath>,
    pub duration: f64,
    pub segments: Vec<SegmentTruth>,
    pub phases: Vec<PhaseTruth>,
    pub holds: Vec<HoldTruth>,
    pub breath_holds: Vec<BreathHoldTruth>,
    pub mistakes: Vec<MistakeTruth>,
}

/// What kind of key a Janusirsasana key is, for deciding which mistakes show.
#[derive(Debug, Clone, Copy, PartialEq)]
enum KeyKind {
    SetupEnd,
    LengthenEnd,
    Folded,
    ReleaseEnd,
}

fn window_activation(hold_start: f64, window: (f64, f64), t: f64) -> f64 {
    let r = MISTAKE_RAMP_S;
    let (a, b) = (hold_start + window.0, hold_start + window.1);
    smoothstep((t - (a - r / 2.0)) / r) * (1.0 - smoothstep((t - (b - r / 2.0)) / r))
}

/// The mistakes of `seg` in effect at a key of kind `kind` at time `t`.
fn actives(seg: &Segment, kind: KeyKind, t: f64, hold_start: f64) -> Vec<Active> {
    let mut out = Vec::new();
    for m in seg.mistakes.iter().filter(|m| m.mistake.is_kinematic()) {
        let activation = match m.window {
            Some(w) => window_activation(hold_start, w, t),
            None if m.mistake == Mistake::BentFootMisplaced => 1.0,
            None => f64::from(u8::from(kind == KeyKind::Folded)),
        };
        if activation > 0.0 {
            out.push(Active {
                mistake: m.mistake,
                magnitude: m.magnitude,
                activation,
            });
        }
    }
    out
}

/// Step by which a thigh is lifted while a blended foot dips below the floor.
const LIFT_STEP_DEG: f64 = 0.5;

/// Between two key postures a foot can dip below the floor (angles blend, feet do
/// not); lift the thigh until it no longer does.
fn keep_feet_on_the_floor(d: &Dims, p: &mut Posture) {
    let pel = pelvis(d, p);
    for side in Side::BOTH {
        let i = idx(side);
        for _ in 0..120 {
            let l = leg_fk(d, side, pel.hips[i], &p.legs[i]);
            if l.heel.y.min(l.toe.y).min(l.ankle.y) >= 0.0 {
                break;
            }
            p.legs[i].elevation += LIFT_STEP_DEG;
        }
    }
}

impl Timeline {
    pub fn new(sc: &Scenario) -> Self {
        let d = Dims::new(sc.body);
        let mut rng = Rng::new(sc.seed, Stream::Breath);
        let mut tl = Timeline {
            d,
            keys: Vec::new(),
            spans: Vec::new(),
            breath: BreathTrack::new(),
            breath_of_segment: sc
                .segments
                .iter()
                .map(|s| s.breath.unwrap_or(sc.breath))
                .collect(),
            duration: 0.0,
            segments: Vec::new(),
            phases: Vec::new(),
            holds: Vec::new(),
            breath_holds: Vec::new(),
            mistakes: Vec::new(),
        };
        let dand = dandasana(&d);
        tl.keys.push(Key {
            t: 0.0,
            posture: dand,
        });
        let mut t = sc.lead_in_s;
        if t > 0.0 {
            tl.keys.push(Key { t, posture: dand });
            tl.breath
                .breathe(t, &tl.breath_of_segment[0], &mut rng, &[]);
        }
        tl.spans.push(Span {
            start: 0.0,
            segment: 0,
            in_pose: false,
            phase: None,
        });
        for (i, seg) in sc.segments.iter().enumerate() {
            let br = tl.breath_of_segment[i];
            let t0 = t + seg.transition_s;
            tl.spans.push(Span {
                start: t,
                segment: i,
                in_pose: false,
                phase: None,
            });
            tl.breath.breathe(t0, &br, &mut rng, &[]);
            let end = if seg.pose == PoseName::Janusirsasana {
                tl.janu(&d, seg, i, t0, &br, &mut rng)
            } else {
                let posture = neighbour(&d, seg);
                let end = t0 + seg.hold_s;
                tl.keys.push(Key { t: t0, posture });
                tl.keys.push(Key { t: end, posture });
                tl.spans.push(Span {
                    start: t0,
                    segment: i,
                    in_pose: true,
                    phase: None,
                });
                tl.breath.breathe(end, &br, &mut rng, &[]);
                tl.hold(i, seg, t0, end, &br);
                end
            };
            tl.segments.push(SegmentTruth {
                index: i,
                pose: seg.pose,
                extended_leg: seg.pose.has_extended_leg().then_some(seg.side),
                twist_side: (seg.pose == PoseName::ArdhaMatsyendrasana).then_some(seg.side),
                transition_start: t,
                start: t0,
                end,
            });
            t = end;
        }
        tl.duration = t;
        tl.insert_knee_up_keys(&d);
        tl
    }

    fn hold(&mut self, segment: usize, seg: &Segment, start: f64, end: f64, br: &Breath) {
        let cycles: Vec<_> = self
            .breath
            .cycles()
            .into_iter()
            .filter(|c| c.start >= start - 1e-9 && c.end <= end + 1e-9)
            .collect();
        let rate = (!cycles.is_empty()).then(|| {
            let mean =
                cycles.iter().map(|c| c.end - c.start - c.held).sum::<f64>() / cycles.len() as f64;
            60.0 / mean
        });
        self.holds.push(HoldTruth {
            segment,
            pose: seg.pose,
            extended_leg: seg.pose.has_extended_leg().then_some(seg.side),
            start,
            end,
            duration_s: end - start,
            breaths: cycles.len(),
            planted_rate_bpm: br.rate_bpm,
            rate_bpm: rate,
        });
    }

    /// Lay out one Janusirsasana side from `t0`; returns its end.
    fn janu(
        &mut self,
        d: &Dims,
        seg: &Segment,
        i: usize,
        t0: f64,
        br: &Breath,
        rng: &mut Rng,
    ) -> f64 {
        let p = seg.phases;
        let hold = seg.hold_duration();
        let ts = [
            t0,
            t0 + p.setup_s,
            t0 + p.setup_s + p.lengthen_s,
            t0 + p.setup_s + p.lengthen_s + p.fold_s,
            t0 + p.setup_s + p.lengthen_s + p.fold_s + hold,
            t0 + p.setup_s + p.lengthen_s + p.fold_s + hold + p.release_s,
        ];
        let hold_start = ts[3];
        let e = seg.side;
        for (k, phase) in Phase::ALL.iter().enumerate() {
            self.spans.push(Span {
                start: ts[k],
                segment: i,
                in_pose: true,
                phase: Some(*phase),
            });
            self.phases.push(PhaseTruth {
                segment: i,
                extended_leg: e,
                phase: *phase,
                start: ts[k],
                end: ts[k + 1],
            });
        }
        // Keys.
        let key = |kind: KeyKind, t: f64| {
            let stage = match kind {
                KeyKind::SetupEnd | KeyKind::ReleaseEnd => JanuStage::Seated,
                KeyKind::LengthenEnd => JanuStage::Tall,
                KeyKind::Folded => JanuStage::Folded,
            };
            Key {
                t,
                posture: janusirsasana(d, seg, stage, &actives(seg, kind, t, hold_start)),
            }
        };
        self.keys.push(Key {
            t: ts[0],
            posture: dandasana(d),
        });
        self.keys.push(key(KeyKind::SetupEnd, ts[1]));
        self.keys.push(key(KeyKind::LengthenEnd, ts[2]));
        let mut hold_times = vec![ts[3], ts[4]];
        for m in &seg.mistakes {
            if let (Some((a, b)), true) = (m.window, m.mistake.is_kinematic()) {
                for x in [
                    a - MISTAKE_RAMP_S / 2.0,
                    a + MISTAKE_RAMP_S / 2.0,
                    b - MISTAKE_RAMP_S / 2.0,
                    b + MISTAKE_RAMP_S / 2.0,
                ] {
                    if x > 0.0 && x < hold {
                        hold_times.push(hold_start + x);
                    }
                }
            }
        }
        hold_times.sort_by(f64::total_cmp);
        hold_times.dedup_by(|a, b| (*a - *b).abs() < 1e-6);
        for t in hold_times {
            self.keys.push(key(KeyKind::Folded, t));
        }
        self.keys.push(key(KeyKind::ReleaseEnd, ts[5]));

        // Breath: free while setting up, one inhale to lengthen, one exhale to fold,
        // free (with any held breath) while holding, one inhale to come up.
        self.breath.breathe(ts[1], br, rng, &[]);
        self.breath.move_to(ts[2], 1.0);
        self.breath.move_to(ts[3], 0.0);
        let mut holds = Vec::new();
        for m in seg
            .mistakes
            .iter()
            .filter(|m| m.mistake == Mistake::BreathHeld)
        {
            let (start, dur) = match m.window {
                Some((a, b)) => (a, b - a),
                None => (
                    DEFAULT_BREATH_HOLD_START_S.min((hold - m.magnitude - 1.0).max(0.0)),
                    m.magnitude,
                ),
            };
            holds.push((hold_start + start, dur));
        }
        for (s, e2) in self.breath.breathe(ts[4], br, rng, &holds) {
            self.breath_holds.push(BreathHoldTruth {
                segment: i,
                start: s,
                end: e2.min(ts[4]),
            });
        }
        self.breath.move_to(ts[5], 1.0);
        self.hold(i, seg, ts[3], ts[4], br);

        // Mistakes' truth.
        for m in &seg.mistakes {
            let (start, end) = match (m.mistake, m.window) {
                (Mistake::BreathHeld, _) => continue,
                (Mistake::HoldTooShort | Mistake::HoldTooLong, _) => (ts[3], ts[4]),
                (_, Some((a, b))) => {
                    let end = if b <= hold {
                        hold_start + b
                    } else {
                        ts[4] + p.release_s / 2.0
                    };
                    (hold_start + a.min(hold), end)
                }
                (Mistake::BentFootMisplaced, None) => (ts[0] + p.setup_s / 2.0, ts[5]),
                (_, None) => (ts[2] + p.fold_s / 2.0, ts[4] + p.release_s / 2.0),
            };
            self.mistakes.push(MistakeTruth {
                mistake: m.mistake,
                segment: i,
                extended_leg: e,
                start,
                end,
                magnitude: m.magnitude,
                unit: m.mistake.unit().to_string(),
            });
        }
        for bh in self.breath_holds.iter().filter(|b| b.segment == i) {
            let mag = bh.end - bh.start;
            self.mistakes.push(MistakeTruth {
                mistake: Mistake::BreathHeld,
                segment: i,
                extended_leg: e,
                start: bh.start,
                end: bh.end,
                magnitude: mag,
                unit: "s".to_string(),
            });
        }
        ts[5]
    }

    /// A leg that changes between extended and bent passes through knee-up.
    fn insert_knee_up_keys(&mut self, d: &Dims) {
        let mut out = Vec::with_capacity(self.keys.len() + 8);
        for pair in self.keys.windows(2) {
            let (k0, k1) = (&pair[0], &pair[1]);
            out.push(k0.clone());
            let changing: Vec<Side> = Side::BOTH
                .into_iter()
                .filter(|s| k0.posture.legs[idx(*s)].bent != k1.posture.legs[idx(*s)].bent)
                .collect();
            if changing.is_empty() || k1.t - k0.t < MIN_KNEE_UP_GAP_S {
                continue;
            }
            let mut mid = k0.posture.blend(&k1.posture, 0.5);
            for s in changing {
                mid.legs[idx(s)] = knee_up(d, &mid, s);
            }
            mid.hands = k1.posture.hands;
            out.push(Key {
                t: 0.5 * (k0.t + k1.t),
                posture: mid,
            });
        }
        if let Some(last) = self.keys.last() {
            out.push(last.clone());
        }
        self.keys = out;
    }

    /// The posture at time `t`, eased between keys.
    pub fn posture_at(&self, t: f64) -> Posture {
        let i = self.keys.partition_point(|k| k.t <= t);
        if i == 0 {
            return self.keys[0].posture;
        }
        if i >= self.keys.len() {
            return self.keys[self.keys.len() - 1].posture;
        }
        let (k0, k1) = (&self.keys[i - 1], &self.keys[i]);
        let w = smoothstep((t - k0.t) / (k1.t - k0.t));
        let mut p = k0.posture.blend(&k1.posture, w);
        keep_feet_on_the_floor(&self.d, &mut p);
        p
    }

    /// What is happening at time `t`.
    pub fn span_at(&self, t: f64) -> Span {
        let i = self.spans.partition_point(|s| s.start <= t);
        self.spans[i.saturating_sub(1)]
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::body::skeleton;
    use crate::scenarios;

    /// No landmark (joint centres and surface points alike) goes through the floor,
    /// in any pose, with any mistake, at any time.
    #[test]
    fn nothing_sinks_into_the_floor() {
        let mut all = vec![scenarios::clean_session(1), scenarios::neighbours(1)];
        all.extend(Mistake::ALL.map(|m| scenarios::with_mistake_on(m, Side::Right, 1)));
        for sc in all {
            let d = Dims::new(sc.body);
            let tl = Timeline::new(&sc);
            let mut t = 0.0;
            while t <= tl.duration {
                let s = skeleton(&d, &tl.posture_at(t));
                for (i, p) in s.lm.iter().enumerate() {
                    assert!(
                        p.y > -0.01,
                        "{}: landmark {i} at {} m at t={t}",
                        sc.name,
                        p.y
                    );
                }
                t += 0.25;
            }
        }
    }

    #[test]
    fn legs_pass_through_knee_up_when_they_bend() {
        let sc = scenarios::clean_session(1);
        let d = Dims::new(sc.body);
        let tl = Timeline::new(&sc);
        let setup = &tl.phases[0];
        let mid = tl.posture_at(0.5 * (setup.start + setup.end));
        let s = skeleton(&d, &mid);
        // Left extended: the right knee is up while it is drawn in.
        assert!(s.legs[1].knee.y > 0.3, "knee height {}", s.legs[1].knee.y);
    }
}
