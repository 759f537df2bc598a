//! Form analysis of Janusirsasana: per-frame metrics, pose recognition, phases,
//! breath, left/right comparison and findings, turned into a [`SessionReport`].
//!
//! The crate is pure: it takes [`janu_body::Frame`]s (from the pose engine or a
//! landmark file) and returns data; it reads and writes nothing.
//!
//! ```
//! use janu_body::file::parse_line;
//!
//! // A photo: one frame, here from a landmark file line (COCO-17, no depth).
//! let line = r#"{"t":0,"width":640,"height":480,"schema":"coco17","landmarks":[
//!   [0.30,0.30],[0.31,0.29],[0.29,0.29],[0.33,0.30],[0.27,0.30],[0.40,0.38],[0.36,0.40],
//!   [0.48,0.52],[0.44,0.55],[0.60,0.62],[0.56,0.64],[0.55,0.70],[0.52,0.72],
//!   [0.75,0.71],[0.70,0.73],[0.92,0.72],[0.88,0.74]]}"#;
//! let frame = parse_line(&line.replace('\n', "")).unwrap();
//! let report = janu_analysis::analyze(&[frame]).unwrap();
//! let pose = report.pose.unwrap();
//! println!("{} ({:.2})", pose.name, pose.confidence);
//! ```

pub mod advice;
pub mod body;
pub mod breath;
pub mod compare;
pub mod findings;
pub mod level;
pub mod live;
pub mod measures;
pub mod metrics;
pub mod phases;
pub mod pose_name;
pub mod recognize;
pub mod report;
pub mod rules;
pub mod segments;
pub mod series;
mod session;
pub mod trees;

pub use body::{Basis, Body};
pub use metrics::{FootPlacement, FrameMetrics, HandReach};
pub use pose_name::PoseName;
pub use recognize::{Recognition, recognize};
pub use report::*;
pub use session::{AnalysisOptions, CAMERA_ADVICE, analyze, analyze_photo, analyze_with};

/// Why an analysis could not run.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum AnalysisError {
    /// There was no frame at all.
    #[error("no frames to analyse")]
    NoFrames,
    /// A frame's time is not a finite number or goes back in time.
    #[error("frame {frame}: time {t} s is not finite or goes back")]
    BadTime {
        /// Index of the frame, from 0.
        frame: usize,
        /// Its time.
        t: f64,
    },
}
