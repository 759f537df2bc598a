//! Properties of the landmark file format, on generated frames and text.

use janu_body::file::{MAX_SPAN_S, MIN_FRAME_GAP_S, frame_to_json_line, parse_line, read_jsonl};
use janu_body::{Frame, Keypoint, LANDMARK_COUNT, Pose, Vec3};
use proptest::prelude::*;

fn keypoint() -> impl Strategy<Value = Option<Keypoint>> {
    proptest::option::of(
        (
            -1.0f32..2.0,
            -1.0f32..2.0,
            proptest::option::of(-5.0f32..5.0),
            proptest::option::of(0.0f32..1.0),
        )
            .prop_map(|(x, y, z, visibility)| Keypoint {
                x,
                y,
                z,
                visibility,
            }),
    )
}

fn pose() -> impl Strategy<Value = Pose> {
    (
        proptest::collection::vec(keypoint(), LANDMARK_COUNT),
        proptest::option::of(proptest::collection::vec(
            (-2.0f32..2.0, -2.0f32..2.0, -2.0f32..2.0),
            LANDMARK_COUNT,
        )),
        proptest::option::of(0.0f32..1.0),
    )
        .prop_map(|(points, world, presence)| {
            let mut pose = Pose::empty();
            for (slot, p) in pose.landmarks.iter_mut().zip(points) {
                *slot = p;
            }
            pose.world = world.map(|w| {
                let mut out = [Vec3::new(0.0, 0.0, 0.0); LANDMARK_COUNT];
                for (o, (x, y, z)) in out.iter_mut().zip(w) {
                    *o = Vec3::new(x, y, z);
                }
                out
            });
            pose.presence = presence;
            pose
        })
}

fn frame() -> impl Strategy<Value = Frame> {
    (
        0.0f64..10_000.0,
        1u32..10_000,
        1u32..10_000,
        proptest::option::of(pose()),
    )
        .prop_map(|(t, width, height, pose)| Frame {
            t,
            width,
            height,
            pose,
        })
}

proptest! {
    /// Written once, a frame reads back to exactly the line it was written as.
    #[test]
    fn a_written_frame_reads_back_to_the_same_line(f in frame()) {
        let line = frame_to_json_line(&f);
        let again = parse_line(&line).expect("a written line parses");
        prop_assert_eq!(frame_to_json_line(&again), line);
        prop_assert_eq!(again.pose.is_some(), f.pose.is_some());
    }

    /// Any text at all gives frames or a clear error, never a panic.
    #[test]
    fn any_text_is_read_or_refused(text in ".{0,400}") {
        let _ = read_jsonl(text.as_bytes());
    }

    /// Times are accepted exactly when frames are at least the minimum gap
    /// apart and the file spans at most the maximum.
    #[test]
    fn times_are_accepted_exactly_when_sane(gaps in proptest::collection::vec(
        prop_oneof![0.0f64..0.002, 0.002f64..1.0, 1.0f64..5_000.0], 1..8)
    ) {
        let mut t = 0.0;
        let mut times = vec![t];
        for g in &gaps {
            t += g;
            times.push(t);
        }
        let text: String = times
            .iter()
            .map(|t| format!("{{\"t\":{t},\"width\":4,\"height\":4,\"schema\":\"blazepose33\",\"landmarks\":null}}\n"))
            .collect();
        let sane = times.windows(2).all(|w| w[1] - w[0] >= MIN_FRAME_GAP_S)
            && times[times.len() - 1] - times[0] <= MAX_SPAN_S;
        prop_assert_eq!(read_jsonl(text.as_bytes()).is_ok(), sane);
    }
}
