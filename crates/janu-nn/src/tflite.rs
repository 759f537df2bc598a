//! Reading TFLite flatbuffers into a plain graph description ([`ModelDef`]).
//!
//! A small, bounds-checked reader of the flatbuffer wire format for just the
//! tables a float TFLite model needs: model, subgraph, tensor, buffer, operator,
//! operator code and the options of the operators [`OpKind`] lists. Every offset
//! is checked, so a damaged file gives [`NnError::Format`], never a panic. Field
//! slots follow TFLite's `schema.fbs` (a union takes two slots: its type, then
//! its value).

use crate::NnError;

/// Builtin operator codes of TFLite's `BuiltinOperator` enum that this runtime
/// knows.
mod code {
    pub const ADD: i32 = 0;
    pub const AVERAGE_POOL_2D: i32 = 1;
    pub const CONCATENATION: i32 = 2;
    pub const CONV_2D: i32 = 3;
    pub const DEPTHWISE_CONV_2D: i32 = 4;
    pub const LOGISTIC: i32 = 14;
    pub const MAX_POOL_2D: i32 = 17;
    pub const MUL: i32 = 18;
    pub const RELU: i32 = 19;
    pub const RELU6: i32 = 21;
    pub const RESHAPE: i32 = 22;
    pub const RESIZE_BILINEAR: i32 = 23;
    pub const PAD: i32 = 34;
    pub const TRANSPOSE: i32 = 39;
}

/// TFLite's `TensorType` values this runtime can hold.
mod tensor_type {
    pub const FLOAT32: i8 = 0;
    pub const INT32: i8 = 2;
    pub const INT64: i8 = 4;
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

    fn table(&self, i: usize) -> Result<Table<'a>, NnError> {
        Table::at(self.buf, follow(self.buf, self.start + 4 * i)?)
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

    fn i32(&self, slot: usize, default: i32) -> Result<i32, NnError> {
        match self.field(slot)? {
            Some(p) => read_bytes::<4>(self.buf, p).map(i32::from_le_bytes),
            None => Ok(default),
        }
    }

    fn u32(&self, slot: usize, default: u32) -> Result<u32, NnError> {
        match self.field(slot)? {
            Some(p) => read_u32(self.buf, p),
            None => Ok(default),
        }
    }

    fn i8(&self, slot: usize, default: i8) -> Result<i8, NnError> {
        match self.field(slot)? {
            Some(p) => read_bytes::<1>(self.buf, p).map(i8::from_le_bytes),
            None => Ok(default),
        }
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
    MaxPool2d {
        /// Its window (dilation 1).
        window: Window,
        /// Window size, (x, y).
        filter: (usize, usize),
        /// Fused activation.
        activation: Activation,
    },
    /// `AVERAGE_POOL_2D`.
    AvgPool2d {
        /// Its window (dilation 1).
        window: Window,
        /// Window size, (x, y).
        filter: (usize, usize),
        /// Fused activation.
        activation: Activation,
    },
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
            Self::MaxPool2d { .. } => "MAX_POOL_2D",
            Self::AvgPool2d { .. } => "AVERAGE_POOL_2D",
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

/// Table slots of `schema.fbs`, named.
mod slot {
    pub const MODEL_OPERATOR_CODES: usize = 1;
    pub const MODEL_SUBGRAPHS: usize = 2;
    pub const MODEL_BUFFERS: usize = 4;
    pub const SUBGRAPH_TENSORS: usize = 0;
    pub const SUBGRAPH_INPUTS: usize = 1;
    pub const SUBGRAPH_OUTPUTS: usize = 2;
    pub const SUBGRAPH_OPERATORS: usize = 3;
    pub const TENSOR_SHAPE: usize = 0;
    pub const TENSOR_TYPE: usize = 1;
    pub const TENSOR_BUFFER: usize = 2;
    pub const TENSOR_NAME: usize = 3;
    pub const TENSOR_QUANTIZATION: usize = 4;
    pub const TENSOR_SPARSITY: usize = 6;
    pub const QUANT_SCALE: usize = 2;
    pub const BUFFER_DATA: usize = 0;
    pub const CODE_DEPRECATED: usize = 0;
    pub const CODE_BUILTIN: usize = 3;
    pub const OP_OPCODE: usize = 0;
    pub const OP_INPUTS: usize = 1;
    pub const OP_OUTPUTS: usize = 2;
    pub const OP_OPTIONS: usize = 4;
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

fn window(o: &Table<'_>, stride: (usize, usize), dilation: (usize, usize)) -> Window {
    let _ = o;
    Window {
        padding: Padding::Same,
        stride,
        dilation,
    }
}

fn padding(v: i8) -> Result<Padding, NnError> {
    match v {
        0 => Ok(Padding::Same),
        1 => Ok(Padding::Valid),
        other => Err(NnError::Unsupported(format!("padding code {other}"))),
    }
}

fn read_op_kind(code: i32, options: Option<Table<'_>>) -> Result<OpKind, NnError> {
    let opts =
        || options.ok_or_else(|| NnError::Format(format!("operator {code} lacks its options")));
    let act = |o: &Table<'_>, s: usize| Activation::from_code(o.i8(s, 0)?);
    Ok(match code {
        code::CONV_2D => {
            let o = opts()?;
            let mut w = window(
                &o,
                (
                    positive(o.i32(1, 0)?, "stride")?,
                    positive(o.i32(2, 0)?, "stride")?,
                ),
                (
                    positive(o.i32(4, 1)?, "dilation")?,
                    positive(o.i32(5, 1)?, "dilation")?,
                ),
            );
            w.padding = padding(o.i8(0, 0)?)?;
            OpKind::Conv2d {
                window: w,
                activation: act(&o, 3)?,
            }
        }
        code::DEPTHWISE_CONV_2D => {
            let o = opts()?;
            let mut w = window(
                &o,
                (
                    positive(o.i32(1, 0)?, "stride")?,
                    positive(o.i32(2, 0)?, "stride")?,
                ),
                (
                    positive(o.i32(5, 1)?, "dilation")?,
                    positive(o.i32(6, 1)?, "dilation")?,
                ),
            );
            w.padding = padding(o.i8(0, 0)?)?;
            OpKind::DepthwiseConv2d {
                window: w,
                multiplier: o.i32(3, 1)?.max(1) as usize,
                activation: act(&o, 4)?,
            }
        }
        code::MAX_POOL_2D | code::AVERAGE_POOL_2D => {
            let o = opts()?;
            let mut w = window(
                &o,
                (
                    positive(o.i32(1, 0)?, "stride")?,
                    positive(o.i32(2, 0)?, "stride")?,
                ),
                (1, 1),
            );
            w.padding = padding(o.i8(0, 0)?)?;
            let filter = (
                positive(o.i32(3, 0)?, "filter width")?,
                positive(o.i32(4, 0)?, "filter height")?,
            );
            let activation = act(&o, 5)?;
            if code == code::MAX_POOL_2D {
                OpKind::MaxPool2d {
                    window: w,
                    filter,
                    activation,
                }
            } else {
                OpKind::AvgPool2d {
                    window: w,
                    filter,
                    activation,
                }
            }
        }
        code::ADD | code::MUL => {
            let activation = match options {
                Some(o) => act(&o, 0)?,
                None => Activation::None,
            };
            if code == code::ADD {
                OpKind::Add { activation }
            } else {
                OpKind::Mul { activation }
            }
        }
        code::CONCATENATION => {
            let o = opts()?;
            OpKind::Concat {
                axis: o.i32(0, 0)?,
                activation: act(&o, 1)?,
            }
        }
        code::PAD => OpKind::Pad,
        code::RESHAPE => OpKind::Reshape,
        code::TRANSPOSE => OpKind::Transpose,
        code::RESIZE_BILINEAR => {
            let o = opts()?;
            OpKind::ResizeBilinear {
                align_corners: o.bool(2)?,
                half_pixel_centers: o.bool(3)?,
            }
        }
        code::LOGISTIC => OpKind::Logistic,
        code::RELU => OpKind::Relu,
        code::RELU6 => OpKind::Relu6,
        other => {
            return Err(NnError::Unsupported(format!(
                "builtin operator {other} (prepare the model first: DEQUANTIZE, DENSIFY \
                 and DEPTH_TO_SPACE are rewritten by janu-vision's preparation)"
            )));
        }
    })
}

/// Read a float TFLite model.
///
/// # Errors
/// [`NnError::Format`] for damaged bytes; [`NnError::Unsupported`] for several
/// subgraphs, quantised or sparse tensors, other element types, or operators
/// outside [`OpKind`]; [`NnError::Graph`] for indices out of range.
pub fn read_model(bytes: &[u8]) -> Result<ModelDef, NnError> {
    let model = Table::root(bytes)?;
    let subgraphs = model
        .vector(slot::MODEL_SUBGRAPHS, 4)?
        .ok_or_else(|| NnError::Format("no subgraph".into()))?;
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
        .ok_or_else(|| NnError::Format("no operator codes".into()))?;

    let mut tensors = Vec::new();
    if let Some(list) = sg.vector(slot::SUBGRAPH_TENSORS, 4)? {
        for i in 0..list.len {
            let t = list.table(i)?;
            let name = t.string(slot::TENSOR_NAME)?;
            let shape = t
                .vector(slot::TENSOR_SHAPE, 4)?
                .map(|v| v.i32s())
                .unwrap_or_default()
                .into_iter()
                .map(|d| {
                    usize::try_from(d).map_err(|_| {
                        NnError::Unsupported(format!("tensor {name} has a dynamic shape"))
                    })
                })
                .collect::<Result<Vec<_>, _>>()?;
            let ty = match t.i8(slot::TENSOR_TYPE, 0)? {
                tensor_type::FLOAT32 => ElementType::F32,
                tensor_type::INT32 => ElementType::I32,
                tensor_type::INT64 => ElementType::I64,
                other => {
                    return Err(NnError::Unsupported(format!(
                        "tensor {name} has element type {other}"
                    )));
                }
            };
            if let Some(q) = t.table(slot::TENSOR_QUANTIZATION)?
                && q.vector(slot::QUANT_SCALE, 4)?.is_some_and(|s| s.len > 0)
            {
                return Err(NnError::Unsupported(format!("tensor {name} is quantised")));
            }
            if t.field(slot::TENSOR_SPARSITY)?.is_some() {
                return Err(NnError::Unsupported(format!(
                    "tensor {name} is sparse (prepare the model first)"
                )));
            }
            let buffer = t.u32(slot::TENSOR_BUFFER, 0)? as usize;
            let mut data = None;
            if buffer != 0 {
                let buffers = buffers.ok_or_else(|| NnError::Format("no buffers".into()))?;
                if buffer >= buffers.len {
                    return Err(NnError::Format(format!(
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
            tensors.push(TensorDef {
                name,
                shape,
                ty,
                data,
            });
        }
    }
    let count = tensors.len();
    let indices = |v: Option<Vector<'_>>, what: &str| -> Result<Vec<usize>, NnError> {
        v.map(|v| v.i32s())
            .unwrap_or_default()
            .into_iter()
            .map(|i| index(i, count, what))
            .collect()
    };

    let mut ops = Vec::new();
    if let Some(list) = sg.vector(slot::SUBGRAPH_OPERATORS, 4)? {
        for i in 0..list.len {
            let op = list.table(i)?;
            let code_index = op.u32(slot::OP_OPCODE, 0)? as usize;
            if code_index >= codes.len {
                return Err(NnError::Format(format!(
                    "operator {i} names operator code {code_index} of {}",
                    codes.len
                )));
            }
            let c = codes.table(code_index)?;
            let code = c
                .i32(slot::CODE_BUILTIN, 0)?
                .max(i32::from(c.i8(slot::CODE_DEPRECATED, 0)?));
            let kind = read_op_kind(code, op.table(slot::OP_OPTIONS)?)?;
            let inputs = op
                .vector(slot::OP_INPUTS, 4)?
                .map(|v| v.i32s())
                .unwrap_or_default()
                .into_iter()
                .map(|t| {
                    if t < 0 {
                        Ok(None)
                    } else {
                        index(t, count, "operator input").map(Some)
                    }
                })
                .collect::<Result<Vec<_>, _>>()?;
            let outputs = indices(op.vector(slot::OP_OUTPUTS, 4)?, "operator output")?;
            ops.push(OpDef {
                kind,
                inputs,
                outputs,
            });
        }
    }
    Ok(ModelDef {
        inputs: indices(sg.vector(slot::SUBGRAPH_INPUTS, 4)?, "graph input")?,
        outputs: indices(sg.vector(slot::SUBGRAPH_OUTPUTS, 4)?, "graph output")?,
        tensors,
        ops,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn garbage_is_a_format_error() {
        for bytes in [&b""[..], b"abc", b"\xff\xff\xff\xff\0\0\0\0", &[0u8; 64]] {
            assert!(read_model(bytes).is_err());
        }
    }
}
