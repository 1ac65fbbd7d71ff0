//! Deadlines (SPEC C3; AG14 PC9): computing a deadline from a catalogue
//! rule in the organisation's calendars, and turning what a form or body
//! asks for into a deadline on a case. Called by the API
//! (`api::deadlines`) and the pages (`pages::deadlines`, the case page).

use caseload_domain::calendars::Division;
use caseload_domain::deadlines::{DeadlineError, Pause, compute};
use caseload_domain::text::{FieldErrors, limits, single_line};
use caseload_store::{Case, Deadline, NewDeadline, WriteCtx};
use jiff::civil::Date;
use serde::Serialize;
use utoipa::ToSchema;

use crate::AppState;
use crate::problem::Refused;

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
pub type CalcError = Refused;

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

/// What a deadline form or body asks for.
pub struct DeadlineInput<'a> {
    /// Who carries the deadline's task; none: the case owner.
    pub assignee: Option<&'a str>,
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

/// Set a deadline on a case: computed from a rule, or set by hand; it
/// becomes a task on the case, carried by the assignee (the owner unless
/// another colleague who can work on the case is named).
pub async fn add(
    state: &AppState,
    ctx: &WriteCtx,
    case: &Case,
    input: &DeadlineInput<'_>,
) -> Result<Deadline, Refused> {
    let mut new = parse_deadline(state, case, input).await?;
    if let Some(a) = input.assignee {
        let task = crate::tasks::parse_task(state, case, "deadline", None, Some(a)).await?;
        new.assignee_id = task.assignee_id;
    }
    Ok(state.store.add_deadline(&new, ctx).await?)
}
