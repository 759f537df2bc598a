//! `janu analyze`: the real binary on landmark files (a real photo's MediaPipe
//! landmarks, generated sessions with known answers) and on bad input.

use std::path::Path;
use std::process::Output;

use janu_body::Side;
use janu_synth::{PoseName as SynthPose, Scenario, Segment, generate, scenarios};

mod common;
use common::{janu_in as janu, stderr};

fn stdout(out: &Output) -> String {
    String::from_utf8_lossy(&out.stdout).into_owned()
}

/// One line of the MediaPipe reference landmarks of the shared photos (in the
/// repository), whose `file` field contains `needle`.
fn photo_line(needle: &str) -> String {
    let text =
        std::fs::read_to_string(janu_testkit::fixture("mediapipe/photos_full.jsonl")).unwrap();
    text.lines()
        .find(|l| l.contains(needle))
        .unwrap()
        .to_string()
}

/// A short generated practice: Dandasana, then Janusirsasana with the left leg
/// extended held 20 s, then Dandasana.
fn short_session(dir: &Path) -> (String, janu_synth::Synthetic) {
    let s = Scenario::new(
        "short",
        11,
        vec![
            Segment::held(SynthPose::Dandasana, Side::Left, 4.0),
            Segment::janusirsasana(Side::Left).hold(20.0),
            Segment::held(SynthPose::Dandasana, Side::Left, 4.0),
        ],
    );
    let syn = generate(&s).unwrap();
    let path = dir.join("session.jsonl");
    let mut f = std::fs::File::create(&path).unwrap();
    janu_body::file::write_jsonl(&mut f, &syn.frames).unwrap();
    (path.to_string_lossy().into_owned(), syn)
}

#[test]
fn a_photo_landmark_file_gives_a_top_level_pose() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("bk.jsonl"), photo_line("BK_11.jpeg") + "\n").unwrap();
    let out = janu(dir.path(), &["analyze", "bk.jsonl", "--format", "json"]);
    assert!(out.status.success(), "{}", stderr(&out));
    let json: serde_json::Value = serde_json::from_str(&stdout(&out)).unwrap();
    assert_eq!(json["schema_version"], 1);
    assert_eq!(json["kind"], "photo");
    assert_eq!(json["pose"]["name"], "baddha_konasana");
    assert!(json["pose"]["extended_leg"].is_null());
    assert!(json["pose"]["confidence"].as_f64().unwrap() > 0.5);
    assert!(json.get("segments").is_none());
    insta::assert_snapshot!("photo_baddha_konasana_json", stdout(&out));
    let text = janu(dir.path(), &["analyze", "bk.jsonl"]);
    assert!(text.status.success());
    insta::assert_snapshot!("photo_baddha_konasana_text", stdout(&text));
}

#[test]
fn a_session_gives_segments_sides_and_a_readable_summary() {
    let dir = tempfile::tempdir().unwrap();
    let (path, syn) = short_session(dir.path());
    let out = janu(dir.path(), &["analyze", &path, "-o", "report.json"]);
    assert!(out.status.success(), "{}", stderr(&out));
    let text = std::fs::read_to_string(dir.path().join("report.json")).unwrap();
    let json: serde_json::Value = serde_json::from_str(&text).unwrap();
    assert_eq!(json["kind"], "video");
    assert!(json.get("pose").is_none());
    let segs = json["segments"].as_array().unwrap();
    let janu_seg = segs
        .iter()
        .find(|s| s["name"] == "janusirsasana")
        .expect("the pose is found");
    assert_eq!(janu_seg["extended_leg"], "left");
    assert!(janu_seg["start_s"].as_f64().unwrap() < janu_seg["end_s"].as_f64().unwrap());
    let hold = json["sides"][0]["hold_s"].as_f64().unwrap();
    let truth = syn.truth.janu_holds(Side::Left).next().unwrap().duration_s;
    assert!((hold - truth).abs() < 0.5, "hold {hold} against {truth}");
    // Same input, same bytes.
    let again = janu(dir.path(), &["analyze", &path, "--format", "json"]);
    assert_eq!(stdout(&again), text);

    let summary = janu(dir.path(), &["analyze", &path]);
    assert!(summary.status.success());
    let s = stdout(&summary);
    assert!(s.contains("Left leg extended"), "{s}");
    assert!(s.contains("hold: "), "{s}");
    insta::assert_snapshot!("short_session_text", s);
}

#[test]
fn csv_has_one_row_per_frame() {
    let dir = tempfile::tempdir().unwrap();
    let (path, syn) = short_session(dir.path());
    let out = janu(dir.path(), &["analyze", &path, "-o", "metrics.csv"]);
    assert!(out.status.success(), "{}", stderr(&out));
    let text = std::fs::read_to_string(dir.path().join("metrics.csv")).unwrap();
    let mut lines = text.lines();
    let header = lines.next().unwrap();
    assert!(header.starts_with("t,pose,confidence,extended_leg,extended_knee_flexion_deg"));
    let rows: Vec<&str> = lines.collect();
    assert_eq!(rows.len(), syn.frames.len());
    let cols = header.split(',').count();
    assert!(rows.iter().all(|r| r.split(',').count() == cols));
    assert!(rows.iter().any(|r| r.contains(",janusirsasana,")));
}

#[test]
fn html_of_a_photo_landmark_file_is_one_self_contained_page() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("p.jsonl"), photo_line("BK_11.jpeg") + "\n").unwrap();
    let out = janu(dir.path(), &["analyze", "p.jsonl", "-o", "r.html"]);
    assert!(out.status.success(), "{}", stderr(&out));
    let html = std::fs::read_to_string(dir.path().join("r.html")).unwrap();
    assert!(html.starts_with("<!doctype html>"));
    assert!(html.contains("<title>Janu report: p.jsonl</title>"));
    assert!(html.contains("Baddha Konasana"));
    // The skeleton, drawn on a plain canvas (a landmark file has no picture).
    assert_eq!(html.matches("data-testid=\"key-frame\"").count(), 1);
    assert!(html.contains("data:image/jpeg;base64,"));
    assert!(html.contains("skeleton only"));
    assert!(!html.contains("<script"));
    // --format html to standard output gives the same page.
    let stdout_page = janu(dir.path(), &["analyze", "p.jsonl", "--format", "html"]);
    assert!(stdout_page.status.success());
    assert_eq!(stdout(&stdout_page), html);
}

#[test]
fn html_of_a_session_has_the_charts_and_is_stable() {
    let dir = tempfile::tempdir().unwrap();
    let (path, _) = short_session(dir.path());
    let out = janu(dir.path(), &["analyze", &path, "-o", "a.html"]);
    assert!(out.status.success(), "{}", stderr(&out));
    let again = janu(
        dir.path(),
        &["analyze", &path, "--format", "html", "-o", "b.html"],
    );
    assert!(again.status.success(), "{}", stderr(&again));
    let a = std::fs::read_to_string(dir.path().join("a.html")).unwrap();
    let b = std::fs::read_to_string(dir.path().join("b.html")).unwrap();
    assert_eq!(a, b, "same input, same bytes");
    for id in [
        "chart-timeline",
        "side-left",
        "chart-fold-left",
        "chart-breath-left",
        "findings",
        "camera",
    ] {
        assert!(a.contains(&format!("data-testid=\"{id}\"")), "{id}");
    }
    assert!(a.matches("<svg").count() >= 3);
}

#[test]
fn a_bad_input_writes_no_html() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("notes.mp4"), "not a video\n".repeat(40)).unwrap();
    let out = janu(dir.path(), &["analyze", "notes.mp4", "-o", "r.html"]);
    assert!(!out.status.success());
    assert!(stderr(&out).contains("notes.mp4"), "{}", stderr(&out));
    assert!(!dir.path().join("r.html").exists());
    let leftovers: Vec<_> = std::fs::read_dir(dir.path())
        .unwrap()
        .filter_map(Result::ok)
        .map(|e| e.file_name().to_string_lossy().into_owned())
        .filter(|n| n.starts_with(".janu"))
        .collect();
    assert!(leftovers.is_empty(), "{leftovers:?}");
}

#[test]
fn bad_input_names_the_file_and_the_line_and_writes_nothing() {
    let dir = tempfile::tempdir().unwrap();
    let good = photo_line("BK_11.jpeg");
    let bad = good.replacen("0.", "NaN", 1);
    std::fs::write(dir.path().join("nan.jsonl"), format!("{good}\n{bad}\n")).unwrap();
    let out = janu(dir.path(), &["analyze", "nan.jsonl", "-o", "out.json"]);
    assert!(!out.status.success());
    let err = stderr(&out);
    assert!(
        err.contains("nan.jsonl") && err.contains("line 2") && err.contains("NaN"),
        "{err}"
    );
    assert!(!dir.path().join("out.json").exists());

    std::fs::write(dir.path().join("empty.jsonl"), "").unwrap();
    let out = janu(dir.path(), &["analyze", "empty.jsonl"]);
    assert!(!out.status.success());
    assert!(stderr(&out).contains("empty.jsonl"), "{}", stderr(&out));

    std::fs::write(dir.path().join("blank.jsonl"), "\n\n").unwrap();
    let out = janu(dir.path(), &["analyze", "blank.jsonl"]);
    assert!(!out.status.success());
    assert!(stderr(&out).contains("blank.jsonl"), "{}", stderr(&out));

    let out = janu(dir.path(), &["analyze", "missing.jsonl"]);
    assert!(!out.status.success());
    assert!(stderr(&out).contains("missing.jsonl"), "{}", stderr(&out));

    std::fs::write(dir.path().join("junk.bin"), [0u8, 1, 2, 3, 4, 5, 6, 7]).unwrap();
    let out = janu(dir.path(), &["analyze", "junk.bin"]);
    assert!(!out.status.success());
    assert!(stderr(&out).contains("junk.bin"), "{}", stderr(&out));

    // A real frame repeated 300 times, 1e-13 s and 1e-300 s apart: such files
    // once aborted the process (exit 134) or panicked (exit 101).
    let rest = good
        .split_once("\"t\":")
        .and_then(|(_, r)| r.split_once(','))
        .map(|(_, r)| r.to_owned())
        .unwrap();
    for gap in [1e-13, 1e-300] {
        let dense: String = (0..300)
            .map(|i| format!("{{\"t\":{:e},{rest}\n", f64::from(i) * gap))
            .collect();
        std::fs::write(dir.path().join("dense.jsonl"), dense).unwrap();
        let out = janu(dir.path(), &["analyze", "dense.jsonl"]);
        assert!(
            matches!(out.status.code(), Some(1 | 2)),
            "exit {:?}: {}",
            out.status.code(),
            stderr(&out)
        );
        let err = stderr(&out);
        assert!(
            err.contains("dense.jsonl") && err.contains("1 ms apart"),
            "{err}"
        );
        assert!(!err.contains("panicked"), "{err}");
    }
}

#[test]
fn a_mirrored_webcam_session_reads_the_right_sides_with_the_flag() {
    let dir = tempfile::tempdir().unwrap();
    let mut scenario = scenarios::clean_session(3);
    scenario.camera = janu_synth::Camera::room(45.0).mirror();
    let syn = generate(&scenario).unwrap();
    let path = dir.path().join("mirrored.jsonl");
    let mut f = std::fs::File::create(&path).unwrap();
    janu_body::file::write_jsonl(&mut f, &syn.frames).unwrap();
    let out = janu(
        dir.path(),
        &[
            "analyze",
            "mirrored.jsonl",
            "--mirrored",
            "--format",
            "json",
        ],
    );
    assert!(out.status.success(), "{}", stderr(&out));
    let json: serde_json::Value = serde_json::from_str(&stdout(&out)).unwrap();
    let sides: Vec<&str> = json["sides"]
        .as_array()
        .unwrap()
        .iter()
        .filter_map(|s| s["side"].as_str())
        .collect();
    assert_eq!(sides.first(), Some(&"left"), "{sides:?}");
    assert!(sides.contains(&"right"), "{sides:?}");
}

/// The words a person reads on an HTML page, one block a line: the style
/// sheet, the charts' SVG and the pictures left out, entities undone.
fn html_sentences(html: &str) -> String {
    let mut s = html.to_string();
    for (open, close) in [("<style", "</style>"), ("<svg", "</svg>")] {
        while let Some(a) = s.find(open) {
            let b = s[a..].find(close).map_or(s.len(), |b| a + b + close.len());
            s.replace_range(a..b, "");
        }
    }
    for block in [
        "</p>",
        "</li>",
        "</h1>",
        "</h2>",
        "</h3>",
        "</h4>",
        "</tr>",
        "</dt>",
        "</dd>",
        "</figcaption>",
        "<br>",
    ] {
        s = s.replace(block, &format!("{block}\n"));
    }
    s = s
        .replace("</td>", "</td> | ")
        .replace("</th>", "</th> | ")
        .replace("<p>", "\n<p>")
        .replace("</span><span", "</span> <span");
    let mut text = String::new();
    let mut inside = false;
    for c in s.chars() {
        match c {
            '<' => inside = true,
            '>' => inside = false,
            c if !inside => text.push(c),
            _ => {}
        }
    }
    let text = text
        .replace("&lt;", "<")
        .replace("&gt;", ">")
        .replace("&quot;", "\"")
        .replace("&#39;", "'")
        .replace("&amp;", "&");
    text.lines()
        .map(|l| l.split_whitespace().collect::<Vec<_>>().join(" "))
        .map(|l| l.trim_end_matches(" |").to_string())
        .filter(|l| !l.is_empty())
        .collect::<Vec<_>>()
        .join("\n")
}

/// What a person reads about real photos of the pose, through the real model:
/// the text report and the HTML page's sentences. One photo bends the straight
/// knee a little, the other presses it past straight.
#[test]
fn real_photos_of_the_pose_read_as_sentences() {
    let Some(dir) = janu_testkit::shared_data("photos/janu_sirsasana") else {
        return;
    };
    let work = tempfile::tempdir().unwrap();
    for (name, file) in [
        ("myfitme", "myfitme_janu.jpg"),
        ("ashtanga_a", "ashtangaasanas_janu_sirsasana_a.jpg"),
    ] {
        let photo = dir.join(file);
        assert!(photo.is_file(), "{} is missing", photo.display());
        let p = photo.to_str().unwrap();
        let text = janu(work.path(), &["analyze", p, "--format", "text"]);
        assert!(text.status.success(), "{}", stderr(&text));
        let text = stdout(&text);
        assert_reads_as_sentences(&text);
        insta::assert_snapshot!(format!("real_photo_{name}_text"), text);
        let html = janu(work.path(), &["analyze", p, "--format", "html"]);
        assert!(html.status.success(), "{}", stderr(&html));
        let words = html_sentences(&stdout(&html));
        assert_reads_as_sentences(&words);
        insta::assert_snapshot!(format!("real_photo_{name}_html_words"), words);
    }
}

/// A generated practice with planted mistakes on both sides: each side's form,
/// the findings with their limits, left against right.
#[test]
fn a_session_with_mistakes_reads_as_sentences() {
    let dir = tempfile::tempdir().unwrap();
    let s = Scenario::new(
        "mistakes",
        7,
        vec![
            Segment::held(SynthPose::Dandasana, Side::Left, 4.0),
            Segment::janusirsasana(Side::Left)
                .hold(30.0)
                .with(janu_synth::Mistake::LockedKnee)
                .with(janu_synth::Mistake::PelvisTwisted),
            Segment::held(SynthPose::Dandasana, Side::Left, 4.0),
            Segment::janusirsasana(Side::Right)
                .hold(30.0)
                .with(janu_synth::Mistake::ShoulderStrain)
                .with(janu_synth::Mistake::CollapsedSpine),
            Segment::held(SynthPose::Dandasana, Side::Left, 4.0),
        ],
    );
    let syn = generate(&s).unwrap();
    let path = dir.path().join("mistakes.jsonl");
    let mut f = std::fs::File::create(&path).unwrap();
    janu_body::file::write_jsonl(&mut f, &syn.frames).unwrap();
    let p = path.to_str().unwrap();
    let text = janu(dir.path(), &["analyze", p, "--format", "text"]);
    assert!(text.status.success(), "{}", stderr(&text));
    let text = stdout(&text);
    assert_reads_as_sentences(&text);
    assert!(text.contains("past straight"), "{text}");
    insta::assert_snapshot!("session_with_mistakes_text", text);
    let html = janu(dir.path(), &["analyze", p, "--format", "html"]);
    assert!(html.status.success(), "{}", stderr(&html));
    let words = html_sentences(&stdout(&html));
    assert_reads_as_sentences(&words);
    insta::assert_snapshot!("session_with_mistakes_html_words", words);
}

/// No machine names, no negative bends, no debug-style `name = value` pairs.
fn assert_reads_as_sentences(words: &str) {
    for machine in [
        "not_on_leg",
        "inner_thigh",
        "at_knee",
        "_deg",
        "torso_shortening",
        "shoulder_elevation",
        " = ",
        "time(s)",
        "bent -",
        ": -",
    ] {
        assert!(
            !words.contains(machine),
            "{machine:?} in what a person reads:\n{words}"
        );
    }
}
