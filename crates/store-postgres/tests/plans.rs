//! No request path reads a large table in full: every statement the store
//! runs through the conformance scenarios is planned by PostgreSQL — a
//! generic plan, with sequential scans discouraged so that an index is used
//! wherever one can be — and none may be a sequential scan of a large table
//! (see `caseload_store::plans`). Its own test binary: it captures sqlx's
//! statement log process-wide.

mod support;

use sqlx::Row;

// Each scenario on a fresh database; the last store is kept for planning.
// Every other scenario's database is dropped, with its pool, as soon as the
// scenario is done: kept open, sixty scenarios' pools together came near the
// server's 100 connections, and a later connection was refused ("too many
// clients").
macro_rules! drive {
    ($($name:ident,)+) => {{
        let mut last: Option<support::TestStore> = None;
        $(
            let Some(store) = support::fresh().await else { return };
            caseload_store::conformance::$name(&*store).await;
            drop(last.replace(store));
        )+
        last
    }};
}

#[tokio::test]
async fn request_paths_read_no_large_table_in_full() {
    let captured = caseload_store::plans::capture();
    let Some(store) = caseload_store::conformance_scenarios!([drive]) else {
        return;
    };
    let statements = caseload_store::plans::statements(&captured);
    assert!(
        statements.len() > 50,
        "the scenarios ran: {} statements",
        statements.len()
    );
    let mut conn = store.pool().acquire().await.expect("connection");
    for setting in [
        "SET enable_seqscan = off",
        "SET plan_cache_mode = force_generic_plan",
    ] {
        sqlx::query(setting)
            .execute(&mut *conn)
            .await
            .expect("setting");
    }
    let mut problems = Vec::new();
    for (i, sql) in statements.iter().enumerate() {
        let params = (1..=40)
            .rev()
            .find(|n| sql.contains(&format!("${n}")))
            .unwrap_or(0);
        let name = format!("plan_check_{i}");
        sqlx::raw_sql(&format!("PREPARE {name} AS {sql}"))
            .execute(&mut *conn)
            .await
            .unwrap_or_else(|e| panic!("cannot prepare {sql}: {e}"));
        let args = vec!["NULL"; params].join(", ");
        let explain = if params == 0 {
            format!("EXPLAIN EXECUTE {name}")
        } else {
            format!("EXPLAIN EXECUTE {name}({args})")
        };
        let rows = sqlx::raw_sql(&explain)
            .fetch_all(&mut *conn)
            .await
            .unwrap_or_else(|e| panic!("cannot plan {sql}: {e}"));
        let scanned: Vec<String> = rows
            .iter()
            .filter_map(|r| r.try_get::<String, _>(0).ok())
            .filter_map(|line| {
                line.split("Seq Scan on ")
                    .nth(1)
                    .and_then(|rest| rest.split_whitespace().next())
                    .map(str::to_owned)
            })
            .collect();
        let full = caseload_store::plans::full_scans(sql, &scanned);
        if !full.is_empty() {
            problems.push(format!("{full:?} read in full by: {sql}"));
        }
        sqlx::raw_sql(&format!("DEALLOCATE {name}"))
            .execute(&mut *conn)
            .await
            .expect("deallocate");
    }
    assert!(problems.is_empty(), "full scans:\n{}", problems.join("\n"));
}
