//! Cases: opening, reading, listing, status changes, and each case's timeline.
//!
//! Not yet written here: forwarded to the dialect, which still holds its own copy.

use async_trait::async_trait;
use caseload_domain::cases::StatusChange;
use caseload_domain::ids::*;
use caseload_store::*;

use crate::{Dialect, SqlStore};

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
