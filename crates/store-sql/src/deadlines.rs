//! Deadlines set on a case (each with its task).

use async_trait::async_trait;
use caseload_domain::ids::*;
use caseload_domain::records::EventKind;
use caseload_store::*;
use serde_json::json;
use tracing::instrument;

use crate::audit::audit;
use crate::cases::event;
use crate::tasks::insert_task;
use crate::{Dialect, SqlRow, SqlStore, Statement};

#[async_trait]
impl<D: Dialect> Deadlines for SqlStore<D> {
    #[instrument(skip_all)]
    async fn add_deadline(&self, new: &NewDeadline, ctx: &WriteCtx) -> Result<Deadline> {
        let id = new_id(DeadlineId::from_parts, ctx.at);
        let task_id = new_id(TaskId::from_parts, ctx.at);
        let mut tx = self.dialect.begin().await?;
        insert_task::<D>(
            &mut tx,
            &task_id,
            &new.case_id,
            &format!("Deadline: {}", new.title),
            Some(new.due_date),
            new.assignee_id.as_ref(),
            ctx,
        )
        .await?;
        D::query(
            "INSERT INTO deadlines (id, case_id, rule_id, title, trigger_date, calendar, due_date, explanation, task_id, \
             created_by, created_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11)",
        )
        .bind_str(id.as_str())
        .bind_str(new.case_id.as_str())
        .bind_opt_str(new.rule_id.as_deref())
        .bind_str(&new.title)
        .bind_opt_date(new.trigger_date)
        .bind_opt_str(new.calendar.as_deref())
        .bind_date(new.due_date)
        .bind_json(serde_json::to_string(&new.explanation).unwrap_or_else(|_| "[]".into()))
        .bind_str(task_id.as_str())
        .bind_str(ctx.actor.as_str())
        .bind_ts(ctx.at)
        .execute_in(&mut tx)
        .await?;
        let data = json!({"rule_id": new.rule_id, "due_date": new.due_date, "task_id": task_id});
        event::<D>(
            &mut tx,
            &new.case_id,
            ctx.at,
            ctx,
            EventKind::DeadlineAdded,
            id.as_str(),
            data,
        )
        .await?;
        audit::<D>(&mut tx, ctx, "deadline.create", "deadline", id.as_str()).await?;
        D::commit(tx).await?;
        Ok(Deadline {
            id,
            case_id: new.case_id.clone(),
            rule_id: new.rule_id.clone(),
            title: new.title.clone(),
            trigger_date: new.trigger_date,
            calendar: new.calendar.clone(),
            due_date: new.due_date,
            explanation: new.explanation.clone(),
            task_id,
            created_by: ctx.actor.clone(),
            created_at: ctx.at,
        })
    }

    #[instrument(skip_all)]
    async fn list_deadlines(&self, case: &CaseId) -> Result<Vec<Deadline>> {
        let rows = D::query(
            "SELECT id, case_id, rule_id, title, trigger_date, calendar, due_date, explanation AS explanation, \
             task_id, created_by, created_at FROM deadlines WHERE case_id = $1 ORDER BY due_date, created_at, id",
        )
        .bind_str(case.as_str())
        .fetch_all(self.reader())
        .await?;
        rows.iter()
            .map(|r| {
                let explanation: Vec<String> =
                    serde_json::from_str(&r.json_text("explanation")?)
                        .map_err(|e| StoreError::corrupt(format!("deadline explanation: {e}")))?;
                Ok(Deadline {
                    id: DeadlineId::from_trusted(r.string("id")?),
                    case_id: CaseId::from_trusted(r.string("case_id")?),
                    rule_id: r.opt_string("rule_id")?,
                    title: r.string("title")?,
                    trigger_date: r.opt_date("trigger_date")?,
                    calendar: r.opt_string("calendar")?,
                    due_date: r
                        .opt_date("due_date")?
                        .ok_or_else(|| StoreError::corrupt("deadline without a date"))?,
                    explanation,
                    task_id: TaskId::from_trusted(r.string("task_id")?),
                    created_by: UserId::from_trusted(r.string("created_by")?),
                    created_at: r.ts("created_at")?,
                })
            })
            .collect()
    }
}
