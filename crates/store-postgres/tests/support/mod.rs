//! Fresh PostgreSQL databases for tests.
//!
//! Set `CASELOAD_TEST_POSTGRES_URL` (e.g. `postgres://postgres@127.0.0.1:5432/postgres`)
//! to run the PostgreSQL suite. Without it the suite is skipped — loudly —
//! except under `CI=true`, where a missing or unreachable server fails the
//! run instead of passing silently.

#![allow(dead_code, clippy::unwrap_used, clippy::expect_used)]

use std::sync::atomic::{AtomicU32, Ordering};

use caseload_postgres::PgStore;
use caseload_store::prelude::*;
use sqlx::Connection;
use tokio::sync::OnceCell;

static TEMPLATE: OnceCell<Option<(String, String)>> = OnceCell::const_new();
static COUNTER: AtomicU32 = AtomicU32::new(0);
static CREATE: tokio::sync::Mutex<()> = tokio::sync::Mutex::const_new(());

fn in_ci() -> bool {
    std::env::var("CI").is_ok_and(|v| v == "true" || v == "1")
}

fn with_database(url: &str, db: &str) -> String {
    match url.rfind('/') {
        Some(i) if url[..i].contains("://") && !url[..i].ends_with('/') => {
            let (base, rest) = url.split_at(i);
            let query = rest.find('?').map(|q| &rest[q..]).unwrap_or("");
            format!("{base}/{db}{query}")
        }
        _ => format!("{}/{db}", url.trim_end_matches('/')),
    }
}

/// (admin URL, template database name), made once per test process.
async fn template() -> Option<(String, String)> {
    TEMPLATE
        .get_or_init(|| async {
            let Ok(url) = std::env::var("CASELOAD_TEST_POSTGRES_URL") else {
                if in_ci() {
                    panic!("CI=true but CASELOAD_TEST_POSTGRES_URL is not set: the PostgreSQL suite must run in CI");
                }
                // Written straight to stderr so the test harness does not capture it.
                use std::io::Write;
                let _ = writeln!(
                    std::io::stderr(),
                    "\n*** SKIPPING the PostgreSQL store suite: set CASELOAD_TEST_POSTGRES_URL, e.g. \
                     postgres://postgres@127.0.0.1:5432/postgres ***\n"
                );
                return None;
            };
            let mut admin = sqlx::PgConnection::connect(&url)
                .await
                .unwrap_or_else(|e| panic!("PostgreSQL at CASELOAD_TEST_POSTGRES_URL is not reachable: {e}"));
            let now = std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).unwrap().as_secs();
            // Clear away databases left by test runs more than an hour old.
            let stale: Vec<String> = sqlx::query_scalar(
                "SELECT datname::text FROM pg_database WHERE datname LIKE 'caseload\\_test\\_%'",
            )
            .fetch_all(&mut admin)
            .await
            .unwrap();
            for name in stale {
                let born = name.split('_').nth(2).and_then(|s| s.parse::<u64>().ok()).unwrap_or(0);
                if born + 3600 < now {
                    let _ = sqlx::query(&format!("DROP DATABASE IF EXISTS \"{name}\" WITH (FORCE)")).execute(&mut admin).await;
                }
            }
            let name = format!("caseload_test_{now}_{}_template", std::process::id());
            sqlx::query(&format!("CREATE DATABASE \"{name}\"")).execute(&mut admin).await.unwrap();
            let store = PgStore::connect(&with_database(&url, &name)).await.unwrap();
            store.migrate().await.unwrap();
            store.pool().close().await;
            Some((url, name))
        })
        .await
        .clone()
}

/// A fresh, migrated PostgreSQL store, or None when the suite is skipped.
pub async fn fresh() -> Option<PgStore> {
    Some(PgStore::connect(&fresh_url().await?).await.unwrap())
}

/// The URL of a fresh, migrated PostgreSQL database, or None when the
/// suite is skipped.
pub async fn fresh_url() -> Option<String> {
    let (url, template) = template().await?;
    let n = COUNTER.fetch_add(1, Ordering::SeqCst);
    let name = template.replace("_template", &format!("_{n}"));
    {
        let _one_at_a_time = CREATE.lock().await;
        let mut admin = sqlx::PgConnection::connect(&url).await.unwrap();
        sqlx::query(&format!(
            "CREATE DATABASE \"{name}\" TEMPLATE \"{template}\""
        ))
        .execute(&mut admin)
        .await
        .unwrap();
    }
    Some(with_database(&url, &name))
}

/// A fresh store on an empty database (no migrations yet).
pub async fn empty() -> Option<PgStore> {
    let (url, template) = template().await?;
    let n = COUNTER.fetch_add(1, Ordering::SeqCst);
    let name = template.replace("_template", &format!("_{n}e"));
    let mut admin = sqlx::PgConnection::connect(&url).await.unwrap();
    sqlx::query(&format!("CREATE DATABASE \"{name}\""))
        .execute(&mut admin)
        .await
        .unwrap();
    Some(PgStore::connect(&with_database(&url, &name)).await.unwrap())
}
