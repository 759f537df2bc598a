//! What goes with a report but is not part of its JSON schema: key frames
//! (small JPEG pictures with the skeleton drawn on them) and the breathing traces
//! of each hold. `janu-pipeline` makes them from the source; the HTML renderer
//! shows them; the server keeps them beside a saved session.
//!
//! [`ReportMedia`] serialises to JSON with the pictures as base64, so it can be
//! stored as one file and read back unchanged.

use base64::Engine as _;
use janu_body::Side;
use serde::{Deserialize, Serialize};

/// Why a frame was picked.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum KeyFrameKind {
    /// The one picture of a photo (or of a one-line landmark file).
    Photo,
    /// The deepest moment of one side's hold.
    Deepest,
    /// The worst moment of a finding.
    Finding,
}

/// One picked frame, ready to show.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct KeyFrame {
    /// Time in the source, seconds.
    pub t: f64,
    /// The extended leg of the attempt it belongs to, if any.
    pub side: Option<Side>,
    /// Why it was picked.
    pub kind: KeyFrameKind,
    /// For [`KeyFrameKind::Finding`]: the finding's id.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub finding: Option<String>,
    /// What it shows, in words.
    pub caption: String,
    /// `true` when it is the real picture, `false` when the skeleton is drawn on a
    /// plain canvas (a landmark file has no pictures).
    pub picture: bool,
    /// Width of the JPEG, pixels.
    pub width: u32,
    /// Height of the JPEG, pixels.
    pub height: u32,
    /// The JPEG bytes (base64 in JSON).
    #[serde(with = "base64_bytes")]
    pub jpeg: Vec<u8>,
}

impl KeyFrame {
    /// The picture as a `data:` URI, for an `<img src>` that needs no other file.
    pub fn data_uri(&self) -> String {
        format!(
            "data:image/jpeg;base64,{}",
            base64::engine::general_purpose::STANDARD.encode(&self.jpeg)
        )
    }
}

/// The breathing motion during one hold: the signal the breath was counted on,
/// detrended and scaled to unit spread, on a regular time grid.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct BreathTrace {
    /// The extended leg of the attempt.
    pub side: Side,
    /// Which body signal (as in the report's `breath.signal`).
    pub signal: String,
    /// Sample times, seconds.
    pub t: Vec<f64>,
    /// Detrended signal in standard deviations (up = more height or length).
    pub value: Vec<f32>,
}

/// Key frames and breathing traces of one report.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
pub struct ReportMedia {
    /// Picked frames, in time order.
    pub key_frames: Vec<KeyFrame>,
    /// One trace per hold with a measured breath, in time order.
    pub breath: Vec<BreathTrace>,
}

impl ReportMedia {
    /// Nothing: a report rendered from its JSON alone.
    pub fn none() -> Self {
        Self::default()
    }
}

mod base64_bytes {
    use base64::Engine as _;
    use serde::{Deserialize, Deserializer, Serializer};

    pub fn serialize<S: Serializer>(bytes: &[u8], s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(&base64::engine::general_purpose::STANDARD.encode(bytes))
    }

    pub fn deserialize<'de, D: Deserializer<'de>>(d: D) -> Result<Vec<u8>, D::Error> {
        let text = String::deserialize(d)?;
        base64::engine::general_purpose::STANDARD
            .decode(text.as_bytes())
            .map_err(serde::de::Error::custom)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn media_round_trips_through_json() {
        let m = ReportMedia {
            key_frames: vec![KeyFrame {
                t: 1.5,
                side: Some(Side::Left),
                kind: KeyFrameKind::Finding,
                finding: Some("locked-knee".into()),
                caption: "x".into(),
                picture: false,
                width: 2,
                height: 1,
                jpeg: vec![0xff, 0xd8, 0, 1, 2],
            }],
            breath: vec![BreathTrace {
                side: Side::Right,
                signal: "upper_body_height".into(),
                t: vec![0.0, 0.1],
                value: vec![0.5, -0.5],
            }],
        };
        let text = serde_json::to_string(&m).unwrap();
        assert!(text.contains("\"jpeg\":\"/9gAAQI=\""), "{text}");
        let back: ReportMedia = serde_json::from_str(&text).unwrap();
        assert_eq!(back, m);
        assert!(
            m.key_frames[0]
                .data_uri()
                .starts_with("data:image/jpeg;base64,/9g")
        );
    }
}
