//! Connections: how many at once, and how long each may keep the server
//! waiting. `axum::serve` has no timers, so a client that opens a
//! connection and sends its headers a byte a minute would hold it forever;
//! this loop serves the same router through hyper with:
//!
//! - at most [`MAX_CONNECTIONS`] at once (the next waits in the kernel's
//!   backlog until one closes);
//! - the request head within [`HEADER_LIMIT`] (hyper's header timeout);
//! - no silence longer than [`IDLE_LIMIT`] in either direction, between
//!   requests or within one ([`Idle`]), so neither a slow sender nor a client
//!   that stops reading holds a connection;
//! - on shutdown, requests in flight get [`DRAIN_LIMIT`] to finish.
//!
//! HTTP/1.1 only (what browsers use with this server; TLS offers only
//! `http/1.1` by ALPN), with upgrades for the live WebSocket.

use std::future::Future;
use std::io;
use std::pin::Pin;
use std::sync::Arc;
use std::task::{Context, Poll};
use std::time::Duration;

use axum::Router;
use hyper_util::rt::{TokioExecutor, TokioIo, TokioTimer};
use hyper_util::server::conn::auto::Builder;
use hyper_util::server::graceful::GracefulShutdown;
use hyper_util::service::TowerToHyperService;
use tokio::io::{AsyncRead, AsyncWrite, ReadBuf};
use tokio::time::{Instant, Sleep};

/// Connections served at once: each costs a task and a few kilobytes, so a
/// thousand fit a small machine with room to spare, and a flood of idle
/// connections cannot take its memory or file descriptors.
pub const MAX_CONNECTIONS: usize = 1024;
/// Longest time to send a request's head (line and headers): a phone on a poor
/// network needs well under a second.
pub const HEADER_LIMIT: Duration = Duration::from_secs(10);
/// Longest silence on a connection, reading or writing: longer than any
/// pause of a working client (an upload's body has its own 30 s stall limit),
/// short enough that abandoned connections go.
pub const IDLE_LIMIT: Duration = Duration::from_secs(60);
/// How long a stopping server lets requests in flight finish.
pub const DRAIN_LIMIT: Duration = Duration::from_secs(10);
/// Longest a request may take to be answered, past the two that stream
/// (an upload's body, the live socket): every other answer comes from memory
/// or the database in milliseconds, so one that takes this long is stuck.
pub const REQUEST_LIMIT: Duration = Duration::from_secs(60);
/// Routes that stream and so have their own limits instead of
/// [`REQUEST_LIMIT`].
const STREAMING: [&str; 2] = ["/api/uploads", "/api/live"];

/// Middleware: answer 503 when a request takes longer than
/// [`REQUEST_LIMIT`] (streaming routes excepted).
pub async fn time_limit(
    req: axum::extract::Request,
    next: axum::middleware::Next,
) -> axum::response::Response {
    use axum::response::IntoResponse as _;
    if STREAMING.contains(&req.uri().path()) {
        return next.run(req).await;
    }
    match tokio::time::timeout(REQUEST_LIMIT, next.run(req)).await {
        Ok(res) => res,
        Err(_) => crate::ServerError::Internal(format!(
            "a request took longer than {} s",
            REQUEST_LIMIT.as_secs()
        ))
        .into_response(),
    }
}

/// A connection that fails with `TimedOut` after [`IDLE_LIMIT`] (or the
/// limit given) without a byte read or written.
pub struct Idle<S> {
    inner: S,
    limit: Duration,
    timer: Pin<Box<Sleep>>,
}

impl<S> Idle<S> {
    /// Wrap `inner`.
    pub fn new(inner: S, limit: Duration) -> Self {
        Self {
            inner,
            limit,
            timer: Box::pin(tokio::time::sleep(limit)),
        }
    }

    fn touch(&mut self) {
        let deadline = Instant::now() + self.limit;
        self.timer.as_mut().reset(deadline);
    }

    fn expired(&mut self, cx: &mut Context<'_>) -> bool {
        self.timer.as_mut().poll(cx).is_ready()
    }
}

fn silent() -> io::Error {
    io::Error::new(
        io::ErrorKind::TimedOut,
        "the connection was silent too long",
    )
}

impl<S: AsyncRead + Unpin> AsyncRead for Idle<S> {
    fn poll_read(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &mut ReadBuf<'_>,
    ) -> Poll<io::Result<()>> {
        let before = buf.filled().len();
        match Pin::new(&mut self.inner).poll_read(cx, buf) {
            Poll::Ready(Ok(())) => {
                if buf.filled().len() > before {
                    self.touch();
                }
                Poll::Ready(Ok(()))
            }
            Poll::Pending if self.expired(cx) => Poll::Ready(Err(silent())),
            other => other,
        }
    }
}

impl<S: AsyncWrite + Unpin> AsyncWrite for Idle<S> {
    fn poll_write(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        data: &[u8],
    ) -> Poll<io::Result<usize>> {
        match Pin::new(&mut self.inner).poll_write(cx, data) {
            Poll::Ready(Ok(n)) => {
                if n > 0 {
                    self.touch();
                }
                Poll::Ready(Ok(n))
            }
            Poll::Pending if self.expired(cx) => Poll::Ready(Err(silent())),
            other => other,
        }
    }

    fn poll_flush(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        match Pin::new(&mut self.inner).poll_flush(cx) {
            Poll::Pending if self.expired(cx) => Poll::Ready(Err(silent())),
            other => other,
        }
    }

    fn poll_shutdown(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        Pin::new(&mut self.inner).poll_shutdown(cx)
    }
}

/// Serve `router` on `listener` until `shutdown` resolves, then stop
/// accepting and give open requests [`DRAIN_LIMIT`] to finish.
pub async fn serve<L>(
    mut listener: L,
    router: Router,
    shutdown: impl Future<Output = ()> + Send + 'static,
) where
    L: axum::serve::Listener<Addr = std::net::SocketAddr>,
{
    let permits = Arc::new(tokio::sync::Semaphore::new(MAX_CONNECTIONS));
    let graceful = GracefulShutdown::new();
    let mut builder = Builder::new(TokioExecutor::new()).http1_only();
    builder
        .http1()
        .timer(TokioTimer::new())
        .header_read_timeout(HEADER_LIMIT);
    let builder = Arc::new(builder);
    tokio::pin!(shutdown);
    loop {
        let permit = tokio::select! {
            p = Arc::clone(&permits).acquire_owned() => match p {
                Ok(p) => p,
                Err(_) => break,
            },
            () = &mut shutdown => break,
        };
        let (io, peer) = tokio::select! {
            c = listener.accept() => c,
            () = &mut shutdown => break,
        };
        // Every request on the connection knows its client's address (the
        // sign-in limit per address).
        let with_peer = tower::ServiceExt::map_request(
            router.clone(),
            move |mut req: axum::extract::Request<hyper::body::Incoming>| {
                req.extensions_mut().insert(crate::user::PeerAddr(peer));
                req
            },
        );
        let service = TowerToHyperService::new(with_peer);
        let io = TokioIo::new(Idle::new(io, IDLE_LIMIT));
        let builder = Arc::clone(&builder);
        let conn = builder
            .serve_connection_with_upgrades(io, service)
            .into_owned();
        let conn = graceful.watch(conn);
        tokio::spawn(async move {
            let _ = conn.await;
            drop(permit);
        });
    }
    drop(listener);
    let _ = tokio::time::timeout(DRAIN_LIMIT, graceful.shutdown()).await;
}

#[cfg(test)]
mod tests {
    use super::*;
    use tokio::io::{AsyncReadExt, AsyncWriteExt};

    #[tokio::test(start_paused = true)]
    async fn a_silent_peer_times_out_and_a_talking_one_does_not() {
        let (a, mut b) = tokio::io::duplex(64);
        let mut idle = Idle::new(a, Duration::from_secs(5));
        let mut buf = [0u8; 8];
        b.write_all(b"hi").await.unwrap();
        assert_eq!(idle.read(&mut buf).await.unwrap(), 2);
        let talker = tokio::spawn(async move {
            for _ in 0..3 {
                tokio::time::sleep(Duration::from_secs(4)).await;
                b.write_all(b"x").await.unwrap();
            }
            b
        });
        for _ in 0..3 {
            assert_eq!(idle.read(&mut buf).await.unwrap(), 1, "4 s pauses are fine");
        }
        let _b = talker.await.unwrap();
        let err = idle.read(&mut buf).await.unwrap_err();
        assert_eq!(err.kind(), io::ErrorKind::TimedOut);
    }
}
