//! The report as one self-contained HTML page: the style is inline, the charts
//! are inline SVG drawn by [`crate::chart`], the key frames are `data:` URIs; nothing
//! is fetched and no script runs. The same input gives the same bytes.
//!
//! [`document`] is the whole page (what `janu analyze --format html` writes);
//! [`fragment`] is the same report as one `<article>` with its own scoped style,
//! for a page that has its own layout (the web app's `/sessions/{id}`).
//!
//! Layout, top to bottom: the summary (pose, side, confidence, level and next
//! variation, a timeline of the session for a video, and a plain-words note when
//! the bent leg could not be seen); the photo with its skeleton (photo); one
//! section per attempt with the fold angle over time (phases shaded, deepest
//! moment marked), the breathing during the hold (held breaths shaded), the
//! deepest key frame and the measures; left against right (table and chart);
//! the findings with their times, evidence, key frame, corrections and props;
//! the camera; a footer with the colour key.

mod charts;
pub(crate) mod words;

use std::fmt::Write as _;

use crate::ReportError;
use crate::chart::{Colour, phase_colour, side_colour};
pub use crate::chart::{LEFT, RIGHT};
use crate::media::{KeyFrame, KeyFrameKind, ReportMedia};
pub use charts::CHART_WIDTH;
use janu_analysis::{Finding, PoseName, SessionKind, SessionReport, SideComparison, SideReport};
use janu_body::Side;
pub use words::BENT_LEG_SEEN_MIN;
pub use words::escape;
use words::{
    basis_words, bent_leg_seen, bent_leg_unsure, camera_sentences, clock, clock_with, leg_extended,
    leg_sure, metric_words, percent, pose_title, severity_word, side_title, side_word, span,
    view_words,
};

/// The style sheet, scoped to `.janu-report` so the report can sit inside
/// another page without changing it.
pub const STYLE: &str = include_str!("report.css");

/// The whole page: `<!doctype html>` to `</html>`, titled `title` (usually the
/// input's file name).
///
/// # Errors
/// None at present (the charts are written into a string); the `Result`
/// leaves room for a part that can fail.
pub fn document(
    report: &SessionReport,
    media: &ReportMedia,
    title: &str,
) -> Result<String, ReportError> {
    let body = fragment_titled(report, media, Some(title))?;
    Ok(format!(
        "<!doctype html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n\
         <meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n\
         <meta name=\"generator\" content=\"Janu\">\n<title>Janu report: {}</title>\n\
         <style>body{{margin:0;background:#f7fafc;}}main.jr-page{{max-width:60rem;margin:0 auto;padding:1rem;}}</style>\n\
         </head>\n<body>\n<main class=\"jr-page\">\n{body}\n</main>\n</body>\n</html>\n",
        escape(title)
    ))
}

/// The report as one `<article class="janu-report">` with its scoped style,
/// headed `title`.
///
/// # Errors
/// None at present (the charts are written into a string); the `Result`
/// leaves room for a part that can fail.
pub fn fragment(
    report: &SessionReport,
    media: &ReportMedia,
    title: &str,
) -> Result<String, ReportError> {
    fragment_titled(report, media, Some(title))
}

fn fragment_titled(
    r: &SessionReport,
    media: &ReportMedia,
    title: Option<&str>,
) -> Result<String, ReportError> {
    let mut o = String::new();
    o.push_str("<article class=\"janu-report report\" data-testid=\"report\">\n<style>");
    o.push_str(STYLE);
    o.push_str("</style>\n");
    header(&mut o, r, title);
    summary(&mut o, r);
    if r.kind == SessionKind::Photo {
        photo(&mut o, r, media);
    }
    for s in &r.sides {
        if r.kind == SessionKind::Video {
            side_section(&mut o, r, s, media);
        }
    }
    if let Some(c) = &r.comparison {
        comparison(&mut o, c);
    }
    findings(&mut o, r, media);
    camera(&mut o, r);
    footer(&mut o, r);
    o.push_str("</article>\n");
    Ok(o)
}

fn header(o: &mut String, r: &SessionReport, title: Option<&str>) {
    let what = match r.kind {
        SessionKind::Photo => "Photo".to_string(),
        SessionKind::Video => format!(
            "Video, {} long, {} frames",
            clock(r.duration_s),
            r.frame_count
        ),
    };
    let _ = writeln!(
        o,
        "<header class=\"jr-head\"><p class=\"jr-kicker\">Janu form analysis · Janusirsasana</p>\
         <h1>{}</h1><p class=\"jr-sub\">{what} · {}</p></header>",
        escape(title.unwrap_or("Your practice")),
        basis_words(r.basis)
    );
}

fn confidence(c: f32) -> String {
    format!("<span class=\"jr-conf\">{} sure</span>", percent(c))
}

fn summary(o: &mut String, r: &SessionReport) {
    o.push_str("<section class=\"jr-card jr-summary\" data-testid=\"summary\"><h2>Summary</h2>\n");
    match (&r.pose, &r.segments) {
        (Some(p), _) => {
            let (side, leg_sure) = (leg_extended(p), leg_sure(p));
            if p.name == PoseName::Nobody {
                o.push_str(
                    "<p class=\"jr-lead\" data-testid=\"pose-call\">Nobody was seen in the picture.</p>\n",
                );
            } else {
                let _ = writeln!(
                    o,
                    "<p class=\"jr-lead\" data-testid=\"pose-call\"><strong>{}</strong>{side}, {}{leg_sure}</p>",
                    escape(pose_title(p.name)),
                    confidence(p.confidence)
                );
            }
            // A photo of the pose shows its form measures below; the picture
            // measures behind the call would say the same things twice.
            if !p.reasons.is_empty() && !crate::form_measures_shown(r) {
                o.push_str("<ul class=\"jr-reasons\">");
                for reason in &p.reasons {
                    let _ = write!(o, "<li>{}</li>", escape(reason));
                }
                o.push_str("</ul>\n");
            }
        }
        (None, Some(segs)) => {
            let call = if r.sides.is_empty() {
                let mut names: Vec<&str> = Vec::new();
                for s in segs {
                    let t = pose_title(s.pose.name);
                    if s.pose.name != PoseName::Nobody && !names.contains(&t) {
                        names.push(t);
                    }
                }
                if names.is_empty() {
                    "Nobody was seen in the video.".to_string()
                } else {
                    format!(
                        "No Janusirsasana was seen. The video shows {}.",
                        escape(&names.join(", "))
                    )
                }
            } else {
                let parts: Vec<String> = r
                    .sides
                    .iter()
                    .map(|s| {
                        let conf = segs
                            .iter()
                            .find(|g| g.start_s <= s.start_s + 1e-6 && g.end_s >= s.end_s - 1e-6)
                            .map(|g| format!(", {}", confidence(g.pose.confidence)))
                            .unwrap_or_default();
                        let hold = s
                            .hold_s
                            .map_or_else(|| "no hold".to_string(), |h| format!("held {h:.0} s"));
                        format!(
                            "<span class=\"jr-tag jr-{0}\">{0} leg extended</span> {1}, {hold}{conf}",
                            side_word(s.side),
                            span(s.start_s, s.end_s)
                        )
                    })
                    .collect();
                format!("<strong>Janusirsasana</strong>: {}", parts.join("; "))
            };
            let _ = writeln!(
                o,
                "<p class=\"jr-lead\" data-testid=\"pose-call\">{call}</p>"
            );
        }
        (None, None) => {
            o.push_str("<p class=\"jr-lead\" data-testid=\"pose-call\">Nothing to report.</p>\n");
        }
    }
    // Level and what next.
    o.push_str("<dl class=\"jr-facts\">");
    if let Some(l) = &r.level {
        let _ = write!(
            o,
            "<div><dt>Level</dt><dd data-testid=\"level\"><strong>{}</strong> {}<br><span class=\"jr-small\">{}</span></dd></div>",
            escape(&l.level),
            confidence(l.confidence),
            escape(&l.reasons.join(" "))
        );
        if let Some(n) = &l.next_variation {
            let _ = write!(
                o,
                "<div><dt>Try next</dt><dd data-testid=\"next-variation\">{}</dd></div>",
                escape(&n.text)
            );
        }
        if let Some([lo, hi]) = l.hold_guidance_s {
            let _ = write!(
                o,
                "<div><dt>Suggested hold</dt><dd>{lo}–{hi} s on each side</dd></div>"
            );
        }
    }
    let _ = writeln!(
        o,
        "<div><dt>Findings</dt><dd>{}</dd></div><div><dt>Camera</dt><dd>{}</dd></div></dl>",
        match r.findings.len() {
            0 => "none of the common mistakes".to_string(),
            1 => "1 point to work on".to_string(),
            n => format!("{n} points to work on"),
        },
        escape(view_words(r.camera.view))
    );
    bent_leg_note(o, r);
    unsure_note(o, r);
    if let Some(segs) = &r.segments {
        let items: Vec<charts::TimelineItem> = segs
            .iter()
            .map(|s| charts::TimelineItem {
                start_s: s.start_s,
                end_s: s.end_s,
                label: short_pose(s.pose.name).to_string(),
                colour: pose_colour(s.pose.name, s.pose.extended_leg),
            })
            .collect();
        let svg = charts::timeline_chart(&items, r.duration_s);
        o.push_str(
            "<figure class=\"jr-chart\" data-testid=\"chart-timeline\"><div class=\"jr-svg\">",
        );
        o.push_str(&svg);
        o.push_str("</div><figcaption>The session: which pose when.</figcaption></figure>\n");
        o.push_str("<ol class=\"jr-segments\">");
        for s in segs {
            let side = s
                .pose
                .extended_leg
                .map(|x| format!(", {} leg extended", side_word(x)))
                .unwrap_or_default();
            let css = pose_colour(s.pose.name, s.pose.extended_leg);
            let _ = write!(
                o,
                "<li><span class=\"jr-swatch\" style=\"background:{css}\"></span><span class=\"jr-t\">{}</span> {}{side}</li>",
                span(s.start_s, s.end_s),
                escape(pose_title(s.pose.name))
            );
        }
        o.push_str("</ol>\n");
    }
    o.push_str("</section>\n");
}

/// When Janu could not tell the pose: why, and what to change.
fn unsure_note(o: &mut String, r: &SessionReport) {
    let mut lines: Vec<String> = Vec::new();
    if let Some(p) = r.pose.as_ref().filter(|p| p.name == PoseName::Other) {
        lines.extend(p.note.clone());
    }
    for g in r.segments.iter().flatten() {
        if g.pose.name == PoseName::Other
            && let Some(n) = &g.pose.note
        {
            let line = at_segment(g, n);
            if !lines.contains(&line) {
                lines.push(line);
            }
        }
    }
    note(
        o,
        "unsure-note",
        "Janu could not tell which pose this is.",
        &lines,
        None,
    );
}

/// A plain-words note under the summary: its heading, a paragraph a line, and
/// what to do next time; nothing when there are no lines.
fn note(o: &mut String, testid: &str, heading: &str, lines: &[String], next_time: Option<&str>) {
    if lines.is_empty() {
        return;
    }
    let _ = write!(
        o,
        "<div class=\"jr-note\" data-testid=\"{testid}\"><strong>{heading}</strong>"
    );
    for l in lines {
        let _ = write!(o, "<p>{}</p>", escape(l));
    }
    if let Some(n) = next_time {
        let _ = write!(o, "<p><strong>Next time:</strong> {}</p>", escape(n));
    }
    o.push_str("</div>\n");
}

/// A stretch of the session and its pose's note: "At 0:05–0:20: …".
fn at_segment(g: &janu_analysis::Segment, note: &str) -> String {
    format!("At {}: {note}", span(g.start_s, g.end_s))
}

/// The plain-words note when the bent leg was hidden.
fn bent_leg_note(o: &mut String, r: &SessionReport) {
    let mut lines: Vec<String> = Vec::new();
    let advice = janu_analysis::CAMERA_ADVICE;
    let mut push = |line: String| {
        let line = line.replace(advice, "").trim().to_string();
        if !line.is_empty() && !lines.contains(&line) {
            lines.push(line);
        }
    };
    if let Some(p) = &r.pose
        && p.bent_leg_visible == Some(false)
    {
        push(p.note.clone().unwrap_or_else(|| {
            "One leg was hidden, so Janu could not see whether it was bent.".into()
        }));
    }
    for g in r.segments.iter().flatten() {
        if g.pose.bent_leg_visible == Some(false)
            && !g.pose.name.has_extended_leg()
            && let Some(n) = &g.pose.note
        {
            push(at_segment(g, n));
        }
    }
    for s in &r.sides {
        if bent_leg_unsure(s) {
            push(format!(
                "With the {} leg extended, your bent leg was seen {}: it was hidden behind the straight leg or your body. The knee bend, foot placement and hip opening there are missing or less sure.",
                side_word(s.side),
                bent_leg_seen(s)
            ));
        }
    }
    if r.sides.is_empty() && r.camera.bent_leg_hidden_share > 0.2 {
        push(format!(
            "A leg was hidden in {} of the frames that looked like the pose, so Janu could not tell whether it was bent.",
            percent(r.camera.bent_leg_hidden_share)
        ));
    }
    note(
        o,
        "bent-leg-note",
        "Janu could not see your bent leg well.",
        &lines,
        Some(advice),
    );
}

fn short_pose(p: PoseName) -> &'static str {
    match p {
        PoseName::Janusirsasana => "Janu",
        PoseName::ParivrttaJanusirsasana => "Parivrtta",
        PoseName::Paschimottanasana => "Paschimo",
        PoseName::Dandasana => "Danda",
        PoseName::BaddhaKonasana => "Baddha K",
        PoseName::UpavisthaKonasana => "Upavistha",
        PoseName::ArdhaMatsyendrasana => "Matsyendra",
        PoseName::Other => "other",
        PoseName::Nobody => "",
    }
}

/// A pose's colour on the timeline: the side's colour for the pose with its
/// extended leg known.
fn pose_colour(p: PoseName, side: Option<Side>) -> Colour {
    match (p, side) {
        (PoseName::Janusirsasana | PoseName::ParivrttaJanusirsasana, Some(s)) => side_colour(s),
        (PoseName::Janusirsasana, None) => Colour(44, 122, 123),
        (PoseName::ParivrttaJanusirsasana, None) => Colour(49, 151, 149),
        (PoseName::Paschimottanasana, _) => Colour(128, 90, 213),
        (PoseName::Dandasana, _) => Colour(113, 128, 150),
        (PoseName::BaddhaKonasana, _) => Colour(213, 63, 140),
        (PoseName::UpavisthaKonasana, _) => Colour(56, 161, 105),
        (PoseName::ArdhaMatsyendrasana, _) => Colour(183, 121, 31),
        (PoseName::Other, _) => Colour(160, 174, 192),
        (PoseName::Nobody, _) => Colour(226, 232, 240),
    }
}

fn key_frame_figure(o: &mut String, k: &KeyFrame, class: &str) {
    let kind = if k.picture { "" } else { " jr-canvas" };
    let _ = writeln!(
        o,
        "<figure class=\"jr-frame {class}{kind}\" data-testid=\"key-frame\"><img src=\"{}\" width=\"{}\" height=\"{}\" alt=\"{}\"><figcaption>{}</figcaption></figure>",
        k.data_uri(),
        k.width,
        k.height,
        escape(&k.caption),
        escape(&k.caption)
    );
}

fn photo(o: &mut String, r: &SessionReport, media: &ReportMedia) {
    o.push_str("<section class=\"jr-card\" data-testid=\"photo\"><h2>The picture</h2>\n<div class=\"jr-photo\">");
    match media
        .key_frames
        .iter()
        .find(|k| k.kind == KeyFrameKind::Photo)
    {
        Some(k) => key_frame_figure(o, k, "jr-big"),
        None => o.push_str("<p class=\"jr-small\">No picture was kept with this report.</p>"),
    }
    if let (Some(f), Some(p)) = (r.frames.first(), &r.pose) {
        if crate::form_measures_shown(r) {
            measures_table(o, &words::frame_rows(&f.metrics));
        } else if p.name != PoseName::Nobody {
            o.push_str("<p class=\"jr-small\">The form measures are for Janusirsasana; this picture shows another pose.</p>");
        }
    }
    o.push_str("</div></section>\n");
}

fn measures_table(o: &mut String, rows: &[(String, String)]) {
    o.push_str("<table class=\"jr-measures\"><thead><tr><th>Measure</th><th>Value</th></tr></thead><tbody>");
    for (k, v) in rows {
        let _ = write!(o, "<tr><td>{}</td><td>{}</td></tr>", escape(k), escape(v));
    }
    o.push_str("</tbody></table>\n");
}

fn side_section(o: &mut String, r: &SessionReport, s: &SideReport, media: &ReportMedia) {
    let w = side_word(s.side);
    let _ = writeln!(
        o,
        "<section class=\"jr-card jr-side\" data-testid=\"side-{w}\"><h2><span class=\"jr-tag jr-{w}\">{}</span> <span class=\"jr-t\">{}</span></h2>",
        side_title(s.side),
        span(s.start_s, s.end_s)
    );
    // Key numbers first.
    let m = &s.summary;
    o.push_str("<ul class=\"jr-stats\">");
    let mut stat = |label: &str, value: String| {
        let _ = write!(
            o,
            "<li><span class=\"jr-stat\">{}</span><span class=\"jr-small\">{}</span></li>",
            escape(&value),
            escape(label)
        );
    };
    stat(
        "held",
        s.hold_s.map_or_else(|| "–".into(), |h| format!("{h:.0} s")),
    );
    stat(
        "fold angle",
        m.fold_angle_deg
            .map_or_else(|| "–".into(), |v| format!("{v:.0}°")),
    );
    stat(
        "head to knee (torso lengths)",
        m.head_to_knee
            .map_or_else(|| "–".into(), |v| format!("{v:.2}")),
    );
    stat(
        "breaths",
        s.breath.as_ref().map_or_else(
            || "–".into(),
            |b| format!("{} at {:.0}/min", b.count, b.rate_per_min),
        ),
    );
    o.push_str("</ul>\n");

    // Fold angle over the attempt (smoothed as the deepest moment is read).
    let points: Vec<(f64, Option<f32>)> = crate::moments::smoothed_fold(r, s.start_s, s.end_s)
        .into_iter()
        .map(|(i, v)| (r.frames[i].t, v))
        .collect();
    let deepest = crate::moments::deepest(r, s).map(|d| (d.t, d.fold_deg));
    let svg = charts::fold_chart(&charts::FoldChart {
        side: s.side,
        range: (s.start_s, s.end_s),
        phases: &s.phases,
        points,
        deepest,
    });
    let _ = write!(
        o,
        "<figure class=\"jr-chart\" data-testid=\"chart-fold-{w}\"><h3>Fold angle</h3><div class=\"jr-svg\">{svg}</div><figcaption>Angle between trunk and straight thigh: 90° is sitting upright, smaller is a deeper fold. "
    );
    o.push_str("<span class=\"jr-legend\">");
    for p in &s.phases {
        let css = phase_colour(p.name);
        let _ = write!(
            o,
            "<span><span class=\"jr-swatch\" style=\"background:{css}\"></span>{} {}</span> ",
            p.name.as_str(),
            span(p.start_s, p.end_s)
        );
    }
    o.push_str("</span></figcaption></figure>\n");

    // Breathing during the hold.
    let trace = media.breath.iter().find(|b| {
        b.side == s.side
            && b.t
                .first()
                .is_some_and(|t| *t >= s.start_s - 1e-6 && *t <= s.end_s + 1e-6)
    });
    match (&s.breath, trace) {
        (Some(b), Some(tr)) => {
            let svg = charts::breath_chart(&charts::BreathChart {
                side: s.side,
                t: &tr.t,
                value: &tr.value,
                holding: &b.holding,
            });
            let held = if b.holding.is_empty() {
                "No held breath.".to_string()
            } else {
                let spans: Vec<String> =
                    b.holding.iter().map(|h| span(h.start_s, h.end_s)).collect();
                format!("Breath held at {} (shaded).", spans.join(", "))
            };
            let _ = writeln!(
                o,
                "<figure class=\"jr-chart\" data-testid=\"chart-breath-{w}\"><h3>Breathing in the hold</h3><div class=\"jr-svg\">{svg}</div><figcaption>{} breaths at {:.1} a minute, regularity {}. {held} The line is the small rise and fall of your {} with each breath.</figcaption></figure>",
                b.count,
                b.rate_per_min,
                percent(b.regularity),
                signal_words(&b.signal)
            );
        }
        (Some(b), None) => {
            let _ = writeln!(
                o,
                "<p class=\"jr-small\" data-testid=\"breath-{w}\">Breathing: {} breaths at {:.1} a minute (the breathing trace was not kept with this report).</p>",
                b.count, b.rate_per_min
            );
        }
        (None, _) => {
            let _ = writeln!(
                o,
                "<p class=\"jr-small\" data-testid=\"breath-{w}\">Breathing was not measured: the hold was too short (under 8 s) or no steady rhythm was seen.</p>"
            );
        }
    }
    o.push_str("<div class=\"jr-pair\">");
    if let Some(k) = media.key_frames.iter().find(|k| {
        k.kind == KeyFrameKind::Deepest
            && k.side == Some(s.side)
            && k.t >= s.start_s - 1e-6
            && k.t <= s.end_s + 1e-6
    }) {
        key_frame_figure(o, k, "");
    }
    measures_table(o, &words::side_rows(s));
    o.push_str("</div></section>\n");
}

fn signal_words(signal: &str) -> &'static str {
    match signal {
        "upper_body_height" => "head and shoulders",
        "torso_length" => "torso's length",
        "fold_angle" => "fold angle",
        _ => "upper body",
    }
}

fn comparison(o: &mut String, c: &SideComparison) {
    o.push_str(
        "<section class=\"jr-card\" data-testid=\"comparison\"><h2>Left against right</h2>\n",
    );
    let _ = writeln!(o, "<p>{}</p>", escape(&c.summary));
    o.push_str("<div class=\"jr-scroll\"><table class=\"jr-compare\"><thead><tr><th>Measure</th><th class=\"jr-left-ink\">Left leg extended</th><th class=\"jr-right-ink\">Right leg extended</th><th>Right − left</th><th>Symmetry index</th></tr></thead><tbody>");
    for m in &c.metrics {
        let (name, unit, digits) = words::compared_metric_words(&m.metric);
        let _ = write!(
            o,
            "<tr><td>{}</td><td>{}</td><td>{}</td><td>{}{unit}</td><td>{:.2}</td></tr>",
            escape(name),
            escape(&words::compared_value(&m.metric, m.left)),
            escape(&words::compared_value(&m.metric, m.right)),
            signed(m.difference, digits),
            m.symmetry_index
        );
    }
    o.push_str("</tbody></table></div>\n");
    let svg = charts::comparison_chart(c);
    let _ = writeln!(
        o,
        "<figure class=\"jr-chart\" data-testid=\"chart-compare\"><div class=\"jr-svg\">{svg}</div><figcaption>Each bar is as long as its side's share of the larger value.</figcaption></figure>"
    );
    o.push_str("</section>\n");
}

/// `+3`, `-0.12`, and `0` rather than `-0` for a difference that rounds to nothing.
fn signed(v: f64, digits: usize) -> String {
    let text = format!("{v:+.digits$}");
    if text
        .trim_start_matches(['+', '-'])
        .chars()
        .all(|c| c == '0' || c == '.')
    {
        text.trim_start_matches(['+', '-']).to_string()
    } else {
        text
    }
}

fn findings(o: &mut String, r: &SessionReport, media: &ReportMedia) {
    o.push_str("<section class=\"jr-card\" data-testid=\"findings\"><h2>What to work on</h2>\n");
    if r.findings.is_empty() {
        let text = if r.sides.is_empty() {
            "Nothing to point out: no Janusirsasana was seen."
        } else {
            "None of the common mistakes was seen. Keep breathing evenly and lengthening before you fold."
        };
        let _ = writeln!(o, "<p>{text}</p>");
    }
    for f in &r.findings {
        finding(o, f, r.kind, media);
    }
    o.push_str("</section>\n");
}

fn finding(o: &mut String, f: &Finding, kind: SessionKind, media: &ReportMedia) {
    let sev = severity_word(f.severity);
    let side = f
        .side
        .map(|s| {
            format!(
                " · <span class=\"jr-tag jr-{0}\">{0} leg extended</span>",
                side_word(s)
            )
        })
        .unwrap_or_default();
    let when = match (kind, f.evidence.first()) {
        (SessionKind::Video, Some(e)) => format!(" · {}", span(e.start_s, e.end_s)),
        _ => String::new(),
    };
    let _ = writeln!(
        o,
        "<div class=\"jr-finding jr-sev-{sev}\" data-testid=\"finding\" data-finding=\"{}\"><h3>{}</h3><p class=\"jr-meta\"><span class=\"jr-sev\">{sev}</span>{side}{when} · {} sure</p><p>{}</p>",
        escape(&f.id),
        escape(&f.title),
        percent(f.certainty),
        escape(&f.message)
    );
    o.push_str("<div class=\"jr-pair\"><div>");
    if !f.evidence.is_empty() {
        o.push_str("<table class=\"jr-evidence\"><thead><tr><th>Measured</th><th>Value</th><th>Threshold</th>");
        if kind == SessionKind::Video {
            o.push_str("<th>When</th>");
        }
        o.push_str("</tr></thead><tbody>");
        for e in &f.evidence {
            let _ = write!(
                o,
                "<tr><td>{}</td><td>{}</td><td>{}</td>",
                escape(metric_words(&e.metric).0),
                escape(&words::evidence_value(&e.metric, e.value)),
                escape(&words::threshold_words(
                    &e.metric,
                    &e.direction,
                    e.threshold
                ))
            );
            if kind == SessionKind::Video {
                let _ = write!(
                    o,
                    "<td>{}–{}</td>",
                    clock_with(e.start_s, true),
                    clock_with(e.end_s, true)
                );
            }
            o.push_str("</tr>");
        }
        o.push_str("</tbody></table>");
    }
    if !f.corrections.is_empty() {
        o.push_str("<h4>Try</h4><ul class=\"jr-try\">");
        for c in &f.corrections {
            let _ = write!(o, "<li>{}</li>", escape(&c.text));
        }
        o.push_str("</ul>");
    }
    if !f.props.is_empty() {
        o.push_str("<h4>Props that help</h4><ul class=\"jr-props\">");
        for p in &f.props {
            let _ = write!(
                o,
                "<li><strong>{}</strong>: {}</li>",
                escape(&p.name),
                escape(&p.text)
            );
        }
        o.push_str("</ul>");
    }
    o.push_str("</div>");
    if let Some(k) = media.key_frames.iter().find(|k| {
        k.kind == KeyFrameKind::Finding && k.finding.as_deref() == Some(&f.id) && k.side == f.side
    }) {
        key_frame_figure(o, k, "jr-small-frame");
    }
    o.push_str("</div></div>\n");
}

fn camera(o: &mut String, r: &SessionReport) {
    let c = &r.camera;
    let (class, testid) = if c.advice.is_some() {
        (" jr-notice", " data-testid=\"camera-advice\"")
    } else {
        ("", "")
    };
    let _ = write!(
        o,
        "<section class=\"jr-card{class}\" data-testid=\"camera\"><h2>Camera</h2>"
    );
    for line in camera_sentences(r) {
        let _ = write!(o, "<p{testid}>{}</p>", escape(&line));
    }
    o.push_str("</section>\n");
}

fn footer(o: &mut String, r: &SessionReport) {
    let _ = writeln!(
        o,
        "<footer class=\"jr-foot\"><p>Skeleton and charts: <span class=\"jr-left-ink\">blue is the left side</span>, <span class=\"jr-right-ink\">orange the right</span>; faint joints were less sure. Sides always name the extended leg, from your own point of view. Report schema {}, {} {}. Made offline by Janu; guidance from two yoga texts, not medical advice.</p></footer>",
        r.schema_version,
        r.frame_count,
        if r.frame_count == 1 {
            "frame"
        } else {
            "frames"
        }
    );
}
