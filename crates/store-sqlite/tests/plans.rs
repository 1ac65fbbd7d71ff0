//! No request path reads a large table in full: every statement the store
//! runs through the conformance scenarios is planned by SQLite (`EXPLAIN
//! QUERY PLAN`), and none may SCAN a large table (see
//! `caseload_store::plans`). Its own test binary: it captures sqlx's
//! statement log process-wide.

use caseload_sqlite::SqliteStore;
use caseload_store::prelude::*;
use sqlx::Row;

async fn fresh(n: usize) -> SqliteStore {
    let dir = std::env::temp_dir().join(format!("caseload-sqlite-plans-{}", std::process::id()));
    std::fs::create_dir_all(&dir).expect("temp dir");
    let path = dir.join(format!("p{n}.db"));
    let _ = std::fs::remove_file(&path);
    let store = SqliteStore::connect(&format!("sqlite:{}", path.display()))
        .await
        .expect("open sqlite");
    store.migrate().await.expect("migrate");
    store
}

macro_rules! drive {
    ($($name:ident,)+) => {{
        let mut n = 0;
        $(
            n += 1;
            let store = fresh(n).await;
            caseload_store::conformance::$name(&store).await;
        )+
        fresh(n + 1).await
    }};
}

#[tokio::test]
async fn request_paths_read_no_large_table_in_full() {
    let captured = caseload_store::plans::capture();
    let store = caseload_store::conformance_scenarios!([drive]);
    let statements = caseload_store::plans::statements(&captured);
    assert!(
        statements.len() > 50,
        "the scenarios ran: {} statements",
        statements.len()
    );
    let mut problems = Vec::new();
    for sql in &statements {
        let rows = sqlx::query(&format!("EXPLAIN QUERY PLAN {sql}"))
            .fetch_all(store.pool())
            .await
            .unwrap_or_else(|e| panic!("cannot plan {sql}: {e}"));
        let scanned: Vec<String> = rows
            .iter()
            .filter_map(|r| r.try_get::<String, _>("detail").ok())
            .filter_map(|d| {
                d.strip_prefix("SCAN ")
                    .and_then(|rest| rest.split_whitespace().next())
                    .map(str::to_owned)
            })
            .collect();
        let full = caseload_store::plans::full_scans(sql, &scanned);
        if !full.is_empty() {
            problems.push(format!("{full:?} read in full by: {sql}"));
        }
    }
    assert!(problems.is_empty(), "full scans:\n{}", problems.join("\n"));
}
