//! The JSON API under `/api/v1`. Every route but `/health`, `/ready` and
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
pub mod tokens;

use axum::Router;
use axum::extract::{FromRequestParts, Query, Request, State};
use axum::http::StatusCode;
use axum::http::request::Parts;
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use caseload_store::{Case, Page, Scope, WriteCtx};
use serde::de::DeserializeOwned;

use crate::AppState;
use crate::auth::Caller;
use crate::problem::ApiError;
use crate::request_id::RequestId;
use utoipa::OpenApi;
use utoipa_axum::router::OpenApiRouter;

/// The API's routes and its document, registered together: each module
/// hands over its handlers with their `#[utoipa::path]` entries (utoipa-axum's
/// `routes!`), so a route cannot be served undocumented or documented unserved.
pub fn routes() -> OpenApiRouter<AppState> {
    OpenApiRouter::with_openapi(openapi::ApiDoc::openapi())
        .merge(meta::router())
        .merge(clients::router())
        .merge(cases::router())
        .merge(notes::router())
        .merge(outcomes::router())
        .merge(obstacles::router())
        .merge(tasks::router())
        .merge(deadlines::router())
        .merge(priority::router())
        .merge(notifications::router())
        .merge(timescales::router())
        .merge(tokens::router())
        .merge(openapi::router())
}

/// The API under `/api/v1`, ready to merge into the application.
pub fn router(state: AppState) -> Router {
    let (router, _) = routes().split_for_parts();
    router
        .layer(axum::middleware::from_fn_with_state(
            state.clone(),
            authenticate_before_method,
        ))
        .layer(axum::extract::DefaultBodyLimit::max(
            state.settings.body_limit,
        ))
        .with_state(state)
}

/// Middleware: a method a known path does not take is a 405 only for a
/// caller who may use the API at all; without a valid token it is a 401,
/// as for the methods the path does take (RFC 9110: a client that may not
/// see the resource learns nothing of its methods).
async fn authenticate_before_method(
    State(state): State<AppState>,
    request: Request,
    next: Next,
) -> Response {
    let mut probe = Request::new(());
    *probe.headers_mut() = request.headers().clone();
    if let Some(id) = request.extensions().get::<RequestId>() {
        probe.extensions_mut().insert(id.clone());
    }
    let response = next.run(request).await;
    if response.status() != StatusCode::METHOD_NOT_ALLOWED {
        return response;
    }
    let (mut parts, ()) = probe.into_parts();
    match Caller::from_request_parts(&mut parts, &state).await {
        Ok(_) => response,
        Err(refusal) => refusal.into_response(),
    }
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
