//! The shared store conformance suite, on a fresh PostgreSQL database per
//! test, dropped when the test ends.

mod support;

use caseload_store::prelude::*;

caseload_store::store_conformance_tests!(support::fresh());

/// SQL straight into the store's database (`?` numbered as `$1`, `$2`…).
struct Raw(sqlx::PgPool);

#[async_trait::async_trait]
impl caseload_store::conformance::RawSql for Raw {
    async fn try_execute(&self, sql: &str, args: &[&str]) -> Result<u64, String> {
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
        query
            .execute(&self.0)
            .await
            .map(|r| r.rows_affected())
            .map_err(|e| e.to_string())
    }
}

async fn fresh_with_raw() -> Option<(support::TestStore, Raw)> {
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
