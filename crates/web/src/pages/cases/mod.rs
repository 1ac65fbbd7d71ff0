//! Cases as pages: the case header every case page shows, the new-case and
//! status forms, and the form shared by a case's outcomes, obstacles and
//! tasks (`super::{outcomes, obstacles, tasks}`). The case page itself is
//! `page`; notes as shown on it are `notes`.

use askama::Template;
use axum::extract::{Path, State};
use axum::response::Response;
use caseload_domain::cases::{CaseStatus, ClosureReason, Complexity, ServiceArea};
use caseload_domain::ids::UserId;
use caseload_domain::records::ObstacleCategory;
use caseload_domain::text::{FieldErrors, limits, single_line};
use caseload_store::{Case, NewCase, StoreError};
use jiff::civil::Date;

use super::format::when;
use super::{
    Chrome, CsrfForm, Fields, FormErrors, PageError, Viewer, render, render_invalid, see_other,
    see_saved,
};
use crate::AppState;
use crate::cases::{StatusError, StatusRequest};

mod history;
mod notes;
mod page;

pub use history::{HISTORY_KINDS, HistoryView};
pub use notes::{AmendmentView, NoteView, note_view, note_view_for};
pub use page::*;

pub struct Header {
    pub id: String,
    pub client_id: String,
    pub client: String,
    pub title: String,
    pub status: &'static str,
    pub status_code: &'static str,
    pub owner: String,
    pub area: &'static str,
    pub complexity: &'static str,
    pub opened: String,
    pub closed: String,
    pub closure: String,
    /// How to reach the client: set by the case page only.
    pub reach: Option<super::clients::ClientReach>,
}

pub fn header(case: &Case, state: &AppState) -> Header {
    Header {
        id: case.id.to_string(),
        client_id: case.client_id.to_string(),
        client: case.client_name.clone(),
        title: case.title.clone(),
        status: case.status.label(),
        status_code: case.status.as_str(),
        owner: case.owner_name.clone(),
        area: case.service_area.label(),
        complexity: case.complexity.label(),
        opened: case
            .opened_at
            .map(|t| when(t, &state.tz))
            .unwrap_or_else(|| "Not yet (referral)".into()),
        closed: case
            .closed_at
            .map(|t| when(t, &state.tz))
            .unwrap_or_default(),
        closure: match (&case.closure_reason, &case.closure_summary) {
            (Some(r), Some(s)) => format!("{}: {s}", r.label()),
            _ => String::new(),
        },
        reach: None,
    }
}

// ---- New case -------------------------------------------------------------

#[derive(Template)]
#[template(path = "case_form.html")]
pub struct CaseForm {
    pub chrome: Chrome,
    pub client_id: String,
    pub client_name: String,
    pub errors: FormErrors,
    pub title: String,
    pub area: String,
    pub complexity: String,
    pub status: String,
    pub owner: String,
    pub areas: Vec<(&'static str, &'static str)>,
    pub complexities: Vec<(&'static str, &'static str)>,
    pub owners: Vec<(String, String)>,
}

const CASE_LABELS: &[(&str, &str)] = &[
    ("title", "Case title"),
    ("service_area", "Service area"),
    ("complexity", "Complexity"),
    ("status", "Starting status"),
    ("owner_id", "Owner"),
];

async fn case_form(
    state: &AppState,
    viewer: &Viewer,
    client: &caseload_store::Client,
    fields: &Fields,
    errors: FormErrors,
) -> Result<CaseForm, PageError> {
    let owners = match &viewer.user.team_id {
        Some(team) => state
            .store
            .team_summary(team, state.today())
            .await?
            .into_iter()
            .map(|m| (m.user.id.to_string(), m.user.name))
            .collect(),
        None => vec![(viewer.user.id.to_string(), viewer.user.name.clone())],
    };
    Ok(CaseForm {
        chrome: viewer.chrome("caseload"),
        client_id: client.id.to_string(),
        client_name: client.name.clone(),
        errors,
        title: fields.get("title").to_owned(),
        area: fields.get("service_area").to_owned(),
        complexity: fields.opt("complexity").unwrap_or("medium").to_owned(),
        status: fields.opt("status").unwrap_or("open").to_owned(),
        owner: fields
            .opt("owner_id")
            .map(str::to_owned)
            .unwrap_or_else(|| viewer.user.id.to_string()),
        areas: ServiceArea::ALL
            .iter()
            .map(|a| (a.as_str(), a.label()))
            .collect(),
        complexities: Complexity::ALL
            .iter()
            .map(|c| (c.as_str(), c.label()))
            .collect(),
        owners,
    })
}

/// Handles `GET /clients/{id}/cases/new`.
pub async fn new_page(
    State(state): State<AppState>,
    viewer: Viewer,
    Path(id): Path<String>,
) -> Result<Response, PageError> {
    viewer.require_case_worker()?;
    let client = super::clients::visible_client(&state, &viewer, &id).await?;
    render(
        &case_form(
            &state,
            &viewer,
            &client,
            &Fields::default(),
            FormErrors::default(),
        )
        .await?,
    )
}

/// Handles `POST /clients/{id}/cases/new`.
pub async fn create(
    State(state): State<AppState>,
    Path(id): Path<String>,
    CsrfForm(viewer, fields): CsrfForm,
) -> Result<Response, PageError> {
    viewer.require_case_worker()?;
    let client = super::clients::visible_client(&state, &viewer, &id).await?;
    let mut errors = FieldErrors::new();
    let title = errors.take(single_line("title", fields.get("title"), limits::TITLE));
    let area = ServiceArea::parse(fields.get("service_area"));
    if area.is_none() {
        errors.push("service_area", "must be chosen");
    }
    let complexity = Complexity::parse(fields.get("complexity"));
    if complexity.is_none() {
        errors.push("complexity", "must be chosen");
    }
    let status = match fields.get("status") {
        "referral" => Some(CaseStatus::Referral),
        "open" | "" => Some(CaseStatus::Open),
        _ => {
            errors.push("status", "must be referral or open");
            None
        }
    };
    let owner = match UserId::parse(fields.get("owner_id")) {
        None => {
            errors.push("owner_id", "must be someone in your team");
            None
        }
        Some(id) => match state.store.get_user(&id).await {
            Ok(u)
                if u.active
                    && u.role.works_cases()
                    && viewer.user.actor().can_assign_to(&u.id, u.team_id.as_ref()) =>
            {
                Some(u)
            }
            Ok(_) | Err(StoreError::NotFound(_)) => {
                errors.push(
                    "owner_id",
                    "must be an active practitioner or supervisor in your team",
                );
                None
            }
            Err(e) => return Err(e.into()),
        },
    };
    let (Some(title), Some(area), Some(complexity), Some(status), Some(owner)) =
        (title, area, complexity, status, owner)
    else {
        let errors = FormErrors::labelled(&errors, CASE_LABELS);
        return render_invalid(&case_form(&state, &viewer, &client, &fields, errors).await?);
    };
    let Some(team_id) = owner.team_id.clone() else {
        return Err(PageError::Forbidden);
    };
    let new = NewCase {
        client_id: client.id,
        title,
        service_area: area,
        complexity,
        owner_id: owner.id,
        team_id,
        status,
    };
    let case = state
        .store
        .create_case(&new, &viewer.write_ctx(&state))
        .await?;
    Ok(see_other(&format!("/cases/{}", case.id)))
}

// ---- Status -----------------------------------------------------------------

#[derive(Template)]
#[template(path = "status_form.html")]
pub struct StatusForm {
    pub chrome: Chrome,
    pub case: Header,
    pub errors: FormErrors,
    pub choices: Vec<(&'static str, &'static str)>,
    pub chosen: String,
    pub reason: String,
    pub closure_reasons: Vec<(&'static str, &'static str)>,
    pub closure_reason: String,
    pub closure_summary: String,
}

const STATUS_LABELS: &[(&str, &str)] = &[
    ("status", "New status"),
    ("reason", "Reason"),
    ("closure_reason", "Closure reason"),
    ("closure_summary", "Closure summary"),
];

fn status_form(
    state: &AppState,
    viewer: &Viewer,
    case: &Case,
    fields: &Fields,
    errors: FormErrors,
) -> StatusForm {
    StatusForm {
        chrome: viewer.chrome("caseload"),
        case: header(case, state),
        errors,
        choices: case
            .status
            .next()
            .iter()
            .map(|s| (s.as_str(), s.label()))
            .collect(),
        chosen: fields.get("status").to_owned(),
        reason: fields.get("reason").to_owned(),
        closure_reasons: ClosureReason::ALL
            .iter()
            .map(|r| (r.as_str(), r.label()))
            .collect(),
        closure_reason: fields.get("closure_reason").to_owned(),
        closure_summary: fields.get("closure_summary").to_owned(),
    }
}

/// Handles `GET /cases/{id}/status`.
pub async fn status_page(
    State(state): State<AppState>,
    viewer: Viewer,
    Path(id): Path<String>,
) -> Result<Response, PageError> {
    let case = viewer.case(&state, &id).await?;
    render(&status_form(
        &state,
        &viewer,
        &case,
        &Fields::default(),
        FormErrors::default(),
    ))
}

/// Handles `POST /cases/{id}/status`.
pub async fn change_status(
    State(state): State<AppState>,
    Path(id): Path<String>,
    CsrfForm(viewer, fields): CsrfForm,
) -> Result<Response, PageError> {
    let case = viewer.case(&state, &id).await?;
    let Some(status) = CaseStatus::parse(fields.get("status")) else {
        let errors = FormErrors::labelled(
            &FieldErrors::single("status", "must be chosen"),
            STATUS_LABELS,
        );
        return render_invalid(&status_form(&state, &viewer, &case, &fields, errors));
    };
    let body = StatusRequest {
        status,
        reason: fields.opt("reason"),
        closure_reason: fields.opt("closure_reason").and_then(ClosureReason::parse),
        closure_summary: fields.opt("closure_summary"),
    };
    match crate::cases::change_status(&state, &viewer.write_ctx(&state), &case, &body).await {
        Ok(_) => {}
        Err(StatusError::Invalid(errors)) => {
            return render_invalid(&status_form(
                &state,
                &viewer,
                &case,
                &fields,
                FormErrors::labelled(&errors, STATUS_LABELS),
            ));
        }
        Err(StatusError::NotAllowed(message)) => {
            let message = crate::problem::ApiError::Conflict(message).problem().detail;
            let errors =
                FormErrors::labelled(&FieldErrors::single("status", message), &[("status", "")]);
            return render_invalid(&status_form(&state, &viewer, &case, &fields, errors));
        }
        Err(StatusError::Store(e)) => return Err(e.into()),
    }
    Ok(see_saved(
        &format!("/cases/{}", case.id),
        "status",
        None,
        "",
    ))
}

// ---- Outcomes, obstacles, tasks ---------------------------------------------

#[derive(Template)]
#[template(path = "item_form.html")]
pub struct ItemForm {
    pub chrome: Chrome,
    pub case: Header,
    pub errors: FormErrors,
    pub kind: &'static str,
    pub fields: Fields,
    pub categories: Vec<(&'static str, &'static str)>,
    pub assignees: Vec<(String, String)>,
}

pub(super) async fn item_form(
    state: &AppState,
    viewer: &Viewer,
    case: &Case,
    kind: &'static str,
    fields: Fields,
    errors: FormErrors,
) -> Result<ItemForm, PageError> {
    let assignees = if kind == "task" {
        state
            .store
            .team_summary(&case.team_id, state.today())
            .await?
            .into_iter()
            .map(|m| (m.user.id.to_string(), m.user.name))
            .collect()
    } else {
        Vec::new()
    };
    Ok(ItemForm {
        chrome: viewer.chrome("caseload"),
        case: header(case, state),
        errors,
        kind,
        fields,
        categories: ObstacleCategory::ALL
            .iter()
            .map(|c| (c.as_str(), c.label()))
            .collect(),
        assignees,
    })
}

pub(super) fn parse_date(field: &str, value: &str, errors: &mut FieldErrors) -> Option<Date> {
    if value.trim().is_empty() {
        return None;
    }
    match value.trim().parse::<Date>() {
        Ok(d) if (2000..=2200).contains(&d.year()) => Some(d),
        _ => {
            errors.push(field, "must be a real date, like 2026-03-31");
            None
        }
    }
}

/// This module's pages and forms, registered by `pages::router`.
pub fn router() -> axum::Router<crate::AppState> {
    use axum::routing::get;
    axum::Router::new()
        .route("/clients/{id}/cases/new", get(new_page).post(create))
        .route("/cases/{id}", get(show))
        .route("/cases/{id}/status", get(status_page).post(change_status))
}
