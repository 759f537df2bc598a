//! Ways of looking at a photo, each measured alone on the shared photos
//! (`janu-eval views`), beside the way Janu combines them.

use std::path::Path;

use janu_analysis::recognize::recognize;
use janu_analysis::{Body, PoseName};
use janu_body::Frame;
use janu_vision::{EstimatorOptions, ModelSize, PhotoView, PoseEstimator};

use crate::datasets::{Truth, photo_files};
use crate::table::Confusion;

/// Print, for each single view of the most prominent person, the confusion
/// summary; `janu-eval report` gives the combined look Janu ships.
///
/// # Errors
/// The photos cannot be listed or read, or the model cannot be loaded or run.
pub fn compare(root: &Path, model: ModelSize) -> anyhow::Result<()> {
    let mut est = PoseEstimator::new(EstimatorOptions {
        model,
        ..EstimatorOptions::default()
    })?;
    // The whole picture alone, even where the detector finds someone.
    let mut whole = PoseEstimator::new(EstimatorOptions {
        model,
        min_detection_confidence: f32::INFINITY,
        ..EstimatorOptions::default()
    })?;
    let files = photo_files(root)?;
    let mut tables: Vec<(PhotoView, Confusion, Vec<String>)> = PhotoView::ALL
        .iter()
        .map(|v| (*v, Confusion::new(), Vec::new()))
        .collect();
    let bar = indicatif::ProgressBar::new(files.len() as u64);
    for (path, truth) in &files {
        let image = janu_media::read_image(path)?;
        let name = path
            .file_name()
            .map_or_else(String::new, |n| n.to_string_lossy().into_owned());
        for (view, table, found) in &mut tables {
            let looks = if *view == PhotoView::WholePicture {
                whole.look(&image, &[*view])?
            } else {
                est.look(&image, &[*view])?
            };
            let pose = looks
                .into_iter()
                .find(|l| l.person == 0)
                .and_then(|l| l.estimate.pose);
            let frame = Frame {
                t: 0.0,
                width: image.width(),
                height: image.height(),
                pose,
            };
            let called = Body::from_frame(&frame).map_or(PoseName::Nobody, |b| recognize(&b).name);
            table.add(*truth, called);
            if *truth == Truth::Pose(PoseName::Janusirsasana) && called == PoseName::Janusirsasana {
                found.push(name.clone());
            }
        }
        bar.inc(1);
    }
    bar.finish_and_clear();
    for (view, table, found) in &tables {
        let (k, n) = table.janu_found();
        let (f, m) = table.false_janu();
        println!(
            "{:18} Janusirsasana {k}/{n}  neighbours called it {f}/{m}  [{}]",
            format!("{view:?}"),
            found.join(" ")
        );
    }
    Ok(())
}
