//! The one error type of this crate.

/// Everything that can go wrong while loading or running a model.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum NnError {
    /// The bytes are not a TFLite flatbuffer, or a table in it is damaged.
    #[error("not a readable TFLite model: {0}")]
    Format(String),
    /// The model uses an operator, option or tensor type this runtime lacks.
    #[error("unsupported model: {0}")]
    Unsupported(String),
    /// The graph is inconsistent (shapes that do not fit an operator, a tensor
    /// read before it is written, ...).
    #[error("invalid graph: {0}")]
    Graph(String),
    /// The caller gave an input of the wrong size.
    #[error("input holds {actual} values; the model expects {expected}")]
    InputSize {
        /// Values the model's input tensor holds.
        expected: usize,
        /// Values given.
        actual: usize,
    },
}
