//! The audit trail: events appended on their own (reads, denials) and read back.
//!
//! Appending events on their own is the dialect's (see `Dialect::record_audits`).

use async_trait::async_trait;
use caseload_domain::ids::UserId;
use caseload_store::*;
use tracing::instrument;

use crate::{Dialect, SqlRow, SqlStore, Statement};

#[async_trait]
impl<D: Dialect> Audit for SqlStore<D> {
    #[instrument(skip_all)]
    async fn record_audits(&self, events: &[NewAuditEvent]) -> Result<()> {
        if events.is_empty() {
            return Ok(());
        }
        self.dialect.record_audits(events).await
    }

    #[instrument(skip_all)]
    async fn list_audit(&self, limit: u32) -> Result<Vec<AuditEvent>> {
        // Events recorded but not yet moved in belong to the trail too.
        self.dialect.settle_audits().await?;
        let rows = D::query("SELECT * FROM audit_events ORDER BY seq DESC LIMIT $1")
            .bind_i64(i64::from(limit))
            .fetch_all(self.reader())
            .await?;
        rows.iter().map(audit_row).collect()
    }
}

fn audit_row(r: &impl SqlRow) -> Result<AuditEvent> {
    Ok(AuditEvent {
        seq: r.i64("seq")?,
        at: r.ts("at")?,
        actor_id: r.opt_string("actor_id")?.map(UserId::from_trusted),
        action: r.string("action")?,
        object_type: r.string("object_type")?,
        object_id: r.opt_string("object_id")?,
        request_id: r.string("request_id")?,
    })
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
