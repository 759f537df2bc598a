//! Live coaching: the `/live` page and the `/api/live` WebSocket.
//!
//! The page takes the webcam, sends about [`SUGGESTED_FPS`] small JPEG frames a
//! second over the WebSocket, and shows and speaks what comes back. On the
//! server each connection has a worker thread ([`worker`]) with a pose
//! estimator leased from a small pool and a
//! [`LiveCoach`](janu_analysis::live::LiveCoach); only the newest waiting frame
//! is kept, so a slow server drops frames (and says how many) instead of
//! falling behind. `stop` analyses the whole session and saves it to the
//! history in one transaction as a `live` session.
//!
//! The messages are described in [`protocol`] and in `docs/live-protocol.md`.
//!
//! [`crate::app`] merges [`router`], and `crate::assets` serves [`ASSETS`]
//! under `/assets/`.

pub mod device;
pub mod protocol;
pub mod worker;

use std::sync::Arc;
use std::time::{Duration, Instant};

use axum::extract::DefaultBodyLimit;
use axum::extract::State;
use axum::extract::ws::rejection::WebSocketUpgradeRejection;
use axum::extract::ws::{CloseFrame, Message, WebSocket, WebSocketUpgrade, close_code};
use axum::http::StatusCode;
use axum::response::{Html, IntoResponse, Response};
use axum::routing::{get, post};
use axum::{Extension, Json, Router};
use janu_body::{Landmark, SKELETON};
use janu_store::User;
use maud::{Markup, html};
use tokio::sync::mpsc;

use crate::assets::{CSS, JAVASCRIPT, asset};
use crate::html::{page, sign_in_href};
use crate::user::MaybeUser;
use crate::{AppState, Asset, ServerError};
use protocol::{
    ClientMessage, FRAME_HEADER_BYTES, Feedback, ServerMessage, Summary, SummaryFinding, Timing,
    parse_frame,
};
use worker::{Control, EstimatorPool, Incoming, Slot, Worker};

/// Largest picture accepted in one frame, bytes: a 640 x 480 JPEG at the page's
/// quality is 20-60 KB, a 1280 x 720 one about 150 KB.
pub const MAX_FRAME_BYTES: usize = 1024 * 1024;
/// Largest picture accepted, pixels (1080p): the model looks at 256 x 256
/// anyway, so bigger pictures only cost decoding time.
pub const MAX_FRAME_PIXELS: u64 = 1920 * 1080;
/// Frames a second accepted from one connection; faster frames are dropped
/// (and counted): the model cannot use more, and a client must not be able to
/// make the server decode without limit.
pub const MAX_FPS: f64 = 30.0;
/// Frames a second the page sends: breath and phases are slow (see the upload
/// analysis's 15 fps), and 15 leaves the server room on 2 cores.
pub const SUGGESTED_FPS: f64 = 15.0;
/// Width the page scales its pictures to, pixels: enough for the 224-pixel
/// detector and the 256-pixel landmark crop of a person filling part of the
/// picture, small to send and to decode.
pub const SUGGESTED_WIDTH: u32 = 480;
/// A connection without any message for this long is closed (and its session
/// saved when worth it), seconds.
pub const IDLE_TIMEOUT_S: u64 = 30;
/// Messages waiting to be written to one socket: a client that does not read
/// makes the worker wait, never the memory grow.
pub const OUT_QUEUE: usize = 4;

/// Files of the live page, served under `/assets/`.
pub const ASSETS: &[Asset] = &[
    asset!("live.js", JAVASCRIPT),
    asset!("live-worker.js", JAVASCRIPT),
    asset!("live.css", CSS),
];

/// The routes of live coaching: the page and the WebSocket. Each app gets its
/// own pool of live pose estimators.
pub fn router() -> Router<AppState> {
    let pool = Arc::new(EstimatorPool::default());
    let models = Arc::new(device::DeviceModels::default());
    Router::new()
        .route("/live", get(live_page))
        .route("/api/live", get(live_socket))
        .route(
            "/api/live/sessions",
            post(device::save_session).layer(DefaultBodyLimit::max(device::MAX_SAVE_BYTES + 1)),
        )
        .route("/web/{hash}/{file}", get(device::web_file))
        .route("/models/{sha}/{file}", get(device::model_file))
        .route("/sw.js", get(device::service_worker))
        .route("/manifest.webmanifest", get(device::manifest))
        .layer(Extension(pool))
        .layer(Extension(models))
}

/// `[[a, b, "l"|"r"|"c"], ...]`: the skeleton's bones by landmark index, with
/// the person's side they belong to (for colours).
fn skeleton_json() -> String {
    let side = |lm: Landmark| {
        let n = lm.name();
        if n.starts_with("left") {
            'l'
        } else if n.starts_with("right") {
            'r'
        } else {
            'c'
        }
    };
    let bones: Vec<String> = SKELETON
        .iter()
        .map(|(a, b)| {
            let s = if side(*a) == side(*b) { side(*a) } else { 'c' };
            format!("[{},{},\"{s}\"]", a.index(), b.index())
        })
        .collect();
    format!("[{}]", bones.join(","))
}

/// What lets the page run the model on the device: the engine's and the
/// models' URLs, for its `data-` attributes.
struct OnDevice {
    engine: String,
    detector: String,
    landmark: String,
    model_bytes: u64,
    size: janu_vision::ModelSize,
}

/// What the page needs to run the model on the device; `None` when this
/// binary has no engine or the models cannot be had (the page then uses the
/// server).
async fn on_device(
    models: &Arc<device::DeviceModels>,
    size: janu_vision::ModelSize,
) -> Option<OnDevice> {
    let engine = device::engine()?;
    let (detector, landmark) = models.for_page(size).await?;
    Some(OnDevice {
        engine: format!("/web/{}/janu_web.js", engine.hash),
        model_bytes: detector.bytes + landmark.bytes,
        detector: detector.url,
        landmark: landmark.url,
        size,
    })
}

/// How to set up the camera and what happens to its pictures.
fn setting_up() -> Markup {
    html! {
        details.card {
            summary { "Setting up" }
            ul {
                li {
                    "Put the camera at the front-diagonal of the foot you will stretch out: about \
                     45° between facing your soles and facing your side, at hip height, 2-3 m away. Both \
                     legs must stay in view, or Janu cannot tell a bent knee from a hidden one."
                }
                li { "Sit on your mat in Dandasana, the whole body in the picture, then press Start." }
                li {
                    "Janu names the pose and the extended leg, times your hold, counts your breaths \
                     and speaks a cue now and then. Press Stop when you are done: the session is \
                     analysed and saved to your history."
                }
                li {
                    "Where your browser can, the pose model runs on this device and the camera's \
                     pictures never leave it; otherwise they go only to this Janu server, are analysed as \
                     they arrive, and are not stored. Either way only the landmarks and the report are \
                     kept. After the first visit the page and the model work offline; save when you are \
                     back online."
                }
            }
        }
    }
}

async fn live_page(
    State(state): State<AppState>,
    Extension(models): Extension<Arc<device::DeviceModels>>,
    MaybeUser(user): MaybeUser,
) -> Html<String> {
    let Some(u) = user else {
        let body = html! {
            h1 { "Live coaching" }
            p.lead {
                "Practise in front of your webcam and \
                 hear what your body is doing, cue by cue."
            }
            p class="card notice" id="signin-first" {
                a href=(sign_in_href("/live")) { "Sign in" }
                " to start: your live sessions are saved to your history."
            }
            (setting_up())
        };
        return page("Live coaching", "/live", None, &body);
    };
    let device = on_device(&models, state.settings().model).await;
    let body = html! {
        h1 { "Live coaching" }
        p.lead {
            "Practise in front of your webcam: Janu watches, times your hold, \
             counts your breaths and speaks a cue now and then."
        }
        div.live id="live" data-fps=(SUGGESTED_FPS) data-width=(SUGGESTED_WIDTH)
            data-max-bytes=(MAX_FRAME_BYTES) data-skeleton=(skeleton_json())
            data-handle=(u.handle)
            data-engine=[device.as_ref().map(|d| &d.engine)]
            data-detector=[device.as_ref().map(|d| &d.detector)]
            data-landmark=[device.as_ref().map(|d| &d.landmark)]
            data-model-bytes=[device.as_ref().map(|d| d.model_bytes)]
            data-model=[device.as_ref().map(|d| d.size)] {
            div class="stage mirror" id="stage" {
                video id="video" playsinline muted {}
                canvas id="overlay" data-testid="overlay" {}
                p class="stage-note" id="camera-off" { "Camera off" }
                p class="stage-note warn" id="nobody" hidden {
                    "I can't see you: come back into the picture."
                }
            }
            aside.panel {
                p class="cue" id="cue" aria-live="polite" data-testid="cue" {
                    "Sit on your mat, whole body in view, and press Start."
                }
                dl.readout {
                    div { dt { "Pose" } dd id="pose" data-testid="pose" { "–" } }
                    div { dt { "Extended leg" } dd id="side" { "–" } }
                    div { dt { "Phase" } dd id="phase" data-testid="phase" { "–" } }
                    div { dt { "Hold" } dd id="hold" class="big" { "0:00" } }
                    div { dt { "Breaths" } dd id="breaths" class="big" { "–" } }
                }
                p class="notice small" id="camera-hint" hidden {}
                div.controls {
                    button id="start" type="button" { "Start" }
                    " "
                    button id="stop" type="button" hidden { "Stop and save" }
                }
                label.check {
                    "Camera "
                    select id="facing" {
                        option value="user" { "front (facing you)" }
                        option value="environment" { "rear" }
                    }
                }
                label.check { input type="checkbox" id="mute"; " Mute the voice" }
                label.check {
                    input type="checkbox" id="mirrored";
                    " My camera mirrors its picture (left and right swapped)"
                }
                p class="small" id="mirror-note" {
                    "The preview is shown like a mirror. Janu reads \
                     left and right from the camera's own picture; tick the box above only if your \
                     camera already flips it."
                }
                p class="small" id="status" data-testid="status" { "Camera off." }
                p class="small" id="engine-mode" data-testid="engine-mode" {}
                p class="small slow" id="slow" data-testid="slow" hidden {}
            }
        }
        p id="live-error" class="error" role="alert" data-testid="live-error" hidden {}
        section id="summary" class="card" data-testid="summary" hidden {}
        (setting_up())
        link rel="stylesheet" href="/assets/live.css";
        script src="/assets/live.js" {}
    };
    page("Live coaching", "/live", Some(&u), &body)
}

/// Live coaching: a WebSocket. Who it is comes from the session cookie (the
/// live page) or `Authorization: Bearer` (programs); the upgrade must come
/// from this server's own pages (the Origin check). See `docs/live-protocol.md` for the messages:
/// text `start` / `settings` / `stop` (JSON), binary frames (a 20-byte header
/// then a JPEG); the server answers `ready`, one `feedback` per frame it
/// analysed (the newest waiting frame is kept, older ones are dropped and
/// counted), `error`, and after `stop` a `summary` naming the saved session.
#[utoipa::path(get, path = "/api/live", tag = "live",
    responses(
        (status = 101, description = "Switching to the WebSocket protocol of docs/live-protocol.md"),
        (status = 401, description = "No user", body = crate::api::ErrorBody),
        (status = 426, description = "Not a WebSocket request", body = crate::api::ErrorBody)))]
pub async fn live_socket(
    State(state): State<AppState>,
    Extension(pool): Extension<Arc<EstimatorPool>>,
    MaybeUser(user): MaybeUser,
    ws: Result<WebSocketUpgrade, WebSocketUpgradeRejection>,
) -> Response {
    let Some(user) = user else {
        return ServerError::Unauthorized(
            "sign in before live coaching: the session cookie, or POST /api/login and send \
             Authorization: Bearer TOKEN"
                .into(),
        )
        .into_response();
    };
    let ws = match ws {
        Ok(ws) => ws,
        Err(e) => {
            return (
                StatusCode::UPGRADE_REQUIRED,
                Json(serde_json::json!({
                    "error": format!("/api/live is a WebSocket: connect with a WebSocket client (docs/live-protocol.md); {e}")
                })),
            )
                .into_response();
        }
    };
    ws.max_message_size(MAX_FRAME_BYTES + FRAME_HEADER_BYTES)
        .max_frame_size(MAX_FRAME_BYTES + FRAME_HEADER_BYTES)
        .on_upgrade(move |socket| connection(socket, state, pool, user.user))
}

async fn send(socket: &mut WebSocket, msg: &ServerMessage) -> bool {
    socket
        .send(Message::Text(msg.to_json().into()))
        .await
        .is_ok()
}

async fn close(socket: &mut WebSocket, code: u16, reason: &'static str) {
    let _ = socket
        .send(Message::Close(Some(CloseFrame {
            code,
            reason: reason.into(),
        })))
        .await;
}

/// What came in on the socket, with the idle timeout.
enum Inbound {
    Text(String),
    Binary(axum::body::Bytes),
    Closed,
    Other,
}

async fn recv(socket: &mut WebSocket) -> Inbound {
    match tokio::time::timeout(Duration::from_secs(IDLE_TIMEOUT_S), socket.recv()).await {
        Err(_) | Ok(None) | Ok(Some(Err(_))) | Ok(Some(Ok(Message::Close(_)))) => Inbound::Closed,
        Ok(Some(Ok(Message::Text(t)))) => Inbound::Text(t.as_str().to_owned()),
        Ok(Some(Ok(Message::Binary(b)))) => Inbound::Binary(b),
        Ok(Some(Ok(_))) => Inbound::Other,
    }
}

/// One live connection: wait for `start`, lease an estimator, start the worker,
/// then pass frames and controls in and messages out until the end.
async fn connection(mut socket: WebSocket, state: AppState, pool: Arc<EstimatorPool>, user: User) {
    let mirrored = loop {
        match recv(&mut socket).await {
            Inbound::Closed => return,
            Inbound::Text(t) => match serde_json::from_str::<ClientMessage>(&t) {
                Ok(ClientMessage::Start { mirrored }) => break mirrored,
                Ok(ClientMessage::Stop) => {
                    close(&mut socket, close_code::NORMAL, "stopped before start").await;
                    return;
                }
                Ok(ClientMessage::Settings { .. }) => {
                    let e = "send {\"type\":\"start\"} first; settings can change after it";
                    let _ = send(
                        &mut socket,
                        &ServerMessage::error("not_started", e, None, false),
                    )
                    .await;
                }
                Err(e) => {
                    let msg = ServerMessage::error("bad_message", bad_message(&e), None, false);
                    let _ = send(&mut socket, &msg).await;
                }
            },
            Inbound::Binary(_) => {
                let msg = ServerMessage::error(
                    "not_started",
                    "frame before start: send {\"type\":\"start\"} first",
                    None,
                    false,
                );
                let _ = send(&mut socket, &msg).await;
            }
            Inbound::Other => {}
        }
    };
    let Ok(lease) = pool.lease(state.settings().model) else {
        let msg = ServerMessage::error(
            "busy",
            format!(
                "{} live sessions are running, the most this server takes at once; try again in a few minutes",
                worker::MAX_LIVE_SESSIONS
            ),
            None,
            true,
        );
        let _ = send(&mut socket, &msg).await;
        close(&mut socket, close_code::AGAIN, "busy").await;
        return;
    };
    let slot = Arc::new(Slot::default());
    let (tx, mut rx) = mpsc::channel::<ServerMessage>(OUT_QUEUE);
    let w = Worker {
        slot: Arc::clone(&slot),
        out: tx,
        lease,
        store: state.store().clone(),
        runtime: tokio::runtime::Handle::current(),
        user,
        mirrored,
    };
    let handle = match std::thread::Builder::new()
        .name("janu-live".into())
        .spawn(move || w.run())
    {
        Ok(h) => h,
        Err(e) => {
            tracing::error!(error = %e, "live coaching: starting a worker failed");
            let msg = ServerMessage::error(
                "internal",
                "the server could not start a worker",
                None,
                true,
            );
            let _ = send(&mut socket, &msg).await;
            return;
        }
    };

    let min_interval = Duration::from_secs_f64(1.0 / MAX_FPS);
    let mut last_frame: Option<Instant> = None;
    let mut stopping = false;
    loop {
        tokio::select! {
            inbound = recv(&mut socket) => match inbound {
                Inbound::Closed => {
                    slot.control(Control::Gone);
                    break;
                }
                Inbound::Binary(bytes) => {
                    if stopping {
                        continue;
                    }
                    let arrived = Instant::now();
                    match parse_frame(&bytes) {
                        Err(e) => {
                            let msg = ServerMessage::error("bad_frame", e, None, false);
                            if !send(&mut socket, &msg).await {
                                slot.control(Control::Gone);
                                break;
                            }
                        }
                        Ok((h, picture)) => {
                            if last_frame.is_some_and(|l| arrived - l < min_interval) {
                                slot.count_dropped();
                                continue;
                            }
                            last_frame = Some(arrived);
                            slot.put(Incoming {
                                id: h.id,
                                captured_ms: h.captured_ms,
                                mirrored: h.mirrored,
                                picture: picture.to_vec(),
                                arrived,
                            });
                        }
                    }
                }
                Inbound::Text(t) => {
                    let reply = match serde_json::from_str::<ClientMessage>(&t) {
                        Ok(ClientMessage::Stop) => {
                            stopping = true;
                            slot.control(Control::Stop);
                            None
                        }
                        Ok(ClientMessage::Settings { mirrored }) => {
                            if let Some(m) = mirrored {
                                slot.control(Control::Mirrored(m));
                            }
                            None
                        }
                        Ok(ClientMessage::Start { .. }) => Some(ServerMessage::error(
                            "bad_message",
                            "already started; use {\"type\":\"settings\"} to change a setting",
                            None,
                            false,
                        )),
                        Err(e) => Some(ServerMessage::error("bad_message", bad_message(&e), None, false)),
                    };
                    if let Some(r) = reply
                        && !send(&mut socket, &r).await {
                            slot.control(Control::Gone);
                            break;
                        }
                }
                Inbound::Other => {}
            },
            out = rx.recv() => match out {
                None => break,
                Some(msg) => {
                    let end = matches!(msg, ServerMessage::Summary(_))
                        || matches!(msg, ServerMessage::Error { fatal: true, .. });
                    if !send(&mut socket, &msg).await {
                        slot.control(Control::Gone);
                        break;
                    }
                    if end {
                        close(&mut socket, close_code::NORMAL, "session over").await;
                        break;
                    }
                }
            },
        }
    }
    // Dropping the receiver frees a worker waiting to send; it then sees the
    // last control, saves when it should, and returns its estimator.
    drop(rx);
    let _ = tokio::task::spawn_blocking(move || handle.join()).await;
}

fn bad_message(e: &serde_json::Error) -> String {
    format!(
        "not a message Janu knows ({e}); text messages are JSON with \"type\": start, settings or stop"
    )
}

/// The OpenAPI description of the live route, merged into the API document.
#[derive(utoipa::OpenApi)]
#[openapi(
    paths(live_socket, device::save_session),
    components(schemas(
        ClientMessage,
        ServerMessage,
        Feedback,
        Timing,
        Summary,
        SummaryFinding
    )),
    tags((name = "live", description = "Live coaching over a WebSocket, or on the device with the save through POST /api/live/sessions: see docs/live-protocol.md"))
)]
pub struct LiveApiDoc;
