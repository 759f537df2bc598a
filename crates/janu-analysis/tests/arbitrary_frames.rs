//! The analysis on arbitrary bodies: random points (in and out of the
//! picture, some missing, any visibility) at sane times must give a report or
//! a clear error, and the live coach an update, never a panic.

use janu_analysis::live::{LiveCoach, LiveOptions};
use janu_analysis::{AnalysisOptions, analyze, analyze_photo};
use janu_body::{Frame, Keypoint, LANDMARK_COUNT, Pose, Vec3};
use proptest::prelude::*;

fn pose() -> impl Strategy<Value = Option<Pose>> {
    proptest::option::weighted(
        0.9,
        (
            proptest::collection::vec(
                proptest::option::weighted(
                    0.85,
                    (-0.5f32..1.5, -0.5f32..1.5, -1.0f32..1.0, 0.0f32..1.0),
                ),
                LANDMARK_COUNT,
            ),
            proptest::bool::ANY,
        )
            .prop_map(|(points, with_world)| {
                let mut pose = Pose::empty();
                for (slot, p) in pose.landmarks.iter_mut().zip(&points) {
                    *slot = p.map(|(x, y, z, v)| Keypoint {
                        x,
                        y,
                        z: Some(z),
                        visibility: Some(v),
                    });
                }
                if with_world {
                    let mut world = [Vec3::new(0.0, 0.0, 0.0); LANDMARK_COUNT];
                    for (w, p) in world.iter_mut().zip(&points) {
                        if let Some((x, y, z, _)) = p {
                            *w = Vec3::new(x - 0.5, y - 0.5, *z);
                        }
                    }
                    pose.world = Some(world);
                }
                pose
            }),
    )
}

fn frames() -> impl Strategy<Value = Vec<Frame>> {
    proptest::collection::vec((0.01f64..2.0, pose()), 1..40).prop_map(|v| {
        let mut t = 0.0;
        v.into_iter()
            .map(|(gap, pose)| {
                t += gap;
                Frame {
                    t,
                    width: 640,
                    height: 480,
                    pose,
                }
            })
            .collect()
    })
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(64))]

    #[test]
    fn any_bodies_give_a_report_or_an_error(f in frames()) {
        let _ = analyze(&f);
        let looks: Vec<(usize, Frame)> = f.iter().take(5).cloned().enumerate().collect();
        let _ = analyze_photo(&looks, &AnalysisOptions::default());
    }

    #[test]
    fn the_live_coach_takes_any_bodies(f in frames()) {
        let mut coach = LiveCoach::new(LiveOptions::default());
        for frame in &f {
            let _ = coach.push(frame);
        }
    }
}
