//! Static files embedded in the binary: the server works offline and needs no
//! files beside it.

use axum::extract::Path;
use axum::http::{StatusCode, header};
use axum::response::{IntoResponse, Response};

/// One embedded file.
#[derive(Debug, Clone, Copy)]
pub struct Asset {
    /// File name under `/assets/`.
    pub name: &'static str,
    /// Its media type.
    pub content_type: &'static str,
    /// Its content.
    pub body: &'static str,
}

/// How long browsers may reuse an asset without asking: short, so a new binary's
/// assets show up within minutes.
const CACHE_CONTROL: &str = "public, max-age=300";

/// Media type of a script.
pub(crate) const JAVASCRIPT: &str = "text/javascript; charset=utf-8";
/// Media type of a style sheet.
pub(crate) const CSS: &str = "text/css; charset=utf-8";

/// The [`Asset`] of the file `$name` in the crate's `assets/` folder, of media
/// type `$type`.
macro_rules! asset {
    ($name:literal, $type:expr) => {
        $crate::assets::Asset {
            name: $name,
            content_type: $type,
            body: include_str!(concat!(env!("CARGO_MANIFEST_DIR"), "/assets/", $name)),
        }
    };
}
pub(crate) use asset;

const ASSETS: &[Asset] = &[
    asset!("style.css", CSS),
    asset!("app.js", JAVASCRIPT),
    asset!("upload.js", JAVASCRIPT),
    asset!("icon.svg", "image/svg+xml"),
];

/// The asset called `name`, from this list or the live module's.
pub fn find(name: &str) -> Option<&'static Asset> {
    ASSETS
        .iter()
        .chain(crate::live::ASSETS.iter())
        .find(|a| a.name == name)
}

/// `GET /assets/{name}`.
pub async fn serve(Path(name): Path<String>) -> Response {
    match find(&name) {
        Some(a) => (
            [
                (header::CONTENT_TYPE, a.content_type),
                (header::CACHE_CONTROL, CACHE_CONTROL),
            ],
            a.body,
        )
            .into_response(),
        None => (StatusCode::NOT_FOUND, "no such asset").into_response(),
    }
}
