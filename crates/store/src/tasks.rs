//! A case's tasks and their status changes.

use async_trait::async_trait;
use caseload_domain::ids::*;
use caseload_domain::records::TaskStatus;
use jiff::Timestamp;
use jiff::civil::Date;
use serde::Serialize;

use crate::*;

#[derive(Debug, Clone, PartialEq, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Task {
    #[cfg_attr(feature = "openapi", schema(value_type = String))]
    pub id: TaskId,
    #[cfg_attr(feature = "openapi", schema(value_type = String))]
    pub case_id: CaseId,
    pub title: String,
    #[cfg_attr(feature = "openapi", schema(value_type = Option<String>, format = Date))]
    pub due_date: Option<Date>,
    #[cfg_attr(feature = "openapi", schema(value_type = Option<String>))]
    pub assignee_id: Option<UserId>,
    pub assignee_name: Option<String>,
    pub status: TaskStatus,
    #[cfg_attr(feature = "openapi", schema(value_type = String))]
    pub created_by: UserId,
    #[cfg_attr(feature = "openapi", schema(value_type = String, format = DateTime))]
    pub created_at: Timestamp,
    #[cfg_attr(feature = "openapi", schema(value_type = Option<String>, format = DateTime))]
    pub completed_at: Option<Timestamp>,
    /// Why it was cancelled, while it stays cancelled.
    pub cancellation_reason: Option<String>,
}

#[derive(Debug, Clone)]
pub struct NewTask {
    pub case_id: CaseId,
    pub title: String,
    pub due_date: Option<Date>,
    pub assignee_id: Option<UserId>,
}

#[async_trait]
pub trait Tasks: Send + Sync {
    async fn add_task(&self, new: &NewTask, ctx: &WriteCtx) -> Result<Task>;

    async fn get_task(&self, id: &TaskId) -> Result<Task>;

    async fn list_tasks(&self, case: &CaseId) -> Result<Vec<Task>>;

    /// Move a task from `from` to `to`; a conflict if it is no longer `from`.
    async fn set_task_status(
        &self,
        id: &TaskId,
        from: TaskStatus,
        to: TaskStatus,
        ctx: &WriteCtx,
    ) -> Result<Task> {
        self.change_task_status(id, from, to, None, ctx).await
    }

    /// `set_task_status` with the reason given for the change, kept on its
    /// timeline entry (and, for a cancellation, on the task while it stays
    /// cancelled). Whether a reason is required is the caller's rule.
    async fn change_task_status(
        &self,
        id: &TaskId,
        from: TaskStatus,
        to: TaskStatus,
        reason: Option<&str>,
        ctx: &WriteCtx,
    ) -> Result<Task>;
}
