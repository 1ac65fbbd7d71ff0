//! Clients: the people being helped.

use axum::Json;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use caseload_domain::ids::{ClientId, TeamId};
use caseload_domain::text::{Email, FieldErrors, limits, optional_single_line, single_line};
use caseload_store::{Client, NewClient};
use jiff::civil::Date;
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};

use super::{ApiQuery, page};
use crate::AppState;
use crate::auth::Caller;
use crate::extract::ApiJson;
use crate::problem::ApiError;

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct NewClientBody {
    /// The client's name as they wish it written.
    pub name: String,
    #[schema(value_type = Option<String>, format = Date, example = "1990-05-17")]
    pub date_of_birth: Option<Date>,
    pub phone: Option<String>,
    pub email: Option<String>,
    pub address: Option<String>,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct ClientList {
    pub items: Vec<Client>,
    /// Pass as `cursor` to get the next page; absent on the last page.
    pub next_cursor: Option<String>,
}

#[derive(Debug, Deserialize, IntoParams)]
#[serde(deny_unknown_fields)]
pub struct ListParams {
    /// 1–200, default 50.
    pub limit: Option<u32>,
    pub cursor: Option<String>,
}

/// Validate a new client's details; shared with the pages.
pub fn parse_new_client(
    body: &NewClientBody,
    team_id: TeamId,
    today: Date,
) -> Result<NewClient, FieldErrors> {
    let mut errors = FieldErrors::new();
    let name = errors.take(single_line("name", &body.name, limits::NAME));
    if let Some(dob) = body.date_of_birth {
        if dob > today {
            errors.push("date_of_birth", "cannot be in the future");
        } else if dob.year() < 1900 {
            errors.push("date_of_birth", "must be after 1900");
        }
    }
    let phone = errors
        .take(optional_single_line("phone", body.phone.as_deref(), 40))
        .flatten();
    let email = match body.email.as_deref().filter(|e| !e.trim().is_empty()) {
        Some(e) => errors
            .take(Email::parse("email", e))
            .map(|e| e.into_string()),
        None => None,
    };
    let address = errors
        .take(optional_single_line(
            "address",
            body.address.as_deref(),
            limits::SHORT,
        ))
        .flatten();
    errors.into_result()?;
    Ok(NewClient {
        name: name.unwrap_or_default(),
        date_of_birth: body.date_of_birth,
        phone,
        email,
        address,
        team_id,
    })
}

/// Handles `POST /api/v1/clients`: record a new client in the caller's team.
#[utoipa::path(post, path = "/api/v1/clients", tag = "clients", request_body = NewClientBody,
    responses((status = 201, body = Client)))]
pub async fn create(
    State(state): State<AppState>,
    caller: Caller,
    ApiJson(body): ApiJson<NewClientBody>,
) -> Result<(StatusCode, Json<Client>), ApiError> {
    caller.case_scope()?;
    let Some(team_id) = caller.user.team_id.clone() else {
        return Err(ApiError::Forbidden(
            "you are not in a team, so there is nowhere to record a client".into(),
        ));
    };
    let today = state.clock.now().to_zoned(jiff::tz::TimeZone::UTC).date();
    let new = parse_new_client(&body, team_id, today)?;
    let client = state
        .store
        .create_client(&new, &caller.write_ctx(&state))
        .await?;
    Ok((StatusCode::CREATED, Json(client)))
}

/// Handles `GET /api/v1/clients`: the clients of the caller's team.
#[utoipa::path(get, path = "/api/v1/clients", tag = "clients", params(ListParams),
    responses((status = 200, body = ClientList)))]
pub async fn list(
    State(state): State<AppState>,
    caller: Caller,
    ApiQuery(params): ApiQuery<ListParams>,
) -> Result<Json<ClientList>, ApiError> {
    let scope = caller.case_scope()?;
    let page = page(params.limit, params.cursor)?;
    let items = state.store.list_clients(&scope, &page).await?;
    caller.audit(&state, "client.list", "client", None).await?;
    let next_cursor = (items.len() == page.limit as usize)
        .then(|| items.last().map(|c| c.id.to_string()))
        .flatten();
    Ok(Json(ClientList { items, next_cursor }))
}

/// May this caller see this client? Their team's clients, and those they recorded.
pub async fn visible_client(
    state: &AppState,
    caller: &Caller,
    id: &str,
) -> Result<Client, ApiError> {
    caller.case_scope()?;
    let client_id = ClientId::parse(id).ok_or_else(|| ApiError::not_found("client"))?;
    let client = state.store.get_client(&client_id).await?;
    let user = &caller.user;
    if user.team_id.as_ref() != Some(&client.team_id) && user.id != client.created_by {
        return Err(caller.denied(state, "client", id).await);
    }
    Ok(client)
}

/// Handles `GET /api/v1/clients/{id}`.
#[utoipa::path(get, path = "/api/v1/clients/{id}", tag = "clients", params(("id" = String, Path)),
    responses((status = 200, body = Client)))]
pub async fn show(
    State(state): State<AppState>,
    caller: Caller,
    Path(id): Path<String>,
) -> Result<Json<Client>, ApiError> {
    let client = visible_client(&state, &caller, &id).await?;
    caller
        .audit(&state, "client.read", "client", Some(client.id.as_str()))
        .await?;
    Ok(Json(client))
}
