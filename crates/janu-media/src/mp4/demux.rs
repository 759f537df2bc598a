//! A small, bounded ISO base media (MP4/MOV) reader: finds the first video track
//! and builds its sample table (where each frame's bytes are and when it is shown).
//!
//! Everything read from the file is checked before it is used: box sizes against
//! their parents and the file, table lengths against their boxes, sample counts
//! against [`MAX_SAMPLES`], so a damaged or hostile file gives an error, never a
//! panic or a huge allocation.

use std::fs::File;
use std::io::{Read, Seek, SeekFrom};

/// Largest `moov` box read into memory. Reason: a 10-hour 60 fps recording
/// needs about 30 MB of sample tables; anything far larger is not a real index.
pub const MAX_MOOV_BYTES: u64 = 256 << 20;

/// Most samples (frames) in one track. Reason: 10 million frames is 92 hours at
/// 30 fps; the bound keeps a forged count from allocating gigabytes.
pub const MAX_SAMPLES: u64 = 10_000_000;

/// One coded frame in the file.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Sample {
    /// Byte offset in the file.
    pub offset: u64,
    /// Size in bytes.
    pub size: u32,
    /// Decode time in media timescale units.
    pub dts: i64,
    /// Presentation (composition) time in media timescale units.
    pub pts: i64,
    /// A key frame (decoding can start here).
    pub sync: bool,
}

/// The first entry of the sample description box: the codec and its setup.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct SampleEntry {
    /// Four-character code, e.g. `avc1`, `hvc1`, `vp09`.
    pub fourcc: [u8; 4],
    /// Coded width from the sample entry.
    pub width: u16,
    /// Coded height from the sample entry.
    pub height: u16,
    /// The `avcC` box body, for H.264.
    pub avcc: Option<Vec<u8>>,
}

impl SampleEntry {
    pub(crate) fn fourcc_str(&self) -> String {
        self.fourcc
            .iter()
            .map(|&b| {
                if b.is_ascii_graphic() || b == b' ' {
                    b as char
                } else {
                    '?'
                }
            })
            .collect()
    }

    /// The codec's common name and four-character code, e.g. "HEVC (hvc1)".
    pub(crate) fn codec_name(&self) -> String {
        let name = match &self.fourcc {
            b"avc1" | b"avc3" => "H.264",
            b"hvc1" | b"hev1" => "HEVC",
            b"dvh1" | b"dvhe" => "Dolby Vision HEVC",
            b"vp09" => "VP9",
            b"vp08" => "VP8",
            b"av01" => "AV1",
            b"mp4v" => "MPEG-4 Part 2",
            b"s263" | b"h263" => "H.263",
            b"jpeg" | b"mjpa" | b"mjpb" | b"mjp2" => "Motion JPEG",
            b"apcn" | b"apch" | b"apcs" | b"apco" | b"ap4h" | b"ap4x" => "Apple ProRes",
            b"encv" => "encrypted (DRM-protected) video",
            _ => "an unknown codec",
        };
        format!("{name} ({})", self.fourcc_str())
    }

    pub(crate) fn is_h264(&self) -> bool {
        matches!(&self.fourcc, b"avc1" | b"avc3")
    }
}

/// What the reader found about the first video track.
#[derive(Debug, Clone)]
pub(crate) struct VideoTrack {
    /// Media timescale: units per second of [`Sample::pts`].
    pub timescale: u32,
    /// The codec.
    pub entry: SampleEntry,
    /// Samples in decoding order.
    pub samples: Vec<Sample>,
    /// Clockwise rotation to apply for display, from the track matrix (0, 90, 180, 270).
    pub rotation: u32,
    /// Presentation time (media units) that maps to t = 0, from the edit list.
    pub media_start: i64,
    /// Seconds of empty edit before the first frame is shown.
    pub start_delay_s: f64,
    /// Presentation duration in seconds.
    pub duration_s: f64,
    /// The track keeps its samples in movie fragments (`moof`), not in `moov`.
    pub fragmented: bool,
}

impl VideoTrack {
    /// Seconds from the start of the presentation for a presentation time.
    pub(crate) fn seconds(&self, pts: i64) -> f64 {
        (pts - self.media_start) as f64 / f64::from(self.timescale) + self.start_delay_s
    }
}

/// Errors of this module, in words; the caller adds the file name.
pub(crate) type Detail = String;

/// A bounds-checked big-endian reader over a box body.
struct Buf<'a> {
    data: &'a [u8],
    pos: usize,
    what: &'static str,
}

impl<'a> Buf<'a> {
    fn new(data: &'a [u8], what: &'static str) -> Self {
        Self { data, pos: 0, what }
    }
    fn take(&mut self, n: usize) -> Result<&'a [u8], Detail> {
        let end = self
            .pos
            .checked_add(n)
            .filter(|&e| e <= self.data.len())
            .ok_or_else(|| format!("the '{}' box is shorter than its content", self.what))?;
        let s = &self.data[self.pos..end];
        self.pos = end;
        Ok(s)
    }
    fn skip(&mut self, n: usize) -> Result<(), Detail> {
        self.take(n).map(|_| ())
    }
    fn u8(&mut self) -> Result<u8, Detail> {
        Ok(self.take(1)?[0])
    }
    fn u16(&mut self) -> Result<u16, Detail> {
        let b = self.take(2)?;
        Ok(u16::from_be_bytes([b[0], b[1]]))
    }
    fn u32(&mut self) -> Result<u32, Detail> {
        let b = self.take(4)?;
        Ok(u32::from_be_bytes([b[0], b[1], b[2], b[3]]))
    }
    fn i32(&mut self) -> Result<i32, Detail> {
        Ok(self.u32()? as i32)
    }
    fn u64(&mut self) -> Result<u64, Detail> {
        let hi = u64::from(self.u32()?);
        Ok(hi << 32 | u64::from(self.u32()?))
    }
    fn remaining(&self) -> usize {
        self.data.len() - self.pos
    }
    /// Version and flags of a full box.
    fn full_box(&mut self) -> Result<(u8, u32), Detail> {
        let v = self.u32()?;
        Ok(((v >> 24) as u8, v & 0x00FF_FFFF))
    }
    /// Read a 32-bit entry count and check that the table fits.
    fn table(&mut self, entry_size: usize) -> Result<usize, Detail> {
        let count = u64::from(self.u32()?);
        self.check_table(count, entry_size)
    }
    /// A table of `count` entries of `entry_size` bytes must fit in what is left.
    fn check_table(&self, count: u64, entry_size: usize) -> Result<usize, Detail> {
        let need = count.checked_mul(entry_size as u64);
        match need {
            Some(n) if n <= self.remaining() as u64 => Ok(count as usize),
            _ => Err(format!(
                "the '{}' table claims {count} entries but the box holds fewer",
                self.what
            )),
        }
    }
}

/// A box: its four-character type and its body.
type Boxed<'a> = ([u8; 4], &'a [u8]);

/// Child boxes of a box body.
fn children(data: &[u8]) -> Result<Vec<Boxed<'_>>, Detail> {
    let mut out = Vec::new();
    let mut pos = 0usize;
    while data.len() - pos >= 8 {
        let size32 = u32::from_be_bytes([data[pos], data[pos + 1], data[pos + 2], data[pos + 3]]);
        let kind = [data[pos + 4], data[pos + 5], data[pos + 6], data[pos + 7]];
        let (header, size) = match size32 {
            0 => (8usize, (data.len() - pos) as u64),
            1 => {
                let Some(b) = data.get(pos + 8..pos + 16) else {
                    return Err("a box header is cut short".into());
                };
                let mut a = [0u8; 8];
                a.copy_from_slice(b);
                (16usize, u64::from_be_bytes(a))
            }
            n => (8usize, u64::from(n)),
        };
        if size < header as u64 || size > (data.len() - pos) as u64 {
            return Err(format!(
                "the '{}' box claims {size} bytes but its parent has only {} left",
                String::from_utf8_lossy(&kind),
                data.len() - pos
            ));
        }
        let size = size as usize;
        out.push((kind, &data[pos + header..pos + size]));
        pos += size;
    }
    Ok(out)
}

fn child<'a>(data: &'a [u8], kind: &[u8; 4]) -> Result<Option<&'a [u8]>, Detail> {
    Ok(children(data)?
        .into_iter()
        .find(|(k, _)| k == kind)
        .map(|(_, b)| b))
}

/// Read the top-level boxes of an open file and return the `moov` body, or
/// explain why there is none. Also says whether movie fragments follow.
fn read_moov(file: &mut File, file_len: u64) -> Result<(Vec<u8>, bool), Detail> {
    let mut pos = 0u64;
    let mut moov = None;
    let mut has_moof = false;
    let mut seen_mdat = false;
    // Each iteration moves `pos` forward by at least 8 bytes, so this ends.
    while pos + 8 <= file_len {
        file.seek(SeekFrom::Start(pos)).map_err(|e| e.to_string())?;
        let mut h = [0u8; 16];
        file.read_exact(&mut h[..8]).map_err(|e| e.to_string())?;
        let size32 = u32::from_be_bytes([h[0], h[1], h[2], h[3]]);
        let kind = [h[4], h[5], h[6], h[7]];
        let (header, size) = match size32 {
            0 => (8u64, file_len - pos),
            1 => {
                if pos + 16 > file_len {
                    break;
                }
                file.read_exact(&mut h[8..16]).map_err(|e| e.to_string())?;
                let mut a = [0u8; 8];
                a.copy_from_slice(&h[8..16]);
                (16u64, u64::from_be_bytes(a))
            }
            n => (8u64, u64::from(n)),
        };
        if size < header {
            return Err(format!(
                "the top-level '{}' box at byte {pos} has an impossible size ({size} bytes)",
                String::from_utf8_lossy(&kind)
            ));
        }
        match &kind {
            b"moov" => {
                let body_len = size - header;
                if pos + size > file_len {
                    return Err(format!(
                        "the index ('moov' box) is cut short: it needs {} bytes but the file ends after {}",
                        size,
                        file_len - pos
                    ));
                }
                if body_len > MAX_MOOV_BYTES {
                    return Err(format!(
                        "the index ('moov' box) is {body_len} bytes, more than the {MAX_MOOV_BYTES} a real video needs"
                    ));
                }
                let mut body = vec![0u8; body_len as usize];
                file.read_exact(&mut body).map_err(|e| e.to_string())?;
                moov = Some(body);
            }
            b"moof" => has_moof = true,
            b"mdat" => seen_mdat = true,
            _ => {}
        }
        if moov.is_some() && (has_moof || seen_mdat) {
            break;
        }
        pos = pos.saturating_add(size);
    }
    match moov {
        Some(m) => Ok((m, has_moof)),
        None if seen_mdat => Err(
            "it has frame data but no index ('moov' box, written when recording stops): \
             the file was cut short or the recording did not finish"
                .into(),
        ),
        None => Err("it has no index ('moov' box)".into()),
    }
}

/// Find the first video track of the MP4/MOV file and build its sample table.
pub(crate) fn read_video_track(file: &mut File) -> Result<Option<VideoTrack>, Detail> {
    let file_len = file.metadata().map_err(|e| e.to_string())?.len();
    let (moov, has_moof) = read_moov(file, file_len)?;
    let boxes = children(&moov)?;
    let movie_timescale = match boxes.iter().find(|(k, _)| k == b"mvhd") {
        Some((_, body)) => {
            let mut b = Buf::new(body, "mvhd");
            let (v, _) = b.full_box()?;
            b.skip(if v == 1 { 16 } else { 8 })?;
            b.u32()?
        }
        None => 0,
    };
    for (kind, trak) in &boxes {
        if kind != b"trak" {
            continue;
        }
        if let Some(track) = read_trak(trak, movie_timescale, has_moof, file_len)? {
            return Ok(Some(track));
        }
    }
    Ok(None)
}

fn read_trak(
    trak: &[u8],
    movie_timescale: u32,
    has_moof: bool,
    file_len: u64,
) -> Result<Option<VideoTrack>, Detail> {
    let Some(mdia) = child(trak, b"mdia")? else {
        return Ok(None);
    };
    let Some(hdlr) = child(mdia, b"hdlr")? else {
        return Ok(None);
    };
    let mut h = Buf::new(hdlr, "hdlr");
    h.full_box()?;
    h.skip(4)?;
    if h.take(4)? != b"vide" {
        return Ok(None);
    }
    let mdhd = child(mdia, b"mdhd")?.ok_or("the video track has no 'mdhd' box")?;
    let mut m = Buf::new(mdhd, "mdhd");
    let (v, _) = m.full_box()?;
    m.skip(if v == 1 { 16 } else { 8 })?;
    let timescale = m.u32()?;
    if timescale == 0 {
        return Err("the video track's timescale is 0".into());
    }
    let rotation = match child(trak, b"tkhd")? {
        Some(tkhd) => rotation_from_tkhd(tkhd)?,
        None => 0,
    };
    let stbl = child(mdia, b"minf")?
        .map(|minf| child(minf, b"stbl"))
        .transpose()?
        .flatten()
        .ok_or("the video track has no sample table ('stbl' box)")?;
    let entry = read_stsd(child(stbl, b"stsd")?.ok_or("the video track has no 'stsd' box")?)?;
    let samples = read_samples(stbl, file_len)?;
    let fragmented = has_moof && samples.is_empty();

    // Edit list: empty edits delay the start; the first real edit says which
    // presentation time is shown first (often the B-frame delay).
    let mut media_start = samples.iter().map(|s| s.pts).min().unwrap_or(0);
    let mut start_delay_s = 0.0;
    let mut edit_duration_s = None;
    if let Some(elst) = child(trak, b"edts")?
        .map(|e| child(e, b"elst"))
        .transpose()?
        .flatten()
    {
        let mut e = Buf::new(elst, "elst");
        let (v, _) = e.full_box()?;
        let count = e.u32()?;
        let n = e.check_table(u64::from(count), if v == 1 { 20 } else { 12 })?;
        let mut total = 0.0;
        let mut found_media = false;
        for _ in 0..n {
            let (dur, time) = if v == 1 {
                (e.u64()?, e.u64()? as i64)
            } else {
                (u64::from(e.u32()?), i64::from(e.i32()?))
            };
            e.skip(4)?;
            let dur_s = if movie_timescale > 0 {
                dur as f64 / f64::from(movie_timescale)
            } else {
                0.0
            };
            total += dur_s;
            if time == -1 {
                if !found_media {
                    start_delay_s += dur_s;
                }
            } else if !found_media {
                found_media = true;
                media_start = time;
            }
        }
        if total > 0.0 {
            edit_duration_s = Some(total);
        }
    }
    let media_duration_s = match (samples.first(), samples.last()) {
        (Some(first), Some(last)) => {
            let next = samples.get(1).map_or(0, |s| s.dts - first.dts);
            let end = samples
                .iter()
                .map(|s| s.pts)
                .max()
                .unwrap_or(last.pts)
                .saturating_add(next.max(0));
            (end - media_start).max(0) as f64 / f64::from(timescale) + start_delay_s
        }
        _ => 0.0,
    };
    Ok(Some(VideoTrack {
        timescale,
        entry,
        samples,
        rotation,
        media_start,
        start_delay_s,
        duration_s: edit_duration_s.unwrap_or(media_duration_s),
        fragmented,
    }))
}

/// Clockwise display rotation from the track header's matrix.
fn rotation_from_tkhd(tkhd: &[u8]) -> Result<u32, Detail> {
    let mut b = Buf::new(tkhd, "tkhd");
    let (v, _) = b.full_box()?;
    // times, track id, reserved, duration
    b.skip(if v == 1 { 32 } else { 20 })?;
    // reserved(8) layer(2) alternate group(2) volume(2) reserved(2)
    b.skip(16)?;
    let a = f64::from(b.i32()?) / 65536.0;
    let bb = f64::from(b.i32()?) / 65536.0;
    Ok(rotation_from_matrix(a, bb))
}

/// The matrix maps (x, y) to (a x + c y, b x + d y); with y pointing down, the
/// angle of the image of the x axis, atan2(b, a), is the clockwise rotation.
pub(crate) fn rotation_from_matrix(a: f64, b: f64) -> u32 {
    if a.abs() < 1e-9 && b.abs() < 1e-9 {
        return 0;
    }
    let deg = b.atan2(a).to_degrees();
    let quarter = (deg / 90.0).round();
    if (deg - quarter * 90.0).abs() > 1.0 {
        return 0; // not a quarter turn: leave the picture as coded
    }
    (quarter as i64).rem_euclid(4) as u32 * 90
}

fn read_stsd(stsd: &[u8]) -> Result<SampleEntry, Detail> {
    let mut b = Buf::new(stsd, "stsd");
    b.full_box()?;
    if b.u32()? == 0 {
        return Err("the video track describes no codec ('stsd' is empty)".into());
    }
    let entries = children(&stsd[8..])?;
    let (fourcc, body) = entries
        .first()
        .copied()
        .ok_or("the video track's codec description is missing")?;
    // Visual sample entry: reserved(6) data ref(2) pre-defined and reserved(16),
    // width(2) height(2), resolution(8) reserved(4) frame count(2) name(32)
    // depth(2) pre-defined(2) = 78 bytes, then codec boxes.
    let mut e = Buf::new(body, "stsd");
    e.skip(24)?;
    let width = e.u16()?;
    let height = e.u16()?;
    let avcc = if body.len() > 78 {
        child(&body[78..], b"avcC")?.map(<[u8]>::to_vec)
    } else {
        None
    };
    Ok(SampleEntry {
        fourcc,
        width,
        height,
        avcc,
    })
}

/// Build the sample table from stsz/stz2, stco/co64, stsc, stts, ctts and stss.
/// Every sample takes at least a byte of the file's `file_len`, so a table
/// claiming more is refused before anything is allocated for it.
fn read_samples(stbl: &[u8], file_len: u64) -> Result<Vec<Sample>, Detail> {
    let boxes = children(stbl)?;
    let find = |k: &[u8; 4]| boxes.iter().find(|(kind, _)| kind == k).map(|(_, b)| *b);

    // Sizes.
    let sizes: Vec<u32> = if let Some(stsz) = find(b"stsz") {
        let mut b = Buf::new(stsz, "stsz");
        b.full_box()?;
        let fixed = b.u32()?;
        let count = u64::from(b.u32()?);
        check_count(count)?;
        let claimed = count.saturating_mul(u64::from(fixed.max(1)));
        if claimed > file_len {
            return Err(format!(
                "the video track claims {count} frames of {} bytes, more than the file's {file_len} bytes",
                fixed.max(1)
            ));
        }
        if fixed != 0 {
            vec![fixed; count as usize]
        } else {
            let n = b.check_table(count, 4)?;
            (0..n).map(|_| b.u32()).collect::<Result<_, _>>()?
        }
    } else if let Some(stz2) = find(b"stz2") {
        let mut b = Buf::new(stz2, "stz2");
        b.full_box()?;
        b.skip(3)?;
        let field = b.u8()?;
        let count = u64::from(b.u32()?);
        check_count(count)?;
        match field {
            16 => {
                let n = b.check_table(count, 2)?;
                (0..n)
                    .map(|_| b.u16().map(u32::from))
                    .collect::<Result<_, _>>()?
            }
            8 => {
                let n = b.check_table(count, 1)?;
                (0..n)
                    .map(|_| b.u8().map(u32::from))
                    .collect::<Result<_, _>>()?
            }
            4 => {
                let n = b.check_table(count.div_ceil(2), 1)?;
                let bytes = b.take(n)?;
                (0..count as usize)
                    .map(|i| {
                        u32::from(if i % 2 == 0 {
                            bytes[i / 2] >> 4
                        } else {
                            bytes[i / 2] & 15
                        })
                    })
                    .collect()
            }
            _ => return Err(format!("the 'stz2' box has an invalid field size {field}")),
        }
    } else {
        return Err("the video track has no sample sizes ('stsz' box)".into());
    };
    let count = sizes.len();
    if count == 0 {
        return Ok(Vec::new());
    }

    // Chunk offsets.
    let chunk_offsets: Vec<u64> = if let Some(stco) = find(b"stco") {
        let mut b = Buf::new(stco, "stco");
        b.full_box()?;
        let n = b.table(4)?;
        (0..n)
            .map(|_| b.u32().map(u64::from))
            .collect::<Result<_, _>>()?
    } else if let Some(co64) = find(b"co64") {
        let mut b = Buf::new(co64, "co64");
        b.full_box()?;
        let n = b.table(8)?;
        (0..n).map(|_| b.u64()).collect::<Result<_, _>>()?
    } else {
        return Err("the video track has no chunk offsets ('stco' box)".into());
    };

    // Samples per chunk: runs of (first chunk, samples per chunk).
    let stsc = find(b"stsc").ok_or("the video track has no 'stsc' box")?;
    let mut b = Buf::new(stsc, "stsc");
    b.full_box()?;
    let n = b.table(12)?;
    let mut runs = Vec::with_capacity(n);
    for _ in 0..n {
        let first = b.u32()?;
        let per = b.u32()?;
        b.skip(4)?;
        runs.push((first, per));
    }
    let mut offsets = Vec::with_capacity(count);
    'chunks: for (ci, &chunk_offset) in chunk_offsets.iter().enumerate() {
        let chunk_no = ci as u64 + 1;
        let per = runs
            .iter()
            .rev()
            .find(|(first, _)| u64::from(*first) <= chunk_no)
            .map_or(0, |r| r.1);
        let mut off = chunk_offset;
        for _ in 0..per {
            if offsets.len() == count {
                break 'chunks;
            }
            offsets.push(off);
            off = off.saturating_add(u64::from(sizes[offsets.len() - 1]));
        }
    }
    if offsets.len() < count {
        return Err(format!(
            "the sample table is inconsistent: {count} frames but the chunks hold only {}",
            offsets.len()
        ));
    }

    // Decode times.
    let mut deltas = Vec::with_capacity(count);
    if let Some(stts) = find(b"stts") {
        let mut b = Buf::new(stts, "stts");
        b.full_box()?;
        let n = b.table(8)?;
        for _ in 0..n {
            let runs = b.u32()? as usize;
            let delta = b.u32()?;
            let take = runs.min(count - deltas.len());
            deltas.extend(std::iter::repeat_n(delta, take));
            if deltas.len() == count {
                break;
            }
        }
    }
    // A short table is stretched with its last delta, as players do.
    let last = deltas.last().copied().unwrap_or(1);
    deltas.resize(count, last);

    // Composition offsets (B-frames).
    let mut cts = Vec::new();
    if let Some(ctts) = find(b"ctts") {
        let mut b = Buf::new(ctts, "ctts");
        b.full_box()?;
        let n = b.table(8)?;
        for _ in 0..n {
            let runs = b.u32()? as usize;
            // Version 0 is unsigned on paper, but writers store negative values there too.
            let off = b.i32()?;
            let take = runs.min(count - cts.len());
            cts.extend(std::iter::repeat_n(off, take));
            if cts.len() == count {
                break;
            }
        }
    }
    cts.resize(count, 0);

    // Key frames (1-based sample numbers); without the box every frame is one.
    let sync: Option<Vec<bool>> = match find(b"stss") {
        Some(stss) => {
            let mut b = Buf::new(stss, "stss");
            b.full_box()?;
            let n = b.table(4)?;
            let mut v = vec![false; count];
            for _ in 0..n {
                let i = b.u32()? as usize;
                if (1..=count).contains(&i) {
                    v[i - 1] = true;
                }
            }
            Some(v)
        }
        None => None,
    };

    let mut dts = 0i64;
    let mut out = Vec::with_capacity(count);
    for i in 0..count {
        out.push(Sample {
            offset: offsets[i],
            size: sizes[i],
            dts,
            pts: dts + i64::from(cts[i]),
            sync: sync.as_ref().is_none_or(|v| v[i]),
        });
        dts += i64::from(deltas[i]);
    }
    Ok(out)
}

fn check_count(count: u64) -> Result<(), Detail> {
    if count > MAX_SAMPLES {
        Err(format!(
            "the video track claims {count} frames, more than the {MAX_SAMPLES} Janu accepts"
        ))
    } else {
        Ok(())
    }
}

/// Convert an `avcC` record to Annex B parameter sets plus the NAL length size.
pub(crate) fn parse_avcc(avcc: &[u8]) -> Result<(Vec<u8>, usize), Detail> {
    let mut b = Buf::new(avcc, "avcC");
    b.skip(4)?;
    let length_size = usize::from(b.u8()? & 3) + 1;
    if length_size == 3 {
        return Err("the H.264 setup ('avcC') has an invalid NAL length size of 3".into());
    }
    let mut annexb = Vec::new();
    let sps = b.u8()? & 0x1F;
    for _ in 0..sps {
        let n = usize::from(b.u16()?);
        annexb.extend_from_slice(&[0, 0, 0, 1]);
        annexb.extend_from_slice(b.take(n)?);
    }
    let pps = b.u8()?;
    for _ in 0..pps {
        let n = usize::from(b.u16()?);
        annexb.extend_from_slice(&[0, 0, 0, 1]);
        annexb.extend_from_slice(b.take(n)?);
    }
    Ok((annexb, length_size))
}

/// Rewrite one sample of length-prefixed NAL units as Annex B (start codes) into `out`.
pub(crate) fn sample_to_annexb(
    sample: &[u8],
    length_size: usize,
    out: &mut Vec<u8>,
) -> Result<(), Detail> {
    out.clear();
    let mut pos = 0usize;
    while pos < sample.len() {
        let Some(len_bytes) = sample.get(pos..pos + length_size) else {
            return Err("a NAL unit header is cut short".into());
        };
        let len = len_bytes
            .iter()
            .fold(0usize, |acc, &b| acc << 8 | usize::from(b));
        pos += length_size;
        let Some(nal) = sample.get(pos..pos + len) else {
            return Err(format!(
                "a NAL unit claims {len} bytes but only {} are left in the frame",
                sample.len() - pos
            ));
        };
        out.extend_from_slice(&[0, 0, 0, 1]);
        out.extend_from_slice(nal);
        pos += len;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn matrix_rotation() {
        assert_eq!(rotation_from_matrix(1.0, 0.0), 0);
        assert_eq!(rotation_from_matrix(0.0, 1.0), 90);
        assert_eq!(rotation_from_matrix(-1.0, 0.0), 180);
        assert_eq!(rotation_from_matrix(0.0, -1.0), 270);
        assert_eq!(rotation_from_matrix(0.7, 0.7), 0);
    }

    #[test]
    fn annexb_conversion_checks_lengths() {
        let mut out = Vec::new();
        sample_to_annexb(&[0, 0, 0, 2, 0x65, 0x88, 0, 0, 0, 1, 0x41], 4, &mut out).unwrap();
        assert_eq!(out, [0, 0, 0, 1, 0x65, 0x88, 0, 0, 0, 1, 0x41]);
        assert!(sample_to_annexb(&[0, 0, 0, 9, 0x65], 4, &mut out).is_err());
        assert!(sample_to_annexb(&[0, 0], 4, &mut out).is_err());
    }

    fn mp4_box(kind: &[u8; 4], body: &[u8]) -> Vec<u8> {
        let mut out = u32::try_from(body.len() + 8)
            .unwrap()
            .to_be_bytes()
            .to_vec();
        out.extend_from_slice(kind);
        out.extend_from_slice(body);
        out
    }

    #[test]
    fn a_few_bytes_cannot_claim_millions_of_frames() {
        // stsz: version and flags, one size for every sample, 9 million samples.
        let mut stsz = vec![0u8; 4];
        stsz.extend_from_slice(&100u32.to_be_bytes());
        stsz.extend_from_slice(&9_000_000u32.to_be_bytes());
        let stbl = mp4_box(b"stsz", &stsz);
        let err = read_samples(&stbl, 300).unwrap_err();
        assert!(
            err.contains("9000000 frames") && err.contains("300 bytes"),
            "{err}"
        );
    }

    #[test]
    fn children_refuse_oversized_boxes() {
        let data = [0, 0, 0, 50, b'f', b'r', b'e', b'e', 0, 0];
        assert!(children(&data).is_err());
        let ok = [0, 0, 0, 10, b'f', b'r', b'e', b'e', 1, 2];
        let c = children(&ok).unwrap();
        assert_eq!(c[0].0, *b"free");
        assert_eq!(c[0].1, &[1, 2]);
    }
}
