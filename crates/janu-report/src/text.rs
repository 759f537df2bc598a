//! A plain-text summary for the terminal: what was seen, how each side went,
//! what to correct, and where to put the camera. Measures that could not be seen
//! read "not visible".

use std::fmt::Write as _;

use janu_analysis::{
    Basis, CameraView, Finding, FrameMetrics, HandReach, PoseCall, PoseName, SessionKind,
    SessionReport, SideReport,
};

const NOT_VISIBLE: &str = "not visible";

fn deg(v: Option<f32>) -> String {
    v.map_or_else(|| NOT_VISIBLE.to_string(), |v| format!("{v:.0}°"))
}

fn frac(v: Option<f32>, unit: &str) -> String {
    v.map_or_else(|| NOT_VISIBLE.to_string(), |v| format!("{v:.2} {unit}"))
}

fn pose_line(p: &PoseCall) -> String {
    let mut s = p.name.title().to_string();
    if let Some(leg) = p.extended_leg {
        let _ = write!(s, ", {leg} leg extended");
        if let Some(c) = p.extended_leg_confidence {
            let _ = write!(s, " ({:.0} % sure of the leg)", c * 100.0);
        }
    }
    if p.name != PoseName::Nobody {
        let _ = write!(s, " (confidence {:.2})", p.confidence);
    }
    s
}

/// An unsure call's note says what to change; any other is a caveat.
fn note_label(p: &PoseCall) -> &'static str {
    if p.name == PoseName::Other {
        "what to change"
    } else {
        "note"
    }
}

fn basis_words(b: Option<Basis>) -> &'static str {
    match b {
        Some(Basis::World) => "3-D world landmarks",
        Some(Basis::Image) => "image landmarks with depth",
        Some(Basis::ImageFlat) => "flat image landmarks (angles are as the camera sees them)",
        None => "no landmarks",
    }
}

/// Render the summary.
pub fn render(r: &SessionReport) -> String {
    let mut out = String::new();
    let kind = match r.kind {
        SessionKind::Photo => "photo".to_string(),
        SessionKind::Video => format!("video, {:.1} s, {} frames", r.duration_s, r.frame_count),
    };
    let _ = writeln!(out, "Janu form analysis: {kind}, {}", basis_words(r.basis));
    let _ = writeln!(out);
    if let Some(p) = &r.pose {
        let _ = writeln!(out, "Pose: {}", pose_line(p));
        if !p.reasons.is_empty() {
            // The reasons are sentences: one per line reads best.
            let _ = writeln!(out, "  seen:");
            for reason in &p.reasons {
                let _ = writeln!(out, "    - {reason}");
            }
        }
        if let Some(n) = &p.note {
            let _ = writeln!(out, "  {}: {n}", note_label(p));
        }
        if let Some(f) = r.frames.first() {
            if p.name.has_extended_leg() {
                metrics_block(&mut out, &f.metrics);
            }
        }
    }
    if let Some(segs) = &r.segments {
        let _ = writeln!(out, "Poses over time:");
        for s in segs {
            let _ = writeln!(
                out,
                "  {:>7.1}-{:<7.1} s  {}",
                s.start_s,
                s.end_s,
                pose_line(&s.pose)
            );
            if let Some(n) = &s.pose.note {
                let _ = writeln!(out, "                     {}: {n}", note_label(&s.pose));
            }
        }
    }
    for s in &r.sides {
        side_block(&mut out, s, r.kind);
    }
    if let Some(c) = &r.comparison {
        let _ = writeln!(out, "\nLeft against right: {}", c.summary);
        for m in &c.metrics {
            let _ = writeln!(
                out,
                "  {:<24} left {:>7.2}  right {:>7.2}  symmetry index {:.2}",
                m.metric, m.left, m.right, m.symmetry_index
            );
        }
    }
    let _ = writeln!(out);
    if r.findings.is_empty() {
        if r.sides.is_empty() {
            let _ = writeln!(out, "Findings: none (no Janusirsasana seen).");
        } else {
            let _ = writeln!(out, "Findings: none of the common mistakes was seen.");
        }
    } else {
        let _ = writeln!(out, "Findings:");
        for f in &r.findings {
            finding_block(&mut out, f);
        }
    }
    if let Some(l) = &r.level {
        let _ = writeln!(
            out,
            "\nLevel: {} (confidence {:.2}): {}",
            l.level,
            l.confidence,
            l.reasons.join("; ")
        );
        if let Some([lo, hi]) = l.hold_guidance_s {
            let _ = writeln!(out, "  suggested hold per side: {lo}-{hi} s");
        }
        if let Some(v) = &l.next_variation {
            let _ = writeln!(out, "  next: {}", v.text);
        }
    }
    let view = match r.camera.view {
        CameraView::Front => "front",
        CameraView::FrontDiagonal => "front-diagonal",
        CameraView::Side => "side",
        CameraView::BackDiagonal => "back-diagonal",
        CameraView::Back => "back",
        CameraView::Unknown => "unknown",
    };
    let _ = writeln!(
        out,
        "\nCamera: {view} view; bent leg hidden in {:.0}% of the pose's frames.",
        r.camera.bent_leg_hidden_share * 100.0
    );
    if let Some(a) = &r.camera.advice {
        let _ = writeln!(out, "  {a}");
    }
    out
}

fn metrics_block(out: &mut String, m: &FrameMetrics) {
    let _ = writeln!(out, "  fold (trunk to thigh): {}", deg(m.fold_angle_deg));
    let _ = writeln!(
        out,
        "  head to knee: {}",
        frac(m.head_to_knee, "torso lengths")
    );
    let _ = writeln!(
        out,
        "  extended knee flexion: {}",
        deg(m.extended_knee_flexion_deg)
    );
    let _ = writeln!(out, "  bent knee flexion: {}", deg(m.bent_knee_flexion_deg));
    let _ = writeln!(out, "  thighs apart: {}", deg(m.thigh_angle_deg));
    let _ = writeln!(
        out,
        "  bent foot: {}",
        m.bent_foot.map_or(NOT_VISIBLE, |p| p.as_str())
    );
    let _ = writeln!(
        out,
        "  hands: {}",
        m.hand_reach.map_or(NOT_VISIBLE, HandReach::words)
    );
    let _ = writeln!(out, "  pelvis turn: {}", deg(m.pelvis_turn_deg));
    let _ = writeln!(
        out,
        "  extended foot roll: {}",
        deg(m.extended_foot_roll_deg)
    );
}

fn side_block(out: &mut String, s: &SideReport, kind: SessionKind) {
    let _ = writeln!(
        out,
        "\n{} leg extended ({:.1}-{:.1} s)",
        capital(s.side.as_str()),
        s.start_s,
        s.end_s
    );
    if kind == SessionKind::Video {
        let phases: Vec<String> = s
            .phases
            .iter()
            .map(|p| format!("{} {:.1}-{:.1}", p.name.as_str(), p.start_s, p.end_s))
            .collect();
        let _ = writeln!(out, "  phases: {}", phases.join(", "));
        match s.hold_s {
            Some(h) => {
                let _ = writeln!(out, "  hold: {h:.1} s");
            }
            None => {
                let _ = writeln!(out, "  hold: no fold was held");
            }
        }
        match &s.breath {
            Some(b) => {
                let _ = writeln!(
                    out,
                    "  breath: {} breaths, {:.1} a minute, regularity {:.2}{}",
                    b.count,
                    b.rate_per_min,
                    b.regularity,
                    if b.holding.is_empty() {
                        String::new()
                    } else {
                        format!(", held {} time(s)", b.holding.len())
                    }
                );
            }
            None => {
                let _ = writeln!(
                    out,
                    "  breath: not measurable (hold too short or no steady rhythm seen)"
                );
            }
        }
    }
    let m = &s.summary;
    let _ = writeln!(
        out,
        "  fold {}, head to knee {}, extended knee {}, thighs {}, hands {}",
        deg(m.fold_angle_deg),
        frac(m.head_to_knee, "torso"),
        deg(m.extended_knee_flexion_deg),
        deg(m.thigh_angle_deg),
        m.hand_reach.map_or(NOT_VISIBLE, HandReach::words)
    );
    if m.bent_leg_visible_share < 0.5 {
        let _ = writeln!(
            out,
            "  the bent leg was seen in only {:.0}% of the frames",
            m.bent_leg_visible_share * 100.0
        );
    }
}

fn finding_block(out: &mut String, f: &Finding) {
    let side = f.side.map(|s| format!(", {s} leg")).unwrap_or_default();
    let when = f
        .evidence
        .first()
        .map(|e| format!(", {:.1}-{:.1} s", e.start_s, e.end_s))
        .unwrap_or_default();
    let sev = match f.severity {
        janu_analysis::Severity::Low => "low",
        janu_analysis::Severity::Medium => "medium",
        janu_analysis::Severity::High => "high",
    };
    let _ = writeln!(
        out,
        "  [{sev}] {}{side}{when} (sure {:.2})",
        f.title, f.certainty
    );
    let _ = writeln!(out, "     {}", f.message);
    for e in &f.evidence {
        let _ = writeln!(
            out,
            "     evidence: {} = {:.2} {} ({} {:.2})",
            e.metric, e.value, e.unit, e.direction, e.threshold
        );
    }
    for c in f.corrections.iter().take(3) {
        let _ = writeln!(out, "     try: {}", c.text);
    }
    for p in &f.props {
        let _ = writeln!(out, "     prop: {}: {}", p.name, p.text);
    }
}

fn capital(s: &str) -> String {
    let mut c = s.chars();
    c.next()
        .map(|f| f.to_uppercase().collect::<String>() + c.as_str())
        .unwrap_or_default()
}
