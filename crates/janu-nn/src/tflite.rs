//! Reading and writing TFLite flatbuffers: Janu's one TFLite reader.
//!
//! A file is seen at two levels:
//!
//! - [`read_graph`] gives it as written ([`Graph`]): every tensor with its
//!   TFLite type, constant bytes, quantisation and sparsity, every operator with
//!   its code, version and options. The model preparation (`janu-models`) reads
//!   the MediaPipe files this way, rewrites the graph and writes it back with
//!   [`write_graph`].
//! - [`read_model`] checks such a graph against what this runtime runs and
//!   gives a [`ModelDef`] (what [`crate::Model`] plans).
//!
//! The reader is a small, bounds-checked reader of the flatbuffer wire format
//! for just the tables a float TFLite model needs: model, subgraph, tensor,
//! buffer, sparsity, operator, operator code and the options of the operators
//! [`Options`] lists. Every offset is checked, so a damaged file gives
//! [`NnError::Format`], never a panic. Field slots follow TFLite's `schema.fbs`
//! (a union takes two slots: its type, then its value); the writer uses the
//! same slot table, so what it writes the reader reads back.

use crate::NnError;

/// Builtin operator codes (TFLite's `BuiltinOperator`) that Janu reads or
/// writes.
pub mod code {
    /// `ADD`.
    pub const ADD: i32 = 0;
    /// `AVERAGE_POOL_2D`.
    pub const AVERAGE_POOL_2D: i32 = 1;
    /// `CONCATENATION`.
    pub const CONCATENATION: i32 = 2;
    /// `CONV_2D`.
    pub const CONV_2D: i32 = 3;
    /// `DEPTHWISE_CONV_2D`.
    pub const DEPTHWISE_CONV_2D: i32 = 4;
    /// `DEPTH_TO_SPACE` (rewritten by the preparation).
    pub const DEPTH_TO_SPACE: i32 = 5;
    /// `DEQUANTIZE` (folded by the preparation).
    pub const DEQUANTIZE: i32 = 6;
    /// `LOGISTIC`.
    pub const LOGISTIC: i32 = 14;
    /// `MAX_POOL_2D`.
    pub const MAX_POOL_2D: i32 = 17;
    /// `MUL`.
    pub const MUL: i32 = 18;
    /// `RELU`.
    pub const RELU: i32 = 19;
    /// `RELU6`.
    pub const RELU6: i32 = 21;
    /// `RESHAPE`.
    pub const RESHAPE: i32 = 22;
    /// `RESIZE_BILINEAR`.
    pub const RESIZE_BILINEAR: i32 = 23;
    /// `PAD`.
    pub const PAD: i32 = 34;
    /// `TRANSPOSE`.
    pub const TRANSPOSE: i32 = 39;
    /// `DENSIFY` (folded by the preparation).
    pub const DENSIFY: i32 = 124;
}

/// TFLite's `TensorType` values that Janu reads or writes.
pub mod tensor_type {
    /// 32-bit float.
    pub const FLOAT32: i8 = 0;
    /// 16-bit float (the npm models' weights).
    pub const FLOAT16: i8 = 1;
    /// 32-bit integer.
    pub const INT32: i8 = 2;
    /// 8-bit unsigned integer.
    pub const UINT8: i8 = 3;
    /// 64-bit integer.
    pub const INT64: i8 = 4;
    /// 16-bit integer.
    pub const INT16: i8 = 7;
    /// 8-bit integer.
    pub const INT8: i8 = 9;
}

/// TFLite's `BuiltinOptions` union: the option tables Janu reads or writes.
mod options_type {
    pub const NONE: u8 = 0;
    pub const CONV_2D: u8 = 1;
    pub const DEPTHWISE_CONV_2D: u8 = 2;
    pub const POOL_2D: u8 = 5;
    pub const CONCATENATION: u8 = 10;
    pub const ADD: u8 = 11;
    pub const RESIZE_BILINEAR: u8 = 15;
    pub const MUL: u8 = 21;
    pub const PAD: u8 = 22;
    pub const DEPTH_TO_SPACE: u8 = 94;
}

/// TFLite's `SparseIndexVector` union.
mod index_vector {
    pub const INT32: u8 = 1;
    pub const UINT16: u8 = 2;
    pub const UINT8: u8 = 3;
}

/// A position in the flatbuffer and the bytes around it.
#[derive(Clone, Copy)]
struct Table<'a> {
    buf: &'a [u8],
    pos: usize,
}

fn damaged(what: &str) -> NnError {
    NnError::Format(format!("{what} lies outside the file"))
}

fn read_bytes<const N: usize>(buf: &[u8], pos: usize) -> Result<[u8; N], NnError> {
    buf.get(pos..pos.checked_add(N).ok_or_else(|| damaged("an offset"))?)
        .and_then(|s| s.try_into().ok())
        .ok_or_else(|| damaged("a value"))
}

fn read_u32(buf: &[u8], pos: usize) -> Result<u32, NnError> {
    read_bytes::<4>(buf, pos).map(u32::from_le_bytes)
}

fn read_u16(buf: &[u8], pos: usize) -> Result<u16, NnError> {
    read_bytes::<2>(buf, pos).map(u16::from_le_bytes)
}

/// Follow the unsigned offset stored at `pos`.
fn follow(buf: &[u8], pos: usize) -> Result<usize, NnError> {
    let off = read_u32(buf, pos)? as usize;
    pos.checked_add(off).ok_or_else(|| damaged("an offset"))
}

/// A vector: where its elements start and how many there are.
#[derive(Clone, Copy)]
struct Vector<'a> {
    buf: &'a [u8],
    start: usize,
    len: usize,
}

impl<'a> Vector<'a> {
    fn at(buf: &'a [u8], pos: usize, element: usize) -> Result<Self, NnError> {
        let len = read_u32(buf, pos)? as usize;
        let start = pos + 4;
        let end = len
            .checked_mul(element)
            .and_then(|n| n.checked_add(start))
            .ok_or_else(|| damaged("a vector"))?;
        if end > buf.len() {
            return Err(damaged("a vector"));
        }
        Ok(Self { buf, start, len })
    }

    fn bytes(&self) -> &'a [u8] {
        &self.buf[self.start..self.start + self.len]
    }

    fn i32s(&self) -> Vec<i32> {
        self.buf[self.start..self.start + 4 * self.len]
            .chunks_exact(4)
            .map(|c| i32::from_le_bytes([c[0], c[1], c[2], c[3]]))
            .collect()
    }

    fn u16s(&self) -> Vec<u16> {
        self.buf[self.start..self.start + 2 * self.len]
            .chunks_exact(2)
            .map(|c| u16::from_le_bytes([c[0], c[1]]))
            .collect()
    }

    fn table(&self, i: usize) -> Result<Table<'a>, NnError> {
        Table::at(self.buf, follow(self.buf, self.start + 4 * i)?)
    }

    /// Every element, each a table.
    fn tables(&self) -> Result<Vec<Table<'a>>, NnError> {
        (0..self.len).map(|i| self.table(i)).collect()
    }
}

impl<'a> Table<'a> {
    fn at(buf: &'a [u8], pos: usize) -> Result<Self, NnError> {
        // The table starts with a signed offset back to its vtable.
        read_u32(buf, pos)?;
        Ok(Self { buf, pos })
    }

    fn root(buf: &'a [u8]) -> Result<Self, NnError> {
        Self::at(buf, follow(buf, 0)?)
    }

    /// Where field `slot` is stored, or `None` when it holds its default.
    fn field(&self, slot: usize) -> Result<Option<usize>, NnError> {
        let back = i64::from(read_u32(self.buf, self.pos)? as i32);
        let vtable = usize::try_from(self.pos as i64 - back).map_err(|_| damaged("a vtable"))?;
        let vt_len = usize::from(read_u16(self.buf, vtable)?);
        let entry = 4 + 2 * slot;
        if entry + 2 > vt_len {
            return Ok(None);
        }
        let off = usize::from(read_u16(self.buf, vtable + entry)?);
        Ok((off != 0).then_some(self.pos + off))
    }

    /// The scalar in field `slot` (`N` little-endian bytes read by
    /// `from_le`), or `default` when the field is absent.
    fn scalar<const N: usize, T>(
        &self,
        slot: usize,
        default: T,
        from_le: fn([u8; N]) -> T,
    ) -> Result<T, NnError> {
        match self.field(slot)? {
            Some(p) => read_bytes::<N>(self.buf, p).map(from_le),
            None => Ok(default),
        }
    }

    fn i32(&self, slot: usize, default: i32) -> Result<i32, NnError> {
        self.scalar(slot, default, i32::from_le_bytes)
    }

    fn u32(&self, slot: usize, default: u32) -> Result<u32, NnError> {
        self.scalar(slot, default, u32::from_le_bytes)
    }

    fn i8(&self, slot: usize, default: i8) -> Result<i8, NnError> {
        self.scalar(slot, default, i8::from_le_bytes)
    }

    fn u8(&self, slot: usize, default: u8) -> Result<u8, NnError> {
        self.scalar(slot, default, u8::from_le_bytes)
    }

    fn bool(&self, slot: usize) -> Result<bool, NnError> {
        Ok(self.i8(slot, 0)? != 0)
    }

    fn table(&self, slot: usize) -> Result<Option<Table<'a>>, NnError> {
        self.field(slot)?
            .map(|p| Table::at(self.buf, follow(self.buf, p)?))
            .transpose()
    }

    fn vector(&self, slot: usize, element: usize) -> Result<Option<Vector<'a>>, NnError> {
        self.field(slot)?
            .map(|p| Vector::at(self.buf, follow(self.buf, p)?, element))
            .transpose()
    }

    fn string(&self, slot: usize) -> Result<String, NnError> {
        Ok(self
            .vector(slot, 1)?
            .map(|v| String::from_utf8_lossy(v.bytes()).into_owned())
            .unwrap_or_default())
    }
}

/// Element type of a tensor.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ElementType {
    /// 32-bit float: every activation and weight of the runtime.
    F32,
    /// 32-bit integer: shapes, paddings and permutations.
    I32,
    /// 64-bit integer: shapes in some files.
    I64,
}

/// A tensor of the graph.
#[derive(Debug, Clone, PartialEq)]
pub struct TensorDef {
    /// Its name in the file (for messages).
    pub name: String,
    /// Its shape (NHWC for 4-D activations).
    pub shape: Vec<usize>,
    /// Its element type.
    pub ty: ElementType,
    /// Its bytes (little-endian) when it is a constant.
    pub data: Option<Vec<u8>>,
}

impl TensorDef {
    /// Number of elements.
    pub fn len(&self) -> usize {
        self.shape.iter().product()
    }

    /// True for a tensor of no elements.
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// The constant's values as `f32`, when it is a float constant of the
    /// right size.
    pub fn f32_data(&self) -> Option<Vec<f32>> {
        let data = self.data.as_ref()?;
        (self.ty == ElementType::F32 && data.len() == 4 * self.len()).then(|| {
            data.chunks_exact(4)
                .map(|c| f32::from_le_bytes([c[0], c[1], c[2], c[3]]))
                .collect()
        })
    }

    /// The constant's values as `i64`, when it is an integer constant.
    pub fn int_data(&self) -> Option<Vec<i64>> {
        let data = self.data.as_ref()?;
        match self.ty {
            ElementType::I32 if data.len() == 4 * self.len() => Some(
                data.chunks_exact(4)
                    .map(|c| i64::from(i32::from_le_bytes([c[0], c[1], c[2], c[3]])))
                    .collect(),
            ),
            ElementType::I64 if data.len() == 8 * self.len() => Some(
                data.chunks_exact(8)
                    .map(|c| i64::from_le_bytes(c.try_into().unwrap_or([0; 8])))
                    .collect(),
            ),
            _ => None,
        }
    }
}

/// An activation fused into an operator.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Activation {
    /// None.
    None,
    /// `max(x, 0)`.
    Relu,
    /// `clamp(x, -1, 1)`.
    ReluN1To1,
    /// `clamp(x, 0, 6)`.
    Relu6,
    /// `tanh(x)`.
    Tanh,
}

impl Activation {
    /// The activation applied to one value.
    #[inline(always)]
    pub fn apply(self, v: f32) -> f32 {
        match self {
            Self::None => v,
            Self::Relu => v.max(0.0),
            Self::ReluN1To1 => v.clamp(-1.0, 1.0),
            Self::Relu6 => v.clamp(0.0, 6.0),
            Self::Tanh => v.tanh(),
        }
    }

    /// The clamp bounds of a clamping activation (`None` for `Tanh`).
    pub fn bounds(self) -> Option<(f32, f32)> {
        match self {
            Self::None => Some((f32::NEG_INFINITY, f32::INFINITY)),
            Self::Relu => Some((0.0, f32::INFINITY)),
            Self::ReluN1To1 => Some((-1.0, 1.0)),
            Self::Relu6 => Some((0.0, 6.0)),
            Self::Tanh => None,
        }
    }

    /// The activation of a TFLite `ActivationFunctionType` value.
    ///
    /// # Errors
    /// [`NnError::Unsupported`] for another activation (`SIGN_BIT`, ...).
    fn from_code(code: i8) -> Result<Self, NnError> {
        Ok(match code {
            0 => Self::None,
            1 => Self::Relu,
            2 => Self::ReluN1To1,
            3 => Self::Relu6,
            4 => Self::Tanh,
            other => {
                return Err(NnError::Unsupported(format!(
                    "fused activation code {other}"
                )));
            }
        })
    }
}

/// Padding scheme of a window operator.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Padding {
    /// Output size `ceil(input / stride)`, zeros around (more after than before).
    Same,
    /// No padding: output size `ceil((input - window + 1) / stride)`.
    Valid,
}

/// Geometry of a sliding window: strides, dilations, padding (x then y).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Window {
    /// Padding scheme.
    pub padding: Padding,
    /// Step between windows, (x, y).
    pub stride: (usize, usize),
    /// Step between taps of a window, (x, y).
    pub dilation: (usize, usize),
}

/// Options of a pooling operator (maximum or average).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Pooling {
    /// Its window (dilation 1).
    pub window: Window,
    /// Window size, (x, y).
    pub filter: (usize, usize),
    /// Fused activation.
    pub activation: Activation,
}

/// An operator and its options.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum OpKind {
    /// `CONV_2D`: inputs data, weights `[out, kh, kw, in]`, optional bias.
    Conv2d {
        /// Its window.
        window: Window,
        /// Fused activation.
        activation: Activation,
    },
    /// `DEPTHWISE_CONV_2D`: inputs data, weights `[1, kh, kw, channels]`, bias.
    DepthwiseConv2d {
        /// Its window.
        window: Window,
        /// Output channels per input channel.
        multiplier: usize,
        /// Fused activation.
        activation: Activation,
    },
    /// `MAX_POOL_2D`.
    MaxPool2d(Pooling),
    /// `AVERAGE_POOL_2D`.
    AvgPool2d(Pooling),
    /// `ADD` with broadcasting of a smaller operand.
    Add {
        /// Fused activation.
        activation: Activation,
    },
    /// `MUL` with broadcasting of a smaller operand.
    Mul {
        /// Fused activation.
        activation: Activation,
    },
    /// `CONCATENATION` along `axis`.
    Concat {
        /// Axis (negative counts from the end).
        axis: i32,
        /// Fused activation.
        activation: Activation,
    },
    /// `PAD` with a constant `[rank, 2]` paddings tensor (zeros).
    Pad,
    /// `RESHAPE`: same data, new shape (the output tensor's).
    Reshape,
    /// `TRANSPOSE` with a constant permutation.
    Transpose,
    /// `RESIZE_BILINEAR` to the output tensor's size.
    ResizeBilinear {
        /// Corners of input and output are aligned.
        align_corners: bool,
        /// Sample at pixel centres.
        half_pixel_centers: bool,
    },
    /// `LOGISTIC` (sigmoid).
    Logistic,
    /// `RELU`.
    Relu,
    /// `RELU6`.
    Relu6,
}

impl OpKind {
    /// The TFLite name of the operator.
    pub fn name(&self) -> &'static str {
        match self {
            Self::Conv2d { .. } => "CONV_2D",
            Self::DepthwiseConv2d { .. } => "DEPTHWISE_CONV_2D",
            Self::MaxPool2d(_) => "MAX_POOL_2D",
            Self::AvgPool2d(_) => "AVERAGE_POOL_2D",
            Self::Add { .. } => "ADD",
            Self::Mul { .. } => "MUL",
            Self::Concat { .. } => "CONCATENATION",
            Self::Pad => "PAD",
            Self::Reshape => "RESHAPE",
            Self::Transpose => "TRANSPOSE",
            Self::ResizeBilinear { .. } => "RESIZE_BILINEAR",
            Self::Logistic => "LOGISTIC",
            Self::Relu => "RELU",
            Self::Relu6 => "RELU6",
        }
    }
}

/// An operator of the graph.
#[derive(Debug, Clone, PartialEq)]
pub struct OpDef {
    /// What it computes.
    pub kind: OpKind,
    /// Input tensor indices (`None` for an omitted optional input).
    pub inputs: Vec<Option<usize>>,
    /// Output tensor indices.
    pub outputs: Vec<usize>,
}

/// A single-subgraph float TFLite model.
#[derive(Debug, Clone, PartialEq)]
pub struct ModelDef {
    /// All tensors.
    pub tensors: Vec<TensorDef>,
    /// Operators in execution order.
    pub ops: Vec<OpDef>,
    /// Graph input tensor indices.
    pub inputs: Vec<usize>,
    /// Graph output tensor indices, in output order.
    pub outputs: Vec<usize>,
}

/// A TFLite file's single subgraph as written: what the preparation rewrites.
#[derive(Debug, Clone, PartialEq)]
pub struct Graph {
    /// All tensors.
    pub tensors: Vec<GraphTensor>,
    /// Operators in execution order.
    pub operators: Vec<GraphOp>,
    /// Graph input tensor indices.
    pub inputs: Vec<i32>,
    /// Graph output tensor indices, in output order.
    pub outputs: Vec<i32>,
}

/// A tensor as written in the file.
#[derive(Debug, Clone, PartialEq)]
pub struct GraphTensor {
    /// Its name.
    pub name: String,
    /// Its shape (`-1` for a dynamic dimension).
    pub shape: Vec<i32>,
    /// Its TFLite element type (see [`tensor_type`]).
    pub ty: i8,
    /// Its bytes (little-endian, as stored: sparse when [`GraphTensor::sparsity`]
    /// is set) when it is a constant.
    pub data: Option<Vec<u8>>,
    /// True when it carries quantisation scales.
    pub quantised: bool,
    /// How its constant is stored sparsely, when it is.
    pub sparsity: Option<Sparsity>,
}

/// TFLite's sparse storage of a constant: one level per dimension, walked in
/// `traversal_order`.
#[derive(Debug, Clone, PartialEq)]
pub struct Sparsity {
    /// The dimension each level walks (empty: the natural order).
    pub traversal_order: Vec<i32>,
    /// Dimensions split into blocks (empty when the tensor is not
    /// block-sparse).
    pub block_map: Vec<i32>,
    /// The levels, in traversal order.
    pub levels: Vec<SparseLevel>,
}

/// One level of a sparse tensor, in traversal order.
#[derive(Debug, Clone, PartialEq)]
pub enum SparseLevel {
    /// Every index `0..size` is stored.
    Dense(usize),
    /// Compressed sparse row: for parent position `p`, the stored indices are
    /// `indices[segments[p]..segments[p + 1]]`.
    Csr {
        /// Start of each parent's run in `indices` (one more entry than parents).
        segments: Vec<usize>,
        /// The stored indices along this dimension.
        indices: Vec<usize>,
    },
}

/// An operator as written in the file.
#[derive(Debug, Clone, PartialEq)]
pub struct GraphOp {
    /// Its builtin code (see [`code`]).
    pub code: i32,
    /// Its operator version.
    pub version: i32,
    /// Input tensor indices (`-1` for an omitted optional input).
    pub inputs: Vec<i32>,
    /// Output tensor indices.
    pub outputs: Vec<i32>,
    /// Its builtin options.
    pub options: Options,
}

/// Builtin options of an operator, field by field as TFLite stores them
/// (paddings and activations as their TFLite codes). Values absent from the
/// file read as the schema's defaults.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Options {
    /// No options table.
    None,
    /// `AddOptions`.
    Add {
        /// Fused activation code.
        activation: i8,
    },
    /// `MulOptions`.
    Mul {
        /// Fused activation code.
        activation: i8,
    },
    /// `ConcatenationOptions`.
    Concat {
        /// Axis (negative counts from the end).
        axis: i32,
        /// Fused activation code.
        activation: i8,
    },
    /// `Conv2DOptions`.
    Conv {
        /// Padding, strides and fused activation.
        window: WindowOptions,
        /// Dilations, (x, y).
        dilation: (i32, i32),
    },
    /// `DepthwiseConv2DOptions`.
    Depthwise {
        /// Padding, strides and fused activation.
        window: WindowOptions,
        /// Dilations, (x, y).
        dilation: (i32, i32),
        /// Output channels per input channel.
        multiplier: i32,
    },
    /// `Pool2DOptions`.
    Pool {
        /// Padding, strides and fused activation.
        window: WindowOptions,
        /// Window size, (x, y).
        filter: (i32, i32),
    },
    /// `PadOptions` (an empty table).
    Pad,
    /// `ResizeBilinearOptions`.
    Resize {
        /// Corners of input and output are aligned.
        align_corners: bool,
        /// Sample at pixel centres.
        half_pixel_centers: bool,
    },
    /// `DepthToSpaceOptions`.
    DepthToSpace {
        /// Block size.
        block: i32,
    },
    /// An options table of another type (its `BuiltinOptions` number), not
    /// read.
    Other(u8),
}

/// The fields that `Conv2DOptions`, `DepthwiseConv2DOptions` and
/// `Pool2DOptions` share, as TFLite stores them.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct WindowOptions {
    /// Padding code (0 same, 1 valid).
    pub padding: i8,
    /// Strides, (x, y).
    pub stride: (i32, i32),
    /// Fused activation code.
    pub activation: i8,
}

/// Table slots of `schema.fbs`, named; a pair is the (x, y) slots.
mod slot {
    pub const MODEL_VERSION: usize = 0;
    pub const MODEL_OPERATOR_CODES: usize = 1;
    pub const MODEL_SUBGRAPHS: usize = 2;
    pub const MODEL_DESCRIPTION: usize = 3;
    pub const MODEL_BUFFERS: usize = 4;
    pub const SUBGRAPH_TENSORS: usize = 0;
    pub const SUBGRAPH_INPUTS: usize = 1;
    pub const SUBGRAPH_OUTPUTS: usize = 2;
    pub const SUBGRAPH_OPERATORS: usize = 3;
    pub const SUBGRAPH_NAME: usize = 4;
    pub const TENSOR_SHAPE: usize = 0;
    pub const TENSOR_TYPE: usize = 1;
    pub const TENSOR_BUFFER: usize = 2;
    pub const TENSOR_NAME: usize = 3;
    pub const TENSOR_QUANTIZATION: usize = 4;
    pub const TENSOR_SPARSITY: usize = 6;
    pub const QUANT_SCALE: usize = 2;
    pub const SPARSITY_TRAVERSAL_ORDER: usize = 0;
    pub const SPARSITY_BLOCK_MAP: usize = 1;
    pub const SPARSITY_DIM_METADATA: usize = 2;
    pub const DIM_FORMAT: usize = 0;
    pub const DIM_DENSE_SIZE: usize = 1;
    pub const DIM_SEGMENTS_TYPE: usize = 2;
    pub const DIM_SEGMENTS: usize = 3;
    pub const DIM_INDICES_TYPE: usize = 4;
    pub const DIM_INDICES: usize = 5;
    pub const INDEX_VECTOR_VALUES: usize = 0;
    pub const BUFFER_DATA: usize = 0;
    pub const CODE_DEPRECATED: usize = 0;
    pub const CODE_VERSION: usize = 2;
    pub const CODE_BUILTIN: usize = 3;
    pub const OP_OPCODE: usize = 0;
    pub const OP_INPUTS: usize = 1;
    pub const OP_OUTPUTS: usize = 2;
    pub const OP_OPTIONS_TYPE: usize = 3;
    pub const OP_OPTIONS: usize = 4;
    // Option tables. The three window tables (convolution, depthwise, pool)
    // all start with the padding then the strides.
    pub const WINDOW_PADDING: usize = 0;
    pub const WINDOW_STRIDE: (usize, usize) = (1, 2);
    pub const CONV_ACTIVATION: usize = 3;
    pub const CONV_DILATION: (usize, usize) = (4, 5);
    pub const DW_MULTIPLIER: usize = 3;
    pub const DW_ACTIVATION: usize = 4;
    pub const DW_DILATION: (usize, usize) = (5, 6);
    pub const POOL_FILTER: (usize, usize) = (3, 4);
    pub const POOL_ACTIVATION: usize = 5;
    pub const CONCAT_AXIS: usize = 0;
    pub const CONCAT_ACTIVATION: usize = 1;
    pub const ADD_ACTIVATION: usize = 0;
    pub const MUL_ACTIVATION: usize = 0;
    pub const RESIZE_ALIGN_CORNERS: usize = 2;
    pub const RESIZE_HALF_PIXEL: usize = 3;
    pub const DEPTH_TO_SPACE_BLOCK: usize = 0;
}

/// The schema version written into files (TFLite's current one).
const SCHEMA_VERSION: u32 = 3;

/// The file identifier TFLite files carry after the root offset.
const FILE_IDENTIFIER: &[u8; 4] = b"TFL3";

fn format(msg: impl Into<String>) -> NnError {
    NnError::Format(msg.into())
}

fn i32s(v: Option<Vector<'_>>) -> Vec<i32> {
    v.map(|v| v.i32s()).unwrap_or_default()
}

/// Read a TFLite file as written (see the module docs).
///
/// # Errors
/// [`NnError::Format`] for damaged bytes or an unknown sparse index type;
/// [`NnError::Unsupported`] for several subgraphs; [`NnError::Graph`] for
/// tensor indices out of range.
pub fn read_graph(bytes: &[u8]) -> Result<Graph, NnError> {
    let model = Table::root(bytes)?;
    let subgraphs = model
        .vector(slot::MODEL_SUBGRAPHS, 4)?
        .ok_or_else(|| format("no subgraph"))?;
    if subgraphs.len != 1 {
        return Err(NnError::Unsupported(format!(
            "{} subgraphs; one is supported",
            subgraphs.len
        )));
    }
    let sg = subgraphs.table(0)?;
    let buffers = model.vector(slot::MODEL_BUFFERS, 4)?;
    let codes = model
        .vector(slot::MODEL_OPERATOR_CODES, 4)?
        .ok_or_else(|| format("no operator codes"))?;

    let mut tensors = Vec::new();
    if let Some(list) = sg.vector(slot::SUBGRAPH_TENSORS, 4)? {
        for t in list.tables()? {
            tensors.push(read_tensor(&t, buffers)?);
        }
    }
    let count = tensors.len();
    let checked = |v: Vec<i32>, what: &str, omitted_ok: bool| -> Result<Vec<i32>, NnError> {
        for &i in &v {
            if !(omitted_ok && i < 0) {
                index(i, count, what)?;
            }
        }
        Ok(v)
    };

    let mut operators = Vec::new();
    if let Some(list) = sg.vector(slot::SUBGRAPH_OPERATORS, 4)? {
        for (i, op) in list.tables()?.into_iter().enumerate() {
            let code_index = op.u32(slot::OP_OPCODE, 0)? as usize;
            if code_index >= codes.len {
                return Err(format(format!(
                    "operator {i} names operator code {code_index} of {}",
                    codes.len
                )));
            }
            let c = codes.table(code_index)?;
            // Old files keep small codes in the deprecated field only.
            let code = c
                .i32(slot::CODE_BUILTIN, 0)?
                .max(i32::from(c.i8(slot::CODE_DEPRECATED, 0)?));
            operators.push(GraphOp {
                code,
                version: c.i32(slot::CODE_VERSION, 1)?,
                options: read_options(&op, code)?,
                inputs: checked(i32s(op.vector(slot::OP_INPUTS, 4)?), "operator input", true)?,
                outputs: checked(
                    i32s(op.vector(slot::OP_OUTPUTS, 4)?),
                    "operator output",
                    false,
                )?,
            });
        }
    }
    Ok(Graph {
        inputs: checked(
            i32s(sg.vector(slot::SUBGRAPH_INPUTS, 4)?),
            "graph input",
            false,
        )?,
        outputs: checked(
            i32s(sg.vector(slot::SUBGRAPH_OUTPUTS, 4)?),
            "graph output",
            false,
        )?,
        tensors,
        operators,
    })
}

fn read_tensor(t: &Table<'_>, buffers: Option<Vector<'_>>) -> Result<GraphTensor, NnError> {
    let name = t.string(slot::TENSOR_NAME)?;
    let quantised = match t.table(slot::TENSOR_QUANTIZATION)? {
        Some(q) => q.vector(slot::QUANT_SCALE, 4)?.is_some_and(|s| s.len > 0),
        None => false,
    };
    let sparsity = t
        .table(slot::TENSOR_SPARSITY)?
        .map(|s| read_sparsity(&s, &name))
        .transpose()?;
    let buffer = t.u32(slot::TENSOR_BUFFER, 0)? as usize;
    let mut data = None;
    if buffer != 0 {
        let buffers = buffers.ok_or_else(|| format("no buffers"))?;
        if buffer >= buffers.len {
            return Err(format(format!(
                "tensor {name} names buffer {buffer} of {}",
                buffers.len
            )));
        }
        if let Some(d) = buffers.table(buffer)?.vector(slot::BUFFER_DATA, 1)?
            && d.len > 0
        {
            data = Some(d.bytes().to_vec());
        }
    }
    Ok(GraphTensor {
        shape: i32s(t.vector(slot::TENSOR_SHAPE, 4)?),
        ty: t.i8(slot::TENSOR_TYPE, 0)?,
        name,
        data,
        quantised,
        sparsity,
    })
}

fn read_sparsity(s: &Table<'_>, name: &str) -> Result<Sparsity, NnError> {
    let bad = |what: &str| format(format!("sparse tensor {name}: {what}"));
    let mut levels = Vec::new();
    let dims = s
        .vector(slot::SPARSITY_DIM_METADATA, 4)?
        .ok_or_else(|| bad("no dimension metadata"))?;
    for dm in dims.tables()? {
        levels.push(if dm.i8(slot::DIM_FORMAT, 0)? == 0 {
            SparseLevel::Dense(dm.i32(slot::DIM_DENSE_SIZE, 0)?.max(0) as usize)
        } else {
            let list = |type_slot: usize, value_slot: usize| -> Result<Vec<usize>, NnError> {
                let ty = dm.u8(type_slot, 0)?;
                let values = dm
                    .table(value_slot)?
                    .map(|v| v.field(slot::INDEX_VECTOR_VALUES))
                    .transpose()?
                    .flatten();
                let Some(table) = dm.table(value_slot)? else {
                    return Err(bad("a sparse level without its indices"));
                };
                let element = match ty {
                    index_vector::INT32 => 4,
                    index_vector::UINT16 => 2,
                    index_vector::UINT8 => 1,
                    other => return Err(bad(&format!("sparse index type {other}"))),
                };
                let Some(_) = values else {
                    return Ok(Vec::new());
                };
                let v = table
                    .vector(slot::INDEX_VECTOR_VALUES, element)?
                    .ok_or_else(|| bad("a sparse level without its indices"))?;
                Ok(match ty {
                    index_vector::INT32 => {
                        v.i32s().into_iter().map(|x| x.max(0) as usize).collect()
                    }
                    index_vector::UINT16 => v.u16s().into_iter().map(usize::from).collect(),
                    _ => v.bytes().iter().map(|&b| usize::from(b)).collect(),
                })
            };
            SparseLevel::Csr {
                segments: list(slot::DIM_SEGMENTS_TYPE, slot::DIM_SEGMENTS)?,
                indices: list(slot::DIM_INDICES_TYPE, slot::DIM_INDICES)?,
            }
        });
    }
    Ok(Sparsity {
        traversal_order: i32s(s.vector(slot::SPARSITY_TRAVERSAL_ORDER, 4)?),
        block_map: i32s(s.vector(slot::SPARSITY_BLOCK_MAP, 4)?),
        levels,
    })
}

fn read_options(op: &Table<'_>, code: i32) -> Result<Options, NnError> {
    let ty = op.u8(slot::OP_OPTIONS_TYPE, options_type::NONE)?;
    if ty == options_type::NONE {
        return Ok(Options::None);
    }
    let o = op
        .table(slot::OP_OPTIONS)?
        .ok_or_else(|| format(format!("operator {code} lacks its options")))?;
    let pair = |(x, y): (usize, usize), default: i32| -> Result<(i32, i32), NnError> {
        Ok((o.i32(x, default)?, o.i32(y, default)?))
    };
    let window = |activation: usize| -> Result<WindowOptions, NnError> {
        Ok(WindowOptions {
            padding: o.i8(slot::WINDOW_PADDING, 0)?,
            stride: pair(slot::WINDOW_STRIDE, 0)?,
            activation: o.i8(activation, 0)?,
        })
    };
    Ok(match ty {
        options_type::ADD => Options::Add {
            activation: o.i8(slot::ADD_ACTIVATION, 0)?,
        },
        options_type::MUL => Options::Mul {
            activation: o.i8(slot::MUL_ACTIVATION, 0)?,
        },
        options_type::CONCATENATION => Options::Concat {
            axis: o.i32(slot::CONCAT_AXIS, 0)?,
            activation: o.i8(slot::CONCAT_ACTIVATION, 0)?,
        },
        options_type::CONV_2D => Options::Conv {
            window: window(slot::CONV_ACTIVATION)?,
            dilation: pair(slot::CONV_DILATION, 1)?,
        },
        options_type::DEPTHWISE_CONV_2D => Options::Depthwise {
            window: window(slot::DW_ACTIVATION)?,
            dilation: pair(slot::DW_DILATION, 1)?,
            multiplier: o.i32(slot::DW_MULTIPLIER, 0)?,
        },
        options_type::POOL_2D => Options::Pool {
            window: window(slot::POOL_ACTIVATION)?,
            filter: pair(slot::POOL_FILTER, 0)?,
        },
        options_type::PAD => Options::Pad,
        options_type::RESIZE_BILINEAR => Options::Resize {
            align_corners: o.bool(slot::RESIZE_ALIGN_CORNERS)?,
            half_pixel_centers: o.bool(slot::RESIZE_HALF_PIXEL)?,
        },
        options_type::DEPTH_TO_SPACE => Options::DepthToSpace {
            block: o.i32(slot::DEPTH_TO_SPACE_BLOCK, 0)?,
        },
        other => Options::Other(other),
    })
}

fn index(v: i32, count: usize, what: &str) -> Result<usize, NnError> {
    usize::try_from(v)
        .ok()
        .filter(|&i| i < count)
        .ok_or_else(|| NnError::Graph(format!("{what} {v} is not a tensor index")))
}

fn positive(v: i32, what: &str) -> Result<usize, NnError> {
    usize::try_from(v)
        .ok()
        .filter(|&v| v > 0)
        .ok_or_else(|| NnError::Unsupported(format!("{what} {v}")))
}

fn padding(v: i8) -> Result<Padding, NnError> {
    match v {
        0 => Ok(Padding::Same),
        1 => Ok(Padding::Valid),
        other => Err(NnError::Unsupported(format!("padding code {other}"))),
    }
}

/// The window of an operator whose options hold `w`, and its activation.
fn window(w: WindowOptions, dilation: (i32, i32)) -> Result<(Window, Activation), NnError> {
    let window = Window {
        stride: (
            positive(w.stride.0, "stride")?,
            positive(w.stride.1, "stride")?,
        ),
        dilation: (
            positive(dilation.0, "dilation")?,
            positive(dilation.1, "dilation")?,
        ),
        padding: padding(w.padding)?,
    };
    Ok((window, Activation::from_code(w.activation)?))
}

fn op_kind(op: &GraphOp) -> Result<OpKind, NnError> {
    let missing = || format(format!("operator {} lacks its options", op.code));
    let act = Activation::from_code;
    Ok(match (op.code, op.options) {
        (
            code::CONV_2D,
            Options::Conv {
                window: w,
                dilation,
            },
        ) => {
            let (window, activation) = window(w, dilation)?;
            OpKind::Conv2d { window, activation }
        }
        (
            code::DEPTHWISE_CONV_2D,
            Options::Depthwise {
                window: w,
                dilation,
                multiplier,
            },
        ) => {
            let (window, activation) = window(w, dilation)?;
            OpKind::DepthwiseConv2d {
                window,
                multiplier: multiplier.max(1) as usize,
                activation,
            }
        }
        (
            code @ (code::MAX_POOL_2D | code::AVERAGE_POOL_2D),
            Options::Pool { window: w, filter },
        ) => {
            let (window, activation) = window(w, (1, 1))?;
            let pooling = Pooling {
                window,
                filter: (
                    positive(filter.0, "filter width")?,
                    positive(filter.1, "filter height")?,
                ),
                activation,
            };
            if code == code::MAX_POOL_2D {
                OpKind::MaxPool2d(pooling)
            } else {
                OpKind::AvgPool2d(pooling)
            }
        }
        (code::ADD, Options::Add { activation }) => OpKind::Add {
            activation: act(activation)?,
        },
        (code::ADD, Options::None) => OpKind::Add {
            activation: Activation::None,
        },
        (code::MUL, Options::Mul { activation }) => OpKind::Mul {
            activation: act(activation)?,
        },
        (code::MUL, Options::None) => OpKind::Mul {
            activation: Activation::None,
        },
        (code::CONCATENATION, Options::Concat { axis, activation }) => OpKind::Concat {
            axis,
            activation: act(activation)?,
        },
        (
            code::RESIZE_BILINEAR,
            Options::Resize {
                align_corners,
                half_pixel_centers,
            },
        ) => OpKind::ResizeBilinear {
            align_corners,
            half_pixel_centers,
        },
        (
            code::CONV_2D
            | code::DEPTHWISE_CONV_2D
            | code::MAX_POOL_2D
            | code::AVERAGE_POOL_2D
            | code::ADD
            | code::MUL
            | code::CONCATENATION
            | code::RESIZE_BILINEAR,
            _,
        ) => return Err(missing()),
        (code::PAD, _) => OpKind::Pad,
        (code::RESHAPE, _) => OpKind::Reshape,
        (code::TRANSPOSE, _) => OpKind::Transpose,
        (code::LOGISTIC, _) => OpKind::Logistic,
        (code::RELU, _) => OpKind::Relu,
        (code::RELU6, _) => OpKind::Relu6,
        (other, _) => {
            return Err(NnError::Unsupported(format!(
                "builtin operator {other} (prepare the model first: DEQUANTIZE, DENSIFY \
                 and DEPTH_TO_SPACE are rewritten by janu-models' preparation)"
            )));
        }
    })
}

/// Read a float TFLite model for this runtime.
///
/// # Errors
/// [`NnError::Format`] for damaged bytes; [`NnError::Unsupported`] for several
/// subgraphs, quantised or sparse tensors, other element types, or operators
/// outside [`OpKind`]; [`NnError::Graph`] for indices out of range.
pub fn read_model(bytes: &[u8]) -> Result<ModelDef, NnError> {
    model_from_graph(&read_graph(bytes)?)
}

/// Check a graph against what this runtime runs.
///
/// # Errors
/// As [`read_model`], without the format errors of the bytes.
pub fn model_from_graph(graph: &Graph) -> Result<ModelDef, NnError> {
    let mut tensors = Vec::with_capacity(graph.tensors.len());
    for t in &graph.tensors {
        let name = &t.name;
        let shape = t
            .shape
            .iter()
            .map(|&d| {
                usize::try_from(d)
                    .map_err(|_| NnError::Unsupported(format!("tensor {name} has a dynamic shape")))
            })
            .collect::<Result<Vec<_>, _>>()?;
        let ty = match t.ty {
            tensor_type::FLOAT32 => ElementType::F32,
            tensor_type::INT32 => ElementType::I32,
            tensor_type::INT64 => ElementType::I64,
            other => {
                return Err(NnError::Unsupported(format!(
                    "tensor {name} has element type {other}"
                )));
            }
        };
        if t.quantised {
            return Err(NnError::Unsupported(format!("tensor {name} is quantised")));
        }
        if t.sparsity.is_some() {
            return Err(NnError::Unsupported(format!(
                "tensor {name} is sparse (prepare the model first)"
            )));
        }
        tensors.push(TensorDef {
            name: name.clone(),
            shape,
            ty,
            data: t.data.clone(),
        });
    }
    let count = tensors.len();
    let indices = |v: &[i32], what: &str| -> Result<Vec<usize>, NnError> {
        v.iter().map(|&i| index(i, count, what)).collect()
    };
    let mut ops = Vec::with_capacity(graph.operators.len());
    for op in &graph.operators {
        ops.push(OpDef {
            kind: op_kind(op)?,
            inputs: op
                .inputs
                .iter()
                .map(|&t| {
                    (t >= 0)
                        .then(|| index(t, count, "operator input"))
                        .transpose()
                })
                .collect::<Result<Vec<_>, _>>()?,
            outputs: indices(&op.outputs, "operator output")?,
        });
    }
    Ok(ModelDef {
        inputs: indices(&graph.inputs, "graph input")?,
        outputs: indices(&graph.outputs, "graph output")?,
        tensors,
        ops,
    })
}

/// Write `graph` as a TFLite file (schema version 3, identifier `TFL3`) with
/// `description`: one buffer per constant (after the empty buffer 0), each
/// operator's code listed once per version.
///
/// # Errors
/// [`NnError::Unsupported`] for what the writer does not write: a sparse or
/// quantised tensor, options it does not read ([`Options::Other`]).
pub fn write_graph(graph: &Graph, description: &str) -> Result<Vec<u8>, NnError> {
    let data_len: usize = graph
        .tensors
        .iter()
        .map(|t| t.data.as_ref().map_or(0, Vec::len))
        .sum();
    let mut b = Builder::with_capacity(data_len + (1 << 20));

    // Children are written before the tables that point at them.
    let mut buffers = vec![b.table(&[])];
    let mut tensors = Vec::with_capacity(graph.tensors.len());
    for t in &graph.tensors {
        if t.sparsity.is_some() || t.quantised {
            return Err(NnError::Unsupported(format!(
                "writing tensor {}: sparse or quantised",
                t.name
            )));
        }
        let buffer = match &t.data {
            Some(d) => {
                let data = b.vector_bytes(d, CONSTANT_ALIGN);
                buffers.push(b.table(&[(slot::BUFFER_DATA, Field::Offset(data))]));
                buffers.len() - 1
            }
            None => 0,
        };
        let shape = b.vector_i32(&t.shape);
        let name = b.string(&t.name);
        tensors.push(b.table(&[
            (slot::TENSOR_SHAPE, Field::Offset(shape)),
            (slot::TENSOR_TYPE, Field::I8(t.ty, 0)),
            (slot::TENSOR_BUFFER, Field::U32(buffer as u32, 0)),
            (slot::TENSOR_NAME, Field::Offset(name)),
        ]));
    }

    let mut codes: Vec<(i32, i32)> = Vec::new();
    let mut operators = Vec::with_capacity(graph.operators.len());
    for op in &graph.operators {
        let index = match codes.iter().position(|&c| c == (op.code, op.version)) {
            Some(i) => i,
            None => {
                codes.push((op.code, op.version));
                codes.len() - 1
            }
        };
        let inputs = b.vector_i32(&op.inputs);
        let outputs = b.vector_i32(&op.outputs);
        let (ty, options) = write_options(&mut b, op)?;
        let mut fields = vec![
            (slot::OP_OPCODE, Field::U32(index as u32, 0)),
            (slot::OP_INPUTS, Field::Offset(inputs)),
            (slot::OP_OUTPUTS, Field::Offset(outputs)),
            (slot::OP_OPTIONS_TYPE, Field::U8(ty, options_type::NONE)),
        ];
        if let Some(options) = options {
            fields.push((slot::OP_OPTIONS, Field::Offset(options)));
        }
        operators.push(b.table(&fields));
    }
    let code_tables: Vec<usize> = codes
        .iter()
        .map(|&(code, version)| {
            b.table(&[
                // Codes below 127 also go in the old field, as TFLite writes them.
                (slot::CODE_DEPRECATED, Field::I8(code.min(127) as i8, 0)),
                (slot::CODE_VERSION, Field::I32(version, 1)),
                (slot::CODE_BUILTIN, Field::I32(code, 0)),
            ])
        })
        .collect();

    let tensors = b.vector_offsets(&tensors);
    let operators = b.vector_offsets(&operators);
    let inputs = b.vector_i32(&graph.inputs);
    let outputs = b.vector_i32(&graph.outputs);
    let name = b.string("main");
    let subgraph = b.table(&[
        (slot::SUBGRAPH_TENSORS, Field::Offset(tensors)),
        (slot::SUBGRAPH_INPUTS, Field::Offset(inputs)),
        (slot::SUBGRAPH_OUTPUTS, Field::Offset(outputs)),
        (slot::SUBGRAPH_OPERATORS, Field::Offset(operators)),
        (slot::SUBGRAPH_NAME, Field::Offset(name)),
    ]);
    let subgraphs = b.vector_offsets(&[subgraph]);
    let codes = b.vector_offsets(&code_tables);
    let buffers = b.vector_offsets(&buffers);
    let description = b.string(description);
    let model = b.table(&[
        (slot::MODEL_VERSION, Field::U32(SCHEMA_VERSION, 0)),
        (slot::MODEL_OPERATOR_CODES, Field::Offset(codes)),
        (slot::MODEL_SUBGRAPHS, Field::Offset(subgraphs)),
        (slot::MODEL_DESCRIPTION, Field::Offset(description)),
        (slot::MODEL_BUFFERS, Field::Offset(buffers)),
    ]);
    Ok(b.finish(model))
}

/// Alignment of constant data in written files: enough for any element type
/// and for SIMD loads straight from the file.
const CONSTANT_ALIGN: usize = 16;

fn write_options(b: &mut Builder, op: &GraphOp) -> Result<(u8, Option<usize>), NnError> {
    use Field::{Bool, I8, I32};
    let (ty, fields) = match op.options {
        Options::None => return Ok((options_type::NONE, None)),
        Options::Other(ty) => {
            return Err(NnError::Unsupported(format!(
                "writing operator {}: options of type {ty}",
                op.code
            )));
        }
        Options::Add { activation } => (
            options_type::ADD,
            vec![(slot::ADD_ACTIVATION, I8(activation, 0))],
        ),
        Options::Mul { activation } => (
            options_type::MUL,
            vec![(slot::MUL_ACTIVATION, I8(activation, 0))],
        ),
        Options::Concat { axis, activation } => (
            options_type::CONCATENATION,
            vec![
                (slot::CONCAT_AXIS, I32(axis, 0)),
                (slot::CONCAT_ACTIVATION, I8(activation, 0)),
            ],
        ),
        Options::Conv { window, dilation } => (
            options_type::CONV_2D,
            [
                window_fields(window, slot::CONV_ACTIVATION).as_slice(),
                &pair_fields(slot::CONV_DILATION, dilation, 1),
            ]
            .concat(),
        ),
        Options::Depthwise {
            window,
            dilation,
            multiplier,
        } => (
            options_type::DEPTHWISE_CONV_2D,
            [
                window_fields(window, slot::DW_ACTIVATION).as_slice(),
                &pair_fields(slot::DW_DILATION, dilation, 1),
                &[(slot::DW_MULTIPLIER, I32(multiplier, 0))],
            ]
            .concat(),
        ),
        Options::Pool { window, filter } => (
            options_type::POOL_2D,
            [
                window_fields(window, slot::POOL_ACTIVATION).as_slice(),
                &pair_fields(slot::POOL_FILTER, filter, 0),
            ]
            .concat(),
        ),
        Options::Pad => (options_type::PAD, Vec::new()),
        Options::Resize {
            align_corners,
            half_pixel_centers,
        } => (
            options_type::RESIZE_BILINEAR,
            vec![
                (slot::RESIZE_ALIGN_CORNERS, Bool(align_corners)),
                (slot::RESIZE_HALF_PIXEL, Bool(half_pixel_centers)),
            ],
        ),
        Options::DepthToSpace { block } => (
            options_type::DEPTH_TO_SPACE,
            vec![(slot::DEPTH_TO_SPACE_BLOCK, I32(block, 0))],
        ),
    };
    Ok((ty, Some(b.table(&fields))))
}

/// The fields of `w` in a window options table whose activation is at
/// `activation` (the padding and strides are at the same slots in all three).
fn window_fields(w: WindowOptions, activation: usize) -> [(usize, Field); 4] {
    let [stride_x, stride_y] = pair_fields(slot::WINDOW_STRIDE, w.stride, 0);
    [
        (slot::WINDOW_PADDING, Field::I8(w.padding, 0)),
        stride_x,
        stride_y,
        (activation, Field::I8(w.activation, 0)),
    ]
}

/// The fields of the pair `(x, y)` at the slots `(x, y)`, whose schema
/// default is `default`.
fn pair_fields(slots: (usize, usize), (x, y): (i32, i32), default: i32) -> [(usize, Field); 2] {
    [
        (slots.0, Field::I32(x, default)),
        (slots.1, Field::I32(y, default)),
    ]
}

/// A field of a table being written: a scalar with its schema default (left
/// out of the file when equal, as flatbuffers writers do), or an offset to an
/// object written before.
#[derive(Debug, Clone, Copy)]
enum Field {
    I8(i8, i8),
    U8(u8, u8),
    Bool(bool),
    I32(i32, i32),
    U32(u32, u32),
    /// The position of the object (see [`Builder`]).
    Offset(usize),
}

impl Field {
    /// Its bytes, or `None` when it holds its default.
    fn bytes(self) -> Option<Vec<u8>> {
        match self {
            Self::I8(v, d) => (v != d).then(|| v.to_le_bytes().to_vec()),
            Self::U8(v, d) => (v != d).then(|| vec![v]),
            Self::Bool(v) => v.then(|| vec![1]),
            Self::I32(v, d) => (v != d).then(|| v.to_le_bytes().to_vec()),
            Self::U32(v, d) => (v != d).then(|| v.to_le_bytes().to_vec()),
            Self::Offset(_) => Some(vec![0; 4]),
        }
    }
}

/// A flatbuffer written back to front, as the format wants: an object is
/// written after everything it points at, so every offset points forward.
///
/// Objects are named by their position: their distance in bytes from the end
/// of the finished file. The bytes are kept reversed (`rev[i]` is the byte
/// `i + 1` places before the end) so that writing in front is a push.
/// Alignment is counted from the end; [`Builder::finish`] pads the front so
/// that the file's length is a multiple of the largest alignment used, which
/// makes every address aligned as well.
struct Builder {
    rev: Vec<u8>,
    max_align: usize,
}

impl Builder {
    fn with_capacity(capacity: usize) -> Self {
        Self {
            rev: Vec::with_capacity(capacity),
            max_align: 4,
        }
    }

    fn position(&self) -> usize {
        self.rev.len()
    }

    /// Pad so that an item of `len` bytes written next starts aligned to
    /// `align`.
    fn align(&mut self, len: usize, align: usize) {
        self.max_align = self.max_align.max(align);
        let pad = (align - (self.rev.len() + len) % align) % align;
        self.rev.resize(self.rev.len() + pad, 0);
    }

    /// Write `bytes` (in file order) in front; returns their position.
    fn push(&mut self, bytes: &[u8]) -> usize {
        self.rev.extend(bytes.iter().rev());
        self.rev.len()
    }

    /// Overwrite the 4 bytes at `position`.
    fn patch(&mut self, position: usize, bytes: [u8; 4]) {
        for (k, b) in bytes.into_iter().enumerate() {
            self.rev[position - 1 - k] = b;
        }
    }

    /// The offset stored at `from` that reaches the object at `to`.
    fn offset(from: usize, to: usize) -> u32 {
        (from - to) as u32
    }

    /// A vector of `payload.len() / element` elements whose bytes are
    /// `payload` (plus `extra` zero bytes after them, for a string's end).
    fn vector(&mut self, payload: &[u8], elements: usize, align: usize, extra: usize) -> usize {
        self.align(payload.len() + extra, align.max(4));
        self.rev.resize(self.rev.len() + extra, 0);
        self.push(payload);
        self.push(&(elements as u32).to_le_bytes())
    }

    fn vector_bytes(&mut self, bytes: &[u8], align: usize) -> usize {
        self.vector(bytes, bytes.len(), align, 0)
    }

    fn vector_i32(&mut self, values: &[i32]) -> usize {
        let bytes: Vec<u8> = values.iter().flat_map(|v| v.to_le_bytes()).collect();
        self.vector(&bytes, values.len(), 4, 0)
    }

    fn string(&mut self, s: &str) -> usize {
        self.vector(s.as_bytes(), s.len(), 1, 1)
    }

    /// A vector of offsets to objects written before.
    fn vector_offsets(&mut self, targets: &[usize]) -> usize {
        self.align(4 * targets.len(), 4);
        // Written last element first: each offset is relative to its own place.
        for &t in targets.iter().rev() {
            let at = self.position() + 4;
            self.push(&Self::offset(at, t).to_le_bytes());
        }
        self.push(&(targets.len() as u32).to_le_bytes())
    }

    /// A table of `fields` (slot, value); returns its position.
    fn table(&mut self, fields: &[(usize, Field)]) -> usize {
        let end = self.position();
        let mut placed: Vec<(usize, usize)> = Vec::with_capacity(fields.len());
        // Largest first, so that fields need no padding between them.
        let mut order: Vec<(usize, Vec<u8>, Field)> = fields
            .iter()
            .filter_map(|&(slot, f)| f.bytes().map(|b| (slot, b, f)))
            .collect();
        order.sort_by_key(|(slot, b, _)| (std::cmp::Reverse(b.len()), *slot));
        for (slot, mut bytes, field) in order {
            self.align(bytes.len(), bytes.len());
            if let Field::Offset(target) = field {
                let at = self.position() + 4;
                bytes = Self::offset(at, target).to_le_bytes().to_vec();
            }
            placed.push((slot, self.push(&bytes)));
        }
        // The table starts with the offset to its vtable, patched below.
        self.align(4, 4);
        let table = self.push(&[0; 4]);
        let slots = placed.iter().map(|&(s, _)| s + 1).max().unwrap_or(0);
        let mut vtable = vec![0u16; 2 + slots];
        vtable[0] = (2 * vtable.len()) as u16;
        vtable[1] = (table - end) as u16;
        for (slot, at) in placed {
            vtable[2 + slot] = (table - at) as u16;
        }
        let bytes: Vec<u8> = vtable.iter().flat_map(|v| v.to_le_bytes()).collect();
        self.align(bytes.len(), 2);
        let vt = self.push(&bytes);
        // Signed: the vtable lies before the table (table minus this).
        self.patch(table, ((vt - table) as i32).to_le_bytes());
        table
    }

    /// The finished file, whose root is the table at `root`.
    fn finish(mut self, root: usize) -> Vec<u8> {
        let align = self.max_align;
        self.align(8, align);
        self.push(FILE_IDENTIFIER);
        let at = self.position() + 4;
        self.push(&Self::offset(at, root).to_le_bytes());
        self.rev.reverse();
        self.rev
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn garbage_is_a_format_error() {
        for bytes in [&b""[..], b"abc", b"\xff\xff\xff\xff\0\0\0\0", &[0u8; 64]] {
            assert!(read_model(bytes).is_err());
            assert!(read_graph(bytes).is_err());
        }
    }

    fn floats(name: &str, shape: &[i32], values: &[f32]) -> GraphTensor {
        GraphTensor {
            name: name.into(),
            shape: shape.to_vec(),
            ty: tensor_type::FLOAT32,
            data: Some(values.iter().flat_map(|v| v.to_le_bytes()).collect()),
            quantised: false,
            sparsity: None,
        }
    }

    fn activation(name: &str, shape: &[i32]) -> GraphTensor {
        GraphTensor {
            data: None,
            ..floats(name, shape, &[])
        }
    }

    /// Window options with the same stride along x and y.
    fn window_options(padding: i8, stride: i32, activation: i8) -> WindowOptions {
        WindowOptions {
            padding,
            stride: (stride, stride),
            activation,
        }
    }

    /// A small graph using every kind of options the writer knows.
    fn sample() -> Graph {
        let op = |code, version, inputs: &[i32], output, options| GraphOp {
            code,
            version,
            inputs: inputs.to_vec(),
            outputs: vec![output],
            options,
        };
        let mut perm = floats("perm", &[4], &[]);
        perm.ty = tensor_type::INT32;
        perm.data = Some(
            [0i32, 2, 1, 3]
                .iter()
                .flat_map(|v| v.to_le_bytes())
                .collect(),
        );
        Graph {
            tensors: vec![
                activation("input", &[1, 4, 4, 2]),
                floats("w", &[3, 1, 1, 2], &[0.5, -1.0, 2.0, 0.25, 1.5, -0.75]),
                floats("b", &[3], &[0.1, 0.2, 0.3]),
                activation("conv", &[1, 4, 4, 3]),
                floats("dw", &[1, 3, 3, 3], &[0.125; 27]),
                activation("depthwise", &[1, 2, 2, 3]),
                activation("pool", &[1, 1, 1, 3]),
                activation("resized", &[1, 2, 2, 3]),
                activation("sum", &[1, 2, 2, 3]),
                activation("product", &[1, 2, 2, 3]),
                activation("joined", &[1, 2, 2, 6]),
                perm,
                activation("moved", &[1, 2, 2, 6]),
                activation("space", &[1, 4, 4, 1]),
            ],
            operators: vec![
                op(
                    code::CONV_2D,
                    2,
                    &[0, 1, 2],
                    3,
                    Options::Conv {
                        window: window_options(0, 1, 1),
                        dilation: (1, 1),
                    },
                ),
                op(
                    code::DEPTHWISE_CONV_2D,
                    1,
                    &[3, 4, -1],
                    5,
                    Options::Depthwise {
                        window: window_options(1, 2, 3),
                        dilation: (1, 1),
                        multiplier: 1,
                    },
                ),
                op(
                    code::MAX_POOL_2D,
                    1,
                    &[5],
                    6,
                    Options::Pool {
                        window: window_options(1, 2, 0),
                        filter: (2, 2),
                    },
                ),
                op(
                    code::RESIZE_BILINEAR,
                    3,
                    &[6],
                    7,
                    Options::Resize {
                        align_corners: false,
                        half_pixel_centers: true,
                    },
                ),
                op(code::ADD, 1, &[5, 7], 8, Options::Add { activation: 0 }),
                op(code::MUL, 1, &[8, 5], 9, Options::None),
                op(
                    code::CONCATENATION,
                    1,
                    &[8, 9],
                    10,
                    Options::Concat {
                        axis: 3,
                        activation: 0,
                    },
                ),
                op(code::TRANSPOSE, 1, &[10, 11], 12, Options::None),
                op(
                    code::DEPTH_TO_SPACE,
                    1,
                    &[12],
                    13,
                    Options::DepthToSpace { block: 2 },
                ),
            ],
            inputs: vec![0],
            outputs: vec![13, 9],
        }
    }

    #[test]
    fn a_written_graph_reads_back_the_same() {
        let graph = sample();
        let bytes = write_graph(&graph, "a test").unwrap();
        assert_eq!(&bytes[4..8], FILE_IDENTIFIER);
        assert_eq!(read_graph(&bytes).unwrap(), graph);
    }

    #[test]
    fn written_constants_are_aligned() {
        let bytes = write_graph(&sample(), "").unwrap();
        assert_eq!(bytes.len() % CONSTANT_ALIGN, 0);
        // The depthwise weights: 27 values of 0.125 in a row.
        let pattern: Vec<u8> = [0.125f32; 27]
            .iter()
            .flat_map(|v| v.to_le_bytes())
            .collect();
        let at = bytes
            .windows(pattern.len())
            .position(|w| w == pattern.as_slice())
            .unwrap();
        assert_eq!(at % CONSTANT_ALIGN, 0);
    }

    #[test]
    fn the_runtime_view_checks_what_it_runs() {
        let mut graph = sample();
        let err = model_from_graph(&graph).unwrap_err();
        assert!(err.to_string().contains("builtin operator 5"), "{err}");
        graph.operators.pop();
        graph.outputs = vec![12, 9];
        let def = model_from_graph(&graph).unwrap();
        assert_eq!(def.ops.len(), 8);
        assert_eq!(def.ops[1].inputs, vec![Some(3), Some(4), None]);
        assert_eq!(
            def.ops[0].kind,
            OpKind::Conv2d {
                window: Window {
                    padding: Padding::Same,
                    stride: (1, 1),
                    dilation: (1, 1),
                },
                activation: Activation::Relu,
            }
        );
        assert_eq!(
            def.ops[5].kind,
            OpKind::Mul {
                activation: Activation::None
            }
        );
        let mut fp16 = graph.clone();
        fp16.tensors[1].ty = tensor_type::FLOAT16;
        assert!(matches!(
            model_from_graph(&fp16),
            Err(NnError::Unsupported(_))
        ));
        let mut no_options = graph;
        no_options.operators[0].options = Options::None;
        assert!(matches!(
            model_from_graph(&no_options),
            Err(NnError::Format(_))
        ));
    }

    #[test]
    fn out_of_range_indices_are_graph_errors() {
        let mut graph = sample();
        graph.operators[0].outputs = vec![99];
        let bytes = write_graph(&graph, "").unwrap();
        assert!(matches!(read_graph(&bytes), Err(NnError::Graph(_))));
    }
}
