//! Helpers for the live-coaching tests: camera-like frames from a real photo
//! (a slow zoom, so tracking has something to follow), JPEG and Y4M writers,
//! and a small WebSocket client speaking `docs/live-protocol.md`.

#![allow(dead_code)]

use std::io::Write;
use std::path::Path;
use std::time::Duration;

use futures_util::{SinkExt, StreamExt};
use image::imageops::FilterType;
use image::{RgbImage, imageops};
use janu_server::live::protocol::{FrameHeader, frame_header};
use tokio_tungstenite::tungstenite::Message;
use tokio_tungstenite::tungstenite::client::IntoClientRequest;

/// A real photo of a head-to-knee pose (revolved form) from the shared data.
pub const PHOTO: &str = "parivrtta_janu_sirsasana/app_src_main_res_drawable_janu_sirsasana.jpg";
/// Largest extra zoom of the generated frames (5 %): the picture moves a
/// little, as a person breathing in front of a camera does.
pub const MAX_ZOOM: f64 = 0.05;

/// `count` frames of `width` x `height` from `photo`: the photo fitted into
/// the frame (dark borders), zooming slowly in and out.
pub fn zoom_frames(photo: &Path, count: usize, width: u32, height: u32) -> Vec<RgbImage> {
    let src = janu_media::read_image(photo).expect("reading the photo");
    let (pw, ph) = (f64::from(src.width()), f64::from(src.height()));
    let fit = (f64::from(width) / pw).min(f64::from(height) / ph);
    (0..count)
        .map(|i| {
            let phase = i as f64 / 45.0 * std::f64::consts::TAU;
            let zoom = 1.0 + MAX_ZOOM * 0.5 * (1.0 - phase.cos());
            // The part of the photo shown: centred, shrinking as the zoom grows.
            let (cw, ch) = (pw / zoom, ph / zoom);
            let (cx, cy) = ((pw - cw) / 2.0, (ph - ch) / 2.0);
            let crop = imageops::crop_imm(
                &src,
                cx.round() as u32,
                cy.round() as u32,
                cw.round() as u32,
                ch.round() as u32,
            )
            .to_image();
            let (sw, sh) = ((pw * fit).round() as u32, (ph * fit).round() as u32);
            let scaled = imageops::resize(&crop, sw.max(1), sh.max(1), FilterType::Triangle);
            let mut frame = RgbImage::from_pixel(width, height, image::Rgb([20, 20, 20]));
            imageops::overlay(
                &mut frame,
                &scaled,
                i64::from((width - sw.min(width)) / 2),
                i64::from((height - sh.min(height)) / 2),
            );
            frame
        })
        .collect()
}

/// A JPEG of `img` at `quality` (1-100).
pub fn jpeg(img: &RgbImage, quality: u8) -> Vec<u8> {
    let mut out = Vec::new();
    image::codecs::jpeg::JpegEncoder::new_with_quality(&mut out, quality)
        .encode_image(img)
        .expect("encoding a JPEG");
    out
}

/// Write `frames` as a YUV4MPEG2 (4:2:0, BT.601 full range as Chromium reads
/// it) file, the format Chromium's fake camera plays in a loop.
pub fn write_y4m(path: &Path, frames: &[RgbImage], fps: u32) {
    let (w, h) = frames[0].dimensions();
    assert!(w % 2 == 0 && h % 2 == 0, "Y4M 4:2:0 needs even sizes");
    let mut out = std::io::BufWriter::new(std::fs::File::create(path).expect("creating the y4m"));
    writeln!(out, "YUV4MPEG2 W{w} H{h} F{fps}:1 Ip A1:1 C420jpeg").unwrap();
    let clamp = |v: f64| v.round().clamp(0.0, 255.0) as u8;
    for f in frames {
        out.write_all(b"FRAME\n").unwrap();
        let mut y = Vec::with_capacity((w * h) as usize);
        for p in f.pixels() {
            let [r, g, b] = p.0.map(f64::from);
            y.push(clamp(0.299 * r + 0.587 * g + 0.114 * b));
        }
        let (cw, ch) = (w / 2, h / 2);
        let mut u = Vec::with_capacity((cw * ch) as usize);
        let mut v = Vec::with_capacity((cw * ch) as usize);
        for cy in 0..ch {
            for cx in 0..cw {
                let (mut r, mut g, mut b) = (0.0, 0.0, 0.0);
                for (dx, dy) in [(0, 0), (1, 0), (0, 1), (1, 1)] {
                    let p = f.get_pixel(2 * cx + dx, 2 * cy + dy).0;
                    r += f64::from(p[0]) / 4.0;
                    g += f64::from(p[1]) / 4.0;
                    b += f64::from(p[2]) / 4.0;
                }
                u.push(clamp(128.0 - 0.168_736 * r - 0.331_264 * g + 0.5 * b));
                v.push(clamp(128.0 + 0.5 * r - 0.418_688 * g - 0.081_312 * b));
            }
        }
        out.write_all(&y).unwrap();
        out.write_all(&u).unwrap();
        out.write_all(&v).unwrap();
    }
    out.flush().unwrap();
}

/// A live-coaching client over a real WebSocket.
pub struct LiveClient {
    ws: tokio_tungstenite::WebSocketStream<
        tokio_tungstenite::MaybeTlsStream<tokio::net::TcpStream>,
    >,
}

impl LiveClient {
    /// Connect to `base` (`http://127.0.0.1:PORT`) with an API token (or as
    /// nobody).
    pub async fn connect(
        base: &str,
        token: Option<&str>,
    ) -> Result<Self, tokio_tungstenite::tungstenite::Error> {
        let url = format!("{}/api/live", base.replacen("http://", "ws://", 1));
        let mut req = url.into_client_request()?;
        if let Some(t) = token {
            req.headers_mut().insert(
                "authorization",
                format!("Bearer {t}").parse().expect("a header value"),
            );
        }
        let (ws, _) = tokio_tungstenite::connect_async(req).await?;
        Ok(Self { ws })
    }

    /// Send a JSON control message.
    pub async fn send_json(&mut self, json: &str) {
        self.ws
            .send(Message::Text(json.into()))
            .await
            .expect("sending a message");
    }

    /// Send raw bytes as a binary message.
    pub async fn send_bytes(&mut self, bytes: Vec<u8>) {
        self.ws
            .send(Message::Binary(bytes.into()))
            .await
            .expect("sending a frame");
    }

    /// Send one frame: the header and a JPEG.
    pub async fn send_frame(&mut self, id: u32, captured_ms: f64, mirrored: bool, jpeg: &[u8]) {
        let mut bytes = frame_header(&FrameHeader {
            id,
            captured_ms,
            mirrored,
        })
        .to_vec();
        bytes.extend_from_slice(jpeg);
        self.send_bytes(bytes).await;
    }

    /// The next text message as JSON, `None` when the server closed (or
    /// nothing came within `wait`).
    pub async fn next(&mut self, wait: Duration) -> Option<serde_json::Value> {
        loop {
            let msg = tokio::time::timeout(wait, self.ws.next()).await.ok()??;
            match msg {
                Ok(Message::Text(t)) => {
                    return Some(serde_json::from_str(t.as_str()).expect("server JSON"));
                }
                Ok(Message::Close(_)) | Err(_) => return None,
                Ok(_) => {}
            }
        }
    }

    /// Messages until one of `kind` arrives (returned last), or the end.
    pub async fn until(&mut self, kind: &str, wait: Duration) -> Vec<serde_json::Value> {
        let mut out = Vec::new();
        while let Some(m) = self.next(wait).await {
            let done = m["type"] == kind;
            out.push(m);
            if done {
                break;
            }
        }
        out
    }

    /// Close the connection from the client's side.
    pub async fn close(mut self) {
        let _ = self.ws.close(None).await;
    }
}
