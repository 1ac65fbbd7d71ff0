//! The shared store conformance suite, on a fresh PostgreSQL database per test.

mod support;

use caseload_store::prelude::*;

caseload_store::store_conformance_tests!(support::fresh());

/// SQL straight into the store's database (`?` numbered as `$1`, `$2`…).
struct Raw(sqlx::PgPool);

#[async_trait::async_trait]
impl caseload_store::conformance::RawSql for Raw {
    async fn execute(&self, sql: &str, args: &[&str]) {
        let mut numbered = String::new();
        for (i, part) in sql.split('?').enumerate() {
            if i > 0 {
                numbered.push_str(&format!("${i}"));
            }
            numbered.push_str(part);
        }
        let mut query = sqlx::query(&numbered);
        for a in args {
            query = query.bind(*a);
        }
        query.execute(&self.0).await.expect(sql);
    }
}

async fn fresh_with_raw() -> Option<(caseload_postgres::PgStore, Raw)> {
    let store = support::fresh().await?;
    let raw = Raw(store.pool().clone());
    Some((store, raw))
}

caseload_store::raw_sql_conformance_tests!(fresh_with_raw());

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

#[tokio::test]
async fn the_database_refuses_to_rewrite_or_delete_a_clients_history() {
    let Some(store) = support::fresh().await else {
        return;
    };
    let f = caseload_store::conformance::Fixture::new(&store).await;
    let edit = caseload_store::ClientEdit {
        phone: Some(Some("07700 900999".into())),
        ..Default::default()
    };
    store
        .update_client(
            &f.client.id,
            &edit,
            &caseload_store::conformance::ctx(&f.ann, 3),
        )
        .await
        .expect("edit");
    let update = sqlx::query("UPDATE client_changes SET new_value = 'forged' WHERE client_id = $1")
        .bind(f.client.id.as_str())
        .execute(store.pool())
        .await;
    assert!(update.unwrap_err().to_string().contains("append-only"));
    let delete = sqlx::query("DELETE FROM client_changes WHERE client_id = $1")
        .bind(f.client.id.as_str())
        .execute(store.pool())
        .await;
    assert!(delete.is_err());
    let history = store.client_history(&f.client.id).await.expect("history");
    assert_eq!(history.len(), 1);
    assert_eq!(history[0].new_value.as_deref(), Some("07700 900999"));
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
async fn constraint_violations_become_typed_conflict_kinds() {
    use caseload_store::{ConflictKind, StoreError};
    let Some(store) = support::fresh().await else {
        return;
    };
    let at = jiff::Timestamp::from_second(1_700_000_000).expect("time");
    store.create_team("North", at).await.expect("team");
    let again = store.create_team("North", at).await.expect_err("duplicate");
    assert!(
        matches!(
            &again,
            StoreError::Conflict(ConflictKind::Duplicate { what: "team", .. })
        ),
        "{again:?}"
    );
    let day = jiff::civil::date(2026, 12, 24);
    store
        .add_closure_day(day, "Closed", at)
        .await
        .expect("closure");
    let again = store
        .add_closure_day(day, "Closed", at)
        .await
        .expect_err("duplicate");
    assert!(
        matches!(&again, StoreError::Conflict(ConflictKind::Duplicate { what: "closure day", key: Some(k) }) if k == "2026-12-24"),
        "{again:?}"
    );
}
