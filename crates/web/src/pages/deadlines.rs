//! The deadline calculator page: pick a rule, give the trigger date (and any
//! clock stop), see the due date and how it was reached — and add it to one
//! of your active cases in one step.

use askama::Template;
use axum::extract::{Query, State};
use axum::response::Response;
use caseload_domain::calendars::Division;
use caseload_domain::deadlines::Pause;
use serde::Deserialize;

use super::format::day;
use super::{Chrome, CsrfForm, Fields, FormErrors, PageError, Viewer, render, render_invalid};
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
    /// The viewer's active cases (id, "client — title"), to add the result to.
    pub cases: Vec<(String, String)>,
    /// The case chosen to add the result to.
    pub case_id: String,
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
    let (page, ok) = calculate_page(&state, &viewer, q).await?;
    if ok {
        render(&page)
    } else {
        render_invalid(&page)
    }
}

/// Handles `POST /deadlines/calculator/add`: add the calculator's result
/// (the same rule, trigger date, calendar and clock stop) to one of the
/// viewer's cases, through the case's own add-deadline logic, and land on
/// the case saying so. Anything wrong re-shows the calculator with the
/// problem by its field.
pub async fn add_to_case(
    State(state): State<AppState>,
    CsrfForm(viewer, fields): CsrfForm,
) -> Result<Response, PageError> {
    let case = match fields.opt("case_id") {
        Some(id) => Some(viewer.case(&state, id).await?),
        None => None,
    };
    let q = CalculatorQuery {
        rule: fields.opt("rule").map(str::to_owned),
        trigger_date: fields.opt("trigger_date").map(str::to_owned),
        calendar: fields.opt("calendar").map(str::to_owned),
        pause_from: fields.opt("pause_from").map(str::to_owned),
        pause_to: fields.opt("pause_to").map(str::to_owned),
    };
    let errors = match &case {
        None => caseload_domain::FieldErrors::single("case_id", "must be chosen"),
        Some(case) => {
            let fields = Fields(
                ["rule", "trigger_date", "calendar", "pause_from", "pause_to"]
                    .iter()
                    .map(|k| ((*k).to_owned(), fields.get(k).to_owned()))
                    .collect(),
            );
            match super::cases::save_deadline(&state, &viewer, case, &fields).await? {
                Ok(deadline) => return Ok(super::cases::deadline_saved(case, &deadline)),
                Err(errors) => errors,
            }
        }
    };
    let (mut page, _) = calculate_page(&state, &viewer, q).await?;
    page.case_id = fields.get("case_id").to_owned();
    let mut labels: Vec<(&str, &str)> = super::cases::DEADLINE_LABELS.to_vec();
    labels.push(("case_id", "Case"));
    page.errors
        .0
        .extend(FormErrors::labelled(&errors, &labels).0);
    render_invalid(&page)
}

/// The calculator for a query: the page, and whether it is free of errors.
async fn calculate_page(
    state: &AppState,
    viewer: &Viewer,
    q: CalculatorQuery,
) -> Result<(CalculatorPage, bool), PageError> {
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
        cases: Vec::new(),
        case_id: String::new(),
    };
    if page.q.rule.is_none() && page.q.trigger_date.is_none() {
        return Ok((page, true));
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
    // The form that adds the result to a case carries the calendar the
    // result was counted on, so the case gets the date shown.
    page.q.calendar = Some(division.as_str().to_owned());
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
        match calculate(state, &rule, trigger, division, &pauses).await {
            Ok(c) => {
                page.due_text = day(c.due_date);
                page.result = Some(c);
                if viewer.user.role.works_cases() {
                    // The case list names clients: a read like the queue's.
                    let (rows, ()) = tokio::try_join!(
                        async {
                            Ok::<_, PageError>(
                                state.store.caseload(&viewer.user.id, state.today()).await?,
                            )
                        },
                        viewer.audit(state, "case.list", "case", None),
                    )?;
                    let mut cases: Vec<(String, String)> = rows
                        .into_iter()
                        .map(|r| {
                            (
                                r.case.id.to_string(),
                                format!("{} — {}", r.case.client_name, r.case.title),
                            )
                        })
                        .collect();
                    cases.sort_by(|a, b| a.1.cmp(&b.1));
                    page.cases = cases;
                }
                return Ok((page, true));
            }
            Err(CalcError::Input(e)) => errors.0.extend(e.0),
            Err(CalcError::Store(e)) => return Err(e.into()),
        }
    }
    page.errors = FormErrors::labelled(&errors, labels);
    Ok((page, false))
}
