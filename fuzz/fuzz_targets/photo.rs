//! A photo as an upload or a live frame brings it: decoded under Janu's
//! size limits (refused by its header when too large).
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let _ = janu_media::decode_image_with(data, &janu_media::ImageOptions::default());
});
