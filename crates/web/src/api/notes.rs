//! Case notes: append-only legal records (SPEC C1; AG14 PC1, PC17).
//! There is no edit and no delete: `PUT`, `PATCH` and `DELETE` answer 405.
//! A correction is an amendment, and the original stays readable.

use std::collections::BTreeMap;

use axum::Json;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use caseload_domain::ids::NoteId;
use caseload_domain::notes::{
    AmendedAs, NoteKind, STAR, Template, amend_capacity, check_timing, parse_sections,
};
use caseload_domain::text::{FieldErrors, limits, prose};
use caseload_store::{Amendment, Case, NewAmendment, NewNote, Note};
use jiff::Timestamp;
use serde::Deserialize;
use utoipa::ToSchema;

use crate::AppState;
use crate::auth::Caller;
use crate::extract::ApiJson;
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
    #[schema(schema_with = crate::api::text::prose::<{ limits::REASON }>)]
    pub reason: String,
    /// The sections being corrected, with their new text.
    pub sections: BTreeMap<String, String>,
}

/// Parse an RFC 3339 timestamp from a form or JSON field.
pub fn parse_timestamp(field: &str, value: &str) -> Result<Timestamp, FieldErrors> {
    if value.trim().is_empty() {
        return Err(FieldErrors::single(field, "is required"));
    }
    value.trim().parse::<Timestamp>().map_err(|_| {
        FieldErrors::single(
            field,
            "must be a date and time with a UTC offset (RFC 3339), e.g. 2026-03-02T14:30:00Z",
        )
    })
}

/// A note as submitted, from the API or a form.
pub struct NoteInput<'a> {
    pub kind: NoteKind,
    pub occurred_at: &'a str,
    pub template: Option<&'a str>,
    pub sections: &'a BTreeMap<String, String>,
    pub late_reason: Option<&'a str>,
    /// A form's one-time key against double submission.
    pub submission_key: Option<&'a str>,
}

/// Check a new note against the rules: known template, sections from it,
/// not in the future, late entries explained. Shared with the pages.
pub fn parse_new_note(
    case: &Case,
    input: &NoteInput<'_>,
    now: Timestamp,
    window: jiff::SignedDuration,
) -> Result<NewNote, FieldErrors> {
    let NoteInput {
        kind,
        occurred_at,
        template,
        sections,
        late_reason,
        submission_key,
    } = *input;
    let mut errors = FieldErrors::new();
    let template = match template {
        None | Some("") => Some(&STAR),
        Some(t) => {
            let found = Template::find(t);
            if found.is_none() {
                errors.push("template", "is not a known template: use star or soap");
            }
            found
        }
    };
    let sections = match template {
        Some(t) => match parse_sections(t, sections, "sections") {
            Ok(s) => Some(s),
            Err(e) => {
                errors.0.extend(e.0);
                None
            }
        },
        None => None,
    };
    let occurred = match parse_timestamp("occurred_at", occurred_at) {
        Ok(t) => Some(t),
        Err(e) => {
            errors.0.extend(e.0);
            None
        }
    };
    let timing = match occurred {
        Some(at) => match check_timing(at, now, window, late_reason) {
            Ok(t) => Some(t),
            Err(e) => {
                errors.0.extend(e.0);
                None
            }
        },
        None => None,
    };
    errors.into_result()?;
    let (Some(template), Some(sections), Some(occurred_at), Some(timing)) =
        (template, sections, occurred, timing)
    else {
        return Err(FieldErrors::single("body", "is incomplete"));
    };
    Ok(NewNote {
        case_id: case.id.clone(),
        kind,
        template: template.id.to_owned(),
        occurred_at,
        late_entry: timing.late_entry,
        late_reason: timing.late_reason,
        sections,
        submission_key: submission_key.map(str::to_owned),
    })
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
        kind: body.kind,
        occurred_at: &body.occurred_at,
        template: body.template.as_deref(),
        sections: &body.sections,
        late_reason: body.late_reason.as_deref(),
        submission_key: None,
    };
    let (_, timescales) = crate::timescales::current(&state).await?;
    let new = parse_new_note(&case, &input, ctx.at, timescales.note_window())?;
    let note = state.store.add_note(&new, &ctx).await?;
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

/// Why a note cannot be reached.
pub enum NoteAccess {
    Missing,
    Denied,
    Store(caseload_store::StoreError),
}

/// A note and its case, if this user may work on the case.
pub async fn visible_note_for(
    state: &AppState,
    user: &caseload_store::User,
    id: &str,
) -> Result<(Note, Case), NoteAccess> {
    use caseload_store::StoreError;
    let note_id = NoteId::parse(id).ok_or(NoteAccess::Missing)?;
    let note = match state.store.get_note(&note_id).await {
        Ok(n) => n,
        Err(StoreError::NotFound(_)) => return Err(NoteAccess::Missing),
        Err(e) => return Err(NoteAccess::Store(e)),
    };
    let case = state
        .store
        .get_case(&note.case_id)
        .await
        .map_err(NoteAccess::Store)?;
    if !user.actor().can_read_case(&case.owner_id, &case.team_id) {
        return Err(NoteAccess::Denied);
    }
    Ok((note, case))
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

/// Check an amendment against the note's template. Shared with the pages.
pub fn parse_amendment(
    note: &Note,
    reason: &str,
    sections: &BTreeMap<String, String>,
) -> Result<NewAmendment, FieldErrors> {
    let mut errors = FieldErrors::new();
    let reason = errors.take(prose("reason", reason, limits::REASON));
    let template = Template::find(&note.template).unwrap_or(&STAR);
    let sections = match parse_sections(template, sections, "sections") {
        Ok(s) => Some(s),
        Err(e) => {
            errors.0.extend(e.0);
            None
        }
    };
    errors.into_result()?;
    Ok(NewAmendment {
        note_id: note.id.clone(),
        reason: reason.unwrap_or_default(),
        sections: sections.unwrap_or_default(),
    })
}

/// In what capacity `user` may amend `note` on `case`: the domain's rule
/// (SPEC C1), for the API and the pages alike.
pub fn capacity_to_amend(
    user: &caseload_store::User,
    note: &Note,
    case: &Case,
) -> Option<AmendedAs> {
    amend_capacity(
        &user.actor(),
        &note.author_id,
        &case.owner_id,
        &case.team_id,
    )
}

/// Why someone who can read a note may not amend it, in words they can act on.
pub fn amend_refusal(note: &Note) -> String {
    format!(
        "only the note's author ({}) or a supervisor of the case's team may amend this note; add a note of your own to the case instead",
        note.author_name
    )
}

/// Log and audit an attempt to amend a note by someone who may read it but
/// not amend it (`note.amend.denied`).
pub async fn log_refused_amendment(
    state: &AppState,
    user: &caseload_store::User,
    request_id: &str,
    note: &Note,
) -> Result<(), caseload_store::StoreError> {
    tracing::warn!(
        user = %user.id, role = %user.role, note = %note.id, author = %note.author_id,
        request_id, "amendment refused: not the note's author or a supervisor of its team"
    );
    crate::access::audit(
        state,
        user,
        request_id,
        "note.amend.denied",
        "note",
        Some(note.id.as_str()),
    )
    .await
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
    let new = parse_amendment(&note, &body.reason, &body.sections)?;
    let amendment = state
        .store
        .add_amendment_as(&new, capacity, &caller.write_ctx(&state))
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
