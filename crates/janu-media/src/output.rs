//! Pictures out: PNG and JPEG, written atomically.

use std::io::{BufWriter, Write};
use std::path::{Path, PathBuf};

use image::{ExtendedColorType, ImageEncoder, RgbImage};
use tempfile::NamedTempFile;

use crate::MediaError;

/// Prefix of the temporary files written beside an output before the rename.
pub const TEMP_PREFIX: &str = ".janu-tmp-";

/// A file being written under a temporary name in the destination's folder. It
/// becomes `path` only on [`AtomicFile::commit`]; dropped before that, it is
/// deleted, so a failed write never leaves a half-written output behind.
pub(crate) struct AtomicFile {
    path: PathBuf,
    temp: NamedTempFile,
}

impl AtomicFile {
    pub(crate) fn create(path: &Path) -> Result<Self, MediaError> {
        let dir = match path.parent() {
            Some(p) if !p.as_os_str().is_empty() => p,
            _ => Path::new("."),
        };
        let temp = tempfile::Builder::new()
            .prefix(TEMP_PREFIX)
            .tempfile_in(dir)
            .map_err(|e| MediaError::write(path, e))?;
        Ok(Self {
            path: path.to_path_buf(),
            temp,
        })
    }

    pub(crate) fn file(&mut self) -> &mut std::fs::File {
        self.temp.as_file_mut()
    }

    /// Flush to disk and move into place.
    pub(crate) fn commit(self) -> Result<(), MediaError> {
        let path = self.path;
        self.temp
            .as_file()
            .sync_all()
            .map_err(|e| MediaError::write(&path, e))?;
        self.temp
            .persist(&path)
            .map_err(|e| MediaError::write(&path, e.error))?;
        Ok(())
    }
}

/// Write `image` as a PNG at `path`, atomically (a temporary file in the same
/// folder, renamed into place once complete).
///
/// # Errors
/// [`MediaError::Write`] when the folder is not writable or the disk is full;
/// [`MediaError::Encode`] when the encoder fails. No file is left behind either way.
pub fn write_png(path: &Path, image: &RgbImage) -> Result<(), MediaError> {
    let mut out = AtomicFile::create(path)?;
    {
        let mut w = BufWriter::new(out.file());
        image::codecs::png::PngEncoder::new(&mut w)
            .write_image(
                image.as_raw(),
                image.width(),
                image.height(),
                ExtendedColorType::Rgb8,
            )
            .map_err(|e| encode_error(path, &e))?;
        w.flush().map_err(|e| MediaError::write(path, e))?;
    }
    out.commit()
}

/// Write `image` as a JPEG of the given `quality` (1 to 100; 90 is a good default)
/// at `path`, atomically.
///
/// # Errors
/// [`MediaError::InvalidInput`] for a quality outside 1..=100; otherwise as
/// [`write_png`].
pub fn write_jpeg(path: &Path, image: &RgbImage, quality: u8) -> Result<(), MediaError> {
    if !(1..=100).contains(&quality) {
        return Err(MediaError::invalid(
            path,
            format!("JPEG quality must be between 1 and 100, not {quality}"),
        ));
    }
    let mut out = AtomicFile::create(path)?;
    {
        let mut w = BufWriter::new(out.file());
        image::codecs::jpeg::JpegEncoder::new_with_quality(&mut w, quality)
            .write_image(
                image.as_raw(),
                image.width(),
                image.height(),
                ExtendedColorType::Rgb8,
            )
            .map_err(|e| encode_error(path, &e))?;
        w.flush().map_err(|e| MediaError::write(path, e))?;
    }
    out.commit()
}

fn encode_error(path: &Path, e: &image::ImageError) -> MediaError {
    match e {
        image::ImageError::IoError(io) => {
            MediaError::write(path, std::io::Error::new(io.kind(), io.to_string()))
        }
        other => MediaError::encode(path, other.to_string()),
    }
}
