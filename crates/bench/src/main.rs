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
//!
//! `caseload-bench soak` and `caseload-bench crash` are the long trials
//! instead: a bounded mixed load for twenty minutes (see `soak.rs`), and
//! kill -9 trials during note writes (see `crash.rs`).

#![allow(clippy::unwrap_used)]

mod crash;
mod driver;
mod report;
mod resources;
mod server;
mod soak;
mod writes;

use std::path::{Path, PathBuf};
use std::time::Instant;

use anyhow::{Context, bail};
use clap::Parser;
use serde_json::{Value, json};

use driver::{Conn, measure, sign_in};
use report::table;
use resources::peak_rss_mib;
use server::{fifty_note_case, fresh_database, run, run_with_stdin, start_server};
use writes::{append_notes, queue_after_notes, raw_inserts};

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
    #[command(subcommand)]
    trial: Option<Trial>,
}

/// The long trials, instead of the benchmarks (BENCHMARKS.md, "Soak and
/// crash trials").
#[derive(Debug, clap::Subcommand)]
enum Trial {
    /// A bounded mixed load: memory flat, no errors, p99 steady.
    Soak(soak::SoakArgs),
    /// Kill -9 trials during note writes: nothing acknowledged lost.
    Crash(crash::CrashArgs),
}

const PASSWORD: &str = "bench-password-not-secret-2026";
const WHO: &str = "practitioner.00001@demo.caseload.invalid";

#[tokio::main]
async fn main() -> anyhow::Result<()> {
    let args = Args::parse();
    if let Some(trial) = &args.trial {
        let caseload = std::env::current_exe()?.with_file_name("caseload");
        if !caseload.exists() {
            bail!("{} is missing: build it first", caseload.display());
        }
        return match trial {
            Trial::Soak(a) => soak::soak(a, &caseload).await,
            Trial::Crash(a) => crash::crash(a, &caseload).await,
        };
    }
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

pub(crate) fn machine() -> Value {
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

    // Someone to be: a practitioner with about fifty open cases. The
    // password first: setting one revokes every token the user holds.
    run_with_stdin(
        caseload,
        &url,
        &["user", "passwd", "--email", WHO, "--password-stdin"],
        PASSWORD,
    )
    .await?;
    let token = run(
        caseload,
        &url,
        &["token", "create", "--email", WHO, "--name", "benchmark"],
    )
    .await?
    .trim()
    .to_owned();

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
