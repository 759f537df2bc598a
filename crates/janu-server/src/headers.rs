//! Security headers on every response.
//!
//! Janu's pages load their scripts from `/assets` and never inline one, so
//! scripts are limited to the server itself (and may compile WebAssembly:
//! the live page's pose engine); styles may be inline (the HTML
//! report carries its own), pictures may be `data:` URLs (key frames in a
//! saved report). No page may be framed by another site (clickjacking), and
//! no response is sniffed into another type than it says. The referrer goes
//! to this server only: with `no-referrer` browsers send `Origin: null` on
//! Janu's own forms, which the origin check ([`crate::guard`]) must refuse.

use axum::http::{HeaderName, HeaderValue, header};
use axum::response::Response;

/// The Content-Security-Policy of every page.
pub const CONTENT_SECURITY_POLICY: &str = "default-src 'self'; script-src 'self' 'wasm-unsafe-eval'; \
     style-src 'self' 'unsafe-inline'; img-src 'self' data: blob:; \
     connect-src 'self'; media-src 'self' blob:; object-src 'none'; \
     base-uri 'none'; form-action 'self'; frame-ancestors 'none'";

const HEADERS: [(HeaderName, &str); 5] = [
    (header::CONTENT_SECURITY_POLICY, CONTENT_SECURITY_POLICY),
    (header::X_CONTENT_TYPE_OPTIONS, "nosniff"),
    (header::X_FRAME_OPTIONS, "DENY"),
    (header::REFERRER_POLICY, "same-origin"),
    (
        HeaderName::from_static("cross-origin-opener-policy"),
        "same-origin",
    ),
];

/// Add the security headers to `res` (kept where a handler set its own).
pub async fn add(mut res: Response) -> Response {
    let headers = res.headers_mut();
    for (name, value) in HEADERS {
        if !headers.contains_key(&name) {
            headers.insert(name, HeaderValue::from_static(value));
        }
    }
    res
}
