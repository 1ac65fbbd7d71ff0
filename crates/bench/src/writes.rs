//! The write benchmarks: notes appended through the API (and the queue
//! read after each), and the raw limit of a durable insert.

use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::{Duration, Instant};

use anyhow::bail;
use serde_json::json;

use super::WHO;
use super::driver::{Conn, Stats};

pub(crate) fn note_body(i: usize) -> String {
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
pub(crate) async fn queue_after_notes(
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

pub(crate) async fn append_notes(
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
pub(crate) async fn raw_inserts(
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
