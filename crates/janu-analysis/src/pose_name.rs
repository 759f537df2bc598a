//! The names of the poses Janu recognises: one enum, kept in janu-body so the
//! generated bodies (janu-synth) name their poses with it too.

pub use janu_body::PoseName;
