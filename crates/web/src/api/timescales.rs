//! Timescales over the API (SPEC C3): the organisation's versioned
//! timescales, and each case's clocks and deadline states.

use axum::Json;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use caseload_store::TimescaleVersion;
use serde::Deserialize;
use utoipa::ToSchema;

use crate::AppState;
use crate::auth::Caller;
use crate::extract::ApiJson;
use crate::problem::ApiError;
use crate::timescales::CaseTimescales;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

/// Handles `GET /api/v1/timescales`: every version, oldest first; the last is in force.
#[utoipa::path(get, path = "/api/v1/timescales", tag = "timescales",
    responses((status = 200, body = Vec<TimescaleVersion>)))]
pub async fn versions(
    State(state): State<AppState>,
    _caller: Caller,
) -> Result<Json<Vec<TimescaleVersion>>, ApiError> {
    Ok(Json(state.store.timescale_versions().await?))
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ImportTimescalesBody {
    /// The timescales file (TOML), as `caseload timescales export` writes it.
    pub toml: String,
}

/// Handles `POST /api/v1/timescales`: save a timescales file as the next version (administrators).
#[utoipa::path(post, path = "/api/v1/timescales", tag = "timescales", request_body = ImportTimescalesBody,
    responses((status = 201, body = TimescaleVersion), (status = 200, description = "Unchanged: the latest version", body = TimescaleVersion)))]
pub async fn import(
    State(state): State<AppState>,
    crate::auth::AdminCaller(caller): crate::auth::AdminCaller,
    ApiJson(body): ApiJson<ImportTimescalesBody>,
) -> Result<(StatusCode, Json<TimescaleVersion>), ApiError> {
    let (saved, new) = crate::timescales::import(
        state.store.as_ref(),
        &body.toml,
        Some(&caller.user.id),
        state.clock.now(),
    )
    .await?;
    caller
        .audit(
            &state,
            "timescales.import",
            "timescales",
            Some(&saved.version.to_string()),
        )
        .await?;
    let status = if new {
        StatusCode::CREATED
    } else {
        StatusCode::OK
    };
    Ok((status, Json(saved)))
}

/// Handles `GET /api/v1/cases/{id}/timescales`: the case's clocks and deadlines, each with its state today.
#[utoipa::path(get, path = "/api/v1/cases/{id}/timescales", tag = "timescales", params(("id" = String, Path)),
    responses((status = 200, body = CaseTimescales)))]
pub async fn for_case(
    State(state): State<AppState>,
    caller: Caller,
    Path(id): Path<String>,
) -> Result<Json<CaseTimescales>, ApiError> {
    let case = caller.case(&state, &id).await?;
    let (_, readings) = crate::timescales::for_case(&state, &case).await?;
    caller
        .audit(
            &state,
            "case.timescales.read",
            "case",
            Some(case.id.as_str()),
        )
        .await?;
    Ok(Json(readings))
}

/// This module's routes, each with its OpenAPI entry.
pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(versions, import))
        .routes(routes!(for_case))
}
