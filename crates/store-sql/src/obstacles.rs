//! Obstacles in the way of a case, and their resolution.
//!
//! Not yet written here: forwarded to the dialect, which still holds its own copy.

use async_trait::async_trait;
use caseload_domain::ids::*;
use caseload_store::*;

use crate::{Dialect, SqlStore};

#[async_trait]
impl<D: Dialect> Obstacles for SqlStore<D> {
    async fn add_obstacle(&self, new: &NewObstacle, ctx: &WriteCtx) -> Result<Obstacle> {
        Obstacles::add_obstacle(&self.dialect, new, ctx).await
    }

    async fn get_obstacle(&self, id: &ObstacleId) -> Result<Obstacle> {
        Obstacles::get_obstacle(&self.dialect, id).await
    }

    async fn list_obstacles(&self, case: &CaseId) -> Result<Vec<Obstacle>> {
        Obstacles::list_obstacles(&self.dialect, case).await
    }

    async fn resolve_obstacle(
        &self,
        id: &ObstacleId,
        resolution: &str,
        ctx: &WriteCtx,
    ) -> Result<Obstacle> {
        Obstacles::resolve_obstacle(&self.dialect, id, resolution, ctx).await
    }
}
