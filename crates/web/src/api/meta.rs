//! Service health and the caller's own identity.

use axum::Json;
use axum::extract::State;
use serde::Serialize;
use utoipa::ToSchema;

use crate::AppState;
use crate::auth::Caller;
use crate::problem::ApiError;
use caseload_store::User;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

#[derive(Debug, Serialize, ToSchema)]
pub struct Health {
    /// `ok` when the database answers.
    pub status: &'static str,
    /// `sqlite` or `postgres`.
    pub database: &'static str,
}

/// Handles `GET /api/v1/health`: is the service up and its database reachable?
#[utoipa::path(get, path = "/api/v1/health", tag = "service", security(()),
    responses((status = 200, body = Health)))]
pub async fn health(State(state): State<AppState>) -> Result<Json<Health>, ApiError> {
    state.store.count_users().await?;
    Ok(Json(Health {
        status: "ok",
        database: state.store.backend(),
    }))
}

/// Handles `GET /api/v1/me`: the signed-in user.
#[utoipa::path(get, path = "/api/v1/me", tag = "service", responses((status = 200, body = User)))]
pub async fn me(caller: Caller) -> Json<User> {
    Json(caller.user)
}

/// This module's routes, each with its OpenAPI entry.
pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(health))
        .routes(routes!(me))
}
