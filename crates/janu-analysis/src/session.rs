//! The whole analysis: frames in, [`SessionReport`] out.

use janu_body::{Frame, Side, Vec3};

use crate::body::{Basis, Body, UP};
use crate::breath::{Signal, breathing, upper_body_height};
use crate::findings::{Attempt, RawFinding, find};
use crate::metrics::{
    Baseline, Calibration, FrameMetrics, HandReach, ear_shoulder, fold_angle, measure,
    neck_flexion_deg,
};
use crate::phases::{Phase, PhaseName, UPRIGHT_MIN_DEG, find_phases};
use crate::pose_name::PoseName;
use crate::recognize::{Recognition, ViewChoice, choose_view, recognize, recognize_chosen};
use crate::report::{
    CameraReport, CameraView, FrameReport, LevelEstimate, PoseCall, SCHEMA_VERSION, Segment,
    SessionKind, SessionReport, SideReport, SideSummary,
};
use crate::segments::{Run, segment};
use crate::series::median;
use crate::{AnalysisError, advice, compare, level};

/// Share of Janusirsasana-like frames with the bent leg hidden above which the
/// report asks for another camera position.
pub const HIDDEN_SHARE_FOR_ADVICE: f32 = 0.2;
/// Angle (degrees) between the extended leg and the line of sight within which
/// the view counts as front (or back); beyond [`DIAGONAL_MAX_DEG`] it is a side
/// view.
pub const FRONT_MAX_DEG: f32 = 25.0;
/// See [`FRONT_MAX_DEG`].
pub const DIAGONAL_MAX_DEG: f32 = 65.0;

/// Where to put the camera, in plain words.
pub const CAMERA_ADVICE: &str = "Place the camera at the front-diagonal of your extended foot: about 45° between facing your soles and facing your side, at hip height, 2-3 m away, so both legs stay in view.";

/// Analyse a sequence of frames (one frame = a photo).
///
/// # Errors
/// [`AnalysisError::NoFrames`] for an empty input, [`AnalysisError::BadTime`] when a
/// time is not finite or goes back.
pub fn analyze(frames: &[Frame]) -> Result<SessionReport, AnalysisError> {
    analyze_with(frames, &AnalysisOptions::default())
}

/// How to read the frames.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct AnalysisOptions {
    /// The pictures were mirrored (a selfie webcam): left and right are swapped
    /// back before anything is measured. A mirrored body is a valid body doing the
    /// other side, so this cannot be told from the landmarks; the caller must say.
    pub mirrored: bool,
}

/// [`analyze`] with options.
///
/// # Errors
/// As [`analyze`].
pub fn analyze_with(
    frames: &[Frame],
    options: &AnalysisOptions,
) -> Result<SessionReport, AnalysisError> {
    if options.mirrored {
        return analyze_frames(&unmirror(frames), None);
    }
    analyze_frames(frames, None)
}

/// Frames of mirrored pictures with left and right swapped back.
fn unmirror(frames: &[Frame]) -> Vec<Frame> {
    frames
        .iter()
        .map(|f| Frame {
            pose: f.pose.as_ref().map(janu_body::Pose::mirrored),
            ..f.clone()
        })
        .collect()
}

/// Analyse a photo looked at several ways: `looks` holds, for each way, the
/// person it shows (their rank among the people found) and the frame it saw.
/// The pose is called on each person's looks together (see
/// [`crate::recognize::choose_view`]), the person called most surely is the
/// one judged, and their best look is the one measured. Returns the index of
/// that look with the report.
///
/// # Errors
/// [`AnalysisError::NoFrames`] without looks, [`AnalysisError::BadTime`] when
/// a look's time is not finite.
pub fn analyze_photo(
    looks: &[(usize, Frame)],
    options: &AnalysisOptions,
) -> Result<(usize, SessionReport), AnalysisError> {
    let frames: Vec<Frame> = looks.iter().map(|(_, f)| f.clone()).collect();
    let frames = if options.mirrored {
        unmirror(&frames)
    } else {
        frames
    };
    let bodies: Vec<Option<Body>> = frames.iter().map(Body::from_frame).collect();
    let mut best: Option<ViewChoice> = None;
    let people = looks.iter().map(|(p, _)| *p + 1).max().unwrap_or(0);
    for person in 0..people {
        let of_person: Vec<Option<&Body>> = looks
            .iter()
            .zip(&bodies)
            .map(|((p, _), b)| b.as_ref().filter(|_| *p == person))
            .collect();
        if let Some(choice) = choose_view(&of_person)
            && best
                .as_ref()
                .is_none_or(|b| choice.probability > b.probability)
        {
            best = Some(choice);
        }
    }
    // With no seated body in any look, the first look speaks for the photo.
    let chosen = best.as_ref().map_or(0, |c| c.view);
    let frame = frames.get(chosen).ok_or(AnalysisError::NoFrames)?;
    let report = analyze_frames(std::slice::from_ref(frame), best.as_ref())?;
    Ok((chosen, report))
}

/// `chosen`: for a photo looked at several ways, the call made over all the
/// ways, for the one frame given.
fn analyze_frames(
    frames: &[Frame],
    chosen: Option<&ViewChoice>,
) -> Result<SessionReport, AnalysisError> {
    if frames.is_empty() {
        return Err(AnalysisError::NoFrames);
    }
    for (i, f) in frames.iter().enumerate() {
        if !f.t.is_finite() || (i > 0 && f.t < frames[i - 1].t) {
            return Err(AnalysisError::BadTime { frame: i, t: f.t });
        }
    }
    let times: Vec<f64> = frames.iter().map(|f| f.t).collect();
    let bodies: Vec<Option<Body>> = frames.iter().map(Body::from_frame).collect();
    let calls: Vec<Recognition> = bodies
        .iter()
        .map(|b| {
            b.as_ref()
                .map_or_else(Recognition::nobody, |b| match chosen {
                    Some(c) => recognize_chosen(b, c),
                    None => recognize(b),
                })
        })
        .collect();
    let runs = segment(&times, &calls);
    let photo = frames.len() == 1;

    // The extended leg each frame is measured against.
    let mut ext: Vec<Option<Side>> = bodies
        .iter()
        .map(|b| {
            b.as_ref()
                .and_then(|b| b.plane.as_ref().map(|m| m.straight_leg))
        })
        .collect();
    for (i, c) in calls.iter().enumerate() {
        if let Some(h) = c.hidden_leg {
            ext[i] = Some(h.other());
        }
    }
    for r in &runs {
        if r.label.0.has_extended_leg() {
            for e in &mut ext[r.start..r.end] {
                *e = r.label.1;
            }
        }
    }

    let session_baseline = baseline_over(&bodies, &ext, 0..frames.len());
    let mut metrics: Vec<FrameMetrics> = vec![FrameMetrics::default(); frames.len()];
    let mut baseline_measured = vec![false; frames.len()];
    for r in &runs {
        let local = if r.label.0.has_extended_leg() {
            baseline_over(&bodies, &ext, r.start..r.end)
        } else {
            None
        };
        let calib = r
            .label
            .1
            .or(ext[r.start])
            .map_or_else(Calibration::default, |side| {
                Calibration::over(bodies[r.start..r.end].iter().flatten(), side)
            });
        for i in r.start..r.end {
            let (Some(body), Some(side)) = (&bodies[i], ext[i]) else {
                continue;
            };
            let base = local
                .or(session_baseline)
                .or_else(|| Baseline::estimate(body, Some(side)));
            baseline_measured[i] = base.is_some_and(|b| b.measured);
            metrics[i] = measure(body, side, base.as_ref(), &calib);
        }
    }

    // Attempts: every Janusirsasana segment.
    let mut sides = Vec::new();
    let mut raw_findings: Vec<RawFinding> = Vec::new();
    let mut attempts: Vec<(Run, Option<(usize, usize)>)> = Vec::new();
    for r in runs.iter().filter(|r| r.label.0 == PoseName::Janusirsasana) {
        let Some(side) = r.label.1 else { continue };
        let (report, hold) = side_report(side, r, &times, &bodies, &metrics, photo);
        attempts.push((r.clone(), hold));
        sides.push(report);
    }
    let level_guess = level::estimate(&sides, None);
    let knowledge = janu_pose::knowledge();
    let guidance = level_guess
        .as_ref()
        .and_then(|(l, _, _)| advice::hold_guidance(knowledge, *l));
    for ((r, hold), rep) in attempts.iter().zip(&sides) {
        let att = Attempt {
            side: rep.side,
            times: &times[r.start..r.end],
            metrics: &metrics[r.start..r.end],
            hold: *hold,
            hold_s: rep.hold_s,
            breath: rep.breath.as_ref(),
            baseline_measured: baseline_measured[r.start..r.end].iter().all(|b| *b),
        };
        raw_findings.extend(find(&att, guidance));
    }
    // Most important first: severity, then certainty, then time.
    raw_findings.sort_by(|a, b| {
        b.severity
            .cmp(&a.severity)
            .then(b.certainty.total_cmp(&a.certainty))
            .then(first_time(a).total_cmp(&first_time(b)))
            .then(a.kind.cmp(&b.kind))
    });
    let worst = raw_findings.iter().map(|f| f.severity).max();
    let findings: Vec<_> = raw_findings
        .into_iter()
        .map(|f| advice::attach(knowledge, f))
        .collect();
    let level = level::estimate(&sides, worst).map(|(l, conf, reasons)| {
        let binds = sides
            .iter()
            .any(|s| s.summary.hand_reach == Some(HandReach::Beyond));
        LevelEstimate {
            level: l.as_str().to_string(),
            confidence: round(conf, 2),
            reasons,
            next_variation: advice::next_variation(knowledge, l, binds),
            hold_guidance_s: advice::hold_guidance(knowledge, l),
        }
    });
    let comparison = compare::compare(&sides);

    let segments: Vec<Segment> = runs
        .iter()
        .map(|r| Segment {
            start_s: round64(times[r.start], 3),
            end_s: round64(times[r.end - 1], 3),
            pose: run_call(r, &calls),
        })
        .collect();
    let camera = camera_report(&runs, &bodies, &ext, &calls);
    let basis = majority_basis(&bodies);
    let frame_reports: Vec<FrameReport> = (0..frames.len())
        .map(|i| FrameReport {
            t: round64(times[i], 3),
            pose: calls[i].name,
            confidence: round(calls[i].confidence, 3),
            metrics: rounded(&metrics[i]),
        })
        .collect();
    let (pose, segments) = if photo {
        (segments.into_iter().next().map(|s| s.pose), None)
    } else {
        (None, Some(segments))
    };
    Ok(SessionReport {
        schema_version: SCHEMA_VERSION,
        kind: if photo {
            SessionKind::Photo
        } else {
            SessionKind::Video
        },
        frame_count: frames.len(),
        duration_s: round64(times[times.len() - 1] - times[0], 3),
        basis,
        pose,
        segments,
        sides,
        comparison,
        findings,
        level,
        camera,
        frames: frame_reports,
    })
}

fn first_time(f: &RawFinding) -> f64 {
    f.evidence.first().map_or(0.0, |e| e.start_s)
}

/// Upright references measured over the upright frames of a range.
fn baseline_over(
    bodies: &[Option<Body>],
    ext: &[Option<Side>],
    range: std::ops::Range<usize>,
) -> Option<Baseline> {
    let mut torso = Vec::new();
    let mut neck = Vec::new();
    let mut ear = Vec::new();
    for i in range {
        let (Some(b), Some(side)) = (&bodies[i], ext[i]) else {
            continue;
        };
        if !fold_angle(b, side).is_some_and(|a| a >= UPRIGHT_MIN_DEG) {
            continue;
        }
        torso.push(b.torso_length());
        neck.push(neck_flexion_deg(b));
        ear.push(ear_shoulder(b));
    }
    Some(Baseline {
        torso_length: median(torso)?,
        neck_flexion_deg: median(neck),
        ear_shoulder: median(ear),
        measured: true,
    })
}

/// One attempt's phases, hold, breath and summary; returns the hold's frame range
/// (relative to the run).
fn side_report(
    side: Side,
    r: &Run,
    times: &[f64],
    bodies: &[Option<Body>],
    metrics: &[FrameMetrics],
    photo: bool,
) -> (SideReport, Option<(usize, usize)>) {
    let t = &times[r.start..r.end];
    let m = &metrics[r.start..r.end];
    let b = &bodies[r.start..r.end];
    let fold: Vec<Option<f32>> = m.iter().map(|m| m.fold_angle_deg).collect();
    let torso: Vec<Option<f32>> = b
        .iter()
        .map(|b| b.as_ref().and_then(Body::torso_length))
        .collect();
    let (phases, hold, hold_s) = if photo {
        let folded = fold[0].is_some_and(|f| f < UPRIGHT_MIN_DEG);
        let name = if folded {
            PhaseName::Hold
        } else {
            PhaseName::Setup
        };
        (
            vec![Phase {
                name,
                start_s: t[0],
                end_s: t[0],
            }],
            folded.then_some((0, 1)),
            None,
        )
    } else {
        let p = find_phases(t, &fold, &torso);
        (p.phases, p.hold, p.hold_s)
    };
    let breath = match (hold, photo) {
        (Some((a, e)), false) => {
            let upper: Vec<Option<f32>> = b[a..e]
                .iter()
                .map(|b| b.as_ref().and_then(upper_body_height))
                .collect();
            let torso_rel: Vec<Option<f32>> = b[a..e]
                .iter()
                .map(|b| {
                    let b = b.as_ref()?;
                    Some(b.torso_length()? / b.scale()?)
                })
                .collect();
            let signals = [
                Signal {
                    name: "upper_body_height",
                    values: upper,
                },
                Signal {
                    name: "torso_length",
                    values: torso_rel,
                },
                Signal {
                    name: "fold_angle",
                    values: fold[a..e].to_vec(),
                },
            ];
            breathing(&t[a..e], &signals)
        }
        _ => None,
    };
    let (wa, wb) = hold.unwrap_or((0, m.len()));
    let w = &m[wa..wb];
    let med = |f: fn(&FrameMetrics) -> Option<f32>| median(w.iter().map(f)).map(|v| round(v, 1));
    let reach = {
        let mut counts: Vec<(HandReach, usize)> = Vec::new();
        for r in w.iter().filter_map(|m| m.hand_reach) {
            match counts.iter_mut().find(|(k, _)| *k == r) {
                Some((_, c)) => *c += 1,
                None => counts.push((r, 1)),
            }
        }
        counts
            .into_iter()
            .max_by(|a, b| a.1.cmp(&b.1).then(a.0.cmp(&b.0)))
            .map(|(r, _)| r)
    };
    let bent = side.other();
    let seen = b
        .iter()
        .filter(|b| b.as_ref().is_some_and(|b| b.thigh_visible(bent)))
        .count();
    let summary = SideSummary {
        fold_angle_deg: med(|m| m.fold_angle_deg),
        head_to_knee: median(w.iter().map(|m| m.head_to_knee)).map(|v| round(v, 3)),
        extended_knee_flexion_deg: med(|m| m.extended_knee_flexion_deg),
        bent_knee_flexion_deg: med(|m| m.bent_knee_flexion_deg),
        thigh_angle_deg: med(|m| m.thigh_angle_deg),
        torso_shortening: median(w.iter().map(|m| m.torso_shortening)).map(|v| round(v, 3)),
        hand_reach: reach,
        bent_leg_visible_share: round(seen as f32 / b.len().max(1) as f32, 3),
    };
    let phases = phases
        .into_iter()
        .map(|p| Phase {
            start_s: round64(p.start_s, 3),
            end_s: round64(p.end_s, 3),
            ..p
        })
        .collect();
    let breath = breath.map(|mut br| {
        br.rate_per_min = round(br.rate_per_min, 2);
        br.regularity = round(br.regularity, 3);
        br.periodicity = round(br.periodicity, 3);
        for h in &mut br.holding {
            h.start_s = round64(h.start_s, 2);
            h.end_s = round64(h.end_s, 2);
        }
        br
    });
    (
        SideReport {
            side,
            start_s: round64(t[0], 3),
            end_s: round64(t[t.len() - 1], 3),
            phases,
            hold_s: hold_s.map(|h| round64(h, 2)),
            breath,
            summary,
        },
        hold,
    )
}

/// The call of a run: its label with the agreeing frames' mean confidence.
fn run_call(r: &Run, calls: &[Recognition]) -> PoseCall {
    let (name, side) = r.label;
    let cs = &calls[r.start..r.end];
    let n = cs.len().max(1) as f32;
    let mut conf = 0.0;
    let mut hidden = 0usize;
    let mut best: Option<&Recognition> = None;
    for c in cs {
        let agrees = c.name == name && c.extended_leg == side;
        if c.hidden_leg.is_some() {
            hidden += 1;
        }
        if agrees {
            conf += c.confidence;
            if best.is_none_or(|b| c.confidence > b.confidence) {
                best = Some(c);
            }
        } else if name == PoseName::Janusirsasana && c.hidden_leg.is_some() {
            conf += 0.5 * c.confidence;
        }
    }
    let best = best.or_else(|| {
        cs.iter()
            .max_by(|a, b| a.confidence.total_cmp(&b.confidence))
    });
    let hidden_share = hidden as f32 / n;
    let hidden_leg = cs.iter().find_map(|c| c.hidden_leg);
    let bent_leg_visible = if name.has_extended_leg() {
        Some(hidden_share < 0.5)
    } else if hidden_share >= 0.5 {
        Some(false)
    } else {
        None
    };
    let note = match hidden_leg {
        Some(h) if hidden_share >= 0.5 && !name.has_extended_leg() => Some(format!(
            "The {h} leg was hidden, so it may be bent: this could be Janusirsasana with the {} leg extended. {CAMERA_ADVICE}",
            h.other()
        )),
        Some(h) if cs.len() == 1 => Some(format!(
            "The {h} leg was hidden in the picture, so the pose was judged from the other leg. {CAMERA_ADVICE}"
        )),
        Some(h) if f64::from(hidden_share) > f64::from(HIDDEN_SHARE_FOR_ADVICE) => Some(format!(
            "The {h} leg was hidden in {:.0}% of this stretch; those frames were judged from the other leg. {CAMERA_ADVICE}",
            hidden_share * 100.0
        )),
        _ => None,
    };
    // Janu could not tell: why, and what to change, from the frame that came
    // nearest to a call.
    let note = note.or_else(|| {
        (name == PoseName::Other)
            .then(|| {
                cs.iter()
                    .filter(|c| c.unsure.is_some())
                    .max_by(|a, b| runner_up_p(a).total_cmp(&runner_up_p(b)))
                    .and_then(|c| c.unsure.clone())
            })
            .flatten()
    });
    let side_sure: Vec<f32> = cs
        .iter()
        .filter(|c| c.name == name && c.extended_leg == side)
        .filter_map(|c| c.side_confidence)
        .collect();
    let extended_leg_confidence = (side.is_some() && !side_sure.is_empty())
        .then(|| round(side_sure.iter().sum::<f32>() / side_sure.len() as f32, 2));
    PoseCall {
        name,
        extended_leg: side,
        extended_leg_confidence,
        confidence: round(conf / n, 3),
        bent_leg_visible,
        reasons: best.map(|b| b.reasons.clone()).unwrap_or_default(),
        note,
    }
}

/// The probability of the pose an unsure frame came nearest to.
fn runner_up_p(c: &Recognition) -> f32 {
    c.runner_up.map_or(0.0, |(_, p)| p)
}

fn camera_report(
    runs: &[Run],
    bodies: &[Option<Body>],
    ext: &[Option<Side>],
    calls: &[Recognition],
) -> CameraReport {
    let mut angles = Vec::new();
    let mut janu_like = 0usize;
    let mut hidden = 0usize;
    for r in runs {
        let janu = r.label.0 == PoseName::Janusirsasana;
        for i in r.start..r.end {
            let candidate = janu || calls[i].hidden_leg.is_some();
            if !candidate {
                continue;
            }
            janu_like += 1;
            if calls[i].hidden_leg.is_some() {
                hidden += 1;
            }
            if let (Some(b), Some(side)) = (&bodies[i], ext[i]) {
                angles.push(view_angle(b, side));
            }
        }
    }
    let share = if janu_like == 0 {
        0.0
    } else {
        hidden as f32 / janu_like as f32
    };
    let view = median(angles).map_or(CameraView::Unknown, |a| {
        if a < FRONT_MAX_DEG {
            CameraView::Front
        } else if a < DIAGONAL_MAX_DEG {
            CameraView::FrontDiagonal
        } else if a <= 180.0 - DIAGONAL_MAX_DEG {
            CameraView::Side
        } else if a <= 180.0 - FRONT_MAX_DEG {
            CameraView::BackDiagonal
        } else {
            CameraView::Back
        }
    });
    let advice = if share > HIDDEN_SHARE_FOR_ADVICE {
        Some(if bodies.len() == 1 {
            format!("Your bent leg was hidden in the picture. {CAMERA_ADVICE}")
        } else {
            format!(
                "Your bent leg was hidden in {:.0}% of the pose's frames. {CAMERA_ADVICE}",
                share * 100.0
            )
        })
    } else if view == CameraView::Front {
        // The extended leg points at the lens: its bend and the fold over it
        // are foreshortened, and the feet hide the knees.
        Some(format!(
            "The camera faced the extended foot straight on, so the leg's bend and the fold could not be measured well. {CAMERA_ADVICE}"
        ))
    } else if matches!(
        view,
        CameraView::Side | CameraView::Back | CameraView::BackDiagonal
    ) {
        Some(format!(
            "The camera saw the pose from the {}. {CAMERA_ADVICE}",
            match view {
                CameraView::Side => "side",
                _ => "back",
            }
        ))
    } else {
        None
    };
    CameraReport {
        view,
        bent_leg_hidden_share: round(share, 3),
        advice,
    }
}

/// Angle (degrees, 0..180) between the extended leg's horizontal direction and
/// the direction towards the camera: 0 when the foot points at the camera.
fn view_angle(b: &Body, side: Side) -> Option<f32> {
    if b.basis == Basis::ImageFlat {
        return None;
    }
    let d = b.distal(side)?.1 - b.point(side.hip())?;
    let horizontal = d - UP * d.dot(UP);
    janu_body::geometry::angle_between_deg(horizontal, Vec3::new(0.0, 0.0, -1.0))
}

fn majority_basis(bodies: &[Option<Body>]) -> Option<Basis> {
    let mut counts = [0usize; 3];
    for b in bodies.iter().flatten() {
        counts[b.basis as usize] += 1;
    }
    let (i, c) = counts
        .iter()
        .enumerate()
        .max_by_key(|(i, c)| (**c, usize::MAX - *i))?;
    (*c > 0).then(|| [Basis::World, Basis::Image, Basis::ImageFlat][i])
}

/// Round to `d` decimals (stable JSON).
pub(crate) fn round(v: f32, d: i32) -> f32 {
    let p = 10f32.powi(d);
    (v * p).round() / p
}

/// Round to `d` decimals (stable JSON).
pub(crate) fn round64(v: f64, d: i32) -> f64 {
    let p = 10f64.powi(d);
    (v * p).round() / p
}

fn rounded(m: &FrameMetrics) -> FrameMetrics {
    let r1 = |v: Option<f32>| v.map(|v| round(v, 1));
    let r3 = |v: Option<f32>| v.map(|v| round(v, 3));
    FrameMetrics {
        extended_leg: m.extended_leg,
        extended_knee_flexion_deg: r1(m.extended_knee_flexion_deg),
        bent_knee_flexion_deg: r1(m.bent_knee_flexion_deg),
        thigh_angle_deg: r1(m.thigh_angle_deg),
        bent_foot: m.bent_foot,
        bent_foot_along: r3(m.bent_foot_along),
        fold_angle_deg: r1(m.fold_angle_deg),
        head_to_knee: r3(m.head_to_knee),
        torso_shortening: r3(m.torso_shortening),
        head_drop_deg: r1(m.head_drop_deg),
        pelvis_turn_deg: r1(m.pelvis_turn_deg),
        shoulder_turn_deg: r1(m.shoulder_turn_deg),
        shoulder_elevation: r3(m.shoulder_elevation),
        hand_reach: m.hand_reach,
        hand_reach_along: r3(m.hand_reach_along),
        extended_foot_roll_deg: r1(m.extended_foot_roll_deg),
    }
}
