//! Which pose a frame shows, and which leg is extended.
//!
//! The call is made by boosted trees ([`crate::trees`]) over the picture-plane
//! measures of [`crate::measures`], fitted on real people: BlazePose landmarks of
//! 957 Yoga-82 photos, the MediaPipe and MoveNet tables of 374 more, plus a
//! share of generated sessions (`janu-eval fit`; cross-validated figures, split
//! by picture, in BENCHMARKS.md and in the model's own provenance). Every
//! landmark is used whatever its visibility: a point the model barely sees is
//! still evidence, and the fit learned how far to trust each measure.
//!
//! The trees give each pose a probability. The best pose is called when it is
//! probable enough; Janusirsasana needs more ([`JANU_MIN_PROBABILITY`]), because
//! calling a neighbour pose Janusirsasana is the mistake users notice most.
//! Below [`MIN_CALL_PROBABILITY`] the frame is `other`, marked unsure, with the
//! reason in words (what the picture lacks, where to put the camera).
//!
//! The extended leg is the leg whose knee is the more open in the picture; how
//! sure that is grows with the difference between the two knees.

use std::sync::OnceLock;

use janu_body::{Landmark, Side};

use crate::body::{Body, MIN_VISIBILITY};
use crate::measures::PlaneMeasures;
use crate::pose_name::PoseName;
use crate::trees::Boosted;

/// The fitted model, remade by `cargo run --release -p janu-eval -- fit`.
pub const MODEL_JSON: &str = include_str!("../data/recognition.json");

/// Least probability for a Janusirsasana call. Swept cross-validated on the
/// real tables (`janu-eval sweep`, BENCHMARKS.md): at 0.6, 2.8 % of the 855
/// neighbour skeletons (24), 1.2 % of the MediaPipe and 1.9 % of the MoveNet
/// neighbour rows are called Janusirsasana, against 5.1 %, 2.4 % and 2.6 % at
/// 0.4, for 0.06 less recall on the skeletons and 0.04 on the tables. 0.58
/// keeps one more MoveNet row of the pose but calls 3.3 % of the skeletons;
/// above 0.64 the MoveNet rows lose recall, and a photo's probability,
/// averaged over several looks, is flattened (the recognised photos of the
/// pose sit at 0.62-0.85).
pub const JANU_MIN_PROBABILITY: f32 = 0.6;

/// Least probability for any call: below it no pose is more likely than the
/// others together with room to spare, and the frame is `other`, unsure.
pub const MIN_CALL_PROBABILITY: f32 = 0.4;

/// Knee angle difference (degrees) between the legs at or below which the
/// extended leg is a guess (confidence 0.5): two knees this alike in the picture
/// do not say which is straight.
pub const SIDE_UNSURE_DEG: f32 = 10.0;

/// Knee angle difference at or above which the extended leg is sure: the bent
/// knee of Janusirsasana measures 25-75 degrees on the real tables, the
/// straight one 160-180, so a real pose differs by far more than this.
pub const SIDE_SURE_DEG: f32 = 60.0;

/// A knee at least this far below its hip (thigh lengths, world landmarks)
/// with the hip this open ([`STANDING_HIP_DEG`]) on both legs is standing or
/// kneeling upright, not any seated pose.
pub const STANDING_KNEE_DROP: f32 = 0.85;

/// Trunk-to-thigh angle (degrees) at or above which a hip is open as in
/// standing (sitting flexes it to 90 or less, a fold to 20-60).
pub const STANDING_HIP_DEG: f32 = 150.0;

/// People whose landmarks span less than this share of the picture's diagonal
/// are small in it; their landmarks are coarse.
pub const SMALL_PERSON_SHARE: f32 = 0.2;

/// The shipped model.
///
/// # Panics
/// If the embedded model does not parse (a test checks that it does).
pub fn model() -> &'static Boosted {
    static MODEL: OnceLock<Boosted> = OnceLock::new();
    MODEL.get_or_init(|| Boosted::from_json(MODEL_JSON).expect("the embedded model is valid"))
}

/// A linear degree of truth: 0 at `none`, 1 at `full` (either order), clamped.
pub fn ramp(x: f32, none: f32, full: f32) -> f32 {
    if (full - none).abs() < f32::EPSILON {
        return if x >= full { 1.0 } else { 0.0 };
    }
    ((x - none) / (full - none)).clamp(0.0, 1.0)
}

/// The recognition of one frame.
#[derive(Debug, Clone, PartialEq)]
pub struct Recognition {
    /// The pose.
    pub name: PoseName,
    /// The extended leg, for Janusirsasana and its revolved form.
    pub extended_leg: Option<Side>,
    /// How sure of the extended leg, 0.5 (a guess) to 1.
    pub side_confidence: Option<f32>,
    /// How sure of the pose, 0..1 (its probability).
    pub confidence: f32,
    /// The most likely other pose and its probability.
    pub runner_up: Option<(PoseName, f32)>,
    /// A leg the estimator could barely see (knee and ankle below
    /// [`MIN_VISIBILITY`]) where it matters: the bent leg of a Janusirsasana
    /// call, or one leg of a straight-legged call, which may then be
    /// Janusirsasana with that leg bent out of sight.
    pub hidden_leg: Option<Side>,
    /// True when the call rests on less than it needs (a leg hidden, or no pose
    /// probable enough); a video may join such frames to the pose around them.
    pub ambiguous: bool,
    /// The measures behind the call, in words.
    pub reasons: Vec<String>,
    /// When the frame could not be judged: why, and what to change, in words.
    pub unsure: Option<String>,
}

impl Recognition {
    /// The recognition of an empty frame.
    pub fn nobody() -> Self {
        Self {
            name: PoseName::Nobody,
            extended_leg: None,
            side_confidence: None,
            confidence: 1.0,
            runner_up: None,
            hidden_leg: None,
            ambiguous: false,
            reasons: vec!["no person in the frame".into()],
            unsure: None,
        }
    }

    fn unsure(why: String, reasons: Vec<String>) -> Self {
        Self {
            name: PoseName::Other,
            extended_leg: None,
            side_confidence: None,
            confidence: 0.0,
            runner_up: None,
            hidden_leg: None,
            ambiguous: true,
            reasons,
            unsure: Some(why),
        }
    }
}

/// Recognise the pose of one body with the shipped model.
pub fn recognize(body: &Body) -> Recognition {
    recognize_with(model(), body)
}

/// The classes of the shipped model as pose names, in model order; `None` for
/// a class name Janu does not know.
fn class_names(model: &Boosted) -> Vec<Option<PoseName>> {
    model.classes.iter().map(|c| c.parse().ok()).collect()
}

/// Recognise the pose of one body with `model` (cross-validation passes
/// models fitted without the body's picture).
pub fn recognize_with(model: &Boosted, body: &Body) -> Recognition {
    let Some(m) = body.plane.as_ref() else {
        return Recognition::unsure(
            format!(
                "The hips and thighs are not in the picture, and every seated pose is told by the legs. {WHOLE_BODY_ADVICE}"
            ),
            Vec::new(),
        );
    };
    let reasons = reasons(m);
    if standing(body) {
        let mut r = Recognition::unsure(
            "You seem to be standing or kneeling upright, not seated.".into(),
            reasons,
        );
        r.ambiguous = false;
        r.confidence = 0.9;
        return r;
    }
    recognize_from(model, body, m, reasons, &model.probabilities(&m.values))
}

/// The call for `body` given each pose's probability `p` (in model order).
fn recognize_from(
    model: &Boosted,
    body: &Body,
    m: &PlaneMeasures,
    reasons: Vec<String>,
    p: &[f32],
) -> Recognition {
    let names = class_names(model);
    let mut order: Vec<usize> = (0..p.len()).filter(|i| names[*i].is_some()).collect();
    order.sort_by(|a, b| p[*b].total_cmp(&p[*a]));
    let Some((&best, rest)) = order.split_first() else {
        return Recognition::unsure("The recognition model knows no pose.".into(), reasons);
    };
    let (Some(best_name), best_p) = (names[best], p[best]) else {
        return Recognition::unsure("The recognition model knows no pose.".into(), reasons);
    };
    let runner_up = rest.first().and_then(|i| names[*i].map(|n| (n, p[*i])));
    let needed = if best_name == PoseName::Janusirsasana {
        JANU_MIN_PROBABILITY
    } else {
        MIN_CALL_PROBABILITY
    };
    let knee_gap = match (m.get("straight_knee_deg"), m.get("bent_knee_deg")) {
        (Some(s), Some(b)) => s - b,
        _ => 0.0,
    };
    let side_confidence = 0.5 + 0.5 * ramp(knee_gap, SIDE_UNSURE_DEG, SIDE_SURE_DEG);
    let hidden = poorly_seen_leg(body, m);
    if best_p < needed {
        let mut r = Recognition::unsure(unsure_why(body, m, best_name, best_p, runner_up), reasons);
        r.confidence = 1.0 - best_p;
        r.runner_up = Some((best_name, best_p));
        // A straight-legged guess with one leg out of sight may be the pose.
        r.hidden_leg = hidden.filter(|_| {
            matches!(
                best_name,
                PoseName::Janusirsasana | PoseName::Paschimottanasana | PoseName::Dandasana
            )
        });
        return r;
    }
    let has_leg = best_name.has_extended_leg();
    let hidden_leg = match best_name {
        PoseName::Janusirsasana => hidden.filter(|h| *h == m.straight_leg.other()),
        PoseName::Paschimottanasana | PoseName::Dandasana => hidden,
        _ => None,
    };
    Recognition {
        name: best_name,
        extended_leg: has_leg.then_some(m.straight_leg),
        side_confidence: has_leg.then_some(side_confidence),
        confidence: best_p,
        runner_up,
        hidden_leg,
        ambiguous: hidden_leg.is_some(),
        reasons,
        unsure: None,
    }
}

/// Advice when part of the body is out of the picture.
pub const WHOLE_BODY_ADVICE: &str = "Keep your whole body in the picture, from the head to both feet, with a little room around it.";

/// Why no pose is probable enough, in words, with what to change.
fn unsure_why(
    body: &Body,
    m: &PlaneMeasures,
    best: PoseName,
    best_p: f32,
    runner_up: Option<(PoseName, f32)>,
) -> String {
    let mut causes: Vec<String> = Vec::new();
    let missing: Vec<&str> = [
        (Landmark::Nose, "the head"),
        (Landmark::LeftShoulder, "the left shoulder"),
        (Landmark::RightShoulder, "the right shoulder"),
        (Landmark::LeftKnee, "the left knee"),
        (Landmark::RightKnee, "the right knee"),
        (Landmark::LeftAnkle, "the left foot"),
        (Landmark::RightAnkle, "the right foot"),
    ]
    .into_iter()
    .filter(|(lm, _)| !body.has_landmark(*lm))
    .map(|(_, w)| w)
    .collect();
    if !missing.is_empty() {
        causes.push(format!("{} could not be found", join_words(&missing)));
    }
    if let Some(h) = poorly_seen_leg(body, m) {
        causes.push(format!("your {h} leg was barely visible"));
    }
    if body.picture_share().is_some_and(|s| s < SMALL_PERSON_SHARE) {
        causes.push("you are small in the picture".into());
    }
    let between = match runner_up {
        Some((other, q)) if q > 0.15 => format!(
            "It looks most like {} ({:.0} %), but also like {} ({:.0} %)",
            best.title(),
            best_p * 100.0,
            other.title(),
            q * 100.0
        ),
        _ => format!(
            "It looks most like {}, but only at {:.0} %",
            best.title(),
            best_p * 100.0
        ),
    };
    if causes.is_empty() {
        format!(
            "Janu could not tell which pose this is. {between}. {}",
            crate::session::CAMERA_ADVICE
        )
    } else {
        format!(
            "Janu could not tell which pose this is: {}. {between}. {} {}",
            causes.join("; "),
            crate::session::CAMERA_ADVICE,
            LIGHT_ADVICE
        )
    }
}

/// Advice on light, given with the causes of an unsure call.
pub const LIGHT_ADVICE: &str = "Light the room evenly from the front, and wear clothes that stand out from the floor and the wall.";

fn join_words(words: &[&str]) -> String {
    match words {
        [] => String::new(),
        [one] => (*one).to_string(),
        [init @ .., last] => format!("{} and {last}", init.join(", ")),
    }
}

/// The leg whose knee and ankle are both below [`MIN_VISIBILITY`] while the
/// other leg's are not both below it; with both or neither poorly seen, none.
fn poorly_seen_leg(body: &Body, m: &PlaneMeasures) -> Option<Side> {
    let poor = |s: Side| {
        body.visibility(s.knee()) < MIN_VISIBILITY && body.visibility(s.ankle()) < MIN_VISIBILITY
    };
    match (poor(m.straight_leg), poor(m.straight_leg.other())) {
        (false, true) => Some(m.straight_leg.other()),
        (true, false) => Some(m.straight_leg),
        _ => None,
    }
}

/// Standing or kneeling upright: both knees well below the hips and both hips
/// open, in world landmarks (the picture alone cannot tell a leg that points
/// down from one that points at the camera).
fn standing(body: &Body) -> bool {
    if body.basis != crate::body::Basis::World {
        return false;
    }
    Side::BOTH.into_iter().all(|s| {
        let (Some(h), Some(k), Some(sh), Some(hm)) = (
            body.any_point(s.hip()),
            body.any_point(s.knee()),
            body.shoulder_mid(),
            body.hip_mid(),
        ) else {
            return false;
        };
        let thigh = h.distance(k);
        let drop = (k - h).dot(-crate::body::UP) / thigh.max(f32::EPSILON);
        let hip = janu_body::geometry::angle_between_deg(sh - hm, k - h).unwrap_or(0.0);
        drop >= STANDING_KNEE_DROP && hip >= STANDING_HIP_DEG
    })
}

/// The pose one person seems to hold when seen several ways, and the view
/// that shows it best.
#[derive(Debug, Clone, PartialEq)]
pub struct ViewChoice {
    /// The view (an index into the bodies given).
    pub view: usize,
    /// The pose with the highest probability averaged over the views.
    pub pose: PoseName,
    /// That averaged probability.
    pub probability: f32,
    /// Every pose's averaged probability, in the shipped model's order.
    probabilities: Vec<f32>,
}

/// Recognise the body of the chosen view with the probabilities averaged over
/// all the views (see [`choose_view`]).
pub fn recognize_chosen(body: &Body, choice: &ViewChoice) -> Recognition {
    let Some(m) = body.plane.as_ref() else {
        return recognize(body);
    };
    recognize_from(model(), body, m, reasons(m), &choice.probabilities)
}

/// Choose among views of one person (a photo seen straight, turned upright and
/// mirrored): averaging each pose's probability over the views steadies a call
/// that one crop of a folded body gets wrong, and the view where the winning
/// pose is most probable is the one to measure. `None` when no view shows the
/// legs of a seated body.
pub fn choose_view(bodies: &[Option<&Body>]) -> Option<ViewChoice> {
    let m = model();
    let seen: Vec<(usize, Vec<f32>)> = bodies
        .iter()
        .enumerate()
        .filter_map(|(i, b)| {
            let b = (*b)?;
            let plane = b.plane.as_ref()?;
            (!standing(b)).then(|| (i, m.probabilities(&plane.values)))
        })
        .collect();
    let names = class_names(m);
    let (_, first) = seen.first()?;
    let mean: Vec<f32> = (0..first.len())
        .map(|c| seen.iter().map(|(_, p)| p[c]).sum::<f32>() / seen.len() as f32)
        .collect();
    let best = (0..mean.len())
        .filter(|c| names[*c].is_some())
        .max_by(|a, b| mean[*a].total_cmp(&mean[*b]))?;
    let (view, _) = seen.iter().max_by(|a, b| a.1[best].total_cmp(&b.1[best]))?;
    Some(ViewChoice {
        view: *view,
        pose: names[best]?,
        probability: mean[best],
        probabilities: mean,
    })
}

/// The measures behind a call, in plain words.
fn reasons(m: &PlaneMeasures) -> Vec<String> {
    let straight = m.straight_leg;
    let bent = straight.other();
    let flexion = |v: f32| (180.0 - v).max(0.0);
    let mut out = Vec::new();
    if let Some(k) = m.get("straight_knee_deg") {
        out.push(format!(
            "The straighter leg is the {straight}: its knee bends {:.0}° in the picture.",
            flexion(k)
        ));
    }
    if let Some(k) = m.get("bent_knee_deg") {
        out.push(format!(
            "The {bent} knee bends {:.0}° in the picture.",
            flexion(k)
        ));
    }
    if let Some(t) = m.get("thighs_deg") {
        out.push(format!("The thighs open {t:.0}° from each other."));
    }
    if let Some(a) = m.get("straight_hip_deg") {
        out.push(format!(
            "The trunk makes {a:.0}° with the {straight} thigh (90° sitting upright, smaller folding forward)."
        ));
    }
    if let Some(d) = m.get("bent_foot_to_straight_leg") {
        out.push(format!(
            "The {bent} foot is {:.0} % of a torso length from the {straight} leg.",
            d * 100.0
        ));
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_shipped_model_parses_and_names_known_poses() {
        let m = model();
        assert_eq!(m.features.len(), crate::measures::MEASURE_COUNT);
        for (f, name) in m.features.iter().zip(crate::measures::MEASURE_NAMES) {
            assert_eq!(f, name, "the model's measures are the measures");
        }
        assert!(
            class_names(m).iter().all(Option::is_some),
            "{:?}",
            m.classes
        );
        assert!(class_names(m).contains(&Some(PoseName::Janusirsasana)));
    }

    #[test]
    fn ramps() {
        assert_eq!(ramp(5.0, 10.0, 60.0), 0.0);
        assert_eq!(ramp(35.0, 10.0, 60.0), 0.5);
        assert_eq!(ramp(100.0, 60.0, 10.0), 0.0);
        assert_eq!(ramp(1.0, 1.0, 1.0), 1.0);
    }
}
