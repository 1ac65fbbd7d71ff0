//! In-app notifications (AG14 PC11), for the caller only: a case entering
//! P1 or P2 tells its team's supervisors; a timescale or deadline going at
//! risk tells the case's owner, and a breach tells the team's supervisors
//! too. Read them filtered by kind and case; acknowledge one, several or
//! all that match — only ever the caller's own.

use axum::Json;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use caseload_domain::FieldErrors;
use caseload_domain::ids::NotificationId;
use caseload_store::{Notification, NotificationSelection};
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};

use super::ApiQuery;
use crate::AppState;
use crate::auth::Caller;
use crate::extract::ApiJson;
use crate::notifications::{MAX_IDS, filter};
use crate::problem::ApiError;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
#[serde(deny_unknown_fields)]
pub struct NotificationParams {
    /// Only this kind: `high_priority`, `timescale_at_risk`,
    /// `timescale_breached`, `deadline_at_risk` or `deadline_breached`.
    #[param(
        nullable = false,
        pattern = "^(|high_priority|timescale_at_risk|timescale_breached|deadline_at_risk|deadline_breached)$"
    )]
    pub kind: Option<String>,
    /// Only those about this case (an id).
    #[param(nullable = false)]
    pub case: Option<String>,
    /// `unread` (the default: only those not yet acknowledged) or `all`.
    #[param(nullable = false, pattern = "^(unread|all)$")]
    pub show: Option<String>,
}

/// Handles `GET /api/v1/notifications`: the caller's notifications, newest
/// first (at most 500): unacknowledged ones unless `show=all`.
#[utoipa::path(get, path = "/api/v1/notifications", tag = "priorities", params(NotificationParams),
    responses((status = 200, body = Vec<Notification>)))]
pub async fn notifications(
    State(state): State<AppState>,
    caller: Caller,
    ApiQuery(params): ApiQuery<NotificationParams>,
) -> Result<Json<Vec<Notification>>, ApiError> {
    let all = match params.show.as_deref() {
        None | Some("unread") => false,
        Some("all") => true,
        Some(_) => return Err(FieldErrors::single("show", "must be unread or all").into()),
    };
    let filter = filter(params.kind.as_deref(), params.case.as_deref(), all)?;
    Ok(Json(
        state
            .store
            .filtered_notifications(&caller.user.id, &filter)
            .await?,
    ))
}

/// Handles `POST /api/v1/notifications/{id}/acknowledge`.
#[utoipa::path(post, path = "/api/v1/notifications/{id}/acknowledge", tag = "priorities", params(("id" = String, Path)),
    responses((status = 204, description = "Acknowledged")))]
pub async fn acknowledge(
    State(state): State<AppState>,
    caller: Caller,
    Path(id): Path<String>,
) -> Result<StatusCode, ApiError> {
    let id = NotificationId::parse(&id).ok_or_else(|| ApiError::not_found("notification"))?;
    state
        .store
        .acknowledge_notification(&id, &caller.user.id, state.clock.now())
        .await?;
    Ok(StatusCode::NO_CONTENT)
}

/// Either `ids`, or `all: true` with an optional `kind` and `case`.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct AcknowledgeBody {
    /// These notifications (at most 1000). Ids that are not yours, or
    /// already acknowledged, are left alone and not counted.
    #[schema(max_items = 1000)]
    pub ids: Option<Vec<String>>,
    /// Every unacknowledged notification of yours that matches `kind` and `case`.
    pub all: Option<bool>,
    /// With `all`: only this kind.
    pub kind: Option<String>,
    /// With `all`: only those about this case.
    pub case: Option<String>,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct Acknowledged {
    /// How many notifications this request acknowledged.
    pub acknowledged: u64,
}

/// Check an acknowledgement's body: what it selects.
pub fn selection(body: &AcknowledgeBody) -> Result<NotificationSelection, FieldErrors> {
    match (&body.ids, body.all) {
        (Some(_), Some(_)) => Err(FieldErrors::single(
            "all",
            "give either ids or all, not both",
        )),
        (Some(ids), None) => {
            let mut errors = FieldErrors::new();
            if body.kind.is_some() || body.case.is_some() {
                errors.push("kind", "only goes with all: true");
            }
            if ids.is_empty() {
                errors.push("ids", "must name at least one notification");
            }
            if ids.len() > MAX_IDS {
                errors.push("ids", format!("may name at most {MAX_IDS} notifications"));
            }
            let parsed: Vec<NotificationId> = ids
                .iter()
                .enumerate()
                .filter_map(|(i, id)| {
                    let parsed = NotificationId::parse(id);
                    if parsed.is_none() {
                        errors.push(&format!("ids[{i}]"), "is not a notification id");
                    }
                    parsed
                })
                .collect();
            errors.into_result()?;
            Ok(NotificationSelection::Ids(parsed))
        }
        (None, Some(true)) => Ok(NotificationSelection::Matching(filter(
            body.kind.as_deref(),
            body.case.as_deref(),
            false,
        )?)),
        (None, Some(false)) => Err(FieldErrors::single(
            "all",
            "must be true (or give ids instead)",
        )),
        (None, None) => Err(FieldErrors::single(
            "ids",
            "is required: give ids, or all: true",
        )),
    }
}

/// Handles `POST /api/v1/notifications/acknowledge`: acknowledge several of
/// your notifications at once — by `ids`, or `all` that match `kind` and
/// `case` — and say how many.
#[utoipa::path(post, path = "/api/v1/notifications/acknowledge", tag = "priorities", request_body = AcknowledgeBody,
    responses((status = 200, body = Acknowledged)))]
pub async fn acknowledge_many(
    State(state): State<AppState>,
    caller: Caller,
    ApiJson(body): ApiJson<AcknowledgeBody>,
) -> Result<Json<Acknowledged>, ApiError> {
    let which = selection(&body)?;
    let acknowledged = state
        .store
        .acknowledge_notifications(&caller.user.id, &which, state.clock.now())
        .await?;
    Ok(Json(Acknowledged { acknowledged }))
}

/// This module's routes, each with its OpenAPI entry.
pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(notifications))
        .routes(routes!(acknowledge))
        .routes(routes!(acknowledge_many))
}
