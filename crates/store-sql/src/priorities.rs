//! Priority policies (versioned), assessments, overrides and the history of bands.
//!
//! Not yet written here: forwarded to the dialect, which still holds its own copy.

use async_trait::async_trait;
use caseload_domain::ids::*;
use caseload_store::*;
use jiff::Timestamp;

use crate::{Dialect, SqlStore};

#[async_trait]
impl<D: Dialect> Priorities for SqlStore<D> {
    async fn save_policy_version(
        &self,
        policy_id: &str,
        name: &str,
        service_areas: &[String],
        body: &str,
        by: Option<&UserId>,
        at: Timestamp,
    ) -> Result<PolicyVersion> {
        Priorities::save_policy_version(&self.dialect, policy_id, name, service_areas, body, by, at)
            .await
    }

    async fn list_policies(&self) -> Result<Vec<PolicyVersion>> {
        Priorities::list_policies(&self.dialect).await
    }

    async fn policy_versions(&self, policy_id: &str) -> Result<Vec<PolicyVersion>> {
        Priorities::policy_versions(&self.dialect, policy_id).await
    }

    async fn record_assessment(&self, new: &NewAssessment, ctx: &WriteCtx) -> Result<Assessment> {
        Priorities::record_assessment(&self.dialect, new, ctx).await
    }

    async fn latest_assessment(&self, case: &CaseId) -> Result<Option<Assessment>> {
        Priorities::latest_assessment(&self.dialect, case).await
    }

    async fn override_priority(&self, new: &NewOverride, ctx: &WriteCtx) -> Result<PriorityChange> {
        Priorities::override_priority(&self.dialect, new, ctx).await
    }

    async fn override_priorities(&self, changes: &[NewOverride], ctx: &WriteCtx) -> Result<usize> {
        Priorities::override_priorities(&self.dialect, changes, ctx).await
    }

    async fn priority_history(&self, case: &CaseId) -> Result<Vec<PriorityChange>> {
        Priorities::priority_history(&self.dialect, case).await
    }
}
