//! Tasks (next actions) on a case, with due dates and assignees.

use axum::Json;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use caseload_domain::records::TaskStatus;
use caseload_domain::text::limits;
use caseload_store::Task;
use jiff::civil::Date;
use serde::Deserialize;
use utoipa::ToSchema;

use crate::AppState;
use crate::auth::Caller;
use crate::extract::ApiJson;
use crate::problem::ApiError;
use crate::tasks::StatusError;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct NewTaskBody {
    #[schema(schema_with = crate::schema::line::<{ limits::TITLE }>)]
    pub title: String,
    #[schema(value_type = Option<String>, format = Date)]
    pub due_date: Option<Date>,
    /// Someone who can work on the case; default unassigned.
    pub assignee_id: Option<String>,
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct TaskStatusBody {
    /// `done`, `cancelled`, or `open` to reopen.
    pub status: TaskStatus,
    /// Why: required when cancelling (up to 2,000 characters), optional
    /// otherwise. Shown with the change on the case's timeline.
    #[schema(schema_with = crate::schema::optional_prose::<{ limits::REASON }>)]
    pub reason: Option<String>,
}

/// Handles `POST /api/v1/cases/{id}/tasks`: add a next action.
#[utoipa::path(post, path = "/api/v1/cases/{id}/tasks", tag = "tasks", params(("id" = String, Path)),
    request_body = NewTaskBody, responses((status = 201, body = Task)))]
pub async fn create(
    State(state): State<AppState>,
    caller: Caller,
    Path(id): Path<String>,
    ApiJson(body): ApiJson<NewTaskBody>,
) -> Result<(StatusCode, Json<Task>), ApiError> {
    let case = caller.case(&state, &id).await?;
    let task = crate::tasks::add(
        &state,
        &caller.write_ctx(&state),
        &case,
        &body.title,
        body.due_date,
        body.assignee_id.as_deref(),
    )
    .await?;
    Ok((StatusCode::CREATED, Json(task)))
}

/// Handles `GET /api/v1/cases/{id}/tasks`.
#[utoipa::path(get, path = "/api/v1/cases/{id}/tasks", tag = "tasks", params(("id" = String, Path)),
    responses((status = 200, body = Vec<Task>)))]
pub async fn list(
    State(state): State<AppState>,
    caller: Caller,
    Path(id): Path<String>,
) -> Result<Json<Vec<Task>>, ApiError> {
    let case = caller.case(&state, &id).await?;
    let tasks = state.store.list_tasks(&case.id).await?;
    caller
        .audit(&state, "task.list", "case", Some(case.id.as_str()))
        .await?;
    Ok(Json(tasks))
}

/// Handles `POST /api/v1/cases/{id}/tasks/{task_id}/status`: complete,
/// cancel or reopen a task. Cancelling needs a `reason`, which the case's
/// timeline shows with the change.
#[utoipa::path(post, path = "/api/v1/cases/{id}/tasks/{task_id}/status", tag = "tasks",
    params(("id" = String, Path), ("task_id" = String, Path)),
    request_body = TaskStatusBody, responses((status = 200, body = Task), (status = 409, body = crate::problem::Problem),
        (status = 422, description = "Cancelling without a `reason`, or a reason too long; the field is named.",
            body = crate::problem::Problem, content_type = "application/problem+json")))]
pub async fn change_status(
    State(state): State<AppState>,
    caller: Caller,
    Path((id, task_id)): Path<(String, String)>,
    ApiJson(body): ApiJson<TaskStatusBody>,
) -> Result<Json<Task>, ApiError> {
    let case = caller.case(&state, &id).await?;
    match crate::tasks::change_status(
        &state,
        &caller.write_ctx(&state),
        &case,
        &task_id,
        body.status,
        body.reason.as_deref(),
    )
    .await
    {
        Ok(task) => Ok(Json(task)),
        Err(StatusError::NotFound) => Err(ApiError::not_found("task")),
        Err(StatusError::Invalid(errors, _)) => Err(errors.into()),
        Err(StatusError::Unchanged(task)) => Err(ApiError::Conflict(format!(
            "the task is already {}",
            task.status
        ))),
        Err(StatusError::Store(e)) => Err(e.into()),
    }
}

/// This module's routes, each with its OpenAPI entry.
pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(create, list))
        .routes(routes!(change_status))
}
