//! In-app notifications ("inform others of the need to prioritise", AG14
//! PC11): a case entering P1 or P2 tells the team's supervisors; a timescale
//! or deadline going at risk tells the case's owner, and a breach tells the
//! supervisors too. Each is acknowledged.

use askama::Template;
use axum::extract::{Path, State};
use axum::response::Response;
use caseload_domain::ids::NotificationId;

use super::format::when;
use super::{Chrome, CsrfForm, PageError, Viewer, render, see_other};
use crate::AppState;

pub struct NotificationRow {
    pub id: String,
    pub case_id: String,
    pub message: String,
    pub at: String,
}

#[derive(Template)]
#[template(path = "notifications.html")]
pub struct NotificationsPage {
    pub chrome: Chrome,
    pub items: Vec<NotificationRow>,
}

/// Handles `GET /notifications`.
pub async fn list(State(state): State<AppState>, viewer: Viewer) -> Result<Response, PageError> {
    let items = state.store.notifications(&viewer.user.id, false).await?;
    render(&NotificationsPage {
        chrome: viewer.chrome("notifications"),
        items: items
            .into_iter()
            .map(|n| NotificationRow {
                id: n.id.to_string(),
                case_id: n.case_id.map(|c| c.to_string()).unwrap_or_default(),
                message: n.message,
                at: when(n.created_at, &state.tz),
            })
            .collect(),
    })
}

/// Handles `POST /notifications/{id}/acknowledge`.
pub async fn acknowledge(
    State(state): State<AppState>,
    Path(id): Path<String>,
    CsrfForm(viewer, _): CsrfForm,
) -> Result<Response, PageError> {
    let id = NotificationId::parse(&id).ok_or(PageError::NotFound)?;
    match state
        .store
        .acknowledge_notification(&id, &viewer.user.id, state.clock.now())
        .await
    {
        Ok(()) | Err(caseload_store::StoreError::NotFound(_)) => Ok(see_other("/notifications")),
        Err(e) => Err(e.into()),
    }
}
