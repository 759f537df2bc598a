//! The messages of the live-coaching WebSocket (`/api/live`), as documented in
//! `docs/live-protocol.md`.
//!
//! Client to server: text messages are JSON [`ClientMessage`]s (`start`,
//! `settings`, `stop`); binary messages are frames: a [`FRAME_HEADER_BYTES`]
//! header ([`FrameHeader`]) followed by a JPEG (or PNG / WebP) picture.
//! Server to client: text messages, JSON [`ServerMessage`]s.

use janu_analysis::live::{Cue, LiveUpdate, SideDone};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

/// The four bytes every binary frame starts with: "JLF1" (Janu live frame,
/// version 1).
pub const FRAME_MAGIC: [u8; 4] = *b"JLF1";
/// Length of the binary frame header, bytes: magic (4), frame id (u32 LE, 4),
/// capture time in milliseconds (f64 LE, 8), flags (1), reserved (3).
pub const FRAME_HEADER_BYTES: usize = 20;
/// Flag bit: the picture is mirrored (left and right swapped).
pub const FLAG_MIRRORED: u8 = 1;

/// The header of a binary frame.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct FrameHeader {
    /// The client's frame number; feedback names it.
    pub id: u32,
    /// When the picture was taken, milliseconds on the client's clock (e.g.
    /// `performance.now()`); only differences matter.
    pub captured_ms: f64,
    /// The picture is mirrored.
    pub mirrored: bool,
}

/// Split a binary message into its header and picture bytes.
///
/// # Errors
/// A message saying what is wrong: too short, a wrong magic, no picture.
pub fn parse_frame(bytes: &[u8]) -> Result<(FrameHeader, &[u8]), String> {
    if bytes.len() < FRAME_HEADER_BYTES {
        return Err(format!(
            "a frame is a {FRAME_HEADER_BYTES}-byte header and a JPEG; this one has only {} bytes",
            bytes.len()
        ));
    }
    let (head, picture) = bytes.split_at(FRAME_HEADER_BYTES);
    if head[..4] != FRAME_MAGIC {
        return Err("a frame must start with the bytes \"JLF1\"".into());
    }
    if picture.is_empty() {
        return Err("the frame has a header but no picture".into());
    }
    let mut id = [0u8; 4];
    id.copy_from_slice(&head[4..8]);
    let mut ts = [0u8; 8];
    ts.copy_from_slice(&head[8..16]);
    Ok((
        FrameHeader {
            id: u32::from_le_bytes(id),
            captured_ms: f64::from_le_bytes(ts),
            mirrored: head[16] & FLAG_MIRRORED != 0,
        },
        picture,
    ))
}

/// The header bytes of a frame (for clients written in Rust: tests, the
/// latency benchmark).
pub fn frame_header(h: &FrameHeader) -> [u8; FRAME_HEADER_BYTES] {
    let mut out = [0u8; FRAME_HEADER_BYTES];
    out[..4].copy_from_slice(&FRAME_MAGIC);
    out[4..8].copy_from_slice(&h.id.to_le_bytes());
    out[8..16].copy_from_slice(&h.captured_ms.to_le_bytes());
    out[16] = if h.mirrored { FLAG_MIRRORED } else { 0 };
    out
}

/// A text message from the client.
#[derive(Debug, Clone, PartialEq, Deserialize, Serialize, ToSchema)]
#[serde(tag = "type", rename_all = "snake_case", deny_unknown_fields)]
pub enum ClientMessage {
    /// Begin coaching; frames are taken from then on.
    Start {
        /// The camera's pictures are mirrored (left and right swapped).
        #[serde(default)]
        mirrored: bool,
    },
    /// Change a setting during the session.
    Settings {
        /// The camera's pictures are mirrored.
        #[serde(default)]
        mirrored: Option<bool>,
    },
    /// End the session: the server analyses it, saves it to the history and
    /// answers with a `summary`, then closes.
    Stop,
}

/// 33 landmarks as `[x, y, visibility]`: x and y normalised to the picture as
/// it was sent (0..1), visibility 0..1.
pub type Landmarks = Vec<[f32; 3]>;

/// Where the time of one frame went on the server, milliseconds.
#[derive(Debug, Clone, Copy, PartialEq, Default, Serialize, Deserialize, ToSchema)]
pub struct Timing {
    /// Waiting for the worker (the worker was busy with an earlier frame).
    pub queue_ms: f32,
    /// Decoding the picture.
    pub decode_ms: f32,
    /// The pose model (detector when needed, landmarks, smoothing).
    pub model_ms: f32,
    /// The coach.
    pub coach_ms: f32,
    /// From the frame's arrival to the feedback leaving.
    pub total_ms: f32,
}

/// The feedback on one frame.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
pub struct Feedback {
    /// The frame answered (the client's id).
    pub frame: u32,
    /// The frame's capture time as the client sent it, milliseconds.
    pub captured_ms: f64,
    /// Frames received and dropped unanswered since the last feedback,
    /// because the server was busy (only the newest waiting frame is kept) or
    /// they came faster than the rate limit.
    pub dropped: u32,
    /// The body landmarks, in the picture as sent (`null` when nobody is seen).
    #[schema(value_type = Option<Vec<Vec<f32>>>)]
    pub landmarks: Option<Landmarks>,
    /// What the coach says (pose, extended_leg, phase, hold_s, breaths, cue,
    /// camera_hint, person_visible, fold_angle_deg, sides_done, t).
    #[serde(flatten)]
    #[schema(value_type = Object)]
    pub update: LiveUpdate,
    /// Where the server's time went.
    pub timing: Timing,
}

/// One side in the summary.
pub type SummarySide = SideDone;

/// A finding in the summary, in short.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
pub struct SummaryFinding {
    /// Stable id (`locked-knee`, ...).
    pub id: String,
    /// Short title.
    pub title: String,
    /// The extended leg of the attempt it was seen in.
    pub side: Option<String>,
    /// What was seen, in plain words.
    pub message: String,
}

/// The end of a session.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
pub struct Summary {
    /// Whether the session was saved to the history.
    pub saved: bool,
    /// The saved session's id.
    pub session_id: Option<i64>,
    /// Its page, e.g. `/sessions/12`.
    pub url: Option<String>,
    /// Why it was not saved, when it was not.
    pub reason: Option<String>,
    /// Seconds from the first frame to the last.
    pub duration_s: f64,
    /// Frames analysed.
    pub frames: u64,
    /// Frames received but dropped (server busy or too fast).
    pub dropped: u64,
    /// The sides held, with hold times and breaths (as the live timer had them).
    #[schema(value_type = Vec<Object>)]
    pub sides: Vec<SummarySide>,
    /// The most important findings of the session's analysis.
    pub findings: Vec<SummaryFinding>,
    /// Where to put the camera next time, if the view hid something.
    pub camera_advice: Option<String>,
}

/// A text message from the server.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
#[serde(tag = "type", rename_all = "snake_case")]
pub enum ServerMessage {
    /// The pose model is loaded and frames are welcome.
    Ready {
        /// The landmark model in use (lite, full, heavy).
        model: String,
        /// Largest picture accepted, bytes.
        max_frame_bytes: usize,
        /// Frames a second accepted; faster ones are dropped.
        max_fps: f64,
        /// Frames a second the page should send.
        suggested_fps: f64,
        /// Longest side of the picture the page should send, pixels.
        suggested_width: u32,
        /// Whether pictures are read as mirrored.
        mirrored: bool,
    },
    /// The feedback on one frame.
    Feedback(Feedback),
    /// The session's summary, after `stop`.
    Summary(Summary),
    /// Something went wrong; `fatal` errors close the connection.
    Error {
        /// Machine-readable kind: `bad_message`, `bad_frame`, `busy`,
        /// `not_started`, `too_long`, `internal`.
        code: String,
        /// What went wrong, for people.
        message: String,
        /// The frame concerned, if any.
        frame: Option<u32>,
        /// The connection closes after this message.
        fatal: bool,
    },
}

impl ServerMessage {
    /// An error message.
    pub fn error(code: &str, message: impl Into<String>, frame: Option<u32>, fatal: bool) -> Self {
        Self::Error {
            code: code.into(),
            message: message.into(),
            frame,
            fatal,
        }
    }

    /// The message as JSON text.
    pub fn to_json(&self) -> String {
        serde_json::to_string(self).unwrap_or_else(|e| {
            format!(
                "{{\"type\":\"error\",\"code\":\"internal\",\"message\":\"encoding a reply: {e}\",\"frame\":null,\"fatal\":false}}"
            )
        })
    }
}

/// A cue as the page shows and speaks it (the coach's [`Cue`]).
pub type LiveCue = Cue;

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn frames_round_trip_and_bad_ones_are_named() {
        let h = FrameHeader {
            id: 7,
            captured_ms: 1234.5,
            mirrored: true,
        };
        let mut bytes = frame_header(&h).to_vec();
        bytes.extend_from_slice(b"\xff\xd8jpeg");
        let (back, pic) = parse_frame(&bytes).unwrap();
        assert_eq!(back, h);
        assert_eq!(pic, b"\xff\xd8jpeg");
        assert!(
            parse_frame(&bytes[..10])
                .unwrap_err()
                .contains("20-byte header")
        );
        assert!(
            parse_frame(&bytes[..20])
                .unwrap_err()
                .contains("no picture")
        );
        bytes[0] = b'X';
        assert!(parse_frame(&bytes).unwrap_err().contains("JLF1"));
    }

    #[test]
    fn control_messages_parse_and_unknown_ones_do_not() {
        let m: ClientMessage = serde_json::from_str(r#"{"type":"start","mirrored":true}"#).unwrap();
        assert_eq!(m, ClientMessage::Start { mirrored: true });
        let m: ClientMessage = serde_json::from_str(r#"{"type":"stop"}"#).unwrap();
        assert_eq!(m, ClientMessage::Stop);
        assert!(serde_json::from_str::<ClientMessage>(r#"{"type":"dance"}"#).is_err());
        let e = ServerMessage::error("busy", "later", None, true).to_json();
        assert!(
            e.contains("\"type\":\"error\"") && e.contains("\"fatal\":true"),
            "{e}"
        );
    }
}
