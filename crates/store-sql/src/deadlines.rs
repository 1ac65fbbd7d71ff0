//! Deadlines set on a case (each with its task).
//!
//! Not yet written here: forwarded to the dialect, which still holds its own copy.

use async_trait::async_trait;
use caseload_domain::ids::*;
use caseload_store::*;

use crate::{Dialect, SqlStore};

#[async_trait]
impl<D: Dialect> Deadlines for SqlStore<D> {
    async fn add_deadline(&self, new: &NewDeadline, ctx: &WriteCtx) -> Result<Deadline> {
        Deadlines::add_deadline(&self.dialect, new, ctx).await
    }

    async fn list_deadlines(&self, case: &CaseId) -> Result<Vec<Deadline>> {
        Deadlines::list_deadlines(&self.dialect, case).await
    }
}
