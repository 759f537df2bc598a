//! MP4 (ISO base media) reading and writing, written for this crate so that
//! every size read from a file is checked before use.

pub(crate) mod demux;
pub(crate) mod mux;
