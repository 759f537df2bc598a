//! Who is asking, proved: a signed-in browser's cookie or a program's token.
//!
//! - Browsers sign in at `/login` with a handle and a password. The server keeps
//!   the sign-in (the SHA-256 of a random token, its CSRF token, its expiry) and
//!   sets [`SESSION_COOKIE`] to the token: `HttpOnly`, `SameSite=Lax`, `Secure`
//!   over HTTPS. Every change made with that cookie must carry the CSRF token:
//!   the form field [`CSRF_FIELD`] (pages) or the header [`CSRF_HEADER`]
//!   (the pages' scripts), so another site cannot make one in the person's name.
//! - Programs send `Authorization: Bearer TOKEN`: a personal API token (made on
//!   the account page or `POST /api/tokens`, revocable) or the token
//!   `POST /api/login` answers. A bearer token is not sent by browsers on their
//!   own, so it needs no CSRF token.
//!
//! Nothing else identifies a person: no handle in a header or a cookie grants
//! anything.

use axum::extract::{FromRequest, FromRequestParts, Request};
use axum::http::header::{AUTHORIZATION, COOKIE, HeaderValue};
use axum::http::request::Parts;
use axum::response::{IntoResponse, Response};
use janu_store::{HANDLE_MAX_CHARS, User};
use serde::de::DeserializeOwned;
use time::OffsetDateTime;

use crate::{AppState, ServerError, accounts};

/// The cookie holding a signed-in browser's token.
pub const SESSION_COOKIE: &str = "janu_session";
/// The cookie holding the sign-in form's CSRF token (before anyone is signed in).
pub const LOGIN_CSRF_COOKIE: &str = "janu_login_csrf";
/// The header the pages' scripts send the CSRF token in.
pub const CSRF_HEADER: &str = "x-csrf-token";
/// The form field forms send the CSRF token in.
pub const CSRF_FIELD: &str = "csrf";
/// How long a sign-in lasts: a month, like a remembered login; signing out or
/// a password reset ends it sooner.
pub const SESSION_LIFETIME: time::Duration = time::Duration::days(30);
/// How long the sign-in form stays valid: long enough to find a password.
pub const LOGIN_FORM_LIFETIME_S: u64 = 3600;

/// A handle as the store wants it: trimmed, lower case, 1 to
/// [`HANDLE_MAX_CHARS`] of `a-z`, `0-9`, `_`, `-`.
///
/// # Errors
/// [`ServerError::BadRequest`] saying what is wrong.
pub fn normalize_handle(raw: &str) -> Result<String, ServerError> {
    let h = raw.trim().to_lowercase();
    if h.is_empty() {
        return Err(ServerError::BadRequest("give a handle: it is empty".into()));
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

/// How a request proved who it is.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Via {
    /// `Authorization: Bearer`: a program.
    Token,
    /// The session cookie: a browser, whose changes need this CSRF token.
    Cookie {
        /// The sign-in's CSRF token.
        csrf: String,
    },
}

/// A signed-in person and how they proved it.
#[derive(Debug, Clone)]
pub struct Signed {
    /// Who.
    pub user: User,
    /// How.
    pub via: Via,
}

impl Signed {
    /// The CSRF token forms and scripts must send (none for a bearer token).
    pub fn csrf(&self) -> &str {
        match &self.via {
            Via::Cookie { csrf } => csrf,
            Via::Token => "",
        }
    }
}

impl std::ops::Deref for Signed {
    type Target = User;

    fn deref(&self) -> &User {
        &self.user
    }
}

/// The value of cookie `name` in a request, if set and not empty.
pub fn cookie<'a>(parts: &'a Parts, name: &str) -> Option<&'a str> {
    parts
        .headers
        .get_all(COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(';'))
        .filter_map(|kv| kv.trim().split_once('='))
        .find(|(k, _)| *k == name)
        .map(|(_, v)| v.trim())
        .filter(|v| !v.is_empty())
}

/// The token of an `Authorization: Bearer` header: `Ok(None)` without the
/// header, an error for another scheme.
fn bearer(parts: &Parts) -> Result<Option<&str>, ServerError> {
    let Some(value) = parts.headers.get(AUTHORIZATION) else {
        return Ok(None);
    };
    value
        .to_str()
        .ok()
        .and_then(|v| {
            v.split_once(' ')
                .filter(|(scheme, _)| scheme.eq_ignore_ascii_case("bearer"))
        })
        .map(|(_, token)| Some(token.trim()))
        .ok_or_else(|| {
            ServerError::Unauthorized(
                "the Authorization header must be \"Bearer TOKEN\" (an API token or the token \
                 POST /api/login answers)"
                    .into(),
            )
        })
}

/// Who a request is from. `Ok(None)` for nobody (or an expired cookie);
/// an error for a bearer token that is unknown, revoked or expired, so a
/// program learns its token stopped working.
///
/// # Errors
/// [`ServerError::Unauthorized`]; store errors.
pub async fn authenticate(parts: &Parts, state: &AppState) -> Result<Option<Signed>, ServerError> {
    let store = state.store();
    if let Some(token) = bearer(parts)? {
        let hash = accounts::token_hash(token);
        let user = if token.starts_with(accounts::API_TOKEN_PREFIX) {
            store.user_by_api_token(&hash).await?
        } else {
            store
                .login(&hash, OffsetDateTime::now_utc())
                .await?
                .map(|l| l.user)
        };
        return match user {
            Some(user) => Ok(Some(Signed {
                user,
                via: Via::Token,
            })),
            None => Err(ServerError::Unauthorized(
                "this token is unknown, revoked or expired: sign in again (POST /api/login) or \
                 make a new API token"
                    .into(),
            )),
        };
    }
    let Some(token) = cookie(parts, SESSION_COOKIE) else {
        return Ok(None);
    };
    Ok(store
        .login(&accounts::token_hash(token), OffsetDateTime::now_utc())
        .await?
        .map(|l| Signed {
            user: l.user,
            via: Via::Cookie { csrf: l.csrf },
        }))
}

/// The client's address, as the connection loop ([`crate::conn`]) records it
/// on each request.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct PeerAddr(pub std::net::SocketAddr);

/// The client address of a request, when it came over a connection.
pub fn peer(parts: &Parts) -> Option<std::net::IpAddr> {
    parts.extensions.get::<PeerAddr>().map(|p| p.0.ip())
}

/// Compares two secrets in time independent of where they first differ.
pub fn same_secret(a: &str, b: &str) -> bool {
    a.len() == b.len()
        && a.bytes()
            .zip(b.bytes())
            .fold(0u8, |acc, (x, y)| acc | (x ^ y))
            == 0
}

/// The signed-in user of a request; 401 when there is none. A change (any
/// method but GET, HEAD, OPTIONS) made with the session cookie must carry
/// the CSRF token in [`CSRF_HEADER`] (403 otherwise).
#[derive(Debug, Clone)]
pub struct CurrentUser(pub Signed);

/// The user of a request, if any (pages work without one).
#[derive(Debug, Clone)]
pub struct MaybeUser(pub Option<Signed>);

fn sign_in_please() -> ServerError {
    ServerError::Unauthorized(
        "sign in first: POST /api/login with {\"handle\": ..., \"password\": ...} and send \
         \"Authorization: Bearer TOKEN\", or sign in at /login in a browser"
            .into(),
    )
}

impl FromRequestParts<AppState> for CurrentUser {
    type Rejection = ServerError;

    async fn from_request_parts(
        parts: &mut Parts,
        state: &AppState,
    ) -> Result<Self, Self::Rejection> {
        let signed = authenticate(parts, state)
            .await?
            .ok_or_else(sign_in_please)?;
        if let Via::Cookie { csrf } = &signed.via
            && !parts.method.is_safe()
        {
            let sent = parts
                .headers
                .get(CSRF_HEADER)
                .and_then(|v| v.to_str().ok())
                .unwrap_or("");
            if !same_secret(sent, csrf) {
                return Err(ServerError::Forbidden(format!(
                    "a change made with the session cookie needs the page's CSRF token in \
                         the {CSRF_HEADER} header; reload the page and try again"
                )));
            }
        }
        Ok(CurrentUser(signed))
    }
}

impl FromRequestParts<AppState> for MaybeUser {
    type Rejection = ServerError;

    async fn from_request_parts(
        parts: &mut Parts,
        state: &AppState,
    ) -> Result<Self, Self::Rejection> {
        // A page shown to someone whose token stopped working shows it
        // signed out rather than an error.
        match authenticate(parts, state).await {
            Ok(signed) => Ok(MaybeUser(signed)),
            Err(ServerError::Unauthorized(_)) => Ok(MaybeUser(None)),
            Err(e) => Err(e),
        }
    }
}

/// A form posted by a signed-in browser, its CSRF token checked: what every
/// page form that changes something takes. Rejections are pages.
#[derive(Debug)]
pub struct SignedForm<T> {
    /// Who posted it.
    pub user: Signed,
    /// The form's fields.
    pub form: T,
}

impl<T: DeserializeOwned + Send> FromRequest<AppState> for SignedForm<T> {
    type Rejection = Response;

    async fn from_request(req: Request, state: &AppState) -> Result<Self, Self::Rejection> {
        let (mut parts, body) = req.into_parts();
        let page_error = |e: ServerError| crate::pages::PageError(e, None).into_response();
        let user = authenticate(&parts, state)
            .await
            .map_err(page_error)?
            .ok_or_else(|| {
                page_error(ServerError::Unauthorized(
                    "you are signed out (the sign-in expired or ended elsewhere): sign in again"
                        .into(),
                ))
            })?;
        let req = Request::from_parts(parts.clone(), body);
        let bytes = axum::body::Bytes::from_request(req, state)
            .await
            .map_err(IntoResponse::into_response)?;
        let sent = form_urlencoded::parse(&bytes)
            .find(|(k, _)| k == CSRF_FIELD)
            .map(|(_, v)| v.into_owned())
            .unwrap_or_default();
        if !same_secret(&sent, user.csrf()) {
            return Err(page_error(ServerError::Forbidden(
                "this form is out of date or came from another site: reload the page and try again"
                    .into(),
            )));
        }
        parts.headers.remove(axum::http::header::CONTENT_LENGTH);
        let req = Request::from_parts(parts, axum::body::Body::from(bytes));
        let axum::extract::Form(form) = axum::extract::Form::<T>::from_request(req, state)
            .await
            .map_err(IntoResponse::into_response)?;
        Ok(SignedForm { user, form })
    }
}

/// A signed-in browser made by [`log_in`]: the cookie's token and the CSRF token.
#[derive(Debug, Clone)]
pub struct NewLogin {
    /// Who signed in.
    pub user: User,
    /// The session token (the cookie's value, or a bearer token for programs).
    pub token: String,
}

/// Checks a handle and password and records a sign-in; rate-limited per
/// handle ([`accounts::MAX_FAILED_LOGINS`] per [`accounts::LOGIN_WINDOW`])
/// and per client address `peer` when known
/// ([`accounts::MAX_FAILED_LOGINS_PER_ADDRESS`]).
/// Unknown handles and wrong passwords get the same answer in the same time.
///
/// # Errors
/// [`ServerError::Unauthorized`] for a wrong handle or password,
/// [`ServerError::TooManyRequests`], store errors.
pub async fn log_in(
    state: &AppState,
    peer: Option<std::net::IpAddr>,
    handle: &str,
    password: String,
) -> Result<NewLogin, ServerError> {
    let wrong = || ServerError::Unauthorized("wrong handle or password".into());
    let now = std::time::Instant::now();
    let address = peer.map(accounts::LimitKey::Address);
    if let Some(a) = &address {
        state.limiter().check(a, now)?;
    }
    let Ok(handle) = normalize_handle(handle) else {
        if let Some(a) = &address {
            state.limiter().failed(a, now);
        }
        return Err(wrong());
    };
    let by_handle = accounts::LimitKey::Handle(handle.clone());
    state.limiter().check(&by_handle, now)?;
    let store = state.store();
    let found = store.user_with_password(&handle).await?;
    let (user, hash) = match found {
        Some((user, hash)) => (Some(user), hash),
        None => (None, None),
    };
    let ok = state.hasher().verify(hash, password).await?;
    let Some(user) = user.filter(|_| ok) else {
        state.limiter().failed(&by_handle, now);
        if let Some(a) = &address {
            state.limiter().failed(a, now);
        }
        return Err(wrong());
    };
    state.limiter().succeeded(&by_handle);
    let token = accounts::new_token()?;
    let csrf = accounts::new_token()?;
    let now = OffsetDateTime::now_utc();
    store.delete_expired_logins(now).await?;
    store
        .create_login(
            user.id,
            &accounts::token_hash(&token),
            &csrf,
            now + SESSION_LIFETIME,
        )
        .await?;
    Ok(NewLogin { user, token })
}

/// Ends the sign-in whose token the request carries (cookie or bearer).
///
/// # Errors
/// Store errors.
pub async fn log_out(parts: &Parts, state: &AppState) -> Result<(), ServerError> {
    let token = match bearer(parts) {
        Ok(Some(t)) => Some(t),
        _ => cookie(parts, SESSION_COOKIE),
    };
    if let Some(token) = token {
        state
            .store()
            .delete_login(&accounts::token_hash(token))
            .await?;
    }
    Ok(())
}

fn secure_flag(secure: bool) -> &'static str {
    if secure { "; Secure" } else { "" }
}

/// `Set-Cookie` for a signed-in browser; `Secure` (sent over HTTPS only)
/// when the server serves HTTPS.
pub fn session_cookie(token: &str, secure: bool) -> HeaderValue {
    let max_age = SESSION_LIFETIME.whole_seconds();
    // Tokens are URL-safe base64, so the value is a valid header.
    HeaderValue::from_str(&format!(
        "{SESSION_COOKIE}={token}; Path=/; Max-Age={max_age}; SameSite=Lax; HttpOnly{}",
        secure_flag(secure)
    ))
    .unwrap_or_else(|_| HeaderValue::from_static("janu_session=; Path=/; Max-Age=0"))
}

/// `Set-Cookie` that forgets the sign-in.
pub fn clear_session_cookie(secure: bool) -> HeaderValue {
    HeaderValue::from_str(&format!(
        "{SESSION_COOKIE}=; Path=/; Max-Age=0; SameSite=Lax; HttpOnly{}",
        secure_flag(secure)
    ))
    .unwrap_or_else(|_| HeaderValue::from_static("janu_session=; Path=/; Max-Age=0"))
}

/// `Set-Cookie` for the sign-in form's CSRF token: `SameSite=Strict`, so
/// another site's form never carries it.
pub fn login_csrf_cookie(token: &str, secure: bool) -> HeaderValue {
    HeaderValue::from_str(&format!(
        "{LOGIN_CSRF_COOKIE}={token}; Path=/; Max-Age={LOGIN_FORM_LIFETIME_S}; SameSite=Strict; \
         HttpOnly{}",
        secure_flag(secure)
    ))
    .unwrap_or_else(|_| HeaderValue::from_static("janu_login_csrf=; Path=/; Max-Age=0"))
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
    fn cookies_and_bearer_tokens_are_read() {
        let req = axum::http::Request::builder()
            .header(COOKIE, "theme=dark; janu_session=abc")
            .header(AUTHORIZATION, "Bearer  xyz ")
            .body(())
            .unwrap();
        let (parts, ()) = req.into_parts();
        assert_eq!(cookie(&parts, SESSION_COOKIE), Some("abc"));
        assert_eq!(cookie(&parts, "janu_user"), None);
        assert_eq!(bearer(&parts).unwrap(), Some("xyz"));
        let req = axum::http::Request::builder()
            .header(AUTHORIZATION, "Basic YW5hOnB3")
            .body(())
            .unwrap();
        let (parts, ()) = req.into_parts();
        assert!(bearer(&parts).is_err());
    }

    #[test]
    fn secrets_compare_whole() {
        assert!(same_secret("abc", "abc"));
        assert!(!same_secret("abc", "abd"));
        assert!(!same_secret("abc", "ab"));
        assert!(!same_secret("", "a"));
    }
}
