//! A landmark file (JSON Lines) as an upload brings it: read, then analysed
//! when it reads. Any bytes must give frames or an error, never a panic, an
//! abort or an allocation the size of the machine.
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    if let Ok(frames) = janu_body::file::read_jsonl(data) {
        let _ = janu_analysis::analyze(&frames);
    }
});
