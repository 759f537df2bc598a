//! `janu plan`: JSON shape, text snapshots, the output file, bad input.

use rstest::rstest;

mod common;
use common::{janu, janu_in, stdout};

fn json(args: &[&str]) -> serde_json::Value {
    let mut all = vec!["plan", "--json"];
    all.extend_from_slice(args);
    serde_json::from_str(&stdout(&janu(&all))).unwrap()
}

#[rstest]
fn json_has_budget_steps_and_sides(
    #[values("beginner", "intermediate", "advanced")] level: &str,
    #[values("5", "20", "60")] minutes: &str,
) {
    let v = json(&[
        "--level",
        level,
        "--minutes",
        minutes,
        "--tighter-side",
        "left",
    ]);
    let budget: u64 = minutes.parse::<u64>().unwrap() * 60;
    let total = v["total_seconds"].as_u64().unwrap();
    assert!(total.abs_diff(budget) * 10 <= budget, "{total}");
    let steps = v["steps"].as_array().unwrap();
    let sum: u64 = steps.iter().map(|s| s["seconds"].as_u64().unwrap()).sum();
    assert_eq!(sum, total);
    let legs: Vec<&str> = steps
        .iter()
        .filter(|s| s["pose"] == "janusirsasana")
        .map(|s| s["extended_leg"].as_str().unwrap())
        .collect();
    assert!(
        legs.contains(&"left") && legs.contains(&"right"),
        "{legs:?}"
    );
    let hold = |leg: &str| {
        steps.iter().find(|s| s["extended_leg"] == leg).unwrap()["hold_seconds"]
            .as_u64()
            .unwrap()
    };
    assert!(hold("left") > hold("right"));
    assert_eq!(steps[0]["section"], "warm-up");
    assert_eq!(steps.last().unwrap()["pose"], "nadi-shodhana");
}

#[test]
fn same_input_same_bytes() {
    let args = [
        "plan",
        "--level",
        "intermediate",
        "--goal",
        "digestion",
        "--json",
    ];
    assert_eq!(janu(&args).stdout, janu(&args).stdout);
}

#[rstest]
#[case("beginner_20", &[])]
#[case("intermediate_15_goals", &["--level", "intermediate", "--minutes", "15", "--goal", "stress-sleep", "--goal", "hamstring-imbalance", "--tighter-side", "right"])]
#[case("advanced_10_sciatica", &["--level", "advanced", "--minutes", "10", "-c", "sciatica-flare"])]
fn text(#[case] name: &str, #[case] args: &[&str]) {
    let mut all = vec!["plan"];
    all.extend_from_slice(args);
    insta::assert_snapshot!(format!("plan_{name}"), stdout(&janu(&all)));
}

#[test]
fn screening_is_honoured() {
    let v = json(&[
        "--level",
        "advanced",
        "--minutes",
        "30",
        "-c",
        "pregnancy",
        "--trimester",
        "1",
    ]);
    assert_eq!(v["screening"]["decision"], "modify");
    assert_eq!(v["variation"], "beginner-wall");
    for s in v["steps"].as_array().unwrap() {
        for deep in [
            "uttanasana",
            "paschimottanasana",
            "ardha-baddha-padma-paschimottanasana",
        ] {
            assert_ne!(s["pose"], deep);
        }
    }
    let o = janu(&["plan", "-c", "spinal-injury"]);
    assert!(!o.status.success());
    let err = String::from_utf8_lossy(&o.stderr);
    assert!(err.contains("screening says avoid"), "{err}");
    assert!(err.contains("spinal-injury (B)"), "{err}");
}

#[test]
fn output_file_is_written_whole() {
    let dir = tempfile::tempdir().unwrap();
    let o = janu_in(dir.path(), &["plan", "--json", "-o", "plan.json"]);
    assert!(o.status.success());
    let text = std::fs::read_to_string(dir.path().join("plan.json")).unwrap();
    janu_pose::Plan::from_json(&text).unwrap();
    let names: Vec<_> = std::fs::read_dir(dir.path())
        .unwrap()
        .flatten()
        .map(|e| e.file_name())
        .collect();
    assert_eq!(names.len(), 1, "no temporary file left: {names:?}");
}

#[rstest]
#[case(&["--minutes", "0"], "--minutes must be between 5 and 60, not 0")]
#[case(&["--minutes", "10000"], "--minutes must be between 5 and 60, not 10000")]
#[case(&["--minutes", "-3"], "-3")]
#[case(&["--level", "expert"], "unknown level `expert`")]
#[case(&["--goal", "flexibility"], "unknown goal `flexibility`")]
#[case(&["-c", "headache"], "unknown condition `headache`")]
#[case(&["--tighter-side", "middle"], "unknown side `middle`")]
#[case(&["-c", "pregnancy"], "--trimester")]
fn bad_input(#[case] args: &[&str], #[case] message: &str) {
    let mut all = vec!["plan"];
    all.extend_from_slice(args);
    let o = janu(&all);
    assert!(!o.status.success());
    let err = String::from_utf8_lossy(&o.stderr);
    assert!(err.contains(message), "{err}");
    assert!(!err.contains("panicked"), "{err}");
}
