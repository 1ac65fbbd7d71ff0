//! Cases (SPEC C1): moving a case through its lifecycle. Called by the API
//! (`api::cases`) and the case page.

use caseload_domain::cases::{
    CaseStatus, ClosureReason, StatusChange, TransitionError, check_transition,
};
use caseload_domain::text::{FieldErrors, limits, prose};
use caseload_store::{Case, StoreError, WriteCtx};

use crate::AppState;
use crate::problem::ApiError;

/// What a status-change form or body asks for.
pub struct StatusRequest<'a> {
    pub status: CaseStatus,
    /// Why: required to put a case on hold or reopen it.
    pub reason: Option<&'a str>,
    /// Required when closing.
    pub closure_reason: Option<ClosureReason>,
    /// Required when closing: what was done and where the client stands.
    pub closure_summary: Option<&'a str>,
}

/// Why a case's status was not changed.
#[derive(Debug)]
pub enum StatusError {
    Invalid(FieldErrors),
    /// The lifecycle does not allow the move, in words.
    NotAllowed(String),
    Store(StoreError),
}

impl From<StatusError> for ApiError {
    fn from(e: StatusError) -> Self {
        match e {
            StatusError::Invalid(errors) => errors.into(),
            StatusError::NotAllowed(message) => ApiError::Conflict(message),
            StatusError::Store(e) => e.into(),
        }
    }
}

/// Move a case through its lifecycle (referral → open ⇄ on hold → closed;
/// closed → open to reopen), with the reasons each move needs.
pub async fn change_status(
    state: &AppState,
    ctx: &WriteCtx,
    case: &Case,
    request: &StatusRequest<'_>,
) -> Result<Case, StatusError> {
    let change = parse_status_change(case, request)?;
    state
        .store
        .change_case_status(&case.id, &change, ctx)
        .await
        .map_err(StatusError::Store)
}

/// Turn a status-change request into a checked domain change.
pub fn parse_status_change(
    case: &Case,
    body: &StatusRequest<'_>,
) -> Result<StatusChange, StatusError> {
    let mut errors = FieldErrors::new();
    let reason = match body.reason.filter(|r| !r.trim().is_empty()) {
        Some(r) => errors.take(prose("reason", r, limits::REASON)),
        None => None,
    };
    let summary = match body.closure_summary.filter(|r| !r.trim().is_empty()) {
        Some(s) => errors.take(prose("closure_summary", s, limits::SUMMARY)),
        None => None,
    };
    errors.into_result().map_err(StatusError::Invalid)?;
    let change = StatusChange {
        from: case.status,
        to: body.status,
        reason,
        closure_reason: body.closure_reason,
        closure_summary: summary,
    };
    match check_transition(&change) {
        Ok(()) => Ok(change),
        Err(e @ TransitionError::NotAllowed { .. }) => Err(StatusError::NotAllowed(e.to_string())),
        Err(TransitionError::Incomplete(errors)) => Err(StatusError::Invalid(errors)),
    }
}
