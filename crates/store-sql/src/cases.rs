//! Cases: opening, reading, listing, status changes, and each case's timeline.
//!
//! Not yet written here: forwarded to the dialect, which still holds its own copy.

use async_trait::async_trait;
use caseload_domain::cases::StatusChange;
use caseload_domain::ids::*;
use caseload_domain::records::EventKind;
use caseload_store::*;
use jiff::Timestamp;

use crate::{Dialect, SqlRow, SqlStore, Statement};

#[async_trait]
impl<D: Dialect> Cases for SqlStore<D> {
    async fn create_case(&self, new: &NewCase, ctx: &WriteCtx) -> Result<Case> {
        Cases::create_case(&self.dialect, new, ctx).await
    }

    async fn get_case(&self, id: &CaseId) -> Result<Case> {
        Cases::get_case(&self.dialect, id).await
    }

    async fn list_cases(
        &self,
        filter: &CaseFilter,
        scope: &Scope,
        page: &Page,
    ) -> Result<Vec<Case>> {
        Cases::list_cases(&self.dialect, filter, scope, page).await
    }

    async fn change_case_status(
        &self,
        id: &CaseId,
        change: &StatusChange,
        ctx: &WriteCtx,
    ) -> Result<Case> {
        Cases::change_case_status(&self.dialect, id, change, ctx).await
    }

    async fn timeline(&self, case: &CaseId) -> Result<Vec<TimelineEntry>> {
        Cases::timeline(&self.dialect, case).await
    }
}

/// Append an entry to a case's timeline, in the write's transaction.
#[allow(clippy::too_many_arguments)]
pub(crate) async fn event<D: Dialect>(
    conn: &mut D::Conn,
    case: &CaseId,
    at: Timestamp,
    ctx: &WriteCtx,
    kind: EventKind,
    subject: &str,
    data: serde_json::Value,
) -> Result<()> {
    D::query(
        "INSERT INTO case_events (case_id, at, recorded_at, actor_id, kind, subject_id, data) VALUES ($1, $2, $3, $4, $5, $6, $7)",
    )
    .bind_str(case.as_str())
    .bind_ts(at)
    .bind_ts(ctx.at)
    .bind_str(ctx.actor.as_str())
    .bind_str(kind.as_str())
    .bind_str(subject)
    .bind_json(data.to_string())
    .execute_in(conn)
    .await?;
    Ok(())
}

/// The case a child record belongs to, or NotFound.
pub(crate) async fn parent_case<D: Dialect>(
    conn: &mut D::Conn,
    table: &str,
    id: &str,
    what: &'static str,
) -> Result<CaseId> {
    let row = D::query(&format!(
        "SELECT case_id FROM {table} WHERE id = $1{}",
        D::FOR_UPDATE
    ))
    .bind_str(id)
    .fetch_optional_in(conn)
    .await?
    .ok_or(StoreError::NotFound(what))?;
    Ok(CaseId::from_trusted(row.string("case_id")?))
}
