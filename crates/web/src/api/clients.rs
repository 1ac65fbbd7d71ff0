//! Clients: the people being helped. Recording, finding (by folded name
//! words and date of birth, in name order), editing (with a kept history of
//! every change) and reading them.

use axum::Json;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use caseload_domain::ids::ClientId;
use caseload_store::{Client, ClientChange, ClientListing};
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};

use super::ApiQuery;
use crate::AppState;
use crate::auth::Caller;
use crate::clients::parse_client_query;
use crate::extract::ApiJson;
use crate::problem::ApiError;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

// The bodies are the operations' input, which the forms fill in too.
pub use crate::clients::{AccessNeedsPatch, ClientPatch, ContactPatch, NewClientBody, holds};

#[derive(Debug, Serialize, ToSchema)]
pub struct ClientList {
    /// Clients in name order, each with their open cases.
    pub items: Vec<ClientListing>,
    /// Pass as `cursor` to get the next page; absent on the last page.
    pub next_cursor: Option<String>,
}

#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
#[serde(deny_unknown_fields)]
pub struct ListParams {
    /// Words of the name, each matched to the start of a word of the name,
    /// ignoring case and accents ("lukasz now" finds "Łukasz Nowak").
    #[param(nullable = false)]
    pub q: Option<String>,
    /// `YYYY-MM-DD`.
    #[param(nullable = false)]
    pub date_of_birth: Option<String>,
    /// 1–200, default 50.
    #[param(nullable = false, minimum = 1, maximum = 200)]
    pub limit: Option<u32>,
    /// The `next_cursor` of the previous page.
    #[param(nullable = false)]
    pub cursor: Option<String>,
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
    // The API bounds a date of birth by today in UTC, the pages by today
    // in the organisation's time zone (as they always have).
    let client =
        crate::clients::create(&state, &caller.write_ctx(&state), &body, team_id, today).await?;
    Ok((StatusCode::CREATED, Json(client)))
}

/// Handles `GET /api/v1/clients`: the clients of the caller's team (and
/// those they recorded) in name order, found by name and date of birth.
#[utoipa::path(get, path = "/api/v1/clients", tag = "clients", params(ListParams),
    responses((status = 200, body = ClientList)))]
pub async fn list(
    State(state): State<AppState>,
    caller: Caller,
    ApiQuery(params): ApiQuery<ListParams>,
) -> Result<Json<ClientList>, ApiError> {
    let scope = caller.case_scope()?;
    let query = parse_client_query(
        params.q.as_deref(),
        params.date_of_birth.as_deref(),
        params.limit,
        params.cursor.as_deref(),
    )?;
    let items = state.store.search_clients(&scope, &query).await?;
    caller.audit(&state, "client.list", "client", None).await?;
    let next_cursor = (items.len() == query.limit as usize)
        .then(|| items.last().map(|c| c.client.id.to_string()))
        .flatten();
    Ok(Json(ClientList { items, next_cursor }))
}

/// Handles `PATCH /api/v1/clients/{id}`: change a client's details. Only the
/// fields sent change; each change is kept in the client's history.
#[utoipa::path(patch, path = "/api/v1/clients/{id}", tag = "clients", params(("id" = String, Path)),
    request_body = ClientPatch, responses((status = 200, body = Client)))]
pub async fn update(
    State(state): State<AppState>,
    caller: Caller,
    Path(id): Path<String>,
    ApiJson(patch): ApiJson<ClientPatch>,
) -> Result<Json<Client>, ApiError> {
    let client = visible_client(&state, &caller, &id).await?;
    if !holds(&caller.user, &client) {
        return Err(caller.denied(&state, "client", &id).await);
    }
    let client = crate::clients::update(
        &state,
        &caller.write_ctx(&state),
        &client,
        &patch,
        state.today(),
    )
    .await?;
    Ok(Json(client))
}

#[derive(Debug, Serialize, ToSchema)]
pub struct ClientHistory {
    /// One entry per changed field, oldest first.
    pub items: Vec<ClientChange>,
}

/// Handles `GET /api/v1/clients/{id}/history`: who changed what, when, with
/// the old and new value of each field.
#[utoipa::path(get, path = "/api/v1/clients/{id}/history", tag = "clients", params(("id" = String, Path)),
    responses((status = 200, body = ClientHistory)))]
pub async fn history(
    State(state): State<AppState>,
    caller: Caller,
    Path(id): Path<String>,
) -> Result<Json<ClientHistory>, ApiError> {
    let client = visible_client(&state, &caller, &id).await?;
    let items = state.store.client_history(&client.id).await?;
    caller
        .audit(
            &state,
            "client.history.read",
            "client",
            Some(client.id.as_str()),
        )
        .await?;
    Ok(Json(ClientHistory { items }))
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

/// This module's routes, each with its OpenAPI entry.
pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(create, list))
        .routes(routes!(show, update))
        .routes(routes!(history))
}
