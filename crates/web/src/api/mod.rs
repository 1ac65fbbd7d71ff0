//! The JSON API under `/api/v1`. Every route but `/health` and
//! `/openapi.json` needs a bearer token; every read and write of client,
//! case and note data leaves an audit event (who, what, which record, when —
//! never the content); a record the caller may not see answers 404, and the
//! attempt is logged and audited.

pub mod cases;
pub mod clients;
pub mod deadlines;
pub mod meta;
pub mod notes;
pub mod notifications;
pub mod obstacles;
pub mod openapi;
pub mod outcomes;
pub mod priority;
pub mod tasks;
pub mod timescales;

use axum::Router;
use axum::extract::{FromRequestParts, Query};
use axum::http::request::Parts;
use axum::routing::{get, post};
use caseload_store::{Case, Page, Scope, WriteCtx};
use serde::de::DeserializeOwned;

use crate::AppState;
use crate::auth::Caller;
use crate::problem::ApiError;

pub fn router(state: AppState) -> Router {
    Router::new()
        .route("/health", get(meta::health))
        .route("/openapi.json", get(openapi::document))
        .route("/me", get(meta::me))
        .route("/clients", post(clients::create).get(clients::list))
        .route("/clients/{id}", get(clients::show).patch(clients::update))
        .route("/clients/{id}/history", get(clients::history))
        .route("/cases", post(cases::create).get(cases::list))
        .route("/cases/{id}", get(cases::show))
        .route("/cases/{id}/status", post(cases::change_status))
        .route("/cases/{id}/timeline", get(cases::timeline))
        .route("/cases/{id}/notes", post(notes::create).get(notes::list))
        .route(
            "/notes/{id}",
            get(notes::show)
                .put(notes::no_edits)
                .patch(notes::no_edits)
                .delete(notes::no_edits),
        )
        .route("/notes/{id}/amendments", post(notes::amend))
        .route(
            "/cases/{id}/outcomes",
            post(outcomes::create).get(outcomes::list),
        )
        .route(
            "/cases/{id}/outcomes/{outcome_id}/progress",
            post(outcomes::progress),
        )
        .route(
            "/cases/{id}/obstacles",
            post(obstacles::create).get(obstacles::list),
        )
        .route(
            "/cases/{id}/obstacles/{obstacle_id}/resolve",
            post(obstacles::resolve),
        )
        .route("/cases/{id}/tasks", post(tasks::create).get(tasks::list))
        .route(
            "/cases/{id}/tasks/{task_id}/status",
            post(tasks::change_status),
        )
        .route("/deadlines/calculate", post(deadlines::calculate_handler))
        .route(
            "/policies",
            get(priority::list_policies).post(priority::create_policy),
        )
        .route("/policies/{id}", get(priority::policy_versions))
        .route("/cases/{id}/assessments", post(priority::create_assessment))
        .route(
            "/cases/{id}/priority-override",
            post(priority::override_priority),
        )
        .route("/cases/{id}/priority-history", get(priority::history))
        .route("/caseload", get(priority::caseload))
        .route("/notifications", get(notifications::notifications))
        .route(
            "/notifications/{id}/acknowledge",
            post(notifications::acknowledge),
        )
        .route(
            "/notifications/acknowledge",
            post(notifications::acknowledge_many),
        )
        .route(
            "/cases/{id}/deadlines",
            post(deadlines::create).get(deadlines::list),
        )
        .route("/deadline-rules", get(deadlines::rules))
        .route(
            "/timescales",
            get(timescales::versions).post(timescales::import),
        )
        .route("/cases/{id}/timescales", get(timescales::for_case))
        .layer(axum::extract::DefaultBodyLimit::max(
            state.settings.body_limit,
        ))
        .with_state(state)
}

/// Query strings, strictly: unknown parameters and bad values are a 422.
pub struct ApiQuery<T>(pub T);

impl<S: Send + Sync, T: DeserializeOwned> FromRequestParts<S> for ApiQuery<T> {
    type Rejection = ApiError;
    async fn from_request_parts(parts: &mut Parts, state: &S) -> Result<Self, Self::Rejection> {
        match Query::<T>::from_request_parts(parts, state).await {
            Ok(Query(v)) => Ok(ApiQuery(v)),
            Err(rejection) => Err(ApiError::Validation(caseload_domain::FieldErrors::single(
                "query",
                rejection
                    .body_text()
                    .replace("Failed to deserialize query string: ", ""),
            ))),
        }
    }
}

/// `?limit=&cursor=` on lists.
pub fn page(limit: Option<u32>, cursor: Option<String>) -> Result<Page, ApiError> {
    let limit = limit.unwrap_or(50);
    if !(1..=200).contains(&limit) {
        return Err(caseload_domain::FieldError::new("limit", "must be between 1 and 200").into());
    }
    Ok(Page {
        limit,
        after: cursor,
    })
}

impl Caller {
    pub fn write_ctx(&self, state: &AppState) -> WriteCtx {
        WriteCtx {
            actor: self.user.id.clone(),
            at: state.clock.now(),
            request_id: self.request_id.clone(),
        }
    }

    /// Lists are scoped to what this caller may see; admins and auditors see
    /// no case content at all.
    pub fn case_scope(&self) -> Result<Scope, ApiError> {
        if !self.user.role.works_cases() {
            return Err(ApiError::Forbidden(format!(
                "{}s do not have access to client and case records",
                self.user.role
            )));
        }
        Ok(Scope {
            user: self.user.id.clone(),
            team: self.user.team_id.clone(),
        })
    }

    /// Append an audit event for a read (or a denial).
    pub async fn audit(
        &self,
        state: &AppState,
        action: &str,
        object_type: &'static str,
        object_id: Option<&str>,
    ) -> Result<(), ApiError> {
        crate::access::audit(
            state,
            &self.user,
            &self.request_id,
            action,
            object_type,
            object_id,
        )
        .await
        .map_err(ApiError::from)
    }

    /// Log and audit an attempt to reach a record outside the caller's reach,
    /// then answer as if it did not exist.
    pub async fn denied(&self, state: &AppState, object_type: &'static str, id: &str) -> ApiError {
        match crate::access::deny(state, &self.user, &self.request_id, object_type, id).await {
            Ok(()) => ApiError::not_found(object_type),
            Err(e) => e.into(),
        }
    }

    /// Load a case this caller may work on, or answer 404.
    pub async fn case(&self, state: &AppState, id: &str) -> Result<Case, ApiError> {
        match crate::access::case(state, &self.user, &self.request_id, id).await? {
            crate::access::Reach::Found(case) => Ok(case),
            _ => Err(ApiError::not_found("case")),
        }
    }
}
