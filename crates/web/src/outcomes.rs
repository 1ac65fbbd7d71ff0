//! Required outcomes of a case (AG14 PC3): setting an outcome and recording
//! progress toward it. Called by the API (`api::outcomes`) and
//! `pages::outcomes`.

use caseload_domain::ids::OutcomeId;
use caseload_domain::records::OutcomeStatus;
use caseload_domain::text::{FieldErrors, limits, prose};
use caseload_store::{Case, NewOutcome, NewProgress, Outcome, WriteCtx};
use jiff::civil::Date;

use crate::AppState;
use crate::problem::Refused;

/// Set a required outcome on a case.
pub async fn add(
    state: &AppState,
    ctx: &WriteCtx,
    case: &Case,
    description: &str,
    target_date: Option<Date>,
) -> Result<Outcome, Refused> {
    let new = parse_outcome(&case.id, description, target_date)?;
    Ok(state.store.add_outcome(&new, ctx).await?)
}

/// The outcome of this case with this id.
pub async fn on_case(state: &AppState, case: &Case, id: &str) -> Result<Outcome, Refused> {
    let id = OutcomeId::parse(id).ok_or(Refused::Missing("outcome"))?;
    let outcome = state.store.get_outcome(&id).await?;
    if outcome.case_id != case.id {
        return Err(Refused::Missing("outcome"));
    }
    Ok(outcome)
}

/// Record progress toward one of a case's outcomes, with its status after.
pub async fn progress(
    state: &AppState,
    ctx: &WriteCtx,
    case: &Case,
    outcome_id: &str,
    status: OutcomeStatus,
    text: &str,
) -> Result<Outcome, Refused> {
    let outcome = on_case(state, case, outcome_id).await?;
    let text = prose("text", text, limits::SUMMARY)?;
    let new = NewProgress {
        outcome_id: outcome.id,
        status,
        text,
    };
    Ok(state.store.add_outcome_progress(&new, ctx).await?)
}

pub fn parse_outcome(
    case_id: &caseload_domain::ids::CaseId,
    description: &str,
    target_date: Option<Date>,
) -> Result<NewOutcome, FieldErrors> {
    let description =
        prose("description", description, limits::SUMMARY).map_err(|e| FieldErrors(vec![e]))?;
    if let Some(d) = target_date
        && (d.year() < 2000 || d.year() > 2200)
    {
        return Err(FieldErrors::single(
            "target_date",
            "must be a plausible date",
        ));
    }
    Ok(NewOutcome {
        case_id: case_id.clone(),
        description,
        target_date,
    })
}
