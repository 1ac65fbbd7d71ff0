//! A case's required outcomes and the progress recorded against them.
//!
//! Not yet written here: forwarded to the dialect, which still holds its own copy.

use async_trait::async_trait;
use caseload_domain::ids::*;
use caseload_store::*;

use crate::{Dialect, SqlStore};

#[async_trait]
impl<D: Dialect> Outcomes for SqlStore<D> {
    async fn add_outcome(&self, new: &NewOutcome, ctx: &WriteCtx) -> Result<Outcome> {
        Outcomes::add_outcome(&self.dialect, new, ctx).await
    }

    async fn get_outcome(&self, id: &OutcomeId) -> Result<Outcome> {
        Outcomes::get_outcome(&self.dialect, id).await
    }

    async fn list_outcomes(&self, case: &CaseId) -> Result<Vec<Outcome>> {
        Outcomes::list_outcomes(&self.dialect, case).await
    }

    async fn add_outcome_progress(&self, new: &NewProgress, ctx: &WriteCtx) -> Result<Outcome> {
        Outcomes::add_outcome_progress(&self.dialect, new, ctx).await
    }
}
