//! Who is asking: a handle the person picks, carried by a cookie (pages) or a
//! header (API clients). There are no passwords: anyone who types a handle acts
//! as that user. That is honest for a server on a home network or a class's
//! laptop, and is said so on the pages; put a proxy with real sign-in in front of
//! a server that faces the internet.
//!
//! - Pages: `POST /signin` with a form field `handle` (or `POST /api/me` with JSON)
//!   creates the user when new and sets the cookie [`USER_COOKIE`].
//! - API clients: send the header [`USER_HEADER`]` : <handle>` (it wins over the
//!   cookie). The user must exist (`POST /api/me` once).

use axum::extract::FromRequestParts;
use axum::http::header::{COOKIE, HeaderValue};
use axum::http::request::Parts;
use janu_store::{HANDLE_MAX_CHARS, NewUser, User};

use crate::{AppState, ServerError};

/// The cookie holding the handle.
pub const USER_COOKIE: &str = "janu_user";
/// The request header holding the handle for API clients.
pub const USER_HEADER: &str = "x-janu-user";
/// How long the browser keeps the handle cookie: a year, like a remembered login.
pub const COOKIE_MAX_AGE_S: u64 = 365 * 24 * 3600;

/// A handle as the store wants it: trimmed, lower case, 1 to
/// [`HANDLE_MAX_CHARS`] of `a-z`, `0-9`, `_`, `-`.
///
/// # Errors
/// [`ServerError::BadRequest`] saying what is wrong.
pub fn normalize_handle(raw: &str) -> Result<String, ServerError> {
    let h = raw.trim().to_lowercase();
    if h.is_empty() {
        return Err(ServerError::BadRequest("pick a handle: it is empty".into()));
    }
    if h.chars().count() > HANDLE_MAX_CHARS {
        return Err(ServerError::BadRequest(format!(
            "the handle is too long: at most {HANDLE_MAX_CHARS} characters"
        )));
    }
    if let Some(bad) = h
        .chars()
        .find(|c| !(c.is_ascii_lowercase() || c.is_ascii_digit() || *c == '_' || *c == '-'))
    {
        return Err(ServerError::BadRequest(format!(
            "the handle {raw:?} contains {bad:?}: use letters a-z, digits, _ and -"
        )));
    }
    Ok(h)
}

/// The user with `handle`, created (display name = handle unless given) when new.
///
/// # Errors
/// [`ServerError::BadRequest`] for a malformed handle or display name; store errors.
pub async fn sign_in(
    state: &AppState,
    handle: &str,
    display_name: Option<&str>,
) -> Result<User, ServerError> {
    let handle = normalize_handle(handle)?;
    let store = state.store();
    if let Some(u) = store.user_by_handle(&handle).await? {
        return Ok(u);
    }
    let new = NewUser {
        display_name: display_name
            .map(str::trim)
            .filter(|d| !d.is_empty())
            .unwrap_or(&handle)
            .to_owned(),
        handle: handle.clone(),
    };
    match store.create_user(&new).await {
        Ok(u) => Ok(u),
        // Two first sign-ins at once: the other one created it.
        Err(janu_store::StoreError::HandleTaken { .. }) => store
            .user_by_handle(&handle)
            .await?
            .ok_or_else(|| ServerError::Internal("user vanished after creation".into())),
        Err(e) => Err(e.into()),
    }
}

/// `Set-Cookie` value that remembers `handle`; `Secure` (sent over HTTPS
/// only) when the server serves HTTPS.
pub fn cookie_for(handle: &str, secure: bool) -> HeaderValue {
    let secure = if secure { "; Secure" } else { "" };
    // Handles are validated to [a-z0-9_-], so the value is a valid header.
    HeaderValue::from_str(&format!(
        "{USER_COOKIE}={handle}; Path=/; Max-Age={COOKIE_MAX_AGE_S}; SameSite=Lax; HttpOnly{secure}"
    ))
    .unwrap_or_else(|_| HeaderValue::from_static("janu_user=; Path=/"))
}

/// `Set-Cookie` value that forgets the handle.
pub fn clear_cookie(secure: bool) -> HeaderValue {
    if secure {
        HeaderValue::from_static("janu_user=; Path=/; Max-Age=0; SameSite=Lax; HttpOnly; Secure")
    } else {
        HeaderValue::from_static("janu_user=; Path=/; Max-Age=0; SameSite=Lax; HttpOnly")
    }
}

/// The handle a request carries: the header first, then the cookie.
pub fn handle_from_parts(parts: &Parts) -> Option<String> {
    if let Some(h) = parts.headers.get(USER_HEADER) {
        return h.to_str().ok().map(|s| s.trim().to_owned());
    }
    parts
        .headers
        .get_all(COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(';'))
        .filter_map(|kv| kv.trim().split_once('='))
        .find(|(k, _)| *k == USER_COOKIE)
        .map(|(_, v)| v.trim().to_owned())
        .filter(|v| !v.is_empty())
}

/// The user of a request; rejects with 401 when there is none.
#[derive(Debug, Clone)]
pub struct CurrentUser(pub User);

/// The user of a request, if any (pages work without one).
#[derive(Debug, Clone)]
pub struct MaybeUser(pub Option<User>);

async fn lookup(parts: &Parts, state: &AppState) -> Result<Option<User>, ServerError> {
    let Some(raw) = handle_from_parts(parts) else {
        return Ok(None);
    };
    let Ok(handle) = normalize_handle(&raw) else {
        return Ok(None);
    };
    Ok(state.store().user_by_handle(&handle).await?)
}

impl FromRequestParts<AppState> for CurrentUser {
    type Rejection = ServerError;

    async fn from_request_parts(
        parts: &mut Parts,
        state: &AppState,
    ) -> Result<Self, Self::Rejection> {
        let named = handle_from_parts(parts);
        match lookup(parts, state).await? {
            Some(u) => Ok(CurrentUser(u)),
            None => Err(ServerError::Unauthorized(match named {
                Some(h) => format!(
                    "no user with the handle {h:?}: sign in first (POST /api/me with {{\"handle\": ...}})"
                ),
                None => format!(
                    "who are you? sign in with a handle (POST /api/me) and send the {USER_COOKIE} \
                     cookie or the {USER_HEADER} header"
                ),
            })),
        }
    }
}

impl FromRequestParts<AppState> for MaybeUser {
    type Rejection = ServerError;

    async fn from_request_parts(
        parts: &mut Parts,
        state: &AppState,
    ) -> Result<Self, Self::Rejection> {
        Ok(MaybeUser(lookup(parts, state).await?))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn handles_are_normalized_or_refused() {
        assert_eq!(normalize_handle("  Ana-1 ").unwrap(), "ana-1");
        assert!(normalize_handle("").is_err());
        assert!(normalize_handle("ana maria").is_err());
        assert!(normalize_handle(&"a".repeat(HANDLE_MAX_CHARS + 1)).is_err());
    }

    #[test]
    fn header_wins_over_cookie() {
        let req = axum::http::Request::builder()
            .header(COOKIE, "theme=dark; janu_user=ana")
            .body(())
            .unwrap();
        let (parts, ()) = req.into_parts();
        assert_eq!(handle_from_parts(&parts).as_deref(), Some("ana"));
        let req = axum::http::Request::builder()
            .header(COOKIE, "janu_user=ana")
            .header(USER_HEADER, "ben")
            .body(())
            .unwrap();
        let (parts, ()) = req.into_parts();
        assert_eq!(handle_from_parts(&parts).as_deref(), Some("ben"));
    }
}
