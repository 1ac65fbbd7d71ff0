//! Writing notes and amending them. The add-note form keeps everything the
//! user typed when it is re-shown with errors, and carries a one-time key so
//! a double-submitted form stores one note. Amendments show what is being
//! amended and need a reason.

use std::collections::BTreeMap;

use askama::Template;
use axum::extract::{Path, Query, State};
use axum::response::Response;
use caseload_domain::notes::{NoteKind, STAR, Template as NoteTemplate, describe_window};
use caseload_store::StoreError;
use serde::Deserialize;

use super::cases::{Header, NoteView, header, note_view};
use super::format::{local_input, parse_local};
use super::{
    Chrome, CsrfForm, Fields, FormErrors, PageError, Viewer, render, render_invalid, see_other,
    see_saved,
};
use crate::AppState;
use crate::notes::{
    AppendError, NoteAccess, NoteInput, amend_refusal, capacity_to_amend, log_refused_amendment,
    visible_note_for,
};
use crate::problem::Refused;
use caseload_domain::notes::AmendedAs;

pub struct SectionField {
    pub name: &'static str,
    pub label: &'static str,
    pub value: String,
}

#[derive(Template)]
#[template(path = "note_form.html")]
pub struct NoteForm {
    pub chrome: Chrome,
    pub case: Header,
    pub errors: FormErrors,
    pub kinds: Vec<(&'static str, &'static str)>,
    pub kind: String,
    pub occurred_at: String,
    pub template: &'static str,
    pub template_name: &'static str,
    pub other_template: (&'static str, &'static str),
    pub sections: Vec<SectionField>,
    pub late_reason: String,
    pub window: String,
    pub submission_key: String,
}

#[derive(Debug, Deserialize)]
pub struct NoteQuery {
    template: Option<String>,
}

fn note_form(
    state: &AppState,
    viewer: &Viewer,
    case: &caseload_store::Case,
    template: &'static NoteTemplate,
    fields: &Fields,
    errors: FormErrors,
    window: jiff::SignedDuration,
) -> NoteForm {
    let other = if template.id == "star" {
        ("soap", "SOAP")
    } else {
        ("star", "STAR")
    };
    let key = match fields.opt("submission_key") {
        Some(k) => k.to_owned(),
        None => crate::auth::new_token()
            .map(|t| t.trim_start_matches("cl_").to_owned())
            .unwrap_or_default(),
    };
    NoteForm {
        chrome: viewer.chrome("caseload"),
        case: header(case, state),
        errors,
        kinds: NoteKind::ALL
            .iter()
            .map(|k| (k.as_str(), k.label()))
            .collect(),
        kind: fields.opt("kind").unwrap_or("face_to_face").to_owned(),
        occurred_at: fields
            .opt("occurred_at")
            .map(str::to_owned)
            .unwrap_or_else(|| local_input(state.clock.now(), &state.tz)),
        template: template.id,
        template_name: template.name,
        other_template: other,
        sections: template
            .sections
            .iter()
            .map(|(name, label)| SectionField {
                name,
                label,
                value: fields.get(&format!("section_{name}")).to_owned(),
            })
            .collect(),
        late_reason: fields.get("late_reason").to_owned(),
        window: describe_window(window),
        submission_key: key,
    }
}

/// Handles `GET /cases/{id}/notes/new`.
pub async fn new_page(
    State(state): State<AppState>,
    viewer: Viewer,
    Path(id): Path<String>,
    Query(q): Query<NoteQuery>,
) -> Result<Response, PageError> {
    let case = viewer.case(&state, &id).await?;
    let template = q
        .template
        .as_deref()
        .and_then(NoteTemplate::find)
        .unwrap_or(&STAR);
    let (_, timescales) = crate::timescales::current(&state).await?;
    render(&note_form(
        &state,
        &viewer,
        &case,
        template,
        &Fields::default(),
        FormErrors::default(),
        timescales.note_window(),
    ))
}

fn labels(template: &NoteTemplate) -> Vec<(String, String)> {
    let mut l: Vec<(String, String)> = vec![
        ("kind".into(), "Kind of contact".into()),
        ("occurred_at".into(), "When it happened".into()),
        ("late_reason".into(), "Reason for the late entry".into()),
        ("sections".into(), "The note".into()),
        ("template".into(), "Template".into()),
    ];
    for (name, label) in template.sections {
        l.push((format!("sections.{name}"), (*label).to_owned()));
    }
    l
}

/// Handles `POST /cases/{id}/notes/new`.
pub async fn create(
    State(state): State<AppState>,
    Path(id): Path<String>,
    CsrfForm(viewer, fields): CsrfForm,
) -> Result<Response, PageError> {
    let case = viewer.case(&state, &id).await?;
    let template = NoteTemplate::find(fields.get("template")).unwrap_or(&STAR);
    let sections: BTreeMap<String, String> = template
        .sections
        .iter()
        .map(|(name, _)| {
            (
                (*name).to_owned(),
                fields.get(&format!("section_{name}")).to_owned(),
            )
        })
        .collect();
    let occurred = match fields.opt("occurred_at") {
        None => String::new(),
        Some(v) => parse_local(v, &state.tz)
            .map(|t| t.to_string())
            .unwrap_or_else(|| "invalid".into()),
    };
    let input = NoteInput {
        kind: NoteKind::parse(fields.get("kind")),
        occurred_at: &occurred,
        template: Some(template.id),
        sections: &sections,
        late_reason: fields.opt("late_reason"),
        submission_key: fields.opt("submission_key"),
    };
    match crate::notes::append(&state, &viewer.write_ctx(&state), &case, &input).await {
        Ok(note) => Ok(see_saved(
            &format!("/cases/{}", case.id),
            "note",
            Some(note.id.as_str()),
            &format!("note-{}", note.id),
        )),
        Err(AppendError::Invalid(errors, window)) => {
            let owned = labels(template);
            let borrowed: Vec<(&str, &str)> = owned
                .iter()
                .map(|(a, b)| (a.as_str(), b.as_str()))
                .collect();
            let errors = FormErrors::labelled(&errors, &borrowed);
            render_invalid(&note_form(
                &state, &viewer, &case, template, &fields, errors, window,
            ))
        }
        // The same form sent twice: the first one was saved.
        Err(AppendError::Store(StoreError::Conflict(_))) => {
            Ok(see_other(&format!("/cases/{}", case.id)))
        }
        // Not saved, but not lost: the form again, with what was typed.
        Err(AppendError::Store(StoreError::Unavailable { what, source })) => {
            let mut errors = FormErrors::default();
            errors.push("sections", &super::unsaved_message(what, source.as_ref()));
            let window = crate::timescales::current(&state)
                .await
                .map(|(_, t)| t.note_window())
                .unwrap_or_else(|_| {
                    caseload_domain::timescales::Timescales::shipped().note_window()
                });
            super::render_unsaved(
                &note_form(&state, &viewer, &case, template, &fields, errors, window),
                what,
            )
        }
        Err(AppendError::Store(e)) => Err(e.into()),
    }
}

#[derive(Template)]
#[template(path = "amend_form.html")]
pub struct AmendForm {
    pub chrome: Chrome,
    pub case: Header,
    pub note: NoteView,
    pub errors: FormErrors,
    pub reason: String,
    pub sections: Vec<SectionField>,
    /// Amending another's note as a supervisor of the case's team.
    pub as_supervisor: bool,
}

/// The note read-only, for someone who may read it but not amend it.
#[derive(Template)]
#[template(path = "amend_refused.html")]
pub struct AmendRefused {
    pub chrome: Chrome,
    pub case: Header,
    pub note: NoteView,
    pub message: String,
}

/// Log the refused attempt and show the note read-only with the way on:
/// add a note of one's own (403).
async fn refuse_amendment(
    state: &AppState,
    viewer: &Viewer,
    case: &caseload_store::Case,
    note: &caseload_store::Note,
) -> Result<Response, PageError> {
    log_refused_amendment(state, &viewer.user, &viewer.request_id, note).await?;
    let mut message = amend_refusal(note);
    if let Some(first) = message.get(..1) {
        message = format!("{}{}.", first.to_uppercase(), &message[1..]);
    }
    let mut response = render(&AmendRefused {
        chrome: viewer.chrome("caseload"),
        case: header(case, state),
        note: note_view(note, state),
        message,
    })?;
    *response.status_mut() = axum::http::StatusCode::FORBIDDEN;
    Ok(response)
}

fn amend_form(
    state: &AppState,
    viewer: &Viewer,
    case: &caseload_store::Case,
    note: &caseload_store::Note,
    fields: Option<&Fields>,
    errors: FormErrors,
    capacity: AmendedAs,
) -> AmendForm {
    let template = NoteTemplate::find(&note.template).unwrap_or(&STAR);
    AmendForm {
        chrome: viewer.chrome("caseload"),
        case: header(case, state),
        note: note_view(note, state),
        errors,
        reason: fields
            .map(|f| f.get("reason").to_owned())
            .unwrap_or_default(),
        sections: template
            .sections
            .iter()
            .map(|(name, label)| SectionField {
                name,
                label,
                value: match fields {
                    Some(f) => f.get(&format!("section_{name}")).to_owned(),
                    None => note
                        .current_sections
                        .iter()
                        .find(|s| s.name == *name)
                        .map(|s| s.text.clone())
                        .unwrap_or_default(),
                },
            })
            .collect(),
        as_supervisor: capacity == AmendedAs::Supervisor,
    }
}

async fn reachable_note(
    state: &AppState,
    viewer: &Viewer,
    id: &str,
) -> Result<(caseload_store::Note, caseload_store::Case), PageError> {
    match visible_note_for(state, &viewer.user, id).await {
        Ok(found) => Ok(found),
        Err(NoteAccess::Missing) => Err(PageError::NotFound),
        Err(NoteAccess::Denied) => Err(viewer.denied(state, "note", id).await),
        Err(NoteAccess::Store(e)) => Err(e.into()),
    }
}

/// Handles `GET /notes/{id}/amend`.
pub async fn amend_page(
    State(state): State<AppState>,
    viewer: Viewer,
    Path(id): Path<String>,
) -> Result<Response, PageError> {
    let (note, case) = reachable_note(&state, &viewer, &id).await?;
    let Some(capacity) = capacity_to_amend(&viewer.user, &note, &case) else {
        return refuse_amendment(&state, &viewer, &case, &note).await;
    };
    render(&amend_form(
        &state,
        &viewer,
        &case,
        &note,
        None,
        FormErrors::default(),
        capacity,
    ))
}

/// Handles `POST /notes/{id}/amend`. Only sections whose text changed are
/// recorded in the amendment.
pub async fn amend(
    State(state): State<AppState>,
    Path(id): Path<String>,
    CsrfForm(viewer, fields): CsrfForm,
) -> Result<Response, PageError> {
    let (note, case) = reachable_note(&state, &viewer, &id).await?;
    let Some(capacity) = capacity_to_amend(&viewer.user, &note, &case) else {
        return refuse_amendment(&state, &viewer, &case, &note).await;
    };
    let template = NoteTemplate::find(&note.template).unwrap_or(&STAR);
    let changed: BTreeMap<String, String> = template
        .sections
        .iter()
        .filter_map(|(name, _)| {
            let new = fields.get(&format!("section_{name}"));
            let old = note
                .current_sections
                .iter()
                .find(|s| s.name == *name)
                .map(|s| s.text.as_str())
                .unwrap_or("");
            (new != old).then(|| ((*name).to_owned(), new.to_owned()))
        })
        .collect();
    let result = if changed.is_empty() {
        let mut e = caseload_domain::FieldErrors::new();
        if fields.get("reason").trim().is_empty() {
            e.push("reason", "is required");
        }
        e.push(
            "sections",
            "has not changed: edit the text you are correcting",
        );
        Err(Refused::Input(e))
    } else {
        crate::notes::amend(
            &state,
            &viewer.write_ctx(&state),
            &note,
            capacity,
            fields.get("reason"),
            &changed,
        )
        .await
    };
    match result {
        Ok(amendment) => Ok(see_saved(
            &format!("/cases/{}", case.id),
            "amendment",
            Some(amendment.id.as_str()),
            &format!("note-{}", note.id),
        )),
        Err(Refused::Input(errors)) => {
            let owned = labels(template);
            let mut borrowed: Vec<(&str, &str)> = owned
                .iter()
                .map(|(a, b)| (a.as_str(), b.as_str()))
                .collect();
            borrowed.push(("reason", "Reason for the amendment"));
            let errors = FormErrors::labelled(&errors, &borrowed);
            render_invalid(&amend_form(
                &state,
                &viewer,
                &case,
                &note,
                Some(&fields),
                errors,
                capacity,
            ))
        }
        Err(Refused::Missing(_)) => Err(PageError::NotFound),
        // Not saved, but not lost: the form again, with the corrections.
        Err(Refused::Store(StoreError::Unavailable { what, source })) => {
            let mut errors = FormErrors::default();
            errors.push("sections", &super::unsaved_message(what, source.as_ref()));
            super::render_unsaved(
                &amend_form(
                    &state,
                    &viewer,
                    &case,
                    &note,
                    Some(&fields),
                    errors,
                    capacity,
                ),
                what,
            )
        }
        Err(Refused::Store(e)) => Err(e.into()),
    }
}

/// This module's pages and forms, registered by `pages::router`.
pub fn router() -> axum::Router<crate::AppState> {
    use axum::routing::get;
    axum::Router::new()
        .route("/cases/{id}/notes/new", get(new_page).post(create))
        .route("/notes/{id}/amend", get(amend_page).post(amend))
}
