//! The deadline calculator (SPEC C3; AG14 PC9): the same computation as
//! `caseload deadline`, over the API.

use axum::Json;
use axum::extract::State;
use caseload_domain::calendars::{Calendar, Division};
use caseload_domain::deadlines::{DeadlineError, Pause, Rule, compute};
use caseload_domain::text::FieldErrors;
use jiff::civil::Date;
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use crate::AppState;
use crate::auth::Caller;
use crate::extract::ApiJson;
use crate::problem::ApiError;

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
    /// `england-and-wales` (default), `scotland` or `northern-ireland`.
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

/// Compute a deadline with the state's catalogue; field errors name the input.
pub fn calculate(
    state: &AppState,
    rule: &str,
    trigger: Date,
    division: Division,
    pauses: &[Pause],
) -> Result<Calculation, FieldErrors> {
    let rule = state
        .deadlines
        .get(rule)
        .map_err(|e| FieldErrors::single("rule", e.to_string()))?;
    let calendar = Calendar::new(division);
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
    _caller: Caller,
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
    let division = body.calendar.unwrap_or(Division::EnglandAndWales);
    Ok(Json(calculate(
        &state,
        &body.rule,
        body.trigger_date,
        division,
        &pauses,
    )?))
}

/// Handles `GET /api/v1/deadline-rules`: the catalogue in use.
#[utoipa::path(get, path = "/api/v1/deadline-rules", tag = "deadlines", responses((status = 200, body = Vec<Rule>)))]
pub async fn rules(State(state): State<AppState>, _caller: Caller) -> Json<Vec<Rule>> {
    Json(state.deadlines.rules.clone())
}
