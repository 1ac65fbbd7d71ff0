//! The deadline calculator page: pick a rule, give the trigger date (and any
//! clock stop), see the due date and how it was reached.

use askama::Template;
use axum::extract::{Query, State};
use axum::response::Response;
use caseload_domain::calendars::Division;
use caseload_domain::deadlines::Pause;
use serde::Deserialize;

use super::format::day;
use super::{Chrome, FormErrors, PageError, Viewer, render, render_invalid};
use crate::AppState;
use crate::api::deadlines::{CalcError, Calculation, calculate};

#[derive(Debug, Deserialize, Default)]
pub struct CalculatorQuery {
    pub rule: Option<String>,
    pub trigger_date: Option<String>,
    pub calendar: Option<String>,
    pub pause_from: Option<String>,
    pub pause_to: Option<String>,
}

#[derive(Template)]
#[template(path = "deadline_calculator.html")]
pub struct CalculatorPage {
    pub chrome: Chrome,
    pub rules: Vec<(String, String)>,
    pub calendars: Vec<(&'static str, &'static str)>,
    pub q: CalculatorQuery,
    pub errors: FormErrors,
    pub result: Option<Calculation>,
    pub due_text: String,
}

impl CalculatorPage {
    pub fn value<'a>(&self, v: &'a Option<String>) -> &'a str {
        v.as_deref().unwrap_or("")
    }
}

fn date(
    field: &str,
    v: Option<&str>,
    errors: &mut caseload_domain::FieldErrors,
) -> Option<jiff::civil::Date> {
    let v = v.filter(|s| !s.trim().is_empty())?;
    match v.trim().parse() {
        Ok(d) => Some(d),
        Err(_) => {
            errors.push(field, "must be a date, like 2026-01-31");
            None
        }
    }
}

/// Handles `GET /deadlines/calculator`.
pub async fn calculator(
    State(state): State<AppState>,
    viewer: Viewer,
    Query(q): Query<CalculatorQuery>,
) -> Result<Response, PageError> {
    let mut page = CalculatorPage {
        chrome: viewer.chrome("deadlines"),
        rules: state
            .deadlines
            .rules
            .iter()
            .map(|r| (r.id.clone(), r.name.clone()))
            .collect(),
        calendars: Division::ALL
            .iter()
            .map(|d| (d.as_str(), d.label()))
            .collect(),
        q,
        errors: FormErrors::default(),
        result: None,
        due_text: String::new(),
    };
    if page.q.rule.is_none() && page.q.trigger_date.is_none() {
        return render(&page);
    }
    let mut errors = caseload_domain::FieldErrors::new();
    let rule = page.q.rule.clone().unwrap_or_default();
    if rule.is_empty() {
        errors.push("rule", "must be chosen");
    }
    let trigger = date("trigger_date", page.q.trigger_date.as_deref(), &mut errors);
    if trigger.is_none() && !errors.0.iter().any(|e| e.field == "trigger_date") {
        errors.push("trigger_date", "is required");
    }
    let division = match page.q.calendar.as_deref().and_then(Division::parse) {
        Some(d) => d,
        None => state.division_for(viewer.user.team_id.as_ref()).await?,
    };
    let from = date("pause_from", page.q.pause_from.as_deref(), &mut errors);
    let to = date("pause_to", page.q.pause_to.as_deref(), &mut errors);
    let pauses: Vec<Pause> = match (from, to) {
        (Some(from), Some(to)) => vec![Pause { from, to }],
        (None, None) => Vec::new(),
        _ => {
            errors.push(
                "pause_from",
                "and the end of the pause go together: give both dates or neither",
            );
            Vec::new()
        }
    };
    let labels = &[
        ("rule", "Deadline"),
        ("trigger_date", "Trigger date"),
        ("pause_from", "Clock stop start"),
        ("pause_to", "Clock stop end"),
        ("pauses", "Clock stop"),
    ];
    if let (true, Some(trigger)) = (errors.is_empty(), trigger) {
        match calculate(&state, &rule, trigger, division, &pauses).await {
            Ok(c) => {
                page.due_text = day(c.due_date);
                page.result = Some(c);
                return render(&page);
            }
            Err(CalcError::Input(e)) => errors.0.extend(e.0),
            Err(CalcError::Store(e)) => return Err(e.into()),
        }
    }
    page.errors = FormErrors::labelled(&errors, labels);
    render_invalid(&page)
}
