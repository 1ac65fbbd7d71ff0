//! The database itself: which backend, its migrations, planner statistics and
//! schema (for the parity test). What each does is the dialect's; this says
//! what follows a migration on both.

use async_trait::async_trait;
use caseload_store::*;
use tracing::instrument;

use crate::{Dialect, SqlStore, key_unkeyed};

#[async_trait]
impl<D: Dialect> Database for SqlStore<D> {
    fn backend(&self) -> &'static str {
        D::NAME
    }

    #[instrument(skip_all)]
    async fn migrate(&self) -> Result<()> {
        self.dialect.run_migrations().await?;
        // Clients from before migration 0015 (or loaded past the store) get
        // their search keys.
        let mut tx = self.dialect.begin().await?;
        key_unkeyed::<D>(&mut tx).await?;
        D::commit(tx).await
    }

    #[instrument(skip_all)]
    async fn analyze(&self) -> Result<()> {
        self.dialect.refresh_statistics().await
    }

    #[instrument(skip_all)]
    async fn schema(&self) -> Result<Vec<(String, Vec<String>)>> {
        self.dialect.read_schema().await
    }
}
