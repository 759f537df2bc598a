//! One module per subcommand: its validated arguments and its `run`.

pub mod plan;
pub mod pose;
pub mod practice;
pub mod screen;
