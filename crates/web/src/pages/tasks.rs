//! A case's tasks (next actions) as pages: the new-task form, changing a
//! task's status, and the form that asks why a task is cancelled.

use askama::Template;
use axum::extract::{Path, State};
use axum::response::Response;
use caseload_domain::ids::TaskId;
use caseload_domain::records::TaskStatus;
use caseload_domain::text::FieldErrors;
use caseload_store::{Case, StoreError, Task};

use super::cases::{Header, case_with_error, header, item_form, parse_date};
use super::format::day;
use super::{
    Chrome, CsrfForm, Fields, FormErrors, PageError, Viewer, render, render_invalid, see_other,
    see_saved,
};
use crate::AppState;
use crate::tasks::{AddError, StatusError};

/// Handles `GET /cases/{id}/tasks/new`.
pub async fn task_page(
    State(state): State<AppState>,
    viewer: Viewer,
    Path(id): Path<String>,
) -> Result<Response, PageError> {
    let case = viewer.case(&state, &id).await?;
    let fields = Fields(vec![("assignee_id".into(), viewer.user.id.to_string())]);
    render(
        &item_form(
            &state,
            &viewer,
            &case,
            "task",
            fields,
            FormErrors::default(),
        )
        .await?,
    )
}

/// Handles `POST /cases/{id}/tasks/new`.
pub async fn add_task(
    State(state): State<AppState>,
    Path(id): Path<String>,
    CsrfForm(viewer, fields): CsrfForm,
) -> Result<Response, PageError> {
    let case = viewer.case(&state, &id).await?;
    let mut errors = FieldErrors::new();
    let due = parse_date("due_date", fields.get("due_date"), &mut errors);
    if !errors.is_empty() {
        // The date as typed is not a date: check the rest too, so the form
        // says everything at once, but save nothing.
        match crate::tasks::parse_task(
            &state,
            &case,
            fields.get("title"),
            None,
            fields.opt("assignee_id"),
        )
        .await
        {
            Ok(_) => {}
            Err(crate::problem::Refused::Input(e)) => errors.0.extend(e.0),
            Err(crate::problem::Refused::Missing(_)) => return Err(PageError::NotFound),
            Err(crate::problem::Refused::Store(e)) => return Err(e.into()),
        }
        return invalid_task(&state, &viewer, &case, fields, errors).await;
    }
    let added = crate::tasks::add(
        &state,
        &viewer.write_ctx(&state),
        &case,
        fields.get("title"),
        due,
        fields.opt("assignee_id"),
    )
    .await;
    let task = match added {
        Ok(task) => task,
        Err(AddError::Invalid(e)) => {
            errors.0.extend(e.0);
            return invalid_task(&state, &viewer, &case, fields, errors).await;
        }
        Err(AddError::Checking(e)) => return Err(e.into()),
        Err(AddError::Store(e)) => return Err(e.into()),
    };
    Ok(see_saved(
        &format!("/cases/{}", case.id),
        "task",
        Some(task.id.as_str()),
        "tasks",
    ))
}

async fn invalid_task(
    state: &AppState,
    viewer: &Viewer,
    case: &Case,
    fields: Fields,
    errors: FieldErrors,
) -> Result<Response, PageError> {
    let labels = &[
        ("title", "Task"),
        ("due_date", "Due date"),
        ("assignee_id", "Assignee"),
    ];
    render_invalid(
        &item_form(
            state,
            viewer,
            case,
            "task",
            fields,
            FormErrors::labelled(&errors, labels),
        )
        .await?,
    )
}

/// Handles `POST /cases/{id}/tasks/{task_id}/status`.
pub async fn task_status(
    State(state): State<AppState>,
    Path((id, task_id)): Path<(String, String)>,
    CsrfForm(viewer, fields): CsrfForm,
) -> Result<Response, PageError> {
    let case = viewer.case(&state, &id).await?;
    let Some(to) = TaskStatus::parse(fields.get("status")) else {
        // Only a task of this case may be asked about, even without a choice.
        let task = TaskId::parse(&task_id).ok_or(PageError::NotFound)?;
        if state.store.get_task(&task).await?.case_id != case.id {
            return Err(PageError::NotFound);
        }
        return case_with_error(
            &state,
            &viewer,
            &case,
            "tasks",
            "Choose what to do with the task",
        )
        .await;
    };
    let changed = crate::tasks::change_status(
        &state,
        &viewer.write_ctx(&state),
        &case,
        &task_id,
        to,
        fields.opt("reason"),
    )
    .await;
    match changed {
        Ok(task) => {
            let saved = match to {
                TaskStatus::Done => "task_done",
                TaskStatus::Cancelled => "task_cancelled",
                TaskStatus::Open => "task_reopened",
            };
            Ok(see_saved(
                &format!("/cases/{}", case.id),
                saved,
                Some(task.id.as_str()),
                "tasks",
            ))
        }
        Err(StatusError::NotFound) => Err(PageError::NotFound),
        Err(StatusError::Invalid(errors, task)) => render_invalid(&cancel_form(
            &state,
            &viewer,
            &case,
            &task,
            fields.get("reason"),
            FormErrors::labelled(&errors, &[("reason", "Why it is cancelled")]),
        )),
        Err(StatusError::Unchanged(_)) => Ok(see_other(&format!("/cases/{}#tasks", case.id))),
        // Someone else changed it meanwhile: show the page as it now is.
        Err(StatusError::Store(StoreError::Conflict(_))) => {
            Ok(see_other(&format!("/cases/{}#tasks", case.id)))
        }
        Err(StatusError::Store(e)) => Err(e.into()),
    }
}

#[derive(Template)]
#[template(path = "task_cancel.html")]
pub struct CancelForm {
    pub chrome: Chrome,
    pub case: Header,
    pub errors: FormErrors,
    pub task_id: String,
    pub title: String,
    pub due: String,
    pub reason: String,
}

fn cancel_form(
    state: &AppState,
    viewer: &Viewer,
    case: &Case,
    task: &Task,
    reason: &str,
    errors: FormErrors,
) -> CancelForm {
    CancelForm {
        chrome: viewer.chrome("caseload"),
        case: header(case, state),
        errors,
        task_id: task.id.to_string(),
        title: task.title.clone(),
        due: task.due_date.map(day).unwrap_or_default(),
        reason: reason.to_owned(),
    }
}

/// Handles `GET /cases/{id}/tasks/{task_id}/cancel`: ask why before a task
/// is cancelled. A task that is no longer open goes back to the case.
pub async fn cancel_task_page(
    State(state): State<AppState>,
    viewer: Viewer,
    Path((id, task_id)): Path<(String, String)>,
) -> Result<Response, PageError> {
    let case = viewer.case(&state, &id).await?;
    let task_id = TaskId::parse(&task_id).ok_or(PageError::NotFound)?;
    let task = state.store.get_task(&task_id).await?;
    if task.case_id != case.id {
        return Err(PageError::NotFound);
    }
    if task.status != TaskStatus::Open {
        return Ok(see_other(&format!("/cases/{}#tasks", case.id)));
    }
    render(&cancel_form(
        &state,
        &viewer,
        &case,
        &task,
        "",
        FormErrors::default(),
    ))
}

/// This module's pages and forms, registered by `pages::router`.
pub fn router() -> axum::Router<crate::AppState> {
    use axum::routing::{get, post};
    axum::Router::new()
        .route("/cases/{id}/tasks/new", get(task_page).post(add_task))
        .route("/cases/{id}/tasks/{task_id}/status", post(task_status))
        .route("/cases/{id}/tasks/{task_id}/cancel", get(cancel_task_page))
}
