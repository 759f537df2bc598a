//! Which requests reach the routes at all: the `Host` a browser names, and the
//! `Origin` of anything that changes state or opens the live socket.
//!
//! - **Host.** A page on another site can point its own name at 127.0.0.1
//!   (DNS rebinding) and then read this server as if it were its own. The
//!   browser still sends that name as `Host`, so the server answers only to IP
//!   addresses, `localhost` and the names in `allowed_hosts`.
//! - **Origin.** A page on another site can post a form here, or open the
//!   live socket, with the user's cookie. Browsers send `Origin` with both, so
//!   a request whose origin is not this server itself is refused. Requests
//!   without `Origin` (programs, old browsers on same-site GETs) pass.

use std::net::IpAddr;

use axum::extract::{Request, State};
use axum::http::{HeaderMap, Method, StatusCode, header};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};

use crate::AppState;

/// The host part of a `Host` header value (no port, brackets kept off IPv6).
fn host_name(host: &str) -> &str {
    let host = host.trim();
    if let Some(rest) = host.strip_prefix('[') {
        return rest.split(']').next().unwrap_or(rest);
    }
    host.rsplit_once(':')
        .filter(|(_, port)| port.chars().all(|c| c.is_ascii_digit()))
        .map_or(host, |(name, _)| name)
}

/// Whether the server answers to the `Host` value `host`.
pub fn host_allowed(host: &str, allowed: &[String]) -> bool {
    let name = host_name(host).to_ascii_lowercase();
    let name = name.trim_end_matches('.');
    name.parse::<IpAddr>().is_ok()
        || name == "localhost"
        || name.ends_with(".localhost")
        || allowed.iter().any(|a| a == name)
}

/// Whether `origin` (`scheme://host[:port]`) names the server reached as `host`.
pub fn same_origin(origin: &str, host: &str) -> bool {
    origin
        .split_once("://")
        .is_some_and(|(_, rest)| rest.trim_end_matches('/').eq_ignore_ascii_case(host.trim()))
}

fn changes_state(method: &Method, headers: &HeaderMap) -> bool {
    !matches!(*method, Method::GET | Method::HEAD | Method::OPTIONS)
        || headers.contains_key(header::UPGRADE)
}

fn refuse(status: StatusCode, message: &str) -> Response {
    let body = serde_json::json!({ "error": message });
    (status, axum::Json(body)).into_response()
}

/// The middleware: refuse a request naming a foreign host, or a cross-site
/// request that changes state or opens a socket.
pub async fn check(State(state): State<AppState>, req: Request, next: Next) -> Response {
    let headers = req.headers();
    let host = headers
        .get(header::HOST)
        .and_then(|v| v.to_str().ok())
        .map(str::to_owned);
    if let Some(host) = &host
        && !host_allowed(host, &state.settings().allowed_hosts)
    {
        return refuse(
            StatusCode::MISDIRECTED_REQUEST,
            "this server does not answer to that host name; open it by its IP address or \
                 localhost, or add the name to allowed_hosts",
        );
    }
    if changes_state(req.method(), headers)
        && let Some(origin) = headers.get(header::ORIGIN)
    {
        let ok = match (origin.to_str(), &host) {
            (Ok(origin), Some(host)) => same_origin(origin, host),
            _ => false,
        };
        if !ok {
            return refuse(
                StatusCode::FORBIDDEN,
                "cross-site request refused: this action may only come from Janu's own pages",
            );
        }
    }
    next.run(req).await
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hosts_by_address_and_local_names_pass_others_need_a_listing() {
        let none: Vec<String> = Vec::new();
        for ok in [
            "127.0.0.1:8080",
            "192.168.1.20",
            "[::1]:8080",
            "localhost:8080",
            "LOCALHOST",
            "app.localhost",
        ] {
            assert!(host_allowed(ok, &none), "{ok}");
        }
        for bad in [
            "evil.example",
            "evil.example:8080",
            "127.0.0.1.evil.example",
            "",
        ] {
            assert!(!host_allowed(bad, &none), "{bad}");
        }
        let studio = vec!["studio.local".to_owned()];
        assert!(host_allowed("Studio.Local:8443", &studio));
    }

    #[test]
    fn origins_must_name_the_same_host_and_port() {
        assert!(same_origin("http://127.0.0.1:8080", "127.0.0.1:8080"));
        assert!(!same_origin("http://127.0.0.1:9999", "127.0.0.1:8080"));
        assert!(!same_origin("https://evil.example", "127.0.0.1:8080"));
        assert!(!same_origin("null", "127.0.0.1:8080"));
    }
}
