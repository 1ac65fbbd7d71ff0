//! The organisation's timescales (versioned) and the at-risk and breach alerts their clocks raise.
//!
//! Not yet written here: forwarded to the dialect, which still holds its own copy.

use async_trait::async_trait;
use caseload_domain::ids::*;
use caseload_store::*;
use jiff::Timestamp;

use crate::{Dialect, SqlStore};

#[async_trait]
impl<D: Dialect> Timescales for SqlStore<D> {
    async fn save_timescales(
        &self,
        body: &str,
        by: Option<&UserId>,
        at: Timestamp,
    ) -> Result<TimescaleVersion> {
        Timescales::save_timescales(&self.dialect, body, by, at).await
    }

    async fn timescale_versions(&self) -> Result<Vec<TimescaleVersion>> {
        Timescales::timescale_versions(&self.dialect).await
    }

    async fn latest_timescales(&self) -> Result<Option<TimescaleVersion>> {
        Timescales::latest_timescales(&self.dialect).await
    }

    async fn record_alerts(&self, alerts: &[NewAlert], ctx: &WriteCtx) -> Result<usize> {
        Timescales::record_alerts(&self.dialect, alerts, ctx).await
    }
}
