//! Deadlines (SPEC C3; AG14 PC9): the calculator — the same computation as
//! `caseload deadline`, in the organisation's calendars — and deadlines on
//! cases, each carried by a task.

use axum::Json;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use caseload_domain::calendars::Division;
use caseload_domain::deadlines::{Pause, Rule};
use caseload_domain::text::limits;
use caseload_store::Deadline;
use jiff::civil::Date;
use serde::Deserialize;
use utoipa::ToSchema;

use crate::AppState;
use crate::auth::Caller;
pub use crate::deadlines::Calculation;
use crate::deadlines::{DeadlineInput, calculate};
use crate::extract::ApiJson;
use crate::problem::ApiError;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct PauseBody {
    #[schema(value_type = String, format = Date)]
    pub from: Date,
    #[schema(value_type = String, format = Date)]
    pub to: Date,
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct CalculateBody {
    /// A rule id from `GET /api/v1/deadline-rules`, e.g. `mandatory_reconsideration`.
    pub rule: String,
    /// The date that starts the clock.
    #[schema(value_type = String, format = Date, example = "2026-01-31")]
    pub trigger_date: Date,
    /// `england-and-wales`, `scotland` or `northern-ireland`; default your
    /// team's calendar, else the organisation's.
    pub calendar: Option<Division>,
    /// Clock stops, e.g. ACAS early conciliation from Day A to Day B.
    #[serde(default)]
    pub pauses: Vec<PauseBody>,
}

/// Handles `POST /api/v1/deadlines/calculate`.
#[utoipa::path(post, path = "/api/v1/deadlines/calculate", tag = "deadlines", request_body = CalculateBody,
    responses((status = 200, body = Calculation)))]
pub async fn calculate_handler(
    State(state): State<AppState>,
    caller: Caller,
    ApiJson(body): ApiJson<CalculateBody>,
) -> Result<Json<Calculation>, ApiError> {
    let pauses: Vec<Pause> = body
        .pauses
        .iter()
        .map(|p| Pause {
            from: p.from,
            to: p.to,
        })
        .collect();
    let division = match body.calendar {
        Some(d) => d,
        None => state.division_for(caller.user.team_id.as_ref()).await?,
    };
    Ok(Json(
        calculate(&state, &body.rule, body.trigger_date, division, &pauses).await?,
    ))
}

/// Handles `GET /api/v1/deadline-rules`: the catalogue in use.
#[utoipa::path(get, path = "/api/v1/deadline-rules", tag = "deadlines", responses((status = 200, body = Vec<Rule>)))]
pub async fn rules(State(state): State<AppState>, _caller: Caller) -> Json<Vec<Rule>> {
    Json(state.deadlines.rules.clone())
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct NewDeadlineBody {
    /// A catalogue rule; give `trigger_date` with it. Or leave it out and give
    /// `title` and `due_date` for a deadline set by hand.
    pub rule: Option<String>,
    #[schema(value_type = Option<String>, format = Date)]
    pub trigger_date: Option<Date>,
    /// Default: the case team's calendar, else the organisation's.
    pub calendar: Option<Division>,
    #[serde(default)]
    pub pauses: Vec<PauseBody>,
    /// For a deadline set by hand (optional with a rule: defaults to the rule's name).
    #[schema(schema_with = crate::schema::optional_line::<{ limits::TITLE }>)]
    pub title: Option<String>,
    #[schema(value_type = Option<String>, format = Date)]
    pub due_date: Option<Date>,
    /// Who carries the deadline's task; default the case owner.
    pub assignee_id: Option<String>,
}

/// Handles `POST /api/v1/cases/{id}/deadlines`: set a deadline; it becomes a
/// task on the case and appears on the timeline.
#[utoipa::path(post, path = "/api/v1/cases/{id}/deadlines", tag = "deadlines", params(("id" = String, Path)),
    request_body = NewDeadlineBody, responses((status = 201, body = Deadline)))]
pub async fn create(
    State(state): State<AppState>,
    caller: Caller,
    Path(id): Path<String>,
    ApiJson(body): ApiJson<NewDeadlineBody>,
) -> Result<(StatusCode, Json<Deadline>), ApiError> {
    let case = caller.case(&state, &id).await?;
    let input = DeadlineInput {
        rule: body.rule.as_deref(),
        trigger_date: body.trigger_date,
        calendar: body.calendar,
        pauses: body
            .pauses
            .iter()
            .map(|p| Pause {
                from: p.from,
                to: p.to,
            })
            .collect(),
        title: body.title.as_deref(),
        due_date: body.due_date,
        assignee: body.assignee_id.as_deref(),
    };
    let deadline = crate::deadlines::add(&state, &caller.write_ctx(&state), &case, &input).await?;
    Ok((StatusCode::CREATED, Json(deadline)))
}

/// Handles `GET /api/v1/cases/{id}/deadlines`: soonest first.
#[utoipa::path(get, path = "/api/v1/cases/{id}/deadlines", tag = "deadlines", params(("id" = String, Path)),
    responses((status = 200, body = Vec<Deadline>)))]
pub async fn list(
    State(state): State<AppState>,
    caller: Caller,
    Path(id): Path<String>,
) -> Result<Json<Vec<Deadline>>, ApiError> {
    let case = caller.case(&state, &id).await?;
    let deadlines = state.store.list_deadlines(&case.id).await?;
    caller
        .audit(&state, "deadline.list", "case", Some(case.id.as_str()))
        .await?;
    Ok(Json(deadlines))
}

/// This module's routes, each with its OpenAPI entry.
pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(calculate_handler))
        .routes(routes!(rules))
        .routes(routes!(create, list))
}
