//! Storage faults through the API (SPEC "Storage"): a full disk, a
//! read-only database and a lock held past the busy timeout are answered at
//! once with problem+json, and the service recovers by itself when the
//! fault clears, with nothing acknowledged lost.

use std::path::PathBuf;
use std::process::Command;
use std::time::{Duration, Instant};

use axum::http::StatusCode;
use caseload_sqlite::SqliteStore;
use caseload_web::{AppState, Settings};
use serde_json::json;
use sqlx::Connection as _;

use crate::support::{Resp, TestApp};

/// A small tmpfs mounted for one test and unmounted when dropped. Mounting
/// needs root: without it the test is skipped, loudly, except under CI
/// (`CI=true`), where it fails.
struct Tmpfs {
    dir: PathBuf,
}

impl Tmpfs {
    fn mount(size: &str) -> Option<Tmpfs> {
        static N: std::sync::atomic::AtomicU32 = std::sync::atomic::AtomicU32::new(0);
        let n = N.fetch_add(1, std::sync::atomic::Ordering::SeqCst);
        let dir = std::env::temp_dir().join(format!("caseload-tmpfs-{}-{n}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        let mounted = Command::new("mount")
            .args(["-t", "tmpfs", "-o", &format!("size={size}"), "tmpfs"])
            .arg(&dir)
            .status()
            .is_ok_and(|s| s.success());
        if mounted {
            return Some(Tmpfs { dir });
        }
        assert!(
            std::env::var("CI").as_deref() != Ok("true"),
            "could not mount a tmpfs at {}: CI runs this test as root",
            dir.display()
        );
        eprintln!(
            "SKIPPED: mounting a tmpfs at {} needs root; this disk-full test did not run",
            dir.display()
        );
        None
    }
}

impl Drop for Tmpfs {
    fn drop(&mut self) {
        // Lazily: the store's connections may still be closing.
        let _ = Command::new("umount").arg("-l").arg(&self.dir).status();
        let _ = std::fs::remove_dir(&self.dir);
    }
}

/// Fill the file system holding `dir` with one file; its path.
fn fill(dir: &std::path::Path) -> PathBuf {
    use std::io::Write;
    let path = dir.join("filler");
    let mut file = std::fs::File::create(&path).unwrap();
    let block = vec![0u8; 16 * 1024];
    while file.write_all(&block).is_ok() {}
    // The last bytes a block did not fit.
    while file.write_all(&[0u8]).is_ok() {}
    path
}

fn retry_after(r: &Resp) -> Option<u64> {
    r.headers
        .get("retry-after")
        .map(|v| v.to_str().unwrap().parse().unwrap())
}

#[tokio::test]
async fn a_full_disk_answers_507_and_writes_work_again_once_space_is_freed_with_nothing_acknowledged_lost()
 {
    let Some(tmpfs) = Tmpfs::mount("6m") else {
        return;
    };
    let app = TestApp::new_in(&tmpfs.dir, Settings::default()).await;
    let ann = app.ann.1.clone();
    let (_, case) = app.client_and_case(&ann).await;
    let filler = fill(&tmpfs.dir);

    // Notes until the disk refuses one (the WAL may have room left).
    let text = "x".repeat(4000);
    let mut acknowledged = Vec::new();
    let refused = loop {
        let r = app.note(&ann, &case, 5, &text).await;
        if r.status != StatusCode::CREATED {
            break r;
        }
        acknowledged.push(r.id());
        assert!(
            acknowledged.len() < 2000,
            "the full disk never refused a note"
        );
    };
    refused.assert_problem(507);
    assert_eq!(
        refused.body["type"],
        "urn:caseload:problem:insufficient-storage"
    );
    assert!(refused.body["reference"].is_string());
    // Still full: refused again, the same way (not a 500).
    app.note(&ann, &case, 5, "again").await.assert_problem(507);

    std::fs::remove_file(filler).unwrap();
    let after = app.note(&ann, &case, 5, "after the space was freed").await;
    assert_eq!(after.status, StatusCode::CREATED, "{}", after.body);
    acknowledged.push(after.id());

    let notes = app.get(&format!("/api/v1/cases/{case}/notes"), &ann).await;
    assert_eq!(notes.status, StatusCode::OK, "{}", notes.body);
    let stored: Vec<String> = notes
        .body
        .as_array()
        .unwrap()
        .iter()
        .map(|n| n["id"].as_str().unwrap().to_owned())
        .collect();
    for id in &acknowledged {
        assert!(stored.contains(id), "acknowledged note {id} was lost");
    }
    let check: String = sqlx::query_scalar("PRAGMA integrity_check")
        .fetch_one(app.store.pool())
        .await
        .unwrap();
    assert_eq!(check, "ok");
}

#[tokio::test]
async fn a_lock_held_past_the_busy_timeout_answers_503_with_retry_after_quickly_and_reads_go_on() {
    let app = TestApp::new().await;
    let ann = app.ann.1.clone();
    let (client, _) = app.client_and_case(&ann).await;

    // Another process's writer, holding the database's write lock.
    let mut other = sqlx::SqliteConnection::connect(&format!("sqlite:{}", app.db_path.display()))
        .await
        .unwrap();
    sqlx::raw_sql("BEGIN IMMEDIATE")
        .execute(&mut other)
        .await
        .unwrap();

    let started = Instant::now();
    let r = app
        .post("/api/v1/clients", &ann, json!({"name": "Eve Client"}))
        .await;
    let waited = started.elapsed();
    r.assert_problem(503);
    assert_eq!(r.body["type"], "urn:caseload:problem:unavailable");
    assert!(retry_after(&r).is_some(), "no Retry-After");
    assert!(
        waited < Duration::from_secs(8),
        "waited {waited:?} for the lock"
    );
    // Reads do not need the write lock.
    let read = app.get(&format!("/api/v1/clients/{client}"), &ann).await;
    assert_eq!(read.status, StatusCode::OK, "{}", read.body);

    sqlx::raw_sql("ROLLBACK").execute(&mut other).await.unwrap();
    let r = app
        .post("/api/v1/clients", &ann, json!({"name": "Eve Client"}))
        .await;
    assert_eq!(r.status, StatusCode::CREATED, "{}", r.body);
}

/// SQLite opens a file it may not write read-only (as `mode=ro` does): the
/// store over it refuses every write with 503 and goes on reading.
#[tokio::test]
async fn a_read_only_database_answers_503_to_writes_and_still_reads() {
    let mut app = TestApp::new().await;
    let ann = app.ann.1.clone();
    let (client, _) = app.client_and_case(&ann).await;
    let read_only = SqliteStore::connect(&format!("sqlite:{}?mode=ro", app.db_path.display()))
        .await
        .unwrap();
    app.router = caseload_web::router(AppState::new(
        std::sync::Arc::new(read_only),
        app.clock.clone(),
        Settings::default(),
    ));

    let r = app
        .post("/api/v1/clients", &ann, json!({"name": "Eve Client"}))
        .await;
    r.assert_problem(503);
    assert_eq!(r.body["type"], "urn:caseload:problem:unavailable");
    let read = app.get(&format!("/api/v1/clients/{client}"), &ann).await;
    assert_eq!(read.status, StatusCode::OK, "{}", read.body);
}

/// Readiness takes a committed write: once the disk is too full for the
/// database to grow, the load balancer is told (503, `write: disk-full`),
/// and told again that all is well once space is freed.
#[tokio::test]
async fn a_full_disk_makes_the_service_not_ready_until_space_is_freed() {
    let Some(tmpfs) = Tmpfs::mount("6m") else {
        return;
    };
    let app = TestApp::new_in(&tmpfs.dir, Settings::default()).await;
    let ready = app
        .call(axum::http::Method::GET, "/api/v1/ready", None, None)
        .await;
    assert_eq!(ready.status, StatusCode::OK, "{}", ready.body);
    let ann = app.ann.1.clone();
    let (_, case) = app.client_and_case(&ann).await;
    let filler = fill(&tmpfs.dir);
    let text = "x".repeat(4000);
    let mut notes = 0;
    while app.note(&ann, &case, 5, &text).await.status == StatusCode::CREATED {
        notes += 1;
        assert!(notes < 2000, "the full disk never refused a note");
    }

    let r = app
        .call(axum::http::Method::GET, "/api/v1/ready", None, None)
        .await;
    r.assert_problem(503);
    assert_eq!(r.body["read"], "ok");
    assert_eq!(r.body["write"], "disk-full");

    std::fs::remove_file(filler).unwrap();
    let r = app
        .call(axum::http::Method::GET, "/api/v1/ready", None, None)
        .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
}
