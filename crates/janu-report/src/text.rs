//! A plain-text summary for the terminal: what was seen, how each side went,
//! what to correct, and where to put the camera. Every measure is said once,
//! in the same words as the HTML page; measures that could not be seen read
//! "not visible".

use std::fmt::Write as _;

use janu_analysis::{
    Evidence, Finding, PoseCall, PoseName, SessionKind, SessionReport, SideReport,
};

use crate::html::words::{
    basis_words, camera_sentences, compared_metric_words, compared_value, frame_rows, leg_extended,
    leg_sure, metric_words, percent, severity_word, side_rows, side_title, threshold_words,
};

/// "Janusirsasana (head-to-knee forward bend) with the left leg extended, 93%
/// sure (99% sure of the leg)".
fn pose_line(p: &PoseCall) -> String {
    let mut s = format!("{}{}", p.name.title(), leg_extended(p));
    if p.name != PoseName::Nobody {
        let _ = write!(s, ", {} sure{}", percent(p.confidence), leg_sure(p));
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

/// A note without the camera advice when the camera section gives it: the
/// advice is said once, at the end.
fn once(note: &str, r: &SessionReport) -> String {
    let advice = janu_analysis::CAMERA_ADVICE;
    if camera_sentences(r).iter().any(|s| s.contains(advice)) {
        note.replace(advice, "")
            .split_whitespace()
            .collect::<Vec<_>>()
            .join(" ")
    } else {
        note.to_string()
    }
}

fn rows_block(out: &mut String, indent: &str, rows: &[(String, String)]) {
    for (k, v) in rows {
        let _ = writeln!(out, "{indent}{k}: {v}");
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
        let form = crate::form_measures_shown(r);
        // The form measures below say what the picture measures behind the
        // call would say again.
        if !p.reasons.is_empty() && !form {
            // The reasons are sentences: one per line reads best.
            let _ = writeln!(out, "  seen:");
            for reason in &p.reasons {
                let _ = writeln!(out, "    - {reason}");
            }
        }
        if let Some(n) = &p.note {
            let _ = writeln!(out, "  {}: {}", note_label(p), once(n, r));
        }
        if let (Some(f), true) = (r.frames.first(), form) {
            let _ = writeln!(out, "\nYour form in the picture:");
            rows_block(&mut out, "  ", &frame_rows(&f.metrics));
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
                let _ = writeln!(
                    out,
                    "                     {}: {}",
                    note_label(&s.pose),
                    once(n, r)
                );
            }
        }
    }
    // A photo's one frame is its attempt: the form above is all there is.
    if r.kind == SessionKind::Video {
        for s in &r.sides {
            side_block(&mut out, s);
        }
    }
    if let Some(c) = &r.comparison {
        let _ = writeln!(out, "\nLeft against right: {}", c.summary);
        for m in &c.metrics {
            let _ = writeln!(
                out,
                "  {}: left {}, right {} (symmetry index {:.2})",
                compared_metric_words(&m.metric).0,
                compared_value(&m.metric, m.left),
                compared_value(&m.metric, m.right),
                m.symmetry_index
            );
        }
    }
    let _ = writeln!(out);
    if r.findings.is_empty() {
        if r.sides.is_empty() {
            let _ = writeln!(out, "Findings: none, as no Janusirsasana was seen.");
        } else {
            let _ = writeln!(out, "Findings: none of the common mistakes was seen.");
        }
    } else {
        let _ = writeln!(out, "Findings:");
        for f in &r.findings {
            finding_block(&mut out, f, r.kind);
        }
    }
    if let Some(l) = &r.level {
        let _ = writeln!(
            out,
            "\nLevel: {}, {} sure. {}",
            l.level,
            percent(l.confidence),
            l.reasons.join(" ")
        );
        if let Some([lo, hi]) = l.hold_guidance_s {
            let _ = writeln!(out, "  suggested hold per side: {lo}-{hi} s");
        }
        if let Some(v) = &l.next_variation {
            let _ = writeln!(out, "  next: {}", v.text);
        }
    }
    let _ = writeln!(out, "\nCamera: {}", camera_sentences(r).join(" "));
    out
}

fn side_block(out: &mut String, s: &SideReport) {
    let _ = writeln!(
        out,
        "\n{}, {:.1}-{:.1} s",
        side_title(s.side),
        s.start_s,
        s.end_s
    );
    let phases: Vec<String> = s
        .phases
        .iter()
        .map(|p| format!("{} {:.1}-{:.1} s", p.name.as_str(), p.start_s, p.end_s))
        .collect();
    if !phases.is_empty() {
        let _ = writeln!(out, "  phases: {}", phases.join(", "));
    }
    rows_block(out, "  ", &side_rows(s));
}

/// Where each measure's concern starts, each measure once (a finding may hold
/// several pauses of the breath against the same limit).
fn limits(evidence: &[Evidence]) -> String {
    let mut parts: Vec<String> = Vec::new();
    for e in evidence {
        let part = format!(
            "{}, {}",
            metric_words(&e.metric).0,
            threshold_words(&e.metric, &e.direction, e.threshold)
        );
        if !parts.contains(&part) {
            parts.push(part);
        }
    }
    parts.join("; ")
}

fn finding_block(out: &mut String, f: &Finding, kind: SessionKind) {
    let side = f
        .side
        .map(|s| format!(", {s} leg extended"))
        .unwrap_or_default();
    let when = match (kind, f.evidence.first()) {
        (SessionKind::Video, Some(e)) => format!(", {:.1}-{:.1} s", e.start_s, e.end_s),
        _ => String::new(),
    };
    let _ = writeln!(
        out,
        "  [{}] {}{side}{when} ({} sure)",
        severity_word(f.severity),
        f.title,
        percent(f.certainty)
    );
    let _ = writeln!(out, "     {}", f.message);
    if !f.evidence.is_empty() {
        let _ = writeln!(out, "     limit: {}", limits(&f.evidence));
    }
    for c in f.corrections.iter().take(3) {
        let _ = writeln!(out, "     try: {}", c.text);
    }
    for p in &f.props {
        let _ = writeln!(out, "     prop: {}: {}", p.name, p.text);
    }
}
