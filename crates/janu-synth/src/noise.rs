//! Estimator-like noise on a clean pose: correlated jitter (larger on hidden
//! points), visibility jitter, missing landmarks, frames with nobody found.

use janu_body::{LANDMARK_COUNT, Pose};

use crate::rng::{Rng, Stream};
use crate::scenario::Noise;

/// Visibility at or above which a point counts as plainly seen for the jitter
/// scale (the camera module's "visible" level, a little below it).
const SEEN: f64 = 0.9;

/// Running noise state: the random streams and the AR(1) jitter of every point.
pub(crate) struct NoiseState {
    px: Rng,
    drop: Rng,
    vis: Rng,
    world: Rng,
    image_err: [[f64; 3]; LANDMARK_COUNT],
    world_err: [[f64; 3]; LANDMARK_COUNT],
    started: bool,
}

impl NoiseState {
    pub fn new(seed: u64) -> Self {
        Self {
            px: Rng::new(seed, Stream::Pixels),
            drop: Rng::new(seed, Stream::Dropout),
            vis: Rng::new(seed, Stream::Visibility),
            world: Rng::new(seed, Stream::World),
            image_err: [[0.0; 3]; LANDMARK_COUNT],
            world_err: [[0.0; 3]; LANDMARK_COUNT],
            started: false,
        }
    }

    fn step(rng: &mut Rng, e: &mut [f64; 3], rho: f64, fresh: bool) {
        let k = if fresh { 1.0 } else { (1.0 - rho * rho).sqrt() };
        for v in e.iter_mut() {
            *v = if fresh { 0.0 } else { rho * *v } + k * rng.gauss();
        }
    }

    /// The noisy version of `clean` (None when the whole frame drops out).
    pub fn apply(&mut self, clean: &Pose, n: &Noise, width: u32, height: u32) -> Option<Pose> {
        let fresh = !self.started;
        self.started = true;
        // Advance every stream the same way whatever happens, so that frames after a
        // dropout do not depend on it.
        let frame_drop = self.drop.chance(n.frame_dropout);
        let (w, h) = (f64::from(width), f64::from(height));
        let mut out = clean.clone();
        for i in 0..LANDMARK_COUNT {
            Self::step(&mut self.px, &mut self.image_err[i], n.correlation, fresh);
            Self::step(
                &mut self.world,
                &mut self.world_err[i],
                n.correlation,
                fresh,
            );
            let vis_noise = self.vis.gauss() * n.visibility_jitter;
            let dropped = self.drop.chance(n.landmark_dropout);
            if let Some(k) = out.landmarks[i].as_mut() {
                let v = f64::from(k.visibility.unwrap_or(1.0));
                let hidden = ((SEEN - v) / SEEN).clamp(0.0, 1.0);
                let scale = 1.0 + (n.hidden_noise_factor - 1.0) * hidden;
                let e = self.image_err[i];
                k.x += (e[0] * n.pixel_sigma * scale / w) as f32;
                k.y += (e[1] * n.pixel_sigma * scale / h) as f32;
                if let Some(z) = k.z.as_mut() {
                    *z += (e[2] * n.depth_sigma_px * scale / w) as f32;
                }
                k.visibility = Some((v + vis_noise).clamp(0.0, 1.0) as f32);
                if let Some(world) = out.world.as_mut() {
                    let we = self.world_err[i];
                    let s = (n.world_sigma_m * scale) as f32;
                    world[i].x += we[0] as f32 * s;
                    world[i].y += we[1] as f32 * s;
                    world[i].z += we[2] as f32 * s;
                }
            }
            if dropped {
                out.landmarks[i] = None;
            }
        }
        (!frame_drop).then_some(out)
    }
}
