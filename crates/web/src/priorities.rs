//! Priorities (SPEC C2; AG14 PC7–PC12, PC15): the policy in force for a
//! case, importing a policy as its next version, assessing a case and
//! overriding its band. One function per operation, called by both the API
//! (`api::priority`) and the pages (`pages::priority`, `pages::policies`);
//! the scoring itself is `caseload_domain::priority`'s.

use std::collections::BTreeMap;
use std::sync::Arc;

use caseload_domain::ids::UserId;
use caseload_domain::priority::{Answer, Facts, Policy, assess};
use caseload_domain::text::{FieldErrors, limits, prose};
use caseload_domain::users::Role;
use caseload_store::{
    Case, NewAssessment, NewOverride, PolicyVersion, PriorityChange, StoreError, User, WriteCtx,
};
use serde::Serialize;
use utoipa::ToSchema;

use crate::AppState;
use crate::problem::ApiError;

/// The policy in force for a service area: the latest version of the policy
/// that lists the area, else the generic one.
pub async fn policy_for(
    state: &AppState,
    area: &str,
) -> Result<(PolicyVersion, Arc<Policy>), ApiError> {
    chosen_policy(state, area, None).await
}

/// The policy named (a specialist one, such as domestic abuse), or the one in
/// force for the area.
pub async fn chosen_policy(
    state: &AppState,
    area: &str,
    named: Option<&str>,
) -> Result<(PolicyVersion, Arc<Policy>), ApiError> {
    let reference = state.reference().await?;
    let policies = &reference.policies;
    if let Some(id) = named
        && !policies.iter().any(|p| p.policy_id == id)
    {
        return Err(FieldErrors::single("policy", format!("there is no policy {id:?}")).into());
    }
    let chosen = in_force(policies, area, named).ok_or_else(|| {
        ApiError::Conflict(
            "no priority policy covers this service area; an administrator must import one".into(),
        )
    })?;
    let policy = reference.policy(chosen).map_err(|e| {
        ApiError::Conflict(format!(
            "the stored policy {} v{} no longer parses: {}",
            chosen.policy_id,
            chosen.version,
            e.len()
        ))
    })?;
    Ok((chosen.clone(), policy))
}

/// Of the latest policy versions, the one named, else the one for the
/// area, else the generic one.
pub(crate) fn in_force<'a>(
    policies: &'a [PolicyVersion],
    area: &str,
    named: Option<&str>,
) -> Option<&'a PolicyVersion> {
    match named {
        Some(id) => policies.iter().find(|p| p.policy_id == id),
        None => policies
            .iter()
            .find(|p| p.service_areas.iter().any(|a| a == area)),
    }
    .or_else(|| policies.iter().find(|p| p.policy_id == "generic"))
}

/// Facts Caseload works out for the derived criteria
/// (`caseload_domain::priority::facts`), for one case as it stands now.
pub async fn facts_for(state: &AppState, case: &Case) -> Result<Facts, ApiError> {
    let row = state.store.caseload_row(&case.id, state.today()).await?;
    let calendar = state.reference().await?.team_calendar(&case.team_id);
    Ok(caseload_domain::priority::facts(
        row.deadlines.iter().map(|d| (d.due, d.met)),
        row.last_contact,
        &calendar,
        state.today(),
        state.clock.now(),
    ))
}

/// Check and save a policy as its next version (unchanged text is not a new version).
pub async fn import_policy(
    state: &AppState,
    text: &str,
    by: Option<&UserId>,
) -> Result<(PolicyVersion, bool), ApiError> {
    let policy = Policy::parse(text).map_err(FieldErrors::from)?;
    let body = policy.to_toml();
    let existing = state.store.policy_versions(&policy.id).await?;
    if let Some(last) = existing.last()
        && last.body == body
    {
        return Ok((last.clone(), false));
    }
    let saved = state
        .store
        .save_policy_version(
            &policy.id,
            &policy.name,
            &policy.service_areas,
            &body,
            by,
            state.clock.now(),
        )
        .await?;
    Ok((saved, true))
}

/// Load the shipped default packs as version 1 of each policy, if the
/// database holds no policies yet (a new installation). Editable copies:
/// an administrator exports, edits and imports them as new versions.
pub async fn ensure_default_policies(
    store: &dyn caseload_store::Store,
    at: jiff::Timestamp,
) -> Result<usize, caseload_store::StoreError> {
    if !store.list_policies().await?.is_empty() {
        return Ok(0);
    }
    let mut count = 0;
    for (_, text) in caseload_domain::priority::DEFAULT_PACKS {
        if let Ok(p) = Policy::parse(text) {
            store
                .save_policy_version(&p.id, &p.name, &p.service_areas, &p.to_toml(), None, at)
                .await?;
            count += 1;
        }
    }
    Ok(count)
}

#[derive(Debug, Serialize, ToSchema)]
pub struct AssessmentResult {
    pub id: String,
    pub policy_id: String,
    pub policy_version: i64,
    pub score: i64,
    pub band: String,
    pub band_name: String,
    /// Every criterion and rule that contributed, with its points, in words.
    #[schema(value_type = Vec<Object>)]
    pub rationale: Vec<caseload_domain::priority::Reason>,
    /// Tasks the hard rules created on the case.
    pub tasks: Vec<String>,
    #[schema(value_type = String, format = DateTime)]
    pub assessed_at: jiff::Timestamp,
}

/// Assess a case against the policy in force and record the result.
pub async fn assess_case(
    state: &AppState,
    caller_id: &WriteCtx,
    case: &Case,
    policy_id: Option<&str>,
    answers: &BTreeMap<String, Answer>,
) -> Result<AssessmentResult, ApiError> {
    let (version, policy) = chosen_policy(state, case.service_area.as_str(), policy_id).await?;
    let facts = facts_for(state, case).await?;
    let verdict = assess(&policy, answers, &facts).map_err(FieldErrors::from)?;
    let enters_high = policy.enters_high(case.priority_band.as_deref(), &verdict.band);
    let floor = verdict.floor.clone();
    let summary = verdict
        .rationale
        .iter()
        .map(|r| r.words.clone())
        .collect::<Vec<_>>()
        .join("; ");
    let new = NewAssessment {
        case_id: case.id.clone(),
        policy_id: version.policy_id.clone(),
        policy_version: version.version,
        answers: serde_json::to_value(answers).unwrap_or_default(),
        score: i64::from(verdict.score),
        band: verdict.band.clone(),
        rationale: serde_json::to_value(&verdict.rationale).unwrap_or_default(),
        summary,
        floor,
        tasks: verdict.tasks.clone(),
        notify: enters_high.then(|| {
            format!(
                "{} — {}: now {} {}. {}",
                case.client_name,
                case.title,
                verdict.band,
                verdict.band_name,
                verdict
                    .rationale
                    .first()
                    .map(|r| r.words.as_str())
                    .unwrap_or("")
            )
        }),
    };
    let saved = state.store.record_assessment(&new, caller_id).await?;
    Ok(AssessmentResult {
        id: saved.id.to_string(),
        policy_id: saved.policy_id,
        policy_version: saved.policy_version,
        score: saved.score,
        band: verdict.band,
        band_name: verdict.band_name,
        rationale: verdict.rationale,
        tasks: verdict.tasks,
        assessed_at: saved.assessed_at,
    })
}

/// Check an override: a known band, a rationale, and only a supervisor below a hard rule's band.
pub async fn check_override(
    state: &AppState,
    user: &User,
    case: &Case,
    band: &str,
    rationale: &str,
) -> Result<NewOverride, ApiError> {
    let (_, policy) = policy_for(state, case.service_area.as_str()).await?;
    let mut errors = FieldErrors::new();
    let index = policy.bands.iter().position(|b| b.id == band);
    if index.is_none() {
        let ids: Vec<&str> = policy.bands.iter().map(|b| b.id.as_str()).collect();
        errors.push("band", format!("must be one of {}", ids.join(", ")));
    }
    let rationale = errors.take(prose("rationale", rationale, limits::REASON));
    errors.into_result()?;
    let index = index.unwrap_or(0);
    if let Some(floor) = case.priority_floor.as_deref()
        && let Some(floor_index) = policy.bands.iter().position(|b| b.id == floor)
        && index > floor_index
        && index
            > case
                .priority_band
                .as_deref()
                .and_then(|b| policy.bands.iter().position(|x| x.id == b))
                .unwrap_or(0)
        && user.role != Role::Supervisor
    {
        return Err(ApiError::Forbidden(format!(
            "a hard rule set this case to {floor}; lowering it below {floor} needs a supervisor"
        )));
    }
    let enters_high = policy.enters_high(case.priority_band.as_deref(), band);
    let rationale = rationale.unwrap_or_default();
    Ok(NewOverride {
        case_id: case.id.clone(),
        cause: "override".into(),
        band: band.to_owned(),
        notify: enters_high.then(|| {
            format!(
                "{} — {}: raised to {band} by {}. {rationale}",
                case.client_name, case.title, user.name
            )
        }),
        rationale,
    })
}

/// Why a band was not overridden.
#[derive(Debug)]
pub enum OverrideError {
    /// The override is refused: an unknown band, no rationale (422), or
    /// below a hard rule's band without being a supervisor (403).
    Refused(ApiError),
    Store(StoreError),
}

impl From<OverrideError> for ApiError {
    fn from(e: OverrideError) -> Self {
        match e {
            OverrideError::Refused(e) => e,
            OverrideError::Store(e) => e.into(),
        }
    }
}

/// Set a case's band by hand, with a written rationale (AG14 PC10): it
/// stands until the next assessment.
pub async fn override_band(
    state: &AppState,
    ctx: &WriteCtx,
    user: &User,
    case: &Case,
    band: &str,
    rationale: &str,
) -> Result<PriorityChange, OverrideError> {
    let new = check_override(state, user, case, band, rationale)
        .await
        .map_err(OverrideError::Refused)?;
    state
        .store
        .override_priority(&new, ctx)
        .await
        .map_err(OverrideError::Store)
}
