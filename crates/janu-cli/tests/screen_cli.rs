//! `janu screen`: decisions for every condition id, text snapshots, bad input.

use rstest::rstest;

mod common;
use common::{failure, janu, stdout};

#[rstest]
#[case("none", None, "proceed")]
#[case("acute-hamstring-injury", None, "avoid")]
#[case("hamstring-calf-or-low-back-injury", None, "avoid")]
#[case("herniated-disc", None, "avoid")]
#[case("sciatica-flare", None, "supervised")]
#[case("sciatica-mild", None, "modify")]
#[case("sacroiliac-instability", None, "modify")]
#[case("knee-injury-recent", None, "avoid")]
#[case("knee-injury-old", None, "modify")]
#[case("spinal-injury", None, "avoid")]
#[case("pregnancy", Some("1"), "modify")]
#[case("pregnancy", Some("2"), "supervised")]
#[case("pregnancy", Some("3"), "avoid")]
#[case("severe-hip-arthritis", None, "supervised")]
#[case("breathing-constraint", None, "avoid")]
#[case("diarrhea", None, "avoid")]
fn decision_json(#[case] id: &str, #[case] trimester: Option<&str>, #[case] want: &str) {
    let mut args = vec!["screen", "--condition", id, "--json"];
    if let Some(t) = trimester {
        args.extend(["--trimester", t]);
    }
    let v: serde_json::Value = serde_json::from_str(&stdout(&janu(&args))).unwrap();
    assert_eq!(v["decision"], want, "{id}");
    for r in v["reasons"].as_array().unwrap() {
        assert!(
            r["source"].is_string(),
            "{id}: reason without its reference"
        );
    }
    assert!(v["warning_signs"].as_array().unwrap().len() >= 3);
    if want == "modify" || want == "supervised" {
        assert!(v["variation"].is_string(), "{id}");
        assert!(v["props"].is_array(), "{id}");
    }
}

#[test]
fn conditions_combine_and_disagreements_are_explained() {
    let v: serde_json::Value = serde_json::from_str(&stdout(&janu(&[
        "screen",
        "-c",
        "knee-injury-old",
        "-c",
        "knee-injury-recent",
        "--json",
    ])))
    .unwrap();
    assert_eq!(v["decision"], "avoid");
    let note = v["cautious_choices"][0]["note"].as_str().unwrap();
    assert!(note.contains("more cautious"), "{note}");
}

#[rstest]
#[case("none", &["-c", "none"])]
#[case("knee_recent", &["-c", "knee-injury-recent"])]
#[case("pregnancy_2", &["-c", "pregnancy", "--trimester", "2"])]
#[case("sacroiliac_and_old_knee", &["-c", "sacroiliac-instability", "-c", "knee-injury-old"])]
fn text(#[case] name: &str, #[case] args: &[&str]) {
    let mut all = vec!["screen"];
    all.extend_from_slice(args);
    insta::assert_snapshot!(format!("screen_{name}"), stdout(&janu(&all)));
}

#[test]
fn list_names_every_condition() {
    let text = stdout(&janu(&["screen", "--list"]));
    for id in janu_pose::ConditionId::ALL {
        assert!(text.contains(id.as_str()), "{id}");
    }
    insta::assert_snapshot!("screen_list", text);
}

#[rstest]
#[case(&["-c", "bad-knee"], "unknown condition `bad-knee`")]
#[case(&["-c", "pregnancy"], "give --trimester 1, 2 or 3")]
#[case(&["-c", "pregnancy", "--trimester", "4"], "trimester must be 1, 2 or 3, not 4")]
#[case(&["-c", "diarrhea", "--trimester", "2"], "`pregnancy` is not among the conditions")]
#[case(&["--trimester", "2"], "without --condition pregnancy")]
#[case(&["-c", "none", "-c", "diarrhea"], "`none` cannot be combined")]
#[case(&[], "pass --condition ID")]
fn bad_input(#[case] args: &[&str], #[case] message: &str) {
    let mut all = vec!["screen"];
    all.extend_from_slice(args);
    let err = failure(&janu(&all));
    assert!(err.contains(message), "{err}");
}
