//! The audit trail: events appended on their own (reads, denials) and read back.
//!
//! Not yet written here: forwarded to the dialect, which still holds its own copy.

use async_trait::async_trait;
use caseload_store::*;

use crate::{Dialect, SqlStore, Statement};

#[async_trait]
impl<D: Dialect> Audit for SqlStore<D> {
    async fn record_audits(&self, events: &[NewAuditEvent]) -> Result<()> {
        Audit::record_audits(&self.dialect, events).await
    }

    async fn list_audit(&self, limit: u32) -> Result<Vec<AuditEvent>> {
        Audit::list_audit(&self.dialect, limit).await
    }
}

/// Append a write's audit event, in its transaction.
pub(crate) async fn audit<D: Dialect>(
    conn: &mut D::Conn,
    ctx: &WriteCtx,
    action: &str,
    object_type: &str,
    object_id: &str,
) -> Result<()> {
    D::query(
        "INSERT INTO audit_events (at, actor_id, action, object_type, object_id, request_id) VALUES ($1, $2, $3, $4, $5, $6)",
    )
    .bind_ts(ctx.at)
    .bind_str(ctx.actor.as_str())
    .bind_str(action)
    .bind_str(object_type)
    .bind_str(object_id)
    .bind_str(&ctx.request_id)
    .execute_in(conn)
    .await?;
    Ok(())
}
