//! The report of one analysed session as HTML, for `/upload` and `/sessions/{id}`.
//!
//! [`report_html`] is the single call site for the report renderer: when
//! `janu_report::html` exists (the same report as `janu analyze --format html`),
//! this function calls it and nothing else changes. Until then it renders a
//! readable summary here, with the full JSON report below it.

use janu_analysis::{SessionKind, SessionReport, Severity};
use janu_body::Side;

use crate::html::escape;

/// Frames shown in the JSON block before the rest is elided: a long video's
/// per-frame data would make the page heavy; the API has the whole report.
pub const JSON_FRAMES_SHOWN: usize = 3;

/// A stored report (JSON) as HTML: [`report_html`] when it reads as a
/// [`SessionReport`], else the JSON as it is.
pub fn stored_report_html(report: &serde_json::Value) -> String {
    match serde_json::from_value::<SessionReport>(report.clone()) {
        Ok(r) => report_html(&r),
        Err(_) => format!(
            "<p>This report was written by another version of Janu; here it is as saved.</p>{}",
            json_block(report)
        ),
    }
}

fn side_name(s: Side) -> &'static str {
    match s {
        Side::Left => "left",
        Side::Right => "right",
    }
}

fn num(v: Option<f32>, digits: usize, unit: &str) -> String {
    v.map_or_else(|| "–".into(), |v| format!("{v:.digits$}{unit}"))
}

fn words(v: &impl serde::Serialize) -> String {
    serde_json::to_value(v)
        .ok()
        .and_then(|v| v.as_str().map(|s| s.replace('_', " ")))
        .unwrap_or_default()
}

fn json_block(v: &serde_json::Value) -> String {
    let mut v = v.clone();
    let mut note = String::new();
    if let Some(frames) = v.get_mut("frames").and_then(|f| f.as_array_mut()) {
        if frames.len() > JSON_FRAMES_SHOWN {
            note = format!(
                " (first {JSON_FRAMES_SHOWN} of {} frames; the API has them all)",
                frames.len()
            );
            frames.truncate(JSON_FRAMES_SHOWN);
        }
    }
    format!(
        "<details class=\"json\"><summary>The report as JSON{note}</summary><pre>{}</pre></details>",
        escape(&serde_json::to_string_pretty(&v).unwrap_or_default())
    )
}

/// The report as an HTML fragment (no page around it).
pub fn report_html(r: &SessionReport) -> String {
    let mut o = String::from("<article class=\"report\" data-testid=\"report\">");
    // What was seen.
    match r.kind {
        SessionKind::Photo => {
            o.push_str("<section class=\"card\"><h2>What Janu sees</h2>");
            match &r.pose {
                Some(p) => {
                    let side = p
                        .extended_leg
                        .map(|s| format!(", {} leg extended", side_name(s)))
                        .unwrap_or_default();
                    o.push_str(&format!(
                        "<p class=\"lead\" data-testid=\"pose-call\"><strong>{}</strong>{side} \
                         <span class=\"small\">({:.0} % sure)</span></p>",
                        escape(&words(&p.name)),
                        p.confidence * 100.0
                    ));
                    if let Some(n) = &p.note {
                        o.push_str(&format!("<p>{}</p>", escape(n)));
                    }
                    if !p.reasons.is_empty() {
                        o.push_str("<ul class=\"small\">");
                        for reason in &p.reasons {
                            o.push_str(&format!("<li>{}</li>", escape(reason)));
                        }
                        o.push_str("</ul>");
                    }
                }
                None => o.push_str(
                    "<p class=\"lead\" data-testid=\"pose-call\">Nobody was seen in the photo.</p>",
                ),
            }
            o.push_str("</section>");
        }
        SessionKind::Video => {
            o.push_str(&format!(
                "<section class=\"card\"><h2>What Janu sees</h2><p class=\"lead\" data-testid=\"pose-call\">\
                 {:.0} s of video, {} frames analysed.</p>",
                r.duration_s, r.frame_count
            ));
            if let Some(segs) = &r.segments {
                o.push_str("<ol class=\"segments\">");
                for s in segs {
                    let side = s
                        .pose
                        .extended_leg
                        .map(|x| format!(", {} leg extended", side_name(x)))
                        .unwrap_or_default();
                    o.push_str(&format!(
                        "<li><span class=\"t\">{:.1}–{:.1} s</span> {}{side}</li>",
                        s.start_s,
                        s.end_s,
                        escape(&words(&s.pose.name))
                    ));
                }
                o.push_str("</ol>");
            }
            o.push_str("</section>");
        }
    }
    // The sides.
    if !r.sides.is_empty() {
        o.push_str(
            "<section class=\"card\"><h2>Each side</h2><div class=\"scroll\"><table><thead><tr>\
             <th>Extended leg</th><th>Time</th><th>Hold</th><th>Fold angle</th><th>Head to knee</th>\
             <th>Knee bend</th><th>Breaths</th></tr></thead><tbody>",
        );
        for s in &r.sides {
            let m = &s.summary;
            o.push_str(&format!(
                "<tr><td><span class=\"side {0}\">{0}</span></td><td>{1:.1}–{2:.1} s</td><td>{3}</td>\
                 <td>{4}</td><td>{5}</td><td>{6}</td><td>{7}</td></tr>",
                side_name(s.side),
                s.start_s,
                s.end_s,
                s.hold_s.map_or_else(|| "–".into(), |h| format!("{h:.0} s")),
                num(m.fold_angle_deg, 0, "°"),
                num(m.head_to_knee, 2, " torso"),
                num(m.extended_knee_flexion_deg, 0, "°"),
                s.breath.as_ref().map_or_else(
                    || "–".into(),
                    |b| format!("{} ({:.0}/min)", b.count, b.rate_per_min)
                ),
            ));
        }
        o.push_str("</tbody></table></div>");
        if let Some(c) = &r.comparison {
            o.push_str(&format!("<p>{}</p>", escape(&c.summary)));
        }
        o.push_str("</section>");
    }
    // Findings.
    o.push_str("<section class=\"card\"><h2>What to work on</h2>");
    if r.findings.is_empty() {
        o.push_str("<p>Nothing to point out.</p>");
    }
    for f in &r.findings {
        let sev = match f.severity {
            Severity::Low => "low",
            Severity::Medium => "medium",
            Severity::High => "high",
        };
        let side = f
            .side
            .map(|s| format!(" · {} leg extended", side_name(s)))
            .unwrap_or_default();
        o.push_str(&format!(
            "<div class=\"finding sev-{sev}\"><h3>{}</h3><p class=\"small\">{sev}{side} · {:.0} % sure</p><p>{}</p>",
            escape(&f.title),
            f.certainty * 100.0,
            escape(&f.message)
        ));
        if !f.corrections.is_empty() || !f.props.is_empty() {
            o.push_str("<ul>");
            for c in &f.corrections {
                o.push_str(&format!("<li>{}</li>", escape(&c.text)));
            }
            for p in &f.props {
                o.push_str(&format!(
                    "<li><strong>{}</strong>: {}</li>",
                    escape(&p.name),
                    escape(&p.text)
                ));
            }
            o.push_str("</ul>");
        }
        o.push_str("</div>");
    }
    o.push_str("</section>");
    if let Some(l) = &r.level {
        o.push_str(&format!(
            "<section class=\"card\"><h2>Level: {}</h2><ul>",
            escape(&l.level)
        ));
        for reason in &l.reasons {
            o.push_str(&format!("<li>{}</li>", escape(reason)));
        }
        o.push_str("</ul>");
        if let Some(n) = &l.next_variation {
            o.push_str(&format!(
                "<p><strong>Next:</strong> {}</p>",
                escape(&n.text)
            ));
        }
        o.push_str("</section>");
    }
    if let Some(a) = &r.camera.advice {
        o.push_str(&format!(
            "<section class=\"card notice\"><h2>Camera</h2><p>{}</p></section>",
            escape(a)
        ));
    }
    o.push_str(&json_block(
        &serde_json::to_value(r).unwrap_or(serde_json::Value::Null),
    ));
    o.push_str("</article>");
    o
}
