//! A case's required outcomes and the progress recorded against them.

use async_trait::async_trait;
use caseload_domain::ids::*;
use caseload_domain::records::{EventKind, OutcomeStatus};
use caseload_store::*;
use serde_json::json;
use tracing::instrument;

use crate::audit::audit;
use crate::cases::{event, parent_case};
use crate::{Dialect, SqlRow, SqlStore, Statement};

#[async_trait]
impl<D: Dialect> Outcomes for SqlStore<D> {
    #[instrument(skip_all)]
    async fn add_outcome(&self, new: &NewOutcome, ctx: &WriteCtx) -> Result<Outcome> {
        let id = new_id(OutcomeId::from_parts, ctx.at);
        let mut tx = self.dialect.begin().await?;
        D::query(
            "INSERT INTO outcomes (id, case_id, description, target_date, status, created_by, created_at, updated_at) \
             VALUES ($1, $2, $3, $4, 'not_started', $5, $6, $7)",
        )
        .bind_str(id.as_str())
        .bind_str(new.case_id.as_str())
        .bind_str(&new.description)
        .bind_opt_date(new.target_date)
        .bind_str(ctx.actor.as_str())
        .bind_ts(ctx.at)
        .bind_ts(ctx.at)
        .execute_in(&mut tx)
        .await?;
        let data = json!({"target_date": new.target_date});
        event::<D>(
            &mut tx,
            &new.case_id,
            ctx.at,
            ctx,
            EventKind::OutcomeAdded,
            id.as_str(),
            data,
        )
        .await?;
        audit::<D>(&mut tx, ctx, "outcome.create", "outcome", id.as_str()).await?;
        let outcome = fetch_outcomes::<D>(&mut tx, "id", id.as_str())
            .await?
            .pop()
            .ok_or(StoreError::NotFound("outcome"))?;
        D::commit(tx).await?;
        Ok(outcome)
    }

    #[instrument(skip_all)]
    async fn get_outcome(&self, id: &OutcomeId) -> Result<Outcome> {
        let mut conn = self.dialect.acquire_reader().await?;
        fetch_outcomes::<D>(&mut conn, "id", id.as_str())
            .await?
            .pop()
            .ok_or(StoreError::NotFound("outcome"))
    }

    #[instrument(skip_all)]
    async fn list_outcomes(&self, case: &CaseId) -> Result<Vec<Outcome>> {
        let mut conn = self.dialect.acquire_reader().await?;
        fetch_outcomes::<D>(&mut conn, "case_id", case.as_str()).await
    }

    #[instrument(skip_all)]
    async fn add_outcome_progress(&self, new: &NewProgress, ctx: &WriteCtx) -> Result<Outcome> {
        let id = new_id(ProgressId::from_parts, ctx.at);
        let mut tx = self.dialect.begin().await?;
        let case =
            parent_case::<D>(&mut tx, "outcomes", new.outcome_id.as_str(), "outcome").await?;
        D::query(
            "INSERT INTO outcome_progress (id, outcome_id, seq, author_id, recorded_at, status, text) \
             VALUES ($1, $2, (SELECT COALESCE(MAX(seq), 0) + 1 FROM outcome_progress WHERE outcome_id = $3), $4, $5, $6, $7)",
        )
        .bind_str(id.as_str())
        .bind_str(new.outcome_id.as_str())
        .bind_str(new.outcome_id.as_str())
        .bind_str(ctx.actor.as_str())
        .bind_ts(ctx.at)
        .bind_str(new.status.as_str())
        .bind_str(&new.text)
        .execute_in(&mut tx)
        .await?;
        D::query("UPDATE outcomes SET status = $1, updated_at = $2 WHERE id = $3")
            .bind_str(new.status.as_str())
            .bind_ts(ctx.at)
            .bind_str(new.outcome_id.as_str())
            .execute_in(&mut tx)
            .await?;
        let data = json!({"outcome_id": new.outcome_id, "status": new.status});
        event::<D>(
            &mut tx,
            &case,
            ctx.at,
            ctx,
            EventKind::OutcomeProgress,
            id.as_str(),
            data,
        )
        .await?;
        audit::<D>(
            &mut tx,
            ctx,
            "outcome.progress",
            "outcome",
            new.outcome_id.as_str(),
        )
        .await?;
        let outcome = fetch_outcomes::<D>(&mut tx, "id", new.outcome_id.as_str())
            .await?
            .pop()
            .ok_or(StoreError::NotFound("outcome"))?;
        D::commit(tx).await?;
        Ok(outcome)
    }
}

fn outcome_row(r: &impl SqlRow) -> Result<Outcome> {
    Ok(Outcome {
        id: OutcomeId::from_trusted(r.string("id")?),
        case_id: CaseId::from_trusted(r.string("case_id")?),
        description: r.string("description")?,
        target_date: r.opt_date("target_date")?,
        status: decode::vocab(&r.string("status")?, OutcomeStatus::parse, "outcome status")?,
        created_by: UserId::from_trusted(r.string("created_by")?),
        created_at: r.ts("created_at")?,
        progress: Vec::new(),
    })
}

fn progress_row(r: &impl SqlRow) -> Result<(OutcomeId, OutcomeProgress)> {
    Ok((
        OutcomeId::from_trusted(r.string("outcome_id")?),
        OutcomeProgress {
            id: ProgressId::from_trusted(r.string("id")?),
            author_id: UserId::from_trusted(r.string("author_id")?),
            author_name: r.string("author_name")?,
            recorded_at: r.ts("recorded_at")?,
            status: decode::vocab(&r.string("status")?, OutcomeStatus::parse, "outcome status")?,
            text: r.string("text")?,
        },
    ))
}

async fn fetch_outcomes<D: Dialect>(
    conn: &mut D::Conn,
    column: &str,
    id: &str,
) -> Result<Vec<Outcome>> {
    let rows = D::query(&format!(
        "SELECT id, case_id, description, target_date, status, created_by, created_at FROM outcomes \
         WHERE {column} = $1 ORDER BY created_at, id"
    ))
    .bind_str(id)
    .fetch_all_in(&mut *conn)
    .await?;
    let mut outcomes: Vec<Outcome> = rows.iter().map(outcome_row).collect::<Result<_>>()?;
    let progress = D::query(&format!(
        "SELECT p.id, p.outcome_id, p.author_id, u.name AS author_name, p.recorded_at, p.status, p.text \
         FROM outcome_progress p JOIN users u ON u.id = p.author_id JOIN outcomes o ON o.id = p.outcome_id \
         WHERE o.{column} = $1 ORDER BY p.seq"
    ))
    .bind_str(id)
    .fetch_all_in(conn)
    .await?;
    for row in &progress {
        let (outcome_id, entry) = progress_row(row)?;
        if let Some(o) = outcomes.iter_mut().find(|o| o.id == outcome_id) {
            o.progress.push(entry);
        }
    }
    Ok(outcomes)
}
