//! The shared store conformance suite, on a fresh PostgreSQL database per test.

mod support;

use caseload_store::Store;

caseload_store::store_conformance_tests!(support::fresh());

#[tokio::test]
async fn migrations_run_twice_without_harm() {
    let Some(store) = support::empty().await else {
        return;
    };
    store.migrate().await.expect("first migrate");
    store.migrate().await.expect("second migrate");
}

#[tokio::test]
async fn the_database_refuses_to_rewrite_or_delete_notes() {
    let Some(store) = support::fresh().await else {
        return;
    };
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
    let update = sqlx::query("UPDATE notes SET sections = '[]' WHERE id = $1")
        .bind(n.id.as_str())
        .execute(store.pool())
        .await;
    assert!(update.unwrap_err().to_string().contains("append-only"));
    let delete = sqlx::query("DELETE FROM notes WHERE id = $1")
        .bind(n.id.as_str())
        .execute(store.pool())
        .await;
    assert!(delete.is_err());
    assert_eq!(
        store.get_note(&n.id).await.expect("still there").sections[0].text,
        "original"
    );
}

/// Both backends hold the same tables with the same columns.
#[tokio::test]
async fn the_two_schemas_hold_the_same_tables_and_columns() {
    let Some(pg) = support::fresh().await else {
        return;
    };
    let dir = std::env::temp_dir().join(format!("caseload-schema-{}", std::process::id()));
    std::fs::create_dir_all(&dir).expect("temp dir");
    let path = dir.join("schema.db");
    let _ = std::fs::remove_file(&path);
    let sqlite = caseload_sqlite::SqliteStore::connect(&format!("sqlite:{}", path.display()))
        .await
        .expect("sqlite");
    sqlite.migrate().await.expect("migrate sqlite");
    let mut a = sqlite.schema().await.expect("sqlite schema");
    let mut b = pg.schema().await.expect("pg schema");
    a.sort();
    b.sort();
    assert!(a.len() >= 12, "the schema has its tables: {a:?}");
    assert_eq!(a, b);
}

#[tokio::test]
async fn a_client_renamed_in_the_database_is_renamed_on_their_cases() {
    let Some(store) = support::fresh().await else {
        return;
    };
    let f = caseload_store::conformance::Fixture::new(&store).await;
    // Not through the store: straight into the database (an administrator's
    // correction, or a future edit screen).
    sqlx::query("UPDATE clients SET name = 'Renamed Client' WHERE id = $1")
        .bind(f.case.client_id.as_str())
        .execute(store.pool())
        .await
        .expect("rename");
    let case = store.get_case(&f.case.id).await.expect("case");
    assert_eq!(case.client_name, "Renamed Client");
    let row = store
        .caseload(&f.case.owner_id, jiff::civil::date(2026, 1, 1))
        .await
        .expect("caseload");
    assert!(row.iter().all(|r| r.case.client_name == "Renamed Client"));
}
