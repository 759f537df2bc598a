//! `janu landmarks`: the real binary on real photos, made-up videos and bad input.
//!
//! The models come from the user's cache (installed on first use, as a user's
//! first run would); every test works in its own temp folder.

use std::path::{Path, PathBuf};

use image::{Rgb, RgbImage};
use janu_body::file::read_jsonl;
use janu_media::{PanZoomSpec, pan_zoom_video};

mod common;
use common::{janu_in as janu, stderr};

/// The dandasana photo (one person, side view) from the shared data.
/// A clear, full-size photo of one person (the first file of the folder is a
/// 108-pixel thumbnail, too small to find twice when doubled).
fn one_person() -> Option<PathBuf> {
    let dir = janu_testkit::shared_data("photos/dandasana")?;
    let photo = dir.join("edaiproject_Dandasana.png");
    assert!(photo.is_file(), "{} is missing", photo.display());
    Some(photo)
}

fn files_in(dir: &Path) -> Vec<String> {
    let mut v: Vec<_> = std::fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    v.sort();
    v
}

#[test]
fn a_photo_gives_33_landmarks_a_csv_and_an_overlay() {
    let Some(photo) = one_person() else { return };
    let dir = tempfile::tempdir().unwrap();
    let p = photo.to_str().unwrap();
    let out = janu(
        dir.path(),
        &["landmarks", p, "-o", "pose.jsonl", "--overlay", "pose.png"],
    );
    assert!(out.status.success(), "{}", stderr(&out));
    let text = std::fs::read_to_string(dir.path().join("pose.jsonl")).unwrap();
    let frames = read_jsonl(text.as_bytes()).unwrap();
    assert_eq!(frames.len(), 1);
    let pose = frames[0].pose.as_ref().expect("a person is found");
    assert_eq!(pose.known_count(), 33);
    assert!(pose.world.is_some() && pose.presence.unwrap() > 0.5);
    let overlay = image::open(dir.path().join("pose.png")).unwrap();
    assert_eq!(overlay.width(), frames[0].width);

    // Same photo, same bytes.
    let again = janu(dir.path(), &["landmarks", p, "--format", "jsonl"]);
    assert_eq!(String::from_utf8_lossy(&again.stdout), text);

    let out = janu(dir.path(), &["landmarks", p, "-o", "pose.csv"]);
    assert!(out.status.success(), "{}", stderr(&out));
    let csv = std::fs::read_to_string(dir.path().join("pose.csv")).unwrap();
    let lines: Vec<&str> = csv.lines().collect();
    assert_eq!(lines.len(), 2);
    assert!(lines[0].starts_with("t,width,height,presence,nose_x,nose_y,nose_z,nose_visibility"));
    assert_eq!(lines[0].split(',').count(), 4 + 33 * 4);
    assert_eq!(lines[1].split(',').count(), 4 + 33 * 4);
}

#[test]
fn nobody_in_the_photo_gives_null_landmarks() {
    let dir = tempfile::tempdir().unwrap();
    RgbImage::from_pixel(640, 480, Rgb([200, 180, 160]))
        .save(dir.path().join("wall.png"))
        .unwrap();
    let out = janu(dir.path(), &["landmarks", "wall.png"]);
    assert!(out.status.success(), "{}", stderr(&out));
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(text.contains("\"landmarks\":null"), "{text}");
    assert!(stderr(&out).contains("no person found"), "{}", stderr(&out));
}

#[test]
fn two_people_are_reported_and_one_is_analysed() {
    let Some(photo) = one_person() else { return };
    let dir = tempfile::tempdir().unwrap();
    let single = image::open(&photo).unwrap().to_rgb8();
    let (w, h) = single.dimensions();
    let mut pair = RgbImage::new(w * 2, h);
    image::imageops::replace(&mut pair, &single, 0, 0);
    image::imageops::replace(&mut pair, &single, i64::from(w), 0);
    pair.save(dir.path().join("pair.png")).unwrap();
    let out = janu(dir.path(), &["landmarks", "pair.png"]);
    assert!(out.status.success(), "{}", stderr(&out));
    assert!(
        stderr(&out).contains("2 people found: analysing the most prominent one"),
        "{}",
        stderr(&out)
    );
    let frames = read_jsonl(&out.stdout[..]).unwrap();
    assert_eq!(frames[0].pose.as_ref().unwrap().known_count(), 33);
}

#[test]
fn a_file_that_is_not_an_image_fails_without_output() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("notes.jpg"), "shopping list\n").unwrap();
    let out = janu(dir.path(), &["landmarks", "notes.jpg", "-o", "out.jsonl"]);
    assert!(!out.status.success());
    assert!(stderr(&out).contains("notes.jpg"), "{}", stderr(&out));
    assert!(!stderr(&out).contains("panicked"));
    assert_eq!(files_in(dir.path()), ["notes.jpg"]);
}

#[test]
fn a_huge_photo_is_refused_clearly() {
    let dir = tempfile::tempdir().unwrap();
    image::GrayImage::new(10_000, 10_000)
        .save(dir.path().join("huge.png"))
        .unwrap();
    let out = janu(dir.path(), &["landmarks", "huge.png", "-o", "out.jsonl"]);
    let err = stderr(&out);
    assert!(!out.status.success(), "{err}");
    assert!(err.contains("huge.png") && err.contains("10000"), "{err}");
    assert!(!err.contains("panicked"));
    assert_eq!(files_in(dir.path()), ["huge.png"]);
}

#[test]
fn fake_and_truncated_videos_fail_without_output() {
    let Some(photo) = one_person() else { return };
    let dir = tempfile::tempdir().unwrap();
    let spec = PanZoomSpec {
        width: 320,
        height: 240,
        fps: 10.0,
        seconds_per_photo: 1.0,
        ..PanZoomSpec::hd720()
    };
    pan_zoom_video(&[photo.clone(), photo], &dir.path().join("clip.mp4"), &spec).unwrap();

    // The whole clip works, and an overlay video is written.
    let out = janu(
        dir.path(),
        &[
            "landmarks",
            "clip.mp4",
            "-o",
            "clip.jsonl",
            "--overlay",
            "seen.mp4",
        ],
    );
    assert!(out.status.success(), "{}", stderr(&out));
    let frames = read_jsonl(
        std::fs::read_to_string(dir.path().join("clip.jsonl"))
            .unwrap()
            .as_bytes(),
    )
    .unwrap();
    assert_eq!(frames.len(), 20);
    assert!(frames.iter().filter(|f| f.pose.is_some()).count() >= 18);
    assert!(frames.windows(2).all(|w| w[1].t > w[0].t));
    assert!(
        std::fs::metadata(dir.path().join("seen.mp4"))
            .unwrap()
            .len()
            > 1000
    );

    // --fps subsamples by timestamp.
    let out = janu(dir.path(), &["landmarks", "clip.mp4", "--fps", "5"]);
    assert!(out.status.success(), "{}", stderr(&out));
    assert_eq!(read_jsonl(&out.stdout[..]).unwrap().len(), 10);

    let bytes = std::fs::read(dir.path().join("clip.mp4")).unwrap();
    let cut = dir.path().join("cut");
    std::fs::create_dir(&cut).unwrap();
    std::fs::write(cut.join("cut.mp4"), &bytes[..bytes.len() / 2]).unwrap();
    let mut fake = b"\0\0\0\x18ftypisom".to_vec();
    fake.extend(std::iter::repeat_n(0x5a, 4000));
    std::fs::write(cut.join("fake.mp4"), fake).unwrap();
    for name in ["cut.mp4", "fake.mp4"] {
        let out = janu(
            &cut,
            &["landmarks", name, "-o", "out.jsonl", "--overlay", "o.mp4"],
        );
        let err = stderr(&out);
        assert!(!out.status.success(), "{name} should fail: {err}");
        assert!(err.contains(name), "{err}");
        assert!(!err.contains("panicked"), "{err}");
    }
    assert_eq!(files_in(&cut), ["cut.mp4", "fake.mp4"]);
}
