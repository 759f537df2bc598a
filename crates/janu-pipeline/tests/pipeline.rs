//! The pipeline on real inputs: a generated whole practice as a landmark file,
//! a real photo and a video made from it (the real pose model), and bad files,
//! each of which must be refused with a message naming the file.

use std::path::{Path, PathBuf};

use janu_media::{Mp4Writer, PanZoomSpec, RgbImage, pan_zoom_video};
use janu_pipeline::{
    EstimatorSource, InputKind, KEY_FRAME_MAX_SIDE, LazyEstimator, PipelineError, PipelineOptions,
    Progress, Stage, analyze_file,
};
use janu_report::media::KeyFrameKind;
use janu_vision::{EstimatorOptions, ModelSize};

/// A real photo of a head-to-knee pose (the revolved form) from the shared data.
const PHOTO: &str = "parivrtta_janu_sirsasana/app_src_main_res_drawable_janu_sirsasana.jpg";

fn write_landmarks(dir: &Path, name: &str, scenario: &janu_synth::Scenario) -> PathBuf {
    let synth = janu_synth::generate(scenario).unwrap();
    let path = dir.join(name);
    janu_body::file::write_jsonl(std::fs::File::create(&path).unwrap(), &synth.frames).unwrap();
    path
}

/// An estimator that must never be asked: a landmark file needs no model.
struct NoModel;

impl EstimatorSource for NoModel {
    fn estimator(
        &mut self,
    ) -> Result<&mut dyn janu_vision::PoseEstimate, janu_vision::VisionError> {
        panic!("a landmark file must not load the pose model")
    }
    fn is_loaded(&self) -> bool {
        false
    }
}

fn lite() -> LazyEstimator {
    LazyEstimator::new(EstimatorOptions {
        model: ModelSize::Lite,
        threads: 1,
        ..Default::default()
    })
}

fn decode(jpeg: &[u8]) -> RgbImage {
    image::load_from_memory_with_format(jpeg, image::ImageFormat::Jpeg)
        .unwrap()
        .to_rgb8()
}

#[test]
fn a_whole_practice_file_gives_both_sides_key_frames_and_breathing() {
    let dir = tempfile::tempdir().unwrap();
    let path = write_landmarks(
        dir.path(),
        "practice.jsonl",
        &janu_synth::scenarios::with_mistake(janu_synth::Mistake::LockedKnee, 3),
    );
    let mut stages = Vec::new();
    let a = analyze_file(
        &path,
        &PipelineOptions::default(),
        &mut NoModel,
        &mut |p: Progress| {
            if stages.last() != Some(&p.stage) {
                stages.push(p.stage);
            }
        },
    )
    .unwrap();
    assert_eq!(a.input, InputKind::Landmarks);
    assert_eq!(
        stages,
        [Stage::Landmarks, Stage::Analysing, Stage::KeyFrames]
    );
    assert_eq!(a.frames.len(), a.report.frames.len());
    assert!(!a.report.sides.is_empty());
    // One deepest moment per side, one picture per frame-measured finding.
    let deepest = a
        .key_frames()
        .iter()
        .filter(|k| k.kind == KeyFrameKind::Deepest)
        .count();
    assert_eq!(deepest, a.report.sides.len());
    assert!(
        a.key_frames()
            .iter()
            .any(|k| k.finding.as_deref() == Some("locked-knee")),
        "{:?}",
        a.key_frames()
            .iter()
            .map(|k| &k.caption)
            .collect::<Vec<_>>()
    );
    for k in a.key_frames() {
        assert!(!k.picture, "a landmark file has no pictures");
        let img = decode(&k.jpeg);
        assert_eq!((img.width(), img.height()), (k.width, k.height));
        assert!(k.width.max(k.height) <= KEY_FRAME_MAX_SIDE);
        // The skeleton is drawn: the canvas is not one flat colour.
        let first = *img.get_pixel(0, 0);
        assert!(
            img.pixels().filter(|p| **p != first).count() > 500,
            "{}",
            k.caption
        );
    }
    assert!(
        a.key_frames().windows(2).all(|w| w[0].t <= w[1].t),
        "time order"
    );
    // Each side with a measured breath has its trace, around zero.
    let measured = a.report.sides.iter().filter(|s| s.breath.is_some()).count();
    assert_eq!(a.media.breath.len(), measured);
    for b in &a.media.breath {
        assert_eq!(b.t.len(), b.value.len());
        let mean = b.value.iter().sum::<f32>() / b.value.len() as f32;
        assert!(mean.abs() < 0.1, "{mean}");
    }
    // Same input, same bytes.
    let again = analyze_file(
        &path,
        &PipelineOptions::default(),
        &mut NoModel,
        &mut |_| {},
    )
    .unwrap();
    assert_eq!(again.media, a.media);
    let html = janu_report::html::document(&a.report, &a.media, "practice.jsonl").unwrap();
    assert_eq!(
        html,
        janu_report::html::document(&again.report, &again.media, "practice.jsonl").unwrap()
    );
}

#[test]
fn the_mirrored_flag_swaps_the_sides_back() {
    let dir = tempfile::tempdir().unwrap();
    let path = write_landmarks(
        dir.path(),
        "webcam.jsonl",
        &janu_synth::scenarios::mirrored_webcam(2),
    );
    let plain = analyze_file(
        &path,
        &PipelineOptions::default(),
        &mut NoModel,
        &mut |_| {},
    )
    .unwrap();
    let options = PipelineOptions {
        mirrored: true,
        ..Default::default()
    };
    let mirrored = analyze_file(&path, &options, &mut NoModel, &mut |_| {}).unwrap();
    let sides =
        |a: &janu_pipeline::Analysis| a.report.sides.iter().map(|s| s.side).collect::<Vec<_>>();
    let swapped: Vec<_> = sides(&plain).iter().map(|s| s.other()).collect();
    assert_eq!(sides(&mirrored), swapped);
}

#[test]
fn a_real_photo_and_a_video_of_it_get_pictures_with_skeletons() {
    let Some(photos) = janu_testkit::shared_data("photos") else {
        return;
    };
    let photo = photos.join(PHOTO);
    let mut estimator = lite();
    let a = analyze_file(
        &photo,
        &PipelineOptions::default(),
        &mut estimator,
        &mut |_| {},
    )
    .unwrap();
    assert_eq!(a.input, InputKind::Photo);
    assert!(a.frames[0].pose.is_some(), "the person is found");
    let k = &a.key_frames()[0];
    assert_eq!(k.kind, KeyFrameKind::Photo);
    assert!(k.picture);
    let img = decode(&k.jpeg);
    let source = janu_media::read_image(&photo).unwrap();
    // The picture keeps the photo's proportions.
    let ratio = |w: u32, h: u32| f64::from(w) / f64::from(h);
    assert!(
        (ratio(img.width(), img.height()) - ratio(source.width(), source.height())).abs() < 0.02
    );

    // A short video panning over the same photo: the key frames come from it.
    let dir = tempfile::tempdir().unwrap();
    let video = dir.path().join("clip.mp4");
    let spec = PanZoomSpec {
        width: 640,
        height: 480,
        fps: 10.0,
        seconds_per_photo: 3.0,
        ..PanZoomSpec::hd720()
    };
    pan_zoom_video(&[photo], &video, &spec).unwrap();
    let mut frames_seen = 0;
    let v = analyze_file(
        &video,
        &PipelineOptions::default(),
        &mut estimator,
        &mut |p| {
            if p.stage == Stage::Landmarks {
                frames_seen = p.done;
            }
        },
    )
    .unwrap();
    assert_eq!(v.input, InputKind::Video);
    assert_eq!(frames_seen as usize, v.frames.len());
    assert!(v.frames.len() >= 25, "{}", v.frames.len());
    for k in v.key_frames() {
        assert!(k.picture, "{}", k.caption);
        let img = decode(&k.jpeg);
        assert_eq!((img.width(), img.height()), (640, 480));
    }
}

#[test]
fn bad_files_are_the_input_s_fault_and_named() {
    let dir = tempfile::tempdir().unwrap();
    let run = |name: &str, bytes: &[u8]| -> PipelineError {
        let path = dir.path().join(name);
        std::fs::write(&path, bytes).unwrap();
        let e = analyze_file(
            &path,
            &PipelineOptions::default(),
            &mut NoModel,
            &mut |_| {},
        )
        .expect_err(name);
        assert!(e.is_bad_input(), "{name}: {e:?}");
        assert!(e.to_string().contains(name), "{name}: {e}");
        e
    };
    assert!(matches!(run("empty.jpg", b""), PipelineError::Empty { .. }));
    assert!(matches!(
        run("notes.mp4", "just some notes\n".repeat(30).as_bytes()),
        PipelineError::NotMedia { .. }
    ));
    let good = r#"{"t":0,"width":640,"height":480,"schema":"coco17","landmarks":null}"#;
    let nan = good.replace("null", "[[NaN,0.5]]");
    let e = run("nan.jsonl", format!("{good}\n{nan}\n").as_bytes());
    assert!(matches!(e, PipelineError::BadLandmarks { .. }), "{e:?}");
    assert!(e.to_string().contains("line 2"), "{e}");
    let back = good.replace("\"t\":0", "\"t\":-1");
    let e = run("back.jsonl", format!("{good}\n{back}\n").as_bytes());
    assert!(matches!(e, PipelineError::BadLandmarks { .. }), "{e:?}");
    assert!(matches!(
        run("blank.jsonl", b"\n\n"),
        PipelineError::NoFrames { .. } | PipelineError::NotMedia { .. }
    ));

    // A video cut in the middle (a broken download).
    let clip = dir.path().join("whole.mp4");
    let mut w = Mp4Writer::create(&clip, 64, 48, 10.0).unwrap();
    for i in 0..20u8 {
        w.push(&RgbImage::from_pixel(64, 48, image::Rgb([i * 10, 0, 0])))
            .unwrap();
    }
    w.finish().unwrap();
    let bytes = std::fs::read(&clip).unwrap();
    let path = dir.path().join("cut.mp4");
    std::fs::write(&path, &bytes[..bytes.len() * 6 / 10]).unwrap();
    let e = analyze_file(&path, &PipelineOptions::default(), &mut lite(), &mut |_| {})
        .expect_err("a cut video");
    assert!(e.is_bad_input(), "{e:?}");
    assert!(e.to_string().contains("cut.mp4"), "{e}");

    let missing = dir.path().join("missing.jpg");
    let e = analyze_file(
        &missing,
        &PipelineOptions::default(),
        &mut NoModel,
        &mut |_| {},
    )
    .expect_err("missing");
    assert!(e.to_string().contains("missing.jpg"), "{e}");
}

#[test]
fn a_name_replaces_the_temporary_path_in_messages() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join(".upload-x7f3");
    std::fs::write(&path, "%PDF-1.4 not a video").unwrap();
    let e = janu_pipeline::Input::open_named(&path, "my video.mp4", &PipelineOptions::default())
        .expect_err("a PDF");
    assert!(e.to_string().contains("my video.mp4"), "{e}");
    assert!(!e.to_string().contains(".upload-x7f3"), "{e}");
    assert!(e.message().starts_with("my video.mp4 "), "{}", e.message());
    assert!(!e.message().contains(".upload-x7f3"), "{}", e.message());
    assert_eq!(e.file(), "my video.mp4");
}

/// A video analysed in pieces on every core gives what one pass gives: the
/// pieces are cut where the tracker starts afresh anyway, so every frame's
/// landmarks and the whole report are the same, to the last digit.
#[test]
fn a_video_in_pieces_reads_as_one_pass() {
    let Some(root) = janu_testkit::shared_data("photos") else {
        return;
    };
    let photos = janu_testkit::images_in(&root.join("janu_sirsasana"));
    assert!(photos.len() >= 3, "{}", photos.len());
    let dir = tempfile::tempdir().unwrap();
    let video = dir.path().join("class.mp4");
    let spec = PanZoomSpec {
        width: 480,
        height: 360,
        fps: 15.0,
        seconds_per_photo: 8.0,
        ..PanZoomSpec::hd720()
    };
    // 24 s: two pieces cut at the 10 s anchor, in the middle of the second
    // photo, while the tracker is following a person.
    pan_zoom_video(&photos[..3], &video, &spec).unwrap();
    let run = |segments: usize| {
        let options = PipelineOptions {
            segments,
            no_key_frames: true,
            ..Default::default()
        };
        analyze_file(&video, &options, &mut lite(), &mut |_| {}).unwrap()
    };
    let (one, split) = (run(1), run(2));
    let times = |a: &janu_pipeline::Analysis| a.frames.iter().map(|f| f.t).collect::<Vec<_>>();
    assert_eq!(times(&split), times(&one));
    // The cut falls while a person is tracked: found on both sides of 10 s.
    let found = |from: f64, to: f64| {
        one.frames
            .iter()
            .filter(|f| f.t >= from && f.t < to && f.pose.is_some())
            .count()
    };
    assert!(found(8.0, 10.0) > 20 && found(10.0, 12.0) > 20);
    for (a, b) in one.frames.iter().zip(&split.frames) {
        assert_eq!(a, b, "frame at {} s", a.t);
    }
    assert_eq!(
        serde_json::to_value(&split.report).unwrap(),
        serde_json::to_value(&one.report).unwrap()
    );
}
