//! Required outcomes of a case and progress toward them (AG14 PC3).

use axum::Json;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use caseload_domain::ids::OutcomeId;
use caseload_domain::records::OutcomeStatus;
use caseload_domain::text::{FieldErrors, limits, prose};
use caseload_store::{NewOutcome, NewProgress, Outcome};
use jiff::civil::Date;
use serde::Deserialize;
use utoipa::ToSchema;

use crate::AppState;
use crate::auth::Caller;
use crate::extract::ApiJson;
use crate::problem::ApiError;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct NewOutcomeBody {
    /// What the case must achieve, e.g. "Tenancy sustained".
    #[schema(schema_with = crate::api::text::prose::<{ limits::SUMMARY }>)]
    pub description: String,
    #[schema(value_type = Option<String>, format = Date)]
    pub target_date: Option<Date>,
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ProgressBody {
    /// The outcome's status after this entry.
    pub status: OutcomeStatus,
    /// What has happened toward the outcome.
    #[schema(schema_with = crate::api::text::prose::<{ limits::SUMMARY }>)]
    pub text: String,
}

pub fn parse_outcome(
    case_id: &caseload_domain::ids::CaseId,
    description: &str,
    target_date: Option<Date>,
) -> Result<NewOutcome, FieldErrors> {
    let description =
        prose("description", description, limits::SUMMARY).map_err(|e| FieldErrors(vec![e]))?;
    if let Some(d) = target_date
        && (d.year() < 2000 || d.year() > 2200)
    {
        return Err(FieldErrors::single(
            "target_date",
            "must be a plausible date",
        ));
    }
    Ok(NewOutcome {
        case_id: case_id.clone(),
        description,
        target_date,
    })
}

/// Handles `POST /api/v1/cases/{id}/outcomes`: set a required outcome.
#[utoipa::path(post, path = "/api/v1/cases/{id}/outcomes", tag = "outcomes", params(("id" = String, Path)),
    request_body = NewOutcomeBody, responses((status = 201, body = Outcome)))]
pub async fn create(
    State(state): State<AppState>,
    caller: Caller,
    Path(id): Path<String>,
    ApiJson(body): ApiJson<NewOutcomeBody>,
) -> Result<(StatusCode, Json<Outcome>), ApiError> {
    let case = caller.case(&state, &id).await?;
    let new = parse_outcome(&case.id, &body.description, body.target_date)?;
    let outcome = state
        .store
        .add_outcome(&new, &caller.write_ctx(&state))
        .await?;
    Ok((StatusCode::CREATED, Json(outcome)))
}

/// Handles `GET /api/v1/cases/{id}/outcomes`: outcomes with their progress.
#[utoipa::path(get, path = "/api/v1/cases/{id}/outcomes", tag = "outcomes", params(("id" = String, Path)),
    responses((status = 200, body = Vec<Outcome>)))]
pub async fn list(
    State(state): State<AppState>,
    caller: Caller,
    Path(id): Path<String>,
) -> Result<Json<Vec<Outcome>>, ApiError> {
    let case = caller.case(&state, &id).await?;
    let outcomes = state.store.list_outcomes(&case.id).await?;
    caller
        .audit(&state, "outcome.list", "case", Some(case.id.as_str()))
        .await?;
    Ok(Json(outcomes))
}

/// Handles `POST /api/v1/cases/{id}/outcomes/{outcome_id}/progress`: record progress.
#[utoipa::path(post, path = "/api/v1/cases/{id}/outcomes/{outcome_id}/progress", tag = "outcomes",
    params(("id" = String, Path), ("outcome_id" = String, Path)),
    request_body = ProgressBody, responses((status = 201, body = Outcome)))]
pub async fn progress(
    State(state): State<AppState>,
    caller: Caller,
    Path((id, outcome_id)): Path<(String, String)>,
    ApiJson(body): ApiJson<ProgressBody>,
) -> Result<(StatusCode, Json<Outcome>), ApiError> {
    let case = caller.case(&state, &id).await?;
    let outcome_id = OutcomeId::parse(&outcome_id).ok_or_else(|| ApiError::not_found("outcome"))?;
    let outcome = state.store.get_outcome(&outcome_id).await?;
    if outcome.case_id != case.id {
        return Err(ApiError::not_found("outcome"));
    }
    let text = prose("text", &body.text, limits::SUMMARY)?;
    let new = NewProgress {
        outcome_id,
        status: body.status,
        text,
    };
    let outcome = state
        .store
        .add_outcome_progress(&new, &caller.write_ctx(&state))
        .await?;
    Ok((StatusCode::CREATED, Json(outcome)))
}

/// This module's routes, each with its OpenAPI entry.
pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(create, list))
        .routes(routes!(progress))
}
