//! The live coach fed frame by frame with generated sessions whose answers are
//! known (janu-synth): sides, phases, hold times, breaths, cues and their pace,
//! a person leaving the picture, a mirrored camera, mistakes and a bad view.

use janu_analysis::PoseName;
use janu_analysis::live::{
    CUE_REPEAT_S, Cue, LOST_RESET_S, LiveCoach, LiveOptions, LiveUpdate, MIN_CUE_GAP_S,
    NOBODY_CUE_S,
};
use janu_analysis::phases::PhaseName;
use janu_body::{Frame, Side};
use janu_synth::{Mistake, Synthetic as Synth, generate, scenarios};

/// Frames a second a webcam page sends.
const LIVE_FPS: f64 = 15.0;
/// Hold time error allowed, seconds.
const HOLD_TOLERANCE_S: f64 = 1.0;
/// Breath count error allowed.
const BREATH_TOLERANCE: i64 = 2;
/// Cue ids that correct form: none may appear on a clean session.
const CORRECTIONS: [&str; 6] = [
    "soften-knee",
    "relax-shoulders",
    "hinge-from-hips",
    "ease-head",
    "square-pelvis",
    "support-bent-knee",
];

/// The frames of a generated session thinned to about [`LIVE_FPS`].
fn live_frames(synth: &Synth) -> Vec<Frame> {
    let step = (synth.truth.fps / LIVE_FPS).round().max(1.0) as usize;
    synth.frames.iter().step_by(step).cloned().collect()
}

fn run(frames: &[Frame], options: LiveOptions) -> (LiveCoach, Vec<LiveUpdate>) {
    let mut coach = LiveCoach::new(options);
    let updates = frames.iter().map(|f| coach.push(f)).collect();
    (coach, updates)
}

fn cues(updates: &[LiveUpdate]) -> Vec<(f64, Cue)> {
    updates
        .iter()
        .filter_map(|u| u.cue.clone().map(|c| (u.t, c)))
        .collect()
}

fn first_cue(cues: &[(f64, Cue)], id: &str, after: f64) -> Option<f64> {
    cues.iter()
        .find(|(t, c)| c.id == id && *t >= after)
        .map(|(t, _)| *t)
}

/// Cues never come closer than the gap, and one id never repeats sooner than
/// its repeat time.
fn assert_paced(cues: &[(f64, Cue)]) {
    for w in cues.windows(2) {
        assert!(
            w[1].0 - w[0].0 >= MIN_CUE_GAP_S - 1e-9,
            "cues too close: {:?} then {:?}",
            w[0],
            w[1]
        );
    }
    for (i, (t, c)) in cues.iter().enumerate() {
        if let Some((t2, _)) = cues[i + 1..].iter().find(|(_, d)| d.id == c.id) {
            assert!(
                t2 - t >= CUE_REPEAT_S - 1e-9,
                "{} repeated after {:.1} s",
                c.id,
                t2 - t
            );
        }
    }
}

#[test]
fn a_clean_practice_is_followed_side_by_side() {
    for seed in [1, 2, 3] {
        let synth = generate(&scenarios::clean_session(seed)).unwrap();
        let frames = live_frames(&synth);
        let (coach, updates) = run(&frames, LiveOptions::default());

        // Sides, hold times and breaths against the truth.
        let done = coach.sides_done();
        let sides: Vec<Side> = done.iter().map(|d| d.side).collect();
        assert_eq!(
            sides,
            vec![Side::Left, Side::Right],
            "seed {seed}: {done:?}"
        );
        for d in done {
            let truth = synth.truth.janu_holds(d.side).next().unwrap();
            assert!(
                (d.hold_s - truth.duration_s).abs() <= HOLD_TOLERANCE_S,
                "seed {seed} {}: hold {:.2} s, truth {:.2} s",
                d.side,
                d.hold_s,
                truth.duration_s
            );
            let breaths = i64::from(d.breaths.expect("breaths counted"));
            assert!(
                (breaths - truth.breaths as i64).abs() <= BREATH_TOLERANCE,
                "seed {seed} {}: {breaths} breaths, truth {}",
                d.side,
                truth.breaths
            );
        }

        // Side and phase in the middle of each true phase.
        for p in &synth.truth.phases {
            let mid = 0.5 * (p.start + p.end);
            let u = updates.iter().find(|u| u.t >= mid).unwrap();
            let want = match p.phase {
                janu_synth::Phase::Setup | janu_synth::Phase::Lengthen => continue,
                janu_synth::Phase::Fold => PhaseName::Fold,
                janu_synth::Phase::Hold => PhaseName::Hold,
                janu_synth::Phase::Release => PhaseName::Release,
            };
            assert_eq!(
                u.pose,
                Some(PoseName::Janusirsasana),
                "seed {seed} at {mid}"
            );
            assert_eq!(u.extended_leg, Some(p.extended_leg), "seed {seed} at {mid}");
            assert_eq!(u.phase, Some(want), "seed {seed} at {mid} ({:?})", p.phase);
        }
        // The live hold timer runs: near the end of the hold it reads the time held.
        for h in synth
            .truth
            .holds
            .iter()
            .filter(|h| h.extended_leg.is_some())
        {
            let u = updates.iter().find(|u| u.t >= h.end - 1.0).unwrap();
            let shown = u.hold_s.unwrap();
            assert!(
                (shown - (h.duration_s - 1.0)).abs() <= HOLD_TOLERANCE_S,
                "seed {seed}: timer {shown} s one second before the end of a {} s hold",
                h.duration_s
            );
        }

        // Cues: in the order of the practice, paced, no corrections.
        let cues = cues(&updates);
        assert_paced(&cues);
        for (_, c) in &cues {
            assert!(!CORRECTIONS.contains(&c.id.as_str()), "seed {seed}: {c:?}");
        }
        for side in [Side::Left, Side::Right] {
            let seg = synth
                .truth
                .segments
                .iter()
                .find(|s| s.extended_leg == Some(side))
                .unwrap();
            let from = seg.transition_start;
            let inhale = first_cue(&cues, "lengthen-inhale", from).expect("lengthen cue");
            let exhale = first_cue(&cues, "fold-exhale", from).expect("fold cue");
            let hold = first_cue(&cues, "hold-breathe", from)
                .unwrap_or_else(|| panic!("seed {seed} {side}: {cues:?}"));
            let switch = first_cue(&cues, "switch-sides", from).expect("switch cue");
            assert!(
                inhale < exhale && exhale < hold && hold < switch,
                "seed {seed}: {cues:?}"
            );
            let hold_truth = synth.truth.janu_holds(side).next().unwrap();
            assert!(
                (hold - hold_truth.start).abs() < 5.0,
                "hold cue at {hold}, hold began {}",
                hold_truth.start
            );
            assert!(
                switch > hold_truth.end,
                "switch sides before the hold ended"
            );
        }
        let minutes = synth.truth.duration_s / 60.0;
        assert!(
            (cues.len() as f64) < 8.0 * minutes,
            "seed {seed}: {} cues in {minutes:.1} minutes",
            cues.len()
        );
    }
}

#[test]
fn the_person_leaving_the_picture_is_said_and_recovered_from() {
    let synth = generate(&scenarios::clean_session(5)).unwrap();
    let mut frames = live_frames(&synth);
    let hold = synth.truth.janu_holds(Side::Left).next().unwrap().clone();
    // A blink: half a second without the person in the hold does not end it.
    let blink = (hold.start + 10.0, hold.start + 10.5);
    // Leaving: 6 s gone in the middle of the right side's setup.
    let right = synth
        .truth
        .segments
        .iter()
        .find(|s| s.extended_leg == Some(Side::Right))
        .unwrap()
        .clone();
    let gone = (right.transition_start - 8.0, right.transition_start - 2.0);
    for f in &mut frames {
        if (f.t >= blink.0 && f.t < blink.1) || (f.t >= gone.0 && f.t < gone.1) {
            f.pose = None;
        }
    }
    let (coach, updates) = run(&frames, LiveOptions::default());

    let left = coach.sides_done()[0];
    assert_eq!(left.side, Side::Left);
    assert!(
        (left.hold_s - hold.duration_s).abs() <= HOLD_TOLERANCE_S,
        "{left:?}"
    );

    let in_blink = updates.iter().find(|u| u.t >= blink.0 + 0.2).unwrap();
    assert!(!in_blink.person_visible);
    assert_eq!(
        in_blink.pose,
        Some(PoseName::Janusirsasana),
        "a blink keeps the pose"
    );

    let away = updates
        .iter()
        .find(|u| u.t >= gone.0 + LOST_RESET_S + 0.5)
        .unwrap();
    assert!(!away.person_visible);
    assert_eq!(away.pose, None, "{away:?}");
    let cues = cues(&updates);
    let said = first_cue(&cues, "step-into-view", gone.0).expect("asked to come back");
    // At most one cue gap late: a cue is never said over the previous one.
    assert!(
        said <= gone.0 + NOBODY_CUE_S + MIN_CUE_GAP_S,
        "asked at {said}, gone at {}",
        gone.0
    );
    assert!(
        first_cue(&cues, "step-into-view", blink.0).unwrap() > blink.1,
        "a blink is not worth a word"
    );
    // Back in view: recognised again, and the right side is coached.
    let back = updates.iter().find(|u| u.t >= gone.1 + 3.0).unwrap();
    assert!(back.person_visible && back.pose.is_some(), "{back:?}");
    let sides: Vec<Side> = coach.sides_done().iter().map(|d| d.side).collect();
    assert_eq!(sides, vec![Side::Left, Side::Right]);
}

#[test]
fn a_mirrored_camera_is_unmirrored() {
    let synth = generate(&scenarios::clean_session(2)).unwrap();
    let mirrored: Vec<Frame> = live_frames(&synth)
        .into_iter()
        .map(|f| Frame {
            pose: f.pose.as_ref().map(janu_body::Pose::mirrored),
            ..f
        })
        .collect();
    let options = LiveOptions {
        mirrored: true,
        ..LiveOptions::default()
    };
    let (coach, _) = run(&mirrored, options);
    let sides: Vec<Side> = coach.sides_done().iter().map(|d| d.side).collect();
    assert_eq!(sides, vec![Side::Left, Side::Right]);
    // Read as they come, the mirrored pictures swap the sides.
    let (coach, _) = run(&mirrored, LiveOptions::default());
    let sides: Vec<Side> = coach.sides_done().iter().map(|d| d.side).collect();
    assert_eq!(sides, vec![Side::Right, Side::Left]);
    // The report of a mirrored session names the person's own sides.
    let report = run(&mirrored, options).0.finish().unwrap();
    let sides: Vec<Side> = report.sides.iter().map(|s| s.side).collect();
    assert_eq!(sides, vec![Side::Left, Side::Right]);
}

#[test]
fn mistakes_get_their_correction_during_the_hold() {
    let cases = [
        (Mistake::LockedKnee, "soften-knee"),
        (Mistake::ShoulderStrain, "relax-shoulders"),
        (Mistake::ForcedBentLegRotation, "support-bent-knee"),
        (Mistake::BreathHeld, "breath-held"),
        (Mistake::CollapsedSpine, "hinge-from-hips"),
        (Mistake::RoundedBackHeadForced, "ease-head"),
        (Mistake::PelvisTwisted, "square-pelvis"),
    ];
    for (mistake, id) in cases {
        let synth = generate(&scenarios::with_mistake(mistake, 3)).unwrap();
        let (_, updates) = run(&live_frames(&synth), LiveOptions::default());
        let cues = cues(&updates);
        assert_paced(&cues);
        let planted = &synth.truth.mistakes[0];
        let at = first_cue(&cues, id, 0.0)
            .unwrap_or_else(|| panic!("{mistake:?}: no {id} cue in {cues:?}"));
        assert!(
            at >= planted.start && at <= planted.end + 5.0,
            "{mistake:?}: {id} at {at}, planted {:.1}-{:.1}",
            planted.start,
            planted.end
        );
    }
}

#[test]
fn a_view_that_hides_the_bent_leg_asks_for_another_camera_place() {
    let synth = generate(&scenarios::side_view_hidden_bent_leg(4)).unwrap();
    let (_, updates) = run(&live_frames(&synth), LiveOptions::default());
    let hinted = updates.iter().filter(|u| u.camera_hint.is_some()).count();
    assert!(hinted > 0, "no camera hint");
    let cues = cues(&updates);
    let camera: Vec<_> = cues
        .iter()
        .filter(|(_, c)| c.id == "camera-front-diagonal")
        .collect();
    assert!(!camera.is_empty());
    assert!(camera[0].1.text.contains("front-diagonal"));
    assert_paced(&cues);

    // The front-diagonal view itself gets no such advice.
    let synth = generate(&scenarios::janu_from(Side::Left, 45.0, 4)).unwrap();
    let (_, updates) = run(&live_frames(&synth), LiveOptions::default());
    assert!(updates.iter().all(|u| u.camera_hint.is_none()));
}

#[test]
fn same_frames_same_updates_and_the_report_covers_them_all() {
    let synth = generate(&scenarios::janu_from(Side::Right, 45.0, 8)).unwrap();
    let frames = live_frames(&synth);
    let (coach, a) = run(&frames, LiveOptions::default());
    let (_, b) = run(&frames, LiveOptions::default());
    assert_eq!(
        serde_json::to_string(&a).unwrap(),
        serde_json::to_string(&b).unwrap()
    );
    let report = coach.finish().unwrap();
    assert_eq!(report.frame_count, frames.len());
    assert_eq!(report.sides.len(), 1);
    assert_eq!(report.sides[0].side, Side::Right);
    // Times that go back are taken at the previous time, never refused.
    let mut coach = LiveCoach::new(LiveOptions::default());
    let mut f = frames[10].clone();
    coach.push(&f);
    f.t -= 1.0;
    assert_eq!(coach.push(&f).t, frames[10].t);
    f.t = f64::NAN;
    assert_eq!(coach.push(&f).t, frames[10].t);
    assert!(coach.finish().is_ok());
}

#[test]
fn legs_out_of_the_picture_get_plain_advice_not_a_bare_other() {
    let synth = generate(&scenarios::janu_from(Side::Left, 45.0, 6)).unwrap();
    // The camera sees the person from the waist up: the legs are cut off.
    let below_waist = |i: usize| i >= janu_body::Landmark::LeftKnee as usize;
    let frames: Vec<Frame> = live_frames(&synth)
        .into_iter()
        .map(|mut f| {
            if let Some(p) = f.pose.as_mut() {
                for (i, lm) in p.landmarks.iter_mut().enumerate() {
                    if below_waist(i) {
                        *lm = None;
                    }
                }
            }
            f
        })
        .collect();
    let (_, updates) = run(&frames, LiveOptions::default());
    let cues = cues(&updates);
    let told = cues
        .iter()
        .find(|(_, c)| c.id == "cannot-tell")
        .unwrap_or_else(|| panic!("no advice: {cues:?}"));
    assert!(
        told.1.text.contains("whole body"),
        "the advice names the cause: {}",
        told.1.text
    );
    assert!(updates.iter().any(|u| u.camera_hint.is_some()));
    assert!(
        updates
            .iter()
            .all(|u| u.pose != Some(PoseName::Janusirsasana))
    );
    assert_paced(&cues);
}
