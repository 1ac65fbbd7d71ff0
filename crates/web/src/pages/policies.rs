//! Priority policies and the organisation's timescales, for administrators
//! (AG14 PC7, PC9, K14): see each file and its versions, edit it, and save it
//! as a new version — refused, with every problem and its place, if it does
//! not hang together.

use askama::Template;
use axum::extract::{Path, State};
use axum::response::Response;
use caseload_domain::priority::Policy;
use caseload_domain::users::Role;

use super::format::when;
use super::{Chrome, CsrfForm, PageError, Viewer, render, render_invalid, see_other};
use crate::AppState;

fn require_admin(viewer: &Viewer) -> Result<(), PageError> {
    if viewer.user.role == Role::Admin {
        Ok(())
    } else {
        Err(PageError::Forbidden)
    }
}

#[derive(Template)]
#[template(path = "admin_policies.html")]
pub struct PoliciesPage {
    pub chrome: Chrome,
    pub policies: Vec<(String, String, i64, String)>,
}

/// Handles `GET /admin/policies`.
pub async fn list(State(state): State<AppState>, viewer: Viewer) -> Result<Response, PageError> {
    require_admin(&viewer)?;
    let policies = state.store.list_policies().await?;
    render(&PoliciesPage {
        chrome: viewer.chrome("policies"),
        policies: policies
            .into_iter()
            .map(|p| {
                let areas = if p.service_areas.is_empty() {
                    "chosen per case".to_owned()
                } else {
                    p.service_areas.join(", ")
                };
                (p.policy_id, p.name, p.version, areas)
            })
            .collect(),
    })
}

#[derive(Template)]
#[template(path = "admin_policy.html")]
pub struct PolicyPage {
    pub chrome: Chrome,
    pub id: String,
    pub name: String,
    pub versions: Vec<(i64, String)>,
    pub body: String,
    pub problems: Vec<String>,
}

async fn policy_page(
    state: &AppState,
    viewer: &Viewer,
    id: &str,
    body: Option<String>,
    problems: Vec<String>,
) -> Result<PolicyPage, PageError> {
    let versions = state.store.policy_versions(id).await?;
    let latest = versions.last().ok_or(PageError::NotFound)?;
    Ok(PolicyPage {
        chrome: viewer.chrome("policies"),
        id: id.to_owned(),
        name: latest.name.clone(),
        body: body.unwrap_or_else(|| latest.body.clone()),
        versions: versions
            .iter()
            .rev()
            .map(|v| (v.version, when(v.created_at, &state.tz)))
            .collect(),
        problems,
    })
}

/// Handles `GET /admin/policies/{id}`.
pub async fn show(
    State(state): State<AppState>,
    viewer: Viewer,
    Path(id): Path<String>,
) -> Result<Response, PageError> {
    require_admin(&viewer)?;
    render(&policy_page(&state, &viewer, &id, None, Vec::new()).await?)
}

/// Handles `POST /admin/policies/{id}`: save the edited file as a new version.
pub async fn save(
    State(state): State<AppState>,
    Path(id): Path<String>,
    CsrfForm(viewer, fields): CsrfForm,
) -> Result<Response, PageError> {
    require_admin(&viewer)?;
    let body = fields.get("body").to_owned();
    let problems: Vec<String> = match Policy::parse(&body) {
        Ok(p) if p.id != id => vec![format!(
            "policy: the id is {:?}; this page edits {id:?} (import a new policy with `caseload policy import`)",
            p.id
        )],
        Ok(_) => Vec::new(),
        Err(problems) => problems.iter().map(|p| p.to_string()).collect(),
    };
    if !problems.is_empty() {
        return render_invalid(&policy_page(&state, &viewer, &id, Some(body), problems).await?);
    }
    match crate::priorities::import_policy(&state, &body, Some(&viewer.user.id)).await {
        Ok((saved, _)) => {
            viewer
                .audit(
                    &state,
                    "policy.save",
                    "policy",
                    Some(&format!("{}@{}", saved.policy_id, saved.version)),
                )
                .await?;
            Ok(see_other(&format!("/admin/policies/{id}")))
        }
        Err(e) => Err(PageError::Conflict(e.problem().detail)),
    }
}

#[derive(Template)]
#[template(path = "admin_timescales.html")]
pub struct TimescalesPage {
    pub chrome: Chrome,
    pub versions: Vec<(i64, String)>,
    pub body: String,
    pub problems: Vec<String>,
}

async fn timescales_page(
    state: &AppState,
    viewer: &Viewer,
    body: Option<String>,
    problems: Vec<String>,
) -> Result<TimescalesPage, PageError> {
    let versions = state.store.timescale_versions().await?;
    let body = body.unwrap_or_else(|| match versions.last() {
        Some(v) => v.body.clone(),
        None => caseload_domain::timescales::DEFAULT_TIMESCALES.to_owned(),
    });
    Ok(TimescalesPage {
        chrome: viewer.chrome("timescales"),
        versions: versions
            .iter()
            .rev()
            .map(|v| (v.version, when(v.created_at, &state.tz)))
            .collect(),
        body,
        problems,
    })
}

/// Handles `GET /admin/timescales`.
pub async fn timescales(
    State(state): State<AppState>,
    viewer: Viewer,
) -> Result<Response, PageError> {
    require_admin(&viewer)?;
    render(&timescales_page(&state, &viewer, None, Vec::new()).await?)
}

/// Handles `POST /admin/timescales`: save the edited file as a new version.
pub async fn save_timescales(
    State(state): State<AppState>,
    CsrfForm(viewer, fields): CsrfForm,
) -> Result<Response, PageError> {
    require_admin(&viewer)?;
    let body = fields.get("body").to_owned();
    if let Err(problems) = caseload_domain::timescales::Timescales::parse(&body) {
        let problems = problems.iter().map(|p| p.to_string()).collect();
        return render_invalid(&timescales_page(&state, &viewer, Some(body), problems).await?);
    }
    match crate::timescales::import(
        state.store.as_ref(),
        &body,
        Some(&viewer.user.id),
        state.clock.now(),
    )
    .await
    {
        Ok((saved, _)) => {
            viewer
                .audit(
                    &state,
                    "timescales.save",
                    "timescales",
                    Some(&saved.version.to_string()),
                )
                .await?;
            Ok(see_other("/admin/timescales"))
        }
        Err(e) => Err(PageError::Conflict(e.problem().detail)),
    }
}

/// This module's pages and forms, registered by `pages::router`.
pub fn router() -> axum::Router<crate::AppState> {
    use axum::routing::get;
    axum::Router::new()
        .route("/admin/timescales", get(timescales).post(save_timescales))
        .route("/admin/policies", get(list))
        .route("/admin/policies/{id}", get(show).post(save))
}
