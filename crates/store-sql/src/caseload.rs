//! The caseload: a user's queue rows, a team's summary, and the active caseload re-evaluation walks.
//!
//! Not yet written here: forwarded to the dialect, which still holds its own copy.

use async_trait::async_trait;
use caseload_domain::ids::*;
use caseload_store::*;

use crate::{Dialect, SqlStore};

#[async_trait]
impl<D: Dialect> Caseloads for SqlStore<D> {
    async fn caseload(&self, owner: &UserId, today: jiff::civil::Date) -> Result<Vec<CaseloadRow>> {
        Caseloads::caseload(&self.dialect, owner, today).await
    }

    async fn caseload_cases(
        &self,
        owner: &UserId,
        cases: &[CaseId],
        today: jiff::civil::Date,
    ) -> Result<Vec<CaseloadRow>> {
        Caseloads::caseload_cases(&self.dialect, owner, cases, today).await
    }

    async fn active_caseload(
        &self,
        after: Option<&CaseId>,
        limit: u32,
    ) -> Result<Vec<CaseloadRow>> {
        Caseloads::active_caseload(&self.dialect, after, limit).await
    }

    async fn caseload_row(&self, case: &CaseId, today: jiff::civil::Date) -> Result<CaseloadRow> {
        Caseloads::caseload_row(&self.dialect, case, today).await
    }

    async fn team_summary(
        &self,
        team: &TeamId,
        today: jiff::civil::Date,
    ) -> Result<Vec<MemberLoad>> {
        Caseloads::team_summary(&self.dialect, team, today).await
    }
}
