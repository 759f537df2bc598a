//! The breath over time: a list of turning points (time, level) joined by
//! half-cosines, level 0 = breathed out, 1 = breathed in.

use crate::rng::Rng;
use crate::scenario::Breath;

/// Shortest and longest breath as a fraction of the mean period (keeps a large
/// variability from making absurd breaths).
const PERIOD_CLAMP: (f64, f64) = (0.7, 1.3);
/// Levels closer than this to 0 or 1 count as fully out or in.
const LEVEL_EPS: f64 = 1e-9;

/// Turning points of the breath level.
#[derive(Debug, Clone)]
pub(crate) struct BreathTrack {
    pts: Vec<(f64, f64)>,
    /// Period of the breath cycle in progress (drawn at each inhale).
    period: f64,
}

/// One complete breath: inhale from `start` to `peak`, (held,) exhale to `end`.
#[derive(Debug, Clone, Copy, PartialEq)]
pub(crate) struct Cycle {
    pub start: f64,
    pub peak: f64,
    pub end: f64,
    /// Seconds the breath was held at the top.
    pub held: f64,
}

impl BreathTrack {
    /// Breathed out at time 0.
    pub fn new() -> Self {
        Self {
            pts: vec![(0.0, 0.0)],
            period: 6.0,
        }
    }

    fn last(&self) -> (f64, f64) {
        *self.pts.last().expect("a track always has a point")
    }

    fn push(&mut self, t: f64, level: f64) {
        let (t0, _) = self.last();
        if t > t0 + 1e-9 {
            self.pts.push((t, level));
        }
    }

    /// One movement of the breath to `level`, ending at `t_end` (a whole inhale or
    /// exhale timed by a phase of the pose).
    pub fn move_to(&mut self, t_end: f64, level: f64) {
        self.push(t_end, level);
    }

    /// Breathe freely at `b`'s rate until `t_end`. Each `(start, seconds)` in
    /// `holds` holds the breath at the top of the first inhale that ends at or
    /// after `start`; the episodes actually made are returned.
    pub fn breathe(
        &mut self,
        t_end: f64,
        b: &Breath,
        rng: &mut Rng,
        holds: &[(f64, f64)],
    ) -> Vec<(f64, f64)> {
        let mean = 60.0 / b.rate_bpm;
        let mut done = Vec::new();
        let mut pending: Vec<(f64, f64)> = holds.to_vec();
        loop {
            let (t, l) = self.last();
            if t >= t_end {
                break;
            }
            if l >= 1.0 - LEVEL_EPS
                && let Some(i) = pending.iter().position(|&(s, _)| t >= s)
            {
                let (_, dur) = pending.remove(i);
                self.push(t + dur, l);
                done.push((t, t + dur));
                continue;
            }
            if l <= LEVEL_EPS {
                let k = (1.0 + b.variability * rng.gauss()).clamp(PERIOD_CLAMP.0, PERIOD_CLAMP.1);
                self.period = mean * k;
            }
            if l < 0.5 {
                let dur = self.period * b.inhale_fraction * (1.0 - l);
                self.push(t + dur.max(0.05), 1.0);
            } else {
                let dur = self.period * (1.0 - b.inhale_fraction) * l;
                self.push(t + dur.max(0.05), 0.0);
            }
        }
        // Cut the last movement at t_end.
        let (t, _) = self.last();
        if t > t_end {
            let l = self.level(t_end);
            self.pts.pop();
            self.push(t_end, l);
        }
        done
    }

    /// Breath level at time `t` (0..1).
    pub fn level(&self, t: f64) -> f64 {
        let i = self.pts.partition_point(|&(pt, _)| pt <= t);
        if i == 0 {
            return self.pts[0].1;
        }
        if i >= self.pts.len() {
            return self.last().1;
        }
        let (t0, l0) = self.pts[i - 1];
        let (t1, l1) = self.pts[i];
        let x = ((t - t0) / (t1 - t0)).clamp(0.0, 1.0);
        l0 + (l1 - l0) * 0.5 * (1.0 - (std::f64::consts::PI * x).cos())
    }

    /// Every complete breath: out (0) to in (1), possibly held, and out again (0).
    pub fn cycles(&self) -> Vec<Cycle> {
        let p = &self.pts;
        let mut out = Vec::new();
        let mut i = 0;
        while i + 2 < p.len() {
            if p[i].1 <= LEVEL_EPS && p[i + 1].1 >= 1.0 - LEVEL_EPS {
                let peak = p[i + 1].0;
                let mut j = i + 1;
                while j + 1 < p.len() && p[j + 1].1 >= 1.0 - LEVEL_EPS {
                    j += 1;
                }
                if j + 1 < p.len() && p[j + 1].1 <= LEVEL_EPS {
                    out.push(Cycle {
                        start: p[i].0,
                        peak,
                        end: p[j + 1].0,
                        held: p[j].0 - peak,
                    });
                    i = j + 1;
                    continue;
                }
            }
            i += 1;
        }
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::rng::Stream;

    #[test]
    fn free_breathing_has_the_asked_rate_and_holds_stop_it() {
        let b = Breath {
            variability: 0.0,
            ..Breath::default()
        };
        let mut rng = Rng::new(3, Stream::Breath);
        let mut tr = BreathTrack::new();
        let holds = tr.breathe(60.0, &b, &mut rng, &[(20.0, 8.0)]);
        assert_eq!(holds.len(), 1);
        let (hs, he) = holds[0];
        assert!(hs >= 20.0 && (he - hs - 8.0).abs() < 1e-9);
        assert!((tr.level(hs + 1.0) - tr.level(hs + 7.0)).abs() < 1e-12);
        let cycles = tr.cycles();
        let normal: Vec<_> = cycles.iter().filter(|c| c.held == 0.0).collect();
        assert!(normal.len() >= 7);
        for c in normal {
            assert!((c.end - c.start - 6.0).abs() < 1e-9);
        }
        assert!((tr.level(60.0) - tr.last().1).abs() < 1e-12);
    }
}
