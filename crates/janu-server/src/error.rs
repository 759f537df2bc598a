//! The one error type of this crate, and how it becomes an HTTP answer.

use axum::Json;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use janu_store::StoreError;

/// Everything that can go wrong in the server: its configuration, its start, and
/// each request.
///
/// As an HTTP answer ([`IntoResponse`]) it is JSON `{"error": "..."}` with a status
/// code that says whose fault it is. Client errors carry their message; server
/// errors (database down, a worker gone) answer a generic message and are logged
/// on standard error instead, so internals never reach the client.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum ServerError {
    /// A configuration value is malformed (file, environment or flag).
    #[error("configuration: {0}")]
    Config(String),
    /// The configuration file could not be read or parsed.
    #[error("configuration file {path}: {reason}")]
    ConfigFile {
        /// The file.
        path: std::path::PathBuf,
        /// What is wrong.
        reason: String,
    },
    /// The server could not start (address in use, folder not writable, ...).
    #[error("cannot start the server: {0}")]
    Start(String),
    /// The request is malformed; the message says how.
    #[error("{0}")]
    BadRequest(String),
    /// No user: the request carried no handle, or an unknown one.
    #[error("{0}")]
    Unauthorized(String),
    /// The request is understood but refused: a missing or wrong CSRF token,
    /// sign-up closed, a change only the owner may make.
    #[error("{0}")]
    Forbidden(String),
    /// Too many failed sign-ins for a handle; try again later.
    #[error("too many failed sign-ins for this handle; try again in {retry_after_s} s")]
    TooManyRequests {
        /// Seconds until the next attempt is allowed.
        retry_after_s: u64,
    },
    /// The thing asked for does not exist (or belongs to someone else).
    #[error("{0}")]
    NotFound(String),
    /// An upload is larger than the limit.
    #[error("the upload is larger than the limit of {limit_mb} MB")]
    PayloadTooLarge {
        /// The limit in megabytes.
        limit_mb: u64,
    },
    /// An upload is not a photo, a video or a landmark file Janu reads.
    #[error("{0}")]
    UnsupportedMedia(String),
    /// An upload has the right type but cannot be read (a broken JPEG, a video
    /// without frames, a landmark file with a bad line).
    #[error("{0}")]
    Unprocessable(String),
    /// The client sent its upload too slowly (no data for a while).
    #[error("{0}")]
    Timeout(String),
    /// The analysis queue is full; try again later.
    #[error("the server is busy analysing other uploads; try again in a minute")]
    Busy,
    /// A store operation failed.
    #[error(transparent)]
    Store(#[from] StoreError),
    /// Anything else on the server's side; the message is logged, not sent.
    #[error("internal error: {0}")]
    Internal(String),
}

impl ServerError {
    /// The HTTP status this error answers with.
    pub fn status(&self) -> StatusCode {
        match self {
            Self::BadRequest(_) => StatusCode::BAD_REQUEST,
            Self::Unauthorized(_) => StatusCode::UNAUTHORIZED,
            Self::NotFound(_) => StatusCode::NOT_FOUND,
            Self::Forbidden(_) => StatusCode::FORBIDDEN,
            Self::TooManyRequests { .. } => StatusCode::TOO_MANY_REQUESTS,
            Self::PayloadTooLarge { .. } => StatusCode::PAYLOAD_TOO_LARGE,
            Self::UnsupportedMedia(_) => StatusCode::UNSUPPORTED_MEDIA_TYPE,
            Self::Unprocessable(_) => StatusCode::UNPROCESSABLE_ENTITY,
            Self::Busy => StatusCode::SERVICE_UNAVAILABLE,
            Self::Timeout(_) => StatusCode::REQUEST_TIMEOUT,
            Self::Store(StoreError::Invalid { .. }) => StatusCode::BAD_REQUEST,
            Self::Store(StoreError::HandleTaken { .. }) => StatusCode::CONFLICT,
            Self::Store(StoreError::UnknownUser(_)) => StatusCode::UNAUTHORIZED,
            Self::Config(_)
            | Self::ConfigFile { .. }
            | Self::Start(_)
            | Self::Store(_)
            | Self::Internal(_) => StatusCode::INTERNAL_SERVER_ERROR,
        }
    }

    /// The message a client may see: the error itself for client errors, a
    /// generic sentence for server errors.
    pub fn public_message(&self) -> String {
        if self.status().is_server_error() && !matches!(self, Self::Busy) {
            "internal server error; the server log has the details".to_owned()
        } else {
            self.to_string()
        }
    }
}

impl IntoResponse for ServerError {
    fn into_response(self) -> Response {
        let status = self.status();
        if status.is_server_error() && !matches!(self, Self::Busy) {
            tracing::error!(error = %self, "request failed");
        }
        let body = serde_json::json!({ "error": self.public_message() });
        let mut res = (status, Json(body)).into_response();
        if let Self::TooManyRequests { retry_after_s } = self {
            res.headers_mut()
                .insert(axum::http::header::RETRY_AFTER, retry_after_s.into());
        }
        res
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn server_errors_hide_their_details() {
        let e = ServerError::Internal("disk /secret full".into());
        assert_eq!(e.status(), StatusCode::INTERNAL_SERVER_ERROR);
        assert!(!e.public_message().contains("secret"));
        let e = ServerError::BadRequest("minutes must be 5 to 60".into());
        assert_eq!(e.public_message(), "minutes must be 5 to 60");
        assert_eq!(ServerError::Busy.status(), StatusCode::SERVICE_UNAVAILABLE);
        assert!(ServerError::Busy.public_message().contains("busy"));
    }
}
