//! A case's obstacles as pages: the new-obstacle form and resolving one.

use axum::extract::{Path, State};
use axum::response::Response;
use caseload_domain::records::ObstacleCategory;
use caseload_store::StoreError;

use super::cases::{case_with_error, item_form};
use super::{
    CsrfForm, Fields, FormErrors, PageError, Viewer, render, render_invalid, see_other, see_saved,
};
use crate::AppState;
use crate::problem::Refused;

/// Handles `GET /cases/{id}/obstacles/new`.
pub async fn obstacle_page(
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
            "obstacle",
            Fields::default(),
            FormErrors::default(),
        )
        .await?,
    )
}

/// Handles `POST /cases/{id}/obstacles/new`.
pub async fn add_obstacle(
    State(state): State<AppState>,
    Path(id): Path<String>,
    CsrfForm(viewer, fields): CsrfForm,
) -> Result<Response, PageError> {
    let case = viewer.case(&state, &id).await?;
    let added = crate::obstacles::add(
        &state,
        &viewer.write_ctx(&state),
        &case,
        ObstacleCategory::parse(fields.get("category")),
        fields.get("description"),
    )
    .await;
    let obstacle = match added {
        Ok(obstacle) => obstacle,
        Err(Refused::Input(errors)) => {
            let labels = &[("category", "Category"), ("description", "Description")];
            return render_invalid(
                &item_form(
                    &state,
                    &viewer,
                    &case,
                    "obstacle",
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
        "obstacle",
        Some(obstacle.id.as_str()),
        "obstacles",
    ))
}

/// Handles `POST /cases/{id}/obstacles/{obstacle_id}/resolve`.
pub async fn resolve_obstacle(
    State(state): State<AppState>,
    Path((id, obstacle_id)): Path<(String, String)>,
    CsrfForm(viewer, fields): CsrfForm,
) -> Result<Response, PageError> {
    let case = viewer.case(&state, &id).await?;
    let resolved = crate::obstacles::resolve(
        &state,
        &viewer.write_ctx(&state),
        &case,
        &obstacle_id,
        fields.get("resolution"),
    )
    .await;
    match resolved {
        Ok(_) => Ok(see_saved(
            &format!("/cases/{}", case.id),
            "resolved",
            Some(&obstacle_id),
            "obstacles",
        )),
        Err(Refused::Missing(_)) => Err(PageError::NotFound),
        Err(Refused::Input(e)) => {
            let message = e.0.first().map(|e| e.message.as_str()).unwrap_or_default();
            case_with_error(
                &state,
                &viewer,
                &case,
                &format!("resolve-{obstacle_id}"),
                &format!("How it was resolved {message}"),
            )
            .await
        }
        Err(Refused::Store(StoreError::Conflict(_))) => {
            Ok(see_other(&format!("/cases/{}#obstacles", case.id)))
        }
        Err(Refused::Store(e)) => Err(e.into()),
    }
}

/// This module's pages and forms, registered by `pages::router`.
pub fn router() -> axum::Router<crate::AppState> {
    use axum::routing::{get, post};
    axum::Router::new()
        .route(
            "/cases/{id}/obstacles/new",
            get(obstacle_page).post(add_obstacle),
        )
        .route(
            "/cases/{id}/obstacles/{obstacle_id}/resolve",
            post(resolve_obstacle),
        )
}
