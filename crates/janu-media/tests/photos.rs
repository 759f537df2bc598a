//! Photos: the real shared photos, EXIF orientation, bad and huge input, writing.

use std::io::Cursor;
use std::path::{Path, PathBuf};

use image::{ExtendedColorType, ImageEncoder, Rgb, RgbImage};
use janu_media::{
    AlphaMode, ImageOptions, MAX_LONG_SIDE, MediaError, MediaKind, TEMP_PREFIX, decode_image,
    decode_image_with, probe, read_image, write_jpeg, write_png,
};

#[test]
fn every_shared_photo_decodes_with_the_reference_size() {
    let Some(photos) = janu_testkit::shared_data("photos") else {
        return;
    };
    let fixture = janu_testkit::fixture("mediapipe/photos_full.jsonl");
    let text = std::fs::read_to_string(&fixture).expect("MediaPipe fixture");
    let mut checked = 0;
    for line in text.lines().filter(|l| !l.trim().is_empty()) {
        let v: serde_json::Value = serde_json::from_str(line).unwrap();
        let file = v["file"].as_str().unwrap();
        let (w, h) = (
            v["width"].as_u64().unwrap() as u32,
            v["height"].as_u64().unwrap() as u32,
        );
        let path = photos.join(file);
        assert_eq!(probe(&path).unwrap(), MediaKind::Image, "{file}");
        let img = read_image(&path).unwrap_or_else(|e| panic!("{e}"));
        // PIL's size after exif_transpose, unless the long side is over our cap.
        let expected = if w.max(h) > MAX_LONG_SIDE {
            let s = f64::from(MAX_LONG_SIDE) / f64::from(w.max(h));
            (
                (f64::from(w) * s).round() as u32,
                (f64::from(h) * s).round() as u32,
            )
        } else {
            (w, h)
        };
        assert_eq!(img.dimensions(), expected, "{file}");
        checked += 1;
    }
    let on_disk = walk(&photos)
        .iter()
        .filter(|p| p.extension().is_some_and(|e| e != "tsv"))
        .count();
    assert_eq!(checked, on_disk, "the fixture should cover every photo");
    assert!(checked >= 100);
}

fn walk(dir: &Path) -> Vec<PathBuf> {
    let mut out = Vec::new();
    for e in std::fs::read_dir(dir).unwrap() {
        let p = e.unwrap().path();
        if p.is_dir() {
            out.extend(walk(&p));
        } else {
            out.push(p);
        }
    }
    out
}

/// Four 32 x 16 quadrants: red, green / blue, white.
const TL: [u8; 3] = [255, 0, 0];
const TR: [u8; 3] = [0, 255, 0];
const BL: [u8; 3] = [0, 0, 255];
const BR: [u8; 3] = [255, 255, 255];

fn quadrants() -> RgbImage {
    RgbImage::from_fn(64, 32, |x, y| {
        Rgb(match (x < 32, y < 16) {
            (true, true) => TL,
            (false, true) => TR,
            (true, false) => BL,
            (false, false) => BR,
        })
    })
}

/// A TIFF block holding only the orientation tag.
fn tiff_orientation(value: u16) -> Vec<u8> {
    let mut t = b"MM\0\x2a\0\0\0\x08".to_vec();
    t.extend_from_slice(&1u16.to_be_bytes()); // one entry
    t.extend_from_slice(&0x0112u16.to_be_bytes()); // Orientation
    t.extend_from_slice(&3u16.to_be_bytes()); // SHORT
    t.extend_from_slice(&1u32.to_be_bytes());
    t.extend_from_slice(&value.to_be_bytes());
    t.extend_from_slice(&[0, 0]);
    t.extend_from_slice(&0u32.to_be_bytes()); // no next IFD
    t
}

fn jpeg_with_orientation(img: &RgbImage, orientation: u16) -> Vec<u8> {
    let mut plain = Vec::new();
    image::codecs::jpeg::JpegEncoder::new_with_quality(&mut plain, 95)
        .write_image(
            img.as_raw(),
            img.width(),
            img.height(),
            ExtendedColorType::Rgb8,
        )
        .unwrap();
    let mut app1 = b"Exif\0\0".to_vec();
    app1.extend_from_slice(&tiff_orientation(orientation));
    let mut out = plain[..2].to_vec(); // SOI
    out.extend_from_slice(&[0xFF, 0xE1]);
    out.extend_from_slice(&((app1.len() + 2) as u16).to_be_bytes());
    out.extend_from_slice(&app1);
    out.extend_from_slice(&plain[2..]);
    out
}

fn close(a: [u8; 3], b: [u8; 3]) -> bool {
    a.iter().zip(b).all(|(&x, y)| x.abs_diff(y) < 40)
}

/// The colours seen in the four corners of a decoded picture.
fn corners(img: &RgbImage) -> [[u8; 3]; 4] {
    let (w, h) = img.dimensions();
    [(4, 4), (w - 5, 4), (4, h - 5), (w - 5, h - 5)].map(|(x, y)| img.get_pixel(x, y).0)
}

#[test]
fn all_eight_exif_orientations_are_applied() {
    // (tag, displayed size, colours at top-left, top-right, bottom-left, bottom-right)
    let cases = [
        (1, (64, 32), [TL, TR, BL, BR]),
        (2, (64, 32), [TR, TL, BR, BL]),
        (3, (64, 32), [BR, BL, TR, TL]),
        (4, (64, 32), [BL, BR, TL, TR]),
        (5, (32, 64), [TL, BL, TR, BR]),
        (6, (32, 64), [BL, TL, BR, TR]),
        (7, (32, 64), [BR, TR, BL, TL]),
        (8, (32, 64), [TR, BR, TL, BL]),
    ];
    let src = quadrants();
    for (tag, size, expected) in cases {
        let img = decode_image(&jpeg_with_orientation(&src, tag)).unwrap();
        assert_eq!(img.dimensions(), size, "orientation {tag}");
        let got = corners(&img);
        for (g, e) in got.iter().zip(expected) {
            assert!(
                close(*g, e),
                "orientation {tag}: corners {got:?}, expected {expected:?}"
            );
        }
    }
    // Turned off, the stored layout comes back.
    let raw = decode_image_with(
        &jpeg_with_orientation(&src, 6),
        &ImageOptions {
            apply_orientation: false,
            ..ImageOptions::default()
        },
    )
    .unwrap();
    assert_eq!(raw.dimensions(), (64, 32));
}

fn crc32(data: &[u8]) -> u32 {
    let mut crc = 0xFFFF_FFFFu32;
    for &b in data {
        crc ^= u32::from(b);
        for _ in 0..8 {
            crc = if crc & 1 == 1 {
                (crc >> 1) ^ 0xEDB8_8320
            } else {
                crc >> 1
            };
        }
    }
    !crc
}

fn png_chunk(kind: &[u8; 4], body: &[u8]) -> Vec<u8> {
    let mut c = (body.len() as u32).to_be_bytes().to_vec();
    let mut typed = kind.to_vec();
    typed.extend_from_slice(body);
    c.extend_from_slice(&typed);
    c.extend_from_slice(&crc32(&typed).to_be_bytes());
    c
}

fn png_bytes(img: &RgbImage) -> Vec<u8> {
    let mut out = Vec::new();
    image::codecs::png::PngEncoder::new(&mut out)
        .write_image(
            img.as_raw(),
            img.width(),
            img.height(),
            ExtendedColorType::Rgb8,
        )
        .unwrap();
    out
}

#[test]
fn png_exif_orientation_is_applied() {
    let plain = png_bytes(&quadrants());
    // Insert an eXIf chunk right after IHDR (8-byte signature + 25-byte IHDR chunk).
    let mut png = plain[..33].to_vec();
    png.extend_from_slice(&png_chunk(b"eXIf", &tiff_orientation(6)));
    png.extend_from_slice(&plain[33..]);
    let img = decode_image(&png).unwrap();
    assert_eq!(img.dimensions(), (32, 64));
    assert_eq!(corners(&img), [BL, TL, BR, TR]);
}

#[test]
fn sixteen_bit_and_alpha_pngs_become_eight_bit_rgb() {
    let img16 =
        image::ImageBuffer::<Rgb<u16>, _>::from_fn(8, 4, |x, _| Rgb([x as u16 * 8000, 65535, 0]));
    let mut bytes = Vec::new();
    image::DynamicImage::ImageRgb16(img16)
        .write_to(&mut Cursor::new(&mut bytes), image::ImageFormat::Png)
        .unwrap();
    let rgb = decode_image(&bytes).unwrap();
    assert_eq!(
        rgb.get_pixel(7, 0).0,
        [((7.0 * 8000.0) / 257.0_f64).round() as u8, 255, 0]
    );

    let rgba = image::RgbaImage::from_fn(4, 4, |x, _| {
        image::Rgba([10, 20, 30, if x < 2 { 0 } else { 255 }])
    });
    let mut bytes = Vec::new();
    image::DynamicImage::ImageRgba8(rgba)
        .write_to(&mut Cursor::new(&mut bytes), image::ImageFormat::Png)
        .unwrap();
    assert_eq!(
        decode_image(&bytes).unwrap().get_pixel(0, 0).0,
        [10, 20, 30]
    );
    let white = decode_image_with(
        &bytes,
        &ImageOptions {
            alpha: AlphaMode::OverWhite,
            ..ImageOptions::default()
        },
    )
    .unwrap();
    assert_eq!(white.get_pixel(0, 0).0, [255, 255, 255]);
    assert_eq!(white.get_pixel(3, 0).0, [10, 20, 30]);
}

/// A valid 1-bit grey PNG of `w` x `h` made with stored (uncompressed) deflate
/// blocks, so no big pixel buffer is ever held in memory.
fn huge_png(w: u32, h: u32) -> Vec<u8> {
    let row = 1 + w.div_ceil(8) as usize;
    let total = row * h as usize;
    let mut z = vec![0x78, 0x01];
    let mut left = total;
    let (mut a, mut b) = (1u32, 0u32); // adler32 of zeros: a stays 1, b grows by 1 per byte
    while left > 0 {
        let n = left.min(65535);
        left -= n;
        z.push(u8::from(left == 0));
        z.extend_from_slice(&(n as u16).to_le_bytes());
        z.extend_from_slice(&(!(n as u16)).to_le_bytes());
        z.resize(z.len() + n, 0);
        b = ((u64::from(b) + n as u64 * u64::from(a)) % 65521) as u32;
        a %= 65521;
    }
    z.extend_from_slice(&((b << 16) | a).to_be_bytes());
    let mut ihdr = Vec::new();
    ihdr.extend_from_slice(&w.to_be_bytes());
    ihdr.extend_from_slice(&h.to_be_bytes());
    ihdr.extend_from_slice(&[1, 0, 0, 0, 0]);
    let mut png = b"\x89PNG\r\n\x1a\n".to_vec();
    png.extend_from_slice(&png_chunk(b"IHDR", &ihdr));
    png.extend_from_slice(&png_chunk(b"IDAT", &z));
    png.extend_from_slice(&png_chunk(b"IEND", &[]));
    png
}

#[test]
fn a_ten_thousand_pixel_square_photo_is_refused_from_its_header() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("huge.png");
    std::fs::write(&path, huge_png(10_000, 10_000)).unwrap();
    let err = read_image(&path).unwrap_err();
    assert!(
        matches!(
            err,
            MediaError::ImageTooLarge {
                width: 10_000,
                height: 10_000,
                ..
            }
        ),
        "{err}"
    );
    let msg = err.to_string();
    assert!(
        msg.contains("huge.png")
            && msg.contains("10000 x 10000")
            && msg.contains("100.0 megapixels"),
        "{msg}"
    );
    assert!(msg.contains("50 megapixels"), "{msg}");
}

#[test]
fn a_large_photo_below_the_limit_is_downscaled() {
    let png = huge_png(6000, 1000);
    let img = decode_image(&png).unwrap();
    assert_eq!(img.dimensions(), (MAX_LONG_SIDE, 683));
}

#[test]
fn bad_photos_get_clear_errors() {
    let dir = tempfile::tempdir().unwrap();
    let write = |name: &str, bytes: &[u8]| {
        let p = dir.path().join(name);
        std::fs::write(&p, bytes).unwrap();
        p
    };
    let err_of = |p: &Path| read_image(p).unwrap_err().to_string();

    let empty = write("empty.jpg", b"");
    assert_eq!(
        err_of(&empty),
        format!("{} is empty (0 bytes)", empty.display())
    );

    let text = write("notes.png", b"this is a note, not a picture\n");
    assert_eq!(
        err_of(&text),
        format!("{} is not an image: it looks like text", text.display())
    );

    let png = png_bytes(&quadrants());
    let half = write("half.png", &png[..png.len() / 2]);
    let msg = err_of(&half);
    assert!(
        msg.contains("half.png is a damaged or incomplete PNG image"),
        "{msg}"
    );

    let jpeg = jpeg_with_orientation(&quadrants(), 1);
    let cut = write("cut.jpg", &jpeg[..jpeg.len() * 2 / 3]);
    let msg = err_of(&cut);
    assert!(
        msg.contains("cut.jpg is a damaged or incomplete JPEG image") && msg.contains("cut short"),
        "{msg}"
    );

    let gif = write("anim.gif", b"GIF89a\x01\0\x01\0\0\0\0;");
    let msg = err_of(&gif);
    assert!(
        msg.contains("is a GIF image, which Janu does not read"),
        "{msg}"
    );
    assert!(matches!(probe(&gif), Err(MediaError::Unsupported { .. })));

    let missing = dir.path().join("nope.jpg");
    assert!(err_of(&missing).starts_with(&format!("cannot read {}", missing.display())));
}

#[test]
fn a_webp_named_jpg_is_still_read() {
    let dir = tempfile::tempdir().unwrap();
    let mut bytes = Vec::new();
    image::DynamicImage::ImageRgb8(quadrants())
        .write_to(&mut Cursor::new(&mut bytes), image::ImageFormat::WebP)
        .unwrap();
    let path = dir.path().join("photo.jpg");
    std::fs::write(&path, &bytes).unwrap();
    let img = read_image(&path).unwrap();
    assert_eq!(img.dimensions(), (64, 32));
    assert_eq!(corners(&img), [TL, TR, BL, BR]);
}

#[test]
fn pngs_and_jpegs_are_written_atomically() {
    let dir = tempfile::tempdir().unwrap();
    let img = quadrants();
    let png = dir.path().join("out.png");
    write_png(&png, &img).unwrap();
    assert_eq!(read_image(&png).unwrap(), img, "PNG is lossless");
    let jpg = dir.path().join("out.jpg");
    write_jpeg(&jpg, &img, 90).unwrap();
    assert!(close(read_image(&jpg).unwrap().get_pixel(40, 20).0, BR));

    // Writing into a missing folder fails with the path named; nothing is left.
    let bad = dir.path().join("no/such/dir/out.png");
    let err = write_png(&bad, &img).unwrap_err();
    assert!(err.to_string().contains("no/such/dir/out.png"), "{err}");
    assert!(write_jpeg(&jpg, &img, 0).is_err());
    let names: Vec<String> = std::fs::read_dir(dir.path())
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    assert!(
        names.iter().all(|n| !n.starts_with(TEMP_PREFIX)),
        "{names:?}"
    );
    assert_eq!(names.len(), 2);
}

#[test]
fn webp_exif_orientation_is_applied() {
    let mut simple = Vec::new();
    image::DynamicImage::ImageRgb8(quadrants())
        .write_to(&mut Cursor::new(&mut simple), image::ImageFormat::WebP)
        .unwrap();
    // Re-wrap as an extended WebP: VP8X (with the EXIF flag), the picture, EXIF.
    let picture = &simple[12..];
    let mut vp8x = vec![0x08, 0, 0, 0];
    vp8x.extend_from_slice(&(64u32 - 1).to_le_bytes()[..3]);
    vp8x.extend_from_slice(&(32u32 - 1).to_le_bytes()[..3]);
    let chunk = |kind: &[u8; 4], body: &[u8]| {
        let mut c = kind.to_vec();
        c.extend_from_slice(&(body.len() as u32).to_le_bytes());
        c.extend_from_slice(body);
        if body.len() % 2 == 1 {
            c.push(0);
        }
        c
    };
    let mut body = b"WEBP".to_vec();
    body.extend_from_slice(&chunk(b"VP8X", &vp8x));
    body.extend_from_slice(picture);
    body.extend_from_slice(&chunk(b"EXIF", &tiff_orientation(8)));
    let mut webp = b"RIFF".to_vec();
    webp.extend_from_slice(&(body.len() as u32).to_le_bytes());
    webp.extend_from_slice(&body);
    let img = decode_image(&webp).unwrap();
    assert_eq!(img.dimensions(), (32, 64));
    assert_eq!(corners(&img), [TR, BR, TL, BL]);
}
