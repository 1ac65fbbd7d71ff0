//! Priorities (SPEC C2; AG14 PC7–PC12, PC15): policies as versioned data,
//! assessments that explain themselves, overrides with a written rationale,
//! the priority history and the queue (notifications: `super::notifications`).

use std::collections::BTreeMap;

use axum::Json;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::IntoResponse;
use caseload_domain::priority::{
    Answer, Band, Criterion, Facts, HardRule, Policy, PolicyProblem, assess,
};
use caseload_domain::text::{FieldErrors, limits, prose};
use caseload_domain::users::Role;
use caseload_store::{
    Case, CaseloadRow, NewAssessment, NewOverride, PolicyVersion, PriorityChange,
};
use jiff::civil::Date;
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use crate::AppState;
use crate::auth::{Caller, QueueCaller};
use crate::caseloads::SharedRow;
use crate::extract::ApiJson;
use crate::problem::ApiError;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

pub(crate) fn problems_to_fields(problems: Vec<PolicyProblem>) -> FieldErrors {
    FieldErrors(
        problems
            .into_iter()
            .map(|p| caseload_domain::FieldError::new(p.location, p.message))
            .collect(),
    )
}

/// The policy in force for a service area: the latest version of the policy
/// that lists the area, else the generic one.
pub async fn policy_for(
    state: &AppState,
    area: &str,
) -> Result<(PolicyVersion, std::sync::Arc<Policy>), ApiError> {
    chosen_policy(state, area, None).await
}

/// The policy named (a specialist one, such as domestic abuse), or the one in
/// force for the area.
pub async fn chosen_policy(
    state: &AppState,
    area: &str,
    named: Option<&str>,
) -> Result<(PolicyVersion, std::sync::Arc<Policy>), ApiError> {
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
fn in_force<'a>(
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

/// Facts Caseload works out for the derived criteria (see
/// `reevaluation::facts`), for one case as it stands now.
pub async fn facts_for(state: &AppState, case: &Case) -> Result<Facts, ApiError> {
    let row = state.store.caseload_row(&case.id, state.today()).await?;
    let calendar = state.reference().await?.team_calendar(&case.team_id);
    Ok(crate::reevaluation::facts(
        &row,
        &calendar,
        state.today(),
        state.clock.now(),
    ))
}

#[derive(Debug, Serialize, ToSchema)]
pub struct PolicySummary {
    pub policy_id: String,
    pub name: String,
    pub version: i64,
    pub service_areas: Vec<String>,
}

/// Handles `GET /api/v1/policies`: the latest version of each policy.
#[utoipa::path(get, path = "/api/v1/policies", tag = "priorities", responses((status = 200, body = Vec<PolicySummary>)))]
pub async fn list_policies(
    State(state): State<AppState>,
    _caller: Caller,
) -> Result<Json<Vec<PolicySummary>>, ApiError> {
    let list = state.store.list_policies().await?;
    Ok(Json(
        list.into_iter()
            .map(|p| PolicySummary {
                policy_id: p.policy_id,
                name: p.name,
                version: p.version,
                service_areas: p.service_areas,
            })
            .collect(),
    ))
}

/// A policy in structured form: its criteria, bands and rules, from which
/// a client can build an assessment form without reading TOML.
#[derive(Debug, Serialize, ToSchema)]
pub struct PolicyDetail {
    pub id: String,
    pub name: String,
    /// The service areas this policy is for.
    pub service_areas: Vec<String>,
    /// Reassess a case at least this often.
    pub review_interval_days: u32,
    /// Most urgent first.
    pub bands: Vec<Band>,
    /// The questions an assessment answers, with their points.
    pub criteria: Vec<Criterion>,
    /// Hard rules: answers that raise a case to at least a band.
    pub rules: Vec<HardRule>,
}

impl From<Policy> for PolicyDetail {
    fn from(p: Policy) -> Self {
        PolicyDetail {
            id: p.id,
            name: p.name,
            service_areas: p.service_areas,
            review_interval_days: p.review_interval_days,
            bands: p.bands,
            criteria: p.criteria,
            rules: p.rules,
        }
    }
}

/// A stored version of a policy: its TOML source (`body`) and, beside it,
/// the same policy in structured form.
#[derive(Debug, Serialize, ToSchema)]
pub struct PolicyVersionDetail {
    #[serde(flatten)]
    pub version: PolicyVersion,
    /// The policy read from `body`.
    pub policy: PolicyDetail,
}

impl PolicyVersionDetail {
    fn of(version: PolicyVersion) -> Result<Self, ApiError> {
        // Every stored version was checked on import: one that no longer
        // parses is the server's fault, not the caller's.
        let policy = Policy::parse(&version.body).map_err(|problems| {
            ApiError::unexpected(&std::io::Error::other(format!(
                "the stored policy {} v{} no longer parses: {}",
                version.policy_id,
                version.version,
                problems
                    .first()
                    .map(ToString::to_string)
                    .unwrap_or_default()
            )))
        })?;
        Ok(PolicyVersionDetail {
            version,
            policy: policy.into(),
        })
    }
}

/// Handles `GET /api/v1/policies/{id}`: every version, oldest first, each
/// as TOML and in structured form.
#[utoipa::path(get, path = "/api/v1/policies/{id}", tag = "priorities", params(("id" = String, Path)),
    responses((status = 200, body = Vec<PolicyVersionDetail>)))]
pub async fn policy_versions(
    State(state): State<AppState>,
    _caller: Caller,
    Path(id): Path<String>,
) -> Result<Json<Vec<PolicyVersionDetail>>, ApiError> {
    let versions = state.store.policy_versions(&id).await?;
    if versions.is_empty() {
        return Err(ApiError::not_found("policy"));
    }
    let detailed = versions
        .into_iter()
        .map(PolicyVersionDetail::of)
        .collect::<Result<_, _>>()?;
    Ok(Json(detailed))
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ImportPolicyBody {
    /// The policy file (TOML), as `caseload policy export` writes it.
    pub toml: String,
}

/// Check and save a policy as its next version (unchanged text is not a new version).
pub async fn import_policy(
    state: &AppState,
    text: &str,
    by: Option<&caseload_domain::ids::UserId>,
) -> Result<(PolicyVersion, bool), ApiError> {
    let policy = Policy::parse(text).map_err(problems_to_fields)?;
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

/// Handles `POST /api/v1/policies`: import a policy file as a new version (administrators).
#[utoipa::path(post, path = "/api/v1/policies", tag = "priorities", request_body = ImportPolicyBody,
    responses((status = 201, body = PolicyVersion), (status = 200, description = "Unchanged: the latest version", body = PolicyVersion)))]
pub async fn create_policy(
    State(state): State<AppState>,
    caller: Caller,
    ApiJson(body): ApiJson<ImportPolicyBody>,
) -> Result<(StatusCode, Json<PolicyVersion>), ApiError> {
    if caller.user.role != Role::Admin {
        return Err(ApiError::Forbidden(
            "only administrators change priority policies".into(),
        ));
    }
    let (saved, new) = import_policy(&state, &body.toml, Some(&caller.user.id)).await?;
    Ok((
        if new {
            StatusCode::CREATED
        } else {
            StatusCode::OK
        },
        Json(saved),
    ))
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct AssessBody {
    /// Criterion id → answer: `true`/`false`, a whole number, or an option id.
    #[schema(value_type = Object)]
    pub answers: BTreeMap<String, Answer>,
    /// A specialist policy (e.g. `domestic_abuse`); default: the one for the case's service area.
    pub policy: Option<String>,
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
    caller_id: &caseload_store::WriteCtx,
    case: &Case,
    policy_id: Option<&str>,
    answers: &BTreeMap<String, Answer>,
) -> Result<AssessmentResult, ApiError> {
    let (version, policy) = chosen_policy(state, case.service_area.as_str(), policy_id).await?;
    let facts = facts_for(state, case).await?;
    let verdict = assess(&policy, answers, &facts).map_err(problems_to_fields)?;
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

/// Handles `POST /api/v1/cases/{id}/assessments`: assess a case against the
/// policy in force for its service area.
#[utoipa::path(post, path = "/api/v1/cases/{id}/assessments", tag = "priorities", params(("id" = String, Path)),
    request_body = AssessBody, responses((status = 201, body = AssessmentResult)))]
pub async fn create_assessment(
    State(state): State<AppState>,
    caller: Caller,
    Path(id): Path<String>,
    ApiJson(body): ApiJson<AssessBody>,
) -> Result<(StatusCode, Json<AssessmentResult>), ApiError> {
    let case = caller.case(&state, &id).await?;
    let result = assess_case(
        &state,
        &caller.write_ctx(&state),
        &case,
        body.policy.as_deref(),
        &body.answers,
    )
    .await?;
    Ok((StatusCode::CREATED, Json(result)))
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct OverrideBody {
    /// The band to set, e.g. `P2`.
    pub band: String,
    /// Why, in words: required.
    #[schema(schema_with = crate::api::text::prose::<{ limits::REASON }>)]
    pub rationale: String,
}

/// Check an override: a known band, a rationale, and only a supervisor below a hard rule's band.
pub async fn check_override(
    state: &AppState,
    user: &caseload_store::User,
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

/// Handles `POST /api/v1/cases/{id}/priority-override`.
#[utoipa::path(post, path = "/api/v1/cases/{id}/priority-override", tag = "priorities", params(("id" = String, Path)),
    request_body = OverrideBody, responses((status = 201, body = PriorityChange)))]
pub async fn override_priority(
    State(state): State<AppState>,
    caller: Caller,
    Path(id): Path<String>,
    ApiJson(body): ApiJson<OverrideBody>,
) -> Result<(StatusCode, Json<PriorityChange>), ApiError> {
    let case = caller.case(&state, &id).await?;
    let new = check_override(&state, &caller.user, &case, &body.band, &body.rationale).await?;
    let change = state
        .store
        .override_priority(&new, &caller.write_ctx(&state))
        .await?;
    Ok((StatusCode::CREATED, Json(change)))
}

/// Handles `GET /api/v1/cases/{id}/priority-history`: every change of band, oldest first.
#[utoipa::path(get, path = "/api/v1/cases/{id}/priority-history", tag = "priorities", params(("id" = String, Path)),
    responses((status = 200, body = Vec<PriorityChange>)))]
pub async fn history(
    State(state): State<AppState>,
    caller: Caller,
    Path(id): Path<String>,
) -> Result<Json<Vec<PriorityChange>>, ApiError> {
    let case = caller.case(&state, &id).await?;
    let history = state.store.priority_history(&case.id).await?;
    caller
        .audit(&state, "case.priority.read", "case", Some(case.id.as_str()))
        .await?;
    Ok(Json(history))
}

/// One row of the prioritised queue.
#[derive(Debug, Serialize, ToSchema)]
pub struct QueueRow {
    // Shared with the kept caseload (`crate::caseloads`), not copied; not
    // a doc comment, which would become the schema's description.
    #[serde(flatten)]
    #[schema(value_type = CaseloadRow)]
    pub row: std::sync::Arc<SharedRow>,
    /// `P1`…, or none before the first assessment.
    pub band: Option<String>,
    pub band_name: Option<String>,
    /// Why the case has its band: the latest assessment's rationale in words.
    pub why: Vec<String>,
    /// `no_assessment`, `assessment_due`, `high_priority_no_next_action`,
    /// `high_priority_not_contacted`, `deadline_at_risk`, `deadline_breached`,
    /// `timescale_at_risk`, `timescale_breached`, `overdue_tasks`: only what
    /// needs action now. (A late entry always carries its reason: it is
    /// history, on the timeline, not a flag.)
    pub flags: Vec<String>,
    /// The case's timescale clocks and deadlines, each with its state.
    pub timescales: crate::timescales::CaseTimescales,
    /// When the most pressing at-risk or breached item is (was) due.
    #[schema(value_type = Option<String>, format = Date)]
    #[serde(serialize_with = "caseload_domain::json::option_date")]
    pub attention_due: Option<Date>,
}

/// `QueueRow` but its row: written after the row's own (kept) JSON.
/// `queue_json` holds the two to the bytes `Serialize` gives a `QueueRow`.
#[derive(Serialize)]
struct QueueRowRest<'a> {
    band: &'a Option<String>,
    band_name: &'a Option<String>,
    why: &'a Vec<String>,
    flags: &'a Vec<String>,
    timescales: &'a crate::timescales::CaseTimescales,
    #[serde(serialize_with = "caseload_domain::json::option_date")]
    attention_due: &'a Option<Date>,
}

/// The queue's JSON: the same bytes as serializing the rows, but each
/// row's own part is the one its `SharedRow` wrote once.
pub fn queue_json(rows: &[QueueRow]) -> Result<Vec<u8>, serde_json::Error> {
    // About 1.5 kB a row.
    let mut out = Vec::with_capacity(2048 * rows.len() + 2);
    out.push(b'[');
    for (i, q) in rows.iter().enumerate() {
        if i > 0 {
            out.push(b',');
        }
        // The row's object without its closing brace, then the rest's
        // object with its opening brace turned into a comma. Neither is
        // ever empty: both have fields that are always written.
        let row = q.row.json()?;
        out.extend_from_slice(&row[..row.len() - 1]);
        let at = out.len();
        serde_json::to_writer(
            &mut out,
            &QueueRowRest {
                band: &q.band,
                band_name: &q.band_name,
                why: &q.why,
                flags: &q.flags,
                timescales: &q.timescales,
                attention_due: &q.attention_due,
            },
        )?;
        out[at] = b',';
    }
    out.push(b']');
    Ok(out)
}

/// The words of a rationale's reasons: all the queue shows of them.
#[derive(serde::Deserialize)]
struct Words {
    words: String,
}

/// The prioritised queue: active cases by band; within a band, cases with a
/// breached item first, then those at risk, each by the nearest such item;
/// then by the nearest due task, then oldest first. Flags say what needs
/// attention. Everything comes from the rows the store gives (one query):
/// no per-case reads.
pub async fn queue_of(state: &AppState, rows: Vec<CaseloadRow>) -> Result<Vec<QueueRow>, ApiError> {
    let rows = rows
        .into_iter()
        .map(|row| std::sync::Arc::new(SharedRow::new(row)))
        .collect();
    queue(state, rows).await
}

/// `queue_of` rows already shared (as the kept caseloads are).
pub async fn queue(
    state: &AppState,
    rows: Vec<std::sync::Arc<SharedRow>>,
) -> Result<Vec<QueueRow>, ApiError> {
    use caseload_domain::timescales::ClockKind;
    let now = state.clock.now();
    let mut policies: BTreeMap<String, Option<std::sync::Arc<Policy>>> = BTreeMap::new();
    // Policies by id, for cases assessed under one other than their area's.
    let mut named: BTreeMap<String, Option<std::sync::Arc<Policy>>> = BTreeMap::new();
    // The policies in force, read once for the whole queue.
    let reference = state.reference().await?;
    let stored = &reference.policies;
    let timescales = crate::timescales::for_rows(state, &reference, rows.iter().map(|r| &r.row))?;
    let mut out = Vec::with_capacity(rows.len());
    for (row, timescales) in rows.into_iter().zip(timescales) {
        let area = row.case.service_area.as_str().to_owned();
        if !policies.contains_key(&area) {
            let policy = in_force(stored, &area, None).and_then(|v| reference.policy(v).ok());
            policies.insert(area.clone(), policy);
        }
        let policy = policies.get(&area).and_then(Option::as_ref);
        let band = policy.and_then(|p| {
            row.case
                .priority_band
                .as_ref()
                .and_then(|b| p.bands.iter().find(|x| &x.id == b))
        });
        let high = policy.is_some_and(|p| {
            row.case
                .priority_band
                .as_deref()
                .is_some_and(|b| p.is_high(b))
        });
        // Reassessment falls due by the review interval of the policy the
        // case was assessed under (a specialist one, such as domestic
        // abuse's 14 days, may differ from its area's).
        let assessed_under = match row.assessment.as_ref() {
            Some(a) if Some(a.policy_id.as_str()) != policy.map(|p| p.id.as_str()) => {
                if !named.contains_key(&a.policy_id) {
                    let found = stored
                        .iter()
                        .find(|v| v.policy_id == a.policy_id)
                        .and_then(|v| reference.policy(v).ok());
                    named.insert(a.policy_id.clone(), found);
                }
                named.get(&a.policy_id).and_then(Option::as_ref).or(policy)
            }
            _ => policy,
        };
        let mut flags = Vec::new();
        match (row.case.assessed_at, assessed_under) {
            (None, _) => flags.push("no_assessment".to_owned()),
            (Some(at), Some(p))
                if now.duration_since(at).as_secs()
                    > i64::from(p.review_interval_days) * 86_400 =>
            {
                flags.push("assessment_due".to_owned())
            }
            _ => {}
        }
        if high && row.next_task_title.is_none() {
            flags.push("high_priority_no_next_action".to_owned());
        }
        if high
            && timescales.clocks.iter().any(|r| {
                r.clock == ClockKind::FirstContact
                    && matches!(r.state, caseload_domain::timescales::State::Breached { .. })
            })
        {
            flags.push("high_priority_not_contacted".to_owned());
        }
        let worst = |list: &mut dyn Iterator<Item = u8>| list.max().unwrap_or(0);
        match worst(&mut timescales.deadlines.iter().map(|d| d.state.severity())) {
            2 => flags.push("deadline_breached".to_owned()),
            1 => flags.push("deadline_at_risk".to_owned()),
            _ => {}
        }
        match worst(&mut timescales.clocks.iter().map(|r| r.state.severity())) {
            2 => flags.push("timescale_breached".to_owned()),
            1 => flags.push("timescale_at_risk".to_owned()),
            _ => {}
        }
        if row.overdue_tasks > 0 {
            flags.push("overdue_tasks".to_owned());
        }
        let why = row
            .assessment
            .as_ref()
            .and_then(|a| serde_json::from_str::<Vec<Words>>(&a.rationale).ok())
            .map(|r| r.into_iter().map(|x| x.words).collect())
            .unwrap_or_default();
        let (_, attention_due) = timescales.attention();
        out.push(QueueRow {
            band: band
                .map(|b| b.id.clone())
                .or(row.case.priority_band.clone()),
            band_name: band.map(|b| b.name.clone()),
            why,
            flags,
            attention_due,
            timescales,
            row,
        });
    }
    // Band first (unassessed cases sit after the two high bands: they need
    // assessing), then breached before at risk, each by the nearest such
    // item, then the nearest due task, then the oldest case.
    let rank = |q: &QueueRow| -> u32 {
        match q.band.as_deref() {
            Some(b) => b
                .trim_start_matches('P')
                .parse::<u32>()
                .map(|n| n * 2)
                .unwrap_or(100),
            None => 5,
        }
    };
    // Each row's key is worked out once, not at every comparison.
    out.sort_by_cached_key(|q| {
        let (severity, due) = q.timescales.attention();
        (
            rank(q),
            std::cmp::Reverse(severity),
            due.unwrap_or(Date::MAX),
            q.row.next_task_due.unwrap_or(Date::MAX),
            q.row.case.created_at,
        )
    });
    Ok(out)
}

/// Handles `GET /api/v1/caseload`: my prioritised queue.
#[utoipa::path(get, path = "/api/v1/caseload", tag = "priorities", responses((status = 200, body = Vec<QueueRow>)))]
pub async fn caseload(
    State(state): State<AppState>,
    QueueCaller { caller, mark }: QueueCaller,
) -> Result<axum::response::Response, ApiError> {
    caller.case_scope()?;
    // The read's audit event is made durable while the queue is read: the
    // answer still waits for both. The rows are those kept from the
    // caller's last look if their caseload's mark says nothing has changed.
    let (rows, audited) = tokio::join!(
        state
            .caseloads
            .rows(&*state.store, &caller.user, &mark, state.today()),
        caller.audit(&state, "case.list", "case", None)
    );
    audited?;
    let rows = queue(&state, rows?).await?;
    let body = queue_json(&rows).map_err(|e| ApiError::unexpected(&e))?;
    Ok((
        [(
            axum::http::header::CONTENT_TYPE,
            axum::http::HeaderValue::from_static("application/json"),
        )],
        body,
    )
        .into_response())
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

/// What a re-evaluation did.
#[derive(Debug, Default, Clone, Copy, PartialEq, Eq)]
pub struct Reevaluation {
    pub checked: usize,
    pub changed: usize,
}

/// Re-score every assessed active case with its latest answers and today's
/// facts (deadlines approaching, contact going quiet) against the policy in
/// force; where the band changes, record it with the cause `time`. A band a
/// person set by override stands until the next assessment. Running it
/// again changes nothing. (`crate::reevaluation` runs this and the
/// timescales together, in one pass over the cases.)
pub async fn reevaluate_all(
    state: &AppState,
    system_actor: &caseload_domain::ids::UserId,
) -> Result<Reevaluation, ApiError> {
    let run = crate::reevaluation::run(state, system_actor, true, false).await?;
    Ok(run.priorities)
}

/// The account Caseload records automatic changes under (re-evaluation as
/// time passes). It can never sign in: it has no password and is inactive.
pub async fn system_user(
    store: &dyn caseload_store::Store,
    at: jiff::Timestamp,
) -> Result<caseload_domain::ids::UserId, caseload_store::StoreError> {
    const EMAIL: &str = "system@caseload.invalid";
    if let Some(u) = store.find_user_by_email(EMAIL).await? {
        return Ok(u.id);
    }
    let email = caseload_domain::text::Email::parse("email", EMAIL).map_err(|e| {
        caseload_store::StoreError::Conflict(caseload_store::ConflictKind::Refused(e.message))
    })?;
    let user = store
        .create_user(
            &caseload_store::NewUser {
                email,
                name: "Caseload (automatic)".into(),
                role: Role::Auditor,
                team_id: None,
            },
            at,
        )
        .await?;
    store
        .update_user(
            &user.id,
            &caseload_store::UserChange {
                active: Some(false),
                ..Default::default()
            },
        )
        .await?;
    Ok(user.id)
}

/// This module's routes, each with its OpenAPI entry.
pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(list_policies, create_policy))
        .routes(routes!(policy_versions))
        .routes(routes!(create_assessment))
        .routes(routes!(override_priority))
        .routes(routes!(history))
        .routes(routes!(caseload))
}
