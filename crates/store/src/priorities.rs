//! Priority policies (versioned), assessments, overrides and the history of bands.

use async_trait::async_trait;
use caseload_domain::ids::*;
use jiff::Timestamp;
use serde::Serialize;

use crate::*;

/// One immutable version of a priority policy.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct PolicyVersion {
    pub policy_id: String,
    pub version: i64,
    pub name: String,
    pub service_areas: Vec<String>,
    /// The policy in its file format (TOML).
    pub body: String,
    #[cfg_attr(feature = "openapi", schema(value_type = Option<String>))]
    pub created_by: Option<UserId>,
    #[cfg_attr(feature = "openapi", schema(value_type = String, format = DateTime))]
    pub created_at: Timestamp,
}

#[derive(Debug, Clone)]
pub struct NewAssessment {
    pub case_id: CaseId,
    pub policy_id: String,
    pub policy_version: i64,
    pub answers: serde_json::Value,
    pub score: i64,
    pub band: String,
    pub rationale: serde_json::Value,
    /// The rationale in one line, for the priority history.
    pub summary: String,
    /// The band a hard rule set, if any.
    pub floor: Option<String>,
    /// Tasks the fired rules ask for.
    pub tasks: Vec<String>,
    /// When set, the case's team supervisors are told (same transaction).
    pub notify: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Assessment {
    #[cfg_attr(feature = "openapi", schema(value_type = String))]
    pub id: AssessmentId,
    #[cfg_attr(feature = "openapi", schema(value_type = String))]
    pub case_id: CaseId,
    pub policy_id: String,
    pub policy_version: i64,
    #[cfg_attr(feature = "openapi", schema(value_type = Object))]
    pub answers: serde_json::Value,
    pub score: i64,
    pub band: String,
    /// Every criterion and rule that contributed, with points and words.
    #[cfg_attr(feature = "openapi", schema(value_type = Vec<Object>))]
    pub rationale: serde_json::Value,
    #[cfg_attr(feature = "openapi", schema(value_type = String))]
    pub assessed_by: UserId,
    #[cfg_attr(feature = "openapi", schema(value_type = String, format = DateTime))]
    pub assessed_at: Timestamp,
}

#[derive(Debug, Clone)]
pub struct NewOverride {
    pub case_id: CaseId,
    /// `override` (a person's judgement) or `time` (re-evaluation as facts change).
    pub cause: String,
    pub band: String,
    pub rationale: String,
    pub notify: Option<String>,
}

/// One change of a case's band, with its cause.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct PriorityChange {
    #[cfg_attr(feature = "openapi", schema(value_type = String))]
    pub id: PriorityChangeId,
    #[cfg_attr(feature = "openapi", schema(value_type = String))]
    pub case_id: CaseId,
    pub band: String,
    pub previous_band: Option<String>,
    /// `assessment`, `reassessment`, `override` or `time`.
    pub cause: String,
    pub rationale: String,
    #[cfg_attr(feature = "openapi", schema(value_type = Option<String>))]
    pub assessment_id: Option<AssessmentId>,
    #[cfg_attr(feature = "openapi", schema(value_type = String))]
    pub actor_id: UserId,
    pub actor_name: String,
    #[cfg_attr(feature = "openapi", schema(value_type = String, format = DateTime))]
    pub at: Timestamp,
}

#[async_trait]
pub trait Priorities: Send + Sync {
    /// Save a policy as its next version (1 for a new policy). Versions are
    /// never changed afterwards.
    async fn save_policy_version(
        &self,
        policy_id: &str,
        name: &str,
        service_areas: &[String],
        body: &str,
        by: Option<&UserId>,
        at: Timestamp,
    ) -> Result<PolicyVersion>;

    /// The latest version of every policy.
    async fn list_policies(&self) -> Result<Vec<PolicyVersion>>;

    /// Every version of one policy, oldest first.
    async fn policy_versions(&self, policy_id: &str) -> Result<Vec<PolicyVersion>>;

    /// Record an assessment: the assessment, the change of band, the case's
    /// current band, the rules' tasks, the timeline entry and any
    /// notifications, in one transaction.
    async fn record_assessment(&self, new: &NewAssessment, ctx: &WriteCtx) -> Result<Assessment>;

    async fn latest_assessment(&self, case: &CaseId) -> Result<Option<Assessment>>;

    /// Override the band with a written rationale (checks are the caller's).
    async fn override_priority(&self, new: &NewOverride, ctx: &WriteCtx) -> Result<PriorityChange>;

    /// Several changes of band (re-evaluation) in one transaction.
    async fn override_priorities(&self, changes: &[NewOverride], ctx: &WriteCtx) -> Result<usize>;

    /// Every change of band, oldest first.
    async fn priority_history(&self, case: &CaseId) -> Result<Vec<PriorityChange>>;
}
