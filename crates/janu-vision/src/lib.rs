//! Pose landmarks from photos and videos: BlazePose model install and preparation, inference backends, detector, ROI tracking, decoding.
