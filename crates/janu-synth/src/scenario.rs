//! What to generate: a [`Scenario`] is a timeline of [`Segment`]s (poses with their
//! parameters), the body, the camera, the breath and the noise. Every type here is
//! serde-serialisable so that a scenario can be saved as JSON and replayed.

use janu_body::Side;
use serde::{Deserialize, Serialize};

use crate::SynthError;
use crate::body::{Body, Reach};
use crate::camera::Camera;

pub use janu_body::PoseName;

/// The phases of one side of Janusirsasana, in order.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Phase {
    /// Seated; the bent leg is drawn in and its foot placed.
    Setup,
    /// One inhale: the pelvis rolls forward and the spine lengthens upward.
    Lengthen,
    /// One exhale: hinge at the hips down to the target depth, hands reach.
    Fold,
    /// Held at depth, breathing.
    Hold,
    /// One inhale: come back up to sitting.
    Release,
}

impl Phase {
    /// All phases in order.
    pub const ALL: [Phase; 5] = [
        Phase::Setup,
        Phase::Lengthen,
        Phase::Fold,
        Phase::Hold,
        Phase::Release,
    ];
}

/// Durations of the Janusirsasana phases, seconds (the hold is [`Segment::hold_s`]).
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct PhaseDurations {
    /// Drawing the bent leg in and placing the foot. Default 5 s: an unhurried
    /// bend of the knee and placing of the sole.
    pub setup_s: f64,
    /// The lengthening inhale. Default 3 s: one slow inhale.
    pub lengthen_s: f64,
    /// The folding exhale. Default 5 s: one long exhale ("let the exhale guide
    /// the descent", reference A).
    pub fold_s: f64,
    /// Coming up on an inhale. Default 4 s ("release slowly", reference A).
    pub release_s: f64,
}

impl Default for PhaseDurations {
    fn default() -> Self {
        Self {
            setup_s: 5.0,
            lengthen_s: 3.0,
            fold_s: 5.0,
            release_s: 4.0,
        }
    }
}

/// Where the bent leg's foot rests.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case", tag = "at")]
pub enum FootPlacement {
    /// Sole against the inner thigh of the extended leg, its centre `along` of the
    /// way from the hip to the knee (0 = groin, 1 = knee). This is the pose.
    InnerThigh {
        /// Fraction of the extended thigh's length from the hip.
        along: f64,
    },
    /// Tucked under the extended leg's thigh.
    UnderThigh,
    /// Sole against the extended knee instead of the thigh.
    AgainstKnee,
    /// Not touching: the sole is `gap_m` metres away from the inner thigh.
    Away {
        /// Gap between sole and thigh, metres.
        gap_m: f64,
    },
}

/// Form of a head-to-knee pose: the angles a teacher watches.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct Form {
    /// How far to fold, 0 (sitting tall) to 1 (chest on the thigh, forehead on
    /// the knee). Default 0.6: an intermediate practitioner's fold.
    pub fold_depth: f64,
    /// Extended knee flexion in degrees; negative is hyperextension. Default 2: a
    /// straight but unlocked knee ("keep the knee micro-bent if needed", ref. A).
    pub extended_knee_flexion_deg: f64,
    /// Extended ankle dorsiflexion in degrees. Default 10: toes pointing up, foot
    /// active (reference A: dorsiflexion in the extended leg).
    pub extended_ankle_dorsiflexion_deg: f64,
    /// Extended hip external rotation in degrees (toes turning out). Default 0:
    /// knee cap and toes point up.
    pub extended_leg_rotation_deg: f64,
    /// Where the bent foot rests. Default: sole on the inner thigh at 0.45 of the
    /// thigh, which makes the bent knee flex about 150 degrees.
    pub bent_foot: FootPlacement,
    /// Preferred opening of the bent thigh from the forward direction, degrees,
    /// seen from above. Default 80: "open the knee outwards without forcing".
    /// The knee goes as near this as the foot placement allows.
    pub bent_knee_opening_deg: f64,
    /// Preferred lift of the bent knee above the floor plane, degrees. Default 12:
    /// a knee that is open but not pressed to the floor.
    pub bent_knee_lift_deg: f64,
    /// How far the hands go along the extended leg when folded. Default
    /// [`Reach::Ankle`]: what a 0.6 fold reaches with soft elbows.
    pub reach: Reach,
    /// Shoulder protraction when folded, degrees. Default 12: shoulders reach
    /// forward with the arms without hunching (reference A).
    pub shoulder_protraction_deg: f64,
}

impl Default for Form {
    fn default() -> Self {
        Self {
            fold_depth: 0.6,
            extended_knee_flexion_deg: 2.0,
            extended_ankle_dorsiflexion_deg: 10.0,
            extended_leg_rotation_deg: 0.0,
            bent_foot: FootPlacement::InnerThigh { along: 0.45 },
            bent_knee_opening_deg: 80.0,
            bent_knee_lift_deg: 12.0,
            reach: Reach::Ankle,
            shoulder_protraction_deg: 12.0,
        }
    }
}

/// The mistakes a teacher looks for: the six of reference A's "Common Mistakes"
/// and four more (foot placement, the extended foot rolling out, holding the
/// breath, a hold far outside the guidance).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Mistake {
    /// Collapsing the spine instead of hinging at the hips: the pelvis stays
    /// tilted back (little hip flexion) and the thoracic spine rounds a lot.
    /// Magnitude: degrees of hip hinge replaced by rounding (default 20).
    CollapsedSpine,
    /// Rounding the lower back and forcing the head to the knee: large lumbar
    /// flexion, neck flexed, head pulled down. Magnitude: extra lumbar flexion
    /// in degrees (default 25; the neck flexes 1.4 times as much).
    RoundedBackHeadForced,
    /// The pelvis twisting unevenly: turned towards the extended leg with the bent
    /// leg's hip lifted. Magnitude: pelvis yaw in degrees (default 15; obliquity
    /// is half of it, lifting the bent-leg hip).
    PelvisTwisted,
    /// Locking the extended knee: hyperextended. Magnitude: degrees of
    /// hyperextension (default 8).
    LockedKnee,
    /// Pulling on the foot and straining the shoulders: shoulders elevated towards
    /// the ears, elbows locked straight, hands on the foot. Magnitude: shoulder
    /// girdle elevation in degrees (default 22, about 6 cm of shrug).
    ShoulderStrain,
    /// Forcing the bent leg's external rotation: knee pressed down and open, heel
    /// pulled into the groin, foot sickled. Magnitude: degrees the knee is pushed
    /// open and down beyond the clean pose (default 20; the foot inverts 25 deg).
    ForcedBentLegRotation,
    /// The bent foot not against the inner thigh. Magnitude: metres the foot is
    /// placed further out from the thigh (default 0.25).
    BentFootMisplaced,
    /// The extended foot rolling out: leg externally rotated, foot inverted.
    /// Magnitude: external rotation in degrees (default 35; inversion a third).
    ExtendedFootRolledOut,
    /// Holding the breath while folded: the torso's breathing motion stops.
    /// Magnitude: seconds (default 12).
    BreathHeld,
    /// A hold far shorter than the guidance (10-20 breaths, ref. A; a few seconds
    /// to a minute, ref. B). Magnitude: hold seconds (default 4).
    HoldTooShort,
    /// A hold far longer than the guidance. Magnitude: hold seconds (default 300).
    HoldTooLong,
}

impl Mistake {
    /// Every mistake, in a fixed order.
    pub const ALL: [Mistake; 11] = [
        Mistake::CollapsedSpine,
        Mistake::RoundedBackHeadForced,
        Mistake::PelvisTwisted,
        Mistake::LockedKnee,
        Mistake::ShoulderStrain,
        Mistake::ForcedBentLegRotation,
        Mistake::BentFootMisplaced,
        Mistake::ExtendedFootRolledOut,
        Mistake::BreathHeld,
        Mistake::HoldTooShort,
        Mistake::HoldTooLong,
    ];

    /// Whether the mistake is seen on the bent leg, which the folded trunk
    /// hides from the extended foot's front-diagonal.
    pub const fn is_on_bent_leg(self) -> bool {
        matches!(self, Self::ForcedBentLegRotation | Self::BentFootMisplaced)
    }

    /// The magnitude used when none is given (see each variant).
    pub const fn default_magnitude(self) -> f64 {
        match self {
            Self::CollapsedSpine => 20.0,
            Self::RoundedBackHeadForced => 25.0,
            Self::PelvisTwisted => 15.0,
            Self::LockedKnee => 8.0,
            Self::ShoulderStrain => 22.0,
            Self::ForcedBentLegRotation => 30.0,
            Self::BentFootMisplaced => 0.25,
            Self::ExtendedFootRolledOut => 35.0,
            Self::BreathHeld => 12.0,
            Self::HoldTooShort => 4.0,
            Self::HoldTooLong => 300.0,
        }
    }

    /// Unit of the magnitude: `deg`, `m` or `s`.
    pub const fn unit(self) -> &'static str {
        match self {
            Self::BentFootMisplaced => "m",
            Self::BreathHeld | Self::HoldTooShort | Self::HoldTooLong => "s",
            _ => "deg",
        }
    }

    /// Whether the mistake changes the posture (rather than the breath or timing).
    pub const fn is_kinematic(self) -> bool {
        !matches!(
            self,
            Self::BreathHeld | Self::HoldTooShort | Self::HoldTooLong
        )
    }

    /// The snake-case name.
    pub const fn as_str(self) -> &'static str {
        match self {
            Self::CollapsedSpine => "collapsed_spine",
            Self::RoundedBackHeadForced => "rounded_back_head_forced",
            Self::PelvisTwisted => "pelvis_twisted",
            Self::LockedKnee => "locked_knee",
            Self::ShoulderStrain => "shoulder_strain",
            Self::ForcedBentLegRotation => "forced_bent_leg_rotation",
            Self::BentFootMisplaced => "bent_foot_misplaced",
            Self::ExtendedFootRolledOut => "extended_foot_rolled_out",
            Self::BreathHeld => "breath_held",
            Self::HoldTooShort => "hold_too_short",
            Self::HoldTooLong => "hold_too_long",
        }
    }
}

/// A mistake planted in a Janusirsasana segment.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct PlantedMistake {
    /// Which mistake.
    pub mistake: Mistake,
    /// How strong (unit: [`Mistake::unit`]).
    pub magnitude: f64,
    /// Seconds from the start of the hold when it begins and ends; `None` for the
    /// default: posture mistakes come in during the fold and leave during the
    /// release (a misplaced foot from the setup to the end of the segment), a held
    /// breath starts 10 s into the hold.
    #[serde(default)]
    pub window: Option<(f64, f64)>,
}

impl PlantedMistake {
    /// The mistake at its default magnitude and timing.
    pub const fn new(mistake: Mistake) -> Self {
        Self {
            mistake,
            magnitude: mistake.default_magnitude(),
            window: None,
        }
    }

    /// The same with another magnitude.
    pub const fn magnitude(mut self, magnitude: f64) -> Self {
        self.magnitude = magnitude;
        self
    }

    /// The same, present only from `start_s` to `end_s` after the hold begins.
    pub const fn during(mut self, start_s: f64, end_s: f64) -> Self {
        self.window = Some((start_s, end_s));
        self
    }
}

/// The breath: a smooth periodic rise and fall of the ribcage.
///
/// Physically, an inhale extends the thoracic and lumbar spine a little (the back
/// lifts, most visibly when folded) and elevates the shoulder girdle (the upper
/// ribs and clavicles rise); the exhale lets both drop. The breath level goes from
/// 0 (breathed out) to 1 (breathed in) along a half-cosine in each half-breath.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct Breath {
    /// Breaths per minute. Default 10: a calm yogic breath; 10-20 breaths at this
    /// rate is the 1-2 minute hold of reference A.
    pub rate_bpm: f64,
    /// Spinal extension at full inhale, degrees (70 % thoracic, 30 % lumbar).
    /// Default 3: moves the shoulders 5-10 mm, a visible but small motion (the
    /// back's rise that a hand on a folded student's back feels).
    pub amplitude_deg: f64,
    /// Shoulder girdle elevation at full inhale, degrees. Default 2.5 (~7 mm).
    pub shoulder_rise_deg: f64,
    /// Fraction of each breath spent inhaling. Default 0.4: quiet breathing has a
    /// shorter inhale than exhale (I:E about 1:1.5).
    pub inhale_fraction: f64,
    /// Breath-to-breath variation of the period (standard deviation as a fraction
    /// of the period). Default 0.05: relaxed breathing varies a few per cent.
    pub variability: f64,
}

impl Default for Breath {
    fn default() -> Self {
        Self {
            rate_bpm: 10.0,
            amplitude_deg: 3.0,
            shoulder_rise_deg: 2.5,
            inhale_fraction: 0.4,
            variability: 0.05,
        }
    }
}

/// Measurement noise, as a pose estimator adds it.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct Noise {
    /// Gaussian jitter of image x and y, pixels (standard deviation). Default 2:
    /// a landmark model's frame-to-frame jitter on a still person, 720p.
    pub pixel_sigma: f64,
    /// Gaussian jitter of relative depth z, in pixels of the same scale as x.
    /// Default 6: estimated depth is much noisier than x and y.
    pub depth_sigma_px: f64,
    /// Gaussian jitter of world coordinates, metres. Default 0.008.
    pub world_sigma_m: f64,
    /// Jitter multiplier for hidden points (a model guesses them). Default 3.
    pub hidden_noise_factor: f64,
    /// Frame-to-frame correlation of the jitter (AR(1) coefficient, 0..1).
    /// Default 0.3: estimator jitter is partly smooth over time.
    pub correlation: f64,
    /// Probability that one landmark is missing (written as null). Default 0.005.
    pub landmark_dropout: f64,
    /// Probability that nobody is found in a frame. Default 0.003.
    pub frame_dropout: f64,
    /// Gaussian jitter of visibility (clamped to 0..1). Default 0.04.
    pub visibility_jitter: f64,
}

impl Default for Noise {
    fn default() -> Self {
        Self {
            pixel_sigma: 2.0,
            depth_sigma_px: 6.0,
            world_sigma_m: 0.008,
            hidden_noise_factor: 3.0,
            correlation: 0.3,
            landmark_dropout: 0.005,
            frame_dropout: 0.003,
            visibility_jitter: 0.04,
        }
    }
}

impl Noise {
    /// No noise at all: exact landmarks, every frame, every point.
    pub const NONE: Noise = Noise {
        pixel_sigma: 0.0,
        depth_sigma_px: 0.0,
        world_sigma_m: 0.0,
        hidden_noise_factor: 1.0,
        correlation: 0.0,
        landmark_dropout: 0.0,
        frame_dropout: 0.0,
        visibility_jitter: 0.0,
    };
}

/// One pose on the timeline.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct Segment {
    /// Which pose.
    pub pose: PoseName,
    /// The side: the extended leg for the head-to-knee poses, the side the trunk
    /// turns to in Ardha Matsyendrasana; ignored by the symmetric poses.
    pub side: Side,
    /// Seconds to move from the previous segment's end into this pose (for the
    /// first segment: from Dandasana). Default 4.
    pub transition_s: f64,
    /// Seconds held: the hold phase of Janusirsasana, the whole stay otherwise.
    /// Default 60: 10 breaths at 10 per minute (reference A: 10-20 breaths;
    /// reference B: a few seconds to a minute).
    pub hold_s: f64,
    /// Form of the pose (used by Janusirsasana fully; by the other poses for fold
    /// depth where they fold).
    pub form: Form,
    /// Janusirsasana phase durations.
    pub phases: PhaseDurations,
    /// Mistakes planted in this segment (Janusirsasana only).
    pub mistakes: Vec<PlantedMistake>,
    /// A breath for this segment instead of the scenario's.
    pub breath: Option<Breath>,
}

impl Default for Segment {
    fn default() -> Self {
        Self {
            pose: PoseName::Dandasana,
            side: Side::Left,
            transition_s: 4.0,
            hold_s: 60.0,
            form: Form::default(),
            phases: PhaseDurations::default(),
            mistakes: Vec::new(),
            breath: None,
        }
    }
}

impl Segment {
    /// Janusirsasana with `extended_leg` extended, default form and timing.
    pub fn janusirsasana(extended_leg: Side) -> Self {
        Self {
            pose: PoseName::Janusirsasana,
            side: extended_leg,
            ..Self::default()
        }
    }

    /// Any pose held for `hold_s` seconds with its default form. Neighbour poses
    /// that fold use their own default depth (see the crate documentation).
    pub fn held(pose: PoseName, side: Side, hold_s: f64) -> Self {
        let mut form = Form::default();
        form.fold_depth = match pose {
            PoseName::Paschimottanasana => 0.7,
            PoseName::UpavisthaKonasana => 0.5,
            _ => form.fold_depth,
        };
        Self {
            pose,
            side,
            hold_s,
            form,
            ..Self::default()
        }
    }

    /// The same with another hold time.
    pub fn hold(mut self, hold_s: f64) -> Self {
        self.hold_s = hold_s;
        self
    }

    /// The same with another fold depth (0..1).
    pub fn depth(mut self, fold_depth: f64) -> Self {
        self.form.fold_depth = fold_depth;
        self
    }

    /// The same with another transition time.
    pub fn transition(mut self, transition_s: f64) -> Self {
        self.transition_s = transition_s;
        self
    }

    /// The same with a mistake planted at its default magnitude and timing.
    pub fn with(self, mistake: Mistake) -> Self {
        self.with_planted(PlantedMistake::new(mistake))
    }

    /// The same with a planted mistake.
    pub fn with_planted(mut self, planted: PlantedMistake) -> Self {
        self.mistakes.push(planted);
        self
    }

    /// The same with its own breath.
    pub fn breath(mut self, breath: Breath) -> Self {
        self.breath = Some(breath);
        self
    }

    /// Duration of the segment after its transition, seconds.
    pub fn body_duration(&self) -> f64 {
        self.hold_duration()
            + if self.pose == PoseName::Janusirsasana {
                let p = self.phases;
                p.setup_s + p.lengthen_s + p.fold_s + p.release_s
            } else {
                0.0
            }
    }

    /// The hold actually used: a planted hold-time mistake overrides `hold_s`.
    pub fn hold_duration(&self) -> f64 {
        self.mistakes
            .iter()
            .rev()
            .find(|m| matches!(m.mistake, Mistake::HoldTooShort | Mistake::HoldTooLong))
            .map_or(self.hold_s, |m| m.magnitude)
    }
}

/// A whole generated recording: who, seen how, doing what.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct Scenario {
    /// A name for the files and the truth.
    pub name: String,
    /// Seed of every random choice (noise, dropouts, breath timing, sway).
    pub seed: u64,
    /// Frames per second. Default 30: a webcam.
    pub fps: f64,
    /// The person.
    pub body: Body,
    /// The camera.
    pub camera: Camera,
    /// The breath (segments may override it).
    pub breath: Breath,
    /// The estimator's noise.
    pub noise: Noise,
    /// Slow postural sway while holding, degrees (trunk side-bend and flexion,
    /// each a sum of slow sines below 0.06 Hz, well under breathing rates).
    /// Default 0.4: nobody holds perfectly still.
    pub sway_deg: f64,
    /// Seconds of Dandasana before the first segment's transition. Default 3.
    pub lead_in_s: f64,
    /// The poses, in order.
    pub segments: Vec<Segment>,
}

impl Default for Scenario {
    fn default() -> Self {
        Self {
            name: "scenario".to_string(),
            seed: 1,
            fps: 30.0,
            body: Body::default(),
            camera: Camera::default(),
            breath: Breath::default(),
            noise: Noise::default(),
            sway_deg: 0.4,
            lead_in_s: 3.0,
            segments: Vec::new(),
        }
    }
}

impl Scenario {
    /// A scenario with these segments and otherwise defaults.
    pub fn new(name: &str, seed: u64, segments: Vec<Segment>) -> Self {
        Self {
            name: name.to_string(),
            seed,
            segments,
            ..Self::default()
        }
    }

    /// The same seen by another camera.
    pub fn camera(mut self, camera: Camera) -> Self {
        self.camera = camera;
        self
    }

    /// The same with other noise.
    pub fn noise(mut self, noise: Noise) -> Self {
        self.noise = noise;
        self
    }

    /// The same at another frame rate.
    pub fn fps(mut self, fps: f64) -> Self {
        self.fps = fps;
        self
    }

    /// Total duration in seconds.
    pub fn duration(&self) -> f64 {
        self.lead_in_s
            + self
                .segments
                .iter()
                .map(|s| s.transition_s + s.body_duration())
                .sum::<f64>()
    }

    /// Check every parameter.
    ///
    /// # Errors
    /// [`SynthError::Invalid`] naming the first bad parameter.
    pub fn validate(&self) -> Result<(), SynthError> {
        let bad = |what: String| Err(SynthError::Invalid(what));
        let finite_pos = |v: f64| v.is_finite() && v > 0.0;
        let finite_nonneg = |v: f64| v.is_finite() && v >= 0.0;
        let prob = |v: f64| v.is_finite() && (0.0..=1.0).contains(&v);
        if self.segments.is_empty() {
            return bad("the scenario has no segments".into());
        }
        if !finite_pos(self.fps) || self.fps > 1000.0 {
            return bad(format!("fps {} must be above 0 and at most 1000", self.fps));
        }
        if !(self.body.height_m.is_finite() && (1.0..=2.3).contains(&self.body.height_m)) {
            return bad(format!(
                "body height {} m must be 1.0..2.3",
                self.body.height_m
            ));
        }
        if !finite_nonneg(self.lead_in_s) {
            return bad(format!("lead_in_s {} must be >= 0", self.lead_in_s));
        }
        if !finite_nonneg(self.sway_deg) || self.sway_deg > 10.0 {
            return bad(format!("sway_deg {} must be 0..10", self.sway_deg));
        }
        self.camera.validate()?;
        let n = &self.noise;
        for (name, v) in [
            ("pixel_sigma", n.pixel_sigma),
            ("depth_sigma_px", n.depth_sigma_px),
            ("world_sigma_m", n.world_sigma_m),
            ("hidden_noise_factor", n.hidden_noise_factor),
            ("visibility_jitter", n.visibility_jitter),
        ] {
            if !finite_nonneg(v) {
                return bad(format!("noise {name} {v} must be a number >= 0"));
            }
        }
        for (name, v) in [
            ("correlation", n.correlation),
            ("landmark_dropout", n.landmark_dropout),
            ("frame_dropout", n.frame_dropout),
        ] {
            if !prob(v) || (name == "correlation" && v >= 1.0) {
                return bad(format!("noise {name} {v} must be in 0..1"));
            }
        }
        validate_breath(&self.breath, "scenario")?;
        for (i, s) in self.segments.iter().enumerate() {
            let at = format!("segment {i} ({})", s.pose);
            if !s.pose.is_pose() {
                return bad(format!(
                    "{at}: `{}` names no pose; a body is drawn only in a named pose",
                    s.pose
                ));
            }
            if let Some(b) = &s.breath {
                validate_breath(b, &at)?;
            }
            if !finite_nonneg(s.transition_s) || !finite_nonneg(s.hold_s) {
                return bad(format!("{at}: transition and hold times must be >= 0"));
            }
            let p = s.phases;
            for (name, v) in [
                ("setup_s", p.setup_s),
                ("lengthen_s", p.lengthen_s),
                ("fold_s", p.fold_s),
                ("release_s", p.release_s),
            ] {
                if !finite_pos(v) {
                    return bad(format!("{at}: phase {name} {v} must be above 0"));
                }
            }
            let f = s.form;
            if !(f.fold_depth.is_finite() && (0.0..=1.0).contains(&f.fold_depth)) {
                return bad(format!("{at}: fold_depth {} must be 0..1", f.fold_depth));
            }
            for (name, v, lo, hi) in [
                (
                    "extended_knee_flexion_deg",
                    f.extended_knee_flexion_deg,
                    -20.0,
                    60.0,
                ),
                (
                    "extended_ankle_dorsiflexion_deg",
                    f.extended_ankle_dorsiflexion_deg,
                    -50.0,
                    30.0,
                ),
                (
                    "extended_leg_rotation_deg",
                    f.extended_leg_rotation_deg,
                    -45.0,
                    60.0,
                ),
                ("bent_knee_opening_deg", f.bent_knee_opening_deg, 0.0, 150.0),
                ("bent_knee_lift_deg", f.bent_knee_lift_deg, -30.0, 80.0),
                (
                    "shoulder_protraction_deg",
                    f.shoulder_protraction_deg,
                    -20.0,
                    40.0,
                ),
            ] {
                if !(v.is_finite() && (lo..=hi).contains(&v)) {
                    return bad(format!("{at}: {name} {v} must be {lo}..{hi}"));
                }
            }
            match f.bent_foot {
                FootPlacement::InnerThigh { along }
                    if !(along.is_finite() && (0.1..=1.0).contains(&along)) =>
                {
                    return bad(format!("{at}: bent foot `along` {along} must be 0.1..1"));
                }
                FootPlacement::Away { gap_m }
                    if !(gap_m.is_finite() && (0.0..=0.6).contains(&gap_m)) =>
                {
                    return bad(format!("{at}: bent foot gap {gap_m} m must be 0..0.6"));
                }
                _ => {}
            }
            if !s.mistakes.is_empty() && s.pose != PoseName::Janusirsasana {
                return bad(format!(
                    "{at}: mistakes can only be planted in janusirsasana"
                ));
            }
            for m in &s.mistakes {
                let (lo, hi) = match m.mistake {
                    Mistake::BentFootMisplaced => (0.0, 0.6),
                    Mistake::BreathHeld | Mistake::HoldTooShort | Mistake::HoldTooLong => {
                        (0.0, 3600.0)
                    }
                    _ => (0.0, 60.0),
                };
                if !(m.magnitude.is_finite() && (lo..=hi).contains(&m.magnitude)) {
                    return bad(format!(
                        "{at}: {} magnitude {} must be {lo}..{hi} {}",
                        m.mistake.as_str(),
                        m.magnitude,
                        m.mistake.unit()
                    ));
                }
                if let Some((a, b)) = m.window {
                    if a >= s.hold_duration() {
                        return bad(format!(
                            "{at}: {} window starts at {a} s, after the {} s hold",
                            m.mistake.as_str(),
                            s.hold_duration()
                        ));
                    }
                    if !(a.is_finite() && b.is_finite() && 0.0 <= a && a < b) {
                        return bad(format!(
                            "{at}: {} window {a}..{b} must satisfy 0 <= start < end",
                            m.mistake.as_str()
                        ));
                    }
                }
            }
        }
        if self.duration() > 4.0 * 3600.0 {
            return bad(format!(
                "the scenario lasts {:.0} s; at most 4 hours",
                self.duration()
            ));
        }
        Ok(())
    }
}

fn validate_breath(b: &Breath, at: &str) -> Result<(), SynthError> {
    let ok = b.rate_bpm.is_finite()
        && (2.0..=40.0).contains(&b.rate_bpm)
        && b.amplitude_deg.is_finite()
        && (0.0..=15.0).contains(&b.amplitude_deg)
        && b.shoulder_rise_deg.is_finite()
        && (0.0..=15.0).contains(&b.shoulder_rise_deg)
        && b.inhale_fraction.is_finite()
        && (0.2..=0.8).contains(&b.inhale_fraction)
        && b.variability.is_finite()
        && (0.0..=0.3).contains(&b.variability);
    if ok {
        Ok(())
    } else {
        Err(SynthError::Invalid(format!(
            "{at}: breath needs rate 2..40 per minute, amplitude and shoulder rise 0..15 deg, \
             inhale fraction 0.2..0.8, variability 0..0.3 (got {b:?})"
        )))
    }
}
