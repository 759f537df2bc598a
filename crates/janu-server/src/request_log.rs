//! The request log: every request runs in an `INFO` span named `request` that
//! carries its method and the route it matched, and ends with an `answered`
//! event once the status and the latency are recorded on the span.
//!
//! The span never holds the raw URI: a query string or a path may carry a
//! token (shares, sign-in links), while the matched route (`/api/sessions/{id}`)
//! names only the pattern. A request no route matched has no `path`.

use std::time::Duration;

use axum::body::Body;
use axum::extract::MatchedPath;
use axum::http::{Request, Response};
use tracing::Span;
use tracing::field::Empty;

/// The span of one request: method and matched route now, status and latency
/// (`latency_ms`) once it is answered.
pub(crate) fn request_span(req: &Request<Body>) -> Span {
    let path = req
        .extensions()
        .get::<MatchedPath>()
        .map(MatchedPath::as_str);
    tracing::info_span!(
        "request",
        method = %req.method(),
        path,
        status = Empty,
        latency_ms = Empty,
    )
}

/// Record the answer on the request's span and log it.
pub(crate) fn answered(res: &Response<Body>, latency: Duration, span: &Span) {
    span.record("status", res.status().as_u16());
    span.record("latency_ms", latency.as_secs_f64() * 1000.0);
    tracing::info!("answered");
}
