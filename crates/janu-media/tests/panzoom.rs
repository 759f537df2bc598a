//! Pan-and-zoom videos from the real shared photos.

use std::path::PathBuf;

use janu_media::{PanZoomSpec, VideoOptions, open_video, pan_zoom_video};

fn some_photos(n: usize) -> Option<Vec<PathBuf>> {
    let dir = janu_testkit::shared_data("photos")?;
    let mut all: Vec<PathBuf> = std::fs::read_dir(dir.join("paschimottanasana"))
        .unwrap()
        .map(|e| e.unwrap().path())
        .collect();
    all.sort();
    Some(all.into_iter().take(n).collect())
}

#[test]
fn a_pan_zoom_video_is_deterministic_and_reads_back() {
    let Some(photos) = some_photos(2) else { return };
    let dir = tempfile::tempdir().unwrap();
    let spec = PanZoomSpec {
        width: 320,
        height: 180,
        fps: 10.0,
        seconds_per_photo: 1.0,
        ..PanZoomSpec::hd720()
    };
    let (a, b) = (dir.path().join("a.mp4"), dir.path().join("b.mp4"));
    let summary = pan_zoom_video(&photos, &a, &spec).unwrap();
    assert_eq!(summary.frames, 20);
    assert!((summary.duration_s - 2.0).abs() < 1e-9);
    pan_zoom_video(&photos, &b, &spec).unwrap();
    assert_eq!(
        std::fs::read(&a).unwrap(),
        std::fs::read(&b).unwrap(),
        "same input, same bytes"
    );

    let frames: Vec<_> = open_video(&a, &VideoOptions::default())
        .unwrap()
        .collect::<Result<_, _>>()
        .unwrap();
    assert_eq!(frames.len(), 20);
    assert_eq!(frames[0].image.dimensions(), (320, 180));
    // Consecutive frames of one photo differ a little (the motion), the cut
    // between photos a lot.
    let diff = |i: usize, j: usize| -> f64 {
        let (x, y) = (frames[i].image.as_raw(), frames[j].image.as_raw());
        x.iter()
            .zip(y)
            .map(|(&p, &q)| f64::from(p.abs_diff(q)))
            .sum::<f64>()
            / x.len() as f64
    };
    let within = diff(4, 5);
    let across = diff(9, 10);
    assert!(within > 0.05 && within < 10.0, "within a photo: {within}");
    assert!(
        across > 3.0 * within,
        "across photos {across} vs within {within}"
    );
}

#[test]
fn a_pan_zoom_video_needs_good_photos() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("v.mp4");
    assert!(pan_zoom_video(&[], &out, &PanZoomSpec::hd720()).is_err());
    let bad = dir.path().join("bad.jpg");
    std::fs::write(&bad, "not a photo").unwrap();
    let err = pan_zoom_video(&[bad], &out, &PanZoomSpec::hd720()).unwrap_err();
    assert!(err.to_string().contains("bad.jpg is not an image"), "{err}");
    assert!(!out.exists());
    assert_eq!(
        std::fs::read_dir(dir.path()).unwrap().count(),
        1,
        "only bad.jpg remains"
    );
}
