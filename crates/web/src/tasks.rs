//! Tasks (next actions) on a case: checking a new task and a change of a
//! task's status. Called by the API (`api::tasks`) and the case page.

use caseload_domain::ids::{TaskId, UserId};
use caseload_domain::records::TaskStatus;
use caseload_domain::text::{FieldErrors, limits, prose, single_line};
use caseload_store::{Case, NewTask, StoreError, Task, WriteCtx};
use jiff::civil::Date;

use crate::AppState;
use crate::problem::{ApiError, Refused};

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
) -> Result<NewTask, Refused> {
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
                Err(e) => return Err(Refused::Store(e)),
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

/// Why a task was not added.
#[derive(Debug)]
pub enum AddError {
    /// What was sent breaks the rules.
    Invalid(FieldErrors),
    /// Reading the assignee: a form says so as an internal error.
    Checking(StoreError),
    /// Saving it.
    Store(StoreError),
}

impl From<AddError> for ApiError {
    fn from(e: AddError) -> Self {
        match e {
            AddError::Invalid(errors) => errors.into(),
            AddError::Checking(e) | AddError::Store(e) => e.into(),
        }
    }
}

/// Add a checked task to a case.
pub async fn add(
    state: &AppState,
    ctx: &WriteCtx,
    case: &Case,
    title: &str,
    due_date: Option<Date>,
    assignee: Option<&str>,
) -> Result<Task, AddError> {
    let new = match parse_task(state, case, title, due_date, assignee).await {
        Ok(new) => new,
        Err(Refused::Input(errors)) => return Err(AddError::Invalid(errors)),
        Err(Refused::Store(e)) => return Err(AddError::Checking(e)),
        // Not a lookup on the case: the assignee is checked as input.
        Err(Refused::Missing(what)) => {
            return Err(AddError::Checking(StoreError::NotFound(what)));
        }
    };
    state
        .store
        .add_task(&new, ctx)
        .await
        .map_err(AddError::Store)
}

/// Why a task's status was not changed.
#[derive(Debug)]
pub enum StatusError {
    /// No such task on this case.
    NotFound,
    /// A cancellation without a reason, or a reason too long.
    Invalid(FieldErrors, Box<Task>),
    /// The task already has that status.
    Unchanged(Box<Task>),
    /// Including a change made meanwhile by someone else (a conflict).
    Store(StoreError),
}

/// Change a task's status (done, cancelled with a reason, or reopened).
pub async fn change_status(
    state: &AppState,
    ctx: &WriteCtx,
    case: &Case,
    task_id: &str,
    to: TaskStatus,
    reason: Option<&str>,
) -> Result<Task, StatusError> {
    let task_id = TaskId::parse(task_id).ok_or(StatusError::NotFound)?;
    let task = state
        .store
        .get_task(&task_id)
        .await
        .map_err(StatusError::Store)?;
    if task.case_id != case.id {
        return Err(StatusError::NotFound);
    }
    let reason = match parse_task_reason(to, reason) {
        Ok(r) => r,
        Err(errors) => return Err(StatusError::Invalid(errors, Box::new(task))),
    };
    if task.status == to {
        return Err(StatusError::Unchanged(Box::new(task)));
    }
    state
        .store
        .change_task_status(&task_id, task.status, to, reason.as_deref(), ctx)
        .await
        .map_err(StatusError::Store)
}
