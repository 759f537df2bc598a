//! `janu serve` over HTTPS with a certificate and key (self-signed test pair in
//! `tests/data/tls`): a real TLS client gets the pages, the sign-in cookie is
//! `Secure`, and a bad key file stops the start with its name.

use std::path::PathBuf;
use std::sync::Arc;

use janu_server::Settings;
use rustls::pki_types::pem::PemObject;
use rustls::pki_types::{CertificateDer, ServerName};
use tokio::io::{AsyncReadExt, AsyncWriteExt};

fn tls_dir() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("tests/data/tls")
}

/// Start the server with TLS on a free port; its URL and a stopper.
async fn start(dir: &std::path::Path) -> (String, tokio::sync::oneshot::Sender<()>) {
    let mut settings = Settings::for_tests(dir);
    settings.tls = Some((tls_dir().join("cert.pem"), tls_dir().join("key.pem")));
    let (url_tx, url_rx) = tokio::sync::oneshot::channel();
    let (stop_tx, stop_rx) = tokio::sync::oneshot::channel::<()>();
    tokio::spawn(async move {
        janu_server::serve(
            settings,
            async {
                let _ = stop_rx.await;
            },
            |url| {
                let _ = url_tx.send(url.to_owned());
            },
        )
        .await
        .unwrap();
    });
    (url_rx.await.unwrap(), stop_tx)
}

/// One HTTP/1.1 request over TLS to `port`, trusting the test certificate.
async fn https(port: u16, request: &str) -> String {
    let mut roots = rustls::RootCertStore::empty();
    for cert in CertificateDer::pem_file_iter(tls_dir().join("cert.pem")).unwrap() {
        roots.add(cert.unwrap()).unwrap();
    }
    let provider = Arc::new(janu_server::tls::ring_provider());
    let config = rustls::ClientConfig::builder_with_provider(provider)
        .with_safe_default_protocol_versions()
        .unwrap()
        .with_root_certificates(roots)
        .with_no_client_auth();
    let connector = tokio_rustls::TlsConnector::from(Arc::new(config));
    let tcp = tokio::net::TcpStream::connect(("127.0.0.1", port))
        .await
        .unwrap();
    let mut tls = connector
        .connect(ServerName::try_from("localhost").unwrap(), tcp)
        .await
        .expect("the handshake with the test certificate");
    tls.write_all(request.as_bytes()).await.unwrap();
    let mut out = Vec::new();
    tls.read_to_end(&mut out).await.ok();
    String::from_utf8_lossy(&out).into_owned()
}

fn port_of(url: &str) -> u16 {
    url.trim_end_matches('/')
        .rsplit(':')
        .next()
        .unwrap()
        .parse()
        .unwrap()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn pages_are_served_over_tls_with_secure_cookies() {
    let dir = tempfile::tempdir().unwrap();
    let (url, stop) = start(dir.path()).await;
    assert!(url.starts_with("https://127.0.0.1:"), "{url}");
    let port = port_of(&url);
    let health = https(
        port,
        &format!("GET /api/health HTTP/1.1\r\nHost: localhost:{port}\r\nConnection: close\r\n\r\n"),
    )
    .await;
    assert!(health.starts_with("HTTP/1.1 200"), "{health}");
    assert!(health.contains("\"ok\""), "{health}");
    // The sign-in page sets its form's cookie: Secure over HTTPS.
    let signed_in = https(
        port,
        &format!("GET /login HTTP/1.1\r\nHost: localhost:{port}\r\nConnection: close\r\n\r\n"),
    )
    .await;
    let cookie = signed_in
        .lines()
        .find(|l| l.to_ascii_lowercase().starts_with("set-cookie:"))
        .unwrap_or_else(|| panic!("no cookie: {signed_in}"));
    assert!(cookie.contains("; Secure"), "{cookie}");
    // Plain HTTP on the HTTPS port gets no page.
    let mut plain = tokio::net::TcpStream::connect(("127.0.0.1", port))
        .await
        .unwrap();
    plain
        .write_all(b"GET /api/health HTTP/1.1\r\nHost: localhost\r\n\r\n")
        .await
        .unwrap();
    let mut answer = Vec::new();
    let _ = tokio::time::timeout(
        std::time::Duration::from_secs(15),
        plain.read_to_end(&mut answer),
    )
    .await;
    assert!(!String::from_utf8_lossy(&answer).contains("200 OK"));
    let _ = stop.send(());
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_key_that_is_not_a_key_stops_the_start_with_its_name() {
    let dir = tempfile::tempdir().unwrap();
    let bad_key = dir.path().join("key.pem");
    std::fs::write(&bad_key, "not a key\n").unwrap();
    let mut settings = Settings::for_tests(dir.path());
    settings.tls = Some((tls_dir().join("cert.pem"), bad_key));
    let err = janu_server::serve(settings, async {}, |_| {})
        .await
        .unwrap_err()
        .to_string();
    assert!(err.contains("key.pem"), "{err}");
}
