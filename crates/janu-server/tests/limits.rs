//! Connection limits over real TCP: slow clients are cut off and never keep
//! others from being served.

mod support;

use std::time::{Duration, Instant};

use janu_server::conn::HEADER_LIMIT;
use support::browser::Server;
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpStream;

/// Slow clients opened at once, as in the load figure.
const SLOW_CLIENTS: usize = 200;

async fn health(addr: &str) -> String {
    let mut s = TcpStream::connect(addr).await.unwrap();
    s.write_all(b"GET /api/health HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n")
        .await
        .unwrap();
    let mut out = String::new();
    s.read_to_string(&mut out).await.unwrap();
    out
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn slow_clients_are_cut_off_and_others_still_served() {
    let server = Server::start(|_| {}).await;
    let addr = server.url.trim_start_matches("http://").to_owned();
    // Each sends half a request head and then nothing.
    let mut slow = Vec::new();
    for _ in 0..SLOW_CLIENTS {
        let mut s = TcpStream::connect(&addr).await.unwrap();
        s.write_all(b"GET /api/health HTTP/1.1\r\nHost: 127.0.0.1\r\nX-Slow: ")
            .await
            .unwrap();
        slow.push(s);
    }
    let answer = health(&addr).await;
    assert!(answer.starts_with("HTTP/1.1 200"), "{answer}");

    // Past the header limit every slow connection has been closed.
    let started = Instant::now();
    tokio::time::sleep(HEADER_LIMIT + Duration::from_secs(1)).await;
    for (i, s) in slow.iter_mut().enumerate() {
        let mut buf = [0u8; 512];
        let read = tokio::time::timeout(Duration::from_secs(5), s.read(&mut buf)).await;
        match read {
            // Closed (perhaps after a 408 answer).
            Ok(Ok(0) | Err(_)) => {}
            Ok(Ok(n)) => {
                let text = String::from_utf8_lossy(&buf[..n]);
                assert!(
                    text.starts_with("HTTP/1.1 408"),
                    "slow client {i} got {text}"
                );
            }
            Err(_) => panic!(
                "slow client {i} still open {:?} after it started",
                started.elapsed()
            ),
        }
    }
    let answer = health(&addr).await;
    assert!(answer.starts_with("HTTP/1.1 200"), "{answer}");
    server.stop().await;
}
