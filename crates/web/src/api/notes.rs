//! Case notes: append-only legal records (SPEC C1; AG14 PC1, PC17).
//! There is no edit and no delete: `PUT`, `PATCH` and `DELETE` answer 405.
//! A correction is an amendment, and the original stays readable.

use std::collections::BTreeMap;

use axum::Json;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use caseload_domain::notes::NoteKind;
use caseload_domain::text::limits;
use caseload_store::{Amendment, Case, Note};
use serde::Deserialize;
use utoipa::ToSchema;

use crate::AppState;
use crate::auth::Caller;
use crate::extract::ApiJson;
use crate::notes::{
    NoteAccess, NoteInput, amend_refusal, capacity_to_amend, log_refused_amendment,
    visible_note_for,
};
use crate::problem::ApiError;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct NewNoteBody {
    pub kind: NoteKind,
    /// When the contact happened: RFC 3339 with an offset, e.g. `2026-03-02T14:30:00Z`.
    #[schema(format = DateTime)]
    pub occurred_at: String,
    /// `star` (the default) or `soap`.
    pub template: Option<String>,
    /// Section name → text, e.g. `{"situation": "…", "action": "…"}`; at least one.
    pub sections: BTreeMap<String, String>,
    /// Required when the note is a late entry (recorded outside the window).
    pub late_reason: Option<String>,
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct NewAmendmentBody {
    /// Why the note is being corrected.
    #[schema(schema_with = crate::schema::prose::<{ limits::REASON }>)]
    pub reason: String,
    /// The sections being corrected, with their new text.
    pub sections: BTreeMap<String, String>,
}

/// Handles `POST /api/v1/cases/{id}/notes`: record a note. `recorded_at` and
/// the author are the server's to set.
#[utoipa::path(post, path = "/api/v1/cases/{id}/notes", tag = "notes", params(("id" = String, Path)),
    request_body = NewNoteBody, responses((status = 201, body = Note)))]
pub async fn create(
    State(state): State<AppState>,
    caller: Caller,
    Path(id): Path<String>,
    ApiJson(body): ApiJson<NewNoteBody>,
) -> Result<(StatusCode, Json<Note>), ApiError> {
    let case = caller.case(&state, &id).await?;
    let ctx = caller.write_ctx(&state);
    let input = NoteInput {
        kind: Some(body.kind),
        occurred_at: &body.occurred_at,
        template: body.template.as_deref(),
        sections: &body.sections,
        late_reason: body.late_reason.as_deref(),
        submission_key: None,
    };
    let note = crate::notes::append(&state, &ctx, &case, &input).await?;
    Ok((StatusCode::CREATED, Json(note)))
}

/// Handles `GET /api/v1/cases/{id}/notes`: the case's notes in the order the
/// contacts happened, each with its amendments.
#[utoipa::path(get, path = "/api/v1/cases/{id}/notes", tag = "notes", params(("id" = String, Path)),
    responses((status = 200, body = Vec<Note>)))]
pub async fn list(
    State(state): State<AppState>,
    caller: Caller,
    Path(id): Path<String>,
) -> Result<Json<Vec<Note>>, ApiError> {
    let case = caller.case(&state, &id).await?;
    let notes = state.store.list_notes(&case.id).await?;
    caller
        .audit(&state, "note.list", "case", Some(case.id.as_str()))
        .await?;
    Ok(Json(notes))
}

/// A note the caller may see (through its case), or 404 (logged if denied).
pub async fn visible_note(
    state: &AppState,
    caller: &Caller,
    id: &str,
) -> Result<(Note, Case), ApiError> {
    match visible_note_for(state, &caller.user, id).await {
        Ok(found) => Ok(found),
        Err(NoteAccess::Missing) => Err(ApiError::not_found("note")),
        Err(NoteAccess::Denied) => Err(caller.denied(state, "note", id).await),
        Err(NoteAccess::Store(e)) => Err(e.into()),
    }
}

/// Handles `GET /api/v1/notes/{id}`: a note with its amendments, oldest first.
#[utoipa::path(get, path = "/api/v1/notes/{id}", tag = "notes", params(("id" = String, Path)),
    responses((status = 200, body = Note)))]
pub async fn show(
    State(state): State<AppState>,
    caller: Caller,
    Path(id): Path<String>,
) -> Result<Json<Note>, ApiError> {
    let (note, _) = visible_note(&state, &caller, &id).await?;
    caller
        .audit(&state, "note.read", "note", Some(note.id.as_str()))
        .await?;
    Ok(Json(note))
}

/// Handles `PUT`, `PATCH` and `DELETE` on `/api/v1/notes/{id}`: never
/// allowed, and said so only to a caller with a valid token (401 first).
#[utoipa::path(method(put, patch, delete), path = "/api/v1/notes/{id}", tag = "notes", params(("id" = String, Path)),
    responses((status = 405, description = "Notes are never edited or deleted in place; add an amendment.",
        body = crate::problem::Problem, content_type = "application/problem+json")))]
pub async fn no_edits(_caller: Caller) -> ApiError {
    ApiError::MethodNotAllowed {
        allow: "GET".into(),
    }
}

/// Handles `POST /api/v1/notes/{id}/amendments`: correct a note. The
/// original and every earlier amendment stay readable. Only the note's
/// author amends it, or a supervisor of the case's team (the amendment then
/// says `amended_as: supervisor`); anyone else who can read the note gets a
/// 403, and the attempt is logged and audited.
#[utoipa::path(post, path = "/api/v1/notes/{id}/amendments", tag = "notes", params(("id" = String, Path)),
    request_body = NewAmendmentBody, responses(
        (status = 201, body = Amendment),
        (status = 403, description = "Not the note's author nor a supervisor of the case's team: add a note of your own instead.",
            body = crate::problem::Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such note, or not one the caller may read.",
            body = crate::problem::Problem, content_type = "application/problem+json"),
        (status = 422, description = "A missing reason or an unknown or empty section, each named.",
            body = crate::problem::Problem, content_type = "application/problem+json")))]
pub async fn amend(
    State(state): State<AppState>,
    caller: Caller,
    Path(id): Path<String>,
    ApiJson(body): ApiJson<NewAmendmentBody>,
) -> Result<(StatusCode, Json<Amendment>), ApiError> {
    let (note, case) = visible_note(&state, &caller, &id).await?;
    let Some(capacity) = capacity_to_amend(&caller.user, &note, &case) else {
        log_refused_amendment(&state, &caller.user, &caller.request_id, &note).await?;
        return Err(ApiError::Forbidden(amend_refusal(&note)));
    };
    let amendment = crate::notes::amend(
        &state,
        &caller.write_ctx(&state),
        &note,
        capacity,
        &body.reason,
        &body.sections,
    )
    .await?;
    Ok((StatusCode::CREATED, Json(amendment)))
}

/// This module's routes, each with its OpenAPI entry.
pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(create, list))
        .routes(routes!(show, no_edits))
        .routes(routes!(amend))
}
