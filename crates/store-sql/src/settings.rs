//! The organisation's settings, and the generation counter that tells servers when what they keep in memory is stale.

use async_trait::async_trait;
use caseload_store::*;
use jiff::Timestamp;
use tracing::instrument;

use crate::{Dialect, SqlRow, SqlStore, Statement};

#[async_trait]
impl<D: Dialect> OrganisationSettings for SqlStore<D> {
    #[instrument(skip_all)]
    async fn get_setting(&self, key: &str) -> Result<Option<String>> {
        D::query("SELECT value FROM organisation_settings WHERE key = $1")
            .bind_str(key)
            .fetch_optional(self.reader())
            .await?
            .map(|r| r.string(0))
            .transpose()
    }

    #[instrument(skip_all)]
    async fn set_setting(&self, key: &str, value: &str, at: Timestamp) -> Result<()> {
        D::query(
            "INSERT INTO organisation_settings (key, value, updated_at) VALUES ($1, $2, $3) \
             ON CONFLICT (key) DO UPDATE SET value = excluded.value, updated_at = excluded.updated_at",
        )
        .bind_str(key)
        .bind_str(value)
        .bind_ts(at)
        .execute(self.writer())
        .await?;
        Ok(())
    }

    #[instrument(skip_all)]
    async fn settings_generation(&self) -> Result<i64> {
        D::query("SELECT generation FROM settings_generation WHERE id = 1")
            .fetch_one(self.reader())
            .await?
            .i64(0)
    }
}
