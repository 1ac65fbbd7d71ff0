//! The shared store conformance suite, on a fresh SQLite file per test.

use caseload_sqlite::SqliteStore;
use caseload_store::Store;

static COUNTER: std::sync::atomic::AtomicU32 = std::sync::atomic::AtomicU32::new(0);

async fn fresh() -> Option<SqliteStore> {
    let dir = std::env::temp_dir().join(format!("caseload-sqlite-tests-{}", std::process::id()));
    std::fs::create_dir_all(&dir).expect("temp dir");
    let n = COUNTER.fetch_add(1, std::sync::atomic::Ordering::SeqCst);
    let path = dir.join(format!("t{n}.db"));
    let _ = std::fs::remove_file(&path);
    let store = SqliteStore::connect(&format!("sqlite:{}", path.display()))
        .await
        .expect("open sqlite");
    store.migrate().await.expect("migrate");
    Some(store)
}

caseload_store::store_conformance_tests!(fresh());

#[tokio::test]
async fn migrations_run_twice_without_harm() {
    let store = fresh().await.expect("store");
    store.migrate().await.expect("second migrate");
}

#[tokio::test]
async fn the_database_refuses_to_rewrite_or_delete_notes() {
    let store = fresh().await.expect("store");
    let f = caseload_store::conformance::Fixture::new(&store).await;
    let note = caseload_store::NewNote {
        case_id: f.case.id.clone(),
        kind: caseload_domain::notes::NoteKind::Phone,
        template: "star".into(),
        occurred_at: f.case.created_at,
        late_entry: false,
        late_reason: None,
        sections: vec![caseload_domain::notes::Section {
            name: "situation".into(),
            text: "original".into(),
        }],
        submission_key: None,
    };
    let n = store
        .add_note(&note, &caseload_store::conformance::ctx(&f.ann, 3))
        .await
        .expect("note");
    let update = sqlx::query("UPDATE notes SET sections = '[]' WHERE id = ?")
        .bind(n.id.as_str())
        .execute(store.pool())
        .await;
    assert!(update.unwrap_err().to_string().contains("append-only"));
    let delete = sqlx::query("DELETE FROM notes WHERE id = ?")
        .bind(n.id.as_str())
        .execute(store.pool())
        .await;
    assert!(delete.is_err());
    assert_eq!(
        store.get_note(&n.id).await.expect("still there").sections[0].text,
        "original"
    );
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
