//! Pictures in and out: photo and video decoding (EXIF, rotation), frame sources, skeleton drawing, PNG and MP4 writing.
