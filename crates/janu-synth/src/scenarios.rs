//! Ready-made scenarios.

use janu_body::Side;

use crate::body::Body;
use crate::camera::Camera;
use crate::rng::{Rng, Stream};
use crate::scenario::{Breath, Mistake, Noise, PoseName, Scenario, Segment};

/// Names accepted by [`by_name`] besides the mistakes' names.
pub const NAMES: [&str; 9] = [
    "clean",
    "practice",
    "varied",
    "neighbours",
    "side_hidden",
    "front",
    "diagonal",
    "mirrored",
    "noisy",
];

/// A whole practice of both sides with realistic timings: Dandasana, the left
/// side (hold 60 s at depth 0.6), Dandasana, the right side (a little tighter:
/// depth 0.5, hold 55 s), Dandasana. No mistakes; default camera (front-left
/// diagonal, fixed in the room) and noise.
pub fn clean_session(seed: u64) -> Scenario {
    Scenario::new(
        "clean",
        seed,
        vec![
            Segment::held(PoseName::Dandasana, Side::Left, 8.0),
            Segment::janusirsasana(Side::Left),
            Segment::held(PoseName::Dandasana, Side::Left, 8.0),
            Segment::janusirsasana(Side::Right).depth(0.5).hold(55.0),
            Segment::held(PoseName::Dandasana, Side::Left, 5.0),
        ],
    )
}

/// A whole practice in the order the references suggest: warm-ups (Dandasana,
/// Baddha Konasana), Janusirsasana on the left then the right, and follow-ups
/// (Paschimottanasana, Ardha Matsyendrasana to both sides, Upavistha Konasana).
/// No mistakes; about 6 minutes.
pub fn full_practice(seed: u64) -> Scenario {
    let held = |p: PoseName, side: Side, s: f64| Segment::held(p, side, s);
    Scenario::new(
        "practice",
        seed,
        vec![
            held(PoseName::Dandasana, Side::Left, 15.0),
            held(PoseName::BaddhaKonasana, Side::Left, 30.0),
            held(PoseName::Dandasana, Side::Left, 5.0),
            Segment::janusirsasana(Side::Left),
            held(PoseName::Dandasana, Side::Left, 5.0),
            Segment::janusirsasana(Side::Right).depth(0.5).hold(50.0),
            held(PoseName::Dandasana, Side::Left, 5.0),
            held(PoseName::Paschimottanasana, Side::Left, 40.0),
            held(PoseName::ArdhaMatsyendrasana, Side::Right, 25.0),
            held(PoseName::ArdhaMatsyendrasana, Side::Left, 25.0),
            held(PoseName::UpavisthaKonasana, Side::Left, 30.0),
        ],
    )
}

/// A different but realistic person, practice and camera for every seed: for
/// tests that must hold whatever the conditions. One or two Janusirsasana sides
/// (random first side), fold depth 0.3-0.9, holds 20-90 s, breath 6-16 per
/// minute, height 1.50-1.95 m, camera from 0 to 90 degrees off the extended leg's
/// side (following the side), pitch 2-20, distance 2.5-4 m, 24, 25, 30 or 60 fps.
/// No mistakes.
pub fn varied(seed: u64) -> Scenario {
    let mut r = Rng::new(seed, Stream::Scenario);
    let first = if r.chance(0.5) {
        Side::Left
    } else {
        Side::Right
    };
    let sides = if r.chance(0.7) {
        vec![first, first.other()]
    } else {
        vec![first]
    };
    let mut segments = vec![Segment::held(
        PoseName::Dandasana,
        Side::Left,
        r.range(3.0, 10.0),
    )];
    for side in sides {
        let mut seg = Segment::janusirsasana(side)
            .depth(r.range(0.3, 0.9))
            .hold(r.range(20.0, 90.0).round())
            .transition(r.range(2.5, 6.0));
        seg.phases.setup_s = r.range(3.0, 7.0);
        seg.phases.lengthen_s = r.range(2.0, 4.0);
        seg.phases.fold_s = r.range(3.0, 7.0);
        seg.phases.release_s = r.range(2.5, 5.0);
        segments.push(seg);
        segments.push(Segment::held(
            PoseName::Dandasana,
            Side::Left,
            r.range(3.0, 10.0),
        ));
    }
    let mut s = Scenario::new(&format!("varied_{seed}"), seed, segments);
    s.body = Body {
        height_m: r.range(1.5, 1.95),
    };
    s.breath = Breath {
        rate_bpm: r.range(6.0, 16.0),
        ..Breath::default()
    };
    s.camera = Camera {
        pitch_deg: r.range(2.0, 20.0),
        distance_m: r.range(2.5, 4.0),
        ..Camera::from_extended_leg(r.range(0.0, 90.0))
    };
    s.fps = [24.0, 25.0, 30.0, 60.0][(r.uniform() * 4.0) as usize % 4];
    s
}

/// Camera yaw from the extended leg that looks at the bent leg's front-diagonal
/// (0 = the extended leg's side, 90 = front, 180 = the bent leg's side).
pub const BENT_SIDE_DIAGONAL_DEG: f64 = 135.0;
/// Camera yaw at the extended foot's front-diagonal, where most people film the pose.
pub const EXTENDED_SIDE_DIAGONAL_DEG: f64 = 45.0;

/// One side (left extended) of Janusirsasana with `mistake` planted at its default
/// magnitude and timing, between short stays in Dandasana. The camera stands at the
/// extended foot's front-diagonal, or at the bent leg's for a mistake of the bent
/// leg (see [`Mistake::is_on_bent_leg`]), so that the mistake is in view.
pub fn with_mistake(mistake: Mistake, seed: u64) -> Scenario {
    with_mistake_on(mistake, Side::Left, seed)
}

/// [`with_mistake`] with the extended leg chosen.
pub fn with_mistake_on(mistake: Mistake, extended_leg: Side, seed: u64) -> Scenario {
    let mut s = Scenario::new(
        mistake.as_str(),
        seed,
        vec![
            Segment::held(PoseName::Dandasana, Side::Left, 5.0),
            Segment::janusirsasana(extended_leg).with(mistake),
            Segment::held(PoseName::Dandasana, Side::Left, 5.0),
        ],
    );
    s.camera = Camera::from_extended_leg(if mistake.is_on_bent_leg() {
        BENT_SIDE_DIAGONAL_DEG
    } else {
        EXTENDED_SIDE_DIAGONAL_DEG
    });
    s
}

/// Each neighbour pose held for 20 s in a row (Dandasana, Baddha Konasana,
/// Paschimottanasana, Upavistha Konasana, Parivrtta Janusirsasana with the left
/// leg extended, Ardha Matsyendrasana turning right), 5 s transitions.
pub fn neighbours(seed: u64) -> Scenario {
    let held = |p: PoseName, side: Side| Segment::held(p, side, 20.0).transition(5.0);
    Scenario::new(
        "neighbours",
        seed,
        vec![
            held(PoseName::Dandasana, Side::Left),
            held(PoseName::BaddhaKonasana, Side::Left),
            held(PoseName::Paschimottanasana, Side::Left),
            held(PoseName::UpavisthaKonasana, Side::Left),
            held(PoseName::ParivrttaJanusirsasana, Side::Left),
            held(PoseName::ArdhaMatsyendrasana, Side::Right),
        ],
    )
}

/// One pose held for `hold_s` seconds after a short Dandasana.
pub fn single(pose: PoseName, side: Side, hold_s: f64, seed: u64) -> Scenario {
    let mut segs = Vec::new();
    if pose != PoseName::Dandasana {
        segs.push(Segment::held(PoseName::Dandasana, Side::Left, 3.0));
    }
    segs.push(if pose == PoseName::Janusirsasana {
        Segment::janusirsasana(side).hold(hold_s)
    } else {
        Segment::held(pose, side, hold_s)
    });
    Scenario::new(pose.as_str(), seed, segs)
}

/// One clean side of Janusirsasana seen by a camera at `yaw_deg` from the extended
/// leg's side (0 side, 45 front-diagonal of the extended foot, 90 front).
pub fn janu_from(extended_leg: Side, yaw_deg: f64, seed: u64) -> Scenario {
    let mut s = Scenario::new(
        &format!("janu_{}_yaw{yaw_deg:.0}", extended_leg.as_str()),
        seed,
        vec![Segment::janusirsasana(extended_leg)],
    );
    s.camera = Camera::from_extended_leg(yaw_deg);
    s
}

/// A side view from the extended leg's side with a low camera, in which the bent
/// leg hides behind the trunk (both sides, the camera following the side).
pub fn side_view_hidden_bent_leg(seed: u64) -> Scenario {
    let mut s = clean_session(seed);
    s.name = "side_hidden".into();
    s.camera = Camera {
        pitch_deg: 3.0,
        ..Camera::from_extended_leg(0.0)
    };
    s
}

/// The clean session seen by a mirrored selfie webcam in front of the person.
pub fn mirrored_webcam(seed: u64) -> Scenario {
    let mut s = clean_session(seed);
    s.name = "mirrored".into();
    s.camera = Camera::room(80.0).mirror();
    s
}

/// The clean session with heavy noise: 5 px jitter, 3 % of landmarks missing,
/// 3 % of frames with nobody found.
pub fn noisy(seed: u64) -> Scenario {
    let mut s = clean_session(seed);
    s.name = "noisy".into();
    s.noise = Noise {
        pixel_sigma: 5.0,
        depth_sigma_px: 12.0,
        world_sigma_m: 0.02,
        landmark_dropout: 0.03,
        frame_dropout: 0.03,
        visibility_jitter: 0.08,
        ..Noise::default()
    };
    s
}

/// A scenario by name: one of [`NAMES`] or a mistake's snake-case name (planted
/// as in [`with_mistake`]).
pub fn by_name(name: &str, seed: u64) -> Option<Scenario> {
    let s = match name {
        "clean" => clean_session(seed),
        "practice" => full_practice(seed),
        "varied" => varied(seed),
        "neighbours" => neighbours(seed),
        "side_hidden" => side_view_hidden_bent_leg(seed),
        "front" => {
            let mut s = clean_session(seed);
            s.name = "front".into();
            s.camera = Camera::room(90.0);
            s
        }
        "diagonal" => {
            let mut s = clean_session(seed);
            s.name = "diagonal".into();
            s.camera = Camera::from_extended_leg(EXTENDED_SIDE_DIAGONAL_DEG);
            s
        }
        "mirrored" => mirrored_webcam(seed),
        "noisy" => noisy(seed),
        other => {
            let m = Mistake::ALL.into_iter().find(|m| m.as_str() == other)?;
            with_mistake(m, seed)
        }
    };
    Some(s)
}
