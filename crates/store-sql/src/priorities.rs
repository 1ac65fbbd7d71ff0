//! Priority policies (versioned), assessments, overrides and the history of bands.

use async_trait::async_trait;
use caseload_domain::ids::*;
use caseload_domain::records::EventKind;
use caseload_store::*;
use jiff::Timestamp;
use serde_json::json;
use tracing::instrument;

use crate::audit::audit;
use crate::cases::event;
use crate::tasks::insert_task;
use crate::{Dialect, SqlRow, SqlStore, Statement};

#[async_trait]
impl<D: Dialect> Priorities for SqlStore<D> {
    #[instrument(skip_all)]
    async fn save_policy_version(
        &self,
        policy_id: &str,
        name: &str,
        service_areas: &[String],
        body: &str,
        by: Option<&UserId>,
        at: Timestamp,
    ) -> Result<PolicyVersion> {
        let mut tx = self.dialect.begin().await?;
        let version = D::query(
            "SELECT COALESCE(MAX(version), 0) + 1 FROM policy_versions WHERE policy_id = $1",
        )
        .bind_str(policy_id)
        .fetch_one_in(&mut tx)
        .await?
        .i64(0)?;
        D::query(
            "INSERT INTO policy_versions (policy_id, version, name, service_areas, body, created_by, created_at) \
             VALUES ($1, $2, $3, $4, $5, $6, $7)",
        )
        .bind_str(policy_id)
        .bind_i64(version)
        .bind_str(name)
        .bind_json(serde_json::to_string(service_areas).unwrap_or_else(|_| "[]".into()))
        .bind_str(body)
        .bind_opt_str(by.map(|u| u.as_str()))
        .bind_ts(at)
        .execute_in(&mut tx)
        .await?;
        D::commit(tx).await?;
        Ok(PolicyVersion {
            policy_id: policy_id.to_owned(),
            version,
            name: name.to_owned(),
            service_areas: service_areas.to_vec(),
            body: body.to_owned(),
            created_by: by.cloned(),
            created_at: at,
        })
    }

    #[instrument(skip_all)]
    async fn list_policies(&self) -> Result<Vec<PolicyVersion>> {
        let rows = D::query(
            "SELECT p.policy_id, p.version, p.name, p.service_areas AS service_areas, p.body, p.created_by, p.created_at \
             FROM policy_versions p WHERE p.version = (SELECT MAX(q.version) FROM policy_versions q WHERE q.policy_id = p.policy_id) \
             ORDER BY p.policy_id",
        )
        .fetch_all(self.reader())
        .await?;
        rows.iter().map(policy_row).collect()
    }

    #[instrument(skip_all)]
    async fn policy_versions(&self, policy_id: &str) -> Result<Vec<PolicyVersion>> {
        let rows = D::query(
            "SELECT policy_id, version, name, service_areas AS service_areas, body, created_by, created_at \
             FROM policy_versions WHERE policy_id = $1 ORDER BY version",
        )
        .bind_str(policy_id)
        .fetch_all(self.reader())
        .await?;
        rows.iter().map(policy_row).collect()
    }

    #[instrument(skip_all)]
    async fn record_assessment(&self, new: &NewAssessment, ctx: &WriteCtx) -> Result<Assessment> {
        let id = new_id(AssessmentId::from_parts, ctx.at);
        let mut tx = self.dialect.begin().await?;
        let previous = D::query(&format!(
            "SELECT priority_band FROM cases WHERE id = $1{}",
            D::FOR_UPDATE
        ))
        .bind_str(new.case_id.as_str())
        .fetch_optional_in(&mut tx)
        .await?
        .ok_or(StoreError::NotFound("case"))?
        .opt_string(0)?;
        let assessed_before = D::query("SELECT COUNT(*) > 0 FROM assessments WHERE case_id = $1")
            .bind_str(new.case_id.as_str())
            .fetch_one_in(&mut tx)
            .await?
            .bool(0)?;
        D::query(
            "INSERT INTO assessments (id, case_id, policy_id, policy_version, answers, score, band, rationale, assessed_by, \
             assessed_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)",
        )
        .bind_str(id.as_str())
        .bind_str(new.case_id.as_str())
        .bind_str(&new.policy_id)
        .bind_i64(new.policy_version)
        .bind_json(new.answers.to_string())
        .bind_i64(new.score)
        .bind_str(&new.band)
        .bind_json(new.rationale.to_string())
        .bind_str(ctx.actor.as_str())
        .bind_ts(ctx.at)
        .execute_in(&mut tx)
        .await?;
        let cause = if assessed_before {
            "reassessment"
        } else {
            "assessment"
        };
        insert_priority_change::<D>(
            &mut tx,
            &new.case_id,
            &new.band,
            previous.as_deref(),
            cause,
            &new.summary,
            Some(&id),
            ctx,
        )
        .await?;
        D::query("UPDATE cases SET priority_band = $1, priority_floor = $2, assessed_at = $3, updated_at = $4 WHERE id = $5")
            .bind_str(&new.band)
            .bind_opt_str(new.floor.as_deref())
            .bind_ts(ctx.at)
            .bind_ts(ctx.at)
            .bind_str(new.case_id.as_str())
            .execute_in(&mut tx)
            .await?;
        let owner = UserId::from_trusted(
            D::query("SELECT owner_id FROM cases WHERE id = $1")
                .bind_str(new.case_id.as_str())
                .fetch_one_in(&mut tx)
                .await?
                .string(0)?,
        );
        for title in &new.tasks {
            let task_id = new_id(TaskId::from_parts, ctx.at);
            insert_task::<D>(
                &mut tx,
                &task_id,
                &new.case_id,
                title,
                None,
                Some(&owner),
                ctx,
            )
            .await?;
            event::<D>(
                &mut tx,
                &new.case_id,
                ctx.at,
                ctx,
                EventKind::TaskAdded,
                task_id.as_str(),
                json!({"rule_task": true}),
            )
            .await?;
        }
        if let Some(message) = &new.notify {
            notify_supervisors::<D>(&mut tx, &new.case_id, "high_priority", message, ctx).await?;
        }
        audit::<D>(&mut tx, ctx, "case.assess", "case", new.case_id.as_str()).await?;
        D::commit(tx).await?;
        Ok(Assessment {
            id,
            case_id: new.case_id.clone(),
            policy_id: new.policy_id.clone(),
            policy_version: new.policy_version,
            answers: new.answers.clone(),
            score: new.score,
            band: new.band.clone(),
            rationale: new.rationale.clone(),
            assessed_by: ctx.actor.clone(),
            assessed_at: ctx.at,
        })
    }

    #[instrument(skip_all)]
    async fn latest_assessment(&self, case: &CaseId) -> Result<Option<Assessment>> {
        let row = D::query(
            "SELECT id, case_id, policy_id, policy_version, answers AS answers, score, band, rationale AS rationale, \
             assessed_by, assessed_at FROM assessments WHERE case_id = $1 ORDER BY assessed_at DESC, id DESC LIMIT 1",
        )
        .bind_str(case.as_str())
        .fetch_optional(self.reader())
        .await?;
        let Some(r) = row else { return Ok(None) };
        Ok(Some(Assessment {
            id: AssessmentId::from_trusted(r.string("id")?),
            case_id: CaseId::from_trusted(r.string("case_id")?),
            policy_id: r.string("policy_id")?,
            policy_version: r.i64("policy_version")?,
            answers: decode::json(&r.json_text("answers")?)?,
            score: r.i64("score")?,
            band: r.string("band")?,
            rationale: decode::json(&r.json_text("rationale")?)?,
            assessed_by: UserId::from_trusted(r.string("assessed_by")?),
            assessed_at: r.ts("assessed_at")?,
        }))
    }

    #[instrument(skip_all)]
    async fn override_priority(&self, new: &NewOverride, ctx: &WriteCtx) -> Result<PriorityChange> {
        let mut tx = self.dialect.begin().await?;
        let change = apply_override::<D>(&mut tx, new, ctx).await?;
        D::commit(tx).await?;
        Ok(change)
    }

    #[instrument(skip_all)]
    async fn override_priorities(&self, changes: &[NewOverride], ctx: &WriteCtx) -> Result<usize> {
        let mut tx = self.dialect.begin().await?;
        for new in changes {
            apply_override::<D>(&mut tx, new, ctx).await?;
        }
        D::commit(tx).await?;
        Ok(changes.len())
    }

    #[instrument(skip_all)]
    async fn priority_history(&self, case: &CaseId) -> Result<Vec<PriorityChange>> {
        let rows = D::query(
            "SELECT p.*, u.name AS actor_name FROM priority_changes p JOIN users u ON u.id = p.actor_id \
             WHERE p.case_id = $1 ORDER BY p.seq",
        )
        .bind_str(case.as_str())
        .fetch_all(self.reader())
        .await?;
        rows.iter().map(priority_row).collect()
    }
}

fn policy_row(r: &impl SqlRow) -> Result<PolicyVersion> {
    Ok(PolicyVersion {
        policy_id: r.string("policy_id")?,
        version: r.i64("version")?,
        name: r.string("name")?,
        service_areas: serde_json::from_str(&r.json_text("service_areas")?)
            .map_err(|e| StoreError::corrupt(format!("service areas: {e}")))?,
        body: r.string("body")?,
        created_by: r.opt_string("created_by")?.map(UserId::from_trusted),
        created_at: r.ts("created_at")?,
    })
}

fn priority_row(r: &impl SqlRow) -> Result<PriorityChange> {
    Ok(PriorityChange {
        id: PriorityChangeId::from_trusted(r.string("id")?),
        case_id: CaseId::from_trusted(r.string("case_id")?),
        band: r.string("band")?,
        previous_band: r.opt_string("previous_band")?,
        cause: r.string("cause")?,
        rationale: r.string("rationale")?,
        assessment_id: r
            .opt_string("assessment_id")?
            .map(AssessmentId::from_trusted),
        actor_id: UserId::from_trusted(r.string("actor_id")?),
        actor_name: r.string("actor_name")?,
        at: r.ts("at")?,
    })
}

#[allow(clippy::too_many_arguments)]
async fn insert_priority_change<D: Dialect>(
    conn: &mut D::Conn,
    case: &CaseId,
    band: &str,
    previous: Option<&str>,
    cause: &str,
    rationale: &str,
    assessment: Option<&AssessmentId>,
    ctx: &WriteCtx,
) -> Result<PriorityChange> {
    let id = new_id(PriorityChangeId::from_parts, ctx.at);
    D::query(
        "INSERT INTO priority_changes (id, case_id, seq, band, previous_band, cause, rationale, assessment_id, actor_id, at) \
         VALUES ($1, $2, (SELECT COALESCE(MAX(seq), 0) + 1 FROM priority_changes WHERE case_id = $3), $4, $5, $6, $7, $8, $9, $10)",
    )
    .bind_str(id.as_str())
    .bind_str(case.as_str())
    .bind_str(case.as_str())
    .bind_str(band)
    .bind_opt_str(previous)
    .bind_str(cause)
    .bind_str(rationale)
    .bind_opt_str(assessment.map(|a| a.as_str()))
    .bind_str(ctx.actor.as_str())
    .bind_ts(ctx.at)
    .execute_in(&mut *conn)
    .await?;
    let data =
        json!({"band": band, "previous_band": previous, "cause": cause, "rationale": rationale});
    event::<D>(
        conn,
        case,
        ctx.at,
        ctx,
        EventKind::PriorityChanged,
        id.as_str(),
        data,
    )
    .await?;
    let actor_name = D::query("SELECT name FROM users WHERE id = $1")
        .bind_str(ctx.actor.as_str())
        .fetch_one_in(&mut *conn)
        .await?
        .string(0)?;
    Ok(PriorityChange {
        id,
        case_id: case.clone(),
        band: band.to_owned(),
        previous_band: previous.map(str::to_owned),
        cause: cause.to_owned(),
        rationale: rationale.to_owned(),
        assessment_id: assessment.cloned(),
        actor_id: ctx.actor.clone(),
        actor_name,
        at: ctx.at,
    })
}

/// Tell the active supervisors of the case's team (not the one acting).
async fn notify_supervisors<D: Dialect>(
    conn: &mut D::Conn,
    case: &CaseId,
    kind: &str,
    message: &str,
    ctx: &WriteCtx,
) -> Result<()> {
    let supervisors = D::query(
        "SELECT u.id FROM users u JOIN cases c ON c.team_id = u.team_id \
         WHERE c.id = $1 AND u.role = 'supervisor' AND u.active AND u.id <> $2",
    )
    .bind_str(case.as_str())
    .bind_str(ctx.actor.as_str())
    .fetch_all_in(&mut *conn)
    .await?
    .iter()
    .map(|r| r.string(0))
    .collect::<Result<Vec<_>>>()?;
    for user in supervisors {
        D::query(
            "INSERT INTO notifications (id, user_id, case_id, kind, message, created_at) VALUES ($1, $2, $3, $4, $5, $6)",
        )
        .bind_string(new_id(NotificationId::from_parts, ctx.at).to_string())
        .bind_str(&user)
        .bind_str(case.as_str())
        .bind_str(kind)
        .bind_str(message)
        .bind_ts(ctx.at)
        .execute_in(&mut *conn)
        .await?;
    }
    Ok(())
}

/// One change of band with its history row, notifications and audit.
async fn apply_override<D: Dialect>(
    conn: &mut D::Conn,
    new: &NewOverride,
    ctx: &WriteCtx,
) -> Result<PriorityChange> {
    let previous = D::query(&format!(
        "SELECT priority_band FROM cases WHERE id = $1{}",
        D::FOR_UPDATE
    ))
    .bind_str(new.case_id.as_str())
    .fetch_optional_in(&mut *conn)
    .await?
    .ok_or(StoreError::NotFound("case"))?
    .opt_string(0)?;
    let change = insert_priority_change::<D>(
        &mut *conn,
        &new.case_id,
        &new.band,
        previous.as_deref(),
        &new.cause,
        &new.rationale,
        None,
        ctx,
    )
    .await?;
    D::query("UPDATE cases SET priority_band = $1, updated_at = $2 WHERE id = $3")
        .bind_str(&new.band)
        .bind_ts(ctx.at)
        .bind_str(new.case_id.as_str())
        .execute_in(&mut *conn)
        .await?;
    if let Some(message) = &new.notify {
        notify_supervisors::<D>(&mut *conn, &new.case_id, "high_priority", message, ctx).await?;
    }
    audit::<D>(
        &mut *conn,
        ctx,
        "case.priority_override",
        "case",
        new.case_id.as_str(),
    )
    .await?;
    Ok(change)
}
