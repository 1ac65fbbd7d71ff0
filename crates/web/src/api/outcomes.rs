//! Required outcomes of a case and progress toward them (AG14 PC3).

use axum::Json;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use caseload_domain::records::OutcomeStatus;
use caseload_domain::text::limits;
use caseload_store::Outcome;
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
    #[schema(schema_with = crate::schema::prose::<{ limits::SUMMARY }>)]
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
    #[schema(schema_with = crate::schema::prose::<{ limits::SUMMARY }>)]
    pub text: String,
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
    let outcome = crate::outcomes::add(
        &state,
        &caller.write_ctx(&state),
        &case,
        &body.description,
        body.target_date,
    )
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
    let outcome = crate::outcomes::progress(
        &state,
        &caller.write_ctx(&state),
        &case,
        &outcome_id,
        body.status,
        &body.text,
    )
    .await?;
    Ok((StatusCode::CREATED, Json(outcome)))
}

/// This module's routes, each with its OpenAPI entry.
pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(create, list))
        .routes(routes!(progress))
}
