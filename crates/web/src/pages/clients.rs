//! Clients: the team's list, one client with their cases, and recording a
//! new client.

use askama::Template;
use axum::extract::{Path, State};
use axum::response::Response;
use caseload_domain::ids::ClientId;
use caseload_store::{CaseFilter, Client, Page, Scope};

use super::format::{day, when};
use super::{
    Chrome, CsrfForm, Fields, FormErrors, PageError, Viewer, render, render_invalid, see_other,
};
use crate::AppState;
use crate::api::clients::{NewClientBody, parse_new_client};

/// A client this viewer may see (their team's, or one they recorded), or 404.
pub async fn visible_client(
    state: &AppState,
    viewer: &Viewer,
    id: &str,
) -> Result<Client, PageError> {
    viewer.require_case_worker()?;
    let client_id = ClientId::parse(id).ok_or(PageError::NotFound)?;
    let client = state.store.get_client(&client_id).await?;
    if viewer.user.team_id.as_ref() != Some(&client.team_id) && viewer.user.id != client.created_by
    {
        return Err(viewer.denied(state, "client", id).await);
    }
    Ok(client)
}

#[derive(Template)]
#[template(path = "clients.html")]
pub struct ClientsPage {
    pub chrome: Chrome,
    pub clients: Vec<(String, String, String)>,
    pub more: bool,
}

/// Handles `GET /clients`.
pub async fn list(State(state): State<AppState>, viewer: Viewer) -> Result<Response, PageError> {
    viewer.require_case_worker()?;
    let scope = Scope {
        user: viewer.user.id.clone(),
        team: viewer.user.team_id.clone(),
    };
    let clients = state
        .store
        .list_clients(
            &scope,
            &Page {
                limit: 200,
                after: None,
            },
        )
        .await?;
    viewer.audit(&state, "client.list", "client", None).await?;
    let mut rows: Vec<(String, String, String)> = clients
        .iter()
        .map(|c| {
            (
                c.id.to_string(),
                c.name.clone(),
                c.date_of_birth.map(day).unwrap_or_default(),
            )
        })
        .collect();
    rows.sort_by_key(|r| r.1.to_lowercase());
    render(&ClientsPage {
        chrome: viewer.chrome("clients"),
        more: clients.len() == 200,
        clients: rows,
    })
}

#[derive(Template)]
#[template(path = "client.html")]
pub struct ClientPage {
    pub chrome: Chrome,
    pub id: String,
    pub name: String,
    pub date_of_birth: String,
    pub phone: String,
    pub email: String,
    pub address: String,
    pub recorded: String,
    pub cases: Vec<(String, String, &'static str, &'static str)>,
}

/// Handles `GET /clients/{id}`.
pub async fn show(
    State(state): State<AppState>,
    viewer: Viewer,
    Path(id): Path<String>,
) -> Result<Response, PageError> {
    let client = visible_client(&state, &viewer, &id).await?;
    let scope = Scope {
        user: viewer.user.id.clone(),
        team: viewer.user.team_id.clone(),
    };
    let filter = CaseFilter {
        client: Some(client.id.clone()),
        ..Default::default()
    };
    let cases = state
        .store
        .list_cases(
            &filter,
            &scope,
            &Page {
                limit: 200,
                after: None,
            },
        )
        .await?;
    viewer
        .audit(&state, "client.read", "client", Some(client.id.as_str()))
        .await?;
    render(&ClientPage {
        chrome: viewer.chrome("clients"),
        id: client.id.to_string(),
        name: client.name.clone(),
        date_of_birth: client.date_of_birth.map(day).unwrap_or_default(),
        phone: client.phone.clone().unwrap_or_default(),
        email: client.email.clone().unwrap_or_default(),
        address: client.address.clone().unwrap_or_default(),
        recorded: when(client.created_at, &state.tz),
        cases: cases.iter().map(super::cases::client_case_line).collect(),
    })
}

#[derive(Template)]
#[template(path = "client_form.html")]
pub struct ClientForm {
    pub chrome: Chrome,
    pub errors: FormErrors,
    pub fields: Fields,
}

/// Handles `GET /clients/new`.
pub async fn new_page(viewer: Viewer) -> Result<Response, PageError> {
    viewer.require_case_worker()?;
    render(&ClientForm {
        chrome: viewer.chrome("clients"),
        errors: FormErrors::default(),
        fields: Fields::default(),
    })
}

/// Handles `POST /clients/new`.
pub async fn create(
    State(state): State<AppState>,
    CsrfForm(viewer, fields): CsrfForm,
) -> Result<Response, PageError> {
    viewer.require_case_worker()?;
    let Some(team_id) = viewer.user.team_id.clone() else {
        return Err(PageError::Forbidden);
    };
    let mut errors = caseload_domain::FieldErrors::new();
    let date_of_birth = match fields.opt("date_of_birth") {
        None => None,
        Some(v) => match v.trim().parse::<jiff::civil::Date>() {
            Ok(d) => Some(d),
            Err(_) => {
                errors.push("date_of_birth", "must be a real date, like 1990-05-17");
                None
            }
        },
    };
    let body = NewClientBody {
        name: fields.get("name").to_owned(),
        date_of_birth,
        phone: fields.opt("phone").map(str::to_owned),
        email: fields.opt("email").map(str::to_owned),
        address: fields.opt("address").map(str::to_owned),
    };
    let parsed = parse_new_client(&body, team_id, state.today());
    let new = match parsed {
        Ok(n) if errors.is_empty() => n,
        other => {
            if let Err(e) = other {
                errors.0.extend(e.0);
            }
            let labels = &[
                ("name", "Name"),
                ("date_of_birth", "Date of birth"),
                ("phone", "Phone"),
                ("email", "Email"),
                ("address", "Address"),
            ];
            return render_invalid(&ClientForm {
                chrome: viewer.chrome("clients"),
                errors: FormErrors::labelled(&errors, labels),
                fields,
            });
        }
    };
    let client = state
        .store
        .create_client(&new, &viewer.write_ctx(&state))
        .await?;
    Ok(see_other(&format!("/clients/{}", client.id)))
}
