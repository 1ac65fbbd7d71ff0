//! The audit trail: events appended on their own (reads, denials) and read back.
//!
//! Not yet written here: forwarded to the dialect, which still holds its own copy.

use async_trait::async_trait;
use caseload_store::*;

use crate::{Dialect, SqlStore};

#[async_trait]
impl<D: Dialect> Audit for SqlStore<D> {
    async fn record_audits(&self, events: &[NewAuditEvent]) -> Result<()> {
        Audit::record_audits(&self.dialect, events).await
    }

    async fn list_audit(&self, limit: u32) -> Result<Vec<AuditEvent>> {
        Audit::list_audit(&self.dialect, limit).await
    }
}
