//! One module per subcommand: its validated arguments and its `run`.

pub mod analyze;
pub mod landmarks;
pub mod models;
pub mod plan;
pub mod pose;
pub mod practice;
pub mod screen;
pub mod serve;
pub mod users;
