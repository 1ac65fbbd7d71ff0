//! Priority pages: assess a case with a form generated from the policy in
//! force, see the band and why, override with a rationale, and read the
//! priority history (AG14 PC8, PC10, PC15).

use std::collections::BTreeMap;

use askama::Template;
use axum::extract::{Path, Query, State};
use axum::response::Response;
use caseload_domain::priority::{Answer, CriterionKind};
use serde::Deserialize;

use super::cases::{Header, header};
use super::{
    Chrome, CsrfForm, Fields, FormErrors, PageError, Viewer, render, render_invalid, see_saved,
};
use crate::AppState;
use crate::priorities::{OverrideError, assess_case, chosen_policy};
use crate::problem::ApiError;

pub struct Question {
    pub id: String,
    pub question: String,
    /// `yes_no`, `choice`, `number` or `derived`.
    pub kind: &'static str,
    pub options: Vec<(String, String)>,
    pub min: i64,
    pub max: i64,
    pub value: String,
}

#[derive(Template)]
#[template(path = "assess_form.html")]
pub struct AssessForm {
    pub chrome: Chrome,
    pub case: Header,
    pub errors: FormErrors,
    pub policy_id: String,
    pub policy_name: String,
    pub policy_version: i64,
    pub questions: Vec<Question>,
    pub other_policies: Vec<(String, String)>,
}

#[derive(Debug, Deserialize)]
pub struct AssessQuery {
    policy: Option<String>,
}

/// An error from the priority service as a page says it: bad input (an
/// unknown `policy` in the address, say) is the asker's, a 400 naming it;
/// a failure inside was logged where it happened, with this reference.
fn page_error(e: ApiError, _viewer: &Viewer) -> PageError {
    match e {
        ApiError::NotFound(_) => PageError::NotFound,
        ApiError::Forbidden(_) => PageError::Forbidden,
        ApiError::Conflict(m) => PageError::Conflict(m),
        ApiError::Validation(errors) => PageError::BadRequest(
            errors
                .0
                .iter()
                .map(|e| format!("The {} {}.", e.field, e.message))
                .collect::<Vec<_>>()
                .join(" "),
        ),
        ApiError::Internal { reference } => PageError::Internal { reference },
        other => PageError::BadRequest(other.problem().detail),
    }
}

async fn assess_form(
    state: &AppState,
    viewer: &Viewer,
    case: &caseload_store::Case,
    policy_id: Option<&str>,
    fields: &Fields,
    errors: FormErrors,
) -> Result<AssessForm, PageError> {
    let (version, policy) = chosen_policy(state, case.service_area.as_str(), policy_id)
        .await
        .map_err(|e| page_error(e, viewer))?;
    let previous: BTreeMap<String, Answer> = match state.store.latest_assessment(&case.id).await? {
        Some(a) if a.policy_id == version.policy_id => {
            serde_json::from_value(a.answers).unwrap_or_default()
        }
        _ => BTreeMap::new(),
    };
    let value_of = |id: &str| -> String {
        if let Some(v) = fields.opt(&format!("a_{id}")) {
            return v.to_owned();
        }
        match previous.get(id) {
            Some(Answer::YesNo(true)) => "yes".into(),
            Some(Answer::YesNo(false)) => "no".into(),
            Some(Answer::Number(n)) => n.to_string(),
            Some(Answer::Choice(c)) => c.clone(),
            None => String::new(),
        }
    };
    let questions = policy
        .criteria
        .iter()
        .map(|c| {
            let (kind, options, min, max) = match &c.kind {
                CriterionKind::YesNo { .. } => ("yes_no", Vec::new(), 0, 0),
                CriterionKind::Choice { options } => (
                    "choice",
                    options
                        .iter()
                        .map(|o| (o.id.clone(), o.label.clone()))
                        .collect(),
                    0,
                    0,
                ),
                CriterionKind::Number { min, max, .. } => ("number", Vec::new(), *min, *max),
                CriterionKind::DeadlineWithin { .. } | CriterionKind::NoContactFor { .. } => {
                    ("derived", Vec::new(), 0, 0)
                }
            };
            Question {
                id: c.id.clone(),
                question: c.question.clone(),
                kind,
                options,
                min,
                max,
                value: value_of(&c.id),
            }
        })
        .collect();
    let others = state
        .store
        .list_policies()
        .await?
        .into_iter()
        .filter(|p| p.policy_id != version.policy_id)
        .map(|p| (p.policy_id, p.name))
        .collect();
    Ok(AssessForm {
        chrome: viewer.chrome("caseload"),
        case: header(case, state),
        errors,
        policy_id: version.policy_id.clone(),
        policy_name: policy.name.clone(),
        policy_version: version.version,
        questions,
        other_policies: others,
    })
}

/// Handles `GET /cases/{id}/priority/assess`.
pub async fn assess_page(
    State(state): State<AppState>,
    viewer: Viewer,
    Path(id): Path<String>,
    Query(q): Query<AssessQuery>,
) -> Result<Response, PageError> {
    let case = viewer.case(&state, &id).await?;
    render(
        &assess_form(
            &state,
            &viewer,
            &case,
            q.policy.as_deref(),
            &Fields::default(),
            FormErrors::default(),
        )
        .await?,
    )
}

/// Handles `POST /cases/{id}/priority/assess`.
pub async fn assess(
    State(state): State<AppState>,
    Path(id): Path<String>,
    CsrfForm(viewer, fields): CsrfForm,
) -> Result<Response, PageError> {
    let case = viewer.case(&state, &id).await?;
    let policy_id = fields.opt("policy").map(str::to_owned);
    let (_, policy) = chosen_policy(&state, case.service_area.as_str(), policy_id.as_deref())
        .await
        .map_err(|e| page_error(e, &viewer))?;
    let mut answers = BTreeMap::new();
    let mut errors = caseload_domain::FieldErrors::new();
    for c in &policy.criteria {
        let Some(v) = fields.opt(&format!("a_{}", c.id)) else {
            continue;
        };
        let answer = match &c.kind {
            CriterionKind::YesNo { .. } => Some(Answer::YesNo(v == "yes")),
            CriterionKind::Choice { .. } => Some(Answer::Choice(v.to_owned())),
            CriterionKind::Number { .. } => match v.trim().parse::<i64>() {
                Ok(n) => Some(Answer::Number(n)),
                Err(_) => {
                    errors.push(&format!("answers.{}", c.id), "must be a whole number");
                    None
                }
            },
            _ => None,
        };
        if let Some(a) = answer {
            answers.insert(c.id.clone(), a);
        }
    }
    let labels: Vec<(String, String)> = policy
        .criteria
        .iter()
        .map(|c| (format!("answers.{}", c.id), c.question.clone()))
        .collect();
    let borrowed: Vec<(&str, &str)> = labels
        .iter()
        .map(|(a, b)| (a.as_str(), b.as_str()))
        .collect();
    if errors.is_empty() {
        match assess_case(
            &state,
            &viewer.write_ctx(&state),
            &case,
            policy_id.as_deref(),
            &answers,
        )
        .await
        {
            Ok(_) => {
                return Ok(see_saved(
                    &format!("/cases/{}", case.id),
                    "assessment",
                    None,
                    "priority",
                ));
            }
            Err(ApiError::Validation(e)) => errors.0.extend(e.0),
            Err(e) => return Err(page_error(e, &viewer)),
        }
    }
    let form = assess_form(
        &state,
        &viewer,
        &case,
        policy_id.as_deref(),
        &fields,
        FormErrors::labelled(&errors, &borrowed),
    )
    .await?;
    render_invalid(&form)
}

/// Handles `POST /cases/{id}/priority/override`.
pub async fn override_band(
    State(state): State<AppState>,
    Path(id): Path<String>,
    CsrfForm(viewer, fields): CsrfForm,
) -> Result<Response, PageError> {
    let case = viewer.case(&state, &id).await?;
    let changed = crate::priorities::override_band(
        &state,
        &viewer.write_ctx(&state),
        &viewer.user,
        &case,
        fields.get("band"),
        fields.get("rationale"),
    )
    .await;
    match changed {
        Ok(_) => Ok(see_saved(
            &format!("/cases/{}", case.id),
            "priority",
            None,
            "priority",
        )),
        Err(OverrideError::Refused(ApiError::Validation(e))) => {
            let message =
                e.0.iter()
                    .map(|x| {
                        format!(
                            "{} {}",
                            if x.field == "band" {
                                "Band"
                            } else {
                                "The reason"
                            },
                            x.message
                        )
                    })
                    .collect::<Vec<_>>()
                    .join("; ");
            super::cases::show_with_error(&state, &viewer, &case, "override", &message).await
        }
        Err(OverrideError::Refused(ApiError::Forbidden(m))) => {
            super::cases::show_with_error(
                &state,
                &viewer,
                &case,
                "override",
                &format!("Not changed: {m}"),
            )
            .await
        }
        Err(OverrideError::Refused(e)) => Err(page_error(e, &viewer)),
        Err(OverrideError::Store(e)) => Err(e.into()),
    }
}

/// This module's pages and forms, registered by `pages::router`.
pub fn router() -> axum::Router<crate::AppState> {
    use axum::routing::{get, post};
    axum::Router::new()
        .route("/cases/{id}/priority/assess", get(assess_page).post(assess))
        .route("/cases/{id}/priority/override", post(override_band))
}
