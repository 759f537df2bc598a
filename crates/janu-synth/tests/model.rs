//! Geometry, sides, camera, occlusion, breath and determinism of the generator,
//! checked on its output landmarks.

use janu_body::geometry::joint_angle_deg;
use janu_body::{Frame, Landmark, Side, Vec3};
use janu_synth::{
    Camera, FootPlacement, Mistake, Noise, Phase, PoseName, Scenario, Segment, Synthetic, generate,
    scenarios,
};

fn noiseless(mut sc: Scenario) -> Synthetic {
    sc.noise = Noise::NONE;
    generate(&sc).expect("a valid scenario")
}

fn world(f: &Frame) -> [Vec3; 33] {
    f.pose
        .as_ref()
        .and_then(|p| p.world)
        .expect("world landmarks")
}

fn w(f: &Frame, l: Landmark) -> Vec3 {
    world(f)[l.index()]
}

/// Frames whose time lies in [a, b).
fn frames_between(s: &Synthetic, a: f64, b: f64) -> impl Iterator<Item = (usize, &Frame)> {
    s.frames
        .iter()
        .enumerate()
        .filter(move |(_, f)| f.t >= a && f.t < b)
}

fn janu_hold(s: &Synthetic, side: Side) -> (f64, f64) {
    let h = s.truth.janu_holds(side).next().expect("a hold");
    (h.start, h.end)
}

#[test]
fn segment_lengths_stay_constant_through_a_whole_session() {
    let s = noiseless(scenarios::clean_session(5));
    use Landmark::*;
    let bones = [
        (LeftHip, LeftKnee),
        (RightHip, RightKnee),
        (LeftKnee, LeftAnkle),
        (RightKnee, RightAnkle),
        (LeftShoulder, LeftElbow),
        (RightShoulder, RightElbow),
        (LeftElbow, LeftWrist),
        (RightElbow, RightWrist),
        (LeftHip, RightHip),
        (LeftHeel, LeftFootIndex),
        (RightAnkle, RightHeel),
        (LeftEar, RightEar),
        (Nose, LeftEye),
    ];
    let first = &s.frames[0];
    for (a, b) in bones {
        let len0 = w(first, a).distance(w(first, b));
        for f in s.frames.iter().step_by(7) {
            let len = w(f, a).distance(w(f, b));
            assert!(
                (len - len0).abs() < 1e-3,
                "{}-{} is {len} m at t={} but {len0} m at the start",
                a.name(),
                b.name(),
                f.t
            );
        }
    }
    // A 1.70 m person's thigh and shank (Drillis-Contini 0.245 H, 0.246 H).
    let thigh = w(first, LeftHip).distance(w(first, LeftKnee));
    assert!((thigh - 0.245 * 1.70).abs() < 1e-3, "{thigh}");
}

#[test]
fn angles_set_are_the_angles_between_the_landmarks() {
    // Extended knee flexion as set: straight, flexed, hyperextended.
    for knee in [0.0, 2.0, 20.0, -8.0] {
        let mut seg = Segment::janusirsasana(Side::Right).hold(6.0);
        seg.form.extended_knee_flexion_deg = knee;
        let s = noiseless(Scenario::new("k", 1, vec![seg]));
        let (a, b) = janu_hold(&s, Side::Right);
        for (i, f) in frames_between(&s, a, b).step_by(20) {
            let m = 180.0
                - joint_angle_deg(
                    w(f, Landmark::RightHip),
                    w(f, Landmark::RightKnee),
                    w(f, Landmark::RightAnkle),
                )
                .unwrap();
            assert!(
                (f64::from(m) - knee.abs()).abs() < 0.5,
                "set {knee}, measured {m}"
            );
            let t = &s.truth.frames[i];
            assert!(
                (t.extended_knee_flexion_deg.unwrap() - knee).abs() < 0.5,
                "truth {:?}",
                t.extended_knee_flexion_deg
            );
        }
    }
    // Truth angles (bent knee, elbows, thighs, fold, head-to-knee) against the
    // world landmarks the frames carry.
    let s = noiseless(scenarios::clean_session(2));
    let torso = s.truth.torso_length_m;
    for (f, t) in s.frames.iter().zip(&s.truth.frames).step_by(11) {
        let ang = |a: Landmark, b: Landmark, c: Landmark| {
            f64::from(joint_angle_deg(w(f, a), w(f, b), w(f, c)).unwrap())
        };
        for side in Side::BOTH {
            let i = side as usize;
            let knee = 180.0 - ang(side.hip(), side.knee(), side.ankle());
            assert!(
                (knee - t.knee_flexion_deg[i].abs()).abs() < 0.5,
                "t={} knee {knee} vs {:?}",
                t.t,
                t.knee_flexion_deg
            );
            let elbow = 180.0 - ang(side.shoulder(), side.elbow(), side.wrist());
            assert!(
                (elbow - t.elbow_flexion_deg[i]).abs() < 0.5,
                "t={} elbow {elbow} vs {:?}",
                t.t,
                t.elbow_flexion_deg
            );
        }
        let thigh = |s: Side| w(f, s.knee()) - w(f, s.hip());
        let between = f64::from(
            janu_body::geometry::angle_between_deg(thigh(Side::Left), thigh(Side::Right)).unwrap(),
        );
        assert!((between - t.thigh_angle_deg).abs() < 0.5);
        if let Some(e) = t.extended_leg {
            let hips = w(f, Landmark::LeftHip).midpoint(w(f, Landmark::RightHip));
            let shoulders = w(f, Landmark::LeftShoulder).midpoint(w(f, Landmark::RightShoulder));
            let fold = f64::from(
                janu_body::geometry::angle_between_deg(shoulders - hips, thigh(e)).unwrap(),
            );
            assert!(
                (fold - t.fold_angle_deg).abs() < 0.5,
                "fold {fold} vs {}",
                t.fold_angle_deg
            );
            let h2k = f64::from(w(f, Landmark::Nose).distance(w(f, e.knee()))) / torso;
            assert!((h2k - t.head_to_knee.unwrap()).abs() < 0.01);
        }
    }
}

#[test]
fn folding_deepens_the_angles_a_teacher_sees() {
    let s = noiseless(scenarios::clean_session(3));
    let at = |time: f64| &s.truth.frames[(time * s.truth.fps).round() as usize];
    let lengthen = s
        .truth
        .phases
        .iter()
        .find(|p| p.phase == Phase::Lengthen)
        .unwrap();
    let (a, b) = janu_hold(&s, Side::Left);
    let tall = at(lengthen.end);
    let folded = at(0.5 * (a + b));
    assert!(
        tall.fold_angle_deg > 80.0,
        "sitting tall: {}",
        tall.fold_angle_deg
    );
    assert!(
        folded.fold_angle_deg < 55.0,
        "folded: {}",
        folded.fold_angle_deg
    );
    assert!(folded.head_to_knee.unwrap() < tall.head_to_knee.unwrap() - 0.5);
    assert!(
        folded.torso_length_ratio < tall.torso_length_ratio - 0.03,
        "the rounding spine shortens the torso"
    );
    assert!(
        folded.hip_flexion_deg[0] > tall.hip_flexion_deg[0] + 20.0,
        "the fold hinges at the hips"
    );
    let bent = folded.bent_knee_flexion_deg.unwrap();
    assert!((130.0..170.0).contains(&bent), "bent knee {bent}");
    assert!(
        folded.bent_foot_gap_m.unwrap().abs() < 0.06,
        "sole on the inner thigh"
    );
    assert!((0.2..0.9).contains(&folded.bent_foot_along.unwrap()));
}

#[test]
fn left_and_right_are_the_persons_own() {
    // Facing the person (not mirrored), their left appears on the image's right.
    let mut sc = scenarios::single(PoseName::Janusirsasana, Side::Left, 10.0, 1);
    sc.camera = Camera::room(90.0);
    let s = noiseless(sc);
    let (a, b) = janu_hold(&s, Side::Left);
    let (i, f) = frames_between(&s, a, b).next().unwrap();
    let p = f.pose.as_ref().unwrap();
    let x = |l: Landmark| p.get(l).unwrap().x;
    assert!(x(Landmark::LeftHip) > x(Landmark::RightHip));
    assert!(x(Landmark::LeftShoulder) > x(Landmark::RightShoulder));
    // The left leg is the straight one, the right one bent.
    let t = &s.truth.frames[i];
    assert!(
        t.knee_flexion_deg[0] < 10.0 && t.knee_flexion_deg[1] > 120.0,
        "{:?}",
        t.knee_flexion_deg
    );
    // In world coordinates too (x = image right).
    assert!(w(f, Landmark::LeftHip).x > w(f, Landmark::RightHip).x);
    // From behind, the left is on the image's left.
    let mut sc = scenarios::single(PoseName::Dandasana, Side::Left, 2.0, 1);
    sc.camera = Camera::room(270.0);
    let s = noiseless(sc);
    let p = s.frames[0].pose.as_ref().unwrap();
    assert!(p.get(Landmark::LeftHip).unwrap().x < p.get(Landmark::RightHip).unwrap().x);
}

#[test]
fn a_mirrored_camera_swaps_sides_in_the_image() {
    let mut plain = scenarios::single(PoseName::Janusirsasana, Side::Left, 8.0, 4);
    plain.camera = Camera::room(80.0);
    let mut mirrored = plain.clone();
    mirrored.camera = Camera::room(80.0).mirror();
    let (p, m) = (noiseless(plain), noiseless(mirrored));
    for (fp, fm) in p.frames.iter().zip(&m.frames).step_by(13) {
        let (pp, pm) = (fp.pose.as_ref().unwrap(), fm.pose.as_ref().unwrap());
        assert_eq!(&pp.mirrored(), pm);
        // The straight (left) knee is labelled right in the mirrored picture, and
        // appears where the left knee would on the other side of the image.
        let l = pp.get(Landmark::LeftKnee).unwrap();
        let r = pm.get(Landmark::RightKnee).unwrap();
        assert!((l.x - (1.0 - r.x)).abs() < 1e-6 && (l.y - r.y).abs() < 1e-6);
    }
    // The truth still names the person's own extended leg.
    assert!(
        m.truth
            .frames
            .iter()
            .all(|t| t.extended_leg != Some(Side::Right))
    );
}

fn mean_visibility(s: &Synthetic, l: Landmark, a: f64, b: f64) -> f32 {
    let v: Vec<f32> = frames_between(s, a, b)
        .map(|(_, f)| f.pose.as_ref().unwrap().get(l).unwrap().visibility.unwrap())
        .collect();
    v.iter().sum::<f32>() / v.len() as f32
}

#[test]
fn the_bent_leg_hides_in_a_side_view_and_shows_from_the_diagonal() {
    for side in Side::BOTH {
        let mut sc = scenarios::janu_from(side, 0.0, 1);
        sc.camera.pitch_deg = 3.0;
        let s = noiseless(sc);
        let (a, b) = janu_hold(&s, side);
        let bent = side.other();
        let hidden = mean_visibility(&s, bent.knee(), a, b);
        let seen = mean_visibility(&s, side.knee(), a, b);
        assert!(
            hidden < 0.3,
            "{side} side view: bent knee visibility {hidden}"
        );
        assert!(
            seen > 0.9,
            "{side} side view: extended knee visibility {seen}"
        );
        let diag = noiseless(scenarios::janu_from(side, 45.0, 1));
        let (a, b) = janu_hold(&diag, side);
        let v = mean_visibility(&diag, bent.knee(), a, b);
        assert!(
            v > 0.8,
            "{side} front-diagonal view: bent knee visibility {v}"
        );
    }
}

#[test]
fn points_outside_the_picture_have_low_visibility() {
    let mut sc = scenarios::single(PoseName::Dandasana, Side::Left, 2.0, 1);
    sc.camera = Camera {
        distance_m: 1.0,
        ..Camera::room(90.0)
    };
    let s = noiseless(sc);
    let p = s.frames[0].pose.as_ref().unwrap();
    let mut outside = 0;
    for k in p.landmarks.iter().flatten() {
        if !(0.0..=1.0).contains(&k.x) || !(0.0..=1.0).contains(&k.y) {
            outside += 1;
            assert!(k.visibility.unwrap() <= 0.05);
        }
    }
    assert!(outside > 0, "a camera 1 m away must cut something off");
}

/// Frequency (per minute) of the strongest component of `xs` sampled at `fps`,
/// searched from 3 to 40 per minute in 0.05 steps (a plain DFT).
fn dominant_rate(xs: &[f64], fps: f64) -> f64 {
    let mean = xs.iter().sum::<f64>() / xs.len() as f64;
    let mut best = (0.0, 0.0);
    let mut bpm = 3.0;
    while bpm <= 40.0 {
        let w = std::f64::consts::TAU * bpm / 60.0 / fps;
        let (mut re, mut im) = (0.0, 0.0);
        for (i, x) in xs.iter().enumerate() {
            re += (x - mean) * (w * i as f64).cos();
            im += (x - mean) * (w * i as f64).sin();
        }
        let p = re * re + im * im;
        if p > best.1 {
            best = (bpm, p);
        }
        bpm += 0.05;
    }
    best.0
}

#[test]
fn breathing_moves_the_torso_at_the_planted_rate() {
    for rate in [6.0, 10.0, 15.0] {
        let mut sc = scenarios::janu_from(Side::Left, 45.0, 9);
        sc.segments[0].hold_s = 90.0;
        sc.breath.rate_bpm = rate;
        // Default noise: the motion must stand out of it.
        let s = generate(&sc).unwrap();
        let (a, b) = janu_hold(&s, Side::Left);
        let ys: Vec<f64> = frames_between(&s, a, b)
            .filter_map(|(_, f)| {
                let p = f.pose.as_ref()?;
                let l = p.get(Landmark::LeftShoulder)?;
                let r = p.get(Landmark::RightShoulder)?;
                Some(f64::from(l.y + r.y) / 2.0 * f64::from(f.height))
            })
            .collect();
        let found = dominant_rate(&ys, s.truth.fps);
        assert!(
            (found - rate).abs() <= 0.5,
            "planted {rate}/min, found {found}/min"
        );
        let hold = s.truth.janu_holds(Side::Left).next().unwrap();
        assert!((hold.rate_bpm.unwrap() - rate).abs() < 1.0);
        let expected = 90.0 * rate / 60.0;
        assert!(
            (hold.breaths as f64 - expected).abs() <= 2.0,
            "{} breaths for {expected}",
            hold.breaths
        );
    }
}

#[test]
fn a_held_breath_stops_the_motion() {
    let s = noiseless(scenarios::with_mistake(Mistake::BreathHeld, 2));
    let bh = s.truth.breath_holds[0];
    assert!((bh.end - bh.start - 12.0).abs() < 1e-9);
    let ys: Vec<f32> = frames_between(&s, bh.start + 0.5, bh.end - 0.5)
        .map(|(_, f)| w(f, Landmark::LeftShoulder).y)
        .collect();
    let spread =
        ys.iter().copied().fold(f32::MIN, f32::max) - ys.iter().copied().fold(f32::MAX, f32::min);
    // Only the slow sway moves (well under a millimetre in 11 s ... a few mm at most).
    assert!(
        spread < 0.004,
        "shoulders moved {spread} m while the breath was held"
    );
    let (a, _) = janu_hold(&s, Side::Left);
    let ys: Vec<f32> = frames_between(&s, a, a + 12.0)
        .map(|(_, f)| w(f, Landmark::LeftShoulder).y)
        .collect();
    let spread =
        ys.iter().copied().fold(f32::MIN, f32::max) - ys.iter().copied().fold(f32::MAX, f32::min);
    assert!(spread > 0.006, "breathing moves the shoulders ({spread} m)");
    assert!(s.truth.frames.iter().any(|t| !t.breathing));
}

#[test]
fn the_same_scenario_gives_the_same_bytes() {
    let bytes = |seed: u64| {
        let s = generate(&scenarios::noisy(seed)).unwrap();
        let mut out = Vec::new();
        janu_body::file::write_jsonl(&mut out, &s.frames).unwrap();
        out.extend(serde_json::to_vec(&s.truth).unwrap());
        out
    };
    let a = bytes(11);
    assert_eq!(a, bytes(11));
    assert_ne!(a, bytes(12));
}

#[test]
fn noise_and_dropouts_happen_at_their_rates() {
    let s = generate(&scenarios::noisy(3)).unwrap();
    let n = s.frames.len() as f64;
    let nobody = s.frames.iter().filter(|f| f.pose.is_none()).count() as f64;
    assert!(
        (nobody / n - 0.03).abs() < 0.01,
        "frame dropout {}",
        nobody / n
    );
    assert_eq!(
        s.frames.iter().filter(|f| f.pose.is_none()).count(),
        s.truth.frames.iter().filter(|t| t.dropped).count()
    );
    let points: usize = s
        .frames
        .iter()
        .filter_map(|f| f.pose.as_ref())
        .map(|p| 33 - p.known_count())
        .sum();
    let rate = points as f64 / ((n - nobody) * 33.0);
    assert!((rate - 0.03).abs() < 0.005, "landmark dropout {rate}");
    // Pixel noise: frame-to-frame jitter of a still point (the extended ankle in
    // the hold) is of the planted size.
    let (a, b) = janu_hold(&s, Side::Left);
    let xs: Vec<f64> = frames_between(&s, a, b)
        .filter_map(|(_, f)| Some(f64::from(f.pose.as_ref()?.get(Landmark::LeftHeel)?.x) * 1280.0))
        .collect();
    let d: Vec<f64> = xs.windows(2).map(|w| w[1] - w[0]).collect();
    let sd = (d.iter().map(|x| x * x).sum::<f64>() / d.len() as f64).sqrt();
    // Differences of AR(1) noise with rho 0.3: sd = sigma * sqrt(2 (1 - rho)).
    let expected = 5.0 * (2.0f64 * 0.7).sqrt();
    assert!(
        (sd / expected - 1.0).abs() < 0.25,
        "jitter {sd} px, expected about {expected}"
    );
}

#[test]
fn scenarios_round_trip_through_json() {
    let mut sc = scenarios::with_mistake(Mistake::PelvisTwisted, 4);
    sc.segments[1].form.bent_foot = FootPlacement::UnderThigh;
    let text = serde_json::to_string_pretty(&sc).unwrap();
    let back: Scenario = serde_json::from_str(&text).unwrap();
    assert_eq!(back, sc);
    assert_eq!(generate(&back).unwrap(), generate(&sc).unwrap());
    // Missing fields take their defaults.
    let tiny: Scenario =
        serde_json::from_str(r#"{"segments":[{"pose":"baddha_konasana","hold_s":5}]}"#).unwrap();
    assert_eq!(tiny.fps, 30.0);
    assert_eq!(tiny.segments[0].pose, PoseName::BaddhaKonasana);
    generate(&tiny).unwrap();
}

#[test]
fn bad_scenarios_are_refused_with_a_reason() {
    let cases: Vec<(Scenario, &str)> = vec![
        (Scenario::new("e", 1, vec![]), "no segments"),
        (scenarios::clean_session(1).fps(0.0), "fps"),
        (
            {
                let mut s = scenarios::clean_session(1);
                s.noise.frame_dropout = 1.5;
                s
            },
            "frame_dropout",
        ),
        (
            {
                let mut s = scenarios::clean_session(1);
                s.segments[1].form.fold_depth = 2.0;
                s
            },
            "fold_depth",
        ),
        (
            {
                let mut s = scenarios::clean_session(1);
                s.segments[0]
                    .mistakes
                    .push(janu_synth::PlantedMistake::new(Mistake::LockedKnee));
                s
            },
            "only be planted in janusirsasana",
        ),
        (
            {
                let mut s = scenarios::clean_session(1);
                s.camera.width = 0;
                s
            },
            "image size",
        ),
        (
            {
                let mut s = scenarios::clean_session(1);
                s.breath.rate_bpm = f64::NAN;
                s
            },
            "breath",
        ),
    ];
    for (sc, want) in cases {
        let err = generate(&sc).unwrap_err().to_string();
        assert!(err.contains(want), "`{err}` should mention `{want}`");
    }
}

#[test]
fn a_coco17_view_keeps_only_the_coco_points() {
    let s =
        generate(&scenarios::single(PoseName::Dandasana, Side::Left, 2.0, 1).noise(Noise::NONE))
            .unwrap();
    let coco = s.coco17();
    assert_eq!(coco.len(), s.frames.len());
    let p = coco[0].pose.as_ref().unwrap();
    assert_eq!(p.known_count(), 17);
    assert!(p.world.is_none() && p.get(Landmark::LeftKnee).unwrap().z.is_none());
    assert!(p.get(Landmark::LeftHeel).is_none());
    // It writes as a landmark file the reader takes back.
    let mut out = Vec::new();
    janu_body::file::write_jsonl(&mut out, &coco).unwrap();
    let back = janu_body::file::read_jsonl(&out[..]).unwrap();
    assert_eq!(back[0].pose.as_ref().unwrap().known_count(), 17);
}

#[test]
fn varied_and_practice_scenarios_are_valid_and_truthful() {
    for seed in 0..12 {
        let sc = scenarios::varied(seed);
        let s = generate(&sc).unwrap_or_else(|e| panic!("seed {seed}: {e}"));
        let janu: Vec<_> = sc
            .segments
            .iter()
            .filter(|g| g.pose == PoseName::Janusirsasana)
            .collect();
        let holds: Vec<_> = s
            .truth
            .holds
            .iter()
            .filter(|h| h.pose == PoseName::Janusirsasana)
            .collect();
        assert_eq!(janu.len(), holds.len());
        for (g, h) in janu.iter().zip(holds) {
            assert_eq!(h.extended_leg, Some(g.side));
            assert!((h.duration_s - g.hold_s).abs() < 1e-9);
            if h.duration_s >= 30.0 {
                let rate = h.rate_bpm.unwrap();
                assert!(
                    (rate - sc.breath.rate_bpm).abs() < 1.0,
                    "seed {seed}: {rate} vs {}",
                    sc.breath.rate_bpm
                );
            }
        }
    }
    let p = generate(&scenarios::full_practice(1)).unwrap();
    let poses: std::collections::BTreeSet<_> = p.truth.segments.iter().map(|s| s.pose).collect();
    assert_eq!(
        poses.len(),
        6,
        "every pose but Parivrtta appears: {poses:?}"
    );
}

#[test]
fn the_example_scenario_file_loads_and_typos_are_refused() {
    let text = include_str!("../examples/scenarios/side_view_two_mistakes.json");
    let sc: Scenario = serde_json::from_str(text).unwrap();
    let s = generate(&sc).unwrap();
    assert_eq!(s.truth.fps, 25.0);
    assert_eq!(s.truth.mistakes.len(), 2);
    let knee = s
        .truth
        .mistakes
        .iter()
        .find(|m| m.mistake == Mistake::LockedKnee)
        .unwrap();
    let hold = s.truth.janu_holds(Side::Left).next().unwrap();
    assert_eq!(
        (knee.start, knee.end),
        (hold.start + 10.0, hold.start + 25.0)
    );
    let typo = text.replace("\"hold_s\": 20.0", "\"hold_sec\": 20.0");
    let err = serde_json::from_str::<Scenario>(&typo)
        .unwrap_err()
        .to_string();
    assert!(err.contains("hold_sec"), "{err}");
}
