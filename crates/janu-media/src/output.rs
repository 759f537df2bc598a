//! Files out, written atomically: PNG, JPEG, and [`AtomicFile`] for anything
//! else (the MP4 writer and the `janu` command's outputs use it too).

use std::io::{BufWriter, Write};
use std::path::{Path, PathBuf};

use image::{ExtendedColorType, ImageEncoder, RgbImage};
use tempfile::NamedTempFile;

use crate::MediaError;

/// Prefix of the temporary files written beside an output before the rename.
pub const TEMP_PREFIX: &str = ".janu-tmp-";

/// Permissions of a finished file: readable by everyone, writable by the
/// owner, as a plain `>` redirection leaves it under the usual umask (a
/// temporary file starts private; without this an output would stay
/// unreadable to others).
#[cfg(unix)]
pub const FILE_MODE: u32 = 0o644;

/// A file being written under a temporary name in the destination's folder. It
/// becomes `path` only on [`AtomicFile::commit`]; dropped before that, it is
/// deleted, so a failed write never leaves a half-written output behind.
#[derive(Debug)]
pub struct AtomicFile {
    path: PathBuf,
    temp: NamedTempFile,
}

impl AtomicFile {
    /// Start writing what becomes `path`.
    ///
    /// # Errors
    /// [`MediaError::Write`] naming `path` when its folder is not writable.
    pub fn create(path: &Path) -> Result<Self, MediaError> {
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

    /// The file to write to.
    pub fn file(&mut self) -> &mut std::fs::File {
        self.temp.as_file_mut()
    }

    /// Flush to disk, give the file [`FILE_MODE`] and move it into place.
    ///
    /// # Errors
    /// [`MediaError::Write`] naming the destination (then nothing is left).
    pub fn commit(self) -> Result<(), MediaError> {
        let path = self.path;
        self.temp
            .as_file()
            .sync_all()
            .map_err(|e| MediaError::write(&path, e))?;
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            self.temp
                .as_file()
                .set_permissions(std::fs::Permissions::from_mode(FILE_MODE))
                .map_err(|e| MediaError::write(&path, e))?;
        }
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
    write_picture(path, image, Picture::Png)
}

/// The picture formats Janu writes.
#[derive(Debug, Clone, Copy)]
enum Picture {
    Png,
    /// With its quality, 1 to 100.
    Jpeg(u8),
}

/// Encode `image` as `format` into an [`AtomicFile`] at `path`: the one path
/// every picture takes to disk.
fn write_picture(path: &Path, image: &RgbImage, format: Picture) -> Result<(), MediaError> {
    fn encode(encoder: impl ImageEncoder, image: &RgbImage) -> image::ImageResult<()> {
        encoder.write_image(
            image.as_raw(),
            image.width(),
            image.height(),
            ExtendedColorType::Rgb8,
        )
    }
    let mut out = AtomicFile::create(path)?;
    {
        let mut w = BufWriter::new(out.file());
        match format {
            Picture::Png => encode(image::codecs::png::PngEncoder::new(&mut w), image),
            Picture::Jpeg(quality) => encode(
                image::codecs::jpeg::JpegEncoder::new_with_quality(&mut w, quality),
                image,
            ),
        }
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
    write_picture(path, image, Picture::Jpeg(quality))
}

fn encode_error(path: &Path, e: &image::ImageError) -> MediaError {
    match e {
        image::ImageError::IoError(io) => {
            MediaError::write(path, std::io::Error::new(io.kind(), io.to_string()))
        }
        other => MediaError::encode(path, other.to_string()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn pictures_are_readable_by_everyone_like_any_output() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("overlay.png");
        write_png(&path, &RgbImage::new(4, 4)).unwrap();
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            let mode = std::fs::metadata(&path).unwrap().permissions().mode();
            assert_eq!(mode & 0o777, FILE_MODE, "was 0600 before");
        }
        assert_eq!(std::fs::read_dir(dir.path()).unwrap().count(), 1);
    }
}
