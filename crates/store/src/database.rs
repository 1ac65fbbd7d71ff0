//! The database itself: which backend, its migrations, planner statistics and
//! schema (for the parity test), and what an operator watches: whether it
//! reads and takes writes now (readiness) and its connection pools' use.

use async_trait::async_trait;

use crate::*;

/// How long the store waits on the database before it answers
/// [`StoreError::Unavailable`](crate::StoreError::Unavailable), so that no
/// request hangs for more than a few seconds (SPEC "Storage").
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Timeouts {
    /// For a pooled connection: every one in use (SQLite: queued for its
    /// one writer), or none can be opened (this bounds connecting to
    /// PostgreSQL too: sqlx retries a refused connection until it passes).
    pub acquire: std::time::Duration,
    /// SQLite: for another process's write lock (`busy_timeout`).
    pub busy: std::time::Duration,
    /// PostgreSQL: for one statement (`statement_timeout`, set on each
    /// connection); zero for no limit.
    pub statement: std::time::Duration,
}

impl Default for Timeouts {
    /// A few seconds each; a statement, which may be a bulk load's, 30.
    fn default() -> Self {
        use std::time::Duration;
        Self {
            acquire: Duration::from_secs(5),
            busy: Duration::from_secs(3),
            statement: Duration::from_secs(30),
        }
    }
}

/// What the readiness check found: whether the database answered a read,
/// and whether it took a committed write (each an outage, or another
/// failure, if not).
#[derive(Debug)]
pub struct Readiness {
    pub read: Result<()>,
    pub write: Result<()>,
}

/// One connection pool's connections now, for the operator's metrics.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct PoolUse {
    /// SQLite: `writer` (its one connection) and `reader`; PostgreSQL:
    /// `main`, the one pool both use.
    pub pool: &'static str,
    /// Connections open, idle or lent out.
    pub open: u32,
    /// Open connections waiting in the pool.
    pub idle: u32,
    /// The most the pool opens.
    pub max: u32,
}

#[async_trait]
pub trait Database: Send + Sync {
    /// `"sqlite"` or `"postgres"`.
    fn backend(&self) -> &'static str;

    /// Apply embedded migrations; safe to run on every start.
    async fn migrate(&self) -> Result<()>;

    /// Refresh the planner's statistics after a bulk load (`ANALYZE`).
    async fn analyze(&self) -> Result<()>;

    /// Table name → column names, for the schema parity test.
    async fn schema(&self) -> Result<Vec<(String, Vec<String>)>>;

    /// Can the database be read, and does it take a committed write now?
    /// Reads the one `readiness` row on the read pool and, at the same
    /// time, sets its `checked_at` to `at` on the write pool, so a full
    /// disk, a read-only file or a lost server shows as a failed write.
    /// Each waits no longer than the store's [`Timeouts`]. For the
    /// readiness check (`GET /api/v1/ready`); nothing else uses the row.
    async fn readiness(&self, at: jiff::Timestamp) -> Readiness;

    /// Each connection pool's use now (read from the pools: no round trip).
    fn pool_use(&self) -> Vec<PoolUse>;
}
