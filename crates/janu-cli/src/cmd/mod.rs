//! One module per subcommand: its validated arguments and its `run`.

pub mod analyze;
pub mod jobs;
pub mod landmarks;
pub mod models;
pub mod plan;
pub mod pose;
pub mod practice;
pub mod screen;
pub mod serve;
pub mod users;
pub mod worker;

/// A janu-pose error in the command line's words: where the library names a
/// value, say which flag gives it.
pub fn pose_error(e: janu_pose::PoseError) -> anyhow::Error {
    match e {
        janu_pose::PoseError::TrimesterRequired => {
            anyhow::anyhow!("pregnancy needs the trimester: give --trimester 1, 2 or 3")
        }
        janu_pose::PoseError::MinutesOutOfRange { given, min, max } => {
            anyhow::anyhow!("--minutes must be between {min} and {max}, not {given}")
        }
        other => other.into(),
    }
}
