//! Acknowledged writes survive a crash: the server is killed with SIGKILL in
//! the middle of a stream of note writes on SQLite; every note that was
//! answered 201 is there afterwards and the database passes its integrity
//! check.

#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::process::Stdio;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};

use serde_json::{Value, json};
use tokio::io::{AsyncBufReadExt, BufReader};
use tokio::sync::Mutex;

fn run(db: &str, args: &[&str]) -> String {
    let out = std::process::Command::new(env!("CARGO_BIN_EXE_caseload"))
        .arg("--database")
        .arg(db)
        .args(args)
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8(out.stdout).unwrap().trim().to_owned()
}

/// A server on a fresh SQLite file with one practitioner and one case.
struct Served {
    db: String,
    server: tokio::process::Child,
    base: String,
    http: reqwest::Client,
    auth: String,
    case: String,
}

async fn serve_one_case(name: &str) -> Served {
    let dir = std::env::temp_dir().join(format!("caseload-durability-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let file = dir.join(name);
    for suffix in ["", "-wal", "-shm", "-audit"] {
        let _ = std::fs::remove_file(format!("{}{suffix}", file.display()));
    }
    let db = format!("sqlite:{}", file.display());
    run(
        &db,
        &[
            "user",
            "add",
            "--email",
            "ann@example.org",
            "--name",
            "Ann",
            "--role",
            "practitioner",
            "--team",
            "North",
        ],
    );
    let token = run(
        &db,
        &[
            "token",
            "create",
            "--email",
            "ann@example.org",
            "--name",
            "durability",
        ],
    );
    let mut server = tokio::process::Command::new(env!("CARGO_BIN_EXE_caseload"))
        .args(["--database", &db, "serve", "--listen", "127.0.0.1:0"])
        .env("CASELOAD_LOG", "error")
        .stdout(Stdio::piped())
        .kill_on_drop(true)
        .spawn()
        .unwrap();
    let mut lines = BufReader::new(server.stdout.take().unwrap()).lines();
    let line = lines
        .next_line()
        .await
        .unwrap()
        .expect("the server says where it listens");
    let base = line.split_whitespace().last().unwrap().to_owned();
    let http = reqwest::Client::new();
    let auth = format!("Bearer {token}");
    let client: Value = http
        .post(format!("{base}/api/v1/clients"))
        .header("authorization", &auth)
        .json(&json!({"name": "Dana"}))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let case: Value = http
        .post(format!("{base}/api/v1/cases"))
        .header("authorization", &auth)
        .json(&json!({"client_id": client["id"], "title": "Crash test", "service_area": "debt"}))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    Served {
        db,
        server,
        base,
        http,
        auth,
        case: case["id"].as_str().unwrap().to_owned(),
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn acknowledged_notes_survive_sigkill() {
    let Served {
        db,
        mut server,
        base,
        http,
        auth,
        case,
    } = serve_one_case("crash.db").await;
    let notes_url = format!("{base}/api/v1/cases/{case}/notes");

    let acknowledged = Arc::new(Mutex::new(Vec::<String>::new()));
    let stop = Arc::new(AtomicBool::new(false));
    let mut writers = Vec::new();
    for w in 0..8 {
        let (http, auth, url, acknowledged, stop) = (
            http.clone(),
            auth.clone(),
            notes_url.clone(),
            acknowledged.clone(),
            stop.clone(),
        );
        writers.push(tokio::spawn(async move {
            let mut i = 0;
            while !stop.load(Ordering::SeqCst) {
                i += 1;
                let body = json!({"kind": "phone", "occurred_at": jiff::Timestamp::now().to_string(),
                    "sections": {"situation": format!("writer {w} note {i}")}});
                match http.post(&url).header("authorization", &auth).json(&body).send().await {
                    Ok(r) if r.status() == 201 => {
                        if let Ok(v) = r.json::<Value>().await {
                            acknowledged.lock().await.push(v["id"].as_str().unwrap().to_owned());
                        }
                    }
                    Ok(r) => panic!("unexpected status {}", r.status()),
                    Err(_) => break, // the server is gone
                }
            }
        }));
    }
    // Kill once a good number of writes have been acknowledged, while the
    // writers are still sending.
    loop {
        tokio::task::yield_now().await;
        if acknowledged.lock().await.len() >= 150 {
            break;
        }
        if writers.iter().all(|w| w.is_finished()) {
            panic!("writers stopped before the kill");
        }
    }
    server.start_kill().unwrap(); // SIGKILL
    server.wait().await.unwrap();
    stop.store(true, Ordering::SeqCst);
    for w in writers {
        w.await.unwrap();
    }

    let acknowledged = acknowledged.lock().await.clone();
    let pool = sqlx::SqlitePool::connect(&db).await.unwrap();
    let check: String = sqlx::query_scalar("PRAGMA integrity_check")
        .fetch_one(&pool)
        .await
        .unwrap();
    assert_eq!(check, "ok");
    let stored: Vec<String> = sqlx::query_scalar("SELECT id FROM notes")
        .fetch_all(&pool)
        .await
        .unwrap();
    let stored: std::collections::HashSet<String> = stored.into_iter().collect();
    let missing: Vec<&String> = acknowledged
        .iter()
        .filter(|id| !stored.contains(*id))
        .collect();
    assert!(
        missing.is_empty(),
        "{} of {} acknowledged notes lost: {missing:?}",
        missing.len(),
        acknowledged.len()
    );
    let audited: i64 =
        sqlx::query_scalar("SELECT COUNT(*) FROM audit_events WHERE action = 'note.create'")
            .fetch_one(&pool)
            .await
            .unwrap();
    assert_eq!(
        audited as usize,
        stored.len(),
        "every stored note has its audit event"
    );
}

/// Every answered read is in the audit trail after a crash: read events go
/// through a journal file, flushed before each read is answered and moved
/// into the database later, so SIGKILL between the two loses none.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn answered_reads_are_audited_after_sigkill() {
    use caseload_store::prelude::*;
    let Served {
        db,
        mut server,
        base,
        http,
        auth,
        case,
    } = serve_one_case("reads.db").await;
    let case_url = format!("{base}/api/v1/cases/{case}");

    // Readers keep reading; each answered read's request id is kept.
    let answered = Arc::new(Mutex::new(Vec::<String>::new()));
    let mut readers = Vec::new();
    for _ in 0..4 {
        let (http, auth, url, answered) = (
            http.clone(),
            auth.clone(),
            case_url.clone(),
            answered.clone(),
        );
        readers.push(tokio::spawn(async move {
            loop {
                match http.get(&url).header("authorization", &auth).send().await {
                    Ok(r) if r.status() == 200 => {
                        let id = r.headers()["x-request-id"].to_str().unwrap().to_owned();
                        if r.bytes().await.is_ok() {
                            answered.lock().await.push(id);
                        }
                    }
                    Ok(r) => panic!("unexpected status {}", r.status()),
                    Err(_) => break, // the server is gone
                }
            }
        }));
    }
    loop {
        tokio::task::yield_now().await;
        if answered.lock().await.len() >= 300 {
            break;
        }
        if readers.iter().all(|r| r.is_finished()) {
            panic!("readers stopped before the kill");
        }
    }
    server.start_kill().unwrap(); // SIGKILL
    server.wait().await.unwrap();
    for r in readers {
        r.await.unwrap();
    }

    let answered = answered.lock().await.clone();
    let store = caseload_sqlite::SqliteStore::connect(&db).await.unwrap();
    store.migrate().await.unwrap();
    let trail = store.list_audit(100_000).await.unwrap();
    let read: std::collections::HashMap<&str, usize> = trail
        .iter()
        .filter(|e| e.action == "case.read")
        .fold(std::collections::HashMap::new(), |mut m, e| {
            *m.entry(e.request_id.as_str()).or_default() += 1;
            m
        });
    let missing: Vec<&String> = answered
        .iter()
        .filter(|id| !read.contains_key(id.as_str()))
        .collect();
    assert!(
        missing.is_empty(),
        "{} of {} answered reads have no audit event",
        missing.len(),
        answered.len()
    );
    assert!(
        read.values().all(|&n| n == 1),
        "each read is in the trail once"
    );
    // Moving the journal again (as after a crash mid-move) adds nothing.
    assert_eq!(store.move_journal().await.unwrap(), 0);
    assert_eq!(store.list_audit(100_000).await.unwrap().len(), trail.len());
}
