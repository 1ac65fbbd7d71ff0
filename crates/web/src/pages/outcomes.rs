//! A case's required outcomes as pages (AG14 PC3): the new-outcome form
//! and progress toward an outcome.

use axum::extract::{Path, State};
use axum::response::Response;
use caseload_domain::records::OutcomeStatus;
use caseload_domain::text::FieldErrors;

use super::cases::{case_with_error, item_form, parse_date};
use super::{CsrfForm, Fields, FormErrors, PageError, Viewer, render, render_invalid, see_saved};
use crate::AppState;
use crate::problem::Refused;

/// Handles `GET /cases/{id}/outcomes/new`.
pub async fn outcome_page(
    State(state): State<AppState>,
    viewer: Viewer,
    Path(id): Path<String>,
) -> Result<Response, PageError> {
    let case = viewer.case(&state, &id).await?;
    render(
        &item_form(
            &state,
            &viewer,
            &case,
            "outcome",
            Fields::default(),
            FormErrors::default(),
        )
        .await?,
    )
}

/// Handles `POST /cases/{id}/outcomes/new`.
pub async fn add_outcome(
    State(state): State<AppState>,
    Path(id): Path<String>,
    CsrfForm(viewer, fields): CsrfForm,
) -> Result<Response, PageError> {
    let case = viewer.case(&state, &id).await?;
    let mut errors = FieldErrors::new();
    let target = parse_date("target_date", fields.get("target_date"), &mut errors);
    let added = if errors.is_empty() {
        crate::outcomes::add(
            &state,
            &viewer.write_ctx(&state),
            &case,
            fields.get("description"),
            target,
        )
        .await
    } else {
        // The date as typed is not a date: say what else is wrong too, but
        // save nothing.
        let rest = crate::outcomes::parse_outcome(&case.id, fields.get("description"), None);
        Err(Refused::Input(rest.err().unwrap_or_default()))
    };
    let outcome = match added {
        Ok(outcome) => outcome,
        Err(Refused::Input(e)) => {
            errors.0.extend(e.0);
            let labels = &[("description", "Outcome"), ("target_date", "Target date")];
            return render_invalid(
                &item_form(
                    &state,
                    &viewer,
                    &case,
                    "outcome",
                    fields,
                    FormErrors::labelled(&errors, labels),
                )
                .await?,
            );
        }
        Err(Refused::Missing(_)) => return Err(PageError::NotFound),
        Err(Refused::Store(e)) => return Err(e.into()),
    };
    Ok(see_saved(
        &format!("/cases/{}", case.id),
        "outcome",
        Some(outcome.id.as_str()),
        "outcomes",
    ))
}

/// Handles `POST /cases/{id}/outcomes/{outcome_id}/progress`.
pub async fn outcome_progress(
    State(state): State<AppState>,
    Path((id, outcome_id)): Path<(String, String)>,
    CsrfForm(viewer, fields): CsrfForm,
) -> Result<Response, PageError> {
    let case = viewer.case(&state, &id).await?;
    let Some(status) = OutcomeStatus::parse(fields.get("status")) else {
        // Only an outcome of this case may be asked about, even without a choice.
        let outcome = match crate::outcomes::on_case(&state, &case, &outcome_id).await {
            Ok(outcome) => outcome,
            Err(Refused::Store(e)) => return Err(e.into()),
            Err(_) => return Err(PageError::NotFound),
        };
        return case_with_error(
            &state,
            &viewer,
            &case,
            &format!("progress-{}", outcome.id),
            "Choose the outcome's status",
        )
        .await;
    };
    let recorded = crate::outcomes::progress(
        &state,
        &viewer.write_ctx(&state),
        &case,
        &outcome_id,
        status,
        fields.get("text"),
    )
    .await;
    match recorded {
        Ok(outcome) => Ok(see_saved(
            &format!("/cases/{}", case.id),
            "progress",
            Some(outcome.id.as_str()),
            "outcomes",
        )),
        Err(Refused::Missing(_)) => Err(PageError::NotFound),
        Err(Refused::Input(e)) => {
            let message = e.0.first().map(|e| e.message.as_str()).unwrap_or_default();
            case_with_error(
                &state,
                &viewer,
                &case,
                &format!("progress-{outcome_id}"),
                &format!("Progress {message}"),
            )
            .await
        }
        Err(Refused::Store(e)) => Err(e.into()),
    }
}

/// This module's pages and forms, registered by `pages::router`.
pub fn router() -> axum::Router<crate::AppState> {
    use axum::routing::{get, post};
    axum::Router::new()
        .route(
            "/cases/{id}/outcomes/new",
            get(outcome_page).post(add_outcome),
        )
        .route(
            "/cases/{id}/outcomes/{outcome_id}/progress",
            post(outcome_progress),
        )
}
