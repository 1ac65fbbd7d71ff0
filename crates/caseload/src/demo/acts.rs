//! Writing one planned act of a demonstration case into the store, at its
//! time, as the people in the demonstration would have done it.

use std::collections::HashMap;

use anyhow::Context;

use caseload_domain::cases::{CaseStatus, ClosureReason, StatusChange};
use caseload_domain::ids::{CaseId, NoteId, ObstacleId, OutcomeId, UserId};
use caseload_domain::notes::{DEFAULT_LATE_WINDOW, Section, check_timing};
use caseload_domain::priority::{Facts, Policy, assess};
use caseload_domain::records::TaskStatus;
use caseload_store::*;
use jiff::Timestamp;

use super::ctx;
use super::histories::{Act, Planned};

/// A case as it is being written.
#[derive(Default)]
pub(super) struct Live {
    pub(super) case: Option<Case>,
    pub(super) band: Option<String>,
    pub(super) outcome: Option<OutcomeId>,
    pub(super) obstacle: Option<ObstacleId>,
    pub(super) first_note: Option<NoteId>,
}

/// Write one act of a case's plan at its time.
pub(super) async fn apply(
    store: &dyn Store,
    plan: &Planned,
    act: &Act,
    at: Timestamp,
    policies: &[(PolicyVersion, Policy)],
    live: &mut Live,
    pending: &mut HashMap<UserId, Vec<Notification>>,
) -> anyhow::Result<()> {
    let owner = &plan.owner;
    let case_id = || -> anyhow::Result<CaseId> {
        Ok(live
            .case
            .as_ref()
            .context("a case's work planned before it opened")?
            .id
            .clone())
    };
    match act {
        Act::Open => {
            let client = store.create_client(&plan.client, &ctx(owner, at)).await?;
            let case = store
                .create_case(
                    &NewCase {
                        client_id: client.id.clone(),
                        title: plan.script.title.into(),
                        service_area: plan.script.area,
                        complexity: plan.script.complexity,
                        owner_id: owner.clone(),
                        team_id: plan.client.team_id.clone(),
                        status: if plan.referral {
                            CaseStatus::Referral
                        } else {
                            CaseStatus::Open
                        },
                    },
                    &ctx(owner, at),
                )
                .await?;
            live.case = Some(case);
        }
        Act::Note(note) => {
            let case = case_id()?;
            let timing = check_timing(note.occurred, at, DEFAULT_LATE_WINDOW, note.late_reason)
                .map_err(|e| anyhow::anyhow!("{e}"))?;
            let section = |name: &str, text: &str| Section {
                name: name.into(),
                text: text.into(),
            };
            let written = store
                .add_note(
                    &NewNote {
                        case_id: case.clone(),
                        kind: note.kind,
                        template: "star".into(),
                        occurred_at: note.occurred,
                        late_entry: timing.late_entry,
                        late_reason: timing.late_reason,
                        sections: vec![
                            section("situation", note.situation),
                            section("task", note.need),
                            section("action", &note.action),
                            section("result", note.result),
                        ],
                        submission_key: None,
                    },
                    &ctx(owner, at),
                )
                .await?;
            if note.first {
                live.first_note = Some(written.id.clone());
            }
            if note.task.is_some() || note.finish_all {
                for task in store.list_tasks(&case).await? {
                    if task.status == TaskStatus::Open {
                        let by = task.assignee_id.as_ref().unwrap_or(owner);
                        store
                            .set_task_status(
                                &task.id,
                                TaskStatus::Open,
                                TaskStatus::Done,
                                &ctx(by, at),
                            )
                            .await?;
                    }
                }
            }
            if let Some(task) = &note.task {
                store
                    .add_task(
                        &NewTask {
                            case_id: case.clone(),
                            title: task.title.into(),
                            due_date: Some(task.due),
                            assignee_id: Some(if task.colleague {
                                plan.colleague.clone()
                            } else {
                                owner.clone()
                            }),
                        },
                        &ctx(owner, at),
                    )
                    .await?;
            }
            // Working on the case answers the alerts about it.
            if let Some(list) = pending.get_mut(owner) {
                let mut kept = Vec::new();
                for n in list.drain(..) {
                    if n.case_id.as_ref() == Some(&case) && n.created_at < at {
                        store.acknowledge_notification(&n.id, owner, at).await?;
                    } else {
                        kept.push(n);
                    }
                }
                *list = kept;
            }
        }
        Act::Assess {
            answers,
            rule_tasks,
        } => {
            let case = live.case.as_ref().context("assessed before it opened")?;
            let (version, policy) = &policies[plan.policy];
            let verdict = assess(policy, answers, &Facts::default())
                .map_err(|e| anyhow::anyhow!("demo answers: {e:?}"))?;
            let high = policy.enters_high(live.band.as_deref(), &verdict.band);
            store
                .record_assessment(
                    &NewAssessment {
                        case_id: case.id.clone(),
                        policy_id: version.policy_id.clone(),
                        policy_version: version.version,
                        answers: serde_json::to_value(answers)?,
                        score: i64::from(verdict.score),
                        band: verdict.band.clone(),
                        rationale: serde_json::to_value(&verdict.rationale)?,
                        summary: verdict
                            .rationale
                            .iter()
                            .map(|r| r.words.clone())
                            .collect::<Vec<_>>()
                            .join("; "),
                        floor: verdict.floor.clone(),
                        tasks: if *rule_tasks {
                            verdict.tasks.clone()
                        } else {
                            Vec::new()
                        },
                        notify: high.then(|| {
                            format!(
                                "{} — {}: now {} {}",
                                case.client_name, case.title, verdict.band, verdict.band_name
                            )
                        }),
                    },
                    &ctx(owner, at),
                )
                .await?;
            live.band = Some(verdict.band);
        }
        Act::Outcome { target } => {
            let outcome = store
                .add_outcome(
                    &NewOutcome {
                        case_id: case_id()?,
                        description: plan.script.outcome.into(),
                        target_date: Some(*target),
                    },
                    &ctx(owner, at),
                )
                .await?;
            live.outcome = Some(outcome.id);
        }
        Act::Progress(status, text) => {
            if let Some(outcome) = &live.outcome {
                store
                    .add_outcome_progress(
                        &NewProgress {
                            outcome_id: outcome.clone(),
                            status: *status,
                            text: (*text).into(),
                        },
                        &ctx(owner, at),
                    )
                    .await?;
            }
        }
        Act::Obstacle => {
            if let Some((category, description, _)) = plan.script.obstacle {
                let obstacle = store
                    .add_obstacle(
                        &NewObstacle {
                            case_id: case_id()?,
                            category,
                            description: description.into(),
                        },
                        &ctx(owner, at),
                    )
                    .await?;
                live.obstacle = Some(obstacle.id);
            }
        }
        Act::ResolveObstacle => {
            if let (Some(id), Some((_, _, resolution))) =
                (live.obstacle.take(), plan.script.obstacle)
            {
                store
                    .resolve_obstacle(&id, resolution, &ctx(owner, at))
                    .await?;
            }
        }
        Act::Amend => {
            if let (Some(note), Some((reason, text))) = (&live.first_note, plan.script.correction) {
                store
                    .add_amendment(
                        &NewAmendment {
                            note_id: note.clone(),
                            reason: reason.into(),
                            sections: vec![Section {
                                name: "situation".into(),
                                text: text.into(),
                            }],
                        },
                        &ctx(owner, at),
                    )
                    .await?;
            }
        }
        Act::Hold => {
            let change = StatusChange {
                from: CaseStatus::Open,
                to: CaseStatus::OnHold,
                reason: Some(plan.script.hold.into()),
                closure_reason: None,
                closure_summary: None,
            };
            store
                .change_case_status(&case_id()?, &change, &ctx(owner, at))
                .await?;
        }
        Act::Close => {
            let change = StatusChange {
                from: CaseStatus::Open,
                to: CaseStatus::Closed,
                reason: None,
                closure_reason: Some(ClosureReason::OutcomesAchieved),
                closure_summary: Some(format!(
                    "{}. The client knows to come back if the situation changes.",
                    plan.script.outcome
                )),
            };
            store
                .change_case_status(&case_id()?, &change, &ctx(owner, at))
                .await?;
        }
    }
    Ok(())
}
