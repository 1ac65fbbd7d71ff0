//! A case's tasks and their status changes.

use async_trait::async_trait;
use caseload_domain::ids::*;
use caseload_domain::records::{EventKind, TaskStatus};
use caseload_store::*;
use serde_json::json;
use tracing::instrument;

use crate::audit::audit;
use crate::cases::{event, parent_case};
use crate::{Dialect, SqlRow, SqlStore, Statement, one};

const TASK_SELECT: &str = "SELECT t.id, t.case_id, t.title, t.due_date, t.assignee_id, u.name AS assignee_name, \
    t.status, t.created_by, t.created_at, t.completed_at, t.cancellation_reason FROM tasks t LEFT JOIN users u ON u.id = t.assignee_id";

#[async_trait]
impl<D: Dialect> Tasks for SqlStore<D> {
    #[instrument(skip_all)]
    async fn add_task(&self, new: &NewTask, ctx: &WriteCtx) -> Result<Task> {
        let id = new_id(TaskId::from_parts, ctx.at);
        let mut tx = self.dialect.begin().await?;
        insert_task::<D>(
            &mut tx,
            &id,
            &new.case_id,
            &new.title,
            new.due_date,
            new.assignee_id.as_ref(),
            ctx,
        )
        .await?;
        let data = json!({"due_date": new.due_date, "assignee_id": new.assignee_id});
        event::<D>(
            &mut tx,
            &new.case_id,
            ctx.at,
            ctx,
            EventKind::TaskAdded,
            id.as_str(),
            data,
        )
        .await?;
        audit::<D>(&mut tx, ctx, "task.create", "task", id.as_str()).await?;
        let task = fetch_task::<D>(&mut tx, &id).await?;
        D::commit(tx).await?;
        Ok(task)
    }

    #[instrument(skip_all)]
    async fn get_task(&self, id: &TaskId) -> Result<Task> {
        let mut conn = self.dialect.acquire_reader().await?;
        fetch_task::<D>(&mut conn, id).await
    }

    #[instrument(skip_all)]
    async fn list_tasks(&self, case: &CaseId) -> Result<Vec<Task>> {
        let rows = D::query(&format!(
            "{TASK_SELECT} WHERE t.case_id = $1 ORDER BY t.created_at, t.id"
        ))
        .bind_str(case.as_str())
        .fetch_all(self.reader())
        .await?;
        rows.iter().map(task_row).collect()
    }

    #[instrument(skip_all)]
    async fn change_task_status(
        &self,
        id: &TaskId,
        from: TaskStatus,
        to: TaskStatus,
        reason: Option<&str>,
        ctx: &WriteCtx,
    ) -> Result<Task> {
        let mut tx = self.dialect.begin().await?;
        let case = parent_case::<D>(&mut tx, "tasks", id.as_str(), "task").await?;
        let finished = matches!(to, TaskStatus::Done | TaskStatus::Cancelled);
        let done = D::query(
            "UPDATE tasks SET status = $1, completed_at = $2, completed_by = $3, cancellation_reason = $4 \
             WHERE id = $5 AND status = $6",
        )
        .bind_str(to.as_str())
        .bind_opt_ts(finished.then_some(ctx.at))
        .bind_opt_str(finished.then(|| ctx.actor.as_str()))
        .bind_opt_str(reason.filter(|_| to == TaskStatus::Cancelled))
        .bind_str(id.as_str())
        .bind_str(from.as_str())
        .execute_in(&mut tx)
        .await?;
        if done == 0 {
            return Err(StoreError::Conflict(ConflictKind::Stale {
                what: "task",
                expected: from.to_string(),
                now: None,
            }));
        }
        let mut data = json!({"from": from, "to": to});
        if let Some(reason) = reason {
            data["reason"] = json!(reason);
        }
        event::<D>(
            &mut tx,
            &case,
            ctx.at,
            ctx,
            EventKind::TaskStatusChanged,
            id.as_str(),
            data,
        )
        .await?;
        audit::<D>(&mut tx, ctx, "task.status", "task", id.as_str()).await?;
        let task = fetch_task::<D>(&mut tx, id).await?;
        D::commit(tx).await?;
        Ok(task)
    }
}

fn task_row(r: &impl SqlRow) -> Result<Task> {
    Ok(Task {
        id: TaskId::from_trusted(r.string("id")?),
        case_id: CaseId::from_trusted(r.string("case_id")?),
        title: r.string("title")?,
        due_date: r.opt_date("due_date")?,
        assignee_id: r.opt_string("assignee_id")?.map(UserId::from_trusted),
        assignee_name: r.opt_string("assignee_name")?,
        status: decode::vocab(&r.string("status")?, TaskStatus::parse, "task status")?,
        created_by: UserId::from_trusted(r.string("created_by")?),
        created_at: r.ts("created_at")?,
        completed_at: r.opt_ts("completed_at")?,
        cancellation_reason: r.opt_string("cancellation_reason")?,
    })
}

async fn fetch_task<D: Dialect>(conn: &mut D::Conn, id: &TaskId) -> Result<Task> {
    let row = D::query(&format!("{TASK_SELECT} WHERE t.id = $1"))
        .bind_str(id.as_str())
        .fetch_optional_in(conn)
        .await?;
    one(row, "task", task_row)
}

/// Insert an open task: the one shape tasks, deadlines and hard rules share.
pub(crate) async fn insert_task<D: Dialect>(
    conn: &mut D::Conn,
    id: &TaskId,
    case: &CaseId,
    title: &str,
    due: Option<jiff::civil::Date>,
    assignee: Option<&UserId>,
    ctx: &WriteCtx,
) -> Result<()> {
    D::query(
        "INSERT INTO tasks (id, case_id, title, due_date, assignee_id, status, created_by, created_at) \
         VALUES ($1, $2, $3, $4, $5, 'open', $6, $7)",
    )
    .bind_str(id.as_str())
    .bind_str(case.as_str())
    .bind_str(title)
    .bind_opt_date(due)
    .bind_opt_str(assignee.map(|a| a.as_str()))
    .bind_str(ctx.actor.as_str())
    .bind_ts(ctx.at)
    .execute_in(&mut *conn)
    .await?;
    Ok(())
}
