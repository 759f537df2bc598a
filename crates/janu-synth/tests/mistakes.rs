//! Every planted mistake changes what a teacher would see, by the planted amount,
//! in its time range only; a clean sequence carries none.

use janu_body::Side;
use janu_synth::{
    FrameTruth, Mistake, Noise, PlantedMistake, PoseName, Scenario, Segment, Synthetic, generate,
    scenarios,
};

fn noiseless(mut sc: Scenario) -> Synthetic {
    sc.noise = Noise::NONE;
    generate(&sc).expect("a valid scenario")
}

/// Truth of the frame in the middle of the (first) Janusirsasana hold.
fn mid_hold(s: &Synthetic) -> &FrameTruth {
    let h = s
        .truth
        .holds
        .iter()
        .find(|h| h.pose == PoseName::Janusirsasana)
        .unwrap();
    let i = ((h.start + h.end) / 2.0 * s.truth.fps).round() as usize;
    &s.truth.frames[i]
}

fn clean_single(side: Side, seed: u64) -> Scenario {
    let mut sc = scenarios::with_mistake_on(Mistake::LockedKnee, side, seed);
    sc.segments[1].mistakes.clear();
    sc
}

#[test]
fn a_clean_sequence_carries_no_mistake() {
    for s in [
        noiseless(scenarios::clean_session(1)),
        noiseless(clean_single(Side::Right, 2)),
    ] {
        assert!(s.truth.mistakes.is_empty());
        assert!(s.truth.breath_holds.is_empty());
        assert!(
            s.truth
                .frames
                .iter()
                .all(|t| t.mistakes.is_empty() && t.breathing)
        );
        for t in s
            .truth
            .frames
            .iter()
            .filter(|t| t.phase == Some(janu_synth::Phase::Hold))
        {
            let e = t.extended_leg.unwrap();
            assert!((0.0..5.0).contains(&t.extended_knee_flexion_deg.unwrap()));
            assert!(t.bent_foot_gap_m.unwrap().abs() < 0.06);
            assert!(t.extended_foot_turn_out_deg.unwrap().abs() < 5.0);
            assert!(t.pelvis_yaw_deg.abs() < 2.0 && t.hip_height_difference_m.abs() < 0.005);
            assert!(t.elbow_flexion_deg.iter().all(|&e| e > 10.0));
            assert!(t.shoulder_elevation_deg.iter().all(|&e| e < 5.0));
            assert!(
                t.knee_height_m[e.other() as usize] > 0.1,
                "bent knee resting open, not pressed down"
            );
            assert!(t.hip_flexion_deg[e as usize] > 110.0, "hinging at the hips");
        }
        for h in s
            .truth
            .holds
            .iter()
            .filter(|h| h.pose == PoseName::Janusirsasana)
        {
            assert!((50.0..=70.0).contains(&h.duration_s));
            assert!((h.rate_bpm.unwrap() - h.planted_rate_bpm).abs() < 1.0);
        }
    }
}

#[test]
fn each_mistake_shows_by_its_planted_amount() {
    for side in Side::BOTH {
        let clean = noiseless(clean_single(side, 3));
        let c = mid_hold(&clean).clone();
        let (e, b) = (side as usize, side.other() as usize);
        let toward_extended = if side == Side::Left { 1.0 } else { -1.0 };
        for m in Mistake::ALL {
            let s = noiseless(scenarios::with_mistake_on(m, side, 3));
            let t = mid_hold(&s).clone();
            let planted: Vec<_> = s.truth.mistakes.iter().filter(|x| x.mistake == m).collect();
            assert_eq!(planted.len(), 1, "{m:?} is in the truth once");
            assert_eq!(planted[0].extended_leg, side);
            let why = format!("{m:?} with the {side} leg extended");
            match m {
                Mistake::CollapsedSpine => {
                    assert!(
                        t.hip_flexion_deg[e] < c.hip_flexion_deg[e] - 15.0,
                        "{why}: little hip flexion"
                    );
                    assert!(
                        t.thoracic_flexion_deg > c.thoracic_flexion_deg + 15.0,
                        "{why}: rounded back"
                    );
                    assert!(
                        t.torso_length_ratio < c.torso_length_ratio - 0.08,
                        "{why}: torso shortens"
                    );
                }
                Mistake::RoundedBackHeadForced => {
                    assert!(t.lumbar_flexion_deg > c.lumbar_flexion_deg + 20.0, "{why}");
                    assert!(t.neck_flexion_deg > c.neck_flexion_deg + 30.0, "{why}");
                    assert!(
                        t.head_to_knee.unwrap() < c.head_to_knee.unwrap() - 0.15,
                        "{why}: head pulled down"
                    );
                }
                Mistake::PelvisTwisted => {
                    assert!(
                        (t.pelvis_yaw_deg * toward_extended - 15.0).abs() < 0.5,
                        "{why}: {}",
                        t.pelvis_yaw_deg
                    );
                    let bent_higher =
                        t.hip_height_difference_m * if side == Side::Left { 1.0 } else { -1.0 };
                    assert!(bent_higher > 0.015, "{why}: bent hip lifted {bent_higher}");
                }
                Mistake::LockedKnee => {
                    assert!(
                        (t.extended_knee_flexion_deg.unwrap() + 8.0).abs() < 0.5,
                        "{why}"
                    );
                }
                Mistake::ShoulderStrain => {
                    assert!(
                        t.elbow_flexion_deg.iter().all(|&x| x < 2.0),
                        "{why}: locked elbows"
                    );
                    assert!(t.shoulder_elevation_deg.iter().all(|&x| x > 20.0), "{why}");
                    assert!(
                        t.torso_length_ratio > c.torso_length_ratio + 0.05,
                        "{why}: shoulders towards ears"
                    );
                }
                Mistake::ForcedBentLegRotation => {
                    assert!(
                        t.knee_height_m[b] < 0.06,
                        "{why}: knee pressed down {}",
                        t.knee_height_m[b]
                    );
                    assert!(
                        t.thigh_angle_deg > c.thigh_angle_deg + 10.0,
                        "{why}: knee opened"
                    );
                    assert!(
                        t.bent_foot_inversion_deg.unwrap() > 20.0,
                        "{why}: foot sickled"
                    );
                }
                Mistake::BentFootMisplaced => {
                    assert!(
                        t.bent_foot_gap_m.unwrap() > 0.2,
                        "{why}: gap {:?}",
                        t.bent_foot_gap_m
                    );
                }
                Mistake::ExtendedFootRolledOut => {
                    assert!(
                        (t.extended_foot_turn_out_deg.unwrap() - 35.0).abs() < 1.0,
                        "{why}"
                    );
                }
                Mistake::BreathHeld => {
                    let bh = s.truth.breath_holds[0];
                    assert!((bh.end - bh.start - 12.0).abs() < 1e-9);
                    let hold = &s.truth.holds[1];
                    assert!(bh.start >= hold.start && bh.end <= hold.end);
                    assert!(
                        s.truth
                            .frames
                            .iter()
                            .any(|f| f.mistakes.contains(&m) && !f.breathing)
                    );
                }
                Mistake::HoldTooShort | Mistake::HoldTooLong => {
                    let hold = &s.truth.holds[1];
                    assert_eq!(hold.duration_s, m.default_magnitude());
                    assert_eq!((planted[0].start, planted[0].end), (hold.start, hold.end));
                }
            }
            if m.is_kinematic() {
                assert!(t.mistakes.contains(&m), "{why}: marked in the frame truth");
                // Nothing else moves: the other signatures stay clean.
                if m != Mistake::PelvisTwisted {
                    assert!(t.pelvis_yaw_deg.abs() < 1.0, "{why} turned the pelvis");
                }
                if m != Mistake::LockedKnee {
                    assert!(
                        t.extended_knee_flexion_deg.unwrap() > 0.0,
                        "{why} locked the knee"
                    );
                }
                if m != Mistake::ShoulderStrain {
                    assert!(
                        t.shoulder_elevation_deg[0] < 5.0,
                        "{why} raised the shoulders"
                    );
                }
                if !m.is_on_bent_leg() {
                    assert!(
                        t.bent_foot_gap_m.unwrap().abs() < 0.06,
                        "{why} moved the bent foot"
                    );
                }
            }
        }
    }
}

#[test]
fn a_timed_mistake_is_present_only_in_its_window() {
    let seg = Segment::janusirsasana(Side::Left)
        .hold(60.0)
        .with_planted(PlantedMistake::new(Mistake::LockedKnee).during(20.0, 35.0));
    let s = noiseless(Scenario::new("window", 5, vec![seg]));
    let hold = s.truth.holds[0].clone();
    let m = &s.truth.mistakes[0];
    assert_eq!((m.start, m.end), (hold.start + 20.0, hold.start + 35.0));
    for t in s
        .truth
        .frames
        .iter()
        .filter(|t| t.phase == Some(janu_synth::Phase::Hold))
    {
        let k = t.extended_knee_flexion_deg.unwrap();
        let rel = t.t - hold.start;
        if !(18.9..=36.1).contains(&rel) {
            assert!((k - 2.0).abs() < 0.5, "clean knee at {rel}: {k}");
            assert!(!t.mistakes.contains(&Mistake::LockedKnee));
        } else if (21.1..33.9).contains(&rel) {
            assert!((k + 8.0).abs() < 0.5, "locked knee at {rel}: {k}");
            assert!(t.mistakes.contains(&Mistake::LockedKnee));
        }
    }
}

#[test]
fn neighbour_poses_look_like_themselves() {
    let s = noiseless(scenarios::neighbours(4));
    assert_eq!(s.truth.segments.len(), 6);
    for seg in &s.truth.segments {
        let i = ((seg.start + seg.end) / 2.0 * s.truth.fps).round() as usize;
        let t = &s.truth.frames[i];
        assert_eq!(t.pose, seg.pose);
        assert!(t.in_pose && t.phase.is_none());
        let [kl, kr] = t.knee_flexion_deg;
        match seg.pose {
            PoseName::Dandasana => {
                assert!(kl < 5.0 && kr < 5.0 && t.thigh_angle_deg < 5.0);
                assert!((80.0..100.0).contains(&t.fold_angle_deg));
            }
            PoseName::Paschimottanasana => {
                assert!(kl < 5.0 && kr < 5.0 && t.fold_angle_deg < 50.0);
            }
            PoseName::BaddhaKonasana => {
                assert!(kl > 120.0 && kr > 120.0 && t.thigh_angle_deg > 80.0);
            }
            PoseName::UpavisthaKonasana => {
                assert!(kl < 5.0 && kr < 5.0 && (90.0..110.0).contains(&t.thigh_angle_deg));
            }
            PoseName::ParivrttaJanusirsasana => {
                assert_eq!(t.extended_leg, Some(Side::Left));
                assert!(kl < 5.0 && kr > 120.0);
                assert!(
                    t.shoulder_yaw_deg < -5.0,
                    "chest turned away from the left leg"
                );
            }
            PoseName::ArdhaMatsyendrasana => {
                assert_eq!(seg.twist_side, Some(Side::Right));
                assert!(kl > 100.0 && kr > 100.0);
                assert!(
                    t.shoulder_yaw_deg < -45.0,
                    "turned right: {}",
                    t.shoulder_yaw_deg
                );
            }
            other => panic!("{other} is not among the neighbours"),
        }
    }
}

#[test]
fn phases_and_holds_add_up() {
    let sc = scenarios::clean_session(6);
    let s = noiseless(sc.clone());
    assert!((s.truth.duration_s - sc.duration()).abs() < 1e-9);
    assert_eq!(
        s.frames.len(),
        (sc.duration() * sc.fps).floor() as usize + 1
    );
    for side in Side::BOTH {
        let ph: Vec<_> = s
            .truth
            .phases
            .iter()
            .filter(|p| p.extended_leg == side)
            .collect();
        assert_eq!(ph.len(), 5);
        for w in ph.windows(2) {
            assert_eq!(w[0].end, w[1].start);
        }
        let hold = s.truth.janu_holds(side).next().unwrap();
        let p = ph
            .iter()
            .find(|p| p.phase == janu_synth::Phase::Hold)
            .unwrap();
        assert_eq!((hold.start, hold.end), (p.start, p.end));
        // Frames know their phase.
        let mid = ((p.start + p.end) / 2.0 * sc.fps) as usize;
        assert_eq!(s.truth.frames[mid].phase, Some(janu_synth::Phase::Hold));
        assert_eq!(s.truth.frames[mid].extended_leg, Some(side));
    }
    assert_eq!(
        s.truth.janu_holds(Side::Left).next().unwrap().duration_s,
        60.0
    );
    assert_eq!(
        s.truth.janu_holds(Side::Right).next().unwrap().duration_s,
        55.0
    );
}

#[test]
fn a_scenario_in_no_named_pose_is_refused() {
    for name in [PoseName::Other, PoseName::Nobody] {
        let mut s = scenarios::neighbours(1);
        s.segments[0].pose = name;
        let e = generate(&s).expect_err("no body for a non-pose");
        assert!(e.to_string().contains("names no pose"), "{e}");
    }
}
