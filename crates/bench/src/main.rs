//! `caseload-bench`: the benchmark suite (see BENCHMARKS.md).
//!
//! For each backend it loads a scaled demonstration service with
//! `caseload demo --scale` (timed), re-evaluates it twice (timed: the first
//! run catches up, the second is the steady state), starts the real server
//! (timed to its first answer), then drives it over loopback with a small
//! HTTP/1.1 load generator of its own — persistent connections, a fixed
//! number of concurrent clients, every request's latency kept — and finally
//! measures the raw limit of a durable write through the same driver. It
//! prints one Markdown table per backend and writes the figures as JSON.

#![allow(clippy::unwrap_used)]

use std::path::{Path, PathBuf};
use std::process::Stdio;
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::{Duration, Instant};

use anyhow::{Context, bail};
use clap::Parser;
use serde_json::{Value, json};
use tokio::io::{AsyncBufReadExt, AsyncReadExt, AsyncWriteExt, BufReader};
use tokio::net::TcpStream;
use tokio::process::{Child, Command};

#[derive(Debug, Parser)]
#[command(
    name = "caseload-bench",
    about = "Benchmark Caseload on a scaled data set"
)]
struct Args {
    /// tiny, small or medium (see `caseload demo --scale`).
    #[arg(long, default_value = "medium")]
    scale: String,
    /// sqlite, postgres, or both (SQLite first).
    #[arg(long, default_value = "both")]
    backend: String,
    /// Requests per read benchmark (after a warm-up of a tenth as many).
    #[arg(long, default_value_t = 10_000)]
    requests: usize,
    /// Notes appended in the write benchmark, and raw inserts in its baseline.
    #[arg(long, default_value_t = 2_000)]
    writes: usize,
    /// Concurrent connections for the read benchmarks.
    #[arg(long, default_value_t = 4)]
    concurrency: usize,
    /// Where the SQLite data and the results go.
    #[arg(long, default_value = "target/bench")]
    dir: PathBuf,
    /// A PostgreSQL server the bench may create a database on.
    #[arg(
        long,
        env = "CASELOAD_BENCH_POSTGRES_URL",
        default_value = "postgres://postgres@127.0.0.1:5432/postgres"
    )]
    postgres: String,
    /// Reuse a data set loaded by an earlier run instead of loading afresh.
    #[arg(long)]
    reuse: bool,
    /// Run only these read benchmarks (queue_json, queue_json_saturated,
    /// queue_html, case_html, timeline_json, case_json, queue_json_after_note,
    /// queue_json_unkept, queue_json_saturated_unkept), and skip
    /// re-evaluation and the writes:
    /// for profiling one path with `--reuse`.
    #[arg(long, value_delimiter = ',')]
    only: Vec<String>,
}

const PASSWORD: &str = "bench-password-not-secret-2026";
const WHO: &str = "practitioner.00001@demo.caseload.invalid";

#[tokio::main]
async fn main() -> anyhow::Result<()> {
    let args = Args::parse();
    if !["tiny", "small", "medium"].contains(&args.scale.as_str()) {
        bail!("--scale must be tiny, small or medium");
    }
    let backends: Vec<&str> = match args.backend.as_str() {
        "both" => vec!["sqlite", "postgres"],
        "sqlite" => vec!["sqlite"],
        "postgres" => vec!["postgres"],
        other => bail!("--backend {other:?}: use sqlite, postgres or both"),
    };
    std::fs::create_dir_all(&args.dir)?;
    let exe = std::env::current_exe()?;
    let caseload = exe.with_file_name("caseload");
    if !caseload.exists() {
        bail!(
            "{} is missing: build it first (cargo build --release -p caseload)",
            caseload.display()
        );
    }
    for backend in backends {
        let results = run_backend(&args, backend, &caseload).await?;
        let file = args.dir.join(format!(
            "results-{backend}-{}{}.json",
            args.scale,
            if args.only.is_empty() { "" } else { "-partial" }
        ));
        std::fs::write(&file, serde_json::to_string_pretty(&results)?)?;
        println!("{}", table(&results));
        println!("(figures also in {})\n", file.display());
    }
    Ok(())
}

fn machine() -> Value {
    let cores = std::thread::available_parallelism().map_or(0, |n| n.get());
    let mem = std::fs::read_to_string("/proc/meminfo")
        .ok()
        .and_then(|m| {
            m.lines()
                .find(|l| l.starts_with("MemTotal:"))
                .and_then(|l| l.split_whitespace().nth(1))
                .and_then(|kb| kb.parse::<u64>().ok())
        })
        .map_or(0, |kb| kb / 1024 / 1024);
    let cpu = std::fs::read_to_string("/proc/cpuinfo")
        .ok()
        .and_then(|c| {
            c.lines()
                .find(|l| l.starts_with("model name"))
                .and_then(|l| l.split_once(':'))
                .map(|(_, v)| v.trim().to_owned())
        })
        .unwrap_or_default();
    json!({"cores": cores, "memory_gib": mem, "cpu": cpu,
        "date": jiff::Timestamp::now().strftime("%Y-%m-%d").to_string()})
}

async fn run_backend(args: &Args, backend: &str, caseload: &Path) -> anyhow::Result<Value> {
    let url = match backend {
        "sqlite" => {
            let file = args.dir.join(format!("{}.db", args.scale));
            format!("sqlite:{}", file.display())
        }
        _ => {
            let base = args.postgres.rsplit_once('/').map_or("", |(b, _)| b);
            format!("{base}/caseload_bench_{}", args.scale)
        }
    };
    eprintln!("== {backend}, {} data: {url}", args.scale);
    let mut out = json!({"backend": backend, "scale": args.scale, "machine": machine()});

    // Load (or reuse) the data set.
    if !args.reuse {
        fresh_database(backend, &url, &args.postgres).await?;
        let started = Instant::now();
        let load = run(caseload, &url, &["demo", "--scale", &args.scale]).await?;
        out["load_seconds"] = json!(started.elapsed().as_secs_f64());
        out["load_output"] = json!(load.trim());
        eprintln!(
            "   loaded in {:.1} s: {}",
            started.elapsed().as_secs_f64(),
            load.trim()
        );
    }

    // Re-evaluation: the first run catches up, the second is steady state.
    let keys: &[&str] = if args.only.is_empty() {
        &["reevaluate_first_seconds", "reevaluate_seconds"]
    } else {
        &[]
    };
    for &key in keys {
        let started = Instant::now();
        let said = run(caseload, &url, &["reevaluate"]).await?;
        out[key] = json!(started.elapsed().as_secs_f64());
        eprintln!(
            "   reevaluate: {:.2} s — {}",
            started.elapsed().as_secs_f64(),
            said.trim()
        );
    }

    // Someone to be: a practitioner with about fifty open cases.
    let token = run(caseload, &url, &["token", "create", "--email", WHO])
        .await?
        .trim()
        .to_owned();
    run_with_stdin(
        caseload,
        &url,
        &["user", "passwd", "--email", WHO, "--password-stdin"],
        PASSWORD,
    )
    .await?;

    // Start the server; start-up is until it answers its first request.
    let started = Instant::now();
    let (mut server, addr) = start_server(caseload, &url, &[]).await?;
    let mut probe = Conn::open(&addr).await?;
    probe.request("GET", "/api/v1/health", &[], None).await?;
    out["startup_seconds"] = json!(started.elapsed().as_secs_f64());
    let pid = server.id().context("server pid")?;

    let auth = format!("Bearer {token}");
    let bearer = [("authorization", auth.as_str())];
    let queue = probe
        .request("GET", "/api/v1/caseload", &bearer, None)
        .await?;
    let rows: Value = serde_json::from_slice(&queue.body)?;
    let open = rows.as_array().map_or(0, Vec::len);
    out["queue_rows"] = json!(open);
    let case = fifty_note_case(backend, &url).await?;
    let cookie = sign_in(&mut probe).await?;
    let session = [("cookie", cookie.as_str())];

    let n = args.requests;
    let c = args.concurrency;
    let mut reads = serde_json::Map::new();
    // Latency at `c` connections; throughput also with four times as many,
    // enough to keep both cores busy (a closed loop of `c` connections is
    // held back by each request's own wait for its audit event to be on disk).
    for (name, path, headers, connections) in [
        ("queue_json", "/api/v1/caseload".to_owned(), &bearer[..], c),
        (
            "queue_json_saturated",
            "/api/v1/caseload".to_owned(),
            &bearer[..],
            4 * c,
        ),
        ("queue_html", "/caseload".to_owned(), &session[..], c),
        ("case_html", format!("/cases/{case}"), &session[..], c),
        (
            "timeline_json",
            format!("/api/v1/cases/{case}/timeline"),
            &bearer[..],
            c,
        ),
        ("case_json", format!("/api/v1/cases/{case}"), &bearer[..], c),
    ] {
        if !args.only.is_empty() && !args.only.iter().any(|o| o == name) {
            continue;
        }
        let figures = measure(name, &addr, pid, &path, headers, connections, n).await?;
        reads.insert(name.into(), figures);
    }
    // The practitioner's cases to write notes to (not the fifty-note case:
    // a later run measures it again).
    let cases: Vec<String> = rows
        .as_array()
        .map(|r| {
            r.iter()
                .filter_map(|x| x["case"]["id"].as_str().map(str::to_owned))
                .filter(|id| *id != case)
                .collect()
        })
        .unwrap_or_default();
    // The first look at the queue after writing a note: the kept rows with
    // the one changed case read again.
    let after = "queue_json_after_note";
    if args.only.is_empty() || args.only.iter().any(|o| o == after) {
        let stats = queue_after_notes(&addr, &auth, &cases, (n / 10).max(10)).await?;
        eprintln!("   {after} (1 connection, a note written before each): {stats}");
        let mut figures = stats.json();
        figures["connections"] = json!(1);
        // Its pace is the notes' (durable writes), not the queue's.
        figures["per_second"] = Value::Null;
        reads.insert(after.into(), figures);
    }
    // The same queue from a server that keeps no caseload rows: every read
    // goes to the database, as the first look after any change does.
    let unkept = ["queue_json_unkept", "queue_json_saturated_unkept"];
    if args.only.is_empty() || args.only.iter().any(|o| unkept.contains(&o.as_str())) {
        let (mut plain, plain_addr) =
            start_server(caseload, &url, &["--kept-caseload-rows", "0"]).await?;
        let plain_pid = plain.id().context("server pid")?;
        for (name, connections) in [(unkept[0], c), (unkept[1], 4 * c)] {
            if !args.only.is_empty() && !args.only.iter().any(|o| o == name) {
                continue;
            }
            let path = "/api/v1/caseload";
            let figures =
                measure(name, &plain_addr, plain_pid, path, &bearer, connections, n).await?;
            reads.insert(name.into(), figures);
        }
        let _ = plain.start_kill();
        let _ = plain.wait().await;
    }
    out["reads"] = Value::Object(reads);
    if !args.only.is_empty() {
        out["server_peak_rss_mib"] = json!(peak_rss_mib(pid));
        return Ok(out);
    }

    // Durable note appends from 16 writers, each to its own case.
    let writes = append_notes(&addr, &auth, &cases, 16, args.writes).await?;
    eprintln!("   note appends: {writes}");
    out["note_append"] = writes.json();
    out["server_peak_rss_mib"] = json!(peak_rss_mib(pid));
    let _ = server.start_kill();
    let _ = server.wait().await;

    // The raw limit: the same rows of one durable write (note, timeline
    // entry, audit event) in one transaction, through the same driver with
    // the same durability, from 16 writers.
    let raw = raw_inserts(backend, &url, &cases, 16, args.writes).await?;
    eprintln!("   raw inserts: {:.0}/s", raw);
    out["raw_insert_per_second"] = json!(raw);
    out["note_append_ratio"] = json!(writes.rps / raw);
    Ok(out)
}

async fn fresh_database(backend: &str, url: &str, admin_url: &str) -> anyhow::Result<()> {
    if backend == "sqlite" {
        let file = url.trim_start_matches("sqlite:");
        for suffix in ["", "-wal", "-shm"] {
            let _ = std::fs::remove_file(format!("{file}{suffix}"));
        }
        return Ok(());
    }
    use sqlx::Connection;
    let mut admin = sqlx::PgConnection::connect(admin_url)
        .await
        .with_context(|| format!("cannot reach PostgreSQL at {admin_url}"))?;
    let name = url.rsplit('/').next().unwrap_or_default();
    sqlx::query(&format!("DROP DATABASE IF EXISTS \"{name}\" WITH (FORCE)"))
        .execute(&mut admin)
        .await?;
    sqlx::query(&format!("CREATE DATABASE \"{name}\""))
        .execute(&mut admin)
        .await?;
    Ok(())
}

async fn run(caseload: &Path, url: &str, args: &[&str]) -> anyhow::Result<String> {
    run_with_stdin(caseload, url, args, "").await
}

async fn run_with_stdin(
    caseload: &Path,
    url: &str,
    args: &[&str],
    input: &str,
) -> anyhow::Result<String> {
    let mut child = Command::new(caseload)
        .arg("--database")
        .arg(url)
        .args(args)
        .env("CASELOAD_LOG", "warn")
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()?;
    if let Some(mut stdin) = child.stdin.take() {
        stdin.write_all(input.as_bytes()).await?;
    }
    let out = child.wait_with_output().await?;
    let text = String::from_utf8_lossy(&out.stdout).into_owned();
    let err = String::from_utf8_lossy(&out.stderr).into_owned();
    if !out.status.success() {
        bail!("caseload {} failed: {err}", args.join(" "));
    }
    Ok(if text.trim().is_empty() { err } else { text })
}

/// `n` GETs of `path` after a tenth as many to warm up: latency, throughput
/// and CPU time per request, printed and as JSON.
async fn measure(
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

async fn start_server(
    caseload: &Path,
    url: &str,
    extra: &[&str],
) -> anyhow::Result<(Child, String)> {
    let mut child = Command::new(caseload)
        .arg("--database")
        .arg(url)
        // Re-evaluation is measured on its own, with `caseload reevaluate`.
        .args([
            "serve",
            "--listen",
            "127.0.0.1:0",
            "--reevaluate-every-minutes",
            "0",
        ])
        .args(extra)
        .env("CASELOAD_LOG", "warn")
        .stdout(Stdio::piped())
        .stderr(Stdio::inherit())
        .kill_on_drop(true)
        .spawn()?;
    let stdout = child.stdout.take().context("server stdout")?;
    let mut lines = BufReader::new(stdout).lines();
    while let Some(line) = lines.next_line().await? {
        if let Some(addr) = line.strip_prefix("Caseload listening on http://") {
            let addr = addr.trim().to_owned();
            tokio::spawn(async move { while let Ok(Some(_)) = lines.next_line().await {} });
            return Ok((child, addr));
        }
    }
    bail!("the server stopped before it listened")
}

async fn fifty_note_case(backend: &str, url: &str) -> anyhow::Result<String> {
    let sql = "SELECT n.case_id FROM notes n JOIN cases c ON c.id = n.case_id JOIN users u ON u.id = c.owner_id \
               WHERE u.email = $1 GROUP BY n.case_id HAVING COUNT(*) >= 50 ORDER BY COUNT(*), n.case_id LIMIT 1";
    let id: String = if backend == "sqlite" {
        use sqlx::Connection;
        let mut conn = sqlx::SqliteConnection::connect(url).await?;
        sqlx::query_scalar(&sql.replace("$1", "?"))
            .bind(WHO)
            .fetch_one(&mut conn)
            .await?
    } else {
        use sqlx::Connection;
        let mut conn = sqlx::PgConnection::connect(url).await?;
        sqlx::query_scalar(sql)
            .bind(WHO)
            .fetch_one(&mut conn)
            .await?
    };
    Ok(id)
}

async fn sign_in(conn: &mut Conn) -> anyhow::Result<String> {
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

/// CPU time used so far by the server process and by the whole machine (in
/// clock ticks of 1/100 s, Linux's USER_HZ): throughput on a shared, noisy
/// machine swings by a fifth from run to run, CPU time per request much less,
/// so it is the figure to compare changes by. The machine's figure includes
/// the load generator and, on PostgreSQL, the database's own processes.
struct CpuTimes {
    server: u64,
    machine: u64,
}

impl CpuTimes {
    fn read(pid: u32) -> CpuTimes {
        let server = std::fs::read_to_string(format!("/proc/{pid}/stat"))
            .ok()
            .and_then(|s| {
                // Fields after the command name (which may hold spaces): state
                // is field 3, utime 14 and stime 15.
                let rest = s.rsplit_once(')')?.1.to_owned();
                let f: Vec<u64> = rest
                    .split_whitespace()
                    .skip(11)
                    .take(2)
                    .filter_map(|x| x.parse().ok())
                    .collect();
                Some(f.iter().sum())
            })
            .unwrap_or(0);
        let machine = std::fs::read_to_string("/proc/stat")
            .ok()
            .and_then(|s| {
                let line = s.lines().find(|l| l.starts_with("cpu "))?.to_owned();
                let f: Vec<u64> = line
                    .split_whitespace()
                    .skip(1)
                    .filter_map(|x| x.parse().ok())
                    .collect();
                // user nice system idle iowait irq softirq steal: busy is all
                // but idle and iowait.
                let idle = f.get(3).copied().unwrap_or(0) + f.get(4).copied().unwrap_or(0);
                Some(f.iter().take(8).sum::<u64>() - idle)
            })
            .unwrap_or(0);
        CpuTimes { server, machine }
    }

    /// Microseconds of CPU per request since `self`, for the server and the machine.
    fn per_request(&self, pid: u32, requests: usize) -> (f64, f64) {
        let now = CpuTimes::read(pid);
        let per = |a: u64, b: u64| (b.saturating_sub(a) as f64) * 10_000.0 / requests.max(1) as f64;
        (per(self.server, now.server), per(self.machine, now.machine))
    }
}

fn peak_rss_mib(pid: u32) -> f64 {
    std::fs::read_to_string(format!("/proc/{pid}/status"))
        .ok()
        .and_then(|s| {
            s.lines()
                .find(|l| l.starts_with("VmHWM:"))
                .and_then(|l| l.split_whitespace().nth(1))
                .and_then(|kb| kb.parse::<f64>().ok())
        })
        .map_or(0.0, |kb| kb / 1024.0)
}

/// One keep-alive HTTP/1.1 connection.
struct Conn {
    reader: BufReader<TcpStream>,
    host: String,
}

struct Answer {
    status: u16,
    body: Vec<u8>,
    set_cookie: Option<String>,
}

impl Conn {
    async fn open(addr: &str) -> anyhow::Result<Conn> {
        let stream = TcpStream::connect(addr).await?;
        stream.set_nodelay(true)?;
        Ok(Conn {
            reader: BufReader::new(stream),
            host: addr.to_owned(),
        })
    }

    async fn request(
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
        })
    }
}

struct Stats {
    count: usize,
    errors: usize,
    seconds: f64,
    rps: f64,
    p50: f64,
    p90: f64,
    p99: f64,
    max: f64,
}

impl Stats {
    fn from(mut latencies: Vec<Duration>, errors: usize, elapsed: Duration) -> Stats {
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

    fn json(&self) -> Value {
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
async fn load(
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

fn note_body(i: usize) -> String {
    let occurred = jiff::Timestamp::now()
        .checked_sub(jiff::SignedDuration::from_mins(5))
        .unwrap();
    json!({
        "kind": "phone",
        "occurred_at": occurred.to_string(),
        "sections": {
            "situation": format!("Benchmark call {i}: client rang about the letter from the council."),
            "action": "Explained the letter and agreed to write back on the client's behalf.",
            "result": "Client is reassured; follow-up set for next week."
        }
    })
    .to_string()
}

/// `total` note appends from `writers` concurrent writers, each to its own case.
/// `rounds` times on one connection: a note written to one of `cases` (not
/// timed), then the queue read (timed).
async fn queue_after_notes(
    addr: &str,
    auth: &str,
    cases: &[String],
    rounds: usize,
) -> anyhow::Result<Stats> {
    if cases.is_empty() {
        bail!("the practitioner has no open cases to write to");
    }
    let mut conn = Conn::open(addr).await?;
    let mut latencies = Vec::with_capacity(rounds);
    let mut errors = 0;
    let started = Instant::now();
    for i in 0..rounds {
        let path = format!("/api/v1/cases/{}/notes", cases[i % cases.len()]);
        let body = note_body(i);
        let headers = [
            ("authorization", auth),
            ("content-type", "application/json"),
        ];
        let written = conn
            .request("POST", &path, &headers, Some(body.as_bytes()))
            .await?;
        if written.status != 201 {
            bail!("note append answered {}", written.status);
        }
        let t = Instant::now();
        let r = conn
            .request("GET", "/api/v1/caseload", &headers[..1], None)
            .await?;
        latencies.push(t.elapsed());
        if r.status != 200 {
            errors += 1;
        }
    }
    let stats = Stats::from(latencies, errors, started.elapsed());
    if stats.errors > 0 {
        bail!("the queue after a note: {} requests failed", stats.errors);
    }
    Ok(stats)
}

async fn append_notes(
    addr: &str,
    auth: &str,
    cases: &[String],
    writers: usize,
    total: usize,
) -> anyhow::Result<Stats> {
    if cases.is_empty() {
        bail!("the practitioner has no open cases to write to");
    }
    let left = Arc::new(AtomicUsize::new(total));
    let started = Instant::now();
    let mut tasks = Vec::new();
    for w in 0..writers {
        let left = left.clone();
        let addr = addr.to_owned();
        let auth = auth.to_owned();
        let case = cases[w % cases.len()].clone();
        tasks.push(tokio::spawn(async move {
            let mut conn = Conn::open(&addr).await?;
            let path = format!("/api/v1/cases/{case}/notes");
            let mut latencies = Vec::new();
            let mut errors = 0;
            while let Ok(n) =
                left.fetch_update(Ordering::SeqCst, Ordering::SeqCst, |n| n.checked_sub(1))
            {
                let body = note_body(n);
                let t = Instant::now();
                let r = conn
                    .request(
                        "POST",
                        &path,
                        &[
                            ("authorization", &auth),
                            ("content-type", "application/json"),
                        ],
                        Some(body.as_bytes()),
                    )
                    .await?;
                latencies.push(t.elapsed());
                if r.status != 201 {
                    errors += 1;
                    eprintln!(
                        "   note append answered {}: {}",
                        r.status,
                        String::from_utf8_lossy(&r.body)
                    );
                }
            }
            anyhow::Ok((latencies, errors))
        }));
    }
    let mut all = Vec::new();
    let mut errors = 0;
    for t in tasks {
        let (l, e) = t.await??;
        all.extend(l);
        errors += e;
    }
    let stats = Stats::from(all, errors, started.elapsed());
    if stats.errors > 0 {
        bail!("{} note appends failed", stats.errors);
    }
    Ok(stats)
}

/// The raw limit of a durable note write: per acknowledged write, one
/// transaction inserting the note, its timeline entry and its audit event —
/// as the server does, without HTTP, parsing or checks.
async fn raw_inserts(
    backend: &str,
    url: &str,
    cases: &[String],
    writers: usize,
    total: usize,
) -> anyhow::Result<f64> {
    let actor: String;
    let left = Arc::new(AtomicUsize::new(total));
    let started;
    let sections = json!([{"name": "situation", "text": "Benchmark call: client rang about the letter from the council."},
        {"name": "action", "text": "Explained the letter and agreed to write back on the client's behalf."},
        {"name": "result", "text": "Client is reassured; follow-up set for next week."}]);
    // Ids unique to this run, so a data set can be measured again.
    let run = jiff::Timestamp::now().as_millisecond();
    let mut tasks = Vec::new();
    if backend == "sqlite" {
        use sqlx::sqlite::{
            SqliteConnectOptions, SqliteJournalMode, SqlitePoolOptions, SqliteSynchronous,
        };
        use std::str::FromStr;
        let options = SqliteConnectOptions::from_str(url)?
            .journal_mode(SqliteJournalMode::Wal)
            .synchronous(SqliteSynchronous::Full)
            .foreign_keys(true)
            .busy_timeout(Duration::from_secs(10));
        // One writer connection, as the server has (SQLite has one writer).
        let pool = SqlitePoolOptions::new()
            .max_connections(1)
            .connect_with(options)
            .await?;
        actor = sqlx::query_scalar("SELECT id FROM users WHERE email = ?")
            .bind(WHO)
            .fetch_one(&pool)
            .await?;
        started = Instant::now();
        for w in 0..writers {
            let (pool, left, actor, sections) =
                (pool.clone(), left.clone(), actor.clone(), sections.clone());
            let case = cases[w % cases.len()].clone();
            tasks.push(tokio::spawn(async move {
                while let Ok(n) = left.fetch_update(Ordering::SeqCst, Ordering::SeqCst, |n| n.checked_sub(1)) {
                    let now = jiff::Timestamp::now().as_microsecond();
                    let id = format!("not_raw{run}{w:02}{n:08}");
                    let mut tx = pool.begin().await?;
                    sqlx::query("INSERT INTO notes (id, case_id, author_id, kind, template, occurred_at, recorded_at, late_entry, late_reason, sections) VALUES (?, ?, ?, 'phone', 'star', ?, ?, 0, NULL, ?)")
                        .bind(&id).bind(&case).bind(&actor).bind(now - 300_000_000).bind(now).bind(sections.to_string())
                        .execute(&mut *tx).await?;
                    sqlx::query("INSERT INTO case_events (case_id, at, recorded_at, actor_id, kind, subject_id, data) VALUES (?, ?, ?, ?, 'note_added', ?, ?)")
                        .bind(&case).bind(now - 300_000_000).bind(now).bind(&actor).bind(&id).bind(r#"{"kind":"phone","late_entry":false}"#)
                        .execute(&mut *tx).await?;
                    sqlx::query("INSERT INTO audit_events (at, actor_id, action, object_type, object_id, request_id) VALUES (?, ?, 'note.create', 'note', ?, 'raw')")
                        .bind(now).bind(&actor).bind(&id)
                        .execute(&mut *tx).await?;
                    tx.commit().await?;
                }
                anyhow::Ok(())
            }));
        }
    } else {
        use sqlx::postgres::PgPoolOptions;
        let pool = PgPoolOptions::new()
            .max_connections(writers as u32)
            .connect(url)
            .await?;
        actor = sqlx::query_scalar("SELECT id FROM users WHERE email = $1")
            .bind(WHO)
            .fetch_one(&pool)
            .await?;
        started = Instant::now();
        for w in 0..writers {
            let (pool, left, actor, sections) =
                (pool.clone(), left.clone(), actor.clone(), sections.clone());
            let case = cases[w % cases.len()].clone();
            tasks.push(tokio::spawn(async move {
                while let Ok(n) = left.fetch_update(Ordering::SeqCst, Ordering::SeqCst, |n| n.checked_sub(1)) {
                    let now = time::OffsetDateTime::now_utc();
                    let occurred = now - time::Duration::minutes(5);
                    let id = format!("not_raw{run}{w:02}{n:08}");
                    let mut tx = pool.begin().await?;
                    sqlx::query("INSERT INTO notes (id, case_id, author_id, kind, template, occurred_at, recorded_at, late_entry, late_reason, sections) VALUES ($1, $2, $3, 'phone', 'star', $4, $5, false, NULL, $6::jsonb)")
                        .bind(&id).bind(&case).bind(&actor).bind(occurred).bind(now).bind(sections.to_string())
                        .execute(&mut *tx).await?;
                    sqlx::query("INSERT INTO case_events (case_id, at, recorded_at, actor_id, kind, subject_id, data) VALUES ($1, $2, $3, $4, 'note_added', $5, $6::jsonb)")
                        .bind(&case).bind(occurred).bind(now).bind(&actor).bind(&id).bind(r#"{"kind":"phone","late_entry":false}"#)
                        .execute(&mut *tx).await?;
                    sqlx::query("INSERT INTO audit_events (at, actor_id, action, object_type, object_id, request_id) VALUES ($1, $2, 'note.create', 'note', $3, 'raw')")
                        .bind(now).bind(&actor).bind(&id)
                        .execute(&mut *tx).await?;
                    tx.commit().await?;
                }
                anyhow::Ok(())
            }));
        }
    }
    for t in tasks {
        t.await??;
    }
    Ok(total as f64 / started.elapsed().as_secs_f64())
}

fn table(r: &Value) -> String {
    let mut out = format!(
        "### {} — {} data ({} cores, {} GiB, {})\n\n| Measure | Figure |\n|---|---|\n",
        r["backend"].as_str().unwrap_or_default(),
        r["scale"].as_str().unwrap_or_default(),
        r["machine"]["cores"],
        r["machine"]["memory_gib"],
        r["machine"]["date"].as_str().unwrap_or_default()
    );
    let f = |v: &Value| v.as_f64().map_or("—".to_owned(), |x| format!("{x:.2}"));
    if let Some(v) = r.get("load_seconds") {
        out.push_str(&format!(
            "| Load (`caseload demo --scale`) | {} s |\n",
            f(v)
        ));
    }
    out.push_str(&format!(
        "| Re-evaluation, first run | {} s |\n",
        f(&r["reevaluate_first_seconds"])
    ));
    out.push_str(&format!(
        "| Re-evaluation, steady state | {} s |\n",
        f(&r["reevaluate_seconds"])
    ));
    out.push_str(&format!(
        "| Start-up to first answer | {} s |\n",
        f(&r["startup_seconds"])
    ));
    out.push_str(&format!(
        "| Queue rows for the practitioner | {} |\n",
        r["queue_rows"]
    ));
    if let Some(reads) = r["reads"].as_object() {
        for (name, s) in reads {
            out.push_str(&format!(
                "| {name} ({} connections) | p50 {} ms, p99 {} ms, {} req/s; CPU µs/request: server {}, machine {} |\n",
                s["connections"],
                f(&s["p50_ms"]),
                f(&s["p99_ms"]),
                f(&s["per_second"]),
                f(&s["server_cpu_us_per_request"]),
                f(&s["machine_cpu_us_per_request"])
            ));
        }
    }
    let w = &r["note_append"];
    out.push_str(&format!(
        "| Note append, 16 writers | {} notes/s, p50 {} ms, p99 {} ms |\n",
        f(&w["per_second"]),
        f(&w["p50_ms"]),
        f(&w["p99_ms"])
    ));
    out.push_str(&format!(
        "| Raw durable insert, 16 writers | {} writes/s |\n",
        f(&r["raw_insert_per_second"])
    ));
    out.push_str(&format!(
        "| Ratio append / raw | {} |\n",
        f(&r["note_append_ratio"])
    ));
    out.push_str(&format!(
        "| Server peak RSS | {} MiB |\n",
        f(&r["server_peak_rss_mib"])
    ));
    out
}
