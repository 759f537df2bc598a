//! Body landmarks for Janu: the 33 BlazePose points and the 17 COCO points mapped
//! onto them, one person's [`Pose`] in a [`Frame`], the landmark file format
//! (JSON Lines), small vector geometry, and the One-Euro smoothing filter.
//!
//! This crate does no I/O of its own beyond the readers and writers it is handed.
//!
//! ```
//! use janu_body::{Landmark, file::parse_line};
//!
//! let line = r#"{"t":0,"width":640,"height":480,"schema":"coco17","landmarks":[
//!   [0.5,0.2],[0.49,0.19],[0.51,0.19],[0.47,0.2],[0.53,0.2],[0.45,0.3],[0.55,0.3],
//!   [0.44,0.4],[0.56,0.4],[0.43,0.5],[0.57,0.5],[0.46,0.55],[0.54,0.55],
//!   [0.45,0.7],[0.55,0.7],[0.45,0.85],[0.55,0.85]]}"#;
//! let frame = parse_line(&line.replace('\n', "")).unwrap();
//! let pose = frame.pose.unwrap();
//! assert_eq!(pose.known_count(), 17);
//! assert!(pose.get(Landmark::LeftKnee).is_some());
//! ```

pub mod clock;
pub mod coco;
pub mod file;
pub mod filter;
pub mod geometry;
pub mod landmark;
pub mod pose;
pub mod pose_name;

pub use file::{LandmarkFileError, Schema};
pub use geometry::{DVec3, Vec3};
pub use landmark::{LANDMARK_COUNT, Landmark, SKELETON, Side};
pub use pose::{Frame, Keypoint, Pose};
pub use pose_name::PoseName;
