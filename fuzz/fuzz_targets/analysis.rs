//! The analysis on arbitrary bodies: frames as a landmark file could hold
//! them (times at least 1 ms apart, any finite coordinates, points missing),
//! analysed as a session, as the looks of a photo and by the live coach.
#![no_main]

use janu_analysis::live::{LiveCoach, LiveOptions};
use janu_body::{Frame, Keypoint, LANDMARK_COUNT, Pose, Vec3};
use libfuzzer_sys::arbitrary::{Result, Unstructured};
use libfuzzer_sys::fuzz_target;

/// Frames per input at most: enough for phases, holds and both sides.
const MAX_FRAMES: usize = 300;

fn finite(u: &mut Unstructured<'_>) -> Result<f32> {
    let v: f32 = u.arbitrary()?;
    Ok(if v.is_finite() { v } else { 0.5 })
}

fn pose(u: &mut Unstructured<'_>) -> Result<Option<Pose>> {
    if u.ratio(1, 10)? {
        return Ok(None);
    }
    let mut pose = Pose::empty();
    let with_world = u.arbitrary::<bool>()?;
    let mut world = [Vec3::new(0.0, 0.0, 0.0); LANDMARK_COUNT];
    for (slot, w) in pose.landmarks.iter_mut().zip(world.iter_mut()) {
        if u.ratio(1, 8)? {
            continue;
        }
        let (x, y, z) = (finite(u)?, finite(u)?, finite(u)?);
        let visibility = f32::from(u.arbitrary::<u8>()?) / 255.0;
        *slot = Some(Keypoint {
            x,
            y,
            z: Some(z),
            visibility: Some(visibility),
        });
        *w = Vec3::new(x - 0.5, y - 0.5, z);
    }
    if with_world {
        pose.world = Some(world);
    }
    Ok(Some(pose))
}

fn frames(u: &mut Unstructured<'_>) -> Result<Vec<Frame>> {
    let n = u.int_in_range(1..=MAX_FRAMES)?;
    let mut t = 0.0;
    let mut out = Vec::with_capacity(n);
    for _ in 0..n {
        // 1 ms to about 65 s between frames.
        t += f64::from(u.int_in_range(1u16..=u16::MAX)?) * 1e-3;
        out.push(Frame {
            t,
            width: u.int_in_range(1..=4096)?,
            height: u.int_in_range(1..=4096)?,
            pose: pose(u)?,
        });
        if u.is_empty() {
            break;
        }
    }
    Ok(out)
}

fuzz_target!(|data: &[u8]| {
    let mut u = Unstructured::new(data);
    let Ok(frames) = frames(&mut u) else { return };
    let _ = janu_analysis::analyze(&frames);
    // Up to four frames as the looks of one photo, two people.
    let looks: Vec<(usize, Frame)> = frames
        .iter()
        .take(4)
        .enumerate()
        .map(|(i, f)| (i % 2, f.clone()))
        .collect();
    let _ = janu_analysis::analyze_photo(&looks, &janu_analysis::AnalysisOptions::default());
    let mut coach = LiveCoach::new(LiveOptions::default());
    for f in &frames {
        let _ = coach.push(f);
    }
});
