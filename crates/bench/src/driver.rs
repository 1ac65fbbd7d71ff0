//! The load generator: keep-alive HTTP/1.1 connections over loopback, a
//! fixed number of concurrent clients, and every request's latency kept.

use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::{Duration, Instant};

use anyhow::{Context, bail};
use serde_json::{Value, json};
use tokio::io::{AsyncBufReadExt, AsyncReadExt, AsyncWriteExt, BufReader};
use tokio::net::TcpStream;

use super::resources::CpuTimes;
use super::{PASSWORD, WHO};

/// `n` GETs of `path` after a tenth as many to warm up: latency, throughput
/// and CPU time per request, printed and as JSON.
pub(crate) async fn measure(
    name: &str,
    addr: &str,
    pid: u32,
    path: &str,
    headers: &[(&str, &str)],
    connections: usize,
    n: usize,
) -> anyhow::Result<Value> {
    load(addr, path, headers, connections, n / 10).await?; // warm-up
    let cpu = CpuTimes::read(pid);
    let stats = load(addr, path, headers, connections, n).await?;
    let (server_us, machine_us) = cpu.per_request(pid, stats.count);
    eprintln!(
        "   {name} ({connections} connections): {stats}; CPU per request: server {server_us:.0} µs, machine {machine_us:.0} µs"
    );
    let mut figures = stats.json();
    figures["connections"] = json!(connections);
    figures["server_cpu_us_per_request"] = json!(server_us);
    figures["machine_cpu_us_per_request"] = json!(machine_us);
    Ok(figures)
}

pub(crate) async fn sign_in(conn: &mut Conn) -> anyhow::Result<String> {
    let body = format!("email={}&password={}", WHO.replace('@', "%40"), PASSWORD);
    let r = conn
        .request(
            "POST",
            "/sign-in",
            &[("content-type", "application/x-www-form-urlencoded")],
            Some(body.as_bytes()),
        )
        .await?;
    let cookie = r.set_cookie.context("signing in gave no session cookie")?;
    Ok(cookie.split(';').next().unwrap_or_default().to_owned())
}

/// One keep-alive HTTP/1.1 connection.
pub(crate) struct Conn {
    pub(crate) reader: BufReader<TcpStream>,
    pub(crate) host: String,
}

pub(crate) struct Answer {
    pub(crate) status: u16,
    pub(crate) body: Vec<u8>,
    pub(crate) set_cookie: Option<String>,
    /// The server's `x-request-id`: how its audit events name the request.
    pub(crate) request_id: Option<String>,
}

impl Conn {
    pub(crate) async fn open(addr: &str) -> anyhow::Result<Conn> {
        let stream = TcpStream::connect(addr).await?;
        stream.set_nodelay(true)?;
        Ok(Conn {
            reader: BufReader::new(stream),
            host: addr.to_owned(),
        })
    }

    pub(crate) async fn request(
        &mut self,
        method: &str,
        path: &str,
        headers: &[(&str, &str)],
        body: Option<&[u8]>,
    ) -> anyhow::Result<Answer> {
        let mut head = format!("{method} {path} HTTP/1.1\r\nhost: {}\r\n", self.host);
        for (k, v) in headers {
            head.push_str(&format!("{k}: {v}\r\n"));
        }
        if let Some(b) = body {
            head.push_str(&format!("content-length: {}\r\n", b.len()));
        }
        head.push_str("\r\n");
        let stream = self.reader.get_mut();
        stream.write_all(head.as_bytes()).await?;
        if let Some(b) = body {
            stream.write_all(b).await?;
        }
        let mut line = String::new();
        self.reader.read_line(&mut line).await?;
        let status: u16 = line
            .split_whitespace()
            .nth(1)
            .and_then(|s| s.parse().ok())
            .with_context(|| format!("bad status line {line:?}"))?;
        let mut length = 0usize;
        let mut set_cookie = None;
        let mut request_id = None;
        loop {
            line.clear();
            self.reader.read_line(&mut line).await?;
            let l = line.trim_end();
            if l.is_empty() {
                break;
            }
            if let Some((k, v)) = l.split_once(':') {
                let k = k.to_ascii_lowercase();
                if k == "content-length" {
                    length = v.trim().parse()?;
                } else if k == "set-cookie" {
                    set_cookie = Some(v.trim().to_owned());
                } else if k == "x-request-id" {
                    request_id = Some(v.trim().to_owned());
                } else if k == "transfer-encoding" {
                    bail!("chunked responses are not expected from Caseload");
                }
            }
        }
        let mut body = vec![0u8; length];
        self.reader.read_exact(&mut body).await?;
        Ok(Answer {
            status,
            body,
            set_cookie,
            request_id,
        })
    }
}

pub(crate) struct Stats {
    pub(crate) count: usize,
    pub(crate) errors: usize,
    pub(crate) seconds: f64,
    pub(crate) rps: f64,
    p50: f64,
    p90: f64,
    p99: f64,
    pub(crate) max: f64,
}

impl Stats {
    pub(crate) fn from(mut latencies: Vec<Duration>, errors: usize, elapsed: Duration) -> Stats {
        latencies.sort_unstable();
        let ms = |q: f64| {
            latencies
                .get(((latencies.len() as f64 * q) as usize).min(latencies.len().saturating_sub(1)))
                .map_or(0.0, |d| d.as_secs_f64() * 1000.0)
        };
        Stats {
            count: latencies.len(),
            errors,
            seconds: elapsed.as_secs_f64(),
            rps: latencies.len() as f64 / elapsed.as_secs_f64(),
            p50: ms(0.50),
            p90: ms(0.90),
            p99: ms(0.99),
            max: latencies.last().map_or(0.0, |d| d.as_secs_f64() * 1000.0),
        }
    }

    pub(crate) fn json(&self) -> Value {
        json!({"requests": self.count, "errors": self.errors, "seconds": self.seconds,
            "per_second": self.rps, "p50_ms": self.p50, "p90_ms": self.p90,
            "p99_ms": self.p99, "max_ms": self.max})
    }
}

impl std::fmt::Display for Stats {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            f,
            "{} requests ({} errors) in {:.2} s: {:.0}/s, p50 {:.2} ms, p90 {:.2} ms, p99 {:.2} ms, max {:.2} ms",
            self.count, self.errors, self.seconds, self.rps, self.p50, self.p90, self.p99, self.max
        )
    }
}

/// `total` GETs of `path` over `concurrency` keep-alive connections.
pub(crate) async fn load(
    addr: &str,
    path: &str,
    headers: &[(&str, &str)],
    concurrency: usize,
    total: usize,
) -> anyhow::Result<Stats> {
    let left = Arc::new(AtomicUsize::new(total));
    let headers: Vec<(String, String)> = headers
        .iter()
        .map(|(k, v)| ((*k).to_owned(), (*v).to_owned()))
        .collect();
    let started = Instant::now();
    let mut tasks = Vec::new();
    for _ in 0..concurrency {
        let left = left.clone();
        let addr = addr.to_owned();
        let path = path.to_owned();
        let headers = headers.clone();
        tasks.push(tokio::spawn(async move {
            let mut conn = Conn::open(&addr).await?;
            let hs: Vec<(&str, &str)> = headers
                .iter()
                .map(|(k, v)| (k.as_str(), v.as_str()))
                .collect();
            let mut latencies = Vec::new();
            let mut errors = 0;
            while left
                .fetch_update(Ordering::SeqCst, Ordering::SeqCst, |n| n.checked_sub(1))
                .is_ok()
            {
                let t = Instant::now();
                let r = conn.request("GET", &path, &hs, None).await?;
                latencies.push(t.elapsed());
                if r.status != 200 {
                    errors += 1;
                }
            }
            anyhow::Ok((latencies, errors))
        }));
    }
    let mut all = Vec::with_capacity(total);
    let mut errors = 0;
    for t in tasks {
        let (l, e) = t.await??;
        all.extend(l);
        errors += e;
    }
    let stats = Stats::from(all, errors, started.elapsed());
    if stats.errors > 0 {
        bail!("{path}: {} requests failed", stats.errors);
    }
    Ok(stats)
}
