//! The database itself: which backend, its migrations, planner statistics and
//! schema (for the parity test), readiness and pool use. What each does is
//! mostly the dialect's; this says what follows a migration on both, and
//! the readiness probes, which are the same SQL on both.

use async_trait::async_trait;
use caseload_store::*;
use tracing::instrument;

use crate::{Dialect, SqlStore, Statement, key_unkeyed};

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

    #[instrument(skip_all)]
    async fn readiness(&self, at: jiff::Timestamp) -> Readiness {
        // Side by side, so an unreachable database costs one acquire
        // timeout, not two.
        let read = async {
            D::query("SELECT checked_at FROM readiness WHERE id = 1")
                .fetch_optional(self.reader())
                .await
                .map(|_| ())
        };
        // A committed write of one page: on SQLite it must reach the WAL
        // (synchronous=FULL), so a full disk or read-only file fails it.
        let write = async {
            match D::query("UPDATE readiness SET checked_at = $1 WHERE id = 1")
                .bind_ts(at)
                .execute(self.writer())
                .await?
            {
                0 => Err(StoreError::NotFound("readiness row")),
                _ => self.dialect.check_space().await,
            }
        };
        let (read, write) = tokio::join!(read, write);
        Readiness { read, write }
    }

    fn pool_use(&self) -> Vec<PoolUse> {
        self.dialect.pool_use()
    }
}

/// A pool's use now, as [`Database::pool_use`] reports it.
pub fn pool_use<DB: sqlx::Database>(name: &'static str, pool: &sqlx::Pool<DB>) -> PoolUse {
    PoolUse {
        pool: name,
        open: pool.size(),
        idle: u32::try_from(pool.num_idle()).unwrap_or(u32::MAX),
        max: pool.options().get_max_connections(),
    }
}
