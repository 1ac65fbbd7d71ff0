//! A case's tasks and their status changes.
//!
//! Not yet written here: forwarded to the dialect, which still holds its own copy.

use async_trait::async_trait;
use caseload_domain::ids::*;
use caseload_domain::records::TaskStatus;
use caseload_store::*;

use crate::{Dialect, SqlStore};

#[async_trait]
impl<D: Dialect> Tasks for SqlStore<D> {
    async fn add_task(&self, new: &NewTask, ctx: &WriteCtx) -> Result<Task> {
        Tasks::add_task(&self.dialect, new, ctx).await
    }

    async fn get_task(&self, id: &TaskId) -> Result<Task> {
        Tasks::get_task(&self.dialect, id).await
    }

    async fn list_tasks(&self, case: &CaseId) -> Result<Vec<Task>> {
        Tasks::list_tasks(&self.dialect, case).await
    }

    async fn change_task_status(
        &self,
        id: &TaskId,
        from: TaskStatus,
        to: TaskStatus,
        reason: Option<&str>,
        ctx: &WriteCtx,
    ) -> Result<Task> {
        Tasks::change_task_status(&self.dialect, id, from, to, reason, ctx).await
    }
}
