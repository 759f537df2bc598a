//! `janu pose`: every topic as text (snapshots), the whole model as JSON, bad topics.

use rstest::rstest;

mod common;
use common::{janu, stdout};

#[rstest]
fn topic_text(
    #[values(
        "meaning",
        "muscles",
        "joints",
        "steps",
        "benefits",
        "therapy",
        "variations",
        "props",
        "mistakes",
        "contraindications",
        "sequence",
        "breath",
        "energy",
        "ayurveda",
        "disagreements"
    )]
    topic: &str,
) {
    let text = stdout(&janu(&["pose", topic]));
    assert!(
        text.lines().all(|l| l.chars().count() <= 78),
        "{topic}: line too long"
    );
    insta::assert_snapshot!(format!("pose_{topic}"), text);
}

#[test]
fn all_topics_without_argument() {
    let text = stdout(&janu(&["pose"]));
    for heading in [
        "Names and meaning",
        "Primary muscles",
        "Joint mechanics",
        "Ayurvedic view",
    ] {
        assert!(text.contains(heading), "{heading}");
    }
}

#[test]
fn json_is_the_whole_model() {
    let text = stdout(&janu(&["pose", "--json"]));
    let v: serde_json::Value = serde_json::from_str(&text).unwrap();
    assert_eq!(v, serde_json::to_value(janu_pose::knowledge()).unwrap());
    assert_eq!(v["mistakes"].as_array().unwrap().len(), 6);
}

#[test]
fn json_topic() {
    let v: serde_json::Value =
        serde_json::from_str(&stdout(&janu(&["pose", "mistakes", "--json"]))).unwrap();
    assert_eq!(v["mistakes"][0]["id"], "collapsed-spine");
    assert_eq!(v["mistakes"][0]["corrections"][0], "lengthen-then-fold");
}

#[test]
fn unknown_topic_lists_the_topics() {
    let o = janu(&["pose", "chakras"]);
    assert!(!o.status.success());
    let err = String::from_utf8_lossy(&o.stderr);
    assert!(err.contains("unknown topic `chakras`"), "{err}");
    assert!(err.contains("muscles") && err.contains("ayurveda"), "{err}");
}
