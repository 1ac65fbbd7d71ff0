//! Fresh PostgreSQL databases for tests, each dropped when its test ends.
//!
//! Set `CASELOAD_TEST_POSTGRES_URL` (e.g. `postgres://postgres@127.0.0.1:5432/postgres`)
//! to run the PostgreSQL suite. Without it the suite is skipped — loudly —
//! except under `CI=true`, where a missing or unreachable server fails the
//! run instead of passing silently.
//!
//! The server is shared: by this suite's tests, by the other test binaries
//! and worktrees running at the same time, and by benchmarks. It allows 100
//! connections (3 of them kept for superusers), and a pool that cannot open
//! one when the server is full retries until its acquire timeout and then
//! fails with `PoolTimedOut`. So the suite bounds what it holds, whatever
//! the number of test threads:
//!
//! - at most [`LIVE`] (4) test databases exist at once in one test process;
//!   a test asking for a fifth waits until one of theirs ends;
//! - each has a pool of at most [`POOL`] (4) connections (the scenarios run
//!   one statement at a time; a transaction and a read beside it need two);
//! - each uses one admin connection while it is made;
//! - at most [`DROPPING`] (4) connections drop finished databases, and
//!   [`SWEEPING`] (2) those of gone runs (see [`is_stale`]);
//! - one more connection, for the whole process, marks the run as alive so
//!   that no other run clears its databases away;
//! - the reapers of the suite's earlier test binaries (at most 3: there are
//!   4, and cargo runs them one after another) may still be dropping what
//!   theirs left, [`REAPING`] (2) at a time.
//!
//! One suite therefore peaks at 4 × (4 + 1) + 4 + 2 + 1 + 3 × 2 = 33
//! connections, two side by side at 66, well under the server's 97.
//!
//! When a test ends — and also while a failing test unwinds — its guard
//! closes its pool and hands its database to a dropper thread, which drops
//! it (`DROP DATABASE … WITH (FORCE)`, ending any connection a failing test
//! left open). Not in the test itself: every `DROP DATABASE` waits for an
//! immediate checkpoint of the whole server, 2–4 s on a busy machine, and
//! drops requested together share one. The template and the drops not yet
//! done when the test process exits are dropped by its reaper: a child
//! process (the same test binary, running only [`reaper`]) that is told of
//! each database made and dropped, and drops what is left once the test
//! process has gone, however it went. What a run still leaves (its reaper
//! killed too) a later run clears away once it is stale (see [`is_stale`]).

#![allow(dead_code, clippy::unwrap_used, clippy::expect_used)]

use std::str::FromStr;
use std::sync::atomic::{AtomicU32, Ordering};
use std::time::Duration;

use caseload_postgres::{PgStore, PoolOptions};
use caseload_store::Timeouts;
use caseload_store::prelude::*;
use sqlx::Connection;
use sqlx::postgres::{PgConnectOptions, PgConnection};
use tokio::sync::{OnceCell, Semaphore, SemaphorePermit};

/// Test databases alive at once in one test process.
pub const LIVE: usize = 4;
/// Connections in each test database's pool.
pub const POOL: u32 = 4;
/// Databases dropped at once (one connection each).
pub const DROPPING: usize = 4;
/// Databases of gone runs a run drops at once.
pub const SWEEPING: usize = 2;
/// Databases a reaper drops at once, after its test process has gone.
pub const REAPING: usize = 2;
/// A database whose run is gone is cleared away once it is this old and
/// nothing is connected to it. Runs of older versions of this module mark
/// no run as alive; none of their test binaries takes this long.
pub const STALE_AFTER: Duration = Duration::from_secs(15 * 60);

/// Every test database's name starts so.
const PREFIX: &str = "caseload_test_";
/// Set for the reaper process: the admin URL.
const REAPER: &str = "CASELOAD_TEST_POSTGRES_REAPER";

/// The reaper's standard input: `+name` for a database made, `-name` for
/// one dropped.
static REAPER_INPUT: std::sync::OnceLock<std::sync::Mutex<std::process::ChildStdin>> =
    std::sync::OnceLock::new();

fn tell_reaper(line: &str) {
    use std::io::Write;
    if let Some(input) = REAPER_INPUT.get() {
        let mut input = input.lock().unwrap_or_else(|e| e.into_inner());
        let _ = writeln!(input, "{line}");
    }
}

static RUN: OnceCell<Option<Run>> = OnceCell::const_new();
static COUNTER: AtomicU32 = AtomicU32::new(0);
static CREATE: tokio::sync::Mutex<()> = tokio::sync::Mutex::const_new(());
static LIVE_DATABASES: Semaphore = Semaphore::const_new(LIVE);

/// This test process's run: the admin URL and its migrated template.
#[derive(Clone)]
struct Run {
    admin: String,
    /// `caseload_test_<unix seconds>_<pid>`: every database of the run
    /// starts with it, and the run's keep-alive connection carries it as
    /// its application name.
    id: String,
    template: String,
    dropper: std::sync::mpsc::Sender<Request>,
}

/// What the dropper thread is asked.
enum Request {
    /// Drop a database: FORCE for this run's own, whose connections a
    /// failing test may have left open; never for another run's.
    Drop { name: String, force: bool },
    /// Answered once every drop asked for before it is done.
    Settled(tokio::sync::oneshot::Sender<()>),
}

fn in_ci() -> bool {
    std::env::var("CI").is_ok_and(|v| v == "true" || v == "1")
}

/// `url` naming database `db` instead.
pub fn with_database(url: &str, db: &str) -> String {
    match url.rfind('/') {
        Some(i) if url[..i].contains("://") && !url[..i].ends_with('/') => {
            let (base, rest) = url.split_at(i);
            let query = rest.find('?').map(|q| &rest[q..]).unwrap_or("");
            format!("{base}/{db}{query}")
        }
        _ => format!("{}/{db}", url.trim_end_matches('/')),
    }
}

/// Pools for tests: small (see the module's arithmetic), and patient
/// enough for a busy machine. The production default (5 s) is for a
/// request that should fail fast; a test's connection waits only while
/// PostgreSQL starts a backend, which a loaded 2-core machine can slow to
/// seconds, and 30 s still ends a real starvation with a clear failure.
pub fn pool_options() -> PoolOptions {
    PoolOptions {
        timeouts: Timeouts {
            acquire: Duration::from_secs(30),
            ..Timeouts::default()
        },
        max_connections: POOL,
    }
}

/// The admin URL, or None when the suite is skipped.
pub fn admin_url() -> Option<String> {
    let Ok(url) = std::env::var("CASELOAD_TEST_POSTGRES_URL") else {
        if in_ci() {
            panic!(
                "CI=true but CASELOAD_TEST_POSTGRES_URL is not set: the PostgreSQL suite must run in CI"
            );
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
    Some(url)
}

/// This process's run, begun once: stale databases cleared away, the run
/// marked alive, its template made and migrated.
async fn run() -> Option<Run> {
    RUN.get_or_init(|| async {
        let admin = admin_url()?;
        let mut conn = PgConnection::connect(&admin).await.unwrap_or_else(|e| {
            panic!("PostgreSQL at CASELOAD_TEST_POSTGRES_URL is not reachable: {e}")
        });

        let now = std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .unwrap()
            .as_secs();
        let id = format!("{PREFIX}{now}_{}", std::process::id());
        keep_alive(&admin, &id);
        start_reaper(&admin);
        let dropper = start_dropper(admin.clone(), DROPPING);
        // Apart, so that a test waiting for its own drops (`settled`) does
        // not wait for the leftovers of other runs.
        let sweeper = start_dropper(admin.clone(), SWEEPING);
        for name in stale(&admin).await {
            sweeper.send(Request::Drop { name, force: false }).unwrap();
        }
        let template = format!("{id}_template");
        sqlx::query(&format!("CREATE DATABASE \"{template}\""))
            .execute(&mut conn)
            .await
            .unwrap();
        tell_reaper(&format!("+{template}"));
        let store = caseload_postgres::connect_with_pool(
            &with_database(&admin, &template),
            &pool_options(),
        )
        .await
        .unwrap();
        store.migrate().await.unwrap();
        // Closed, or the template could not be copied.
        store.pool().close().await;
        conn.close().await.unwrap();
        Some(Run {
            admin,
            id,
            template,
            dropper,
        })
    })
    .await
    .clone()
}

/// Mark the run alive for as long as this process lives: one idle
/// connection, named after the run, held on a thread of its own (each
/// `#[tokio::test]` has its own runtime, which ends with the test). The
/// server ends it when the process exits, however it exits.
fn keep_alive(admin: &str, id: &str) {
    let options = PgConnectOptions::from_str(admin)
        .unwrap()
        .application_name(id);
    let (ready, connected) = std::sync::mpsc::channel();
    std::thread::Builder::new()
        .name("postgres-test-run".into())
        .spawn(move || {
            let runtime = tokio::runtime::Builder::new_current_thread()
                .enable_all()
                .build()
                .unwrap();
            runtime.block_on(async move {
                match PgConnection::connect_with(&options).await {
                    Ok(conn) => {
                        let _ = ready.send(Ok(()));
                        std::future::pending::<()>().await;
                        drop(conn);
                    }
                    Err(e) => {
                        let _ = ready.send(Err(e.to_string()));
                    }
                }
            });
        })
        .unwrap();
    if let Err(e) = connected.recv().unwrap() {
        panic!("cannot mark the test run alive: {e}");
    }
}

/// A dropper: a thread and runtime of its own, since each test's runtime
/// ends with the test. It takes what has been asked so far, up to
/// `at_once` databases, drops them together, and answers the
/// [`Request::Settled`] among them.
fn start_dropper(admin: String, at_once: usize) -> std::sync::mpsc::Sender<Request> {
    let (ask, asked) = std::sync::mpsc::channel::<Request>();
    std::thread::Builder::new()
        .name("postgres-test-dropper".into())
        .spawn(move || {
            let runtime = tokio::runtime::Builder::new_current_thread()
                .enable_all()
                .build()
                .unwrap();
            while let Ok(first) = asked.recv() {
                let mut batch = vec![first];
                while batch.len() < at_once {
                    match asked.try_recv() {
                        Ok(more) => batch.push(more),
                        Err(_) => break,
                    }
                }
                let mut names = Vec::new();
                let mut settled = Vec::new();
                for request in batch {
                    match request {
                        Request::Drop { name, force } => names.push((name, force)),
                        Request::Settled(answer) => settled.push(answer),
                    }
                }
                for (name, result) in runtime.block_on(drop_databases(&admin, names)) {
                    match result {
                        Ok(()) => tell_reaper(&format!("-{name}")),
                        Err(e) => eprintln!("test database {name} was not dropped: {e}"),
                    }
                }
                for answer in settled {
                    let _ = answer.send(());
                }
            }
        })
        .unwrap();
    ask
}

/// Drop `names` together (one connection each), so that they share the
/// checkpoint each `DROP DATABASE` waits for. Without FORCE a database
/// someone is connected to is refused, not dropped.
async fn drop_databases(
    admin: &str,
    names: Vec<(String, bool)>,
) -> Vec<(String, Result<(), String>)> {
    let mut dropping = tokio::task::JoinSet::new();
    for (name, force) in names {
        let admin = admin.to_owned();
        dropping.spawn(async move {
            let result = async {
                let mut conn = PgConnection::connect(&admin).await?;
                let force = if force { " WITH (FORCE)" } else { "" };
                sqlx::query(&format!("DROP DATABASE IF EXISTS \"{name}\"{force}"))
                    .execute(&mut conn)
                    .await?;
                conn.close().await
            }
            .await
            .map_err(|e: sqlx::Error| e.to_string());
            (name, result)
        });
    }
    dropping.join_all().await
}

/// Start this process's reaper: the test binary again, running only
/// [`reaper`], with its standard input from here. It outlives this process,
/// which therefore never waits for it.
#[allow(clippy::zombie_processes)]
fn start_reaper(admin: &str) {
    let child = std::process::Command::new(std::env::current_exe().unwrap())
        .args(["support::reaper", "--exact", "--ignored", "--quiet"])
        .env(REAPER, admin)
        .stdin(std::process::Stdio::piped())
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::null())
        .spawn()
        .unwrap_or_else(|e| panic!("cannot start the test databases' reaper: {e}"));
    let _ = REAPER_INPUT.set(std::sync::Mutex::new(child.stdin.unwrap()));
}

/// Not a test: the reaper of one test process's databases (see the
/// module's notes). It reads what was made and dropped until the test
/// process is gone and its end of the pipe closes, then drops the rest.
/// Ignored, so that only [`start_reaper`] runs it.
#[test]
#[ignore = "the test databases' reaper, started by the suite itself"]
fn reaper() {
    use std::io::BufRead;
    let Ok(admin) = std::env::var(REAPER) else {
        return;
    };
    let mut left = std::collections::BTreeSet::new();
    for line in std::io::stdin().lock().lines() {
        let Ok(line) = line else { break };
        if let Some(made) = line.strip_prefix('+') {
            left.insert(made.to_owned());
        } else if let Some(dropped) = line.strip_prefix('-') {
            left.remove(dropped);
        }
    }
    let left: Vec<(String, bool)> = left.into_iter().map(|name| (name, true)).collect();
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap();
    for chunk in left.chunks(REAPING) {
        runtime.block_on(drop_databases(&admin, chunk.to_vec()));
    }
}

/// Once every test database dropped so far in this process is gone.
pub async fn settled() {
    let Some(run) = run().await else {
        return;
    };
    let (answer, answered) = tokio::sync::oneshot::channel();
    run.dropper.send(Request::Settled(answer)).unwrap();
    answered.await.unwrap();
}

/// Whether a test database may be cleared away: `name`'s run has no
/// keep-alive connection among `live_runs`, nothing is connected to it,
/// and it was made at least [`STALE_AFTER`] before `now` (Unix seconds).
/// Anything else is some run's, perhaps one in another worktree right now.
pub fn is_stale(name: &str, connections: i64, live_runs: &[String], now: u64) -> bool {
    let Some(rest) = name.strip_prefix(PREFIX) else {
        return false;
    };
    let mut parts = rest.split('_');
    let (Some(born), Some(pid)) = (parts.next(), parts.next()) else {
        return false;
    };
    let Ok(born) = born.parse::<u64>() else {
        return false;
    };
    let run = format!("{PREFIX}{born}_{pid}");
    connections == 0
        && !live_runs.contains(&run)
        && born.saturating_add(STALE_AFTER.as_secs()) <= now
}

/// Drop the test databases of runs that are gone (crashed, killed, or
/// the templates of finished ones), [`DROPPING`] at a time, as a run's
/// dropper does. A database someone connects to between the look and the
/// drop is not dropped: plain `DROP DATABASE` (no FORCE) refuses a database
/// in use.
pub async fn clear_stale(admin_url: &str) -> Vec<String> {
    let stale = stale(admin_url).await;
    let mut cleared = Vec::new();
    for chunk in stale.chunks(DROPPING) {
        let chunk = chunk.iter().map(|name| (name.clone(), false)).collect();
        for (name, result) in drop_databases(admin_url, chunk).await {
            if result.is_ok() {
                cleared.push(name);
            }
        }
    }
    cleared
}

/// The test databases of runs that are gone (see [`is_stale`]).
async fn stale(admin_url: &str) -> Vec<String> {
    let mut admin = PgConnection::connect(admin_url).await.unwrap();
    let now = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap()
        .as_secs();
    let live_runs: Vec<String> = sqlx::query_scalar(
        "SELECT DISTINCT application_name FROM pg_stat_activity WHERE application_name LIKE 'caseload\\_test\\_%'",
    )
    .fetch_all(&mut admin)
    .await
    .unwrap();
    let databases: Vec<(String, i64)> = sqlx::query_as(
        "SELECT d.datname::text, (SELECT count(*) FROM pg_stat_activity a WHERE a.datid = d.oid) \
         FROM pg_database d WHERE d.datname LIKE 'caseload\\_test\\_%'",
    )
    .fetch_all(&mut admin)
    .await
    .unwrap();
    admin.close().await.unwrap();
    databases
        .into_iter()
        .filter(|(name, connections)| is_stale(name, *connections, &live_runs, now))
        .map(|(name, _)| name)
        .collect()
}

/// A test database, dropped with its connections once this is dropped.
pub struct TestDatabase {
    name: String,
    url: String,
    dropper: std::sync::mpsc::Sender<Request>,
    _slot: SemaphorePermit<'static>,
}

impl TestDatabase {
    pub fn name(&self) -> &str {
        &self.name
    }
    /// Its URL, for connecting in other ways than [`fresh`]'s store.
    pub fn url(&self) -> &str {
        &self.url
    }
}

impl Drop for TestDatabase {
    /// Handed to the dropper, also while a failing test unwinds; its slot
    /// is free for the next test at once.
    fn drop(&mut self) {
        let name = self.name.clone();
        if self
            .dropper
            .send(Request::Drop { name, force: true })
            .is_err()
        {
            eprintln!(
                "test database {} was not dropped: the dropper is gone",
                self.name
            );
        }
    }
}

/// A store on a test database: the store's pool is dropped (its
/// connections closed) before the database.
pub struct TestStore {
    // Fields drop in order: the pool first, then the database.
    store: PgStore,
    database: TestDatabase,
}

impl TestStore {
    pub fn database(&self) -> &TestDatabase {
        &self.database
    }
}

impl std::ops::Deref for TestStore {
    type Target = PgStore;
    fn deref(&self) -> &PgStore {
        &self.store
    }
}

impl caseload_store::conformance::Subject for TestStore {
    fn store(&self) -> &dyn Store {
        &self.store
    }
}

/// A new database of this run: a copy of `template`, or empty.
async fn create(template: Option<&str>, suffix: &str) -> Option<TestDatabase> {
    let run = run().await?;
    let slot = LIVE_DATABASES.acquire().await.unwrap();
    let n = COUNTER.fetch_add(1, Ordering::SeqCst);
    let name = format!("{}_{n}{suffix}", run.id);
    let mut conn = PgConnection::connect(&run.admin).await.unwrap();
    let sql = match template {
        Some(template) => format!("CREATE DATABASE \"{name}\" TEMPLATE \"{template}\""),
        None => format!("CREATE DATABASE \"{name}\""),
    };
    {
        // A template is copied by one CREATE DATABASE at a time.
        let _one_at_a_time = CREATE.lock().await;
        sqlx::query(&sql).execute(&mut conn).await.unwrap();
        tell_reaper(&format!("+{name}"));
    }
    conn.close().await.unwrap();
    Some(TestDatabase {
        url: with_database(&run.admin, &name),
        name,
        dropper: run.dropper,
        _slot: slot,
    })
}

/// A fresh, migrated database, or None when the suite is skipped.
pub async fn fresh_database() -> Option<TestDatabase> {
    let template = run().await?.template;
    create(Some(&template), "").await
}

/// A store on a fresh, migrated database, or None when the suite is skipped.
pub async fn fresh() -> Option<TestStore> {
    let database = fresh_database().await?;
    let store = caseload_postgres::connect_with_pool(database.url(), &pool_options())
        .await
        .unwrap();
    Some(TestStore { store, database })
}

/// A store on an empty database (no migrations yet).
pub async fn empty() -> Option<TestStore> {
    let database = create(None, "e").await?;
    let store = caseload_postgres::connect_with_pool(database.url(), &pool_options())
        .await
        .unwrap();
    Some(TestStore { store, database })
}
