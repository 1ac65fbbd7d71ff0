//! `caseload-bench crash`: kill -9 trials. Each trial starts the real
//! server on a copy of a SQLite data set, appends notes through the API
//! from several writers (and reads case timelines, whose audit events go
//! to the read-audit journal) while keeping every acknowledged answer,
//! kills the server with SIGKILL at a random moment, and then checks the
//! files: the journal's complete lines all readable, `PRAGMA
//! integrity_check` ok, every acknowledged note present with its content,
//! every acknowledged read's audit event present (in the journal or the
//! trail), and the server starting again and ready.

use std::collections::HashSet;
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::Duration;

use anyhow::bail;
use serde_json::{Value, json};

use super::driver::Conn;
use super::server::{prepare, queue_cases, start_server};

#[derive(Debug, clap::Args)]
pub(crate) struct CrashArgs {
    /// How many kill -9 trials.
    #[arg(long, default_value_t = 100)]
    trials: usize,
    /// Seed of the kill moments (default: from the clock); printed, so a
    /// run can be repeated.
    #[arg(long)]
    seed: Option<u64>,
    /// Concurrent note writers, each to its own case.
    #[arg(long, default_value_t = 8)]
    writers: usize,
    /// Concurrent readers of case timelines.
    #[arg(long, default_value_t = 2)]
    readers: usize,
    /// The kill comes at a random moment between these, in milliseconds
    /// after the writers start.
    #[arg(long, default_value_t = 100)]
    min_ms: u64,
    #[arg(long, default_value_t = 1500)]
    max_ms: u64,
    /// The data set each trial starts from (see `caseload demo --scale`).
    #[arg(long, default_value = "tiny")]
    scale: String,
    /// Where the data and the results go.
    #[arg(long, default_value = "target/bench-crash")]
    dir: PathBuf,
}

/// SplitMix64: a small seeded generator, enough for kill moments.
pub(crate) struct Rng(u64);

impl Rng {
    pub(crate) fn new(seed: u64) -> Rng {
        Rng(seed)
    }

    pub(crate) fn next_u64(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }

    /// A number from `lo` to `hi`, both included.
    pub(crate) fn between(&mut self, lo: u64, hi: u64) -> u64 {
        lo + self.next_u64() % (hi - lo + 1)
    }
}

const SUFFIXES: [&str; 4] = ["", "-wal", "-shm", "-audit"];

#[derive(Default)]
struct Totals {
    acknowledged: usize,
    lost: usize,
    reads: usize,
    reads_unaudited: usize,
    refused: usize,
    integrity_failures: usize,
    journal_bad_lines: usize,
    restart_failures: usize,
}

pub(crate) async fn crash(args: &CrashArgs, caseload: &Path) -> anyhow::Result<()> {
    if args.min_ms > args.max_ms {
        bail!("--min-ms must not be more than --max-ms");
    }
    std::fs::create_dir_all(&args.dir)?;
    let dir = std::path::absolute(&args.dir)?;
    let seed = args.seed.unwrap_or_else(|| {
        std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map_or(1, |d| d.as_nanos() as u64)
    });
    println!("crash trials: seed {seed} (repeat with --seed {seed})");
    let mut rng = Rng::new(seed);

    // The data set every trial starts from, and the practitioner's cases.
    let template = dir.join("template.db");
    let template_url = format!("sqlite:{}", template.display());
    let token = prepare(
        caseload,
        "sqlite",
        &template_url,
        "",
        &args.scale,
        &[super::WHO.to_owned()],
    )
    .await?;
    let auth = format!("Bearer {token}");
    let (mut server, addr) = start_server(caseload, &template_url, &[]).await?;
    let cases = queue_cases(&addr, &auth).await;
    let _ = server.start_kill();
    let _ = server.wait().await;
    let cases = Arc::new(cases?);
    if cases.is_empty() {
        bail!("the practitioner has no open cases to write to");
    }

    let trial_db = dir.join("trial.db");
    let mut t = Totals::default();
    let started = std::time::Instant::now();
    for n in 0..args.trials {
        for suffix in SUFFIXES {
            let to = PathBuf::from(format!("{}{suffix}", trial_db.display()));
            let _ = std::fs::remove_file(&to);
            let from = PathBuf::from(format!("{}{suffix}", template.display()));
            if from.exists() {
                std::fs::copy(&from, &to)?;
            }
        }
        let kill_after = rng.between(args.min_ms, args.max_ms);
        let before = (t.acknowledged, t.lost, t.reads_unaudited);
        trial(
            args, n, caseload, &trial_db, &auth, &cases, kill_after, &mut t,
        )
        .await?;
        eprintln!(
            "   trial {}: killed after {kill_after} ms, {} notes acknowledged, {} lost, {} reads unaudited",
            n + 1,
            t.acknowledged - before.0,
            t.lost - before.1,
            t.reads_unaudited - before.2
        );
    }
    let failed = t.lost
        + t.reads_unaudited
        + t.integrity_failures
        + t.journal_bad_lines
        + t.restart_failures;
    let out = json!({"trials": args.trials, "seed": seed, "writers": args.writers,
        "readers": args.readers, "kill_window_ms": [args.min_ms, args.max_ms],
        "scale": args.scale, "seconds": started.elapsed().as_secs_f64(),
        "acknowledged_notes": t.acknowledged, "lost_notes": t.lost,
        "refused_notes": t.refused, "acknowledged_reads": t.reads,
        "reads_without_audit_event": t.reads_unaudited,
        "integrity_check_failures": t.integrity_failures,
        "journal_unreadable_lines": t.journal_bad_lines,
        "restart_failures": t.restart_failures, "machine": super::machine()});
    let file = dir.join("crash-results.json");
    std::fs::write(&file, serde_json::to_string_pretty(&out)?)?;
    println!(
        "\n### Crash trials — SQLite, {} data, seed {seed}\n\n| Measure | Figure |\n|---|---|\n\
         | Trials (SIGKILL {}–{} ms after the writers start) | {} |\n\
         | Writers / readers | {} / {} |\n\
         | Acknowledged note appends | {} |\n\
         | Lost or altered (must be 0) | {} |\n\
         | Note appends answered other than 201 before the kill | {} |\n\
         | Acknowledged timeline reads | {} |\n\
         | Reads without their audit event (must be 0) | {} |\n\
         | `integrity_check` not ok (must be 0) | {} |\n\
         | Unreadable read-audit journal lines (must be 0) | {} |\n\
         | Restarts not ready (must be 0) | {} |\n\
         | Time | {:.0} s |\n\n(figures also in {})",
        args.scale,
        args.min_ms,
        args.max_ms,
        args.trials,
        args.writers,
        args.readers,
        t.acknowledged,
        t.lost,
        t.refused,
        t.reads,
        t.reads_unaudited,
        t.integrity_failures,
        t.journal_bad_lines,
        t.restart_failures,
        started.elapsed().as_secs_f64(),
        file.display()
    );
    if failed > 0 || t.refused > 0 {
        bail!("a crash trial lost or damaged data (see the table)");
    }
    Ok(())
}

/// What one writer had acknowledged: note ids with their texts.
type Acked = Vec<(String, Vec<String>)>;

#[allow(clippy::too_many_arguments)]
async fn trial(
    args: &CrashArgs,
    n: usize,
    caseload: &Path,
    db: &Path,
    auth: &str,
    cases: &Arc<Vec<String>>,
    kill_after: u64,
    t: &mut Totals,
) -> anyhow::Result<()> {
    let url = format!("sqlite:{}", db.display());
    let (mut server, addr) = start_server(caseload, &url, &[]).await?;
    let mut writers = Vec::new();
    for w in 0..args.writers {
        let (addr, auth) = (addr.clone(), auth.to_owned());
        let case = cases[w % cases.len()].clone();
        writers.push(tokio::spawn(write_until_gone(addr, auth, case, n, w)));
    }
    let mut readers = Vec::new();
    for r in 0..args.readers {
        let (addr, auth) = (addr.clone(), auth.to_owned());
        let case = cases[(args.writers + r) % cases.len()].clone();
        readers.push(tokio::spawn(read_until_gone(addr, auth, case)));
    }
    tokio::time::sleep(Duration::from_millis(kill_after)).await;
    server.start_kill()?; // SIGKILL
    server.wait().await?;
    let mut acked: Acked = Vec::new();
    for w in writers {
        let (a, refused) = w.await?;
        acked.extend(a);
        t.refused += refused;
    }
    let mut reads = Vec::new();
    for r in readers {
        reads.extend(r.await?);
    }
    t.acknowledged += acked.len();
    t.reads += reads.len();

    // The read-audit journal as the kill left it.
    let journal = std::fs::read(format!("{}-audit", db.display())).unwrap_or_default();
    let (journaled, bad) = journal_requests(&journal);
    t.journal_bad_lines += bad;

    // The database, opened as the restarted server would open it.
    {
        use sqlx::Connection;
        let mut conn = sqlx::SqliteConnection::connect(&url).await?;
        let check: Vec<String> = sqlx::query_scalar("PRAGMA integrity_check")
            .fetch_all(&mut conn)
            .await?;
        if check != ["ok"] {
            eprintln!("   trial {}: integrity_check said {check:?}", n + 1);
            t.integrity_failures += 1;
        }
        for (id, texts) in &acked {
            let stored: Option<String> =
                sqlx::query_scalar("SELECT sections FROM notes WHERE id = ?")
                    .bind(id)
                    .fetch_optional(&mut conn)
                    .await?;
            let found = stored
                .and_then(|s| serde_json::from_str::<Value>(&s).ok())
                .is_some_and(|v| texts.iter().all(|x| holds_text(&v, x)));
            if !found {
                eprintln!(
                    "   trial {}: acknowledged note {id} is missing or altered",
                    n + 1
                );
                t.lost += 1;
            }
        }
        let trail: HashSet<String> =
            sqlx::query_scalar("SELECT request_id FROM audit_events WHERE request_id IS NOT NULL")
                .fetch_all(&mut conn)
                .await?
                .into_iter()
                .collect();
        t.reads_unaudited += reads
            .iter()
            .filter(|r| !journaled.contains(*r) && !trail.contains(*r))
            .count();
        conn.close().await?;
    }

    // And the server starts again on it and is ready.
    let ready = async {
        let (mut again, addr) = start_server(caseload, &url, &[]).await?;
        let mut c = Conn::open(&addr).await?;
        let r = c.request("GET", "/api/v1/ready", &[], None).await?;
        let _ = again.start_kill();
        let _ = again.wait().await;
        anyhow::Ok(r.status)
    }
    .await;
    if !matches!(ready, Ok(200)) {
        eprintln!(
            "   trial {}: the restarted server was not ready: {ready:?}",
            n + 1
        );
        t.restart_failures += 1;
    }
    Ok(())
}

/// Append notes to `case` until the server is gone: the acknowledged ones,
/// and how many were answered with anything but 201.
async fn write_until_gone(
    addr: String,
    auth: String,
    case: String,
    trial: usize,
    writer: usize,
) -> (Acked, usize) {
    let mut acked = Vec::new();
    let mut refused = 0;
    let Ok(mut conn) = Conn::open(&addr).await else {
        return (acked, refused);
    };
    let path = format!("/api/v1/cases/{case}/notes");
    for i in 0.. {
        let texts = vec![
            format!(
                "Crash trial {trial}, writer {writer}, note {i}: client rang about the rent arrears."
            ),
            format!("Trial {trial}/{writer}/{i}: agreed to ask the landlord for a payment plan."),
        ];
        let occurred = jiff::Timestamp::now()
            .checked_sub(jiff::SignedDuration::from_mins(5))
            .unwrap_or_else(|_| jiff::Timestamp::now());
        let body = json!({"kind": "phone", "occurred_at": occurred.to_string(),
            "sections": {"situation": texts[0], "action": texts[1]}})
        .to_string();
        let headers = [
            ("authorization", auth.as_str()),
            ("content-type", "application/json"),
        ];
        match conn
            .request("POST", &path, &headers, Some(body.as_bytes()))
            .await
        {
            Ok(r) if r.status == 201 => {
                let id = serde_json::from_slice::<Value>(&r.body)
                    .ok()
                    .and_then(|v| v["id"].as_str().map(str::to_owned));
                match id {
                    Some(id) => acked.push((id, texts)),
                    None => refused += 1,
                }
            }
            Ok(r) => {
                eprintln!(
                    "   note append answered {}: {}",
                    r.status,
                    String::from_utf8_lossy(&r.body)
                );
                refused += 1;
            }
            Err(_) => break, // killed
        }
    }
    (acked, refused)
}

/// Read `case`'s timeline until the server is gone: the request ids of the
/// reads answered 200 (each one's audit event was durable before).
async fn read_until_gone(addr: String, auth: String, case: String) -> Vec<String> {
    let mut ids = Vec::new();
    let Ok(mut conn) = Conn::open(&addr).await else {
        return ids;
    };
    let path = format!("/api/v1/cases/{case}/timeline");
    while let Ok(r) = conn
        .request("GET", &path, &[("authorization", auth.as_str())], None)
        .await
    {
        if r.status == 200 {
            ids.extend(r.request_id);
        }
    }
    ids
}

/// Whether `text` is one of the strings in `v`, at any depth.
fn holds_text(v: &Value, text: &str) -> bool {
    match v {
        Value::String(s) => s == text,
        Value::Array(a) => a.iter().any(|x| holds_text(x, text)),
        Value::Object(o) => o.values().any(|x| holds_text(x, text)),
        _ => false,
    }
}

/// The request ids in a read-audit journal, and how many of its complete
/// lines cannot be read. A last line without its newline was cut short by
/// the kill before it was acknowledged, so it is not counted against it.
pub(crate) fn journal_requests(journal: &[u8]) -> (HashSet<String>, usize) {
    let mut ids = HashSet::new();
    let mut bad = 0;
    let complete = match journal.iter().rposition(|&b| b == b'\n') {
        Some(end) => &journal[..=end],
        None => &[][..],
    };
    for line in complete.split(|&b| b == b'\n').filter(|l| !l.is_empty()) {
        let entry = serde_json::from_slice::<Value>(line).ok();
        match entry
            .as_ref()
            .and_then(|v| Some((v["k"].as_str()?, v["req"].as_str()?)))
        {
            Some((_, req)) => {
                ids.insert(req.to_owned());
            }
            None => bad += 1,
        }
    }
    (ids, bad)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_generator_is_seeded_and_stays_in_range() {
        let a: Vec<u64> = {
            let mut r = Rng::new(7);
            (0..50).map(|_| r.between(100, 1500)).collect()
        };
        let mut r = Rng::new(7);
        let b: Vec<u64> = (0..50).map(|_| r.between(100, 1500)).collect();
        assert_eq!(a, b);
        assert!(a.iter().all(|x| (100..=1500).contains(x)));
        let mut other = Rng::new(8);
        assert_ne!(
            a,
            (0..50)
                .map(|_| other.between(100, 1500))
                .collect::<Vec<_>>()
        );
        assert_eq!(Rng::new(1).between(5, 5), 5);
    }

    #[test]
    fn a_journal_cut_short_loses_only_its_unfinished_last_line() {
        let j = b"{\"k\":\"a\",\"req\":\"r1\"}\n{\"k\":\"b\",\"req\":\"r2\"}\n{\"k\":\"c\",\"re";
        let (ids, bad) = journal_requests(j);
        assert_eq!(bad, 0);
        assert_eq!(ids, HashSet::from(["r1".to_owned(), "r2".to_owned()]));
        // A damaged complete line is counted.
        let j = b"{\"k\":\"a\",\"req\":\"r1\"}\nnot json\n{\"req\":\"r3\"}\n";
        let (ids, bad) = journal_requests(j);
        assert_eq!((ids.len(), bad), (1, 2));
        assert_eq!(journal_requests(b""), (HashSet::new(), 0));
    }

    #[test]
    fn note_texts_are_found_at_any_depth() {
        let v: Value = serde_json::from_str(r#"[{"name":"situation","text":"a b"}]"#).unwrap();
        assert!(holds_text(&v, "a b"));
        assert!(!holds_text(&v, "a"));
        assert!(!holds_text(&v, "situation x"));
    }
}
