//! Cases: a client's matter in a service area, its status lifecycle and its
//! history.

use axum::Json;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use caseload_domain::cases::{CaseStatus, ClosureReason, Complexity, ServiceArea};
use caseload_domain::ids::{ClientId, UserId};
use caseload_domain::records::EventKind;
use caseload_domain::text::{FieldErrors, limits, single_line};
use caseload_store::{Case, CaseFilter, NewCase, Note, StoreError, TimelineEntry};
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};

use super::clients::visible_client;
use super::{ApiQuery, page};
use crate::AppState;
use crate::auth::Caller;
use crate::cases::StatusRequest;
use crate::extract::ApiJson;
use crate::problem::ApiError;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

/// A new case starts as a referral or open (`null` or absent: open).
fn new_case_status() -> utoipa::openapi::RefOr<utoipa::openapi::schema::Schema> {
    use utoipa::openapi::schema::{ObjectBuilder, OneOfBuilder, Type};
    OneOfBuilder::new()
        .item(ObjectBuilder::new().schema_type(Type::Null))
        .item(
            ObjectBuilder::new()
                .schema_type(Type::String)
                .enum_values(Some([
                    CaseStatus::Referral.as_str(),
                    CaseStatus::Open.as_str(),
                ])),
        )
        .into()
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct NewCaseBody {
    pub client_id: String,
    #[schema(schema_with = crate::schema::line::<{ limits::TITLE }>)]
    pub title: String,
    pub service_area: ServiceArea,
    /// Default `medium`.
    pub complexity: Option<Complexity>,
    /// Who will own the case: you (the default) or someone in your team.
    pub owner_id: Option<String>,
    /// `referral` or `open` (the default).
    #[schema(schema_with = new_case_status)]
    pub status: Option<CaseStatus>,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct CaseList {
    pub items: Vec<Case>,
    /// Pass as `cursor` to get the next page; absent on the last page.
    pub next_cursor: Option<String>,
}

#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
#[serde(deny_unknown_fields)]
pub struct CaseListParams {
    /// Only cases owned by this user.
    #[param(nullable = false)]
    pub owner: Option<String>,
    #[param(nullable = false)]
    pub status: Option<CaseStatus>,
    #[param(nullable = false)]
    pub service_area: Option<ServiceArea>,
    #[param(nullable = false)]
    pub client: Option<String>,
    /// 1–200, default 50.
    #[param(nullable = false, minimum = 1, maximum = 200)]
    pub limit: Option<u32>,
    #[param(nullable = false)]
    pub cursor: Option<String>,
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct StatusChangeBody {
    pub status: CaseStatus,
    /// Why: required to put a case on hold or reopen it.
    #[schema(schema_with = crate::schema::optional_prose::<{ limits::REASON }>)]
    pub reason: Option<String>,
    /// Required when closing.
    pub closure_reason: Option<ClosureReason>,
    /// Required when closing: what was done and where the client stands.
    #[schema(schema_with = crate::schema::optional_prose::<{ limits::SUMMARY }>)]
    pub closure_summary: Option<String>,
}

/// One line of the timeline; note lines carry the note in full.
#[derive(Debug, Serialize, ToSchema)]
pub struct TimelineItem {
    #[serde(flatten)]
    pub entry: TimelineEntry,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub note: Option<Note>,
}

/// Handles `POST /api/v1/cases`: open a case (or record a referral) for a client.
#[utoipa::path(post, path = "/api/v1/cases", tag = "cases", request_body = NewCaseBody,
    responses((status = 201, body = Case)))]
pub async fn create(
    State(state): State<AppState>,
    caller: Caller,
    ApiJson(body): ApiJson<NewCaseBody>,
) -> Result<(StatusCode, Json<Case>), ApiError> {
    caller.case_scope()?;
    let mut errors = FieldErrors::new();
    let title = errors.take(single_line("title", &body.title, limits::TITLE));
    let status = body.status.unwrap_or(CaseStatus::Open);
    if !matches!(status, CaseStatus::Open | CaseStatus::Referral) {
        errors.push("status", "a new case starts as referral or open");
    }
    if ClientId::parse(&body.client_id).is_none() {
        errors.push("client_id", "is not a client id");
    }
    let owner_id = match &body.owner_id {
        None => Some(caller.user.id.clone()),
        Some(o) => {
            let id = UserId::parse(o);
            if id.is_none() {
                errors.push("owner_id", "is not a user id");
            }
            id
        }
    };
    errors.into_result()?;
    let client = visible_client(&state, &caller, &body.client_id)
        .await
        .map_err(|_| {
            FieldErrors::single("client_id", "no client with this id exists in your team")
        })?;
    let owner_id = owner_id.unwrap_or_else(|| caller.user.id.clone());
    let owner = match state.store.get_user(&owner_id).await {
        Ok(u) => u,
        Err(StoreError::NotFound(_)) => {
            return Err(FieldErrors::single("owner_id", "no such user in your team").into());
        }
        Err(e) => return Err(e.into()),
    };
    if !owner.active
        || !owner.role.works_cases()
        || !caller
            .actor()
            .can_assign_to(&owner.id, owner.team_id.as_ref())
    {
        return Err(FieldErrors::single(
            "owner_id",
            "a case can only be given to an active practitioner or supervisor in your own team",
        )
        .into());
    }
    let Some(team_id) = owner.team_id.clone() else {
        return Err(FieldErrors::single("owner_id", "this user is not in a team").into());
    };
    let new = NewCase {
        client_id: client.id,
        title: title.unwrap_or_default(),
        service_area: body.service_area,
        complexity: body.complexity.unwrap_or(Complexity::Medium),
        owner_id: owner.id,
        team_id,
        status,
    };
    let case = state
        .store
        .create_case(&new, &caller.write_ctx(&state))
        .await?;
    Ok((StatusCode::CREATED, Json(case)))
}

/// Handles `GET /api/v1/cases`: the cases the caller may see — their own and
/// their team's — filtered by owner, status, service area or client.
#[utoipa::path(get, path = "/api/v1/cases", tag = "cases", params(CaseListParams),
    responses((status = 200, body = CaseList)))]
pub async fn list(
    State(state): State<AppState>,
    caller: Caller,
    ApiQuery(params): ApiQuery<CaseListParams>,
) -> Result<Json<CaseList>, ApiError> {
    let scope = caller.case_scope()?;
    let page = page(params.limit, params.cursor)?;
    let mut errors = FieldErrors::new();
    let owner = params.owner.as_deref().and_then(|o| {
        let id = UserId::parse(o);
        if id.is_none() {
            errors.push("owner", "is not a user id");
        }
        id
    });
    let client = params.client.as_deref().and_then(|c| {
        let id = ClientId::parse(c);
        if id.is_none() {
            errors.push("client", "is not a client id");
        }
        id
    });
    errors.into_result()?;
    let filter = CaseFilter {
        owner,
        status: params.status,
        service_area: params.service_area,
        client,
    };
    let items = state.store.list_cases(&filter, &scope, &page).await?;
    caller.audit(&state, "case.list", "case", None).await?;
    let next_cursor = (items.len() == page.limit as usize)
        .then(|| items.last().map(|c| c.id.to_string()))
        .flatten();
    Ok(Json(CaseList { items, next_cursor }))
}

/// Handles `GET /api/v1/cases/{id}`.
#[utoipa::path(get, path = "/api/v1/cases/{id}", tag = "cases", params(("id" = String, Path)),
    responses((status = 200, body = Case)))]
pub async fn show(
    State(state): State<AppState>,
    caller: Caller,
    Path(id): Path<String>,
) -> Result<Json<Case>, ApiError> {
    let case = caller.case(&state, &id).await?;
    caller
        .audit(&state, "case.read", "case", Some(case.id.as_str()))
        .await?;
    Ok(Json(case))
}

/// Handles `POST /api/v1/cases/{id}/status`: move a case through its
/// lifecycle (referral → open ⇄ on hold → closed; closed → open to reopen).
#[utoipa::path(post, path = "/api/v1/cases/{id}/status", tag = "cases", params(("id" = String, Path)),
    request_body = StatusChangeBody, responses((status = 200, body = Case), (status = 409, body = crate::problem::Problem)))]
pub async fn change_status(
    State(state): State<AppState>,
    caller: Caller,
    Path(id): Path<String>,
    ApiJson(body): ApiJson<StatusChangeBody>,
) -> Result<Json<Case>, ApiError> {
    let case = caller.case(&state, &id).await?;
    let request = StatusRequest {
        status: body.status,
        reason: body.reason.as_deref(),
        closure_reason: body.closure_reason,
        closure_summary: body.closure_summary.as_deref(),
    };
    let case =
        crate::cases::change_status(&state, &caller.write_ctx(&state), &case, &request).await?;
    Ok(Json(case))
}

/// The timeline with notes filled in.
pub async fn timeline_items(state: &AppState, case: &Case) -> Result<Vec<TimelineItem>, ApiError> {
    let entries = state.store.timeline(&case.id).await?;
    let mut notes: std::collections::HashMap<String, Note> = state
        .store
        .list_notes(&case.id)
        .await?
        .into_iter()
        .map(|n| (n.id.to_string(), n))
        .collect();
    Ok(entries
        .into_iter()
        .map(|entry| {
            let note = (entry.kind == EventKind::NoteAdded)
                .then(|| notes.remove(&entry.subject_id))
                .flatten();
            TimelineItem { entry, note }
        })
        .collect())
}

/// Handles `GET /api/v1/cases/{id}/timeline`: the case history, oldest first —
/// notes (in full), amendments, status changes, outcome progress, obstacles
/// and tasks, each with who and when.
#[utoipa::path(get, path = "/api/v1/cases/{id}/timeline", tag = "cases", params(("id" = String, Path)),
    responses((status = 200, body = Vec<TimelineItem>)))]
pub async fn timeline(
    State(state): State<AppState>,
    caller: Caller,
    Path(id): Path<String>,
) -> Result<Json<Vec<TimelineItem>>, ApiError> {
    let case = caller.case(&state, &id).await?;
    let items = timeline_items(&state, &case).await?;
    caller
        .audit(&state, "case.timeline.read", "case", Some(case.id.as_str()))
        .await?;
    Ok(Json(items))
}

/// This module's routes, each with its OpenAPI entry.
pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(create, list))
        .routes(routes!(show))
        .routes(routes!(change_status))
        .routes(routes!(timeline))
}
