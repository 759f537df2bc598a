//! What a file is, decided by its content (magic bytes), never by its name.

use std::io::Read;
use std::path::Path;

use crate::MediaError;

/// How many leading bytes [`probe`] reads: enough for every signature below and
/// for a fair guess whether the rest is text.
pub const PROBE_BYTES: usize = 4096;

/// The three kinds of input Janu takes.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum MediaKind {
    /// A photo Janu can decode: JPEG, PNG or WebP.
    Image,
    /// A video: MP4/MOV (H.264 read in-process), or another container for ffmpeg.
    Video,
    /// A landmark file: JSON Lines, first non-blank character `{`.
    LandmarkFile,
}

/// What the first bytes of a file look like.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum Sniffed {
    Jpeg,
    Png,
    WebP,
    /// An image format Janu does not decode ("a GIF image").
    OtherImage(&'static str),
    /// ISO base media (MP4, MOV, M4V, 3GP); the major brand, if there is an `ftyp`.
    IsoBmff,
    /// Matroska or WebM.
    Matroska,
    /// Another video container (AVI, MPEG-TS, ...), for ffmpeg.
    OtherVideo(&'static str),
    /// Audio, a document, an archive, ...
    Other(&'static str),
    /// JSON that starts with an object: a landmark file.
    JsonObject,
    Text,
    Unknown,
}

impl Sniffed {
    /// Words for "it looks like ...".
    pub(crate) fn describe(&self) -> String {
        match self {
            Self::Jpeg => "a JPEG image".into(),
            Self::Png => "a PNG image".into(),
            Self::WebP => "a WebP image".into(),
            Self::OtherImage(s) | Self::OtherVideo(s) | Self::Other(s) => (*s).into(),
            Self::IsoBmff => "an MP4/MOV video".into(),
            Self::Matroska => "a Matroska/WebM video".into(),
            Self::JsonObject => "a JSON landmark file".into(),
            Self::Text => "text".into(),
            Self::Unknown => "binary data of no known media format".into(),
        }
    }

    /// The media kind, for content Janu reads.
    pub(crate) fn kind(&self) -> Option<MediaKind> {
        match self {
            Self::Jpeg | Self::Png | Self::WebP => Some(MediaKind::Image),
            Self::IsoBmff | Self::Matroska | Self::OtherVideo(_) => Some(MediaKind::Video),
            Self::JsonObject => Some(MediaKind::LandmarkFile),
            _ => None,
        }
    }
}

/// Classify the first bytes of a file.
pub(crate) fn sniff(head: &[u8]) -> Sniffed {
    let starts = |sig: &[u8]| head.starts_with(sig);
    let at = |off: usize, sig: &[u8]| head.get(off..off + sig.len()) == Some(sig);
    if starts(&[0xFF, 0xD8, 0xFF]) {
        return Sniffed::Jpeg;
    }
    if starts(b"\x89PNG\r\n\x1a\n") {
        return Sniffed::Png;
    }
    if starts(b"RIFF") {
        if at(8, b"WEBP") {
            return Sniffed::WebP;
        }
        if at(8, b"AVI ") {
            return Sniffed::OtherVideo("an AVI video");
        }
        if at(8, b"WAVE") {
            return Sniffed::Other("WAV audio");
        }
    }
    if starts(b"GIF87a") || starts(b"GIF89a") {
        return Sniffed::OtherImage("a GIF image");
    }
    if starts(b"BM") && head.len() >= 26 && at(6, &[0, 0, 0, 0]) {
        return Sniffed::OtherImage("a BMP image");
    }
    if starts(b"II*\0") || starts(b"MM\0*") {
        return Sniffed::OtherImage("a TIFF image");
    }
    if at(4, b"ftyp") {
        let brand = head.get(8..12).unwrap_or_default();
        return match brand {
            b"heic" | b"heix" | b"heim" | b"heis" | b"mif1" | b"msf1" => {
                Sniffed::OtherImage("a HEIC/HEIF image")
            }
            b"avif" | b"avis" => Sniffed::OtherImage("an AVIF image"),
            b"M4A " | b"M4B " | b"M4P " => Sniffed::Other("M4A audio"),
            _ => Sniffed::IsoBmff,
        };
    }
    // QuickTime files from old cameras may start straight with these boxes.
    if ["moov", "mdat", "wide", "free", "skip", "pnot"]
        .iter()
        .any(|b| at(4, b.as_bytes()))
    {
        return Sniffed::IsoBmff;
    }
    if starts(&[0x1A, 0x45, 0xDF, 0xA3]) {
        return Sniffed::Matroska;
    }
    if head.len() > 188 && head[0] == 0x47 && head[188] == 0x47 {
        return Sniffed::OtherVideo("an MPEG transport stream video");
    }
    if starts(&[0, 0, 1, 0xBA]) {
        return Sniffed::OtherVideo("an MPEG program stream video");
    }
    if starts(b"FLV\x01") {
        return Sniffed::OtherVideo("a Flash (FLV) video");
    }
    if starts(b"OggS") {
        return Sniffed::OtherVideo("an Ogg file");
    }
    if starts(b"ID3") || (head.len() > 1 && head[0] == 0xFF && head[1] & 0xE0 == 0xE0) {
        return Sniffed::Other("MP3 audio");
    }
    if starts(b"fLaC") {
        return Sniffed::Other("FLAC audio");
    }
    if starts(b"%PDF") {
        return Sniffed::Other("a PDF document");
    }
    if starts(b"PK\x03\x04") {
        return Sniffed::Other("a ZIP archive (or an office document)");
    }
    if starts(&[0x1F, 0x8B]) {
        return Sniffed::Other("gzip-compressed data");
    }
    if starts(b"\x7fELF") {
        return Sniffed::Other("a program (ELF executable)");
    }
    if looks_like_text(head) {
        let body = head.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(head);
        let first = body.iter().find(|b| !b.is_ascii_whitespace());
        return if first == Some(&b'{') {
            Sniffed::JsonObject
        } else {
            Sniffed::Text
        };
    }
    Sniffed::Unknown
}

/// True when the bytes are UTF-8 (a character cut at the end is allowed) with
/// hardly any control characters.
fn looks_like_text(head: &[u8]) -> bool {
    let valid = match std::str::from_utf8(head) {
        Ok(s) => s,
        // A multi-byte character cut by the probe window is still text.
        Err(e) if e.error_len().is_none() => {
            std::str::from_utf8(&head[..e.valid_up_to()]).unwrap_or_default()
        }
        Err(_) => return false,
    };
    let controls = valid
        .chars()
        .filter(|c| c.is_control() && !matches!(c, '\n' | '\r' | '\t' | '\u{c}'))
        .count();
    !valid.is_empty() && controls * 100 <= valid.chars().count()
}

/// Read up to [`PROBE_BYTES`] from the start of `path`.
pub(crate) fn read_head(path: &Path) -> Result<Vec<u8>, MediaError> {
    let file = std::fs::File::open(path).map_err(|e| MediaError::read(path, e))?;
    let mut head = Vec::with_capacity(PROBE_BYTES);
    file.take(PROBE_BYTES as u64)
        .read_to_end(&mut head)
        .map_err(|e| MediaError::read(path, e))?;
    if head.is_empty() {
        return Err(MediaError::Empty {
            path: path.to_path_buf(),
        });
    }
    Ok(head)
}

/// Tell whether `path` is a photo, a video or a landmark file, from its content.
///
/// A text file named `x.mp4` is not a video; a WebP photo named `x.jpg` is an image.
///
/// # Errors
/// [`MediaError::Read`] when the file cannot be read, [`MediaError::Empty`] for a
/// zero-byte file, [`MediaError::Unsupported`] for a recognised format Janu does not
/// read (GIF, HEIC, ...), and [`MediaError::WrongKind`] for anything else, saying
/// what the content looks like.
pub fn probe(path: &Path) -> Result<MediaKind, MediaError> {
    let head = read_head(path)?;
    let sniffed = sniff(&head);
    if let Some(kind) = sniffed.kind() {
        return Ok(kind);
    }
    Err(match sniffed {
        Sniffed::OtherImage(format) => MediaError::Unsupported {
            path: path.to_path_buf(),
            format: format.into(),
            hint: "convert it to JPEG, PNG or WebP".into(),
        },
        other => MediaError::WrongKind {
            path: path.to_path_buf(),
            expected: "a photo, a video or a landmark file",
            found: other.describe(),
        },
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn signatures() {
        assert_eq!(sniff(b"\xFF\xD8\xFF\xE0rest"), Sniffed::Jpeg);
        assert_eq!(sniff(b"RIFF\0\0\0\0WEBPVP8 "), Sniffed::WebP);
        assert_eq!(sniff(b"\0\0\0\x18ftypisom\0\0\0\0"), Sniffed::IsoBmff);
        assert_eq!(
            sniff(b"\0\0\0\x18ftypheic\0\0\0\0"),
            Sniffed::OtherImage("a HEIC/HEIF image")
        );
        assert_eq!(sniff(b"\x1A\x45\xDF\xA3\x01"), Sniffed::Matroska);
        assert_eq!(sniff(b"  \n{\"t\": 0}"), Sniffed::JsonObject);
        assert_eq!(sniff(b"\xEF\xBB\xBF{\"t\": 0}"), Sniffed::JsonObject);
        assert_eq!(sniff(b"hello, this is not a video\n"), Sniffed::Text);
        assert_eq!(sniff("caf\u{e9} au lait".as_bytes()), Sniffed::Text);
        assert_eq!(
            sniff(&[0u8, 1, 2, 3, 250, 251, 0, 9, 200]),
            Sniffed::Unknown
        );
        assert_eq!(sniff(b"%PDF-1.7"), Sniffed::Other("a PDF document"));
    }

    #[test]
    fn a_cut_multibyte_character_is_still_text() {
        let mut s = "é".repeat(10).into_bytes();
        s.pop();
        assert_eq!(sniff(&s), Sniffed::Text);
    }
}
