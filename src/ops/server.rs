//! The HTTP endpoint: `GET /healthz` (200 while every gateway shard is connected and ready,
//! 503 otherwise) and `GET /metrics` (Prometheus text). Deliberately tiny: one request per
//! connection, GET only, nothing else served.

use super::Metrics;
use std::sync::Arc;
use std::time::Duration;
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::{TcpListener, TcpStream};

/// Serves until the listener fails.
pub async fn serve(listener: TcpListener, metrics: Arc<Metrics>) {
    loop {
        let Ok((stream, _)) = listener.accept().await else {
            continue;
        };
        let metrics = Arc::clone(&metrics);
        tokio::spawn(async move {
            let _ = tokio::time::timeout(Duration::from_secs(5), answer(stream, &metrics)).await;
        });
    }
}

async fn answer(mut stream: TcpStream, metrics: &Metrics) -> std::io::Result<()> {
    let mut buf = vec![0u8; 4096];
    let mut len = 0;
    // Read the request head (the request line is all that matters).
    while len < buf.len() {
        let n = stream.read(&mut buf[len..]).await?;
        if n == 0 {
            break;
        }
        len += n;
        if buf[..len].windows(4).any(|w| w == b"\r\n\r\n") {
            break;
        }
    }
    let head = String::from_utf8_lossy(&buf[..len]);
    let mut parts = head.split_whitespace();
    let (method, path) = (parts.next().unwrap_or(""), parts.next().unwrap_or(""));
    let (status, body, kind) = match (method, path) {
        ("GET", "/healthz") if metrics.healthy() => ("200 OK", "ok\n".to_string(), "text/plain"),
        ("GET", "/healthz") => (
            "503 Service Unavailable",
            "not connected to Discord\n".to_string(),
            "text/plain",
        ),
        ("GET", "/metrics") => ("200 OK", metrics.render(), "text/plain; version=0.0.4"),
        ("GET", _) => ("404 Not Found", "not found\n".to_string(), "text/plain"),
        _ => (
            "405 Method Not Allowed",
            "only GET\n".to_string(),
            "text/plain",
        ),
    };
    let response = format!(
        "HTTP/1.1 {status}\r\ncontent-type: {kind}\r\ncontent-length: {}\r\nconnection: close\r\n\r\n{body}",
        body.len()
    );
    stream.write_all(response.as_bytes()).await?;
    stream.shutdown().await
}

/// `GET http://addr/healthz` -> whether it answered 200; for `citebot healthcheck` (a container
/// health check without curl).
pub async fn check(addr: std::net::SocketAddr) -> bool {
    let attempt = async {
        let mut s = TcpStream::connect(addr).await.ok()?;
        s.write_all(b"GET /healthz HTTP/1.1\r\nhost: citebot\r\nconnection: close\r\n\r\n")
            .await
            .ok()?;
        let mut out = Vec::new();
        s.read_to_end(&mut out).await.ok()?;
        Some(out.starts_with(b"HTTP/1.1 200"))
    };
    tokio::time::timeout(Duration::from_secs(3), attempt)
        .await
        .ok()
        .flatten()
        .unwrap_or(false)
}
