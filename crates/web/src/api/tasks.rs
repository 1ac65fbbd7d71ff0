//! Tasks (next actions) on a case, with due dates and assignees.

use axum::Json;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use caseload_domain::ids::{TaskId, UserId};
use caseload_domain::records::TaskStatus;
use caseload_domain::text::{FieldErrors, limits, prose, single_line};
use caseload_store::{Case, NewTask, StoreError, Task};
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
pub struct NewTaskBody {
    #[schema(schema_with = crate::api::text::line::<{ limits::TITLE }>)]
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
    #[schema(schema_with = crate::api::text::optional_prose::<{ limits::REASON }>)]
    pub reason: Option<String>,
}

/// Check the reason given for a change of a task's status: a cancellation
/// must say why (AG14 PC17: the record shows why an action was dropped).
/// Shared with the pages.
pub fn parse_task_reason(
    to: TaskStatus,
    reason: Option<&str>,
) -> Result<Option<String>, FieldErrors> {
    match reason.filter(|r| !r.trim().is_empty()) {
        Some(r) => prose("reason", r, limits::REASON)
            .map(Some)
            .map_err(|e| FieldErrors(vec![e])),
        None if to == TaskStatus::Cancelled => Err(FieldErrors::single(
            "reason",
            "is required when cancelling a task: say why it is no longer needed",
        )),
        None => Ok(None),
    }
}

/// Check a new task; the assignee must be able to work on the case.
pub async fn parse_task(
    state: &AppState,
    case: &Case,
    title: &str,
    due_date: Option<Date>,
    assignee: Option<&str>,
) -> Result<NewTask, ApiError> {
    let mut errors = FieldErrors::new();
    let title = errors.take(single_line("title", title, limits::TITLE));
    if let Some(d) = due_date
        && (d.year() < 2000 || d.year() > 2200)
    {
        errors.push("due_date", "must be a plausible date");
    }
    let assignee_id = match assignee.filter(|a| !a.trim().is_empty()) {
        None => None,
        Some(a) => match UserId::parse(a) {
            None => {
                errors.push("assignee_id", "is not a user id");
                None
            }
            Some(id) => match state.store.get_user(&id).await {
                Ok(u) if u.active && u.actor().can_read_case(&case.owner_id, &case.team_id) => {
                    Some(id)
                }
                Ok(_) | Err(StoreError::NotFound(_)) => {
                    errors.push(
                        "assignee_id",
                        "must be an active colleague who can work on this case",
                    );
                    None
                }
                Err(e) => return Err(e.into()),
            },
        },
    };
    errors.into_result()?;
    Ok(NewTask {
        case_id: case.id.clone(),
        title: title.unwrap_or_default(),
        due_date,
        assignee_id,
    })
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
    let new = parse_task(
        &state,
        &case,
        &body.title,
        body.due_date,
        body.assignee_id.as_deref(),
    )
    .await?;
    let task = state
        .store
        .add_task(&new, &caller.write_ctx(&state))
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
    let task_id = TaskId::parse(&task_id).ok_or_else(|| ApiError::not_found("task"))?;
    let task = state.store.get_task(&task_id).await?;
    if task.case_id != case.id {
        return Err(ApiError::not_found("task"));
    }
    let reason = parse_task_reason(body.status, body.reason.as_deref())?;
    if task.status == body.status {
        return Err(ApiError::Conflict(format!(
            "the task is already {}",
            task.status
        )));
    }
    let task = state
        .store
        .change_task_status(
            &task_id,
            task.status,
            body.status,
            reason.as_deref(),
            &caller.write_ctx(&state),
        )
        .await?;
    Ok(Json(task))
}

/// This module's routes, each with its OpenAPI entry.
pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(create, list))
        .routes(routes!(change_status))
}
