//! Errors as `application/problem+json` (RFC 9457): a stable `type`, a human
//! `title` and a specific `detail`; field problems listed in `errors`; a
//! `reference` (the request id) on 5xx. Internal causes are logged, never
//! shown.

use axum::Json;
use axum::extract::Request;
use axum::http::{HeaderValue, StatusCode, header};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use caseload_domain::text::FieldErrors;
use caseload_store::{ConflictKind, Outage, StoreError};
use serde::Serialize;
use utoipa::ToSchema;

pub const PROBLEM_JSON: &str = "application/problem+json";

/// Why an operation on a record did not happen, as the capabilities say it
/// to both faces: what was sent breaks the rules (a form shows each field's
/// problem beside it; the API answers 422), or the store refused or failed.
#[derive(Debug)]
pub enum Refused {
    /// No such record (named) on this case.
    Missing(&'static str),
    Input(FieldErrors),
    Store(StoreError),
}

impl From<FieldErrors> for Refused {
    fn from(e: FieldErrors) -> Self {
        Refused::Input(e)
    }
}

impl From<caseload_domain::FieldError> for Refused {
    fn from(e: caseload_domain::FieldError) -> Self {
        Refused::Input(FieldErrors(vec![e]))
    }
}

impl From<StoreError> for Refused {
    fn from(e: StoreError) -> Self {
        Refused::Store(e)
    }
}

impl From<Refused> for ApiError {
    fn from(e: Refused) -> Self {
        match e {
            Refused::Missing(what) => ApiError::not_found(what),
            Refused::Input(f) => f.into(),
            Refused::Store(s) => s.into(),
        }
    }
}

/// An API error. Each variant has one status and one stable `type`.
#[derive(Debug)]
pub enum ApiError {
    BadRequest(String),
    Unauthorized(String),
    Forbidden(String),
    NotFound(String),
    MethodNotAllowed {
        allow: String,
    },
    Conflict(String),
    PayloadTooLarge(String),
    UnsupportedMediaType(String),
    Validation(FieldErrors),
    /// The database cannot do this now (503, or 507 when its disk is
    /// full); `Retry-After` where waiting helps.
    Unavailable {
        what: Outage,
        reference: String,
    },
    Internal {
        reference: String,
    },
}

/// The body of every error response.
#[derive(Debug, Serialize, ToSchema)]
pub struct Problem {
    /// A stable identifier for the kind of problem, e.g. `urn:caseload:problem:validation`.
    #[serde(rename = "type")]
    pub kind: String,
    pub title: String,
    pub status: u16,
    /// What exactly is wrong, in words a person can act on.
    pub detail: String,
    /// One entry per field that is wrong.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub errors: Vec<FieldProblem>,
    /// For server errors: quote this when reporting the problem.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub reference: Option<String>,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct FieldProblem {
    /// The field, e.g. `late_reason` or `sections.situation`.
    pub field: String,
    pub message: String,
}

impl ApiError {
    pub fn not_found(what: &str) -> Self {
        ApiError::NotFound(format!(
            "no {what} with that id exists, or you do not have access to it"
        ))
    }

    pub fn status(&self) -> StatusCode {
        match self {
            ApiError::BadRequest(_) => StatusCode::BAD_REQUEST,
            ApiError::Unauthorized(_) => StatusCode::UNAUTHORIZED,
            ApiError::Forbidden(_) => StatusCode::FORBIDDEN,
            ApiError::NotFound(_) => StatusCode::NOT_FOUND,
            ApiError::MethodNotAllowed { .. } => StatusCode::METHOD_NOT_ALLOWED,
            ApiError::Conflict(_) => StatusCode::CONFLICT,
            ApiError::PayloadTooLarge(_) => StatusCode::PAYLOAD_TOO_LARGE,
            ApiError::UnsupportedMediaType(_) => StatusCode::UNSUPPORTED_MEDIA_TYPE,
            ApiError::Validation(_) => StatusCode::UNPROCESSABLE_ENTITY,
            ApiError::Unavailable {
                what: Outage::DiskFull,
                ..
            } => StatusCode::INSUFFICIENT_STORAGE,
            ApiError::Unavailable { .. } => StatusCode::SERVICE_UNAVAILABLE,
            ApiError::Internal { .. } => StatusCode::INTERNAL_SERVER_ERROR,
        }
    }

    fn kind(&self) -> &'static str {
        match self {
            ApiError::BadRequest(_) => "bad-request",
            ApiError::Unauthorized(_) => "unauthorized",
            ApiError::Forbidden(_) => "forbidden",
            ApiError::NotFound(_) => "not-found",
            ApiError::MethodNotAllowed { .. } => "method-not-allowed",
            ApiError::Conflict(_) => "conflict",
            ApiError::PayloadTooLarge(_) => "payload-too-large",
            ApiError::UnsupportedMediaType(_) => "unsupported-media-type",
            ApiError::Validation(_) => "validation",
            ApiError::Unavailable {
                what: Outage::DiskFull,
                ..
            } => "insufficient-storage",
            ApiError::Unavailable { .. } => "unavailable",
            ApiError::Internal { .. } => "internal",
        }
    }

    pub fn problem(&self) -> Problem {
        let status = self.status();
        let (detail, errors, reference) = match self {
            ApiError::BadRequest(d)
            | ApiError::Unauthorized(d)
            | ApiError::Forbidden(d)
            | ApiError::NotFound(d)
            | ApiError::Conflict(d)
            | ApiError::PayloadTooLarge(d)
            | ApiError::UnsupportedMediaType(d) => (d.clone(), Vec::new(), None),
            ApiError::MethodNotAllowed { allow } => {
                (format!("this resource only allows {allow}"), Vec::new(), None)
            }
            ApiError::Validation(errors) => (
                errors.summary(),
                errors.0.iter().map(|e| FieldProblem { field: e.field.clone(), message: e.message.clone() }).collect(),
                None,
            ),
            ApiError::Unavailable { what, reference } => (
                unavailable_detail(*what).to_owned(),
                Vec::new(),
                Some(reference.clone()),
            ),
            ApiError::Internal { reference } => (
                "something went wrong on our side; nothing you sent was lost. Quote the reference if it happens again"
                    .to_owned(),
                Vec::new(),
                Some(reference.clone()),
            ),
        };
        Problem {
            kind: format!("urn:caseload:problem:{}", self.kind()),
            title: status.canonical_reason().unwrap_or("Error").to_owned(),
            status: status.as_u16(),
            detail,
            errors,
            reference,
        }
    }

    /// Log an unexpected failure and hide it behind a reference: the
    /// request's id, which its `x-request-id` header and every log line of
    /// the request (through the request span) also carry.
    pub fn unexpected(error: &dyn std::error::Error) -> Self {
        ApiError::internal(error, &crate::request_id::reference())
    }

    /// Log an unexpected failure and hide it behind the given reference.
    pub fn internal(error: &dyn std::error::Error, reference: &str) -> Self {
        tracing::error!(reference, error = %error, source = ?error.source(), "internal error");
        crate::request_id::cause_logged();
        ApiError::Internal {
            reference: reference.to_owned(),
        }
    }
}

impl From<FieldErrors> for ApiError {
    fn from(e: FieldErrors) -> Self {
        ApiError::Validation(e)
    }
}

impl From<caseload_domain::FieldError> for ApiError {
    fn from(e: caseload_domain::FieldError) -> Self {
        ApiError::Validation(FieldErrors(vec![e]))
    }
}

/// What a user is told when the database is unavailable: calm, what it
/// means for their work, and whether to retry.
pub fn unavailable_detail(what: Outage) -> &'static str {
    match what {
        Outage::DiskFull => {
            "the service has run out of storage space and cannot save anything until an operator frees some; nothing already saved was lost, and reading still works"
        }
        Outage::ReadOnly => {
            "the service cannot save changes at the moment; nothing already saved was lost. Try again later"
        }
        Outage::Busy => {
            "the service is busy and could not do this in time; nothing was changed. Try again in a moment"
        }
        Outage::Unreachable => {
            "the service's database cannot be reached at the moment; nothing already saved was lost. Try again in a few seconds"
        }
    }
}

/// Log a database outage (once, with its cause) behind the request's
/// reference.
pub fn log_outage(what: Outage, source: &dyn std::error::Error) -> String {
    let reference = crate::request_id::reference();
    tracing::error!(reference, outage = %what, error = %source, "database unavailable");
    reference
}

/// What a user is told about a conflict with what is stored.
pub fn conflict_detail(kind: &ConflictKind) -> String {
    match kind {
        ConflictKind::Duplicate { what: "user", .. } => {
            "a user with this email address already exists".into()
        }
        ConflictKind::Duplicate { what: "team", .. } => {
            "a team with this name already exists".into()
        }
        ConflictKind::Duplicate {
            what: "closure day",
            key: Some(day),
        } => format!("{day} is already a closure day"),
        ConflictKind::Duplicate { .. } => "this record already exists".into(),
        ConflictKind::Stale {
            what: "obstacle", ..
        } => "this obstacle is already resolved".into(),
        ConflictKind::Stale {
            what,
            expected,
            now: Some(now),
        } => format!("the {what} is now {now}, not {expected}: reload it and try again"),
        ConflictKind::Stale {
            what,
            expected,
            now: None,
        } => format!("the {what} is no longer {expected}: reload it and try again"),
        ConflictKind::DoubleSubmission => {
            "this note has already been saved (the form was submitted twice)".into()
        }
        ConflictKind::MissingParent { .. } => "a record this refers to does not exist".into(),
        ConflictKind::Refused(detail) => detail.clone(),
    }
}

impl From<StoreError> for ApiError {
    fn from(e: StoreError) -> Self {
        match e {
            StoreError::NotFound(what) => ApiError::not_found(what),
            StoreError::Conflict(kind) => ApiError::Conflict(conflict_detail(&kind)),
            StoreError::Unavailable { what, source } => ApiError::Unavailable {
                what,
                reference: log_outage(what, source.as_ref()),
            },
            StoreError::Other(source) => ApiError::unexpected(source.as_ref()),
        }
    }
}

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        let status = self.status();
        let mut response = (status, Json(self.problem())).into_response();
        response
            .headers_mut()
            .insert(header::CONTENT_TYPE, HeaderValue::from_static(PROBLEM_JSON));
        if let ApiError::MethodNotAllowed { allow } = &self
            && let Ok(v) = HeaderValue::from_str(allow)
        {
            response.headers_mut().insert(header::ALLOW, v);
        }
        if let ApiError::Unavailable { what, .. } = &self
            && let Some(seconds) = what.retry_after()
        {
            response
                .headers_mut()
                .insert(header::RETRY_AFTER, HeaderValue::from(seconds));
        }
        if status == StatusCode::UNAUTHORIZED {
            response
                .headers_mut()
                .insert(header::WWW_AUTHENTICATE, HeaderValue::from_static("Bearer"));
        }
        response
    }
}

/// Unknown paths.
pub async fn not_found_fallback() -> ApiError {
    ApiError::NotFound("there is nothing at this address".into())
}

/// Middleware: the router's own bare 404/405/413/415 answers become
/// problem+json too, keeping their headers (such as `Allow`).
pub async fn bare_errors_as_problems(request: Request, next: Next) -> Response {
    let api = request.uri().path().starts_with("/api/");
    let response = next.run(request).await;
    if !api {
        return response;
    }
    let status = response.status();
    let bare = response.headers().get(header::CONTENT_TYPE).is_none();
    if !bare || !(status.is_client_error() || status.is_server_error()) {
        return response;
    }
    let error = match status {
        StatusCode::NOT_FOUND => ApiError::NotFound("there is nothing at this address".into()),
        StatusCode::METHOD_NOT_ALLOWED => ApiError::MethodNotAllowed {
            allow: response
                .headers()
                .get(header::ALLOW)
                .and_then(|v| v.to_str().ok())
                .unwrap_or("")
                .to_owned(),
        },
        StatusCode::PAYLOAD_TOO_LARGE => {
            ApiError::PayloadTooLarge("the request body is too large".into())
        }
        s => ApiError::BadRequest(s.canonical_reason().unwrap_or("bad request").to_lowercase()),
    };
    let (parts, _) = response.into_parts();
    let mut fresh = error.into_response();
    for (name, value) in parts.headers.iter() {
        if name != header::CONTENT_TYPE && name != header::CONTENT_LENGTH {
            fresh.headers_mut().insert(name.clone(), value.clone());
        }
    }
    fresh
}
