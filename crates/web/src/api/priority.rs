//! Priorities (SPEC C2; AG14 PC7–PC12, PC15): policies as versioned data,
//! assessments that explain themselves, overrides with a written rationale,
//! the priority history and the queue (notifications: `super::notifications`).

use std::collections::BTreeMap;

use axum::Json;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::IntoResponse;
use caseload_domain::priority::{Answer, Band, Criterion, HardRule, Policy};
use caseload_domain::text::limits;
use caseload_store::{PolicyVersion, PriorityChange};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use crate::AppState;
use crate::auth::{Caller, QueueCaller};
use crate::extract::ApiJson;
use crate::priorities::{assess_case, import_policy, override_band};
use crate::problem::ApiError;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

// The operations live with their capability; these names stay for the
// binary and the tests that reach them here.
pub use crate::priorities::{AssessmentResult, ensure_default_policies};
pub use crate::queue::{QueueRow, queue, queue_json, queue_of};
pub use crate::reevaluation::{Reevaluation, reevaluate_all, system_user};

#[derive(Debug, Serialize, ToSchema)]
pub struct PolicySummary {
    pub policy_id: String,
    pub name: String,
    pub version: i64,
    pub service_areas: Vec<String>,
}

/// Handles `GET /api/v1/policies`: the latest version of each policy.
#[utoipa::path(get, path = "/api/v1/policies", tag = "priorities", responses((status = 200, body = Vec<PolicySummary>)))]
pub async fn list_policies(
    State(state): State<AppState>,
    _caller: Caller,
) -> Result<Json<Vec<PolicySummary>>, ApiError> {
    let list = state.store.list_policies().await?;
    Ok(Json(
        list.into_iter()
            .map(|p| PolicySummary {
                policy_id: p.policy_id,
                name: p.name,
                version: p.version,
                service_areas: p.service_areas,
            })
            .collect(),
    ))
}

/// A policy in structured form: its criteria, bands and rules, from which
/// a client can build an assessment form without reading TOML.
#[derive(Debug, Serialize, ToSchema)]
pub struct PolicyDetail {
    pub id: String,
    pub name: String,
    /// The service areas this policy is for.
    pub service_areas: Vec<String>,
    /// Reassess a case at least this often.
    pub review_interval_days: u32,
    /// Most urgent first.
    pub bands: Vec<Band>,
    /// The questions an assessment answers, with their points.
    pub criteria: Vec<Criterion>,
    /// Hard rules: answers that raise a case to at least a band.
    pub rules: Vec<HardRule>,
}

impl From<Policy> for PolicyDetail {
    fn from(p: Policy) -> Self {
        PolicyDetail {
            id: p.id,
            name: p.name,
            service_areas: p.service_areas,
            review_interval_days: p.review_interval_days,
            bands: p.bands,
            criteria: p.criteria,
            rules: p.rules,
        }
    }
}

/// A stored version of a policy: its TOML source (`body`) and, beside it,
/// the same policy in structured form.
#[derive(Debug, Serialize, ToSchema)]
pub struct PolicyVersionDetail {
    #[serde(flatten)]
    pub version: PolicyVersion,
    /// The policy read from `body`.
    pub policy: PolicyDetail,
}

impl PolicyVersionDetail {
    fn of(version: PolicyVersion) -> Result<Self, ApiError> {
        // Every stored version was checked on import: one that no longer
        // parses is the server's fault, not the caller's.
        let policy = Policy::parse(&version.body).map_err(|problems| {
            ApiError::unexpected(&std::io::Error::other(format!(
                "the stored policy {} v{} no longer parses: {}",
                version.policy_id,
                version.version,
                problems
                    .first()
                    .map(ToString::to_string)
                    .unwrap_or_default()
            )))
        })?;
        Ok(PolicyVersionDetail {
            version,
            policy: policy.into(),
        })
    }
}

/// Handles `GET /api/v1/policies/{id}`: every version, oldest first, each
/// as TOML and in structured form.
#[utoipa::path(get, path = "/api/v1/policies/{id}", tag = "priorities", params(("id" = String, Path)),
    responses((status = 200, body = Vec<PolicyVersionDetail>)))]
pub async fn policy_versions(
    State(state): State<AppState>,
    _caller: Caller,
    Path(id): Path<String>,
) -> Result<Json<Vec<PolicyVersionDetail>>, ApiError> {
    let versions = state.store.policy_versions(&id).await?;
    if versions.is_empty() {
        return Err(ApiError::not_found("policy"));
    }
    let detailed = versions
        .into_iter()
        .map(PolicyVersionDetail::of)
        .collect::<Result<_, _>>()?;
    Ok(Json(detailed))
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ImportPolicyBody {
    /// The policy file (TOML), as `caseload policy export` writes it.
    pub toml: String,
}

/// Handles `POST /api/v1/policies`: import a policy file as a new version (administrators).
#[utoipa::path(post, path = "/api/v1/policies", tag = "priorities", request_body = ImportPolicyBody,
    responses((status = 201, body = PolicyVersion), (status = 200, description = "Unchanged: the latest version", body = PolicyVersion)))]
pub async fn create_policy(
    State(state): State<AppState>,
    crate::auth::AdminCaller(caller): crate::auth::AdminCaller,
    ApiJson(body): ApiJson<ImportPolicyBody>,
) -> Result<(StatusCode, Json<PolicyVersion>), ApiError> {
    let (saved, new) = import_policy(&state, &body.toml, Some(&caller.user.id)).await?;
    Ok((
        if new {
            StatusCode::CREATED
        } else {
            StatusCode::OK
        },
        Json(saved),
    ))
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct AssessBody {
    /// Criterion id → answer: `true`/`false`, a whole number, or an option id.
    #[schema(value_type = Object)]
    pub answers: BTreeMap<String, Answer>,
    /// A specialist policy (e.g. `domestic_abuse`); default: the one for the case's service area.
    pub policy: Option<String>,
}

/// Handles `POST /api/v1/cases/{id}/assessments`: assess a case against the
/// policy in force for its service area.
#[utoipa::path(post, path = "/api/v1/cases/{id}/assessments", tag = "priorities", params(("id" = String, Path)),
    request_body = AssessBody, responses((status = 201, body = AssessmentResult)))]
pub async fn create_assessment(
    State(state): State<AppState>,
    caller: Caller,
    Path(id): Path<String>,
    ApiJson(body): ApiJson<AssessBody>,
) -> Result<(StatusCode, Json<AssessmentResult>), ApiError> {
    let case = caller.case(&state, &id).await?;
    let result = assess_case(
        &state,
        &caller.write_ctx(&state),
        &case,
        body.policy.as_deref(),
        &body.answers,
    )
    .await?;
    Ok((StatusCode::CREATED, Json(result)))
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct OverrideBody {
    /// The band to set, e.g. `P2`.
    pub band: String,
    /// Why, in words: required.
    #[schema(schema_with = crate::schema::prose::<{ limits::REASON }>)]
    pub rationale: String,
}

/// Handles `POST /api/v1/cases/{id}/priority-override`.
#[utoipa::path(post, path = "/api/v1/cases/{id}/priority-override", tag = "priorities", params(("id" = String, Path)),
    request_body = OverrideBody, responses((status = 201, body = PriorityChange)))]
pub async fn override_priority(
    State(state): State<AppState>,
    caller: Caller,
    Path(id): Path<String>,
    ApiJson(body): ApiJson<OverrideBody>,
) -> Result<(StatusCode, Json<PriorityChange>), ApiError> {
    let case = caller.case(&state, &id).await?;
    let change = override_band(
        &state,
        &caller.write_ctx(&state),
        &caller.user,
        &case,
        &body.band,
        &body.rationale,
    )
    .await?;
    Ok((StatusCode::CREATED, Json(change)))
}

/// Handles `GET /api/v1/cases/{id}/priority-history`: every change of band, oldest first.
#[utoipa::path(get, path = "/api/v1/cases/{id}/priority-history", tag = "priorities", params(("id" = String, Path)),
    responses((status = 200, body = Vec<PriorityChange>)))]
pub async fn history(
    State(state): State<AppState>,
    caller: Caller,
    Path(id): Path<String>,
) -> Result<Json<Vec<PriorityChange>>, ApiError> {
    let case = caller.case(&state, &id).await?;
    let history = state.store.priority_history(&case.id).await?;
    caller
        .audit(&state, "case.priority.read", "case", Some(case.id.as_str()))
        .await?;
    Ok(Json(history))
}

/// Handles `GET /api/v1/caseload`: my prioritised queue.
#[utoipa::path(get, path = "/api/v1/caseload", tag = "priorities", responses((status = 200, body = Vec<QueueRow>)))]
pub async fn caseload(
    State(state): State<AppState>,
    QueueCaller { caller, mark }: QueueCaller,
) -> Result<axum::response::Response, ApiError> {
    caller.case_scope()?;
    // The read's audit event is made durable while the queue is read: the
    // answer still waits for both. The rows are those kept from the
    // caller's last look if their caseload's mark says nothing has changed.
    let (rows, audited) = tokio::join!(
        state
            .caseloads
            .rows(&*state.store, &caller.user, &mark, state.today()),
        caller.audit(&state, "case.list", "case", None)
    );
    audited?;
    let rows = queue(&state, rows?).await?;
    let body = queue_json(&rows).map_err(|e| ApiError::unexpected(&e))?;
    Ok((
        [(
            axum::http::header::CONTENT_TYPE,
            axum::http::HeaderValue::from_static("application/json"),
        )],
        body,
    )
        .into_response())
}

/// This module's routes, each with its OpenAPI entry.
pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(list_policies, create_policy))
        .routes(routes!(policy_versions))
        .routes(routes!(create_assessment))
        .routes(routes!(override_priority))
        .routes(routes!(history))
        .routes(routes!(caseload))
}
