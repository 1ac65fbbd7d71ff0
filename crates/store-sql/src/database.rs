//! The database itself: which backend, its migrations, planner statistics and schema (for the parity test).
//!
//! Not yet written here: forwarded to the dialect, which still holds its own copy.

use async_trait::async_trait;
use caseload_store::*;

use crate::{Dialect, SqlStore};

#[async_trait]
impl<D: Dialect> Database for SqlStore<D> {
    fn backend(&self) -> &'static str {
        Database::backend(&self.dialect)
    }

    async fn migrate(&self) -> Result<()> {
        Database::migrate(&self.dialect).await
    }

    async fn analyze(&self) -> Result<()> {
        Database::analyze(&self.dialect).await
    }

    async fn schema(&self) -> Result<Vec<(String, Vec<String>)>> {
        Database::schema(&self.dialect).await
    }
}
