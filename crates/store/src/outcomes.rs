//! A case's required outcomes and the progress recorded against them.

use async_trait::async_trait;
use caseload_domain::ids::*;
use caseload_domain::records::OutcomeStatus;
use jiff::Timestamp;
use jiff::civil::Date;
use serde::Serialize;

use crate::*;

#[derive(Debug, Clone, PartialEq, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Outcome {
    #[cfg_attr(feature = "openapi", schema(value_type = String))]
    pub id: OutcomeId,
    #[cfg_attr(feature = "openapi", schema(value_type = String))]
    pub case_id: CaseId,
    pub description: String,
    #[cfg_attr(feature = "openapi", schema(value_type = Option<String>, format = Date))]
    pub target_date: Option<Date>,
    pub status: OutcomeStatus,
    #[cfg_attr(feature = "openapi", schema(value_type = String))]
    pub created_by: UserId,
    #[cfg_attr(feature = "openapi", schema(value_type = String, format = DateTime))]
    pub created_at: Timestamp,
    /// Progress entries, oldest first.
    pub progress: Vec<OutcomeProgress>,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct OutcomeProgress {
    #[cfg_attr(feature = "openapi", schema(value_type = String))]
    pub id: ProgressId,
    #[cfg_attr(feature = "openapi", schema(value_type = String))]
    pub author_id: UserId,
    pub author_name: String,
    #[cfg_attr(feature = "openapi", schema(value_type = String, format = DateTime))]
    pub recorded_at: Timestamp,
    /// The outcome's status after this entry.
    pub status: OutcomeStatus,
    pub text: String,
}

#[derive(Debug, Clone)]
pub struct NewOutcome {
    pub case_id: CaseId,
    pub description: String,
    pub target_date: Option<Date>,
}

#[derive(Debug, Clone)]
pub struct NewProgress {
    pub outcome_id: OutcomeId,
    pub status: OutcomeStatus,
    pub text: String,
}

#[async_trait]
pub trait Outcomes: Send + Sync {
    async fn add_outcome(&self, new: &NewOutcome, ctx: &WriteCtx) -> Result<Outcome>;

    async fn get_outcome(&self, id: &OutcomeId) -> Result<Outcome>;

    async fn list_outcomes(&self, case: &CaseId) -> Result<Vec<Outcome>>;

    async fn add_outcome_progress(&self, new: &NewProgress, ctx: &WriteCtx) -> Result<Outcome>;
}
