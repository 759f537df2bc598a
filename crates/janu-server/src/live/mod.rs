//! Live coaching: the `/live` page and the `/api/live` WebSocket.
//!
//! This is the slot for the live-coaching module: [`crate::app`] merges
//! [`router`], and [`crate::assets`] serves [`ASSETS`] under `/assets/`. Until the
//! module is written, `/live` says it is coming.

use axum::Router;
use axum::response::Html;
use axum::routing::get;

use crate::user::MaybeUser;
use crate::{AppState, Asset};

/// Files of the live page (e.g. `live.js`, `live.css`), served under `/assets/`.
pub const ASSETS: &[Asset] = &[];

/// The routes of live coaching.
pub fn router() -> Router<AppState> {
    Router::new().route("/live", get(placeholder))
}

async fn placeholder(MaybeUser(user): MaybeUser) -> Html<String> {
    Html(crate::page(
        "Live coaching",
        "/live",
        user.as_ref(),
        "<h1>Live coaching</h1><p class=\"lead\">Coming soon: practise in front of your \
         webcam and hear what your body is doing, cue by cue.</p>\
         <p>Until then, record a video of your practice and <a href=\"/upload\">upload it</a> \
         for a full report.</p>",
    ))
}
