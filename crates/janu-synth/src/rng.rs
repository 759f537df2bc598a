//! A tiny seeded random number generator (SplitMix64) with Gaussian draws.
//!
//! SplitMix64 (Steele, Lea and Flood, "Fast splittable pseudorandom number
//! generators", OOPSLA 2014) passes BigCrush, needs no dependency and gives the same
//! stream on every platform, which is all a test-data generator asks for. Each use
//! (pixel noise, dropouts, breath timing, sway) gets its own stream derived from the
//! scenario seed, so changing one noise setting does not move the breaths.

/// A SplitMix64 stream.
#[derive(Debug, Clone)]
pub(crate) struct Rng {
    state: u64,
    spare: Option<f64>,
}

/// Which part of the generator a stream feeds; mixed into the seed.
#[derive(Debug, Clone, Copy)]
pub(crate) enum Stream {
    Pixels = 1,
    Dropout = 2,
    Visibility = 3,
    Breath = 4,
    Sway = 5,
    World = 6,
    Scenario = 7,
}

impl Rng {
    /// The stream `stream` of scenario seed `seed`.
    pub fn new(seed: u64, stream: Stream) -> Self {
        let mut r = Self {
            state: seed ^ (stream as u64).wrapping_mul(0xA076_1D64_78BD_642F),
            spare: None,
        };
        // Warm up so that nearby seeds do not start with related outputs.
        r.next_u64();
        r.next_u64();
        r
    }

    pub fn next_u64(&mut self) -> u64 {
        self.state = self.state.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.state;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }

    /// Uniform in [0, 1).
    pub fn uniform(&mut self) -> f64 {
        (self.next_u64() >> 11) as f64 * (1.0 / (1u64 << 53) as f64)
    }

    /// Uniform in [lo, hi).
    pub fn range(&mut self, lo: f64, hi: f64) -> f64 {
        lo + (hi - lo) * self.uniform()
    }

    /// True with probability `p`.
    pub fn chance(&mut self, p: f64) -> bool {
        p > 0.0 && self.uniform() < p
    }

    /// A standard normal draw (Box-Muller, both values used).
    pub fn gauss(&mut self) -> f64 {
        if let Some(s) = self.spare.take() {
            return s;
        }
        let u1 = self.uniform().max(f64::MIN_POSITIVE);
        let u2 = self.uniform();
        let r = (-2.0 * u1.ln()).sqrt();
        let (s, c) = (std::f64::consts::TAU * u2).sin_cos();
        self.spare = Some(r * s);
        r * c
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn same_seed_same_stream_and_sane_moments() {
        let mut a = Rng::new(7, Stream::Pixels);
        let mut b = Rng::new(7, Stream::Pixels);
        let mut c = Rng::new(7, Stream::Breath);
        assert_eq!(a.next_u64(), b.next_u64());
        assert_ne!(a.next_u64(), c.next_u64());
        let n = 20_000;
        let xs: Vec<f64> = (0..n).map(|_| a.gauss()).collect();
        let mean = xs.iter().sum::<f64>() / n as f64;
        let var = xs.iter().map(|x| (x - mean).powi(2)).sum::<f64>() / n as f64;
        assert!(mean.abs() < 0.03, "mean {mean}");
        assert!((var - 1.0).abs() < 0.05, "variance {var}");
    }
}
