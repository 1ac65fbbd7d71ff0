//! Obstacles to a case's outcomes, by category (AG14 PC4, K11).

use axum::Json;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use caseload_domain::records::ObstacleCategory;
use caseload_domain::text::limits;
use caseload_store::Obstacle;
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
pub struct NewObstacleBody {
    pub category: ObstacleCategory,
    #[schema(schema_with = crate::schema::prose::<{ limits::SUMMARY }>)]
    pub description: String,
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ResolveBody {
    /// How the obstacle was overcome.
    #[schema(schema_with = crate::schema::prose::<{ limits::SUMMARY }>)]
    pub resolution: String,
}

/// Handles `POST /api/v1/cases/{id}/obstacles`: raise an obstacle.
#[utoipa::path(post, path = "/api/v1/cases/{id}/obstacles", tag = "obstacles", params(("id" = String, Path)),
    request_body = NewObstacleBody, responses((status = 201, body = Obstacle)))]
pub async fn create(
    State(state): State<AppState>,
    caller: Caller,
    Path(id): Path<String>,
    ApiJson(body): ApiJson<NewObstacleBody>,
) -> Result<(StatusCode, Json<Obstacle>), ApiError> {
    let case = caller.case(&state, &id).await?;
    let obstacle = crate::obstacles::add(
        &state,
        &caller.write_ctx(&state),
        &case,
        Some(body.category),
        &body.description,
    )
    .await?;
    Ok((StatusCode::CREATED, Json(obstacle)))
}

/// Handles `GET /api/v1/cases/{id}/obstacles`.
#[utoipa::path(get, path = "/api/v1/cases/{id}/obstacles", tag = "obstacles", params(("id" = String, Path)),
    responses((status = 200, body = Vec<Obstacle>)))]
pub async fn list(
    State(state): State<AppState>,
    caller: Caller,
    Path(id): Path<String>,
) -> Result<Json<Vec<Obstacle>>, ApiError> {
    let case = caller.case(&state, &id).await?;
    let obstacles = state.store.list_obstacles(&case.id).await?;
    caller
        .audit(&state, "obstacle.list", "case", Some(case.id.as_str()))
        .await?;
    Ok(Json(obstacles))
}

/// Handles `POST /api/v1/cases/{id}/obstacles/{obstacle_id}/resolve`.
#[utoipa::path(post, path = "/api/v1/cases/{id}/obstacles/{obstacle_id}/resolve", tag = "obstacles",
    params(("id" = String, Path), ("obstacle_id" = String, Path)),
    request_body = ResolveBody, responses((status = 200, body = Obstacle), (status = 409, body = crate::problem::Problem)))]
pub async fn resolve(
    State(state): State<AppState>,
    caller: Caller,
    Path((id, obstacle_id)): Path<(String, String)>,
    ApiJson(body): ApiJson<ResolveBody>,
) -> Result<Json<Obstacle>, ApiError> {
    let case = caller.case(&state, &id).await?;
    let obstacle = crate::obstacles::resolve(
        &state,
        &caller.write_ctx(&state),
        &case,
        &obstacle_id,
        &body.resolution,
    )
    .await?;
    Ok(Json(obstacle))
}

/// This module's routes, each with its OpenAPI entry.
pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(create, list))
        .routes(routes!(resolve))
}
