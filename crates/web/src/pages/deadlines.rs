//! The deadline calculator page: pick a rule, give the trigger date (and any
//! clock stop), see the due date and how it was reached — and add it to one
//! of your active cases in one step.

use askama::Template;
use axum::extract::{Path, Query, State};
use axum::response::Response;
use caseload_domain::calendars::Division;
use caseload_domain::deadlines::Pause;
use caseload_domain::text::FieldErrors;
use caseload_store::Case;
use serde::Deserialize;

use super::cases::{Header, header, parse_date};
use super::format::day;
use super::{
    Chrome, CsrfForm, Fields, FormErrors, PageError, Viewer, render, render_invalid, see_saved,
};
use crate::AppState;
use crate::deadlines::{CalcError, Calculation, calculate};

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
            match save_deadline(&state, &viewer, case, &fields).await? {
                Ok(deadline) => return Ok(deadline_saved(case, &deadline)),
                Err(errors) => errors,
            }
        }
    };
    let (mut page, _) = calculate_page(&state, &viewer, q).await?;
    page.case_id = fields.get("case_id").to_owned();
    let mut labels: Vec<(&str, &str)> = DEADLINE_LABELS.to_vec();
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
            Err(CalcError::Missing(_)) => return Err(PageError::NotFound),
            Err(CalcError::Store(e)) => return Err(e.into()),
        }
    }
    page.errors = FormErrors::labelled(&errors, labels);
    Ok((page, false))
}

// ---- Deadlines ----------------------------------------------------------------

#[derive(Template)]
#[template(path = "deadline_form.html")]
pub struct DeadlineForm {
    pub chrome: Chrome,
    pub case: Header,
    pub errors: FormErrors,
    pub fields: Fields,
    pub rules: Vec<(String, String)>,
    pub calendars: Vec<(&'static str, &'static str)>,
}

fn deadline_form(
    state: &AppState,
    viewer: &Viewer,
    case: &Case,
    fields: Fields,
    errors: FormErrors,
) -> DeadlineForm {
    DeadlineForm {
        chrome: viewer.chrome("caseload"),
        case: header(case, state),
        errors,
        fields,
        rules: state
            .deadlines
            .rules
            .iter()
            .map(|r| (r.id.clone(), r.name.clone()))
            .collect(),
        calendars: caseload_domain::calendars::Division::ALL
            .iter()
            .map(|d| (d.as_str(), d.label()))
            .collect(),
    }
}

/// Handles `GET /cases/{id}/deadlines/new`.
pub async fn deadline_page(
    State(state): State<AppState>,
    viewer: Viewer,
    Path(id): Path<String>,
) -> Result<Response, PageError> {
    let case = viewer.case(&state, &id).await?;
    render(&deadline_form(
        &state,
        &viewer,
        &case,
        Fields::default(),
        FormErrors::default(),
    ))
}

/// Handles `POST /cases/{id}/deadlines/new`.
pub async fn add_deadline(
    State(state): State<AppState>,
    Path(id): Path<String>,
    CsrfForm(viewer, fields): CsrfForm,
) -> Result<Response, PageError> {
    let case = viewer.case(&state, &id).await?;
    match save_deadline(&state, &viewer, &case, &fields).await? {
        Ok(deadline) => Ok(deadline_saved(&case, &deadline)),
        Err(errors) => render_invalid(&deadline_form(
            &state,
            &viewer,
            &case,
            fields,
            FormErrors::labelled(&errors, DEADLINE_LABELS),
        )),
    }
}

/// Back to the case, saying which deadline was added.
pub fn deadline_saved(case: &Case, deadline: &caseload_store::Deadline) -> Response {
    see_saved(
        &format!("/cases/{}", case.id),
        "deadline",
        Some(deadline.id.as_str()),
        "deadlines",
    )
}

pub const DEADLINE_LABELS: &[(&str, &str)] = &[
    ("rule", "Deadline rule"),
    ("trigger_date", "Trigger date"),
    ("due_date", "Due date"),
    ("title", "Title"),
    ("pause_from", "Clock stop start"),
    ("pause_to", "Clock stop end"),
    ("pauses", "Clock stop"),
];

/// Add a deadline to `case` from a form's fields (the case's own form, or
/// the calculator's "add to a case"): the deadline, or what is wrong.
pub async fn save_deadline(
    state: &AppState,
    viewer: &Viewer,
    case: &Case,
    fields: &Fields,
) -> Result<Result<caseload_store::Deadline, FieldErrors>, PageError> {
    use caseload_domain::calendars::Division;
    use caseload_domain::deadlines::Pause;
    let mut errors = FieldErrors::new();
    let trigger = parse_date("trigger_date", fields.get("trigger_date"), &mut errors);
    let due = parse_date("due_date", fields.get("due_date"), &mut errors);
    let pause_from = parse_date("pause_from", fields.get("pause_from"), &mut errors);
    let pause_to = parse_date("pause_to", fields.get("pause_to"), &mut errors);
    let pauses = match (pause_from, pause_to) {
        (Some(from), Some(to)) => vec![Pause { from, to }],
        (None, None) => Vec::new(),
        _ => {
            errors.push(
                "pause_from",
                "and the end of the clock stop go together: give both dates or neither",
            );
            Vec::new()
        }
    };
    if errors.is_empty() {
        let input = crate::deadlines::DeadlineInput {
            rule: fields.opt("rule"),
            trigger_date: trigger,
            calendar: Division::parse(fields.get("calendar")),
            pauses,
            title: fields.opt("title"),
            due_date: due,
            assignee: None,
        };
        match crate::deadlines::add(state, &viewer.write_ctx(state), case, &input).await {
            Ok(deadline) => return Ok(Ok(deadline)),
            Err(crate::deadlines::CalcError::Input(e)) => errors.0.extend(e.0),
            Err(crate::deadlines::CalcError::Missing(_)) => return Err(PageError::NotFound),
            Err(crate::deadlines::CalcError::Store(e)) => return Err(e.into()),
        }
    }
    Ok(Err(errors))
}

/// This module's pages and forms, registered by `pages::router`.
pub fn router() -> axum::Router<crate::AppState> {
    use axum::routing::{get, post};
    axum::Router::new()
        .route(
            "/cases/{id}/deadlines/new",
            get(deadline_page).post(add_deadline),
        )
        .route("/deadlines/calculator/add", post(add_to_case))
        .route("/deadlines/calculator", get(calculator))
}
