//! A kinematic generator of seated-pose landmark sequences with known answers:
//! Janusirsasana (head-to-knee pose) on either side, its six neighbour poses, the
//! breath, the camera, estimator noise, and each of the mistakes a teacher looks
//! for. It is the test bench of the form analysis: everything it plants is
//! returned as [`Truth`], so an analysis can be checked against it.
//!
//! ```
//! use janu_synth::{generate, scenarios, Mistake};
//! use janu_body::Side;
//!
//! let clean = generate(&scenarios::clean_session(7)).unwrap();
//! assert_eq!(clean.frames.len(), clean.truth.frames.len());
//! let left = clean.truth.janu_holds(Side::Left).next().unwrap();
//! assert!((left.duration_s - 60.0).abs() < 1e-9);
//! assert!(clean.truth.mistakes.is_empty());
//!
//! let knee = generate(&scenarios::with_mistake(Mistake::LockedKnee, 7)).unwrap();
//! assert!(knee.truth.has_mistake(Mistake::LockedKnee));
//! ```
//!
//! # The body model
//! A kinematic skeleton scaled from standing height (default 1.70 m) with segment
//! fractions from Drillis and Contini (1966) as tabulated by Winter (2009): thigh
//! 0.245 H, shank 0.246 H, upper arm 0.186 H, forearm 0.146 H, hand 0.108 H, foot
//! 0.152 H, ankle height 0.039 H; the hip joint centres 0.10 H apart (Bell 1990,
//! Harrington 2007), shoulder joint centres 0.20 H apart, shoulders 0.288 H above
//! the hips. Face points come from typical adult face widths (Farkas 1994).
//!
//! Joints and their named angles (degrees):
//! * **Pelvis**: rests on its lower sitting bone above the mat origin; anterior
//!   *tilt* (hinging at the hips; negative tucks it under), *yaw* (positive turns
//!   left) and *obliquity* (positive lifts the right hip).
//! * **Spine**: L5/S1 to C7 as 5 lumbar and 12 thoracic segments. Lumbar and
//!   thoracic *flexion* are added to a neutral seated curve (lordosis -20,
//!   kyphosis +30) and spread evenly over the segments, so a rounding spine
//!   shortens the hip-to-shoulder distance as a real one does; *side bend* (40 %
//!   lumbar) and *twist* (15 % lumbar) are spread the same way.
//! * **Neck and head**: two cervical segments (flexion added to a neutral
//!   lordosis that holds the head upright), a *nod* at the skull and a *turn*.
//! * **Shoulders**: clavicles from the sternum with *elevation* (shrug) and
//!   *protraction* (reaching forward). **Arms** reach their hand targets by
//!   two-bone inverse kinematics with the elbows bending outwards and a little up
//!   ("elbows bending outward", reference A); a relaxed arm
//!   uses at most 98.5 % of its length (about 20 degrees of elbow flexion), a
//!   *locked* arm is straight.
//! * **Legs** are posed against the floor, as seated legs are: thigh *azimuth*
//!   (opening from forward, seen from above) and *elevation*, hip *rotation*
//!   (external positive), *knee flexion* (signed: hyperextension is negative),
//!   ankle *dorsiflexion* and foot *inversion*. An extended leg rests on its heel
//!   (knee flexed) or on the back of its knee with the heel lifted (knee
//!   hyperextended). A bent leg is placed by inverse kinematics: its ankle goes to
//!   the wanted spot (the sole against the extended inner thigh), the knee as near
//!   the wanted opening and lift as that allows and never below the floor, so the
//!   bent knee's flexion *follows* from where the foot rests (about 153 degrees
//!   with the defaults, the thighs about 70 degrees apart, the sole's centre
//!   about 4 cm from the thigh's surface).
//!
//! All 33 BlazePose landmarks are produced: face points from the head, heel and
//! foot index from the foot, pinky, index and thumb knuckles from the hand.
//!
//! # Coordinates
//! The model works in a *mat frame*: metres, origin on the floor under the
//! midpoint of the sitting bones, x forward (the way the person faces), y up, z
//! to the person's right. The person faces the same way for both sides; an
//! extended leg points straight ahead from its own hip. Output follows BlazePose
//! (see [`camera`]): image `x`, `y` normalised (x right, y down), `z` relative
//! depth in units of x with the hips at 0 (positive away from the camera); world
//! landmarks in metres from the hip midpoint with camera-aligned axes (x image
//! right, y down, z away from the camera). `left_*` and `right_*` are the person's
//! own sides, except in a mirrored picture, which (like a landmark model run on
//! one) swaps them: exactly [`janu_body::Pose::mirrored`].
//!
//! # Camera
//! A pinhole at `yaw` around the person (room yaw 0 = their left side, 90 = in
//! front; or relative to the extended leg: 0 = its side, 45 = the front-diagonal
//! of the extended foot, 90 = front), `pitch` looking down, `distance`, focal
//! length in pixels and image size (defaults: room yaw 45, pitch 8, 3 m, 1108 px,
//! 1280 x 720). Visibility comes from self-occlusion: the body is a set of
//! capsules (trunk, belly, pelvis, neck, head, limbs, hands, feet); a landmark
//! whose line of sight passes
//! through another part before reaching it gets low visibility (0.12 when fully
//! hidden, 0.97 when seen, partial in between), a point outside the picture 0.05.
//! In a side view from the extended leg the bent knee hides behind the trunk; from
//! the front-diagonal it shows, though arms reaching low along the extended leg
//! can cover it, and the bent foot lying in the groin is usually hidden by the
//! extended thigh, as in real pictures. [`Synthetic::subset`] and
//! [`Synthetic::coco17`] imitate estimators that give fewer points.
//!
//! # Noise
//! Defaults ([`Noise`]): 2 px jitter in x and y, 6 px in z, 8 mm in world
//! coordinates, three times more on hidden points, AR(1) correlation 0.3 from
//! frame to frame, visibility jitter 0.04, 0.5 % of landmarks missing (null),
//! 0.3 % of frames with nobody found. [`Noise::NONE`] gives exact landmarks.
//!
//! # Time, phases and breath
//! A scenario starts with `lead_in_s` (3 s) of Dandasana. Each segment has a
//! transition (4 s) from the previous posture, eased with a smoothstep; a leg that
//! changes between extended and bent passes through a knee-up position. A
//! Janusirsasana segment moves from Dandasana through **setup** (5 s: the bent
//! leg drawn in, foot placed; relaxed seat), **lengthen** (3 s, one inhale: pelvis
//! rolls forward, spine lengthens), **fold** (5 s, one exhale: hinge to depth,
//! hands reach), **hold** (60 s, breathing) and **release** (4 s, one inhale, back
//! to sitting). Neighbour poses are held for `hold_s`.
//!
//! The breath ([`Breath`], default 10 per minute, 40 % of each breath inhaling,
//! 5 % period variability) is a level between 0 (out) and 1 (in) following a
//! half-cosine in each half-breath. Each inhale extends the spine by 3 degrees
//! (70 % thoracic, 30 % lumbar: the back lifts) and raises the shoulder girdle by
//! 2.5 degrees; each exhale lets them drop. While the breath is held the level,
//! and so the motion, stops. A slow sway (0.4 degrees, below 0.06 Hz) keeps held
//! poses from being perfectly still.
//!
//! # Fold depth
//! Depth 0 is sitting tall (pelvis tilt 8, lumbar -6, thoracic -6), depth 1 the
//! full fold (tilt 50, i.e. 140 degrees of hip flexion, lumbar +30, thoracic +22,
//! neck +22, nod 8: forehead on the knee). Depth interpolates. Defaults:
//! Janusirsasana 0.6, Paschimottanasana 0.7, Upavistha Konasana 0.5.
//!
//! # Neighbour poses
//! * `dandasana`: tall, both legs straight ahead, palms beside the hips.
//! * `paschimottanasana`: both legs straight, fold over them, hands to the ankles.
//! * `baddha_konasana`: soles together 0.27 m in front of the hips, knees open
//!   65 degrees each side and lifted 25, hands hold the feet, sitting tall.
//! * `upavistha_konasana`: legs 100 degrees apart, fold forward, palms on the
//!   floor ahead.
//! * `parivrtta_janusirsasana`: extended leg 50 degrees out to its side, bent
//!   foot on its inner thigh, trunk bent 40 degrees sideways over it and turned
//!   25 degrees towards the ceiling, both hands to the extended foot.
//! * `ardha_matsyendrasana`: one knee up with its foot outside the other knee,
//!   the other leg folded with its foot by the opposite hip, trunk turned 55
//!   degrees and head 30 more towards the upright knee, the opposite arm hooked
//!   outside that knee, the near hand on the floor behind.
//!
//! # How mistakes are planted
//! A [`PlantedMistake`] in a Janusirsasana segment changes the key postures of
//! that side. Without a window a posture mistake eases in during the fold and out
//! during the release (truth: from the middle of the fold to the middle of the
//! release); with a window (seconds from the start of the hold) it eases in and
//! out over 2 s centred on the window's edges. Effects, at magnitude `m`:
//! * `collapsed_spine` (m = 20): pelvis tilt -m, thoracic flexion +1.1 m, lumbar
//!   +0.5 m, shoulder protraction +0.5 m: little hip flexion, a rounded back.
//! * `rounded_back_head_forced` (m = 25): lumbar flexion +m, thoracic +0.3 m,
//!   neck flexion +1.4 m, head nod +0.6 m, pelvis tilt -0.4 m.
//! * `pelvis_twisted` (m = 15): pelvis yaw m towards the extended leg, obliquity
//!   m/2 lifting the bent leg's hip.
//! * `locked_knee` (m = 8): extended knee flexion -m (hyperextended, heel lifts).
//! * `shoulder_strain` (m = 22): shoulder elevation +m, elbows locked straight,
//!   hands on the foot.
//! * `forced_bent_leg_rotation` (m = 30): bent knee opening +m and lift -m
//!   (pressed to the floor), heel pulled 55 % nearer the groin and 0.065 H out,
//!   foot sickled (inverted 25, plantarflexed 20): the thighs open about 130
//!   degrees (70 when clean), the knee behind the line of the hips and on the
//!   floor.
//! * `bent_foot_misplaced` (m = 0.25 m): the foot placed m further out from the
//!   inner thigh, from the setup on (the measured sole gap grows a little more
//!   as the foot turns).
//! * `extended_foot_rolled_out` (m = 35): extended hip external rotation +m,
//!   foot inversion +m/3.
//! * `breath_held` (m = 12 s): the breath stops at the top of the first inhale
//!   10 s into the hold (or at the window's start) for m seconds.
//! * `hold_too_short` (m = 4 s) and `hold_too_long` (m = 300 s): the hold lasts m.
//!
//! A planted mistake changes only its own signature: the tests check that, for
//! example, a locked knee leaves the pelvis, shoulders and bent foot as they are
//! in the clean pose.
//!
//! # Truth
//! [`Truth`] lists segments, phases per side, holds with breath counts and rates,
//! every breath, breath-holding episodes, planted mistakes with time ranges and
//! magnitudes, and per frame ([`FrameTruth`]) the angles an analysis measures,
//! taken from the noiseless landmarks: signed knee flexion, thigh angle,
//! trunk-to-thigh fold angle, head-to-knee distance over the neutral torso length,
//! and more. Everything is serde-serialisable.
//!
//! # Ready-made scenarios
//! [`scenarios`]: `clean_session` (both sides with Dandasana between, about 3
//! minutes), `full_practice` (warm-ups, both sides, follow-ups, about 6 minutes),
//! `with_mistake` / `with_mistake_on` (one side with one mistake, camera at the
//! extended foot's front-diagonal, or the bent leg's for a bent-leg mistake),
//! `neighbours` (each neighbour pose held 20 s), `side_view_hidden_bent_leg`, `mirrored_webcam`, `noisy`, `janu_from` (any
//! camera yaw), `single` (one pose), and `varied` (a different person, practice
//! and camera per seed, for tests that must hold whatever the conditions).
//! `by_name` gives them to the `generate` example:
//! `cargo run -p janu-synth --example generate -- --scenario clean --out x.jsonl`
//! writes the landmark file and `x.truth.json`.
//!
//! # Determinism
//! The same scenario gives the same bytes: all randomness comes from SplitMix64
//! streams seeded by [`Scenario::seed`]. The library does no I/O.

mod body;
mod breath;
pub mod camera;
mod math;
mod measure;
mod noise;
mod poses;
mod rng;
pub mod scenario;
pub mod scenarios;
mod timeline;
pub mod truth;

pub use body::{Body, Reach};
pub use camera::{Camera, YawReference};
pub use scenario::{
    Breath, FootPlacement, Form, Mistake, Noise, Phase, PhaseDurations, PlantedMistake, PoseName,
    Scenario, Segment,
};
pub use truth::{
    BreathHoldTruth, BreathTruth, FrameTruth, HandReach, HoldTruth, MistakeTruth, PhaseTruth,
    SegmentTruth, Truth,
};

use janu_body::{Frame, Landmark};

use crate::body::{Dims, reference_torso_length, skeleton};
use crate::camera::{View, observe};
use crate::measure::{Context, frame_truth};
use crate::noise::NoiseState;
use crate::rng::{Rng, Stream};
use crate::timeline::Timeline;

/// Why a scenario cannot be generated.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum SynthError {
    /// A parameter is out of range; the message names it.
    #[error("invalid scenario: {0}")]
    Invalid(String),
}

/// A generated landmark sequence and what is known about it.
#[derive(Debug, Clone, PartialEq)]
pub struct Synthetic {
    /// One frame per `1 / fps` seconds, as a landmark estimator would give them.
    pub frames: Vec<Frame>,
    /// The known answers.
    pub truth: Truth,
}

impl Synthetic {
    /// The frames as an estimator that finds only the landmarks in `keep` would
    /// give them: every other landmark missing; relative depth and world
    /// coordinates kept only when `with_depth` is true.
    pub fn subset(&self, keep: &[Landmark], with_depth: bool) -> Vec<Frame> {
        self.frames
            .iter()
            .map(|f| {
                let mut f = f.clone();
                if let Some(p) = f.pose.as_mut() {
                    for l in Landmark::ALL {
                        if !keep.contains(&l) {
                            p.landmarks[l.index()] = None;
                        } else if !with_depth && let Some(k) = p.landmarks[l.index()].as_mut() {
                            k.z = None;
                        }
                    }
                    if !with_depth {
                        p.world = None;
                    }
                }
                f
            })
            .collect()
    }

    /// The frames as a COCO-17 estimator (MoveNet and the like) gives them: the 17
    /// COCO points in image coordinates with visibility, nothing else.
    pub fn coco17(&self) -> Vec<Frame> {
        self.subset(&janu_body::coco::COCO17_TO_BLAZEPOSE, false)
    }
}

/// Frequencies of the slow postural sway, Hz: below the slowest breath (2 per
/// minute is 0.033 Hz, but calm breathing is 0.1-0.3 Hz).
const SWAY_HZ: (f64, f64) = (0.012, 0.05);
/// Sines summed per swaying angle.
const SWAY_SINES: usize = 3;

/// Slow postural sway: a few slow sines per angle.
struct Sway {
    /// (frequency Hz, phase rad) for side bend, thoracic flexion and head turn.
    waves: [[(f64, f64); SWAY_SINES]; 3],
    amplitude: f64,
}

impl Sway {
    fn new(seed: u64, amplitude: f64) -> Self {
        let mut rng = Rng::new(seed, Stream::Sway);
        let mut waves = [[(0.0, 0.0); SWAY_SINES]; 3];
        for w in waves.iter_mut().flatten() {
            *w = (
                rng.range(SWAY_HZ.0, SWAY_HZ.1),
                rng.range(0.0, std::f64::consts::TAU),
            );
        }
        Self { waves, amplitude }
    }

    fn at(&self, which: usize, t: f64) -> f64 {
        let a = self.amplitude / SWAY_SINES as f64;
        self.waves[which]
            .iter()
            .map(|(f, ph)| a * (std::f64::consts::TAU * f * t + ph).sin())
            .sum()
    }
}

/// Generate the frames and the truth of a scenario.
///
/// # Errors
/// [`SynthError::Invalid`] when a parameter is out of range.
pub fn generate(scenario: &Scenario) -> Result<Synthetic, SynthError> {
    scenario.validate()?;
    let d = Dims::new(scenario.body);
    let tl = Timeline::new(scenario);
    let torso_ref = reference_torso_length(&d);
    let views: Vec<View> = scenario
        .segments
        .iter()
        .map(|s| {
            View::new(
                &scenario.camera,
                s.pose.has_extended_leg().then_some(s.side),
            )
        })
        .collect();
    let sway = Sway::new(scenario.seed, scenario.sway_deg);
    let mut noise = NoiseState::new(scenario.seed);
    let n = (tl.duration * scenario.fps + 1e-9).floor() as usize + 1;
    let mut frames = Vec::with_capacity(n);
    let mut truths = Vec::with_capacity(n);
    let (width, height) = (scenario.camera.width, scenario.camera.height);
    for i in 0..n {
        let t = i as f64 / scenario.fps;
        let span = tl.span_at(t);
        let seg = &scenario.segments[span.segment];
        let mut p = tl.posture_at(t);
        let br = tl.breath_of_segment[span.segment];
        let level = tl.breath.level(t);
        p.thoracic_flex -= 0.7 * br.amplitude_deg * level;
        p.lumbar_flex -= 0.3 * br.amplitude_deg * level;
        for e in p.shoulder_elevation.iter_mut() {
            *e += br.shoulder_rise_deg * level;
        }
        p.side_bend += sway.at(0, t);
        p.thoracic_flex += sway.at(1, t);
        p.head_turn += 2.0 * sway.at(2, t);
        let skel = skeleton(&d, &p);
        let clean = observe(&d, &skel, &views[span.segment]);
        let pose = noise.apply(&clean, &scenario.noise, width, height);
        let mistakes = tl
            .mistakes
            .iter()
            .filter(|m| m.start <= t && t < m.end)
            .map(|m| m.mistake)
            .collect();
        let breathing = !tl.breath_holds.iter().any(|b| b.start <= t && t < b.end);
        let mut truth = frame_truth(
            &d,
            &skel,
            &p,
            torso_ref,
            Context {
                t,
                span,
                seg,
                breath_level: level,
                breathing,
                mistakes,
            },
        );
        truth.dropped = pose.is_none();
        truths.push(truth);
        frames.push(Frame {
            t,
            width,
            height,
            pose,
        });
    }
    let truth = Truth {
        scenario: scenario.name.clone(),
        seed: scenario.seed,
        fps: scenario.fps,
        duration_s: tl.duration,
        height_m: scenario.body.height_m,
        torso_length_m: torso_ref,
        camera: scenario.camera,
        segments: tl.segments,
        phases: tl.phases,
        holds: tl.holds,
        breaths: tl
            .breath
            .cycles()
            .into_iter()
            .map(|c| BreathTruth {
                start: c.start,
                peak: c.peak,
                end: c.end,
                held_s: c.held,
            })
            .collect(),
        breath_holds: tl.breath_holds,
        mistakes: tl.mistakes,
        frames: truths,
    };
    Ok(Synthetic { frames, truth })
}
