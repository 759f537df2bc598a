//! The installed (prepared) models, read through janu-nn's one TFLite reader:
//! no op or type left that the runtimes lack, every model planned by janu-nn,
//! and the writer's output read back and written again byte for byte.

use janu_models::prepare::DESCRIPTION;
use janu_models::{ModelKind, ModelStore};
use janu_nn::tflite::{code, read_graph, tensor_type, write_graph};

#[test]
fn prepared_models_are_plain_fp32_graphs_that_round_trip() {
    let store = ModelStore::from_env().unwrap();
    for kind in ModelKind::ALL {
        let bytes = store.load(kind, &mut |_| {}).unwrap();
        let graph = read_graph(&bytes).unwrap();
        let label = kind.label();
        for op in &graph.operators {
            assert!(
                ![code::DEQUANTIZE, code::DENSIFY, code::DEPTH_TO_SPACE].contains(&op.code),
                "{label}: op {} left",
                op.code
            );
        }
        for t in &graph.tensors {
            assert_ne!(t.ty, tensor_type::FLOAT16, "{label}: {} is fp16", t.name);
            assert!(t.sparsity.is_none() && !t.quantised, "{label}: {}", t.name);
        }
        assert_eq!(
            write_graph(&graph, DESCRIPTION).unwrap(),
            bytes,
            "{label}: written again, the prepared file differs"
        );
        let model = janu_nn::Model::from_tflite(&bytes).unwrap();
        let (side, outputs) = match kind {
            ModelKind::Detector => (224, 2),
            // Landmarks, presence, heatmap, world landmarks: no segmentation.
            ModelKind::Landmark(_) => (256, 4),
        };
        assert_eq!(model.input_shape(), [1, side, side, 3], "{label}");
        assert_eq!(model.output_shapes().len(), outputs, "{label}");
    }
}
