//! The database itself: which backend, its migrations, planner statistics and schema (for the parity test).

use async_trait::async_trait;

use crate::*;

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
