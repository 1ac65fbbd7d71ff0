//! Obstacles in the way of a case, and their resolution.

use async_trait::async_trait;
use caseload_domain::ids::*;
use caseload_domain::records::{EventKind, ObstacleCategory};
use caseload_store::*;
use serde_json::json;
use tracing::instrument;

use crate::audit::audit;
use crate::cases::{event, parent_case};
use crate::{Dialect, SqlRow, SqlStore, Statement, one};

#[async_trait]
impl<D: Dialect> Obstacles for SqlStore<D> {
    #[instrument(skip_all)]
    async fn add_obstacle(&self, new: &NewObstacle, ctx: &WriteCtx) -> Result<Obstacle> {
        let id = new_id(ObstacleId::from_parts, ctx.at);
        let mut tx = self.dialect.begin().await?;
        D::query(
            "INSERT INTO obstacles (id, case_id, category, description, raised_by, raised_at) VALUES ($1, $2, $3, $4, $5, $6)",
        )
        .bind_str(id.as_str())
        .bind_str(new.case_id.as_str())
        .bind_str(new.category.as_str())
        .bind_str(&new.description)
        .bind_str(ctx.actor.as_str())
        .bind_ts(ctx.at)
        .execute_in(&mut tx)
        .await?;
        let data = json!({"category": new.category});
        event::<D>(
            &mut tx,
            &new.case_id,
            ctx.at,
            ctx,
            EventKind::ObstacleRaised,
            id.as_str(),
            data,
        )
        .await?;
        audit::<D>(&mut tx, ctx, "obstacle.create", "obstacle", id.as_str()).await?;
        let obstacle = fetch_obstacle::<D>(&mut tx, &id).await?;
        D::commit(tx).await?;
        Ok(obstacle)
    }

    #[instrument(skip_all)]
    async fn get_obstacle(&self, id: &ObstacleId) -> Result<Obstacle> {
        let mut conn = self.dialect.acquire_reader().await?;
        fetch_obstacle::<D>(&mut conn, id).await
    }

    #[instrument(skip_all)]
    async fn list_obstacles(&self, case: &CaseId) -> Result<Vec<Obstacle>> {
        let rows = D::query("SELECT * FROM obstacles WHERE case_id = $1 ORDER BY raised_at, id")
            .bind_str(case.as_str())
            .fetch_all(self.reader())
            .await?;
        rows.iter().map(obstacle_row).collect()
    }

    #[instrument(skip_all)]
    async fn resolve_obstacle(
        &self,
        id: &ObstacleId,
        resolution: &str,
        ctx: &WriteCtx,
    ) -> Result<Obstacle> {
        let mut tx = self.dialect.begin().await?;
        let case = parent_case::<D>(&mut tx, "obstacles", id.as_str(), "obstacle").await?;
        let done = D::query(
            "UPDATE obstacles SET resolved_at = $1, resolved_by = $2, resolution = $3 WHERE id = $4 AND resolved_at IS NULL",
        )
        .bind_ts(ctx.at)
        .bind_str(ctx.actor.as_str())
        .bind_str(resolution)
        .bind_str(id.as_str())
        .execute_in(&mut tx)
        .await?;
        if done == 0 {
            return Err(StoreError::Conflict(ConflictKind::Stale {
                what: "obstacle",
                expected: "open".into(),
                now: Some("resolved".into()),
            }));
        }
        event::<D>(
            &mut tx,
            &case,
            ctx.at,
            ctx,
            EventKind::ObstacleResolved,
            id.as_str(),
            json!({}),
        )
        .await?;
        audit::<D>(&mut tx, ctx, "obstacle.resolve", "obstacle", id.as_str()).await?;
        let obstacle = fetch_obstacle::<D>(&mut tx, id).await?;
        D::commit(tx).await?;
        Ok(obstacle)
    }
}

fn obstacle_row(r: &impl SqlRow) -> Result<Obstacle> {
    Ok(Obstacle {
        id: ObstacleId::from_trusted(r.string("id")?),
        case_id: CaseId::from_trusted(r.string("case_id")?),
        category: decode::vocab(
            &r.string("category")?,
            ObstacleCategory::parse,
            "obstacle category",
        )?,
        description: r.string("description")?,
        raised_by: UserId::from_trusted(r.string("raised_by")?),
        raised_at: r.ts("raised_at")?,
        resolved_at: r.opt_ts("resolved_at")?,
        resolved_by: r.opt_string("resolved_by")?.map(UserId::from_trusted),
        resolution: r.opt_string("resolution")?,
    })
}

async fn fetch_obstacle<D: Dialect>(conn: &mut D::Conn, id: &ObstacleId) -> Result<Obstacle> {
    let row = D::query("SELECT * FROM obstacles WHERE id = $1")
        .bind_str(id.as_str())
        .fetch_optional_in(conn)
        .await?;
    one(row, "obstacle", obstacle_row)
}
