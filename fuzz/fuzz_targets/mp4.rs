//! An MP4/MOV as an upload brings it: opened by Janu's own demuxer (ffmpeg
//! never used here) and its first frames decoded.
#![no_main]

use std::io::Write;

use janu_media::{FfmpegUse, VideoOptions};
use libfuzzer_sys::fuzz_target;

/// Frames decoded from each input: the demuxer and the first samples are
/// what hostile files aim at; decoding more only slows the search.
const FRAMES: usize = 3;

fuzz_target!(|data: &[u8]| {
    // The demuxer reads a file; a fresh one per input in the temporary folder.
    let Ok(mut file) = tempfile::Builder::new().suffix(".mp4").tempfile() else {
        return;
    };
    if file.write_all(data).is_err() {
        return;
    }
    let options = VideoOptions {
        target_fps: None,
        ffmpeg: FfmpegUse::Never,
        ..VideoOptions::default()
    };
    if let Ok(video) = janu_media::open_video(file.path(), &options) {
        for frame in video.take(FRAMES) {
            if frame.is_err() {
                break;
            }
        }
    }
});
