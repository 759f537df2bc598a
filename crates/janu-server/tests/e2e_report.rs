//! The HTML report in a real browser: reports made by janu-pipeline from a real
//! photo (the real pose model), a generated whole practice, a one-side practice
//! with a mistake and a side view that hides the bent leg (landmark files), then
//! the same report served by the web app after an upload. Checks that a reader
//! would notice (no script errors, charts and key frames drawn and visible, no
//! page wider than the screen) and screenshots in
//! `target/e2e-artifacts/report/`.
//!
//! Skips (passes, printing SKIPPED) without node, chromium or the shared photos,
//! except under CI=true.

mod support;

use std::path::{Path, PathBuf};

use janu_pipeline::{LazyEstimator, PipelineOptions, analyze_file};
use janu_synth::{Mistake, generate, scenarios};
use janu_vision::EstimatorOptions;
use support::browser::{Browser, Server};

/// A real photo of a head-to-knee pose (the revolved form) from the shared data.
const PHOTO: &str = "parivrtta_janu_sirsasana/app_src_main_res_drawable_janu_sirsasana.jpg";

fn landmark_file(dir: &Path, name: &str, scenario: &janu_synth::Scenario) -> PathBuf {
    let synth = generate(scenario).unwrap();
    let path = dir.join(name);
    janu_body::file::write_jsonl(std::fs::File::create(&path).unwrap(), &synth.frames).unwrap();
    path
}

/// Run `input` through the pipeline and write its HTML report as `<name>.html`
/// beside the screenshots.
fn report(out: &Path, name: &str, input: &Path, estimator: &mut LazyEstimator) -> PathBuf {
    let a = analyze_file(input, &PipelineOptions::default(), estimator, &mut |_| {}).unwrap();
    let title = input.file_name().unwrap().to_string_lossy();
    let html = janu_report::html::document(&a.report, &a.media, &title).unwrap();
    let path = out.join(format!("{name}.html"));
    std::fs::write(&path, html).unwrap();
    path
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn reports_in_chromium() {
    let Some(photos) = janu_testkit::shared_data("photos") else {
        return;
    };
    let Some(browser) = Browser::find("report") else {
        return;
    };
    let inputs = tempfile::tempdir().unwrap();
    let practice = landmark_file(
        inputs.path(),
        "practice.jsonl",
        &scenarios::clean_session(42),
    );
    let one_side = landmark_file(
        inputs.path(),
        "rounded-spine.jsonl",
        &scenarios::with_mistake(Mistake::CollapsedSpine, 9),
    );
    let hidden = landmark_file(
        inputs.path(),
        "side-view.jsonl",
        &scenarios::side_view_hidden_bent_leg(3),
    );
    let out = browser.artifacts.clone();
    let mut estimator = LazyEstimator::new(EstimatorOptions::default());
    let pages = [
        (
            "photo",
            report(&out, "photo", &photos.join(PHOTO), &mut estimator),
        ),
        (
            "practice",
            report(&out, "practice", &practice, &mut estimator),
        ),
        (
            "one-side",
            report(&out, "one-side", &one_side, &mut estimator),
        ),
        (
            "hidden-leg",
            report(&out, "hidden-leg", &hidden, &mut estimator),
        ),
    ];
    let list: Vec<String> = pages
        .iter()
        .map(|(n, p)| format!("{n}={}", p.display()))
        .collect();

    let server = Server::start(|_| {}).await;
    support::add_user(&server.state, "e2e-report").await;
    let upload = server.data_dir().join("practice.jsonl");
    std::fs::copy(&practice, &upload).unwrap();
    browser
        .run(
            "report.spec.mjs",
            &server.url,
            &[
                ("JANU_E2E_REPORTS", &list.join(",")),
                ("JANU_E2E_UPLOAD", upload.to_str().unwrap()),
                ("JANU_E2E_HANDLE", "e2e-report"),
                ("JANU_E2E_PASSWORD", &support::password_of("e2e-report")),
            ],
        )
        .await;
    for shot in [
        "photo",
        "practice",
        "practice-phone",
        "one-side",
        "hidden-leg",
        "served-practice",
    ] {
        assert!(
            browser.artifacts.join(format!("{shot}.png")).is_file(),
            "{shot}.png"
        );
    }
    server.stop().await;
}
