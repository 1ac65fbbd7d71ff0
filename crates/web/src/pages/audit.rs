//! The audit trail, read-only, for auditors and data-protection officers
//! (SPEC C8): who did what to which record, when — never the content.

use askama::Template;
use axum::extract::State;
use axum::response::Response;
use caseload_domain::users::Role;

use super::format::when;
use super::{Chrome, PageError, Viewer, render};
use crate::AppState;

pub struct EventRow {
    pub seq: i64,
    pub at: String,
    pub actor: String,
    pub action: String,
    pub object: String,
    pub request_id: String,
    pub denied: bool,
}

#[derive(Template)]
#[template(path = "audit.html")]
pub struct AuditPage {
    pub chrome: Chrome,
    pub events: Vec<EventRow>,
}

/// Handles `GET /audit`: the newest 200 audit events.
pub async fn audit(State(state): State<AppState>, viewer: Viewer) -> Result<Response, PageError> {
    if viewer.user.role != Role::Auditor {
        return Err(PageError::Forbidden);
    }
    let users = state.store.list_users().await?;
    let events = state.store.list_audit(200).await?;
    viewer.audit(&state, "audit.read", "audit", None).await?;
    render(&AuditPage {
        chrome: viewer.chrome("audit"),
        events: events
            .into_iter()
            .map(|e| EventRow {
                seq: e.seq,
                at: when(e.at, &state.tz),
                actor: e
                    .actor_id
                    .as_ref()
                    .and_then(|id| users.iter().find(|u| &u.id == id))
                    .map(|u| u.name.clone())
                    .unwrap_or_else(|| "—".into()),
                denied: e.action.ends_with(".denied"),
                action: e.action,
                object: match e.object_id {
                    Some(id) => format!("{} {id}", e.object_type),
                    None => e.object_type,
                },
                request_id: e.request_id,
            })
            .collect(),
    })
}

/// This module's pages and forms, registered by `pages::router`.
pub fn router() -> axum::Router<crate::AppState> {
    use axum::routing::get;
    axum::Router::new().route("/audit", get(audit))
}
