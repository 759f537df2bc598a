//! Print the operators of a TFLite model: `cargo run -p janu-nn --example ops MODEL.tflite`.

use std::collections::BTreeMap;

fn main() {
    let path = std::env::args().nth(1).expect("give a model file");
    let bytes = std::fs::read(&path).expect("readable model");
    let model = janu_nn::tflite::read_model(&bytes).expect("a float TFLite model");
    let mut counts: BTreeMap<String, usize> = BTreeMap::new();
    for op in &model.ops {
        let shapes: Vec<_> = op
            .inputs
            .iter()
            .map(|i| i.map(|i| model.tensors[i].shape.clone()))
            .collect();
        let out: Vec<_> = op
            .outputs
            .iter()
            .map(|&o| model.tensors[o].shape.clone())
            .collect();
        println!("{:?} in {:?} out {:?}", op.kind, shapes, out);
        *counts.entry(format!("{:?}", op.kind)).or_default() += 1;
    }
    for (k, n) in counts {
        println!("{n:4} x {k}");
    }
}
