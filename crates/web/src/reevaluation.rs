//! Re-evaluation as time passes (SPEC C2, C3): one pass over every active
//! case, a page at a time from one query a page, that re-scores priorities
//! (deadlines approaching, contact going quiet) and then works out each
//! case's timescale states, telling owners (and supervisors, on a breach)
//! of what went at risk or was breached. `caseload reevaluate` runs it, and
//! `serve` hourly. Running it again changes nothing: band changes are only
//! made when the band differs, and each alert is remembered.

use std::collections::BTreeMap;

use caseload_domain::ids::{CaseId, UserId};
use caseload_domain::priority::{Answer, Policy, facts, rescore};
use caseload_domain::timescales::{State, Timescales};
use caseload_domain::users::Role;
use caseload_store::{CaseloadRow, NewAlert, NewOverride, Store, StoreError, WriteCtx};
use jiff::civil::Date;

use crate::AppState;
use crate::problem::ApiError;
use crate::timescales::{TimescaleRun, for_row};

/// Cases a re-evaluation reads at once: enough to amortise the query, few
/// enough to keep the server's memory flat on a national service.
pub const PAGE: u32 = 2_000;

/// What a re-evaluation of priorities did.
#[derive(Debug, Default, Clone, Copy, PartialEq, Eq)]
pub struct Reevaluation {
    pub checked: usize,
    pub changed: usize,
}

/// What one re-evaluation run did.
#[derive(Debug, Default, Clone, Copy, PartialEq, Eq)]
pub struct Reevaluated {
    pub priorities: Reevaluation,
    pub timescales: TimescaleRun,
}

/// Re-evaluate priorities and/or timescales for every active case; the
/// run is counted and timed for `/metrics`.
pub async fn run(
    state: &AppState,
    actor: &UserId,
    priorities: bool,
    timescales: bool,
) -> Result<Reevaluated, ApiError> {
    let started = std::time::Instant::now();
    let done = pass(state, actor, priorities, timescales).await;
    state.metrics.reevaluated(started.elapsed(), done.is_ok());
    done
}

async fn pass(
    state: &AppState,
    actor: &UserId,
    priorities: bool,
    timescales: bool,
) -> Result<Reevaluated, ApiError> {
    let today = state.today();
    let now = state.clock.now();
    let ctx = WriteCtx {
        actor: actor.clone(),
        at: now,
        request_id: "reevaluation".into(),
    };
    // One reading of the settings for the whole run.
    let reference = state.reference().await?;
    let policies: BTreeMap<String, Option<std::sync::Arc<Policy>>> = reference
        .policies
        .iter()
        .map(|v| (v.policy_id.clone(), reference.policy(v).ok()))
        .collect();
    let (_, settings) = reference.timescales()?;
    let mut done = Reevaluated::default();
    // Read the next page while this one is worked through, so the
    // database and the rules each keep a core busy.
    let fetch = |after: Option<CaseId>| {
        let store = state.store.clone();
        tokio::spawn(async move { store.active_caseload(after.as_ref(), PAGE).await })
    };
    let mut next = fetch(None);
    loop {
        let mut rows = next.await.map_err(|e| {
            caseload_store::StoreError::other(std::io::Error::other(format!(
                "the re-evaluation page reader stopped: {e}"
            )))
        })??;
        let Some(last) = rows.last() else { break };
        next = fetch(Some(last.case.id.clone()));
        if priorities {
            let changes = band_changes(&mut rows, &policies, &reference, today, now, &mut done);
            if !changes.is_empty() {
                done.priorities.changed += state.store.override_priorities(&changes, &ctx).await?;
            }
        }
        if timescales {
            let alerts = alerts(&rows, &settings, &reference, state, today, &mut done);
            if !alerts.is_empty() {
                done.timescales.alerts += state.store.record_alerts(&alerts, &ctx).await?;
            }
        }
    }
    Ok(done)
}

/// The band changes a page of cases needs; the rows take their new band so
/// that the timescales that follow use it.
fn band_changes(
    rows: &mut [CaseloadRow],
    policies: &BTreeMap<String, Option<std::sync::Arc<Policy>>>,
    reference: &crate::reference::Reference,
    today: Date,
    now: jiff::Timestamp,
    done: &mut Reevaluated,
) -> Vec<NewOverride> {
    let mut changes = Vec::new();
    for row in rows.iter_mut() {
        let Some(latest) = &row.assessment else {
            continue;
        };
        done.priorities.checked += 1;
        // A band set by override stands: no need to read its answers.
        if row.last_priority_cause.as_deref() == Some("override") {
            continue;
        }
        let Ok(answers) = serde_json::from_str::<BTreeMap<String, Answer>>(&latest.answers) else {
            continue;
        };
        let Some(Some(policy)) = policies.get(&latest.policy_id) else {
            continue;
        };
        let facts = facts(
            row.deadlines.iter().map(|d| (d.due, d.met)),
            row.last_contact,
            &reference.team_calendar(&row.case.team_id),
            today,
            now,
        );
        let case = &mut row.case;
        let Some(moved) = rescore(
            policy,
            &answers,
            &facts,
            case.priority_band.as_deref(),
            row.last_priority_cause.as_deref(),
        ) else {
            continue;
        };
        changes.push(NewOverride {
            case_id: case.id.clone(),
            cause: "time".into(),
            band: moved.band.clone(),
            rationale: moved.rationale,
            notify: moved.enters_high.then(|| {
                format!(
                    "{} — {}: now {} {} as time has passed",
                    case.client_name, case.title, moved.band, moved.band_name
                )
            }),
        });
        case.priority_band = Some(moved.band);
    }
    changes
}

/// The at-risk and breach alerts for a page of cases (the store drops those
/// already sent).
fn alerts(
    rows: &[CaseloadRow],
    settings: &Timescales,
    reference: &crate::reference::Reference,
    state: &AppState,
    today: Date,
    done: &mut Reevaluated,
) -> Vec<NewAlert> {
    let short = caseload_domain::dates::day;
    let mut alerts = Vec::new();
    for row in rows {
        let calendar = reference.team_calendar(&row.case.team_id);
        done.timescales.checked += 1;
        let case = for_row(row, settings, &calendar, &state.tz, today);
        let who = format!("{} — {}", row.case.client_name, row.case.title);
        let mut push = |clock: String, s: State, due: Date, message: String| {
            alerts.push(NewAlert {
                case_id: row.case.id.clone(),
                clock,
                state: s.as_str().to_owned(),
                due,
                message,
                supervisors: s.severity() == 2,
            });
        };
        for r in &case.clocks {
            if let (1..=2, Some(due)) = (r.state.severity(), r.due) {
                push(
                    r.clock.as_str().to_owned(),
                    r.state,
                    due,
                    format!(
                        "{who}: {} {} (due {}). {}.",
                        r.clock.label(),
                        lower_first(&r.state.describe()),
                        short(due),
                        r.clock.action()
                    ),
                );
            }
        }
        for d in &case.deadlines {
            if d.state.severity() > 0 {
                push(
                    format!("deadline:{}", d.deadline_id),
                    d.state,
                    d.due,
                    format!(
                        "{who}: deadline \"{}\" due {} — {}.",
                        d.title,
                        short(d.due),
                        lower_first(&d.state.describe())
                    ),
                );
            }
        }
    }
    alerts
}

/// "Breached since Tue 1 Dec 2026" → "breached since Tue 1 Dec 2026": only
/// the first letter, so the day and month keep their capitals.
fn lower_first(s: &str) -> String {
    let mut chars = s.chars();
    match chars.next() {
        Some(c) => c.to_lowercase().chain(chars).collect(),
        None => String::new(),
    }
}

/// Re-evaluate priorities, then timescales, as the system account, in one
/// pass: what `caseload reevaluate` and the server's hourly run do.
pub async fn everything(state: &AppState) -> Result<Reevaluated, ApiError> {
    let actor = system_user(state.store.as_ref(), state.clock.now()).await?;
    run(state, &actor, true, true).await
}

/// Re-score every assessed active case with its latest answers and today's
/// facts (deadlines approaching, contact going quiet) against the policy in
/// force; where the band changes, record it with the cause `time`. A band a
/// person set by override stands until the next assessment. Running it
/// again changes nothing. (`run` does this and the timescales together, in
/// one pass over the cases.)
pub async fn reevaluate_all(
    state: &AppState,
    system_actor: &UserId,
) -> Result<Reevaluation, ApiError> {
    let run = run(state, system_actor, true, false).await?;
    Ok(run.priorities)
}

/// The account Caseload records automatic changes under (re-evaluation as
/// time passes). It can never sign in: it has no password and is inactive.
pub async fn system_user(store: &dyn Store, at: jiff::Timestamp) -> Result<UserId, StoreError> {
    const EMAIL: &str = "system@caseload.invalid";
    if let Some(u) = store.find_user_by_email(EMAIL).await? {
        return Ok(u.id);
    }
    let email = caseload_domain::text::Email::parse("email", EMAIL)
        .map_err(|e| StoreError::Conflict(caseload_store::ConflictKind::Refused(e.message)))?;
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
