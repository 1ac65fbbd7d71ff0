//! The database itself: which backend, its migrations, planner statistics and schema (for the parity test).

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
}
