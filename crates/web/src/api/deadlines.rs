//! Deadlines (SPEC C3; AG14 PC9): the calculator — the same computation as
//! `caseload deadline`, in the organisation's calendars — and deadlines on
//! cases, each carried by a task.

use axum::Json;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use caseload_domain::calendars::Division;
use caseload_domain::deadlines::{DeadlineError, Pause, Rule, compute};
use caseload_domain::text::{FieldErrors, limits, single_line};
use caseload_store::{Case, Deadline, NewDeadline, StoreError};
use jiff::civil::Date;
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use crate::AppState;
use crate::auth::Caller;
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

#[derive(Debug, Serialize, ToSchema)]
pub struct Calculation {
    pub rule_id: String,
    pub rule_name: String,
    pub calendar: Division,
    #[schema(value_type = String, format = Date)]
    pub due_date: Date,
    /// How the date was reached, step by step.
    pub explanation: Vec<String>,
    /// The law or guidance the rule implements.
    pub source: String,
}

/// Why a calculation failed: the input, or the store behind the calendar.
#[derive(Debug)]
pub enum CalcError {
    Input(FieldErrors),
    Store(StoreError),
}

impl From<FieldErrors> for CalcError {
    fn from(e: FieldErrors) -> Self {
        CalcError::Input(e)
    }
}

impl From<StoreError> for CalcError {
    fn from(e: StoreError) -> Self {
        CalcError::Store(e)
    }
}

impl From<CalcError> for ApiError {
    fn from(e: CalcError) -> Self {
        match e {
            CalcError::Input(f) => f.into(),
            CalcError::Store(s) => s.into(),
        }
    }
}

/// Compute a deadline with the state's catalogue, in the division's calendar
/// as the organisation keeps it (imported holidays, closure days).
pub async fn calculate(
    state: &AppState,
    rule: &str,
    trigger: Date,
    division: Division,
    pauses: &[Pause],
) -> Result<Calculation, CalcError> {
    let rule = state
        .deadlines
        .get(rule)
        .map_err(|e| FieldErrors::single("rule", e.to_string()))?;
    let calendar = state.calendar(division).await?;
    let c = compute(rule, trigger, &calendar, pauses).map_err(|e| match e {
        DeadlineError::Invalid(m) if m.contains("trigger date") => {
            FieldErrors::single("trigger_date", m)
        }
        other => FieldErrors::single("pauses", other.to_string()),
    })?;
    Ok(Calculation {
        rule_id: rule.id.clone(),
        rule_name: rule.name.clone(),
        calendar: division,
        due_date: c.due,
        explanation: c.explanation,
        source: rule.source.clone(),
    })
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
    #[schema(schema_with = crate::api::text::optional_line::<{ limits::TITLE }>)]
    pub title: Option<String>,
    #[schema(value_type = Option<String>, format = Date)]
    pub due_date: Option<Date>,
    /// Who carries the deadline's task; default the case owner.
    pub assignee_id: Option<String>,
}

/// What a deadline form or body asks for.
pub struct DeadlineInput<'a> {
    pub rule: Option<&'a str>,
    pub trigger_date: Option<Date>,
    /// None: the case team's calendar.
    pub calendar: Option<Division>,
    pub pauses: Vec<Pause>,
    pub title: Option<&'a str>,
    pub due_date: Option<Date>,
}

/// Turn a request into a deadline: computed from a rule, or set by hand.
pub async fn parse_deadline(
    state: &AppState,
    case: &Case,
    input: &DeadlineInput<'_>,
) -> Result<NewDeadline, CalcError> {
    let title = match input.title.filter(|t| !t.trim().is_empty()) {
        Some(t) => Some(single_line("title", t, limits::TITLE).map_err(|e| FieldErrors(vec![e]))?),
        None => None,
    };
    match (input.rule.filter(|r| !r.is_empty()), input.due_date) {
        (Some(_), Some(_)) => Err(FieldErrors::single(
            "due_date",
            "is worked out from the rule: give a rule and trigger date, or a title and due date",
        )
        .into()),
        (Some(rule), None) => {
            let Some(trigger) = input.trigger_date else {
                return Err(FieldErrors::single("trigger_date", "is required with a rule").into());
            };
            let division = match input.calendar {
                Some(d) => d,
                None => state.division_for(Some(&case.team_id)).await?,
            };
            let c = calculate(state, rule, trigger, division, &input.pauses).await?;
            Ok(NewDeadline {
                case_id: case.id.clone(),
                rule_id: Some(c.rule_id),
                title: title.unwrap_or(c.rule_name),
                trigger_date: Some(trigger),
                calendar: Some(c.calendar.as_str().to_owned()),
                due_date: c.due_date,
                explanation: c.explanation,
                assignee_id: Some(case.owner_id.clone()),
            })
        }
        (None, Some(due)) => {
            let mut errors = FieldErrors::new();
            if title.is_none() {
                errors.push("title", "is required for a deadline set by hand");
            }
            if !(2000..=2200).contains(&due.year()) {
                errors.push("due_date", "must be a plausible date");
            }
            errors.into_result()?;
            Ok(NewDeadline {
                case_id: case.id.clone(),
                rule_id: None,
                title: title.unwrap_or_default(),
                trigger_date: None,
                calendar: None,
                due_date: due,
                explanation: Vec::new(),
                assignee_id: Some(case.owner_id.clone()),
            })
        }
        (None, None) => Err(FieldErrors::single(
            "rule",
            "choose a rule (with its trigger date), or give a title and due date",
        )
        .into()),
    }
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
    };
    let mut new = parse_deadline(&state, &case, &input).await?;
    if let Some(a) = body.assignee_id.as_deref() {
        let task = crate::api::tasks::parse_task(&state, &case, "deadline", None, Some(a)).await?;
        new.assignee_id = task.assignee_id;
    }
    let deadline = state
        .store
        .add_deadline(&new, &caller.write_ctx(&state))
        .await?;
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
