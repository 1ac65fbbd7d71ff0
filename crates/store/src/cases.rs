//! Cases: opening, reading, listing, status changes, and each case's timeline.

use async_trait::async_trait;
use caseload_domain::cases::{CaseStatus, ClosureReason, Complexity, ServiceArea, StatusChange};
use caseload_domain::ids::*;
use caseload_domain::records::EventKind;
use jiff::Timestamp;
use serde::Serialize;

use crate::*;

#[derive(Debug, Clone, PartialEq, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Case {
    #[cfg_attr(feature = "openapi", schema(value_type = String))]
    pub id: CaseId,
    #[cfg_attr(feature = "openapi", schema(value_type = String))]
    pub client_id: ClientId,
    pub client_name: String,
    pub title: String,
    pub service_area: ServiceArea,
    #[cfg_attr(feature = "openapi", schema(value_type = String))]
    pub owner_id: UserId,
    pub owner_name: String,
    #[cfg_attr(feature = "openapi", schema(value_type = String))]
    pub team_id: TeamId,
    pub status: CaseStatus,
    pub complexity: Complexity,
    pub closure_reason: Option<ClosureReason>,
    pub closure_summary: Option<String>,
    /// When the case was (last) opened; empty while still a referral.
    #[cfg_attr(feature = "openapi", schema(value_type = Option<String>, format = DateTime))]
    #[serde(serialize_with = "caseload_domain::json::option_timestamp")]
    pub opened_at: Option<Timestamp>,
    #[cfg_attr(feature = "openapi", schema(value_type = Option<String>, format = DateTime))]
    #[serde(serialize_with = "caseload_domain::json::option_timestamp")]
    pub closed_at: Option<Timestamp>,
    #[cfg_attr(feature = "openapi", schema(value_type = String))]
    pub created_by: UserId,
    #[cfg_attr(feature = "openapi", schema(value_type = String, format = DateTime))]
    #[serde(serialize_with = "caseload_domain::json::timestamp")]
    pub created_at: Timestamp,
    #[cfg_attr(feature = "openapi", schema(value_type = String, format = DateTime))]
    #[serde(serialize_with = "caseload_domain::json::timestamp")]
    pub updated_at: Timestamp,
    /// The current priority band (`P1`…), once assessed.
    pub priority_band: Option<String>,
    /// The band a hard rule set: only a supervisor may override below it.
    pub priority_floor: Option<String>,
    #[cfg_attr(feature = "openapi", schema(value_type = Option<String>, format = DateTime))]
    #[serde(serialize_with = "caseload_domain::json::option_timestamp")]
    pub assessed_at: Option<Timestamp>,
}

#[derive(Debug, Clone)]
pub struct NewCase {
    pub client_id: ClientId,
    pub title: String,
    pub service_area: ServiceArea,
    pub complexity: Complexity,
    pub owner_id: UserId,
    pub team_id: TeamId,
    /// `referral` or `open`.
    pub status: CaseStatus,
}

#[derive(Debug, Clone, Default)]
pub struct CaseFilter {
    pub owner: Option<UserId>,
    pub status: Option<CaseStatus>,
    pub service_area: Option<ServiceArea>,
    pub client: Option<ClientId>,
}

/// One line of a case's history.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct TimelineEntry {
    /// Position in the history; breaks ties between entries at the same time.
    pub seq: i64,
    pub kind: EventKind,
    /// When it happened (for a note, when the contact took place).
    #[cfg_attr(feature = "openapi", schema(value_type = String, format = DateTime))]
    pub at: Timestamp,
    /// When it was recorded.
    #[cfg_attr(feature = "openapi", schema(value_type = String, format = DateTime))]
    pub recorded_at: Timestamp,
    #[cfg_attr(feature = "openapi", schema(value_type = String))]
    pub actor_id: UserId,
    pub actor_name: String,
    /// The id of the note, amendment, outcome, obstacle, task or case concerned.
    pub subject_id: String,
    /// What changed, in brief (never note text: that lives in the note).
    #[cfg_attr(feature = "openapi", schema(value_type = Object))]
    pub data: serde_json::Value,
}

#[async_trait]
pub trait Cases: Send + Sync {
    async fn create_case(&self, new: &NewCase, ctx: &WriteCtx) -> Result<Case>;

    async fn get_case(&self, id: &CaseId) -> Result<Case>;

    async fn list_cases(
        &self,
        filter: &CaseFilter,
        scope: &Scope,
        page: &Page,
    ) -> Result<Vec<Case>>;

    /// Move a case from `change.from` to `change.to`. The caller has checked
    /// the lifecycle; if the stored status is no longer `change.from`, this is
    /// a [`StoreError::Conflict`] and nothing changes.
    async fn change_case_status(
        &self,
        id: &CaseId,
        change: &StatusChange,
        ctx: &WriteCtx,
    ) -> Result<Case>;

    /// The case's history, oldest first.
    async fn timeline(&self, case: &CaseId) -> Result<Vec<TimelineEntry>>;
}
