//! Cases: opening, reading, listing, status changes, and each case's timeline.

use async_trait::async_trait;
use caseload_domain::cases::{CaseStatus, ClosureReason, Complexity, ServiceArea, StatusChange};
use caseload_domain::ids::*;
use caseload_domain::notes::NoteKind;
use caseload_domain::records::EventKind;
use caseload_store::*;
use jiff::Timestamp;
use serde_json::json;
use tracing::instrument;

use crate::audit::audit;
use crate::{Dialect, Sql, SqlRow, SqlStore, Statement, one, push_scope};

#[async_trait]
impl<D: Dialect> Cases for SqlStore<D> {
    #[instrument(skip_all)]
    async fn create_case(&self, new: &NewCase, ctx: &WriteCtx) -> Result<Case> {
        let id = new_id(CaseId::from_parts, ctx.at);
        let opened_at = (new.status == CaseStatus::Open).then_some(ctx.at);
        let mut tx = self.dialect.begin().await?;
        D::query(
            "INSERT INTO cases (id, client_id, title, service_area, owner_id, team_id, status, complexity, \
             opened_at, created_by, created_at, updated_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12)",
        )
        .bind_str(id.as_str())
        .bind_str(new.client_id.as_str())
        .bind_str(&new.title)
        .bind_str(new.service_area.as_str())
        .bind_str(new.owner_id.as_str())
        .bind_str(new.team_id.as_str())
        .bind_str(new.status.as_str())
        .bind_str(new.complexity.as_str())
        .bind_opt_ts(opened_at)
        .bind_str(ctx.actor.as_str())
        .bind_ts(ctx.at)
        .bind_ts(ctx.at)
        .execute_in(&mut tx)
        .await?;
        let data = json!({"status": new.status, "service_area": new.service_area, "owner_id": new.owner_id});
        event::<D>(
            &mut tx,
            &id,
            ctx.at,
            ctx,
            EventKind::CaseCreated,
            id.as_str(),
            data,
        )
        .await?;
        audit::<D>(&mut tx, ctx, "case.create", "case", id.as_str()).await?;
        let case = fetch_case::<D>(&mut tx, &id).await?;
        D::commit(tx).await?;
        Ok(case)
    }

    #[instrument(skip_all)]
    async fn get_case(&self, id: &CaseId) -> Result<Case> {
        let mut conn = self.dialect.acquire_reader().await?;
        fetch_case::<D>(&mut conn, id).await
    }

    #[instrument(skip_all)]
    async fn list_cases(
        &self,
        filter: &CaseFilter,
        scope: &Scope,
        page: &Page,
    ) -> Result<Vec<Case>> {
        let mut q = Sql::new(CASE_SELECT);
        q.push(" WHERE 1 = 1");
        push_scope(&mut q, "c.", scope, Some("owner_id"));
        if let Some(owner) = &filter.owner {
            q.push(" AND c.owner_id = ").push_str(owner.as_str());
        }
        if let Some(status) = filter.status {
            q.push(" AND c.status = ").push_str(status.as_str());
        }
        if let Some(area) = filter.service_area {
            q.push(" AND c.service_area = ").push_str(area.as_str());
        }
        if let Some(client) = &filter.client {
            q.push(" AND c.client_id = ").push_str(client.as_str());
        }
        if let Some(after) = &page.after {
            q.push(" AND c.id > ").push_str(after);
        }
        q.push(" ORDER BY c.id LIMIT ")
            .push_i64(i64::from(page.limit));
        let rows = q.query::<D>().fetch_all(self.reader()).await?;
        rows.iter().map(case_row).collect()
    }

    #[instrument(skip_all)]
    async fn change_case_status(
        &self,
        id: &CaseId,
        change: &StatusChange,
        ctx: &WriteCtx,
    ) -> Result<Case> {
        let mut tx = self.dialect.begin().await?;
        if !D::FOR_UPDATE.is_empty() {
            D::query(&format!(
                "SELECT id FROM cases WHERE id = $1{}",
                D::FOR_UPDATE
            ))
            .bind_str(id.as_str())
            .execute_in(&mut tx)
            .await?;
        }
        let current = fetch_case::<D>(&mut tx, id).await?;
        if current.status != change.from {
            return Err(StoreError::Conflict(ConflictKind::Stale {
                what: "case",
                expected: change.from.to_string(),
                now: Some(current.status.to_string()),
            }));
        }
        let at = ctx.at;
        let (opened, closed) = match change.to {
            CaseStatus::Open if change.from != CaseStatus::OnHold => (Some(at), None),
            CaseStatus::Closed => (current.opened_at, Some(at)),
            _ => (current.opened_at, None),
        };
        D::query(
            "UPDATE cases SET status = $1, closure_reason = $2, closure_summary = $3, opened_at = $4, closed_at = $5, \
             updated_at = $6 WHERE id = $7",
        )
        .bind_str(change.to.as_str())
        .bind_opt_str(change.closure_reason.map(|r| r.as_str()))
        .bind_opt_str(change.closure_summary.as_deref())
        .bind_opt_ts(opened)
        .bind_opt_ts(closed)
        .bind_ts(at)
        .bind_str(id.as_str())
        .execute_in(&mut tx)
        .await?;
        // Reopening moves the start of the first-contact clock: the earliest
        // client contact since (which kinds count is the domain's rule).
        let first_contact = format!(
            "UPDATE cases SET first_contact_at = (SELECT MIN(n.occurred_at) FROM notes n \
             WHERE n.case_id = cases.id AND {} \
             AND n.occurred_at >= COALESCE(cases.opened_at, cases.created_at)) WHERE id = $1",
            D::in_list("n.kind", 2)
        );
        let contact_kinds = NoteKind::ALL
            .iter()
            .filter(|k| k.is_client_contact())
            .map(|k| k.as_str().to_owned())
            .collect();
        D::query(&first_contact)
            .bind_str(id.as_str())
            .bind_str_list(contact_kinds)
            .execute_in(&mut tx)
            .await?;
        let change_id = new_id(CaseId::from_parts, ctx.at)
            .to_string()
            .replacen("cas_", "chg_", 1);
        D::query(
            "INSERT INTO case_status_changes (id, case_id, from_status, to_status, reason, actor_id, at) \
             VALUES ($1, $2, $3, $4, $5, $6, $7)",
        )
        .bind_str(&change_id)
        .bind_str(id.as_str())
        .bind_str(change.from.as_str())
        .bind_str(change.to.as_str())
        .bind_opt_str(change.reason.as_deref())
        .bind_str(ctx.actor.as_str())
        .bind_ts(at)
        .execute_in(&mut tx)
        .await?;
        let data = json!({"from": change.from, "to": change.to, "reason": change.reason,
            "closure_reason": change.closure_reason});
        event::<D>(
            &mut tx,
            id,
            ctx.at,
            ctx,
            EventKind::StatusChanged,
            id.as_str(),
            data,
        )
        .await?;
        audit::<D>(&mut tx, ctx, "case.status", "case", id.as_str()).await?;
        let case = fetch_case::<D>(&mut tx, id).await?;
        D::commit(tx).await?;
        Ok(case)
    }

    #[instrument(skip_all)]
    async fn timeline(&self, case: &CaseId) -> Result<Vec<TimelineEntry>> {
        let rows = D::query(
            "SELECT e.seq, e.kind, e.at, e.recorded_at, e.actor_id, u.name AS actor_name, e.subject_id, e.data \
             FROM case_events e JOIN users u ON u.id = e.actor_id WHERE e.case_id = $1 ORDER BY e.at, e.seq",
        )
        .bind_str(case.as_str())
        .fetch_all(self.reader())
        .await?;
        rows.iter().map(timeline_row).collect()
    }
}

pub(crate) fn case_row(r: &impl SqlRow) -> Result<Case> {
    Ok(Case {
        id: CaseId::from_trusted(r.string(case_columns::ID)?),
        client_id: ClientId::from_trusted(r.string(case_columns::CLIENT_ID)?),
        client_name: r.string(case_columns::CLIENT_NAME)?,
        title: r.string(case_columns::TITLE)?,
        service_area: decode::vocab(
            r.text(case_columns::SERVICE_AREA)?,
            ServiceArea::parse,
            "service area",
        )?,
        owner_id: UserId::from_trusted(r.string(case_columns::OWNER_ID)?),
        owner_name: r.string(case_columns::OWNER_NAME)?,
        team_id: TeamId::from_trusted(r.string(case_columns::TEAM_ID)?),
        status: decode::vocab(r.text(case_columns::STATUS)?, CaseStatus::parse, "status")?,
        complexity: decode::vocab(
            r.text(case_columns::COMPLEXITY)?,
            Complexity::parse,
            "complexity",
        )?,
        closure_reason: r
            .opt_text(case_columns::CLOSURE_REASON)?
            .map(|v| decode::vocab(v, ClosureReason::parse, "closure reason"))
            .transpose()?,
        closure_summary: r.opt_string(case_columns::CLOSURE_SUMMARY)?,
        opened_at: r.opt_ts(case_columns::OPENED_AT)?,
        closed_at: r.opt_ts(case_columns::CLOSED_AT)?,
        created_by: UserId::from_trusted(r.string(case_columns::CREATED_BY)?),
        created_at: r.ts(case_columns::CREATED_AT)?,
        updated_at: r.ts(case_columns::UPDATED_AT)?,
        priority_band: r.opt_string(case_columns::PRIORITY_BAND)?,
        priority_floor: r.opt_string(case_columns::PRIORITY_FLOOR)?,
        assessed_at: r.opt_ts(case_columns::ASSESSED_AT)?,
    })
}

async fn fetch_case<D: Dialect>(conn: &mut D::Conn, id: &CaseId) -> Result<Case> {
    let row = D::query(&format!("{CASE_SELECT} WHERE c.id = $1"))
        .bind_str(id.as_str())
        .fetch_optional_in(conn)
        .await?;
    one(row, "case", case_row)
}

const CASE_SELECT: &str = "SELECT c.id, c.client_id, c.client_name, c.title, c.service_area, c.owner_id, \
    u.name AS owner_name, c.team_id, c.status, c.complexity, c.closure_reason, c.closure_summary, c.opened_at, \
    c.closed_at, c.created_by, c.created_at, c.updated_at, c.priority_band, c.priority_floor, c.assessed_at \
    FROM cases c JOIN users u ON u.id = c.owner_id";

fn timeline_row(r: &impl SqlRow) -> Result<TimelineEntry> {
    Ok(TimelineEntry {
        seq: r.i64("seq")?,
        kind: decode::vocab(&r.string("kind")?, EventKind::parse, "event kind")?,
        at: r.ts("at")?,
        recorded_at: r.ts("recorded_at")?,
        actor_id: UserId::from_trusted(r.string("actor_id")?),
        actor_name: r.string("actor_name")?,
        subject_id: r.string("subject_id")?,
        data: decode::json(&r.json_text("data")?)?,
    })
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

#[cfg(test)]
mod tests {
    use super::*;
    use caseload_store::case_columns::{NAMES, select_names};

    #[test]
    fn the_case_select_lists_its_columns_in_order() {
        assert_eq!(select_names(CASE_SELECT), NAMES[..20]);
    }
}
