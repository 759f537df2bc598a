//! Ways of looking at a photo, and of choosing between them, measured on the
//! shared photos (`janu-eval views`).

use std::path::Path;

use janu_analysis::recognize::recognize;
use janu_analysis::{Body, PoseName};
use janu_body::Frame;
use janu_vision::{EstimatorOptions, ModelSize, PhotoView, PoseEstimator};

use crate::datasets::{Truth, photo_files};
use crate::table::Confusion;

/// One view's result on one photo.
#[derive(Debug, Clone)]
pub struct ViewCall {
    /// The view.
    pub view: PhotoView,
    /// The landmark model's presence (0 when nobody).
    pub presence: f32,
    /// The call.
    pub called: PoseName,
    /// Its probability.
    pub confidence: f32,
}

/// Print, for each single view and each way of choosing, the confusion summary.
///
/// # Errors
/// The photos cannot be listed or the model cannot be loaded.
pub fn compare(root: &Path, model: ModelSize) -> anyhow::Result<()> {
    let mut est = PoseEstimator::new(EstimatorOptions {
        model,
        ..EstimatorOptions::default()
    })?;
    let files = photo_files(root)?;
    let mut all: Vec<(String, Truth, Vec<ViewCall>)> = Vec::new();
    let bar = indicatif::ProgressBar::new(files.len() as u64);
    for (path, truth) in &files {
        let image = janu_media::read_image(path)?;
        let mut calls = Vec::new();
        for view in PhotoView::ALL {
            let e = est.estimate_view(&image, view)?;
            let presence = e.pose.as_ref().and_then(|p| p.presence).unwrap_or(0.0);
            let frame = Frame {
                t: 0.0,
                width: image.width(),
                height: image.height(),
                pose: e.pose,
            };
            let (called, confidence) = Body::from_frame(&frame).map_or((PoseName::Nobody, 0.0), |b| {
                let r = recognize(&b);
                let p = if r.name == PoseName::Other {
                    r.runner_up.map_or(0.0, |(_, p)| p)
                } else {
                    r.confidence
                };
                (r.name, p)
            });
            calls.push(ViewCall {
                view,
                presence,
                called,
                confidence,
            });
        }
        let name = path.strip_prefix(root).unwrap_or(path).display().to_string();
        all.push((name, *truth, calls));
        bar.inc(1);
    }
    bar.finish_and_clear();

    type Chooser = Box<dyn Fn(&[ViewCall]) -> Option<&ViewCall>>;
    let only = |v: PhotoView| -> Chooser { Box::new(move |c: &[ViewCall]| c.iter().find(|x| x.view == v)) };
    let by_presence = |views: Vec<PhotoView>| -> Chooser {
        Box::new(move |c: &[ViewCall]| {
            c.iter()
                .filter(|x| views.contains(&x.view))
                .max_by(|a, b| a.presence.total_cmp(&b.presence))
        })
    };
    let by_confidence = |views: Vec<PhotoView>| -> Chooser {
        Box::new(move |c: &[ViewCall]| {
            c.iter()
                .filter(|x| views.contains(&x.view) && x.presence > 0.0)
                .max_by(|a, b| a.confidence.total_cmp(&b.confidence))
        })
    };
    use PhotoView::*;
    let strategies: Vec<(&str, Chooser)> = vec![
        ("detector (MediaPipe)", only(Detector)),
        ("upright", only(Upright)),
        ("mirrored", only(Mirrored)),
        ("mirrored upright", only(MirroredUpright)),
        ("whole picture", only(WholePicture)),
        ("detector|upright by presence", by_presence(vec![Detector, Upright])),
        ("detector|upright by confidence", by_confidence(vec![Detector, Upright])),
        ("4 views by presence", by_presence(vec![Detector, Upright, Mirrored, MirroredUpright])),
        ("4 views by confidence", by_confidence(vec![Detector, Upright, Mirrored, MirroredUpright])),
        ("5 views by confidence", by_confidence(PhotoView::ALL.to_vec())),
    ];
    for (name, choose) in &strategies {
        let mut t = Confusion::new();
        let mut right = 0;
        let mut counted = 0;
        let mut janu_names = Vec::new();
        for (file, truth, calls) in &all {
            let called = choose(calls).map_or(PoseName::Nobody, |c| c.called);
            t.add(*truth, called);
            if let Truth::Pose(p) = truth {
                counted += 1;
                right += usize::from(*p == called);
                if *p == PoseName::Janusirsasana && called == PoseName::Janusirsasana {
                    janu_names.push(file.rsplit('/').next().unwrap_or(file).to_string());
                }
            }
        }
        let (k, n) = t.janu_found();
        let (f, m) = t.false_janu();
        println!(
            "{name:34} janu {k}/{n}  false janu {f}/{m}  all right {right}/{counted}  [{}]",
            janu_names.join(" ")
        );
    }
    Ok(())
}
