//! The practice as a timed cue script: what to say when, and when to breathe in
//! and out. Pure; the terminal player and the WebVTT export both read it.

use janu_body::clock::clock_ms as clock;
use serde::{Deserialize, Serialize};

use crate::error::PoseError;
use crate::plan::{Plan, Section};

/// Default in-breath, ms: with [`DEFAULT_EXHALE_MS`] one breath is the plan's 5 s.
pub const DEFAULT_INHALE_MS: u32 = 2000;
/// Default out-breath, ms: longer than the in-breath, since both references fold
/// and release on the exhale.
pub const DEFAULT_EXHALE_MS: u32 = 3000;
/// Shortest in- or out-breath accepted: faster than this is not paced breathing.
const MIN_PHASE_MS: u32 = 1000;
/// Longest in- or out-breath accepted: slower than this is breath retention, which
/// A advises against.
const MAX_PHASE_MS: u32 = 15_000;
/// How long a step title stays on screen in subtitles.
const TITLE_MS: u64 = 4000;

/// The breath rhythm: how long to breathe in and out.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct Pacing {
    /// In-breath, milliseconds.
    pub inhale_ms: u32,
    /// Out-breath, milliseconds.
    pub exhale_ms: u32,
}

impl Default for Pacing {
    fn default() -> Self {
        Self {
            inhale_ms: DEFAULT_INHALE_MS,
            exhale_ms: DEFAULT_EXHALE_MS,
        }
    }
}

impl Pacing {
    /// One full breath, milliseconds.
    pub const fn cycle_ms(self) -> u32 {
        self.inhale_ms + self.exhale_ms
    }

    /// Parse `INHALE:EXHALE` in seconds, e.g. `4:6` or `2.5:3.5`.
    ///
    /// # Errors
    ///
    /// [`PoseError::BadPacing`] when the text is not two numbers of seconds between 1
    /// and 15 separated by a colon.
    pub fn parse(text: &str) -> Result<Self, PoseError> {
        let bad = |problem: &str| PoseError::BadPacing {
            given: text.to_string(),
            problem: problem.to_string(),
        };
        let (a, b) = text.split_once(':').ok_or_else(|| bad("no colon"))?;
        let ms = |s: &str| -> Result<u32, PoseError> {
            let secs: f64 = s
                .trim()
                .parse()
                .map_err(|_| bad("not a number of seconds"))?;
            if !secs.is_finite() {
                return Err(bad("not a number of seconds"));
            }
            let ms = (secs * 1000.0).round();
            if ms < f64::from(MIN_PHASE_MS) || ms > f64::from(MAX_PHASE_MS) {
                return Err(bad("each part must be between 1 and 15 seconds"));
            }
            Ok(ms as u32)
        };
        Ok(Self {
            inhale_ms: ms(a)?,
            exhale_ms: ms(b)?,
        })
    }
}

impl std::fmt::Display for Pacing {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let s = |ms: u32| {
            let t = format!("{:.1}", f64::from(ms) / 1000.0);
            t.strip_suffix(".0").map(str::to_string).unwrap_or(t)
        };
        write!(f, "{}:{}", s(self.inhale_ms), s(self.exhale_ms))
    }
}

/// What a cue is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum CueKind {
    /// The title of a new step.
    Step,
    /// An instruction.
    Instruction,
    /// Breathe in.
    Inhale,
    /// Breathe out.
    Exhale,
}

/// One timed cue.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Cue {
    /// Start, ms from the session start.
    pub start_ms: u64,
    /// End, ms.
    pub end_ms: u64,
    /// 0-based step index into [`CueScript::steps`].
    pub step: usize,
    /// What it is.
    pub kind: CueKind,
    /// What to show or say.
    pub text: String,
}

/// One step's place on the timeline.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ScriptStep {
    /// Title: "Warm-up: Cat-Cow (...)".
    pub title: String,
    /// Start, ms.
    pub start_ms: u64,
    /// End, ms.
    pub end_ms: u64,
}

/// A stretch of time with paced breathing.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct BreathWindow {
    /// 0-based step index.
    pub step: usize,
    /// Start, ms.
    pub start_ms: u64,
    /// End, ms.
    pub end_ms: u64,
}

/// In or out.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum BreathPhase {
    /// Breathing in.
    Inhale,
    /// Breathing out.
    Exhale,
}

/// The whole practice as timed cues.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CueScript {
    /// The breath rhythm.
    pub pacing: Pacing,
    /// Length, ms.
    pub total_ms: u64,
    /// The steps on the timeline.
    pub steps: Vec<ScriptStep>,
    /// Step titles and instructions, by start time.
    pub cues: Vec<Cue>,
    /// When to pace the breath.
    pub breath: Vec<BreathWindow>,
}

/// Lay a plan out as a cue script.
pub fn cue_script(plan: &Plan, pacing: &Pacing) -> CueScript {
    let n = plan.steps.len();
    let mut t: u64 = 0;
    let mut steps = Vec::with_capacity(n);
    let mut cues = Vec::new();
    let mut breath = Vec::new();
    for (i, s) in plan.steps.iter().enumerate() {
        let start = t;
        let end = start + u64::from(s.seconds) * 1000;
        let title = match s.section {
            Section::Main => s.name.clone(),
            other => format!("{}: {}", other.label(), s.name),
        };
        let hold = if s.section == Section::Main {
            format!("{} s, hold {} breaths", s.seconds, s.breaths)
        } else {
            format!("{} s", s.seconds)
        };
        cues.push(Cue {
            start_ms: start,
            end_ms: (start + TITLE_MS).min(end),
            step: i,
            kind: CueKind::Step,
            text: format!("Step {} of {n}: {title} ({hold})", i + 1),
        });
        for (j, c) in s.cues.iter().enumerate() {
            let c_start = start + u64::from(c.at) * 1000;
            let c_end = s
                .cues
                .get(j + 1)
                .map_or(end, |next| start + u64::from(next.at) * 1000)
                .max(c_start);
            cues.push(Cue {
                start_ms: c_start,
                end_ms: c_end.min(end),
                step: i,
                kind: CueKind::Instruction,
                text: c.text.clone(),
            });
        }
        if s.hold_seconds > 0 {
            breath.push(BreathWindow {
                step: i,
                start_ms: start + u64::from(s.hold_start) * 1000,
                end_ms: start + u64::from(s.hold_start + s.hold_seconds) * 1000,
            });
        }
        steps.push(ScriptStep {
            title,
            start_ms: start,
            end_ms: end,
        });
        t = end;
    }
    cues.sort_by_key(|c| (c.start_ms, c.kind));
    CueScript {
        pacing: *pacing,
        total_ms: t,
        steps,
        cues,
        breath,
    }
}

/// `HH:MM:SS.mmm`, as WebVTT wants it.
fn vtt_time(ms: u64) -> String {
    format!(
        "{:02}:{:02}:{:02}.{:03}",
        ms / 3_600_000,
        ms / 60_000 % 60,
        ms / 1000 % 60,
        ms % 1000
    )
}

impl CueScript {
    /// The step running at `ms` (the last step once the script has ended).
    pub fn step_at(&self, ms: u64) -> Option<usize> {
        if self.steps.is_empty() {
            return None;
        }
        Some(
            self.steps
                .iter()
                .position(|s| ms < s.end_ms)
                .unwrap_or(self.steps.len() - 1),
        )
    }

    /// The latest instruction (or title) of the step running at `ms`.
    pub fn instruction_at(&self, ms: u64) -> Option<&Cue> {
        let step = self.step_at(ms)?;
        self.cues
            .iter()
            .rev()
            .find(|c| c.step == step && c.start_ms <= ms && c.kind == CueKind::Instruction)
    }

    /// Breath phase at `ms` and the ms left in it, if the breath is paced then.
    pub fn breath_at(&self, ms: u64) -> Option<(BreathPhase, u64)> {
        let w = self
            .breath
            .iter()
            .find(|w| w.start_ms <= ms && ms < w.end_ms)?;
        let cycle = u64::from(self.pacing.cycle_ms().max(1));
        let into = (ms - w.start_ms) % cycle;
        let inhale = u64::from(self.pacing.inhale_ms);
        let (phase, left) = if into < inhale {
            (BreathPhase::Inhale, inhale - into)
        } else {
            (BreathPhase::Exhale, cycle - into)
        };
        Some((phase, left.min(w.end_ms - ms)))
    }

    /// Every inhale and exhale cue of the breath windows, in time order.
    pub fn breath_cues(&self) -> Vec<Cue> {
        let mut out = Vec::new();
        for w in &self.breath {
            let mut t = w.start_ms;
            let mut inhale = true;
            while t < w.end_ms {
                let len = u64::from(if inhale {
                    self.pacing.inhale_ms
                } else {
                    self.pacing.exhale_ms
                })
                .max(1);
                out.push(Cue {
                    start_ms: t,
                    end_ms: (t + len).min(w.end_ms),
                    step: w.step,
                    kind: if inhale {
                        CueKind::Inhale
                    } else {
                        CueKind::Exhale
                    },
                    text: if inhale { "Breathe in" } else { "Breathe out" }.to_string(),
                });
                t += len;
                inhale = !inhale;
            }
        }
        out
    }

    /// The script as WebVTT subtitles: step titles at the top, instructions at the
    /// bottom, breath cues in the middle.
    pub fn to_vtt(&self) -> String {
        let mut all: Vec<Cue> = self.cues.clone();
        all.extend(self.breath_cues());
        all.sort_by_key(|c| (c.start_ms, c.kind));
        let mut out =
            String::from("WEBVTT\nKind: captions\n\nNOTE Janu practice cue script; breath ");
        out.push_str(&self.pacing.to_string());
        out.push_str(" seconds in:out.\n\n");
        for (n, c) in all.iter().enumerate() {
            let settings = match c.kind {
                CueKind::Step => " line:5% align:center",
                CueKind::Inhale | CueKind::Exhale => " line:45% align:center",
                CueKind::Instruction => "",
            };
            // A cue's text must not contain a blank line or "-->".
            let text = c.text.replace("-->", "->");
            out.push_str(&format!(
                "{}\n{} --> {}{settings}\n{text}\n\n",
                n + 1,
                vtt_time(c.start_ms),
                vtt_time(c.end_ms.max(c.start_ms + 1)),
            ));
        }
        out
    }

    /// The script as readable text, one line per cue, breath windows summarised.
    pub fn to_text(&self) -> String {
        let mut out = format!(
            "Janu practice script: {} steps, {} total, breath {} s (in:out)\n",
            self.steps.len(),
            clock(self.total_ms),
            self.pacing
        );
        for (i, s) in self.steps.iter().enumerate() {
            out.push('\n');
            // (time, order, line): lines in time order, titles before cues.
            let mut lines: Vec<(u64, u8, String)> = Vec::new();
            for c in self.cues.iter().filter(|c| c.step == i) {
                let (order, indent) = if c.kind == CueKind::Step {
                    (0, "  ")
                } else {
                    (2, "    ")
                };
                lines.push((
                    c.start_ms,
                    order,
                    format!("{}{indent}{}\n", clock(c.start_ms), c.text),
                ));
            }
            for w in self.breath.iter().filter(|w| w.step == i) {
                let breaths = (w.end_ms - w.start_ms) / u64::from(self.pacing.cycle_ms().max(1));
                lines.push((
                    w.start_ms,
                    1,
                    format!(
                        "{}-{}  breathe: in {:.1} s, out {:.1} s, about {breaths} breaths\n",
                        clock(w.start_ms),
                        clock(w.end_ms),
                        f64::from(self.pacing.inhale_ms) / 1000.0,
                        f64::from(self.pacing.exhale_ms) / 1000.0,
                    ),
                ));
            }
            lines.sort_by_key(|(t, o, _)| (*t, *o));
            for (_, _, line) in lines {
                out.push_str(&line);
            }
            out.push_str(&format!("{}  end of step {}\n", clock(s.end_ms), i + 1));
        }
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::{Level, PlanRequest, plan};

    #[test]
    fn pacing_parses_seconds() {
        assert_eq!(
            Pacing::parse("4:6").unwrap(),
            Pacing {
                inhale_ms: 4000,
                exhale_ms: 6000
            }
        );
        assert_eq!(Pacing::parse("2.5:3.5").unwrap().to_string(), "2.5:3.5");
        for bad in ["4", "0:6", "a:b", "4:60", "inf:2"] {
            assert!(Pacing::parse(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn script_covers_the_plan_and_breath_alternates() {
        let p = plan(&PlanRequest::new(Level::Beginner, 10)).unwrap();
        let s = cue_script(&p, &Pacing::default());
        assert_eq!(s.total_ms, u64::from(p.total_seconds) * 1000);
        assert_eq!(s.steps.len(), p.steps.len());
        let b = s.breath_cues();
        assert!(b.windows(2).all(|w| w[0].start_ms <= w[1].start_ms));
        assert_eq!(b[0].kind, CueKind::Inhale);
        assert_eq!(b[1].kind, CueKind::Exhale);
        assert_eq!(
            s.breath_at(b[1].start_ms).map(|x| x.0),
            Some(BreathPhase::Exhale)
        );
        assert_eq!(s.step_at(s.total_ms + 5), Some(s.steps.len() - 1));
    }

    #[test]
    fn vtt_is_well_formed() {
        let p = plan(&PlanRequest::new(Level::Advanced, 5)).unwrap();
        let vtt = cue_script(&p, &Pacing::default()).to_vtt();
        assert!(vtt.starts_with("WEBVTT\n"));
        for block in vtt.split("\n\n").skip(2).filter(|b| !b.is_empty()) {
            let lines: Vec<&str> = block.lines().collect();
            assert!(lines.len() >= 3, "{block}");
            assert!(lines[1].contains(" --> "), "{block}");
        }
    }
}
