//! Building the boxes of a single-track H.264 MP4 file.

/// Media timescale of written videos: 90 kHz divides the frame durations of all
/// common rates exactly (30 -> 3000, 29.97 -> 3003, 25 -> 3600, 24 -> 3750, 60 -> 1500).
pub const WRITE_TIMESCALE: u32 = 90_000;

/// Movie timescale (mvhd, tkhd, elst): milliseconds, as most writers use.
const MOVIE_TIMESCALE: u32 = 1000;

/// The track to describe in `moov`.
#[derive(Debug, Clone)]
pub(crate) struct MuxTrack {
    pub width: u32,
    pub height: u32,
    /// Duration of every sample in [`WRITE_TIMESCALE`] units.
    pub sample_delta: u32,
    /// Clockwise display rotation written into the track matrix.
    pub rotation: u32,
    pub sps: Vec<u8>,
    pub pps: Vec<u8>,
    pub sizes: Vec<u32>,
    /// 1-based numbers of key frames.
    pub sync: Vec<u32>,
}

fn boxed(kind: &[u8; 4], body: &[u8]) -> Vec<u8> {
    let mut out = Vec::with_capacity(body.len() + 8);
    out.extend_from_slice(&((body.len() + 8) as u32).to_be_bytes());
    out.extend_from_slice(kind);
    out.extend_from_slice(body);
    out
}

fn full_boxed(kind: &[u8; 4], version: u8, flags: u32, body: &[u8]) -> Vec<u8> {
    let mut b = Vec::with_capacity(body.len() + 4);
    b.extend_from_slice(&((u32::from(version) << 24) | (flags & 0x00FF_FFFF)).to_be_bytes());
    b.extend_from_slice(body);
    boxed(kind, &b)
}

trait Put {
    fn u16(&mut self, v: u16);
    fn u32(&mut self, v: u32);
    fn i32(&mut self, v: i32);
    fn u64(&mut self, v: u64);
}

impl Put for Vec<u8> {
    fn u16(&mut self, v: u16) {
        self.extend_from_slice(&v.to_be_bytes());
    }
    fn u32(&mut self, v: u32) {
        self.extend_from_slice(&v.to_be_bytes());
    }
    fn i32(&mut self, v: i32) {
        self.extend_from_slice(&v.to_be_bytes());
    }
    fn u64(&mut self, v: u64) {
        self.extend_from_slice(&v.to_be_bytes());
    }
}

/// The `ftyp` box.
pub(crate) fn ftyp() -> Vec<u8> {
    let mut b = Vec::new();
    b.extend_from_slice(b"isom");
    b.u32(0x200);
    for brand in [b"isom", b"iso2", b"avc1", b"mp41"] {
        b.extend_from_slice(brand);
    }
    boxed(b"ftyp", &b)
}

/// The 3 x 3 matrix for a clockwise rotation, in the file's fixed-point layout.
fn matrix(rotation: u32, b: &mut Vec<u8>) {
    const ONE: i32 = 0x0001_0000;
    let (cos, sin) = match rotation % 360 {
        90 => (0, ONE),
        180 => (-ONE, 0),
        270 => (0, -ONE),
        _ => (ONE, 0),
    };
    for v in [cos, sin, 0, -sin, cos, 0, 0, 0, 0x4000_0000] {
        b.i32(v);
    }
}

/// The `moov` box; `first_offset` is the file offset of the first sample, the
/// rest follow back to back (one chunk per sample).
pub(crate) fn moov(t: &MuxTrack, first_offset: u64) -> Vec<u8> {
    let count = t.sizes.len() as u64;
    let media_duration = count * u64::from(t.sample_delta);
    let movie_duration =
        (media_duration * u64::from(MOVIE_TIMESCALE)).div_ceil(u64::from(WRITE_TIMESCALE));
    let movie_duration = u32::try_from(movie_duration).unwrap_or(u32::MAX);

    let mut mvhd = Vec::new();
    mvhd.u32(0); // creation time: fixed, so the same input gives the same bytes
    mvhd.u32(0); // modification time
    mvhd.u32(MOVIE_TIMESCALE);
    mvhd.u32(movie_duration);
    mvhd.u32(0x0001_0000); // rate 1.0
    mvhd.u16(0x0100); // volume 1.0
    mvhd.extend_from_slice(&[0; 10]);
    matrix(0, &mut mvhd);
    mvhd.extend_from_slice(&[0; 24]);
    mvhd.u32(2); // next track id

    let mut tkhd = Vec::new();
    tkhd.u32(0);
    tkhd.u32(0);
    tkhd.u32(1); // track id
    tkhd.u32(0);
    tkhd.u32(movie_duration);
    tkhd.extend_from_slice(&[0; 8]);
    tkhd.u16(0); // layer
    tkhd.u16(0); // alternate group
    tkhd.u16(0); // volume: video
    tkhd.u16(0);
    matrix(t.rotation, &mut tkhd);
    tkhd.u32(t.width << 16);
    tkhd.u32(t.height << 16);

    let mut mdhd = Vec::new();
    mdhd.u32(0);
    mdhd.u32(0);
    mdhd.u32(WRITE_TIMESCALE);
    mdhd.u32(u32::try_from(media_duration).unwrap_or(u32::MAX));
    mdhd.u16(0x55C4); // language "und"
    mdhd.u16(0);

    let mut hdlr = Vec::new();
    hdlr.u32(0);
    hdlr.extend_from_slice(b"vide");
    hdlr.extend_from_slice(&[0; 12]);
    hdlr.extend_from_slice(b"VideoHandler\0");

    let mut vmhd = Vec::new();
    vmhd.extend_from_slice(&[0; 8]);

    let url = full_boxed(b"url ", 0, 1, &[]);
    let mut dref = Vec::new();
    dref.u32(1);
    dref.extend_from_slice(&url);
    let dinf = boxed(b"dinf", &full_boxed(b"dref", 0, 0, &dref));

    let stbl = boxed(
        b"stbl",
        &[
            stsd(t),
            stts(t),
            stss(t),
            stsc(),
            stsz(t),
            stco(t, first_offset),
        ]
        .concat(),
    );
    let minf = boxed(
        b"minf",
        &[full_boxed(b"vmhd", 0, 1, &vmhd), dinf, stbl].concat(),
    );
    let mdia = boxed(
        b"mdia",
        &[
            full_boxed(b"mdhd", 0, 0, &mdhd),
            full_boxed(b"hdlr", 0, 0, &hdlr),
            minf,
        ]
        .concat(),
    );
    let trak = boxed(b"trak", &[full_boxed(b"tkhd", 0, 3, &tkhd), mdia].concat());
    boxed(b"moov", &[full_boxed(b"mvhd", 0, 0, &mvhd), trak].concat())
}

fn stsd(t: &MuxTrack) -> Vec<u8> {
    let mut avcc = vec![
        1,
        t.sps.get(1).copied().unwrap_or(66),
        t.sps.get(2).copied().unwrap_or(0),
    ];
    avcc.push(t.sps.get(3).copied().unwrap_or(30));
    avcc.push(0xFF); // 4-byte NAL lengths
    avcc.push(0xE1); // one SPS
    avcc.u16(t.sps.len() as u16);
    avcc.extend_from_slice(&t.sps);
    avcc.push(1); // one PPS
    avcc.u16(t.pps.len() as u16);
    avcc.extend_from_slice(&t.pps);

    let mut avc1 = Vec::new();
    avc1.extend_from_slice(&[0; 6]);
    avc1.u16(1); // data reference index
    avc1.extend_from_slice(&[0; 16]);
    avc1.u16(t.width as u16);
    avc1.u16(t.height as u16);
    avc1.u32(0x0048_0000); // 72 dpi
    avc1.u32(0x0048_0000);
    avc1.u32(0);
    avc1.u16(1); // frames per sample
    let mut name = [0u8; 32];
    let label = b"janu openh264";
    name[0] = label.len() as u8;
    name[1..=label.len()].copy_from_slice(label);
    avc1.extend_from_slice(&name);
    avc1.u16(0x0018); // depth
    avc1.extend_from_slice(&(-1i16).to_be_bytes());
    avc1.extend_from_slice(&boxed(b"avcC", &avcc));

    let mut b = Vec::new();
    b.u32(1);
    b.extend_from_slice(&boxed(b"avc1", &avc1));
    full_boxed(b"stsd", 0, 0, &b)
}

fn stts(t: &MuxTrack) -> Vec<u8> {
    let mut b = Vec::new();
    if t.sizes.is_empty() {
        b.u32(0);
    } else {
        b.u32(1);
        b.u32(t.sizes.len() as u32);
        b.u32(t.sample_delta);
    }
    full_boxed(b"stts", 0, 0, &b)
}

fn stss(t: &MuxTrack) -> Vec<u8> {
    let mut b = Vec::new();
    b.u32(t.sync.len() as u32);
    for &s in &t.sync {
        b.u32(s);
    }
    full_boxed(b"stss", 0, 0, &b)
}

fn stsc() -> Vec<u8> {
    let mut b = Vec::new();
    b.u32(1);
    b.u32(1); // from chunk 1 on
    b.u32(1); // one sample per chunk
    b.u32(1); // sample description 1
    full_boxed(b"stsc", 0, 0, &b)
}

fn stsz(t: &MuxTrack) -> Vec<u8> {
    let mut b = Vec::new();
    b.u32(0);
    b.u32(t.sizes.len() as u32);
    for &s in &t.sizes {
        b.u32(s);
    }
    full_boxed(b"stsz", 0, 0, &b)
}

fn stco(t: &MuxTrack, first_offset: u64) -> Vec<u8> {
    let total: u64 = t.sizes.iter().map(|&s| u64::from(s)).sum();
    let wide = first_offset + total > u64::from(u32::MAX);
    let mut b = Vec::new();
    b.u32(t.sizes.len() as u32);
    let mut off = first_offset;
    for &s in &t.sizes {
        if wide {
            b.u64(off);
        } else {
            b.u32(off as u32);
        }
        off += u64::from(s);
    }
    full_boxed(if wide { b"co64" } else { b"stco" }, 0, 0, &b)
}
