//! The shared store conformance suite, on a fresh SQLite file per test.

use caseload_sqlite::SqliteStore;
use caseload_store::prelude::*;

static COUNTER: std::sync::atomic::AtomicU32 = std::sync::atomic::AtomicU32::new(0);

async fn fresh() -> Option<SqliteStore> {
    Some(fresh_at().await.0)
}

/// A fresh store and the path of its database file.
async fn fresh_at() -> (SqliteStore, std::path::PathBuf) {
    let dir = std::env::temp_dir().join(format!("caseload-sqlite-tests-{}", std::process::id()));
    std::fs::create_dir_all(&dir).expect("temp dir");
    let n = COUNTER.fetch_add(1, std::sync::atomic::Ordering::SeqCst);
    let path = dir.join(format!("t{n}.db"));
    for suffix in ["", "-wal", "-shm", "-audit"] {
        let _ = std::fs::remove_file(format!("{}{suffix}", path.display()));
    }
    let store = SqliteStore::connect(&format!("sqlite:{}", path.display()))
        .await
        .expect("open sqlite");
    store.migrate().await.expect("migrate");
    (store, path)
}

caseload_store::store_conformance_tests!(fresh());

/// SQL straight into the store's database file.
struct Raw(sqlx::SqlitePool);

#[async_trait::async_trait]
impl caseload_store::conformance::RawSql for Raw {
    async fn try_execute(&self, sql: &str, args: &[&str]) -> Result<u64, String> {
        let mut query = sqlx::query(sql);
        for a in args {
            query = query.bind(*a);
        }
        query
            .execute(&self.0)
            .await
            .map(|r| r.rows_affected())
            .map_err(|e| e.to_string())
    }
}

async fn fresh_with_raw() -> Option<(SqliteStore, Raw)> {
    let store = fresh().await?;
    let raw = Raw(store.pool().clone());
    Some((store, raw))
}

caseload_store::raw_sql_conformance_tests!(fresh_with_raw());

#[tokio::test]
async fn migrations_run_twice_without_harm() {
    let store = fresh().await.expect("store");
    store.migrate().await.expect("second migrate");
}

#[tokio::test]
async fn the_database_is_durable_by_configuration() {
    let store = fresh().await.expect("store");
    let mode: String = sqlx::query_scalar("PRAGMA journal_mode")
        .fetch_one(store.pool())
        .await
        .expect("pragma");
    assert_eq!(mode, "wal");
    let sync: i64 = sqlx::query_scalar("PRAGMA synchronous")
        .fetch_one(store.pool())
        .await
        .expect("pragma");
    assert_eq!(sync, 2, "synchronous=FULL");
    let fk: i64 = sqlx::query_scalar("PRAGMA foreign_keys")
        .fetch_one(store.pool())
        .await
        .expect("pragma");
    assert_eq!(fk, 1);
}

/// Read audit events wait in a journal beside the database until moved into
/// it; a journal moved but not emptied (the process died in between) is
/// moved again without storing anything twice.
#[tokio::test]
async fn a_journal_moved_twice_stores_each_read_once() {
    let (store, path) = fresh_at().await;
    let f = caseload_store::conformance::Fixture::new(&store).await;
    let read = |n: i64| caseload_store::NewAuditEvent {
        at: f.case.created_at,
        actor: Some(f.ann.id.clone()),
        action: "case.read".into(),
        object_type: "case",
        object_id: Some(f.case.id.to_string()),
        request_id: format!("req-{n}"),
    };
    store.record_audits(&[read(1), read(2)]).await.unwrap();
    store.record_audits(&[read(3)]).await.unwrap();
    let journal = std::path::PathBuf::from(format!("{}-audit", path.display()));
    let saved = std::fs::read(&journal).unwrap();
    assert_eq!(saved.iter().filter(|b| **b == b'\n').count(), 3);

    let reads = |store: &SqliteStore| {
        let store = store.clone();
        async move {
            store
                .list_audit(1000)
                .await
                .unwrap()
                .into_iter()
                .filter(|e| e.action == "case.read")
                .map(|e| e.request_id)
                .collect::<Vec<_>>()
        }
    };
    // Reading the trail moves the journal first, and empties it.
    assert_eq!(reads(&store).await, ["req-3", "req-2", "req-1"]);
    assert_eq!(std::fs::metadata(&journal).unwrap().len(), 0);
    // As if the process died after the move but before emptying the file.
    std::fs::write(&journal, &saved).unwrap();
    assert_eq!(store.move_journal().await.unwrap(), 3);
    assert_eq!(reads(&store).await, ["req-3", "req-2", "req-1"]);
    assert_eq!(std::fs::metadata(&journal).unwrap().len(), 0);
}
