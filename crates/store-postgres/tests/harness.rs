//! The test databases themselves: each is gone, with every connection to
//! it, when its test ends — passing or failing — and a run clears away only
//! the databases of runs that are gone. Left behind, they piled up by the
//! hundred on the shared server, and pools left open filled its 100
//! connections until a later test's pool timed out (issue 15).

#![allow(clippy::unwrap_used, clippy::expect_used)]

mod support;

use std::str::FromStr;

use caseload_store::prelude::*;
use sqlx::Connection;
use sqlx::postgres::{PgConnectOptions, PgConnection};
use support::{STALE_AFTER, is_stale};

async fn admin() -> Option<PgConnection> {
    let url = support::admin_url()?;
    Some(PgConnection::connect(&url).await.unwrap())
}

async fn exists(admin: &mut PgConnection, name: &str) -> bool {
    sqlx::query_scalar::<_, i64>("SELECT count(*) FROM pg_database WHERE datname = $1")
        .bind(name)
        .fetch_one(&mut *admin)
        .await
        .unwrap()
        == 1
}

/// The server processes serving connections to `name`.
async fn backends(admin: &mut PgConnection, name: &str) -> Vec<i32> {
    sqlx::query_scalar("SELECT pid FROM pg_stat_activity WHERE datname = $1")
        .bind(name)
        .fetch_all(&mut *admin)
        .await
        .unwrap()
}

async fn still_running(admin: &mut PgConnection, pids: &[i32]) -> Vec<i32> {
    sqlx::query_scalar("SELECT pid FROM pg_stat_activity WHERE pid = ANY($1)")
        .bind(pids)
        .fetch_all(&mut *admin)
        .await
        .unwrap()
}

fn now() -> u64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap()
        .as_secs()
}

#[tokio::test]
async fn a_test_database_and_its_pools_connections_are_gone_when_its_test_ends() {
    let Some(mut admin) = admin().await else {
        return;
    };
    let store = support::fresh().await.unwrap();
    let name = store.database().name().to_owned();
    store
        .create_team("North", jiff::Timestamp::now())
        .await
        .unwrap();
    // Two connections open at once, as a transaction and a read beside it.
    let held = store.pool().acquire().await.unwrap();
    assert_eq!(store.count_users().await.unwrap(), 0);
    drop(held);
    let pids = backends(&mut admin, &name).await;
    assert!(pids.len() >= 2, "the pool's connections: {pids:?}");
    assert!(
        pids.len() <= support::POOL as usize,
        "a test pool holds at most {} connections: {pids:?}",
        support::POOL
    );

    drop(store);
    support::settled().await;

    assert!(!exists(&mut admin, &name).await, "{name} is left behind");
    assert_eq!(still_running(&mut admin, &pids).await, Vec::<i32>::new());
}

#[tokio::test]
async fn a_test_database_is_gone_even_when_its_test_fails_holding_a_connection() {
    let Some(mut admin) = admin().await else {
        return;
    };
    let (named, name) = std::sync::mpsc::channel();
    // A failing test of its own, on a thread and runtime of its own, as
    // the test harness runs one.
    let failed = std::thread::spawn(move || {
        tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()
            .unwrap()
            .block_on(async move {
                let store = support::fresh().await.unwrap();
                named.send(store.database().name().to_owned()).unwrap();
                let mut held = store.pool().acquire().await.unwrap();
                sqlx::query("BEGIN").execute(&mut *held).await.unwrap();
                store
                    .create_team("North", jiff::Timestamp::now())
                    .await
                    .unwrap();
                panic!("a failing test, mid-transaction");
            })
    })
    .join();
    assert!(failed.is_err(), "the test failed");
    let name = name.recv().unwrap();
    support::settled().await;
    assert!(!exists(&mut admin, &name).await, "{name} is left behind");
    assert_eq!(backends(&mut admin, &name).await, Vec::<i32>::new());
}

#[test]
fn only_an_old_unconnected_database_of_a_run_that_is_gone_is_stale() {
    let now = 2_000_000_000;
    let old = now - STALE_AFTER.as_secs();
    let young = old + 1;
    let name = |born: u64, rest: &str| format!("caseload_test_{born}_4242_{rest}");
    let alive = vec![format!("caseload_test_{old}_4242")];
    // Gone, old and unconnected: stale, the template too.
    assert!(is_stale(&name(old, "7"), 0, &[], now));
    assert!(is_stale(&name(old, "template"), 0, &[], now));
    assert!(is_stale(&name(old - 86_400, "7e"), 0, &[], now));
    // Anything else is not.
    assert!(!is_stale(&name(young, "7"), 0, &[], now), "too young");
    assert!(!is_stale(&name(old, "7"), 1, &[], now), "connected");
    assert!(
        !is_stale(&name(old, "7"), 0, &alive, now),
        "its run is alive"
    );
    assert!(
        !is_stale("caseload_bench_tiny", 0, &[], now),
        "not a test database"
    );
    assert!(
        !is_stale("caseload_test_soon_4242_7", 0, &[], now),
        "not a time"
    );
}

#[tokio::test]
async fn a_run_clears_away_only_the_databases_of_runs_that_are_gone() {
    let Some(mut admin) = admin().await else {
        return;
    };
    let url = support::admin_url().unwrap();
    // Three pretend runs, born long ago with this process's id (no real
    // run is both): one gone, one still alive, one gone but with a
    // connection left open to its database.
    let old = now() - STALE_AFTER.as_secs() - 60;
    let pid = std::process::id();
    let gone = format!("caseload_test_{old}_{pid}_0");
    let alive_run = format!("caseload_test_{}_{pid}", old - 1);
    let alive = format!("{alive_run}_0");
    let connected = format!("caseload_test_{}_{pid}_0", old - 2);
    for name in [&gone, &alive, &connected] {
        sqlx::query(&format!("CREATE DATABASE \"{name}\""))
            .execute(&mut admin)
            .await
            .unwrap();
    }
    let keep_alive = PgConnection::connect_with(
        &PgConnectOptions::from_str(&url)
            .unwrap()
            .application_name(&alive_run),
    )
    .await
    .unwrap();
    let open = PgConnection::connect(&support::with_database(&url, &connected))
        .await
        .unwrap();

    let cleared = support::clear_stale(&url).await;

    assert!(cleared.contains(&gone), "{cleared:?}");
    assert!(!exists(&mut admin, &gone).await);
    assert!(
        exists(&mut admin, &alive).await,
        "a live run's database was dropped"
    );
    assert!(
        exists(&mut admin, &connected).await,
        "a database in use was dropped"
    );
    open.close().await.unwrap();
    keep_alive.close().await.unwrap();
    for name in [&alive, &connected] {
        sqlx::query(&format!("DROP DATABASE \"{name}\" WITH (FORCE)"))
            .execute(&mut admin)
            .await
            .unwrap();
    }
}
