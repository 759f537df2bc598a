//! Running one planned step on the arena.

use std::ops::Range;

use crate::kernels::{elementwise, shape};
use crate::plan::{Kernel, Step};

/// Multiply-adds below which an operator runs on one thread: handing half of
/// it to another thread costs a few microseconds.
const MIN_PARALLEL_MACS: usize = 400_000;

/// A kernel over some output rows: (those rows' output, the rows, scratch).
type RowKernel<'a> = dyn Fn(&mut [f32], Range<usize>, &mut [f32]) + Sync + 'a;

/// Compute output rows `rows` into `out` (those rows only) with `parts`
/// threads of the current rayon pool, each part with its own scratch.
fn split_rows(
    rows: Range<usize>,
    row_len: usize,
    out: &mut [f32],
    scratch: &mut [Vec<f32>],
    parts: usize,
    f: &RowKernel<'_>,
) {
    if parts <= 1 || rows.len() < 2 || scratch.len() < 2 {
        f(
            out,
            rows,
            scratch.first_mut().map_or(&mut [][..], |s| &mut s[..]),
        );
        return;
    }
    let first_parts = parts / 2;
    let mid = rows.start + rows.len() * first_parts / parts;
    let (a, b) = out.split_at_mut((mid - rows.start) * row_len);
    let (sa, sb) = scratch.split_at_mut(first_parts.min(scratch.len() - 1).max(1));
    rayon::join(
        || split_rows(rows.start..mid, row_len, a, sa, first_parts, f),
        || split_rows(mid..rows.end, row_len, b, sb, parts - first_parts, f),
    );
}

/// Run `step`: its output buffer is taken out of the arena while the kernel
/// reads the inputs (the plan never lets a step read the buffer it writes).
/// Convolutions large enough are split by output rows over `threads` threads
/// of the current rayon pool.
pub(crate) fn execute(
    step: &Step,
    buffers: &mut [Vec<f32>],
    scratch: &mut [Vec<f32>],
    threads: usize,
) {
    let mut out_buf = std::mem::take(&mut buffers[step.output.buf]);
    let out = &mut out_buf[..step.output.len];
    let input = |i: usize| {
        let v = step.inputs[i];
        &buffers[v.buf][..v.len]
    };
    match &step.kernel {
        Kernel::Conv(c) => {
            let (oh, x) = (c.geometry.oh, input(0));
            let parts = parallel_parts(c.macs_per_row() * oh, threads);
            let run = |o: &mut [f32], rows: Range<usize>, s: &mut [f32]| c.run(x, o, rows, s);
            split_rows(0..oh, c.geometry.ow * c.cout, out, scratch, parts, &run);
        }
        Kernel::Depthwise(d) => {
            let (oh, x) = (d.geometry.oh, input(0));
            let parts = parallel_parts(d.macs_per_row() * oh, threads);
            let run = |o: &mut [f32], rows: Range<usize>, _: &mut [f32]| d.run(x, o, rows);
            split_rows(0..oh, d.geometry.ow * d.channels, out, scratch, parts, &run);
        }
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

/// Threads worth using for an operator of `macs` multiply-adds.
fn parallel_parts(macs: usize, threads: usize) -> usize {
    if macs >= MIN_PARALLEL_MACS {
        threads
    } else {
        1
    }
}
