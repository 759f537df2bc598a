//! Element-by-element operators: sums and products of equal-shaped tensors
//! with a fused activation, and the sigmoid.

use multiversion::multiversion;

use super::{Activation, apply_activation};

/// `out = act(a + b)`.
pub(crate) fn add(a: &[f32], b: &[f32], act: Activation, out: &mut [f32]) {
    match act.bounds() {
        Some((lo, hi)) => add_clamp(a, b, lo, hi, out),
        None => {
            add_clamp(a, b, f32::NEG_INFINITY, f32::INFINITY, out);
            apply_activation(out, act);
        }
    }
}

#[multiversion(targets("x86_64+avx512f+avx512vl+avx2+fma", "x86_64+avx2+fma"))]
fn add_clamp(a: &[f32], b: &[f32], lo: f32, hi: f32, out: &mut [f32]) {
    for ((o, x), y) in out.iter_mut().zip(a).zip(b) {
        *o = (x + y).max(lo).min(hi);
    }
}

/// `out = act(a * b)`.
pub(crate) fn mul(a: &[f32], b: &[f32], act: Activation, out: &mut [f32]) {
    for ((o, x), y) in out.iter_mut().zip(a).zip(b) {
        *o = x * y;
    }
    apply_activation(out, act);
}

/// `out = 1 / (1 + exp(-x))`.
pub(crate) fn logistic(x: &[f32], out: &mut [f32]) {
    for (o, v) in out.iter_mut().zip(x) {
        *o = 1.0 / (1.0 + (-v).exp());
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sums_products_and_sigmoid() {
        let mut out = [0.0; 3];
        add(
            &[1.0, 5.0, -3.0],
            &[2.0, 2.0, 1.0],
            Activation::Relu6,
            &mut out,
        );
        assert_eq!(out, [3.0, 6.0, 0.0]);
        add(
            &[1.0, 5.0, -3.0],
            &[2.0, 2.0, 1.0],
            Activation::None,
            &mut out,
        );
        assert_eq!(out, [3.0, 7.0, -2.0]);
        mul(
            &[1.0, 5.0, -3.0],
            &[2.0, 2.0, 1.0],
            Activation::Relu,
            &mut out,
        );
        assert_eq!(out, [2.0, 10.0, 0.0]);
        logistic(&[0.0, 100.0, -100.0], &mut out);
        assert_eq!(out[0], 0.5);
        assert!(out[1] > 0.999_999 && out[2] < 1e-6);
    }
}
