//! The access rules both faces share: the API's `Caller` and the pages'
//! `Viewer` reach records through these functions, so a rule cannot be
//! enforced in one place and forgotten in the other. The rules themselves
//! are the domain's (`caseload_domain::access`); here is the lookup, the
//! audit event and the logged denial.

use caseload_domain::ids::CaseId;
use caseload_store::{Case, NewAuditEvent, StoreError, User};

use crate::AppState;

/// Append an audit event for a read (or a denial) by `user`.
pub async fn audit(
    state: &AppState,
    user: &User,
    request_id: &str,
    action: &str,
    object_type: &'static str,
    object_id: Option<&str>,
) -> Result<(), StoreError> {
    state
        .store
        .record_audit(&NewAuditEvent {
            at: state.clock.now(),
            actor: Some(user.id.clone()),
            action: action.to_owned(),
            object_type,
            object_id: object_id.map(str::to_owned),
            request_id: request_id.to_owned(),
        })
        .await
}

/// Log and audit an attempt to reach a record outside `user`'s reach.
pub async fn deny(
    state: &AppState,
    user: &User,
    request_id: &str,
    object_type: &'static str,
    id: &str,
) -> Result<(), StoreError> {
    tracing::warn!(
        user = %user.id, role = %user.role, object_type, object_id = id,
        request_id, "access denied"
    );
    audit(
        state,
        user,
        request_id,
        &format!("{object_type}.denied"),
        object_type,
        Some(id),
    )
    .await
}

/// The outcome of looking a record up on someone's behalf.
pub enum Reach<T> {
    Found(T),
    /// No such record (or not even a well-formed id).
    Missing,
    /// It exists, but not for this user: the denial is already logged and audited.
    Denied,
}

/// A case `user` may work on.
pub async fn case(
    state: &AppState,
    user: &User,
    request_id: &str,
    id: &str,
) -> Result<Reach<Case>, StoreError> {
    let Some(case_id) = CaseId::parse(id) else {
        return Ok(Reach::Missing);
    };
    let case = match state.store.get_case(&case_id).await {
        Ok(c) => c,
        Err(StoreError::NotFound(_)) => return Ok(Reach::Missing),
        Err(e) => return Err(e),
    };
    if !user.actor().can_read_case(&case.owner_id, &case.team_id) {
        deny(state, user, request_id, "case", id).await?;
        return Ok(Reach::Denied);
    }
    Ok(Reach::Found(case))
}
