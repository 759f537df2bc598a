//! Smoothing filters for landmark tracks.
//!
//! The One-Euro filter (Casiez, Roussel and Vogel, CHI 2012) adapts its cut-off
//! frequency to the signal's speed: slow motion is smoothed hard (little jitter),
//! fast motion lightly (little lag). BlazePose users expect it on video landmarks.
//! As in MediaPipe's landmark smoothing, the speed is measured between successive
//! raw samples, not against the last filtered output.

/// A first-order low-pass filter (exponential smoothing) with per-sample alpha.
#[derive(Debug, Clone, Default)]
pub struct LowPass {
    last: Option<f32>,
}

impl LowPass {
    /// Feed `value`, weighting it by `alpha` (0..=1) against the previous output.
    pub fn apply(&mut self, value: f32, alpha: f32) -> f32 {
        let out = match self.last {
            Some(prev) => alpha * value + (1.0 - alpha) * prev,
            None => value,
        };
        self.last = Some(out);
        out
    }

    /// The last output, if any.
    pub fn last(&self) -> Option<f32> {
        self.last
    }

    /// Forget the history.
    pub fn reset(&mut self) {
        self.last = None;
    }
}

/// Parameters of a [`OneEuro`] filter.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct OneEuroParams {
    /// Minimum cut-off frequency in Hz: lower means smoother when still.
    pub min_cutoff: f32,
    /// Speed coefficient: higher means less lag when moving fast.
    pub beta: f32,
    /// Cut-off frequency in Hz of the filter on the derivative.
    pub derivative_cutoff: f32,
}

/// A One-Euro filter over one scalar signal.
#[derive(Debug, Clone)]
pub struct OneEuro {
    params: OneEuroParams,
    value: LowPass,
    derivative: LowPass,
    last_raw: Option<f32>,
    last_time: Option<f64>,
}

impl OneEuro {
    /// A new filter with no history.
    pub fn new(params: OneEuroParams) -> Self {
        Self {
            params,
            value: LowPass::default(),
            derivative: LowPass::default(),
            last_raw: None,
            last_time: None,
        }
    }

    fn alpha(cutoff: f32, dt: f32) -> f32 {
        let tau = 1.0 / (2.0 * std::f32::consts::PI * cutoff);
        1.0 / (1.0 + tau / dt)
    }

    /// Filter `value` observed at time `t` (seconds). `scale` divides the speed
    /// before it adapts the cut-off, so that the same motion of a small (far) and a
    /// large (near) body is treated alike; pass 1.0 when not needed.
    ///
    /// A sample whose time does not advance is returned as the last output.
    pub fn apply(&mut self, value: f32, t: f64, scale: f32) -> f32 {
        let (Some(prev_t), Some(prev_raw)) = (self.last_time, self.last_raw) else {
            self.last_time = Some(t);
            self.last_raw = Some(value);
            self.derivative.apply(0.0, 1.0);
            return self.value.apply(value, 1.0);
        };
        let dt = (t - prev_t) as f32;
        if dt <= 0.0 {
            return self.value.last().unwrap_or(value);
        }
        self.last_time = Some(t);
        self.last_raw = Some(value);
        let speed = (value - prev_raw) / dt / scale.max(f32::EPSILON);
        let speed = self
            .derivative
            .apply(speed, Self::alpha(self.params.derivative_cutoff, dt));
        let cutoff = self.params.min_cutoff + self.params.beta * speed.abs();
        self.value.apply(value, Self::alpha(cutoff, dt))
    }

    /// Forget the history (for example when tracking is lost).
    pub fn reset(&mut self) {
        self.value.reset();
        self.derivative.reset();
        self.last_raw = None;
        self.last_time = None;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const PARAMS: OneEuroParams = OneEuroParams {
        min_cutoff: 1.0,
        beta: 0.0,
        derivative_cutoff: 1.0,
    };

    #[test]
    fn steady_signal_passes_through() {
        let mut f = OneEuro::new(PARAMS);
        for i in 0..100 {
            let out = f.apply(3.0, f64::from(i) / 30.0, 1.0);
            assert!((out - 3.0).abs() < 1e-6);
        }
    }

    #[test]
    fn jitter_is_reduced() {
        let mut f = OneEuro::new(PARAMS);
        let mut max_dev: f32 = 0.0;
        for i in 0..300 {
            let noise = if i % 2 == 0 { 0.5 } else { -0.5 };
            let out = f.apply(10.0 + noise, f64::from(i) / 30.0, 1.0);
            if i > 30 {
                max_dev = max_dev.max((out - 10.0).abs());
            }
        }
        assert!(max_dev < 0.2, "jitter after filtering {max_dev}");
    }

    #[test]
    fn repeated_timestamp_does_not_divide_by_zero() {
        let mut f = OneEuro::new(PARAMS);
        f.apply(1.0, 0.0, 1.0);
        let out = f.apply(5.0, 0.0, 1.0);
        assert!(out.is_finite());
    }
}
