//! The HTML report: self-contained, deterministic, and showing what a reader
//! needs (charts per side, comparison, findings with evidence, the bent-leg note)
//! for a photo, a one-side video and a whole practice.

use janu_analysis::SessionReport;
use janu_body::Side;
use janu_report::html::{document, fragment};
use janu_report::media::{BreathTrace, KeyFrame, KeyFrameKind, ReportMedia};
use janu_synth::{Mistake, generate, scenarios};

fn photo_report(needle: &str) -> SessionReport {
    let text =
        std::fs::read_to_string(janu_testkit::fixture("mediapipe/photos_full.jsonl")).unwrap();
    let line = text.lines().find(|l| l.contains(needle)).unwrap();
    let frame = janu_body::file::parse_line(line).unwrap();
    janu_analysis::analyze(&[frame]).unwrap()
}

/// The page's outline: every `data-testid` and heading, in order, so a change of
/// layout shows in the snapshot without the bulk of the SVG.
fn outline(html: &str) -> String {
    let mut out = Vec::new();
    let mut rest = html;
    while let Some(i) = rest.find('<') {
        rest = &rest[i + 1..];
        let end = rest.find('>').unwrap_or(rest.len());
        let tag = &rest[..end];
        if let Some(p) = tag.find("data-testid=\"") {
            let id = &tag[p + 13..];
            out.push(format!("[{}]", &id[..id.find('"').unwrap()]));
        }
        for h in ["h1", "h2", "h3", "h4"] {
            if tag == h || tag.starts_with(&format!("{h} ")) {
                let text_end = rest.find(&format!("</{h}>")).unwrap();
                let inner = &rest[end + 1..text_end];
                let text: String = strip_tags(inner);
                out.push(format!("{h}: {text}"));
            }
        }
    }
    out.join("\n")
}

fn strip_tags(s: &str) -> String {
    let mut o = String::new();
    let mut inside = false;
    for c in s.chars() {
        match c {
            '<' => inside = true,
            '>' => inside = false,
            c if !inside => o.push(c),
            _ => {}
        }
    }
    o
}

fn assert_self_contained(html: &str) {
    // The SVG namespace is a name, not an address anything is fetched from.
    let html = html.replace("xmlns=\"http://www.w3.org/2000/svg\"", "");
    for bad in [
        "<script", "http://", "https://", "src=\"/", "href=\"", "@import", "url(",
    ] {
        assert!(
            !html.contains(bad),
            "the report must not fetch or run anything: {bad}"
        );
    }
}

#[test]
fn a_photo_report_is_small_self_contained_and_stable() {
    let r = photo_report("BK_11.jpeg");
    let html = document(&r, &ReportMedia::none(), "BK_11.jpeg").unwrap();
    assert!(html.starts_with("<!doctype html>"));
    assert!(html.contains("Baddha Konasana"), "the pose is named");
    assert!(!html.contains("chart-fold"), "a photo has no time plots");
    assert_self_contained(&html);
    assert_eq!(
        html,
        document(&r, &ReportMedia::none(), "BK_11.jpeg").unwrap()
    );
    // The snapshot leaves out the style sheet (its own file, unchanged here).
    let frag = fragment(&r, &ReportMedia::none(), "BK_11.jpeg").unwrap();
    let no_style = frag.replace(janu_report::html::STYLE, "/* STYLE */");
    insta::assert_snapshot!("photo_fragment", no_style);
}

#[test]
fn a_whole_practice_has_both_sides_charts_and_the_comparison() {
    let synth = generate(&scenarios::clean_session(5)).unwrap();
    let r = janu_analysis::analyze(&synth.frames).unwrap();
    assert_eq!(r.sides.len(), 2);
    let html = document(&r, &ReportMedia::none(), "practice.jsonl").unwrap();
    assert_self_contained(&html);
    for id in [
        "chart-timeline",
        "side-left",
        "side-right",
        "chart-fold-left",
        "chart-fold-right",
        "comparison",
        "chart-compare",
        "findings",
        "camera",
    ] {
        assert!(
            html.contains(&format!("data-testid=\"{id}\"")),
            "{id} is missing"
        );
    }
    // The fold chart of each side is drawn in that side's colour.
    let left = &html[html.find("chart-fold-left").unwrap()..html.find("chart-fold-right").unwrap()];
    assert!(
        left.contains("#2B6CB0") || left.contains("#2b6cb0"),
        "left in blue"
    );
    // Same input, same bytes.
    assert_eq!(
        html,
        document(&r, &ReportMedia::none(), "practice.jsonl").unwrap()
    );
    insta::assert_snapshot!("practice_outline", outline(&html));
}

#[test]
fn media_shows_key_frames_and_breathing() {
    let synth = generate(&scenarios::with_mistake(Mistake::LockedKnee, 2)).unwrap();
    let r = janu_analysis::analyze(&synth.frames).unwrap();
    let side = r.sides[0].clone();
    let finding = r
        .findings
        .iter()
        .find(|f| f.id == "locked-knee")
        .expect("the planted mistake is found")
        .clone();
    let jpeg = vec![0xff, 0xd8, 0xff, 0xd9];
    let media = ReportMedia {
        key_frames: vec![
            KeyFrame {
                t: side.start_s + 10.0,
                side: Some(side.side),
                kind: KeyFrameKind::Deepest,
                finding: None,
                caption: "deepest <moment>".into(),
                picture: true,
                width: 4,
                height: 3,
                jpeg: jpeg.clone(),
            },
            KeyFrame {
                t: finding.evidence[0].start_s,
                side: finding.side,
                kind: KeyFrameKind::Finding,
                finding: Some(finding.id.clone()),
                caption: "knee".into(),
                picture: false,
                width: 4,
                height: 3,
                jpeg,
            },
        ],
        breath: vec![BreathTrace {
            side: side.side,
            signal: "upper_body_height".into(),
            t: (0..200)
                .map(|i| side.start_s + 20.0 + f64::from(i) / 10.0)
                .collect(),
            value: (0..200).map(|i| (i as f32 / 8.0).sin()).collect(),
        }],
    };
    let html = document(&r, &media, "knee.jsonl").unwrap();
    assert_eq!(html.matches("data-testid=\"key-frame\"").count(), 2);
    assert!(html.contains("data:image/jpeg;base64,/9j/2Q=="));
    assert!(
        html.contains("deepest &lt;moment&gt;"),
        "captions are escaped"
    );
    let w = if side.side == Side::Left {
        "left"
    } else {
        "right"
    };
    assert!(html.contains(&format!("data-testid=\"chart-breath-{w}\"")));
    // The finding shows its evidence, time, corrections and props.
    let f = &html[html.find("data-finding=\"locked-knee\"").unwrap()..];
    let f = &f[..f.find("</div></div>").unwrap()];
    assert!(f.contains("Threshold") && f.contains("When"), "{f}");
    assert!(f.contains("<h4>Try</h4>"), "{f}");
    assert!(f.contains("data-testid=\"key-frame\""), "{f}");
}

#[test]
fn a_hidden_bent_leg_is_said_in_plain_words() {
    let synth = generate(&scenarios::side_view_hidden_bent_leg(4)).unwrap();
    let r = janu_analysis::analyze(&synth.frames).unwrap();
    let html = fragment(&r, &ReportMedia::none(), "side.jsonl").unwrap();
    assert!(
        html.contains("data-testid=\"bent-leg-note\""),
        "{}",
        outline(&html)
    );
    assert!(html.contains(janu_analysis::CAMERA_ADVICE.split(':').next().unwrap()));
}
