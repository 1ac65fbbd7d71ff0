//! Clients: the people being helped. Recording, finding (by folded name
//! words and date of birth, in name order), editing (with a kept history of
//! every change) and reading them.

use axum::Json;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use caseload_domain::clients::search_words;
use caseload_domain::ids::{ClientId, TeamId};
use caseload_domain::text::{
    Email, FieldError, FieldErrors, limits, optional_single_line, prose, single_line,
};
use caseload_store::{Client, ClientChange, ClientEdit, ClientListing, ClientQuery, NewClient};
use jiff::civil::Date;
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};

use super::ApiQuery;
use crate::AppState;
use crate::auth::Caller;
use crate::extract::ApiJson;
use crate::problem::ApiError;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct NewClientBody {
    /// The client's name as they wish it written.
    #[schema(schema_with = crate::api::text::line::<{ limits::NAME }>)]
    pub name: String,
    #[schema(value_type = Option<String>, format = Date, example = "1990-05-17")]
    pub date_of_birth: Option<Date>,
    #[schema(schema_with = crate::api::text::optional_line::<40>)]
    pub phone: Option<String>,
    #[schema(schema_with = crate::api::text::optional_email)]
    pub email: Option<String>,
    #[schema(schema_with = crate::api::text::optional_line::<{ limits::SHORT }>)]
    pub address: Option<String>,
    /// How and when it is safe to contact them (optional).
    #[serde(default, deserialize_with = "crate::extract::object")]
    #[schema(inline)]
    pub contact: ContactPatch,
    /// What they need to take part (optional).
    #[serde(default, deserialize_with = "crate::extract::object")]
    #[schema(inline)]
    pub access_needs: AccessNeedsPatch,
}

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

/// Present (even as `null`) or absent: `Some(None)` is an explicit `null`.
fn present<'de, D, T>(d: D) -> Result<Option<Option<T>>, D::Error>
where
    D: serde::Deserializer<'de>,
    T: Deserialize<'de>,
{
    Option::<T>::deserialize(d).map(Some)
}

/// A change to a client's details: only the fields sent change; `null`
/// clears a field.
#[derive(Debug, Default, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ClientPatch {
    #[serde(default, deserialize_with = "present")]
    #[schema(schema_with = crate::api::text::line::<{ limits::NAME }>)]
    pub name: Option<Option<String>>,
    #[serde(default, deserialize_with = "present")]
    #[schema(value_type = Option<String>, format = Date, example = "1990-05-17")]
    pub date_of_birth: Option<Option<Date>>,
    #[serde(default, deserialize_with = "present")]
    #[schema(schema_with = crate::api::text::optional_line::<40>)]
    pub phone: Option<Option<String>>,
    #[serde(default, deserialize_with = "present")]
    #[schema(schema_with = crate::api::text::optional_email)]
    pub email: Option<Option<String>>,
    #[serde(default, deserialize_with = "present")]
    #[schema(schema_with = crate::api::text::optional_line::<{ limits::SHORT }>)]
    pub address: Option<Option<String>>,
    #[serde(default, deserialize_with = "crate::extract::object")]
    #[schema(inline)]
    pub contact: ContactPatch,
    #[serde(default, deserialize_with = "crate::extract::object")]
    #[schema(inline)]
    pub access_needs: AccessNeedsPatch,
}

/// How and when it is safe to contact the client. Each way is `true`
/// (safe), `false` (not safe) or `null` (not asked yet).
#[derive(Debug, Clone, Default, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ContactPatch {
    #[serde(default, deserialize_with = "present")]
    #[schema(value_type = Option<bool>)]
    pub phone: Option<Option<bool>>,
    #[serde(default, deserialize_with = "present")]
    #[schema(value_type = Option<bool>)]
    pub text: Option<Option<bool>>,
    #[serde(default, deserialize_with = "present")]
    #[schema(value_type = Option<bool>)]
    pub email: Option<Option<bool>>,
    #[serde(default, deserialize_with = "present")]
    #[schema(value_type = Option<bool>)]
    pub letter: Option<Option<bool>>,
    #[serde(default, deserialize_with = "present")]
    #[schema(value_type = Option<bool>)]
    pub in_person: Option<Option<bool>>,
    /// When it is safe, e.g. "weekdays after 3pm".
    #[serde(default, deserialize_with = "present")]
    #[schema(schema_with = crate::api::text::optional_line::<{ limits::SHORT }>)]
    pub times: Option<Option<String>>,
    /// A safe address, or e.g. "do not write to home address".
    #[serde(default, deserialize_with = "present")]
    #[schema(schema_with = crate::api::text::optional_line::<{ limits::SHORT }>)]
    pub safe_address: Option<Option<String>>,
}

/// What the client needs to take part.
#[derive(Debug, Clone, Default, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct AccessNeedsPatch {
    pub interpreter: Option<bool>,
    /// Required when `interpreter` is true.
    #[serde(default, deserialize_with = "present")]
    #[schema(schema_with = crate::api::text::optional_line::<80>)]
    pub interpreter_language: Option<Option<String>>,
    /// Disability or other adjustments.
    #[serde(default, deserialize_with = "present")]
    #[schema(schema_with = crate::api::text::optional_prose::<{ limits::REASON }>)]
    pub adjustments: Option<Option<String>>,
}

fn date_of_birth_error(dob: Date, today: Date) -> Option<&'static str> {
    if dob > today {
        Some("cannot be in the future")
    } else if dob.year() < 1900 {
        Some("must be after 1900")
    } else {
        None
    }
}

/// An optional single line sent in a patch: `null` or blank clears it.
fn patch_line(
    errors: &mut FieldErrors,
    field: &str,
    value: &Option<Option<String>>,
    max: usize,
) -> Option<Option<String>> {
    match value {
        None => None,
        Some(v) => errors.take(optional_single_line(field, v.as_deref(), max)),
    }
}

/// The contact preferences and access needs of a patch or a new client.
fn parse_needs(
    errors: &mut FieldErrors,
    edit: &mut ClientEdit,
    contact: &ContactPatch,
    access: &AccessNeedsPatch,
) {
    edit.contact_phone = contact.phone;
    edit.contact_text = contact.text;
    edit.contact_email = contact.email;
    edit.contact_letter = contact.letter;
    edit.contact_in_person = contact.in_person;
    edit.contact_times = patch_line(errors, "contact.times", &contact.times, limits::SHORT);
    edit.safe_address = patch_line(
        errors,
        "contact.safe_address",
        &contact.safe_address,
        limits::SHORT,
    );
    edit.interpreter = access.interpreter;
    edit.interpreter_language = patch_line(
        errors,
        "access_needs.interpreter_language",
        &access.interpreter_language,
        80,
    );
    edit.adjustments = match &access.adjustments {
        None => None,
        Some(None) => Some(None),
        Some(Some(v)) if v.trim().is_empty() => Some(None),
        Some(Some(v)) => errors
            .take(prose("access_needs.adjustments", v, limits::REASON))
            .map(Some),
    };
}

/// An interpreter needs a language: checked on the client as it would be.
fn check_needs(errors: &mut FieldErrors, access: &caseload_domain::clients::AccessNeeds) {
    if access.interpreter && access.interpreter_language.is_none() {
        errors.push(
            "access_needs.interpreter_language",
            "is required when an interpreter is needed",
        );
    }
}

/// Validate a change to `current`; shared with the edit page.
pub fn parse_client_edit(
    patch: &ClientPatch,
    current: &Client,
    today: Date,
) -> Result<ClientEdit, FieldErrors> {
    let mut errors = FieldErrors::new();
    let mut edit = ClientEdit {
        name: match &patch.name {
            None => None,
            Some(None) => {
                errors.push("name", "is required");
                None
            }
            Some(Some(n)) => errors.take(single_line("name", n, limits::NAME)),
        },
        date_of_birth: patch.date_of_birth,
        ..Default::default()
    };
    if let Some(Some(dob)) = patch.date_of_birth
        && let Some(message) = date_of_birth_error(dob, today)
    {
        errors.push("date_of_birth", message);
    }
    edit.phone = patch_line(&mut errors, "phone", &patch.phone, 40);
    edit.email = match &patch.email {
        None => None,
        Some(e) => match e.as_deref().filter(|e| !e.trim().is_empty()) {
            None => Some(None),
            Some(e) => errors
                .take(Email::parse("email", e))
                .map(|e| Some(e.into_string())),
        },
    };
    edit.address = patch_line(&mut errors, "address", &patch.address, limits::SHORT);
    parse_needs(&mut errors, &mut edit, &patch.contact, &patch.access_needs);
    if errors.is_empty() {
        check_needs(&mut errors, &edit.apply(current).access_needs);
    }
    errors.into_result()?;
    Ok(edit)
}

/// Validate a new client's details; shared with the pages.
pub fn parse_new_client(
    body: &NewClientBody,
    team_id: TeamId,
    today: Date,
) -> Result<NewClient, FieldErrors> {
    let mut errors = FieldErrors::new();
    let name = errors.take(single_line("name", &body.name, limits::NAME));
    if let Some(dob) = body.date_of_birth
        && let Some(message) = date_of_birth_error(dob, today)
    {
        errors.push("date_of_birth", message);
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
    let mut needs = ClientEdit::default();
    parse_needs(&mut errors, &mut needs, &body.contact, &body.access_needs);
    let mut contact = caseload_domain::clients::ContactPreferences::default();
    let mut access_needs = caseload_domain::clients::AccessNeeds::default();
    needs.apply_needs(&mut contact, &mut access_needs);
    if errors.is_empty() {
        check_needs(&mut errors, &access_needs);
    }
    errors.into_result()?;
    Ok(NewClient {
        name: name.unwrap_or_default(),
        date_of_birth: body.date_of_birth,
        phone,
        email,
        address,
        team_id,
        contact,
        access_needs,
    })
}

/// The search a list request asks for; shared with the Clients page.
pub fn parse_client_query(
    q: Option<&str>,
    date_of_birth: Option<&str>,
    limit: Option<u32>,
    cursor: Option<&str>,
) -> Result<ClientQuery, FieldErrors> {
    let mut errors = FieldErrors::new();
    let mut words = Vec::new();
    if let Some(q) = q.filter(|q| !q.trim().is_empty())
        && let Some(q) = errors.take(single_line("q", q, limits::NAME))
    {
        words = search_words(&q);
        if words.is_empty() {
            errors.push("q", "must contain a letter or a digit");
        } else if words.len() > 8 {
            errors.push("q", "must be at most 8 words");
        }
    }
    let date_of_birth = match date_of_birth.map(str::trim).filter(|d| !d.is_empty()) {
        None => None,
        Some(d) => errors.take(
            d.parse::<Date>()
                .map_err(|_| FieldError::new("date_of_birth", "must be a date like 1990-05-17")),
        ),
    };
    let limit = limit.unwrap_or(50);
    if !(1..=200).contains(&limit) {
        errors.push("limit", "must be between 1 and 200");
    }
    let after = match cursor.filter(|c| !c.is_empty()) {
        None => None,
        Some(c) => errors.take(ClientId::parse(c).ok_or_else(|| {
            FieldError::new("cursor", "must be the next_cursor of a previous page")
        })),
    };
    errors.into_result()?;
    Ok(ClientQuery {
        words,
        date_of_birth,
        after,
        limit,
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
    let edit = parse_client_edit(&patch, &client, state.today())?;
    let client = state
        .store
        .update_client(&client.id, &edit, &caller.write_ctx(&state))
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

/// Does this user's team hold this client's record? Only then may they
/// change it: someone who recorded a client and has since moved team may
/// still read it, but not edit it.
pub fn holds(user: &caseload_store::User, client: &Client) -> bool {
    user.team_id.as_ref() == Some(&client.team_id)
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
