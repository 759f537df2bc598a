//! Speaking cues through `espeak-ng`, when it is installed.

use std::collections::VecDeque;
use std::path::PathBuf;
use std::process::{Child, Command, Stdio};

/// Words per minute: a calm, clear teaching pace (espeak-ng's default is 175).
const WORDS_PER_MINUTE: &str = "150";

/// The espeak-ng program, the cue it is speaking now and the cues waiting.
#[derive(Debug)]
pub struct Voice {
    program: PathBuf,
    speaking: Option<Child>,
    queue: VecDeque<String>,
}

impl Voice {
    /// Find `espeak-ng` on the PATH.
    pub fn find() -> Option<Self> {
        let path = std::env::var_os("PATH")?;
        std::env::split_paths(&path)
            .map(|dir| dir.join("espeak-ng"))
            .find(|p| p.is_file())
            .map(|program| Self {
                program,
                speaking: None,
                queue: VecDeque::new(),
            })
    }

    /// Queue `text`; it is spoken once the cues before it are done.
    pub fn say(&mut self, text: &str) {
        self.queue.push_back(text.to_string());
        self.tick();
    }

    /// Start the next queued cue when nothing is being spoken. Call it often.
    /// A failure to start espeak-ng only silences that cue.
    pub fn tick(&mut self) {
        if let Some(child) = &mut self.speaking {
            match child.try_wait() {
                Ok(None) => return,
                Ok(Some(_)) | Err(_) => self.speaking = None,
            }
        }
        if let Some(text) = self.queue.pop_front() {
            self.speaking = Command::new(&self.program)
                .args(["-s", WORDS_PER_MINUTE, "--", &text])
                .stdin(Stdio::null())
                .stdout(Stdio::null())
                .stderr(Stdio::null())
                .spawn()
                .ok();
        }
    }

    /// Stop speaking and forget the queue (the child this voice started, nothing else).
    pub fn stop(&mut self) {
        self.queue.clear();
        if let Some(mut child) = self.speaking.take() {
            let _ = child.kill();
            let _ = child.wait();
        }
    }
}

impl Drop for Voice {
    fn drop(&mut self) {
        self.stop();
    }
}
