//! Running one planned step on the arena.

use crate::kernels::{elementwise, shape};
use crate::plan::{Kernel, Step};

/// Run `step`: its output buffer is taken out of the arena while the kernel
/// reads the inputs (the plan never lets a step read the buffer it writes).
pub(crate) fn execute(step: &Step, buffers: &mut [Vec<f32>], scratch: &mut [f32]) {
    let mut out_buf = std::mem::take(&mut buffers[step.output.buf]);
    let out = &mut out_buf[..step.output.len];
    let input = |i: usize| {
        let v = step.inputs[i];
        &buffers[v.buf][..v.len]
    };
    match &step.kernel {
        Kernel::Conv(c) => c.run(input(0), out, 0..c.geometry.oh, scratch),
        Kernel::Depthwise(d) => d.run(input(0), out, 0..d.geometry.oh),
        Kernel::Pool(p) => p.run(input(0), out),
        Kernel::Add(act) => elementwise::add(input(0), input(1), *act, out),
        Kernel::Mul(act) => elementwise::mul(input(0), input(1), *act, out),
        Kernel::Activate(act) => {
            out.copy_from_slice(input(0));
            crate::kernels::apply_activation(out, *act);
        }
        Kernel::Logistic => elementwise::logistic(input(0), out),
        Kernel::Pad {
            shape,
            before,
            out_shape,
        } => shape::pad(input(0), shape, before, out_shape, out),
        Kernel::Transpose { shape, perm } => shape::transpose(input(0), shape, perm, out),
        Kernel::Concat { inner, outer } => {
            let inputs: Vec<&[f32]> = (0..step.inputs.len()).map(input).collect();
            shape::concat(&inputs, inner, *outer, out);
        }
        Kernel::Resize(r) => r.run(input(0), out),
        Kernel::Copy => out.copy_from_slice(input(0)),
    }
    buffers[step.output.buf] = out_buf;
}
